//! SeaORM entities, one per table.

pub mod api_token;
pub mod audit_entry;
pub mod calendar_day;
pub mod calendar_setting;
pub mod company;
pub mod delegation;
pub mod department;
pub mod flow_cc;
pub mod flow_history;
pub mod flow_instance;
pub mod flow_report;
pub mod flow_task;
pub mod flow_template;
pub mod flow_template_version;
pub mod flow_violation;
pub mod job;
pub mod login_record;
pub mod notification;
pub mod post;
pub mod recovery_code;
pub mod session;
pub mod tenant;
pub mod user;
pub mod user_assignment;
pub mod user_part_time;
pub mod user_role;
