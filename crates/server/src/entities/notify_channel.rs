//! A tenant's group robot (WeCom, DingTalk, Feishu) or outgoing webhook.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notify_channels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// `wecom`, `dingtalk`, `feishu` or `webhook`.
    pub kind: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// Signing secret (DingTalk 加签, Feishu 签名校验, the webhook's HMAC key).
    pub secret: Option<String>,
    /// Event kinds sent; empty: all.
    #[sea_orm(column_type = "Json")]
    pub events: Json,
    pub enabled: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
