import { ThunderboltOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Row,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo } from 'react';
import { useNavigate, useParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { useApiError } from '../../../hooks/useApiError';
import { useFormatTime } from '../../../hooks/useTenantTime';
import { type TFunction, useT } from '../../../i18n';
import { BarChart } from '../components/BarChart';
import { formatDuration, minutesBetween, nameOr } from '../flow';
import { isoWeekDays, namesOf } from './reports';
import {
  getReport,
  listReports,
  makeReport,
  type NamedCount,
  type OverdueTask,
  type ReportSummary,
  reportKeys,
} from './services';

/** `2026-W48` as 2026 年第 48 周（11-23 – 11-29）. */
export function periodLabel(period: string, t: TFunction): string {
  const days = isoWeekDays(period);
  if (!days) return period;
  return t('reports.week', {
    year: period.slice(0, 4),
    week: Number(period.slice(6)),
    from: days.monday.slice(5),
    to: days.sunday.slice(5),
  });
}

/** 超期周报: the stored weekly overdue reports, one opened, and one made on demand. */
export default function ReportsPage() {
  const t = useT();
  const fmt = useFormatTime();
  const navigate = useNavigate();
  const { period } = useParams<{ period?: string }>();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  useEffect(() => {
    document.title = `${t('menu.overdueReports')} - ${t('app.name')}`;
  }, [t]);

  const list = useQuery({ queryKey: reportKeys.list, queryFn: listReports });
  const reports = list.data ?? [];
  // Without a week in the address, the newest report is open.
  const selected = period ?? reports[0]?.period;

  const make = useMutation({
    mutationFn: makeReport,
    onSuccess: (r) => {
      queryClient.setQueryData(reportKeys.one(r.period), r);
      void queryClient.invalidateQueries({ queryKey: reportKeys.list });
      message.success(t('reports.made', { period: periodLabel(r.period, t) }));
      navigate(`/flow/reports/${r.period}`);
    },
    onError: (e) => showError(e),
  });

  return (
    <>
      <PageHeader
        title={t('menu.overdueReports')}
        extra={
          <Button
            type="primary"
            icon={<ThunderboltOutlined />}
            loading={make.isPending}
            onClick={() => make.mutate()}
          >
            {t('reports.makeNow')}
          </Button>
        }
      />
      <Typography.Paragraph type="secondary">{t('reports.hint')}</Typography.Paragraph>
      {list.error ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Flex vertical gap={16}>
          <Card size="small" title={t('reports.list')}>
            <Table<ReportSummary>
              rowKey="period"
              size="small"
              loading={list.isPending}
              dataSource={reports}
              scroll={{ x: 'max-content' }}
              locale={{
                emptyText: (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('reports.empty')} />
                ),
              }}
              pagination={{ pageSize: 5, hideOnSinglePage: true, showSizeChanger: false }}
              columns={[
                {
                  title: t('reports.period'),
                  dataIndex: 'period',
                  render: (p: string) =>
                    p === selected ? (
                      <Typography.Text strong>{periodLabel(p, t)}</Typography.Text>
                    ) : (
                      periodLabel(p, t)
                    ),
                },
                { title: t('reports.generatedAt'), dataIndex: 'generated_at', render: fmt },
                {
                  title: t('reports.overdue'),
                  dataIndex: 'overdue',
                  align: 'right',
                  render: (n: number) => <Tag color={n > 0 ? 'error' : 'success'}>{n}</Tag>,
                },
                {
                  title: t('common.actions'),
                  key: 'open',
                  render: (_, r) => (
                    <Button
                      type="link"
                      size="small"
                      disabled={r.period === selected}
                      onClick={() => navigate(`/flow/reports/${r.period}`)}
                    >
                      {t('reports.open')}
                    </Button>
                  ),
                },
              ]}
            />
          </Card>
          {selected ? <ReportDetail period={selected} /> : null}
        </Flex>
      )}
    </>
  );
}

function ReportDetail({ period }: { period: string }) {
  const t = useT();
  const fmt = useFormatTime();
  // A stored week changes only when made again, which puts the new copy in the cache.
  const report = useQuery({
    queryKey: reportKeys.one(period),
    queryFn: () => getReport(period),
    staleTime: 60_000,
  });
  const r = report.data;
  const templates = useMemo(() => namesOf(r?.by_template ?? []), [r]);
  const people = useMemo(() => namesOf(r?.by_person ?? []), [r]);
  if (report.error)
    return <QueryError error={report.error} onRetry={() => void report.refetch()} />;
  const bars = (counts: NamedCount[] | undefined, unknown: string) =>
    (counts ?? []).map((c) => ({ key: c.id, label: nameOr(c.name, unknown), value: c.overdue }));
  const charts: { key: string; title: string; counts?: NamedCount[]; unknown: string }[] = [
    {
      key: 'template',
      title: t('reports.byTemplate'),
      counts: r?.by_template,
      unknown: t('flow.unknownTemplate'),
    },
    {
      key: 'person',
      title: t('reports.byPerson'),
      counts: r?.by_person,
      unknown: t('flow.unknownPerson'),
    },
    {
      key: 'department',
      title: t('reports.byDepartment'),
      counts: r?.by_department,
      unknown: t('flow.unknownName'),
    },
  ];
  return (
    <Card
      size="small"
      title={periodLabel(period, t)}
      loading={report.isPending}
      data-testid="overdue-report"
      data-period={period}
    >
      {r ? (
        <Flex vertical gap={16}>
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2 }}
            items={[
              { key: 'at', label: t('reports.generatedAt'), children: fmt(r.generated_at) },
              {
                key: 'n',
                label: t('reports.overdue'),
                children: <span data-testid="report-overdue">{r.overdue}</span>,
              },
            ]}
          />
          <Row gutter={[16, 16]}>
            {charts.map((c) => (
              <Col key={c.key} xs={24} lg={8}>
                <Card size="small" type="inner" title={c.title}>
                  <BarChart
                    title={c.title}
                    bars={bars(c.counts, c.unknown)}
                    testId={`report-chart-${c.key}`}
                  />
                </Card>
              </Col>
            ))}
          </Row>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('reports.longest')}
          </Typography.Title>
          <Table<OverdueTask>
            rowKey={(x) => `${x.instance_id}-${x.node_name}-${x.assignee_id}`}
            size="small"
            dataSource={r.tasks}
            scroll={{ x: 'max-content' }}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            columns={[
              { title: t('supervision.title'), dataIndex: 'title' },
              {
                title: t('supervision.serialNo'),
                dataIndex: 'serial_no',
                render: (v: string | null | undefined) => v || '-',
              },
              {
                title: t('flow.template'),
                dataIndex: 'template_id',
                render: (id: string) => nameOr(templates.get(id), t('flow.unknownTemplate')),
              },
              { title: t('supervision.node'), dataIndex: 'node_name' },
              {
                title: t('supervision.handler'),
                dataIndex: 'assignee_id',
                render: (id: string) => nameOr(people.get(id), t('flow.unknownPerson')),
              },
              { title: t('supervision.dueAt'), dataIndex: 'due_at', render: fmt },
              {
                title: t('reports.overdueFor'),
                key: 'late',
                render: (_, x) => (
                  <Typography.Text type="danger">
                    {formatDuration(minutesBetween(x.due_at, r.generated_at), t)}
                  </Typography.Text>
                ),
              },
            ]}
          />
        </Flex>
      ) : null}
    </Card>
  );
}
