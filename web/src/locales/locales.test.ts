import { describe, expect, it } from 'vitest';
import en from './en';
import zhCN from './zh-CN';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('locale files', () => {
  it('have the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it('use the same placeholders for each key', () => {
    for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(zhCN[key]));
    }
  });

  it('have no empty messages', () => {
    for (const [k, v] of [...Object.entries(zhCN), ...Object.entries(en)])
      expect(v.trim(), k).not.toBe('');
  });

  it('sign-in is labelled in Chinese by default', () => {
    expect(zhCN['login.title']).toBe('登录');
  });
});
