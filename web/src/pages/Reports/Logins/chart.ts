/** Geometry for a small multi-series line chart, kept pure so it can be tested. */
export interface Series {
  name: string;
  values: number[];
}

export interface ChartGeometry {
  width: number;
  height: number;
  max: number;
  ticks: number[];
  paths: { name: string; d: string; points: { x: number; y: number; v: number }[] }[];
  xs: number[];
}

export const PAD = { left: 36, right: 12, top: 12, bottom: 28 };

/** A "nice" upper bound: 1, 2, 5 × 10^n at or above `n`. */
export function niceMax(n: number): number {
  if (n <= 0) return 1;
  const exp = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * exp >= n) return m * exp;
  return 10 * exp;
}

export function chartGeometry(
  series: Series[],
  days: number,
  width: number,
  height: number,
): ChartGeometry {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const innerW = width - PAD.left - PAD.right;
  const innerH = height - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (days <= 1 ? innerW / 2 : (i * innerW) / (days - 1));
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const xs = Array.from({ length: days }, (_, i) => x(i));
  const ticks = [0, max / 2, max].filter((v, i, a) => Number.isInteger(v) && a.indexOf(v) === i);
  const paths = series.map((s) => {
    const points = s.values.slice(0, days).map((v, i) => ({ x: x(i), y: y(v), v }));
    const d = points
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
      .join(' ');
    return { name: s.name, d, points };
  });
  return { width, height, max, ticks, paths, xs };
}
