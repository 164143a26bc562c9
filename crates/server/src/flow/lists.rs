//! The work lists: 待办 (my open tasks), 已办 (tasks I handled), 我发起的 (my instances),
//! 抄送我的 (copied to me) and 待阅 (copies not yet read), with counts. Each list is one indexed
//! query on the caller's own rows (so it only ever shows what the caller may see), joined to the
//! instance for filters, plus one count.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Order};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait, Select,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::instances::Viewer;
use super::service::Caller;
use crate::app::App;
use crate::auth::extract::Authenticated;
use crate::entities::{flow_cc, flow_instance, flow_task, user};
use crate::error::{AppError, AppResult, Text};
use crate::http::extract::Query;
use crate::http::page::{Page, PageQuery};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(todo_list))
        .routes(routes!(done_list))
        .routes(routes!(started_list))
        .routes(routes!(cc_list))
        .routes(routes!(to_read_list))
        .routes(routes!(counts))
}

/// Filters and sorting shared by the lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1-based page number (default 1).
    pub page: Option<u64>,
    /// Rows per page (default 20, at most 200).
    pub page_size: Option<u64>,
    /// Only this template.
    pub template_id: Option<Uuid>,
    /// From this day (inclusive, tenant time zone), on the list's own time.
    pub from: Option<NaiveDate>,
    /// Up to this day (inclusive, tenant time zone).
    pub to: Option<NaiveDate>,
    /// Instance status: `running`, `approved`, `rejected`, `cancelled`.
    pub status: Option<String>,
    /// Only instances started by this person.
    pub initiator_id: Option<Uuid>,
    /// Words in the title or serial number.
    pub q: Option<String>,
    /// Sort key, `-` for descending: `time` (the list's own time, default newest first),
    /// `created_at` (instance start), `due_at` (task lists).
    pub sort: Option<String>,
    /// 抄送我的 only: `true` read, `false` unread.
    pub read: Option<bool>,
}

/// One row of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlowItem {
    pub instance_id: Uuid,
    /// The task (待办, 已办).
    pub task_id: Option<Uuid>,
    /// The carbon copy (抄送我的, 待阅).
    pub cc_no: Option<i32>,
    pub title: String,
    pub serial_no: Option<String>,
    pub template_id: Uuid,
    pub template_name: Option<String>,
    pub initiator_id: Uuid,
    pub initiator_name: Option<String>,
    /// Instance status.
    pub status: String,
    /// The task's or copy's node.
    pub node_key: Option<String>,
    pub node_name: Option<String>,
    /// The list's own time: task opened (待办), handled (已办), started (我发起的), copied (抄送).
    pub at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    /// 待办: the task is delegated to me by this person.
    pub delegated_by: Option<Uuid>,
    /// 待办/已办: I hold the task for this person, who is away (委托, 代 X 办理).
    pub principal_id: Option<Uuid>,
    pub principal_name: Option<String>,
    /// 抄送: read yet.
    pub read: Option<bool>,
    /// The template's summary fields this viewer may see.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
    /// Labels of the summary fields, by key.
    pub summary_labels: std::collections::BTreeMap<String, String>,
    /// The template lets several todos be approved at once.
    pub allow_bulk_approve: bool,
}

#[derive(Debug, FromQueryResult)]
struct Row {
    instance_id: Uuid,
    task_id: Option<Uuid>,
    cc_no: Option<i32>,
    title: String,
    serial_no: Option<String>,
    template_id: Uuid,
    version_id: Uuid,
    initiator_id: Uuid,
    status: String,
    node_key: Option<String>,
    node_name: Option<String>,
    at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    due_at: Option<DateTime<Utc>>,
    delegated_by: Option<Uuid>,
    principal_id: Option<Uuid>,
    read_at: Option<DateTime<Utc>>,
    summary: serde_json::Value,
}

/// The instance columns every list selects.
fn instance_columns<E: EntityTrait>(q: Select<E>) -> Select<E> {
    use flow_instance::Column as I;
    q.column_as(I::Title, "title")
        .column_as(I::SerialNo, "serial_no")
        .column_as(I::TemplateId, "template_id")
        .column_as(I::VersionId, "version_id")
        .column_as(I::InitiatorId, "initiator_id")
        .column_as(I::Status, "status")
        .column_as(I::CreatedAt, "created_at")
        .column_as(I::Summary, "summary")
}

