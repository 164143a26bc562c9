//! Efficiency statistics: per template, department or person, the tasks handled in a period,
//! their average handling time in working hours on the tenant's calendar, the overdue rate and
//! what is pending now; and the 待办清零 list of people holding old tasks. For holders of
//! `report.read` and flow administrators.

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::service::ts;
use crate::app::App;
use crate::auth::access::Perm;
use crate::auth::extract::{Authenticated, Principal};
use crate::entities::{department, flow_task, flow_template, user};
use crate::error::{AppError, AppResult, Text};
use crate::http::extract::Query;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(efficiency))
        .routes(routes!(backlog))
}

/// Statistics and reports are for holders of `report.read` and flow administrators.
pub(crate) fn allowed(p: &Principal) -> AppResult<()> {
    if p.has(Perm::ReportRead) || p.has(Perm::FlowAdmin) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// Period and grouping.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EfficiencyQuery {
    /// Start of the period (default: 30 days ago).
    pub from: Option<DateTime<Utc>>,
    /// End of the period, exclusive (default: now).
    pub to: Option<DateTime<Utc>>,
    /// `template` (default), `department` or `person`.
    pub group: Option<String>,
}

/// One group's figures.
#[derive(Debug, Serialize, ToSchema, Default, Clone)]
pub struct EfficiencyRow {
    pub id: Uuid,
    pub name: String,
    /// Tasks completed in the period.
    pub handled: u64,
    /// Their average handling time, in working hours.
    pub avg_working_hours: f64,
    /// Completed tasks that had a due time, and the share of them completed after it.
    pub handled_with_due: u64,
    pub overdue_rate: f64,
    /// Open tasks now.
    pub pending: u64,
}

/// Efficiency figures for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct EfficiencyReport {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub group: String,
    pub rows: Vec<EfficiencyRow>,
}

#[derive(Debug, FromQueryResult)]
struct TaskTimes {
    template_id: Uuid,
    assignee_id: Uuid,
    opened_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    due_at: Option<DateTime<Utc>>,
}

#[derive(Default)]
struct Acc {
    handled: u64,
    working_secs: i64,
    with_due: u64,
    late: u64,
    pending: u64,
}

/// Handling time, overdue rate and pending tasks per template, department or person.
#[utoipa::path(get, path = "/api/v1/flow/stats/efficiency", tag = "flow", params(EfficiencyQuery),
    responses((status = 200, body = EfficiencyReport), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
async fn efficiency(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(q): Query<EfficiencyQuery>,
) -> AppResult<axum::Json<EfficiencyReport>> {
    allowed(&p)?;
    let tenant = p.tenant_id;
    let to = q.to.unwrap_or_else(Utc::now);
    let from = q.from.unwrap_or(to - Duration::days(30));
    if from >= to || to - from > Duration::days(366) {
        return Err(AppError::bad_request(
            "flow.bad_period",
            Text::fixed(
                "统计区间须从早到晚，且不超过一年",
                "The period must run forwards and last at most a year",
            ),
        ));
    }
    let group = q.group.unwrap_or_else(|| "template".into());
    if !matches!(group.as_str(), "template" | "department" | "person") {
        return Err(AppError::bad_request(
            "flow.bad_group",
            Text::fixed(
                "group 只能是 template、department 或 person",
                "group must be template, department or person",
            ),
        ));
    }
    let dir = app.directory(tenant).await?;
    let cols = |q: sea_orm::Select<flow_task::Entity>| {
        q.select_only()
            .column(flow_task::Column::TemplateId)
            .column(flow_task::Column::AssigneeId)
            .column(flow_task::Column::OpenedAt)
            .column(flow_task::Column::ClosedAt)
            .column(flow_task::Column::DueAt)
            .into_model::<TaskTimes>()
    };
    let handled = cols(
        flow_task::Entity::find()
            .filter(flow_task::Column::TenantId.eq(tenant))
            .filter(flow_task::Column::State.eq("closed"))
            .filter(flow_task::Column::CloseReason.eq("completed"))
            .filter(flow_task::Column::ClosedAt.gte(from))
            .filter(flow_task::Column::ClosedAt.lt(to)),
    )
    .all(&app.db)
    .await?;
    let open = cols(
        flow_task::Entity::find()
            .filter(flow_task::Column::TenantId.eq(tenant))
            .filter(flow_task::Column::State.eq("open")),
    )
    .all(&app.db)
    .await?;
    let key = |t: &TaskTimes| -> Uuid {
        match group.as_str() {
            "template" => t.template_id,
            "person" => t.assignee_id,
            _ => dir
                .org
                .users
                .get(&t.assignee_id)
                .map(|u| u.department_id)
                .unwrap_or_default(),
        }
    };
    let mut acc: BTreeMap<Uuid, Acc> = BTreeMap::new();
    for t in &handled {
        let a = acc.entry(key(t)).or_default();
        a.handled += 1;
        if let Some(closed) = t.closed_at {
            a.working_secs += dir
                .calendar
                .working_time_between(ts(t.opened_at), ts(closed))
                .num_seconds()
                .max(0);
            if let Some(due) = t.due_at {
                a.with_due += 1;
                if closed > due {
                    a.late += 1;
                }
            }
        }
    }
    for t in &open {
        acc.entry(key(t)).or_default().pending += 1;
    }
    let ids: Vec<Uuid> = acc.keys().copied().collect();
    let names: HashMap<Uuid, String> = match group.as_str() {
        "template" => flow_template::Entity::find()
            .select_only()
            .column(flow_template::Column::Id)
            .column(flow_template::Column::Name)
            .filter(flow_template::Column::Id.is_in(ids))
            .into_tuple::<(Uuid, String)>()
            .all(&app.db)
            .await?
            .into_iter()
            .collect(),
        "person" => super::instances::names(&app, ids).await?,
        _ => department::Entity::find()
            .select_only()
            .column(department::Column::Id)
            .column(department::Column::Name)
            .filter(department::Column::Id.is_in(ids))
            .into_tuple::<(Uuid, String)>()
            .all(&app.db)
            .await?
            .into_iter()
            .collect(),
    };
    let round1 = |x: f64| (x * 10.0).round() / 10.0;
    let mut rows: Vec<EfficiencyRow> = acc
        .into_iter()
        .map(|(id, a)| EfficiencyRow {
            id,
            name: names.get(&id).cloned().unwrap_or_default(),
            handled: a.handled,
            avg_working_hours: if a.handled == 0 {
                0.0
            } else {
                round1(a.working_secs as f64 / 3600.0 / a.handled as f64)
            },
            handled_with_due: a.with_due,
            overdue_rate: if a.with_due == 0 {
                0.0
            } else {
                (a.late as f64 / a.with_due as f64 * 1000.0).round() / 1000.0
            },
            pending: a.pending,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.handled
            .cmp(&a.handled)
            .then(b.pending.cmp(&a.pending))
            .then(a.name.cmp(&b.name))
    });
    Ok(axum::Json(EfficiencyReport {
        from,
        to,
        group,
        rows,
    }))
}

/// Who holds old tasks.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BacklogQuery {
    /// Tasks open longer than this many days (default 3).
    pub older_than_days: Option<i64>,
}

