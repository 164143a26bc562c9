//! Parsing raw input into valid values, collecting every field error at once.

use crate::error::{FieldError, Text};

fn trimmed(s: &str) -> String {
    s.trim().to_string()
}

/// A person's or unit's display name: 1–64 characters, no control characters.
pub fn name(field: &str, s: &str, errors: &mut Vec<FieldError>) -> String {
    let v = trimmed(s);
    if v.is_empty() || v.chars().count() > 64 || v.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            "name.invalid",
            Text::fixed("名称须为 1–64 个字符", "Name must be 1–64 characters"),
        ));
    }
    v
}

pub fn display_name(s: &str, errors: &mut Vec<FieldError>) -> String {
    name("display_name", s, errors)
}

/// Username: 2–64 of a–z, 0–9, `.`, `_`, `-`, starting with a letter or digit; stored lower-case.
pub fn username(s: &str, errors: &mut Vec<FieldError>) -> String {
    let v = s.trim().to_lowercase();
    let ok = (2..=64).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        && v.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if !ok {
        errors.push(FieldError::new(
            "username",
            "username.invalid",
            Text::fixed(
                "用户名须为 2–64 位小写字母、数字或 . _ -",
                "Username must be 2–64 lower-case letters, digits, . _ or -",
            ),
        ));
    }
    v
}

/// Optional e-mail; empty means none.
pub fn email(s: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let v = trimmed(s);
    if v.is_empty() {
        return None;
    }
    let ok = v.len() <= 254
        && v.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        })
        && !v.contains(char::is_whitespace);
    if !ok {
        errors.push(FieldError::new(
            "email",
            "email.invalid",
            Text::fixed("邮箱格式不正确", "Invalid e-mail address"),
        ));
    }
    Some(v)
}

/// Optional phone: digits with an optional leading `+`, spaces and dashes, 5–20 digits.
pub fn phone(s: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let v = trimmed(s);
    if v.is_empty() {
        return None;
    }
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let ok = (5..=20).contains(&digits)
        && v.chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (i == 0 && c == '+'));
    if !ok {
        errors.push(FieldError::new(
            "phone",
            "phone.invalid",
            Text::fixed("手机号格式不正确", "Invalid phone number"),
        ));
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_checked() {
        let mut e = Vec::new();
        assert_eq!(username(" ZhangSan ", &mut e), "zhangsan");
        assert!(e.is_empty());
        username("张三", &mut e);
        username("a", &mut e);
        username("-abc", &mut e);
        assert_eq!(e.len(), 3);
    }

    #[test]
    fn email_and_phone_formats() {
        let mut e = Vec::new();
        assert_eq!(email("", &mut e), None);
        email("li@example.com", &mut e);
        phone("+86 138-0013-8000", &mut e);
        assert!(e.is_empty());
        email("li@", &mut e);
        phone("12ab", &mut e);
        assert_eq!(e.len(), 2);
    }
}
