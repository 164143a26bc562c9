//! What administrators set up: the mail server (with a test mail), the digest times, and the
//! group robots and outgoing webhooks (each with a test message).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::mail::{self, MailConfig};
use super::prefs::{KINDS, parse_hm};
use super::robots;
use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::access::{Authorized, TenantSettings};
use crate::entities::{notify_channel, notify_config};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::http::extract::Json;
use crate::i18n::Lang;
use crate::ids::new_id;

/// The digest: on or off, and at which local times on working days.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct DigestConfig {
    pub enabled: bool,
    /// `HH:MM`, sorted, e.g. `["08:30", "13:30"]`.
    pub times: Vec<String>,
}

impl Default for DigestConfig {
    fn default() -> Self {
        DigestConfig {
            enabled: true,
            times: vec!["08:30".into(), "13:30".into()],
        }
    }
}

/// A tenant's stored notification setup.
#[derive(Debug, Clone, Default)]
pub struct TenantNotify {
    pub mail: MailConfig,
    pub digest: DigestConfig,
}

/// Loads a tenant's setup (the defaults when never saved).
pub async fn load<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
) -> Result<TenantNotify, sea_orm::DbErr> {
    let row = notify_config::Entity::find_by_id(tenant).one(db).await?;
    Ok(match row {
        None => TenantNotify::default(),
        Some(r) => TenantNotify {
            mail: serde_json::from_value(r.mail).unwrap_or_default(),
            digest: serde_json::from_value(r.digest).unwrap_or_default(),
        },
    })
}

/// The mail server as administrators see it (the password never leaves).
#[derive(Debug, Serialize, ToSchema)]
pub struct MailSettingsView {
    pub enabled: bool,
    pub host: String,
    pub port: u16,
    /// `none`, `starttls` or `tls`.
    pub security: String,
    pub username: String,
    pub has_password: bool,
    pub from_address: String,
    pub from_name: String,
}

/// A tenant's notification setup.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotifyAdminSettings {
    pub mail: MailSettingsView,
    pub digest: DigestConfig,
}

/// The mail server as sent by an administrator.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailSettingsInput {
    pub enabled: bool,
    pub host: String,
    pub port: u16,
    pub security: String,
    #[serde(default)]
    pub username: String,
    /// Absent: keep the stored one; empty: no password.
    pub password: Option<String>,
    pub from_address: String,
    #[serde(default)]
    pub from_name: String,
}

/// Changes to a tenant's notification setup.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyAdminSettingsInput {
    pub mail: MailSettingsInput,
    pub digest: DigestConfig,
}

fn view(t: &TenantNotify) -> NotifyAdminSettings {
    let m = &t.mail;
    NotifyAdminSettings {
        mail: MailSettingsView {
            enabled: m.enabled,
            host: m.host.clone(),
            port: m.port,
            security: m.security.clone(),
            username: m.username.clone(),
            has_password: !m.password.is_empty(),
            from_address: m.from_address.clone(),
            from_name: m.from_name.clone(),
        },
        digest: t.digest.clone(),
    }
}

/// The tenant's mail server and digest times.
#[utoipa::path(get, path = "/api/v1/admin/notification-settings", tag = "notify", operation_id = "get_notification_admin_settings",
    responses((status = 200, body = NotifyAdminSettings), (status = 403, body = crate::error::ErrorBody)))]
pub(super) async fn get_settings(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
) -> AppResult<axum::Json<NotifyAdminSettings>> {
    Ok(axum::Json(view(
        &load(&app.db, who.principal.tenant_id).await?,
    )))
}

fn looks_like_address(s: &str) -> bool {
    let s = s.trim();
    s.parse::<lettre::Address>().is_ok()
}

