//! A validated definition, indexed for running: validation errors name the node (or edge) they
//! are about, and the running engine uses indices, never key lookups, on its hot paths.

use crate::expr::Expr;
use crate::ids::NodeId;
use crate::model::{FlowGraph, NodeKind};
use std::collections::HashMap;
use std::fmt;

/// A flow template's graph, validated and indexed. Cheap to share: instances only borrow it.
#[derive(Clone, Debug)]
pub struct FlowDefinition {
    graph: FlowGraph,
    pub(crate) outgoing: Vec<Vec<u32>>,
    pub(crate) incoming: Vec<Vec<u32>>,
    pub(crate) start: NodeId,
    pub(crate) inner_start: Vec<Option<NodeId>>,
    pub(crate) boundaries: Vec<Vec<NodeId>>,
    /// Per node: the sections (split or sub-process, branch index) it sits in, outermost first.
    pub(crate) sections: Vec<Vec<(NodeId, u16)>>,
    pub(crate) conditions: Vec<Option<Expr>>,
    pub(crate) completion: Vec<Option<Expr>>,
    reach: Vec<Vec<u64>>,
    /// Per node: no approve/handle node or sub-flow can follow it.
    pub(crate) is_last: Vec<bool>,
    by_key: HashMap<String, NodeId>,
}

/// A problem found in a definition, located by the key of the node or edge it concerns.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("`{at}`: {problem}")]
pub struct ValidationError {
    /// Key of the node or edge.
    pub at: String,
    /// What is wrong.
    pub problem: Problem,
}

/// The kinds of definition problems.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum Problem {
    /// Two nodes or edges share a key.
    #[error("duplicate key")]
    DuplicateKey,
    /// An edge points at a node that does not exist, or crosses a sub-process boundary.
    #[error("edge refers to a missing node or crosses a sub-process boundary")]
    BadEdge,
    /// A node names a parent that is not a sub-process.
    #[error("parent is not a sub-process")]
    BadParent,
    /// The flow (or a sub-process) has no start, or more than one.
    #[error("needs exactly one start node")]
    StartCount,
    /// A start has incoming edges, or not exactly one outgoing.
    #[error("a start has no incoming edge and exactly one outgoing edge")]
    BadStart,
    /// An end has outgoing edges.
    #[error("an end has no outgoing edge")]
    EndHasOutgoing,
    /// The node cannot be reached from the start.
    #[error("unreachable from the start")]
    Unreachable,
    /// From this node no end can be reached: a dead end or a loop with no way out.
    #[error("no way out: no end can be reached from here (dead end or endless loop)")]
    NoWayOut,
    /// A conditional split has no default edge.
    #[error("branch without default: a split needs one default (unconditional) edge")]
    BranchWithoutDefault,
    /// More than one edge of a split lacks a condition.
    #[error("more than one edge of this split has no condition")]
    BranchWithoutCondition,
    /// A parallel split's edge carries a condition.
    #[error("edges of a parallel split take no condition")]
    ConditionOnParallel,
    /// A condition does not parse.
    #[error("condition does not parse: {0}")]
    BadCondition(String),
    /// A condition reads a field the form does not declare.
    #[error("condition names unknown field `{0}`")]
    UnknownField(String),
    /// A join no split opened.
    #[error("join without split")]
    JoinWithoutSplit,
    /// Paths through different parallel sections meet here.
    #[error("unbalanced: paths from different parallel sections meet here")]
    UnbalancedSection,
    /// A path inside a parallel section ends before its join.
    #[error("a path inside a parallel section ends before its join")]
    EndInsideSection,
    /// A task-like node needs exactly one outgoing edge.
    #[error("needs exactly one outgoing edge")]
    OutgoingCount,
    /// A timer is attached to something that is not a task, or a reminder has edges.
    #[error(
        "timer must be attached to an approve/handle node; a non-interrupting timer takes no edge"
    )]
    BadTimer,
    /// A reminder without a time limit, or a time limit of zero.
    #[error("a reminder needs a time limit, and limits and reminders must be longer than zero")]
    BadTimeLimit,
}

fn located(at: &str, problem: Problem) -> ValidationError {
    ValidationError {
        at: at.to_string(),
        problem,
    }
}

const INITIATOR_FACTS: [&str; 4] = ["id", "department", "post", "rank"];
const MULTI_INSTANCE_VARS: [&str; 3] = [
    "nrOfInstances",
    "nrOfCompletedInstances",
    "nrOfActiveInstances",
];

