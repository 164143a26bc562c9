//! The tenant's working calendar and the pure functions over it.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use xietong_engine::{Timestamp, WorkCalendar};

const DAY_SECS: u32 = 86_400;

/// What a dated override does to its day.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideKind {
    /// A rest day (public holiday, 放假), whatever the weekday.
    Holiday,
    /// A working day (make-up working day, 调休/补班), whatever the weekday.
    Workday,
}

impl OverrideKind {
    /// `holiday` or `workday`, as CSV and the API write it.
    pub fn as_str(self) -> &'static str {
        match self {
            OverrideKind::Holiday => "holiday",
            OverrideKind::Workday => "workday",
        }
    }
}

/// One dated exception to the weekly pattern.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct Override {
    /// The local date in the tenant's time zone.
    pub date: NaiveDate,
    /// Rest or work on that date.
    pub kind: OverrideKind,
    /// A label for people, e.g. `春节` or `春节补班`; may be empty.
    #[serde(default)]
    pub name: String,
}

impl Override {
    /// A holiday (rest) on `date`.
    pub fn holiday(date: NaiveDate, name: impl Into<String>) -> Override {
        Override {
            date,
            kind: OverrideKind::Holiday,
            name: name.into(),
        }
    }

    /// A make-up working day on `date`.
    pub fn workday(date: NaiveDate, name: impl Into<String>) -> Override {
        Override {
            date,
            kind: OverrideKind::Workday,
            name: name.into(),
        }
    }
}

/// A local wall-clock time of day with second precision; `24:00` is allowed as an end.
/// Serialised as `"HH:MM"` (or `"HH:MM:SS"` when the seconds are not zero).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClockTime(u32);

impl ClockTime {
    /// `hour:minute`; `None` past 24:00.
    pub fn hm(hour: u32, minute: u32) -> Option<ClockTime> {
        ClockTime::from_seconds(
            hour.checked_mul(3600)?
                .checked_add(minute.checked_mul(60)?)?,
        )
        .filter(|_| minute < 60)
    }

    /// Seconds after local midnight; `None` past 24:00.
    pub fn from_seconds(seconds: u32) -> Option<ClockTime> {
        (seconds <= DAY_SECS).then_some(ClockTime(seconds))
    }

    /// Seconds after local midnight.
    pub fn seconds(self) -> u32 {
        self.0
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.0 / 3600, self.0 / 60 % 60, self.0 % 60);
        if s == 0 {
            write!(f, "{h:02}:{m:02}")
        } else {
            write!(f, "{h:02}:{m:02}:{s:02}")
        }
    }
}

impl FromStr for ClockTime {
    type Err = CalendarError;

    fn from_str(text: &str) -> Result<ClockTime, CalendarError> {
        let bad = || CalendarError::BadClockTime(text.to_string());
        let parts: Vec<&str> = text.trim().split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(bad());
        }
        let mut numbers = [0u32; 3];
        for (i, part) in parts.iter().enumerate() {
            if part.is_empty() || part.len() > 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            numbers[i] = part.parse().map_err(|_| bad())?;
        }
        let [h, m, s] = numbers;
        if m >= 60 || s >= 60 || h > 24 || (h == 24 && (m, s) != (0, 0)) {
            return Err(bad());
        }
        Ok(ClockTime(h * 3600 + m * 60 + s))
    }
}

impl TryFrom<String> for ClockTime {
    type Error = CalendarError;
    fn try_from(text: String) -> Result<ClockTime, CalendarError> {
        text.parse()
    }
}

impl From<ClockTime> for String {
    fn from(time: ClockTime) -> String {
        time.to_string()
    }
}

/// One stretch of working time within a working day, local wall-clock time, `[start, end)`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct WorkingInterval {
    /// When work starts.
    pub start: ClockTime,
    /// When work stops (may be `24:00`).
    pub end: ClockTime,
}

impl WorkingInterval {
    /// From `(hour, minute)` pairs; panics on an impossible time (for constants and tests).
    pub fn hm(start: (u32, u32), end: (u32, u32)) -> WorkingInterval {
        WorkingInterval {
            start: ClockTime::hm(start.0, start.1).expect("valid start time"),
            end: ClockTime::hm(end.0, end.1).expect("valid end time"),
        }
    }
}

