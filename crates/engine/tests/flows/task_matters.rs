//! Initiator, supervisor and task-keeping actions; timers, limits and routing.

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
fn withdraw_only_while_nobody_has_acted() {
    let w = two_steps();
    let mut i = w.start("staff", json!({}));
    assert_eq!(
        i.act(
            "ua",
            Action::Withdraw {
                reason: String::new()
            }
        ),
        Err(Refusal::NotInitiator)
    );
    i.act(
        "staff",
        Action::Withdraw {
            reason: "填错了".into(),
        },
    )
    .unwrap();
    assert_eq!(i.open(), ["start:staff"]);
    let task = i.task("staff");
    i.act("staff", Action::Resubmit { task, form: None })
        .unwrap();
    i.agree("ua");
    assert_eq!(
        i.act(
            "staff",
            Action::Withdraw {
                reason: String::new()
            }
        ),
        Err(Refusal::AlreadyActed)
    );
}

#[test]
fn cancel_ends_the_instance() {
    let w = two_steps();
    let mut i = w.start("staff", json!({}));
    assert_eq!(
        i.act(
            "ua",
            Action::Cancel {
                reason: String::new()
            }
        ),
        Err(Refusal::NotInitiator)
    );
    i.act(
        "staff",
        Action::Cancel {
            reason: "不需要了".into(),
        },
    )
    .unwrap();
    assert_eq!(i.state.status, Status::Cancelled);
    assert!(i.open().is_empty());
    assert_eq!(
        i.act(
            "staff",
            Action::Cancel {
                reason: String::new()
            }
        ),
        Err(Refusal::InstanceNotRunning)
    );
}

#[test]
fn urge_notifies_open_tasks() {
    let w = two_steps();
    let mut i = w.start("staff", json!({}));
    assert_eq!(
        i.act(
            "ub",
            Action::Urge {
                task: None,
                message: String::new()
            }
        ),
        Err(Refusal::NotInitiatorOrSupervisor)
    );
    i.act(
        "staff",
        Action::Urge {
            task: None,
            message: "请尽快".into(),
        },
    )
    .unwrap();
    i.act(
        "boss",
        Action::Urge {
            task: None,
            message: String::new(),
        },
    )
    .unwrap();
    let urged = i
        .effects
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Notify {
                    reason: NotifyReason::Urged,
                    ..
                }
            )
        })
        .count();
    assert_eq!(urged, 2);
    // Once an hour per person.
    assert_eq!(
        i.act(
            "staff",
            Action::Urge {
                task: None,
                message: "再催".into(),
            }
        ),
        Err(Refusal::UrgedRecently)
    );
    let mut later = two_steps();
    later.now = Timestamp(w.now.0 + 3_601);
    let mut i = Instance {
        w: &later,
        state: i.state.clone(),
        history: i.history.clone(),
        effects: i.effects.clone(),
    };
    i.act(
        "staff",
        Action::Urge {
            task: None,
            message: "再催".into(),
        },
    )
    .unwrap();
}

#[test]
fn cc_node_never_blocks_and_cc_can_be_marked_read() {
    let w = World::new(tree(vec![
        json!({"type": "cc", "id": "inform", "participants": [{"type": "users", "users": ["r1", "r2"]}]}),
        approver("a", &["ua"], json!({})),
    ]));
    let mut i = w.start("staff", json!({}));
    assert_eq!(i.open(), ["a:ua"]);
    assert_eq!(i.state.cc.len(), 2);
    let cc = i.state.cc[0].id;
    assert_eq!(
        i.act("r2", Action::MarkRead { cc }),
        Err(Refusal::CcNotFound)
    );
    i.act("r1", Action::MarkRead { cc }).unwrap();
    assert_eq!(i.state.cc.len(), 1);
    let task = i.task("ua");
    i.act(
        "ua",
        Action::Cc {
            task,
            users: vec![u("r3")],
        },
    )
    .unwrap();
    assert!(i.state.cc.iter().any(|c| c.user == u("r3")));
}

