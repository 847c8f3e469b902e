//! String template functions: concat, format, base64/dataUri/uri helpers, case, trim,
//! replace, split, substring, search, padding, `string()` and `json()`, and the .NET-style
//! date formatting used by `utcNow()`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use super::eval::{fail, Fail, R};
use super::functions::{arity, int_arg, str_arg, type_err};
use super::limits::{self, MAX_VALUE_BYTES};

/// Dispatches string functions; `None` if `lower` is not one of them.
pub fn call(name: &str, lower: &str, v: &[Value]) -> Option<R<Value>> {
    Some(match lower {
        "concat" => concat(name, v),
        "format" => format_fn(name, v),
        "string" => arity(name, v.len(), 1, 1).map(|_| json!(stringify(&v[0]))),
        "json" => arity(name, v.len(), 1, 1).and_then(|_| {
            let s = str_arg(name, &v[0])?;
            super::jsonc::parse(s).map_err(|e| fail(format!("The template language function 'json' has an invalid parameter: {e}")))
        }),
        "base64" => one_str(name, v).map(|s| json!(STANDARD.encode(s))),
        "base64tostring" => one_str(name, v).and_then(|s| decode_b64(name, s)).map(Value::String),
        "base64tojson" => one_str(name, v).and_then(|s| decode_b64(name, s)).and_then(|s| {
            super::jsonc::parse(&s).map_err(|e| fail(format!("The template language function '{name}' has an invalid parameter: {e}")))
        }),
        "datauri" => arity(name, v.len(), 1, 1).map(|_| {
            json!(format!("data:text/plain;charset=utf8;base64,{}", STANDARD.encode(stringify(&v[0]))))
        }),
        "datauritostring" => one_str(name, v).and_then(|s| data_uri_to_string(name, s)).map(Value::String),
        "tolower" => one_str(name, v).map(|s| json!(s.to_lowercase())),
        "toupper" => one_str(name, v).map(|s| json!(s.to_uppercase())),
        "trim" => one_str(name, v).map(|s| json!(s.trim())),
        "replace" => arity(name, v.len(), 3, 3).and_then(|_| {
            let (s, old, new) = (str_arg(name, &v[0])?, str_arg(name, &v[1])?, str_arg(name, &v[2])?);
            if old.is_empty() {
                return Err(fail("The template language function 'replace' expects a non-empty string to replace."));
            }
            let grows = new.len().saturating_sub(old.len());
            if grows > 0 && s.len().saturating_add(s.matches(old).count().saturating_mul(grows)) > MAX_VALUE_BYTES {
                return Err(too_long(name));
            }
            Ok(json!(s.replace(old, new)))
        }),
        "split" => arity(name, v.len(), 2, 2).and_then(|_| {
            let s = str_arg(name, &v[0])?;
            let delims: Vec<&str> = match &v[1] {
                Value::String(d) => vec![d.as_str()],
                Value::Array(a) => a.iter().map(|d| str_arg(name, d)).collect::<R<_>>()?,
                other => return Err(type_err(name, "a string or an array of strings", other)),
            };
            Ok(json!(split_multi(s, &delims)))
        }),
        "substring" => arity(name, v.len(), 2, 3).and_then(|_| {
            let s: Vec<char> = str_arg(name, &v[0])?.chars().collect();
            let start = int_arg(name, &v[1])?;
            let len = match v.get(2) {
                Some(l) => int_arg(name, l)?,
                None => s.len() as i64 - start,
            };
            if start < 0 || len < 0 || start + len > s.len() as i64 {
                return Err(fail(format!(
                    "The template language function 'substring' parameters are out of range: 'startIndex' ({start}) + 'length' ({len}) must be within the length of the string ({}).",
                    s.len()
                )));
            }
            Ok(json!(s[start as usize..(start + len) as usize].iter().collect::<String>()))
        }),
        "startswith" | "endswith" => arity(name, v.len(), 2, 2).and_then(|_| {
            let (s, p) = (str_arg(name, &v[0])?.to_lowercase(), str_arg(name, &v[1])?.to_lowercase());
            Ok(json!(if lower == "startswith" { s.starts_with(&p) } else { s.ends_with(&p) }))
        }),
        "indexof" | "lastindexof" if v.first().is_some_and(Value::is_string) => arity(name, v.len(), 2, 2).and_then(|_| {
            let s: Vec<char> = str_arg(name, &v[0])?.to_lowercase().chars().collect();
            let p: Vec<char> = str_arg(name, &v[1])?.to_lowercase().chars().collect();
            if p.is_empty() {
                return Ok(json!(if lower == "indexof" { 0 } else { s.len().saturating_sub(1) }));
            }
            let hit = |i: &usize| s.len() >= p.len() && s[*i..*i + p.len()] == p[..];
            let range = 0..=s.len().saturating_sub(p.len());
            let found = if lower == "indexof" { range.clone().find(hit) } else { range.rev().find(hit) };
            Ok(json!(found.map(|i| i as i64).unwrap_or(-1)))
        }),
        "padleft" => arity(name, v.len(), 2, 3).and_then(|_| {
            let s = match &v[0] {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                other => return Err(type_err(name, "a string or an integer", other)),
            };
            let total = int_arg(name, &v[1])?;
            let pad = match v.get(2) {
                Some(p) => {
                    let p = str_arg(name, p)?;
                    let mut cs = p.chars();
                    match (cs.next(), cs.next()) {
                        (Some(c), None) => c,
                        _ => return Err(fail("The template language function 'padLeft' expects its padding character to be a single character.")),
                    }
                }
                None => ' ',
            };
            let n = s.chars().count() as i64;
            if total.saturating_sub(n).saturating_mul(pad.len_utf8() as i64) > MAX_VALUE_BYTES as i64 {
                return Err(too_long(name));
            }
            let padding: String = std::iter::repeat_n(pad, (total - n).max(0) as usize).collect();
            Ok(json!(padding + &s))
        }),
        "uri" => arity(name, v.len(), 2, 2).and_then(|_| Ok(json!(uri_combine(str_arg(name, &v[0])?, str_arg(name, &v[1])?)))),
        "uricomponent" => one_str(name, v).map(|s| json!(escape_data_string(s))),
        "uricomponenttostring" => one_str(name, v).map(|s| json!(unescape(s))),
        _ => return None,
    })
}

