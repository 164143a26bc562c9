//! Instances and tasks: start, act, my todos, detail. Every action is one transaction with an
//! optimistic version check on the instance; an `Idempotency-Key` makes a retry harmless.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use xietong_engine as engine;

use super::definition::{FormSpec, TemplateSettings};
use super::serial::SerialPattern;
use super::templates::may_start;
use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::access::{Perm, Role};
use crate::auth::extract::{Authenticated, Principal};
use crate::entities::{flow_history, flow_instance, flow_task, flow_template, flow_template_version, user, user_role};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::http::extract::{Json, Path, Query};
use crate::http::page::{Page, PageQuery};
use crate::ids::new_id;
use crate::org::directory::OrgSnapshot;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(start_instance))
        .routes(routes!(get_instance))
        .routes(routes!(act_on_task))
        .routes(routes!(my_todo))
}

/// A published version, compiled once.
pub struct CompiledVersion {
    pub id: Uuid,
    pub template_id: Uuid,
    pub template_name: String,
    pub def: engine::FlowDefinition,
    pub settings: TemplateSettings,
    pub form: FormSpec,
}

fn ts(t: DateTime<Utc>) -> engine::Timestamp {
    engine::Timestamp(t.timestamp())
}

fn from_ts(t: engine::Timestamp) -> DateTime<Utc> {
    Utc.timestamp_opt(t.0, 0).single().unwrap_or_else(Utc::now)
}

fn uid(u: Uuid) -> engine::UserId {
    u.to_string().into()
}

fn parse_uid(u: &engine::UserId) -> Option<Uuid> {
    Uuid::parse_str(&u.to_string()).ok()
}

async fn compiled(app: &App, version_id: Uuid) -> AppResult<Arc<CompiledVersion>> {
    if let Some(v) = app.flow_versions.read().expect("flow cache").get(&version_id) {
        return Ok(v.clone());
    }
    let v = flow_template_version::Entity::find_by_id(version_id).one(&app.db).await?.ok_or_else(|| AppError::internal("missing version"))?;
    let t = flow_template::Entity::find_by_id(v.template_id).one(&app.db).await?.ok_or_else(|| AppError::internal("missing template"))?;
    let graph: engine::FlowGraph = serde_json::from_value(v.graph.clone()).map_err(AppError::internal)?;
    let def = engine::FlowDefinition::new(graph).map_err(|e| AppError::internal(format!("stored version does not validate: {e:?}")))?;
    let c = Arc::new(CompiledVersion {
        id: v.id,
        template_id: t.id,
        template_name: t.name,
        def,
        settings: serde_json::from_value(v.settings).unwrap_or_default(),
        form: serde_json::from_value(v.form).unwrap_or_default(),
    });
    app.flow_versions.write().expect("flow cache").insert(version_id, c.clone());
    Ok(c)
}

fn refusal(r: engine::Refusal) -> AppError {
    let text = r.to_string();
    AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "flow.refused", Text::owned(format!("操作未被允许：{text}"), format!("Not allowed: {text}")))
        .with_details(serde_json::json!({ "reason": format!("{r:?}") }))
}

fn conflict() -> AppError {
    AppError::conflict(
        "flow.conflict",
        Text::fixed("该流程刚被其他人处理过，请刷新后重试", "Someone else acted on this flow just now; reload and try again"),
    )
}

/// Checks the form data against the template's field list.
fn check_form(form: &FormSpec, data: &engine::FormData) -> AppResult<()> {
    let mut errors = Vec::new();
    for f in &form.fields {
        let v = data.get(&f.key).filter(|v| !v.is_null() && v.as_str() != Some(""));
        match v {
            None if f.required => errors.push(FieldError::new(
                format!("form.{}", f.key),
                "form.required",
                Text::owned(format!("请填写「{}」", f.label), format!("\"{}\" is required", f.label)),
            )),
            Some(v) if matches!(f.kind.as_str(), "number" | "money") && !v.is_number() && v.as_str().is_none_or(|s| s.parse::<f64>().is_err()) => {
                errors.push(FieldError::new(format!("form.{}", f.key), "form.number", Text::owned(format!("「{}」须为数字", f.label), format!("\"{}\" must be a number", f.label))))
            }
            Some(v) if f.kind == "select" && !v.as_str().is_some_and(|s| f.options.iter().any(|o| o == s)) => errors.push(FieldError::new(
                format!("form.{}", f.key),
                "form.option",
                Text::owned(format!("「{}」的选项无效", f.label), format!("\"{}\" has an invalid choice", f.label)),
            )),
            _ => {}
        }
    }
    for k in data.keys() {
        if !form.fields.iter().any(|f| &f.key == k) {
            errors.push(FieldError::new(format!("form.{k}"), "form.unknown_field", Text::owned(format!("表单中没有字段「{k}」"), format!("The form has no field \"{k}\""))));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::validation(errors)) }
}

