//! Send-back in parallel sections and countersigns: the bug classes incumbents suffer from.

use crate::support::*;
use serde_json::json;
use xietong_engine::*;

fn back(i: &mut Instance<'_>, user: &str, to: SendBackTarget) -> Result<(), Refusal> {
    let task = i.task(user);
    i.act(
        user,
        Action::SendBack {
            task,
            target: to,
            opinion: "材料不全，请补充".into(),
        },
    )
}

fn node(key: &str) -> SendBackTarget {
    SendBackTarget::Node { key: key.into() }
}

/// a → parallel[ b1 → b2 | c ] → d
fn parallel_flow() -> World {
    World::new(tree(vec![
        approver("a", &["ua"], json!({})),
        json!({"type": "parallel", "id": "p", "branches": [
            {"name": "left", "nodes": [approver("b1", &["ub1"], json!({})), approver("b2", &["ub2"], json!({}))]},
            {"name": "right", "nodes": [approver("c", &["uc"], json!({}))]}
        ]}),
        approver("d", &["ud"], json!({})),
    ]))
}

#[test]
fn send_back_from_parallel_branch_cancels_siblings() {
    let w = parallel_flow();
    let mut i = w.start("staff", json!({}));
    i.agree("ua");
    i.agree("ub1");
    assert_eq!(i.open(), ["b2:ub2", "c:uc"]);
    back(&mut i, "ub2", node("a")).unwrap();
    assert_eq!(
        i.open(),
        ["a:ua"],
        "every task inside the section is cancelled"
    );
    assert!(
        i.state.frames.is_empty(),
        "and the section's activation with them"
    );
    i.agree("ua");
    assert_eq!(i.open(), ["b1:ub1", "c:uc"]);
    i.agree("ub1");
    i.agree("ub2");
    i.agree("uc");
    assert_eq!(i.open(), ["d:ud"]);
    assert_eq!(i.times_opened("d"), 1);
    i.agree("ud");
    assert_eq!(i.state.status, Status::Approved);
}

#[test]
fn send_back_within_a_branch_touches_that_branch_only() {
    let w = parallel_flow();
    let mut i = w.start("staff", json!({}));
    i.agree("ua");
    i.agree("ub1");
    back(&mut i, "ub2", SendBackTarget::Previous).unwrap();
    assert_eq!(
        i.open(),
        ["b1:ub1", "c:uc"],
        "the sibling branch keeps its task"
    );
    i.agree("uc");
    i.agree("ub1");
    assert_eq!(i.open(), ["b2:ub2"]);
    i.agree("ub2");
    assert_eq!(i.open(), ["d:ud"]);
    assert_eq!(i.times_opened("d"), 1, "the join fired once");
}

#[test]
fn send_back_from_inside_countersign_closes_sibling_tasks() {
    let w = World::new(tree(vec![
        approver("a", &["ua"], json!({})),
        approver("cs", &["x", "y", "z"], json!({"mode": {"type": "all"}})),
    ]));
    let mut i = w.start("staff", json!({}));
    i.agree("ua");
    i.agree("x");
    back(&mut i, "y", node("a")).unwrap();
    assert_eq!(i.open(), ["a:ua"], "z's task is closed with y's send-back");
    i.agree("ua");
    assert_eq!(
        i.open(),
        ["cs:x", "cs:y", "cs:z"],
        "the countersign starts afresh"
    );
    for s in ["x", "y", "z"] {
        i.agree(s);
    }
    assert_eq!(i.state.status, Status::Approved);
}

#[test]
fn send_back_into_parallel_section_reenters_without_double_join() {
    let w = parallel_flow();
    let mut i = w.start("staff", json!({}));
    i.agree("ua");
    i.agree("ub1");
    i.agree("ub2");
    i.agree("uc");
    assert_eq!(i.open(), ["d:ud"]);
    back(&mut i, "ud", node("b2")).unwrap();
    assert_eq!(i.open(), ["b2:ub2"], "only the returning branch is redone");
    i.agree("ub2");
    assert_eq!(
        i.open(),
        ["d:ud"],
        "the re-entered join fires on the returning branch alone"
    );
    assert_eq!(i.times_opened("d"), 2);
    i.agree("ud");
    assert_eq!(i.state.status, Status::Approved);
    assert!(i.state.frames.is_empty());
}

