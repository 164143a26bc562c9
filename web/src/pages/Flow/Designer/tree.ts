/**
 * The engine's nested tree (crates/engine/src/tree.rs, docs/engine.md "The tree format") as the
 * designer edits it, and the editing operations as pure functions: every one returns a new tree
 * and leaves its input alone. Members the designer does not know are carried along untouched.
 */

/** A department a rule names: the initiator's, or a department field of the form. */
export type DepartmentSource = { from: 'initiator' } | { from: 'form_field'; field: string };

/** Who acts on a node (crates/engine/src/participants.rs); a node's people are the union. */
export type ParticipantRule =
  | { type: 'users'; users: string[] }
  | { type: 'role'; role: string }
  | { type: 'post'; post: string }
  | { type: 'supervisor'; levels: number }
  | { type: 'department_head'; department?: DepartmentSource }
  | { type: 'leader_in_charge' }
  | { type: 'department_members'; department: string; include_sub?: boolean }
  | { type: 'initiator_chosen' }
  | { type: 'form_user_field'; field: string }
  | { type: 'initiator' };

export type RuleType = ParticipantRule['type'];

export const RULE_TYPES: readonly RuleType[] = [
  'users',
  'supervisor',
  'department_head',
  'leader_in_charge',
  'role',
  'post',
  'department_members',
  'initiator_chosen',
  'form_user_field',
  'initiator',
];

/** How a node's people decide. */
export type Mode =
  | { type: 'single' }
  | { type: 'sequential' }
  | { type: 'all' }
  | { type: 'any' }
  | { type: 'ratio'; percent: number };

export type ModeType = Mode['type'];
export const MODE_TYPES: readonly ModeType[] = ['single', 'sequential', 'all', 'any', 'ratio'];

export type EmptyPolicy = 'auto_pass' | 'to_admin' | 'refuse';
export const EMPTY_POLICIES: readonly EmptyPolicy[] = ['auto_pass', 'to_admin', 'refuse'];
export type InitiatorPolicy = 'approve' | 'auto_pass' | 'to_supervisor';
export const INITIATOR_POLICIES: readonly InitiatorPolicy[] = [
  'approve',
  'auto_pass',
  'to_supervisor',
];
export type RepeatPolicy = 'approve' | 'auto_pass';
export const REPEAT_POLICIES: readonly RepeatPolicy[] = ['approve', 'auto_pass'];
export type DisagreeOutcome = 'reject' | 'return_to_initiator' | 'continue';
export const DISAGREE_OUTCOMES: readonly DisagreeOutcome[] = [
  'reject',
  'return_to_initiator',
  'continue',
];
export type OverduePolicy = 'notify' | 'notify_supervisor' | 'auto_agree' | 'escalate';
export const OVERDUE_POLICIES: readonly OverduePolicy[] = [
  'notify',
  'notify_supervisor',
  'auto_agree',
  'escalate',
];

export type TimeUnit = 'working_days' | 'working_hours' | 'days' | 'hours' | 'minutes';
export const TIME_UNITS: readonly TimeUnit[] = [
  'working_days',
  'working_hours',
  'days',
  'hours',
  'minutes',
];

/** 办理时限 (crates/engine/src/calendar.rs). */
export interface TimeLimit {
  amount: number;
  unit: TimeUnit;
}

/** The actions a node allows, in the engine's order; absent means all of them. */
export { TASK_ACTIONS, type TaskAction } from '../taskActions';

import type { TaskAction } from '../taskActions';

/** R5 opinion rules (crates/engine/src/opinion.rs). */
export interface OpinionPolicy {
  stance_required?: boolean;
  inform_only?: boolean;
  relay?: boolean;
}

/** The settings of an approver, handler or cc node (`UserNode`, flattened into the node). */
export interface UserNodeConfig {
  participants?: ParticipantRule[];
  mode?: Mode;
  cardinality?: number;
  completion?: string;
  on_empty?: EmptyPolicy;
  on_initiator?: InitiatorPolicy;
  on_repeat?: RepeatPolicy;
  on_disagree?: DisagreeOutcome;
  actions?: TaskAction[];
  opinion?: OpinionPolicy;
  time_limit?: TimeLimit;
  on_overdue?: OverduePolicy;
  remind_before?: TimeLimit;
}

