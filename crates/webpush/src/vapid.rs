//! Voluntary Application Server Identification (VAPID, RFC 8292): an ES256 JWT
//! whose audience is the push service's origin, plus the signing public key.

use p256::SecretKey;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use rand_core::OsRng;
use serde_json::{Value, json};

use crate::ece::{parse_scalar, point_bytes};
use crate::{Error, b64_decode_lenient, b64url, decode_key};

/// The longest a push service accepts a token to live (RFC 8292 §2): 24 hours.
const MAX_VALIDITY_SECS: i64 = 24 * 60 * 60;
/// The fixed JOSE header of every VAPID token.
const JWT_HEADER: &str = r#"{"typ":"JWT","alg":"ES256"}"#;

/// The server's VAPID key pair (RFC 8292), ES256 on P-256.
#[derive(Clone)]
pub struct VapidKey {
    signing: SigningKey,
    /// Uncompressed public point, cached for headers.
    public: [u8; 65],
}

impl std::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VapidKey")
            .field("public", &self.public_key_b64url())
            .finish_non_exhaustive()
    }
}

impl VapidKey {
    /// A fresh random key pair.
    pub fn generate() -> VapidKey {
        Self::from_secret_key(SecretKey::random(&mut OsRng))
    }

    /// From the 32-byte secret scalar (how the server stores it), base64url without padding.
    ///
    /// Padded and standard base64 are accepted too.
    pub fn from_secret_b64url(s: &str) -> Result<VapidKey, Error> {
        let bytes: [u8; 32] = decode_key(s, "VAPID secret")?;
        Ok(Self::from_secret_key(parse_scalar(&bytes, "VAPID secret")?))
    }

    fn from_secret_key(secret: SecretKey) -> VapidKey {
        let public = point_bytes(&secret.public_key());
        VapidKey {
            signing: SigningKey::from(secret),
            public,
        }
    }

    /// The 32-byte secret scalar, base64url without padding: what the server stores.
    pub fn secret_b64url(&self) -> String {
        b64url(&self.signing.to_bytes())
    }

    /// Uncompressed public point (65 bytes), base64url without padding: the `applicationServerKey`
    /// the browser subscribes with.
    pub fn public_key_b64url(&self) -> String {
        b64url(&self.public)
    }

    /// The `Authorization` header value `vapid t=<JWT>, k=<public key>` for a push to `endpoint`:
    /// JWT header `{"typ":"JWT","alg":"ES256"}`, claims `{"aud": origin of endpoint (scheme://host[:port]),
    /// "exp": expires_unix, "sub": subject (mailto: or https: URL)}`; the ES256 signature is raw `r||s`
    /// (64 bytes), base64url.
    pub fn authorization(
        &self,
        endpoint: &str,
        subject: &str,
        expires_unix: i64,
    ) -> Result<String, Error> {
        let aud = origin(endpoint)?;
        if !(subject.starts_with("mailto:") || subject.starts_with("https:")) {
            return Err(Error::BadVapid(format!(
                "subject {subject:?} must be a mailto: or https: URL"
            )));
        }
        let claims = json!({ "aud": aud, "exp": expires_unix, "sub": subject });
        let signing_input = format!(
            "{}.{}",
            b64url(JWT_HEADER.as_bytes()),
            b64url(claims.to_string().as_bytes())
        );
        let signature: Signature = self.signing.sign(signing_input.as_bytes());
        Ok(format!(
            "vapid t={signing_input}.{}, k={}",
            b64url(&signature.to_bytes()),
            self.public_key_b64url()
        ))
    }
}

