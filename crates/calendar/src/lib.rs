//! Xietong's working calendar (per tenant): pure functions over working days and hours.
//!
//! - [`WorkingCalendar`]: time zone, weekly rest days, dated [`Override`]s (holidays and
//!   make-up working days, 调休) and working hours; implements the engine's
//!   [`xietong_engine::WorkCalendar`].
//! - [`china_mainland_overrides`]: the official mainland China schedule for
//!   [`CHINA_MAINLAND_YEARS`].
//! - [`import`]: the administrator's next-year schedule from CSV or iCalendar.
//!
//! The rules are described in the crate's README.

mod calendar;
mod china;
pub mod import;

pub use calendar::{
    CalendarError, CalendarSettings, ClockTime, Override, OverrideKind, WorkingCalendar,
    WorkingInterval, parse_time_zone,
};
pub use china::{CHINA_MAINLAND_YEARS, china_mainland_overrides};
pub use chrono_tz::Tz;
pub use import::{ImportError, ImportErrors, parse_csv, parse_ical, parse_schedule, to_csv};
