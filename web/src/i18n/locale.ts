import en from '../locales/en';
import zhCN, { type MessageKey } from '../locales/zh-CN';

export type Locale = 'zh-CN' | 'en';
export type { MessageKey };
export type Vars = Record<string, string | number>;

const STORAGE_KEY = 'xt_locale';
const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export function isLocale(v: unknown): v is Locale {
  return v === 'zh-CN' || v === 'en';
}

/** The locale the user chose on this device, if any. */
export function storedLocale(): Locale | undefined {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

let current: Locale = storedLocale() ?? 'zh-CN';

export function getLocale(): Locale {
  return current;
}

export function setCurrentLocale(locale: Locale, persist: boolean): void {
  current = locale;
  if (persist) {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    } catch {
      // Storage may be unavailable (private mode); the choice then lasts for this page.
    }
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/** Replaces `{name}` placeholders with values. */
export function format(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) =>
    name in vars ? String(vars[name]) : m,
  );
}

export function translate(key: MessageKey, vars?: Vars, locale: Locale = current): string {
  return format(catalogs[locale][key], vars);
}

export function isMessageKey(key: string): key is MessageKey {
  return key in zhCN;
}

/** Translates `prefix.value` when the catalog has it, else shows the raw value (server enums). */
export function translateEnum(prefix: string, value: string, locale: Locale = current): string {
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? translate(key, undefined, locale) : value;
}
