import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, TimePicker, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { ApiError } from '../../../api/client';
import { useApiError } from '../../../hooks/useApiError';
import { useI18n } from '../../../i18n';
import { weekdayName } from '../../../utils/time';
import { hhmm, minutesOf, restWeekdays, workingMinutes } from './calendar';
import { type CalendarYear, calendarKeys, putSettings, type WorkingInterval } from './services';

const FORMAT = 'HH:mm';

interface Row {
  start: Dayjs | null;
  end: Dayjs | null;
}

const toTime = (v: string): Dayjs | null => {
  const m = minutesOf(v);
  return Number.isNaN(m) ? null : dayjs().startOf('day').add(m, 'minute');
};

export const toRows = (hours: readonly WorkingInterval[]): Row[] =>
  hours.map((h) => ({ start: toTime(h.start), end: toTime(h.end) }));

export const toIntervals = (rows: readonly Row[]): WorkingInterval[] =>
  rows.map((r) => ({
    start: r.start ? hhmm(r.start.hour() * 60 + r.start.minute()) : '',
    end: r.end ? hhmm(r.end.hour() * 60 + r.end.minute()) : '',
  }));

/** The working periods of a working day; the server checks order and overlaps. */
export function WorkingHours({ calendar }: { calendar: CalendarYear }) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ hours: Row[] }>();
  const [refused, setRefused] = useState<string[] | null>(null);
  const rows = Form.useWatch('hours', form);

  // Reset only when the stored hours change, not on every refetch of the same hours.
  const stored = JSON.stringify(calendar.working_hours);
  useEffect(() => {
    form.setFieldsValue({ hours: toRows(JSON.parse(stored) as WorkingInterval[]) });
    setRefused(null);
  }, [stored, form]);

  const save = useMutation({
    mutationFn: (hours: WorkingInterval[]) => putSettings(hours),
    onSuccess: (year) => {
      queryClient.setQueryData(calendarKeys.year(year.year), year);
      void queryClient.invalidateQueries({ queryKey: calendarKeys.all });
      message.success(t('calendar.hoursSaved'));
    },
    onError: (e) => {
      // The field messages say what is wrong (e.g. overlapping periods); the top one is generic.
      if (e instanceof ApiError && e.status === 422)
        setRefused(e.fields.length > 0 ? e.fields.map((f) => f.message) : [e.message]);
      else showError(e);
    },
  });

  const rest = [...restWeekdays(calendar.rest_days)]
    .sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7))
    .map((w) => weekdayName(w, locale))
    .join(t('calendar.listSeparator'));
  const total = workingMinutes(
    toIntervals((rows ?? []).filter((r): r is Row => Boolean(r?.start && r?.end))),
  );

  return (
    <Card size="small" title={t('calendar.workingHours')} data-testid="calendar-hours">
      <Flex vertical gap={4} style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">
          {t('calendar.workingHoursHint', { zone: calendar.time_zone })}
        </Typography.Text>
        <Typography.Text type="secondary">
          {t('calendar.restDays', {
            days: rest || t('calendar.noRestDays'),
          })}
        </Typography.Text>
      </Flex>
      <Form<{ hours: Row[] }>
        form={form}
        name="calendar-hours"
        initialValues={{ hours: toRows(calendar.working_hours) }}
        onFinish={(v) => {
          setRefused(null);
          save.mutate(toIntervals(v.hours ?? []));
        }}
        onValuesChange={() => setRefused(null)}
      >
        <Form.List name="hours">
          {(fields, { add, remove }) => (
            <Flex vertical gap={8}>
              {fields.length === 0 ? (
                <Typography.Text type="secondary">{t('calendar.noHours')}</Typography.Text>
              ) : null}
              {fields.map((field, i) => (
                <Flex key={field.key} gap={8} align="start" wrap data-testid="calendar-interval">
                  <Form.Item
                    name={[field.name, 'start']}
                    rules={[{ required: true, message: t('calendar.timeRequired') }]}
                    style={{ marginBottom: 0 }}
                  >
                    <TimePicker
                      format={FORMAT}
                      needConfirm={false}
                      aria-label={`${t('calendar.start')} ${i + 1}`}
                      placeholder={t('calendar.start')}
                    />
                  </Form.Item>
                  <span style={{ lineHeight: '32px' }}>–</span>
                  <Form.Item
                    name={[field.name, 'end']}
                    rules={[{ required: true, message: t('calendar.timeRequired') }]}
                    style={{ marginBottom: 0 }}
                  >
                    <TimePicker
                      format={FORMAT}
                      needConfirm={false}
                      aria-label={`${t('calendar.end')} ${i + 1}`}
                      placeholder={t('calendar.end')}
                    />
                  </Form.Item>
                  <Button
                    type="text"
                    icon={<DeleteOutlined />}
                    aria-label={`${t('calendar.removeInterval')} ${i + 1}`}
                    title={t('calendar.removeInterval')}
                    onClick={() => remove(field.name)}
                  />
                </Flex>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => add({ start: null, end: null })}
                style={{ alignSelf: 'flex-start' }}
              >
                {t('calendar.addInterval')}
              </Button>
            </Flex>
          )}
        </Form.List>
        {refused ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            data-testid="calendar-hours-error"
            title={refused.join(' ')}
            style={{ marginTop: 12 }}
          />
        ) : null}
        <Flex gap={12} align="center" wrap style={{ marginTop: 12 }}>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('calendar.saveHours')}
          </Button>
          {total > 0 ? (
            <Typography.Text type="secondary">
              {t('calendar.hoursTotal', { hours: Math.round((total / 60) * 100) / 100 })}
            </Typography.Text>
          ) : null}
        </Flex>
      </Form>
    </Card>
  );
}
