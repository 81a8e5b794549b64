/**
 * The SafeMed web console: one small entry (shell, navigation, language, sign-in) and one lazily
 * loaded chunk per page, so each page's first load stays small.
 */
import { render, type ComponentType } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, AuthError, apiJson, storeKey, storedKey, type Session } from './api.js';
import { ConsoleContext, type ConsoleContextValue } from './console-context.js';
import { initialLanguage, rememberLanguage, translator, type Language, type MessageKey } from './i18n.js';

type PageName = 'chat' | 'audit' | 'review' | 'reports' | 'playground';

const PAGES: Array<{ name: PageName; label: MessageKey; load: () => Promise<{ default: ComponentType }> }> = [
  { name: 'chat', label: 'nav.chat', load: () => import('./pages/chat-page.js') },
  { name: 'audit', label: 'nav.audit', load: () => import('./pages/audit-page.js') },
  { name: 'review', label: 'nav.review', load: () => import('./pages/review-page.js') },
  { name: 'reports', label: 'nav.reports', load: () => import('./pages/reports-page.js') },
  { name: 'playground', label: 'nav.playground', load: () => import('./pages/playground-page.js') },
];
const BASE = '/console/';

function pageFromLocation(): PageName {
  const name = location.pathname.slice(BASE.length).split('/')[0] ?? '';
  return PAGES.find((page) => page.name === name)?.name ?? 'chat';
}

function App() {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  const [session, setSession] = useState<Session | null>(null);
  const [needsLogin, setNeedsLogin] = useState(false);
  const [bootError, setBootError] = useState<string | null>(null);
  const [page, setPage] = useState<PageName>(pageFromLocation);
  const [Component, setComponent] = useState<{ page: PageName; component: ComponentType } | null>(null);
  const t = useMemo(() => translator(language), [language]);

  const loadSession = useCallback(() => {
    apiJson<Session>('session')
      .then((value) => {
        setSession(value);
        setNeedsLogin(false);
      })
      .catch((error: unknown) => {
        if (error instanceof AuthError) {
          storeKey(null);
          setNeedsLogin(true);
        } else setBootError(error instanceof Error ? error.message : String(error));
      });
  }, []);
  useEffect(loadSession, [loadSession]);
  useEffect(() => { rememberLanguage(language); }, [language]);
  useEffect(() => {
    const onPop = () => { setPage(pageFromLocation()); };
    addEventListener('popstate', onPop);
    return () => { removeEventListener('popstate', onPop); };
  }, []);
  useEffect(() => {
    let live = true;
    const entry = PAGES.find((candidate) => candidate.name === page);
    if (entry) {
      void entry.load().then((module) => {
        if (live) setComponent({ page, component: module.default });
      });
    }
    return () => {
      live = false;
    };
  }, [page]);
  useEffect(() => {
    const label = PAGES.find((candidate) => candidate.name === page)?.label ?? 'nav.chat';
    document.title = `${t(label)} · ${t('app.title')}`;
  }, [page, t]);

  const navigate = useCallback((path: string) => {
    history.pushState(null, '', `${BASE}${path}`);
    setPage(pageFromLocation());
    document.getElementById('main')?.focus();
  }, []);
  const signOut = useCallback(() => {
    storeKey(null);
    setSession(null);
    setNeedsLogin(true);
  }, []);

  const languageSwitch = (
    <label class="language">
      <span>{t('app.language')}</span>
      <select value={language} onChange={(event) => { setLanguage((event.currentTarget.value === 'zh' ? 'zh' : 'en')); }}>
        <option value="en">English</option>
        <option value="zh">中文</option>
      </select>
    </label>
  );

  if (needsLogin || (session === null && bootError === null)) {
    return (
      <div class="shell">
        <header class="topbar">
          <span class="brand">{t('app.title')}</span>
          {languageSwitch}
        </header>
        <main id="main" tabIndex={-1}>
          {needsLogin ? <LoginForm t={t} onSignedIn={loadSession} /> : <p role="status">{t('app.loading')}</p>}
        </main>
      </div>
    );
  }
  if (session === null) {
    return (
      <main id="main" class="shell">
        <p role="alert" class="error">
          {t('app.error')}: {bootError}
        </p>
      </main>
    );
  }
  const context: ConsoleContextValue = { language, t, session, signOut, navigate };
  const Page = Component?.page === page ? Component.component : null;
  return (
    <ConsoleContext.Provider value={context}>
      <div class="shell">
        <a class="skip" href="#main">
          {t('app.skip')}
        </a>
        <header class="topbar">
          <span class="brand">{t('app.title')}</span>
          <nav aria-label={t('app.nav')}>
            <ul>
              {PAGES.map((entry) => (
                <li key={entry.name}>
                  <a
                    href={`${BASE}${entry.name}`}
                    aria-current={entry.name === page ? 'page' : undefined}
                    onClick={(event) => {
                      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
                      event.preventDefault();
                      navigate(entry.name);
                    }}
                  >
                    {t(entry.label)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <span class="model-info">
            {t('app.model')}: <strong>{session.servedModelName}</strong> · {session.guard ? t('app.guardOn') : t('app.guardOff')}
          </span>
          {languageSwitch}
          {session.authRequired ? (
            <button type="button" class="secondary" onClick={signOut}>
              {t('app.signOut')}
            </button>
          ) : null}
        </header>
        <main id="main" tabIndex={-1}>
          {Page ? <Page /> : <p role="status">{t('app.loading')}</p>}
        </main>
      </div>
    </ConsoleContext.Provider>
  );
}

function LoginForm({ t, onSignedIn }: { t: ConsoleContextValue['t']; onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [wrong, setWrong] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = (event: Event) => {
    event.preventDefault();
    setBusy(true);
    storeKey(key.trim());
    apiJson<Session>('session')
      .then(() => { onSignedIn(); })
      .catch((error: unknown) => {
        storeKey(null);
        setWrong(error instanceof AuthError || error instanceof ApiError);
      })
      .finally(() => { setBusy(false); });
  };
  return (
    <section class="login" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      <p>{t('login.intro')}</p>
      <form onSubmit={submit}>
        <label for="api-key">{t('login.key')}</label>
        <input id="api-key" name="api-key" type="password" autocomplete="current-password" required value={key} onInput={(event) => { setKey(event.currentTarget.value); }} />
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
        {wrong ? (
          <p role="alert" class="error">
            {t('login.wrong')}
          </p>
        ) : null}
      </form>
    </section>
  );
}

if (storedKey() === '') storeKey(null);
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
