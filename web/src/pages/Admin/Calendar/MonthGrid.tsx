import { Card, theme } from 'antd';
import type { CSSProperties } from 'react';
import { memo, useMemo } from 'react';
import { useI18n } from '../../../i18n';
import { monthName, weekdayName } from '../../../utils/time';
import { type DayClass, type DayStatus, GRID_WEEKDAYS, monthCells } from './calendar';
import type { CalendarDay } from './services';

type Token = ReturnType<typeof theme.useToken>['token'];

/** Background and text colours of a day by its class. */
export function dayColors(cls: DayClass, token: Token): CSSProperties {
  switch (cls) {
    case 'holiday':
      return { background: token.colorErrorBg, color: token.colorError };
    case 'makeup':
    case 'workday':
      return { background: token.colorWarningBg, color: token.colorText };
    case 'weekend':
      return { background: token.colorFillQuaternary, color: token.colorTextTertiary };
    default:
      return { background: 'transparent', color: token.colorText };
  }
}

/** The corner mark of a listed day: 休 or 班. */
export function markColor(cls: DayClass, token: Token): string {
  return cls === 'holiday' ? token.colorError : token.colorWarningText;
}

export function useDayLabel() {
  const { te, locale } = useI18n();
  return (s: DayStatus) =>
    [
      `${s.date} ${weekdayName(s.weekday, locale)}`,
      te('calendar.class', s.cls),
      s.entry?.name,
      s.entry ? te('calendar.source', s.entry.source) : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
}

/** One month: a week per row from Monday, listed days marked 休/班, rest days greyed. */
export const MonthGrid = memo(function MonthGrid({
  year,
  month,
  days,
  rest,
  today,
  onPick,
}: {
  year: number;
  month: number;
  days: ReadonlyMap<string, CalendarDay>;
  rest: ReadonlySet<number>;
  today: string;
  onPick: (day: DayStatus) => void;
}) {
  const { t, locale } = useI18n();
  const { token } = theme.useToken();
  const label = useDayLabel();
  const cells = useMemo(() => monthCells(year, month, days, rest), [year, month, days, rest]);
  const headStyle = locale === 'zh-CN' ? 'narrow' : 'short';

  return (
    <Card
      size="small"
      title={monthName(month, locale)}
      data-testid={`month-${month}`}
      styles={{ body: { padding: 8 } }}
    >
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(7, 1fr)', gap: 2 }}>
        {GRID_WEEKDAYS.map((w) => (
          <div
            key={`h${w}`}
            aria-hidden
            style={{
              textAlign: 'center',
              fontSize: 12,
              lineHeight: '20px',
              color: rest.has(w) ? token.colorTextTertiary : token.colorTextSecondary,
            }}
          >
            {weekdayName(w, locale, headStyle)}
          </div>
        ))}
        {cells.map((s, i) => {
          if (!s)
            // biome-ignore lint/suspicious/noArrayIndexKey: padding cells have nothing else
            return <div key={`pad${i}`} />;
          const name = label(s);
          return (
            <button
              key={s.date}
              type="button"
              data-testid={`day-${s.date}`}
              data-kind={s.cls}
              data-source={s.entry?.source}
              title={name}
              aria-label={name}
              onClick={() => onPick(s)}
              style={{
                ...dayColors(s.cls, token),
                position: 'relative',
                height: 32,
                minWidth: 0,
                padding: 0,
                border:
                  s.date === today
                    ? `2px solid ${token.colorPrimary}`
                    : s.entry?.source === 'tenant'
                      ? `1px dashed ${token.colorPrimaryBorder}`
                      : '1px solid transparent',
                borderRadius: token.borderRadiusSM,
                cursor: 'pointer',
                font: 'inherit',
                fontSize: 13,
                fontWeight: s.entry ? 600 : undefined,
              }}
            >
              {s.day}
              {s.entry ? (
                <span
                  aria-hidden
                  style={{
                    position: 'absolute',
                    top: 1,
                    right: 2,
                    fontSize: 9,
                    lineHeight: 1,
                    fontWeight: 400,
                    color: markColor(s.cls, token),
                  }}
                >
                  {t(
                    s.entry.kind === 'holiday' ? 'calendar.mark.holiday' : 'calendar.mark.workday',
                  )}
                </span>
              ) : null}
            </button>
          );
        })}
      </div>
    </Card>
  );
});
