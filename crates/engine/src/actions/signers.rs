//! Who holds a task: transfer (转办), delegate (委派), replace (换人), add (加签) and remove (减签)
//! signers.

use super::Ctx;
use crate::command::SignerPosition;
use crate::history::{CloseReason, Effect, HistoryAction, NotifyReason};
use crate::ids::{TaskId, UserId};
use crate::model::TaskAction;
use crate::refusal::Refusal;
use crate::state::{Task, TaskState};

impl Ctx<'_, '_> {
    /// Hands task `i` to `to` as a new task; the old one leaves the inbox.
    fn reassign(
        &mut self,
        i: usize,
        to: &UserId,
        delegated_by: Option<UserId>,
    ) -> Result<TaskId, Refusal> {
        let old = &self.run.st.tasks[i];
        if old.assignee == *to {
            return Err(Refusal::SameAssignee);
        }
        let signs_already = self
            .run
            .st
            .tasks
            .iter()
            .any(|t| t.token == old.token && t.assignee == *to);
        if signs_already && delegated_by.is_none() {
            return Err(Refusal::AlreadySigner(to.to_string()));
        }
        let old = self.run.st.tasks.remove(i);
        self.run.fx.effects.push(Effect::TaskClosed {
            task: old.id,
            reason: CloseReason::Reassigned,
        });
        // A delegated (委派) task stays the principal's; a handed-over one becomes the new holder's.
        let principal = if delegated_by.is_some() {
            old.principal.clone()
        } else {
            None
        };
        Ok(self.run.add_task(Task {
            assignee: to.clone(),
            delegated_by,
            principal,
            state: TaskState::Open,
            ..old
        }))
    }

    /// Moves task `i` to `to`, keeping a queued task queued (it only changes hands).
    fn move_task(&mut self, i: usize, to: &UserId) -> Result<TaskId, Refusal> {
        let (task, state) = (self.run.st.tasks[i].id, self.run.st.tasks[i].state);
        let new = self.reassign(i, to, None)?;
        if state == TaskState::Queued {
            if let Some(t) = self.run.st.tasks.iter_mut().find(|t| t.id == new) {
                t.state = TaskState::Queued;
            }
            self.run
                .fx
                .effects
                .retain(|e| !matches!(e, Effect::TaskOpened { task, .. } if *task == new));
            self.run
                .fx
                .effects
                .retain(|e| !matches!(e, Effect::TaskClosed { task: t, .. } if *t == task));
        }
        Ok(new)
    }

    /// Hands an open or queued task of someone now away to their stand-in (委托, sent by the
    /// server when a delegation starts with "move open tasks").
    pub(super) fn hand_to_stand_in(&mut self, task: TaskId) -> Result<(), Refusal> {
        let i = self
            .run
            .st
            .tasks
            .iter()
            .position(|t| t.id == task)
            .ok_or(Refusal::TaskNotFound)?;
        let t = &self.run.st.tasks[i];
        if t.node == self.run.def.start {
            return Err(Refusal::ResubmitTask);
        }
        if t.principal.is_some() || t.delegated_by.is_some() {
            return Err(Refusal::NoStandIn);
        }
        let (node, principal) = (t.node, t.assignee.clone());
        let to = self
            .run
            .facts
            .org
            .stand_in(&principal)
            .filter(|to| *to != principal)
            .ok_or(Refusal::NoStandIn)?;
        let new = self.move_task(i, &to)?;
        if let Some(t) = self.run.st.tasks.iter_mut().find(|t| t.id == new) {
            t.principal = Some(principal.clone());
        }
        let mut ev = self.run.event(HistoryAction::StoodIn);
        ev.task = Some(task);
        ev.from = Some(node);
        ev.users = vec![to.clone()];
        ev.acting_for = Some(principal.clone());
        self.run.fx.history.push(ev);
        for user in [principal, to] {
            self.run.fx.effects.push(Effect::Notify {
                user,
                reason: NotifyReason::StoodIn,
                task: Some(new),
            });
        }
        Ok(())
    }

