import {
  CheckSquareOutlined,
  InboxOutlined,
  NotificationOutlined,
  SendOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, List, Row, Statistic, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { api, call, type Schemas } from '../../api/client';
import { useMe } from '../../auth/session';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useT } from '../../i18n';
import type { MessageKey } from '../../i18n/locale';

type Counts = Schemas['Counts'];
type FlowItem = Schemas['FlowItem'];

export const workbenchKeys = {
  counts: ['flow', 'counts'] as const,
  todoPreview: ['flow', 'todo', 'preview'] as const,
};

interface Counter {
  key: keyof Counts;
  label: MessageKey;
  icon: ReactNode;
}

const COUNTERS: Counter[] = [
  { key: 'todo', label: 'workbench.todo', icon: <InboxOutlined /> },
  { key: 'done', label: 'workbench.done', icon: <CheckSquareOutlined /> },
  { key: 'started', label: 'workbench.started', icon: <SendOutlined /> },
  { key: 'cc', label: 'workbench.cc', icon: <NotificationOutlined /> },
];

/** 工作台: the counts of the approval lists and the first todos. */
export default function WorkbenchPage() {
  const t = useT();
  const fmt = useFormatTime();
  const { data: me } = useMe();
  const counts = useQuery({
    queryKey: workbenchKeys.counts,
    queryFn: (): Promise<Counts> => call(api.GET('/api/v1/flow/counts')),
  });
  const todo = useQuery({
    queryKey: workbenchKeys.todoPreview,
    queryFn: () => call(api.GET('/api/v1/flow/todo', { params: { query: { page_size: 5 } } })),
  });
  const todos: FlowItem[] = todo.data?.items ?? [];

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
            <Link to={`/approvals/${c.key}`} aria-label={t(c.label)}>
              <Card size="small" hoverable data-testid={`counter-${c.key}`}>
                <Statistic
                  title={t(c.label)}
                  value={counts.data?.[c.key] ?? 0}
                  loading={counts.isLoading}
                  prefix={c.icon}
                />
              </Card>
            </Link>
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
            extra={<Link to="/approvals/todo">{t('approval.viewAll')}</Link>}
          >
            {todos.length === 0 ? (
              <Empty description={t('workbench.noTodo')} />
            ) : (
              <List<FlowItem>
                dataSource={todos}
                loading={todo.isLoading}
                renderItem={(item) => (
                  <List.Item key={item.task_id ?? item.instance_id} data-testid="todo-item">
                    <List.Item.Meta
                      title={
                        <Link to={`/approvals/instances/${item.instance_id}`}>{item.title}</Link>
                      }
                      description={
                        <>
                          {item.serial_no && <Tag>{item.serial_no}</Tag>}
                          {item.node_name} · {item.initiator_name} · {fmt(item.at)}
                        </>
                      }
                    />
                  </List.Item>
                )}
              />
            )}
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
