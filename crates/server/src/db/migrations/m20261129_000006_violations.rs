//! Violation records (考核记录) that supervisors keep on overdue or careless handling.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("flow_violations")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("instance_id"))
                .col(uuid("template_id"))
                .col(string("node_key"))
                .col(uuid("person_id"))
                .col(uuid("department_id"))
                // overdue | opinion | other
                .col(string("kind"))
                .col(text("note"))
                .col(uuid("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_flow_violations_tenant")
                        .from("flow_violations", "tenant_id")
                        .to("tenants", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_flow_violations_instance")
                        .from("flow_violations", "instance_id")
                        .to("flow_instances", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_flow_violations_tenant")
                .table("flow_violations")
                .col("tenant_id")
                .col("recorded_at")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("flow_violations").to_owned())
            .await
    }
}
