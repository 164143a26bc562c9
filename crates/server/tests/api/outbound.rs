//! Notifications leave the building: mail to a real SMTP server, signed messages to group robots
//! and webhooks (a real HTTP receiver checks each platform's signature), encrypted Web Push (the
//! receiver checks VAPID and decrypts as a browser would), the digest, account events and
//! @mentions — with per-person preferences, quiet hours, retries and dead letters.

use axum::body::Body;
use axum::http::{Method, Request};
use base64::Engine;
use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::Sha256;
use xietong_server::entities::{job, notification, user};
use xietong_server::jobs;

use crate::both_databases;
use crate::common::*;
use crate::sinks::{HttpSink, SmtpSink};

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

async fn put(app: &TestApp, s: &Session, path: &str, body: Value) -> Res {
    app.call(s, Method::PUT, path, Some(body)).await
}

/// Runs due jobs until none is left (deliveries are enqueued by the jobs before them).
async fn drain(app: &TestApp) {
    while jobs::run_due(&app.app, Utc::now()).await.unwrap() > 0 {}
}

async fn jobs_of(app: &TestApp, kind: &str) -> Vec<job::Model> {
    job::Entity::find()
        .filter(job::Column::Kind.eq(kind))
        .all(app.db())
        .await
        .unwrap()
}

async fn notices_of(app: &TestApp, user: &str, kind: &str) -> Vec<notification::Model> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user.parse::<uuid::Uuid>().unwrap()))
        .filter(notification::Column::Kind.eq(kind))
        .all(app.db())
        .await
        .unwrap()
}

fn mail_settings(port: u16) -> Value {
    json!({
        "mail": {"enabled": true, "host": "127.0.0.1", "port": port, "security": "none",
                 "from_address": "oa@example.com", "from_name": "协同"},
        "digest": {"enabled": true, "times": ["13:30", "08:30"]}
    })
}

async fn set_email(app: &TestApp, admin: &Session, user: &str, email: &str) {
    app.patch(
        admin,
        &format!("/api/v1/users/{user}"),
        json!({ "email": email }),
    )
    .await
    .expect(200);
}

async fn want_mail_for_tasks(app: &TestApp, s: &Session) {
    put(
        app,
        s,
        "/api/v1/me/notification-settings",
        json!({"events": [{"kind": "task_assigned", "email": true, "push": true}], "quiet_hours": null, "digest": true}),
    )
    .await
    .expect(200);
}

