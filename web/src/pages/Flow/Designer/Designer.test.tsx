import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../../auth/session';
import { json, mockApi, renderAt } from '../../../test/render';
import type { Template } from '../Templates/services';
import TemplateDesignerPage from '.';

afterEach(() => vi.unstubAllGlobals());

const tree = {
  key: 'flow_t1',
  nodes: [
    {
      type: 'approver',
      id: 'head',
      name: '部门负责人',
      participants: [{ type: 'supervisor', levels: 1 }],
    },
    {
      type: 'conditions',
      id: 'by_amount',
      branches: [
        {
          name: '大额',
          condition: 'amount > 10000',
          nodes: [
            {
              type: 'approver',
              id: 'gm',
              name: '总经理',
              participants: [{ type: 'role', role: 'hr' }],
            },
          ],
        },
        { name: '其他', nodes: [] },
      ],
    },
    { type: 'cc', id: 'cc_hr', name: '抄送人事', participants: [{ type: 'role', role: 'hr' }] },
  ],
};

const template = (over: Partial<Template> = {}): Template => ({
  id: 't1',
  name: '费用报销',
  category: '财务',
  icon: 'expense',
  description: '',
  status: 'active',
  current_version_id: 'v3',
  latest_version: 3,
  supervisor_id: 'u-sup',
  settings: {
    admins: [],
    allow_bulk_approve: false,
    serial_pattern: 'BX-{yyyy}-{seq:4}',
    serial_reset: 'yearly',
    starter_departments: [],
    starter_roles: [],
    starter_users: [],
    summary_fields: ['amount'],
    title_template: '{initiator}的报销',
    visible_to_leaders: false,
  },
  form: {
    fields: [
      { key: 'amount', label: '金额', kind: 'money' },
      { key: 'kind', label: '类型', kind: 'select', options: ['差旅', '办公'] },
      { key: 'reason', label: '事由', kind: 'textarea' },
    ],
  } as Template['form'],
  definition: { kind: 'tree', tree: tree as unknown as Record<string, never> },
  updated_at: '2026-11-28T02:00:00Z',
  ...over,
});

