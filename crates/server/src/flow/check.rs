//! `xietong check`: reads every flow instance with its task, history, carbon-copy and serial
//! rows and reports where they disagree with each other or break DESIGN §3's invariants.
//!
//! What "consistent" means comes from the service's writer (`service.rs`): the instance row
//! holds the engine state; `flow_tasks` has an `open` row for each open task of the state and
//! no other; `flow_history` has rows `0..history_seq`; `flow_cc` has an unread row for each
//! unread copy of the state; every row carries its instance's tenant; serial numbers are
//! unique per template and counter period, and each counter stands at the highest number it
//! issued.
//!
//! Everything is read in one read-only transaction (repeatable read on PostgreSQL, a deferred
//! transaction on SQLite in WAL mode), so a running server does not make it see half an
//! action; instances are read in pages of [`PAGE`] by id.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    AccessMode, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, EntityTrait, FromQueryResult, IsolationLevel, QueryFilter, QueryOrder, QuerySelect,
    Statement, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;
use xietong_engine as engine;
use xietong_engine::invariants::ViolationKind;

use super::definition::TemplateSettings;
use super::serial::{SerialPattern, SerialReset};
use super::service::{parse_uid, status_text};
use crate::entities::{
    flow_cc, flow_history, flow_instance, flow_task, flow_template, flow_template_version, job,
    tenant,
};

/// Instances read per query.
pub const PAGE: u64 = 500;

/// Missing numbers listed in one message at most.
const LIST_AT_MOST: usize = 10;

/// What kind of problem: stable names for scripts (`--json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The `state` column is not an engine state.
    StateUnreadable,
    /// The state does not fit its template version (or the version is missing), or disagrees
    /// with the instance's own columns (initiator, lock version).
    StateMismatch,
    /// The engine's invariants are broken: stuck while running, work left after the end.
    Invariant,
    /// An open task of the state has no open `flow_tasks` row.
    TaskMissing,
    /// An open `flow_tasks` row has no open task in the state.
    TaskExtra,
    /// A task row disagrees with its task: assignee, delegating owner, node, template, state
    /// value.
    TaskMismatch,
    /// The `status` or `finished_at` column disagrees with the state.
    StatusMismatch,
    /// History sequence numbers are missing.
    HistoryGap,
    /// A history sequence number is used twice.
    HistoryDuplicate,
    /// `history_seq` is not the number of history rows.
    HistoryCount,
    /// An unread copy of the state has no unread `flow_cc` row.
    CcMissing,
    /// An unread `flow_cc` row has no unread copy in the state.
    CcExtra,
    /// A `flow_cc` row disagrees with its copy: user, node.
    CcMismatch,
    /// A row's tenant differs from its instance's (or a counter's from its template's).
    TenantMismatch,
    /// Two instances hold the same serial number of a template and period.
    SerialDuplicate,
    /// A serial counter stands below a number already issued (or is missing).
    SerialCounterBehind,
    /// Numbers of a period were counted but no instance holds them.
    SerialGap,
    /// An instance lacks the serial number its version's pattern asks for, or holds one that
    /// does not fit the pattern.
    SerialMalformed,
    /// A timer of the state has no pending job: it would never fire.
    TimerJobMissing,
}

impl ProblemKind {
    /// The snake_case name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            ProblemKind::StateUnreadable => "state_unreadable",
            ProblemKind::StateMismatch => "state_mismatch",
            ProblemKind::Invariant => "invariant",
            ProblemKind::TaskMissing => "task_missing",
            ProblemKind::TaskExtra => "task_extra",
            ProblemKind::TaskMismatch => "task_mismatch",
            ProblemKind::StatusMismatch => "status_mismatch",
            ProblemKind::HistoryGap => "history_gap",
            ProblemKind::HistoryDuplicate => "history_duplicate",
            ProblemKind::HistoryCount => "history_count",
            ProblemKind::CcMissing => "cc_missing",
            ProblemKind::CcExtra => "cc_extra",
            ProblemKind::CcMismatch => "cc_mismatch",
            ProblemKind::TenantMismatch => "tenant_mismatch",
            ProblemKind::SerialDuplicate => "serial_duplicate",
            ProblemKind::SerialCounterBehind => "serial_counter_behind",
            ProblemKind::SerialGap => "serial_gap",
            ProblemKind::SerialMalformed => "serial_malformed",
            ProblemKind::TimerJobMissing => "timer_job_missing",
        }
    }
}

