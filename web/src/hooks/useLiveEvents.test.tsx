import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useLiveApprovals } from '../pages/Approvals/live';
import { useLiveNotices } from '../pages/Notifications/useLiveNotices';
import { STREAM_URL } from './useLiveEvents';

/** A stand-in for the browser's EventSource that the test can fire events on. */
class FakeSource {
  static all: FakeSource[] = [];
  listeners = new Map<string, (e?: unknown) => void>();
  closed = false;
  constructor(
    public url: string,
    public init?: EventSourceInit,
  ) {
    FakeSource.all.push(this);
  }
  addEventListener(type: string, fn: (e?: unknown) => void) {
    this.listeners.set(type, fn);
  }
  close() {
    this.closed = true;
  }
  fire(type: string, data?: unknown) {
    this.listeners.get(type)?.(data === undefined ? undefined : { data: JSON.stringify(data) });
  }
}

function Bell() {
  useLiveNotices();
  return null;
}

function Frame() {
  useLiveApprovals();
  return null;
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeSource.all = [];
});

describe('the shared live event stream', () => {
  it('opens one stream for every subscriber and closes it after the last leaves', () => {
    vi.stubGlobal('EventSource', FakeSource);
    const qc = new QueryClient();
    const wrap = (c: ReactNode) => <QueryClientProvider client={qc}>{c}</QueryClientProvider>;
    const bell = render(wrap(<Bell />));
    const frame = render(wrap(<Frame />));
    expect(FakeSource.all).toHaveLength(1);
    expect(FakeSource.all[0]?.url).toBe(STREAM_URL);
    bell.unmount();
    expect(FakeSource.all[0]?.closed).toBe(false);
    frame.unmount();
    expect(FakeSource.all[0]?.closed).toBe(true);
  });

  it('a notice about an instance refreshes the bell, the approval lists and that instance', () => {
    vi.stubGlobal('EventSource', FakeSource);
    const qc = new QueryClient();
    const spy = vi.spyOn(qc, 'invalidateQueries');
    const wrap = (c: ReactNode) => <QueryClientProvider client={qc}>{c}</QueryClientProvider>;
    const { unmount } = render(
      wrap(
        <>
          <Bell />
          <Frame />
        </>,
      ),
    );
    FakeSource.all[0]?.fire('notification', {
      kind: 'task_assigned',
      instance_id: 'i7',
      data: { node_name: '部门负责人' },
    });
    const keys = spy.mock.calls.map((c) => c[0]?.queryKey);
    expect(keys).toContainEqual(['notifications']);
    expect(keys).toContainEqual(['flow', 'counts']);
    expect(keys).toContainEqual(['flow', 'todo']);
    expect(keys).toContainEqual(['flow', 'instance', 'i7']);
    spy.mockClear();
    FakeSource.all[0]?.fire('notification', { kind: 'password_changed' });
    expect(spy.mock.calls.map((c) => c[0]?.queryKey)).toEqual([['notifications']]);
    unmount();
  });
});