    fn record(
        &mut self,
        action: HistoryAction,
        task: TaskId,
        node: crate::ids::NodeId,
        opinion: &str,
        users: Vec<UserId>,
    ) {
        let mut ev = self.event(action);
        ev.task = Some(task);
        ev.from = Some(node);
        ev.opinion = (!opinion.is_empty()).then(|| opinion.to_string());
        ev.users = users;
        self.run.fx.history.push(ev);
    }

    pub(super) fn transfer(
        &mut self,
        task: TaskId,
        to: &UserId,
        opinion: &str,
    ) -> Result<(), Refusal> {
        let i = self.own_task(task, Some(TaskAction::Transfer))?;
        let node = self.run.st.tasks[i].node;
        self.reassign(i, to, None)?;
        self.record(
            HistoryAction::Transferred,
            task,
            node,
            opinion,
            vec![to.clone()],
        );
        Ok(())
    }

    pub(super) fn delegate(
        &mut self,
        task: TaskId,
        to: &UserId,
        opinion: &str,
    ) -> Result<(), Refusal> {
        let i = self.own_task(task, Some(TaskAction::Delegate))?;
        let node = self.run.st.tasks[i].node;
        let owner = self.run.st.tasks[i].assignee.clone();
        self.reassign(i, to, Some(owner))?;
        self.record(
            HistoryAction::Delegated,
            task,
            node,
            opinion,
            vec![to.clone()],
        );
        Ok(())
    }

    pub(super) fn return_delegation(&mut self, task: TaskId, opinion: &str) -> Result<(), Refusal> {
        let st = &self.run.st;
        let i = st
            .tasks
            .iter()
            .position(|t| t.id == task)
            .ok_or(Refusal::TaskNotFound)?;
        let t = &st.tasks[i];
        if t.assignee != *self.principal() {
            return Err(Refusal::NotAssignee);
        }
        let Some(owner) = t.delegated_by.clone() else {
            return Err(Refusal::NotDelegated);
        };
        let node = t.node;
        self.reassign(i, &owner, None)?;
        self.record(
            HistoryAction::DelegationReturned,
            task,
            node,
            opinion,
            vec![owner],
        );
        Ok(())
    }

    pub(super) fn replace_handler(
        &mut self,
        task: TaskId,
        to: &UserId,
        reason: &str,
    ) -> Result<(), Refusal> {
        if !self.is_supervisor() {
            return Err(Refusal::NotSupervisor);
        }
        let i = self
            .run
            .st
            .tasks
            .iter()
            .position(|t| t.id == task)
            .ok_or(Refusal::TaskNotFound)?;
        if self.run.st.tasks[i].node == self.run.def.start {
            return Err(Refusal::ResubmitTask);
        }
        let node = self.run.st.tasks[i].node;
        let before = self.run.st.tasks[i].assignee.clone();
        let new = self.move_task(i, to)?;
        let now_holds = self
            .run
            .st
            .tasks
            .iter()
            .find(|t| t.id == new)
            .map(|t| t.assignee.clone());
        // both are told (and the stand-in, when the new handler is away)
        for user in std::iter::once(before).chain(now_holds) {
            self.run.fx.effects.push(Effect::Notify {
                user,
                reason: NotifyReason::Replaced,
                task: Some(new),
            });
        }
        self.record(
            HistoryAction::HandlerReplaced,
            task,
            node,
            reason,
            vec![to.clone()],
        );
        Ok(())
    }

