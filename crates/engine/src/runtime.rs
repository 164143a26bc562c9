//! Moving tokens through the graph: gateways, sections, user nodes, sub-processes, the end.
//! Joins count arrivals per activation (`Frame`), which is what keeps send-back correct.

use crate::command::Facts;
use crate::definition::FlowDefinition;
use crate::expr::{Decimal, Scope, Value};
use crate::history::{CloseReason, Effect, Effects, HistoryAction, HistoryEvent, NotifyReason};
use crate::ids::{CcId, FrameId, NodeId, TaskId, TimerId, TokenId, UserId};
use crate::model::{EmptyPolicy, InitiatorPolicy, Mode, NodeKind, RepeatPolicy};
use crate::participants::{RuleInputs, resolve};
use crate::refusal::Refusal;
use crate::state::{CcItem, Frame, InstanceState, Status, Task, TaskState, Timer, Token};

/// Steps one command may take through gateways before it is judged a runaway loop.
const MAX_STEPS: usize = 10_000;

/// A position in the flow: node, innermost activation, branch.
pub(crate) type Position = (NodeId, Option<FrameId>, u16);

/// One command's working context.
pub(crate) struct Run<'a, 'f> {
    pub def: &'a FlowDefinition,
    pub facts: &'a Facts<'f>,
    pub st: &'a mut InstanceState,
    pub fx: &'a mut Effects,
}

/// Conditions see the form, the initiator's facts and, for completion conditions, the
/// multi-instance counters.
pub(crate) struct FlowScope<'a> {
    pub st: &'a InstanceState,
    pub counters: Option<[(&'static str, u16); 3]>,
}

impl Scope for FlowScope<'_> {
    fn lookup(&self, path: &[String]) -> Value {
        if let [root, fact] = path
            && root == "initiator"
        {
            let f = &self.st.initiator_facts;
            return match fact.as_str() {
                "id" => Value::Str(self.st.initiator.to_string()),
                "department" => f
                    .department
                    .as_ref()
                    .map_or(Value::Null, |d| Value::Str(d.to_string())),
                "post" => f.post.clone().map_or(Value::Null, Value::Str),
                "rank" => f
                    .rank
                    .map_or(Value::Null, |r| Value::Num(Decimal::from_int(r))),
                _ => Value::Null,
            };
        }
        if let (Some(counters), [name]) = (&self.counters, path)
            && let Some((_, n)) = counters.iter().find(|(k, _)| k == name)
        {
            return Value::Num(Decimal::from_int(*n as i64));
        }
        let mut current = self.st.form.get(&path[0]);
        for segment in &path[1..] {
            current = current.and_then(|v| v.get(segment));
        }
        current.map_or(Value::Null, Value::from_json)
    }
}

impl Run<'_, '_> {
    /// A history record stamped now, by nobody (the engine).
    pub fn event(&self, action: HistoryAction) -> HistoryEvent {
        HistoryEvent {
            at: self.facts.now,
            actor: None,
            acting_for: None,
            action,
            stance: None,
            opinion: None,
            from: None,
            to: Vec::new(),
            task: None,
            users: Vec::new(),
        }
    }

    fn target(&self, node: NodeId) -> NodeId {
        self.def.edge_target(self.def.outgoing[node.index()][0])
    }

    /// Moves tokens from `start` until every one waits at a task, a sub-flow or has ended.
    /// Returns the nodes where work now waits.
    pub fn enter(&mut self, start: Position) -> Result<Vec<NodeId>, Refusal> {
        // a straight path never allocates: only fan-out goes through `work`
        let mut work: Vec<Position> = Vec::new();
        let mut next = Some(start);
        let mut reached = Vec::new();
        let mut steps = 0;
        while let Some((node, frame, branch)) = next.take().or_else(|| work.pop()) {
            steps += 1;
            if steps > MAX_STEPS {
                return Err(Refusal::RunawayLoop(self.def.key(node).to_string()));
            }
            match &self.def.node(node).kind {
                NodeKind::Start | NodeKind::TimerBoundary { .. } => {
                    next = Some((self.target(node), frame, branch))
                }
                NodeKind::End => self.arrive_at_end(node, frame, &mut work),
                NodeKind::Exclusive => {
                    next = Some((self.choose_one(node), frame, branch));
                }
                NodeKind::Parallel | NodeKind::Inclusive => {
                    let (mut frame, mut branch) = (frame, branch);
                    if self.def.incoming[node.index()].len() > 1 {
                        let Some(f) = frame else { continue };
                        let Some(fr) = self.st.frames.iter_mut().find(|fr| fr.id == f) else {
                            continue;
                        };
                        fr.arrived += 1;
                        if fr.arrived < fr.expected {
                            continue;
                        }
                        (frame, branch) = (fr.parent, fr.parent_branch);
                        self.st.frames.retain(|fr| fr.id != f);
                    }
                    if self.def.outgoing[node.index()].len() > 1 {
                        let chosen = self.choose(node);
                        let id = FrameId(self.st.fresh_id());
                        self.st.frames.push(Frame {
                            id,
                            split: node,
                            parent: frame,
                            parent_branch: branch,
                            expected: chosen.len() as u16,
                            arrived: 0,
                        });
                        // reversed so branch 0 is worked first
                        for &(b, target) in chosen.iter().rev() {
                            work.push((target, Some(id), b));
                        }
                    } else {
                        next = Some((self.target(node), frame, branch));
                    }
                }
                NodeKind::Approve(_) | NodeKind::Handle(_) => {
                    if self.activate(node, frame, branch)? {
                        reached.push(node);
                    } else {
                        next = Some((self.target(node), frame, branch));
                    }
                }
                NodeKind::Cc(_) => {
                    let users = self.participants(node)?;
                    self.send_cc(node, users);
                    next = Some((self.target(node), frame, branch));
                }
                NodeKind::SubProcess => {
                    let id = FrameId(self.st.fresh_id());
                    self.st.frames.push(Frame {
                        id,
                        split: node,
                        parent: frame,
                        parent_branch: branch,
                        expected: 1,
                        arrived: 0,
                    });
                    next = self.def.inner_start[node.index()].map(|inner| (inner, Some(id), 0));
                }
                NodeKind::CallActivity { called } => {
                    let token = TokenId(self.st.fresh_id());
                    self.st.tokens.push(Token {
                        id: token,
                        node,
                        frame,
                        branch,
                        total: 0,
                        agreed: 0,
                        disagreed: 0,
                        actors: Vec::new(),
                    });
                    self.fx.effects.push(Effect::SubFlowRequested {
                        token,
                        called: called.clone(),
                    });
                    reached.push(node);
                }
            }
        }
        Ok(reached)
    }

