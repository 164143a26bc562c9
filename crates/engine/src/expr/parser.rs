//! Lexer and recursive-descent parser for the condition language.

use super::{BinaryOp, Decimal, Expr, Func, MAX_DEPTH, MAX_SOURCE_LEN, ParseError, Value};

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(Decimal),
    Str(String),
    Ident(String),
    Sym(&'static str),
}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        offset,
        message: message.into(),
    })
}

fn lex(src: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    const SYMBOLS: [&str; 18] = [
        "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", ",", ".", "+", "-",
        "*",
    ];
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    'outer: while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_digit() || bytes[i] == b'.' || bytes[i] == b'_')
            {
                i += 1;
            }
            let text = &src[start..i];
            return match Decimal::parse(text) {
                Some(d) => {
                    out.push((start, Tok::Num(d)));
                    continue 'outer;
                }
                None => err(start, format!("malformed number `{text}`")),
            };
        }
        if c == b'"' || c == b'\'' {
            let quote = c as char;
            let start = i;
            let mut text = String::new();
            let mut chars = src[i + 1..].char_indices();
            let mut closed_at = None;
            while let Some((j, ch)) = chars.next() {
                if ch == quote {
                    closed_at = Some(i + 1 + j + 1);
                    break;
                }
                if ch != '\\' {
                    text.push(ch);
                    continue;
                }
                match chars.next() {
                    Some((_, 'n')) => text.push('\n'),
                    Some((_, 't')) => text.push('\t'),
                    Some((_, e @ ('\\' | '"' | '\''))) => text.push(e),
                    _ => return err(i + 1 + j, "unknown escape in string"),
                }
            }
            match closed_at {
                Some(next) => i = next,
                None => return err(start, "unterminated string"),
            }
            out.push((start, Tok::Str(text)));
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let start = i;
            let rest = &src[i..];
            let len = rest
                .char_indices()
                .find(|&(_, ch)| !(ch.is_alphanumeric() || ch == '_'))
                .map_or(rest.len(), |(j, _)| j);
            if len == 0 {
                // punctuation outside ASCII (「 （ a full-width space): never a name
                let ch = rest.chars().next().unwrap_or('?');
                return err(i, format!("unexpected character `{ch}`"));
            }
            i += len;
            out.push((start, Tok::Ident(src[start..i].to_string())));
            continue;
        }
        if c == b'/' {
            out.push((i, Tok::Sym("/")));
            i += 1;
            continue;
        }
        for sym in SYMBOLS {
            if src[i..].starts_with(sym) {
                out.push((i, Tok::Sym(sym)));
                i += sym.len();
                continue 'outer;
            }
        }
        let ch = src[i..].chars().next().unwrap_or('?');
        return err(i, format!("unexpected character `{ch}`"));
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    end: usize,
    depth: usize,
}

/// Parses a whole expression; trailing input is an error.
pub(super) fn parse(src: &str) -> Result<Expr, ParseError> {
    if src.len() > MAX_SOURCE_LEN {
        return err(
            MAX_SOURCE_LEN,
            format!("expression longer than {MAX_SOURCE_LEN} bytes"),
        );
    }
    let toks = lex(src)?;
    if toks.is_empty() {
        return err(0, "empty expression");
    }
    let mut p = Parser {
        toks,
        pos: 0,
        end: src.len(),
        depth: 0,
    };
    let e = p.or()?;
    if p.pos < p.toks.len() {
        return err(p.offset(), "unexpected input after the expression");
    }
    Ok(e)
}

