//! The administrator's schedule (next year's holidays and make-up working days) from CSV or
//! iCalendar, without a release.
//!
//! CSV: `date,kind,name`, one date per line; `kind` is `holiday` or `workday` (also 休/假/放假
//! and 班/补班/上班); `name` is optional; an optional header line, blank lines and lines starting
//! with `#` are skipped; dates as `2027-01-01`, `2027/1/1` or `20270101`; fields may be quoted
//! with `"` (`""` inside quotes is a quote).
//!
//! iCalendar: each `VEVENT` with an all-day `DTSTART` (`;VALUE=DATE:20270101`) and optional
//! `DTEND` (exclusive) or `DURATION` (`P3D`, `P1W`) covers those dates; a `SUMMARY` containing
//! 班 or `workday` (`work day`, `working day`) makes them make-up working days, anything else
//! holidays.
//!
//! Both report every problem with its line number. The same date twice with the same kind is
//! kept once (the first name wins); the same date as both holiday and workday is an error.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Duration, NaiveDate};

use crate::{Override, OverrideKind};

/// A problem in an imported file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ImportError {
    /// 1-based line number; 0 when the problem concerns the whole file.
    pub line: usize,
    /// What is wrong, for the administrator.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

/// Every problem found in an imported file, in line order.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ImportErrors(pub Vec<ImportError>);

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

/// Collects overrides, merging duplicates and reporting conflicts.
struct Collector {
    found: BTreeMap<NaiveDate, (Override, usize)>,
    errors: Vec<ImportError>,
}

impl Collector {
    fn new() -> Collector {
        Collector {
            found: BTreeMap::new(),
            errors: Vec::new(),
        }
    }

    fn error(&mut self, line: usize, message: impl Into<String>) {
        self.errors.push(ImportError {
            line,
            message: message.into(),
        });
    }

    fn add(&mut self, line: usize, o: Override) {
        match self.found.get(&o.date) {
            Some((existing, first_line)) if existing.kind != o.kind => {
                let message = format!(
                    "{} is a {} here but a {} on line {}",
                    o.date,
                    o.kind.as_str(),
                    existing.kind.as_str(),
                    first_line
                );
                self.error(line, message);
            }
            Some(_) => {}
            None => {
                self.found.insert(o.date, (o, line));
            }
        }
    }

    fn finish(mut self, what: &str) -> Result<Vec<Override>, ImportErrors> {
        if self.errors.is_empty() && self.found.is_empty() {
            self.error(0, format!("no {what} found"));
        }
        if self.errors.is_empty() {
            Ok(self.found.into_values().map(|(o, _)| o).collect())
        } else {
            self.errors.sort_by_key(|e| e.line);
            Err(ImportErrors(self.errors))
        }
    }
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Parses `2027-01-01`, `2027/1/1`, `2027.1.1` or `20270101`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        let (y, m, d) = (&text[..4], &text[4..6], &text[6..]);
        return NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    }
    let sep = ['-', '/', '.'].into_iter().find(|c| text.contains(*c))?;
    let parts: Vec<&str> = text.split(sep).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let digits = |s: &str, max: usize| {
        (!s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())).then_some(())
    };
    digits(y, 4).filter(|_| y.len() == 4)?;
    digits(m, 2)?;
    digits(d, 2)?;
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn parse_kind(text: &str) -> Option<OverrideKind> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "holiday" | "rest" | "off" | "休" | "假" | "放假" | "休息" | "节假日" => {
            Some(OverrideKind::Holiday)
        }
        "workday" | "work" | "班" | "补班" | "上班" | "工作日" => {
            Some(OverrideKind::Workday)
        }
        _ => None,
    }
}

/// Splits one CSV line into fields (RFC 4180 quoting, no line breaks inside fields).
fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => return Err("a quoted field is not closed".into()),
                }
            }
            while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                chars.next();
            }
            match chars.next() {
                None => {
                    fields.push(field);
                    return Ok(fields);
                }
                Some(',') => fields.push(field),
                Some(c) => return Err(format!("unexpected {c:?} after a quoted field")),
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(field.trim().to_string());
                        return Ok(fields);
                    }
                    Some(',') => break,
                    Some('"') => return Err("a quote inside an unquoted field".into()),
                    Some(c) => field.push(c),
                }
            }
            fields.push(field.trim().to_string());
        }
    }
}

