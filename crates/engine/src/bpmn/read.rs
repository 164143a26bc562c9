//! BPMN import with roxmltree: namespaces are resolved, so `bpmn:`, `bpmn2:` and default-namespace
//! documents read the same; diagram elements give node positions.

use super::{BPMN_NS, BPMNDI_NS, BpmnError, DC_NS, XIETONG_NS};
use crate::calendar::{TimeLimit, TimeUnit};
use crate::ids::NodeId;
use crate::model::{Bounds, Edge, FlowGraph, Mode, Node, NodeKind, Resubmit, UserNode};
use roxmltree::{Document, Node as XmlNode};
use std::collections::HashMap;

type X<'a, 'i> = XmlNode<'a, 'i>;

/// Elements that carry no flow meaning and are skipped wherever they appear.
const IGNORED: [&str; 8] = [
    "documentation",
    "extensionElements",
    "laneSet",
    "textAnnotation",
    "association",
    "group",
    "incoming",
    "outgoing",
];

fn is_bpmn(n: &X<'_, '_>) -> bool {
    n.is_element() && matches!(n.tag_name().namespace(), Some(BPMN_NS) | None)
}

fn id_of(n: &X<'_, '_>) -> String {
    n.attribute("id").unwrap_or("?").to_string()
}

fn unsupported(n: &X<'_, '_>, detail: Option<&str>) -> BpmnError {
    let element = match detail {
        Some(d) => format!("{}/{d}", n.tag_name().name()),
        None => n.tag_name().name().to_string(),
    };
    BpmnError::Unsupported {
        element,
        id: id_of(n),
    }
}

fn required<'a>(n: &X<'a, '_>, attribute: &str) -> Result<&'a str, BpmnError> {
    n.attribute(attribute)
        .ok_or_else(|| BpmnError::MissingAttribute {
            element: n.tag_name().name().to_string(),
            id: id_of(n),
            attribute: attribute.to_string(),
        })
}

fn child<'a, 'i>(n: &X<'a, 'i>, name: &str) -> Option<X<'a, 'i>> {
    n.children()
        .find(|c| is_bpmn(c) && c.tag_name().name() == name)
}

