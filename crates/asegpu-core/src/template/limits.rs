//! Limits on what a template, a parameters file, a deployment request and an expression may hold, so that
//! nothing a caller sends can exhaust the stack or the memory of the process that evaluates it (a C host,
//! the CLI, PowerShell, the emulator).
//!
//! The sizes and counts are ARM's own documented template limits ("Template limits" in the ARM template best
//! practices, and "Resolve errors for job size exceeded"):
//!
//! | what | limit | ARM |
//! |---|---|---|
//! | template text | 4 MB | "Limit the size of your template to 4 MB" |
//! | parameters file text | 4 MB | "The parameter file is also limited to 4 MB" |
//! | parameters | 256 | "256 parameters" |
//! | variables | 256 | "256 variables" (the device generation's documentation; public Azure later raised it to 512) |
//! | resources, copies included | 800 | "800 resources (including copy count)" |
//! | outputs | 64 | "64 output values" |
//! | one expression | 24,576 characters | "24,576 characters in a template expression" |
//! | one value (string, array, object) | 4 MB | the template's 4 MB "after it has been expanded" |
//!
//! ARM does not document a nesting depth. Its JSON reader (Json.NET) refuses documents nested deeper than 64
//! arrays and objects (`JsonReader.MaxDepth`, default 64), so [`MAX_JSON_DEPTH`] is 64: no template ARM
//! accepts is refused here. Expressions get the same 64 levels ([`MAX_EXPRESSION_DEPTH`]), and one whole
//! evaluation (a value inside values inside expressions inside variables referring to other variables) at
//! most [`MAX_EVAL_DEPTH`] nested steps.
//!
//! Why these depths are safe: every recursion of the engine (the JSON reader, the expression parser, the
//! evaluator, rendering, copy loops, serialising and dropping values) is bounded by one of them, and the
//! deepest evaluation they allow needs less than [`STACK_NEEDED`] of stack in a debug build (measured by
//! `limits_fit_in_the_documented_stack` below; a release build needs a fraction of it). The smallest stack our
//! code runs on is a tokio worker's 2 MiB (the emulator, the CLI) or the C host's calling thread, whose size we
//! do not choose: the header documents the stack a calling thread needs.

use serde_json::Value;

use super::error::TemplateError;

