use axum::body::Body;
use axum::http::Request;
use serde_json::json;

use crate::both_databases;
use crate::common::*;

async fn upload(app: &TestApp, s: &Session, name: &str, bytes: &[u8]) -> Res {
    let boundary = "xtBoundary7";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post("/api/v1/org/import")
        .header("cookie", &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    app.raw(req).await
}

const HEADER: &str = "姓名,用户名,部门路径,岗位,直属上级,手机,邮箱\n";

async fn import_with_a_bad_row_imports_nothing_and_reports_every_bad_row(app: &TestApp) {
    let s = app.admin().await;
    let users_before = app.count("users").await;
    let depts_before = app.count("departments").await;
    let csv = format!(
        "{HEADER}张三,zhangsan,默认组织/市场部,专员,lisi,13800138000,z@example.com\n\
         李四,lisi,默认组织/市场部,部长,,,\n\
         王五,Wang Wu,默认组织/市场部,,,,\n\
         赵六,zhaoliu,不存在公司/市场部,,nobody,12ab,bad-mail\n\
         钱七,lisi,默认组织,,,,\n"
    );
    let v = upload(app, &s, "org.csv", csv.as_bytes())
        .await
        .expect_code(422, "org.import_rejected");
    let rows = v["details"]["rows"].as_array().unwrap();
    let got: Vec<(u64, &str)> = rows
        .iter()
        .map(|r| (r["row"].as_u64().unwrap(), r["column"].as_str().unwrap()))
        .collect();
    for want in [
        (4, "username"),
        (5, "department_path"),
        (5, "supervisor"),
        (5, "phone"),
        (5, "email"),
        (6, "username"),
        (6, "department_path"),
    ] {
        assert!(got.contains(&want), "missing {want:?} in {got:?}");
    }
    assert_eq!(app.count("users").await, users_before);
    assert_eq!(app.count("departments").await, depts_before);
    assert_eq!(app.audit_count("org.import").await, 0);
}

async fn import_creates_departments_posts_users_and_export_round_trips(app: &TestApp) {
    let s = app.admin().await;
    let csv = format!(
        "{HEADER}李四,lisi,默认组织/营销中心/市场部,部长,,13800138001,lisi@example.com\n\
         张三,zhangsan,默认组织/营销中心/市场部,专员,lisi,13800138000,\n\
         王五,wangwu,默认组织/营销中心/销售部,专员,lisi,,\n"
    );
    let v = upload(app, &s, "org.csv", csv.as_bytes()).await.expect(200);
    assert_eq!(v["created"], 3);
    assert_eq!(v["departments_created"], 3);
    assert_eq!(v["posts_created"], 2);
    assert_eq!(v["initial_passwords"].as_array().unwrap().len(), 3);
    let zs = &app.get(&s, "/api/v1/users?q=zhangsan").await.expect(200)["items"][0];
    assert_eq!(zs["department_name"], "市场部");
    assert_eq!(zs["supervisor_name"], "李四");
    assert_eq!(zs["must_change_password"], true);
    let pw = v["initial_passwords"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["username"] == "zhangsan")
        .unwrap()["password"]
        .as_str()
        .unwrap()
        .to_string();
    app.login("zhangsan", &pw).await;

    // Export as CSV, re-import: everything is an update, nothing new.
    let res = app.get(&s, "/api/v1/org/export?format=csv").await;
    assert_eq!(res.status, 200);
    let text = res.text();
    assert!(
        text.contains("张三,zhangsan,默认组织/营销中心/市场部,专员,lisi,13800138000,"),
        "{text}"
    );
    let v = upload(app, &s, "org.csv", text.as_bytes())
        .await
        .expect(200);
    assert_eq!(v["created"], 0);
    assert_eq!(v["departments_created"], 0);
    // The xlsx export parses back through the same importer.
    let res = app.get(&s, "/api/v1/org/export").await;
    assert_eq!(res.status, 200);
    assert!(res.body.starts_with(b"PK"));
    let v = upload(app, &s, "org.xlsx", &res.body).await.expect(200);
    assert_eq!(v["created"], 0);
    assert_eq!(app.audit_count("org.import").await, 3);
    app.get(&s, "/api/v1/org/export?format=pdf")
        .await
        .expect(400);
}

async fn import_refuses_garbage_files_clearly(app: &TestApp) {
    let s = app.admin().await;
    upload(app, &s, "x.xlsx", b"PK\x03\x04 not really a zip")
        .await
        .expect_code(400, "org.import_file");
    upload(app, &s, "x.csv", &[0xff, 0xfe, 0x00])
        .await
        .expect_code(400, "org.import_file");
    upload(app, &s, "x.csv", "name,username\n".as_bytes())
        .await
        .expect_code(400, "org.import_file");
    upload(app, &s, "x.csv", HEADER.as_bytes())
        .await
        .expect_code(400, "org.import_file");
}

async fn import_refuses_a_supervisor_loop(app: &TestApp) {
    let s = app.admin().await;
    let users_before = app.count("users").await;
    let csv = format!("{HEADER}甲,jia,默认组织/甲部,,yi,,\n乙,yi,默认组织/甲部,,jia,,\n");
    let v = upload(app, &s, "org.csv", csv.as_bytes())
        .await
        .expect_code(422, "org.import_rejected");
    assert_eq!(v["details"]["rows"].as_array().unwrap().len(), 2);
    assert_eq!(app.count("users").await, users_before);
    let _ = json!({});
}

both_databases!(
    import_with_a_bad_row_imports_nothing_and_reports_every_bad_row,
    import_creates_departments_posts_users_and_export_round_trips,
    import_refuses_garbage_files_clearly,
    import_refuses_a_supervisor_loop,
);
