/** The right-hand panel: every setting of the selected field (or table column). */
import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import {
  Button,
  Checkbox,
  Divider,
  Flex,
  Form,
  Input,
  InputNumber,
  Select,
  Tag,
  Typography,
} from 'antd';
import { useI18n } from '../../i18n';
import { templateOptions, useTemplates } from '../../pages/Flow/templates';
import { FieldInput } from '../FieldInput';
import type { FieldIssue } from '../messages';
import {
  type Field,
  type FormSpec,
  hasOptions,
  inTables,
  isDisplay,
  isFileKind,
  isNumeric,
  KINDS,
  type Kind,
  MAX_FILES,
  MAX_ROWS,
  MAX_SIZE_MB,
} from '../types';
import { ExprEditor } from './ExprEditor';
import { allKeys, changeKind, createField, moveItem, type Sel } from './model';
import { RuleBuilder } from './RuleBuilder';

const TEXT_KINDS: readonly Kind[] = ['text', 'textarea', 'phone', 'email', 'id_card'];
const DEFAULT_KINDS: readonly Kind[] = [
  'text',
  'textarea',
  'number',
  'money',
  'percent',
  'date',
  'datetime',
  'select',
  'multi_select',
  'radio',
  'checkbox',
  'phone',
  'email',
];
const UNIQUE_KINDS: readonly Kind[] = [
  'text',
  'number',
  'money',
  'date',
  'select',
  'radio',
  'phone',
  'email',
  'id_card',
];

const num = (v: number | null | undefined) => (typeof v === 'number' ? v : undefined);

export interface FieldSettingsProps {
  form: FormSpec;
  sel: Sel;
  /** Changes the selected field; `merge` names the setting so typing makes one undo step. */
  onPatch: (patch: Partial<Field>, merge?: string) => void;
  /** Replaces the selected field (a change of kind). */
  onReplace: (field: Field) => void;
  /** Replaces the whole form (table column edits). */
  onForm: (form: FormSpec) => void;
  onSelect: (sel: Sel) => void;
  issues: readonly FieldIssue[];
}

