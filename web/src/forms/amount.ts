/** The Chinese uppercase amount (大写金额), as `crates/forms/src/amount.rs` writes it. */
import { Decimal } from './expr';

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const PLACES = ['', '拾', '佰', '仟'];
const SECTIONS = ['', '万', '亿', '万亿'];

/** Largest amount written, in 分. */
const MAX_CENTS = 999_999_999_999_999n;

/** One group of four digits, without leading zeros (`1010` → 壹仟零壹拾). */
function section(group: bigint): string {
  let n = Number(group);
  const digits = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    digits[i] = n % 10;
    n = Math.floor(n / 10);
  }
  let out = '';
  let zeroPending = false;
  for (let place = 3; place >= 0; place--) {
    const d = digits[place] as number;
    if (d === 0) {
      zeroPending = out !== '';
      continue;
    }
    if (zeroPending) {
      out += '零';
      zeroPending = false;
    }
    out += (DIGITS[d] as string) + PLACES[place];
  }
  return out;
}

function toDecimal(amount: Decimal | number | string): Decimal | null {
  if (amount instanceof Decimal) return amount;
  if (typeof amount === 'number') return Decimal.fromNumber(amount);
  return Decimal.parse(amount);
}

/**
 * `1234.56` → 壹仟贰佰叁拾肆元伍角陆分; rounded to 分 first; `null` for what is not a number or
 * above 9,999,999,999,999.99.
 */
export function uppercaseAmount(amount: Decimal | number | string): string | null {
  const d = toDecimal(amount);
  if (!d) return null;
  const cents = d.cents();
  if (cents > MAX_CENTS) return null;
  const yuan = cents / 100n;
  const jiao = Number((cents / 10n) % 10n);
  const fen = Number(cents % 10n);
  let out = '';
  if (d.isNegative() && cents > 0n) out += '负';
  if (yuan > 0n) {
    const groups: bigint[] = [];
    let rest = yuan;
    while (rest > 0n) {
      groups.push(rest % 10_000n);
      rest /= 10_000n;
    }
    let written = '';
    let gap = false;
    for (let i = groups.length - 1; i >= 0; i--) {
      const g = groups[i] as bigint;
      if (g === 0n) {
        gap = written !== '';
        continue;
      }
      if (written !== '' && (gap || g < 1000n)) written += '零';
      // 万亿 becomes 万 when the 亿 group follows: 玖万玖仟…亿.
      written += section(g) + (i === 3 && groups[2] !== 0n ? '万' : SECTIONS[i]);
      gap = false;
    }
    out += `${written}元`;
  }
  if (jiao === 0 && fen === 0) {
    if (yuan === 0n) out += '零元';
    return `${out}整`;
  }
  if (jiao > 0) out += `${DIGITS[jiao]}角`;
  else if (yuan > 0n) out += '零';
  if (fen > 0) out += `${DIGITS[fen]}分`;
  return out;
}
