//! Form data: expressions read it, computed fields are filled in, invisible fields dropped.

use crate::schema::{Duration, Field, FormSpec, Kind};
use serde_json::{Map, Value as Json};
use xietong_engine::expr::{Decimal, Expr, Scope, Value};

/// Form data: field key → value.
pub type Data = Map<String, Json>;

/// What the data needs from outside: today's date and the tenant's working days.
pub struct Env<'a> {
    /// `YYYY-MM-DD` in the tenant's time zone (bounds ID-card birth dates).
    pub today: String,
    /// Working days from `start` to `end` inclusive, on the tenant's calendar.
    pub working_days: Option<&'a dyn Fn(&str, &str) -> Option<i64>>,
}

impl Env<'_> {
    /// An environment without a calendar.
    pub fn on(today: &str) -> Env<'static> {
        Env {
            today: today.to_string(),
            working_days: None,
        }
    }
}

fn walk(value: &Json, rest: &[String]) -> Value {
    let Some((first, rest)) = rest.split_first() else {
        return Value::from_json(value);
    };
    match value {
        Json::Object(map) => map.get(first).map_or(Value::Null, |v| walk(v, rest)),
        Json::Array(items) => Value::List(
            items
                .iter()
                .map(|item| walk(item, std::slice::from_ref(first)))
                .map(|v| if rest.is_empty() { v } else { Value::Null })
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// Expressions see the form's fields (`amount`, `items.price`) and, inside a table row, the
/// row's columns first.
pub struct DataScope<'a> {
    pub data: &'a Data,
    pub row: Option<&'a Data>,
}

impl Scope for DataScope<'_> {
    fn lookup(&self, path: &[String]) -> Value {
        let Some((first, rest)) = path.split_first() else {
            return Value::Null;
        };
        if let Some(v) = self.row.and_then(|r| r.get(first)) {
            return walk(v, rest);
        }
        self.data.get(first).map_or(Value::Null, |v| walk(v, rest))
    }
}

/// The JSON number for a decimal.
pub fn decimal_json(d: Decimal) -> Json {
    serde_json::from_str::<serde_json::Number>(&d.to_string())
        .map(Json::Number)
        .unwrap_or(Json::Null)
}

/// A JSON number as a decimal.
pub fn json_decimal(v: &Json) -> Option<Decimal> {
    match v {
        Json::Number(n) => Decimal::parse(&n.to_string()),
        _ => None,
    }
}

fn compute(f: &Field, scope: &DataScope) -> Json {
    let Ok(expr) = Expr::parse(&f.expr) else {
        return Json::Null;
    };
    match expr.eval(scope) {
        Value::Num(d) => decimal_json(d.round(f.precision().unwrap_or(2))),
        _ => Json::Null,
    }
}

fn visible(f: &Field, data: &Data) -> bool {
    f.visible_when.trim().is_empty()
        || Expr::parse(&f.visible_when).is_ok_and(|e| e.is_true(&DataScope { data, row: None }))
}

fn fill_computed(form: &FormSpec, data: &mut Data, hidden: &[&str]) {
    for table in form.fields.iter().filter(|f| f.kind == Kind::Table) {
        let columns: Vec<&Field> = table
            .fields
            .iter()
            .filter(|c| c.kind == Kind::Computed)
            .collect();
        if columns.is_empty() || hidden.contains(&table.key.as_str()) {
            continue;
        }
        let Some(Json::Array(rows)) = data.get(&table.key).cloned() else {
            continue;
        };
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let Json::Object(mut row) = row else {
                out.push(row);
                continue;
            };
            for c in &columns {
                let v = compute(
                    c,
                    &DataScope {
                        data,
                        row: Some(&row),
                    },
                );
                row.insert(c.key.clone(), v);
            }
            out.push(Json::Object(row));
        }
        data.insert(table.key.clone(), Json::Array(out));
    }
    for f in form.fields.iter().filter(|f| f.kind == Kind::Computed) {
        if hidden.contains(&f.key.as_str()) {
            continue;
        }
        let v = compute(f, &DataScope { data, row: None });
        data.insert(f.key.clone(), v);
    }
}

/// The data as it is kept: values of display-only and computed fields from the client dropped,
/// computed fields filled, fields whose `visible_when` is not true removed, date-range
/// durations counted. Keys that are not fields stay (validation refuses them).
pub fn normalise(form: &FormSpec, input: &Data, env: &Env) -> Data {
    normalised(form, input, env).0
}

/// [`normalise`], with the keys of the fields its visibility rules hid.
pub fn normalised(form: &FormSpec, input: &Data, env: &Env) -> (Data, Vec<String>) {
    let mut data = input.clone();
    for f in &form.fields {
        if f.kind.is_derived() {
            data.remove(&f.key);
        }
        if f.kind == Kind::Table
            && let Some(Json::Array(rows)) = data.get_mut(&f.key)
        {
            for row in rows.iter_mut() {
                if let Json::Object(row) = row {
                    for c in f.fields.iter().filter(|c| c.kind.is_derived()) {
                        row.remove(&c.key);
                    }
                }
            }
        }
    }
    fill_computed(form, &mut data, &[]);
    let mut hidden = Vec::new();
    for f in &form.fields {
        if !visible(f, &data) {
            data.remove(&f.key);
            hidden.push(f.key.as_str());
        }
    }
    fill_computed(form, &mut data, &hidden);
    for f in form.fields.iter().filter(|f| f.kind == Kind::DateRange) {
        let Some(Json::Object(range)) = data.get_mut(&f.key) else {
            continue;
        };
        let start = range
            .get("start")
            .and_then(Json::as_str)
            .unwrap_or_default();
        let end = range.get("end").and_then(Json::as_str).unwrap_or_default();
        let days = match (
            crate::checks::day_number(start),
            crate::checks::day_number(end),
        ) {
            (Some(a), Some(b)) if b >= a => match f.duration.unwrap_or_default() {
                Duration::CalendarDays => Some((b - a + 1) as i64),
                Duration::WorkingDays => env.working_days.and_then(|w| w(start, end)),
            },
            _ => None,
        };
        match days {
            Some(d) => range.insert("days".into(), Json::from(d)),
            None => range.remove("days"),
        };
    }
    let hidden = hidden.into_iter().map(str::to_string).collect();
    (data, hidden)
}

/// The value a new form starts with: each field's `default`.
pub fn defaults(form: &FormSpec) -> Data {
    form.fields
        .iter()
        .filter_map(|f| f.default.clone().map(|v| (f.key.clone(), v)))
        .collect()
}
