import { describe, expect, it } from 'vitest';
import {
  addBranch,
  type BlockNode,
  type BranchNames,
  branchId,
  type CheckMessages,
  canMove,
  canMoveBranch,
  checkTree,
  createNode,
  defaultBranch,
  type FlowTree,
  findNode,
  insertNode,
  locateServerErrors,
  moveBranch,
  moveNode,
  newKey,
  nodeKeys,
  ROOT,
  removeBranch,
  removedKeys,
  removeNode,
  type TreeNode,
  updateBranch,
  updateNode,
} from './tree';

const names: BranchNames = {
  condition: (n) => `条件${n}`,
  otherwise: '其他情况',
  parallel: (n) => `并行${n}`,
};

/** The example of docs/engine.md. */
const sample = (): FlowTree => ({
  key: 'expense',
  name: '报销',
  resubmit: 'from_start',
  nodes: [
    {
      type: 'approver',
      id: 'head',
      participants: [{ type: 'department_head' }],
      on_empty: 'to_admin',
    },
    {
      type: 'conditions',
      id: 'by_amount',
      branches: [
        {
          name: '大额',
          condition: 'amount > 10000',
          nodes: [
            { type: 'approver', id: 'gm', participants: [{ type: 'supervisor', levels: 2 }] },
          ],
        },
        { name: '其他', nodes: [] },
      ],
    },
    {
      type: 'parallel',
      id: 'sign',
      branches: [
        {
          nodes: [
            {
              type: 'approver',
              id: 'fin',
              participants: [{ type: 'role', role: 'finance' }],
              mode: { type: 'all' },
            },
          ],
        },
        {
          nodes: [
            { type: 'handler', id: 'legal', participants: [{ type: 'post', post: 'counsel' }] },
          ],
        },
      ],
    },
    { type: 'cc', id: 'cc_hr', participants: [{ type: 'role', role: 'hr' }] },
  ],
});

const block = (t: FlowTree, key: string) => findNode(t, key)?.node as BlockNode;

describe('tree editing', () => {
  it('lists keys in document order and finds where a node lives', () => {
    const t = sample();
    expect(nodeKeys(t)).toEqual(['head', 'by_amount', 'gm', 'sign', 'fin', 'legal', 'cc_hr']);
    expect(findNode(t, 'legal')).toMatchObject({ place: { block: 'sign', branch: 1 }, index: 0 });
    expect(findNode(t, 'cc_hr')).toMatchObject({ place: ROOT, index: 3 });
    expect(findNode(t, 'nope')).toBeUndefined();
  });

  it('gives new nodes free keys and their defaults', () => {
    const t = sample();
    expect(newKey(t, 'approver')).toBe('approver_1');
    expect(newKey(['condition_1', 'condition_2'], 'conditions')).toBe('condition_3');
    expect(createNode('approver', 'a', names)).toEqual({
      type: 'approver',
      id: 'a',
      name: '',
      participants: [],
      mode: { type: 'sequential' },
    });
    const c = createNode('conditions', 'c', names) as BlockNode;
    expect(c.branches.map((b) => [b.name, b.condition])).toEqual([
      ['条件1', undefined],
      ['其他情况', undefined],
    ]);
    expect((createNode('parallel', 'p', names) as BlockNode).branches).toHaveLength(2);
  });

  it('inserts at the top level and inside a branch without touching the input', () => {
    const t = sample();
    const before = JSON.stringify(t);
    const a = createNode('approver', 'a', names);
    const top = insertNode(t, ROOT, 0, a);
    expect(nodeKeys(top)[0]).toBe('a');
    const inBranch = insertNode(t, { block: 'by_amount', branch: 1 }, 0, a);
    expect(block(inBranch, 'by_amount').branches[1]?.nodes.map((n) => n.id)).toEqual(['a']);
    // Untouched parts are shared, the input is unchanged.
    expect(inBranch.nodes[2]).toBe(t.nodes[2]);
    expect(JSON.stringify(t)).toBe(before);
  });

  it('removes nodes and blocks with their contents', () => {
    const t = sample();
    expect(nodeKeys(removeNode(t, 'gm'))).not.toContain('gm');
    const noBlock = removeNode(t, 'sign');
    expect(nodeKeys(noBlock)).toEqual(['head', 'by_amount', 'gm', 'cc_hr']);
    expect(removedKeys(t, noBlock)).toEqual(['sign', 'fin', 'legal']);
  });

  it('moves nodes up and down within their list only', () => {
    const t = sample();
    expect(canMove(t, 'head', -1)).toBe(false);
    expect(canMove(t, 'head', 1)).toBe(true);
    expect(canMove(t, 'gm', 1)).toBe(false);
    expect(nodeKeys(moveNode(t, 'cc_hr', -1)).slice(-4)).toEqual(['cc_hr', 'sign', 'fin', 'legal']);
    expect(moveNode(t, 'head', -1)).toBe(t);
  });

  it('updates a node in place, keeping members it does not know', () => {
    const t = sample();
    const next = updateNode(t, 'fin', (n) => ({ ...n, name: '财务会签' }));
    expect(findNode(next, 'fin')?.node).toMatchObject({
      name: '财务会签',
      mode: { type: 'all' },
      participants: [{ type: 'role', role: 'finance' }],
    });
  });

  it('adds condition branches before the default one and keeps the default last', () => {
    const t = addBranch(sample(), 'by_amount', {
      name: '中额',
      condition: 'amount > 5000',
      nodes: [],
    });
    const b = block(t, 'by_amount');
    expect(b.branches.map((x) => x.name)).toEqual(['大额', '中额', '其他']);
    expect(defaultBranch(b)).toBe(2);
    expect(canMoveBranch(b, 1, -1)).toBe(true);
    expect(canMoveBranch(b, 1, 1)).toBe(false);
    expect(canMoveBranch(b, 2, -1)).toBe(false);
    const moved = moveBranch(t, 'by_amount', 1, -1);
    expect(block(moved, 'by_amount').branches.map((x) => x.name)).toEqual(['中额', '大额', '其他']);
    // Parallel branches have no default: they go at the end and move freely.
    const p = addBranch(t, 'sign', { nodes: [] });
    expect(block(p, 'sign').branches).toHaveLength(3);
    expect(canMoveBranch(block(p, 'sign'), 1, 1)).toBe(true);
  });

  it('dissolves a block left with one branch, keeping that branch', () => {
    const t = removeBranch(sample(), 'by_amount', 1);
    expect(nodeKeys(t)).toEqual(['head', 'gm', 'sign', 'fin', 'legal', 'cc_hr']);
    const three = addBranch(sample(), 'sign', { nodes: [] });
    expect(block(removeBranch(three, 'sign', 0), 'sign').branches).toHaveLength(2);
  });

  it('sets and clears a branch condition', () => {
    const t = updateBranch(sample(), 'by_amount', 0, { condition: '  ' });
    expect('condition' in (block(t, 'by_amount').branches[0] ?? {})).toBe(false);
    const u = updateBranch(t, 'by_amount', 0, { condition: 'amount > 1', name: 'x' });
    expect(block(u, 'by_amount').branches[0]).toMatchObject({ name: 'x', condition: 'amount > 1' });
  });
});

