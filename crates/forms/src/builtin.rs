//! The built-in business templates every new tenant gets (filled in by the templates' author).

/// One built-in template as JSON: key, name, category, icon, description, settings, form, tree.
pub struct Builtin {
    pub key: &'static str,
    pub json: &'static str,
}

/// The built-in templates.
pub const BUILTINS: [Builtin; 0] = [];
