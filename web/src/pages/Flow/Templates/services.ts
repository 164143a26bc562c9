import { api, call, type Schemas } from '../../../api/client';
import type { FormSpec } from '../../../forms/types';
import { templatesKey } from '../templates';

export type Template = Schemas['TemplateView'];
export type TemplateInput = Schemas['TemplateInput'];
export type TemplateSettings = Schemas['TemplateSettings'];
export type TemplateFile = Schemas['TemplateFile'];
export type Version = Schemas['VersionView'];
export type SerialReset = Schemas['SerialReset'];
export type RoleKey = Schemas['Role'];

/** `draft` (never published), `active` or `disabled`. */
export type TemplateStatus = 'draft' | 'active' | 'disabled';

export const SERIAL_RESETS: readonly SerialReset[] = ['yearly', 'monthly', 'daily', 'never'];

/**
 * The draft's definition as the designer holds it. The generated schema types the tree as an
 * empty object; it is the engine's tree JSON (`./Designer/tree.ts`).
 */
export type Definition = { kind: 'tree'; tree: unknown } | { kind: 'bpmn'; bpmn: string };

/**
 * What the editor sends on save. `form` is the form schema of docs/forms.md (with per-node
 * `permissions`), which the generated type predates.
 */
export interface TemplateDraft {
  name: string;
  category: string;
  icon: string;
  description: string;
  supervisor_id: string | null;
  settings: TemplateSettings;
  form: FormSpec;
  definition: Definition;
}

export const EMPTY_SETTINGS: TemplateSettings = {
  admins: [],
  allow_bulk_approve: false,
  serial_pattern: '',
  serial_reset: 'yearly',
  starter_departments: [],
  starter_roles: [],
  starter_users: [],
  summary_fields: [],
  title_template: '',
  visible_to_leaders: false,
};

export const templateKeys = {
  all: templatesKey,
  one: (id: string) => ['flow', 'templates', 'one', id] as const,
  versions: (id: string) => ['flow', 'templates', 'versions', id] as const,
};

export const listTemplates = (): Promise<Template[]> => call(api.GET('/api/v1/flow/templates'));

/** Adds the built-in business templates the tenant lacks: how many were added, of how many. */
export const installBuiltins = (): Promise<Schemas['Installed']> =>
  call(api.POST('/api/v1/flow/builtins'));

export const getTemplate = (id: string): Promise<Template> =>
  call(api.GET('/api/v1/flow/templates/{id}', { params: { path: { id } } }));

export const createTemplate = (body: {
  name: string;
  category?: string;
  icon?: string;
  description?: string;
}): Promise<Template> => call(api.POST('/api/v1/flow/templates', { body }));

/** Saves the draft (the server's route is PATCH; every member is sent). */
export const saveDraft = (id: string, draft: Partial<TemplateDraft>): Promise<Template> =>
  call(
    api.PATCH('/api/v1/flow/templates/{id}', {
      params: { path: { id } },
      body: draft as unknown as TemplateInput,
    }),
  );

export const publishTemplate = (id: string, notes: string): Promise<Version> =>
  call(
    api.POST('/api/v1/flow/templates/{id}/publish', {
      params: { path: { id } },
      body: { notes },
    }),
  );

export const setEnabled = (id: string, enabled: boolean): Promise<Template> =>
  call(
    api.POST('/api/v1/flow/templates/{id}/enabled', {
      params: { path: { id } },
      body: { enabled },
    }),
  );

export const listVersions = (id: string): Promise<Version[]> =>
  call(api.GET('/api/v1/flow/templates/{id}/versions', { params: { path: { id } } }));

export const exportTemplate = (id: string): Promise<TemplateFile> =>
  call(api.GET('/api/v1/flow/templates/{id}/export', { params: { path: { id } } }));

export const importTemplate = (body: TemplateFile): Promise<Template> =>
  call(api.POST('/api/v1/flow/templates/import', { body }));

/** The text of a chosen file (FileReader: older browsers and jsdom lack `Blob.text`). */
export function readFileText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file);
  });
}

/** Offers `text` to the browser as a file download. */
export function downloadText(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** A file name from a template name: characters file systems refuse become `_`. */
export function fileName(name: string, suffix: string): string {
  const base = name.trim().replace(/[\\/:*?"<>|\s]+/g, '_') || 'flow';
  return `${base}${suffix}`;
}

/** Pure: a template file read from JSON text, or why it is not one. */
export function readTemplateFile(
  text: string,
): { file: TemplateFile } | { error: 'json' | 'format' } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'json' };
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { format?: unknown }).format !== 'string' ||
    typeof (value as { bpmn?: unknown }).bpmn !== 'string'
  )
    return { error: 'format' };
  return { file: value as TemplateFile };
}
