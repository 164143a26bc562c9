//! `/api/v1/auth/*` and `/api/v1/me/*`: sign-in and everything a user does to their own account.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::access::{Perm, Role};
use super::extract::{
    Authenticated, CSRF_COOKIE, Credential, RequestContext, SESSION_COOKIE, SignedIn, load_roles,
};
use super::password::{self, PasswordPolicy};
use super::tokens::{hash_secret, random_secret};
use super::totp;
use crate::app::App;
use crate::audit::api::AuditEntryView;
use crate::audit::{self, Actor, Change};
use crate::entities::{
    api_token, audit_entry, department, login_record, recovery_code, session, user,
};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::http::extract::{Json, Path, Query};
use crate::http::page::{Page, PageQuery};
use crate::ids::new_id;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(change_password))
        .routes(routes!(password_policy))
        .routes(routes!(get_me, update_me))
        .routes(routes!(list_sessions))
        .routes(routes!(revoke_session))
        .routes(routes!(revoke_other_sessions))
        .routes(routes!(totp_setup))
        .routes(routes!(totp_enable))
        .routes(routes!(totp_disable))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(account_events))
}

fn ok_json<T: Serialize>(v: T) -> axum::Json<T> {
    axum::Json(v)
}

// ---------------------------------------------------------------- sign-in

/// Sign-in request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The 6-digit code, or a recovery code, when two-factor sign-in is on.
    pub totp: Option<String>,
    /// Tenant slug (default `default`).
    pub tenant: Option<String>,
}

/// Sign-in result.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// True until the initial or reset password is changed; nothing else works until then.
    pub must_change_password: bool,
    /// True when the tenant requires two-factor sign-in and the user has not enrolled yet.
    pub must_enroll_totp: bool,
    pub user: MeView,
}

fn invalid_credentials() -> AppError {
    AppError::new(
        StatusCode::UNAUTHORIZED,
        "auth.invalid_credentials",
        Text::fixed("用户名或密码错误", "Wrong username or password"),
    )
}

async fn record_login<C: ConnectionTrait>(
    db: &C,
    tenant_id: Uuid,
    user_id: Option<Uuid>,
    username: &str,
    ctx: &RequestContext,
    success: bool,
    reason: Option<&str>,
) -> Result<(), sea_orm::DbErr> {
    login_record::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(tenant_id),
        user_id: Set(user_id),
        username: Set(username.chars().take(64).collect()),
        at: Set(Utc::now()),
        ip: Set(ctx.ip.clone()),
        user_agent: Set(ctx.user_agent.clone()),
        method: Set("password".into()),
        success: Set(success),
        reason: Set(reason.map(str::to_string)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A sign-in from a browser (user agent) this person never signed in from before — not their
/// first sign-in ever.
async fn is_new_device<C: ConnectionTrait>(
    db: &C,
    user: Uuid,
    ctx: &RequestContext,
) -> Result<bool, sea_orm::DbErr> {
    let Some(ua) = ctx.user_agent.as_deref() else {
        return Ok(false);
    };
    let seen = login_record::Entity::find()
        .filter(login_record::Column::UserId.eq(user))
        .filter(login_record::Column::Success.eq(true))
        .filter(login_record::Column::UserAgent.eq(ua))
        .one(db)
        .await?;
    if seen.is_some() {
        return Ok(false);
    }
    let any = login_record::Entity::find()
        .filter(login_record::Column::UserId.eq(user))
        .filter(login_record::Column::Success.eq(true))
        .one(db)
        .await?;
    Ok(any.is_some())
}

async fn check_second_factor(app: &App, u: &user::Model, code: &str) -> Result<bool, AppError> {
    let secret = u.totp_secret.clone().unwrap_or_default();
    if totp::verify(&secret, &u.username, code) {
        return Ok(true);
    }
    let code = code.trim().to_ascii_lowercase();
    if code.len() == 9 && code.as_bytes()[4] == b'-' {
        let hashed = hash_secret(&code);
        if let Some(rc) = recovery_code::Entity::find()
            .filter(recovery_code::Column::UserId.eq(u.id))
            .filter(recovery_code::Column::CodeHash.eq(hashed))
            .filter(recovery_code::Column::UsedAt.is_null())
            .one(&app.db)
            .await?
        {
            let mut am: recovery_code::ActiveModel = rc.into();
            am.used_at = Set(Some(Utc::now()));
            am.update(&app.db).await?;
            return Ok(true);
        }
    }
    Ok(false)
}

fn session_cookies(
    app: &App,
    ctx: &RequestContext,
    jar: CookieJar,
    token: String,
    csrf: String,
) -> CookieJar {
    let secure = app.config.secure_cookies || ctx.https;
    let mut s = Cookie::new(SESSION_COOKIE, token);
    s.set_http_only(true);
    s.set_same_site(SameSite::Lax);
    s.set_path("/");
    s.set_secure(secure);
    let mut c = Cookie::new(CSRF_COOKIE, csrf);
    c.set_http_only(false);
    c.set_same_site(SameSite::Lax);
    c.set_path("/");
    c.set_secure(secure);
    jar.add(s).add(c)
}

/// Signs in with username and password (and a second factor when enabled).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse, description = "Signed in; sets the `xt_session` and `xt_csrf` cookies"),
        (status = 401, body = crate::error::ErrorBody, description = "auth.invalid_credentials, auth.totp_required, auth.totp_invalid"),
        (status = 403, body = crate::error::ErrorBody, description = "auth.disabled"),
        (status = 423, body = crate::error::ErrorBody, description = "auth.locked; details.locked_until"),
        (status = 429, body = crate::error::ErrorBody)))]
