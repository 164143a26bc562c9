//! The `xietong` command line: `serve`, `demo`, `migrate`, `check`, `openapi`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::app::App;
use crate::config::{Config, FlagOverrides};

#[derive(Parser)]
#[command(name = "xietong", version, about = "Xietong (协同) office automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the HTTP server.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address to listen on (default 0.0.0.0:8080).
        #[arg(long)]
        listen: Option<String>,
        /// Load the demo company when the database has none yet.
        #[arg(long)]
        demo: bool,
    },
    /// Load the demo company 示例科技有限公司 into the database (once).
    Demo {
        #[command(flatten)]
        common: Common,
    },
    /// Run database migrations and exit.
    Migrate {
        #[command(flatten)]
        common: Common,
    },
    /// Check flow data for consistency (read only). Exit code 0: clean, 1: problems found,
    /// 2: the check could not run.
    Check {
        #[command(flatten)]
        common: Common,
        /// Only this tenant (its id).
        #[arg(long)]
        tenant: Option<uuid::Uuid>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Args)]
struct Common {
    /// TOML settings file (also XIETONG_CONFIG).
    #[arg(long, env = "XIETONG_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory (default ./data).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Database URL: sqlite://… or postgres://… (default: SQLite in the data directory).
    #[arg(long)]
    database_url: Option<String>,
    /// Log filter, e.g. info or debug.
    #[arg(long)]
    log: Option<String>,
}

impl Common {
    fn load(self, listen: Option<String>) -> anyhow::Result<Config> {
        Config::load(
            self.config.as_deref(),
            FlagOverrides {
                data_dir: self.data_dir,
                listen,
                database_url: self.database_url,
                log: self.log,
            },
        )
    }
}

fn init_logs(cfg: &Config) {
    let filter = EnvFilter::try_new(&cfg.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if cfg.log_json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // `check` keeps 1 for "problems found"; it fails with 2.
    let failure = match cli.command {
        Command::Check { .. } => ExitCode::from(2),
        _ => ExitCode::FAILURE,
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return failure;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("error: {e:#}");
            failure
        }
    }
}

async fn open(cfg: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    std::fs::create_dir_all(&cfg.data_dir)
        .with_context(|| format!("creating data directory {}", cfg.data_dir.display()))?;
    let db = crate::db::connect_and_migrate(&cfg.database_url(), cfg.max_connections).await?;
    crate::tenant::bootstrap(
        &db,
        cfg.admin_password.as_ref().map(|s| s.expose().to_string()),
    )
    .await?;
    Ok(db)
}

/// Opens the database for reading only: no migration, no bootstrap; the schema must be this
/// binary's. The embedded SQLite file is opened read-only and must exist.
async fn open_read_only(cfg: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let url = cfg.database_url();
    let url = match url.strip_prefix("sqlite:") {
        Some(rest) => {
            let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
            let file = path.trim_start_matches("//");
            anyhow::ensure!(
                file.starts_with(':') || std::path::Path::new(file).exists(),
                "no database at {file}: is --data-dir (or --database-url) right?"
            );
            let mut params: Vec<&str> = query
                .split('&')
                .filter(|p| !p.is_empty() && !p.starts_with("mode="))
                .collect();
            params.push("mode=ro");
            format!("sqlite:{path}?{}", params.join("&"))
        }
        None => url,
    };
    let db = crate::db::connect(&url, 2).await?;
    crate::db::check_schema_current(&db).await?;
    Ok(db)
}

