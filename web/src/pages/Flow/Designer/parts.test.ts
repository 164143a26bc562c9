import { describe, expect, it } from 'vitest';
import type { FormSpec } from '../../../forms/types';
import { translate } from '../../../i18n/locale';
import type { MessageKey } from '../../../locales/zh-CN';
import { looksLikeBpmn } from '.';
import { dropPermissions, permissionFields, setPermissions } from './FieldPermissions';
import { type Names, nodeSummary, ruleSummary } from './labels';
import { newRule } from './ParticipantsEditor';
import { fromSettingsValues, serialPatternOk, toSettingsValues } from './SettingsTab';
import type { UserTreeNode } from './tree';

const t = (k: MessageKey, vars?: Record<string, string | number>) => translate(k, vars, 'zh-CN');

const form: FormSpec = {
  fields: [
    { key: 'amount', label: '金额', kind: 'money' },
    { key: 'note', label: '说明', kind: 'description' },
    { key: 'reason', label: '事由', kind: 'textarea', hidden_at: ['head'] },
    { key: 'owner', label: '负责人', kind: 'user' },
  ],
};

describe('field permissions', () => {
  it('offers the fields that hold something', () => {
    expect(permissionFields(form).map((f) => f.key)).toEqual(['amount', 'reason', 'owner']);
  });

  it('stores what differs from the default and drops what is left empty', () => {
    const hidden = setPermissions(form, 'head', ['amount'], 'hidden');
    expect(hidden.permissions).toEqual({ head: { amount: 'hidden' } });
    expect(setPermissions(hidden, 'head', ['amount'], 'read').permissions).toBeUndefined();
    // `read` overrides an older hidden_at, so it is stored then.
    expect(setPermissions(form, 'head', ['reason'], 'read').permissions).toEqual({
      head: { reason: 'read' },
    });
    const both = setPermissions(hidden, 'gm', ['amount', 'owner'], 'edit');
    expect(both.permissions).toEqual({
      head: { amount: 'hidden' },
      gm: { amount: 'edit', owner: 'edit' },
    });
    expect(dropPermissions(both, ['gm']).permissions).toEqual({ head: { amount: 'hidden' } });
    expect(dropPermissions(both, ['gm', 'head']).permissions).toBeUndefined();
    expect(dropPermissions(form, ['x'])).toBe(form);
  });
});

describe('settings', () => {
  it('checks serial patterns like the server', () => {
    for (const ok of ['', 'HT-{yyyy}{MM}-{seq:4}', '{seq:12}', 'A{yy}{dd}{seq:1}B'])
      expect(serialPatternOk(ok), ok).toBe(true);
    for (const bad of [
      'HT-{yyyy}',
      '{seq:0}',
      '{seq:13}',
      '{seq:2}{seq:3}',
      '{yyyy',
      '{seq:2}x}',
      '{hh}{seq:3}',
    ])
      expect(serialPatternOk(bad), bad).toBe(false);
    expect(serialPatternOk(`${'x'.repeat(60)}{seq:4}`)).toBe(false);
  });

  it('turns a template into form values and back', () => {
    const tpl = {
      id: 't1',
      name: '报销',
      category: '财务',
      icon: '',
      description: 'd',
      status: 'draft',
      latest_version: 0,
      supervisor_id: 'u1',
      settings: { starter_roles: ['hr'] },
      form: { fields: [] },
      definition: { kind: 'tree', tree: {} },
      updated_at: '',
    } as unknown as Parameters<typeof toSettingsValues>[0];
    const v = toSettingsValues(tpl);
    expect(v.icon).toBe('file');
    expect(v.supervisor).toEqual(['u1']);
    expect(v.serial_reset).toBe('yearly');
    const back = fromSettingsValues({ ...v, name: ' 报销 ', supervisor: [] });
    expect(back.name).toBe('报销');
    expect(back.supervisor_id).toBeNull();
    expect(back.settings.starter_roles).toEqual(['hr']);
    expect(back.settings.admins).toEqual([]);
  });
});

describe('BPMN files', () => {
  it('accepts a definitions document with a process only', () => {
    expect(
      looksLikeBpmn(
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p"/></bpmn:definitions>',
      ),
    ).toBe(true);
    expect(looksLikeBpmn('<definitions/>')).toBe(false);
    expect(looksLikeBpmn('<html><process/></html>')).toBe(false);
    expect(looksLikeBpmn('{"format": 1}')).toBe(false);
  });
});

describe('card summaries', () => {
  const names: Names = {
    user: new Map([['u1', '张三']]),
    post: new Map([['p1', '会计']]),
    department: new Map([['d1', '财务部']]),
    role: new Map([['hr', '人事']]),
  };
  const fields = form.fields;

  it('says who each rule names', () => {
    const say = (r: Parameters<typeof ruleSummary>[0]) => ruleSummary(r, t, names, fields);
    expect(say({ type: 'users', users: ['u1', 'u9'] })).toBe('张三、（未知人员）');
    expect(say({ type: 'supervisor', levels: 1 })).toBe('直属上级');
    expect(say({ type: 'supervisor', levels: 3 })).toBe('上级逐级审批（3 级）');
    expect(say({ type: 'role', role: 'hr' })).toBe('角色：人事');
    expect(say({ type: 'post', post: 'p1' })).toBe('岗位：会计');
    expect(say({ type: 'department_head' })).toBe('部门负责人');
    expect(
      say({ type: 'department_head', department: { from: 'form_field', field: 'owner' } }),
    ).toBe('「负责人」的部门负责人');
    expect(say({ type: 'department_members', department: 'd1', include_sub: true })).toBe(
      '财务部及下级部门的成员',
    );
    expect(say({ type: 'form_user_field', field: 'owner' })).toBe('表单「负责人」中的人员');
    expect(say({ type: 'leader_in_charge' })).toBe('分管领导');
    expect(say(newRule('initiator_chosen'))).toBe('发起人自选');
  });

  it('adds how they decide and the time limit', () => {
    const node: UserTreeNode = {
      type: 'approver',
      id: 'a',
      participants: [{ type: 'role', role: 'hr' }, newRule('initiator')],
      mode: { type: 'ratio', percent: 60 },
      time_limit: { amount: 2, unit: 'working_days' },
    };
    expect(nodeSummary(node, t, names, fields)).toEqual({
      who: '角色：人事；发起人本人',
      how: ['票签 60%', '时限 2 个工作日'],
    });
    expect(nodeSummary({ type: 'cc', id: 'c', mode: { type: 'all' } }, t, names, fields)).toEqual({
      who: null,
      how: [],
    });
  });
});
