//! A running or finished flow instance; `state` is the engine's state.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "flow_instances")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub template_id: Uuid,
    pub version_id: Uuid,
    pub serial_no: Option<String>,
    pub title: String,
    pub initiator_id: Uuid,
    pub status: String,
    #[sea_orm(column_type = "Json")]
    pub state: Json,
    pub lock_version: i32,
    /// The next history sequence number.
    pub history_seq: i32,
    /// The initiator's department at start.
    pub department_id: Uuid,
    /// The template's summary fields, for todo cards.
    #[sea_orm(column_type = "Json")]
    pub summary: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// When the whole flow is due (办结时限), if its template sets a limit.
    pub due_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
