import type { TFunction } from '../../i18n';
import type { Notice } from './services';

/** What a sentence may need besides the notice: the reader, and how to show an instant. */
export interface DescribeContext {
  /** The reader's user id: a delegation reads differently to the delegator and the stand-in. */
  me?: string;
  /** Formats an RFC 3339 instant (default: as is). */
  formatTime?: (iso: string) => string;
}

function field(data: unknown, key: string): unknown {
  return typeof data === 'object' && data !== null
    ? (data as Record<string, unknown>)[key]
    : undefined;
}

function text(data: unknown, key: string): string | undefined {
  const v = field(data, key);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function count(data: unknown, key: string): number {
  const v = field(data, key);
  return typeof v === 'number' ? v : 0;
}

/** Outcomes of a finished flow the sentence names (others read as plainly finished). */
const OUTCOMES = ['approved', 'rejected', 'withdrawn'] as const;
type Outcome = (typeof OUTCOMES)[number];

/** Pure: one readable sentence for a notification, from its kind, instance title and data. */
export function describeNotice(n: Notice, t: TFunction, ctx: DescribeContext = {}): string {
  const at = (iso: string | undefined) => (iso ? (ctx.formatTime?.(iso) ?? iso) : '');
  const title = n.title || n.serial_no || t('notice.aFlow');
  const node = text(n.data, 'node_name');
  // "「报销」的「部门审批」" — or just the flow when the step is not known.
  const subject = node ? t('notice.subjectStep', { title, node }) : t('notice.subject', { title });
  switch (n.kind) {
    case 'task_assigned':
      return t('notice.taskAssigned', { subject });
    case 'mentioned': {
      const by = text(n.data, 'by_name') ?? t('notice.someone');
      const excerpt = text(n.data, 'excerpt');
      return excerpt
        ? t('notice.mentionedExcerpt', { by, subject, excerpt })
        : t('notice.mentioned', { by, subject });
    }
    case 'urged':
      return t('notice.urged', { subject });
    case 'reminder': {
      const due = text(n.data, 'due_at');
      return due
        ? t('notice.reminderAt', { subject, due: at(due) })
        : t('notice.reminder', { subject });
    }
    case 'overdue':
      return t('notice.overdue', { subject });
    case 'flow_overdue':
      return t('notice.flowOverdue', { title });
    case 'sent_back':
      return t('notice.sentBack', { subject });
    case 'finished': {
      const outcome = text(n.data, 'outcome');
      return outcome && (OUTCOMES as readonly string[]).includes(outcome)
        ? t('notice.finishedOutcome', { title, outcome: t(`notice.outcome.${outcome as Outcome}`) })
        : t('notice.finished', { title });
    }
    case 'carbon_copy':
      return t('notice.carbonCopy', { title });
    case 'replaced':
      return t('notice.replaced', { subject });
    case 'stood_in':
      return t('notice.stoodIn', { subject });
    case 'delegation_started': {
      const until = at(text(n.data, 'ends_at'));
      if (ctx.me && ctx.me === text(n.data, 'delegate_id'))
        return t('notice.delegationStartedDelegate', { until });
      const moved = count(n.data, 'moved_tasks');
      return moved > 0
        ? t('notice.delegationStartedMoved', { until, moved })
        : t('notice.delegationStarted', { until });
    }
    case 'delegation_ended':
      return t('notice.delegationEnded');
    case 'report_ready':
      return t('notice.reportReady', {
        period: text(n.data, 'period') ?? '',
        overdue: count(n.data, 'overdue'),
      });
    case 'password_changed':
      return text(n.data, 'by') === 'admin'
        ? t('notice.passwordChangedAdmin')
        : t('notice.passwordChangedSelf');
    case 'new_device_sign_in':
      return t('notice.newDeviceSignIn', {
        device: text(n.data, 'user_agent') ?? t('notice.unknownDevice'),
        ip: text(n.data, 'ip') ?? '-',
      });
    case 'account_locked': {
      const until = text(n.data, 'until');
      return until
        ? t('notice.accountLockedUntil', { until: at(until) })
        : t('notice.accountLocked');
    }
    default:
      return t('notice.other', { kind: n.kind });
  }
}

/** Where a notification leads, if anywhere in this UI. */
export function noticeLink(n: Notice): string | undefined {
  if (n.kind === 'report_ready') {
    const period = text(n.data, 'period');
    return period ? `/flow/reports/${encodeURIComponent(period)}` : '/flow/reports';
  }
  if (n.kind.startsWith('delegation_')) return '/delegations';
  if (n.kind === 'new_device_sign_in') return '/settings/sessions';
  if (n.instance_id) return `/approvals/instances/${n.instance_id}`;
  return undefined;
}
