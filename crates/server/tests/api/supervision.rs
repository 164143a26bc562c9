//! The supervisor console (超期督办) and violation records (考核记录).

use chrono::{Duration, Utc};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::both_databases;
use crate::common::*;

/// The flow setup with `outsider` as the template's supervisor, and two started instances.
async fn supervised_setup(app: &TestApp) -> (FlowSetup, Vec<String>) {
    let f = flow_setup(app, |b| b["supervisor_id"] = json!("$outsider")).await;
    let mut ids = Vec::new();
    for amount in [100, 200] {
        let i = app
            .post(
                &f.staff,
                "/api/v1/flow/instances",
                json!({"template_id": f.template, "form": {"amount": amount}}),
            )
            .await
            .expect(200);
        ids.push(i["id"].as_str().unwrap().to_string());
    }
    (f, ids)
}

async fn the_console_shows_the_open_tasks_of_supervised_templates(app: &TestApp) {
    let (f, ids) = supervised_setup(app).await;
    let page = app
        .get(&f.outsider, "/api/v1/flow/supervision")
        .await
        .expect(200);
    assert_eq!(page["total"], 2, "{page}");
    assert_eq!(page["counts"]["open"], 2);
    assert_eq!(page["counts"]["overdue"], 0);
    let first = &page["items"][0];
    assert_eq!(first["assignee_id"], f.boss_id.as_str());
    assert!(first["assignee_name"].as_str().is_some());
    assert!(first["waiting_minutes"].as_i64().unwrap() >= 0);
    assert_eq!(first["node_key"], "head");
    // Someone who supervises nothing sees nothing.
    let none = app
        .get(&f.staff, "/api/v1/flow/supervision")
        .await
        .expect(200);
    assert_eq!(none["total"], 0);
    // One task is past its due time.
    let past = Utc::now() - Duration::hours(3);
    let backend = app.db().get_database_backend();
    let id: uuid::Uuid = ids[0].parse().unwrap();
    app.db()
        .execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => {
                    "UPDATE flow_tasks SET due_at = $1 WHERE instance_id = $2"
                }
                _ => "UPDATE flow_tasks SET due_at = ? WHERE instance_id = ?",
            },
            [past.into(), id.into()],
        ))
        .await
        .unwrap();
    let overdue = app
        .get(&f.outsider, "/api/v1/flow/supervision?filter=overdue")
        .await
        .expect(200);
    assert_eq!(overdue["total"], 1);
    assert_eq!(overdue["counts"]["overdue"], 1);
    assert_eq!(overdue["items"][0]["instance_id"], ids[0].as_str());
    assert_eq!(overdue["items"][0]["overdue"], true);
    app.get(&f.outsider, "/api/v1/flow/supervision?filter=late")
        .await
        .expect_code(400, "flow.bad_filter");
}

async fn violations_are_kept_by_the_supervisor_and_reported(app: &TestApp) {
    let (f, ids) = supervised_setup(app).await;
    let body = json!({"instance_id": ids[0], "node_key": "head", "person_id": f.boss_id,
        "kind": "overdue", "note": "超期三天未处理"});
    app.post(&f.staff, "/api/v1/flow/violations", body.clone())
        .await
        .expect_code(403, "forbidden");
    let bad = app
        .post(
            &f.outsider,
            "/api/v1/flow/violations",
            json!({"instance_id": ids[0], "node_key": "nowhere", "person_id": f.boss_id,
                "kind": "late", "note": " "}),
        )
        .await
        .expect_code(422, "validation_failed");
    assert_eq!(bad["fields"].as_array().unwrap().len(), 3, "{bad}");
    assert_eq!(app.count("flow_violations").await, 0);
    let v = app
        .post(&f.outsider, "/api/v1/flow/violations", body)
        .await
        .expect(200);
    assert_eq!(v["person_id"], f.boss_id.as_str());
    assert_eq!(app.audit_count("flow_violation.record").await, 1);

    let list = app
        .get(&f.outsider, "/api/v1/flow/violations")
        .await
        .expect(200);
    assert_eq!(list["total"], 1);
    assert_eq!(
        app.get(&f.staff, "/api/v1/flow/violations")
            .await
            .expect(200)["total"],
        0
    );
    // The month in the tenant's time zone (Asia/Shanghai, UTC+8 all year).
    let month = (Utc::now() + Duration::hours(8))
        .format("%Y-%m")
        .to_string();
    let report = app
        .get(
            &f.outsider,
            &format!("/api/v1/flow/violations/report?month={month}"),
        )
        .await
        .expect(200);
    assert_eq!(report["by_person"][0]["person_id"], f.boss_id.as_str());
    assert_eq!(report["by_person"][0]["total"], 1);
    assert_eq!(report["by_person"][0]["overdue"], 1);
    assert_eq!(report["by_department"][0]["total"], 1);
    assert_eq!(report["by_department"][0]["department"], "销售部");
    let xlsx = app
        .get(
            &f.outsider,
            &format!("/api/v1/flow/violations/report?month={month}&format=xlsx"),
        )
        .await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with(b"PK"), "an xlsx (zip) file");
    let other_month = app
        .get(&f.outsider, "/api/v1/flow/violations/report?month=2001-01")
        .await
        .expect(200);
    assert_eq!(other_month["by_person"], json!([]));
    app.get(&f.outsider, "/api/v1/flow/violations/report?month=2026-13")
        .await
        .expect_code(400, "flow.bad_month");
}

both_databases!(
    the_console_shows_the_open_tasks_of_supervised_templates,
    violations_are_kept_by_the_supervisor_and_reported,
);
