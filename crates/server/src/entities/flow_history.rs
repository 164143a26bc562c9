//! One append-only history event of an instance.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "flow_history")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub instance_id: Uuid,
    pub seq: i32,
    pub at: DateTimeUtc,
    pub actor_id: Option<Uuid>,
    pub acting_for_id: Option<Uuid>,
    pub action: String,
    pub stance: Option<String>,
    pub opinion: Option<String>,
    pub from_node: Option<String>,
    #[sea_orm(column_type = "Json")]
    pub to_nodes: Json,
    /// The engine's task number acted on.
    pub task_no: Option<i32>,
    /// Other users involved (transferee, added signers, cc recipients …).
    #[sea_orm(column_type = "Json")]
    pub users: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
