//! One example per action, with its refusals.

use crate::support::*;
use serde_json::json;
use xietong_engine::*;

fn two_steps() -> World {
    World::new(tree(vec![
        approver("a", &["ua"], json!({})),
        approver("b", &["ub"], json!({})),
    ]))
}

#[test]
fn agree_moves_on_and_records_history() {
    let w = two_steps();
    let mut i = w.start("staff", json!({"amount": 5}));
    let task = i.task("ua");
    assert_eq!(
        i.act(
            "ub",
            Action::Agree {
                task,
                opinion: String::new(),
                form: None
            }
        ),
        Err(Refusal::NotAssignee)
    );
    i.act(
        "ua",
        Action::Agree {
            task,
            opinion: "同意".into(),
            form: Some(json!({"checked": true}).as_object().unwrap().clone()),
        },
    )
    .unwrap();
    assert_eq!(i.open(), ["b:ub"]);
    assert_eq!(i.state.form["checked"], true);
    let ev = i
        .history
        .iter()
        .find(|e| e.action == HistoryAction::Decided)
        .unwrap();
    assert_eq!(
        (ev.stance, ev.actor.as_ref()),
        (Some(Stance::Agree), Some(&u("ua")))
    );
    assert_eq!(ev.to, vec![w.def.node_id("b").unwrap()]);
    assert_eq!(
        i.act(
            "ua",
            Action::Agree {
                task,
                opinion: String::new(),
                form: None
            }
        ),
        Err(Refusal::TaskNotFound)
    );
    i.agree("ub");
    assert_eq!(i.state.status, Status::Approved);
    assert!(i.effects.contains(&Effect::Finished {
        status: Status::Approved
    }));
    assert_eq!(
        i.effects
            .iter()
            .filter(|e| **e == Effect::SerialNumberRequested)
            .count(),
        1
    );
}

#[test]
fn disagree_needs_a_reason_and_follows_the_node_policy() {
    for (outcome, expect) in [
        ("reject", "rejected"),
        ("return_to_initiator", "start:staff"),
        ("continue", "b:ub"),
    ] {
        let w = World::new(tree(vec![
            approver("a", &["ua"], json!({"on_disagree": outcome})),
            approver("b", &["ub"], json!({})),
        ]));
        let mut i = w.start("staff", json!({}));
        let task = i.task("ua");
        assert_eq!(
            i.act(
                "ua",
                Action::Disagree {
                    task,
                    opinion: " ".into()
                }
            )
            .unwrap_err()
            .code(),
            "opinion_required"
        );
        i.act(
            "ua",
            Action::Disagree {
                task,
                opinion: "预算超标".into(),
            },
        )
        .unwrap();
        let got = if i.state.status == Status::Rejected {
            vec!["rejected".to_string()]
        } else {
            i.open()
        };
        assert_eq!(got, [expect], "{outcome}");
    }
}

#[test]
fn read_completes_an_inform_only_task() {
    let w = World::new(tree(vec![approver(
        "a",
        &["ua"],
        json!({"opinion": {"inform_only": true}}),
    )]));
    let mut i = w.start("staff", json!({}));
    let task = i.task("ua");
    i.act(
        "ua",
        Action::Read {
            task,
            opinion: String::new(),
        },
    )
    .unwrap();
    assert_eq!(i.state.status, Status::Approved);
}

#[test]
fn any_mode_passes_on_the_first_agreement_and_closes_the_rest() {
    let w = World::new(tree(vec![approver(
        "a",
        &["x", "y"],
        json!({"mode": {"type": "any"}}),
    )]));
    let mut i = w.start("staff", json!({}));
    i.agree("y");
    assert_eq!(i.state.status, Status::Approved);
    assert!(i.effects.iter().any(|e| matches!(
        e,
        Effect::TaskClosed {
            reason: CloseReason::Cancelled,
            ..
        }
    )));
}

#[test]
fn ratio_vote_passes_at_the_threshold_and_fails_when_out_of_reach() {
    let flow = || {
        World::new(tree(vec![approver(
            "a",
            &["x", "y", "z"],
            json!({"mode": {"type": "ratio", "percent": 60}}),
        )]))
    };
    let w = flow();
    let mut i = w.start("staff", json!({}));
    i.agree("x");
    assert_eq!(i.state.status, Status::Running);
    i.agree("y");
    assert_eq!(i.state.status, Status::Approved, "2 of 3 ≥ 60%");
    let w = flow();
    let mut i = w.start("staff", json!({}));
    let t = i.task("x");
    i.act(
        "x",
        Action::Disagree {
            task: t,
            opinion: "不合规".into(),
        },
    )
    .unwrap();
    let t = i.task("y");
    i.act(
        "y",
        Action::Disagree {
            task: t,
            opinion: "不合规，金额有误".into(),
        },
    )
    .unwrap();
    assert_eq!(
        i.state.status,
        Status::Rejected,
        "60% can no longer be reached"
    );
}

#[test]
fn transfer_hands_the_task_over() {
    let w = two_steps();
    let mut i = w.start("staff", json!({}));
    let task = i.task("ua");
    assert_eq!(
        i.act(
            "ua",
            Action::Transfer {
                task,
                to: u("ua"),
                opinion: String::new()
            }
        ),
        Err(Refusal::SameAssignee)
    );
    i.act(
        "ua",
        Action::Transfer {
            task,
            to: u("t"),
            opinion: "请张三处理".into(),
        },
    )
    .unwrap();
    assert_eq!(i.open(), ["a:t"]);
    i.agree("t");
    assert_eq!(i.open(), ["b:ub"]);
}

#[test]
fn delegate_and_return() {
    let w = two_steps();
    let mut i = w.start("staff", json!({}));
    let task = i.task("ua");
    i.act(
        "ua",
        Action::Delegate {
            task,
            to: u("helper"),
            opinion: "请核对".into(),
        },
    )
    .unwrap();
    let t = i.task("helper");
    assert_eq!(
        i.act(
            "helper",
            Action::Agree {
                task: t,
                opinion: String::new(),
                form: None
            }
        ),
        Err(Refusal::DelegatedTask)
    );
    i.act(
        "helper",
        Action::ReturnDelegation {
            task: t,
            opinion: "已核对无误".into(),
        },
    )
    .unwrap();
    assert_eq!(i.open(), ["a:ua"]);
    let t = i.task("ua");
    assert_eq!(
        i.act(
            "ua",
            Action::ReturnDelegation {
                task: t,
                opinion: String::new()
            }
        ),
        Err(Refusal::NotDelegated)
    );
}

#[test]
fn remove_signers_who_have_not_acted() {
    let w = World::new(tree(vec![approver(
        "cs",
        &["x", "y", "z"],
        json!({"mode": {"type": "all"}}),
    )]));
    let mut i = w.start("staff", json!({}));
    let t = i.task("x");
    assert_eq!(
        i.act(
            "x",
            Action::RemoveSigners {
                task: t,
                users: vec![u("x")]
            }
        ),
        Err(Refusal::CannotRemoveSelf)
    );
    assert_eq!(
        i.act(
            "x",
            Action::RemoveSigners {
                task: t,
                users: vec![u("q")]
            }
        )
        .unwrap_err()
        .code(),
        "not_pending_signer"
    );
    i.act(
        "x",
        Action::RemoveSigners {
            task: t,
            users: vec![u("y"), u("z")],
        },
    )
    .unwrap();
    assert_eq!(i.open(), ["cs:x"]);
    i.agree("x");
    assert_eq!(i.state.status, Status::Approved);
}
