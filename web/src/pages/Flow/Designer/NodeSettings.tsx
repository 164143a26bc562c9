import {
  Alert,
  Checkbox,
  Divider,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Switch,
  Tabs,
  Typography,
} from 'antd';
import type { ReactNode } from 'react';
import type { FormSpec } from '../../../forms/types';
import { useT } from '../../../i18n';
import type { MessageKey } from '../../../i18n/locale';
import { FieldPermissions } from './FieldPermissions';
import { ParticipantsEditor } from './ParticipantsEditor';
import {
  DISAGREE_OUTCOMES,
  EMPTY_POLICIES,
  INITIATOR_POLICIES,
  MODE_TYPES,
  type Mode,
  type ModeType,
  OVERDUE_POLICIES,
  REPEAT_POLICIES,
  TASK_ACTIONS,
  type TaskAction,
  TIME_UNITS,
  type TimeLimit,
  type TimeUnit,
  type UserTreeNode,
} from './tree';

/** A time limit: an amount and a unit; `undefined` when switched off. */
export function TimeLimitInput({
  value,
  onChange,
  label,
}: {
  value: TimeLimit | undefined;
  onChange: (l: TimeLimit | undefined) => void;
  label: string;
}) {
  const t = useT();
  return (
    <Flex gap={8} align="center" wrap>
      <Switch
        aria-label={label}
        checked={Boolean(value)}
        onChange={(on) => onChange(on ? { amount: 1, unit: 'working_days' } : undefined)}
      />
      {value ? (
        <>
          <InputNumber
            aria-label={t('designer.limitAmount')}
            min={1}
            max={100000}
            precision={0}
            value={value.amount}
            onChange={(v) => onChange({ ...value, amount: v ?? 1 })}
            style={{ width: 90 }}
          />
          <Select<TimeUnit>
            aria-label={t('designer.limitUnit')}
            value={value.unit}
            onChange={(unit) => onChange({ ...value, unit })}
            options={TIME_UNITS.map((u) => ({ value: u, label: t(`designer.unit.${u}`) }))}
            style={{ width: 120 }}
          />
        </>
      ) : (
        <Typography.Text type="secondary">{t('designer.noLimit')}</Typography.Text>
      )}
    </Flex>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Form.Item label={<Typography.Text strong>{title}</Typography.Text>} colon={false}>
      {children}
    </Form.Item>
  );
}

/** Choices with a line of explanation each, one under the other. */
function Choices<V extends string>({
  value,
  onChange,
  options,
  label,
}: {
  value: V;
  onChange: (v: V) => void;
  options: readonly { value: V; label: string; hint?: string }[];
  label: string;
}) {
  return (
    <Radio.Group
      aria-label={label}
      value={value}
      onChange={(e) => onChange(e.target.value as V)}
      style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
    >
      {options.map((o) => (
        <Radio key={o.value} value={o.value}>
          {o.label}
          {o.hint ? (
            <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
              {o.hint}
            </Typography.Text>
          ) : null}
        </Radio>
      ))}
    </Radio.Group>
  );
}

const modeOf = (type: ModeType, old: Mode | undefined): Mode =>
  type === 'ratio'
    ? { type, percent: old?.type === 'ratio' ? old.percent : 50 }
    : ({ type } as Mode);

