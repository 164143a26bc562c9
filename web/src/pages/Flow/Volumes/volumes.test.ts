import { describe, expect, it } from 'vitest';
import { addMonths, exportUrl, monthBars, totals } from './volumes';

describe('volume helpers', () => {
  it('moves months across years', () => {
    expect(addMonths('2026-11', -11)).toBe('2025-12');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-05', 0)).toBe('2026-05');
    expect(addMonths('2026-05', 35)).toBe('2029-04');
  });

  it('charts one bar per month', () => {
    expect(
      monthBars(
        [
          { month: '2026-10', started: 3, approved: 2 },
          { month: '2026-11', started: 0, approved: 0 },
        ],
        'approved',
      ),
    ).toEqual([
      { key: '2026-10', label: '2026-10', value: 2 },
      { key: '2026-11', label: '2026-11', value: 0 },
    ]);
  });

  it('sums the rows', () => {
    const r = {
      month: '2026-11',
      template_id: 't',
      template: 'T',
      department_id: 'd',
      department: 'D',
      started: 2,
      approved: 1,
      rejected: 0,
      cancelled: 1,
      running: 0,
    };
    expect(totals([r, { ...r, started: 3, running: 3 }])).toEqual({
      started: 5,
      approved: 2,
      rejected: 0,
      cancelled: 2,
      running: 3,
    });
    expect(totals([])).toEqual({ started: 0, approved: 0, rejected: 0, cancelled: 0, running: 0 });
  });

  it('builds the export address', () => {
    expect(exportUrl('t1', {})).toBe('/api/v1/flow/templates/t1/instances.xlsx');
    expect(
      exportUrl('t1', {
        from: '2026-10-31T16:00:00.000Z',
        to: '2026-11-30T16:00:00.000Z',
        status: 'rejected',
        department_id: 'd1',
      }),
    ).toBe(
      '/api/v1/flow/templates/t1/instances.xlsx?from=2026-10-31T16%3A00%3A00.000Z&to=2026-11-30T16%3A00%3A00.000Z&status=rejected&department_id=d1',
    );
  });
});
