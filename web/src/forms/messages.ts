/**
 * Problems with form data, with the same codes and words as the server
 * (`crates/forms/src/issue.rs`, docs/forms.md § Validation).
 */
import { Decimal } from './expr';

/** A message in both languages the product speaks. */
export interface Bilingual {
  zh: string;
  en: string;
}

/** One problem: where (`form.amount`, `form.items[0].price`), what, and the words for it. */
export interface FieldIssue {
  field: string;
  code: string;
  message: Bilingual;
}

/** The label used in a message: a field's label, or `费用明细 第1行 金额` in a table. */
export type Label = Bilingual;

export const plainLabel = (label: string): Label => ({ zh: label, en: label });

export const cellLabel = (table: string, row: number, column: string): Label => ({
  zh: `${table} 第${row + 1}行 ${column}`,
  en: `${table} row ${row + 1} ${column}`,
});

/** A number as the shortest decimal (`5`, `0.5`, `1000000`). */
export function numberText(n: number): string {
  return Decimal.fromNumber(n)?.toString() ?? String(n);
}

/** The message of a data check; `arg` is the bound, count, value or key the message names. */
export function message(code: string, l: Label, arg = ''): Bilingual {
  const { zh: z, en: e } = l;
  switch (code) {
    case 'form.required':
      return { zh: `请填写「${z}」`, en: `${e} is required` };
    case 'form.type':
      return { zh: `「${z}」的值格式不对`, en: `${e} has a value of the wrong kind` };
    case 'form.min':
      return { zh: `「${z}」不能小于 ${arg}`, en: `${e} must be at least ${arg}` };
    case 'form.max':
      return { zh: `「${z}」不能大于 ${arg}`, en: `${e} must be at most ${arg}` };
    case 'form.precision':
      return { zh: `「${z}」最多 ${arg} 位小数`, en: `${e} allows at most ${arg} decimal places` };
    case 'form.min_length':
      return { zh: `「${z}」至少 ${arg} 个字`, en: `${e} needs at least ${arg} characters` };
    case 'form.max_length':
      return { zh: `「${z}」最多 ${arg} 个字`, en: `${e} allows at most ${arg} characters` };
    case 'form.pattern':
      return arg
        ? { zh: arg, en: arg }
        : { zh: `「${z}」的格式不对`, en: `${e} is not in the expected format` };
    case 'form.option':
      return { zh: `「${z}」没有「${arg}」这个选项`, en: `"${arg}" is not an option of ${e}` };
    case 'form.date':
      return { zh: `「${z}」须为日期（年-月-日）`, en: `${e} must be a date (YYYY-MM-DD)` };
    case 'form.datetime':
      return {
        zh: `「${z}」须为日期时间（年-月-日 时:分）`,
        en: `${e} must be a date and time (YYYY-MM-DD HH:mm)`,
      };
    case 'form.date_order':
      return { zh: `「${z}」的结束日期早于开始日期`, en: `${e} ends before it starts` };
    case 'form.phone':
      return { zh: `「${z}」不是有效的电话号码`, en: `${e} is not a valid phone number` };
    case 'form.email':
      return { zh: `「${z}」不是有效的邮箱地址`, en: `${e} is not a valid email address` };
    case 'form.id_card':
      return { zh: `「${z}」不是有效的身份证号码`, en: `${e} is not a valid ID card number` };
    case 'form.files_max':
      return { zh: `「${z}」最多 ${arg} 个文件`, en: `${e} takes at most ${arg} files` };
    case 'form.rows_min':
      return { zh: `「${z}」至少 ${arg} 行`, en: `${e} needs at least ${arg} rows` };
    case 'form.rows_max':
      return { zh: `「${z}」最多 ${arg} 行`, en: `${e} takes at most ${arg} rows` };
    case 'form.unique':
      return {
        zh: `「${z}」为「${arg}」的申请已存在`,
        en: `An application with ${e} "${arg}" already exists`,
      };
    case 'form.not_editable':
      return { zh: `「${z}」在此环节不可修改`, en: `${e} cannot be changed at this step` };
    case 'form.file_unknown':
      return { zh: `「${z}」中的文件不存在`, en: `A file in ${e} does not exist` };
    case 'form.not_found':
      return {
        zh: `「${z}」中的人员或部门不存在`,
        en: `${e} names a person or department that does not exist`,
      };
    case 'form.related':
      return {
        zh: `「${z}」关联的审批不存在或未通过`,
        en: `The approval linked in ${e} does not exist or is not approved`,
      };
    case 'form.unknown_field':
      return { zh: `表单中没有字段「${arg}」`, en: `The form has no field "${arg}"` };
    default:
      return { zh: `「${z}」有误`, en: `${e} is invalid` };
  }
}

/** Messages naming a file: `form.file_size` (with the limit in MB) and `form.file_type`. */
export function fileMessage(code: string, l: Label, name: string, mb = ''): Bilingual {
  const { zh: z, en: e } = l;
  if (code === 'form.file_size')
    return {
      zh: `「${z}」中的「${name}」超过 ${mb} MB`,
      en: `"${name}" in ${e} is larger than ${mb} MB`,
    };
  return {
    zh: `「${z}」不接受「${name}」这类文件`,
    en: `${e} does not accept files like "${name}"`,
  };
}

export const issue = (field: string, code: string, l: Label, arg = ''): FieldIssue => ({
  field,
  code,
  message: message(code, l, arg),
});

/** The message in the UI's language. */
export const issueText = (i: { message: Bilingual | string }, locale: string): string =>
  typeof i.message === 'string' ? i.message : locale === 'en' ? i.message.en : i.message.zh;