export type UserNodeType = 'approver' | 'handler' | 'cc';
export type BlockType = 'conditions' | 'parallel' | 'inclusive';
export type NodeType = UserNodeType | BlockType;
export const ADDABLE: readonly NodeType[] = [
  'approver',
  'handler',
  'cc',
  'conditions',
  'parallel',
  'inclusive',
];

export interface UserTreeNode extends UserNodeConfig {
  type: UserNodeType;
  id: string;
  name?: string;
}

/** A branch of a block; `condition` absent on the default branch and on parallel branches. */
export interface Branch {
  name?: string;
  condition?: string;
  nodes: TreeNode[];
}

export interface BlockNode {
  type: BlockType;
  id: string;
  name?: string;
  branches: Branch[];
}

export type TreeNode = UserTreeNode | BlockNode;

export type Resubmit = 'from_start' | 'to_sender';

export interface FlowTree {
  key: string;
  name?: string;
  fields?: string[];
  resubmit?: Resubmit;
  time_limit?: TimeLimit;
  nodes: TreeNode[];
}

export const isBlock = (n: TreeNode): n is BlockNode =>
  n.type === 'conditions' || n.type === 'parallel' || n.type === 'inclusive';

export const isUserNode = (n: TreeNode): n is UserTreeNode => !isBlock(n);

/** Blocks whose branches carry conditions (and one default branch). */
export const isConditional = (n: BlockNode): boolean => n.type !== 'parallel';

/** Where a list of nodes lives: the top level, or branch `branch` of block `block`. */
export interface Place {
  block: string | null;
  branch: number;
}

export const ROOT: Place = { block: null, branch: 0 };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a stored tree, tolerating missing members (an empty draft is `{key, nodes: []}`). */
export function asTree(value: unknown, key = ''): FlowTree {
  if (!isRecord(value)) return { key, nodes: [] };
  const nodes = Array.isArray(value.nodes) ? (value.nodes as TreeNode[]) : [];
  return { ...(value as unknown as FlowTree), key: String(value.key ?? key), nodes };
}

/** Applies `f` to every list of nodes, innermost first, rebuilding only what changed. */
function mapLists(
  nodes: TreeNode[],
  place: Place,
  f: (list: TreeNode[], place: Place) => TreeNode[],
): TreeNode[] {
  let changed = false;
  const inner = nodes.map((n) => {
    if (!isBlock(n)) return n;
    let branchChanged = false;
    const branches = n.branches.map((b, i) => {
      const list = mapLists(b.nodes ?? [], { block: n.id, branch: i }, f);
      if (list === b.nodes) return b;
      branchChanged = true;
      return { ...b, nodes: list };
    });
    if (!branchChanged) return n;
    changed = true;
    return { ...n, branches };
  });
  return f(changed ? inner : nodes, place);
}

function mapTree(tree: FlowTree, f: (list: TreeNode[], place: Place) => TreeNode[]): FlowTree {
  const nodes = mapLists(tree.nodes, ROOT, f);
  return nodes === tree.nodes ? tree : { ...tree, nodes };
}

const samePlace = (a: Place, b: Place) => a.block === b.block && a.branch === b.branch;

/** Every node in document order, with where it lives. */
export function walk(tree: FlowTree): { node: TreeNode; place: Place; index: number }[] {
  const out: { node: TreeNode; place: Place; index: number }[] = [];
  const visit = (nodes: TreeNode[], place: Place) =>
    nodes.forEach((node, index) => {
      out.push({ node, place, index });
      if (isBlock(node))
        node.branches.forEach((b, i) => {
          visit(b.nodes ?? [], { block: node.id, branch: i });
        });
    });
  visit(tree.nodes, ROOT);
  return out;
}

export function findNode(
  tree: FlowTree,
  key: string,
): { node: TreeNode; place: Place; index: number } | undefined {
  return walk(tree).find((w) => w.node.id === key);
}

/** The keys of every node and block. */
export const nodeKeys = (tree: FlowTree): string[] => walk(tree).map((w) => w.node.id);

/** The next free key for a node of `type`: `approver_1`, `approver_2`, … */
export function newKey(tree: FlowTree | string[], type: NodeType): string {
  const taken = new Set(Array.isArray(tree) ? tree : nodeKeys(tree));
  const prefix = type === 'conditions' ? 'condition' : type;
  for (let n = 1; ; n++) {
    const key = `${prefix}_${n}`;
    if (!taken.has(key)) return key;
  }
}