async fn check(cfg: &Config, tenant: Option<uuid::Uuid>, json: bool) -> anyhow::Result<ExitCode> {
    let db = open_read_only(cfg).await?;
    if let Some(t) = tenant {
        use sea_orm::EntityTrait;
        anyhow::ensure!(
            crate::entities::tenant::Entity::find_by_id(t)
                .one(&db)
                .await?
                .is_some(),
            "no tenant {t}"
        );
    }
    let started = std::time::Instant::now();
    let report = crate::flow::check::check(&db, tenant)
        .await
        .context("checking flow data")?;
    db.close().await.ok();
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.human());
        println!("took {:.1} s", started.elapsed().as_secs_f64());
    }
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Openapi => {
            println!("{}", crate::http::openapi_json());
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            common,
            tenant,
            json,
        } => {
            let cfg = common.load(None)?;
            init_logs(&cfg);
            check(&cfg, tenant, json).await
        }
        Command::Migrate { common } => {
            let cfg = common.load(None)?;
            init_logs(&cfg);
            open(&cfg).await?;
            tracing::info!("database is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { common } => {
            let cfg = common.load(None)?;
            init_logs(&cfg);
            let db = open(&cfg).await?;
            crate::demo::load(&db).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            common,
            listen,
            demo,
        } => {
            let started = std::time::Instant::now();
            keep_large_allocations_apart();
            let cfg = common.load(listen)?;
            init_logs(&cfg);
            let db = open(&cfg).await?;
            if demo {
                crate::demo::load(&db).await?;
            }
            let listener = tokio::net::TcpListener::bind(&cfg.listen)
                .await
                .with_context(|| format!("listening on {}", cfg.listen))?;
            tracing::info!(
                addr = %listener.local_addr()?,
                database = %crate::db::redact(&cfg.database_url()),
                startup_ms = started.elapsed().as_millis() as u64,
                "xietong is serving"
            );
            let (concurrency, poll) = (cfg.jobs_concurrency, cfg.jobs_poll_ms);
            let app = App::new(db.clone(), cfg);
            app.live.ensure_started(&app).await;
            if let Err(e) = crate::flow::reports::ensure_scheduled(&app).await {
                tracing::warn!(error = %e, "scheduling the weekly overdue reports failed");
            }
            if let Err(e) = crate::notifications::digest::ensure_scheduled(&app).await {
                tracing::warn!(error = ?e.code, "scheduling the digests failed");
            }
            let runner = (concurrency > 0).then(|| {
                crate::jobs::Runner::start(
                    app.clone(),
                    concurrency,
                    std::time::Duration::from_millis(poll.max(10)),
                )
            });
            let live = app.live.clone();
            let router = crate::http::router(app);
            serve(listener, router, shutdown_signal(), live).await;
            if let Some(r) = runner {
                r.stop().await;
            }
            db.close().await?;
            tracing::info!("stopped");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Allocations of this size and more get pages of their own from the system, returned when
/// freed (glibc).
const MMAP_THRESHOLD: usize = 1024 * 1024;

/// Stops glibc from raising its mmap threshold after a large block is freed (up to 32 MiB by
/// default). Each sign-in's Argon2 hash takes a 19 MiB block on a blocking thread; with the
/// threshold raised those blocks come from the threads' arenas and stay there after the hash,
/// about 19 MiB per thread that ever hashed (an idle server measured 305 MiB, 32 MiB with this).
fn keep_large_allocations_apart() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes glibc's allocator settings, under glibc's own locks.
    unsafe {
        libc::mallopt(
            libc::M_MMAP_THRESHOLD,
            libc::c_int::try_from(MMAP_THRESHOLD).unwrap_or(libc::c_int::MAX),
        );
    }
}

/// How long open connections get to finish after a shutdown signal.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(20);

/// Serves HTTP/1.1 on `listener` until `signal`, then ends the live streams, lets the other
/// connections finish their exchanges (at most [`SHUTDOWN_GRACE`]) and returns.
///
/// Written out rather than `axum::serve` so that each connection is set up for what thousands
/// of idle event streams cost (see docs/decisions.md, "Serving connections ourselves").
async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    signal: impl std::future::Future<Output = ()>,
    live: std::sync::Arc<crate::notifications::live::Hub>,
) {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::TokioIo;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let http = hyper::server::conn::http1::Builder::new();
    // stopping: sent once on shutdown; open: every connection task holds a receiver
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let (open_tx, open_rx) = tokio::sync::watch::channel(());
    let mut signal = std::pin::pin!(signal);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let _ = stream.set_nodelay(true);
        let svc = router.clone().map_request(
            move |mut req: axum::extract::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(remote));
                req
            },
        );
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc));
        let mut stop = stop_rx.clone();
        let open = open_rx.clone();
        // boxed: the task then holds one pointer to the connection, not two copies of it
        let mut conn = Box::pin(conn);
        let task = async move {
            let finished = tokio::select! {
                _ = conn.as_mut() => true,
                _ = stop.wait_for(|s| *s) => false,
            };
            if !finished {
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
            drop(open);
        };
        tokio::spawn(task);
    }
    drop(listener);
    drop(open_rx);
    // the event streams are told to end; every other connection finishes what it is doing
    live.close();
    let _ = stop_tx.send(true);
    if tokio::time::timeout(SHUTDOWN_GRACE, open_tx.closed())
        .await
        .is_err()
    {
        tracing::warn!(
            open = open_tx.receiver_count(),
            "connections still open after the grace period are dropped"
        );
    }
}

/// After a failed accept: a connection's own error is skipped; running out of file descriptors
/// (or the like) waits a moment for connections to close rather than spin.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
