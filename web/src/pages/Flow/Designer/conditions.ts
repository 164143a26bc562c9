/**
 * The condition rule builder: rules over form fields and the initiator, grouped with AND/OR,
 * written as the text of the condition language (docs/engine.md) and read back from it when the
 * text has the builder's shape. The text is what the tree stores.
 */
import { civilFromDays, Day, Decimal, type Expr, fieldsOf, tryParse } from '../../../forms/expr';
import type { Field } from '../../../forms/types';

/** What a condition field holds, which decides its operators and value input. */
export type CondType =
  | 'number'
  | 'text'
  | 'option'
  | 'options'
  | 'date'
  | 'user'
  | 'department'
  | 'post';

export interface CondField {
  /** The path in the language: `amount`, `leave.days`, `initiator.department`. */
  path: string;
  label: string;
  type: CondType;
  options?: string[];
}

export type CondOp =
  | '=='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | 'in'
  | 'not in'
  | 'contains'
  | 'not contains';

export const OPS: Record<CondType, readonly CondOp[]> = {
  number: ['==', '!=', '>', '>=', '<', '<='],
  date: ['==', '!=', '>', '>=', '<', '<='],
  text: ['==', '!=', 'contains', 'not contains'],
  option: ['==', '!=', 'in', 'not in'],
  options: ['contains', 'not contains'],
  user: ['==', '!=', 'in', 'not in'],
  department: ['==', '!=', 'in', 'not in'],
  post: ['==', '!=', 'in', 'not in'],
};

/** Operators taking a list of values. */
export const isListOp = (op: CondOp) => op === 'in' || op === 'not in';

export interface CondRule {
  field: string;
  op: CondOp;
  /** Number or date text, a string, an id; a list for `in` / `not in`. */
  value: string | string[];
}

export type Join = 'and' | 'or';

export interface CondGroup {
  join: Join;
  rules: CondRule[];
}

/** Groups joined by `join`; the rules of a group by the group's own join. */
export interface CondModel {
  join: Join;
  groups: CondGroup[];
}

/** Sub-fields the designer offers beside a field, e.g. a date range's day count. */
const SUB_FIELDS: Partial<Record<Field['kind'], { member: string; type: CondType }>> = {
  date_range: { member: 'days', type: 'number' },
};

const TYPE_OF: Partial<Record<Field['kind'], CondType>> = {
  number: 'number',
  money: 'number',
  percent: 'number',
  computed: 'number',
  text: 'text',
  textarea: 'text',
  phone: 'text',
  email: 'text',
  id_card: 'text',
  select: 'option',
  radio: 'option',
  multi_select: 'options',
  checkbox: 'options',
  date: 'date',
  datetime: 'date',
  user: 'user',
  department: 'department',
};

/** The fields a condition may read: the form's top-level fields, then the initiator's facts. */
export function conditionFields(
  fields: readonly Field[],
  labels: { days: (label: string) => string; initiator: string; department: string; post: string },
): CondField[] {
  const out: CondField[] = [];
  for (const f of fields) {
    const type = TYPE_OF[f.kind];
    if (type) out.push({ path: f.key, label: f.label, type, options: f.options });
    const sub = SUB_FIELDS[f.kind];
    if (sub)
      out.push({ path: `${f.key}.${sub.member}`, label: labels.days(f.label), type: sub.type });
  }
  out.push({ path: 'initiator.id', label: labels.initiator, type: 'user' });
  out.push({ path: 'initiator.department', label: labels.department, type: 'department' });
  out.push({ path: 'initiator.post', label: labels.post, type: 'post' });
  return out;
}

/** A string literal of the language, double-quoted. */
export function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

