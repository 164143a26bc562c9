//! The Chinese uppercase amount (大写金额) written on financial forms.

use xietong_engine::expr::Decimal;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const PLACES: [&str; 4] = ["", "拾", "佰", "仟"];
const SECTIONS: [&str; 4] = ["", "万", "亿", "万亿"];

/// Largest amount written, in 分.
const MAX_CENTS: u128 = 999_999_999_999_999;

/// One group of four digits, without leading zeros (`1010` → 壹仟零壹拾).
fn section(mut n: u128) -> String {
    let mut digits = [0u8; 4];
    for d in digits.iter_mut() {
        *d = (n % 10) as u8;
        n /= 10;
    }
    let mut out = String::new();
    let mut zero_pending = false;
    for place in (0..4).rev() {
        let d = digits[place];
        if d == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if zero_pending {
            out.push('零');
            zero_pending = false;
        }
        out.push(DIGITS[d as usize]);
        out.push_str(PLACES[place]);
    }
    out
}

/// `1234.56` → 壹仟贰佰叁拾肆元伍角陆分; rounded to 分; `None` above 9,999,999,999,999.99.
pub fn uppercase(amount: Decimal) -> Option<String> {
    let cents = amount.cents();
    if cents > MAX_CENTS {
        return None;
    }
    let yuan = cents / 100;
    let jiao = (cents / 10 % 10) as usize;
    let fen = (cents % 10) as usize;
    let mut out = String::new();
    if amount.is_negative() && cents > 0 {
        out.push('负');
    }
    if yuan > 0 {
        let mut groups = Vec::new();
        let mut rest = yuan;
        while rest > 0 {
            groups.push(rest % 10_000);
            rest /= 10_000;
        }
        let mut written = String::new();
        let mut gap = false;
        for (i, &g) in groups.iter().enumerate().rev() {
            if g == 0 {
                gap = !written.is_empty();
                continue;
            }
            if !written.is_empty() && (gap || g < 1000) {
                written.push('零');
            }
            written.push_str(&section(g));
            // 万亿 becomes 万 when the 亿 group follows: 玖万玖仟…亿.
            if i == 3 && groups[2] != 0 {
                written.push('万');
            } else {
                written.push_str(SECTIONS[i]);
            }
            gap = false;
        }
        out.push_str(&written);
        out.push('元');
    }
    if jiao == 0 && fen == 0 {
        if yuan == 0 {
            out.push_str("零元");
        }
        out.push('整');
        return Some(out);
    }
    if jiao > 0 {
        out.push(DIGITS[jiao]);
        out.push('角');
    } else if yuan > 0 {
        out.push('零');
    }
    if fen > 0 {
        out.push(DIGITS[fen]);
        out.push('分');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(s: &str) -> String {
        uppercase(Decimal::parse(s).unwrap()).unwrap()
    }

    #[test]
    fn writes_amounts_the_way_banks_do() {
        assert_eq!(up("1234.56"), "壹仟贰佰叁拾肆元伍角陆分");
        assert_eq!(up("100010"), "壹拾万零壹拾元整");
        assert_eq!(up("10000001"), "壹仟万零壹元整");
        assert_eq!(up("100001000"), "壹亿零壹仟元整");
        assert_eq!(up("0.05"), "伍分");
        assert_eq!(up("1.05"), "壹元零伍分");
        assert_eq!(up("10.5"), "壹拾元伍角");
        assert_eq!(up("0"), "零元整");
        assert_eq!(up("-3"), "负叁元整");
        assert_eq!(up("0.005"), "壹分");
        assert_eq!(uppercase(Decimal::parse("10000000000000").unwrap()), None);
    }
}
