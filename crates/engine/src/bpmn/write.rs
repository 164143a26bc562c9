//! BPMN export with quick-xml: the flow, Xietong's settings in the `xietong:` namespace, and
//! diagram interchange (positions kept or generated).

use super::layout;
use super::{BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, XIETONG_NS};
use crate::calendar::TimeUnit;
use crate::ids::NodeId;
use crate::model::{Bounds, FlowGraph, Mode, NodeKind, Resubmit};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

struct Out {
    w: Writer<Vec<u8>>,
}

impl Out {
    // Writing into a Vec cannot fail, so results are not threaded through.
    fn event(&mut self, e: Event<'_>) {
        let _ = self.w.write_event(e);
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let mut s = BytesStart::new(name);
        attrs.iter().for_each(|a| s.push_attribute(*a));
        self.event(Event::Start(s));
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let mut s = BytesStart::new(name);
        attrs.iter().for_each(|a| s.push_attribute(*a));
        self.event(Event::Empty(s));
    }

    fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    fn text_element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        self.event(Event::Text(BytesText::new(text)));
        self.close(name);
    }
}

/// Exports a graph as a BPMN 2.0 document that modelers (bpmn.io, Camunda, Flowable) open.
pub fn export(graph: &FlowGraph) -> String {
    let mut out = Out {
        w: Writer::new_with_indent(Vec::new(), b' ', 2),
    };
    out.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let defs_id = format!("defs_{}", graph.key);
    out.open(
        "bpmn:definitions",
        &[
            ("xmlns:bpmn", BPMN_NS),
            ("xmlns:bpmndi", BPMNDI_NS),
            ("xmlns:dc", DC_NS),
            ("xmlns:di", DI_NS),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xmlns:xietong", XIETONG_NS),
            ("id", &defs_id),
            ("targetNamespace", "https://xietong.dev/flows"),
            ("exporter", "Xietong"),
            ("exporterVersion", env!("CARGO_PKG_VERSION")),
        ],
    );
    let fields = graph.fields.join(",");
    let mut attrs = vec![
        ("id", graph.key.as_str()),
        ("name", graph.name.as_str()),
        ("isExecutable", "true"),
    ];
    if !fields.is_empty() {
        attrs.push(("xietong:fields", &fields));
    }
    if graph.resubmit == Resubmit::ToSender {
        attrs.push(("xietong:resubmit", "to_sender"));
    }
    let limit = graph
        .time_limit
        .map(|l| serde_json::to_string(&l).unwrap_or_default());
    if let Some(limit) = &limit {
        attrs.push(("xietong:timeLimit", limit));
    }
    out.open("bpmn:process", &attrs);
    write_scope(&mut out, graph, None);
    out.close("bpmn:process");
    write_diagram(&mut out, graph);
    out.close("bpmn:definitions");
    String::from_utf8(out.w.into_inner()).unwrap_or_default()
}

