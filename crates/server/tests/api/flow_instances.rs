use serde_json::{Value, json};

use crate::both_databases;
use crate::common::*;

async fn setup(app: &TestApp) -> FlowSetup {
    flow_setup(app, |_| {}).await
}

async fn setup_with(app: &TestApp, tweak: impl FnOnce(&mut Value)) -> FlowSetup {
    flow_setup(app, tweak).await
}

async fn todo(app: &TestApp, s: &Session) -> Value {
    app.get(s, "/api/v1/flow/todo").await.expect(200)
}

async fn an_expense_runs_from_start_to_approval_with_serial_numbers_and_history(app: &TestApp) {
    let s = setup(app).await;
    let i = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": {"amount": 1200, "reason": "出差"}}),
        )
        .await
        .expect(200);
    let year = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y")
        .to_string();
    assert_eq!(i["serial_no"], format!("BX-{year}-001"));
    assert_eq!(i["title"], "测试staff的费用报销-1200");
    assert_eq!(i["status"], "running");
    assert_eq!(todo(app, &s.staff).await["total"], 0);
    let boss_todo = todo(app, &s.boss).await;
    assert_eq!(boss_todo["total"], 1);
    assert_eq!(boss_todo["items"][0]["serial_no"], format!("BX-{year}-001"));
    let task = boss_todo["items"][0]["task_id"]
        .as_str()
        .unwrap()
        .to_string();
    // Only the assignee can act on the task.
    app.post(
        &s.fin,
        &format!("/api/v1/flow/tasks/{task}/actions"),
        json!({"action": "agree"}),
    )
    .await
    .expect(404);
    let after = app
        .post(
            &s.boss,
            &format!("/api/v1/flow/tasks/{task}/actions"),
            json!({"action": "agree", "opinion": "同意"}),
        )
        .await
        .expect(200);
    assert_eq!(after["status"], "running");
    app.post(
        &s.boss,
        &format!("/api/v1/flow/tasks/{task}/actions"),
        json!({"action": "agree"}),
    )
    .await
    .expect_code(409, "flow.task_closed");
    let fin_task = todo(app, &s.fin).await["items"][0]["task_id"]
        .as_str()
        .unwrap()
        .to_string();
    let done = app
        .post(
            &s.fin,
            &format!("/api/v1/flow/tasks/{fin_task}/actions"),
            json!({"action": "agree", "opinion": "已核"}),
        )
        .await
        .expect(200);
    assert_eq!(done["status"], "approved");
    assert!(done["finished_at"].is_string());
    let actions: Vec<&str> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.first(), Some(&"started"));
    assert_eq!(actions.last(), Some(&"finished"));
    assert_eq!(actions.iter().filter(|a| **a == "decided").count(), 2);
    let stances: Vec<&str> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["stance"].as_str())
        .collect();
    assert_eq!(stances, vec!["agree", "agree"]);
    // The next start takes the next number.
    let second = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": {"amount": 5}}),
        )
        .await
        .expect(200);
    assert_eq!(second["serial_no"], format!("BX-{year}-002"));
    assert_eq!(app.audit_count("flow_task.act").await, 2);
}

async fn bad_starts_are_refused_and_write_nothing(app: &TestApp) {
    let s = setup(app).await;
    let before = app.count("flow_instances").await;
    let v = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": {"reason": "x", "extra": 1}}),
        )
        .await
        .expect(422);
    let fields: Vec<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"form.amount") && fields.contains(&"form.extra"),
        "{fields:?}"
    );
    app.post(
        &s.staff,
        "/api/v1/flow/instances",
        json!({"template_id": s.template, "form": {"amount": "lots"}}),
    )
    .await
    .expect(422);
    app.post(
        &s.staff,
        "/api/v1/flow/instances",
        json!({"template_id": uuid::Uuid::now_v7(), "form": {}}),
    )
    .await
    .expect(404);
    app.post(
        &s.admin,
        &format!("/api/v1/flow/templates/{}/enabled", s.template),
        json!({"enabled": false}),
    )
    .await
    .expect(200);
    app.post(
        &s.staff,
        "/api/v1/flow/instances",
        json!({"template_id": s.template, "form": {"amount": 1}}),
    )
    .await
    .expect_code(409, "flow.template_disabled");
    assert_eq!(app.count("flow_instances").await, before);
    assert_eq!(app.count("flow_serial_counters").await, 0);
}

