import { describe, expect, it } from 'vitest';
import type { Company, Department } from './services';
import { buildOrgTree, departmentPath, descendantsOf, planMove } from './tree';

const companies: Company[] = [
  { id: 'hq', name: '示例科技有限公司', kind: 'hq', sort_order: 0 },
  { id: 'sub', name: '示例子公司', kind: 'subsidiary', parent_id: 'hq', sort_order: 1 },
];

function dept(id: string, parent: string | null, order: number, company = 'hq'): Department {
  return {
    id,
    company_id: company,
    parent_id: parent,
    name: id,
    sort_order: order,
    member_count: 0,
    updated_at: '2026-11-01T00:00:00Z',
  };
}

const departments: Department[] = [
  dept('marketing', null, 1),
  dept('office', null, 0),
  dept('market', 'marketing', 0),
  dept('sales', 'marketing', 1),
  dept('rd', null, 2),
  dept('sub-office', null, 0, 'sub'),
];

describe('buildOrgTree', () => {
  it('puts companies at the roots and orders departments by sort_order', () => {
    const tree = buildOrgTree(companies, departments);
    expect(tree.map((n) => n.key)).toEqual(['company:hq', 'company:sub']);
    expect(tree[0]?.children.map((n) => n.key)).toEqual(['office', 'marketing', 'rd']);
    expect(tree[0]?.children[1]?.children.map((n) => n.key)).toEqual(['market', 'sales']);
    expect(tree[1]?.children.map((n) => n.key)).toEqual(['sub-office']);
  });

  it('shows a department whose parent is missing at its company top level', () => {
    const tree = buildOrgTree(companies, [dept('orphan', 'gone', 0)]);
    expect(tree[0]?.children.map((n) => n.key)).toEqual(['orphan']);
  });
});

describe('departmentPath', () => {
  it('joins company and ancestors with slashes', () => {
    expect(departmentPath(departments, companies, 'market')).toBe(
      '示例科技有限公司/marketing/market',
    );
  });
});

describe('descendantsOf', () => {
  it('includes the department itself and everything below', () => {
    expect([...descendantsOf(departments, 'marketing')].sort()).toEqual([
      'market',
      'marketing',
      'sales',
    ]);
  });
});

describe('planMove', () => {
  it('moves a department under a new parent at the given position', () => {
    const plan = planMove(departments, 'rd', { companyId: 'hq', parentId: 'marketing', index: 1 });
    expect(plan).toEqual({
      ok: true,
      patches: [
        { id: 'rd', patch: { parent_id: 'marketing', sort_order: 1 } },
        { id: 'sales', patch: { sort_order: 2 } },
      ],
    });
  });

  it('reorders among siblings without touching ones already in place', () => {
    const plan = planMove(departments, 'rd', { companyId: 'hq', parentId: null, index: 0 });
    expect(plan).toEqual({
      ok: true,
      patches: [
        { id: 'rd', patch: { parent_id: null, sort_order: 0 } },
        { id: 'office', patch: { sort_order: 1 } },
        { id: 'marketing', patch: { sort_order: 2 } },
      ],
    });
  });

  it('refuses to move a department into its own subtree', () => {
    expect(
      planMove(departments, 'marketing', { companyId: 'hq', parentId: 'sales', index: 0 }),
    ).toEqual({
      ok: false,
      reason: 'into_itself',
    });
  });

  it('refuses to move a department to another company', () => {
    expect(planMove(departments, 'rd', { companyId: 'sub', parentId: null, index: 0 })).toEqual({
      ok: false,
      reason: 'cross_company',
    });
  });

  it('sends nothing when dropped where it already is', () => {
    expect(
      planMove(departments, 'sales', { companyId: 'hq', parentId: 'marketing', index: 1 }),
    ).toEqual({
      ok: true,
      patches: [],
    });
  });
});
