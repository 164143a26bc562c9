//! Tenants, organisation, accounts, sessions, tokens, login records, audit log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn idx(name: &str, table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    i.to_owned()
}

fn fk(table: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from(table, col)
        .to(to, "id")
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("tenants")
                .col(pk_uuid("id"))
                .col(string_uniq("slug"))
                .col(string("name"))
                .col(string("time_zone"))
                .col(json("settings"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("companies")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid_null("parent_id"))
                .col(string("name"))
                .col(string("kind"))
                .col(integer("sort_order"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("companies", "tenant_id", "tenants"))
                .foreign_key(&mut fk("companies", "parent_id", "companies"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx(
            "ix_companies_tenant",
            "companies",
            &["tenant_id", "sort_order"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("departments")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("company_id"))
                .col(uuid_null("parent_id"))
                .col(string("name"))
                .col(integer("sort_order"))
                .col(uuid_null("head_user_id"))
                .col(uuid_null("leader_user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("departments", "tenant_id", "tenants"))
                .foreign_key(&mut fk("departments", "company_id", "companies"))
                .foreign_key(&mut fk("departments", "parent_id", "departments"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx(
            "ix_departments_tenant_parent",
            "departments",
            &["tenant_id", "parent_id", "sort_order"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("posts")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid_null("company_id"))
                .col(string("name"))
                .col(integer("rank"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("posts", "tenant_id", "tenants"))
                .foreign_key(&mut fk("posts", "company_id", "companies"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("ix_posts_tenant", "posts", &["tenant_id", "rank"]))
            .await?;

        m.create_table(
            Table::create()
                .table("users")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(string("username"))
                .col(string("display_name"))
                .col(string_null("email"))
                .col(string_null("phone"))
                .col(text("password_hash"))
                .col(boolean("must_change_password"))
                .col(string("status"))
                .col(uuid("department_id"))
                .col(uuid_null("post_id"))
                .col(uuid_null("supervisor_id"))
                .col(string("locale"))
                .col(text_null("totp_secret"))
                .col(boolean("totp_enabled"))
                .col(integer("failed_logins"))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(timestamp_with_time_zone_null("disabled_at"))
                .col(timestamp_with_time_zone_null("last_login_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("users", "tenant_id", "tenants"))
                .foreign_key(&mut fk("users", "department_id", "departments"))
                .foreign_key(&mut fk("users", "post_id", "posts"))
                .foreign_key(&mut fk("users", "supervisor_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx(
                "ux_users_tenant_username",
                "users",
                &["tenant_id", "username"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(idx(
            "ix_users_tenant_department",
            "users",
            &["tenant_id", "department_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("user_roles")
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(string("role"))
                .primary_key(Index::create().col("user_id").col("role"))
                .foreign_key(&mut fk("user_roles", "tenant_id", "tenants"))
                .foreign_key(&mut fk("user_roles", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx(
            "ix_user_roles_tenant_role",
            "user_roles",
            &["tenant_id", "role"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("user_part_time")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(uuid("department_id"))
                .col(uuid_null("post_id"))
                .foreign_key(&mut fk("user_part_time", "tenant_id", "tenants"))
                .foreign_key(&mut fk("user_part_time", "user_id", "users"))
                .foreign_key(&mut fk("user_part_time", "department_id", "departments"))
                .foreign_key(&mut fk("user_part_time", "post_id", "posts"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx(
            "ix_user_part_time_user",
            "user_part_time",
            &["user_id"],
        ))
        .await?;
        m.create_index(idx(
            "ix_user_part_time_dept",
            "user_part_time",
            &["tenant_id", "department_id"],
        ))
        .await?;

        // Where each user sat, and when: moves close one row and open another.
        m.create_table(
            Table::create()
                .table("user_assignments")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(uuid("department_id"))
                .col(uuid_null("post_id"))
                .col(timestamp_with_time_zone("from_at"))
                .col(timestamp_with_time_zone_null("to_at"))
                .foreign_key(&mut fk("user_assignments", "tenant_id", "tenants"))
                .foreign_key(&mut fk("user_assignments", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx(
            "ix_user_assignments_user",
            "user_assignments",
            &["user_id", "from_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(string_uniq("token_hash"))
                .col(string("csrf_token"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(string_null("ip"))
                .col(text_null("user_agent"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("sessions", "tenant_id", "tenants"))
                .foreign_key(&mut fk("sessions", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx(
            "ix_sessions_user",
            "sessions",
            &["user_id", "created_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(string("name"))
                .col(string_uniq("token_hash"))
                .col(string("scopes"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("api_tokens", "tenant_id", "tenants"))
                .foreign_key(&mut fk("api_tokens", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("ix_api_tokens_user", "api_tokens", &["user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("recovery_codes")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(string("code_hash"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(&mut fk("recovery_codes", "tenant_id", "tenants"))
                .foreign_key(&mut fk("recovery_codes", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx(
            "ix_recovery_codes_user",
            "recovery_codes",
            &["user_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("login_records")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid_null("user_id"))
                .col(string("username"))
                .col(timestamp_with_time_zone("at"))
                .col(string_null("ip"))
                .col(text_null("user_agent"))
                .col(string("method"))
                .col(boolean("success"))
                .col(string_null("reason"))
                .foreign_key(&mut fk("login_records", "tenant_id", "tenants"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx(
            "ix_login_records_tenant_at",
            "login_records",
            &["tenant_id", "at"],
        ))
        .await?;
        m.create_index(idx(
            "ix_login_records_user_at",
            "login_records",
            &["user_id", "at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(timestamp_with_time_zone("at"))
                .col(uuid_null("actor_id"))
                .col(string_null("actor_name"))
                .col(uuid_null("acting_for_id"))
                .col(string("action"))
                .col(string("target_type"))
                .col(uuid_null("target_id"))
                .col(text("summary"))
                .col(json_null("before"))
                .col(json_null("after"))
                .col(string_null("ip"))
                .col(string_null("request_id"))
                .foreign_key(&mut fk("audit_log", "tenant_id", "tenants"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("ix_audit_tenant_at", "audit_log", &["tenant_id", "at"]))
            .await?;
        m.create_index(idx(
            "ix_audit_target",
            "audit_log",
            &["tenant_id", "target_type", "target_id"],
        ))
        .await?;
        m.create_index(idx(
            "ix_audit_actor",
            "audit_log",
            &["tenant_id", "actor_id"],
        ))
        .await?;

        // The audit log is append-only, enforced by the database itself.
        let db = m.get_connection();
        match db.get_database_backend() {
            DatabaseBackend::Sqlite => {
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log \
                     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log \
                     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
                     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the foundation migration cannot be reverted; restore a backup".into(),
        ))
    }
}
