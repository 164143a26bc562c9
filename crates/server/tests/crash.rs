//! Crash test: the real `xietong` binary is killed with SIGKILL while clients start instances
//! and approve tasks concurrently. After a restart on the same data, every action that was
//! answered with a 2xx before the kill is there, and `xietong check` finds nothing wrong.
//! Once on a scratch SQLite data directory, once on a scratch PostgreSQL database
//! (`XIETONG_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`).
//!
//! Also here, because they need real server processes: a flow timer set before a SIGKILL
//! fires after the restart, and two servers on one PostgreSQL run each of many jobs once.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_xietong");
const ADMIN_INITIAL: &str = "Xietong@2026!";
const ADMIN_PASSWORD: &str = "Xt-Chief#2027";
const USER_PASSWORD: &str = "Green-River-88!";
/// Instances started before the approvers begin.
const INSTANCES: usize = 120;
/// Clients per approver, so that two of them race on the same todo list.
const CLIENTS_PER_APPROVER: usize = 3;
/// The server is killed once this many approvals were acknowledged…
const KILL_AFTER_ACKS: usize = 150;
/// …or after this long, whichever comes first.
const KILL_AFTER: Duration = Duration::from_secs(20);

/// A scratch place for the server's data: a directory, and for PostgreSQL a database.
struct Scratch {
    dir: PathBuf,
    pg: Option<(String, String)>,
    url: Option<String>,
}

