import type { Dayjs } from 'dayjs';
import type { Delegation, NewDelegation } from './services';

/** Tag colour of a delegation state. */
export function stateColor(state: string): string {
  switch (state) {
    case 'active':
      return 'success';
    case 'scheduled':
      return 'processing';
    case 'cancelled':
      return 'default';
    default:
      return 'default';
  }
}

/** Whether `me` may cancel it: while it is not over, the delegator, its creator, or HR. */
export function canCancel(d: Delegation, me: string | undefined, isHr: boolean): boolean {
  if (d.state !== 'scheduled' && d.state !== 'active') return false;
  return isHr || d.delegator_id === me || d.created_by === me;
}

/** The values of the "设置委托" form. */
export interface DelegationFormValues {
  delegator_id?: string | null;
  delegate_id?: string | null;
  period?: [Dayjs | null, Dayjs | null] | null;
  scope: 'all' | 'some';
  template_ids?: string[];
  reason?: string;
  move_open_tasks?: boolean;
}

/** Pure: the request body for the form's values (validated by the form first). */
export function toNewDelegation(v: DelegationFormValues): NewDelegation {
  const [start, end] = v.period ?? [null, null];
  return {
    delegator_id: v.delegator_id || undefined,
    delegate_id: v.delegate_id ?? '',
    starts_at: start?.toISOString() ?? '',
    ends_at: end?.toISOString() ?? '',
    template_ids: v.scope === 'some' ? (v.template_ids ?? []) : undefined,
    reason: v.reason?.trim() ?? '',
    move_open_tasks: Boolean(v.move_open_tasks),
  };
}

/** Server fields shown on form fields: both ends of the period belong to the range picker. */
export const FIELD_MAP: Record<string, string> = {
  starts_at: 'period',
  ends_at: 'period',
};
