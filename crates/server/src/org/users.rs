//! User accounts: directory, creation, changes, departure (离职) and return, password resets.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::directory::OrgSnapshot;
use super::double_option;
use super::units::ensure_valid;
use super::validate;
use crate::app::App;
use crate::audit::{self, Actor, Change};
use crate::auth::access::{Authorized, Perm, Role, UserRead, UserResetPassword, UserWrite};
use crate::auth::password;
use crate::entities::{
    api_token, department, post, session, user, user_assignment, user_part_time, user_role,
};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::http::extract::{Json, Path, Query};
use crate::http::page::{Page, PageQuery};
use crate::ids::new_id;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
        .routes(routes!(disable_user))
        .routes(routes!(reactivate_user))
        .routes(routes!(reset_password))
        .routes(routes!(supervisors))
}

/// A part-time post (兼职).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PartTime {
    pub department_id: Uuid,
    pub post_id: Option<Uuid>,
}

/// A user as the directory shows them (never any secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// `active` or `disabled` (离职).
    pub status: String,
    pub department_id: Uuid,
    pub department_name: Option<String>,
    pub post_id: Option<Uuid>,
    pub post_name: Option<String>,
    pub post_rank: Option<i32>,
    /// The explicit supervisor, if set.
    pub supervisor_id: Option<Uuid>,
    /// The effective direct supervisor (explicit, else by department heads).
    pub effective_supervisor_id: Option<Uuid>,
    pub supervisor_name: Option<String>,
    pub roles: Vec<Role>,
    pub part_time: Vec<PartTime>,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A user in a short list.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserBrief {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
}

fn user_not_found() -> AppError {
    AppError::not_found(
        "org.user_not_found",
        Text::fixed("用户不存在", "No such user"),
    )
}

async fn user_in(app: &App, tenant: Uuid, id: Uuid) -> AppResult<user::Model> {
    user::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .filter(|u| u.tenant_id == tenant)
        .ok_or_else(user_not_found)
}

async fn views(app: &App, tenant: Uuid, users: Vec<user::Model>) -> AppResult<Vec<UserView>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let snapshot = OrgSnapshot::load(&app.db, tenant).await?;
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let effective: HashMap<Uuid, Option<Uuid>> = ids
        .iter()
        .map(|id| (*id, snapshot.supervisor_of(*id)))
        .collect();
    let dept_ids: HashSet<Uuid> = users.iter().map(|u| u.department_id).collect();
    let depts: HashMap<Uuid, String> = department::Entity::find()
        .filter(department::Column::Id.is_in(dept_ids))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let post_ids: HashSet<Uuid> = users.iter().filter_map(|u| u.post_id).collect();
    let posts: HashMap<Uuid, (String, i32)> = if post_ids.is_empty() {
        HashMap::new()
    } else {
        post::Entity::find()
            .filter(post::Column::Id.is_in(post_ids))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|p| (p.id, (p.name, p.rank)))
            .collect()
    };
    let sup_ids: HashSet<Uuid> = effective.values().flatten().copied().collect();
    let sups: HashMap<Uuid, String> = if sup_ids.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(sup_ids))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    };
    let mut roles: HashMap<Uuid, Vec<Role>> = HashMap::new();
    for r in user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(ids.clone()))
        .all(&app.db)
        .await?
    {
        if let Some(role) = Role::parse(&r.role) {
            roles.entry(r.user_id).or_default().push(role);
        }
    }
    let mut pts: HashMap<Uuid, Vec<PartTime>> = HashMap::new();
    for p in user_part_time::Entity::find()
        .filter(user_part_time::Column::UserId.is_in(ids))
        .all(&app.db)
        .await?
    {
        pts.entry(p.user_id).or_default().push(PartTime {
            department_id: p.department_id,
            post_id: p.post_id,
        });
    }
    Ok(users
        .into_iter()
        .map(|u| {
            let eff = effective.get(&u.id).copied().flatten();
            let mut r = roles.remove(&u.id).unwrap_or_default();
            if !r.contains(&Role::Member) {
                r.push(Role::Member);
            }
            r.sort_by_key(|x| x.key());
            UserView {
                department_name: depts.get(&u.department_id).cloned(),
                post_name: u.post_id.and_then(|p| posts.get(&p).map(|x| x.0.clone())),
                post_rank: u.post_id.and_then(|p| posts.get(&p).map(|x| x.1)),
                effective_supervisor_id: eff,
                supervisor_name: eff.and_then(|s| sups.get(&s).cloned()),
                roles: r,
                part_time: pts.remove(&u.id).unwrap_or_default(),
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                email: u.email,
                phone: u.phone,
                status: u.status,
                department_id: u.department_id,
                post_id: u.post_id,
                supervisor_id: u.supervisor_id,
                must_change_password: u.must_change_password,
                totp_enabled: u.totp_enabled,
                last_login_at: u.last_login_at,
                created_at: u.created_at,
            }
        })
        .collect())
}

