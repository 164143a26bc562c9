/** The designer's edits as pure functions over the form, and the visibility rule builder's model. */
import { civilFromDays, Day, Decimal, type Expr, tryParse } from '../expr';
import {
  type Field,
  type FormSpec,
  hasOptions,
  isDisplay,
  isFileKind,
  isNumeric,
  type Kind,
} from '../types';

/** Where a field is: a top-level index, and a column index inside a table. */
export interface Sel {
  index: number;
  column?: number;
}

/** Every key used in the form, columns included. */
export function allKeys(form: FormSpec): Set<string> {
  const out = new Set<string>();
  for (const f of form.fields) {
    out.add(f.key);
    for (const c of f.fields ?? []) out.add(c.key);
  }
  return out;
}

/** `text_1`, `text_2`, …: the first not in `taken`. */
export function uniqueKey(kind: Kind, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const key = `${kind}_${n}`;
    if (!taken.has(key)) return key;
  }
}

/** A new field of `kind` with sensible settings; `label` is the kind's name. */
export function createField(
  kind: Kind,
  taken: ReadonlySet<string>,
  words: { label: string; option: (n: number) => string; column: string },
): Field {
  const f: Field = { key: uniqueKey(kind, taken), label: words.label, kind };
  if (hasOptions(kind)) f.options = [words.option(1), words.option(2)];
  if (kind === 'table') {
    const keys = new Set([...taken, f.key]);
    f.fields = [{ key: uniqueKey('text', keys), label: words.column, kind: 'text' }];
  }
  if (kind === 'description') f.content = '';
  if (kind === 'computed') f.expr = '';
  return f;
}

/** A copy of a field with fresh keys (its own and its columns'). */
export function copyField(f: Field, taken: ReadonlySet<string>): Field {
  const keys = new Set(taken);
  const key = uniqueKey(f.kind, keys);
  keys.add(key);
  const copy: Field = structuredClone(f);
  copy.key = key;
  if (copy.fields) {
    const renamed = new Map<string, string>();
    copy.fields = copy.fields.map((c) => {
      const k = uniqueKey(c.kind, keys);
      keys.add(k);
      renamed.set(c.key, k);
      return { ...c, key: k };
    });
    if (copy.totals) copy.totals = copy.totals.map((t) => renamed.get(t) ?? t);
  }
  return copy;
}

export function insertField(form: FormSpec, at: number, f: Field): FormSpec {
  const fields = [...form.fields];
  fields.splice(Math.max(0, Math.min(at, fields.length)), 0, f);
  return { ...form, fields };
}

/** Moves the item at `from` so it lands before the item now at `to` (`to` = length: the end). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  const [item] = out.splice(from, 1);
  if (item === undefined) return out;
  const at = to > from ? to - 1 : to;
  out.splice(Math.max(0, Math.min(at, out.length)), 0, item);
  return out;
}

export const moveField = (form: FormSpec, from: number, to: number): FormSpec => ({
  ...form,
  fields: moveItem(form.fields, from, to),
});

export function removeField(form: FormSpec, index: number): FormSpec {
  const gone = form.fields[index];
  const fields = form.fields.filter((_, i) => i !== index);
  return { ...form, fields, permissions: withoutKey(form.permissions, gone?.key) };
}

function withoutKey(
  permissions: FormSpec['permissions'],
  key: string | undefined,
): FormSpec['permissions'] {
  if (!permissions || key === undefined) return permissions;
  const out: NonNullable<FormSpec['permissions']> = {};
  for (const [node, perms] of Object.entries(permissions)) {
    const { [key]: _, ...rest } = perms;
    out[node] = rest;
  }
  return out;
}

function renamedPermissions(
  permissions: FormSpec['permissions'],
  from: string,
  to: string,
): FormSpec['permissions'] {
  if (!permissions || from === to) return permissions;
  const out: NonNullable<FormSpec['permissions']> = {};
  for (const [node, perms] of Object.entries(permissions)) {
    const next = { ...perms };
    if (from in next) {
      next[to] = next[from] as NonNullable<(typeof next)[string]>;
      delete next[from];
    }
    out[node] = next;
  }
  return out;
}

/** Members left out when they hold their default, so the saved form stays small. */
function tidy(f: Field): Field {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null) continue;
    if (v === '' && k !== 'key' && k !== 'label') continue;
    if (v === false) continue;
    if (Array.isArray(v) && v.length === 0 && k !== 'options' && k !== 'fields') continue;
    out[k] = v;
  }
  return out as unknown as Field;
}