async fn admin_of(app: &App, tenant: Uuid) -> AppResult<Uuid> {
    user_role::Entity::find()
        .filter(user_role::Column::TenantId.eq(tenant))
        .filter(user_role::Column::Role.eq(Role::Sysadmin.key()))
        .one(&app.db)
        .await?
        .map(|r| r.user_id)
        .ok_or_else(|| AppError::internal("tenant has no administrator"))
}

/// Allocates the next serial number in the open transaction: one upsert, the first write of the
/// transaction, so concurrent starts queue on it and numbers are unique and gap-free.
async fn next_serial(txn: &DatabaseTransaction, tenant: Uuid, template: Uuid, period: &str) -> AppResult<i64> {
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
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [tenant.into(), template.into(), period.into()]))
        .await?
        .ok_or_else(|| AppError::internal("serial counter returned nothing"))?;
    Ok(row.try_get::<i64>("", "last")?)
}

fn render_title(template: &str, name: &str, initiator: &str, form: &engine::FormData) -> String {
    if template.is_empty() {
        return format!("{initiator}的{name}");
    }
    let mut out = template.replace("{initiator}", initiator).replace("{template}", name);
    for (k, v) in form {
        let val = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out = out.replace(&format!("{{{k}}}"), &val);
    }
    out.chars().take(200).collect()
}

