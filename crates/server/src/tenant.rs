//! Tenants, their settings, and the first start on an empty database.

use axum::extract::State;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::app::App;
use crate::auth::access::{Authorized, TenantSettings as TenantSettingsPerm};
use crate::auth::extract::Authenticated;
use crate::error::{AppResult, FieldError};
use crate::http::extract::Json;

use crate::audit::{self, Actor, Change};
use crate::auth::access::Role;
use crate::auth::password::{self, PasswordPolicy};
use crate::entities::{company, department, tenant, user, user_assignment, user_role};
use crate::error::{AppError, Text};
use crate::ids::new_id;

/// Per-tenant settings stored as JSON on the tenant row.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TenantSettings {
    pub password: PasswordPolicy,
    /// Two-factor sign-in required for everyone.
    pub require_totp_all: bool,
    /// Two-factor sign-in required for these roles.
    pub require_totp_roles: Vec<Role>,
}

/// The tenant row and its parsed settings.
pub struct TenantInfo {
    pub model: tenant::Model,
    pub settings: TenantSettings,
}

/// Loads a tenant by id.
pub async fn load(db: &DatabaseConnection, id: Uuid) -> Result<TenantInfo, AppError> {
    let model = tenant::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                "tenant.not_found",
                Text::fixed("租户不存在", "No such tenant"),
            )
        })?;
    let settings = serde_json::from_value(model.settings.clone()).unwrap_or_default();
    Ok(TenantInfo { model, settings })
}

/// Finds a tenant by its slug.
pub async fn by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> Result<Option<tenant::Model>, AppError> {
    Ok(tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// Creates a tenant with its head company, a root department and an administrator.
/// Returns (tenant id, admin password).
pub async fn create_tenant(
    db: &DatabaseConnection,
    slug: &str,
    name: &str,
    admin_password: Option<String>,
) -> anyhow::Result<(Uuid, String)> {
    let now = Utc::now();
    let tenant_id = new_id();
    let company_id = new_id();
    let dept_id = new_id();
    let admin_id = new_id();
    let generated = admin_password.is_none();
    let pw = admin_password.unwrap_or_else(|| password::generate("admin"));
    let hash = password::hash(pw.clone()).await?;
    let txn = db.begin().await?;
    tenant::ActiveModel {
        id: Set(tenant_id),
        slug: Set(slug.into()),
        name: Set(name.into()),
        time_zone: Set("Asia/Shanghai".into()),
        settings: Set(serde_json::to_value(TenantSettings::default())?),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    company::ActiveModel {
        id: Set(company_id),
        tenant_id: Set(tenant_id),
        parent_id: Set(None),
        name: Set(name.into()),
        kind: Set("hq".into()),
        sort_order: Set(0),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    department::ActiveModel {
        id: Set(dept_id),
        tenant_id: Set(tenant_id),
        company_id: Set(company_id),
        parent_id: Set(None),
        name: Set("系统管理".into()),
        sort_order: Set(1000),
        head_user_id: Set(None),
        leader_user_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    user::ActiveModel {
        id: Set(admin_id),
        tenant_id: Set(tenant_id),
        username: Set("admin".into()),
        display_name: Set("系统管理员".into()),
        email: Set(None),
        phone: Set(None),
        password_hash: Set(hash),
        must_change_password: Set(true),
        status: Set("active".into()),
        department_id: Set(dept_id),
        post_id: Set(None),
        supervisor_id: Set(None),
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
    .insert(&txn)
    .await?;
    user_assignment::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(tenant_id),
        user_id: Set(admin_id),
        department_id: Set(dept_id),
        post_id: Set(None),
        from_at: Set(now),
        to_at: Set(None),
    }
    .insert(&txn)
    .await?;
    user_role::ActiveModel {
        tenant_id: Set(tenant_id),
        user_id: Set(admin_id),
        role: Set("sysadmin".into()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::system(tenant_id),
        Change::new(
            "tenant.create",
            "tenant",
            Some(tenant_id),
            format!("创建租户 {name}（{slug}）及管理员 admin"),
        ),
    )
    .await?;
    // The built-in business templates (请假, 费用报销, 合同审批 …), supervised by the administrator.
    crate::forms::builtin::install(&txn, tenant_id, admin_id).await?;
    txn.commit().await?;
    if generated {
        tracing::warn!(
            "first start: created tenant '{slug}' and administrator 'admin' with initial password {pw} \
             (shown once; it must be changed at first sign-in)"
        );
    } else {
        tracing::info!(
            "first start: created tenant '{slug}' and administrator 'admin' (password from XIETONG_ADMIN_PASSWORD)"
        );
    }
    Ok((tenant_id, pw))
}

/// On an empty database, creates tenant `default` and its administrator.
pub async fn bootstrap(
    db: &DatabaseConnection,
    admin_password: Option<String>,
) -> anyhow::Result<()> {
    if tenant::Entity::find().count(db).await? == 0 {
        create_tenant(db, "default", "默认组织", admin_password).await?;
    }
    Ok(())
}

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(get_tenant, update_tenant))
}

/// The caller's tenant and its settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantDetail {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub settings: TenantSettings,
}

fn detail(t: &TenantInfo) -> TenantDetail {
    TenantDetail {
        id: t.model.id,
        slug: t.model.slug.clone(),
        name: t.model.name.clone(),
        time_zone: t.model.time_zone.clone(),
        settings: t.settings.clone(),
    }
}

/// The caller's tenant.
#[utoipa::path(get, path = "/api/v1/tenant", tag = "tenant", responses((status = 200, body = TenantDetail)))]
async fn get_tenant(
    State(app): State<App>,
    Authenticated(p): Authenticated,
) -> AppResult<axum::Json<TenantDetail>> {
    Ok(axum::Json(detail(&*app.tenant(p.tenant_id).await?)))
}

/// Tenant changes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTenant {
    pub name: Option<String>,
    /// An IANA time zone, e.g. `Asia/Shanghai`.
    pub time_zone: Option<String>,
    pub settings: Option<TenantSettings>,
}

/// Renames the tenant, sets its time zone, password rules and two-factor requirement.
#[utoipa::path(patch, path = "/api/v1/tenant", tag = "tenant", request_body = UpdateTenant,
    responses((status = 200, body = TenantDetail), (status = 422, body = crate::error::ErrorBody)))]