impl FlowDefinition {
    /// Validates and indexes a graph; every problem found is reported, each located.
    pub fn new(graph: FlowGraph) -> Result<FlowDefinition, Vec<ValidationError>> {
        let n = graph.nodes.len();
        let mut errors = Vec::new();
        let mut by_key = HashMap::with_capacity(n);
        for (i, node) in graph.nodes.iter().enumerate() {
            if by_key.insert(node.key.clone(), NodeId(i as u32)).is_some() {
                errors.push(located(&node.key, Problem::DuplicateKey));
            }
            if let Some(p) = node.parent
                && !matches!(
                    graph.nodes.get(p.index()).map(|p| &p.kind),
                    Some(NodeKind::SubProcess)
                )
            {
                errors.push(located(&node.key, Problem::BadParent));
            }
        }
        let mut edge_keys = std::collections::HashSet::new();
        let mut outgoing = vec![Vec::new(); n];
        let mut incoming = vec![Vec::new(); n];
        for (i, e) in graph.edges.iter().enumerate() {
            if !edge_keys.insert(e.key.as_str()) || by_key.contains_key(&e.key) {
                errors.push(located(&e.key, Problem::DuplicateKey));
            }
            let (Some(a), Some(b)) = (
                graph.nodes.get(e.from.index()),
                graph.nodes.get(e.to.index()),
            ) else {
                errors.push(located(&e.key, Problem::BadEdge));
                continue;
            };
            if a.parent != b.parent {
                errors.push(located(&e.key, Problem::BadEdge));
                continue;
            }
            outgoing[e.from.index()].push(i as u32);
            incoming[e.to.index()].push(i as u32);
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        let mut def = FlowDefinition {
            outgoing,
            incoming,
            start: NodeId(0),
            inner_start: vec![None; n],
            boundaries: vec![Vec::new(); n],
            sections: vec![Vec::new(); n],
            conditions: vec![None; graph.edges.len()],
            completion: vec![None; n],
            reach: Vec::new(),
            is_last: vec![false; n],
            by_key,
            graph,
        };
        def.check_nodes(&mut errors);
        def.compile_conditions(&mut errors);
        if errors.is_empty() {
            def.compute_reach();
            def.check_reachability(&mut errors);
        }
        if errors.is_empty() {
            def.compute_sections(&mut errors);
        }
        if errors.is_empty() {
            return Ok(def);
        }
        let mut unique: Vec<ValidationError> = Vec::with_capacity(errors.len());
        for e in errors {
            if !unique.contains(&e) {
                unique.push(e);
            }
        }
        Err(unique)
    }

    /// The graph as authored.
    pub fn graph(&self) -> &FlowGraph {
        &self.graph
    }

    /// The node with this key.
    pub fn node_id(&self, key: &str) -> Option<NodeId> {
        self.by_key.get(key).copied()
    }

    /// A node by id.
    pub fn node(&self, id: NodeId) -> &crate::model::Node {
        &self.graph.nodes[id.index()]
    }

    /// The key of a node, for messages and history.
    pub fn key(&self, id: NodeId) -> &str {
        &self.graph.nodes[id.index()].key
    }

    /// Whether `to` can be reached from `from` along edges (not counting `from` itself unless a
    /// loop leads back to it).
    pub fn reaches(&self, from: NodeId, to: NodeId) -> bool {
        self.reach[from.index()][to.index() / 64] & (1 << (to.index() % 64)) != 0
    }

    pub(crate) fn edge_target(&self, edge: u32) -> NodeId {
        self.graph.edges[edge as usize].to
    }

    fn check_nodes(&mut self, errors: &mut Vec<ValidationError>) {
        let mut starts: HashMap<Option<NodeId>, Vec<NodeId>> = HashMap::new();
        for (i, node) in self.graph.nodes.iter().enumerate() {
            let id = NodeId(i as u32);
            let (outs, ins) = (self.outgoing[i].len(), self.incoming[i].len());
            match &node.kind {
                NodeKind::Start => {
                    starts.entry(node.parent).or_default().push(id);
                    if ins != 0 || outs != 1 {
                        errors.push(located(&node.key, Problem::BadStart));
                    }
                }
                NodeKind::End if outs != 0 => {
                    errors.push(located(&node.key, Problem::EndHasOutgoing))
                }
                NodeKind::Approve(_)
                | NodeKind::Handle(_)
                | NodeKind::Cc(_)
                | NodeKind::SubProcess
                | NodeKind::CallActivity { .. }
                    if outs != 1 =>
                {
                    errors.push(located(&node.key, Problem::OutgoingCount))
                }
                NodeKind::TimerBoundary {
                    attached_to,
                    interrupting,
                    ..
                } => {
                    let target = self.graph.nodes.get(attached_to.index());
                    let ok_target =
                        target.is_some_and(|t| t.kind.is_task() && t.parent == node.parent);
                    let ok_edges = if *interrupting { outs == 1 } else { outs == 0 } && ins == 0;
                    if ok_target && ok_edges {
                        self.boundaries[attached_to.index()].push(id);
                    } else {
                        errors.push(located(&node.key, Problem::BadTimer));
                    }
                }
                _ => {}
            }
            if let Some(u) = node.kind.user_node() {
                let zero =
                    |l: &Option<crate::calendar::TimeLimit>| l.is_some_and(|l| l.amount == 0);
                if zero(&u.time_limit)
                    || zero(&u.remind_before)
                    || (u.remind_before.is_some() && u.time_limit.is_none())
                {
                    errors.push(located(&node.key, Problem::BadTimeLimit));
                }
            }
        }
        if self.graph.time_limit.is_some_and(|l| l.amount == 0) {
            errors.push(located(&self.graph.key, Problem::BadTimeLimit));
        }
        let top = starts.get(&None).map_or(0, Vec::len);
        if top != 1 {
            errors.push(located(&self.graph.key, Problem::StartCount));
        } else {
            self.start = starts[&None][0];
        }
        for (i, node) in self.graph.nodes.iter().enumerate() {
            if matches!(node.kind, NodeKind::SubProcess) {
                match starts.get(&Some(NodeId(i as u32))).map(Vec::as_slice) {
                    Some([one]) => self.inner_start[i] = Some(*one),
                    _ => errors.push(located(&node.key, Problem::StartCount)),
                }
            }
        }
    }

    fn compile_conditions(&mut self, errors: &mut Vec<ValidationError>) {
        let fields = &self.graph.fields;
        let check_field = |path: &[String],
                           at: &str,
                           errors: &mut Vec<ValidationError>,
                           extra: &[&str]| {
            let known = match path[0].as_str() {
                "initiator" => path.len() == 2 && INITIATOR_FACTS.contains(&path[1].as_str()),
                root => {
                    fields.is_empty() || fields.iter().any(|f| f == root) || extra.contains(&root)
                }
            };
            if !known {
                errors.push(located(at, Problem::UnknownField(path.join("."))));
            }
        };
        for (i, edge) in self.graph.edges.iter().enumerate() {
            let Some(src) = &edge.condition else { continue };
            match Expr::parse(src) {
                Ok(expr) => {
                    expr.fields()
                        .into_iter()
                        .for_each(|p| check_field(p, &edge.key, errors, &[]));
                    self.conditions[i] = Some(expr);
                }
                Err(e) => errors.push(located(&edge.key, Problem::BadCondition(e.to_string()))),
            }
        }
        for (i, node) in self.graph.nodes.iter().enumerate() {
            let Some(src) = node.kind.user_node().and_then(|u| u.completion.as_ref()) else {
                continue;
            };
            match Expr::parse(src) {
                Ok(expr) => {
                    expr.fields()
                        .into_iter()
                        .for_each(|p| check_field(p, &node.key, errors, &MULTI_INSTANCE_VARS));
                    self.completion[i] = Some(expr);
                }
                Err(e) => errors.push(located(&node.key, Problem::BadCondition(e.to_string()))),
            }
        }
        for (i, node) in self.graph.nodes.iter().enumerate() {
            let outs = &self.outgoing[i];
            if outs.len() < 2 {
                continue;
            }
            let edges: Vec<_> = outs
                .iter()
                .map(|&e| &self.graph.edges[e as usize])
                .collect();
            match node.kind {
                NodeKind::Parallel
                    if edges.iter().any(|e| e.condition.is_some() || e.is_default) =>
                {
                    errors.push(located(&node.key, Problem::ConditionOnParallel));
                }
                NodeKind::Exclusive | NodeKind::Inclusive => {
                    let defaults = edges.iter().filter(|e| e.is_default).count();
                    let bare = edges
                        .iter()
                        .filter(|e| !e.is_default && e.condition.is_none())
                        .count();
                    if defaults + bare == 0 {
                        errors.push(located(&node.key, Problem::BranchWithoutDefault));
                    } else if defaults + bare > 1 {
                        errors.push(located(&node.key, Problem::BranchWithoutCondition));
                    }
                }
                _ => {}
            }
        }
    }

    /// Successors for reachability: edges, a sub-process's inner start, a task's timers.
    fn successors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.outgoing[i]
            .iter()
            .map(|&e| self.edge_target(e).index())
            .chain(self.inner_start[i].map(NodeId::index))
            .chain(self.boundaries[i].iter().map(|b| b.index()))
    }

