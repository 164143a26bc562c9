//! Group robots (WeCom, DingTalk, Feishu) and the generic outgoing webhook: the request each
//! platform documents, signed the way it checks, and the platform's answer read back.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::message::Message;

/// A channel kind.
pub const KINDS: [&str; 4] = ["wecom", "dingtalk", "feishu", "webhook"];

/// A request to send.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Percent-encodes a query value (what DingTalk's `sign` needs: base64 has `+`, `/`, `=`).
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn with_query(url: &str, extra: &str) -> String {
    if url.contains('?') {
        format!("{url}&{extra}")
    } else {
        format!("{url}?{extra}")
    }
}

/// What a webhook receives.
#[derive(Debug, serde::Serialize)]
pub struct WebhookBody<'a> {
    /// The delivery's id: the same on every retry of one delivery.
    pub delivery: String,
    pub event: &'a str,
    pub headline: &'a str,
    pub text: &'a str,
    pub link: &'a str,
    pub tenant: String,
    pub notice: &'a super::NoticeView,
    /// The person the notice is for.
    pub recipient: Recipient<'a>,
}

/// The notice's reader.
#[derive(Debug, serde::Serialize)]
pub struct Recipient<'a> {
    pub id: uuid::Uuid,
    pub name: &'a str,
}

/// Builds the request for a channel of `kind` at `url` with `secret`; `at_ms` is the send time
/// in milliseconds since the epoch.
pub fn build(
    kind: &str,
    url: &str,
    secret: Option<&str>,
    m: &Message,
    recipient: &str,
    webhook: Option<&WebhookBody<'_>>,
    at_ms: i64,
) -> Result<Request, String> {
    let secret = secret.filter(|s| !s.is_empty());
    let line = if recipient.is_empty() {
        m.text.clone()
    } else {
        format!("{recipient}：{}", m.text)
    };
    let json = |v: serde_json::Value| serde_json::to_vec(&v).expect("JSON");
    let ct = vec![("Content-Type".to_string(), "application/json".to_string())];
    match kind {
        // WeCom group robot: markdown, no signature (the key in the URL is the secret).
        "wecom" => Ok(Request {
            url: url.to_string(),
            headers: ct,
            body: json(serde_json::json!({
                "msgtype": "markdown",
                "markdown": { "content": format!("**{}**\n{}\n[在协同中查看]({})", m.headline, line, m.link) }
            })),
        }),
        // DingTalk custom robot: 加签 = base64(HMAC-SHA256(secret, "<timestamp>\n<secret>")) in
        // the query with the millisecond timestamp.
        "dingtalk" => {
            let url = match secret {
                Some(s) => {
                    let sign = b64(&hmac_sha256(
                        s.as_bytes(),
                        format!("{at_ms}\n{s}").as_bytes(),
                    ));
                    with_query(
                        url,
                        &format!("timestamp={at_ms}&sign={}", query_escape(&sign)),
                    )
                }
                None => url.to_string(),
            };
            Ok(Request {
                url,
                headers: ct,
                body: json(serde_json::json!({
                    "msgtype": "actionCard",
                    "actionCard": {
                        "title": m.headline,
                        "text": format!("### {}\n{}", m.headline, line),
                        "singleTitle": "在协同中查看",
                        "singleURL": m.link,
                    }
                })),
            })
        }
        // Feishu custom bot: sign = base64(HMAC-SHA256(key = "<timestamp>\n<secret>", empty
        // message)) with the timestamp in seconds, both in the body.
        "feishu" => {
            let mut body = serde_json::json!({
                "msg_type": "post",
                "content": { "post": { "zh_cn": {
                    "title": m.headline,
                    "content": [[
                        { "tag": "text", "text": format!("{line} ") },
                        { "tag": "a", "text": "在协同中查看", "href": m.link }
                    ]]
                }}}
            });
            if let Some(s) = secret {
                let ts = at_ms / 1000;
                body["timestamp"] = serde_json::json!(ts.to_string());
                body["sign"] =
                    serde_json::json!(b64(&hmac_sha256(format!("{ts}\n{s}").as_bytes(), b"")));
            }
            Ok(Request {
                url: url.to_string(),
                headers: ct,
                body: json(body),
            })
        }
        // Generic: the JSON body, signed `sha256=<hex HMAC-SHA256(secret, "<ts>.<body>")>`.
        "webhook" => {
            let w = webhook.ok_or("webhook body missing")?;
            let body = serde_json::to_vec(w).map_err(|e| e.to_string())?;
            let ts = (at_ms / 1000).to_string();
            let mut headers = ct;
            headers.push(("X-Xietong-Event".into(), w.event.to_string()));
            headers.push(("X-Xietong-Delivery".into(), w.delivery.clone()));
            headers.push(("X-Xietong-Timestamp".into(), ts.clone()));
            if let Some(s) = secret {
                let mut msg = ts.into_bytes();
                msg.push(b'.');
                msg.extend_from_slice(&body);
                let hex: String = hmac_sha256(s.as_bytes(), &msg)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                headers.push(("X-Xietong-Signature".into(), format!("sha256={hex}")));
            }
            Ok(Request {
                url: url.to_string(),
                headers,
                body,
            })
        }
        other => Err(format!("unknown channel kind {other}")),
    }
}

