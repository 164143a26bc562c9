//! Xietong's approval engine: definitions, instances and actions as pure, deterministic code.
