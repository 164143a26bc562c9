//! Identifiers: UUIDv7 made by the application, wrapped per kind so they cannot be mixed up.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A new time-ordered id.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);
        impl $name {
            /// A fresh id.
            pub fn new() -> Self { Self(new_id()) }
        }
        impl Default for $name { fn default() -> Self { Self::new() } }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { self.0.fmt(f) }
        }
        impl From<Uuid> for $name { fn from(u: Uuid) -> Self { Self(u) } }
        impl From<$name> for Uuid { fn from(i: $name) -> Uuid { i.0 } }
    )*};
}

id_type! {
    /// A tenant (one company or group using the deployment).
    TenantId,
    /// A user account.
    UserId,
    /// A department.
    DepartmentId,
    /// A company inside a tenant.
    CompanyId,
    /// A post (岗位).
    PostId,
}
