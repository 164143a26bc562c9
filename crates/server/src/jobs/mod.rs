//! Durable jobs: one table (`jobs`) for timers, deliveries and scheduled work.
//!
//! * A job is enqueued in the transaction of the change that wants it (a flow timer with the
//!   action that set it), so both commit or neither does. A `dedupe_key` makes enqueueing the
//!   same purpose twice a no-op.
//! * Any node claims due jobs with one `UPDATE … RETURNING` (PostgreSQL adds `FOR UPDATE SKIP
//!   LOCKED`, so nodes sharing one database never claim the same row). A claim is a lease: a
//!   node that dies mid-job leaves it `running` until `locked_until`, after which another node
//!   claims it again. `locked_by` names the claim, and only that claim may finish the job.
//! * A failed run is retried with exponential backoff (10 s, 20 s, … capped at one hour, with
//!   jitter) until `max_attempts`; then the job is `failed` and stays visible to administrators
//!   with its last error until someone retries it.

pub mod api;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryTrait, Set,
    Statement,
};
use serde_json::Value;
use tokio::task::JoinSet;
use uuid::Uuid;

pub use api::routes;

use crate::app::App;
use crate::audit::{self, Actor, Change};
use crate::entities::job;
use crate::ids::new_id;

/// A job that checks the runner end to end: it records one audit row and succeeds.
pub const KIND_PROBE: &str = "system.probe";

/// A job that does nothing: measures the queue itself (`xietong-bench jobs`).
pub const KIND_NOOP: &str = "system.noop";

/// How long a claim holds before another node may take the job over.
pub const LEASE: Duration = Duration::from_secs(300);

/// Days a done or cancelled job is kept before the runner deletes it (failed jobs stay until an
/// administrator retries them, so nobody loses a dead letter).
pub const RETENTION_DAYS: i64 = 30;

