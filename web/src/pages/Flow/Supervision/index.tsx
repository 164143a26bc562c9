import { ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Empty,
  Flex,
  Popconfirm,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { access } from '../../../access';
import { useMe } from '../../../auth/session';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { useApiError } from '../../../hooks/useApiError';
import { useFormatTime } from '../../../hooks/useTenantTime';
import { useT } from '../../../i18n';
import { dueStatus, formatDuration, nameOr } from '../flow';
import { templateOptions, useTemplates } from '../templates';
import { ReplaceDialog } from './ReplaceDialog';
import {
  listSupervised,
  type SupervisedTask,
  type SupervisionCounts,
  supervisionKeys,
  TASK_FILTERS,
  type TaskFilter,
  urgeTask,
} from './services';
import { ViolationDialog } from './ViolationDialog';

/** The console reloads itself this often: waiting times and badges move with the clock. */
export const REFRESH_MS = 60_000;

const countOf = (counts: SupervisionCounts | undefined, f: TaskFilter): number =>
  counts ? counts[f === 'all' ? 'open' : f] : 0;

/** 督办台: open tasks of the templates I supervise, with urge and violation records. */
export default function SupervisionPage() {
  const t = useT();
  const fmt = useFormatTime();
  const { data: me } = useMe();
  const flags = access(me);
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const [filter, setFilter] = useState<TaskFilter>('all');
  const [templateId, setTemplateId] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [violationFor, setViolationFor] = useState<SupervisedTask | null>(null);
  const [replaceFor, setReplaceFor] = useState<SupervisedTask | null>(null);
  const { templates, names } = useTemplates();

  useEffect(() => {
    document.title = `${t('menu.supervisionConsole')} - ${t('app.name')}`;
  }, [t]);

  const query = { filter, template_id: templateId, page, page_size: pageSize };
  const list = useQuery({
    queryKey: supervisionKeys.list(query),
    queryFn: () => listSupervised(query),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
  const items = list.data?.items ?? [];
  const counts = list.data?.counts;

  const urge = useMutation({
    mutationFn: urgeTask,
    // A block, not an expression: a returned message handle would hold the confirm open
    // until the message closes (react-query awaits what onSuccess returns).
    onSuccess: (_, task) => {
      message.success(
        t('supervision.urged', { name: nameOr(task.assignee_name, t('flow.unknownPerson')) }),
      );
    },
    onError: (e) => showError(e),
  });

  // Flow administrators supervise every template; others the ones naming them supervisor.
  const admin = flags.canAdministerFlows;
  const myId = me?.id;
  const options = useMemo(
    () =>
      templateOptions(
        templates.filter((tp) => admin || tp.supervisor_id === myId),
        [templateId, ...items.map((i) => i.template_id)],
        names,
        t('flow.unknownTemplate'),
      ),
    [templates, admin, myId, templateId, items, names, t],
  );
  const templateName = (id: string) => names.get(id) ?? t('flow.unknownTemplate');
  const now = list.dataUpdatedAt || Date.now();

  return (
    <>
      <PageHeader
        title={t('menu.supervisionConsole')}
        extra={
          <Button
            icon={<ReloadOutlined />}
            loading={list.isFetching && !list.isPending}
            onClick={() => void queryClient.invalidateQueries({ queryKey: supervisionKeys.all })}
          >
            {t('flow.refresh')}
          </Button>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex wrap gap={12} align="center">
          <div style={{ maxWidth: '100%', overflowX: 'auto' }}>
            <Segmented<TaskFilter>
              aria-label={t('supervision.filter')}
              value={filter}
              onChange={(v) => {
                setFilter(v);
                setPage(1);
              }}
              options={TASK_FILTERS.map((f) => {
                const n = countOf(counts, f);
                return {
                  value: f,
                  label: (
                    <span data-testid={`supervision-tab-${f}`}>
                      {t(`supervision.filter.${f}`)}{' '}
                      <Typography.Text type={f === 'overdue' && n > 0 ? 'danger' : 'secondary'}>
                        {n}
                      </Typography.Text>
                    </span>
                  ),
                };
              })}
            />
          </div>
          <Select<string>
            aria-label={t('flow.template')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('flow.allTemplates')}
            value={templateId}
            onChange={(v) => {
              setTemplateId(v || undefined);
              setPage(1);
            }}
            options={options}
            style={{ minWidth: 180, maxWidth: '100%' }}
          />
        </Flex>
      </Card>
      {list.error ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<SupervisedTask>
          rowKey="task_id"
          size="small"
          loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
          dataSource={items}
          scroll={{ x: 'max-content' }}
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={
                  filter === 'all' && !templateId
                    ? t('supervision.empty')
                    : t('supervision.emptyFiltered')
                }
              />
            ),
          }}
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
              title: t('supervision.title'),
              dataIndex: 'title',
              render: (title: string) => (
                <Typography.Text style={{ display: 'inline-block', maxWidth: 280 }}>
                  {title}
                </Typography.Text>
              ),
            },
            {
              title: t('supervision.serialNo'),
              dataIndex: 'serial_no',
              render: (v: string | null | undefined) => v || '-',
            },
            { title: t('flow.template'), dataIndex: 'template_id', render: templateName },
            { title: t('supervision.node'), dataIndex: 'node_name' },
            {
              title: t('supervision.handler'),
              dataIndex: 'assignee_name',
              render: (v: string | null | undefined) => nameOr(v, t('flow.unknownPerson')),
            },
            {
              title: t('supervision.waiting'),
              dataIndex: 'waiting_minutes',
              render: (m: number) => formatDuration(m, t),
            },
            {
              title: t('supervision.dueAt'),
              dataIndex: 'due_at',
              render: (due: string | null | undefined, r) => {
                if (!due)
                  return (
                    <Typography.Text type="secondary">{t('supervision.noDue')}</Typography.Text>
                  );
                const status = r.overdue ? 'overdue' : dueStatus(due, now);
                return (
                  <Space size={4} wrap={false}>
                    <span>{fmt(due)}</span>
                    {status === 'overdue' ? (
                      <Tag color="error" data-testid="due-badge">
                        {t('supervision.overdue')}
                      </Tag>
                    ) : status === 'dueSoon' ? (
                      <Tag color="warning" data-testid="due-badge">
                        {t('supervision.dueSoon')}
                      </Tag>
                    ) : null}
                  </Space>
                );
              },
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, r) => (
                <Space size={0}>
                  <Popconfirm
                    title={t('supervision.urgeConfirm', {
                      name: nameOr(r.assignee_name, t('flow.unknownPerson')),
                    })}
                    okText={t('supervision.urge')}
                    onConfirm={() => urge.mutateAsync(r).catch(() => {})}
                  >
                    <Button type="link" size="small">
                      {t('supervision.urge')}
                    </Button>
                  </Popconfirm>
                  <Button type="link" size="small" onClick={() => setReplaceFor(r)}>
                    {t('supervision.replace')}
                  </Button>
                  <Button type="link" size="small" onClick={() => setViolationFor(r)}>
                    {t('supervision.recordViolation')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      )}
      <ReplaceDialog task={replaceFor} onClose={() => setReplaceFor(null)} />
      <ViolationDialog task={violationFor} onClose={() => setViolationFor(null)} />
    </>
  );
}
