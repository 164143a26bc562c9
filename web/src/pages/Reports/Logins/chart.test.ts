import { describe, expect, it } from 'vitest';
import { chartGeometry, niceMax } from './chart';

describe('chart', () => {
  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(120)).toBe(200);
  });

  it('draws one path per department with a point per day', () => {
    const g = chartGeometry(
      [
        { name: '市场部', values: [0, 2, 4] },
        { name: '财务部', values: [1, 1, 1] },
      ],
      3,
      300,
      200,
    );
    expect(g.paths).toHaveLength(2);
    expect(g.paths[0]?.points).toHaveLength(3);
    expect(g.max).toBe(5);
    // Zero sits on the baseline, the maximum near the top.
    expect(g.paths[0]?.points[0]?.y).toBeGreaterThan(g.paths[0]?.points[2]?.y ?? 0);
  });
});
