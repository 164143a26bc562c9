//! Smaller task matters: carbon copies, keeping pending, extensions, timers, sub-flows.

use super::Ctx;
use crate::history::{Effect, HistoryAction, NotifyReason};
use crate::ids::{CcId, TaskId, TimerId, Timestamp, TokenId, UserId};
use crate::model::{NodeKind, TaskAction};
use crate::refusal::Refusal;
use crate::state::{Pending, Status, TaskState};

impl Ctx<'_, '_> {
    pub(super) fn carbon_copy(&mut self, task: TaskId, users: &[UserId]) -> Result<(), Refusal> {
        let i = self.own_task(task, Some(TaskAction::Cc))?;
        if users.is_empty() {
            return Err(Refusal::NoUsers);
        }
        let node = self.run.st.tasks[i].node;
        self.run.send_cc(node, users.to_vec());
        if let Some(ev) = self.run.fx.history.last_mut() {
            ev.actor = Some(self.cmd.actor.clone());
            ev.acting_for = self.cmd.acting_for.clone();
            ev.task = Some(task);
        }
        Ok(())
    }

    pub(super) fn mark_read(&mut self, cc: CcId) -> Result<(), Refusal> {
        let st = &mut self.run.st;
        let i = st
            .cc
            .iter()
            .position(|c| c.id == cc && c.user == self.cmd.actor)
            .ok_or(Refusal::CcNotFound)?;
        let item = st.cc.remove(i);
        let mut ev = self.event(HistoryAction::CcRead);
        ev.from = Some(item.node);
        self.run.fx.history.push(ev);
        Ok(())
    }

    pub(super) fn keep_pending(
        &mut self,
        task: TaskId,
        reason: &str,
        promised: Timestamp,
    ) -> Result<(), Refusal> {
        let i = self.own_task(task, Some(TaskAction::KeepPending))?;
        if reason.trim().is_empty() {
            return Err(Refusal::ReasonRequired);
        }
        if promised <= self.run.facts.now {
            return Err(Refusal::PromiseInPast);
        }
        let t = &mut self.run.st.tasks[i];
        t.pending = Some(Pending {
            reason: reason.to_string(),
            promised,
        });
        // The due time moves to the promised date; overdue again after it.
        t.overdue = false;
        let node = t.node;
        self.run.fx.effects.push(Effect::TaskDueChanged {
            task,
            due: promised,
        });
        let mut ev = self.event(HistoryAction::KeptPending);
        ev.task = Some(task);
        ev.from = Some(node);
        ev.opinion = Some(reason.to_string());
        self.run.fx.history.push(ev);
        Ok(())
    }

    pub(super) fn extend(&mut self, task: TaskId, days: u8, reason: &str) -> Result<(), Refusal> {
        let i = self.own_task(task, Some(TaskAction::RequestExtension))?;
        if !(1..=2).contains(&days) {
            return Err(Refusal::ExtensionTooLong);
        }
        if reason.trim().is_empty() {
            return Err(Refusal::ReasonRequired);
        }
        let facts = self.run.facts;
        let t = &mut self.run.st.tasks[i];
        if t.extended {
            return Err(Refusal::AlreadyExtended);
        }
        let due = facts
            .calendar
            .add_working_days(t.due.unwrap_or(facts.now), days as u32);
        t.due = Some(due);
        t.extended = true;
        t.overdue = false;
        let node = t.node;
        self.run
            .fx
            .effects
            .push(Effect::TaskDueChanged { task, due });
        let mut ev = self.event(HistoryAction::Extended);
        ev.task = Some(task);
        ev.from = Some(node);
        ev.opinion = Some(reason.to_string());
        self.run.fx.history.push(ev);
        Ok(())
    }

    pub(super) fn fire_timer(&mut self, timer: TimerId) -> Result<(), Refusal> {
        let st = &mut self.run.st;
        let i = st
            .timers
            .iter()
            .position(|t| t.id == timer)
            .ok_or(Refusal::TimerNotFound)?;
        let t = st.timers.remove(i);
        let NodeKind::TimerBoundary { interrupting, .. } = self.run.def.node(t.boundary).kind
        else {
            return Err(Refusal::TimerNotFound);
        };
        let mut ev = self.run.event(HistoryAction::TimerFired);
        ev.from = Some(t.boundary);
        if !interrupting {
            for task in self
                .run
                .st
                .tasks
                .iter()
                .filter(|k| k.token == t.token && k.state == TaskState::Open)
            {
                self.run.fx.effects.push(Effect::Notify {
                    user: task.assignee.clone(),
                    reason: NotifyReason::Reminder,
                    task: Some(task.id),
                });
            }
            self.run.fx.history.push(ev);
            return Ok(());
        }
        let Some(tok) = self.run.drop_token(t.token) else {
            return Err(Refusal::TokenNotFound);
        };
        let at = self.run.fx.history.len();
        self.run.fx.history.push(ev);
        let to = self.run.enter((t.boundary, tok.frame, tok.branch))?;
        self.run.fx.history[at].to = to;
        Ok(())
    }

    pub(super) fn sub_flow_finished(
        &mut self,
        token: TokenId,
        approved: bool,
    ) -> Result<(), Refusal> {
        let tok = self
            .run
            .st
            .tokens
            .iter()
            .find(|k| k.id == token)
            .ok_or(Refusal::TokenNotFound)?;
        if !matches!(
            self.run.def.node(tok.node).kind,
            NodeKind::CallActivity { .. }
        ) {
            return Err(Refusal::TokenNotFound);
        }
        let mut ev = self.run.event(HistoryAction::SubFlowFinished);
        ev.from = Some(tok.node);
        let at = self.run.fx.history.len();
        self.run.fx.history.push(ev);
        if !approved {
            self.run.finish(Status::Rejected);
            return Ok(());
        }
        let to = self.run.pass_node(token)?;
        self.run.fx.history[at].to = to;
        Ok(())
    }
}

