//! The weekly overdue report (R5): every Monday at 08:00 in the tenant's time zone a job lists
//! the tasks past their due time, per template, person and department, and stores it; the next
//! Monday's job is enqueued by the one that runs. Administrators and supervisors are sent an
//! in-app notification and read it here (mail and robots come with the notification channels);
//! administrators can make one now.

use std::collections::BTreeMap;

use axum::extract::State;
use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::app::App;
use crate::audit::{self, Actor, Change};
use crate::auth::extract::Authenticated;
use crate::entities::{flow_instance, flow_report, flow_task, flow_template, job, tenant, user};
use crate::error::{AppError, AppResult, Text};
use crate::http::extract::Path;
use crate::ids::new_id;
use crate::jobs::{self, JobFailure, NewJob};

/// The job kind.
pub const KIND: &str = "report.weekly_overdue";
const REPORT: &str = "weekly_overdue";

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_reports, make_report))
        .routes(routes!(get_report))
}

use super::stats::allowed;

/// An overdue task in the report.
#[derive(Debug, Serialize, Deserialize, ToSchema, FromQueryResult, Clone)]
pub struct OverdueTask {
    pub instance_id: Uuid,
    pub title: String,
    pub serial_no: Option<String>,
    pub template_id: Uuid,
    pub node_name: String,
    pub assignee_id: Uuid,
    pub due_at: DateTime<Utc>,
}

/// A count under a name.
#[derive(Debug, Serialize, Deserialize, ToSchema, Clone)]
pub struct NamedCount {
    pub id: Uuid,
    pub name: String,
    pub overdue: u64,
}

/// The weekly overdue report.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverdueReport {
    /// ISO week, e.g. `2026-W48`.
    pub period: String,
    pub generated_at: DateTime<Utc>,
    pub overdue: u64,
    pub by_template: Vec<NamedCount>,
    pub by_person: Vec<NamedCount>,
    pub by_department: Vec<NamedCount>,
    /// The longest overdue first, at most 200.
    pub tasks: Vec<OverdueTask>,
}

fn period_of(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    let w = at.with_timezone(&tz).iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// Builds the report of `tenant` as of now.
pub async fn build<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    tz: chrono_tz::Tz,
) -> Result<OverdueReport, sea_orm::DbErr> {
    let now = Utc::now();
    let tasks: Vec<OverdueTask> = flow_task::Entity::find()
        .select_only()
        .column(flow_task::Column::InstanceId)
        .column(flow_instance::Column::Title)
        .column(flow_instance::Column::SerialNo)
        .column(flow_task::Column::TemplateId)
        .column(flow_task::Column::NodeName)
        .column(flow_task::Column::AssigneeId)
        .column(flow_task::Column::DueAt)
        .join(JoinType::InnerJoin, flow_task::Relation::Instance.def())
        .filter(flow_task::Column::TenantId.eq(tenant))
        .filter(flow_task::Column::State.eq("open"))
        .filter(flow_task::Column::DueAt.lt(now))
        .order_by_asc(flow_task::Column::DueAt)
        .into_model()
        .all(db)
        .await?;
    let people: BTreeMap<Uuid, (String, Uuid)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .column(user::Column::DepartmentId)
        .filter(user::Column::Id.is_in(tasks.iter().map(|t| t.assignee_id).collect::<Vec<_>>()))
        .into_tuple::<(Uuid, String, Uuid)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, n, d)| (id, (n, d)))
        .collect();
    let templates = crate::lookup::template_names(db, tenant).await?;
    let departments = crate::lookup::department_names(db, tenant).await?;
    let mut t_counts: BTreeMap<Uuid, u64> = BTreeMap::new();
    let mut p_counts: BTreeMap<Uuid, u64> = BTreeMap::new();
    let mut d_counts: BTreeMap<Uuid, u64> = BTreeMap::new();
    for t in &tasks {
        *t_counts.entry(t.template_id).or_default() += 1;
        *p_counts.entry(t.assignee_id).or_default() += 1;
        if let Some((_, d)) = people.get(&t.assignee_id) {
            *d_counts.entry(*d).or_default() += 1;
        }
    }
    let named = |m: BTreeMap<Uuid, u64>, name: &dyn Fn(&Uuid) -> String| {
        let mut v: Vec<NamedCount> = m
            .into_iter()
            .map(|(id, n)| NamedCount {
                id,
                name: name(&id),
                overdue: n,
            })
            .collect();
        v.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.name.cmp(&b.name)));
        v
    };
    Ok(OverdueReport {
        period: period_of(now, tz),
        generated_at: now,
        overdue: tasks.len() as u64,
        by_template: named(t_counts, &|id| {
            templates.get(id).cloned().unwrap_or_default()
        }),
        by_person: named(p_counts, &|id| {
            people.get(id).map(|p| p.0.clone()).unwrap_or_default()
        }),
        by_department: named(d_counts, &|id| {
            departments.get(id).cloned().unwrap_or_default()
        }),
        tasks: tasks.into_iter().take(200).collect(),
    })
}

