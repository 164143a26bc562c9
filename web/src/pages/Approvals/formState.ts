/**
 * The instance's form on the approval page: what the viewer's task may change (`my_tasks[].editable`),
 * what changed, and where the server's field errors go (docs/forms.md).
 */
import { ApiError } from '../../api/client';
import type { FormSpec, Perm, ShownError } from '../../forms';
import type { InstanceView, MyTask } from './services';

/** Pure: the form as the renderer takes it (the generated types are looser than the forms module's). */
export function formSpecOf(view: Pick<InstanceView, 'fields' | 'form_columns'>): FormSpec {
  return { columns: view.form_columns, fields: view.fields } as unknown as FormSpec;
}

/** Pure: the keys a task may change on the page: for an agree or a resubmission only. */
export function editableKeys(task: MyTask | undefined, resubmit: boolean): string[] {
  if (!task) return [];
  if (!resubmit && !task.actions.includes('agree')) return [];
  return task.editable ?? [];
}

/** Pure: the renderer's permissions: editable keys → `edit`, every other field → `read`. */
export function taskPermissions(
  fields: readonly { key: string }[],
  editable: readonly string[],
): Record<string, Perm> {
  const can = new Set(editable);
  return Object.fromEntries(fields.map((f) => [f.key, can.has(f.key) ? 'edit' : 'read']));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Pure: the editable fields whose values differ from the instance's (the only ones to send). */
export function changedEditable(
  editable: readonly string[],
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of editable) {
    if (!(key in after)) continue;
    const v = after[key] === undefined ? null : after[key];
    if (!same(v, before[key])) out[key] = v;
  }
  return out;
}

/** Pure: a refusal's errors on form fields (`form.amount`, `form.items[0].price`), for the renderer. */
export function formErrorsOf(error: unknown): ShownError[] {
  if (!(error instanceof ApiError)) return [];
  return error.fields
    .filter((f) => f.field.startsWith('form.'))
    .map((f) => ({ field: f.field, code: f.code, message: f.message }));
}