#[test]
fn repeated_send_backs_into_a_section_never_deadlock() {
    let w = parallel_flow();
    let mut i = w.start("staff", json!({}));
    i.agree("ua");
    for _ in 0..3 {
        i.agree("ub1");
        back(&mut i, "ub2", node("b1")).unwrap();
    }
    back(&mut i, "uc", node("a")).unwrap();
    i.agree("ua");
    i.agree("ub1");
    i.agree("ub2");
    i.agree("uc");
    i.agree("ud");
    assert_eq!(i.state.status, Status::Approved);
}

#[test]
fn send_back_to_a_sibling_branch_is_refused() {
    let w = parallel_flow();
    let mut i = w.start("staff", json!({}));
    i.agree("ua");
    i.agree("uc");
    i.agree("ub1");
    assert_eq!(
        back(&mut i, "ub2", node("c")),
        Err(Refusal::InvalidSendBackTarget)
    );
    assert_eq!(
        back(&mut i, "ub2", node("d")),
        Err(Refusal::InvalidSendBackTarget),
        "not passed yet"
    );
}

#[test]
fn send_back_to_initiator_and_resubmit_from_start() {
    let w = parallel_flow();
    let mut i = w.start("staff", json!({}));
    i.agree("ua");
    back(&mut i, "uc", SendBackTarget::Initiator).unwrap();
    assert_eq!(i.open(), ["start:staff"]);
    let task = i.task("staff");
    assert_eq!(
        i.act("ua", Action::Resubmit { task, form: None }),
        Err(Refusal::NotInitiator)
    );
    i.act(
        "staff",
        Action::Resubmit {
            task,
            form: Some(json!({"amount": 1}).as_object().unwrap().clone()),
        },
    )
    .unwrap();
    assert_eq!(i.open(), ["a:ua"], "walks again from the start");
    assert_eq!(i.state.form["amount"], 1);
}

#[test]
fn resubmit_jumps_back_to_the_sender_when_the_template_says_so() {
    let w = World::new(tree_with(
        json!({"key": "t", "resubmit": "to_sender", "nodes": [
            approver("a", &["ua"], json!({})),
            approver("b", &["ub"], json!({})),
        ]}),
    ));
    let mut i = w.start("staff", json!({}));
    i.agree("ua");
    back(&mut i, "ub", SendBackTarget::Initiator).unwrap();
    let task = i.task("staff");
    i.act("staff", Action::Resubmit { task, form: None })
        .unwrap();
    assert_eq!(
        i.open(),
        ["b:ub"],
        "straight back to the node that sent it back"
    );
}

#[test]
fn resubmit_to_a_sender_inside_a_section_reruns_the_section() {
    let w = World::new(tree_with(
        json!({"key": "t", "resubmit": "to_sender", "nodes": [
            approver("a", &["ua"], json!({})),
            {"type": "parallel", "id": "p", "branches": [
                {"nodes": [approver("b", &["ub"], json!({}))]},
                {"nodes": [approver("c", &["uc"], json!({}))]}
            ]},
        ]}),
    ));
    let mut i = w.start("staff", json!({}));
    i.agree("ua");
    back(&mut i, "ub", SendBackTarget::Initiator).unwrap();
    let task = i.task("staff");
    i.act("staff", Action::Resubmit { task, form: None })
        .unwrap();
    assert_eq!(i.open(), ["b:ub", "c:uc"]);
    i.agree("ub");
    i.agree("uc");
    assert_eq!(i.state.status, Status::Approved);
}

