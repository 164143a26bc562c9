//! One person's notification preferences: channels per event kind, quiet hours, the digest.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notify_prefs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// `{"<kind>": {"email": bool, "push": bool}}`; kinds absent take the defaults.
    #[sea_orm(column_type = "Json")]
    pub events: Json,
    /// Quiet hours, local `HH:MM` (both or neither).
    pub quiet_start: Option<String>,
    pub quiet_end: Option<String>,
    /// Receives the twice-daily digest of pending items.
    pub digest: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
