/** The input of one field (or table cell) in edit mode, and its read-only view. */
import { Checkbox, DatePicker, Flex, Input, InputNumber, Radio, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { ReactNode } from 'react';
import { Link, useInRouterContext } from 'react-router';
import { useT } from '../i18n';
import { calendarDays } from './checks';
import { FileInput, FileList, SignatureInput } from './files';
import { moneyUpper, valueText } from './format';
import { DepartmentSelect, RelatedSelect, UserSelect } from './pickers';
import { type Field, isMoney } from './types';

const DATE = 'YYYY-MM-DD';
const DATETIME = 'YYYY-MM-DD HH:mm';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function day(v: unknown, format: string): Dayjs | null {
  if (typeof v !== 'string' || !v) return null;
  const d = dayjs(v, format);
  return d.isValid() ? d : null;
}

/** The uppercase amount beside a money value. */
export function Upper({ value }: { value: unknown }) {
  const text = moneyUpper(value);
  if (!text) return null;
  return (
    <Typography.Text type="secondary" data-testid="money-upper" style={{ fontSize: 13 }}>
      {text}
    </Typography.Text>
  );
}

/** How long a date range is: the server's working days when known, else calendar days. */
export function Duration({ field, value }: { field: Field; value: unknown }) {
  const t = useT();
  if (!isRecord(value)) return null;
  const start = typeof value.start === 'string' ? value.start : '';
  const end = typeof value.end === 'string' ? value.end : '';
  const calendar = calendarDays(start, end);
  if (calendar === null) return null;
  const text =
    field.duration === 'calendar_days'
      ? t('forms.calendarDays', { n: calendar })
      : typeof value.days === 'number'
        ? t('forms.workingDays', { n: value.days })
        : t('forms.calendarDaysPreview', { n: calendar });
  return (
    <Typography.Text type="secondary" data-testid="range-days" style={{ fontSize: 13 }}>
      {text}
    </Typography.Text>
  );
}

export interface InputProps {
  field: Field;
  value: unknown;
  onChange: (v: unknown) => void;
  id?: string;
  status?: 'error';
  /** Inside a table cell: no uppercase amount or duration lines. */
  compact?: boolean;
}

const options = (f: Field) => (f.options ?? []).map((o) => ({ value: o, label: o }));

/** Edit widgets per kind. Display-only kinds and computed fields are shown by `FieldView`. */
export function FieldInput({ field: f, value, onChange, id, status, compact }: InputProps) {
  const t = useT();
  const placeholder = f.placeholder || undefined;
  const text = typeof value === 'string' ? value : value == null ? '' : String(value);
  switch (f.kind) {
    case 'text':
    case 'phone':
    case 'email':
    case 'id_card':
      return (
        <Input
          id={id}
          value={text}
          status={status}
          placeholder={placeholder}
          inputMode={f.kind === 'phone' ? 'tel' : f.kind === 'email' ? 'email' : undefined}
          type={f.kind === 'email' ? 'email' : 'text'}
          onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
        />
      );
    case 'textarea':
      return (
        <Input.TextArea
          id={id}
          value={text}
          status={status}
          placeholder={placeholder}
          autoSize={{ minRows: compact ? 1 : 3, maxRows: 12 }}
          onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
        />
      );
    case 'number':
    case 'money':
    case 'percent': {
      const input = (
        <InputNumber<number>
          id={id}
          value={typeof value === 'number' ? value : null}
          status={status}
          placeholder={placeholder}
          prefix={f.kind === 'money' ? '¥' : undefined}
          suffix={f.kind === 'percent' ? '%' : undefined}
          inputMode="decimal"
          style={{ width: '100%', maxWidth: compact ? undefined : 260 }}
          onChange={(v) => onChange(typeof v === 'number' ? v : null)}
        />
      );
      if (f.kind !== 'money' || compact) return input;
      return (
        <Flex wrap align="center" gap={12}>
          {input}
          <Upper value={value} />
        </Flex>
      );
    }
    case 'date':
    case 'datetime': {
      const format = f.kind === 'date' ? DATE : DATETIME;
      return (
        <DatePicker
          id={id}
          value={day(value, format)}
          status={status}
          showTime={f.kind === 'datetime' ? { format: 'HH:mm' } : undefined}
          format={format}
          placeholder={placeholder}
          style={{ width: '100%', maxWidth: compact ? undefined : 260 }}
          onChange={(d) => onChange(d ? d.format(format) : null)}
        />
      );
    }
    case 'date_range': {
      const r = isRecord(value) ? value : {};
      return (
        <Flex vertical gap={4}>
          <DatePicker.RangePicker
            id={id}
            value={[day(r.start, DATE), day(r.end, DATE)]}
            status={status}
            format={DATE}
            allowEmpty={[true, true]}
            style={{ width: '100%', maxWidth: 360 }}
            onChange={(d) => {
              const start = d?.[0]?.format(DATE);
              const end = d?.[1]?.format(DATE);
              onChange(start || end ? { start, end } : null);
            }}
          />
          <Duration field={f} value={value} />
        </Flex>
      );
    }
    case 'select':
    case 'multi_select':
      return (
        <Select<string | string[]>
          id={id}
          mode={f.kind === 'multi_select' ? 'multiple' : undefined}
          value={
            f.kind === 'multi_select'
              ? Array.isArray(value)
                ? (value as string[])
                : []
              : typeof value === 'string'
                ? value
                : undefined
          }
          status={status}
          placeholder={placeholder ?? t('forms.choose')}
          allowClear
          options={options(f)}
          style={{ width: '100%' }}
          onChange={(v) => onChange(v ?? null)}
        />
      );
    case 'radio':
      return (
        <Radio.Group
          id={id}
          value={typeof value === 'string' ? value : undefined}
          options={options(f)}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'checkbox':
      return (
        <Checkbox.Group
          value={Array.isArray(value) ? (value as string[]) : []}
          options={options(f)}
          onChange={(v) => onChange(v)}
        />
      );
    case 'user':
      return (
        <UserSelect
          id={id}
          value={value}
          multiple={f.multiple}
          placeholder={placeholder}
          status={status}
          onChange={onChange}
        />
      );
    case 'department':
      return (
        <DepartmentSelect
          id={id}
          value={value}
          multiple={f.multiple}
          placeholder={placeholder}
          status={status}
          onChange={onChange}
        />
      );
    case 'attachments':
    case 'image':
      return <FileInput id={id} field={f} value={value} onChange={onChange} />;
    case 'signature':
      return <SignatureInput id={id} field={f} value={value} onChange={onChange} />;
    case 'address': {
      const a = isRecord(value) ? value : {};
      const set = (k: 'region' | 'detail', v: string) => {
        const next: Record<string, string> = {};
        const region = k === 'region' ? v : typeof a.region === 'string' ? a.region : '';
        const detail = k === 'detail' ? v : typeof a.detail === 'string' ? a.detail : '';
        if (region) next.region = region;
        next.detail = detail;
        onChange(region || detail ? next : null);
      };
      return (
        <Flex gap={8} wrap>
          <Input
            aria-label={t('forms.addressRegion')}
            placeholder={t('forms.addressRegionPlaceholder')}
            value={typeof a.region === 'string' ? a.region : ''}
            onChange={(e) => set('region', e.target.value)}
            style={{ flex: '1 1 160px' }}
          />
          <Input
            id={id}
            aria-label={t('forms.addressDetail')}
            placeholder={placeholder ?? t('forms.addressDetailPlaceholder')}
            status={status}
            value={typeof a.detail === 'string' ? a.detail : ''}
            onChange={(e) => set('detail', e.target.value)}
            style={{ flex: '2 1 220px' }}
          />
        </Flex>
      );
    }
    case 'related':
      return (
        <RelatedSelect
          id={id}
          value={value}
          templates={f.templates}
          placeholder={placeholder}
          status={status}
          onChange={onChange}
        />
      );
    default:
      return <FieldView field={f} value={value} />;
  }
}

/** A value shown read-only, for every kind; `compact` inside table cells. */
export function FieldView({
  field: f,
  value,
  serial,
  compact,
}: {
  field: Field;
  value: unknown;
  serial?: string;
  compact?: boolean;
}): ReactNode {
  const t = useT();
  const routed = useInRouterContext();
  switch (f.kind) {
    case 'related': {
      const r = isRecord(value) && typeof value.id === 'string' ? value : undefined;
      if (!r) return <Typography.Text type="secondary">-</Typography.Text>;
      const title = typeof r.title === 'string' ? r.title : r.id;
      return routed && !compact ? (
        <Link to={`/approvals/instances/${encodeURIComponent(r.id as string)}`}>
          {title as string}
        </Link>
      ) : (
        <span>{title as string}</span>
      );
    }
    case 'description':
      return (
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
          {f.content}
        </Typography.Paragraph>
      );
    case 'serial':
      return serial ? (
        <Typography.Text strong data-testid="serial">
          {serial}
        </Typography.Text>
      ) : (
        <Typography.Text type="secondary">{t('forms.serialPending')}</Typography.Text>
      );
    case 'attachments':
    case 'image':
    case 'signature':
      return <FileList field={f} value={value} />;
    default:
      break;
  }
  const text = valueText(f, value);
  if (!text) return <Typography.Text type="secondary">-</Typography.Text>;
  const money = isMoney(f) && typeof value === 'number' && !compact;
  const range = f.kind === 'date_range' && !compact;
  return (
    <Flex vertical gap={2}>
      <span
        style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
        data-testid={`value-${f.key}`}
      >
        {text}
      </span>
      {money ? <Upper value={value} /> : null}
      {range ? <Duration field={f} value={value} /> : null}
    </Flex>
  );
}