/// One problem found.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The instance concerned (absent for a serial counter without instances).
    pub instance_id: Option<Uuid>,
    pub serial_no: Option<String>,
    pub tenant_id: Option<Uuid>,
    /// What is wrong, in words.
    pub message: String,
}

/// What a check read and found.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    /// Only this tenant was checked.
    pub tenant: Option<Uuid>,
    pub instances: u64,
    pub task_rows: u64,
    pub history_rows: u64,
    pub cc_rows: u64,
    pub serial_counters: u64,
    /// Problems per kind.
    pub counts: BTreeMap<ProblemKind, usize>,
    pub problems: Vec<Problem>,
}

impl Report {
    /// No problem found.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// The problems of one kind.
    pub fn of_kind(&self, kind: ProblemKind) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.kind == kind)
    }

    /// A few lines for people: what was read, then one line per problem.
    pub fn human(&self) -> String {
        let mut out = format!(
            "checked {} flow instance(s){}: {} task row(s), {} history row(s), {} carbon-copy row(s), {} serial counter(s)\n",
            self.instances,
            self.tenant
                .map(|t| format!(" of tenant {t}"))
                .unwrap_or_default(),
            self.task_rows,
            self.history_rows,
            self.cc_rows,
            self.serial_counters
        );
        if self.problems.is_empty() {
            out.push_str("no problems found\n");
            return out;
        }
        out.push_str(&format!("{} problem(s):\n", self.problems.len()));
        for p in &self.problems {
            let at = match (p.instance_id, &p.serial_no) {
                (Some(i), Some(s)) => format!("instance {i} ({s})"),
                (Some(i), None) => format!("instance {i}"),
                (None, Some(s)) => s.clone(),
                (None, None) => "-".into(),
            };
            out.push_str(&format!("  [{}] {at}: {}\n", p.kind.name(), p.message));
        }
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(k, n)| format!("{} {n}", k.name()))
            .collect();
        out.push_str(&format!("by kind: {}\n", counts.join(", ")));
        out
    }
}

/// An instance row, with the state as text so that a damaged one is reported, not fatal.
#[derive(Debug, FromQueryResult)]
struct InstanceRow {
    id: Uuid,
    tenant_id: Uuid,
    template_id: Uuid,
    version_id: Uuid,
    serial_no: Option<String>,
    initiator_id: Uuid,
    status: String,
    state_text: Option<String>,
    lock_version: i32,
    history_seq: i32,
    created_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, FromQueryResult)]
struct TaskRow {
    instance_id: Uuid,
    tenant_id: Uuid,
    template_id: Uuid,
    task_no: i32,
    node_key: String,
    assignee_id: Uuid,
    delegated_by: Option<Uuid>,
    state: String,
    close_reason: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct HistoryGroup {
    instance_id: Uuid,
    tenant_id: Uuid,
    n: i64,
    distinct_seqs: i64,
    lo: i32,
    hi: i32,
}

#[derive(Debug, FromQueryResult)]
struct CcRow {
    instance_id: Uuid,
    tenant_id: Uuid,
    cc_no: i32,
    user_id: Uuid,
    node_key: String,
    read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, FromQueryResult)]
struct CounterRow {
    tenant_id: Uuid,
    template_id: Uuid,
    period: String,
    last: i64,
}

/// A template version as the check needs it.
struct Version {
    tenant_id: Uuid,
    template_id: Uuid,
    def: Result<engine::FlowDefinition, String>,
    pattern: Option<SerialPattern>,
    reset: SerialReset,
}

/// Who holds a serial number of a template and period.
struct Holder {
    instance: Uuid,
    tenant: Uuid,
    serial: String,
}

struct Checker {
    report: Report,
    versions: HashMap<Uuid, Option<Arc<Version>>>,
    time_zones: HashMap<Uuid, chrono_tz::Tz>,
    /// (template, period) → sequence number → holder.
    serials: HashMap<(Uuid, String), BTreeMap<u64, Holder>>,
}

impl Checker {
    fn problem(&mut self, i: &InstanceRow, kind: ProblemKind, message: String) {
        self.report.problems.push(Problem {
            kind,
            instance_id: Some(i.id),
            serial_no: i.serial_no.clone(),
            tenant_id: Some(i.tenant_id),
            message,
        });
    }

