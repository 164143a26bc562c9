import { Steps, Typography } from 'antd';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useI18n } from '../../i18n';
import { type Graph, nodeByKey, nodeName, startKey } from './graph';
import { StanceTag } from './parts';
import type { InstanceView, RouteStep } from './services';

export interface StepData {
  key: string;
  kind: 'start' | 'passed' | 'current' | 'next' | 'end';
  /** The node's name (not for start and end). */
  title: string;
  /** Who acted (passed) or acts (current, next). */
  people: string[];
  /** Their names where the server gave them (route steps), in the same order. */
  peopleNames?: string[];
  status: 'wait' | 'process' | 'finish' | 'error';
  /** Passed nodes: the stance that decided them. */
  stance?: string;
  at?: string;
}

const USER_NODES = new Set(['approve', 'handle', 'cc']);

/**
 * Pure: where the flow stands, top to bottom: the start, the nodes passed (who decided, how),
 * the steps open now, the predicted ones if everyone agrees (`route`), and the end.
 */
export function routeSteps(view: InstanceView, g: Graph, route: readonly RouteStep[]): StepData[] {
  const start = startKey(g);
  const ahead = new Set(route.map((r) => r.node_key));
  const out: StepData[] = [
    {
      key: 'start',
      kind: 'start',
      title: '',
      people: [view.initiator_id],
      status: 'finish',
      at: view.created_at,
    },
  ];
  for (const key of view.passed_nodes) {
    if (key === start || view.current_nodes.includes(key) || ahead.has(key)) continue;
    if (!USER_NODES.has(nodeByKey(g, key)?.type ?? '')) continue;
    const decided = view.history.filter(
      (h) => h.from_node === key && (h.action === 'decided' || h.action === 'auto_passed'),
    );
    const people = [...new Set(decided.flatMap((h) => (h.actor_id ? [h.actor_id] : [])))];
    const disagreed = decided.some((h) => h.stance === 'disagree');
    const stance = disagreed ? 'disagree' : decided.find((h) => h.stance)?.stance;
    out.push({
      key: `p-${key}`,
      kind: 'passed',
      title: nodeName(g, key),
      people,
      status: disagreed ? 'error' : 'finish',
      stance: stance ?? undefined,
      at: decided.at(-1)?.at,
    });
  }
  const running = view.status === 'running';
  if (running && route.length > 0) {
    route.forEach((r, i) => {
      out.push({
        key: `r${i}-${r.node_key}`,
        kind: r.when === 'current' ? 'current' : 'next',
        title: r.node_name || nodeName(g, r.node_key),
        people: r.assignees,
        peopleNames: r.assignee_names,
        status: r.when === 'current' ? 'process' : 'wait',
      });
    });
  } else if (running) {
    for (const key of view.current_nodes) {
      if (key === start) continue;
      out.push({
        key: `c-${key}`,
        kind: 'current',
        title: nodeName(g, key),
        people: view.tasks
          .filter((t) => t.node_key === key && t.state === 'open')
          .map((t) => t.assignee_id),
        status: 'process',
      });
    }
  }
  out.push({
    key: 'end',
    kind: 'end',
    title: '',
    people: [],
    status: view.status === 'approved' ? 'finish' : view.status === 'rejected' ? 'error' : 'wait',
    at: view.finished_at ?? undefined,
  });
  return out;
}

/** The flow position as vertical steps (the diagram's stand-in). */
export function RouteSteps({
  view,
  graph,
  route,
  names,
}: {
  view: InstanceView;
  graph: Graph;
  route: readonly RouteStep[];
  names: ReadonlyMap<string, string>;
}) {
  const { t, te } = useI18n();
  const fmt = useFormatTime();
  const steps = routeSteps(view, graph, route);
  const who = (ids: string[], given?: string[]) =>
    ids.map((id, i) => given?.[i] || names.get(id) || t('flow.unknownPerson')).join('、');
  return (
    <Steps
      orientation="vertical"
      size="small"
      data-testid="route"
      items={steps.map((s) => ({
        key: s.key,
        status: s.status,
        title:
          s.kind === 'start'
            ? t('approval.route.start')
            : s.kind === 'end'
              ? view.status === 'running'
                ? t('approval.route.end')
                : te('approval.status', view.status)
              : s.title,
        content: (
          <>
            {s.people.length > 0 ? (
              <div>
                {s.kind === 'current'
                  ? t('approval.route.current', { names: who(s.people, s.peopleNames) })
                  : s.kind === 'next'
                    ? t('approval.route.next', { names: who(s.people, s.peopleNames) })
                    : who(s.people, s.peopleNames)}
                {s.stance ? (
                  <>
                    {' '}
                    <StanceTag stance={s.stance} />
                  </>
                ) : null}
              </div>
            ) : s.kind === 'next' || s.kind === 'current' ? (
              <div>{t('approval.route.auto')}</div>
            ) : null}
            {s.at ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {fmt(s.at)}
              </Typography.Text>
            ) : null}
          </>
        ),
      }))}
    />
  );
}
