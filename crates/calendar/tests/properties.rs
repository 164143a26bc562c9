//! Property tests over random calendars (time zones with and without daylight saving, random
//! rest days, working hours and overrides) and the real mainland China calendar.

use chrono::{Duration, NaiveDate, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;
use xietong_calendar::{
    CalendarSettings, ClockTime, Override, OverrideKind, WorkingCalendar, WorkingInterval,
    parse_csv, parse_ical, parse_schedule, to_csv,
};
use xietong_engine::{Timestamp, WeekendsOnly, WorkCalendar};

/// 2023-12-01T00:00:00Z .. 2026-12-01T00:00:00Z
const FROM: i64 = 1_701_388_800;
const TO: i64 = 1_796_083_200;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn time_zone() -> impl Strategy<Value = Tz> {
    prop_oneof![
        Just(Tz::Asia__Shanghai),
        Just(Tz::UTC),
        Just(Tz::Europe__Berlin),
        Just(Tz::America__New_York),
    ]
}

/// Up to three disjoint intervals on a 15-minute grid.
fn working_hours() -> impl Strategy<Value = Vec<WorkingInterval>> {
    proptest::collection::btree_set(0u32..=96, 2..=6).prop_map(|points| {
        let points: Vec<u32> = points.into_iter().collect();
        points
            .chunks_exact(2)
            .map(|pair| WorkingInterval {
                start: ClockTime::from_seconds(pair[0] * 900).unwrap(),
                end: ClockTime::from_seconds(pair[1] * 900).unwrap(),
            })
            .collect()
    })
}

fn overrides() -> impl Strategy<Value = Vec<Override>> {
    let base = NaiveDate::from_ymd_opt(2023, 12, 1).unwrap();
    proptest::collection::vec((0i64..1100, any::<bool>()), 0..80).prop_map(move |list| {
        list.into_iter()
            .map(|(offset, work)| Override {
                date: base + Duration::days(offset),
                kind: if work {
                    OverrideKind::Workday
                } else {
                    OverrideKind::Holiday
                },
                name: String::new(),
            })
            .collect()
    })
}

fn random_calendar() -> impl Strategy<Value = WorkingCalendar> {
    (time_zone(), 0u8..127, working_hours(), overrides()).prop_map(|(tz, rest, hours, o)| {
        let settings = CalendarSettings {
            time_zone: tz,
            rest_days: (0..7u8)
                .filter(|i| rest & (1 << i) != 0)
                .map(|i| Weekday::try_from(i).unwrap())
                .collect(),
            working_hours: hours,
        };
        WorkingCalendar::new(&settings, o).expect("valid random calendar")
    })
}

fn any_calendar() -> impl Strategy<Value = WorkingCalendar> {
    prop_oneof![
        1 => Just(WorkingCalendar::china_mainland()),
        3 => random_calendar(),
    ]
}

/// Calendars without daylight saving. Day arithmetic keeps the local time of day, which a
/// daylight-saving change can skip or repeat (see `daylight_saving_edges`).
fn fixed_offset_calendar() -> impl Strategy<Value = WorkingCalendar> {
    prop_oneof![
        1 => Just(WorkingCalendar::china_mainland()),
        3 => random_calendar().prop_filter("no DST", |c| {
            matches!(c.time_zone(), Tz::Asia__Shanghai | Tz::UTC)
        }),
    ]
}

fn instant() -> impl Strategy<Value = Timestamp> {
    (FROM..TO).prop_map(Timestamp)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn hours_added_are_hours_between(c in any_calendar(), t in instant(), h in 0u32..120) {
        let due = c.add_working_hours(t, h);
        prop_assert!(due >= t);
        prop_assert_eq!(c.working_time_between(t, due), Duration::hours(i64::from(h)));
    }

    #[test]
    fn hours_land_in_working_time(c in any_calendar(), t in instant(), h in 0u32..120) {
        let due = c.add_working_hours(t, h);
        if h == 0 {
            prop_assert!(c.is_working_time(due));
            prop_assert_eq!(c.working_time_between(t, due), Duration::zero());
        } else {
            // The result may be the end of an interval: the second before it is working time.
            prop_assert!(c.is_working_time(Timestamp(due.0 - 1)));
        }
    }

    #[test]
    fn hours_are_monotonic_and_compose(
        c in any_calendar(), t in instant(), dt in 0i64..200_000, a in 0u32..60, b in 1u32..60,
    ) {
        prop_assert!(c.add_working_hours(t, a) <= c.add_working_hours(t, a + b));
        prop_assert!(c.add_working_hours(t, a) <= c.add_working_hours(Timestamp(t.0 + dt), a));
        prop_assert_eq!(
            c.add_working_hours(c.add_working_hours(t, a), b),
            c.add_working_hours(t, a + b)
        );
    }

    #[test]
    fn working_time_is_additive(c in any_calendar(), t in instant(), x in 0i64..900_000, y in 0i64..900_000) {
        let (a, b, d) = (t, Timestamp(t.0 + x), Timestamp(t.0 + x + y));
        prop_assert_eq!(
            c.working_time_between(a, b) + c.working_time_between(b, d),
            c.working_time_between(a, d)
        );
        prop_assert_eq!(c.working_time_between(d, a), -c.working_time_between(a, d));
        prop_assert!(c.working_time_between(a, d) <= Duration::seconds(x + y));
    }

    #[test]
    fn days_land_in_working_time_and_compose(
        c in fixed_offset_calendar(), t in instant(), n in 0u32..40, m in 0u32..40,
    ) {
        let due = c.add_working_days(t, n);
        prop_assert!(c.is_working_time(due));
        prop_assert!(c.is_working_day(c.local_date(due).unwrap()));
        prop_assert!(due < c.add_working_days(t, n + 1));
        prop_assert_eq!(c.add_working_days(due, m), c.add_working_days(t, n + m));
        let start = c.next_working_instant(t);
        prop_assert_eq!(
            c.working_days_between(c.local_date(start).unwrap(), c.local_date(due).unwrap()),
            i64::from(n)
        );
    }

    #[test]
    fn days_are_monotonic_in_the_start(
        c in fixed_offset_calendar(), t in instant(), dt in 0i64..400_000, n in 0u32..30,
    ) {
        prop_assert!(c.add_working_days(t, n) <= c.add_working_days(Timestamp(t.0 + dt), n));
        prop_assert!(c.add_working_days(t, n) <= c.add_working_days(t, n + 1));
    }

    #[test]
    fn days_between_counts_working_days(c in any_calendar(), a in 0i64..1000, len in 0i64..120) {
        let a = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Duration::days(a);
        let b = a + Duration::days(len);
        let slow = a.iter_days().take_while(|d| *d < b).filter(|d| c.is_working_day(*d)).count();
        prop_assert_eq!(c.working_days_between(a, b), slow as i64);
        prop_assert_eq!(c.working_days_between(b, a), -(slow as i64));
    }

    /// With no holidays, UTC, Monday–Friday 09:00–17:00 the calendar agrees with the engine's
    /// `WeekendsOnly` (which keeps the time of day only inside working hours for days).
    #[test]
    fn agrees_with_the_engine_test_calendar(t in instant(), h in 0u32..100, n in 0u32..30) {
        let c = WorkingCalendar::new(
            &CalendarSettings {
                time_zone: Tz::UTC,
                working_hours: vec![WorkingInterval::hm((9, 0), (17, 0))],
                ..CalendarSettings::default()
            },
            [],
        ).unwrap();
        let engine = WeekendsOnly { utc_offset_secs: 0 };
        prop_assert_eq!(c.add_working_hours(t, h), engine.add_working_hours(t, h));
        if c.is_working_time(t) {
            prop_assert_eq!(c.add_working_days(t, n), engine.add_working_days(t, n));
        }
    }

    #[test]
    fn csv_round_trips(list in overrides(), names in proptest::collection::vec("[a-z春节补班 ,\"]{0,8}", 80)) {
        let list: Vec<Override> = list
            .into_iter()
            .zip(names)
            .map(|(o, name)| Override { name: name.trim().to_string(), ..o })
            .collect();
        let mut expected = std::collections::BTreeMap::new();
        for o in &list {
            expected.insert(o.date, o.clone());
        }
        let expected: Vec<Override> = expected.into_values().collect();
        let text = to_csv(&expected);
        if expected.is_empty() {
            prop_assert!(parse_csv(&text).is_err());
        } else {
            prop_assert_eq!(parse_csv(&text).unwrap(), expected.clone());
            prop_assert_eq!(parse_schedule(&text).unwrap(), expected);
        }
    }

    #[test]
    fn parsers_never_panic(text in "(BEGIN:VCALENDAR\n)?[A-Z:;=0-9\n ,\"\\-班]{0,200}") {
        let _ = parse_csv(&text);
        let _ = parse_ical(&text);
        let _ = parse_schedule(&text);
    }
}

#[test]
fn huge_amounts_saturate_quickly() {
    let c = WorkingCalendar::china_mainland();
    let t = Timestamp(FROM);
    assert_eq!(c.add_working_days(t, u32::MAX), Timestamp(i64::MAX));
    let far = c.add_working_days(t, 10_000);
    assert!(far.0 > FROM + 10_000 * 86_400 && far.0 < i64::MAX);
    assert_eq!(
        c.add_working_days(t, 100_000),
        Timestamp(i64::MAX),
        "past 2200"
    );
    assert_eq!(
        c.add_working_days(Timestamp(i64::MAX), 1),
        Timestamp(i64::MAX)
    );
    assert_eq!(
        c.add_working_hours(Timestamp(i64::MAX), 1),
        Timestamp(i64::MAX)
    );
    // Before 1900 counts from the first working instant of 1900 (Monday 1 January, 09:00).
    let first = c.add_working_hours(Timestamp(i64::MIN), 0);
    assert_eq!(c.local_date(first), NaiveDate::from_ymd_opt(1900, 1, 1));
}

#[test]
fn huge_hours_saturate() {
    let c = WorkingCalendar::china_mainland();
    let t = Timestamp(FROM);
    assert_eq!(c.add_working_hours(t, u32::MAX), Timestamp(i64::MAX));
    let all = c.working_time_between(Timestamp(i64::MIN), Timestamp(i64::MAX));
    // 1900–2200 at 7.5 h a working day.
    assert!(all > Duration::hours(300 * 200 * 7) && all < Duration::hours(302 * 261 * 8));
}

/// Berlin, every day 00:00–24:00: hours are exact across the changes; a kept time of day that
/// does not exist becomes the first instant after the gap.
#[test]
fn daylight_saving_edges() {
    use chrono::TimeZone;
    let c = WorkingCalendar::new(
        &CalendarSettings {
            time_zone: Tz::Europe__Berlin,
            rest_days: vec![],
            working_hours: vec![WorkingInterval::hm((0, 0), (24, 0))],
        },
        [],
    )
    .unwrap();
    let berlin = |d, h, m| {
        Timestamp(
            Tz::Europe__Berlin
                .with_ymd_and_hms(2025, 3, d, h, m, 0)
                .earliest()
                .unwrap()
                .timestamp(),
        )
    };
    // 30 March 2025 has 23 hours: 02:00 jumps to 03:00.
    assert_eq!(
        c.working_time_between(berlin(30, 0, 0), berlin(31, 0, 0)),
        Duration::hours(23)
    );
    assert_eq!(c.add_working_hours(berlin(30, 1, 0), 2), berlin(30, 4, 0));
    // 02:30 on the 29th + 1 working day: 02:30 does not exist on the 30th → 03:00.
    assert_eq!(c.add_working_days(berlin(29, 2, 30), 1), berlin(30, 3, 0));
    assert_eq!(c.add_working_days(berlin(29, 2, 30), 2), berlin(31, 2, 30));
}
