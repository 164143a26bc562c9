use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::both_databases;
use crate::common::*;

async fn every_change_is_audited_with_who_what_and_before_after(app: &TestApp) {
    let s = app.admin().await;
    let company = app.company(&s).await;
    let d = app
        .post(
            &s,
            "/api/v1/departments",
            json!({"company_id": company, "name": "审计部"}),
        )
        .await
        .expect(200);
    let id = d["id"].as_str().unwrap();
    app.patch(
        &s,
        &format!("/api/v1/departments/{id}"),
        json!({"name": "内审部"}),
    )
    .await
    .expect(200);
    let page = app
        .get(&s, &format!("/api/v1/audit?target_id={id}"))
        .await
        .expect(200);
    assert_eq!(page["total"], 2);
    let upd = &page["items"][0];
    assert_eq!(upd["action"], "department.update");
    assert_eq!(upd["before"]["name"], "审计部");
    assert_eq!(upd["after"]["name"], "内审部");
    assert!(upd["actor_name"].as_str().unwrap().contains("admin"));
    assert!(upd["request_id"].is_string());
    let by_prefix = app
        .get(&s, "/api/v1/audit?action=department.")
        .await
        .expect(200);
    assert_eq!(by_prefix["total"], 2);
    let csv = app
        .get(&s, "/api/v1/audit/export.csv?action=department.")
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.text().contains("内审部") && csv.text().lines().count() == 3);
}

async fn the_audit_log_is_append_only_in_the_database(app: &TestApp) {
    app.admin().await;
    assert!(app.count("audit_log").await > 0);
    assert!(
        app.db()
            .execute_unprepared("UPDATE audit_log SET summary = 'rewritten'")
            .await
            .is_err()
    );
    assert!(
        app.db()
            .execute_unprepared("DELETE FROM audit_log")
            .await
            .is_err()
    );
}

async fn login_report_counts_sign_ins_per_user_per_day(app: &TestApp) {
    let s = app.admin().await;
    app.login("admin", ADMIN_PASSWORD).await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let from = today - chrono::Duration::days(2);
    let rep = app
        .get(
            &s,
            &format!("/api/v1/reports/logins?from={from}&to={today}"),
        )
        .await
        .expect(200);
    assert_eq!(rep["days"].as_array().unwrap().len(), 3);
    let admin = rep["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["username"] == "admin")
        .unwrap();
    // The first sign-in with the initial password and one more; failed attempts do not count.
    assert_eq!(admin["per_day"][2], 2);
    assert_eq!(admin["total"], 2);
    assert_eq!(admin["days_below_two"], 2);
    assert_eq!(rep["per_department"][0]["per_day"][2], 2);
    app.get(
        &s,
        &format!("/api/v1/reports/logins?from={today}&to={from}"),
    )
    .await
    .expect_code(400, "report.invalid_range");
    app.get(&s, "/api/v1/reports/logins?from=2020-01-01&to=2026-01-01")
        .await
        .expect(400);
    let recs = app
        .get(&s, "/api/v1/login-records?success=true")
        .await
        .expect(200);
    assert_eq!(recs["total"], 2);
}

async fn department_head_sees_the_login_report_of_their_department_only(app: &TestApp) {
    let admin = app.admin().await;
    let company = app.company(&admin).await;
    // Ordered after the root department, so helpers keep creating users in the root.
    let d = app
        .post(
            &admin,
            "/api/v1/departments",
            json!({"company_id": company, "name": "销售部", "sort_order": 5000}),
        )
        .await
        .expect(200);
    let dept = d["id"].as_str().unwrap();
    let (head_id, head) = app.user_with_roles(&admin, "saleshead", &[]).await;
    app.patch(
        &admin,
        &format!("/api/v1/users/{head_id}"),
        json!({"department_id": dept}),
    )
    .await
    .expect(200);
    let (_, other) = app.user_with_roles(&admin, "bystander", &[]).await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let path = format!("/api/v1/reports/logins?from={today}&to={today}");
    app.get(&head, &path).await.expect_code(403, "forbidden");
    app.patch(
        &admin,
        &format!("/api/v1/departments/{dept}"),
        json!({"head_user_id": head_id}),
    )
    .await
    .expect(200);
    let rep = app.get(&head, &path).await.expect(200);
    let names: Vec<&str> = rep["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["saleshead"]);
    app.get(&other, &path).await.expect(403);
}

both_databases!(
    department_head_sees_the_login_report_of_their_department_only,
    every_change_is_audited_with_who_what_and_before_after,
    the_audit_log_is_append_only_in_the_database,
    login_report_counts_sign_ins_per_user_per_day,
);