/// User list filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// Words in the name, username, phone or e-mail.
    pub q: Option<String>,
    pub department_id: Option<Uuid>,
    /// With `department_id`: include sub-departments (default true).
    pub include_sub: Option<bool>,
    /// `active` or `disabled`.
    pub status: Option<String>,
}

/// The user directory, paginated and searchable.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserFilter, PageQuery),
    responses((status = 200, body = Page<UserView>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_users(
    State(app): State<App>,
    who: Authorized<UserRead>,
    Query(f): Query<UserFilter>,
    Query(pq): Query<PageQuery>,
) -> AppResult<axum::Json<Page<UserView>>> {
    let (page, page_size) = pq.resolve()?;
    let mut c = Condition::all().add(user::Column::TenantId.eq(who.tenant_id));
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if q.chars().count() > 64 {
            return Err(AppError::bad_request(
                "request.invalid_query",
                Text::fixed("搜索词过长", "Search text is too long"),
            ));
        }
        let lower = q.to_lowercase();
        c = c.add(
            Condition::any()
                .add(user::Column::DisplayName.contains(q))
                .add(user::Column::Username.contains(&lower))
                .add(user::Column::Phone.contains(q))
                .add(user::Column::Email.contains(q)),
        );
    }
    if let Some(d) = f.department_id {
        let snapshot = OrgSnapshot::load(&app.db, who.tenant_id).await?;
        if !snapshot.departments.contains_key(&d) {
            return Err(AppError::not_found(
                "org.department_not_found",
                Text::fixed("部门不存在", "No such department"),
            ));
        }
        let depts = snapshot.department_and_descendants(d, f.include_sub.unwrap_or(true));
        let part_timers: Vec<Uuid> = snapshot
            .part_time
            .iter()
            .filter(|(_, pd, _)| depts.contains(pd))
            .map(|(u, _, _)| *u)
            .collect();
        c = c.add(
            Condition::any()
                .add(user::Column::DepartmentId.is_in(depts))
                .add(user::Column::Id.is_in(part_timers)),
        );
    }
    match f.status.as_deref() {
        None | Some("") => {}
        Some(s @ ("active" | "disabled")) => c = c.add(user::Column::Status.eq(s)),
        Some(_) => {
            return Err(AppError::bad_request(
                "request.invalid_query",
                Text::fixed(
                    "status 只能是 active 或 disabled",
                    "status must be active or disabled",
                ),
            ));
        }
    }
    let q = user::Entity::find()
        .filter(c)
        .order_by_asc(user::Column::Username);
    let total = q.clone().count(&app.db).await?;
    let rows = q
        .offset((page - 1) * page_size)
        .limit(page_size)
        .all(&app.db)
        .await?;
    Ok(axum::Json(Page {
        items: views(&app, who.tenant_id, rows).await?,
        total,
        page,
        page_size,
    }))
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = UserView), (status = 404, body = crate::error::ErrorBody)))]
async fn get_user(
    State(app): State<App>,
    who: Authorized<UserRead>,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<UserView>> {
    let u = user_in(&app, who.tenant_id, id).await?;
    Ok(axum::Json(
        views(&app, who.tenant_id, vec![u]).await?.remove(0),
    ))
}

/// Validated data for a new account.
#[derive(Debug, Clone)]
pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    pub department_id: Uuid,
    pub post_id: Option<Uuid>,
    pub supervisor_id: Option<Uuid>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub roles: Vec<Role>,
    pub part_time: Vec<PartTime>,
    pub password_hash: String,
}

