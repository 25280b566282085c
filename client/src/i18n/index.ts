import { useCallback } from 'react';
import { create } from 'zustand';
import type { Locale } from '../../../shared/schemas/common.ts';
import { en } from './en.ts';
import { serverMessagePatterns } from './serverMessages.ts';
import { zhCN, type MessageKey } from './zh-CN.ts';

export type { Locale, MessageKey };
export const locales: readonly Locale[] = ['zh-CN', 'en'];

const dictionaries: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'tongbu.locale';

export type Params = Record<string, string | number>;

function storedLocale(): Locale {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    if (v === 'en' || v === 'zh-CN') return v;
  } catch {
    /* storage may be unavailable (private mode): Chinese it is */
  }
  return 'zh-CN';
}

interface LocaleState {
  locale: Locale;
  /** Changes the UI language and remembers it on this device. */
  setLocale(locale: Locale): void;
}

export const useLocaleStore = create<LocaleState>()((set) => ({
  locale: typeof window === 'undefined' ? 'zh-CN' : storedLocale(),
  setLocale(locale) {
    try {
      window.localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      /* not remembered; still applied */
    }
    document.documentElement.lang = locale;
    set({ locale });
  },
}));

export const currentLocale = (): Locale => useLocaleStore.getState().locale;

const fill = (text: string, params?: Params) =>
  params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : text;

/** The message for `key` in `locale`, with `{name}` placeholders filled from params. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  return fill(dictionaries[locale][key] ?? dictionaries['zh-CN'][key] ?? key, params);
}

/** Whether a string is a key of the dictionaries (for keys built at run time). */
export const isMessageKey = (key: string): key is MessageKey => key in zhCN;

export type Translate = (key: MessageKey, params?: Params) => string;

/** `t(key, params)` in the current language; components using it re-render when it changes. */
export function useT(): Translate {
  const locale = useLocaleStore((s) => s.locale);
  return useCallback((key: MessageKey, params?: Params) => translate(locale, key, params), [locale]);
}

export const useLocale = (): Locale => useLocaleStore((s) => s.locale);

/**
 * zod's built-in checks arrive as code + parameters (fieldMessages.ts); the server's own messages (custom
 * checks, conflicts, refusals) are English. Known ones are translated here,
 * with their variable parts carried over; anything else is shown as it came.
 */
export function translateServerMessage(locale: Locale, message: string): string {
  for (const { pattern, key } of serverMessagePatterns) {
    const m = pattern.exec(message);
    if (m) {
      // Alternatives of one pattern name their parts n, n2…: the translation sees `n`.
      const groups = Object.fromEntries(Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => [k.replace(/\d+$/, ''), v]));
      return translate(locale, key, groups);
    }
  }
  return message;
}

/** `tServer(message)` in the current language. */
export function useServerT(): (message: string) => string {
  const locale = useLocale();
  return useCallback((message: string) => translateServerMessage(locale, message), [locale]);
}

/** Picks the Chinese or English name of a thing the API names in both (types, subjects). */
export const localName = (locale: Locale, thing: { nameZh: string; nameEn: string }) => (locale === 'en' ? thing.nameEn : thing.nameZh);
