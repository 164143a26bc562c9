//! Format checks shared by validation: dates, phone numbers, email addresses, ID card numbers.

use std::sync::LazyLock;

fn leap(y: u32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `(year, month, day)` of a strict `YYYY-MM-DD` real date.
pub fn date(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(&s[0..4])?, digits(&s[5..7])?, digits(&s[8..10])?);
    if y == 0 || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some((y, m, d))
}

/// A strict `YYYY-MM-DD HH:mm`.
pub fn datetime(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 16 || b[10] != b' ' || b[13] != b':' {
        return false;
    }
    date(&s[..10]).is_some()
        && digits(&s[11..13]).is_some_and(|h| h < 24)
        && digits(&s[14..16]).is_some_and(|m| m < 60)
}

/// Days from 1970-01-01 of a date.
pub fn day_number(s: &str) -> Option<i32> {
    let (y, m, d) = date(s)?;
    Some(xietong_engine::calendar::days_from_civil(y as i32, m, d))
}

static PHONE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"^(?:\+?86[- ]?)?(?:1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}(?:-[0-9]{1,6})?)$",
    )
    .expect("phone pattern")
});

/// A mainland mobile or landline number.
pub fn phone(s: &str) -> bool {
    PHONE.is_match(s)
}

/// `local@domain.tld`: no spaces, one `@`, a dot inside the domain.
pub fn email(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(char::is_whitespace) {
        return false;
    }
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

/// A mainland resident ID number (GB 11643): checksum and a birth date up to `today`.
pub fn id_card(s: &str, today: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [u8; 11] = *b"10X98765432";
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    if b[17].to_ascii_uppercase() != CHECK[(sum % 11) as usize] {
        return false;
    }
    let birth = format!("{}-{}-{}", &s[6..10], &s[10..12], &s[12..14]);
    date(&birth).is_some() && birth.as_str() >= "1900-01-01" && birth.as_str() <= today
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_real_calendar_days() {
        assert!(date("2024-02-29").is_some());
        assert!(date("2023-02-29").is_none());
        assert!(date("2024-2-1").is_none());
        assert!(datetime("2024-02-01 23:59"));
        assert!(!datetime("2024-02-01 24:00"));
    }

    #[test]
    fn phones_emails_and_id_cards() {
        assert!(phone("13812345678"));
        assert!(phone("+86 13812345678"));
        assert!(phone("010-12345678-123"));
        assert!(!phone("12812345678"));
        assert!(email("a.b@example.com"));
        assert!(!email("a@b"));
        assert!(!email("a b@example.com"));
        assert!(id_card("11010519491231002X", "2026-12-06"));
        assert!(id_card("11010519491231002x", "2026-12-06"));
        assert!(!id_card("110105194912310021", "2026-12-06"));
        assert!(!id_card("11010519491231002X", "1949-12-30"));
    }
}
