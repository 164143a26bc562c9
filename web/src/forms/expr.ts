/**
 * The flow condition language (docs/engine.md) with the form functions of docs/forms.md: a
 * line-by-line port of `crates/engine/src/expr/{parser,eval,decimal}.rs`, so a visibility rule or
 * a computed field gives the same answer in the browser as on the server.
 *
 * Numbers are exact decimals with 6 fraction digits (BigInt millionths, bounded like the
 * server's i128); `*` and `/` truncate toward zero. Evaluation never throws: a missing field is
 * `null`, mismatched comparisons are false, division by zero is `null`.
 */

const FRACTION_DIGITS = 6;
const SCALE = 1_000_000n;
const I128_MAX = (1n << 127n) - 1n;
const I128_MIN = -(1n << 127n);

const fits = (x: bigint): boolean => x >= I128_MIN && x <= I128_MAX;
const checked = (x: bigint): bigint | null => (fits(x) ? x : null);
const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** A Rust `str::parse::<i32>()` / `::<u32>()`: optional sign, ASCII digits, in range. */
function parseRustInt(text: string, signed: boolean): number | null {
  if (!(signed ? /^[+-]?[0-9]+$/ : /^\+?[0-9]+$/).test(text)) return null;
  const n = Number(text);
  const [lo, hi] = signed ? [-2147483648, 2147483647] : [0, 4294967295];
  if (!Number.isFinite(n) || n < lo || n > hi) return null;
  return n;
}

/** A fixed-point decimal: an integer count of millionths. */
export class Decimal {
  static readonly ZERO = new Decimal(0n);

  /** Millionths. */
  readonly raw: bigint;

  constructor(raw: bigint) {
    this.raw = raw;
  }

  static fromInt(n: number | bigint): Decimal {
    return new Decimal(BigInt(n) * SCALE);
  }

  /**
   * Parses `-12`, `3.50`, `1e3`, `1,000.25` (thousands separators allowed); `null` when
   * malformed or out of range. Extra fraction digits are truncated.
   */
  static parse(input: string): Decimal | null {
    const text = input.trim();
    let mantissa = text;
    let exponent = 0;
    const e = text.search(/[eE]/);
    if (e >= 0) {
      mantissa = text.slice(0, e);
      const exp = parseRustInt(text.slice(e + 1), true);
      if (exp === null) return null;
      exponent = exp;
    }
    let negative = false;
    let digits = mantissa;
    if (mantissa.startsWith('-')) {
      negative = true;
      digits = mantissa.slice(1);
    } else if (mantissa.startsWith('+')) {
      digits = mantissa.slice(1);
    }
    const dot = digits.indexOf('.');
    const whole = dot >= 0 ? digits.slice(0, dot) : digits;
    const fraction = dot >= 0 ? digits.slice(dot + 1) : '';
    if (whole === '' && fraction === '') return null;
    let value = 0n;
    let scaleExp = 0;
    for (const c of whole) {
      if (c >= '0' && c <= '9') {
        value = value * 10n + BigInt(c.charCodeAt(0) - 48);
        if (!fits(value)) return null;
      } else if (c !== ',' && c !== '_') {
        return null;
      }
    }
    for (const c of fraction) {
      if (!(c >= '0' && c <= '9')) return null;
      value = value * 10n + BigInt(c.charCodeAt(0) - 48);
      if (!fits(value)) return null;
      scaleExp -= 1;
    }
    scaleExp += exponent + FRACTION_DIGITS;
    if (scaleExp < -40 || scaleExp > 30) return value === 0n ? Decimal.ZERO : null;
    if (scaleExp >= 0) {
      const v = checked(value * pow10(scaleExp));
      if (v === null) return null;
      value = v;
    } else {
      value = value / pow10(-scaleExp);
    }
    return new Decimal(negative ? -value : value);
  }

  /** A JS number, through its shortest decimal form; `null` when not finite or too large. */
  static fromNumber(n: number): Decimal | null {
    return Number.isFinite(n) ? Decimal.parse(String(n)) : null;
  }

  add(o: Decimal): Decimal | null {
    const r = checked(this.raw + o.raw);
    return r === null ? null : new Decimal(r);
  }

  sub(o: Decimal): Decimal | null {
    const r = checked(this.raw - o.raw);
    return r === null ? null : new Decimal(r);
  }

