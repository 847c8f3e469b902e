//! Lenient JSON reader for deployment request bodies, template files and parameter files.
//!
//! ARM (like Json.NET, which it uses) accepts more than strict JSON. This reader accepts:
//! a UTF-8 byte-order mark, `//` and `/* */` comments outside strings, trailing commas in
//! objects and arrays, and unquoted identifier object keys (`{template: {...}}`).
//! Object key order is preserved. Errors carry a 1-based line and column and the JSON path,
//! worded like Json.NET's messages that ARM embeds in `InvalidRequestContent`/`InvalidTemplate`.
//!
//! The reader never recurses deeper than its depth limit and refuses texts over its size limit (see
//! [`super::limits`]): templates and parameters files 64 levels and 4 MB, request bodies 72 levels and 9 MB.

use serde_json::{Map, Number, Value};

use super::error::TemplateError;
use super::limits::{self, MAX_ENVELOPE_DEPTH, MAX_JSON_DEPTH, MAX_REQUEST_BYTES, MAX_TEMPLATE_BYTES};

/// A syntax error with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Json.NET-style description (without position).
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (character position within the line).
    pub column: usize,
    /// Dotted JSON path of the value being read, e.g. `properties.template`.
    pub path: String,
    /// The text is well-formed as far as it was read but over a limit (depth or size), rather than a syntax
    /// error: callers report it as an unacceptable argument, not as unparseable JSON.
    pub over_limit: bool,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} Path '{}', line {}, position {}.", self.message, self.path, self.line, self.column)
    }
}

impl std::error::Error for ParseError {}

impl ParseError {
    /// As ARM's `InvalidRequestContent` error for a request body.
    pub fn to_request_error(&self) -> TemplateError {
        TemplateError::new(
            "InvalidRequestContent",
            format!("The request content was invalid and could not be deserialized: '{self}'"),
        )
    }

    /// As ARM's `InvalidTemplate` error for a template file.
    pub fn to_template_error(&self) -> TemplateError {
        TemplateError::invalid_template(format!("Deployment template parse failed: '{self}'"))
    }
}

/// Parses lenient JSON text into a `serde_json::Value`, at most [`MAX_JSON_DEPTH`] levels deep and
/// [`MAX_REQUEST_BYTES`] long.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    parse_limited(text, MAX_JSON_DEPTH, MAX_REQUEST_BYTES, "document")
}

