//! `aes128gcm` encrypted content coding (RFC 8188) as used by Web Push (RFC 8291).
//!
//! Body layout: `salt (16) | rs (4, big-endian) | idlen (1) | keyid (65: sender's public key) | record`.
//! A single record holds `AES-128-GCM(plaintext | 0x02 | zero padding)` including its 16-byte tag.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;

use crate::{Error, b64url, decode_key};

/// The largest plaintext one push message carries (RFC 8291 §4): 4096 minus the
/// 86-byte header, the padding delimiter and the 16-byte tag.
pub const MAX_PAYLOAD: usize = 3993;

/// The record size written in the header.
const RECORD_SIZE: u32 = 4096;
const SALT_LEN: usize = 16;
const AUTH_LEN: usize = 16;
/// An uncompressed SEC1 P-256 point: 0x04 | x | y.
const POINT_LEN: usize = 65;
const TAG_LEN: usize = 16;
/// salt | rs | idlen | keyid.
const HEADER_LEN: usize = SALT_LEN + 4 + 1 + POINT_LEN;
/// Delimiter that ends the last (here: only) record's data.
const LAST_RECORD_DELIMITER: u8 = 0x02;

/// Encrypts `payload` for the subscription with `Content-Encoding: aes128gcm` (RFC 8188 + RFC 8291):
/// random 16-byte salt, fresh ephemeral P-256 key, record size 4096, single record, padding
/// delimiter 0x02. Payloads over [`MAX_PAYLOAD`] (3993) bytes are refused with
/// [`Error::PayloadTooLarge`].
pub fn encrypt(payload: &[u8], p256dh_b64: &str, auth_b64: &str) -> Result<Vec<u8>, Error> {
    let mut salt = [0u8; SALT_LEN];
    OsRng.fill_bytes(&mut salt);
    let ephemeral = SecretKey::random(&mut OsRng);
    encrypt_with(
        payload,
        p256dh_b64,
        auth_b64,
        salt,
        &ephemeral.to_bytes().into(),
    )
}

/// Same with caller-chosen salt and ephemeral secret (for the RFC 8291 test vector).
///
/// Never reuse a salt or ephemeral secret for real messages: use [`encrypt`].
pub fn encrypt_with(
    payload: &[u8],
    p256dh_b64: &str,
    auth_b64: &str,
    salt: [u8; 16],
    ephemeral_secret: &[u8; 32],
) -> Result<Vec<u8>, Error> {
    if payload.len() > MAX_PAYLOAD {
        return Err(Error::PayloadTooLarge(payload.len()));
    }
    let ua_public_bytes: [u8; POINT_LEN] = decode_key(p256dh_b64, "p256dh")?;
    let ua_public = parse_point(&ua_public_bytes, "p256dh")?;
    let auth: [u8; AUTH_LEN] = decode_key(auth_b64, "auth secret")?;
    let as_secret = parse_scalar(ephemeral_secret, "ephemeral secret")?;
    let as_public_bytes = point_bytes(&as_secret.public_key());

    let keys = derive_keys(
        &as_secret,
        &ua_public,
        &ua_public_bytes,
        &as_public_bytes,
        &auth,
        &salt,
    );
    let mut record = Vec::with_capacity(payload.len() + 1 + TAG_LEN);
    record.extend_from_slice(payload);
    record.push(LAST_RECORD_DELIMITER);
    let sealed = Aes128Gcm::new(&keys.cek.into())
        .encrypt(Nonce::from_slice(&keys.nonce), record.as_slice())
        // AES-GCM only refuses plaintexts over 2^36 bytes; ours is at most 3994.
        .expect("AES-128-GCM encrypts any plaintext of at most 3994 bytes");

    let mut body = Vec::with_capacity(HEADER_LEN + sealed.len());
    body.extend_from_slice(&salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(POINT_LEN as u8);
    body.extend_from_slice(&as_public_bytes);
    body.extend_from_slice(&sealed);
    Ok(body)
}

/// The browser's side, for tests and local receivers: a user agent's key pair and auth secret.
pub struct UserAgent {
    secret: SecretKey,
    public: [u8; POINT_LEN],
    auth: [u8; AUTH_LEN],
}

impl std::fmt::Debug for UserAgent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserAgent")
            .field("p256dh", &self.p256dh_b64url())
            .finish_non_exhaustive()
    }
}

