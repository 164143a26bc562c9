//! Getting notices out of the building: every in-app notice written also enqueues one
//! `notify.dispatch` job (in the same transaction), which reads each reader's preferences and
//! the tenant's channels and enqueues one delivery job per message — `notify.email`,
//! `notify.push`, `notify.channel` — each with a dedupe key naming the notice and the target,
//! so dispatching twice never sends twice. Deliveries are ordinary jobs: retried with backoff,
//! and after the last attempt kept as failed jobs (dead letters) with the error for
//! administrators to see and retry.

use std::sync::OnceLock;
use std::time::Duration;

use chrono::Utc;
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, Statement, TransactionTrait};
use uuid::Uuid;

use super::message::{self, Message};
use super::{NoticeView, mail, prefs, push, robots};
use crate::app::App;
use crate::entities::{job, notification, notify_channel, push_subscription, user};
use crate::i18n::Lang;
use crate::jobs::{self, JobFailure, NewJob, payload_id};

/// Reads a batch of new notices and enqueues their deliveries.
pub const KIND_DISPATCH: &str = "notify.dispatch";
/// One mail (a notice or a digest) to one person.
pub const KIND_EMAIL: &str = "notify.email";
/// One push message to one browser.
pub const KIND_PUSH: &str = "notify.push";
/// One message to one group robot or webhook.
pub const KIND_CHANNEL: &str = "notify.channel";

/// Attempts before a delivery becomes a dead letter (backoff 10 s doubling: about 20 minutes).
const DELIVERY_ATTEMPTS: i32 = 8;

/// The dispatch job of freshly written notices, to ride in their transaction.
pub fn dispatch_statement(backend: DbBackend, tenant: Uuid, ids: &[Uuid]) -> Statement {
    jobs::enqueue_statement(
        backend,
        &NewJob::new(tenant, KIND_DISPATCH, serde_json::json!({ "ids": ids })),
    )
}

/// The HTTP client of robots, webhooks and push services: short timeouts, no redirects (a
/// webhook that moved must be edited, not followed).
pub fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Xietong/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("HTTP client")
    })
}

pub(crate) fn lang_of(u: &user::Model) -> Lang {
    if u.locale.starts_with("en") {
        Lang::En
    } else {
        Lang::Zh
    }
}

fn channel_wants(c: &notify_channel::Model, kind: &str) -> bool {
    let events: Vec<String> = serde_json::from_value(c.events.clone()).unwrap_or_default();
    if events.is_empty() {
        !prefs::is_security(kind)
    } else {
        events.iter().any(|e| e == kind)
    }
}

/// `notify.dispatch`: one delivery job per (notice, channel, target) the readers want.
pub async fn dispatch(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    let ids: Vec<Uuid> = j
        .payload
        .get("ids")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .ok_or_else(|| JobFailure::permanent("bad payload: ids"))?;
    let tenant = j.tenant_id;
    let rows = notification::Entity::find()
        .filter(notification::Column::TenantId.eq(tenant))
        .filter(notification::Column::Id.is_in(ids))
        .all(&app.db)
        .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut readers: Vec<Uuid> = rows.iter().map(|r| r.user_id).collect();
    readers.sort();
    readers.dedup();
    let users: std::collections::HashMap<Uuid, user::Model> = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant))
        .filter(user::Column::Id.is_in(readers.iter().copied()))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let prefs = prefs::load_many(&app.db, tenant, &readers).await?;
    let setup = super::admin::load(&app.db, tenant).await?;
    let channels = notify_channel::Entity::find()
        .filter(notify_channel::Column::TenantId.eq(tenant))
        .filter(notify_channel::Column::Enabled.eq(true))
        .all(&app.db)
        .await?;
    let subs = push::subscriptions_of(&app.db, tenant, &readers).await?;
    let tz = app
        .time_zone(tenant)
        .await
        .unwrap_or(chrono_tz::Asia::Shanghai);
    let now = Utc::now();
    let default = prefs::Prefs::default();
    let mut out = Vec::new();
    for n in &rows {
        let Some(u) = users.get(&n.user_id) else {
            continue;
        };
        let p = prefs.get(&n.user_id).unwrap_or(&default);
        let ch = p.channels(&n.kind);
        let at = p.send_at(&n.kind, now, tz);
        let active = u.status == "active" || prefs::is_security(&n.kind);
        let payload = |extra: serde_json::Value| {
            let mut v = serde_json::json!({ "notice": n.id });
            if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
                o.extend(e.clone());
            }
            v
        };
        if active
            && ch.email
            && setup.mail.enabled
            && u.email.as_deref().is_some_and(|e| !e.trim().is_empty())
        {
            out.push(
                NewJob::new(tenant, KIND_EMAIL, payload(serde_json::json!({})))
                    .at(at)
                    .dedupe(format!("{KIND_EMAIL}:{}", n.id)),
            );
        }
        if active && ch.push {
            for s in subs.iter().filter(|s| s.user_id == n.user_id) {
                out.push(
                    NewJob::new(
                        tenant,
                        KIND_PUSH,
                        payload(serde_json::json!({ "subscription": s.id })),
                    )
                    .at(at)
                    .dedupe(format!("{KIND_PUSH}:{}:{}", n.id, s.id)),
                );
            }
        }
        for c in channels.iter().filter(|c| channel_wants(c, &n.kind)) {
            out.push(
                NewJob::new(
                    tenant,
                    KIND_CHANNEL,
                    payload(serde_json::json!({ "channel": c.id })),
                )
                .dedupe(format!("{KIND_CHANNEL}:{}:{}", n.id, c.id)),
            );
        }
    }
    if out.is_empty() {
        return Ok(());
    }
    let txn = app.db.begin().await?;
    for mut nj in out {
        nj.max_attempts = DELIVERY_ATTEMPTS;
        jobs::enqueue(&txn, nj).await?;
    }
    txn.commit().await?;
    app.wake_jobs();
    Ok(())
}

