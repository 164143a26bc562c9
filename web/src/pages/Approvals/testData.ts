/** Shared fixtures of the approval tests (not used by the app). */
import type { FlowItem, HistoryView, InstanceView } from './services';

export const ME = 'u-me';
export const INITIATOR = 'u-zhou';

export const me = (id = ME, name = '李经理') => ({
  id,
  username: id,
  display_name: name,
  locale: 'zh-CN',
  must_change_password: false,
  totp_enabled: false,
  department_id: 'd1',
  roles: [],
  permissions: ['org.read', 'user.read'],
  is_department_head: false,
  supervises_templates: false,
  tenant: { id: 't', name: 'T', time_zone: 'Asia/Shanghai' },
});

const user = (over: Record<string, unknown>) => ({
  participants: [],
  mode: { type: 'single' },
  on_empty: 'auto_pass',
  on_initiator: 'approve',
  on_repeat: 'approve',
  on_disagree: 'reject',
  opinion: { stance_required: false, inform_only: false, relay: false },
  ...over,
});

/**
 * start → head (部门负责人, every action) → fin (财务会签, all, stance required) → gm (总经理,
 * decisions only) → end.
 */
export const graph = {
  key: 'expense',
  name: '费用报销',
  nodes: [
    { key: 'start', name: '', kind: { type: 'start' } },
    { key: 'head', name: '部门负责人', kind: { type: 'approve', ...user({}) } },
    {
      key: 'fin',
      name: '财务会签',
      kind: {
        type: 'approve',
        ...user({
          mode: { type: 'all' },
          opinion: { stance_required: true, inform_only: false, relay: false },
        }),
      },
    },
    {
      key: 'gm',
      name: '总经理',
      kind: { type: 'approve', ...user({ actions: ['agree', 'disagree', 'read'] }) },
    },
    { key: 'end', name: '', kind: { type: 'end' } },
  ],
  edges: [
    { key: 'e0', from: 0, to: 1 },
    { key: 'e1', from: 1, to: 2 },
    { key: 'e2', from: 2, to: 3 },
    { key: 'e3', from: 3, to: 4 },
  ],
};

export const history = (over: Partial<HistoryView> & { seq: number }): HistoryView => ({
  at: '2026-11-28T01:00:00Z',
  actor_id: INITIATOR,
  actor_name: '周敏',
  acting_for_id: null,
  action: 'started',
  stance: null,
  opinion: null,
  from_node: null,
  to_nodes: [],
  users: [],
  ...over,
});

/** An expense claim waiting at 部门负责人 for me. */
export const instance = (over: Partial<InstanceView> = {}): InstanceView => ({
  id: 'i1',
  template_id: 'tp1',
  template_name: '费用报销',
  version_id: 'v1',
  serial_no: 'BX-2026-001',
  title: '周敏的费用报销-1200',
  initiator_id: INITIATOR,
  initiator_name: '周敏',
  status: 'running',
  lock_version: 3,
  form: { amount: 1200, reason: '客户拜访差旅' } as unknown as Record<string, never>,
  fields: [
    { key: 'amount', label: '金额', kind: 'money' },
    { key: 'reason', label: '事由', kind: 'textarea' },
  ],
  form_columns: 1,
  tasks: [
    {
      id: 'task1',
      instance_id: 'i1',
      node_key: 'head',
      node_name: '部门负责人',
      assignee_id: ME,
      state: 'open',
      opened_at: '2026-11-28T01:00:00Z',
      due_at: '2026-11-29T01:00:00Z',
    },
  ],
  history: [history({ seq: 1 })],
  graph: graph as unknown as Record<string, never>,
  current_nodes: ['head'],
  passed_nodes: [],
  my_tasks: [
    {
      task_id: 'task1',
      node_key: 'head',
      actions: [
        'agree',
        'disagree',
        'read',
        'send_back',
        'transfer',
        'delegate',
        'add_signers',
        'remove_signers',
        'keep_pending',
        'request_extension',
        'cc',
      ],
      send_back_targets: [],
      editable: [],
    },
  ],
  my_unread_cc: [],
  instance_actions: [],
  created_at: '2026-11-28T01:00:00Z',
  updated_at: '2026-11-28T01:00:00Z',
  finished_at: null,
  due_at: null,
  overdue: false,
  ...over,
});

export const item = (over: Partial<FlowItem> = {}): FlowItem => ({
  allow_bulk_approve: false,
  summary_labels: {},
  instance_id: 'i1',
  task_id: 'task1',
  title: '周敏的费用报销-1200',
  serial_no: 'BX-2026-001',
  template_id: 'tp1',
  template_name: '费用报销',
  initiator_id: INITIATOR,
  initiator_name: '周敏',
  status: 'running',
  node_key: 'head',
  node_name: '部门负责人',
  at: '2026-11-28T01:00:00Z',
  created_at: '2026-11-28T01:00:00Z',
  due_at: null,
  summary: { amount: 1200 } as unknown as Record<string, never>,
  ...over,
});

export const page = <T>(items: T[]) => ({ items, total: items.length, page: 1, page_size: 20 });
