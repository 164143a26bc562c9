//! Instances over HTTP: start (with a route preview), detail, actions on tasks and on the
//! instance, bulk approve. The work is done by [`super::service`]; this module maps requests,
//! checks who may see what, and shapes the answers.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use xietong_engine as engine;

use super::definition::{FormSpec, TemplateSettings};
use super::service::{
    self, Caller, CompiledVersion, RouteStep, StartInput, Target, instance_not_found, uid,
};
use crate::app::App;
use crate::auth::extract::{Authenticated, Principal};
use crate::entities::{flow_cc, flow_history, flow_instance, flow_task, flow_template, user};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::http::extract::{Json, Path};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(start_instance))
        .routes(routes!(preview_start))
        .routes(routes!(get_instance))
        .routes(routes!(instance_route))
        .routes(routes!(instance_diagram))
        .routes(routes!(act_on_task))
        .routes(routes!(act_on_instance))
        .routes(routes!(bulk_approve))
        .routes(routes!(mark_cc_read))
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

impl From<StartInstance> for StartInput {
    fn from(r: StartInstance) -> StartInput {
        StartInput {
            template_id: r.template_id,
            form: r.form,
            chosen: r.chosen,
        }
    }
}

/// An instance as one viewer may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstanceView {
    pub id: Uuid,
    pub template_id: Uuid,
    pub template_name: String,
    pub version_id: Uuid,
    pub serial_no: Option<String>,
    pub title: String,
    pub initiator_id: Uuid,
    pub initiator_name: Option<String>,
    /// `running`, `approved`, `rejected` or `cancelled`.
    pub status: String,
    /// Changes with every action; the optimistic lock.
    pub lock_version: i32,
    /// Form data, without the fields this viewer may not see.
    #[schema(value_type = Object)]
    pub form: serde_json::Value,
    /// The form's fields this viewer may see.
    pub fields: Vec<super::definition::FormField>,
    /// The form's desktop layout: 1 or 2 columns.
    pub form_columns: u8,
    pub tasks: Vec<TaskView>,
    pub history: Vec<HistoryView>,
    /// The definition's graph (nodes and edges) for drawing.
    #[schema(value_type = Object)]
    pub graph: serde_json::Value,
    /// Keys of the nodes open now.
    pub current_nodes: Vec<String>,
    /// Keys of the nodes already passed.
    pub passed_nodes: Vec<String>,
    /// The viewer's open tasks with what they may do on each.
    pub my_tasks: Vec<MyTask>,
    /// The viewer's unread carbon copies of this instance.
    pub my_unread_cc: Vec<i32>,
    /// What the viewer may do on the whole instance: `withdraw`, `cancel`, `urge`.
    pub instance_actions: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// When the whole flow is due (办结时限), if its template sets a limit.
    pub due_at: Option<DateTime<Utc>>,
    /// The whole-flow due time passed while it ran.
    pub overdue: bool,
}

/// One of the viewer's open tasks on the instance.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyTask {
    pub task_id: Uuid,
    pub node_key: String,
    /// e.g. `agree`, `disagree`, `read`, `send_back`, `transfer`, `delegate`, `add_signers` …
    pub actions: Vec<String>,
    /// Node keys this task may send the flow back to (besides `initiator`).
    pub send_back_targets: Vec<String>,
    /// Set while the task was delegated to the viewer: the owner it returns to.
    pub delegated_by: Option<Uuid>,
    /// Form fields this task may change (all of them when the initiator resubmits).
    pub editable: Vec<String>,
}

/// A task.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskView {
    pub id: Uuid,
    pub instance_id: Uuid,
    pub node_key: String,
    pub node_name: String,
    pub assignee_id: Uuid,
    pub delegated_by: Option<Uuid>,
    /// Whose task the assignee holds while they are away (委托, 代 X 办理).
    pub principal_id: Option<Uuid>,
    /// `open` or `closed`.
    pub state: String,
    /// `completed`, `cancelled`, `reassigned` or `deferred`.
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
            delegated_by: t.delegated_by,
            principal_id: t.principal_id,
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
    pub actor_name: Option<String>,
    /// Set when the actor stood in for someone (代 X 办理).
    pub acting_for_id: Option<Uuid>,
    pub action: String,
    /// `agree`, `disagree` or `read` for decisions.
    pub stance: Option<String>,
    pub opinion: Option<String>,
    pub from_node: Option<String>,
    pub to_nodes: Vec<String>,
    /// Other people involved (transferee, added signers, people copied).
    pub users: Vec<Uuid>,
}

