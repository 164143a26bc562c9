import { valueText } from './FormView';

/** A template's field labels by key, from its form (when the viewer may list the template). */
export type Labels = ReadonlyMap<string, string>;

/** Pure: a card's summary fields as `label: value` pairs, in the order the server sent them. */
export function summaryPairs(
  summary: unknown,
  labels: Labels | undefined,
): { key: string; label: string; value: string }[] {
  if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) return [];
  return Object.entries(summary as Record<string, unknown>)
    .map(([key, v]) => ({ key, label: labels?.get(key) ?? key, value: valueText(v) }))
    .filter((p) => p.value !== '');
}
