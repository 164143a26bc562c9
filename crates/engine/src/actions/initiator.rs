//! What the initiator and the supervisor do to a whole instance: withdraw, cancel, urge.

use super::Ctx;
use crate::history::{Effect, HistoryAction, NotifyReason};
use crate::ids::TaskId;
use crate::refusal::Refusal;
use crate::state::{Status, TaskState};

/// The least time between two urges of one instance by the same person.
pub const URGE_INTERVAL_SECS: i64 = 3600;

impl Ctx<'_, '_> {
    pub(super) fn withdraw(&mut self, reason: &str) -> Result<(), Refusal> {
        if self.cmd.actor != self.run.st.initiator {
            return Err(Refusal::NotInitiator);
        }
        let at_start = self
            .run
            .st
            .tokens
            .iter()
            .any(|t| t.node == self.run.def.start);
        if self.run.st.acted || at_start {
            return Err(Refusal::AlreadyActed);
        }
        let mut ev = self.event(HistoryAction::Withdrawn);
        ev.opinion = (!reason.is_empty()).then(|| reason.to_string());
        ev.to = vec![self.run.def.start];
        self.run.fx.history.push(ev);
        self.run.return_to_initiator(None);
        self.run.st.returned_from = None;
        Ok(())
    }

    pub(super) fn cancel(&mut self, reason: &str) -> Result<(), Refusal> {
        if self.cmd.actor != self.run.st.initiator {
            return Err(Refusal::NotInitiator);
        }
        let mut ev = self.event(HistoryAction::Cancelled);
        ev.opinion = (!reason.is_empty()).then(|| reason.to_string());
        self.run.fx.history.push(ev);
        self.run.finish(Status::Cancelled);
        Ok(())
    }

    pub(super) fn urge(&mut self, task: Option<TaskId>, message: &str) -> Result<(), Refusal> {
        if self.cmd.actor != self.run.st.initiator && !self.is_supervisor() {
            return Err(Refusal::NotInitiatorOrSupervisor);
        }
        let targets: Vec<(TaskId, crate::ids::UserId)> = self
            .run
            .st
            .tasks
            .iter()
            .filter(|t| t.state == TaskState::Open && task.is_none_or(|id| id == t.id))
            .map(|t| (t.id, t.assignee.clone()))
            .collect();
        if targets.is_empty() {
            return Err(Refusal::TaskNotFound);
        }
        // Once an hour per person: a reminder, not a stream of messages.
        let now = self.run.facts.now;
        let actor = self.cmd.actor.clone();
        if let Some((_, at)) = self.run.st.urged.iter().find(|(u, _)| *u == actor)
            && now.0 - at.0 < URGE_INTERVAL_SECS
        {
            return Err(Refusal::UrgedRecently);
        }
        self.run.st.urged.retain(|(u, _)| *u != actor);
        self.run.st.urged.push((actor, now));
        let mut ev = self.event(HistoryAction::Urged);
        ev.opinion = (!message.is_empty()).then(|| message.to_string());
        ev.task = task;
        for (id, user) in targets {
            ev.users.push(user.clone());
            self.run.fx.effects.push(Effect::Notify {
                user,
                reason: NotifyReason::Urged,
                task: Some(id),
            });
        }
        self.run.fx.history.push(ev);
        Ok(())
    }
}
