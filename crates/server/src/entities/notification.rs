//! An in-app notification: someone is told something, until they mark it read.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    /// Order of the event log (the SSE event id).
    #[sea_orm(primary_key)]
    pub seq: i64,
    #[sea_orm(unique)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    /// What happened (`urged`, `reminder`, `overdue`, …).
    pub kind: String,
    pub instance_id: Option<Uuid>,
    pub task_no: Option<i32>,
    /// Details the message is rendered from.
    #[sea_orm(column_type = "Json")]
    pub data: Json,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
