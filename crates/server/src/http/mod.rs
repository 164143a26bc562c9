//! The HTTP surface: routes, OpenAPI document, error rendering, request ids, limits, the web UI.

pub mod extract;
pub mod page;
mod ui;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceExt;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::app::App;
use crate::error::{AppError, Text};
use crate::i18n::Lang;

#[derive(OpenApi)]
#[openapi(
    info(title = "Xietong (协同) API", description = "Office automation: accounts, organisation, audit. Errors share one JSON shape (`ErrorBody`)."),
    components(schemas(crate::error::ErrorBody)),
    tags(
        (name = "auth", description = "Sign-in and passwords"),
        (name = "me", description = "The signed-in user's own account"),
        (name = "org", description = "Companies, departments, posts, roles, import/export"),
        (name = "users", description = "User accounts"),
        (name = "audit", description = "The append-only audit log"),
        (name = "reports", description = "Reports"),
        (name = "tenant", description = "Tenant settings"),
        (name = "flow", description = "Approval flow templates and versions"),
    )
)]
struct ApiDoc;

const MAX_BODY: usize = 1024 * 1024;
const MAX_UPLOAD: usize = 20 * 1024 * 1024;

/// The API routes with their OpenAPI document.
pub fn api() -> OpenApiRouter<App> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::auth::routes())
        .merge(crate::org::routes())
        .merge(crate::audit::routes())
        .merge(crate::reports::routes())
        .merge(crate::tenant::routes())
        .merge(crate::flow::routes())
        .merge(crate::files::routes())
        .merge(crate::forms::routes())
        .merge(crate::jobs::routes())
        .merge(crate::calendar::routes())
        .merge(crate::notifications::routes())
}

/// The OpenAPI document as JSON.
pub fn openapi_json() -> String {
    let (_, doc) = api().split_for_parts();
    doc.to_pretty_json().expect("openapi serialises")
}

/// The whole application router.
pub fn router(app: App) -> Router {
    let (api_router, doc) = api().split_for_parts();
    let doc_json = doc.to_pretty_json().expect("openapi serialises");
    // Uploads get a larger limit than every other body.
    let api_router =
        api_router
            .layer(middleware::from_fn(body_limit))
            .layer(middleware::from_fn_with_state(
                app.clone(),
                directory_writes,
            ));
    let web_dir = app.config.web_dir.clone();
    let trust_forwarded_for = app.config.trust_forwarded_for;
    Router::new()
        .merge(api_router)
        .route(
            "/api/openapi.json",
            get(move || async move { ([("content-type", "application/json")], doc_json) }),
        )
        .merge(utoipa_swagger_ui::SwaggerUi::new("/api/docs"))
        .route("/healthz", get(healthz))
        .fallback_service(ui::service(web_dir))
        .layer(DefaultBodyLimit::max(crate::files::MAX_FILE))
        .layer(middleware::from_fn(compress))
        .layer(middleware::from_fn(render_errors))
        .layer(middleware::from_fn(
            move |mut req: Request, next: Next| async move {
                if trust_forwarded_for
                    && let Some(ip) = req
                        .headers()
                        .get("x-forwarded-for")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.split(',').next())
                        .map(str::trim)
                        .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
                {
                    let ip = ip.to_string();
                    req.extensions_mut()
                        .insert(crate::auth::extract::ClientIp(ip));
                }
                next.run(req).await
            },
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(app)
}

/// Compresses answers as the client accepts, except the live event stream: event streams are
/// not compressed anyway, and the compressing body (5.8 KiB, the brotli state inline) would be
/// held for as long as each stream is open.
async fn compress(req: Request, next: Next) -> Response {
    if req.uri().path() == crate::notifications::live::STREAM_PATH {
        return next.run(req).await;
    }
    match tower_http::compression::Compression::new(next)
        .oneshot(req)
        .await
    {
        Ok(res) => res.map(Body::new),
        Err(e) => match e {},
    }
}

async fn body_limit(req: Request, next: Next) -> Response {
    let len = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let limit = if req.uri().path() == "/api/v1/org/import" {
        MAX_UPLOAD
    } else if req.uri().path() == "/api/v1/files" {
        crate::files::MAX_FILE
    } else {
        MAX_BODY
    };
    if len.is_some_and(|l| l > limit) {
        return AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too_large",
            Text::fixed("请求体过大", "The request body is too large"),
        )
        .into_response();
    }
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// Paths whose writes change what the flow engine reads about a tenant (organisation, roles,
/// templates): after any such write the in-memory directory and template caches are stale.
const DIRECTORY_PATHS: [&str; 8] = [
    "/api/v1/users",
    "/api/v1/departments",
    "/api/v1/posts",
    "/api/v1/companies",
    "/api/v1/org/",
    "/api/v1/flow/templates",
    "/api/v1/flow/builtins",
    "/api/v1/tenant",
];

async fn directory_writes(State(app): State<App>, req: Request, next: Next) -> Response {
    let write = !matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    ) && DIRECTORY_PATHS
        .iter()
        .any(|p| req.uri().path().starts_with(p));
    let res = next.run(req).await;
    if write {
        app.directory_changed();
    }
    res
}

/// 200 when the database answers.
async fn healthz(State(app): State<App>) -> Response {
    let ok = tokio::time::timeout(Duration::from_secs(2), crate::db::ping(&app.db))
        .await
        .unwrap_or(false);
    if ok {
        (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({"status": "database unavailable"})),
        )
            .into_response()
    }
}

/// Writes every error in the one JSON shape, in the caller's language, with the request id;
/// also turns the framework's bare 404/405/413 on API paths into that shape.
async fn render_errors(req: Request, next: Next) -> Response {
    let lang = Lang::from_headers(req.headers());
    let is_api = req.uri().path().starts_with("/api/");
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut res = next.run(req).await;
    let err = res.extensions_mut().remove::<AppError>().or_else(|| {
        if !is_api
            || res
                .headers()
                .get("content-type")
                .is_some_and(|c| c.as_bytes().starts_with(b"application/json"))
        {
            return None;
        }
        match res.status() {
            StatusCode::NOT_FOUND => Some(AppError::not_found(
                "not_found",
                Text::fixed("接口不存在", "No such endpoint"),
            )),
            StatusCode::METHOD_NOT_ALLOWED => Some(AppError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                Text::fixed("不支持该请求方法", "Method not allowed"),
            )),
            StatusCode::PAYLOAD_TOO_LARGE => Some(AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request.too_large",
                Text::fixed("请求体过大", "The request body is too large"),
            )),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Some(AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "request.content_type",
                Text::fixed("不支持的请求内容类型", "Unsupported content type"),
            )),
            s if s.is_client_error() || s.is_server_error() => Some(AppError::new(
                s,
                "request.failed",
                Text::fixed("请求失败", "Request failed"),
            )),
            _ => None,
        }
    });
    let Some(err) = err else { return res };
    let body = serde_json::to_vec(&err.body(lang, &request_id)).unwrap_or_default();
    let mut out = Response::new(Body::from(body));
    *out.status_mut() = err.status;
    for (k, v) in res.headers() {
        if k != "content-type" && k != "content-length" {
            out.headers_mut().append(k, v.clone());
        }
    }
    out.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    out
}