async fn login(
    State(app): State<App>,
    ctx: RequestContext,
    jar: CookieJar,
    Json(req): Json<LoginRequest>,
) -> AppResult<impl IntoResponse> {
    if !app
        .login_limiter
        .hit(ctx.ip.as_deref().unwrap_or("unknown"))
    {
        return Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            Text::fixed(
                "尝试过于频繁，请稍后再试",
                "Too many attempts; please wait a minute",
            ),
        ));
    }
    let slug = req.tenant.as_deref().unwrap_or("default");
    let tenant = crate::tenant::by_slug(&app.db, slug)
        .await?
        .ok_or_else(invalid_credentials)?;
    let username = req.username.trim().to_lowercase();
    if username.is_empty() || username.len() > 64 || req.password.len() > 256 {
        return Err(invalid_credentials());
    }
    let found = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant.id))
        .filter(user::Column::Username.eq(username.clone()))
        .one(&app.db)
        .await?;
    let Some(u) = found else {
        // Spend the same time as a real check so response times do not reveal usernames.
        password::verify(req.password.clone(), password::dummy_hash().to_string()).await;
        record_login(
            &app.db,
            tenant.id,
            None,
            &username,
            &ctx,
            false,
            Some("unknown_user"),
        )
        .await?;
        return Err(invalid_credentials());
    };
    let now = Utc::now();
    if let Some(until) = u.locked_until.filter(|t| *t > now) {
        record_login(
            &app.db,
            tenant.id,
            Some(u.id),
            &username,
            &ctx,
            false,
            Some("locked"),
        )
        .await?;
        return Err(locked(until));
    }
    let password_ok = password::verify(req.password.clone(), u.password_hash.clone()).await;
    let second_ok = if !password_ok || !u.totp_enabled {
        None
    } else {
        match req.totp.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => {
                return Err(AppError::new(
                    StatusCode::UNAUTHORIZED,
                    "auth.totp_required",
                    Text::fixed(
                        "请输入动态验证码",
                        "Enter the code from your authenticator app",
                    ),
                ));
            }
            Some(code) => Some(check_second_factor(&app, &u, code).await?),
        }
    };
    if !password_ok || second_ok == Some(false) {
        let failures = u.failed_logins + 1;
        let threshold = app.config.lockout_threshold.max(1);
        let lock = failures >= threshold;
        let until = now + Duration::minutes(app.config.lockout_minutes);
        let txn = app.db.begin().await?;
        let mut am: user::ActiveModel = u.clone().into();
        am.failed_logins = Set(if lock { 0 } else { failures });
        if lock {
            am.locked_until = Set(Some(until));
        }
        am.update(&txn).await?;
        let reason = if password_ok {
            "totp_invalid"
        } else {
            "bad_password"
        };
        record_login(
            &txn,
            tenant.id,
            Some(u.id),
            &username,
            &ctx,
            false,
            Some(reason),
        )
        .await?;
        if lock {
            audit::record(
                &txn,
                &Actor::anonymous(tenant.id, &ctx),
                Change::new(
                    "user.lock",
                    "user",
                    Some(u.id),
                    format!(
                        "连续 {threshold} 次登录失败，账号 {} 锁定至 {until}",
                        u.username
                    ),
                ),
            )
            .await?;
            crate::notifications::account_event(
                &txn,
                tenant.id,
                u.id,
                "account_locked",
                serde_json::json!({ "until": until, "ip": ctx.ip }),
            )
            .await?;
        }
        txn.commit().await?;
        if lock {
            return Err(locked(until));
        }
        return Err(if password_ok {
            AppError::new(
                StatusCode::UNAUTHORIZED,
                "auth.totp_invalid",
                Text::fixed("动态验证码错误", "Wrong authenticator code"),
            )
        } else {
            invalid_credentials()
        });
    }
    if u.status != "active" {
        record_login(
            &app.db,
            tenant.id,
            Some(u.id),
            &username,
            &ctx,
            false,
            Some("disabled"),
        )
        .await?;
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "auth.disabled",
            Text::fixed(
                "该账号已停用，请联系管理员",
                "This account is disabled; contact your administrator",
            ),
        ));
    }

    let token = random_secret(32);
    let csrf = random_secret(24);
    let session_id = new_id();
    let txn = app.db.begin().await?;
    session::ActiveModel {
        id: Set(session_id),
        tenant_id: Set(tenant.id),
        user_id: Set(u.id),
        token_hash: Set(hash_secret(&token)),
        csrf_token: Set(csrf.clone()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::hours(app.config.session_absolute_hours)),
        ip: Set(ctx.ip.clone()),
        user_agent: Set(ctx.user_agent.clone()),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let mut am: user::ActiveModel = u.clone().into();
    am.failed_logins = Set(0);
    am.locked_until = Set(None);
    am.last_login_at = Set(Some(now));
    let u = am.update(&txn).await?;
    if is_new_device(&txn, u.id, &ctx).await? {
        crate::notifications::account_event(
            &txn,
            tenant.id,
            u.id,
            "new_device_sign_in",
            serde_json::json!({ "ip": ctx.ip, "user_agent": ctx.user_agent }),
        )
        .await?;
    }
    record_login(&txn, tenant.id, Some(u.id), &username, &ctx, true, None).await?;
    audit::record(
        &txn,
        &Actor {
            user_id: Some(u.id),
            name: Some(format!("{} ({})", u.display_name, u.username)),
            ..Actor::anonymous(tenant.id, &ctx)
        },
        Change::new(
            "auth.login",
            "session",
            Some(session_id),
            format!("{} 登录", u.username),
        ),
    )
    .await?;
    txn.commit().await?;

    let roles = load_roles(&app, u.id).await?;
    let tinfo = app.tenant(tenant.id).await?;
    let must_enroll_totp = !u.totp_enabled
        && (tinfo.settings.require_totp_all
            || roles
                .iter()
                .any(|r| tinfo.settings.require_totp_roles.contains(r)));
    let me = me_view(&app, &u, &roles).await?;
    let jar = session_cookies(&app, &ctx, jar, token, csrf);
    Ok((
        jar,
        ok_json(LoginResponse {
            must_change_password: u.must_change_password,
            must_enroll_totp,
            user: me,
        }),
    ))
}

