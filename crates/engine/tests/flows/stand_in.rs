//! Out-of-office delegation (委托): tasks of someone away go to their stand-in, marked
//! "代 X 办理"; open tasks move on request; the whole-flow time limit (办结时限).

use crate::support::*;
use serde_json::json;
use xietong_engine::*;

const DAY: i64 = 86_400;

fn away(def: &FlowDefinition, pairs: &[(&str, &str)]) -> World {
    let mut w = World::new(def.clone());
    for (from, to) in pairs {
        w.org.stand_ins.insert((*from).into(), (*to).into());
    }
    w
}

fn moved<'w>(i: &Instance<'_>, w: &'w World) -> Instance<'w> {
    Instance {
        w,
        state: i.state.clone(),
        history: i.history.clone(),
        effects: i.effects.clone(),
    }
}

fn told(i: &Instance<'_>, user: &str, reason: NotifyReason) -> bool {
    i.effects.iter().any(
        |e| matches!(e, Effect::Notify { user: u2, reason: r, .. } if u2.as_str() == user && *r == reason),
    )
}

#[test]
fn a_new_task_of_someone_away_goes_to_the_stand_in_and_is_recorded_for_them() {
    let def = tree(vec![
        approver("a", &["ua"], json!({})),
        approver("b", &["ub"], json!({})),
    ]);
    let w = away(&def, &[("ua", "sub")]);
    let mut i = w.start("staff", json!({}));
    assert_eq!(i.open(), vec!["a:sub"]);
    let t = &i.state.tasks[0];
    assert_eq!(t.principal, Some(u("ua")));
    let handed = i
        .history
        .iter()
        .find(|e| e.action == HistoryAction::StoodIn)
        .unwrap();
    assert_eq!(handed.users, vec![u("sub")]);
    assert_eq!(handed.acting_for, Some(u("ua")));
    i.agree("sub");
    let decided = i
        .history
        .iter()
        .find(|e| e.action == HistoryAction::Decided)
        .unwrap();
    assert_eq!(decided.actor, Some(u("sub")));
    assert_eq!(decided.acting_for, Some(u("ua")), "recorded 代 ua 办理");
    // ub is in: their task stays theirs
    assert_eq!(i.open(), vec!["b:ub"]);
    assert_eq!(i.state.tasks[0].principal, None);
}

#[test]
fn a_queued_signer_who_went_away_meanwhile_hands_over_when_their_turn_comes() {
    let def = tree(vec![approver(
        "a",
        &["u1", "u2"],
        json!({"mode": {"type": "sequential"}}),
    )]);
    let w = World::new(def.clone());
    let i = w.start("staff", json!({}));
    assert_eq!(i.open(), vec!["a:u1"]);
    let w2 = away(&def, &[("u2", "sub")]);
    let mut i = moved(&i, &w2);
    i.agree("u1");
    assert_eq!(i.open(), vec!["a:sub"]);
    assert_eq!(i.state.tasks[0].principal, Some(u("u2")));
}

#[test]
fn open_tasks_move_to_the_stand_in_on_request_and_both_are_told() {
    let def = tree(vec![approver("a", &["ua"], json!({}))]);
    let w = World::new(def.clone());
    let i = w.start("staff", json!({}));
    let task = i.task("ua");
    // not away yet: nothing to hand over
    let mut i0 = moved(&i, &w);
    assert_eq!(
        i0.act("system", Action::HandToStandIn { task }),
        Err(Refusal::NoStandIn)
    );
    let w2 = away(&def, &[("ua", "sub")]);
    let mut i = moved(&i, &w2);
    i.act("system", Action::HandToStandIn { task }).unwrap();
    assert_eq!(i.open(), vec!["a:sub"]);
    assert!(told(&i, "ua", NotifyReason::StoodIn));
    assert!(told(&i, "sub", NotifyReason::StoodIn));
    // already held for ua: a second request is refused
    let held = i.task("sub");
    assert_eq!(
        i.act("system", Action::HandToStandIn { task: held }),
        Err(Refusal::NoStandIn)
    );
}

#[test]
fn a_transferred_task_belongs_to_its_new_holder() {
    let def = tree(vec![approver(
        "a",
        &["ua"],
        json!({"actions": ["agree", "disagree", "transfer"]}),
    )]);
    let w = away(&def, &[("ua", "sub")]);
    let mut i = w.start("staff", json!({}));
    let task = i.task("sub");
    i.act(
        "sub",
        Action::Transfer {
            task,
            to: u("other"),
            opinion: "请你处理".into(),
        },
    )
    .unwrap();
    assert_eq!(i.open(), vec!["a:other"]);
    assert_eq!(i.state.tasks[0].principal, None);
}

#[test]
fn replacing_a_handler_tells_both() {
    let def = tree(vec![approver("a", &["ua"], json!({}))]);
    let w = World::new(def);
    let mut i = w.start("staff", json!({}));
    let task = i.task("ua");
    i.act(
        "boss",
        Action::ReplaceHandler {
            task,
            to: u("other"),
            reason: "休假".into(),
        },
    )
    .unwrap();
    assert!(told(&i, "ua", NotifyReason::Replaced));
    assert!(told(&i, "other", NotifyReason::Replaced));
}

#[test]
fn the_whole_flow_limit_is_due_from_the_start_and_noted_once_after_it() {
    let def = tree_with(json!({
        "key": "t", "name": "test",
        "time_limit": {"amount": 3, "unit": "working_days"},
        "nodes": [approver("a", &["ua"], json!({}))]
    }));
    let w = World::new(def.clone());
    let mut i = w.start("staff", json!({}));
    let due = i.state.due.expect("flow due time");
    assert!(
        i.effects
            .iter()
            .any(|e| matches!(e, Effect::FlowDue { due: d } if *d == due))
    );
    assert_eq!(
        i.act("system", Action::FlowOverdue),
        Err(Refusal::NotOverdue)
    );
    let mut later = World::new(def);
    later.now = Timestamp(w.now.0 + 7 * DAY);
    let mut i = moved(&i, &later);
    i.act("system", Action::FlowOverdue).unwrap();
    assert!(i.state.overdue);
    for user in ["staff", "boss", "ua"] {
        assert!(told(&i, user, NotifyReason::FlowOverdue), "{user} told");
    }
    assert_eq!(i.history.last().unwrap().action, HistoryAction::FlowOverdue);
    assert_eq!(
        i.act("system", Action::FlowOverdue),
        Err(Refusal::AlreadyOverdue)
    );
}

#[test]
fn a_reminder_needs_a_time_limit() {
    let t: tree::FlowTree = serde_json::from_value(json!({
        "key": "t",
        "nodes": [approver("a", &["ua"], json!({"remind_before": {"amount": 2, "unit": "working_hours"}}))]
    }))
    .unwrap();
    let errors = tree::compile(&t).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.at == "a" && e.problem == definition::Problem::BadTimeLimit),
        "{errors:?}"
    );
}
