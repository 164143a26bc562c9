import { WarningOutlined } from '@ant-design/icons';
import { Flex } from 'antd';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { useT } from '../../../i18n';
import { ChannelsCard } from './ChannelsCard';
import { ServerSettings } from './ServerSettings';

/** Where failed mail deliveries are listed (failed jobs of that kind). */
export const FAILED_DELIVERIES = '/admin/jobs?state=failed&kind=notify.email';

/** 通知渠道: the mail server, the digest times, group robots and webhooks. */
export default function NotificationChannelsPage() {
  const t = useT();

  useEffect(() => {
    document.title = `${t('menu.notifyChannels')} - ${t('app.name')}`;
  }, [t]);

  return (
    <>
      <PageHeader
        title={t('menu.notifyChannels')}
        extra={
          <Link to={FAILED_DELIVERIES}>
            <WarningOutlined /> {t('notifyAdmin.failedDeliveries')}
          </Link>
        }
      />
      <Flex vertical gap={16} style={{ maxWidth: 960 }}>
        <ServerSettings />
        <ChannelsCard />
      </Flex>
    </>
  );
}
