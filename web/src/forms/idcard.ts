/** Mainland resident ID numbers (GB 11643), as `crates/forms/src/checks.rs` checks them. */
import { isDate } from './checks';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character of the first 17 digits (ISO 7064 MOD 11-2). */
export function idCardCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK[sum % 11] as string;
}

/**
 * 18 characters: 17 digits and a check character (`X` or `x` accepted), a correct checksum,
 * and a birth date (digits 7–14) between 1900-01-01 and `today` (`YYYY-MM-DD`).
 */
export function isIdCard(s: string, today: string): boolean {
  if (s.length !== 18 || !/^[0-9]{17}/.test(s) || s.charCodeAt(17) >= 0x80) return false;
  if ((s[17] as string).toUpperCase() !== idCardCheck(s)) return false;
  const birth = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  return isDate(birth) && birth >= '1900-01-01' && birth <= today;
}
