/**
 * The parts of an instance's flow graph (`InstanceView.graph`, the engine's `FlowGraph` as JSON)
 * the approval page reads: node names and kinds, each user node's mode, allowed actions and
 * opinion rules, and the edges for "is this the last node".
 */

export interface OpinionPolicy {
  stance_required: boolean;
  inform_only: boolean;
  relay: boolean;
}

export interface GraphNode {
  key: string;
  name: string;
  /** `start`, `end`, `approve`, `handle`, `cc`, `exclusive`, `parallel`, … */
  type: string;
  /** Index of the embedded sub-process it lives in. */
  parent?: number;
  /** User nodes: `single`, `sequential`, `all`, `any`, `ratio`. */
  mode: string;
  /** User nodes: the allowed actions (the engine's default is every action). */
  actions: string[];
  opinion: OpinionPolicy;
  /** Timer boundaries: the task node they watch. */
  attachedTo?: number;
}

export interface Graph {
  nodes: GraphNode[];
  edges: { from: number; to: number }[];
}

/** Every task action, in the engine's order (a node without a list allows them all). */
export { TASK_ACTIONS as ALL_TASK_ACTIONS } from '../Flow/taskActions';

import { TASK_ACTIONS as ALL_TASK_ACTIONS } from '../Flow/taskActions';

const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Pure: reads the graph JSON defensively (unknown shapes give an empty graph). */
export function readGraph(raw: unknown): Graph {
  const g = obj(raw);
  const nodes = (Array.isArray(g.nodes) ? g.nodes : []).map((n): GraphNode => {
    const node = obj(n);
    const kind = obj(node.kind);
    const opinion = obj(kind.opinion);
    return {
      key: String(node.key ?? ''),
      name: typeof node.name === 'string' ? node.name : '',
      type: String(kind.type ?? ''),
      parent: num(node.parent),
      mode: String(obj(kind.mode).type ?? 'single'),
      actions: Array.isArray(kind.actions)
        ? kind.actions.filter((a): a is string => typeof a === 'string')
        : [...ALL_TASK_ACTIONS],
      opinion: {
        stance_required: opinion.stance_required === true,
        inform_only: opinion.inform_only === true,
        relay: opinion.relay === true,
      },
      attachedTo: num(kind.attached_to),
    };
  });
  const edges = (Array.isArray(g.edges) ? g.edges : []).flatMap((e) => {
    const edge = obj(e);
    const from = num(edge.from);
    const to = num(edge.to);
    return from === undefined || to === undefined ? [] : [{ from, to }];
  });
  return { nodes, edges };
}

export const nodeByKey = (g: Graph, key: string | null | undefined): GraphNode | undefined =>
  key ? g.nodes.find((n) => n.key === key) : undefined;

/** A node's display name: its name, else its key. */
export const nodeName = (g: Graph, key: string): string => {
  const n = nodeByKey(g, key);
  return n?.name || key;
};

/** The start node's key (where the initiator resubmits). */
export const startKey = (g: Graph): string | undefined =>
  g.nodes.find((n) => n.type === 'start' && n.parent === undefined)?.key;

const WORK = new Set(['approve', 'handle', 'sub_process', 'call_activity']);

/**
 * Pure: whether no approve/handle node, sub-process or call can follow `key` — the engine's
 * `is_last` (successors are edges, a sub-process's inner start and a task's boundary timers).
 */
export function isLastNode(g: Graph, key: string): boolean {
  const start = g.nodes.findIndex((n) => n.key === key);
  if (start < 0) return false;
  const successors = (i: number): number[] => [
    ...g.edges.filter((e) => e.from === i).map((e) => e.to),
    ...g.nodes.flatMap((n, j) => (n.type === 'start' && n.parent === i ? [j] : [])),
    ...g.nodes.flatMap((n, j) => (n.type === 'timer_boundary' && n.attachedTo === i ? [j] : [])),
  ];
  const seen = new Set<number>();
  const stack = successors(start);
  while (stack.length > 0) {
    const v = stack.pop() as number;
    if (seen.has(v)) continue;
    seen.add(v);
    if (WORK.has(g.nodes[v]?.type ?? '')) return false;
    stack.push(...successors(v));
  }
  return true;
}