/// The notice a delivery is about, as its reader sees it, and the reader.
async fn notice_and_reader(
    app: &App,
    j: &job::Model,
) -> Result<Option<(NoticeView, user::Model)>, JobFailure> {
    let id = payload_id(j, "notice")?;
    let Some(row) = notification::Entity::find()
        .filter(notification::Column::TenantId.eq(j.tenant_id))
        .filter(notification::Column::Id.eq(id))
        .one(&app.db)
        .await?
    else {
        return Ok(None);
    };
    let Some(u) = user::Entity::find_by_id(row.user_id).one(&app.db).await? else {
        return Ok(None);
    };
    let view = super::views(&app.db, vec![row])
        .await?
        .pop()
        .ok_or_else(|| JobFailure::permanent("notice vanished"))?;
    Ok(Some((view, u)))
}

/// `notify.email`: one notice (or digest) to one reader.
pub async fn email(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    if j.payload.get("digest").is_some() {
        return super::digest::email(app, j).await;
    }
    let Some((n, u)) = notice_and_reader(app, j).await? else {
        return Ok(());
    };
    let cfg = super::admin::load(&app.db, j.tenant_id).await?.mail;
    let Some(to) = u.email.clone().filter(|e| !e.trim().is_empty()) else {
        return Ok(()); // the address was removed meanwhile
    };
    if !cfg.enabled {
        return Ok(()); // mail was switched off meanwhile
    }
    let lang = lang_of(&u);
    let m = message::render(&n, lang, &app.config.public_url());
    let ctx = serde_json::json!({ "name": u.display_name, "text": m.text, "link": m.link });
    let (text, html) = mail::render("notice", lang, &ctx)
        .map_err(|e| JobFailure::permanent(format!("template: {e}")))?;
    mail::send(
        &cfg,
        mail::Outgoing {
            to,
            to_name: u.display_name.clone(),
            subject: format!("[{}] {}", lang.pick("协同", "Xietong"), m.text),
            text,
            html,
            message_id: Some(format!("{}.{}@xietong", n.id, KIND_EMAIL)),
        },
    )
    .await
    .map_err(|e| JobFailure {
        message: e.message,
        permanent: e.permanent,
    })
}

/// `notify.push`: one notice to one browser.
pub async fn push_job(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    if j.payload.get("digest").is_some() {
        return super::digest::push(app, j).await;
    }
    let sub = payload_id(j, "subscription")?;
    let Some(s) = push_subscription::Entity::find_by_id(sub)
        .one(&app.db)
        .await?
    else {
        return Ok(()); // unsubscribed meanwhile
    };
    let Some((n, u)) = notice_and_reader(app, j).await? else {
        return Ok(());
    };
    let m = message::render(&n, lang_of(&u), &app.config.public_url());
    push::send(
        app,
        &s,
        &push::Payload {
            title: m.headline,
            body: m.text,
            url: m.link,
            tag: n.instance_id.map(|i| i.to_string()).unwrap_or(n.kind),
        },
    )
    .await
}

/// Sends one message to a group robot or webhook; `Err` carries the platform's answer.
pub async fn send_channel(
    c: &notify_channel::Model,
    m: &Message,
    recipient: &str,
    notice: &NoticeView,
    recipient_id: Uuid,
    delivery: &str,
) -> Result<(), String> {
    let body = robots::WebhookBody {
        delivery: delivery.to_string(),
        event: &m.kind,
        headline: &m.headline,
        text: &m.text,
        link: &m.link,
        tenant: c.tenant_id.to_string(),
        notice,
        recipient: robots::Recipient {
            id: recipient_id,
            name: recipient,
        },
    };
    let req = robots::build(
        &c.kind,
        &c.url,
        c.secret.as_deref(),
        m,
        recipient,
        Some(&body),
        Utc::now().timestamp_millis(),
    )?;
    let mut rb = http().post(&req.url).body(req.body);
    for (k, v) in &req.headers {
        rb = rb.header(k, v);
    }
    let res = rb.send().await.map_err(|e| format!("{}: {e}", c.url))?;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    robots::check_answer(&c.kind, status, &text)
}

/// `notify.channel`: one notice to one group robot or webhook.
pub async fn channel(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    let id = payload_id(j, "channel")?;
    let Some(c) = notify_channel::Entity::find_by_id(id)
        .filter(notify_channel::Column::TenantId.eq(j.tenant_id))
        .one(&app.db)
        .await?
    else {
        return Ok(()); // removed meanwhile
    };
    if !c.enabled {
        return Ok(());
    }
    let Some((n, u)) = notice_and_reader(app, j).await? else {
        return Ok(());
    };
    // group robots speak the tenant's language: Chinese
    let m = message::render(&n, Lang::Zh, &app.config.public_url());
    send_channel(&c, &m, &u.display_name, &n, u.id, &j.id.to_string())
        .await
        .map_err(|e| {
            // 4xx other than rate limits: the URL or secret is wrong; retrying will not help
            if e.starts_with("HTTP 4") && !e.starts_with("HTTP 429") {
                JobFailure::permanent(e)
            } else {
                JobFailure::retry(e)
            }
        })
}
