import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../auth/session';
import { meKey } from '../../auth/session';
import { json, mockApi, renderAt } from '../../test/render';
import DelegationsPage from '.';

afterEach(() => vi.unstubAllGlobals());

const me = (permissions: Me['permissions'] = []): Me => ({
  id: 'u1',
  username: 'zhangsan',
  display_name: '张三',
  locale: 'zh-CN',
  must_change_password: false,
  totp_enabled: false,
  department_id: 'd1',
  roles: [],
  permissions,
  is_department_head: false,
  supervises_templates: false,
  tenant: { id: 't1', name: 'T', time_zone: 'Asia/Shanghai' },
});

const delegation = (over: Record<string, unknown>) => ({
  id: 'g1',
  delegator_id: 'u1',
  delegator_name: '张三',
  delegate_id: 'u2',
  delegate_name: '李四',
  starts_at: '2026-12-01T01:00:00Z',
  ends_at: '2026-12-05T10:00:00Z',
  template_ids: null,
  template_names: null,
  reason: '年假',
  move_open_tasks: true,
  state: 'active',
  created_at: '2026-11-29T01:00:00Z',
  created_by: 'u1',
  cancelled_at: null,
  ...over,
});

const page = (items: unknown[]) => ({ items, total: items.length, page: 1, page_size: 20 });

const users = page([
  { id: 'u2', username: 'lisi', display_name: '李四', status: 'active' },
  { id: 'u3', username: 'wangwu', display_name: '王五', status: 'active' },
]);

