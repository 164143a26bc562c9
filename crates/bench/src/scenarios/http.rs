//! The approval workload over HTTP against the real server binary: `xietong serve` on a scratch
//! data directory (embedded SQLite) and a free local port; org and template set up over the API;
//! then ONE sequential client starts each instance and agrees to every open task as its assignee
//! (each person has their own session), reading the open tasks from the instance view that start
//! and every action answer with. SpiffWorkflow's `roundtrip` mode (state reloaded from SQLite
//! before every action, as a stateless server does) runs in the same invocation.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::client::{Api, Session};
use crate::report::{flag, percentile_ms, round};
use crate::workload;

/// `http [--n 2000] [--bin target/release/xietong] [--no-peers] [--peers-dir D] [--bpmn F]`
pub fn run(args: &[String]) -> anyhow::Result<String> {
    let n: usize = flag(args, "n", 2000)?;
    let bin = server_bin(args)?;
    let xml = crate::peers::workload_bpmn(args)?;
    let peer = if args.iter().any(|a| a == "--no-peers") {
        None
    } else {
        Some(crate::peers::spiff(args, "roundtrip", n)?)
    };
    let mut server = Server::start(&bin)?;
    let rt = tokio::runtime::Runtime::new()?;
    let res = rt.block_on(async {
        let api = Api::remote(server.base.clone())?;
        let ready = server.ready(&api).await?;
        measure(&api, &xml, n, ready).await
    });
    let rss = server.peak_rss_kb();
    server.stop();
    let mut out = res?;
    out["server_peak_rss_kb"] = json!(rss);
    if let Some(peer) = peer {
        let ours = out["instances_per_s"].as_f64().unwrap_or(0.0);
        out["ratio_vs_spiff_roundtrip"] = crate::peers::ratio(ours, &peer);
        out["spiff_roundtrip"] = peer;
    }
    Ok(out.to_string())
}

/// The server binary: `--bin`, else `xietong` beside this program.
pub(crate) fn server_bin(args: &[String]) -> anyhow::Result<PathBuf> {
    let default_bin = std::env::current_exe()?
        .parent()
        .map(|d| d.join("xietong"))
        .unwrap_or_else(|| PathBuf::from("target/release/xietong"));
    let bin: PathBuf = flag(args, "bin", default_bin)?;
    ensure!(
        bin.exists(),
        "no server binary at {} (build it: cargo build --release -p xietong-server, or give --bin)",
        bin.display()
    );
    Ok(bin)
}

/// A running `xietong serve`, stopped (SIGTERM, then SIGKILL) when dropped.
pub(crate) struct Server {
    child: Child,
    pub base: String,
    dir: PathBuf,
}

