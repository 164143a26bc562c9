//! The built-in business templates every new tenant (and the demo) gets: form, flow tree, R5
//! opinion rules, time limits and settings, as JSON files in `crates/forms/builtin/`.
//!
//! Each file is `{"key", "name", "category", "icon", "description", "settings", "form", "tree"}`:
//! `settings` are the server's `TemplateSettings` (no people ids), `form` a [`crate::FormSpec`],
//! `tree` the engine's `FlowTree` (its `key` is replaced by the installer). Participants come
//! from the org (supervisor, department head, leader in charge, roles `hr`/`oa_admin`/`sysadmin`,
//! the initiator, form fields); finance, legal, admin-office and general-manager steps name the
//! posts `finance`, `legal`, `admin_office` and `general_manager` and go to the administrator
//! (`on_empty: to_admin`) in a tenant that has no such post. `tests/builtin.rs` checks them all.

/// One built-in template as JSON: key, name, category, icon, description, settings, form, tree.
pub struct Builtin {
    pub key: &'static str,
    pub json: &'static str,
}

macro_rules! builtin {
    ($key:literal) => {
        Builtin {
            key: $key,
            json: include_str!(concat!("../builtin/", $key, ".json")),
        }
    };
}

/// The built-in templates, in the order the catalogue shows them.
pub const BUILTINS: [Builtin; 12] = [
    builtin!("leave"),
    builtin!("expense"),
    builtin!("purchase"),
    builtin!("contract"),
    builtin!("seal"),
    builtin!("invoice"),
    builtin!("consulting"),
    builtin!("oa_account"),
    builtin!("password_reset"),
    builtin!("repair"),
    builtin!("staffing"),
    builtin!("report"),
];
