//! Who is calling: the request context, and the signed-in principal from the session cookie or
//! an API token, with CSRF checked for cookie-authenticated writes.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum_extra::extract::CookieJar;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::access::{Perm, Role, permissions};
use super::tokens::{constant_eq, hash_secret};
use crate::app::App;
use crate::entities::{api_token, session, user, user_role};
use crate::error::{AppError, Text};
use crate::i18n::Lang;

pub const SESSION_COOKIE: &str = "xt_session";
pub const CSRF_COOKIE: &str = "xt_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The client address as the trusted proxy reported it (`X-Forwarded-For`).
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

/// Facts about the request that audit rows and messages need.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub lang: Lang,
    pub https: bool,
}

impl RequestContext {
    pub fn from_parts(parts: &Parts) -> Self {
        let headers = &parts.headers;
        let ip = parts
            .extensions
            .get::<ClientIp>()
            .map(|c| c.0.clone())
            .or_else(|| {
                parts
                    .extensions
                    .get::<ConnectInfo<std::net::SocketAddr>>()
                    .map(|c| c.0.ip().to_string())
            });
        RequestContext {
            request_id: header(headers, "x-request-id").unwrap_or_default(),
            ip,
            user_agent: header(headers, "user-agent").map(|ua| ua.chars().take(400).collect()),
            lang: Lang::from_headers(headers),
            https: header(headers, "x-forwarded-proto")
                .is_some_and(|p| p.eq_ignore_ascii_case("https")),
        }
    }
}

fn header(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Ok(RequestContext::from_parts(parts))
    }
}

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Credential {
    Session {
        id: Uuid,
    },
    Token {
        id: Uuid,
        write: bool,
    },
    /// The server itself (bootstrap, demo data, CLI).
    System,
}

/// A signed-in user with roles and permissions resolved.
#[derive(Debug, Clone)]
pub struct Principal {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub department_id: Uuid,
    pub roles: Vec<Role>,
    pub perms: Vec<Perm>,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    /// The user row as read for this request.
    pub user: user::Model,
    pub credential: Credential,
    pub ctx: RequestContext,
}

impl Principal {
    pub fn has(&self, p: Perm) -> bool {
        let scoped = match self.credential {
            Credential::Token { write: false, .. } => p.is_read(),
            _ => true,
        };
        scoped && self.perms.contains(&p)
    }
    pub fn has_role(&self, r: Role) -> bool {
        self.roles.contains(&r)
    }
}

/// A signed-in caller, possibly still owing the forced password change.
pub struct SignedIn(pub Principal);

/// A signed-in caller with full use of the API.
pub struct Authenticated(pub Principal);

impl FromRequestParts<App> for SignedIn {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, AppError> {
        if let Some(p) = parts.extensions.get::<Principal>() {
            return Ok(SignedIn(p.clone()));
        }
        let p = authenticate(parts, app).await?;
        parts.extensions.insert(p.clone());
        Ok(SignedIn(p))
    }
}

impl FromRequestParts<App> for Authenticated {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, AppError> {
        let SignedIn(p) = SignedIn::from_request_parts(parts, app).await?;
        if p.must_change_password {
            return Err(AppError::new(
                StatusCode::FORBIDDEN,
                "auth.password_change_required",
                Text::fixed(
                    "请先修改初始密码",
                    "Please change your initial password first",
                ),
            ));
        }
        // A tenant that requires two-factor sign-in lets an unenrolled user do nothing but enrol.
        if matches!(p.credential, Credential::Session { .. })
            && !parts.uri.path().starts_with("/api/v1/me/totp/")
        {
            let t = app.tenant(p.tenant_id).await?;
            let required = t.settings.require_totp_all
                || p.roles
                    .iter()
                    .any(|r| t.settings.require_totp_roles.contains(r));
            if required && !p.totp_enabled {
                return Err(AppError::new(
                    StatusCode::FORBIDDEN,
                    "auth.totp_enrollment_required",
                    Text::fixed(
                        "本单位要求启用两步验证，请先完成设置",
                        "Your organisation requires two-factor sign-in; set it up first",
                    ),
                ));
            }
        }
        Ok(Authenticated(p))
    }
}

async fn authenticate(parts: &Parts, app: &App) -> Result<Principal, AppError> {
    let ctx = RequestContext::from_parts(parts);
    let now = Utc::now();
    let bearer = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);

    let (user_id, tenant_id, credential, user) = if let Some(token) = bearer {
        let tok = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(hash_secret(token)))
            .one(&app.db)
            .await?
            .filter(|t| t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now))
            .ok_or_else(AppError::unauthenticated)?;
        if tok
            .last_used_at
            .is_none_or(|t| now - t > Duration::seconds(60))
        {
            let mut am: api_token::ActiveModel = tok.clone().into();
            am.last_used_at = Set(Some(now));
            am.update(&app.db).await?;
        }
        let write = tok.scopes.split(',').any(|s| s == "write");
        (
            tok.user_id,
            tok.tenant_id,
            Credential::Token { id: tok.id, write },
            None,
        )
    } else {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_string())
            .ok_or_else(AppError::unauthenticated)?;
        let idle = Duration::minutes(app.config.session_idle_minutes);
        // The session and its user in one read.
        let (sess, u) = session::Entity::find()
            .filter(session::Column::TokenHash.eq(hash_secret(&token)))
            .find_also_related(user::Entity)
            .one(&app.db)
            .await?
            .filter(|(s, _)| {
                s.revoked_at.is_none() && s.expires_at > now && s.last_seen_at + idle > now
            })
            .ok_or_else(|| {
                AppError::new(
                    StatusCode::UNAUTHORIZED,
                    "auth.unauthenticated",
                    Text::fixed(
                        "登录已过期，请重新登录",
                        "Your session has ended; please sign in again",
                    ),
                )
            })?;
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_eq(sent, &sess.csrf_token) {
                return Err(AppError::new(
                    StatusCode::FORBIDDEN,
                    "auth.csrf",
                    Text::fixed(
                        "请求缺少有效的 CSRF 令牌，请刷新页面后重试",
                        "Missing or invalid CSRF token; reload the page and retry",
                    ),
                ));
            }
        }
        if now - sess.last_seen_at > Duration::seconds(60) {
            let mut am: session::ActiveModel = sess.clone().into();
            am.last_seen_at = Set(now);
            am.update(&app.db).await?;
        }
        (
            sess.user_id,
            sess.tenant_id,
            Credential::Session { id: sess.id },
            u,
        )
    };

    let u = match user {
        Some(u) => Some(u),
        None => user::Entity::find_by_id(user_id).one(&app.db).await?,
    }
    .filter(|u| u.id == user_id && u.tenant_id == tenant_id && u.status == "active")
    .ok_or_else(AppError::unauthenticated)?;
    let roles = load_roles(app, u.id).await?;
    Ok(Principal {
        tenant_id: u.tenant_id,
        user_id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        department_id: u.department_id,
        perms: permissions(&roles),
        roles,
        must_change_password: u.must_change_password,
        totp_enabled: u.totp_enabled,
        user: u,
        credential,
        ctx,
    })
}

/// The roles of a user (every user is at least a member).
pub async fn load_roles(app: &App, user_id: Uuid) -> Result<Vec<Role>, AppError> {
    let mut roles: Vec<Role> = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .all(&app.db)
        .await?
        .iter()
        .filter_map(|r| Role::parse(&r.role))
        .collect();
    if !roles.contains(&Role::Member) {
        roles.push(Role::Member);
    }
    roles.sort_by_key(|r| r.key());
    Ok(roles)
}