/// Reads a platform's answer: `Ok` when it took the message, else why not.
pub fn check_answer(kind: &str, status: u16, body: &str) -> Result<(), String> {
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status}: {}", truncate(body, 300)));
    }
    let v: serde_json::Value = match kind {
        "webhook" => return Ok(()),
        _ => serde_json::from_str(body)
            .map_err(|_| format!("unexpected answer: {}", truncate(body, 300)))?,
    };
    let code = match kind {
        // {"errcode":0,"errmsg":"ok"}
        "wecom" | "dingtalk" => v.get("errcode").and_then(|c| c.as_i64()),
        // {"code":0,"msg":"success"} (older: {"StatusCode":0})
        _ => v
            .get("code")
            .or_else(|| v.get("StatusCode"))
            .and_then(|c| c.as_i64()),
    };
    match code {
        Some(0) => Ok(()),
        _ => Err(format!("refused: {}", truncate(body, 300))),
    }
}

fn truncate(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg() -> Message {
        Message {
            kind: "urged".into(),
            headline: "催办".into(),
            text: "「报销」被催办".into(),
            link: "http://x/notifications?open=1".into(),
        }
    }

    #[test]
    fn dingtalk_signs_the_timestamp_and_secret_into_the_query() {
        let r = build(
            "dingtalk",
            "https://oapi.dingtalk.com/robot/send?access_token=T",
            Some("SECabc"),
            &msg(),
            "张三",
            None,
            1_700_000_000_000,
        )
        .unwrap();
        let expected = b64(&hmac_sha256(b"SECabc", b"1700000000000\nSECabc"));
        assert_eq!(
            r.url,
            format!(
                "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000&sign={}",
                query_escape(&expected)
            )
        );
        let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            body["actionCard"]["singleURL"],
            "http://x/notifications?open=1"
        );
    }

    #[test]
    fn feishu_puts_seconds_and_sign_in_the_body() {
        let r = build(
            "feishu",
            "https://open.feishu.cn/open-apis/bot/v2/hook/x",
            Some("s3"),
            &msg(),
            "",
            None,
            1_700_000_000_123,
        )
        .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body["timestamp"], "1700000000");
        assert_eq!(body["sign"], b64(&hmac_sha256(b"1700000000\ns3", b"")));
    }

    #[test]
    fn answers_are_read_per_platform() {
        assert!(check_answer("wecom", 200, r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        assert!(
            check_answer(
                "dingtalk",
                200,
                r#"{"errcode":310000,"errmsg":"sign not match"}"#
            )
            .unwrap_err()
            .contains("sign not match")
        );
        assert!(check_answer("feishu", 200, r#"{"code":19021,"msg":"sign match fail"}"#).is_err());
        assert!(check_answer("feishu", 200, r#"{"StatusCode":0}"#).is_ok());
        assert!(
            check_answer("webhook", 500, "boom")
                .unwrap_err()
                .starts_with("HTTP 500")
        );
        assert!(check_answer("webhook", 204, "").is_ok());
    }

    #[test]
    fn query_values_are_escaped() {
        assert_eq!(query_escape("a+b/c="), "a%2Bb%2Fc%3D");
    }
}
