//! Companies, departments, posts and the role catalogue.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::double_option;
use super::validate;
use crate::app::App;
use crate::audit::{self, Change};
use crate::auth::access::{Authorized, OrgRead, OrgWrite, Role};
use crate::auth::extract::Authenticated;
use crate::entities::{company, department, post, user, user_part_time};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::http::extract::{Json, Path};
use crate::ids::new_id;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_companies, create_company))
        .routes(routes!(update_company, delete_company))
        .routes(routes!(list_departments, create_department))
        .routes(routes!(update_department, delete_department))
        .routes(routes!(list_posts, create_post))
        .routes(routes!(update_post, delete_post))
        .routes(routes!(list_roles))
}

// ---------------------------------------------------------------- companies

/// A company: the head company (hq), a subsidiary or a holding.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyView {
    pub id: Uuid,
    pub name: String,
    /// `hq`, `subsidiary` or `holding`.
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub sort_order: i32,
}

impl From<company::Model> for CompanyView {
    fn from(c: company::Model) -> Self {
        CompanyView {
            id: c.id,
            name: c.name,
            kind: c.kind,
            parent_id: c.parent_id,
            sort_order: c.sort_order,
        }
    }
}

/// New company.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCompany {
    pub name: String,
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub sort_order: Option<i32>,
}

/// Company changes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCompany {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub sort_order: Option<i32>,
}

fn check_kind(kind: &str, errors: &mut Vec<FieldError>) {
    if !["hq", "subsidiary", "holding"].contains(&kind) {
        errors.push(FieldError::new(
            "kind",
            "company.kind",
            Text::fixed(
                "类型须为 hq、subsidiary 或 holding",
                "Kind must be hq, subsidiary or holding",
            ),
        ));
    }
}

fn company_not_found() -> AppError {
    AppError::not_found(
        "org.company_not_found",
        Text::fixed("公司不存在", "No such company"),
    )
}

async fn company_in(app: &App, tenant: Uuid, id: Uuid) -> AppResult<company::Model> {
    company::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|c| c.tenant_id == tenant)
        .ok_or_else(company_not_found)
}

/// Companies of the tenant.
#[utoipa::path(get, path = "/api/v1/companies", tag = "org", responses((status = 200, body = Vec<CompanyView>)))]
async fn list_companies(
    State(app): State<App>,
    who: Authorized<OrgRead>,
) -> AppResult<axum::Json<Vec<CompanyView>>> {
    let rows = company::Entity::find()
        .filter(company::Column::TenantId.eq(who.tenant_id))
        .order_by_asc(company::Column::SortOrder)
        .order_by_asc(company::Column::Name)
        .all(&app.db)
        .await?;
    Ok(axum::Json(rows.into_iter().map(Into::into).collect()))
}

/// Creates a subsidiary or holding company.
#[utoipa::path(post, path = "/api/v1/companies", tag = "org", request_body = CreateCompany,
    responses((status = 200, body = CompanyView), (status = 422, body = crate::error::ErrorBody)))]
async fn create_company(
    State(app): State<App>,
    who: Authorized<OrgWrite>,
    Json(req): Json<CreateCompany>,
) -> AppResult<axum::Json<CompanyView>> {
    let mut errors = Vec::new();
    let name = validate::name("name", &req.name, &mut errors);
    check_kind(&req.kind, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    if let Some(p) = req.parent_id {
        company_in(&app, who.tenant_id, p).await?;
    }
    let txn = app.db.begin().await?;
    let c = company::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(who.tenant_id),
        parent_id: Set(req.parent_id),
        name: Set(name.clone()),
        kind: Set(req.kind.clone()),
        sort_order: Set(req.sort_order.unwrap_or(0)),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "company.create",
            "company",
            Some(c.id),
            format!("创建公司「{name}」"),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(c.into()))
}

/// Renames or re-classifies a company.
#[utoipa::path(patch, path = "/api/v1/companies/{id}", tag = "org", params(("id" = Uuid, Path)), request_body = UpdateCompany,
    responses((status = 200, body = CompanyView), (status = 404, body = crate::error::ErrorBody)))]
