//! Behaviour tests of the engine: actions, R5 opinion rules, send-back in parallel sections,
//! formats, and property tests of the DESIGN §3 invariants.

mod actions;
mod formats;
mod invariants;
mod opinion_rules;
mod overdue;
mod participants;
mod properties;
mod send_back;
mod stand_in;
mod support;
mod task_matters;