    pub(super) fn add_signers(
        &mut self,
        task: TaskId,
        users: &[UserId],
        position: SignerPosition,
    ) -> Result<(), Refusal> {
        let i = self.own_task(task, Some(TaskAction::AddSigners))?;
        if users.is_empty() {
            return Err(Refusal::NoUsers);
        }
        let me = self.run.st.tasks[i].clone();
        for (k, u) in users.iter().enumerate() {
            let signs = self
                .run
                .st
                .tasks
                .iter()
                .any(|t| t.token == me.token && t.assignee == *u);
            if signs || users[..k].contains(u) {
                return Err(Refusal::AlreadySigner(u.to_string()));
            }
        }
        let n = users.len() as u32;
        let st = &mut *self.run.st;
        let template = Task {
            state: TaskState::Queued,
            delegated_by: None,
            pending: None,
            extended: false,
            ..me.clone()
        };
        let mut new_tasks = Vec::new();
        match position {
            SignerPosition::Before | SignerPosition::After => {
                // make room in the actor's lane: before takes the actor's place, after the next one
                let first = if position == SignerPosition::Before {
                    me.seq
                } else {
                    me.seq + 1
                };
                for t in st
                    .tasks
                    .iter_mut()
                    .filter(|t| t.token == me.token && t.lane == me.lane && t.seq >= first)
                {
                    t.seq += n;
                }
                for (k, u) in users.iter().enumerate() {
                    new_tasks.push(Task {
                        assignee: u.clone(),
                        seq: first + k as u32,
                        ..template.clone()
                    });
                }
                if position == SignerPosition::Before {
                    if let Some(t) = st.tasks.iter_mut().find(|t| t.id == task) {
                        t.state = TaskState::Queued;
                    }
                    self.run.fx.effects.push(Effect::TaskClosed {
                        task,
                        reason: CloseReason::Deferred,
                    });
                    new_tasks[0].state = TaskState::Open;
                }
            }
            SignerPosition::Parallel => {
                let next_lane = st
                    .tasks
                    .iter()
                    .filter(|t| t.token == me.token)
                    .map(|t| t.lane)
                    .max()
                    .unwrap_or(0)
                    + 1;
                for (k, u) in users.iter().enumerate() {
                    new_tasks.push(Task {
                        assignee: u.clone(),
                        lane: next_lane + k as u16,
                        seq: 0,
                        state: TaskState::Open,
                        ..template.clone()
                    });
                }
            }
        }
        if let Some(tok) = st.tokens.iter_mut().find(|k| k.id == me.token) {
            tok.total += n as u16;
        }
        for t in new_tasks {
            self.run.add_task(t);
        }
        self.record(
            HistoryAction::SignersAdded,
            task,
            me.node,
            "",
            users.to_vec(),
        );
        Ok(())
    }

    pub(super) fn remove_signers(&mut self, task: TaskId, users: &[UserId]) -> Result<(), Refusal> {
        let i = self.own_task(task, Some(TaskAction::RemoveSigners))?;
        if users.is_empty() {
            return Err(Refusal::NoUsers);
        }
        let me = self.run.st.tasks[i].clone();
        if users.contains(&me.assignee) {
            return Err(Refusal::CannotRemoveSelf);
        }
        for u in users {
            if !self
                .run
                .st
                .tasks
                .iter()
                .any(|t| t.token == me.token && t.assignee == *u)
            {
                return Err(Refusal::NotPendingSigner(u.to_string()));
            }
        }
        let mut lanes = Vec::new();
        let fx = &mut self.run.fx.effects;
        self.run.st.tasks.retain(|t| {
            if t.token != me.token || !users.contains(&t.assignee) {
                return true;
            }
            if t.state == TaskState::Open {
                fx.push(Effect::TaskClosed {
                    task: t.id,
                    reason: CloseReason::Cancelled,
                });
            }
            lanes.push(t.lane);
            false
        });
        if let Some(tok) = self.run.st.tokens.iter_mut().find(|k| k.id == me.token) {
            tok.total = tok.total.saturating_sub(users.len() as u16).max(1);
        }
        for lane in lanes {
            self.open_next_in_lane(me.token, lane);
        }
        self.record(
            HistoryAction::SignersRemoved,
            task,
            me.node,
            "",
            users.to_vec(),
        );
        // fewer signers can reach a vote's threshold (the actor's own open task keeps the rest)
        let at = self.run.fx.history.len() - 1;
        let to = self.settle(me.token, me.lane, None)?;
        self.run.fx.history[at].to = to;
        Ok(())
    }
}
