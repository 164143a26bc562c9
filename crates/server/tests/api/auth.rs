use serde_json::json;

use crate::both_databases;
use crate::common::*;

async fn initial_password_must_be_changed_before_anything_else(app: &TestApp) {
    let s = app.login("admin", ADMIN_INITIAL).await;
    let me = app.get(&s, "/api/v1/me").await.expect(200);
    assert_eq!(me["must_change_password"], true);
    app.get(&s, "/api/v1/users")
        .await
        .expect_code(403, "auth.password_change_required");
    // Weak passwords are refused with every broken rule named on the field.
    let v = app
        .post(
            &s,
            "/api/v1/auth/password",
            json!({"old_password": ADMIN_INITIAL, "new_password": "abcdef"}),
        )
        .await
        .expect_code(422, "validation_failed");
    let codes: Vec<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"password.too_short") && codes.contains(&"password.sequence"),
        "{codes:?}"
    );
    assert!(
        v["fields"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["field"] == "new_password")
    );
    app.post(
        &s,
        "/api/v1/auth/password",
        json!({"old_password": ADMIN_INITIAL, "new_password": "Admin-Qwerty9"}),
    )
    .await
    .expect(422);
    app.post(
        &s,
        "/api/v1/auth/password",
        json!({"old_password": "wrong", "new_password": ADMIN_PASSWORD}),
    )
    .await
    .expect(422);
    app.post(
        &s,
        "/api/v1/auth/password",
        json!({"old_password": ADMIN_INITIAL, "new_password": ADMIN_PASSWORD}),
    )
    .await
    .expect(204);
    app.get(&s, "/api/v1/users").await.expect(200);
    assert_eq!(app.audit_count("user.password_change").await, 1);
    // The old password no longer works, the new one does.
    app.post(
        &Session::anonymous(),
        "/api/v1/auth/login",
        json!({"username": "admin", "password": ADMIN_INITIAL}),
    )
    .await
    .expect_code(401, "auth.invalid_credentials");
    app.login("admin", ADMIN_PASSWORD).await;
}

async fn five_failed_logins_lock_the_account(app: &TestApp) {
    let anon = Session::anonymous();
    for _ in 0..4 {
        app.post(
            &anon,
            "/api/v1/auth/login",
            json!({"username": "admin", "password": "nope"}),
        )
        .await
        .expect_code(401, "auth.invalid_credentials");
    }
    let v = app
        .post(
            &anon,
            "/api/v1/auth/login",
            json!({"username": "admin", "password": "nope"}),
        )
        .await
        .expect_code(423, "auth.locked");
    assert!(v["details"]["locked_until"].is_string());
    // Even the right password is refused while locked.
    app.post(
        &anon,
        "/api/v1/auth/login",
        json!({"username": "admin", "password": ADMIN_INITIAL}),
    )
    .await
    .expect_code(423, "auth.locked");
    assert_eq!(app.audit_count("user.lock").await, 1);
    let failures = app.count("login_records").await;
    assert_eq!(failures, 6);
}

async fn unknown_user_gets_the_same_answer_as_a_wrong_password(app: &TestApp) {
    let v = app
        .post(
            &Session::anonymous().lang("en"),
            "/api/v1/auth/login",
            json!({"username": "ghost", "password": "x"}),
        )
        .await
        .expect_code(401, "auth.invalid_credentials");
    assert_eq!(v["message"], "Wrong username or password");
}

async fn logout_ends_the_session(app: &TestApp) {
    let s = app.admin().await;
    app.post(&s, "/api/v1/auth/logout", json!({}))
        .await
        .expect(204);
    app.get(&s, "/api/v1/me")
        .await
        .expect_code(401, "auth.unauthenticated");
}

async fn cookie_writes_need_the_csrf_token(app: &TestApp) {
    let mut s = app.admin().await;
    s.csrf = "forged".into();
    app.patch(&s, "/api/v1/me", json!({"display_name": "x"}))
        .await
        .expect_code(403, "auth.csrf");
    // Reads do not need it.
    app.get(&s, "/api/v1/me").await.expect(200);
}