impl UserAgent {
    /// A fresh key pair and auth secret, as a browser makes on `pushManager.subscribe()`.
    pub fn generate() -> UserAgent {
        let mut auth = [0u8; AUTH_LEN];
        OsRng.fill_bytes(&mut auth);
        Self::from_parts(SecretKey::random(&mut OsRng), auth)
    }

    /// A user agent from a known private scalar and auth secret (test vectors).
    #[doc(hidden)]
    pub fn from_secret(secret: &[u8; 32], auth: [u8; 16]) -> Result<UserAgent, Error> {
        Ok(Self::from_parts(
            parse_scalar(secret, "user agent secret")?,
            auth,
        ))
    }

    fn from_parts(secret: SecretKey, auth: [u8; AUTH_LEN]) -> UserAgent {
        let public = point_bytes(&secret.public_key());
        UserAgent {
            secret,
            public,
            auth,
        }
    }

    /// The subscription's `keys.p256dh`: uncompressed public point, base64url without padding.
    pub fn p256dh_b64url(&self) -> String {
        b64url(&self.public)
    }

    /// The subscription's `keys.auth`: the 16-byte auth secret, base64url without padding.
    pub fn auth_b64url(&self) -> String {
        b64url(&self.auth)
    }

    /// Decrypts an aes128gcm body addressed to this user agent.
    pub fn decrypt(&self, body: &[u8]) -> Result<Vec<u8>, Error> {
        if body.len() < HEADER_LEN {
            return Err(Error::Decrypt(format!(
                "body of {} bytes is shorter than the header",
                body.len()
            )));
        }
        let (salt, rest) = body.split_at(SALT_LEN);
        let (rs, rest) = rest.split_at(4);
        let (idlen, rest) = rest.split_at(1);
        let rs = u32::from_be_bytes([rs[0], rs[1], rs[2], rs[3]]) as usize;
        if usize::from(idlen[0]) != POINT_LEN {
            return Err(Error::Decrypt(format!(
                "keyid is {} bytes, expected a {POINT_LEN}-byte P-256 point",
                idlen[0]
            )));
        }
        let (keyid, record) = rest.split_at(POINT_LEN);
        if rs < TAG_LEN + 2 {
            return Err(Error::Decrypt(format!(
                "record size {rs} is below the minimum of {}",
                TAG_LEN + 2
            )));
        }
        if record.len() > rs {
            return Err(Error::Decrypt(format!(
                "{} bytes of records need more than one record of {rs}",
                record.len()
            )));
        }
        if record.len() <= TAG_LEN {
            return Err(Error::Decrypt(format!(
                "record of {} bytes has no room for data",
                record.len()
            )));
        }
        let as_public = parse_point(keyid, "keyid").map_err(|e| Error::Decrypt(e.to_string()))?;
        let salt: [u8; SALT_LEN] = salt
            .try_into()
            .map_err(|_| Error::Decrypt("salt is not 16 bytes".into()))?;

        let keys = derive_keys(
            &self.secret,
            &as_public,
            &self.public,
            keyid,
            &self.auth,
            &salt,
        );
        let mut plain = Aes128Gcm::new(&keys.cek.into())
            .decrypt(Nonce::from_slice(&keys.nonce), record)
            .map_err(|_| {
                Error::Decrypt("authentication failed: wrong key or tampered message".into())
            })?;
        let end = plain
            .iter()
            .rposition(|&b| b != 0)
            .ok_or_else(|| Error::Decrypt("record is all padding, no delimiter".into()))?;
        if plain[end] != LAST_RECORD_DELIMITER {
            return Err(Error::Decrypt(format!(
                "padding delimiter is {:#04x}, expected 0x02",
                plain[end]
            )));
        }
        plain.truncate(end);
        Ok(plain)
    }
}

