import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Flex, InputNumber, Radio, Select, Typography } from 'antd';
import type { Field } from '../../../forms/types';
import { useT } from '../../../i18n';
import type { MessageKey } from '../../../i18n/locale';
import { DepartmentPicker, PostPicker } from '../../Org/pickers';
import { RoleSelect, UsersSelect } from './pickers';
import { type ParticipantRule, RULE_TYPES, type RuleType } from './tree';

/** A fresh rule of a type, with the values the designer starts from. */
export function newRule(type: RuleType): ParticipantRule {
  switch (type) {
    case 'users':
      return { type, users: [] };
    case 'role':
      return { type, role: '' };
    case 'post':
      return { type, post: '' };
    case 'supervisor':
      return { type, levels: 1 };
    case 'department_head':
      return { type, department: { from: 'initiator' } };
    case 'department_members':
      return { type, department: '', include_sub: false };
    case 'form_user_field':
      return { type, field: '' };
    default:
      return { type } as ParticipantRule;
  }
}

function RuleInputs({
  rule,
  onChange,
  fields,
}: {
  rule: ParticipantRule;
  onChange: (r: ParticipantRule) => void;
  fields: readonly Field[];
}) {
  const t = useT();
  const fieldOptions = (kind: Field['kind']) =>
    fields.filter((f) => f.kind === kind).map((f) => ({ value: f.key, label: f.label }));
  switch (rule.type) {
    case 'users':
      return (
        <UsersSelect
          value={rule.users}
          onChange={(users) => onChange({ ...rule, users })}
          placeholder={t('designer.pickUsers')}
        />
      );
    case 'role':
      return <RoleSelect value={rule.role} onChange={(role) => onChange({ ...rule, role })} />;
    case 'post':
      return (
        <PostPicker
          value={rule.post}
          onChange={(post) => onChange({ ...rule, post: post ?? '' })}
        />
      );
    case 'supervisor':
      return (
        <Flex vertical gap={4}>
          <Flex align="center" gap={8} wrap>
            <span>{t('designer.levelsFrom')}</span>
            <InputNumber
              aria-label={t('designer.levels')}
              min={1}
              max={20}
              precision={0}
              value={rule.levels}
              onChange={(v) => onChange({ ...rule, levels: v ?? 1 })}
              style={{ width: 80 }}
            />
            <span>{t('designer.levelsTo')}</span>
          </Flex>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('designer.levelsHint')}
          </Typography.Text>
        </Flex>
      );
    case 'department_head': {
      const src = rule.department ?? { from: 'initiator' };
      return (
        <Flex vertical gap={8}>
          <Radio.Group
            value={src.from}
            onChange={(e) =>
              onChange({
                ...rule,
                department:
                  e.target.value === 'form_field'
                    ? { from: 'form_field', field: '' }
                    : { from: 'initiator' },
              })
            }
            options={[
              { value: 'initiator', label: t('designer.deptOfInitiator') },
              { value: 'form_field', label: t('designer.deptOfField') },
            ]}
          />
          {src.from === 'form_field' ? (
            <Select
              aria-label={t('designer.formField')}
              value={src.field || undefined}
              placeholder={t('designer.pickDeptField')}
              options={fieldOptions('department')}
              notFoundContent={t('designer.noDeptFields')}
              onChange={(field: string) =>
                onChange({ ...rule, department: { from: 'form_field', field } })
              }
            />
          ) : null}
        </Flex>
      );
    }
    case 'department_members':
      return (
        <Flex vertical gap={8}>
          <DepartmentPicker
            value={rule.department || undefined}
            onChange={(d) => onChange({ ...rule, department: d ?? '' })}
          />
          <Checkbox
            checked={Boolean(rule.include_sub)}
            onChange={(e) => onChange({ ...rule, include_sub: e.target.checked })}
          >
            {t('designer.includeSub')}
          </Checkbox>
        </Flex>
      );
    case 'form_user_field':
      return (
        <Select
          aria-label={t('designer.formField')}
          value={rule.field || undefined}
          placeholder={t('designer.pickUserField')}
          options={fieldOptions('user')}
          notFoundContent={t('designer.noUserFields')}
          onChange={(field: string) => onChange({ ...rule, field })}
          style={{ width: '100%' }}
        />
      );
    default:
      return (
        <Typography.Text type="secondary">
          {t(`designer.ruleHint.${rule.type}` as MessageKey)}
        </Typography.Text>
      );
  }
}

/** The rules naming who acts on a node; its people are their union, in order. */
export function ParticipantsEditor({
  value,
  onChange,
  fields,
}: {
  value: ParticipantRule[];
  onChange: (rules: ParticipantRule[]) => void;
  fields: readonly Field[];
}) {
  const t = useT();
  const set = (i: number, r: ParticipantRule) =>
    onChange(value.map((old, j) => (j === i ? r : old)));
  return (
    <Flex vertical gap={8}>
      {value.map((rule, i) => (
        <Card
          // biome-ignore lint/suspicious/noArrayIndexKey: rules have no identity of their own
          key={i}
          size="small"
          data-testid="participant-rule"
          styles={{ body: { padding: 10 } }}
        >
          <Flex vertical gap={8}>
            <Flex gap={8} align="center">
              <Select<RuleType>
                aria-label={t('designer.ruleType')}
                value={rule.type}
                onChange={(type) => set(i, newRule(type))}
                options={RULE_TYPES.map((k) => ({ value: k, label: t(`designer.rule.${k}`) }))}
                style={{ flex: 1, minWidth: 0 }}
              />
              <Button
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('designer.removeRule')}
                onClick={() => onChange(value.filter((_, j) => j !== i))}
              />
            </Flex>
            <RuleInputs rule={rule} onChange={(r) => set(i, r)} fields={fields} />
          </Flex>
        </Card>
      ))}
      {value.length === 0 ? (
        <Typography.Text type="warning">{t('designer.noRules')}</Typography.Text>
      ) : null}
      <Button icon={<PlusOutlined />} onClick={() => onChange([...value, newRule('users')])}>
        {t('designer.addRule')}
      </Button>
      {value.length > 1 ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('designer.rulesUnion')}
        </Typography.Text>
      ) : null}
    </Flex>
  );
}