/// How a viewer relates to an instance; decides what they see.
#[derive(Debug, Default)]
pub struct Viewer {
    /// Sees every field (initiator, supervisor, administrators, leaders).
    pub all_fields: bool,
    /// Nodes the viewer held tasks at or was copied from.
    pub nodes: HashSet<String>,
    /// The numbers of the viewer's unread copies of the instance.
    pub unread_cc: Vec<i32>,
}

impl Viewer {
    /// Whether the viewer may see the field: unless it is hidden at every node they acted at
    /// or were copied from (docs/forms.md).
    pub fn sees(&self, form: &FormSpec, f: &super::definition::FormField) -> bool {
        if self.all_fields {
            return true;
        }
        let nodes: Vec<&str> = self.nodes.iter().map(String::as_str).collect();
        form.visible_to(&nodes, f)
    }

    /// The form data without hidden fields.
    pub fn filter(&self, form: &FormSpec, data: &serde_json::Value) -> serde_json::Value {
        let Some(obj) = data.as_object() else {
            return serde_json::json!({});
        };
        let hidden: HashSet<&str> = form
            .fields
            .iter()
            .filter(|f| !self.sees(form, f))
            .map(|f| f.key.as_str())
            .collect();
        serde_json::Value::Object(
            obj.iter()
                .filter(|(k, _)| !hidden.contains(k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }
}

/// Whether the template's settings name `user` as an administrator, or `user` supervises it.
pub(crate) fn template_staff(t: &flow_template::Model, user: Uuid) -> bool {
    t.supervisor_id == Some(user)
        || serde_json::from_value::<TemplateSettings>(t.settings.clone())
            .is_ok_and(|s| s.admins.contains(&user))
}

/// Who may see the instance and how: the initiator, anyone who held a task on it, anyone it was
/// copied to, the template's supervisor and administrators, tenant flow administrators, and,
/// where the template says so, the heads and leaders in charge of the initiator's department
/// and its parents. `None`: may not see it.
pub async fn viewer(app: &App, c: &Caller, i: &flow_instance::Model) -> AppResult<Option<Viewer>> {
    let mut v = Viewer::default();
    if i.initiator_id == c.user_id || c.flow_admin {
        v.all_fields = true;
    }
    let template = app.flow_template(c.tenant_id, i.template_id).await?;
    if template
        .as_ref()
        .is_some_and(|t| template_staff(t, c.user_id))
    {
        v.all_fields = true;
    }
    // One read: the nodes where the viewer held a task, and their copies (number when unread).
    use sea_orm::sea_query::{Alias, Expr, Query, UnionType};
    let held = Query::select()
        .column(flow_task::Column::NodeKey)
        .expr_as(Expr::cust("CAST(NULL AS INTEGER)"), Alias::new("unread"))
        .from(flow_task::Entity)
        .and_where(flow_task::Column::InstanceId.eq(i.id))
        // tasks a stand-in held for them count as theirs (委托)
        .cond_where(
            sea_orm::Condition::any()
                .add(flow_task::Column::AssigneeId.eq(c.user_id))
                .add(flow_task::Column::PrincipalId.eq(c.user_id)),
        )
        .to_owned();
    let copied = Query::select()
        .column(flow_cc::Column::NodeKey)
        .expr_as(
            Expr::case(
                flow_cc::Column::ReadAt.is_null(),
                Expr::col(flow_cc::Column::CcNo),
            )
            .finally(Expr::cust("CAST(NULL AS INTEGER)")),
            Alias::new("unread"),
        )
        .from(flow_cc::Entity)
        .and_where(flow_cc::Column::InstanceId.eq(i.id))
        .and_where(flow_cc::Column::UserId.eq(c.user_id))
        .to_owned();
    let query = held.clone().union(UnionType::All, copied).to_owned();
    let stmt = app.db.get_database_backend().build(&query);
    let rows: Vec<(String, Option<i32>)> = app
        .db
        .query_all_raw(stmt)
        .await?
        .iter()
        .map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?)))
        .collect::<Result<_, sea_orm::DbErr>>()?;
    let involved = !rows.is_empty();
    v.unread_cc = rows.iter().filter_map(|(_, n)| *n).collect();
    v.nodes.extend(rows.into_iter().map(|(k, _)| k));
    if !v.all_fields
        && template.as_ref().is_some_and(|t| {
            serde_json::from_value::<TemplateSettings>(t.settings.clone())
                .is_ok_and(|s| s.visible_to_leaders)
        })
    {
        let dir = app.directory(c.tenant_id).await?;
        let mut dept = Some(i.department_id);
        let mut hops = 0;
        while let Some(d) = dept.and_then(|d| dir.org.departments.get(&d).map(|f| (d, f))) {
            if d.1.head_user_id == Some(c.user_id) || d.1.leader_user_id == Some(c.user_id) {
                v.all_fields = true;
                break;
            }
            dept = d.1.parent_id;
            hops += 1;
            if hops > 64 {
                break;
            }
        }
    }
    Ok((v.all_fields || involved).then_some(v))
}