/// Checks a `vapid t=…, k=…` header the way a push service does: signature valid for `k`,
/// `aud == expected_audience`, `exp` after `now_unix` and at most 24 h ahead of it.
/// Returns the claims JSON.
pub fn verify_vapid(
    authorization: &str,
    expected_audience: &str,
    now_unix: i64,
) -> Result<Value, Error> {
    let bad = |m: &str| Error::BadVapid(m.to_owned());
    let (scheme, params) = authorization
        .trim()
        .split_once(' ')
        .ok_or_else(|| bad("no `vapid` scheme"))?;
    if !scheme.eq_ignore_ascii_case("vapid") {
        return Err(Error::BadVapid(format!(
            "scheme is {scheme:?}, expected vapid"
        )));
    }
    let (mut token, mut key) = (None, None);
    for param in params.split(',') {
        match param.trim().split_once('=') {
            Some(("t", v)) => token = Some(v.trim()),
            Some(("k", v)) => key = Some(v.trim()),
            _ => {
                return Err(Error::BadVapid(format!(
                    "unexpected parameter {:?}",
                    param.trim()
                )));
            }
        }
    }
    let token = token.ok_or_else(|| bad("missing t= token"))?;
    let key: [u8; 65] = decode_key(key.ok_or_else(|| bad("missing k= key"))?, "k")
        .map_err(|e| Error::BadVapid(e.to_string()))?;
    let verifying =
        VerifyingKey::from_sec1_bytes(&key).map_err(|_| bad("k is not a P-256 public key"))?;

    let (signing_input, signature) = token
        .rsplit_once('.')
        .ok_or_else(|| bad("token is not a three-part JWT"))?;
    let (header, claims) = signing_input
        .split_once('.')
        .filter(|(_, claims)| !claims.contains('.'))
        .ok_or_else(|| bad("token is not a three-part JWT"))?;
    let header = decode_json(header, "header")?;
    if header.get("alg").and_then(Value::as_str) != Some("ES256") {
        return Err(Error::BadVapid(format!(
            "JWT alg is {}, expected ES256",
            header["alg"]
        )));
    }
    let signature = b64_decode_lenient(signature).map_err(|_| bad("signature is not base64url"))?;
    let signature =
        Signature::from_slice(&signature).map_err(|_| bad("signature is not 64 bytes of r||s"))?;
    verifying
        .verify(signing_input.as_bytes(), &signature)
        .map_err(|_| bad("signature does not match k"))?;

    let claims = decode_json(claims, "claims")?;
    let aud = claims
        .get("aud")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("aud claim missing"))?;
    if aud != expected_audience {
        return Err(Error::BadVapid(format!(
            "aud is {aud:?}, expected {expected_audience:?}"
        )));
    }
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or_else(|| bad("exp claim missing or not an integer"))?;
    if exp <= now_unix {
        return Err(Error::BadVapid(format!(
            "token expired at {exp}, now is {now_unix}"
        )));
    }
    if exp > now_unix.saturating_add(MAX_VALIDITY_SECS) {
        return Err(Error::BadVapid(format!(
            "exp {exp} is more than 24 h after now ({now_unix})"
        )));
    }
    Ok(claims)
}

/// Decodes one base64url JWT segment holding a JSON object.
fn decode_json(segment: &str, what: &str) -> Result<Value, Error> {
    let bytes = b64_decode_lenient(segment)
        .map_err(|_| Error::BadVapid(format!("JWT {what} is not base64url")))?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Error::BadVapid(format!("JWT {what} is not JSON: {e}")))?;
    if !value.is_object() {
        return Err(Error::BadVapid(format!("JWT {what} is not a JSON object")));
    }
    Ok(value)
}

