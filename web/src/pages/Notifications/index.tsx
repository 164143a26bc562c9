import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Badge,
  Button,
  Card,
  Descriptions,
  Flex,
  Segmented,
  Skeleton,
  Table,
  Tag,
  Typography,
  theme,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useT } from '../../i18n';
import { noticeLink } from './describe';
import { findNotice, listNotices, type Notice, noticeKeys } from './services';
import { useDescribeNotice, useMarkRead } from './useNotices';

type Filter = 'unread' | 'all';

/** 通知中心: every notification of mine, unread or all, to read and mark read. */
export default function NotificationsPage() {
  const t = useT();
  const fmt = useFormatTime();
  const describe = useDescribeNotice();
  const { one, all } = useMarkRead();
  const { token } = theme.useToken();
  const [params, setParams] = useSearchParams();
  // A deep link from a mail, robot or push message: /notifications?open=<id>.
  const openId = params.get('open') || undefined;
  // The opened notice becomes read: show every notice so it stays in the list.
  const [filter, setFilter] = useState<Filter>(openId ? 'all' : 'unread');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);

  useEffect(() => {
    document.title = `${t('menu.notifications')} - ${t('app.name')}`;
  }, [t]);

  const opened = useQuery({
    queryKey: noticeKeys.one(openId ?? ''),
    queryFn: () => findNotice(openId ?? ''),
    enabled: Boolean(openId),
  });
  const openedNotice = opened.data;
  const mutateOne = one.mutate;
  useEffect(() => {
    if (openedNotice && !openedNotice.read_at) mutateOne(openedNotice.id);
  }, [openedNotice, mutateOne]);
  const closeOpened = () =>
    setParams(
      (p) => {
        p.delete('open');
        return p;
      },
      { replace: true },
    );

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
      {openId ? (
        <Card
          size="small"
          title={t('notice.opened')}
          data-testid="opened-notice"
          style={{ marginBottom: 16, borderColor: token.colorPrimary }}
          extra={
            <Button
              type="text"
              size="small"
              icon={<CloseOutlined />}
              aria-label={t('notice.close')}
              onClick={closeOpened}
            />
          }
        >
          {opened.isPending ? (
            <Skeleton active paragraph={{ rows: 1 }} />
          ) : opened.error ? (
            <QueryError error={opened.error} onRetry={() => void opened.refetch()} />
          ) : openedNotice ? (
            <OpenedNotice notice={openedNotice} />
          ) : (
            <Alert type="warning" showIcon title={t('notice.notFound')} />
          )}
        </Card>
      ) : null}
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
          onRow={(r) =>
            r.id === openId
              ? { style: { background: token.colorPrimaryBg }, 'aria-current': 'true' }
              : {}
          }
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

/** The notice a deep link opened: its sentence, and the flow it concerns. */
function OpenedNotice({ notice }: { notice: Notice }) {
  const t = useT();
  const fmt = useFormatTime();
  const describe = useDescribeNotice();
  const link = noticeLink(notice);
  const sentence = describe(notice);
  return (
    <Flex vertical gap={8}>
      <Typography.Text strong>
        {link ? <Link to={link}>{sentence}</Link> : sentence}
      </Typography.Text>
      <Descriptions
        size="small"
        column={1}
        items={[
          ...(notice.instance_id && notice.title
            ? [{ key: 'title', label: t('notice.flowTitle'), children: notice.title }]
            : []),
          ...(notice.instance_id && notice.serial_no
            ? [{ key: 'serial', label: t('notice.serialNo'), children: notice.serial_no }]
            : []),
          { key: 'time', label: t('notice.time'), children: fmt(notice.created_at) },
        ]}
      />
    </Flex>
  );
}
