import {
  AutoComplete,
  Card,
  Flex,
  Form,
  type FormInstance,
  Input,
  Select,
  Switch,
  Tag,
  Typography,
} from 'antd';
import type { FormSpec } from '../../../forms/types';
import { useT } from '../../../i18n';
import { IconPicker } from '../Templates/IconPicker';
import {
  EMPTY_SETTINGS,
  type RoleKey,
  SERIAL_RESETS,
  type SerialReset,
  type Template,
  type TemplateSettings,
} from '../Templates/services';
import { DepartmentsSelect, RolesSelect, UsersSelect } from './pickers';

/** The basic settings as the form holds them. */
export interface SettingsValues {
  name: string;
  category: string;
  icon: string;
  description: string;
  /** At most one: the supervisor (督办者). */
  supervisor: string[];
  admins: string[];
  starter_users: string[];
  starter_departments: string[];
  starter_roles: RoleKey[];
  serial_pattern: string;
  serial_reset: SerialReset;
  title_template: string;
  summary_fields: string[];
  allow_bulk_approve: boolean;
  visible_to_leaders: boolean;
}

export function toSettingsValues(t: Template): SettingsValues {
  const s = { ...EMPTY_SETTINGS, ...t.settings };
  return {
    name: t.name,
    category: t.category,
    icon: t.icon || 'file',
    description: t.description,
    supervisor: t.supervisor_id ? [t.supervisor_id] : [],
    admins: s.admins,
    starter_users: s.starter_users,
    starter_departments: s.starter_departments,
    starter_roles: s.starter_roles,
    serial_pattern: s.serial_pattern,
    serial_reset: s.serial_reset,
    title_template: s.title_template,
    summary_fields: s.summary_fields,
    allow_bulk_approve: s.allow_bulk_approve,
    visible_to_leaders: s.visible_to_leaders,
  };
}

/** The members of the template the settings tab edits. */
export function fromSettingsValues(v: SettingsValues): {
  name: string;
  category: string;
  icon: string;
  description: string;
  supervisor_id: string | null;
  settings: TemplateSettings;
} {
  return {
    name: v.name.trim(),
    category: v.category.trim(),
    icon: v.icon,
    description: v.description,
    supervisor_id: v.supervisor[0] ?? null,
    settings: {
      admins: v.admins,
      starter_users: v.starter_users,
      starter_departments: v.starter_departments,
      starter_roles: v.starter_roles,
      serial_pattern: v.serial_pattern.trim(),
      serial_reset: v.serial_reset,
      title_template: v.title_template,
      summary_fields: v.summary_fields,
      allow_bulk_approve: v.allow_bulk_approve,
      visible_to_leaders: v.visible_to_leaders,
    },
  };
}

/** Where the server's field errors go in the settings form. */
export const SETTINGS_FIELDS: Record<string, keyof SettingsValues> = {
  name: 'name',
  category: 'category',
  icon: 'icon',
  description: 'description',
  supervisor_id: 'supervisor',
  'settings.serial_pattern': 'serial_pattern',
  'settings.title_template': 'title_template',
  'settings.summary_fields': 'summary_fields',
};

/**
 * Pure, like the server's `SerialPattern::parse`: `{yyyy}`, `{yy}`, `{MM}`, `{dd}`, exactly one
 * `{seq:N}` (1 ≤ N ≤ 12) and literal text, at most 64 characters. Empty means no serial number.
 */
export function serialPatternOk(pattern: string): boolean {
  if (pattern === '') return true;
  if ([...pattern].length > 64) return false;
  let seqs = 0;
  let rest = pattern;
  for (;;) {
    const open = rest.indexOf('{');
    if (open < 0) break;
    const close = rest.indexOf('}', open);
    if (close < 0) return false;
    const token = rest.slice(open + 1, close);
    if (!['yyyy', 'yy', 'MM', 'dd'].includes(token)) {
      const m = /^seq:(\d+)$/.exec(token);
      const n = m ? Number(m[1]) : 0;
      if (n < 1 || n > 12) return false;
      seqs += 1;
    }
    rest = rest.slice(close + 1);
  }
  return !rest.includes('}') && seqs === 1;
}

/** Placeholders a title template may use besides the form's fields. */
export const TITLE_WORDS = ['initiator', 'template', 'department', 'date'] as const;

