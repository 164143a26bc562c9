import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Spin } from 'antd';
import { useEffect, useMemo } from 'react';
import { Navigate, useLocation, useNavigate, useParams } from 'react-router';
import { useMe } from '../../auth/session';
import { QueryError } from '../../components/QueryError';
import { FormRenderer } from '../../forms';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useI18n } from '../../i18n';
import { formSpecOf } from './formState';
import { nodeName, readGraph } from './graph';
import { visibleHistory } from './History';
import { useUserNames } from './names';
import { approvalKeys, getInstance } from './services';

/** A4 filing: the sheet on screen, only the sheet on paper. */
export const PRINT_CSS = `
@page { size: A4; margin: 14mm 12mm; }
.xt-print-screen { background: #f0f2f5; min-height: 100vh; padding: 16px 8px; }
.xt-print-sheet { background: #fff; color: #000; width: 100%; max-width: 210mm; margin: 0 auto;
  padding: 14mm 12mm; box-sizing: border-box; box-shadow: 0 1px 4px rgba(0,0,0,.15);
  font-size: 12pt; line-height: 1.5; }
.xt-print-sheet h1 { font-size: 18pt; text-align: center; margin: 0 0 4mm; }
.xt-print-sheet h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1px solid #000; }
.xt-print-sheet table.xt-print-table { width: 100%; border-collapse: collapse; }
.xt-print-sheet .xt-print-table th, .xt-print-sheet .xt-print-table td {
  border: 1px solid #000; padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
.xt-print-sheet .xt-print-table th { background: #f5f5f5; white-space: nowrap; }
.xt-print-sheet .xt-opinion { white-space: pre-wrap; }
.xt-print-sheet tr { break-inside: avoid; page-break-inside: avoid; }
.xt-print-meta { display: flex; justify-content: space-between; flex-wrap: wrap; gap: 2mm;
  font-size: 10.5pt; margin-bottom: 3mm; }
.xt-print-foot { margin-top: 6mm; font-size: 9pt; color: #555; text-align: right; }
.xt-print-toolbar { max-width: 210mm; margin: 0 auto 12px; }
@media print {
  .xt-no-print { display: none !important; }
  .xt-print-screen { background: #fff; padding: 0; min-height: 0; }
  .xt-print-sheet { box-shadow: none; max-width: none; padding: 0; }
  .xt-print-sheet .ant-descriptions-bordered .ant-descriptions-view,
  .xt-print-sheet .ant-descriptions-bordered .ant-descriptions-item-label,
  .xt-print-sheet .ant-descriptions-bordered .ant-descriptions-item-content,
  .xt-print-sheet .ant-descriptions-bordered .ant-descriptions-row { border-color: #000 !important; }
  .xt-print-sheet .ant-descriptions-bordered .ant-descriptions-view { border-radius: 0 !important; }
}
`;

/** 打印: `/approvals/instances/:id/print`, without the app's frame. */
export default function PrintPage() {
  const { data: me, isPending } = useMe();
  const location = useLocation();
  if (isPending)
    return (
      <div style={{ display: 'grid', placeItems: 'center', minHeight: '60vh' }}>
        <Spin size="large" />
      </div>
    );
  if (!me) {
    const redirect = location.pathname + location.search;
    return <Navigate to={`/login?redirect=${encodeURIComponent(redirect)}`} replace />;
  }
  return <PrintSheet printedBy={me.display_name} />;
}

