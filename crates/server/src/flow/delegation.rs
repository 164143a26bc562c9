//! Out-of-office delegation (委托): a user, or HR on their behalf, names a stand-in for a date
//! range and for all or chosen templates. While it runs, new tasks of the delegator go to the
//! stand-in marked "代 X 办理" (the engine asks `OrgDirectory::stand_in`); open tasks move too
//! when asked (a `delegation.start` job at the start time). Chains (A→B while B→C) resolve to
//! their end; a loop (A→B while B→A) is refused when it would be created, and at run time a
//! loop or a stand-in who left leaves the task with its assignee.

use std::collections::HashMap;

use axum::extract::{Path, State};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use xietong_engine as engine;

use super::instances::names;
use super::service::{self, Target};
use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::access::Perm;
use crate::auth::extract::Authenticated;
use crate::entities::{delegation, flow_task, flow_template, job, user};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::http::extract::{Json, Query};
use crate::http::page::{Page, PageQuery};
use crate::ids::new_id;
use crate::jobs::{self, JobFailure, NewJob};
use crate::notifications::{self, Notice};
use crate::org::directory::OrgSnapshot;

/// The job kind that starts a delegation: tells both people and moves open tasks if asked.
pub const KIND_START: &str = "delegation.start";

/// The job kind that tells both people a delegation ended.
pub const KIND_END: &str = "delegation.end";

/// The longest delegation, in days.
const MAX_DAYS: i64 = 366;

/// How many stand-ins a chain may pass through before it is judged broken.
const MAX_CHAIN: usize = 16;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(cancel))
        .routes(routes!(on_behalf))
}

/// A delegation that has not ended, as the directory keeps it.
#[derive(Debug, Clone)]
pub struct ActiveDelegation {
    pub id: Uuid,
    pub delegator: Uuid,
    pub delegate: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// `None`: every template.
    pub templates: Option<Vec<Uuid>>,
}

impl ActiveDelegation {
    fn from_row(d: &delegation::Model) -> ActiveDelegation {
        ActiveDelegation {
            id: d.id,
            delegator: d.delegator_id,
            delegate: d.delegate_id,
            starts_at: d.starts_at,
            ends_at: d.ends_at,
            templates: template_list(d),
        }
    }

    fn covers(&self, template: Uuid, at: DateTime<Utc>) -> bool {
        self.starts_at <= at
            && at < self.ends_at
            && self
                .templates
                .as_ref()
                .is_none_or(|t| t.contains(&template))
    }

    /// Whether both run at some common time for some common template.
    fn overlaps(&self, other: &ActiveDelegation) -> bool {
        let time = self.starts_at < other.ends_at && other.starts_at < self.ends_at;
        let templates = match (&self.templates, &other.templates) {
            (Some(a), Some(b)) => a.iter().any(|t| b.contains(t)),
            _ => true,
        };
        time && templates
    }
}

fn template_list(d: &delegation::Model) -> Option<Vec<Uuid>> {
    d.template_ids
        .as_ref()
        .and_then(|v| serde_json::from_value::<Vec<Uuid>>(v.clone()).ok())
}

/// The tenant's delegations that have not ended or been cancelled (for the directory).
pub async fn load<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<ActiveDelegation>, DbErr> {
    Ok(delegation::Entity::find()
        .filter(delegation::Column::TenantId.eq(tenant))
        .filter(delegation::Column::CancelledAt.is_null())
        .filter(delegation::Column::EndsAt.gt(now))
        .all(db)
        .await?
        .iter()
        .map(ActiveDelegation::from_row)
        .collect())
}

/// Who acts for `user` on `template` at `at`: the end of the chain of running delegations whose
/// people are active. `None` when they are in, or the chain loops or runs too long.
pub fn resolve(
    list: &[ActiveDelegation],
    org: &OrgSnapshot,
    user: Uuid,
    template: Uuid,
    at: DateTime<Utc>,
) -> Option<Uuid> {
    if list.is_empty() {
        return None;
    }
    let active = |u: Uuid| org.users.get(&u).is_some_and(|f| f.active);
    let mut seen = vec![user];
    let mut current = user;
    loop {
        let next = list
            .iter()
            .find(|d| d.delegator == current && d.covers(template, at) && active(d.delegate))
            .map(|d| d.delegate);
        match next {
            None => break,
            Some(n) if seen.contains(&n) || seen.len() > MAX_CHAIN => return None,
            Some(n) => {
                seen.push(n);
                current = n;
            }
        }
    }
    (current != user).then_some(current)
}

