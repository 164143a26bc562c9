import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { barEntries } from './ActionBar';
import { buildBody, endOfDayIso } from './ActionDialog';
import { removableSigners, viewerActions, withdrawable } from './actions';
import {
  changedEditable,
  editableKeys,
  formErrorsOf,
  formSpecOf,
  taskPermissions,
} from './formState';
import { readGraph } from './graph';
import { readFilters, writeFilters } from './List';
import { staleKeys } from './live';
import { routeSteps } from './RouteSteps';
import { labelsOf, summaryPairs } from './summary';
import { history, INITIATOR, instance, ME } from './testData';

const g = readGraph(instance().graph);
const NOW = Date.parse('2026-11-29T04:00:00Z');

describe('what the action bar offers', () => {
  it('an approver gets the node’s actions, decisions first', () => {
    const a = viewerActions(instance(), ME, g, NOW);
    expect(a.task?.task_id).toBe('task1');
    expect(a.primary).toEqual(['agree', 'disagree', 'read', 'send_back']);
    // nobody else signs here: 减签 has no one to remove
    expect(a.more).toEqual([
      'transfer',
      'delegate',
      'add_signers',
      'cc',
      'keep_pending',
      'request_extension',
    ]);
    expect(a.instance).toEqual([]);
    expect(a.resubmit).toBe(false);
  });

  it('offers 减签 only when someone could be removed, and 延期 only once', () => {
    const v = instance({
      history: [
        history({ seq: 1 }),
        history({
          seq: 2,
          action: 'signers_added',
          actor_id: ME,
          from_node: 'head',
          users: ['u-a', 'u-b'],
          at: '2026-11-28T02:00:00Z',
        }),
        history({
          seq: 3,
          action: 'extended',
          actor_id: ME,
          from_node: 'head',
          opinion: '需核算',
          at: '2026-11-28T03:00:00Z',
        }),
      ],
      tasks: [
        ...instance().tasks,
        {
          id: 'task2',
          instance_id: 'i1',
          node_key: 'head',
          node_name: '部门负责人',
          assignee_id: 'u-a',
          state: 'closed',
          close_reason: 'completed',
          opened_at: '2026-11-28T02:00:00Z',
        },
      ],
    });
    expect(removableSigners(v, ME, 'head')).toEqual(['u-b']);
    const a = viewerActions(v, ME, g, NOW);
    expect(a.more).toContain('remove_signers');
    expect(a.more).not.toContain('request_extension');
  });

  it('a delegated task can only be returned', () => {
    const v = instance({
      my_tasks: [
        {
          task_id: 'task1',
          node_key: 'head',
          actions: ['return_delegation'],
          send_back_targets: [],
          editable: [],
          delegated_by: 'u-boss',
        },
      ],
    });
    const a = viewerActions(v, ME, g, NOW);
    expect(a.primary).toEqual([]);
    expect(a.more).toEqual(['return_delegation']);
  });

  it('the initiator may urge, withdraw (until someone acted) and cancel', () => {
    const v = instance({ my_tasks: [], instance_actions: ['withdraw', 'cancel', 'urge'] });
    expect(viewerActions(v, INITIATOR, g, NOW).instance).toEqual(['urge', 'withdraw', 'cancel']);
    const acted = instance({
      my_tasks: [],
      instance_actions: ['withdraw', 'cancel', 'urge'],
      history: [
        history({ seq: 1 }),
        history({ seq: 2, action: 'decided', stance: 'agree', actor_id: 'u-x', from_node: 'head' }),
      ],
    });
    expect(withdrawable(acted, g)).toBe(false);
    expect(viewerActions(acted, INITIATOR, g, NOW).instance).toEqual(['urge', 'cancel']);
    // after a resubmission the slate is clean again
    acted.history.push(history({ seq: 3, action: 'resubmitted' }));
    expect(withdrawable(acted, g)).toBe(true);
  });

  it('knows the initiator urged within the hour', () => {
    const v = instance({
      my_tasks: [],
      instance_actions: ['urge'],
      history: [
        history({ seq: 1 }),
        history({ seq: 2, action: 'urged', actor_id: INITIATOR, at: '2026-11-29T03:30:00Z' }),
      ],
    });
    expect(viewerActions(v, INITIATOR, g, NOW).urgedRecently).toBe(true);
    expect(viewerActions(v, INITIATOR, g, NOW + 3_600_000).urgedRecently).toBe(false);
  });

  it('after a send-back to the initiator offers resubmit, withdraw no more', () => {
    const v = instance({
      current_nodes: ['start'],
      tasks: [],
      my_tasks: [
        { task_id: 'r1', node_key: 'start', actions: [], send_back_targets: [], editable: [] },
      ],
      instance_actions: ['withdraw', 'cancel', 'urge'],
    });
    const a = viewerActions(v, INITIATOR, g, NOW);
    expect(a.resubmit).toBe(true);
    expect(a.primary).toEqual([]);
    expect(a.instance).toEqual(['cancel']);
  });

  it('offers nothing on a finished instance, but marking a copy read', () => {
    const v = instance({ status: 'approved', instance_actions: [], my_unread_cc: [1] });
    const a = viewerActions(v, ME, g, NOW);
    expect(a.task).toBeUndefined();
    expect(a.markRead).toBe(true);
  });

  it('hides 已阅 from a superior of the initiator and keeps cancel under "more"', () => {
    const a = viewerActions(instance(), ME, g, NOW);
    const { main } = barEntries(a, { isSuperior: true, urgeTip: '' });
    expect(main.map((e) => e.kind)).toEqual(['agree', 'disagree', 'send_back']);
    const initiator = viewerActions(
      instance({ my_tasks: [], instance_actions: ['withdraw', 'cancel', 'urge'] }),
      INITIATOR,
      g,
      NOW,
    );
    const bar = barEntries(initiator, { isSuperior: false, urgeTip: '' });
    expect(bar.main.map((e) => e.kind)).toEqual(['urge', 'withdraw']);
    expect(bar.more.map((e) => e.kind)).toEqual(['cancel']);
  });
});