/// Content encryption key and nonce of one message (sequence number 0).
struct Keys {
    /// RFC 8291's IKM, kept for the test vector.
    #[cfg_attr(not(test), allow(dead_code))]
    ikm: [u8; 32],
    cek: [u8; 16],
    nonce: [u8; 12],
}

/// RFC 8291 §3.4 and RFC 8188 §2.2: ECDH, combine with the auth secret, then derive CEK and nonce.
/// `own_secret` is the local private key (sender's or receiver's), `peer` the other side's public key.
fn derive_keys(
    own_secret: &SecretKey,
    peer: &PublicKey,
    ua_public: &[u8],
    as_public: &[u8],
    auth: &[u8; AUTH_LEN],
    salt: &[u8; SALT_LEN],
) -> Keys {
    let shared = p256::ecdh::diffie_hellman(own_secret.to_nonzero_scalar(), peer.as_affine());
    let mut key_info = Vec::with_capacity(14 + 2 * POINT_LEN);
    key_info.extend_from_slice(b"WebPush: info\0");
    key_info.extend_from_slice(ua_public);
    key_info.extend_from_slice(as_public);
    let ikm: [u8; 32] = hkdf_sha256(auth, shared.raw_secret_bytes(), &key_info);
    Keys {
        ikm,
        cek: hkdf_sha256(salt, &ikm, b"Content-Encoding: aes128gcm\0"),
        nonce: hkdf_sha256(salt, &ikm, b"Content-Encoding: nonce\0"),
    }
}

/// HKDF-SHA-256 extract-then-expand to `N` bytes.
fn hkdf_sha256<const N: usize>(salt: &[u8], ikm: &[u8], info: &[u8]) -> [u8; N] {
    let mut okm = [0u8; N];
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, &mut okm)
        // HKDF-SHA-256 can produce up to 8160 bytes; we ask for at most 32.
        .expect("HKDF-SHA-256 output of at most 32 bytes");
    okm
}

/// Parses an uncompressed SEC1 P-256 point, refusing compressed or identity encodings.
fn parse_point(bytes: &[u8], what: &str) -> Result<PublicKey, Error> {
    if bytes.len() != POINT_LEN || bytes[0] != 0x04 {
        return Err(Error::BadKey(format!(
            "{what}: expected a 65-byte uncompressed P-256 point"
        )));
    }
    PublicKey::from_sec1_bytes(bytes)
        .map_err(|_| Error::BadKey(format!("{what}: not a point on P-256")))
}

/// Parses a 32-byte big-endian P-256 private scalar (nonzero, below the group order).
pub(crate) fn parse_scalar(bytes: &[u8; 32], what: &str) -> Result<SecretKey, Error> {
    SecretKey::from_bytes(bytes.into())
        .map_err(|_| Error::BadKey(format!("{what}: not a valid P-256 private scalar")))
}

