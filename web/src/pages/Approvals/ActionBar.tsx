import { DownOutlined, EllipsisOutlined } from '@ant-design/icons';
import { Button, Dropdown, Flex, Tooltip, theme } from 'antd';
import { bottomBarStyle } from '../../components/bottomBar';
import { useIsMobile } from '../../hooks/useIsMobile';
import { useT } from '../../i18n';
import { ACTION_LABEL, type DialogKind } from './ActionDialog';
import type { ViewerActions } from './actions';

interface Entry {
  kind: DialogKind | 'mark_read';
  primary?: boolean;
  danger?: boolean;
  disabled?: boolean;
  tip?: string;
}

/** Pure: the bar's entries in order — decisions, initiator's actions, then the rest. */
export function barEntries(
  acts: ViewerActions,
  opts: { isSuperior: boolean; urgeTip: string },
): { main: Entry[]; more: Entry[] } {
  const main: Entry[] = [];
  const more: Entry[] = [];
  if (acts.resubmit) main.push({ kind: 'resubmit', primary: true });
  for (const a of acts.primary) {
    // R5: a superior of the initiator must agree or disagree, never only read
    if (a === 'read' && opts.isSuperior) continue;
    main.push({ kind: a, primary: a === 'agree', danger: a === 'disagree' });
  }
  if (acts.markRead) main.push({ kind: 'mark_read', primary: main.length === 0 });
  for (const a of acts.instance) {
    const entry: Entry = {
      kind: a,
      danger: a === 'cancel',
      disabled: a === 'urge' && acts.urgedRecently,
      tip: a === 'urge' && acts.urgedRecently ? opts.urgeTip : undefined,
    };
    (a === 'cancel' ? more : main).push(entry);
  }
  more.unshift(...acts.more.map((a) => ({ kind: a })));
  return { main, more };
}

/**
 * The actions this viewer may take here: a bar under the page on desktop, fixed to the bottom
 * of the screen on phones (three buttons and "more").
 */
export function ActionBar({
  acts,
  isSuperior,
  busy,
  onAction,
}: {
  acts: ViewerActions;
  isSuperior: boolean;
  /** Marking the copy read is on its way. */
  busy?: boolean;
  onAction: (kind: DialogKind | 'mark_read') => void;
}) {
  const t = useT();
  const isMobile = useIsMobile();
  const { token } = theme.useToken();
  const { main, more } = barEntries(acts, { isSuperior, urgeTip: t('approval.urgedRecently') });
  if (main.length + more.length === 0) return null;
  const label = (e: Entry) =>
    e.kind === 'mark_read' ? t('approval.action.mark_read') : t(ACTION_LABEL[e.kind]);
  const shown = isMobile ? main.slice(0, 3) : main;
  const rest = isMobile ? [...main.slice(3), ...more] : more;
  const button = (e: Entry) => {
    const b = (
      <Button
        key={e.kind}
        type={e.primary ? 'primary' : 'default'}
        danger={e.danger}
        disabled={e.disabled}
        loading={e.kind === 'mark_read' && busy}
        onClick={() => onAction(e.kind)}
        style={isMobile ? { flex: 1, minWidth: 0 } : undefined}
        data-testid={`action-${e.kind}`}
      >
        {label(e)}
      </Button>
    );
    return e.tip ? (
      <Tooltip key={e.kind} title={e.tip}>
        <span style={isMobile ? { flex: 1, display: 'flex' } : undefined}>{b}</span>
      </Tooltip>
    ) : (
      b
    );
  };
  const dropdown =
    rest.length > 0 ? (
      <Dropdown
        trigger={['click']}
        placement="topRight"
        menu={{
          items: rest.map((e) => ({
            key: e.kind,
            label: label(e),
            danger: e.danger,
            disabled: e.disabled,
          })),
          onClick: ({ key }) => onAction(key as DialogKind),
        }}
      >
        <Button data-testid="action-more" aria-label={t('common.more')}>
          {isMobile ? (
            <EllipsisOutlined />
          ) : (
            <>
              {t('approval.moreActions')} <DownOutlined />
            </>
          )}
        </Button>
      </Dropdown>
    ) : null;

  const style = bottomBarStyle(token, isMobile);
  return (
    <div
      style={style}
      role="toolbar"
      aria-label={t('approval.actions')}
      data-testid="action-bar"
      data-mobile={isMobile ? 'true' : undefined}
    >
      <Flex gap={8} wrap={!isMobile} justify={isMobile ? 'stretch' : 'flex-end'}>
        {shown.map(button)}
        {dropdown}
      </Flex>
    </div>
  );
}
