//! The nested tree DingTalk and Feishu users know (approver → condition branches → parallel
//! branches → cc), as JSON for the web designer. It compiles to the graph; a graph renders back
//! to a tree when it is built from nested blocks (sub-processes, timers and loops are not).

use crate::definition::FlowDefinition;
use crate::ids::NodeId;
use crate::model::{Edge, FlowGraph, Node, NodeKind, Resubmit, UserNode};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// A flow as a tree.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct FlowTree {
    /// Template key.
    pub key: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Form fields conditions may read.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Where resubmission goes.
    #[serde(default)]
    pub resubmit: Resubmit,
    /// Time limit for the whole flow (办结时限).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<crate::calendar::TimeLimit>,
    /// The steps after the initiator submits, in order.
    #[serde(default)]
    pub nodes: Vec<TreeNode>,
}

/// One step of the tree.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TreeNode {
    /// 审批人
    Approver {
        /// Key.
        id: String,
        /// Name.
        #[serde(default)]
        name: String,
        /// Who and how.
        #[serde(flatten)]
        config: UserNode,
    },
    /// 办理人
    Handler {
        /// Key.
        id: String,
        /// Name.
        #[serde(default)]
        name: String,
        /// Who and how.
        #[serde(flatten)]
        config: UserNode,
    },
    /// 抄送人
    Cc {
        /// Key.
        id: String,
        /// Name.
        #[serde(default)]
        name: String,
        /// Who.
        #[serde(flatten)]
        config: UserNode,
    },
    /// 条件分支: the first branch whose condition holds; the one without a condition is the default.
    Conditions {
        /// Key.
        id: String,
        /// Name.
        #[serde(default)]
        name: String,
        /// Branches by priority.
        branches: Vec<Branch>,
    },
    /// 并行分支: all branches, joined before going on.
    Parallel {
        /// Key.
        id: String,
        /// Name.
        #[serde(default)]
        name: String,
        /// Branches.
        branches: Vec<Branch>,
    },
    /// 包容分支: every branch whose condition holds (the default when none), joined.
    Inclusive {
        /// Key.
        id: String,
        /// Name.
        #[serde(default)]
        name: String,
        /// Branches.
        branches: Vec<Branch>,
    },
}

/// A branch of a block.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Branch {
    /// Name shown on the branch.
    #[serde(default)]
    pub name: String,
    /// Condition; none on the default branch and on parallel branches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Steps of the branch.
    #[serde(default)]
    pub nodes: Vec<TreeNode>,
}

/// Why a graph has no tree form.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("`{0}` has no place in the tree form (sub-process, timer, loop or unstructured branch)")]
pub struct NotATree(pub String);

/// The key of the join generated for a block.
fn join_key(id: &str) -> String {
    format!("{id}_join")
}

struct Builder {
    graph: FlowGraph,
}

impl Builder {
    fn node(&mut self, key: &str, name: &str, kind: NodeKind) -> NodeId {
        self.graph.nodes.push(Node {
            key: key.to_string(),
            name: name.to_string(),
            parent: None,
            kind,
            layout: None,
        });
        NodeId(self.graph.nodes.len() as u32 - 1)
    }

    fn edge(
        &mut self,
        key: String,
        name: &str,
        from: NodeId,
        to: NodeId,
        condition: Option<String>,
        is_default: bool,
    ) {
        self.graph.edges.push(Edge {
            key,
            name: name.to_string(),
            from,
            to,
            condition,
            is_default,
        });
    }

    fn link(&mut self, from: NodeId, to: NodeId) {
        let key = format!(
            "{}_to_{}",
            self.graph.nodes[from.index()].key,
            self.graph.nodes[to.index()].key
        );
        self.edge(key, "", from, to, None, false);
    }

    /// Adds a sequence after `prev`; returns its last node.
    fn sequence(&mut self, nodes: &[TreeNode], mut prev: NodeId) -> NodeId {
        for n in nodes {
            prev = match n {
                TreeNode::Approver { id, name, config } => {
                    self.step(prev, id, name, NodeKind::Approve(config.clone()))
                }
                TreeNode::Handler { id, name, config } => {
                    self.step(prev, id, name, NodeKind::Handle(config.clone()))
                }
                TreeNode::Cc { id, name, config } => {
                    self.step(prev, id, name, NodeKind::Cc(config.clone()))
                }
                TreeNode::Conditions { id, name, branches } => {
                    self.block(prev, id, name, branches, NodeKind::Exclusive)
                }
                TreeNode::Parallel { id, name, branches } => {
                    self.block(prev, id, name, branches, NodeKind::Parallel)
                }
                TreeNode::Inclusive { id, name, branches } => {
                    self.block(prev, id, name, branches, NodeKind::Inclusive)
                }
            };
        }
        prev
    }

    fn step(&mut self, prev: NodeId, id: &str, name: &str, kind: NodeKind) -> NodeId {
        let n = self.node(id, name, kind);
        self.link(prev, n);
        n
    }

    fn block(
        &mut self,
        prev: NodeId,
        id: &str,
        name: &str,
        branches: &[Branch],
        kind: NodeKind,
    ) -> NodeId {
        let split = self.node(id, name, kind.clone());
        self.link(prev, split);
        let join = self.node(&join_key(id), "", kind.clone());
        let conditional = !matches!(kind, NodeKind::Parallel);
        for (i, b) in branches.iter().enumerate() {
            let is_default = conditional && b.condition.is_none();
            let first_edge = self.graph.edges.len();
            let last = self.sequence(&b.nodes, split);
            if last == split {
                self.edge(
                    format!("{id}_b{i}"),
                    &b.name,
                    split,
                    join,
                    b.condition.clone(),
                    is_default,
                );
            } else {
                // the edge out of the split carries the branch's name, condition and key
                let e = &mut self.graph.edges[first_edge];
                e.key = format!("{id}_b{i}");
                e.name = b.name.clone();
                e.condition = b.condition.clone();
                e.is_default = is_default;
                self.link(last, join);
            }
        }
        join
    }
}

