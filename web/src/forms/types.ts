/**
 * The form schema of a flow template (docs/forms.md): the same shape the server stores
 * (`crates/forms/src/schema.rs`). Members left out take their documented defaults.
 */

/** Every kind of field, in the order the designer's palette shows them. */
export const KINDS = [
  'text',
  'textarea',
  'number',
  'money',
  'percent',
  'date',
  'datetime',
  'date_range',
  'select',
  'multi_select',
  'radio',
  'checkbox',
  'user',
  'department',
  'attachments',
  'image',
  'signature',
  'phone',
  'email',
  'id_card',
  'address',
  'table',
  'computed',
  'serial',
  'related',
  'description',
  'section',
] as const;

export type Kind = (typeof KINDS)[number];

/** What the viewer at a node may do with a field. */
export type Perm = 'edit' | 'read' | 'hidden';

export type ComputedFormat = 'number' | 'money';
export type DurationKind = 'working_days' | 'calendar_days';

/** One field of a form, or one column of a detail table. */
export interface Field {
  key: string;
  label: string;
  kind: Kind;
  required?: boolean;
  placeholder?: string;
  help?: string;
  default?: unknown;
  /** 2 = the full row when the form has 2 columns. */
  span?: number;
  /** Shown, validated and kept only when this expression is `true`. */
  visible_when?: string;
  min_length?: number;
  max_length?: number;
  pattern?: string;
  pattern_message?: string;
  unique?: boolean;
  min?: number;
  max?: number;
  precision?: number;
  options?: string[];
  multiple?: boolean;
  max_files?: number;
  max_size_mb?: number;
  accept?: string[];
  /** `table`: the columns. */
  fields?: Field[];
  min_rows?: number;
  max_rows?: number;
  /** `table`: keys of number/money/percent columns summed under the table. */
  totals?: string[];
  /** `computed`: the expression. */
  expr?: string;
  format?: ComputedFormat;
  /** `description`: the text shown. */
  content?: string;
  /** `related`: template ids whose approved instances may be linked (empty: any). */
  templates?: string[];
  duration?: DurationKind;
  /** Older form of permissions: node keys where the field is hidden. */
  hidden_at?: string[];
}

/** A template's form. */
export interface FormSpec {
  /** Desktop columns, 1 (default) or 2; the phone always uses 1. */
  columns?: number;
  fields: Field[];
  /** Per node key: field key → permission. */
  permissions?: Record<string, Record<string, Perm>>;
}

/** An uploaded file as `POST /api/v1/files` answers it. */
export interface FileRef {
  id: string;
  name: string;
  size: number;
  content_type: string;
}

/** A picked person or department. */
export interface OrgRef {
  id: string;
  name: string;
}

/** A linked approval. */
export interface RelatedRef {
  id: string;
  title: string;
}

export interface DateRangeValue {
  start?: string;
  end?: string;
  /** Computed by the server (working or calendar days). */
  days?: number;
}

export interface AddressValue {
  region?: string;
  detail?: string;
}

export type FormData = Record<string, unknown>;

/** Default row limit of a table. */
export const MAX_ROWS = 200;
/** Default number of files. */
export const MAX_FILES = 10;
/** Default size per file, MB. */
export const MAX_SIZE_MB = 20;

/** Kinds that hold no value of their own. */
export const isDisplay = (k: Kind): boolean =>
  k === 'description' || k === 'section' || k === 'serial';

/** Kinds a client never writes (display-only and computed). */
export const isDerived = (k: Kind): boolean => isDisplay(k) || k === 'computed';

const TABLE_KINDS: ReadonlySet<Kind> = new Set<Kind>([
  'text',
  'textarea',
  'number',
  'money',
  'percent',
  'date',
  'datetime',
  'select',
  'user',
  'department',
  'phone',
  'computed',
]);

/** Kinds allowed as table columns. */
export const inTables = (k: Kind): boolean => TABLE_KINDS.has(k);

export const isNumeric = (k: Kind): boolean => k === 'number' || k === 'money' || k === 'percent';

export const isFileKind = (k: Kind): boolean =>
  k === 'attachments' || k === 'image' || k === 'signature';

export const hasOptions = (k: Kind): boolean =>
  k === 'select' || k === 'multi_select' || k === 'radio' || k === 'checkbox';

/** Digits after the point allowed; `undefined`: any. */
export function precisionOf(f: Field): number | undefined {
  if (f.precision !== undefined && f.precision !== null) return f.precision;
  return f.kind === 'money' || f.kind === 'percent' || f.kind === 'computed' ? 2 : undefined;
}

/** A money field, or a computed field shown as money. */
export const isMoney = (f: Field): boolean =>
  f.kind === 'money' || (f.kind === 'computed' && f.format === 'money');

/**
 * The permission of `field` at `node`; `node` absent: at the start (the initiator filling in or
 * resubmitting), where every field is `edit`. Elsewhere the default is `read`.
 */
export function permissionAt(form: FormSpec, node: string | null | undefined, field: Field): Perm {
  if (!node) return 'edit';
  const p = form.permissions?.[node]?.[field.key];
  if (p) return p;
  if (field.hidden_at?.includes(node)) return 'hidden';
  return 'read';
}

/** Per-field permissions at `node`, for the renderer's `permissions` prop. */
export function permissionsAt(
  form: FormSpec,
  node: string | null | undefined,
): Record<string, Perm> {
  return Object.fromEntries(form.fields.map((f) => [f.key, permissionAt(form, node, f)]));
}

/** The top-level field with this key. */
export const fieldOf = (form: FormSpec, key: string): Field | undefined =>
  form.fields.find((f) => f.key === key);

export const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
