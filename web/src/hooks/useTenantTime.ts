import { useCallback } from 'react';
import { useMe } from '../auth/session';
import { useI18n } from '../i18n';
import { formatDateTime } from '../utils/time';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export function useTimeZone(): string {
  const { data } = useMe();
  return data?.tenant.time_zone || DEFAULT_TIME_ZONE;
}

/** Formats instants in the tenant's time zone and the UI language. */
export function useFormatTime(): (iso: string | null | undefined) => string {
  const tz = useTimeZone();
  const { locale } = useI18n();
  return useCallback((iso) => formatDateTime(iso, tz, locale), [tz, locale]);
}
