import { describe, expect, it } from 'vitest';
import { translate } from '../../../i18n/locale';
import { periodLabel } from '.';
import { isoWeekDays, namesOf } from './reports';

describe('ISO weeks', () => {
  it('run Monday to Sunday', () => {
    expect(isoWeekDays('2026-W48')).toEqual({ monday: '2026-11-23', sunday: '2026-11-29' });
    expect(isoWeekDays('2026-W01')).toEqual({ monday: '2025-12-29', sunday: '2026-01-04' });
    expect(isoWeekDays('2020-W53')).toEqual({ monday: '2020-12-28', sunday: '2021-01-03' });
  });

  it('refuse what is not a week', () => {
    expect(isoWeekDays('2026-48')).toBeNull();
    expect(isoWeekDays('2026-W00')).toBeNull();
    expect(isoWeekDays('2026-W54')).toBeNull();
  });

  it('are labelled with their days in both languages', () => {
    expect(periodLabel('2026-W48', (k, v) => translate(k, v, 'zh-CN'))).toBe(
      '2026 年第 48 周（11-23 – 11-29）',
    );
    expect(periodLabel('2026-W05', (k, v) => translate(k, v, 'en'))).toBe(
      '2026 week 5 (01-26 – 02-01)',
    );
    expect(periodLabel('odd', (k, v) => translate(k, v, 'en'))).toBe('odd');
  });
});

describe('namesOf', () => {
  it('maps the report counts by id', () => {
    expect(namesOf([{ id: 'p1', name: '张三' }]).get('p1')).toBe('张三');
  });
});
