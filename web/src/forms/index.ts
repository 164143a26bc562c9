/** Flow-template forms (docs/forms.md): the runtime shared with the server, the renderer, the designer. */
export { uppercaseAmount } from './amount';
export { calendarDays, isDate, isDatetime, isEmail, isPhone } from './checks';
export { type Data, defaults, type Env, normalise, normalised, tableTotals } from './compute';
export { checkForm } from './design';
export { FormDesigner, type FormDesignerProps } from './designer/FormDesigner';
export {
  Decimal,
  type Expr,
  evaluate,
  fieldsOf,
  ParseError,
  parse,
  type Scope,
  tryParse,
  type Value,
} from './expr';
export {
  FormRenderer,
  type FormRendererHandle,
  type FormRendererProps,
  permissionIn,
  type RenderMode,
  type ShownError,
  useFormRenderer,
  validateFor,
} from './FormRenderer';
export { isIdCard } from './idcard';
export { type Bilingual, type FieldIssue, issueText, message } from './messages';
export { fileUrl, uploadFile } from './services';
export * from './types';
export { isEmpty, prepare, type ValidateOptions, type ValidationIssue, validate } from './validate';
