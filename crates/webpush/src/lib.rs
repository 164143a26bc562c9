//! Browser Web Push sending, pure Rust.
//!
//! - Message encryption with the `aes128gcm` content coding (RFC 8188) as
//!   profiled for Web Push (RFC 8291): [`encrypt`], [`UserAgent::decrypt`].
//! - Voluntary application server identification, VAPID (RFC 8292):
//!   [`VapidKey`], [`verify_vapid`].
//! - The HTTP request to hand to a push service (RFC 8030): [`build_request`].
//!
//! The crate does no I/O: it builds the bytes and headers, the caller POSTs them.

#![warn(missing_docs)]

mod ece;
mod vapid;

pub use ece::{MAX_PAYLOAD, UserAgent, encrypt, encrypt_with};
pub use vapid::{VapidKey, verify_vapid};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Everything that can go wrong while building, encrypting or checking a push.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A key or secret is malformed (bad base64, wrong length, not a P-256 point or scalar).
    #[error("bad key: {0}")]
    BadKey(String),
    /// The push endpoint is not an absolute `http(s)` URL with a host.
    #[error("bad endpoint: {0}")]
    BadEndpoint(String),
    /// The plaintext is longer than [`MAX_PAYLOAD`] bytes; holds its length.
    #[error("payload too large: {0} bytes, at most {MAX_PAYLOAD} fit in one push message")]
    PayloadTooLarge(usize),
    /// An `aes128gcm` body could not be decrypted (malformed header, wrong key, tampering, bad padding).
    #[error("decryption failed: {0}")]
    Decrypt(String),
    /// A VAPID header, token or claim is malformed or does not check out.
    #[error("bad VAPID: {0}")]
    BadVapid(String),
    /// The `Urgency` value is not one of `very-low`, `low`, `normal`, `high` (RFC 8030 §5.3).
    #[error("bad urgency {0:?}: expected very-low, low, normal or high")]
    BadUrgency(String),
}

/// A browser subscription as the Push API gives it (keys base64url; padding and standard base64
/// are tolerated too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The push service URL to POST messages to.
    pub endpoint: String,
    /// The user agent's uncompressed P-256 public key (`keys.p256dh`).
    pub p256dh: String,
    /// The user agent's 16-byte authentication secret (`keys.auth`).
    pub auth: String,
}

/// Everything to send: POST to `endpoint` with these headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushRequest {
    /// The URL to POST to.
    pub endpoint: String,
    /// Header names and values, in sending order.
    pub headers: Vec<(String, String)>,
    /// The encrypted `aes128gcm` body.
    pub body: Vec<u8>,
}

/// How long the VAPID token of a [`build_request`] stays valid: 12 hours.
pub const VAPID_VALIDITY_SECS: i64 = 12 * 60 * 60;

