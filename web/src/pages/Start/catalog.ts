import type { ApiError } from '../../api/errors';
import type { FormSpec, Perm, ShownError } from '../../forms';
import type { Catalog, CatalogGroup, CatalogItem, Chosen, ChosenNode, FormValue } from './services';

/** Where a template is started, optionally from a draft. */
export const startPath = (templateId: string, draftId?: string): string =>
  `/start/${templateId}${draftId ? `?draft=${encodeURIComponent(draftId)}` : ''}`;

/** Pure: whether a template matches the search text (name, description or category). */
export function matches(item: CatalogItem, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [item.name, item.description, item.category].some((s) => s.toLowerCase().includes(q));
}

/** Pure: the groups with only the templates matching `query`; groups left empty are dropped. */
export function filterGroups(groups: readonly CatalogGroup[], query: string): CatalogGroup[] {
  return groups
    .map((g) => ({ ...g, templates: g.templates.filter((t) => matches(t, query)) }))
    .filter((g) => g.templates.length > 0);
}

/** Pure: the catalogue with a template marked (or unmarked) as a favourite everywhere it shows. */
export function withFavourite(catalog: Catalog, id: string, favourite: boolean): Catalog {
  const mark = (i: CatalogItem): CatalogItem => (i.id === id ? { ...i, favourite } : i);
  const groups = catalog.groups.map((g) => ({ ...g, templates: g.templates.map(mark) }));
  const item = groups.flatMap((g) => g.templates).find((i) => i.id === id);
  const rest = catalog.favourites.filter((i) => i.id !== id);
  return {
    groups,
    recent: catalog.recent.map(mark),
    // The server lists favourites in the order they were marked: a new one goes last.
    favourites: favourite && item ? [...rest, item] : rest,
  };
}

/**
 * Pure: a draft's data fitted to the current form: keys that are no longer fields of it (the
 * template was published again since) are left out, and named.
 */
export function fitDraft(form: FormSpec, data: FormValue): { value: FormValue; dropped: string[] } {
  const keys = new Set(form.fields.map((f) => f.key));
  const value: FormValue = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(data)) {
    if (keys.has(k)) value[k] = v;
    else dropped.push(k);
  }
  return { value, dropped };
}

/**
 * Pure: the initiator's permissions on the start form (`permissions.start`): fields they see but
 * may not fill in (`read`) or do not see (`hidden`); every other field is theirs to fill in.
 */
export const startPermissions = (form: FormSpec): Record<string, Perm> | undefined =>
  form.permissions?.start;

/**
 * Pure: the data without the fields the initiator may not fill in: the server refuses a value
 * there (`form.not_editable`), even a default.
 */
export function writable(form: FormSpec, value: FormValue): FormValue {
  const perms = startPermissions(form);
  if (!perms) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => (perms[k] ?? 'edit') === 'edit'));
}

/** Pure: the chosen people to send: only the form's 自选 nodes, and only those with someone. */
export function chosenToSend(chosen: Chosen, nodes: readonly ChosenNode[]): Chosen {
  const out: Chosen = {};
  for (const n of nodes) {
    const people = chosen[n.key] ?? [];
    if (people.length > 0) out[n.key] = people;
  }
  return out;
}

/** The node key of the engine's "node resolved to nobody" refusal (`reason: no_participants`). */
export function noParticipantsNode(error: ApiError): string | undefined {
  if (error.details.reason !== 'no_participants') return undefined;
  const node = error.details.node;
  return typeof node === 'string' ? node : undefined;
}

/** Where a failed start or preview's problems show. */
export interface PlacedErrors {
  /** On the form's fields (`form.amount`, `form.items[0].price`). */
  fields: ShownError[];
  /** On the 自选 pickers, by node key. */
  chosen: Record<string, string>;
  /** Everything else, for an alert above the form. */
  general: string[];
}

/**
 * Pure: a failed call's problems placed: field errors on their fields, a refusal for want of
 * people at a 自选 node on its picker (`nobody` words it), the rest as general messages.
 */
export function placeErrors(
  error: ApiError,
  nodes: readonly ChosenNode[],
  nobody: (node: ChosenNode) => string,
): PlacedErrors {
  const out: PlacedErrors = { fields: [], chosen: {}, general: [] };
  for (const f of error.fields) {
    if (f.field.startsWith('form.')) {
      out.fields.push({ field: f.field, code: f.code, message: f.message });
      continue;
    }
    const node = f.field.startsWith('chosen.')
      ? nodes.find((n) => n.key === f.field.slice('chosen.'.length).split(/[.[]/)[0])
      : undefined;
    if (node) out.chosen[node.key] = f.message;
    else out.general.push(f.message);
  }
  const key = noParticipantsNode(error);
  const node = key === undefined ? undefined : nodes.find((n) => n.key === key);
  if (node) out.chosen[node.key] = nobody(node);
  else if (error.fields.length === 0) out.general.push(error.message);
  return out;
}
