//! Out-of-office delegations (委托), in-app notifications, who a task is held for, and the
//! whole-flow due time.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("delegations")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("delegator_id"))
                .col(uuid("delegate_id"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                // null: every template; else a JSON array of template ids
                .col(json_null("template_ids"))
                .col(text("reason"))
                .col(boolean("move_open"))
                .col(uuid("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("cancelled_at"))
                .col(uuid_null("cancelled_by"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_delegations_tenant")
                        .from("delegations", "tenant_id")
                        .to("tenants", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_delegations_tenant_ends")
                .table("delegations")
                .col("tenant_id")
                .col("ends_at")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("notifications")
                // the event log's order: SSE event ids, `Last-Event-ID` resumes after one
                .col(big_pk_auto("seq"))
                .col(uuid_uniq("id"))
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                // urged | reminder | overdue | sent_back | finished | carbon_copy | replaced |
                // stood_in | flow_overdue | delegation_started | report_ready …
                .col(string("kind"))
                .col(uuid_null("instance_id"))
                .col(integer_null("task_no"))
                .col(json("data"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_notifications_tenant")
                        .from("notifications", "tenant_id")
                        .to("tenants", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_notifications_user")
                .table("notifications")
                .col("tenant_id")
                .col("user_id")
                .col("seq")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("flow_tasks")
                .add_column(uuid_null("principal_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_flow_tasks_principal")
                .table("flow_tasks")
                .col("tenant_id")
                .col("principal_id")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("flow_instances")
                .add_column(timestamp_with_time_zone_null("due_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_flow_tasks_principal")
                .table("flow_tasks")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("flow_tasks")
                .drop_column("principal_id")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("flow_instances")
                .drop_column("due_at")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("notifications").to_owned())
            .await?;
        m.drop_table(Table::drop().table("delegations").to_owned())
            .await
    }
}
