import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Me, meKey } from '../../../auth/session';
import { json, mockApi, renderAt } from '../../../test/render';
import SupervisionPage from '.';

afterEach(() => vi.unstubAllGlobals());

const me: Me = {
  id: 'u-sup',
  username: 'wang',
  display_name: '王督办',
  locale: 'zh-CN',
  must_change_password: false,
  totp_enabled: false,
  department_id: 'd1',
  roles: ['member'],
  permissions: ['org.read', 'user.read'],
  is_department_head: false,
  supervises_templates: false,
  tenant: { id: 't', name: '示例', time_zone: 'Asia/Shanghai' },
};

const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

const task = (over: Record<string, unknown>) => ({
  task_id: 'k1',
  instance_id: 'i1',
  template_id: 't1',
  title: '张三的费用报销-100',
  serial_no: 'BX-2026-001',
  initiator_id: 'u-staff',
  node_key: 'head',
  node_name: '部门负责人',
  assignee_id: 'u-boss',
  assignee_name: '李经理',
  opened_at: '2026-11-25T01:00:00Z',
  due_at: inHours(-3),
  waiting_minutes: 3 * 1440 + 120,
  overdue: true,
  ...over,
});

const page = {
  items: [
    task({}),
    task({
      task_id: 'k2',
      instance_id: 'i2',
      title: '赵六的出差申请',
      serial_no: null,
      template_id: 't2',
      node_name: '财务',
      assignee_id: 'u-fin',
      assignee_name: '钱会计',
      due_at: inHours(5),
      waiting_minutes: 45,
      overdue: false,
    }),
    task({
      task_id: 'k3',
      instance_id: 'i3',
      title: '无时限的申请',
      due_at: null,
      waiting_minutes: 10,
      overdue: false,
    }),
  ],
  total: 3,
  page: 1,
  page_size: 20,
  counts: { open: 3, overdue: 1, due_soon: 1 },
};

const templates = [
  { id: 't1', name: '费用报销', supervisor_id: 'u-sup' },
  { id: 't2', name: '出差申请', supervisor_id: 'u-sup' },
  { id: 't9', name: '用印申请', supervisor_id: 'someone-else' },
];

