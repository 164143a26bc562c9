//! The append-only audit log: one call records a state change in the same transaction.

pub mod api;

pub use api::routes;

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryTrait, Set, Statement};
use serde_json::Value;
use uuid::Uuid;

use crate::auth::extract::{Credential, Principal, RequestContext};
use crate::entities::audit_entry;
use crate::ids::new_id;

/// Who made a change, from where.
#[derive(Debug, Clone)]
pub struct Actor {
    pub tenant_id: Uuid,
    pub user_id: Option<Uuid>,
    pub name: Option<String>,
    pub acting_for: Option<Uuid>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Actor {
    /// The server itself (bootstrap, scheduled work, CLI).
    pub fn system(tenant_id: Uuid) -> Actor {
        Actor {
            tenant_id,
            user_id: None,
            name: Some("system".into()),
            acting_for: None,
            ip: None,
            request_id: None,
        }
    }
    /// An anonymous caller (e.g. a failed sign-in) seen in `ctx`.
    pub fn anonymous(tenant_id: Uuid, ctx: &RequestContext) -> Actor {
        Actor {
            tenant_id,
            user_id: None,
            name: None,
            acting_for: None,
            ip: ctx.ip.clone(),
            request_id: Some(ctx.request_id.clone()),
        }
    }
}

impl From<&Principal> for Actor {
    fn from(p: &Principal) -> Actor {
        let name = match p.credential {
            Credential::System => "system".to_string(),
            _ => format!("{} ({})", p.display_name, p.username),
        };
        Actor {
            tenant_id: p.tenant_id,
            user_id: Some(p.user_id),
            name: Some(name),
            acting_for: None,
            ip: p.ctx.ip.clone(),
            request_id: Some(p.ctx.request_id.clone()).filter(|r| !r.is_empty()),
        }
    }
}

/// What changed.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: Option<Uuid>,
    pub summary: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Change {
    pub fn new(
        action: &'static str,
        target_type: &'static str,
        target_id: Option<Uuid>,
        summary: impl Into<String>,
    ) -> Self {
        Change {
            action,
            target_type,
            target_id,
            summary: summary.into(),
            before: None,
            after: None,
        }
    }
    pub fn before(mut self, v: Value) -> Self {
        self.before = Some(v);
        self
    }
    pub fn after(mut self, v: Value) -> Self {
        self.after = Some(v);
        self
    }
}

/// Appends one audit row; call it inside the transaction that makes the change.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    change: Change,
) -> Result<(), DbErr> {
    db.execute_raw(statement(db.get_database_backend(), actor, change))
        .await?;
    Ok(())
}

/// The insert of one audit row, for a caller that batches it with the change's own statements.
pub fn statement(backend: DbBackend, actor: &Actor, change: Change) -> Statement {
    let row = audit_entry::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(actor.tenant_id),
        at: Set(Utc::now()),
        actor_id: Set(actor.user_id),
        actor_name: Set(actor.name.clone()),
        acting_for_id: Set(actor.acting_for),
        action: Set(change.action.to_string()),
        target_type: Set(change.target_type.to_string()),
        target_id: Set(change.target_id),
        summary: Set(change.summary),
        before: Set(change.before),
        after: Set(change.after),
        ip: Set(actor.ip.clone()),
        request_id: Set(actor.request_id.clone()),
    };
    // Append only: nothing to read back.
    audit_entry::Entity::insert(row).build(backend)
}
