//! The supervisor console (超期督办): the open tasks of the templates a person supervises (all
//! templates for tenant flow administrators), overdue or due soon, with their waiting time; and
//! violation records (考核记录) with a monthly report per person and department.

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::instances::names;
use super::service::Caller;
use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::extract::Authenticated;
use crate::entities::{department, flow_instance, flow_task, flow_template, flow_violation, user};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::http::extract::{Json, Query};
use crate::http::page::{Page, PageQuery};
use crate::ids::new_id;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(supervised_tasks))
        .routes(routes!(list_violations, record_violation))
        .routes(routes!(violation_report))
}

/// The templates `c` supervises; `None`: all of the tenant's (flow administrators).
async fn supervised(app: &App, c: &Caller) -> AppResult<Option<Vec<Uuid>>> {
    if c.flow_admin {
        return Ok(None);
    }
    Ok(Some(
        flow_template::Entity::find()
            .select_only()
            .column(flow_template::Column::Id)
            .filter(flow_template::Column::TenantId.eq(c.tenant_id))
            .filter(flow_template::Column::SupervisorId.eq(c.user_id))
            .into_tuple()
            .all(&app.db)
            .await?,
    ))
}

/// Console filters.
#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct SupervisionFilter {
    pub template_id: Option<Uuid>,
    /// `all` (default), `overdue`, or `due_soon` (due within 24 hours).
    pub filter: Option<String>,
}

/// An open task under supervision.
#[derive(Debug, Serialize, ToSchema, FromQueryResult)]
pub struct SupervisedTask {
    pub task_id: Uuid,
    pub instance_id: Uuid,
    pub template_id: Uuid,
    pub title: String,
    pub serial_no: Option<String>,
    pub initiator_id: Uuid,
    pub node_key: String,
    pub node_name: String,
    pub assignee_id: Uuid,
    #[sea_orm(skip)]
    pub assignee_name: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    /// When the whole flow is due (办结时限), if its template sets a limit.
    pub flow_due_at: Option<DateTime<Utc>>,
    /// Whose task the handler holds while they are away (委托).
    pub principal_id: Option<Uuid>,
    #[sea_orm(skip)]
    pub principal_name: Option<String>,
    #[sea_orm(skip)]
    pub template_name: Option<String>,
    #[sea_orm(skip)]
    pub waiting_minutes: i64,
    #[sea_orm(skip)]
    pub overdue: bool,
}

/// Open, overdue and due-soon tasks under supervision (whatever the filter).
#[derive(Debug, Serialize, ToSchema, Default)]
pub struct SupervisionCounts {
    pub open: u64,
    pub overdue: u64,
    pub due_soon: u64,
}

/// A page of the console.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisionPage {
    #[serde(flatten)]
    pub page: Page<SupervisedTask>,
    pub counts: SupervisionCounts,
}

fn base(tenant: Uuid, templates: &Option<Vec<Uuid>>, template: Option<Uuid>) -> Condition {
    let mut c = Condition::all()
        .add(flow_task::Column::TenantId.eq(tenant))
        .add(flow_task::Column::State.eq("open"));
    if let Some(ids) = templates {
        c = c.add(flow_task::Column::TemplateId.is_in(ids.clone()));
    }
    if let Some(t) = template {
        c = c.add(flow_task::Column::TemplateId.eq(t));
    }
    c
}

/// The open tasks of the templates I supervise (all, for flow administrators), oldest first.
#[utoipa::path(get, path = "/api/v1/flow/supervision", tag = "flow", params(SupervisionFilter, PageQuery),
    responses((status = 200, body = SupervisionPage), (status = 400, body = crate::error::ErrorBody)))]
