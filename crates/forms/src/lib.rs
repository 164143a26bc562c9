//! Flow-template forms as pure code (docs/forms.md): the schema, checks of the schema, data
//! normalisation (computed fields, visibility rules, durations), validation with the messages
//! the browser shows too, the uppercase amount, and per-node field permissions.

pub mod amount;
pub mod builtin;
pub mod checks;
pub mod data;
pub mod design;
pub mod issue;
pub mod schema;
pub mod validate;

pub use amount::uppercase;
pub use data::{Data, Env, defaults, normalise};
pub use design::check_form;
pub use issue::Issue;
pub use schema::{ComputedFormat, Duration, Field, FormSpec, Kind, Perm};
pub use validate::{Options, prepare};
