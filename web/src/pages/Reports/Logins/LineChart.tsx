import { Flex, theme } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { chartGeometry, PAD, type Series } from './chart';

const COLORS = [
  '#1677ff',
  '#52c41a',
  '#fa8c16',
  '#eb2f96',
  '#722ed1',
  '#13c2c2',
  '#faad14',
  '#f5222d',
  '#2f54eb',
  '#a0d911',
];

/** Daily logins per department as SVG lines; no chart library in the bundle. */
export function LineChart({
  days,
  series,
  title,
}: {
  days: string[];
  series: Series[];
  title: string;
}) {
  const { token } = theme.useToken();
  const box = useRef<HTMLDivElement>(null);
  const [available, setAvailable] = useState(640);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(([entry]) => {
      if (entry) setAvailable(Math.floor(entry.contentRect.width));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // Fill the card; scroll sideways only when days would be cramped (phones, long ranges).
  const width = Math.max(available, days.length * 28 + PAD.left + PAD.right, 280);
  const height = 240;
  const g = useMemo(
    () => chartGeometry(series, days.length, width, height),
    [series, days.length, width],
  );
  const labelEvery = Math.max(1, Math.ceil(days.length / 10));
  return (
    <figure style={{ margin: 0 }}>
      <div ref={box} style={{ overflowX: 'auto' }}>
        <svg
          width={width}
          height={height}
          role="img"
          aria-label={title}
          style={{ display: 'block' }}
        >
          <title>{title}</title>
          {g.ticks.map((v) => {
            const y = PAD.top + (height - PAD.top - PAD.bottom) * (1 - v / g.max);
            return (
              <g key={v}>
                <line
                  x1={PAD.left}
                  x2={width - PAD.right}
                  y1={y}
                  y2={y}
                  stroke={token.colorBorderSecondary}
                />
                <text
                  x={PAD.left - 6}
                  y={y + 4}
                  textAnchor="end"
                  fontSize={11}
                  fill={token.colorTextSecondary}
                >
                  {v}
                </text>
              </g>
            );
          })}
          {days.map((d, i) =>
            i % labelEvery === 0 ? (
              <text
                key={d}
                x={g.xs[i]}
                y={height - 8}
                textAnchor="middle"
                fontSize={11}
                fill={token.colorTextSecondary}
              >
                {d.slice(5)}
              </text>
            ) : null,
          )}
          {g.paths.map((p, i) => (
            <g key={p.name}>
              <path d={p.d} fill="none" stroke={COLORS[i % COLORS.length]} strokeWidth={2} />
              {p.points.map((pt, j) => (
                <circle key={days[j]} cx={pt.x} cy={pt.y} r={3} fill={COLORS[i % COLORS.length]}>
                  <title>{`${p.name} ${days[j]}: ${pt.v}`}</title>
                </circle>
              ))}
            </g>
          ))}
        </svg>
      </div>
      <figcaption>
        <Flex wrap gap={12} style={{ marginTop: 8 }}>
          {series.map((s, i) => (
            <span key={s.name} style={{ fontSize: 12 }}>
              <span
                aria-hidden
                style={{
                  display: 'inline-block',
                  width: 10,
                  height: 10,
                  marginInlineEnd: 4,
                  background: COLORS[i % COLORS.length],
                }}
              />
              {s.name}
            </span>
          ))}
        </Flex>
      </figcaption>
    </figure>
  );
}
