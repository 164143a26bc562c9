use serde_json::{Value, json};

use crate::both_databases;
use crate::common::*;

struct Setup {
    admin: Session,
    staff: Session,
    boss: Session,
    fin: Session,
    outsider: Session,
    template: String,
}

async fn setup(app: &TestApp) -> Setup {
    let admin = app.admin().await;
    let me = app.get(&admin, "/api/v1/me").await.expect(200)["id"].clone();
    let company = app.company(&admin).await;
    let dept = app
        .post(
            &admin,
            "/api/v1/departments",
            json!({"company_id": company, "name": "销售部", "sort_order": 9000}),
        )
        .await
        .expect(200);
    let dept_id = dept["id"].as_str().unwrap().to_string();
    let (boss_id, boss) = app.user_with_roles(&admin, "boss", &[]).await;
    let (staff_id, staff) = app.user_with_roles(&admin, "staff", &[]).await;
    let (fin_id, fin) = app.user_with_roles(&admin, "finance", &[]).await;
    let (_, outsider) = app.user_with_roles(&admin, "outsider", &[]).await;
    for u in [&boss_id, &staff_id] {
        app.patch(
            &admin,
            &format!("/api/v1/users/{u}"),
            json!({"department_id": dept_id}),
        )
        .await
        .expect(200);
    }
    app.patch(
        &admin,
        &format!("/api/v1/departments/{dept_id}"),
        json!({"head_user_id": boss_id}),
    )
    .await
    .expect(200);
    let t = app
        .post(&admin, "/api/v1/flow/templates", json!({
            "name": "费用报销", "supervisor_id": me,
            "form": {"fields": [{"key": "amount", "label": "金额", "kind": "money", "required": true}, {"key": "reason", "label": "事由", "kind": "text"}]},
            "settings": {"serial_pattern": "BX-{yyyy}-{seq:3}", "serial_reset": "yearly", "title_template": "{initiator}的{template}-{amount}"},
            "definition": {"kind": "tree", "tree": {"key": "expense", "nodes": [
                {"type": "approver", "id": "head", "name": "部门负责人", "participants": [{"type": "department_head"}]},
                {"type": "approver", "id": "fin", "name": "财务", "participants": [{"type": "users", "users": [fin_id]}]}
            ]}}
        }))
        .await
        .expect(200);
    let template = t["id"].as_str().unwrap().to_string();
    app.post(
        &admin,
        &format!("/api/v1/flow/templates/{template}/publish"),
        json!({}),
    )
    .await
    .expect(200);
    Setup {
        admin,
        staff,
        boss,
        fin,
        outsider,
        template,
    }
}

async fn todo(app: &TestApp, s: &Session) -> Value {
    app.get(s, "/api/v1/flow/todo").await.expect(200)
}

async fn an_expense_runs_from_start_to_approval_with_serial_numbers_and_history(app: &TestApp) {
    let s = setup(app).await;
    let i = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": {"amount": 1200, "reason": "出差"}}),
        )
        .await
        .expect(200);
    let year = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y")
        .to_string();
    assert_eq!(i["serial_no"], format!("BX-{year}-001"));
    assert_eq!(i["title"], "测试staff的费用报销-1200");
    assert_eq!(i["status"], "running");
    assert_eq!(todo(app, &s.staff).await["total"], 0);
    let boss_todo = todo(app, &s.boss).await;
    assert_eq!(boss_todo["total"], 1);
    assert_eq!(boss_todo["items"][0]["serial_no"], format!("BX-{year}-001"));
    let task = boss_todo["items"][0]["task_id"]
        .as_str()
        .unwrap()
        .to_string();
    // Only the assignee can act on the task.
    app.post(
        &s.fin,
        &format!("/api/v1/flow/tasks/{task}/actions"),
        json!({"action": "agree"}),
    )
    .await
    .expect(404);
    let after = app
        .post(
            &s.boss,
            &format!("/api/v1/flow/tasks/{task}/actions"),
            json!({"action": "agree", "opinion": "同意"}),
        )
        .await
        .expect(200);
    assert_eq!(after["status"], "running");
    app.post(
        &s.boss,
        &format!("/api/v1/flow/tasks/{task}/actions"),
        json!({"action": "agree"}),
    )
    .await
    .expect_code(409, "flow.task_closed");
    let fin_task = todo(app, &s.fin).await["items"][0]["task_id"]
        .as_str()
        .unwrap()
        .to_string();
    let done = app
        .post(
            &s.fin,
            &format!("/api/v1/flow/tasks/{fin_task}/actions"),
            json!({"action": "agree", "opinion": "已核"}),
        )
        .await
        .expect(200);
    assert_eq!(done["status"], "approved");
    assert!(done["finished_at"].is_string());
    let actions: Vec<&str> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.first(), Some(&"started"));
    assert_eq!(actions.last(), Some(&"finished"));
    assert_eq!(actions.iter().filter(|a| **a == "decided").count(), 2);
    let stances: Vec<&str> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["stance"].as_str())
        .collect();
    assert_eq!(stances, vec!["agree", "agree"]);
    // The next start takes the next number.
    let second = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": {"amount": 5}}),
        )
        .await
        .expect(200);
    assert_eq!(second["serial_no"], format!("BX-{year}-002"));
    assert_eq!(app.audit_count("flow_task.act").await, 2);
}

