import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Row,
  Skeleton,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMe } from '../../auth/session';
import { FlowDiagram } from '../../components/FlowDiagram';
import { QueryError } from '../../components/QueryError';
import { FormRenderer, type ShownError, useFormRenderer } from '../../forms';
import { useApiError } from '../../hooks/useApiError';
import { useIsMobile } from '../../hooks/useIsMobile';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useT } from '../../i18n';
import { ActionBar } from './ActionBar';
import { ActionDialog, type DialogKind } from './ActionDialog';
import { viewerActions } from './actions';
import { changedEditable, editableKeys, formSpecOf, taskPermissions } from './formState';
import { isLastNode, nodeByKey, readGraph } from './graph';
import { HistoryTimeline } from './History';
import { useUserNames } from './names';
import { carriesBothStances, type DecisionContext } from './opinion';
import { DueTag, StatusTag, useNow } from './parts';
import { RouteSteps } from './RouteSteps';
import {
  approvalKeys,
  getDiagram,
  getInstance,
  getRoute,
  type InstanceView,
  listItems,
  markCcRead,
  superiorsOf,
} from './services';

/** Changes arrive by server push; polling at this pace is only the fallback. */
export const INSTANCE_POLL_MS = 60_000;

/** Actions that carry the viewer's changes to the form. */
const WITH_FORM = new Set<DialogKind>(['agree', 'resubmit']);

/** Actions after which the viewer's task is gone (handled, handed on or sent back). */
const CLOSING = new Set<DialogKind>([
  'agree',
  'disagree',
  'read',
  'send_back',
  'transfer',
  'delegate',
  'return_delegation',
  'resubmit',
]);

/** Everyone the page names, for one lookup. */
function peopleOf(
  view: InstanceView | undefined,
  route: { assignees: string[]; assignee_names?: string[] }[],
): string[] {
  if (!view) return [];
  return [
    view.initiator_id,
    ...view.tasks.flatMap((t) => [t.assignee_id, t.principal_id, t.delegated_by]),
    ...view.history.flatMap((h) => [h.actor_id, h.acting_for_id, ...h.users]),
    // route steps name their people; only a step without names needs a lookup
    ...route.flatMap((r) => r.assignees.filter((_, i) => !r.assignee_names?.[i])),
  ].filter((id): id is string => Boolean(id));
}

/** 审批详情: `/approvals/instances/:id` (a fresh page per instance). */
export default function ApprovalPage() {
  const { id = '' } = useParams();
  return <Approval key={id} id={id} />;
}

