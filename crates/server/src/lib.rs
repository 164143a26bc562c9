//! Xietong (协同) server: configuration, storage, HTTP API, accounts, organisation and audit.

pub mod app;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod entities;
pub mod error;
pub mod files;
pub mod flow;
pub mod forms;
pub mod http;
pub mod i18n;
pub mod ids;
pub mod jobs;
pub mod lookup;
pub mod notifications;
pub mod org;
pub mod reports;
pub mod tenant;
