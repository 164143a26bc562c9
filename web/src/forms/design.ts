/**
 * Checks of the form itself (`crates/forms/src/design.rs`), run by the server when a template
 * is saved or published and by the designer as you type: the same codes and messages.
 */
import { fieldsOf, ParseError, tryParse } from './expr';
import type { FieldIssue } from './messages';
import { type Field, type FormSpec, hasOptions, inTables, isNumeric, KINDS } from './types';
import { rustPattern } from './validate';

/** Most fields in a form (and columns in a table). */
export const MAX_FIELDS = 200;

export function isIdent(key: string): boolean {
  return key.length > 0 && key.length <= 64 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
}

const issue = (field: string, code: string, zh: string, en: string): FieldIssue => ({
  field,
  code,
  message: { zh, en },
});

/** The server's `ParseError` text: `at 5: expected \`)\``. */
export const parseErrorText = (e: ParseError): string => `at ${e.offset}: ${e.message}`;

/** Every problem of the form: keys, labels, kinds, options, tables, expressions, patterns, permissions. */
export function checkForm(form: FormSpec): FieldIssue[] {
  const out: FieldIssue[] = [];
  if (form.fields.length > MAX_FIELDS)
    out.push(
      issue('form', 'form.too_many_fields', '表单字段最多 200 个', 'At most 200 form fields'),
    );
  if (
    form.columns !== undefined &&
    form.columns !== null &&
    !(form.columns >= 1 && form.columns <= 2)
  )
    out.push(
      issue(
        'form.columns',
        'form.columns',
        '表单布局只能是 1 列或 2 列',
        'A form has 1 or 2 columns',
      ),
    );
  const top = form.fields.map((f) => f.key);
  checkFields(form.fields, 'form.fields', top, undefined, out);
  for (const node of Object.keys(form.permissions ?? {}).sort()) {
    for (const key of Object.keys(form.permissions?.[node] ?? {}).sort()) {
      if (!form.fields.some((f) => f.key === key))
        out.push(
          issue(
            `form.permissions.${node}`,
            'form.permission_field',
            `环节「${node}」的字段权限中的「${key}」不是表单字段`,
            `"${key}" in the field permissions of step "${node}" is not a form field`,
          ),
        );
    }
  }
  return out;
}

/** Problems of one expression: parse errors, then the first name that is not a field. */
export function checkExpr(
  f: Pick<Field, 'label'>,
  src: string,
  what: '公式' | '显示条件',
  at: string,
  known: readonly string[],
  row: readonly string[] | undefined,
  out: FieldIssue[],
): void {
  const r = tryParse(src);
  if ('error' in r) {
    const text = parseErrorText(r.error);
    out.push(
      issue(
        at,
        'form.expr',
        `「${f.label}」的${what}有误：${text}`,
        `The ${what === '公式' ? 'formula' : 'visibility rule'} of "${f.label}" is invalid: ${text}`,
      ),
    );
    return;
  }
  for (const path of fieldsOf(r.expr)) {
    const name = path[0] as string;
    if (!(known.includes(name) || row?.includes(name))) {
      out.push(
        issue(
          at,
          'form.expr_field',
          `「${f.label}」的${what}引用了不存在的字段「${name}」`,
          `"${f.label}" refers to "${name}", which is not a field`,
        ),
      );
      return;
    }
  }
}

