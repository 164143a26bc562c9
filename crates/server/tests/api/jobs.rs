//! Durable jobs: flow timers through the job table, claims and leases, backoff and dead
//! letters, and the administrator's job API.

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use xietong_server::entities::job;
use xietong_server::jobs::{self, JobFailure, NewJob};

use crate::both_databases;
use crate::common::run_due;
use crate::common::{TestApp, flow_setup, second_tenant_admin, tenant_of};

/// A one-step flow whose approval step has an interrupting boundary timer of one hour.
fn timed_definition() -> Value {
    json!({"kind": "bpmn", "bpmn": r#"<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:x="https://xietong.dev/schema/bpmn/1" id="d">
  <process id="timed" isExecutable="true">
    <startEvent id="s"/>
    <userTask id="approve" name="审批"><extensionElements><x:config>{"participants":[{"type":"users","users":["$boss"]}]}</x:config></extensionElements></userTask>
    <boundaryEvent id="late" attachedToRef="approve"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>
    <endEvent id="done"/>
    <endEvent id="timed_out"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="approve"/>
    <sequenceFlow id="f2" sourceRef="approve" targetRef="done"/>
    <sequenceFlow id="f3" sourceRef="late" targetRef="timed_out"/>
  </process>
</definitions>"#})
}

async fn jobs_of(app: &TestApp, kind: &str) -> Vec<job::Model> {
    job::Entity::find()
        .filter(job::Column::Kind.eq(kind))
        .all(app.db())
        .await
        .unwrap()
}

pub async fn a_flow_timer_is_a_job_that_fires_when_due(app: &TestApp) {
    let f = flow_setup(app, |b| b["definition"] = timed_definition()).await;
    let started = Utc::now();
    let inst = app
        .post(
            &f.staff,
            "/api/v1/flow/instances",
            json!({"template_id": f.template, "form": {"amount": 100}}),
        )
        .await
        .expect(200);
    let id = inst["id"].as_str().unwrap().to_string();
    let report = xietong_server::flow::check::check(app.db(), None)
        .await
        .unwrap();
    assert!(report.is_clean(), "{}", report.human());
    // The start committed the timer's job with it, due in an hour.
    let timers = jobs_of(app, "flow.timer").await;
    assert_eq!(timers.len(), 1);
    assert_eq!(timers[0].state, "pending");
    let due = timers[0].run_at - started;
    assert!(
        due > Duration::minutes(59) && due < Duration::minutes(61),
        "{due}"
    );
    assert_eq!(timers[0].payload["instance_id"], id.as_str());

    // Not yet due: nothing runs.
    assert_eq!(run_due(app, Utc::now()).await, 0);
    // Two hours on, the timer fires and the interrupting boundary ends the task.
    let later = Utc::now() + Duration::hours(2);
    assert_eq!(run_due(app, later).await, 1);
    let after = app
        .get(&f.staff, &format!("/api/v1/flow/instances/{id}"))
        .await
        .expect(200);
    assert_ne!(after["status"], "running", "{after}");
    let actions: Vec<&str> = after["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"timer_fired"), "{actions:?}");
    assert!(
        after["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["state"] == "closed")
    );
    let timers = jobs_of(app, "flow.timer").await;
    assert_eq!(timers[0].state, "done");
    assert_eq!(timers[0].attempts, 1);
    // The boss's todo is gone.
    let todo = app.get(&f.boss, "/api/v1/flow/todo").await.expect(200);
    assert_eq!(todo["total"], 0);
    // Running it again finds nothing.
    assert_eq!(run_due(app, later).await, 0);
}

pub async fn a_timer_cleared_before_it_fires_is_cancelled(app: &TestApp) {
    let f = flow_setup(app, |b| b["definition"] = timed_definition()).await;
    let inst = app
        .post(
            &f.staff,
            "/api/v1/flow/instances",
            json!({"template_id": f.template, "form": {"amount": 100}}),
        )
        .await
        .expect(200);
    let task = inst["tasks"][0]["id"].as_str().unwrap().to_string();
    app.post(
        &f.boss,
        &format!("/api/v1/flow/tasks/{task}/actions"),
        json!({"action": "agree", "opinion": "同意"}),
    )
    .await
    .expect(200);
    let timers = jobs_of(app, "flow.timer").await;
    assert_eq!(timers.len(), 1);
    assert_eq!(timers[0].state, "cancelled");
    assert_eq!(run_due(app, Utc::now() + Duration::hours(2)).await, 0);
}

async fn tenant_id(app: &TestApp) -> uuid::Uuid {
    tenant_of(app, &app.admin().await).await
}

pub async fn failures_back_off_then_fail_and_an_administrator_retries(app: &TestApp) {
    let tenant = tenant_id(app).await;
    let mut probe = NewJob::new(tenant, jobs::KIND_PROBE, json!({})).dedupe("probe-1");
    probe.max_attempts = 2;
    jobs::enqueue(app.db(), probe.clone()).await.unwrap();
    // The same purpose again is a no-op.
    jobs::enqueue(app.db(), probe).await.unwrap();
    assert_eq!(jobs_of(app, jobs::KIND_PROBE).await.len(), 1);

    let now = Utc::now();
    let claimed = jobs::claim(app.db(), "node-a/1", 10, now).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].attempts, 1);
    jobs::finish(
        app.db(),
        &claimed[0],
        Err(JobFailure::retry("smtp down")),
        now,
    )
    .await
    .unwrap();
    let j = &jobs_of(app, jobs::KIND_PROBE).await[0];
    assert_eq!(j.state, "pending");
    assert_eq!(j.last_error.as_deref(), Some("smtp down"));
    let wait = j.run_at - now;
    assert!(
        // (PostgreSQL keeps microseconds)
        wait >= Duration::milliseconds(9_999) && wait <= Duration::milliseconds(11_001),
        "{wait}"
    );
    // Not before the backoff…
    assert!(
        jobs::claim(app.db(), "node-a/2", 10, now + Duration::seconds(5))
            .await
            .unwrap()
            .is_empty()
    );
    // …then the second and last attempt fails too: a dead letter.
    let later = now + Duration::seconds(12);
    let claimed = jobs::claim(app.db(), "node-a/3", 10, later).await.unwrap();
    assert_eq!(claimed[0].attempts, 2);
    jobs::finish(
        app.db(),
        &claimed[0],
        Err(JobFailure::retry("smtp down")),
        later,
    )
    .await
    .unwrap();
    assert_eq!(jobs_of(app, jobs::KIND_PROBE).await[0].state, "failed");
    assert_eq!(run_due(app, later + Duration::hours(5)).await, 0);

    // The administrator sees it with its error and retries it; it then runs.
    let admin = app.admin().await;
    let page = app
        .get(&admin, "/api/v1/admin/jobs?state=failed")
        .await
        .expect(200);
    assert_eq!(page["total"], 1);
    assert_eq!(page["counts"]["failed"], 1);
    assert_eq!(page["items"][0]["last_error"], "smtp down");
    let id = page["items"][0]["id"].as_str().unwrap().to_string();
    let retried = app
        .post(&admin, &format!("/api/v1/admin/jobs/{id}/retry"), json!({}))
        .await
        .expect(200);
    assert_eq!(retried["state"], "pending");
    assert_eq!(retried["attempts"], 0);
    assert_eq!(app.audit_count("job.retry").await, 1);
    assert_eq!(run_due(app, Utc::now()).await, 1);
    assert_eq!(jobs_of(app, jobs::KIND_PROBE).await[0].state, "done");
    assert_eq!(app.audit_count("job.probe").await, 1);
    // A finished job is not retried.
    app.post(&admin, &format!("/api/v1/admin/jobs/{id}/retry"), json!({}))
        .await
        .expect_code(409, "job.not_retryable");
}

pub async fn an_expired_claim_is_taken_over_and_only_its_holder_finishes(app: &TestApp) {
    let tenant = tenant_id(app).await;
    jobs::enqueue(app.db(), NewJob::new(tenant, jobs::KIND_PROBE, json!({})))
        .await
        .unwrap();
    let now = Utc::now();
    let a = jobs::claim(app.db(), "node-a/1", 10, now).await.unwrap();
    assert_eq!(a.len(), 1);
    // Another node finds nothing while the claim holds…
    assert!(
        jobs::claim(app.db(), "node-b/1", 10, now + Duration::seconds(60))
            .await
            .unwrap()
            .is_empty()
    );
    // …and takes it over once the lease ran out (node A died, say).
    let late = now + Duration::seconds(jobs::LEASE.as_secs() as i64 + 1);
    let b = jobs::claim(app.db(), "node-b/2", 10, late).await.unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].attempts, 2);
    // Node A wakes up and reports: its claim is gone, nothing changes.
    jobs::finish(app.db(), &a[0], Ok(()), late).await.unwrap();
    let j = &jobs_of(app, jobs::KIND_PROBE).await[0];
    assert_eq!(j.state, "running");
    assert_eq!(j.locked_by.as_deref(), Some("node-b/2"));
    jobs::finish(app.db(), &b[0], Ok(()), late).await.unwrap();
    assert_eq!(jobs_of(app, jobs::KIND_PROBE).await[0].state, "done");
}