fn locked(until: DateTime<Utc>) -> AppError {
    AppError::new(
        StatusCode::LOCKED,
        "auth.locked",
        Text::fixed(
            "登录失败次数过多，账号已临时锁定，请稍后再试",
            "Too many failed sign-ins; the account is locked for a while",
        ),
    )
    .with_details(serde_json::json!({ "locked_until": until }))
}

/// Signs out: ends this session and clears its cookies.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
async fn logout(
    State(app): State<App>,
    SignedIn(p): SignedIn,
    jar: CookieJar,
) -> AppResult<impl IntoResponse> {
    if let Credential::Session { id } = p.credential {
        let txn = app.db.begin().await?;
        session::Entity::update_many()
            .col_expr(
                session::Column::RevokedAt,
                sea_orm::sea_query::Expr::value(Utc::now()),
            )
            .filter(session::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            &(&p).into(),
            Change::new(
                "auth.logout",
                "session",
                Some(id),
                format!("{} 退出登录", p.username),
            ),
        )
        .await?;
        txn.commit().await?;
    }
    let jar = jar
        .remove(Cookie::build(SESSION_COOKIE).path("/"))
        .remove(Cookie::build(CSRF_COOKIE).path("/"));
    Ok((jar, StatusCode::NO_CONTENT))
}

