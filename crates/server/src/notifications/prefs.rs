//! What each person wants to be told where: channels per event kind (in-app always), quiet
//! hours, and the twice-daily digest.

use axum::extract::State;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::extract::Authenticated;
use crate::entities::{notify_pref, push_subscription};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::http::extract::Json;

/// Every event kind, in the order people see them.
pub const KINDS: [&str; 17] = [
    "task_assigned",
    "urged",
    "reminder",
    "overdue",
    "flow_overdue",
    "sent_back",
    "finished",
    "carbon_copy",
    "replaced",
    "stood_in",
    "mentioned",
    "delegation_started",
    "delegation_ended",
    "report_ready",
    "password_changed",
    "new_device_sign_in",
    "account_locked",
];

/// Account events: mailed whatever the quiet hours, never sent to group robots unless named.
pub const SECURITY_KINDS: [&str; 3] = ["password_changed", "new_device_sign_in", "account_locked"];

/// Whether `kind` is an account (security) event.
pub fn is_security(kind: &str) -> bool {
    SECURITY_KINDS.contains(&kind)
}

/// Channels of one event kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channels {
    pub email: bool,
    pub push: bool,
}

/// The defaults: push for what asks for action now, mail for what matters later or for safety.
pub fn default_channels(kind: &str) -> Channels {
    let email = matches!(
        kind,
        "urged"
            | "overdue"
            | "flow_overdue"
            | "sent_back"
            | "finished"
            | "mentioned"
            | "report_ready"
            | "password_changed"
            | "new_device_sign_in"
            | "account_locked"
    );
    let push = !matches!(kind, "delegation_ended" | "report_ready");
    Channels { email, push }
}

/// One person's preferences, defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Prefs {
    pub events: std::collections::BTreeMap<String, Channels>,
    pub quiet: Option<(NaiveTime, NaiveTime)>,
    pub digest: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            events: Default::default(),
            quiet: None,
            digest: true,
        }
    }
}

impl Prefs {
    /// From a stored row (or the defaults without one).
    pub fn from_row(row: Option<&notify_pref::Model>) -> Prefs {
        let Some(r) = row else {
            return Prefs::default();
        };
        let events = serde_json::from_value(r.events.clone()).unwrap_or_default();
        let quiet = match (r.quiet_start.as_deref(), r.quiet_end.as_deref()) {
            (Some(s), Some(e)) => parse_hm(s).zip(parse_hm(e)),
            _ => None,
        };
        Prefs {
            events,
            quiet,
            digest: r.digest,
        }
    }

    /// The channels of `kind`.
    pub fn channels(&self, kind: &str) -> Channels {
        self.events
            .get(kind)
            .copied()
            .unwrap_or_else(|| default_channels(kind))
    }

    /// When a message of `kind` created at `now` may go out: now, or the end of the quiet hours
    /// (local time in `tz`) when `now` falls inside them. Account events never wait.
    pub fn send_at(&self, kind: &str, now: DateTime<Utc>, tz: chrono_tz::Tz) -> DateTime<Utc> {
        match self.quiet {
            Some((start, end)) if !is_security(kind) => quiet_until(now, tz, start, end),
            _ => now,
        }
    }
}

/// `HH:MM` → a time.
pub fn parse_hm(s: &str) -> Option<NaiveTime> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// The end of the quiet period `now` falls in, or `now` when outside one. `start > end` spans
/// midnight (22:00–08:00); `start == end` is no quiet period.
pub fn quiet_until(
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
    start: NaiveTime,
    end: NaiveTime,
) -> DateTime<Utc> {
    if start == end {
        return now;
    }
    let local = now.with_timezone(&tz);
    let t = local.time();
    let today = local.date_naive();
    let end_day = if start < end {
        if t >= start && t < end {
            today
        } else {
            return now;
        }
    } else if t >= start {
        today + Duration::days(1)
    } else if t < end {
        today
    } else {
        return now;
    };
    tz.from_local_datetime(&end_day.and_time(end))
        .earliest()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or(now)
}

/// One event kind's channels as the API shows them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventChannels {
    pub kind: String,
    pub email: bool,
    pub push: bool,
}

/// Quiet hours, local `HH:MM`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuietHours {
    pub start: String,
    pub end: String,
}