export function FieldSettings({
  form,
  sel,
  onPatch,
  onReplace,
  onForm,
  onSelect,
  issues,
}: FieldSettingsProps) {
  const { t, te, locale } = useI18n();
  const { templates, names } = useTemplates();
  const table = sel.column === undefined ? undefined : form.fields[sel.index];
  const field = table ? table.fields?.[sel.column as number] : form.fields[sel.index];
  if (!field) return null;
  const kindName = (k: Kind) => te('forms.kind', k);
  const option = (n: number) => t('forms.designer.optionN', { n });
  const k = field.kind;
  const inTable = Boolean(table);
  const set = (patch: Partial<Field>, merge?: string) => onPatch(patch, merge);
  const messages = issues.map((i) => (locale === 'en' ? i.message.en : i.message.zh));

  const kinds = KINDS.filter((x) => (inTable ? inTables(x) : true));

  return (
    <Form component={false} layout="vertical" size="small">
      <div data-testid="field-settings">
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {inTable
            ? t('forms.designer.columnOf', { table: table?.label ?? '' })
            : t('forms.designer.fieldSettings')}
        </Typography.Title>
        {messages.length ? (
          <Flex vertical gap={2} style={{ marginBottom: 12 }} data-testid="field-issues">
            {messages.map((m) => (
              <Typography.Text key={m} type="danger" style={{ fontSize: 12 }}>
                {m}
              </Typography.Text>
            ))}
          </Flex>
        ) : null}
        <Form.Item label={t('forms.designer.kind')} htmlFor="fd-kind">
          <Select<Kind>
            id="fd-kind"
            value={k}
            options={kinds.map((x) => ({ value: x, label: kindName(x) }))}
            onChange={(v) => onReplace(changeKind(field, v, option))}
          />
        </Form.Item>
        <Form.Item label={t('forms.designer.label')} htmlFor="fd-label">
          <Input
            id="fd-label"
            value={field.label}
            maxLength={64}
            onChange={(e) => set({ label: e.target.value }, 'label')}
          />
        </Form.Item>
        <Form.Item
          label={t('forms.designer.key')}
          htmlFor="fd-key"
          extra={t('forms.designer.keyHelp')}
        >
          <Input
            id="fd-key"
            value={field.key}
            maxLength={64}
            spellCheck={false}
            style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' }}
            onChange={(e) => set({ key: e.target.value.replace(/\s/g, '') }, 'key')}
          />
        </Form.Item>
        {!isDisplay(k) && k !== 'computed' ? (
          <Form.Item>
            <Checkbox
              checked={Boolean(field.required)}
              onChange={(e) => set({ required: e.target.checked })}
            >
              {t('forms.designer.required')}
            </Checkbox>
          </Form.Item>
        ) : null}
        {!inTable && form.columns === 2 && k !== 'table' && k !== 'section' ? (
          <Form.Item>
            <Checkbox
              checked={field.span === 2}
              onChange={(e) => set({ span: e.target.checked ? 2 : undefined })}
            >
              {t('forms.designer.fullRow')}
            </Checkbox>
          </Form.Item>
        ) : null}
        {!isDisplay(k) &&
        k !== 'computed' &&
        k !== 'table' &&
        !isFileKind(k) &&
        k !== 'radio' &&
        k !== 'checkbox' ? (
          <Form.Item label={t('forms.designer.placeholder')} htmlFor="fd-placeholder">
            <Input
              id="fd-placeholder"
              value={field.placeholder ?? ''}
              onChange={(e) => set({ placeholder: e.target.value }, 'placeholder')}
            />
          </Form.Item>
        ) : null}
        {k !== 'description' ? (
          <Form.Item label={t('forms.designer.help')} htmlFor="fd-help">
            <Input
              id="fd-help"
              value={field.help ?? ''}
              onChange={(e) => set({ help: e.target.value }, 'help')}
            />
          </Form.Item>
        ) : null}
        {k === 'description' ? (
          <Form.Item label={t('forms.designer.content')} htmlFor="fd-content">
            <Input.TextArea
              id="fd-content"
              value={field.content ?? ''}
              autoSize={{ minRows: 3, maxRows: 10 }}
              onChange={(e) => set({ content: e.target.value }, 'content')}
            />
          </Form.Item>
        ) : null}
        {DEFAULT_KINDS.includes(k) ? (
          <Form.Item label={t('forms.designer.default')}>
            <FieldInput
              compact
              field={{ ...field, placeholder: t('forms.designer.noDefault') }}
              value={field.default}
              onChange={(v) =>
                set(
                  {
                    default:
                      v === null || v === '' || (Array.isArray(v) && v.length === 0)
                        ? undefined
                        : v,
                  },
                  'default',
                )
              }
            />
          </Form.Item>
        ) : null}

        {hasOptions(k) ? (
          <OptionsEditor
            options={field.options ?? []}
            onChange={(options) => set({ options }, 'options')}
          />
        ) : null}

        {isNumeric(k) || k === 'computed' ? (
          <Flex gap={8} wrap>
            {k !== 'computed' ? (
              <>
                <Form.Item label={t('forms.designer.min')} htmlFor="fd-min" style={{ flex: 1 }}>
                  <InputNumber<number>
                    id="fd-min"
                    value={field.min ?? null}
                    style={{ width: '100%' }}
                    onChange={(v) => set({ min: num(v) }, 'min')}
                  />
                </Form.Item>
                <Form.Item label={t('forms.designer.max')} htmlFor="fd-max" style={{ flex: 1 }}>
                  <InputNumber<number>
                    id="fd-max"
                    value={field.max ?? null}
                    style={{ width: '100%' }}
                    onChange={(v) => set({ max: num(v) }, 'max')}
                  />
                </Form.Item>
              </>
            ) : null}
            <Form.Item
              label={t('forms.designer.precision')}
              htmlFor="fd-precision"
              style={{ flex: 1 }}
            >
              <InputNumber<number>
                id="fd-precision"
                min={0}
                max={6}
                precision={0}
                value={field.precision ?? null}
                placeholder={k === 'number' ? t('forms.designer.any') : '2'}
                style={{ width: '100%' }}
                onChange={(v) => set({ precision: num(v) }, 'precision')}
              />
            </Form.Item>
          </Flex>
        ) : null}

        {TEXT_KINDS.includes(k) ? (
          <Flex gap={8}>
            <Form.Item
              label={t('forms.designer.minLength')}
              htmlFor="fd-minlen"
              style={{ flex: 1 }}
            >
              <InputNumber<number>
                id="fd-minlen"
                min={0}
                precision={0}
                value={field.min_length ?? null}
                style={{ width: '100%' }}
                onChange={(v) => set({ min_length: num(v) }, 'min_length')}
              />
            </Form.Item>
            <Form.Item
              label={t('forms.designer.maxLength')}
              htmlFor="fd-maxlen"
              style={{ flex: 1 }}
            >
              <InputNumber<number>
                id="fd-maxlen"
                min={1}
                precision={0}
                value={field.max_length ?? null}
                placeholder={k === 'textarea' ? '10000' : '500'}
                style={{ width: '100%' }}
                onChange={(v) => set({ max_length: num(v) }, 'max_length')}
              />
            </Form.Item>
          </Flex>
        ) : null}

        {k === 'text' || k === 'textarea' ? (
          <>
            <Form.Item
              label={t('forms.designer.pattern')}
              htmlFor="fd-pattern"
              extra={t('forms.designer.patternHelp')}
            >
              <Input
                id="fd-pattern"
                value={field.pattern ?? ''}
                spellCheck={false}
                style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' }}
                placeholder="HT-[0-9]{4}"
                onChange={(e) => set({ pattern: e.target.value }, 'pattern')}
              />
            </Form.Item>
            {field.pattern ? (
              <Form.Item label={t('forms.designer.patternMessage')} htmlFor="fd-pattern-msg">
                <Input
                  id="fd-pattern-msg"
                  value={field.pattern_message ?? ''}
                  onChange={(e) => set({ pattern_message: e.target.value }, 'pattern_message')}
                />
              </Form.Item>
            ) : null}
          </>
        ) : null}

        {k === 'user' || k === 'department' ? (
          <Form.Item>
            <Checkbox
              checked={Boolean(field.multiple)}
              onChange={(e) => set({ multiple: e.target.checked })}
            >
              {k === 'user'
                ? t('forms.designer.multipleUsers')
                : t('forms.designer.multipleDepartments')}
            </Checkbox>
          </Form.Item>
        ) : null}

        {isFileKind(k) ? (
          <>
            <Flex gap={8}>
              {k !== 'signature' ? (
                <Form.Item
                  label={t('forms.designer.maxFiles')}
                  htmlFor="fd-maxfiles"
                  style={{ flex: 1 }}
                >
                  <InputNumber<number>
                    id="fd-maxfiles"
                    min={1}
                    precision={0}
                    value={field.max_files ?? null}
                    placeholder={String(MAX_FILES)}
                    style={{ width: '100%' }}
                    onChange={(v) => set({ max_files: num(v) }, 'max_files')}
                  />
                </Form.Item>
              ) : null}
              <Form.Item
                label={t('forms.designer.maxSize')}
                htmlFor="fd-maxsize"
                style={{ flex: 1 }}
              >
                <InputNumber<number>
                  id="fd-maxsize"
                  min={0.1}
                  value={field.max_size_mb ?? null}
                  placeholder={String(MAX_SIZE_MB)}
                  suffix="MB"
                  style={{ width: '100%' }}
                  onChange={(v) => set({ max_size_mb: num(v) }, 'max_size_mb')}
                />
              </Form.Item>
            </Flex>
            {k !== 'signature' ? (
              <Form.Item label={t('forms.designer.accept')} extra={t('forms.designer.acceptHelp')}>
                <Select<string[]>
                  mode="tags"
                  aria-label={t('forms.designer.accept')}
                  value={field.accept ?? []}
                  placeholder={k === 'image' ? 'image/' : '.pdf, .docx, image/'}
                  tokenSeparators={[',', ' ', '，']}
                  options={['.pdf', '.doc', '.docx', '.xls', '.xlsx', '.zip', 'image/'].map(
                    (v) => ({ value: v, label: v }),
                  )}
                  onChange={(v) => set({ accept: v })}
                />
              </Form.Item>
            ) : null}
          </>
        ) : null}

        {k === 'date_range' ? (
          <Form.Item label={t('forms.designer.duration')} htmlFor="fd-duration">
            <Select
              id="fd-duration"
              value={field.duration ?? 'working_days'}
              options={[
                { value: 'working_days', label: t('forms.designer.workingDays') },
                { value: 'calendar_days', label: t('forms.designer.calendarDays') },
              ]}
              onChange={(v) => set({ duration: v })}
            />
          </Form.Item>
        ) : null}

        {k === 'computed' ? (
          <>
            <Form.Item label={t('forms.designer.expr')} htmlFor="fd-expr">
              <ExprEditor
                id="fd-expr"
                form={form}
                field={field}
                table={table}
                value={field.expr ?? ''}
                what="公式"
                onChange={(v) => set({ expr: v }, 'expr')}
              />
            </Form.Item>
            <Form.Item label={t('forms.designer.format')} htmlFor="fd-format">
              <Select
                id="fd-format"
                value={field.format ?? 'number'}
                options={[
                  { value: 'number', label: t('forms.designer.formatNumber') },
                  { value: 'money', label: t('forms.designer.formatMoney') },
                ]}
                onChange={(v) => set({ format: v === 'number' ? undefined : v })}
              />
            </Form.Item>
          </>
        ) : null}

        {k === 'related' ? (
          <Form.Item
            label={t('forms.designer.templates')}
            extra={t('forms.designer.templatesHelp')}
          >
            <Select<string[]>
              mode="multiple"
              aria-label={t('forms.designer.templates')}
              value={field.templates ?? []}
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('forms.designer.anyTemplate')}
              options={templateOptions(
                templates,
                field.templates ?? [],
                names,
                t('flow.unknownTemplate'),
              )}
              onChange={(v) => set({ templates: v })}
            />
          </Form.Item>
        ) : null}

        {k === 'table' && !inTable ? (
          <TableSettings form={form} index={sel.index} onForm={onForm} onSelect={onSelect} />
        ) : null}

        {!inTable && UNIQUE_KINDS.includes(k) ? (
          <Form.Item extra={t('forms.designer.uniqueHelp')}>
            <Checkbox
              checked={Boolean(field.unique)}
              onChange={(e) => set({ unique: e.target.checked })}
            >
              {t('forms.designer.unique')}
            </Checkbox>
          </Form.Item>
        ) : null}

        {!inTable && k !== 'section' ? (
          <>
            <Divider style={{ margin: '8px 0 12px' }} />
            <Form.Item
              label={t('forms.designer.visibleWhen')}
              extra={t('forms.designer.visibleWhenHelp')}
            >
              <RuleBuilder
                key={`${sel.index}`}
                form={form}
                field={field}
                value={field.visible_when ?? ''}
                onChange={(v) => set({ visible_when: v }, 'visible_when')}
              />
            </Form.Item>
          </>
        ) : null}
      </div>
    </Form>
  );
}