/** Applies `patch` to the field at `sel`; a changed key is followed in permissions and totals. */
export function updateAt(form: FormSpec, sel: Sel, patch: Partial<Field>): FormSpec {
  const field = form.fields[sel.index];
  if (!field) return form;
  if (sel.column === undefined) {
    const next = tidy({ ...field, ...patch });
    const fields = form.fields.map((f, i) => (i === sel.index ? next : f));
    return {
      ...form,
      fields,
      permissions: renamedPermissions(form.permissions, field.key, next.key),
    };
  }
  const columns = field.fields ?? [];
  const col = columns[sel.column];
  if (!col) return form;
  const nextCol = tidy({ ...col, ...patch });
  const table: Field = {
    ...field,
    fields: columns.map((c, i) => (i === sel.column ? nextCol : c)),
  };
  if (col.key !== nextCol.key && table.totals)
    table.totals = table.totals.map((t) => (t === col.key ? nextCol.key : t));
  return { ...form, fields: form.fields.map((f, i) => (i === sel.index ? table : f)) };
}

/** Puts `field` in place of the one at `sel` (a kind change keeps only what the new kind has). */
export function replaceAt(form: FormSpec, sel: Sel, field: Field): FormSpec {
  const old = fieldAt(form, sel);
  if (!old) return form;
  const { key: _k, label: _l, kind: _n, ...rest } = old;
  const cleared = Object.fromEntries(Object.keys(rest).map((k) => [k, undefined]));
  return updateAt(form, sel, { ...cleared, ...field });
}

/** The field at `sel`. */
export function fieldAt(form: FormSpec, sel: Sel | undefined): Field | undefined {
  if (!sel) return undefined;
  const f = form.fields[sel.index];
  return sel.column === undefined ? f : f?.fields?.[sel.column];
}

/** Settings that only some kinds have, dropped when the kind changes to one without them. */
export function changeKind(f: Field, kind: Kind, option: (n: number) => string): Field {
  const next: Field = { key: f.key, label: f.label, kind };
  for (const k of ['required', 'placeholder', 'help', 'span', 'visible_when', 'unique'] as const)
    if (f[k] !== undefined) (next as unknown as Record<string, unknown>)[k] = f[k];
  if (hasOptions(kind)) next.options = f.options?.length ? f.options : [option(1), option(2)];
  if (isNumeric(kind)) {
    if (f.min !== undefined) next.min = f.min;
    if (f.max !== undefined) next.max = f.max;
    if (f.precision !== undefined) next.precision = f.precision;
  }
  if (kind === 'computed') next.expr = f.expr ?? '';
  if (isDisplay(kind) || kind === 'computed') delete next.required;
  if (isFileKind(kind) && isFileKind(f.kind)) {
    if (f.max_files !== undefined) next.max_files = f.max_files;
    if (f.max_size_mb !== undefined) next.max_size_mb = f.max_size_mb;
  }
  if (kind === 'table') next.fields = f.fields ?? [];
  return next;
}

// ---------------------------------------------------------------------------------------------
// Visibility rules: `field op value` joined by `and` / `or`, to and from the expression.

export type RuleOp = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'contains' | 'empty' | 'filled';
export const RULE_OPS: readonly RuleOp[] = [
  '==',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'in',
  'contains',
  'empty',
  'filled',
];