/// Parses a CSV schedule (`date,kind,name`); see the module documentation.
pub fn parse_csv(text: &str) -> Result<Vec<Override>, ImportErrors> {
    let mut out = Collector::new();
    let mut seen_content = false;
    for (i, raw) in strip_bom(text).lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields = match csv_fields(raw.trim_end_matches('\r')) {
            Ok(f) => f,
            Err(e) => {
                out.error(line, e);
                continue;
            }
        };
        let first = !seen_content;
        seen_content = true;
        if first && matches!(fields[0].to_lowercase().as_str(), "date" | "日期") {
            continue;
        }
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        if !(2..=3).contains(&fields.len()) {
            out.error(
                line,
                format!("expected date,kind,name but found {} fields", fields.len()),
            );
            continue;
        }
        let date = parse_date(&fields[0]);
        let kind = parse_kind(&fields[1]);
        if date.is_none() {
            out.error(
                line,
                format!("{:?} is not a date (use YYYY-MM-DD)", fields[0]),
            );
        }
        if kind.is_none() {
            out.error(
                line,
                format!("{:?} is not a kind (use holiday or workday)", fields[1]),
            );
        }
        if let (Some(date), Some(kind)) = (date, kind) {
            let name = fields.get(2).cloned().unwrap_or_default();
            out.add(line, Override { date, kind, name });
        }
    }
    out.finish("dates")
}

/// Writes overrides as CSV that [`parse_csv`] reads back.
pub fn to_csv<'a>(overrides: impl IntoIterator<Item = &'a Override>) -> String {
    let mut out = String::from("date,kind,name\n");
    for o in overrides {
        let name = o.name.replace(['\r', '\n'], " ");
        let name = if name.contains([',', '"']) || name.trim() != name {
            format!("\"{}\"", name.replace('"', "\"\""))
        } else {
            name
        };
        out.push_str(&format!("{},{},{}\n", o.date, o.kind.as_str(), name));
    }
    out
}

/// One VEVENT being read.
#[derive(Default)]
struct Event {
    line: usize,
    start: Option<NaiveDate>,
    end: Option<(NaiveDate, usize)>,
    days: Option<i64>,
    summary: String,
    broken: bool,
}

fn ical_unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push(' '),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// `P3D`, `P1W`, `P1DT0H` (whole days only).
fn ical_duration_days(value: &str) -> Option<i64> {
    let rest = value.trim().strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    if !time.trim_end_matches(['0', 'H', 'M', 'S']).is_empty() {
        return None;
    }
    let number = |s: &str, unit: char| -> Option<i64> { s.strip_suffix(unit)?.parse().ok() };
    number(date, 'D').or_else(|| number(date, 'W').map(|w| w * 7))
}

/// Splits `NAME;PARAM=X:value` into upper-case name, parameters and value.
fn ical_property(line: &str) -> Option<(String, String, &str)> {
    let mut in_quotes = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ':' if !in_quotes => {
                let head = &line[..i];
                let (name, params) = head.split_once(';').unwrap_or((head, ""));
                return Some((
                    name.trim().to_uppercase(),
                    params.to_uppercase(),
                    &line[i + 1..],
                ));
            }
            _ => {}
        }
    }
    None
}

fn ical_date(params: &str, value: &str, property: &str) -> Result<NaiveDate, String> {
    let value = value.trim();
    if value.contains('T') || params.contains("VALUE=DATE-TIME") {
        return Err(format!(
            "{property} {value:?} is a date-time; only all-day dates (VALUE=DATE) are supported"
        ));
    }
    if value.len() != 8 {
        return Err(format!("{property} {value:?} is not a date (YYYYMMDD)"));
    }
    parse_date(value).ok_or_else(|| format!("{property} {value:?} is not a date (YYYYMMDD)"))
}

fn is_workday_summary(summary: &str) -> bool {
    let lower = summary.to_lowercase();
    summary.contains('班')
        || ["workday", "work day", "working day"]
            .iter()
            .any(|w| lower.contains(w))
}

fn finish_event(event: Event, out: &mut Collector) {
    if event.broken {
        return;
    }
    let Some(start) = event.start else {
        out.error(event.line, "event has no DTSTART");
        return;
    };
    let days = match (event.end, event.days) {
        (Some((end, line)), _) => {
            let days = (end - start).num_days();
            if days <= 0 {
                out.error(line, format!("DTEND {end} is not after DTSTART {start}"));
                return;
            }
            days
        }
        (None, Some(days)) => days,
        (None, None) => 1,
    };
    if days > 366 {
        out.error(
            event.line,
            format!("event covers {days} days (more than a year)"),
        );
        return;
    }
    let kind = if is_workday_summary(&event.summary) {
        OverrideKind::Workday
    } else {
        OverrideKind::Holiday
    };
    for offset in 0..days {
        let Some(date) = start.checked_add_signed(Duration::days(offset)) else {
            out.error(event.line, "event runs past the last representable date");
            return;
        };
        out.add(
            event.line,
            Override {
                date,
                kind,
                name: event.summary.clone(),
            },
        );
    }
}

