//! The flow service: start an instance and act on it. Each call is one transaction with an
//! optimistic version check on the instance; HTTP handlers and the benchmark call these
//! functions directly.
//!
//! Hot path of an action: read the task and its instance (two primary-key reads), run the pure
//! engine on cached definitions, organisation and calendar, then one transaction of a handful
//! of statements: the instance update guarded by its lock version, one upsert for opened
//! tasks, one update for closed ones, one multi-row insert for history, one audit row.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use chrono::{DateTime, TimeZone, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    QueryTrait, Set, Statement, TransactionTrait,
};
use uuid::Uuid;
use xietong_calendar::WorkingCalendar;
use xietong_engine as engine;

use super::definition::{FormSpec, TemplateSettings};
use super::serial::SerialPattern;
use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::access::{Perm, Role};
use crate::auth::extract::Principal;
use crate::entities::{
    flow_cc, flow_history, flow_instance, flow_task, flow_template, flow_template_version,
};
use crate::error::{AppError, AppResult, Text};
use crate::ids::new_id;
use crate::org::directory::OrgSnapshot;

/// Who calls the service.
#[derive(Debug, Clone)]
pub struct Caller {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub department_id: Uuid,
    pub post_id: Option<Uuid>,
    pub roles: Vec<Role>,
    /// Holds the tenant-wide flow administration permission.
    pub flow_admin: bool,
    pub audit: audit::Actor,
    /// The request's `Idempotency-Key`: claimed inside the action's own transaction, so an
    /// action and the record that it happened commit together or not at all.
    pub idempotency_key: Option<String>,
    /// Form data an action writes, already checked: recorded (unique values, files) inside the
    /// action's transaction.
    pub form_write: Option<Arc<crate::forms::Accepted>>,
}

impl From<&Principal> for Caller {
    fn from(p: &Principal) -> Caller {
        Caller {
            tenant_id: p.tenant_id,
            user_id: p.user_id,
            name: p.display_name.clone(),
            department_id: p.department_id,
            post_id: p.user.post_id,
            roles: p.roles.clone(),
            flow_admin: p.has(Perm::FlowAdmin),
            audit: p.into(),
            idempotency_key: None,
            form_write: None,
        }
    }
}

/// A published version, compiled once (versions never change).
pub struct CompiledVersion {
    pub id: Uuid,
    pub template_id: Uuid,
    pub template_name: String,
    pub def: engine::FlowDefinition,
    pub settings: TemplateSettings,
    pub form: FormSpec,
}

/// What the engine needs of a tenant besides the instance: organisation, administrator,
/// working calendar. Cached; see [`App::directory`].
pub struct Directory {
    pub org: OrgSnapshot,
    pub admin: Uuid,
    pub calendar: WorkingCalendar,
    pub time_zone: chrono_tz::Tz,
    /// Delegations (委托) that have not ended.
    pub delegations: Vec<super::delegation::ActiveDelegation>,
    loaded: Instant,
    generation: u64,
}

impl Directory {
    /// The organisation as the engine sees it for an instance of `template` at `at`, with the
    /// stand-ins of people away.
    pub fn org_for(&self, template: Uuid, at: DateTime<Utc>) -> super::delegation::FlowOrg<'_> {
        super::delegation::FlowOrg {
            org: &self.org,
            delegations: &self.delegations,
            template,
            at,
        }
    }
}

/// How long a cached directory or template is trusted without a local change: other server
/// nodes sharing the database see organisation changes within this time.
const DIRECTORY_TTL: Duration = Duration::from_secs(5);

impl App {
    /// The tenant's time zone (from the tenant cache; lists need nothing else of the directory).
    pub async fn time_zone(&self, tenant: Uuid) -> AppResult<chrono_tz::Tz> {
        Ok(self
            .tenant(tenant)
            .await?
            .model
            .time_zone
            .parse()
            .unwrap_or(chrono_tz::Asia::Shanghai))
    }

    /// The tenant's directory, from the cache. A change made on this node (a new generation)
    /// reloads it before answering; past its time to live (changes made by other nodes) the
    /// cached one answers while one background task reloads it, so no request waits for the
    /// reload of a large organisation.
    pub async fn directory(&self, tenant: Uuid) -> AppResult<Arc<Directory>> {
        let generation = self.directory_generation();
        let cached = self
            .directories
            .read()
            .expect("directory cache")
            .get(&tenant)
            .filter(|d| d.generation == generation)
            .cloned();
        match cached {
            Some(d) if d.loaded.elapsed() < DIRECTORY_TTL => Ok(d),
            Some(d) => {
                let first = self
                    .directory_refreshing
                    .lock()
                    .expect("directory refresh set")
                    .insert(tenant);
                if first {
                    let app = self.clone();
                    tokio::spawn(async move {
                        if let Err(e) = app.load_directory(tenant).await {
                            tracing::warn!(%tenant, code = e.code, "directory reload failed");
                        }
                        app.directory_refreshing
                            .lock()
                            .expect("directory refresh set")
                            .remove(&tenant);
                    });
                }
                Ok(d)
            }
            None => self.load_directory(tenant).await,
        }
    }

    /// Loads the tenant's directory from the database into the cache.
    async fn load_directory(&self, tenant: Uuid) -> AppResult<Arc<Directory>> {
        let generation = self.directory_generation();
        let org = OrgSnapshot::load(&self.db, tenant).await?;
        let admin = org
            .users
            .iter()
            .filter(|(_, u)| u.active && u.roles.iter().any(|r| r == Role::Sysadmin.key()))
            .map(|(id, _)| *id)
            .min()
            .ok_or_else(|| AppError::internal("tenant has no administrator"))?;
        let time_zone = self.time_zone(tenant).await?;
        let calendar = crate::calendar::load(&self.db, tenant, time_zone).await?;
        let delegations = super::delegation::load(&self.db, tenant, Utc::now()).await?;
        let d = Arc::new(Directory {
            org,
            admin,
            calendar,
            time_zone,
            delegations,
            loaded: Instant::now(),
            generation,
        });
        let mut cache = self.directories.write().expect("directory cache");
        // A reload that started before a local change must not replace the newer directory.
        if cache
            .get(&tenant)
            .is_none_or(|c| c.generation <= generation)
        {
            cache.insert(tenant, d.clone());
        }
        Ok(d)
    }