impl Scratch {
    async fn new(postgres: bool) -> Scratch {
        let dir = std::env::temp_dir().join(format!("xt-crash-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        if !postgres {
            return Scratch {
                dir,
                pg: None,
                url: None,
            };
        }
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
        let base = admin_url.rsplit_once('/').unwrap().0.to_string();
        let url = format!("{base}/{name}");
        Scratch {
            dir,
            pg: Some((admin_url, name)),
            url: Some(url),
        }
    }

    /// `--data-dir …` and, for PostgreSQL, `--database-url …`.
    fn args(&self) -> Vec<String> {
        let mut a = vec!["--data-dir".to_string(), self.dir.display().to_string()];
        if let Some(url) = &self.url {
            a.push("--database-url".into());
            a.push(url.clone());
        }
        a
    }

    async fn cleanup(self) {
        if let Some((admin_url, name)) = &self.pg
            && let Ok(admin) = Database::connect(admin_url).await
        {
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .ok();
        }
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// A running server; killed (SIGKILL) when dropped, so a failing test leaves none behind.
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Server {
    async fn start(scratch: &Scratch, run: usize) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = scratch.dir.join(format!("server-{run}.log"));
        let child = Command::new(BIN)
            .arg("serve")
            .args(scratch.args())
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("XIETONG_ADMIN_PASSWORD", ADMIN_INITIAL)
            .env("XIETONG_LOGIN_RATE_PER_MINUTE", "10000")
            .env("XIETONG_LOG", "warn")
            .env("XIETONG_JOBS_POLL_MS", "100")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start xietong");
        let mut s = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = http.get(format!("{}/healthz", s.base)).send().await
                && r.status().is_success()
            {
                return s;
            }
            if let Ok(Some(status)) = s.child.try_wait() {
                panic!("server exited with {status}: {}", s.log_text());
            }
            assert!(
                Instant::now() < deadline,
                "server not ready in 30 s: {}",
                s.log_text()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: no graceful shutdown, no chance to finish anything.
    fn kill(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A signed-in HTTP client.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
    cookie: String,
    csrf: String,
}

/// A request that got no answer: the server is gone.
#[derive(Debug)]
struct Gone;

impl Client {
    fn anonymous(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
            base: base.to_string(),
            cookie: String::new(),
            csrf: String::new(),
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(StatusCode, Value), Gone> {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if !self.cookie.is_empty() {
            req = req.header("cookie", &self.cookie);
            if method != Method::GET {
                req = req.header("x-csrf-token", &self.csrf);
            }
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.map_err(|_| Gone)?;
        let status = res.status();
        let bytes = res.bytes().await.map_err(|_| Gone)?;
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }

    /// A call that must succeed (setup and verification).
    async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, v) = self
            .call(method.clone(), path, body)
            .await
            .unwrap_or_else(|_| panic!("{method} {path}: no answer"));
        assert!(status.is_success(), "{method} {path}: {status} {v}");
        v
    }

    async fn login(base: &str, username: &str, password: &str) -> Client {
        let mut c = Client::anonymous(base);
        let res = c
            .http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success(),
            "login {username}: {}",
            res.status()
        );
        let mut cookie = Vec::new();
        for v in res.headers().get_all("set-cookie") {
            let pair = v.to_str().unwrap().split(';').next().unwrap().to_string();
            if let Some(t) = pair.strip_prefix("xt_csrf=") {
                c.csrf = t.to_string();
            }
            cookie.push(pair);
        }
        c.cookie = cookie.join("; ");
        c
    }
}

struct People {
    staff: Client,
    /// (user id, client) of the approvers a1, a2 (countersign) and a3 (finance).
    approvers: Vec<(String, Client)>,
    template: String,
}

async fn user(admin: &Client, base: &str, dept: &str, username: &str) -> (String, Client) {
    let v = admin
        .ok(
            Method::POST,
            "/api/v1/users",
            Some(json!({"username": username, "display_name": format!("测试{username}"), "department_id": dept})),
        )
        .await;
    let id = v["user"]["id"].as_str().unwrap().to_string();
    let initial = v["initial_password"].as_str().unwrap().to_string();
    let c = Client::login(base, username, &initial).await;
    c.ok(
        Method::POST,
        "/api/v1/auth/password",
        Some(json!({"old_password": initial, "new_password": USER_PASSWORD})),
    )
    .await;
    (id, c)
}

/// Users and a published template: a1 and a2 countersign (会签), a copy to the staff, a3.
async fn set_up(base: &str) -> People {
    let admin = Client::login(base, "admin", ADMIN_INITIAL).await;
    admin
        .ok(
            Method::POST,
            "/api/v1/auth/password",
            Some(json!({"old_password": ADMIN_INITIAL, "new_password": ADMIN_PASSWORD})),
        )
        .await;
    let me = admin.ok(Method::GET, "/api/v1/me", None).await["id"].clone();
    let dept = admin.ok(Method::GET, "/api/v1/departments", None).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (staff_id, staff) = user(&admin, base, &dept, "staff").await;
    let mut approvers = Vec::new();
    for name in ["a1", "a2", "a3"] {
        approvers.push(user(&admin, base, &dept, name).await);
    }
    let t = admin
        .ok(Method::POST, "/api/v1/flow/templates", Some(json!({
            "name": "采购申请", "supervisor_id": me,
            "form": {"fields": [{"key": "amount", "label": "金额", "kind": "money", "required": true}]},
            "settings": {"serial_pattern": "CG-{yyyy}-{seq:5}", "serial_reset": "yearly"},
            "definition": {"kind": "tree", "tree": {"key": "purchase", "nodes": [
                {"type": "approver", "id": "sign", "name": "会签", "mode": {"type": "all"},
                 "participants": [{"type": "users", "users": [approvers[0].0, approvers[1].0]}]},
                {"type": "cc", "id": "copy", "name": "抄送", "participants": [{"type": "users", "users": [staff_id]}]},
                {"type": "approver", "id": "fin", "name": "财务", "participants": [{"type": "users", "users": [approvers[2].0]}]}
            ]}}
        })))
        .await;
    let template = t["id"].as_str().unwrap().to_string();
    admin
        .ok(
            Method::POST,
            &format!("/api/v1/flow/templates/{template}/publish"),
            Some(json!({})),
        )
        .await;
    People {
        staff,
        approvers,
        template,
    }
}

/// An action the server acknowledged with a 2xx.
#[derive(Debug, Clone)]
enum Ack {
    Started {
        instance: String,
        serial: String,
    },
    Agreed {
        user: String,
        task: String,
        instance: String,
        opinion: String,
    },
}

/// Approves whatever is in the user's todo list until the server is gone or `stop` is set.
async fn approver(
    user: String,
    c: Client,
    client_no: usize,
    acks: Arc<Mutex<Vec<Ack>>>,
    agreed: Arc<AtomicUsize>,
    lost: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
) {
    let mut round = 0;
    while !stop.load(Ordering::Relaxed) {
        round += 1;
        let Ok((status, todo)) = c
            .call(Method::GET, "/api/v1/flow/todo?page_size=50", None)
            .await
        else {
            return;
        };
        if !status.is_success() {
            return;
        }
        let items = todo["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        // The two clients of one approver walk the list from opposite ends: some collide.
        let ordered: Vec<Value> = if client_no.is_multiple_of(2) {
            items
        } else {
            items.into_iter().rev().collect()
        };
        for item in ordered {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let task = item["task_id"].as_str().unwrap().to_string();
            let instance = item["instance_id"].as_str().unwrap().to_string();
            let opinion = format!("同意 {user} {client_no}/{round} {task}");
            let res = c
                .call(
                    Method::POST,
                    &format!("/api/v1/flow/tasks/{task}/actions"),
                    Some(json!({"action": "agree", "opinion": opinion})),
                )
                .await;
            match res {
                Err(Gone) => return,
                Ok((s, _)) if s.is_success() => {
                    acks.lock().unwrap().push(Ack::Agreed {
                        user: user.clone(),
                        task,
                        instance,
                        opinion,
                    });
                    agreed.fetch_add(1, Ordering::Relaxed);
                }
                // Lost a race to the other client of the same person: a clear 409 (or the
                // engine's refusal of a task that is gone), and nothing happened.
                Ok((s, v)) => {
                    assert!(
                        s == StatusCode::CONFLICT || s == StatusCode::UNPROCESSABLE_ENTITY,
                        "agree {task}: {s} {v}"
                    );
                    lost.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
}

/// Keeps starting instances until the server is gone or `stop` is set.
async fn starter(c: Client, template: String, acks: Arc<Mutex<Vec<Ack>>>, stop: Arc<AtomicBool>) {
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        match start(&c, &template, 1000 + n).await {
            Ok(ack) => acks.lock().unwrap().push(ack),
            Err(Gone) => return,
        }
    }
}

async fn start(c: &Client, template: &str, amount: i64) -> Result<Ack, Gone> {
    let (status, v) = c
        .call(
            Method::POST,
            "/api/v1/flow/instances",
            Some(json!({"template_id": template, "form": {"amount": amount}})),
        )
        .await?;
    assert!(status.is_success(), "start: {status} {v}");
    Ok(Ack::Started {
        instance: v["id"].as_str().unwrap().to_string(),
        serial: v["serial_no"].as_str().unwrap().to_string(),
    })
}

/// Runs `xietong check` on the data; its exit code and output.
fn run_check(scratch: &Scratch) -> (i32, String) {
    let out = Command::new(BIN)
        .arg("check")
        .args(scratch.args())
        .arg("--json")
        .env("XIETONG_LOG", "warn")
        .output()
        .expect("run xietong check");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

async fn survives_sigkill(postgres: bool) {
    let began = Instant::now();
    let scratch = Scratch::new(postgres).await;
    let mut server = Server::start(&scratch, 1).await;
    let people = set_up(&server.base).await;
    let acks: Arc<Mutex<Vec<Ack>>> = Arc::new(Mutex::new(Vec::new()));
    // Four starters at once: they queue on the serial counter.
    let mut starts = Vec::new();
    for k in 0..4 {
        let c = people.staff.clone();
        let t = people.template.clone();
        starts.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for n in 0..INSTANCES / 4 {
                out.push(start(&c, &t, (k * 100 + n) as i64).await.unwrap());
            }
            out
        }));
    }
    for s in starts {
        let started = s.await.unwrap();
        acks.lock().unwrap().extend(started);
    }
    let setup_done = began.elapsed();

    let agreed = Arc::new(AtomicUsize::new(0));
    let lost = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for (id, c) in &people.approvers {
        for k in 0..CLIENTS_PER_APPROVER {
            clients.push(tokio::spawn(approver(
                id.clone(),
                c.clone(),
                k,
                acks.clone(),
                agreed.clone(),
                lost.clone(),
                stop.clone(),
            )));
        }
    }
    clients.push(tokio::spawn(starter(
        people.staff.clone(),
        people.template.clone(),
        acks.clone(),
        stop.clone(),
    )));
    let load_began = Instant::now();
    while agreed.load(Ordering::Relaxed) < KILL_AFTER_ACKS && load_began.elapsed() < KILL_AFTER {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Mid-way, with requests in flight: SIGKILL.
    server.kill();
    let killed_after = load_began.elapsed();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    let acks = acks.lock().unwrap().clone();
    let agreed_n = acks
        .iter()
        .filter(|a| matches!(a, Ack::Agreed { .. }))
        .count();
    assert!(
        agreed_n >= 10,
        "the load ran too briefly to mean anything: {agreed_n} approvals in {killed_after:?}\n{}",
        server.log_text()
    );

    // Restart on the same data: everything acknowledged is there.
    let server2 = Server::start(&scratch, 2).await;
    let staff = Client {
        base: server2.base.clone(),
        ..people.staff.clone()
    };
    let mut started = 0;
    let mut serials = std::collections::HashSet::new();
    for a in &acks {
        match a {
            Ack::Started { instance, serial } => {
                started += 1;
                let v = staff
                    .ok(
                        Method::GET,
                        &format!("/api/v1/flow/instances/{instance}"),
                        None,
                    )
                    .await;
                assert_eq!(&v["serial_no"], serial.as_str(), "{v}");
                assert!(serials.insert(serial.clone()), "{serial} issued twice");
            }
            Ack::Agreed {
                user,
                task,
                instance,
                opinion,
            } => {
                // The initiator sees the whole instance: the task closed, the decision in history.
                let v = staff
                    .ok(
                        Method::GET,
                        &format!("/api/v1/flow/instances/{instance}"),
                        None,
                    )
                    .await;
                let t = v["tasks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|t| t["id"] == task.as_str())
                    .unwrap_or_else(|| panic!("task {task} missing after restart: {v}"));
                assert_eq!(t["state"], "closed", "acknowledged task {task}: {t}");
                assert_eq!(t["close_reason"], "completed", "{t}");
                assert!(
                    v["history"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|h| h["action"] == "decided"
                            && h["actor_id"] == user.as_str()
                            && h["opinion"] == opinion.as_str()),
                    "acknowledged decision {opinion:?} missing from history: {}",
                    v["history"]
                );
            }
        }
    }
    // The admin can still sign in and the server works after the crash.
    let admin = Client::login(&server2.base, "admin", ADMIN_PASSWORD).await;
    admin.ok(Method::GET, "/api/v1/flow/counts", None).await;

    // `xietong check` on the live data finds nothing wrong.
    let (code, out) = run_check(&scratch);
    assert_eq!(code, 0, "xietong check after the crash:\n{out}");
    let report: Value = serde_json::from_str(out.trim_start()).unwrap_or(Value::Null);
    assert!(
        report["instances"].as_u64().unwrap_or(0) >= started as u64,
        "{out}"
    );
    drop(server2);

    // The exit codes: 1 when something is wrong, 2 when the check cannot run.
    let url = scratch.url.clone().unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rw",
            scratch.dir.join("xietong.db").display()
        )
    });
    let db = Database::connect(&url).await.unwrap();
    db.execute_unprepared(
        "UPDATE flow_instances SET status = 'cancelled' WHERE status = 'running'",
    )
    .await
    .unwrap();
    let (code, out) = run_check(&scratch);
    assert_eq!(code, 1, "{out}");
    let report: Value = serde_json::from_str(out.trim_start()).unwrap();
    assert!(
        report["counts"]["status_mismatch"].as_u64().unwrap() >= 1,
        "{out}"
    );
    db.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29990101_000001_future', 0)",
    )
    .await
    .unwrap();
    db.close().await.ok();
    let (code, out) = run_check(&scratch);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("newer than this binary"), "{out}");
    eprintln!(
        "{}: setup {:.1}s, {} starts and {agreed_n} approvals acknowledged ({} races lost), killed after {:.1}s of load, whole test {:.1}s",
        if postgres { "postgres" } else { "sqlite" },
        setup_done.as_secs_f64(),
        started,
        lost.load(Ordering::Relaxed),
        killed_after.as_secs_f64(),
        began.elapsed().as_secs_f64()
    );
    drop(server);
    scratch.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_keeps_every_acknowledged_action_across_sigkill() {
    survives_sigkill(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_keeps_every_acknowledged_action_across_sigkill() {
    survives_sigkill(true).await;
}

/// A published template whose one approval step (by `approver`) times out after a minute.
async fn timed_template(admin: &Client, approver: &str) -> String {
    let bpmn = format!(
        r#"<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:x="https://xietong.dev/schema/bpmn/1" id="d">
  <process id="timed" isExecutable="true">
    <startEvent id="s"/>
    <userTask id="approve" name="审批"><extensionElements><x:config>{{"participants":[{{"type":"users","users":["{approver}"]}}]}}</x:config></extensionElements></userTask>
    <boundaryEvent id="late" attachedToRef="approve"><timerEventDefinition><timeDuration>PT1M</timeDuration></timerEventDefinition></boundaryEvent>
    <endEvent id="done"/>
    <endEvent id="timed_out"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="approve"/>
    <sequenceFlow id="f2" sourceRef="approve" targetRef="done"/>
    <sequenceFlow id="f3" sourceRef="late" targetRef="timed_out"/>
  </process>
</definitions>"#
    );
    let me = admin.ok(Method::GET, "/api/v1/me", None).await["id"].clone();
    let t = admin
        .ok(
            Method::POST,
            "/api/v1/flow/templates",
            Some(json!({
                "name": "限时审批", "supervisor_id": me,
                "form": {"fields": [{"key": "amount", "label": "金额", "kind": "money", "required": true}]},
                "definition": {"kind": "bpmn", "bpmn": bpmn}
            })),
        )
        .await;
    let id = t["id"].as_str().unwrap().to_string();
    admin
        .ok(
            Method::POST,
            &format!("/api/v1/flow/templates/{id}/publish"),
            Some(json!({})),
        )
        .await;
    id
}

async fn timer_fires_after_restart(postgres: bool) {
    let scratch = Scratch::new(postgres).await;
    let mut server = Server::start(&scratch, 1).await;
    let base = server.base.clone();
    let admin = Client::login(&base, "admin", ADMIN_INITIAL).await;
    admin
        .ok(
            Method::POST,
            "/api/v1/auth/password",
            Some(json!({"old_password": ADMIN_INITIAL, "new_password": ADMIN_PASSWORD})),
        )
        .await;
    let dept = admin.ok(Method::GET, "/api/v1/departments", None).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, staff) = user(&admin, &base, &dept, "staff").await;
    let (boss_id, _) = user(&admin, &base, &dept, "boss").await;
    let template = timed_template(&admin, &boss_id).await;
    let inst = staff
        .ok(
            Method::POST,
            "/api/v1/flow/instances",
            Some(json!({"template_id": template, "form": {"amount": 1}})),
        )
        .await;
    let id = inst["id"].as_str().unwrap().to_string();
    // Killed before the timer is due; while it is down the minute passes (the test moves the
    // due time instead of waiting for it).
    server.kill();
    let db = Database::connect(scratch.url.clone().unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rw",
            scratch.dir.join("xietong.db").display()
        )
    }))
    .await
    .unwrap();
    let moved = db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            db.get_database_backend(),
            if postgres {
                "UPDATE jobs SET run_at = $1 WHERE kind = 'flow.timer' AND state = 'pending'"
            } else {
                "UPDATE jobs SET run_at = ? WHERE kind = 'flow.timer' AND state = 'pending'"
            },
            [(chrono::Utc::now() - chrono::Duration::seconds(1)).into()],
        ))
        .await
        .unwrap();
    assert_eq!(
        moved.rows_affected(),
        1,
        "the timer's job survived the kill"
    );
    db.close().await.ok();
    let server = Server::start(&scratch, 2).await;
    let staff = Client {
        base: server.base.clone(),
        ..staff
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let view = loop {
        let v = staff
            .ok(Method::GET, &format!("/api/v1/flow/instances/{id}"), None)
            .await;
        if v["status"] != "running" {
            break v;
        }
        assert!(
            Instant::now() < deadline,
            "the timer did not fire after the restart: {v}\n{}",
            server.log_text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let fired = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "timer_fired")
        .count();
    assert_eq!(fired, 1, "{view}");
    drop(server);
    scratch.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_timer_set_before_a_sigkill_fires_after_the_restart() {
    timer_fires_after_restart(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_timer_set_before_a_sigkill_fires_after_the_restart() {
    timer_fires_after_restart(true).await;
}

/// Jobs enqueued for the two-node test.
const PROBES: usize = 400;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_run_each_job_exactly_once() {
    let scratch = Scratch::new(true).await;
    let a = Server::start(&scratch, 1).await;
    let b = Server::start(&scratch, 2).await;
    let db = Database::connect(scratch.url.clone().unwrap())
        .await
        .unwrap();
    let tenant: uuid::Uuid = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM tenants LIMIT 1",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "id")
        .unwrap();
    for _ in 0..PROBES {
        xietong_server::jobs::enqueue(
            &db,
            xietong_server::jobs::NewJob::new(tenant, xietong_server::jobs::KIND_PROBE, json!({})),
        )
        .await
        .unwrap();
    }
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            db.query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql,
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap()
        }
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while count("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'system.probe' AND state = 'done'")
        .await
        < PROBES as i64
    {
        assert!(
            Instant::now() < deadline,
            "jobs not done in 60 s\nA: {}\nB: {}",
            a.log_text(),
            b.log_text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Each ran once: one probe record per job, every job on its first attempt.
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'job.probe'").await,
        PROBES as i64
    );
    assert_eq!(
        count("SELECT COUNT(DISTINCT target_id) AS n FROM audit_log WHERE action = 'job.probe'")
            .await,
        PROBES as i64
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'system.probe' AND attempts <> 1").await,
        0
    );
    // Both servers took part (the probe names the node that ran it).
    let nodes = count(
        "SELECT COUNT(DISTINCT substr(summary, 1, position(' ' in summary))) AS n \
         FROM audit_log WHERE action = 'job.probe'",
    )
    .await;
    assert_eq!(nodes, 2, "probes ran on {nodes} node(s)");
    db.close().await.ok();
    drop((a, b));
    scratch.cleanup().await;
}

/// Agrees to every task in the user's 待办 list.
async fn agree_all(c: &Client) -> usize {
    let todo = c
        .ok(Method::GET, "/api/v1/flow/todo?page_size=50", None)
        .await;
    let mut n = 0;
    for item in todo["items"].as_array().cloned().unwrap_or_default() {
        let task = item["task_id"].as_str().unwrap();
        c.ok(
            Method::POST,
            &format!("/api/v1/flow/tasks/{task}/actions"),
            Some(json!({"action": "agree", "opinion": "同意"})),
        )
        .await;
        n += 1;
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_on_one_server_reaches_a_stream_on_the_other() {
    let scratch = Scratch::new(true).await;
    let a = Server::start(&scratch, 1).await;
    let b = Server::start(&scratch, 2).await;
    let people = set_up(&a.base).await;
    // The initiator listens on B (sessions live in the database: any node answers).
    let mut res = reqwest::Client::new()
        .get(format!("{}/api/v1/notifications/stream", b.base))
        .header("cookie", &people.staff.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut seen = String::new();
    while !seen.contains("event: ready") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), res.chunk())
            .await
            .expect("the stream opens")
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    // Everything happens on A.
    let Ack::Started { instance, .. } = start(&people.staff, &people.template, 7).await.unwrap()
    else {
        unreachable!()
    };
    let mut agreed = 0;
    for round in 0..2 {
        for (_, c) in &people.approvers {
            agreed += agree_all(c).await;
        }
        if agreed == 3 {
            break;
        }
        assert!(round == 0, "three approvals");
    }
    let acted = Instant::now();
    let db = Database::connect(scratch.url.clone().unwrap())
        .await
        .unwrap();
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT seq, kind FROM notifications ORDER BY seq",
        ))
        .await
        .unwrap();
    let stored: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}:{}",
                r.try_get::<i64>("", "seq").unwrap(),
                r.try_get::<String>("", "kind").unwrap()
            )
        })
        .collect();
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    let delivered = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let chunk = tokio::time::timeout(left, res.chunk())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "no notification on B within 10 s: {text}\nstored: {stored:?}\nA: {}\nB: {}",
                    a.log_text(),
                    b.log_text()
                )
            })
            .unwrap()
            .expect("stream open");
        text.push_str(&String::from_utf8_lossy(&chunk));
        if let Some(line) = text
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .map(|d| serde_json::from_str::<Value>(d.trim()).unwrap_or(Value::Null))
            .find(|v| v["kind"] == "finished" && v["instance_id"] == instance.as_str())
        {
            break line;
        }
    };
    assert_eq!(
        delivered["title"].as_str().map(|t| !t.is_empty()),
        Some(true)
    );
    eprintln!(
        "finished on A, delivered on B {} ms after the last approval's answer",
        acted.elapsed().as_millis()
    );
    drop(res);
    drop(a);
    drop(b);
    scratch.cleanup().await;
}