async fn a_retried_start_with_the_same_idempotency_key_starts_once(app: &TestApp) {
    use axum::body::Body;
    use axum::http::Request;
    let s = setup(app).await;
    let send = || {
        Request::post("/api/v1/flow/instances")
            .header("cookie", &s.staff.cookie)
            .header("x-csrf-token", &s.staff.csrf)
            .header("content-type", "application/json")
            .header("idempotency-key", "start-42")
            .body(Body::from(
                json!({"template_id": s.template, "form": {"amount": 9}}).to_string(),
            ))
            .unwrap()
    };
    let a = app.raw(send()).await.expect(200);
    let b = app.raw(send()).await.expect(200);
    assert_eq!(a["id"], b["id"]);
    assert_eq!(app.count("flow_instances").await, 1);
}

async fn two_clicks_on_one_task_record_one_decision(app: &TestApp) {
    let s = setup(app).await;
    app.post(
        &s.staff,
        "/api/v1/flow/instances",
        json!({"template_id": s.template, "form": {"amount": 1}}),
    )
    .await
    .expect(200);
    let task = todo(app, &s.boss).await["items"][0]["task_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/flow/tasks/{task}/actions");
    let body = json!({"action": "agree"});
    let (a, b) = tokio::join!(
        app.post(&s.boss, &path, body.clone()),
        app.post(&s.boss, &path, body.clone())
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a.text(), b.text());
    assert_eq!(todo(app, &s.fin).await["total"], 1, "exactly one next task");
    let decided = app.count("flow_history").await;
    // started + one decision (no duplicate)
    assert_eq!(decided, 2);
}

async fn only_participants_and_supervisors_see_an_instance(app: &TestApp) {
    let s = setup(app).await;
    let i = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": {"amount": 1}}),
        )
        .await
        .expect(200);
    let path = format!("/api/v1/flow/instances/{}", i["id"].as_str().unwrap());
    app.get(&s.staff, &path).await.expect(200);
    app.get(&s.boss, &path).await.expect(200);
    app.get(&s.admin, &path).await.expect(200);
    app.get(&s.outsider, &path)
        .await
        .expect_code(404, "flow.instance_not_found");
    app.get(&s.fin, &path).await.expect(404);
}

async fn start(app: &TestApp, who: &Session, template: &str, form: Value) -> Value {
    app.post(
        who,
        "/api/v1/flow/instances",
        json!({"template_id": template, "form": form}),
    )
    .await
    .expect(200)
}

fn first_task(list: &Value) -> String {
    list["items"][0]["task_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no task in {list}"))
        .to_string()
}

async fn act(app: &TestApp, who: &Session, task: &str, body: Value) -> Res {
    app.post(who, &format!("/api/v1/flow/tasks/{task}/actions"), body)
        .await
}

async fn list(app: &TestApp, who: &Session, path: &str) -> Value {
    app.get(who, path).await.expect(200)
}

