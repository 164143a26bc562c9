//! Flow templates (流程模板) and their immutable published versions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("flow_templates")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(string("name"))
                .col(string("category"))
                .col(string("icon"))
                .col(text("description"))
                .col(string("status"))
                .col(uuid_null("current_version_id"))
                .col(integer("latest_version"))
                .col(uuid_null("supervisor_id"))
                .col(json("settings"))
                .col(json("form"))
                .col(string("definition_kind"))
                .col(text("definition"))
                .col(uuid_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_flow_templates_tenant")
                        .from("flow_templates", "tenant_id")
                        .to("tenants", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_flow_templates_tenant")
                .table("flow_templates")
                .col("tenant_id")
                .col("category")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("flow_template_versions")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("template_id"))
                .col(integer("version"))
                .col(json("settings"))
                .col(json("form"))
                .col(text("bpmn"))
                .col(text_null("tree"))
                .col(json("graph"))
                .col(text("notes"))
                .col(uuid_null("published_by"))
                .col(timestamp_with_time_zone("published_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_flow_versions_tenant")
                        .from("flow_template_versions", "tenant_id")
                        .to("tenants", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_flow_versions_template")
                        .from("flow_template_versions", "template_id")
                        .to("flow_templates", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_flow_versions_template_version")
                .table("flow_template_versions")
                .col("template_id")
                .col("version")
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("flow_template_versions").to_owned())
            .await?;
        m.drop_table(Table::drop().table("flow_templates").to_owned())
            .await
    }
}
