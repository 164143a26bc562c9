import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../auth/session';
import { json, mockApi, renderAt } from '../../test/render';
import StartCatalogPage from '.';

afterEach(() => {
  vi.unstubAllGlobals();
});

const item = (over: Record<string, unknown>) => ({
  id: 'x',
  name: '',
  category: '',
  icon: '',
  description: '',
  favourite: false,
  last_used_at: null,
  ...over,
});

const leave = item({
  id: 't-leave',
  name: '请假',
  category: '人事',
  icon: 'CalendarOutlined',
  description: '事假、病假、年假',
  last_used_at: '2026-11-20T02:00:00Z',
});
const trip = item({ id: 't-trip', name: '出差申请', category: '人事', icon: 'trip' });
const expense = item({
  id: 't-expense',
  name: '费用报销',
  category: '财务',
  icon: 'SomethingNew',
  description: '差旅、招待费用',
  favourite: true,
});
const misc = item({ id: 't-misc', name: '通用申请' });

function catalog(favourites: string[]) {
  const mark = (i: ReturnType<typeof item>) => ({ ...i, favourite: favourites.includes(i.id) });
  const all = [leave, trip, expense, misc].map(mark);
  const by = (id: string) => all.find((i) => i.id === id);
  return {
    groups: [
      { category: '', templates: [by('t-misc')] },
      { category: '人事', templates: [by('t-leave'), by('t-trip')] },
      { category: '财务', templates: [by('t-expense')] },
    ],
    favourites: favourites.map(by),
    recent: [by('t-leave')],
  };
}

const draft = {
  id: 'd1',
  template_id: 't-leave',
  template_name: '请假',
  form: { reason: '回家' },
  created_at: '2026-11-27T02:00:00Z',
  updated_at: '2026-11-28T02:00:00Z',
};

function routes(state: { favourites: string[]; drafts: (typeof draft)[] }) {
  return {
    'GET /api/v1/flow/catalog': () => json(200, catalog(state.favourites)),
    'GET /api/v1/flow/drafts': () => json(200, state.drafts),
    'PUT /api/v1/flow/favourites/t-leave': () => {
      state.favourites = [...state.favourites, 't-leave'];
      return new Response(null, { status: 204 });
    },
    'DELETE /api/v1/flow/favourites/t-expense': () => {
      state.favourites = state.favourites.filter((f) => f !== 't-expense');
      return new Response(null, { status: 204 });
    },
    'DELETE /api/v1/flow/drafts/d1': () => {
      state.drafts = [];
      return new Response(null, { status: 204 });
    },
  };
}

function render() {
  const { queryClient } = renderAt(<StartCatalogPage />, '/start');
  queryClient.setQueryData(meKey, null);
}

const section = (name: string) => screen.getByRole('region', { name });
const names = (el: HTMLElement) =>
  within(el)
    .getAllByTestId('template-card')
    .map((c) => c.querySelector('a')?.textContent);

