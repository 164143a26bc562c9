import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/errors';
import type { FormSpec } from '../../forms';
import {
  chosenToSend,
  filterGroups,
  fitDraft,
  matches,
  noParticipantsNode,
  placeErrors,
  startPath,
  startPermissions,
  withFavourite,
  writable,
} from './catalog';
import { iconName } from './icons';
import type { Catalog, CatalogItem } from './services';

const item = (over: Partial<CatalogItem>): CatalogItem => ({
  id: 'x',
  name: '',
  category: '',
  icon: '',
  description: '',
  favourite: false,
  last_used_at: null,
  ...over,
});

const leave = item({
  id: 'leave',
  name: '请假',
  category: '人事',
  description: '事假、病假、年假',
});
const trip = item({ id: 'trip', name: '出差申请', category: '人事' });
const expense = item({
  id: 'expense',
  name: 'Expense claim',
  category: '财务',
  favourite: true,
});
const catalog: Catalog = {
  groups: [
    { category: '人事', templates: [leave, trip] },
    { category: '财务', templates: [expense] },
  ],
  favourites: [expense],
  recent: [{ ...leave, last_used_at: '2026-11-20T02:00:00Z' }],
};

describe('catalogue search', () => {
  it('matches name, description and category, ignoring case and blanks', () => {
    expect(matches(leave, ' 病假 ')).toBe(true);
    expect(matches(expense, 'EXPENSE')).toBe(true);
    expect(matches(trip, '人事')).toBe(true);
    expect(matches(trip, '报销')).toBe(false);
    expect(matches(trip, '   ')).toBe(true);
  });

  it('keeps only the groups with a match', () => {
    expect(filterGroups(catalog.groups, '出差')).toEqual([{ category: '人事', templates: [trip] }]);
    expect(filterGroups(catalog.groups, '')).toEqual(catalog.groups);
    expect(filterGroups(catalog.groups, '没有')).toEqual([]);
  });
});

describe('favourites', () => {
  it('marks a template everywhere and appends it to the favourites', () => {
    const next = withFavourite(catalog, 'leave', true);
    expect(next.favourites.map((i) => i.id)).toEqual(['expense', 'leave']);
    expect(next.groups[0]?.templates[0]?.favourite).toBe(true);
    expect(next.recent[0]?.favourite).toBe(true);
    // The recent entry keeps its own facts.
    expect(next.recent[0]?.last_used_at).toBe('2026-11-20T02:00:00Z');
  });

  it('unmarks a template and drops it from the favourites', () => {
    const next = withFavourite(catalog, 'expense', false);
    expect(next.favourites).toEqual([]);
    expect(next.groups[1]?.templates[0]?.favourite).toBe(false);
  });
});

describe('icons', () => {
  it('draws @ant-design/icons names, the editor’s short names, and a generic icon otherwise', () => {
    expect(iconName('CalendarOutlined')).toBe('CalendarOutlined');
    expect(iconName('trip')).toBe('CarOutlined');
    expect(iconName('NoSuchOutlined')).toBe('FileTextOutlined');
    expect(iconName('')).toBe('FileTextOutlined');
    expect(iconName(null)).toBe('FileTextOutlined');
  });
});

describe('drafts', () => {
  const form: FormSpec = {
    fields: [
      { key: 'reason', label: '事由', kind: 'text' },
      { key: 'days', label: '天数', kind: 'number' },
    ],
  };

  it('leaves out what is no longer a field of the form', () => {
    expect(fitDraft(form, { reason: '回家', old: 1, days: 2 })).toEqual({
      value: { reason: '回家', days: 2 },
      dropped: ['old'],
    });
  });

  it('keeps only what the initiator may fill in', () => {
    const guarded: FormSpec = {
      ...form,
      permissions: { start: { days: 'read', reason: 'edit' }, head: { reason: 'read' } },
    };
    expect(startPermissions(guarded)).toEqual({ days: 'read', reason: 'edit' });
    expect(writable(guarded, { reason: '回家', days: 2, other: 1 })).toEqual({
      reason: '回家',
      other: 1,
    });
    expect(startPermissions(form)).toBeUndefined();
    expect(writable(form, { reason: '回家', days: 2 })).toEqual({ reason: '回家', days: 2 });
  });

  it('links to the start page, with the draft to resume', () => {
    expect(startPath('t1')).toBe('/start/t1');
    expect(startPath('t1', 'd 1')).toBe('/start/t1?draft=d%201');
  });
});

describe('chosen people and errors', () => {
  const nodes = [
    { key: 'pick', name: '自选审批人' },
    { key: 'cc', name: '' },
  ];

  it('sends only the 自选 nodes with someone chosen', () => {
    expect(chosenToSend({ pick: ['u1'], cc: [], other: ['u2'] }, nodes)).toEqual({ pick: ['u1'] });
  });

  const nobody = (n: { key: string; name: string }) => `choose ${n.name || n.key}`;

  it('puts form errors on their fields and the rest above the form', () => {
    const e = new ApiError({
      status: 422,
      code: 'validation',
      message: '请检查输入',
      fields: [
        { field: 'form.amount', code: 'form.max', message: '「金额」不能大于 100' },
        { field: 'form.items[0].price', code: 'form.required', message: '请填写单价' },
        { field: 'chosen.pick', code: 'x', message: '此人已离职' },
        { field: 'template_id', code: 'x', message: '模板不对' },
      ],
    });
    expect(placeErrors(e, nodes, nobody)).toEqual({
      fields: [
        { field: 'form.amount', code: 'form.max', message: '「金额」不能大于 100' },
        { field: 'form.items[0].price', code: 'form.required', message: '请填写单价' },
      ],
      chosen: { pick: '此人已离职' },
      general: ['模板不对'],
    });
  });

  it('puts a refusal for want of people at a 自选 node on its picker', () => {
    const refusal = (node: string) =>
      new ApiError({
        status: 422,
        code: 'flow.refused',
        message: '操作未被允许：node has no participants',
        details: { reason: 'no_participants', node },
      });
    expect(noParticipantsNode(refusal('cc'))).toBe('cc');
    expect(placeErrors(refusal('cc'), nodes, nobody)).toEqual({
      fields: [],
      chosen: { cc: 'choose cc' },
      general: [],
    });
    // Another node without people is the administrator's problem: the server's words.
    expect(placeErrors(refusal('head'), nodes, nobody).general).toEqual([
      '操作未被允许：node has no participants',
    ]);
  });
});
