//! The tenant's working calendar (工作日历): the bundled mainland China schedule of public
//! holidays and make-up working days, the tenant's own dated entries on top (they win on the same
//! date), its working hours, and its time zone. Time limits count working time on it.

pub mod api;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;
use xietong_calendar::{
    CalendarSettings, Override, OverrideKind, Tz, WorkingCalendar, WorkingInterval,
};

pub use api::routes;

use crate::entities::{calendar_day, calendar_setting};

/// The tenant's settings: stored working hours (defaults when none) in its time zone.
pub async fn settings<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    time_zone: Tz,
) -> Result<CalendarSettings, DbErr> {
    let mut s = CalendarSettings {
        time_zone,
        ..CalendarSettings::default()
    };
    if let Some(row) = calendar_setting::Entity::find_by_id(tenant).one(db).await?
        && let Ok(hours) = serde_json::from_value::<Vec<WorkingInterval>>(row.working_hours)
        && !hours.is_empty()
    {
        s.working_hours = hours;
    }
    Ok(s)
}

/// The tenant's own dated entries, in date order.
pub async fn tenant_overrides<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
) -> Result<Vec<Override>, DbErr> {
    let mut rows: Vec<Override> = calendar_day::Entity::find()
        .filter(calendar_day::Column::TenantId.eq(tenant))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(Override {
                date: NaiveDate::parse_from_str(&r.date, "%Y-%m-%d").ok()?,
                kind: parse_kind(&r.kind)?,
                name: r.name,
            })
        })
        .collect();
    rows.sort_by_key(|o| o.date);
    Ok(rows)
}

/// `holiday` or `workday`.
pub fn parse_kind(text: &str) -> Option<OverrideKind> {
    match text {
        "holiday" => Some(OverrideKind::Holiday),
        "workday" => Some(OverrideKind::Workday),
        _ => None,
    }
}

/// The tenant's working calendar as time limits use it.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    time_zone: Tz,
) -> Result<WorkingCalendar, crate::error::AppError> {
    let s = settings(db, tenant, time_zone).await?;
    let own = tenant_overrides(db, tenant).await?;
    WorkingCalendar::china_mainland_with(&s, own).or_else(|e| {
        // Stored hours that no longer build a calendar (never written by the API): fall back.
        tracing::warn!(%tenant, error = %e, "stored working hours rejected; using the defaults");
        WorkingCalendar::china_mainland_with(
            &CalendarSettings {
                time_zone,
                ..CalendarSettings::default()
            },
            Vec::new(),
        )
        .map_err(crate::error::AppError::internal)
    })
}
