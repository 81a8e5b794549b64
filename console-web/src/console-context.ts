import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Session } from './api.js';
import type { Language, Translate } from './i18n.js';

export interface ConsoleContextValue {
  language: Language;
  t: Translate;
  session: Session;
  /** Called when the server answers 401: back to the login form. */
  signOut(): void;
  navigate(path: string): void;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (value === null) throw new Error('useConsole outside the console');
  return value;
}
