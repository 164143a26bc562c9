import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Checkbox,
  DatePicker,
  Flex,
  Form,
  Input,
  Modal,
  Radio,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import type { ShownError } from '../../forms';
import { useApiError } from '../../hooks/useApiError';
import { useTimeZone } from '../../hooks/useTenantTime';
import { useT } from '../../i18n';
import type { MessageKey } from '../../locales/zh-CN';
import { addDays, startOfDayInZone, todayInZone } from '../../utils/time';
import { UserPicker } from '../Org/pickers';
import {
  type InstanceActionName,
  removableSigners,
  sendBackChoices,
  type TaskActionName,
} from './actions';
import { formErrorsOf } from './formState';
import { type Graph, nodeName } from './graph';
import {
  type DecisionContext,
  opinionRequired,
  REFUSAL_MESSAGE,
  readAloneAllowed,
  validateTaskAction,
} from './opinion';
import { MultiUserPicker } from './Pickers';
import {
  actOnInstance,
  actOnTask,
  approvalKeys,
  type InstanceAction,
  type InstanceView,
  type MyTask,
  newIdempotencyKey,
  type TaskAction,
} from './services';

export type DialogKind = TaskActionName | InstanceActionName | 'resubmit';

/** Each dialog's title (also its confirm button). */
export const ACTION_LABEL: Record<DialogKind, MessageKey> = {
  agree: 'approval.action.agree',
  disagree: 'approval.action.disagree',
  read: 'approval.action.read',
  send_back: 'approval.action.send_back',
  transfer: 'approval.action.transfer',
  delegate: 'approval.action.delegate',
  add_signers: 'approval.action.add_signers',
  remove_signers: 'approval.action.remove_signers',
  cc: 'approval.action.cc',
  keep_pending: 'approval.action.keep_pending',
  request_extension: 'approval.action.request_extension',
  return_delegation: 'approval.action.return_delegation',
  urge: 'approval.action.urge',
  withdraw: 'approval.action.withdraw',
  cancel: 'approval.action.cancel',
  resubmit: 'approval.action.resubmit',
};

const DONE: Record<DialogKind, MessageKey> = {
  agree: 'approval.done.agree',
  disagree: 'approval.done.disagree',
  read: 'approval.done.read',
  send_back: 'approval.done.send_back',
  transfer: 'approval.done.transfer',
  delegate: 'approval.done.delegate',
  add_signers: 'approval.done.add_signers',
  remove_signers: 'approval.done.remove_signers',
  cc: 'approval.done.cc',
  keep_pending: 'approval.done.keep_pending',
  request_extension: 'approval.done.request_extension',
  return_delegation: 'approval.done.return_delegation',
  urge: 'approval.done.urge',
  withdraw: 'approval.done.withdraw',
  cancel: 'approval.done.cancel',
  resubmit: 'approval.done.resubmit',
};

const TASK_KINDS = new Set<DialogKind>([
  'agree',
  'disagree',
  'read',
  'send_back',
  'transfer',
  'delegate',
  'add_signers',
  'remove_signers',
  'cc',
  'keep_pending',
  'request_extension',
  'return_delegation',
  'resubmit',
]);

// biome-ignore lint/suspicious/noExplicitAny: the values of whichever dialog is open
type Values = Record<string, any>;

/** Pure: the end of `date` (YYYY-MM-DD) in `timeZone`, as an RFC 3339 instant. */
export function endOfDayIso(date: string, timeZone: string): string {
  return new Date(startOfDayInZone(addDays(date, 1), timeZone).getTime() - 1000).toISOString();
}

/** What a request body is built from besides the dialog's values. */
export interface BodyContext {
  timeZone: string;
  /** The editable form fields changed on the page (sent with agree and resubmit). */
  changes?: Record<string, unknown>;
}

