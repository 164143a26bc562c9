/**
 * Checks form data against the form (`crates/forms/src/validate.rs`): fields in order, tables
 * row by row, one issue per field (the first rule it fails), then keys that are not fields.
 * The same codes and messages as the server, so the browser can show them before submitting.
 */
import { dayNumber, isDate, isDatetime, isEmail, isPhone } from './checks';
import { type Data, type Env, normalised } from './compute';
import { Decimal } from './expr';
import { isIdCard } from './idcard';
import {
  cellLabel,
  type FieldIssue,
  fileMessage,
  issue,
  type Label,
  numberText,
  plainLabel,
} from './messages';
import {
  type Field,
  type FormSpec,
  isDerived,
  MAX_FILES,
  MAX_ROWS,
  MAX_SIZE_MB,
  precisionOf,
} from './types';

export interface ValidateOptions extends Env {
  /** Fields missing from the data are not checked (an approver's edit sends a few fields). */
  partial?: boolean;
  /** `YYYY-MM-DD` in the tenant's time zone, bounding ID-card birth dates (default: today here). */
  today?: string;
  /** With a language, each issue also carries `text`, its message in that language. */
  lang?: 'zh' | 'en' | 'zh-CN';
}

export interface ValidationIssue extends FieldIssue {
  /** The message in `lang`, when one was asked for. */
  text?: string;
}

/** Longest texts when the form sets no `max_length`. */
export const TEXT_MAX = 500;
export const TEXTAREA_MAX = 10_000;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const blank = (v: unknown) => typeof v !== 'string' || v.trim() === '';

/** Whether a value counts as empty for `required`. */
export function isEmpty(field: Pick<Field, 'kind'>, v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (isRecord(v)) {
    if (field.kind === 'date_range') return blank(v.start) || blank(v.end);
    if (field.kind === 'address') return blank(v.detail);
    return v.id === undefined || v.id === null;
  }
  return false;
}

/** Today as `YYYY-MM-DD` on this device's clock. */
export function localToday(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Rust's `str` ordering (`BTreeMap` keys): by code point. */
function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++)
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/** Keys with a value (JSON drops `undefined`), in the server's order. */
const sortedKeys = (o: Record<string, unknown>) =>
  Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort(byCodePoint);

// ---------------------------------------------------------------------------------------------
// Patterns: the server uses Rust's `regex` crate; its syntax is translated to a Unicode JS RegExp.

const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';

function propertyEscape(negated: boolean, name: string): string {
  const p = negated ? 'P' : 'p';
  for (const candidate of [name, `Script=${name}`]) {
    try {
      new RegExp(`\\${p}{${candidate}}`, 'u');
      return `\\${p}{${candidate}}`;
    } catch {
      // try the next spelling
    }
  }
  return `\\${p}{${name}}`;
}