fn bad_filter(en: &str, zh: &str) -> AppError {
    AppError::bad_request(
        "request.invalid_filter",
        Text::owned(zh.to_string(), en.to_string()),
    )
}

/// Whether the query filters on the instance (template, status, initiator, keyword).
fn has_instance_filters(f: &ListQuery) -> bool {
    f.template_id.is_some()
        || f.status.is_some()
        || f.initiator_id.is_some()
        || f.q.as_deref().is_some_and(|q| !q.trim().is_empty())
}

/// Instance filters (template, status, initiator, keyword) as a condition.
fn instance_filters(f: &ListQuery) -> AppResult<Condition> {
    use flow_instance::Column as I;
    let mut c = Condition::all();
    if let Some(t) = f.template_id {
        c = c.add(I::TemplateId.eq(t));
    }
    if let Some(s) = &f.status {
        if !["running", "approved", "rejected", "cancelled"].contains(&s.as_str()) {
            return Err(bad_filter(
                "status must be running, approved, rejected or cancelled",
                "status 须为 running、approved、rejected 或 cancelled",
            ));
        }
        c = c.add(I::Status.eq(s.clone()));
    }
    if let Some(u) = f.initiator_id {
        c = c.add(I::InitiatorId.eq(u));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if q.chars().count() > 100 {
            return Err(bad_filter(
                "the keyword is at most 100 characters",
                "关键字最多 100 个字符",
            ));
        }
        let escaped: String = q
            .chars()
            .flat_map(|ch| {
                if matches!(ch, '%' | '_' | '\\') {
                    vec!['\\', ch]
                } else {
                    vec![ch]
                }
            })
            .collect();
        let pattern = format!("%{escaped}%");
        c = c.add(
            Condition::any()
                .add(
                    Expr::col((flow_instance::Entity, I::Title))
                        .like(LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(
                    Expr::col((flow_instance::Entity, I::SerialNo))
                        .like(LikeExpr::new(pattern).escape('\\')),
                ),
        );
    }
    Ok(c)
}

/// The day range as instants in the tenant's time zone.
fn day_range(
    tz: chrono_tz::Tz,
    f: &ListQuery,
) -> AppResult<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
    if let (Some(a), Some(b)) = (f.from, f.to)
        && a > b
    {
        return Err(bad_filter(
            "from must not be after to",
            "开始日期不能晚于结束日期",
        ));
    }
    let start = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    Ok((
        f.from.and_then(start),
        f.to.and_then(|d| d.succ_opt()).and_then(start),
    ))
}

/// The sort key (one of `allowed`) and direction; default: the list's own time, newest first.
fn parse_sort<'a>(f: &'a ListQuery, allowed: &[&str]) -> AppResult<(&'a str, Order)> {
    let s = f.sort.as_deref().unwrap_or("-time");
    let (order, key) = match s.strip_prefix('-') {
        Some(k) => (Order::Desc, k),
        None => (Order::Asc, s),
    };
    if !allowed.contains(&key) {
        return Err(bad_filter(
            &format!(
                "sort must be one of {}, with - for descending",
                allowed.join(", ")
            ),
            &format!("排序字段须为 {} 之一，加 - 表示倒序", allowed.join("、")),
        ));
    }
    Ok((key, order))
}