/// Stores the report for its week (a later one of the same week replaces it) and audits it.
async fn save<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    actor: &Actor,
    r: &OverdueReport,
) -> Result<(), sea_orm::DbErr> {
    flow_report::Entity::insert(flow_report::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(tenant),
        kind: Set(REPORT.into()),
        period: Set(r.period.clone()),
        body: Set(serde_json::to_value(r).expect("report serialises")),
        created_at: Set(r.generated_at),
    })
    .on_conflict(
        OnConflict::columns([
            flow_report::Column::TenantId,
            flow_report::Column::Kind,
            flow_report::Column::Period,
        ])
        .update_columns([flow_report::Column::Body, flow_report::Column::CreatedAt])
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    audit::record(
        db,
        actor,
        Change::new(
            "flow_report.weekly_overdue",
            "flow_report",
            None,
            format!("生成 {} 超期周报：{} 项超期", r.period, r.overdue),
        ),
    )
    .await
}

/// The next Monday 08:00 in `tz` after `after`.
pub fn next_monday_8(after: DateTime<Utc>, tz: chrono_tz::Tz) -> DateTime<Utc> {
    let local = after.with_timezone(&tz).date_naive();
    let mut day = local;
    loop {
        if day.weekday() == Weekday::Mon {
            let at = tz
                .from_local_datetime(
                    &day.and_time(NaiveTime::from_hms_opt(8, 0, 0).expect("08:00")),
                )
                .earliest()
                .map(|t| t.with_timezone(&Utc));
            if let Some(at) = at
                && at > after
            {
                return at;
            }
        }
        day += Duration::days(1);
    }
}

fn schedule(tenant: Uuid, at: DateTime<Utc>) -> NewJob {
    NewJob::new(tenant, KIND, serde_json::json!({}))
        .at(at)
        .dedupe(format!("{KIND}:{}", at.format("%Y-%m-%d")))
}

/// Makes sure every active tenant has its next weekly report scheduled (at server start).
pub async fn ensure_scheduled(app: &App) -> Result<(), sea_orm::DbErr> {
    let tenants: Vec<Uuid> = tenant::Entity::find()
        .select_only()
        .column(tenant::Column::Id)
        .into_tuple()
        .all(&app.db)
        .await?;
    for t in tenants {
        let tz = app.time_zone(t).await.unwrap_or(chrono_tz::Asia::Shanghai);
        let pending = job::Entity::find()
            .filter(job::Column::TenantId.eq(t))
            .filter(job::Column::Kind.eq(KIND))
            .filter(job::Column::State.is_in(["pending", "running"]))
            .one(&app.db)
            .await?;
        if pending.is_none() {
            jobs::enqueue(&app.db, schedule(t, next_monday_8(Utc::now(), tz))).await?;
        }
    }
    Ok(())
}

