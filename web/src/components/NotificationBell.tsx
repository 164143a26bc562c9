import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Flex, List, Popover, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useFormatTime } from '../hooks/useTenantTime';
import { useT } from '../i18n';
import { noticeLink } from '../pages/Notifications/describe';
import { listNotices, type Notice, noticeKeys, unreadCount } from '../pages/Notifications/services';
import { useLiveNotices } from '../pages/Notifications/useLiveNotices';
import { useDescribeNotice, useMarkRead } from '../pages/Notifications/useNotices';

/**
 * New notifications arrive by server push (`useLiveNotices`); polling at this pace (and when
 * the window regains focus) is only the fallback.
 */
export const POLL_MS = 60_000;
const LATEST = 10;

/** Unread ones first, then the newest read ones, `LATEST` in all. */
export function latestFirst(unread: Notice[], recent: Notice[]): Notice[] {
  const seen = new Set(unread.map((n) => n.id));
  return [...unread, ...recent.filter((n) => !seen.has(n.id) && n.read_at)].slice(0, LATEST);
}

/** The header bell: unread count, the latest notifications, mark read. */
export function NotificationBell() {
  const t = useT();
  const navigate = useNavigate();
  const fmt = useFormatTime();
  const describe = useDescribeNotice();
  const { one, all } = useMarkRead();
  const [open, setOpen] = useState(false);
  useLiveNotices();
  const count = useQuery({
    queryKey: noticeKeys.unreadCount,
    queryFn: unreadCount,
    refetchInterval: POLL_MS,
    refetchOnWindowFocus: 'always',
  });
  const unread = useQuery({
    queryKey: noticeKeys.list(true, 1, LATEST),
    queryFn: () => listNotices(true, 1, LATEST),
    enabled: open,
  });
  const recent = useQuery({
    queryKey: noticeKeys.list(false, 1, LATEST),
    queryFn: () => listNotices(false, 1, LATEST),
    enabled: open,
  });
  const items = latestFirst(unread.data?.items ?? [], recent.data?.items ?? []);
  const n = count.data ?? 0;

  const go = (path: string) => {
    setOpen(false);
    navigate(path);
  };

  const content = (
    <div style={{ width: 'min(360px, calc(100vw - 32px))' }} data-testid="notice-popover">
      <List<Notice>
        size="small"
        loading={unread.isPending || recent.isPending}
        dataSource={items}
        locale={{ emptyText: t('notice.empty') }}
        style={{ maxHeight: 400, overflowY: 'auto' }}
        renderItem={(item) => {
          const link = noticeLink(item);
          return (
            <List.Item
              style={{ cursor: 'pointer', paddingInline: 4 }}
              onClick={() => {
                if (!item.read_at) one.mutate(item.id);
                if (link) go(link);
              }}
            >
              <Flex vertical gap={2} style={{ minWidth: 0 }}>
                <Typography.Text strong={!item.read_at}>
                  {item.read_at ? null : (
                    <Badge status="processing" style={{ marginInlineEnd: 4 }} />
                  )}
                  {describe(item)}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {fmt(item.created_at)}
                </Typography.Text>
              </Flex>
            </List.Item>
          );
        }}
      />
      <Flex justify="space-between" style={{ marginTop: 8 }}>
        <Button
          size="small"
          disabled={n === 0}
          loading={all.isPending}
          onClick={() => all.mutate()}
        >
          {t('notice.readAll')}
        </Button>
        <Button size="small" type="link" onClick={() => go('/notifications')}>
          {t('notice.viewAll')}
        </Button>
      </Flex>
    </div>
  );

  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      title={t('notice.latest')}
      open={open}
      onOpenChange={setOpen}
      content={content}
    >
      <Button type="text" aria-label={t('notice.bell')} style={{ paddingInline: 4 }}>
        <Badge count={n} size="small" overflowCount={99} data-testid="notice-count">
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Button>
    </Popover>
  );
}
