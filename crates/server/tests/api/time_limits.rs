//! Time limits (办理时限): a task's due time is a job; past it, the node's overdue policy runs
//! through the flow service; closing the task cancels the job.

use chrono::{Duration, Timelike, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde_json::{Value, json};
use xietong_server::entities::{flow_instance, job};

use crate::both_databases;
use crate::common::*;

async fn overdue_jobs(app: &TestApp) -> Vec<job::Model> {
    job::Entity::find()
        .filter(job::Column::Kind.eq("flow.overdue"))
        .all(app.db())
        .await
        .unwrap()
}

/// A template whose first step (the department head, boss) has a one-working-day limit and
/// the given overdue policy.
async fn timed_setup(app: &TestApp, policy: &str) -> FlowSetup {
    let policy = policy.to_string();
    flow_setup(app, move |b| {
        b["definition"]["tree"]["nodes"][0]["time_limit"] =
            json!({"amount": 1, "unit": "working_days"});
        b["definition"]["tree"]["nodes"][0]["on_overdue"] = json!(policy);
    })
    .await
}

/// Time passes: the open tasks' due times, and the pending due-time jobs, are moved an hour into
/// the past.
async fn let_time_pass(app: &TestApp, instance: &str) {
    let id: uuid::Uuid = instance.parse().unwrap();
    let i = flow_instance::Entity::find_by_id(id)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let mut state = i.state.clone();
    let past = (Utc::now() - Duration::hours(1)).timestamp();
    for t in state["tasks"].as_array_mut().unwrap() {
        if t.get("due").is_some() {
            t["due"] = json!(past);
        }
    }
    let backend = app.db().get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => "UPDATE flow_instances SET state = $1 WHERE id = $2",
        _ => "UPDATE flow_instances SET state = ? WHERE id = ?",
    };
    app.db()
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [state.into(), id.into()],
        ))
        .await
        .unwrap();
    let past = Utc::now() - Duration::hours(1);
    job::Entity::update_many()
        .col_expr(job::Column::RunAt, past.into())
        .filter(job::Column::Kind.eq("flow.overdue"))
        .filter(job::Column::State.eq("pending"))
        .exec(app.db())
        .await
        .unwrap();
}

fn actions(view: &Value) -> Vec<String> {
    view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap().to_string())
        .collect()
}

