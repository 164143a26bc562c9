//! The application context shared by every request.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::ratelimit::RateLimiter;
use crate::config::Config;
use crate::error::AppError;
use crate::tenant::TenantInfo;

/// Shared state: the database, the settings and in-memory limiters.
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Config,
    /// File bytes (attachments, images, signatures).
    pub blobs: crate::files::Blobs,
    pub login_limiter: RateLimiter,
    tenants: RwLock<HashMap<Uuid, Arc<TenantInfo>>>,
    /// Published flow versions compiled once (versions never change).
    pub flow_versions: RwLock<HashMap<Uuid, Arc<crate::flow::service::CompiledVersion>>>,
    /// Organisation, administrator and calendar per tenant (see `App::directory`).
    pub directories: RwLock<HashMap<Uuid, Arc<crate::flow::service::Directory>>>,
    /// Wakes this node's job runner (a job due now was enqueued here).
    pub jobs_wake: crate::jobs::Wake,
    /// Tenants whose directory is being reloaded in the background.
    pub directory_refreshing: std::sync::Mutex<std::collections::HashSet<Uuid>>,
    /// Template rows, with the time and generation they were read at.
    pub flow_templates: RwLock<HashMap<Uuid, TemplateCacheEntry>>,
    /// Bumped whenever this node changes the organisation or a template: cached directories
    /// and templates older than it are read again.
    generation: AtomicU64,
    /// Live delivery of notifications to open event streams.
    pub live: Arc<crate::notifications::live::Hub>,
    /// The Web Push signing key, once read (see `notifications::push::vapid_key`).
    pub vapid: std::sync::OnceLock<xietong_webpush::VapidKey>,
}

pub type TemplateCacheEntry = (
    std::time::Instant,
    u64,
    Arc<crate::entities::flow_template::Model>,
);

/// Cheap-to-clone handle on [`AppState`].
#[derive(Clone)]
pub struct App(pub Arc<AppState>);

impl App {
    pub fn new(db: DatabaseConnection, config: Config) -> App {
        let login_limiter = RateLimiter::per_minute(config.login_rate_per_minute);
        let blobs = crate::files::Blobs::fs(
            &config
                .blob_dir
                .clone()
                .unwrap_or_else(|| config.data_dir.join("blobs")),
        );
        App(Arc::new(AppState {
            db,
            blobs,
            config,
            login_limiter,
            tenants: RwLock::new(HashMap::new()),
            flow_versions: RwLock::new(HashMap::new()),
            directories: RwLock::new(HashMap::new()),
            directory_refreshing: Default::default(),
            jobs_wake: Default::default(),
            flow_templates: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
            live: Default::default(),
            vapid: Default::default(),
        }))
    }

    /// A tenant and its settings, cached in memory (settings change rarely).
    pub async fn tenant(&self, id: Uuid) -> Result<Arc<TenantInfo>, AppError> {
        if let Some(t) = self.tenants.read().expect("tenant cache").get(&id) {
            return Ok(t.clone());
        }
        let t = Arc::new(crate::tenant::load(&self.db, id).await?);
        self.tenants
            .write()
            .expect("tenant cache")
            .insert(id, t.clone());
        Ok(t)
    }

    /// Wakes this node's job runner to look for due jobs now.
    pub fn wake_jobs(&self) {
        self.jobs_wake.notify_one();
    }

    /// The current cache generation.
    pub fn directory_generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Marks cached organisation directories and templates stale.
    pub fn directory_changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Forgets a cached tenant after its row changed.
    pub fn forget_tenant(&self, id: Uuid) {
        self.tenants.write().expect("tenant cache").remove(&id);
    }
}

impl std::ops::Deref for App {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.0
    }
}
