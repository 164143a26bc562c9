// Xietong's service worker: shows Web Push notifications and opens their link when clicked.
// It caches nothing and handles no fetches: every request (pages, assets, /api) goes to the
// network as without it.

const ICON = '/icons/icon-192.png';

self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

/** The message: JSON `{ title, body, url, tag }`; plain text is shown as the body. */
function readPush(data) {
  if (!data) return {};
  try {
    const json = data.json();
    return json && typeof json === 'object' ? json : { body: String(json) };
  } catch {
    return { body: data.text() };
  }
}

/**
 * Only links into this app are followed: a link to another origin (e.g. a public URL the server
 * was configured with that differs from this one) keeps its path here.
 */
function sameOrigin(url) {
  try {
    const u = new URL(url || '/', self.location.origin);
    return new URL(u.pathname + u.search + u.hash, self.location.origin).href;
  } catch {
    return new URL('/', self.location.origin).href;
  }
}

self.addEventListener('push', (event) => {
  const msg = readPush(event.data);
  const title = typeof msg.title === 'string' && msg.title ? msg.title : '协同';
  const options = {
    body: typeof msg.body === 'string' ? msg.body : '',
    data: { url: sameOrigin(msg.url) },
    icon: ICON,
    badge: ICON,
  };
  if (typeof msg.tag === 'string' && msg.tag) options.tag = msg.tag;
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = sameOrigin(event.notification.data?.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const same = windows.find((c) => c.url === url);
      if (same) return same.focus();
      // An open tab of the app goes to the link; else a new one opens.
      const ours = windows.find((c) => new URL(c.url).origin === self.location.origin);
      if (ours && 'navigate' in ours) {
        try {
          const moved = await ours.navigate(url);
          if (moved) return moved.focus();
        } catch {
          // Not controlled by this worker yet: open a window instead.
        }
      }
      return self.clients.openWindow(url);
    })(),
  );
});
