//! The working calendar API: everyone reads it; holders of `tenant.settings` add or change days,
//! import next year's official schedule (CSV or iCalendar), export it, and set working hours.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xietong_calendar::{
    CHINA_MAINLAND_YEARS, ClockTime, Override, WorkingCalendar, WorkingInterval,
};

use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::access::{Authorized, TenantSettings};
use crate::auth::extract::Authenticated;
use crate::entities::{calendar_day, calendar_setting};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::http::extract::{Json, Path, Query};
use crate::ids::new_id;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_calendar))
        .routes(routes!(put_day, delete_day))
        .routes(routes!(import_days))
        .routes(routes!(export_days))
        .routes(routes!(put_settings))
}

/// Which year.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Default: the current year in the tenant's time zone.
    pub year: Option<i32>,
}

/// A stretch of working time, local wall-clock `HH:MM`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HoursView {
    #[schema(example = "09:00")]
    pub start: String,
    #[schema(example = "12:00")]
    pub end: String,
}

/// A day that is not what its weekday says: a public holiday, a make-up working day, or the
/// tenant's own entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDay {
    #[schema(value_type = String, example = "2026-10-01")]
    pub date: NaiveDate,
    /// `holiday` or `workday`.
    pub kind: String,
    pub name: String,
    /// `china` (the bundled schedule) or `tenant` (entered or imported here).
    pub source: String,
}

/// One year of the tenant's working calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    pub time_zone: String,
    pub working_hours: Vec<HoursView>,
    /// Weekly rest days, lower-case English weekday names.
    pub rest_days: Vec<String>,
    /// Whether the bundled mainland China schedule covers this year.
    pub bundled: bool,
    pub days: Vec<CalendarDay>,
}

fn bad_year() -> AppError {
    AppError::bad_request(
        "calendar.bad_year",
        Text::fixed(
            "年份须在 1970 到 2200 之间",
            "The year must be between 1970 and 2200",
        ),
    )
}

fn bad_date(text: &str) -> AppError {
    AppError::bad_request(
        "calendar.bad_date",
        Text::owned(
            format!("「{text}」不是日期（格式 YYYY-MM-DD）"),
            format!("\"{text}\" is not a date (use YYYY-MM-DD)"),
        ),
    )
}

fn parse_date(text: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|d| (1970..=2200).contains(&d.year()))
        .ok_or_else(|| bad_date(text))
}

async fn year_view(app: &App, tenant: uuid::Uuid, year: Option<i32>) -> AppResult<CalendarYear> {
    let tz = app.time_zone(tenant).await?;
    let year = match year {
        Some(y) if (1970..=2200).contains(&y) => y,
        Some(_) => return Err(bad_year()),
        None => Utc::now().with_timezone(&tz).year(),
    };
    let cal: WorkingCalendar = super::load(&app.db, tenant, tz).await?;
    let own: std::collections::HashSet<NaiveDate> = super::tenant_overrides(&app.db, tenant)
        .await?
        .into_iter()
        .map(|o| o.date)
        .collect();
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad_year)?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad_year)?;
    let settings = cal.settings();
    Ok(CalendarYear {
        year,
        time_zone: tz.name().to_string(),
        working_hours: settings
            .working_hours
            .iter()
            .map(|i| HoursView {
                start: i.start.to_string(),
                end: i.end.to_string(),
            })
            .collect(),
        rest_days: settings
            .rest_days
            .iter()
            .map(|d| d.to_string().to_lowercase())
            .collect(),
        bundled: CHINA_MAINLAND_YEARS.contains(&year),
        days: cal
            .overrides_between(from, to)
            .map(|o| CalendarDay {
                date: o.date,
                kind: o.kind.as_str().to_string(),
                name: o.name.clone(),
                source: if own.contains(&o.date) {
                    "tenant"
                } else {
                    "china"
                }
                .to_string(),
            })
            .collect(),
    })
}

/// One year of the working calendar: holidays, make-up working days, working hours.
#[utoipa::path(get, path = "/api/v1/calendar", tag = "calendar", params(YearQuery),
    responses((status = 200, body = CalendarYear), (status = 400, body = crate::error::ErrorBody)))]
async fn get_calendar(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(q): Query<YearQuery>,
) -> AppResult<axum::Json<CalendarYear>> {
    Ok(axum::Json(year_view(&app, p.tenant_id, q.year).await?))
}

/// A day set by the tenant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayInput {
    /// `holiday` or `workday`.
    pub kind: String,
    #[serde(default)]
    pub name: String,
}

