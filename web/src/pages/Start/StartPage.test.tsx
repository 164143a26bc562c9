import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { MemoryRouter, Route, Routes, useLocation, useParams } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../auth/session';
import { I18nProvider } from '../../i18n';
import { json, mockApi } from '../../test/render';
import StartPage from './StartPage';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-29T04:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const me = {
  id: 'u-me',
  username: 'zhou',
  display_name: '周小明',
  locale: 'zh-CN',
  must_change_password: false,
  totp_enabled: false,
  department_id: 'd1',
  roles: [],
  permissions: ['org.read', 'user.read'],
  is_department_head: false,
  supervises_templates: false,
  tenant: { id: 't', name: 'T', time_zone: 'Asia/Shanghai' },
};

const startForm = {
  template_id: 't-leave',
  version_id: 'v1',
  name: '请假',
  category: '人事',
  description: '事假、病假、年假',
  form: {
    fields: [
      { key: 'reason', label: '事由', kind: 'text', required: true },
      { key: 'days', label: '天数', kind: 'number', default: 1 },
    ],
  },
  chosen_nodes: [{ key: 'pick', name: '自选审批人' }],
};

const draftView = (over: Record<string, unknown> = {}) => ({
  id: 'd1',
  template_id: 't-leave',
  template_name: '请假',
  form: { reason: '回家探亲', days: 3, old_field: 'x' },
  created_at: '2026-11-27T02:00:00Z',
  updated_at: '2026-11-28T02:00:00Z',
  ...over,
});

const users = {
  items: [
    {
      id: 'u-wang',
      username: 'wang',
      display_name: '王经理',
      status: 'active',
    },
  ],
  total: 1,
  page: 1,
  page_size: 20,
};

const base = {
  'GET /api/v1/flow/catalog/t-leave': () => json(200, startForm),
  'GET /api/v1/users': () => json(200, users),
};

function Instance() {
  const { id } = useParams();
  return <div data-testid="instance">{id}</div>;
}

function Search() {
  return <div data-testid="search">{useLocation().search}</div>;
}