function PrintSheet({ printedBy }: { printedBy: string }) {
  const { id = '' } = useParams();
  const { t, te } = useI18n();
  const fmt = useFormatTime();
  const navigate = useNavigate();
  const query = useQuery({ queryKey: approvalKeys.instance(id), queryFn: () => getInstance(id) });
  const view = query.data;
  const graph = useMemo(() => readGraph(view?.graph), [view?.graph]);
  const known = useMemo(() => {
    const m = new Map<string, string>();
    if (view?.initiator_name) m.set(view.initiator_id, view.initiator_name);
    for (const h of view?.history ?? [])
      if (h.actor_id && h.actor_name) m.set(h.actor_id, h.actor_name);
    return m;
  }, [view]);
  const people = useMemo(
    () =>
      (view?.history ?? [])
        .flatMap((h) => [h.acting_for_id, ...h.users])
        .filter(Boolean) as string[],
    [view],
  );
  const names = useUserNames(people, known);
  useEffect(() => {
    if (view) document.title = `${view.serial_no ?? ''} ${view.title}`.trim();
  }, [view]);

  const name = (uid: string | null | undefined) =>
    uid ? (names.get(uid) ?? t('flow.unknownPerson')) : t('approval.system');

  return (
    <div className="xt-print-screen">
      <style>{PRINT_CSS}</style>
      <Flex className="xt-print-toolbar xt-no-print" justify="space-between" gap={8}>
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(`/approvals/instances/${id}`)}>
          {t('approval.backToApproval')}
        </Button>
        <Button
          type="primary"
          icon={<PrinterOutlined />}
          disabled={!view}
          onClick={() => window.print()}
        >
          {t('approval.printNow')}
        </Button>
      </Flex>
      {query.error ? (
        <div className="xt-print-toolbar">
          <QueryError error={query.error} onRetry={() => void query.refetch()} />
        </div>
      ) : !view ? (
        <div style={{ display: 'grid', placeItems: 'center', minHeight: '40vh' }}>
          <Spin />
        </div>
      ) : (
        <article className="xt-print-sheet" data-testid="print-sheet">
          <h1>{view.title}</h1>
          <div className="xt-print-meta">
            <span>
              {t('approval.serialNo')}：{view.serial_no ?? '-'}
            </span>
            <span>
              {t('flow.template')}：{view.template_name}
            </span>
            <span>
              {t('approval.col.status')}：{te('approval.status', view.status)}
            </span>
          </div>
          <table className="xt-print-table">
            <tbody>
              <tr>
                <th>{t('approval.col.initiator')}</th>
                <td>{view.initiator_name ?? t('flow.unknownPerson')}</td>
                <th>{t('approval.startedAt')}</th>
                <td>{fmt(view.created_at)}</td>
              </tr>
              {view.finished_at ? (
                <tr>
                  <th>{t('approval.finishedAt')}</th>
                  <td colSpan={3}>{fmt(view.finished_at)}</td>
                </tr>
              ) : null}
            </tbody>
          </table>
          <h2>{t('approval.form')}</h2>
          <FormRenderer
            form={formSpecOf(view)}
            value={view.form as Record<string, unknown>}
            mode="print"
            // the sheet's heading already names it; only a serial field shows it again
            serial={
              view.fields.some((f) => f.kind === 'serial')
                ? (view.serial_no ?? undefined)
                : undefined
            }
          />
          <h2>{t('approval.opinions')}</h2>
          <table className="xt-print-table" data-testid="print-history">
            <thead>
              <tr>
                <th>{t('approval.col.node')}</th>
                <th>{t('approval.col.handler')}</th>
                <th>{t('approval.col.action')}</th>
                <th>{t('approval.opinion')}</th>
                <th>{t('approval.col.at')}</th>
              </tr>
            </thead>
            <tbody>
              {visibleHistory(view.history).map((h) => (
                <tr key={h.seq}>
                  <td>{h.from_node ? nodeName(graph, h.from_node) : '-'}</td>
                  <td>
                    {h.actor_id ? (h.actor_name ?? name(h.actor_id)) : t('approval.system')}
                    {h.acting_for_id ? (
                      <div>{t('approval.actingFor', { name: name(h.acting_for_id) })}</div>
                    ) : null}
                  </td>
                  <td>
                    {h.stance ? te('approval.stance', h.stance) : te('approval.history', h.action)}
                  </td>
                  <td className="xt-opinion">
                    {h.opinion ?? ''}
                    {h.users.length > 0 && !h.stance ? (
                      <div>{h.users.map(name).join('、')}</div>
                    ) : null}
                  </td>
                  <td style={{ whiteSpace: 'nowrap' }}>{fmt(h.at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="xt-print-foot">
            {t('approval.printedBy', { name: printedBy, at: fmt(new Date().toISOString()) })}
          </div>
        </article>
      )}
    </div>
  );
}
