import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Empty, Form, Table, Tabs, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { access } from '../../../access';
import { useMe } from '../../../auth/session';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { useFormatTime, useTimeZone } from '../../../hooks/useTenantTime';
import { useI18n, useT } from '../../../i18n';
import { addDays, startOfDayInZone, todayInZone } from '../../../utils/time';
import { DepartmentPicker, UserPicker } from '../../Org/pickers';
import { useDepartments } from '../../Org/services';
import { descendantsOf } from '../../Org/tree';
import { LineChart } from './LineChart';
import {
  type LoginRecord,
  type LoginReportRow,
  loginRecords,
  loginReport,
  type ReportQuery,
  recordsKey,
  reportKey,
} from './services';

interface ReportForm {
  range: [Dayjs, Dayjs];
  department_id?: string;
}

/** Logins per user per day, for R5's presence rule, and the raw login record. */
export default function LoginReportPage() {
  const t = useT();
  const { data: me } = useMe();
  const flags = access(me);
  useEffect(() => {
    document.title = `${t('menu.loginReport')} - ${t('app.name')}`;
  }, [t]);
  // A department head without report.read sees the departments they head, and no raw records.
  const headOnly = !flags.canReadLoginRecords;
  return (
    <>
      <PageHeader title={t('menu.loginReport')} />
      <Tabs
        destroyOnHidden
        items={[
          {
            key: 'report',
            label: t('report.perDay'),
            children: <DailyReport headOf={headOnly ? (me?.id ?? '') : undefined} />,
          },
          ...(flags.canReadLoginRecords
            ? [{ key: 'records', label: t('report.records'), children: <Records /> }]
            : []),
        ]}
      />
    </>
  );
}

/** The departments `userId` heads, with everything below them. */
function useHeadedDepartments(userId: string | undefined): Set<string> | undefined {
  const departments = useDepartments();
  return useMemo(() => {
    if (userId === undefined) return undefined;
    const all = departments.data ?? [];
    const out = new Set<string>();
    for (const d of all)
      if (d.head_user_id === userId) for (const id of descendantsOf(all, d.id)) out.add(id);
    return out;
  }, [departments.data, userId]);
}

function DailyReport({ headOf }: { headOf?: string }) {
  const t = useT();
  const headed = useHeadedDepartments(headOf);
  const tz = useTimeZone();
  const today = todayInZone(tz);
  const [form] = Form.useForm<ReportForm>();
  const [query, setQuery] = useState<ReportQuery>({ from: addDays(today, -6), to: today });
  const report = useQuery({
    queryKey: reportKey(query),
    queryFn: () => loginReport(query),
    placeholderData: keepPreviousData,
  });
  const data = report.data;
  const series = useMemo(
    () => (data?.per_department ?? []).map((d) => ({ name: d.department_name, values: d.per_day })),
    [data],
  );

  const dayColumns = (data?.days ?? []).map((day, i) => ({
    title: day.slice(5),
    key: day,
    align: 'right' as const,
    render: (_: unknown, r: LoginReportRow) => {
      const n = r.per_day[i] ?? 0;
      return n === 0 ? <Tag color="warning">0</Tag> : n;
    },
  }));

  return (
    <>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form<ReportForm>
          name="report-search"
          form={form}
          layout="inline"
          style={{ rowGap: 8 }}
          initialValues={{ range: [dayjs(query.from), dayjs(query.to)] }}
          onFinish={(v) =>
            setQuery({
              from: v.range[0].format('YYYY-MM-DD'),
              to: v.range[1].format('YYYY-MM-DD'),
              department_id: v.department_id,
            })
          }
        >
          <Form.Item name="range" label={t('report.range')} rules={[{ required: true }]}>
            <DatePicker.RangePicker allowClear={false} />
          </Form.Item>
          <Form.Item
            name="department_id"
            label={t('user.department')}
            tooltip={headed ? t('report.headScope') : undefined}
          >
            <DepartmentPicker
              allowClear
              only={headed}
              placeholder={headed ? t('report.headScopeAll') : undefined}
              style={{ width: 220 }}
            />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('common.search')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      {report.error ? (
        <QueryError error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <>
          <Card
            size="small"
            title={t('report.chartTitle')}
            style={{ marginBottom: 16 }}
            loading={report.isPending}
          >
            {data && series.length > 0 ? (
              <LineChart days={data.days} series={series} title={t('report.chartTitle')} />
            ) : (
              <Empty description={t('common.noData')} />
            )}
          </Card>
          <Table<LoginReportRow>
            rowKey="user_id"
            size="small"
            loading={report.isFetching}
            dataSource={data?.rows ?? []}
            scroll={{ x: 'max-content' }}
            pagination={{ pageSize: 50, showTotal: (n) => t('common.total', { n }) }}
            columns={[
              { title: t('user.displayName'), dataIndex: 'display_name', fixed: 'left' },
              { title: t('user.department'), dataIndex: 'department_name' },
              ...dayColumns,
              {
                title: t('report.daysBelowTwo'),
                dataIndex: 'days_below_two',
                align: 'right',
                sorter: (a, b) => (a.days_below_two ?? 0) - (b.days_below_two ?? 0),
              },
              {
                title: t('report.total'),
                dataIndex: 'total',
                align: 'right',
                sorter: (a, b) => a.total - b.total,
              },
            ]}
          />
        </>
      )}
    </>
  );
}