function renderStart(path: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  queryClient.setQueryData(meKey, me);
  render(
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <AntApp>
          <MemoryRouter initialEntries={[path]}>
            <Routes>
              <Route
                path="/start/:templateId"
                element={
                  <>
                    <StartPage />
                    <Search />
                  </>
                }
              />
              <Route path="/approvals/instances/:id" element={<Instance />} />
              <Route path="*" element={<div data-testid="elsewhere" />} />
            </Routes>
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
  return queryClient;
}

const instance = { id: 'i9', template_id: 't-leave', status: 'running' };

async function chooseWang() {
  fireEvent.mouseDown(screen.getByLabelText('自选审批人'));
  const option = await waitFor(() => {
    const o = document.querySelector('.ant-select-item-option[title="王经理 (wang)"]');
    if (!o) throw new Error('option not shown yet');
    return o;
  });
  fireEvent.click(option);
}

const submitBar = () => screen.getByRole('toolbar', { name: '发起操作' });
const press = (name: string) =>
  fireEvent.click(within(submitBar()).getByRole('button', { name: new RegExp(name) }));

describe('start page', () => {
  it('resumes a draft, submits it with the chosen people, then deletes it', async () => {
    const calls = mockApi({
      ...base,
      'GET /api/v1/flow/drafts/d1': () => json(200, draftView()),
      'POST /api/v1/flow/instances': () => json(200, instance),
      'DELETE /api/v1/flow/drafts/d1': () => new Response(null, { status: 204 }),
    });
    renderStart('/start/t-leave?draft=d1');
    const reason = (await screen.findByLabelText('事由')) as HTMLInputElement;
    expect(reason.value).toBe('回家探亲');
    expect((screen.getByLabelText('天数') as HTMLInputElement).value).toBe('3');
    // A field the form lost since the draft was saved is named, not sent.
    expect(screen.getByText(/草稿中的 1 项已不在表单中，已忽略：old_field/)).toBeTruthy();
    expect(screen.getByTestId('draft-saved-at').textContent).toBe('保存于 2026/11/28 10:00:00');
    await chooseWang();
    press('提交');
    expect(await screen.findByTestId('instance')).toBeTruthy();
    expect(screen.getByTestId('instance').textContent).toBe('i9');
    const post = calls.find((c) => c.key === 'POST /api/v1/flow/instances');
    expect(post?.body).toEqual({
      template_id: 't-leave',
      form: { reason: '回家探亲', days: 3 },
      chosen: { pick: ['u-wang'] },
    });
    expect(post?.headers.get('Idempotency-Key')).toMatch(/.{8,}/);
    expect(calls.some((c) => c.key === 'DELETE /api/v1/flow/drafts/d1')).toBe(true);
  });

  it('starts with the form defaults and checks the form in the browser first', async () => {
    const calls = mockApi(base);
    renderStart('/start/t-leave');
    expect(await screen.findByRole('heading', { name: '请假' })).toBeTruthy();
    expect(screen.getByText('事假、病假、年假')).toBeTruthy();
    expect((screen.getByLabelText('天数') as HTMLInputElement).value).toBe('1');
    press('提交');
    expect(await screen.findByText('请填写「事由」')).toBeTruthy();
    press('预览流程');
    expect(calls.some((c) => c.key.startsWith('POST'))).toBe(false);
  });

  it('leaves out the fields the initiator may not fill in', async () => {
    const calls = mockApi({
      ...base,
      'GET /api/v1/flow/catalog/t-leave': () =>
        json(200, {
          ...startForm,
          chosen_nodes: [],
          form: {
            fields: [
              ...startForm.form.fields,
              { key: 'approved_days', label: '批准天数', kind: 'number', default: 2 },
              { key: 'hr_note', label: '人事备注', kind: 'text' },
            ],
            permissions: { start: { approved_days: 'read', hr_note: 'hidden' } },
          },
        }),
      'POST /api/v1/flow/instances': () => json(200, instance),
    });
    renderStart('/start/t-leave');
    fireEvent.change(await screen.findByLabelText('事由'), { target: { value: '看病' } });
    expect(screen.getByText('批准天数')).toBeTruthy();
    expect(screen.queryByLabelText('批准天数')).toBeNull();
    expect(screen.queryByText('人事备注')).toBeNull();
    expect(screen.queryByTestId('chosen')).toBeNull();
    press('提交');
    await screen.findByTestId('instance');
    expect(calls.find((c) => c.key === 'POST /api/v1/flow/instances')?.body).toEqual({
      template_id: 't-leave',
      form: { reason: '看病', days: 1 },
      chosen: {},
    });
  });

  it("shows the server's field errors on their fields and its refusals on the pickers", async () => {
    let answer = json(422, {
      code: 'validation.failed',
      message: '请检查输入',
      request_id: 'r1',
      fields: [
        {
          field: 'form.reason',
          code: 'form.unique',
          message: '「事由」为「重复事由」的申请已存在',
        },
      ],
    });
    const calls = mockApi({ ...base, 'POST /api/v1/flow/instances': () => answer });
    renderStart('/start/t-leave');
    fireEvent.change(await screen.findByLabelText('事由'), { target: { value: '重复事由' } });
    press('提交');
    expect(await screen.findByText('「事由」为「重复事由」的申请已存在')).toBeTruthy();
    expect(screen.queryByTestId('instance')).toBeNull();
    // Changing the field clears the server's word on it.
    fireEvent.change(screen.getByLabelText('事由'), { target: { value: '新事由' } });
    await waitFor(() =>
      expect(screen.queryByText('「事由」为「重复事由」的申请已存在')).toBeNull(),
    );

    answer = json(422, {
      code: 'flow.refused',
      message: '操作未被允许：node `pick` has no participants',
      request_id: 'r2',
      details: { reason: 'no_participants', node: 'pick' },
    });
    press('提交');
    expect(
      await within(screen.getByTestId('chosen')).findByText('请为「自选审批人」选择处理人'),
    ).toBeTruthy();

    answer = json(409, {
      code: 'flow.template_disabled',
      message: '该流程模板未启用，不能发起',
      request_id: 'r3',
    });
    press('提交');
    const alert = await screen.findByTestId('start-refused');
    expect(within(alert).getByText('该流程模板未启用，不能发起')).toBeTruthy();
    expect(calls.filter((c) => c.key === 'POST /api/v1/flow/instances')).toHaveLength(3);
    // One key for the page: a retry cannot start twice.
    const keys = calls
      .filter((c) => c.key === 'POST /api/v1/flow/instances')
      .map((c) => c.headers.get('Idempotency-Key'));
    expect(new Set(keys).size).toBe(1);
  });

  it('saves a new draft, then updates the same draft', async () => {
    const calls = mockApi({
      ...base,
      'POST /api/v1/flow/drafts': () =>
        json(200, draftView({ id: 'd7', form: { reason: '出去', days: 1 } })),
      'PUT /api/v1/flow/drafts/d7': () =>
        json(200, draftView({ id: 'd7', updated_at: '2026-11-29T03:00:00Z' })),
    });
    renderStart('/start/t-leave');
    fireEvent.change(await screen.findByLabelText('事由'), { target: { value: '出去' } });
    press('保存草稿');
    await waitFor(() => expect(screen.getByTestId('search').textContent).toBe('?draft=d7'));
    expect(calls.find((c) => c.key === 'POST /api/v1/flow/drafts')?.body).toEqual({
      template_id: 't-leave',
      form: { reason: '出去', days: 1 },
    });
    // The page keeps what was typed (the draft named in the address is not loaded again).
    expect((screen.getByLabelText('事由') as HTMLInputElement).value).toBe('出去');
    fireEvent.change(screen.getByLabelText('事由'), { target: { value: '出去玩' } });
    press('保存草稿');
    await waitFor(() =>
      expect(screen.getByTestId('draft-saved-at').textContent).toBe('保存于 2026/11/29 11:00:00'),
    );
    expect(calls.find((c) => c.key === 'PUT /api/v1/flow/drafts/d7')?.body).toEqual({
      form: { reason: '出去玩', days: 1 },
    });
    expect(calls.some((c) => c.key === 'GET /api/v1/flow/drafts/d7')).toBe(false);
  });

  it('previews who will act, in order, before submitting', async () => {
    const calls = mockApi({
      ...base,
      'POST /api/v1/flow/instances/preview': () =>
        json(200, [
          { node_key: 'head', node_name: '部门负责人', assignees: ['u-li'], when: 'current' },
          { node_key: 'pick', node_name: '自选审批人', assignees: ['u-wang'], when: 'next' },
          { node_key: 'hr', node_name: '人事备案', assignees: [], when: 'next' },
        ]),
      'GET /api/v1/users/u-li': () => json(200, { id: 'u-li', display_name: '李主任' }),
      'GET /api/v1/users/u-wang': () => json(200, { id: 'u-wang', display_name: '王经理' }),
      'POST /api/v1/flow/instances': () => json(200, instance),
    });
    renderStart('/start/t-leave');
    fireEvent.change(await screen.findByLabelText('事由'), { target: { value: '看病' } });
    await chooseWang();
    press('预览流程');
    const route = await screen.findByTestId('route-preview');
    await waitFor(() =>
      expect(
        within(route)
          .getAllByTestId('route-step-people')
          .map((e) => e.textContent),
      ).toEqual(['李主任', '王经理', '自动通过']),
    );
    const titles = [...route.querySelectorAll('.ant-steps-item-title')].map((e) => e.textContent);
    expect(titles).toEqual(['发起', '部门负责人', '自选审批人', '人事备案', '结束']);
    expect(within(route).getByText('周小明')).toBeTruthy();
    expect(calls.find((c) => c.key === 'POST /api/v1/flow/instances/preview')?.body).toEqual({
      template_id: 't-leave',
      form: { reason: '看病', days: 1 },
      chosen: { pick: ['u-wang'] },
    });
    const drawer = route.closest('.ant-drawer') as HTMLElement;
    fireEvent.click(within(drawer).getByRole('button', { name: /提交/ }));
    expect(await screen.findByTestId('instance')).toBeTruthy();
  });

  it("shows the server's refusal in the preview", async () => {
    mockApi({
      ...base,
      'POST /api/v1/flow/instances/preview': () =>
        json(422, {
          code: 'flow.refused',
          message: '操作未被允许：node `head` has no participants; ask the administrator',
          request_id: 'r1',
          details: { reason: 'no_participants', node: 'head' },
        }),
    });
    renderStart('/start/t-leave');
    fireEvent.change(await screen.findByLabelText('事由'), { target: { value: '看病' } });
    press('预览流程');
    const refused = await screen.findByTestId('preview-refused');
    expect(within(refused).getByText('无法按当前内容发起')).toBeTruthy();
    expect(
      within(refused).getByText(
        '操作未被允许：node `head` has no participants; ask the administrator',
      ),
    ).toBeTruthy();
    const drawer = refused.closest('.ant-drawer') as HTMLElement;
    expect(
      (within(drawer).getByRole('button', { name: /提交/ }) as HTMLButtonElement).disabled,
    ).toBe(true);
  });

  it('keeps the actions at the bottom of a phone screen', async () => {
    vi.stubGlobal('matchMedia', (query: string) => ({
      matches: query.includes('max-width'),
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }));
    mockApi(base);
    renderStart('/start/t-leave');
    await screen.findByLabelText('事由');
    expect(submitBar().style.position).toBe('fixed');
    expect(submitBar().style.bottom).toBe('0px');
    expect(screen.getByTestId('form-renderer').dataset.layout).toBe('phone');
  });

  it('says so when the template cannot be started', async () => {
    mockApi({
      'GET /api/v1/flow/catalog/t-gone': () =>
        json(404, {
          code: 'flow.template_not_found',
          message: '流程模板不存在或你不能发起',
          request_id: 'r1',
        }),
    });
    renderStart('/start/t-gone');
    expect(await screen.findByText('流程模板不存在或你不能发起')).toBeTruthy();
    expect(screen.getByText('返回发起审批').closest('a')?.getAttribute('href')).toBe('/start');
  });
});