/// The organisation as the engine sees it for one instance at one time: the directory plus the
/// stand-ins of people away.
pub struct FlowOrg<'a> {
    pub org: &'a OrgSnapshot,
    pub delegations: &'a [ActiveDelegation],
    pub template: Uuid,
    pub at: DateTime<Utc>,
}

impl engine::OrgDirectory for FlowOrg<'_> {
    fn supervisor(&self, user: &engine::UserId) -> Option<engine::UserId> {
        engine::OrgDirectory::supervisor(self.org, user)
    }
    fn department_of(&self, user: &engine::UserId) -> Option<engine::DeptId> {
        engine::OrgDirectory::department_of(self.org, user)
    }
    fn department_head(&self, dept: &engine::DeptId) -> Option<engine::UserId> {
        engine::OrgDirectory::department_head(self.org, dept)
    }
    fn leader_in_charge(&self, dept: &engine::DeptId) -> Option<engine::UserId> {
        engine::OrgDirectory::leader_in_charge(self.org, dept)
    }
    fn members_of_role(&self, role: &str) -> Vec<engine::UserId> {
        engine::OrgDirectory::members_of_role(self.org, role)
    }
    fn members_of_post(&self, post: &str) -> Vec<engine::UserId> {
        engine::OrgDirectory::members_of_post(self.org, post)
    }
    fn members_of_department(
        &self,
        dept: &engine::DeptId,
        include_sub: bool,
    ) -> Vec<engine::UserId> {
        engine::OrgDirectory::members_of_department(self.org, dept, include_sub)
    }
    fn stand_in(&self, user: &engine::UserId) -> Option<engine::UserId> {
        let id = user.as_str().parse::<Uuid>().ok()?;
        resolve(self.delegations, self.org, id, self.template, self.at)
            .map(|u| engine::UserId::from(u.to_string().as_str()))
    }
}

/// A new delegation.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewDelegation {
    /// Whose tasks; default: mine. Someone else's needs the user.write permission (HR).
    pub delegator_id: Option<Uuid>,
    /// Who stands in.
    pub delegate_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Only these templates; absent: all.
    pub template_ids: Option<Vec<Uuid>>,
    #[serde(default)]
    pub reason: String,
    /// Move the delegator's open tasks to the stand-in when it starts.
    #[serde(default)]
    pub move_open_tasks: bool,
}

/// A delegation as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DelegationView {
    pub id: Uuid,
    pub delegator_id: Uuid,
    pub delegator_name: Option<String>,
    pub delegate_id: Uuid,
    pub delegate_name: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// `null`: all templates.
    pub template_ids: Option<Vec<Uuid>>,
    pub template_names: Option<Vec<String>>,
    pub reason: String,
    pub move_open_tasks: bool,
    /// `scheduled`, `active`, `ended` or `cancelled`.
    pub state: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

fn state_of(d: &delegation::Model, now: DateTime<Utc>) -> &'static str {
    if d.cancelled_at.is_some() {
        "cancelled"
    } else if now < d.starts_at {
        "scheduled"
    } else if now < d.ends_at {
        "active"
    } else {
        "ended"
    }
}

async fn views(
    app: &App,
    tenant: Uuid,
    rows: Vec<delegation::Model>,
) -> AppResult<Vec<DelegationView>> {
    let names = names(
        app,
        rows.iter().flat_map(|d| [d.delegator_id, d.delegate_id]),
    )
    .await?;
    let template_ids: Vec<Uuid> = rows.iter().filter_map(template_list).flatten().collect();
    let templates: HashMap<Uuid, String> = if template_ids.is_empty() {
        HashMap::new()
    } else {
        flow_template::Entity::find()
            .select_only()
            .column(flow_template::Column::Id)
            .column(flow_template::Column::Name)
            .filter(flow_template::Column::TenantId.eq(tenant))
            .filter(flow_template::Column::Id.is_in(template_ids))
            .into_tuple::<(Uuid, String)>()
            .all(&app.db)
            .await?
            .into_iter()
            .collect()
    };
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|d| {
            let ids = template_list(&d);
            DelegationView {
                id: d.id,
                delegator_name: names.get(&d.delegator_id).cloned(),
                delegator_id: d.delegator_id,
                delegate_name: names.get(&d.delegate_id).cloned(),
                delegate_id: d.delegate_id,
                starts_at: d.starts_at,
                ends_at: d.ends_at,
                template_names: ids.as_ref().map(|ids| {
                    ids.iter()
                        .map(|i| templates.get(i).cloned().unwrap_or_default())
                        .collect()
                }),
                template_ids: ids,
                reason: d.reason.clone(),
                move_open_tasks: d.move_open,
                state: state_of(&d, now).into(),
                created_by: d.created_by,
                created_at: d.created_at,
                cancelled_at: d.cancelled_at,
            }
        })
        .collect())
}