async fn mail_reaches_a_real_smtp_server_with_a_link_back_and_never_twice(app: &TestApp) {
    let sink = SmtpSink::start().await;
    let f = flow_setup(app, |_| {}).await;
    let saved = put(
        app,
        &f.admin,
        "/api/v1/admin/notification-settings",
        mail_settings(sink.addr.port()),
    )
    .await
    .expect(200);
    assert_eq!(saved["mail"]["has_password"], false);
    assert_eq!(saved["digest"]["times"], json!(["08:30", "13:30"]));
    assert_eq!(app.audit_count("notify.settings_changed").await, 1);
    // the test button sends now and says so
    let ok = app
        .post(
            &f.admin,
            "/api/v1/admin/notification-settings/test-mail",
            json!({"to": "ops@example.com"}),
        )
        .await
        .expect(200);
    assert_eq!(ok["ok"], true);
    let test = &sink.mails()[0];
    assert_eq!(test.to, vec!["ops@example.com"]);
    assert_eq!(test.from, "oa@example.com");
    assert_eq!(test.header("Subject").unwrap(), "协同测试邮件");

    set_email(app, &f.admin, &f.boss_id, "boss@example.com").await;
    want_mail_for_tasks(app, &f.boss).await;
    let inst = start_expense(app, &f).await;
    drain(app).await;
    let to_boss: Vec<_> = sink
        .mails()
        .into_iter()
        .filter(|m| m.to == vec!["boss@example.com"])
        .collect();
    assert_eq!(to_boss.len(), 1, "one mail for one new task");
    let m = &to_boss[0];
    let notice = &notices_of(app, &f.boss_id, "task_assigned").await[0];
    let subject = m.header("Subject").unwrap();
    assert!(subject.starts_with("[协同] "), "{subject}");
    assert!(
        subject.contains(inst["title"].as_str().unwrap()),
        "{subject}"
    );
    assert!(subject.contains("部门负责人"), "{subject}");
    let (text, html) = m.parts();
    assert!(text.starts_with("测试boss，您好"), "{text}");
    let link = format!("/notifications?open={}", notice.id);
    assert!(text.contains(&link), "{text}");
    assert!(
        html.contains(&format!("href=\"http://localhost:8080{link}\"")),
        "{html}"
    );
    assert!(
        m.header("Message-ID")
            .unwrap()
            .contains(&notice.id.to_string()),
        "a resend is recognisably the same mail"
    );
    // dispatching the same notices again sends nothing new
    let d = &jobs_of(app, "notify.dispatch").await[0];
    jobs::enqueue(
        app.db(),
        jobs::NewJob::new(d.tenant_id, "notify.dispatch", d.payload.clone()),
    )
    .await
    .unwrap();
    drain(app).await;
    assert_eq!(
        sink.mails()
            .iter()
            .filter(|m| m.to == vec!["boss@example.com"])
            .count(),
        1
    );

    // a mailbox the server refuses: a dead letter with the server's answer, no retries
    sink.refuse("fin@example.com");
    set_email(app, &f.admin, &f.fin_id, "fin@example.com").await;
    want_mail_for_tasks(app, &f.fin).await;
    let task = inst["tasks"][0]["id"].as_str().unwrap();
    app.post(
        &f.boss,
        &format!("/api/v1/flow/tasks/{task}/actions"),
        json!({"action": "agree", "opinion": "同意"}),
    )
    .await
    .expect(200);
    drain(app).await;
    let failed = app
        .get(
            &f.admin,
            "/api/v1/admin/jobs?state=failed&kind=notify.email",
        )
        .await
        .expect(200);
    assert_eq!(failed["total"], 1, "{failed}");
    assert_eq!(failed["items"][0]["attempts"], 1);
    let err = failed["items"][0]["last_error"].as_str().unwrap();
    assert!(err.contains("no such mailbox"), "{err}");

    // English readers get English mail; a server that is down is retried, then given up
    user::Entity::update_many()
        .col_expr(user::Column::Locale, "en".into())
        .filter(user::Column::Id.eq(f.staff_id.parse::<uuid::Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
    set_email(app, &f.admin, &f.staff_id, "staff@example.com").await;
    let fin_task = app.get(&f.fin, "/api/v1/flow/todo").await.expect(200)["items"][0]["task_id"]
        .as_str()
        .unwrap()
        .to_string();
    app.post(
        &f.fin,
        &format!("/api/v1/flow/tasks/{fin_task}/actions"),
        json!({"action": "agree", "opinion": "ok"}),
    )
    .await
    .expect(200);
    drain(app).await;
    let to_staff: Vec<_> = sink
        .mails()
        .into_iter()
        .filter(|m| m.to == vec!["staff@example.com"])
        .collect();
    assert_eq!(to_staff.len(), 1);
    let (text, _) = to_staff[0].parts();
    assert!(text.starts_with("Hello 测试staff,"), "{text}");
    assert!(text.contains("finished: approved"), "{text}");

    let mut down = mail_settings(1); // nothing listens on port 1
    down["mail"]["port"] = json!(1);
    put(app, &f.admin, "/api/v1/admin/notification-settings", down)
        .await
        .expect(200);
    let inst2 = start_expense(app, &f).await;
    assert!(inst2["id"].is_string());
    drain(app).await;
    let retrying: Vec<_> = jobs_of(app, "notify.email")
        .await
        .into_iter()
        .filter(|j| j.state == "pending")
        .collect();
    assert_eq!(retrying.len(), 1, "the boss's mail waits for a retry");
    assert!(retrying[0].run_at > Utc::now(), "with backoff");
    assert!(
        retrying[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("127.0.0.1:1")
    );
    for day in 1..=10 {
        jobs::run_due(&app.app, Utc::now() + Duration::days(day))
            .await
            .unwrap();
    }
    let j = job::Entity::find_by_id(retrying[0].id)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(j.state, "failed");
    assert_eq!(j.attempts, j.max_attempts);
}

async fn quiet_hours_hold_mail_until_they_end_but_not_account_events(app: &TestApp) {
    let sink = SmtpSink::start().await;
    let f = flow_setup(app, |_| {}).await;
    put(
        app,
        &f.admin,
        "/api/v1/admin/notification-settings",
        mail_settings(sink.addr.port()),
    )
    .await
    .expect(200);
    set_email(app, &f.admin, &f.boss_id, "boss@example.com").await;
    let local = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai);
    let hm = |t: chrono::DateTime<chrono_tz::Tz>| t.format("%H:%M").to_string();
    let end = local + Duration::hours(1);
    put(
        app,
        &f.boss,
        "/api/v1/me/notification-settings",
        json!({"events": [{"kind": "task_assigned", "email": true, "push": false}],
               "quiet_hours": {"start": hm(local - Duration::hours(1)), "end": hm(end)}, "digest": true}),
    )
    .await
    .expect(200);
    start_expense(app, &f).await;
    drain(app).await;
    assert!(sink.mails().is_empty(), "held during quiet hours");
    let held = &jobs_of(app, "notify.email").await[0];
    assert_eq!(held.state, "pending");
    assert_eq!(held.run_at.timestamp() / 60, {
        let e = end.with_timezone(&Utc);
        (e.timestamp() - e.timestamp() % 60) / 60
    });
    // an account event goes at once
    app.post(
        &f.admin,
        &format!("/api/v1/users/{}/reset-password", f.boss_id),
        json!({}),
    )
    .await
    .expect(200);
    drain(app).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0]
            .header("Subject")
            .unwrap()
            .contains("管理员重置了您的密码"),
        "{:?}",
        mails[0].header("Subject")
    );
    // the held mail goes when the quiet hours end
    jobs::run_due(&app.app, Utc::now() + Duration::hours(2))
        .await
        .unwrap();
    assert_eq!(sink.mails().len(), 2);
}