async fn supervised_tasks(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(f): Query<SupervisionFilter>,
    Query(pq): Query<PageQuery>,
) -> AppResult<axum::Json<SupervisionPage>> {
    let (page, page_size) = pq.resolve()?;
    let c = Caller::from(&p);
    let templates = supervised(&app, &c).await?;
    let now = Utc::now();
    let soon = now + Duration::hours(24);
    let cond = base(c.tenant_id, &templates, f.template_id);
    let overdue = flow_task::Column::DueAt.lt(now);
    let due_soon = Condition::all()
        .add(flow_task::Column::DueAt.gte(now))
        .add(flow_task::Column::DueAt.lt(soon));
    let count = |extra: Option<Condition>| {
        let mut q = flow_task::Entity::find().filter(cond.clone());
        if let Some(e) = extra {
            q = q.filter(e);
        }
        q.count(&app.db)
    };
    let counts = SupervisionCounts {
        open: count(None).await?,
        overdue: count(Some(Condition::all().add(overdue.clone()))).await?,
        due_soon: count(Some(due_soon.clone())).await?,
    };
    let mut q = flow_task::Entity::find().filter(cond);
    q = match f.filter.as_deref().unwrap_or("all") {
        "all" | "" => q,
        "overdue" => q.filter(overdue),
        "due_soon" => q.filter(due_soon),
        _ => {
            return Err(AppError::bad_request(
                "flow.bad_filter",
                Text::fixed(
                    "filter 只能是 all、overdue 或 due_soon",
                    "filter must be all, overdue or due_soon",
                ),
            ));
        }
    };
    let total = q.clone().count(&app.db).await?;
    let mut items: Vec<SupervisedTask> = q
        .select_only()
        .column_as(flow_task::Column::Id, "task_id")
        .column(flow_task::Column::InstanceId)
        .column(flow_task::Column::TemplateId)
        .column(flow_instance::Column::Title)
        .column(flow_instance::Column::SerialNo)
        .column(flow_instance::Column::InitiatorId)
        .column(flow_task::Column::NodeKey)
        .column(flow_task::Column::NodeName)
        .column(flow_task::Column::AssigneeId)
        .column(flow_task::Column::OpenedAt)
        .column(flow_task::Column::DueAt)
        .column_as(flow_instance::Column::DueAt, "flow_due_at")
        .column(flow_task::Column::PrincipalId)
        .join(JoinType::InnerJoin, flow_task::Relation::Instance.def())
        .order_by_asc(flow_task::Column::OpenedAt)
        .order_by_asc(flow_task::Column::Id)
        .offset((page - 1) * page_size)
        .limit(page_size)
        .into_model()
        .all(&app.db)
        .await?;
    let names = names(
        &app,
        items
            .iter()
            .flat_map(|t| std::iter::once(t.assignee_id).chain(t.principal_id)),
    )
    .await?;
    let template_ids: Vec<Uuid> = items.iter().map(|t| t.template_id).collect();
    let template_names: HashMap<Uuid, String> = if template_ids.is_empty() {
        HashMap::new()
    } else {
        flow_template::Entity::find()
            .select_only()
            .column(flow_template::Column::Id)
            .column(flow_template::Column::Name)
            .filter(flow_template::Column::TenantId.eq(c.tenant_id))
            .filter(flow_template::Column::Id.is_in(template_ids))
            .into_tuple::<(Uuid, String)>()
            .all(&app.db)
            .await?
            .into_iter()
            .collect()
    };
    for t in &mut items {
        t.assignee_name = names.get(&t.assignee_id).cloned();
        t.principal_name = t.principal_id.and_then(|p| names.get(&p).cloned());
        t.template_name = template_names.get(&t.template_id).cloned();
        t.waiting_minutes = (now - t.opened_at).num_minutes().max(0);
        t.overdue = t.due_at.is_some_and(|d| d < now);
    }
    Ok(axum::Json(SupervisionPage {
        page: Page {
            items,
            total,
            page,
            page_size,
        },
        counts,
    }))
}

/// A violation to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewViolation {
    pub instance_id: Uuid,
    /// The step concerned (a node key of the instance's flow).
    pub node_key: String,
    /// Who it concerns.
    pub person_id: Uuid,
    /// `overdue`, `opinion` or `other`.
    pub kind: String,
    pub note: String,
}

/// A violation record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationView {
    pub id: Uuid,
    pub instance_id: Uuid,
    pub template_id: Uuid,
    pub node_key: String,
    pub person_id: Uuid,
    pub person_name: Option<String>,
    pub department_id: Uuid,
    pub kind: String,
    pub note: String,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
    /// The instance's title and serial number, the template's and step's names, the
    /// department's and the recorder's names, for display.
    pub title: Option<String>,
    pub serial_no: Option<String>,
    pub template_name: Option<String>,
    pub node_name: Option<String>,
    pub department_name: Option<String>,
    pub recorded_by_name: Option<String>,
}

const KINDS: [&str; 3] = ["overdue", "opinion", "other"];

