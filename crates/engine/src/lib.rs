//! Xietong's approval engine: definitions, instances and actions as pure, deterministic code.
//!
//! The server loads a definition once (`bpmn::import`, `tree::compile` or `FlowDefinition::new`),
//! then for each request calls [`start`] or [`apply`] with the stored [`InstanceState`], a
//! [`Command`] and the [`Facts`] it resolved (time, org, calendar). It stores the new state and
//! carries out the [`Effects`] in one transaction. No IO, no clock, no database here.

#![warn(missing_docs)]

pub mod actions;
pub mod bpmn;
pub mod calendar;
pub mod command;
pub mod definition;
pub mod expr;
pub mod history;
pub mod ids;
pub mod invariants;
pub mod model;
pub mod opinion;
pub mod participants;
pub mod refusal;
mod runtime;
pub mod state;
pub mod tree;

pub use actions::{apply, apply_in_place, available_actions, send_back_targets, start};
pub use calendar::{TimeLimit, TimeUnit, WeekendsOnly, WorkCalendar};
pub use command::{Action, Command, Facts, FormData, SendBackTarget, SignerPosition, StartRequest};
pub use definition::{FlowDefinition, Problem, ValidationError};
pub use history::{
    CloseReason, Effect, Effects, HistoryAction, HistoryEvent, NotifyReason, Stance,
};
pub use ids::{CcId, DeptId, FrameId, NodeId, TaskId, TimerId, Timestamp, TokenId, UserId};
pub use model::{FlowGraph, Node, NodeKind, TaskAction, UserNode};
pub use participants::{OrgDirectory, ParticipantRule};
pub use refusal::Refusal;
pub use state::{InstanceState, Status, Task, TaskState};