/** Rust `regex` syntax as a JS `u` RegExp source and flags; `null` when it cannot be. */
export function rustPattern(pattern: string): RegExp | null {
  let src = pattern;
  let flags = 'u';
  const inline = /^\(\?([imsx]+)\)/.exec(src);
  if (inline) {
    if ((inline[1] as string).includes('x')) return null;
    for (const f of inline[1] as string) if (!flags.includes(f)) flags += f;
    src = src.slice(inline[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return null;
      i += 1;
      if (n === 'd') out += '\\p{Nd}';
      else if (n === 'D') out += '\\P{Nd}';
      else if (n === 's') out += '\\p{White_Space}';
      else if (n === 'S') out += '\\P{White_Space}';
      else if (n === 'w') out += inClass ? WORD : `[${WORD}]`;
      else if (n === 'W') out += inClass ? '\\W' : `[^${WORD}]`;
      else if (n === 'A') out += '^';
      else if (n === 'z') out += '$';
      else if ((n === 'p' || n === 'P') && src[i + 1] === '{') {
        const close = src.indexOf('}', i);
        if (close < 0) return null;
        out += propertyEscape(n === 'P', src.slice(i + 2, close));
        i = close;
      } else if ((n === 'p' || n === 'P') && src[i + 1]) {
        out += propertyEscape(n === 'P', src[i + 1] as string);
        i += 1;
      } else if (n === 'x' && src[i + 1] === '{') {
        const close = src.indexOf('}', i);
        if (close < 0) return null;
        out += `\\u{${src.slice(i + 2, close)}}`;
        i = close;
      } else if (/[A-Za-z0-9]/.test(n)) out += `\\${n}`;
      else out += `\\u{${(n.codePointAt(0) as number).toString(16)}}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (c === '[' && src[i + 1] !== ':') return null; // nested classes are not JS
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') {
        out += '^';
        i += 1;
      }
      if (src[i + 1] === ']') {
        out += '\\]';
        i += 1;
      }
      continue;
    }
    if (c === '(' && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    out += c;
  }
  try {
    return new RegExp(`^(?:${out})$`, flags);
  } catch {
    return null;
  }
}

const patterns = new Map<string, RegExp | null>();
function compiled(pattern: string): RegExp | null {
  if (!patterns.has(pattern)) patterns.set(pattern, rustPattern(pattern));
  return patterns.get(pattern) ?? null;
}

/** Whether `text` matches the whole pattern; a pattern the browser cannot read is left to the server. */
export function matchesPattern(pattern: string, text: string): boolean {
  const re = compiled(pattern);
  return re === null || re.test(text);
}

// ---------------------------------------------------------------------------------------------

interface Ctx {
  today: string;
  out: FieldIssue[];
}

const isFile = (v: unknown): boolean =>
  isRecord(v) &&
  typeof v.id === 'string' &&
  typeof v.name === 'string' &&
  typeof v.size === 'number' &&
  Number.isInteger(v.size) &&
  v.size >= 0 &&
  typeof v.content_type === 'string';

const isRef = (v: unknown): boolean => isRecord(v) && typeof v.id === 'string';

/** Whether a file's name or type is in `accept` (`.pdf` by extension, else a type prefix). */
export function accepted(accept: readonly string[], name: string, contentType: string): boolean {
  return (
    accept.length === 0 ||
    accept.some((a) =>
      a.startsWith('.')
        ? name.toLowerCase().endsWith(a.toLowerCase())
        : contentType.toLowerCase().startsWith(a.toLowerCase()),
    )
  );
}

/** The accepted types of a file field: `image/` for images and signatures unless set. */
export function acceptOf(f: Field): string[] {
  return (f.accept ?? []).length === 0 && f.kind !== 'attachments' ? ['image/'] : (f.accept ?? []);
}

/** At most this many files (a signature is one). */
export const maxFilesOf = (f: Field): number =>
  f.max_files ?? (f.kind === 'signature' ? 1 : MAX_FILES);

export const maxSizeOf = (f: Field): number => f.max_size_mb ?? MAX_SIZE_MB;

function checkFiles(f: Field, files: unknown[], l: Label, at: string, ctx: Ctx): void {
  const maxFiles = maxFilesOf(f);
  if (files.length > maxFiles) {
    ctx.out.push(issue(at, 'form.files_max', l, String(maxFiles)));
    return;
  }
  const mb = maxSizeOf(f);
  const accept = acceptOf(f);
  for (const file of files) {
    if (!isFile(file)) {
      ctx.out.push(issue(at, 'form.type', l));
      return;
    }
    const { name, size, content_type } = file as {
      name: string;
      size: number;
      content_type: string;
    };
    if (size > mb * 1024 * 1024) {
      ctx.out.push({
        field: at,
        code: 'form.file_size',
        message: fileMessage('form.file_size', l, name, numberText(mb)),
      });
      return;
    }
    if (!accepted(accept, name, content_type)) {
      ctx.out.push({
        field: at,
        code: 'form.file_type',
        message: fileMessage('form.file_type', l, name),
      });
      return;
    }
  }
}

const chars = (s: string) => [...s].length;

function checkText(f: Field, s: string, l: Label, at: string, ctx: Ctx): void {
  const len = chars(s);
  const max = f.max_length ?? (f.kind === 'textarea' ? TEXTAREA_MAX : TEXT_MAX);
  if (f.min_length !== undefined && f.min_length !== null && len < f.min_length) {
    ctx.out.push(issue(at, 'form.min_length', l, String(f.min_length)));
    return;
  }
  if (len > max) {
    ctx.out.push(issue(at, 'form.max_length', l, String(max)));
    return;
  }
  if (f.pattern && !matchesPattern(f.pattern, s))
    ctx.out.push(issue(at, 'form.pattern', l, f.pattern_message ?? ''));
}

/** Checks one value; pushes at most one issue for it (tables: one per cell). */
function checkField(f: Field, v: unknown, l: Label, at: string, ctx: Ctx) {
  if (isDerived(f.kind)) return;
  if (isEmpty(f, v)) {
    if (f.required) ctx.out.push(issue(at, 'form.required', l));
    return;
  }
  const { out } = ctx;
  const wrong = (): void => {
    out.push(issue(at, 'form.type', l));
  };
  switch (f.kind) {
    case 'text':
    case 'textarea':
      if (typeof v === 'string') checkText(f, v, l, at, ctx);
      else wrong();
      return;
    case 'phone':
    case 'email':
    case 'id_card': {
      if (typeof v !== 'string') return wrong();
      const [ok, code] =
        f.kind === 'phone'
          ? [isPhone(v), 'form.phone']
          : f.kind === 'email'
            ? [isEmail(v), 'form.email']
            : [isIdCard(v, ctx.today), 'form.id_card'];
      if (!ok) out.push(issue(at, code, l));
      else checkText(f, v, l, at, ctx);
      return;
    }
    case 'number':
    case 'money':
    case 'percent': {
      const d = typeof v === 'number' ? Decimal.fromNumber(v) : null;
      if (!d || typeof v !== 'number') return wrong();
      const p = precisionOf(f);
      if (f.min !== undefined && f.min !== null && v < f.min)
        out.push(issue(at, 'form.min', l, numberText(f.min)));
      else if (f.max !== undefined && f.max !== null && v > f.max)
        out.push(issue(at, 'form.max', l, numberText(f.max)));
      else if (p !== undefined && d.scale() > p)
        out.push(issue(at, 'form.precision', l, String(p)));
      return;
    }
    case 'date':
      if (!(typeof v === 'string' && isDate(v))) out.push(issue(at, 'form.date', l));
      return;
    case 'datetime':
      if (!(typeof v === 'string' && isDatetime(v))) out.push(issue(at, 'form.datetime', l));
      return;
    case 'date_range': {
      if (!isRecord(v) || typeof v.start !== 'string' || typeof v.end !== 'string') return wrong();
      const a = dayNumber(v.start);
      const b = dayNumber(v.end);
      if (a === null || b === null) out.push(issue(at, 'form.date', l));
      else if (b < a) out.push(issue(at, 'form.date_order', l));
      return;
    }
    case 'select':
    case 'radio':
      if (typeof v !== 'string') return wrong();
      if (!(f.options ?? []).includes(v)) out.push(issue(at, 'form.option', l, v));
      return;
    case 'multi_select':
    case 'checkbox': {
      if (!Array.isArray(v)) return wrong();
      for (const item of v) {
        if (typeof item !== 'string') return wrong();
        if (!(f.options ?? []).includes(item)) {
          out.push(issue(at, 'form.option', l, item));
          return;
        }
      }
      return;
    }
    case 'user':
    case 'department': {
      const ok = f.multiple ? Array.isArray(v) && v.every(isRef) : isRef(v);
      if (!ok) wrong();
      return;
    }
    case 'related':
      if (!isRef(v)) wrong();
      return;
    case 'attachments':
    case 'image':
      if (Array.isArray(v)) checkFiles(f, v, l, at, ctx);
      else wrong();
      return;
    case 'signature':
      checkFiles(f, [v], l, at, ctx);
      return;
    case 'address': {
      const ok =
        isRecord(v) &&
        (v.region === undefined || typeof v.region === 'string') &&
        typeof v.detail === 'string' &&
        Object.keys(v).every((k) => k === 'region' || k === 'detail');
      if (!ok) wrong();
      else if (chars(v.detail as string) > TEXT_MAX)
        out.push(issue(at, 'form.max_length', l, String(TEXT_MAX)));
      return;
    }
    case 'table': {
      if (!Array.isArray(v) || !v.every(isRecord)) return wrong();
      const max = f.max_rows ?? MAX_ROWS;
      if (f.min_rows !== undefined && f.min_rows !== null && v.length < f.min_rows)
        return void out.push(issue(at, 'form.rows_min', l, String(f.min_rows)));
      if (v.length > max) return void out.push(issue(at, 'form.rows_max', l, String(max)));
      const columns = f.fields ?? [];
      v.forEach((row: Record<string, unknown>, i) => {
        for (const c of columns)
          checkField(c, row[c.key], cellLabel(f.label, i, c.label), `${at}[${i}].${c.key}`, ctx);
        for (const k of sortedKeys(row))
          if (!columns.some((c) => c.key === k))
            out.push(issue(`${at}[${i}].${k}`, 'form.unknown_field', plainLabel(k), k));
      });
      return;
    }
    default:
      return;
  }
}

/** Normalises the data (see `normalise`) and checks it: the kept data and every problem. */
export function prepare(
  form: FormSpec,
  input: Data,
  opts: ValidateOptions = {},
): { data: Data; issues: ValidationIssue[] } {
  const { data, hidden } = normalised(form, input, opts);
  const ctx: Ctx = { today: opts.today ?? localToday(), out: [] };
  for (const f of form.fields) {
    // A field hidden by its visibility rule is not checked.
    if (isDerived(f.kind) || hidden.includes(f.key)) continue;
    const present = Object.hasOwn(data, f.key) && data[f.key] !== undefined;
    if (opts.partial && !present) continue;
    checkField(f, data[f.key], plainLabel(f.label), `form.${f.key}`, ctx);
  }
  for (const k of sortedKeys(input))
    if (!form.fields.some((f) => f.key === k))
      ctx.out.push(issue(`form.${k}`, 'form.unknown_field', plainLabel(k), k));
  const lang = opts.lang;
  const issues: ValidationIssue[] = lang
    ? ctx.out.map((i) => ({ ...i, text: lang === 'en' ? i.message.en : i.message.zh }))
    : ctx.out;
  return { data, issues };
}

/** Every problem of the data, in the server's order and words (none: `[]`). */
export function validate(
  form: FormSpec,
  input: Data,
  opts: ValidateOptions = {},
): ValidationIssue[] {
  return prepare(form, input, opts).issues;
}