    fn compute_reach(&mut self) {
        let n = self.graph.nodes.len();
        let words = n.div_ceil(64).max(1);
        let mut reach = vec![vec![0u64; words]; n];
        for (from, bits) in reach.iter_mut().enumerate() {
            let mut stack: Vec<usize> = self.successors(from).collect();
            while let Some(v) = stack.pop() {
                if bits[v / 64] & (1 << (v % 64)) == 0 {
                    bits[v / 64] |= 1 << (v % 64);
                    stack.extend(self.successors(v));
                }
            }
        }
        self.reach = reach;
        for i in 0..n {
            self.is_last[i] = !(0..n).any(|j| {
                self.reaches(NodeId(i as u32), NodeId(j as u32))
                    && matches!(
                        self.graph.nodes[j].kind,
                        NodeKind::Approve(_)
                            | NodeKind::Handle(_)
                            | NodeKind::SubProcess
                            | NodeKind::CallActivity { .. }
                    )
            });
        }
    }

    fn check_reachability(&self, errors: &mut Vec<ValidationError>) {
        for (i, node) in self.graph.nodes.iter().enumerate() {
            let id = NodeId(i as u32);
            if id != self.start && !self.reaches(self.start, id) {
                errors.push(located(&node.key, Problem::Unreachable));
                continue;
            }
            let is_reminder = matches!(
                node.kind,
                NodeKind::TimerBoundary {
                    interrupting: false,
                    ..
                }
            );
            let way_out = matches!(node.kind, NodeKind::End)
                || is_reminder
                || self.graph.nodes.iter().enumerate().any(|(j, other)| {
                    matches!(other.kind, NodeKind::End)
                        && other.parent == node.parent
                        && self.reaches(id, NodeId(j as u32))
                });
            if !way_out {
                errors.push(located(&node.key, Problem::NoWayOut));
            }
        }
    }

