import { Empty, Typography, theme } from 'antd';
import { useT } from '../../../i18n';

/** One bar: a labelled value; `tone` colours bars that need attention. */
export interface Bar {
  key: string;
  label: string;
  value: number;
  tone?: 'normal' | 'warning' | 'danger';
}

/**
 * Pure: each bar's length as a percentage of the longest (or of `max`), 0–100. Negative and
 * non-finite values count as 0; a value shorter than 1% but above zero still shows a sliver.
 */
export function barPercents(values: readonly number[], max?: number): number[] {
  const clean = values.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const top = max !== undefined && max > 0 ? max : Math.max(0, ...clean);
  if (top <= 0) return clean.map(() => 0);
  return clean.map((v) => {
    if (v === 0) return 0;
    return Math.min(100, Math.max(1, Math.round((v / top) * 1000) / 10));
  });
}

/** Pure: the bars to draw, largest first when `sort`, at most `limit`, and how many were left out. */
export function visibleBars(
  bars: readonly Bar[],
  limit: number,
  sort: boolean,
): { shown: Bar[]; hidden: number } {
  const ordered = sort ? [...bars].sort((a, b) => b.value - a.value) : [...bars];
  return { shown: ordered.slice(0, limit), hidden: Math.max(0, ordered.length - limit) };
}

const HEIGHT = 14;

/**
 * A horizontal bar chart of plain SVG bars (no chart library): label, bar, value per row. Fits a
 * 375-px phone: long labels are cut with an ellipsis and shown in full on hover.
 */
export function BarChart({
  title,
  bars,
  format = (v) => String(v),
  max,
  limit = 10,
  sort = true,
  testId = 'bar-chart',
}: {
  /** Names the chart for screen readers (the card around it shows the visible title). */
  title: string;
  bars: readonly Bar[];
  format?: (value: number) => string;
  /** The value of a full-length bar (e.g. 1 for rates); the largest value when absent. */
  max?: number;
  limit?: number;
  sort?: boolean;
  testId?: string;
}) {
  const t = useT();
  const { token } = theme.useToken();
  const { shown, hidden } = visibleBars(bars, limit, sort);
  if (shown.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.noData')} />;
  const widths = barPercents(
    shown.map((b) => b.value),
    max,
  );
  const fill = (tone: Bar['tone']) =>
    tone === 'danger'
      ? token.colorError
      : tone === 'warning'
        ? token.colorWarning
        : token.colorPrimary;
  return (
    <figure style={{ margin: 0 }} data-testid={testId} aria-label={title}>
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: 'minmax(0, max-content) minmax(48px, 1fr) max-content',
          gap: '6px 8px',
          alignItems: 'center',
        }}
      >
        {shown.map((b, i) => {
          const text = format(b.value);
          return (
            <div key={b.key} data-testid="bar" data-value={b.value} style={{ display: 'contents' }}>
              <span
                title={b.label}
                style={{
                  maxWidth: 'min(180px, 35vw)',
                  overflow: 'hidden',
                  textOverflow: 'ellipsis',
                  whiteSpace: 'nowrap',
                }}
              >
                {b.label}
              </span>
              <svg
                width="100%"
                height={HEIGHT}
                role="img"
                aria-label={`${b.label}: ${text}`}
                style={{ display: 'block' }}
              >
                <rect width="100%" height={HEIGHT} rx={2} fill={token.colorFillTertiary} />
                <rect
                  data-testid="bar-fill"
                  width={`${widths[i]}%`}
                  height={HEIGHT}
                  rx={2}
                  fill={fill(b.tone)}
                />
              </svg>
              <span style={{ fontVariantNumeric: 'tabular-nums', textAlign: 'end' }}>{text}</span>
            </div>
          );
        })}
      </div>
      {hidden > 0 ? (
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8, fontSize: 12 }}>
          {t('flow.chartMore', { n: hidden })}
        </Typography.Text>
      ) : null}
    </figure>
  );
}