/** Pure: the request body of a dialog's values. */
export function buildBody(
  kind: DialogKind,
  v: Values,
  ctx: BodyContext,
): TaskAction | InstanceAction {
  const opinion = typeof v.opinion === 'string' ? v.opinion.trim() : '';
  // only the editable fields the viewer changed on the page (docs/forms.md)
  const form =
    ctx.changes && Object.keys(ctx.changes).length > 0
      ? { form: ctx.changes as Record<string, never> }
      : {};
  switch (kind) {
    case 'agree':
      return { action: 'agree', opinion, ...form };
    case 'disagree':
    case 'read':
    case 'return_delegation':
      return { action: kind, opinion };
    case 'send_back':
      return { action: 'send_back', to: v.to, opinion };
    case 'transfer':
    case 'delegate':
      return { action: kind, to: v.to, opinion };
    case 'add_signers':
      return { action: 'add_signers', users: v.users ?? [], position: v.position ?? 'after' };
    case 'remove_signers':
    case 'cc':
      return { action: kind, users: v.users ?? [] };
    case 'keep_pending':
      return {
        action: 'keep_pending',
        reason: (v.reason ?? '').trim(),
        promised: v.promised
          ? endOfDayIso((v.promised as Dayjs).format('YYYY-MM-DD'), ctx.timeZone)
          : '',
      };
    case 'request_extension':
      return { action: 'request_extension', days: v.days ?? 1, reason: (v.reason ?? '').trim() };
    case 'resubmit':
      return { action: 'resubmit', ...form };
    case 'withdraw':
    case 'cancel':
      return { action: kind, reason: (v.reason ?? '').trim() };
    case 'urge':
      return { action: 'urge', message: (v.message ?? '').trim() };
  }
}

