/** Pickers of form values that live on the server: people, departments, approved instances. */
import { useQuery } from '@tanstack/react-query';
import { Select, TreeSelect } from 'antd';
import { useDeferredValue, useMemo, useState } from 'react';
import { useT } from '../i18n';
import { toOptions } from '../pages/Org/pickers';
import { listUsers, orgKeys, useCompanies, useDepartments } from '../pages/Org/services';
import { buildOrgTree, groupedByCompany } from '../pages/Org/tree';
import { formKeys, type RelatedList, searchApproved } from './services';
import type { OrgRef, RelatedRef } from './types';

interface LabeledValue {
  value: string;
  label: string;
}

const isRef = (v: unknown): v is OrgRef =>
  typeof v === 'object' && v !== null && typeof (v as OrgRef).id === 'string';

function refs(value: unknown): OrgRef[] {
  if (Array.isArray(value)) return value.filter(isRef);
  return isRef(value) ? [value] : [];
}

const toLabeled = (r: OrgRef): LabeledValue => ({ value: r.id, label: r.name ?? r.id });
const fromLabeled = (l: { value: string; label?: unknown }): OrgRef => ({
  id: l.value,
  name: typeof l.label === 'string' ? l.label : String(l.label ?? l.value),
});

interface PickerProps {
  id?: string;
  value: unknown;
  multiple?: boolean;
  placeholder?: string;
  status?: 'error';
  onChange: (v: OrgRef | OrgRef[] | null) => void;
}

/** People searched by name or username: `{id, name}`, an array of them when `multiple`. */
export function UserSelect({ id, value, multiple, placeholder, status, onChange }: PickerProps) {
  const t = useT();
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search);
  const query = useQuery({
    queryKey: orgKeys.userList({ q, status: 'active', page: 1, page_size: 20 }),
    queryFn: () => listUsers({ q: q || undefined, status: 'active', page: 1, page_size: 20 }),
  });
  const picked = refs(value);
  const options = useMemo(() => {
    const opts: LabeledValue[] = (query.data?.items ?? []).map((u) => ({
      value: u.id,
      label: u.display_name,
    }));
    for (const p of picked) if (!opts.some((o) => o.value === p.id)) opts.unshift(toLabeled(p));
    return opts;
  }, [query.data, picked]);
  const labels = new Map(
    (query.data?.items ?? []).map((u) => [u.id, `${u.display_name} (${u.username})`]),
  );
  return (
    <Select<LabeledValue | LabeledValue[]>
      id={id}
      mode={multiple ? 'multiple' : undefined}
      labelInValue
      value={multiple ? picked.map(toLabeled) : picked[0] ? toLabeled(picked[0]) : undefined}
      onChange={(v) => {
        if (Array.isArray(v)) onChange(v.map(fromLabeled));
        else onChange(v ? fromLabeled(v) : null);
      }}
      options={options}
      optionRender={(o) => labels.get(String(o.value)) ?? o.label}
      allowClear
      status={status}
      showSearch={{ onSearch: setSearch, filterOption: false }}
      loading={query.isFetching}
      placeholder={placeholder || t('forms.pickUser')}
      notFoundContent={query.isFetching ? t('common.loading') : t('common.noData')}
      style={{ width: '100%' }}
    />
  );
}

/** Departments from the org tree: `{id, name}`, an array of them when `multiple`. */
export function DepartmentSelect({
  id,
  value,
  multiple,
  placeholder,
  status,
  onChange,
}: PickerProps) {
  const t = useT();
  const companies = useCompanies();
  const departments = useDepartments();
  const treeData = useMemo(
    () => toOptions(groupedByCompany(buildOrgTree(companies.data ?? [], departments.data ?? []))),
    [companies.data, departments.data],
  );
  const picked = refs(value);
  return (
    <TreeSelect
      id={id}
      multiple={multiple}
      treeCheckable={false}
      labelInValue
      value={multiple ? picked.map(toLabeled) : picked[0] ? toLabeled(picked[0]) : undefined}
      onChange={(v: LabeledValue | LabeledValue[] | undefined) => {
        if (Array.isArray(v)) onChange(v.map(fromLabeled));
        else onChange(v ? fromLabeled(v) : null);
      }}
      treeData={treeData}
      treeDefaultExpandAll
      allowClear
      status={status}
      showSearch={{ treeNodeFilterProp: 'title' }}
      placeholder={placeholder || t('forms.pickDepartment')}
      loading={companies.isPending || departments.isPending}
      style={{ width: '100%' }}
    />
  );
}

/**
 * An approved instance the user started (我发起的) or handled (已办), searched by title or serial
 * number: `{id, title}`. `templates` limits the choices (empty: any template).
 */
export function RelatedSelect({
  id,
  value,
  templates,
  placeholder,
  status,
  onChange,
}: {
  id?: string;
  value: unknown;
  templates?: string[];
  placeholder?: string;
  status?: 'error';
  onChange: (v: RelatedRef | null) => void;
}) {
  const t = useT();
  const [list, setList] = useState<RelatedList>('started');
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search);
  const only = templates && templates.length === 1 ? templates[0] : undefined;
  const query = useQuery({
    queryKey: formKeys.related(list, q, only),
    queryFn: () => searchApproved(list, q, only),
  });
  const current =
    typeof value === 'object' && value !== null && typeof (value as RelatedRef).id === 'string'
      ? (value as RelatedRef)
      : undefined;
  const options = useMemo(() => {
    const allowed = (query.data ?? []).filter(
      (i) => !templates || templates.length === 0 || templates.includes(i.template_id),
    );
    const opts = allowed.map((i) => ({
      value: i.instance_id,
      label: i.title,
      extra: [i.serial_no, i.template_name].filter(Boolean).join(' · '),
    }));
    if (current && !opts.some((o) => o.value === current.id))
      opts.unshift({ value: current.id, label: current.title, extra: '' });
    return opts;
  }, [query.data, templates, current]);
  return (
    <div style={{ display: 'flex', gap: 8, width: '100%' }}>
      <Select<RelatedList>
        aria-label={t('forms.relatedList')}
        value={list}
        onChange={setList}
        options={[
          { value: 'started', label: t('forms.relatedStarted') },
          { value: 'done', label: t('forms.relatedDone') },
        ]}
        style={{ width: 110, flex: 'none' }}
      />
      <Select<string>
        id={id}
        value={current?.id}
        onChange={(v, option) => {
          const o = Array.isArray(option) ? option[0] : option;
          onChange(v ? { id: v, title: String(o?.label ?? v) } : null);
        }}
        options={options}
        optionRender={(o) => (
          <div>
            <div>{o.label}</div>
            {o.data.extra ? (
              <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{o.data.extra}</div>
            ) : null}
          </div>
        )}
        allowClear
        status={status}
        showSearch={{ onSearch: setSearch, filterOption: false }}
        loading={query.isFetching}
        placeholder={placeholder || t('forms.pickRelated')}
        notFoundContent={query.isFetching ? t('common.loading') : t('forms.relatedNone')}
        style={{ flex: 1, minWidth: 0 }}
      />
    </div>
  );
}
