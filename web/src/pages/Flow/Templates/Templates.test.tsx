import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../../auth/session';
import { json, mockApi, renderAt } from '../../../test/render';
import TemplatesPage, { categoriesOf, filterTemplates } from '.';
import { fileName, readFileText, readTemplateFile, type Template } from './services';

const template = (over: Partial<Template>): Template => ({
  id: 't1',
  name: '费用报销',
  category: '财务',
  icon: 'expense',
  description: '差旅与日常费用',
  status: 'active',
  current_version_id: 'v3',
  latest_version: 3,
  supervisor_id: 'u-sup',
  settings: {
    admins: [],
    allow_bulk_approve: false,
    serial_pattern: '',
    serial_reset: 'yearly',
    starter_departments: [],
    starter_roles: [],
    starter_users: [],
    summary_fields: [],
    title_template: '',
    visible_to_leaders: false,
  },
  form: { fields: [] },
  definition: { kind: 'tree', tree: {} as Record<string, never> },
  updated_at: '2026-11-28T02:00:00Z',
  ...over,
});

const templates = [
  template({}),
  template({
    id: 't2',
    name: '请假',
    category: '人事',
    icon: 'leave',
    description: '',
    status: 'draft',
    current_version_id: null,
    latest_version: 0,
  }),
  template({
    id: 't3',
    name: '用印申请',
    category: '行政',
    description: '',
    status: 'disabled',
    latest_version: 1,
  }),
];

beforeEach(() => {
  // jsdom has no object URLs: the downloads are checked through these.
  URL.createObjectURL = vi.fn(() => 'blob:x');
  URL.revokeObjectURL = vi.fn();
});

afterEach(() => vi.unstubAllGlobals());

function render(routes: Parameters<typeof mockApi>[0] = {}) {
  const calls = mockApi({
    'GET /api/v1/flow/templates': () => json(200, templates),
    ...routes,
  });
  const { queryClient } = renderAt(<TemplatesPage />, '/flow/templates');
  queryClient.setQueryData(meKey, null);
  return calls;
}

/** The first element matching `selector` and holding `text`, waited for (cheap on a slow machine). */
function el(selector: string, text?: string): Promise<HTMLElement> {
  return waitFor(() => {
    const found = [...document.querySelectorAll<HTMLElement>(selector)].find(
      (e) => text === undefined || e.textContent?.includes(text),
    );
    if (!found) throw new Error(`no ${selector} with ${text ?? 'anything'}`);
    return found;
  });
}

const rowOf = (text: string) => screen.getByText(text).closest('tr') as HTMLElement;

