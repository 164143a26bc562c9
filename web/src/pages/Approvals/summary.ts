import { valueText } from './FormView';

/** Summary field labels by key. */
export type Labels = ReadonlyMap<string, string>;

/** Pure: the labels a list item carries for its summary fields (`summary_labels`). */
export function labelsOf(item: { summary_labels?: Record<string, string> | null }): Labels {
  return new Map(Object.entries(item.summary_labels ?? {}));
}

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
