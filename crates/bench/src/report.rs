//! Shared measuring helpers: flags, percentiles, peak memory.

use anyhow::{Context, bail};

/// Reads `--name value` from the flags, or the default.
pub fn flag<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    let key = format!("--{name}");
    for pair in args.windows(2) {
        if pair[0] == key {
            return pair[1]
                .parse()
                .map_err(|e| anyhow::anyhow!("--{name}: {e}"));
        }
    }
    if args.last() == Some(&key) {
        bail!("--{name} needs a value");
    }
    Ok(default)
}

/// The p-th percentile (nearest rank, as the peers compute it) of sorted nanoseconds, in ms.
pub fn percentile_ms(sorted_ns: &[u64], p: f64) -> f64 {
    if sorted_ns.is_empty() {
        return 0.0;
    }
    let k = ((p / 100.0) * (sorted_ns.len() - 1) as f64).round() as usize;
    sorted_ns[k.min(sorted_ns.len() - 1)] as f64 / 1e6
}

/// Peak resident set size of this process in KiB (VmHWM).
pub fn peak_rss_kb() -> anyhow::Result<u64> {
    let status =
        std::fs::read_to_string("/proc/self/status").context("reading /proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmHWM in /proc/self/status")
}

/// Rounds for JSON output.
pub fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}
