//! Why a command was refused: one variant per reason, each with a stable machine code.

use crate::model::TaskAction;

/// A refused command. Nothing changed; `code()` is stable for the API and the UI.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum Refusal {
    /// The instance has finished.
    #[error("the instance is not running")]
    InstanceNotRunning,
    /// No such task in this instance.
    #[error("no such task")]
    TaskNotFound,
    /// The task exists but is waiting for earlier signers.
    #[error("the task is not open yet")]
    TaskNotOpen,
    /// The actor is not the task's assignee.
    #[error("only the task's assignee may act on it")]
    NotAssignee,
    /// The node does not allow this action.
    #[error("this node does not allow {0:?}")]
    ActionNotAllowed(TaskAction),
    /// A written opinion is required (send-back, disagree, keep pending …).
    #[error("a written reason is required")]
    ReasonRequired,
    /// The node asks for a stance: 同意 or 不同意; 已阅 needs a written reason.
    #[error("this node asks for a stance: agree or disagree, or write why you only read it")]
    StanceRequired,
    /// 已阅 alone is allowed only on the last node, inform-only nodes and for relay countersigners.
    #[error(
        "read alone is only allowed on the last node, inform-only nodes or for relay countersigners; write a reason"
    )]
    ReadNeedsReason,
    /// A superior approving a subordinate's flow must take a stance.
    #[error("a superior approving a subordinate's flow must agree or disagree")]
    SuperiorMustTakeStance,
    /// The flow carries two different stances: say exactly what you agree or disagree with.
    #[error(
        "the flow already carries different stances: write what exactly you agree or disagree with"
    )]
    OpinionMustBeSpecific,
    /// Only the initiator may do this.
    #[error("only the initiator may do this")]
    NotInitiator,
    /// The next node has already acted: too late to withdraw.
    #[error("someone has already acted; the instance can no longer be withdrawn")]
    AlreadyActed,
    /// The send-back target is not a node already passed on this path.
    #[error("not a node already passed on this path")]
    InvalidSendBackTarget,
    /// A node resolved to nobody and its policy refuses.
    #[error(
        "node `{0}` has no participants; ask the administrator to fix the flow or the organisation"
    )]
    NoParticipants(String),
    /// Only the template's supervisor (or the administrator) may do this.
    #[error("only the template's supervisor may do this")]
    NotSupervisor,
    /// Only the initiator or the supervisor may urge.
    #[error("only the initiator or the supervisor may urge")]
    NotInitiatorOrSupervisor,
    /// A user named is not a signer who still has to act.
    #[error("`{0}` is not a signer who still has to act")]
    NotPendingSigner(String),
    /// A user named already signs on this node.
    #[error("`{0}` already signs on this node")]
    AlreadySigner(String),
    /// The actor cannot remove their own task.
    #[error("you cannot remove yourself")]
    CannotRemoveSelf,
    /// No users were named.
    #[error("name at least one user")]
    NoUsers,
    /// A delegated task can only be returned to its owner.
    #[error("a delegated task can only be returned to its owner")]
    DelegatedTask,
    /// The task was not delegated.
    #[error("the task was not delegated")]
    NotDelegated,
    /// The promised date is not in the future.
    #[error("the promised date must be in the future")]
    PromiseInPast,
    /// Extensions are one or two working days (R5).
    #[error("an extension is one or two working days")]
    ExtensionTooLong,
    /// The task was already extended once.
    #[error("the task was already extended")]
    AlreadyExtended,
    /// No such timer.
    #[error("no such timer")]
    TimerNotFound,
    /// No such token waiting for a sub-flow.
    #[error("no sub-flow is awaited there")]
    TokenNotFound,
    /// No such unread carbon copy for this user.
    #[error("no such unread carbon copy")]
    CcNotFound,
    /// Conditions looped without reaching a task.
    #[error("the flow loops at `{0}` without reaching a task")]
    RunawayLoop(String),
    /// The task is the initiator's resubmission; use resubmit, withdraw or cancel.
    #[error("this is the initiator's resubmission task")]
    ResubmitTask,
    /// Resubmit was sent for a task that is not a resubmission.
    #[error("the task is not a resubmission")]
    NotResubmitTask,
    /// The new assignee is the current one.
    #[error("the task is already theirs")]
    SameAssignee,
    /// The same person urged this instance less than an hour ago.
    #[error("urged less than an hour ago; urge again later")]
    UrgedRecently,
    /// The task is not past its due time (it may have been extended or kept pending).
    #[error("the task is not overdue")]
    NotOverdue,
    /// The task's overdue handling already ran for its current due time.
    #[error("the task was already handled as overdue")]
    AlreadyOverdue,
    /// The task's assignee has no stand-in now, or the task is already held for someone.
    #[error("nobody stands in for this task's assignee")]
    NoStandIn,
}

impl Refusal {
    /// The stable machine code (for the API's error `code`).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::InstanceNotRunning => "instance_not_running",
            Refusal::TaskNotFound => "task_not_found",
            Refusal::TaskNotOpen => "task_not_open",
            Refusal::NotAssignee => "not_assignee",
            Refusal::ActionNotAllowed(_) => "action_not_allowed",
            Refusal::ReasonRequired => "opinion_required",
            Refusal::StanceRequired => "stance_required",
            Refusal::ReadNeedsReason => "read_needs_reason",
            Refusal::SuperiorMustTakeStance => "superior_must_take_stance",
            Refusal::OpinionMustBeSpecific => "opinion_must_be_specific",
            Refusal::NotInitiator => "not_initiator",
            Refusal::AlreadyActed => "already_acted",
            Refusal::InvalidSendBackTarget => "invalid_send_back_target",
            Refusal::NoParticipants(_) => "no_participants",
            Refusal::NotSupervisor => "not_supervisor",
            Refusal::NotInitiatorOrSupervisor => "not_initiator_or_supervisor",
            Refusal::NotPendingSigner(_) => "not_pending_signer",
            Refusal::AlreadySigner(_) => "already_signer",
            Refusal::CannotRemoveSelf => "cannot_remove_self",
            Refusal::NoUsers => "no_users",
            Refusal::DelegatedTask => "delegated_task",
            Refusal::NotDelegated => "not_delegated",
            Refusal::NoStandIn => "no_stand_in",
            Refusal::PromiseInPast => "promise_in_past",
            Refusal::ExtensionTooLong => "extension_too_long",
            Refusal::AlreadyExtended => "already_extended",
            Refusal::TimerNotFound => "timer_not_found",
            Refusal::TokenNotFound => "token_not_found",
            Refusal::CcNotFound => "cc_not_found",
            Refusal::RunawayLoop(_) => "runaway_loop",
            Refusal::ResubmitTask => "resubmit_task",
            Refusal::NotResubmitTask => "not_resubmit_task",
            Refusal::SameAssignee => "same_assignee",
            Refusal::UrgedRecently => "urged_recently",
            Refusal::NotOverdue => "not_overdue",
            Refusal::AlreadyOverdue => "already_overdue",
        }
    }
}