/// The ASCII serialization of an `http(s)` URL's origin (RFC 6454): `scheme://host[:port]`,
/// lowercased, the port left out when it is the scheme's default.
fn origin(endpoint: &str) -> Result<String, Error> {
    let bad = |m: &str| Error::BadEndpoint(format!("{endpoint:?}: {m}"));
    let (scheme, rest) = endpoint
        .split_once("://")
        .ok_or_else(|| bad("not an absolute URL"))?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return Err(bad("scheme must be http or https")),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(bad("credentials in the URL are not allowed"));
    }
    // The port is after the last ':' unless that colon is inside an IPv6 literal.
    let (host, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority, None),
    };
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("missing or invalid host"));
    }
    let host = host.to_ascii_lowercase();
    match port {
        None | Some("") => Ok(format!("{scheme}://{host}")),
        Some(port) => {
            let port: u16 = port.parse().map_err(|_| bad("invalid port"))?;
            if port == default_port {
                Ok(format!("{scheme}://{host}"))
            } else {
                Ok(format!("{scheme}://{host}:{port}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_760_000_000;
    const SUBJECT: &str = "mailto:admin@xietong.example";

    fn auth_for(key: &VapidKey, endpoint: &str) -> String {
        key.authorization(endpoint, SUBJECT, NOW + 12 * 3600)
            .unwrap()
    }

    #[test]
    fn origin_keeps_non_default_ports_and_drops_default_ones() {
        let cases = [
            ("http://127.0.0.1:4567/push/abc", "http://127.0.0.1:4567"),
            (
                "https://fcm.googleapis.com/fcm/send/xyz",
                "https://fcm.googleapis.com",
            ),
            (
                "HTTPS://Updates.Push.Services.Mozilla.com:443/wpush/v2/a",
                "https://updates.push.services.mozilla.com",
            ),
            ("http://localhost:80?x", "http://localhost"),
            ("https://[::1]:8443/p", "https://[::1]:8443"),
            ("https://[::1]/p", "https://[::1]"),
            (
                "https://web.push.apple.com#frag",
                "https://web.push.apple.com",
            ),
        ];
        for (endpoint, expected) in cases {
            assert_eq!(origin(endpoint).unwrap(), expected, "{endpoint}");
        }
        for endpoint in [
            "push.example.com/a",
            "ftp://x/y",
            "https:///a",
            "https://h:99999/",
            "https://u:p@h/",
        ] {
            assert!(
                matches!(origin(endpoint), Err(Error::BadEndpoint(_))),
                "{endpoint}"
            );
        }
    }

    #[test]
    fn authorization_verifies_with_the_endpoint_origin_as_audience() {
        let key = VapidKey::generate();
        let header = auth_for(&key, "http://127.0.0.1:4567/push/abc");
        assert!(header.starts_with("vapid t="));
        assert!(header.ends_with(&format!(", k={}", key.public_key_b64url())));
        let claims = verify_vapid(&header, "http://127.0.0.1:4567", NOW).unwrap();
        assert_eq!(
            claims,
            json!({ "aud": "http://127.0.0.1:4567", "exp": NOW + 12 * 3600, "sub": SUBJECT })
        );
    }

    #[test]
    fn token_has_the_es256_header_and_a_raw_64_byte_signature() {
        let key = VapidKey::generate();
        let header = auth_for(&key, "https://push.example.com/x");
        let token = header
            .strip_prefix("vapid t=")
            .unwrap()
            .split(',')
            .next()
            .unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(b64_decode_lenient(parts[0]).unwrap(), JWT_HEADER.as_bytes());
        assert_eq!(b64_decode_lenient(parts[2]).unwrap().len(), 64);
        assert!(!token.contains('='), "base64url without padding");
    }

    #[test]
    fn wrong_audience_is_refused() {
        let key = VapidKey::generate();
        let header = auth_for(&key, "http://127.0.0.1:4567/push/abc");
        for aud in [
            "http://127.0.0.1",
            "http://127.0.0.1:4568",
            "https://127.0.0.1:4567",
        ] {
            assert!(
                matches!(verify_vapid(&header, aud, NOW), Err(Error::BadVapid(_))),
                "{aud}"
            );
        }
    }

    #[test]
    fn expired_or_too_long_lived_tokens_are_refused() {
        let key = VapidKey::generate();
        let aud = "https://push.example.com";
        let header = key
            .authorization("https://push.example.com/a", SUBJECT, NOW)
            .unwrap();
        assert!(
            matches!(verify_vapid(&header, aud, NOW), Err(Error::BadVapid(m)) if m.contains("expired"))
        );
        assert!(verify_vapid(&header, aud, NOW - 1).is_ok());
        let header = key
            .authorization("https://push.example.com/a", SUBJECT, NOW + 24 * 3600 + 1)
            .unwrap();
        assert!(
            matches!(verify_vapid(&header, aud, NOW), Err(Error::BadVapid(m)) if m.contains("24 h"))
        );
        assert!(verify_vapid(&header, aud, NOW + 1).is_ok());
    }

    #[test]
    fn tampered_signature_or_claims_are_refused() {
        let key = VapidKey::generate();
        let header = auth_for(&key, "https://push.example.com/a");
        let aud = "https://push.example.com";
        let (token, k) = header
            .strip_prefix("vapid t=")
            .unwrap()
            .split_once(", k=")
            .unwrap();
        let parts: Vec<&str> = token.split('.').collect();

        let mut sig = b64_decode_lenient(parts[2]).unwrap();
        sig[10] ^= 0x01;
        let forged = format!("vapid t={}.{}.{}, k={k}", parts[0], parts[1], b64url(&sig));
        assert!(
            matches!(verify_vapid(&forged, aud, NOW), Err(Error::BadVapid(m)) if m.contains("signature"))
        );

        let claims =
            json!({ "aud": aud, "exp": NOW + 100, "sub": "mailto:evil@example.com" }).to_string();
        let swapped = format!(
            "vapid t={}.{}.{}, k={k}",
            parts[0],
            b64url(claims.as_bytes()),
            parts[2]
        );
        assert!(matches!(
            verify_vapid(&swapped, aud, NOW),
            Err(Error::BadVapid(_))
        ));
    }

    #[test]
    fn token_signed_by_another_key_is_refused() {
        let key = VapidKey::generate();
        let other = VapidKey::generate();
        let header = auth_for(&key, "https://push.example.com/a");
        let (token, _) = header.split_once(", k=").unwrap();
        let misattributed = format!("{token}, k={}", other.public_key_b64url());
        assert!(matches!(
            verify_vapid(&misattributed, "https://push.example.com", NOW),
            Err(Error::BadVapid(_))
        ));
    }

    #[test]
    fn malformed_headers_are_refused() {
        let key = VapidKey::generate();
        let good = auth_for(&key, "https://push.example.com/a");
        let aud = "https://push.example.com";
        let (token, k) = good.split_once(", k=").unwrap();
        let cases = [
            String::new(),
            good.replacen("vapid", "WebPush", 1),
            token.to_owned(),
            format!("vapid k={k}"),
            format!("{token}, k=AAAA"),
            format!("{token}.x, k={k}"),
            format!("{token}, k={k}, x=1"),
        ];
        for header in cases {
            assert!(
                matches!(verify_vapid(&header, aud, NOW), Err(Error::BadVapid(_))),
                "{header:?}"
            );
        }
    }

    #[test]
    fn subject_must_be_mailto_or_https() {
        let key = VapidKey::generate();
        assert!(
            key.authorization(
                "https://p.example/a",
                "https://xietong.example/contact",
                NOW
            )
            .is_ok()
        );
        let err = key
            .authorization("https://p.example/a", "admin@xietong.example", NOW)
            .unwrap_err();
        assert!(matches!(err, Error::BadVapid(_)), "{err}");
    }

    #[test]
    fn secret_round_trips_and_keeps_the_public_key() {
        let key = VapidKey::generate();
        let secret = key.secret_b64url();
        assert_eq!(b64_decode_lenient(&secret).unwrap().len(), 32);
        let restored = VapidKey::from_secret_b64url(&secret).unwrap();
        assert_eq!(restored.secret_b64url(), secret);
        assert_eq!(restored.public_key_b64url(), key.public_key_b64url());
        assert_eq!(
            b64_decode_lenient(&key.public_key_b64url()).unwrap()[0],
            0x04
        );
        // A token from the restored key verifies against the original public key.
        let header = auth_for(&restored, "https://p.example/a");
        assert!(header.ends_with(&key.public_key_b64url()));
        assert!(verify_vapid(&header, "https://p.example", NOW).is_ok());
    }

    #[test]
    fn bad_secrets_are_refused() {
        for secret in [
            "",
            "AAAA",
            &b64url(&[0u8; 32]),
            &b64url(&[0xffu8; 32]),
            "not base64!",
        ] {
            assert!(
                matches!(VapidKey::from_secret_b64url(secret), Err(Error::BadKey(_))),
                "{secret:?}"
            );
        }
    }

    #[test]
    fn debug_output_does_not_leak_the_secret() {
        let key = VapidKey::generate();
        let shown = format!("{key:?}");
        assert!(shown.contains(&key.public_key_b64url()));
        assert!(!shown.contains(&key.secret_b64url()));
    }
}