/// The tenant-wide settings of a calendar, stored apart from the dated overrides.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct CalendarSettings {
    /// The tenant's time zone (IANA name), default `Asia/Shanghai`.
    #[serde(default = "default_time_zone")]
    pub time_zone: Tz,
    /// Weekly rest days, default Saturday and Sunday.
    #[serde(default = "default_rest_days")]
    pub rest_days: Vec<Weekday>,
    /// Working hours of every working day, default 09:00–12:00 and 13:30–18:00.
    #[serde(default = "default_working_hours")]
    pub working_hours: Vec<WorkingInterval>,
}

fn default_time_zone() -> Tz {
    Tz::Asia__Shanghai
}

fn default_rest_days() -> Vec<Weekday> {
    vec![Weekday::Sat, Weekday::Sun]
}

fn default_working_hours() -> Vec<WorkingInterval> {
    vec![
        WorkingInterval::hm((9, 0), (12, 0)),
        WorkingInterval::hm((13, 30), (18, 0)),
    ]
}

impl Default for CalendarSettings {
    fn default() -> Self {
        CalendarSettings {
            time_zone: default_time_zone(),
            rest_days: default_rest_days(),
            working_hours: default_working_hours(),
        }
    }
}

/// Why a calendar cannot be built.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum CalendarError {
    /// Every weekday is a rest day, so working time could never be found.
    NoWorkingWeekday,
    /// No working interval (or only empty ones).
    NoWorkingHours,
    /// An interval whose end is not after its start.
    EmptyInterval(String),
    /// Two intervals overlap.
    OverlappingIntervals(String, String),
    /// A time of day that is not `HH:MM[:SS]` up to `24:00`.
    BadClockTime(String),
    /// An unknown IANA time zone name.
    UnknownTimeZone(String),
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarError::NoWorkingWeekday => {
                write!(
                    f,
                    "every weekday is a rest day: at least one must be a working day"
                )
            }
            CalendarError::NoWorkingHours => write!(f, "working hours are empty"),
            CalendarError::EmptyInterval(i) => {
                write!(f, "working interval {i} ends before or when it starts")
            }
            CalendarError::OverlappingIntervals(a, b) => {
                write!(f, "working intervals {a} and {b} overlap")
            }
            CalendarError::BadClockTime(t) => {
                write!(f, "{t:?} is not a time of day (HH:MM, 00:00–24:00)")
            }
            CalendarError::UnknownTimeZone(z) => write!(f, "{z:?} is not a known IANA time zone"),
        }
    }
}

impl std::error::Error for CalendarError {}

/// Parses an IANA time zone name such as `Asia/Shanghai`.
pub fn parse_time_zone(name: &str) -> Result<Tz, CalendarError> {
    name.trim()
        .parse()
        .map_err(|_| CalendarError::UnknownTimeZone(name.to_string()))
}

/// A tenant's working calendar: time zone, weekly rest days, dated overrides (holidays and
/// make-up working days) and working hours. A plain value: no IO, no clock.
///
/// Serialised as its [`CalendarSettings`] fields plus `overrides` (a list of [`Override`]).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(try_from = "CalendarData", into = "CalendarData")]
pub struct WorkingCalendar {
    time_zone: Tz,
    /// Indexed by days from Monday.
    rest: [bool; 7],
    /// Sorted, disjoint, non-empty `[start, end)` in seconds after local midnight.
    hours: Vec<(u32, u32)>,
    overrides: BTreeMap<NaiveDate, Override>,
}

#[derive(Serialize, Deserialize)]
struct CalendarData {
    #[serde(flatten)]
    settings: CalendarSettings,
    #[serde(default)]
    overrides: Vec<Override>,
}

impl TryFrom<CalendarData> for WorkingCalendar {
    type Error = CalendarError;
    fn try_from(data: CalendarData) -> Result<Self, CalendarError> {
        WorkingCalendar::new(&data.settings, data.overrides)
    }
}

