//! The durable job queue on its own: `--n` jobs that do nothing (`system.noop`) are enqueued one
//! transaction each, then one runner (as in `xietong serve`, `--concurrency` at once) claims and
//! completes them all. Reports enqueued/s and claimed-and-completed/s, on a scratch SQLite file
//! or a scratch PostgreSQL database (`--database-url`).

use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use uuid::Uuid;
use xietong_server::jobs::{self, NewJob, Runner};

use crate::report::{flag, round};
use crate::scratch::{Scratch, scalar_i64};

/// `jobs [--n 20000] [--concurrency 4] [--database-url postgres://…]`
pub fn run(args: &[String]) -> anyhow::Result<String> {
    let n: usize = flag(args, "n", 20_000)?;
    let concurrency: usize = flag(args, "concurrency", 4)?;
    let url: String = flag(args, "database-url", String::new())?;
    let rt = tokio::runtime::Runtime::new()?;
    let out = rt.block_on(async {
        let scratch = Scratch::create(&url).await?;
        let res = measure(&scratch, n, concurrency).await;
        scratch.remove().await;
        res
    })?;
    Ok(out.to_string())
}

/// The bootstrap tenant's id.
pub(crate) async fn tenant_id(db: &impl ConnectionTrait) -> anyhow::Result<Uuid> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM tenants LIMIT 1",
        ))
        .await?
        .context("no tenant")?;
    Ok(row.try_get("", "id")?)
}

async fn measure(scratch: &Scratch, n: usize, concurrency: usize) -> anyhow::Result<Value> {
    let app = scratch.app(None).await?;
    let tenant = tenant_id(&app.db).await?;
    let started = Instant::now();
    for i in 0..n {
        jobs::enqueue(
            &app.db,
            NewJob::new(tenant, jobs::KIND_NOOP, json!({ "i": i })),
        )
        .await?;
    }
    let enqueue_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let runner = Runner::start(app.clone(), concurrency, Duration::from_millis(50));
    let done = loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let done = scalar_i64(
            &app.db,
            "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'system.noop' AND state = 'done'",
        )
        .await?;
        if done as usize >= n || started.elapsed() > Duration::from_secs(600) {
            break done;
        }
    };
    let run_s = started.elapsed().as_secs_f64();
    runner.stop().await;
    ensure!(done as usize == n, "{done} of {n} jobs done in 600 s");
    let retried = scalar_i64(
        &app.db,
        "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'system.noop' AND attempts <> 1",
    )
    .await?;
    ensure!(retried == 0, "{retried} jobs ran more than once");
    app.db.clone().close().await.ok();
    Ok(json!({
        "scenario": "jobs",
        "backend": scratch.backend,
        "n": n,
        "concurrency": concurrency,
        "enqueued_per_s": round(n as f64 / enqueue_s, 1),
        "completed_per_s": round(n as f64 / run_s, 1),
        "enqueue_s": round(enqueue_s, 3),
        "run_s": round(run_s, 3),
    }))
}
