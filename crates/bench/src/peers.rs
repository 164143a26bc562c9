//! The peer engines of `shared/bench/peers`, run in the same invocation as Xietong's measurement
//! (machines are noisy: only same-run ratios compare). SpiffWorkflow is the fastest peer in every
//! mode (see the peers' README), so it is the one the scenarios compare with.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use serde_json::Value;

/// The peers directory: `--peers-dir`, else `../shared/bench/peers` from the repository root (the
/// usual working directory), else the same path from this crate.
pub fn peers_dir(args: &[String]) -> anyhow::Result<PathBuf> {
    let given: String = crate::report::flag(args, "peers-dir", String::new())?;
    let candidates = [
        given,
        "../shared/bench/peers".to_string(),
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench/peers").to_string(),
    ];
    candidates
        .iter()
        .filter(|c| !c.is_empty())
        .map(PathBuf::from)
        .find(|p| p.join("spiff_bench.py").exists())
        .context("cannot find shared/bench/peers (give --peers-dir, or --no-peers)")
}

/// The workload's BPMN file (`oa-approval.spiff.bpmn`), `--bpmn` to override.
pub fn workload_bpmn(args: &[String]) -> anyhow::Result<String> {
    let default = match peers_dir(args) {
        Ok(d) => d.join("oa-approval.spiff.bpmn").display().to_string(),
        Err(_) => crate::scenarios::engine::default_bpmn(),
    };
    let path: String = crate::report::flag(args, "bpmn", default)?;
    std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))
}

/// The peers' Python: `$PEERS_VENV/bin/python` (default `/tmp/peers/venv`), installed with the
/// peers' own `install.sh` when missing.
fn python(dir: &Path) -> anyhow::Result<PathBuf> {
    let venv = std::env::var("PEERS_VENV").unwrap_or_else(|_| "/tmp/peers/venv".into());
    let py = PathBuf::from(&venv).join("bin/python");
    let ready = |py: &Path| {
        py.exists()
            && Command::new(py)
                .args(["-c", "import SpiffWorkflow"])
                .output()
                .is_ok_and(|o| o.status.success())
    };
    if ready(&py) {
        return Ok(py);
    }
    eprintln!("xietong-bench: installing the peers (shared/bench/peers/install.sh) …");
    let status = Command::new("bash")
        .arg(dir.join("install.sh"))
        .status()
        .context("running the peers' install.sh")?;
    if !status.success() || !ready(&py) {
        bail!("the peers did not install (run shared/bench/peers/install.sh, or pass --no-peers)");
    }
    Ok(py)
}

/// Runs `spiff_bench.py --mode <mode> --n <n>` and returns its JSON line.
pub fn spiff(args: &[String], mode: &str, n: usize) -> anyhow::Result<Value> {
    let dir = peers_dir(args)?;
    let py = python(&dir)?;
    let scratch = crate::scratch::temp_dir("xt-bench-spiff")?;
    let out = Command::new(&py)
        .arg(dir.join("spiff_bench.py"))
        .args(["--mode", mode, "--n", &n.to_string(), "--db"])
        .arg(scratch.join("spiff.sqlite"))
        .output()
        .context("running spiff_bench.py");
    std::fs::remove_dir_all(&scratch).ok();
    let out = out?;
    if !out.status.success() {
        bail!(
            "spiff_bench.py --mode {mode} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or("");
    serde_json::from_str(line).with_context(|| format!("spiff_bench.py printed: {text}"))
}

/// Xietong's rate over the peer's (instances per second), rounded.
pub fn ratio(ours: f64, peer: &Value) -> Value {
    match peer["instances_per_s"].as_f64() {
        Some(p) if p > 0.0 => serde_json::json!(crate::report::round(ours / p, 2)),
        _ => Value::Null,
    }
}