impl Server {
    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn start(bin: &PathBuf) -> anyhow::Result<Server> {
        let dir = crate::scratch::temp_dir("xt-bench-http")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let listen = format!("127.0.0.1:{port}");
        let log = std::fs::File::create(dir.join("server.log"))?;
        let child = Command::new(bin)
            .args(["serve", "--data-dir"])
            .arg(dir.join("data"))
            .args(["--listen", &listen])
            .env("XIETONG_ADMIN_PASSWORD", crate::scratch::ADMIN_INITIAL)
            // the scratch SQLite of --data-dir, whatever this shell's settings say
            .env_remove("XIETONG_DATABASE_URL")
            .env_remove("XIETONG_CONFIG")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        Ok(Server {
            child,
            base: format!("http://{listen}"),
            dir,
        })
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// Waits until `/healthz` answers 200.
    pub async fn ready(&mut self, api: &Api) -> anyhow::Result<Duration> {
        let t0 = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("the server exited ({status}):\n{}", self.log());
            }
            if let Ok(r) = api.call(&Session::default(), "GET", "/healthz", None).await
                && r.status == 200
            {
                return Ok(t0.elapsed());
            }
            if t0.elapsed() > Duration::from_secs(60) {
                bail!("the server did not become ready:\n{}", self.log());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The server process's peak resident set size (VmHWM) in KiB.
    pub fn peak_rss_kb(&self) -> Option<u64> {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    pub fn stop(self) {
        drop(self)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // a graceful stop first (the server closes its database), by process id
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                std::fs::remove_dir_all(&self.dir).ok();
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// The first open task of an instance view: (task id, assignee).
pub(crate) fn next_open(view: &Value) -> Option<(String, Uuid)> {
    view["tasks"].as_array()?.iter().find_map(|t| {
        (t["state"] == "open").then(|| {
            Some((
                t["id"].as_str()?.to_string(),
                Uuid::parse_str(t["assignee_id"].as_str()?).ok()?,
            ))
        })?
    })
}

/// POSTs, timing the request alone (not the parsing); answers the JSON body.
async fn timed_post(
    api: &Api,
    s: &Session,
    path: &str,
    body: Value,
    ns: &mut Vec<u64>,
    bytes: &mut usize,
) -> anyhow::Result<Value> {
    let t0 = Instant::now();
    let r = api.call(s, "POST", path, Some(&body)).await?;
    ns.push(t0.elapsed().as_nanos() as u64);
    ensure!(
        r.status == 200,
        "POST {path}: HTTP {}: {}",
        r.status,
        String::from_utf8_lossy(&r.body)
    );
    *bytes += r.body.len();
    Ok(serde_json::from_slice(&r.body)?)
}

async fn measure(api: &Api, xml: &str, n: usize, ready: Duration) -> anyhow::Result<Value> {
    let admin = workload::admin(api).await?;
    let w = workload::set_up(api, &admin, xml, 10, true).await?;

    let mut task_ns: Vec<u64> = Vec::with_capacity(n * 5);
    let mut start_ns: Vec<u64> = Vec::with_capacity(n);
    let mut tasks_done = 0usize;
    let mut bytes = 0usize;
    let started = Instant::now();
    for i in 0..n {
        let who = &w.applicants[i % w.applicants.len()];
        let mut view = timed_post(
            api,
            &who.session,
            "/api/v1/flow/instances",
            json!({"template_id": w.template_id, "form": workload::form(i, &who.name)}),
            &mut start_ns,
            &mut bytes,
        )
        .await
        .with_context(|| format!("instance {i}: start"))?;
        let mut k = 0;
        while view["status"] == "running" {
            let (task, assignee) =
                next_open(&view).with_context(|| format!("instance {i}: no open task"))?;
            let s = &w
                .approvers
                .get(&assignee)
                .with_context(|| format!("instance {i}: task for an unknown person"))?
                .session;
            view = timed_post(
                api,
                s,
                &format!("/api/v1/flow/tasks/{task}/actions"),
                json!({"action": "agree", "opinion": "同意"}),
                &mut task_ns,
                &mut bytes,
            )
            .await
            .with_context(|| format!("instance {i}: agree"))?;
            k += 1;
        }
        ensure!(
            view["status"] == "approved",
            "instance {i} ended {}",
            view["status"]
        );
        let expected = workload::expected_tasks(i);
        ensure!(
            k == expected,
            "instance {i}: completed {k} tasks, expected {expected}"
        );
        tasks_done += k;
    }
    let elapsed = started.elapsed().as_secs_f64();
    task_ns.sort_unstable();
    start_ns.sort_unstable();
    Ok(json!({
        "scenario": "http",
        "backend": "sqlite",
        "api": "HTTP/1.1, one sequential client, session cookie + CSRF",
        "n": n,
        "user_tasks": tasks_done,
        "server_ready_ms": round(ready.as_secs_f64() * 1e3, 1),
        "elapsed_s": round(elapsed, 3),
        "instances_per_s": round(n as f64 / elapsed, 1),
        "tasks_per_s": round(tasks_done as f64 / elapsed, 1),
        "task_latency_ms_p50": round(percentile_ms(&task_ns, 50.0), 3),
        "task_latency_ms_p99": round(percentile_ms(&task_ns, 99.0), 3),
        "start_latency_ms_p50": round(percentile_ms(&start_ns, 50.0), 3),
        "start_latency_ms_p99": round(percentile_ms(&start_ns, 99.0), 3),
        "response_bytes_mean": bytes / (n + tasks_done).max(1),
    }))
}