/// Deletes done and cancelled jobs that finished before `before`; returns how many.
pub async fn purge<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(job::Entity::delete_many()
        .filter(job::Column::State.is_in(["done", "cancelled"]))
        .filter(job::Column::FinishedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Default number of attempts before a job is marked failed.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 8;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub tenant_id: Uuid,
    pub kind: String,
    pub payload: Value,
    pub run_at: DateTime<Utc>,
    pub dedupe_key: Option<String>,
    pub max_attempts: i32,
}

impl NewJob {
    /// A job of `kind` due now.
    pub fn new(tenant_id: Uuid, kind: &str, payload: Value) -> NewJob {
        NewJob {
            tenant_id,
            kind: kind.to_string(),
            payload,
            run_at: Utc::now(),
            dedupe_key: None,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
    /// Due at `at`.
    pub fn at(mut self, at: DateTime<Utc>) -> NewJob {
        self.run_at = at;
        self
    }
    /// At most one job per tenant with this key, ever.
    pub fn dedupe(mut self, key: impl Into<String>) -> NewJob {
        self.dedupe_key = Some(key.into());
        self
    }
}

/// The insert of a job, for a caller that batches it with its own statements; a job with a
/// `dedupe_key` already present is not inserted again.
pub fn enqueue_statement(backend: DbBackend, j: &NewJob) -> Statement {
    let now = Utc::now();
    let row = job::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(j.tenant_id),
        kind: Set(j.kind.clone()),
        payload: Set(j.payload.clone()),
        state: Set("pending".into()),
        run_at: Set(j.run_at),
        attempts: Set(0),
        max_attempts: Set(j.max_attempts.max(1)),
        locked_by: Set(None),
        locked_until: Set(None),
        last_error: Set(None),
        dedupe_key: Set(j.dedupe_key.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
    };
    job::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([job::Column::TenantId, job::Column::DedupeKey])
                .do_nothing()
                .to_owned(),
        )
        .build(backend)
}

/// Enqueues a job (a no-op when its `dedupe_key` is taken). Callers holding the `App` wake this
/// node's runner with `App::wake_jobs` when the job is due now.
pub async fn enqueue<C: ConnectionTrait>(db: &C, j: NewJob) -> Result<(), DbErr> {
    db.execute_raw(enqueue_statement(db.get_database_backend(), &j))
        .await?;
    Ok(())
}

/// Cancels the pending job with this key (e.g. a timer whose task closed first).
pub fn cancel_statement(backend: DbBackend, tenant_id: Uuid, dedupe_key: &str) -> Statement {
    cancel_where(backend, tenant_id, job::Column::DedupeKey.eq(dedupe_key))
}

/// Cancels every pending job whose key starts with `prefix` (e.g. all due-time jobs of a task).
pub fn cancel_prefix_statement(backend: DbBackend, tenant_id: Uuid, prefix: &str) -> Statement {
    cancel_where(
        backend,
        tenant_id,
        job::Column::DedupeKey.starts_with(prefix),
    )
}

fn cancel_where(
    backend: DbBackend,
    tenant_id: Uuid,
    key: sea_orm::sea_query::SimpleExpr,
) -> Statement {
    let now = Utc::now();
    job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value("cancelled"))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .col_expr(job::Column::FinishedAt, Expr::value(Some(now)))
        .filter(job::Column::TenantId.eq(tenant_id))
        .filter(key)
        .filter(job::Column::State.eq("pending"))
        .build(backend)
}

/// Claims up to `limit` jobs due at `now` (and running ones whose lease ran out) for `claim`.
///
/// Two statements rather than one with `OR`: due pending jobs come off the `(state, run_at)`
/// index in order, so a claim costs the same with 20 or 200,000 jobs waiting; running jobs with
/// an expired lease (few: a node died) are looked for only when the first found too few.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    claim: &str,
    limit: u64,
    now: DateTime<Utc>,
) -> Result<Vec<job::Model>, DbErr> {
    let mut out = claim_where(
        db,
        claim,
        limit,
        now,
        "state = 'pending' AND run_at <=",
        "run_at",
    )
    .await?;
    if (out.len() as u64) < limit {
        let more = claim_where(
            db,
            claim,
            limit - out.len() as u64,
            now,
            "state = 'running' AND locked_until <",
            "locked_until",
        )
        .await?;
        out.extend(more);
    }
    Ok(out)
}

/// One claiming statement: `filter` ends with a comparison against `now`.
async fn claim_where<C: ConnectionTrait>(
    db: &C,
    claim: &str,
    limit: u64,
    now: DateTime<Utc>,
    filter: &str,
    order: &str,
) -> Result<Vec<job::Model>, DbErr> {
    let backend = db.get_database_backend();
    let until = now + chrono::Duration::from_std(LEASE).expect("lease fits");
    let sql = match backend {
        DbBackend::Postgres => format!(
            "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, \
             attempts = attempts + 1, updated_at = $3 \
             WHERE id IN (SELECT id FROM jobs WHERE {filter} $3 \
               ORDER BY {order} LIMIT $4 FOR UPDATE SKIP LOCKED) \
             RETURNING *"
        ),
        _ => format!(
            "UPDATE jobs SET state = 'running', locked_by = ?1, locked_until = ?2, \
             attempts = attempts + 1, updated_at = ?3 \
             WHERE id IN (SELECT id FROM jobs WHERE {filter} ?3 \
               ORDER BY {order} LIMIT ?4) \
             RETURNING *"
        ),
    };
    job::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            backend,
            sql,
            [
                claim.into(),
                until.into(),
                now.into(),
                (limit as i64).into(),
            ],
        ))
        .all(db)
        .await
}

/// Why a run failed.
#[derive(Debug, Clone)]
pub struct JobFailure {
    pub message: String,
    /// Retrying cannot help (e.g. an unknown kind): fail now.
    pub permanent: bool,
}

impl JobFailure {
    pub fn retry(message: impl Into<String>) -> JobFailure {
        JobFailure {
            message: message.into(),
            permanent: false,
        }
    }
    pub fn permanent(message: impl Into<String>) -> JobFailure {
        JobFailure {
            message: message.into(),
            permanent: true,
        }
    }
}

