//! Who acts: participant rules and the node policies for empty results, the initiator and repeats.

use crate::support::*;
use serde_json::{Value, json};
use xietong_engine::*;

fn rule_flow(rules: Value, extra: Value) -> World {
    let mut node = json!({"type": "approver", "id": "a", "participants": rules, "mode": {"type": "sequential"}});
    if let (Some(m), Value::Object(e)) = (node.as_object_mut(), extra) {
        m.extend(e);
    }
    World::new(tree(vec![node]))
}

fn signers(w: &World, initiator: &str, form: Value) -> Vec<String> {
    let i = w.start(initiator, form);
    let mut v: Vec<(u32, String)> = i
        .state
        .tasks
        .iter()
        .map(|t| (t.seq, t.assignee.to_string()))
        .collect();
    v.sort();
    v.into_iter().map(|(_, u)| u).collect()
}

#[test]
fn supervisor_chain_climbs_level_by_level() {
    let w = rule_flow(json!([{"type": "supervisor", "levels": 3}]), json!({}));
    assert_eq!(signers(&w, "staff", json!({})), ["lead", "director", "ceo"]);
    assert_eq!(
        signers(&w, "director", json!({})),
        ["ceo"],
        "the chain stops at the top, never skips"
    );
}

#[test]
fn department_head_leader_role_form_field_and_initiator() {
    let cases = [
        (json!([{"type": "department_head"}]), vec!["lead"]),
        (
            json!([{"type": "department_head", "department": {"from": "form_field", "field": "dept"}}]),
            vec!["fin-head"],
        ),
        (json!([{"type": "leader_in_charge"}]), vec!["vp"]),
        (
            json!([{"type": "role", "role": "auditor"}]),
            vec!["aud1", "aud2"],
        ),
        (
            json!([{"type": "form_user_field", "field": "reviewer"}]),
            vec!["rev"],
        ),
        (
            json!([{"type": "department_members", "department": "sales"}]),
            vec!["lead", "other", "staff"],
        ),
    ];
    for (rules, expect) in cases {
        let w = rule_flow(rules.clone(), json!({}));
        assert_eq!(
            signers(
                &w,
                "staff",
                json!({"dept": "finance", "reviewer": {"id": "rev"}})
            ),
            expect,
            "{rules}"
        );
    }
    let w = rule_flow(json!([{"type": "initiator"}]), json!({}));
    assert_eq!(signers(&w, "other", json!({})), ["other"]);
}

#[test]
fn initiator_chosen_approvers() {
    let w = rule_flow(json!([{"type": "initiator_chosen"}]), json!({}));
    let req = StartRequest {
        initiator: u("staff"),
        initiator_facts: Default::default(),
        form: Default::default(),
        chosen: [("a".to_string(), vec![u("pick1"), u("pick2")])].into(),
    };
    let (st, _) = start(&w.def, req, &w.facts()).unwrap();
    assert_eq!(st.tasks.len(), 2);
}

#[test]
fn empty_result_auto_passes_goes_to_admin_or_refuses_to_start() {
    let nobody = json!([{"type": "role", "role": "nobody"}]);
    let w = rule_flow(nobody.clone(), json!({"on_empty": "auto_pass"}));
    assert_eq!(w.start("staff", json!({})).state.status, Status::Approved);
    let w = rule_flow(nobody.clone(), json!({"on_empty": "to_admin"}));
    assert_eq!(signers(&w, "staff", json!({})), ["admin"]);
    let w = rule_flow(nobody, json!({"on_empty": "refuse"}));
    let r = w.try_start("staff", json!({})).err().unwrap();
    assert_eq!(
        (r.code(), r.to_string().contains("`a`")),
        ("no_participants", true)
    );
}

#[test]
fn initiator_among_approvers_auto_passes_or_goes_to_their_supervisor() {
    let rules = json!([{"type": "users", "users": ["staff", "x"]}]);
    let w = rule_flow(rules.clone(), json!({"on_initiator": "auto_pass"}));
    assert_eq!(signers(&w, "staff", json!({})), ["x"]);
    let w = rule_flow(rules.clone(), json!({"on_initiator": "to_supervisor"}));
    assert_eq!(signers(&w, "staff", json!({})), ["lead", "x"]);
    let w = rule_flow(
        json!([{"type": "initiator"}]),
        json!({"on_initiator": "auto_pass"}),
    );
    assert_eq!(w.start("staff", json!({})).state.status, Status::Approved);
}

#[test]
fn same_person_on_consecutive_nodes_auto_passes_when_asked() {
    let flow = |policy: &str| {
        World::new(tree(vec![
            approver("a", &["x"], json!({})),
            approver("b", &["x"], json!({"on_repeat": policy})),
        ]))
    };
    let w = flow("auto_pass");
    let mut i = w.start("staff", json!({}));
    i.agree("x");
    assert_eq!(i.state.status, Status::Approved);
    assert!(
        i.history
            .iter()
            .any(|e| e.action == HistoryAction::AutoPassed)
    );
    let w = flow("approve");
    let mut i = w.start("staff", json!({}));
    i.agree("x");
    assert_eq!(i.open(), ["b:x"]);
}

#[test]
fn conditions_read_initiator_facts() {
    let w = World::new(tree(vec![
        json!({"type": "conditions", "id": "c", "branches": [
            {"condition": "initiator.rank >= 5 || initiator.department in ['board']", "nodes": [approver("senior", &["ceo"], json!({}))]},
            {"nodes": [approver("normal", &["lead"], json!({}))]}
        ]}),
    ]));
    let mut req = StartRequest {
        initiator: u("staff"),
        initiator_facts: Default::default(),
        form: Default::default(),
        chosen: Default::default(),
    };
    req.initiator_facts.rank = Some(6);
    let (st, _) = start(&w.def, req.clone(), &w.facts()).unwrap();
    assert_eq!(st.tasks[0].assignee, u("ceo"));
    req.initiator_facts.rank = Some(1);
    let (st, _) = start(&w.def, req, &w.facts()).unwrap();
    assert_eq!(st.tasks[0].assignee, u("lead"));
}
