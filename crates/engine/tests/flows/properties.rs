//! Property tests: random valid tree-shaped flows and random action sequences keep DESIGN §3's
//! invariants: a running instance always has work waiting, a finished one has none, every
//! instance can still end, history only grows.

use crate::support::*;
use proptest::prelude::*;
use serde_json::{Value, json};
use xietong_engine::*;

/// A random tree of approvers, conditions and parallel/inclusive blocks.
fn arb_nodes(depth: u32) -> BoxedStrategy<Vec<Value>> {
    let leaf = (0u8..4, 1usize..3).prop_map(|(mode, n)| {
        let users: Vec<String> = (0..n).map(|k| format!("p{k}")).collect();
        let mode = ["single", "all", "any", "sequential"][mode as usize];
        json!({"type": "approver", "participants": [{"type": "users", "users": users}], "mode": {"type": mode},
               "on_disagree": "return_to_initiator"})
    });
    if depth == 0 {
        return prop::collection::vec(leaf, 1..3).boxed();
    }
    let block =
        (0u8..3, prop::collection::vec(arb_nodes(depth - 1), 2..4)).prop_map(|(kind, branches)| {
            let kind = ["conditions", "parallel", "inclusive"][kind as usize];
            let n = branches.len();
            let branches: Vec<Value> = branches
                .into_iter()
                .enumerate()
                .map(|(i, nodes)| {
                    let cond =
                        (kind != "parallel" && i + 1 < n).then(|| format!("amount > {}", i * 100));
                    json!({"condition": cond, "nodes": nodes})
                })
                .collect();
            json!({"type": kind, "branches": branches})
        });
    prop::collection::vec(prop_oneof![3 => leaf, 1 => block], 1..4).boxed()
}

/// Puts an interrupting timer on the approve nodes picked by `picks`, leaving to the node's own
/// successor (an escalation that skips the node).
fn with_timers(mut graph: FlowGraph, picks: &[bool]) -> FlowGraph {
    let approvers: Vec<NodeId> = (0..graph.nodes.len() as u32)
        .map(NodeId)
        .filter(|n| graph.nodes[n.index()].kind.is_task())
        .collect();
    for (k, node) in approvers.into_iter().enumerate() {
        if !picks.get(k).copied().unwrap_or(false) {
            continue;
        }
        let next = graph
            .edges
            .iter()
            .find(|e| e.from == node)
            .map(|e| e.to)
            .unwrap();
        // a second edge into a split gateway would make it a join as well (BPMN semantics)
        let splits = graph.edges.iter().filter(|e| e.from == next).count() > 1;
        if graph.nodes[next.index()].kind.is_forking_gateway() && splits {
            continue;
        }
        let key = format!("timer_{}", graph.nodes[node.index()].key);
        graph.nodes.push(Node {
            key: key.clone(),
            name: String::new(),
            parent: None,
            layout: None,
            kind: NodeKind::TimerBoundary {
                attached_to: node,
                after: TimeLimit {
                    amount: 8,
                    unit: TimeUnit::WorkingHours,
                },
                interrupting: true,
            },
        });
        let timer = NodeId(graph.nodes.len() as u32 - 1);
        graph.edges.push(xietong_engine::model::Edge {
            key: format!("{key}_out"),
            name: String::new(),
            from: timer,
            to: next,
            condition: None,
            is_default: false,
        });
    }
    graph
}

/// Gives every node a unique id.
fn number(nodes: &mut [Value], next: &mut usize) {
    for n in nodes {
        n["id"] = json!(format!("n{next}"));
        *next += 1;
        if let Some(branches) = n.get_mut("branches").and_then(Value::as_array_mut) {
            for b in branches {
                if let Some(inner) = b.get_mut("nodes").and_then(Value::as_array_mut) {
                    number(inner, next);
                }
            }
        }
    }
}

#[derive(Clone, Debug)]
enum Step {
    Agree(usize),
    Disagree(usize),
    SendBackPrevious(usize),
    SendBackInitiator(usize),
    SendBackTo(usize, usize),
    AddSigner(usize, u8),
    Transfer(usize),
    Read(usize),
    RemoveOther(usize),
    Delegate(usize),
    Withdraw,
    FireTimer(usize),
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => any::<usize>().prop_map(Step::Agree),
        1 => any::<usize>().prop_map(Step::Disagree),
        1 => any::<usize>().prop_map(Step::SendBackPrevious),
        1 => any::<usize>().prop_map(Step::SendBackInitiator),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Step::SendBackTo(a, b)),
        1 => (any::<usize>(), 0u8..3).prop_map(|(a, p)| Step::AddSigner(a, p)),
        1 => any::<usize>().prop_map(Step::Transfer),
        1 => any::<usize>().prop_map(Step::Read),
        1 => any::<usize>().prop_map(Step::RemoveOther),
        1 => any::<usize>().prop_map(Step::Delegate),
        1 => Just(Step::Withdraw),
        1 => any::<usize>().prop_map(Step::FireTimer),
    ]
}