  /** Product, truncated to 6 digits; `null` on overflow. */
  mul(o: Decimal): Decimal | null {
    const p = checked(this.raw * o.raw);
    return p === null ? null : new Decimal(p / SCALE);
  }

  /** Quotient, truncated to 6 digits; `null` on division by zero or overflow. */
  div(o: Decimal): Decimal | null {
    if (o.raw === 0n) return null;
    const p = checked(this.raw * SCALE);
    if (p === null) return null;
    const q = checked(p / o.raw);
    return q === null ? null : new Decimal(q);
  }

  /** Rounded half away from zero to `digits` after the point (at most 6). */
  round(digits: number): Decimal {
    if (digits >= FRACTION_DIGITS) return this;
    const unit = pow10(FRACTION_DIGITS - digits);
    const half = unit / 2n;
    const abs = this.raw < 0n ? -this.raw : this.raw;
    const magnitude = ((abs + half) / unit) * unit;
    return new Decimal(this.raw < 0n ? -magnitude : magnitude);
  }

  abs(): Decimal {
    if (this.raw >= 0n) return this;
    return new Decimal(this.raw === I128_MIN ? I128_MAX : -this.raw);
  }

  /** Digits after the point needed to write it (0..6). */
  scale(): number {
    let fraction = this.raw % SCALE;
    if (fraction < 0n) fraction = -fraction;
    if (fraction === 0n) return 0;
    let digits = FRACTION_DIGITS;
    while (fraction % 10n === 0n) {
      fraction /= 10n;
      digits -= 1;
    }
    return digits;
  }

  /** The absolute value in 分, rounded half away from zero. */
  cents(): bigint {
    const r = this.round(2).raw;
    return (r < 0n ? -r : r) / 10_000n;
  }

  isNegative(): boolean {
    return this.raw < 0n;
  }

  cmp(o: Decimal): number {
    return this.raw < o.raw ? -1 : this.raw > o.raw ? 1 : 0;
  }

  equals(o: Decimal): boolean {
    return this.raw === o.raw;
  }

  /** The shortest decimal: `5`, `0.5`, `-1000000`. */
  toString(): string {
    const sign = this.raw < 0n ? '-' : '';
    const abs = this.raw < 0n ? -this.raw : this.raw;
    const whole = abs / SCALE;
    const fraction = abs % SCALE;
    if (fraction === 0n) return `${sign}${whole}`;
    const digits = fraction.toString().padStart(6, '0').replace(/0+$/, '');
    return `${sign}${whole}.${digits}`;
  }

  toNumber(): number {
    return Number(this.toString());
  }
}

/** A calendar date as days since 1970-01-01. */
export class Day {
  readonly days: number;

  constructor(days: number) {
    this.days = days;
  }
}

/** A value seen by the language. */
export type Value = null | boolean | string | Decimal | Day | Value[];

/** Where field paths are looked up. */
export interface Scope {
  lookup(path: readonly string[]): Value;
}

export type BinaryOp =
  | '||'
  | '&&'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'in'
  | 'not in'
  | '+'
  | '-'
  | '*'
  | '/';

export type Func = 'sum' | 'count' | 'min' | 'max' | 'round' | 'abs';
export const FUNCS: readonly Func[] = ['sum', 'count', 'min', 'max', 'round', 'abs'];

export type Expr =
  | { t: 'lit'; v: Value }
  | { t: 'field'; path: string[] }
  | { t: 'list'; items: Expr[] }
  | { t: 'not'; e: Expr }
  | { t: 'neg'; e: Expr }
  | { t: 'bin'; op: BinaryOp; a: Expr; b: Expr }
  | { t: 'call'; f: Func; args: Expr[] };

/** Why an expression could not be parsed; `offset` in UTF-8 bytes like the server's. */
export class ParseError extends Error {
  readonly offset: number;

  constructor(offset: number, message: string) {
    super(message);
    this.name = 'ParseError';
    this.offset = offset;
  }
}

/** Longest source accepted, in UTF-8 bytes. */
export const MAX_SOURCE_LEN = 4096;
/** Deepest nesting accepted. */
export const MAX_DEPTH = 48;

const encoder = new TextEncoder();
const utf8Len = (s: string): number => encoder.encode(s).length;