#[test]
fn keep_pending_needs_a_reason_and_a_future_date() {
    let w = two_steps();
    let mut i = w.start("staff", json!({}));
    let task = i.task("ua");
    let later = Timestamp(w.now.0 + 86_400);
    assert_eq!(
        i.act(
            "ua",
            Action::KeepPending {
                task,
                reason: String::new(),
                promised: later
            }
        ),
        Err(Refusal::ReasonRequired)
    );
    assert_eq!(
        i.act(
            "ua",
            Action::KeepPending {
                task,
                reason: "等报价".into(),
                promised: w.now
            }
        ),
        Err(Refusal::PromiseInPast)
    );
    i.act(
        "ua",
        Action::KeepPending {
            task,
            reason: "等报价".into(),
            promised: later,
        },
    )
    .unwrap();
    assert_eq!(i.state.tasks[0].pending.as_ref().unwrap().promised, later);
}

#[test]
fn extension_is_one_or_two_working_days_once() {
    let w = World::new(tree(vec![approver(
        "a",
        &["ua"],
        json!({"time_limit": {"amount": 2, "unit": "working_days"}}),
    )]));
    let mut i = w.start("staff", json!({}));
    let task = i.task("ua");
    let due = i.state.tasks[0].due.unwrap();
    assert!(due > w.now);
    assert_eq!(
        i.act(
            "ua",
            Action::RequestExtension {
                task,
                days: 3,
                reason: "调研".into()
            }
        ),
        Err(Refusal::ExtensionTooLong)
    );
    i.act(
        "ua",
        Action::RequestExtension {
            task,
            days: 1,
            reason: "需要调研".into(),
        },
    )
    .unwrap();
    assert!(i.state.tasks[0].due.unwrap() > due);
    assert_eq!(
        i.act(
            "ua",
            Action::RequestExtension {
                task,
                days: 1,
                reason: "x".into()
            }
        ),
        Err(Refusal::AlreadyExtended)
    );
}

#[test]
fn supervisor_replaces_the_handler() {
    let w = two_steps();
    let mut i = w.start("staff", json!({}));
    let task = i.task("ua");
    let cmd = Action::ReplaceHandler {
        task,
        to: u("new"),
        reason: "超时".into(),
    };
    assert_eq!(i.act("staff", cmd.clone()), Err(Refusal::NotSupervisor));
    i.act("boss", cmd).unwrap();
    assert_eq!(i.open(), ["a:new"]);
}

#[test]
fn actions_outside_the_node_set_are_refused() {
    let w = World::new(tree(vec![approver(
        "a",
        &["ua"],
        json!({"actions": ["agree", "disagree"]}),
    )]));
    let mut i = w.start("staff", json!({}));
    let task = i.task("ua");
    let r = i
        .act(
            "ua",
            Action::Transfer {
                task,
                to: u("x"),
                opinion: String::new(),
            },
        )
        .unwrap_err();
    assert_eq!(
        (r.code(), r),
        (
            "action_not_allowed",
            Refusal::ActionNotAllowed(TaskAction::Transfer)
        )
    );
}

#[test]
fn acting_for_records_who_stood_in() {
    let w = two_steps();
    let i = w.start("staff", json!({}));
    let task = i.task("ua");
    let cmd = Command {
        actor: u("deputy"),
        acting_for: Some(u("ua")),
        action: Action::Agree {
            task,
            opinion: "同意".into(),
            form: None,
        },
    };
    let (_, fx) = apply(&w.def, &i.state, &cmd, &w.facts()).unwrap();
    assert_eq!(fx.history[0].acting_for, Some(u("ua")));
    assert_eq!(fx.history[0].actor, Some(u("deputy")));
}

