import type { Field } from '../../../forms/types';
import type { TFunction } from '../../../i18n';
import type { MessageKey } from '../../../i18n/locale';
import type { ParticipantRule, TimeLimit, TreeNode, UserTreeNode } from './tree';

/** Names the summaries need: users, posts, departments and roles by id or key. */
export interface Names {
  user: ReadonlyMap<string, string>;
  post: ReadonlyMap<string, string>;
  department: ReadonlyMap<string, string>;
  role: ReadonlyMap<string, string>;
}

/** A node's default title by type: 审批人, 办理人, 抄送人, 条件分支, … */
export const typeLabel = (type: TreeNode['type'], t: TFunction): string =>
  t(`designer.type.${type}` as MessageKey);

/** The title shown on a node's card: its name, else its type. */
export const nodeTitle = (n: TreeNode, t: TFunction): string =>
  n.name?.trim() || typeLabel(n.type, t);

const fieldLabel = (fields: readonly Field[], key: string) =>
  fields.find((f) => f.key === key)?.label ?? key;

/** Pure: one participant rule in words, e.g. 直属上级（2 级）, 角色：财务, 张三、李四. */
export function ruleSummary(
  r: ParticipantRule,
  t: TFunction,
  names: Names,
  fields: readonly Field[],
): string {
  switch (r.type) {
    case 'users':
      return r.users.length === 0
        ? t('designer.rule.users')
        : r.users.map((u) => names.user.get(u) ?? t('flow.unknownPerson')).join('、');
    case 'role':
      return t('designer.sum.role', { name: names.role.get(r.role) ?? r.role });
    case 'post':
      return t('designer.sum.post', { name: names.post.get(r.post) ?? t('flow.unknownName') });
    case 'supervisor':
      return r.levels <= 1
        ? t('designer.sum.supervisor')
        : t('designer.sum.supervisors', { n: r.levels });
    case 'department_head':
      return r.department?.from === 'form_field'
        ? t('designer.sum.headOfField', { field: fieldLabel(fields, r.department.field) })
        : t('designer.rule.department_head');
    case 'department_members':
      return t(r.include_sub ? 'designer.sum.membersSub' : 'designer.sum.members', {
        name: names.department.get(r.department) ?? t('flow.unknownName'),
      });
    case 'form_user_field':
      return t('designer.sum.userField', { field: fieldLabel(fields, r.field) });
    default:
      return t(`designer.rule.${r.type}` as MessageKey);
  }
}

/** A time limit in words: 3 个工作日, 4 小时. */
export const limitText = (l: TimeLimit, t: TFunction): string =>
  t(`designer.limit.${l.unit}` as MessageKey, { n: l.amount });

/** The lines of a user node's card: who, how, how long. */
export function nodeSummary(
  n: UserTreeNode,
  t: TFunction,
  names: Names,
  fields: readonly Field[],
): { who: string | null; how: string[] } {
  const rules = n.participants ?? [];
  const who = rules.length ? rules.map((r) => ruleSummary(r, t, names, fields)).join('；') : null;
  const how: string[] = [];
  if (n.type !== 'cc' && n.mode && n.mode.type !== 'single')
    how.push(
      n.mode.type === 'ratio'
        ? t('designer.mode.ratioOf', { percent: n.mode.percent })
        : t(`designer.mode.${n.mode.type}` as MessageKey),
    );
  if (n.time_limit) how.push(t('designer.sum.limit', { limit: limitText(n.time_limit, t) }));
  return { who, how };
}
