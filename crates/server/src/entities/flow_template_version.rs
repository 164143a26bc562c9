//! An immutable published version of a flow template.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "flow_template_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub template_id: Uuid,
    pub version: i32,
    #[sea_orm(column_type = "Json")]
    pub settings: Json,
    #[sea_orm(column_type = "Json")]
    pub form: Json,
    pub bpmn: String,
    pub tree: Option<String>,
    #[sea_orm(column_type = "Json")]
    pub graph: Json,
    pub notes: String,
    pub published_by: Option<Uuid>,
    pub published_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