async fn sessions_are_listed_and_revocable(app: &TestApp) {
    let a = app.admin().await;
    let b = app.login("admin", ADMIN_PASSWORD).await;
    let list = app.get(&a, "/api/v1/me/sessions").await.expect(200);
    assert_eq!(list.as_array().unwrap().len(), 2);
    let other = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.delete(&a, &format!("/api/v1/me/sessions/{other}"))
        .await
        .expect(204);
    app.get(&b, "/api/v1/me").await.expect(401);
    let c = app.login("admin", ADMIN_PASSWORD).await;
    app.post(&a, "/api/v1/me/sessions/revoke-others", json!({}))
        .await
        .expect(204);
    app.get(&c, "/api/v1/me").await.expect(401);
    app.get(&a, "/api/v1/me").await.expect(200);
}

async fn two_factor_enrolment_then_sign_in_with_code_or_recovery_code(app: &TestApp) {
    let s = app.admin().await;
    let setup = app
        .post(&s, "/api/v1/me/totp/setup", json!({}))
        .await
        .expect(200);
    let secret = setup["secret"].as_str().unwrap();
    assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"));
    app.post(&s, "/api/v1/me/totp/enable", json!({"code": "000000"}))
        .await
        .expect(422);
    let code = xietong_server::auth::totp::current(secret, "admin").unwrap();
    let codes = app
        .post(&s, "/api/v1/me/totp/enable", json!({"code": code}))
        .await
        .expect(200);
    let recovery = codes["recovery_codes"][0].as_str().unwrap().to_string();
    let anon = Session::anonymous();
    app.post(
        &anon,
        "/api/v1/auth/login",
        json!({"username": "admin", "password": ADMIN_PASSWORD}),
    )
    .await
    .expect_code(401, "auth.totp_required");
    app.post(
        &anon,
        "/api/v1/auth/login",
        json!({"username": "admin", "password": ADMIN_PASSWORD, "totp": "123456"}),
    )
    .await
    .expect_code(401, "auth.totp_invalid");
    let code = xietong_server::auth::totp::current(secret, "admin").unwrap();
    app.post(
        &anon,
        "/api/v1/auth/login",
        json!({"username": "admin", "password": ADMIN_PASSWORD, "totp": code}),
    )
    .await
    .expect(200);
    app.post(
        &anon,
        "/api/v1/auth/login",
        json!({"username": "admin", "password": ADMIN_PASSWORD, "totp": recovery}),
    )
    .await
    .expect(200);
    // A recovery code works once.
    app.post(
        &anon,
        "/api/v1/auth/login",
        json!({"username": "admin", "password": ADMIN_PASSWORD, "totp": recovery}),
    )
    .await
    .expect_code(401, "auth.totp_invalid");
    assert_eq!(
        app.get(&s, "/api/v1/me").await.expect(200)["totp_enabled"],
        true
    );
    app.post(&s, "/api/v1/me/totp/disable", json!({"password": "wrong"}))
        .await
        .expect(422);
    app.post(
        &s,
        "/api/v1/me/totp/disable",
        json!({"password": ADMIN_PASSWORD}),
    )
    .await
    .expect(204);
    app.post(
        &anon,
        "/api/v1/auth/login",
        json!({"username": "admin", "password": ADMIN_PASSWORD}),
    )
    .await
    .expect(200);
}