/// Changes the tenant's mail server and digest times.
#[utoipa::path(put, path = "/api/v1/admin/notification-settings", tag = "notify", operation_id = "put_notification_admin_settings",
    request_body = NotifyAdminSettingsInput,
    responses((status = 200, body = NotifyAdminSettings), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(super) async fn put_settings(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
    Json(input): Json<NotifyAdminSettingsInput>,
) -> AppResult<axum::Json<NotifyAdminSettings>> {
    let tenant = who.principal.tenant_id;
    let m = &input.mail;
    let mut errors = Vec::new();
    if !["none", "starttls", "tls"].contains(&m.security.as_str()) {
        errors.push(FieldError::new(
            "mail.security",
            "notify.bad_security",
            Text::fixed(
                "加密方式须为 none、starttls 或 tls",
                "security must be none, starttls or tls",
            ),
        ));
    }
    if m.port == 0 {
        errors.push(FieldError::new(
            "mail.port",
            "notify.bad_port",
            Text::fixed("端口须在 1–65535 之间", "The port must be 1–65535"),
        ));
    }
    let host = m.host.trim();
    if host.len() > 253 || host.contains(char::is_whitespace) || (m.enabled && host.is_empty()) {
        errors.push(FieldError::new(
            "mail.host",
            "notify.bad_host",
            Text::fixed("请填写邮件服务器地址", "Enter the mail server's host name"),
        ));
    }
    if (m.enabled || !m.from_address.trim().is_empty()) && !looks_like_address(&m.from_address) {
        errors.push(FieldError::new(
            "mail.from_address",
            "notify.bad_address",
            Text::fixed(
                "发件地址不是有效的邮箱",
                "The sender is not a valid address",
            ),
        ));
    }
    let mut times = Vec::new();
    for (i, t) in input.digest.times.iter().enumerate() {
        match parse_hm(t) {
            Some(t) => times.push(t.format("%H:%M").to_string()),
            None => errors.push(FieldError::new(
                format!("digest.times[{i}]"),
                "notify.bad_time",
                Text::fixed("时间须为 HH:MM，如 08:30", "Use HH:MM, e.g. 08:30"),
            )),
        }
    }
    times.sort();
    times.dedup();
    if input.digest.enabled && times.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "digest.times",
            "notify.no_times",
            Text::fixed("至少填写一个汇总时间", "Give at least one time"),
        ));
    }
    if times.len() > 6 {
        errors.push(FieldError::new(
            "digest.times",
            "notify.too_many_times",
            Text::fixed("每天最多汇总 6 次", "At most six digests a day"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let txn = app.db.begin().await?;
    let old = load(&txn, tenant).await?;
    let mail = MailConfig {
        enabled: m.enabled,
        host: host.to_string(),
        port: m.port,
        security: m.security.clone(),
        username: m.username.trim().to_string(),
        password: m.password.clone().unwrap_or(old.mail.password.clone()),
        from_address: m.from_address.trim().to_string(),
        from_name: m.from_name.trim().to_string(),
    };
    let digest = DigestConfig {
        enabled: input.digest.enabled,
        times,
    };
    notify_config::Entity::insert(notify_config::ActiveModel {
        tenant_id: Set(tenant),
        mail: Set(serde_json::to_value(&mail).map_err(AppError::internal)?),
        digest: Set(serde_json::to_value(&digest).map_err(AppError::internal)?),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(notify_config::Column::TenantId)
            .update_columns([
                notify_config::Column::Mail,
                notify_config::Column::Digest,
                notify_config::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "notify.settings_changed",
            "tenant",
            Some(tenant),
            format!(
                "修改通知设置：邮件{}（{}:{} {}，发件人 {}{}），待办汇总{}（{}）",
                if mail.enabled { "开" } else { "关" },
                mail.host,
                mail.port,
                mail.security,
                mail.from_address,
                if m.password.is_some() {
                    "，已改密码"
                } else {
                    ""
                },
                if digest.enabled { "开" } else { "关" },
                digest.times.join("、"),
            ),
        ),
    )
    .await?;
    txn.commit().await?;
    let saved = TenantNotify { mail, digest };
    super::digest::schedule_next(&app, tenant, &saved.digest).await?;
    Ok(axum::Json(view(&saved)))
}

/// Where to send a test mail.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestMailInput {
    pub to: String,
}

/// A test that went through.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestResult {
    pub ok: bool,
}

fn delivery_failed(message: String) -> AppError {
    AppError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "notify.delivery_failed",
        Text::owned(
            format!("发送失败：{message}"),
            format!("Sending failed: {message}"),
        ),
    )
    .with_details(serde_json::json!({ "error": message }))
}

/// Sends a test mail through the saved mail server now; the server's answer comes back.
#[utoipa::path(post, path = "/api/v1/admin/notification-settings/test-mail", tag = "notify",
    request_body = TestMailInput,
    responses((status = 200, body = TestResult), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(super) async fn test_mail(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
    Json(input): Json<TestMailInput>,
) -> AppResult<axum::Json<TestResult>> {
    if !looks_like_address(&input.to) {
        return Err(AppError::invalid_field(
            "to",
            "notify.bad_address",
            Text::fixed("收件地址不是有效的邮箱", "Not a valid address"),
        ));
    }
    let cfg = load(&app.db, who.principal.tenant_id).await?.mail;
    if cfg.host.is_empty() || cfg.from_address.is_empty() {
        return Err(AppError::bad_request(
            "notify.mail_not_set",
            Text::fixed(
                "请先保存邮件服务器设置",
                "Save the mail server settings first",
            ),
        ));
    }
    let lang = if who.principal.user.locale.starts_with("en") {
        Lang::En
    } else {
        Lang::Zh
    };
    let ctx =
        serde_json::json!({ "server": format!("{}:{} ({})", cfg.host, cfg.port, cfg.security) });
    let (text, html) = mail::render("test", lang, &ctx).map_err(AppError::internal)?;
    let res = mail::send(
        &cfg,
        mail::Outgoing {
            to: input.to.trim().to_string(),
            to_name: String::new(),
            subject: lang.pick("协同测试邮件", "Xietong test mail").to_string(),
            text,
            html,
            message_id: None,
        },
    )
    .await;
    audit::record(
        &app.db,
        &(&who.principal).into(),
        Change::new(
            "notify.test_mail",
            "tenant",
            Some(who.principal.tenant_id),
            format!(
                "发送测试邮件到 {}：{}",
                input.to.trim(),
                match &res {
                    Ok(()) => "成功".to_string(),
                    Err(e) => format!("失败（{}）", e.message),
                }
            ),
        ),
    )
    .await?;
    res.map_err(|e| delivery_failed(e.message))?;
    Ok(axum::Json(TestResult { ok: true }))
}

/// A group robot or webhook as administrators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotifyChannel {
    pub id: Uuid,
    /// `wecom`, `dingtalk`, `feishu` or `webhook`.
    pub kind: String,
    pub name: String,
    pub url: String,
    pub has_secret: bool,
    /// Event kinds sent; empty: all flow events (account events only when named).
    pub events: Vec<String>,
    pub enabled: bool,
    pub created_at: chrono::DateTime<Utc>,
}

impl From<notify_channel::Model> for NotifyChannel {
    fn from(m: notify_channel::Model) -> Self {
        NotifyChannel {
            id: m.id,
            kind: m.kind,
            name: m.name,
            url: m.url,
            has_secret: m.secret.as_deref().is_some_and(|s| !s.is_empty()),
            events: serde_json::from_value(m.events).unwrap_or_default(),
            enabled: m.enabled,
            created_at: m.created_at,
        }
    }
}

/// A group robot or webhook to save.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyChannelInput {
    pub kind: String,
    pub name: String,
    pub url: String,
    /// Absent: keep (on change) or none; empty: none.
    pub secret: Option<String>,
    #[serde(default)]
    pub events: Vec<String>,
    pub enabled: bool,
}

fn check_channel(input: &NotifyChannelInput) -> AppResult<()> {
    let mut errors = Vec::new();
    if !robots::KINDS.contains(&input.kind.as_str()) {
        errors.push(FieldError::new(
            "kind",
            "notify.bad_channel_kind",
            Text::fixed(
                "类型须为 wecom、dingtalk、feishu 或 webhook",
                "kind must be wecom, dingtalk, feishu or webhook",
            ),
        ));
    }
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        errors.push(FieldError::new(
            "name",
            "notify.bad_name",
            Text::fixed("名称须为 1–50 个字", "The name has 1–50 characters"),
        ));
    }
    let url = input.url.trim();
    let parsed = url.parse::<axum::http::Uri>().ok();
    let ok_url = url.len() <= 2000
        && parsed.is_some_and(|u| {
            matches!(u.scheme_str(), Some("http" | "https"))
                && u.host().is_some_and(|h| !h.is_empty())
        });
    if !ok_url {
        errors.push(FieldError::new(
            "url",
            "notify.bad_url",
            Text::fixed(
                "地址须为 http(s):// 开头的完整网址",
                "The URL must be a full http(s):// address",
            ),
        ));
    }
    if input.kind == "wecom" && input.secret.as_deref().is_some_and(|s| !s.is_empty()) {
        errors.push(FieldError::new(
            "secret",
            "notify.no_secret_for_wecom",
            Text::fixed(
                "企业微信群机器人没有签名密钥（密钥在地址的 key 参数里）",
                "WeCom robots have no signing secret (the key is in the URL)",
            ),
        ));
    }
    if input.secret.as_deref().is_some_and(|s| s.len() > 200) {
        errors.push(FieldError::new(
            "secret",
            "notify.secret_too_long",
            Text::fixed(
                "密钥最多 200 个字符",
                "The secret has at most 200 characters",
            ),
        ));
    }
    for (i, e) in input.events.iter().enumerate() {
        if !KINDS.contains(&e.as_str()) {
            errors.push(FieldError::new(
                format!("events[{i}]"),
                "notify.unknown_kind",
                Text::owned(
                    format!("没有这种通知：{e}"),
                    format!("No such notification kind: {e}"),
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::validation(errors))
    }
}

fn channel_not_found() -> AppError {
    AppError::not_found(
        "notify.channel_not_found",
        Text::fixed("没有这个通知渠道", "No such notification channel"),
    )
}

async fn tenant_channel<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    id: Uuid,
) -> AppResult<notify_channel::Model> {
    notify_channel::Entity::find_by_id(id)
        .filter(notify_channel::Column::TenantId.eq(tenant))
        .one(db)
        .await?
        .ok_or_else(channel_not_found)
}

/// The tenant's group robots and webhooks.
#[utoipa::path(get, path = "/api/v1/admin/notify-channels", tag = "notify",
    responses((status = 200, body = Vec<NotifyChannel>), (status = 403, body = crate::error::ErrorBody)))]
