use axum::body::Body;
use axum::http::Request;
use serde_json::json;

use crate::both_databases;
use crate::common::*;

async fn bad_input_gets_4xx_in_the_error_shape_and_writes_nothing(app: &TestApp) {
    let s = app.admin().await;
    let before = app.count("departments").await;
    let company = app.company(&s).await;
    let send = |body: &'static str, ctype: &'static str| {
        Request::post("/api/v1/departments")
            .header("cookie", &s.cookie)
            .header("x-csrf-token", &s.csrf)
            .header("content-type", ctype)
            .body(Body::from(body))
            .unwrap()
    };
    app.raw(send("{not json", "application/json"))
        .await
        .expect_code(400, "request.malformed_json");
    app.raw(send("{\"name\": 5}", "application/json"))
        .await
        .expect_code(400, "request.invalid_json");
    app.raw(send("{}", "text/plain"))
        .await
        .expect_code(415, "request.content_type");
    app.post(
        &s,
        "/api/v1/departments",
        json!({"company_id": company, "name": "x", "surprise": true}),
    )
    .await
    .expect_code(400, "request.invalid_json");
    app.post(
        &s,
        "/api/v1/departments",
        json!({"company_id": "not-a-uuid", "name": "x"}),
    )
    .await
    .expect(400);
    app.post(
        &s,
        "/api/v1/departments",
        json!({"company_id": company, "name": "x".repeat(100_000)}),
    )
    .await
    .expect(422);
    app.post(
        &s,
        "/api/v1/departments",
        json!({"company_id": company, "name": "x".repeat(2_000_000)}),
    )
    .await
    .expect_code(413, "request.too_large");
    app.get(&s, "/api/v1/users/123")
        .await
        .expect_code(400, "request.invalid_id");
    app.get(&s, &format!("/api/v1/users/{}", uuid::Uuid::now_v7()))
        .await
        .expect_code(404, "org.user_not_found");
    app.get(&s, "/api/v1/nothing-here")
        .await
        .expect_code(404, "not_found");
    app.delete(&s, "/api/v1/me")
        .await
        .expect_code(405, "method_not_allowed");
    assert_eq!(app.count("departments").await, before);
}

async fn messages_follow_accept_language_and_carry_the_request_id(app: &TestApp) {
    let anon = Session::anonymous();
    let zh = app.get(&anon, "/api/v1/me").await;
    let v = zh.expect_code(401, "auth.unauthenticated");
    assert_eq!(v["message"], "请先登录");
    assert_eq!(
        zh.headers.get("x-request-id").unwrap().to_str().unwrap(),
        v["request_id"].as_str().unwrap()
    );
    let v = app
        .get(&anon.lang("en-US,en;q=0.9"), "/api/v1/me")
        .await
        .expect(401);
    assert_eq!(v["message"], "Please sign in first");
}

async fn health_openapi_and_docs_answer(app: &TestApp) {
    let anon = Session::anonymous();
    assert_eq!(app.get(&anon, "/healthz").await.expect(200)["status"], "ok");
    let doc = app.get(&anon, "/api/openapi.json").await.expect(200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/v1/auth/login",
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/departments",
        "/api/v1/audit",
        "/api/v1/flow/templates",
        "/api/v1/flow/instances",
        "/api/v1/flow/tasks/{id}/actions",
        "/api/v1/flow/todo",
        "/api/v1/flow/counts",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} missing from OpenAPI");
    }
    let docs = app.get(&anon, "/api/docs/").await;
    assert_eq!(docs.status, 200);
    assert!(docs.text().contains("swagger"));
    // Deep links answer the app, not 404.
    let deep = app.get(&anon, "/workbench/todo").await;
    assert_eq!(deep.status, 200);
    assert!(deep.text().contains("<html"));
}

async fn a_newer_schema_refuses_to_start(app: &TestApp) {
    use sea_orm::ConnectionTrait;
    app.db()
        .execute_unprepared("INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000001_future', 0)")
        .await
        .unwrap();
    let err = xietong_server::db::check_schema_version(app.db())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("newer than this binary"), "{err}");
}

both_databases!(
    bad_input_gets_4xx_in_the_error_shape_and_writes_nothing,
    messages_follow_accept_language_and_carry_the_request_id,
    health_openapi_and_docs_answer,
    a_newer_schema_refuses_to_start,
);
