/** Format checks shared by validation (`crates/forms/src/checks.rs`): dates, phones, emails. */
import { daysFromCivil } from './expr';

const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function daysInMonth(y: number, m: number): number {
  if (m === 2) return leap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const digits = (s: string): number | null => (/^[0-9]+$/.test(s) ? Number(s) : null);

/** `[year, month, day]` of a strict `YYYY-MM-DD` real date. */
export function parseDate(s: string): [number, number, number] | null {
  if (s.length !== 10 || s[4] !== '-' || s[7] !== '-') return null;
  const y = digits(s.slice(0, 4));
  const m = digits(s.slice(5, 7));
  const d = digits(s.slice(8, 10));
  if (y === null || m === null || d === null) return null;
  if (y === 0 || m < 1 || m > 12 || d === 0 || d > daysInMonth(y, m)) return null;
  return [y, m, d];
}

export const isDate = (s: string): boolean => parseDate(s) !== null;

/** A strict `YYYY-MM-DD HH:mm`. */
export function isDatetime(s: string): boolean {
  if (s.length !== 16 || s[10] !== ' ' || s[13] !== ':') return false;
  const h = digits(s.slice(11, 13));
  const m = digits(s.slice(14, 16));
  return isDate(s.slice(0, 10)) && h !== null && h < 24 && m !== null && m < 60;
}

/** Days from 1970-01-01 of a strict date. */
export function dayNumber(s: string): number | null {
  const d = parseDate(s);
  return d ? daysFromCivil(d[0], d[1], d[2]) : null;
}

/** Calendar days from `start` to `end` inclusive; `null` when either is not a date or out of order. */
export function calendarDays(start: string, end: string): number | null {
  const a = dayNumber(start);
  const b = dayNumber(end);
  return a !== null && b !== null && b >= a ? b - a + 1 : null;
}

const PHONE = /^(?:\+?86[- ]?)?(?:1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}(?:-[0-9]{1,6})?)$/;

/** A mainland mobile (`13812345678`, `+86 138…`) or landline (`0755-88886666-123`) number. */
export const isPhone = (s: string): boolean => PHONE.test(s);

const utf8 = new TextEncoder();
const SPACE = /\p{White_Space}/u;

/** `local@domain.tld`: no spaces, one `@`, a dot inside the domain, at most 254 bytes. */
export function isEmail(s: string): boolean {
  if (utf8.encode(s).length > 254 || SPACE.test(s)) return false;
  const parts = s.split('@');
  if (parts.length !== 2) return false;
  const [local, domain] = parts as [string, string];
  return local !== '' && domain.includes('.') && !domain.startsWith('.') && !domain.endsWith('.');
}
