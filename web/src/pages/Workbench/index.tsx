import {
  CheckSquareOutlined,
  InboxOutlined,
  NotificationOutlined,
  SendOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { Card, Col, Empty, Row, Statistic, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useEffect } from 'react';
import { useMe } from '../../auth/session';
import { useT } from '../../i18n';
import type { MessageKey } from '../../i18n/locale';

interface Counter {
  key: string;
  label: MessageKey;
  icon: ReactNode;
}

const COUNTERS: Counter[] = [
  { key: 'todo', label: 'workbench.todo', icon: <InboxOutlined /> },
  { key: 'done', label: 'workbench.done', icon: <CheckSquareOutlined /> },
  { key: 'started', label: 'workbench.started', icon: <SendOutlined /> },
  { key: 'cc', label: 'workbench.cc', icon: <NotificationOutlined /> },
];

/** 工作台: counters and previews. Flows arrive in a later release, so everything is zero. */
export default function WorkbenchPage() {
  const t = useT();
  const { data: me } = useMe();

  useEffect(() => {
    document.title = `${t('menu.workbench')} - ${t('app.name')}`;
  }, [t]);

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('workbench.greeting', { name: me?.display_name ?? '' })}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        {COUNTERS.map((c) => (
          <Col key={c.key} xs={12} md={6}>
            <Card size="small" data-testid={`counter-${c.key}`}>
              <Statistic title={t(c.label)} value={0} prefix={c.icon} />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={14}>
          <Card
            title={
              <span>
                <UnorderedListOutlined /> {t('workbench.todoPreview')}
              </span>
            }
          >
            <Empty description={t('workbench.noTodo')} />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card
            title={
              <span>
                <NotificationOutlined /> {t('workbench.notices')}
              </span>
            }
          >
            <Empty description={t('workbench.noNotices')} />
          </Card>
        </Col>
      </Row>
    </>
  );
}
