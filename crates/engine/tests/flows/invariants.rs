//! The invariant checker finds damaged states (it finds nothing in the property tests' states).

use crate::support::*;
use serde_json::json;
use xietong_engine::invariants::{ViolationKind, check};
use xietong_engine::state::TaskState;
use xietong_engine::*;

fn two_steps() -> World {
    World::new(tree(vec![
        approver("a", &["ua"], json!({})),
        approver("b", &["ub", "uc"], json!({"mode": {"type": "sequential"}})),
    ]))
}

fn kinds(w: &World, st: &InstanceState) -> Vec<ViolationKind> {
    check(&w.def, st).into_iter().map(|v| v.kind).collect()
}

#[test]
fn a_running_instance_without_tasks_is_stuck() {
    let w = two_steps();
    let i = w.start("staff", json!({}));
    assert!(check(&w.def, &i.state).is_empty());
    let mut st = i.state.clone();
    st.tasks.clear();
    st.tokens.clear();
    assert_eq!(kinds(&w, &st), [ViolationKind::Stuck]);
    let mut st = i.state.clone();
    st.tasks.clear();
    assert_eq!(kinds(&w, &st), [ViolationKind::Stuck]);
}

#[test]
fn a_token_with_only_queued_tasks_is_stuck() {
    let w = two_steps();
    let mut i = w.start("staff", json!({}));
    i.agree("ua");
    assert_eq!(i.open(), ["b:ub"]);
    let mut st = i.state.clone();
    for t in &mut st.tasks {
        t.state = TaskState::Queued;
    }
    let found = check(&w.def, &st);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, ViolationKind::Stuck);
    assert!(found[0].message.contains("`b`"), "{}", found[0]);
}

#[test]
fn a_finished_instance_holds_no_work() {
    let w = two_steps();
    let i = w.start("staff", json!({}));
    let mut st = i.state.clone();
    st.status = Status::Approved;
    assert_eq!(kinds(&w, &st), [ViolationKind::WorkAfterEnd]);
}

#[test]
fn a_state_that_does_not_fit_its_definition_is_reported() {
    let w = two_steps();
    let i = w.start("staff", json!({}));
    let mut st = i.state.clone();
    st.tasks[0].node = NodeId(999);
    st.tokens[0].node = NodeId(999);
    let found = check(&w.def, &st);
    assert!(
        found.iter().all(|v| v.kind == ViolationKind::Definition) && found.len() >= 2,
        "{found:?}"
    );
    assert!(found[0].message.contains("#999"), "{}", found[0]);
    let mut st = i.state.clone();
    st.next_id = 0;
    assert!(kinds(&w, &st).contains(&ViolationKind::Definition));
    let mut st = i.state.clone();
    let extra = st.tasks[0].clone();
    st.tasks.push(extra);
    assert!(
        check(&w.def, &st)
            .iter()
            .any(|v| v.message.contains("used twice"))
    );
    let mut st = i.state.clone();
    st.tasks[0].token = TokenId(77);
    assert!(
        check(&w.def, &st)
            .iter()
            .any(|v| v.message.contains("does not exist"))
    );
}