async fn the_lists_filter_sort_page_and_count(app: &TestApp) {
    let s = setup(app).await;
    let year = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y")
        .to_string();
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    for (amount, reason) in [(100, "差旅"), (2000, "采购 100%"), (30000, "招待")] {
        start(
            app,
            &s.staff,
            &s.template,
            json!({"amount": amount, "reason": reason}),
        )
        .await;
    }
    let all = list(app, &s.boss, "/api/v1/flow/todo").await;
    assert_eq!(all["total"], 3);
    assert_eq!(
        all["items"][0]["title"], "测试staff的费用报销-30000",
        "newest first by default"
    );
    assert_eq!(
        all["items"][0]["summary"],
        json!({"amount": 30000, "reason": "招待"})
    );
    assert_eq!(all["items"][0]["node_key"], "head");
    assert_eq!(all["items"][0]["initiator_name"], "测试staff");
    assert_eq!(all["items"][0]["template_name"], "费用报销");
    let oldest = list(app, &s.boss, "/api/v1/flow/todo?sort=time").await;
    assert_eq!(oldest["items"][0]["serial_no"], format!("BX-{year}-001"));
    let by_serial = list(app, &s.boss, &format!("/api/v1/flow/todo?q=BX-{year}-002")).await;
    assert_eq!(by_serial["total"], 1);
    assert_eq!(by_serial["items"][0]["serial_no"], format!("BX-{year}-002"));
    assert_eq!(
        list(app, &s.boss, "/api/v1/flow/todo?q=30000").await["total"],
        1
    );
    // LIKE wildcards in the keyword are literal.
    assert_eq!(
        list(app, &s.boss, "/api/v1/flow/todo?q=%25").await["total"],
        0
    );
    assert_eq!(
        list(app, &s.boss, "/api/v1/flow/todo?status=running").await["total"],
        3
    );
    assert_eq!(
        list(app, &s.boss, "/api/v1/flow/todo?status=approved").await["total"],
        0
    );
    assert_eq!(
        list(
            app,
            &s.boss,
            &format!("/api/v1/flow/todo?template_id={}", s.template)
        )
        .await["total"],
        3
    );
    assert_eq!(
        list(
            app,
            &s.boss,
            &format!("/api/v1/flow/todo?template_id={}", uuid::Uuid::now_v7())
        )
        .await["total"],
        0
    );
    assert_eq!(
        list(
            app,
            &s.boss,
            &format!("/api/v1/flow/todo?initiator_id={}", s.staff_id)
        )
        .await["total"],
        3
    );
    assert_eq!(
        list(
            app,
            &s.boss,
            &format!("/api/v1/flow/todo?initiator_id={}", s.fin_id)
        )
        .await["total"],
        0
    );
    assert_eq!(
        list(
            app,
            &s.boss,
            &format!("/api/v1/flow/todo?from={today}&to={today}")
        )
        .await["total"],
        3
    );
    assert_eq!(
        list(
            app,
            &s.boss,
            "/api/v1/flow/todo?from=2020-01-01&to=2020-01-31"
        )
        .await["total"],
        0
    );
    let page = list(app, &s.boss, "/api/v1/flow/todo?page_size=2&page=2").await;
    assert_eq!(
        (
            page["total"].as_u64(),
            page["items"].as_array().unwrap().len()
        ),
        (Some(3), 1)
    );
    for bad in [
        "status=done",
        "sort=title",
        "from=2026-02-01&to=2026-01-01",
        "page_size=0",
        "from=yesterday",
    ] {
        let r = app.get(&s.boss, &format!("/api/v1/flow/todo?{bad}")).await;
        assert_eq!(r.status.as_u16(), 400, "{bad}: {}", r.text());
    }
    // Handling one moves it from 待办 to 已办.
    let task = first_task(&all);
    act(
        app,
        &s.boss,
        &task,
        json!({"action": "agree", "opinion": "同意"}),
    )
    .await
    .expect(200);
    let counts = list(app, &s.boss, "/api/v1/flow/counts").await;
    assert_eq!(
        counts,
        json!({"todo": 2, "done": 1, "started": 0, "cc": 0, "to_read": 0})
    );
    let done = list(app, &s.boss, "/api/v1/flow/done").await;
    assert_eq!(done["items"][0]["task_id"], task);
    assert_eq!(done["items"][0]["status"], "running");
    assert_eq!(
        list(app, &s.staff, "/api/v1/flow/counts").await,
        json!({"todo": 0, "done": 0, "started": 3, "cc": 0, "to_read": 0})
    );
    let mine = list(app, &s.staff, "/api/v1/flow/started?sort=-created_at").await;
    assert_eq!(mine["total"], 3);
    assert_eq!(mine["items"][0]["summary"]["reason"], "招待");
    assert_eq!(list(app, &s.fin, "/api/v1/flow/todo").await["total"], 1);
    assert_eq!(
        list(app, &s.outsider, "/api/v1/flow/counts").await,
        json!({"todo": 0, "done": 0, "started": 0, "cc": 0, "to_read": 0})
    );
}

