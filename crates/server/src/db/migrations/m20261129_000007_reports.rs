//! Stored periodic reports (the weekly overdue report, R5).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("flow_reports")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(string("kind"))
                // e.g. 2026-W48
                .col(string("period"))
                .col(json("body"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_flow_reports_tenant")
                        .from("flow_reports", "tenant_id")
                        .to("tenants", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_flow_reports_period")
                .table("flow_reports")
                .col("tenant_id")
                .col("kind")
                .col("period")
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("flow_reports").to_owned())
            .await
    }
}
