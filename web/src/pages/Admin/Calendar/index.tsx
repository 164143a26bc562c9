import { DownloadOutlined, LeftOutlined, RightOutlined, UploadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Popconfirm,
  Select,
  Skeleton,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
  theme,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { useApiError } from '../../../hooks/useApiError';
import { useIsMobile } from '../../../hooks/useIsMobile';
import { useTimeZone } from '../../../hooks/useTenantTime';
import { useI18n } from '../../../i18n';
import { todayInZone, weekdayName, weekdayOf } from '../../../utils/time';
import {
  byDate,
  classify,
  type DayClass,
  type DayStatus,
  daysOfYear,
  restWeekdays,
  yearOf,
  yearOptions,
  yearSummary,
} from './calendar';
import { DayDialog } from './DayDialog';
import { ImportDialog } from './ImportDialog';
import { dayColors, MonthGrid, markColor } from './MonthGrid';
import {
  type CalendarDay,
  calendarExportUrl,
  calendarKeys,
  deleteDay,
  getCalendar,
} from './services';
import { WorkingHours } from './WorkingHours';

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

/** A swatch and its meaning, for the legend above the months. */
function Legend() {
  const { t, te } = useI18n();
  const { token } = theme.useToken();
  const items: { cls: DayClass; mark?: string }[] = [
    { cls: 'holiday', mark: t('calendar.mark.holiday') },
    { cls: 'makeup', mark: t('calendar.mark.workday') },
    { cls: 'weekend' },
  ];
  return (
    <Flex gap={16} wrap align="center">
      {items.map(({ cls, mark }) => (
        <Flex key={cls} gap={6} align="center">
          <span
            aria-hidden
            style={{
              ...dayColors(cls, token),
              display: 'inline-grid',
              placeItems: 'center',
              minWidth: 20,
              height: 20,
              padding: '0 3px',
              borderRadius: token.borderRadiusSM,
              fontSize: 10,
              color: markColor(cls, token),
            }}
          >
            {mark}
          </span>
          <Typography.Text type="secondary">{te('calendar.class', cls)}</Typography.Text>
        </Flex>
      ))}
      <Flex gap={6} align="center">
        <span
          aria-hidden
          style={{
            width: 20,
            height: 20,
            border: `2px solid ${token.colorPrimary}`,
            borderRadius: token.borderRadiusSM,
          }}
        />
        <Typography.Text type="secondary">{t('calendar.today')}</Typography.Text>
      </Flex>
      <Flex gap={6} align="center">
        <span
          aria-hidden
          style={{
            width: 20,
            height: 20,
            border: `1px dashed ${token.colorPrimaryBorder}`,
            borderRadius: token.borderRadiusSM,
          }}
        />
        <Typography.Text type="secondary">{t('calendar.source.tenant')}</Typography.Text>
      </Flex>
    </Flex>
  );
}

/** 工作日历: public holidays, make-up working days, the tenant's own days and working hours. */
export default function CalendarPage() {
  const { t, te, locale } = useI18n();
  const tz = useTimeZone();
  const isMobile = useIsMobile();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const today = todayInZone(tz);
  const thisYear = yearOf(today);
  const [year, setYear] = useState(thisYear);
  const [picked, setPicked] = useState<DayStatus | null>(null);
  const [importing, setImporting] = useState(false);

  useEffect(() => {
    document.title = `${t('menu.calendar')} - ${t('app.name')}`;
  }, [t]);

  const cal = useQuery({
    queryKey: calendarKeys.year(year),
    queryFn: () => getCalendar(year),
    placeholderData: keepPreviousData,
  });
  const data = cal.data;
  const shownYear = data?.year ?? year;
  const days = useMemo(() => byDate(data?.days ?? []), [data]);
  const rest = useMemo(() => restWeekdays(data?.rest_days ?? []), [data]);
  const rows = useMemo(() => daysOfYear(data?.days ?? [], shownYear), [data, shownYear]);
  const summary = useMemo(() => yearSummary(shownYear, days, rest), [shownYear, days, rest]);

  const restore = useMutation({
    mutationFn: (date: string) => deleteDay(date),
    onSuccess: () => {
      message.success(t('calendar.restored'));
      void queryClient.invalidateQueries({ queryKey: calendarKeys.all });
    },
    onError: (e) => {
      showError(e);
      void queryClient.invalidateQueries({ queryKey: calendarKeys.all });
    },
  });

  const years = yearOptions(thisYear, year);

  return (
    <>
      <PageHeader
        title={t('menu.calendar')}
        extra={
          <>
            <Space.Compact>
              <Button
                icon={<LeftOutlined />}
                aria-label={t('calendar.prevYear')}
                title={t('calendar.prevYear')}
                onClick={() => setYear((y) => y - 1)}
              />
              <Select<number>
                aria-label={t('calendar.year')}
                value={year}
                onChange={setYear}
                options={years.map((y) => ({
                  value: y,
                  label: t('calendar.yearLabel', { year: y }),
                }))}
                style={{ width: 110 }}
              />
              <Button
                icon={<RightOutlined />}
                aria-label={t('calendar.nextYear')}
                title={t('calendar.nextYear')}
                onClick={() => setYear((y) => y + 1)}
              />
            </Space.Compact>
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
              {t('calendar.import')}
            </Button>
            <Button icon={<DownloadOutlined />} href={calendarExportUrl(shownYear)} download>
              {t('calendar.export')}
            </Button>
          </>
        }
      />
      {cal.error ? (
        <QueryError error={cal.error} onRetry={() => void cal.refetch()} />
      ) : !data ? (
        <Skeleton active />
      ) : (
        <Spin spinning={cal.isFetching && cal.isPlaceholderData}>
          <Flex vertical gap={16} data-testid="calendar" data-year={shownYear}>
            {!data.bundled ? (
              <Alert
                type="warning"
                showIcon
                data-testid="calendar-not-bundled"
                title={t('calendar.notBundled', { year: shownYear })}
                action={
                  <Button size="small" onClick={() => setImporting(true)}>
                    {t('calendar.import')}
                  </Button>
                }
              />
            ) : null}
            <Flex vertical gap={8}>
              <Typography.Text data-testid="calendar-summary">
                {t('calendar.summary', {
                  year: shownYear,
                  working: summary.working,
                  off: summary.off,
                })}
              </Typography.Text>
              <Legend />
            </Flex>
            <div
              style={{
                display: 'grid',
                gridTemplateColumns: isMobile ? '1fr' : 'repeat(auto-fill, minmax(250px, 1fr))',
                gap: 12,
              }}
            >
              {MONTHS.map((m) => (
                <MonthGrid
                  key={m}
                  year={shownYear}
                  month={m}
                  days={days}
                  rest={rest}
                  today={today}
                  onPick={setPicked}
                />
              ))}
            </div>
            <Card size="small" title={t('calendar.days')}>
              <Typography.Paragraph type="secondary">{t('calendar.daysHint')}</Typography.Paragraph>
              <Table<CalendarDay>
                rowKey="date"
                size="small"
                dataSource={rows}
                pagination={rows.length > 50 ? { pageSize: 50 } : false}
                scroll={{ x: 'max-content' }}
                locale={{ emptyText: t('calendar.noDays') }}
                columns={[
                  {
                    title: t('calendar.date'),
                    dataIndex: 'date',
                    render: (d: string) => <span style={{ whiteSpace: 'nowrap' }}>{d}</span>,
                  },
                  {
                    title: t('calendar.weekday'),
                    key: 'weekday',
                    render: (_, r) => weekdayName(weekdayOf(r.date), locale),
                  },
                  {
                    title: t('calendar.kind'),
                    dataIndex: 'kind',
                    render: (k: string, r) => (
                      <Tag
                        color={k === 'holiday' ? 'red' : 'orange'}
                        data-testid="calendar-kind"
                        title={te('calendar.class', classify(r.date, days, rest).cls)}
                      >
                        {te('calendar.kind', k)}
                      </Tag>
                    ),
                  },
                  { title: t('calendar.name'), dataIndex: 'name', render: (v: string) => v || '-' },
                  {
                    title: t('calendar.source'),
                    dataIndex: 'source',
                    render: (s: string) => (
                      <Tag
                        color={s === 'tenant' ? 'blue' : 'default'}
                        data-testid="calendar-source"
                      >
                        {te('calendar.source', s)}
                      </Tag>
                    ),
                  },
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_, r) => (
                      <Space size={0}>
                        <Button
                          type="link"
                          size="small"
                          onClick={() => setPicked(classify(r.date, days, rest))}
                        >
                          {t('common.edit')}
                        </Button>
                        {r.source === 'tenant' ? (
                          <Popconfirm
                            title={t('calendar.restoreConfirm', { date: r.date })}
                            okText={t('calendar.restore')}
                            onConfirm={() => restore.mutateAsync(r.date).catch(() => {})}
                          >
                            <Button type="link" size="small" danger>
                              {t('calendar.restore')}
                            </Button>
                          </Popconfirm>
                        ) : null}
                      </Space>
                    ),
                  },
                ]}
              />
            </Card>
            <WorkingHours calendar={data} />
          </Flex>
        </Spin>
      )}
      {picked ? <DayDialog day={picked} onClose={() => setPicked(null)} /> : null}
      <ImportDialog open={importing} onClose={() => setImporting(false)} />
    </>
  );
}