function checkFields(
  fields: readonly Field[],
  base: string,
  top: readonly string[],
  table: readonly string[] | undefined,
  out: FieldIssue[],
): void {
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    const at = `${base}[${i}]`;
    const label = f.label ?? '';
    if (!isIdent(f.key))
      out.push(
        issue(
          at,
          'form.field_key',
          `字段标识「${f.key}」须为字母开头的字母、数字或下划线`,
          `Field key "${f.key}" must be a letter followed by letters, digits or _`,
        ),
      );
    else if (seen.has(f.key))
      out.push(
        issue(
          at,
          'form.field_duplicate',
          `字段标识「${f.key}」重复`,
          `Field key "${f.key}" is used twice`,
        ),
      );
    else seen.add(f.key);
    if (label.trim() === '' || [...label].length > 64)
      out.push(
        issue(
          at,
          'form.field_label',
          '字段名称须为 1–64 个字符',
          'Field label must be 1–64 characters',
        ),
      );
    if (!(KINDS as readonly string[]).includes(f.kind))
      out.push(
        issue(
          at,
          'form.field_kind',
          `「${label}」的字段类型未知`,
          `"${label}" has an unknown field kind`,
        ),
      );
    if (table && !inTables(f.kind))
      out.push(
        issue(
          at,
          'form.table_kind',
          `明细表中不能使用「${label}」这种字段`,
          `"${label}" is of a kind tables cannot hold`,
        ),
      );
    const options = f.options ?? [];
    if (hasOptions(f.kind) && (options.length === 0 || options.some((o) => o.trim() === '')))
      out.push(
        issue(
          at,
          'form.field_options',
          `「${label}」需要选项，且选项不能为空`,
          `"${label}" needs options, none of them blank`,
        ),
      );
    if (f.min != null && f.max != null && f.min > f.max)
      out.push(
        issue(
          at,
          'form.field_bounds',
          `「${label}」的最小值大于最大值`,
          `"${label}" has a minimum above its maximum`,
        ),
      );
    if (f.min_length != null && f.max_length != null && f.min_length > f.max_length)
      out.push(
        issue(
          at,
          'form.field_bounds',
          `「${label}」的最少字数大于最多字数`,
          `"${label}" has a minimum length above its maximum`,
        ),
      );
    if (f.precision != null && f.precision > 6)
      out.push(
        issue(
          at,
          'form.field_bounds',
          `「${label}」最多 6 位小数`,
          `"${label}" allows at most 6 decimal places`,
        ),
      );
    if (f.pattern && rustPattern(f.pattern) === null)
      out.push(
        issue(
          at,
          'form.pattern_invalid',
          `「${label}」的格式规则不是有效的正则表达式`,
          `The pattern of "${label}" is not a valid regular expression`,
        ),
      );
    if (f.kind === 'computed') {
      if ((f.expr ?? '').trim() === '')
        out.push(issue(at, 'form.expr', `「${label}」需要公式`, `"${label}" needs a formula`));
      else checkExpr({ label }, f.expr ?? '', '公式', at, top, table, out);
    }
    if ((f.visible_when ?? '').trim() !== '') {
      if (table)
        out.push(
          issue(
            at,
            'form.table_visibility',
            `明细表的列「${label}」不能设显示条件`,
            `Table column "${label}" cannot have a visibility rule`,
          ),
        );
      else checkExpr({ label }, f.visible_when ?? '', '显示条件', at, top, undefined, out);
    }
    if (f.kind === 'table') {
      if (table) {
        out.push(
          issue(at, 'form.table_kind', '明细表中不能再嵌套明细表', 'Tables cannot hold tables'),
        );
        return;
      }
      const columns = f.fields ?? [];
      if (columns.length === 0 || columns.length > MAX_FIELDS)
        out.push(
          issue(
            at,
            'form.table_fields',
            `明细表「${label}」需要 1–200 列`,
            `Table "${label}" needs 1–200 columns`,
          ),
        );
      for (const t of f.totals ?? []) {
        const numeric = columns.some(
          (c) => c.key === t && (isNumeric(c.kind) || c.kind === 'computed'),
        );
        if (!numeric)
          out.push(
            issue(
              at,
              'form.totals',
              `明细表「${label}」的合计列「${t}」不是数字列`,
              `Total column "${t}" of table "${label}" is not a number column`,
            ),
          );
      }
      if (f.min_rows != null && f.max_rows != null && f.min_rows > f.max_rows)
        out.push(
          issue(
            at,
            'form.field_bounds',
            `「${label}」的最少行数大于最多行数`,
            `"${label}" has a minimum row count above its maximum`,
          ),
        );
      checkFields(
        columns,
        `${at}.fields`,
        top,
        columns.map((c) => c.key),
        out,
      );
    }
  });
}

export { ParseError };