function rowOf(text: string): HTMLElement {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no row with ${text}`);
  return row;
}

/** Opens the dialog and fills the stand-in and the period. */
async function fillDialog(standIn: string) {
  fireEvent.click(screen.getByRole('button', { name: /设置委托/ }));
  const dialog = await screen.findByRole('dialog');
  fireEvent.mouseDown(within(dialog).getByLabelText('代办人'));
  fireEvent.click(await screen.findByText(standIn));
  const inputs = within(dialog)
    .getAllByRole('textbox')
    .filter((i) => /开始|结束/.test(i.getAttribute('placeholder') ?? ''));
  const [start, end] = inputs as [HTMLElement, HTMLElement];
  for (const [input, value] of [
    [start, '2030-01-02 09:00'],
    [end, '2030-01-06 18:00'],
  ] as const) {
    fireEvent.mouseDown(input);
    fireEvent.focus(input);
    fireEvent.change(input, { target: { value } });
    fireEvent.keyDown(input, { key: 'Enter', code: 'Enter', keyCode: 13 });
  }
  return dialog;
}

describe('delegations', () => {
  it('lists mine with who stands in for whom and the state, and what was done for me', async () => {
    mockApi({
      'GET /api/v1/delegations': () =>
        json(
          200,
          page([
            delegation({}),
            delegation({
              id: 'g2',
              delegator_id: 'u3',
              delegator_name: '王五',
              delegate_id: 'u1',
              delegate_name: '张三',
              state: 'scheduled',
              reason: '出差',
              created_by: 'u3',
              template_ids: ['t1'],
              template_names: ['报销'],
            }),
          ]),
        ),
      'GET /api/v1/delegations/on-behalf': () =>
        json(
          200,
          page([
            {
              task_id: 'k1',
              instance_id: 'i1',
              title: '张三的报销',
              serial_no: 'BX-001',
              node_name: '部门审批',
              holder_id: 'u2',
              holder_name: '李四',
              state: 'closed',
              close_reason: 'completed',
              stance: 'agree',
              opinion: '同意报销',
              opened_at: '2026-12-01T02:00:00Z',
              closed_at: '2026-12-01T03:00:00Z',
            },
          ]),
        ),
    });
    const { queryClient } = renderAt(<DelegationsPage />, '/delegations');
    queryClient.setQueryData(meKey, me());
    await screen.findByText('年假');
    const mine = rowOf('年假');
    expect(within(mine).getByText('生效中').className).toContain('success');
    expect(within(mine).getByText('我委托')).toBeTruthy();
    expect(within(mine).getByText('全部流程')).toBeTruthy();
    expect(within(mine).getByRole('button', { name: '取消委托' })).toBeTruthy();
    const theirs = rowOf('王五');
    expect(within(theirs).getByText('未开始')).toBeTruthy();
    expect(within(theirs).getByText('我代办')).toBeTruthy();
    expect(within(theirs).getByText('报销')).toBeTruthy();
    // A stand-in cannot cancel someone else's delegation.
    expect(within(theirs).queryByRole('button', { name: '取消委托' })).toBeNull();
    // Only HR sees the tenant's.
    expect(screen.queryByRole('tab', { name: '全部委托' })).toBeNull();

    fireEvent.click(screen.getByRole('tab', { name: '代我办理' }));
    const task = (await screen.findByText('张三的报销')).closest('tr') as HTMLElement;
    expect(within(task).getByText('部门审批')).toBeTruthy();
    expect(within(task).getByText('李四')).toBeTruthy();
    expect(within(task).getByText('同意')).toBeTruthy();
    expect(within(task).getByText('同意报销')).toBeTruthy();
  });

  it('cancels after a confirm', async () => {
    const calls = mockApi({
      'GET /api/v1/delegations': () => json(200, page([delegation({})])),
      'POST /api/v1/delegations/g1/cancel': () => json(200, delegation({ state: 'cancelled' })),
    });
    const { queryClient } = renderAt(<DelegationsPage />, '/delegations');
    queryClient.setQueryData(meKey, me());
    await screen.findByText('年假');
    fireEvent.click(within(rowOf('年假')).getByRole('button', { name: '取消委托' }));
    const confirm = await screen.findByRole('tooltip');
    fireEvent.click(within(confirm).getByRole('button', { name: '取消委托' }));
    await screen.findByText('委托已取消');
    expect(calls.some((c) => c.key === 'POST /api/v1/delegations/g1/cancel')).toBe(true);
  });

  it('sets a delegation, showing a loop refused by the server above the form', async () => {
    let attempt = 0;
    const calls = mockApi({
      'GET /api/v1/delegations': () => json(200, page([])),
      'GET /api/v1/users': () => json(200, users),
      'POST /api/v1/delegations': () =>
        ++attempt === 1
          ? json(409, {
              code: 'delegation.loop',
              message: '委托会形成循环（张三 → 李四 → 张三），没有人能办理这些待办',
            })
          : json(201, delegation({})),
    });
    const { queryClient } = renderAt(<DelegationsPage />, '/delegations');
    queryClient.setQueryData(meKey, me());
    await screen.findAllByText('暂无数据');
    const dialog = await fillDialog('李四 (lisi)');
    fireEvent.click(within(dialog).getByRole('checkbox', { name: '同时转交我现有的待办' }));
    fireEvent.click(within(dialog).getByRole('button', { name: '保存' }));
    expect((await screen.findByTestId('delegation-conflict')).textContent).toContain(
      '张三 → 李四 → 张三',
    );
    const body = calls.find((c) => c.key === 'POST /api/v1/delegations')?.body as Record<
      string,
      unknown
    >;
    expect(body.delegate_id).toBe('u2');
    expect(body.move_open_tasks).toBe(true);
    expect(body.template_ids).toBeUndefined();
    expect(body.delegator_id).toBeUndefined();
    expect(new Date(String(body.starts_at)).getTime()).toBeLessThan(
      new Date(String(body.ends_at)).getTime(),
    );

    fireEvent.click(within(dialog).getByRole('button', { name: '保存' }));
    await screen.findByText('委托已设置');
  });

  it('shows the server field errors on their fields', async () => {
    mockApi({
      'GET /api/v1/delegations': () => json(200, page([])),
      'GET /api/v1/users': () => json(200, users),
      'POST /api/v1/delegations': () =>
        json(422, {
          code: 'validation_failed',
          message: '输入有误',
          fields: [
            { field: 'delegate_id', code: 'delegation.inactive_user', message: '受托人账号已停用' },
            { field: 'ends_at', code: 'delegation.too_long', message: '委托期限最长一年' },
          ],
        }),
    });
    const { queryClient } = renderAt(<DelegationsPage />, '/delegations');
    queryClient.setQueryData(meKey, me());
    await screen.findAllByText('暂无数据');
    const dialog = await fillDialog('王五 (wangwu)');
    fireEvent.click(within(dialog).getByRole('button', { name: '保存' }));
    expect(await within(dialog).findByText('受托人账号已停用')).toBeTruthy();
    expect(within(dialog).getByText('委托期限最长一年')).toBeTruthy();
    expect(screen.queryByTestId('delegation-conflict')).toBeNull();
  });

  it('lets HR see all delegations and pick the delegator', async () => {
    const scopes: (string | null)[] = [];
    mockApi({
      'GET /api/v1/delegations': (req) => {
        scopes.push(new URL(req.url).searchParams.get('scope'));
        return json(
          200,
          page([delegation({ delegator_name: '赵六', delegator_id: 'u6', created_by: 'u6' })]),
        );
      },
      'GET /api/v1/users': () => json(200, users),
    });
    const { queryClient } = renderAt(<DelegationsPage />, '/delegations');
    queryClient.setQueryData(meKey, me(['user.read', 'user.write']));
    await screen.findByText('赵六');
    // HR may cancel anyone's.
    expect(within(rowOf('赵六')).getByRole('button', { name: '取消委托' })).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: '全部委托' }));
    await waitFor(() => expect(scopes).toContain('all'));
    fireEvent.click(screen.getByRole('button', { name: /设置委托/ }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('委托人')).toBeTruthy();
  });
});
