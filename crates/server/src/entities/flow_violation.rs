//! A violation record (考核记录) kept by a supervisor.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "flow_violations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub instance_id: Uuid,
    pub template_id: Uuid,
    pub node_key: String,
    /// Who it concerns, and their department when it was recorded.
    pub person_id: Uuid,
    pub department_id: Uuid,
    /// `overdue`, `opinion` or `other`.
    pub kind: String,
    pub note: String,
    pub recorded_by: Uuid,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