/// Inserts a user (with roles, part-time posts and the first assignment row) and audits it.
pub async fn create_user_in<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    actor: &Actor,
    u: CreateUser,
) -> Result<user::Model, DbErr> {
    let now = Utc::now();
    let id = new_id();
    let m = user::ActiveModel {
        id: Set(id),
        tenant_id: Set(tenant),
        username: Set(u.username.clone()),
        display_name: Set(u.display_name.clone()),
        email: Set(u.email),
        phone: Set(u.phone),
        password_hash: Set(u.password_hash),
        must_change_password: Set(true),
        status: Set("active".into()),
        department_id: Set(u.department_id),
        post_id: Set(u.post_id),
        supervisor_id: Set(u.supervisor_id),
        locale: Set("zh-CN".into()),
        totp_secret: Set(None),
        totp_enabled: Set(false),
        failed_logins: Set(0),
        locked_until: Set(None),
        disabled_at: Set(None),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    for r in u.roles.iter().filter(|r| **r != Role::Member) {
        user_role::ActiveModel {
            tenant_id: Set(tenant),
            user_id: Set(id),
            role: Set(r.key().into()),
        }
        .insert(db)
        .await?;
    }
    for p in &u.part_time {
        user_part_time::ActiveModel {
            id: Set(new_id()),
            tenant_id: Set(tenant),
            user_id: Set(id),
            department_id: Set(p.department_id),
            post_id: Set(p.post_id),
        }
        .insert(db)
        .await?;
    }
    user_assignment::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(tenant),
        user_id: Set(id),
        department_id: Set(u.department_id),
        post_id: Set(u.post_id),
        from_at: Set(now),
        to_at: Set(None),
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        actor,
        Change::new("user.create", "user", Some(id), format!("创建账号 {}（{}）", u.username, u.display_name)).after(serde_json::json!({
            "username": u.username, "display_name": u.display_name, "department_id": u.department_id,
            "post_id": u.post_id, "supervisor_id": u.supervisor_id,
            "roles": u.roles.iter().map(|r| r.key()).collect::<Vec<_>>(),
        })),
    )
    .await?;
    Ok(m)
}

/// New account request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    pub username: String,
    pub display_name: String,
    pub department_id: Uuid,
    pub post_id: Option<Uuid>,
    pub supervisor_id: Option<Uuid>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub roles: Option<Vec<Role>>,
    pub part_time: Option<Vec<PartTime>>,
}

/// The new account and its initial password (shown once; it must be changed at first sign-in).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    pub user: UserView,
    pub initial_password: String,
}

async fn check_refs(
    app: &App,
    tenant: Uuid,
    post_id: Option<Uuid>,
    part_time: &[PartTime],
    errors: &mut Vec<FieldError>,
) -> AppResult<()> {
    let mut posts: Vec<Uuid> = post_id.into_iter().collect();
    posts.extend(part_time.iter().filter_map(|p| p.post_id));
    for p in posts {
        if post::Entity::find_by_id(p)
            .one(&app.db)
            .await?
            .filter(|x| x.tenant_id == tenant)
            .is_none()
        {
            errors.push(FieldError::new(
                "post_id",
                "org.post_not_found",
                Text::fixed("岗位不存在", "No such post"),
            ));
        }
    }
    for pt in part_time {
        if department::Entity::find_by_id(pt.department_id)
            .one(&app.db)
            .await?
            .filter(|d| d.tenant_id == tenant)
            .is_none()
        {
            errors.push(FieldError::new(
                "part_time",
                "org.department_not_found",
                Text::fixed("兼职部门不存在", "Part-time department does not exist"),
            ));
        }
    }
    if part_time.len() > 20 {
        errors.push(FieldError::new(
            "part_time",
            "org.part_time_limit",
            Text::fixed("兼职岗位最多 20 个", "At most 20 part-time posts"),
        ));
    }
    Ok(())
}

