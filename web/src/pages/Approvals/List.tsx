import { CheckOutlined, FilterOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Badge,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Pagination,
  Select,
  Spin,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useApiError } from '../../hooks/useApiError';
import { useIsMobile } from '../../hooks/useIsMobile';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useT } from '../../i18n';
import type { MessageKey } from '../../locales/zh-CN';
import { templateOptions, useTemplates } from '../Flow/templates';
import { DueTag, StatusTag, useNow, Waiting } from './parts';
import {
  approvalKeys,
  bulkApprove,
  COUNT_OF,
  COUNTS_POLL_MS,
  type FlowItem,
  fetchCounts,
  isTab,
  type ListFilters,
  listItems,
  TABS,
  type Tab,
} from './services';
import { labelsOf, summaryPairs } from './summary';

const TAB_LABEL: Record<Tab, MessageKey> = {
  todo: 'approval.tab.todo',
  done: 'approval.tab.done',
  started: 'approval.tab.started',
  cc: 'approval.tab.cc',
  'to-read': 'approval.tab.to-read',
};

/** Tabs whose count is work waiting (a red badge); the others show a plain number. */
const PENDING: readonly Tab[] = ['todo', 'to-read'];

/** Pure: the filters a URL holds. */
export function readFilters(p: URLSearchParams): ListFilters {
  const read = p.get('read');
  return {
    q: p.get('q') || undefined,
    template_id: p.get('template') || undefined,
    from: p.get('from') || undefined,
    to: p.get('to') || undefined,
    status: p.get('status') || undefined,
    sort: p.get('sort') || undefined,
    read: read === 'true' ? true : read === 'false' ? false : undefined,
  };
}

/** Pure: the URL of filters (and a page), leaving out what is unset. */
export function writeFilters(f: ListFilters, page = 1): URLSearchParams {
  const p = new URLSearchParams();
  const put = (k: string, v: string | undefined) => {
    if (v) p.set(k, v);
  };
  put('q', f.q);
  put('template', f.template_id);
  put('from', f.from);
  put('to', f.to);
  put('status', f.status);
  put('sort', f.sort);
  if (f.read !== undefined) p.set('read', String(f.read));
  if (page > 1) p.set('page', String(page));
  return p;
}

/** 审批 todo centre: `/approvals/:tab`. */
export default function ApprovalsPage() {
  const { tab } = useParams();
  if (!isTab(tab)) return <Navigate to="/approvals/todo" replace />;
  return <ApprovalList key={tab} tab={tab} />;
}

/** Templates for the filter only: each item carries its bulk-approve flag and summary labels. */
function useTemplateFacts() {
  const { templates, names } = useTemplates();
  return useMemo(() => ({ templates, names }), [templates, names]);
}

