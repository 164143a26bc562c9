//! The approval workload through the flow service, durably: every start and every agree is one
//! database transaction (instance update under its lock version, task rows, history rows, audit
//! row), on a scratch SQLite file (WAL, `synchronous=NORMAL`, as `connect_and_migrate` sets) or a
//! scratch PostgreSQL database. Org and template are set up through the in-process router; the
//! timer covers the instance loop only. SpiffWorkflow's `persist` and `roundtrip` modes run in
//! the same invocation (the service reloads the instance for every action, as `roundtrip` does).

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Context, anyhow, ensure};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;
use xietong_server::app::App;
use xietong_server::entities::flow_task;
use xietong_server::flow::service::{self, Caller, StartInput, Target};

use crate::client::Api;
use crate::report::{flag, peak_rss_kb, percentile_ms, round};
use crate::scratch::{Scratch, scalar_i64};
use crate::workload::{self, caller};

/// `durable [--n 2000] [--database-url postgres://…] [--max-connections N] [--no-peers]
/// [--peers-dir D] [--bpmn F] [--pending-timers N]`
///
/// `--pending-timers N`: N flow-timer jobs due in 30 days are in the job table and a job runner
/// polls it (as in `xietong serve`) while the workload runs: the hot path must not notice.
pub fn run(args: &[String]) -> anyhow::Result<String> {
    let n: usize = flag(args, "n", 2000)?;
    let url: String = flag(args, "database-url", String::new())?;
    // the pool size (default: the server's default)
    let pool: u32 = flag(args, "max-connections", 0)?;
    let timers: usize = flag(args, "pending-timers", 0)?;
    let xml = crate::peers::workload_bpmn(args)?;
    let peers = if args.iter().any(|a| a == "--no-peers") {
        None
    } else {
        Some((
            crate::peers::spiff(args, "persist", n)?,
            crate::peers::spiff(args, "roundtrip", n)?,
        ))
    };
    let rt = tokio::runtime::Runtime::new()?;
    let mut out = rt.block_on(async {
        let scratch = Scratch::create(&url).await?;
        let res = measure(&scratch, &xml, n, (pool > 0).then_some(pool), timers).await;
        scratch.remove().await;
        res
    })?;
    if let Some((persist, roundtrip)) = peers {
        let ours = out["instances_per_s"].as_f64().unwrap_or(0.0);
        out["ratio_vs_spiff_persist"] = crate::peers::ratio(ours, &persist);
        out["ratio_vs_spiff_roundtrip"] = crate::peers::ratio(ours, &roundtrip);
        out["spiff_persist"] = persist;
        out["spiff_roundtrip"] = roundtrip;
    }
    Ok(out.to_string())
}

/// The open tasks of an instance (id, assignee), in task order.
async fn open_tasks(app: &App, instance: Uuid) -> anyhow::Result<Vec<(Uuid, Uuid)>> {
    Ok(flow_task::Entity::find()
        .filter(flow_task::Column::InstanceId.eq(instance))
        .filter(flow_task::Column::State.eq("open"))
        .order_by_desc(flow_task::Column::TaskNo)
        .all(&app.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.assignee_id))
        .collect())
}