async fn apply_effects(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    instance: Uuid,
    def: &engine::FlowDefinition,
    effects: &engine::Effects,
    first_seq: i32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    for e in &effects.effects {
        match e {
            engine::Effect::TaskOpened { task, node, assignee, due } => {
                let n = def.node(*node);
                let Some(assignee) = parse_uid(assignee) else { continue };
                flow_task::ActiveModel {
                    id: Set(new_id()),
                    tenant_id: Set(tenant),
                    instance_id: Set(instance),
                    task_no: Set(task.0 as i32),
                    node_key: Set(n.key.clone()),
                    node_name: Set(if n.name.is_empty() { n.key.clone() } else { n.name.clone() }),
                    assignee_id: Set(assignee),
                    state: Set("open".into()),
                    close_reason: Set(None),
                    opened_at: Set(now),
                    closed_at: Set(None),
                    due_at: Set(due.map(from_ts)),
                }
                .insert(txn)
                .await?;
            }
            engine::Effect::TaskClosed { task, reason } => {
                flow_task::Entity::update_many()
                    .col_expr(flow_task::Column::State, sea_orm::sea_query::Expr::value("closed"))
                    .col_expr(flow_task::Column::CloseReason, sea_orm::sea_query::Expr::value(format!("{reason:?}").to_lowercase()))
                    .col_expr(flow_task::Column::ClosedAt, sea_orm::sea_query::Expr::value(now))
                    .filter(flow_task::Column::InstanceId.eq(instance))
                    .filter(flow_task::Column::TaskNo.eq(task.0 as i32))
                    .exec(txn)
                    .await?;
            }
            engine::Effect::TaskDueChanged { task, due } => {
                flow_task::Entity::update_many()
                    .col_expr(flow_task::Column::DueAt, sea_orm::sea_query::Expr::value(from_ts(*due)))
                    .filter(flow_task::Column::InstanceId.eq(instance))
                    .filter(flow_task::Column::TaskNo.eq(task.0 as i32))
                    .exec(txn)
                    .await?;
            }
            // Notifications, CC delivery and timers are carried out by the notification and
            // time-limit services (issues 8 and 9); the state already records them.
            _ => {}
        }
    }
    for (i, h) in effects.history.iter().enumerate() {
        flow_history::ActiveModel {
            id: Set(new_id()),
            tenant_id: Set(tenant),
            instance_id: Set(instance),
            seq: Set(first_seq + i as i32),
            at: Set(from_ts(h.at)),
            actor_id: Set(h.actor.as_ref().and_then(parse_uid)),
            acting_for_id: Set(h.acting_for.as_ref().and_then(parse_uid)),
            action: Set(serde_json::to_value(h.action).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()),
            stance: Set(h.stance.and_then(|s| serde_json::to_value(s).ok()).and_then(|v| v.as_str().map(str::to_string))),
            opinion: Set(h.opinion.clone()),
            from_node: Set(h.from.map(|n| def.node(n).key.clone())),
            to_nodes: Set(serde_json::json!(h.to.iter().map(|n| def.node(*n).key.clone()).collect::<Vec<_>>())),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

fn status_text(s: engine::Status) -> &'static str {
    match s {
        engine::Status::Running => "running",
        engine::Status::Approved => "approved",
        engine::Status::Rejected => "rejected",
        engine::Status::Cancelled => "cancelled",
    }
}

/// Start request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartInstance {
    pub template_id: Uuid,
    /// Form data by field key.
    #[schema(value_type = Object)]
    pub form: engine::FormData,
    /// People the initiator chose, by node key.
    #[serde(default)]
    pub chosen: HashMap<String, Vec<Uuid>>,
}

/// An instance with its tasks and history.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstanceView {
    pub id: Uuid,
    pub template_id: Uuid,
    pub template_name: String,
    pub version_id: Uuid,
    pub serial_no: Option<String>,
    pub title: String,
    pub initiator_id: Uuid,
    /// `running`, `approved`, `rejected` or `cancelled`.
    pub status: String,
    #[schema(value_type = Object)]
    pub form: serde_json::Value,
    pub tasks: Vec<TaskView>,
    pub history: Vec<HistoryView>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A task.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskView {
    pub id: Uuid,
    pub instance_id: Uuid,
    pub node_key: String,
    pub node_name: String,
    pub assignee_id: Uuid,
    /// `open` or `closed`.
    pub state: String,
    pub close_reason: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
}

impl From<flow_task::Model> for TaskView {
    fn from(t: flow_task::Model) -> Self {
        TaskView {
            id: t.id,
            instance_id: t.instance_id,
            node_key: t.node_key,
            node_name: t.node_name,
            assignee_id: t.assignee_id,
            state: t.state,
            close_reason: t.close_reason,
            opened_at: t.opened_at,
            closed_at: t.closed_at,
            due_at: t.due_at,
        }
    }
}

/// One history event.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    pub seq: i32,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub acting_for_id: Option<Uuid>,
    pub action: String,
    pub stance: Option<String>,
    pub opinion: Option<String>,
    pub from_node: Option<String>,
    pub to_nodes: Vec<String>,
}

async fn instance_view(app: &App, i: flow_instance::Model) -> AppResult<InstanceView> {
    let tasks = flow_task::Entity::find().filter(flow_task::Column::InstanceId.eq(i.id)).order_by_asc(flow_task::Column::TaskNo).all(&app.db).await?;
    let history = flow_history::Entity::find().filter(flow_history::Column::InstanceId.eq(i.id)).order_by_asc(flow_history::Column::Seq).all(&app.db).await?;
    let v = compiled(app, i.version_id).await?;
    let state: engine::InstanceState = serde_json::from_value(i.state.clone()).map_err(AppError::internal)?;
    Ok(InstanceView {
        id: i.id,
        template_id: i.template_id,
        template_name: v.template_name.clone(),
        version_id: i.version_id,
        serial_no: i.serial_no,
        title: i.title,
        initiator_id: i.initiator_id,
        status: i.status,
        form: serde_json::to_value(&state.form).unwrap_or_default(),
        tasks: tasks.into_iter().map(Into::into).collect(),
        history: history
            .into_iter()
            .map(|h| HistoryView {
                seq: h.seq,
                at: h.at,
                actor_id: h.actor_id,
                acting_for_id: h.acting_for_id,
                action: h.action,
                stance: h.stance,
                opinion: h.opinion,
                from_node: h.from_node,
                to_nodes: serde_json::from_value(h.to_nodes).unwrap_or_default(),
            })
            .collect(),
        created_at: i.created_at,
        finished_at: i.finished_at,
    })
}