export interface Rule {
  field: string;
  op: RuleOp;
  /** The value as typed; for `in`, values separated by commas. */
  value: string;
}

export interface RuleSet {
  join: 'and' | 'or';
  rules: Rule[];
}

/** A string literal of the language. */
export const quote = (s: string): string =>
  `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\t/g, '\\t')}'`;

function literal(value: string, numeric: boolean): string {
  const v = value.trim();
  if (numeric && /^-?[0-9]+(\.[0-9]+)?$/.test(v)) return Decimal.parse(v)?.toString() ?? quote(v);
  if (v === 'true' || v === 'false') return v;
  return quote(value);
}

/** The expression of a rule set; `numeric(key)` says whether a field holds numbers. */
export function rulesToExpr(set: RuleSet, numeric: (key: string) => boolean): string {
  const parts = set.rules
    .filter((r) => r.field)
    .map((r) => {
      const n = numeric(r.field);
      switch (r.op) {
        case 'empty':
          return `${r.field} == null`;
        case 'filled':
          return `${r.field} != null`;
        case 'contains':
          return `${quote(r.value)} in ${r.field}`;
        case 'in': {
          const items = r.value
            .split(/[,，]/)
            .map((s) => s.trim())
            .filter(Boolean)
            .map((s) => literal(s, n));
          return `${r.field} in [${items.join(', ')}]`;
        }
        default:
          return `${r.field} ${r.op} ${literal(r.value, n)}`;
      }
    });
  return parts.join(` ${set.join} `);
}

function litText(e: Expr): string | undefined {
  if (e.t !== 'lit') return undefined;
  const v = e.v;
  if (v instanceof Decimal) return v.toString();
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Day) return civilFromDays(v.days);
  return undefined;
}

const fieldName = (e: Expr): string | undefined =>
  e.t === 'field' && e.path.length === 1 ? e.path[0] : undefined;

function ruleOf(e: Expr): Rule | undefined {
  if (e.t !== 'bin') return undefined;
  const left = fieldName(e.a);
  if (e.op === 'in' && e.a.t === 'lit' && typeof e.a.v === 'string') {
    const right = fieldName(e.b);
    return right ? { field: right, op: 'contains', value: e.a.v } : undefined;
  }
  if (!left) return undefined;
  if ((e.op === '==' || e.op === '!=') && e.b.t === 'lit' && e.b.v === null)
    return { field: left, op: e.op === '==' ? 'empty' : 'filled', value: '' };
  if (e.op === 'in' && e.b.t === 'list') {
    const items = e.b.items.map(litText);
    if (items.some((i) => i === undefined)) return undefined;
    return { field: left, op: 'in', value: items.join(', ') };
  }
  if (['==', '!=', '>', '>=', '<', '<='].includes(e.op)) {
    const v = litText(e.b);
    return v === undefined ? undefined : { field: left, op: e.op as RuleOp, value: v };
  }
  return undefined;
}

/** The rule set an expression was written as; `undefined` when it is more than rules can say. */
export function exprToRules(source: string): RuleSet | undefined {
  if (source.trim() === '') return { join: 'and', rules: [] };
  const r = tryParse(source);
  if ('error' in r) return undefined;
  const leaves: Expr[] = [];
  let join: '&&' | '||' | undefined;
  const flatten = (e: Expr): boolean => {
    if (e.t === 'bin' && (e.op === '&&' || e.op === '||')) {
      if (join && join !== e.op) return false;
      join = e.op;
      return flatten(e.a) && flatten(e.b);
    }
    leaves.push(e);
    return true;
  };
  if (!flatten(r.expr)) return undefined;
  const rules = leaves.map(ruleOf);
  if (rules.some((x) => x === undefined)) return undefined;
  return { join: join === '||' ? 'or' : 'and', rules: rules as Rule[] };
}

// ---------------------------------------------------------------------------------------------
// Undo and redo

export interface History {
  past: FormSpec[];
  future: FormSpec[];
}

export const HISTORY_LIMIT = 100;