async fn api_tokens_are_shown_once_scoped_and_revocable(app: &TestApp) {
    let s = app.admin().await;
    let created = app
        .post(
            &s,
            "/api/v1/me/tokens",
            json!({"name": "报表同步", "scopes": ["read"], "expires_in_days": 30}),
        )
        .await
        .expect(200);
    let token = created["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("xt_"));
    let list = app.get(&s, "/api/v1/me/tokens").await.expect(200);
    assert!(
        !list.to_string().contains(&token),
        "the secret is never listed"
    );
    let t = Session::bearer(&token);
    app.get(&t, "/api/v1/users").await.expect(200);
    let dept = app.some_department(&s).await;
    app.post(
        &t,
        "/api/v1/departments",
        json!({"company_id": app.company(&s).await, "parent_id": dept, "name": "X"}),
    )
    .await
    .expect(403);
    app.post(
        &s,
        "/api/v1/me/tokens",
        json!({"name": "", "scopes": ["admin"]}),
    )
    .await
    .expect(422);
    let id = created["info"]["id"].as_str().unwrap();
    app.delete(&s, &format!("/api/v1/me/tokens/{id}"))
        .await
        .expect(204);
    app.get(&t, "/api/v1/users").await.expect(401);
}

async fn disabled_user_cannot_sign_in_and_loses_sessions(app: &TestApp) {
    let admin = app.admin().await;
    let (id, s) = app.user_with_roles(&admin, "leaver", &[]).await;
    app.post(&admin, &format!("/api/v1/users/{id}/disable"), json!({}))
        .await
        .expect(200);
    app.get(&s, "/api/v1/me").await.expect(401);
    app.post(
        &Session::anonymous(),
        "/api/v1/auth/login",
        json!({"username": "leaver", "password": "Green-River-88!"}),
    )
    .await
    .expect_code(403, "auth.disabled");
    app.post(&admin, &format!("/api/v1/users/{id}/disable"), json!({}))
        .await
        .expect(409);
    app.post(&admin, &format!("/api/v1/users/{id}/reactivate"), json!({}))
        .await
        .expect(200);
    app.login("leaver", "Green-River-88!").await;
}

async fn admin_reset_sets_a_one_time_password_the_user_sees_in_account_events(app: &TestApp) {
    let admin = app.admin().await;
    let (id, _) = app.user_with_roles(&admin, "forgetful", &[]).await;
    let otp = app
        .post(
            &admin,
            &format!("/api/v1/users/{id}/reset-password"),
            json!({}),
        )
        .await
        .expect(200)["one_time_password"]
        .as_str()
        .unwrap()
        .to_string();
    let s = app.login("forgetful", &otp).await;
    app.get(&s, "/api/v1/users")
        .await
        .expect_code(403, "auth.password_change_required");
    app.post(
        &s,
        "/api/v1/auth/password",
        json!({"old_password": otp, "new_password": "Blue-Lake-77?"}),
    )
    .await
    .expect(204);
    let events = app.get(&s, "/api/v1/me/account-events").await.expect(200);
    let actions: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"user.password_reset") && actions.contains(&"user.create"),
        "{actions:?}"
    );
    // The user's own password change is not an administrator's change.
    assert!(!actions.contains(&"user.password_change"));
}

async fn profile_update_is_validated_and_audited(app: &TestApp) {
    let s = app.admin().await;
    let v = app
        .patch(
            &s,
            "/api/v1/me",
            json!({"email": "not-an-email", "locale": "fr"}),
        )
        .await
        .expect(422);
    assert_eq!(v["fields"].as_array().unwrap().len(), 2);
    let me = app
        .patch(
            &s,
            "/api/v1/me",
            json!({"email": "admin@example.com", "locale": "en", "display_name": "管理员"}),
        )
        .await
        .expect(200);
    assert_eq!(me["locale"], "en");
    assert_eq!(app.audit_count("user.profile_update").await, 1);
}

