/** 明细表: rows of columns, added and removed, with computed columns and a totals row. */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Form, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useT } from '../i18n';
import { tableTotals } from './compute';
import { FieldInput, FieldView, Upper } from './FieldInput';
import { valueText } from './format';
import { type Field, isMoney, MAX_ROWS } from './types';

type Row = Record<string, unknown>;
/** A table line: the row's index. */
type Line = { key: number };

const isRecord = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);
const rowsOf = (v: unknown): Row[] =>
  Array.isArray(v) ? v.map((r) => (isRecord(r) ? r : {})) : [];

/** A new row: each column's default. */
export function newRow(table: Field): Row {
  const row: Row = {};
  for (const c of table.fields ?? [])
    if (c.default !== undefined && c.default !== null && c.kind !== 'computed')
      row[c.key] = c.default;
  return row;
}

export interface TableFieldProps {
  field: Field;
  /** The rows as entered. */
  value: unknown;
  /** The rows with computed columns filled (what the server will keep). */
  computed: unknown;
  editable: boolean;
  phone: boolean;
  /** Messages by path: `items[0].amount`, and `items` for the table itself. */
  errors: ReadonlyMap<string, string>;
  onChange?: (rows: Row[]) => void;
}

function TotalsLine({ field, totals }: { field: Field; totals: Record<string, number | null> }) {
  const t = useT();
  const keys = field.totals ?? [];
  if (keys.length === 0) return null;
  return (
    <Flex wrap gap={16} data-testid={`totals-${field.key}`}>
      <Typography.Text strong>{t('forms.total')}</Typography.Text>
      {keys.map((k) => {
        const c = field.fields?.find((col) => col.key === k);
        if (!c) return null;
        return (
          <span key={k}>
            {c.label}: <Typography.Text strong>{valueText(c, totals[k])}</Typography.Text>{' '}
            {isMoney(c) ? <Upper value={totals[k]} /> : null}
          </span>
        );
      })}
    </Flex>
  );
}

export function TableField({
  field,
  value,
  computed,
  editable,
  phone,
  errors,
  onChange,
}: TableFieldProps) {
  const t = useT();
  const rows = rowsOf(value);
  const shown = rowsOf(computed).length === rows.length ? rowsOf(computed) : rows;
  const columns = field.fields ?? [];
  const max = field.max_rows ?? MAX_ROWS;
  const totals = tableTotals(field, shown);
  const set = (i: number, key: string, v: unknown) =>
    onChange?.(rows.map((r, j) => (j === i ? { ...r, [key]: v } : r)));
  const add = () => onChange?.([...rows, newRow(field)]);
  const remove = (i: number) => onChange?.(rows.filter((_, j) => j !== i));
  const cellError = (i: number, key: string) => errors.get(`${field.key}[${i}].${key}`);

  const cell = (c: Field, i: number) => {
    const error = cellError(i, c.key);
    const canEdit = editable && c.kind !== 'computed';
    return (
      <div>
        {canEdit ? (
          <FieldInput
            compact
            id={`form-${field.key}-${i}-${c.key}`}
            field={c}
            value={rows[i]?.[c.key]}
            status={error ? 'error' : undefined}
            onChange={(v) => set(i, c.key, v)}
          />
        ) : (
          <FieldView compact field={c} value={shown[i]?.[c.key]} />
        )}
        {error ? (
          <Typography.Text type="danger" style={{ fontSize: 12 }} role="alert">
            {error}
          </Typography.Text>
        ) : null}
      </div>
    );
  };

  const addButton = editable ? (
    <Button
      type="dashed"
      icon={<PlusOutlined />}
      onClick={add}
      disabled={rows.length >= max}
      block={phone}
    >
      {t('forms.addRow')}
    </Button>
  ) : null;

  if (phone) {
    return (
      <Flex vertical gap={8} data-testid={`table-${field.key}`}>
        {rows.length === 0 && !editable ? (
          <Typography.Text type="secondary">-</Typography.Text>
        ) : null}
        {rows.map((_, i) => (
          <Card
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
            key={i}
            size="small"
            title={t('forms.rowN', { n: i + 1 })}
            extra={
              editable ? (
                <Button
                  size="small"
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('forms.removeRow', { n: i + 1 })}
                  onClick={() => remove(i)}
                />
              ) : null
            }
          >
            <Form component={false} layout="vertical">
              {columns.map((c) => (
                <Form.Item
                  key={c.key}
                  label={c.label}
                  required={editable && Boolean(c.required)}
                  htmlFor={`form-${field.key}-${i}-${c.key}`}
                  style={{ marginBottom: 8 }}
                >
                  {cell(c, i)}
                </Form.Item>
              ))}
            </Form>
          </Card>
        ))}
        {addButton}
        <TotalsLine field={field} totals={totals} />
      </Flex>
    );
  }

  const tableColumns: ColumnsType<Line> = [
    {
      key: '#',
      title: '#',
      width: 48,
      align: 'center',
      render: (_, line) => line.key + 1,
    },
    ...columns.map((c) => ({
      key: c.key,
      title: (
        <span>
          {editable && c.required ? (
            <span style={{ color: '#ff4d4f', marginRight: 4 }}>*</span>
          ) : null}
          {c.label}
        </span>
      ),
      onCell: () => ({ style: { verticalAlign: 'top' as const } }),
      render: (_: unknown, line: Line) => cell(c, line.key),
      width: c.kind === 'textarea' ? 240 : c.kind === 'user' || c.kind === 'department' ? 200 : 160,
    })),
  ];
  if (editable)
    tableColumns.push({
      key: 'actions',
      width: 56,
      render: (_, line) => (
        <Button
          type="text"
          danger
          icon={<DeleteOutlined />}
          aria-label={t('forms.removeRow', { n: line.key + 1 })}
          onClick={() => remove(line.key)}
        />
      ),
    });
  const totalKeys = field.totals ?? [];
  return (
    <Flex vertical gap={8} data-testid={`table-${field.key}`}>
      <Table<Line>
        size="small"
        bordered
        pagination={false}
        dataSource={rows.map((_, i) => ({ key: i }))}
        columns={tableColumns}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('forms.noRows') }}
        summary={
          totalKeys.length === 0
            ? undefined
            : () => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0}>
                    <Typography.Text strong>{t('forms.total')}</Typography.Text>
                  </Table.Summary.Cell>
                  {columns.map((c, j) => (
                    <Table.Summary.Cell index={j + 1} key={c.key}>
                      {totalKeys.includes(c.key) ? (
                        <Flex vertical>
                          <Typography.Text strong data-testid={`total-${field.key}-${c.key}`}>
                            {valueText(c, totals[c.key])}
                          </Typography.Text>
                          {isMoney(c) ? <Upper value={totals[c.key]} /> : null}
                        </Flex>
                      ) : null}
                    </Table.Summary.Cell>
                  ))}
                  {editable ? <Table.Summary.Cell index={columns.length + 1} /> : null}
                </Table.Summary.Row>
              )
        }
      />
      {addButton ? <div>{addButton}</div> : null}
    </Flex>
  );
}
