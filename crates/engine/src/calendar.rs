//! Working time: due dates come from a node's limit through a `WorkCalendar` the server owns
//! (the real one knows holidays and make-up days, 调休).

use crate::ids::Timestamp;
use serde::{Deserialize, Serialize};

/// Adds working time to an instant. Implementations must be monotonic: more time never gives an
/// earlier result.
pub trait WorkCalendar {
    /// `from` plus `days` working days, keeping the time of day.
    fn add_working_days(&self, from: Timestamp, days: u32) -> Timestamp;
    /// `from` plus `hours` working hours, counted only within working hours of working days.
    fn add_working_hours(&self, from: Timestamp, hours: u32) -> Timestamp;
}

/// How long a node may take (办理时限).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct TimeLimit {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: TimeUnit,
}

/// Units of a time limit.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// Working days on the tenant's calendar.
    WorkingDays,
    /// Working hours on the tenant's calendar.
    WorkingHours,
    /// Calendar days.
    Days,
    /// Calendar hours.
    Hours,
    /// Calendar minutes.
    Minutes,
}

impl TimeLimit {
    /// The instant this limit ends when started at `from`.
    pub fn due(&self, from: Timestamp, calendar: &dyn WorkCalendar) -> Timestamp {
        let n = self.amount as i64;
        match self.unit {
            TimeUnit::WorkingDays => calendar.add_working_days(from, self.amount),
            TimeUnit::WorkingHours => calendar.add_working_hours(from, self.amount),
            TimeUnit::Days => Timestamp(from.0.saturating_add(n * 86_400)),
            TimeUnit::Hours => Timestamp(from.0.saturating_add(n * 3_600)),
            TimeUnit::Minutes => Timestamp(from.0.saturating_add(n * 60)),
        }
    }