impl From<WorkingCalendar> for CalendarData {
    fn from(calendar: WorkingCalendar) -> CalendarData {
        CalendarData {
            settings: calendar.settings(),
            overrides: calendar.overrides.into_values().collect(),
        }
    }
}

impl Default for WorkingCalendar {
    /// Asia/Shanghai, Saturday and Sunday off, 09:00–12:00 and 13:30–18:00, no overrides.
    fn default() -> Self {
        WorkingCalendar::new(&CalendarSettings::default(), []).expect("default settings are valid")
    }
}

/// The first and last local dates of working time: instant arithmetic ignores working time
/// before 1900-01-01 and saturates to `Timestamp(i64::MAX)` after 2200-12-31, which bounds the
/// work any input can cause.
fn min_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date")
}

fn max_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2200, 12, 31).expect("valid date")
}

impl WorkingCalendar {
    /// Builds a calendar from the tenant's settings and stored overrides. A later override for
    /// the same date replaces an earlier one.
    pub fn new(
        settings: &CalendarSettings,
        overrides: impl IntoIterator<Item = Override>,
    ) -> Result<WorkingCalendar, CalendarError> {
        let mut rest = [false; 7];
        for day in &settings.rest_days {
            rest[day.num_days_from_monday() as usize] = true;
        }
        if rest.iter().all(|&r| r) {
            return Err(CalendarError::NoWorkingWeekday);
        }
        let mut intervals = settings.working_hours.clone();
        intervals.sort_by_key(|i| (i.start, i.end));
        let show = |i: &WorkingInterval| format!("{}–{}", i.start, i.end);
        for i in &intervals {
            if i.end <= i.start {
                return Err(CalendarError::EmptyInterval(show(i)));
            }
        }
        for pair in intervals.windows(2) {
            if pair[1].start < pair[0].end {
                return Err(CalendarError::OverlappingIntervals(
                    show(&pair[0]),
                    show(&pair[1]),
                ));
            }
        }
        if intervals.is_empty() {
            return Err(CalendarError::NoWorkingHours);
        }
        let mut calendar = WorkingCalendar {
            time_zone: settings.time_zone,
            rest,
            hours: intervals.iter().map(|i| (i.start.0, i.end.0)).collect(),
            overrides: BTreeMap::new(),
        };
        calendar.set_overrides(overrides);
        Ok(calendar)
    }

    /// The default calendar seeded with every mainland China holiday and make-up working day
    /// the bundled data covers (see [`crate::CHINA_MAINLAND_YEARS`]).
    pub fn china_mainland() -> WorkingCalendar {
        let mut calendar = WorkingCalendar::default();
        for year in crate::CHINA_MAINLAND_YEARS {
            calendar.set_overrides(crate::china_mainland_overrides(year));
        }
        calendar
    }

    /// A tenant's calendar: its settings, the bundled mainland China schedule, and the tenant's
    /// own stored overrides on top (they win on the same date, so an administrator can also
    /// cancel a seeded holiday by storing a workday on it).
    pub fn china_mainland_with(
        settings: &CalendarSettings,
        tenant_overrides: impl IntoIterator<Item = Override>,
    ) -> Result<WorkingCalendar, CalendarError> {
        let seeded = crate::CHINA_MAINLAND_YEARS.flat_map(crate::china_mainland_overrides);
        WorkingCalendar::new(settings, seeded.chain(tenant_overrides))
    }

    /// The settings part (time zone, rest days, working hours).
    pub fn settings(&self) -> CalendarSettings {
        CalendarSettings {
            time_zone: self.time_zone,
            rest_days: (0..7u8)
                .filter(|&i| self.rest[i as usize])
                .map(|i| Weekday::try_from(i).expect("0..7 is a weekday"))
                .collect(),
            working_hours: self
                .hours
                .iter()
                .map(|&(s, e)| WorkingInterval {
                    start: ClockTime(s),
                    end: ClockTime(e),
                })
                .collect(),
        }
    }

    /// The tenant's time zone.
    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// Adds or replaces overrides (one per date; the last one for a date wins).
    pub fn set_overrides(&mut self, overrides: impl IntoIterator<Item = Override>) {
        for o in overrides {
            self.overrides.insert(o.date, o);
        }
    }