pub(super) async fn list_channels(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
) -> AppResult<axum::Json<Vec<NotifyChannel>>> {
    let rows = notify_channel::Entity::find()
        .filter(notify_channel::Column::TenantId.eq(who.principal.tenant_id))
        .order_by_asc(notify_channel::Column::CreatedAt)
        .all(&app.db)
        .await?;
    Ok(axum::Json(rows.into_iter().map(Into::into).collect()))
}

fn kind_name(kind: &str) -> &'static str {
    match kind {
        "wecom" => "企业微信机器人",
        "dingtalk" => "钉钉机器人",
        "feishu" => "飞书机器人",
        _ => "Webhook",
    }
}

/// Adds a group robot or webhook.
#[utoipa::path(post, path = "/api/v1/admin/notify-channels", tag = "notify",
    request_body = NotifyChannelInput,
    responses((status = 201, body = NotifyChannel), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(super) async fn create_channel(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
    Json(input): Json<NotifyChannelInput>,
) -> AppResult<(StatusCode, axum::Json<NotifyChannel>)> {
    check_channel(&input)?;
    let now = Utc::now();
    let txn = app.db.begin().await?;
    let m = notify_channel::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(who.principal.tenant_id),
        kind: Set(input.kind.clone()),
        name: Set(input.name.trim().to_string()),
        url: Set(input.url.trim().to_string()),
        secret: Set(input.secret.clone().filter(|s| !s.is_empty())),
        events: Set(serde_json::json!(input.events)),
        enabled: Set(input.enabled),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "notify.channel_created",
            "notify_channel",
            Some(m.id),
            format!("添加{}「{}」", kind_name(&m.kind), m.name),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(m.into())))
}

