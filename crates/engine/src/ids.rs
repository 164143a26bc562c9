//! Identifier newtypes, so a task id can never be passed where a user id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        // Arc<str>: ids are copied into tasks, effects and history all the time; sharing the
        // text keeps those copies free of allocation.
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Arc<str>);

        impl $name {
            /// An id from text.
            pub fn new(text: impl Into<Arc<str>>) -> Self {
                $name(text.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name(Arc::from(""))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(Arc::from(s))
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(Arc::from(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

macro_rules! index_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, Default)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The id as a vector index.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

text_id!(
    /// A user (person) as the server knows them.
    UserId
);
text_id!(
    /// A department in the organisation tree.
    DeptId
);
index_id!(
    /// A node of a definition: its index in `FlowDefinition::nodes`.
    NodeId
);
index_id!(
    /// A task within one instance; never reused by that instance.
    TaskId
);
index_id!(
    /// A token (one running point of the flow) within one instance.
    TokenId
);
index_id!(
    /// One activation of a parallel/inclusive split or embedded sub-process.
    FrameId
);
index_id!(
    /// A pending timer within one instance.
    TimerId
);
index_id!(
    /// A carbon copy (抄送) sent to one user within one instance.
    CcId
);

/// A point in time: seconds since 1970-01-01T00:00:00Z. The engine never reads a clock; the
/// server passes `now` in.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);