fn pick(i: &Instance<'_>, k: usize) -> (TaskId, String) {
    let open: Vec<_> = i.state.open_tasks().collect();
    let t = open[k % open.len()];
    (t.id, t.assignee.to_string())
}

fn run_step(i: &mut Instance<'_>, step: &Step, extra: &mut usize) {
    if let Step::FireTimer(k) = step {
        if !i.state.timers.is_empty() {
            let timer = i.state.timers[k % i.state.timers.len()].id;
            i.act("system", Action::FireTimer { timer })
                .expect("a pending timer fires");
        }
        return;
    }
    if i.state.open_tasks().next().is_none() {
        return;
    }
    let reason = "理由：需要补充材料".to_string();
    let (task, who) = match step {
        Step::Agree(k)
        | Step::Disagree(k)
        | Step::SendBackPrevious(k)
        | Step::SendBackInitiator(k)
        | Step::SendBackTo(k, _)
        | Step::AddSigner(k, _)
        | Step::Transfer(k)
        | Step::Read(k)
        | Step::RemoveOther(k)
        | Step::Delegate(k) => pick(i, *k),
        Step::Withdraw | Step::FireTimer(_) => (TaskId(0), String::new()),
    };
    let resubmit = i.w.def.key(
        i.state
            .tasks
            .iter()
            .find(|t| t.id == task)
            .map_or(i.w.def.node_id("start").unwrap(), |t| t.node),
    ) == "start";
    let action = if resubmit && !matches!(step, Step::Withdraw) {
        Action::Resubmit { task, form: None }
    } else {
        match step {
            Step::Agree(_) => Action::Agree {
                task,
                opinion: reason,
                form: None,
            },
            Step::Disagree(_) => Action::Disagree {
                task,
                opinion: reason,
            },
            Step::SendBackPrevious(_) => Action::SendBack {
                task,
                target: SendBackTarget::Previous,
                opinion: reason,
            },
            Step::SendBackInitiator(_) => Action::SendBack {
                task,
                target: SendBackTarget::Initiator,
                opinion: reason,
            },
            Step::SendBackTo(_, n) => {
                let passed = &i.state.passed;
                if passed.is_empty() {
                    return;
                }
                let key = i.w.def.key(passed[n % passed.len()]).to_string();
                Action::SendBack {
                    task,
                    target: SendBackTarget::Node { key },
                    opinion: reason,
                }
            }
            Step::AddSigner(_, p) => {
                *extra += 1;
                let position = [
                    SignerPosition::Before,
                    SignerPosition::After,
                    SignerPosition::Parallel,
                ][*p as usize];
                Action::AddSigners {
                    task,
                    users: vec![u(&format!("extra{extra}"))],
                    position,
                }
            }
            Step::Transfer(_) => {
                *extra += 1;
                Action::Transfer {
                    task,
                    to: u(&format!("t{extra}")),
                    opinion: reason,
                }
            }
            Step::Read(_) => Action::Read {
                task,
                opinion: reason,
            },
            Step::RemoveOther(_) => {
                let token = i.state.tasks.iter().find(|t| t.id == task).map(|t| t.token);
                let other = i
                    .state
                    .tasks
                    .iter()
                    .find(|t| Some(t.token) == token && t.id != task);
                let Some(other) = other else { return };
                Action::RemoveSigners {
                    task,
                    users: vec![other.assignee.clone()],
                }
            }
            Step::Delegate(_) => {
                // delegate, and the delegate hands it straight back
                *extra += 1;
                let helper = format!("d{extra}");
                let before = i.history.len();
                if i.act(
                    &who,
                    Action::Delegate {
                        task,
                        to: u(&helper),
                        opinion: reason.clone(),
                    },
                )
                .is_err()
                {
                    assert_eq!(i.history.len(), before);
                    return;
                }
                let back = i.task(&helper);
                Action::ReturnDelegation {
                    task: back,
                    opinion: reason,
                }
            }
            Step::Withdraw | Step::FireTimer(_) => Action::Withdraw { reason },
        }
    };
    let actor = if let Action::ReturnDelegation { task, .. } = &action {
        i.state
            .tasks
            .iter()
            .find(|t| t.id == *task)
            .map(|t| t.assignee.to_string())
            .unwrap_or_default()
    } else if matches!(action, Action::Withdraw { .. }) {
        "staff".to_string()
    } else {
        who
    };
    let before = i.history.len();
    match i.act(&actor, action) {
        Ok(()) => assert!(i.history.len() > before),
        Err(Refusal::RunawayLoop(k)) => panic!("runaway at {k}"),
        Err(_) => assert_eq!(i.history.len(), before),
    }
}