function ApprovalList({ tab }: { tab: Tab }) {
  const t = useT();
  const navigate = useNavigate();
  const isMobile = useIsMobile();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [pageSize, setPageSize] = useState(20);
  const [selected, setSelected] = useState<string[]>([]);
  const [bulkOpen, setBulkOpen] = useState(false);
  const facts = useTemplateFacts();

  useEffect(() => {
    document.title = `${t(TAB_LABEL[tab])} - ${t('menu.approvals')} - ${t('app.name')}`;
  }, [t, tab]);

  const counts = useQuery({
    queryKey: approvalKeys.counts,
    queryFn: fetchCounts,
    refetchInterval: COUNTS_POLL_MS,
  });
  const list = useQuery({
    queryKey: approvalKeys.page(tab, filters, page, pageSize),
    queryFn: () => listItems(tab, filters, page, pageSize),
    placeholderData: keepPreviousData,
  });
  const items = list.data?.items ?? [];

  const set = (patch: Partial<ListFilters>) => {
    setSelected([]);
    setParams(writeFilters({ ...filters, ...patch }), { replace: true });
  };
  const goPage = (p: number, size: number) => {
    setPageSize(size);
    setParams(writeFilters(filters, size === pageSize ? p : 1), { replace: true });
  };
  const bulkable = (item: FlowItem) =>
    tab === 'todo' && Boolean(item.task_id) && item.allow_bulk_approve;
  const anyBulkable = items.some(bulkable);
  const open = (item: FlowItem) => navigate(`/approvals/instances/${item.instance_id}`);

  const tabItems = TABS.map((key) => {
    const n = counts.data?.[COUNT_OF[key]] ?? 0;
    return {
      key,
      label: (
        <span data-testid={`tab-${key}`}>
          {t(TAB_LABEL[key])}{' '}
          {PENDING.includes(key) ? (
            <Badge count={n} size="small" overflowCount={99} />
          ) : n > 0 ? (
            <Typography.Text type="secondary">{n}</Typography.Text>
          ) : null}
        </span>
      ),
    };
  });

  const pagination = {
    current: page,
    pageSize,
    total: list.data?.total ?? 0,
    showSizeChanger: !isMobile,
    size: isMobile ? ('small' as const) : undefined,
    showTotal: (n: number) => t('common.total', { n }),
    onChange: goPage,
  };

  return (
    <>
      <PageHeader title={t('menu.approvals')} />
      <Tabs
        activeKey={tab}
        items={tabItems}
        onChange={(k) => navigate(`/approvals/${k}`)}
        size={isMobile ? 'small' : 'middle'}
      />
      <Filters tab={tab} filters={filters} onChange={set} facts={facts} items={items} />
      {anyBulkable ? (
        <Flex gap={8} align="center" wrap style={{ marginBottom: 12 }} data-testid="bulk-bar">
          <Button
            type="primary"
            icon={<CheckOutlined />}
            disabled={selected.length === 0}
            onClick={() => setBulkOpen(true)}
          >
            {t('approval.bulk.button', { n: selected.length })}
          </Button>
          <Typography.Text type="secondary">{t('approval.bulk.hint')}</Typography.Text>
        </Flex>
      ) : null}
      {list.error ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : isMobile ? (
        <>
          <Spin spinning={list.isPending || (list.isFetching && list.isPlaceholderData)}>
            <Flex vertical data-testid="approval-cards" style={{ minHeight: 80 }}>
              {items.length === 0 && !list.isPending ? (
                <Empty description={t(`approval.empty.${tab}`)} />
              ) : null}
              {items.map((item) => (
                <ItemCard
                  key={item.task_id ?? `${item.instance_id}-${item.cc_no ?? ''}`}
                  item={item}
                  tab={tab}
                  now={now}
                  selectable={bulkable(item)}
                  checked={Boolean(item.task_id && selected.includes(item.task_id))}
                  onCheck={(on) =>
                    setSelected((s) =>
                      on ? [...s, item.task_id as string] : s.filter((x) => x !== item.task_id),
                    )
                  }
                  onOpen={() => open(item)}
                />
              ))}
            </Flex>
          </Spin>
          {(list.data?.total ?? 0) > pageSize || page > 1 ? (
            <Flex justify="center" style={{ marginTop: 12 }}>
              <Pagination {...pagination} simple />
            </Flex>
          ) : null}
        </>
      ) : (
        <Table<FlowItem>
          rowKey={(r) => r.task_id ?? `${r.instance_id}-${r.cc_no ?? ''}`}
          size="middle"
          dataSource={items}
          loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
          locale={{ emptyText: <Empty description={t(`approval.empty.${tab}`)} /> }}
          scroll={{ x: 'max-content' }}
          pagination={pagination}
          onRow={(r) => ({ onClick: () => open(r), style: { cursor: 'pointer' } })}
          rowSelection={
            anyBulkable
              ? {
                  selectedRowKeys: selected,
                  onChange: (keys) => setSelected(keys.map(String)),
                  getCheckboxProps: (r) => ({
                    disabled: !bulkable(r),
                    'aria-label': r.title,
                  }),
                  columnWidth: 40,
                }
              : undefined
          }
          columns={columns(tab, t, now)}
        />
      )}
      <BulkDialog
        open={bulkOpen}
        ids={selected}
        items={items}
        onClose={(done) => {
          setBulkOpen(false);
          if (done) setSelected([]);
        }}
      />
    </>
  );
}