// ---------------------------------------------------------------------------------------------
// Dates

/** Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const m = month;
  const doy = Math.trunc((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.trunc(yoe / 4) - Math.trunc(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Parses `YYYY-MM-DD` (a time part after `T` or a space is ignored) into days since the epoch. */
export function dateFromText(text: string): number | null {
  const dayPart = text.trim().split(/[T ]/)[0] ?? '';
  const first = dayPart.indexOf('-');
  if (first < 0) return null;
  const second = dayPart.indexOf('-', first + 1);
  if (second < 0) return null;
  const y = parseRustInt(dayPart.slice(0, first), true);
  const m = parseRustInt(dayPart.slice(first + 1, second), false);
  const d = parseRustInt(dayPart.slice(second + 1), false);
  if (y === null || m === null || d === null) return null;
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  return daysFromCivil(y, m, d);
}

// ---------------------------------------------------------------------------------------------
// Lexer

type Tok =
  | { k: 'num'; v: Decimal }
  | { k: 'str'; v: string }
  | { k: 'ident'; v: string }
  | { k: 'sym'; v: string };

const SYMBOLS = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '<',
  '>',
  '!',
  '(',
  ')',
  '[',
  ']',
  ',',
  '.',
  '+',
  '-',
  '*',
] as const;

const isAsciiWs = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isAsciiAlpha = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
/** Rust's `char::is_alphanumeric() || c == '_'`. */
const IDENT_CHAR = /^[\p{Alphabetic}\p{N}_]$/u;

