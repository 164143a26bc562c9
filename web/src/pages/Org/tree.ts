import type { Company, Department, DepartmentPatch } from './services';

export interface OrgNode {
  key: string;
  title: string;
  /** Department id, or undefined for a company node. */
  departmentId?: string;
  companyId: string;
  children: OrgNode[];
}

export const companyKey = (id: string) => `company:${id}`;

/** Company display order: order number, then the head office first, then name. */
export function compareCompanies(a: Company, b: Company): number {
  return (
    (a.sort_order ?? 0) - (b.sort_order ?? 0) ||
    Number(b.kind === 'hq') - Number(a.kind === 'hq') ||
    a.name.localeCompare(b.name)
  );
}

function byOrder(a: Department, b: Department): number {
  return a.sort_order - b.sort_order || a.name.localeCompare(b.name);
}

/** Children of `parentId` (null: top level) in `companyId`, in display order. */
export function siblings(
  departments: Department[],
  companyId: string,
  parentId: string | null,
): Department[] {
  const ids = new Set(departments.map((d) => d.id));
  return departments
    .filter((d) => {
      if (d.company_id !== companyId) return false;
      const p = d.parent_id && ids.has(d.parent_id) ? d.parent_id : null;
      return p === parentId;
    })
    .sort(byOrder);
}

/** Companies at the roots, each with its department tree; departments ordered by sort_order. */
export function buildOrgTree(companies: Company[], departments: Department[]): OrgNode[] {
  const build = (companyId: string, parentId: string | null): OrgNode[] =>
    siblings(departments, companyId, parentId).map((d) => ({
      key: d.id,
      title: d.name,
      departmentId: d.id,
      companyId,
      children: build(companyId, d.id),
    }));
  const companyIds = new Set(companies.map((c) => c.id));
  const ordered = [...companies].sort(compareCompanies);
  const roots: OrgNode[] = ordered.map((c) => ({
    key: companyKey(c.id),
    title: c.name,
    companyId: c.id,
    children: build(c.id, null),
  }));
  // Departments of a company we were not told about still show, under its id.
  for (const cid of new Set(departments.map((d) => d.company_id))) {
    if (!companyIds.has(cid))
      roots.push({ key: companyKey(cid), title: cid, companyId: cid, children: build(cid, null) });
  }
  return roots;
}

/**
 * The tree to show: grouped under company headings when there are several companies,
 * the departments of the only company at the root otherwise.
 */
export function groupedByCompany(tree: OrgNode[]): OrgNode[] {
  return tree.length === 1 && tree[0] ? tree[0].children : tree;
}

/** `id` and every department below it. */
export function descendantsOf(departments: Department[], id: string): Set<string> {
  const out = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of departments) {
      if (d.parent_id && out.has(d.parent_id) && !out.has(d.id)) {
        out.add(d.id);
        grew = true;
      }
    }
  }
  return out;
}

/** Full path like `示例科技有限公司/营销中心/市场部`. */
export function departmentPath(
  departments: Department[],
  companies: Company[],
  id: string,
): string {
  const byId = new Map(departments.map((d) => [d.id, d]));
  const names: string[] = [];
  let cur = byId.get(id);
  const seen = new Set<string>();
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    names.unshift(cur.name);
    cur = cur.parent_id ? byId.get(cur.parent_id) : undefined;
  }
  const company = companies.find((c) => c.id === byId.get(id)?.company_id);
  if (company) names.unshift(company.name);
  return names.join('/');
}

export interface MoveTarget {
  companyId: string;
  parentId: string | null;
  /** Position among the new siblings, not counting the moved department. */
  index: number;
}

export type MovePlan =
  | { ok: true; patches: { id: string; patch: DepartmentPatch }[] }
  | { ok: false; reason: 'cross_company' | 'into_itself' | 'unknown' };

/**
 * The PATCHes that move `dragId` to `target`: the moved department gets its new parent
 * and position, and siblings whose order number no longer matches are renumbered.
 */
export function planMove(departments: Department[], dragId: string, target: MoveTarget): MovePlan {
  const dragged = departments.find((d) => d.id === dragId);
  if (!dragged) return { ok: false, reason: 'unknown' };
  if (dragged.company_id !== target.companyId) return { ok: false, reason: 'cross_company' };
  if (target.parentId && descendantsOf(departments, dragId).has(target.parentId))
    return { ok: false, reason: 'into_itself' };

  const others = siblings(departments, target.companyId, target.parentId).filter(
    (d) => d.id !== dragId,
  );
  const index = Math.max(0, Math.min(target.index, others.length));
  const ordered = [...others.slice(0, index), dragged, ...others.slice(index)];
  const patches: { id: string; patch: DepartmentPatch }[] = [];
  ordered.forEach((d, i) => {
    if (d.id === dragId) {
      const parentChanged = (d.parent_id ?? null) !== target.parentId;
      if (parentChanged || d.sort_order !== i)
        patches.push({ id: d.id, patch: { parent_id: target.parentId, sort_order: i } });
    } else if (d.sort_order !== i) {
      patches.push({ id: d.id, patch: { sort_order: i } });
    }
  });
  // The moved department goes first so a failure leaves siblings untouched.
  patches.sort((a, b) => Number(b.id === dragId) - Number(a.id === dragId));
  return { ok: true, patches };
}
