//! An instance's state: small, serde-serialisable, stored by the server between commands.

use crate::ids::{CcId, DeptId, FrameId, NodeId, TaskId, TimerId, Timestamp, TokenId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Form data, shared cheaply between state versions (copied only when a command changes it).
pub type Form = Arc<serde_json::Map<String, serde_json::Value>>;

/// Where an instance stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Work is under way (possibly back with the initiator after a send-back).
    Running,
    /// Reached its end: approved.
    Approved,
    /// Rejected by a disagreement.
    Rejected,
    /// Cancelled (撤销) by the initiator.
    Cancelled,
}

/// Facts about the initiator that conditions may read (`initiator.department` …), fixed at start.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, Default)]
pub struct InitiatorFacts {
    /// Their department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<DeptId>,
    /// Their post (岗位).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post: Option<String>,
    /// Their rank (职级), higher is more senior.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<i64>,
}

/// The state of one flow instance.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct InstanceState {
    /// Where it stands.
    pub status: Status,
    /// Who started it.
    pub initiator: UserId,
    /// Facts about the initiator.
    #[serde(default)]
    pub initiator_facts: InitiatorFacts,
    /// Form data.
    pub form: Form,
    /// Users the initiator chose per node key (自选审批人).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub chosen: BTreeMap<String, Vec<UserId>>,
    /// Running points of the flow.
    pub tokens: Vec<Token>,
    /// Open activations of parallel/inclusive splits and sub-processes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frames: Vec<Frame>,
    /// Open and queued tasks (finished ones live only in history).
    pub tasks: Vec<Task>,
    /// Pending timers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timers: Vec<Timer>,
    /// Carbon copies not yet read (待阅).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<CcItem>,
    /// Approve/handle nodes passed, oldest first, each once: the send-back targets.
    #[serde(default)]
    pub passed: Vec<NodeId>,
    /// Who acted on the node passed last (for the repeat policy).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub last_actors: Vec<UserId>,
    /// Stances taken so far: (someone agreed, someone disagreed).
    #[serde(default)]
    pub stances: (bool, bool),
    /// The node that sent the instance back to the initiator, when resubmission jumps back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned_from: Option<NodeId>,
    /// Someone acted since the initiator (re)submitted: withdrawal is no longer possible.
    #[serde(default)]
    pub acted: bool,
    /// Who urged last and when (催办 is limited to once an hour per person).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urged: Vec<(UserId, Timestamp)>,
    /// When the whole flow is due (办结时限), if its template sets a limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Timestamp>,
    /// The whole-flow due time passed and was handled.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overdue: bool,
    /// Next id for tasks, tokens, frames, timers and cc items: never reused.
    pub next_id: u32,
}

/// One running point of the flow, waiting at a node.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Token {
    /// Id.
    pub id: TokenId,
    /// Where it waits.
    pub node: NodeId,
    /// The innermost section activation it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<FrameId>,
    /// Its branch within that activation.
    #[serde(default)]
    pub branch: u16,
    /// Signers on the node (for 会签 and vote counting).
    #[serde(default)]
    pub total: u16,
    /// Signers who agreed (or read).
    #[serde(default)]
    pub agreed: u16,
    /// Signers who disagreed.
    #[serde(default)]
    pub disagreed: u16,
    /// Who acted on the node so far.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<UserId>,
}

/// One activation of a split (or sub-process): joins count arrivals here, so a section entered
/// again after a send-back gets a fresh frame and never mixes with the old one.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Frame {
    /// Id.
    pub id: FrameId,
    /// The split or sub-process node.
    pub split: NodeId,
    /// The enclosing activation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<FrameId>,
    /// The branch of the enclosing activation.
    #[serde(default)]
    pub parent_branch: u16,
    /// Branches started.
    pub expected: u16,
    /// Branches arrived at the join.
    pub arrived: u16,
}

/// Whether a task can be acted on now.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Waiting for its assignee.
    Open,
    /// Waiting for earlier signers in its lane (依次, 加签).
    Queued,
}

/// A person's piece of work on a node.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Task {
    /// Id.
    pub id: TaskId,
    /// The token it belongs to.
    pub token: TokenId,
    /// Its node.
    pub node: NodeId,
    /// Who must act.
    pub assignee: UserId,
    /// Open or queued.
    pub state: TaskState,
    /// Signers in one lane act one after another; lanes run side by side.
    #[serde(default)]
    pub lane: u16,
    /// Order within the lane.
    #[serde(default)]
    pub seq: u32,
    /// When it is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Timestamp>,
    /// Set when delegated (委派): the owner it returns to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegated_by: Option<UserId>,
    /// Whose task this is when a stand-in holds it (out-of-office delegation, 委托): the
    /// assignee acts "代 X 办理" and the history names X.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<UserId>,
    /// Kept pending (暂存待办) with a reason and a promised date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
    /// An extension (延期) was granted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub extended: bool,
    /// Its overdue handling ran for the current due time (cleared when the due time moves).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overdue: bool,
}

/// Why and until when a task is kept pending.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Pending {
    /// The handler's reason.
    pub reason: String,
    /// The promised completion date.
    pub promised: Timestamp,
}

/// A timer waiting to fire.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Timer {
    /// Id.
    pub id: TimerId,
    /// The boundary timer node.
    pub boundary: NodeId,
    /// The token at the watched task.
    pub token: TokenId,
    /// When it fires.
    pub at: Timestamp,
}

/// An unread carbon copy.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct CcItem {
    /// Id.
    pub id: CcId,
    /// The node that sent it.
    pub node: NodeId,
    /// Who it is for.
    pub user: UserId,
}

impl InstanceState {
    /// Whether the instance has finished, one way or another.
    pub fn is_finished(&self) -> bool {
        self.status != Status::Running
    }

    /// Open tasks (queued ones excluded).
    pub fn open_tasks(&self) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(|t| t.state == TaskState::Open)
    }

    /// The open tasks of one user.
    pub fn tasks_of<'a>(&'a self, user: &'a UserId) -> impl Iterator<Item = &'a Task> {
        self.open_tasks().filter(move |t| &t.assignee == user)
    }

    pub(crate) fn fresh_id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    pub(crate) fn frame(&self, id: FrameId) -> Option<&Frame> {
        self.frames.iter().find(|f| f.id == id)
    }

    /// The (frame, branch) chain of a position, innermost first.
    pub(crate) fn chain(&self, frame: Option<FrameId>, branch: u16) -> Vec<(FrameId, u16)> {
        let mut out = Vec::new();
        let (mut f, mut b) = (frame, branch);
        while let Some(id) = f {
            out.push((id, b));
            match self.frame(id) {
                Some(fr) => (f, b) = (fr.parent, fr.parent_branch),
                None => break,
            }
        }
        out
    }

    /// Whether a position lies inside the region `(frame, branch)` (or anywhere, for `None`).
    pub(crate) fn within(
        &self,
        frame: Option<FrameId>,
        branch: u16,
        region: Option<(FrameId, u16)>,
    ) -> bool {
        let Some(region) = region else { return true };
        let (mut f, mut b) = (frame, branch);
        while let Some(id) = f {
            if (id, b) == region {
                return true;
            }
            match self.frame(id) {
                Some(fr) => (f, b) = (fr.parent, fr.parent_branch),
                None => return false,
            }
        }
        false
    }

    /// Whether a position lies inside activation `frame`, any branch.
    pub(crate) fn inside_frame(&self, mut f: Option<FrameId>, target: FrameId) -> bool {
        while let Some(id) = f {
            if id == target {
                return true;
            }
            f = self.frame(id).and_then(|fr| fr.parent);
        }
        false
    }
}
