//! Accounts: sign-in, sessions, passwords, two-factor, API tokens, roles and permissions.

pub mod access;
mod api;
pub mod extract;
pub mod password;
pub mod ratelimit;
pub mod tokens;
pub mod totp;

pub use api::routes;
