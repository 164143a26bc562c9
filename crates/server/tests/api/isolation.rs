//! Tenants never see each other.

use serde_json::json;

use crate::both_databases;
use crate::common::*;

async fn a_tenant_sees_nothing_of_another(app: &TestApp) {
    let a = app.admin().await;
    let a_dept = app.some_department(&a).await;
    let (a_user, _) = app.user_with_roles(&a, "alice", &[]).await;
    xietong_server::tenant::create_tenant(
        app.db(),
        "acme",
        "Acme 集团",
        Some("Acme-Admin#42".into()),
    )
    .await
    .unwrap();
    let anon = Session::anonymous();
    // Same username, other tenant: separate account.
    let res = app
        .post(
            &anon,
            "/api/v1/auth/login",
            json!({"username": "admin", "password": "Acme-Admin#42", "tenant": "acme"}),
        )
        .await;
    let b = session_from(&res);
    res.expect(200);
    app.post(
        &b,
        "/api/v1/auth/password",
        json!({"old_password": "Acme-Admin#42", "new_password": "Acme-Boss#2027"}),
    )
    .await
    .expect(204);
    assert_eq!(
        app.get(&b, "/api/v1/me").await.expect(200)["tenant"]["name"],
        "Acme 集团"
    );
    let users = app.get(&b, "/api/v1/users?page_size=200").await.expect(200);
    assert_eq!(users["total"], 1, "{users}");
    app.get(&b, &format!("/api/v1/users/{a_user}"))
        .await
        .expect(404);
    app.patch(
        &b,
        &format!("/api/v1/users/{a_user}"),
        json!({"phone": "13900000000"}),
    )
    .await
    .expect(404);
    app.post(
        &b,
        &format!("/api/v1/users/{a_user}/reset-password"),
        json!({}),
    )
    .await
    .expect(404);
    app.patch(
        &b,
        &format!("/api/v1/departments/{a_dept}"),
        json!({"name": "hijack"}),
    )
    .await
    .expect(404);
    app.delete(&b, &format!("/api/v1/departments/{a_dept}"))
        .await
        .expect(404);
    app.get(&b, &format!("/api/v1/users?department_id={a_dept}"))
        .await
        .expect(404);
    app.post(
        &b,
        "/api/v1/users",
        json!({"username": "mole", "display_name": "x", "department_id": a_dept}),
    )
    .await
    .expect(422);
    let b_depts = app.get(&b, "/api/v1/departments").await.expect(200);
    assert!(!b_depts.to_string().contains(&a_dept));
    let audit = app.get(&b, "/api/v1/audit?page_size=200").await.expect(200);
    assert!(!audit.to_string().contains(&a_user));
    let logins = app
        .get(&b, "/api/v1/login-records?page_size=200")
        .await
        .expect(200);
    assert!(
        logins["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["username"] == "admin")
    );
    // Wrong tenant slug: the user does not exist there.
    app.post(
        &anon,
        "/api/v1/auth/login",
        json!({"username": "alice", "password": "Green-River-88!", "tenant": "acme"}),
    )
    .await
    .expect(401);
    // And the first tenant is untouched.
    assert_eq!(
        app.get(&a, &format!("/api/v1/users/{a_user}"))
            .await
            .expect(200)["username"],
        "alice"
    );
}

both_databases!(a_tenant_sees_nothing_of_another);