    /// The target of an exclusive gateway: the first edge whose condition holds, else the default.
    fn choose_one(&self, node: NodeId) -> NodeId {
        let outs = &self.def.outgoing[node.index()];
        if let [only] = outs.as_slice() {
            return self.def.edge_target(*only);
        }
        let scope = FlowScope {
            st: self.st,
            counters: None,
        };
        let mut default = None;
        for &e in outs {
            let edge = &self.def.graph().edges[e as usize];
            match &self.def.conditions[e as usize] {
                Some(cond) if !edge.is_default => {
                    if cond.is_true(&scope) {
                        return edge.to;
                    }
                }
                _ => default = default.or(Some(edge.to)),
            }
        }
        // validation guarantees a default edge on every conditional split
        default.unwrap_or_else(|| self.def.edge_target(outs[0]))
    }

    /// The outgoing edges of a parallel or inclusive split, as (branch index, target): parallel
    /// takes all, inclusive every true condition, or the default when none holds.
    fn choose(&self, node: NodeId) -> Vec<(u16, NodeId)> {
        let outs = &self.def.outgoing[node.index()];
        if outs.len() == 1 {
            return vec![(0, self.def.edge_target(outs[0]))];
        }
        let scope = FlowScope {
            st: self.st,
            counters: None,
        };
        let mut chosen = Vec::new();
        let mut default = None;
        for (b, &e) in outs.iter().enumerate() {
            let edge = &self.def.graph().edges[e as usize];
            match &self.def.conditions[e as usize] {
                Some(cond) if !edge.is_default => {
                    if cond.is_true(&scope) {
                        chosen.push((b as u16, edge.to));
                    }
                }
                _ if matches!(self.def.node(node).kind, NodeKind::Parallel) => {
                    chosen.push((b as u16, edge.to))
                }
                _ => default = Some((b as u16, edge.to)),
            }
        }
        if chosen.is_empty() {
            chosen.extend(default);
        }
        chosen
    }

    fn arrive_at_end(&mut self, node: NodeId, frame: Option<FrameId>, work: &mut Vec<Position>) {
        if self.def.node(node).parent.is_none() {
            if self.st.tokens.is_empty() && work.is_empty() {
                self.finish(Status::Approved);
            }
            return;
        }
        // the end of an embedded sub-process: it completes when nothing runs inside any more
        let Some(f) = frame else { return };
        let busy = self
            .st
            .tokens
            .iter()
            .any(|t| self.st.inside_frame(t.frame, f))
            || work.iter().any(|w| self.st.inside_frame(w.1, f));
        if busy {
            return;
        }
        let Some(fr) = self.st.frame(f).cloned() else {
            return;
        };
        self.st.frames.retain(|x| x.id != f);
        work.push((self.target(fr.split), fr.parent, fr.parent_branch));
    }

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
    fn activate(
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
                due,
                delegated_by: None,
                pending: None,
                extended: false,
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

    /// Adds a task with a fresh id; an open one lands in the assignee's inbox.
    pub fn add_task(&mut self, mut task: Task) -> TaskId {
        task.id = TaskId(self.st.fresh_id());
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
            pending: None,
            extended: false,
        });
        self.fx.effects.push(Effect::Notify {
            user: initiator,
            reason: NotifyReason::SentBack,
            task: Some(task),
        });
    }
}