#[tokio::test]
async fn login_rate_limit_answers_429() {
    let app = TestApp::with(Backend::Sqlite, |c| c.login_rate_per_minute = 3).await;
    let anon = Session::anonymous();
    for _ in 0..3 {
        app.post(
            &anon,
            "/api/v1/auth/login",
            json!({"username": "ghost", "password": "x"}),
        )
        .await
        .expect(401);
    }
    app.post(
        &anon,
        "/api/v1/auth/login",
        json!({"username": "ghost", "password": "x"}),
    )
    .await
    .expect_code(429, "rate_limited");
    app.cleanup().await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_limits_and_records_use_the_forwarded_address() {
    use axum::body::Body;
    use axum::http::Request;
    let app = TestApp::with(Backend::Sqlite, |c| {
        c.login_rate_per_minute = 2;
        c.trust_forwarded_for = true;
    })
    .await;
    let attempt = |ip: &'static str| {
        Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .header("x-forwarded-for", format!("{ip}, 10.0.0.1"))
            .body(Body::from(
                json!({"username": "ghost", "password": "x"}).to_string(),
            ))
            .unwrap()
    };
    app.raw(attempt("203.0.113.7")).await.expect(401);
    app.raw(attempt("203.0.113.7")).await.expect(401);
    app.raw(attempt("203.0.113.7"))
        .await
        .expect_code(429, "rate_limited");
    app.raw(attempt("198.51.100.2")).await.expect(401);
    let admin = app.admin().await;
    let recs = app
        .get(&admin, "/api/v1/login-records?success=false")
        .await
        .expect(200);
    let ips: Vec<&str> = recs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["ip"].as_str())
        .collect();
    assert!(
        ips.contains(&"203.0.113.7") && ips.contains(&"198.51.100.2"),
        "{ips:?}"
    );
    app.cleanup().await;
}

async fn tenant_can_require_two_factor_and_tighten_password_rules(app: &TestApp) {
    let admin = app.admin().await;
    let (_, member) = app.user_with_roles(&admin, "worker", &[]).await;
    app.patch(&admin, "/api/v1/tenant", json!({"time_zone": "Mars/Base"}))
        .await
        .expect(422);
    app.patch(&member, "/api/v1/tenant", json!({"name": "x"}))
        .await
        .expect_code(403, "forbidden");
    let v = app
        .patch(
            &admin,
            "/api/v1/tenant",
            json!({"settings": {"password": {"min_length": 12}, "require_totp_roles": ["member"]}}),
        )
        .await
        .expect(200);
    assert_eq!(v["settings"]["password"]["min_length"], 12);
    assert_eq!(
        app.get(&Session::anonymous(), "/api/v1/auth/password-policy")
            .await
            .expect(200)["min_length"],
        12
    );
    // Every role includes member, so everyone must enrol before doing anything else.
    app.get(&member, "/api/v1/users")
        .await
        .expect_code(403, "auth.totp_enrollment_required");
    app.get(&member, "/api/v1/me").await.expect(200);
    let setup = app
        .post(&member, "/api/v1/me/totp/setup", json!({}))
        .await
        .expect(200);
    let code =
        xietong_server::auth::totp::current(setup["secret"].as_str().unwrap(), "worker").unwrap();
    app.post(&member, "/api/v1/me/totp/enable", json!({"code": code}))
        .await
        .expect(200);
    app.get(&member, "/api/v1/users").await.expect(200);
    // The longer minimum applies to password changes now.
    let v = app
        .post(
            &member,
            "/api/v1/auth/password",
            json!({"old_password": "Green-River-88!", "new_password": "Short-Pw9!x"}),
        )
        .await
        .expect(422);
    assert_eq!(v["fields"][0]["code"], "password.too_short");
    assert_eq!(app.audit_count("tenant.update").await, 1);
}

both_databases!(
    tenant_can_require_two_factor_and_tighten_password_rules,
    initial_password_must_be_changed_before_anything_else,
    five_failed_logins_lock_the_account,
    unknown_user_gets_the_same_answer_as_a_wrong_password,
    logout_ends_the_session,
    cookie_writes_need_the_csrf_token,
    sessions_are_listed_and_revocable,
    two_factor_enrolment_then_sign_in_with_code_or_recovery_code,
    api_tokens_are_shown_once_scoped_and_revocable,
    disabled_user_cannot_sign_in_and_loses_sessions,
    admin_reset_sets_a_one_time_password_the_user_sees_in_account_events,
    profile_update_is_validated_and_audited,
);
