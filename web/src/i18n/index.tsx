import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zh_CN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import {
  getLocale,
  type Locale,
  type MessageKey,
  setCurrentLocale,
  translate,
  translateEnum,
  type Vars,
} from './locale';

export type TFunction = (key: MessageKey, vars?: Vars) => string;
/** Label for a server enum value: `te('user.status', 'active')`. */
export type EnumFunction = (prefix: string, value: string) => string;

interface I18nValue {
  locale: Locale;
  /** Switch the UI language; `persist` stores it as this device's choice. */
  setLocale: (locale: Locale, persist?: boolean) => void;
  t: TFunction;
  te: EnumFunction;
}

const I18nContext = createContext<I18nValue | null>(null);

function applyDayjs(locale: Locale) {
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => {
    const l = getLocale();
    setCurrentLocale(l, false);
    applyDayjs(l);
    return l;
  });
  const setLocale = useCallback((l: Locale, persist = true) => {
    setCurrentLocale(l, persist);
    applyDayjs(l);
    setLocaleState(l);
  }, []);
  const value = useMemo<I18nValue>(
    () => ({
      locale,
      setLocale,
      t: (key, vars) => translate(key, vars, locale),
      te: (prefix, value) => translateEnum(prefix, value, locale),
    }),
    [locale, setLocale],
  );
  return (
    <I18nContext.Provider value={value}>
      <ConfigProvider
        locale={locale === 'zh-CN' ? zh_CN : enUS}
        // Labels stay as written (antd would render 登录 as 登 录).
        button={{ autoInsertSpace: false }}
      >
        {children}
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

export function useI18n(): I18nValue {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

export function useT(): TFunction {
  return useI18n().t;
}
