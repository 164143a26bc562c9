import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Flex, Select, Table, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { useFormatTime, useTimeZone } from '../../../hooks/useTenantTime';
import { useI18n, useT } from '../../../i18n';
import { todayInZone } from '../../../utils/time';
import { DepartmentPicker, UserPicker } from '../../Org/pickers';
import { useDepartments } from '../../Org/services';
import { BarChart } from '../components/BarChart';
import { monthOf, nameOr } from '../flow';
import { templateOptions, useTemplates } from '../templates';
import {
  type DepartmentViolations,
  listViolations,
  type PersonViolations,
  type Violation,
  type ViolationFilters,
  violationKeys,
  violationReport,
  violationReportXlsxUrl,
} from './services';

/** The tag colour of a violation kind. */
export function kindColor(kind: string): string {
  if (kind === 'overdue') return 'error';
  if (kind === 'opinion') return 'warning';
  return 'default';
}

/** A month picker over `YYYY-MM` strings. */
function MonthPicker({
  value,
  onChange,
  allowClear,
  label,
}: {
  value?: string;
  onChange: (month: string | undefined) => void;
  allowClear: boolean;
  label: string;
}) {
  return (
    <DatePicker
      picker="month"
      aria-label={label}
      placeholder={label}
      allowClear={allowClear}
      value={value ? dayjs(`${value}-01`) : null}
      onChange={(d) => onChange(d ? d.format('YYYY-MM') : undefined)}
      style={{ width: 150 }}
    />
  );
}

/** 考核记录: violation records of the templates I supervise, and a month's report. */
export default function ViolationsPage() {
  const t = useT();
  useEffect(() => {
    document.title = `${t('menu.violations')} - ${t('app.name')}`;
  }, [t]);
  return (
    <>
      <PageHeader title={t('menu.violations')} />
      <Tabs
        destroyOnHidden
        items={[
          { key: 'records', label: t('violation.records'), children: <Records /> },
          { key: 'report', label: t('violation.monthly'), children: <MonthlyReport /> },
        ]}
      />
    </>
  );
}

function useDepartmentNames(): Map<string, string> {
  const departments = useDepartments();
  return useMemo(
    () => new Map((departments.data ?? []).map((d) => [d.id, d.name] as const)),
    [departments.data],
  );
}

function Records() {
  const { t, te } = useI18n();
  const fmt = useFormatTime();
  const [filters, setFilters] = useState<ViolationFilters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const { templates, names } = useTemplates();
  const departments = useDepartmentNames();
  const list = useQuery({
    queryKey: violationKeys.list(filters, page, pageSize),
    queryFn: () => listViolations(filters, page, pageSize),
    placeholderData: keepPreviousData,
  });
  const items = list.data?.items ?? [];
  const set = (patch: ViolationFilters) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPage(1);
  };
  const options = useMemo(
    () =>
      templateOptions(
        templates,
        [filters.template_id, ...items.map((v) => v.template_id)],
        names,
        t('flow.unknownTemplate'),
      ),
    [templates, filters.template_id, items, names, t],
  );
  return (
    <>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex wrap gap={12} align="center">
          <MonthPicker
            label={t('violation.month')}
            allowClear
            value={filters.month}
            onChange={(month) => set({ month })}
          />
          <div style={{ width: 200, maxWidth: '100%' }}>
            <UserPicker
              value={filters.person_id}
              onChange={(v) => set({ person_id: v ?? undefined })}
            />
          </div>
          <DepartmentPicker
            allowClear
            value={filters.department_id}
            onChange={(v) => set({ department_id: v })}
            style={{ width: 200, maxWidth: '100%' }}
          />
          <Select<string>
            aria-label={t('flow.template')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('flow.allTemplates')}
            value={filters.template_id}
            onChange={(v) => set({ template_id: v || undefined })}
            options={options}
            style={{ minWidth: 180, maxWidth: '100%' }}
          />
        </Flex>
      </Card>
      {list.error ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Violation>
          rowKey="id"
          size="small"
          loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
          dataSource={items}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('violation.empty') }}
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
            { title: t('violation.recordedAt'), dataIndex: 'recorded_at', render: fmt },
            {
              title: t('violation.person'),
              dataIndex: 'person_name',
              render: (v: string | null | undefined) => nameOr(v, t('flow.unknownPerson')),
            },
            {
              title: t('violation.department'),
              dataIndex: 'department_id',
              render: (id: string) => departments.get(id) ?? '-',
            },
            {
              title: t('flow.template'),
              dataIndex: 'template_id',
              render: (id: string) => names.get(id) ?? t('flow.unknownTemplate'),
            },
            {
              title: t('violation.step'),
              dataIndex: 'node_key',
              render: (k: string) => <Typography.Text code>{k}</Typography.Text>,
            },
            {
              title: t('violation.kind'),
              dataIndex: 'kind',
              render: (k: string) => (
                <Tag color={kindColor(k)} data-testid="violation-kind">
                  {te('violation.kind', k)}
                </Tag>
              ),
            },
            {
              title: t('violation.note'),
              dataIndex: 'note',
              render: (v: string) => (
                <span style={{ display: 'inline-block', maxWidth: 360, whiteSpace: 'pre-wrap' }}>
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

function MonthlyReport() {
  const t = useT();
  const tz = useTimeZone();
  const [month, setMonth] = useState(() => monthOf(todayInZone(tz)));
  const report = useQuery({
    queryKey: violationKeys.report(month),
    queryFn: () => violationReport(month),
    placeholderData: keepPreviousData,
  });
  const data = report.data;
  return (
    <>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex wrap gap={12} align="center">
          <MonthPicker
            label={t('violation.month')}
            allowClear={false}
            value={month}
            onChange={(m) => m && setMonth(m)}
          />
          <Button icon={<DownloadOutlined />} href={violationReportXlsxUrl(month)} download>
            {t('violation.exportXlsx')}
          </Button>
        </Flex>
      </Card>
      {report.error ? (
        <QueryError error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <Flex vertical gap={16}>
          <Card size="small" title={t('violation.byDepartment')} loading={report.isPending}>
            <BarChart
              title={t('violation.byDepartment')}
              bars={(data?.by_department ?? []).map((d: DepartmentViolations) => ({
                key: d.department_id,
                label: nameOr(d.department, '-'),
                value: d.total,
              }))}
              limit={50}
            />
          </Card>
          <Card size="small" title={t('violation.byPerson')}>
            <Table<PersonViolations>
              rowKey="person_id"
              size="small"
              loading={report.isFetching}
              dataSource={data?.by_person ?? []}
              scroll={{ x: 'max-content' }}
              pagination={{ pageSize: 50, hideOnSinglePage: true }}
              columns={[
                {
                  title: t('violation.person'),
                  dataIndex: 'name',
                  render: (v: string) => nameOr(v, t('flow.unknownPerson')),
                },
                { title: t('violation.department'), dataIndex: 'department' },
                { title: t('violation.total'), dataIndex: 'total', align: 'right' },
                { title: t('violation.kind.overdue'), dataIndex: 'overdue', align: 'right' },
                { title: t('violation.kind.opinion'), dataIndex: 'opinion', align: 'right' },
                { title: t('violation.kind.other'), dataIndex: 'other', align: 'right' },
              ]}
            />
          </Card>
        </Flex>
      )}
    </>
  );
}