/** Everything about an approver, handler or cc node, in tabs. */
export function NodeSettings({
  node,
  onChange,
  form,
  onFormChange,
  problems,
}: {
  node: UserTreeNode;
  onChange: (n: UserTreeNode) => void;
  form: FormSpec;
  onFormChange: (f: FormSpec) => void;
  problems: readonly string[];
}) {
  const t = useT();
  const set = (patch: Partial<UserTreeNode>) => {
    const next: UserTreeNode = { ...node, ...patch };
    for (const [k, v] of Object.entries(patch))
      if (v === undefined) delete (next as unknown as Record<string, unknown>)[k];
    onChange(next);
  };
  const fields = form.fields ?? [];
  const cc = node.type === 'cc';
  const who = t(`designer.who.${node.type}` as MessageKey);
  const mode = node.mode ?? { type: 'single' };
  const actions: TaskAction[] = node.actions ?? [...TASK_ACTIONS];
  const opinion = node.opinion ?? {};

  const people = (
    <Form layout="vertical" component="div">
      <Section title={who}>
        <ParticipantsEditor
          value={node.participants ?? []}
          onChange={(participants) => set({ participants })}
          fields={fields}
        />
      </Section>
      {!cc ? (
        <Section title={t('designer.mode')}>
          <Choices<ModeType>
            label={t('designer.mode')}
            value={mode.type}
            onChange={(type) => set({ mode: modeOf(type, node.mode) })}
            options={MODE_TYPES.map((m) => ({
              value: m,
              label: t(`designer.mode.${m}`),
              hint: t(`designer.modeHint.${m}`),
            }))}
          />
          {mode.type === 'ratio' ? (
            <Flex align="center" gap={8} style={{ marginTop: 8, paddingLeft: 24 }}>
              <span>{t('designer.ratioPass')}</span>
              <InputNumber
                aria-label={t('designer.ratioPercent')}
                min={1}
                max={100}
                precision={0}
                value={mode.percent}
                onChange={(v) => set({ mode: { type: 'ratio', percent: v ?? 50 } })}
                suffix="%"
                style={{ width: 100 }}
              />
            </Flex>
          ) : null}
        </Section>
      ) : null}
      <Section title={t('designer.onEmpty')}>
        <Choices
          label={t('designer.onEmpty')}
          value={node.on_empty ?? 'auto_pass'}
          onChange={(on_empty) => set({ on_empty })}
          options={EMPTY_POLICIES.map((p) => ({ value: p, label: t(`designer.onEmpty.${p}`) }))}
        />
      </Section>
      {!cc ? (
        <Section title={t('designer.onInitiator')}>
          <Choices
            label={t('designer.onInitiator')}
            value={node.on_initiator ?? 'approve'}
            onChange={(on_initiator) => set({ on_initiator })}
            options={INITIATOR_POLICIES.map((p) => ({
              value: p,
              label: t(`designer.onInitiator.${p}`),
            }))}
          />
        </Section>
      ) : null}
    </Form>
  );

  const advanced = (
    <Form layout="vertical" component="div">
      <Section title={t('designer.timeLimit')}>
        <TimeLimitInput
          label={t('designer.timeLimit')}
          value={node.time_limit}
          onChange={(time_limit) =>
            set(time_limit ? { time_limit } : { time_limit: undefined, remind_before: undefined })
          }
        />
      </Section>
      {node.time_limit ? (
        <>
          <Section title={t('designer.onOverdue')}>
            <Choices
              label={t('designer.onOverdue')}
              value={node.on_overdue ?? 'notify'}
              onChange={(on_overdue) => set({ on_overdue })}
              options={OVERDUE_POLICIES.map((p) => ({
                value: p,
                label: t(`designer.onOverdue.${p}`),
              }))}
            />
          </Section>
          <Section title={t('designer.remindBefore')}>
            <TimeLimitInput
              label={t('designer.remindBefore')}
              value={node.remind_before}
              onChange={(remind_before) => set({ remind_before })}
            />
          </Section>
        </>
      ) : null}
      <Divider style={{ margin: '8px 0 16px' }} />
      <Section title={t('designer.opinion')}>
        <Flex vertical gap={6}>
          {(['stance_required', 'inform_only', 'relay'] as const).map((k) => (
            <Checkbox
              key={k}
              checked={Boolean(opinion[k])}
              onChange={(e) => {
                const next = { ...opinion, [k]: e.target.checked };
                if (!e.target.checked) delete next[k];
                set({ opinion: Object.keys(next).length ? next : undefined });
              }}
            >
              {t(`designer.opinion.${k}`)}
              <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                {t(`designer.opinionHint.${k}`)}
              </Typography.Text>
            </Checkbox>
          ))}
        </Flex>
      </Section>
      <Section title={t('designer.actions')}>
        <Checkbox.Group<TaskAction>
          aria-label={t('designer.actions')}
          value={actions}
          onChange={(v) =>
            set({
              actions:
                v.length === TASK_ACTIONS.length
                  ? undefined
                  : TASK_ACTIONS.filter((a) => v.includes(a)),
            })
          }
          style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(110px, 1fr))' }}
          options={TASK_ACTIONS.map((a) => ({ value: a, label: t(`designer.action.${a}`) }))}
        />
      </Section>
      {node.type === 'approver' ? (
        <Section title={t('designer.onDisagree')}>
          <Choices
            label={t('designer.onDisagree')}
            value={node.on_disagree ?? 'reject'}
            onChange={(on_disagree) => set({ on_disagree })}
            options={DISAGREE_OUTCOMES.map((p) => ({
              value: p,
              label: t(`designer.onDisagree.${p}`),
            }))}
          />
        </Section>
      ) : null}
      <Section title={t('designer.onRepeat')}>
        <Choices
          label={t('designer.onRepeat')}
          value={node.on_repeat ?? 'approve'}
          onChange={(on_repeat) => set({ on_repeat })}
          options={REPEAT_POLICIES.map((p) => ({ value: p, label: t(`designer.onRepeat.${p}`) }))}
        />
      </Section>
    </Form>
  );

  return (
    <Flex vertical gap={12}>
      {problems.length > 0 ? (
        <Alert
          type="error"
          showIcon
          data-testid="node-problems"
          title={problems.map((p) => <div key={p}>{p}</div>)}
        />
      ) : null}
      <Form layout="vertical" component="div">
        <Form.Item
          label={t('designer.nodeName')}
          htmlFor="designer-node-name"
          style={{ marginBottom: 4 }}
        >
          <Input
            id="designer-node-name"
            value={node.name ?? ''}
            maxLength={64}
            placeholder={t(`designer.type.${node.type}`)}
            onChange={(e) => set({ name: e.target.value })}
          />
        </Form.Item>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('designer.nodeKey')}: <Typography.Text code>{node.id}</Typography.Text>
        </Typography.Text>
      </Form>
      <Tabs
        items={[
          { key: 'people', label: who, children: people },
          {
            key: 'fields',
            label: t('designer.fieldPermissions'),
            children: <FieldPermissions form={form} node={node.id} onChange={onFormChange} />,
          },
          ...(cc ? [] : [{ key: 'advanced', label: t('designer.advanced'), children: advanced }]),
        ]}
      />
    </Flex>
  );
}