impl From<DbErr> for JobFailure {
    fn from(e: DbErr) -> Self {
        JobFailure::retry(format!("database: {e}"))
    }
}

/// The delay before attempt `attempts + 1`: 10 s doubling, at most one hour, plus up to 10 %.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let base = 10i64.saturating_mul(1i64 << attempts.clamp(1, 20).saturating_sub(1));
    let secs = base.min(3600);
    let jitter = rand::Rng::gen_range(&mut rand::thread_rng(), 0..=secs / 10);
    chrono::Duration::seconds(secs + jitter)
}

/// The id named `key` in a job's payload; a job without it can never succeed.
pub fn payload_id(j: &job::Model, key: &str) -> Result<Uuid, JobFailure> {
    j.payload
        .get(key)
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse::<Uuid>().ok())
        .ok_or_else(|| JobFailure::permanent(format!("bad payload: {key}")))
}

/// Runs one claimed job's handler.
async fn dispatch(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    use crate::notifications as n;
    match j.kind.as_str() {
        KIND_PROBE => probe(app, j).await,
        KIND_NOOP => Ok(()),
        crate::flow::timers::KIND => crate::flow::timers::fire(app, j).await,
        crate::flow::timers::KIND_OVERDUE => crate::flow::timers::overdue(app, j).await,
        crate::flow::timers::KIND_REMINDER => crate::flow::timers::remind(app, j).await,
        crate::flow::timers::KIND_FLOW_OVERDUE => crate::flow::timers::flow_overdue(app, j).await,
        crate::flow::delegation::KIND_START => crate::flow::delegation::start_job(app, j).await,
        crate::flow::delegation::KIND_END => crate::flow::delegation::end_job(app, j).await,
        crate::flow::reports::KIND => crate::flow::reports::run(app, j).await,
        n::outbound::KIND_DISPATCH => n::outbound::dispatch(app, j).await,
        n::outbound::KIND_EMAIL => n::outbound::email(app, j).await,
        n::outbound::KIND_PUSH => n::outbound::push_job(app, j).await,
        n::outbound::KIND_CHANNEL => n::outbound::channel(app, j).await,
        n::digest::KIND => n::digest::run(app, j).await,
        other => Err(JobFailure::permanent(format!("unknown job kind: {other}"))),
    }
}

async fn probe(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    audit::record(
        &app.db,
        &Actor::system(j.tenant_id),
        Change::new(
            "job.probe",
            "job",
            Some(j.id),
            // The node first, so that one can tell which node ran it.
            format!("{} 运行了测试任务（第 {} 次尝试）", node_name(), j.attempts),
        ),
    )
    .await?;
    Ok(())
}

