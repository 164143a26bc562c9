import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Flex,
  Input,
  InputNumber,
  Segmented,
  Select,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import type { Field } from '../../../forms/types';
import { useT } from '../../../i18n';
import { DepartmentPicker, PostPicker } from '../../Org/pickers';
import { usePosts } from '../../Org/services';
import {
  type CondField,
  type CondModel,
  type CondOp,
  type CondRule,
  conditionFields,
  conditionProblem,
  emptyModel,
  fromExpression,
  isListOp,
  type Join,
  OPS,
  toExpression,
} from './conditions';
import { DepartmentsSelect, UsersSelect } from './pickers';

/** The message of each operator: `designer.op.<key>`. */
export const OP_KEY = {
  '==': 'eq',
  '!=': 'ne',
  '>': 'gt',
  '>=': 'ge',
  '<': 'lt',
  '<=': 'le',
  in: 'in',
  'not in': 'notIn',
  contains: 'contains',
  'not contains': 'notContains',
} as const satisfies Record<CondOp, string>;

/** The condition fields of a form, labelled in the UI's language. */
export function useConditionFields(fields: readonly Field[]): CondField[] {
  const t = useT();
  return useMemo(
    () =>
      conditionFields(fields, {
        days: (label) => t('designer.cond.days', { label }),
        initiator: t('designer.cond.initiator'),
        department: t('designer.cond.initiatorDept'),
        post: t('designer.cond.initiatorPost'),
      }),
    [fields, t],
  );
}

