import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Flex, Segmented, Select, Table, Tabs, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { useFormatTime, useTimeZone } from '../../../hooks/useTenantTime';
import { useT } from '../../../i18n';
import { addDays, startOfDayInZone, todayInZone } from '../../../utils/time';
import { useDepartments } from '../../Org/services';
import { BarChart } from '../components/BarChart';
import { formatDuration, minutesBetween, nameOr, percent } from '../flow';
import {
  type BacklogRow,
  backlog,
  type EfficiencyQuery,
  type EfficiencyRow,
  efficiency,
  STATS_GROUPS,
  type StatsGroup,
  statsKeys,
} from './services';
import { BACKLOG_DAYS, formatMetric, METRICS, type Metric, metricBars, metricMax } from './stats';

/** Whole days [first, last] in the tenant's zone, as the server's [from, to) instants. */
function period(first: string, last: string, tz: string): { from: string; to: string } {
  return {
    from: startOfDayInZone(first, tz).toISOString(),
    to: startOfDayInZone(addDays(last, 1), tz).toISOString(),
  };
}

/** 效率统计: handling time, overdue rate and pending tasks per template, department or person. */
export default function StatsPage() {
  const t = useT();
  const tz = useTimeZone();
  const today = todayInZone(tz);
  const [range, setRange] = useState<[string, string]>(() => [addDays(today, -29), today]);
  const [group, setGroup] = useState<StatsGroup>('template');
  // Kept across the tabs: the same figure per flow, department or person.
  const [metric, setMetric] = useState<Metric>('handled');
  useEffect(() => {
    document.title = `${t('menu.flowStats')} - ${t('app.name')}`;
  }, [t]);
  const query: EfficiencyQuery = { ...period(range[0], range[1], tz), group };
  return (
    <>
      <PageHeader title={t('menu.flowStats')} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex wrap gap={12} align="center">
          <Typography.Text>{t('stats.period')}</Typography.Text>
          <DatePicker.RangePicker
            aria-label={t('stats.period')}
            allowClear={false}
            value={[dayjs(range[0]), dayjs(range[1])]}
            onChange={(v) => {
              const [a, b] = (v ?? []) as [Dayjs | null, Dayjs | null];
              if (a && b) setRange([a.format('YYYY-MM-DD'), b.format('YYYY-MM-DD')]);
            }}
          />
        </Flex>
      </Card>
      <Tabs
        activeKey={group}
        onChange={(k) => setGroup(k as StatsGroup)}
        destroyOnHidden
        items={STATS_GROUPS.map((g) => ({
          key: g,
          label: t(`stats.group.${g}`),
          children: <Efficiency query={query} metric={metric} onMetric={setMetric} />,
        }))}
      />
      <Backlog />
    </>
  );
}

function Efficiency({
  query,
  metric,
  onMetric,
}: {
  query: EfficiencyQuery;
  metric: Metric;
  onMetric: (m: Metric) => void;
}) {
  const t = useT();
  const report = useQuery({
    queryKey: statsKeys.efficiency(query),
    queryFn: () => efficiency(query),
    placeholderData: keepPreviousData,
  });
  const rows = report.data?.rows ?? [];
  const unknown = t('flow.unknownName');
  const bars = useMemo(() => metricBars(rows, metric, unknown), [rows, metric, unknown]);
  if (report.error)
    return <QueryError error={report.error} onRetry={() => void report.refetch()} />;
  return (
    <Flex vertical gap={16}>
      <Card size="small" title={t('stats.chart')} loading={report.isPending}>
        <div style={{ maxWidth: '100%', overflowX: 'auto', marginBottom: 12 }}>
          <Segmented<Metric>
            aria-label={t('stats.metric')}
            value={metric}
            onChange={onMetric}
            options={METRICS.map((m) => ({ value: m, label: t(`stats.metric.${m}`) }))}
          />
        </div>
        <BarChart
          title={t(`stats.metric.${metric}`)}
          bars={bars}
          max={metricMax(metric)}
          format={(v) => formatMetric(metric, v, t)}
        />
      </Card>
      <Table<EfficiencyRow>
        rowKey="id"
        size="small"
        loading={report.isFetching}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: t(`stats.group.${query.group}`),
            dataIndex: 'name',
            render: (v: string) => nameOr(v, unknown),
          },
          {
            title: t('stats.metric.handled'),
            dataIndex: 'handled',
            align: 'right',
            sorter: (a, b) => a.handled - b.handled,
          },
          {
            title: t('stats.avgHours'),
            dataIndex: 'avg_working_hours',
            align: 'right',
            sorter: (a, b) => a.avg_working_hours - b.avg_working_hours,
            render: (v: number, r) => (r.handled === 0 ? '-' : v),
          },
          {
            title: t('stats.metric.overdue_rate'),
            dataIndex: 'overdue_rate',
            align: 'right',
            sorter: (a, b) => a.overdue_rate - b.overdue_rate,
            render: (v: number, r) =>
              r.handled_with_due === 0 ? (
                '-'
              ) : (
                <Tooltip title={t('stats.rateOf', { n: r.handled_with_due })}>
                  <span>{percent(v)}</span>
                </Tooltip>
              ),
          },
          {
            title: t('stats.metric.pending'),
            dataIndex: 'pending',
            align: 'right',
            sorter: (a, b) => a.pending - b.pending,
          },
        ]}
      />
    </Flex>
  );
}

/** 待办清零: people holding tasks open longer than N days. */
function Backlog() {
  const t = useT();
  const fmt = useFormatTime();
  const [days, setDays] = useState(3);
  const departments = useDepartments();
  const deptNames = useMemo(
    () => new Map((departments.data ?? []).map((d) => [d.id, d.name] as const)),
    [departments.data],
  );
  const list = useQuery({
    queryKey: statsKeys.backlog(days),
    queryFn: () => backlog(days),
    placeholderData: keepPreviousData,
  });
  const now = new Date(list.dataUpdatedAt || Date.now()).toISOString();
  return (
    <Card
      size="small"
      title={t('stats.backlog')}
      style={{ marginTop: 24 }}
      extra={
        <Select<number>
          size="small"
          aria-label={t('stats.backlogDays')}
          value={days}
          onChange={setDays}
          options={BACKLOG_DAYS.map((d) => ({
            value: d,
            label: t('stats.olderThan', { days: d }),
          }))}
          style={{ width: 130 }}
        />
      }
    >
      <Typography.Paragraph type="secondary">
        {t('stats.backlogHint', { days })}
      </Typography.Paragraph>
      {list.error ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<BacklogRow>
          rowKey="person_id"
          size="small"
          loading={list.isFetching}
          dataSource={list.data ?? []}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('stats.backlogEmpty') }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            {
              title: t('violation.person'),
              dataIndex: 'name',
              render: (v: string) => nameOr(v, t('flow.unknownPerson')),
            },
            {
              title: t('violation.department'),
              dataIndex: 'department_id',
              render: (id: string | null | undefined) => (id && deptNames.get(id)) || '-',
            },
            { title: t('stats.oldTasks'), dataIndex: 'old_tasks', align: 'right' },
            { title: t('stats.oldestOpened'), dataIndex: 'oldest_opened_at', render: fmt },
            {
              title: t('supervision.waiting'),
              key: 'waiting',
              render: (_, r) => formatDuration(minutesBetween(r.oldest_opened_at, now), t),
            },
          ]}
        />
      )}
    </Card>
  );
}