    /// A template row, from the cache while it is fresh.
    pub async fn flow_template(
        &self,
        tenant: Uuid,
        id: Uuid,
    ) -> AppResult<Option<Arc<flow_template::Model>>> {
        let generation = self.directory_generation();
        if let Some((at, g, t)) = self.flow_templates.read().expect("template cache").get(&id)
            && *g == generation
            && at.elapsed() < DIRECTORY_TTL
        {
            return Ok(Some(t.clone()).filter(|t| t.tenant_id == tenant));
        }
        let Some(t) = flow_template::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(None);
        };
        let t = Arc::new(t);
        self.flow_templates
            .write()
            .expect("template cache")
            .insert(id, (Instant::now(), generation, t.clone()));
        Ok(Some(t).filter(|t| t.tenant_id == tenant))
    }

    /// A published version, compiled once.
    pub async fn compiled(&self, version_id: Uuid) -> AppResult<Arc<CompiledVersion>> {
        if let Some(v) = self
            .flow_versions
            .read()
            .expect("flow cache")
            .get(&version_id)
        {
            return Ok(v.clone());
        }
        let v = flow_template_version::Entity::find_by_id(version_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| AppError::internal("missing version"))?;
        let t = flow_template::Entity::find_by_id(v.template_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| AppError::internal("missing template"))?;
        let graph: engine::FlowGraph =
            serde_json::from_value(v.graph.clone()).map_err(AppError::internal)?;
        let def = engine::FlowDefinition::new(graph)
            .map_err(|e| AppError::internal(format!("stored version does not validate: {e:?}")))?;
        let c = Arc::new(CompiledVersion {
            id: v.id,
            template_id: t.id,
            template_name: t.name,
            def,
            settings: serde_json::from_value(v.settings).unwrap_or_default(),
            form: serde_json::from_value(v.form).unwrap_or_default(),
        });
        self.flow_versions
            .write()
            .expect("flow cache")
            .insert(version_id, c.clone());
        Ok(c)
    }
}

pub fn ts(t: DateTime<Utc>) -> engine::Timestamp {
    engine::Timestamp(t.timestamp())
}

pub fn from_ts(t: engine::Timestamp) -> DateTime<Utc> {
    Utc.timestamp_opt(t.0, 0).single().unwrap_or_else(Utc::now)
}

pub fn uid(u: Uuid) -> engine::UserId {
    u.to_string().into()
}

pub fn parse_uid(u: &engine::UserId) -> Option<Uuid> {
    Uuid::parse_str(u.as_str()).ok()
}

pub fn refusal(r: engine::Refusal) -> AppError {
    match r {
        // The task row exists (it was read first), so a task the engine no longer knows was closed meanwhile.
        engine::Refusal::TaskNotOpen
        | engine::Refusal::TaskNotFound
        | engine::Refusal::AlreadyActed => return task_closed(),
        engine::Refusal::UrgedRecently => {
            return AppError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "flow.urged_recently",
                Text::fixed(
                    "一小时内已催办过，请稍后再催",
                    "You urged this within the last hour; try again later",
                ),
            );
        }
        engine::Refusal::InstanceNotRunning => {
            return AppError::conflict(
                "flow.instance_finished",
                Text::fixed("该流程已结束", "This flow has already ended"),
            );
        }
        _ => {}
    }
    let text = r.to_string();
    let mut details = serde_json::json!({ "reason": r.code() });
    match &r {
        engine::Refusal::NoParticipants(node) | engine::Refusal::RunawayLoop(node) => {
            details["node"] = serde_json::json!(node);
        }
        engine::Refusal::NotPendingSigner(u) | engine::Refusal::AlreadySigner(u) => {
            details["user"] = serde_json::json!(u.to_string());
        }
        _ => {}
    }
    AppError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "flow.refused",
        Text::owned(
            format!("操作未被允许：{}", refusal_zh(&r)),
            format!("Not allowed: {text}"),
        ),
    )
    .with_details(details)
}

/// The engine's refusal in Chinese (the English is its `Display`).
fn refusal_zh(r: &engine::Refusal) -> String {
    use engine::Refusal as R;
    match r {
        R::InstanceNotRunning => "该流程已结束".into(),
        R::TaskNotFound => "待办不存在".into(),
        R::TaskNotOpen => "该待办还在等待前面的人处理".into(),
        R::NotAssignee => "只有待办的处理人可以处理".into(),
        R::ActionNotAllowed(a) => format!(
            "此环节不允许「{}」",
            serde_json::to_value(a)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .map(|k| action_zh(&k).to_string())
                .unwrap_or_default()
        ),
        R::ReasonRequired => "须填写意见或理由".into(),
        R::StanceRequired => "此环节须明确表态：同意或不同意；只阅不表态须写明理由".into(),
        R::ReadNeedsReason => {
            "只有最后环节、仅需知会的环节或接力会签者可以只选「已阅」；否则请写明理由".into()
        }
        R::SuperiorMustTakeStance => "上级审批下级的流程须明确表态：同意或不同意".into(),
        R::OpinionMustBeSpecific => "流程中已有不同的表态，请写明具体同意或不同意的内容".into(),
        R::NotInitiator => "只有发起人可以这样做".into(),
        R::AlreadyActed => "已有人处理，不能再撤回".into(),
        R::InvalidSendBackTarget => "只能退回到本路径上已经过的环节".into(),
        R::NoParticipants(node) => {
            format!("环节「{node}」找不到处理人，请联系管理员调整流程或组织架构")
        }
        R::NotSupervisor => "只有该流程的督办者可以这样做".into(),
        R::NotInitiatorOrSupervisor => "只有发起人或督办者可以催办".into(),
        R::NotPendingSigner(_) => "所选人员不是尚未处理的会签人".into(),
        R::AlreadySigner(_) => "所选人员已在此环节会签".into(),
        R::CannotRemoveSelf => "不能减签自己".into(),
        R::NoUsers => "请至少选择一位人员".into(),
        R::DelegatedTask => "委派来的待办只能交还给委派人".into(),
        R::NotDelegated => "该待办不是委派来的".into(),
        R::PromiseInPast => "承诺办理时间须在将来".into(),
        R::ExtensionTooLong => "延期只能是 1 或 2 个工作日".into(),
        R::AlreadyExtended => "该待办已延期过一次".into(),
        R::TimerNotFound => "定时器不存在".into(),
        R::TokenNotFound => "没有在等待的子流程".into(),
        R::CcNotFound => "没有未读的抄送".into(),
        R::RunawayLoop(node) => format!("流程在「{node}」处循环，无法到达待办"),
        R::ResubmitTask => "这是发起人重新提交的待办，请重新提交、撤回或撤销".into(),
        R::NotResubmitTask => "该待办不是重新提交".into(),
        R::SameAssignee => "该待办已经是此人的".into(),
        R::UrgedRecently => "一小时内已催办过，请稍后再催".into(),
        R::NotOverdue => "该待办未超期".into(),
        R::AlreadyOverdue => "该待办已按超期处理过".into(),
        R::NoStandIn => "该处理人当前没有代理人".into(),
    }
}

