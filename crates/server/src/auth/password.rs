//! Password rules of R5 (checked before anything is stored) and Argon2id hashing off the runtime.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{AppError, FieldError, Text};

/// A tenant's password rules.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(default)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub min_classes: usize,
    pub forbid_sequences: bool,
    pub forbid_username: bool,
    pub forbid_common: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 8,
            min_classes: 3,
            forbid_sequences: true,
            forbid_username: true,
            forbid_common: true,
        }
    }
}

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    Classes,
    Sequence,
    Repeat,
    Keyboard,
    ContainsUsername,
    Common,
}

const MAX_LEN: usize = 128;
const RUN: usize = 4;
const KEYBOARD_ROWS: &[&str] = &[
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
];

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        include_str!("../../data/common-passwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
}

fn has_run(chars: &[char]) -> bool {
    chars.windows(RUN).any(|w| {
        let up = w.windows(2).all(|p| p[1] as i64 - p[0] as i64 == 1);
        let down = w.windows(2).all(|p| p[0] as i64 - p[1] as i64 == 1);
        (up || down) && w.iter().all(|c| c.is_ascii_alphanumeric())
    })
}

fn has_repeat(chars: &[char]) -> bool {
    chars.windows(RUN).any(|w| w.iter().all(|c| *c == w[0]))
}

fn has_keyboard_walk(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    chars.windows(RUN).any(|w| {
        let s: String = w.iter().collect();
        let r: String = w.iter().rev().collect();
        KEYBOARD_ROWS
            .iter()
            .any(|row| row.contains(&s) || row.contains(&r))
    })
}

/// Every rule `password` breaks under `policy` for `username` (empty when acceptable).
pub fn check(policy: &PasswordPolicy, username: &str, password: &str) -> Vec<PasswordProblem> {
    let mut out = Vec::new();
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < policy.min_length {
        out.push(PasswordProblem::TooShort);
    }
    if chars.len() > MAX_LEN {
        out.push(PasswordProblem::TooLong);
    }
    let classes = [
        chars.iter().any(|c| c.is_lowercase()),
        chars.iter().any(|c| c.is_uppercase()),
        chars.iter().any(|c| c.is_ascii_digit()),
        chars.iter().any(|c| !c.is_alphanumeric()),
    ];
    if classes.iter().filter(|b| **b).count() < policy.min_classes {
        out.push(PasswordProblem::Classes);
    }
    let lower = password.to_lowercase();
    if policy.forbid_sequences {
        let lchars: Vec<char> = lower.chars().collect();
        if has_run(&lchars) {
            out.push(PasswordProblem::Sequence);
        }
        if has_repeat(&chars) {
            out.push(PasswordProblem::Repeat);
        }
        if has_keyboard_walk(&lower) {
            out.push(PasswordProblem::Keyboard);
        }
    }
    if policy.forbid_username
        && username.chars().count() >= 3
        && lower.contains(&username.to_lowercase())
    {
        out.push(PasswordProblem::ContainsUsername);
    }
    if policy.forbid_common && common_passwords().contains(lower.as_str()) {
        out.push(PasswordProblem::Common);
    }
    out
}

impl PasswordProblem {
    /// The stable code and message of this problem.
    pub fn describe(self, policy: &PasswordPolicy) -> (&'static str, Text) {
        match self {
            PasswordProblem::TooShort => (
                "password.too_short",
                Text::owned(
                    format!("密码至少需要 {} 个字符", policy.min_length),
                    format!("Use at least {} characters", policy.min_length),
                ),
            ),
            PasswordProblem::TooLong => (
                "password.too_long",
                Text::fixed("密码不能超过 128 个字符", "Use at most 128 characters"),
            ),
            PasswordProblem::Classes => (
                "password.classes",
                Text::owned(
                    format!(
                        "密码需包含小写字母、大写字母、数字、符号中的至少 {} 类",
                        policy.min_classes
                    ),
                    format!(
                        "Use at least {} of: lower-case letters, upper-case letters, digits, symbols",
                        policy.min_classes
                    ),
                ),
            ),
            PasswordProblem::Sequence => (
                "password.sequence",
                Text::fixed(
                    "密码不能包含连续字符（如 123456、abcdef）",
                    "Do not use runs such as 123456 or abcdef",
                ),
            ),
            PasswordProblem::Repeat => (
                "password.repeat",
                Text::fixed(
                    "密码不能包含重复字符（如 AAAAAA）",
                    "Do not repeat a character (such as AAAAAA)",
                ),
            ),
            PasswordProblem::Keyboard => (
                "password.keyboard",
                Text::fixed(
                    "密码不能包含键盘顺序（如 qwerty）",
                    "Do not use keyboard walks such as qwerty",
                ),
            ),
            PasswordProblem::ContainsUsername => (
                "password.contains_username",
                Text::fixed("密码不能包含用户名", "Do not include your username"),
            ),
            PasswordProblem::Common => (
                "password.common",
                Text::fixed(
                    "该密码过于常见，请换一个",
                    "This password is too common; choose another",
                ),
            ),
        }
    }
}

