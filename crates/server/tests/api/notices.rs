//! People are told: reminders before a due time, the whole flow's limit (办结时限), urges and
//! replacements land in the in-app notifications, which only their reader sees and marks read.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde_json::{Value, json};
use xietong_server::entities::{flow_instance, job, session};

use crate::both_databases;
use crate::common::*;

async fn jobs_of(app: &TestApp, kind: &str) -> Vec<job::Model> {
    job::Entity::find()
        .filter(job::Column::Kind.eq(kind))
        .all(app.db())
        .await
        .unwrap()
}

/// Pending jobs of `kind` become due now.
async fn make_due(app: &TestApp, kind: &str) {
    job::Entity::update_many()
        .col_expr(
            job::Column::RunAt,
            (Utc::now() - Duration::minutes(1)).into(),
        )
        .filter(job::Column::Kind.eq(kind))
        .filter(job::Column::State.eq("pending"))
        .exec(app.db())
        .await
        .unwrap();
}

async fn a_reminder_comes_before_the_due_time_and_is_read_by_its_reader_only(app: &TestApp) {
    let f = flow_setup(app, |b| {
        let head = &mut b["definition"]["tree"]["nodes"][0];
        head["time_limit"] = json!({"amount": 3, "unit": "days"});
        head["remind_before"] = json!({"amount": 1, "unit": "days"});
    })
    .await;
    let inst = start_expense(app, &f).await;
    let due: DateTime<Utc> = inst["tasks"][0]["due_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let reminders = jobs_of(app, "flow.reminder").await;
    assert_eq!(reminders.len(), 1);
    assert_eq!(
        reminders[0].run_at.timestamp(),
        (due - Duration::days(1)).timestamp(),
        "one day before the due time"
    );
    assert_eq!(run_due(app, Utc::now()).await, 0);
    // the new task itself was the first thing the boss heard
    assert_eq!(notice_kinds(app, &f.boss).await, vec!["task_assigned"]);
    app.post(&f.boss, "/api/v1/notifications/read-all", json!({}))
        .await
        .expect(200);
    make_due(app, "flow.reminder").await;
    assert_eq!(run_due(app, Utc::now()).await, 1);
    let list = app
        .get(&f.boss, "/api/v1/notifications?unread=true")
        .await
        .expect(200);
    assert_eq!(list["total"], 1);
    let n = &list["items"][0];
    assert_eq!(n["kind"], "reminder");
    assert_eq!(n["instance_id"], inst["id"]);
    assert_eq!(n["title"], inst["title"]);
    assert_eq!(n["data"]["node_name"], "部门负责人");
    assert_eq!(
        app.get(&f.boss, "/api/v1/notifications/unread-count")
            .await
            .expect(200)["unread"],
        1
    );
    // nobody else sees or marks it
    let nid = n["id"].as_str().unwrap();
    assert_eq!(
        app.get(&f.staff, "/api/v1/notifications").await.expect(200)["total"],
        0
    );
    app.post(
        &f.staff,
        &format!("/api/v1/notifications/{nid}/read"),
        json!({}),
    )
    .await
    .expect_code(404, "notification.not_found");
    let other = second_tenant_admin(app).await;
    app.post(
        &other,
        &format!("/api/v1/notifications/{nid}/read"),
        json!({}),
    )
    .await
    .expect_code(404, "notification.not_found");
    let after = app
        .post(
            &f.boss,
            &format!("/api/v1/notifications/{nid}/read"),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(after["unread"], 0);
    assert_eq!(app.audit_count("notification.read").await, 1);
    assert_eq!(
        app.get(&f.boss, "/api/v1/notifications?unread=true")
            .await
            .expect(200)["total"],
        0
    );
    // a task handled in time has no reminder left
    let inst = start_expense(app, &f).await;
    let task = inst["tasks"][0]["id"].as_str().unwrap();
    app.post(
        &f.boss,
        &format!("/api/v1/flow/tasks/{task}/actions"),
        json!({"action": "agree", "opinion": "同意"}),
    )
    .await
    .expect(200);
    let states: Vec<String> = jobs_of(app, "flow.reminder")
        .await
        .into_iter()
        .map(|j| j.state)
        .collect();
    assert!(states.contains(&"cancelled".to_string()), "{states:?}");
    assert!(!states.contains(&"pending".to_string()), "{states:?}");
}

async fn a_flow_past_its_whole_limit_tells_initiator_supervisor_and_handlers(app: &TestApp) {
    let f = flow_setup(app, |b| {
        b["definition"]["tree"]["time_limit"] = json!({"amount": 5, "unit": "working_days"});
    })
    .await;
    let inst = start_expense(app, &f).await;
    let id = inst["id"].as_str().unwrap();
    let due: DateTime<Utc> = inst["due_at"].as_str().unwrap().parse().unwrap();
    assert!(due > Utc::now() + Duration::days(4));
    assert_eq!(inst["overdue"], false);
    let js = jobs_of(app, "flow.flow_overdue").await;
    assert_eq!(js.len(), 1);
    assert_eq!(js[0].run_at.timestamp(), due.timestamp());
    // time passes: the stored due time and the job move into the past
    let uid: uuid::Uuid = id.parse().unwrap();
    let row = flow_instance::Entity::find_by_id(uid)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let mut state = row.state.clone();
    state["due"] = json!((Utc::now() - Duration::hours(1)).timestamp());
    let backend = app.db().get_database_backend();
    app.db()
        .execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => {
                    "UPDATE flow_instances SET state = $1 WHERE id = $2"
                }
                _ => "UPDATE flow_instances SET state = ? WHERE id = ?",
            },
            [state.into(), uid.into()],
        ))
        .await
        .unwrap();
    make_due(app, "flow.flow_overdue").await;
    assert_eq!(run_due(app, Utc::now()).await, 1);
    let view = app
        .get(&f.staff, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
    assert_eq!(view["overdue"], true);
    assert!(
        view["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["action"] == "flow_overdue")
    );
    for s in [&f.staff, &f.admin, &f.boss] {
        assert!(
            notice_kinds(app, s)
                .await
                .contains(&"flow_overdue".to_string())
        );
    }
    assert!(
        !notice_kinds(app, &f.fin)
            .await
            .contains(&"flow_overdue".to_string())
    );
    // an instance that finishes in time cancels its job
    let inst = start_expense(app, &f).await;
    for who in [&f.boss, &f.fin] {
        let view = app
            .get(
                who,
                &format!("/api/v1/flow/instances/{}", inst["id"].as_str().unwrap()),
            )
            .await
            .expect(200);
        let task = view["my_tasks"][0]["task_id"].as_str().unwrap().to_string();
        app.post(
            who,
            &format!("/api/v1/flow/tasks/{task}/actions"),
            json!({"action": "agree", "opinion": "同意"}),
        )
        .await
        .expect(200);
    }
    let mut states: Vec<String> = jobs_of(app, "flow.flow_overdue")
        .await
        .into_iter()
        .map(|j| j.state)
        .collect();
    states.sort();
    assert_eq!(states, vec!["cancelled", "done"]);
}

async fn urge_and_replace_tell_the_people_concerned(app: &TestApp) {
    let f = flow_setup(app, |_| {}).await;
    let inst = start_expense(app, &f).await;
    let id = inst["id"].as_str().unwrap();
    let task = inst["tasks"][0]["id"].as_str().unwrap();
    let path = format!("/api/v1/flow/instances/{id}/actions");
    app.post(
        &f.staff,
        &path,
        json!({"action": "urge", "message": "请尽快"}),
    )
    .await
    .expect(200);
    assert_eq!(
        notice_kinds(app, &f.boss).await,
        vec!["urged", "task_assigned"]
    );
    // replacing needs a reason, an active person, and the supervisor (admin here)
    app.post(
        &f.admin,
        &path,
        json!({"action": "replace_handler", "task_id": task, "to": f.outsider_id, "reason": " "}),
    )
    .await
    .expect_code(422, "validation_failed");
    app.post(
        &f.admin,
        &path,
        json!({"action": "replace_handler", "task_id": task, "to": uuid::Uuid::new_v4(), "reason": "休假"}),
    )
    .await
    .expect_code(422, "validation_failed");
    let before = app.count("flow_history").await;
    let res = app
        .post(
            &f.staff,
            &path,
            json!({"action": "replace_handler", "task_id": task, "to": f.outsider_id, "reason": "休假"}),
        )
        .await;
    assert!(res.status.is_client_error(), "{}", res.text());
    assert_eq!(res.json()["code"], "flow.refused");
    assert_eq!(res.json()["details"]["reason"], "not_supervisor");
    assert_eq!(app.count("flow_history").await, before);
    let view = app
        .post(
            &f.admin,
            &path,
            json!({"action": "replace_handler", "task_id": task, "to": f.outsider_id, "reason": "休假"}),
        )
        .await
        .expect(200);
    let replaced = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["action"] == "handler_replaced")
        .expect("history shows it");
    assert_eq!(replaced["opinion"], "休假");
    assert!(
        notice_kinds(app, &f.boss)
            .await
            .contains(&"replaced".to_string())
    );
    assert!(
        notice_kinds(app, &f.outsider)
            .await
            .contains(&"replaced".to_string())
    );
    assert_eq!(
        app.get(&f.outsider, "/api/v1/flow/todo").await.expect(200)["total"],
        1
    );
    // mark all read
    let all = app
        .post(&f.boss, "/api/v1/notifications/read-all", json!({}))
        .await
        .expect(200);
    assert_eq!(all["unread"], 0);
    assert_eq!(
        app.get(&f.boss, "/api/v1/notifications/unread-count")
            .await
            .expect(200)["unread"],
        0
    );
}