/// List filter.
#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct DelegationFilter {
    /// `mine` (default: where I delegate or stand in) or `all` (HR: the tenant's).
    pub scope: Option<String>,
    /// With `all`: only delegations of or to this user.
    pub user_id: Option<Uuid>,
    /// Include ended and cancelled ones (default: only scheduled and active).
    pub history: Option<bool>,
}

/// Delegations where I delegate or stand in; HR (user.write) may list the tenant's.
#[utoipa::path(get, path = "/api/v1/delegations", tag = "flow", operation_id = "list_delegations", params(DelegationFilter, PageQuery),
    responses((status = 200, body = Page<DelegationView>), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
async fn list(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(f): Query<DelegationFilter>,
    Query(pq): Query<PageQuery>,
) -> AppResult<axum::Json<Page<DelegationView>>> {
    pq.resolve()?;
    let mut q = delegation::Entity::find().filter(delegation::Column::TenantId.eq(p.tenant_id));
    let person = |u: Uuid| {
        Condition::any()
            .add(delegation::Column::DelegatorId.eq(u))
            .add(delegation::Column::DelegateId.eq(u))
    };
    match f.scope.as_deref() {
        None | Some("mine") => q = q.filter(person(p.user_id)),
        Some("all") => {
            if !p.has(Perm::UserWrite) {
                return Err(AppError::forbidden());
            }
            if let Some(u) = f.user_id {
                q = q.filter(person(u));
            }
        }
        Some(_) => {
            return Err(AppError::bad_request(
                "delegation.bad_scope",
                Text::fixed("scope 只能是 mine 或 all", "scope must be mine or all"),
            ));
        }
    }
    if f.history != Some(true) {
        q = q
            .filter(delegation::Column::CancelledAt.is_null())
            .filter(delegation::Column::EndsAt.gt(Utc::now()));
    }
    let q = q
        .order_by_desc(delegation::Column::StartsAt)
        .order_by_desc(delegation::Column::Id);
    let mut rows = pq.fetch(&app.db, q).await?;
    let items = views(&app, p.tenant_id, std::mem::take(&mut rows.items)).await?;
    Ok(axum::Json(rows.with_items(items)))
}

fn field(name: &str, code: &'static str, zh: &'static str, en: &'static str) -> FieldError {
    FieldError::new(name, code, Text::fixed(zh, en))
}

/// Sets a stand-in. Refused: a period that is empty, over, or longer than a year; a stand-in who
/// is the delegator, unknown or inactive; unknown templates; an overlap with another delegation
/// of the same person; a loop (the stand-in, or someone down their chain, already delegates back).
#[utoipa::path(post, path = "/api/v1/delegations", tag = "flow", operation_id = "create_delegation", request_body = NewDelegation,
    responses((status = 201, body = DelegationView), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Json(body): Json<NewDelegation>,
) -> AppResult<(axum::http::StatusCode, axum::Json<DelegationView>)> {
    let delegator = body.delegator_id.unwrap_or(p.user_id);
    if delegator != p.user_id && !p.has(Perm::UserWrite) {
        return Err(AppError::forbidden());
    }
    let now = Utc::now();
    let mut errors = Vec::new();
    let people: HashMap<Uuid, user::Model> = user::Entity::find()
        .filter(user::Column::TenantId.eq(p.tenant_id))
        .filter(user::Column::Id.is_in([delegator, body.delegate_id]))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    if !people.contains_key(&delegator) {
        errors.push(field(
            "delegator_id",
            "delegation.unknown_user",
            "委托人不存在",
            "No such delegator",
        ));
    }
    match people.get(&body.delegate_id) {
        _ if body.delegate_id == delegator => errors.push(field(
            "delegate_id",
            "delegation.self",
            "不能委托给自己",
            "You cannot delegate to yourself",
        )),
        None => errors.push(field(
            "delegate_id",
            "delegation.unknown_user",
            "受托人不存在",
            "No such stand-in",
        )),
        Some(u) if u.status != "active" => errors.push(field(
            "delegate_id",
            "delegation.inactive_user",
            "受托人账号已停用",
            "The stand-in's account is not active",
        )),
        Some(_) => {}
    }
    if body.ends_at <= body.starts_at {
        errors.push(field(
            "ends_at",
            "delegation.bad_period",
            "结束时间须晚于开始时间",
            "The end must be after the start",
        ));
    } else if body.ends_at <= now {
        errors.push(field(
            "ends_at",
            "delegation.ended",
            "结束时间已过",
            "The end is in the past",
        ));
    } else if body.ends_at - body.starts_at > Duration::days(MAX_DAYS) {
        errors.push(field(
            "ends_at",
            "delegation.too_long",
            "委托期限最长一年",
            "A delegation lasts at most a year",
        ));
    }
    if body.reason.chars().count() > 500 {
        errors.push(field(
            "reason",
            "delegation.reason_too_long",
            "原因最多 500 字",
            "The reason is at most 500 characters",
        ));
    }
    let mut templates = body.template_ids.clone();
    if let Some(ids) = &mut templates {
        ids.sort();
        ids.dedup();
        let known = if ids.is_empty() {
            0
        } else {
            flow_template::Entity::find()
                .filter(flow_template::Column::TenantId.eq(p.tenant_id))
                .filter(flow_template::Column::Id.is_in(ids.clone()))
                .count(&app.db)
                .await?
        };
        if ids.is_empty() || known != ids.len() as u64 {
            errors.push(field(
                "template_ids",
                "delegation.unknown_template",
                "请选择存在的流程模板（或不限模板）",
                "Choose existing templates (or leave it for all)",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    // The insert and the checks against the others in one transaction (serialised on SQLite;
    // on PostgreSQL two racing inserts of one person lock the same rows below).
    let txn = app.db.begin().await?;
    let others: Vec<ActiveDelegation> = delegation::Entity::find()
        .filter(delegation::Column::TenantId.eq(p.tenant_id))
        .filter(delegation::Column::CancelledAt.is_null())
        .filter(delegation::Column::EndsAt.gt(now))
        .all(&txn)
        .await?
        .iter()
        .map(ActiveDelegation::from_row)
        .collect();
    let new = ActiveDelegation {
        id: new_id(),
        delegator,
        delegate: body.delegate_id,
        starts_at: body.starts_at.max(now),
        ends_at: body.ends_at,
        templates: templates.clone(),
    };
    let dir_names = |ids: &[Uuid]| names(&app, ids.to_vec());
    if let Some(o) = others
        .iter()
        .find(|o| o.delegator == delegator && o.overlaps(&new))
    {
        let n = dir_names(&[o.delegate]).await?;
        let who = n.get(&o.delegate).cloned().unwrap_or_default();
        return Err(AppError::conflict(
            "delegation.overlap",
            Text::owned(
                format!("此期间已委托给 {who}，请先取消或调整那条委托"),
                format!(
                    "A delegation to {who} already covers this period; cancel or change it first"
                ),
            ),
        )
        .with_details(serde_json::json!({ "delegation_id": o.id })));
    }
    if let Some(chain) = loop_through(&others, &new) {
        let n = dir_names(&chain).await?;
        let path = chain
            .iter()
            .map(|u| n.get(u).cloned().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" → ");
        return Err(AppError::conflict(
            "delegation.loop",
            Text::owned(
                format!("委托会形成循环（{path}），没有人能办理这些待办"),
                format!(
                    "This would make a loop ({path}): nobody would be left to handle the tasks"
                ),
            ),
        )
        .with_details(serde_json::json!({ "chain": chain })));
    }
    let row = delegation::ActiveModel {
        id: Set(new.id),
        tenant_id: Set(p.tenant_id),
        delegator_id: Set(delegator),
        delegate_id: Set(body.delegate_id),
        starts_at: Set(body.starts_at),
        ends_at: Set(body.ends_at),
        template_ids: Set(templates.as_ref().map(|t| serde_json::json!(t))),
        reason: Set(body.reason.trim().to_string()),
        move_open: Set(body.move_open_tasks),
        created_by: Set(p.user_id),
        created_at: Set(now),
        cancelled_at: Set(None),
        cancelled_by: Set(None),
    };
    let m = delegation::Entity::insert(row)
        .exec_with_returning(&txn)
        .await?;
    let n = names(&app, [delegator, body.delegate_id]).await?;
    let (from, to) = (
        n.get(&delegator).cloned().unwrap_or_default(),
        n.get(&body.delegate_id).cloned().unwrap_or_default(),
    );
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "delegation.create",
            "delegation",
            Some(m.id),
            format!(
                "{from} 委托 {to} 代办（{} 至 {}）",
                body.starts_at.format("%Y-%m-%d %H:%M"),
                body.ends_at.format("%Y-%m-%d %H:%M")
            ),
        ),
    )
    .await?;
    // told at the start (moving open tasks if asked) and at the end
    for (kind, at, key) in [
        (KIND_START, new.starts_at, start_key(m.id)),
        (KIND_END, body.ends_at, end_key(m.id)),
    ] {
        jobs::enqueue(
            &txn,
            NewJob::new(
                p.tenant_id,
                kind,
                serde_json::json!({ "delegation_id": m.id }),
            )
            .at(at)
            .dedupe(key),
        )
        .await?;
    }
    txn.commit().await?;
    app.directory_changed();
    app.wake_jobs();
    let view = views(&app, p.tenant_id, vec![m]).await?.remove(0);
    Ok((axum::http::StatusCode::CREATED, axum::Json(view)))
}

fn start_key(id: Uuid) -> String {
    format!("{KIND_START}:{id}")
}

fn end_key(id: Uuid) -> String {
    format!("{KIND_END}:{id}")
}

/// The chain from the new delegation's stand-in back to its delegator through delegations that
/// overlap it, if there is one: `[delegator, delegate, …, delegator]`.
fn loop_through(others: &[ActiveDelegation], new: &ActiveDelegation) -> Option<Vec<Uuid>> {
    let mut chain = vec![new.delegator, new.delegate];
    let mut current = new.delegate;
    for _ in 0..=MAX_CHAIN {
        let next = others
            .iter()
            .find(|o| o.delegator == current && o.overlaps(new))?
            .delegate;
        chain.push(next);
        if next == new.delegator {
            return Some(chain);
        }
        if chain[..chain.len() - 1].contains(&next) {
            return None;
        }
        current = next;
    }
    None
}

/// Cancels a delegation (the delegator, whoever created it, or HR). Tasks already with the
/// stand-in stay there; new ones go to the delegator again.
#[utoipa::path(post, path = "/api/v1/delegations/{id}/cancel", tag = "flow", operation_id = "cancel_delegation",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DelegationView), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn cancel(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<DelegationView>> {
    let txn = app.db.begin().await?;
    let d = delegation::Entity::find_by_id(id)
        .filter(delegation::Column::TenantId.eq(p.tenant_id))
        .one(&txn)
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                "delegation.not_found",
                Text::fixed("委托不存在", "No such delegation"),
            )
        })?;
    let may = d.delegator_id == p.user_id || d.created_by == p.user_id || p.has(Perm::UserWrite);
    if !may {
        // the stand-in may see it, but not cancel it; others may not know it exists
        return Err(if d.delegate_id == p.user_id {
            AppError::forbidden()
        } else {
            AppError::not_found(
                "delegation.not_found",
                Text::fixed("委托不存在", "No such delegation"),
            )
        });
    }
    let now = Utc::now();
    if d.cancelled_at.is_some() || d.ends_at <= now {
        return Err(AppError::conflict(
            "delegation.over",
            Text::fixed(
                "该委托已结束或已取消",
                "This delegation has ended or was cancelled",
            ),
        ));
    }
    delegation::Entity::update_many()
        .col_expr(delegation::Column::CancelledAt, Expr::value(now))
        .col_expr(delegation::Column::CancelledBy, Expr::value(p.user_id))
        .filter(delegation::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    for key in [start_key(id), end_key(id)] {
        txn.execute_raw(jobs::cancel_statement(
            txn.get_database_backend(),
            p.tenant_id,
            &key,
        ))
        .await?;
    }
    audit::record(
        &txn,
        &(&p).into(),
        Change::new(
            "delegation.cancel",
            "delegation",
            Some(id),
            "取消委托".to_string(),
        ),
    )
    .await?;
    let m = delegation::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("delegation vanished"))?;
    txn.commit().await?;
    app.directory_changed();
    Ok(axum::Json(
        views(&app, p.tenant_id, vec![m]).await?.remove(0),
    ))
}

