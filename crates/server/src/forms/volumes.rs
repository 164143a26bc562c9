//! Monthly business volume (R2: "monthly business volume counted electronically"): instances
//! started per month, per template and department, with how they ended.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::app::App;
use crate::auth::extract::Authenticated;
use crate::entities::flow_instance;
use crate::error::{AppError, AppResult, Text};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(volumes))
}

/// Months (inclusive) and optional filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VolumeQuery {
    /// First month, `YYYY-MM` (default: 11 months before `to`).
    pub from: Option<String>,
    /// Last month, `YYYY-MM` (default: this month).
    pub to: Option<String>,
    pub template_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
}

/// Instances started in one month for one template and department.
#[derive(Debug, Serialize, ToSchema, Clone)]
pub struct VolumeRow {
    pub month: String,
    pub template_id: Uuid,
    pub template: String,
    pub department_id: Uuid,
    pub department: String,
    pub started: u64,
    pub approved: u64,
    pub rejected: u64,
    pub cancelled: u64,
    pub running: u64,
}

/// One month's total.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthTotal {
    pub month: String,
    pub started: u64,
    pub approved: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VolumeReport {
    /// Every month of the period, oldest first.
    pub months: Vec<MonthTotal>,
    /// Month × template × department, months oldest first, then by count.
    pub rows: Vec<VolumeRow>,
}

fn month_start(text: &str) -> Option<NaiveDate> {
    let (y, m) = text.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

fn next_month(d: NaiveDate) -> NaiveDate {
    if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1).unwrap_or(d)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1).unwrap_or(d)
    }
}

fn bad_period() -> AppError {
    AppError::bad_request(
        "flow.bad_period",
        Text::fixed(
            "月份须为 YYYY-MM，从早到晚，且不超过 36 个月",
            "Months are YYYY-MM, running forwards, at most 36 of them",
        ),
    )
}

/// Instances started per month, template and department, in the tenant's time zone.
#[utoipa::path(get, path = "/api/v1/flow/volumes", tag = "flow", params(VolumeQuery),
    responses((status = 200, body = VolumeReport), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
async fn volumes(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(q): Query<VolumeQuery>,
) -> AppResult<axum::Json<VolumeReport>> {
    crate::flow::stats::allowed(&p)?;
    let tz = app.time_zone(p.tenant_id).await?;
    let this_month = {
        let today = Utc::now().with_timezone(&tz).date_naive();
        NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today)
    };
    let to = match q.to.as_deref() {
        Some(t) => month_start(t).ok_or_else(bad_period)?,
        None => this_month,
    };
    let from = match q.from.as_deref() {
        Some(f) => month_start(f).ok_or_else(bad_period)?,
        None => {
            let mut d = to;
            for _ in 0..11 {
                d = NaiveDate::from_ymd_opt(
                    if d.month() == 1 {
                        d.year() - 1
                    } else {
                        d.year()
                    },
                    if d.month() == 1 { 12 } else { d.month() - 1 },
                    1,
                )
                .unwrap_or(d);
            }
            d
        }
    };
    let mut months = Vec::new();
    let mut m = from;
    while m <= to {
        months.push(m);
        m = next_month(m);
        if months.len() > 36 {
            return Err(bad_period());
        }
    }
    if months.is_empty() {
        return Err(bad_period());
    }
    let local = |d: NaiveDate| -> DateTime<Utc> {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    };
    let (start, end) = (local(from), local(next_month(to)));
    let mut query = flow_instance::Entity::find()
        .select_only()
        .column(flow_instance::Column::CreatedAt)
        .column(flow_instance::Column::TemplateId)
        .column(flow_instance::Column::DepartmentId)
        .column(flow_instance::Column::Status)
        .filter(flow_instance::Column::TenantId.eq(p.tenant_id))
        .filter(flow_instance::Column::CreatedAt.gte(start))
        .filter(flow_instance::Column::CreatedAt.lt(end));
    if let Some(t) = q.template_id {
        query = query.filter(flow_instance::Column::TemplateId.eq(t));
    }
    if let Some(d) = q.department_id {
        query = query.filter(flow_instance::Column::DepartmentId.eq(d));
    }
    let rows: Vec<(DateTime<Utc>, Uuid, Uuid, String)> = query.into_tuple().all(&app.db).await?;
    let templates = crate::lookup::template_names(&app.db, p.tenant_id).await?;
    let depts = crate::lookup::department_names(&app.db, p.tenant_id).await?;
    let label = |d: NaiveDate| format!("{:04}-{:02}", d.year(), d.month());
    let mut cells: BTreeMap<(String, Uuid, Uuid), VolumeRow> = BTreeMap::new();
    let mut totals: BTreeMap<String, (u64, u64)> =
        months.iter().map(|m| (label(*m), (0, 0))).collect();
    for (at, template, dept, status) in rows {
        let month = label(at.with_timezone(&tz).date_naive());
        let row = cells
            .entry((month.clone(), template, dept))
            .or_insert_with(|| VolumeRow {
                month: month.clone(),
                template_id: template,
                template: templates.get(&template).cloned().unwrap_or_default(),
                department_id: dept,
                department: depts.get(&dept).cloned().unwrap_or_default(),
                started: 0,
                approved: 0,
                rejected: 0,
                cancelled: 0,
                running: 0,
            });
        row.started += 1;
        let total = totals.entry(month).or_default();
        total.0 += 1;
        match status.as_str() {
            "approved" => {
                row.approved += 1;
                total.1 += 1;
            }
            "rejected" => row.rejected += 1,
            "cancelled" => row.cancelled += 1,
            _ => row.running += 1,
        }
    }
    let mut rows: Vec<VolumeRow> = cells.into_values().collect();
    rows.sort_by(|a, b| {
        a.month
            .cmp(&b.month)
            .then(b.started.cmp(&a.started))
            .then(a.template.cmp(&b.template))
            .then(a.department.cmp(&b.department))
    });
    Ok(axum::Json(VolumeReport {
        months: totals
            .into_iter()
            .map(|(month, (started, approved))| MonthTotal {
                month,
                started,
                approved,
            })
            .collect(),
        rows,
    }))
}
