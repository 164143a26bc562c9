//! Decisions: agree (同意), disagree (不同意), read (已阅), and when a node is done.

use super::Ctx;
use crate::command::FormData;
use crate::history::{CloseReason, Effect, HistoryAction, Stance};
use crate::ids::{TaskId, TokenId};
use crate::model::{DisagreeOutcome, Mode, TaskAction};
use crate::refusal::Refusal;
use crate::runtime::FlowScope;
use crate::state::{Status, TaskState};
use std::sync::Arc;

/// What a node's signers have decided so far.
enum Verdict {
    Pass,
    Fail,
    Wait,
}

impl Ctx<'_, '_> {
    pub(super) fn decide(
        &mut self,
        task: TaskId,
        stance: Stance,
        opinion: &str,
        form: Option<&FormData>,
    ) -> Result<(), Refusal> {
        let action = match stance {
            Stance::Agree => TaskAction::Agree,
            Stance::Disagree => TaskAction::Disagree,
            Stance::Read => TaskAction::Read,
        };
        let i = self.own_task(task, Some(action))?;
        let node = self.run.st.tasks[i].node;
        crate::opinion::check(
            self.run.def,
            self.run.st,
            self.run.facts.org,
            &self.cmd.actor,
            node,
            stance,
            opinion,
        )?;
        self.decide_at(i, stance, opinion, form)
    }

    /// Records the decision on task `i` (checked by the caller) and moves the flow on.
    pub(super) fn decide_at(
        &mut self,
        i: usize,
        stance: Stance,
        opinion: &str,
        form: Option<&FormData>,
    ) -> Result<(), Refusal> {
        let (task, node) = (self.run.st.tasks[i].id, self.run.st.tasks[i].node);
        if let Some(patch) = form {
            let form = Arc::make_mut(&mut self.run.st.form);
            form.extend(patch.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let t = self.run.st.tasks.remove(i);
        self.run.fx.effects.push(Effect::TaskClosed {
            task,
            reason: CloseReason::Completed,
        });
        let st = &mut *self.run.st;
        st.acted = true;
        match stance {
            Stance::Agree => st.stances.0 = true,
            Stance::Disagree => st.stances.1 = true,
            Stance::Read => {}
        }
        if let Some(tok) = st.tokens.iter_mut().find(|k| k.id == t.token) {
            if stance == Stance::Disagree {
                tok.disagreed += 1;
            } else {
                tok.agreed += 1;
            }
            tok.actors.push(t.assignee.clone());
        }
        let mut ev = self.event(HistoryAction::Decided);
        ev.stance = Some(stance);
        ev.opinion = (!opinion.is_empty()).then(|| opinion.to_string());
        ev.from = Some(node);
        ev.task = Some(task);
        let at = self.run.fx.history.len();
        self.run.fx.history.push(ev);
        let to = self.settle(t.token, t.lane, Some(stance))?;
        self.run.fx.history[at].to = to;
        Ok(())
    }

    /// Decides whether the node of `token` is done after a change, and acts on it.
    pub(super) fn settle(
        &mut self,
        token: TokenId,
        lane: u16,
        last: Option<Stance>,
    ) -> Result<Vec<crate::ids::NodeId>, Refusal> {
        let Some(tok) = self.run.st.tokens.iter().find(|k| k.id == token) else {
            return Ok(Vec::new());
        };
        let node = tok.node;
        let cfg = self.user_node(node);
        let remaining = self
            .run
            .st
            .tasks
            .iter()
            .filter(|t| t.token == token)
            .count() as u16;
        let (total, agreed, disagreed) = (tok.total, tok.agreed, tok.disagreed);
        let completion_met = self.run.def.completion[node.index()]
            .as_ref()
            .is_some_and(|c| {
                let counters = [
                    ("nrOfInstances", total),
                    ("nrOfCompletedInstances", agreed + disagreed),
                    ("nrOfActiveInstances", remaining),
                ];
                c.is_true(&FlowScope {
                    st: self.run.st,
                    counters: Some(counters),
                })
            });
        let verdict = if completion_met {
            Verdict::Pass
        } else if let Mode::Ratio { percent } = cfg.mode {
            let (p, total) = (percent as u32, total.max(1) as u32);
            if agreed as u32 * 100 >= p * total {
                Verdict::Pass
            } else if disagreed as u32 * 100 > (100 - p.min(100)) * total || remaining == 0 {
                Verdict::Fail
            } else {
                Verdict::Wait
            }
        } else if last == Some(Stance::Disagree) && cfg.on_disagree != DisagreeOutcome::Continue {
            Verdict::Fail
        } else if cfg.mode == Mode::Any && matches!(last, Some(Stance::Agree | Stance::Read))
            || remaining == 0
        {
            Verdict::Pass
        } else {
            Verdict::Wait
        };
        match verdict {
            Verdict::Pass => self.run.pass_node(token),
            Verdict::Fail => match cfg.on_disagree {
                DisagreeOutcome::Reject => {
                    self.run.finish(Status::Rejected);
                    Ok(Vec::new())
                }
                DisagreeOutcome::ReturnToInitiator => {
                    self.run.return_to_initiator(Some(node));
                    Ok(vec![self.run.def.start])
                }
                DisagreeOutcome::Continue => self.run.pass_node(token),
            },
            Verdict::Wait => {
                self.open_next_in_lane(token, lane);
                Ok(Vec::new())
            }
        }
    }

    /// Opens the next queued task of a lane when none of it is open.
    pub(super) fn open_next_in_lane(&mut self, token: TokenId, lane: u16) {
        let (def, facts) = (self.run.def, self.run.facts);
        let st = &mut *self.run.st;
        let in_lane = |t: &&mut crate::state::Task| t.token == token && t.lane == lane;
        if st
            .tasks
            .iter_mut()
            .filter(in_lane)
            .any(|t| t.state == TaskState::Open)
        {
            return;
        }
        let next = st
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.token == token && t.lane == lane)
            .min_by_key(|(_, t)| t.seq)
            .map(|(i, _)| i);
        if let Some(i) = next {
            // someone who went away while queued hands it to their stand-in now
            let mut task = self.run.st.tasks[i].clone();
            if self.run.stand_in(&mut task) {
                self.run.st.tasks[i] = task;
            }
            let next = &mut self.run.st.tasks[i];
            next.state = TaskState::Open;
            // The time limit counts from when the task opens, not from when the node did.
            if let Some(limit) = def
                .node(next.node)
                .kind
                .user_node()
                .and_then(|u| u.time_limit)
            {
                next.due = Some(limit.due(facts.now, facts.calendar));
                next.overdue = false;
            }
            self.run.fx.effects.push(Effect::TaskOpened {
                task: next.id,
                node: next.node,
                assignee: next.assignee.clone(),
                due: next.due,
            });
        }
    }
}