/** Choices of a select, radio or checkbox field. */
function OptionsEditor({
  options,
  onChange,
}: {
  options: string[];
  onChange: (o: string[]) => void;
}) {
  const { t } = useI18n();
  return (
    <Form.Item label={t('forms.designer.options')}>
      <Flex vertical gap={4} data-testid="options-editor">
        {options.map((o, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: options are positional while typed
          <Flex key={i} gap={4}>
            <Input
              aria-label={t('forms.designer.optionN', { n: i + 1 })}
              value={o}
              status={o.trim() === '' ? 'error' : undefined}
              onChange={(e) => onChange(options.map((x, j) => (j === i ? e.target.value : x)))}
            />
            <Button
              size="small"
              type="text"
              icon={<ArrowUpOutlined />}
              disabled={i === 0}
              aria-label={t('forms.designer.moveUp')}
              onClick={() => onChange(moveItem(options, i, i - 1))}
            />
            <Button
              size="small"
              type="text"
              icon={<ArrowDownOutlined />}
              disabled={i === options.length - 1}
              aria-label={t('forms.designer.moveDown')}
              onClick={() => onChange(moveItem(options, i, i + 2))}
            />
            <Button
              size="small"
              type="text"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('forms.designer.removeOption')}
              onClick={() => onChange(options.filter((_, j) => j !== i))}
            />
          </Flex>
        ))}
        <div>
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() =>
              onChange([...options, t('forms.designer.optionN', { n: options.length + 1 })])
            }
          >
            {t('forms.designer.addOption')}
          </Button>
        </div>
      </Flex>
    </Form.Item>
  );
}

