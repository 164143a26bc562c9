//! Built-in roles, the permissions they carry, and proof types: a handler that takes
//! `Authorized<OrgWrite>` cannot run for a caller who lacks `org.write`.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Authenticated, Principal};
use crate::error::{AppError, Text};

/// A built-in role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: everything, including roles and tenant settings.
    Sysadmin,
    /// OA管理员: runs the OA (flows later), resets passwords, reads audit and reports.
    OaAdmin,
    /// 人事: opens and closes accounts, maintains the organisation.
    Hr,
    /// 员工: every account.
    Member,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Sysadmin, Role::OaAdmin, Role::Hr, Role::Member];

    pub fn key(self) -> &'static str {
        match self {
            Role::Sysadmin => "sysadmin",
            Role::OaAdmin => "oa_admin",
            Role::Hr => "hr",
            Role::Member => "member",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == s)
    }
    pub fn name(self) -> Text {
        match self {
            Role::Sysadmin => Text::fixed("系统管理员", "System administrator"),
            Role::OaAdmin => Text::fixed("OA管理员", "OA administrator"),
            Role::Hr => Text::fixed("人事", "HR"),
            Role::Member => Text::fixed("员工", "Member"),
        }
    }
    fn grants(self) -> &'static [Perm] {
        use Perm::*;
        match self {
            Role::Sysadmin => &Perm::ALL,
            Role::OaAdmin => &[
                OrgRead,
                UserRead,
                UserResetPassword,
                AuditRead,
                ReportRead,
                FlowAdmin,
            ],
            Role::Hr => &[
                OrgRead,
                OrgWrite,
                UserRead,
                UserWrite,
                UserResetPassword,
                ReportRead,
            ],
            Role::Member => &[OrgRead, UserRead],
        }
    }
}

/// One permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum Perm {
    #[serde(rename = "org.read")]
    OrgRead,
    #[serde(rename = "org.write")]
    OrgWrite,
    #[serde(rename = "user.read")]
    UserRead,
    #[serde(rename = "user.write")]
    UserWrite,
    #[serde(rename = "user.reset_password")]
    UserResetPassword,
    #[serde(rename = "role.assign")]
    RoleAssign,
    #[serde(rename = "audit.read")]
    AuditRead,
    #[serde(rename = "report.read")]
    ReportRead,
    #[serde(rename = "tenant.settings")]
    TenantSettings,
    #[serde(rename = "flow.admin")]
    FlowAdmin,
}

impl Perm {
    pub const ALL: [Perm; 10] = [
        Perm::OrgRead,
        Perm::OrgWrite,
        Perm::UserRead,
        Perm::UserWrite,
        Perm::UserResetPassword,
        Perm::RoleAssign,
        Perm::AuditRead,
        Perm::ReportRead,
        Perm::TenantSettings,
        Perm::FlowAdmin,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Perm::OrgRead => "org.read",
            Perm::OrgWrite => "org.write",
            Perm::UserRead => "user.read",
            Perm::UserWrite => "user.write",
            Perm::UserResetPassword => "user.reset_password",
            Perm::RoleAssign => "role.assign",
            Perm::AuditRead => "audit.read",
            Perm::ReportRead => "report.read",
            Perm::TenantSettings => "tenant.settings",
            Perm::FlowAdmin => "flow.admin",
        }
    }
    /// True for permissions that only read (API tokens with the `read` scope get only these).
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Perm::OrgRead | Perm::UserRead | Perm::AuditRead | Perm::ReportRead
        )
    }
}

/// The permissions granted by `roles`.
pub fn permissions(roles: &[Role]) -> Vec<Perm> {
    let mut out: Vec<Perm> = Vec::new();
    for r in roles {
        for p in r.grants() {
            if !out.contains(p) {
                out.push(*p);
            }
        }
    }
    out.sort_by_key(|p| p.key());
    out
}

/// A permission as a type.
pub trait Permission: Send + Sync + 'static {
    const PERM: Perm;
}

macro_rules! perm_types {
    ($($name:ident => $perm:ident),* $(,)?) => {$(
        #[doc = concat!("Proof of `", stringify!($perm), "`.")]
        pub struct $name;
        impl Permission for $name { const PERM: Perm = Perm::$perm; }
    )*};
}

perm_types! {
    OrgRead => OrgRead,
    OrgWrite => OrgWrite,
    UserRead => UserRead,
    UserWrite => UserWrite,
    UserResetPassword => UserResetPassword,
    RoleAssign => RoleAssign,
    AuditRead => AuditRead,
    ReportRead => ReportRead,
    TenantSettings => TenantSettings,
    FlowAdmin => FlowAdmin,
}

/// A signed-in caller proven to hold permission `P`.
pub struct Authorized<P: Permission> {
    pub principal: Principal,
    _p: PhantomData<P>,
}

impl<P: Permission> Authorized<P> {
    /// Checks `principal` for `P`.
    pub fn check(principal: Principal) -> Result<Self, AppError> {
        if principal.has(P::PERM) {
            Ok(Authorized {
                principal,
                _p: PhantomData,
            })
        } else {
            Err(AppError::forbidden())
        }
    }
}

impl<P: Permission> std::ops::Deref for Authorized<P> {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.principal
    }
}

impl<P: Permission, S: Send + Sync> FromRequestParts<S> for Authorized<P>
where
    Authenticated: FromRequestParts<S, Rejection = AppError>,
{
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Authenticated(p) = Authenticated::from_request_parts(parts, state).await?;
        Authorized::check(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_reads_but_cannot_write_the_organisation() {
        let p = permissions(&[Role::Member]);
        assert!(p.contains(&Perm::OrgRead));
        assert!(!p.contains(&Perm::OrgWrite));
        assert!(!p.contains(&Perm::AuditRead));
    }

    #[test]
    fn only_sysadmin_assigns_roles() {
        for r in Role::ALL {
            assert_eq!(
                permissions(&[r]).contains(&Perm::RoleAssign),
                r == Role::Sysadmin
            );
        }
    }
}