    /// Removes the override on `date`, returning it.
    pub fn remove_override(&mut self, date: NaiveDate) -> Option<Override> {
        self.overrides.remove(&date)
    }

    /// All overrides in date order.
    pub fn overrides(&self) -> impl Iterator<Item = &Override> {
        self.overrides.values()
    }

    /// Overrides in `[from, to]`, in date order.
    pub fn overrides_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = &Override> {
        let range = if from <= to { from..=to } else { to..=to };
        self.overrides.range(range).map(|(_, o)| o)
    }

    /// The override on `date`, if any.
    pub fn override_on(&self, date: NaiveDate) -> Option<&Override> {
        self.overrides.get(&date)
    }

    fn weekly_working(&self, date: NaiveDate) -> bool {
        !self.rest[date.weekday().num_days_from_monday() as usize]
    }

    /// Whether `date` (a local date) is a working day: its override if it has one, else the
    /// weekly pattern.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.overrides.get(&date) {
            Some(o) => o.kind == OverrideKind::Workday,
            None => self.weekly_working(date),
        }
    }

    /// The local date of an instant in the tenant's time zone (`None` beyond chrono's range).
    pub fn local_date(&self, instant: Timestamp) -> Option<NaiveDate> {
        Some(self.local(instant.0)?.date())
    }

    fn local(&self, t: i64) -> Option<NaiveDateTime> {
        let utc = DateTime::from_timestamp(t, 0)?;
        Some(
            self.time_zone
                .from_utc_datetime(&utc.naive_utc())
                .naive_local(),
        )
    }

    /// The earliest instant whose local wall-clock time is at or after `date` + `secs`
    /// (`secs` ≤ 24:00). Exact for ordinary times, the first of two for a repeated hour, and
    /// the end of the gap for a time skipped by a daylight-saving change. Monotonic.
    fn resolve(&self, date: NaiveDate, secs: u32) -> i64 {
        let naive = date.and_hms_opt(0, 0, 0).expect("midnight exists")
            + Duration::seconds(i64::from(secs));
        match self.time_zone.from_local_datetime(&naive) {
            LocalResult::Single(t) => t.timestamp(),
            LocalResult::Ambiguous(first, _) => first.timestamp(),
            LocalResult::None => {
                // Smallest u with local(u) ≥ naive, by bisection around the gap.
                let target = naive.and_utc().timestamp();
                let (mut lo, mut hi) = (target - 30 * 3600, target + 30 * 3600);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    match self.local(mid) {
                        Some(l) if l >= naive => hi = mid,
                        _ => lo = mid,
                    }
                }
                hi
            }
        }
    }

    /// Working stretches `[start, end)` as UTC seconds, from `date` on, in order; stops after
    /// 2200-12-31.
    fn segments_from(&self, date: NaiveDate) -> impl Iterator<Item = (i64, i64)> + '_ {
        date.iter_days()
            .take_while(|d| *d <= max_date())
            .filter(|d| self.is_working_day(*d))
            .flat_map(move |d| {
                self.hours
                    .iter()
                    .map(move |&(s, e)| (self.resolve(d, s), self.resolve(d, e)))
            })
            .filter(|(s, e)| s < e)
    }

    /// Where to start scanning for working time at or after `t`; `Err` holds the saturated
    /// answer for instants after 2200-12-31.
    fn scan_start(&self, t: i64) -> Result<NaiveDate, i64> {
        match self.local(t) {
            Some(l) if l.date() > max_date() => Err(i64::MAX),
            Some(l) if l.date() < min_date() => Ok(min_date()),
            Some(l) => Ok(l.date()),
            None if t > 0 => Err(i64::MAX),
            None => Ok(min_date()),
        }
    }

    /// Whether `instant` lies in working time (`[start, end)` of an interval on a working day).
    pub fn is_working_time(&self, instant: Timestamp) -> bool {
        self.next_working_instant(instant) == instant
    }

    /// `instant` itself when it lies in working time, else the start of the next working
    /// interval (`Timestamp(i64::MAX)` past 2200-12-31).
    pub fn next_working_instant(&self, instant: Timestamp) -> Timestamp {
        Timestamp(self.add_seconds(instant.0, 0))
    }

    /// Adds `secs` of working time to `t`, counted only inside working intervals. With
    /// `secs == 0` this is the next working instant.
    fn add_seconds(&self, t: i64, mut secs: i64) -> i64 {
        let date = match self.scan_start(t) {
            Ok(d) => d,
            Err(saturated) => return saturated,
        };
        for (s, e) in self.segments_from(date) {
            if e <= t {
                continue;
            }
            let current = s.max(t);
            if secs <= e - current {
                return current + secs;
            }
            secs -= e - current;
        }
        i64::MAX
    }

    /// `instant` plus `hours` working hours, counted only inside working hours of working days.
    ///
    /// A start outside working time counts from the next working instant. The result may be
    /// the very end of an interval (09:00 + 3 h = 12:00, not 13:30). With `hours == 0` the
    /// result is the next working instant. Past 2200-12-31 the result is `Timestamp(i64::MAX)`.
    pub fn add_working_hours(&self, instant: Timestamp, hours: u32) -> Timestamp {
        self.add_working_duration(instant, Duration::hours(i64::from(hours)))
    }

    /// Like [`Self::add_working_hours`] with any non-negative duration (negative counts as 0).
    pub fn add_working_duration(&self, instant: Timestamp, amount: Duration) -> Timestamp {
        Timestamp(self.add_seconds(instant.0, amount.num_seconds().max(0)))
    }

    /// `instant` plus `days` working days, keeping the local time of day.
    ///
    /// Rule: the start is first moved to the next working instant (itself if it is in working
    /// time; 12:30 during lunch → 13:30; Friday 20:00 → Monday 09:00; a holiday → 09:00 of the
    /// next working day). The result is that instant's local time of day on the `days`-th
    /// working day after its date, so it always lies in working time. `days == 0` gives the
    /// next working instant. Past 2200-12-31 the result is `Timestamp(i64::MAX)`.
    ///
    /// Where the zone has daylight saving, a kept time of day that the target day skips becomes
    /// the first instant after the gap, and a repeated one its first occurrence; only there can
    /// `n + m` days differ from `n` days then `m` days. (Asia/Shanghai has no daylight saving.)
    pub fn add_working_days(&self, instant: Timestamp, days: u32) -> Timestamp {
        let start = self.add_seconds(instant.0, 0);
        let Some(local) = (start != i64::MAX).then(|| self.local(start)).flatten() else {
            return Timestamp(i64::MAX);
        };
        let Some(target) = self.nth_working_day_after(local.date(), days) else {
            return Timestamp(i64::MAX);
        };
        let secs = local
            .time()
            .signed_duration_since(chrono::NaiveTime::MIN)
            .num_seconds();
        Timestamp(self.resolve(target, secs as u32))
    }

    /// The `n`-th working day after `date` (`date` itself for 0); `None` past 2200-12-31.
    fn nth_working_day_after(&self, date: NaiveDate, n: u32) -> Option<NaiveDate> {
        if n == 0 {
            return Some(date);
        }
        let first = date.succ_opt()?;
        let n = i64::from(n);
        // Each week of the weekly pattern has at least one working day, and each holiday
        // override takes away at most one: the answer lies within this many days.
        let holidays = self
            .overrides
            .range(first..)
            .filter(|(_, o)| o.kind == OverrideKind::Holiday)
            .count() as i64;
        let span = (n + holidays + 1).saturating_mul(7);
        let last = max_date();
        let mut hi = first
            .checked_add_signed(Duration::days(span))
            .filter(|d| *d <= last)
            .unwrap_or(last);
        if self.count_working_days(first, hi.succ_opt()?) < n {
            return None;
        }
        let mut lo = first;
        // Smallest x in [lo, hi] with count([first, x]) ≥ n.
        while lo < hi {
            let mid = lo + Duration::days((hi - lo).num_days() / 2);
            if self.count_working_days(first, mid.succ_opt()?) >= n {
                hi = mid;
            } else {
                lo = mid.succ_opt()?;
            }
        }
        Some(lo)
    }

    /// Working days in `[from, to)`; 0 when `to ≤ from`.
    fn count_working_days(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to <= from {
            return 0;
        }
        let days = (to - from).num_days();
        let per_week = self.rest.iter().filter(|r| !**r).count() as i64;
        let weeks = days / 7;
        let mut count = weeks * per_week;
        let mut d = from + Duration::days(weeks * 7);
        while d < to {
            count += i64::from(self.weekly_working(d));
            d = d.succ_opt().expect("before `to`");
        }
        for (date, o) in self.overrides.range(from..to) {
            match (o.kind, self.weekly_working(*date)) {
                (OverrideKind::Workday, false) => count += 1,
                (OverrideKind::Holiday, true) => count -= 1,
                _ => {}
            }
        }
        count
    }

    /// Working days in `[a, b)` — so from a working day `a`, adding that many working days
    /// reaches `b`'s date; negative when `b` is before `a`.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        if a <= b {
            self.count_working_days(a, b)
        } else {
            -self.count_working_days(b, a)
        }
    }

    /// Working time between two instants: the length of working intervals inside `[a, b]`;
    /// negative when `b` is before `a`.
    pub fn working_time_between(&self, a: Timestamp, b: Timestamp) -> Duration {
        if b.0 < a.0 {
            return -self.working_time_between(b, a);
        }
        let date = match self.scan_start(a.0) {
            Ok(d) => d,
            Err(_) => return Duration::zero(),
        };
        let mut total = 0i64;
        for (s, e) in self.segments_from(date) {
            if s >= b.0 {
                break;
            }
            total += (e.min(b.0) - s.max(a.0)).max(0);
        }
        Duration::seconds(total)
    }

    /// Working time in one working day (the sum of the working intervals, wall-clock).
    pub fn working_day_length(&self) -> Duration {
        Duration::seconds(self.hours.iter().map(|&(s, e)| i64::from(e - s)).sum())
    }
}

