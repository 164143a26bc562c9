import { describe, expect, it } from 'vitest';
import { translate } from '../../i18n/locale';
import { isLastNode, readGraph } from './graph';
import {
  carriesBothStances,
  checkOpinion,
  type DecisionContext,
  isSpecific,
  opinionRequired,
  REFUSAL_MESSAGE,
  readAloneAllowed,
  validateTaskAction,
} from './opinion';
import { graph } from './testData';

const node = (over: Partial<DecisionContext['node']> = {}): DecisionContext['node'] => ({
  mode: 'single',
  actions: ['agree', 'disagree', 'read', 'send_back', 'add_signers'],
  opinion: { stance_required: false, inform_only: false, relay: false },
  ...over,
});

const ctx = (over: Partial<DecisionContext> = {}): DecisionContext => ({
  node: node(),
  isLast: false,
  isSuperior: false,
  bothStances: false,
  ...over,
});

describe('R5 opinion rules (mirroring crates/engine/src/opinion.rs)', () => {
  it('不同意 needs a reason; 同意 does not', () => {
    expect(checkOpinion('disagree', '  ', ctx())).toBe('opinion_required');
    expect(checkOpinion('disagree', '金额超出标准', ctx())).toBeNull();
    expect(checkOpinion('agree', '', ctx())).toBeNull();
  });

  it('已阅 alone is refused in the middle of a flow, allowed with a reason', () => {
    expect(checkOpinion('read', '', ctx())).toBe('read_needs_reason');
    expect(checkOpinion('read', '不熟悉此业务，仅知悉', ctx())).toBeNull();
  });

  it('已阅 alone is fine on the last node only when no signer can be added (R5 A)', () => {
    expect(checkOpinion('read', '', ctx({ isLast: true }))).toBe('read_needs_reason');
    const closed = node({ actions: ['agree', 'disagree', 'read'] });
    expect(checkOpinion('read', '', ctx({ isLast: true, node: closed }))).toBeNull();
  });

  it('已阅 alone is fine on inform-only nodes (B) and for relay countersigners (C)', () => {
    const inform = node({ opinion: { stance_required: false, inform_only: true, relay: false } });
    const relay = node({ opinion: { stance_required: true, inform_only: false, relay: true } });
    expect(checkOpinion('read', '', ctx({ node: inform }))).toBeNull();
    expect(checkOpinion('read', '', ctx({ node: relay }))).toBeNull();
  });

  it('on a stance-required node 已阅 needs a written reason, even on the last node', () => {
    const stance = node({
      actions: ['agree', 'disagree', 'read'],
      opinion: { stance_required: true, inform_only: false, relay: false },
    });
    expect(checkOpinion('read', '', ctx({ node: stance, isLast: true }))).toBe('stance_required');
    expect(checkOpinion('read', '需进一步调查，暂不表态', ctx({ node: stance }))).toBeNull();
  });

  it('a superior of the initiator must agree or disagree, never 已阅, whatever is written', () => {
    const inform = node({ opinion: { stance_required: false, inform_only: true, relay: false } });
    expect(checkOpinion('read', '已知悉', ctx({ isSuperior: true, node: inform }))).toBe(
      'superior_must_take_stance',
    );
    expect(checkOpinion('agree', '', ctx({ isSuperior: true }))).toBeNull();
  });

  it('once both stances are on record, countersigners must be specific', () => {
    const all = node({ mode: 'all' });
    expect(checkOpinion('agree', '同意', ctx({ node: all, bothStances: true }))).toBe(
      'opinion_must_be_specific',
    );
    expect(checkOpinion('agree', '同意。', ctx({ node: all, bothStances: true }))).toBe(
      'opinion_must_be_specific',
    );
    expect(
      checkOpinion('agree', '同意差旅部分，招待费另议', ctx({ node: all, bothStances: true })),
    ).toBeNull();
    // single approvers and 或签 are not countersigners
    expect(checkOpinion('agree', '同意', ctx({ bothStances: true }))).toBeNull();
    expect(
      checkOpinion('agree', '', ctx({ node: node({ mode: 'any' }), bothStances: true })),
    ).toBeNull();
    for (const mode of ['ratio', 'sequential'])
      expect(checkOpinion('agree', 'OK!', ctx({ node: node({ mode }), bothStances: true }))).toBe(
        'opinion_must_be_specific',
      );
  });

  it('says what is bare and what is specific like the engine', () => {
    expect(isSpecific('同意')).toBe(false);
    expect(isSpecific('不同意。')).toBe(false);
    expect(isSpecific('Agree!')).toBe(false);
    expect(isSpecific('ok')).toBe(false);
    expect(isSpecific('同意报销')).toBe(true);
    expect(isSpecific('fine')).toBe(true);
  });

  it('reads both stances from the history', () => {
    expect(carriesBothStances([{ stance: 'agree' }, { stance: 'read' }])).toBe(false);
    expect(
      carriesBothStances([{ stance: 'agree' }, { stance: null }, { stance: 'disagree' }]),
    ).toBe(true);
  });

  it('tells the dialog when the opinion field is required', () => {
    expect(opinionRequired('disagree', ctx())).toBe(true);
    expect(opinionRequired('agree', ctx())).toBe(false);
    expect(opinionRequired('read', ctx())).toBe(true);
    expect(readAloneAllowed(ctx({ node: node({ actions: ['read'] }), isLast: true }))).toBe(true);
    expect(opinionRequired('agree', ctx({ node: node({ mode: 'all' }), bothStances: true }))).toBe(
      true,
    );
  });

  it('words every refusal like the server, in both languages', () => {
    expect(translate(REFUSAL_MESSAGE.read_needs_reason, undefined, 'en')).toBe(
      'Not allowed: read alone is only allowed on the last node, inform-only nodes or for relay countersigners; write a reason',
    );
    expect(translate(REFUSAL_MESSAGE.superior_must_take_stance, undefined, 'en')).toBe(
      "Not allowed: a superior approving a subordinate's flow must agree or disagree",
    );
    for (const key of Object.values(REFUSAL_MESSAGE))
      expect(translate(key, undefined, 'zh-CN')).not.toBe(key);
  });
});

