//! The ARM template expression language: recognising expression strings and parsing them
//! into an AST.
//!
//! A JSON string that starts with `[` and ends with `]` is an expression, unless it starts
//! with `[[`, which escapes a literal `[`. Inside: function calls (case-insensitive names),
//! single-quoted string literals (`''` escapes a quote), integers (optionally negative),
//! `true`/`false`/`null` (bare or as calls), property access `.name` and indexing `[expr]`.

use super::error::{expr_error, TemplateError};
use super::limits::{MAX_EXPRESSION_CHARS, MAX_EXPRESSION_DEPTH};

/// Expression AST.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// String literal.
    Str(String),
    /// Integer literal.
    Int(i64),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// Function call; `name` keeps the source spelling.
    Call {
        /// Function name as written.
        name: String,
        /// Arguments.
        args: Vec<Expr>,
    },
    /// Property access `target.name`.
    Prop(Box<Expr>, String),
    /// Index `target[index]`.
    Index(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Visits this node and all descendants (pre-order).
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Call { args, .. } => args.iter().for_each(|a| a.walk(f)),
            Expr::Prop(t, _) => t.walk(f),
            Expr::Index(t, i) => {
                t.walk(f);
                i.walk(f);
            }
            _ => {}
        }
    }
}

/// What a JSON string is, from the expression language's point of view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrKind<'a> {
    /// A literal; the value is the string after unescaping a leading `[[`.
    Literal(std::borrow::Cow<'a, str>),
    /// An expression; the text between the outer brackets.
    Expression(&'a str),
}

/// Classifies a JSON string value.
pub fn classify(s: &str) -> StrKind<'_> {
    if s.len() >= 2 && s.starts_with('[') && s.ends_with(']') {
        if s.starts_with("[[") {
            StrKind::Literal(std::borrow::Cow::Owned(s[1..].to_string()))
        } else {
            StrKind::Expression(&s[1..s.len() - 1])
        }
    } else {
        StrKind::Literal(std::borrow::Cow::Borrowed(s))
    }
}

/// True if the JSON string is an expression.
pub fn is_expression(s: &str) -> bool {
    matches!(classify(s), StrKind::Expression(_))
}

/// Parses the inner text of an expression (without the outer brackets): at most
/// [`MAX_EXPRESSION_CHARS`] characters with the brackets, and a syntax tree at most [`MAX_EXPRESSION_DEPTH`]
/// deep (nested calls, property accesses and indexes), checked as it is built, before any deeper recursion.
pub fn parse(src: &str) -> Result<Expr, TemplateError> {
    let chars = src.chars().count() + 2;
    if chars > MAX_EXPRESSION_CHARS {
        let head: String = src.chars().take(64).collect();
        return Err(expr_error(format!(
            "The language expression '[{head}...' is {chars} characters long; ARM accepts at most {MAX_EXPRESSION_CHARS} characters in a template expression."
        )));
    }
    let tokens = lex(src)?;
    let mut p = P { src, tokens, pos: 0, level: 0 };
    if p.peek() == &Tok::End {
        return Err(expr_error(format!("The language expression '{src}' is not valid: the expression is empty.")));
    }
    let (e, _) = p.expr()?;
    if p.peek() != &Tok::End {
        return Err(p.unexpected("EndOfData"));
    }
    Ok(e)
}

/// Parses a whole JSON string value `[...]` as an expression; `None` if it is a literal.
pub fn parse_string(s: &str) -> Result<Option<Expr>, TemplateError> {
    match classify(s) {
        StrKind::Expression(inner) => parse(inner).map(Some),
        StrKind::Literal(_) => Ok(None),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Ident(String),
    Str(String),
    Int(i64),
    End,
}

impl Tok {
    fn name(&self) -> &'static str {
        match self {
            Tok::LParen => "LeftParenthesis",
            Tok::RParen => "RightParenthesis",
            Tok::LBracket => "LeftSquareBracket",
            Tok::RBracket => "RightSquareBracket",
            Tok::Comma => "Comma",
            Tok::Dot => "Dot",
            Tok::Ident(_) => "Identifier",
            Tok::Str(_) => "String",
            Tok::Int(_) => "Integer",
            Tok::End => "EndOfData",
        }
    }
}