async fn idempotent_replay(app: &App, p: &Principal, headers: &HeaderMap) -> AppResult<(Option<String>, Option<serde_json::Value>)> {
    let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string) else {
        return Ok((None, None));
    };
    if key.is_empty() || key.len() > 128 {
        return Err(AppError::bad_request("request.idempotency_key", Text::fixed("Idempotency-Key 须为 1–128 个字符", "Idempotency-Key must be 1–128 characters")));
    }
    let backend = app.db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT response FROM flow_idempotency WHERE user_id = $1 AND key = $2",
        _ => "SELECT response FROM flow_idempotency WHERE user_id = ? AND key = ?",
    };
    let row = app.db.query_one_raw(Statement::from_sql_and_values(backend, sql, [p.user_id.into(), key.clone().into()])).await?;
    let stored = row.map(|r| r.try_get::<serde_json::Value>("", "response")).transpose()?;
    Ok((Some(key), stored))
}

async fn remember(txn: &DatabaseTransaction, p: &Principal, key: &Option<String>, response: &serde_json::Value) -> AppResult<()> {
    let Some(key) = key else { return Ok(()) };
    let backend = txn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "INSERT INTO flow_idempotency (tenant_id, user_id, key, response, created_at) VALUES ($1, $2, $3, $4, $5)",
        _ => "INSERT INTO flow_idempotency (tenant_id, user_id, key, response, created_at) VALUES (?, ?, ?, ?, ?)",
    };
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [p.tenant_id.into(), p.user_id.into(), key.clone().into(), response.clone().into(), Utc::now().into()],
    ))
    .await?;
    Ok(())
}

/// Starts an instance of the template's current version.
#[utoipa::path(post, path = "/api/v1/flow/instances", tag = "flow", request_body = StartInstance,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key has no second effect")),
    responses((status = 200, body = InstanceView), (status = 422, body = crate::error::ErrorBody)))]