async fn update_company(
    State(app): State<App>,
    who: Authorized<OrgWrite>,
    Path(id): Path<Uuid>,
    Json(req): Json<UpdateCompany>,
) -> AppResult<axum::Json<CompanyView>> {
    let mut errors = Vec::new();
    let name = req
        .name
        .as_deref()
        .map(|n| validate::name("name", n, &mut errors));
    if let Some(k) = &req.kind {
        check_kind(k, &mut errors);
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let c = company_in(&app, who.tenant_id, id).await?;
    let before = serde_json::json!({"name": c.name, "kind": c.kind, "sort_order": c.sort_order});
    let mut am: company::ActiveModel = c.into();
    if let Some(n) = name {
        am.name = Set(n);
    }
    if let Some(k) = req.kind {
        am.kind = Set(k);
    }
    if let Some(s) = req.sort_order {
        am.sort_order = Set(s);
    }
    let txn = app.db.begin().await?;
    let c = am.update(&txn).await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "company.update",
            "company",
            Some(id),
            format!("修改公司「{}」", c.name),
        )
        .before(before)
        .after(serde_json::json!({"name": c.name, "kind": c.kind, "sort_order": c.sort_order})),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(c.into()))
}

/// Deletes a company with no departments, posts or subsidiaries; the head company stays.
#[utoipa::path(delete, path = "/api/v1/companies/{id}", tag = "org", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 409, body = crate::error::ErrorBody, description = "org.company_not_empty or org.company_is_hq")))]
async fn delete_company(
    State(app): State<App>,
    who: Authorized<OrgWrite>,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    let c = company_in(&app, who.tenant_id, id).await?;
    if c.kind == "hq" {
        return Err(AppError::conflict(
            "org.company_is_hq",
            Text::fixed("总部公司不能删除", "The head company cannot be deleted"),
        ));
    }
    let depts = department::Entity::find()
        .filter(department::Column::CompanyId.eq(id))
        .count(&app.db)
        .await?;
    let posts = post::Entity::find()
        .filter(post::Column::CompanyId.eq(id))
        .count(&app.db)
        .await?;
    let subs = company::Entity::find()
        .filter(company::Column::ParentId.eq(id))
        .count(&app.db)
        .await?;
    if depts + posts + subs > 0 {
        return Err(AppError::conflict(
            "org.company_not_empty",
            Text::owned(
                format!(
                    "公司「{}」下还有 {depts} 个部门、{posts} 个岗位和 {subs} 家下属公司，不能删除",
                    c.name
                ),
                format!(
                    "Company \"{}\" still has {depts} departments, {posts} posts and {subs} subsidiaries",
                    c.name
                ),
            ),
        ));
    }
    let txn = app.db.begin().await?;
    company::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "company.delete",
            "company",
            Some(id),
            format!("删除公司「{}」", c.name),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- departments

/// A department (the UI builds the tree from `parent_id`).
#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentView {
    pub id: Uuid,
    pub company_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub sort_order: i32,
    pub head_user_id: Option<Uuid>,
    pub head_name: Option<String>,
    pub leader_user_id: Option<Uuid>,
    pub leader_name: Option<String>,
    /// People whose primary department this is.
    pub member_count: u64,
    pub updated_at: DateTime<Utc>,
}

/// New department.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDepartment {
    pub company_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub sort_order: Option<i32>,
}

/// Department changes; `null` clears head, leader or parent.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct UpdateDepartment {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    pub sort_order: Option<i32>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub head_user_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub leader_user_id: Option<Option<Uuid>>,
}

fn dept_not_found() -> AppError {
    AppError::not_found(
        "org.department_not_found",
        Text::fixed("部门不存在", "No such department"),
    )
}

pub(crate) async fn department_in(
    app: &App,
    tenant: Uuid,
    id: Uuid,
) -> AppResult<department::Model> {
    department::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|d| d.tenant_id == tenant)
        .ok_or_else(dept_not_found)
}