fn lex(src: &str) -> Result<Vec<Tok>, TemplateError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | ')' | '[' | ']' | ',' | '.' => {
                out.push(match c {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    '[' => Tok::LBracket,
                    ']' => Tok::RBracket,
                    ',' => Tok::Comma,
                    _ => Tok::Dot,
                });
                i += 1;
            }
            '\'' => {
                let start = i;
                i += 1;
                let mut s = String::new();
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(expr_error(format!(
                                "The language expression '{src}' is not valid: the string literal starting at position '{start}' is not terminated."
                            )))
                        }
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            s.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(s));
            }
            c if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) => {
                let start = i;
                i += 1;
                while chars.get(i).is_some_and(|d| d.is_ascii_digit()) {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) {
                    return Err(expr_error(format!(
                        "The language expression '{src}' is not valid: the number at position '{start}' is not an integer; use json('{text}...') for floating point values."
                    )));
                }
                let n = text.parse::<i64>().map_err(|_| {
                    expr_error(format!(
                        "The language expression '{src}' is not valid: the integer '{text}' is out of range."
                    ))
                })?;
                out.push(Tok::Int(n));
            }
            c if c.is_alphabetic() || c == '_' || c == '$' => {
                let start = i;
                while chars.get(i).is_some_and(|d| d.is_alphanumeric() || *d == '_' || *d == '$' || *d == '-') {
                    i += 1;
                }
                out.push(Tok::Ident(chars[start..i].iter().collect()));
            }
            other => {
                return Err(expr_error(format!(
                    "The language expression '{src}' is not valid: the character '{other}' at position '{i}' is not expected."
                )))
            }
        }
    }
    out.push(Tok::End);
    Ok(out)
}

struct P<'a> {
    src: &'a str,
    tokens: Vec<Tok>,
    pos: usize,
    /// Nesting of `expr` calls being parsed.
    level: usize,
}