/// Who the on-behalf list is for.
#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct OnBehalfFilter {
    /// Default: me. Someone else's needs user.write (HR).
    pub user_id: Option<Uuid>,
}

/// A task a stand-in held for someone.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnBehalfTask {
    pub task_id: Uuid,
    pub instance_id: Uuid,
    pub title: String,
    pub serial_no: Option<String>,
    pub node_name: String,
    /// The stand-in.
    pub holder_id: Uuid,
    pub holder_name: Option<String>,
    /// `open` or `closed`.
    pub state: String,
    /// How it closed: `completed`, `cancelled`, `reassigned`.
    pub close_reason: Option<String>,
    /// The stance the stand-in took, when they decided.
    pub stance: Option<String>,
    pub opinion: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// Everything stand-ins held and did for me (代我办理), newest first.
#[utoipa::path(get, path = "/api/v1/delegations/on-behalf", tag = "flow", operation_id = "delegations_on_behalf", params(OnBehalfFilter, PageQuery),
    responses((status = 200, body = Page<OnBehalfTask>), (status = 403, body = crate::error::ErrorBody)))]
async fn on_behalf(
    State(app): State<App>,
    Authenticated(p): Authenticated,
    Query(f): Query<OnBehalfFilter>,
    Query(pq): Query<PageQuery>,
) -> AppResult<axum::Json<Page<OnBehalfTask>>> {
    use crate::entities::flow_history;
    pq.resolve()?;
    let principal = f.user_id.unwrap_or(p.user_id);
    if principal != p.user_id && !p.has(Perm::UserWrite) {
        return Err(AppError::forbidden());
    }
    let q = flow_task::Entity::find()
        .filter(flow_task::Column::TenantId.eq(p.tenant_id))
        .filter(flow_task::Column::PrincipalId.eq(principal))
        .order_by_desc(flow_task::Column::OpenedAt)
        .order_by_desc(flow_task::Column::Id);
    let mut found = pq.fetch(&app.db, q).await?;
    let tasks = std::mem::take(&mut found.items);
    let instance_ids: Vec<Uuid> = tasks.iter().map(|t| t.instance_id).collect();
    let instances =
        super::instances::instance_titles(&app.db, Some(p.tenant_id), instance_ids.iter().copied())
            .await?;
    // The decisions recorded "代 X 办理" on those instances.
    let decisions: Vec<flow_history::Model> = if instance_ids.is_empty() {
        Vec::new()
    } else {
        flow_history::Entity::find()
            .filter(flow_history::Column::TenantId.eq(p.tenant_id))
            .filter(flow_history::Column::InstanceId.is_in(instance_ids))
            .filter(flow_history::Column::ActingForId.eq(principal))
            .filter(flow_history::Column::Action.eq("decided"))
            .all(&app.db)
            .await?
    };
    let holders = names(&app, tasks.iter().map(|t| t.assignee_id)).await?;
    let items = tasks
        .into_iter()
        .map(|t| {
            let decision = decisions
                .iter()
                .find(|h| h.instance_id == t.instance_id && h.task_no == Some(t.task_no));
            let inst = instances.get(&t.instance_id);
            OnBehalfTask {
                task_id: t.id,
                instance_id: t.instance_id,
                title: inst.map(|i| i.0.clone()).unwrap_or_default(),
                serial_no: inst.and_then(|i| i.1.clone()),
                node_name: t.node_name,
                holder_name: holders.get(&t.assignee_id).cloned(),
                holder_id: t.assignee_id,
                state: t.state,
                close_reason: t.close_reason,
                stance: decision.and_then(|d| d.stance.clone()),
                opinion: decision.and_then(|d| d.opinion.clone()),
                opened_at: t.opened_at,
                closed_at: t.closed_at,
            }
        })
        .collect();
    Ok(axum::Json(found.with_items(items)))
}