fn action_zh(key: &str) -> &'static str {
    match key {
        "agree" => "同意",
        "disagree" => "不同意",
        "read" => "已阅",
        "send_back" => "退回",
        "transfer" => "转办",
        "delegate" => "委派",
        "add_signers" => "加签",
        "remove_signers" => "减签",
        "keep_pending" => "暂存待办",
        "request_extension" => "延期",
        "cc" => "抄送",
        _ => "该操作",
    }
}

pub fn conflict() -> AppError {
    AppError::conflict(
        "flow.conflict",
        Text::fixed(
            "该流程刚被其他人处理过，请刷新后重试",
            "Someone else acted on this flow just now; reload and try again",
        ),
    )
}

pub fn task_closed() -> AppError {
    AppError::conflict(
        "flow.task_closed",
        Text::fixed("该待办已处理", "This task has already been handled"),
    )
}

pub fn task_not_found() -> AppError {
    AppError::not_found(
        "flow.task_not_found",
        Text::fixed("待办不存在", "No such task"),
    )
}

pub fn instance_not_found() -> AppError {
    AppError::not_found(
        "flow.instance_not_found",
        Text::fixed(
            "流程不存在或无权查看",
            "No such flow, or you may not see it",
        ),
    )
}

pub fn status_text(s: engine::Status) -> &'static str {
    match s {
        engine::Status::Running => "running",
        engine::Status::Approved => "approved",
        engine::Status::Rejected => "rejected",
        engine::Status::Cancelled => "cancelled",
    }
}

/// Whether `c` may start an instance of a template with these settings.
pub fn may_start(c: &Caller, s: &TemplateSettings, org: &OrgSnapshot) -> bool {
    if s.starter_users.is_empty() && s.starter_departments.is_empty() && s.starter_roles.is_empty()
    {
        return true;
    }
    if s.starter_users.contains(&c.user_id) || c.roles.iter().any(|r| s.starter_roles.contains(r)) {
        return true;
    }
    s.starter_departments.iter().any(|d| {
        org.department_and_descendants(*d, true)
            .contains(&c.department_id)
    })
}

/// Allocates the next serial number in the open transaction: one upsert, the first write of the
/// transaction, so concurrent starts queue on it and numbers are unique and gap-free.
async fn next_serial(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    template: Uuid,
    period: &str,
) -> AppResult<i64> {
    let backend = txn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO flow_serial_counters (tenant_id, template_id, period, last) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (template_id, period) DO UPDATE SET last = flow_serial_counters.last + 1 RETURNING last"
        }
        _ => {
            "INSERT INTO flow_serial_counters (tenant_id, template_id, period, last) VALUES (?, ?, ?, 1) \
             ON CONFLICT (template_id, period) DO UPDATE SET last = flow_serial_counters.last + 1 RETURNING last"
        }
    };
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [tenant.into(), template.into(), period.into()],
        ))
        .await?
        .ok_or_else(|| AppError::internal("serial counter returned nothing"))?;
    Ok(row.try_get::<i64>("", "last")?)
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn render_title(template: &str, name: &str, initiator: &str, form: &engine::FormData) -> String {
    if template.is_empty() {
        return format!("{initiator}的{name}");
    }
    let mut out = template
        .replace("{initiator}", initiator)
        .replace("{template}", name);
    for (k, v) in form {
        out = out.replace(&format!("{{{k}}}"), &value_text(v));
    }
    out.chars().take(200).collect()
}

/// The template's summary fields of the form data, for todo cards.
fn summary(settings: &TemplateSettings, form: &engine::FormData) -> serde_json::Value {
    let m: serde_json::Map<String, serde_json::Value> = settings
        .summary_fields
        .iter()
        .filter_map(|k| form.get(k).map(|v| (k.clone(), v.clone())))
        .collect();
    serde_json::Value::Object(m)
}

/// What happened to one task within a command.
struct TaskChange {
    opened: Option<(engine::NodeId, engine::UserId)>,
    closed: Option<engine::CloseReason>,
    due_changed: bool,
}

fn close_reason_text(r: engine::CloseReason) -> &'static str {
    match r {
        engine::CloseReason::Completed => "completed",
        engine::CloseReason::Cancelled => "cancelled",
        engine::CloseReason::Reassigned => "reassigned",
        engine::CloseReason::Deferred => "deferred",
    }
}

/// Writes the effects and history of one command in the open transaction.
struct Writer<'a> {
    txn: &'a DatabaseTransaction,
    tenant: Uuid,
    instance: Uuid,
    template: Uuid,
    def: &'a engine::FlowDefinition,
    state: &'a engine::InstanceState,
    now: DateTime<Utc>,
    calendar: &'a dyn engine::WorkCalendar,
    /// Who acted (none for timers and jobs).
    actor: Option<Uuid>,
    /// People to tell silently that the instance changed (`flow.changed`), unless this batch
    /// tells them anyway; written in the same insert as the other notifications.
    changed: Vec<Uuid>,
}