/// Longest template text: 4 MB (ARM).
pub const MAX_TEMPLATE_BYTES: usize = 4 * 1024 * 1024;
/// Longest parameters file text: 4 MB (ARM).
pub const MAX_PARAMETERS_FILE_BYTES: usize = 4 * 1024 * 1024;
/// Longest deployment request body (or C ABI JSON argument): a template, a parameters file and 1 MB for the
/// rest of the request.
pub const MAX_REQUEST_BYTES: usize = MAX_TEMPLATE_BYTES + MAX_PARAMETERS_FILE_BYTES + 1024 * 1024;
/// Most parameters a template declares (ARM).
pub const MAX_PARAMETERS: usize = 256;
/// Most variables a template defines, variable copies included (ARM).
pub const MAX_VARIABLES: usize = 256;
/// Most resources a template expands to, copies and child resources included (ARM).
pub const MAX_RESOURCES: usize = 800;
/// Most outputs a template has (ARM).
pub const MAX_OUTPUTS: usize = 64;
/// Longest template expression, brackets included, in characters (ARM).
pub const MAX_EXPRESSION_CHARS: usize = 24_576;
/// Deepest nesting of arrays and objects in a template, a parameters file or a value (Json.NET's MaxDepth).
pub const MAX_JSON_DEPTH: usize = 64;
/// Extra levels a request document may wrap around a template (`{"properties": {"template": ...}}`, the C
/// ABI's `{"template": ...}`), so that a template of [`MAX_JSON_DEPTH`] fits in its request.
pub const MAX_ENVELOPE_DEPTH: usize = 8;
/// Deepest expression syntax tree (nested calls, property accesses and indexes).
pub const MAX_EXPRESSION_DEPTH: usize = 64;
/// Deepest evaluation: nested function calls, property accesses, indexes, arrays and objects being rendered,
/// and variables and parameters being evaluated because another one refers to them, all counted together.
pub const MAX_EVAL_DEPTH: usize = 128;
/// Largest single value an expression or a copy loop produces (ARM's 4 MB template "after expansion").
pub const MAX_VALUE_BYTES: usize = 4 * 1024 * 1024;
/// Most bytes of values one evaluation (planning a deployment, rendering a resource, its outputs) produces,
/// intermediate values and copy instances included: 16 times ARM's 4 MB expanded template, so that a template
/// ARM accepts never reaches it, while memory and time stay bounded.
pub const MAX_EVALUATION_BYTES: usize = 64 * 1024 * 1024;
/// Most copy-loop iterations (variable, property and output copies, nested ones multiplied out) in one
/// evaluation: 100,000, 125 full loops of ARM's 800 copies each, far more than a template that fits ARM's 4 MB
/// expanded size uses in practice (800 resources with a few property copies each). Without it, nested loops
/// of 800 x 800 x 400 items ran for seconds to minutes before the byte budget stopped them (found by fuzzing).
pub const MAX_COPY_ITERATIONS: usize = 100_000;
/// Stack that the deepest evaluation these limits allow fits in, with room to spare, in a debug build (about
/// 1.1 MiB measured: some 5 KiB per evaluation level and 5 KiB per expression-parser level at opt-level 0); a
/// release build needs under 192 KiB (measured), an ASan fuzz build under 320 KiB (the fuzz targets run on
/// 512 KiB stacks). Checked by `limits_fit_in_the_documented_stack`.
///
/// The threads our code runs on: a tokio worker (2 MiB: the emulator, the CLI, the C ABI's runtime tasks),
/// the CLI's main thread (8 MiB), PowerShell's and .NET's threads (1.5 MiB and more), and a C host's calling
/// thread, whose size the host chooses (the header says what it needs).
pub const STACK_NEEDED: usize = 3 * 512 * 1024;

/// How deep and how big a value is, as far as it was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    /// Nesting of arrays and objects (a scalar is 0, `[1]` is 1).
    pub depth: usize,
    /// Approximate size of its JSON text in bytes.
    pub bytes: usize,
}

/// Why a value is refused by [`measure`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TooBig {
    /// Nested deeper than allowed; the path (`a.b[0]`) of the first value past the limit.
    Depth(String),
    /// Bigger than allowed (measurement stopped there).
    Bytes,
}

/// Measures `v` without recursion, stopping as soon as it nests deeper than `max_depth` or exceeds
/// `max_bytes`.
pub fn measure(v: &Value, max_depth: usize, max_bytes: usize) -> Result<Measure, TooBig> {
    enum It<'a> {
        A(std::iter::Enumerate<std::slice::Iter<'a, Value>>),
        O(serde_json::map::Iter<'a>),
    }
    fn open(v: &Value) -> Option<It<'_>> {
        match v {
            Value::Array(a) => Some(It::A(a.iter().enumerate())),
            Value::Object(o) => Some(It::O(o.iter())),
            _ => None,
        }
    }
    fn scalar(v: &Value) -> usize {
        match v {
            Value::String(s) => s.len() + 2,
            Value::Number(_) => 8,
            Value::Bool(_) | Value::Null => 5,
            _ => 2,
        }
    }
    let mut bytes = scalar(v);
    let Some(it) = open(v) else {
        return if bytes > max_bytes { Err(TooBig::Bytes) } else { Ok(Measure { depth: 0, bytes }) };
    };
    if max_depth == 0 {
        return Err(TooBig::Depth(String::new()));
    }
    let mut deepest = 1;
    let mut stack: Vec<(String, It)> = vec![(String::new(), it)];
    while let Some((_, it)) = stack.last_mut() {
        let next = match it {
            It::A(i) => i.next().map(|(n, c)| (format!("[{n}]"), c, 0)),
            It::O(i) => i.next().map(|(k, c)| (k.clone(), c, k.len() + 3)),
        };
        let Some((segment, child, key_bytes)) = next else {
            stack.pop();
            continue;
        };
        bytes += key_bytes + 1 + scalar(child);
        if bytes > max_bytes {
            return Err(TooBig::Bytes);
        }
        if let Some(cit) = open(child) {
            if stack.len() >= max_depth {
                let mut path = path_of(stack.iter().map(|(s, _)| s.as_str()));
                push_segment(&mut path, &segment);
                return Err(TooBig::Depth(path));
            }
            stack.push((segment, cit));
            deepest = deepest.max(stack.len());
        }
    }
    Ok(Measure { depth: deepest, bytes })
}