describe('the other checks of task actions', () => {
  const c = { decision: ctx(), me: 'u-me', now: Date.parse('2026-11-29T04:00:00Z') };

  it('send-back, keep pending and extension need a reason', () => {
    expect(validateTaskAction({ action: 'send_back', to: 'initiator', opinion: '' }, c)).toBe(
      'opinion_required',
    );
    expect(
      validateTaskAction(
        { action: 'keep_pending', reason: ' ', promised: '2026-12-05T15:59:59Z' },
        c,
      ),
    ).toBe('opinion_required');
    expect(validateTaskAction({ action: 'request_extension', days: 1, reason: '' }, c)).toBe(
      'opinion_required',
    );
  });

  it('a promised date must be in the future; an extension is one or two days', () => {
    expect(
      validateTaskAction(
        { action: 'keep_pending', reason: '等供应商报价', promised: '2026-11-29T03:00:00Z' },
        c,
      ),
    ).toBe('promise_in_past');
    expect(
      validateTaskAction(
        { action: 'keep_pending', reason: '等供应商报价', promised: '2026-12-01T15:59:59Z' },
        c,
      ),
    ).toBeNull();
    expect(validateTaskAction({ action: 'request_extension', days: 3, reason: '调查' }, c)).toBe(
      'extension_too_long',
    );
  });

  it('signers and copies need people; nobody removes themself or hands a task to themself', () => {
    expect(validateTaskAction({ action: 'add_signers', users: [], position: 'after' }, c)).toBe(
      'no_users',
    );
    expect(validateTaskAction({ action: 'cc', users: ['u-a'] }, c)).toBeNull();
    expect(validateTaskAction({ action: 'remove_signers', users: ['u-me'] }, c)).toBe(
      'cannot_remove_self',
    );
    expect(validateTaskAction({ action: 'transfer', to: 'u-me' }, c)).toBe('same_assignee');
    expect(validateTaskAction({ action: 'delegate', to: 'u-a' }, c)).toBeNull();
  });
});

describe('the flow graph', () => {
  const g = readGraph(graph);

  it('reads nodes, modes, actions and opinion rules', () => {
    expect(g.nodes.map((n) => n.key)).toEqual(['start', 'head', 'fin', 'gm', 'end']);
    expect(g.nodes[2]?.mode).toBe('all');
    expect(g.nodes[2]?.opinion.stance_required).toBe(true);
    expect(g.nodes[1]?.actions).toContain('add_signers');
    expect(g.nodes[3]?.actions).toEqual(['agree', 'disagree', 'read']);
  });

  it('knows the last node: nothing to approve follows it', () => {
    expect(isLastNode(g, 'gm')).toBe(true);
    expect(isLastNode(g, 'head')).toBe(false);
    expect(isLastNode(g, 'nope')).toBe(false);
  });

  it('counts a boundary timer leading to more work', () => {
    const withTimer = readGraph({
      nodes: [
        ...graph.nodes,
        { key: 't', kind: { type: 'timer_boundary', attached_to: 3 } },
        { key: 'boss', kind: { type: 'handle' } },
      ],
      edges: [...graph.edges, { from: 5, to: 6 }, { from: 6, to: 4 }],
    });
    expect(isLastNode(withTimer, 'gm')).toBe(false);
  });

  it('gives an empty graph for shapes it does not know', () => {
    expect(readGraph(null)).toEqual({ nodes: [], edges: [] });
  });
});