/** Names a new block's branches get: the conditional branches, then the default one. */
export interface BranchNames {
  condition: (n: number) => string;
  otherwise: string;
  parallel: (n: number) => string;
  /** The name a new step starts with (审批人, 办理人, 抄送人); empty when absent. */
  node?: (type: UserNodeType) => string;
}

/** A new node as the designer adds it. */
export function createNode(type: NodeType, key: string, names: BranchNames): TreeNode {
  switch (type) {
    case 'approver':
      return {
        type,
        id: key,
        name: names.node?.(type) ?? '',
        participants: [],
        mode: { type: 'sequential' },
      };
    case 'handler':
      return {
        type,
        id: key,
        name: names.node?.(type) ?? '',
        participants: [],
        mode: { type: 'any' },
      };
    case 'cc':
      return { type, id: key, name: names.node?.(type) ?? '', participants: [] };
    case 'conditions':
    case 'inclusive':
      return {
        type,
        id: key,
        name: '',
        branches: [
          { name: names.condition(1), nodes: [] },
          { name: names.otherwise, nodes: [] },
        ],
      };
    case 'parallel':
      return {
        type,
        id: key,
        name: '',
        branches: [
          { name: names.parallel(1), nodes: [] },
          { name: names.parallel(2), nodes: [] },
        ],
      };
  }
}

/** Inserts `node` at `index` of the list at `place`. */
export function insertNode(tree: FlowTree, place: Place, index: number, node: TreeNode): FlowTree {
  return mapTree(tree, (list, p) => {
    if (!samePlace(p, place)) return list;
    const out = list.slice();
    out.splice(Math.max(0, Math.min(index, out.length)), 0, node);
    return out;
  });
}

/** Removes the node with `key` (a block with everything in it). */
export function removeNode(tree: FlowTree, key: string): FlowTree {
  return mapTree(tree, (list) =>
    list.some((n) => n.id === key) ? list.filter((n) => n.id !== key) : list,
  );
}

/** Whether the node can move by `delta` within its list. */
export function canMove(tree: FlowTree, key: string, delta: number): boolean {
  const at = findNode(tree, key);
  if (!at) return false;
  const list = listAt(tree, at.place) ?? [];
  const to = at.index + delta;
  return to >= 0 && to < list.length;
}

/** Moves the node with `key` up (`-1`) or down (`1`) within its list. */
export function moveNode(tree: FlowTree, key: string, delta: number): FlowTree {
  return mapTree(tree, (list) => {
    const i = list.findIndex((n) => n.id === key);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= list.length) return list;
    const out = list.slice();
    const [n] = out.splice(i, 1);
    if (n) out.splice(j, 0, n);
    return out;
  });
}

/** Replaces the node with `key` by `f(node)`. */
export function updateNode(tree: FlowTree, key: string, f: (n: TreeNode) => TreeNode): FlowTree {
  return mapTree(tree, (list) => {
    const i = list.findIndex((n) => n.id === key);
    if (i < 0) return list;
    const out = list.slice();
    out[i] = f(list[i] as TreeNode);
    return out;
  });
}

/** The list of nodes at `place`. */
export function listAt(tree: FlowTree, place: Place): TreeNode[] | undefined {
  if (place.block === null) return tree.nodes;
  const at = findNode(tree, place.block);
  if (!at || !isBlock(at.node)) return undefined;
  return at.node.branches[place.branch]?.nodes;
}

function updateBlock(tree: FlowTree, key: string, f: (b: BlockNode) => TreeNode[]): FlowTree {
  return mapTree(tree, (list) => {
    const i = list.findIndex((n) => n.id === key);
    const n = list[i];
    if (!n || !isBlock(n)) return list;
    const out = list.slice();
    out.splice(i, 1, ...f(n));
    return out;
  });
}

/** The index of a conditional block's default branch (the one without a condition). */
export function defaultBranch(block: BlockNode): number {
  if (!isConditional(block)) return -1;
  const last = block.branches.length - 1;
  if (last >= 0 && !block.branches[last]?.condition) return last;
  return -1;
}

/** Adds a branch; in a conditional block it goes before the default branch. */
export function addBranch(tree: FlowTree, key: string, branch: Branch): FlowTree {
  return updateBlock(tree, key, (b) => {
    const branches = b.branches.slice();
    const d = defaultBranch(b);
    branches.splice(d >= 0 ? d : branches.length, 0, branch);
    return [{ ...b, branches }];
  });
}