const DING: &str = "SECd1ngd0ng";
const FEI: &str = "feishu-secret";
const HOOK: &str = "webhook-secret";

/// Answers like each platform: signatures checked the way the platform documents them.
fn platform(r: &crate::sinks::Received) -> (u16, String) {
    let now = Utc::now().timestamp();
    match r.path.as_str() {
        "/dingtalk" | "/dingtalk-wrong" => {
            let ts = r.query_param("timestamp").unwrap_or_default();
            let fresh = ts
                .parse::<i64>()
                .is_ok_and(|t| (t / 1000 - now).abs() < 3600);
            let expect = b64(&hmac(DING.as_bytes(), format!("{ts}\n{DING}").as_bytes()));
            if fresh
                && r.query_param("sign") == Some(expect)
                && r.query_param("access_token").as_deref() == Some("T0K")
            {
                (200, r#"{"errcode":0,"errmsg":"ok"}"#.into())
            } else {
                (
                    200,
                    r#"{"errcode":310000,"errmsg":"sign not match"}"#.into(),
                )
            }
        }
        "/feishu" => {
            let b = r.json();
            let ts = b["timestamp"].as_str().unwrap_or_default().to_string();
            let expect = b64(&hmac(format!("{ts}\n{FEI}").as_bytes(), b""));
            if b["sign"] == json!(expect) && ts.parse::<i64>().is_ok_and(|t| (t - now).abs() < 3600)
            {
                (200, r#"{"code":0,"msg":"success"}"#.into())
            } else {
                (200, r#"{"code":19021,"msg":"sign match fail"}"#.into())
            }
        }
        "/wecom" => {
            if r.query_param("key").as_deref() == Some("K3Y") && r.json()["msgtype"] == "markdown" {
                (200, r#"{"errcode":0,"errmsg":"ok"}"#.into())
            } else {
                (
                    200,
                    r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#.into(),
                )
            }
        }
        "/hook-down" => (503, "busy".into()),
        "/hook" | "/hook-finished" => {
            let ts = r.header("x-xietong-timestamp").unwrap_or_default();
            let mut msg = ts.clone().into_bytes();
            msg.push(b'.');
            msg.extend_from_slice(&r.body);
            let hex: String = hmac(HOOK.as_bytes(), &msg)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if r.header("x-xietong-signature") == Some(format!("sha256={hex}")) {
                (204, String::new())
            } else {
                (401, r#"{"error":"bad signature"}"#.into())
            }
        }
        _ => (404, "{}".into()),
    }
}

async fn robots_and_webhooks_get_messages_their_platforms_accept(app: &TestApp) {
    let sink = HttpSink::start(platform).await;
    let f = flow_setup(app, |_| {}).await;
    let mut ids = Vec::new();
    for (kind, name, url, secret, events) in [
        (
            "dingtalk",
            "钉钉审批群",
            sink.url("/dingtalk?access_token=T0K"),
            Some(DING),
            json!([]),
        ),
        (
            "feishu",
            "飞书群",
            sink.url("/feishu"),
            Some(FEI),
            json!([]),
        ),
        (
            "wecom",
            "企业微信群",
            sink.url("/wecom?key=K3Y"),
            None,
            json!([]),
        ),
        ("webhook", "ERP", sink.url("/hook"), Some(HOOK), json!([])),
        (
            "webhook",
            "办结归档",
            sink.url("/hook-finished"),
            Some(HOOK),
            json!(["finished"]),
        ),
    ] {
        let mut body =
            json!({"kind": kind, "name": name, "url": url, "events": events, "enabled": true});
        if let Some(s) = secret {
            body["secret"] = json!(s);
        }
        let c = app
            .post(&f.admin, "/api/v1/admin/notify-channels", body)
            .await
            .expect(201);
        assert_eq!(c["has_secret"], secret.is_some());
        assert!(c.get("secret").is_none(), "secrets never leave");
        ids.push(c["id"].as_str().unwrap().to_string());
    }
    for id in &ids {
        let r = app
            .post(
                &f.admin,
                &format!("/api/v1/admin/notify-channels/{id}/test"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    assert!(
        sink.got()
            .iter()
            .all(|r| r.status == 200 || r.status == 204),
        "{:?}",
        sink.got()
    );
    // a wrong secret: the platform's refusal comes back to the administrator
    let wrong = app
        .post(
            &f.admin,
            "/api/v1/admin/notify-channels",
            json!({"kind": "dingtalk", "name": "错的", "url": sink.url("/dingtalk-wrong?access_token=T0K"), "secret": "SECnope", "enabled": false}),
        )
        .await
        .expect(201);
    let wid = wrong["id"].as_str().unwrap();
    let refused = app
        .post(
            &f.admin,
            &format!("/api/v1/admin/notify-channels/{wid}/test"),
            json!({}),
        )
        .await
        .expect_code(422, "notify.delivery_failed");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("sign not match"),
        "{refused}"
    );
    assert_eq!(app.audit_count("notify.channel_tested").await, 6);

    let before = sink.got().len();
    let inst = start_expense(app, &f).await;
    drain(app).await;
    let got = &sink.got()[before..];
    let paths: Vec<&str> = got.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        got.len(),
        4,
        "{paths:?}: the disabled and the finished-only channels stay quiet"
    );
    assert!(
        got.iter().all(|r| r.status == 200 || r.status == 204),
        "{got:?}"
    );
    let ding = got.iter().find(|r| r.path == "/dingtalk").unwrap().json();
    assert!(
        ding["actionCard"]["text"]
            .as_str()
            .unwrap()
            .contains("测试boss")
    );
    assert!(
        ding["actionCard"]["singleURL"]
            .as_str()
            .unwrap()
            .contains("/notifications?open=")
    );
    let fei = got.iter().find(|r| r.path == "/feishu").unwrap().json();
    assert_eq!(fei["msg_type"], "post");
    let we = got.iter().find(|r| r.path == "/wecom").unwrap().json();
    assert!(
        we["markdown"]["content"]
            .as_str()
            .unwrap()
            .contains("待您办理")
    );
    let hook = got.iter().find(|r| r.path == "/hook").unwrap();
    let body = hook.json();
    assert_eq!(body["event"], "task_assigned");
    assert_eq!(body["recipient"]["name"], "测试boss");
    assert_eq!(body["notice"]["instance_id"], inst["id"]);
    assert_eq!(
        hook.header("x-xietong-delivery").unwrap(),
        body["delivery"].as_str().unwrap()
    );
    assert!(
        jobs_of(app, "notify.channel")
            .await
            .iter()
            .all(|j| j.state == "done")
    );

    // a receiver that fails is retried with the same delivery id, then kept as a dead letter
    let hook_id = &ids[3];
    put(
        app,
        &f.admin,
        &format!("/api/v1/admin/notify-channels/{hook_id}"),
        json!({"kind": "webhook", "name": "ERP", "url": sink.url("/hook"), "secret": "changed", "events": ["urged"], "enabled": true}),
    )
    .await
    .expect(200);
    let id = inst["id"].as_str().unwrap();
    app.post(
        &f.admin,
        &format!("/api/v1/flow/instances/{id}/actions"),
        json!({"action": "urge", "message": "请尽快"}),
    )
    .await
    .expect(200);
    drain(app).await;
    let refused = sink.on("/hook");
    assert_eq!(refused.last().unwrap().status, 401);
    let dead = app
        .get(
            &f.admin,
            "/api/v1/admin/jobs?state=failed&kind=notify.channel",
        )
        .await
        .expect(200);
    assert_eq!(dead["total"], 1, "a refusal (4xx) is not retried");
    assert_eq!(dead["items"][0]["attempts"], 1);
    assert!(
        dead["items"][0]["last_error"]
            .as_str()
            .unwrap()
            .contains("HTTP 401")
    );
    // a receiver that is down is retried with the same delivery id, then kept as a dead letter
    put(
        app,
        &f.admin,
        &format!("/api/v1/admin/notify-channels/{hook_id}"),
        json!({"kind": "webhook", "name": "ERP", "url": sink.url("/hook-down"), "events": ["task_assigned"], "enabled": true}),
    )
    .await
    .expect(200);
    start_expense(app, &f).await;
    drain(app).await;
    for day in 1..=10 {
        jobs::run_due(&app.app, Utc::now() + Duration::days(day))
            .await
            .unwrap();
    }
    let tries = sink.on("/hook-down");
    assert_eq!(tries.len(), 8, "eight attempts");
    let delivery = tries[0].header("x-xietong-delivery");
    assert!(
        tries
            .iter()
            .all(|t| t.header("x-xietong-delivery") == delivery)
    );
    assert!(
        tries
            .iter()
            .all(|t| t.header("x-xietong-signature").is_some()),
        "the secret was kept"
    );
    let dead = app
        .get(
            &f.admin,
            "/api/v1/admin/jobs?state=failed&kind=notify.channel",
        )
        .await
        .expect(200);
    assert_eq!(dead["total"], 2);

    // bad input changes nothing
    let n = app.count("notify_channels").await;
    for (body, field) in [
        (
            json!({"kind": "slack", "name": "x", "url": sink.url("/x"), "enabled": true}),
            "kind",
        ),
        (
            json!({"kind": "webhook", "name": "x", "url": "ftp://example.com/x", "enabled": true}),
            "url",
        ),
        (
            json!({"kind": "webhook", "name": "", "url": sink.url("/x"), "enabled": true}),
            "name",
        ),
        (
            json!({"kind": "wecom", "name": "x", "url": sink.url("/x"), "secret": "s", "enabled": true}),
            "secret",
        ),
        (
            json!({"kind": "webhook", "name": "x", "url": sink.url("/x"), "events": ["nope"], "enabled": true}),
            "events[0]",
        ),
    ] {
        let e = app
            .post(&f.admin, "/api/v1/admin/notify-channels", body)
            .await
            .expect_code(422, "validation_failed");
        assert_eq!(e["fields"][0]["field"], field, "{e}");
    }
    app.post(
        &f.boss,
        "/api/v1/admin/notify-channels",
        json!({"kind": "webhook", "name": "x", "url": sink.url("/x"), "enabled": true}),
    )
    .await
    .expect_code(403, "forbidden");
    let other = second_tenant_admin(app).await;
    app.delete(&other, &format!("/api/v1/admin/notify-channels/{hook_id}"))
        .await
        .expect_code(404, "notify.channel_not_found");
    assert_eq!(app.count("notify_channels").await, n);
    assert!(
        app.get(&other, "/api/v1/admin/notify-channels")
            .await
            .expect(200)
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.delete(&f.admin, &format!("/api/v1/admin/notify-channels/{wid}"))
        .await
        .expect(204);
    assert_eq!(app.count("notify_channels").await, n - 1);
}

async fn web_push_arrives_encrypted_and_signed_like_a_browser_expects(app: &TestApp) {
    let f = flow_setup(app, |_| {}).await;
    let key = app
        .get(&f.boss, "/api/v1/push/public-key")
        .await
        .expect(200)["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    // the same key for everyone, every time
    assert_eq!(
        app.get(&f.staff, "/api/v1/push/public-key")
            .await
            .expect(200)["public_key"],
        json!(key)
    );
    let k = key.clone();
    let sink = HttpSink::start(move |r| {
        if r.path == "/push/gone" {
            return (410, String::new());
        }
        let aud = format!("http://{}", r.header("host").unwrap_or_default());
        let auth = r.header("authorization").unwrap_or_default();
        let signed_by_server = auth.ends_with(&format!("k={k}"));
        match xietong_webpush::verify_vapid(&auth, &aud, Utc::now().timestamp()) {
            Ok(_)
                if signed_by_server
                    && r.header("content-encoding").as_deref() == Some("aes128gcm") =>
            {
                (201, String::new())
            }
            _ => (401, String::new()),
        }
    })
    .await;
    let browser = xietong_webpush::UserAgent::generate();
    let sub = json!({"endpoint": sink.url("/push/boss"), "keys": {"p256dh": browser.p256dh_b64url(), "auth": browser.auth_b64url()}, "expirationTime": null});
    app.post(&f.boss, "/api/v1/push/subscriptions", sub.clone())
        .await
        .expect(201);
    let again = app
        .post(&f.boss, "/api/v1/push/subscriptions", sub)
        .await
        .expect(201);
    let devices = app
        .get(&f.boss, "/api/v1/push/subscriptions")
        .await
        .expect(200);
    assert_eq!(
        devices.as_array().unwrap().len(),
        1,
        "one browser, one device"
    );
    assert_eq!(devices[0]["id"], again["id"]);
    assert_eq!(devices[0]["endpoint_host"], "127.0.0.1");
    assert_eq!(
        app.get(&f.boss, "/api/v1/me/notification-settings")
            .await
            .expect(200)["push_devices"],
        1
    );
    // keys that cannot make a message are refused
    let n = app.count("push_subscriptions").await;
    app.post(
        &f.boss,
        "/api/v1/push/subscriptions",
        json!({"endpoint": sink.url("/push/x"), "keys": {"p256dh": "AAAA", "auth": browser.auth_b64url()}}),
    )
    .await
    .expect_code(422, "validation_failed");
    app.post(
        &f.boss,
        "/api/v1/push/subscriptions",
        json!({"endpoint": "javascript:alert(1)", "keys": {"p256dh": browser.p256dh_b64url(), "auth": browser.auth_b64url()}}),
    )
    .await
    .expect_code(422, "validation_failed");
    assert_eq!(app.count("push_subscriptions").await, n);

    start_expense(app, &f).await;
    drain(app).await;
    let got = sink.on("/push/boss");
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].status, 201,
        "the push service accepted the VAPID signature"
    );
    assert_eq!(got[0].header("ttl").as_deref(), Some("86400"));
    let clear: Value = serde_json::from_slice(&browser.decrypt(&got[0].body).unwrap()).unwrap();
    assert_eq!(clear["title"], "新待办");
    assert!(
        clear["body"].as_str().unwrap().contains("部门负责人"),
        "{clear}"
    );
    assert!(
        clear["url"]
            .as_str()
            .unwrap()
            .contains("/notifications?open=")
    );

    // a browser the push service says is gone is forgotten
    let other = xietong_webpush::UserAgent::generate();
    app.post(
        &f.boss,
        "/api/v1/push/subscriptions",
        json!({"endpoint": sink.url("/push/gone"), "keys": {"p256dh": other.p256dh_b64url(), "auth": other.auth_b64url()}}),
    )
    .await
    .expect(201);
    let sent = app
        .post(&f.boss, "/api/v1/push/test", json!({}))
        .await
        .expect(200);
    assert_eq!(sent["sent"], 2);
    assert_eq!(
        app.get(&f.boss, "/api/v1/push/subscriptions")
            .await
            .expect(200)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // nobody removes someone else's browser
    let mine = devices[0]["id"].as_str().unwrap();
    app.delete(&f.staff, &format!("/api/v1/push/subscriptions/{mine}"))
        .await
        .expect_code(404, "push.not_found");
    app.delete(&f.boss, &format!("/api/v1/push/subscriptions/{mine}"))
        .await
        .expect(204);
    assert_eq!(app.audit_count("push.unsubscribed").await, 1);
}

async fn preferences_are_checked_and_decide_the_channels(app: &TestApp) {
    let f = flow_setup(app, |_| {}).await;
    let s = app
        .get(&f.boss, "/api/v1/me/notification-settings")
        .await
        .expect(200);
    assert_eq!(s["events"].as_array().unwrap().len(), 17);
    assert_eq!(
        s["events"][0],
        json!({"kind": "task_assigned", "email": false, "push": true})
    );
    assert_eq!(s["digest"], true);
    assert_eq!(s["quiet_hours"], Value::Null);
    for (body, field) in [
        (
            json!({"events": [{"kind": "nope", "email": true, "push": true}], "quiet_hours": null, "digest": true}),
            "events[0].kind",
        ),
        (
            json!({"events": [], "quiet_hours": {"start": "25:00", "end": "08:00"}, "digest": true}),
            "quiet_hours.start",
        ),
        (
            json!({"events": [], "quiet_hours": {"start": "08:00", "end": "08:00"}, "digest": true}),
            "quiet_hours.end",
        ),
    ] {
        let e = put(app, &f.boss, "/api/v1/me/notification-settings", body)
            .await
            .expect_code(422, "validation_failed");
        assert_eq!(e["fields"][0]["field"], field);
    }
    let r = put(
        app,
        &f.boss,
        "/api/v1/me/notification-settings",
        json!({"digest": true, "extra": 1}),
    )
    .await;
    assert!(r.status.is_client_error(), "{}", r.text());
    assert_eq!(
        app.count("notify_prefs").await,
        0,
        "nothing saved by bad input"
    );
    let saved = put(
        app,
        &f.boss,
        "/api/v1/me/notification-settings",
        json!({"events": [{"kind": "task_assigned", "email": false, "push": false}], "quiet_hours": {"start": "22:00", "end": "7:30"}, "digest": false}),
    )
    .await
    .expect(200);
    assert_eq!(
        saved["quiet_hours"],
        json!({"start": "22:00", "end": "07:30"})
    );
    assert_eq!(saved["events"][0]["push"], false);
    assert_eq!(app.audit_count("notify.settings_changed").await, 1);
    // push off for new tasks: a subscribed browser is not pushed
    let browser = xietong_webpush::UserAgent::generate();
    app.post(
        &f.boss,
        "/api/v1/push/subscriptions",
        json!({"endpoint": "http://127.0.0.1:9/push", "keys": {"p256dh": browser.p256dh_b64url(), "auth": browser.auth_b64url()}}),
    )
    .await
    .expect(201);
    start_expense(app, &f).await;
    drain(app).await;
    assert!(jobs_of(app, "notify.push").await.is_empty());
    assert_eq!(
        notices_of(app, &f.boss_id, "task_assigned").await.len(),
        1,
        "in-app stays on"
    );
}

async fn account_events_tell_their_owner(app: &TestApp) {
    let f = flow_setup(app, |_| {}).await;
    // the forced first change of a new account tells nobody
    assert!(
        notices_of(app, &f.boss_id, "password_changed")
            .await
            .is_empty()
    );
    app.post(
        &f.boss,
        "/api/v1/auth/password",
        json!({"old_password": "Green-River-88!", "new_password": "Blue-Ocean-99!"}),
    )
    .await
    .expect(204);
    let n = notices_of(app, &f.boss_id, "password_changed").await;
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].data["by"], "self");
    // a browser never seen before
    let login = |ua: &'static str| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/auth/login")
            .header("content-type", "application/json")
            .header("user-agent", ua)
            .body(Body::from(
                json!({"username": "boss", "password": "Blue-Ocean-99!"}).to_string(),
            ))
            .unwrap()
    };
    app.raw(login("Mozilla/5.0 Firefox/140")).await.expect(200);
    app.raw(login("Mozilla/5.0 Firefox/140")).await.expect(200);
    let n = notices_of(app, &f.boss_id, "new_device_sign_in").await;
    assert_eq!(n.len(), 1, "once per new browser");
    assert_eq!(n[0].data["user_agent"], "Mozilla/5.0 Firefox/140");
    // locked after repeated failures
    for _ in 0..5 {
        app.post(
            &Session::anonymous(),
            "/api/v1/auth/login",
            json!({"username": "finance", "password": "wrong-Password-1"}),
        )
        .await;
    }
    let n = notices_of(app, &f.fin_id, "account_locked").await;
    assert_eq!(n.len(), 1);
    assert!(n[0].data["until"].is_string());
}

async fn an_at_mention_in_an_opinion_tells_that_person(app: &TestApp) {
    let f = flow_setup(app, |_| {}).await;
    let inst = start_expense(app, &f).await;
    let task = inst["tasks"][0]["id"].as_str().unwrap();
    app.post(
        &f.boss,
        &format!("/api/v1/flow/tasks/{task}/actions"),
        json!({"action": "agree", "opinion": "同意，请@测试finance 复核发票；@测试boss @没有这人"}),
    )
    .await
    .expect(200);
    let n = notices_of(app, &f.fin_id, "mentioned").await;
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].data["by_name"], "测试boss");
    assert!(n[0].data["excerpt"].as_str().unwrap().contains("复核发票"));
    assert!(
        notices_of(app, &f.boss_id, "mentioned").await.is_empty(),
        "not oneself"
    );
    let list = app.get(&f.fin, "/api/v1/notifications").await.expect(200);
    let kinds: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"mentioned") && kinds.contains(&"task_assigned"),
        "{kinds:?}"
    );
}