    async fn version(
        &mut self,
        txn: &DatabaseTransaction,
        id: Uuid,
    ) -> Result<Option<Arc<Version>>, DbErr> {
        if let Some(v) = self.versions.get(&id) {
            return Ok(v.clone());
        }
        let v = flow_template_version::Entity::find_by_id(id)
            .one(txn)
            .await?
            .map(|v| {
                let def = serde_json::from_value::<engine::FlowGraph>(v.graph)
                    .map_err(|e| format!("its graph does not read: {e}"))
                    .and_then(|g| {
                        engine::FlowDefinition::new(g)
                            .map_err(|e| format!("its graph does not validate: {e:?}"))
                    });
                let settings: TemplateSettings =
                    serde_json::from_value(v.settings).unwrap_or_default();
                Arc::new(Version {
                    tenant_id: v.tenant_id,
                    template_id: v.template_id,
                    def,
                    pattern: SerialPattern::parse(&settings.serial_pattern).ok(),
                    reset: settings.serial_reset,
                })
            });
        self.versions.insert(id, v.clone());
        Ok(v)
    }
}

/// Checks the flow data of every tenant, or of one.
pub async fn check(db: &DatabaseConnection, tenant: Option<Uuid>) -> Result<Report, DbErr> {
    let backend = db.get_database_backend();
    let txn = match backend {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        // SQLite: the first read of a deferred transaction fixes its snapshot.
        _ => db.begin().await?,
    };
    let result = run(&txn, tenant).await;
    txn.rollback().await?;
    result
}

async fn run(txn: &DatabaseTransaction, tenant: Option<Uuid>) -> Result<Report, DbErr> {
    let mut c = Checker {
        report: Report {
            tenant,
            ..Report::default()
        },
        versions: HashMap::new(),
        time_zones: tenant::Entity::find()
            .all(txn)
            .await?
            .into_iter()
            .map(|t| {
                let tz = t.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
                (t.id, tz)
            })
            .collect(),
        serials: HashMap::new(),
    };
    let mut after: Option<Uuid> = None;
    loop {
        use flow_instance::Column as I;
        let mut q = flow_instance::Entity::find()
            .select_only()
            .columns([
                I::Id,
                I::TenantId,
                I::TemplateId,
                I::VersionId,
                I::SerialNo,
                I::InitiatorId,
                I::Status,
                I::LockVersion,
                I::HistorySeq,
                I::CreatedAt,
                I::FinishedAt,
            ])
            .column_as(Expr::cust("CAST(state AS TEXT)"), "state_text")
            .order_by_asc(I::Id)
            .limit(PAGE);
        if let Some(t) = tenant {
            q = q.filter(I::TenantId.eq(t));
        }
        if let Some(a) = after {
            q = q.filter(I::Id.gt(a));
        }
        let page: Vec<InstanceRow> = q.into_model().all(txn).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        c.report.instances += page.len() as u64;
        check_page(txn, &mut c, &page).await?;
        if (page.len() as u64) < PAGE {
            break;
        }
    }
    check_serials(txn, &mut c, tenant).await?;
    let mut report = c.report;
    for p in &report.problems {
        *report.counts.entry(p.kind).or_default() += 1;
    }
    Ok(report)
}

