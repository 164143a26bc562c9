import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Flex, Segmented, Select, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { useTimeZone } from '../../../hooks/useTenantTime';
import { useT } from '../../../i18n';
import { addDays, startOfDayInZone, todayInZone } from '../../../utils/time';
import { DepartmentPicker } from '../../Org/pickers';
import { BarChart } from '../components/BarChart';
import { monthOf, nameOr } from '../flow';
import { templateOptions, useTemplates } from '../templates';
import { type VolumeQuery, type VolumeRow, volumeKeys, volumes } from './services';
import {
  addMonths,
  COUNTS,
  exportUrl,
  MAX_MONTHS,
  MONTH_METRICS,
  type MonthMetric,
  monthBars,
  rowKey,
  STATUSES,
  type Status,
  totals,
} from './volumes';

/** A month picker over `YYYY-MM` strings. */
function MonthPicker({
  value,
  onChange,
  label,
  disabled,
}: {
  value: string;
  onChange: (month: string) => void;
  label: string;
  /** Months that may not be picked. */
  disabled?: (month: string) => boolean;
}) {
  return (
    <DatePicker
      picker="month"
      aria-label={label}
      placeholder={label}
      allowClear={false}
      value={dayjs(`${value}-01`)}
      onChange={(d) => d && onChange(d.format('YYYY-MM'))}
      disabledDate={disabled ? (d) => disabled(d.format('YYYY-MM')) : undefined}
      style={{ width: 130 }}
    />
  );
}

/** 业务量统计: instances started per month, template and department, and an Excel export. */
export default function VolumesPage() {
  const t = useT();
  const tz = useTimeZone();
  const { templates, names } = useTemplates();
  const [query, setQuery] = useState<VolumeQuery>(() => {
    const to = monthOf(todayInZone(tz));
    return { from: addMonths(to, -(12 - 1)), to };
  });
  const set = (patch: Partial<VolumeQuery>) => setQuery((q) => ({ ...q, ...patch }));
  useEffect(() => {
    document.title = `${t('menu.flowVolumes')} - ${t('app.name')}`;
  }, [t]);
  const options = useMemo(
    () => templateOptions(templates, [query.template_id], names, t('flow.unknownTemplate')),
    [templates, query.template_id, names, t],
  );
  return (
    <>
      <PageHeader title={t('menu.flowVolumes')} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex wrap gap={12} align="center">
          <MonthPicker
            label={t('volume.from')}
            value={query.from}
            onChange={(from) => set({ from })}
            disabled={(m) => m > query.to || m < addMonths(query.to, -(MAX_MONTHS - 1))}
          />
          <Typography.Text type="secondary">~</Typography.Text>
          <MonthPicker
            label={t('volume.to')}
            value={query.to}
            onChange={(to) => set({ to })}
            disabled={(m) => m < query.from || m > addMonths(query.from, MAX_MONTHS - 1)}
          />
          <Select<string>
            aria-label={t('flow.template')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('flow.allTemplates')}
            value={query.template_id}
            onChange={(v) => set({ template_id: v || undefined })}
            options={options}
            style={{ minWidth: 180, maxWidth: '100%' }}
          />
          <DepartmentPicker
            allowClear
            placeholder={t('volume.allDepartments')}
            value={query.department_id}
            onChange={(v) => set({ department_id: v })}
            style={{ width: 200, maxWidth: '100%' }}
          />
        </Flex>
      </Card>
      <Report query={query} />
      <ExportPanel options={templateOptions(templates, [], names, '')} />
    </>
  );
}