async fn the_digest_lists_pending_items_at_the_configured_times(app: &TestApp) {
    let sink = SmtpSink::start().await;
    let f = flow_setup(app, |_| {}).await;
    put(
        app,
        &f.admin,
        "/api/v1/admin/notification-settings",
        mail_settings(sink.addr.port()),
    )
    .await
    .expect(200);
    let slots = jobs_of(app, "notify.digest").await;
    assert_eq!(slots.len(), 1, "the next slot is scheduled");
    assert!(slots[0].run_at > Utc::now());
    let key = slots[0].dedupe_key.clone().unwrap();
    assert!(key.ends_with("T08:30") || key.ends_with("T13:30"), "{key}");
    set_email(app, &f.admin, &f.boss_id, "boss@example.com").await;
    set_email(app, &f.admin, &f.fin_id, "fin@example.com").await;
    start_expense(app, &f).await;
    start_expense(app, &f).await;
    drain(app).await;
    // the slot comes
    job::Entity::update_many()
        .col_expr(
            job::Column::RunAt,
            (Utc::now() - Duration::minutes(1)).into(),
        )
        .filter(job::Column::Kind.eq("notify.digest"))
        .exec(app.db())
        .await
        .unwrap();
    drain(app).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 1, "only the boss has pending items");
    assert_eq!(mails[0].to, vec!["boss@example.com"]);
    assert_eq!(mails[0].header("Subject").unwrap(), "[协同] 您有 2 项待办");
    let (text, _) = mails[0].parts();
    assert!(text.contains("部门负责人"), "{text}");
    assert!(text.contains("/workbench"), "{text}");
    let next: Vec<_> = jobs_of(app, "notify.digest")
        .await
        .into_iter()
        .filter(|j| j.state == "pending")
        .collect();
    assert_eq!(next.len(), 1, "and the slot after it");
    assert_ne!(next[0].dedupe_key.as_deref(), Some(key.as_str()));
    // switched off: nothing is scheduled
    let mut off = mail_settings(sink.addr.port());
    off["digest"]["enabled"] = json!(false);
    put(app, &f.admin, "/api/v1/admin/notification-settings", off)
        .await
        .expect(200);
    assert!(
        jobs_of(app, "notify.digest")
            .await
            .iter()
            .all(|j| j.state != "pending"),
        "cancelled"
    );
    // bad settings are refused whole
    let mut bad = mail_settings(sink.addr.port());
    bad["digest"]["times"] = json!(["8:3o"]);
    bad["mail"]["security"] = json!("ssl3");
    let e = put(app, &f.admin, "/api/v1/admin/notification-settings", bad)
        .await
        .expect_code(422, "validation_failed");
    assert_eq!(e["fields"].as_array().unwrap().len(), 2);
    app.get(&f.boss, "/api/v1/admin/notification-settings")
        .await
        .expect_code(403, "forbidden");
}

both_databases!(
    mail_reaches_a_real_smtp_server_with_a_link_back_and_never_twice,
    quiet_hours_hold_mail_until_they_end_but_not_account_events,
    robots_and_webhooks_get_messages_their_platforms_accept,
    web_push_arrives_encrypted_and_signed_like_a_browser_expects,
    preferences_are_checked_and_decide_the_channels,
    account_events_tell_their_owner,
    an_at_mention_in_an_opinion_tells_that_person,
    the_digest_lists_pending_items_at_the_configured_times,
);