fn text_of(n: Option<X<'_, '_>>) -> Option<String> {
    n.and_then(|c| c.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// Imports the (first executable) process of a BPMN document as a graph.
pub fn import(xml: &str) -> Result<FlowGraph, BpmnError> {
    let doc = Document::parse(xml).map_err(|e| BpmnError::Xml(e.to_string()))?;
    let root = doc.root_element();
    if !(is_bpmn(&root) && root.tag_name().name() == "definitions") {
        return Err(BpmnError::NotBpmn(root.tag_name().name().to_string()));
    }
    let mut processes = Vec::new();
    for c in root.children().filter(|c| c.is_element()) {
        match (c.tag_name().namespace(), c.tag_name().name()) {
            (Some(BPMN_NS) | None, "process") => processes.push(c),
            (Some(BPMN_NS) | None, "collaboration" | "documentation" | "extensionElements") => {}
            (Some(BPMNDI_NS), "BPMNDiagram") => {}
            _ => return Err(unsupported(&c, None)),
        }
    }
    let process = processes
        .iter()
        .find(|p| p.attribute("isExecutable") == Some("true"))
        .or(processes.first())
        .ok_or(BpmnError::NoProcess)?;
    let mut reader = Reader::default();
    reader.graph.key = required(process, "id")?.to_string();
    reader.graph.name = process.attribute("name").unwrap_or_default().to_string();
    if let Some(fields) = process.attribute((XIETONG_NS, "fields")) {
        reader.graph.fields = fields
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect();
    }
    if process.attribute((XIETONG_NS, "resubmit")) == Some("to_sender") {
        reader.graph.resubmit = Resubmit::ToSender;
    }
    if let Some(limit) = process.attribute((XIETONG_NS, "timeLimit")) {
        reader.graph.time_limit =
            Some(
                serde_json::from_str(limit).map_err(|e| BpmnError::BadValue {
                    id: reader.graph.key.clone(),
                    message: format!("xietong:timeLimit: {e}"),
                })?,
            );
    }
    reader.scope(process, None)?;
    reader.link()?;
    reader.read_layout(&root);
    Ok(reader.graph)
}

#[derive(Default)]
struct Reader<'a, 'i> {
    graph: FlowGraph,
    ids: HashMap<String, NodeId>,
    flows: Vec<X<'a, 'i>>,
    boundaries: Vec<(NodeId, X<'a, 'i>)>,
    defaults: Vec<(String, String)>,
}

impl<'a, 'i> Reader<'a, 'i> {
    fn add(
        &mut self,
        n: &X<'a, 'i>,
        parent: Option<NodeId>,
        kind: NodeKind,
    ) -> Result<NodeId, BpmnError> {
        let key = required(n, "id")?.to_string();
        let id = NodeId(self.graph.nodes.len() as u32);
        if self.ids.insert(key.clone(), id).is_some() {
            return Err(BpmnError::BadValue {
                id: key,
                message: "duplicate id".into(),
            });
        }
        let name = n.attribute("name").unwrap_or_default().to_string();
        self.graph.nodes.push(Node {
            key,
            name,
            parent,
            kind,
            layout: None,
        });
        if let Some(flow) = n.attribute("default") {
            self.defaults.push((id_of(n), flow.to_string()));
        }
        Ok(id)
    }

    /// Only ignorable children (and `allowed` ones) may appear inside a flow node.
    fn plain(n: &X<'_, '_>, allowed: &[&str]) -> Result<(), BpmnError> {
        for c in n.children().filter(|c| c.is_element()) {
            let name = c.tag_name().name();
            if !(is_bpmn(&c) && (IGNORED.contains(&name) || allowed.contains(&name))) {
                return Err(unsupported(n, Some(name)));
            }
        }
        Ok(())
    }

    fn scope(&mut self, container: &X<'a, 'i>, parent: Option<NodeId>) -> Result<(), BpmnError> {
        for n in container.children().filter(|c| c.is_element()) {
            if !is_bpmn(&n) {
                return Err(unsupported(&n, None));
            }
            match n.tag_name().name() {
                "startEvent" => {
                    Self::plain(&n, &[])?;
                    self.add(&n, parent, NodeKind::Start)?;
                }
                "endEvent" => {
                    Self::plain(&n, &[])?;
                    self.add(&n, parent, NodeKind::End)?;
                }
                "userTask" => {
                    Self::plain(&n, &["multiInstanceLoopCharacteristics"])?;
                    let kind = user_task(&n)?;
                    self.add(&n, parent, kind)?;
                }
                "exclusiveGateway" => {
                    Self::plain(&n, &[])?;
                    self.add(&n, parent, NodeKind::Exclusive)?;
                }
                "parallelGateway" => {
                    Self::plain(&n, &[])?;
                    self.add(&n, parent, NodeKind::Parallel)?;
                }
                "inclusiveGateway" => {
                    Self::plain(&n, &[])?;
                    self.add(&n, parent, NodeKind::Inclusive)?;
                }
                "callActivity" => {
                    Self::plain(&n, &[])?;
                    let called = required(&n, "calledElement")?.to_string();
                    self.add(&n, parent, NodeKind::CallActivity { called })?;
                }
                "subProcess" => {
                    if n.attribute("triggeredByEvent") == Some("true") {
                        return Err(unsupported(&n, Some("triggeredByEvent")));
                    }
                    let id = self.add(&n, parent, NodeKind::SubProcess)?;
                    self.scope(&n, Some(id))?;
                }
                "boundaryEvent" => {
                    // attached later, once every task has an id
                    let placeholder = NodeKind::End;
                    let id = self.add(&n, parent, placeholder)?;
                    self.boundaries.push((id, n));
                }
                "sequenceFlow" => self.flows.push(n),
                name if IGNORED.contains(&name) => {}
                _ => return Err(unsupported(&n, None)),
            }
        }
        Ok(())
    }

    fn link(&mut self) -> Result<(), BpmnError> {
        for (id, n) in std::mem::take(&mut self.boundaries) {
            let key = id_of(&n);
            let attached = required(&n, "attachedToRef")?;
            let attached_to =
                *self
                    .ids
                    .get(attached)
                    .ok_or_else(|| BpmnError::UnknownReference {
                        id: key.clone(),
                        reference: attached.to_string(),
                    })?;
            let defs: Vec<_> = n
                .children()
                .filter(|c| c.is_element() && !IGNORED.contains(&c.tag_name().name()))
                .collect();
            let [timer] = defs.as_slice() else {
                return Err(unsupported(&n, defs.get(1).map(|d| d.tag_name().name())));
            };
            if timer.tag_name().name() != "timerEventDefinition" {
                return Err(unsupported(&n, Some(timer.tag_name().name())));
            }
            let Some(duration) = text_of(child(timer, "timeDuration")) else {
                return Err(BpmnError::BadValue {
                    id: key,
                    message: "only timeDuration timers are supported".into(),
                });
            };
            let mut after =
                TimeLimit::from_iso8601(&duration).ok_or_else(|| BpmnError::BadValue {
                    id: key.clone(),
                    message: format!("`{duration}` is not an ISO 8601 duration"),
                })?;
            match n.attribute((XIETONG_NS, "unit")) {
                Some("working_days") => after.unit = TimeUnit::WorkingDays,
                Some("working_hours") => after.unit = TimeUnit::WorkingHours,
                _ => {}
            }
            let interrupting = n.attribute("cancelActivity") != Some("false");
            self.graph.nodes[id.index()].kind = NodeKind::TimerBoundary {
                attached_to,
                after,
                interrupting,
            };
        }
        for f in std::mem::take(&mut self.flows) {
            let key = required(&f, "id")?.to_string();
            let lookup = |attr: &str| -> Result<NodeId, BpmnError> {
                let r = required(&f, attr)?;
                self.ids
                    .get(r)
                    .copied()
                    .ok_or_else(|| BpmnError::UnknownReference {
                        id: key.clone(),
                        reference: r.to_string(),
                    })
            };
            let (from, to) = (lookup("sourceRef")?, lookup("targetRef")?);
            for c in f.children().filter(|c| c.is_element()) {
                let name = c.tag_name().name();
                if !(is_bpmn(&c) && (IGNORED.contains(&name) || name == "conditionExpression")) {
                    return Err(unsupported(&f, Some(name)));
                }
            }
            let condition = text_of(child(&f, "conditionExpression"));
            let name = f.attribute("name").unwrap_or_default().to_string();
            self.graph.edges.push(Edge {
                key,
                name,
                from,
                to,
                condition,
                is_default: false,
            });
        }
        for (gateway, flow) in std::mem::take(&mut self.defaults) {
            match self.graph.edges.iter_mut().find(|e| e.key == flow) {
                Some(e) => e.is_default = true,
                None => {
                    return Err(BpmnError::UnknownReference {
                        id: gateway,
                        reference: flow,
                    });
                }
            }
        }
        Ok(())
    }

    fn read_layout(&mut self, root: &X<'_, '_>) {
        for shape in root.descendants().filter(|d| {
            d.tag_name().namespace() == Some(BPMNDI_NS) && d.tag_name().name() == "BPMNShape"
        }) {
            let Some(id) = shape.attribute("bpmnElement").and_then(|k| self.ids.get(k)) else {
                continue;
            };
            let Some(b) = shape.children().find(|c| {
                c.tag_name().namespace() == Some(DC_NS) && c.tag_name().name() == "Bounds"
            }) else {
                continue;
            };
            let num = |a: &str| {
                b.attribute(a)
                    .and_then(|v| v.parse::<f64>().ok())
                    .filter(|v| v.is_finite())
            };
            if let (Some(x), Some(y), Some(width), Some(height)) =
                (num("x"), num("y"), num("width"), num("height"))
            {
                self.graph.nodes[id.index()].layout = Some(Bounds {
                    x,
                    y,
                    width,
                    height,
                });
            }
        }
    }
}

fn user_task(n: &X<'_, '_>) -> Result<NodeKind, BpmnError> {
    let config = n
        .children()
        .filter(|c| is_bpmn(c) && c.tag_name().name() == "extensionElements")
        .flat_map(|e| e.children())
        .find(|c| c.tag_name().namespace() == Some(XIETONG_NS) && c.tag_name().name() == "config");
    let user = match config.and_then(|c| c.text()) {
        Some(json) => serde_json::from_str::<UserNode>(json).map_err(|e| BpmnError::BadValue {
            id: id_of(n),
            message: format!("xietong:config: {e}"),
        })?,
        None => {
            let mut user = UserNode::default();
            if let Some(mi) = child(n, "multiInstanceLoopCharacteristics") {
                user.mode = if mi.attribute("isSequential") == Some("true") {
                    Mode::Sequential
                } else {
                    Mode::All
                };
                if let Some(card) = text_of(child(&mi, "loopCardinality")) {
                    let value = card.trim_start_matches("${").trim_end_matches('}').trim();
                    user.cardinality = Some(value.parse().map_err(|_| BpmnError::BadValue {
                        id: id_of(n),
                        message: format!("loopCardinality `{card}` is not a number"),
                    })?);
                }
                user.completion = text_of(child(&mi, "completionCondition"));
            }
            user
        }
    };
    Ok(match n.attribute((XIETONG_NS, "kind")) {
        Some("handle") => NodeKind::Handle(user),
        Some("cc") => NodeKind::Cc(user),
        _ => NodeKind::Approve(user),
    })
}
