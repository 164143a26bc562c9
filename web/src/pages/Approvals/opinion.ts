/**
 * The opinion rules of REQUIREMENTS R5 (签批表态) and the engine's other input checks, mirrored
 * from `crates/engine/src/opinion.rs` (and `actions/*.rs`) so a dialog says what is wrong before
 * sending. The server checks again; the codes are the engine's `Refusal::code()` values.
 */
import type { MessageKey } from '../../locales/zh-CN';
import type { GraphNode } from './graph';
import type { HistoryView, TaskAction } from './services';

export type Stance = 'agree' | 'disagree' | 'read';

/** Refusals a dialog can foresee, by the engine's code. */
export type Refusal =
  | 'opinion_required'
  | 'stance_required'
  | 'read_needs_reason'
  | 'superior_must_take_stance'
  | 'opinion_must_be_specific'
  | 'promise_in_past'
  | 'extension_too_long'
  | 'no_users'
  | 'too_many_users'
  | 'cannot_remove_self'
  | 'same_assignee';

/** Each refusal's message key (the server's wording: 操作未被允许：… / Not allowed: …). */
export const REFUSAL_MESSAGE: Record<Refusal, MessageKey> = {
  opinion_required: 'approval.refusal.opinion_required',
  stance_required: 'approval.refusal.stance_required',
  read_needs_reason: 'approval.refusal.read_needs_reason',
  superior_must_take_stance: 'approval.refusal.superior_must_take_stance',
  opinion_must_be_specific: 'approval.refusal.opinion_must_be_specific',
  promise_in_past: 'approval.refusal.promise_in_past',
  extension_too_long: 'approval.refusal.extension_too_long',
  no_users: 'approval.refusal.no_users',
  too_many_users: 'approval.refusal.too_many_users',
  cannot_remove_self: 'approval.refusal.cannot_remove_self',
  same_assignee: 'approval.refusal.same_assignee',
};

/** Words that take a stance without saying what it is about (the engine's `BARE_WORDS`). */
const BARE_WORDS = ['同意', '不同意', '已阅', 'agree', 'disagree', 'read', 'ok', 'yes', 'no'];

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** Pure: whether an opinion says something beyond a bare stance (the engine's `is_specific`). */
export function isSpecific(text: string): boolean {
  const stripped = text
    .replace(ASCII_PUNCTUATION, '')
    .replace(/[。，！、]/g, '')
    .trim()
    .toLowerCase();
  return Array.from(stripped).length >= 4 && !BARE_WORDS.includes(stripped);
}

/** Pure: the flow already carries both 同意 and 不同意 (later countersigners must be specific). */
export function carriesBothStances(history: readonly Pick<HistoryView, 'stance'>[]): boolean {
  return history.some((h) => h.stance === 'agree') && history.some((h) => h.stance === 'disagree');
}

/** What the rules need to know about a decision. */
export interface DecisionContext {
  node: Pick<GraphNode, 'mode' | 'actions' | 'opinion'>;
  /** No approve/handle node can follow this one (`isLastNode`). */
  isLast: boolean;
  /** The actor is up the initiator's supervisor chain. */
  isSuperior: boolean;
  /** The flow already carries both 同意 and 不同意. */
  bothStances: boolean;
}

const COUNTERSIGN = new Set(['all', 'ratio', 'sequential']);

/** Pure: 已阅 without a written reason is allowed here (R5 A, B, C), superiors aside. */
export function readAloneAllowed(ctx: DecisionContext): boolean {
  const { node } = ctx;
  if (node.opinion.stance_required && !node.opinion.relay) return false;
  const last = ctx.isLast && !node.actions.includes('add_signers');
  return last || node.opinion.inform_only || node.opinion.relay;
}

/** Pure: whether this stance needs a written opinion here (to mark the field required). */
export function opinionRequired(stance: Stance, ctx: DecisionContext): boolean {
  if (stance === 'disagree') return true;
  if (stance === 'read' && !readAloneAllowed(ctx)) return true;
  return COUNTERSIGN.has(ctx.node.mode) && ctx.bothStances;
}

/** Pure: R5 for one decision, in the engine's order; `null` when it may be sent. */
export function checkOpinion(
  stance: Stance,
  opinion: string,
  ctx: DecisionContext,
): Refusal | null {
  const written = opinion.trim();
  if (stance === 'disagree' && written === '') return 'opinion_required';
  if (stance === 'read') {
    if (ctx.isSuperior) return 'superior_must_take_stance';
    if (written === '') {
      const { node } = ctx;
      const last = ctx.isLast && !node.actions.includes('add_signers');
      const aloneOk = last || node.opinion.inform_only || node.opinion.relay;
      if (node.opinion.stance_required && !node.opinion.relay) return 'stance_required';
      if (!aloneOk) return 'read_needs_reason';
    }
  }
  if (COUNTERSIGN.has(ctx.node.mode) && ctx.bothStances && !isSpecific(written))
    return 'opinion_must_be_specific';
  return null;
}

/** What the other checks need: who acts, and now (ms since the epoch). */
export interface ActionContext {
  decision: DecisionContext;
  me: string;
  now: number;
}

const usersProblem = (users: readonly string[]): Refusal | null => {
  if (users.length === 0) return 'no_users';
  if (users.length > 50) return 'too_many_users';
  return null;
};

/** Pure: the engine's (and the server's) checks of a task action; `null` when it may be sent. */
export function validateTaskAction(a: TaskAction, ctx: ActionContext): Refusal | null {
  switch (a.action) {
    case 'agree':
    case 'disagree':
    case 'read':
      return checkOpinion(a.action, a.opinion ?? '', ctx.decision);
    case 'send_back':
      return a.opinion.trim() === '' ? 'opinion_required' : null;
    case 'transfer':
    case 'delegate':
      return a.to === ctx.me ? 'same_assignee' : null;
    case 'add_signers':
    case 'cc':
      return usersProblem(a.users);
    case 'remove_signers':
      return usersProblem(a.users) ?? (a.users.includes(ctx.me) ? 'cannot_remove_self' : null);
    case 'keep_pending':
      if (a.reason.trim() === '') return 'opinion_required';
      return new Date(a.promised).getTime() <= ctx.now ? 'promise_in_past' : null;
    case 'request_extension':
      if (a.days < 1 || a.days > 2) return 'extension_too_long';
      return a.reason.trim() === '' ? 'opinion_required' : null;
    default:
      return null;
  }
}