/// Checks `password` and turns problems into a 422 on `field`.
pub fn validate(
    policy: &PasswordPolicy,
    username: &str,
    password: &str,
    field: &str,
) -> Result<(), AppError> {
    let problems = check(policy, username, password);
    if problems.is_empty() {
        return Ok(());
    }
    Err(AppError::validation(
        problems
            .into_iter()
            .map(|p| {
                let (code, text) = p.describe(policy);
                FieldError::new(field, code, text)
            })
            .collect(),
    ))
}

/// A random password that satisfies the default rules, for initial and reset passwords.
pub fn generate(username: &str) -> String {
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    const SYMBOL: &[u8] = b"!@#$%^&*-_+=?";
    let mut rng = rand::thread_rng();
    loop {
        let mut pw: Vec<u8> = Vec::with_capacity(12);
        for set in [LOWER, UPPER, DIGIT, SYMBOL] {
            pw.push(set[rng.gen_range(0..set.len())]);
        }
        let all: Vec<u8> = [LOWER, UPPER, DIGIT, SYMBOL].concat();
        while pw.len() < 12 {
            pw.push(all[rng.gen_range(0..all.len())]);
        }
        for i in (1..pw.len()).rev() {
            pw.swap(i, rng.gen_range(0..=i));
        }
        let s = String::from_utf8(pw).expect("ascii");
        if check(&PasswordPolicy::default(), username, &s).is_empty() {
            return s;
        }
    }
}

/// Hashes with Argon2id on a blocking thread.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
    })
    .await?
}

/// Verifies against an Argon2id hash on a blocking thread.
pub async fn verify(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash that no password matches, verified for unknown users so timing does not reveal them.
pub fn dummy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| {
        let salt = SaltString::encode_b64(b"xietong-dummy-salt").expect("salt");
        Argon2::default()
            .hash_password(b"no password matches this", &salt)
            .expect("hash")
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn problems(pw: &str) -> Vec<PasswordProblem> {
        check(&PasswordPolicy::default(), "zhangsan", pw)
    }

    #[test]
    fn short_password_is_refused() {
        assert!(problems("Ab1!x").contains(&PasswordProblem::TooShort));
    }

    #[test]
    fn two_character_classes_are_not_enough() {
        assert_eq!(problems("greenriverbank"), vec![PasswordProblem::Classes]);
        assert!(problems("Green-River-Bank").is_empty());
    }

    #[test]
    fn runs_repeats_and_keyboard_walks_are_refused() {
        assert!(problems("Xx!123456").contains(&PasswordProblem::Sequence));
        assert!(problems("Xx!abcdefq9").contains(&PasswordProblem::Sequence));
        assert!(problems("ABCDEF!x9").contains(&PasswordProblem::Sequence));
        assert!(problems("AAAAAA!x9").contains(&PasswordProblem::Repeat));
        assert!(problems("Qwerty!97").contains(&PasswordProblem::Keyboard));
        assert!(problems("Xx9!4321rm").contains(&PasswordProblem::Sequence));
    }

    #[test]
    fn password_containing_username_is_refused() {
        assert!(problems("ZhangSan!97").contains(&PasswordProblem::ContainsUsername));
    }

    #[test]
    fn common_passwords_are_refused() {
        assert!(common_passwords().len() >= 10_000);
        assert!(problems("password").contains(&PasswordProblem::Common));
        assert!(problems("iloveyou").contains(&PasswordProblem::Common));
    }

    #[test]
    fn a_good_password_passes() {
        assert!(
            problems("Lan-Hua-2026!").is_empty(),
            "{:?}",
            problems("Lan-Hua-2026!")
        );
    }

    proptest! {
        #[test]
        fn generated_passwords_always_pass(user in "[a-z]{3,12}") {
            let pw = generate(&user);
            prop_assert!(check(&PasswordPolicy::default(), &user, &pw).is_empty());
        }
    }

    #[tokio::test]
    async fn hash_then_verify_round_trips() {
        let h = hash("Lan-Hua-2026!".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Lan-Hua-2026!".into(), h.clone()).await);
        assert!(!verify("Lan-Hua-2027!".into(), h).await);
    }
}