function PostsSelect({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) {
  const t = useT();
  const posts = usePosts();
  return (
    <Select<string[]>
      mode="multiple"
      value={value}
      onChange={onChange}
      placeholder={t('user.postPlaceholder')}
      options={(posts.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
      showSearch={{ optionFilterProp: 'label' }}
      style={{ width: '100%' }}
    />
  );
}

function ValueInput({
  field,
  rule,
  onChange,
}: {
  field: CondField;
  rule: CondRule;
  onChange: (v: string | string[]) => void;
}) {
  const t = useT();
  const list = isListOp(rule.op);
  const many = Array.isArray(rule.value) ? rule.value : rule.value ? [rule.value] : [];
  const one = Array.isArray(rule.value) ? (rule.value[0] ?? '') : rule.value;
  const label = t('designer.cond.value');
  switch (field.type) {
    case 'number':
      return (
        <InputNumber<string>
          aria-label={label}
          stringMode
          value={one || null}
          onChange={(v) => onChange(v ?? '')}
          style={{ width: '100%' }}
        />
      );
    case 'date':
      return (
        <DatePicker
          aria-label={label}
          value={one ? dayjs(one) : null}
          onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : '')}
          style={{ width: '100%' }}
        />
      );
    case 'option':
    case 'options':
      return (
        <Select<string | string[]>
          aria-label={label}
          mode={list ? 'multiple' : undefined}
          value={list ? many : one || undefined}
          onChange={(v) => onChange(v ?? '')}
          options={(field.options ?? []).map((o) => ({ value: o, label: o }))}
          style={{ width: '100%' }}
        />
      );
    case 'user':
      return (
        <UsersSelect
          single={!list}
          value={many}
          onChange={(v) => onChange(list ? v : (v[0] ?? ''))}
        />
      );
    case 'department':
      return list ? (
        <DepartmentsSelect value={many} onChange={onChange} />
      ) : (
        <DepartmentPicker value={one || undefined} onChange={(v) => onChange(v ?? '')} />
      );
    case 'post':
      return list ? (
        <PostsSelect value={many} onChange={onChange} />
      ) : (
        <PostPicker value={one || undefined} onChange={(v) => onChange(v ?? '')} />
      );
    default:
      return (
        <Input
          aria-label={label}
          value={one}
          onChange={(e) => onChange(e.target.value)}
          style={{ width: '100%' }}
        />
      );
  }
}

function JoinSwitch({ value, onChange }: { value: Join; onChange: (j: Join) => void }) {
  const t = useT();
  return (
    <Segmented<Join>
      size="small"
      value={value}
      onChange={onChange}
      options={[
        { value: 'and', label: t('designer.cond.and') },
        { value: 'or', label: t('designer.cond.or') },
      ]}
    />
  );
}

/**
 * A branch condition: rules over form fields and the initiator in AND/OR groups, written as the
 * condition language's text; or that text typed directly.
 */
export function ConditionEditor({
  value,
  onChange,
  fields,
}: {
  value: string | undefined;
  onChange: (condition: string | undefined) => void;
  fields: readonly Field[];
}) {
  const t = useT();
  const condFields = useConditionFields(fields);
  // Read once: the editor is remounted for another branch.
  const [initial] = useState(() =>
    value ? fromExpression(value, condFields) : emptyModel(condFields[0]?.path),
  );
  const [mode, setMode] = useState<'rules' | 'raw'>(initial ? 'rules' : 'raw');
  const [model, setModel] = useState<CondModel>(initial ?? emptyModel(condFields[0]?.path));
  const [raw, setRaw] = useState(value ?? '');
  const [cannotShow, setCannotShow] = useState(false);
  const byPath = useMemo(() => new Map(condFields.map((f) => [f.path, f] as const)), [condFields]);
  const formKeys = useMemo(() => fields.map((f) => f.key), [fields]);

  const update = (m: CondModel) => {
    setModel(m);
    const text = toExpression(m, condFields);
    setRaw(text ?? '');
    onChange(text ?? undefined);
  };
  const setRule = (g: number, r: number, patch: Partial<CondRule>) =>
    update({
      ...model,
      groups: model.groups.map((grp, i) =>
        i !== g
          ? grp
          : { ...grp, rules: grp.rules.map((rule, j) => (j === r ? { ...rule, ...patch } : rule)) },
      ),
    });
  const removeRule = (g: number, r: number) =>
    update({
      ...model,
      groups: model.groups
        .map((grp, i) => (i !== g ? grp : { ...grp, rules: grp.rules.filter((_, j) => j !== r) }))
        .filter((grp) => grp.rules.length > 0),
    });
  const fresh = (): CondRule => ({ field: condFields[0]?.path ?? '', op: '==', value: '' });

  const problem = raw.trim()
    ? conditionProblem(raw, formKeys, {
        bad: (e) => t('designer.badCondition', { error: e }),
        unknown: (f) => t('designer.unknownField', { field: f }),
      })
    : null;

  const switchMode = (m: 'rules' | 'raw') => {
    if (m === 'rules') {
      const parsed = raw.trim() ? fromExpression(raw, condFields) : emptyModel(condFields[0]?.path);
      if (!parsed) {
        setCannotShow(true);
        return;
      }
      setModel(parsed);
    }
    setCannotShow(false);
    setMode(m);
  };

  return (
    <Flex vertical gap={12} data-testid="condition-editor">
      <Segmented<'rules' | 'raw'>
        value={mode}
        onChange={switchMode}
        options={[
          { value: 'rules', label: t('designer.cond.rules') },
          { value: 'raw', label: t('designer.cond.raw') },
        ]}
      />
      {cannotShow ? <Alert type="warning" showIcon title={t('designer.cond.cannotShow')} /> : null}
      {mode === 'raw' ? (
        <>
          <Input.TextArea
            aria-label={t('designer.cond.expression')}
            value={raw}
            autoSize={{ minRows: 3, maxRows: 10 }}
            placeholder="amount > 10000"
            style={{ fontFamily: 'monospace' }}
            onChange={(e) => {
              setRaw(e.target.value);
              onChange(e.target.value.trim() ? e.target.value : undefined);
            }}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('designer.cond.rawHint', {
              fields: formKeys.length ? formKeys.join(', ') : '-',
            })}
          </Typography.Text>
        </>
      ) : (
        <>
          {model.groups.map((grp, g) => (
            <div
              // biome-ignore lint/suspicious/noArrayIndexKey: groups have no identity
              key={g}
            >
              {g > 0 ? (
                <Flex justify="center" style={{ margin: '-4px 0 8px' }}>
                  <JoinSwitch value={model.join} onChange={(join) => update({ ...model, join })} />
                </Flex>
              ) : null}
              <Card
                size="small"
                title={t('designer.cond.group', { n: g + 1 })}
                data-testid="condition-group"
                styles={{ body: { padding: 10 } }}
              >
                <Flex vertical gap={8}>
                  {grp.rules.map((rule, r) => {
                    const field = byPath.get(rule.field);
                    const ops = field ? OPS[field.type] : [];
                    return (
                      <div
                        // biome-ignore lint/suspicious/noArrayIndexKey: rules have no identity
                        key={r}
                      >
                        {r > 0 ? (
                          <Flex style={{ margin: '0 0 8px' }}>
                            <JoinSwitch
                              value={grp.join}
                              onChange={(join) =>
                                update({
                                  ...model,
                                  groups: model.groups.map((x, i) =>
                                    i === g ? { ...x, join } : x,
                                  ),
                                })
                              }
                            />
                          </Flex>
                        ) : null}
                        <Flex gap={6} wrap align="center" data-testid="condition-rule">
                          <Select<string>
                            aria-label={t('designer.cond.field')}
                            value={rule.field || undefined}
                            placeholder={t('designer.cond.field')}
                            onChange={(path) => {
                              const f = byPath.get(path);
                              setRule(g, r, {
                                field: path,
                                op: f ? (OPS[f.type][0] as CondOp) : '==',
                                value: '',
                              });
                            }}
                            options={condFields.map((f) => ({ value: f.path, label: f.label }))}
                            showSearch={{ optionFilterProp: 'label' }}
                            style={{ flex: '1 1 120px', minWidth: 110 }}
                          />
                          <Select<CondOp>
                            aria-label={t('designer.cond.op')}
                            value={ops.includes(rule.op) ? rule.op : undefined}
                            onChange={(op) =>
                              setRule(g, r, {
                                op,
                                value:
                                  isListOp(op) === isListOp(rule.op)
                                    ? rule.value
                                    : isListOp(op)
                                      ? []
                                      : '',
                              })
                            }
                            options={ops.map((op) => ({
                              value: op,
                              label: t(`designer.op.${OP_KEY[op]}`),
                            }))}
                            style={{ flex: '0 0 96px' }}
                          />
                          <div style={{ flex: '1 1 140px', minWidth: 120 }}>
                            {field ? (
                              <ValueInput
                                field={field}
                                rule={rule}
                                onChange={(v) => setRule(g, r, { value: v })}
                              />
                            ) : null}
                          </div>
                          <Button
                            type="text"
                            danger
                            icon={<DeleteOutlined />}
                            aria-label={t('designer.cond.removeRule')}
                            onClick={() => removeRule(g, r)}
                          />
                        </Flex>
                      </div>
                    );
                  })}
                  <Button
                    size="small"
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() =>
                      update({
                        ...model,
                        groups: model.groups.map((x, i) =>
                          i === g ? { ...x, rules: [...x.rules, fresh()] } : x,
                        ),
                      })
                    }
                  >
                    {t('designer.cond.addRule')}
                  </Button>
                </Flex>
              </Card>
            </div>
          ))}
          <Button
            icon={<PlusOutlined />}
            onClick={() =>
              update({
                ...model,
                groups: [...model.groups, { join: 'and', rules: [fresh()] }],
              })
            }
          >
            {t('designer.cond.addGroup')}
          </Button>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('designer.cond.preview')}
            </Typography.Text>
            <Typography.Paragraph code data-testid="condition-text" style={{ marginBottom: 0 }}>
              {toExpression(model, condFields) ?? t('designer.cond.incomplete')}
            </Typography.Paragraph>
          </div>
        </>
      )}
      {problem && raw.trim() ? <Alert type="error" showIcon title={problem} /> : null}
    </Flex>
  );
}