/// A person holding old tasks (待办清零).
#[derive(Debug, Serialize, ToSchema)]
pub struct BacklogRow {
    pub person_id: Uuid,
    pub name: String,
    pub department_id: Option<Uuid>,
    pub old_tasks: u64,
    pub oldest_opened_at: DateTime<Utc>,
}

/// People holding tasks open longer than N days, most first (the 待办清零 list).
#[utoipa::path(get, path = "/api/v1/flow/stats/backlog", tag = "flow", params(BacklogQuery),
    responses((status = 200, body = Vec<BacklogRow>), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
async fn backlog(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(q): Query<BacklogQuery>,
) -> AppResult<axum::Json<Vec<BacklogRow>>> {
    allowed(&p)?;
    let days = q.older_than_days.unwrap_or(3);
    if !(0..=3650).contains(&days) {
        return Err(AppError::bad_request(
            "flow.bad_days",
            Text::fixed("天数须在 0 到 3650 之间", "Days must be between 0 and 3650"),
        ));
    }
    let before = Utc::now() - Duration::days(days);
    let rows: Vec<(Uuid, i64, DateTime<Utc>)> = flow_task::Entity::find()
        .select_only()
        .column(flow_task::Column::AssigneeId)
        .column_as(flow_task::Column::Id.count(), "n")
        .column_as(flow_task::Column::OpenedAt.min(), "oldest")
        .filter(flow_task::Column::TenantId.eq(p.tenant_id))
        .filter(flow_task::Column::State.eq("open"))
        .filter(flow_task::Column::OpenedAt.lt(before))
        .group_by(flow_task::Column::AssigneeId)
        .into_tuple()
        .all(&app.db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    let people: HashMap<Uuid, (String, Uuid)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .column(user::Column::DepartmentId)
        .filter(user::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String, Uuid)>()
        .all(&app.db)
        .await?
        .into_iter()
        .map(|(id, n, d)| (id, (n, d)))
        .collect();
    let mut out: Vec<BacklogRow> = rows
        .into_iter()
        .map(|(id, n, oldest)| BacklogRow {
            person_id: id,
            name: people.get(&id).map(|p| p.0.clone()).unwrap_or_default(),
            department_id: people.get(&id).map(|p| p.1),
            old_tasks: n as u64,
            oldest_opened_at: oldest,
        })
        .collect();
    out.sort_by(|a, b| {
        b.old_tasks
            .cmp(&a.old_tasks)
            .then(a.oldest_opened_at.cmp(&b.oldest_opened_at))
    });
    Ok(axum::Json(out))
}