/**
 * Removes branch `index`. A block left with one branch is dissolved: that branch's nodes take
 * its place, so nothing drawn in it is lost.
 */
export function removeBranch(tree: FlowTree, key: string, index: number): FlowTree {
  return updateBlock(tree, key, (b) => {
    const branches = b.branches.filter((_, i) => i !== index);
    if (branches.length === b.branches.length) return [b];
    if (branches.length <= 1) return branches[0]?.nodes ?? [];
    return [{ ...b, branches }];
  });
}

/** Whether branch `index` can move by `delta`: a conditional block's default stays last. */
export function canMoveBranch(block: BlockNode, index: number, delta: number): boolean {
  const to = index + delta;
  if (to < 0 || to >= block.branches.length) return false;
  const d = defaultBranch(block);
  return index !== d && to !== d;
}

/** Moves branch `index` left (`-1`, higher priority) or right (`1`). */
export function moveBranch(tree: FlowTree, key: string, index: number, delta: number): FlowTree {
  return updateBlock(tree, key, (b) => {
    if (!canMoveBranch(b, index, delta)) return [b];
    const branches = b.branches.slice();
    const [br] = branches.splice(index, 1);
    if (br) branches.splice(index + delta, 0, br);
    return [{ ...b, branches }];
  });
}

/** Changes branch `index`: its name and condition (an empty condition is removed). */
export function updateBranch(
  tree: FlowTree,
  key: string,
  index: number,
  patch: Partial<Omit<Branch, 'nodes'>>,
): FlowTree {
  return updateBlock(tree, key, (b) => {
    const old = b.branches[index];
    if (!old) return [b];
    const next: Branch = { ...old, ...patch };
    if (!next.condition?.trim()) delete next.condition;
    const branches = b.branches.slice();
    branches[index] = next;
    return [{ ...b, branches }];
  });
}

/** Keys in `before` that `after` no longer has (to drop their field permissions). */
export function removedKeys(before: FlowTree, after: FlowTree): string[] {
  const kept = new Set(nodeKeys(after));
  return nodeKeys(before).filter((k) => !kept.has(k));
}

/** Where a problem is shown: on a node card, on a branch's card, or above the tree. */
export interface Problems {
  nodes: Record<string, string[]>;
  /** By `branchId(block, index)`. */
  branches: Record<string, string[]>;
  general: string[];
}

export const branchId = (block: string, index: number) => `${block}#${index}`;

export const emptyProblems = (): Problems => ({ nodes: {}, branches: {}, general: [] });

export const problemCount = (p: Problems): number =>
  Object.values(p.nodes).reduce((n, l) => n + l.length, 0) +
  Object.values(p.branches).reduce((n, l) => n + l.length, 0) +
  p.general.length;

function push(map: Record<string, string[]>, key: string, message: string) {
  const list = map[key] ?? [];
  if (!list.includes(message)) list.push(message);
  map[key] = list;
}

export function mergeProblems(a: Problems, b: Problems): Problems {
  const out = emptyProblems();
  for (const p of [a, b]) {
    for (const [k, l] of Object.entries(p.nodes)) for (const m of l) push(out.nodes, k, m);
    for (const [k, l] of Object.entries(p.branches)) for (const m of l) push(out.branches, k, m);
    for (const m of p.general) if (!out.general.includes(m)) out.general.push(m);
  }
  return out;
}

/** Messages for the cheap checks, in the UI's language. */
export interface CheckMessages {
  noParticipants: string;
  noCondition: string;
  badCondition: (error: string) => string;
  unknownField: (field: string) => string;
  tooFewBranches: string;
  duplicateKey: string;
  badRatio: string;
  badTimeLimit: string;
  remindNeedsLimit: string;
  ruleIncomplete: string;
}

/** A condition's problem, if any: `parse` gives the syntax error; `fields` the known roots. */
export type ConditionCheck = (condition: string) => string | null;

function ruleComplete(r: ParticipantRule): boolean {
  switch (r.type) {
    case 'users':
      return r.users.length > 0;
    case 'role':
      return Boolean(r.role);
    case 'post':
      return Boolean(r.post);
    case 'supervisor':
      return r.levels >= 1;
    case 'department_members':
      return Boolean(r.department);
    case 'form_user_field':
      return Boolean(r.field);
    case 'department_head':
      return r.department?.from !== 'form_field' || Boolean(r.department.field);
    default:
      return true;
  }
}

