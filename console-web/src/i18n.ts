/** EN/ZH UI strings (messages/*.json) and the chosen language: stored choice, else the browser's. */
import en from './messages/en.json';
import zh from './messages/zh.json';

export type Language = 'en' | 'zh';
export type MessageKey = Exclude<keyof typeof en, '_source'>;

const TABLES: Record<Language, Record<string, string>> = { en, zh };
const STORAGE_KEY = 'safemed.console.language';

export function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh') return stored;
  const preferred = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function rememberLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(language: Language): Translate {
  const table = TABLES[language];
  return (key, values) => {
    let text = table[key] ?? TABLES.en[key] ?? key;
    if (values) for (const [name, value] of Object.entries(values)) text = text.split(`{${name}}`).join(String(value));
    return text;
  };
}

/** A bilingual label from the server (spec names), in the UI language. */
export function pickLabel(label: { en: string; zh: string } | undefined, language: Language, fallback: string): string {
  return label ? label[language] : fallback;
}