/// The password rules in force for the caller's tenant (the default tenant when signed out).
#[utoipa::path(get, path = "/api/v1/auth/password-policy", tag = "auth", responses((status = 200, body = PasswordPolicy)))]
async fn password_policy(State(app): State<App>) -> AppResult<axum::Json<PasswordPolicy>> {
    let t = crate::tenant::by_slug(&app.db, "default").await?;
    let policy = match t {
        Some(t) => app.tenant(t.id).await?.settings.password.clone(),
        None => PasswordPolicy::default(),
    };
    Ok(ok_json(policy))
}

/// Password change request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub old_password: String,
    pub new_password: String,
}

/// Changes the caller's password; other sessions are signed out.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 422, body = crate::error::ErrorBody)))]
async fn change_password(
    State(app): State<App>,
    SignedIn(p): SignedIn,
    Json(req): Json<ChangePasswordRequest>,
) -> AppResult<StatusCode> {
    let u = user::Entity::find_by_id(p.user_id)
        .one(&app.db)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    if req.old_password.len() > 256
        || !password::verify(req.old_password.clone(), u.password_hash.clone()).await
    {
        return Err(AppError::invalid_field(
            "old_password",
            "auth.wrong_password",
            Text::fixed("原密码不正确", "The current password is wrong"),
        ));
    }
    let policy = app.tenant(p.tenant_id).await?.settings.password.clone();
    password::validate(&policy, &u.username, &req.new_password, "new_password")?;
    if req.new_password == req.old_password {
        return Err(AppError::invalid_field(
            "new_password",
            "password.same_as_old",
            Text::fixed(
                "新密码不能与原密码相同",
                "The new password must differ from the current one",
            ),
        ));
    }
    let hash = password::hash(req.new_password).await?;
    let now = Utc::now();
    let txn = app.db.begin().await?;
    // the forced first change of a new account is expected: nobody needs telling
    let forced = u.must_change_password;
    let mut am: user::ActiveModel = u.into();
    am.password_hash = Set(hash);
    am.must_change_password = Set(false);
    am.updated_at = Set(now);
    am.update(&txn).await?;
    let mut others = Condition::all()
        .add(session::Column::UserId.eq(p.user_id))
        .add(session::Column::RevokedAt.is_null());
    if let Credential::Session { id } = p.credential {
        others = others.add(session::Column::Id.ne(id));
    }
    session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(others)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "user.password_change",
            "user",
            Some(p.user_id),
            format!("{} 修改了密码", p.username),
        ),
    )
    .await?;
    if !forced {
        crate::notifications::account_event(
            &txn,
            p.tenant_id,
            p.user_id,
            "password_changed",
            serde_json::json!({ "by": "self", "ip": p.ctx.ip }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- me

/// The caller's tenant.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantView {
    pub id: Uuid,
    pub name: String,
    pub time_zone: String,
}

/// The signed-in user, with what they may do.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub locale: String,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    pub department_id: Uuid,
    pub department_name: Option<String>,
    pub roles: Vec<Role>,
    pub permissions: Vec<Perm>,
    pub is_department_head: bool,
    /// Names the user as the supervisor (督办者) of at least one flow template.
    pub supervises_templates: bool,
    pub tenant: TenantView,
}

async fn me_view(app: &App, u: &user::Model, roles: &[Role]) -> AppResult<MeView> {
    // One query answers both: the user's department, and whether they head any.
    let related = department::Entity::find()
        .filter(department::Column::TenantId.eq(u.tenant_id))
        .filter(
            Condition::any()
                .add(department::Column::Id.eq(u.department_id))
                .add(department::Column::HeadUserId.eq(u.id)),
        )
        .all(&app.db)
        .await?;
    let dept = related.iter().find(|d| d.id == u.department_id).cloned();
    let is_head = related.iter().any(|d| d.head_user_id == Some(u.id));
    let t = app.tenant(u.tenant_id).await?;
    let supervises_templates = crate::entities::flow_template::Entity::find()
        .filter(crate::entities::flow_template::Column::TenantId.eq(u.tenant_id))
        .filter(crate::entities::flow_template::Column::SupervisorId.eq(u.id))
        .one(&app.db)
        .await?
        .is_some();
    Ok(MeView {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        email: u.email.clone(),
        phone: u.phone.clone(),
        locale: u.locale.clone(),
        must_change_password: u.must_change_password,
        totp_enabled: u.totp_enabled,
        department_id: u.department_id,
        department_name: dept.map(|d| d.name),
        roles: roles.to_vec(),
        permissions: super::access::permissions(roles),
        is_department_head: is_head,
        supervises_templates,
        tenant: TenantView {
            id: t.model.id,
            name: t.model.name.clone(),
            time_zone: t.model.time_zone.clone(),
        },
    })
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "me",
    responses((status = 200, body = MeView), (status = 401, body = crate::error::ErrorBody)))]