describe('the flow position', () => {
  it('lists start, passed nodes with their stance, the steps ahead and the end', () => {
    const v = instance({
      current_nodes: ['fin'],
      passed_nodes: ['start', 'head'],
      history: [
        history({ seq: 1 }),
        history({
          seq: 2,
          action: 'decided',
          stance: 'agree',
          actor_id: 'u-head',
          from_node: 'head',
          at: '2026-11-28T02:00:00Z',
        }),
      ],
    });
    const steps = routeSteps(v, g, [
      {
        node_key: 'fin',
        node_name: '财务会签',
        assignees: ['u-f1', 'u-f2'],
        assignee_names: ['财务一', '财务二'],
        when: 'current',
      },
      {
        node_key: 'gm',
        node_name: '总经理',
        assignees: ['u-gm'],
        assignee_names: ['总经理'],
        when: 'next',
      },
    ]);
    expect(steps.map((s) => [s.kind, s.title, s.status])).toEqual([
      ['start', '', 'finish'],
      ['passed', '部门负责人', 'finish'],
      ['current', '财务会签', 'process'],
      ['next', '总经理', 'wait'],
      ['end', '', 'wait'],
    ]);
    expect(steps[1]?.people).toEqual(['u-head']);
    expect(steps[1]?.stance).toBe('agree');
  });

  it('ends in error when rejected', () => {
    const steps = routeSteps(instance({ status: 'rejected', current_nodes: [] }), g, []);
    expect(steps.at(-1)?.status).toBe('error');
  });
});

describe('list helpers', () => {
  it('labels summary fields from the template form', () => {
    expect(summaryPairs({ amount: 1200, empty: '' }, new Map([['amount', '金额']]))).toEqual([
      { key: 'amount', label: '金额', value: '1200' },
    ]);
    expect(summaryPairs({ dept: { id: 'd1', name: '销售部' } }, undefined)).toEqual([
      { key: 'dept', label: 'dept', value: '销售部' },
    ]);
  });

  it('labels summary fields from the item’s own summary_labels', () => {
    const labels = labelsOf({ summary_labels: { amount: '金额' } });
    expect(summaryPairs({ amount: 1200 }, labels)).toEqual([
      { key: 'amount', label: '金额', value: '1200' },
    ]);
    expect(labelsOf({}).size).toBe(0);
  });

  it('keeps filters in the URL and reads them back', () => {
    const f = { q: '报销', template_id: 't1', from: '2026-11-01', read: false, sort: 'due_at' };
    const p = writeFilters(f, 3);
    expect(p.toString()).toBe(
      'q=%E6%8A%A5%E9%94%80&template=t1&from=2026-11-01&sort=due_at&read=false&page=3',
    );
    expect(readFilters(p)).toEqual({ ...f, to: undefined, status: undefined });
  });
});

describe('live invalidation (flow.changed)', () => {
  it('the silent flow.changed refreshes counts, every list and that instance', () => {
    const keys = staleKeys({
      type: 'notification',
      data: { kind: 'flow.changed', instance_id: 'i7', data: { status: 'running' } },
    });
    expect(keys).toContainEqual(['flow', 'counts']);
    for (const tab of ['todo', 'done', 'started', 'cc', 'to-read'])
      expect(keys).toContainEqual(['flow', tab]);
    expect(keys).toContainEqual(['flow', 'instance', 'i7']);
    expect(staleKeys({ type: 'notification', data: { kind: 'flow.changed' } })).toContainEqual([
      'flow',
      'counts',
    ]);
  });
});

