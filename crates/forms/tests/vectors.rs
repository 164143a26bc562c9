//! The shared vectors (also run by the browser's tests, web/src/forms/vectors.test.ts).

use serde_json::{Value as Json, json};
use xietong_engine::expr::{Decimal, Expr, Value};
use xietong_forms::data::DataScope;
use xietong_forms::{Env, FormSpec, Options, normalise, prepare, uppercase};

fn load(name: &str) -> Vec<Json> {
    let path = format!("{}/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn tagged(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Num(d) => json!({ "num": d.to_string() }),
        Value::Str(s) => json!({ "str": s }),
        Value::Date(d) => {
            let (y, m, day) = civil(*d);
            json!({ "date": format!("{y:04}-{m:02}-{day:02}") })
        }
        Value::List(items) => json!({ "list": items.iter().map(tagged).collect::<Vec<_>>() }),
    }
}

fn civil(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i32::from(m <= 2), m, d)
}

#[test]
fn expressions_match_the_vectors() {
    for case in load("expr.json") {
        let src = case["expr"].as_str().unwrap();
        let parsed = Expr::parse(src);
        if case.get("error").is_some() {
            assert!(parsed.is_err(), "{src} should not parse");
            continue;
        }
        let data = case["data"].as_object().unwrap();
        let got = parsed
            .unwrap_or_else(|e| panic!("{src}: {e}"))
            .eval(&DataScope { data, row: None });
        assert_eq!(tagged(&got), case["result"], "{src}");
    }
}

#[test]
fn uppercase_amounts_match_the_vectors() {
    for case in load("amount.json") {
        let amount = Decimal::parse(case[0].as_str().unwrap()).unwrap();
        assert_eq!(
            uppercase(amount).map_or(Json::Null, Json::from),
            case[1],
            "{}",
            case[0]
        );
    }
}

#[test]
fn validation_matches_the_vectors() {
    for case in load("validate.json") {
        let name = case["name"].as_str().unwrap();
        let form: FormSpec = serde_json::from_value(case["form"].clone()).unwrap();
        assert!(
            xietong_forms::check_form(&form).is_empty() || name.contains("in order"),
            "{name}: {:?}",
            xietong_forms::check_form(&form)
        );
        let data = case["data"].as_object().unwrap();
        let opts = Options {
            partial: case["partial"].as_bool().unwrap_or(false),
        };
        let got = match prepare(&form, data, &Env::on(case["today"].as_str().unwrap()), opts) {
            Ok(_) => vec![],
            Err(issues) => issues
                .into_iter()
                .map(|i| json!({"field": i.field, "code": i.code, "zh": i.zh, "en": i.en}))
                .collect(),
        };
        assert_eq!(Json::from(got), case["errors"], "{name}");
    }
}

#[test]
fn normalisation_matches_the_vectors() {
    for case in load("normalise.json") {
        let name = case["name"].as_str().unwrap();
        let form: FormSpec = serde_json::from_value(case["form"].clone()).unwrap();
        assert!(
            xietong_forms::check_form(&form).is_empty(),
            "{name}: {:?}",
            xietong_forms::check_form(&form)
        );
        let out = normalise(
            &form,
            case["data"].as_object().unwrap(),
            &Env::on("2026-12-06"),
        );
        assert_eq!(Json::Object(out), case["out"], "{name}");
    }
}