async fn user_field(app: &App, tenant: Uuid, id: Uuid, field: &str) -> AppResult<user::Model> {
    user::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|u| u.tenant_id == tenant)
        .ok_or_else(|| {
            AppError::invalid_field(
                field,
                "org.user_not_found",
                Text::fixed("所选人员不存在", "The chosen person does not exist"),
            )
        })
}

async fn department_views(
    app: &App,
    tenant: Uuid,
    rows: Vec<department::Model>,
) -> AppResult<Vec<DepartmentView>> {
    let people: HashSet<Uuid> = rows
        .iter()
        .flat_map(|d| [d.head_user_id, d.leader_user_id])
        .flatten()
        .collect();
    let names: HashMap<Uuid, String> = if people.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .filter(user::Column::TenantId.eq(tenant))
            .filter(user::Column::Id.is_in(people))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    };
    let counts: Vec<(Uuid, i64)> = user::Entity::find()
        .select_only()
        .column(user::Column::DepartmentId)
        .column_as(user::Column::Id.count(), "n")
        .filter(user::Column::TenantId.eq(tenant))
        .filter(user::Column::Status.eq("active"))
        .group_by(user::Column::DepartmentId)
        .into_tuple()
        .all(&app.db)
        .await?;
    let counts: HashMap<Uuid, i64> = counts.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|d| DepartmentView {
            head_name: d.head_user_id.and_then(|h| names.get(&h).cloned()),
            leader_name: d.leader_user_id.and_then(|h| names.get(&h).cloned()),
            member_count: counts.get(&d.id).copied().unwrap_or(0) as u64,
            id: d.id,
            company_id: d.company_id,
            parent_id: d.parent_id,
            name: d.name,
            sort_order: d.sort_order,
            head_user_id: d.head_user_id,
            leader_user_id: d.leader_user_id,
            updated_at: d.updated_at,
        })
        .collect())
}

/// All departments of the tenant, flat, in display order.
#[utoipa::path(get, path = "/api/v1/departments", tag = "org", responses((status = 200, body = Vec<DepartmentView>)))]
async fn list_departments(
    State(app): State<App>,
    who: Authorized<OrgRead>,
) -> AppResult<axum::Json<Vec<DepartmentView>>> {
    let rows = department::Entity::find()
        .filter(department::Column::TenantId.eq(who.tenant_id))
        .order_by_asc(department::Column::SortOrder)
        .order_by_asc(department::Column::Name)
        .all(&app.db)
        .await?;
    Ok(axum::Json(
        department_views(&app, who.tenant_id, rows).await?,
    ))
}

fn sibling_name_taken() -> AppError {
    AppError::conflict(
        "org.department_name_taken",
        Text::fixed(
            "同级部门中已有同名部门",
            "A sibling department already has this name",
        ),
    )
}

async fn name_taken(
    app: &App,
    tenant: Uuid,
    company: Uuid,
    parent: Option<Uuid>,
    name: &str,
    except: Option<Uuid>,
) -> AppResult<bool> {
    let mut q = department::Entity::find()
        .filter(department::Column::TenantId.eq(tenant))
        .filter(department::Column::CompanyId.eq(company))
        .filter(department::Column::Name.eq(name));
    q = match parent {
        Some(p) => q.filter(department::Column::ParentId.eq(p)),
        None => q.filter(department::Column::ParentId.is_null()),
    };
    if let Some(e) = except {
        q = q.filter(department::Column::Id.ne(e));
    }
    Ok(q.count(&app.db).await? > 0)
}