    /// The latest instant, no earlier than `not_before`, from which this much time still fits
    /// before `due`: when to remind someone "this long before the due time" (with working units,
    /// a working instant, never a weekend evening ahead of it). `None` when it no longer fits.
    pub fn latest_start(
        &self,
        due: Timestamp,
        not_before: Timestamp,
        calendar: &dyn WorkCalendar,
    ) -> Option<Timestamp> {
        if not_before > due || self.due(not_before, calendar) > due {
            return None;
        }
        // `due` is monotonic in its start: search the last start that still fits
        let (mut lo, mut hi) = (not_before.0, due.0);
        while lo < hi {
            let mid = lo + (hi - lo + 1) / 2;
            if self.due(Timestamp(mid), calendar) <= due {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Some(Timestamp(lo))
    }

    /// Parses an ISO 8601 duration as BPMN timers write it (`P2D`, `PT48H`, `P1DT30M`).
    pub fn from_iso8601(text: &str) -> Option<TimeLimit> {
        let rest = text.trim().strip_prefix('P')?;
        let (date_part, time_part) = rest.split_once('T').unwrap_or((rest, ""));
        let mut minutes: u64 = 0;
        let mut parts = 0;
        for (part, in_time) in [(date_part, false), (time_part, true)] {
            let mut number = String::new();
            for c in part.chars() {
                if c.is_ascii_digit() {
                    number.push(c);
                    continue;
                }
                let n: u64 = number.parse().ok()?;
                number.clear();
                parts += 1;
                minutes = minutes.checked_add(match (c, in_time) {
                    ('W', false) => n.checked_mul(7 * 1440)?,
                    ('D', false) => n.checked_mul(1440)?,
                    ('H', true) => n.checked_mul(60)?,
                    ('M', true) => n,
                    ('S', true) => n.div_ceil(60),
                    _ => return None,
                })?;
            }
            if !number.is_empty() {
                return None;
            }
        }
        if parts == 0 {
            return None;
        }
        let (amount, unit) = if time_part.is_empty() {
            (minutes / 1440, TimeUnit::Days)
        } else if minutes.is_multiple_of(60) {
            (minutes / 60, TimeUnit::Hours)
        } else {
            (minutes, TimeUnit::Minutes)
        };
        Some(TimeLimit {
            amount: u32::try_from(amount).ok()?,
            unit,
        })
    }

    /// The ISO 8601 duration BPMN tools understand; working units are written as calendar units
    /// and their meaning kept in Xietong's extension attribute.
    pub fn to_iso8601(&self) -> String {
        match self.unit {
            TimeUnit::WorkingDays | TimeUnit::Days => format!("P{}D", self.amount),
            TimeUnit::WorkingHours | TimeUnit::Hours => format!("PT{}H", self.amount),
            TimeUnit::Minutes => format!("PT{}M", self.amount),
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A calendar with Monday–Friday working days, 09:00–17:00 local time, and no holidays: enough
/// for tests and benchmarks; the server supplies the real one.
#[derive(Clone, Copy, Debug)]
pub struct WeekendsOnly {
    /// Offset of local time from UTC in seconds (Asia/Shanghai: 8 × 3600).
    pub utc_offset_secs: i64,
}

impl Default for WeekendsOnly {
    fn default() -> Self {
        WeekendsOnly {
            utc_offset_secs: 8 * 3600,
        }
    }
}

const DAY: i64 = 86_400;
const WORK_START: i64 = 9 * 3600;
const WORK_END: i64 = 17 * 3600;

fn is_weekend(day: i64) -> bool {
    // 1970-01-01 was a Thursday: day 0 → weekday 3 when Monday is 0.
    (day + 3).rem_euclid(7) >= 5
}

impl WorkCalendar for WeekendsOnly {
    fn add_working_days(&self, from: Timestamp, days: u32) -> Timestamp {
        let local = from.0 + self.utc_offset_secs;
        let mut day = local.div_euclid(DAY);
        let time_of_day = local.rem_euclid(DAY);
        while is_weekend(day) {
            day += 1;
        }
        for _ in 0..days {
            day += 1;
            while is_weekend(day) {
                day += 1;
            }
        }
        Timestamp(day * DAY + time_of_day - self.utc_offset_secs)
    }

    fn add_working_hours(&self, from: Timestamp, hours: u32) -> Timestamp {
        let mut t = from.0 + self.utc_offset_secs;
        let mut remaining = hours as i64 * 3600;
        loop {
            let day = t.div_euclid(DAY);
            let (start, end) = (day * DAY + WORK_START, day * DAY + WORK_END);
            if is_weekend(day) || t >= end {
                t = (day + 1) * DAY + WORK_START;
                continue;
            }
            t = t.max(start);
            if remaining <= end - t {
                return Timestamp(t + remaining - self.utc_offset_secs);
            }
            remaining -= end - t;
            t = (day + 1) * DAY + WORK_START;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, hour: i64) -> Timestamp {
        Timestamp(days_from_civil(y, m, d) as i64 * DAY + hour * 3600)
    }

    #[test]
    fn working_days_skip_weekends() {
        let utc = WeekendsOnly { utc_offset_secs: 0 };
        // Friday 2024-05-10 + 1 working day = Monday 2024-05-13
        assert_eq!(
            utc.add_working_days(at(2024, 5, 10, 10), 1),
            at(2024, 5, 13, 10)
        );
        assert_eq!(
            utc.add_working_days(at(2024, 5, 6, 10), 5),
            at(2024, 5, 13, 10)
        );
    }

    #[test]
    fn working_hours_stay_inside_the_working_day() {
        let utc = WeekendsOnly { utc_offset_secs: 0 };
        // Friday 15:00 + 4 working hours = Monday 11:00
        assert_eq!(
            utc.add_working_hours(at(2024, 5, 10, 15), 4),
            at(2024, 5, 13, 11)
        );
        assert_eq!(
            utc.add_working_hours(at(2024, 5, 11, 12), 1),
            at(2024, 5, 13, 10)
        );
    }

    #[test]
    fn reminders_fall_on_the_latest_start_that_still_fits() {
        let utc = WeekendsOnly { utc_offset_secs: 0 };
        let hours = |amount| TimeLimit {
            amount,
            unit: TimeUnit::WorkingHours,
        };
        // due Monday 11:00, two working hours before = Monday 09:00, not the weekend
        let due = at(2024, 5, 13, 11);
        assert_eq!(
            hours(2).latest_start(due, at(2024, 5, 10, 9), &utc),
            Some(at(2024, 5, 13, 9))
        );
        // three working hours reach back into Friday afternoon (16:00: one hour that day)
        assert_eq!(
            hours(3).latest_start(due, at(2024, 5, 10, 9), &utc),
            Some(at(2024, 5, 10, 16))
        );
        // the task opened too late for a reminder to make sense
        assert_eq!(hours(3).latest_start(due, at(2024, 5, 13, 10), &utc), None);
        let calendar_hours = TimeLimit {
            amount: 4,
            unit: TimeUnit::Hours,
        };
        assert_eq!(
            calendar_hours.latest_start(due, at(2024, 5, 10, 9), &utc),
            Some(at(2024, 5, 13, 7))
        );
    }

    #[test]
    fn iso_durations_round_trip() {
        for text in ["P2D", "PT48H", "PT30M"] {
            assert_eq!(TimeLimit::from_iso8601(text).unwrap().to_iso8601(), text);
        }
        assert_eq!(
            TimeLimit::from_iso8601("P1DT1H").unwrap(),
            TimeLimit {
                amount: 25,
                unit: TimeUnit::Hours
            }
        );
        assert!(TimeLimit::from_iso8601("P").is_none());
        assert!(TimeLimit::from_iso8601("2D").is_none());
        assert!(TimeLimit::from_iso8601("P2X").is_none());
    }
}