/// Titles and serial numbers of instances of `tenant`, by id (one query).
pub(crate) async fn instance_titles<C: sea_orm::ConnectionTrait>(
    db: &C,
    tenant: Option<Uuid>,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, (String, Option<String>)>, sea_orm::DbErr> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = flow_instance::Entity::find()
        .select_only()
        .column(flow_instance::Column::Id)
        .column(flow_instance::Column::Title)
        .column(flow_instance::Column::SerialNo)
        .filter(flow_instance::Column::Id.is_in(ids));
    if let Some(t) = tenant {
        q = q.filter(flow_instance::Column::TenantId.eq(t));
    }
    Ok(q.into_tuple::<(Uuid, String, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, t, s)| (id, (t, s)))
        .collect())
}

/// Display names of users, by id (each id once, whatever the input repeats).
pub(crate) async fn names(
    app: &App,
    ids: impl IntoIterator<Item = Uuid>,
) -> AppResult<HashMap<Uuid, String>> {
    let ids: Vec<Uuid> = ids
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .filter(user::Column::Id.is_in(ids))
        .into_tuple()
        .all(&app.db)
        .await?;
    Ok(rows.into_iter().collect())
}

fn instance_actions(
    c: &Caller,
    i: &flow_instance::Model,
    t: Option<&flow_template::Model>,
) -> Vec<String> {
    let mut out = Vec::new();
    if i.status != "running" {
        return out;
    }
    if i.initiator_id == c.user_id {
        out.extend([
            "withdraw".to_string(),
            "cancel".to_string(),
            "urge".to_string(),
        ]);
    } else if t.is_some_and(|t| t.supervisor_id == Some(c.user_id)) {
        out.push("urge".into());
    }
    out
}

/// Builds the view of an instance for a viewer who may see it.
pub async fn instance_view(
    app: &App,
    c: &Caller,
    i: flow_instance::Model,
    who: &Viewer,
) -> AppResult<InstanceView> {
    let tasks = flow_task::Entity::find()
        .filter(flow_task::Column::InstanceId.eq(i.id))
        .order_by_asc(flow_task::Column::TaskNo)
        .all(&app.db)
        .await?;
    let history = flow_history::Entity::find()
        .filter(flow_history::Column::InstanceId.eq(i.id))
        .order_by_asc(flow_history::Column::Seq)
        .all(&app.db)
        .await?;
    let unread = who.unread_cc.clone();
    let v = app.compiled(i.version_id).await?;
    let template = app.flow_template(c.tenant_id, i.template_id).await?;
    let state: engine::InstanceState =
        serde_json::from_value(i.state.clone()).map_err(AppError::internal)?;
    let people = names(
        app,
        history
            .iter()
            .filter_map(|h| h.actor_id)
            .chain([i.initiator_id]),
    )
    .await?;
    let my_tasks = tasks
        .iter()
        .filter(|t| t.state == "open" && t.assignee_id == c.user_id)
        .map(|t| {
            let no = engine::TaskId(t.task_no as u32);
            MyTask {
                task_id: t.id,
                node_key: t.node_key.clone(),
                actions: engine::available_actions(&v.def, &state, no)
                    .into_iter()
                    .filter_map(|a| {
                        serde_json::to_value(a)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                    })
                    .chain(if t.delegated_by.is_some() {
                        vec!["return_delegation".to_string()]
                    } else {
                        vec![]
                    })
                    .collect(),
                send_back_targets: engine::send_back_targets(&v.def, &state, no)
                    .into_iter()
                    .map(|n| v.def.key(n).to_string())
                    .collect(),
                delegated_by: t.delegated_by,
                editable: {
                    let at_start = v
                        .def
                        .node_id(&t.node_key)
                        .is_some_and(|n| matches!(v.def.node(n).kind, engine::NodeKind::Start));
                    v.form
                        .fields
                        .iter()
                        .filter(|f| !f.kind.is_derived())
                        .filter(|f| {
                            at_start
                                || v.form.permission(Some(&t.node_key), f)
                                    == xietong_forms::Perm::Edit
                        })
                        .map(|f| f.key.clone())
                        .collect()
                },
            }
        })
        .collect();
    let mut current: Vec<String> = state
        .open_tasks()
        .map(|t| v.def.key(t.node).to_string())
        .collect();
    current.dedup();
    let mut passed: Vec<String> = Vec::new();
    for h in &history {
        if let Some(n) = &h.from_node
            && !passed.contains(n)
        {
            passed.push(n.clone());
        }
    }
    Ok(InstanceView {
        id: i.id,
        template_id: i.template_id,
        template_name: v.template_name.clone(),
        version_id: i.version_id,
        serial_no: i.serial_no.clone(),
        title: i.title.clone(),
        initiator_id: i.initiator_id,
        initiator_name: people.get(&i.initiator_id).cloned(),
        status: i.status.clone(),
        lock_version: i.lock_version,
        form: who.filter(
            &v.form,
            &serde_json::to_value(&state.form).unwrap_or_default(),
        ),
        fields: v
            .form
            .fields
            .iter()
            .filter(|f| who.sees(&v.form, f))
            .cloned()
            .collect(),
        form_columns: v.form.columns.unwrap_or(1),
        tasks: tasks.into_iter().map(Into::into).collect(),
        history: history
            .into_iter()
            .map(|h| HistoryView {
                seq: h.seq,
                at: h.at,
                actor_name: h.actor_id.and_then(|a| people.get(&a).cloned()),
                actor_id: h.actor_id,
                acting_for_id: h.acting_for_id,
                action: h.action,
                stance: h.stance,
                opinion: h.opinion,
                from_node: h.from_node,
                to_nodes: serde_json::from_value(h.to_nodes).unwrap_or_default(),
                users: serde_json::from_value(h.users).unwrap_or_default(),
            })
            .collect(),
        graph: serde_json::to_value(v.def.graph()).unwrap_or_default(),
        current_nodes: current,
        passed_nodes: passed,
        my_tasks,
        my_unread_cc: unread,
        instance_actions: instance_actions(c, &i, template.as_deref()),
        created_at: i.created_at,
        updated_at: i.updated_at,
        finished_at: i.finished_at,
        due_at: i.due_at,
        overdue: state.overdue,
    })
}