async fn check_page(
    txn: &DatabaseTransaction,
    c: &mut Checker,
    page: &[InstanceRow],
) -> Result<(), DbErr> {
    let ids: Vec<Uuid> = page.iter().map(|i| i.id).collect();
    let tasks: Vec<TaskRow> = {
        use flow_task::Column as T;
        flow_task::Entity::find()
            .select_only()
            .columns([
                T::InstanceId,
                T::TenantId,
                T::TemplateId,
                T::TaskNo,
                T::NodeKey,
                T::AssigneeId,
                T::DelegatedBy,
                T::State,
                T::CloseReason,
            ])
            .filter(T::InstanceId.is_in(ids.clone()))
            .into_model()
            .all(txn)
            .await?
    };
    let history: Vec<HistoryGroup> = {
        use flow_history::Column as H;
        flow_history::Entity::find()
            .select_only()
            .columns([H::InstanceId, H::TenantId])
            .column_as(Expr::cust("COUNT(*)"), "n")
            .column_as(Expr::cust("COUNT(DISTINCT seq)"), "distinct_seqs")
            .column_as(Expr::cust("MIN(seq)"), "lo")
            .column_as(Expr::cust("MAX(seq)"), "hi")
            .filter(H::InstanceId.is_in(ids.clone()))
            .group_by(H::InstanceId)
            .group_by(H::TenantId)
            .into_model()
            .all(txn)
            .await?
    };
    let cc: Vec<CcRow> = {
        use flow_cc::Column as K;
        flow_cc::Entity::find()
            .select_only()
            .columns([
                K::InstanceId,
                K::TenantId,
                K::CcNo,
                K::UserId,
                K::NodeKey,
                K::ReadAt,
            ])
            .filter(K::InstanceId.is_in(ids))
            .into_model()
            .all(txn)
            .await?
    };
    // The jobs that will fire the page's timers.
    let timer_keys: Vec<String> = page
        .iter()
        .filter_map(|i| {
            let st: engine::InstanceState = serde_json::from_str(i.state_text.as_deref()?).ok()?;
            Some(
                st.timers
                    .iter()
                    .map(|t| super::timers::key(i.id, t.id))
                    .collect::<Vec<_>>(),
            )
        })
        .flatten()
        .collect();
    let mut live_timers: HashSet<String> = HashSet::new();
    for chunk in timer_keys.chunks(500) {
        let keys: Vec<Option<String>> = job::Entity::find()
            .select_only()
            .column(job::Column::DedupeKey)
            .filter(job::Column::Kind.eq(super::timers::KIND))
            .filter(job::Column::State.is_in(["pending", "running"]))
            .filter(job::Column::DedupeKey.is_in(chunk.to_vec()))
            .into_tuple()
            .all(txn)
            .await?;
        live_timers.extend(keys.into_iter().flatten());
    }
    c.report.task_rows += tasks.len() as u64;
    c.report.history_rows += history.iter().map(|h| h.n as u64).sum::<u64>();
    c.report.cc_rows += cc.len() as u64;
    let mut tasks_of: HashMap<Uuid, Vec<&TaskRow>> = HashMap::new();
    for t in &tasks {
        tasks_of.entry(t.instance_id).or_default().push(t);
    }
    let mut history_of: HashMap<Uuid, Vec<&HistoryGroup>> = HashMap::new();
    for h in &history {
        history_of.entry(h.instance_id).or_default().push(h);
    }
    let mut cc_of: HashMap<Uuid, Vec<&CcRow>> = HashMap::new();
    for k in &cc {
        cc_of.entry(k.instance_id).or_default().push(k);
    }
    for i in page {
        let tasks = tasks_of.remove(&i.id).unwrap_or_default();
        let history = history_of.remove(&i.id).unwrap_or_default();
        let cc = cc_of.remove(&i.id).unwrap_or_default();
        check_instance(txn, c, i, &tasks, &history, &cc, &live_timers).await?;
    }
    Ok(())
}

