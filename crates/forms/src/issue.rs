//! A problem with a form or its data, with the same codes and words as the browser.

use serde::Serialize;

/// One problem: where, what (a stable code) and the message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// `form.amount`, `form.items[0].price`, `form.fields[3]`.
    pub field: String,
    /// Stable code, e.g. `form.required`.
    pub code: &'static str,
    /// Chinese message.
    pub zh: String,
    /// English message.
    pub en: String,
}

impl Issue {
    pub(crate) fn new(
        field: impl Into<String>,
        code: &'static str,
        zh: String,
        en: String,
    ) -> Issue {
        Issue {
            field: field.into(),
            code,
            zh,
            en,
        }
    }
}

/// A number as the shortest decimal (`5`, `0.5`, `1000000`).
pub fn number_text(n: f64) -> String {
    xietong_engine::expr::Decimal::parse(&n.to_string())
        .map(|d| d.to_string())
        .unwrap_or_else(|| n.to_string())
}

/// The label of a table cell: `费用明细 第1行 金额` / `Expenses row 1 Amount`.
pub struct Label {
    pub zh: String,
    pub en: String,
}

impl Label {
    pub fn plain(label: &str) -> Label {
        Label {
            zh: label.to_string(),
            en: label.to_string(),
        }
    }

    pub fn cell(table: &str, row: usize, column: &str) -> Label {
        Label {
            zh: format!("{table} 第{}行 {column}", row + 1),
            en: format!("{table} row {} {column}", row + 1),
        }
    }
}

/// The message of a data check, in both languages.
pub fn message(code: &'static str, l: &Label, arg: &str) -> (String, String) {
    let (z, e) = (&l.zh, &l.en);
    match code {
        "form.required" => (format!("请填写「{z}」"), format!("{e} is required")),
        "form.type" => (
            format!("「{z}」的值格式不对"),
            format!("{e} has a value of the wrong kind"),
        ),
        "form.min" => (
            format!("「{z}」不能小于 {arg}"),
            format!("{e} must be at least {arg}"),
        ),
        "form.max" => (
            format!("「{z}」不能大于 {arg}"),
            format!("{e} must be at most {arg}"),
        ),
        "form.precision" => (
            format!("「{z}」最多 {arg} 位小数"),
            format!("{e} allows at most {arg} decimal places"),
        ),
        "form.min_length" => (
            format!("「{z}」至少 {arg} 个字"),
            format!("{e} needs at least {arg} characters"),
        ),
        "form.max_length" => (
            format!("「{z}」最多 {arg} 个字"),
            format!("{e} allows at most {arg} characters"),
        ),
        "form.pattern" if !arg.is_empty() => (arg.to_string(), arg.to_string()),
        "form.pattern" => (
            format!("「{z}」的格式不对"),
            format!("{e} is not in the expected format"),
        ),
        "form.option" => (
            format!("「{z}」没有「{arg}」这个选项"),
            format!("\"{arg}\" is not an option of {e}"),
        ),
        "form.date" => (
            format!("「{z}」须为日期（年-月-日）"),
            format!("{e} must be a date (YYYY-MM-DD)"),
        ),
        "form.datetime" => (
            format!("「{z}」须为日期时间（年-月-日 时:分）"),
            format!("{e} must be a date and time (YYYY-MM-DD HH:mm)"),
        ),
        "form.date_order" => (
            format!("「{z}」的结束日期早于开始日期"),
            format!("{e} ends before it starts"),
        ),
        "form.phone" => (
            format!("「{z}」不是有效的电话号码"),
            format!("{e} is not a valid phone number"),
        ),
        "form.email" => (
            format!("「{z}」不是有效的邮箱地址"),
            format!("{e} is not a valid email address"),
        ),
        "form.id_card" => (
            format!("「{z}」不是有效的身份证号码"),
            format!("{e} is not a valid ID card number"),
        ),
        "form.files_max" => (
            format!("「{z}」最多 {arg} 个文件"),
            format!("{e} takes at most {arg} files"),
        ),
        "form.rows_min" => (
            format!("「{z}」至少 {arg} 行"),
            format!("{e} needs at least {arg} rows"),
        ),
        "form.rows_max" => (
            format!("「{z}」最多 {arg} 行"),
            format!("{e} takes at most {arg} rows"),
        ),
        "form.unique" => (
            format!("「{z}」为「{arg}」的申请已存在"),
            format!("An application with {e} \"{arg}\" already exists"),
        ),
        "form.not_editable" => (
            format!("「{z}」在此环节不可修改"),
            format!("{e} cannot be changed at this step"),
        ),
        "form.file_unknown" => (
            format!("「{z}」中的文件不存在"),
            format!("A file in {e} does not exist"),
        ),
        "form.not_found" => (
            format!("「{z}」中的人员或部门不存在"),
            format!("{e} names a person or department that does not exist"),
        ),
        "form.related" => (
            format!("「{z}」关联的审批不存在或未通过"),
            format!("The approval linked in {e} does not exist or is not approved"),
        ),
        "form.unknown_field" => (
            format!("表单中没有字段「{arg}」"),
            format!("The form has no field \"{arg}\""),
        ),
        _ => (format!("「{z}」有误"), format!("{e} is invalid")),
    }
}

/// Messages naming a file: size and type.
pub fn file_message(code: &'static str, l: &Label, name: &str, mb: &str) -> (String, String) {
    let (z, e) = (&l.zh, &l.en);
    match code {
        "form.file_size" => (
            format!("「{z}」中的「{name}」超过 {mb} MB"),
            format!("\"{name}\" in {e} is larger than {mb} MB"),
        ),
        _ => (
            format!("「{z}」不接受「{name}」这类文件"),
            format!("{e} does not accept files like \"{name}\""),
        ),
    }
}

/// An issue with a data check's message.
pub fn data_issue(field: String, code: &'static str, l: &Label, arg: &str) -> Issue {
    let (zh, en) = message(code, l, arg);
    Issue::new(field, code, zh, en)
}
