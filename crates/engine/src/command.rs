//! Commands: everything a person (or the server's timers) can ask of an instance.

use crate::calendar::WorkCalendar;
use crate::ids::{CcId, TaskId, TimerId, Timestamp, TokenId, UserId};
use crate::participants::OrgDirectory;
use crate::state::InitiatorFacts;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Form fields as JSON.
pub type FormData = serde_json::Map<String, serde_json::Value>;

/// A request to start an instance.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StartRequest {
    /// Who starts it.
    pub initiator: UserId,
    /// Facts about them conditions may read.
    #[serde(default)]
    pub initiator_facts: InitiatorFacts,
    /// The form.
    #[serde(default)]
    pub form: FormData,
    /// Approvers the initiator chose, per node key.
    #[serde(default)]
    pub chosen: BTreeMap<String, Vec<UserId>>,
}

/// A command: who asks, for whom, and what.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Command {
    /// The person acting.
    pub actor: UserId,
    /// The person they stand in for (out-of-office delegation, 代 X 办理), checked by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting_for: Option<UserId>,
    /// What they ask.
    pub action: Action,
}

/// Where a send-back goes.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum SendBackTarget {
    /// To the initiator, who may resubmit.
    Initiator,
    /// To the node passed just before this one.
    Previous,
    /// To any node already passed, by key.
    Node {
        /// Its key.
        key: String,
    },
}

/// Where added signers go (加签).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignerPosition {
    /// They sign before the actor, who signs after them (前加签).
    Before,
    /// They sign after the actor (后加签).
    After,
    /// They sign alongside (并加签).
    Parallel,
}

/// The actions.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// 同意, optionally saving form fields.
    Agree {
        /// Task.
        task: TaskId,
        /// Opinion.
        #[serde(default)]
        opinion: String,
        /// Form fields to save.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        form: Option<FormData>,
    },
    /// 不同意 (reason required).
    Disagree {
        /// Task.
        task: TaskId,
        /// Reason.
        opinion: String,
    },
    /// 已阅.
    Read {
        /// Task.
        task: TaskId,
        /// Opinion (the reason for not taking a stance, where one is required).
        #[serde(default)]
        opinion: String,
    },
    /// 退回.
    SendBack {
        /// Task.
        task: TaskId,
        /// Where to.
        target: SendBackTarget,
        /// Why.
        opinion: String,
    },
    /// The initiator resubmits after a send-back or withdrawal.
    Resubmit {
        /// The initiator's resubmit task.
        task: TaskId,
        /// Corrected form fields.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        form: Option<FormData>,
    },
    /// 转办: someone else takes the task over.
    Transfer {
        /// Task.
        task: TaskId,
        /// New assignee.
        to: UserId,
        /// Note.
        #[serde(default)]
        opinion: String,
    },
    /// 委派: someone else works on it and returns it.
    Delegate {
        /// Task.
        task: TaskId,
        /// Delegate.
        to: UserId,
        /// Note.
        #[serde(default)]
        opinion: String,
    },
    /// The delegate returns the task to its owner.
    ReturnDelegation {
        /// Task.
        task: TaskId,
        /// The delegate's opinion.
        #[serde(default)]
        opinion: String,
    },
    /// 加签.
    AddSigners {
        /// Task.
        task: TaskId,
        /// Who.
        users: Vec<UserId>,
        /// Where.
        position: SignerPosition,
    },
    /// 减签: remove signers who have not acted.
    RemoveSigners {
        /// Task.
        task: TaskId,
        /// Who.
        users: Vec<UserId>,
    },
    /// 撤回 by the initiator while nobody has acted.
    Withdraw {
        /// Why.
        #[serde(default)]
        reason: String,
    },
    /// 撤销 by the initiator: the instance ends.
    Cancel {
        /// Why.
        #[serde(default)]
        reason: String,
    },
    /// 催办 by the initiator or the supervisor.
    Urge {
        /// One task, or every open task.
        #[serde(default)]
        task: Option<TaskId>,
        /// Message.
        #[serde(default)]
        message: String,
    },
    /// 抄送 from a task.
    Cc {
        /// Task.
        task: TaskId,
        /// Who.
        users: Vec<UserId>,
    },
    /// Mark a carbon copy read (待阅 → 已阅).
    MarkRead {
        /// The cc item.
        cc: CcId,
    },
    /// 暂存待办 with a reason and a promised date.
    KeepPending {
        /// Task.
        task: TaskId,
        /// Why.
        reason: String,
        /// Promised completion.
        promised: Timestamp,
    },
    /// 延期 by one or two working days (R5).
    RequestExtension {
        /// Task.
        task: TaskId,
        /// Working days, 1 or 2.
        days: u8,
        /// Why.
        reason: String,
    },
    /// 换人 by the template's supervisor.
    ReplaceHandler {
        /// Task.
        task: TaskId,
        /// New handler.
        to: UserId,
        /// Why.
        #[serde(default)]
        reason: String,
    },
    /// A task's due time passed (sent by the server's job runner): the node's overdue policy
    /// applies once per due time.
    Overdue {
        /// Task.
        task: TaskId,
    },
    /// The whole flow's due time passed (sent by the server's job runner): recorded once, and
    /// the initiator, the supervisor and the current handlers are told.
    FlowOverdue,
    /// Hands a task of someone away to their stand-in (委托; sent by the server when a
    /// delegation that moves open tasks starts).
    HandToStandIn {
        /// Task.
        task: TaskId,
    },
    /// A timer is due (sent by the server's job runner).
    FireTimer {
        /// Timer.
        timer: TimerId,
    },
    /// A called sub-flow finished.
    SubFlowFinished {
        /// The waiting token.
        token: TokenId,
        /// Whether it was approved.
        approved: bool,
    },
}

/// What the engine needs from the world, resolved by the server before calling it.
pub struct Facts<'a> {
    /// Now.
    pub now: Timestamp,
    /// The organisation.
    pub org: &'a dyn OrgDirectory,
    /// The tenant's working calendar.
    pub calendar: &'a dyn WorkCalendar,
    /// The administrator, who takes nodes nobody else resolves to.
    pub admin: &'a UserId,
    /// The template's supervisor (督办者), if named.
    pub supervisor: Option<&'a UserId>,
}