/// Refuses a supervisor that is the user themself, unknown, or whose own chain leads back.
fn check_supervisor(
    snapshot: &OrgSnapshot,
    user: Option<Uuid>,
    sup: Uuid,
    errors: &mut Vec<FieldError>,
) {
    if Some(sup) == user {
        errors.push(FieldError::new(
            "supervisor_id",
            "org.supervisor_self",
            Text::fixed("不能把自己设为直属上级", "A user cannot supervise themself"),
        ));
        return;
    }
    if !snapshot.users.contains_key(&sup) {
        errors.push(FieldError::new(
            "supervisor_id",
            "org.user_not_found",
            Text::fixed("所选上级不存在", "The chosen supervisor does not exist"),
        ));
        return;
    }
    if let Some(u) = user {
        let mut cur = Some(sup);
        let mut seen = HashSet::new();
        while let Some(c) = cur {
            if c == u {
                errors.push(FieldError::new(
                    "supervisor_id",
                    "org.supervisor_cycle",
                    Text::fixed("上下级关系不能形成循环", "Supervisors cannot form a loop"),
                ));
                return;
            }
            if !seen.insert(c) {
                break;
            }
            cur = snapshot.users.get(&c).and_then(|f| f.supervisor_id);
        }
    }
}

fn need_role_assign(who: &crate::auth::extract::Principal, roles: &[Role]) -> AppResult<()> {
    if roles.iter().any(|r| *r != Role::Member) && !who.has(Perm::RoleAssign) {
        return Err(AppError::forbidden());
    }
    Ok(())
}

/// Opens an account (R5: real names; the initial password must be changed at first sign-in).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUserRequest,
    responses((status = 200, body = CreatedUser), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_user(
    State(app): State<App>,
    who: Authorized<UserWrite>,
    Json(req): Json<CreateUserRequest>,
) -> AppResult<axum::Json<CreatedUser>> {
    let roles = req.roles.clone().unwrap_or_default();
    need_role_assign(&who, &roles)?;
    let mut errors = Vec::new();
    let username = validate::username(&req.username, &mut errors);
    let display_name = validate::display_name(&req.display_name, &mut errors);
    let email = req
        .email
        .as_deref()
        .and_then(|e| validate::email(e, &mut errors));
    let phone = req
        .phone
        .as_deref()
        .and_then(|p| validate::phone(p, &mut errors));
    let part_time = req.part_time.clone().unwrap_or_default();
    if department::Entity::find_by_id(req.department_id)
        .one(&app.db)
        .await?
        .filter(|d| d.tenant_id == who.tenant_id)
        .is_none()
    {
        errors.push(FieldError::new(
            "department_id",
            "org.department_not_found",
            Text::fixed("部门不存在", "No such department"),
        ));
    }
    check_refs(&app, who.tenant_id, req.post_id, &part_time, &mut errors).await?;
    if let Some(s) = req.supervisor_id {
        let snapshot = OrgSnapshot::load(&app.db, who.tenant_id).await?;
        check_supervisor(&snapshot, None, s, &mut errors);
    }
    ensure_valid(errors)?;
    let taken = user::Entity::find()
        .filter(user::Column::TenantId.eq(who.tenant_id))
        .filter(user::Column::Username.eq(username.clone()))
        .count(&app.db)
        .await?;
    if taken > 0 {
        return Err(AppError::conflict(
            "org.username_taken",
            Text::fixed("用户名已被使用", "This username is already taken"),
        )
        .with_field(FieldError::new(
            "username",
            "org.username_taken",
            Text::fixed("用户名已被使用", "This username is already taken"),
        )));
    }
    let initial = password::generate(&username);
    let hash = password::hash(initial.clone()).await?;
    let txn = app.db.begin().await?;
    let u = create_user_in(
        &txn,
        who.tenant_id,
        &(&who.principal).into(),
        CreateUser {
            username,
            display_name,
            department_id: req.department_id,
            post_id: req.post_id,
            supervisor_id: req.supervisor_id,
            email,
            phone,
            roles,
            part_time,
            password_hash: hash,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(CreatedUser {
        user: views(&app, who.tenant_id, vec![u]).await?.remove(0),
        initial_password: initial,
    }))
}

/// Account changes; `null` clears post or supervisor.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub department_id: Option<Uuid>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub post_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub supervisor_id: Option<Option<Uuid>>,
    pub roles: Option<Vec<Role>>,
    pub part_time: Option<Vec<PartTime>>,
}

async fn user_json(app: &App, u: &user::Model) -> AppResult<serde_json::Value> {
    let roles: Vec<String> = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(u.id))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|r| r.role)
        .collect();
    Ok(serde_json::json!({
        "display_name": u.display_name, "email": u.email, "phone": u.phone, "department_id": u.department_id,
        "post_id": u.post_id, "supervisor_id": u.supervisor_id, "roles": roles, "status": u.status,
    }))
}

