//! Time-based one-time passwords (RFC 6238) and recovery codes.

use totp_rs::{Algorithm, Secret, TOTP};

use super::tokens::random_secret;

fn totp(secret_b32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("Xietong".into()),
        account.to_string(),
    )
    .ok()
}

/// A new base32 secret.
pub fn new_secret() -> String {
    Secret::generate_secret().to_encoded().to_string()
}

/// The `otpauth://` URL an authenticator app scans.
pub fn otpauth_url(secret_b32: &str, account: &str) -> Option<String> {
    totp(secret_b32, account).map(|t| t.get_url())
}

/// True when `code` is valid now (±1 step).
pub fn verify(secret_b32: &str, account: &str, code: &str) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    code.len() == 6
        && totp(secret_b32, account).is_some_and(|t| t.check_current(&code).unwrap_or(false))
}

/// The current code, for tests and tools.
pub fn current(secret_b32: &str, account: &str) -> Option<String> {
    totp(secret_b32, account).and_then(|t| t.generate_current().ok())
}

/// An SVG QR code of `data`.
pub fn qr_svg(data: &str) -> Option<String> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .build(),
    )
}

/// Ten recovery codes like `k3fa-9xq2`.
pub fn recovery_codes() -> Vec<String> {
    (0..10)
        .map(|_| {
            let s: String = random_secret(24)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_lowercase())
                .take(8)
                .collect();
            format!("{}-{}", &s[..4], &s[4..])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_code_verifies_and_wrong_code_does_not() {
        let s = new_secret();
        let code = current(&s, "alice").unwrap();
        assert!(verify(&s, "alice", &code));
        let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
        assert!(!verify(&s, "alice", &wrong));
        assert!(
            otpauth_url(&s, "alice")
                .unwrap()
                .starts_with("otpauth://totp/")
        );
        assert!(qr_svg("otpauth://totp/x").unwrap().contains("<svg"));
    }

    #[test]
    fn recovery_codes_are_ten_distinct() {
        let c = recovery_codes();
        assert_eq!(c.len(), 10);
        assert!(c.iter().all(|x| x.len() == 9 && x.as_bytes()[4] == b'-'));
    }
}
