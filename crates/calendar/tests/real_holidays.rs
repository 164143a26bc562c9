//! Examples on the official 2024–2026 mainland China schedules.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Asia::Shanghai;
use xietong_calendar::{
    CHINA_MAINLAND_YEARS, CalendarSettings, OverrideKind, WorkingCalendar, china_mainland_overrides,
};
use xietong_engine::{TimeLimit, TimeUnit, Timestamp, WorkCalendar};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Beijing time.
fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Timestamp {
    Timestamp(
        Shanghai
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .timestamp(),
    )
}

fn cal() -> WorkingCalendar {
    WorkingCalendar::china_mainland()
}

fn dates(year: i32, kind: OverrideKind) -> Vec<NaiveDate> {
    china_mainland_overrides(year)
        .into_iter()
        .filter(|o| o.kind == kind)
        .map(|o| o.date)
        .collect()
}

fn range(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days().take_while(|d| *d <= to).collect()
}

#[test]
fn covered_years() {
    assert_eq!(CHINA_MAINLAND_YEARS, 2004..=2026);
    assert!(china_mainland_overrides(2003).is_empty());
    assert!(china_mainland_overrides(2027).is_empty());
    for year in CHINA_MAINLAND_YEARS {
        assert!(china_mainland_overrides(year).len() >= 20, "{year}");
    }
}

#[test]
fn make_up_days_2024_2025_2026_are_exact() {
    assert_eq!(
        dates(2024, OverrideKind::Workday),
        [
            date(2024, 2, 4),
            date(2024, 2, 18),
            date(2024, 4, 7),
            date(2024, 4, 28),
            date(2024, 5, 11),
            date(2024, 9, 14),
            date(2024, 9, 29),
            date(2024, 10, 12)
        ]
    );
    assert_eq!(
        dates(2025, OverrideKind::Workday),
        [
            date(2025, 1, 26),
            date(2025, 2, 8),
            date(2025, 4, 27),
            date(2025, 9, 28),
            date(2025, 10, 11)
        ]
    );
    assert_eq!(
        dates(2026, OverrideKind::Workday),
        [
            date(2026, 1, 4),
            date(2026, 2, 14),
            date(2026, 2, 28),
            date(2026, 5, 9),
            date(2026, 9, 20),
            date(2026, 10, 10)
        ]
    );
}

#[test]
fn holidays_2024_2025_2026_are_exact() {
    type Period = ((u32, u32), (u32, u32));
    let expect = |year, periods: &[Period]| {
        let want: Vec<NaiveDate> = periods
            .iter()
            .flat_map(|&((m1, d1), (m2, d2))| range(date(year, m1, d1), date(year, m2, d2)))
            .collect();
        assert_eq!(dates(year, OverrideKind::Holiday), want, "{year}");
    };
    expect(
        2024,
        &[
            ((1, 1), (1, 1)),
            ((2, 10), (2, 17)),
            ((4, 4), (4, 6)),
            ((5, 1), (5, 5)),
            ((6, 10), (6, 10)),
            ((9, 15), (9, 17)),
            ((10, 1), (10, 7)),
        ],
    );
    expect(
        2025,
        &[
            ((1, 1), (1, 1)),
            ((1, 28), (2, 4)),
            ((4, 4), (4, 6)),
            ((5, 1), (5, 5)),
            ((5, 31), (6, 2)),
            ((10, 1), (10, 8)),
        ],
    );
    expect(
        2026,
        &[
            ((1, 1), (1, 3)),
            ((2, 15), (2, 23)),
            ((4, 4), (4, 6)),
            ((5, 1), (5, 5)),
            ((6, 19), (6, 21)),
            ((9, 25), (9, 27)),
            ((10, 1), (10, 7)),
        ],
    );
}

#[test]
fn named_days() {
    let c = cal();
    assert_eq!(c.override_on(date(2025, 1, 29)).unwrap().name, "春节");
    assert_eq!(c.override_on(date(2025, 1, 26)).unwrap().name, "春节补班");
    assert_eq!(
        c.override_on(date(2024, 10, 12)).unwrap().name,
        "国庆节补班"
    );
    assert!(
        c.override_on(date(2024, 2, 9)).is_none(),
        "除夕 2024 is only encouraged off"
    );
}

#[test]
fn friday_before_spring_festival_2025_lands_on_make_up_sunday() {
    let c = cal();
    assert!(c.is_working_day(date(2025, 1, 26)));
    assert!(!c.is_working_day(date(2025, 1, 25)));
    // Friday 10:00 + 1 working day = Sunday 2025-01-26 10:00 (make-up working day).
    assert_eq!(
        c.add_working_days(at(2025, 1, 24, 10, 0), 1),
        at(2025, 1, 26, 10, 0)
    );
    // + 2 = Monday 27th; + 3 skips Jan 28 – Feb 4 and lands on Wednesday Feb 5.
    assert_eq!(
        c.add_working_days(at(2025, 1, 24, 10, 0), 2),
        at(2025, 1, 27, 10, 0)
    );
    assert_eq!(
        c.add_working_days(at(2025, 1, 24, 10, 0), 3),
        at(2025, 2, 5, 10, 0)
    );
    // Saturday Feb 8 is a make-up day too.
    assert_eq!(
        c.add_working_days(at(2025, 2, 7, 15, 0), 1),
        at(2025, 2, 8, 15, 0)
    );
}