/// Compiles a tree to a graph: start → steps → end, a split and a join per block.
pub fn to_graph(tree: &FlowTree) -> FlowGraph {
    let mut b = Builder {
        graph: FlowGraph {
            key: tree.key.clone(),
            name: tree.name.clone(),
            fields: tree.fields.clone(),
            resubmit: tree.resubmit,
            time_limit: tree.time_limit,
            nodes: Vec::new(),
            edges: Vec::new(),
        },
    };
    let start = b.node("start", "", NodeKind::Start);
    let last = b.sequence(&tree.nodes, start);
    let end = b.node("end", "", NodeKind::End);
    b.link(last, end);
    b.graph
}

/// Compiles and validates a tree.
pub fn compile(tree: &FlowTree) -> Result<FlowDefinition, Vec<crate::definition::ValidationError>> {
    FlowDefinition::new(to_graph(tree))
}

/// Renders a definition as a tree, when its shape allows.
pub fn render(def: &FlowDefinition) -> Result<FlowTree, NotATree> {
    let g = def.graph();
    let first = def.edge_target(def.outgoing[def.start.index()][0]);
    let (nodes, stop) = render_sequence(def, first, None, 0)?;
    if !matches!(g.nodes[stop.index()].kind, NodeKind::End) {
        return Err(NotATree(def.key(stop).to_string()));
    }
    Ok(FlowTree {
        key: g.key.clone(),
        name: g.name.clone(),
        fields: g.fields.clone(),
        resubmit: g.resubmit,
        time_limit: g.time_limit,
        nodes,
    })
}

fn render_sequence(
    def: &FlowDefinition,
    mut node: NodeId,
    stop: Option<NodeId>,
    depth: usize,
) -> Result<(Vec<TreeNode>, NodeId), NotATree> {
    let g = def.graph();
    let mut out = Vec::new();
    let mut guard = 0;
    loop {
        guard += 1;
        if Some(node) == stop || guard > g.nodes.len() + 1 || depth > 64 {
            return if Some(node) == stop {
                Ok((out, node))
            } else {
                Err(NotATree(def.key(node).to_string()))
            };
        }
        let n = &g.nodes[node.index()];
        let (id, name) = (n.key.clone(), n.name.clone());
        let outs = &def.outgoing[node.index()];
        match &n.kind {
            NodeKind::End => return Ok((out, node)),
            NodeKind::Approve(c) => out.push(TreeNode::Approver {
                id,
                name,
                config: c.clone(),
            }),
            NodeKind::Handle(c) => out.push(TreeNode::Handler {
                id,
                name,
                config: c.clone(),
            }),
            NodeKind::Cc(c) => out.push(TreeNode::Cc {
                id,
                name,
                config: c.clone(),
            }),
            NodeKind::Exclusive | NodeKind::Parallel | NodeKind::Inclusive
                if outs.len() > 1 && def.boundaries[node.index()].is_empty() =>
            {
                let join = find_join(def, node).ok_or_else(|| NotATree(id.clone()))?;
                let mut branches = Vec::new();
                for &e in outs {
                    let edge = &g.edges[e as usize];
                    let (nodes, end) = render_sequence(def, edge.to, Some(join), depth + 1)?;
                    if end != join {
                        return Err(NotATree(id));
                    }
                    branches.push(Branch {
                        name: edge.name.clone(),
                        condition: edge.condition.clone(),
                        nodes,
                    });
                }
                out.push(match n.kind {
                    NodeKind::Exclusive => TreeNode::Conditions { id, name, branches },
                    NodeKind::Parallel => TreeNode::Parallel { id, name, branches },
                    _ => TreeNode::Inclusive { id, name, branches },
                });
                node = join;
                if def.outgoing[node.index()].len() != 1 {
                    return Err(NotATree(def.key(node).to_string()));
                }
            }
            NodeKind::Exclusive if outs.len() == 1 => {}
            _ => return Err(NotATree(id)),
        }
        if !def.boundaries[node.index()].is_empty() {
            return Err(NotATree(def.key(node).to_string()));
        }
        match def.outgoing[node.index()].as_slice() {
            [e] => node = def.edge_target(*e),
            _ => return Err(NotATree(def.key(node).to_string())),
        }
    }
}

/// The nearest gateway of the split's kind that every branch reaches: where the block closes.
fn find_join(def: &FlowDefinition, split: NodeId) -> Option<NodeId> {
    let g = def.graph();
    let kind = std::mem::discriminant(&g.nodes[split.index()].kind);
    let targets: Vec<NodeId> = def.outgoing[split.index()]
        .iter()
        .map(|&e| def.edge_target(e))
        .collect();
    let mut seen = vec![false; g.nodes.len()];
    let mut queue: VecDeque<NodeId> = targets.iter().copied().collect();
    while let Some(v) = queue.pop_front() {
        if std::mem::replace(&mut seen[v.index()], true) {
            continue;
        }
        let candidate = std::mem::discriminant(&g.nodes[v.index()].kind) == kind
            && def.incoming[v.index()].len() > 1;
        if candidate && targets.iter().all(|&t| t == v || def.reaches(t, v)) {
            return Some(v);
        }
        queue.extend(def.outgoing[v.index()].iter().map(|&e| def.edge_target(e)));
    }
    None
}
