//! An out-of-office delegation (委托): while it runs, new tasks of the delegator (for all or the
//! chosen templates) go to the delegate, marked "代 X 办理".

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "delegations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub delegator_id: Uuid,
    pub delegate_id: Uuid,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    /// `null`: every template; else a JSON array of template ids.
    #[sea_orm(column_type = "Json", nullable)]
    pub template_ids: Option<Json>,
    pub reason: String,
    /// Open tasks move to the delegate when it starts.
    pub move_open: bool,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancelled_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