function lex(src: string): { at: number; tok: Tok }[] {
  const out: { at: number; tok: Tok }[] = [];
  // Byte offsets of each UTF-16 index, computed lazily for errors and tokens.
  const byteAt = (i: number) => utf8Len(src.slice(0, i));
  let i = 0;
  outer: while (i < src.length) {
    const c = src[i] as string;
    if (isAsciiWs(c)) {
      i += 1;
      continue;
    }
    if (isDigit(c)) {
      const start = i;
      while (i < src.length && (isDigit(src[i] as string) || src[i] === '.' || src[i] === '_'))
        i += 1;
      const text = src.slice(start, i);
      const d = Decimal.parse(text);
      if (!d) throw new ParseError(byteAt(start), `malformed number \`${text}\``);
      out.push({ at: byteAt(start), tok: { k: 'num', v: d } });
      continue;
    }
    if (c === '"' || c === "'") {
      const start = i;
      let text = '';
      let j = i + 1;
      let closed = false;
      while (j < src.length) {
        const ch = String.fromCodePoint(src.codePointAt(j) as number);
        if (ch === c) {
          closed = true;
          j += 1;
          break;
        }
        if (ch !== '\\') {
          text += ch;
          j += ch.length;
          continue;
        }
        const escAt = j;
        j += 1;
        const e = src[j];
        if (e === 'n') text += '\n';
        else if (e === 't') text += '\t';
        else if (e === '\\' || e === '"' || e === "'") text += e;
        else throw new ParseError(byteAt(escAt), 'unknown escape in string');
        j += 1;
      }
      if (!closed) throw new ParseError(byteAt(start), 'unterminated string');
      out.push({ at: byteAt(start), tok: { k: 'str', v: text } });
      i = j;
      continue;
    }
    if (isAsciiAlpha(c) || c === '_' || c.charCodeAt(0) >= 0x80) {
      const start = i;
      while (i < src.length) {
        const ch = String.fromCodePoint(src.codePointAt(i) as number);
        if (!IDENT_CHAR.test(ch)) break;
        i += ch.length;
      }
      if (i === start) {
        // The server's lexer would loop here; a character that cannot start a name is refused.
        const ch = String.fromCodePoint(src.codePointAt(i) as number);
        throw new ParseError(byteAt(i), `unexpected character \`${ch}\``);
      }
      out.push({ at: byteAt(start), tok: { k: 'ident', v: src.slice(start, i) } });
      continue;
    }
    if (c === '/') {
      out.push({ at: byteAt(i), tok: { k: 'sym', v: '/' } });
      i += 1;
      continue;
    }
    for (const sym of SYMBOLS) {
      if (src.startsWith(sym, i)) {
        out.push({ at: byteAt(i), tok: { k: 'sym', v: sym } });
        i += sym.length;
        continue outer;
      }
    }
    const ch = String.fromCodePoint(src.codePointAt(i) as number);
    throw new ParseError(byteAt(i), `unexpected character \`${ch}\``);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parser

class Parser {
  pos = 0;
  depth = 0;
  readonly toks: { at: number; tok: Tok }[];
  readonly end: number;

  constructor(toks: { at: number; tok: Tok }[], end: number) {
    this.toks = toks;
    this.end = end;
  }

  offset(): number {
    return this.toks[this.pos]?.at ?? this.end;
  }

  peek(): Tok | undefined {
    return this.toks[this.pos]?.tok;
  }

  peekIs(sym: string): boolean {
    const t = this.peek();
    return t?.k === 'sym' && t.v === sym;
  }

  peekWord(word: string): boolean {
    const t = this.peek();
    return t?.k === 'ident' && t.v === word;
  }

  expect(sym: string): void {
    if (this.peekIs(sym)) this.pos += 1;
    else throw new ParseError(this.offset(), `expected \`${sym}\``);
  }

  deeper(): void {
    this.depth += 1;
    if (this.depth > MAX_DEPTH)
      throw new ParseError(this.offset(), `expression nested deeper than ${MAX_DEPTH}`);
  }

  or(): Expr {
    this.deeper();
    let left = this.and();
    while (this.peekIs('||') || this.peekWord('or')) {
      this.pos += 1;
      const right = this.and();
      left = { t: 'bin', op: '||', a: left, b: right };
    }
    this.depth -= 1;
    return left;
  }

  and(): Expr {
    let left = this.not();
    while (this.peekIs('&&') || this.peekWord('and')) {
      this.pos += 1;
      const right = this.not();
      left = { t: 'bin', op: '&&', a: left, b: right };
    }
    return left;
  }

  not(): Expr {
    if (this.peekIs('!') || this.peekWord('not')) {
      this.pos += 1;
      this.deeper();
      const inner = this.not();
      this.depth -= 1;
      return { t: 'not', e: inner };
    }
    return this.comparison();
  }

  comparison(): Expr {
    const left = this.sum();
    const t = this.peek();
    let op: BinaryOp | undefined;
    if (t?.k === 'sym' && ['==', '!=', '<', '<=', '>', '>='].includes(t.v)) op = t.v as BinaryOp;
    else if (t?.k === 'ident' && t.v === 'in') op = 'in';
    else if (t?.k === 'ident' && t.v === 'not') {
      const next = this.toks[this.pos + 1]?.tok;
      if (!(next?.k === 'ident' && next.v === 'in'))
        throw new ParseError(this.offset(), 'expected `in` after `not`');
      this.pos += 1;
      op = 'not in';
    }
    if (!op) return left;
    this.pos += 1;
    const right = this.sum();
    return { t: 'bin', op, a: left, b: right };
  }

  sum(): Expr {
    let left = this.product();
    for (;;) {
      const op = this.peekIs('+') ? '+' : this.peekIs('-') ? '-' : undefined;
      if (!op) return left;
      this.pos += 1;
      const right = this.product();
      left = { t: 'bin', op, a: left, b: right };
    }
  }

  product(): Expr {
    let left = this.unary();
    for (;;) {
      const op = this.peekIs('*') ? '*' : this.peekIs('/') ? '/' : undefined;
      if (!op) return left;
      this.pos += 1;
      const right = this.unary();
      left = { t: 'bin', op, a: left, b: right };
    }
  }

  unary(): Expr {
    if (this.peekIs('-')) {
      this.pos += 1;
      this.deeper();
      const inner = this.unary();
      this.depth -= 1;
      if (inner.t === 'lit' && inner.v instanceof Decimal)
        return { t: 'lit', v: Decimal.ZERO.sub(inner.v) ?? inner.v };
      return { t: 'neg', e: inner };
    }
    return this.primary();
  }

  primary(): Expr {
    const offset = this.offset();
    const tok = this.peek();
    if (!tok) throw new ParseError(offset, 'expected a value');
    this.pos += 1;
    switch (tok.k) {
      case 'num':
        return { t: 'lit', v: tok.v };
      case 'str':
        return { t: 'lit', v: tok.v };
      case 'sym': {
        if (tok.v === '(') {
          const e = this.or();
          this.expect(')');
          return e;
        }
        if (tok.v === '[') {
          this.deeper();
          const items: Expr[] = [];
          if (!this.peekIs(']')) {
            for (;;) {
              items.push(this.or());
              if (this.peekIs(',')) this.pos += 1;
              else break;
            }
          }
          this.expect(']');
          this.depth -= 1;
          return { t: 'list', items };
        }
        throw new ParseError(offset, `unexpected \`${tok.v}\``);
      }
      case 'ident':
        return this.word(tok.v, offset);
    }
  }

  word(word: string, offset: number): Expr {
    switch (word) {
      case 'true':
      case 'True':
        return { t: 'lit', v: true };
      case 'false':
      case 'False':
        return { t: 'lit', v: false };
      case 'null':
      case 'None':
        return { t: 'lit', v: null };
    }
    if (word === 'date' && this.peekIs('(')) {
      this.pos += 1;
      const at = this.offset();
      const t = this.peek();
      if (t?.k !== 'str') throw new ParseError(at, 'date(…) takes a quoted YYYY-MM-DD');
      this.pos += 1;
      this.expect(')');
      const days = dateFromText(t.v);
      if (days === null) throw new ParseError(at, `\`${t.v}\` is not a date YYYY-MM-DD`);
      return { t: 'lit', v: new Day(days) };
    }
    if (word === 'and' || word === 'or' || word === 'not' || word === 'in')
      throw new ParseError(offset, `unexpected \`${word}\``);
    if (this.peekIs('(')) {
      if (!(FUNCS as readonly string[]).includes(word))
        throw new ParseError(offset, `unknown function \`${word}\``);
      const f = word as Func;
      this.pos += 1;
      this.deeper();
      const args: Expr[] = [];
      if (!this.peekIs(')')) {
        for (;;) {
          args.push(this.or());
          if (this.peekIs(',')) this.pos += 1;
          else break;
        }
      }
      this.expect(')');
      this.depth -= 1;
      const arityOk =
        f === 'sum' || f === 'min' || f === 'max'
          ? args.length > 0
          : f === 'count' || f === 'abs'
            ? args.length === 1
            : args.length >= 1 && args.length <= 2;
      if (!arityOk) throw new ParseError(offset, `wrong number of arguments to \`${word}\``);
      return { t: 'call', f, args };
    }
    const path = [word];
    while (this.peekIs('.')) {
      this.pos += 1;
      const seg = this.peek();
      if (seg?.k !== 'ident')
        throw new ParseError(this.offset(), 'expected a field name after `.`');
      this.pos += 1;
      path.push(seg.v);
    }
    if (path.length > 1 && path[0] === 'form') path.shift();
    return { t: 'field', path };
  }
}

/** Removes wrappers written by other BPMN tools (`${…}`, `#{…}`) and surrounding space. */
function stripWrapper(source: string): string {
  const s = source.trim();
  for (const open of ['${', '#{']) {
    if (s.startsWith(open) && s.endsWith('}') && s.length >= open.length + 1)
      return s.slice(open.length, -1);
  }
  return s;
}

/** Parses an expression; throws `ParseError` with the byte offset where it went wrong. */
export function parse(source: string): Expr {
  const src = stripWrapper(source);
  if (utf8Len(src) > MAX_SOURCE_LEN)
    throw new ParseError(MAX_SOURCE_LEN, `expression longer than ${MAX_SOURCE_LEN} bytes`);
  const toks = lex(src);
  if (toks.length === 0) throw new ParseError(0, 'empty expression');
  const p = new Parser(toks, utf8Len(src));
  const e = p.or();
  if (p.pos < p.toks.length)
    throw new ParseError(p.offset(), 'unexpected input after the expression');
  return e;
}

/** Parses, giving the error instead of throwing. */
export function tryParse(source: string): { expr: Expr } | { error: ParseError } {
  try {
    return { expr: parse(source) };
  } catch (e) {
    if (e instanceof ParseError) return { error: e };
    throw e;
  }
}

const parsed = new Map<string, Expr | ParseError>();

/** A parse, cached per source text (forms evaluate the same rules on every keystroke). */
export function parseCached(source: string): Expr | ParseError {
  let hit = parsed.get(source);
  if (hit === undefined) {
    const r = tryParse(source);
    hit = 'expr' in r ? r.expr : r.error;
    if (parsed.size > 500) parsed.clear();
    parsed.set(source, hit);
  }
  return hit;
}

/** Every field path the expression reads, in order. */
export function fieldsOf(expr: Expr): string[][] {
  const out: string[][] = [];
  const walk = (e: Expr) => {
    switch (e.t) {
      case 'lit':
        return;
      case 'field':
        out.push(e.path);
        return;
      case 'list':
        e.items.forEach(walk);
        return;
      case 'not':
      case 'neg':
        walk(e.e);
        return;
      case 'bin':
        walk(e.a);
        walk(e.b);
        return;
      case 'call':
        e.args.forEach(walk);
        return;
    }
  };
  walk(expr);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Converts form data. Objects stand for their `id` or `value` member (user, department or
 * option pickers store `{id, name}` or `{value, label}`).
 */
export function fromJson(json: unknown): Value {
  if (json === null || json === undefined) return null;
  if (typeof json === 'boolean' || typeof json === 'string') return json;
  if (typeof json === 'number') return Decimal.fromNumber(json);
  if (Array.isArray(json)) return json.map(fromJson);
  if (isRecord(json)) {
    if ('id' in json) return fromJson(json.id);
    if ('value' in json) return fromJson(json.value);
    return null;
  }
  return null;
}

/** Converts a result back to JSON (numbers as JS numbers, dates as `YYYY-MM-DD`). */
export function toJson(v: Value): unknown {
  if (v instanceof Decimal) return v.toNumber();
  if (v instanceof Day) return civilFromDays(v.days);
  if (Array.isArray(v)) return v.map(toJson);
  return v;
}

/** `YYYY-MM-DD` of days since the epoch. */
export function civilFromDays(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Rust's `str` ordering: by code point (JS compares UTF-16 units). */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const x = [...a];
  const y = [...b];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = (x[i] as string).codePointAt(0) as number;
    const q = (y[i] as string).codePointAt(0) as number;
    if (p !== q) return p < q ? -1 : 1;
  }
  return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** Ordering of two values, `undefined` when they do not compare. */
function compare(a: Value, b: Value): number | undefined {
  if (a instanceof Decimal && b instanceof Decimal) return a.cmp(b);
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b);
  if (a instanceof Day && b instanceof Day) return sign(a.days - b.days);
  if (a instanceof Day && typeof b === 'string') {
    const y = dateFromText(b);
    return y === null ? undefined : sign(a.days - y);
  }
  if (typeof a === 'string' && b instanceof Day) {
    const x = dateFromText(a);
    return x === null ? undefined : sign(x - b.days);
  }
  if (typeof a === 'string' && b instanceof Decimal) return Decimal.parse(a)?.cmp(b);
  if (a instanceof Decimal && typeof b === 'string') {
    const y = Decimal.parse(b);
    return y ? a.cmp(y) : undefined;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return sign(Number(a) - Number(b));
  if (a === null && b === null) return 0;
  return undefined;
}

export function valuesEqual(a: Value, b: Value): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((p, i) => valuesEqual(p, b[i] as Value));
  return compare(a, b) === 0;
}

function contains(haystack: Value, needle: Value): boolean {
  if (Array.isArray(haystack)) {
    // `[a, b] in options`: every picked option is allowed
    if (Array.isArray(needle)) return needle.every((p) => haystack.some((i) => valuesEqual(i, p)));
    return haystack.some((i) => valuesEqual(i, needle));
  }
  if (typeof haystack === 'string') return typeof needle === 'string' && haystack.includes(needle);
  return false;
}

function arithmetic(op: BinaryOp, a: Value, b: Value): Value {
  if (!(a instanceof Decimal && b instanceof Decimal)) return null;
  switch (op) {
    case '+':
      return a.add(b);
    case '-':
      return a.sub(b);
    case '*':
      return a.mul(b);
    default:
      return a.div(b);
  }
}

/** The numbers among the arguments, lists flattened one level; `null` when one is not a number. */
function numbers(args: Value[]): Decimal[] | null {
  const out: Decimal[] = [];
  for (const a of args) {
    if (Array.isArray(a)) {
      for (const i of a) {
        if (i instanceof Decimal) out.push(i);
        else if (i !== null) return null;
      }
    } else if (a instanceof Decimal) out.push(a);
    else if (a !== null) return null;
  }
  return out;
}

function call(f: Func, args: Value[]): Value {
  switch (f) {
    case 'count': {
      if (args.length !== 1) return null;
      const [a] = args;
      if (Array.isArray(a)) return Decimal.fromInt(a.filter((v) => v !== null).length);
      return a === null ? Decimal.ZERO : Decimal.fromInt(1);
    }
    case 'sum': {
      const ns = numbers(args);
      if (!ns) return null;
      let acc: Decimal | null = Decimal.ZERO;
      for (const d of ns) {
        acc = acc.add(d);
        if (!acc) return null;
      }
      return acc;
    }
    case 'min':
    case 'max': {
      const ns = numbers(args);
      if (!ns || ns.length === 0) return null;
      return ns.reduce((m, d) => ((f === 'min' ? d.cmp(m) < 0 : d.cmp(m) > 0) ? d : m));
    }
    case 'abs': {
      const [a] = args;
      return args.length === 1 && a instanceof Decimal ? a.abs() : null;
    }
    case 'round': {
      let digits = 0;
      if (args.length > 1) {
        const d = args[1];
        digits = Number.POSITIVE_INFINITY;
        if (d instanceof Decimal && d.cmp(Decimal.ZERO) >= 0 && d.cmp(Decimal.fromInt(6)) <= 0) {
          const text = d.toString();
          if (/^[0-9]+$/.test(text)) digits = Number(text);
        }
      }
      const x = args[0];
      return x instanceof Decimal && digits <= 6 ? x.round(digits) : null;
    }
  }
}

const isTrue = (v: Value) => v === true;

/** Evaluates; never throws. */
export function evaluate(expr: Expr, scope: Scope): Value {
  switch (expr.t) {
    case 'call':
      return call(
        expr.f,
        expr.args.map((a) => evaluate(a, scope)),
      );
    case 'lit':
      return expr.v;
    case 'field':
      return scope.lookup(expr.path);
    case 'list':
      return expr.items.map((e) => evaluate(e, scope));
    case 'not':
      return !isTrue(evaluate(expr.e, scope));
    case 'neg': {
      const v = evaluate(expr.e, scope);
      return v instanceof Decimal ? Decimal.ZERO.sub(v) : null;
    }
    case 'bin': {
      const { op } = expr;
      if (op === '&&') return isTrue(evaluate(expr.a, scope)) && isTrue(evaluate(expr.b, scope));
      if (op === '||') return isTrue(evaluate(expr.a, scope)) || isTrue(evaluate(expr.b, scope));
      const x = evaluate(expr.a, scope);
      const y = evaluate(expr.b, scope);
      switch (op) {
        case '==':
          return valuesEqual(x, y);
        case '!=':
          return !valuesEqual(x, y);
        case '<':
          return compare(x, y) === -1;
        case '<=': {
          const c = compare(x, y);
          return c === -1 || c === 0;
        }
        case '>':
          return compare(x, y) === 1;
        case '>=': {
          const c = compare(x, y);
          return c === 1 || c === 0;
        }
        case 'in':
          return contains(y, x);
        case 'not in':
          return !contains(y, x);
        default:
          return arithmetic(op, x, y);
      }
    }
  }
}

/** True only when the expression evaluates to `true`. */
export const isTrueIn = (expr: Expr, scope: Scope): boolean => isTrue(evaluate(expr, scope));

/**
 * A scope over form data: `amount` / `form.amount` read the field, `a.b` reads nested objects,
 * and a path through a list (a detail table) reads that member of every row (`items.amount`).
 * `extra` paths (`initiator.department`) are looked up first, joined with dots.
 */
export function dataScope(data: Record<string, unknown>, extra?: Record<string, unknown>): Scope {
  return {
    lookup(path) {
      if (extra) {
        const key = path.join('.');
        if (key in extra) return fromJson(extra[key]);
      }
      return fromJson(readPath(data, path));
    },
  };
}

/** The JSON at `path`: through objects by member, through arrays member-wise. */
export function readPath(data: unknown, path: readonly string[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (Array.isArray(v)) v = v.map((row) => (isRecord(row) ? row[seg] : undefined));
    else if (isRecord(v)) v = v[seg];
    else return undefined;
  }
  return v;
}
