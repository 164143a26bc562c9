//! The process model: a definition is a directed graph of nodes joined by edges.

use crate::calendar::TimeLimit;
use crate::ids::NodeId;
use crate::participants::ParticipantRule;
use serde::{Deserialize, Serialize};

/// A flow template's graph as authored: plain data, compared and serialised as is.
/// `FlowDefinition::new` validates it and prepares it for running.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, Default)]
pub struct FlowGraph {
    /// Stable key of the template (BPMN process id).
    pub key: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Form fields conditions may read; empty means "not declared, not checked".
    #[serde(default)]
    pub fields: Vec<String>,
    /// Where a resubmission after a send-back to the initiator goes.
    #[serde(default)]
    pub resubmit: Resubmit,
    /// Time limit for the whole flow (办结时限), from its start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<TimeLimit>,
    /// Nodes; a `NodeId` is an index here.
    pub nodes: Vec<Node>,
    /// Edges; among a node's outgoing edges, earlier ones have priority.
    pub edges: Vec<Edge>,
}

/// Where the initiator's resubmission after a send-back goes (per template).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Resubmit {
    /// Walk the flow again from the start.
    #[default]
    FromStart,
    /// Jump straight back to the node that sent it back.
    ToSender,
}

/// A node of the graph.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Node {
    /// Stable key (BPMN element id), unique in the graph.
    pub key: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// The embedded sub-process this node lives in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<NodeId>,
    /// What the node does.
    pub kind: NodeKind,
    /// Diagram position, kept from imported BPMN; generated on export when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<Bounds>,
}

/// A diagram rectangle.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
pub struct Bounds {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// The kinds of node.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NodeKind {
    /// Where the flow starts; also where the initiator resubmits after a send-back.
    Start,
    /// Where a path ends.
    End,
    /// An approval (审批): participants take a stance.
    Approve(UserNode),
    /// A handling step (办理): participants do the work and pass it on.
    Handle(UserNode),
    /// A carbon copy (抄送): notifies, never blocks.
    Cc(UserNode),
    /// Exclusive branch (条件分支): first true condition by priority, else the default edge.
    Exclusive,
    /// Parallel split and/or join.
    Parallel,
    /// Inclusive split (every true condition, else the default) and/or join.
    Inclusive,
    /// An embedded sub-process; its nodes name it as `parent`.
    SubProcess,
    /// A call of another flow template (sub-flow); the server starts it and reports its end.
    CallActivity {
        /// The called template's key.
        called: String,
    },
    /// A timer on the boundary of a task: after the limit it leaves (interrupting) or reminds.
    TimerBoundary {
        /// The task node it watches.
        attached_to: NodeId,
        /// When it fires, counted from the task's start.
        after: TimeLimit,
        /// Whether firing ends the task and leaves by the timer's edge.
        interrupting: bool,
    },
}

/// An edge between two nodes.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Edge {
    /// Stable key (BPMN sequenceFlow id).
    pub key: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Source node.
    pub from: NodeId,
    /// Target node.
    pub to: NodeId,
    /// Condition in the expression language (on exclusive/inclusive split edges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The default edge of a split, taken when no condition holds.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_default: bool,
}

/// How a user node's participants decide.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Mode {
    /// One person (the first resolved).
    #[default]
    Single,
    /// One after another (依次审批).
    Sequential,
    /// Everyone must agree (会签).
    All,
    /// The first one decides (或签).
    Any,
    /// Passes once this percentage agrees (票签).
    Ratio {
        /// Percentage 1..=100.
        percent: u8,
    },
}

/// What happens when a node's participants resolve to nobody.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum EmptyPolicy {
    /// Pass the node automatically.
    #[default]
    AutoPass,
    /// Give it to the administrator.
    ToAdmin,
    /// Refuse (to start) with a clear message.
    Refuse,
}

/// What happens when the initiator is among a node's approvers.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum InitiatorPolicy {
    /// The initiator approves like anyone else.
    #[default]
    Approve,
    /// The initiator's approval is taken as given.
    AutoPass,
    /// The initiator's direct supervisor approves instead.
    ToSupervisor,
}

/// What happens when the same person acted on the previous node.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RepeatPolicy {
    /// They approve again.
    #[default]
    Approve,
    /// Their earlier approval counts.
    AutoPass,
}

/// What a disagreement (不同意) does on this node.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DisagreeOutcome {
    /// The instance is rejected and ends.
    #[default]
    Reject,
    /// The instance returns to the initiator.
    ReturnToInitiator,
    /// The stance is recorded and the flow continues.
    Continue,
}

/// What happens when a task of this node passes its due time (R5 超期).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OverduePolicy {
    /// The assignee is told.
    #[default]
    Notify,
    /// The assignee and the template's supervisor (督办者) are told.
    NotifySupervisor,
    /// The system agrees on the assignee's behalf (超时自动同意).
    AutoAgree,
    /// The task moves to the assignee's direct supervisor with a fresh time limit; without a
    /// supervisor, the template's supervisor is told instead.
    Escalate,
}

/// The opinion rules of REQUIREMENTS R5 a node enforces.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, Default)]
pub struct OpinionPolicy {
    /// Participants must take a stance (同意/不同意); 已阅 needs a written reason.
    #[serde(default)]
    pub stance_required: bool,
    /// Later nodes only need to be informed (R5 case B): 已阅 alone is fine.
    #[serde(default)]
    pub inform_only: bool,
    /// Participants are relay countersigners (R5 case C): 已阅 alone is fine.
    #[serde(default)]
    pub relay: bool,
}

