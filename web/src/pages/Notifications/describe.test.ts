import { describe, expect, it } from 'vitest';
import type { TFunction } from '../../i18n';
import { translate } from '../../i18n/locale';
import { describeNotice, noticeLink } from './describe';
import type { Notice } from './services';

const zh: TFunction = (key, vars) => translate(key, vars, 'zh-CN');
const en: TFunction = (key, vars) => translate(key, vars, 'en');

const notice = (kind: string, data: unknown = {}, over: Partial<Notice> = {}): Notice => ({
  id: 'n1',
  seq: 1,
  kind,
  instance_id: 'i1',
  title: '张三的报销',
  serial_no: 'BX-2026-001',
  task_no: 2,
  data,
  created_at: '2026-11-29T01:00:00Z',
  read_at: null,
  ...over,
});

const step = { node_name: '部门审批' };

describe('describeNotice', () => {
  it('urged names the flow and the step', () => {
    expect(describeNotice(notice('urged', step), zh)).toBe(
      '「张三的报销」的「部门审批」被催办，请尽快处理',
    );
    expect(describeNotice(notice('urged', step), en)).toBe(
      'You were urged to handle "部门审批" of "张三的报销"',
    );
  });

  it('reminder gives the due time, formatted by the caller', () => {
    const n = notice('reminder', { ...step, due_at: '2026-11-30T02:00:00Z' });
    expect(describeNotice(n, zh, { formatTime: () => '2026/11/30 10:00:00' })).toBe(
      '「张三的报销」的「部门审批」将于 2026/11/30 10:00:00 到期',
    );
    expect(describeNotice(notice('reminder', step), en)).toBe(
      '"部门审批" of "张三的报销" is due soon',
    );
  });

  it('overdue without a known step names only the flow', () => {
    expect(describeNotice(notice('overdue'), zh)).toBe('「张三的报销」已超期');
    expect(describeNotice(notice('overdue', step), en)).toBe(
      '"部门审批" of "张三的报销" is overdue',
    );
  });

  it('flow_overdue, finished and carbon_copy speak of the whole flow', () => {
    expect(describeNotice(notice('flow_overdue', step), zh)).toBe(
      '「张三的报销」已超过流程办理时限',
    );
    expect(describeNotice(notice('finished'), zh)).toBe('「张三的报销」已办结');
    expect(describeNotice(notice('carbon_copy'), en)).toBe('"张三的报销" was copied to you');
  });

  it('sent_back, replaced and stood_in name the step', () => {
    expect(describeNotice(notice('sent_back', step), zh)).toBe(
      '「张三的报销」的「部门审批」被退回给你',
    );
    expect(describeNotice(notice('replaced', step), zh)).toBe(
      '「张三的报销」的「部门审批」的办理人已更换',
    );
    expect(describeNotice(notice('stood_in', step), zh)).toBe(
      '你代他人办理「张三的报销」的「部门审批」',
    );
    expect(describeNotice(notice('stood_in', step), en)).toBe(
      'You stand in for someone on "部门审批" of "张三的报销"',
    );
  });

  it('falls back to the serial number, then to "a flow", without a title', () => {
    expect(describeNotice(notice('finished', {}, { title: null }), zh)).toBe(
      '「BX-2026-001」已办结',
    );
    expect(describeNotice(notice('finished', {}, { title: null, serial_no: null }), zh)).toBe(
      '「一个流程」已办结',
    );
  });

  it('delegation_started reads differently to the delegator and to the stand-in', () => {
    const data = {
      delegator_id: 'u1',
      delegate_id: 'u2',
      ends_at: '2026-12-05T10:00:00Z',
      moved_tasks: 3,
    };
    const fmt = { formatTime: () => '12/05 18:00' };
    expect(describeNotice(notice('delegation_started', data), zh, { ...fmt, me: 'u1' })).toBe(
      '你的委托已生效，至 12/05 18:00；已转交 3 条待办',
    );
    expect(
      describeNotice(notice('delegation_started', { ...data, moved_tasks: 0 }), en, {
        ...fmt,
        me: 'u1',
      }),
    ).toBe('Your delegation is in effect until 12/05 18:00');
    expect(describeNotice(notice('delegation_started', data), zh, { ...fmt, me: 'u2' })).toBe(
      '你开始代他人办理待办，至 12/05 18:00',
    );
  });

  it('delegation_ended', () => {
    expect(describeNotice(notice('delegation_ended'), zh)).toBe('一项委托已结束');
  });

  it('report_ready gives the period and the overdue count, and links to the report', () => {
    const n = notice(
      'report_ready',
      { period: '2026-W48', overdue: 4 },
      { instance_id: null, title: null },
    );
    expect(describeNotice(n, zh)).toBe('2026-W48 超期周报已生成，超期待办 4 项');
    expect(describeNotice(n, en)).toBe('The overdue report 2026-W48 is ready: 4 overdue tasks');
    expect(noticeLink(n)).toBe('/flow/reports/2026-W48');
  });

  it('a notice of an instance opens its approval page', () => {
    expect(noticeLink(notice('urged'))).toBe('/approvals/instances/i1');
    expect(noticeLink(notice('finished', {}, { instance_id: 'i9' }))).toBe(
      '/approvals/instances/i9',
    );
    expect(noticeLink(notice('account_locked', {}, { instance_id: null }))).toBeUndefined();
  });

  it('task_assigned names the step waiting for me', () => {
    expect(describeNotice(notice('task_assigned', step), zh)).toBe(
      '新待办：「张三的报销」的「部门审批」',
    );
    expect(describeNotice(notice('task_assigned', step), en)).toBe(
      'New task: "部门审批" of "张三的报销"',
    );
  });

  it('mentioned says who, where and what, without a step or an excerpt too', () => {
    const data = { node_name: '部门审批', by_name: '李四', excerpt: '@张三 请补充发票' };
    expect(describeNotice(notice('mentioned', data), zh)).toBe(
      '李四 在「张三的报销」的「部门审批」中提到了你：@张三 请补充发票',
    );
    expect(describeNotice(notice('mentioned', data), en)).toBe(
      '李四 mentioned you in "部门审批" of "张三的报销": @张三 请补充发票',
    );
    expect(describeNotice(notice('mentioned', { by_name: '李四' }), zh)).toBe(
      '李四 在「张三的报销」中提到了你',
    );
    expect(describeNotice(notice('mentioned'), zh)).toBe('有人 在「张三的报销」中提到了你');
  });

  it('finished gives the outcome when known', () => {
    expect(describeNotice(notice('finished', { outcome: 'approved' }), zh)).toBe(
      '「张三的报销」已办结：已通过',
    );
    expect(describeNotice(notice('finished', { outcome: 'rejected' }), zh)).toBe(
      '「张三的报销」已办结：已驳回',
    );
    expect(describeNotice(notice('finished', { outcome: 'rejected' }), en)).toBe(
      '"张三的报销" is finished: rejected',
    );
    expect(describeNotice(notice('finished', { outcome: 'withdrawn' }), zh)).toBe(
      '「张三的报销」已办结：已撤回',
    );
    expect(describeNotice(notice('finished', { outcome: 'running' }), zh)).toBe(
      '「张三的报销」已办结',
    );
  });

  it('password_changed tells a change of my own from an administrator reset', () => {
    const n = (by: string) =>
      notice('password_changed', { by }, { instance_id: null, title: null, serial_no: null });
    expect(describeNotice(n('self'), zh)).toBe('你的密码已修改。如非本人操作，请立即联系管理员');
    expect(describeNotice(n('admin'), zh)).toBe('管理员重置了你的密码');
    expect(describeNotice(n('admin'), en)).toBe('An administrator reset your password');
  });

  it('new_device_sign_in gives the device and address, and links to the signed-in devices', () => {
    const n = notice(
      'new_device_sign_in',
      { ip: '203.0.113.7', user_agent: 'Chrome 140 on Windows' },
      { instance_id: null, title: null, serial_no: null },
    );
    expect(describeNotice(n, zh)).toBe(
      '你的账号在新设备上登录（Chrome 140 on Windows，IP 203.0.113.7）。如非本人操作，请立即修改密码',
    );
    expect(describeNotice(n, en)).toBe(
      'Your account signed in on a new device (Chrome 140 on Windows, IP 203.0.113.7). If this was not you, change your password now',
    );
    expect(noticeLink(n)).toBe('/settings/sessions');
    expect(describeNotice(notice('new_device_sign_in', {}), zh)).toContain('（未知设备，IP -）');
  });

  it('account_locked gives the time it unlocks, formatted by the caller', () => {
    const n = notice('account_locked', { until: '2026-11-29T02:30:00Z' });
    expect(describeNotice(n, zh, { formatTime: () => '2026/11/29 10:30:00' })).toBe(
      '多次登录失败，你的账号已被锁定，将于 2026/11/29 10:30:00 自动解锁',
    );
    expect(describeNotice(notice('account_locked'), en)).toBe(
      'Too many failed sign-ins: your account is locked',
    );
  });

  it('an unknown kind still reads as a notification', () => {
    expect(describeNotice(notice('something_new'), zh)).toBe('新通知（something_new）');
  });
});
