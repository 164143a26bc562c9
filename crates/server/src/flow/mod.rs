//! Approval flows: templates (流程模板) and their published versions, instances, tasks, lists.

pub mod catalog;
pub mod check;
pub mod definition;
pub mod delegation;
pub mod instances;
pub mod lists;
pub mod reports;
pub mod serial;
pub mod service;
pub mod stats;
pub mod supervision;
pub(crate) mod templates;
pub mod timers;

use utoipa_axum::router::OpenApiRouter;

use crate::app::App;

pub fn routes() -> OpenApiRouter<App> {
    templates::routes()
        .merge(instances::routes())
        .merge(lists::routes())
        .merge(supervision::routes())
        .merge(stats::routes())
        .merge(reports::routes())
        .merge(delegation::routes())
        .merge(catalog::routes())
}
