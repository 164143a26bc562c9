import { useQuery } from '@tanstack/react-query';
import { Select, TreeSelect } from 'antd';
import { useDeferredValue, useMemo, useState } from 'react';
import { useT } from '../../i18n';
import { listUsers, orgKeys, useCompanies, useDepartments, usePosts } from './services';
import { buildOrgTree, companyKey, type OrgNode } from './tree';

interface TreeOption {
  value: string;
  title: string;
  selectable?: boolean;
  disabled?: boolean;
  children: TreeOption[];
}

function toOptions(nodes: OrgNode[], exclude?: Set<string>): TreeOption[] {
  return nodes
    .filter((n) => !(n.departmentId && exclude?.has(n.departmentId)))
    .map((n) => ({
      value: n.key,
      title: n.title,
      selectable: Boolean(n.departmentId),
      children: toOptions(n.children, exclude),
    }));
}

/** Picks a department from the org tree; company rows are headings, not choices. */
export function DepartmentPicker({
  value,
  onChange,
  companyId,
  exclude,
  allowClear,
  placeholder,
  id,
  style,
}: {
  value?: string | null;
  onChange?: (v: string | undefined) => void;
  companyId?: string;
  exclude?: Set<string>;
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
    return toOptions(scoped, exclude);
  }, [companies.data, departments.data, companyId, exclude]);
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
