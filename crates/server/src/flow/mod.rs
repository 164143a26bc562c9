//! Approval flows: templates (流程模板) and their published versions. Instances and tasks follow.

pub mod definition;
pub mod serial;
mod templates;

pub use templates::routes;
