/**
 * Form data as it is kept (`crates/forms/src/data.rs`): values of display-only and computed
 * fields sent by a client dropped, computed table columns and computed fields filled, fields
 * whose `visible_when` is not true removed (in form order, each rule seeing the removals before
 * it), date-range durations counted. Keys that are not fields stay (validation refuses them).
 */
import { calendarDays, dayNumber } from './checks';
import {
  Decimal,
  evaluate,
  fromJson,
  ParseError,
  parseCached,
  type Scope,
  type Value,
} from './expr';
import { type Field, type FormSpec, isDerived, precisionOf } from './types';

export type Data = Record<string, unknown>;

/** What the data needs from outside. */
export interface Env {
  /** Working days from `start` to `end` inclusive on the tenant's calendar (server only). */
  workingDays?: (start: string, end: string) => number | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const has = (o: Record<string, unknown>, k: string) => Object.hasOwn(o, k);

function walk(value: unknown, rest: readonly string[]): Value {
  if (rest.length === 0) return fromJson(value);
  const [first, ...more] = rest as [string, ...string[]];
  if (isRecord(value)) return has(value, first) ? walk(value[first], more) : null;
  if (Array.isArray(value))
    return value.map((item) => (more.length === 0 ? walk(item, [first]) : null));
  return null;
}

/**
 * Expressions see the form's fields (`amount`, `items.price`: the column of every row) and,
 * inside a table row, the row's columns first.
 */
export function dataScope(data: Data, row?: Data): Scope {
  return {
    lookup(path) {
      const [first, ...rest] = path;
      if (first === undefined) return null;
      if (row && has(row, first)) return walk(row[first], rest);
      return has(data, first) ? walk(data[first], rest) : null;
    },
  };
}

/** A computed field's value: a number rounded to its precision (default 2), else `null`. */
export function computeField(f: Field, scope: Scope): number | null {
  const expr = parseCached(f.expr ?? '');
  if (expr instanceof ParseError) return null;
  const v = evaluate(expr, scope);
  return v instanceof Decimal ? v.round(precisionOf(f) ?? 2).toNumber() : null;
}

/** Whether the field's `visible_when` is true (no rule: visible; a rule that does not parse: not). */
export function isVisible(f: Field, data: Data): boolean {
  const rule = f.visible_when ?? '';
  if (rule.trim() === '') return true;
  const expr = parseCached(rule);
  return !(expr instanceof ParseError) && evaluate(expr, dataScope(data)) === true;
}

function fillComputed(form: FormSpec, data: Data, hidden: readonly string[]): void {
  for (const table of form.fields) {
    if (table.kind !== 'table') continue;
    const columns = (table.fields ?? []).filter((c) => c.kind === 'computed');
    if (columns.length === 0 || hidden.includes(table.key)) continue;
    const rows = data[table.key];
    if (!Array.isArray(rows)) continue;
    data[table.key] = rows.map((r) => {
      if (!isRecord(r)) return r;
      const row: Data = { ...r };
      for (const c of columns) row[c.key] = computeField(c, dataScope(data, row));
      return row;
    });
  }
  for (const f of form.fields) {
    if (f.kind !== 'computed' || hidden.includes(f.key)) continue;
    data[f.key] = computeField(f, dataScope(data));
  }
}

/** [`normalise`], with the keys of the fields the visibility rules hid. */
export function normalised(
  form: FormSpec,
  input: Data,
  env: Env = {},
): { data: Data; hidden: string[] } {
  const data: Data = { ...input };
  for (const f of form.fields) {
    if (isDerived(f.kind)) delete data[f.key];
    const rows = data[f.key];
    if (f.kind === 'table' && Array.isArray(rows)) {
      const derived = (f.fields ?? []).filter((c) => isDerived(c.kind));
      data[f.key] = rows.map((r) => {
        if (!isRecord(r)) return r;
        const row = { ...r };
        for (const c of derived) delete row[c.key];
        return row;
      });
    }
  }
  fillComputed(form, data, []);
  const hidden: string[] = [];
  for (const f of form.fields) {
    if (!isVisible(f, data)) {
      delete data[f.key];
      hidden.push(f.key);
    }
  }
  fillComputed(form, data, hidden);
  for (const f of form.fields) {
    if (f.kind !== 'date_range') continue;
    const range = data[f.key];
    if (!isRecord(range)) continue;
    const start = typeof range.start === 'string' ? range.start : '';
    const end = typeof range.end === 'string' ? range.end : '';
    const calendar = calendarDays(start, end);
    let days: number | null = null;
    if (calendar !== null)
      days = f.duration === 'calendar_days' ? calendar : (env.workingDays?.(start, end) ?? null);
    const out = { ...range };
    if (days === null) delete out.days;
    else out.days = days;
    data[f.key] = out;
  }
  return { data, hidden };
}

/** The data as it is kept (see the module comment). */
export const normalise = (form: FormSpec, input: Data, env: Env = {}): Data =>
  normalised(form, input, env).data;

/** The value a new form starts with: each field's `default`. */
export function defaults(form: FormSpec): Data {
  const out: Data = {};
  for (const f of form.fields)
    if (f.default !== undefined && f.default !== null) out[f.key] = f.default;
  return out;
}

/** A table's column totals (the `totals` keys), exact; `null` when a cell is not a number. */
export function tableTotals(table: Field, rows: unknown): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const list = Array.isArray(rows) ? rows : [];
  for (const key of table.totals ?? []) {
    const column = table.fields?.find((c) => c.key === key);
    let acc: Decimal | null = Decimal.ZERO;
    for (const row of list) {
      const v = isRecord(row) ? row[key] : undefined;
      if (v === null || v === undefined || !acc) continue;
      const d = typeof v === 'number' ? Decimal.fromNumber(v) : null;
      acc = d ? acc.add(d) : null;
    }
    out[key] = acc ? acc.round(column ? (precisionOf(column) ?? 6) : 6).toNumber() : null;
  }
  return out;
}

/** Days of a date range as a preview: calendar days, inclusive. */
export { calendarDays, dayNumber };