async fn bad_starts_are_refused_and_write_nothing(app: &TestApp) {
    let s = setup(app).await;
    let before = app.count("flow_instances").await;
    let v = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": {"reason": "x", "extra": 1}}),
        )
        .await
        .expect(422);
    let fields: Vec<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"form.amount") && fields.contains(&"form.extra"),
        "{fields:?}"
    );
    app.post(
        &s.staff,
        "/api/v1/flow/instances",
        json!({"template_id": s.template, "form": {"amount": "lots"}}),
    )
    .await
    .expect(422);
    app.post(
        &s.staff,
        "/api/v1/flow/instances",
        json!({"template_id": uuid::Uuid::now_v7(), "form": {}}),
    )
    .await
    .expect(404);
    app.post(
        &s.admin,
        &format!("/api/v1/flow/templates/{}/enabled", s.template),
        json!({"enabled": false}),
    )
    .await
    .expect(200);
    app.post(
        &s.staff,
        "/api/v1/flow/instances",
        json!({"template_id": s.template, "form": {"amount": 1}}),
    )
    .await
    .expect_code(409, "flow.template_disabled");
    assert_eq!(app.count("flow_instances").await, before);
    assert_eq!(app.count("flow_serial_counters").await, 0);
}

async fn a_retried_start_with_the_same_idempotency_key_starts_once(app: &TestApp) {
    use axum::body::Body;
    use axum::http::Request;
    let s = setup(app).await;
    let send = || {
        Request::post("/api/v1/flow/instances")
            .header("cookie", &s.staff.cookie)
            .header("x-csrf-token", &s.staff.csrf)
            .header("content-type", "application/json")
            .header("idempotency-key", "start-42")
            .body(Body::from(
                json!({"template_id": s.template, "form": {"amount": 9}}).to_string(),
            ))
            .unwrap()
    };
    let a = app.raw(send()).await.expect(200);
    let b = app.raw(send()).await.expect(200);
    assert_eq!(a["id"], b["id"]);
    assert_eq!(app.count("flow_instances").await, 1);
}

async fn two_clicks_on_one_task_record_one_decision(app: &TestApp) {
    let s = setup(app).await;
    app.post(
        &s.staff,
        "/api/v1/flow/instances",
        json!({"template_id": s.template, "form": {"amount": 1}}),
    )
    .await
    .expect(200);
    let task = todo(app, &s.boss).await["items"][0]["task_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/flow/tasks/{task}/actions");
    let body = json!({"action": "agree"});
    let (a, b) = tokio::join!(
        app.post(&s.boss, &path, body.clone()),
        app.post(&s.boss, &path, body.clone())
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a.text(), b.text());
    assert_eq!(todo(app, &s.fin).await["total"], 1, "exactly one next task");
    let decided = app.count("flow_history").await;
    // started + one decision (no duplicate)
    assert_eq!(decided, 2);
}

async fn only_participants_and_supervisors_see_an_instance(app: &TestApp) {
    let s = setup(app).await;
    let i = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": {"amount": 1}}),
        )
        .await
        .expect(200);
    let path = format!("/api/v1/flow/instances/{}", i["id"].as_str().unwrap());
    app.get(&s.staff, &path).await.expect(200);
    app.get(&s.boss, &path).await.expect(200);
    app.get(&s.admin, &path).await.expect(200);
    app.get(&s.outsider, &path)
        .await
        .expect_code(404, "flow.instance_not_found");
    app.get(&s.fin, &path).await.expect(404);
}

both_databases!(
    an_expense_runs_from_start_to_approval_with_serial_numbers_and_history,
    bad_starts_are_refused_and_write_nothing,
    a_retried_start_with_the_same_idempotency_key_starts_once,
    two_clicks_on_one_task_record_one_decision,
    only_participants_and_supervisors_see_an_instance,
);