/// Creates a department.
#[utoipa::path(post, path = "/api/v1/departments", tag = "org", request_body = CreateDepartment,
    responses((status = 200, body = DepartmentView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_department(
    State(app): State<App>,
    who: Authorized<OrgWrite>,
    Json(req): Json<CreateDepartment>,
) -> AppResult<axum::Json<DepartmentView>> {
    let mut errors = Vec::new();
    let name = validate::name("name", &req.name, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    company_in(&app, who.tenant_id, req.company_id).await?;
    if let Some(p) = req.parent_id {
        let parent = department_in(&app, who.tenant_id, p).await?;
        if parent.company_id != req.company_id {
            return Err(AppError::invalid_field(
                "parent_id",
                "org.parent_other_company",
                Text::fixed(
                    "上级部门属于另一家公司",
                    "The parent department belongs to another company",
                ),
            ));
        }
    }
    if name_taken(
        &app,
        who.tenant_id,
        req.company_id,
        req.parent_id,
        &name,
        None,
    )
    .await?
    {
        return Err(sibling_name_taken());
    }
    let now = Utc::now();
    let txn = app.db.begin().await?;
    let d = department::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(who.tenant_id),
        company_id: Set(req.company_id),
        parent_id: Set(req.parent_id),
        name: Set(name.clone()),
        sort_order: Set(req.sort_order.unwrap_or(0)),
        head_user_id: Set(None),
        leader_user_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "department.create",
            "department",
            Some(d.id),
            format!("创建部门「{name}」"),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(
        department_views(&app, who.tenant_id, vec![d])
            .await?
            .remove(0),
    ))
}

fn dept_json(d: &department::Model) -> serde_json::Value {
    serde_json::json!({"name": d.name, "parent_id": d.parent_id, "sort_order": d.sort_order,
        "head_user_id": d.head_user_id, "leader_user_id": d.leader_user_id})
}

/// Renames, moves (parent and order), or sets the head and leader in charge of a department.
#[utoipa::path(patch, path = "/api/v1/departments/{id}", tag = "org", params(("id" = Uuid, Path)), request_body = UpdateDepartment,
    responses((status = 200, body = DepartmentView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_department(
    State(app): State<App>,
    who: Authorized<OrgWrite>,
    Path(id): Path<Uuid>,
    Json(req): Json<UpdateDepartment>,
) -> AppResult<axum::Json<DepartmentView>> {
    let mut errors = Vec::new();
    let name = req
        .name
        .as_deref()
        .map(|n| validate::name("name", n, &mut errors));
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let d = department_in(&app, who.tenant_id, id).await?;
    let before = dept_json(&d);
    let new_parent = req.parent_id.unwrap_or(d.parent_id);
    if let Some(p) = new_parent.filter(|p| Some(*p) != d.parent_id) {
        let parent = department_in(&app, who.tenant_id, p).await?;
        if parent.company_id != d.company_id {
            return Err(AppError::invalid_field(
                "parent_id",
                "org.parent_other_company",
                Text::fixed(
                    "上级部门属于另一家公司",
                    "The parent department belongs to another company",
                ),
            ));
        }
        // Moving under itself or a descendant would cut the subtree off the tree.
        let snapshot = super::directory::OrgSnapshot::load(&app.db, who.tenant_id).await?;
        if snapshot.department_and_descendants(id, true).contains(&p) {
            return Err(AppError::invalid_field(
                "parent_id",
                "org.department_cycle",
                Text::fixed(
                    "不能把部门移到它自己或其下级部门之下",
                    "A department cannot move under itself or its own sub-department",
                ),
            ));
        }
    }
    let final_name = name.clone().unwrap_or_else(|| d.name.clone());
    if (name.is_some() || req.parent_id.is_some())
        && name_taken(
            &app,
            who.tenant_id,
            d.company_id,
            new_parent,
            &final_name,
            Some(id),
        )
        .await?
    {
        return Err(sibling_name_taken());
    }
    if let Some(Some(h)) = req.head_user_id {
        user_field(&app, who.tenant_id, h, "head_user_id").await?;
    }
    if let Some(Some(l)) = req.leader_user_id {
        user_field(&app, who.tenant_id, l, "leader_user_id").await?;
    }
    let mut am: department::ActiveModel = d.into();
    if let Some(n) = name {
        am.name = Set(n);
    }
    if let Some(p) = req.parent_id {
        am.parent_id = Set(p);
    }
    if let Some(s) = req.sort_order {
        am.sort_order = Set(s);
    }
    if let Some(h) = req.head_user_id {
        am.head_user_id = Set(h);
    }
    if let Some(l) = req.leader_user_id {
        am.leader_user_id = Set(l);
    }
    am.updated_at = Set(Utc::now());
    let txn = app.db.begin().await?;
    let d = am.update(&txn).await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "department.update",
            "department",
            Some(id),
            format!("修改部门「{}」", d.name),
        )
        .before(before)
        .after(dept_json(&d)),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(
        department_views(&app, who.tenant_id, vec![d])
            .await?
            .remove(0),
    ))
}

/// Deletes an empty department (no members, no part-time posts, no sub-departments).
#[utoipa::path(delete, path = "/api/v1/departments/{id}", tag = "org", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 409, body = crate::error::ErrorBody, description = "org.department_not_empty")))]
async fn delete_department(
    State(app): State<App>,
    who: Authorized<OrgWrite>,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    let d = department_in(&app, who.tenant_id, id).await?;
    let members = user::Entity::find()
        .filter(user::Column::DepartmentId.eq(id))
        .count(&app.db)
        .await?;
    let part_time = user_part_time::Entity::find()
        .filter(user_part_time::Column::DepartmentId.eq(id))
        .count(&app.db)
        .await?;
    let children = department::Entity::find()
        .filter(department::Column::ParentId.eq(id))
        .count(&app.db)
        .await?;
    if members + part_time + children > 0 {
        return Err(AppError::conflict(
            "org.department_not_empty",
            Text::owned(
                format!("部门「{}」下还有 {} 名人员、{} 个兼职岗位和 {} 个下级部门，请先移走后再删除", d.name, members, part_time, children),
                format!("Department \"{}\" still has {} members, {} part-time posts and {} sub-departments; move them first", d.name, members, part_time, children),
            ),
        )
        .with_details(serde_json::json!({"members": members, "part_time": part_time, "children": children})));
    }
    let txn = app.db.begin().await?;
    let before = dept_json(&d);
    department::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "department.delete",
            "department",
            Some(id),
            format!("删除部门「{}」", d.name),
        )
        .before(before),
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- posts

/// A post (岗位) with a rank (higher is more senior).
#[derive(Debug, Serialize, ToSchema)]
pub struct PostView {
    pub id: Uuid,
    pub name: String,
    pub rank: i32,
    pub company_id: Option<Uuid>,
}

impl From<post::Model> for PostView {
    fn from(p: post::Model) -> Self {
        PostView {
            id: p.id,
            name: p.name,
            rank: p.rank,
            company_id: p.company_id,
        }
    }
}

/// New post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePost {
    pub name: String,
    pub rank: i32,
    pub company_id: Option<Uuid>,
}

/// Post changes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePost {
    pub name: Option<String>,
    pub rank: Option<i32>,
}

