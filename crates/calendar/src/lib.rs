//! Xietong's working calendar (per tenant): pure functions over working days and hours.
