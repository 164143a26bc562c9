//! Reports: sign-ins per user per day (R5's presence rule) and the raw sign-in records.

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::app::App;
use crate::auth::access::{Authorized, Perm, ReportRead};
use crate::auth::extract::Authenticated;
use crate::entities::{department, login_record, user};
use crate::error::{AppError, AppResult, Text};
use crate::http::extract::Query;
use crate::http::page::{Page, PageQuery};
use crate::org::directory::OrgSnapshot;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(login_report))
        .routes(routes!(login_records))
}

/// Report range.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoginReportQuery {
    /// First day (tenant time zone), `YYYY-MM-DD`.
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    /// Only this department and its sub-departments.
    pub department_id: Option<Uuid>,
}

/// One user's sign-ins per day.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginReportRow {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub department_id: Uuid,
    pub department_name: String,
    pub per_day: Vec<u32>,
    pub total: u32,
    /// Days with fewer than two sign-ins (R5: desk users sign in morning and afternoon).
    pub days_below_two: u32,
}

/// One department's sign-ins per day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentLogins {
    pub department_id: Uuid,
    pub department_name: String,
    pub per_day: Vec<u32>,
}

/// Sign-ins per user and per department, day by day.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginReport {
    pub days: Vec<NaiveDate>,
    pub rows: Vec<LoginReportRow>,
    pub per_department: Vec<DepartmentLogins>,
}

fn bad_range() -> AppError {
    AppError::bad_request(
        "report.invalid_range",
        Text::fixed(
            "日期范围无效（最多 366 天）",
            "Invalid date range (at most 366 days)",
        ),
    )
}

/// Successful sign-ins per active user per day over a range, in the tenant's time zone.
/// Holders of `report.read` see everyone; a department head sees the departments they head.
#[utoipa::path(get, path = "/api/v1/reports/logins", tag = "reports", params(LoginReportQuery),
    responses((status = 200, body = LoginReport), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
async fn login_report(
    State(app): State<App>,
    Authenticated(who): Authenticated,
    Query(q): Query<LoginReportQuery>,
) -> AppResult<axum::Json<LoginReport>> {
    let span = (q.to - q.from).num_days();
    if !(0..=365).contains(&span) {
        return Err(bad_range());
    }
    let tz: Tz = app
        .tenant(who.tenant_id)
        .await?
        .model
        .time_zone
        .parse()
        .unwrap_or(chrono_tz::Asia::Shanghai);
    let start = tz
        .from_local_datetime(&q.from.and_hms_opt(0, 0, 0).expect("midnight"))
        .earliest()
        .ok_or_else(bad_range)?
        .with_timezone(&Utc);
    let end_day = q.to.checked_add_days(Days::new(1)).ok_or_else(bad_range)?;
    let end = tz
        .from_local_datetime(&end_day.and_hms_opt(0, 0, 0).expect("midnight"))
        .earliest()
        .ok_or_else(bad_range)?
        .with_timezone(&Utc);
    let days: Vec<NaiveDate> = (0..=span)
        .map(|i| q.from + chrono::Duration::days(i))
        .collect();

    let snapshot = OrgSnapshot::load(&app.db, who.tenant_id).await?;
    let depts: HashMap<Uuid, String> = department::Entity::find()
        .filter(department::Column::TenantId.eq(who.tenant_id))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let mut scope = match q.department_id {
        Some(d) if depts.contains_key(&d) => Some(snapshot.department_and_descendants(d, true)),
        Some(_) => {
            return Err(AppError::not_found(
                "org.department_not_found",
                Text::fixed("部门不存在", "No such department"),
            ));
        }
        None => None,
    };
    if !who.has(Perm::ReportRead) {
        // Department heads (部门负责人) see the departments they head, with sub-departments.
        let headed: std::collections::HashSet<Uuid> = snapshot
            .departments
            .iter()
            .filter(|(_, d)| d.head_user_id == Some(who.user_id))
            .flat_map(|(id, _)| snapshot.department_and_descendants(*id, true))
            .collect();
        if headed.is_empty() {
            return Err(AppError::forbidden());
        }
        scope = Some(match scope {
            Some(s) => s.intersection(&headed).copied().collect(),
            None => headed,
        });
    }
    let users: Vec<user::Model> = user::Entity::find()
        .filter(user::Column::TenantId.eq(who.tenant_id))
        .filter(user::Column::Status.eq("active"))
        .order_by_asc(user::Column::Username)
        .all(&app.db)
        .await?
        .into_iter()
        .filter(|u| scope.as_ref().is_none_or(|s| s.contains(&u.department_id)))
        .collect();
    let records: Vec<(Option<Uuid>, DateTime<Utc>)> = login_record::Entity::find()
        .select_only()
        .column(login_record::Column::UserId)
        .column(login_record::Column::At)
        .filter(login_record::Column::TenantId.eq(who.tenant_id))
        .filter(login_record::Column::Success.eq(true))
        .filter(login_record::Column::At.gte(start))
        .filter(login_record::Column::At.lt(end))
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut counts: HashMap<Uuid, Vec<u32>> = HashMap::new();
    for (uid, at) in records {
        let Some(uid) = uid else { continue };
        let day = at.with_timezone(&tz).date_naive();
        let idx = (day - q.from).num_days();
        if (0..=span).contains(&idx) {
            counts.entry(uid).or_insert_with(|| vec![0; days.len()])[idx as usize] += 1;
        }
    }
    let mut per_dept: BTreeMap<(String, Uuid), Vec<u32>> = BTreeMap::new();
    let rows: Vec<LoginReportRow> = users
        .into_iter()
        .map(|u| {
            let per_day = counts.remove(&u.id).unwrap_or_else(|| vec![0; days.len()]);
            let dname = depts.get(&u.department_id).cloned().unwrap_or_default();
            let agg = per_dept
                .entry((dname.clone(), u.department_id))
                .or_insert_with(|| vec![0; days.len()]);
            for (a, b) in agg.iter_mut().zip(&per_day) {
                *a += b;
            }
            LoginReportRow {
                total: per_day.iter().sum(),
                days_below_two: per_day.iter().filter(|n| **n < 2).count() as u32,
                per_day,
                user_id: u.id,
                username: u.username,
                display_name: u.display_name,
                department_id: u.department_id,
                department_name: dname,
            }
        })
        .collect();
    Ok(axum::Json(LoginReport {
        days,
        rows,
        per_department: per_dept
            .into_iter()
            .map(
                |((department_name, department_id), per_day)| DepartmentLogins {
                    department_id,
                    department_name,
                    per_day,
                },
            )
            .collect(),
    }))
}

/// Sign-in record filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoginRecordFilter {
    pub user_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub success: Option<bool>,
}

