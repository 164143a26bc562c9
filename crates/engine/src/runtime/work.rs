//! The work a node creates and removes: participants, tasks, carbon copies, timers, and the
//! bookkeeping when a node passes, a region is cancelled or the instance ends.

use super::Run;
use crate::history::{CloseReason, Effect, HistoryAction, NotifyReason};
use crate::ids::{CcId, FrameId, NodeId, TaskId, TimerId, TokenId, UserId};
use crate::model::{EmptyPolicy, InitiatorPolicy, Mode, NodeKind, RepeatPolicy};
use crate::participants::{RuleInputs, resolve};
use crate::refusal::Refusal;
use crate::state::{CcItem, Status, Task, TaskState, Timer, Token};

impl Run<'_, '_> {
    /// Resolves a node's participants with its policies applied. An empty result means the node
    /// passes on its own.
    pub fn participants(&mut self, node: NodeId) -> Result<Vec<UserId>, Refusal> {
        let def = self.def;
        let Some(cfg) = def.node(node).kind.user_node() else {
            return Ok(Vec::new());
        };
        let chosen = self
            .st
            .chosen
            .get(def.key(node))
            .map_or(&[][..], Vec::as_slice);
        let inputs = RuleInputs {
            initiator: &self.st.initiator,
            chosen,
            form: &self.st.form,
        };
        let mut users = resolve(&cfg.participants, &inputs, self.facts.org);
        if users.is_empty() {
            return match cfg.on_empty {
                EmptyPolicy::AutoPass => Ok(users),
                EmptyPolicy::ToAdmin => Ok(vec![self.facts.admin.clone()]),
                EmptyPolicy::Refuse => Err(Refusal::NoParticipants(def.key(node).to_string())),
            };
        }
        if users.contains(&self.st.initiator) {
            match cfg.on_initiator {
                InitiatorPolicy::Approve => {}
                InitiatorPolicy::AutoPass => users.retain(|u| *u != self.st.initiator),
                InitiatorPolicy::ToSupervisor => {
                    let boss = self
                        .facts
                        .org
                        .supervisor(&self.st.initiator)
                        .unwrap_or_else(|| self.facts.admin.clone());
                    users.retain(|u| *u != self.st.initiator && *u != boss);
                    users.insert(0, boss);
                }
            }
        }
        if cfg.on_repeat == RepeatPolicy::AutoPass && !self.st.last_actors.is_empty() {
            let before = users.len();
            users.retain(|u| !self.st.last_actors.contains(u));
            if users.len() < before && matches!(cfg.mode, Mode::Any | Mode::Single) {
                users.clear();
            }
        }
        if cfg.mode == Mode::Single && def.node(node).kind.is_task() {
            users.truncate(1);
        }
        Ok(users)
    }

    /// Opens a user node's tasks; `false` when it passed on its own.
    pub(super) fn activate(
        &mut self,
        node: NodeId,
        frame: Option<FrameId>,
        branch: u16,
    ) -> Result<bool, Refusal> {
        let users = self.participants(node)?;
        if users.is_empty() {
            let mut ev = self.event(HistoryAction::AutoPassed);
            ev.from = Some(node);
            self.fx.history.push(ev);
            return Ok(false);
        }
        let cfg = self
            .def
            .node(node)
            .kind
            .user_node()
            .expect("activate is called on user nodes");
        let token = TokenId(self.st.fresh_id());
        let sequential = cfg.mode == Mode::Sequential;
        let due = cfg
            .time_limit
            .map(|l| l.due(self.facts.now, self.facts.calendar));
        self.st.tokens.push(Token {
            id: token,
            node,
            frame,
            branch,
            total: users.len() as u16,
            agreed: 0,
            disagreed: 0,
            actors: Vec::new(),
        });
        for (i, user) in users.into_iter().enumerate() {
            let state = if sequential && i > 0 {
                TaskState::Queued
            } else {
                TaskState::Open
            };
            let (lane, seq) = if sequential {
                (0, i as u32)
            } else {
                (i as u16, 0)
            };
            self.add_task(Task {
                id: TaskId(0),
                token,
                node,
                assignee: user,
                state,
                lane,
                seq,
                // a queued task's limit starts when it opens
                due: if state == TaskState::Open { due } else { None },
                delegated_by: None,
                principal: None,
                pending: None,
                extended: false,
                overdue: false,
            });
        }
        for &b in &self.def.boundaries[node.index()] {
            if let NodeKind::TimerBoundary { after, .. } = &self.def.node(b).kind {
                let id = TimerId(self.st.fresh_id());
                let at = after.due(self.facts.now, self.facts.calendar);
                self.st.timers.push(Timer {
                    id,
                    boundary: b,
                    token,
                    at,
                });
                self.fx.effects.push(Effect::TimerSet { timer: id, at });
            }
        }
        Ok(true)
    }

    /// Adds a task with a fresh id; an open one lands in the assignee's inbox, or in their
    /// stand-in's while they are away.
    pub fn add_task(&mut self, mut task: Task) -> TaskId {
        task.id = TaskId(self.st.fresh_id());
        self.stand_in(&mut task);
        if task.state == TaskState::Open {
            self.fx.effects.push(Effect::TaskOpened {
                task: task.id,
                node: task.node,
                assignee: task.assignee.clone(),
                due: task.due,
            });
        }
        let id = task.id;
        self.st.tasks.push(task);
        id
    }

