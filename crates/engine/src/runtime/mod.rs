//! Moving tokens through the graph: gateways, sections, user nodes, sub-processes, the end.
//! Joins count arrivals per activation (`Frame`), which is what keeps send-back correct.

use crate::command::Facts;
use crate::definition::FlowDefinition;
use crate::expr::{Decimal, Scope, Value};
use crate::history::{Effect, Effects, HistoryAction, HistoryEvent};
use crate::ids::{FrameId, NodeId, TokenId};
use crate::model::NodeKind;
use crate::refusal::Refusal;
use crate::state::{Frame, InstanceState, Status, Token};

mod work;

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
        for (i, segment) in path[1..].iter().enumerate() {
            // `items.amount` over a detail table: the column's values (as computed fields see it)
            if let Some(serde_json::Value::Array(rows)) = current {
                if i + 2 != path.len() {
                    return Value::Null;
                }
                return Value::List(
                    rows.iter()
                        .map(|r| r.get(segment).map_or(Value::Null, Value::from_json))
                        .collect(),
                );
            }
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
}