/// Parses lenient JSON text at most `max_depth` levels of arrays and objects deep and `max_bytes` long
/// (`what` names the document in the size error).
pub fn parse_limited(text: &str, max_depth: usize, max_bytes: usize, what: &str) -> Result<Value, ParseError> {
    if text.len() > max_bytes {
        return Err(ParseError {
            message: format!(
                "The {what} is {} bytes long; at most {} are accepted (ARM's limit).",
                text.len(),
                limits::mb(max_bytes)
            ),
            line: 1,
            column: 1,
            path: String::new(),
            over_limit: true,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser { chars: text.chars().collect(), pos: 0, path: Vec::new(), max_depth };
    p.skip_ws()?;
    if p.peek().is_none() {
        return Err(p.err("Unexpected end of content while loading JObject."));
    }
    let v = p.value(0)?;
    p.skip_ws()?;
    if let Some(c) = p.peek() {
        return Err(p.err(&format!("Additional text encountered after finished reading JSON content: {c}.")));
    }
    Ok(v)
}

/// Parses a request body (a template and parameters in an envelope: [`MAX_JSON_DEPTH`] +
/// [`MAX_ENVELOPE_DEPTH`] levels, [`MAX_REQUEST_BYTES`]), mapping errors to `InvalidRequestContent`.
pub fn parse_request(text: &str) -> Result<Value, TemplateError> {
    parse_request_text(text).map_err(|e| e.to_request_error())
}

/// [`parse_request`] with the reader's own error.
pub fn parse_request_text(text: &str) -> Result<Value, ParseError> {
    parse_limited(text, MAX_JSON_DEPTH + MAX_ENVELOPE_DEPTH, MAX_REQUEST_BYTES, "request body")
}

/// Parses a template or parameters file ([`MAX_JSON_DEPTH`] levels, [`MAX_TEMPLATE_BYTES`]), mapping errors
/// to `InvalidTemplate`.
pub fn parse_template(text: &str) -> Result<Value, TemplateError> {
    parse_template_text(text).map_err(|e| e.to_template_error())
}

/// [`parse_template`] with the reader's own error.
pub fn parse_template_text(text: &str) -> Result<Value, ParseError> {
    parse_limited(text, MAX_JSON_DEPTH, MAX_TEMPLATE_BYTES, "template or parameters file")
}

/// Checks, without building anything and without recursion, that JSON text nests arrays and objects at most
/// `max_depth` deep (strings are skipped, so brackets inside them do not count). Syntax is not checked: a
/// JSON parser that recurses can then read the text safely.
pub fn check_nesting(text: &str, max_depth: usize) -> Result<(), ParseError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let (mut line, mut column) = (1usize, 0usize);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            column = 0;
        } else {
            column += 1;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                depth += 1;
                if depth > max_depth {
                    return Err(ParseError {
                        message: limits::depth_message(max_depth),
                        line,
                        column,
                        path: String::new(),
                        over_limit: true,
                    });
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    path: Vec<String>,
    max_depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn position(&self) -> (usize, usize) {
        let mut line = 1;
        let mut col = 0;
        for &c in &self.chars[..self.pos.min(self.chars.len())] {
            if c == '\n' {
                line += 1;
                col = 0;
            } else {
                col += 1;
            }
        }
        (line, col + 1)
    }

    fn err(&self, msg: &str) -> ParseError {
        let (line, column) = self.position();
        let path = limits::path_of(self.path.iter().map(String::as_str));
        ParseError { message: msg.to_string(), line, column, path, over_limit: false }
    }

    /// Entering one more array or object: refused past the depth limit (before any recursion).
    fn enter(&self, depth: usize) -> Result<(), ParseError> {
        if depth > self.max_depth {
            return Err(ParseError { over_limit: true, ..self.err(&limits::depth_message(self.max_depth)) });
        }
        Ok(())
    }

    fn skip_ws(&mut self) -> Result<(), ParseError> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() || c == '\u{feff}' => self.pos += 1,
                Some('/') => match self.chars.get(self.pos + 1) {
                    Some('/') => {
                        while let Some(c) = self.peek() {
                            if c == '\n' {
                                break;
                            }
                            self.pos += 1;
                        }
                    }
                    Some('*') => {
                        let start = self.pos;
                        self.pos += 2;
                        loop {
                            match self.peek() {
                                None => {
                                    self.pos = start;
                                    return Err(self.err("Unexpected end while parsing comment."));
                                }
                                Some('*') if self.chars.get(self.pos + 1) == Some(&'/') => {
                                    self.pos += 2;
                                    break;
                                }
                                _ => self.pos += 1,
                            }
                        }
                    }
                    _ => return Err(self.err("Unexpected character encountered while parsing value: /.")),
                },
                _ => return Ok(()),
            }
        }
    }

    /// A value inside `depth` arrays and objects.
    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        match self.peek() {
            None => Err(self.err("Unexpected end when reading JSON.")),
            Some('{') => {
                self.enter(depth + 1)?;
                self.object(depth + 1)
            }
            Some('[') => {
                self.enter(depth + 1)?;
                self.array(depth + 1)
            }
            Some('"') => Ok(Value::String(self.string()?)),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some(c) if c.is_alphabetic() => {
                let word = self.ident();
                match word.as_str() {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    "null" => Ok(Value::Null),
                    _ => Err(self.err(&format!(
                        "Unexpected character encountered while parsing value: {}.",
                        word.chars().next().unwrap_or(c)
                    ))),
                }
            }
            Some(c) => Err(self.err(&format!("Unexpected character encountered while parsing value: {c}."))),
        }
    }

    fn ident(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' || c == '$' || c == '-' {
                s.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        s
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.pos += 1; // '{'
        let mut map = Map::new();
        loop {
            self.skip_ws()?;
            let key = match self.peek() {
                Some('}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                Some('"') => self.string()?,
                Some(c) if c.is_alphabetic() || c == '_' || c == '$' => self.ident(),
                None => return Err(self.err("Unexpected end when deserializing object.")),
                Some(c) => return Err(self.err(&format!("Invalid property identifier character: {c}."))),
            };
            self.skip_ws()?;
            if self.peek() != Some(':') {
                return Err(self.err(&format!(
                    "Invalid character after parsing property name. Expected ':' but got: {}.",
                    self.peek().map(String::from).unwrap_or_else(|| "end of content".into())
                )));
            }
            self.pos += 1;
            self.skip_ws()?;
            self.path.push(key.clone());
            let v = self.value(depth)?;
            self.path.pop();
            map.insert(key, v);
            self.skip_ws()?;
            match self.peek() {
                Some(',') => self.pos += 1,
                Some('}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                None => return Err(self.err("Unexpected end when deserializing object.")),
                Some(c) => {
                    return Err(
                        self.err(&format!("After parsing a value an unexpected character was encountered: {c}."))
                    )
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        loop {
            self.skip_ws()?;
            if self.peek() == Some(']') {
                self.pos += 1;
                return Ok(Value::Array(items));
            }
            self.path.push(format!("[{}]", items.len()));
            let v = self.value(depth)?;
            self.path.pop();
            items.push(v);
            self.skip_ws()?;
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                None => return Err(self.err("Unexpected end when deserializing array.")),
                Some(c) => {
                    return Err(
                        self.err(&format!("After parsing a value an unexpected character was encountered: {c}."))
                    )
                }
            }
        }
    }

    fn string(&mut self) -> Result<String, ParseError> {
        let start = self.pos;
        self.pos += 1; // opening quote
        let mut s = String::new();
        loop {
            let Some(c) = self.peek() else {
                self.pos = start;
                return Err(self.err("Unterminated string. Expected delimiter: \"."));
            };
            self.pos += 1;
            match c {
                '"' => return Ok(s),
                '\\' => {
                    let Some(e) = self.peek() else { continue };
                    self.pos += 1;
                    match e {
                        '"' => s.push('"'),
                        '\\' => s.push('\\'),
                        '/' => s.push('/'),
                        'b' => s.push('\u{8}'),
                        'f' => s.push('\u{c}'),
                        'n' => s.push('\n'),
                        'r' => s.push('\r'),
                        't' => s.push('\t'),
                        'u' => {
                            let hi = self.hex4()?;
                            let ch = if (0xD800..0xDC00).contains(&hi)
                                && self.peek() == Some('\\')
                                && self.chars.get(self.pos + 1) == Some(&'u')
                            {
                                self.pos += 2;
                                let lo = self.hex4()?;
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3ff))
                            } else {
                                char::from_u32(hi)
                            };
                            s.push(ch.unwrap_or('\u{fffd}'));
                        }
                        other => {
                            self.pos -= 1;
                            return Err(self.err(&format!("Bad JSON escape sequence: \\{other}.")));
                        }
                    }
                }
                _ => s.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits: String = self.chars.iter().skip(self.pos).take(4).collect();
        match u32::from_str_radix(&digits, 16) {
            Ok(v) if digits.len() == 4 => {
                self.pos += 4;
                Ok(v)
            }
            _ => Err(self.err("Invalid Unicode escape sequence.")),
        }
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E') {
                self.pos += 1;
            } else {
                break;
            }
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        if let Ok(u) = text.parse::<u64>() {
            return Ok(Value::Number(u.into()));
        }
        match text.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Ok(Value::Number(n)),
            None => {
                self.pos = start;
                Err(self.err(&format!("Input string '{text}' is not a valid number.")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strict_json() {
        assert_eq!(
            parse(r#"{"a": [1, -2, 3.5, "x\n\u00e9"], "b": null}"#).unwrap(),
            json!({"a": [1, -2, 3.5, "x\né"], "b": null})
        );
    }

    #[test]
    fn lenient_features() {
        let text = "\u{feff}{ // comment\n properties: { /* block */ \"mode\": \"Incremental\", template: {\"a\": [1,2,],},},}";
        let v = parse(text).unwrap();
        assert_eq!(v, json!({"properties": {"mode": "Incremental", "template": {"a": [1, 2]}}}));
    }

    #[test]
    fn comment_markers_inside_strings_are_kept() {
        let v = parse(r#"{"u": "http://x/*y*/"}"#).unwrap();
        assert_eq!(v["u"], "http://x/*y*/");
    }

    #[test]
    fn key_order_preserved() {
        let v = parse(r#"{"z":1,"a":2,"m":3}"#).unwrap();
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["z", "a", "m"]);
    }

    #[test]
    fn error_has_line_and_column() {
        let e = parse("{\n  \"a\": 1,\n  \"b\": }\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 8));
        assert_eq!(e.path, "b");
        assert!(e.to_string().contains("line 3, position 8"), "{e}");
        let te = e.to_request_error();
        assert_eq!(te.code, "InvalidRequestContent");
    }

    #[test]
    fn unterminated_things() {
        assert!(parse("{\"a\": \"abc").unwrap_err().message.contains("Unterminated string"));
        assert!(parse("{\"a\": 1").is_err());
        assert!(parse("[1 2]").is_err());
        assert!(parse("/* x").is_err());
        assert!(parse("").is_err());
        assert!(parse("{} x").is_err());
        assert_eq!(parse_template("{").unwrap_err().code, "InvalidTemplate");
    }

    #[test]
    fn depth_and_size_limits() {
        let ok = format!("{}1{}", "[".repeat(MAX_JSON_DEPTH), "]".repeat(MAX_JSON_DEPTH));
        assert!(parse_template_text(&ok).is_ok());
        for depth in [MAX_JSON_DEPTH + 1, 100_000] {
            let text = format!("{{\"a\": {}1{}}}", "[".repeat(depth), "]".repeat(depth));
            let e = parse_template_text(&text).unwrap_err();
            assert!(e.over_limit && e.message.contains("MaxDepth of 64"), "{e}");
            assert!(e.path.starts_with("a[0][0]"), "{e}");
            assert_eq!(parse_template(&text).unwrap_err().code, "InvalidTemplate");
            // Unterminated: refused by depth all the same, before the end is reached.
            assert!(parse_template_text(&"{\"a\":".repeat(depth)).unwrap_err().over_limit);
        }
        // A request body may wrap a template of the full depth.
        let body = format!("{{\"properties\": {{\"template\": {ok}}}}}");
        assert!(parse_request(&body).is_ok());
        assert!(parse_template(&body).is_err());
        let big = format!("\"{}\"", "x".repeat(MAX_TEMPLATE_BYTES));
        let e = parse_template_text(&big).unwrap_err();
        assert!(e.over_limit && e.message.contains("4 MB (4194304 bytes)"), "{e}");
        assert!(parse_request(&big).is_ok());
    }

    #[test]
    fn nesting_scan() {
        assert!(check_nesting(r#"{"a": "[[[[[[", "b": [[1]]}"#, 3).is_ok());
        assert!(check_nesting(r#"{"a": "\"[[[[", "b": [[1]]}"#, 3).is_ok());
        let e = check_nesting(r#"{"b": [[[1]]]}"#, 3).unwrap_err();
        assert!(e.over_limit && e.column == 9, "{e}");
        assert!(check_nesting(&"[".repeat(1_000_000), 72).is_err());
    }

    #[test]
    fn big_numbers() {
        assert_eq!(parse("18446744073709551615").unwrap(), json!(18446744073709551615u64));
        assert_eq!(parse("1e3").unwrap(), json!(1000.0));
    }
}