/// Runs a delegation's start: both people are told, and with "move open tasks" each open task
/// of the delegator on the covered templates goes to the stand-in through the engine.
pub async fn start_job(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    let id = jobs::payload_id(j, "delegation_id")?;
    let retry = |e: DbErr| JobFailure::retry(e.to_string());
    let Some(d) = delegation::Entity::find_by_id(id)
        .filter(delegation::Column::TenantId.eq(j.tenant_id))
        .one(&app.db)
        .await
        .map_err(retry)?
    else {
        return Ok(());
    };
    let now = Utc::now();
    if d.cancelled_at.is_some() || d.ends_at <= now {
        return Ok(());
    }
    let mut moved: u32 = 0;
    if d.move_open {
        let mut q = flow_task::Entity::find()
            .filter(flow_task::Column::TenantId.eq(j.tenant_id))
            .filter(flow_task::Column::AssigneeId.eq(d.delegator_id))
            .filter(flow_task::Column::State.eq("open"))
            .filter(flow_task::Column::PrincipalId.is_null())
            .filter(flow_task::Column::DelegatedBy.is_null());
        if let Some(ids) = template_list(&d) {
            q = q.filter(flow_task::Column::TemplateId.is_in(ids));
        }
        let tasks = q.all(&app.db).await.map_err(retry)?;
        for t in tasks {
            let task = engine::TaskId(t.task_no as u32);
            match service::act(
                app,
                &super::timers::system(j.tenant_id),
                Target::Instance(t.instance_id),
                |_, _| Ok(engine::Action::HandToStandIn { task }),
            )
            .await
            {
                Ok(_) => moved += 1,
                // finished, closed meanwhile, or nobody stands in (the chain loops): skip it
                Err(e)
                    if matches!(
                        e.code,
                        "flow.refused"
                            | "flow.instance_finished"
                            | "flow.instance_not_found"
                            | "flow.task_closed"
                    ) => {}
                Err(e) => {
                    return Err(JobFailure::retry(format!(
                        "{}: {}",
                        e.code,
                        e.text.get(crate::i18n::Lang::En)
                    )));
                }
            }
        }
    }
    tell(app, &d, "delegation_started", moved).await
}

