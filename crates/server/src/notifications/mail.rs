//! Mail over SMTP (lettre): the tenant's server settings, HTML and text templates in zh-CN and
//! en (minijinja), and one send.

use std::sync::OnceLock;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message as Mail, Tokio1Executor};
use minijinja::Environment;
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// A tenant's mail server, as stored (the password too: see docs/decisions.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct MailConfig {
    pub enabled: bool,
    pub host: String,
    pub port: u16,
    /// `none`, `starttls` or `tls`.
    pub security: String,
    pub username: String,
    pub password: String,
    pub from_address: String,
    pub from_name: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            enabled: false,
            host: String::new(),
            port: 465,
            security: "tls".into(),
            username: String::new(),
            password: String::new(),
            from_address: String::new(),
            from_name: "协同 Xietong".into(),
        }
    }
}

/// Why a mail did not go.
#[derive(Debug, Clone)]
pub struct MailError {
    /// Retrying will not help (bad address, 5xx answer, bad settings).
    pub permanent: bool,
    pub message: String,
}

impl MailError {
    fn permanent(message: impl Into<String>) -> MailError {
        MailError {
            permanent: true,
            message: message.into(),
        }
    }
}

/// A mail ready to send.
pub struct Outgoing {
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A stable Message-ID (`<…@…>` without brackets), so a resend is recognisably the same.
    pub message_id: Option<String>,
}

/// Sends one mail through `cfg`'s server.
pub async fn send(cfg: &MailConfig, m: Outgoing) -> Result<(), MailError> {
    if cfg.host.trim().is_empty() {
        return Err(MailError::permanent("mail server host is not set"));
    }
    let from: Mailbox = format!("{} <{}>", cfg.from_name.trim(), cfg.from_address.trim())
        .parse()
        .or_else(|_| cfg.from_address.trim().parse())
        .map_err(|e| MailError::permanent(format!("bad sender address: {e}")))?;
    let to: Mailbox =
        m.to.trim()
            .parse()
            .map_err(|e| MailError::permanent(format!("bad recipient address {}: {e}", m.to)))?;
    let to = Mailbox::new(Some(m.to_name.clone()).filter(|n| !n.is_empty()), to.email);
    let mut b = Mail::builder().from(from).to(to).subject(m.subject);
    if let Some(id) = m.message_id {
        b = b.message_id(Some(format!("<{id}>")));
    }
    let mail = b
        .multipart(MultiPart::alternative_plain_html(m.text, m.html))
        .map_err(|e| MailError::permanent(format!("building the mail: {e}")))?;
    let host = cfg.host.trim();
    let tls = || {
        TlsParameters::new(host.to_string())
            .map_err(|e| MailError::permanent(format!("TLS settings: {e}")))
    };
    let security = match cfg.security.as_str() {
        "none" => Tls::None,
        "starttls" => Tls::Required(tls()?),
        _ => Tls::Wrapper(tls()?),
    };
    let mut t = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(cfg.port)
        .tls(security)
        .timeout(Some(Duration::from_secs(20)));
    if !cfg.username.is_empty() {
        t = t.credentials(Credentials::new(cfg.username.clone(), cfg.password.clone()));
    }
    t.build()
        .send(mail)
        .await
        .map(|_| ())
        .map_err(|e| MailError {
            permanent: e.is_permanent(),
            message: format!("SMTP {host}:{}: {e}", cfg.port),
        })
}