/// Parses an iCalendar schedule; see the module documentation.
pub fn parse_ical(text: &str) -> Result<Vec<Override>, ImportErrors> {
    let mut out = Collector::new();
    // Unfold: a line starting with a space or tab continues the previous one.
    let mut logical: Vec<(usize, String)> = Vec::new();
    for (i, raw) in strip_bom(text).lines().enumerate() {
        let raw = raw.trim_end_matches('\r');
        match (raw.strip_prefix([' ', '\t']), logical.last_mut()) {
            (Some(rest), Some((_, previous))) => previous.push_str(rest),
            _ => logical.push((i + 1, raw.to_string())),
        }
    }
    if !logical
        .iter()
        .find(|(_, l)| !l.trim().is_empty())
        .is_some_and(|(_, l)| l.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR"))
    {
        out.error(
            1,
            "not an iCalendar file: it must start with BEGIN:VCALENDAR",
        );
        return out.finish("events");
    }
    let mut event: Option<Event> = None;
    // Depth of components nested inside the current event (e.g. VALARM).
    let mut nested = 0usize;
    let mut calendar_ended = false;
    for (line, text) in &logical {
        let line = *line;
        if text.trim().is_empty() {
            continue;
        }
        let Some((name, params, value)) = ical_property(text) else {
            out.error(line, format!("{:?} is not a NAME:value line", text.trim()));
            continue;
        };
        let value_upper = value.trim().to_uppercase();
        match (name.as_str(), event.as_mut()) {
            ("BEGIN", None) if value_upper == "VEVENT" => {
                event = Some(Event {
                    line,
                    ..Event::default()
                });
            }
            ("BEGIN", Some(_)) => nested += 1,
            ("END", Some(_)) if nested > 0 => nested -= 1,
            ("END", Some(_)) if value_upper == "VEVENT" => {
                finish_event(event.take().expect("inside an event"), &mut out);
            }
            ("END", Some(e)) => {
                out.error(
                    line,
                    format!(
                        "END:{value_upper} inside the event started on line {}",
                        e.line
                    ),
                );
                e.broken = true;
            }
            ("END", None) if value_upper == "VCALENDAR" => calendar_ended = true,
            (_, Some(_)) if nested > 0 => {}
            ("DTSTART", Some(e)) => match ical_date(&params, value, "DTSTART") {
                Ok(d) => e.start = Some(d),
                Err(m) => {
                    out.error(line, m);
                    e.broken = true;
                }
            },
            ("DTEND", Some(e)) => match ical_date(&params, value, "DTEND") {
                Ok(d) => e.end = Some((d, line)),
                Err(m) => {
                    out.error(line, m);
                    e.broken = true;
                }
            },
            ("DURATION", Some(e)) => match ical_duration_days(value) {
                Some(days) if days > 0 => e.days = Some(days),
                _ => {
                    out.error(
                        line,
                        format!("DURATION {:?} is not a whole number of days", value.trim()),
                    );
                    e.broken = true;
                }
            },
            ("SUMMARY", Some(e)) => e.summary = ical_unescape(value),
            ("RRULE" | "RDATE", Some(e)) => {
                out.error(
                    line,
                    "repeating events (RRULE/RDATE) are not supported: list each date",
                );
                e.broken = true;
            }
            _ => {}
        }
    }
    if let Some(e) = event {
        out.error(e.line, "event is not closed with END:VEVENT");
    } else if !calendar_ended {
        out.error(logical.len().max(1), "file does not end with END:VCALENDAR");
    }
    out.finish("events")
}

/// Parses either format: iCalendar when the file starts with `BEGIN:VCALENDAR`, else CSV.
pub fn parse_schedule(text: &str) -> Result<Vec<Override>, ImportErrors> {
    let first = strip_bom(text)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty());
    if first.is_some_and(|l| l.eq_ignore_ascii_case("BEGIN:VCALENDAR")) {
        parse_ical(text)
    } else {
        parse_csv(text)
    }
}