function columns(tab: Tab, t: ReturnType<typeof useT>, now: number) {
  return [
    {
      key: 'title',
      title: t('approval.col.title'),
      render: (_: unknown, r: FlowItem) => <TitleCell item={r} tab={tab} />,
    },
    {
      key: 'template',
      title: t('flow.template'),
      dataIndex: 'template_name',
      render: (v: string | null) => v ?? t('flow.unknownTemplate'),
    },
    {
      key: 'initiator',
      title: t('approval.col.initiator'),
      dataIndex: 'initiator_name',
      render: (v: string | null) => v ?? t('flow.unknownPerson'),
    },
    ...(tab === 'started'
      ? []
      : [
          {
            key: 'node',
            title: t('approval.col.node'),
            dataIndex: 'node_name',
            render: (v: string | null, r: FlowItem) => v ?? r.node_key ?? '-',
          },
        ]),
    {
      key: 'time',
      title: t(`approval.col.time.${tab}`),
      render: (_: unknown, r: FlowItem) => <TimeCell item={r} tab={tab} now={now} />,
    },
    ...(tab === 'todo'
      ? [
          {
            key: 'due',
            title: t('approval.col.due'),
            render: (_: unknown, r: FlowItem) =>
              r.due_at ? <DueTag dueAt={r.due_at} now={now} /> : '-',
          },
        ]
      : [
          {
            key: 'status',
            title: t('approval.col.status'),
            dataIndex: 'status',
            render: (s: string) => <StatusTag status={s} />,
          },
        ]),
  ];
}

function Marks({ item, tab }: { item: FlowItem; tab: Tab }) {
  const t = useT();
  return (
    <>
      {item.serial_no ? <Tag data-testid="serial">{item.serial_no}</Tag> : null}
      {item.principal_id ? (
        <Tag color="purple">
          {t('approval.actingFor', { name: item.principal_name ?? t('flow.unknownPerson') })}
        </Tag>
      ) : null}
      {tab === 'todo' && item.delegated_by ? (
        <Tag color="cyan">{t('approval.delegatedToMe')}</Tag>
      ) : null}
      {tab === 'cc' && item.read === false ? <Tag color="blue">{t('approval.unread')}</Tag> : null}
    </>
  );
}

function Summary({ item }: { item: FlowItem }) {
  const pairs = summaryPairs(item.summary, labelsOf(item));
  if (pairs.length === 0) return null;
  return (
    <Typography.Text type="secondary" style={{ fontSize: 13 }} data-testid="summary">
      {pairs.map((p) => `${p.label}：${p.value}`).join('　')}
    </Typography.Text>
  );
}

function TitleCell({ item, tab }: { item: FlowItem; tab: Tab }) {
  const unread = (tab === 'cc' || tab === 'to-read') && item.read === false;
  return (
    <Flex vertical gap={2} style={{ minWidth: 220, maxWidth: 420 }} data-testid="approval-item">
      <Link
        to={`/approvals/instances/${item.instance_id}`}
        onClick={(e) => e.stopPropagation()}
        style={{ fontWeight: tab === 'todo' || unread ? 600 : undefined }}
      >
        {item.title}
      </Link>
      <div>
        <Marks item={item} tab={tab} />
      </div>
      <Summary item={item} />
    </Flex>
  );
}

function TimeCell({ item, tab, now }: { item: FlowItem; tab: Tab; now: number }) {
  const fmt = useFormatTime();
  return (
    <Flex vertical gap={2}>
      <span>{fmt(item.at)}</span>
      {tab === 'todo' ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          <Waiting from={item.at} now={now} />
        </Typography.Text>
      ) : tab === 'started' && item.status === 'running' ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          <Waiting from={item.created_at} now={now} kind="running" />
        </Typography.Text>
      ) : null}
    </Flex>
  );
}