async fn start_instance(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    headers: HeaderMap,
    Json(req): Json<StartInstance>,
) -> AppResult<axum::Json<serde_json::Value>> {
    let (key, replay) = idempotent_replay(&app, &p, &headers).await?;
    if let Some(r) = replay {
        return Ok(axum::Json(r));
    }
    let t = flow_template::Entity::find_by_id(req.template_id)
        .one(&app.db)
        .await?
        .filter(|t| t.tenant_id == p.tenant_id)
        .ok_or_else(|| AppError::not_found("flow.template_not_found", Text::fixed("流程模板不存在", "No such flow template")))?;
    let org = OrgSnapshot::load(&app.db, p.tenant_id).await?;
    let version_id = match (t.status.as_str(), t.current_version_id) {
        ("active", Some(v)) => v,
        _ => return Err(AppError::conflict("flow.template_disabled", Text::fixed("该流程模板未启用，不能发起", "This flow template is not enabled"))),
    };
    let v = compiled(&app, version_id).await?;
    if !may_start(&p, &v.settings, &org) {
        return Err(AppError::forbidden());
    }
    check_form(&v.form, &req.form)?;
    let now = Utc::now();
    let admin = uid(admin_of(&app, p.tenant_id).await?);
    let supervisor = t.supervisor_id.map(uid);
    let post = p.user.post_id.map(|x| x.to_string());
    let request = engine::StartRequest {
        initiator: uid(p.user_id),
        initiator_facts: engine::state::InitiatorFacts { department: Some(p.department_id.to_string().into()), post, rank: None },
        form: req.form.clone(),
        chosen: req.chosen.iter().map(|(k, v)| (k.clone(), v.iter().map(|u| uid(*u)).collect())).collect(),
    };
    // The engine's facts borrow trait objects: keep them out of any await.
    let (state, effects) = {
        let calendar = engine::WeekendsOnly::default();
        let facts = engine::Facts { now: ts(now), org: &org, calendar: &calendar, admin: &admin, supervisor: supervisor.as_ref() };
        engine::start(&v.def, request, &facts).map_err(refusal)?
    };
    let id = new_id();
    let title = render_title(&v.settings.title_template, &v.template_name, &p.display_name, &req.form);
    let wants_serial = effects.effects.iter().any(|e| matches!(e, engine::Effect::SerialNumberRequested));
    let pattern = SerialPattern::parse(&v.settings.serial_pattern).ok();
    let tz: chrono_tz::Tz = app.tenant(p.tenant_id).await?.model.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    let today = now.with_timezone(&tz).date_naive();
    let txn = app.db.begin().await?;
    let serial_no = match (&pattern, wants_serial) {
        (Some(pat), true) => {
            let seq = next_serial(&txn, p.tenant_id, v.template_id, &v.settings.serial_reset.period(today)).await?;
            Some(pat.render(today, seq as u64))
        }
        _ => None,
    };
    let status = status_text(state.status);
    let m = flow_instance::ActiveModel {
        id: Set(id),
        tenant_id: Set(p.tenant_id),
        template_id: Set(v.template_id),
        version_id: Set(v.id),
        serial_no: Set(serial_no.clone()),
        title: Set(title.clone()),
        initiator_id: Set(p.user_id),
        status: Set(status.into()),
        state: Set(serde_json::to_value(&state).map_err(AppError::internal)?),
        lock_version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(if status == "running" { None } else { Some(now) }),
    }
    .insert(&txn)
    .await?;
    apply_effects(&txn, p.tenant_id, id, &v.def, &effects, 0, now).await?;
    audit::record(&txn, &(&p).into(), Change::new("flow_instance.start", "flow_instance", Some(id), format!("发起「{title}」{}", serial_no.clone().unwrap_or_default())))
        .await?;
    txn.commit().await?;
    let view = serde_json::to_value(instance_view(&app, m).await?).map_err(AppError::internal)?;
    if key.is_some() {
        let txn = app.db.begin().await?;
        remember(&txn, &p, &key, &view).await?;
        txn.commit().await?;
    }
    Ok(axum::Json(view))
}

/// Whether `p` may read the instance: initiator, anyone who held a task, the template's
/// supervisor and administrators, flow administrators.
async fn may_read(app: &App, p: &Principal, i: &flow_instance::Model) -> AppResult<bool> {
    if i.initiator_id == p.user_id || p.has(Perm::FlowAdmin) {
        return Ok(true);
    }
    let held = flow_task::Entity::find()
        .filter(flow_task::Column::InstanceId.eq(i.id))
        .filter(flow_task::Column::AssigneeId.eq(p.user_id))
        .count(&app.db)
        .await?;
    if held > 0 {
        return Ok(true);
    }
    let t = flow_template::Entity::find_by_id(i.template_id).one(&app.db).await?;
    Ok(t.is_some_and(|t| {
        t.supervisor_id == Some(p.user_id) || serde_json::from_value::<TemplateSettings>(t.settings).is_ok_and(|s| s.admins.contains(&p.user_id))
    }))
}

fn instance_not_found() -> AppError {
    AppError::not_found("flow.instance_not_found", Text::fixed("流程不存在或无权查看", "No such flow, or you may not see it"))
}

/// An instance with its tasks and history (to those who may see it).
#[utoipa::path(get, path = "/api/v1/flow/instances/{id}", tag = "flow", params(("id" = Uuid, Path)),
    responses((status = 200, body = InstanceView), (status = 404, body = crate::error::ErrorBody)))]
async fn get_instance(State(app): State<App>, Authenticated(p): Authenticated, Path(id): Path<Uuid>) -> AppResult<axum::Json<InstanceView>> {
    let i = flow_instance::Entity::find_by_id(id).one(&app.db).await?.filter(|i| i.tenant_id == p.tenant_id).ok_or_else(instance_not_found)?;
    if !may_read(&app, &p, &i).await? {
        return Err(instance_not_found());
    }
    Ok(axum::Json(instance_view(&app, i).await?))
}

