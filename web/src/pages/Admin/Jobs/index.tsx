import { ExperimentOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Flex,
  Popconfirm,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { useApiError } from '../../../hooks/useApiError';
import { useFormatTime } from '../../../hooks/useTenantTime';
import { useI18n } from '../../../i18n';
import {
  canCancel,
  canRetry,
  countFor,
  isJobState,
  JOB_STATES,
  kindLabel,
  kindOptions,
  type StateFilter,
  stateColor,
  stateLabel,
} from './jobs';
import {
  cancelJob,
  type Job,
  type JobFilters,
  jobsKeys,
  listJobs,
  probeJob,
  retryJob,
} from './services';

/** The list refreshes itself this often while the page is open. */
export const REFRESH_MS = 5_000;

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Typography.Text strong>{label}</Typography.Text>
      <div>{children}</div>
    </div>
  );
}

/** The job table of the tenant: states, errors, retry and cancel, and a probe job. */
export default function JobsPage() {
  const { t, te } = useI18n();
  const fmt = useFormatTime();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  // The filters live in the address (?state=failed&kind=notify.email), so links can open them.
  const [params, setParams] = useSearchParams();
  const stateParam = params.get('state');
  const state: StateFilter = isJobState(stateParam) ? stateParam : 'all';
  const kind = params.get('kind') || undefined;
  const setFilter = (name: 'state' | 'kind', value: string | undefined) => {
    setParams(
      (p) => {
        if (value && value !== 'all') p.set(name, value);
        else p.delete(name);
        return p;
      },
      { replace: true },
    );
    setPage(1);
  };
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [refreshing, setRefreshing] = useState(false);

  useEffect(() => {
    document.title = `${t('menu.jobs')} - ${t('app.name')}`;
  }, [t]);

  const filters: JobFilters = { state: state === 'all' ? undefined : state, kind };
  const list = useQuery({
    queryKey: jobsKeys.list(filters, page, pageSize),
    queryFn: () => listJobs(filters, page, pageSize),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
  const counts = list.data?.counts;
  const invalidate = () => queryClient.invalidateQueries({ queryKey: jobsKeys.all });

  const refresh = async () => {
    setRefreshing(true);
    try {
      await list.refetch();
    } finally {
      setRefreshing(false);
    }
  };

  const probe = useMutation({
    mutationFn: probeJob,
    onSuccess: () => {
      message.success(t('jobs.probeQueued'));
      void invalidate();
    },
    onError: (e) => showError(e),
  });
  const retry = useMutation({
    mutationFn: (job: Job) => retryJob(job.id),
    onSuccess: () => {
      message.success(t('jobs.retried'));
      void invalidate();
    },
    onError: (e) => {
      showError(e);
      void invalidate();
    },
  });
  const cancel = useMutation({
    mutationFn: (job: Job) => cancelJob(job.id),
    onSuccess: () => {
      message.success(t('jobs.cancelDone'));
      void invalidate();
    },
    onError: (e) => {
      showError(e);
      void invalidate();
    },
  });

  const stateTabs: StateFilter[] = ['all', ...JOB_STATES];
  const kinds = kindOptions([kind, ...(list.data?.items ?? []).map((j) => j.kind)]);

  return (
    <>
      <PageHeader
        title={t('menu.jobs')}
        extra={
          <>
            <Button
              type="primary"
              icon={<ExperimentOutlined />}
              loading={probe.isPending}
              onClick={() => probe.mutate()}
            >
              {t('jobs.probe')}
            </Button>
            <Button icon={<ReloadOutlined />} loading={refreshing} onClick={() => void refresh()}>
              {t('jobs.refresh')}
            </Button>
          </>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex wrap gap={12} align="center">
          <div style={{ maxWidth: '100%', overflowX: 'auto' }}>
            <Segmented<StateFilter>
              aria-label={t('jobs.state')}
              value={state}
              onChange={(v) => setFilter('state', v)}
              options={stateTabs.map((s) => {
                const n = countFor(counts, s);
                return {
                  value: s,
                  label: (
                    <span data-testid={`job-tab-${s}`}>
                      {s === 'all' ? t('common.all') : stateLabel(s, te)}{' '}
                      <Typography.Text type={s === 'failed' && n > 0 ? 'danger' : 'secondary'}>
                        {n}
                      </Typography.Text>
                    </span>
                  ),
                };
              })}
            />
          </div>
          <Select<string>
            aria-label={t('jobs.kind')}
            allowClear
            placeholder={t('jobs.kindAll')}
            value={kind}
            onChange={(v) => setFilter('kind', v || undefined)}
            options={kinds.map((k) => ({ value: k, label: kindLabel(k, te) }))}
            style={{ minWidth: 160 }}
          />
          <Typography.Text type="secondary">{t('jobs.autoRefresh')}</Typography.Text>
        </Flex>
      </Card>
      {list.error ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Job>
          rowKey="id"
          size="small"
          // Not on the background refresh: the table would flicker every few seconds.
          loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          expandable={{
            expandedRowRender: (r) => (
              <div
                style={{
                  display: 'grid',
                  gridTemplateColumns: 'repeat(auto-fit, minmax(220px, 1fr))',
                  gap: 16,
                }}
              >
                <Detail label={t('jobs.id')}>
                  <Typography.Text code copyable>
                    {r.id}
                  </Typography.Text>
                </Detail>
                <Detail label={t('common.createdAt')}>{fmt(r.created_at)}</Detail>
                <Detail label={t('jobs.finishedAt')}>{fmt(r.finished_at) || '-'}</Detail>
                <Detail label={t('jobs.lockedUntil')}>{fmt(r.locked_until) || '-'}</Detail>
                <Detail label={t('jobs.payload')}>
                  <pre
                    style={{
                      margin: 0,
                      whiteSpace: 'pre-wrap',
                      wordBreak: 'break-all',
                      fontSize: 12,
                    }}
                  >
                    {JSON.stringify(r.payload ?? null, null, 2)}
                  </pre>
                </Detail>
                {r.last_error ? (
                  <Detail label={t('jobs.lastError')}>
                    <Typography.Text type="danger" style={{ whiteSpace: 'pre-wrap' }}>
                      {r.last_error}
                    </Typography.Text>
                  </Detail>
                ) : null}
              </div>
            ),
          }}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100, 200],
            showTotal: (n) => t('common.total', { n }),
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
          columns={[
            {
              title: t('jobs.kind'),
              dataIndex: 'kind',
              render: (k: string) => {
                const label = kindLabel(k, te);
                return label === k ? (
                  <Typography.Text code>{k}</Typography.Text>
                ) : (
                  <span title={k}>{label}</span>
                );
              },
            },
            {
              title: t('jobs.state'),
              dataIndex: 'state',
              render: (s: string) => (
                <Tag color={stateColor(s)} data-testid="job-state">
                  {stateLabel(s, te)}
                </Tag>
              ),
            },
            { title: t('jobs.runAt'), dataIndex: 'run_at', render: fmt },
            {
              title: t('jobs.attempts'),
              dataIndex: 'attempts',
              render: (n: number, r) => `${n} / ${r.max_attempts}`,
            },
            {
              title: t('jobs.node'),
              dataIndex: 'locked_by',
              render: (v: string | null | undefined) => v || '-',
            },
            {
              title: t('jobs.lastError'),
              dataIndex: 'last_error',
              render: (v: string | null | undefined) =>
                v ? (
                  <Typography.Text
                    type="danger"
                    ellipsis={{ tooltip: v }}
                    style={{ maxWidth: 280 }}
                  >
                    {v}
                  </Typography.Text>
                ) : (
                  '-'
                ),
            },
            { title: t('jobs.updatedAt'), dataIndex: 'updated_at', render: fmt },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, r) => (
                <Space size={0}>
                  {canRetry(r.state) ? (
                    <Popconfirm
                      title={t('jobs.retryConfirm')}
                      okText={t('jobs.retry')}
                      onConfirm={() => retry.mutateAsync(r).catch(() => {})}
                    >
                      <Button type="link" size="small">
                        {t('jobs.retry')}
                      </Button>
                    </Popconfirm>
                  ) : null}
                  {canCancel(r.state) ? (
                    <Popconfirm
                      title={t('jobs.cancelConfirm')}
                      okText={t('jobs.cancelJob')}
                      okButtonProps={{ danger: true }}
                      cancelText={t('jobs.keep')}
                      onConfirm={() => cancel.mutateAsync(r).catch(() => {})}
                    >
                      <Button type="link" danger size="small">
                        {t('jobs.cancel')}
                      </Button>
                    </Popconfirm>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
      )}
    </>
  );
}