fn post_not_found() -> AppError {
    AppError::not_found(
        "org.post_not_found",
        Text::fixed("岗位不存在", "No such post"),
    )
}

fn check_rank(rank: i32, errors: &mut Vec<FieldError>) {
    if !(0..=100).contains(&rank) {
        errors.push(FieldError::new(
            "rank",
            "post.rank",
            Text::fixed("职级须在 0–100 之间", "Rank must be 0–100"),
        ));
    }
}

/// Posts of the tenant, most senior first.
#[utoipa::path(get, path = "/api/v1/posts", tag = "org", responses((status = 200, body = Vec<PostView>)))]
async fn list_posts(
    State(app): State<App>,
    who: Authorized<OrgRead>,
) -> AppResult<axum::Json<Vec<PostView>>> {
    let rows = post::Entity::find()
        .filter(post::Column::TenantId.eq(who.tenant_id))
        .order_by_desc(post::Column::Rank)
        .order_by_asc(post::Column::Name)
        .all(&app.db)
        .await?;
    Ok(axum::Json(rows.into_iter().map(Into::into).collect()))
}

/// Creates a post.
#[utoipa::path(post, path = "/api/v1/posts", tag = "org", request_body = CreatePost,
    responses((status = 200, body = PostView), (status = 422, body = crate::error::ErrorBody)))]
