//! The authorization matrix: every role against every guarded endpoint.

use axum::http::Method;
use serde_json::{Value, json};

use crate::both_databases;
use crate::common::*;

const ROLES: [&str; 4] = ["sysadmin", "oa_admin", "hr", "member"];

async fn every_role_against_every_endpoint(app: &TestApp) {
    let admin = app.admin().await;
    let company = app.company(&admin).await;
    let dept = app.some_department(&admin).await;
    let (victim, _) = app.user_with_roles(&admin, "victim", &[]).await;
    let mut sessions = Vec::new();
    for r in ROLES {
        let roles: &[&str] = if r == "member" { &[] } else { &[r] };
        let (_, s) = app
            .user_with_roles(&admin, &format!("as-{}", r.replace('_', "-")), roles)
            .await;
        sessions.push((r, s));
    }
    // (method, path, body, roles allowed)
    let n = std::sync::atomic::AtomicUsize::new(0);
    let uniq = || n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let cases: Vec<(Method, String, Option<Value>, &[&str])> = vec![
        (Method::GET, "/api/v1/me".into(), None, &ROLES),
        (Method::GET, "/api/v1/roles".into(), None, &ROLES),
        (Method::GET, "/api/v1/users".into(), None, &ROLES),
        (Method::GET, format!("/api/v1/users/{victim}"), None, &ROLES),
        (
            Method::GET,
            format!("/api/v1/users/{victim}/supervisors"),
            None,
            &ROLES,
        ),
        (Method::GET, "/api/v1/departments".into(), None, &ROLES),
        (Method::GET, "/api/v1/companies".into(), None, &ROLES),
        (Method::GET, "/api/v1/posts".into(), None, &ROLES),
        (Method::GET, "/api/v1/tenant".into(), None, &ROLES),
        (
            Method::PATCH,
            "/api/v1/tenant".into(),
            Some(json!({"time_zone": "Asia/Shanghai"})),
            &["sysadmin"],
        ),
        (Method::GET, "/api/v1/me/sessions".into(), None, &ROLES),
        (Method::GET, "/api/v1/me/tokens".into(), None, &ROLES),
        (
            Method::GET,
            "/api/v1/me/account-events".into(),
            None,
            &ROLES,
        ),
        (Method::GET, "/api/v1/flow/templates".into(), None, &ROLES),
        (
            Method::POST,
            "/api/v1/flow/templates".into(),
            Some(json!({"name": "T"})),
            &["sysadmin", "oa_admin"],
        ),
        (
            Method::POST,
            "/api/v1/departments".into(),
            Some(json!({"company_id": company, "name": "D"})),
            &["sysadmin", "hr"],
        ),
        (
            Method::PATCH,
            format!("/api/v1/departments/{dept}"),
            Some(json!({"sort_order": 5})),
            &["sysadmin", "hr"],
        ),
        (
            Method::POST,
            "/api/v1/posts".into(),
            Some(json!({"name": "P", "rank": 1})),
            &["sysadmin", "hr"],
        ),
        (
            Method::POST,
            "/api/v1/companies".into(),
            Some(json!({"name": "C", "kind": "holding"})),
            &["sysadmin", "hr"],
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            Some(json!({"username": "new", "display_name": "新人", "department_id": dept})),
            &["sysadmin", "hr"],
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{victim}"),
            Some(json!({"phone": "13900000000"})),
            &["sysadmin", "hr"],
        ),
        (
            Method::POST,
            format!("/api/v1/users/{victim}/reset-password"),
            Some(json!({})),
            &["sysadmin", "oa_admin", "hr"],
        ),
        (
            Method::GET,
            "/api/v1/org/export?format=csv".into(),
            None,
            &["sysadmin", "hr"],
        ),
        (
            Method::GET,
            "/api/v1/audit".into(),
            None,
            &["sysadmin", "oa_admin"],
        ),
        (
            Method::GET,
            "/api/v1/audit/export.csv".into(),
            None,
            &["sysadmin", "oa_admin"],
        ),
        (
            Method::GET,
            "/api/v1/reports/logins?from=2026-11-01&to=2026-11-30".into(),
            None,
            &["sysadmin", "oa_admin", "hr"],
        ),
        (
            Method::GET,
            "/api/v1/login-records".into(),
            None,
            &["sysadmin", "oa_admin", "hr"],
        ),
        (
            Method::POST,
            format!("/api/v1/users/{victim}/disable"),
            Some(json!({})),
            &["sysadmin", "hr"],
        ),
        (
            Method::POST,
            format!("/api/v1/users/{victim}/reactivate"),
            Some(json!({})),
            &["sysadmin", "hr"],
        ),
    ];
    for (method, path, body, allowed) in &cases {
        for (role, s) in &sessions {
            // Bodies that create things get a fresh name so only permissions can refuse them.
            let body = body.clone().map(|mut b| {
                if let Some(name) = b.get("name").and_then(|n| n.as_str()).map(str::to_string) {
                    b["name"] = json!(format!("{name}{}", uniq()));
                }
                if b.get("username").is_some() {
                    b["username"] = json!(format!("new{}", uniq()));
                }
                b
            });
            let res = app.call(s, method.clone(), path, body).await;
            let should = allowed.contains(role);
            if should {
                assert!(
                    res.status.is_success() || res.status == 409,
                    "{role} {method} {path}: {} {}",
                    res.status,
                    res.text()
                );
            } else {
                res.expect_code(403, "forbidden");
            }
        }
    }
}

both_databases!(every_role_against_every_endpoint);
