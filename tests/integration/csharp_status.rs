//! The C# binding's `AseStatus` (powershell/src/AseStatus.cs) must name and number exactly the statuses of the
//! header's `AsegpuStatus` (include/asegpu.h, generated from the Rust `Status`): `ASEGPU_STATUS_NOT_FOUND = 30`
//! is `NotFound = 30`. Both files are read as text, as `header.rs` reads the header. The names the library
//! gives at run time (`asegpu_status_name`, which `AseGpuException.StatusName` shows) are the header's too.

use std::collections::BTreeMap;

const HEADER: &str = "include/asegpu.h";
const CSHARP: &str = "powershell/src/AseStatus.cs";

fn read(rel: &str) -> String {
    let path = format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The lines of the body that follows `opening` (from its `{` to the next line that starts with `}`), with
/// comments removed. Whatever stands between `opening` and the `{` (the header's `#if` for the C23 base type) is
/// skipped.
fn block<'a>(text: &'a str, opening: &str, file: &str) -> Vec<&'a str> {
    let mut lines = text.lines().skip_while(|l| !l.contains(opening));
    let first = lines.next().unwrap_or_else(|| panic!("{file}: no `{opening}`"));
    if !first.trim_end().ends_with('{') {
        assert!(lines.by_ref().any(|l| l.trim_end().ends_with('{')), "{file}: no `{{` after `{opening}`");
    }
    let mut out = Vec::new();
    let mut in_comment = false;
    for line in lines {
        let mut l = line.trim();
        if l.starts_with('}') {
            return out;
        }
        if in_comment {
            match l.find("*/") {
                Some(end) => {
                    in_comment = false;
                    l = l[end + 2..].trim();
                }
                None => continue,
            }
        }
        if let Some(start) = l.find("/*") {
            in_comment = !l[start..].contains("*/");
            l = l[..start].trim();
        }
        if let Some(start) = l.find("//") {
            l = l[..start].trim();
        }
        if !l.is_empty() {
            out.push(l);
        }
    }
    panic!("{file}: `{opening}` is not closed");
}

/// `NAME = number,` entries of an enum body, in order; panics on anything else.
fn entries(lines: &[&str], file: &str) -> Vec<(String, u32)> {
    lines
        .iter()
        .map(|l| {
            let (name, value) = l
                .trim_end_matches(',')
                .split_once('=')
                .unwrap_or_else(|| panic!("{file}: `{l}` is not NAME = number (every status has an explicit value)"));
            let value = value.trim();
            let value = value.parse().unwrap_or_else(|_| panic!("{file}: `{l}`: {value} is not a number"));
            (name.trim().to_string(), value)
        })
        .collect()
}

/// ASEGPU_STATUS_NOT_FOUND -> NotFound, ASEGPU_STATUS_INVALID_UTF8 -> InvalidUtf8, ASEGPU_STATUS_IO -> Io.
fn pascal(header_name: &str) -> String {
    let rest = header_name
        .strip_prefix("ASEGPU_STATUS_")
        .unwrap_or_else(|| panic!("{HEADER}: {header_name} does not start with ASEGPU_STATUS_"));
    rest.split('_')
        .map(|w| {
            let w = w.to_ascii_lowercase();
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

fn by_name(list: &[(String, u32)], file: &str) -> BTreeMap<String, u32> {
    let mut map = BTreeMap::new();
    let mut numbers = BTreeMap::new();
    for (name, value) in list {
        assert!(map.insert(name.clone(), *value).is_none(), "{file}: {name} is there twice");
        if let Some(other) = numbers.insert(*value, name.clone()) {
            panic!("{file}: {other} and {name} are both {value}");
        }
    }
    map
}

/// The header's `ASEGPU_STATUS_<NAME> = <n>` entries.
fn header_entries() -> Vec<(String, u32)> {
    entries(&block(&read(HEADER), "enum AsegpuStatus", HEADER), HEADER)
}

fn header_statuses() -> BTreeMap<String, u32> {
    let list: Vec<(String, u32)> = header_entries().into_iter().map(|(n, v)| (pascal(&n), v)).collect();
    by_name(&list, HEADER)
}

fn csharp_statuses() -> BTreeMap<String, u32> {
    let text = read(CSHARP);
    by_name(&entries(&block(&text, "public enum AseStatus : uint", CSHARP), CSHARP), CSHARP)
}

#[test]
fn csharp_status_enum_matches_the_header() {
    let header = header_statuses();
    let csharp = csharp_statuses();
    assert!(header.len() > 20, "{HEADER}: only {} statuses parsed", header.len());
    let mut problems = Vec::new();
    for (name, value) in &header {
        match csharp.get(name) {
            None => problems.push(format!("{CSHARP} lacks {name} = {value} (the header has it)")),
            Some(v) if v != value => problems.push(format!("{name} is {value} in {HEADER} but {v} in {CSHARP}")),
            Some(_) => {}
        }
    }
    for (name, value) in &csharp {
        if !header.contains_key(name) {
            problems.push(format!("{CSHARP} has {name} = {value}, which {HEADER} does not"));
        }
    }
    assert!(problems.is_empty(), "AseStatus and AsegpuStatus differ:\n  {}", problems.join("\n  "));
}

#[test]
fn library_status_names_are_the_headers() {
    for (name, value) in header_entries() {
        let got = asegpu::asegpu_status_name(value);
        assert!(!got.is_null(), "asegpu_status_name({value}) is NULL");
        // SAFETY: a non-NULL result is a static NUL-terminated string.
        let got = unsafe { std::ffi::CStr::from_ptr(got) }.to_str().expect("UTF-8 status name");
        assert_eq!(Some(got), name.strip_prefix("ASEGPU_STATUS_"), "asegpu_status_name({value})");
    }
}

/// `Status::ALL` (what the library maps codes and names with) lists every status of the header, in order.
#[test]
fn every_status_is_in_status_all() {
    let all: Vec<(String, u32)> =
        asegpu_core::Status::ALL.iter().map(|s| (format!("ASEGPU_STATUS_{}", s.name()), *s as u32)).collect();
    assert_eq!(all, header_entries(), "Status::ALL differs from {HEADER}'s AsegpuStatus");
}

#[test]
fn pascal_spelling() {
    assert_eq!(pascal("ASEGPU_STATUS_OK"), "Ok");
    assert_eq!(pascal("ASEGPU_STATUS_NOT_FOUND"), "NotFound");
    assert_eq!(pascal("ASEGPU_STATUS_INVALID_UTF8"), "InvalidUtf8");
    assert_eq!(pascal("ASEGPU_STATUS_PREFLIGHT_FAILED"), "PreflightFailed");
}
