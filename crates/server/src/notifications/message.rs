//! A notification as words: one sentence in the reader's language and a link back into Xietong,
//! shared by mail, push and the group robots.

use crate::i18n::Lang;

use super::NoticeView;

/// What an outbound message says.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The event kind.
    pub kind: String,
    /// A short headline (mail subject, push title).
    pub headline: String,
    /// The sentence.
    pub text: String,
    /// Where to go: the notification centre opened on this notice.
    pub link: String,
}

fn s<'a>(data: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    data.get(key)
        .and_then(|v| v.as_str())
        .filter(|v| !v.is_empty())
}

/// The link to a notice in the notification centre.
pub fn notice_link(base: &str, id: uuid::Uuid) -> String {
    format!("{base}/notifications?open={id}")
}

/// Renders `n` for its reader.
pub fn render(n: &NoticeView, lang: Lang, base: &str) -> Message {
    let zh = lang == Lang::Zh;
    let title = n
        .title
        .clone()
        .or_else(|| n.serial_no.clone())
        .unwrap_or_else(|| lang.pick("一项流程", "a flow").to_string());
    let node = s(&n.data, "node_name");
    let subject = match (zh, node) {
        (true, Some(node)) => format!("「{title}」的「{node}」"),
        (true, None) => format!("「{title}」"),
        (false, Some(node)) => format!("“{node}” of “{title}”"),
        (false, None) => format!("“{title}”"),
    };
    let d = &n.data;
    let (headline, text) = match n.kind.as_str() {
        "task_assigned" => (
            lang.pick("新待办", "New task"),
            if zh {
                format!("{subject}待您办理")
            } else {
                format!("{subject} awaits you")
            },
        ),
        "urged" => (
            lang.pick("催办", "Reminder from the supervisor"),
            if zh {
                format!("{subject}被催办，请尽快处理")
            } else {
                format!("You were urged to handle {subject}")
            },
        ),
        "reminder" => (
            lang.pick("即将到期", "Due soon"),
            match (zh, s(d, "due_at")) {
                (true, Some(due)) => format!("{subject}将于 {} 到期", short_time(due)),
                (true, None) => format!("{subject}即将到期"),
                (false, Some(due)) => format!("{subject} is due at {}", short_time(due)),
                (false, None) => format!("{subject} is due soon"),
            },
        ),
        "overdue" => (
            lang.pick("已超期", "Overdue"),
            if zh {
                format!("{subject}已超期")
            } else {
                format!("{subject} is overdue")
            },
        ),
        "flow_overdue" => (
            lang.pick("流程超期", "Flow overdue"),
            if zh {
                format!("「{title}」已超过办结时限")
            } else {
                format!("“{title}” is past its time limit")
            },
        ),
        "sent_back" => (
            lang.pick("被退回", "Sent back"),
            if zh {
                format!("{subject}被退回给您")
            } else {
                format!("{subject} was sent back to you")
            },
        ),
        "finished" => {
            let outcome = match (zh, s(d, "outcome")) {
                (true, Some("approved")) => "，已通过",
                (true, Some("rejected")) => "，未通过",
                (true, Some("withdrawn")) => "，已撤回",
                (false, Some("approved")) => ": approved",
                (false, Some("rejected")) => ": rejected",
                (false, Some("withdrawn")) => ": withdrawn",
                _ => "",
            };
            (
                lang.pick("流程办结", "Flow finished"),
                if zh {
                    format!("「{title}」已办结{outcome}")
                } else {
                    format!("“{title}” finished{outcome}")
                },
            )
        }
        "carbon_copy" => (
            lang.pick("抄送", "Copied to you"),
            if zh {
                format!("「{title}」抄送给您")
            } else {
                format!("“{title}” was copied to you")
            },
        ),
        "replaced" => (
            lang.pick("换人办理", "Handler replaced"),
            if zh {
                format!("{subject}已换人办理")
            } else {
                format!("{subject} changed hands")
            },
        ),
        "stood_in" => (
            lang.pick("委托代办", "Stand-in"),
            if zh {
                format!("{subject}由委托代办")
            } else {
                format!("{subject} went to a stand-in")
            },
        ),
        "mentioned" => {
            let by = s(d, "by_name").unwrap_or("");
            let excerpt = s(d, "excerpt").unwrap_or("");
            (
                lang.pick("有人提到了您", "You were mentioned"),
                if zh {
                    format!("{by} 在「{title}」中提到了您：{excerpt}")
                } else {
                    format!("{by} mentioned you in “{title}”: {excerpt}")
                },
            )
        }
        "delegation_started" => (
            lang.pick("委托开始", "Delegation started"),
            if zh {
                "一项委托代办已开始".to_string()
            } else {
                "A delegation has started".to_string()
            },
        ),
        "delegation_ended" => (
            lang.pick("委托结束", "Delegation ended"),
            if zh {
                "一项委托代办已结束".to_string()
            } else {
                "A delegation has ended".to_string()
            },
        ),
        "report_ready" => (
            lang.pick("超期周报", "Weekly overdue report"),
            match (zh, s(d, "period")) {
                (true, Some(p)) => format!("{p} 超期周报已生成"),
                (true, None) => "超期周报已生成".to_string(),
                (false, Some(p)) => format!("The overdue report for {p} is ready"),
                (false, None) => "The weekly overdue report is ready".to_string(),
            },
        ),
        "password_changed" => (
            lang.pick("密码已修改", "Password changed"),
            match (zh, s(d, "by")) {
                (true, Some("admin")) => {
                    "管理员重置了您的密码；如非您本人要求，请联系管理员".into()
                }
                (true, _) => "您的密码已修改；如非本人操作，请立即联系管理员".into(),
                (false, Some("admin")) => {
                    "An administrator reset your password; contact them if you did not ask for it"
                        .into()
                }
                (false, _) => {
                    "Your password was changed; if it was not you, contact your administrator now"
                        .into()
                }
            },
        ),
        "new_device_sign_in" => {
            let ip = s(d, "ip").unwrap_or("?");
            let ua = s(d, "user_agent").unwrap_or("?");
            (
                lang.pick("新设备登录", "Sign-in from a new device"),
                if zh {
                    format!("您的账号在新设备上登录（IP {ip}，{ua}）；如非本人，请立即修改密码")
                } else {
                    format!(
                        "Your account signed in from a new device (IP {ip}, {ua}); if it was not you, change your password now"
                    )
                },
            )
        }
        "account_locked" => (
            lang.pick("账号已锁定", "Account locked"),
            match (zh, s(d, "until")) {
                (true, Some(u)) => format!("多次登录失败，您的账号已锁定至 {}", short_time(u)),
                (true, None) => "多次登录失败，您的账号已锁定".into(),
                (false, Some(u)) => format!(
                    "Too many failed sign-ins: your account is locked until {}",
                    short_time(u)
                ),
                (false, None) => "Too many failed sign-ins: your account is locked".into(),
            },
        ),
        _ => (
            lang.pick("通知", "Notification"),
            if zh {
                format!("{subject}有新动态")
            } else {
                format!("News about {subject}")
            },
        ),
    };
    Message {
        kind: n.kind.clone(),
        headline: headline.to_string(),
        text,
        link: notice_link(base, n.id),
    }
}