async fn finish(
    app: &App,
    c: &Caller,
    rows: Vec<Row>,
    total: u64,
    page: u64,
    page_size: u64,
    all_fields: bool,
) -> AppResult<Page<FlowItem>> {
    let people: Vec<Uuid> = rows
        .iter()
        .flat_map(|r| std::iter::once(r.initiator_id).chain(r.principal_id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let names: HashMap<Uuid, String> = if people.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .column(user::Column::DisplayName)
            .filter(user::Column::Id.is_in(people))
            .into_tuple::<(Uuid, String)>()
            .all(&app.db)
            .await?
            .into_iter()
            .collect()
    };
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let v = app.compiled(r.version_id).await?;
        let viewer = Viewer {
            all_fields: all_fields || r.initiator_id == c.user_id,
            nodes: r.node_key.iter().cloned().collect(),
            unread_cc: Vec::new(),
        };
        items.push(FlowItem {
            instance_id: r.instance_id,
            task_id: r.task_id,
            cc_no: r.cc_no,
            title: r.title,
            serial_no: r.serial_no,
            template_id: r.template_id,
            template_name: Some(v.template_name.clone()),
            initiator_name: names.get(&r.initiator_id).cloned(),
            initiator_id: r.initiator_id,
            status: r.status,
            node_key: r.node_key,
            node_name: r.node_name,
            at: r.at,
            created_at: r.created_at,
            due_at: r.due_at,
            delegated_by: r.delegated_by,
            principal_name: r.principal_id.and_then(|p| names.get(&p).cloned()),
            principal_id: r.principal_id,
            read: r.cc_no.map(|_| r.read_at.is_some()),
            summary: viewer.filter(&v.form, &r.summary),
            summary_labels: v
                .settings
                .summary_fields
                .iter()
                .filter_map(|k| v.form.field(k).map(|f| (k.clone(), f.label.clone())))
                .collect(),
            allow_bulk_approve: v.settings.allow_bulk_approve,
        });
    }
    Ok(Page {
        items,
        total,
        page,
        page_size,
    })
}

/// My tasks, open (待办) or handled (已办).
async fn task_list(app: &App, c: &Caller, f: &ListQuery, open: bool) -> AppResult<Page<FlowItem>> {
    use flow_task::Column as T;
    let (page, page_size) = PageQuery {
        page: f.page,
        page_size: f.page_size,
    }
    .resolve()?;
    let (from, to) = day_range(app.time_zone(c.tenant_id).await?, f)?;
    let time = if open { T::OpenedAt } else { T::ClosedAt };
    let mut mine = Condition::all()
        .add(T::TenantId.eq(c.tenant_id))
        .add(T::AssigneeId.eq(c.user_id));
    mine = if open {
        mine.add(T::State.eq("open"))
    } else {
        // handled by me: I decided, or handed it on (transfer, delegate)
        mine.add(T::State.eq("closed"))
            .add(T::CloseReason.is_in(["completed", "reassigned"]))
    };
    if let Some(a) = from {
        mine = mine.add(time.gte(a));
    }
    if let Some(b) = to {
        mine = mine.add(time.lt(b));
    }
    let q = flow_task::Entity::find()
        .join(JoinType::InnerJoin, flow_task::Relation::Instance.def())
        .filter(mine.clone())
        .filter(instance_filters(f)?);
    // Without instance filters the count needs no join: an index-only count on flow_tasks
    // (a department head's 已办 runs to thousands of rows).
    let total = if has_instance_filters(f) {
        q.clone().count(&app.db).await?
    } else {
        flow_task::Entity::find()
            .filter(mine)
            .count(&app.db)
            .await?
    };
    let q = match parse_sort(f, &["time", "created_at", "due_at"])? {
        ("created_at", o) => q.order_by(
            Expr::col((flow_instance::Entity, flow_instance::Column::CreatedAt)),
            o,
        ),
        ("due_at", o) => q.order_by(Expr::col((flow_task::Entity, T::DueAt)), o),
        (_, o) => q.order_by(Expr::col((flow_task::Entity, time)), o),
    };
    let rows = task_rows(q.order_by_asc(T::Id))
        .offset((page - 1) * page_size)
        .limit(page_size)
        .into_model::<Row>()
        .all(&app.db)
        .await?;
    finish(app, c, rows, total, page, page_size, false).await
}

fn task_rows(q: Select<flow_task::Entity>) -> Select<flow_task::Entity> {
    use flow_task::Column as T;
    let q = q
        .select_only()
        .column_as(T::InstanceId, "instance_id")
        .column_as(T::Id, "task_id")
        .column_as(Expr::cust("NULL"), "cc_no")
        .column_as(T::NodeKey, "node_key")
        .column_as(T::NodeName, "node_name")
        .column_as(
            Expr::cust("COALESCE(flow_tasks.closed_at, flow_tasks.opened_at)"),
            "at",
        )
        .column_as(T::DueAt, "due_at")
        .column_as(T::DelegatedBy, "delegated_by")
        .column_as(T::PrincipalId, "principal_id")
        .column_as(Expr::cust("NULL"), "read_at");
    instance_columns(q)
}

