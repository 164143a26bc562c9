import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { STREAM_URL, useLiveNotices } from './useLiveNotices';

/** A stand-in for the browser's EventSource that the test can fire events on. */
class FakeSource {
  static last: FakeSource | undefined;
  listeners = new Map<string, () => void>();
  closed = false;
  constructor(
    public url: string,
    public init?: EventSourceInit,
  ) {
    FakeSource.last = this;
  }
  addEventListener(type: string, fn: () => void) {
    this.listeners.set(type, fn);
  }
  close() {
    this.closed = true;
  }
}

function Probe() {
  useLiveNotices();
  return null;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('useLiveNotices', () => {
  it('opens the stream and marks the notification queries stale on each event', () => {
    vi.stubGlobal('EventSource', FakeSource);
    const qc = new QueryClient();
    const spy = vi.spyOn(qc, 'invalidateQueries');
    const wrap = (c: ReactNode) => <QueryClientProvider client={qc}>{c}</QueryClientProvider>;
    const { unmount } = render(wrap(<Probe />));
    const source = FakeSource.last;
    expect(source?.url).toBe(STREAM_URL);
    source?.listeners.get('notification')?.();
    expect(spy).toHaveBeenCalledWith({ queryKey: ['notifications'] });
    source?.listeners.get('reload')?.();
    expect(spy).toHaveBeenCalledTimes(2);
    unmount();
    expect(source?.closed).toBe(true);
  });
});
