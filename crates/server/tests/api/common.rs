//! Test harness: the real application router in process, on a fresh SQLite file or a fresh
//! PostgreSQL database per test.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use tower::ServiceExt;
use xietong_server::app::App;
use xietong_server::config::{Config, Secret};

pub const ADMIN_INITIAL: &str = "Xietong@2026!";
pub const ADMIN_PASSWORD: &str = "Xt-Chief#2027";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[allow(dead_code)]
pub struct TestApp {
    pub app: App,
    pub router: Router,
    pub backend: Backend,
    pg: Option<(String, String)>,
    _dir: Option<std::path::PathBuf>,
}

/// A signed-in client: session cookie and CSRF token.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
    pub bearer: Option<String>,
    pub lang: Option<&'static str>,
}

impl Session {
    pub fn bearer(token: &str) -> Session {
        Session {
            bearer: Some(token.into()),
            ..Default::default()
        }
    }
    pub fn anonymous() -> Session {
        Session::default()
    }
    pub fn lang(mut self, l: &'static str) -> Session {
        self.lang = Some(l);
        self
    }
}

pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| {
            panic!(
                "not JSON ({}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// Asserts the status and, for errors, the one error shape.
    #[track_caller]
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text()
        );
        if self.body.is_empty() {
            return Value::Null;
        }
        let v = self.json();
        if status >= 400 {
            assert!(
                v["code"].is_string() && v["message"].is_string() && v["request_id"].is_string(),
                "error shape: {v}"
            );
        }
        v
    }
    #[track_caller]
    pub fn expect_code(&self, status: u16, code: &str) -> Value {
        let v = self.expect(status);
        assert_eq!(v["code"], code, "{v}");
        v
    }
}

fn test_config(dir: &std::path::Path) -> Config {
    Config {
        data_dir: dir.to_path_buf(),
        admin_password: Some(Secret(ADMIN_INITIAL.into())),
        login_rate_per_minute: 1000,
        max_connections: 5,
        ..Config::default()
    }
}

impl TestApp {
    pub async fn new(backend: Backend) -> TestApp {
        Self::with(backend, |_| {}).await
    }