impl Ctx<'_, '_> {
    /// A task passed its due time (or its promised date when kept pending): record it once per
    /// due time and apply the node's overdue policy.
    pub(super) fn overdue(&mut self, task: TaskId) -> Result<(), Refusal> {
        use crate::history::Stance;
        use crate::model::OverduePolicy;
        let now = self.run.facts.now;
        let i = self
            .run
            .st
            .tasks
            .iter()
            .position(|t| t.id == task)
            .ok_or(Refusal::TaskNotFound)?;
        let t = &self.run.st.tasks[i];
        if t.state != TaskState::Open {
            return Err(Refusal::TaskNotOpen);
        }
        let due = t
            .pending
            .as_ref()
            .map(|p| p.promised)
            .or(t.due)
            .ok_or(Refusal::NotOverdue)?;
        if due > now {
            return Err(Refusal::NotOverdue);
        }
        if t.overdue {
            return Err(Refusal::AlreadyOverdue);
        }
        let (node, assignee) = (t.node, t.assignee.clone());
        let policy = self.user_node(node).on_overdue;
        self.run.st.tasks[i].overdue = true;
        let mut ev = self.run.event(HistoryAction::Overdue);
        ev.task = Some(task);
        ev.from = Some(node);
        ev.users = vec![assignee.clone()];
        self.run.fx.history.push(ev);
        self.run.fx.effects.push(Effect::Notify {
            user: assignee.clone(),
            reason: NotifyReason::Overdue,
            task: Some(task),
        });
        let supervisor = self.run.facts.supervisor.cloned();
        let tell_supervisor = |ctx: &mut Self| {
            if let Some(s) = supervisor.clone() {
                ctx.run.fx.effects.push(Effect::Notify {
                    user: s,
                    reason: NotifyReason::Overdue,
                    task: Some(task),
                });
            }
        };
        match policy {
            OverduePolicy::Notify => Ok(()),
            OverduePolicy::NotifySupervisor => {
                tell_supervisor(self);
                Ok(())
            }
            OverduePolicy::AutoAgree => {
                if self.run.st.tasks[i].delegated_by.is_some() {
                    // A delegated task is the owner's to decide: tell the supervisor instead.
                    tell_supervisor(self);
                    return Ok(());
                }
                self.decide_at(i, Stance::Agree, "超时自动同意", None)?;
                if let Some(ev) = self
                    .run
                    .fx
                    .history
                    .iter_mut()
                    .find(|e| e.action == HistoryAction::Decided && e.task == Some(task))
                {
                    ev.actor = None;
                    ev.acting_for = Some(assignee);
                }
                Ok(())
            }
            OverduePolicy::Escalate => {
                let Some(boss) = self.run.facts.org.supervisor(&assignee) else {
                    tell_supervisor(self);
                    return Ok(());
                };
                let signs_already = self
                    .run
                    .st
                    .tasks
                    .iter()
                    .any(|k| k.token == self.run.st.tasks[i].token && k.assignee == boss);
                if boss == assignee || signs_already {
                    tell_supervisor(self);
                    return Ok(());
                }
                let limit = self.user_node(node).time_limit;
                let old = self.run.st.tasks.remove(i);
                self.run.fx.effects.push(Effect::TaskClosed {
                    task: old.id,
                    reason: crate::history::CloseReason::Reassigned,
                });
                let new_due = limit.map(|l| l.due(now, self.run.facts.calendar));
                let state = old.state;
                self.run.add_task(crate::state::Task {
                    assignee: boss.clone(),
                    delegated_by: None,
                    principal: None,
                    pending: None,
                    extended: false,
                    overdue: false,
                    due: new_due,
                    state,
                    ..old
                });
                let mut ev = self.run.event(HistoryAction::Escalated);
                ev.task = Some(task);
                ev.from = Some(node);
                ev.users = vec![boss];
                ev.acting_for = Some(assignee);
                self.run.fx.history.push(ev);
                Ok(())
            }
        }
    }

    /// The whole flow passed its due time (办结时限): recorded once; the initiator, the
    /// template's supervisor and whoever holds an open task are told.
    pub(super) fn flow_overdue(&mut self) -> Result<(), Refusal> {
        let now = self.run.facts.now;
        let due = self.run.st.due.ok_or(Refusal::NotOverdue)?;
        if due > now {
            return Err(Refusal::NotOverdue);
        }
        if self.run.st.overdue {
            return Err(Refusal::AlreadyOverdue);
        }
        self.run.st.overdue = true;
        let mut told: Vec<UserId> = vec![self.run.st.initiator.clone()];
        told.extend(self.run.facts.supervisor.cloned());
        for t in &self.run.st.tasks {
            if t.state == TaskState::Open && !told.contains(&t.assignee) {
                told.push(t.assignee.clone());
            }
        }
        let mut ev = self.run.event(HistoryAction::FlowOverdue);
        ev.users = told.clone();
        self.run.fx.history.push(ev);
        for user in told {
            self.run.fx.effects.push(Effect::Notify {
                user,
                reason: NotifyReason::FlowOverdue,
                task: None,
            });
        }
        Ok(())
    }
}
