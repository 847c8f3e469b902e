//! Lenient JSON reader for deployment request bodies, template files and parameter files.
//!
//! ARM (like Json.NET, which it uses) accepts more than strict JSON. This reader accepts:
//! a UTF-8 byte-order mark, `//` and `/* */` comments outside strings, trailing commas in
//! objects and arrays, and unquoted identifier object keys (`{template: {...}}`).
//! Object key order is preserved. Errors carry a 1-based line and column and the JSON path,
//! worded like Json.NET's messages that ARM embeds in `InvalidRequestContent`/`InvalidTemplate`.

use serde_json::{Map, Number, Value};

use super::error::TemplateError;

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

/// Parses lenient JSON text into a `serde_json::Value`.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser { chars: text.chars().collect(), pos: 0, path: Vec::new() };
    p.skip_ws()?;
    if p.peek().is_none() {
        return Err(p.err("Unexpected end of content while loading JObject."));
    }
    let v = p.value()?;
    p.skip_ws()?;
    if let Some(c) = p.peek() {
        return Err(p.err(&format!("Additional text encountered after finished reading JSON content: {c}.")));
    }
    Ok(v)
}

/// Parses a request body, mapping errors to `InvalidRequestContent`.
pub fn parse_request(text: &str) -> Result<Value, TemplateError> {
    parse(text).map_err(|e| e.to_request_error())
}

/// Parses a template or parameters file, mapping errors to `InvalidTemplate`.
pub fn parse_template(text: &str) -> Result<Value, TemplateError> {
    parse(text).map_err(|e| e.to_template_error())
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    path: Vec<String>,
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
        let mut path = String::new();
        for seg in &self.path {
            if !path.is_empty() && !seg.starts_with('[') {
                path.push('.');
            }
            path.push_str(seg);
        }
        ParseError { message: msg.to_string(), line, column, path }
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

    fn value(&mut self) -> Result<Value, ParseError> {
        match self.peek() {
            None => Err(self.err("Unexpected end when reading JSON.")),
            Some('{') => self.object(),
            Some('[') => self.array(),
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

    fn object(&mut self) -> Result<Value, ParseError> {
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
            let v = self.value()?;
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

    fn array(&mut self) -> Result<Value, ParseError> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        loop {
            self.skip_ws()?;
            if self.peek() == Some(']') {
                self.pos += 1;
                return Ok(Value::Array(items));
            }
            self.path.push(format!("[{}]", items.len()));
            let v = self.value()?;
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
    fn big_numbers() {
        assert_eq!(parse("18446744073709551615").unwrap(), json!(18446744073709551615u64));
        assert_eq!(parse("1e3").unwrap(), json!(1000.0));
    }
}
