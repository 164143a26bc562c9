//! An uploaded file: an attachment, image or signature of a form.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub size: i64,
    pub content_type: String,
    pub sha256: String,
    pub uploaded_by: Uuid,
    /// The instance whose form holds it, once submitted.
    pub instance_id: Option<Uuid>,
    pub field_key: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