function Approval({ id }: { id: string }) {
  const t = useT();
  const fmt = useFormatTime();
  const navigate = useNavigate();
  const isMobile = useIsMobile();
  const now = useNow();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const showError = useApiError();
  const me = useMe().data;
  const myId = me?.id ?? '';
  const [dialog, setDialog] = useState<{ kind: DialogKind; version: number } | null>(null);
  const [handled, setHandled] = useState(false);

  const query = useQuery({
    queryKey: approvalKeys.instance(id),
    queryFn: () => getInstance(id),
    refetchInterval: INSTANCE_POLL_MS,
  });
  const view = query.data;
  const running = view?.status === 'running';
  const route = useQuery({
    queryKey: approvalKeys.route(id),
    queryFn: () => getRoute(id),
    enabled: running,
  });
  const steps = running ? (route.data ?? []) : [];
  // the diagram only once asked for (the steps come first, on phones above all)
  const [positionTab, setPositionTab] = useState<'steps' | 'diagram'>('steps');
  const diagram = useQuery({
    queryKey: approvalKeys.diagram(id),
    queryFn: () => getDiagram(id),
    enabled: positionTab === 'diagram',
  });
  const graph = useMemo(() => readGraph(view?.graph), [view?.graph]);
  const acts = useMemo(
    () => (view ? viewerActions(view, myId, graph, now) : undefined),
    [view, myId, graph, now],
  );
  const decides = Boolean(acts?.task && !acts.resubmit);
  const superiors = useQuery({
    queryKey: approvalKeys.superiors(view?.initiator_id ?? ''),
    queryFn: () => superiorsOf(view?.initiator_id ?? ''),
    enabled: decides && Boolean(view?.initiator_id),
    staleTime: 5 * 60_000,
  });
  const isSuperior = Boolean(superiors.data?.includes(myId));
  const decision = useMemo((): DecisionContext | undefined => {
    const key = acts?.task?.node_key;
    const node = nodeByKey(graph, key);
    if (!view || !key || !node) return undefined;
    return {
      node,
      isLast: isLastNode(graph, key),
      isSuperior,
      bothStances: carriesBothStances(view.history),
    };
  }, [acts?.task?.node_key, graph, view, isSuperior]);

  // The form: the viewer's changes to the editable fields over the instance's values.
  const formSpec = useMemo(() => (view ? formSpecOf(view) : undefined), [view]);
  const formData = (view?.form ?? {}) as Record<string, unknown>;
  const editable = useMemo(
    () => editableKeys(acts?.task, Boolean(acts?.resubmit)),
    [acts?.task, acts?.resubmit],
  );
  const permissions = useMemo(
    () => taskPermissions(view?.fields ?? [], editable),
    [view?.fields, editable],
  );
  const [edits, setEdits] = useState<Record<string, unknown>>({});
  const [formErrors, setFormErrors] = useState<ShownError[]>([]);
  // edits show only while the viewer may still send them (the task may be gone meanwhile)
  const formValue = useMemo(
    () => (editable.length > 0 ? { ...formData, ...edits } : formData),
    [formData, edits, editable.length],
  );
  const changes = useMemo(
    () => changedEditable(editable, formData, formValue),
    [editable, formData, formValue],
  );
  const { ref: formRef, validate: validateForm } = useFormRenderer();

  const known = useMemo(() => {
    const m = new Map<string, string>();
    if (view?.initiator_name) m.set(view.initiator_id, view.initiator_name);
    for (const h of view?.history ?? [])
      if (h.actor_id && h.actor_name) m.set(h.actor_id, h.actor_name);
    if (me) m.set(me.id, me.display_name);
    for (const r of steps)
      r.assignees.forEach((uid, i) => {
        const n = r.assignee_names?.[i];
        if (n) m.set(uid, n);
      });
    return m;
  }, [view, me, steps]);
  const people = useMemo(() => peopleOf(view, steps), [view, steps]);
  const names = useUserNames(people, known);

  // after handling, the next todo is one click away
  const next = useQuery({
    queryKey: approvalKeys.nextTodo,
    queryFn: () => listItems('todo', {}, 1, 5),
    enabled: handled,
  });
  const nextTodo = next.data?.items.find((i) => i.instance_id !== id);

  useEffect(() => {
    if (view) document.title = `${view.title} - ${t('app.name')}`;
  }, [view, t]);

  const refreshLists = () => {
    void qc.invalidateQueries({ queryKey: approvalKeys.counts });
    for (const tab of ['todo', 'done', 'started', 'cc', 'to-read'] as const)
      void qc.invalidateQueries({ queryKey: approvalKeys.list(tab) });
    void qc.invalidateQueries({ queryKey: approvalKeys.route(id) });
  };

  const read = useMutation({
    mutationFn: () => markCcRead(id),
    onSuccess: (v) => {
      qc.setQueryData(approvalKeys.instance(id), v);
      refreshLists();
      message.success(t('approval.done.mark_read'));
    },
    onError: (e) => showError(e),
  });

  if (query.error)
    return (
      <>
        <BackLink />
        <QueryError error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  if (!view || !acts) return <Skeleton active />;

  const myOpen = view.tasks.find((task) => task.id === acts.task?.task_id);
  const open = view.tasks.filter((task) => task.state === 'open');

  const header = (
    <Card size="small" style={{ marginBottom: 16 }}>
      <Flex justify="space-between" align="flex-start" gap={8} wrap>
        <Flex vertical gap={4} style={{ minWidth: 0, flex: 1 }}>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="instance-title">
            {view.title}
          </Typography.Title>
          <Flex wrap gap={4} align="center">
            <StatusTag status={view.status} />
            {view.serial_no ? <Tag data-testid="serial">{view.serial_no}</Tag> : null}
            {view.overdue ? <Tag color="error">{t('approval.flowOverdue')}</Tag> : null}
            {myOpen?.due_at ? <DueTag dueAt={myOpen.due_at} now={now} /> : null}
          </Flex>
        </Flex>
        <Button
          icon={<PrinterOutlined />}
          onClick={() => navigate(`/approvals/instances/${id}/print`)}
          aria-label={t('approval.print')}
        >
          {isMobile ? null : t('approval.print')}
        </Button>
      </Flex>
      <Descriptions
        size="small"
        style={{ marginTop: 12 }}
        column={{ xs: 1, sm: 2, lg: 3 }}
        items={[
          { key: 'tpl', label: t('flow.template'), children: view.template_name },
          {
            key: 'who',
            label: t('approval.col.initiator'),
            children: view.initiator_name ?? t('flow.unknownPerson'),
          },
          { key: 'at', label: t('approval.startedAt'), children: fmt(view.created_at) },
          ...(view.due_at
            ? [{ key: 'due', label: t('approval.flowDue'), children: fmt(view.due_at) }]
            : []),
          ...(view.finished_at
            ? [{ key: 'end', label: t('approval.finishedAt'), children: fmt(view.finished_at) }]
            : []),
        ]}
      />
    </Card>
  );

  const done =
    handled && !acts.task ? (
      <Alert
        type="success"
        showIcon
        style={{ marginBottom: 16 }}
        title={t('approval.handled')}
        data-testid="handled"
        action={
          <Flex gap={8} wrap>
            <Button size="small" onClick={() => navigate('/approvals/todo')}>
              {t('approval.backToTodo')}
            </Button>
            {nextTodo ? (
              <Button
                size="small"
                type="primary"
                onClick={() => navigate(`/approvals/instances/${nextTodo.instance_id}`)}
              >
                {t('approval.nextTodo')}
              </Button>
            ) : null}
          </Flex>
        }
      />
    ) : null;

  return (
    <div style={{ paddingBottom: isMobile ? 72 : 0 }}>
      <BackLink />
      {header}
      {done}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Flex vertical gap={16}>
            <Card size="small" title={t('approval.form')}>
              {formSpec ? (
                <FormRenderer
                  ref={formRef}
                  form={formSpec}
                  value={formValue}
                  onChange={
                    editable.length > 0
                      ? (v) => setEdits(changedEditable(editable, formData, v))
                      : undefined
                  }
                  mode={editable.length > 0 ? 'approve' : 'read'}
                  permissions={permissions}
                  errors={formErrors}
                  serial={view.serial_no ?? undefined}
                />
              ) : null}
            </Card>
            <Card size="small" title={t('approval.record')}>
              <HistoryTimeline history={view.history} open={open} graph={graph} names={names} />
            </Card>
          </Flex>
        </Col>
        <Col xs={24} lg={8}>
          <Card
            size="small"
            title={t('approval.flowPosition')}
            loading={running && route.isPending}
          >
            <Tabs
              size="small"
              activeKey={positionTab}
              onChange={(k) => setPositionTab(k === 'diagram' ? 'diagram' : 'steps')}
              items={[
                {
                  key: 'steps',
                  label: t('approval.route.steps'),
                  children: <RouteSteps view={view} graph={graph} route={steps} names={names} />,
                },
                {
                  key: 'diagram',
                  label: t('approval.route.diagram'),
                  children: diagram.error ? (
                    <QueryError error={diagram.error} onRetry={() => void diagram.refetch()} />
                  ) : diagram.data ? (
                    <FlowDiagram
                      bpmn={diagram.data.bpmn}
                      active={diagram.data.current_nodes}
                      done={view.passed_nodes}
                    />
                  ) : (
                    <Skeleton active />
                  ),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <ActionBar
        acts={acts}
        isSuperior={isSuperior}
        busy={read.isPending}
        onAction={(kind) => {
          if (kind === 'mark_read') return read.mutate();
          if (WITH_FORM.has(kind) && editable.length > 0) {
            // the browser's checks first, with the server's messages
            const issues = validateForm();
            if (issues.length > 0) {
              message.error(t('approval.fixForm', { n: issues.length }));
              return;
            }
          }
          setDialog({ kind, version: view.lock_version });
        }}
      />
      {dialog ? (
        <ActionDialog
          key={`${dialog.kind}-${dialog.version}`}
          kind={dialog.kind}
          view={view}
          task={acts.task}
          graph={graph}
          me={myId}
          decision={decision}
          names={names}
          openedVersion={dialog.version}
          formChanges={WITH_FORM.has(dialog.kind) ? changes : undefined}
          onFormErrors={setFormErrors}
          onClose={() => setDialog(null)}
          onDone={(v, kind) => {
            setDialog(null);
            if (WITH_FORM.has(kind)) {
              setEdits({});
              setFormErrors([]);
            }
            qc.setQueryData(approvalKeys.instance(id), v);
            refreshLists();
            if (CLOSING.has(kind)) {
              setHandled(true);
              void qc.invalidateQueries({ queryKey: approvalKeys.nextTodo });
            }
          }}
        />
      ) : null}
    </div>
  );
}

/** Back to where the viewer came from (the list with its filters), else to 待办. */
function BackLink() {
  const t = useT();
  const navigate = useNavigate();
  const canGoBack = ((window.history.state as { idx?: number } | null)?.idx ?? 0) > 0;
  return (
    <Link
      to="/approvals/todo"
      onClick={(e) => {
        if (!canGoBack) return;
        e.preventDefault();
        navigate(-1);
      }}
      style={{ display: 'inline-block', marginBottom: 12 }}
    >
      <ArrowLeftOutlined /> {t('approval.backToList')}
    </Link>
  );
}