/// Who is sent the weekly report: active administrators (report.read or flow.admin) and the
/// templates' supervisors.
async fn readers(app: &App, tenant: Uuid) -> AppResult<Vec<Uuid>> {
    use crate::auth::access::{Perm, Role, permissions};
    let dir = app.directory(tenant).await?;
    let mut out: Vec<Uuid> = dir
        .org
        .users
        .iter()
        .filter(|(_, u)| u.active)
        .filter(|(_, u)| {
            let roles: Vec<Role> = u.roles.iter().filter_map(|r| Role::parse(r)).collect();
            let perms = permissions(&roles);
            perms.contains(&Perm::ReportRead) || perms.contains(&Perm::FlowAdmin)
        })
        .map(|(id, _)| *id)
        .collect();
    let supervisors: Vec<Option<Uuid>> = flow_template::Entity::find()
        .select_only()
        .column(flow_template::Column::SupervisorId)
        .filter(flow_template::Column::TenantId.eq(tenant))
        .into_tuple()
        .all(&app.db)
        .await?;
    for s in supervisors.into_iter().flatten() {
        if dir.org.users.get(&s).is_some_and(|u| u.active) {
            out.push(s);
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Supervisors of a template read the report too.
async fn may_read(app: &App, p: &crate::auth::extract::Principal) -> AppResult<()> {
    if allowed(p).is_ok() {
        return Ok(());
    }
    let supervises = flow_template::Entity::find()
        .filter(flow_template::Column::TenantId.eq(p.tenant_id))
        .filter(flow_template::Column::SupervisorId.eq(p.user_id))
        .one(&app.db)
        .await?
        .is_some();
    if supervises {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// Runs the weekly job: stores this week's report and schedules next week's.
pub async fn run(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    let tz = app
        .time_zone(j.tenant_id)
        .await
        .map_err(|e| JobFailure::retry(e.code))?;
    let r = build(&app.db, j.tenant_id, tz).await?;
    let readers = readers(app, j.tenant_id)
        .await
        .map_err(|e| JobFailure::retry(e.code))?;
    let txn = app.db.begin().await?;
    save(&txn, j.tenant_id, &Actor::system(j.tenant_id), &r).await?;
    let data = serde_json::json!({ "period": r.period, "overdue": r.overdue });
    crate::notifications::send(
        &txn,
        readers
            .into_iter()
            .map(|user| crate::notifications::Notice {
                tenant: j.tenant_id,
                user,
                kind: "report_ready",
                instance: None,
                task_no: None,
                data: data.clone(),
            })
            .collect(),
    )
    .await
    .map_err(|e| JobFailure::retry(e.code))?;
    jobs::enqueue(
        &txn,
        schedule(j.tenant_id, next_monday_8(Utc::now().max(j.run_at), tz)),
    )
    .await?;
    txn.commit().await?;
    app.live.wake();
    Ok(())
}

/// A stored report, without its tasks.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportSummary {
    pub period: String,
    pub generated_at: DateTime<Utc>,
    pub overdue: u64,
}

/// The stored weekly overdue reports, newest first.
#[utoipa::path(get, path = "/api/v1/flow/reports/overdue", tag = "flow",
    responses((status = 200, body = Vec<ReportSummary>), (status = 403, body = crate::error::ErrorBody)))]
async fn list_reports(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<Vec<ReportSummary>>> {
    may_read(&app, &p).await?;
    let rows = flow_report::Entity::find()
        .filter(flow_report::Column::TenantId.eq(p.tenant_id))
        .filter(flow_report::Column::Kind.eq(REPORT))
        .order_by_desc(flow_report::Column::Period)
        .limit(104)
        .all(&app.db)
        .await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|r| ReportSummary {
                period: r.period,
                generated_at: r.created_at,
                overdue: r.body["overdue"].as_u64().unwrap_or(0),
            })
            .collect(),
    ))
}

/// One week's stored report.
#[utoipa::path(get, path = "/api/v1/flow/reports/overdue/{period}", tag = "flow",
    params(("period" = String, Path, description = "ISO week, e.g. 2026-W48")),
    responses((status = 200, body = OverdueReport), (status = 404, body = crate::error::ErrorBody)))]
async fn get_report(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(period): Path<String>,
) -> AppResult<axum::Json<serde_json::Value>> {
    may_read(&app, &p).await?;
    let r = flow_report::Entity::find()
        .filter(flow_report::Column::TenantId.eq(p.tenant_id))
        .filter(flow_report::Column::Kind.eq(REPORT))
        .filter(flow_report::Column::Period.eq(period))
        .one(&app.db)
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                "flow.report_not_found",
                Text::fixed("没有这一周的超期周报", "No overdue report for that week"),
            )
        })?;
    Ok(axum::Json(r.body))
}

/// Makes this week's report now (replacing an earlier one of the same week).
#[utoipa::path(post, path = "/api/v1/flow/reports/overdue", tag = "flow",
    responses((status = 200, body = OverdueReport), (status = 403, body = crate::error::ErrorBody)))]
async fn make_report(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<OverdueReport>> {
    allowed(&p)?;
    let tz = app.time_zone(p.tenant_id).await?;
    let r = build(&app.db, p.tenant_id, tz).await?;
    let txn = app.db.begin().await?;
    save(&txn, p.tenant_id, &(&p).into(), &r).await?;
    txn.commit().await?;
    Ok(axum::Json(r))
}
