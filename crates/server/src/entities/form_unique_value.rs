//! A value of a `unique` form field, held by the instance that uses it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "form_unique_values")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub template_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub field_key: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
    pub instance_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