impl Writer<'_> {
    /// The reminder job of a task due at `due`, when its node asks for one and it still fits.
    fn reminder(
        &self,
        task: engine::TaskId,
        node: engine::NodeId,
        due: engine::Timestamp,
    ) -> Option<Statement> {
        let before = self.def.node(node).kind.user_node()?.remind_before?;
        let at = before.latest_start(due, ts(self.now), self.calendar)?;
        Some(super::timers::schedule_reminder(
            self.txn.get_database_backend(),
            self.tenant,
            self.instance,
            task,
            from_ts(at),
            from_ts(due),
        ))
    }

    /// The statements that write the effects and history, to run in the open transaction.
    fn statements(&self, effects: &engine::Effects, first_seq: i32) -> Vec<Statement> {
        let backend = self.txn.get_database_backend();
        let mut out = Vec::new();
        // Only definitions with time limits have due-time jobs to cancel (asked once, and only
        // when a task closes).
        let timed = std::cell::OnceCell::new();
        let timed = || {
            *timed.get_or_init(|| {
                self.def
                    .graph()
                    .nodes
                    .iter()
                    .any(|n| n.kind.user_node().is_some_and(|u| u.time_limit.is_some()))
            })
        };
        let mut changes: BTreeMap<u32, TaskChange> = BTreeMap::new();
        let mut cc = Vec::new();
        let mut notices = Vec::new();
        // (user, task) already told why a task reached them (stand-in, replaced, sent back)
        let mut told: std::collections::HashSet<(Uuid, u32)> = Default::default();
        for e in &effects.effects {
            match e {
                engine::Effect::TaskOpened {
                    task,
                    node,
                    assignee,
                    due,
                } => {
                    if let Some(due) = due {
                        out.push(super::timers::schedule_overdue(
                            backend,
                            self.tenant,
                            self.instance,
                            *task,
                            from_ts(*due),
                        ));
                        out.extend(self.reminder(*task, *node, *due));
                    }
                    let c = changes.entry(task.0).or_insert(TaskChange {
                        opened: None,
                        closed: None,
                        due_changed: false,
                    });
                    c.opened = Some((*node, assignee.clone()));
                    c.closed = None;
                }
                engine::Effect::TaskClosed { task, reason } => {
                    if timed() {
                        out.push(super::timers::cancel_overdue(
                            backend,
                            self.tenant,
                            self.instance,
                            *task,
                        ));
                    }
                    let c = changes.entry(task.0).or_insert(TaskChange {
                        opened: None,
                        closed: None,
                        due_changed: false,
                    });
                    c.closed = Some(*reason);
                }
                engine::Effect::TaskDueChanged { task, due } => {
                    out.push(super::timers::schedule_overdue(
                        backend,
                        self.tenant,
                        self.instance,
                        *task,
                        from_ts(*due),
                    ));
                    if let Some(t) = self.state.tasks.iter().find(|t| t.id == *task) {
                        out.extend(self.reminder(*task, t.node, *due));
                    }
                    changes
                        .entry(task.0)
                        .or_insert(TaskChange {
                            opened: None,
                            closed: None,
                            due_changed: false,
                        })
                        .due_changed = true;
                }
                engine::Effect::CcSent { cc: id, user, node } => {
                    if let Some(user) = parse_uid(user) {
                        cc.push(flow_cc::ActiveModel {
                            id: Set(new_id()),
                            tenant_id: Set(self.tenant),
                            instance_id: Set(self.instance),
                            cc_no: Set(id.0 as i32),
                            user_id: Set(user),
                            node_key: Set(self.def.node(*node).key.clone()),
                            sent_at: Set(self.now),
                            read_at: Set(None),
                        });
                    }
                }
                engine::Effect::TimerSet { timer, at } => out.push(super::timers::schedule(
                    backend,
                    self.tenant,
                    self.instance,
                    *timer,
                    from_ts(*at),
                )),
                engine::Effect::TimerCancelled { timer } => out.push(super::timers::cancel(
                    backend,
                    self.tenant,
                    self.instance,
                    *timer,
                )),
                engine::Effect::Notify { user, reason, task } => {
                    if let Some(user) = parse_uid(user) {
                        let node = task
                            .and_then(|t| self.state.tasks.iter().find(|k| k.id == t))
                            .map(|k| self.def.node(k.node).name.clone());
                        let mut data = match node {
                            Some(n) => serde_json::json!({ "node_name": n }),
                            None => serde_json::json!({}),
                        };
                        if *reason == engine::NotifyReason::Finished {
                            data["outcome"] = serde_json::json!(match self.state.status {
                                engine::Status::Approved => "approved",
                                engine::Status::Rejected => "rejected",
                                engine::Status::Cancelled => "withdrawn",
                                engine::Status::Running => "running",
                            });
                        }
                        if let Some(t) = task {
                            told.insert((user, t.0));
                        }
                        notices.push(crate::notifications::Notice {
                            tenant: self.tenant,
                            user,
                            kind: notify_kind(*reason),
                            instance: Some(self.instance),
                            task_no: task.map(|t| t.0 as i32),
                            data,
                        });
                    }
                }
                engine::Effect::FlowDue { due } => out.push(super::timers::schedule_flow_overdue(
                    backend,
                    self.tenant,
                    self.instance,
                    from_ts(*due),
                )),
                engine::Effect::Finished { .. } if self.def.graph().time_limit.is_some() => out
                    .push(super::timers::cancel_flow_overdue(
                        backend,
                        self.tenant,
                        self.instance,
                    )),
                _ => {}
            }
        }
        let task_in_state = |no: u32| self.state.tasks.iter().find(|t| t.id.0 == no);
        let mut upserts = Vec::new();
        let mut closes: BTreeMap<&'static str, Vec<i32>> = BTreeMap::new();
        let mut due_updates = Vec::new();
        let mut new_tasks = Vec::new();
        for (no, c) in &changes {
            let st = task_in_state(*no);
            // a task kept pending (暂存待办) is due at its promised date
            let due = st
                .and_then(|t| t.pending.as_ref().map(|p| p.promised).or(t.due))
                .map(from_ts);
            match (&c.opened, c.closed) {
                (Some((node, assignee)), closed) => {
                    let n = self.def.node(*node);
                    let Some(assignee) = parse_uid(assignee) else {
                        continue;
                    };
                    // a new task in someone's inbox tells them (not the actor's own next step)
                    if closed.is_none()
                        && Some(assignee) != self.actor
                        && !told.contains(&(assignee, *no))
                        && st.is_some_and(|t| t.state == engine::TaskState::Open)
                    {
                        new_tasks.push(crate::notifications::Notice {
                            tenant: self.tenant,
                            user: assignee,
                            kind: "task_assigned",
                            instance: Some(self.instance),
                            task_no: Some(*no as i32),
                            data: serde_json::json!({ "node_name": if n.name.is_empty() { &n.key } else { &n.name } }),
                        });
                    }
                    upserts.push(flow_task::ActiveModel {
                        id: Set(new_id()),
                        tenant_id: Set(self.tenant),
                        instance_id: Set(self.instance),
                        template_id: Set(self.template),
                        task_no: Set(*no as i32),
                        node_key: Set(n.key.clone()),
                        node_name: Set(if n.name.is_empty() {
                            n.key.clone()
                        } else {
                            n.name.clone()
                        }),
                        assignee_id: Set(assignee),
                        delegated_by: Set(st
                            .and_then(|t| t.delegated_by.as_ref())
                            .and_then(parse_uid)),
                        principal_id: Set(st
                            .and_then(|t| t.principal.as_ref())
                            .and_then(parse_uid)),
                        state: Set(if closed.is_some() { "closed" } else { "open" }.into()),
                        close_reason: Set(closed.map(|r| close_reason_text(r).to_string())),
                        opened_at: Set(self.now),
                        closed_at: Set(closed.map(|_| self.now)),
                        due_at: Set(due),
                    });
                }
                (None, Some(reason)) => closes
                    .entry(close_reason_text(reason))
                    .or_default()
                    .push(*no as i32),
                (None, None) if c.due_changed => due_updates.push((*no as i32, due)),
                (None, None) => {}
            }
        }
        if !upserts.is_empty() {
            use flow_task::Column as T;
            out.push(
                flow_task::Entity::insert_many(upserts)
                    .on_conflict(
                        OnConflict::columns([T::InstanceId, T::TaskNo])
                            .update_columns([
                                T::NodeKey,
                                T::NodeName,
                                T::AssigneeId,
                                T::DelegatedBy,
                                T::PrincipalId,
                                T::State,
                                T::CloseReason,
                                T::OpenedAt,
                                T::ClosedAt,
                                T::DueAt,
                            ])
                            .to_owned(),
                    )
                    .build(backend),
            );
        }
        for (reason, nos) in closes {
            out.push(
                flow_task::Entity::update_many()
                    .col_expr(flow_task::Column::State, Expr::value("closed"))
                    .col_expr(flow_task::Column::CloseReason, Expr::value(reason))
                    .col_expr(flow_task::Column::ClosedAt, Expr::value(self.now))
                    .filter(flow_task::Column::InstanceId.eq(self.instance))
                    .filter(flow_task::Column::TaskNo.is_in(nos))
                    .build(backend),
            );
        }
        for (no, due) in due_updates {
            out.push(
                flow_task::Entity::update_many()
                    .col_expr(flow_task::Column::DueAt, Expr::value(due))
                    .filter(flow_task::Column::InstanceId.eq(self.instance))
                    .filter(flow_task::Column::TaskNo.eq(no))
                    .build(backend),
            );
        }
        if !cc.is_empty() {
            out.push(flow_cc::Entity::insert_many(cc).build(backend));
        }
        notices.extend(new_tasks);
        let told: std::collections::HashSet<Uuid> = notices.iter().map(|n| n.user).collect();
        let status = status_text(self.state.status);
        notices.extend(crate::notifications::changed(
            self.tenant,
            self.instance,
            status,
            self.changed.iter().copied().filter(|u| !told.contains(u)),
        ));
        out.extend(crate::notifications::statements(backend, notices, self.now));
        if !effects.history.is_empty() {
            let rows = effects
                .history
                .iter()
                .enumerate()
                .map(|(i, h)| flow_history::ActiveModel {
                    id: Set(new_id()),
                    tenant_id: Set(self.tenant),
                    instance_id: Set(self.instance),
                    seq: Set(first_seq + i as i32),
                    at: Set(from_ts(h.at)),
                    actor_id: Set(h.actor.as_ref().and_then(parse_uid)),
                    acting_for_id: Set(h.acting_for.as_ref().and_then(parse_uid)),
                    action: Set(serde_json::to_value(h.action)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()),
                    stance: Set(h
                        .stance
                        .and_then(|s| serde_json::to_value(s).ok())
                        .and_then(|v| v.as_str().map(str::to_string))),
                    opinion: Set(h.opinion.clone()),
                    from_node: Set(h.from.map(|n| self.def.node(n).key.clone())),
                    to_nodes: Set(serde_json::json!(
                        h.to.iter()
                            .map(|n| self.def.node(*n).key.clone())
                            .collect::<Vec<_>>()
                    )),
                    task_no: Set(h.task.map(|t| t.0 as i32)),
                    users: Set(serde_json::json!(
                        h.users.iter().filter_map(parse_uid).collect::<Vec<_>>()
                    )),
                });
            out.push(flow_history::Entity::insert_many(rows).build(backend));
        }
        out
    }
}

