//! The durable job table: timers, deliveries and scheduled work, claimed by any server node.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("jobs")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(string("kind"))
                .col(json("payload"))
                // pending | running | done | failed | cancelled
                .col(string("state"))
                .col(timestamp_with_time_zone("run_at"))
                .col(integer("attempts"))
                .col(integer("max_attempts"))
                .col(string_null("locked_by"))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(text_null("last_error"))
                .col(string_null("dedupe_key"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_jobs_tenant")
                        .from("jobs", "tenant_id")
                        .to("tenants", "id"),
                )
                .to_owned(),
        )
        .await?;
        // The claim: due pending jobs in run_at order, and running ones whose lease ran out.
        m.create_index(
            Index::create()
                .name("ix_jobs_due")
                .table("jobs")
                .col("state")
                .col("run_at")
                .to_owned(),
        )
        .await?;
        // The administrator's list.
        m.create_index(
            Index::create()
                .name("ix_jobs_tenant")
                .table("jobs")
                .col("tenant_id")
                .col("state")
                .col("created_at")
                .to_owned(),
        )
        .await?;
        // One job per purpose (e.g. one per flow timer): enqueueing again is a no-op.
        m.create_index(
            Index::create()
                .name("ux_jobs_dedupe")
                .table("jobs")
                .col("tenant_id")
                .col("dedupe_key")
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("jobs").to_owned()).await
    }
}
