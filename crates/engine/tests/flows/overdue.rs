//! Overdue handling (R5 超期): once per due time, after it, by the node's policy.

use crate::support::*;
use serde_json::json;
use xietong_engine::*;

const DAY: i64 = 86_400;

fn world(policy: &str, assignee: &str) -> World {
    World::new(tree(vec![
        approver(
            "a",
            &[assignee],
            json!({"time_limit": {"amount": 1, "unit": "working_days"}, "on_overdue": policy}),
        ),
        approver("b", &["ub"], json!({})),
    ]))
}

/// The same definition a week later.
fn later(w: &World, days: i64) -> World {
    let mut l = World::new(w.def.clone());
    l.now = Timestamp(w.now.0 + days * DAY);
    l
}

fn moved<'w>(i: &Instance<'_>, w: &'w World) -> Instance<'w> {
    Instance {
        w,
        state: i.state.clone(),
        history: i.history.clone(),
        effects: i.effects.clone(),
    }
}

fn last_history<'a>(i: &'a Instance<'_>) -> &'a HistoryEvent {
    i.history.last().unwrap()
}

fn notified(i: &Instance<'_>, user: &str) -> bool {
    i.effects.iter().any(|e| {
        matches!(e, Effect::Notify { user: u2, reason: NotifyReason::Overdue, .. } if u2.as_str() == user)
    })
}

#[test]
fn overdue_is_refused_before_the_due_time_and_noted_once_after_it() {
    let w = world("notify", "ua");
    let mut i = w.start("staff", json!({}));
    let task = i.task("ua");
    assert!(i.state.tasks[0].due.is_some());
    assert_eq!(
        i.act("system", Action::Overdue { task }),
        Err(Refusal::NotOverdue)
    );
    let w7 = later(&w, 7);
    let mut i = moved(&i, &w7);
    i.act("system", Action::Overdue { task }).unwrap();
    let ev = last_history(&i);
    assert_eq!(ev.action, HistoryAction::Overdue);
    assert_eq!(ev.users, vec![u("ua")]);
    assert!(notified(&i, "ua"));
    assert!(!notified(&i, "boss"), "notify tells only the assignee");
    assert_eq!(i.open(), vec!["a:ua"]);
    assert_eq!(
        i.act("system", Action::Overdue { task }),
        Err(Refusal::AlreadyOverdue)
    );
}

#[test]
fn notify_supervisor_also_tells_the_templates_supervisor() {
    let w = world("notify_supervisor", "ua");
    let i = w.start("staff", json!({}));
    let task = i.task("ua");
    let w7 = later(&w, 7);
    let mut i = moved(&i, &w7);
    i.act("system", Action::Overdue { task }).unwrap();
    assert!(notified(&i, "ua") && notified(&i, "boss"));
}

#[test]
fn auto_agree_decides_for_the_assignee_and_the_flow_moves_on() {
    let w = world("auto_agree", "ua");
    let i = w.start("staff", json!({}));
    let task = i.task("ua");
    let w7 = later(&w, 7);
    let mut i = moved(&i, &w7);
    i.act("system", Action::Overdue { task }).unwrap();
    assert_eq!(i.open(), vec!["b:ub"]);
    let decided = i
        .history
        .iter()
        .find(|e| e.action == HistoryAction::Decided)
        .expect("a decision was recorded");
    assert_eq!(decided.stance, Some(Stance::Agree));
    assert_eq!(decided.actor, None);
    assert_eq!(decided.acting_for, Some(u("ua")));
    assert_eq!(decided.opinion.as_deref(), Some("超时自动同意"));
}

