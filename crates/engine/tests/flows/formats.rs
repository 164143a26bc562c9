//! Tree JSON and BPMN 2.0: compile, render, import, export, validation errors.

use crate::support::*;
use serde_json::json;
use xietong_engine::bpmn::{self, BpmnError};
use xietong_engine::tree::{self, FlowTree};
use xietong_engine::*;

fn sample_tree() -> FlowTree {
    serde_json::from_value(json!({"key": "expense", "name": "报销", "fields": ["amount", "kind"], "resubmit": "to_sender", "nodes": [
        {"type": "approver", "id": "head", "name": "部门负责人", "participants": [{"type": "department_head"}],
         "on_empty": "to_admin", "time_limit": {"amount": 2, "unit": "working_days"}},
        {"type": "conditions", "id": "by_amount", "branches": [
            {"name": "大额", "condition": "amount > 10000 && kind in ['travel', 'equipment']", "nodes": [
                {"type": "approver", "id": "gm", "participants": [{"type": "supervisor", "levels": 2}], "on_repeat": "auto_pass"}
            ]},
            {"name": "其他", "nodes": []}
        ]},
        {"type": "parallel", "id": "sign", "branches": [
            {"name": "财务", "nodes": [{"type": "approver", "id": "fin", "participants": [{"type": "role", "role": "finance"}],
                "mode": {"type": "ratio", "percent": 60}, "opinion": {"stance_required": true}}]},
            {"name": "法务", "nodes": [{"type": "handler", "id": "legal", "participants": [{"type": "post", "post": "counsel"}],
                "mode": {"type": "sequential"}, "actions": ["agree", "disagree", "send_back"]}]}
        ]},
        {"type": "inclusive", "id": "notify", "branches": [
            {"condition": "amount > 50000", "nodes": [{"type": "approver", "id": "ceo", "participants": [{"type": "users", "users": ["ceo"]}], "mode": {"type": "any"}}]},
            {"nodes": [{"type": "cc", "id": "cc_hr", "participants": [{"type": "role", "role": "hr"}]}]}
        ]}
    ]}))
    .unwrap()
}

#[test]
fn tree_compiles_and_renders_back() {
    let t = sample_tree();
    let def = tree::compile(&t).unwrap();
    assert_eq!(tree::render(&def).unwrap(), t);
}

#[test]
fn tree_to_graph_to_bpmn_to_graph_is_lossless() {
    let graph = tree::to_graph(&sample_tree());
    let xml = bpmn::export(&graph);
    let back = bpmn::import(&xml).unwrap();
    assert_eq!(back.without_layout(), graph);
    assert!(
        back.nodes.iter().all(|n| n.layout.is_some()),
        "export generated a diagram"
    );
    assert_eq!(bpmn::export(&back), xml, "export is stable");
    assert!(xml.contains("bpmndi:BPMNShape") && xml.contains("di:waypoint"));
}

#[test]
fn imports_the_shared_workload_and_its_condition() {
    let xml = include_str!("../fixtures/oa-approval.spiff.bpmn");
    let def = bpmn::load(&xml).unwrap();
    let g = def.graph();
    let cs = &g.nodes[g.node_id("countersign").unwrap().index()];
    let NodeKind::Approve(u) = &cs.kind else {
        panic!()
    };
    assert_eq!((u.mode, u.cardinality), (model::Mode::All, Some(3)));
    assert!(
        g.edges
            .iter()
            .any(|e| e.condition.as_deref() == Some("amount > 10000"))
    );
    assert!(g.edges.iter().any(|e| e.is_default && e.key == "f_skip_gm"));
}