impl WorkCalendar for WorkingCalendar {
    fn add_working_days(&self, from: Timestamp, days: u32) -> Timestamp {
        WorkingCalendar::add_working_days(self, from, days)
    }

    fn add_working_hours(&self, from: Timestamp, hours: u32) -> Timestamp {
        WorkingCalendar::add_working_hours(self, from, hours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_parse_and_print() {
        assert_eq!("09:00".parse::<ClockTime>().unwrap().seconds(), 9 * 3600);
        assert_eq!("24:00".parse::<ClockTime>().unwrap().seconds(), DAY_SECS);
        assert_eq!(
            "13:30:15".parse::<ClockTime>().unwrap().to_string(),
            "13:30:15"
        );
        for bad in [
            "", "9", "24:01", "12:60", "1:2:3:4", "ab:cd", "-1:00", "123:00",
        ] {
            assert!(bad.parse::<ClockTime>().is_err(), "{bad}");
        }
    }

    #[test]
    fn settings_are_validated() {
        let mut s = CalendarSettings {
            rest_days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
                Weekday::Sun,
            ],
            ..CalendarSettings::default()
        };
        assert_eq!(
            WorkingCalendar::new(&s, []),
            Err(CalendarError::NoWorkingWeekday)
        );
        s.rest_days = vec![];
        s.working_hours = vec![];
        assert_eq!(
            WorkingCalendar::new(&s, []),
            Err(CalendarError::NoWorkingHours)
        );
        s.working_hours = vec![WorkingInterval::hm((9, 0), (9, 0))];
        assert!(matches!(
            WorkingCalendar::new(&s, []),
            Err(CalendarError::EmptyInterval(_))
        ));
        s.working_hours = vec![
            WorkingInterval::hm((13, 0), (18, 0)),
            WorkingInterval::hm((9, 0), (13, 30)),
        ];
        let err = WorkingCalendar::new(&s, []).unwrap_err();
        assert_eq!(
            err.to_string(),
            "working intervals 09:00–13:30 and 13:00–18:00 overlap"
        );
        assert!(parse_time_zone("Asia/Shanghai").is_ok());
        assert!(parse_time_zone("Mars/Olympus").is_err());
    }
}