/// "2026-12-07T08:00:00Z" → "2026-12-07 08:00 UTC" (times in mail are rare; keep them plain).
fn short_time(iso: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(iso) {
        Ok(t) => t.format("%Y-%m-%d %H:%M %:z").to_string(),
        Err(_) => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(kind: &str, data: serde_json::Value) -> NoticeView {
        NoticeView {
            id: uuid::Uuid::nil(),
            seq: 1,
            kind: kind.into(),
            instance_id: None,
            title: Some("差旅报销".into()),
            serial_no: None,
            task_no: Some(1),
            data,
            created_at: chrono::Utc::now(),
            read_at: None,
        }
    }

    #[test]
    fn a_task_reads_naturally_in_both_languages_and_links_to_the_notice() {
        let n = notice(
            "task_assigned",
            serde_json::json!({"node_name": "部门审批"}),
        );
        let zh = render(&n, Lang::Zh, "https://oa.example.com");
        assert_eq!(zh.text, "「差旅报销」的「部门审批」待您办理");
        assert_eq!(
            zh.link,
            "https://oa.example.com/notifications?open=00000000-0000-0000-0000-000000000000"
        );
        let en = render(&n, Lang::En, "https://oa.example.com");
        assert_eq!(en.text, "“部门审批” of “差旅报销” awaits you");
        assert_eq!(en.headline, "New task");
    }

    #[test]
    fn every_kind_has_its_own_words() {
        let mut seen = std::collections::HashSet::new();
        for k in super::super::prefs::KINDS {
            let m = render(&notice(k, serde_json::json!({})), Lang::Zh, "");
            assert!(seen.insert(m.text.clone()), "{k} repeats {}", m.text);
            assert_ne!(m.headline, "通知", "{k} falls through");
        }
    }

    #[test]
    fn the_outcome_of_a_finished_flow_is_said() {
        let m = render(
            &notice("finished", serde_json::json!({"outcome": "rejected"})),
            Lang::Zh,
            "",
        );
        assert_eq!(m.text, "「差旅报销」已办结，未通过");
    }
}
