import { describe, expect, it } from 'vitest';
import { orderCompanies } from './Companies';
import { toOptions } from './pickers';
import type { Company, Department } from './services';
import { buildOrgTree, departmentPath, descendantsOf, groupedByCompany, planMove } from './tree';

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

describe('groupedByCompany', () => {
  it('keeps company headings when there are several companies', () => {
    const tree = groupedByCompany(buildOrgTree(companies, departments));
    expect(tree.map((n) => n.key)).toEqual(['company:hq', 'company:sub']);
  });

  it('puts the departments of the only company at the root', () => {
    const [hq] = companies;
    const tree = groupedByCompany(
      buildOrgTree(
        hq ? [hq] : [],
        departments.filter((d) => d.company_id === 'hq'),
      ),
    );
    expect(tree.map((n) => n.key)).toEqual(['office', 'marketing', 'rd']);
  });
});

describe('department picker options', () => {
  const tree = buildOrgTree(companies, departments);

  it('leaves excluded departments out with their subtrees', () => {
    const [hq] = toOptions(tree, new Set(['marketing']));
    expect(hq?.children.map((o) => o.value)).toEqual(['office', 'rd']);
    expect(hq?.selectable).toBe(false);
  });

  it('with `only`, offers just those departments and keeps their ancestors as headings', () => {
    const opts = toOptions(tree, undefined, new Set(['sales']));
    expect(opts.map((o) => o.value)).toEqual(['company:hq']);
    const marketing = opts[0]?.children[0];
    expect(marketing?.value).toBe('marketing');
    expect(marketing?.selectable).toBe(false);
    expect(marketing?.children.map((o) => [o.value, o.selectable])).toEqual([['sales', true]]);
  });
});

describe('company order', () => {
  it('puts the head office first among equal order numbers', () => {
    const tree = buildOrgTree(
      [
        { id: 'a', name: '华东子公司', kind: 'subsidiary', sort_order: 0 },
        { id: 'hq', name: '默认组织', kind: 'hq', sort_order: 0 },
      ],
      [],
    );
    expect(tree.map((n) => n.companyId)).toEqual(['hq', 'a']);
  });
});

describe('orderCompanies', () => {
  it('lists each company after its parent, by sort order', () => {
    const list = orderCompanies([
      { id: 'sub2', name: 'B 子公司', kind: 'subsidiary', parent_id: 'hold', sort_order: 2 },
      { id: 'hq', name: '总部', kind: 'hq', sort_order: 0 },
      { id: 'hold', name: '控股', kind: 'holding', sort_order: 1 },
      { id: 'sub1', name: 'A 子公司', kind: 'subsidiary', parent_id: 'hold', sort_order: 1 },
      { id: 'orphan', name: '孤儿', kind: 'subsidiary', parent_id: 'gone', sort_order: 5 },
    ]);
    expect(list.map((r) => [r.company.id, r.depth])).toEqual([
      ['hq', 0],
      ['hold', 0],
      ['sub1', 1],
      ['sub2', 1],
      ['orphan', 0],
    ]);
  });
});