async fn copies_reach_their_readers_and_are_marked_read(app: &TestApp) {
    let s = setup(app).await;
    let i = start(app, &s.staff, &s.template, json!({"amount": 10})).await;
    let id = i["id"].as_str().unwrap();
    let task = first_task(&list(app, &s.boss, "/api/v1/flow/todo").await);
    act(
        app,
        &s.boss,
        &task,
        json!({"action": "cc", "users": [s.outsider_id]}),
    )
    .await
    .expect(200);
    assert_eq!(
        list(app, &s.outsider, "/api/v1/flow/to-read").await["total"],
        1
    );
    let cc = list(app, &s.outsider, "/api/v1/flow/cc").await;
    assert_eq!(
        (cc["total"].as_u64(), &cc["items"][0]["read"]),
        (Some(1), &json!(false))
    );
    assert_eq!(
        list(app, &s.outsider, "/api/v1/flow/counts").await["to_read"],
        1
    );
    // A copy lets its reader see the instance.
    let seen = app
        .get(&s.outsider, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
    assert_eq!(seen["my_unread_cc"].as_array().unwrap().len(), 1);
    app.post(
        &s.outsider,
        &format!("/api/v1/flow/instances/{id}/cc/read"),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(
        list(app, &s.outsider, "/api/v1/flow/to-read").await["total"],
        0
    );
    assert_eq!(
        list(app, &s.outsider, "/api/v1/flow/cc?read=true").await["total"],
        1
    );
    assert_eq!(
        list(app, &s.outsider, "/api/v1/flow/cc?read=false").await["total"],
        0
    );
    assert_eq!(list(app, &s.outsider, "/api/v1/flow/counts").await["cc"], 1);
    // Someone with no copy cannot mark one.
    app.post(
        &s.fin,
        &format!("/api/v1/flow/instances/{id}/cc/read"),
        json!({}),
    )
    .await
    .expect(404);
    // The task stays with the boss.
    assert_eq!(list(app, &s.boss, "/api/v1/flow/todo").await["total"], 1);
    let actions: Vec<String> = app
        .get(&s.staff, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200)["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap().to_string())
        .collect();
    assert!(
        actions.contains(&"carbon_copied".to_string()) && actions.contains(&"cc_read".to_string()),
        "{actions:?}"
    );
}

async fn bulk_approve_agrees_only_where_the_template_allows_it(app: &TestApp) {
    let s = setup(app).await;
    let bulk = app
        .post(&s.admin, "/api/v1/flow/templates", json!({
            "name": "用印申请", "supervisor_id": s.boss_id,
            "form": {"fields": [{"key": "what", "label": "用途", "kind": "text"}]},
            "settings": {"allow_bulk_approve": true},
            "definition": {"kind": "tree", "tree": {"key": "seal", "nodes": [
                {"type": "approver", "id": "head", "name": "部门负责人", "participants": [{"type": "department_head"}]}
            ]}}
        }))
        .await
        .expect(200)["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.post(
        &s.admin,
        &format!("/api/v1/flow/templates/{bulk}/publish"),
        json!({}),
    )
    .await
    .expect(200);
    for _ in 0..2 {
        start(app, &s.staff, &bulk, json!({"what": "合同"})).await;
    }
    start(app, &s.staff, &s.template, json!({"amount": 1})).await;
    let todo = list(app, &s.boss, "/api/v1/flow/todo?sort=time").await;
    let ids: Vec<Value> = todo["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["task_id"].clone())
        .collect();
    let stranger = uuid::Uuid::now_v7().to_string();
    let out = app
        .post(
            &s.boss,
            "/api/v1/flow/tasks/bulk-approve",
            json!({"task_ids": [ids[0], ids[1], ids[2], stranger], "opinion": "同意"}),
        )
        .await
        .expect(200);
    let codes: Vec<Value> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].clone())
        .collect();
    assert_eq!(
        codes,
        vec![
            Value::Null,
            Value::Null,
            json!("flow.bulk_not_allowed"),
            json!("flow.task_not_found")
        ],
        "{out}"
    );
    assert_eq!(list(app, &s.boss, "/api/v1/flow/todo").await["total"], 1);
    assert_eq!(
        list(app, &s.staff, "/api/v1/flow/started?status=approved").await["total"],
        2
    );
    app.post(
        &s.boss,
        "/api/v1/flow/tasks/bulk-approve",
        json!({"task_ids": []}),
    )
    .await
    .expect(422);
    // Somebody else's todos are not found, not approved.
    let other = app
        .post(
            &s.fin,
            "/api/v1/flow/tasks/bulk-approve",
            json!({"task_ids": [ids[2]]}),
        )
        .await
        .expect(200);
    assert_eq!(other[0]["code"], "flow.task_not_found");
}

async fn the_route_is_previewed_before_and_during_the_flow(app: &TestApp) {
    let s = setup(app).await;
    let steps = app
        .post(
            &s.staff,
            "/api/v1/flow/instances/preview",
            json!({"template_id": s.template, "form": {"amount": 1}}),
        )
        .await
        .expect(200);
    let who: Vec<(Value, Value)> = steps
        .as_array()
        .unwrap()
        .iter()
        .map(|st| (st["node_key"].clone(), st["assignees"].clone()))
        .collect();
    assert_eq!(
        who,
        vec![
            (json!("head"), json!([s.boss_id])),
            (json!("fin"), json!([s.fin_id]))
        ],
        "{steps}"
    );
    assert_eq!(
        app.count("flow_instances").await,
        0,
        "a preview writes nothing"
    );
    app.post(
        &s.staff,
        "/api/v1/flow/instances/preview",
        json!({"template_id": s.template, "form": {}}),
    )
    .await
    .expect(422);
    let i = start(app, &s.staff, &s.template, json!({"amount": 1})).await;
    let task = first_task(&list(app, &s.boss, "/api/v1/flow/todo").await);
    act(app, &s.boss, &task, json!({"action": "agree"}))
        .await
        .expect(200);
    let route = app
        .get(
            &s.staff,
            &format!("/api/v1/flow/instances/{}/route", i["id"].as_str().unwrap()),
        )
        .await
        .expect(200);
    assert_eq!(route[0]["node_key"], "fin");
    assert_eq!(route[0]["assignees"], json!([s.fin_id]));
    app.get(
        &s.outsider,
        &format!("/api/v1/flow/instances/{}/route", i["id"].as_str().unwrap()),
    )
    .await
    .expect(404);
}

async fn hidden_fields_never_reach_the_nodes_they_are_hidden_from(app: &TestApp) {
    let s = setup_with(app, |t| {
        t["form"]["fields"][1]["hidden_at"] = json!(["fin"]);
    })
    .await;
    let i = start(
        app,
        &s.staff,
        &s.template,
        json!({"amount": 7, "reason": "机密"}),
    )
    .await;
    let id = i["id"].as_str().unwrap();
    let task = first_task(&list(app, &s.boss, "/api/v1/flow/todo").await);
    assert_eq!(
        list(app, &s.boss, "/api/v1/flow/todo").await["items"][0]["summary"]["reason"],
        "机密"
    );
    act(app, &s.boss, &task, json!({"action": "agree"}))
        .await
        .expect(200);
    let fin_todo = list(app, &s.fin, "/api/v1/flow/todo").await;
    assert_eq!(fin_todo["items"][0]["summary"], json!({"amount": 7}));
    let fin_view = app
        .get(&s.fin, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
    assert_eq!(fin_view["form"], json!({"amount": 7}));
    let keys: Vec<&str> = fin_view["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec!["amount"]);
    assert!(!fin_view.to_string().contains("机密"), "{fin_view}");
    // The initiator and the department head still see it.
    assert_eq!(
        app.get(&s.staff, &format!("/api/v1/flow/instances/{id}"))
            .await
            .expect(200)["form"]["reason"],
        "机密"
    );
    assert_eq!(
        app.get(&s.boss, &format!("/api/v1/flow/instances/{id}"))
            .await
            .expect(200)["form"]["reason"],
        "机密"
    );
    // A node may not write a field it cannot see.
    let fin_task = first_task(&fin_todo);
    act(
        app,
        &s.fin,
        &fin_task,
        json!({"action": "agree", "form": {"reason": "改"}}),
    )
    .await
    .expect(422);
}

async fn transfer_delegate_and_added_signers_move_the_work(app: &TestApp) {
    let s = setup(app).await;
    let i = start(app, &s.staff, &s.template, json!({"amount": 3})).await;
    let id = i["id"].as_str().unwrap();
    let task = first_task(&list(app, &s.boss, "/api/v1/flow/todo").await);
    act(
        app,
        &s.boss,
        &task,
        json!({"action": "transfer", "to": uuid::Uuid::now_v7()}),
    )
    .await
    .expect_code(422, "validation_failed");
    act(
        app,
        &s.boss,
        &task,
        json!({"action": "transfer", "to": s.outsider_id, "opinion": "请代为审批"}),
    )
    .await
    .expect(200);
    assert_eq!(list(app, &s.boss, "/api/v1/flow/counts").await["todo"], 0);
    assert_eq!(
        list(app, &s.boss, "/api/v1/flow/done").await["items"][0]["task_id"],
        task
    );
    let out_task = first_task(&list(app, &s.outsider, "/api/v1/flow/todo").await);
    // 委派: the delegate sees who it came from, and hands it back.
    act(
        app,
        &s.outsider,
        &out_task,
        json!({"action": "delegate", "to": s.staff_id}),
    )
    .await
    .expect(200);
    let delegated = list(app, &s.staff, "/api/v1/flow/todo").await;
    assert_eq!(delegated["items"][0]["delegated_by"], json!(s.outsider_id));
    act(
        app,
        &s.staff,
        &first_task(&delegated),
        json!({"action": "return_delegation", "opinion": "已核对"}),
    )
    .await
    .expect(200);
    let back = list(app, &s.outsider, "/api/v1/flow/todo").await;
    assert_eq!(back["total"], 1);
    // 加签 after: the added signer acts before the flow moves on.
    act(
        app,
        &s.outsider,
        &first_task(&back),
        json!({"action": "add_signers", "users": [s.boss_id], "position": "after"}),
    )
    .await
    .expect(200);
    act(
        app,
        &s.outsider,
        &first_task(&list(app, &s.outsider, "/api/v1/flow/todo").await),
        json!({"action": "agree"}),
    )
    .await
    .expect(200);
    assert_eq!(
        list(app, &s.fin, "/api/v1/flow/todo").await["total"],
        0,
        "the added signer comes first"
    );
    act(
        app,
        &s.boss,
        &first_task(&list(app, &s.boss, "/api/v1/flow/todo").await),
        json!({"action": "agree"}),
    )
    .await
    .expect(200);
    let done = act(
        app,
        &s.fin,
        &first_task(&list(app, &s.fin, "/api/v1/flow/todo").await),
        json!({"action": "agree"}),
    )
    .await
    .expect(200);
    assert_eq!(done["status"], "approved");
    let actions: Vec<&str> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    for a in [
        "transferred",
        "delegated",
        "delegation_returned",
        "signers_added",
        "finished",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    app.get(&s.outsider, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
}

async fn the_initiator_urges_withdraws_and_cancels(app: &TestApp) {
    let s = setup(app).await;
    let i = start(app, &s.staff, &s.template, json!({"amount": 3})).await;
    let path = format!(
        "/api/v1/flow/instances/{}/actions",
        i["id"].as_str().unwrap()
    );
    let urged = app
        .post(
            &s.staff,
            &path,
            json!({"action": "urge", "message": "请尽快"}),
        )
        .await
        .expect(200);
    assert!(
        urged["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["action"] == "urged"),
        "{urged}"
    );
    // Once an hour: a second urge is refused with a clear message and changes nothing.
    let before = app.count("flow_history").await;
    app.post(
        &s.staff,
        &path,
        json!({"action": "urge", "message": "再催一次"}),
    )
    .await
    .expect_code(429, "flow.urged_recently");
    assert_eq!(app.count("flow_history").await, before);
    // Only the initiator withdraws or cancels; strangers do not even see the instance.
    app.post(&s.boss, &path, json!({"action": "cancel"}))
        .await
        .expect(422);
    app.post(&s.outsider, &path, json!({"action": "cancel"}))
        .await
        .expect(404);
    let withdrawn = app
        .post(
            &s.staff,
            &path,
            json!({"action": "withdraw", "reason": "金额填错"}),
        )
        .await
        .expect(200);
    assert_eq!(withdrawn["status"], "running");
    assert_eq!(list(app, &s.boss, "/api/v1/flow/todo").await["total"], 0);
    assert_eq!(
        list(app, &s.staff, "/api/v1/flow/todo").await["total"],
        1,
        "back with the initiator to resubmit"
    );
    let cancelled = app
        .post(
            &s.staff,
            &path,
            json!({"action": "cancel", "reason": "不报了"}),
        )
        .await
        .expect(200);
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(list(app, &s.staff, "/api/v1/flow/todo").await["total"], 0);
    assert_eq!(
        list(app, &s.staff, "/api/v1/flow/started?status=cancelled").await["total"],
        1
    );
    app.post(&s.staff, &path, json!({"action": "cancel"}))
        .await
        .expect_code(409, "flow.instance_finished");
}

async fn countersigners_agreeing_at_the_same_moment_all_count(app: &TestApp) {
    let s = setup_with(app, |t| {
        t["definition"]["tree"]["nodes"] = json!([
            {"type": "approver", "id": "sign", "name": "会签", "mode": {"type": "all"}, "participants": [{"type": "users", "users": ["$boss", "$fin", "$outsider"]}]}
        ]);
    })
    .await;
    let i = start(app, &s.staff, &s.template, json!({"amount": 3})).await;
    let mut tasks = Vec::new();
    for who in [&s.boss, &s.fin, &s.outsider] {
        tasks.push(first_task(&list(app, who, "/api/v1/flow/todo").await));
    }
    let body = json!({"action": "agree", "opinion": "同意"});
    let (a, b, c) = tokio::join!(
        act(app, &s.boss, &tasks[0], body.clone()),
        act(app, &s.fin, &tasks[1], body.clone()),
        act(app, &s.outsider, &tasks[2], body.clone())
    );
    for r in [&a, &b, &c] {
        assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    }
    let v = app
        .get(
            &s.staff,
            &format!("/api/v1/flow/instances/{}", i["id"].as_str().unwrap()),
        )
        .await
        .expect(200);
    assert_eq!(v["status"], "approved");
    let actions: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "decided").count(),
        3,
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| **a == "finished").count(),
        1,
        "{actions:?}"
    );
    assert!(
        v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["state"] == "closed")
    );
    assert_eq!(app.count("flow_history").await, actions.len() as i64);
}

async fn transfer_racing_agree_has_one_winner(app: &TestApp) {
    let s = setup(app).await;
    let i = start(app, &s.staff, &s.template, json!({"amount": 3})).await;
    let task = first_task(&list(app, &s.boss, "/api/v1/flow/todo").await);
    let second = app.login("boss", "Green-River-88!").await;
    let (agree, transfer) = tokio::join!(
        act(app, &s.boss, &task, json!({"action": "agree"})),
        act(
            app,
            &second,
            &task,
            json!({"action": "transfer", "to": s.outsider_id})
        )
    );
    let (a, t) = (agree.status.as_u16(), transfer.status.as_u16());
    assert!(
        matches!((a, t), (200, 409) | (409, 200)),
        "agree {a} {} / transfer {t} {}",
        agree.text(),
        transfer.text()
    );
    let loser = if a == 409 {
        agree.json()
    } else {
        transfer.json()
    };
    assert_eq!(loser["code"], "flow.task_closed", "{loser}");
    let fin = list(app, &s.fin, "/api/v1/flow/todo").await["total"]
        .as_u64()
        .unwrap();
    let out = list(app, &s.outsider, "/api/v1/flow/todo").await["total"]
        .as_u64()
        .unwrap();
    assert_eq!((fin, out), if a == 200 { (1, 0) } else { (0, 1) });
    let v = app
        .get(
            &s.staff,
            &format!("/api/v1/flow/instances/{}", i["id"].as_str().unwrap()),
        )
        .await
        .expect(200);
    assert_eq!(
        v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["state"] == "open")
            .count(),
        1
    );
}

async fn a_retried_action_with_the_same_idempotency_key_acts_once(app: &TestApp) {
    use axum::body::Body;
    use axum::http::Request;
    let s = setup(app).await;
    start(app, &s.staff, &s.template, json!({"amount": 1})).await;
    let task = first_task(&list(app, &s.boss, "/api/v1/flow/todo").await);
    let send = |key: &str| {
        Request::post(format!("/api/v1/flow/tasks/{task}/actions"))
            .header("cookie", &s.boss.cookie)
            .header("x-csrf-token", &s.boss.csrf)
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(Body::from(
                json!({"action": "agree", "opinion": "同意"}).to_string(),
            ))
            .unwrap()
    };
    let a = app.raw(send("agree-1")).await.expect(200);
    let b = app.raw(send("agree-1")).await.expect(200);
    assert_eq!(a["id"], b["id"]);
    assert_eq!(a["lock_version"], b["lock_version"]);
    assert_eq!(app.count("flow_history").await, 2, "started + one decision");
    // A new key is a new request: the task is closed now.
    app.raw(send("agree-2"))
        .await
        .expect_code(409, "flow.task_closed");
    let long = "k".repeat(129);
    app.raw(send(&long))
        .await
        .expect_code(400, "request.idempotency_key");
}

async fn concurrent_starts_with_one_idempotency_key_start_once(app: &TestApp) {
    use axum::body::Body;
    use axum::http::Request;
    let s = setup(app).await;
    let send = || {
        Request::post("/api/v1/flow/instances")
            .header("cookie", &s.staff.cookie)
            .header("x-csrf-token", &s.staff.csrf)
            .header("content-type", "application/json")
            .header("idempotency-key", "double-click")
            .body(Body::from(
                json!({"template_id": s.template, "form": {"amount": 9}}).to_string(),
            ))
            .unwrap()
    };
    let (a, b) = tokio::join!(app.raw(send()), app.raw(send()));
    let (a, b) = (a.expect(200), b.expect(200));
    assert_eq!(a["id"], b["id"]);
    assert_eq!(app.count("flow_instances").await, 1);
    assert_eq!(a["serial_no"], b["serial_no"]);
}

both_databases!(
    an_expense_runs_from_start_to_approval_with_serial_numbers_and_history,
    bad_starts_are_refused_and_write_nothing,
    a_retried_start_with_the_same_idempotency_key_starts_once,
    two_clicks_on_one_task_record_one_decision,
    only_participants_and_supervisors_see_an_instance,
    the_lists_filter_sort_page_and_count,
    copies_reach_their_readers_and_are_marked_read,
    bulk_approve_agrees_only_where_the_template_allows_it,
    the_route_is_previewed_before_and_during_the_flow,
    hidden_fields_never_reach_the_nodes_they_are_hidden_from,
    transfer_delegate_and_added_signers_move_the_work,
    the_initiator_urges_withdraws_and_cancels,
    countersigners_agreeing_at_the_same_moment_all_count,
    transfer_racing_agree_has_one_winner,
    a_retried_action_with_the_same_idempotency_key_acts_once,
    concurrent_starts_with_one_idempotency_key_start_once,
);