/// A start request.
#[derive(Debug, Clone)]
pub struct StartInput {
    pub template_id: Uuid,
    pub form: engine::FormData,
    /// People the initiator chose, by node key.
    pub chosen: HashMap<String, Vec<Uuid>>,
}

fn start_request(c: &Caller, input: &StartInput) -> engine::StartRequest {
    engine::StartRequest {
        initiator: uid(c.user_id),
        initiator_facts: engine::state::InitiatorFacts {
            department: Some(c.department_id.to_string().into()),
            post: c.post_id.map(|x| x.to_string()),
            rank: None,
        },
        form: input.form.clone(),
        chosen: input
            .chosen
            .iter()
            .map(|(k, v)| (k.clone(), v.iter().map(|u| uid(*u)).collect()))
            .collect(),
    }
}

/// The template, its current version compiled, and the tenant directory, checked for a start.
async fn startable(
    app: &App,
    c: &Caller,
    template_id: Uuid,
) -> AppResult<(
    Arc<flow_template::Model>,
    Arc<CompiledVersion>,
    Arc<Directory>,
)> {
    let t = app
        .flow_template(c.tenant_id, template_id)
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                "flow.template_not_found",
                Text::fixed("流程模板不存在", "No such flow template"),
            )
        })?;
    let version_id = match (t.status.as_str(), t.current_version_id) {
        ("active", Some(v)) => v,
        _ => {
            return Err(AppError::conflict(
                "flow.template_disabled",
                Text::fixed(
                    "该流程模板未启用，不能发起",
                    "This flow template is not enabled",
                ),
            ));
        }
    };
    let v = app.compiled(version_id).await?;
    let dir = app.directory(c.tenant_id).await?;
    if !may_start(c, &v.settings, &dir.org) {
        return Err(AppError::forbidden());
    }
    Ok((t, v, dir))
}

