//! The application context shared by every request.

use std::collections::HashMap;
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
    pub login_limiter: RateLimiter,
    tenants: RwLock<HashMap<Uuid, Arc<TenantInfo>>>,
    /// Published flow versions compiled once (versions never change).
    pub flow_versions: RwLock<HashMap<Uuid, Arc<crate::flow::instances::CompiledVersion>>>,
}

/// Cheap-to-clone handle on [`AppState`].
#[derive(Clone)]
pub struct App(pub Arc<AppState>);

impl App {
    pub fn new(db: DatabaseConnection, config: Config) -> App {
        let login_limiter = RateLimiter::per_minute(config.login_rate_per_minute);
        App(Arc::new(AppState { db, config, login_limiter, tenants: RwLock::new(HashMap::new()), flow_versions: RwLock::new(HashMap::new()) }))
    }

    /// A tenant and its settings, cached in memory (settings change rarely).
    pub async fn tenant(&self, id: Uuid) -> Result<Arc<TenantInfo>, AppError> {
        if let Some(t) = self.tenants.read().expect("tenant cache").get(&id) {
            return Ok(t.clone());
        }
        let t = Arc::new(crate::tenant::load(&self.db, id).await?);
        self.tenants.write().expect("tenant cache").insert(id, t.clone());
        Ok(t)
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
