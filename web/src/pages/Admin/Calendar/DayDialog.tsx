import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Radio, Typography } from 'antd';
import { useApiError } from '../../../hooks/useApiError';
import { useI18n } from '../../../i18n';
import { weekdayName } from '../../../utils/time';
import { DAY_KINDS, type DayStatus, proposedKind } from './calendar';
import { calendarKeys, type DayKind, deleteDay, putDay } from './services';

interface DayForm {
  kind: DayKind;
  name: string;
}

/** A day clicked in the grid (or edited from the list): set it off or working, or restore it. */
export function DayDialog({ day, onClose }: { day: DayStatus; onClose: () => void }) {
  const { t, te, locale } = useI18n();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const [form] = Form.useForm<DayForm>();
  const entry = day.entry;
  const own = entry?.source === 'tenant';

  const done = (msg: string) => {
    message.success(msg);
    void queryClient.invalidateQueries({ queryKey: calendarKeys.all });
    onClose();
  };
  const save = useMutation({
    mutationFn: (v: DayForm) => putDay(day.date, { kind: v.kind, name: (v.name ?? '').trim() }),
    onSuccess: () => done(t('calendar.daySaved', { date: day.date })),
    onError: (e) => showError(e, form),
  });
  const restore = useMutation({
    mutationFn: () => deleteDay(day.date),
    onSuccess: () => done(t('calendar.restored')),
    onError: (e) => showError(e),
  });

  const now = [
    te('calendar.class', day.cls),
    entry?.name,
    entry ? te('calendar.source', entry.source) : undefined,
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <Modal
      open
      title={t('calendar.dayTitle', { date: day.date, weekday: weekdayName(day.weekday, locale) })}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        own ? (
          <Button
            key="restore"
            danger
            loading={restore.isPending}
            onClick={() => restore.mutate()}
            style={{ float: 'left' }}
          >
            {t('calendar.restore')}
          </Button>
        ) : null,
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button key="save" type="primary" loading={save.isPending} onClick={() => form.submit()}>
          {t('common.save')}
        </Button>,
      ]}
    >
      <Typography.Paragraph data-testid="calendar-day-now">
        {t('calendar.current', { status: now })}
      </Typography.Paragraph>
      <Form<DayForm>
        form={form}
        layout="vertical"
        name="calendar-day"
        initialValues={{ kind: proposedKind(day), name: own ? (entry?.name ?? '') : '' }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item name="kind" label={t('calendar.setAs')}>
          <Radio.Group
            aria-label={t('calendar.setAs')}
            optionType="button"
            options={DAY_KINDS.map((k) => ({ value: k, label: te('calendar.kind', k) }))}
          />
        </Form.Item>
        <Form.Item name="name" label={t('calendar.name')}>
          <Input maxLength={64} placeholder={t('calendar.namePlaceholder')} />
        </Form.Item>
      </Form>
      {own ? <Typography.Text type="secondary">{t('calendar.restoreHint')}</Typography.Text> : null}
    </Modal>
  );
}