#[test]
fn send_back_out_of_nested_sections_cancels_all_of_them() {
    let w = World::new(tree(vec![
        approver("a", &["ua"], json!({})),
        json!({"type": "parallel", "id": "p", "branches": [
            {"nodes": [{"type": "parallel", "id": "q", "branches": [
                {"nodes": [approver("b", &["ub"], json!({}))]},
                {"nodes": [approver("c", &["uc"], json!({}))]}
            ]}]},
            {"nodes": [approver("e", &["ue"], json!({}))]}
        ]}),
    ]));
    let mut i = w.start("staff", json!({}));
    i.agree("ua");
    assert_eq!(i.open(), ["b:ub", "c:uc", "e:ue"]);
    back(&mut i, "ub", node("a")).unwrap();
    assert_eq!(i.open(), ["a:ua"]);
    assert!(i.state.frames.is_empty());
    i.agree("ua");
    for s in ["ub", "uc", "ue"] {
        i.agree(s);
    }
    assert_eq!(i.state.status, Status::Approved);
}

#[test]
fn add_signer_in_sequential_countersign() {
    let w = World::new(tree(vec![approver(
        "cs",
        &["x", "y"],
        json!({"mode": {"type": "sequential"}}),
    )]));
    let mut i = w.start("staff", json!({}));
    assert_eq!(i.open(), ["cs:x"]);
    let task = i.task("x");
    i.act(
        "x",
        Action::AddSigners {
            task,
            users: vec![u("n")],
            position: SignerPosition::After,
        },
    )
    .unwrap();
    i.agree("x");
    assert_eq!(
        i.open(),
        ["cs:n"],
        "the added signer comes right after the actor"
    );
    i.agree("n");
    assert_eq!(i.open(), ["cs:y"]);
    let task = i.task("y");
    i.act(
        "y",
        Action::AddSigners {
            task,
            users: vec![u("m")],
            position: SignerPosition::Before,
        },
    )
    .unwrap();
    assert_eq!(
        i.open(),
        ["cs:m"],
        "before: the actor waits for the added signer"
    );
    i.agree("m");
    assert_eq!(i.open(), ["cs:y"]);
    i.agree("y");
    assert_eq!(i.state.status, Status::Approved);
}

#[test]
fn add_signer_in_parallel_countersign() {
    let w = World::new(tree(vec![approver(
        "cs",
        &["x", "y"],
        json!({"mode": {"type": "all"}}),
    )]));
    let mut i = w.start("staff", json!({}));
    let task = i.task("x");
    i.act(
        "x",
        Action::AddSigners {
            task,
            users: vec![u("p")],
            position: SignerPosition::Parallel,
        },
    )
    .unwrap();
    assert_eq!(i.open(), ["cs:p", "cs:x", "cs:y"]);
    let task = i.task("y");
    i.act(
        "y",
        Action::AddSigners {
            task,
            users: vec![u("q")],
            position: SignerPosition::After,
        },
    )
    .unwrap();
    i.agree("x");
    i.agree("y");
    i.agree("p");
    assert_eq!(i.open(), ["cs:q"], "the node waits for every added signer");
    i.agree("q");
    assert_eq!(i.state.status, Status::Approved);
}

#[test]
fn inclusive_section_joins_only_the_branches_taken() {
    let w = World::new(tree(vec![
        json!({"type": "inclusive", "id": "inc", "branches": [
            {"condition": "amount > 100", "nodes": [approver("big", &["ub"], json!({}))]},
            {"condition": "urgent == true", "nodes": [approver("fast", &["uf"], json!({}))]},
            {"nodes": [approver("usual", &["uu"], json!({}))]}
        ]}),
        approver("after", &["ua"], json!({})),
    ]));
    let mut i = w.start("staff", json!({"amount": 500, "urgent": true}));
    assert_eq!(i.open(), ["big:ub", "fast:uf"]);
    i.agree("ub");
    back(&mut i, "uf", SendBackTarget::Initiator).unwrap();
    let task = i.task("staff");
    i.act(
        "staff",
        Action::Resubmit {
            task,
            form: Some(json!({"urgent": false}).as_object().unwrap().clone()),
        },
    )
    .unwrap();
    assert_eq!(
        i.open(),
        ["big:ub"],
        "only the branch whose condition holds now"
    );
    i.agree("ub");
    assert_eq!(i.open(), ["after:ua"]);
    assert_eq!(
        w.start("staff", json!({"amount": 1})).open(),
        ["usual:uu"],
        "the default when none holds"
    );
}

