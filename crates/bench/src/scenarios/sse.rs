//! Live notifications against the real server binary (embedded SQLite): how many idle
//! server-sent-event streams one server holds and at what memory, and how long a notification
//! takes from the action that causes it to its delivery on a stream while they are open.
//!
//! Setup as in `http`; then `--idle N` streams are opened (one signed-in reader, as many tabs),
//! each read up to its first event; the server process's resident memory is read after the
//! setup and 2 s after the last stream opened; then `--n` instances of the workload
//! run, each applicant listening on a stream of their own, and for each the time from the last
//! approval's HTTP answer (its transaction committed) to the `finished` notification arriving
//! on the initiator's stream is measured.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::http::{Server, next_open};
use crate::client::{Api, Session};
use crate::report::{flag, percentile_ms, round};
use crate::workload;

/// `sse [--idle 10000] [--n 300] [--bin target/release/xietong]`
pub fn run(args: &[String]) -> anyhow::Result<String> {
    let idle: usize = flag(args, "idle", 10_000)?;
    let n: usize = flag(args, "n", 300)?;
    let bin = super::http::server_bin(args)?;
    raise_fd_limit(idle as u64 * 2 + 1024);
    let xml = crate::peers::workload_bpmn(args)?;
    let mut server = Server::start(&bin)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let res = rt.block_on(async {
        let api = Api::remote(server.base.clone())?;
        server.ready(&api).await?;
        measure(&api, &server, &xml, idle, n).await
    });
    let peak = server.peak_rss_kb();
    server.stop();
    let mut out = res?;
    out["server_peak_rss_kb"] = json!(peak);
    Ok(out.to_string())
}