pub async fn the_job_api_is_for_tenant_administrators(app: &TestApp) {
    let admin = app.admin().await;
    let (_, member) = app.user_with_roles(&admin, "member1", &[]).await;
    app.get(&member, "/api/v1/admin/jobs")
        .await
        .expect_code(403, "forbidden");
    app.post(&member, "/api/v1/admin/jobs/probe", json!({}))
        .await
        .expect_code(403, "forbidden");
    app.get(&admin, "/api/v1/admin/jobs?state=stuck")
        .await
        .expect_code(400, "job.bad_state");
    app.post(
        &admin,
        &format!("/api/v1/admin/jobs/{}/retry", uuid::Uuid::now_v7()),
        json!({}),
    )
    .await
    .expect_code(404, "job.not_found");

    // A probe: enqueued, listed as pending, cancelled, not cancelled twice.
    let p = app
        .post(&admin, "/api/v1/admin/jobs/probe", json!({}))
        .await
        .expect(200);
    assert_eq!(p["kind"], "system.probe");
    assert_eq!(app.audit_count("job.enqueue").await, 1);
    let page = app
        .get(&admin, "/api/v1/admin/jobs?state=pending")
        .await
        .expect(200);
    assert_eq!(page["total"], 1);
    assert_eq!(page["counts"]["pending"], 1);
    let id = p["id"].as_str().unwrap();
    let c = app
        .post(
            &admin,
            &format!("/api/v1/admin/jobs/{id}/cancel"),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(c["state"], "cancelled");
    app.post(
        &admin,
        &format!("/api/v1/admin/jobs/{id}/cancel"),
        json!({}),
    )
    .await
    .expect_code(409, "job.not_cancellable");
    assert_eq!(app.audit_count("job.cancel").await, 1);

    // Another tenant's administrator sees none of it.
    let other = second_tenant_admin(app).await;
    let theirs = app.get(&other, "/api/v1/admin/jobs").await.expect(200);
    assert_eq!(theirs["total"], 0);
    app.post(&other, &format!("/api/v1/admin/jobs/{id}/retry"), json!({}))
        .await
        .expect_code(404, "job.not_found");
}

pub async fn check_finds_a_timer_that_would_never_fire(app: &TestApp) {
    let f = flow_setup(app, |b| b["definition"] = timed_definition()).await;
    app.post(
        &f.staff,
        "/api/v1/flow/instances",
        json!({"template_id": f.template, "form": {"amount": 100}}),
    )
    .await
    .expect(200);
    // Someone deletes the job by hand: the timer is stuck, and the check says so.
    job::Entity::delete_many()
        .filter(job::Column::Kind.eq("flow.timer"))
        .exec(app.db())
        .await
        .unwrap();
    let report = xietong_server::flow::check::check(app.db(), None)
        .await
        .unwrap();
    let stuck: Vec<_> = report
        .of_kind(xietong_server::flow::check::ProblemKind::TimerJobMissing)
        .collect();
    assert_eq!(stuck.len(), 1, "{}", report.human());
    assert!(stuck[0].message.contains("would never fire"));
}

pub async fn finished_jobs_are_purged_after_their_retention_and_failed_ones_kept(app: &TestApp) {
    let tenant = tenant_id(app).await;
    for key in ["a", "b", "c"] {
        let mut j = NewJob::new(tenant, jobs::KIND_PROBE, json!({})).dedupe(key);
        j.max_attempts = 1;
        jobs::enqueue(app.db(), j).await.unwrap();
    }
    let now = Utc::now();
    let claimed = jobs::claim(app.db(), "n/1", 10, now).await.unwrap();
    assert_eq!(claimed.len(), 3);
    jobs::finish(app.db(), &claimed[0], Ok(()), now)
        .await
        .unwrap();
    jobs::finish(
        app.db(),
        &claimed[1],
        Err(JobFailure::permanent("bad")),
        now,
    )
    .await
    .unwrap();
    jobs::finish(app.db(), &claimed[2], Ok(()), now)
        .await
        .unwrap();
    // Nothing is old enough yet.
    assert_eq!(
        jobs::purge(app.db(), now - Duration::days(30))
            .await
            .unwrap(),
        0
    );
    // Past the retention the done ones go; the failed one stays for an administrator.
    assert_eq!(
        jobs::purge(app.db(), now + Duration::seconds(1))
            .await
            .unwrap(),
        2
    );
    let left = jobs_of(app, jobs::KIND_PROBE).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].state, "failed");
}

both_databases!(
    finished_jobs_are_purged_after_their_retention_and_failed_ones_kept,
    check_finds_a_timer_that_would_never_fire,
    a_flow_timer_is_a_job_that_fires_when_due,
    a_timer_cleared_before_it_fires_is_cancelled,
    failures_back_off_then_fail_and_an_administrator_retries,
    an_expired_claim_is_taken_over_and_only_its_holder_finishes,
    the_job_api_is_for_tenant_administrators,
);
