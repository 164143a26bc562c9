//! The supervisor console (超期督办) and violation records (考核记录).

use chrono::{Duration, Utc};
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
    set_task_due(app, &ids[0], Utc::now() - Duration::hours(3)).await;
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
    // named for display: step, flow, instance, department, recorder
    assert_eq!(v["node_name"], "部门负责人");
    assert_eq!(v["template_name"], "费用报销");
    assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()), "{v}");
    assert_eq!(v["department_name"], "销售部");
    assert_eq!(v["recorded_by_name"], "测试outsider");
    assert_eq!(app.audit_count("flow_violation.record").await, 1);
    // `me` tells the web app who supervises something
    assert_eq!(
        app.get(&f.outsider, "/api/v1/me").await.expect(200)["supervises_templates"],
        true
    );
    assert_eq!(
        app.get(&f.staff, "/api/v1/me").await.expect(200)["supervises_templates"],
        false
    );

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

async fn the_weekly_overdue_report_is_made_on_mondays_and_on_demand(app: &TestApp) {
    use chrono::{Datelike, Timelike};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use xietong_server::entities::job;

    let (f, ids) = supervised_setup(app).await;
    app.post(&f.staff, "/api/v1/flow/reports/overdue", json!({}))
        .await
        .expect_code(403, "forbidden");
    let r = app
        .post(&f.admin, "/api/v1/flow/reports/overdue", json!({}))
        .await
        .expect(200);
    assert_eq!(r["overdue"], 0);
    // One task is overdue.
    set_task_due(app, &ids[1], Utc::now() - Duration::hours(3)).await;
    let r = app
        .post(&f.admin, "/api/v1/flow/reports/overdue", json!({}))
        .await
        .expect(200);
    assert_eq!(r["overdue"], 1);
    assert_eq!(r["by_person"][0]["id"], f.boss_id.as_str());
    assert_eq!(r["by_template"][0]["name"], "费用报销");
    assert_eq!(r["by_department"][0]["name"], "销售部");
    assert_eq!(r["tasks"][0]["instance_id"], ids[1].as_str());
    let period = r["period"].as_str().unwrap().to_string();
    // One report per week: the second replaced the first.
    let list = app
        .get(&f.admin, "/api/v1/flow/reports/overdue")
        .await
        .expect(200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["overdue"], 1);
    let stored = app
        .get(&f.admin, &format!("/api/v1/flow/reports/overdue/{period}"))
        .await
        .expect(200);
    assert_eq!(stored["overdue"], 1);
    app.get(&f.admin, "/api/v1/flow/reports/overdue/1999-W01")
        .await
        .expect_code(404, "flow.report_not_found");

    // The Monday job: scheduled at 08:00 Shanghai time, it stores the report and schedules the
    // next Monday.
    xietong_server::flow::reports::ensure_scheduled(&app.app)
        .await
        .unwrap();
    xietong_server::flow::reports::ensure_scheduled(&app.app)
        .await
        .unwrap();
    let weekly = || async {
        job::Entity::find()
            .filter(job::Column::Kind.eq("report.weekly_overdue"))
            .all(app.db())
            .await
            .unwrap()
    };
    let js = weekly().await;
    assert_eq!(js.len(), 1, "scheduled once");
    let local = js[0].run_at + Duration::hours(8);
    assert_eq!(local.weekday(), chrono::Weekday::Mon);
    assert_eq!((local.hour(), local.minute()), (8, 0));
    let at = js[0].run_at;
    assert_eq!(
        crate::common::run_due(app, at + Duration::seconds(1)).await,
        1
    );
    let js = weekly().await;
    assert_eq!(js.len(), 2);
    let next = js.iter().find(|j| j.state == "pending").unwrap();
    assert_eq!(next.run_at - at, Duration::days(7));
    assert_eq!(app.audit_count("flow_report.weekly_overdue").await, 3);
}

both_databases!(
    the_weekly_overdue_report_is_made_on_mondays_and_on_demand,
    the_console_shows_the_open_tasks_of_supervised_templates,
    violations_are_kept_by_the_supervisor_and_reported,
);