async fn auto_agree_runs_when_the_due_time_passes(app: &TestApp) {
    let f = timed_setup(app, "auto_agree").await;
    let inst = start_expense(app, &f).await;
    let id = inst["id"].as_str().unwrap();
    let due: chrono::DateTime<Utc> = inst["tasks"][0]["due_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let jobs_now = overdue_jobs(app).await;
    assert_eq!(jobs_now.len(), 1);
    assert_eq!(jobs_now[0].state, "pending");
    assert_eq!(jobs_now[0].run_at.timestamp(), due.timestamp());
    // Before the due time nothing happens.
    assert_eq!(run_due(app, Utc::now()).await, 0);

    let_time_pass(app, id).await;
    assert_eq!(run_due(app, Utc::now()).await, 1);
    let view = app
        .get(&f.staff, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
    let acts = actions(&view);
    assert!(acts.contains(&"overdue".to_string()), "{acts:?}");
    let decided = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["action"] == "decided")
        .expect("the system decided");
    assert_eq!(decided["stance"], "agree");
    assert_eq!(decided["acting_for_id"], f.boss_id.as_str());
    assert_eq!(decided["actor_id"], Value::Null);
    assert_eq!(decided["opinion"], "超时自动同意");
    // The flow moved on to finance, whose step has no limit.
    let todo = app.get(&f.fin, "/api/v1/flow/todo").await.expect(200);
    assert_eq!(todo["total"], 1);
    assert_eq!(
        app.get(&f.boss, "/api/v1/flow/todo").await.expect(200)["total"],
        0
    );
    let js = overdue_jobs(app).await;
    assert_eq!(js.len(), 1);
    assert_eq!(js[0].state, "done");
    // The check agrees with all of it.
    let report = xietong_server::flow::check::check(app.db(), None)
        .await
        .unwrap();
    assert!(report.is_clean(), "{}", report.human());
}

async fn escalation_moves_the_task_to_the_supervisor(app: &TestApp) {
    let f = timed_setup(app, "escalate").await;
    // boss reports to fin
    app.patch(
        &f.admin,
        &format!("/api/v1/users/{}", f.boss_id),
        json!({"supervisor_id": f.fin_id}),
    )
    .await
    .expect(200);
    let inst = start_expense(app, &f).await;
    let id = inst["id"].as_str().unwrap();
    let_time_pass(app, id).await;
    assert_eq!(run_due(app, Utc::now()).await, 1);
    let view = app
        .get(&f.staff, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
    assert!(actions(&view).contains(&"escalated".to_string()));
    let open: Vec<&Value> = view["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["state"] == "open")
        .collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["assignee_id"], f.fin_id.as_str());
    assert_eq!(open[0]["node_key"], "head");
    // The escalated task has a fresh limit and a job of its own; the old one is done.
    let new_due: chrono::DateTime<Utc> = open[0]["due_at"].as_str().unwrap().parse().unwrap();
    assert!(new_due > Utc::now());
    let mut states: Vec<String> = overdue_jobs(app)
        .await
        .into_iter()
        .map(|j| j.state)
        .collect();
    states.sort();
    assert_eq!(states, vec!["done", "pending"]);
    assert_eq!(app.audit_count("flow_instance.act").await, 1);
}

async fn acting_in_time_cancels_the_due_job(app: &TestApp) {
    let f = timed_setup(app, "notify").await;
    let inst = start_expense(app, &f).await;
    let task = inst["tasks"][0]["id"].as_str().unwrap();
    // An extension moves the due time: a second job for the new time.
    app.post(
        &f.boss,
        &format!("/api/v1/flow/tasks/{task}/actions"),
        json!({"action": "request_extension", "days": 1, "reason": "等发票"}),
    )
    .await
    .expect(200);
    assert_eq!(overdue_jobs(app).await.len(), 2);
    app.post(
        &f.boss,
        &format!("/api/v1/flow/tasks/{task}/actions"),
        json!({"action": "agree", "opinion": "同意"}),
    )
    .await
    .expect(200);
    let js = overdue_jobs(app).await;
    assert!(js.iter().all(|j| j.state == "cancelled"), "{js:?}");
}

async fn a_task_kept_pending_is_due_at_its_promised_date_everywhere(app: &TestApp) {
    let f = timed_setup(app, "notify").await;
    let inst = start_expense(app, &f).await;
    let task = inst["tasks"][0]["id"].as_str().unwrap();
    let promised = (Utc::now() + Duration::days(9)).with_nanosecond(0).unwrap();
    let view = app
        .post(
            &f.boss,
            &format!("/api/v1/flow/tasks/{task}/actions"),
            json!({"action": "keep_pending", "reason": "等供应商报价", "promised": promised}),
        )
        .await
        .expect(200);
    let open = view["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["state"] == "open")
        .unwrap();
    let due: chrono::DateTime<Utc> = open["due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(due, promised, "the task row shows the promised date");
    let todo = app.get(&f.boss, "/api/v1/flow/todo").await.expect(200);
    let listed: chrono::DateTime<Utc> = todo["items"][0]["due_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(listed, promised, "and so does the 待办 list");
    let pending: Vec<i64> = overdue_jobs(app)
        .await
        .into_iter()
        .filter(|j| j.state == "pending")
        .map(|j| j.run_at.timestamp())
        .collect();
    assert!(pending.contains(&promised.timestamp()), "{pending:?}");
}

both_databases!(
    a_task_kept_pending_is_due_at_its_promised_date_everywhere,
    auto_agree_runs_when_the_due_time_passes,
    escalation_moves_the_task_to_the_supervisor,
    acting_in_time_cancels_the_due_job,
);