async fn check_instance(
    txn: &DatabaseTransaction,
    c: &mut Checker,
    i: &InstanceRow,
    tasks: &[&TaskRow],
    history: &[&HistoryGroup],
    cc: &[&CcRow],
    live_timers: &HashSet<String>,
) -> Result<(), DbErr> {
    use ProblemKind as K;
    // Rows belong to their instance's tenant.
    let foreign_tasks = tasks.iter().filter(|t| t.tenant_id != i.tenant_id).count();
    let foreign_history: i64 = history
        .iter()
        .filter(|h| h.tenant_id != i.tenant_id)
        .map(|h| h.n)
        .sum();
    let foreign_cc = cc.iter().filter(|k| k.tenant_id != i.tenant_id).count();
    for (n, table) in [
        (foreign_tasks as i64, "flow_tasks"),
        (foreign_history, "flow_history"),
        (foreign_cc as i64, "flow_cc"),
    ] {
        if n > 0 {
            c.problem(
                i,
                K::TenantMismatch,
                format!(
                    "{n} {table} row(s) carry another tenant than the instance's ({})",
                    i.tenant_id
                ),
            );
        }
    }

    // The version, and the state read against it.
    let version = c.version(txn, i.version_id).await?;
    match &version {
        None => c.problem(
            i,
            K::StateMismatch,
            format!("its template version {} does not exist", i.version_id),
        ),
        Some(v) => {
            if v.template_id != i.template_id {
                c.problem(
                    i,
                    K::StateMismatch,
                    format!(
                        "its version {} belongs to template {}, not to its template {}",
                        i.version_id, v.template_id, i.template_id
                    ),
                );
            }
            if v.tenant_id != i.tenant_id {
                c.problem(
                    i,
                    K::TenantMismatch,
                    format!(
                        "its template version belongs to tenant {}, the instance to {}",
                        v.tenant_id, i.tenant_id
                    ),
                );
            }
            if let Err(e) = &v.def {
                c.problem(
                    i,
                    K::StateMismatch,
                    format!("its template version {}: {e}", i.version_id),
                );
            }
        }
    }
    if i.lock_version < 1 {
        c.problem(
            i,
            K::StateMismatch,
            format!("lock_version is {}; it starts at 1", i.lock_version),
        );
    }
    let state = match i
        .state_text
        .as_deref()
        .map(serde_json::from_str::<engine::InstanceState>)
    {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            c.problem(
                i,
                K::StateUnreadable,
                format!("the state column is not an engine state: {e}"),
            );
            None
        }
        None => {
            c.problem(i, K::StateUnreadable, "the state column is empty".into());
            None
        }
    };
    let def = version.as_ref().and_then(|v| v.def.as_ref().ok());

    check_history(txn, c, i, history).await?;
    check_serial(c, i, version.as_deref());

    // Task rows: their own columns, whatever the state.
    for t in tasks {
        if t.state != "open" && t.state != "closed" {
            c.problem(
                i,
                K::TaskMismatch,
                format!(
                    "task #{} has state `{}`; only `open` and `closed` exist",
                    t.task_no, t.state
                ),
            );
        }
        if t.template_id != i.template_id {
            c.problem(
                i,
                K::TaskMismatch,
                format!(
                    "task #{} names template {}, the instance {}",
                    t.task_no, t.template_id, i.template_id
                ),
            );
        }
    }

    let Some(state) = state else {
        return Ok(());
    };
    if parse_uid(&state.initiator) != Some(i.initiator_id) {
        c.problem(
            i,
            K::StateMismatch,
            format!(
                "the state's initiator is {}, the initiator_id column {}",
                state.initiator, i.initiator_id
            ),
        );
    }
    let status = status_text(state.status);
    if i.status != status {
        c.problem(
            i,
            K::StatusMismatch,
            format!(
                "the status column says `{}`, the state `{status}`",
                i.status
            ),
        );
    }
    match (state.is_finished(), i.finished_at) {
        (false, Some(at)) => c.problem(
            i,
            K::StatusMismatch,
            format!("running, but finished_at is set ({at})"),
        ),
        (true, None) => c.problem(
            i,
            K::StatusMismatch,
            format!("{status}, but finished_at is empty"),
        ),
        _ => {}
    }

    // Without a usable definition, node keys cannot be compared and invariants not checked.
    let Some(def) = def else {
        return Ok(());
    };
    for v in engine::invariants::check(def, &state) {
        let kind = match v.kind {
            ViolationKind::Definition => K::StateMismatch,
            ViolationKind::Stuck | ViolationKind::WorkAfterEnd => K::Invariant,
        };
        c.problem(i, kind, v.message);
    }
    let nodes = def.graph().nodes.len();
    let key = |n: engine::NodeId| {
        if n.index() < nodes {
            def.key(n).to_string()
        } else {
            format!("#{}", n.0)
        }
    };
    check_tasks(c, i, &state, tasks, &key);
    check_cc(c, i, &state, cc, &key);
    for t in &state.timers {
        if !live_timers.contains(&super::timers::key(i.id, t.id)) {
            c.problem(
                i,
                K::TimerJobMissing,
                format!(
                    "timer #{} on `{}`, due {}, has no pending job: it would never fire",
                    t.id.0,
                    key(t.boundary),
                    super::service::from_ts(t.at)
                ),
            );
        }
    }
    Ok(())
}