/// A dotted JSON path (`a.b[0].c`) from its segments, as Json.NET writes it.
pub fn path_of<'a>(segments: impl IntoIterator<Item = &'a str>) -> String {
    let mut path = String::new();
    for s in segments {
        push_segment(&mut path, s);
    }
    path
}

fn push_segment(path: &mut String, s: &str) {
    if s.is_empty() {
        return;
    }
    if !path.is_empty() && !s.starts_with('[') {
        path.push('.');
    }
    path.push_str(s);
}

/// The message for a document nested deeper than `max` levels (Json.NET's wording, as ARM shows it).
pub fn depth_message(max: usize) -> String {
    format!("The reader's MaxDepth of {max} has been exceeded: arrays and objects nest deeper than {max} levels.")
}

/// Refuses a template, parameters object or value (`what`) nested deeper than [`MAX_JSON_DEPTH`], with the
/// path of the first value past the limit.
pub fn check_document(v: &Value, what: &str) -> Result<(), TemplateError> {
    match measure(v, MAX_JSON_DEPTH, usize::MAX) {
        Ok(_) | Err(TooBig::Bytes) => Ok(()),
        Err(TooBig::Depth(path)) => Err(TemplateError::invalid_template(format!(
            "Deployment template validation failed: 'The {what} is not valid: {} Path '{path}'.'",
            depth_message(MAX_JSON_DEPTH)
        ))
        .with_target(path)),
    }
}

/// Refuses more than `max` of `what` (parameters, variables, outputs) in a template.
pub fn check_count(n: usize, max: usize, what: &str, target: &str) -> Result<(), TemplateError> {
    if n <= max {
        return Ok(());
    }
    Err(TemplateError::invalid_template(format!(
        "Deployment template validation failed: 'The template has {n} {what}; ARM accepts at most {max} {what} in one template. Combine values into objects, or use a nested template.'"
    ))
    .with_target(target.to_string()))
}

