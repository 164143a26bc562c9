//! Evaluation of parsed conditions against a scope of fields.

use super::{BinaryOp, Decimal, Expr, Func};
use crate::calendar::days_from_civil;
use std::cmp::Ordering;

/// A value seen by the condition language.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Missing or empty.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// Numbers and money, exact.
    Num(Decimal),
    /// Text, option values, user and department ids.
    Str(String),
    /// A calendar date as days since 1970-01-01.
    Date(i32),
    /// Multi-select options and other lists.
    List(Vec<Value>),
}

/// Where field paths are looked up: the form, the initiator's facts, multi-instance counters.
pub trait Scope {
    /// The value at `path` (`["amount"]`, `["initiator", "rank"]`); `Value::Null` when absent.
    fn lookup(&self, path: &[String]) -> Value;
}

impl Value {
    /// Converts form data. Objects stand for their `id` or `value` member (user, department or
    /// option pickers store `{id, name}` or `{value, label}`).
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => {
                Decimal::parse(&n.to_string()).map_or(Value::Null, Value::Num)
            }
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Array(items) => {
                Value::List(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => map
                .get("id")
                .or_else(|| map.get("value"))
                .map_or(Value::Null, Value::from_json),
        }
    }
}

/// Parses `YYYY-MM-DD` (a time part after `T` or a space is ignored) into days since the epoch.
pub fn date_from_text(text: &str) -> Option<i32> {
    let day_part = text.trim().split(['T', ' ']).next()?;
    let mut parts = day_part.splitn(3, '-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Num(x), Value::Num(y)) => Some(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Str(s)) => date_from_text(s).map(|y| x.cmp(&y)),
        (Value::Str(s), Value::Date(y)) => date_from_text(s).map(|x| x.cmp(y)),
        (Value::Str(s), Value::Num(y)) => Decimal::parse(s).map(|x| x.cmp(y)),
        (Value::Num(x), Value::Str(s)) => Decimal::parse(s).map(|y| x.cmp(&y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        _ => None,
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q))
        }
        _ => compare(a, b) == Some(Ordering::Equal),
    }
}

fn contains(haystack: &Value, needle: &Value) -> bool {
    match haystack {
        Value::List(items) => match needle {
            // `[a, b] in options`: every picked option is allowed
            Value::List(picked) => picked.iter().all(|p| items.iter().any(|i| equal(i, p))),
            _ => items.iter().any(|i| equal(i, needle)),
        },
        Value::Str(text) => matches!(needle, Value::Str(part) if text.contains(part.as_str())),
        _ => false,
    }
}

fn arithmetic(op: BinaryOp, a: Value, b: Value) -> Value {
    let (Value::Num(x), Value::Num(y)) = (a, b) else {
        return Value::Null;
    };
    let result = match op {
        BinaryOp::Add => x.checked_add(y),
        BinaryOp::Sub => x.checked_sub(y),
        BinaryOp::Mul => x.checked_mul(y),
        _ => x.checked_div(y),
    };
    result.map_or(Value::Null, Value::Num)
}

/// The numbers among the arguments, lists flattened one level; `None` when an item is not a
/// number (nulls are skipped).
fn numbers(args: Vec<Value>) -> Option<Vec<Decimal>> {
    let mut out = Vec::new();
    for a in args {
        match a {
            Value::List(items) => {
                for i in items {
                    match i {
                        Value::Num(d) => out.push(d),
                        Value::Null => {}
                        _ => return None,
                    }
                }
            }
            Value::Num(d) => out.push(d),
            Value::Null => {}
            _ => return None,
        }
    }
    Some(out)
}

fn call(func: Func, args: Vec<Value>) -> Value {
    match func {
        Func::Count => match &args[..] {
            [Value::List(items)] => Value::Num(Decimal::from_int(
                items.iter().filter(|v| !matches!(v, Value::Null)).count() as i64,
            )),
            [Value::Null] => Value::Num(Decimal::ZERO),
            [_] => Value::Num(Decimal::from_int(1)),
            _ => Value::Null,
        },
        Func::Sum => match numbers(args) {
            Some(ns) => ns
                .into_iter()
                .try_fold(Decimal::ZERO, |acc, d| acc.checked_add(d))
                .map_or(Value::Null, Value::Num),
            None => Value::Null,
        },
        Func::Min => numbers(args)
            .and_then(|ns| ns.into_iter().min())
            .map_or(Value::Null, Value::Num),
        Func::Max => numbers(args)
            .and_then(|ns| ns.into_iter().max())
            .map_or(Value::Null, Value::Num),
        Func::Abs => match &args[..] {
            [Value::Num(d)] => Value::Num(d.abs()),
            _ => Value::Null,
        },
        Func::Round => {
            let digits = match args.get(1) {
                None => 0,
                Some(Value::Num(d)) if *d >= Decimal::ZERO && *d <= Decimal::from_int(6) => {
                    d.to_string().parse::<u32>().unwrap_or(u32::MAX)
                }
                Some(_) => u32::MAX,
            };
            match args.first() {
                Some(Value::Num(d)) if digits <= 6 => Value::Num(d.round(digits)),
                _ => Value::Null,
            }
        }
    }
}

pub(super) fn eval(expr: &Expr, scope: &dyn Scope) -> Value {
    match expr {
        Expr::Call(func, args) => call(*func, args.iter().map(|a| eval(a, scope)).collect()),
        Expr::Lit(v) => v.clone(),
        Expr::Field(path) => scope.lookup(path),
        Expr::List(items) => Value::List(items.iter().map(|e| eval(e, scope)).collect()),
        Expr::Not(e) => Value::Bool(!matches!(eval(e, scope), Value::Bool(true))),
        Expr::Neg(e) => match eval(e, scope) {
            Value::Num(d) => Decimal::ZERO.checked_sub(d).map_or(Value::Null, Value::Num),
            _ => Value::Null,
        },
        Expr::Binary(op, a, b) => {
            let op = *op;
            match op {
                BinaryOp::And => Value::Bool(
                    matches!(eval(a, scope), Value::Bool(true))
                        && matches!(eval(b, scope), Value::Bool(true)),
                ),
                BinaryOp::Or => Value::Bool(
                    matches!(eval(a, scope), Value::Bool(true))
                        || matches!(eval(b, scope), Value::Bool(true)),
                ),
                _ => {
                    let (x, y) = (eval(a, scope), eval(b, scope));
                    match op {
                        BinaryOp::Eq => Value::Bool(equal(&x, &y)),
                        BinaryOp::Ne => Value::Bool(!equal(&x, &y)),
                        BinaryOp::Lt => Value::Bool(compare(&x, &y) == Some(Ordering::Less)),
                        BinaryOp::Le => Value::Bool(matches!(
                            compare(&x, &y),
                            Some(Ordering::Less | Ordering::Equal)
                        )),
                        BinaryOp::Gt => Value::Bool(compare(&x, &y) == Some(Ordering::Greater)),
                        BinaryOp::Ge => Value::Bool(matches!(
                            compare(&x, &y),
                            Some(Ordering::Greater | Ordering::Equal)
                        )),
                        BinaryOp::In => Value::Bool(contains(&y, &x)),
                        BinaryOp::NotIn => Value::Bool(!contains(&y, &x)),
                        _ => arithmetic(op, x, y),
                    }
                }
            }
        }
    }
}
