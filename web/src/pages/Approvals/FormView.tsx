/** Pure: a form value as text (pickers hold `{ id, name }` or `{ value, label }` objects). */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(valueText).filter(Boolean).join('、');
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const k of ['name', 'label', 'display_name', 'title', 'value', 'id'])
      if (typeof o[k] === 'string' || typeof o[k] === 'number') return String(o[k]);
    return JSON.stringify(value);
  }
  return String(value);
}