describe('templates page', () => {
  it('lists templates with category, state and latest version', async () => {
    render();
    await screen.findByText('费用报销');
    const row = rowOf('费用报销');
    expect(within(row).getByText('财务')).toBeTruthy();
    expect(within(row).getByTestId('template-status').textContent).toBe('已启用');
    expect(within(row).getByText('v3')).toBeTruthy();
    expect(within(row).getByRole('link', { name: '费用报销' }).getAttribute('href')).toBe(
      '/flow/templates/t1',
    );
    const draft = rowOf('请假');
    expect(within(draft).getByTestId('template-status').textContent).toBe('草稿');
    expect(within(draft).getByText('未发布')).toBeTruthy();
    // A draft cannot be enabled before it is published.
    expect(within(draft).getByRole('switch').hasAttribute('disabled')).toBe(true);
    expect(within(rowOf('用印申请')).getByTestId('template-status').textContent).toBe('已停用');
  });

  it('draws both icon naming styles: short names and @ant-design/icons names', async () => {
    render({
      'GET /api/v1/flow/templates': () =>
        json(200, [
          template({}),
          template({ id: 't5', name: '物品领用', icon: 'ShoppingCartOutlined' }),
          template({ id: 't6', name: '人员招聘', icon: 'UserAddOutlined' }),
          template({ id: 't7', name: '其他', icon: 'NoSuchOutlined' }),
        ]),
    });
    await screen.findByText('物品领用');
    const icon = (name: string) =>
      rowOf(name).querySelector('[data-icon]')?.getAttribute('data-icon');
    expect(icon('费用报销')).toBe('AccountBookOutlined');
    expect(icon('物品领用')).toBe('ShoppingCartOutlined');
    expect(icon('人员招聘')).toBe('UserAddOutlined');
    expect(icon('其他')).toBe('FileTextOutlined');
  });

  it('installs the built-in templates, says how many, and reloads the list', async () => {
    let listed = 0;
    const calls = render({
      'GET /api/v1/flow/templates': () => {
        listed += 1;
        return json(200, templates);
      },
      'POST /api/v1/flow/builtins': () => json(200, { added: 9, available: 12 }),
    });
    await screen.findByText('费用报销');
    fireEvent.click(await el('button', '安装内置模板'));
    expect(await screen.findByText('已添加 9 个内置模板（共 12 个）')).toBeTruthy();
    expect(calls.some((c) => c.key === 'POST /api/v1/flow/builtins')).toBe(true);
    await waitFor(() => expect(listed).toBe(2));
  });

  it('creates a template and opens it in the designer', async () => {
    const calls = render({
      'POST /api/v1/flow/templates': () => json(200, template({ id: 't9', name: '采购申请' })),
    });
    await screen.findByText('费用报销');
    fireEvent.click(await el('button', '新建模板'));
    const dialog = await el('.ant-modal-container');
    fireEvent.click(within(dialog).getByRole('button', { name: '创建' }));
    expect(await within(dialog).findByText('请填写名称')).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('名称'), { target: { value: ' 采购申请 ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: '采购' }));
    fireEvent.click(within(dialog).getByRole('button', { name: '创建' }));
    await screen.findByTestId('elsewhere');
    expect(calls.find((c) => c.key === 'POST /api/v1/flow/templates')?.body).toEqual({
      name: '采购申请',
      icon: 'purchase',
    });
  });

  it('disables and enables a published template', async () => {
    const calls = render({
      'POST /api/v1/flow/templates/t1/enabled': () => json(200, template({ status: 'disabled' })),
    });
    await screen.findByText('费用报销');
    fireEvent.click(within(rowOf('费用报销')).getByRole('switch'));
    await screen.findByText('已停用，进行中的审批不受影响');
    expect(calls.find((c) => c.key === 'POST /api/v1/flow/templates/t1/enabled')?.body).toEqual({
      enabled: false,
    });
  });

  it('exports a template as a JSON file', async () => {
    const file = { format: 'xietong.flow_template/1', name: '费用报销', bpmn: '<x/>' };
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const calls = render({ 'GET /api/v1/flow/templates/t1/export': () => json(200, file) });
    await screen.findByText('费用报销');
    fireEvent.click(within(rowOf('费用报销')).getByRole('button', { name: /导出/ }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(calls.some((c) => c.key === 'GET /api/v1/flow/templates/t1/export')).toBe(true);
    const blob = vi.mocked(URL.createObjectURL).mock.calls[0]?.[0] as Blob;
    expect(JSON.parse(await readFileText(blob))).toEqual(file);
    const a = click.mock.contexts[0] as HTMLAnchorElement;
    expect(a.download).toBe('费用报销.json');
    click.mockRestore();
  });

  it('imports a template file and opens the new draft', async () => {
    const file = {
      format: 'xietong.flow_template/1',
      name: '报销',
      category: '财务',
      settings: {},
      form: { fields: [] },
      bpmn: '<definitions/>',
    };
    const calls = render({
      'POST /api/v1/flow/templates/import': () => json(200, template({ id: 't7', name: '报销' })),
    });
    await screen.findByText('费用报销');
    const input = document.querySelector('input[type="file"]') as HTMLInputElement;
    fireEvent.change(input, {
      target: { files: [new File([JSON.stringify(file)], 'f.json', { type: 'application/json' })] },
    });
    await screen.findByTestId('elsewhere');
    expect(calls.find((c) => c.key === 'POST /api/v1/flow/templates/import')?.body).toEqual(file);
  });

  it('refuses a file that is not a template', async () => {
    const calls = render();
    await screen.findByText('费用报销');
    const input = document.querySelector('input[type="file"]') as HTMLInputElement;
    fireEvent.change(input, { target: { files: [new File(['not json'], 'f.json')] } });
    expect(await screen.findByText('文件不是 JSON，请选择导出的模板文件')).toBeTruthy();
    expect(calls.some((c) => c.key === 'POST /api/v1/flow/templates/import')).toBe(false);
  });

  it('filters by name and category', () => {
    expect(filterTemplates(templates, '请', undefined).map((t) => t.id)).toEqual(['t2', 't3']);
    expect(filterTemplates(templates, '', '财务').map((t) => t.id)).toEqual(['t1']);
    expect(filterTemplates(templates, '差旅', undefined).map((t) => t.id)).toEqual(['t1']);
    expect(categoriesOf(templates)).toEqual(['财务', '人事', '行政']);
  });

  it('reads template files and names downloads', () => {
    expect(readTemplateFile('{')).toEqual({ error: 'json' });
    expect(readTemplateFile('{"name": "x"}')).toEqual({ error: 'format' });
    expect('file' in readTemplateFile('{"format": "f", "bpmn": "<x/>"}')).toBe(true);
    expect(fileName('a/b: c', '.json')).toBe('a_b_c.json');
    expect(fileName('  ', '.bpmn')).toBe('flow.bpmn');
  });
});
