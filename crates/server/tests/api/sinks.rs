//! Real receivers for outbound messages: a small SMTP server that keeps what it is sent, and an
//! HTTP server that records requests and answers as the platform it stands for would.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One mail as the SMTP server received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    /// The raw message (headers and body, dot-unstuffed).
    pub data: String,
}

impl ReceivedMail {
    /// A header's value (first occurrence, unfolded, RFC 2047 words decoded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(v) = value.as_mut() {
                if line.starts_with(' ') || line.starts_with('\t') {
                    v.push_str(line.trim_start());
                    continue;
                }
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case(name)
            {
                value = Some(v.trim().to_string());
            }
        }
        value.map(|v| decode_words(&v))
    }

    /// The decoded bodies of the `text/plain` and `text/html` parts.
    pub fn parts(&self) -> (String, String) {
        let mut text = String::new();
        let mut html = String::new();
        // parts start with their own headers; find each "Content-Type: text/…" block
        for chunk in self.data.split("\r\n--") {
            let Some((head, body)) = chunk.split_once("\r\n\r\n") else {
                continue;
            };
            let lower = head.to_ascii_lowercase();
            let body = body.split("\r\n--").next().unwrap_or(body);
            let decoded = if lower.contains("content-transfer-encoding: base64") {
                let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
                String::from_utf8(
                    base64::engine::general_purpose::STANDARD
                        .decode(compact)
                        .unwrap_or_default(),
                )
                .unwrap_or_default()
            } else if lower.contains("content-transfer-encoding: quoted-printable") {
                decode_qp(body)
            } else {
                body.to_string()
            };
            if lower.contains("content-type: text/plain") {
                text = decoded;
            } else if lower.contains("content-type: text/html") {
                html = decoded;
            }
        }
        (text, html)
    }
}

fn decode_qp(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
            if let Some(h) = s.get(i + 1..i + 3)
                && let Ok(v) = u8::from_str_radix(h, 16)
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes `=?utf-8?b?…?=` and `=?utf-8?q?…?=` words.
fn decode_words(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        if !before.trim().is_empty() || out.is_empty() {
            out.push_str(before);
        }
        let after = &rest[start + 2..];
        let parts: Vec<&str> = after.splitn(3, '?').collect();
        if parts.len() < 3 {
            out.push_str(&rest[start..]);
            return out;
        }
        let (enc, tail) = (parts[1], parts[2]);
        let Some(end) = tail.find("?=") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let text = &tail[..end];
        let decoded = if enc.eq_ignore_ascii_case("b") {
            String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .unwrap_or_default(),
            )
            .unwrap_or_default()
        } else {
            decode_qp(&text.replace('_', " "))
        };
        out.push_str(&decoded);
        rest = &tail[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A small SMTP server on 127.0.0.1 (no TLS, no auth): EHLO, MAIL, RCPT, DATA, RSET, NOOP,
/// QUIT. Recipients in `refuse` get `550`.
#[derive(Clone)]
pub struct SmtpSink {
    pub addr: SocketAddr,
    mails: Arc<Mutex<Vec<ReceivedMail>>>,
    refuse: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sink = SmtpSink {
            addr: listener.local_addr().unwrap(),
            mails: Default::default(),
            refuse: Default::default(),
        };
        let s = sink.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = s.session(sock).await;
                });
            }
        });
        sink
    }

    /// Answers `550` to this recipient from now on.
    pub fn refuse(&self, address: &str) {
        self.refuse.lock().unwrap().push(address.to_string());
    }

    pub fn mails(&self) -> Vec<ReceivedMail> {
        self.mails.lock().unwrap().clone()
    }

    async fn session(&self, sock: tokio::net::TcpStream) -> std::io::Result<()> {
        let (r, mut w) = sock.into_split();
        let mut r = BufReader::new(r);
        w.write_all(b"220 sink.test ESMTP ready\r\n").await?;
        let (mut from, mut to) = (String::new(), Vec::new());
        let mut line = String::new();
        loop {
            line.clear();
            if r.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let cmd = line.trim_end().to_string();
            let upper = cmd.to_ascii_uppercase();
            let addr = |s: &str| {
                s.split_once('<')
                    .and_then(|(_, r)| r.split_once('>'))
                    .map(|(a, _)| a.to_string())
                    .unwrap_or_default()
            };
            if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                w.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                    .await?;
            } else if upper.starts_with("MAIL FROM") {
                from = addr(&cmd);
                to.clear();
                w.write_all(b"250 OK\r\n").await?;
            } else if upper.starts_with("RCPT TO") {
                let a = addr(&cmd);
                if self.refuse.lock().unwrap().contains(&a) {
                    w.write_all(b"550 5.1.1 no such mailbox here\r\n").await?;
                } else {
                    to.push(a);
                    w.write_all(b"250 OK\r\n").await?;
                }
            } else if upper == "DATA" {
                w.write_all(b"354 go ahead\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    let l = line.strip_prefix('.').unwrap_or(&line);
                    data.push_str(l);
                }
                self.mails.lock().unwrap().push(ReceivedMail {
                    from: from.clone(),
                    to: to.clone(),
                    data,
                });
                w.write_all(b"250 OK queued\r\n").await?;
            } else if upper == "QUIT" {
                w.write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else if upper == "RSET" || upper == "NOOP" {
                w.write_all(b"250 OK\r\n").await?;
            } else {
                w.write_all(b"502 not here\r\n").await?;
            }
        }
    }
}

/// One request an HTTP receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub query: String,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
    /// What the receiver answered.
    pub status: u16,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
    pub fn query_param(&self, key: &str) -> Option<String> {
        self.query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == key).then(|| percent_decode(v))
        })
    }
}

fn percent_decode(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

type Answer = dyn Fn(&Received) -> (u16, String) + Send + Sync;

/// An HTTP server on 127.0.0.1 that records every request and answers with `answer`.
#[derive(Clone)]
pub struct HttpSink {
    pub addr: SocketAddr,
    got: Arc<Mutex<Vec<Received>>>,
}

impl HttpSink {
    pub async fn start(
        answer: impl Fn(&Received) -> (u16, String) + Send + Sync + 'static,
    ) -> HttpSink {
        let answer: Arc<Answer> = Arc::new(answer);
        let got: Arc<Mutex<Vec<Received>>> = Default::default();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let g = got.clone();
        let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
            let (answer, got) = (answer.clone(), g.clone());
            async move {
                let (parts, body) = req.into_parts();
                let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
                let mut r = Received {
                    path: parts.uri.path().to_string(),
                    query: parts.uri.query().unwrap_or("").to_string(),
                    headers: parts.headers,
                    body,
                    status: 0,
                };
                let (status, text) = answer(&r);
                r.status = status;
                got.lock().unwrap().push(r);
                (
                    axum::http::StatusCode::from_u16(status).unwrap(),
                    [("content-type", "application/json")],
                    text,
                )
            }
        });
        tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        HttpSink { addr, got }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    pub fn on(&self, path: &str) -> Vec<Received> {
        self.got().into_iter().filter(|r| r.path == path).collect()
    }
}