/// Records the outcome of a claimed job; only the claim that holds it may.
pub async fn finish<C: ConnectionTrait>(
    db: &C,
    j: &job::Model,
    outcome: Result<(), JobFailure>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut q = job::Entity::update_many()
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(
            job::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    q = match outcome {
        Ok(()) => q
            .col_expr(job::Column::State, Expr::value("done"))
            .col_expr(job::Column::FinishedAt, Expr::value(Some(now))),
        Err(f) if f.permanent || j.attempts >= j.max_attempts => {
            tracing::warn!(job = %j.id, kind = %j.kind, attempts = j.attempts, error = %f.message, "job failed");
            q.col_expr(job::Column::State, Expr::value("failed"))
                .col_expr(job::Column::FinishedAt, Expr::value(Some(now)))
                .col_expr(job::Column::LastError, Expr::value(Some(f.message)))
        }
        Err(f) => q
            .col_expr(job::Column::State, Expr::value("pending"))
            .col_expr(job::Column::RunAt, Expr::value(now + backoff(j.attempts)))
            .col_expr(job::Column::LastError, Expr::value(Some(f.message))),
    };
    q.filter(job::Column::Id.eq(j.id))
        .filter(job::Column::LockedBy.eq(j.locked_by.clone()))
        .filter(job::Column::State.eq("running"))
        .exec(db)
        .await?;
    Ok(())
}

/// Runs one claimed job to its outcome (a handler that runs past the lease counts as failed).
async fn run_claimed(app: &App, j: job::Model) -> Result<(), DbErr> {
    let outcome = match tokio::time::timeout(LEASE / 2, dispatch(app, &j)).await {
        Ok(r) => r,
        Err(_) => Err(JobFailure::retry("timed out")),
    };
    finish(&app.db, &j, outcome, Utc::now()).await
}

/// Claims and runs, one after another, every job due at `now`; returns how many ran. For the
/// CLI and tests; servers run [`Runner`].
pub async fn run_due(app: &App, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let mut n = 0;
    loop {
        let claim_id = format!("{}/{}", node_name(), new_id());
        let batch = claim(&app.db, &claim_id, 100, now).await?;
        if batch.is_empty() {
            return Ok(n);
        }
        for j in batch {
            let outcome = dispatch(app, &j).await;
            finish(&app.db, &j, outcome, now).await?;
            n += 1;
        }
    }
}

/// This process's name in `locked_by`: host and process id.
pub fn node_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "node".into());
    format!("{host}:{}", std::process::id())
}

/// The background runner of one server process.
pub struct Runner {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Runner {
    /// Starts claiming and running jobs: up to `concurrency` at once, looking for due jobs every
    /// `poll` and whenever this node enqueues one (`App::wake_jobs`).
    pub fn start(app: App, concurrency: usize, poll: Duration) -> Runner {
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(async move {
            let node = node_name();
            let mut running: JoinSet<()> = JoinSet::new();
            let wake = app.jobs_wake.clone();
            let mut purged_at: Option<std::time::Instant> = None;
            loop {
                if *stopped.borrow() {
                    break;
                }
                // Hourly: forget finished jobs past their retention.
                if purged_at.is_none_or(|t| t.elapsed() > Duration::from_secs(3600)) {
                    purged_at = Some(std::time::Instant::now());
                    let before = Utc::now() - chrono::Duration::days(RETENTION_DAYS);
                    match purge(&app.db, before).await {
                        Ok(n) if n > 0 => tracing::info!(jobs = n, "purged finished jobs"),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "purging finished jobs failed"),
                    }
                    let day_ago = Utc::now() - chrono::Duration::days(1);
                    if let Err(e) = crate::notifications::purge_changed(&app.db, day_ago).await {
                        tracing::warn!(error = %e, "purging change events failed");
                    }
                }
                let free = concurrency.saturating_sub(running.len());
                let mut claimed = 0;
                if free > 0 {
                    let claim_id = format!("{node}/{}", new_id());
                    match claim(&app.db, &claim_id, free as u64, Utc::now()).await {
                        Ok(batch) => {
                            claimed = batch.len();
                            for j in batch {
                                let app = app.clone();
                                running.spawn(async move {
                                    let id = j.id;
                                    if let Err(e) = run_claimed(&app, j).await {
                                        tracing::warn!(job = %id, error = %e, "recording a job's outcome failed");
                                    }
                                });
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "claiming jobs failed"),
                    }
                }
                if claimed > 0 && claimed == free {
                    // Full batch: there may be more due; claim again once a slot frees up.
                    if running.len() >= concurrency {
                        let _ = running.join_next().await;
                    }
                    continue;
                }
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(poll) => {}
                    Some(_) = running.join_next(), if !running.is_empty() => {}
                    _ = stopped.changed() => {}
                }
            }
            // Let running jobs finish; a job cut off here is taken over after its lease.
            let _ = tokio::time::timeout(Duration::from_secs(10), async {
                while running.join_next().await.is_some() {}
            })
            .await;
        });
        Runner { stop, task }
    }

    /// Stops claiming and waits (up to 10 s) for running jobs.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Shared handle to wake the runner of this node.
pub type Wake = Arc<tokio::sync::Notify>;