const bpmn = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC">
  <bpmn:process id="p"><bpmn:startEvent id="start"/></bpmn:process>
  <bpmndi:BPMNDiagram><bpmndi:BPMNPlane bpmnElement="p">
    <bpmndi:BPMNShape bpmnElement="start"><dc:Bounds x="0" y="0" width="36" height="36"/></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>`;

function render(routes: Parameters<typeof mockApi>[0] = {}, tpl: Template = template()) {
  const calls = mockApi({
    'GET /api/v1/flow/templates/t1': () => json(200, tpl),
    'GET /api/v1/flow/templates': () => json(200, [tpl]),
    'PATCH /api/v1/flow/templates/t1': async (req) => json(200, { ...tpl, ...(await req.json()) }),
    'GET /api/v1/users': () => json(200, { items: [], total: 0, page: 1, page_size: 20 }),
    'GET /api/v1/users/u-sup': () => json(200, { id: 'u-sup', display_name: '王督办' }),
    'GET /api/v1/departments': () => json(200, []),
    'GET /api/v1/companies': () => json(200, []),
    'GET /api/v1/posts': () => json(200, []),
    'GET /api/v1/roles': () =>
      json(200, [
        { key: 'hr', name: '人事', permissions: [] },
        { key: 'member', name: '员工', permissions: [] },
      ]),
    ...routes,
  });
  const { queryClient } = renderAt(
    <TemplateDesignerPage />,
    '/flow/templates/t1',
    '/flow/templates/:id',
  );
  queryClient.setQueryData(meKey, null);
  return calls;
}

const lastBody = (calls: ReturnType<typeof mockApi>, key: string) =>
  calls.filter((c) => c.key === key).at(-1)?.body as Record<string, unknown> | undefined;

/**
 * The first element matching `selector` (and holding `text`), waited for. Cheaper than role
 * queries over the whole designer, which the shared machine makes slow.
 */
function el(selector: string, text?: string): Promise<HTMLElement> {
  return waitFor(() => {
    const found = [...document.querySelectorAll<HTMLElement>(selector)].find(
      (e) => text === undefined || e.textContent?.includes(text),
    );
    if (!found) throw new Error(`no ${selector} with ${text ?? 'anything'}`);
    return found;
  });
}

const openTab = async (key: string) =>
  fireEvent.click(await el(`[data-node-key="${key}"] .ant-tabs-tab-btn`));

async function openFlow() {
  await openTab('flow');
  return el('[data-testid="flow-designer"]');
}

const drawer = () => el('.ant-drawer-section');
const confirmDialog = (text: string) => el('.ant-modal-confirm', text);
const modal = () => el('.ant-modal-container');
const toolbar = (label: string) => el('button', label);

const card = (id: string) => screen.getByTestId(id);

describe('template designer', () => {
  it('shows the settings and draws the flow as cards', async () => {
    render();
    expect(((await el('#template-settings_name')) as HTMLInputElement).value).toBe('费用报销');
    expect((screen.getByLabelText('流水号格式') as HTMLInputElement).value).toBe(
      'BX-{yyyy}-{seq:4}',
    );
    await openFlow();
    expect(card('node-start').textContent).toContain('所有人');
    expect(card('node-head').textContent).toContain('部门负责人');
    expect(card('node-head').textContent).toContain('直属上级');
    // Conditions the rule builder reads are shown in words.
    expect(card('branch-by_amount#0').textContent).toContain('金额 大于 10000');
    expect(card('branch-by_amount#0').textContent).toContain('优先级 1');
    expect(card('branch-by_amount#1').textContent).toContain('默认');
    expect(card('branch-by_amount#1').textContent).toContain('其他条件都不满足时进入此分支');
    await waitFor(() => expect(card('node-cc_hr').textContent).toContain('角色：人事'));
    expect(screen.getByText('流程结束')).toBeTruthy();
  });

  it('adds an approver, flags it without people and saves the draft when confirmed', async () => {
    const calls = render();
    await openFlow();
    fireEvent.click(await el('button[aria-label="添加环节"]'));
    fireEvent.click(await el('.ant-dropdown-menu-item', '审批人'));
    // The new step opens in the drawer.
    const panel = await drawer();
    expect(panel.textContent).toContain('环节标识: approver_1');
    fireEvent.change(within(panel).getByLabelText('环节名称'), { target: { value: '主管' } });
    expect(card('node-approver_1').textContent).toContain('主管');
    expect(card('node-approver_1').textContent).toContain('请设置审批人');

    fireEvent.click(await toolbar('保存草稿'));
    const dialog = await confirmDialog('流程中有 1 处问题，仍要保存草稿吗？');
    await waitFor(() => expect(card('node-approver_1').getAttribute('data-error')).toBe('true'));
    expect(card('node-approver_1').textContent).toContain('未设置处理人');
    fireEvent.click(within(dialog).getByRole('button', { name: '仍然保存' }));
    await el('.ant-message', '草稿已保存');
    const body = lastBody(calls, 'PATCH /api/v1/flow/templates/t1') as {
      name: string;
      supervisor_id: string;
      settings: Record<string, unknown>;
      definition: { kind: string; tree: { nodes: { id: string; name: string }[] } };
    };
    expect(body.name).toBe('费用报销');
    expect(body.supervisor_id).toBe('u-sup');
    expect(body.settings.serial_pattern).toBe('BX-{yyyy}-{seq:4}');
    expect(body.definition.kind).toBe('tree');
    expect(body.definition.tree.nodes.map((n) => n.id)).toEqual([
      'approver_1',
      'head',
      'by_amount',
      'cc_hr',
    ]);
    expect(body.definition.tree.nodes[0]).toMatchObject({
      type: 'approver',
      name: '主管',
      participants: [],
    });
  });

  it('removes a step and undoes it', async () => {
    render();
    await openFlow();
    fireEvent.click(within(card('node-cc_hr')).getByRole('button', { name: '删除' }));
    expect(screen.queryByTestId('node-cc_hr')).toBeNull();
    expect(screen.getByText('有未保存的修改')).toBeTruthy();
    fireEvent.click(await toolbar('撤销'));
    expect(card('node-cc_hr')).toBeTruthy();
    // Moving: the first step cannot go up, the last cannot go down.
    expect(
      within(card('node-head')).getByRole('button', { name: '上移' }).hasAttribute('disabled'),
    ).toBe(true);
    fireEvent.click(within(card('node-head')).getByRole('button', { name: '下移' }));
    const order = [...screen.getByTestId('flow-designer').querySelectorAll('[data-testid]')]
      .map((e) => e.getAttribute('data-testid'))
      .filter((id) => id === 'node-head' || id === 'block-by_amount');
    expect(order).toEqual(['block-by_amount', 'node-head']);
  });

  it('writes a branch condition with the rule builder or as an expression', async () => {
    const calls = render();
    await openFlow();
    fireEvent.click(within(card('branch-by_amount#0')).getByRole('button', { name: '大额' }));
    const panel = await drawer();
    // The stored text is read back into rules.
    expect(within(panel).getByTestId('condition-text').textContent).toBe('amount > 10000');
    fireEvent.change(within(panel).getByLabelText('值'), { target: { value: '20000' } });
    await waitFor(() =>
      expect(card('branch-by_amount#0').textContent).toContain('金额 大于 20000'),
    );
    fireEvent.click(within(panel).getByText('表达式'));
    const raw = within(panel).getByLabelText('条件表达式') as HTMLTextAreaElement;
    expect(raw.value).toBe('amount > 20000');
    fireEvent.change(raw, { target: { value: 'amount > 1 &&' } });
    expect(await within(panel).findByText(/条件有误/)).toBeTruthy();
    fireEvent.change(raw, { target: { value: 'total > 1' } });
    expect(await within(panel).findByText('条件中的「total」不是表单字段')).toBeTruthy();
    fireEvent.change(raw, { target: { value: 'kind == "办公"' } });
    await waitFor(() => expect(card('branch-by_amount#0').textContent).toContain('类型 等于 办公'));
    fireEvent.change(raw, { target: { value: 'amount * 2 > 1' } });
    // What the builder cannot read stays as written.
    await waitFor(() => expect(card('branch-by_amount#0').textContent).toContain('amount * 2 > 1'));
    fireEvent.change(raw, { target: { value: 'kind == "办公"' } });
    fireEvent.click(await toolbar('保存草稿'));
    await el('.ant-message', '草稿已保存');
    const body = lastBody(calls, 'PATCH /api/v1/flow/templates/t1') as {
      definition: { tree: typeof tree };
    };
    expect(body.definition.tree.nodes[1]).toMatchObject({
      id: 'by_amount',
      branches: [{ name: '大额', condition: 'kind == "办公"' }, { name: '其他' }],
    });
  });

  it('adds a condition branch before the default one', async () => {
    render();
    await openFlow();
    fireEvent.click(await toolbar('添加条件'));
    expect(card('branch-by_amount#1').textContent).toContain('请设置条件');
    expect(card('branch-by_amount#2').textContent).toContain('其他条件都不满足时进入此分支');
  });

  it('sets what each field is at a step', async () => {
    const calls = render();
    await openFlow();
    fireEvent.click(within(card('node-head')).getByRole('button', { name: '部门负责人' }));
    const panel = await drawer();
    fireEvent.click(await el('.ant-drawer-section [data-node-key="fields"] .ant-tabs-tab-btn'));
    const table = await within(panel).findByTestId('field-permissions');
    const row = within(table).getByText('金额').closest('tr') as HTMLElement;
    expect((within(row).getByRole('radio', { name: '只读' }) as HTMLInputElement).checked).toBe(
      true,
    );
    fireEvent.click(within(row).getByRole('radio', { name: '隐藏' }));
    const reason = within(table).getByText('事由').closest('tr') as HTMLElement;
    fireEvent.click(within(reason).getByRole('radio', { name: '可编辑' }));
    fireEvent.click(await toolbar('保存草稿'));
    await el('.ant-message', '草稿已保存');
    const body = lastBody(calls, 'PATCH /api/v1/flow/templates/t1') as {
      form: { permissions: Record<string, Record<string, string>> };
    };
    expect(body.form.permissions).toEqual({ head: { amount: 'hidden', reason: 'edit' } });
  });

  it("publishes with notes and shows the engine's problems on the cards", async () => {
    const calls = render({
      'POST /api/v1/flow/templates/t1/publish': () =>
        json(422, {
          code: 'validation_failed',
          message: '提交的内容有误，请检查标出的字段',
          request_id: 'r',
          fields: [
            { field: 'definition', code: 'flow.definition_invalid', message: '流程定义有误' },
            { field: 'definition.cc_hr', code: 'flow.unknown_participant', message: '人员不存在' },
          ],
          details: {
            errors: [
              '`gm`: needs exactly one outgoing edge',
              '`by_amount_b0`: condition names unknown field `amount`',
            ],
          },
        }),
    });
    await el('#template-settings_name');
    fireEvent.click(await toolbar('发布'));
    const dialog = await modal();
    expect(within(dialog).getByText('发布第 4 版')).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('版本说明'), {
      target: { value: '增加大额审批' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: '发布' }));
    await el('[data-testid="flow-designer"]');
    await waitFor(() => expect(card('node-gm').getAttribute('data-error')).toBe('true'));
    expect(card('node-gm').textContent).toContain('needs exactly one outgoing edge');
    expect(card('branch-by_amount#0').textContent).toContain(
      'condition names unknown field `amount`',
    );
    expect(card('node-cc_hr').textContent).toContain('人员不存在');
    expect(card('node-head').getAttribute('data-error')).toBeNull();
    expect(lastBody(calls, 'POST /api/v1/flow/templates/t1/publish')).toEqual({
      notes: '增加大额审批',
    });
    // Nothing changed, so nothing was saved first.
    expect(calls.some((c) => c.key === 'PATCH /api/v1/flow/templates/t1')).toBe(false);
  });

  it('saves a changed draft before publishing it', async () => {
    const calls = render({
      'POST /api/v1/flow/templates/t1/publish': () =>
        json(200, {
          id: 'v4',
          version: 4,
          notes: '',
          published_at: '2026-11-29T02:00:00Z',
          bpmn,
        }),
    });
    const name = await el('#template-settings_name');
    fireEvent.change(name, { target: { value: '日常报销' } });
    fireEvent.click(await toolbar('发布'));
    const dialog = await modal();
    fireEvent.click(within(dialog).getByRole('button', { name: '发布' }));
    await el('.ant-message', '已发布第 4 版');
    const keys = calls.map((c) => c.key);
    expect(keys.indexOf('PATCH /api/v1/flow/templates/t1')).toBeLessThan(
      keys.indexOf('POST /api/v1/flow/templates/t1/publish'),
    );
    expect(lastBody(calls, 'PATCH /api/v1/flow/templates/t1')?.name).toBe('日常报销');
  });

  it('asks for a supervisor before publishing', async () => {
    const calls = render({}, template({ supervisor_id: null }));
    await el('#template-settings_name');
    fireEvent.click(await toolbar('发布'));
    await el('.ant-form-item-explain-error', '发布前须指定一名督办者');
    expect(calls.some((c) => c.key.includes('publish'))).toBe(false);
  });

  it('lists the published versions with their diagrams', async () => {
    render({
      'GET /api/v1/flow/templates/t1/versions': () =>
        json(200, [
          {
            id: 'v3',
            version: 3,
            notes: '调整金额',
            published_by: 'u-sup',
            published_at: '2026-11-28T02:00:00Z',
            bpmn,
          },
          { id: 'v2', version: 2, notes: '', published_at: '2026-11-01T02:00:00Z', bpmn },
        ]),
    });
    await openTab('versions');
    const v3 = await screen.findByTestId('version-3');
    expect(within(v3).getByText('当前版本')).toBeTruthy();
    expect(within(v3).getByText('调整金额')).toBeTruthy();
    await waitFor(() => expect(v3.textContent).toContain('王督办 发布于 2026/11/28 10:00:00'));
    expect(within(screen.getByTestId('version-2')).getByText('（无版本说明）')).toBeTruthy();
    fireEvent.click(within(v3).getByRole('button', { name: /流程图/ }));
    expect(within(v3).getByTestId('flow-diagram')).toBeTruthy();
  });

  it('shows an imported BPMN flow read-only and can start over in the designer', async () => {
    render({}, template({ definition: { kind: 'bpmn', bpmn } }));
    await openTab('flow');
    await el('[data-testid="flow-diagram"]');
    fireEvent.click(await toolbar('改用设计器'));
    const dialog = await confirmDialog('放弃导入的 BPMN，用设计器从头绘制流程？');
    fireEvent.click(within(dialog).getByRole('button', { name: '改用设计器' }));
    await el('[data-testid="flow-designer"]');
    expect(card('node-start')).toBeTruthy();
  });

  it('sets how a step decides and its time limit, shown on its card', async () => {
    render();
    await openFlow();
    fireEvent.click(within(card('node-head')).getByRole('button', { name: '部门负责人' }));
    const panel = await drawer();
    fireEvent.click(within(panel).getByRole('radio', { name: /会签/ }));
    await waitFor(() => expect(card('node-head').textContent).toContain('会签'));
    fireEvent.click(within(panel).getByRole('radio', { name: /票签/ }));
    const percent = within(panel).getByLabelText('通过比例') as HTMLInputElement;
    expect(percent.value).toBe('50');
    await waitFor(() => expect(card('node-head').textContent).toContain('票签 50%'));
    fireEvent.click(await el('.ant-drawer-section [data-node-key="advanced"] .ant-tabs-tab-btn'));
    fireEvent.click(await el('.ant-drawer-section button[role="switch"][aria-label="办理时限"]'));
    await waitFor(() => expect(card('node-head').textContent).toContain('时限 1 个工作日'));
    // The overdue policy and reminder appear with a limit.
    expect(panel.textContent).toContain('超期时');
  });

  it('opens the step drawer full screen on a phone', async () => {
    vi.stubGlobal('matchMedia', (query: string) => ({
      matches: query.includes('max-width'),
      media: query,
      addEventListener: () => {},
      removeEventListener: () => {},
    }));
    render();
    await openFlow();
    fireEvent.click(within(card('node-head')).getByRole('button', { name: '部门负责人' }));
    const wrapper = await el('.ant-drawer-content-wrapper');
    expect(wrapper.style.width).toBe('100%');
  });

  it("sets where resubmission goes and the whole flow's time limit on the initiator", async () => {
    const calls = render();
    await openFlow();
    fireEvent.click(within(card('node-start')).getByRole('button', { name: '发起人' }));
    const panel = await drawer();
    expect(panel.textContent).toContain('所有人');
    fireEvent.click(within(panel).getByRole('radio', { name: '直接回到退回的环节' }));
    fireEvent.click(within(panel).getByRole('switch', { name: '办结时限' }));
    fireEvent.click(await toolbar('保存草稿'));
    await el('.ant-message', '草稿已保存');
    const body = lastBody(calls, 'PATCH /api/v1/flow/templates/t1') as {
      definition: { tree: Record<string, unknown> };
    };
    expect(body.definition.tree.resubmit).toBe('to_sender');
    expect(body.definition.tree.time_limit).toEqual({ amount: 1, unit: 'working_days' });
  });

  it('asks before leaving with unsaved changes', async () => {
    render();
    fireEvent.change(await el('#template-settings_name'), { target: { value: '日常报销' } });
    fireEvent.click(await toolbar('返回列表'));
    const dialog = await confirmDialog('有未保存的修改');
    fireEvent.click(within(dialog).getByRole('button', { name: '离开' }));
    await el('[data-testid="elsewhere"]');
  });
});