fn one_str<'v>(name: &str, v: &'v [Value]) -> R<&'v str> {
    arity(name, v.len(), 1, 1)?;
    str_arg(name, &v[0])
}

/// `string()` conversion: strings as-is, booleans as `True`/`False` (.NET), others as compact JSON.
pub fn stringify(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => String::new(),
        Value::Number(n) => n.to_string(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn concat(name: &str, v: &[Value]) -> R<Value> {
    arity(name, v.len(), 1, usize::MAX)?;
    if v.iter().any(Value::is_array) {
        let mut out = Vec::new();
        for x in v {
            match x {
                Value::Array(a) => out.extend(a.iter().cloned()),
                Value::Null => {}
                other => return Err(type_err(name, "all arrays or all strings", other)),
            }
        }
        return Ok(Value::Array(out));
    }
    let mut s = String::new();
    for x in v {
        match x {
            Value::Object(_) => return Err(type_err(name, "all arrays or all strings", x)),
            other => s.push_str(&stringify(other)),
        }
        if s.len() > MAX_VALUE_BYTES {
            return Err(too_long(name));
        }
    }
    Ok(json!(s))
}

fn decode_b64(name: &str, s: &str) -> R<String> {
    let bytes = STANDARD.decode(s.trim()).map_err(|_| {
        fail(format!(
            "The template language function '{name}' has an invalid parameter: '{s}' is not a valid base64 string."
        ))
    })?;
    String::from_utf8(bytes).map_err(|_| {
        fail(format!(
            "The template language function '{name}' has an invalid parameter: the decoded value is not UTF-8."
        ))
    })
}

fn data_uri_to_string(name: &str, s: &str) -> R<String> {
    let rest = s.strip_prefix("data:").ok_or_else(|| {
        fail(format!("The template language function '{name}' expects a data URI; the provided value is '{s}'."))
    })?;
    let (meta, data) = rest.split_once(',').ok_or_else(|| {
        fail(format!("The template language function '{name}' expects a data URI with a ',' separator."))
    })?;
    if meta.to_ascii_lowercase().ends_with(";base64") {
        decode_b64(name, data)
    } else {
        Ok(unescape(data))
    }
}

fn split_multi(s: &str, delims: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    let bytes = s.as_bytes();
    'outer: while i < s.len() {
        for d in delims.iter().filter(|d| !d.is_empty()) {
            if bytes[i..].starts_with(d.as_bytes()) {
                out.push(std::mem::take(&mut cur));
                i += d.len();
                continue 'outer;
            }
        }
        let ch = s[i..].chars().next().unwrap_or_default();
        cur.push(ch);
        i += ch.len_utf8();
    }
    out.push(cur);
    out
}

/// .NET `Uri(baseUri, relativeUri)` combination (no dot-segment normalisation).
pub fn uri_combine(base: &str, rel: &str) -> String {
    if rel.contains("://") {
        return rel.to_string();
    }
    let auth_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[auth_start..].find('/').map(|i| i + auth_start);
    if let Some(stripped) = rel.strip_prefix('/') {
        let root = &base[..path_start.unwrap_or(base.len())];
        return format!("{root}/{stripped}");
    }
    match path_start {
        None => format!("{base}/{rel}"),
        Some(_) => {
            let last = base.rfind('/').unwrap_or(base.len() - 1);
            format!("{}{rel}", &base[..=last])
        }
    }
}

/// .NET `Uri.EscapeDataString`: everything but RFC 3986 unreserved characters is escaped.
pub fn escape_data_string(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decoding (invalid escapes are kept as-is).
pub fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(x) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(x);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// .NET composite formatting: `{index[,alignment][:format]}`, `{{`/`}}` escapes.
fn format_fn(name: &str, v: &[Value]) -> R<Value> {
    arity(name, v.len(), 1, usize::MAX)?;
    let f = str_arg(name, &v[0])?;
    let args = &v[1..];
    let bad = || fail(format!("The template language function 'format' has an invalid format string '{f}'."));
    let mut out = String::new();
    let mut chars = f.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut spec = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(x) => spec.push(x),
                        None => return Err(bad()),
                    }
                }
                let (head, fmt) = spec.split_once(':').map(|(h, f)| (h, Some(f))).unwrap_or((spec.as_str(), None));
                let (idx, align) = head.split_once(',').map(|(i, a)| (i, Some(a))).unwrap_or((head, None));
                let idx: usize = idx.trim().parse().map_err(|_| bad())?;
                let arg = args.get(idx).ok_or_else(|| {
                    fail(format!("The template language function 'format' has a format item index '{idx}' that is out of range: {} argument(s) were provided.", args.len()))
                })?;
                let mut text = format_value(arg, fmt).ok_or_else(bad)?;
                if let Some(a) = align {
                    let w: i64 = a.trim().parse().map_err(|_| bad())?;
                    if w.unsigned_abs() > MAX_VALUE_BYTES as u64 {
                        return Err(too_long(name));
                    }
                    let n = text.chars().count() as i64;
                    let pad = " ".repeat((w.abs() - n).max(0) as usize);
                    text = if w >= 0 { pad + &text } else { text + &pad };
                }
                out.push_str(&text);
                if out.len() > MAX_VALUE_BYTES {
                    return Err(too_long(name));
                }
            }
            '}' => return Err(bad()),
            other => out.push(other),
        }
    }
    Ok(json!(out))
}

