import { CheckOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Badge, Button, Card, Flex, Segmented, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useT } from '../../i18n';
import { noticeLink } from './describe';
import { listNotices, type Notice, noticeKeys } from './services';
import { useDescribeNotice, useMarkRead } from './useNotices';

type Filter = 'unread' | 'all';

/** 通知中心: every notification of mine, unread or all, to read and mark read. */
export default function NotificationsPage() {
  const t = useT();
  const fmt = useFormatTime();
  const describe = useDescribeNotice();
  const { one, all } = useMarkRead();
  const [filter, setFilter] = useState<Filter>('unread');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);

  useEffect(() => {
    document.title = `${t('menu.notifications')} - ${t('app.name')}`;
  }, [t]);

  const unread = filter === 'unread';
  const list = useQuery({
    queryKey: noticeKeys.list(unread, page, pageSize),
    queryFn: () => listNotices(unread, page, pageSize),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader
        title={t('menu.notifications')}
        extra={
          <Button icon={<CheckOutlined />} loading={all.isPending} onClick={() => all.mutate()}>
            {t('notice.readAll')}
          </Button>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Segmented<Filter>
          aria-label={t('notice.bell')}
          value={filter}
          onChange={(v) => {
            setFilter(v);
            setPage(1);
          }}
          options={[
            { value: 'unread', label: t('notice.unread') },
            { value: 'all', label: t('common.all') },
          ]}
        />
      </Card>
      {list.error ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Notice>
          rowKey="id"
          size="small"
          loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: t('notice.empty') }}
          scroll={{ x: 'max-content' }}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (n) => t('common.total', { n }),
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
          columns={[
            {
              title: t('notice.content'),
              key: 'content',
              render: (_, r) => {
                const link = noticeLink(r);
                const sentence = describe(r);
                return (
                  <Flex gap={6} align="center" style={{ maxWidth: 560, whiteSpace: 'normal' }}>
                    {r.read_at ? null : <Badge status="processing" />}
                    <Typography.Text strong={!r.read_at}>
                      {link ? <Link to={link}>{sentence}</Link> : sentence}
                    </Typography.Text>
                  </Flex>
                );
              },
            },
            { title: t('notice.time'), dataIndex: 'created_at', render: fmt },
            {
              title: t('notice.status'),
              key: 'read',
              render: (_, r) =>
                r.read_at ? (
                  <Tag>{t('notice.read')}</Tag>
                ) : (
                  <Tag color="processing">{t('notice.unread')}</Tag>
                ),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, r) =>
                r.read_at ? null : (
                  <Button type="link" size="small" onClick={() => one.mutate(r.id)}>
                    {t('notice.markRead')}
                  </Button>
                ),
            },
          ]}
        />
      )}
    </>
  );
}