/// The uncompressed SEC1 encoding of a public key.
pub(crate) fn point_bytes(public: &PublicKey) -> [u8; POINT_LEN] {
    let encoded = public.to_encoded_point(false);
    let mut out = [0u8; POINT_LEN];
    out.copy_from_slice(encoded.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::b64_decode_lenient;

    /// RFC 8291 Appendix A (and §5) inputs, base64url.
    const RFC_PLAINTEXT: &[u8] = b"When I grow up, I want to be a watermelon";
    const RFC_AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    const RFC_AS_PUBLIC: &str =
        "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    const RFC_UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    const RFC_UA_PUBLIC: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const RFC_SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
    const RFC_AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
    /// RFC 8291 Appendix A intermediate values.
    const RFC_IKM: &str = "S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg";
    const RFC_CEK: &str = "oIhVW04MRdy2XN9CiKLxTg";
    /// RFC 8291 §5: the encrypted push message body.
    const RFC_MESSAGE: &str = concat!(
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml",
        "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT",
        "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
    );

    fn d(s: &str) -> Vec<u8> {
        b64_decode_lenient(s).unwrap()
    }

    fn rfc_user_agent() -> UserAgent {
        let secret: [u8; 32] = d(RFC_UA_PRIVATE).try_into().unwrap();
        let auth: [u8; 16] = d(RFC_AUTH).try_into().unwrap();
        UserAgent::from_secret(&secret, auth).unwrap()
    }

    #[test]
    fn rfc8291_vector_encrypts_to_the_exact_message() {
        let salt: [u8; 16] = d(RFC_SALT).try_into().unwrap();
        let as_secret: [u8; 32] = d(RFC_AS_PRIVATE).try_into().unwrap();
        let body = encrypt_with(RFC_PLAINTEXT, RFC_UA_PUBLIC, RFC_AUTH, salt, &as_secret).unwrap();
        assert_eq!(b64url(&body), RFC_MESSAGE);
    }

    #[test]
    fn rfc8291_vector_intermediate_keys_match() {
        let as_secret = parse_scalar(&d(RFC_AS_PRIVATE).try_into().unwrap(), "as").unwrap();
        assert_eq!(b64url(&point_bytes(&as_secret.public_key())), RFC_AS_PUBLIC);
        let ua_public = d(RFC_UA_PUBLIC);
        let keys = derive_keys(
            &as_secret,
            &parse_point(&ua_public, "ua").unwrap(),
            &ua_public,
            &d(RFC_AS_PUBLIC),
            &d(RFC_AUTH).try_into().unwrap(),
            &d(RFC_SALT).try_into().unwrap(),
        );
        assert_eq!(b64url(&keys.ikm), RFC_IKM);
        assert_eq!(b64url(&keys.cek), RFC_CEK);
    }

    #[test]
    fn rfc8291_vector_decrypts_with_the_receiver_key() {
        let ua = rfc_user_agent();
        assert_eq!(ua.p256dh_b64url(), RFC_UA_PUBLIC);
        assert_eq!(ua.auth_b64url(), RFC_AUTH);
        assert_eq!(ua.decrypt(&d(RFC_MESSAGE)).unwrap(), RFC_PLAINTEXT);
    }

    #[test]
    fn round_trips_empty_and_largest_payloads() {
        let ua = UserAgent::generate();
        for len in [0, 1, 100, MAX_PAYLOAD] {
            let payload: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let body = encrypt(&payload, &ua.p256dh_b64url(), &ua.auth_b64url()).unwrap();
            assert_eq!(body.len(), HEADER_LEN + len + 1 + TAG_LEN);
            assert_eq!(ua.decrypt(&body).unwrap(), payload, "length {len}");
        }
    }

    #[test]
    fn largest_payload_fills_exactly_4096_bytes() {
        let ua = UserAgent::generate();
        let body = encrypt(&[7u8; MAX_PAYLOAD], &ua.p256dh_b64url(), &ua.auth_b64url()).unwrap();
        assert_eq!(body.len(), 4096);
    }

    #[test]
    fn refuses_a_payload_one_byte_too_large() {
        let ua = UserAgent::generate();
        let err = encrypt(
            &[0u8; MAX_PAYLOAD + 1],
            &ua.p256dh_b64url(),
            &ua.auth_b64url(),
        )
        .unwrap_err();
        assert!(matches!(err, Error::PayloadTooLarge(3994)), "{err}");
    }

    #[test]
    fn header_follows_rfc8188_layout() {
        let ua = UserAgent::generate();
        let body = encrypt(b"hi", &ua.p256dh_b64url(), &ua.auth_b64url()).unwrap();
        assert_eq!(&body[16..20], &4096u32.to_be_bytes());
        assert_eq!(body[20], 65);
        assert_eq!(body[21], 0x04, "keyid is an uncompressed point");
        let other = encrypt(b"hi", &ua.p256dh_b64url(), &ua.auth_b64url()).unwrap();
        assert_ne!(&body[..16], &other[..16], "fresh salt per message");
        assert_ne!(
            &body[21..86],
            &other[21..86],
            "fresh ephemeral key per message"
        );
    }

    #[test]
    fn accepts_padded_and_standard_base64_keys() {
        let ua = rfc_user_agent();
        let std_b64 = |s: &str| {
            let mut s = s.replace('-', "+").replace('_', "/");
            while !s.len().is_multiple_of(4) {
                s.push('=');
            }
            s
        };
        let body = encrypt(b"x", &std_b64(RFC_UA_PUBLIC), &std_b64(RFC_AUTH)).unwrap();
        assert_eq!(ua.decrypt(&body).unwrap(), b"x");
    }

    #[test]
    fn tampered_ciphertext_fails_to_decrypt() {
        let ua = rfc_user_agent();
        let message = d(RFC_MESSAGE);
        for i in [0, 20, 30, HEADER_LEN, message.len() - 1] {
            let mut tampered = message.clone();
            tampered[i] ^= 0x01;
            assert!(ua.decrypt(&tampered).is_err(), "flipped byte {i}");
        }
        let mut tampered = message.clone();
        tampered[HEADER_LEN + 3] ^= 0x80;
        assert!(matches!(ua.decrypt(&tampered), Err(Error::Decrypt(_))));
        assert!(matches!(
            ua.decrypt(&message[..message.len() - 1]),
            Err(Error::Decrypt(_))
        ));
        assert!(matches!(ua.decrypt(&message[..50]), Err(Error::Decrypt(_))));
    }

    #[test]
    fn another_user_agent_cannot_decrypt() {
        let ua = UserAgent::generate();
        let body = encrypt(b"secret", &ua.p256dh_b64url(), &ua.auth_b64url()).unwrap();
        assert!(matches!(
            UserAgent::generate().decrypt(&body),
            Err(Error::Decrypt(_))
        ));
        // Right key pair, wrong auth secret.
        let same_key_other_auth = UserAgent::from_parts(ua.secret.clone(), [9u8; 16]);
        assert!(matches!(
            same_key_other_auth.decrypt(&body),
            Err(Error::Decrypt(_))
        ));
    }

    #[test]
    fn refuses_bad_subscription_keys() {
        let ua = UserAgent::generate();
        let auth = ua.auth_b64url();
        let compressed = b64url(ua.secret.public_key().to_encoded_point(true).as_bytes());
        let mut off_curve = d(&ua.p256dh_b64url());
        off_curve[64] ^= 1;
        for p256dh in ["", "!!", compressed.as_str(), &b64url(&off_curve)] {
            assert!(
                matches!(encrypt(b"x", p256dh, &auth), Err(Error::BadKey(_))),
                "{p256dh:?}"
            );
        }
        assert!(matches!(
            encrypt(b"x", &ua.p256dh_b64url(), "AAAA"),
            Err(Error::BadKey(_))
        ));
        assert!(matches!(
            UserAgent::from_secret(&[0u8; 32], [0u8; 16]),
            Err(Error::BadKey(_))
        ));
        assert!(matches!(
            encrypt_with(b"x", &ua.p256dh_b64url(), &auth, [0; 16], &[0xff; 32]),
            Err(Error::BadKey(_))
        ));
    }

    #[test]
    fn wrong_padding_delimiter_is_refused() {
        // Seal a record ending in 0x01 (a non-last-record delimiter) with the right keys.
        let ua = rfc_user_agent();
        let message = d(RFC_MESSAGE);
        let as_secret = parse_scalar(&d(RFC_AS_PRIVATE).try_into().unwrap(), "as").unwrap();
        let ua_public = d(RFC_UA_PUBLIC);
        let salt: [u8; 16] = d(RFC_SALT).try_into().unwrap();
        let keys = derive_keys(
            &as_secret,
            &parse_point(&ua_public, "ua").unwrap(),
            &ua_public,
            &message[21..86],
            &d(RFC_AUTH).try_into().unwrap(),
            &salt,
        );
        let sealed = Aes128Gcm::new(&keys.cek.into())
            .encrypt(Nonce::from_slice(&keys.nonce), &b"abc\x01\0\0"[..])
            .unwrap();
        let mut body = message[..HEADER_LEN].to_vec();
        body.extend_from_slice(&sealed);
        let err = ua.decrypt(&body).unwrap_err();
        assert!(
            matches!(&err, Error::Decrypt(m) if m.contains("delimiter")),
            "{err}"
        );
    }
}
