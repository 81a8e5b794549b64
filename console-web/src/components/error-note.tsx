import { useEffect } from 'preact/hooks';
import { AuthError } from '../api.js';
import { useConsole } from '../console-context.js';

/** Shows a failed request; a 401 sends the user back to the login form. */
export function ErrorNote({ error }: { error: unknown }) {
  const context = useConsole();
  const { t } = context;
  useEffect(() => {
    if (error instanceof AuthError) context.signOut();
  }, [error, context]);
  if (error === null || error === undefined) return null;
  return (
    <p role="alert" class="error">
      {t('app.error')}: {error instanceof Error ? error.message : JSON.stringify(error)}
    </p>
  );
}
