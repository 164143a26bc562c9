//! A flow template (流程模板): the editable draft and its settings.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "flow_templates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub category: String,
    pub icon: String,
    pub description: String,
    pub status: String,
    pub current_version_id: Option<Uuid>,
    pub latest_version: i32,
    pub supervisor_id: Option<Uuid>,
    #[sea_orm(column_type = "Json")]
    pub settings: Json,
    #[sea_orm(column_type = "Json")]
    pub form: Json,
    pub definition_kind: String,
    pub definition: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