/** One item as a card (phones). */
export function ItemCard({
  item,
  tab,
  now,
  selectable,
  checked,
  onCheck,
  onOpen,
}: {
  item: FlowItem;
  tab: Tab;
  now: number;
  selectable: boolean;
  checked: boolean;
  onCheck: (on: boolean) => void;
  onOpen: () => void;
}) {
  const t = useT();
  const fmt = useFormatTime();
  const unread = (tab === 'cc' || tab === 'to-read') && item.read === false;
  return (
    <Card
      size="small"
      hoverable
      onClick={onOpen}
      style={{ width: '100%', marginBottom: 8 }}
      data-testid="approval-card"
    >
      <Flex gap={8} align="flex-start">
        {selectable ? (
          <Checkbox
            checked={checked}
            aria-label={item.title}
            onClick={(e) => e.stopPropagation()}
            onChange={(e) => onCheck(e.target.checked)}
          />
        ) : null}
        <Flex vertical gap={4} style={{ minWidth: 0, flex: 1 }}>
          <Flex justify="space-between" gap={8} align="flex-start">
            <Typography.Text strong={tab === 'todo' || unread} style={{ fontSize: 15 }}>
              {item.title}
            </Typography.Text>
            {tab === 'todo' ? (
              <DueTag dueAt={item.due_at} now={now} />
            ) : (
              <StatusTag status={item.status} />
            )}
          </Flex>
          <div>
            <Marks item={item} tab={tab} />
          </div>
          <Summary item={item} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {[
              item.initiator_name ?? t('flow.unknownPerson'),
              tab === 'started' ? item.template_name : (item.node_name ?? item.template_name),
              fmt(item.at),
            ]
              .filter(Boolean)
              .join(' · ')}
          </Typography.Text>
          {tab === 'todo' ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              <Waiting from={item.at} now={now} />
            </Typography.Text>
          ) : null}
        </Flex>
      </Flex>
    </Card>
  );
}

const STATUSES = ['running', 'approved', 'rejected', 'cancelled'] as const;

function Filters({
  tab,
  filters,
  onChange,
  facts,
  items,
}: {
  tab: Tab;
  filters: ListFilters;
  onChange: (patch: Partial<ListFilters>) => void;
  facts: ReturnType<typeof useTemplateFacts>;
  items: FlowItem[];
}) {
  const t = useT();
  const isMobile = useIsMobile();
  const [more, setMore] = useState(false);
  const [q, setQ] = useState(filters.q ?? '');
  useEffect(() => setQ(filters.q ?? ''), [filters.q]);
  const options = useMemo(
    () =>
      templateOptions(
        facts.templates,
        [filters.template_id, ...items.map((i) => i.template_id)],
        facts.names,
        t('flow.unknownTemplate'),
      ),
    [facts.templates, facts.names, filters.template_id, items, t],
  );
  const sorts =
    tab === 'todo' || tab === 'done'
      ? (['-time', 'time', 'due_at'] as const)
      : (['-time', 'time'] as const);
  const wide = isMobile ? '100%' : undefined;
  const showRest = !isMobile || more;
  return (
    <Card size="small" style={{ marginBottom: 12 }}>
      <Flex wrap gap={8} align="center">
        <Input.Search
          aria-label={t('approval.filter.keyword')}
          placeholder={t('approval.filter.keyword')}
          allowClear
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onSearch={(v) => onChange({ q: v.trim() || undefined })}
          style={{ width: isMobile ? 'calc(100% - 48px)' : 240 }}
        />
        {isMobile ? (
          <Button
            icon={<FilterOutlined />}
            aria-label={t('approval.filter.more')}
            type={more ? 'primary' : 'default'}
            onClick={() => setMore((m) => !m)}
          />
        ) : null}
        {showRest ? (
          <>
            <Select<string>
              aria-label={t('flow.template')}
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('flow.allTemplates')}
              value={filters.template_id}
              onChange={(v) => onChange({ template_id: v || undefined })}
              options={options}
              style={{ width: wide ?? 180 }}
            />
            <DatePicker.RangePicker
              aria-label={t('approval.filter.dates')}
              value={
                filters.from || filters.to
                  ? [
                      filters.from ? dayjs(filters.from) : null,
                      filters.to ? dayjs(filters.to) : null,
                    ]
                  : null
              }
              allowEmpty={[true, true]}
              onChange={(r) =>
                onChange({
                  from: r?.[0]?.format('YYYY-MM-DD'),
                  to: r?.[1]?.format('YYYY-MM-DD'),
                })
              }
              style={{ width: wide ?? 260 }}
            />
            {tab === 'todo' ? null : (
              <Select<string>
                aria-label={t('approval.col.status')}
                allowClear
                placeholder={t('approval.filter.allStatuses')}
                value={filters.status}
                onChange={(v) => onChange({ status: v || undefined })}
                options={STATUSES.map((s) => ({ value: s, label: t(`approval.status.${s}`) }))}
                style={{ width: wide ?? 140 }}
              />
            )}
            {tab === 'cc' ? (
              <Select<string>
                aria-label={t('approval.filter.read')}
                value={filters.read === undefined ? 'all' : String(filters.read)}
                onChange={(v) => onChange({ read: v === 'all' ? undefined : v === 'true' })}
                options={[
                  { value: 'all', label: t('approval.filter.readAll') },
                  { value: 'false', label: t('approval.unread') },
                  { value: 'true', label: t('approval.read') },
                ]}
                style={{ width: wide ?? 120 }}
              />
            ) : null}
            <Select<string>
              aria-label={t('approval.filter.sort')}
              value={filters.sort ?? '-time'}
              onChange={(v) => onChange({ sort: v === '-time' ? undefined : v })}
              options={sorts.map((s) => ({ value: s, label: t(`approval.sort.${s}`) }))}
              style={{ width: wide ?? 150 }}
            />
          </>
        ) : null}
      </Flex>
    </Card>
  );
}

