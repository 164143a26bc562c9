//! A scratch database for one run, and the application on it: a fresh SQLite file in a temporary
//! directory, or a fresh database `xt_bench_<uuid>` on a PostgreSQL server, dropped afterwards.

use std::path::PathBuf;

use anyhow::Context;
use sea_orm::{ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, Statement};
use xietong_server::app::App;
use xietong_server::config::{Config, Secret};

/// The bootstrap administrator's initial password, and what the benchmark changes it to.
pub const ADMIN_INITIAL: &str = "Xietong@2026!";
pub const ADMIN_PASSWORD: &str = "Xt-Bench#2027";

pub struct Scratch {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    pub url: String,
    pub dir: PathBuf,
    sqlite_file: Option<PathBuf>,
    /// (administration URL, database name) of a PostgreSQL scratch database.
    pg: Option<(String, String)>,
}

/// A fresh temporary directory.
pub fn temp_dir(prefix: &str) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

impl Scratch {
    /// A SQLite file in a new temporary directory, or, for a `postgres://` URL (the server's
    /// administration database), a new database on that server.
    pub async fn create(database_url: &str) -> anyhow::Result<Scratch> {
        let dir = temp_dir("xt-bench")?;
        if database_url.is_empty() || database_url.starts_with("sqlite:") {
            let file = dir.join("xietong.db");
            return Ok(Scratch {
                backend: "sqlite",
                url: format!("sqlite://{}?mode=rwc", file.display()),
                dir,
                sqlite_file: Some(file),
                pg: None,
            });
        }
        anyhow::ensure!(
            database_url.starts_with("postgres://") || database_url.starts_with("postgresql://"),
            "--database-url must be postgres://… (or empty for a scratch SQLite file)"
        );
        let name = format!("xt_bench_{}", uuid::Uuid::now_v7().simple());
        let admin = Database::connect(database_url).await.with_context(|| {
            format!("connecting to {}", xietong_server::db::redact(database_url))
        })?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .context("creating the scratch database")?;
        admin.close().await.ok();
        let (base, query) = match database_url.split_once('?') {
            Some((b, q)) => (b, format!("?{q}")),
            None => (database_url, String::new()),
        };
        let base = base.rsplit_once('/').map(|(b, _)| b).unwrap_or(base);
        Ok(Scratch {
            backend: "postgres",
            url: format!("{base}/{name}{query}"),
            dir,
            sqlite_file: None,
            pg: Some((database_url.to_string(), name)),
        })
    }

    /// Migrates, bootstraps the default tenant and builds the application, as `xietong serve`
    /// does (default settings, pool size `max_connections` when given; the login rate limit
    /// raised for the setup's many sign-ins).
    pub async fn app(&self, max_connections: Option<u32>) -> anyhow::Result<App> {
        let defaults = Config::default();
        let config = Config {
            data_dir: self.dir.clone(),
            admin_password: Some(Secret(ADMIN_INITIAL.into())),
            login_rate_per_minute: 100_000,
            max_connections: max_connections.unwrap_or(defaults.max_connections),
            ..defaults
        };
        let db = xietong_server::db::connect_and_migrate(&self.url, config.max_connections).await?;
        xietong_server::tenant::bootstrap(&db, Some(ADMIN_INITIAL.into())).await?;
        Ok(App::new(db, config))
    }

    /// The database's size in bytes: SQLite file plus WAL after a checkpoint, or
    /// `pg_database_size`.
    pub async fn size_bytes(&self, db: &DatabaseConnection) -> anyhow::Result<u64> {
        match &self.sqlite_file {
            Some(file) => {
                db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                    .await?;
                let mut total = 0;
                for suffix in ["", "-wal"] {
                    let p = PathBuf::from(format!("{}{suffix}", file.display()));
                    total += std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
                }
                Ok(total)
            }
            None => Ok(
                scalar_i64(db, "SELECT pg_database_size(current_database()) AS n").await? as u64,
            ),
        }
    }

    /// Drops the PostgreSQL database and removes the temporary directory.
    pub async fn remove(self) {
        if let Some((admin_url, name)) = &self.pg
            && let Ok(admin) = Database::connect(admin_url.as_str()).await
        {
            if let Err(e) = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
            {
                eprintln!("xietong-bench: could not drop scratch database {name}: {e}");
            }
            admin.close().await.ok();
        }
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// The first column (`n`) of a one-row query, as a number.
pub async fn scalar_i64(db: &DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
    let backend: DatabaseBackend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(backend, sql.to_string()))
        .await?
        .with_context(|| format!("no row from {sql}"))?;
    Ok(row.try_get::<i64>("", "n")?)
}