const messages: CheckMessages = {
  noParticipants: 'no people',
  noCondition: 'no condition',
  badCondition: (e) => `bad: ${e}`,
  unknownField: (f) => `unknown ${f}`,
  tooFewBranches: 'one branch',
  duplicateKey: 'duplicate',
  badRatio: 'ratio',
  badTimeLimit: 'limit',
  remindNeedsLimit: 'remind',
  ruleIncomplete: 'incomplete',
};

describe('checkTree', () => {
  it('passes the sample', () => {
    const p = checkTree(sample(), messages, () => null);
    expect(p).toEqual({ nodes: {}, branches: {}, general: [] });
  });

  it('finds missing people, missing conditions, bad settings and duplicates', () => {
    let t = sample();
    t = addBranch(t, 'by_amount', { name: '新', nodes: [] });
    t = insertNode(t, ROOT, 0, createNode('approver', 'a1', names));
    t = insertNode(t, ROOT, 0, {
      type: 'handler',
      id: 'h',
      participants: [{ type: 'users', users: [] }],
      mode: { type: 'ratio', percent: 0 },
      remind_before: { amount: 1, unit: 'hours' },
    } as TreeNode);
    t = insertNode(t, ROOT, 0, { ...createNode('cc', 'cc_hr', names) });
    const p = checkTree(t, messages, (c) => (c.includes('10000') ? 'cond' : null));
    expect(p.nodes.a1).toEqual(['no people']);
    expect(p.nodes.h).toEqual(['incomplete', 'ratio', 'remind']);
    expect(p.nodes.cc_hr).toEqual(['no people', 'duplicate']);
    expect(p.branches[branchId('by_amount', 0)]).toEqual(['cond']);
    expect(p.branches[branchId('by_amount', 1)]).toEqual(['no condition']);
  });
});

describe('locateServerErrors', () => {
  it('puts the engine messages on the node, branch or edge they name', () => {
    const p = locateServerErrors(
      sample(),
      [
        '`gm`: needs exactly one outgoing edge',
        '`by_amount_b0`: condition names unknown field `amount`',
        '`sign_join`: unbalanced: paths from different parallel sections meet here',
        '`head_to_by_amount`: edge refers to a missing node',
        'missing field `key` at line 1',
      ],
      [{ key: 'fin', message: '环节「fin」的人员 x 不存在或已停用' }],
    );
    expect(p.nodes.gm).toEqual(['needs exactly one outgoing edge']);
    expect(p.branches[branchId('by_amount', 0)]).toEqual([
      'condition names unknown field `amount`',
    ]);
    expect(p.nodes.sign).toEqual(['unbalanced: paths from different parallel sections meet here']);
    expect(p.nodes.head).toEqual(['edge refers to a missing node']);
    expect(p.nodes.fin).toEqual(['环节「fin」的人员 x 不存在或已停用']);
    expect(p.general).toEqual(['missing field `key` at line 1']);
  });
});