function rowOf(text: string): HTMLElement {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no row with ${text}`);
  return row;
}

/** Clicks 催办 on the row with `title` and confirms the question matching `question`. */
async function urge(title: string, question: RegExp) {
  await screen.findByText(title);
  fireEvent.click(within(rowOf(title)).getByRole('button', { name: '催办' }));
  const confirm = await screen.findByRole('tooltip');
  expect(within(confirm).getByText(question)).toBeTruthy();
  fireEvent.click(within(confirm).getByRole('button', { name: '催办' }));
}

function render() {
  const { queryClient } = renderAt(<SupervisionPage />, '/flow/supervision');
  queryClient.setQueryData(meKey, me);
}

describe('supervisor console', () => {
  it('lists open tasks with their flow, handler, waiting time and due badges, counted per filter', async () => {
    mockApi({
      'GET /api/v1/flow/supervision': () => json(200, page),
      'GET /api/v1/flow/templates': () => json(200, templates),
    });
    render();
    await screen.findByText('张三的费用报销-100');
    const late = rowOf('张三的费用报销-100');
    expect(within(late).getByText('BX-2026-001')).toBeTruthy();
    expect(await within(late).findByText('费用报销')).toBeTruthy();
    expect(within(late).getByText('部门负责人')).toBeTruthy();
    expect(within(late).getByText('李经理')).toBeTruthy();
    expect(within(late).getByText('3 天 2 小时')).toBeTruthy();
    expect(within(late).getByTestId('due-badge').textContent).toBe('已超期');
    const soon = rowOf('赵六的出差申请');
    expect(within(soon).getByText('出差申请')).toBeTruthy();
    expect(within(soon).getByText('45 分钟')).toBeTruthy();
    expect(within(soon).getByTestId('due-badge').textContent).toBe('即将到期');
    const none = rowOf('无时限的申请');
    expect(within(none).getByText('无时限')).toBeTruthy();
    expect(within(none).queryByTestId('due-badge')).toBeNull();
    expect(screen.getByTestId('supervision-tab-all').textContent).toBe('全部在办 3');
    expect(screen.getByTestId('supervision-tab-overdue').textContent).toBe('已超期 1');
    expect(screen.getByTestId('supervision-tab-due_soon').textContent).toBe('24 小时内到期 1');
  });

  it('asks the server for the overdue tasks only', async () => {
    const queries: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/flow/supervision': (req) => {
        queries.push(new URL(req.url).searchParams);
        return json(200, page);
      },
      'GET /api/v1/flow/templates': () => json(200, templates),
    });
    render();
    await screen.findByText('张三的费用报销-100');
    expect(queries[0]?.get('filter')).toBe('all');
    fireEvent.click(screen.getByTestId('supervision-tab-overdue'));
    await waitFor(() => expect(queries.some((q) => q.get('filter') === 'overdue')).toBe(true));
  });

  it('offers the supervised flows only as template filters', async () => {
    mockApi({
      'GET /api/v1/flow/supervision': () => json(200, page),
      'GET /api/v1/flow/templates': () => json(200, templates),
    });
    render();
    await screen.findByText('张三的费用报销-100');
    fireEvent.mouseDown(screen.getByRole('combobox', { name: '流程' }));
    const shown = () =>
      [...document.querySelectorAll('.ant-select-item-option-content')].map((o) => o.textContent);
    await waitFor(() => expect(shown()).toEqual(['费用报销', '出差申请']));
  });

  it('urges a handler after a confirm', async () => {
    const calls = mockApi({
      'GET /api/v1/flow/supervision': () => json(200, page),
      'GET /api/v1/flow/templates': () => json(200, templates),
      'POST /api/v1/flow/instances/i1/actions': () => json(200, { id: 'i1' }),
    });
    render();
    await urge('张三的费用报销-100', /催办 李经理？/);
    await screen.findByText('已催办 李经理');
    expect(calls.find((c) => c.key === 'POST /api/v1/flow/instances/i1/actions')?.body).toEqual({
      action: 'urge',
      task_id: 'k1',
    });
  });

  it('shows the server refusing an urge within the hour', async () => {
    mockApi({
      'GET /api/v1/flow/supervision': () => json(200, page),
      'GET /api/v1/flow/templates': () => json(200, templates),
      'POST /api/v1/flow/instances/i2/actions': () =>
        json(429, { code: 'flow.urged_recently', message: '一小时内已催办过，请稍后再催' }),
    });
    render();
    await urge('赵六的出差申请', /催办 钱会计？/);
    expect(await screen.findByText('一小时内已催办过，请稍后再催')).toBeTruthy();
  });

  it('records a violation on the handler at the task step', async () => {
    const calls = mockApi({
      'GET /api/v1/flow/supervision': () => json(200, page),
      'GET /api/v1/flow/templates': () => json(200, templates),
      'POST /api/v1/flow/violations': () =>
        json(200, { id: 'v1', person_id: 'u-boss', kind: 'opinion' }),
    });
    render();
    await screen.findByText('张三的费用报销-100');
    fireEvent.click(within(rowOf('张三的费用报销-100')).getByRole('button', { name: '记录考核' }));
    const dialog = await screen.findByRole('dialog');
    // An overdue task suggests the overdue kind.
    expect((within(dialog).getByRole('radio', { name: '超期' }) as HTMLInputElement).checked).toBe(
      true,
    );
    fireEvent.click(within(dialog).getByRole('radio', { name: '意见不规范' }));
    fireEvent.change(within(dialog).getByLabelText('情况说明'), {
      target: { value: '  意见只写了“同意”  ' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: '保存' }));
    await screen.findByText('考核记录已保存');
    expect(calls.find((c) => c.key === 'POST /api/v1/flow/violations')?.body).toEqual({
      instance_id: 'i1',
      node_key: 'head',
      person_id: 'u-boss',
      kind: 'opinion',
      note: '意见只写了“同意”',
    });
  });

  it('puts the server refusing a violation note next to the note', async () => {
    mockApi({
      'GET /api/v1/flow/supervision': () => json(200, page),
      'GET /api/v1/flow/templates': () => json(200, templates),
      'POST /api/v1/flow/violations': () =>
        json(422, {
          code: 'validation_failed',
          message: '输入有误',
          fields: [
            { field: 'note', code: 'flow.violation_note', message: '请写明情况（1–500 字）' },
          ],
        }),
    });
    render();
    await screen.findByText('张三的费用报销-100');
    fireEvent.click(within(rowOf('赵六的出差申请')).getByRole('button', { name: '记录考核' }));
    const dialog = await screen.findByRole('dialog');
    expect((within(dialog).getByRole('radio', { name: '其他' }) as HTMLInputElement).checked).toBe(
      true,
    );
    fireEvent.change(within(dialog).getByLabelText('情况说明'), { target: { value: '说明' } });
    fireEvent.click(within(dialog).getByRole('button', { name: '保存' }));
    expect(await within(dialog).findByText('请写明情况（1–500 字）')).toBeTruthy();
  });

  it('hands a task to someone else with a reason, and reloads the list', async () => {
    let lists = 0;
    const calls = mockApi({
      'GET /api/v1/flow/supervision': () => {
        lists += 1;
        return json(200, page);
      },
      'GET /api/v1/flow/templates': () => json(200, templates),
      'GET /api/v1/users': () =>
        json(200, {
          items: [
            { id: 'u-boss', username: 'li', display_name: '李经理' },
            { id: 'u-new', username: 'sun', display_name: '孙主管' },
          ],
          total: 2,
          page: 1,
          page_size: 20,
        }),
      'POST /api/v1/flow/instances/i1/actions': () => json(200, { id: 'i1' }),
    });
    render();
    await screen.findByText('张三的费用报销-100');
    fireEvent.click(within(rowOf('张三的费用报销-100')).getByRole('button', { name: '换人' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('李经理')).toBeTruthy();
    fireEvent.mouseDown(within(dialog).getByRole('combobox'));
    // The current handler is not offered.
    const option = await waitFor(() => {
      const o = document.querySelector('.ant-select-item-option[title="孙主管 (sun)"]');
      if (!o) throw new Error('option not shown yet');
      return o;
    });
    expect(document.querySelector('.ant-select-item-option[title="李经理 (li)"]')).toBeNull();
    fireEvent.click(option);
    fireEvent.change(within(dialog).getByLabelText('原因'), { target: { value: ' 出差 ' } });
    const before = lists;
    fireEvent.click(within(dialog).getByRole('button', { name: '换人' }));
    await screen.findByText('已更换办理人，双方都会收到通知');
    expect(calls.find((c) => c.key === 'POST /api/v1/flow/instances/i1/actions')?.body).toEqual({
      action: 'replace_handler',
      task_id: 'k1',
      to: 'u-new',
      reason: '出差',
    });
    await waitFor(() => expect(lists).toBeGreaterThan(before));
  });

  it('tells someone who supervises nothing what the page is for', async () => {
    mockApi({
      'GET /api/v1/flow/supervision': () =>
        json(200, {
          items: [],
          total: 0,
          page: 1,
          page_size: 20,
          counts: { open: 0, overdue: 0, due_soon: 0 },
        }),
      'GET /api/v1/flow/templates': () => json(200, []),
    });
    render();
    expect(
      await screen.findByText('没有需要督办的待办。您督办的流程有在办待办时会列在这里。'),
    ).toBeTruthy();
  });
});
