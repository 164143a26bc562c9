import { Alert, Empty, Spin, Steps, Typography } from 'antd';
import { useMemo } from 'react';
import { useMe } from '../../auth/session';
import { useT } from '../../i18n';
import { useUserNames } from '../Approvals/names';
import type { PlacedErrors } from './catalog';
import type { RouteStep } from './services';

/** What the preview drawer shows: the route, the server's refusal, or the wait for either. */
export type PreviewState =
  | { kind: 'loading' }
  | { kind: 'route'; steps: RouteStep[] }
  | { kind: 'refused'; errors: PlacedErrors };

/** Pure: the refusal's lines as the drawer lists them (general ones, then the pickers'). */
export function refusalLines(errors: PlacedErrors, fixForm: (n: number) => string): string[] {
  const out = [...errors.general, ...Object.values(errors.chosen)];
  if (errors.fields.length > 0) out.unshift(fixForm(errors.fields.length));
  return out;
}

/** Who will act, in order, if everyone agrees: a vertical list from the start to the end. */
export function RoutePreview({ state }: { state: PreviewState }) {
  const t = useT();
  const me = useMe().data;
  const ids = useMemo(
    // the server names the people; only one it could not name is looked up
    () =>
      state.kind === 'route'
        ? state.steps.flatMap((s) => s.assignees.filter((_, i) => !s.assignee_names?.[i]))
        : [],
    [state],
  );
  const known = useMemo(() => new Map(me ? [[me.id, me.display_name] as const] : []), [me]);
  const names = useUserNames(ids, known);
  if (state.kind === 'loading')
    return (
      <div style={{ display: 'grid', placeItems: 'center', padding: 48 }}>
        <Spin />
      </div>
    );
  if (state.kind === 'refused')
    return (
      <Alert
        type="error"
        showIcon
        data-testid="preview-refused"
        title={t('start.previewFailed')}
        description={
          <ul style={{ margin: 0, paddingInlineStart: 18 }}>
            {refusalLines(state.errors, (n) => t('start.fixForm', { n })).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        }
      />
    );
  const who = (people: string[], given?: string[]) =>
    people.map((id, i) => given?.[i] || names.get(id) || t('flow.unknownPerson')).join('、');
  if (state.steps.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('start.previewEmpty')} />;
  return (
    <>
      <Typography.Paragraph type="secondary">{t('start.previewHint')}</Typography.Paragraph>
      <Steps
        orientation="vertical"
        size="small"
        data-testid="route-preview"
        current={0}
        items={[
          {
            key: 'start',
            status: 'finish',
            title: t('start.routeStart'),
            content: me ? me.display_name : t('start.you'),
          },
          ...state.steps.map((s, i) => ({
            key: `${i}-${s.node_key}`,
            status: 'wait' as const,
            title: s.node_name || s.node_key,
            content: (
              <span data-testid="route-step-people">
                {s.assignees.length > 0 ? who(s.assignees, s.assignee_names) : t('start.routeAuto')}
              </span>
            ),
          })),
          { key: 'end', status: 'wait', title: t('start.routeEnd') },
        ]}
      />
    </>
  );
}