async fn create_post(
    State(app): State<App>,
    who: Authorized<OrgWrite>,
    Json(req): Json<CreatePost>,
) -> AppResult<axum::Json<PostView>> {
    let mut errors = Vec::new();
    let name = validate::name("name", &req.name, &mut errors);
    check_rank(req.rank, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    if let Some(c) = req.company_id {
        company_in(&app, who.tenant_id, c).await?;
    }
    let txn = app.db.begin().await?;
    let p = post::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(who.tenant_id),
        company_id: Set(req.company_id),
        name: Set(name.clone()),
        rank: Set(req.rank),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "post.create",
            "post",
            Some(p.id),
            format!("创建岗位「{name}」"),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(p.into()))
}

/// Renames a post or changes its rank.
#[utoipa::path(patch, path = "/api/v1/posts/{id}", tag = "org", params(("id" = Uuid, Path)), request_body = UpdatePost,
    responses((status = 200, body = PostView), (status = 404, body = crate::error::ErrorBody)))]
async fn update_post(
    State(app): State<App>,
    who: Authorized<OrgWrite>,
    Path(id): Path<Uuid>,
    Json(req): Json<UpdatePost>,
) -> AppResult<axum::Json<PostView>> {
    let mut errors = Vec::new();
    let name = req
        .name
        .as_deref()
        .map(|n| validate::name("name", n, &mut errors));
    if let Some(r) = req.rank {
        check_rank(r, &mut errors);
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let p = post::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|p| p.tenant_id == who.tenant_id)
        .ok_or_else(post_not_found)?;
    let before = serde_json::json!({"name": p.name, "rank": p.rank});
    let mut am: post::ActiveModel = p.into();
    if let Some(n) = name {
        am.name = Set(n);
    }
    if let Some(r) = req.rank {
        am.rank = Set(r);
    }
    let txn = app.db.begin().await?;
    let p = am.update(&txn).await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "post.update",
            "post",
            Some(id),
            format!("修改岗位「{}」", p.name),
        )
        .before(before)
        .after(serde_json::json!({"name": p.name, "rank": p.rank})),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(p.into()))
}

/// Deletes a post nobody holds.
#[utoipa::path(delete, path = "/api/v1/posts/{id}", tag = "org", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 409, body = crate::error::ErrorBody)))]
async fn delete_post(
    State(app): State<App>,
    who: Authorized<OrgWrite>,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    let p = post::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|p| p.tenant_id == who.tenant_id)
        .ok_or_else(post_not_found)?;
    let holders = user::Entity::find()
        .filter(user::Column::PostId.eq(id))
        .count(&app.db)
        .await?
        + user_part_time::Entity::find()
            .filter(user_part_time::Column::PostId.eq(id))
            .count(&app.db)
            .await?;
    if holders > 0 {
        return Err(AppError::conflict(
            "org.post_in_use",
            Text::owned(
                format!("岗位「{}」仍有 {holders} 人担任，不能删除", p.name),
                format!("Post \"{}\" is still held by {holders} people", p.name),
            ),
        ));
    }
    let txn = app.db.begin().await?;
    post::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "post.delete",
            "post",
            Some(id),
            format!("删除岗位「{}」", p.name),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- roles

/// A built-in role.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleView {
    pub key: Role,
    pub name: String,
    pub permissions: Vec<crate::auth::access::Perm>,
}

/// The built-in roles and what they allow.
#[utoipa::path(get, path = "/api/v1/roles", tag = "org", responses((status = 200, body = Vec<RoleView>)))]
async fn list_roles(Authenticated(p): Authenticated) -> AppResult<axum::Json<Vec<RoleView>>> {
    Ok(axum::Json(
        Role::ALL
            .into_iter()
            .map(|r| RoleView {
                key: r,
                name: r.name().get(p.ctx.lang).to_string(),
                permissions: crate::auth::access::permissions(&[r]),
            })
            .collect(),
    ))
}

/// Checks that `errors` is empty.
pub(crate) fn ensure_valid(errors: Vec<FieldError>) -> AppResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::validation(errors))
    }
}
