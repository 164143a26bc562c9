//! CSV and iCalendar import of an administrator's schedule.

use chrono::NaiveDate;
use xietong_calendar::{
    Override, OverrideKind, WorkingCalendar, parse_csv, parse_ical, parse_schedule, to_csv,
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn errors(result: Result<Vec<Override>, xietong_calendar::ImportErrors>) -> Vec<String> {
    result
        .unwrap_err()
        .0
        .iter()
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn csv_with_header_comments_quotes_and_aliases() {
    let text = "\u{feff}date,kind,name\r\n\
                # 2027 (example)\r\n\
                2027-01-01,holiday,元旦\r\n\
                \r\n\
                2027/2/6, Workday ,\"春节补班, 周六\"\r\n\
                20270207,休,春节\n\
                2027-02-08,补班\n\
                2027-02-09,HOLIDAY,\"say \"\"hi\"\"\"\n";
    let got = parse_csv(text).unwrap();
    assert_eq!(
        got,
        vec![
            Override::holiday(date(2027, 1, 1), "元旦"),
            Override::workday(date(2027, 2, 6), "春节补班, 周六"),
            Override::holiday(date(2027, 2, 7), "春节"),
            Override::workday(date(2027, 2, 8), ""),
            Override::holiday(date(2027, 2, 9), "say \"hi\""),
        ]
    );
    assert_eq!(parse_csv(&to_csv(&got)).unwrap(), got);
}

#[test]
fn csv_errors_name_every_bad_line() {
    let text = "date,kind,name\n\
                2027-13-01,holiday,x\n\
                2027-01-01,weekend,x\n\
                2027-01-02\n\
                2027-01-03,holiday,a,b\n\
                2027-01-04,holiday,\"open\n\
                2027-01-05,holiday,x\n\
                2027-01-05,workday,y\n\
                2027-01-05,holiday,same kind is fine\n";
    assert_eq!(
        errors(parse_csv(text)),
        [
            "line 2: \"2027-13-01\" is not a date (use YYYY-MM-DD)",
            "line 3: \"weekend\" is not a kind (use holiday or workday)",
            "line 4: expected date,kind,name but found 1 fields",
            "line 5: expected date,kind,name but found 4 fields",
            "line 6: a quoted field is not closed",
            "line 8: 2027-01-05 is a workday here but a holiday on line 7",
        ]
    );
    assert_eq!(
        errors(parse_csv("date,kind,name\n\n# nothing\n")),
        ["no dates found"]
    );
    assert_eq!(errors(parse_csv("")), ["no dates found"]);
    assert_eq!(
        errors(parse_csv("2027-1-1,holiday,a\"b\n")),
        ["line 1: a quote inside an unquoted field"]
    );
}

const ICS: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example//CN Holidays//ZH\r
X-WR-CALNAME:中国节假日\r
BEGIN:VEVENT\r
UID:1@example\r
DTSTART;VALUE=DATE:20270206\r
DTEND;VALUE=DATE:20270214\r
SUMMARY:春节 休\r
BEGIN:VALARM\r
ACTION:DISPLAY\r
DTSTART:20270101T000000\r
END:VALARM\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20270214\r
SUMMARY:春节补班\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20270501\r
DURATION:P5D\r
SUMMARY:Labour Day\\, \r
 May holiday\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20270424\r
SUMMARY:Makeup WORKDAY\r
END:VEVENT\r
END:VCALENDAR\r
";

#[test]
fn ical_all_day_events() {
    let got = parse_ical(ICS).unwrap();
    assert_eq!(got.len(), 8 + 1 + 5 + 1);
    assert_eq!(
        got[9],
        Override::workday(date(2027, 4, 24), "Makeup WORKDAY")
    );
    let spring: Vec<NaiveDate> = got
        .iter()
        .filter(|o| o.name == "春节 休")
        .map(|o| o.date)
        .collect();
    assert_eq!(spring.first(), Some(&date(2027, 2, 6)));
    assert_eq!(
        spring.last(),
        Some(&date(2027, 2, 13)),
        "DTEND is exclusive"
    );
    assert_eq!(spring.len(), 8);
    let feb14 = got.iter().find(|o| o.date == date(2027, 2, 14)).unwrap();
    assert_eq!(feb14.kind, OverrideKind::Workday);
    let may = got.iter().find(|o| o.date == date(2027, 5, 5)).unwrap();
    assert_eq!(may.name, "Labour Day, May holiday");
    assert_eq!(may.kind, OverrideKind::Holiday);
    assert_eq!(parse_schedule(ICS).unwrap(), got);
    for (summary, kind) in [
        ("国庆节 补班", OverrideKind::Workday),
        ("上班", OverrideKind::Workday),
        ("Make-up working day", OverrideKind::Workday),
        ("国庆节 假期 第1天/共7天", OverrideKind::Holiday),
        ("", OverrideKind::Holiday),
    ] {
        let one = format!(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20271001\nSUMMARY:{summary}\nEND:VEVENT\nEND:VCALENDAR\n"
        );
        assert_eq!(parse_ical(&one).unwrap()[0].kind, kind, "{summary}");
    }

    // Imported next year joins the seeded calendar without a release.
    let mut calendar = WorkingCalendar::china_mainland();
    assert!(calendar.is_working_day(date(2027, 2, 8)));
    calendar.set_overrides(got);
    assert!(!calendar.is_working_day(date(2027, 2, 8)));
    assert!(
        calendar.is_working_day(date(2027, 2, 14)),
        "Sunday make-up day"
    );
}

#[test]
fn ical_errors_name_their_lines() {
    let text = "BEGIN:VCALENDAR
BEGIN:VEVENT
DTSTART:20270101T090000
SUMMARY:timed
END:VEVENT
BEGIN:VEVENT
SUMMARY:no start
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20270110
DTEND;VALUE=DATE:20270110
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:2027011
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20270120
RRULE:FREQ=YEARLY
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20270201
DURATION:PT5H
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20270301
SUMMARY:holiday
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20270301
SUMMARY:补班
END:VEVENT
garbage line
BEGIN:VEVENT
DTSTART;VALUE=DATE:20270401
";
    assert_eq!(
        errors(parse_ical(text)),
        [
            "line 3: DTSTART \"20270101T090000\" is a date-time; only all-day dates (VALUE=DATE) are supported",
            "line 6: event has no DTSTART",
            "line 11: DTEND 2027-01-10 is not after DTSTART 2027-01-10",
            "line 14: DTSTART \"2027011\" is not a date (YYYYMMDD)",
            "line 18: repeating events (RRULE/RDATE) are not supported: list each date",
            "line 22: DURATION \"PT5H\" is not a whole number of days",
            "line 28: 2027-03-01 is a workday here but a holiday on line 24",
            "line 32: \"garbage line\" is not a NAME:value line",
            "line 33: event is not closed with END:VEVENT",
        ]
    );
    assert_eq!(
        errors(parse_ical("2027-01-01,holiday\n")),
        ["line 1: not an iCalendar file: it must start with BEGIN:VCALENDAR"]
    );
    assert_eq!(
        errors(parse_ical("BEGIN:VCALENDAR\nEND:VCALENDAR\n")),
        ["no events found"]
    );
    assert_eq!(
        errors(parse_ical(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nDTEND;VALUE=DATE:20290101\nEND:VEVENT\nEND:VCALENDAR\n"
        )),
        ["line 2: event covers 731 days (more than a year)"]
    );
    assert_eq!(
        errors(parse_ical(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nEND:VEVENT\n"
        )),
        ["line 4: file does not end with END:VCALENDAR"]
    );
}