/// My notification settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotifySettings {
    /// Every event kind, in display order; in-app notifications are always on.
    pub events: Vec<EventChannels>,
    /// Outside account events, mail and push wait until these end.
    pub quiet_hours: Option<QuietHours>,
    /// The digest of pending items on working days.
    pub digest: bool,
    /// Where mail goes (the profile's address); none: mail cannot reach me.
    pub email_address: Option<String>,
    /// Browsers subscribed to push.
    pub push_devices: u64,
}

/// Changes to my notification settings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifySettingsInput {
    /// Kinds to change; kinds left out keep their setting.
    #[serde(default)]
    pub events: Vec<EventChannels>,
    pub quiet_hours: Option<QuietHours>,
    pub digest: bool,
}

/// The stored preferences of `users` (defaults for those without a row).
pub async fn load_many<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    users: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Prefs>, sea_orm::DbErr> {
    let rows = notify_pref::Entity::find()
        .filter(notify_pref::Column::TenantId.eq(tenant))
        .filter(notify_pref::Column::UserId.is_in(users.iter().copied()))
        .all(db)
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.user_id, Prefs::from_row(Some(r))))
        .collect())
}

async fn settings_of(app: &App, p: &crate::auth::extract::Principal) -> AppResult<NotifySettings> {
    let row = notify_pref::Entity::find_by_id((p.tenant_id, p.user_id))
        .one(&app.db)
        .await?;
    let prefs = Prefs::from_row(row.as_ref());
    let push_devices = push_subscription::Entity::find()
        .filter(push_subscription::Column::TenantId.eq(p.tenant_id))
        .filter(push_subscription::Column::UserId.eq(p.user_id))
        .count(&app.db)
        .await?;
    Ok(NotifySettings {
        events: KINDS
            .iter()
            .map(|k| {
                let c = prefs.channels(k);
                EventChannels {
                    kind: k.to_string(),
                    email: c.email,
                    push: c.push,
                }
            })
            .collect(),
        quiet_hours: prefs.quiet.map(|(s, e)| QuietHours {
            start: s.format("%H:%M").to_string(),
            end: e.format("%H:%M").to_string(),
        }),
        digest: prefs.digest,
        email_address: p.user.email.clone().filter(|e| !e.trim().is_empty()),
        push_devices,
    })
}

/// My notification settings: channels per event kind, quiet hours, digest.
#[utoipa::path(get, path = "/api/v1/me/notification-settings", tag = "me", operation_id = "get_my_notification_settings",
    responses((status = 200, body = NotifySettings)))]
