//! Checks form data against the form: the server's word, mirrored by the browser.

use crate::checks;
use crate::data::{Data, Env, json_decimal, normalised};
use crate::issue::{Issue, Label, data_issue, file_message, number_text};
use crate::schema::{Field, FormSpec, Kind, MAX_FILES, MAX_ROWS, MAX_SIZE_MB};
use serde_json::Value as Json;

/// How to check.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Fields missing from the data are not checked (an approver's edit sends a few fields).
    pub partial: bool,
}

/// Longest texts when the form sets no `max_length`.
pub const TEXT_MAX: u32 = 500;
pub const TEXTAREA_MAX: u32 = 10_000;

/// Whether a value counts as empty for `required`.
pub fn is_empty(kind: Kind, v: Option<&Json>) -> bool {
    match v {
        None | Some(Json::Null) => true,
        Some(Json::String(s)) => s.trim().is_empty(),
        Some(Json::Array(a)) => a.is_empty(),
        Some(Json::Object(o)) => match kind {
            Kind::DateRange => ["start", "end"].iter().any(|k| {
                o.get(*k)
                    .is_none_or(|v| v.as_str().is_none_or(|s| s.trim().is_empty()))
            }),
            Kind::Address => o
                .get("detail")
                .is_none_or(|v| v.as_str().is_none_or(|s| s.trim().is_empty())),
            _ => o.get("id").is_none_or(Json::is_null),
        },
        Some(_) => false,
    }
}

/// Normalises the data (see [`normalise`]) and checks it; the kept data, or every problem.
pub fn prepare(
    form: &FormSpec,
    input: &Data,
    env: &Env,
    opts: Options,
) -> Result<Data, Vec<Issue>> {
    let (data, hidden) = normalised(form, input, env);
    let mut issues = Vec::new();
    for f in &form.fields {
        // A field hidden by its visibility rule is not checked.
        if f.kind.is_derived() || hidden.contains(&f.key) {
            continue;
        }
        let v = data.get(&f.key);
        if opts.partial && v.is_none() {
            continue;
        }
        check_field(
            f,
            v,
            &Label::plain(&f.label),
            format!("form.{}", f.key),
            env,
            &mut issues,
        );
    }
    for k in input.keys() {
        if form.field(k).is_none() {
            issues.push(data_issue(
                format!("form.{k}"),
                "form.unknown_field",
                &Label::plain(k),
                k,
            ));
        }
    }
    if issues.is_empty() {
        Ok(data)
    } else {
        Err(issues)
    }
}

fn is_file(v: &Json) -> bool {
    v.get("id").is_some_and(Json::is_string)
        && v.get("name").is_some_and(Json::is_string)
        && v.get("size").is_some_and(Json::is_u64)
        && v.get("content_type").is_some_and(Json::is_string)
}

fn is_ref(v: &Json) -> bool {
    v.get("id").is_some_and(Json::is_string)
}

fn accepted(accept: &[String], name: &str, content_type: &str) -> bool {
    accept.is_empty()
        || accept.iter().any(|a| {
            if a.starts_with('.') {
                name.to_lowercase().ends_with(&a.to_lowercase())
            } else {
                content_type.to_lowercase().starts_with(&a.to_lowercase())
            }
        })
}

fn check_files(f: &Field, files: &[Json], l: &Label, at: &str, out: &mut Vec<Issue>) {
    let max_files = f.max_files.unwrap_or(if f.kind == Kind::Signature {
        1
    } else {
        MAX_FILES
    });
    if files.len() as u32 > max_files {
        out.push(data_issue(
            at.into(),
            "form.files_max",
            l,
            &max_files.to_string(),
        ));
        return;
    }
    let mb = f.max_size_mb.unwrap_or(MAX_SIZE_MB);
    let default_accept = ["image/".to_string()];
    let accept: &[String] = if f.accept.is_empty() && f.kind != Kind::Attachments {
        &default_accept
    } else {
        &f.accept
    };
    for file in files {
        if !is_file(file) {
            out.push(data_issue(at.into(), "form.type", l, ""));
            return;
        }
        let name = file["name"].as_str().unwrap_or_default();
        let size = file["size"].as_u64().unwrap_or_default();
        if size as f64 > mb * 1024.0 * 1024.0 {
            let (zh, en) = file_message("form.file_size", l, name, &number_text(mb));
            out.push(Issue::new(at, "form.file_size", zh, en));
            return;
        }
        if !accepted(
            accept,
            name,
            file["content_type"].as_str().unwrap_or_default(),
        ) {
            let (zh, en) = file_message("form.file_type", l, name, "");
            out.push(Issue::new(at, "form.file_type", zh, en));
            return;
        }
    }
}

fn check_text(f: &Field, s: &str, l: &Label, at: &str, out: &mut Vec<Issue>) -> bool {
    let len = s.chars().count() as u32;
    let max = f.max_length.unwrap_or(if f.kind == Kind::Textarea {
        TEXTAREA_MAX
    } else {
        TEXT_MAX
    });
    if let Some(min) = f.min_length
        && len < min
    {
        out.push(data_issue(
            at.into(),
            "form.min_length",
            l,
            &min.to_string(),
        ));
        return false;
    }
    if len > max {
        out.push(data_issue(
            at.into(),
            "form.max_length",
            l,
            &max.to_string(),
        ));
        return false;
    }
    if !f.pattern.is_empty() {
        let ok = regex::Regex::new(&format!("^(?:{})$", f.pattern)).is_ok_and(|r| r.is_match(s));
        if !ok {
            out.push(data_issue(at.into(), "form.pattern", l, &f.pattern_message));
            return false;
        }
    }
    true
}