/// Changes a group robot or webhook.
#[utoipa::path(put, path = "/api/v1/admin/notify-channels/{id}", tag = "notify",
    params(("id" = Uuid, Path)), request_body = NotifyChannelInput,
    responses((status = 200, body = NotifyChannel), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(super) async fn update_channel(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
    Path(id): Path<Uuid>,
    Json(input): Json<NotifyChannelInput>,
) -> AppResult<axum::Json<NotifyChannel>> {
    check_channel(&input)?;
    let txn = app.db.begin().await?;
    let old = tenant_channel(&txn, who.principal.tenant_id, id).await?;
    let secret = match &input.secret {
        None if old.kind == input.kind => old.secret.clone(),
        None => None,
        Some(s) if s.is_empty() => None,
        Some(s) => Some(s.clone()),
    };
    let mut a: notify_channel::ActiveModel = old.into();
    a.kind = Set(input.kind.clone());
    a.name = Set(input.name.trim().to_string());
    a.url = Set(input.url.trim().to_string());
    a.secret = Set(secret);
    a.events = Set(serde_json::json!(input.events));
    a.enabled = Set(input.enabled);
    a.updated_at = Set(Utc::now());
    let m = a.update(&txn).await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "notify.channel_updated",
            "notify_channel",
            Some(m.id),
            format!(
                "修改{}「{}」（{}）",
                kind_name(&m.kind),
                m.name,
                if m.enabled { "启用" } else { "停用" }
            ),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(m.into()))
}

