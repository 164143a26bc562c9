import { FormDesigner } from '../../../forms/designer/FormDesigner';
import type { FormSpec } from '../../../forms/types';

/**
 * The form tab of the template editor: the form designer (web/src/forms/designer). `onChange`
 * receives the whole new form, with its per-node `permissions`, which the flow tab edits too.
 */
export function FormTab({
  form,
  onChange,
}: {
  form: FormSpec;
  onChange: (form: FormSpec) => void;
}) {
  return <FormDesigner form={form.fields ? form : { ...form, fields: [] }} onChange={onChange} />;
}

export default FormTab;