/// Tells the delegator and the stand-in (by id and name) that the delegation started or ended.
async fn tell(
    app: &App,
    d: &delegation::Model,
    kind: &'static str,
    moved: u32,
) -> Result<(), JobFailure> {
    let who = names(app, [d.delegator_id, d.delegate_id])
        .await
        .map_err(|e| JobFailure::retry(e.code.to_string()))?;
    let data = serde_json::json!({
        "delegation_id": d.id,
        "delegator_id": d.delegator_id,
        "delegator_name": who.get(&d.delegator_id),
        "delegate_id": d.delegate_id,
        "delegate_name": who.get(&d.delegate_id),
        "starts_at": d.starts_at,
        "ends_at": d.ends_at,
        "moved_tasks": moved,
    });
    notifications::send(
        &app.db,
        [d.delegator_id, d.delegate_id]
            .into_iter()
            .map(|user| Notice {
                tenant: d.tenant_id,
                user,
                kind,
                instance: None,
                task_no: None,
                data: data.clone(),
            })
            .collect(),
    )
    .await
    .map_err(|e| JobFailure::retry(e.code.to_string()))?;
    app.live.wake();
    Ok(())
}

/// Runs a delegation's end: both people are told (new tasks come to the delegator again by
/// themselves; nothing moves back).
pub async fn end_job(app: &App, j: &job::Model) -> Result<(), JobFailure> {
    let id = jobs::payload_id(j, "delegation_id")?;
    let d = delegation::Entity::find_by_id(id)
        .filter(delegation::Column::TenantId.eq(j.tenant_id))
        .one(&app.db)
        .await
        .map_err(|e| JobFailure::retry(e.to_string()))?;
    match d {
        Some(d) if d.cancelled_at.is_none() => tell(app, &d, "delegation_ended", 0).await,
        _ => Ok(()),
    }
}