/// Records a violation on an instance of a template I supervise (flow administrators: any).
#[utoipa::path(post, path = "/api/v1/flow/violations", tag = "flow", request_body = NewViolation,
    responses((status = 200, body = ViolationView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn record_violation(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Json(v): Json<NewViolation>,
) -> AppResult<axum::Json<ViolationView>> {
    let c = Caller::from(&p);
    let i = flow_instance::Entity::find_by_id(v.instance_id)
        .one(&app.db)
        .await?
        .filter(|i| i.tenant_id == c.tenant_id)
        .ok_or_else(super::service::instance_not_found)?;
    let t = app
        .flow_template(c.tenant_id, i.template_id)
        .await?
        .ok_or_else(super::service::instance_not_found)?;
    if !c.flow_admin && t.supervisor_id != Some(c.user_id) {
        return Err(AppError::forbidden());
    }
    let mut errors = Vec::new();
    if !KINDS.contains(&v.kind.as_str()) {
        errors.push(FieldError::new(
            "kind",
            "flow.violation_kind",
            Text::fixed(
                "类型须为 overdue（超期）、opinion（意见不规范）或 other（其他）",
                "kind must be overdue, opinion or other",
            ),
        ));
    }
    let note = v.note.trim().to_string();
    if note.is_empty() || note.chars().count() > 500 {
        errors.push(FieldError::new(
            "note",
            "flow.violation_note",
            Text::fixed(
                "请写明情况（1–500 字）",
                "Describe what happened (1–500 characters)",
            ),
        ));
    }
    let version = app.compiled(i.version_id).await?;
    if version.def.node_id(&v.node_key).is_none() {
        errors.push(FieldError::new(
            "node_key",
            "flow.unknown_node",
            Text::fixed("该流程没有这个环节", "The flow has no such step"),
        ));
    }
    let person = user::Entity::find_by_id(v.person_id)
        .one(&app.db)
        .await?
        .filter(|u| u.tenant_id == c.tenant_id);
    if person.is_none() {
        errors.push(FieldError::new(
            "person_id",
            "flow.unknown_participant",
            Text::fixed("人员不存在", "No such person"),
        ));
    }
    let (Some(person), true) = (person, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let row = flow_violation::Model {
        id: new_id(),
        tenant_id: c.tenant_id,
        instance_id: i.id,
        template_id: i.template_id,
        node_key: v.node_key.clone(),
        person_id: person.id,
        department_id: person.department_id,
        kind: v.kind.clone(),
        note,
        recorded_by: c.user_id,
        recorded_at: Utc::now(),
    };
    let txn = app.db.begin().await?;
    flow_violation::Entity::insert(flow_violation::ActiveModel {
        id: Set(row.id),
        tenant_id: Set(row.tenant_id),
        instance_id: Set(row.instance_id),
        template_id: Set(row.template_id),
        node_key: Set(row.node_key.clone()),
        person_id: Set(row.person_id),
        department_id: Set(row.department_id),
        kind: Set(row.kind.clone()),
        note: Set(row.note.clone()),
        recorded_by: Set(row.recorded_by),
        recorded_at: Set(row.recorded_at),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        &c.audit,
        Change::new(
            "flow_violation.record",
            "flow_instance",
            Some(i.id),
            format!(
                "考核记录：{}「{}」环节 {}（{}）",
                person.display_name, v.node_key, i.title, v.kind
            ),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(
        views(&app, c.tenant_id, vec![row]).await?.remove(0),
    ))
}

/// Violation rows with the names a reader needs, looked up in one query per kind of name.
async fn views(
    app: &App,
    tenant: Uuid,
    rows: Vec<flow_violation::Model>,
) -> AppResult<Vec<ViolationView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let people = names(app, rows.iter().flat_map(|r| [r.person_id, r.recorded_by])).await?;
    let instance_ids: Vec<Uuid> = rows.iter().map(|r| r.instance_id).collect();
    let instances: HashMap<Uuid, (String, Option<String>, Uuid)> = flow_instance::Entity::find()
        .select_only()
        .column(flow_instance::Column::Id)
        .column(flow_instance::Column::Title)
        .column(flow_instance::Column::SerialNo)
        .column(flow_instance::Column::VersionId)
        .filter(flow_instance::Column::TenantId.eq(tenant))
        .filter(flow_instance::Column::Id.is_in(instance_ids))
        .into_tuple::<(Uuid, String, Option<String>, Uuid)>()
        .all(&app.db)
        .await?
        .into_iter()
        .map(|(id, t, s, v)| (id, (t, s, v)))
        .collect();
    let template_names: HashMap<Uuid, String> = flow_template::Entity::find()
        .select_only()
        .column(flow_template::Column::Id)
        .column(flow_template::Column::Name)
        .filter(flow_template::Column::TenantId.eq(tenant))
        .filter(
            flow_template::Column::Id.is_in(rows.iter().map(|r| r.template_id).collect::<Vec<_>>()),
        )
        .into_tuple::<(Uuid, String)>()
        .all(&app.db)
        .await?
        .into_iter()
        .collect();
    let departments: HashMap<Uuid, String> = department::Entity::find()
        .select_only()
        .column(department::Column::Id)
        .column(department::Column::Name)
        .filter(department::Column::TenantId.eq(tenant))
        .filter(
            department::Column::Id.is_in(rows.iter().map(|r| r.department_id).collect::<Vec<_>>()),
        )
        .into_tuple::<(Uuid, String)>()
        .all(&app.db)
        .await?
        .into_iter()
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for m in rows {
        let inst = instances.get(&m.instance_id);
        let node_name = match inst {
            Some((_, _, version)) => app.compiled(*version).await.ok().and_then(|v| {
                v.def
                    .graph()
                    .node_id(&m.node_key)
                    .map(|n| v.def.node(n).name.clone())
                    .filter(|n| !n.is_empty())
            }),
            None => None,
        };
        out.push(ViolationView {
            id: m.id,
            instance_id: m.instance_id,
            template_id: m.template_id,
            person_name: people.get(&m.person_id).cloned(),
            person_id: m.person_id,
            department_name: departments.get(&m.department_id).cloned(),
            department_id: m.department_id,
            kind: m.kind,
            note: m.note,
            recorded_by_name: people.get(&m.recorded_by).cloned(),
            recorded_by: m.recorded_by,
            recorded_at: m.recorded_at,
            title: inst.map(|i| i.0.clone()),
            serial_no: inst.and_then(|i| i.1.clone()),
            template_name: template_names.get(&m.template_id).cloned(),
            node_name: node_name.or_else(|| Some(m.node_key.clone())),
            node_key: m.node_key,
        });
    }
    Ok(out)
}

/// Violation filters.
#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ViolationFilter {
    /// `YYYY-MM` in the tenant's time zone.
    pub month: Option<String>,
    pub person_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub template_id: Option<Uuid>,
}

async fn violation_condition(app: &App, c: &Caller, f: &ViolationFilter) -> AppResult<Condition> {
    let mut cond = Condition::all().add(flow_violation::Column::TenantId.eq(c.tenant_id));
    if let Some(ids) = supervised(app, c).await? {
        cond = cond.add(flow_violation::Column::TemplateId.is_in(ids));
    }
    if let Some(m) = f.month.as_deref().filter(|m| !m.is_empty()) {
        let (from, to) = month_window(m, app.time_zone(c.tenant_id).await?)?;
        cond = cond
            .add(flow_violation::Column::RecordedAt.gte(from))
            .add(flow_violation::Column::RecordedAt.lt(to));
    }
    if let Some(x) = f.person_id {
        cond = cond.add(flow_violation::Column::PersonId.eq(x));
    }
    if let Some(x) = f.department_id {
        cond = cond.add(flow_violation::Column::DepartmentId.eq(x));
    }
    if let Some(x) = f.template_id {
        cond = cond.add(flow_violation::Column::TemplateId.eq(x));
    }
    Ok(cond)
}

/// `YYYY-MM` → [first instant, first instant of the next month) in `tz`.
fn month_window(m: &str, tz: chrono_tz::Tz) -> AppResult<(DateTime<Utc>, DateTime<Utc>)> {
    let bad = || {
        AppError::bad_request(
            "flow.bad_month",
            Text::fixed("月份格式为 YYYY-MM", "month must be YYYY-MM"),
        )
    };
    let first = NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").map_err(|_| bad())?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .ok_or_else(bad)?;
    let at = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(bad)
    };
    Ok((at(first)?, at(next)?))
}

/// Violation records of the templates I supervise (all, for flow administrators), newest first.
#[utoipa::path(get, path = "/api/v1/flow/violations", tag = "flow", params(ViolationFilter, PageQuery),
    responses((status = 200, body = Page<ViolationView>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_violations(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(f): Query<ViolationFilter>,
    Query(pq): Query<PageQuery>,
) -> AppResult<axum::Json<Page<ViolationView>>> {
    pq.resolve()?;
    let c = Caller::from(&p);
    let q = flow_violation::Entity::find()
        .filter(violation_condition(&app, &c, &f).await?)
        .order_by_desc(flow_violation::Column::RecordedAt)
        .order_by_desc(flow_violation::Column::Id);
    let mut rows = pq.fetch(&app.db, q).await?;
    let items = views(&app, c.tenant_id, std::mem::take(&mut rows.items)).await?;
    Ok(axum::Json(rows.with_items(items)))
}

/// Report query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `YYYY-MM` in the tenant's time zone.
    pub month: String,
    /// `json` (default) or `xlsx`.
    pub format: Option<String>,
}

/// Violations of one person in a month.
#[derive(Debug, Serialize, ToSchema, Default, Clone)]
pub struct PersonViolations {
    pub person_id: Uuid,
    pub name: String,
    pub department_id: Uuid,
    pub department: String,
    pub total: u64,
    pub overdue: u64,
    pub opinion: u64,
    pub other: u64,
}

/// Violations of one department in a month.
#[derive(Debug, Serialize, ToSchema, Default, Clone)]
pub struct DepartmentViolations {
    pub department_id: Uuid,
    pub department: String,
    pub total: u64,
}

/// A month's violations per person and per department.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationReport {
    pub month: String,
    pub by_person: Vec<PersonViolations>,
    pub by_department: Vec<DepartmentViolations>,
}

/// A month's violations per person and department, as JSON or an xlsx file.
#[utoipa::path(get, path = "/api/v1/flow/violations/report", tag = "flow", params(ReportQuery),
    responses((status = 200, body = ViolationReport), (status = 400, body = crate::error::ErrorBody)))]
