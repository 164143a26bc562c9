//! `xietong check`: clean after real flows; each kind of damage done with raw SQL is reported
//! against the instance it was done to, and nowhere else.

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value as SqlValue};
use serde_json::{Value, json};
use uuid::Uuid;
use xietong_server::flow::check::{ProblemKind, Report, check};

use crate::both_databases;
use crate::common::*;

/// Staff in a department headed by boss; template: head → copy to outsider → finance.
async fn setup(app: &TestApp) -> FlowSetup {
    flow_setup(app, |t| {
        t["form"] = json!({"fields": [{"key": "amount", "label": "金额", "kind": "money", "required": true}]});
        t["settings"] = json!({"serial_pattern": "BX-{yyyy}-{seq:3}", "serial_reset": "yearly"});
        t["definition"] = json!({"kind": "tree", "tree": {"key": "expense", "nodes": [
            {"type": "approver", "id": "head", "name": "部门负责人", "participants": [{"type": "department_head"}]},
            {"type": "cc", "id": "copy", "name": "抄送", "participants": [{"type": "users", "users": ["$outsider"]}]},
            {"type": "approver", "id": "fin", "name": "财务", "participants": [{"type": "users", "users": ["$fin"]}]}
        ]}});
    })
    .await
}

/// Where an instance is taken before it is damaged.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    AtHead,
    AtFinance,
    Approved,
    Cancelled,
}

/// An instance driven to `stage`: its id and serial number.
async fn instance(app: &TestApp, s: &FlowSetup, amount: i64, stage: Stage) -> (Uuid, String) {
    let v = app
        .post(
            &s.staff,
            "/api/v1/flow/instances",
            json!({"template_id": s.template, "form": {"amount": amount}}),
        )
        .await
        .expect(200);
    let id = v["id"].as_str().unwrap().to_string();
    let serial = v["serial_no"].as_str().unwrap().to_string();
    let mut view = v;
    if stage == Stage::Cancelled {
        app.post(
            &s.staff,
            &format!("/api/v1/flow/instances/{id}/actions"),
            json!({"action": "cancel", "reason": "不报了"}),
        )
        .await
        .expect(200);
    }
    let steps: &[&Session] = match stage {
        Stage::AtHead | Stage::Cancelled => &[],
        Stage::AtFinance => &[&s.boss],
        Stage::Approved => &[&s.boss, &s.fin],
    };
    for who in steps {
        let task = open_task(&view);
        view = app
            .post(
                who,
                &format!("/api/v1/flow/tasks/{task}/actions"),
                json!({"action": "agree", "opinion": "同意"}),
            )
            .await
            .expect(200);
    }
    (id.parse().unwrap(), serial)
}