describe('live invalidation', () => {
  it('a notice about an instance refreshes the lists, the counts and that instance', () => {
    const keys = staleKeys({
      type: 'notification',
      data: { kind: 'task_assigned', instance_id: 'i9' },
    });
    expect(keys).toContainEqual(['flow', 'counts']);
    expect(keys).toContainEqual(['flow', 'todo']);
    expect(keys).toContainEqual(['flow', 'to-read']);
    expect(keys).toContainEqual(['flow', 'instance', 'i9']);
  });

  it('a delegation moves tasks; other notices leave the lists alone; reload refreshes all', () => {
    expect(
      staleKeys({ type: 'notification', data: { kind: 'delegation_started' } }),
    ).toContainEqual(['flow', 'todo']);
    expect(staleKeys({ type: 'notification', data: { kind: 'password_changed' } })).toEqual([]);
    expect(staleKeys({ type: 'reload' })).toContainEqual(['flow', 'instance']);
  });
});

describe('dialog bodies', () => {
  const ctx = { timeZone: 'Asia/Shanghai' };

  it('builds each action’s request', () => {
    expect(buildBody('disagree', { opinion: ' 超标 ' }, ctx)).toEqual({
      action: 'disagree',
      opinion: '超标',
    });
    expect(buildBody('send_back', { to: 'initiator', opinion: '补发票' }, ctx)).toEqual({
      action: 'send_back',
      to: 'initiator',
      opinion: '补发票',
    });
    expect(buildBody('add_signers', { users: ['u-a'] }, ctx)).toEqual({
      action: 'add_signers',
      users: ['u-a'],
      position: 'after',
    });
    expect(buildBody('urge', {}, ctx)).toEqual({ action: 'urge', message: '' });
  });

  it('promises the end of the chosen day in the tenant’s zone', () => {
    expect(endOfDayIso('2026-12-01', 'Asia/Shanghai')).toBe('2026-12-01T15:59:59.000Z');
  });

  it('sends the changed editable fields with agree and resubmit only', () => {
    const changes = { amount: 1300 };
    expect(buildBody('agree', { opinion: '同意' }, { ...ctx, changes })).toEqual({
      action: 'agree',
      opinion: '同意',
      form: { amount: 1300 },
    });
    expect(buildBody('agree', { opinion: '' }, { ...ctx, changes: {} })).toEqual({
      action: 'agree',
      opinion: '',
    });
    expect(buildBody('resubmit', {}, { ...ctx, changes })).toEqual({
      action: 'resubmit',
      form: { amount: 1300 },
    });
    expect(buildBody('resubmit', {}, ctx)).toEqual({ action: 'resubmit' });
    expect(buildBody('disagree', { opinion: '不行' }, { ...ctx, changes })).toEqual({
      action: 'disagree',
      opinion: '不行',
    });
  });
});

describe('the form on the approval page', () => {
  const task = instance().my_tasks[0];

  it('builds the spec and gives editable keys edit, the rest read', () => {
    const v = instance();
    expect(formSpecOf(v)).toEqual({ columns: 1, fields: v.fields });
    expect(taskPermissions(v.fields, ['amount'])).toEqual({ amount: 'edit', reason: 'read' });
  });

  it('edits only on a task that may agree, or the initiator’s resubmission', () => {
    if (!task) throw new Error('no task');
    const t = { ...task, editable: ['amount'] };
    expect(editableKeys(t, false)).toEqual(['amount']);
    expect(editableKeys({ ...t, actions: ['read', 'transfer'] }, false)).toEqual([]);
    expect(editableKeys({ ...t, actions: [] }, true)).toEqual(['amount']);
    expect(editableKeys(undefined, false)).toEqual([]);
  });

  it('sends only the editable fields that changed', () => {
    const before = { amount: 1200, reason: '差旅', note: 'x' };
    expect(
      changedEditable(['amount', 'reason'], before, { amount: 1200, reason: '补充', note: 'y' }),
    ).toEqual({ reason: '补充' });
    expect(changedEditable(['note'], before, { note: undefined })).toEqual({ note: null });
    expect(changedEditable(['amount'], before, { reason: 'z' })).toEqual({});
  });

  it('places the server’s form errors on their fields', () => {
    const e = new ApiError({
      status: 422,
      code: 'validation',
      message: '表单有误',
      fields: [
        { field: 'form.amount', code: 'form.not_editable', message: '「金额」在此环节不可修改' },
        { field: 'opinion', code: 'x', message: 'y' },
      ],
    });
    expect(formErrorsOf(e)).toEqual([
      { field: 'form.amount', code: 'form.not_editable', message: '「金额」在此环节不可修改' },
    ]);
    expect(formErrorsOf(new Error('x'))).toEqual([]);
  });
});