impl Parser {
    fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |t| t.0)
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.1)
    }

    fn peek_is(&self, sym: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym)
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(w)) if w == word)
    }

    fn expect(&mut self, sym: &str) -> Result<(), ParseError> {
        if self.peek_is(sym) {
            self.pos += 1;
            Ok(())
        } else {
            err(self.offset(), format!("expected `{sym}`"))
        }
    }

    fn deeper(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(
                self.offset(),
                format!("expression nested deeper than {MAX_DEPTH}"),
            );
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        self.deeper()?;
        let mut left = self.and()?;
        while self.peek_is("||") || self.peek_word("or") {
            self.pos += 1;
            let right = self.and()?;
            left = Expr::Binary(BinaryOp::Or, Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.not()?;
        while self.peek_is("&&") || self.peek_word("and") {
            self.pos += 1;
            let right = self.not()?;
            left = Expr::Binary(BinaryOp::And, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.peek_is("!") || self.peek_word("not") {
            self.pos += 1;
            self.deeper()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let left = self.sum()?;
        let op = match self.peek() {
            Some(Tok::Sym("==")) => BinaryOp::Eq,
            Some(Tok::Sym("!=")) => BinaryOp::Ne,
            Some(Tok::Sym("<")) => BinaryOp::Lt,
            Some(Tok::Sym("<=")) => BinaryOp::Le,
            Some(Tok::Sym(">")) => BinaryOp::Gt,
            Some(Tok::Sym(">=")) => BinaryOp::Ge,
            Some(Tok::Ident(w)) if w == "in" => BinaryOp::In,
            Some(Tok::Ident(w)) if w == "not" => {
                if !matches!(self.toks.get(self.pos + 1), Some((_, Tok::Ident(w))) if w == "in") {
                    return err(self.offset(), "expected `in` after `not`");
                }
                self.pos += 1;
                BinaryOp::NotIn
            }
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = self.sum()?;
        Ok(Expr::Binary(op, Box::new(left), Box::new(right)))
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.product()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Sym("+")) => BinaryOp::Add,
                Some(Tok::Sym("-")) => BinaryOp::Sub,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.product()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn product(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Sym("*")) => BinaryOp::Mul,
                Some(Tok::Sym("/")) => BinaryOp::Div,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek_is("-") {
            self.pos += 1;
            self.deeper()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(match inner {
                Expr::Lit(Value::Num(d)) => {
                    Expr::Lit(Value::Num(Decimal::ZERO.checked_sub(d).unwrap_or(d)))
                }
                other => Expr::Neg(Box::new(other)),
            });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let offset = self.offset();
        let Some(tok) = self.peek().cloned() else {
            return err(offset, "expected a value");
        };
        self.pos += 1;
        match tok {
            Tok::Num(d) => Ok(Expr::Lit(Value::Num(d))),
            Tok::Str(s) => Ok(Expr::Lit(Value::Str(s))),
            Tok::Sym("(") => {
                let e = self.or()?;
                self.expect(")")?;
                Ok(e)
            }
            Tok::Sym("[") => {
                self.deeper()?;
                let mut items = Vec::new();
                if !self.peek_is("]") {
                    loop {
                        items.push(self.or()?);
                        if self.peek_is(",") {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                self.expect("]")?;
                self.depth -= 1;
                Ok(Expr::List(items))
            }
            Tok::Ident(word) => match word.as_str() {
                "true" | "True" => Ok(Expr::Lit(Value::Bool(true))),
                "false" | "False" => Ok(Expr::Lit(Value::Bool(false))),
                "null" | "None" => Ok(Expr::Lit(Value::Null)),
                "date" if self.peek_is("(") => {
                    self.pos += 1;
                    let at = self.offset();
                    let Some(Tok::Str(text)) = self.peek().cloned() else {
                        return err(at, "date(…) takes a quoted YYYY-MM-DD");
                    };
                    self.pos += 1;
                    self.expect(")")?;
                    match super::date_from_text(&text) {
                        Some(days) => Ok(Expr::Lit(Value::Date(days))),
                        None => err(at, format!("`{text}` is not a date YYYY-MM-DD")),
                    }
                }
                "and" | "or" | "not" | "in" => err(offset, format!("unexpected `{word}`")),
                name if self.peek_is("(") => {
                    let Some(func) = Func::from_name(name) else {
                        return err(offset, format!("unknown function `{name}`"));
                    };
                    self.pos += 1;
                    self.deeper()?;
                    let mut args = Vec::new();
                    if !self.peek_is(")") {
                        loop {
                            args.push(self.or()?);
                            if self.peek_is(",") {
                                self.pos += 1;
                            } else {
                                break;
                            }
                        }
                    }
                    self.expect(")")?;
                    self.depth -= 1;
                    let arity_ok = match func {
                        Func::Sum | Func::Min | Func::Max => !args.is_empty(),
                        Func::Count | Func::Abs => args.len() == 1,
                        Func::Round => (1..=2).contains(&args.len()),
                    };
                    if !arity_ok {
                        return err(offset, format!("wrong number of arguments to `{name}`"));
                    }
                    Ok(Expr::Call(func, args))
                }
                _ => {
                    let mut path = vec![word];
                    while self.peek_is(".") {
                        self.pos += 1;
                        match self.peek().cloned() {
                            Some(Tok::Ident(seg)) => {
                                self.pos += 1;
                                path.push(seg);
                            }
                            _ => return err(self.offset(), "expected a field name after `.`"),
                        }
                    }
                    if path.len() > 1 && path[0] == "form" {
                        path.remove(0);
                    }
                    Ok(Expr::Field(path))
                }
            },
            Tok::Sym(s) => err(offset, format!("unexpected `{s}`")),
        }
    }
}
