//! Benchmark scenarios. `engine` runs the shared workload in memory against the pure engine;
//! scenarios that need the server (durable, http, lists) are added as further modules here.

mod engine;

/// The scenarios this build knows.
pub const NAMES: [&str; 1] = ["engine"];

/// Runs a scenario and returns its one-line JSON report.
pub fn run(name: &str, args: &[String]) -> anyhow::Result<String> {
    match name {
        "engine" => engine::run(args),
        other => anyhow::bail!("unknown scenario `{other}` (known: {})", NAMES.join(", ")),
    }
}
