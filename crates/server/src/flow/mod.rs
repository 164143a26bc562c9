//! Approval flows: templates (流程模板) and their published versions. Instances and tasks follow.

pub mod definition;
pub mod instances;
pub mod serial;
pub(crate) mod templates;

use utoipa_axum::router::OpenApiRouter;

use crate::app::App;

pub fn routes() -> OpenApiRouter<App> {
    templates::routes().merge(instances::routes())
}