#[test]
fn escalate_hands_the_task_to_the_supervisor_with_a_fresh_limit() {
    // staff's supervisor is lead
    let w = world("escalate", "staff");
    let i = w.start("other", json!({}));
    let task = i.task("staff");
    let w7 = later(&w, 7);
    let mut i = moved(&i, &w7);
    i.act("system", Action::Overdue { task }).unwrap();
    assert_eq!(i.open(), vec!["a:lead"]);
    let ev = last_history(&i);
    assert_eq!(ev.action, HistoryAction::Escalated);
    assert_eq!(ev.users, vec![u("lead")]);
    let new = i.state.open_tasks().next().unwrap();
    assert!(new.due.unwrap() > w7.now, "a fresh time limit from now");
    assert!(!new.overdue);
    // Without a supervisor (ua has none) the template's supervisor is told instead.
    let w = world("escalate", "ua");
    let i = w.start("staff", json!({}));
    let task = i.task("ua");
    let mut i = moved(&i, &w7);
    i.act("system", Action::Overdue { task }).unwrap();
    assert_eq!(i.open(), vec!["a:ua"]);
    assert!(notified(&i, "boss"));
}

#[test]
fn an_extension_or_a_promise_moves_the_due_time_and_rearms_overdue() {
    let w = world("notify", "ua");
    let i = w.start("staff", json!({}));
    let task = i.task("ua");
    let w3 = later(&w, 3);
    let mut i = moved(&i, &w3);
    i.act("system", Action::Overdue { task }).unwrap();
    i.act(
        "ua",
        Action::RequestExtension {
            task,
            days: 2,
            reason: "等供应商报价".into(),
        },
    )
    .unwrap();
    let due = i.state.tasks[0].due.unwrap();
    assert!(due > w3.now);
    assert!(i.effects.iter().any(
        |e| matches!(e, Effect::TaskDueChanged { task: t, due: d } if *t == task && *d == due)
    ));
    assert_eq!(
        i.act("system", Action::Overdue { task }),
        Err(Refusal::NotOverdue)
    );
    let w10 = later(&w, 10);
    let mut i = moved(&i, &w10);
    i.act("system", Action::Overdue { task }).unwrap();
    // Kept pending with a promised date: overdue only after that date.
    let promised = Timestamp(w10.now.0 + 2 * DAY);
    i.act(
        "ua",
        Action::KeepPending {
            task,
            reason: "等领导出差回来".into(),
            promised,
        },
    )
    .unwrap();
    assert!(i.effects.iter().any(
        |e| matches!(e, Effect::TaskDueChanged { task: t, due } if *t == task && *due == promised)
    ));
    assert_eq!(
        i.act("system", Action::Overdue { task }),
        Err(Refusal::NotOverdue)
    );
    let w13 = later(&w, 13);
    let mut i = moved(&i, &w13);
    i.act("system", Action::Overdue { task }).unwrap();
}

#[test]
fn a_sequential_signers_limit_counts_from_when_their_task_opens() {
    let w = World::new(tree(vec![approver(
        "a",
        &["ua", "ub"],
        json!({"mode": {"type": "sequential"}, "time_limit": {"amount": 4, "unit": "hours"}}),
    )]));
    let i = w.start("staff", json!({}));
    let first_due = i
        .state
        .tasks
        .iter()
        .find(|t| t.assignee == u("ua"))
        .unwrap()
        .due;
    assert_eq!(first_due, Some(Timestamp(w.now.0 + 4 * 3600)));
    let queued = i
        .state
        .tasks
        .iter()
        .find(|t| t.assignee == u("ub"))
        .unwrap();
    assert_eq!(queued.due, None, "no limit runs while queued");
    // ua agrees two days later: ub's four hours start then.
    let w2 = later(&w, 2);
    let mut i = moved(&i, &w2);
    i.agree("ua");
    let next = i
        .state
        .tasks
        .iter()
        .find(|t| t.assignee == u("ub"))
        .unwrap();
    assert_eq!(next.due, Some(Timestamp(w2.now.0 + 4 * 3600)));
    assert!(i.effects.iter().any(|e| matches!(
        e,
        Effect::TaskOpened { assignee, due: Some(d), .. } if assignee == &u("ub") && d.0 == w2.now.0 + 4 * 3600
    )));
}
