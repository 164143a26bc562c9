//! Checks of the form itself, when a template is saved or published.

use crate::issue::Issue;
use crate::schema::{Field, FormSpec, Kind};
use std::collections::HashSet;
use xietong_engine::expr::Expr;

/// Most fields in a form (and columns in a table).
pub const MAX_FIELDS: usize = 200;

fn ident(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn issue(at: &str, code: &'static str, zh: String, en: String) -> Issue {
    Issue::new(at, code, zh, en)
}

/// Every problem of the form: keys, labels, kinds, options, tables, expressions, patterns,
/// permissions.
pub fn check_form(form: &FormSpec) -> Vec<Issue> {
    let mut out = Vec::new();
    if form.fields.len() > MAX_FIELDS {
        out.push(issue(
            "form",
            "form.too_many_fields",
            "表单字段最多 200 个".into(),
            "At most 200 form fields".into(),
        ));
    }
    if let Some(c) = form.columns
        && !(1..=2).contains(&c)
    {
        out.push(issue(
            "form.columns",
            "form.columns",
            "表单布局只能是 1 列或 2 列".into(),
            "A form has 1 or 2 columns".into(),
        ));
    }
    let top: Vec<&str> = form.fields.iter().map(|f| f.key.as_str()).collect();
    check_fields(&form.fields, "form.fields", &top, None, &mut out);
    for (node, perms) in &form.permissions {
        for key in perms.keys() {
            if form.field(key).is_none() {
                out.push(issue(
                    &format!("form.permissions.{node}"),
                    "form.permission_field",
                    format!("环节「{node}」的字段权限中的「{key}」不是表单字段"),
                    format!(
                        "\"{key}\" in the field permissions of step \"{node}\" is not a form field"
                    ),
                ));
            }
        }
    }
    out
}

fn check_expr(
    f: &Field,
    src: &str,
    what: &str,
    at: &str,
    known: &[&str],
    row: Option<&[&str]>,
    out: &mut Vec<Issue>,
) {
    match Expr::parse(src) {
        Err(e) => out.push(issue(
            at,
            "form.expr",
            format!("「{}」的{what}有误：{}", f.label, e),
            format!(
                "The {} of \"{}\" is invalid: {}",
                if what == "公式" {
                    "formula"
                } else {
                    "visibility rule"
                },
                f.label,
                e
            ),
        )),
        Ok(expr) => {
            for path in expr.fields() {
                let name = path[0].as_str();
                let ok = known.contains(&name) || row.is_some_and(|r| r.contains(&name));
                if !ok {
                    out.push(issue(
                        at,
                        "form.expr_field",
                        format!("「{}」的{what}引用了不存在的字段「{name}」", f.label),
                        format!("\"{}\" refers to \"{name}\", which is not a field", f.label),
                    ));
                    return;
                }
            }
        }
    }
}

fn check_fields(
    fields: &[Field],
    base: &str,
    top: &[&str],
    table: Option<&[&str]>,
    out: &mut Vec<Issue>,
) {
    let mut seen = HashSet::new();
    for (i, f) in fields.iter().enumerate() {
        let at = format!("{base}[{i}]");
        if !ident(&f.key) {
            out.push(issue(
                &at,
                "form.field_key",
                format!("字段标识「{}」须为字母开头的字母、数字或下划线", f.key),
                format!(
                    "Field key \"{}\" must be a letter followed by letters, digits or _",
                    f.key
                ),
            ));
        } else if !seen.insert(f.key.as_str()) {
            out.push(issue(
                &at,
                "form.field_duplicate",
                format!("字段标识「{}」重复", f.key),
                format!("Field key \"{}\" is used twice", f.key),
            ));
        }
        if f.label.trim().is_empty() || f.label.chars().count() > 64 {
            out.push(issue(
                &at,
                "form.field_label",
                "字段名称须为 1–64 个字符".into(),
                "Field label must be 1–64 characters".into(),
            ));
        }
        if f.kind == Kind::Unknown {
            out.push(issue(
                &at,
                "form.field_kind",
                format!("「{}」的字段类型未知", f.label),
                format!("\"{}\" has an unknown field kind", f.label),
            ));
        }
        if table.is_some() && !f.kind.in_tables() {
            out.push(issue(
                &at,
                "form.table_kind",
                format!("明细表中不能使用「{}」这种字段", f.label),
                format!("\"{}\" is of a kind tables cannot hold", f.label),
            ));
        }
        if f.kind.has_options()
            && (f.options.is_empty() || f.options.iter().any(|o| o.trim().is_empty()))
        {
            out.push(issue(
                &at,
                "form.field_options",
                format!("「{}」需要选项，且选项不能为空", f.label),
                format!("\"{}\" needs options, none of them blank", f.label),
            ));
        }
        if let (Some(min), Some(max)) = (f.min, f.max)
            && min > max
        {
            out.push(issue(
                &at,
                "form.field_bounds",
                format!("「{}」的最小值大于最大值", f.label),
                format!("\"{}\" has a minimum above its maximum", f.label),
            ));
        }
        if let (Some(min), Some(max)) = (f.min_length, f.max_length)
            && min > max
        {
            out.push(issue(
                &at,
                "form.field_bounds",
                format!("「{}」的最少字数大于最多字数", f.label),
                format!("\"{}\" has a minimum length above its maximum", f.label),
            ));
        }
        if f.precision.is_some_and(|p| p > 6) {
            out.push(issue(
                &at,
                "form.field_bounds",
                format!("「{}」最多 6 位小数", f.label),
                format!("\"{}\" allows at most 6 decimal places", f.label),
            ));
        }
        if !f.pattern.is_empty() && regex::Regex::new(&format!("^(?:{})$", f.pattern)).is_err() {
            out.push(issue(
                &at,
                "form.pattern_invalid",
                format!("「{}」的格式规则不是有效的正则表达式", f.label),
                format!(
                    "The pattern of \"{}\" is not a valid regular expression",
                    f.label
                ),
            ));
        }
        if f.kind == Kind::Computed {
            if f.expr.trim().is_empty() {
                out.push(issue(
                    &at,
                    "form.expr",
                    format!("「{}」需要公式", f.label),
                    format!("\"{}\" needs a formula", f.label),
                ));
            } else {
                check_expr(f, &f.expr, "公式", &at, top, table, out);
            }
        }
        if !f.visible_when.trim().is_empty() {
            if table.is_some() {
                out.push(issue(
                    &at,
                    "form.table_visibility",
                    format!("明细表的列「{}」不能设显示条件", f.label),
                    format!("Table column \"{}\" cannot have a visibility rule", f.label),
                ));
            } else {
                check_expr(f, &f.visible_when, "显示条件", &at, top, None, out);
            }
        }
        if f.kind == Kind::Table {
            if table.is_some() {
                out.push(issue(
                    &at,
                    "form.table_kind",
                    "明细表中不能再嵌套明细表".into(),
                    "Tables cannot hold tables".into(),
                ));
                continue;
            }
            if f.fields.is_empty() || f.fields.len() > MAX_FIELDS {
                out.push(issue(
                    &at,
                    "form.table_fields",
                    format!("明细表「{}」需要 1–200 列", f.label),
                    format!("Table \"{}\" needs 1–200 columns", f.label),
                ));
            }
            let columns: Vec<&str> = f.fields.iter().map(|c| c.key.as_str()).collect();
            for t in &f.totals {
                let numeric = f
                    .fields
                    .iter()
                    .any(|c| &c.key == t && (c.kind.is_numeric() || c.kind == Kind::Computed));
                if !numeric {
                    out.push(issue(
                        &at,
                        "form.totals",
                        format!("明细表「{}」的合计列「{t}」不是数字列", f.label),
                        format!(
                            "Total column \"{t}\" of table \"{}\" is not a number column",
                            f.label
                        ),
                    ));
                }
            }
            if let (Some(min), Some(max)) = (f.min_rows, f.max_rows)
                && min > max
            {
                out.push(issue(
                    &at,
                    "form.field_bounds",
                    format!("「{}」的最少行数大于最多行数", f.label),
                    format!("\"{}\" has a minimum row count above its maximum", f.label),
                ));
            }
            check_fields(&f.fields, &format!("{at}.fields"), top, Some(&columns), out);
        }
    }
}
