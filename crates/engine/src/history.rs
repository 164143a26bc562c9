//! What the engine tells the server: effects to carry out and history to append.

use crate::ids::{CcId, NodeId, TaskId, TimerId, Timestamp, TokenId, UserId};
use crate::state::Status;
use serde::{Deserialize, Serialize};

/// An append-only history record: who did what, for whom, when, with which stance and opinion.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct HistoryEvent {
    /// When.
    pub at: Timestamp,
    /// Who; `None` for the engine itself (auto-pass, timers).
    pub actor: Option<UserId>,
    /// The user the actor stood in for (代 X 办理).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting_for: Option<UserId>,
    /// What happened.
    pub action: HistoryAction,
    /// The stance taken, for decisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stance: Option<Stance>,
    /// The opinion or reason written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opinion: Option<String>,
    /// The node acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NodeId>,
    /// Where the flow went.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<NodeId>,
    /// The task acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskId>,
    /// Other users involved (transferee, added signers, cc recipients …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserId>,
}

/// The stance of a decision (R5).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// 同意
    Agree,
    /// 不同意
    Disagree,
    /// 已阅
    Read,
}

/// Kinds of history records.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryAction {
    /// The instance started.
    Started,
    /// A decision (see the stance).
    Decided,
    /// The node passed without anyone acting (empty, initiator or repeat policy).
    AutoPassed,
    /// 退回
    SentBack,
    /// The initiator resubmitted.
    Resubmitted,
    /// 转办
    Transferred,
    /// 委派
    Delegated,
    /// The delegate returned the task to its owner.
    DelegationReturned,
    /// 加签
    SignersAdded,
    /// 减签
    SignersRemoved,
    /// 撤回
    Withdrawn,
    /// 撤销
    Cancelled,
    /// 催办
    Urged,
    /// 抄送
    CarbonCopied,
    /// 待阅 → 已阅
    CcRead,
    /// 暂存待办
    KeptPending,
    /// 延期
    Extended,
    /// 换人 by the supervisor
    HandlerReplaced,
    /// The task went to the stand-in of its assignee, who is away (委托, 代 X 办理): `users`
    /// holds the stand-in, `acting_for` the assignee.
    StoodIn,
    /// The whole flow passed its due time (办结时限).
    FlowOverdue,
    /// A boundary timer fired.
    TimerFired,
    /// A task passed its due time (超期); the node's overdue policy was applied.
    Overdue,
    /// An overdue task moved to the assignee's supervisor (超期上报).
    Escalated,
    /// A called sub-flow finished.
    SubFlowFinished,
    /// The instance finished (see the effects for the outcome).
    Finished,
}

/// Something the server must do in the same transaction as storing the new state.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// Show a task in someone's inbox.
    TaskOpened {
        /// Task.
        task: TaskId,
        /// Node.
        node: NodeId,
        /// Who.
        assignee: UserId,
        /// Due time.
        due: Option<Timestamp>,
    },
    /// Take a task out of the inbox.
    TaskClosed {
        /// Task.
        task: TaskId,
        /// Why.
        reason: CloseReason,
    },
    /// A task's due time changed (延期).
    TaskDueChanged {
        /// Task.
        task: TaskId,
        /// New due time.
        due: Timestamp,
    },
    /// Tell someone.
    Notify {
        /// Who.
        user: UserId,
        /// Why.
        reason: NotifyReason,
        /// The task concerned.
        task: Option<TaskId>,
    },
    /// A carbon copy landed in someone's 待阅 list.
    CcSent {
        /// Cc item.
        cc: CcId,
        /// Who.
        user: UserId,
        /// From which node.
        node: NodeId,
    },
    /// The whole flow is due at this time (办结时限); the server sends `Action::FlowOverdue` then.
    FlowDue {
        /// When.
        due: Timestamp,
    },
    /// Schedule a timer; the server sends `Action::FireTimer` when it is due.
    TimerSet {
        /// Timer.
        timer: TimerId,
        /// When.
        at: Timestamp,
    },
    /// Forget a timer.
    TimerCancelled {
        /// Timer.
        timer: TimerId,
    },
    /// Allocate the instance's serial number (流水号); emitted exactly once, at start.
    SerialNumberRequested,
    /// Start an instance of another template; report its end with `Action::SubFlowFinished`.
    SubFlowRequested {
        /// The waiting token.
        token: TokenId,
        /// The called template.
        called: String,
    },
    /// The instance finished.
    Finished {
        /// How.
        status: Status,
    },
}

/// Why a task left the inbox.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// Its assignee acted.
    Completed,
    /// The flow moved on without it (send-back, 或签, cancel, removal).
    Cancelled,
    /// Handed to someone else (transfer, delegate, replace).
    Reassigned,
    /// Queued behind signers added before it (前加签); it reopens later.
    Deferred,
}

/// Why someone is told.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyReason {
    /// 催办
    Urged,
    /// A boundary timer reminds.
    Reminder,
    /// The instance was sent back to them.
    SentBack,
    /// The instance finished.
    Finished,
    /// A carbon copy.
    CarbonCopy,
    /// A task passed its due time (to its assignee, or the supervisor by policy).
    Overdue,
    /// Their task was handed to someone else by the supervisor (换人), or they received it.
    Replaced,
    /// A task of someone away reached them as the stand-in (委托), or theirs went to one.
    StoodIn,
    /// The whole flow passed its due time (to the initiator, the supervisor and the handlers).
    FlowOverdue,
}

/// Everything one command produced.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct Effects {
    /// Effects to carry out.
    pub effects: Vec<Effect>,
    /// History to append.
    pub history: Vec<HistoryEvent>,
}