/// 待办: my open tasks (including those delegated to me), newest first by default.
#[utoipa::path(get, path = "/api/v1/flow/todo", tag = "flow", params(ListQuery), responses((status = 200, body = Page<FlowItem>), (status = 400, body = crate::error::ErrorBody)))]
async fn todo_list(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(f): Query<ListQuery>,
) -> AppResult<axum::Json<Page<FlowItem>>> {
    Ok(axum::Json(
        task_list(&app, &Caller::from(&p), &f, true).await?,
    ))
}

/// 已办: tasks I handled (decided, transferred or delegated), newest first by default.
#[utoipa::path(get, path = "/api/v1/flow/done", tag = "flow", params(ListQuery), responses((status = 200, body = Page<FlowItem>), (status = 400, body = crate::error::ErrorBody)))]
async fn done_list(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(f): Query<ListQuery>,
) -> AppResult<axum::Json<Page<FlowItem>>> {
    Ok(axum::Json(
        task_list(&app, &Caller::from(&p), &f, false).await?,
    ))
}

/// 我发起的: instances I started, newest first by default.
#[utoipa::path(get, path = "/api/v1/flow/started", tag = "flow", params(ListQuery), responses((status = 200, body = Page<FlowItem>), (status = 400, body = crate::error::ErrorBody)))]
async fn started_list(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(f): Query<ListQuery>,
) -> AppResult<axum::Json<Page<FlowItem>>> {
    use flow_instance::Column as I;
    let c = Caller::from(&p);
    let (page, page_size) = PageQuery {
        page: f.page,
        page_size: f.page_size,
    }
    .resolve()?;
    let (from, to) = day_range(app.time_zone(c.tenant_id).await?, &f)?;
    let mut q = flow_instance::Entity::find()
        .filter(I::TenantId.eq(c.tenant_id))
        .filter(I::InitiatorId.eq(c.user_id))
        .filter(instance_filters(&f)?);
    if let Some(a) = from {
        q = q.filter(I::CreatedAt.gte(a));
    }
    if let Some(b) = to {
        q = q.filter(I::CreatedAt.lt(b));
    }
    let total = q.clone().count(&app.db).await?;
    let (_, order) = parse_sort(&f, &["time", "created_at"])?;
    let q = q
        .order_by(I::CreatedAt, order)
        .order_by_asc(I::Id)
        .select_only()
        .column_as(I::Id, "instance_id")
        .column_as(Expr::cust("NULL"), "task_id")
        .column_as(Expr::cust("NULL"), "cc_no")
        .column_as(Expr::cust("NULL"), "node_key")
        .column_as(Expr::cust("NULL"), "node_name")
        .column_as(I::CreatedAt, "at")
        .column_as(Expr::cust("NULL"), "due_at")
        .column_as(Expr::cust("NULL"), "delegated_by")
        .column_as(Expr::cust("NULL"), "principal_id")
        .column_as(Expr::cust("NULL"), "read_at");
    let rows = instance_columns(q)
        .offset((page - 1) * page_size)
        .limit(page_size)
        .into_model::<Row>()
        .all(&app.db)
        .await?;
    Ok(axum::Json(
        finish(&app, &c, rows, total, page, page_size, true).await?,
    ))
}