describe('start catalogue', () => {
  it('shows favourites and recently used first, then the templates by category', async () => {
    mockApi(routes({ favourites: ['t-expense'], drafts: [] }));
    render();
    await screen.findAllByText('费用报销');
    expect(names(section('我的收藏'))).toEqual(['费用报销']);
    expect(names(section('最近使用'))).toEqual(['请假']);
    expect(names(section('人事'))).toEqual(['请假', '出差申请']);
    expect(names(section('财务'))).toEqual(['费用报销']);
    expect(names(section('未分类'))).toEqual(['通用申请']);
    const sections = [...document.querySelectorAll('section')].map((s) =>
      s.getAttribute('aria-label'),
    );
    expect(sections).toEqual(['我的收藏', '最近使用', '未分类', '人事', '财务']);
    // Icons: by @ant-design/icons name, by the editor's short name, else the generic one.
    const icon = (name: string) =>
      within(section('人事'))
        .getByText(name)
        .closest('[data-testid="template-card"]')
        ?.querySelector('[data-icon]')
        ?.getAttribute('data-icon');
    expect(icon('请假')).toBe('CalendarOutlined');
    expect(icon('出差申请')).toBe('CarOutlined');
    expect(
      within(section('财务'))
        .getByTestId('template-card')
        .querySelector('[data-icon]')
        ?.getAttribute('data-icon'),
    ).toBe('FileTextOutlined');
    expect(within(section('人事')).getByText('请假').closest('a')?.getAttribute('href')).toBe(
      '/start/t-leave',
    );
  });

  it('searches names, descriptions and categories', async () => {
    mockApi(routes({ favourites: ['t-expense'], drafts: [draft] }));
    render();
    await screen.findAllByText('费用报销');
    await screen.findByTestId('drafts');
    const search = screen.getByRole('searchbox', { name: '搜索流程名称、说明或分类' });
    fireEvent.change(search, { target: { value: '招待' } });
    // Only the matches, by category; favourites, recent and drafts step aside.
    expect(screen.queryByRole('region', { name: '我的收藏' })).toBeNull();
    expect(screen.queryByRole('region', { name: '最近使用' })).toBeNull();
    expect(screen.queryByTestId('drafts')).toBeNull();
    expect(screen.getAllByTestId('template-card')).toHaveLength(1);
    expect(names(section('财务'))).toEqual(['费用报销']);
    fireEvent.change(search, { target: { value: '人事' } });
    expect(names(section('人事'))).toEqual(['请假', '出差申请']);
    expect(screen.queryByRole('region', { name: '财务' })).toBeNull();
    fireEvent.change(search, { target: { value: '没有这个' } });
    expect(screen.getByText('没有与「没有这个」匹配的流程')).toBeTruthy();
  });

  it('stars and unstars templates', async () => {
    const calls = mockApi(routes({ favourites: ['t-expense'], drafts: [] }));
    render();
    await screen.findAllByText('费用报销');
    const star = within(section('人事')).getByRole('button', { name: '收藏 请假' });
    expect(star.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(star);
    await waitFor(() => expect(names(section('我的收藏'))).toEqual(['费用报销', '请假']));
    expect(calls.some((c) => c.key === 'PUT /api/v1/flow/favourites/t-leave')).toBe(true);
    // Starring does not open the template.
    expect(screen.queryByTestId('elsewhere')).toBeNull();
    fireEvent.click(within(section('我的收藏')).getByRole('button', { name: '取消收藏 费用报销' }));
    await waitFor(() => expect(names(section('我的收藏'))).toEqual(['请假']));
    expect(calls.some((c) => c.key === 'DELETE /api/v1/flow/favourites/t-expense')).toBe(true);
  });

  it('opens a template when its card is clicked', async () => {
    mockApi(routes({ favourites: [], drafts: [] }));
    render();
    fireEvent.click((await screen.findByText('通用申请')).closest('.ant-card') as HTMLElement);
    expect(await screen.findByTestId('elsewhere')).toBeTruthy();
  });

  it('lists my drafts to resume or delete', async () => {
    const calls = mockApi(routes({ favourites: [], drafts: [draft] }));
    render();
    const drafts = await screen.findByTestId('drafts');
    expect(within(drafts).getByText('我的草稿 (1)')).toBeTruthy();
    const row = within(drafts).getByTestId('draft');
    expect(within(row).getByText('保存于 2026/11/28 10:00:00')).toBeTruthy();
    expect(within(row).getByText('继续填写').closest('a')?.getAttribute('href')).toBe(
      '/start/t-leave?draft=d1',
    );
    fireEvent.click(within(row).getByRole('button', { name: '删除 请假' }));
    const confirm = await screen.findByText('删除这份草稿？');
    const pop = confirm.closest('.ant-popover') as HTMLElement;
    fireEvent.click(within(pop).getByRole('button', { name: '删除' }));
    await waitFor(() => expect(screen.queryByTestId('drafts')).toBeNull());
    expect(calls.some((c) => c.key === 'DELETE /api/v1/flow/drafts/d1')).toBe(true);
  });

  it('says so when there is nothing to start', async () => {
    mockApi({
      'GET /api/v1/flow/catalog': () => json(200, { groups: [], favourites: [], recent: [] }),
      'GET /api/v1/flow/drafts': () => json(200, []),
    });
    render();
    expect(await screen.findByText('暂时没有你可以发起的流程')).toBeTruthy();
  });
});