/** A table's columns (add, order, remove, open), row limits and totals. */
function TableSettings({
  form,
  index,
  onForm,
  onSelect,
}: {
  form: FormSpec;
  index: number;
  onForm: (form: FormSpec) => void;
  onSelect: (sel: Sel) => void;
}) {
  const { t, te } = useI18n();
  const table = form.fields[index] as Field;
  const columns = table.fields ?? [];
  const setTable = (patch: Partial<Field>) =>
    onForm({
      ...form,
      fields: form.fields.map((f, i) => (i === index ? { ...table, ...patch } : f)),
    });
  const numericColumns = columns.filter((c) => isNumeric(c.kind) || c.kind === 'computed');
  const addColumn = (kind: Kind) => {
    const col = createField(kind, allKeys(form), {
      label: t(`forms.kind.${kind}`),
      option: (n) => t('forms.designer.optionN', { n }),
      column: t('forms.kind.text'),
    });
    setTable({ fields: [...columns, col] });
    onSelect({ index, column: columns.length });
  };
  return (
    <>
      <Form.Item label={t('forms.designer.columns')}>
        <Flex vertical gap={4} data-testid="columns-editor">
          {columns.map((c, i) => (
            <Flex key={c.key || i} gap={4} align="center">
              <Button
                size="small"
                type="link"
                onClick={() => onSelect({ index, column: i })}
                style={{ flex: 1, textAlign: 'left', padding: 0 }}
              >
                {c.label || c.key}
              </Button>
              <Tag style={{ marginInlineEnd: 0 }}>{te('forms.kind', c.kind)}</Tag>
              <Button
                size="small"
                type="text"
                icon={<ArrowUpOutlined />}
                disabled={i === 0}
                aria-label={t('forms.designer.moveUp')}
                onClick={() => setTable({ fields: moveItem(columns, i, i - 1) })}
              />
              <Button
                size="small"
                type="text"
                icon={<ArrowDownOutlined />}
                disabled={i === columns.length - 1}
                aria-label={t('forms.designer.moveDown')}
                onClick={() => setTable({ fields: moveItem(columns, i, i + 2) })}
              />
              <Button
                size="small"
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('forms.designer.removeColumn', { name: c.label })}
                onClick={() =>
                  setTable({
                    fields: columns.filter((_, j) => j !== i),
                    totals: (table.totals ?? []).filter((k) => k !== c.key),
                  })
                }
              />
            </Flex>
          ))}
          <Select<Kind>
            size="small"
            aria-label={t('forms.designer.addColumn')}
            placeholder={t('forms.designer.addColumn')}
            value={null as unknown as Kind}
            options={KINDS.filter(inTables).map((x) => ({ value: x, label: t(`forms.kind.${x}`) }))}
            onChange={(v) => v && addColumn(v)}
          />
        </Flex>
      </Form.Item>
      <Flex gap={8}>
        <Form.Item label={t('forms.designer.minRows')} htmlFor="fd-minrows" style={{ flex: 1 }}>
          <InputNumber<number>
            id="fd-minrows"
            min={0}
            precision={0}
            value={table.min_rows ?? null}
            style={{ width: '100%' }}
            onChange={(v) => setTable({ min_rows: num(v) })}
          />
        </Form.Item>
        <Form.Item label={t('forms.designer.maxRows')} htmlFor="fd-maxrows" style={{ flex: 1 }}>
          <InputNumber<number>
            id="fd-maxrows"
            min={1}
            precision={0}
            value={table.max_rows ?? null}
            placeholder={String(MAX_ROWS)}
            style={{ width: '100%' }}
            onChange={(v) => setTable({ max_rows: num(v) })}
          />
        </Form.Item>
      </Flex>
      <Form.Item label={t('forms.designer.totals')} extra={t('forms.designer.totalsHelp')}>
        <Select<string[]>
          mode="multiple"
          aria-label={t('forms.designer.totals')}
          value={table.totals ?? []}
          options={numericColumns.map((c) => ({ value: c.key, label: c.label }))}
          onChange={(v) => setTable({ totals: v })}
        />
      </Form.Item>
    </>
  );
}