async fn get_me(State(app): State<App>, SignedIn(p): SignedIn) -> AppResult<axum::Json<MeView>> {
    Ok(ok_json(me_view(&app, &p.user, &p.roles).await?))
}

/// Profile changes the user makes themself.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// `zh-CN` or `en`.
    pub locale: Option<String>,
}

/// Updates the caller's profile.
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", request_body = UpdateMeRequest,
    responses((status = 200, body = MeView), (status = 422, body = crate::error::ErrorBody)))]
async fn update_me(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Json(req): Json<UpdateMeRequest>,
) -> AppResult<axum::Json<MeView>> {
    let mut errors = Vec::new();
    let display_name = req
        .display_name
        .map(|n| crate::org::validate::display_name(&n, &mut errors));
    let email = req
        .email
        .map(|e| crate::org::validate::email(&e, &mut errors));
    let phone = req
        .phone
        .map(|e| crate::org::validate::phone(&e, &mut errors));
    if let Some(l) = &req.locale
        && l != "zh-CN"
        && l != "en"
    {
        errors.push(FieldError::new(
            "locale",
            "locale.unknown",
            Text::fixed("语言只能是 zh-CN 或 en", "Language must be zh-CN or en"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let u = user::Entity::find_by_id(p.user_id)
        .one(&app.db)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    let before = serde_json::json!({"display_name": u.display_name, "email": u.email, "phone": u.phone, "locale": u.locale});
    let mut am: user::ActiveModel = u.into();
    if let Some(v) = display_name {
        am.display_name = Set(v);
    }
    if let Some(v) = email {
        am.email = Set(v);
    }
    if let Some(v) = phone {
        am.phone = Set(v);
    }
    if let Some(v) = req.locale {
        am.locale = Set(v);
    }
    am.updated_at = Set(Utc::now());
    let txn = app.db.begin().await?;
    let u = am.update(&txn).await?;
    let after = serde_json::json!({"display_name": u.display_name, "email": u.email, "phone": u.phone, "locale": u.locale});
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "user.profile_update",
            "user",
            Some(u.id),
            format!("{} 更新了个人资料", u.username),
        )
        .before(before)
        .after(after),
    )
    .await?;
    txn.commit().await?;
    Ok(ok_json(me_view(&app, &u, &p.roles).await?))
}

// ---------------------------------------------------------------- sessions

/// One of my sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub current: bool,
}

/// My active sessions.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "me", responses((status = 200, body = Vec<SessionView>)))]
async fn list_sessions(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<Vec<SessionView>>> {
    let now = Utc::now();
    let idle = Duration::minutes(app.config.session_idle_minutes);
    let current = match p.credential {
        Credential::Session { id } => Some(id),
        _ => None,
    };
    let rows = session::Entity::find()
        .filter(session::Column::UserId.eq(p.user_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::LastSeenAt)
        .all(&app.db)
        .await?;
    Ok(ok_json(
        rows.into_iter()
            .filter(|s| s.last_seen_at + idle > now)
            .map(|s| SessionView {
                current: Some(s.id) == current,
                id: s.id,
                created_at: s.created_at,
                last_seen_at: s.last_seen_at,
                ip: s.ip,
                user_agent: s.user_agent,
            })
            .collect(),
    ))
}

fn not_found_session() -> AppError {
    AppError::not_found(
        "session.not_found",
        Text::fixed("会话不存在", "No such session"),
    )
}

/// Ends one of my sessions.
#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "me", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn revoke_session(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    let s = session::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|s| s.user_id == p.user_id && s.revoked_at.is_none())
        .ok_or_else(not_found_session)?;
    let txn = app.db.begin().await?;
    let mut am: session::ActiveModel = s.into();
    am.revoked_at = Set(Some(Utc::now()));
    am.update(&txn).await?;
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "session.revoke",
            "session",
            Some(id),
            format!("{} 结束了一个会话", p.username),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Signs out every other session of mine.
#[utoipa::path(post, path = "/api/v1/me/sessions/revoke-others", tag = "me", responses((status = 204)))]
async fn revoke_other_sessions(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<StatusCode> {
    let mut cond = Condition::all()
        .add(session::Column::UserId.eq(p.user_id))
        .add(session::Column::RevokedAt.is_null());
    if let Credential::Session { id } = p.credential {
        cond = cond.add(session::Column::Id.ne(id));
    }
    let txn = app.db.begin().await?;
    let res = session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(cond)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "session.revoke_others",
            "user",
            Some(p.user_id),
            format!("{} 结束了其他 {} 个会话", p.username, res.rows_affected),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- two-factor

/// A fresh two-factor secret to scan.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotpSetup {
    pub secret: String,
    pub otpauth_url: String,
    /// An SVG image of the QR code.
    pub qr_svg: String,
}

fn session_only(p: &super::extract::Principal) -> AppResult<()> {
    match p.credential {
        Credential::Session { .. } => Ok(()),
        _ => Err(AppError::forbidden()),
    }
}

/// Starts two-factor enrolment: a new secret, not active until confirmed.
#[utoipa::path(post, path = "/api/v1/me/totp/setup", tag = "me", responses((status = 200, body = TotpSetup)))]
async fn totp_setup(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<TotpSetup>> {
    session_only(&p)?;
    let u = user::Entity::find_by_id(p.user_id)
        .one(&app.db)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    if u.totp_enabled {
        return Err(AppError::conflict(
            "totp.already_enabled",
            Text::fixed("两步验证已启用", "Two-factor sign-in is already on"),
        ));
    }
    let secret = totp::new_secret();
    let url =
        totp::otpauth_url(&secret, &u.username).ok_or_else(|| AppError::internal("totp url"))?;
    let svg = totp::qr_svg(&url).ok_or_else(|| AppError::internal("qr"))?;
    let mut am: user::ActiveModel = u.into();
    am.totp_secret = Set(Some(secret.clone()));
    am.update(&app.db).await?;
    Ok(ok_json(TotpSetup {
        secret,
        otpauth_url: url,
        qr_svg: svg,
    }))
}

/// A code from the authenticator app.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    pub code: String,
}

/// Recovery codes, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// Confirms enrolment with a valid code; answers the recovery codes once.
#[utoipa::path(post, path = "/api/v1/me/totp/enable", tag = "me", request_body = TotpCode,
    responses((status = 200, body = RecoveryCodes), (status = 422, body = crate::error::ErrorBody)))]
async fn totp_enable(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Json(req): Json<TotpCode>,
) -> AppResult<axum::Json<RecoveryCodes>> {
    session_only(&p)?;
    let u = user::Entity::find_by_id(p.user_id)
        .one(&app.db)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    let Some(secret) = u.totp_secret.clone().filter(|_| !u.totp_enabled) else {
        return Err(AppError::conflict(
            "totp.not_started",
            Text::fixed("请先开始设置两步验证", "Start the two-factor setup first"),
        ));
    };
    if !totp::verify(&secret, &u.username, &req.code) {
        return Err(AppError::invalid_field(
            "code",
            "auth.totp_invalid",
            Text::fixed("动态验证码错误", "Wrong authenticator code"),
        ));
    }
    let codes = totp::recovery_codes();
    let txn = app.db.begin().await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(u.id))
        .exec(&txn)
        .await?;
    for c in &codes {
        recovery_code::ActiveModel {
            id: Set(new_id()),
            tenant_id: Set(u.tenant_id),
            user_id: Set(u.id),
            code_hash: Set(hash_secret(c)),
            used_at: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    let mut am: user::ActiveModel = u.into();
    am.totp_enabled = Set(true);
    am.update(&txn).await?;
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "user.totp_enable",
            "user",
            Some(p.user_id),
            format!("{} 启用了两步验证", p.username),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(ok_json(RecoveryCodes {
        recovery_codes: codes,
    }))
}

/// The current password, to confirm a sensitive change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordConfirm {
    pub password: String,
}

/// Turns two-factor sign-in off (needs the password).
#[utoipa::path(post, path = "/api/v1/me/totp/disable", tag = "me", request_body = PasswordConfirm,
    responses((status = 204), (status = 422, body = crate::error::ErrorBody)))]
