//! DESIGN §3's instance invariants as a checker: the property tests assert it after every
//! command, and `xietong check` runs it over stored instances.
//!
//! Two kinds of findings: the state does not fit its definition (a node that is not in the
//! graph, an id the state never issued) and the state breaks an invariant (a running instance
//! with nothing to wait for, work left on a finished one, a task without its token).

use std::collections::HashSet;
use std::fmt;

use crate::definition::FlowDefinition;
use crate::ids::{NodeId, TokenId};
use crate::model::NodeKind;
use crate::state::{InstanceState, Status, TaskState};

/// One broken rule.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Violation {
    /// What kind of rule.
    pub kind: ViolationKind,
    /// What is wrong, in words, naming the node keys and ids involved.
    pub message: String,
}

/// The kinds of broken rules.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ViolationKind {
    /// The state does not fit the definition it runs on: unknown nodes, tasks on nodes that
    /// take none, ids the state never issued or issued twice, references to missing tokens,
    /// frames or timers.
    Definition,
    /// A running instance with nothing that can move it on (no open task, timer or awaited
    /// sub-flow), or a token whose tasks are all queued.
    Stuck,
    /// A finished instance that still holds tasks, tokens or timers.
    WorkAfterEnd,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Every rule `state` breaks when run on `def`; empty when all hold.
pub fn check(def: &FlowDefinition, state: &InstanceState) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut bad = |kind: ViolationKind, message: String| out.push(Violation { kind, message });
    let nodes = def.graph().nodes.len();
    let known = |n: NodeId| n.index() < nodes;
    let name = |n: NodeId| {
        if known(n) {
            format!("`{}`", def.key(n))
        } else {
            format!("#{}", n.0)
        }
    };
    let def_err = ViolationKind::Definition;

    // Everything the state refers to exists in the definition.
    let mut refs: Vec<(String, NodeId)> = Vec::new();
    refs.extend(
        state
            .tokens
            .iter()
            .map(|t| (format!("token {}", t.id), t.node)),
    );
    refs.extend(
        state
            .tasks
            .iter()
            .map(|t| (format!("task {}", t.id), t.node)),
    );
    refs.extend(
        state
            .timers
            .iter()
            .map(|t| (format!("timer {}", t.id), t.boundary)),
    );
    refs.extend(
        state
            .frames
            .iter()
            .map(|f| (format!("frame {}", f.id), f.split)),
    );
    refs.extend(state.cc.iter().map(|c| (format!("copy {}", c.id), c.node)));
    refs.extend(state.passed.iter().map(|n| ("passed node".to_string(), *n)));
    refs.extend(
        state
            .returned_from
            .iter()
            .map(|n| ("returned-from node".to_string(), *n)),
    );
    let mut unknown = false;
    for (what, node) in &refs {
        if !known(*node) {
            unknown = true;
            bad(
                def_err,
                format!(
                    "{what} is at node #{}, which the definition does not have ({nodes} nodes)",
                    node.0
                ),
            );
        }
    }

    // Ids come from one counter: each is issued once and none is ahead of it.
    let mut seen = HashSet::new();
    let ids = (state.tasks.iter().map(|t| ("task", t.id.0)))
        .chain(state.tokens.iter().map(|t| ("token", t.id.0)))
        .chain(state.frames.iter().map(|f| ("frame", f.id.0)))
        .chain(state.timers.iter().map(|t| ("timer", t.id.0)))
        .chain(state.cc.iter().map(|c| ("copy", c.id.0)));
    for (what, id) in ids {
        if id == 0 || id > state.next_id {
            bad(
                def_err,
                format!(
                    "{what} {id} was never issued (the next id is {})",
                    state.next_id + 1
                ),
            );
        }
        if !seen.insert(id) {
            bad(def_err, format!("id {id} ({what}) is used twice"));
        }
    }

    let token_ids: HashSet<TokenId> = state.tokens.iter().map(|t| t.id).collect();
    for t in &state.tasks {
        if !token_ids.contains(&t.token) {
            bad(
                def_err,
                format!(
                    "task {} on {} belongs to token {}, which does not exist",
                    t.id,
                    name(t.node),
                    t.token
                ),
            );
        }
        if known(t.node)
            && !matches!(
                def.node(t.node).kind,
                NodeKind::Start | NodeKind::Approve(_) | NodeKind::Handle(_)
            )
        {
            bad(
                def_err,
                format!(
                    "task {} is on {}, a node that takes no tasks",
                    t.id,
                    name(t.node)
                ),
            );
        }
        if let Some(tok) = state.tokens.iter().find(|k| k.id == t.token)
            && tok.node != t.node
        {
            bad(
                def_err,
                format!(
                    "task {} is on {} but its token {} is on {}",
                    t.id,
                    name(t.node),
                    tok.id,
                    name(tok.node)
                ),
            );
        }
    }
    for t in &state.tokens {
        if let Some(f) = t.frame
            && state.frame(f).is_none()
        {
            bad(
                def_err,
                format!(
                    "token {} on {} belongs to frame {f}, which does not exist",
                    t.id,
                    name(t.node)
                ),
            );
        }
    }
    for f in &state.frames {
        if let Some(p) = f.parent
            && state.frame(p).is_none()
        {
            bad(
                def_err,
                format!("frame {} lies in frame {p}, which does not exist", f.id),
            );
        }
    }
    for t in &state.timers {
        if !token_ids.contains(&t.token) {
            bad(
                def_err,
                format!(
                    "timer {} watches token {}, which does not exist",
                    t.id, t.token
                ),
            );
        }
        if known(t.boundary) && !matches!(def.node(t.boundary).kind, NodeKind::TimerBoundary { .. })
        {
            bad(
                def_err,
                format!(
                    "timer {} is on {}, which is not a timer",
                    t.id,
                    name(t.boundary)
                ),
            );
        }
    }

    // DESIGN §3: a running instance always has work waiting; a finished one has none.
    if state.status == Status::Running {
        if state.open_tasks().next().is_none() && state.timers.is_empty() && state.tokens.is_empty()
        {
            bad(
                ViolationKind::Stuck,
                "running, but with no open task, no pending timer and no awaited sub-flow: \
                 nothing can move it on"
                    .into(),
            );
        }
        for t in &state.tokens {
            let tasks: Vec<_> = state.tasks.iter().filter(|k| k.token == t.id).collect();
            if tasks.is_empty() {
                let awaits_subflow =
                    !unknown && matches!(def.node(t.node).kind, NodeKind::CallActivity { .. });
                if known(t.node) && !awaits_subflow {
                    bad(
                        ViolationKind::Stuck,
                        format!(
                            "token {} waits on {} with no task and no sub-flow to wait for",
                            t.id,
                            name(t.node)
                        ),
                    );
                }
            } else if tasks.iter().all(|k| k.state == TaskState::Queued) {
                bad(
                    ViolationKind::Stuck,
                    format!(
                        "token {} on {} has only queued tasks: nobody can act",
                        t.id,
                        name(t.node)
                    ),
                );
            }
        }
    } else if !state.tasks.is_empty() || !state.tokens.is_empty() || !state.timers.is_empty() {
        bad(
            ViolationKind::WorkAfterEnd,
            format!(
                "{:?} but still holds {} task(s), {} token(s) and {} timer(s)",
                state.status,
                state.tasks.len(),
                state.tokens.len(),
                state.timers.len()
            ),
        );
    }
    out
}
