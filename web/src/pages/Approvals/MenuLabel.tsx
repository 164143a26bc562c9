import { useQuery } from '@tanstack/react-query';
import { Badge, Flex } from 'antd';
import { approvalKeys, COUNTS_POLL_MS, type Counts, fetchCounts } from './services';

/**
 * A menu entry's label with the count of its list as a badge (待办, 待阅). The counts are the
 * workbench's query, refreshed by server push (`useLiveApprovals`) and polled slowly otherwise.
 */
export function ApprovalMenuLabel({ label, count }: { label: string; count?: keyof Counts }) {
  const counts = useQuery({
    queryKey: approvalKeys.counts,
    queryFn: fetchCounts,
    refetchInterval: COUNTS_POLL_MS,
    enabled: count !== undefined,
  });
  const n = count ? (counts.data?.[count] ?? 0) : 0;
  return (
    <Flex justify="space-between" align="center" gap={8} component="span">
      <span>{label}</span>
      {n > 0 ? (
        <Badge count={n} size="small" overflowCount={99} data-testid={`menu-count-${count}`} />
      ) : null}
    </Flex>
  );
}