/** 批量同意: agrees to the chosen todos at once (templates that allow it), one opinion for all. */
function BulkDialog({
  open,
  ids,
  items,
  onClose,
}: {
  open: boolean;
  ids: string[];
  items: FlowItem[];
  onClose: (done: boolean) => void;
}) {
  const t = useT();
  const { message, modal } = App.useApp();
  const showError = useApiError();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ opinion: string }>();
  const run = useMutation({
    mutationFn: (opinion: string) => bulkApprove(ids, opinion),
    onSuccess: (outcomes) => {
      const ok = outcomes.filter((o) => o.ok).length;
      const failed = outcomes.filter((o) => !o.ok);
      void qc.invalidateQueries({ queryKey: ['flow'] });
      onClose(true);
      if (failed.length === 0) {
        message.success(t('approval.bulk.done', { n: ok }));
        return;
      }
      const title = (id: string) => items.find((i) => i.task_id === id)?.title ?? id;
      modal.warning({
        title: t('approval.bulk.partial', { ok, failed: failed.length }),
        content: (
          <ul style={{ paddingInlineStart: 18, margin: 0 }} data-testid="bulk-failures">
            {failed.map((f) => (
              <li key={f.task_id}>
                {title(f.task_id)}：{f.message ?? f.code}
              </li>
            ))}
          </ul>
        ),
      });
    },
    onError: (e) => showError(e),
  });
  return (
    <Modal
      open={open}
      title={t('approval.bulk.title', { n: ids.length })}
      okText={t('approval.action.agree')}
      onOk={() => form.submit()}
      onCancel={() => onClose(false)}
      confirmLoading={run.isPending}
      destroyOnHidden
    >
      <Flex vertical gap={8}>
        <Typography.Text type="secondary">{t('approval.bulk.explain')}</Typography.Text>
        <Form form={form} layout="vertical" onFinish={(v) => run.mutate(v.opinion?.trim() ?? '')}>
          <Form.Item name="opinion" label={t('approval.opinion')}>
            <Input.TextArea
              rows={3}
              maxLength={2000}
              placeholder={t('approval.bulk.opinionPlaceholder')}
            />
          </Form.Item>
        </Form>
      </Flex>
    </Modal>
  );
}