async fn copies(
    app: &App,
    c: &Caller,
    f: &ListQuery,
    unread_only: bool,
) -> AppResult<Page<FlowItem>> {
    use flow_cc::Column as K;
    let (page, page_size) = PageQuery {
        page: f.page,
        page_size: f.page_size,
    }
    .resolve()?;
    let (from, to) = day_range(app.time_zone(c.tenant_id).await?, f)?;
    let mut q = flow_cc::Entity::find()
        .join(JoinType::InnerJoin, flow_cc::Relation::Instance.def())
        .filter(K::TenantId.eq(c.tenant_id))
        .filter(K::UserId.eq(c.user_id))
        .filter(instance_filters(f)?);
    match (unread_only, f.read) {
        (true, _) | (false, Some(false)) => q = q.filter(K::ReadAt.is_null()),
        (false, Some(true)) => q = q.filter(K::ReadAt.is_not_null()),
        (false, None) => {}
    }
    if let Some(a) = from {
        q = q.filter(K::SentAt.gte(a));
    }
    if let Some(b) = to {
        q = q.filter(K::SentAt.lt(b));
    }
    let total = q.clone().count(&app.db).await?;
    let q = match parse_sort(f, &["time", "created_at"])? {
        ("created_at", o) => q.order_by(
            Expr::col((flow_instance::Entity, flow_instance::Column::CreatedAt)),
            o,
        ),
        (_, o) => q.order_by(Expr::col((flow_cc::Entity, K::SentAt)), o),
    };
    let q = q
        .order_by_asc(K::Id)
        .select_only()
        .column_as(K::InstanceId, "instance_id")
        .column_as(Expr::cust("NULL"), "task_id")
        .column_as(K::CcNo, "cc_no")
        .column_as(K::NodeKey, "node_key")
        .column_as(Expr::cust("NULL"), "node_name")
        .column_as(K::SentAt, "at")
        .column_as(Expr::cust("NULL"), "due_at")
        .column_as(Expr::cust("NULL"), "delegated_by")
        .column_as(Expr::cust("NULL"), "principal_id")
        .column_as(K::ReadAt, "read_at");
    let rows = instance_columns(q)
        .offset((page - 1) * page_size)
        .limit(page_size)
        .into_model::<Row>()
        .all(&app.db)
        .await?;
    finish(app, c, rows, total, page, page_size, false).await
}

/// 抄送我的: instances copied to me, read and unread (`read` filters), newest first.
#[utoipa::path(get, path = "/api/v1/flow/cc", tag = "flow", params(ListQuery), responses((status = 200, body = Page<FlowItem>), (status = 400, body = crate::error::ErrorBody)))]
async fn cc_list(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(f): Query<ListQuery>,
) -> AppResult<axum::Json<Page<FlowItem>>> {
    Ok(axum::Json(
        copies(&app, &Caller::from(&p), &f, false).await?,
    ))
}

/// 待阅: copies I have not read yet; reading one (`POST /flow/instances/{id}/cc/read`) moves it
/// to 已阅.
#[utoipa::path(get, path = "/api/v1/flow/to-read", tag = "flow", params(ListQuery), responses((status = 200, body = Page<FlowItem>), (status = 400, body = crate::error::ErrorBody)))]
async fn to_read_list(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(f): Query<ListQuery>,
) -> AppResult<axum::Json<Page<FlowItem>>> {
    Ok(axum::Json(copies(&app, &Caller::from(&p), &f, true).await?))
}

/// How many items each list holds for me.
#[derive(Debug, Serialize, ToSchema)]
pub struct Counts {
    pub todo: u64,
    pub done: u64,
    pub started: u64,
    pub cc: u64,
    pub to_read: u64,
}

/// The counts of 待办, 已办, 我发起的, 抄送我的 and 待阅 for the workbench and the menu.
#[utoipa::path(get, path = "/api/v1/flow/counts", tag = "flow", responses((status = 200, body = Counts)))]
async fn counts(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<Counts>> {
    Ok(axum::Json(count_for(&app, p.tenant_id, p.user_id).await?))
}

/// The counts for one user.
pub async fn count_for(app: &App, tenant: Uuid, me: Uuid) -> AppResult<Counts> {
    use flow_task::Column as T;
    let mine = || {
        flow_task::Entity::find()
            .filter(T::TenantId.eq(tenant))
            .filter(T::AssigneeId.eq(me))
    };
    let todo = mine().filter(T::State.eq("open")).count(&app.db).await?;
    let done = mine()
        .filter(T::State.eq("closed"))
        .filter(T::CloseReason.is_in(["completed", "reassigned"]))
        .count(&app.db)
        .await?;
    let started = flow_instance::Entity::find()
        .filter(flow_instance::Column::TenantId.eq(tenant))
        .filter(flow_instance::Column::InitiatorId.eq(me))
        .count(&app.db)
        .await?;
    let cc_q = || {
        flow_cc::Entity::find()
            .filter(flow_cc::Column::TenantId.eq(tenant))
            .filter(flow_cc::Column::UserId.eq(me))
    };
    let cc = cc_q().count(&app.db).await?;
    let to_read = cc_q()
        .filter(flow_cc::Column::ReadAt.is_null())
        .count(&app.db)
        .await?;
    Ok(Counts {
        todo,
        done,
        started,
        cc,
        to_read,
    })
}