/// "4 MB (4194304 bytes)".
pub fn mb(bytes: usize) -> String {
    if bytes % (1024 * 1024) == 0 {
        format!("{} MB ({bytes} bytes)", bytes / (1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nested(depth: usize) -> Value {
        let mut v = json!(1);
        for i in 0..depth {
            // Not `json!([v])`: that serialises `v` again, recursively.
            v = if i % 2 == 0 {
                Value::Array(vec![v])
            } else {
                Value::Object([("k".to_string(), v)].into_iter().collect())
            };
        }
        v
    }

    #[test]
    fn measures_depth_and_size_without_recursion() {
        assert_eq!(measure(&json!(1), 64, 100).unwrap().depth, 0);
        assert_eq!(measure(&json!([1, [2, {"a": [3]}]]), 64, 1000).unwrap().depth, 4);
        assert_eq!(measure(&nested(64), 64, usize::MAX).unwrap().depth, 64);
        match measure(&json!({"a": {"b": [[1]]}}), 3, usize::MAX) {
            Err(TooBig::Depth(p)) => assert_eq!(p, "a.b[0]"),
            other => panic!("{other:?}"),
        }
        assert_eq!(measure(&json!("x".repeat(100)), 64, 50), Err(TooBig::Bytes));
        assert_eq!(measure(&json!(["x".repeat(100)]), 64, 50), Err(TooBig::Bytes));
        // A value far deeper than any stack could recurse into is measured (and refused) all the same.
        let deep = nested(200_000);
        assert!(matches!(measure(&deep, 64, usize::MAX), Err(TooBig::Depth(_))));
        assert_eq!(measure(&deep, usize::MAX, usize::MAX).unwrap().depth, 200_000);
        drop_deep(deep);
    }

    /// Dropping a serde_json value recurses: take deep ones apart by hand.
    fn drop_deep(mut v: Value) {
        loop {
            v = match v {
                Value::Array(mut a) if !a.is_empty() => a.swap_remove(0),
                Value::Object(mut o) if !o.is_empty() => o.remove("k").unwrap_or(Value::Null),
                _ => return,
            }
        }
    }

    /// Nested variable copy loops that multiply out to 256 million items (found by fuzzing the emulator's
    /// deployments: it ran for minutes) are refused quickly by the iteration budget.
    #[test]
    fn nested_copy_loops_are_bounded_in_time() {
        use crate::template::{Deployment, DeploymentContext};
        let t = json!({"variables": {"v": {"copy": [{"name": "a", "count": 800, "input": {"copy": [{"name": "b",
            "count": 800, "input": {"copy": [{"name": "c", "count": 400, "input": "[copyIndex('c')]"}]}}]}}]}},
            "resources": []});
        let t0 = std::time::Instant::now();
        let e = Deployment::new(&t, None, DeploymentContext::new("s", "rg", "dbelocal", "d")).expect_err("refused");
        assert!(e.message.contains(&format!("past {MAX_COPY_ITERATIONS} copy iterations")), "{}", e.message);
        assert!(t0.elapsed() < std::time::Duration::from_secs(30), "took {:?}", t0.elapsed());
        // 800 x 120 = 96,000 small items (plus the 800 outer ones) is within the budget.
        let ok = json!({"variables": {"v": {"copy": [{"name": "a", "count": 800, "input": {"copy": [{"name": "b",
            "count": 120, "input": 1}]}}]}}, "resources": []});
        Deployment::new(&ok, None, DeploymentContext::new("s", "rg", "dbelocal", "d")).expect("96,800 items deploy");
    }

    /// The deepest evaluations the limits allow, run on a thread with [`STACK_NEEDED`] of stack: they end with
    /// the depth error, not with a stack overflow (which would abort this test binary).
    #[test]
    fn limits_fit_in_the_documented_stack() {
        use crate::template::{Deployment, DeploymentContext};
        // Variables that are each a 62-deep expression around the next one, evaluated from the far end.
        let mut chain = serde_json::Map::new();
        for i in (0..40).rev() {
            let inner = if i == 39 { "'x'".to_string() } else { format!("variables('w{}')", i + 1) };
            chain.insert(format!("w{i}"), json!(format!("[{}{inner}{}]", "concat(".repeat(62), ")".repeat(62))));
        }
        // Literal arrays 60 deep around a 62-deep expression that refers to the next variable.
        let mut mixed = serde_json::Map::new();
        for i in (0..20).rev() {
            let inner = if i == 19 { "'x'".to_string() } else { format!("variables('m{}')", i + 1) };
            let mut v = json!(format!("[{}string({inner}){}]", "if(true(), ".repeat(60), ", 0)".repeat(60)));
            for _ in 0..60 {
                v = Value::Array(vec![v]);
            }
            mixed.insert(format!("m{i}"), v);
        }
        for vars in [chain, mixed] {
            let t = json!({"variables": vars, "resources": []});
            let e = std::thread::Builder::new()
                .stack_size(STACK_NEEDED)
                .spawn(move || {
                    let ctx = DeploymentContext::new("s", "rg", "dbelocal", "d");
                    Deployment::new(&t, None, ctx).err().map(|e| e.message)
                })
                .unwrap()
                .join()
                .unwrap()
                .expect("refused");
            assert!(e.contains(&format!("deeper than {MAX_EVAL_DEPTH} levels")), "{e}");
        }
    }

    #[test]
    fn document_check_names_the_path() {
        let e = check_document(&json!({"variables": {"v": nested(70)}}), "template").unwrap_err();
        assert_eq!(e.code, "InvalidTemplate");
        assert!(e.message.contains("MaxDepth of 64") && e.message.contains("Path 'variables.v.k[0].k[0]"), "{e}");
        assert!(check_document(&json!({"variables": {"v": nested(62)}}), "template").is_ok());
    }
}