const NUMBER = /^-?\d+(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function literal(type: CondType, value: string): string | null {
  const v = value.trim();
  switch (type) {
    case 'number':
      return NUMBER.test(v) ? v : null;
    case 'date':
      return DATE.test(v) ? `date(${quote(v)})` : null;
    default:
      return v === '' && type !== 'text' ? null : quote(value);
  }
}

/** One rule as text; `null` while incomplete. */
export function ruleText(rule: CondRule, field: CondField | undefined): string | null {
  if (!field || !rule.field) return null;
  const ops = OPS[field.type];
  if (!ops.includes(rule.op)) return null;
  const values = Array.isArray(rule.value) ? rule.value : [rule.value];
  if (isListOp(rule.op)) {
    const items = values.map((v) => literal(field.type, v));
    if (items.length === 0 || items.some((i) => i === null)) return null;
    return `${rule.field} ${rule.op} [${items.join(', ')}]`;
  }
  const lit = literal(field.type, values[0] ?? '');
  if (lit === null) return null;
  if (rule.op === 'contains') return `${lit} in ${rule.field}`;
  if (rule.op === 'not contains') return `!(${lit} in ${rule.field})`;
  return `${rule.field} ${rule.op} ${lit}`;
}

const JOIN_TEXT: Record<Join, string> = { and: ' && ', or: ' || ' };

/**
 * The model as condition text; `null` when a rule is incomplete or there is none. Groups of
 * several rules are parenthesised when they stand beside other groups.
 */
export function toExpression(model: CondModel, fields: readonly CondField[]): string | null {
  const byPath = new Map(fields.map((f) => [f.path, f] as const));
  const groups: string[] = [];
  for (const g of model.groups) {
    if (g.rules.length === 0) continue;
    const parts: string[] = [];
    for (const r of g.rules) {
      const text = ruleText(r, byPath.get(r.field));
      if (text === null) return null;
      parts.push(text);
    }
    groups.push(parts.join(JOIN_TEXT[g.join]));
  }
  if (groups.length === 0) return null;
  if (groups.length === 1) return groups[0] as string;
  const several = model.groups.filter((g) => g.rules.length > 0);
  return groups
    .map((text, i) =>
      (several[i]?.rules.length ?? 0) > 1 && several[i]?.join !== model.join ? `(${text})` : text,
    )
    .join(JOIN_TEXT[model.join]);
}

/** An empty model with one rule to fill in. */
export const emptyModel = (field = ''): CondModel => ({
  join: 'or',
  groups: [{ join: 'and', rules: [{ field, op: '==', value: '' }] }],
});

// ---------------------------------------------------------------------------------------------
// Reading text back

function chain(e: Expr, op: '&&' | '||'): Expr[] {
  if (e.t === 'bin' && e.op === op) return [...chain(e.a, op), ...chain(e.b, op)];
  return [e];
}

function litText(e: Expr): string | null {
  if (e.t === 'neg' && e.e.t === 'lit' && e.e.v instanceof Decimal) return `-${e.e.v.toString()}`;
  if (e.t !== 'lit') return null;
  const v = e.v;
  if (v instanceof Decimal) return v.toString();
  if (v instanceof Day) return civilFromDays(v.days);
  if (typeof v === 'string') return v;
  return null;
}

const pathOf = (e: Expr): string | null => {
  if (e.t !== 'field') return null;
  const path = e.path[0] === 'form' && e.path.length > 1 ? e.path.slice(1) : e.path;
  return path.join('.');
};

const COMPARE: readonly string[] = ['==', '!=', '>', '>=', '<', '<='];

function readRule(e: Expr, byPath: Map<string, CondField>): CondRule | null {
  if (e.t === 'not') {
    const inner = readRule(e.e, byPath);
    return inner?.op === 'contains' ? { ...inner, op: 'not contains' } : null;
  }
  if (e.t !== 'bin') return null;
  if (e.op === 'in' || e.op === 'not in') {
    const field = pathOf(e.a);
    if (field && e.b.t === 'list') {
      const values = e.b.items.map(litText);
      if (values.some((v) => v === null)) return null;
      return { field, op: e.op, value: values as string[] };
    }
    const container = pathOf(e.b);
    const value = litText(e.a);
    if (e.op === 'in' && container && value !== null)
      return { field: container, op: 'contains', value };
    return null;
  }
  if (!COMPARE.includes(e.op)) return null;
  const field = pathOf(e.a);
  const value = litText(e.b);
  if (!field || value === null) return null;
  return { field, op: e.op as CondOp, value };
}

function readGroup(parts: Expr[], join: Join, byPath: Map<string, CondField>): CondGroup | null {
  const rules: CondRule[] = [];
  for (const p of parts) {
    const r = readRule(p, byPath);
    const field = r && byPath.get(r.field);
    if (!r || !field || !OPS[field.type].includes(r.op)) return null;
    rules.push(r);
  }
  return { join, rules };
}

/**
 * Pure: the builder model of a condition's text, or `null` when the builder cannot show it
 * (other shapes, unknown fields, a parse error): the raw editor takes over then.
 */
export function fromExpression(text: string, fields: readonly CondField[]): CondModel | null {
  const parsed = tryParse(text);
  if ('error' in parsed) return null;
  const byPath = new Map(fields.map((f) => [f.path, f] as const));
  const ors = chain(parsed.expr, '||');
  if (ors.length > 1) {
    const groups: CondGroup[] = [];
    for (const term of ors) {
      const ands = chain(term, '&&');
      const g = readGroup(ands, 'and', byPath);
      if (!g) return null;
      groups.push(g);
    }
    return { join: 'or', groups };
  }
  const ands = chain(parsed.expr, '&&');
  const single = readGroup(ands, 'and', byPath);
  if (single) return { join: 'or', groups: [single] };
  const groups: CondGroup[] = [];
  for (const term of ands) {
    const g = readGroup(chain(term, '||'), 'or', byPath);
    if (!g) return null;
    groups.push(g);
  }
  return { join: 'and', groups };
}

/**
 * A condition's problem for the cheap check before saving: a parse error, or a field the form
 * does not have (`initiator.*` facts are always known). `null` when fine.
 */
export function conditionProblem(
  text: string,
  formKeys: readonly string[],
  messages: { bad: (error: string) => string; unknown: (field: string) => string },
): string | null {
  const parsed = tryParse(text);
  if ('error' in parsed) return messages.bad(parsed.error.message);
  // Like the engine: a form without fields declares nothing, so nothing is checked.
  if (formKeys.length === 0) return null;
  const known = new Set(formKeys);
  for (const path of fieldsOf(parsed.expr)) {
    const p = path[0] === 'form' && path.length > 1 ? path.slice(1) : path;
    const root = p[0] ?? '';
    if (root === 'initiator') continue;
    if (!known.has(root)) return messages.unknown(p.join('.'));
  }
  return null;
}

/** How a rule's parts read in the UI: an operator's words, a value's name. */
export interface DescribeWords {
  op: (op: CondOp) => string;
  and: string;
  or: string;
  /** The name of a person, department or post id; the value itself otherwise. */
  value: (field: CondField, value: string) => string;
}

/**
 * Pure: a model in words for a branch card, e.g. `金额 大于 5000 且 类型 属于 差旅、办公`;
 * groups of several rules beside others are bracketed.
 */
export function describeCondition(
  model: CondModel,
  fields: readonly CondField[],
  words: DescribeWords,
): string {
  const byPath = new Map(fields.map((f) => [f.path, f] as const));
  const joinWord = (j: Join) => ` ${j === 'and' ? words.and : words.or} `;
  const groups = model.groups
    .filter((g) => g.rules.length > 0)
    .map((g) => {
      const text = g.rules
        .map((r) => {
          const f = byPath.get(r.field);
          if (!f) return r.field;
          const values = (Array.isArray(r.value) ? r.value : [r.value]).map((v) =>
            words.value(f, v),
          );
          return `${f.label} ${words.op(r.op)} ${values.join('、')}`;
        })
        .join(joinWord(g.join));
      return { text, several: g.rules.length > 1 && g.join !== model.join };
    });
  return groups
    .map((g) => (groups.length > 1 && g.several ? `（${g.text}）` : g.text))
    .join(joinWord(model.join));
}