const PREFIXED: &str = r#"<?xml version="1.0"?>
<P:definitions xmlns:P="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d">
  <P:process id="p" isExecutable="true">
    <P:startEvent id="s"><P:outgoing>f1</P:outgoing></P:startEvent>
    <P:userTask id="t" name="审批">
      <P:multiInstanceLoopCharacteristics isSequential="true">
        <P:completionCondition xsi:type="P:tFormalExpression">${nrOfCompletedInstances >= 2}</P:completionCondition>
      </P:multiInstanceLoopCharacteristics>
    </P:userTask>
    <P:boundaryEvent id="timer" attachedToRef="t"><P:timerEventDefinition><P:timeDuration>PT48H</P:timeDuration></P:timerEventDefinition></P:boundaryEvent>
    <P:subProcess id="sub"><P:startEvent id="s2"/><P:endEvent id="e2"/><P:sequenceFlow id="g1" sourceRef="s2" targetRef="e2"/></P:subProcess>
    <P:callActivity id="call" calledElement="other"/>
    <P:endEvent id="e"/>
    <P:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <P:sequenceFlow id="f2" sourceRef="t" targetRef="sub"/>
    <P:sequenceFlow id="f3" sourceRef="sub" targetRef="call"/>
    <P:sequenceFlow id="f4" sourceRef="call" targetRef="e"/>
    <P:sequenceFlow id="f5" sourceRef="timer" targetRef="e"/>
  </P:process>
  <bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="pl" bpmnElement="p">
    <bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="10" y="20" width="36" height="36"/></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</P:definitions>"#;

#[test]
fn imports_any_prefix_with_diagram_elements_present() {
    for prefix in ["bpmn", "bpmn2", "semantic"] {
        let xml = PREFIXED
            .replace("P:", &format!("{prefix}:"))
            .replace("xmlns:P=", &format!("xmlns:{prefix}="));
        let def = bpmn::load(&xml).unwrap_or_else(|e| panic!("{prefix}: {e}"));
        assert_eq!(def.graph().nodes[0].layout.unwrap().x, 10.0);
    }
    let default_ns = PREFIXED.replace("P:", "").replace("xmlns:P=", "xmlns=");
    let def = bpmn::load(&default_ns).unwrap();
    let round = bpmn::import(&bpmn::export(def.graph())).unwrap();
    assert_eq!(round.without_layout(), def.graph().without_layout());
}

#[test]
fn sub_process_and_call_activity_run() {
    let def = bpmn::load(
        &PREFIXED
            .replace("P:", "bpmn:")
            .replace("xmlns:P=", "xmlns:bpmn="),
    )
    .unwrap();
    let mut graph = def.graph().clone();
    let t = graph.node_id("t").unwrap();
    graph.nodes[t.index()]
        .kind
        .user_node_mut()
        .unwrap()
        .participants = vec![ParticipantRule::Users {
        users: vec![u("a"), u("b")],
    }];
    let w = World::new(FlowDefinition::new(graph).unwrap());
    let mut i = w.start("staff", json!({}));
    i.agree("a");
    i.agree("b");
    let token = i.state.tokens[0].id;
    assert!(
        i.effects
            .iter()
            .any(|e| matches!(e, Effect::SubFlowRequested { called, .. } if called == "other"))
    );
    i.act(
        "system",
        Action::SubFlowFinished {
            token,
            approved: true,
        },
    )
    .unwrap();
    assert_eq!(i.state.status, Status::Approved);
}

#[test]
fn refuses_other_elements_by_name_and_id() {
    let xml = PREFIXED
        .replace("P:", "bpmn:")
        .replace("xmlns:P=", "xmlns:bpmn=")
        .replace(
            r#"<bpmn:callActivity id="call" calledElement="other"/>"#,
            r#"<bpmn:serviceTask id="call"/>"#,
        );
    let e = bpmn::import(&xml).unwrap_err();
    assert_eq!(
        e,
        BpmnError::Unsupported {
            element: "serviceTask".into(),
            id: "call".into()
        }
    );
    assert!(e.to_string().contains("serviceTask") && e.to_string().contains("call"));
    let msg = PREFIXED.replace("P:", "bpmn:").replace("xmlns:P=", "xmlns:bpmn=").replace("<bpmn:timerEventDefinition><bpmn:timeDuration>PT48H</bpmn:timeDuration></bpmn:timerEventDefinition>", "<bpmn:messageEventDefinition/>");
    assert!(matches!(bpmn::import(&msg), Err(BpmnError::Unsupported { id, .. }) if id == "timer"));
}

