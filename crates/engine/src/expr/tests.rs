use super::*;
use std::collections::BTreeMap;

struct Fields(BTreeMap<String, Value>);

impl Scope for Fields {
    fn lookup(&self, path: &[String]) -> Value {
        self.0.get(&path.join(".")).cloned().unwrap_or(Value::Null)
    }
}

fn scope() -> Fields {
    let mut m = BTreeMap::new();
    m.insert("amount".into(), Value::Num(Decimal::from_int(20000)));
    m.insert("initiator.department".into(), Value::Str("finance".into()));
    m.insert("initiator.rank".into(), Value::Num(Decimal::from_int(3)));
    m.insert("start".into(), Value::Str("2024-05-01".into()));
    m.insert(
        "tags".into(),
        Value::List(vec![Value::Str("urgent".into())]),
    );
    Fields(m)
}

fn check(src: &str) -> bool {
    Expr::parse(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .is_true(&scope())
}

#[test]
fn parses_the_workload_condition() {
    assert!(check("amount > 10000"));
    assert!(check("${amount > 10000}"));
    assert!(!check("form.amount <= 10000"));
}

#[test]
fn logic_and_grouping() {
    assert!(check(
        "amount > 1 && (initiator.department == 'finance' || false)"
    ));
    assert!(check("!(amount < 5) and not false"));
    assert!(check("initiator.rank >= 3 && amount - 19999.5 == 0.5"));
    assert!(check("amount / 4 * 2 == 10000"));
}

#[test]
fn options_dates_and_missing_fields() {
    assert!(check("initiator.department in ['finance', 'hr']"));
    assert!(check("'urgent' in tags"));
    assert!(check("initiator.department not in ['hr']"));
    assert!(check(
        "start >= date(\"2024-01-01\") && start < date('2025-01-01')"
    ));
    assert!(!check("missing > 3"));
    assert!(check("missing == null"));
    assert!(!check("amount / 0 > 1"));
}

#[test]
fn refuses_bad_input_with_location() {
    for bad in [
        "",
        "amount >",
        "(a",
        "a ~ b",
        "'open",
        "date('x')",
        "a.",
        "1 2",
        "a not b",
        "in",
    ] {
        let e = Expr::parse(bad).unwrap_err();
        assert!(e.offset <= bad.len(), "{bad}: {e}");
    }
    let deep = "(".repeat(500) + "1" + &")".repeat(500);
    assert!(Expr::parse(&deep).is_err());
    assert!(Expr::parse(&"!".repeat(10_000)).is_err());
}

#[test]
fn lists_the_fields_it_reads() {
    let e = Expr::parse("form.amount > 1 && initiator.post in [x]").unwrap();
    let fields: Vec<String> = e.fields().iter().map(|p| p.join(".")).collect();
    assert_eq!(fields, ["amount", "initiator.post", "x"]);
}

fn value(src: &str, scope: &dyn Scope) -> Value {
    Expr::parse(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .eval(scope)
}

fn num(text: &str) -> Value {
    Value::Num(Decimal::parse(text).unwrap())
}

#[test]
fn functions_sum_lists_and_round_half_away_from_zero() {
    let mut m = BTreeMap::new();
    m.insert(
        "items.amount".into(),
        Value::List(vec![num("10.5"), Value::Null, num("0.25")]),
    );
    m.insert("price".into(), num("2.345"));
    let s = Fields(m);
    assert_eq!(value("sum(items.amount)", &s), num("10.75"));
    assert_eq!(value("count(items.amount)", &s), num("2"));
    assert_eq!(value("max(items.amount)", &s), num("10.5"));
    assert_eq!(value("min(1, 2, -3)", &s), num("-3"));
    assert_eq!(value("round(price, 2)", &s), num("2.35"));
    assert_eq!(value("round(-price, 2)", &s), num("-2.35"));
    assert_eq!(value("round(price)", &s), num("2"));
    assert_eq!(value("abs(-4)", &s), num("4"));
    assert_eq!(value("sum(missing)", &s), num("0"));
    assert_eq!(value("round(price, 7)", &s), Value::Null);
    assert_eq!(value("sum('a')", &s), Value::Null);
}

#[test]
fn unknown_functions_and_wrong_arity_are_parse_errors() {
    assert!(Expr::parse("exec(1)").is_err());
    assert!(Expr::parse("abs(1, 2)").is_err());
    assert!(Expr::parse("sum()").is_err());
    assert!(Expr::parse("round(1, 2, 3)").is_err());
}

#[test]
fn punctuation_outside_ascii_is_refused_not_looped_on() {
    for src in ["amount > （1）", "「a」", "a\u{3000}== 1", "金额 > 1"] {
        let r = Expr::parse(src);
        if src == "金额 > 1" {
            assert!(r.is_ok(), "{src}");
        } else {
            assert!(r.is_err(), "{src}");
        }
    }
}
