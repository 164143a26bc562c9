//! BPMN 2.0 XML import and export for the subset the engine runs: start/end events, user tasks
//! (with multi-instance and completion conditions), exclusive/parallel/inclusive gateways,
//! conditional flows, timer boundary events, embedded sub-processes and call activities.
//! Xietong's own settings (participants, modes, policies) travel in the `xietong:` namespace.

mod layout;
mod read;
mod write;

pub use read::import;
pub use write::export;

use crate::definition::{FlowDefinition, ValidationError};

/// The BPMN 2.0 model namespace.
pub const BPMN_NS: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";
/// BPMN diagram interchange.
pub const BPMNDI_NS: &str = "http://www.omg.org/spec/BPMN/20100524/DI";
/// Diagram common (bounds).
pub const DC_NS: &str = "http://www.omg.org/spec/DD/20100524/DC";
/// Diagram interchange (waypoints).
pub const DI_NS: &str = "http://www.omg.org/spec/DD/20100524/DI";
/// Xietong's extension namespace.
pub const XIETONG_NS: &str = "https://xietong.dev/schema/bpmn/1";

/// Why a BPMN document could not be imported.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum BpmnError {
    /// Not well-formed XML.
    #[error("malformed XML: {0}")]
    Xml(String),
    /// The root is not a BPMN `definitions` element.
    #[error("not a BPMN 2.0 document: the root element is `{0}`")]
    NotBpmn(String),
    /// No `process` element.
    #[error("the document has no process")]
    NoProcess,
    /// An element outside the supported subset.
    #[error("unsupported element `{element}` (id `{id}`)")]
    Unsupported {
        /// Its local name (with a hint such as `boundaryEvent/messageEventDefinition`).
        element: String,
        /// Its id, or `?`.
        id: String,
    },
    /// A required attribute is missing.
    #[error("`{element}` (id `{id}`) lacks attribute `{attribute}`")]
    MissingAttribute {
        /// Element.
        element: String,
        /// Id.
        id: String,
        /// Attribute.
        attribute: String,
    },
    /// A reference to an id that does not exist (or not in the same scope).
    #[error("`{id}` refers to unknown `{reference}`")]
    UnknownReference {
        /// The referring element.
        id: String,
        /// The missing id.
        reference: String,
    },
    /// A value that does not parse.
    #[error("`{id}`: {message}")]
    BadValue {
        /// Element id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// The graph imported but is not a valid flow.
    #[error("invalid flow: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<ValidationError>),
}

/// Imports and validates in one step.
pub fn load(xml: &str) -> Result<FlowDefinition, BpmnError> {
    FlowDefinition::new(import(xml)?).map_err(BpmnError::Invalid)
}

#[cfg(test)]
mod tests;
