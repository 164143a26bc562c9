//! The digest of pending items: at the tenant's times (08:30 and 13:30 by default) on working
//! days, everyone with open tasks who wants it is mailed (and pushed) the list — R5's "log in
//! twice a day" becomes "you are told twice a day".
//!
//! One `notify.digest` job per tenant and slot (dedupe key `notify.digest:<local slot>`); when
//! it runs it enqueues one mail and one push per person (dedupe per slot and person) and the
//! next slot's job.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use uuid::Uuid;

use super::admin::DigestConfig;
use super::outbound::{KIND_EMAIL, KIND_PUSH, lang_of};
use super::{mail, prefs, push};
use crate::app::App;
use crate::entities::{flow_task, job, push_subscription, tenant, user};
use crate::error::AppResult;
use crate::jobs::{self, JobFailure, NewJob};

/// The digest job of one tenant and slot.
pub const KIND: &str = "notify.digest";

/// Tasks listed in one digest (the rest are counted).
const LISTED: usize = 10;

fn slot_key(slot: NaiveDateTime) -> String {
    slot.format("%Y-%m-%dT%H:%M").to_string()
}

/// The first configured time after `after` on a working day, as (local slot, instant).
pub fn next_slot(
    after: DateTime<Utc>,
    cfg: &DigestConfig,
    calendar: &xietong_calendar::WorkingCalendar,
    tz: chrono_tz::Tz,
) -> Option<(NaiveDateTime, DateTime<Utc>)> {
    let mut times: Vec<_> = cfg
        .times
        .iter()
        .filter_map(|t| prefs::parse_hm(t))
        .collect();
    times.sort();
    if !cfg.enabled || times.is_empty() {
        return None;
    }
    let mut day = after.with_timezone(&tz).date_naive();
    // a year has working days; a calendar without any is misconfigured
    for _ in 0..370 {
        if calendar.is_working_day(day) {
            for t in &times {
                let local = day.and_time(*t);
                if let Some(at) = tz.from_local_datetime(&local).earliest()
                    && at.with_timezone(&Utc) > after
                {
                    return Some((local, at.with_timezone(&Utc)));
                }
            }
        }
        day += Duration::days(1);
    }
    None
}

/// Replaces the tenant's pending digest job with one for the next slot under `cfg` (none when
/// the digest is off).
pub async fn schedule_next(app: &App, tenant: Uuid, cfg: &DigestConfig) -> AppResult<()> {
    let dir = app.directory(tenant).await?;
    let txn = app.db.begin().await?;
    // deleted, not cancelled: a slot given up now may be wanted again (its dedupe key free)
    job::Entity::delete_many()
        .filter(job::Column::TenantId.eq(tenant))
        .filter(job::Column::Kind.eq(KIND))
        .filter(job::Column::State.eq("pending"))
        .exec(&txn)
        .await?;
    if let Some((slot, at)) = next_slot(Utc::now(), cfg, &dir.calendar, dir.time_zone) {
        jobs::enqueue(&txn, slot_job(tenant, slot, at)).await?;
    }
    txn.commit().await?;
    Ok(())
}

fn slot_job(tenant: Uuid, slot: NaiveDateTime, at: DateTime<Utc>) -> NewJob {
    NewJob::new(tenant, KIND, serde_json::json!({ "slot": slot_key(slot) }))
        .at(at)
        .dedupe(format!("{KIND}:{}", slot_key(slot)))
}

/// Makes sure every tenant whose digest is on has its next slot scheduled (at server start).
pub async fn ensure_scheduled(app: &App) -> AppResult<()> {
    let tenants: Vec<Uuid> = tenant::Entity::find()
        .select_only()
        .column(tenant::Column::Id)
        .into_tuple()
        .all(&app.db)
        .await?;
    for t in tenants {
        let pending = job::Entity::find()
            .filter(job::Column::TenantId.eq(t))
            .filter(job::Column::Kind.eq(KIND))
            .filter(job::Column::State.is_in(["pending", "running"]))
            .one(&app.db)
            .await?;
        if pending.is_none() {
            let cfg = super::admin::load(&app.db, t).await?.digest;
            let dir = app.directory(t).await?;
            if let Some((slot, at)) = next_slot(Utc::now(), &cfg, &dir.calendar, dir.time_zone) {
                jobs::enqueue(&app.db, slot_job(t, slot, at)).await?;
            }
        }
    }
    Ok(())
}