both_databases!(
    live_notifications_arrive_in_order_and_a_reconnect_misses_nothing,
    a_stream_ends_with_its_session,
    a_reminder_comes_before_the_due_time_and_is_read_by_its_reader_only,
    a_flow_past_its_whole_limit_tells_initiator_supervisor_and_handlers,
    urge_and_replace_tell_the_people_concerned,
);

/// One server-sent event.
#[derive(Debug, Default, Clone)]
struct Sse {
    id: Option<i64>,
    event: String,
    data: String,
}

/// An open event stream of a user.
struct Stream {
    body: axum::body::Body,
    buf: String,
}

impl Stream {
    async fn open(app: &TestApp, s: &Session, last: Option<i64>) -> Stream {
        use tower::ServiceExt;
        let mut b = axum::http::Request::builder()
            .uri("/api/v1/notifications/stream")
            .header("cookie", &s.cookie);
        if let Some(id) = last {
            b = b.header("last-event-id", id.to_string());
        }
        let res = app
            .router
            .clone()
            .oneshot(b.body(axum::body::Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        Stream {
            body: res.into_body(),
            buf: String::new(),
        }
    }

    /// The next event (comments skipped), or `None` after `wait`.
    async fn next(&mut self, wait: std::time::Duration) -> Option<Sse> {
        use http_body_util::BodyExt;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut ev = Sse::default();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        ev.id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        ev.event = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        ev.data.push_str(v.trim());
                    }
                }
                if ev.event.is_empty() && ev.data.is_empty() {
                    continue; // a keep-alive comment
                }
                return Some(ev);
            }
            let frame = tokio::time::timeout_at(deadline, self.body.frame())
                .await
                .ok()??;
            if let Ok(data) = frame.unwrap().into_data() {
                self.buf.push_str(&String::from_utf8_lossy(&data));
            }
        }
    }

    /// Whether the server ends the stream within `wait` (whatever arrives before is skipped).
    async fn ends_within(&mut self, wait: std::time::Duration) -> bool {
        use http_body_util::BodyExt;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.body.frame()).await {
                Err(_) => return false,
                Ok(None | Some(Err(_))) => return true,
                Ok(Some(Ok(_))) => {}
            }
        }
    }

    /// The next notification event.
    async fn notice(&mut self) -> (i64, Value) {
        loop {
            let ev = self
                .next(std::time::Duration::from_secs(10))
                .await
                .expect("a notification within 10 s");
            if ev.event == "notification" {
                return (ev.id.unwrap(), serde_json::from_str(&ev.data).unwrap());
            }
        }
    }
}

