//! A carbon copy (抄送) of an instance in someone's 待阅 list.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "flow_cc")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub instance_id: Uuid,
    /// The engine's cc id within the instance.
    pub cc_no: i32,
    pub user_id: Uuid,
    pub node_key: String,
    pub sent_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::flow_instance::Entity",
        from = "Column::InstanceId",
        to = "super::flow_instance::Column::Id"
    )]
    Instance,
}

impl Related<super::flow_instance::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Instance.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
