import { useQuery } from '@tanstack/react-query';
import { Select, TreeSelect } from 'antd';
import { useDeferredValue, useMemo, useState } from 'react';
import { useT } from '../../i18n';
import { listUsers, orgKeys, useCompanies, useDepartments, usePosts } from './services';
import { buildOrgTree, companyKey, groupedByCompany, type OrgNode } from './tree';

interface TreeOption {
  value: string;
  title: string;
  selectable?: boolean;
  disabled?: boolean;
  children: TreeOption[];
}

/**
 * Picker options: departments in `exclude` are left out with their subtrees; with `only`, just
 * those departments are choices (their ancestors stay as headings so the tree still reads).
 */
export function toOptions(
  nodes: OrgNode[],
  exclude?: Set<string>,
  only?: Set<string>,
): TreeOption[] {
  const out: TreeOption[] = [];
  for (const n of nodes) {
    if (n.departmentId && exclude?.has(n.departmentId)) continue;
    const children = toOptions(n.children, exclude, only);
    const allowed = Boolean(n.departmentId) && (!only || only.has(n.departmentId ?? ''));
    if (only && !allowed && children.length === 0) continue;
    out.push({ value: n.key, title: n.title, selectable: allowed, children });
  }
  return out;
}

/** Picks a department from the org tree; company rows are headings, not choices. */
export function DepartmentPicker({
  value,
  onChange,
  companyId,
  exclude,
  only,
  allowClear,
  placeholder,
  id,
  style,
}: {
  value?: string | null;
  onChange?: (v: string | undefined) => void;
  companyId?: string;
  exclude?: Set<string>;
  /** When given, only these departments may be picked. */
  only?: Set<string>;
  allowClear?: boolean;
  placeholder?: string;
  id?: string;
  style?: React.CSSProperties;
}) {
  const t = useT();
  const companies = useCompanies();
  const departments = useDepartments();
  const treeData = useMemo(() => {
    const tree = buildOrgTree(companies.data ?? [], departments.data ?? []);
    const scoped = companyId ? tree.filter((n) => n.key === companyKey(companyId)) : tree;
    return toOptions(groupedByCompany(scoped), exclude, only);
  }, [companies.data, departments.data, companyId, exclude, only]);
  return (
    <TreeSelect
      id={id}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v)}
      treeData={treeData}
      treeDefaultExpandAll
      allowClear={allowClear}
      showSearch={{ treeNodeFilterProp: 'title' }}
      placeholder={placeholder ?? t('user.departmentPlaceholder')}
      loading={companies.isPending || departments.isPending}
      style={{ width: '100%', ...style }}
    />
  );
}

/** Searches users by name or username on the server. */
export function UserPicker({
  value,
  onChange,
  initialLabel,
  allowClear = true,
  id,
  excludeId,
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  initialLabel?: string | null;
  allowClear?: boolean;
  id?: string;
  excludeId?: string;
}) {
  const t = useT();
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search);
  const query = useQuery({
    queryKey: orgKeys.userList({ q, status: 'active', page: 1, page_size: 20 }),
    queryFn: () => listUsers({ q: q || undefined, status: 'active', page: 1, page_size: 20 }),
  });
  const options = useMemo(() => {
    const opts = (query.data?.items ?? [])
      .filter((u) => u.id !== excludeId)
      .map((u) => ({ value: u.id, label: `${u.display_name} (${u.username})` }));
    if (value && initialLabel && !opts.some((o) => o.value === value))
      opts.unshift({ value, label: initialLabel });
    return opts;
  }, [query.data, value, initialLabel, excludeId]);
  return (
    <Select
      id={id}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      options={options}
      allowClear={allowClear}
      showSearch={{ onSearch: setSearch, filterOption: false }}
      loading={query.isFetching}
      placeholder={t('user.searchPlaceholder')}
      notFoundContent={query.isFetching ? t('common.loading') : t('common.noData')}
      style={{ width: '100%' }}
    />
  );
}

export function PostPicker({
  value,
  onChange,
  id,
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  id?: string;
}) {
  const t = useT();
  const posts = usePosts();
  return (
    <Select
      id={id}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      loading={posts.isPending}
      placeholder={t('user.postPlaceholder')}
      options={(posts.data ?? [])
        .slice()
        .sort((a, b) => b.rank - a.rank)
        .map((p) => ({ value: p.id, label: p.name }))}
      style={{ width: '100%' }}
    />
  );
}
