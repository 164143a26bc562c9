//! API tests: every endpoint through the real router, on SQLite and on PostgreSQL.

mod common;

mod access;
mod audit;
mod auth;
mod calendar;
mod conventions;
mod delegation;
mod flow_check;
mod flow_instances;
mod flow_templates;
mod forms;
mod isolation;
mod jobs;
mod notices;
mod org;
mod outbound;
mod sinks;
mod stats;
mod supervision;
mod time_limits;
mod transfer;