/// `flow_tasks` holds an open row for each open task of the state, and no other.
fn check_tasks(
    c: &mut Checker,
    i: &InstanceRow,
    state: &engine::InstanceState,
    rows: &[&TaskRow],
    key: &dyn Fn(engine::NodeId) -> String,
) {
    use ProblemKind as K;
    let by_no: HashMap<i32, &TaskRow> = rows.iter().map(|t| (t.task_no, *t)).collect();
    for t in state.open_tasks() {
        // The writer keeps no row for an assignee that is not a user id.
        let Some(assignee) = parse_uid(&t.assignee) else {
            continue;
        };
        let no = t.id.0 as i32;
        let node = key(t.node);
        match by_no.get(&no) {
            None => c.problem(
                i,
                K::TaskMissing,
                format!(
                    "task #{no} on `{node}` for {assignee} is open in the state but has no flow_tasks row"
                ),
            ),
            Some(row) if row.state != "open" => c.problem(
                i,
                K::TaskMissing,
                format!(
                    "task #{no} on `{node}` for {assignee} is open in the state but its row is {} ({})",
                    row.state,
                    row.close_reason.as_deref().unwrap_or("no reason")
                ),
            ),
            Some(row) => {
                if row.assignee_id != assignee {
                    c.problem(
                        i,
                        K::TaskMismatch,
                        format!(
                            "task #{no} on `{node}` belongs to {assignee} in the state but to {} in its row",
                            row.assignee_id
                        ),
                    );
                }
                let owner = t.delegated_by.as_ref().and_then(parse_uid);
                if row.delegated_by != owner {
                    let name = |u: Option<Uuid>| u.map_or("nobody".to_string(), |u| u.to_string());
                    c.problem(
                        i,
                        K::TaskMismatch,
                        format!(
                            "task #{no} on `{node}` is delegated by {} in the state but by {} in its row",
                            name(owner),
                            name(row.delegated_by)
                        ),
                    );
                }
                if row.node_key != node {
                    c.problem(
                        i,
                        K::TaskMismatch,
                        format!(
                            "task #{no} is on `{node}` in the state but on `{}` in its row",
                            row.node_key
                        ),
                    );
                }
            }
        }
    }
    for row in rows.iter().filter(|r| r.state == "open") {
        let in_state = state.tasks.iter().find(|t| t.id.0 as i32 == row.task_no);
        let why = match in_state {
            Some(t) if t.state == engine::TaskState::Open => continue,
            Some(_) => "the state has it queued, not open".to_string(),
            None if state.is_finished() => {
                format!("the instance is finished ({})", status_text(state.status))
            }
            None => "the state has no such task".to_string(),
        };
        c.problem(
            i,
            K::TaskExtra,
            format!(
                "task #{} on `{}` for {} is open in flow_tasks but {why}",
                row.task_no, row.node_key, row.assignee_id
            ),
        );
    }
}

/// `flow_cc` holds an unread row for each unread copy of the state, and no other.
fn check_cc(
    c: &mut Checker,
    i: &InstanceRow,
    state: &engine::InstanceState,
    rows: &[&CcRow],
    key: &dyn Fn(engine::NodeId) -> String,
) {
    use ProblemKind as K;
    let by_no: HashMap<i32, &CcRow> = rows.iter().map(|k| (k.cc_no, *k)).collect();
    for item in &state.cc {
        let Some(user) = parse_uid(&item.user) else {
            continue;
        };
        let no = item.id.0 as i32;
        let node = key(item.node);
        match by_no.get(&no) {
            None => c.problem(
                i,
                K::CcMissing,
                format!("copy #{no} from `{node}` to {user} is unread in the state but has no flow_cc row"),
            ),
            Some(row) if row.read_at.is_some() => c.problem(
                i,
                K::CcMissing,
                format!(
                    "copy #{no} from `{node}` to {user} is unread in the state but its row is marked read"
                ),
            ),
            Some(row) => {
                if row.user_id != user || row.node_key != node {
                    c.problem(
                        i,
                        K::CcMismatch,
                        format!(
                            "copy #{no} goes from `{node}` to {user} in the state but from `{}` to {} in its row",
                            row.node_key, row.user_id
                        ),
                    );
                }
            }
        }
    }
    for row in rows {
        let unread_in_state = state.cc.iter().any(|k| k.id.0 as i32 == row.cc_no);
        if row.read_at.is_none() && !unread_in_state {
            c.problem(
                i,
                K::CcExtra,
                format!(
                    "copy #{} from `{}` to {} is unread in flow_cc but the state has no unread copy #{}",
                    row.cc_no, row.node_key, row.user_id, row.cc_no
                ),
            );
        } else if row.cc_no <= 0 || row.cc_no as i64 > state.next_id as i64 {
            c.problem(
                i,
                K::CcExtra,
                format!("copy #{} was never issued by the state", row.cc_no),
            );
        }
    }
}

