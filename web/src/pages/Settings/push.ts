import type { NewPushSubscription } from './services';

/** Where the service worker lives; its scope is the whole app. */
export const SW_URL = '/sw.js';

/**
 * Whether this browser can receive Web Push here: `ok`; `insecure` when the page is not a
 * secure context (push needs HTTPS, or localhost); `unsupported` when the browser lacks it.
 */
export type PushSupport = 'ok' | 'insecure' | 'unsupported';

export function pushSupport(): PushSupport {
  if (typeof window === 'undefined' || typeof navigator === 'undefined') return 'unsupported';
  if (window.isSecureContext === false) return 'insecure';
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) return 'unsupported';
  return 'ok';
}

/** The VAPID public key (base64url, unpadded) as the bytes `applicationServerKey` wants. */
export function urlBase64ToUint8Array(base64url: string): Uint8Array<ArrayBuffer> {
  const padding = '='.repeat((4 - (base64url.length % 4)) % 4);
  const base64 = (base64url + padding).replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function sameBytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a);
  return x.every((v, i) => v === b[i]);
}

/** The user said no (or dismissed the prompt): the browser will not show notifications. */
export class PushPermissionError extends Error {
  constructor(readonly permission: NotificationPermission) {
    super(`notification permission ${permission}`);
    this.name = 'PushPermissionError';
  }
}

/** The body the server stores for a browser subscription. */
export function subscriptionBody(sub: PushSubscription): NewPushSubscription {
  const json = sub.toJSON();
  return {
    endpoint: json.endpoint ?? sub.endpoint,
    keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
    user_agent: navigator.userAgent,
  };
}

/**
 * Registers the service worker, asks for permission and subscribes this browser with the
 * server's VAPID key (a subscription made with another key is replaced).
 */
export async function subscribeThisBrowser(publicKey: string): Promise<NewPushSubscription> {
  await navigator.serviceWorker.register(SW_URL, { scope: '/' });
  const registration = await navigator.serviceWorker.ready;
  const permission =
    Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission !== 'granted') throw new PushPermissionError(permission);
  const key = urlBase64ToUint8Array(publicKey);
  let sub = await registration.pushManager.getSubscription();
  if (sub && !sameBytes(sub.options.applicationServerKey, key)) {
    await sub.unsubscribe();
    sub = null;
  }
  sub ??= await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: key,
  });
  return subscriptionBody(sub);
}

/** This browser's current push subscription, if it has one (without prompting). */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (pushSupport() !== 'ok') return null;
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) ?? null;
}