impl P<'_> {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn unexpected(&self, expected: &str) -> TemplateError {
        TemplateError::invalid_template(format!(
            "Unable to parse language expression '{}': expected token '{expected}' and actual '{}'.",
            self.src,
            self.peek().name()
        ))
    }

    fn expect(&mut self, tok: Tok) -> Result<(), TemplateError> {
        if *self.peek() == tok {
            self.next();
            Ok(())
        } else {
            Err(self.unexpected(tok.name()))
        }
    }

    fn too_deep(&self) -> TemplateError {
        let head: String = self.src.chars().take(64).collect();
        expr_error(format!(
            "The language expression '{head}...' is not valid: it nests function calls, property accesses and indexes deeper than {MAX_EXPRESSION_DEPTH} levels, the most this engine evaluates."
        ))
    }

    /// Checks the height of a syntax tree being built.
    fn height(&self, h: usize) -> Result<usize, TemplateError> {
        if h > MAX_EXPRESSION_DEPTH {
            Err(self.too_deep())
        } else {
            Ok(h)
        }
    }

    /// An expression and the height of its syntax tree.
    fn expr(&mut self) -> Result<(Expr, usize), TemplateError> {
        self.level += 1;
        if self.level > MAX_EXPRESSION_DEPTH {
            return Err(self.too_deep());
        }
        let r = self.expr_inner();
        self.level -= 1;
        r
    }

    fn expr_inner(&mut self) -> Result<(Expr, usize), TemplateError> {
        let (mut e, mut h) = self.primary()?;
        loop {
            match self.peek() {
                Tok::Dot => {
                    self.next();
                    match self.next() {
                        Tok::Ident(name) => {
                            h = self.height(h + 1)?;
                            e = Expr::Prop(Box::new(e), name);
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.unexpected("Identifier"));
                        }
                    }
                }
                Tok::LBracket => {
                    self.next();
                    let (idx, ih) = self.expr()?;
                    self.expect(Tok::RBracket)?;
                    h = self.height(h.max(ih) + 1)?;
                    e = Expr::Index(Box::new(e), Box::new(idx));
                }
                _ => return Ok((e, h)),
            }
        }
    }

    fn primary(&mut self) -> Result<(Expr, usize), TemplateError> {
        match self.next() {
            Tok::Str(s) => Ok((Expr::Str(s), 1)),
            Tok::Int(i) => Ok((Expr::Int(i), 1)),
            Tok::Ident(name) => {
                if self.peek() == &Tok::LParen {
                    self.next();
                    let mut args = Vec::new();
                    let mut h = 0;
                    if self.peek() == &Tok::RParen {
                        self.next();
                    } else {
                        loop {
                            let (a, ah) = self.expr()?;
                            h = h.max(ah);
                            args.push(a);
                            match self.peek() {
                                Tok::Comma => {
                                    self.next();
                                }
                                Tok::RParen => {
                                    self.next();
                                    break;
                                }
                                _ => return Err(self.unexpected("RightParenthesis")),
                            }
                        }
                    }
                    let h = self.height(h + 1)?;
                    Ok((Expr::Call { name, args }, h))
                } else {
                    match name.to_ascii_lowercase().as_str() {
                        "true" => Ok((Expr::Bool(true), 1)),
                        "false" => Ok((Expr::Bool(false), 1)),
                        "null" => Ok((Expr::Null, 1)),
                        _ => Err(self.unexpected("LeftParenthesis")),
                    }
                }
            }
            _ => {
                self.pos = self.pos.saturating_sub(1);
                Err(self.unexpected("Identifier"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: Vec<Expr>) -> Expr {
        Expr::Call { name: name.into(), args }
    }

    #[test]
    fn classify_strings() {
        assert_eq!(classify("[concat('a')]"), StrKind::Expression("concat('a')"));
        assert_eq!(classify("[[literal]"), StrKind::Literal("[literal]".into()));
        assert_eq!(classify("[test] value"), StrKind::Literal("[test] value".into()));
        assert_eq!(classify("plain"), StrKind::Literal("plain".into()));
        assert!(!is_expression("["));
    }

    #[test]
    fn parses_calls_props_indexes() {
        let e = parse("split(reference('x').a.b, 'blob.')[1]").unwrap();
        assert_eq!(
            e,
            Expr::Index(
                Box::new(call(
                    "split",
                    vec![
                        Expr::Prop(
                            Box::new(Expr::Prop(Box::new(call("reference", vec![Expr::Str("x".into())])), "a".into())),
                            "b".into()
                        ),
                        Expr::Str("blob.".into())
                    ]
                )),
                Box::new(Expr::Int(1))
            )
        );
    }

    #[test]
    fn literals_and_escapes() {
        assert_eq!(
            parse("concat('it''s', -5, true, null)").unwrap(),
            call("concat", vec![Expr::Str("it's".into()), Expr::Int(-5), Expr::Bool(true), Expr::Null])
        );
        assert_eq!(parse("true()").unwrap(), call("true", vec![]));
    }

    #[test]
    fn length_and_depth_limits() {
        let nest = |n: usize| format!("{}'a'{}", "concat(".repeat(n), ")".repeat(n));
        assert!(parse(&nest(MAX_EXPRESSION_DEPTH - 1)).is_ok());
        for n in [MAX_EXPRESSION_DEPTH + 1, 3_000] {
            let e = parse(&nest(n)).unwrap_err();
            assert!(e.message.contains("deeper than 64 levels"), "{}", e.message);
        }
        let chain = |n: usize| format!("parameters('p'){}", ".a".repeat(n));
        assert!(parse(&chain(MAX_EXPRESSION_DEPTH - 2)).is_ok());
        assert!(parse(&chain(MAX_EXPRESSION_DEPTH - 1)).unwrap_err().message.contains("deeper than 64"));
        assert!(parse(&chain(10_000)).unwrap_err().message.contains("deeper than 64"));
        assert!(parse(&format!("x(){}", "[0]".repeat(5_000))).unwrap_err().message.contains("deeper than 64"));
        assert!(parse(&format!("x(){}1{}", "[".repeat(5_000), "]".repeat(5_000))).is_err());
        // Deeper still: the length limit answers first.
        assert!(parse(&nest(5_000)).unwrap_err().message.contains("40005 characters long"));
        let long = format!("concat('{}')", "x".repeat(MAX_EXPRESSION_CHARS - 12));
        assert_eq!(long.chars().count() + 2, MAX_EXPRESSION_CHARS);
        assert!(parse(&long).is_ok());
        let e = parse(&format!("concat('{}')", "x".repeat(MAX_EXPRESSION_CHARS - 11))).unwrap_err();
        assert!(e.message.contains("24577 characters long") && e.message.contains("at most 24576"), "{}", e.message);
    }

    #[test]
    fn malformed() {
        let e = parse("concat('a', 'b'").unwrap_err();
        assert!(e.message.contains("expected token 'RightParenthesis' and actual 'EndOfData'"), "{}", e.message);
        assert!(parse("concat('a)").unwrap_err().message.contains("not terminated"));
        assert!(parse("concat('a'))").is_err());
        assert!(parse("foo").is_err());
        assert!(parse("").is_err());
        assert!(parse("a.()").is_err());
        assert!(parse("x(1.5)").is_err());
        assert!(parse("x(#)").is_err());
        assert!(parse("x(1 2)").is_err());
    }
}