    /// Gives a task of someone away to their stand-in (委托), recording it; tasks of the start
    /// node (resubmission) and tasks already held for someone stay as they are.
    pub fn stand_in(&mut self, task: &mut Task) -> bool {
        if task.principal.is_some() || task.node == self.def.start {
            return false;
        }
        let Some(to) = self
            .facts
            .org
            .stand_in(&task.assignee)
            .filter(|to| *to != task.assignee)
        else {
            return false;
        };
        let principal = std::mem::replace(&mut task.assignee, to);
        let mut ev = self.event(HistoryAction::StoodIn);
        ev.task = Some(task.id);
        ev.from = Some(task.node);
        ev.users = vec![task.assignee.clone()];
        ev.acting_for = Some(principal.clone());
        self.fx.history.push(ev);
        task.principal = Some(principal);
        true
    }

    /// Sends carbon copies (抄送) from a node.
    pub fn send_cc(&mut self, node: NodeId, users: Vec<UserId>) {
        if users.is_empty() {
            return;
        }
        for user in &users {
            let id = CcId(self.st.fresh_id());
            self.st.cc.push(CcItem {
                id,
                node,
                user: user.clone(),
            });
            self.fx.effects.push(Effect::CcSent {
                cc: id,
                user: user.clone(),
                node,
            });
        }
        let mut ev = self.event(HistoryAction::CarbonCopied);
        ev.from = Some(node);
        ev.users = users;
        self.fx.history.push(ev);
    }

    /// Removes a token with its tasks and timers.
    pub fn drop_token(&mut self, token: TokenId) -> Option<Token> {
        let pos = self.st.tokens.iter().position(|t| t.id == token)?;
        let tok = self.st.tokens.remove(pos);
        let fx = &mut self.fx.effects;
        self.st.tasks.retain(|t| {
            if t.token != token {
                return true;
            }
            if t.state == TaskState::Open {
                fx.push(Effect::TaskClosed {
                    task: t.id,
                    reason: CloseReason::Cancelled,
                });
            }
            false
        });
        self.st.timers.retain(|t| {
            if t.token != token {
                return true;
            }
            fx.push(Effect::TimerCancelled { timer: t.id });
            false
        });
        Some(tok)
    }

    /// Cancels every token, task and activation inside `region` (everything for `None`).
    pub fn cancel_region(&mut self, region: Option<(FrameId, u16)>) {
        let doomed: Vec<TokenId> = self
            .st
            .tokens
            .iter()
            .filter(|t| self.st.within(t.frame, t.branch, region))
            .map(|t| t.id)
            .collect();
        for t in doomed {
            self.drop_token(t);
        }
        let dead: Vec<FrameId> = self
            .st
            .frames
            .iter()
            .filter(|f| region.is_none() || self.st.within(f.parent, f.parent_branch, region))
            .map(|f| f.id)
            .collect();
        self.st.frames.retain(|f| !dead.contains(&f.id));
    }

    /// Ends the instance.
    pub fn finish(&mut self, status: Status) {
        self.cancel_region(None);
        self.st.status = status;
        self.fx.effects.push(Effect::Finished { status });
        self.fx.effects.push(Effect::Notify {
            user: self.st.initiator.clone(),
            reason: NotifyReason::Finished,
            task: None,
        });
        self.fx.history.push(self.event(HistoryAction::Finished));
    }

    /// The node of `token` is done: it moves on. Returns where work now waits.
    pub fn pass_node(&mut self, token: TokenId) -> Result<Vec<NodeId>, Refusal> {
        let Some(tok) = self.drop_token(token) else {
            return Ok(Vec::new());
        };
        self.st.passed.retain(|n| *n != tok.node);
        self.st.passed.push(tok.node);
        self.st.last_actors = tok.actors;
        let next = self.target(tok.node);
        self.enter((next, tok.frame, tok.branch))
    }

    /// Everything stops and the initiator gets a task to resubmit (send-back or withdrawal).
    pub fn return_to_initiator(&mut self, sent_from: Option<NodeId>) {
        self.cancel_region(None);
        self.st.frames.clear();
        self.st.returned_from = match self.def.graph().resubmit {
            crate::model::Resubmit::ToSender => sent_from,
            crate::model::Resubmit::FromStart => None,
        };
        let token = TokenId(self.st.fresh_id());
        let start = self.def.start;
        self.st.tokens.push(Token {
            id: token,
            node: start,
            frame: None,
            branch: 0,
            total: 1,
            agreed: 0,
            disagreed: 0,
            actors: Vec::new(),
        });
        let initiator = self.st.initiator.clone();
        let task = self.add_task(Task {
            id: TaskId(0),
            token,
            node: start,
            assignee: initiator.clone(),
            state: TaskState::Open,
            lane: 0,
            seq: 0,
            due: None,
            delegated_by: None,
            principal: None,
            pending: None,
            extended: false,
            overdue: false,
        });
        self.fx.effects.push(Effect::Notify {
            user: initiator,
            reason: NotifyReason::SentBack,
            task: Some(task),
        });
    }
}
