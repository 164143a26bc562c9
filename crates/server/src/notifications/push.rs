//! Browser Web Push: the server's VAPID key (made once, shared by every node through the
//! database), people's browser subscriptions, and one encrypted push.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use xietong_webpush as wp;

use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::extract::Authenticated;
use crate::entities::{push_subscription, server_key};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::http::extract::Json;
use crate::ids::new_id;
use crate::jobs::JobFailure;

const VAPID: &str = "vapid";

/// The server's VAPID key: read from `server_keys`, made on first use (the first node to
/// insert wins; the others read its key).
pub async fn vapid_key(app: &App) -> Result<wp::VapidKey, sea_orm::DbErr> {
    if let Some(k) = app.vapid.get() {
        return Ok(k.clone());
    }
    let read = |row: Option<server_key::Model>| {
        row.and_then(|r| wp::VapidKey::from_secret_b64url(&r.value).ok())
    };
    let mut key = read(server_key::Entity::find_by_id(VAPID).one(&app.db).await?);
    if key.is_none() {
        let fresh = wp::VapidKey::generate();
        server_key::Entity::insert(server_key::ActiveModel {
            name: Set(VAPID.into()),
            value: Set(fresh.secret_b64url()),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::column(server_key::Column::Name)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&app.db)
        .await?;
        key = read(server_key::Entity::find_by_id(VAPID).one(&app.db).await?);
    }
    let key = key.ok_or_else(|| sea_orm::DbErr::Custom("VAPID key unreadable".into()))?;
    let _ = app.vapid.set(key.clone());
    Ok(key)
}

/// The browsers of `users` subscribed to push (one query).
pub async fn subscriptions_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    users: &[Uuid],
) -> Result<Vec<push_subscription::Model>, sea_orm::DbErr> {
    push_subscription::Entity::find()
        .filter(push_subscription::Column::TenantId.eq(tenant))
        .filter(push_subscription::Column::UserId.is_in(users.iter().copied()))
        .all(db)
        .await
}

/// What the service worker shows.
#[derive(Debug, Serialize)]
pub struct Payload {
    pub title: String,
    pub body: String,
    pub url: String,
    pub tag: String,
}

/// Sends one push; a subscription the push service says is gone (404, 410) is removed.
pub async fn send(app: &App, s: &push_subscription::Model, p: &Payload) -> Result<(), JobFailure> {
    let key = vapid_key(app).await?;
    let body = serde_json::to_vec(p).map_err(|e| JobFailure::permanent(e.to_string()))?;
    let req = wp::build_request(
        &key,
        &wp::Subscription {
            endpoint: s.endpoint.clone(),
            p256dh: s.p256dh.clone(),
            auth: s.auth.clone(),
        },
        &body,
        24 * 3600,
        "normal",
        &app.config.push_contact(),
        Utc::now().timestamp(),
    )
    .map_err(|e| JobFailure::permanent(format!("push: {e}")))?;
    let mut rb = super::outbound::http().post(&req.endpoint).body(req.body);
    for (k, v) in &req.headers {
        rb = rb.header(k, v);
    }
    let res = rb
        .send()
        .await
        .map_err(|e| JobFailure::retry(format!("push service: {e}")))?;
    let status = res.status().as_u16();
    match status {
        200..=299 => Ok(()),
        404 | 410 => {
            push_subscription::Entity::delete_by_id(s.id)
                .exec(&app.db)
                .await?;
            Ok(())
        }
        429 | 500..=599 => Err(JobFailure::retry(format!(
            "push service answered {status}: {}",
            res.text().await.unwrap_or_default()
        ))),
        _ => Err(JobFailure::permanent(format!(
            "push service answered {status}: {}",
            res.text().await.unwrap_or_default()
        ))),
    }
}

/// The key browsers subscribe with.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushPublicKey {
    /// The VAPID public key, base64url (the `applicationServerKey`).
    pub public_key: String,
}

/// The server's VAPID public key.
#[utoipa::path(get, path = "/api/v1/push/public-key", tag = "me",
    responses((status = 200, body = PushPublicKey)))]
pub(super) async fn public_key(
    State(app): State<App>,
    Authenticated(_p): Authenticated,
) -> AppResult<axum::Json<PushPublicKey>> {
    Ok(axum::Json(PushPublicKey {
        public_key: vapid_key(&app).await?.public_key_b64url(),
    }))
}

/// A browser subscribed to my push messages.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushDevice {
    pub id: Uuid,
    pub user_agent: Option<String>,
    /// The push service's host (which browser vendor carries it).
    pub endpoint_host: String,
    pub created_at: chrono::DateTime<Utc>,
}

fn host_of(endpoint: &str) -> String {
    endpoint
        .parse::<axum::http::Uri>()
        .ok()
        .and_then(|u| u.host().map(str::to_string))
        .unwrap_or_default()
}

impl From<push_subscription::Model> for PushDevice {
    fn from(m: push_subscription::Model) -> Self {
        PushDevice {
            id: m.id,
            user_agent: m.user_agent,
            endpoint_host: host_of(&m.endpoint),
            created_at: m.created_at,
        }
    }
}

/// The browser's keys.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PushKeys {
    pub p256dh: String,
    pub auth: String,
}

