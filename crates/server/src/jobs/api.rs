//! The administrator's view of the job table: pending, running, failed and finished jobs with
//! their errors; retry a failed one, cancel a pending one, enqueue a probe. For holders of
//! `tenant.settings`, within their tenant.

use axum::extract::State;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::access::{Authorized, TenantSettings};
use crate::entities::job;
use crate::error::{AppError, AppResult, Text};
use crate::http::extract::{Path, Query};
use crate::http::page::{Page, PageQuery};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_jobs))
        .routes(routes!(retry_job))
        .routes(routes!(cancel_job))
        .routes(routes!(probe_job))
}

const STATES: [&str; 5] = ["pending", "running", "done", "failed", "cancelled"];

/// Job filters.
#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct JobFilter {
    /// `pending`, `running`, `done`, `failed` or `cancelled`.
    pub state: Option<String>,
    /// Exact kind, e.g. `flow.timer`.
    pub kind: Option<String>,
}

/// One job.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    pub id: Uuid,
    pub kind: String,
    pub payload: serde_json::Value,
    pub state: String,
    pub run_at: DateTime<Utc>,
    pub attempts: i32,
    pub max_attempts: i32,
    /// The node (host:pid) holding a running job.
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<job::Model> for JobView {
    fn from(m: job::Model) -> Self {
        JobView {
            id: m.id,
            kind: m.kind,
            payload: m.payload,
            state: m.state,
            run_at: m.run_at,
            attempts: m.attempts,
            max_attempts: m.max_attempts,
            // The claim id after the node name is internal.
            locked_by: m
                .locked_by
                .map(|l| l.split('/').next().unwrap_or_default().to_string()),
            locked_until: m.locked_until,
            last_error: m.last_error,
            created_at: m.created_at,
            updated_at: m.updated_at,
            finished_at: m.finished_at,
        }
    }
}

/// A page of jobs and the count in each state.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobPage {
    #[serde(flatten)]
    pub page: Page<JobView>,
    pub counts: JobCounts,
}

/// Jobs per state (of the whole tenant, whatever the filter).
#[derive(Debug, Serialize, ToSchema, Default)]
pub struct JobCounts {
    pub pending: u64,
    pub running: u64,
    pub done: u64,
    pub failed: u64,
    pub cancelled: u64,
}

fn bad_state() -> AppError {
    AppError::bad_request(
        "job.bad_state",
        Text::fixed(
            "状态须为 pending、running、done、failed 或 cancelled",
            "state must be pending, running, done, failed or cancelled",
        ),
    )
}

fn job_not_found() -> AppError {
    AppError::not_found(
        "job.not_found",
        Text::fixed("后台任务不存在", "No such job"),
    )
}

/// Lists the tenant's jobs: pending and running by due time, the rest newest first.
#[utoipa::path(get, path = "/api/v1/admin/jobs", tag = "admin", params(JobFilter, PageQuery),
    responses((status = 200, body = JobPage), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
async fn list_jobs(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
    Query(f): Query<JobFilter>,
    Query(pq): Query<PageQuery>,
) -> AppResult<axum::Json<JobPage>> {
    let (page, page_size) = pq.resolve()?;
    let tenant = who.principal.tenant_id;
    let mut c = Condition::all().add(job::Column::TenantId.eq(tenant));
    let state = f.state.as_deref().filter(|s| !s.is_empty());
    if let Some(s) = state {
        if !STATES.contains(&s) {
            return Err(bad_state());
        }
        c = c.add(job::Column::State.eq(s));
    }
    if let Some(k) = f.kind.as_deref().filter(|k| !k.is_empty()) {
        c = c.add(job::Column::Kind.eq(k));
    }
    let mut q = job::Entity::find().filter(c);
    q = if matches!(state, Some("pending" | "running")) {
        q.order_by_asc(job::Column::RunAt)
    } else {
        q.order_by_desc(job::Column::UpdatedAt)
    }
    .order_by_desc(job::Column::Id);
    let total = q.clone().count(&app.db).await?;
    let items = q
        .offset((page - 1) * page_size)
        .limit(page_size)
        .all(&app.db)
        .await?;
    let rows: Vec<(String, i64)> = job::Entity::find()
        .select_only()
        .column(job::Column::State)
        .column_as(job::Column::Id.count(), "n")
        .filter(job::Column::TenantId.eq(tenant))
        .group_by(job::Column::State)
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut counts = JobCounts::default();
    for (s, n) in rows {
        let n = n as u64;
        match s.as_str() {
            "pending" => counts.pending = n,
            "running" => counts.running = n,
            "done" => counts.done = n,
            "failed" => counts.failed = n,
            "cancelled" => counts.cancelled = n,
            _ => {}
        }
    }
    Ok(axum::Json(JobPage {
        page: Page {
            items: items.into_iter().map(Into::into).collect(),
            total,
            page,
            page_size,
        },
        counts,
    }))
}

async fn tenant_job(app: &App, tenant: Uuid, id: Uuid) -> AppResult<job::Model> {
    job::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|j| j.tenant_id == tenant)
        .ok_or_else(job_not_found)
}

