//! Names by id within a tenant, for reports, exports and lists (one query each).

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::entities::{department, flow_template};

/// The tenant's departments: id → name.
pub async fn department_names<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
) -> Result<HashMap<Uuid, String>, DbErr> {
    Ok(department::Entity::find()
        .select_only()
        .column(department::Column::Id)
        .column(department::Column::Name)
        .filter(department::Column::TenantId.eq(tenant))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The tenant's flow templates: id → name.
pub async fn template_names<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
) -> Result<HashMap<Uuid, String>, DbErr> {
    Ok(flow_template::Entity::find()
        .select_only()
        .column(flow_template::Column::Id)
        .column(flow_template::Column::Name)
        .filter(flow_template::Column::TenantId.eq(tenant))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}