/// The request's `Idempotency-Key`, checked for shape.
fn idempotency_key(headers: &HeaderMap) -> AppResult<Option<String>> {
    let Some(key) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match key.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= 128 => Ok(Some(k.to_string())),
        _ => Err(AppError::bad_request(
            "request.idempotency_key",
            Text::fixed(
                "Idempotency-Key 须为 1–128 个可见 ASCII 字符",
                "Idempotency-Key must be 1–128 visible ASCII characters",
            ),
        )),
    }
}

/// The instance an earlier request with this key acted on.
async fn replayed_instance(app: &App, p: &Principal, key: &str) -> AppResult<Option<Uuid>> {
    let backend = app.db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT response FROM flow_idempotency WHERE user_id = $1 AND key = $2"
        }
        _ => "SELECT response FROM flow_idempotency WHERE user_id = ? AND key = ?",
    };
    let row = app
        .db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [p.user_id.into(), key.into()],
        ))
        .await?;
    let stored = row
        .map(|r| r.try_get::<serde_json::Value>("", "response"))
        .transpose()?;
    Ok(stored.and_then(|v| {
        v["instance_id"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
    }))
}

/// Runs an action under the request's idempotency key: a request whose key was already used
/// answers with that instance as it is now, without acting again.
async fn idempotent(
    app: &App,
    p: &Principal,
    headers: &HeaderMap,
    run: impl AsyncFnOnce(&Caller) -> AppResult<flow_instance::Model>,
) -> AppResult<axum::Json<serde_json::Value>> {
    let mut c = Caller::from(p);
    c.idempotency_key = idempotency_key(headers)?;
    if let Some(key) = c.idempotency_key.clone() {
        if let Some(id) = replayed_instance(app, p, &key).await? {
            return replay(app, &c, id).await;
        }
        return match run(&c).await {
            Err(e) if e.code == "flow.replayed" => match replayed_instance(app, p, &key).await? {
                Some(id) => replay(app, &c, id).await,
                None => Err(e),
            },
            other => answer(app, &c, other?).await,
        };
    }
    answer(app, &c, run(&c).await?).await
}

async fn replay(app: &App, c: &Caller, id: Uuid) -> AppResult<axum::Json<serde_json::Value>> {
    let i = flow_instance::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|i| i.tenant_id == c.tenant_id)
        .ok_or_else(instance_not_found)?;
    answer(app, c, i).await
}

/// Answers with the instance as the caller now sees it.
async fn answer(
    app: &App,
    c: &Caller,
    i: flow_instance::Model,
) -> AppResult<axum::Json<serde_json::Value>> {
    let who = viewer(app, c, &i).await?.unwrap_or_default();
    let view =
        serde_json::to_value(instance_view(app, c, i, &who).await?).map_err(AppError::internal)?;
    Ok(axum::Json(view))
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
    idempotent(&app, &p, &headers, async |c| {
        service::start(&app, c, req.into()).await
    })
    .await
}