/// Changes an account; a department move keeps the history of where the user sat.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)), request_body = UpdateUserRequest,
    responses((status = 200, body = UserView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_user(
    State(app): State<App>,
    who: Authorized<UserWrite>,
    Path(id): Path<Uuid>,
    Json(req): Json<UpdateUserRequest>,
) -> AppResult<axum::Json<UserView>> {
    if let Some(r) = &req.roles {
        need_role_assign(&who, r)?;
    }
    let u = user_in(&app, who.tenant_id, id).await?;
    if req
        .roles
        .as_ref()
        .is_some_and(|r| !r.contains(&Role::Sysadmin))
        && u.id == who.user_id
        && who.has_role(Role::Sysadmin)
    {
        return Err(AppError::invalid_field(
            "roles",
            "org.cannot_drop_own_admin",
            Text::fixed(
                "不能撤销自己的系统管理员角色",
                "You cannot remove your own administrator role",
            ),
        ));
    }
    let mut errors = Vec::new();
    let display_name = req
        .display_name
        .as_deref()
        .map(|n| validate::display_name(n, &mut errors));
    let email = req
        .email
        .as_deref()
        .map(|e| validate::email(e, &mut errors));
    let phone = req
        .phone
        .as_deref()
        .map(|p| validate::phone(p, &mut errors));
    if let Some(d) = req.department_id
        && department::Entity::find_by_id(d)
            .one(&app.db)
            .await?
            .filter(|x| x.tenant_id == who.tenant_id)
            .is_none()
    {
        errors.push(FieldError::new(
            "department_id",
            "org.department_not_found",
            Text::fixed("部门不存在", "No such department"),
        ));
    }
    check_refs(
        &app,
        who.tenant_id,
        req.post_id.flatten(),
        req.part_time.as_deref().unwrap_or(&[]),
        &mut errors,
    )
    .await?;
    if let Some(Some(s)) = req.supervisor_id {
        let snapshot = OrgSnapshot::load(&app.db, who.tenant_id).await?;
        check_supervisor(&snapshot, Some(id), s, &mut errors);
    }
    ensure_valid(errors)?;
    let before = user_json(&app, &u).await?;
    let now = Utc::now();
    let moved = req.department_id.is_some_and(|d| d != u.department_id)
        || req.post_id.is_some_and(|p| p != u.post_id);
    let txn = app.db.begin().await?;
    let mut am: user::ActiveModel = u.clone().into();
    if let Some(v) = display_name {
        am.display_name = Set(v);
    }
    if let Some(v) = email {
        am.email = Set(v);
    }
    if let Some(v) = phone {
        am.phone = Set(v);
    }
    if let Some(v) = req.department_id {
        am.department_id = Set(v);
    }
    if let Some(v) = req.post_id {
        am.post_id = Set(v);
    }
    if let Some(v) = req.supervisor_id {
        am.supervisor_id = Set(v);
    }
    am.updated_at = Set(now);
    let updated = am.update(&txn).await?;
    if moved {
        user_assignment::Entity::update_many()
            .col_expr(
                user_assignment::Column::ToAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(user_assignment::Column::UserId.eq(id))
            .filter(user_assignment::Column::ToAt.is_null())
            .exec(&txn)
            .await?;
        user_assignment::ActiveModel {
            id: Set(new_id()),
            tenant_id: Set(who.tenant_id),
            user_id: Set(id),
            department_id: Set(updated.department_id),
            post_id: Set(updated.post_id),
            from_at: Set(now),
            to_at: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    if let Some(roles) = &req.roles {
        user_role::Entity::delete_many()
            .filter(user_role::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
        let mut keys: Vec<&str> = roles
            .iter()
            .filter(|r| **r != Role::Member)
            .map(|r| r.key())
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            user_role::ActiveModel {
                tenant_id: Set(who.tenant_id),
                user_id: Set(id),
                role: Set(k.into()),
            }
            .insert(&txn)
            .await?;
        }
    }
    if let Some(pts) = &req.part_time {
        user_part_time::Entity::delete_many()
            .filter(user_part_time::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
        for p in pts {
            user_part_time::ActiveModel {
                id: Set(new_id()),
                tenant_id: Set(who.tenant_id),
                user_id: Set(id),
                department_id: Set(p.department_id),
                post_id: Set(p.post_id),
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    let after = user_json(&app, &updated).await?;
    audit::record(
        &app.db,
        &(&who.principal).into(),
        Change::new(
            "user.update",
            "user",
            Some(id),
            format!("修改账号 {}", updated.username),
        )
        .before(before)
        .after(after),
    )
    .await?;
    Ok(axum::Json(
        views(&app, who.tenant_id, vec![updated]).await?.remove(0),
    ))
}

async fn end_sessions_and_tokens<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<(), DbErr> {
    let now = Utc::now();
    session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Closes the account of someone who left (离职): sign-in refused at once, sessions and tokens
/// ended, history kept.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = UserView), (status = 409, body = crate::error::ErrorBody)))]
async fn disable_user(
    State(app): State<App>,
    who: Authorized<UserWrite>,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<UserView>> {
    let u = user_in(&app, who.tenant_id, id).await?;
    if u.id == who.user_id {
        return Err(AppError::conflict(
            "org.cannot_disable_self",
            Text::fixed("不能停用自己的账号", "You cannot disable your own account"),
        ));
    }
    if u.status == "disabled" {
        return Err(AppError::conflict(
            "org.already_disabled",
            Text::fixed("该账号已停用", "This account is already disabled"),
        ));
    }
    let now = Utc::now();
    let txn = app.db.begin().await?;
    let mut am: user::ActiveModel = u.clone().into();
    am.status = Set("disabled".into());
    am.disabled_at = Set(Some(now));
    am.updated_at = Set(now);
    let u = am.update(&txn).await?;
    end_sessions_and_tokens(&txn, id).await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "user.disable",
            "user",
            Some(id),
            format!("停用账号 {}（离职）", u.username),
        )
        .before(serde_json::json!({"status": "active"}))
        .after(serde_json::json!({"status": "disabled"})),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(
        views(&app, who.tenant_id, vec![u]).await?.remove(0),
    ))
}

/// Reopens a disabled account.
#[utoipa::path(post, path = "/api/v1/users/{id}/reactivate", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = UserView), (status = 409, body = crate::error::ErrorBody)))]
async fn reactivate_user(
    State(app): State<App>,
    who: Authorized<UserWrite>,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<UserView>> {
    let u = user_in(&app, who.tenant_id, id).await?;
    if u.status == "active" {
        return Err(AppError::conflict(
            "org.already_active",
            Text::fixed("该账号已是启用状态", "This account is already active"),
        ));
    }
    let txn = app.db.begin().await?;
    let mut am: user::ActiveModel = u.into();
    am.status = Set("active".into());
    am.disabled_at = Set(None);
    am.failed_logins = Set(0);
    am.locked_until = Set(None);
    am.updated_at = Set(Utc::now());
    let u = am.update(&txn).await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "user.reactivate",
            "user",
            Some(id),
            format!("重新启用账号 {}", u.username),
        )
        .before(serde_json::json!({"status": "disabled"}))
        .after(serde_json::json!({"status": "active"})),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(
        views(&app, who.tenant_id, vec![u]).await?.remove(0),
    ))
}

/// A one-time password after an administrator's reset.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResetPassword {
    pub one_time_password: String,
}

/// Resets a password (R5: after the superior consents): a one-time password that must be changed
/// at the next sign-in; every session of the user ends. The user sees this in their account events.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = ResetPassword), (status = 404, body = crate::error::ErrorBody)))]
async fn reset_password(
    State(app): State<App>,
    who: Authorized<UserResetPassword>,
    Path(id): Path<Uuid>,
) -> AppResult<axum::Json<ResetPassword>> {
    let u = user_in(&app, who.tenant_id, id).await?;
    let otp = password::generate(&u.username);
    let hash = password::hash(otp.clone()).await?;
    let txn = app.db.begin().await?;
    let name = u.username.clone();
    let mut am: user::ActiveModel = u.into();
    am.password_hash = Set(hash);
    am.must_change_password = Set(true);
    am.failed_logins = Set(0);
    am.locked_until = Set(None);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    end_sessions_and_tokens(&txn, id).await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "user.password_reset",
            "user",
            Some(id),
            format!("重置了 {name} 的密码"),
        ),
    )
    .await?;
    crate::notifications::account_event(
        &txn,
        who.tenant_id,
        id,
        "password_changed",
        serde_json::json!({ "by": "admin", "admin_name": who.principal.display_name }),
    )
    .await?;
    txn.commit().await?;
    Ok(axum::Json(ResetPassword {
        one_time_password: otp,
    }))
}

/// How many levels up.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Levels {
    /// 1–20 (default 1).
    pub levels: Option<usize>,
}

/// The user's supervisors, level by level (层级, never skipping one).
#[utoipa::path(get, path = "/api/v1/users/{id}/supervisors", tag = "users", params(("id" = Uuid, Path), Levels),
    responses((status = 200, body = Vec<UserBrief>), (status = 404, body = crate::error::ErrorBody)))]
async fn supervisors(
    State(app): State<App>,
    who: Authorized<UserRead>,
    Path(id): Path<Uuid>,
    Query(l): Query<Levels>,
) -> AppResult<axum::Json<Vec<UserBrief>>> {
    let levels = l.levels.unwrap_or(1);
    if !(1..=20).contains(&levels) {
        return Err(AppError::bad_request(
            "request.invalid_query",
            Text::fixed("levels 须在 1–20 之间", "levels must be 1–20"),
        ));
    }
    user_in(&app, who.tenant_id, id).await?;
    let snapshot = OrgSnapshot::load(&app.db, who.tenant_id).await?;
    let chain = snapshot.supervisor_chain(id, levels);
    let users: HashMap<Uuid, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(chain.clone()))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(axum::Json(
        chain
            .into_iter()
            .filter_map(|id| {
                users.get(&id).map(|u| UserBrief {
                    id,
                    username: u.username.clone(),
                    display_name: u.display_name.clone(),
                })
            })
            .collect(),
    ))
}