const NOTICE_HTML_ZH: &str = r#"<!doctype html><html lang="zh-CN"><body style="font-family:sans-serif;color:#1f1f1f">
<p>{{ name }}，您好：</p>
<p style="font-size:16px">{{ text }}</p>
<p><a href="{{ link|safe }}" style="display:inline-block;padding:8px 16px;background:#1677ff;color:#fff;border-radius:6px;text-decoration:none">在协同中查看</a></p>
<p style="color:#888;font-size:12px">此邮件由协同办公系统自动发送。可在「个人设置 → 通知设置」中选择哪些通知发邮件。</p>
</body></html>"#;
const NOTICE_TEXT_ZH: &str = "{{ name }}，您好：\n\n{{ text }}\n\n在协同中查看：{{ link }}\n\n——\n此邮件由协同办公系统自动发送。可在「个人设置 → 通知设置」中选择哪些通知发邮件。\n";
const NOTICE_HTML_EN: &str = r#"<!doctype html><html lang="en"><body style="font-family:sans-serif;color:#1f1f1f">
<p>Hello {{ name }},</p>
<p style="font-size:16px">{{ text }}</p>
<p><a href="{{ link|safe }}" style="display:inline-block;padding:8px 16px;background:#1677ff;color:#fff;border-radius:6px;text-decoration:none">Open in Xietong</a></p>
<p style="color:#888;font-size:12px">Sent by Xietong. Choose which notifications are mailed under Settings → Notifications.</p>
</body></html>"#;
const NOTICE_TEXT_EN: &str = "Hello {{ name }},\n\n{{ text }}\n\nOpen in Xietong: {{ link }}\n\n--\nSent by Xietong. Choose which notifications are mailed under Settings → Notifications.\n";

const DIGEST_HTML_ZH: &str = r#"<!doctype html><html lang="zh-CN"><body style="font-family:sans-serif;color:#1f1f1f">
<p>{{ name }}，您好：</p>
<p style="font-size:16px">您有 <b>{{ total }}</b> 项待办{% if overdue %}，其中 <b style="color:#cf1322">{{ overdue }}</b> 项已超期{% endif %}：</p>
<ul>{% for t in tasks %}<li>{{ t.title }} · {{ t.node }}{% if t.overdue %} <span style="color:#cf1322">（已超期）</span>{% endif %}</li>{% endfor %}</ul>
{% if more %}<p>……另有 {{ more }} 项</p>{% endif %}
<p><a href="{{ link|safe }}" style="display:inline-block;padding:8px 16px;background:#1677ff;color:#fff;border-radius:6px;text-decoration:none">打开待办</a></p>
<p style="color:#888;font-size:12px">工作日定时汇总。可在「个人设置 → 通知设置」中关闭。</p>
</body></html>"#;
const DIGEST_TEXT_ZH: &str = "{{ name }}，您好：\n\n您有 {{ total }} 项待办{% if overdue %}，其中 {{ overdue }} 项已超期{% endif %}：\n{% for t in tasks %}- {{ t.title }} · {{ t.node }}{% if t.overdue %}（已超期）{% endif %}\n{% endfor %}{% if more %}……另有 {{ more }} 项\n{% endif %}\n打开待办：{{ link }}\n\n——\n工作日定时汇总。可在「个人设置 → 通知设置」中关闭。\n";
const DIGEST_HTML_EN: &str = r#"<!doctype html><html lang="en"><body style="font-family:sans-serif;color:#1f1f1f">
<p>Hello {{ name }},</p>
<p style="font-size:16px">You have <b>{{ total }}</b> pending item{% if total != 1 %}s{% endif %}{% if overdue %}, <b style="color:#cf1322">{{ overdue }}</b> overdue{% endif %}:</p>
<ul>{% for t in tasks %}<li>{{ t.title }} · {{ t.node }}{% if t.overdue %} <span style="color:#cf1322">(overdue)</span>{% endif %}</li>{% endfor %}</ul>
{% if more %}<p>… and {{ more }} more</p>{% endif %}
<p><a href="{{ link|safe }}" style="display:inline-block;padding:8px 16px;background:#1677ff;color:#fff;border-radius:6px;text-decoration:none">Open my tasks</a></p>
<p style="color:#888;font-size:12px">Working-day digest. Turn it off under Settings → Notifications.</p>
</body></html>"#;
const DIGEST_TEXT_EN: &str = "Hello {{ name }},\n\nYou have {{ total }} pending item{% if total != 1 %}s{% endif %}{% if overdue %}, {{ overdue }} overdue{% endif %}:\n{% for t in tasks %}- {{ t.title }} · {{ t.node }}{% if t.overdue %} (overdue){% endif %}\n{% endfor %}{% if more %}… and {{ more }} more\n{% endif %}\nOpen my tasks: {{ link }}\n\n--\nWorking-day digest. Turn it off under Settings → Notifications.\n";