async fn totp_disable(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Json(req): Json<PasswordConfirm>,
) -> AppResult<StatusCode> {
    session_only(&p)?;
    let u = user::Entity::find_by_id(p.user_id)
        .one(&app.db)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    if req.password.len() > 256 || !password::verify(req.password, u.password_hash.clone()).await {
        return Err(AppError::invalid_field(
            "password",
            "auth.wrong_password",
            Text::fixed("密码不正确", "Wrong password"),
        ));
    }
    let txn = app.db.begin().await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(u.id))
        .exec(&txn)
        .await?;
    let mut am: user::ActiveModel = u.into();
    am.totp_enabled = Set(false);
    am.totp_secret = Set(None);
    am.update(&txn).await?;
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "user.totp_disable",
            "user",
            Some(p.user_id),
            format!("{} 关闭了两步验证", p.username),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- API tokens

/// A personal API token (the secret itself is shown only when created).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<api_token::Model> for TokenInfo {
    fn from(t: api_token::Model) -> Self {
        TokenInfo {
            id: t.id,
            name: t.name,
            scopes: t.scopes.split(',').map(str::to_string).collect(),
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
        }
    }
}

/// New token request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    pub name: String,
    /// `read` and/or `write`.
    pub scopes: Vec<String>,
    /// 1–3650; none means it never expires.
    pub expires_in_days: Option<i64>,
}

