//! Mainland China public holidays and make-up working days, from the `chinese_holiday` crate
//! (transcribed from the State Council's yearly notices, 国务院办公厅关于部分节假日安排的通知).

use std::ops::RangeInclusive;

use chinese_holiday::{DayKind, Ymd, chinese_holiday};
use chrono::{Datelike, NaiveDate};

use crate::{Override, OverrideKind};

/// The years the bundled mainland China data covers. The data source stops at 2026-12-25; no
/// 2026 arrangement falls after that date. Later years come from the administrator (import).
pub const CHINA_MAINLAND_YEARS: RangeInclusive<i32> = 2004..=2026;

/// The last date the data source answers for.
fn last_known() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 25).expect("valid date")
}

fn label(kind: DayKind) -> Option<(OverrideKind, &'static str)> {
    use DayKind::*;
    use OverrideKind::{Holiday, Workday};
    Some(match kind {
        NormalWorkday | NormalHoliday => return None,
        NewYearsDayHoliday => (Holiday, "元旦"),
        NewYearsDayWorkday => (Workday, "元旦补班"),
        SpringFestivalHoliday => (Holiday, "春节"),
        SpringFestivalWorkday => (Workday, "春节补班"),
        ChingMingFestivalHoliday => (Holiday, "清明节"),
        ChingMingFestivalWorkday => (Workday, "清明节补班"),
        InternationalWorkersDayHoliday => (Holiday, "劳动节"),
        InternationalWorkersDayWorkday => (Workday, "劳动节补班"),
        DragonBoatFestivalHoliday => (Holiday, "端午节"),
        DragonBoatFestivalWorkday => (Workday, "端午节补班"),
        MidAutumnFestivalHoliday => (Holiday, "中秋节"),
        MidAutumnFestivalWorkday => (Workday, "中秋节补班"),
        NationalDayHoliday => (Holiday, "国庆节"),
        NationalDayWorkday => (Workday, "国庆节补班"),
        OtherHoliday => (Holiday, "假日"),
        OtherWorkday => (Workday, "补班"),
    })
}

/// The official holidays (every day of each holiday period, weekend days included) and
/// make-up working days of `year` in mainland China; empty for years outside
/// [`CHINA_MAINLAND_YEARS`]. Sorted by date.
pub fn china_mainland_overrides(year: i32) -> Vec<Override> {
    if !CHINA_MAINLAND_YEARS.contains(&year) {
        return Vec::new();
    }
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid date");
    first
        .iter_days()
        .take_while(|d| d.year() == year && *d <= last_known())
        .filter_map(|d| {
            let ymd = Ymd::new(d.year() as u16, d.month() as u8, d.day() as u8);
            let (kind, name) = label(chinese_holiday(ymd))?;
            Some(Override {
                date: d,
                kind,
                name: name.to_string(),
            })
        })
        .collect()
}