/// The actions a task may take; each node allows a set of them.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum TaskAction {
    /// 同意
    Agree,
    /// 不同意
    Disagree,
    /// 已阅
    Read,
    /// 退回
    SendBack,
    /// 转办
    Transfer,
    /// 委派
    Delegate,
    /// 加签
    AddSigners,
    /// 减签
    RemoveSigners,
    /// 暂存待办
    KeepPending,
    /// 延期
    RequestExtension,
    /// 抄送
    Cc,
}

impl TaskAction {
    /// Every action, in a stable order.
    pub const ALL: [TaskAction; 11] = [
        TaskAction::Agree,
        TaskAction::Disagree,
        TaskAction::Read,
        TaskAction::SendBack,
        TaskAction::Transfer,
        TaskAction::Delegate,
        TaskAction::AddSigners,
        TaskAction::RemoveSigners,
        TaskAction::KeepPending,
        TaskAction::RequestExtension,
        TaskAction::Cc,
    ];
}

/// A set of allowed actions, stored as bits, written as a list of names.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(from = "Vec<TaskAction>", into = "Vec<TaskAction>")]
pub struct ActionSet(u32);

impl ActionSet {
    /// Whether the set allows `action`.
    pub fn allows(self, action: TaskAction) -> bool {
        self.0 & (1 << action as u32) != 0
    }

    /// Every action.
    pub fn all() -> Self {
        TaskAction::ALL.into_iter().collect()
    }
}

impl Default for ActionSet {
    fn default() -> Self {
        ActionSet::all()
    }
}

impl FromIterator<TaskAction> for ActionSet {
    fn from_iter<I: IntoIterator<Item = TaskAction>>(iter: I) -> Self {
        ActionSet(iter.into_iter().fold(0, |bits, a| bits | 1 << a as u32))
    }
}

impl From<Vec<TaskAction>> for ActionSet {
    fn from(v: Vec<TaskAction>) -> Self {
        v.into_iter().collect()
    }
}

impl From<ActionSet> for Vec<TaskAction> {
    fn from(s: ActionSet) -> Self {
        TaskAction::ALL
            .into_iter()
            .filter(|a| s.allows(*a))
            .collect()
    }
}

/// Configuration of an approve, handle or cc node.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, Default)]
pub struct UserNode {
    /// Who acts (union of the rules).
    #[serde(default)]
    pub participants: Vec<ParticipantRule>,
    /// How they decide.
    #[serde(default)]
    pub mode: Mode,
    /// BPMN `loopCardinality`, kept for round trips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cardinality: Option<u32>,
    /// BPMN `completionCondition` over `nrOfInstances`, `nrOfCompletedInstances`,
    /// `nrOfActiveInstances`: the node completes early when it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<String>,
    /// Nobody resolved.
    #[serde(default)]
    pub on_empty: EmptyPolicy,
    /// The initiator is among the participants.
    #[serde(default)]
    pub on_initiator: InitiatorPolicy,
    /// A participant acted on the previous node.
    #[serde(default)]
    pub on_repeat: RepeatPolicy,
    /// A participant disagrees.
    #[serde(default)]
    pub on_disagree: DisagreeOutcome,
    /// Actions a task of this node may take.
    #[serde(default)]
    pub actions: ActionSet,
    /// R5 opinion rules.
    #[serde(default)]
    pub opinion: OpinionPolicy,
    /// Time limit per task (办理时限).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<TimeLimit>,
    /// What happens when a task passes its due time.
    #[serde(default, skip_serializing_if = "is_default")]
    pub on_overdue: OverduePolicy,
    /// The handler is reminded this long before the due time (needs a time limit); at the due
    /// time the overdue policy applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_before: Option<TimeLimit>,
}

impl NodeKind {
    /// The user-node configuration of approve, handle and cc nodes.
    pub fn user_node(&self) -> Option<&UserNode> {
        match self {
            NodeKind::Approve(u) | NodeKind::Handle(u) | NodeKind::Cc(u) => Some(u),
            _ => None,
        }
    }

    /// Mutable user-node configuration.
    pub fn user_node_mut(&mut self) -> Option<&mut UserNode> {
        match self {
            NodeKind::Approve(u) | NodeKind::Handle(u) | NodeKind::Cc(u) => Some(u),
            _ => None,
        }
    }

    /// Whether a token waits here for people (approve or handle).
    pub fn is_task(&self) -> bool {
        matches!(self, NodeKind::Approve(_) | NodeKind::Handle(_))
    }

    /// Whether this is a parallel or inclusive gateway (the kinds that open sections).
    pub fn is_forking_gateway(&self) -> bool {
        matches!(self, NodeKind::Parallel | NodeKind::Inclusive)
    }
}

impl FlowGraph {
    /// The node with this key.
    pub fn node_id(&self, key: &str) -> Option<NodeId> {
        self.nodes
            .iter()
            .position(|n| n.key == key)
            .map(|i| NodeId(i as u32))
    }

    /// The same graph without diagram positions (they are presentation, not flow).
    pub fn without_layout(&self) -> FlowGraph {
        let mut g = self.clone();
        g.nodes.iter_mut().for_each(|n| n.layout = None);
        g
    }
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}