    fn compute_sections(&mut self, errors: &mut Vec<ValidationError>) {
        let n = self.graph.nodes.len();
        let mut seen: Vec<Option<Vec<(NodeId, u16)>>> = vec![None; n];
        seen[self.start.index()] = Some(Vec::new());
        let mut work = vec![self.start];
        let mut paired: Vec<Option<NodeId>> = vec![None; n];
        let nodes = &self.graph.nodes;
        let visit = |seen: &mut Vec<Option<Vec<(NodeId, u16)>>>,
                     target: NodeId,
                     path: Vec<(NodeId, u16)>,
                     work: &mut Vec<NodeId>,
                     errors: &mut Vec<ValidationError>| {
            match &seen[target.index()] {
                None => {
                    seen[target.index()] = Some(path);
                    work.push(target);
                }
                Some(existing) if *existing != path => errors.push(located(
                    &nodes[target.index()].key,
                    Problem::UnbalancedSection,
                )),
                Some(_) => {}
            }
        };
        while let Some(node) = work.pop() {
            let i = node.index();
            let path = seen[i].clone().unwrap_or_default();
            let kind = &self.graph.nodes[i].kind;
            let splits = kind.is_forking_gateway() && self.outgoing[i].len() > 1;
            for (branch, &e) in self.outgoing[i].iter().enumerate() {
                let target = self.edge_target(e);
                let mut next = path.clone();
                if splits {
                    next.push((node, branch as u16));
                }
                let t = &self.graph.nodes[target.index()];
                if t.kind.is_forking_gateway() && self.incoming[target.index()].len() > 1 {
                    let Some(&(split, _)) = next.last() else {
                        errors.push(located(&t.key, Problem::JoinWithoutSplit));
                        continue;
                    };
                    let same_kind = std::mem::discriminant(&self.graph.nodes[split.index()].kind)
                        == std::mem::discriminant(&t.kind);
                    if !same_kind || paired[target.index()].is_some_and(|p| p != split) {
                        errors.push(located(&t.key, Problem::UnbalancedSection));
                        continue;
                    }
                    paired[target.index()] = Some(split);
                    next.pop();
                }
                visit(&mut seen, target, next, &mut work, errors);
            }
            if let Some(inner) = self.inner_start[i] {
                let mut next = path.clone();
                next.push((node, 0));
                visit(&mut seen, inner, next, &mut work, errors);
            }
            for &b in &self.boundaries[i] {
                visit(&mut seen, b, path.clone(), &mut work, errors);
            }
            if matches!(kind, NodeKind::End) {
                let expected = self.graph.nodes[i].parent;
                if path.last().map(|p| p.0) != expected {
                    errors.push(located(&self.graph.nodes[i].key, Problem::EndInsideSection));
                }
            }
        }
        self.sections = seen.into_iter().map(Option::unwrap_or_default).collect();
    }
}

impl fmt::Display for FlowDefinition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "flow `{}` ({} nodes)",
            self.graph.key,
            self.graph.nodes.len()
        )
    }
}
