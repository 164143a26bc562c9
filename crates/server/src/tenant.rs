//! Tenants, their settings, and the first start on an empty database.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set, TransactionTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::audit::{self, Actor, Change};
use crate::auth::access::Role;
use crate::auth::password::{self, PasswordPolicy};
use crate::entities::{company, department, tenant, user, user_assignment, user_role};
use crate::error::{AppError, Text};
use crate::ids::new_id;

/// Per-tenant settings stored as JSON on the tenant row.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
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
        .ok_or_else(|| AppError::not_found("tenant.not_found", Text::fixed("租户不存在", "No such tenant")))?;
    let settings = serde_json::from_value(model.settings.clone()).unwrap_or_default();
    Ok(TenantInfo { model, settings })
}

/// Finds a tenant by its slug.
pub async fn by_slug(db: &DatabaseConnection, slug: &str) -> Result<Option<tenant::Model>, AppError> {
    Ok(tenant::Entity::find().filter(tenant::Column::Slug.eq(slug)).one(db).await?)
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
    user_role::ActiveModel { tenant_id: Set(tenant_id), user_id: Set(admin_id), role: Set("sysadmin".into()) }
        .insert(&txn)
        .await?;
    audit::record(
        &txn,
        &Actor::system(tenant_id),
        Change::new("tenant.create", "tenant", Some(tenant_id), format!("创建租户 {name}（{slug}）及管理员 admin")),
    )
    .await?;
    txn.commit().await?;
    if generated {
        tracing::warn!(
            "first start: created tenant '{slug}' and administrator 'admin' with initial password {pw} \
             (shown once; it must be changed at first sign-in)"
        );
    } else {
        tracing::info!("first start: created tenant '{slug}' and administrator 'admin' (password from XIETONG_ADMIN_PASSWORD)");
    }
    Ok((tenant_id, pw))
}

/// On an empty database, creates tenant `default` and its administrator.
pub async fn bootstrap(db: &DatabaseConnection, admin_password: Option<String>) -> anyhow::Result<()> {
    if tenant::Entity::find().count(db).await? == 0 {
        create_tenant(db, "default", "默认组织", admin_password).await?;
    }
    Ok(())
}
