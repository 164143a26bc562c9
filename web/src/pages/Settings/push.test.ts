import { describe, expect, it } from 'vitest';
import { pushSupport, urlBase64ToUint8Array } from './push';

describe('push helpers', () => {
  it('decode a base64url VAPID key, with or without padding', () => {
    expect([...urlBase64ToUint8Array('AQID_w')]).toEqual([1, 2, 3, 255]);
    expect([...urlBase64ToUint8Array('-_8=')]).toEqual([251, 255]);
    // A real P-256 public key is 65 bytes, uncompressed (0x04 first).
    const key = `BA${'A'.repeat(85)}`;
    const bytes = urlBase64ToUint8Array(key);
    expect(bytes.length).toBe(65);
    expect(bytes[0]).toBe(4);
  });

  it('report no support where the browser has no service worker (jsdom)', () => {
    expect(pushSupport()).not.toBe('ok');
  });
});
