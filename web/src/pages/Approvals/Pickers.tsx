import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { useT } from '../../i18n';
import { listUsers, orgKeys } from '../Org/services';

/** Searches active people by name or username and picks several (加签, 抄送). */
export function MultiUserPicker({
  value,
  onChange,
  excludeIds = [],
  id,
}: {
  value?: string[];
  onChange?: (v: string[]) => void;
  excludeIds?: readonly string[];
  id?: string;
}) {
  const t = useT();
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search);
  // labels of people chosen earlier stay readable when a new search no longer lists them
  const seen = useRef(new Map<string, string>());
  const query = useQuery({
    queryKey: orgKeys.userList({ q, status: 'active', page: 1, page_size: 20 }),
    queryFn: () => listUsers({ q: q || undefined, status: 'active', page: 1, page_size: 20 }),
  });
  const options = useMemo(() => {
    const opts = (query.data?.items ?? [])
      .filter((u) => !excludeIds.includes(u.id))
      .map((u) => ({ value: u.id, label: `${u.display_name} (${u.username})` }));
    for (const o of opts) seen.current.set(o.value, o.label);
    for (const v of value ?? [])
      if (!opts.some((o) => o.value === v))
        opts.unshift({ value: v, label: seen.current.get(v) ?? v });
    return opts;
  }, [query.data, value, excludeIds]);
  return (
    <Select
      id={id}
      mode="multiple"
      value={value ?? []}
      onChange={(v: string[]) => onChange?.(v)}
      options={options}
      showSearch={{ onSearch: setSearch, filterOption: false }}
      loading={query.isFetching}
      placeholder={t('user.searchPlaceholder')}
      notFoundContent={query.isFetching ? t('common.loading') : t('common.noData')}
      style={{ width: '100%' }}
    />
  );
}