/// Removes a group robot or webhook (messages already queued for it are dropped).
#[utoipa::path(delete, path = "/api/v1/admin/notify-channels/{id}", tag = "notify",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(super) async fn delete_channel(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    let txn = app.db.begin().await?;
    let old = tenant_channel(&txn, who.principal.tenant_id, id).await?;
    notify_channel::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "notify.channel_deleted",
            "notify_channel",
            Some(id),
            format!("删除{}「{}」", kind_name(&old.kind), old.name),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a test message to a group robot or webhook now; the platform's answer comes back.
#[utoipa::path(post, path = "/api/v1/admin/notify-channels/{id}/test", tag = "notify",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = TestResult), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(super) async fn test_channel(
    State(app): State<App>,
    who: Authorized<TenantSettings>,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<TestResult>> {
    let c = tenant_channel(&app.db, who.principal.tenant_id, id).await?;
    let notice = super::NoticeView {
        id: Uuid::nil(),
        seq: 0,
        kind: "test".into(),
        instance_id: None,
        title: None,
        serial_no: None,
        task_no: None,
        data: serde_json::json!({}),
        created_at: Utc::now(),
        read_at: None,
    };
    let base = app.config.public_url();
    let m = super::message::Message {
        kind: "test".into(),
        headline: "协同测试消息".into(),
        text: format!("这是来自协同的测试消息：「{}」可以收到通知。", c.name),
        link: base.clone(),
    };
    let res =
        super::outbound::send_channel(&c, &m, "", &notice, who.principal.user_id, "test").await;
    audit::record(
        &app.db,
        &(&who.principal).into(),
        Change::new(
            "notify.channel_tested",
            "notify_channel",
            Some(c.id),
            format!(
                "测试{}「{}」：{}",
                kind_name(&c.kind),
                c.name,
                match &res {
                    Ok(()) => "成功".to_string(),
                    Err(e) => format!("失败（{e}）"),
                }
            ),
        ),
    )
    .await?;
    res.map_err(delivery_failed)?;
    Ok(axum::Json(TestResult { ok: true }))
}