/// Someone's open tasks, oldest first: (instance, node name, overdue).
async fn open_tasks(
    app: &App,
    tenant: Uuid,
    user: Uuid,
) -> Result<Vec<flow_task::Model>, sea_orm::DbErr> {
    flow_task::Entity::find()
        .filter(flow_task::Column::TenantId.eq(tenant))
        .filter(flow_task::Column::AssigneeId.eq(user))
        .filter(flow_task::Column::State.eq("open"))
        .order_by_asc(flow_task::Column::OpenedAt)
        .all(&app.db)
        .await
}

/// `notify.digest`: enqueues this slot's mails and pushes, then the next slot.
pub async fn run(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    let tenant = j.tenant_id;
    let slot = j
        .payload
        .get("slot")
        .and_then(|s| s.as_str())
        .unwrap_or_default()
        .to_string();
    let setup = super::admin::load(&app.db, tenant).await?;
    let cfg = setup.digest.clone();
    let still_a_slot = cfg.enabled && cfg.times.iter().any(|t| slot.ends_with(&format!("T{t}")));
    if still_a_slot {
        // who has open tasks
        let holders: Vec<Uuid> = flow_task::Entity::find()
            .select_only()
            .column(flow_task::Column::AssigneeId)
            .distinct()
            .filter(flow_task::Column::TenantId.eq(tenant))
            .filter(flow_task::Column::State.eq("open"))
            .into_tuple()
            .all(&app.db)
            .await?;
        let users = user::Entity::find()
            .filter(user::Column::TenantId.eq(tenant))
            .filter(user::Column::Id.is_in(holders.iter().copied()))
            .filter(user::Column::Status.eq("active"))
            .all(&app.db)
            .await?;
        let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
        let prefs = prefs::load_many(&app.db, tenant, &ids).await?;
        let subs = push::subscriptions_of(&app.db, tenant, &ids).await?;
        let tz = app
            .time_zone(tenant)
            .await
            .unwrap_or(chrono_tz::Asia::Shanghai);
        let now = Utc::now();
        let default = prefs::Prefs::default();
        let mut out = Vec::new();
        for u in &users {
            let p = prefs.get(&u.id).unwrap_or(&default);
            if !p.digest {
                continue;
            }
            let at = p.send_at("digest", now, tz);
            let payload = serde_json::json!({ "digest": slot, "user": u.id });
            if setup.mail.enabled && u.email.as_deref().is_some_and(|e| !e.trim().is_empty()) {
                out.push(
                    NewJob::new(tenant, KIND_EMAIL, payload.clone())
                        .at(at)
                        .dedupe(format!("{KIND}:{slot}:{}:email", u.id)),
                );
            }
            for s in subs.iter().filter(|s| s.user_id == u.id) {
                let mut payload = payload.clone();
                payload["subscription"] = serde_json::json!(s.id);
                out.push(
                    NewJob::new(tenant, KIND_PUSH, payload)
                        .at(at)
                        .dedupe(format!("{KIND}:{slot}:{}:push:{}", u.id, s.id)),
                );
            }
        }
        let txn = app.db.begin().await?;
        for nj in out {
            jobs::enqueue(&txn, nj).await?;
        }
        txn.commit().await?;
        app.wake_jobs();
    }
    // the next slot, after this one (not after now: a late run must not skip a day's second)
    let dir = app
        .directory(tenant)
        .await
        .map_err(|e| JobFailure::retry(e.code))?;
    let this = NaiveDateTime::parse_from_str(&slot, "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|s| dir.time_zone.from_local_datetime(&s).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(j.run_at)
        .max(j.run_at);
    if let Some((slot, at)) = next_slot(this, &cfg, &dir.calendar, dir.time_zone) {
        jobs::enqueue(&app.db, slot_job(tenant, slot, at)).await?;
    }
    Ok(())
}

/// The reader of a digest delivery, and their open tasks now.
async fn reader(
    app: &App,
    j: &job::Model,
) -> Result<Option<(user::Model, Vec<flow_task::Model>)>, JobFailure> {
    let uid = jobs::payload_id(j, "user")?;
    let Some(u) = user::Entity::find_by_id(uid)
        .filter(user::Column::TenantId.eq(j.tenant_id))
        .one(&app.db)
        .await?
    else {
        return Ok(None);
    };
    let tasks = open_tasks(app, j.tenant_id, uid).await?;
    if tasks.is_empty() || u.status != "active" {
        return Ok(None); // done meanwhile
    }
    Ok(Some((u, tasks)))
}

/// A digest mail.
pub async fn email(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    let Some((u, tasks)) = reader(app, j).await? else {
        return Ok(());
    };
    let cfg = super::admin::load(&app.db, j.tenant_id).await?.mail;
    let Some(to) = u.email.clone().filter(|e| !e.trim().is_empty()) else {
        return Ok(());
    };
    if !cfg.enabled {
        return Ok(());
    }
    let now = Utc::now();
    let titles = crate::flow::instances::instance_titles(
        &app.db,
        Some(j.tenant_id),
        tasks.iter().map(|t| t.instance_id),
    )
    .await?;
    let overdue = tasks
        .iter()
        .filter(|t| t.due_at.is_some_and(|d| d < now))
        .count();
    let listed: Vec<serde_json::Value> = tasks
        .iter()
        .take(LISTED)
        .map(|t| {
            let (title, serial) = titles.get(&t.instance_id).cloned().unwrap_or_default();
            serde_json::json!({
                "title": if title.is_empty() { serial.unwrap_or_default() } else { title },
                "node": t.node_name,
                "overdue": t.due_at.is_some_and(|d| d < now),
            })
        })
        .collect();
    let lang = lang_of(&u);
    let link = format!("{}/workbench", app.config.public_url());
    let ctx = serde_json::json!({
        "name": u.display_name, "total": tasks.len(), "overdue": overdue,
        "more": tasks.len().saturating_sub(LISTED), "tasks": listed, "link": link,
    });
    let (text, html) = mail::render("digest", lang, &ctx)
        .map_err(|e| JobFailure::permanent(format!("template: {e}")))?;
    let slot = j
        .payload
        .get("digest")
        .and_then(|s| s.as_str())
        .unwrap_or("");
    let subject = match lang {
        crate::i18n::Lang::Zh => format!("[协同] 您有 {} 项待办", tasks.len()),
        crate::i18n::Lang::En => format!("[Xietong] {} pending item(s)", tasks.len()),
    };
    mail::send(
        &cfg,
        mail::Outgoing {
            to,
            to_name: u.display_name.clone(),
            subject,
            text,
            html,
            message_id: Some(format!("digest.{}.{}@xietong", slot.replace(':', ""), u.id)),
        },
    )
    .await
    .map_err(|e| JobFailure {
        message: e.message,
        permanent: e.permanent,
    })
}

/// A digest push.
pub async fn push(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    let sub = jobs::payload_id(j, "subscription")?;
    let Some(s) = push_subscription::Entity::find_by_id(sub)
        .one(&app.db)
        .await?
    else {
        return Ok(());
    };
    let Some((u, tasks)) = reader(app, j).await? else {
        return Ok(());
    };
    let lang = lang_of(&u);
    let n = tasks.len();
    push::send(
        app,
        &s,
        &push::Payload {
            title: lang.pick("待办汇总", "Your pending items").into(),
            body: match lang {
                crate::i18n::Lang::Zh => format!("您有 {n} 项待办"),
                crate::i18n::Lang::En => format!("You have {n} pending item(s)"),
            },
            url: format!("{}/workbench", app.config.public_url()),
            tag: "digest".into(),
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn slots_fall_on_working_days_at_the_configured_times() {
        let cal = xietong_calendar::WorkingCalendar::china_mainland();
        let tz = chrono_tz::Asia::Shanghai;
        let cfg = DigestConfig::default();
        // Monday 2026-12-07 09:00 Shanghai → 13:30 the same day
        let (slot, when) = next_slot(at("2026-12-07T01:00:00Z"), &cfg, &cal, tz).unwrap();
        assert_eq!(slot_key(slot), "2026-12-07T13:30");
        assert_eq!(when, at("2026-12-07T05:30:00Z"));
        // Friday 2026-12-11 14:00 → Monday 08:30
        let (slot, _) = next_slot(at("2026-12-11T06:00:00Z"), &cfg, &cal, tz).unwrap();
        assert_eq!(slot_key(slot), "2026-12-14T08:30");
        // exactly at a slot: the next one
        let (slot, _) = next_slot(at("2026-12-07T00:30:00Z"), &cfg, &cal, tz).unwrap();
        assert_eq!(slot_key(slot), "2026-12-07T13:30");
    }

    #[test]
    fn no_slot_when_the_digest_is_off() {
        let cal = xietong_calendar::WorkingCalendar::china_mainland();
        let cfg = DigestConfig {
            enabled: false,
            times: vec!["08:30".into()],
        };
        assert!(next_slot(Utc::now(), &cfg, &cal, chrono_tz::Asia::Shanghai).is_none());
    }
}