/// The route a start would take with this form data: who acts, in order, if everyone agrees.
#[utoipa::path(post, path = "/api/v1/flow/instances/preview", tag = "flow", request_body = StartInstance,
    responses((status = 200, body = Vec<RouteStep>), (status = 422, body = crate::error::ErrorBody)))]
async fn preview_start(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Json(req): Json<StartInstance>,
) -> AppResult<axum::Json<Vec<RouteStep>>> {
    let steps = service::preview_start(&app, &Caller::from(&p), req.into()).await?;
    Ok(axum::Json(with_names(&app, steps).await?))
}

/// Fills in the names of the people of each step.
async fn with_names(app: &App, mut steps: Vec<RouteStep>) -> AppResult<Vec<RouteStep>> {
    let people = names(app, steps.iter().flat_map(|s| s.assignees.iter().copied())).await?;
    for s in &mut steps {
        s.assignee_names = s
            .assignees
            .iter()
            .map(|u| people.get(u).cloned().unwrap_or_default())
            .collect();
    }
    Ok(steps)
}

async fn visible(app: &App, c: &Caller, id: Uuid) -> AppResult<(flow_instance::Model, Viewer)> {
    let i = flow_instance::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|i| i.tenant_id == c.tenant_id)
        .ok_or_else(instance_not_found)?;
    let who = viewer(app, c, &i).await?.ok_or_else(instance_not_found)?;
    Ok((i, who))
}

/// An instance with its tasks and history (to those who may see it).
#[utoipa::path(get, path = "/api/v1/flow/instances/{id}", tag = "flow", params(("id" = Uuid, Path)),
    responses((status = 200, body = InstanceView), (status = 404, body = crate::error::ErrorBody)))]
async fn get_instance(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<InstanceView>> {
    let c = Caller::from(&p);
    let (i, who) = visible(&app, &c, id).await?;
    Ok(axum::Json(instance_view(&app, &c, i, &who).await?))
}

/// Who will act from here on if everyone agrees (the steps open now first).
#[utoipa::path(get, path = "/api/v1/flow/instances/{id}/route", tag = "flow", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<RouteStep>), (status = 404, body = crate::error::ErrorBody)))]
async fn instance_route(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<Vec<RouteStep>>> {
    let c = Caller::from(&p);
    let (i, _) = visible(&app, &c, id).await?;
    let v = app.compiled(i.version_id).await?;
    let dir = app.directory(c.tenant_id).await?;
    let t = app.flow_template(c.tenant_id, i.template_id).await?;
    let state: engine::InstanceState =
        serde_json::from_value(i.state).map_err(AppError::internal)?;
    let admin = uid(dir.admin);
    let supervisor = t.and_then(|t| t.supervisor_id).map(uid);
    let steps = service::simulate(&v, &dir, &admin, supervisor.as_ref(), state, Utc::now());
    Ok(axum::Json(with_names(&app, steps).await?))
}

/// The instance's version as BPMN 2.0 with diagram positions, for drawing where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct Diagram {
    pub bpmn: String,
    /// Keys of the nodes open now.
    pub current_nodes: Vec<String>,
}

/// The diagram of an instance's flow (to those who may see the instance).
#[utoipa::path(get, path = "/api/v1/flow/instances/{id}/diagram", tag = "flow", params(("id" = Uuid, Path)),
    responses((status = 200, body = Diagram), (status = 404, body = crate::error::ErrorBody)))]
