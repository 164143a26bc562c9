//! Storage: one code path for SQLite (embedded default) and PostgreSQL.

mod migrations;

use std::time::Duration;

use anyhow::{Context, bail};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, Statement,
};
use sea_orm_migration::MigratorTrait;

pub use migrations::Migrator;

/// Statements that belong together, run in order inside an open transaction. On SQLite they
/// reach the connection as one multi-statement command: one hop to the driver's worker thread
/// instead of one per statement, which is most of what a statement costs there. PostgreSQL
/// runs them one after another (its extended protocol takes one statement per message). The
/// first failure stops the batch and is returned; the caller's transaction then rolls back.
pub async fn execute_batch<C: ConnectionTrait>(
    db: &C,
    statements: Vec<Statement>,
) -> Result<(), sea_orm::DbErr> {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite if statements.len() > 1 => {
            let mut sql = String::new();
            let mut values = Vec::new();
            for s in statements {
                if !sql.is_empty() {
                    sql.push_str(";\n");
                }
                sql.push_str(&s.sql);
                if let Some(v) = s.values {
                    values.extend(v.0);
                }
            }
            db.execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Sqlite,
                sql,
                values,
            ))
            .await?;
        }
        _ => {
            for s in statements {
                db.execute_raw(s).await?;
            }
        }
    }
    Ok(())
}

/// Opens the database at `url`, refusing a schema newer than this binary, and migrates it.
pub async fn connect_and_migrate(
    url: &str,
    max_connections: u32,
) -> anyhow::Result<DatabaseConnection> {
    let db = connect(url, max_connections).await?;
    check_schema_version(&db).await?;
    Migrator::up(&db, None)
        .await
        .context("running database migrations")?;
    Ok(db)
}

/// Opens a pool; SQLite gets WAL, foreign keys, a busy timeout and `synchronous=NORMAL`.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        // A ping on every checkout doubles the round trips of a one-statement read; ping only
        // connections idle long enough for a server, proxy or firewall to have dropped them.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .create_if_missing(true)
        });
    Database::connect(opts)
        .await
        .with_context(|| format!("connecting to the database ({})", redact(url)))
}

/// The URL with any password hidden, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Refuses to run on a schema that a newer binary has migrated: its migrations are unknown here.
pub async fn check_schema_version(db: &DatabaseConnection) -> anyhow::Result<()> {
    let backend = db.get_database_backend();
    let exists_sql = match backend {
        DatabaseBackend::Sqlite => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'"
        }
        _ => {
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'seaql_migrations' AND table_schema = current_schema()"
        }
    };
    let row = db
        .query_one_raw(Statement::from_string(backend, exists_sql))
        .await?;
    let exists: i64 = row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    if exists == 0 {
        return Ok(());
    }
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations",
        ))
        .await?;
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    let unknown: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get::<String>("", "version").ok())
        .filter(|v| !known.contains(v))
        .collect();
    if !unknown.is_empty() {
        bail!(
            "the database schema is newer than this binary (unknown migrations: {}); \
             run a newer xietong, or restore a backup taken before the upgrade",
            unknown.join(", ")
        );
    }
    Ok(())
}

/// Refuses, without changing anything, a database whose schema is not exactly this binary's:
/// for commands that only read (`xietong check`) and so must not migrate.
pub async fn check_schema_current(db: &DatabaseConnection) -> anyhow::Result<()> {
    check_schema_version(db).await?;
    let backend = db.get_database_backend();
    let applied: Vec<String> = match db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations",
        ))
        .await
    {
        Ok(rows) => rows
            .iter()
            .filter_map(|r| r.try_get::<String>("", "version").ok())
            .collect(),
        Err(_) => bail!(
            "this database holds no Xietong schema; start `xietong serve` or run `xietong migrate` on it first"
        ),
    };
    let pending: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .filter(|m| !applied.contains(m))
        .collect();
    if !pending.is_empty() {
        bail!(
            "the database schema is older than this binary (pending migrations: {}); \
             run `xietong migrate` first",
            pending.join(", ")
        );
    }
    Ok(())
}

/// True when the database answers.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn redact_hides_password_only() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