fn write_scope(out: &mut Out, graph: &FlowGraph, parent: Option<NodeId>) {
    for (i, node) in graph.nodes.iter().enumerate() {
        if node.parent != parent {
            continue;
        }
        let (id, name) = (node.key.as_str(), node.name.as_str());
        let default = graph
            .edges
            .iter()
            .find(|e| e.from.index() == i && e.is_default)
            .map(|e| e.key.as_str());
        let gateway = |out: &mut Out, tag: &str| {
            let mut a = vec![("id", id), ("name", name)];
            if let Some(d) = default {
                a.push(("default", d));
            }
            out.empty(tag, &a);
        };
        match &node.kind {
            NodeKind::Start => out.empty("bpmn:startEvent", &[("id", id), ("name", name)]),
            NodeKind::End => out.empty("bpmn:endEvent", &[("id", id), ("name", name)]),
            NodeKind::Exclusive => gateway(out, "bpmn:exclusiveGateway"),
            NodeKind::Parallel => gateway(out, "bpmn:parallelGateway"),
            NodeKind::Inclusive => gateway(out, "bpmn:inclusiveGateway"),
            NodeKind::CallActivity { called } => out.empty(
                "bpmn:callActivity",
                &[("id", id), ("name", name), ("calledElement", called)],
            ),
            NodeKind::SubProcess => {
                out.open("bpmn:subProcess", &[("id", id), ("name", name)]);
                write_scope(out, graph, Some(NodeId(i as u32)));
                out.close("bpmn:subProcess");
            }
            NodeKind::TimerBoundary {
                attached_to,
                after,
                interrupting,
            } => {
                let attached = graph.nodes[attached_to.index()].key.as_str();
                let mut a = vec![("id", id), ("name", name), ("attachedToRef", attached)];
                if !interrupting {
                    a.push(("cancelActivity", "false"));
                }
                match after.unit {
                    TimeUnit::WorkingDays => a.push(("xietong:unit", "working_days")),
                    TimeUnit::WorkingHours => a.push(("xietong:unit", "working_hours")),
                    _ => {}
                }
                out.open("bpmn:boundaryEvent", &a);
                out.open("bpmn:timerEventDefinition", &[]);
                out.text_element(
                    "bpmn:timeDuration",
                    &[("xsi:type", "bpmn:tFormalExpression")],
                    &after.to_iso8601(),
                );
                out.close("bpmn:timerEventDefinition");
                out.close("bpmn:boundaryEvent");
            }
            NodeKind::Approve(u) | NodeKind::Handle(u) | NodeKind::Cc(u) => {
                let kind = match node.kind {
                    NodeKind::Handle(_) => "handle",
                    NodeKind::Cc(_) => "cc",
                    _ => "approve",
                };
                out.open(
                    "bpmn:userTask",
                    &[("id", id), ("name", name), ("xietong:kind", kind)],
                );
                out.open("bpmn:extensionElements", &[]);
                out.text_element(
                    "xietong:config",
                    &[],
                    &serde_json::to_string(u).unwrap_or_default(),
                );
                out.close("bpmn:extensionElements");
                if u.mode != Mode::Single {
                    let sequential = if u.mode == Mode::Sequential {
                        "true"
                    } else {
                        "false"
                    };
                    out.open(
                        "bpmn:multiInstanceLoopCharacteristics",
                        &[("isSequential", sequential)],
                    );
                    if let Some(c) = u.cardinality {
                        out.text_element(
                            "bpmn:loopCardinality",
                            &[("xsi:type", "bpmn:tFormalExpression")],
                            &c.to_string(),
                        );
                    }
                    let completion = u.completion.clone().or(match u.mode {
                        Mode::Any => Some("${nrOfCompletedInstances >= 1}".to_string()),
                        Mode::Ratio { percent } => Some(format!(
                            "${{nrOfCompletedInstances / nrOfInstances >= {}}}",
                            percent as f64 / 100.0
                        )),
                        _ => None,
                    });
                    if let Some(c) = completion {
                        out.text_element(
                            "bpmn:completionCondition",
                            &[("xsi:type", "bpmn:tFormalExpression")],
                            &c,
                        );
                    }
                    out.close("bpmn:multiInstanceLoopCharacteristics");
                }
                out.close("bpmn:userTask");
            }
        }
    }
    for e in graph
        .edges
        .iter()
        .filter(|e| graph.nodes[e.from.index()].parent == parent)
    {
        let (from, to) = (
            &graph.nodes[e.from.index()].key,
            &graph.nodes[e.to.index()].key,
        );
        let mut a = vec![
            ("id", e.key.as_str()),
            ("sourceRef", from.as_str()),
            ("targetRef", to.as_str()),
        ];
        if !e.name.is_empty() {
            a.push(("name", &e.name));
        }
        match &e.condition {
            Some(c) => {
                out.open("bpmn:sequenceFlow", &a);
                out.text_element(
                    "bpmn:conditionExpression",
                    &[("xsi:type", "bpmn:tFormalExpression")],
                    c,
                );
                out.close("bpmn:sequenceFlow");
            }
            None => out.empty("bpmn:sequenceFlow", &a),
        }
    }
}

fn num(v: f64) -> String {
    format!("{}", (v * 100.0).round() / 100.0)
}

fn write_diagram(out: &mut Out, graph: &FlowGraph) {
    let bounds = layout::bounds(graph);
    let diagram_id = format!("diagram_{}", graph.key);
    let plane_id = format!("plane_{}", graph.key);
    out.open("bpmndi:BPMNDiagram", &[("id", &diagram_id)]);
    out.open(
        "bpmndi:BPMNPlane",
        &[("id", &plane_id), ("bpmnElement", &graph.key)],
    );
    for (node, b) in graph.nodes.iter().zip(&bounds) {
        let shape_id = format!("{}_di", node.key);
        let mut a = vec![
            ("id", shape_id.as_str()),
            ("bpmnElement", node.key.as_str()),
        ];
        match node.kind {
            NodeKind::SubProcess => a.push(("isExpanded", "true")),
            NodeKind::Exclusive => a.push(("isMarkerVisible", "true")),
            _ => {}
        }
        out.open("bpmndi:BPMNShape", &a);
        let (x, y, w, h) = (num(b.x), num(b.y), num(b.width), num(b.height));
        out.empty(
            "dc:Bounds",
            &[("x", &x), ("y", &y), ("width", &w), ("height", &h)],
        );
        out.close("bpmndi:BPMNShape");
    }
    for e in &graph.edges {
        let edge_id = format!("{}_di", e.key);
        out.open(
            "bpmndi:BPMNEdge",
            &[("id", &edge_id), ("bpmnElement", &e.key)],
        );
        for (x, y) in waypoints(bounds[e.from.index()], bounds[e.to.index()]) {
            out.empty("di:waypoint", &[("x", &num(x)), ("y", &num(y))]);
        }
        out.close("bpmndi:BPMNEdge");
    }
    out.close("bpmndi:BPMNPlane");
    out.close("bpmndi:BPMNDiagram");
}

/// Orthogonal route from the right side of `a` to the left side of `b`.
fn waypoints(a: Bounds, b: Bounds) -> Vec<(f64, f64)> {
    let (sx, sy) = (a.x + a.width, a.y + a.height / 2.0);
    let (tx, ty) = (b.x, b.y + b.height / 2.0);
    if (sy - ty).abs() < 0.5 {
        return vec![(sx, sy), (tx, ty)];
    }
    let mx = if tx > sx { (sx + tx) / 2.0 } else { sx + 20.0 };
    vec![(sx, sy), (mx, sy), (mx, ty), (tx, ty)]
}
