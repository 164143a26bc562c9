import { Empty, Flex, Tag, Timeline, Typography } from 'antd';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useI18n } from '../../i18n';
import { type Graph, nodeName } from './graph';
import { StanceTag } from './parts';
import type { HistoryView, TaskView } from './services';

/** History kinds that say nothing a reader of the record needs (engine bookkeeping). */
const QUIET = new Set(['timer_fired', 'sub_flow_finished']);

const COLOR: Record<string, string> = {
  agree: 'green',
  disagree: 'red',
  read: 'blue',
  sent_back: 'orange',
  withdrawn: 'gray',
  cancelled: 'gray',
  overdue: 'red',
  flow_overdue: 'red',
  escalated: 'orange',
  finished: 'green',
};

/** Pure: the history a reader sees, in order (bookkeeping events left out). */
export const visibleHistory = (history: readonly HistoryView[]): HistoryView[] =>
  history.filter((h) => !QUIET.has(h.action));

/** How the other people of an event read: 转办给, 加签, 抄送, … */
const USERS_LABEL: Record<
  string,
  'approval.users.to' | 'approval.users.signers' | 'approval.users.cc' | 'approval.users.urged'
> = {
  transferred: 'approval.users.to',
  delegated: 'approval.users.to',
  delegation_returned: 'approval.users.to',
  handler_replaced: 'approval.users.to',
  stood_in: 'approval.users.to',
  escalated: 'approval.users.to',
  signers_added: 'approval.users.signers',
  signers_removed: 'approval.users.signers',
  carbon_copied: 'approval.users.cc',
  urged: 'approval.users.urged',
};

/** One event of the record: who (for whom), what, where, the stance and opinion, when. */
export function HistoryEntry({
  h,
  graph,
  names,
}: {
  h: HistoryView;
  graph: Graph;
  names: ReadonlyMap<string, string>;
}) {
  const { t, te } = useI18n();
  const fmt = useFormatTime();
  const who = h.actor_id
    ? (h.actor_name ?? names.get(h.actor_id) ?? t('flow.unknownPerson'))
    : t('approval.system');
  const name = (id: string) => names.get(id) ?? t('flow.unknownPerson');
  const usersLabel = USERS_LABEL[h.action];
  return (
    <Flex vertical gap={2} data-testid="history-entry">
      <Flex wrap gap={6} align="center">
        <Typography.Text strong>{who}</Typography.Text>
        {h.acting_for_id ? (
          <Tag color="purple" data-testid="acting-for">
            {t('approval.actingFor', { name: name(h.acting_for_id) })}
          </Tag>
        ) : null}
        <Typography.Text>{te('approval.history', h.action)}</Typography.Text>
        {h.from_node ? (
          <Typography.Text type="secondary">· {nodeName(graph, h.from_node)}</Typography.Text>
        ) : null}
        {h.stance ? <StanceTag stance={h.stance} /> : null}
      </Flex>
      {h.opinion ? (
        <Typography.Paragraph
          style={{
            whiteSpace: 'pre-wrap',
            margin: 0,
            padding: '4px 8px',
            background: 'rgba(0,0,0,0.03)',
            borderRadius: 4,
          }}
          data-testid="opinion"
        >
          {h.opinion}
        </Typography.Paragraph>
      ) : null}
      {usersLabel && h.users.length > 0 ? (
        <Typography.Text type="secondary">
          {t(usersLabel, { names: h.users.map(name).join('、') })}
        </Typography.Text>
      ) : null}
      {h.action === 'sent_back' && h.to_nodes.length > 0 ? (
        <Typography.Text type="secondary">
          {t('approval.sentBackTo', { node: h.to_nodes.map((k) => nodeName(graph, k)).join('、') })}
        </Typography.Text>
      ) : null}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {fmt(h.at)}
      </Typography.Text>
    </Flex>
  );
}

/** The instance's record as a timeline, with the steps still open at the end. */
export function HistoryTimeline({
  history,
  open,
  graph,
  names,
}: {
  history: readonly HistoryView[];
  /** Open tasks (shown as waiting at the end). */
  open: readonly TaskView[];
  graph: Graph;
  names: ReadonlyMap<string, string>;
}) {
  const { t } = useI18n();
  const fmt = useFormatTime();
  const shown = visibleHistory(history);
  if (shown.length === 0 && open.length === 0) return <Empty description={t('common.noData')} />;
  return (
    <Timeline
      data-testid="history"
      items={[
        ...shown.map((h) => ({
          key: `h${h.seq}`,
          color: COLOR[h.stance ?? h.action] ?? 'blue',
          content: <HistoryEntry h={h} graph={graph} names={names} />,
        })),
        ...open.map((task) => ({
          key: `t${task.id}`,
          color: 'gray',
          content: (
            <Flex vertical gap={2} data-testid="history-open">
              <Typography.Text>
                {t('approval.waitingFor', {
                  name: names.get(task.assignee_id) ?? t('flow.unknownPerson'),
                  node: task.node_name || nodeName(graph, task.node_key),
                })}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('approval.arrivedAt', { at: fmt(task.opened_at) })}
              </Typography.Text>
            </Flex>
          ),
        })),
      ]}
    />
  );
}