pub(super) async fn get_settings(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<NotifySettings>> {
    Ok(axum::Json(settings_of(&app, &p).await?))
}

fn bad_time(field: &str) -> FieldError {
    FieldError::new(
        field,
        "notify.bad_time",
        Text::fixed("时间须为 HH:MM，如 22:00", "Use HH:MM, e.g. 22:00"),
    )
}

/// Changes my notification settings.
#[utoipa::path(put, path = "/api/v1/me/notification-settings", tag = "me", operation_id = "put_my_notification_settings",
    request_body = NotifySettingsInput,
    responses((status = 200, body = NotifySettings), (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(super) async fn put_settings(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Json(input): Json<NotifySettingsInput>,
) -> AppResult<axum::Json<NotifySettings>> {
    let mut errors = Vec::new();
    for (i, e) in input.events.iter().enumerate() {
        if !KINDS.contains(&e.kind.as_str()) {
            errors.push(FieldError::new(
                format!("events[{i}].kind"),
                "notify.unknown_kind",
                Text::owned(
                    format!("没有这种通知：{}", e.kind),
                    format!("No such notification kind: {}", e.kind),
                ),
            ));
        }
    }
    let quiet = match &input.quiet_hours {
        None => None,
        Some(q) => match (parse_hm(&q.start), parse_hm(&q.end)) {
            (Some(s), Some(e)) if s != e => Some((s, e)),
            (Some(_), Some(_)) => {
                errors.push(FieldError::new(
                    "quiet_hours.end",
                    "notify.empty_quiet_hours",
                    Text::fixed("开始和结束不能相同", "Start and end must differ"),
                ));
                None
            }
            (s, e) => {
                if s.is_none() {
                    errors.push(bad_time("quiet_hours.start"));
                }
                if e.is_none() {
                    errors.push(bad_time("quiet_hours.end"));
                }
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let txn = app.db.begin().await?;
    let row = notify_pref::Entity::find_by_id((p.tenant_id, p.user_id))
        .one(&txn)
        .await?;
    let mut prefs = Prefs::from_row(row.as_ref());
    for e in &input.events {
        let c = Channels {
            email: e.email,
            push: e.push,
        };
        if c == default_channels(&e.kind) {
            prefs.events.remove(&e.kind);
        } else {
            prefs.events.insert(e.kind.clone(), c);
        }
    }
    prefs.quiet = quiet;
    prefs.digest = input.digest;
    let hm = |t: NaiveTime| t.format("%H:%M").to_string();
    notify_pref::Entity::insert(notify_pref::ActiveModel {
        tenant_id: Set(p.tenant_id),
        user_id: Set(p.user_id),
        events: Set(serde_json::to_value(&prefs.events).map_err(AppError::internal)?),
        quiet_start: Set(prefs.quiet.map(|q| hm(q.0))),
        quiet_end: Set(prefs.quiet.map(|q| hm(q.1))),
        digest: Set(prefs.digest),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([notify_pref::Column::TenantId, notify_pref::Column::UserId])
            .update_columns([
                notify_pref::Column::Events,
                notify_pref::Column::QuietStart,
                notify_pref::Column::QuietEnd,
                notify_pref::Column::Digest,
                notify_pref::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let off: Vec<String> = KINDS
        .iter()
        .filter(|k| prefs.channels(k) != default_channels(k))
        .map(|k| k.to_string())
        .collect();
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "notify.settings_changed",
            "user",
            Some(p.user_id),
            format!(
                "修改通知设置：免打扰 {}，汇总 {}，与默认不同的 {}",
                prefs
                    .quiet
                    .map(|(s, e)| format!("{}–{}", hm(s), hm(e)))
                    .unwrap_or_else(|| "关".into()),
                if prefs.digest { "开" } else { "关" },
                if off.is_empty() {
                    "无".to_string()
                } else {
                    off.join("、")
                }
            ),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(settings_of(&app, &p).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn quiet_hours_over_midnight_hold_until_the_morning() {
        let tz = chrono_tz::Asia::Shanghai;
        let (s, e) = (parse_hm("22:00").unwrap(), parse_hm("08:00").unwrap());
        // 23:30 Shanghai → 08:00 next day
        assert_eq!(
            quiet_until(at("2026-12-07T15:30:00Z"), tz, s, e),
            at("2026-12-08T00:00:00Z")
        );
        // 06:00 Shanghai → 08:00 the same day
        assert_eq!(
            quiet_until(at("2026-12-07T22:00:00Z"), tz, s, e),
            at("2026-12-08T00:00:00Z")
        );
        // 12:00 Shanghai → now
        let noon = at("2026-12-07T04:00:00Z");
        assert_eq!(quiet_until(noon, tz, s, e), noon);
    }

    #[test]
    fn quiet_hours_within_a_day_and_account_events_never_wait() {
        let tz = chrono_tz::Asia::Shanghai;
        let p = Prefs {
            quiet: Some((parse_hm("12:00").unwrap(), parse_hm("13:30").unwrap())),
            ..Prefs::default()
        };
        let lunch = at("2026-12-07T04:15:00Z"); // 12:15
        assert_eq!(p.send_at("urged", lunch, tz), at("2026-12-07T05:30:00Z"));
        assert_eq!(p.send_at("account_locked", lunch, tz), lunch);
        let after = at("2026-12-07T05:30:00Z");
        assert_eq!(p.send_at("urged", after, tz), after);
    }

    #[test]
    fn times_parse_strictly() {
        assert!(parse_hm("8:30").is_some());
        assert!(parse_hm("08:30").is_some());
        for bad in ["", "24:00", "08:60", "0830", "08:3", "aa:bb", "123:00"] {
            assert!(parse_hm(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn defaults_push_action_and_mail_what_matters() {
        assert!(default_channels("task_assigned").push);
        assert!(!default_channels("task_assigned").email);
        assert!(default_channels("account_locked").email);
        assert!(!default_channels("report_ready").push);
    }
}