/// An action on a task.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum TaskAction {
    /// 同意
    Agree {
        #[serde(default)]
        opinion: String,
    },
    /// 不同意 (a reason is required)
    Disagree { opinion: String },
    /// 已阅 (only where R5 allows it)
    Read {
        #[serde(default)]
        opinion: String,
    },
    /// 退回: `to` is `initiator`, `previous` or a node key.
    SendBack { to: String, opinion: String },
    /// Resubmit after a send-back to the initiator.
    Resubmit {
        #[serde(default)]
        #[schema(value_type = Option<Object>)]
        form: Option<engine::FormData>,
    },
    /// 转办
    Transfer {
        to: Uuid,
        #[serde(default)]
        opinion: String,
    },
}

/// Acts on one of my tasks; 409 when someone acted on the instance at the same moment.
#[utoipa::path(post, path = "/api/v1/flow/tasks/{id}/actions", tag = "flow", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key has no second effect")),
    request_body = TaskAction,
    responses((status = 200, body = InstanceView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn act_on_task(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    Json(req): Json<TaskAction>,
) -> AppResult<axum::Json<serde_json::Value>> {
    let (key, replay) = idempotent_replay(&app, &p, &headers).await?;
    if let Some(r) = replay {
        return Ok(axum::Json(r));
    }
    let not_found = || AppError::not_found("flow.task_not_found", Text::fixed("待办不存在", "No such task"));
    let task = flow_task::Entity::find_by_id(id).one(&app.db).await?.filter(|t| t.tenant_id == p.tenant_id).ok_or_else(not_found)?;
    if task.assignee_id != p.user_id {
        return Err(not_found());
    }
    if task.state != "open" {
        return Err(AppError::conflict("flow.task_closed", Text::fixed("该待办已处理", "This task has already been handled")));
    }
    let i = flow_instance::Entity::find_by_id(task.instance_id).one(&app.db).await?.ok_or_else(not_found)?;
    let v = compiled(&app, i.version_id).await?;
    let engine_task = engine::TaskId(task.task_no as u32);
    let action = match req {
        TaskAction::Agree { opinion } => engine::Action::Agree { task: engine_task, opinion, form: None },
        TaskAction::Disagree { opinion } => engine::Action::Disagree { task: engine_task, opinion },
        TaskAction::Read { opinion } => engine::Action::Read { task: engine_task, opinion },
        TaskAction::SendBack { to, opinion } => engine::Action::SendBack {
            task: engine_task,
            target: match to.as_str() {
                "initiator" => engine::SendBackTarget::Initiator,
                "previous" => engine::SendBackTarget::Previous,
                key => engine::SendBackTarget::Node { key: key.to_string() },
            },
            opinion,
        },
        TaskAction::Resubmit { form } => {
            if let Some(f) = &form {
                check_form(&v.form, f)?;
            }
            engine::Action::Resubmit { task: engine_task, form }
        }
        TaskAction::Transfer { to, opinion } => engine::Action::Transfer { task: engine_task, to: uid(to), opinion },
    };
    let mut state: engine::InstanceState = serde_json::from_value(i.state.clone()).map_err(AppError::internal)?;
    let org = OrgSnapshot::load(&app.db, p.tenant_id).await?;
    let now = Utc::now();
    let admin = uid(admin_of(&app, p.tenant_id).await?);
    let t = flow_template::Entity::find_by_id(i.template_id).one(&app.db).await?;
    let supervisor = t.and_then(|t| t.supervisor_id).map(uid);
    let command = engine::Command { actor: uid(p.user_id), acting_for: None, action };
    let effects = {
        let calendar = engine::WeekendsOnly::default();
        let facts = engine::Facts { now: ts(now), org: &org, calendar: &calendar, admin: &admin, supervisor: supervisor.as_ref() };
        engine::apply_in_place(&v.def, &mut state, &command, &facts).map_err(refusal)?
    };
    let status = status_text(state.status);
    let txn = app.db.begin().await?;
    // The optimistic check: whoever committed first wins; the other gets a clear 409.
    let res = flow_instance::Entity::update_many()
        .col_expr(flow_instance::Column::State, sea_orm::sea_query::Expr::value(serde_json::to_value(&state).map_err(AppError::internal)?))
        .col_expr(flow_instance::Column::Status, sea_orm::sea_query::Expr::value(status))
        .col_expr(flow_instance::Column::LockVersion, sea_orm::sea_query::Expr::value(i.lock_version + 1))
        .col_expr(flow_instance::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .col_expr(flow_instance::Column::FinishedAt, sea_orm::sea_query::Expr::value(if status == "running" { None } else { Some(now) }))
        .filter(flow_instance::Column::Id.eq(i.id))
        .filter(flow_instance::Column::LockVersion.eq(i.lock_version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        txn.rollback().await?;
        return Err(conflict());
    }
    let next_seq: Option<i32> = flow_history::Entity::find()
        .select_only()
        .column_as(flow_history::Column::Seq.max(), "m")
        .filter(flow_history::Column::InstanceId.eq(i.id))
        .into_tuple()
        .one(&txn)
        .await?
        .flatten();
    apply_effects(&txn, p.tenant_id, i.id, &v.def, &effects, next_seq.map_or(0, |s| s + 1), now).await?;
    audit::record(&txn, &(&p).into(), Change::new("flow_task.act", "flow_instance", Some(i.id), format!("处理「{}」的「{}」", i.title, task.node_name)))
        .await?;
    let fresh = flow_instance::Entity::find_by_id(i.id).one(&txn).await?.ok_or_else(not_found)?;
    txn.commit().await?;
    let view = serde_json::to_value(instance_view(&app, fresh).await?).map_err(AppError::internal)?;
    if key.is_some() {
        let txn = app.db.begin().await?;
        remember(&txn, &p, &key, &view).await?;
        txn.commit().await?;
    }
    Ok(axum::Json(view))
}

/// One of my todos.
#[derive(Debug, Serialize, ToSchema)]
pub struct TodoItem {
    pub task: TaskView,
    pub title: String,
    pub serial_no: Option<String>,
    pub initiator_id: Uuid,
    pub initiator_name: Option<String>,
}

/// 待办: my open tasks, oldest first.
#[utoipa::path(get, path = "/api/v1/flow/todo", tag = "flow", params(PageQuery), responses((status = 200, body = Page<TodoItem>)))]
async fn my_todo(State(app): State<App>, Authenticated(p): Authenticated, Query(pq): Query<PageQuery>) -> AppResult<axum::Json<Page<TodoItem>>> {
    let (page, page_size) = pq.resolve()?;
    let q = flow_task::Entity::find()
        .filter(flow_task::Column::TenantId.eq(p.tenant_id))
        .filter(flow_task::Column::AssigneeId.eq(p.user_id))
        .filter(flow_task::Column::State.eq("open"))
        .order_by_asc(flow_task::Column::OpenedAt);
    let total = q.clone().count(&app.db).await?;
    let tasks = q.offset((page - 1) * page_size).limit(page_size).all(&app.db).await?;
    let ids: Vec<Uuid> = tasks.iter().map(|t| t.instance_id).collect();
    let instances: HashMap<Uuid, flow_instance::Model> =
        flow_instance::Entity::find().filter(flow_instance::Column::Id.is_in(ids)).all(&app.db).await?.into_iter().map(|i| (i.id, i)).collect();
    let people: Vec<Uuid> = instances.values().map(|i| i.initiator_id).collect();
    let names: HashMap<Uuid, String> =
        user::Entity::find().filter(user::Column::Id.is_in(people)).all(&app.db).await?.into_iter().map(|u| (u.id, u.display_name)).collect();
    let items = tasks
        .into_iter()
        .filter_map(|t| {
            let i = instances.get(&t.instance_id)?;
            Some(TodoItem { title: i.title.clone(), serial_no: i.serial_no.clone(), initiator_id: i.initiator_id, initiator_name: names.get(&i.initiator_id).cloned(), task: t.into() })
        })
        .collect();
    Ok(axum::Json(Page { items, total, page, page_size }))
}
