import { describe, expect, it } from 'vitest';
import { translateEnum } from '../../../i18n/locale';
import {
  canCancel,
  canRetry,
  countFor,
  isJobState,
  JOB_STATES,
  kindLabel,
  kindOptions,
  stateColor,
  stateLabel,
} from './jobs';

const zh = (prefix: string, value: string) => translateEnum(prefix, value, 'zh-CN');
const en = (prefix: string, value: string) => translateEnum(prefix, value, 'en');

describe('job states', () => {
  it('are labelled in both languages', () => {
    expect(JOB_STATES.map((s) => stateLabel(s, zh))).toEqual([
      '等待中',
      '运行中',
      '失败',
      '已完成',
      '已取消',
    ]);
    expect(JOB_STATES.map((s) => stateLabel(s, en))).toEqual([
      'Pending',
      'Running',
      'Failed',
      'Done',
      'Cancelled',
    ]);
  });

  it('show an unknown state as the server names it', () => {
    expect(stateLabel('paused', zh)).toBe('paused');
    expect(isJobState('paused')).toBe(false);
    expect(isJobState('done')).toBe(true);
  });

  it('have a tag colour each: failures red, finished green, cancelled grey', () => {
    expect(stateColor('pending')).toBe('blue');
    expect(stateColor('running')).toBe('processing');
    expect(stateColor('done')).toBe('success');
    expect(stateColor('failed')).toBe('error');
    expect(stateColor('cancelled')).toBe('default');
    expect(stateColor('paused')).toBe('default');
  });

  it('allow a retry of failed or cancelled jobs and a cancel of pending ones', () => {
    expect(JOB_STATES.filter(canRetry)).toEqual(['failed', 'cancelled']);
    expect(JOB_STATES.filter(canCancel)).toEqual(['pending']);
  });

  it('count every state for the whole list', () => {
    const counts = { pending: 1, running: 2, done: 30, failed: 4, cancelled: 5 };
    expect(countFor(counts, 'all')).toBe(42);
    expect(countFor(counts, 'failed')).toBe(4);
    expect(countFor(undefined, 'all')).toBe(0);
  });
});

describe('job kinds', () => {
  it('label the known kinds and show others raw', () => {
    expect(kindLabel('flow.timer', zh)).toBe('流程定时器');
    expect(kindLabel('system.probe', zh)).toBe('测试任务');
    expect(kindLabel('system.probe', en)).toBe('Probe');
    expect(kindLabel('notify.email', zh)).toBe('邮件通知');
    expect(kindLabel('notify.channel', en)).toBe('Group robot / webhook');
    expect(kindLabel('mail.send', zh)).toBe('mail.send');
  });

  it('offer the known kinds, then any other seen, once each', () => {
    const known = [
      'flow.timer',
      'flow.overdue',
      'report.weekly_overdue',
      'notify.dispatch',
      'notify.email',
      'notify.push',
      'notify.channel',
      'notify.digest',
      'system.probe',
    ];
    expect(kindOptions([])).toEqual(known);
    expect(kindOptions([undefined, 'mail.send', 'flow.timer', 'mail.send'])).toEqual([
      ...known,
      'mail.send',
    ]);
  });
});
