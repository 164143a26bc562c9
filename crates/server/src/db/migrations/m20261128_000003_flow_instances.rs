//! Flow instances, their tasks and history, serial-number counters and idempotency keys.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    name: &str,
    from: &'static str,
    col: &'static str,
    to: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from, col)
        .to(to, "id")
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("flow_instances")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("template_id"))
                .col(uuid("version_id"))
                .col(string_null("serial_no"))
                .col(string("title"))
                .col(uuid("initiator_id"))
                .col(string("status"))
                .col(json("state"))
                .col(integer("lock_version"))
                .col(integer("history_seq"))
                .col(uuid("department_id"))
                .col(json("summary"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .foreign_key(&mut fk(
                    "fk_flow_instances_tenant",
                    "flow_instances",
                    "tenant_id",
                    "tenants",
                ))
                .foreign_key(&mut fk(
                    "fk_flow_instances_template",
                    "flow_instances",
                    "template_id",
                    "flow_templates",
                ))
                .foreign_key(&mut fk(
                    "fk_flow_instances_version",
                    "flow_instances",
                    "version_id",
                    "flow_template_versions",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_flow_instances_initiator")
                .table("flow_instances")
                .col("tenant_id")
                .col("initiator_id")
                .col("created_at")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_flow_instances_template")
                .table("flow_instances")
                .col("template_id")
                .col("status")
                .col("created_at")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_flow_instances_serial")
                .table("flow_instances")
                .col("template_id")
                .col("serial_no")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("flow_tasks")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("instance_id"))
                .col(uuid("template_id"))
                .col(integer("task_no"))
                .col(string("node_key"))
                .col(string("node_name"))
                .col(uuid("assignee_id"))
                .col(uuid_null("delegated_by"))
                .col(string("state"))
                .col(string_null("close_reason"))
                .col(timestamp_with_time_zone("opened_at"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .col(timestamp_with_time_zone_null("due_at"))
                .foreign_key(&mut fk(
                    "fk_flow_tasks_tenant",
                    "flow_tasks",
                    "tenant_id",
                    "tenants",
                ))
                .foreign_key(&mut fk(
                    "fk_flow_tasks_instance",
                    "flow_tasks",
                    "instance_id",
                    "flow_instances",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_flow_tasks_assignee")
                .table("flow_tasks")
                .col("tenant_id")
                .col("assignee_id")
                .col("state")
                .col("opened_at")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_flow_tasks_done")
                .table("flow_tasks")
                .col("tenant_id")
                .col("assignee_id")
                .col("state")
                .col("closed_at")
                .col("close_reason")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_flow_tasks_instance_no")
                .table("flow_tasks")
                .col("instance_id")
                .col("task_no")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("flow_history")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("instance_id"))
                .col(integer("seq"))
                .col(timestamp_with_time_zone("at"))
                .col(uuid_null("actor_id"))
                .col(uuid_null("acting_for_id"))
                .col(string("action"))
                .col(string_null("stance"))
                .col(text_null("opinion"))
                .col(string_null("from_node"))
                .col(json("to_nodes"))
                .col(integer_null("task_no"))
                .col(json("users"))
                .foreign_key(&mut fk(
                    "fk_flow_history_tenant",
                    "flow_history",
                    "tenant_id",
                    "tenants",
                ))
                .foreign_key(&mut fk(
                    "fk_flow_history_instance",
                    "flow_history",
                    "instance_id",
                    "flow_instances",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_flow_history_instance_seq")
                .table("flow_history")
                .col("instance_id")
                .col("seq")
                .unique()
                .to_owned(),
        )
        .await?;
        // History is append-only (DESIGN §3), enforced by the database itself.
        let db = m.get_connection();
        match db.get_database_backend() {
            sea_orm::DatabaseBackend::Sqlite => {
                db.execute_unprepared("CREATE TRIGGER flow_history_no_update BEFORE UPDATE ON flow_history BEGIN SELECT RAISE(ABORT, 'flow_history is append-only'); END;")
                    .await?;
                db.execute_unprepared("CREATE TRIGGER flow_history_no_delete BEFORE DELETE ON flow_history BEGIN SELECT RAISE(ABORT, 'flow_history is append-only'); END;")
                    .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE FUNCTION flow_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'flow_history is append-only'; END $$;",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER flow_history_append_only BEFORE UPDATE OR DELETE ON flow_history FOR EACH ROW EXECUTE FUNCTION flow_history_append_only();",
                )
                .await?;
            }
        }
        m.create_table(
            Table::create()
                .table("flow_cc")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("instance_id"))
                .col(integer("cc_no"))
                .col(uuid("user_id"))
                .col(string("node_key"))
                .col(timestamp_with_time_zone("sent_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(&mut fk(
                    "fk_flow_cc_tenant",
                    "flow_cc",
                    "tenant_id",
                    "tenants",
                ))
                .foreign_key(&mut fk(
                    "fk_flow_cc_instance",
                    "flow_cc",
                    "instance_id",
                    "flow_instances",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_flow_cc_instance_no")
                .table("flow_cc")
                .col("instance_id")
                .col("cc_no")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_flow_cc_user")
                .table("flow_cc")
                .col("user_id")
                .col("sent_at")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("flow_serial_counters")
                .col(uuid("tenant_id"))
                .col(uuid("template_id"))
                .col(string("period"))
                .col(big_integer("last"))
                .primary_key(Index::create().col("template_id").col("period"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("flow_idempotency")
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(string("key"))
                .col(json("response"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("user_id").col("key"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("restore a backup to go back".into()))
    }
}
