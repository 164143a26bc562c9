//! A task of an instance, as the todo lists read it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "flow_tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub instance_id: Uuid,
    pub template_id: Uuid,
    pub task_no: i32,
    pub node_key: String,
    pub node_name: String,
    pub assignee_id: Uuid,
    /// Set while the task is delegated (委派): the owner it returns to.
    pub delegated_by: Option<Uuid>,
    /// Set while a stand-in holds the task for someone away (委托): whose task it is.
    pub principal_id: Option<Uuid>,
    pub state: String,
    pub close_reason: Option<String>,
    pub opened_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub due_at: Option<DateTimeUtc>,
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
