//! Benchmark scenarios. `engine` runs the shared workload in memory against the pure engine;
//! `durable` runs it through the flow service on a database, `http` over HTTP against the real
//! server binary; `lists` measures the work lists on a bulk-loaded database; `jobs` the durable
//! job queue; `sse` live notifications (idle streams and delivery time).

mod durable;
pub(crate) mod engine;
mod http;
pub(crate) mod jobs;
mod lists;
mod sse;

/// The scenarios this build knows.
pub const NAMES: [&str; 6] = ["engine", "durable", "http", "lists", "jobs", "sse"];

/// Runs a scenario and returns its one-line JSON report.
pub fn run(name: &str, args: &[String]) -> anyhow::Result<String> {
    match name {
        "engine" => engine::run(args),
        "durable" => durable::run(args),
        "http" => http::run(args),
        "lists" => lists::run(args),
        "jobs" => jobs::run(args),
        "sse" => sse::run(args),
        other => anyhow::bail!("unknown scenario `{other}` (known: {})", NAMES.join(", ")),
    }
}