async fn live_notifications_arrive_in_order_and_a_reconnect_misses_nothing(app: &TestApp) {
    let f = flow_setup(app, |_| {}).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            start_expense(app, &f).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let urge = |id: &str| {
        let path = format!("/api/v1/flow/instances/{id}/actions");
        let staff = f.staff.clone();
        async move {
            app.post(
                &staff,
                &path,
                json!({"action": "urge", "message": "请尽快"}),
            )
            .await
            .expect(200);
        }
    };
    let mut boss = Stream::open(app, &f.boss, None).await;
    let mut fin = Stream::open(app, &f.fin, None).await;
    assert_eq!(
        boss.next(std::time::Duration::from_secs(5))
            .await
            .unwrap()
            .event,
        "ready"
    );
    assert_eq!(
        fin.next(std::time::Duration::from_secs(5))
            .await
            .unwrap()
            .event,
        "ready"
    );
    urge(&ids[0]).await;
    let (first, n) = boss.notice().await;
    assert_eq!(n["kind"], "urged");
    assert_eq!(n["instance_id"], ids[0].as_str());
    assert_eq!(n["seq"], first);
    drop(boss);
    // while boss is away, two more
    urge(&ids[1]).await;
    urge(&ids[2]).await;
    let mut boss = Stream::open(app, &f.boss, Some(first)).await;
    assert_eq!(
        boss.next(std::time::Duration::from_secs(5))
            .await
            .unwrap()
            .event,
        "ready"
    );
    let (second, a) = boss.notice().await;
    let (third, b) = boss.notice().await;
    assert!(first < second && second < third, "{first} {second} {third}");
    assert_eq!(a["instance_id"], ids[1].as_str());
    assert_eq!(b["instance_id"], ids[2].as_str());
    // and nothing twice, nothing of anyone else's
    assert!(
        boss.next(std::time::Duration::from_millis(1500))
            .await
            .is_none(),
        "no repeats"
    );
    assert!(
        fin.next(std::time::Duration::from_millis(200))
            .await
            .is_none(),
        "finance is told nothing of the boss's"
    );
    // another tenant's stream neither
    let other = second_tenant_admin(app).await;
    let mut theirs = Stream::open(app, &other, Some(0)).await;
    assert_eq!(
        theirs
            .next(std::time::Duration::from_secs(5))
            .await
            .unwrap()
            .event,
        "ready"
    );
    assert!(
        theirs
            .next(std::time::Duration::from_millis(300))
            .await
            .is_none()
    );
}