async fn instance_diagram(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<Diagram>> {
    let c = Caller::from(&p);
    let (i, _) = visible(&app, &c, id).await?;
    let version = crate::entities::flow_template_version::Entity::find_by_id(i.version_id)
        .one(&app.db)
        .await?
        .ok_or_else(instance_not_found)?;
    let v = app.compiled(i.version_id).await?;
    let state: engine::InstanceState =
        serde_json::from_value(i.state).map_err(AppError::internal)?;
    let mut current: Vec<String> = state
        .open_tasks()
        .map(|t| v.def.key(t.node).to_string())
        .collect();
    current.dedup();
    Ok(axum::Json(Diagram {
        bpmn: version.bpmn,
        current_nodes: current,
    }))
}

/// An action on a task.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum TaskAction {
    /// 同意, optionally saving form fields the node may edit.
    Agree {
        #[serde(default)]
        opinion: String,
        #[serde(default)]
        #[schema(value_type = Option<Object>)]
        form: Option<engine::FormData>,
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
    /// 转办: someone else takes the task over.
    Transfer {
        to: Uuid,
        #[serde(default)]
        opinion: String,
    },
    /// 委派: someone else works on it and returns it.
    Delegate {
        to: Uuid,
        #[serde(default)]
        opinion: String,
    },
    /// The delegate hands the task back to its owner.
    ReturnDelegation {
        #[serde(default)]
        opinion: String,
    },
    /// 加签: `position` is `before`, `after` or `parallel`.
    AddSigners {
        users: Vec<Uuid>,
        #[schema(value_type = String)]
        position: engine::SignerPosition,
    },
    /// 减签: remove signers who have not acted.
    RemoveSigners { users: Vec<Uuid> },
    /// 抄送 from this task.
    Cc { users: Vec<Uuid> },
    /// 暂存待办 with a reason and a promised completion time.
    KeepPending {
        reason: String,
        promised: DateTime<Utc>,
    },
    /// 延期 by 1 or 2 working days.
    RequestExtension { days: u8, reason: String },
}

fn task_action(
    req: &TaskAction,
    task: engine::TaskId,
    _v: &CompiledVersion,
) -> AppResult<engine::Action> {
    let users = |us: &[Uuid]| -> AppResult<Vec<engine::UserId>> {
        if us.is_empty() || us.len() > 50 {
            return Err(AppError::validation(vec![FieldError::new(
                "users",
                "flow.users",
                Text::fixed("请选择 1–50 位人员", "Choose 1–50 people"),
            )]));
        }
        Ok(us.iter().map(|u| uid(*u)).collect())
    };
    Ok(match req {
        TaskAction::Agree { opinion, form } => engine::Action::Agree {
            task,
            opinion: opinion.clone(),
            form: form.clone(),
        },
        TaskAction::Disagree { opinion } => engine::Action::Disagree {
            task,
            opinion: opinion.clone(),
        },
        TaskAction::Read { opinion } => engine::Action::Read {
            task,
            opinion: opinion.clone(),
        },
        TaskAction::SendBack { to, opinion } => engine::Action::SendBack {
            task,
            target: match to.as_str() {
                "initiator" => engine::SendBackTarget::Initiator,
                "previous" => engine::SendBackTarget::Previous,
                key => engine::SendBackTarget::Node {
                    key: key.to_string(),
                },
            },
            opinion: opinion.clone(),
        },
        TaskAction::Resubmit { form } => engine::Action::Resubmit {
            task,
            form: form.clone(),
        },
        TaskAction::Transfer { to, opinion } => engine::Action::Transfer {
            task,
            to: uid(*to),
            opinion: opinion.clone(),
        },
        TaskAction::Delegate { to, opinion } => engine::Action::Delegate {
            task,
            to: uid(*to),
            opinion: opinion.clone(),
        },
        TaskAction::ReturnDelegation { opinion } => engine::Action::ReturnDelegation {
            task,
            opinion: opinion.clone(),
        },
        TaskAction::AddSigners {
            users: us,
            position,
        } => engine::Action::AddSigners {
            task,
            users: users(us)?,
            position: *position,
        },
        TaskAction::RemoveSigners { users: us } => engine::Action::RemoveSigners {
            task,
            users: users(us)?,
        },
        TaskAction::Cc { users: us } => engine::Action::Cc {
            task,
            users: users(us)?,
        },
        TaskAction::KeepPending { reason, promised } => engine::Action::KeepPending {
            task,
            reason: reason.clone(),
            promised: service::ts(*promised),
        },
        TaskAction::RequestExtension { days, reason } => engine::Action::RequestExtension {
            task,
            days: *days,
            reason: reason.clone(),
        },
    })
}

/// Users named in an action must be active members of the tenant.
async fn check_people(app: &App, c: &Caller, req: &TaskAction) -> AppResult<()> {
    let named: Vec<Uuid> = match req {
        TaskAction::Transfer { to, .. } | TaskAction::Delegate { to, .. } => vec![*to],
        TaskAction::AddSigners { users, .. } | TaskAction::Cc { users } => users.clone(),
        _ => return Ok(()),
    };
    let dir = app.directory(c.tenant_id).await?;
    let unknown: Vec<String> = named
        .iter()
        .filter(|u| !dir.org.users.get(u).is_some_and(|f| f.active))
        .map(|u| u.to_string())
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(AppError::validation(vec![FieldError::new(
        "users",
        "flow.unknown_user",
        Text::owned(
            format!("人员不存在或已停用：{}", unknown.join(", ")),
            format!("No such active person: {}", unknown.join(", ")),
        ),
    )]))
}

/// Form fields an action writes: an approver only those editable at the task's node, the
/// initiator resubmitting any; checked like a start. Returns the caller carrying what to record
/// and the request with the whole normalised form in place of the fields sent.
async fn form_write(
    app: &App,
    c: &Caller,
    task: Uuid,
    mut req: TaskAction,
) -> AppResult<(Caller, TaskAction)> {
    let (slot, resubmit) = match &mut req {
        TaskAction::Agree { form: Some(f), .. } => (f, false),
        TaskAction::Resubmit { form: Some(f) } => (f, true),
        _ => return Ok((c.clone(), req)),
    };
    let Some((t, Some(i))) = flow_task::Entity::find_by_id(task)
        .find_also_related(flow_instance::Entity)
        .one(&app.db)
        .await?
        .filter(|(t, _)| t.tenant_id == c.tenant_id && t.assignee_id == c.user_id)
    else {
        return Ok((c.clone(), req)); // the action itself answers "not found"
    };
    let v = app.compiled(i.version_id).await?;
    let dir = app.directory(c.tenant_id).await?;
    let current = i
        .state
        .get("form")
        .and_then(serde_json::Value::as_object)
        .cloned()
        .unwrap_or_default();
    let write = if resubmit {
        crate::forms::Write::Resubmit {
            instance: i.id,
            current: &current,
        }
    } else {
        crate::forms::Write::Edit {
            instance: i.id,
            node: &t.node_key,
            current: &current,
        }
    };
    let accepted = crate::forms::accept(app, c, &v, &dir, slot, write).await?;
    *slot = accepted.patch(&current);
    let mut c = c.clone();
    c.form_write = Some(std::sync::Arc::new(accepted));
    Ok((c, req))
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
    idempotent(&app, &p, &headers, async |c| {
        check_people(&app, c, &req).await?;
        let (c, req) = form_write(&app, c, id, req).await?;
        let c = &c;
        Ok(service::act(&app, c, Target::Task(id), |task, v| {
            task_action(&req, task.ok_or_else(service::task_not_found)?, v)
        })
        .await?
        .instance)
    })
    .await
}

/// An action on the whole instance.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum InstanceAction {
    /// 撤回 by the initiator while nobody has acted: back to the initiator to resubmit.
    Withdraw {
        #[serde(default)]
        reason: String,
    },
    /// 撤销 by the initiator: the instance ends.
    Cancel {
        #[serde(default)]
        reason: String,
    },
    /// 催办 by the initiator or the supervisor: every open task, or one.
    Urge {
        #[serde(default)]
        task_id: Option<Uuid>,
        #[serde(default)]
        message: String,
    },
    /// 换人 by the template's supervisor or a flow administrator: an open (or queued) task moves
    /// to another person, with a reason; both are told and the history shows it.
    ReplaceHandler {
        task_id: Uuid,
        to: Uuid,
        reason: String,
    },
}