fn day_row(tenant: uuid::Uuid, o: &Override) -> calendar_day::ActiveModel {
    calendar_day::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(tenant),
        date: Set(o.date.format("%Y-%m-%d").to_string()),
        kind: Set(o.kind.as_str().to_string()),
        name: Set(o.name.clone()),
        updated_at: Set(Utc::now()),
    }
}

fn upsert_conflict() -> OnConflict {
    OnConflict::columns([calendar_day::Column::TenantId, calendar_day::Column::Date])
        .update_columns([
            calendar_day::Column::Kind,
            calendar_day::Column::Name,
            calendar_day::Column::UpdatedAt,
        ])
        .to_owned()
}

/// Makes a date a holiday or a working day for this tenant (replacing the bundled entry there).
#[utoipa::path(put, path = "/api/v1/calendar/days/{date}", tag = "calendar",
    params(("date" = String, Path, description = "YYYY-MM-DD")), request_body = DayInput,
    responses((status = 200, body = CalendarDay), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn put_day(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
    Path(date): Path<String>,
    Json(input): Json<DayInput>,
) -> AppResult<axum::Json<CalendarDay>> {
    let date = parse_date(&date)?;
    let Some(kind) = super::parse_kind(&input.kind) else {
        return Err(AppError::validation(vec![FieldError::new(
            "kind",
            "calendar.bad_kind",
            Text::fixed(
                "类型须为 holiday（休息）或 workday（上班）",
                "kind must be holiday or workday",
            ),
        )]));
    };
    let name = input.name.trim().to_string();
    if name.chars().count() > 50 {
        return Err(AppError::validation(vec![FieldError::new(
            "name",
            "calendar.name_too_long",
            Text::fixed("名称最多 50 个字", "The name has at most 50 characters"),
        )]));
    }
    let o = Override { date, kind, name };
    let tenant = who.principal.tenant_id;
    let txn = app.db.begin().await?;
    calendar_day::Entity::insert(day_row(tenant, &o))
        .on_conflict(upsert_conflict())
        .exec_without_returning(&txn)
        .await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "calendar.day_set",
            "calendar",
            None,
            format!(
                "设 {} 为{}「{}」",
                o.date,
                if kind == xietong_calendar::OverrideKind::Holiday {
                    "休息日"
                } else {
                    "工作日"
                },
                o.name
            ),
        ),
    )
    .await?;
    txn.commit().await?;
    app.directory_changed();
    Ok(axum::Json(CalendarDay {
        date: o.date,
        kind: kind.as_str().to_string(),
        name: o.name,
        source: "tenant".into(),
    }))
}

/// Removes the tenant's own entry on a date: the bundled schedule and the weekly rule apply.
#[utoipa::path(delete, path = "/api/v1/calendar/days/{date}", tag = "calendar",
    params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn delete_day(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
    Path(date): Path<String>,
) -> AppResult<StatusCode> {
    let date = parse_date(&date)?;
    let tenant = who.principal.tenant_id;
    let txn = app.db.begin().await?;
    let res = calendar_day::Entity::delete_many()
        .filter(calendar_day::Column::TenantId.eq(tenant))
        .filter(calendar_day::Column::Date.eq(date.format("%Y-%m-%d").to_string()))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(AppError::not_found(
            "calendar.day_not_found",
            Text::fixed(
                "本租户在该日期没有自定的安排",
                "This tenant has no entry of its own on that date",
            ),
        ));
    }
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "calendar.day_removed",
            "calendar",
            None,
            format!("恢复 {date} 的默认安排"),
        ),
    )
    .await?;
    txn.commit().await?;
    app.directory_changed();
    Ok(StatusCode::NO_CONTENT)
}

/// A schedule to import.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportInput {
    /// CSV (`date,kind,name`) or iCalendar text.
    pub text: String,
}

/// How many days were imported.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarImportResult {
    pub imported: usize,
}

/// Imports a schedule (e.g. next year's official one): every day, or nothing when a line is bad.
#[utoipa::path(post, path = "/api/v1/calendar/import", tag = "calendar", request_body = ImportInput,
    responses((status = 200, body = CalendarImportResult), (status = 422, body = crate::error::ErrorBody)))]