async fn update_tenant(
    State(app): State<App>,
    who: Authorized<TenantSettingsPerm>,
    Json(req): Json<UpdateTenant>,
) -> AppResult<axum::Json<TenantDetail>> {
    let mut errors = Vec::new();
    let name = req
        .name
        .as_deref()
        .map(|n| crate::org::validate::name("name", n, &mut errors));
    if let Some(tz) = &req.time_zone
        && tz.parse::<chrono_tz::Tz>().is_err()
    {
        errors.push(FieldError::new(
            "time_zone",
            "tenant.time_zone",
            Text::fixed("未知的时区", "Unknown time zone"),
        ));
    }
    if let Some(s) = &req.settings
        && (!(8..=64).contains(&s.password.min_length)
            || !(1..=4).contains(&s.password.min_classes))
    {
        errors.push(FieldError::new(
            "settings.password",
            "tenant.password_policy",
            Text::fixed(
                "密码最短长度须为 8–64，字符类别须为 1–4",
                "Minimum length must be 8–64 and classes 1–4",
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let before = serde_json::to_value(detail(&*app.tenant(who.tenant_id).await?).settings)
        .unwrap_or_default();
    let t = tenant::Entity::find_by_id(who.tenant_id)
        .one(&app.db)
        .await?
        .ok_or_else(AppError::forbidden)?;
    let mut am: tenant::ActiveModel = t.into();
    if let Some(n) = name {
        am.name = Set(n);
    }
    if let Some(tz) = req.time_zone {
        am.time_zone = Set(tz);
    }
    if let Some(s) = &req.settings {
        am.settings = Set(serde_json::to_value(s).map_err(AppError::internal)?);
    }
    let txn = app.db.begin().await?;
    let t = am.update(&txn).await?;
    audit::record(
        &txn,
        &(&who.principal).into(),
        Change::new(
            "tenant.update",
            "tenant",
            Some(t.id),
            format!("修改租户设置「{}」", t.name),
        )
        .before(before)
        .after(t.settings.clone()),
    )
    .await?;
    txn.commit().await?;
    app.forget_tenant(who.tenant_id);
    Ok(axum::Json(detail(&*app.tenant(who.tenant_id).await?)))
}
