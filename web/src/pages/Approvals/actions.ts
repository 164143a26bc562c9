/**
 * Which actions the approval page offers this viewer: the server's lists (`my_tasks[].actions`,
 * `instance_actions`), narrowed where the instance already shows the engine would refuse, and
 * ordered the way the action bar shows them.
 */
import { type Graph, startKey } from './graph';
import type { HistoryView, InstanceView, MyTask } from './services';

/** Decisions first (shown as buttons), then the rest (under "more" on small screens). */
export const PRIMARY_ACTIONS = ['agree', 'disagree', 'read', 'send_back'] as const;
export const MORE_ACTIONS = [
  'transfer',
  'delegate',
  'add_signers',
  'remove_signers',
  'cc',
  'keep_pending',
  'request_extension',
  'return_delegation',
] as const;
export type TaskActionName = (typeof PRIMARY_ACTIONS)[number] | (typeof MORE_ACTIONS)[number];
export const INSTANCE_ACTIONS = ['urge', 'withdraw', 'cancel'] as const;
export type InstanceActionName = (typeof INSTANCE_ACTIONS)[number];

/** The engine's least time between two urges of one instance by the same person. */
export const URGE_INTERVAL_MS = 60 * 60 * 1000;

export interface ViewerActions {
  /** The task the bar acts on (the viewer's first open task here). */
  task?: MyTask;
  /** That task is the initiator's resubmission after a send-back or withdrawal. */
  resubmit: boolean;
  primary: TaskActionName[];
  more: TaskActionName[];
  instance: InstanceActionName[];
  /** The viewer urged less than an hour ago (the server refuses another). */
  urgedRecently: boolean;
  /** The viewer has unread copies of the instance. */
  markRead: boolean;
}

/** Pure: history since the instance last (re)started — what the engine's `acted` flag covers. */
function sinceLastStart(history: readonly HistoryView[]): HistoryView[] {
  let from = 0;
  history.forEach((h, i) => {
    if (h.action === 'started' || h.action === 'resubmitted') from = i;
  });
  return history.slice(from);
}

/** Pure: the initiator may still withdraw — nobody decided or sent back since it (re)started. */
export function withdrawable(view: InstanceView, g: Graph): boolean {
  const start = startKey(g);
  if (start && view.current_nodes.includes(start)) return false;
  return !sinceLastStart(view.history).some(
    (h) => h.action === 'decided' || h.action === 'sent_back',
  );
}

/**
 * Pure: signers on the node who have not acted and could be removed (减签) — open tasks of
 * others there, and people added there (加签) who neither acted nor were removed.
 */
export function removableSigners(view: InstanceView, me: string, node: string): string[] {
  const out = new Set<string>();
  for (const t of view.tasks)
    if (t.node_key === node && t.state === 'open' && t.assignee_id !== me) out.add(t.assignee_id);
  const acted = new Set(
    view.tasks
      .filter((t) => t.node_key === node && t.state === 'closed' && t.close_reason === 'completed')
      .map((t) => t.assignee_id),
  );
  for (const h of view.history) {
    if (h.from_node !== node) continue;
    if (h.action === 'signers_added') for (const u of h.users) if (!acted.has(u)) out.add(u);
    if (h.action === 'signers_removed') for (const u of h.users) out.delete(u);
  }
  out.delete(me);
  return [...out];
}

/** Pure: the viewer extended this task already (延期 is once per task). */
export function alreadyExtended(view: InstanceView, me: string, task: MyTask): boolean {
  const opened = view.tasks.find((t) => t.id === task.task_id)?.opened_at;
  const since = opened ? new Date(opened).getTime() : 0;
  return view.history.some(
    (h) =>
      h.action === 'extended' &&
      h.actor_id === me &&
      h.from_node === task.node_key &&
      new Date(h.at).getTime() >= since,
  );
}

/** Pure: what the action bar offers `me` on `view` at `now` (ms). */
export function viewerActions(
  view: InstanceView,
  me: string,
  g: Graph,
  now: number,
): ViewerActions {
  const start = startKey(g);
  const running = view.status === 'running';
  const mine = running ? view.my_tasks : [];
  const task =
    mine.find((t) => t.node_key !== start && t.actions.length > 0) ??
    mine.find((t) => t.node_key === start);
  const resubmit = Boolean(task && task.node_key === start);
  const allowed = new Set(resubmit || !task ? [] : task.actions);
  if (
    task &&
    allowed.has('remove_signers') &&
    removableSigners(view, me, task.node_key).length === 0
  )
    allowed.delete('remove_signers');
  if (task && allowed.has('request_extension') && alreadyExtended(view, me, task))
    allowed.delete('request_extension');
  const listed = new Set(view.instance_actions);
  const openElsewhere = view.tasks.some((t) => t.state === 'open' && t.node_key !== start);
  const instance = INSTANCE_ACTIONS.filter((a) => {
    if (!running || !listed.has(a)) return false;
    if (a === 'withdraw') return withdrawable(view, g);
    if (a === 'urge') return openElsewhere;
    return true;
  });
  const urgedRecently = view.history.some(
    (h) =>
      h.action === 'urged' &&
      h.actor_id === me &&
      now - new Date(h.at).getTime() < URGE_INTERVAL_MS,
  );
  return {
    task,
    resubmit,
    primary: PRIMARY_ACTIONS.filter((a) => allowed.has(a)),
    more: MORE_ACTIONS.filter((a) => allowed.has(a)),
    instance,
    urgedRecently,
    markRead: view.my_unread_cc.length > 0,
  };
}

/** Pure: the send-back choices — passed nodes (oldest first), then the initiator. */
export function sendBackChoices(task: MyTask): string[] {
  return [...task.send_back_targets, 'initiator'];
}
