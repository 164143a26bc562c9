import { Tag, Tooltip } from 'antd';
import { useEffect, useState } from 'react';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useI18n } from '../../i18n';
import { dueStatus, formatDuration, minutesBetween } from '../Flow/flow';

/** The clock, ticking each `everyMs` (waiting times and due badges move with it). */
export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

const STATUS_COLOR: Record<string, string> = {
  running: 'processing',
  approved: 'success',
  rejected: 'error',
  cancelled: 'default',
};

/** An instance's status: 审批中, 已通过, 已驳回, 已撤销. */
export function StatusTag({ status }: { status: string }) {
  const { te } = useI18n();
  return (
    <Tag color={STATUS_COLOR[status] ?? 'default'} data-testid="status-tag">
      {te('approval.status', status)}
    </Tag>
  );
}

const STANCE_COLOR: Record<string, string> = {
  agree: 'success',
  disagree: 'error',
  read: 'blue',
};

/** A decision's stance: 同意, 不同意, 已阅. */
export function StanceTag({ stance }: { stance: string }) {
  const { te } = useI18n();
  return (
    <Tag color={STANCE_COLOR[stance] ?? 'default'} data-testid="stance-tag">
      {te('approval.stance', stance)}
    </Tag>
  );
}

/** A task's due time against now: 已超期 / 即将到期 (within 24 h) / 截止 …; nothing without one. */
export function DueTag({ dueAt, now }: { dueAt: string | null | undefined; now: number }) {
  const { t } = useI18n();
  const fmt = useFormatTime();
  const s = dueStatus(dueAt, now);
  if (s === 'none' || !dueAt) return null;
  const tip = t('approval.dueAt', { at: fmt(dueAt) });
  if (s === 'overdue')
    return (
      <Tooltip title={tip}>
        <Tag color="error" data-testid="due-tag">
          {t('approval.overdueBy', {
            span: formatDuration(minutesBetween(dueAt, new Date(now).toISOString()), t),
          })}
        </Tag>
      </Tooltip>
    );
  if (s === 'dueSoon')
    return (
      <Tooltip title={tip}>
        <Tag color="warning" data-testid="due-tag">
          {t('approval.dueSoon')}
        </Tag>
      </Tooltip>
    );
  return (
    <Tag data-testid="due-tag" title={tip}>
      {t('approval.dueShort', { at: fmt(dueAt) })}
    </Tag>
  );
}

/** "已等待 3 天 4 小时" (a todo) or "已进行 …" (a running instance) since `from`. */
export function Waiting({
  from,
  now,
  kind = 'waited',
}: {
  from: string;
  now: number;
  kind?: 'waited' | 'running';
}) {
  const { t } = useI18n();
  const span = formatDuration(minutesBetween(from, new Date(now).toISOString()), t);
  return (
    <span data-testid="waiting">
      {t(kind === 'running' ? 'approval.runningFor' : 'approval.waited', { span })}
    </span>
  );
}