/** One action's dialog: the inputs it needs, R5 checked as the user types, sent once. */
export function ActionDialog({
  kind,
  view,
  task,
  graph,
  me,
  decision,
  names,
  openedVersion,
  formChanges,
  onFormErrors,
  onClose,
  onDone,
}: {
  kind: DialogKind;
  view: InstanceView;
  task?: MyTask;
  graph: Graph;
  me: string;
  decision?: DecisionContext;
  names: ReadonlyMap<string, string>;
  /** The instance version the viewer saw when opening the dialog. */
  openedVersion: number;
  /** The editable form fields changed on the page (agree, resubmit). */
  formChanges?: Record<string, unknown>;
  /** The server refused form values: show them on the form's fields. */
  onFormErrors?: (errors: ShownError[]) => void;
  onClose: () => void;
  onDone: (view: InstanceView, kind: DialogKind) => void;
}) {
  const t = useT();
  const tz = useTimeZone();
  const { message } = App.useApp();
  const showError = useApiError();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  // one key per dialog: a double click or a retry after a lost answer acts once
  const [key] = useState(newIdempotencyKey);
  const [refused, setRefused] = useState<string | null>(null);
  const ctx: BodyContext = { timeZone: tz, changes: formChanges };

  const act = useMutation({
    mutationFn: (body: TaskAction | InstanceAction) =>
      TASK_KINDS.has(kind)
        ? actOnTask(task?.task_id ?? '', body as TaskAction, key)
        : actOnInstance(view.id, body as InstanceAction, key),
    onSuccess: (next) => {
      message.success(t(DONE[kind]));
      onDone(next, kind);
    },
    onError: (e) => {
      if (e instanceof ApiError && (e.status === 409 || e.status === 429 || e.status === 404)) {
        // someone acted meanwhile, the flow ended, or urged too recently: show it and reload
        message.warning(e.message);
        void qc.invalidateQueries({ queryKey: approvalKeys.instance(view.id) });
        onClose();
        return;
      }
      const onForm = formErrorsOf(e);
      if (onForm.length > 0 && onFormErrors) {
        // the form's problems show on its fields, on the page
        message.error(t('approval.fixForm', { n: onForm.length }));
        onFormErrors(onForm);
        onClose();
        return;
      }
      if (e instanceof ApiError && e.fields.length === 0 && e.status === 422) {
        setRefused(e.message);
        return;
      }
      showError(e, form);
    },
  });

  const submit = (v: Values) => {
    setRefused(null);
    const body = buildBody(kind, v, ctx);
    if (TASK_KINDS.has(kind) && kind !== 'resubmit' && decision) {
      const problem = validateTaskAction(body as TaskAction, { decision, me, now: Date.now() });
      if (problem) {
        setRefused(t(REFUSAL_MESSAGE[problem]));
        return;
      }
    }
    act.mutate(body);
  };

  /** A Form rule running the engine's check of this action on the field's value. */
  const rule = (build: (value: unknown) => Values) => ({
    validator: async (_: unknown, value: unknown) => {
      if (!decision || !TASK_KINDS.has(kind) || kind === 'resubmit') return;
      const body = buildBody(kind, build(value), ctx);
      const problem = validateTaskAction(body as TaskAction, { decision, me, now: Date.now() });
      if (problem) throw new Error(t(REFUSAL_MESSAGE[problem]));
    },
  });

  const isDecision = kind === 'agree' || kind === 'disagree' || kind === 'read';
  const needsOpinion =
    (isDecision && decision ? opinionRequired(kind, decision) : false) || kind === 'send_back';
  const name = (id: string) => names.get(id) ?? t('flow.unknownPerson');
  const today = todayInZone(tz);

  const opinionItem = (label: MessageKey, required: boolean, placeholder?: MessageKey) => (
    <Form.Item
      name="opinion"
      label={t(label)}
      required={required}
      validateFirst
      rules={[
        ...(kind === 'send_back'
          ? [{ required: true, whitespace: true, message: t(REFUSAL_MESSAGE.opinion_required) }]
          : []),
        rule((opinion) => ({ opinion })),
        { max: 2000 },
      ]}
    >
      <Input.TextArea
        rows={4}
        maxLength={2000}
        showCount
        placeholder={placeholder ? t(placeholder) : undefined}
        aria-label={t(label)}
      />
    </Form.Item>
  );

  let body: React.ReactNode = null;
  let initial: Values = {};
  switch (kind) {
    case 'agree':
    case 'disagree':
    case 'read':
      body = (
        <>
          {kind === 'read' && decision && !readAloneAllowed(decision) ? (
            <Alert
              type="info"
              showIcon
              title={t('approval.hint.readNeedsReason')}
              style={{ marginBottom: 12 }}
            />
          ) : null}
          {decision?.bothStances && ['all', 'ratio', 'sequential'].includes(decision.node.mode) ? (
            <Alert
              type="warning"
              showIcon
              title={t('approval.hint.beSpecific')}
              style={{ marginBottom: 12 }}
            />
          ) : null}
          {opinionItem(
            'approval.opinion',
            needsOpinion,
            kind === 'disagree' ? 'approval.placeholder.disagree' : 'approval.placeholder.opinion',
          )}
        </>
      );
      break;
    case 'send_back': {
      const choices = task ? sendBackChoices(task) : ['initiator'];
      initial = { to: choices.length > 1 ? choices[choices.length - 2] : 'initiator' };
      body = (
        <>
          <Form.Item name="to" label={t('approval.sendBackTo')} rules={[{ required: true }]}>
            <Radio.Group
              aria-label={t('approval.sendBackTo')}
              options={choices.map((c) => ({
                value: c,
                label: c === 'initiator' ? t('approval.initiatorNode') : nodeName(graph, c),
              }))}
              style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
            />
          </Form.Item>
          {opinionItem('approval.reason', true, 'approval.placeholder.sendBack')}
        </>
      );
      break;
    }
    case 'transfer':
    case 'delegate':
      body = (
        <>
          <Typography.Paragraph type="secondary">
            {t(kind === 'transfer' ? 'approval.explain.transfer' : 'approval.explain.delegate')}
          </Typography.Paragraph>
          <Form.Item
            name="to"
            label={t('approval.handTo')}
            rules={[{ required: true, message: t('approval.pickPerson') }, rule((to) => ({ to }))]}
          >
            <UserPicker excludeId={me} />
          </Form.Item>
          {opinionItem('approval.note', false)}
        </>
      );
      break;
    case 'return_delegation':
      body = (
        <>
          <Typography.Paragraph type="secondary">
            {t('approval.explain.returnDelegation', {
              name: task?.delegated_by ? name(task.delegated_by) : t('flow.unknownPerson'),
            })}
          </Typography.Paragraph>
          {opinionItem('approval.opinion', false)}
        </>
      );
      break;
    case 'add_signers':
      initial = { position: 'after', users: [] };
      body = (
        <>
          <Form.Item
            name="users"
            label={t('approval.signers')}
            rules={[rule((users) => ({ users }))]}
            required
          >
            <MultiUserPicker excludeIds={[me]} />
          </Form.Item>
          <Form.Item name="position" label={t('approval.signerPosition')}>
            <Radio.Group
              aria-label={t('approval.signerPosition')}
              options={(['before', 'after', 'parallel'] as const).map((p) => ({
                value: p,
                label: t(`approval.signerPosition.${p}`),
              }))}
              style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
            />
          </Form.Item>
        </>
      );
      break;
    case 'remove_signers': {
      const candidates = task ? removableSigners(view, me, task.node_key) : [];
      initial = { users: [] };
      body = (
        <Form.Item
          name="users"
          label={t('approval.removeWho')}
          rules={[rule((users) => ({ users }))]}
          required
        >
          <Checkbox.Group
            options={candidates.map((id) => ({ value: id, label: name(id) }))}
            style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
          />
        </Form.Item>
      );
      break;
    }
    case 'cc':
      initial = { users: [] };
      body = (
        <Form.Item
          name="users"
          label={t('approval.ccTo')}
          rules={[rule((users) => ({ users }))]}
          required
        >
          <MultiUserPicker excludeIds={[me]} />
        </Form.Item>
      );
      break;
    case 'keep_pending':
      body = (
        <>
          <Typography.Paragraph type="secondary">
            {t('approval.explain.keepPending')}
          </Typography.Paragraph>
          <Form.Item
            name="reason"
            label={t('approval.reason')}
            rules={[
              { required: true, whitespace: true, message: t(REFUSAL_MESSAGE.opinion_required) },
              { max: 2000 },
            ]}
          >
            <Input.TextArea rows={3} maxLength={2000} aria-label={t('approval.reason')} />
          </Form.Item>
          <Form.Item
            name="promised"
            label={t('approval.promised')}
            rules={[
              { required: true, message: t('approval.pickDate') },
              {
                validator: async (_, v?: Dayjs) => {
                  if (v && endOfDayIso(v.format('YYYY-MM-DD'), tz) <= new Date().toISOString())
                    throw new Error(t(REFUSAL_MESSAGE.promise_in_past));
                },
              },
            ]}
          >
            <DatePicker
              aria-label={t('approval.promised')}
              disabledDate={(d) => d.format('YYYY-MM-DD') < today}
              style={{ width: '100%' }}
            />
          </Form.Item>
        </>
      );
      break;
    case 'request_extension':
      initial = { days: 1 };
      body = (
        <>
          <Typography.Paragraph type="secondary">
            {t('approval.explain.extension')}
          </Typography.Paragraph>
          <Form.Item name="days" label={t('approval.extendBy')}>
            <Radio.Group
              aria-label={t('approval.extendBy')}
              options={[1, 2].map((d) => ({
                value: d,
                label: t('approval.workingDays', { n: d }),
              }))}
            />
          </Form.Item>
          <Form.Item
            name="reason"
            label={t('approval.reason')}
            rules={[
              { required: true, whitespace: true, message: t(REFUSAL_MESSAGE.opinion_required) },
              { max: 2000 },
            ]}
          >
            <Input.TextArea rows={3} maxLength={2000} aria-label={t('approval.reason')} />
          </Form.Item>
        </>
      );
      break;
    case 'withdraw':
    case 'cancel':
      body = (
        <>
          <Typography.Paragraph type={kind === 'cancel' ? 'danger' : 'secondary'}>
            {t(kind === 'cancel' ? 'approval.explain.cancel' : 'approval.explain.withdraw')}
          </Typography.Paragraph>
          <Form.Item name="reason" label={t('approval.reasonOptional')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={2} maxLength={500} aria-label={t('approval.reasonOptional')} />
          </Form.Item>
        </>
      );
      break;
    case 'urge':
      body = (
        <>
          <Typography.Paragraph type="secondary">{t('approval.explain.urge')}</Typography.Paragraph>
          <Form.Item name="message" label={t('approval.urgeMessage')} rules={[{ max: 500 }]}>
            <Input.TextArea
              rows={2}
              maxLength={500}
              aria-label={t('approval.urgeMessage')}
              placeholder={t('approval.placeholder.urge')}
            />
          </Form.Item>
        </>
      );
      break;
    case 'resubmit':
      body = (
        <Typography.Paragraph type="secondary">
          {t('approval.explain.resubmit')}
          {formChanges && Object.keys(formChanges).length > 0 ? (
            <> {t('approval.changedFields', { n: Object.keys(formChanges).length })}</>
          ) : null}
        </Typography.Paragraph>
      );
      break;
  }

  const danger = kind === 'disagree' || kind === 'cancel' || kind === 'send_back';
  return (
    <Modal
      open
      title={t(ACTION_LABEL[kind])}
      okText={t(ACTION_LABEL[kind])}
      okButtonProps={{ danger }}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={act.isPending}
      destroyOnHidden
      width={520}
    >
      <Flex vertical>
        {view.lock_version !== openedVersion ? (
          <Alert
            type="warning"
            showIcon
            title={t('approval.changedMeanwhile')}
            style={{ marginBottom: 12 }}
            data-testid="changed-meanwhile"
          />
        ) : null}
        <Form<Values>
          form={form}
          layout="vertical"
          initialValues={initial}
          onFinish={submit}
          name={`action-${kind}`}
        >
          {body}
        </Form>
        {refused ? <Alert type="error" showIcon title={refused} data-testid="refused" /> : null}
      </Flex>
    </Modal>
  );
}