async fn violation_report(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(q): Query<ReportQuery>,
) -> AppResult<axum::response::Response> {
    let c = Caller::from(&p);
    let f = ViolationFilter {
        month: Some(q.month.clone()),
        ..Default::default()
    };
    let rows = flow_violation::Entity::find()
        .filter(violation_condition(&app, &c, &f).await?)
        .all(&app.db)
        .await?;
    let people = names(&app, rows.iter().map(|r| r.person_id)).await?;
    let depts = crate::lookup::department_names(&app.db, c.tenant_id).await?;
    let mut by_person: BTreeMap<Uuid, PersonViolations> = BTreeMap::new();
    let mut by_dept: BTreeMap<Uuid, DepartmentViolations> = BTreeMap::new();
    for r in &rows {
        let e = by_person
            .entry(r.person_id)
            .or_insert_with(|| PersonViolations {
                person_id: r.person_id,
                name: people.get(&r.person_id).cloned().unwrap_or_default(),
                department_id: r.department_id,
                department: depts.get(&r.department_id).cloned().unwrap_or_default(),
                ..Default::default()
            });
        e.total += 1;
        match r.kind.as_str() {
            "overdue" => e.overdue += 1,
            "opinion" => e.opinion += 1,
            _ => e.other += 1,
        }
        let d = by_dept
            .entry(r.department_id)
            .or_insert_with(|| DepartmentViolations {
                department_id: r.department_id,
                department: depts.get(&r.department_id).cloned().unwrap_or_default(),
                total: 0,
            });
        d.total += 1;
    }
    let mut by_person: Vec<_> = by_person.into_values().collect();
    by_person.sort_by(|a, b| b.total.cmp(&a.total).then(a.name.cmp(&b.name)));
    let mut by_department: Vec<_> = by_dept.into_values().collect();
    by_department.sort_by(|a, b| b.total.cmp(&a.total).then(a.department.cmp(&b.department)));
    let report = ViolationReport {
        month: q.month.clone(),
        by_person,
        by_department,
    };
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(axum::Json(report).into_response()),
        "xlsx" => {
            let x = |e: rust_xlsxwriter::XlsxError| AppError::internal(e);
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            ws.set_name("按人员").map_err(x)?;
            for (i, h) in ["姓名", "部门", "合计", "超期", "意见不规范", "其他"]
                .iter()
                .enumerate()
            {
                ws.write_string(0, i as u16, *h).map_err(x)?;
            }
            for (r, p) in report.by_person.iter().enumerate() {
                let r = r as u32 + 1;
                ws.write_string(r, 0, &p.name).map_err(x)?;
                ws.write_string(r, 1, &p.department).map_err(x)?;
                for (c, n) in [p.total, p.overdue, p.opinion, p.other].iter().enumerate() {
                    ws.write_number(r, c as u16 + 2, *n as f64).map_err(x)?;
                }
            }
            let ws = wb.add_worksheet();
            ws.set_name("按部门").map_err(x)?;
            ws.write_string(0, 0, "部门").map_err(x)?;
            ws.write_string(0, 1, "合计").map_err(x)?;
            for (r, d) in report.by_department.iter().enumerate() {
                ws.write_string(r as u32 + 1, 0, &d.department).map_err(x)?;
                ws.write_number(r as u32 + 1, 1, d.total as f64)
                    .map_err(x)?;
            }
            let body = wb.save_to_buffer().map_err(x)?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_string(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"violations-{}.xlsx\"", q.month),
                    ),
                ],
                body,
            )
                .into_response())
        }
        _ => Err(AppError::bad_request(
            "request.invalid_query",
            Text::fixed("format 只能是 json 或 xlsx", "format must be json or xlsx"),
        )),
    }
}