async fn measure(
    scratch: &Scratch,
    xml: &str,
    n: usize,
    pool: Option<u32>,
    pending_timers: usize,
) -> anyhow::Result<Value> {
    let app = scratch.app(pool).await?;
    let runner = if pending_timers > 0 {
        load_pending_timers(&app, pending_timers).await?;
        Some(xietong_server::jobs::Runner::start(
            app.clone(),
            4,
            std::time::Duration::from_millis(1000),
        ))
    } else {
        None
    };
    let api = Api::InProcess(xietong_server::http::router(app.clone()));
    let admin = workload::admin(&api).await?;
    let w = workload::set_up(&api, &admin, xml, 10, false).await?;
    let applicants: Vec<Caller> = w
        .applicants
        .iter()
        .map(|p| caller(w.tenant_id, p))
        .collect();
    let approvers: HashMap<Uuid, Caller> = w
        .approvers
        .values()
        .map(|p| (p.id, caller(w.tenant_id, p)))
        .collect();

    let mut task_ns: Vec<u64> = Vec::with_capacity(n * 5);
    let mut start_ns: Vec<u64> = Vec::with_capacity(n);
    let mut tasks_done = 0usize;
    let started = Instant::now();
    for i in 0..n {
        let c = &applicants[i % applicants.len()];
        let t0 = Instant::now();
        let input = StartInput {
            template_id: w.template_id,
            form: workload::form(i, &c.name),
            chosen: HashMap::new(),
        };
        let inst = service::start(&app, c, input)
            .await
            .map_err(|e| anyhow!("instance {i}: start: {e:?}"))?;
        start_ns.push(t0.elapsed().as_nanos() as u64);
        let mut status = inst.status;
        let mut open: Vec<(Uuid, Uuid)> = Vec::new();
        let mut k = 0;
        while status == "running" {
            // the tasks a client would see on the instance: read when the known ones are done
            if open.is_empty() {
                open = open_tasks(&app, inst.id).await?;
            }
            let (task, who) = open
                .pop()
                .with_context(|| format!("instance {i}: running with no open task"))?;
            let c = approvers
                .get(&who)
                .with_context(|| format!("instance {i}: task for an unknown person"))?;
            let t0 = Instant::now();
            let acted = service::act(&app, c, Target::Task(task), workload::agree)
                .await
                .map_err(|e| anyhow!("instance {i}: agree: {e:?}"))?;
            task_ns.push(t0.elapsed().as_nanos() as u64);
            status = acted.instance.status;
            k += 1;
        }
        ensure!(status == "approved", "instance {i} ended {status}");
        let expected = workload::expected_tasks(i);
        ensure!(
            k == expected,
            "instance {i}: completed {k} tasks, expected {expected}"
        );
        tasks_done += k;
    }
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(r) = runner {
        r.stop().await;
    }

    // what was written: every instance approved, every task completed, the full history
    let approved = scalar_i64(
        &app.db,
        "SELECT COUNT(*) AS n FROM flow_instances WHERE status = 'approved'",
    )
    .await?;
    let completed = scalar_i64(
        &app.db,
        "SELECT COUNT(*) AS n FROM flow_tasks WHERE state = 'closed' AND close_reason = 'completed'",
    )
    .await?;
    let history = scalar_i64(&app.db, "SELECT COUNT(*) AS n FROM flow_history").await?;
    ensure!(
        approved as usize == n,
        "{approved} of {n} instances approved"
    );
    ensure!(
        completed as usize == tasks_done,
        "{completed} completed task rows for {tasks_done} agrees"
    );
    let db_bytes = scratch.size_bytes(&app.db).await?;
    app.db.clone().close().await.ok();

    task_ns.sort_unstable();
    start_ns.sort_unstable();
    Ok(json!({
        "scenario": "durable",
        "backend": scratch.backend,
        "api": "flow::service (start, act), one transaction per action",
        "n": n,
        "max_connections": app.config.max_connections,
        "user_tasks": tasks_done,
        "history_rows": history,
        "elapsed_s": round(elapsed, 3),
        "instances_per_s": round(n as f64 / elapsed, 1),
        "tasks_per_s": round(tasks_done as f64 / elapsed, 1),
        "task_latency_ms_p50": round(percentile_ms(&task_ns, 50.0), 3),
        "task_latency_ms_p99": round(percentile_ms(&task_ns, 99.0), 3),
        "start_latency_ms_p50": round(percentile_ms(&start_ns, 50.0), 3),
        "start_latency_ms_p99": round(percentile_ms(&start_ns, 99.0), 3),
        "db_bytes": db_bytes,
        "pending_timers": pending_timers,
        "peak_rss_kb": peak_rss_kb()?,
    }))
}

/// Inserts `n` pending flow-timer jobs due in 30 days, 500 rows per statement.
async fn load_pending_timers(app: &App, n: usize) -> anyhow::Result<()> {
    use sea_orm::Set;
    use xietong_server::entities::job;
    let tenant = crate::scenarios::jobs::tenant_id(&app.db).await?;
    let now = chrono::Utc::now();
    let due = now + chrono::Duration::days(30);
    let mut left = n;
    while left > 0 {
        let k = left.min(500);
        let rows = (0..k).map(|_| {
            let instance = xietong_server::ids::new_id();
            job::ActiveModel {
                id: Set(xietong_server::ids::new_id()),
                tenant_id: Set(tenant),
                kind: Set("flow.timer".into()),
                payload: Set(json!({"instance_id": instance, "timer": 0})),
                state: Set("pending".into()),
                run_at: Set(due),
                attempts: Set(0),
                max_attempts: Set(8),
                locked_by: Set(None),
                locked_until: Set(None),
                last_error: Set(None),
                dedupe_key: Set(Some(format!("flow.timer:{instance}:0"))),
                created_at: Set(now),
                updated_at: Set(now),
                finished_at: Set(None),
            }
        });
        job::Entity::insert_many(rows)
            .exec_without_returning(&app.db)
            .await?;
        left -= k;
    }
    Ok(())
}