const limitOk = (l: TimeLimit | undefined) =>
  !l || (Number.isInteger(l.amount) && l.amount > 0 && TIME_UNITS.includes(l.unit));

/**
 * The checks worth doing before the server does them: nodes without people, branches without a
 * condition, conditions that do not parse or read unknown fields, blocks of one branch,
 * duplicate keys, a vote share outside 1–100, bad time limits.
 */
export function checkTree(
  tree: FlowTree,
  messages: CheckMessages,
  checkCondition: ConditionCheck,
): Problems {
  const out = emptyProblems();
  const seen = new Set<string>();
  for (const { node } of walk(tree)) {
    if (seen.has(node.id)) push(out.nodes, node.id, messages.duplicateKey);
    seen.add(node.id);
    if (isBlock(node)) {
      if (node.branches.length < 2) push(out.nodes, node.id, messages.tooFewBranches);
      if (!isConditional(node)) continue;
      const d = defaultBranch(node);
      node.branches.forEach((b, i) => {
        const at = branchId(node.id, i);
        if (i === d) return;
        if (!b.condition?.trim()) {
          push(out.branches, at, messages.noCondition);
          return;
        }
        const problem = checkCondition(b.condition);
        if (problem) push(out.branches, at, problem);
      });
      continue;
    }
    const rules = node.participants ?? [];
    if (rules.length === 0) push(out.nodes, node.id, messages.noParticipants);
    else if (!rules.every(ruleComplete)) push(out.nodes, node.id, messages.ruleIncomplete);
    if (node.mode?.type === 'ratio') {
      const p = node.mode.percent;
      if (!Number.isInteger(p) || p < 1 || p > 100) push(out.nodes, node.id, messages.badRatio);
    }
    if (!limitOk(node.time_limit) || !limitOk(node.remind_before))
      push(out.nodes, node.id, messages.badTimeLimit);
    if (node.remind_before && !node.time_limit) push(out.nodes, node.id, messages.remindNeedsLimit);
  }
  if (!limitOk(tree.time_limit)) out.general.push(messages.badTimeLimit);
  return out;
}

/**
 * Places the engine's messages (`` `key`: problem ``) on the cards they concern: a node key, a
 * block's join (`<block>_join`), a branch's edge (`<block>_b<i>`) or an edge (`<from>_to_<to>`).
 * What names no node goes above the tree. `located` are field errors already keyed by node.
 */
export function locateServerErrors(
  tree: FlowTree,
  messages: readonly string[],
  located: readonly { key: string; message: string }[] = [],
): Problems {
  const out = emptyProblems();
  const keys = new Set(nodeKeys(tree));
  const blocks = new Map<string, BlockNode>();
  for (const { node } of walk(tree)) if (isBlock(node)) blocks.set(node.id, node);
  const byLength = [...keys].sort((a, b) => b.length - a.length);
  for (const { key, message } of located) {
    if (keys.has(key)) push(out.nodes, key, message);
    else out.general.push(message);
  }
  for (const raw of messages) {
    const m = /^`([^`]+)`:\s*(.*)$/s.exec(raw);
    if (!m) {
      if (!out.general.includes(raw)) out.general.push(raw);
      continue;
    }
    const at = m[1] as string;
    const text = m[2] || raw;
    if (keys.has(at)) {
      push(out.nodes, at, text);
      continue;
    }
    const join = at.endsWith('_join') ? at.slice(0, -'_join'.length) : null;
    if (join && keys.has(join)) {
      push(out.nodes, join, text);
      continue;
    }
    const branch = /^(.*)_b(\d+)$/.exec(at);
    if (branch && blocks.has(branch[1] as string)) {
      const block = blocks.get(branch[1] as string) as BlockNode;
      const i = Number(branch[2]);
      if (i < block.branches.length) {
        push(out.branches, branchId(block.id, i), text);
        continue;
      }
    }
    const from = byLength.find((k) => at.startsWith(`${k}_to_`));
    if (from) {
      push(out.nodes, from, text);
      continue;
    }
    const to = byLength.find((k) => at.endsWith(`_to_${k}`));
    if (to) {
      push(out.nodes, to, text);
      continue;
    }
    if (!out.general.includes(raw)) out.general.push(raw);
  }
  return out;
}
