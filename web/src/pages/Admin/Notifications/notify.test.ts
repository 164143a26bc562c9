import { describe, expect, it } from 'vitest';
import {
  type AdminFormValues,
  digestTimes,
  NEW_CHANNEL,
  normaliseTime,
  toAdminForm,
  toAdminUpdate,
  toChannelBody,
  validDingTalkSecret,
} from './notify';
import type { NotifyAdminSettings, NotifyChannel } from './services';

const stored: NotifyAdminSettings = {
  mail: {
    enabled: true,
    host: 'smtp.example.com',
    port: 465,
    security: 'tls',
    username: 'oa',
    has_password: true,
    from_address: 'oa@example.com',
    from_name: '协同',
  },
  digest: { enabled: true, times: ['08:30', '13:30'] },
};

const channel: NotifyChannel = {
  id: 'c1',
  kind: 'dingtalk',
  name: '财务群',
  url: 'https://oapi.dingtalk.com/robot/send?access_token=x',
  has_secret: true,
  events: [],
  enabled: true,
  created_at: '2026-11-29T01:00:00Z',
};

describe('digest times', () => {
  it('accept H:MM and HH:MM (and a full-width colon) as HH:MM', () => {
    expect(normaliseTime('8:30')).toBe('08:30');
    expect(normaliseTime(' 13：30 ')).toBe('13:30');
    expect(normaliseTime('23:59')).toBe('23:59');
    expect(normaliseTime('24:00')).toBeNull();
    expect(normaliseTime('12:60')).toBeNull();
    expect(normaliseTime('noon')).toBeNull();
  });

  it('are sent sorted and once each, invalid ones dropped', () => {
    expect(digestTimes(['13:30', '8:30', '08:30', 'x'])).toEqual(['08:30', '13:30']);
  });
});

describe('mail server body', () => {
  const form = (mail: Partial<AdminFormValues['mail']> = {}): AdminFormValues => {
    const f = toAdminForm(stored);
    return { ...f, mail: { ...f.mail, ...mail } };
  };

  it('keeps the stored password when none is typed: no password field at all', () => {
    const body = toAdminUpdate(form());
    expect('password' in body.mail).toBe(false);
    expect('has_password' in body.mail).toBe(false);
    expect('clear_password' in body.mail).toBe(false);
    expect(body.mail).toEqual({
      enabled: true,
      host: 'smtp.example.com',
      port: 465,
      security: 'tls',
      username: 'oa',
      from_address: 'oa@example.com',
      from_name: '协同',
    });
    expect(body.digest).toEqual({ enabled: true, times: ['08:30', '13:30'] });
  });

  it('sends a typed password, or "" to clear the stored one', () => {
    expect(toAdminUpdate(form({ password: 'n3w' })).mail.password).toBe('n3w');
    expect(toAdminUpdate(form({ password: 'n3w', clear_password: true })).mail.password).toBe('');
  });

  it('falls back to the usual port of the security chosen', () => {
    expect(toAdminUpdate(form({ port: null, security: 'starttls' })).mail.port).toBe(587);
  });
});

describe('channel body', () => {
  it('sends a typed secret, trimmed', () => {
    const body = toChannelBody({ ...NEW_CHANNEL, kind: 'dingtalk', secret: ' SECabc ' });
    expect(body.secret).toBe('SECabc');
  });

  it('leaves the secret out on edit when none is typed (keep), "" when cleared', () => {
    const base = { ...NEW_CHANNEL, kind: 'dingtalk' as const, name: 'x', url: 'https://x' };
    expect('secret' in toChannelBody(base, channel)).toBe(false);
    expect(toChannelBody({ ...base, clear_secret: true }, channel).secret).toBe('');
  });

  it('has no secret for WeCom, clearing one left from another kind', () => {
    expect('secret' in toChannelBody({ ...NEW_CHANNEL, secret: 'ignored' })).toBe(false);
    expect(toChannelBody({ ...NEW_CHANNEL, kind: 'wecom' }, channel).secret).toBe('');
  });

  it('checks that a DingTalk secret starts with SEC', () => {
    expect(validDingTalkSecret('SEC123')).toBe(true);
    expect(validDingTalkSecret('')).toBe(true);
    expect(validDingTalkSecret('abc')).toBe(false);
  });
});