/// Starts an instance of the template's current version; returns the stored instance.
pub async fn start(app: &App, c: &Caller, input: StartInput) -> AppResult<flow_instance::Model> {
    let (t, v, dir) = startable(app, c, input.template_id).await?;
    let accepted =
        crate::forms::accept(app, c, &v, &dir, &input.form, crate::forms::Write::Start).await?;
    let input = StartInput {
        form: accepted.data.clone(),
        ..input
    };
    let now = Utc::now();
    let admin = uid(dir.admin);
    let supervisor = t.supervisor_id.map(uid);
    let (state, effects) = {
        let facts = engine::Facts {
            now: ts(now),
            org: &dir.org_for(v.template_id, now),
            calendar: &dir.calendar,
            admin: &admin,
            supervisor: supervisor.as_ref(),
        };
        engine::start(&v.def, start_request(c, &input), &facts).map_err(refusal)?
    };
    let id = new_id();
    let title = render_title(
        &v.settings.title_template,
        &v.template_name,
        &c.name,
        &input.form,
    );
    let wants_serial = effects
        .effects
        .iter()
        .any(|e| matches!(e, engine::Effect::SerialNumberRequested));
    let pattern = SerialPattern::parse(&v.settings.serial_pattern).ok();
    let today = now.with_timezone(&dir.time_zone).date_naive();
    let status = status_text(state.status);
    let state_json = serde_json::to_value(&state).map_err(AppError::internal)?;
    let txn = app.db.begin().await?;
    let serial_no = match (&pattern, wants_serial) {
        (Some(pat), true) => {
            let seq = next_serial(
                &txn,
                c.tenant_id,
                v.template_id,
                &v.settings.serial_reset.period(today),
            )
            .await?;
            Some(pat.render(today, seq as u64))
        }
        _ => None,
    };
    let m = flow_instance::ActiveModel {
        id: Set(id),
        tenant_id: Set(c.tenant_id),
        template_id: Set(v.template_id),
        version_id: Set(v.id),
        serial_no: Set(serial_no.clone()),
        title: Set(title.clone()),
        initiator_id: Set(c.user_id),
        status: Set(status.into()),
        state: Set(state_json),
        lock_version: Set(1),
        history_seq: Set(effects.history.len() as i32),
        department_id: Set(c.department_id),
        summary: Set(summary(&v.settings, &input.form)),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(if status == "running" { None } else { Some(now) }),
        due_at: Set(state.due.map(from_ts)),
    };
    let backend = txn.get_database_backend();
    // One batch: the instance, its tasks and history, the audit row.
    let mut batch = vec![flow_instance::Entity::insert(m.clone()).build(backend)];
    let m = sea_orm::TryIntoModel::try_into_model(m).map_err(AppError::internal)?;
    batch.extend(
        Writer {
            txn: &txn,
            tenant: c.tenant_id,
            instance: id,
            template: v.template_id,
            def: &v.def,
            state: &state,
            now,
            calendar: &dir.calendar,
            actor: Some(c.user_id),
            changed: Vec::new(),
        }
        .statements(&effects, 0),
    );
    let serial = serial_no.map(|s| format!(" {s}")).unwrap_or_default();
    batch.push(audit::statement(
        backend,
        &c.audit,
        Change::new(
            "flow_instance.start",
            "flow_instance",
            Some(id),
            format!("发起「{title}」{serial}"),
        ),
    ));
    crate::db::execute_batch(&txn, batch).await?;
    crate::forms::record(&txn, c.tenant_id, v.template_id, id, &v.form, &accepted).await?;
    claim_idempotency_key(&txn, c, id).await?;
    txn.commit().await?;
    if told(&effects) {
        app.live.wake();
    }
    Ok(m)
}

/// Whether the effects told someone (and so wrote notifications to deliver live).
fn told(effects: &engine::Effects) -> bool {
    effects
        .effects
        .iter()
        .any(|e| matches!(e, engine::Effect::Notify { .. }))
}

/// Records the caller's idempotency key for this instance in the action's transaction. A second
/// request with the same key that got this far loses on the primary key: its whole transaction
/// rolls back and the caller answers with what the first one did (`flow.replayed`).
async fn claim_idempotency_key(
    txn: &DatabaseTransaction,
    c: &Caller,
    instance: Uuid,
) -> AppResult<()> {
    let Some(key) = &c.idempotency_key else {
        return Ok(());
    };
    let backend = txn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO flow_idempotency (tenant_id, user_id, key, response, created_at) VALUES ($1, $2, $3, $4, $5)"
        }
        _ => {
            "INSERT INTO flow_idempotency (tenant_id, user_id, key, response, created_at) VALUES (?, ?, ?, ?, ?)"
        }
    };
    let record = serde_json::json!({ "instance_id": instance });
    let res = txn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                c.tenant_id.into(),
                c.user_id.into(),
                key.clone().into(),
                record.into(),
                Utc::now().into(),
            ],
        ))
        .await;
    match res {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Err(replayed())
        }
        Err(e) => Err(e.into()),
    }
}

/// The error that tells the HTTP layer to answer a retried request with the first one's result.
pub fn replayed() -> AppError {
    AppError::conflict(
        "flow.replayed",
        Text::fixed("该请求已处理", "This request was already handled"),
    )
}

/// What the engine would do if everyone agreed from here on: each step's node and people.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RouteStep {
    pub node_key: String,
    pub node_name: String,
    /// Who acts at this step (empty when the node passes on its own).
    pub assignees: Vec<Uuid>,
    /// Their names, in the same order.
    pub assignee_names: Vec<String>,
    /// `current` for steps open now, `next` for the predicted ones.
    pub when: String,
}

