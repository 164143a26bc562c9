//! Out-of-office delegation (委托): new tasks go to the stand-in marked "代 X 办理", open tasks
//! move when asked, chains resolve, loops and overlaps are refused, the delegator sees what was
//! done for them; HR sets one for someone; tenants never see each other's.

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use xietong_server::jobs;

use crate::both_databases;
use crate::common::*;

fn period() -> Value {
    json!({
        "starts_at": (Utc::now() - Duration::minutes(1)).to_rfc3339(),
        "ends_at": (Utc::now() + Duration::days(7)).to_rfc3339(),
    })
}

fn delegation(delegate: &str, extra: Value) -> Value {
    let mut body = period();
    body["delegate_id"] = json!(delegate);
    body["reason"] = json!("年假");
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    body
}

fn open_task(view: &Value) -> Value {
    let open: Vec<&Value> = view["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["state"] == "open")
        .collect();
    assert_eq!(open.len(), 1, "{view}");
    open[0].clone()
}

async fn new_tasks_go_to_the_stand_in_marked_for_the_delegator(app: &TestApp) {
    let f = flow_setup(app, |_| {}).await;
    let d = app
        .post(
            &f.boss,
            "/api/v1/delegations",
            delegation(&f.outsider_id, json!({})),
        )
        .await
        .expect(201);
    assert_eq!(d["state"], "active");
    assert_eq!(d["delegator_id"], f.boss_id.as_str());
    assert_eq!(d["template_ids"], Value::Null);
    assert_eq!(app.audit_count("delegation.create").await, 1);
    // the start job tells both
    jobs::run_due(&app.app, Utc::now()).await.unwrap();
    assert!(
        notice_kinds(app, &f.boss)
            .await
            .contains(&"delegation_started".into())
    );
    assert!(
        notice_kinds(app, &f.outsider)
            .await
            .contains(&"delegation_started".into())
    );

    let inst = start_expense(app, &f).await;
    let id = inst["id"].as_str().unwrap();
    let task = open_task(&inst);
    assert_eq!(task["assignee_id"], f.outsider_id.as_str());
    assert_eq!(task["principal_id"], f.boss_id.as_str());
    // the stand-in's 待办 says whose it is
    let todo = app.get(&f.outsider, "/api/v1/flow/todo").await.expect(200);
    assert_eq!(todo["total"], 1);
    assert_eq!(todo["items"][0]["principal_id"], f.boss_id.as_str());
    assert_eq!(todo["items"][0]["principal_name"], "测试boss");
    assert_eq!(
        app.get(&f.boss, "/api/v1/flow/todo").await.expect(200)["total"],
        0
    );
    app.post(
        &f.outsider,
        &format!(
            "/api/v1/flow/tasks/{}/actions",
            task["id"].as_str().unwrap()
        ),
        json!({"action": "agree", "opinion": "同意（代办）"}),
    )
    .await
    .expect(200);
    // the delegator sees the instance and what was done for them
    let view = app
        .get(&f.boss, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
    let history = view["history"].as_array().unwrap();
    let stood = history.iter().find(|h| h["action"] == "stood_in").unwrap();
    assert_eq!(stood["acting_for_id"], f.boss_id.as_str());
    let decided = history.iter().find(|h| h["action"] == "decided").unwrap();
    assert_eq!(decided["actor_id"], f.outsider_id.as_str());
    assert_eq!(decided["acting_for_id"], f.boss_id.as_str());
    let done = app
        .get(&f.boss, "/api/v1/delegations/on-behalf")
        .await
        .expect(200);
    assert_eq!(done["total"], 1);
    assert_eq!(done["items"][0]["holder_id"], f.outsider_id.as_str());
    assert_eq!(done["items"][0]["stance"], "agree");
    assert_eq!(done["items"][0]["opinion"], "同意（代办）");
    // and nobody else's list shows it
    assert_eq!(
        app.get(&f.fin, "/api/v1/delegations/on-behalf")
            .await
            .expect(200)["total"],
        0
    );
    // at its end both are told, by name
    xietong_server::entities::job::Entity::update_many()
        .col_expr(
            xietong_server::entities::job::Column::RunAt,
            (Utc::now() - Duration::minutes(1)).into(),
        )
        .filter(xietong_server::entities::job::Column::Kind.eq("delegation.end"))
        .exec(app.db())
        .await
        .unwrap();
    assert_eq!(run_due(app, Utc::now()).await, 1);
    let ended = app.get(&f.boss, "/api/v1/notifications").await.expect(200);
    let ended = ended["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "delegation_ended")
        .expect("the delegator is told it ended")
        .clone();
    assert_eq!(ended["data"]["delegate_name"], "测试outsider");
    assert!(
        notice_kinds(app, &f.outsider)
            .await
            .contains(&"delegation_ended".into())
    );
    // the consistency check agrees with all of it
    let report = xietong_server::flow::check::check(app.db(), None)
        .await
        .unwrap();
    assert!(report.is_clean(), "{}", report.human());
}

async fn open_tasks_move_when_asked_and_chains_resolve(app: &TestApp) {
    let f = flow_setup(app, |_| {}).await;
    let inst = start_expense(app, &f).await;
    let id = inst["id"].as_str().unwrap();
    assert_eq!(open_task(&inst)["assignee_id"], f.boss_id.as_str());
    // only this template, moving open tasks
    app.post(
        &f.boss,
        "/api/v1/delegations",
        delegation(
            &f.outsider_id,
            json!({"template_ids": [f.template], "move_open_tasks": true}),
        ),
    )
    .await
    .expect(201);
    // finance → boss while boss → outsider: a chain, resolved to its end
    app.post(
        &f.fin,
        "/api/v1/delegations",
        delegation(&f.boss_id, json!({})),
    )
    .await
    .expect(201);
    jobs::run_due(&app.app, Utc::now()).await.unwrap();
    let view = app
        .get(&f.staff, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
    let task = open_task(&view);
    assert_eq!(task["assignee_id"], f.outsider_id.as_str());
    assert_eq!(task["principal_id"], f.boss_id.as_str());
    let boss_told = notice_kinds(app, &f.boss).await;
    assert!(boss_told.contains(&"stood_in".into()), "{boss_told:?}");
    assert!(
        notice_kinds(app, &f.outsider)
            .await
            .contains(&"stood_in".into())
    );
    app.post(
        &f.outsider,
        &format!(
            "/api/v1/flow/tasks/{}/actions",
            task["id"].as_str().unwrap()
        ),
        json!({"action": "agree", "opinion": "同意"}),
    )
    .await
    .expect(200);
    let view = app
        .get(&f.staff, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
    let task = open_task(&view);
    assert_eq!(task["node_key"], "fin");
    assert_eq!(
        task["assignee_id"],
        f.outsider_id.as_str(),
        "fin → boss → outsider"
    );
    assert_eq!(task["principal_id"], f.fin_id.as_str());
}

async fn loops_overlaps_and_bad_input_are_refused_and_change_nothing(app: &TestApp) {
    let f = flow_setup(app, |_| {}).await;
    app.post(
        &f.boss,
        "/api/v1/delegations",
        delegation(&f.outsider_id, json!({})),
    )
    .await
    .expect(201);
    let before = app.count("delegations").await;
    let audits = app.audit_count("delegation.create").await;
    // outsider → boss while boss → outsider: a loop, named in the message
    let e = app
        .post(
            &f.outsider,
            "/api/v1/delegations",
            delegation(&f.boss_id, json!({})),
        )
        .await
        .expect_code(409, "delegation.loop");
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains("测试outsider → 测试boss → 测试outsider"),
        "{msg}"
    );
    // a second stand-in for the same time
    app.post(
        &f.boss,
        "/api/v1/delegations",
        delegation(&f.fin_id, json!({})),
    )
    .await
    .expect_code(409, "delegation.overlap");
    // to oneself, an empty period, unknown templates, bad JSON
    app.post(
        &f.boss,
        "/api/v1/delegations",
        delegation(&f.boss_id, json!({})),
    )
    .await
    .expect_code(422, "validation_failed");
    let mut upside_down = delegation(&f.fin_id, json!({}));
    upside_down["ends_at"] = json!((Utc::now() - Duration::days(1)).to_rfc3339());
    app.post(&f.staff, "/api/v1/delegations", upside_down)
        .await
        .expect_code(422, "validation_failed");
    app.post(
        &f.staff,
        "/api/v1/delegations",
        delegation(&f.fin_id, json!({"template_ids": [uuid::Uuid::new_v4()]})),
    )
    .await
    .expect_code(422, "validation_failed");
    app.post(
        &f.staff,
        "/api/v1/delegations",
        json!({"delegate_id": "nope"}),
    )
    .await
    .expect_code(400, "request.invalid_json");
    // someone else's without HR rights
    app.post(
        &f.staff,
        "/api/v1/delegations",
        delegation(&f.fin_id, json!({"delegator_id": f.boss_id})),
    )
    .await
    .expect_code(403, "forbidden");
    assert_eq!(app.count("delegations").await, before);
    assert_eq!(app.audit_count("delegation.create").await, audits);
    // English
    let e = app
        .post(
            &f.outsider.clone().lang("en"),
            "/api/v1/delegations",
            delegation(&f.boss_id, json!({})),
        )
        .await
        .expect_code(409, "delegation.loop");
    assert!(e["message"].as_str().unwrap().contains("loop"));
}

async fn hr_sets_one_for_someone_and_cancelling_stops_it(app: &TestApp) {
    let f = flow_setup(app, |_| {}).await;
    // the administrator (HR rights) sets boss's stand-in
    let d = app
        .post(
            &f.admin,
            "/api/v1/delegations",
            delegation(&f.outsider_id, json!({"delegator_id": f.boss_id})),
        )
        .await
        .expect(201);
    let did = d["id"].as_str().unwrap();
    let mine = app.get(&f.boss, "/api/v1/delegations").await.expect(200);
    assert_eq!(mine["total"], 1);
    assert_eq!(
        app.get(&f.outsider, "/api/v1/delegations")
            .await
            .expect(200)["total"],
        1
    );
    app.get(&f.staff, "/api/v1/delegations?scope=all")
        .await
        .expect_code(403, "forbidden");
    assert_eq!(
        app.get(&f.admin, "/api/v1/delegations?scope=all")
            .await
            .expect(200)["total"],
        1
    );
    // another tenant neither sees nor cancels it
    let other = second_tenant_admin(app).await;
    assert_eq!(
        app.get(&other, "/api/v1/delegations?scope=all")
            .await
            .expect(200)["total"],
        0
    );
    app.post(
        &other,
        &format!("/api/v1/delegations/{did}/cancel"),
        json!({}),
    )
    .await
    .expect_code(404, "delegation.not_found");
    // the stand-in may not cancel it; a stranger does not learn it exists
    app.post(
        &f.outsider,
        &format!("/api/v1/delegations/{did}/cancel"),
        json!({}),
    )
    .await
    .expect_code(403, "forbidden");
    app.post(
        &f.staff,
        &format!("/api/v1/delegations/{did}/cancel"),
        json!({}),
    )
    .await
    .expect_code(404, "delegation.not_found");
    let c = app
        .post(
            &f.boss,
            &format!("/api/v1/delegations/{did}/cancel"),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(c["state"], "cancelled");
    assert_eq!(app.audit_count("delegation.cancel").await, 1);
    app.post(
        &f.boss,
        &format!("/api/v1/delegations/{did}/cancel"),
        json!({}),
    )
    .await
    .expect_code(409, "delegation.over");
    // back in: new tasks are boss's own again, and the start job found nothing to do
    jobs::run_due(&app.app, Utc::now()).await.unwrap();
    let inst = start_expense(app, &f).await;
    let task = open_task(&inst);
    assert_eq!(task["assignee_id"], f.boss_id.as_str());
    assert_eq!(task["principal_id"], Value::Null);
    assert!(
        !notice_kinds(app, &f.outsider)
            .await
            .contains(&"delegation_started".into())
    );
    // history of ended and cancelled ones on request
    assert_eq!(
        app.get(&f.boss, "/api/v1/delegations").await.expect(200)["total"],
        0
    );
    assert_eq!(
        app.get(&f.boss, "/api/v1/delegations?history=true")
            .await
            .expect(200)["total"],
        1
    );
}

both_databases!(
    new_tasks_go_to_the_stand_in_marked_for_the_delegator,
    open_tasks_move_when_asked_and_chains_resolve,
    loops_overlaps_and_bad_input_are_refused_and_change_nothing,
    hr_sets_one_for_someone_and_cancelling_stops_it,
);