/** 基础设置: name, category, icon, description, people, serial numbers, titles, summaries. */
export function SettingsTab({
  form,
  initialValues,
  formSpec,
  categories,
  onValuesChange,
}: {
  form: FormInstance<SettingsValues>;
  initialValues: SettingsValues;
  formSpec: FormSpec;
  categories: string[];
  onValuesChange: () => void;
}) {
  const t = useT();
  const fields = (formSpec.fields ?? []).filter(
    (f) => f.kind !== 'description' && f.kind !== 'section',
  );
  const insert = (word: string) => {
    const current: string = form.getFieldValue('title_template') ?? '';
    form.setFieldValue('title_template', `${current}{${word}}`);
    onValuesChange();
  };
  return (
    <Form<SettingsValues>
      form={form}
      name="template-settings"
      initialValues={initialValues}
      layout="vertical"
      onValuesChange={onValuesChange}
      style={{ maxWidth: 820 }}
    >
      <Flex vertical gap={16}>
        <Card size="small" title={t('designer.settings.basic')}>
          <Form.Item
            name="name"
            label={t('tpl.name')}
            rules={[{ required: true, whitespace: true, message: t('tpl.nameRequired') }]}
          >
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item
            name="category"
            label={t('tpl.category')}
            rules={[{ required: true, whitespace: true, message: t('tpl.categoryRequired') }]}
          >
            <AutoComplete
              options={categories.map((c) => ({ value: c }))}
              placeholder={t('tpl.categoryPlaceholder')}
            />
          </Form.Item>
          <Form.Item name="icon" label={t('tpl.icon')}>
            <IconPicker />
          </Form.Item>
          <Form.Item name="description" label={t('tpl.description')} style={{ marginBottom: 0 }}>
            <Input.TextArea
              maxLength={2000}
              showCount
              autoSize={{ minRows: 2, maxRows: 6 }}
              placeholder={t('tpl.descriptionPlaceholder')}
            />
          </Form.Item>
        </Card>
        <Card size="small" title={t('designer.settings.people')}>
          <Form.Item
            name="supervisor"
            label={t('tpl.supervisor')}
            extra={t('tpl.supervisorHint')}
            required
          >
            <UsersSelect single />
          </Form.Item>
          <Form.Item name="admins" label={t('tpl.admins')} extra={t('tpl.adminsHint')}>
            <UsersSelect />
          </Form.Item>
          <Typography.Paragraph strong style={{ marginBottom: 4 }}>
            {t('tpl.starters')}
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t('tpl.startersHint')}
          </Typography.Paragraph>
          <Form.Item name="starter_users" label={t('tpl.starterUsers')}>
            <UsersSelect />
          </Form.Item>
          <Form.Item name="starter_departments" label={t('tpl.starterDepartments')}>
            <DepartmentsSelect />
          </Form.Item>
          <Form.Item name="starter_roles" label={t('tpl.starterRoles')}>
            <RolesSelect />
          </Form.Item>
          <Form.Item
            name="visible_to_leaders"
            label={t('tpl.visibleToLeaders')}
            extra={t('tpl.visibleToLeadersHint')}
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
          <Form.Item
            name="allow_bulk_approve"
            label={t('tpl.allowBulkApprove')}
            extra={t('tpl.allowBulkApproveHint')}
            valuePropName="checked"
            style={{ marginBottom: 0 }}
          >
            <Switch />
          </Form.Item>
        </Card>
        <Card size="small" title={t('designer.settings.numbering')}>
          <Flex gap={12} wrap>
            <Form.Item
              name="serial_pattern"
              label={t('tpl.serialPattern')}
              extra={t('tpl.serialPatternHint')}
              style={{ flex: '1 1 260px' }}
              rules={[
                {
                  validator: async (_, v: string | undefined) => {
                    if (!serialPatternOk((v ?? '').trim()))
                      throw new Error(t('tpl.serialPatternInvalid'));
                  },
                },
              ]}
            >
              <Input placeholder="HT-{yyyy}{MM}-{seq:4}" maxLength={64} />
            </Form.Item>
            <Form.Item
              name="serial_reset"
              label={t('tpl.serialReset')}
              style={{ flex: '0 1 160px', minWidth: 140 }}
            >
              <Select
                options={SERIAL_RESETS.map((r) => ({ value: r, label: t(`tpl.serialReset.${r}`) }))}
              />
            </Form.Item>
          </Flex>
          <Form.Item
            name="title_template"
            label={t('tpl.titleTemplate')}
            extra={
              <Flex vertical gap={4} style={{ marginTop: 4 }}>
                <span>{t('tpl.titleTemplateHint')}</span>
                <Flex wrap gap={4}>
                  {TITLE_WORDS.map((w) => (
                    <Tag key={w} style={{ cursor: 'pointer' }} onClick={() => insert(w)}>
                      {t(`tpl.titleWord.${w}`)}
                    </Tag>
                  ))}
                  {fields.map((f) => (
                    <Tag
                      key={f.key}
                      color="blue"
                      style={{ cursor: 'pointer' }}
                      onClick={() => insert(f.key)}
                    >
                      {f.label}
                    </Tag>
                  ))}
                </Flex>
              </Flex>
            }
          >
            <Input placeholder={t('tpl.titleTemplatePlaceholder')} maxLength={200} />
          </Form.Item>
          <Form.Item
            name="summary_fields"
            label={t('tpl.summaryFields')}
            extra={t('tpl.summaryFieldsHint')}
            style={{ marginBottom: 0 }}
          >
            <Select
              mode="multiple"
              allowClear
              options={fields.map((f) => ({ value: f.key, label: f.label }))}
              notFoundContent={t('designer.form.empty')}
            />
          </Form.Item>
        </Card>
      </Flex>
    </Form>
  );
}
