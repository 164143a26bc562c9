import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../auth/session';
import { json, mockApi, renderAt } from '../../test/render';
import CompaniesPage from './Companies';

afterEach(() => vi.unstubAllGlobals());

const hq = { id: 'hq', name: '示例科技有限公司', kind: 'hq', parent_id: null, sort_order: 0 };

// jsdom has no ResizeObserver; antd's table reads it.
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}

describe('companies', () => {
  it('lists kinds and creates a subsidiary of the head office', async () => {
    vi.stubGlobal('ResizeObserver', NoResize);
    const calls = mockApi({
      'GET /api/v1/companies': () => json(200, [hq]),
      'GET /api/v1/departments': () => json(200, []),
      'POST /api/v1/companies': async (req) =>
        json(200, { id: 'c2', sort_order: 0, ...(await req.json()) }),
    });
    const { queryClient } = renderAt(<CompaniesPage />, '/org/companies');
    queryClient.setQueryData(meKey, {
      id: 'u1',
      username: 'admin',
      display_name: '管理员',
      locale: 'zh-CN',
      must_change_password: false,
      totp_enabled: true,
      department_id: 'd1',
      roles: ['sysadmin'],
      permissions: ['org.read', 'org.write'],
      is_department_head: false,
      supervises_templates: false,
      tenant: { id: 't1', name: 'T', time_zone: 'Asia/Shanghai' },
    });
    expect(await screen.findByText('总部')).toBeTruthy();
    fireEvent.click(await screen.findByRole('button', { name: /新建公司/ }));
    fireEvent.change(await screen.findByLabelText('公司名称'), {
      target: { value: ' 华东子公司 ' },
    });
    fireEvent.click(screen.getByRole('button', { name: '创建' }));
    await waitFor(() =>
      expect(calls.find((c) => c.key === 'POST /api/v1/companies')?.body).toEqual({
        name: '华东子公司',
        kind: 'subsidiary',
        parent_id: 'hq',
      }),
    );
  });
});
