//! Forms: uploaded files (attachments, images, signatures), values that must be unique within
//! a template, templates people marked as favourites, and start forms saved as drafts.

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
                .table("files")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(string("name"))
                .col(big_integer("size"))
                .col(string("content_type"))
                .col(string("sha256"))
                .col(uuid("uploaded_by"))
                // set once the file is part of an instance's form
                .col(uuid_null("instance_id"))
                .col(string_null("field_key"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut tenant_fk("files"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_files_instance")
                .table("files")
                .col("tenant_id")
                .col("instance_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("form_unique_values")
                .col(uuid("tenant_id"))
                .col(uuid("template_id"))
                .col(string("field_key"))
                .col(string("value"))
                .col(uuid("instance_id"))
                .primary_key(
                    Index::create()
                        .col("tenant_id")
                        .col("template_id")
                        .col("field_key")
                        .col("value"),
                )
                .foreign_key(&mut tenant_fk("form_unique_values"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("flow_favourites")
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(uuid("template_id"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(
                    Index::create()
                        .col("tenant_id")
                        .col("user_id")
                        .col("template_id"),
                )
                .foreign_key(&mut tenant_fk("flow_favourites"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("flow_drafts")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(uuid("template_id"))
                .col(json("form"))
                // people the initiator chose, by node key
                .col(json("chosen"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut tenant_fk("flow_drafts"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_flow_drafts_user")
                .table("flow_drafts")
                .col("tenant_id")
                .col("user_id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "flow_drafts",
            "flow_favourites",
            "form_unique_values",
            "files",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