/// Agrees to every open task (resubmitting when sent back) until the instance ends.
fn drive_to_end(i: &mut Instance<'_>) {
    for _ in 0..500 {
        if i.state.status != Status::Running {
            return;
        }
        let (task, who) = pick(i, 0);
        let action = if who == "staff"
            && i.state
                .tasks
                .iter()
                .any(|t| t.id == task && i.w.def.key(t.node) == "start")
        {
            Action::Resubmit { task, form: None }
        } else {
            Action::Agree {
                task,
                opinion: "同意：金额与用途均已核对".into(),
                form: None,
            }
        };
        i.act(&who, action)
            .unwrap_or_else(|e| panic!("{who}: {e} in {:?}", i.state));
    }
    panic!("instance did not end: {:?}", i.state);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_flows_and_actions_keep_the_invariants(
        mut nodes in arb_nodes(2),
        amount in prop_oneof![Just(0), Just(150), Just(100_000)],
        steps in prop::collection::vec(arb_step(), 0..25),
        timers in prop::collection::vec(any::<bool>(), 0..6),
    ) {
        let mut next = 0;
        number(&mut nodes, &mut next);
        let tree: xietong_engine::tree::FlowTree =
            serde_json::from_value(json!({"key": "p", "fields": ["amount"], "nodes": nodes})).unwrap();
        let graph = with_timers(xietong_engine::tree::to_graph(&tree), &timers);
        let def = FlowDefinition::new(graph).unwrap_or_else(|e| panic!("{e:?}"));
        let bpmn_round = xietong_engine::bpmn::import(&xietong_engine::bpmn::export(def.graph())).unwrap();
        prop_assert_eq!(&bpmn_round.without_layout(), def.graph());
        let w = World::new(def);
        let mut i = w.start("staff", json!({"amount": amount}));
        let mut extra = 0;
        for step in &steps {
            run_step(&mut i, step, &mut extra);
            if i.state.status != Status::Running {
                break;
            }
        }
        // whatever happened, the instance can still end (or be cancelled)
        let mut cancelled = Instance { w: &w, state: i.state.clone(), history: Vec::new(), effects: Vec::new() };
        if cancelled.state.status == Status::Running {
            cancelled.act("staff", Action::Cancel { reason: String::new() }).unwrap();
            prop_assert_eq!(cancelled.state.status, Status::Cancelled);
        }
        drive_to_end(&mut i);
        prop_assert!(i.state.status != Status::Running);
        let serials = i.effects.iter().filter(|e| **e == Effect::SerialNumberRequested).count();
        prop_assert_eq!(serials, 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_condition_parser_never_panics(text in "[a-z0-9 .,()\\[\\]!=<>&|'\"+*/-]{0,60}") {
        if let Ok(expr) = xietong_engine::expr::Expr::parse(&text) {
            let _ = expr.fields();
        }
    }

    #[test]
    fn the_bpmn_importer_never_panics_on_damaged_documents(cut in 0usize..4000, flip in 0usize..4000, byte in 32u8..127) {
        let graph = xietong_engine::tree::to_graph(&serde_json::from_value(json!({"key": "k", "nodes": [
            {"type": "approver", "id": "a", "participants": [{"type": "users", "users": ["x"]}]},
            {"type": "parallel", "id": "p", "branches": [{"nodes": []}, {"nodes": []}]}
        ]})).unwrap());
        let mut xml = xietong_engine::bpmn::export(&graph).into_bytes();
        let at = flip % xml.len();
        xml[at] = byte;
        xml.truncate(xml.len() - cut % xml.len());
        if let Ok(text) = String::from_utf8(xml) {
            let _ = xietong_engine::bpmn::load(&text);
        }
    }
}