async fn import_days(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
    Json(input): Json<ImportInput>,
) -> AppResult<axum::Json<CalendarImportResult>> {
    if input.text.len() > 1_000_000 {
        return Err(AppError::bad_request(
            "calendar.import_too_large",
            Text::fixed(
                "文件过大（最多 1 MB）",
                "The file is too large (at most 1 MB)",
            ),
        ));
    }
    let days = xietong_calendar::parse_schedule(&input.text).map_err(|errs| {
        let mut e = AppError::validation(
            errs.0
                .iter()
                .map(|e| {
                    FieldError::new(
                        format!("line.{}", e.line),
                        "calendar.import_line",
                        Text::owned(
                            format!("第 {} 行：{}", e.line, e.message),
                            format!("line {}: {}", e.line, e.message),
                        ),
                    )
                })
                .collect(),
        );
        e.code = "calendar.import_invalid";
        e.text = Text::fixed(
            "文件有误，未导入任何日期",
            "The file has errors; nothing was imported",
        );
        e
    })?;
    if let Some(bad) = days
        .iter()
        .find(|o| !(1970..=2200).contains(&o.date.year()))
    {
        return Err(bad_date(&bad.date.to_string()));
    }
    let tenant = who.principal.tenant_id;
    let txn = app.db.begin().await?;
    for chunk in days.chunks(200) {
        calendar_day::Entity::insert_many(chunk.iter().map(|o| day_row(tenant, o)))
            .on_conflict(upsert_conflict())
            .exec_without_returning(&txn)
            .await?;
    }
    let (first, last) = (
        days.iter().map(|o| o.date).min(),
        days.iter().map(|o| o.date).max(),
    );
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "calendar.import",
            "calendar",
            None,
            match (first, last) {
                (Some(a), Some(b)) => format!("导入 {} 个日期（{a} 至 {b}）", days.len()),
                _ => "导入 0 个日期".to_string(),
            },
        ),
    )
    .await?;
    txn.commit().await?;
    app.directory_changed();
    Ok(axum::Json(CalendarImportResult {
        imported: days.len(),
    }))
}

/// The year's holidays and make-up working days as CSV (what the import reads back).
#[utoipa::path(get, path = "/api/v1/calendar/export", tag = "calendar", params(YearQuery),
    responses((status = 200, content_type = "text/csv", body = String)))]
async fn export_days(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(q): Query<YearQuery>,
) -> AppResult<impl IntoResponse> {
    let view = year_view(&app, p.tenant_id, q.year).await?;
    let days: Vec<Override> = view
        .days
        .iter()
        .filter_map(|d| {
            Some(Override {
                date: d.date,
                kind: super::parse_kind(&d.kind)?,
                name: d.name.clone(),
            })
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"calendar-{}.csv\"", view.year),
            ),
        ],
        xietong_calendar::to_csv(days.iter()),
    ))
}

/// Working hours.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    pub working_hours: Vec<HoursView>,
}

/// Sets the working hours that hour-based time limits count.
#[utoipa::path(put, path = "/api/v1/calendar/settings", tag = "calendar", request_body = SettingsInput,
    responses((status = 200, body = CalendarYear), (status = 422, body = crate::error::ErrorBody)))]
async fn put_settings(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
    Json(input): Json<SettingsInput>,
) -> AppResult<axum::Json<CalendarYear>> {
    let invalid = |zh: String, en: String| {
        AppError::validation(vec![FieldError::new(
            "working_hours",
            "calendar.invalid_hours",
            Text::owned(zh, en),
        )])
    };
    let mut hours = Vec::new();
    for h in &input.working_hours {
        let start: ClockTime = h.start.parse().map_err(|e| {
            invalid(
                format!("工作时间无效：{e}"),
                format!("Invalid working hours: {e}"),
            )
        })?;
        let end: ClockTime = h.end.parse().map_err(|e| {
            invalid(
                format!("工作时间无效：{e}"),
                format!("Invalid working hours: {e}"),
            )
        })?;
        hours.push(WorkingInterval { start, end });
    }
    let tenant = who.principal.tenant_id;
    let tz = app.time_zone(tenant).await?;
    let settings = xietong_calendar::CalendarSettings {
        time_zone: tz,
        working_hours: hours.clone(),
        ..Default::default()
    };
    WorkingCalendar::new(&settings, []).map_err(|e| {
        invalid(
            format!("工作时间无效：{e}"),
            format!("Invalid working hours: {e}"),
        )
    })?;
    let json = serde_json::to_value(&hours).map_err(AppError::internal)?;
    let txn = app.db.begin().await?;
    calendar_setting::Entity::insert(calendar_setting::ActiveModel {
        tenant_id: Set(tenant),
        working_hours: Set(json),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(calendar_setting::Column::TenantId)
            .update_columns([
                calendar_setting::Column::WorkingHours,
                calendar_setting::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let text = hours
        .iter()
        .map(|h| format!("{}–{}", h.start, h.end))
        .collect::<Vec<_>>()
        .join("、");
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "calendar.settings",
            "calendar",
            None,
            format!("工作时间改为 {text}"),
        ),
    )
    .await?;
    txn.commit().await?;
    app.directory_changed();
    Ok(axum::Json(year_view(&app, tenant, None).await?))
}