#[test]
fn interrupting_timer_leaves_by_its_edge_and_reminders_only_notify() {
    let mut graph = xietong_engine::tree::to_graph(
        &serde_json::from_value(json!({"key": "t", "nodes": [
            approver("a", &["ua"], json!({})), approver("b", &["ub"], json!({}))
        ]}))
        .unwrap(),
    );
    let a = graph.node_id("a").unwrap();
    let b = graph.node_id("b").unwrap();
    let limit = TimeLimit {
        amount: 4,
        unit: TimeUnit::WorkingHours,
    };
    for (key, interrupting) in [("remind", false), ("escalate", true)] {
        graph.nodes.push(Node {
            key: key.into(),
            name: String::new(),
            parent: None,
            layout: None,
            kind: NodeKind::TimerBoundary {
                attached_to: a,
                after: limit,
                interrupting,
            },
        });
    }
    let esc = graph.node_id("escalate").unwrap();
    graph.edges.push(xietong_engine::model::Edge {
        key: "esc".into(),
        name: String::new(),
        from: esc,
        to: b,
        condition: None,
        is_default: false,
    });
    let w = World::new(FlowDefinition::new(graph).unwrap());
    let mut i = w.start("staff", json!({}));
    assert_eq!(i.state.timers.len(), 2);
    let remind = i
        .state
        .timers
        .iter()
        .find(|t| w.def.key(t.boundary) == "remind")
        .unwrap()
        .id;
    i.act("system", Action::FireTimer { timer: remind })
        .unwrap();
    assert_eq!(i.open(), ["a:ua"]);
    let esc = i.state.timers[0].id;
    i.act("system", Action::FireTimer { timer: esc }).unwrap();
    assert_eq!(i.open(), ["b:ub"]);
    assert!(i.state.timers.is_empty());
}

#[test]
fn exclusive_branch_takes_the_first_true_condition_by_priority() {
    let w = World::new(tree_with(
        json!({"key": "t", "fields": ["amount"], "nodes": [
            {"type": "conditions", "id": "c", "branches": [
                {"condition": "amount > 10000", "nodes": [approver("big", &["gm"], json!({}))]},
                {"condition": "amount > 100", "nodes": [approver("mid", &["mgr"], json!({}))]},
                {"nodes": []}
            ]},
        ]}),
    ));
    assert_eq!(
        w.start("staff", json!({"amount": 20000})).open(),
        ["big:gm"]
    );
    assert_eq!(w.start("staff", json!({"amount": 500})).open(), ["mid:mgr"]);
    assert_eq!(
        w.start("staff", json!({"amount": 5})).state.status,
        Status::Approved
    );
}

#[test]
fn completion_condition_ends_a_countersign_early() {
    let w = World::new(tree(vec![approver(
        "cs",
        &["x", "y", "z"],
        json!({"mode": {"type": "all"}, "completion": "${nrOfCompletedInstances / nrOfInstances >= 0.6}"}),
    )]));
    let mut i = w.start("staff", json!({}));
    i.agree("x");
    assert_eq!(i.open(), ["cs:y", "cs:z"]);
    i.agree("z");
    assert_eq!(
        i.state.status,
        Status::Approved,
        "2 of 3 completed satisfies the condition"
    );
}

#[test]
fn due_times_come_from_the_node_limit_on_the_working_calendar() {
    let w = World::new(tree(vec![approver(
        "a",
        &["ua"],
        json!({"time_limit": {"amount": 1, "unit": "working_days"}}),
    )]));
    // 2024-05-10 is a Friday: one working day later is Monday
    let i = w.start("staff", json!({}));
    let due = i.state.tasks[0].due.unwrap();
    assert_eq!(due.0 - w.now.0, 3 * 86_400);
    assert!(
        i.effects
            .iter()
            .any(|e| matches!(e, Effect::TaskOpened { due: Some(d), .. } if *d == due))
    );
}

#[test]
fn removing_signers_can_complete_a_vote() {
    let w = World::new(tree(vec![approver(
        "vote",
        &["a", "b", "c", "d", "e"],
        json!({"mode": {"type": "ratio", "percent": 60}}),
    )]));
    let mut i = w.start("staff", json!({}));
    i.agree("a");
    i.agree("b");
    let t = i.task("c");
    i.act(
        "c",
        Action::RemoveSigners {
            task: t,
            users: vec![u("d"), u("e")],
        },
    )
    .unwrap();
    assert_eq!(
        i.state.status,
        Status::Approved,
        "2 of 3 remaining signers is 66% ≥ 60%"
    );
}