const TEST_HTML_ZH: &str = r#"<!doctype html><html lang="zh-CN"><body style="font-family:sans-serif"><p>这是一封来自协同的测试邮件，邮件服务器设置可用。</p><p style="color:#888;font-size:12px">{{ server }}</p></body></html>"#;
const TEST_TEXT_ZH: &str = "这是一封来自协同的测试邮件，邮件服务器设置可用。\n\n{{ server }}\n";
const TEST_HTML_EN: &str = r#"<!doctype html><html lang="en"><body style="font-family:sans-serif"><p>This is a test mail from Xietong: the mail server settings work.</p><p style="color:#888;font-size:12px">{{ server }}</p></body></html>"#;
const TEST_TEXT_EN: &str =
    "This is a test mail from Xietong: the mail server settings work.\n\n{{ server }}\n";

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut e = Environment::new();
        for (name, src) in [
            ("notice.zh.html", NOTICE_HTML_ZH),
            ("notice.zh.txt", NOTICE_TEXT_ZH),
            ("notice.en.html", NOTICE_HTML_EN),
            ("notice.en.txt", NOTICE_TEXT_EN),
            ("digest.zh.html", DIGEST_HTML_ZH),
            ("digest.zh.txt", DIGEST_TEXT_ZH),
            ("digest.en.html", DIGEST_HTML_EN),
            ("digest.en.txt", DIGEST_TEXT_EN),
            ("test.zh.html", TEST_HTML_ZH),
            ("test.zh.txt", TEST_TEXT_ZH),
            ("test.en.html", TEST_HTML_EN),
            ("test.en.txt", TEST_TEXT_EN),
        ] {
            e.add_template(name, src).expect("mail templates compile");
        }
        e
    })
}

/// Renders template `name` (`notice`, `digest`, `test`) in `lang` as (text, html); `.html`
/// templates escape their values.
pub fn render(
    name: &str,
    lang: Lang,
    ctx: &serde_json::Value,
) -> Result<(String, String), minijinja::Error> {
    let l = match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    };
    let e = env();
    let text = e.get_template(&format!("{name}.{l}.txt"))?.render(ctx)?;
    let html = e.get_template(&format!("{name}.{l}.html"))?.render(ctx)?;
    Ok((text, html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_what_people_typed_and_text_does_not() {
        let ctx = serde_json::json!({"name": "A&B", "text": "<script>x</script>", "link": "http://x/?a=1&b=2"});
        let (text, html) = render("notice", Lang::Zh, &ctx).unwrap();
        assert!(text.contains("<script>x</script>"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(text.starts_with("A&B，您好"));
    }

    #[test]
    fn the_digest_counts_and_lists_in_both_languages() {
        let ctx = serde_json::json!({"name": "王五", "total": 3, "overdue": 1, "more": 0, "link": "l",
            "tasks": [{"title": "报销", "node": "部门审批", "overdue": true}]});
        let (zh, _) = render("digest", Lang::Zh, &ctx).unwrap();
        assert!(zh.contains("您有 3 项待办，其中 1 项已超期"), "{zh}");
        assert!(zh.contains("- 报销 · 部门审批（已超期）"), "{zh}");
        let (en, _) = render("digest", Lang::En, &ctx).unwrap();
        assert!(en.contains("You have 3 pending items, 1 overdue"), "{en}");
    }
}
