//! Fixed-point decimal for money and numbers: exact, so `0.1 + 0.2 == 0.3` holds in conditions.

use std::fmt;

/// Digits kept after the decimal point.
const FRACTION_DIGITS: u32 = 6;
const SCALE: i128 = 10i128.pow(FRACTION_DIGITS);

/// A decimal number stored as an integer count of millionths.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Decimal(i128);

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal(0);

    /// The decimal for a whole number.
    pub fn from_int(n: i64) -> Self {
        Decimal(n as i128 * SCALE)
    }

    /// Parses `-12`, `3.50`, `1e3`, `1,000.25` (thousands separators allowed); `None` when malformed
    /// or out of range.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (negative, digits) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        let mut value: i128 = 0;
        let mut scale_exp: i32 = 0;
        for c in whole.chars() {
            match c {
                '0'..='9' => {
                    value = value
                        .checked_mul(10)?
                        .checked_add((c as u8 - b'0') as i128)?
                }
                ',' | '_' => {}
                _ => return None,
            }
        }
        for c in fraction.chars() {
            let d = c.to_digit(10)? as i128;
            value = value.checked_mul(10)?.checked_add(d)?;
            scale_exp -= 1;
        }
        scale_exp += exponent + FRACTION_DIGITS as i32;
        if !(-40..=30).contains(&scale_exp) {
            return if value == 0 {
                Some(Decimal::ZERO)
            } else {
                None
            };
        }
        let value = if scale_exp >= 0 {
            value.checked_mul(10i128.checked_pow(scale_exp as u32)?)?
        } else {
            value / 10i128.pow((-scale_exp) as u32)
        };
        Some(Decimal(if negative { -value } else { value }))
    }

    /// Sum, `None` on overflow.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Decimal)
    }

    /// Difference, `None` on overflow.
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.0.checked_sub(other.0).map(Decimal)
    }

    /// Product, `None` on overflow.
    pub fn checked_mul(self, other: Self) -> Option<Self> {
        self.0.checked_mul(other.0).map(|p| Decimal(p / SCALE))
    }

    /// Rounded half away from zero to `digits` after the point (at most 6).
    pub fn round(self, digits: u32) -> Self {
        if digits >= FRACTION_DIGITS {
            return self;
        }
        let unit = 10i128.pow(FRACTION_DIGITS - digits);
        let half = unit / 2;
        let magnitude = (self.0.abs() + half) / unit * unit;
        Decimal(if self.0 < 0 { -magnitude } else { magnitude })
    }

    /// The absolute value.
    pub fn abs(self) -> Self {
        Decimal(self.0.saturating_abs())
    }

    /// Digits after the point needed to write it (0..=6).
    pub fn scale(self) -> u32 {
        let mut fraction = (self.0 % SCALE).abs();
        if fraction == 0 {
            return 0;
        }
        let mut digits = FRACTION_DIGITS;
        while fraction % 10 == 0 {
            fraction /= 10;
            digits -= 1;
        }
        digits
    }

    /// The absolute value in hundredths (分), rounded half away from zero.
    pub fn cents(self) -> u128 {
        self.round(2).0.unsigned_abs() / 10u128.pow(FRACTION_DIGITS - 2)
    }

    /// Whether it is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Quotient, `None` on division by zero or overflow.
    pub fn checked_div(self, other: Self) -> Option<Self> {
        if other.0 == 0 {
            return None;
        }
        self.0.checked_mul(SCALE).map(|p| Decimal(p / other.0))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = abs / SCALE as u128;
        let fraction = abs % SCALE as u128;
        if fraction == 0 {
            return write!(f, "{sign}{whole}");
        }
        let digits = format!("{fraction:06}");
        write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_money_exactly() {
        let a = Decimal::parse("0.1").unwrap();
        let b = Decimal::parse("0.2").unwrap();
        assert_eq!(a.checked_add(b), Decimal::parse("0.3"));
        assert_eq!(Decimal::parse("1,000.50").unwrap().to_string(), "1000.5");
        assert_eq!(Decimal::parse("1e4"), Some(Decimal::from_int(10000)));
        assert_eq!(Decimal::parse("-3").unwrap().to_string(), "-3");
        assert_eq!(Decimal::parse("abc"), None);
        assert_eq!(Decimal::parse("."), None);
        assert_eq!(Decimal::parse("1e999999"), None);
    }
}