/// A subscription as `PushSubscription.toJSON()` gives it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PushSubscriptionInput {
    pub endpoint: String,
    pub keys: PushKeys,
    #[serde(default)]
    pub user_agent: Option<String>,
    /// Ignored (browsers send it).
    #[serde(default, rename = "expirationTime")]
    #[schema(value_type = Option<f64>)]
    pub expiration_time: Option<serde_json::Value>,
}

/// The browsers subscribed to my push messages.
#[utoipa::path(get, path = "/api/v1/push/subscriptions", tag = "me",
    responses((status = 200, body = Vec<PushDevice>)))]
pub(super) async fn list(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<Vec<PushDevice>>> {
    let rows = push_subscription::Entity::find()
        .filter(push_subscription::Column::TenantId.eq(p.tenant_id))
        .filter(push_subscription::Column::UserId.eq(p.user_id))
        .order_by_asc(push_subscription::Column::CreatedAt)
        .all(&app.db)
        .await?;
    Ok(axum::Json(rows.into_iter().map(Into::into).collect()))
}

/// Subscribes this browser to my push messages (the same endpoint again: the same device, its
/// keys renewed).
#[utoipa::path(post, path = "/api/v1/push/subscriptions", tag = "me",
    request_body = PushSubscriptionInput,
    responses((status = 201, body = PushDevice), (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(super) async fn subscribe(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Json(input): Json<PushSubscriptionInput>,
) -> AppResult<(StatusCode, axum::Json<PushDevice>)> {
    let endpoint = input.endpoint.trim().to_string();
    let mut errors = Vec::new();
    let ok_endpoint = endpoint.len() <= 2000
        && endpoint.parse::<axum::http::Uri>().ok().is_some_and(|u| {
            matches!(u.scheme_str(), Some("https" | "http")) && u.host().is_some()
        });
    if !ok_endpoint {
        errors.push(FieldError::new(
            "endpoint",
            "push.bad_endpoint",
            Text::fixed("推送地址无效", "The push endpoint is not a valid URL"),
        ));
    }
    // the keys must make a message: try one
    if ok_endpoint && wp::encrypt(b"{}", &input.keys.p256dh, &input.keys.auth).is_err() {
        errors.push(FieldError::new(
            "keys",
            "push.bad_keys",
            Text::fixed("浏览器推送密钥无效", "The browser's push keys are invalid"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let ua = input
        .user_agent
        .or_else(|| p.ctx.user_agent.clone())
        .map(|u| u.chars().take(250).collect::<String>());
    let txn = app.db.begin().await?;
    // one row per endpoint: a browser handed to someone else moves to them
    push_subscription::Entity::delete_many()
        .filter(push_subscription::Column::Endpoint.eq(endpoint.clone()))
        .exec(&txn)
        .await?;
    let row = push_subscription::Model {
        id: new_id(),
        tenant_id: p.tenant_id,
        user_id: p.user_id,
        endpoint,
        p256dh: input.keys.p256dh.trim().to_string(),
        auth: input.keys.auth.trim().to_string(),
        user_agent: ua,
        created_at: Utc::now(),
    };
    push_subscription::Entity::insert(push_subscription::ActiveModel::from(row.clone()))
        .exec_without_returning(&txn)
        .await?;
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "push.subscribed",
            "push_subscription",
            Some(row.id),
            format!("在浏览器开启推送（{}）", host_of(&row.endpoint)),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(row.into())))
}

/// Stops push to one of my browsers.
#[utoipa::path(delete, path = "/api/v1/push/subscriptions/{id}", tag = "me",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub(super) async fn unsubscribe(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    let txn = app.db.begin().await?;
    let res = push_subscription::Entity::delete_many()
        .filter(push_subscription::Column::Id.eq(id))
        .filter(push_subscription::Column::TenantId.eq(p.tenant_id))
        .filter(push_subscription::Column::UserId.eq(p.user_id))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(AppError::not_found(
            "push.not_found",
            Text::fixed("没有这个推送设备", "No such push device"),
        ));
    }
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "push.unsubscribed",
            "push_subscription",
            Some(id),
            "关闭浏览器推送".to_string(),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many browsers a test went to.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushTestResult {
    pub sent: u32,
}

/// Sends a test push to each of my browsers now.
#[utoipa::path(post, path = "/api/v1/push/test", tag = "me",
    responses((status = 200, body = PushTestResult), (status = 422, body = crate::error::ErrorBody)))]
pub(super) async fn test(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<PushTestResult>> {
    let subs = push_subscription::Entity::find()
        .filter(push_subscription::Column::TenantId.eq(p.tenant_id))
        .filter(push_subscription::Column::UserId.eq(p.user_id))
        .all(&app.db)
        .await?;
    let lang = super::outbound::lang_of(&p.user);
    let mut sent = 0;
    let mut last_error = None;
    for s in &subs {
        let r = send(
            &app,
            s,
            &Payload {
                title: lang.pick("协同", "Xietong").into(),
                body: lang
                    .pick(
                        "推送已开启：有事会在这里告诉您",
                        "Push works: you will be told here",
                    )
                    .into(),
                url: format!("{}/notifications", app.config.public_url()),
                tag: "test".into(),
            },
        )
        .await;
        match r {
            Ok(()) => sent += 1,
            Err(e) => last_error = Some(e.message),
        }
    }
    if sent == 0
        && let Some(e) = last_error
    {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "notify.delivery_failed",
            Text::owned(format!("推送失败：{e}"), format!("Push failed: {e}")),
        ));
    }
    Ok(axum::Json(PushTestResult { sent }))
}
