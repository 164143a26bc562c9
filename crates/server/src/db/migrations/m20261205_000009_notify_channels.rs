//! Notification channels: each person's preferences (per event kind, quiet hours, digest), their
//! browsers' push subscriptions, a tenant's mail server and digest times, its group robots and
//! outgoing webhooks, and the server's own keys (the VAPID key pair).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn tenant_fk(table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_tenant"))
        .from(table, "tenant_id")
        .to("tenants", "id")
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("notify_prefs")
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                // {"<kind>": {"email": bool, "push": bool}}; kinds absent take the defaults
                .col(json("events"))
                // "HH:MM" local time, both or neither
                .col(string_null("quiet_start"))
                .col(string_null("quiet_end"))
                .col(boolean("digest"))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("tenant_id").col("user_id"))
                .foreign_key(&mut tenant_fk("notify_prefs"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("push_subscriptions")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(text("endpoint"))
                .col(string("p256dh"))
                .col(string("auth"))
                .col(string_null("user_agent"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut tenant_fk("push_subscriptions"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_push_subscriptions_user")
                .table("push_subscriptions")
                .col("tenant_id")
                .col("user_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("notify_channels")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                // wecom | dingtalk | feishu | webhook
                .col(string("kind"))
                .col(string("name"))
                .col(text("url"))
                .col(string_null("secret"))
                // JSON array of event kinds; empty: all
                .col(json("events"))
                .col(boolean("enabled"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut tenant_fk("notify_channels"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("notify_config")
                .col(pk_uuid("tenant_id"))
                // the mail server: enabled, host, port, security, username, password, from
                .col(json("mail"))
                // the digest: enabled, times ["08:30", "13:30"]
                .col(json("digest"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut tenant_fk("notify_config"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("server_keys")
                .col(string("name").primary_key())
                .col(text("value"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "server_keys",
            "notify_config",
            "notify_channels",
            "push_subscriptions",
            "notify_prefs",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
