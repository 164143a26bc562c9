import { useQueries, useQuery } from '@tanstack/react-query';
import { Select, TreeSelect } from 'antd';
import { useDeferredValue, useMemo, useState } from 'react';
import { api, call } from '../../../api/client';
import { useT } from '../../../i18n';
import { toOptions } from '../../Org/pickers';
import {
  listUsers,
  orgKeys,
  useCompanies,
  useDepartments,
  usePosts,
  useRoles,
} from '../../Org/services';
import { buildOrgTree, groupedByCompany } from '../../Org/tree';

/** One user's name by id (cached; ids of removed people show as themselves). */
const userNameKey = (id: string) => ['org', 'users', 'name', id] as const;
const userName = async (id: string): Promise<string> =>
  (await call(api.GET('/api/v1/users/{id}', { params: { path: { id } } }))).display_name;

/** Names for user ids, looked up one by one and cached. */
export function useUserNames(ids: readonly string[]): Map<string, string> {
  const results = useQueries({
    queries: ids.map((id) => ({
      queryKey: userNameKey(id),
      queryFn: () => userName(id),
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  return useMemo(() => {
    const out = new Map<string, string>();
    ids.forEach((id, i) => {
      const name = results[i]?.data;
      if (name) out.set(id, name);
    });
    return out;
  }, [ids, results]);
}

/** Picks several users, searching by name or username on the server. */
export function UsersSelect({
  value,
  onChange,
  id,
  placeholder,
  single,
}: {
  value?: string[];
  onChange?: (v: string[]) => void;
  id?: string;
  placeholder?: string;
  /** One person only (the value is still a list of at most one). */
  single?: boolean;
}) {
  const t = useT();
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search);
  const selected = value ?? [];
  const names = useUserNames(selected);
  const query = useQuery({
    queryKey: orgKeys.userList({ q, status: 'active', page: 1, page_size: 20 }),
    queryFn: () => listUsers({ q: q || undefined, status: 'active', page: 1, page_size: 20 }),
  });
  const options = useMemo(() => {
    const opts = (query.data?.items ?? []).map((u) => ({
      value: u.id,
      label: `${u.display_name} (${u.username})`,
    }));
    for (const v of selected)
      if (!opts.some((o) => o.value === v)) opts.unshift({ value: v, label: names.get(v) ?? v });
    return opts;
  }, [query.data, selected, names]);
  return (
    <Select<string | string[]>
      id={id}
      mode={single ? undefined : 'multiple'}
      value={single ? selected[0] : selected}
      onChange={(v) => onChange?.(Array.isArray(v) ? v : v ? [v] : [])}
      options={options}
      allowClear
      showSearch={{ onSearch: setSearch, filterOption: false }}
      loading={query.isFetching}
      placeholder={placeholder ?? t('user.searchPlaceholder')}
      notFoundContent={query.isFetching ? t('common.loading') : t('common.noData')}
      style={{ width: '100%' }}
    />
  );
}

/** Picks several departments from the org tree. */
export function DepartmentsSelect({
  value,
  onChange,
  id,
  placeholder,
}: {
  value?: string[];
  onChange?: (v: string[]) => void;
  id?: string;
  placeholder?: string;
}) {
  const t = useT();
  const companies = useCompanies();
  const departments = useDepartments();
  const treeData = useMemo(
    () => toOptions(groupedByCompany(buildOrgTree(companies.data ?? [], departments.data ?? []))),
    [companies.data, departments.data],
  );
  return (
    <TreeSelect
      id={id}
      multiple
      value={value ?? []}
      onChange={(v: string[]) => onChange?.(v ?? [])}
      treeData={treeData}
      treeDefaultExpandAll
      allowClear
      showSearch={{ treeNodeFilterProp: 'title' }}
      placeholder={placeholder ?? t('user.departmentPlaceholder')}
      loading={companies.isPending || departments.isPending}
      style={{ width: '100%' }}
    />
  );
}

/** Picks roles by key (the tenant's fixed roles): several, or one with `single`. */
export function RolesSelect({
  value,
  onChange,
  id,
}: {
  value?: string[];
  onChange?: (v: string[]) => void;
  id?: string;
}) {
  const t = useT();
  const roles = useRoles();
  return (
    <Select<string[]>
      id={id}
      mode="multiple"
      value={value ?? []}
      onChange={(v) => onChange?.(v ?? [])}
      allowClear
      loading={roles.isPending}
      placeholder={t('designer.pickRole')}
      options={(roles.data ?? []).map((r) => ({ value: r.key, label: r.name }))}
      style={{ width: '100%' }}
    />
  );
}

/** Picks one role by key. */
export function RoleSelect({
  value,
  onChange,
  id,
}: {
  value?: string;
  onChange?: (v: string) => void;
  id?: string;
}) {
  const t = useT();
  const roles = useRoles();
  return (
    <Select<string>
      id={id}
      value={value || undefined}
      onChange={(v) => onChange?.(v ?? '')}
      loading={roles.isPending}
      placeholder={t('designer.pickRole')}
      options={(roles.data ?? []).map((r) => ({ value: r.key, label: r.name }))}
      style={{ width: '100%' }}
    />
  );
}

/** The names of posts, departments and roles by id, for the node cards. */
export function useOrgNames() {
  const posts = usePosts();
  const departments = useDepartments();
  const roles = useRoles();
  return useMemo(
    () => ({
      post: new Map((posts.data ?? []).map((p) => [p.id, p.name] as const)),
      department: new Map((departments.data ?? []).map((d) => [d.id, d.name] as const)),
      role: new Map<string, string>((roles.data ?? []).map((r) => [r.key, r.name] as const)),
    }),
    [posts.data, departments.data, roles.data],
  );
}

export type OrgNames = ReturnType<typeof useOrgNames>;