/// Withdraw, cancel or urge an instance.
#[utoipa::path(post, path = "/api/v1/flow/instances/{id}/actions", tag = "flow", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key has no second effect")),
    request_body = InstanceAction,
    responses((status = 200, body = InstanceView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
async fn act_on_instance(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    Json(req): Json<InstanceAction>,
) -> AppResult<axum::Json<serde_json::Value>> {
    idempotent(&app, &p, &headers, async |c| {
        let (i, _) = visible(&app, c, id).await?;
        if let InstanceAction::ReplaceHandler { reason, to, .. } = &req {
            if reason.trim().is_empty() {
                return Err(AppError::invalid_field(
                    "reason",
                    "flow.reason_required",
                    Text::fixed("请填写换人原因", "Give a reason for the replacement"),
                ));
            }
            let known = crate::entities::user::Entity::find_by_id(*to)
                .one(&app.db)
                .await?
                .is_some_and(|u| u.tenant_id == c.tenant_id && u.status == "active");
            if !known {
                return Err(AppError::invalid_field(
                    "to",
                    "flow.unknown_user",
                    Text::fixed("接手人不存在或已停用", "No such active user to take over"),
                ));
            }
        }
        let task_no = match &req {
            InstanceAction::Urge {
                task_id: Some(t), ..
            }
            | InstanceAction::ReplaceHandler { task_id: t, .. } => Some(
                flow_task::Entity::find_by_id(*t)
                    .one(&app.db)
                    .await?
                    .filter(|t| t.instance_id == i.id)
                    .ok_or_else(service::task_not_found)?
                    .task_no,
            ),
            _ => None,
        };
        let acted = service::act(&app, c, Target::Instance(i.id), |_, _| {
            Ok(match &req {
                InstanceAction::Withdraw { reason } => engine::Action::Withdraw {
                    reason: reason.clone(),
                },
                InstanceAction::Cancel { reason } => engine::Action::Cancel {
                    reason: reason.clone(),
                },
                InstanceAction::Urge { message, .. } => engine::Action::Urge {
                    task: task_no.map(|n| engine::TaskId(n as u32)),
                    message: message.clone(),
                },
                InstanceAction::ReplaceHandler { to, reason, .. } => {
                    engine::Action::ReplaceHandler {
                        task: engine::TaskId(task_no.unwrap_or_default() as u32),
                        to: engine::UserId::from(to.to_string().as_str()),
                        reason: reason.trim().to_string(),
                    }
                }
            })
        })
        .await?;
        Ok(acted.instance)
    })
    .await
}

/// The numbers of a person's unread copies of an instance.
async fn unread_copies(app: &App, instance: Uuid, user: Uuid) -> AppResult<Vec<i32>> {
    Ok(flow_cc::Entity::find()
        .select_only()
        .column(flow_cc::Column::CcNo)
        .filter(flow_cc::Column::InstanceId.eq(instance))
        .filter(flow_cc::Column::UserId.eq(user))
        .filter(flow_cc::Column::ReadAt.is_null())
        .into_tuple()
        .all(&app.db)
        .await?)
}

/// Marks one of my carbon copies of the instance read (待阅 → 已阅).
#[utoipa::path(post, path = "/api/v1/flow/instances/{id}/cc/read", tag = "flow", params(("id" = Uuid, Path)),
    responses((status = 200, body = InstanceView), (status = 404, body = crate::error::ErrorBody)))]
