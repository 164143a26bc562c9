//! The condition language: a small, safe expression language over form fields and initiator
//! facts. No loops, no calls except `date("…")` and a few number functions (`sum`, `count`, `min`,
//! `max`, `round`, `abs`), bounded size and depth, never panics.
//! The grammar is documented in `docs/engine.md`.

mod decimal;
mod eval;
mod parser;

pub use decimal::Decimal;
pub use eval::{Scope, Value, date_from_text};

use std::fmt;

/// A parsed condition, ready to evaluate many times.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A literal value.
    Lit(Value),
    /// A field path such as `amount`, `form.amount` or `initiator.department`.
    Field(Vec<String>),
    /// A list literal `[a, b]`.
    List(Vec<Expr>),
    /// Logical negation.
    Not(Box<Expr>),
    /// Arithmetic negation.
    Neg(Box<Expr>),
    /// A binary operation.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// A call of one of the built-in functions.
    Call(Func, Vec<Expr>),
}

/// The built-in functions (for computed form fields; conditions may use them too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// `sum(list)` or `sum(a, b, …)`: numbers added, nulls skipped; `0` when there are none.
    Sum,
    /// `count(list)`: how many non-null items.
    Count,
    /// `min(a, b, …)` / `min(list)`: the smallest number; null when there are none.
    Min,
    /// `max(a, b, …)` / `max(list)`: the largest number.
    Max,
    /// `round(x, digits)`: half away from zero, `digits` 0..=6 (default 0).
    Round,
    /// `abs(x)`.
    Abs,
}

impl Func {
    /// The function called `name`, if it exists.
    pub fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "sum" => Func::Sum,
            "count" => Func::Count,
            "min" => Func::Min,
            "max" => Func::Max,
            "round" => Func::Round,
            "abs" => Func::Abs,
            _ => return None,
        })
    }
}

/// Binary operators, loosest binding first in `docs/engine.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `||`, `or`
    Or,
    /// `&&`, `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// Why an expression could not be parsed, with the byte offset where it went wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at {offset}: {message}")]
pub struct ParseError {
    /// Byte offset into the source.
    pub offset: usize,
    /// What was wrong.
    pub message: String,
}

/// Longest source text accepted; conditions are short, and this bounds work on hostile input.
pub const MAX_SOURCE_LEN: usize = 4096;
/// Deepest nesting accepted, so parsing and evaluation never exhaust the stack.
pub const MAX_DEPTH: usize = 48;

impl Expr {
    /// Parses a condition. Wrappers written by other BPMN tools (`${…}`, `#{…}`) are removed.
    pub fn parse(source: &str) -> Result<Expr, ParseError> {
        parser::parse(strip_wrapper(source))
    }

    /// Evaluates to a value; missing fields are `null`, type mismatches compare false.
    pub fn eval(&self, scope: &dyn Scope) -> Value {
        eval::eval(self, scope)
    }

    /// Evaluates as a condition: only `true` is true.
    pub fn is_true(&self, scope: &dyn Scope) -> bool {
        matches!(self.eval(scope), Value::Bool(true))
    }

    /// Every field path the expression reads.
    pub fn fields(&self) -> Vec<&[String]> {
        let mut out = Vec::new();
        self.collect_fields(&mut out);
        out
    }

    fn collect_fields<'a>(&'a self, out: &mut Vec<&'a [String]>) {
        match self {
            Expr::Lit(_) => {}
            Expr::Field(path) => out.push(path),
            Expr::List(items) => items.iter().for_each(|e| e.collect_fields(out)),
            Expr::Not(e) | Expr::Neg(e) => e.collect_fields(out),
            Expr::Binary(_, a, b) => {
                a.collect_fields(out);
                b.collect_fields(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|e| e.collect_fields(out)),
        }
    }
}

fn strip_wrapper(source: &str) -> &str {
    let s = source.trim();
    for open in ["${", "#{"] {
        if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix('}')) {
            return inner;
        }
    }
    s
}

impl fmt::Display for BinaryOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        })
    }
}

#[cfg(test)]
mod tests;
