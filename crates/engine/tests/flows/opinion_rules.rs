//! REQUIREMENTS R5 (签批表态): one test per rule, named after it.

use crate::support::*;
use serde_json::{Value, json};
use xietong_engine::*;

fn read(i: &mut Instance<'_>, user: &str, opinion: &str) -> Result<(), Refusal> {
    let task = i.task(user);
    i.act(
        user,
        Action::Read {
            task,
            opinion: opinion.into(),
        },
    )
}

fn flow(settings: Value) -> World {
    World::new(tree(vec![
        approver("a", &["ua", "ub"], settings),
        approver("last", &["ul"], json!({})),
    ]))
}

#[test]
fn stance_required_read_needs_a_written_reason() {
    let w = flow(json!({"mode": {"type": "all"}, "opinion": {"stance_required": true}}));
    let mut i = w.start("staff", json!({}));
    assert_eq!(read(&mut i, "ua", ""), Err(Refusal::StanceRequired));
    read(&mut i, "ua", "本部门不涉及，不表态")
        .expect("已阅 with a written reason for not taking a stance");
}

#[test]
fn read_requires_a_written_reason() {
    let w = flow(json!({"mode": {"type": "all"}}));
    let mut i = w.start("staff", json!({}));
    assert_eq!(
        read(&mut i, "ua", "").unwrap_err().code(),
        "read_needs_reason"
    );
    read(&mut i, "ua", "已知悉，与本部门无关").unwrap();
}

#[test]
fn superior_approving_subordinate_must_take_a_stance() {
    // staff's supervisor chain: lead → director → ceo
    let w = World::new(tree(vec![approver(
        "a",
        &["director"],
        json!({"opinion": {"inform_only": true}}),
    )]));
    let mut i = w.start("staff", json!({}));
    assert_eq!(
        read(&mut i, "director", "知道了"),
        Err(Refusal::SuperiorMustTakeStance)
    );
    i.agree("director");
    assert_eq!(i.state.status, Status::Approved);
}

#[test]
fn read_alone_only_on_the_last_node_when_no_node_can_be_added() {
    let allow_add = World::new(tree(vec![approver("a", &["ua"], json!({}))]));
    let mut i = allow_add.start("staff", json!({}));
    assert_eq!(
        read(&mut i, "ua", ""),
        Err(Refusal::ReadNeedsReason),
        "signers may still be added: not known to be last"
    );
    let fixed = World::new(tree(vec![approver(
        "a",
        &["ua"],
        json!({"actions": ["agree", "disagree", "read"]}),
    )]));
    let mut i = fixed.start("staff", json!({}));
    read(&mut i, "ua", "").expect("the last node, nothing can be added");
    let not_last = flow(json!({"actions": ["agree", "disagree", "read"]}));
    let mut i = not_last.start("staff", json!({}));
    assert_eq!(
        read(&mut i, "ua", ""),
        Err(Refusal::ReadNeedsReason),
        "a node follows"
    );
}

#[test]
fn read_alone_on_inform_only_nodes() {
    let w = flow(json!({"mode": {"type": "all"}, "opinion": {"inform_only": true}}));
    let mut i = w.start("staff", json!({}));
    read(&mut i, "ua", "").unwrap();
}

#[test]
fn read_alone_for_relay_countersigners() {
    let w = flow(json!({"mode": {"type": "all"}, "opinion": {"relay": true}}));
    let mut i = w.start("staff", json!({}));
    read(&mut i, "ua", "").unwrap();
}

#[test]
fn two_different_stances_require_specific_opinions() {
    let w = World::new(tree(vec![approver(
        "cs",
        &["x", "y", "z"],
        json!({"mode": {"type": "all"}, "on_disagree": "continue"}),
    )]));
    let mut i = w.start("staff", json!({}));
    let t = i.task("x");
    i.act(
        "x",
        Action::Agree {
            task: t,
            opinion: "同意".into(),
            form: None,
        },
    )
    .unwrap();
    let t = i.task("y");
    i.act(
        "y",
        Action::Disagree {
            task: t,
            opinion: "不同意".into(),
        },
    )
    .unwrap();
    let t = i.task("z");
    let bare = i.act(
        "z",
        Action::Agree {
            task: t,
            opinion: "同意".into(),
            form: None,
        },
    );
    assert_eq!(bare, Err(Refusal::OpinionMustBeSpecific));
    i.act(
        "z",
        Action::Agree {
            task: t,
            opinion: "同意第二条付款方式，不同意第三条违约金".into(),
            form: None,
        },
    )
    .unwrap();
    assert_eq!(i.state.status, Status::Approved);
}