/// History rows are numbered `0..history_seq`, each once.
async fn check_history(
    txn: &DatabaseTransaction,
    c: &mut Checker,
    i: &InstanceRow,
    groups: &[&HistoryGroup],
) -> Result<(), DbErr> {
    use ProblemKind as K;
    let expected = i.history_seq as i64;
    let fine = match groups {
        [g] => g.n == expected && g.distinct_seqs == g.n && g.lo == 0 && g.hi as i64 == g.n - 1,
        [] => expected == 0,
        _ => false,
    };
    if fine {
        if expected == 0 {
            c.problem(
                i,
                K::HistoryCount,
                "the instance has no history at all".into(),
            );
        }
        return Ok(());
    }
    // Something is off: read this instance's numbers to say exactly what.
    let seqs: Vec<i32> = flow_history::Entity::find()
        .select_only()
        .column(flow_history::Column::Seq)
        .filter(flow_history::Column::InstanceId.eq(i.id))
        .order_by_asc(flow_history::Column::Seq)
        .into_tuple()
        .all(txn)
        .await?;
    let mut duplicates: Vec<i32> = seqs
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    duplicates.dedup();
    if !duplicates.is_empty() {
        c.problem(
            i,
            K::HistoryDuplicate,
            format!("history seq {} used more than once", list(&duplicates)),
        );
    }
    let top = seqs.last().copied().unwrap_or(-1).max(i.history_seq - 1);
    let present: std::collections::HashSet<i32> = seqs.iter().copied().collect();
    let missing: Vec<i32> = (0..=top).filter(|s| !present.contains(s)).collect();
    if !missing.is_empty() {
        c.problem(
            i,
            K::HistoryGap,
            format!("history seq {} missing", list(&missing)),
        );
    }
    let negative: Vec<i32> = seqs.iter().copied().filter(|s| *s < 0).collect();
    if !negative.is_empty() {
        c.problem(
            i,
            K::HistoryGap,
            format!("history seq {} below 0", list(&negative)),
        );
    }
    if seqs.len() as i64 != expected {
        let beyond: Vec<i32> = seqs
            .iter()
            .copied()
            .filter(|s| *s >= i.history_seq)
            .collect();
        let extra = if beyond.is_empty() {
            String::new()
        } else {
            format!(" (seq {} at or beyond it)", list(&beyond))
        };
        c.problem(
            i,
            K::HistoryCount,
            format!(
                "history_seq is {} but there are {} history row(s){extra}",
                i.history_seq,
                seqs.len()
            ),
        );
    }
    Ok(())
}

/// Records the instance's serial number for the per-period checks, and checks its shape.
fn check_serial(c: &mut Checker, i: &InstanceRow, v: Option<&Version>) {
    use ProblemKind as K;
    let Some(v) = v else { return };
    let (pattern, serial) = match (&v.pattern, &i.serial_no) {
        (None, None) => return,
        (None, Some(s)) => {
            c.problem(
                i,
                K::SerialMalformed,
                format!("holds serial number {s} but its version has no serial pattern"),
            );
            return;
        }
        (Some(_), None) => {
            c.problem(
                i,
                K::SerialMalformed,
                "its version numbers instances but it has no serial number".into(),
            );
            return;
        }
        (Some(p), Some(s)) => (p, s),
    };
    let Some(seq) = pattern.seq_of(serial) else {
        c.problem(
            i,
            K::SerialMalformed,
            format!("serial number {serial} does not fit its version's pattern"),
        );
        return;
    };
    let tz = c
        .time_zones
        .get(&i.tenant_id)
        .copied()
        .unwrap_or(chrono_tz::Asia::Shanghai);
    let period = v.reset.period(i.created_at.with_timezone(&tz).date_naive());
    let holders = c
        .serials
        .entry((i.template_id, period.clone()))
        .or_default();
    if let Some(first) = holders.get(&seq) {
        let message = format!(
            "serial number {serial} (number {seq} of period {period}) is also held by instance {} ({})",
            first.instance, first.serial
        );
        c.problem(i, K::SerialDuplicate, message);
    } else {
        holders.insert(
            seq,
            Holder {
                instance: i.id,
                tenant: i.tenant_id,
                serial: serial.clone(),
            },
        );
    }
}