/// The new token: `token` is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub token: String,
    pub info: TokenInfo,
}

/// My API tokens.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "me", responses((status = 200, body = Vec<TokenInfo>)))]
async fn list_tokens(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<Vec<TokenInfo>>> {
    let rows = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(p.user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .order_by_desc(api_token::Column::CreatedAt)
        .all(&app.db)
        .await?;
    Ok(ok_json(rows.into_iter().map(Into::into).collect()))
}

/// Creates an API token.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "me", request_body = CreateTokenRequest,
    responses((status = 200, body = CreatedToken), (status = 422, body = crate::error::ErrorBody)))]
async fn create_token(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Json(req): Json<CreateTokenRequest>,
) -> AppResult<axum::Json<CreatedToken>> {
    session_only(&p)?;
    let mut errors = Vec::new();
    let name = req.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 64 {
        errors.push(FieldError::new(
            "name",
            "token.name",
            Text::fixed("名称为 1–64 个字符", "Name must be 1–64 characters"),
        ));
    }
    let mut scopes: Vec<String> = req.scopes.iter().map(|s| s.trim().to_string()).collect();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() || scopes.iter().any(|s| s != "read" && s != "write") {
        errors.push(FieldError::new(
            "scopes",
            "token.scopes",
            Text::fixed(
                "权限范围只能是 read、write",
                "Scopes must be read and/or write",
            ),
        ));
    }
    if req
        .expires_in_days
        .is_some_and(|d| !(1..=3650).contains(&d))
    {
        errors.push(FieldError::new(
            "expires_in_days",
            "token.expiry",
            Text::fixed("有效期为 1–3650 天", "Expiry must be 1–3650 days"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let secret = format!("xt_{}", random_secret(32));
    let now = Utc::now();
    let txn = app.db.begin().await?;
    let row = api_token::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(p.tenant_id),
        user_id: Set(p.user_id),
        name: Set(name.clone()),
        token_hash: Set(hash_secret(&secret)),
        scopes: Set(scopes.join(",")),
        created_at: Set(now),
        expires_at: Set(req.expires_in_days.map(|d| now + Duration::days(d))),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "token.create",
            "api_token",
            Some(row.id),
            format!("{} 创建了 API 令牌「{name}」", p.username),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(ok_json(CreatedToken {
        token: secret,
        info: row.into(),
    }))
}

/// Revokes one of my API tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "me", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn revoke_token(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    let t = api_token::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|t| t.user_id == p.user_id && t.revoked_at.is_none())
        .ok_or_else(|| {
            AppError::not_found(
                "token.not_found",
                Text::fixed("令牌不存在", "No such token"),
            )
        })?;
    let txn = app.db.begin().await?;
    let name = t.name.clone();
    let mut am: api_token::ActiveModel = t.into();
    am.revoked_at = Set(Some(Utc::now()));
    am.update(&txn).await?;
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "token.revoke",
            "api_token",
            Some(id),
            format!("{} 吊销了 API 令牌「{name}」", p.username),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes other people (administrators) made to my account.
#[utoipa::path(get, path = "/api/v1/me/account-events", tag = "me", params(PageQuery),
    responses((status = 200, body = Page<AuditEntryView>)))]
async fn account_events(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(pq): Query<PageQuery>,
) -> AppResult<axum::Json<Page<AuditEntryView>>> {
    let (page, page_size) = pq.resolve()?;
    let q = audit_entry::Entity::find()
        .filter(audit_entry::Column::TenantId.eq(p.tenant_id))
        .filter(audit_entry::Column::TargetType.eq("user"))
        .filter(audit_entry::Column::TargetId.eq(p.user_id))
        .filter(
            Condition::any()
                .add(audit_entry::Column::ActorId.is_null())
                .add(audit_entry::Column::ActorId.ne(p.user_id)),
        )
        .order_by_desc(audit_entry::Column::At);
    let total = q.clone().count(&app.db).await?;
    let items = q
        .offset((page - 1) * page_size)
        .limit(page_size)
        .all(&app.db)
        .await?;
    Ok(ok_json(Page {
        items: items.into_iter().map(Into::into).collect(),
        total,
        page,
        page_size,
    }))
}
