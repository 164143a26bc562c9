//! Serial-number patterns (流水号), e.g. `HT-{yyyy}{MM}-{seq:4}`, and their reset periods.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// When the sequence starts again at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum SerialReset {
    #[default]
    Yearly,
    Monthly,
    Daily,
    Never,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Year4,
    Year2,
    Month,
    Day,
    Seq(usize),
}

/// A validated pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialPattern {
    parts: Vec<Part>,
}

/// Why a pattern is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternError {
    UnknownToken(String),
    Unclosed,
    NeedsOneSeq,
    TooLong,
}

impl SerialPattern {
    /// Parses `{yyyy}`, `{yy}`, `{MM}`, `{dd}`, exactly one `{seq:N}` (1 ≤ N ≤ 12) and literal text.
    pub fn parse(s: &str) -> Result<SerialPattern, PatternError> {
        if s.chars().count() > 64 {
            return Err(PatternError::TooLong);
        }
        let mut parts = Vec::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let close = rest[open..].find('}').ok_or(PatternError::Unclosed)? + open;
            let token = &rest[open + 1..close];
            parts.push(match token {
                "yyyy" => Part::Year4,
                "yy" => Part::Year2,
                "MM" => Part::Month,
                "dd" => Part::Day,
                t => match t.strip_prefix("seq:").and_then(|n| n.parse::<usize>().ok()) {
                    Some(n) if (1..=12).contains(&n) => Part::Seq(n),
                    _ => return Err(PatternError::UnknownToken(t.to_string())),
                },
            });
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return Err(PatternError::UnknownToken("}".into()));
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        if parts.iter().filter(|p| matches!(p, Part::Seq(_))).count() != 1 {
            return Err(PatternError::NeedsOneSeq);
        }
        Ok(SerialPattern { parts })
    }

    /// The serial number for `seq` on `date` (in the tenant's time zone).
    pub fn render(&self, date: NaiveDate, seq: u64) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Year4 => out.push_str(&format!("{:04}", date.year())),
                Part::Year2 => out.push_str(&format!("{:02}", date.year() % 100)),
                Part::Month => out.push_str(&format!("{:02}", date.month())),
                Part::Day => out.push_str(&format!("{:02}", date.day())),
                Part::Seq(n) => out.push_str(&format!("{seq:0n$}", n = *n)),
            }
        }
        out
    }

    /// The sequence number inside `serial` when it has this pattern's shape (`None` otherwise):
    /// `HT-{yyyy}{MM}-{seq:4}` reads 7 from `HT-202603-0007`.
    pub fn seq_of(&self, serial: &str) -> Option<u64> {
        let chars: Vec<char> = serial.chars().collect();
        let width = |p: &Part| match p {
            Part::Text(t) => t.chars().count(),
            Part::Year4 => 4,
            Part::Year2 | Part::Month | Part::Day => 2,
            Part::Seq(_) => 0,
        };
        let at = self.parts.iter().position(|p| matches!(p, Part::Seq(_)))?;
        let before: usize = self.parts[..at].iter().map(width).sum();
        let after: usize = self.parts[at + 1..].iter().map(width).sum();
        let digits = chars.len().checked_sub(before + after)?;
        let mut pos = 0;
        for p in &self.parts {
            let w = if let Part::Seq(n) = p {
                if digits < *n {
                    return None;
                }
                digits
            } else {
                width(p)
            };
            let piece = &chars[pos..pos + w];
            let fits = match p {
                Part::Text(t) => piece.iter().copied().eq(t.chars()),
                _ => piece.iter().all(char::is_ascii_digit),
            };
            if !fits {
                return None;
            }
            pos += w;
        }
        chars[before..before + digits]
            .iter()
            .collect::<String>()
            .parse()
            .ok()
    }
}

impl SerialReset {
    /// The counter period a date falls in, e.g. `2026`, `2026-11`, `2026-11-28` or `all`.
    pub fn period(self, date: NaiveDate) -> String {
        match self {
            SerialReset::Yearly => format!("{:04}", date.year()),
            SerialReset::Monthly => format!("{:04}-{:02}", date.year(), date.month()),
            SerialReset::Daily => date.format("%Y-%m-%d").to_string(),
            SerialReset::Never => "all".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn contract_pattern_renders_year_month_and_padded_sequence() {
        let p = SerialPattern::parse("HT-{yyyy}{MM}-{seq:4}").unwrap();
        assert_eq!(p.render(d(2026, 3, 9), 7), "HT-202603-0007");
        assert_eq!(p.render(d(2026, 3, 9), 12345), "HT-202603-12345");
        assert_eq!(
            SerialPattern::parse("{yy}{dd}-{seq:3}号")
                .unwrap()
                .render(d(2026, 11, 28), 1),
            "2628-001号"
        );
    }

    #[test]
    fn the_sequence_number_reads_back() {
        let p = SerialPattern::parse("HT-{yyyy}{MM}-{seq:4}").unwrap();
        for seq in [1, 7, 9999, 12345] {
            assert_eq!(p.seq_of(&p.render(d(2026, 3, 9), seq)), Some(seq));
        }
        assert_eq!(p.seq_of("HT-202603-007"), None);
        assert_eq!(p.seq_of("HX-202603-0007"), None);
        assert_eq!(p.seq_of("HT-2026a3-0007"), None);
        assert_eq!(p.seq_of("HT-202603-00x7"), None);
        let p = SerialPattern::parse("{seq:3}号{dd}").unwrap();
        assert_eq!(p.seq_of("0042号28"), Some(42));
        assert_eq!(p.seq_of("号28"), None);
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert_eq!(
            SerialPattern::parse("HT-{yyyy}"),
            Err(PatternError::NeedsOneSeq)
        );
        assert_eq!(
            SerialPattern::parse("{seq:2}{seq:3}"),
            Err(PatternError::NeedsOneSeq)
        );
        assert_eq!(SerialPattern::parse("{seq:4"), Err(PatternError::Unclosed));
        assert!(matches!(
            SerialPattern::parse("{hh}{seq:4}"),
            Err(PatternError::UnknownToken(_))
        ));
        assert!(matches!(
            SerialPattern::parse("{seq:0}"),
            Err(PatternError::UnknownToken(_))
        ));
    }

    #[test]
    fn reset_periods() {
        assert_eq!(SerialReset::Yearly.period(d(2026, 11, 28)), "2026");
        assert_eq!(SerialReset::Monthly.period(d(2026, 1, 2)), "2026-01");
        assert_eq!(SerialReset::Daily.period(d(2026, 1, 2)), "2026-01-02");
        assert_eq!(SerialReset::Never.period(d(2026, 1, 2)), "all");
    }
}