/// Each counter stands at the highest number issued in its period, with no number skipped.
async fn check_serials(
    txn: &DatabaseTransaction,
    c: &mut Checker,
    tenant: Option<Uuid>,
) -> Result<(), DbErr> {
    use ProblemKind as K;
    let backend = txn.get_database_backend();
    let sql = "SELECT tenant_id, template_id, period, last FROM flow_serial_counters";
    let stmt = match (tenant, backend) {
        (None, _) => Statement::from_string(backend, sql),
        (Some(t), DbBackend::Postgres) => Statement::from_sql_and_values(
            backend,
            format!("{sql} WHERE tenant_id = $1"),
            [t.into()],
        ),
        (Some(t), _) => Statement::from_sql_and_values(
            backend,
            format!("{sql} WHERE tenant_id = ?"),
            [t.into()],
        ),
    };
    let counters = CounterRow::find_by_statement(stmt).all(txn).await?;
    c.report.serial_counters = counters.len() as u64;
    let template_tenants: HashMap<Uuid, Uuid> = flow_template::Entity::find()
        .select_only()
        .columns([flow_template::Column::Id, flow_template::Column::TenantId])
        .into_tuple()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let mut serials = std::mem::take(&mut c.serials);
    let mut found = Vec::new();
    for k in &counters {
        let holders = serials
            .remove(&(k.template_id, k.period.clone()))
            .unwrap_or_default();
        let counter = format!(
            "serial counter of template {} for period {}",
            k.template_id, k.period
        );
        let problem = |kind, instance: Option<&Holder>, message: String| Problem {
            kind,
            instance_id: instance.map(|h| h.instance),
            serial_no: instance.map(|h| h.serial.clone()),
            tenant_id: Some(instance.map(|h| h.tenant).unwrap_or(k.tenant_id)),
            message,
        };
        if let Some(owner) = template_tenants.get(&k.template_id)
            && *owner != k.tenant_id
        {
            found.push(problem(
                K::TenantMismatch,
                None,
                format!(
                    "{counter} carries tenant {}, its template belongs to {owner}",
                    k.tenant_id
                ),
            ));
        }
        if let Some((&top, holder)) = holders.iter().next_back()
            && top as i64 > k.last
        {
            found.push(problem(
                K::SerialCounterBehind,
                Some(holder),
                format!(
                    "{counter} stands at {} but number {top} was issued: the next start would issue a number again",
                    k.last
                ),
            ));
        }
        let missing: Vec<u64> = (1..=k.last.max(0) as u64)
            .filter(|n| !holders.contains_key(n))
            .take(LIST_AT_MOST + 1)
            .collect();
        if !missing.is_empty() {
            let shown: Vec<String> = missing
                .iter()
                .take(LIST_AT_MOST)
                .map(u64::to_string)
                .collect();
            let more = if missing.len() > LIST_AT_MOST {
                ", …"
            } else {
                ""
            };
            found.push(problem(
                K::SerialGap,
                None,
                format!(
                    "{counter} stands at {} but no instance holds number(s) {}{more}",
                    k.last,
                    shown.join(", ")
                ),
            ));
        }
    }
    // Numbers issued in a period that has no counter at all.
    let mut orphans: Vec<_> = serials.into_iter().collect();
    orphans.sort_by(|a, b| a.0.cmp(&b.0));
    for ((template, period), holders) in orphans {
        if let Some((&top, h)) = holders.iter().next_back() {
            found.push(Problem {
                kind: K::SerialCounterBehind,
                instance_id: Some(h.instance),
                serial_no: Some(h.serial.clone()),
                tenant_id: Some(h.tenant),
                message: format!(
                    "template {template} has no serial counter for period {period}, but numbers up to {top} were issued"
                ),
            });
        }
    }
    c.report.problems.extend(found);
    Ok(())
}

fn list(v: &[i32]) -> String {
    let mut s: Vec<String> = v.iter().take(LIST_AT_MOST).map(i32::to_string).collect();
    if v.len() > LIST_AT_MOST {
        s.push("…".into());
    }
    s.join(", ")
}
