//! The organisation (R1): companies, departments, posts, users, and the `OrgDirectory`.

pub mod directory;
mod transfer;
mod units;
mod users;
pub mod validate;

use serde::{Deserialize, Deserializer};
use utoipa_axum::router::OpenApiRouter;

use crate::app::App;

pub use users::{CreateUser, create_user_in};

pub fn routes() -> OpenApiRouter<App> {
    units::routes()
        .merge(users::routes())
        .merge(transfer::routes())
}

/// Tells "absent" (`None`) from "null" (`Some(None)`) in PATCH bodies.
pub(crate) fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