/// Simulates the rest of the flow with every open task agreed, on a copy of the state.
pub fn simulate(
    v: &CompiledVersion,
    dir: &Directory,
    admin: &engine::UserId,
    supervisor: Option<&engine::UserId>,
    mut state: engine::InstanceState,
    now: DateTime<Utc>,
) -> Vec<RouteStep> {
    let facts = engine::Facts {
        now: ts(now),
        org: &dir.org_for(v.template_id, now),
        calendar: &dir.calendar,
        admin,
        supervisor,
    };
    let mut steps: Vec<RouteStep> = Vec::new();
    let mut round = 0;
    let group = |state: &engine::InstanceState| {
        let mut by_node: BTreeMap<u32, (engine::NodeId, Vec<Uuid>)> = BTreeMap::new();
        for t in state.open_tasks() {
            let e = by_node.entry(t.node.0).or_insert((t.node, Vec::new()));
            if let Some(u) = parse_uid(&t.assignee) {
                e.1.push(u);
            }
        }
        by_node.into_values().collect::<Vec<_>>()
    };
    while state.status == engine::Status::Running && round < 64 {
        let open = group(&state);
        if open.is_empty() {
            break;
        }
        for (node, people) in &open {
            let n = v.def.node(*node);
            steps.push(RouteStep {
                node_key: n.key.clone(),
                node_name: if n.name.is_empty() {
                    n.key.clone()
                } else {
                    n.name.clone()
                },
                assignees: people.clone(),
                assignee_names: Vec::new(),
                when: if round == 0 { "current" } else { "next" }.into(),
            });
        }
        let tasks: Vec<(engine::TaskId, engine::UserId, bool)> = state
            .open_tasks()
            .map(|t| {
                (
                    t.id,
                    t.assignee.clone(),
                    matches!(v.def.node(t.node).kind, engine::NodeKind::Start { .. }),
                )
            })
            .collect();
        let mut progressed = false;
        for (task, who, at_start) in tasks {
            let action = if at_start {
                engine::Action::Resubmit { task, form: None }
            } else {
                engine::Action::Agree {
                    task,
                    opinion: "同意".into(),
                    form: None,
                }
            };
            let cmd = engine::Command {
                actor: who,
                acting_for: None,
                action,
            };
            if engine::apply_in_place(&v.def, &mut state, &cmd, &facts).is_ok() {
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
        round += 1;
    }
    steps
}

/// The route a start would take with this form data (nothing is written).
pub async fn preview_start(app: &App, c: &Caller, input: StartInput) -> AppResult<Vec<RouteStep>> {
    let (t, v, dir) = startable(app, c, input.template_id).await?;
    let accepted =
        crate::forms::accept(app, c, &v, &dir, &input.form, crate::forms::Write::Start).await?;
    let input = StartInput {
        form: accepted.data,
        ..input
    };
    let now = Utc::now();
    let admin = uid(dir.admin);
    let supervisor = t.supervisor_id.map(uid);
    let (state, _) = {
        let facts = engine::Facts {
            now: ts(now),
            org: &dir.org_for(v.template_id, now),
            calendar: &dir.calendar,
            admin: &admin,
            supervisor: supervisor.as_ref(),
        };
        engine::start(&v.def, start_request(c, &input), &facts).map_err(refusal)?
    };
    Ok(simulate(&v, &dir, &admin, supervisor.as_ref(), state, now))
}

/// An action on an instance, by task or by the initiator or supervisor.
#[derive(Debug, Clone)]
pub enum Target {
    /// One of the caller's tasks.
    Task(Uuid),
    /// The instance itself (withdraw, cancel, urge, mark a cc read).
    Instance(Uuid),
}

/// What an action changed.
pub struct Acted {
    pub instance: flow_instance::Model,
}

/// Applies one action. `build` turns the engine's task number (for a task target) into the
/// engine action; it may refuse with a validation error before anything is read for writing.
pub async fn act(
    app: &App,
    c: &Caller,
    target: Target,
    build: impl Fn(Option<engine::TaskId>, &CompiledVersion) -> AppResult<engine::Action>,
) -> AppResult<Acted> {
    // The task and its instance in one read; a retry after a version conflict reads the
    // instance again.
    let (instance_id, task, mut fresh) = match target {
        Target::Task(id) => {
            let (task, instance) = flow_task::Entity::find_by_id(id)
                .find_also_related(flow_instance::Entity)
                .one(&app.db)
                .await?
                .filter(|(t, _)| t.tenant_id == c.tenant_id)
                .ok_or_else(task_not_found)?;
            if task.assignee_id != c.user_id {
                return Err(task_not_found());
            }
            if task.state != "open" {
                return Err(AppError::conflict(
                    "flow.task_closed",
                    Text::fixed("该待办已处理", "This task has already been handled"),
                ));
            }
            (task.instance_id, Some(task), instance)
        }
        Target::Instance(id) => (id, None, None),
    };
    let mut attempts = 0;
    loop {
        attempts += 1;
        let i = match fresh.take() {
            Some(i) => Some(i),
            None => {
                flow_instance::Entity::find_by_id(instance_id)
                    .one(&app.db)
                    .await?
            }
        }
        .filter(|i| i.tenant_id == c.tenant_id)
        .ok_or_else(instance_not_found)?;
        let v = app.compiled(i.version_id).await?;
        let action = build(task.as_ref().map(|t| engine::TaskId(t.task_no as u32)), &v)?;
        // On a version conflict the action is applied again to the fresh state: the engine then
        // decides afresh (a countersigner's agree still counts; an agree on a task that was
        // transferred meanwhile is refused as closed). Nothing of the lost attempt was written.
        match act_once(app, c, &i, &v, task.as_ref(), action).await {
            Err(e) if attempts < 10 && e.code == "flow.conflict" => {
                let pause = Duration::from_millis(
                    rand::Rng::gen_range(&mut rand::thread_rng(), 1..=4) * attempts,
                );
                tokio::time::sleep(pause).await;
                continue;
            }
            other => return other,
        }
    }
}

async fn act_once(
    app: &App,
    c: &Caller,
    i: &flow_instance::Model,
    v: &CompiledVersion,
    task: Option<&flow_task::Model>,
    action: engine::Action,
) -> AppResult<Acted> {
    let dir = app.directory(c.tenant_id).await?;
    let t = app.flow_template(c.tenant_id, i.template_id).await?;
    let mut state: engine::InstanceState =
        serde_json::from_value(i.state.clone()).map_err(AppError::internal)?;
    let now = Utc::now();
    let admin = uid(dir.admin);
    // Tenant flow administrators may do what a template's supervisor may (urge, replace).
    let supervisor = if c.flow_admin
        && matches!(
            action,
            engine::Action::Urge { .. } | engine::Action::ReplaceHandler { .. }
        ) {
        Some(uid(c.user_id))
    } else {
        t.as_ref().and_then(|t| t.supervisor_id).map(uid)
    };
    let cc_read = match &action {
        engine::Action::MarkRead { cc } => Some(cc.0 as i32),
        _ => None,
    };
    let form_changed = matches!(
        &action,
        engine::Action::Resubmit { form: Some(_), .. }
            | engine::Action::Agree { form: Some(_), .. }
    );
    let resubmitted = matches!(&action, engine::Action::Resubmit { form: Some(_), .. });
    // Whoever held an open task before the action, holds one after, started it or acted, sees
    // it change live (an urge changes nothing anyone sees: its own notice says it).
    let quiet = matches!(&action, engine::Action::Urge { .. });
    let mut involved: Vec<Uuid> = state
        .open_tasks()
        .filter_map(|t| parse_uid(&t.assignee))
        .chain([i.initiator_id, c.user_id])
        .collect();
    let command = engine::Command {
        actor: uid(c.user_id),
        acting_for: None,
        action,
    };
    let effects = {
        let facts = engine::Facts {
            now: ts(now),
            org: &dir.org_for(i.template_id, now),
            calendar: &dir.calendar,
            admin: &admin,
            supervisor: supervisor.as_ref(),
        };
        engine::apply_in_place(&v.def, &mut state, &command, &facts).map_err(refusal)?
    };
    let status = status_text(state.status);
    let state_json = serde_json::to_value(&state).map_err(AppError::internal)?;
    let mut updated = i.clone();
    updated.status = status.into();
    updated.lock_version = i.lock_version + 1;
    updated.updated_at = now;
    updated.history_seq = i.history_seq + effects.history.len() as i32;
    updated.finished_at = if status == "running" {
        None
    } else {
        i.finished_at.or(Some(now))
    };
    if form_changed {
        updated.summary = summary(&v.settings, &state.form);
    }
    if resubmitted {
        // The initiator resubmits: the title follows the corrected form.
        updated.title = render_title(
            &v.settings.title_template,
            &v.template_name,
            &c.name,
            &state.form,
        );
    }
    let txn = app.db.begin().await?;
    // The optimistic check: whoever commits first wins; the other gets a clear 409.
    let res = flow_instance::Entity::update_many()
        .col_expr(
            flow_instance::Column::State,
            Expr::value(state_json.clone()),
        )
        .col_expr(flow_instance::Column::Status, Expr::value(status))
        .col_expr(
            flow_instance::Column::LockVersion,
            Expr::value(updated.lock_version),
        )
        .col_expr(
            flow_instance::Column::HistorySeq,
            Expr::value(updated.history_seq),
        )
        .col_expr(
            flow_instance::Column::Summary,
            Expr::value(updated.summary.clone()),
        )
        .col_expr(
            flow_instance::Column::Title,
            Expr::value(updated.title.clone()),
        )
        .col_expr(flow_instance::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            flow_instance::Column::FinishedAt,
            Expr::value(updated.finished_at),
        )
        .filter(flow_instance::Column::Id.eq(i.id))
        .filter(flow_instance::Column::LockVersion.eq(i.lock_version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        txn.rollback().await?;
        return Err(conflict());
    }
    if let Some(accepted) = &c.form_write {
        crate::forms::record(&txn, c.tenant_id, i.template_id, i.id, &v.form, accepted).await?;
    }
    updated.state = state_json;
    let backend = txn.get_database_backend();
    // One batch after the guarded update: tasks, history, copies read, the audit row.
    involved.extend(state.open_tasks().filter_map(|t| parse_uid(&t.assignee)));
    if quiet {
        involved.clear();
    }
    let mut batch = Writer {
        txn: &txn,
        tenant: c.tenant_id,
        instance: i.id,
        template: i.template_id,
        def: &v.def,
        state: &state,
        now,
        calendar: &dir.calendar,
        actor: Some(c.user_id),
        changed: involved,
    }
    .statements(&effects, i.history_seq);
    if let Some(no) = cc_read {
        batch.push(
            flow_cc::Entity::update_many()
                .col_expr(flow_cc::Column::ReadAt, Expr::value(now))
                .filter(flow_cc::Column::InstanceId.eq(i.id))
                .filter(flow_cc::Column::CcNo.eq(no))
                .build(backend),
        );
    }
    // "@name" in an opinion tells that person
    batch.extend(
        crate::notifications::mention_statements(
            &txn,
            c,
            i.id,
            task.map(|t| t.node_name.as_str()),
            &effects.history,
            now,
        )
        .await?,
    );
    let what = effects
        .history
        .first()
        .map(|h| {
            serde_json::to_value(h.action)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let node = task
        .map(|t| format!("「{}」", t.node_name))
        .unwrap_or_default();
    let kind = if task.is_some() {
        "flow_task.act"
    } else {
        "flow_instance.act"
    };
    batch.push(audit::statement(
        backend,
        &c.audit,
        Change::new(
            kind,
            "flow_instance",
            Some(i.id),
            format!("{what} {node}「{}」", i.title),
        ),
    ));
    crate::db::execute_batch(&txn, batch).await?;
    claim_idempotency_key(&txn, c, i.id).await?;
    txn.commit().await?;
    app.live.wake();
    Ok(Acted { instance: updated })
}

/// The notification kind of an engine notification.
fn notify_kind(r: engine::NotifyReason) -> &'static str {
    use engine::NotifyReason as R;
    match r {
        R::Urged => "urged",
        R::Reminder => "reminder",
        R::SentBack => "sent_back",
        R::Finished => "finished",
        R::CarbonCopy => "carbon_copy",
        R::Overdue => "overdue",
        R::Replaced => "replaced",
        R::StoodIn => "stood_in",
        R::FlowOverdue => "flow_overdue",
    }
}