#[test]
fn national_day_2024() {
    let c = cal();
    for d in range(date(2024, 10, 1), date(2024, 10, 7)) {
        assert!(!c.is_working_day(d), "{d}");
    }
    assert!(c.is_working_day(date(2024, 9, 29)), "Sunday make-up day");
    assert!(c.is_working_day(date(2024, 10, 12)), "Saturday make-up day");
    assert!(!c.is_working_day(date(2024, 10, 13)));
    // Monday 30 Sep + 1 working day = Tuesday 8 Oct.
    assert_eq!(
        c.add_working_days(at(2024, 9, 30, 9, 30), 1),
        at(2024, 10, 8, 9, 30)
    );
    // Sunday 29 Sep is a working day: + 1 = Monday 30 Sep.
    assert_eq!(
        c.add_working_days(at(2024, 9, 29, 14, 0), 1),
        at(2024, 9, 30, 14, 0)
    );
    // Friday 11 Oct + 1 = Saturday 12 Oct.
    assert_eq!(
        c.add_working_days(at(2024, 10, 11, 11, 0), 1),
        at(2024, 10, 12, 11, 0)
    );
    // Working days between Sep 28 and Oct 14: Sep 29, Sep 30, Oct 8–12 = 7.
    assert_eq!(
        c.working_days_between(date(2024, 9, 28), date(2024, 10, 14)),
        7
    );
    assert_eq!(
        c.working_days_between(date(2024, 10, 14), date(2024, 9, 28)),
        -7
    );
    // A task opened during the holiday counts from 09:00 on Tuesday 8 Oct.
    assert_eq!(
        c.add_working_days(at(2024, 10, 3, 16, 0), 1),
        at(2024, 10, 9, 9, 0)
    );
    // 8 h = 7.5 h on Tuesday 8 Oct + 0.5 h on Wednesday.
    assert_eq!(
        c.add_working_hours(at(2024, 10, 3, 16, 0), 8),
        at(2024, 10, 9, 9, 30)
    );
}

#[test]
fn working_hours_over_holidays() {
    let c = cal();
    // Monday 2024-09-30 17:00 + 2 h: 1 h that day, 1 h on Tuesday 8 Oct.
    let due = c.add_working_hours(at(2024, 9, 30, 17, 0), 2);
    assert_eq!(due, at(2024, 10, 8, 10, 0));
    assert_eq!(
        c.working_time_between(at(2024, 9, 30, 17, 0), due),
        chrono::Duration::hours(2)
    );
    // Working time over the 2025 Spring Festival week: Friday 24 afternoon to Wednesday 5 Feb.
    let between = c.working_time_between(at(2025, 1, 24, 13, 0), at(2025, 2, 5, 9, 0));
    // Fri 13:30–18:00 (4.5 h) + Sun 26 (7.5 h) + Mon 27 (7.5 h).
    assert_eq!(between, chrono::Duration::minutes(19 * 60 + 30));
}

#[test]
fn engine_trait_and_time_limits() {
    let c = cal();
    let calendar: &dyn WorkCalendar = &c;
    let limit = TimeLimit {
        amount: 3,
        unit: TimeUnit::WorkingDays,
    };
    // Thursday 2026-04-30 10:00: May 1–5 off, Saturday 9 May is a make-up day.
    assert_eq!(
        limit.due(at(2026, 4, 30, 10, 0), calendar),
        at(2026, 5, 8, 10, 0)
    );
    assert_eq!(
        calendar.add_working_days(at(2026, 4, 30, 10, 0), 4),
        at(2026, 5, 9, 10, 0)
    );
    let hours = TimeLimit {
        amount: 16,
        unit: TimeUnit::WorkingHours,
    };
    // New Year 2026: Jan 1–3 off, Sunday Jan 4 a make-up day. Wednesday 31 Dec 09:00 + 16 h
    // = 7.5 h on Dec 31, 7.5 h on Jan 4, 1 h on Monday Jan 5.
    assert_eq!(
        hours.due(at(2025, 12, 31, 9, 0), calendar),
        at(2026, 1, 5, 10, 0)
    );
}

#[test]
fn default_settings_and_serde_round_trip() {
    let c = cal();
    assert_eq!(c.settings(), CalendarSettings::default());
    let json = serde_json::to_string(&c).unwrap();
    assert!(
        json.contains("\"time_zone\":\"Asia/Shanghai\""),
        "{}",
        &json[..200]
    );
    assert!(json.contains("\"rest_days\":[\"Sat\",\"Sun\"]"));
    assert!(json.contains("{\"start\":\"09:00\",\"end\":\"12:00\"}"));
    assert!(json.contains("{\"date\":\"2025-01-26\",\"kind\":\"workday\",\"name\":\"春节补班\"}"));
    let back: WorkingCalendar = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    // Missing fields take the defaults; invalid settings are refused.
    let minimal: WorkingCalendar = serde_json::from_str("{}").unwrap();
    assert_eq!(minimal, WorkingCalendar::default());
    let bad = serde_json::from_str::<WorkingCalendar>(
        r#"{"working_hours":[{"start":"18:00","end":"09:00"}]}"#,
    );
    assert!(bad.unwrap_err().to_string().contains("ends before"));
    assert!(serde_json::from_str::<WorkingCalendar>(r#"{"time_zone":"Nowhere/City"}"#).is_err());
}

#[test]
fn tenant_overrides_win_over_the_seed() {
    use xietong_calendar::Override;
    let c = WorkingCalendar::china_mainland_with(
        &CalendarSettings::default(),
        [
            // The company also gives 除夕 2024 off, and works on 2 October 2024.
            Override::holiday(date(2024, 2, 9), "除夕"),
            Override::workday(date(2024, 10, 2), "值班"),
        ],
    )
    .unwrap();
    assert!(!c.is_working_day(date(2024, 2, 9)));
    assert!(c.is_working_day(date(2024, 10, 2)));
    assert!(!c.is_working_day(date(2024, 10, 3)));
    assert_eq!(c.overrides().count(), cal().overrides().count() + 1);
}