/// One sign-in attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginRecordView {
    pub at: DateTime<Utc>,
    pub user_id: Option<Uuid>,
    pub username: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub method: String,
    pub success: bool,
    pub reason: Option<String>,
}

/// Sign-in attempts, newest first.
#[utoipa::path(get, path = "/api/v1/login-records", tag = "reports", params(LoginRecordFilter, PageQuery),
    responses((status = 200, body = Page<LoginRecordView>)))]
async fn login_records(
    State(app): State<App>,
    who: Authorized<ReportRead>,
    Query(f): Query<LoginRecordFilter>,
    Query(pq): Query<PageQuery>,
) -> AppResult<axum::Json<Page<LoginRecordView>>> {
    let (page, page_size) = pq.resolve()?;
    let mut c = Condition::all().add(login_record::Column::TenantId.eq(who.tenant_id));
    if let Some(u) = f.user_id {
        c = c.add(login_record::Column::UserId.eq(u));
    }
    if let Some(t) = f.from {
        c = c.add(login_record::Column::At.gte(t));
    }
    if let Some(t) = f.to {
        c = c.add(login_record::Column::At.lt(t));
    }
    if let Some(s) = f.success {
        c = c.add(login_record::Column::Success.eq(s));
    }
    let q = login_record::Entity::find()
        .filter(c)
        .order_by_desc(login_record::Column::At);
    let total = q.clone().count(&app.db).await?;
    let items = q
        .offset((page - 1) * page_size)
        .limit(page_size)
        .all(&app.db)
        .await?;
    Ok(axum::Json(Page {
        items: items
            .into_iter()
            .map(|r| LoginRecordView {
                at: r.at,
                user_id: r.user_id,
                username: r.username,
                ip: r.ip,
                user_agent: r.user_agent,
                method: r.method,
                success: r.success,
                reason: r.reason,
            })
            .collect(),
        total,
        page,
        page_size,
    }))
}
