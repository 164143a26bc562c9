import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { I18nProvider } from '../../../i18n';
import { type Bar, BarChart, barPercents, visibleBars } from './BarChart';

describe('barPercents', () => {
  it('scales to the longest bar', () => {
    expect(barPercents([10, 5, 2.5])).toEqual([100, 50, 25]);
  });

  it('scales to a given maximum, never past it', () => {
    expect(barPercents([0.5, 0.25, 2], 1)).toEqual([50, 25, 100]);
  });

  it('draws nothing for zeros, negatives and non-numbers', () => {
    expect(barPercents([0, 0])).toEqual([0, 0]);
    expect(barPercents([-3, Number.NaN, 4])).toEqual([0, 0, 100]);
    expect(barPercents([])).toEqual([]);
  });

  it('keeps a sliver for a small value above zero', () => {
    expect(barPercents([1000, 1])).toEqual([100, 1]);
  });
});

describe('visibleBars', () => {
  const bars: Bar[] = [
    { key: 'a', label: 'A', value: 1 },
    { key: 'b', label: 'B', value: 3 },
    { key: 'c', label: 'C', value: 2 },
  ];

  it('puts the largest first and counts what did not fit', () => {
    const { shown, hidden } = visibleBars(bars, 2, true);
    expect(shown.map((b) => b.key)).toEqual(['b', 'c']);
    expect(hidden).toBe(1);
  });

  it('keeps the given order when asked', () => {
    expect(visibleBars(bars, 10, false).shown.map((b) => b.key)).toEqual(['a', 'b', 'c']);
  });
});

function renderChart(ui: React.ReactElement) {
  return render(<I18nProvider>{ui}</I18nProvider>);
}

describe('BarChart', () => {
  it('draws one labelled bar per row, scaled, with the formatted value', () => {
    renderChart(
      <BarChart
        title="平均办理时长"
        bars={[
          { key: 'x', label: '费用报销', value: 4 },
          { key: 'y', label: '用印申请', value: 8, tone: 'danger' },
        ]}
        format={(v) => `${v} 小时`}
      />,
    );
    const chart = screen.getByTestId('bar-chart');
    expect(chart.getAttribute('aria-label')).toBe('平均办理时长');
    const rows = within(chart).getAllByTestId('bar');
    // Largest first.
    expect(rows.map((r) => r.dataset.value)).toEqual(['8', '4']);
    expect(screen.getByRole('img', { name: '用印申请: 8 小时' })).toBeTruthy();
    expect(screen.getByRole('img', { name: '费用报销: 4 小时' })).toBeTruthy();
    const fills = within(chart).getAllByTestId('bar-fill');
    expect(fills.map((f) => f.getAttribute('width'))).toEqual(['100%', '50%']);
    // The danger tone differs from the normal one.
    expect(fills[0]?.getAttribute('fill')).not.toBe(fills[1]?.getAttribute('fill'));
    expect(screen.getByText('8 小时')).toBeTruthy();
  });

  it('says how many bars were left out', () => {
    const bars = Array.from({ length: 12 }, (_, i) => ({
      key: String(i),
      label: `人员${i}`,
      value: i + 1,
    }));
    renderChart(<BarChart title="办结数" bars={bars} limit={10} />);
    expect(screen.getAllByTestId('bar')).toHaveLength(10);
    expect(screen.getByText('另有 2 项未显示')).toBeTruthy();
  });

  it('shows an empty state without bars', () => {
    renderChart(<BarChart title="办结数" bars={[]} />);
    expect(screen.queryByTestId('bar-chart')).toBeNull();
    expect(screen.getAllByText('暂无数据').length).toBeGreaterThan(0);
  });
});