#[test]
fn send_back_out_of_an_embedded_sub_process() {
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
      <process id="p" isExecutable="true">
        <startEvent id="s"/><userTask id="a"/>
        <subProcess id="sub">
          <startEvent id="s2"/><userTask id="b"/><userTask id="c"/><endEvent id="e2"/>
          <sequenceFlow id="g1" sourceRef="s2" targetRef="b"/><sequenceFlow id="g2" sourceRef="b" targetRef="c"/>
          <sequenceFlow id="g3" sourceRef="c" targetRef="e2"/>
        </subProcess>
        <userTask id="d"/><endEvent id="e"/>
        <sequenceFlow id="f1" sourceRef="s" targetRef="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="sub"/>
        <sequenceFlow id="f3" sourceRef="sub" targetRef="d"/><sequenceFlow id="f4" sourceRef="d" targetRef="e"/>
      </process></definitions>"#;
    let mut graph = xietong_engine::bpmn::import(xml).unwrap();
    for (key, user) in [("a", "ua"), ("b", "ub"), ("c", "uc"), ("d", "ud")] {
        let id = graph.node_id(key).unwrap();
        graph.nodes[id.index()]
            .kind
            .user_node_mut()
            .unwrap()
            .participants = vec![ParticipantRule::Users {
            users: vec![u(user)],
        }];
    }
    let w = World::new(FlowDefinition::new(graph).unwrap());
    let mut i = w.start("staff", json!({}));
    i.agree("ua");
    i.agree("ub");
    back(&mut i, "uc", node("a")).unwrap();
    assert_eq!(i.open(), ["a:ua"]);
    assert!(
        i.state.frames.is_empty(),
        "the sub-process activation is gone"
    );
    i.agree("ua");
    i.agree("ub");
    i.agree("uc");
    i.agree("ud");
    back_after_end_is_refused(&mut i);
}

fn back_after_end_is_refused(i: &mut Instance<'_>) {
    assert_eq!(i.state.status, Status::Approved);
    let r = i.act(
        "staff",
        Action::Withdraw {
            reason: String::new(),
        },
    );
    assert_eq!(r, Err(Refusal::InstanceNotRunning));
}

#[test]
fn state_survives_storage_between_commands() {
    let w = parallel_flow();
    let mut i = w.start("staff", json!({"amount": 12.5, "note": "差旅"}));
    let steps: [(&str, Option<&str>); 5] = [
        ("ua", None),
        ("ub1", None),
        ("ub2", Some("a")),
        ("ua", None),
        ("uc", None),
    ];
    for (user, send_back_to) in steps {
        let json = serde_json::to_string(&i.state).unwrap();
        let reloaded: InstanceState = serde_json::from_str(&json).unwrap();
        assert_eq!(reloaded, i.state, "stored and reloaded state is the same");
        i.state = reloaded;
        match send_back_to {
            Some(key) => back(&mut i, user, node(key)).unwrap(),
            None => i.agree(user),
        }
    }
    assert!(
        serde_json::to_string(&i.state).unwrap().len() < 1200,
        "state stays compact"
    );
}

#[test]
fn send_back_choices_are_the_passed_nodes_on_the_senders_path() {
    let w = parallel_flow();
    let mut i = w.start("staff", json!({}));
    i.agree("ua");
    i.agree("uc");
    i.agree("ub1");
    let keys = |i: &Instance<'_>, user: &str| -> Vec<String> {
        send_back_targets(&w.def, &i.state, i.task(user))
            .into_iter()
            .map(|n| w.def.key(n).to_string())
            .collect()
    };
    assert_eq!(keys(&i, "ub2"), ["a", "b1"], "never the sibling branch's c");
    assert!(available_actions(&w.def, &i.state, i.task("ub2")).contains(&TaskAction::SendBack));
    let restricted = World::new(tree(vec![approver(
        "a",
        &["ua"],
        json!({"actions": ["agree", "disagree"]}),
    )]));
    let r = restricted.start("staff", json!({}));
    assert_eq!(
        available_actions(&restricted.def, &r.state, r.task("ua")),
        [TaskAction::Agree, TaskAction::Disagree]
    );
    assert!(send_back_targets(&restricted.def, &r.state, r.task("ua")).is_empty());
}
