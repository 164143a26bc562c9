//! Calls the API the way a browser does (session cookie, CSRF header on writes, JSON bodies),
//! either in process through the application router (no network) or over HTTP against a
//! running `xietong serve`.

use anyhow::{Context, bail};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Where requests go.
pub enum Api {
    /// The application router, called directly.
    InProcess(axum::Router),
    /// A running server at `base` (e.g. `http://127.0.0.1:8080`).
    Remote { http: reqwest::Client, base: String },
}

/// A signed-in client: the cookies to send and the CSRF token for writes.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// An answer: status, the `set-cookie` values, the body.
pub struct Res {
    pub status: u16,
    pub cookies: Vec<String>,
    pub body: Vec<u8>,
}

impl Res {
    fn session(&self) -> Session {
        let mut cookie = Vec::new();
        let mut csrf = String::new();
        for v in &self.cookies {
            let pair = v.split(';').next().unwrap_or_default().to_string();
            if let Some(c) = pair.strip_prefix("xt_csrf=") {
                csrf = c.to_string();
            }
            cookie.push(pair);
        }
        Session {
            cookie: cookie.join("; "),
            csrf,
        }
    }
}

impl Api {
    /// A client for a server at `base`.
    pub fn remote(base: String) -> anyhow::Result<Api> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .context("building the HTTP client")?;
        Ok(Api::Remote { http, base })
    }

    /// One request; `body` is sent as JSON.
    pub async fn call(
        &self,
        s: &Session,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Res> {
        let write = method != "GET";
        let body = body.map(|b| b.to_string());
        match self {
            Api::InProcess(router) => {
                let mut b = axum::http::Request::builder().method(method).uri(path);
                if !s.cookie.is_empty() {
                    b = b.header("cookie", &s.cookie);
                    if write {
                        b = b.header("x-csrf-token", &s.csrf);
                    }
                }
                let req = match body {
                    Some(j) => b
                        .header("content-type", "application/json")
                        .body(axum::body::Body::from(j))?,
                    None => b.body(axum::body::Body::empty())?,
                };
                let res = router.clone().oneshot(req).await?;
                let status = res.status().as_u16();
                let cookies = res
                    .headers()
                    .get_all("set-cookie")
                    .iter()
                    .filter_map(|v| v.to_str().ok().map(str::to_string))
                    .collect();
                let body = res.into_body().collect().await?.to_bytes().to_vec();
                Ok(Res {
                    status,
                    cookies,
                    body,
                })
            }
            Api::Remote { http, base } => {
                let m = reqwest::Method::from_bytes(method.as_bytes())?;
                let mut b = http.request(m, format!("{base}{path}"));
                if !s.cookie.is_empty() {
                    b = b.header("cookie", &s.cookie);
                    if write {
                        b = b.header("x-csrf-token", &s.csrf);
                    }
                }
                if let Some(j) = body {
                    b = b.header("content-type", "application/json").body(j);
                }
                let res = b.send().await.with_context(|| format!("{method} {path}"))?;
                let status = res.status().as_u16();
                let cookies = res
                    .headers()
                    .get_all("set-cookie")
                    .iter()
                    .filter_map(|v| v.to_str().ok().map(str::to_string))
                    .collect();
                let body = res.bytes().await?.to_vec();
                Ok(Res {
                    status,
                    cookies,
                    body,
                })
            }
        }
    }

    /// One request that must answer `status`; returns the JSON body (null when empty).
    pub async fn expect(
        &self,
        s: &Session,
        method: &str,
        path: &str,
        body: Option<&Value>,
        status: u16,
    ) -> anyhow::Result<Value> {
        let r = self.call(s, method, path, body).await?;
        if r.status != status {
            bail!(
                "{method} {path}: HTTP {} (expected {status}): {}",
                r.status,
                String::from_utf8_lossy(&r.body)
            );
        }
        if r.body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&r.body).with_context(|| format!("{method} {path}: not JSON"))
    }

    pub async fn get(&self, s: &Session, path: &str) -> anyhow::Result<Value> {
        self.expect(s, "GET", path, None, 200).await
    }

    pub async fn post(&self, s: &Session, path: &str, body: Value) -> anyhow::Result<Value> {
        self.expect(s, "POST", path, Some(&body), 200).await
    }

    /// Signs in with a password.
    pub async fn login(&self, username: &str, password: &str) -> anyhow::Result<Session> {
        let body = json!({"username": username, "password": password});
        let r = self
            .call(
                &Session::default(),
                "POST",
                "/api/v1/auth/login",
                Some(&body),
            )
            .await?;
        if r.status != 200 {
            bail!(
                "signing in as {username}: HTTP {}: {}",
                r.status,
                String::from_utf8_lossy(&r.body)
            );
        }
        Ok(r.session())
    }

    /// Signs in and makes the forced change of an initial password.
    pub async fn first_login(
        &self,
        username: &str,
        initial: &str,
        password: &str,
    ) -> anyhow::Result<Session> {
        let s = self.login(username, initial).await?;
        let body = json!({"old_password": initial, "new_password": password});
        self.expect(&s, "POST", "/api/v1/auth/password", Some(&body), 204)
            .await?;
        Ok(s)
    }
}
