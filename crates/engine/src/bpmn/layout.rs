//! Diagram layout for nodes that have none, so bpmn.io and other modelers open exported files:
//! columns by distance from the start, rows within a column, sub-processes sized to their content.

use crate::ids::NodeId;
use crate::model::{Bounds, FlowGraph, NodeKind};
use std::collections::VecDeque;

const GAP_X: f64 = 70.0;
const GAP_Y: f64 = 40.0;
const PAD: f64 = 40.0;

fn base_size(kind: &NodeKind) -> (f64, f64) {
    match kind {
        NodeKind::Start | NodeKind::End | NodeKind::TimerBoundary { .. } => (36.0, 36.0),
        NodeKind::Exclusive | NodeKind::Parallel | NodeKind::Inclusive => (50.0, 50.0),
        _ => (100.0, 80.0),
    }
}

/// Bounds for every node: its own layout when it has one, a generated one otherwise.
pub fn bounds(graph: &FlowGraph) -> Vec<Bounds> {
    let mut out: Vec<Option<Bounds>> = graph.nodes.iter().map(|n| n.layout).collect();
    if out.iter().any(Option::is_none) {
        let generated = generate(graph);
        for (slot, g) in out.iter_mut().zip(generated) {
            slot.get_or_insert(g);
        }
    }
    out.into_iter()
        .map(|b| {
            b.unwrap_or(Bounds {
                x: 0.0,
                y: 0.0,
                width: 36.0,
                height: 36.0,
            })
        })
        .collect()
}

fn generate(graph: &FlowGraph) -> Vec<Bounds> {
    let n = graph.nodes.len();
    let mut local = vec![
        Bounds {
            x: 0.0,
            y: 0.0,
            width: 0.0,
            height: 0.0
        };
        n
    ];
    place_scope(graph, None, &mut local);
    // children of sub-processes move into their parent's box
    (0..n)
        .map(|i| translate(graph, &local, NodeId(i as u32)))
        .collect()
}

fn translate(graph: &FlowGraph, local: &[Bounds], id: NodeId) -> Bounds {
    let mut b = local[id.index()];
    let mut parent = graph.nodes[id.index()].parent;
    let mut guard = 0;
    while let Some(p) = parent {
        b.x += local[p.index()].x + PAD;
        b.y += local[p.index()].y + PAD;
        parent = graph.nodes[p.index()].parent;
        guard += 1;
        if guard > graph.nodes.len() {
            break;
        }
    }
    if graph.nodes[id.index()].parent.is_none() {
        b.x += 150.0;
        b.y += 80.0;
    }
    b
}

/// Lays out one scope in local coordinates; returns its size.
fn place_scope(graph: &FlowGraph, parent: Option<NodeId>, out: &mut [Bounds]) -> (f64, f64) {
    let members: Vec<usize> = (0..graph.nodes.len())
        .filter(|&i| {
            graph.nodes[i].parent == parent
                && !matches!(graph.nodes[i].kind, NodeKind::TimerBoundary { .. })
        })
        .collect();
    for &i in &members {
        let (w, h) = if matches!(graph.nodes[i].kind, NodeKind::SubProcess) {
            let (w, h) = place_scope(graph, Some(NodeId(i as u32)), out);
            (w + 2.0 * PAD, h + 2.0 * PAD)
        } else {
            base_size(&graph.nodes[i].kind)
        };
        out[i].width = w;
        out[i].height = h;
    }
    // columns: breadth-first distance from the scope's start
    let mut rank = vec![usize::MAX; graph.nodes.len()];
    let mut queue: VecDeque<usize> = members
        .iter()
        .copied()
        .filter(|&i| matches!(graph.nodes[i].kind, NodeKind::Start))
        .collect();
    queue.iter().for_each(|&i| rank[i] = 0);
    while let Some(v) = queue.pop_front() {
        for e in graph.edges.iter().filter(|e| e.from.index() == v) {
            let t = e.to.index();
            if rank[t] == usize::MAX {
                rank[t] = rank[v] + 1;
                queue.push_back(t);
            }
        }
    }
    let columns = members
        .iter()
        .map(|&i| if rank[i] == usize::MAX { 0 } else { rank[i] })
        .max()
        .unwrap_or(0)
        + 1;
    let mut col_width = vec![0.0f64; columns];
    let mut col_height = vec![0.0f64; columns];
    for &i in &members {
        let c = rank[i].min(columns - 1);
        col_width[c] = col_width[c].max(out[i].width);
    }
    let mut x_at = vec![0.0f64; columns];
    for c in 1..columns {
        x_at[c] = x_at[c - 1] + col_width[c - 1] + GAP_X;
    }
    for &i in &members {
        let c = rank[i].min(columns - 1);
        out[i].x = x_at[c] + (col_width[c] - out[i].width) / 2.0;
        out[i].y = col_height[c];
        col_height[c] += out[i].height + GAP_Y;
    }
    // centre each column on the tallest one so a straight flow draws as a straight line
    let tallest = col_height.iter().copied().fold(0.0, f64::max);
    for &i in &members {
        let c = rank[i].min(columns - 1);
        out[i].y += (tallest - col_height[c]) / 2.0;
    }
    for (i, node) in graph.nodes.iter().enumerate() {
        if let NodeKind::TimerBoundary { attached_to, .. } = node.kind
            && node.parent == parent
        {
            let t = out[attached_to.index()];
            out[i] = Bounds {
                x: t.x + t.width - 30.0,
                y: t.y + t.height - 18.0,
                width: 36.0,
                height: 36.0,
            };
        }
    }
    let width = x_at[columns - 1] + col_width[columns - 1];
    (width.max(100.0), (tallest - GAP_Y).max(80.0))
}