/// Checks one value; pushes at most one issue for it (tables: one per cell).
pub fn check_field(
    f: &Field,
    v: Option<&Json>,
    l: &Label,
    at: String,
    env: &Env,
    out: &mut Vec<Issue>,
) {
    if f.kind.is_derived() {
        return;
    }
    if is_empty(f.kind, v) {
        if f.required {
            out.push(data_issue(at, "form.required", l, ""));
        }
        return;
    }
    let Some(v) = v else { return };
    let wrong = |out: &mut Vec<Issue>| out.push(data_issue(at.clone(), "form.type", l, ""));
    match f.kind {
        Kind::Text | Kind::Textarea => match v.as_str() {
            Some(s) => {
                check_text(f, s, l, &at, out);
            }
            None => wrong(out),
        },
        Kind::Phone | Kind::Email | Kind::IdCard => {
            let Some(s) = v.as_str() else {
                return wrong(out);
            };
            let (ok, code) = match f.kind {
                Kind::Phone => (checks::phone(s), "form.phone"),
                Kind::Email => (checks::email(s), "form.email"),
                _ => (checks::id_card(s, &env.today), "form.id_card"),
            };
            if !ok {
                out.push(data_issue(at, code, l, ""));
            } else {
                check_text(f, s, l, &at, out);
            }
        }
        Kind::Number | Kind::Money | Kind::Percent => {
            let Some(d) = json_decimal(v) else {
                return wrong(out);
            };
            let n = v.as_f64().unwrap_or_default();
            if let Some(min) = f.min
                && n < min
            {
                out.push(data_issue(at, "form.min", l, &number_text(min)));
            } else if let Some(max) = f.max
                && n > max
            {
                out.push(data_issue(at, "form.max", l, &number_text(max)));
            } else if let Some(p) = f.precision()
                && d.scale() > p
            {
                out.push(data_issue(at, "form.precision", l, &p.to_string()));
            }
        }
        Kind::Date => {
            if v.as_str().and_then(checks::date).is_none() {
                out.push(data_issue(at, "form.date", l, ""));
            }
        }
        Kind::Datetime => {
            if !v.as_str().is_some_and(checks::datetime) {
                out.push(data_issue(at, "form.datetime", l, ""));
            }
        }
        Kind::DateRange => {
            let (Some(start), Some(end)) = (
                v.get("start").and_then(Json::as_str),
                v.get("end").and_then(Json::as_str),
            ) else {
                return wrong(out);
            };
            match (checks::day_number(start), checks::day_number(end)) {
                (Some(a), Some(b)) if b < a => out.push(data_issue(at, "form.date_order", l, "")),
                (Some(_), Some(_)) => {}
                _ => out.push(data_issue(at, "form.date", l, "")),
            }
        }
        Kind::Select | Kind::Radio => match v.as_str() {
            Some(s) if f.options.iter().any(|o| o == s) => {}
            Some(s) => out.push(data_issue(at, "form.option", l, s)),
            None => wrong(out),
        },
        Kind::MultiSelect | Kind::Checkbox => {
            let Some(items) = v.as_array() else {
                return wrong(out);
            };
            for item in items {
                match item.as_str() {
                    Some(s) if f.options.iter().any(|o| o == s) => {}
                    Some(s) => return out.push(data_issue(at, "form.option", l, s)),
                    None => return wrong(out),
                }
            }
        }
        Kind::User | Kind::Department => {
            let ok = if f.multiple {
                v.as_array().is_some_and(|a| a.iter().all(is_ref))
            } else {
                is_ref(v)
            };
            if !ok {
                wrong(out);
            }
        }
        Kind::Related => {
            if !is_ref(v) {
                wrong(out);
            }
        }
        Kind::Attachments | Kind::Image => match v.as_array() {
            Some(files) => check_files(f, files, l, &at, out),
            None => wrong(out),
        },
        Kind::Signature => check_files(f, std::slice::from_ref(v), l, &at, out),
        Kind::Address => {
            let ok = v.get("region").is_none_or(Json::is_string)
                && v.get("detail").is_some_and(Json::is_string)
                && v.as_object()
                    .is_some_and(|o| o.keys().all(|k| k == "region" || k == "detail"));
            if !ok {
                wrong(out);
            } else if v["detail"].as_str().unwrap_or_default().chars().count() > TEXT_MAX as usize {
                out.push(data_issue(at, "form.max_length", l, &TEXT_MAX.to_string()));
            }
        }
        Kind::Table => {
            let Some(rows) = v.as_array() else {
                return wrong(out);
            };
            if !rows.iter().all(Json::is_object) {
                return wrong(out);
            }
            let max = f.max_rows.unwrap_or(MAX_ROWS);
            if let Some(min) = f.min_rows
                && (rows.len() as u32) < min
            {
                return out.push(data_issue(at, "form.rows_min", l, &min.to_string()));
            }
            if rows.len() as u32 > max {
                return out.push(data_issue(at, "form.rows_max", l, &max.to_string()));
            }
            for (i, row) in rows.iter().enumerate() {
                let Some(row) = row.as_object() else { continue };
                for c in &f.fields {
                    check_field(
                        c,
                        row.get(&c.key),
                        &Label::cell(&f.label, i, &c.label),
                        format!("{at}[{i}].{}", c.key),
                        env,
                        out,
                    );
                }
                for k in row.keys() {
                    if !f.fields.iter().any(|c| &c.key == k) {
                        out.push(data_issue(
                            format!("{at}[{i}].{k}"),
                            "form.unknown_field",
                            &Label::plain(k),
                            k,
                        ));
                    }
                }
            }
        }
        Kind::Description | Kind::Section | Kind::Serial | Kind::Computed | Kind::Unknown => {}
    }
}
