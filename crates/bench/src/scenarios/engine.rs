//! The approval workload of `shared/bench/WORKLOAD.md`, in memory: the definition is loaded once
//! from the peers' BPMN file, participants come from a small generated org, and every instance
//! runs start → every open task agreed with form data → end, one after another on one thread.

use crate::report::{flag, peak_rss_kb, percentile_ms, round};
use anyhow::{Context, bail, ensure};
use serde_json::{Value, json};
use std::time::Instant;
use xietong_engine::participants::EmptyOrg;
use xietong_engine::{
    Action, Command, Facts, FlowDefinition, ParticipantRule, StartRequest, Status, Timestamp,
    UserId, WeekendsOnly, bpmn,
};

const DEFAULT_BPMN: &str = "../shared/bench/peers/oa-approval.spiff.bpmn";

pub(crate) fn default_bpmn() -> String {
    // resolved from the repository root (the usual working directory), else from this crate
    let from_crate = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/bench/peers/oa-approval.spiff.bpmn"
    );
    if std::path::Path::new(DEFAULT_BPMN).exists() {
        DEFAULT_BPMN.to_string()
    } else {
        from_crate.to_string()
    }
}

/// Assigns the workload's participants: one department head, one general manager, three distinct
/// countersigners (`people` in that order), the same for every instance.
pub(crate) fn assign_participants(
    def: FlowDefinition,
    people: [&str; 5],
) -> anyhow::Result<FlowDefinition> {
    let [head, gm, cs1, cs2, cs3] = people;
    let mut graph = def.graph().clone();
    for (key, users) in [
        ("dept_head_approve", vec![head]),
        ("gm_approve", vec![gm]),
        ("countersign", vec![cs1, cs2, cs3]),
    ] {
        let id = graph
            .node_id(key)
            .with_context(|| format!("the workload BPMN has no `{key}`"))?;
        let node = graph.nodes[id.index()]
            .kind
            .user_node_mut()
            .with_context(|| format!("`{key}` is not a user task"))?;
        node.participants = vec![ParticipantRule::Users {
            users: users.into_iter().map(UserId::from).collect(),
        }];
    }
    FlowDefinition::new(graph).map_err(|e| anyhow::anyhow!("{e:?}"))
}

/// Runs the scenario: `--n` instances (default 2000), `--bpmn` the workload file, `--copy` to
/// go through `apply` (state copied per command).
pub fn run(args: &[String]) -> anyhow::Result<String> {
    let n: usize = flag(args, "n", 2000)?;
    // `--copy`: every command goes through `apply`, which copies the state first (as a caller
    // that keeps the old state on refusal does); the default changes it in place
    let copy = args.iter().any(|a| a == "--copy");
    let path: String = flag(args, "bpmn", default_bpmn())?;
    let xml = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let parse_start = Instant::now();
    let def = assign_participants(
        bpmn::load(&xml).with_context(|| format!("loading {path}"))?,
        ["u-dept-head", "u-gm", "u-finance", "u-legal", "u-audit"],
    )?;
    let parse_ms = parse_start.elapsed().as_secs_f64() * 1e3;

    let calendar = WeekendsOnly::default();
    let admin = UserId::from("u-admin");
    let facts = Facts {
        now: Timestamp(1_767_225_600),
        org: &EmptyOrg,
        calendar: &calendar,
        admin: &admin,
        supervisor: None,
    };
    let applicants: Vec<UserId> = (0..500)
        .map(|i| UserId::from(format!("user-{i}")))
        .collect();
    let mut latencies: Vec<u64> = Vec::with_capacity(n * 5);
    let mut tasks_done = 0usize;
    let mut states_bytes = 0usize;

    let started = Instant::now();
    for i in 0..n {
        let amount = if i % 2 == 1 { 20000 } else { 5000 };
        let mut form = serde_json::Map::new();
        form.insert("amount".into(), json!(amount));
        form.insert(
            "applicant".into(),
            Value::String(applicants[i % 500].to_string()),
        );
        form.insert("reason".into(), json!("travel expense"));
        form.insert("currency".into(), json!("CNY"));
        let request = StartRequest {
            initiator: applicants[i % 500].clone(),
            initiator_facts: Default::default(),
            form,
            chosen: Default::default(),
        };
        let (mut state, _) = xietong_engine::start(&def, request, &facts)
            .map_err(|e| anyhow::anyhow!("start: {e}"))?;
        let mut k = 0;
        while state.status == Status::Running {
            let t0 = Instant::now();
            let Some(task) = state.open_tasks().next() else {
                bail!("instance {i}: running with no open task")
            };
            let mut data = serde_json::Map::new();
            data.insert("decision".into(), json!("agree"));
            data.insert("comment".into(), json!("agree"));
            let command = Command {
                actor: task.assignee.clone(),
                acting_for: None,
                action: Action::Agree {
                    task: task.id,
                    opinion: "同意".into(),
                    form: Some(data),
                },
            };
            // in memory, as the peers run it: the state is changed in place (the server instead
            // reloads it per request, where a refusal simply discards the copy)
            if copy {
                let (next, _) = xietong_engine::apply(&def, &state, &command, &facts)
                    .map_err(|e| anyhow::anyhow!("instance {i}: {e}"))?;
                state = next;
            } else {
                xietong_engine::apply_in_place(&def, &mut state, &command, &facts)
                    .map_err(|e| anyhow::anyhow!("instance {i}: {e}"))?;
            }
            latencies.push(t0.elapsed().as_nanos() as u64);
            k += 1;
        }
        let expected = if amount > 10000 { 5 } else { 4 };
        ensure!(
            state.status == Status::Approved,
            "instance {i} ended {:?}",
            state.status
        );
        ensure!(
            k == expected,
            "instance {i}: completed {k} tasks, expected {expected}"
        );
        tasks_done += k;
        if i < 10 {
            states_bytes += serde_json::to_vec(&state).map(|v| v.len()).unwrap_or(0);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let out = json!({
        "scenario": "engine",
        "mode": "memory",
        "api": if copy { "apply" } else { "apply_in_place" },
        "n": n,
        "user_tasks": tasks_done,
        "parse_ms": round(parse_ms, 3),
        "elapsed_s": round(elapsed, 4),
        "instances_per_s": round(n as f64 / elapsed, 1),
        "tasks_per_s": round(tasks_done as f64 / elapsed, 1),
        "task_latency_ms_p50": round(percentile_ms(&latencies, 50.0), 5),
        "task_latency_ms_p99": round(percentile_ms(&latencies, 99.0), 5),
        "final_state_bytes": states_bytes / n.clamp(1, 10),
        "peak_rss_kb": peak_rss_kb()?,
    });
    Ok(out.to_string())
}
