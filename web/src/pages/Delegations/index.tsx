import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Popconfirm, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { access } from '../../access';
import { useMe } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useApiError } from '../../hooks/useApiError';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useI18n } from '../../i18n';
import { DelegationModal } from './DelegationModal';
import { canCancel, stateColor } from './delegations';
import {
  cancelDelegation,
  type Delegation,
  delegationKeys,
  listDelegations,
  listOnBehalf,
  type OnBehalfTask,
  type Scope,
} from './services';

function usePaging() {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  return { page, pageSize, setPage, setPageSize };
}

/** Delegations of one scope: mine (as delegator or stand-in) or the tenant's (HR). */
function DelegationTable({ scope, me, isHr }: { scope: Scope; me?: string; isHr: boolean }) {
  const { t, te } = useI18n();
  const fmt = useFormatTime();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const [history, setHistory] = useState(false);
  const { page, pageSize, setPage, setPageSize } = usePaging();
  const list = useQuery({
    queryKey: delegationKeys.list(scope, history, page, pageSize),
    queryFn: () => listDelegations(scope, history, page, pageSize),
    placeholderData: keepPreviousData,
  });
  const cancel = useMutation({
    mutationFn: (d: Delegation) => cancelDelegation(d.id),
    onSuccess: () => message.success(t('delegation.cancelled')),
    onError: (e) => showError(e),
    onSettled: () => queryClient.invalidateQueries({ queryKey: delegationKeys.all }),
  });

  if (list.error) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <>
      <Flex align="center" gap={8} style={{ marginBottom: 12 }}>
        <Switch
          size="small"
          checked={history}
          onChange={(v) => {
            setHistory(v);
            setPage(1);
          }}
          aria-label={t('delegation.history')}
        />
        <Typography.Text>{t('delegation.history')}</Typography.Text>
      </Flex>
      <Table<Delegation>
        rowKey="id"
        size="small"
        loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showTotal: (n) => t('common.total', { n }),
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
        columns={[
          {
            title: t('delegation.delegator'),
            key: 'delegator',
            render: (_, d) => (
              <Space size={4}>
                {d.delegator_name ?? d.delegator_id}
                {scope === 'mine' && d.delegator_id === me ? (
                  <Tag color="blue">{t('delegation.iDelegate')}</Tag>
                ) : null}
              </Space>
            ),
          },
          {
            title: t('delegation.delegate'),
            key: 'delegate',
            render: (_, d) => (
              <Space size={4}>
                {d.delegate_name ?? d.delegate_id}
                {scope === 'mine' && d.delegate_id === me ? (
                  <Tag color="purple">{t('delegation.iStandIn')}</Tag>
                ) : null}
              </Space>
            ),
          },
          {
            title: t('delegation.period'),
            key: 'period',
            render: (_, d) => (
              <span>
                {fmt(d.starts_at)} ~ {fmt(d.ends_at)}
              </span>
            ),
          },
          {
            title: t('delegation.scope'),
            key: 'scope',
            render: (_, d) =>
              d.template_ids == null
                ? t('delegation.allTemplates')
                : (d.template_names ?? d.template_ids).join('、'),
          },
          {
            title: t('delegation.reason'),
            dataIndex: 'reason',
            render: (v: string) => v || '-',
          },
          {
            title: t('delegation.state'),
            dataIndex: 'state',
            render: (s: string) => (
              <Tag color={stateColor(s)} data-testid="delegation-state">
                {te('delegation.state', s)}
              </Tag>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, d) =>
              canCancel(d, me, isHr) ? (
                <Popconfirm
                  title={t('delegation.cancelConfirm')}
                  okText={t('delegation.cancel')}
                  okButtonProps={{ danger: true }}
                  cancelText={t('delegation.keep')}
                  onConfirm={() => cancel.mutateAsync(d).catch(() => {})}
                >
                  <Button type="link" danger size="small">
                    {t('delegation.cancel')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
    </>
  );
}

/** 代我办理: what stand-ins held and did for me. */
function OnBehalfTable() {
  const { t, te } = useI18n();
  const fmt = useFormatTime();
  const { page, pageSize, setPage, setPageSize } = usePaging();
  const list = useQuery({
    queryKey: delegationKeys.onBehalf(page, pageSize),
    queryFn: () => listOnBehalf(page, pageSize),
    placeholderData: keepPreviousData,
  });
  if (list.error) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <Table<OnBehalfTask>
      rowKey="task_id"
      size="small"
      loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
      dataSource={list.data?.items ?? []}
      scroll={{ x: 'max-content' }}
      pagination={{
        current: page,
        pageSize,
        total: list.data?.total ?? 0,
        showTotal: (n) => t('common.total', { n }),
        onChange: (p, s) => {
          setPage(p);
          setPageSize(s);
        },
      }}
      columns={[
        {
          title: t('delegation.task'),
          key: 'task',
          render: (_, r) => (
            <Flex vertical>
              <span>{r.title}</span>
              {r.serial_no ? (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.serial_no}
                </Typography.Text>
              ) : null}
            </Flex>
          ),
        },
        { title: t('delegation.node'), dataIndex: 'node_name' },
        {
          title: t('delegation.holder'),
          key: 'holder',
          render: (_, r) => r.holder_name ?? r.holder_id,
        },
        {
          title: t('delegation.outcome'),
          key: 'outcome',
          render: (_, r) => {
            if (r.state === 'open') return <Tag color="processing">{t('delegation.taskOpen')}</Tag>;
            const what = r.stance
              ? te('delegation.stance', r.stance)
              : te('delegation.closeReason', r.close_reason ?? '');
            return (
              <Flex vertical>
                <Tag>{what}</Tag>
                {r.opinion ? <Typography.Text type="secondary">{r.opinion}</Typography.Text> : null}
              </Flex>
            );
          },
        },
        { title: t('delegation.opened'), dataIndex: 'opened_at', render: fmt },
        {
          title: t('delegation.closed'),
          dataIndex: 'closed_at',
          render: (v: string | null) => fmt(v) || '-',
        },
      ]}
    />
  );
}

/** 委托代办: my stand-ins and whom I stand in for, what was done for me, and HR's overview. */
export default function DelegationsPage() {
  const t = useI18n().t;
  const queryClient = useQueryClient();
  const me = useMe().data;
  const isHr = useMemo(() => access(me).canWriteUsers, [me]);
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState('mine');

  useEffect(() => {
    document.title = `${t('menu.delegations')} - ${t('app.name')}`;
  }, [t]);

  const tabs = [
    {
      key: 'mine',
      label: t('delegation.mine'),
      children: <DelegationTable scope="mine" me={me?.id} isHr={isHr} />,
    },
    { key: 'on-behalf', label: t('delegation.onBehalf'), children: <OnBehalfTable /> },
  ];
  if (isHr)
    tabs.push({
      key: 'all',
      label: t('delegation.all'),
      children: <DelegationTable scope="all" me={me?.id} isHr={isHr} />,
    });

  return (
    <>
      <PageHeader
        title={t('menu.delegations')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
            {t('delegation.new')}
          </Button>
        }
      />
      <Tabs activeKey={tab} onChange={setTab} items={tabs} destroyOnHidden />
      <DelegationModal
        open={open}
        me={me?.id}
        isHr={isHr}
        onClose={() => setOpen(false)}
        onCreated={() => {
          setOpen(false);
          setTab('mine');
          void queryClient.invalidateQueries({ queryKey: delegationKeys.all });
        }}
      />
    </>
  );
}