    pub async fn with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = std::env::temp_dir().join(format!("xt-test-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut cfg = test_config(&dir);
        tweak(&mut cfg);
        let (url, pg) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}?mode=rwc", dir.join("xietong.db").display()),
                None,
            ),
            Backend::Postgres => {
                let admin_url = std::env::var("XIETONG_TEST_PG_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
                let name = format!("xt_test_{}", uuid::Uuid::now_v7().simple());
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("PostgreSQL must be running for tests (scripts/ensure-postgres.sh)");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .unwrap();
                admin.close().await.ok();
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap();
                (format!("{base}/{name}"), Some((admin_url, name)))
            }
        };
        let db = xietong_server::db::connect_and_migrate(&url, cfg.max_connections)
            .await
            .unwrap();
        xietong_server::tenant::bootstrap(&db, Some(ADMIN_INITIAL.into()))
            .await
            .unwrap();
        let app = App::new(db, cfg);
        let router = xietong_server::http::router(app.clone());
        TestApp {
            app,
            router,
            backend,
            pg,
            _dir: Some(dir),
        }
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.app.db
    }

    /// Drops the PostgreSQL database of this test.
    pub async fn cleanup(self) {
        let TestApp { app, pg, _dir, .. } = self;
        app.db.clone().close().await.ok();
        if let Some((admin_url, name)) = pg
            && let Ok(admin) = Database::connect(&admin_url).await
        {
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .ok();
        }
        if let Some(d) = _dir {
            std::fs::remove_dir_all(d).ok();
        }
    }

    pub async fn raw(&self, req: Request<Body>) -> Res {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Res {
            status,
            headers,
            body,
        }
    }

    pub async fn call(&self, s: &Session, method: Method, path: &str, body: Option<Value>) -> Res {
        let mut b = Request::builder().method(method.clone()).uri(path);
        if !s.cookie.is_empty() {
            b = b.header("cookie", &s.cookie);
            if method != Method::GET {
                b = b.header("x-csrf-token", &s.csrf);
            }
        }
        if let Some(t) = &s.bearer {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        if let Some(l) = s.lang {
            b = b.header("accept-language", l);
        }
        let req = match body {
            Some(v) => b
                .header("content-type", "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        self.raw(req).await
    }

    pub async fn get(&self, s: &Session, path: &str) -> Res {
        self.call(s, Method::GET, path, None).await
    }
    pub async fn post(&self, s: &Session, path: &str, body: Value) -> Res {
        self.call(s, Method::POST, path, Some(body)).await
    }
    pub async fn patch(&self, s: &Session, path: &str, body: Value) -> Res {
        self.call(s, Method::PATCH, path, Some(body)).await
    }
    pub async fn delete(&self, s: &Session, path: &str) -> Res {
        self.call(s, Method::DELETE, path, None).await
    }

    /// Signs in; panics unless it succeeds.
    pub async fn login(&self, username: &str, password: &str) -> Session {
        let res = self
            .post(
                &Session::anonymous(),
                "/api/v1/auth/login",
                json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::OK,
            "login {username}: {}",
            res.text()
        );
        session_from(&res)
    }

    /// The administrator, past the forced password change.
    pub async fn admin(&self) -> Session {
        let res = self
            .post(
                &Session::anonymous(),
                "/api/v1/auth/login",
                json!({"username": "admin", "password": ADMIN_PASSWORD}),
            )
            .await;
        if res.status == StatusCode::OK {
            return session_from(&res);
        }
        let s = self.login("admin", ADMIN_INITIAL).await;
        self.post(
            &s,
            "/api/v1/auth/password",
            json!({"old_password": ADMIN_INITIAL, "new_password": ADMIN_PASSWORD}),
        )
        .await
        .expect(204);
        s
    }

    /// The first department the administrator can see (the tenant's root 系统管理).
    pub async fn some_department(&self, admin: &Session) -> String {
        self.get(admin, "/api/v1/departments").await.expect(200)[0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn company(&self, admin: &Session) -> String {
        self.get(admin, "/api/v1/companies").await.expect(200)[0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Creates a user with `roles` and signs them in past the forced change. Returns (id, session).
    pub async fn user_with_roles(
        &self,
        admin: &Session,
        username: &str,
        roles: &[&str],
    ) -> (String, Session) {
        let dept = self.some_department(admin).await;
        let v = self
            .post(admin, "/api/v1/users", json!({"username": username, "display_name": format!("测试{username}"), "department_id": dept, "roles": roles}))
            .await
            .expect(200);
        let id = v["user"]["id"].as_str().unwrap().to_string();
        let initial = v["initial_password"].as_str().unwrap().to_string();
        let s = self.login(username, &initial).await;
        self.post(
            &s,
            "/api/v1/auth/password",
            json!({"old_password": initial, "new_password": "Green-River-88!"}),
        )
        .await
        .expect(204);
        (id, s)
    }

    /// Number of audit rows with `action`.
    pub async fn audit_count(&self, action: &str) -> i64 {
        let backend = self.db().get_database_backend();
        let row = self
            .db()
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                backend,
                match backend {
                    sea_orm::DatabaseBackend::Postgres => {
                        "SELECT COUNT(*) AS n FROM audit_log WHERE action = $1"
                    }
                    _ => "SELECT COUNT(*) AS n FROM audit_log WHERE action = ?",
                },
                [action.into()],
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }

    /// Rows in a table: used to prove a refused request wrote nothing.
    pub async fn count(&self, table: &str) -> i64 {
        let backend = self.db().get_database_backend();
        let row = self
            .db()
            .query_one_raw(sea_orm::Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }
}

pub fn session_from(res: &Res) -> Session {
    let mut cookie = Vec::new();
    let mut csrf = String::new();
    for v in res.headers.get_all("set-cookie") {
        let v = v.to_str().unwrap();
        let pair = v.split(';').next().unwrap().to_string();
        if let Some(c) = pair.strip_prefix("xt_csrf=") {
            csrf = c.to_string();
        }
        cookie.push(pair);
    }
    Session {
        cookie: cookie.join("; "),
        csrf,
        bearer: None,
        lang: None,
    }
}

/// Runs an async test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::common::TestApp::new($crate::common::Backend::Sqlite).await;
                super::$name(&app).await;
                app.cleanup().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = $crate::common::TestApp::new($crate::common::Backend::Postgres).await;
                super::$name(&app).await;
                app.cleanup().await;
            }
        }
    )*};
}

/// People and a published expense template for flow tests.
#[allow(dead_code)]
pub struct FlowSetup {
    pub admin: Session,
    pub staff: Session,
    pub boss: Session,
    pub fin: Session,
    pub outsider: Session,
    pub template: String,
    pub staff_id: String,
    pub boss_id: String,
    pub fin_id: String,
    pub outsider_id: String,
}

/// Publishes an expense template (department head, then finance); `tweak` may change its JSON
/// (ids in it: `$boss`, `$fin`, `$outsider` are replaced by the users' ids).
pub async fn flow_setup(app: &TestApp, tweak: impl FnOnce(&mut Value)) -> FlowSetup {
    let admin = app.admin().await;
    let me = app.get(&admin, "/api/v1/me").await.expect(200)["id"].clone();
    let company = app.company(&admin).await;
    let dept = app
        .post(
            &admin,
            "/api/v1/departments",
            json!({"company_id": company, "name": "销售部", "sort_order": 9000}),
        )
        .await
        .expect(200);
    let dept_id = dept["id"].as_str().unwrap().to_string();
    let (boss_id, boss) = app.user_with_roles(&admin, "boss", &[]).await;
    let (staff_id, staff) = app.user_with_roles(&admin, "staff", &[]).await;
    let (fin_id, fin) = app.user_with_roles(&admin, "finance", &[]).await;
    let (outsider_id, outsider) = app.user_with_roles(&admin, "outsider", &[]).await;
    for u in [&boss_id, &staff_id] {
        app.patch(
            &admin,
            &format!("/api/v1/users/{u}"),
            json!({"department_id": dept_id}),
        )
        .await
        .expect(200);
    }
    app.patch(
        &admin,
        &format!("/api/v1/departments/{dept_id}"),
        json!({"head_user_id": boss_id}),
    )
    .await
    .expect(200);
    let mut body = json!({
        "name": "费用报销", "supervisor_id": me,
        "form": {"fields": [{"key": "amount", "label": "金额", "kind": "money", "required": true}, {"key": "reason", "label": "事由", "kind": "text"}]},
        "settings": {"serial_pattern": "BX-{yyyy}-{seq:3}", "serial_reset": "yearly", "title_template": "{initiator}的{template}-{amount}", "summary_fields": ["amount", "reason"]},
        "definition": {"kind": "tree", "tree": {"key": "expense", "nodes": [
            {"type": "approver", "id": "head", "name": "部门负责人", "participants": [{"type": "department_head"}]},
            {"type": "approver", "id": "fin", "name": "财务", "participants": [{"type": "users", "users": [fin_id]}]}
        ]}}
    });
    tweak(&mut body);
    let text = body
        .to_string()
        .replace("$boss", &boss_id)
        .replace("$fin", &fin_id)
        .replace("$outsider", &outsider_id);
    let t = app
        .post(
            &admin,
            "/api/v1/flow/templates",
            serde_json::from_str(&text).unwrap(),
        )
        .await
        .expect(200);
    let template = t["id"].as_str().unwrap().to_string();
    app.post(
        &admin,
        &format!("/api/v1/flow/templates/{template}/publish"),
        json!({}),
    )
    .await
    .expect(200);
    FlowSetup {
        admin,
        staff,
        boss,
        fin,
        outsider,
        template,
        staff_id,
        boss_id,
        fin_id,
        outsider_id,
    }
}

/// A second tenant (`acme`) with its administrator signed in, password already changed.
#[allow(dead_code)]
pub async fn second_tenant_admin(app: &TestApp) -> Session {
    xietong_server::tenant::create_tenant(
        app.db(),
        "acme",
        "Acme 集团",
        Some("Acme-Admin#42".into()),
    )
    .await
    .unwrap();
    let res = app
        .post(
            &Session::anonymous(),
            "/api/v1/auth/login",
            json!({"username": "admin", "password": "Acme-Admin#42", "tenant": "acme"}),
        )
        .await;
    let b = session_from(&res);
    res.expect(200);
    app.post(
        &b,
        "/api/v1/auth/password",
        json!({"old_password": "Acme-Admin#42", "new_password": "Acme-Boss#2027"}),
    )
    .await
    .expect(204);
    b
}

/// The id of the tenant `s` belongs to.
#[allow(dead_code)]
pub async fn tenant_of(app: &TestApp, s: &Session) -> uuid::Uuid {
    app.get(s, "/api/v1/me").await.expect(200)["tenant"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Sets the due time of every task of an instance (time passing, for tests).
#[allow(dead_code)]
pub async fn set_task_due(app: &TestApp, instance: &str, at: chrono::DateTime<chrono::Utc>) {
    let backend = app.db().get_database_backend();
    let id: uuid::Uuid = instance.parse().unwrap();
    app.db()
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => {
                    "UPDATE flow_tasks SET due_at = $1 WHERE instance_id = $2"
                }
                _ => "UPDATE flow_tasks SET due_at = ? WHERE instance_id = ?",
            },
            [at.into(), id.into()],
        ))
        .await
        .unwrap();
}

/// Starts an expense instance as the setup's staff member (amount 100).
#[allow(dead_code)]
pub async fn start_expense(app: &TestApp, f: &FlowSetup) -> Value {
    app.post(
        &f.staff,
        "/api/v1/flow/instances",
        json!({"template_id": f.template, "form": {"amount": 100}}),
    )
    .await
    .expect(200)
}

/// The kinds of `s`'s notifications, newest first.
#[allow(dead_code)]
pub async fn notice_kinds(app: &TestApp, s: &Session) -> Vec<String> {
    app.get(s, "/api/v1/notifications?page_size=100")
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

/// Runs the jobs due at `now`; returns how many of them were not notification deliveries
/// (`notify.*`: those ride along with every notice).
#[allow(dead_code)]
pub async fn run_due(app: &TestApp, now: chrono::DateTime<chrono::Utc>) -> usize {
    use sea_orm::{ConnectionTrait, Statement};
    let sum = || async {
        let row = app
            .db()
            .query_one_raw(Statement::from_string(
                app.db().get_database_backend(),
                "SELECT CAST(COALESCE(SUM(attempts), 0) AS BIGINT) FROM jobs WHERE kind NOT LIKE 'notify.%'",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<i64>(0).unwrap()
    };
    let before = sum().await;
    xietong_server::jobs::run_due(&app.app, now).await.unwrap();
    (sum().await - before) as usize
}

/// How many built-in templates every tenant starts with.
#[allow(dead_code)]
pub const BUILTINS: i64 = xietong_forms::builtin::BUILTINS.len() as i64;

/// The names of the built-in templates.
#[allow(dead_code)]
pub fn builtin_names() -> Vec<String> {
    xietong_forms::builtin::BUILTINS
        .iter()
        .map(|b| {
            serde_json::from_str::<Value>(b.json).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}