#[test]
fn malformed_xml_gives_a_clear_error() {
    for bad in [
        "",
        "<",
        "<definitions",
        "<a></b>",
        "<definitions xmlns='x'/>",
        "not xml at all",
        "<?xml version='1.0'?><bpmn:definitions/>",
    ] {
        let e = bpmn::import(bad).unwrap_err();
        assert!(!e.to_string().is_empty());
    }
    let no_ref = PREFIXED
        .replace("P:", "")
        .replace("xmlns:P=", "xmlns=")
        .replace(r#"targetRef="t""#, r#"targetRef="ghost""#);
    assert_eq!(
        bpmn::import(&no_ref).unwrap_err().to_string(),
        "`f1` refers to unknown `ghost`"
    );
}

fn problems(graph: FlowGraph) -> Vec<(String, Problem)> {
    FlowDefinition::new(graph)
        .unwrap_err()
        .into_iter()
        .map(|e| (e.at, e.problem))
        .collect()
}

fn edge(key: &str, from: u32, to: u32) -> model::Edge {
    model::Edge {
        key: key.into(),
        name: String::new(),
        from: NodeId(from),
        to: NodeId(to),
        condition: None,
        is_default: false,
    }
}

fn node(key: &str, kind: NodeKind) -> Node {
    Node {
        key: key.into(),
        name: String::new(),
        parent: None,
        kind,
        layout: None,
    }
}

fn task() -> NodeKind {
    NodeKind::Approve(Default::default())
}

#[test]
fn validation_names_the_node() {
    // unreachable
    let g = FlowGraph {
        key: "v".into(),
        nodes: vec![
            node("s", NodeKind::Start),
            node("lost", task()),
            node("e", NodeKind::End),
        ],
        edges: vec![edge("f1", 0, 2), edge("f2", 1, 2)],
        ..Default::default()
    };
    assert_eq!(problems(g), [("lost".to_string(), Problem::Unreachable)]);
    // branch without default
    let mut g = FlowGraph {
        key: "v".into(),
        nodes: vec![
            node("s", NodeKind::Start),
            node("x", NodeKind::Exclusive),
            node("e", NodeKind::End),
        ],
        edges: vec![edge("f1", 0, 1), edge("f2", 1, 2), edge("f3", 1, 2)],
        ..Default::default()
    };
    g.edges[1].condition = Some("a > 1".into());
    g.edges[2].condition = Some("a <= 1".into());
    assert_eq!(
        problems(g.clone()),
        [("x".to_string(), Problem::BranchWithoutDefault)]
    );
    // condition naming an unknown field
    g.fields = vec!["b".into()];
    g.edges[2].condition = None;
    assert_eq!(
        problems(g),
        [("f2".to_string(), Problem::UnknownField("a".into()))]
    );
    // join without split
    let g = FlowGraph {
        key: "v".into(),
        nodes: vec![
            node("s", NodeKind::Start),
            node("x", NodeKind::Exclusive),
            node("j", NodeKind::Parallel),
            node("e", NodeKind::End),
        ],
        edges: vec![
            edge("f1", 0, 1),
            edge("f2", 1, 2),
            edge("f3", 1, 2),
            edge("f4", 2, 3),
        ],
        ..Default::default()
    };
    let mut g2 = g.clone();
    g2.edges[1].is_default = true;
    g2.edges[2].condition = Some("true".into());
    assert_eq!(problems(g2), [("j".to_string(), Problem::JoinWithoutSplit)]);
    // a loop with no way out
    let g = FlowGraph {
        key: "v".into(),
        nodes: vec![
            node("s", NodeKind::Start),
            node("a", task()),
            node("b", task()),
            node("e", NodeKind::End),
        ],
        edges: vec![edge("f1", 0, 1), edge("f2", 1, 2), edge("f3", 2, 1)],
        ..Default::default()
    };
    let p = problems(g);
    assert!(
        p.contains(&("a".to_string(), Problem::NoWayOut))
            && p.contains(&("e".to_string(), Problem::Unreachable)),
        "{p:?}"
    );
    // a bad condition
    let t: FlowTree = serde_json::from_value(
        json!({"key": "k", "nodes": [{"type": "conditions", "id": "c", "branches": [
        {"condition": "amount >", "nodes": []}, {"nodes": []}]}]}),
    )
    .unwrap();
    let e = tree::compile(&t).unwrap_err();
    assert!(
        matches!(&e[0].problem, Problem::BadCondition(_)) && e[0].at == "c_b0",
        "{e:?}"
    );
}