/// A function whose result would be bigger than [`MAX_VALUE_BYTES`]: refused before it is built.
fn too_long(name: &str) -> Fail {
    fail(format!(
        "The template language function '{name}' would produce a string longer than {}; ARM accepts at most 4 MB in an expanded template.",
        limits::mb(MAX_VALUE_BYTES)
    ))
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::new();
    let rem = digits.len() % 3;
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && i % 3 == rem {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn format_value(v: &Value, fmt: Option<&str>) -> Option<String> {
    let Some(fmt) = fmt.filter(|f| !f.is_empty()) else {
        return Some(stringify(v));
    };
    let Value::Number(n) = v else {
        return Some(stringify(v));
    };
    let (kind, prec) = fmt.split_at(1);
    // .NET's precision specifiers go from 0 to 99 (a bigger one would also be an allocation bomb here).
    let prec: Option<usize> = if prec.is_empty() { None } else { Some(prec.parse().ok().filter(|p| *p <= 99)?) };
    let x = n.as_f64()?;
    let neg = if x < 0.0 { "-" } else { "" };
    match kind {
        "D" | "d" => {
            let i = n.as_i64()?;
            Some(format!("{neg}{:0>w$}", i.unsigned_abs(), w = prec.unwrap_or(0)))
        }
        "N" | "n" | "F" | "f" => {
            let p = prec.unwrap_or(2);
            let s = format!("{:.p$}", x.abs());
            let (int_part, frac) =
                s.split_once('.').map(|(a, b)| (a.to_string(), Some(b.to_string()))).unwrap_or((s.clone(), None));
            let int_part = if kind.eq_ignore_ascii_case("n") { group_thousands(&int_part) } else { int_part };
            Some(match frac {
                Some(f) => format!("{neg}{int_part}.{f}"),
                None => format!("{neg}{int_part}"),
            })
        }
        "X" | "x" => {
            let i = n.as_i64()?;
            let s = format!("{:0>w$X}", i, w = prec.unwrap_or(0));
            Some(if kind == "x" { s.to_lowercase() } else { s })
        }
        _ => None,
    }
}

/// Formats a timestamp with a .NET standard (`u`, `s`, `o`, `d`) or custom format string.
pub fn format_datetime(dt: &chrono::DateTime<chrono::Utc>, fmt: &str) -> String {
    let custom = match fmt {
        "u" => "yyyy-MM-dd HH:mm:ssZ",
        "s" => "yyyy-MM-ddTHH:mm:ss",
        "o" | "O" => "yyyy-MM-ddTHH:mm:ss.fffffffZ",
        "d" => "M/d/yyyy",
        "t" => "h:mm tt",
        "T" => "h:mm:ss tt",
        "g" => "M/d/yyyy h:mm tt",
        "G" => "M/d/yyyy h:mm:ss tt",
        other => other,
    };
    let chars: Vec<char> = custom.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut run = 1;
        while i + run < chars.len() && chars[i + run] == c {
            run += 1;
        }
        let piece = match (c, run) {
            ('y', 1..=2) => dt.format("%y").to_string(),
            ('y', _) => dt.format("%Y").to_string(),
            ('M', 1) => dt.format("%-m").to_string(),
            ('M', 2) => dt.format("%m").to_string(),
            ('M', 3) => dt.format("%b").to_string(),
            ('M', _) => dt.format("%B").to_string(),
            ('d', 1) => dt.format("%-d").to_string(),
            ('d', 2) => dt.format("%d").to_string(),
            ('d', 3) => dt.format("%a").to_string(),
            ('d', _) => dt.format("%A").to_string(),
            ('H', 1) => dt.format("%-H").to_string(),
            ('H', _) => dt.format("%H").to_string(),
            ('h', 1) => dt.format("%-I").to_string(),
            ('h', _) => dt.format("%I").to_string(),
            ('m', 1) => dt.format("%-M").to_string(),
            ('m', _) => dt.format("%M").to_string(),
            ('s', 1) => dt.format("%-S").to_string(),
            ('s', _) => dt.format("%S").to_string(),
            ('f', n) => dt.format("%f").to_string().chars().take(n.min(9)).collect(),
            ('t', _) => dt.format("%p").to_string(),
            ('K', _) => "Z".to_string(),
            ('\'', _) | ('"', _) => {
                // quoted literal
                let mut lit = String::new();
                let mut j = i + 1;
                while j < chars.len() && chars[j] != c {
                    lit.push(chars[j]);
                    j += 1;
                }
                out.push_str(&lit);
                i = j + 1;
                continue;
            }
            ('\\', _) => {
                if let Some(n) = chars.get(i + 1) {
                    out.push(*n);
                }
                i += 2;
                continue;
            }
            (other, n) => std::iter::repeat_n(other, n).collect(),
        };
        out.push_str(&piece);
        i += run;
    }
    out
}
