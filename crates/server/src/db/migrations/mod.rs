//! Versioned migrations, written once for both backends with SeaQuery's schema builder.

use sea_orm_migration::prelude::*;

mod m20261128_000001_foundation;
mod m20261128_000002_flow_templates;
mod m20261128_000003_flow_instances;
mod m20261129_000004_jobs;
mod m20261129_000005_calendar;
mod m20261129_000006_violations;
mod m20261129_000007_reports;
mod m20261129_000008_delegations;
mod m20261205_000009_notify_channels;
mod m20261206_000010_forms;

/// All migrations this binary knows, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_foundation::Migration),
            Box::new(m20261128_000002_flow_templates::Migration),
            Box::new(m20261128_000003_flow_instances::Migration),
            Box::new(m20261129_000004_jobs::Migration),
            Box::new(m20261129_000005_calendar::Migration),
            Box::new(m20261129_000006_violations::Migration),
            Box::new(m20261129_000007_reports::Migration),
            Box::new(m20261129_000008_delegations::Migration),
            Box::new(m20261205_000009_notify_channels::Migration),
            Box::new(m20261206_000010_forms::Migration),
        ]
    }
}