async fn mark_cc_read(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<serde_json::Value>> {
    let c = Caller::from(&p);
    let (i, _) = visible(&app, &c, id).await?;
    let unread: Vec<i32> = unread_copies(&app, i.id, c.user_id).await?;
    let mut last = i;
    for no in unread {
        last = service::act(&app, &c, Target::Instance(last.id), |_, _| {
            Ok(engine::Action::MarkRead {
                cc: engine::CcId(no as u32),
            })
        })
        .await?
        .instance;
    }
    answer(&app, &c, last).await
}

/// Bulk approve request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkApprove {
    /// 1–100 of my open tasks.
    pub task_ids: Vec<Uuid>,
    #[serde(default)]
    pub opinion: String,
}

/// The outcome for one task of a bulk approval.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkOutcome {
    pub task_id: Uuid,
    pub ok: bool,
    /// The error code when not approved, e.g. `flow.bulk_not_allowed`, `flow.conflict`.
    pub code: Option<String>,
    pub message: Option<String>,
}

/// Agrees to several of my todos at once, each in its own transaction, where their templates
/// allow bulk approval; reports each outcome.
#[utoipa::path(post, path = "/api/v1/flow/tasks/bulk-approve", tag = "flow", request_body = BulkApprove,
    responses((status = 200, body = Vec<BulkOutcome>), (status = 422, body = crate::error::ErrorBody)))]
async fn bulk_approve(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Json(req): Json<BulkApprove>,
) -> AppResult<axum::Json<Vec<BulkOutcome>>> {
    if req.task_ids.is_empty() || req.task_ids.len() > 100 {
        return Err(AppError::validation(vec![FieldError::new(
            "task_ids",
            "flow.bulk_size",
            Text::fixed(
                "一次可批量处理 1–100 条待办",
                "Bulk approve takes 1–100 todos",
            ),
        )]));
    }
    let c = Caller::from(&p);
    let lang = p.ctx.lang;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for id in req.task_ids.iter().copied().filter(|id| seen.insert(*id)) {
        let result = service::act(&app, &c, Target::Task(id), |task, v| {
            if !v.settings.allow_bulk_approve {
                return Err(AppError::conflict(
                    "flow.bulk_not_allowed",
                    Text::fixed(
                        "该流程不允许批量审批，请逐条处理",
                        "This flow does not allow bulk approval; handle it on its own",
                    ),
                ));
            }
            Ok(engine::Action::Agree {
                task: task.ok_or_else(service::task_not_found)?,
                opinion: req.opinion.clone(),
                form: None,
            })
        })
        .await;
        out.push(match result {
            Ok(_) => BulkOutcome {
                task_id: id,
                ok: true,
                code: None,
                message: None,
            },
            Err(e) => BulkOutcome {
                task_id: id,
                ok: false,
                code: Some(e.code.to_string()),
                message: Some(e.text.get(lang).to_string()),
            },
        });
    }
    Ok(axum::Json(out))
}