function Records() {
  const { t, te } = useI18n();
  const fmt = useFormatTime();
  const tz = useTimeZone();
  const [form] = Form.useForm<{
    user_id?: string | null;
    range?: [Dayjs | null, Dayjs | null] | null;
  }>();
  const [filter, setFilter] = useState<{ user_id?: string; from?: string; to?: string }>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const q = { ...filter, page, page_size: pageSize };
  const list = useQuery({
    queryKey: recordsKey(q),
    queryFn: () => loginRecords(q),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form
          name="records-search"
          form={form}
          layout="inline"
          style={{ rowGap: 8 }}
          onFinish={(v) => {
            const [start, end] = v.range ?? [];
            setFilter({
              user_id: v.user_id ?? undefined,
              from: start
                ? startOfDayInZone(start.format('YYYY-MM-DD'), tz).toISOString()
                : undefined,
              to: end
                ? startOfDayInZone(addDays(end.format('YYYY-MM-DD'), 1), tz).toISOString()
                : undefined,
            });
            setPage(1);
          }}
        >
          <Form.Item name="user_id" label={t('report.user')}>
            <div style={{ width: 200 }}>
              <UserPicker />
            </div>
          </Form.Item>
          <Form.Item name="range" label={t('report.range')}>
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('common.search')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      {list.error ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<LoginRecord>
          rowKey={(r) => `${r.at}-${r.username}-${r.ip}`}
          size="small"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
          columns={[
            { title: t('audit.at'), dataIndex: 'at', render: fmt },
            { title: t('user.username'), dataIndex: 'username' },
            { title: t('audit.ip'), dataIndex: 'ip' },
            {
              title: t('report.method'),
              dataIndex: 'method',
              render: (m: string) => te('report.method', m),
            },
            {
              title: t('report.result'),
              dataIndex: 'success',
              render: (ok: boolean, r: LoginRecord) =>
                ok ? (
                  <Tag color="success">{t('report.success')}</Tag>
                ) : (
                  <Tag color="error">
                    {t('report.failure')}
                    {r.reason ? ` · ${r.reason}` : ''}
                  </Tag>
                ),
            },
            {
              title: t('sessions.device'),
              dataIndex: 'user_agent',
              render: (v: string | null | undefined) => (
                <span style={{ display: 'inline-block', maxWidth: 320, wordBreak: 'break-word' }}>
                  {v}
                </span>
              ),
            },
          ]}
        />
      )}
    </>
  );
}
