//! Settings from defaults, an optional TOML file, `XIETONG_*` environment variables and flags,
//! in that order of precedence (later wins).

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// A secret value that never prints.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Secret {
    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Everything the server can be told at start.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Where the embedded database, blobs and indexes live.
    pub data_dir: PathBuf,
    /// Address to listen on.
    pub listen: String,
    /// `sqlite://…` or `postgres://…`; default: `<data_dir>/xietong.db`.
    pub database_url: Option<Secret>,
    /// Log filter, e.g. `info` or `xietong_server=debug,info`.
    pub log: String,
    /// Log as JSON lines instead of text.
    pub log_json: bool,
    /// Initial password of `admin` on first start; generated and printed once when unset.
    pub admin_password: Option<Secret>,
    /// Serve the web UI from this directory instead of the embedded copy.
    pub web_dir: Option<PathBuf>,
    /// Mark cookies `Secure` (also when a request arrives with `X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
    /// Minutes of inactivity after which a session ends.
    pub session_idle_minutes: i64,
    /// Hours after sign-in after which a session ends whatever happens.
    pub session_absolute_hours: i64,
    /// Failed sign-ins that lock an account.
    pub lockout_threshold: i32,
    /// Minutes an account stays locked.
    pub lockout_minutes: i64,
    /// Sign-in attempts allowed per client IP per minute.
    pub login_rate_per_minute: u32,
    /// Database pool size.
    pub max_connections: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Background jobs this node runs at once; 0: this node runs none (other nodes do).
    pub jobs_concurrency: usize,
    /// How often the job runner looks for due jobs, in milliseconds.
    pub jobs_poll_ms: u64,
    /// The address people open Xietong at, for links in mail, robots and push messages, e.g.
    /// `https://oa.example.com`; default: `http://localhost:<port of listen>`.
    pub public_url: Option<String>,
    /// The contact a Web Push service may reach the operator at (VAPID `sub`): a `mailto:` or
    /// `https:` URL; default: `mailto:admin@<host of public_url>`.
    pub push_contact: Option<String>,
    /// Where uploaded files live; default `<data_dir>/blobs`. With several server nodes, a
    /// directory every node mounts (NFS and the like).
    pub blob_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./data"),
            listen: "0.0.0.0:8080".into(),
            database_url: None,
            log: "info".into(),
            log_json: false,
            admin_password: None,
            web_dir: None,
            secure_cookies: false,
            session_idle_minutes: 8 * 60,
            session_absolute_hours: 7 * 24,
            lockout_threshold: 5,
            lockout_minutes: 15,
            login_rate_per_minute: 30,
            max_connections: 10,
            trust_forwarded_for: false,
            jobs_concurrency: 4,
            jobs_poll_ms: 1000,
            public_url: None,
            push_contact: None,
            blob_dir: None,
        }
    }
}

/// Values given on the command line; only those present override.
#[derive(Debug, Default, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
}

impl Config {
    /// Loads defaults < TOML file < `XIETONG_*` env < flags.
    pub fn load(config_file: Option<&Path>, flags: FlagOverrides) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = config_file {
            anyhow::ensure!(
                path.exists(),
                "config file {} does not exist",
                path.display()
            );
            fig = fig.merge(Toml::file(path));
        }
        fig = fig
            .merge(Env::prefixed("XIETONG_").ignore(&["config", "test_pg_url"]))
            .merge(Serialized::defaults(flags));
        fig.extract().context("reading settings")
    }

    /// The base of links people follow back into Xietong (no trailing slash).
    pub fn public_url(&self) -> String {
        match self
            .public_url
            .as_deref()
            .map(|u| u.trim().trim_end_matches('/'))
        {
            Some(u) if !u.is_empty() => u.to_string(),
            _ => {
                let port = self.listen.rsplit(':').next().unwrap_or("8080");
                format!("http://localhost:{port}")
            }
        }
    }

    /// The VAPID `sub` claim.
    pub fn push_contact(&self) -> String {
        match self.push_contact.as_deref().map(str::trim) {
            Some(c) if !c.is_empty() => c.to_string(),
            _ => {
                let base = self.public_url();
                let host = base
                    .split("://")
                    .nth(1)
                    .unwrap_or("localhost")
                    .split(['/', ':'])
                    .next()
                    .unwrap_or("localhost")
                    .to_string();
                format!("mailto:admin@{host}")
            }
        }
    }

    /// The database URL in force.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.0.is_empty() => url.0.clone(),
            _ => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("xietong.db").display()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_file_and_defaults() {
        let dir = std::env::temp_dir().join(format!("xt-cfg-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("xietong.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\nlog = \"debug\"\nlockout_threshold = 7\n",
        )
        .unwrap();
        let cfg = Config::load(
            Some(&file),
            FlagOverrides {
                listen: Some("127.0.0.1:9100".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(cfg.listen, "127.0.0.1:9100");
        assert_eq!(cfg.log, "debug");
        assert_eq!(cfg.lockout_threshold, 7);
        assert!(cfg.database_url().starts_with("sqlite://./data/xietong.db"));
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret("hunter2".into());
        assert_eq!(format!("{s:?}"), "Secret(***)");
    }
}
