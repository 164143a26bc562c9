//! Serving the single-page web UI: from `web_dir` when configured, else the copy embedded at
//! build time (feature `embed-ui`). Unknown non-API paths answer `index.html` so deep links work;
//! hashed assets are cached for a year, `index.html` never.

use std::convert::Infallible;
use std::path::PathBuf;

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;
use tower_http::services::{ServeDir, ServeFile};

type UiService = BoxCloneSyncService<Request<Body>, Response, Infallible>;

fn api_not_found(path: &str) -> bool {
    path.starts_with("/api/")
}

fn with_cache_headers(path: &str, mut res: Response) -> Response {
    let value = if path.starts_with("/assets/") && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

/// The fallback service for everything that is not an API route.
pub fn service(web_dir: Option<PathBuf>) -> UiService {
    match web_dir {
        Some(dir) => {
            let index = dir.join("index.html");
            let serve = ServeDir::new(&dir)
                .precompressed_gzip()
                .precompressed_br()
                .fallback(ServeFile::new(index));
            BoxCloneSyncService::new(tower::service_fn(move |req: Request<Body>| {
                let serve = serve.clone();
                async move {
                    let path = req.uri().path().to_string();
                    if api_not_found(&path) {
                        return Ok::<_, Infallible>(StatusCode::NOT_FOUND.into_response());
                    }
                    let res = serve
                        .oneshot(req)
                        .await
                        .map(|r| r.map(Body::new))
                        .unwrap_or_else(|e| match e {});
                    Ok(with_cache_headers(&path, res))
                }
            }))
        }
        None => embedded(),
    }
}

#[cfg(feature = "embed-ui")]
static ASSETS: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/ui_assets.rs"));

#[cfg(feature = "embed-ui")]
fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(feature = "embed-ui")]
fn embedded() -> UiService {
    let svc = tower::service_fn(|req: Request<Body>| async move {
        let path = req.uri().path().to_string();
        if api_not_found(&path) {
            return Ok::<_, Infallible>(StatusCode::NOT_FOUND.into_response());
        }
        let found = ASSETS
            .iter()
            .find(|(p, _)| *p == path)
            .filter(|_| path != "/");
        let (route, bytes) = match found {
            Some(hit) => *hit,
            // Deep links such as /workbench/todo answer the app itself.
            None => *ASSETS
                .iter()
                .find(|(p, _)| *p == "/index.html")
                .expect("index.html embedded"),
        };
        let res = Response::builder()
            .header(header::CONTENT_TYPE, content_type(route))
            .body(Body::from(bytes))
            .expect("static response");
        Ok(with_cache_headers(&path, res))
    });
    BoxCloneSyncService::new(svc)
}

#[cfg(not(feature = "embed-ui"))]
fn embedded() -> UiService {
    BoxCloneSyncService::new(tower::service_fn(|req: Request<Body>| async move {
        if api_not_found(req.uri().path()) {
            return Ok::<_, Infallible>(StatusCode::NOT_FOUND.into_response());
        }
        Ok(Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .header(header::CACHE_CONTROL, "no-cache")
            .body(Body::from(
                "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>协同 Xietong</title>\
                 <p>此版本未内置网页界面：请用 <code>make build</code> 构建，或设置 XIETONG_WEB_DIR。</p>\
                 <p>This build has no embedded web UI: build with <code>make build</code> or set XIETONG_WEB_DIR. \
                 API docs: <a href=\"/api/docs/\">/api/docs</a></p></html>",
            ))
            .expect("static response"))
    }))
}
