//! The tenant's working calendar: its own dated entries on top of the bundled mainland China
//! schedule, and its working hours.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("calendar_days")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                // YYYY-MM-DD, the tenant's local date
                .col(string_len("date", 10))
                // holiday | workday
                .col(string("kind"))
                .col(string("name"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_calendar_days_tenant")
                        .from("calendar_days", "tenant_id")
                        .to("tenants", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_calendar_days_date")
                .table("calendar_days")
                .col("tenant_id")
                .col("date")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("calendar_settings")
                .col(pk_uuid("tenant_id"))
                .col(json("working_hours"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_calendar_settings_tenant")
                        .from("calendar_settings", "tenant_id")
                        .to("tenants", "id"),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("calendar_settings").to_owned())
            .await?;
        m.drop_table(Table::drop().table("calendar_days").to_owned())
            .await
    }
}
