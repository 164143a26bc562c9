//! Send-back (退回) and resubmission. A send-back cancels exactly the region between the target
//! and the sender: the whole section when the target lies outside it, one branch when inside.

use super::Ctx;
use crate::command::{FormData, SendBackTarget};
use crate::definition::FlowDefinition;
use crate::history::{CloseReason, Effect, HistoryAction};
use crate::ids::{NodeId, TaskId};
use crate::model::TaskAction;
use crate::refusal::Refusal;
use crate::state::InstanceState;
use std::sync::Arc;

impl Ctx<'_, '_> {
    pub(super) fn send_back(
        &mut self,
        task: TaskId,
        target: &SendBackTarget,
        opinion: &str,
    ) -> Result<(), Refusal> {
        let i = self.own_task(task, Some(TaskAction::SendBack))?;
        if opinion.trim().is_empty() {
            return Err(Refusal::ReasonRequired);
        }
        let (from, token) = (self.run.st.tasks[i].node, self.run.st.tasks[i].token);
        let target = match target {
            SendBackTarget::Initiator => None,
            SendBackTarget::Previous => self.previous_node(from),
            SendBackTarget::Node { key } => {
                let node = self
                    .run
                    .def
                    .node_id(key)
                    .ok_or(Refusal::InvalidSendBackTarget)?;
                if node == self.run.def.start {
                    None
                } else if self.may_send_back_to(node, from) {
                    Some(node)
                } else {
                    return Err(Refusal::InvalidSendBackTarget);
                }
            }
        };
        let mut ev = self.event(HistoryAction::SentBack);
        ev.opinion = Some(opinion.to_string());
        ev.from = Some(from);
        ev.task = Some(task);
        self.run.st.acted = true;
        let Some(target) = target else {
            ev.to = vec![self.run.def.start];
            self.run.fx.history.push(ev);
            self.run.return_to_initiator(Some(from));
            return Ok(());
        };
        // The sections both ends share: everything the sender's branch did inside the innermost
        // shared activation is cancelled. Sections the target sits in but the sender has left get
        // a fresh activation expecting only the returning branch, so their join fires once.
        let def = self.run.def;
        let (ts, fs) = (&def.sections[target.index()], &def.sections[from.index()]);
        let shared = ts.iter().zip(fs.iter()).take_while(|(a, b)| a == b).count();
        let tok = self
            .run
            .st
            .tokens
            .iter()
            .find(|k| k.id == token)
            .ok_or(Refusal::TaskNotFound)?;
        let mut chain = self.run.st.chain(tok.frame, tok.branch);
        chain.reverse();
        let region = shared.checked_sub(1).and_then(|d| chain.get(d).copied());
        self.run.cancel_region(region);
        let (mut frame, mut branch) = region.map_or((None, 0), |(f, b)| (Some(f), b));
        for &(split, b) in &ts[shared..] {
            let id = crate::ids::FrameId(self.run.st.fresh_id());
            self.run.st.frames.push(crate::state::Frame {
                id,
                split,
                parent: frame,
                parent_branch: branch,
                expected: 1,
                arrived: 0,
            });
            (frame, branch) = (Some(id), b);
        }
        let at = self.run.fx.history.len();
        self.run.fx.history.push(ev);
        let to = self.run.enter((target, frame, branch))?;
        self.run.fx.history[at].to = to;
        Ok(())
    }

    fn may_send_back_to(&self, target: NodeId, from: NodeId) -> bool {
        may_send_back_to(self.run.def, self.run.st, target, from)
    }

    /// The approve/handle node passed most recently on the way to `from`.
    fn previous_node(&self, from: NodeId) -> Option<NodeId> {
        send_back_targets_from(self.run.def, self.run.st, from)
            .last()
            .copied()
    }

    pub(super) fn resubmit(
        &mut self,
        task: TaskId,
        form: Option<&FormData>,
    ) -> Result<(), Refusal> {
        let st = &self.run.st;
        let i = st
            .tasks
            .iter()
            .position(|t| t.id == task)
            .ok_or(Refusal::TaskNotFound)?;
        if st.tasks[i].node != self.run.def.start {
            return Err(Refusal::NotResubmitTask);
        }
        if self.cmd.actor != st.initiator {
            return Err(Refusal::NotInitiator);
        }
        if let Some(patch) = form {
            Arc::make_mut(&mut self.run.st.form)
                .extend(patch.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let token = self.run.st.tasks[i].token;
        self.run.st.tasks.remove(i);
        self.run.st.tokens.retain(|k| k.id != token);
        self.run.fx.effects.push(Effect::TaskClosed {
            task,
            reason: CloseReason::Completed,
        });
        self.run.st.acted = false;
        self.run.st.last_actors.clear();
        let def = self.run.def;
        // jumping back into a section re-runs the whole section: its other branches were cancelled
        let target = match self.run.st.returned_from.take() {
            Some(node) => def.sections[node.index()].first().map_or(node, |s| s.0),
            None => {
                // a fresh walk: only nodes passed from now on are send-back targets
                self.run.st.passed.clear();
                def.start
            }
        };
        let mut ev = self.event(HistoryAction::Resubmitted);
        ev.from = Some(def.start);
        ev.task = Some(task);
        let at = self.run.fx.history.len();
        self.run.fx.history.push(ev);
        let to = self.run.enter((target, None, 0))?;
        self.run.fx.history[at].to = to;
        Ok(())
    }
}

/// A target must be a passed approve/handle node upstream of the sender (so never on a sibling
/// branch, which cannot reach it).
fn may_send_back_to(
    def: &FlowDefinition,
    st: &InstanceState,
    target: NodeId,
    from: NodeId,
) -> bool {
    target != from
        && def.node(target).kind.is_task()
        && st.passed.contains(&target)
        && def.reaches(target, from)
}

/// The nodes a task on `from` may send back to, oldest first (the last is "previous").
fn send_back_targets_from(def: &FlowDefinition, st: &InstanceState, from: NodeId) -> Vec<NodeId> {
    st.passed
        .iter()
        .copied()
        .filter(|&n| may_send_back_to(def, st, n, from))
        .collect()
}

/// The nodes an open task may be sent back to, oldest first, for the UI's choice; the initiator
/// is always a further choice. Empty when the task is not open or its node forbids send-back.
pub fn send_back_targets(def: &FlowDefinition, st: &InstanceState, task: TaskId) -> Vec<NodeId> {
    match st
        .tasks
        .iter()
        .find(|t| t.id == task && t.state == crate::state::TaskState::Open)
    {
        Some(t) if available_actions(def, st, task).contains(&TaskAction::SendBack) => {
            send_back_targets_from(def, st, t.node)
        }
        _ => Vec::new(),
    }
}

/// The actions an open task's assignee may offer in the UI: the node's allowed set (the opinion
/// rules are checked when a decision is made). A delegated task can only be returned, and the
/// initiator's resubmission task offers none of them.
pub fn available_actions(
    def: &FlowDefinition,
    st: &InstanceState,
    task: TaskId,
) -> Vec<TaskAction> {
    let Some(t) = st
        .tasks
        .iter()
        .find(|t| t.id == task && t.state == crate::state::TaskState::Open)
    else {
        return Vec::new();
    };
    if st.is_finished() || t.delegated_by.is_some() {
        return Vec::new();
    }
    match def.node(t.node).kind.user_node() {
        Some(u) => TaskAction::ALL
            .into_iter()
            .filter(|a| u.actions.allows(*a))
            .collect(),
        None => Vec::new(),
    }
}
