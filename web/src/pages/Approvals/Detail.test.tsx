import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, mockApi, renderAt } from '../../test/render';
import ApprovalPage from './Detail';
import { useLiveApprovals } from './live';
import { history, INITIATOR, instance, ME, me } from './testData';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-29T04:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

// route steps name their people (no lookups for them)
const route = [
  {
    node_key: 'head',
    node_name: '部门负责人',
    assignees: [ME],
    assignee_names: ['李经理'],
    when: 'current',
  },
  {
    node_key: 'fin',
    node_name: '财务会签',
    assignees: ['u-f1', 'u-f2'],
    assignee_names: ['钱会计', '孙出纳'],
    when: 'next',
  },
];

const names: Record<string, string> = {
  'u-f1': '钱会计',
  'u-f2': '孙出纳',
  'u-boss': '赵总',
  'u-sec': '秘书小王',
};

const base = (me_ = me(), superiors: string[] = []) => ({
  'GET /api/v1/me': () => json(200, me_),
  'GET /api/v1/flow/instances/i1/route': () => json(200, route),
  [`GET /api/v1/users/${INITIATOR}/supervisors`]: () =>
    json(
      200,
      superiors.map((id) => ({ id, username: id, display_name: id })),
    ),
  ...Object.fromEntries(
    Object.entries(names).map(([id, display_name]) => [
      `GET /api/v1/users/${id}`,
      () => json(200, { id, display_name, username: id }),
    ]),
  ),
  'GET /api/v1/flow/todo': () => json(200, { items: [], total: 0, page: 1, page_size: 5 }),
});

/** The page as the signed-in frame holds it: with the live stream mounted. */
function Live() {
  useLiveApprovals();
  return <ApprovalPage />;
}

const open = (path = '/approvals/instances/i1') =>
  renderAt(<ApprovalPage />, path, '/approvals/instances/:id');

function bar() {
  return screen.findByTestId('action-bar');
}

