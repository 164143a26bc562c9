//! Any text fed to the condition parser gives an expression or a located error, never a panic;
//! evaluating what parses never panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xietong_engine::expr::{Expr, Scope, Value};

struct Empty;

impl Scope for Empty {
    fn lookup(&self, _: &[String]) -> Value {
        Value::Null
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Expr::parse(text) {
        Ok(expr) => {
            let _ = expr.is_true(&Empty);
        }
        Err(e) => assert!(e.offset <= text.len().max(xietong_engine::expr::MAX_SOURCE_LEN)),
    }
});