/// Runs a failed or cancelled job again now, with its attempts counted afresh.
#[utoipa::path(post, path = "/api/v1/admin/jobs/{id}/retry", tag = "admin", params(("id" = Uuid, Path)),
    responses((status = 200, body = JobView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn retry_job(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<JobView>> {
    let tenant = who.principal.tenant_id;
    let j = tenant_job(&app, tenant, id).await?;
    let now = Utc::now();
    let txn = app.db.begin().await?;
    let res = job::Entity::update_many()
        .col_expr(job::Column::State, "pending".into())
        .col_expr(job::Column::RunAt, now.into())
        .col_expr(job::Column::Attempts, 0.into())
        .col_expr(
            job::Column::FinishedAt,
            Option::<DateTime<Utc>>::None.into(),
        )
        .col_expr(job::Column::UpdatedAt, now.into())
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::State.is_in(["failed", "cancelled"]))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(
            "job.not_retryable",
            Text::fixed(
                "只有失败或已取消的任务可以重试",
                "Only failed or cancelled jobs can be retried",
            ),
        ));
    }
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "job.retry",
            "job",
            Some(id),
            format!("重试后台任务 {}（{}）", j.kind, j.state),
        ),
    )
    .await?;
    txn.commit().await?;
    app.wake_jobs();
    Ok(axum::Json(tenant_job(&app, tenant, id).await?.into()))
}

/// Cancels a pending job.
#[utoipa::path(post, path = "/api/v1/admin/jobs/{id}/cancel", tag = "admin", params(("id" = Uuid, Path)),
    responses((status = 200, body = JobView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn cancel_job(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<JobView>> {
    let tenant = who.principal.tenant_id;
    let j = tenant_job(&app, tenant, id).await?;
    let now = Utc::now();
    let txn = app.db.begin().await?;
    let res = job::Entity::update_many()
        .col_expr(job::Column::State, "cancelled".into())
        .col_expr(job::Column::FinishedAt, Some(now).into())
        .col_expr(job::Column::UpdatedAt, now.into())
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::State.eq("pending"))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(
            "job.not_cancellable",
            Text::fixed(
                "只有等待中的任务可以取消",
                "Only pending jobs can be cancelled",
            ),
        ));
    }
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "job.cancel",
            "job",
            Some(id),
            format!("取消后台任务 {}", j.kind),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(tenant_job(&app, tenant, id).await?.into()))
}

/// Enqueues a probe job, which records an audit row when a runner picks it up: shows that
/// the job runner works.
#[utoipa::path(post, path = "/api/v1/admin/jobs/probe", tag = "admin",
    responses((status = 200, body = JobView), (status = 403, body = crate::error::ErrorBody)))]
async fn probe_job(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
) -> AppResult<axum::Json<JobView>> {
    let tenant = who.principal.tenant_id;
    let key = format!("{}:{}", super::KIND_PROBE, crate::ids::new_id());
    let txn = app.db.begin().await?;
    super::enqueue(
        &txn,
        super::NewJob::new(tenant, super::KIND_PROBE, serde_json::json!({})).dedupe(key.clone()),
    )
    .await?;
    let j = job::Entity::find()
        .filter(job::Column::TenantId.eq(tenant))
        .filter(job::Column::DedupeKey.eq(key))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("probe job not stored"))?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new("job.enqueue", "job", Some(j.id), "加入测试任务".to_string()),
    )
    .await?;
    txn.commit().await?;
    app.wake_jobs();
    Ok(axum::Json(j.into()))
}
