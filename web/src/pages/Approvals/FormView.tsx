import { Descriptions, Empty, Typography } from 'antd';
import { useT } from '../../i18n';
import type { FormSpec } from './services';

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

/**
 * The form of an instance, read-only, as label/value pairs in the order of the form's fields;
 * values of keys the form does not declare follow. (A placeholder for the real form renderer,
 * which takes the same props.)
 */
export function FormView({
  form,
  data,
  serial,
}: {
  form: FormSpec;
  data: Record<string, unknown>;
  serial?: string;
}) {
  const t = useT();
  const fields = form.fields ?? [];
  const declared = new Set(fields.map((f) => f.key));
  const items = [
    ...(serial
      ? [
          {
            key: '__serial',
            label: t('approval.serialNo'),
            children: serial,
            span: 'filled' as const,
          },
        ]
      : []),
    ...fields.map((f) => ({
      key: f.key,
      label: f.label || f.key,
      span: f.kind === 'textarea' ? ('filled' as const) : undefined,
      children: (
        <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>
          {valueText(data[f.key]) || '-'}
        </Typography.Text>
      ),
    })),
    ...Object.keys(data)
      .filter((k) => !declared.has(k))
      .map((k) => ({ key: k, label: k, children: valueText(data[k]) || '-' })),
  ];
  if (items.length === 0) return <Empty description={t('approval.noFormData')} />;
  return (
    <Descriptions
      data-testid="form-view"
      bordered
      size="small"
      column={{ xs: 1, sm: 1, md: form.columns === 1 ? 1 : 2 }}
      items={items}
    />
  );
}