/// Builds the request: headers `Content-Encoding: aes128gcm`, `Content-Type: application/octet-stream`,
/// `TTL: <ttl>`, `Urgency: <urgency>` (`very-low` | `low` | `normal` | `high`), `Authorization: vapid …`.
///
/// The VAPID token expires [`VAPID_VALIDITY_SECS`] after `now_unix`.
pub fn build_request(
    key: &VapidKey,
    sub: &Subscription,
    payload: &[u8],
    ttl_secs: u32,
    urgency: &str,
    subject: &str,
    now_unix: i64,
) -> Result<PushRequest, Error> {
    if !matches!(urgency, "very-low" | "low" | "normal" | "high") {
        return Err(Error::BadUrgency(urgency.to_owned()));
    }
    let authorization =
        key.authorization(&sub.endpoint, subject, now_unix + VAPID_VALIDITY_SECS)?;
    let body = encrypt(payload, &sub.p256dh, &sub.auth)?;
    let headers = [
        ("Content-Encoding", "aes128gcm".to_owned()),
        ("Content-Type", "application/octet-stream".to_owned()),
        ("TTL", ttl_secs.to_string()),
        ("Urgency", urgency.to_owned()),
        ("Authorization", authorization),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    Ok(PushRequest {
        endpoint: sub.endpoint.clone(),
        headers,
        body,
    })
}

/// Encodes as base64url without padding.
fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url or standard base64, with or without padding.
fn b64_decode_lenient(s: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let normalized: String = s
        .trim()
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    URL_SAFE_NO_PAD.decode(normalized)
}

/// Decodes a key field (lenient base64) and checks its length, naming `what` in errors.
fn decode_key<const N: usize>(s: &str, what: &str) -> Result<[u8; N], Error> {
    let bytes =
        b64_decode_lenient(s).map_err(|e| Error::BadKey(format!("{what}: invalid base64: {e}")))?;
    <[u8; N]>::try_from(bytes.as_slice())
        .map_err(|_| Error::BadKey(format!("{what}: expected {N} bytes, got {}", bytes.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_base64_accepts_url_standard_and_padded_forms() {
        let bytes = [0xfbu8, 0xff, 0xbf, 0x01];
        for s in ["-_-_AQ", "-_-_AQ==", "+/+/AQ", "+/+/AQ==", " -_-_AQ\n"] {
            assert_eq!(b64_decode_lenient(s).unwrap(), bytes, "{s}");
        }
        assert!(b64_decode_lenient("not base64!").is_err());
    }

    #[test]
    fn decode_key_reports_the_wrong_length() {
        let err = decode_key::<16>("AAAA", "auth secret").unwrap_err();
        assert!(
            matches!(&err, Error::BadKey(m) if m.contains("expected 16 bytes, got 3")),
            "{err}"
        );
    }

    #[test]
    fn build_request_has_the_web_push_headers_and_a_decryptable_body() {
        let key = VapidKey::generate();
        let ua = UserAgent::generate();
        let sub = Subscription {
            endpoint: "https://push.example.net/wpush/v2/abc?x=1".into(),
            p256dh: ua.p256dh_b64url(),
            auth: ua.auth_b64url(),
        };
        let now = 1_760_000_000;
        let req = build_request(
            &key,
            &sub,
            b"hello",
            3600,
            "high",
            "mailto:ops@example.com",
            now,
        )
        .unwrap();
        assert_eq!(req.endpoint, sub.endpoint);
        let header = |name: &str| {
            req.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_else(|| panic!("no {name}"))
        };
        assert_eq!(header("Content-Encoding"), "aes128gcm");
        assert_eq!(header("Content-Type"), "application/octet-stream");
        assert_eq!(header("TTL"), "3600");
        assert_eq!(header("Urgency"), "high");
        let claims =
            verify_vapid(header("Authorization"), "https://push.example.net", now).unwrap();
        assert_eq!(claims["exp"], now + VAPID_VALIDITY_SECS);
        assert_eq!(claims["sub"], "mailto:ops@example.com");
        assert_eq!(req.headers.len(), 5);
        assert_eq!(ua.decrypt(&req.body).unwrap(), b"hello");
    }

    #[test]
    fn build_request_refuses_unknown_urgency_and_bad_subscriptions() {
        let key = VapidKey::generate();
        let ua = UserAgent::generate();
        let mut sub = Subscription {
            endpoint: "https://push.example.net/abc".into(),
            p256dh: ua.p256dh_b64url(),
            auth: ua.auth_b64url(),
        };
        let build = |sub: &Subscription, urgency| {
            build_request(&key, sub, b"x", 60, urgency, "mailto:a@b.c", 0)
        };
        assert!(matches!(build(&sub, "urgent"), Err(Error::BadUrgency(_))));
        sub.auth = "short".into();
        assert!(matches!(build(&sub, "low"), Err(Error::BadKey(_))));
        sub.endpoint = "ftp://push.example.net/abc".into();
        assert!(matches!(build(&sub, "low"), Err(Error::BadEndpoint(_))));
    }
}