/// Lets this process (and the server it starts) hold `want` open files.
fn raise_fd_limit(want: u64) {
    // SAFETY: getrlimit/setrlimit on this process with a valid struct.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < want {
            lim.rlim_cur = want.min(lim.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

/// Opens a stream as `s` and reads its answer headers and its first event (`ready`), so the
/// server has done all it does for a new stream; the socket then stays open.
async fn open_stream(addr: &str, s: &Session) -> anyhow::Result<TcpStream> {
    let mut sock = TcpStream::connect(addr).await?;
    let req = format!(
        "GET /api/v1/notifications/stream HTTP/1.1\r\nHost: {addr}\r\nCookie: {}\r\nAccept: text/event-stream\r\n\r\n",
        s.cookie
    );
    sock.write_all(req.as_bytes()).await?;
    let mut got = Vec::new();
    let mut chunk = [0u8; 512];
    let head_end = loop {
        if let Some(i) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let k = sock.read(&mut chunk).await?;
        ensure!(k > 0, "stream closed before its headers");
        got.extend_from_slice(&chunk[..k]);
    };
    let head = String::from_utf8_lossy(&got[..head_end]).to_string();
    ensure!(head.starts_with("HTTP/1.1 200"), "stream refused: {head}");
    // the first event ends with a blank line (inside one chunk of the chunked body)
    while !got[head_end..].windows(2).any(|w| w == b"\n\n") {
        let k = sock.read(&mut chunk).await?;
        ensure!(k > 0, "stream closed before its first event");
        got.extend_from_slice(&chunk[..k]);
    }
    Ok(sock)
}

/// Reads a stream and sends each notification's (instance id, kind) with its arrival time.
fn follow(mut sock: TcpStream, tx: mpsc::UnboundedSender<(String, String, Instant)>) {
    tokio::spawn(async move {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let Ok(k) = sock.read(&mut chunk).await else {
                return;
            };
            if k == 0 {
                return;
            }
            let at = Instant::now();
            buf.extend_from_slice(&chunk[..k]);
            // chunked transfer framing and SSE fields: the JSON lines are all we need
            let text = String::from_utf8_lossy(&buf).to_string();
            let Some(cut) = text.rfind('\n') else {
                continue;
            };
            for line in text[..cut].lines() {
                if let Some(data) = line.strip_prefix("data:")
                    && let Ok(v) = serde_json::from_str::<Value>(data.trim())
                    && let (Some(i), Some(kind)) = (v["instance_id"].as_str(), v["kind"].as_str())
                {
                    let _ = tx.send((i.to_string(), kind.to_string(), at));
                }
            }
            buf.drain(..text[..cut].len());
        }
    });
}

fn rss_kb(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

async fn measure(
    api: &Api,
    server: &Server,
    xml: &str,
    idle: usize,
    n: usize,
) -> anyhow::Result<Value> {
    let addr = server.base.trim_start_matches("http://").to_string();
    let admin = workload::admin(api).await?;
    let w = workload::set_up(api, &admin, xml, 10, true).await?;
    let rss_before = rss_kb(server.pid()).context("server memory")?;
    // idle streams, one after another
    let t0 = Instant::now();
    let mut held = Vec::with_capacity(idle);
    for k in 0..idle {
        held.push(
            open_stream(&addr, &admin)
                .await
                .with_context(|| format!("idle stream {k}"))?,
        );
    }
    let open_s = t0.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_idle = rss_kb(server.pid()).context("server memory")?;
    // one live stream per applicant
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut by_applicant: HashMap<Uuid, ()> = HashMap::new();
    for a in &w.applicants {
        if by_applicant.insert(a.id, ()).is_none() {
            follow(open_stream(&addr, &a.session).await?, tx.clone());
        }
    }
    let mut latency_ns: Vec<u64> = Vec::with_capacity(n);
    let mut early: HashMap<String, Instant> = HashMap::new();
    for i in 0..n {
        let who = &w.applicants[i % w.applicants.len()];
        let mut view = api
            .post(
                &who.session,
                "/api/v1/flow/instances",
                json!({"template_id": w.template_id, "form": workload::form(i, &who.name)}),
            )
            .await
            .with_context(|| format!("instance {i}: start"))?;
        let id = view["id"].as_str().unwrap_or_default().to_string();
        let mut answered = Instant::now();
        while view["status"] == "running" {
            let (task, assignee) =
                next_open(&view).with_context(|| format!("instance {i}: no open task"))?;
            let s = &w
                .approvers
                .get(&assignee)
                .with_context(|| format!("instance {i}: task for an unknown person"))?
                .session;
            view = api
                .post(
                    s,
                    &format!("/api/v1/flow/tasks/{task}/actions"),
                    json!({"action": "agree", "opinion": "同意"}),
                )
                .await
                .with_context(|| format!("instance {i}: agree"))?;
            answered = Instant::now();
        }
        ensure!(
            view["status"] == "approved",
            "instance {i} ended {}",
            view["status"]
        );
        let arrived = loop {
            if let Some(at) = early.remove(&id) {
                break at;
            }
            match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
                Ok(Some((inst, kind, at))) if kind == "finished" => {
                    if inst == id {
                        break at;
                    }
                    early.insert(inst, at);
                }
                Ok(Some(_)) => {}
                _ => bail!("instance {i}: no `finished` notification within 10 s"),
            }
        };
        latency_ns.push(arrived.saturating_duration_since(answered).as_nanos() as u64);
    }
    latency_ns.sort_unstable();
    let rss_after = rss_kb(server.pid()).unwrap_or(0);
    drop(held);
    Ok(json!({
        "scenario": "sse",
        "backend": "sqlite",
        "idle_streams": idle,
        "idle_open_s": round(open_s, 2),
        "server_rss_kb_before": rss_before,
        "server_rss_kb_with_idle_streams": rss_idle,
        "server_rss_kb_per_idle_stream": round((rss_idle.saturating_sub(rss_before)) as f64 / idle.max(1) as f64, 2),
        "server_rss_kb_after_workload": rss_after,
        "n": n,
        "delivery_ms_p50": round(percentile_ms(&latency_ns, 50.0), 3),
        "delivery_ms_p99": round(percentile_ms(&latency_ns, 99.0), 3),
        "delivery_ms_max": round(percentile_ms(&latency_ns, 100.0), 3),
        "measured": "last approval's HTTP answer → `finished` notification read on the initiator's stream, with the idle streams open",
    }))
}
