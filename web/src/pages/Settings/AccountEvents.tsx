import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Table, Typography } from 'antd';
import { useState } from 'react';
import { QueryError } from '../../components/QueryError';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useT } from '../../i18n';
import { type AuditPage, listAccountEvents, settingsKeys } from './services';

type Entry = AuditPage['items'][number];

/** R5: what administrators changed on my account, visible to me. */
export function AccountEvents() {
  const t = useT();
  const fmt = useFormatTime();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const query = useQuery({
    queryKey: settingsKeys.events(page, pageSize),
    queryFn: () => listAccountEvents(page, pageSize),
    placeholderData: keepPreviousData,
  });
  if (query.error) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <>
      <Typography.Paragraph type="secondary">
        {t('settings.accountEventsHint')}
      </Typography.Paragraph>
      <Table<Entry>
        rowKey="id"
        loading={query.isFetching}
        dataSource={query.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize,
          total: query.data?.total ?? 0,
          showSizeChanger: true,
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
        columns={[
          { title: t('audit.at'), dataIndex: 'at', render: fmt },
          { title: t('audit.actor'), dataIndex: 'actor_name', render: (v) => v || '-' },
          { title: t('audit.action'), dataIndex: 'action' },
          { title: t('audit.summary'), dataIndex: 'summary' },
          { title: t('audit.ip'), dataIndex: 'ip', render: (v) => v || '-' },
        ]}
      />
    </>
  );
}