fn open_task(view: &Value) -> String {
    view["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["state"] == "open")
        .unwrap_or_else(|| panic!("no open task: {view}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Runs raw SQL written with `$1`-style parameters on either backend.
async fn sql(app: &TestApp, text: &str, values: Vec<SqlValue>) -> u64 {
    let backend = app.db().get_database_backend();
    let text = match backend {
        DatabaseBackend::Postgres => text.to_string(),
        _ => text.replace('$', "?"),
    };
    app.db()
        .execute_raw(Statement::from_sql_and_values(backend, text, values))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .rows_affected()
}

fn problems_of(report: &Report, id: Uuid) -> Vec<(ProblemKind, String)> {
    report
        .problems
        .iter()
        .filter(|p| p.instance_id == Some(id))
        .map(|p| (p.kind, p.message.clone()))
        .collect()
}

#[track_caller]
fn assert_reported(report: &Report, id: Uuid, kind: ProblemKind, words: &str) {
    let found = problems_of(report, id);
    assert!(
        found.iter().any(|(k, m)| *k == kind && m.contains(words)),
        "expected {kind:?} mentioning {words:?} for {id}; found {found:?}\n{}",
        report.human()
    );
}

async fn flows_check_clean(app: &TestApp) {
    let s = setup(app).await;
    let empty = check(app.db(), None).await.unwrap();
    assert!(empty.is_clean(), "{}", empty.human());
    let mut ids = Vec::new();
    for (n, stage) in [
        Stage::AtHead,
        Stage::AtFinance,
        Stage::Approved,
        Stage::Cancelled,
    ]
    .into_iter()
    .enumerate()
    {
        ids.push(instance(app, &s, 100 + n as i64, stage).await);
    }
    // An urge; a carbon copy read on the finished instance, the other left unread.
    app.post(
        &s.staff,
        &format!("/api/v1/flow/instances/{}/actions", ids[0].0),
        json!({"action": "urge", "message": "请尽快"}),
    )
    .await
    .expect(200);
    app.post(
        &s.outsider,
        &format!("/api/v1/flow/instances/{}/cc/read", ids[2].0),
        json!({}),
    )
    .await
    .expect(200);
    let report = check(app.db(), None).await.unwrap();
    assert!(report.is_clean(), "{}", report.human());
    assert_eq!(report.instances, 4);
    assert_eq!(report.serial_counters, 1);
    assert!(report.history_rows >= 8, "{report:?}");
    assert!(report.cc_rows >= 2, "{report:?}");
    // One tenant only: the same, by tenant.
    let tenant: Uuid = app.get(&s.admin, "/api/v1/me").await.expect(200)["tenant"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let mine = check(app.db(), Some(tenant)).await.unwrap();
    assert!(mine.is_clean() && mine.instances == 4, "{}", mine.human());
    let other = check(app.db(), Some(Uuid::now_v7())).await.unwrap();
    assert_eq!(other.instances, 0);
}

async fn each_kind_of_damage_is_reported(app: &TestApp) {
    let s = setup(app).await;
    let backend = app.db().get_database_backend();
    let mut made = Vec::new();
    for (n, stage) in [
        Stage::Approved,  // 0: a closed task row reopened
        Stage::AtFinance, // 1: status column changed
        Stage::AtHead,    // 2: open task row deleted
        Stage::AtFinance, // 3: history row deleted
        Stage::AtHead,    // 4: extra history row
        Stage::AtHead,    // 5: serial number of 2 taken
        Stage::AtFinance, // 6: carbon copy moved to another tenant
        Stage::AtHead,    // 7: garbage state
        Stage::AtHead,    // 8: task row given to someone else
        Stage::AtFinance, // 9: unread copy deleted
        Stage::AtFinance, // 10: untouched
        Stage::Cancelled, // 11: untouched
    ]
    .into_iter()
    .enumerate()
    {
        made.push(instance(app, &s, 10 * n as i64 + 1, stage).await);
    }
    let id = |n: usize| made[n].0;
    let before = check(app.db(), None).await.unwrap();
    assert!(before.is_clean(), "{}", before.human());

    // 0: the finance task of an approved instance is open again.
    sql(
        app,
        "UPDATE flow_tasks SET state = 'open', close_reason = NULL, closed_at = NULL WHERE instance_id = $1 AND node_key = 'fin'",
        vec![id(0).into()],
    )
    .await;
    // 1: the status column says approved while the state runs.
    sql(
        app,
        "UPDATE flow_instances SET status = 'approved' WHERE id = $1",
        vec![id(1).into()],
    )
    .await;
    // 2: the head's open task row is gone.
    assert_eq!(
        sql(
            app,
            "DELETE FROM flow_tasks WHERE instance_id = $1 AND state = 'open'",
            vec![id(2).into()]
        )
        .await,
        1
    );
    // 3: a history row is deleted, past the append-only trigger.
    match backend {
        DatabaseBackend::Postgres => {
            sql(
                app,
                "ALTER TABLE flow_history DISABLE TRIGGER flow_history_append_only",
                vec![],
            )
            .await;
        }
        _ => {
            sql(app, "DROP TRIGGER flow_history_no_delete", vec![]).await;
        }
    }
    assert_eq!(
        sql(
            app,
            "DELETE FROM flow_history WHERE instance_id = $1 AND seq = 1",
            vec![id(3).into()]
        )
        .await,
        1
    );
    // 4: one history row too many.
    sql(
        app,
        "INSERT INTO flow_history (id, tenant_id, instance_id, seq, at, action, to_nodes, users) \
         SELECT $1, tenant_id, id, history_seq, created_at, 'urged', '[]', '[]' FROM flow_instances WHERE id = $2",
        vec![Uuid::now_v7().into(), id(4).into()],
    )
    .await;
    // 5: the serial number of instance 2, past the unique index.
    sql(app, "DROP INDEX ux_flow_instances_serial", vec![]).await;
    sql(
        app,
        "UPDATE flow_instances SET serial_no = $1 WHERE id = $2",
        vec![made[2].1.clone().into(), id(5).into()],
    )
    .await;
    // 6: a carbon-copy row in another tenant.
    xietong_server::tenant::create_tenant(app.db(), "acme", "Acme 集团", None)
        .await
        .unwrap();
    assert_eq!(
        sql(
            app,
            "UPDATE flow_cc SET tenant_id = (SELECT id FROM tenants WHERE slug = 'acme') WHERE instance_id = $1",
            vec![id(6).into()]
        )
        .await,
        1
    );
    // 7: a state that is no engine state (and, on SQLite, not even JSON).
    sql(
        app,
        "UPDATE flow_instances SET state = $1 WHERE id = $2",
        vec![
            match backend {
                DatabaseBackend::Postgres => json!({"garbage": true}).into(),
                _ => "{not json".into(),
            },
            id(7).into(),
        ],
    )
    .await;
    // 8: the head's task row names the wrong person.
    sql(
        app,
        "UPDATE flow_tasks SET assignee_id = $1 WHERE instance_id = $2 AND state = 'open'",
        vec![s.outsider_id.parse::<Uuid>().unwrap().into(), id(8).into()],
    )
    .await;
    // 9: the unread copy is gone.
    assert_eq!(
        sql(
            app,
            "DELETE FROM flow_cc WHERE instance_id = $1",
            vec![id(9).into()]
        )
        .await,
        1
    );

    let r = check(app.db(), None).await.unwrap();
    assert!(!r.is_clean());
    assert_reported(&r, id(0), ProblemKind::TaskExtra, "finished");
    assert_reported(&r, id(1), ProblemKind::StatusMismatch, "`approved`");
    assert_reported(&r, id(2), ProblemKind::TaskMissing, "`head`");
    assert_reported(&r, id(3), ProblemKind::HistoryGap, "seq 1 missing");
    assert_reported(&r, id(3), ProblemKind::HistoryCount, "history_seq");
    assert_reported(&r, id(4), ProblemKind::HistoryCount, "at or beyond");
    assert_reported(&r, id(5), ProblemKind::SerialDuplicate, &made[2].1);
    assert_reported(&r, id(6), ProblemKind::TenantMismatch, "flow_cc");
    assert_reported(&r, id(7), ProblemKind::StateUnreadable, "state");
    assert_reported(&r, id(8), ProblemKind::TaskMismatch, &s.outsider_id);
    assert_reported(&r, id(9), ProblemKind::CcMissing, "no flow_cc row");
    // Instance 5's own number is now held by nobody.
    assert!(
        r.of_kind(ProblemKind::SerialGap)
            .any(|p| p.message.contains("no instance holds")),
        "{}",
        r.human()
    );
    for n in [10, 11] {
        assert!(
            problems_of(&r, id(n)).is_empty(),
            "{n}: {:?}",
            problems_of(&r, id(n))
        );
    }
    assert_eq!(r.instances, 12);
    assert!(r.counts[&ProblemKind::TaskMissing] >= 1);
    let json = serde_json::to_value(&r).unwrap();
    assert!(
        json["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "state_unreadable" && p["instance_id"] == id(7).to_string()),
        "{json}"
    );

    // The counter stepped back below numbers already issued.
    sql(
        app,
        "UPDATE flow_serial_counters SET last = last - 3",
        vec![],
    )
    .await;
    let r = check(app.db(), None).await.unwrap();
    assert!(
        r.of_kind(ProblemKind::SerialCounterBehind)
            .any(|p| p.message.contains("stands at 9")),
        "{}",
        r.human()
    );
}

/// A running instance with nothing left to do is stuck; an open task on a finished one is too
/// much: the engine's invariants, read from stored states.
async fn broken_invariants_are_reported(app: &TestApp) {
    let s = setup(app).await;
    let (stuck, _) = instance(app, &s, 5, Stage::AtHead).await;
    let (done, _) = instance(app, &s, 6, Stage::Approved).await;
    let state = |id: Uuid| async move {
        let row = app
            .db()
            .query_one_raw(Statement::from_sql_and_values(
                app.db().get_database_backend(),
                match app.db().get_database_backend() {
                    DatabaseBackend::Postgres => {
                        "SELECT CAST(state AS TEXT) AS s FROM flow_instances WHERE id = $1"
                    }
                    _ => "SELECT CAST(state AS TEXT) AS s FROM flow_instances WHERE id = ?",
                },
                [id.into()],
            ))
            .await
            .unwrap()
            .unwrap();
        serde_json::from_str::<Value>(&row.try_get::<String>("", "s").unwrap()).unwrap()
    };
    // The running one loses its tasks and tokens, as if a bug had dropped them.
    let mut st = state(stuck).await;
    st["tasks"] = json!([]);
    st["tokens"] = json!([]);
    sql(
        app,
        "UPDATE flow_instances SET state = $1 WHERE id = $2",
        vec![st.into(), stuck.into()],
    )
    .await;
    sql(
        app,
        "UPDATE flow_tasks SET state = 'closed' WHERE instance_id = $1",
        vec![stuck.into()],
    )
    .await;
    // The finished one keeps a token (under an id it issued and no longer uses).
    let mut st = state(done).await;
    st["tokens"] = json!([{"id": st["next_id"], "node": 1}]);
    sql(
        app,
        "UPDATE flow_instances SET state = $1 WHERE id = $2",
        vec![st.into(), done.into()],
    )
    .await;
    let r = check(app.db(), None).await.unwrap();
    assert_reported(&r, stuck, ProblemKind::Invariant, "nothing can move it on");
    assert_reported(&r, done, ProblemKind::Invariant, "token");
    assert_eq!(r.problems.len(), 2, "{}", r.human());
}

both_databases!(
    flows_check_clean,
    each_kind_of_damage_is_reported,
    broken_invariants_are_reported
);