async fn a_stream_ends_with_its_session(app: &TestApp) {
    // the check runs once a minute in service; here at every look of the poller
    app.app
        .live
        .recheck_sessions_every(std::time::Duration::from_millis(50));
    let admin = app.admin().await;
    let again = app.admin().await;
    let (reader_id, reader) = app.user_with_roles(&admin, "reader", &[]).await;
    let mut signed_out = Stream::open(app, &admin, None).await;
    let mut other_tab = Stream::open(app, &again, None).await;
    let mut expiring = Stream::open(app, &reader, None).await;
    for s in [&mut signed_out, &mut other_tab, &mut expiring] {
        let ready = s.next(std::time::Duration::from_secs(5)).await.unwrap();
        assert_eq!(ready.event, "ready");
    }
    app.post(&admin, "/api/v1/auth/logout", json!({}))
        .await
        .expect(204);
    assert!(
        signed_out
            .ends_within(std::time::Duration::from_secs(5))
            .await,
        "the signed-out session's stream ends"
    );
    session::Entity::update_many()
        .col_expr(
            session::Column::ExpiresAt,
            (Utc::now() - Duration::minutes(1)).into(),
        )
        .filter(session::Column::UserId.eq(uuid::Uuid::parse_str(&reader_id).unwrap()))
        .exec(app.db())
        .await
        .unwrap();
    assert!(
        expiring
            .ends_within(std::time::Duration::from_secs(5))
            .await,
        "an expired session's stream ends"
    );
    assert!(
        !other_tab
            .ends_within(std::time::Duration::from_millis(1500))
            .await,
        "the same person's other session keeps its stream"
    );
    // a stopping server ends every stream
    app.app.live.close();
    assert!(
        other_tab
            .ends_within(std::time::Duration::from_secs(5))
            .await
    );
}