function Report({ query }: { query: VolumeQuery }) {
  const t = useT();
  const [metric, setMetric] = useState<MonthMetric>('started');
  const report = useQuery({
    queryKey: volumeKeys.report(query),
    queryFn: () => volumes(query),
    placeholderData: keepPreviousData,
  });
  const rows = report.data?.rows ?? [];
  const sum = useMemo(() => totals(rows), [rows]);
  if (report.error)
    return <QueryError error={report.error} onRetry={() => void report.refetch()} />;
  const months = report.data?.months ?? [];
  return (
    <Flex vertical gap={16}>
      <Card size="small" title={t('volume.chart')} loading={report.isPending}>
        <div style={{ maxWidth: '100%', overflowX: 'auto', marginBottom: 12 }}>
          <Segmented<MonthMetric>
            aria-label={t('volume.metric')}
            value={metric}
            onChange={setMetric}
            options={MONTH_METRICS.map((m) => ({ value: m, label: t(`volume.${m}`) }))}
          />
        </div>
        <BarChart
          title={`${t('volume.chart')}: ${t(`volume.${metric}`)}`}
          bars={monthBars(months, metric)}
          sort={false}
          limit={MAX_MONTHS}
        />
      </Card>
      <Table<VolumeRow>
        rowKey={rowKey}
        size="small"
        loading={report.isFetching}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('volume.empty') }}
        pagination={{
          pageSize: 50,
          hideOnSinglePage: true,
          showTotal: (n) => t('common.total', { n }),
        }}
        columns={[
          { title: t('volume.month'), dataIndex: 'month' },
          {
            title: t('flow.template'),
            dataIndex: 'template',
            render: (v: string) => nameOr(v, t('flow.unknownTemplate')),
          },
          {
            title: t('volume.department'),
            dataIndex: 'department',
            render: (v: string) => nameOr(v, t('flow.unknownName')),
          },
          ...COUNTS.map((c) => ({
            title: t(`volume.${c}`),
            dataIndex: c,
            align: 'right' as const,
            sorter: (a: VolumeRow, b: VolumeRow) => a[c] - b[c],
          })),
        ]}
        summary={() =>
          rows.length > 1 ? (
            <Table.Summary.Row data-testid="volume-total">
              <Table.Summary.Cell index={0} colSpan={3}>
                <Typography.Text strong>{t('volume.total')}</Typography.Text>
              </Table.Summary.Cell>
              {COUNTS.map((c, i) => (
                <Table.Summary.Cell key={c} index={3 + i} align="right">
                  <Typography.Text strong>{sum[c]}</Typography.Text>
                </Table.Summary.Cell>
              ))}
            </Table.Summary.Row>
          ) : null
        }
      />
    </Flex>
  );
}

/** 导出审批数据: a template's instances as Excel, by start date, status and department. */
function ExportPanel({ options }: { options: { value: string; label: string }[] }) {
  const t = useT();
  const tz = useTimeZone();
  const [templateId, setTemplateId] = useState<string>();
  const [range, setRange] = useState<[string, string]>();
  const [status, setStatus] = useState<Status>();
  const [department, setDepartment] = useState<string>();
  const href = templateId
    ? exportUrl(templateId, {
        // Whole days in the tenant's zone.
        from: range ? startOfDayInZone(range[0], tz).toISOString() : undefined,
        to: range ? startOfDayInZone(addDays(range[1], 1), tz).toISOString() : undefined,
        status,
        department_id: department,
      })
    : undefined;
  return (
    <Card size="small" title={t('volume.export')} style={{ marginTop: 24 }} data-testid="export">
      <Typography.Paragraph type="secondary">{t('volume.exportHint')}</Typography.Paragraph>
      <Flex wrap gap={12} align="center">
        <Select<string>
          aria-label={t('volume.exportTemplate')}
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('volume.exportTemplate')}
          value={templateId}
          onChange={setTemplateId}
          options={options}
          style={{ minWidth: 200, maxWidth: '100%' }}
        />
        <DatePicker.RangePicker
          aria-label={t('volume.exportPeriod')}
          placeholder={[t('volume.exportPeriod'), t('volume.exportPeriod')]}
          value={range ? [dayjs(range[0]), dayjs(range[1])] : null}
          onChange={(v) => {
            const [a, b] = (v ?? []) as [Dayjs | null, Dayjs | null];
            setRange(a && b ? [a.format('YYYY-MM-DD'), b.format('YYYY-MM-DD')] : undefined);
          }}
          style={{ maxWidth: '100%' }}
        />
        <Select<Status>
          aria-label={t('volume.exportStatus')}
          allowClear
          placeholder={t('volume.allStatuses')}
          value={status}
          onChange={(v) => setStatus(v || undefined)}
          options={STATUSES.map((s) => ({ value: s, label: t(`volume.${s}`) }))}
          style={{ width: 140 }}
        />
        <DepartmentPicker
          allowClear
          placeholder={t('volume.allDepartments')}
          value={department}
          onChange={setDepartment}
          style={{ width: 200, maxWidth: '100%' }}
        />
        {href ? (
          <Button type="primary" icon={<DownloadOutlined />} href={href} download>
            {t('volume.download')}
          </Button>
        ) : (
          <Button
            type="primary"
            icon={<DownloadOutlined />}
            disabled
            title={t('volume.pickTemplate')}
          >
            {t('volume.download')}
          </Button>
        )}
      </Flex>
    </Card>
  );
}
