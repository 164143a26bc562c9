import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import { approvalKeys, getUserName } from './services';

/**
 * Display names of people by id: those the caller already knows (`known`), the rest looked up
 * one by one and kept for a while (an instance names a handful of people).
 */
export function useUserNames(
  ids: readonly (string | null | undefined)[],
  known: ReadonlyMap<string, string> = new Map(),
): Map<string, string> {
  const missing = useMemo(
    () => [...new Set(ids.filter((id): id is string => Boolean(id) && !known.has(id as string)))],
    [ids, known],
  );
  const results = useQueries({
    queries: missing.map((id) => ({
      queryKey: approvalKeys.user(id),
      queryFn: () => getUserName(id),
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  const fetched = results.map((r) => r.data);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `fetched` changes identity each render; its joined values do not
  return useMemo(() => {
    const out = new Map(known);
    missing.forEach((id, i) => {
      const name = fetched[i];
      if (name) out.set(id, name);
    });
    return out;
  }, [known, missing, fetched.join('\u0000')]);
}