describe('the approval page', () => {
  it('shows the form, the record with stances and stand-ins, the route and my actions', async () => {
    const v = instance({
      history: [
        history({ seq: 1 }),
        history({
          seq: 2,
          action: 'carbon_copied',
          actor_id: INITIATOR,
          users: ['u-boss'],
          from_node: 'head',
        }),
        history({
          seq: 3,
          action: 'decided',
          stance: 'agree',
          opinion: '情况属实',
          actor_id: 'u-sec',
          actor_name: '秘书小王',
          acting_for_id: 'u-boss',
          from_node: 'head',
        }),
      ],
    });
    mockApi({ ...base(), 'GET /api/v1/flow/instances/i1': () => json(200, v) });
    open();
    expect((await screen.findByTestId('instance-title')).textContent).toBe('周敏的费用报销-1200');
    // the real form renderer, read-only (this task may change nothing)
    const form = screen.getByTestId('form-renderer');
    expect(within(form).getByText('金额')).toBeTruthy();
    expect(form.textContent).toMatch(/1,?200/);
    expect(within(form).getByText('客户拜访差旅')).toBeTruthy();
    expect(form.querySelector('input, textarea')).toBeNull();
    expect(screen.getByTestId('serial').textContent).toBe('BX-2026-001');
    const entries = screen.getAllByTestId('history-entry');
    expect(entries).toHaveLength(3);
    expect(entries[0]?.textContent).toContain('发起申请');
    expect(await within(entries[1] as HTMLElement).findByText('抄送：赵总')).toBeTruthy();
    expect(within(entries[2] as HTMLElement).getByTestId('acting-for').textContent).toBe(
      '代赵总办理',
    );
    expect(within(entries[2] as HTMLElement).getByTestId('stance-tag').textContent).toBe('同意');
    expect(within(entries[2] as HTMLElement).getByTestId('opinion').textContent).toBe('情况属实');
    const routeEl = screen.getByTestId('route');
    expect(await within(routeEl).findByText('预计由 钱会计、孙出纳 处理')).toBeTruthy();
    expect(within(routeEl).getByText('李经理 处理中')).toBeTruthy();
    const actions = within(await bar()).getAllByRole('button');
    expect(actions.map((b) => b.textContent)).toEqual([
      '同意',
      '不同意',
      '已阅',
      '退回',
      expect.stringContaining('更多'),
    ]);
  });

  it('lets the approver change the editable fields, checks them, sends only the changes', async () => {
    const v = instance({
      fields: [
        { key: 'amount', label: '金额', kind: 'money' },
        { key: 'reason', label: '事由', kind: 'textarea', max_length: 10 },
      ],
    });
    const task = v.my_tasks[0];
    if (task) task.editable = ['reason'];
    const calls = mockApi({
      ...base(),
      'GET /api/v1/flow/instances/i1': () => json(200, v),
      'POST /api/v1/flow/tasks/task1/actions': () =>
        json(422, {
          code: 'validation',
          message: '表单有误',
          fields: [{ field: 'form.reason', code: 'form.unique', message: '「事由」已被使用' }],
        }),
    });
    open();
    await bar();
    // only 事由 is editable; 金额 is read-only
    expect(document.getElementById('form-amount')).toBeNull();
    const reason = document.getElementById('form-reason') as HTMLElement;
    fireEvent.change(reason, { target: { value: '这段事由明显超过了十个字的长度' } });
    fireEvent.click(within(await bar()).getByRole('button', { name: '同意' }));
    // the browser's check stops it before the dialog
    expect(await screen.findByText('「事由」最多 10 个字')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    fireEvent.change(reason, { target: { value: '补充说明' } });
    fireEvent.click(within(await bar()).getByRole('button', { name: '同意' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: '同意' }));
    await waitFor(() =>
      expect(calls.find((c) => c.key === 'POST /api/v1/flow/tasks/task1/actions')?.body).toEqual({
        action: 'agree',
        opinion: '',
        form: { reason: '补充说明' },
      }),
    );
    // the server's field error shows on the field
    expect(await screen.findByText('「事由」已被使用')).toBeTruthy();
  });

  it('refuses 不同意 without a reason like the server, then sends it once with a key', async () => {
    const calls = mockApi({
      ...base(),
      'GET /api/v1/flow/instances/i1': () => json(200, instance()),
      'POST /api/v1/flow/tasks/task1/actions': () =>
        json(
          200,
          instance({
            lock_version: 4,
            tasks: [],
            my_tasks: [],
            current_nodes: ['fin'],
            history: [
              history({ seq: 1 }),
              history({
                seq: 2,
                action: 'decided',
                stance: 'disagree',
                opinion: '超出差旅标准',
                actor_id: ME,
                actor_name: '李经理',
                from_node: 'head',
              }),
            ],
          }),
        ),
    });
    open();
    fireEvent.click(within(await bar()).getByRole('button', { name: '不同意' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: '不同意' }));
    expect(await within(dialog).findByText('操作未被允许：须填写意见或理由')).toBeTruthy();
    expect(calls.some((c) => c.key.startsWith('POST'))).toBe(false);
    fireEvent.change(within(dialog).getByRole('textbox', { name: '审批意见' }), {
      target: { value: '超出差旅标准' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: '不同意' }));
    await waitFor(() =>
      expect(calls.filter((c) => c.key === 'POST /api/v1/flow/tasks/task1/actions')).toHaveLength(
        1,
      ),
    );
    const post = calls.find((c) => c.key === 'POST /api/v1/flow/tasks/task1/actions');
    expect(post?.body).toEqual({ action: 'disagree', opinion: '超出差旅标准' });
    expect(post?.headers.get('Idempotency-Key')).toMatch(/.{8,}/);
    expect(await screen.findByTestId('handled')).toBeTruthy();
    expect(screen.queryByTestId('action-bar')).toBeNull();
    expect(await screen.findByText('超出差旅标准')).toBeTruthy();
  });

  it('asks for a reason for 已阅 in the middle of the flow', async () => {
    const calls = mockApi({
      ...base(),
      'GET /api/v1/flow/instances/i1': () => json(200, instance()),
    });
    open();
    fireEvent.click(within(await bar()).getByRole('button', { name: '已阅' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('此环节需要表态：选择“已阅”须写明不表态的理由')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: '已阅' }));
    expect(
      await within(dialog).findByText(
        '操作未被允许：只有最后环节、仅需知会的环节或接力会签者可以只选「已阅」；否则请写明理由',
      ),
    ).toBeTruthy();
    expect(calls.some((c) => c.key.startsWith('POST'))).toBe(false);
  });

  it('does not offer 已阅 to a superior of the initiator', async () => {
    mockApi({
      ...base(me(), [ME]),
      'GET /api/v1/flow/instances/i1': () => json(200, instance()),
    });
    open();
    const b = await bar();
    await waitFor(() => expect(within(b).queryByRole('button', { name: '已阅' })).toBeNull());
    expect(within(b).getByRole('button', { name: '同意' })).toBeTruthy();
  });

  it('says so and reloads when someone acted meanwhile (409)', async () => {
    let gets = 0;
    mockApi({
      ...base(),
      'GET /api/v1/flow/instances/i1': () => {
        gets += 1;
        return json(200, gets === 1 ? instance() : instance({ my_tasks: [], tasks: [] }));
      },
      'POST /api/v1/flow/tasks/task1/actions': () =>
        json(409, { code: 'flow.task_closed', message: '该待办已处理', request_id: 'r' }),
    });
    open();
    fireEvent.click(within(await bar()).getByRole('button', { name: '同意' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: '同意' }));
    expect(await screen.findByText('该待办已处理')).toBeTruthy();
    await waitFor(() => expect(gets).toBe(2));
    await waitFor(() => expect(screen.queryByTestId('action-bar')).toBeNull());
  });

  it('sends back to a passed node with a reason', async () => {
    const calls = mockApi({
      ...base(),
      'GET /api/v1/flow/instances/i1': () =>
        json(
          200,
          instance({
            my_tasks: instance().my_tasks.map((t) => ({
              ...t,
              node_key: 'fin',
              send_back_targets: ['head'],
            })),
          }),
        ),
      'POST /api/v1/flow/tasks/task1/actions': () => json(200, instance({ my_tasks: [] })),
    });
    open();
    fireEvent.click(within(await bar()).getByRole('button', { name: '退回' }));
    const dialog = await screen.findByRole('dialog');
    // the node passed last is chosen; the initiator is the other choice
    expect(
      (within(dialog).getByRole('radio', { name: '部门负责人' }) as HTMLInputElement).checked,
    ).toBe(true);
    expect(within(dialog).getByRole('radio', { name: '发起人' })).toBeTruthy();
    fireEvent.change(within(dialog).getByRole('textbox', { name: '原因' }), {
      target: { value: '请补充发票' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: '退回' }));
    await waitFor(() =>
      expect(calls.find((c) => c.key === 'POST /api/v1/flow/tasks/task1/actions')?.body).toEqual({
        action: 'send_back',
        to: 'head',
        opinion: '请补充发票',
      }),
    );
  });

  it('gives the initiator urge and withdraw, and withdraws', async () => {
    const calls = mockApi({
      ...base(me(INITIATOR, '周敏')),
      'GET /api/v1/flow/instances/i1': () =>
        json(200, instance({ my_tasks: [], instance_actions: ['withdraw', 'cancel', 'urge'] })),
      'POST /api/v1/flow/instances/i1/actions': () =>
        json(
          200,
          instance({ my_tasks: [], current_nodes: ['start'], instance_actions: ['cancel'] }),
        ),
    });
    open();
    const b = await bar();
    expect(within(b).getByRole('button', { name: '催办' })).toBeTruthy();
    fireEvent.click(within(b).getByRole('button', { name: '撤回' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: '撤回' }));
    await waitFor(() =>
      expect(calls.find((c) => c.key === 'POST /api/v1/flow/instances/i1/actions')?.body).toEqual({
        action: 'withdraw',
        reason: '',
      }),
    );
  });

  it('marks my copy read', async () => {
    const calls = mockApi({
      ...base(),
      'GET /api/v1/flow/instances/i1': () =>
        json(200, instance({ my_tasks: [], my_unread_cc: [1] })),
      'POST /api/v1/flow/instances/i1/cc/read': () =>
        json(200, instance({ my_tasks: [], my_unread_cc: [] })),
    });
    open();
    fireEvent.click(within(await bar()).getByRole('button', { name: '标为已阅' }));
    await waitFor(() =>
      expect(calls.some((c) => c.key === 'POST /api/v1/flow/instances/i1/cc/read')).toBe(true),
    );
    await waitFor(() => expect(screen.queryByTestId('action-bar')).toBeNull());
  });

  it('puts the actions in a bar fixed to the bottom on a phone', async () => {
    vi.stubGlobal('matchMedia', (query: string) => ({
      matches: query.includes('max-width'),
      media: query,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      onchange: null,
      dispatchEvent: () => false,
    }));
    mockApi({ ...base(), 'GET /api/v1/flow/instances/i1': () => json(200, instance()) });
    open();
    const b = await bar();
    expect(b.getAttribute('data-mobile')).toBe('true');
    expect(b.style.position).toBe('fixed');
    // three buttons and "more"
    expect(within(b).getAllByRole('button')).toHaveLength(4);
  });

  it('updates by itself when a notice about the instance arrives', async () => {
    class FakeSource {
      static last: FakeSource | undefined;
      listeners = new Map<string, (e?: unknown) => void>();
      constructor() {
        FakeSource.last = this;
      }
      addEventListener(type: string, fn: (e?: unknown) => void) {
        this.listeners.set(type, fn);
      }
      close() {}
    }
    vi.stubGlobal('EventSource', FakeSource);
    let current = instance();
    mockApi({ ...base(), 'GET /api/v1/flow/instances/i1': () => json(200, current) });
    renderAt(<Live />, '/approvals/instances/i1', '/approvals/instances/:id');
    await bar();
    // someone else (或签) decided: my task is gone
    current = instance({
      my_tasks: [],
      tasks: [],
      history: [
        history({ seq: 1 }),
        history({
          seq: 2,
          action: 'decided',
          stance: 'agree',
          opinion: '同意，按标准报销',
          actor_id: 'u-f1',
          actor_name: '钱会计',
          from_node: 'head',
        }),
      ],
    });
    // the silent event every person involved gets on each action
    act(() => {
      FakeSource.last?.listeners.get('notification')?.({
        data: JSON.stringify({ kind: 'flow.changed', instance_id: 'i1', data: {} }),
      });
    });
    expect(await screen.findByText('同意，按标准报销')).toBeTruthy();
    await waitFor(() => expect(screen.queryByTestId('action-bar')).toBeNull());
  });
});
