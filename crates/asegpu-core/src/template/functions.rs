//! Template function dispatch plus the deployment, resource, scope, logical, comparison and
//! numeric functions. String functions live in `strings.rs`, array/object functions in
//! `arrays.rs`. Function names are case-insensitive.

use crate::arm::resource_id::ResourceId;
use serde_json::{json, Value};

use super::error::TemplateError;
use super::eval::{fail, type_name, Fail, Scope, R};
use super::expr::Expr;
use super::{arrays, hash, strings};

/// Evaluates a call of `name` with unevaluated `args`. Part of the evaluator's recursion (with
/// `Scope::eval`): kept small, see there.
pub fn call(scope: &Scope, name: &str, args: &[Expr]) -> R<Value> {
    if name.eq_ignore_ascii_case("if") {
        arity(name, args.len(), 3, 3)?;
        let cond = scope.eval(&args[0])?;
        let taken = if if_condition(&cond)? { 1 } else { 2 };
        return scope.eval(&args[taken]);
    }
    let mut values = Vec::with_capacity(args.len());
    for a in args {
        values.push(scope.eval(a)?);
    }
    if name.eq_ignore_ascii_case("parameters") || name.eq_ignore_ascii_case("variables") {
        return lookup(scope, name, &values);
    }
    apply(scope, name, &name.to_ascii_lowercase(), &values)
}

#[inline(never)]
fn if_condition(cond: &Value) -> R<bool> {
    cond.as_bool().ok_or_else(|| {
        fail(format!("The template language function 'if' expects its first parameter to be of type 'Boolean'. The provided value is of type '{}'.", type_name(cond)))
    })
}

/// `parameters(name)` and `variables(name)`.
#[inline(never)]
fn lookup(scope: &Scope, name: &str, v: &[Value]) -> R<Value> {
    arity(name, v.len(), 1, 1)?;
    let store = if name.eq_ignore_ascii_case("parameters") { scope.params } else { scope.vars };
    store.get(str_arg(name, &v[0])?, scope)
}

/// Every function but `if`, `parameters` and `variables`, on evaluated arguments. It never evaluates an
/// expression itself, so its (large, in a debug build) stack frame is not part of the evaluator's recursion:
/// `eval` -> `call` -> `eval` stays small per level (see `limits::STACK_NEEDED`).
#[inline(never)]
fn apply(scope: &Scope, name: &str, lower: &str, v: &[Value]) -> R<Value> {
    logical(name, lower, v)
        .or_else(|| numeric(name, lower, v))
        .or_else(|| deployment_fns(scope, name, lower, v))
        .or_else(|| strings::call(name, lower, v))
        .or_else(|| arrays::call(name, lower, v))
        .unwrap_or_else(|| Err(fail(format!("The template function '{name}' is not valid."))))
}

/// Logical and comparison functions; `None` if `lower` is not one of them.
fn logical(name: &str, lower: &str, v: &[Value]) -> Option<R<Value>> {
    Some(match lower {
        "true" => no_args(name, v, json!(true)),
        "false" => no_args(name, v, json!(false)),
        "null" => no_args(name, v, Value::Null),
        "equals" => arity(name, v.len(), 2, 2).map(|_| json!(values_equal(&v[0], &v[1]))),
        "not" => arity(name, v.len(), 1, 1).and_then(|_| Ok(json!(!bool_arg(name, &v[0])?))),
        "and" | "or" => arity(name, v.len(), 2, usize::MAX).and_then(|_| {
            let bools = v.iter().map(|x| bool_arg(name, x)).collect::<R<Vec<bool>>>()?;
            Ok(json!(if lower == "and" { bools.iter().all(|b| *b) } else { bools.iter().any(|b| *b) }))
        }),
        "bool" => arity(name, v.len(), 1, 1).and_then(|_| to_bool(&v[0])),
        "greater" | "greaterorequals" | "less" | "lessorequals" => arity(name, v.len(), 2, 2).and_then(|_| {
            use std::cmp::Ordering::*;
            let ord = compare(name, &v[0], &v[1])?;
            Ok(json!(match lower {
                "greater" => ord == Greater,
                "greaterorequals" => ord != Less,
                "less" => ord == Less,
                _ => ord != Greater,
            }))
        }),
        "coalesce" => {
            arity(name, v.len(), 1, usize::MAX).map(|_| v.iter().find(|x| !x.is_null()).cloned().unwrap_or(Value::Null))
        }
        _ => return None,
    })
}

/// A function that takes no arguments.
fn no_args(name: &str, v: &[Value], value: Value) -> R<Value> {
    arity(name, v.len(), 0, 0).map(|_| value)
}

/// `bool(x)`.
fn to_bool(x: &Value) -> R<Value> {
    match x {
        Value::Bool(b) => Ok(json!(b)),
        Value::Number(n) => Ok(json!(n.as_f64().unwrap_or(0.0) != 0.0)),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(json!(true)),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(json!(false)),
        other => Err(fail(format!(
            "The template language function 'bool' cannot convert the value '{}' to a boolean.",
            super::eval::to_plain_string(other)
        ))),
    }
}

/// Integer arithmetic and number conversions; `None` if `lower` is not one of them.
fn numeric(name: &str, lower: &str, v: &[Value]) -> Option<R<Value>> {
    Some(match lower {
        "add" | "sub" | "mul" | "div" | "mod" => arity(name, v.len(), 2, 2).and_then(|_| arithmetic(name, lower, v)),
        "int" => arity(name, v.len(), 1, 1).and_then(|_| to_int(name, &v[0])),
        "float" => arity(name, v.len(), 1, 1).and_then(|_| {
            let f = match &v[0] {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            f.and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| type_err(name, "a number or a string", &v[0]))
        }),
        _ => return None,
    })
}

/// `add`, `sub`, `mul`, `div` and `mod` of two integers, refusing overflow and division by zero.
fn arithmetic(name: &str, lower: &str, v: &[Value]) -> R<Value> {
    let (a, b) = (int_arg(name, &v[0])?, int_arg(name, &v[1])?);
    let r = match lower {
        "add" => a.checked_add(b),
        "sub" => a.checked_sub(b),
        "mul" => a.checked_mul(b),
        _ if b == 0 => return Err(fail(format!("The template language function '{name}' cannot divide by zero."))),
        "div" => a.checked_div(b),
        _ => a.checked_rem(b),
    };
    r.map(Value::from).ok_or_else(|| fail(format!("The template language function '{name}' overflowed.")))
}

/// `int(x)`.
fn to_int(name: &str, x: &Value) -> R<Value> {
    match x {
        Value::Number(n) => Ok(json!(n.as_i64().unwrap_or_else(|| n.as_f64().unwrap_or(0.0) as i64))),
        Value::String(s) => s.trim().parse::<i64>().map(Value::from).map_err(|_| {
            fail(format!("The template language function 'int' cannot convert the value '{s}' to an integer."))
        }),
        Value::Bool(b) => Ok(json!(i64::from(*b))),
        other => Err(type_err(name, "an integer or a string", other)),
    }
}

/// Resource ids, scopes, the deployment, copy loops, references, `list*`, hashes and time; `None` if
/// `lower` is not one of them.
fn deployment_fns(scope: &Scope, name: &str, lower: &str, v: &[Value]) -> Option<R<Value>> {
    Some(match lower {
        "resourceid" => resource_id_fn(scope, name, v).map(Value::from),
        "subscriptionresourceid" => subscription_resource_id(scope, name, v),
        "tenantresourceid" => strs(name, v).and_then(|s| {
            arity(name, s.len(), 2, usize::MAX)?;
            Ok(json!(build_id("", s[0], &s[1..]).map_err(Fail::Err)?))
        }),
        "extensionresourceid" => strs(name, v).and_then(|s| {
            arity(name, s.len(), 3, usize::MAX)?;
            Ok(json!(build_id(s[0], s[1], &s[2..]).map_err(Fail::Err)?))
        }),
        "resourcegroup" => no_args(name, v, scope.ctx.resource_group_object()),
        "subscription" => no_args(name, v, scope.ctx.subscription_object()),
        "tenant" => no_args(
            name,
            v,
            json!({"tenantId": scope.ctx.tenant_id, "id": format!("/tenants/{}", scope.ctx.tenant_id)}),
        ),
        "deployment" => no_args(name, v, scope.deployment.clone()),
        "environment" => no_args(name, v, scope.ctx.environment.clone()),
        "copyindex" => copy_index(scope, name, v),
        "reference" => reference(scope, name, v),
        "uniquestring" => {
            arity(name, v.len(), 1, usize::MAX).and_then(|_| Ok(json!(hash::unique_string(&strs(name, v)?))))
        }
        "guid" => arity(name, v.len(), 1, usize::MAX).and_then(|_| Ok(json!(hash::guid(&strs(name, v)?)))),
        "newguid" => no_args(name, v, json!(uuid::Uuid::new_v4().to_string())),
        "utcnow" => arity(name, v.len(), 0, 1).and_then(|_| {
            let fmt = v.first().map(|f| str_arg(name, f)).transpose()?.unwrap_or("yyyyMMddTHHmmssZ");
            Ok(json!(strings::format_datetime(&scope.ctx.now, fmt)))
        }),
        l if l.starts_with("list") && l.len() > 4 => arity(name, v.len(), 2, 3).and_then(|_| {
            let (target, api) = (str_arg(name, &v[0])?, str_arg(name, &v[1])?);
            scope.list(name, target, api, v.get(2))
        }),
        _ => return None,
    })
}

/// `subscriptionResourceId([subscriptionId,] type, names...)`.
fn subscription_resource_id(scope: &Scope, name: &str, v: &[Value]) -> R<Value> {
    let strs = strs(name, v)?;
    let ty_pos = strs
        .iter()
        .position(|s| s.contains('/'))
        .ok_or_else(|| fail(format!("The template language function '{name}' requires a resource type argument.")))?;
    let sub = if ty_pos == 1 { strs[0] } else { scope.ctx.subscription_id.as_str() };
    let scope_id = ResourceId::subscription(sub).to_string();
    Ok(json!(build_id(&scope_id, strs[ty_pos], &strs[ty_pos + 1..]).map_err(Fail::Err)?))
}

/// `copyIndex([loopName,] [offset])`.
fn copy_index(scope: &Scope, name: &str, v: &[Value]) -> R<Value> {
    arity(name, v.len(), 0, 2)?;
    let (loop_name, offset) = match v {
        [Value::String(s)] => (Some(s.as_str()), 0),
        [o] => (None, int_arg(name, o)?),
        [n, o] => (Some(str_arg(name, n)?), int_arg(name, o)?),
        _ => (None, 0),
    };
    Ok(json!(scope.copy_index(loop_name)? + offset))
}

/// `reference(resourceNameOrId, [apiVersion], ['Full'])`.
fn reference(scope: &Scope, name: &str, v: &[Value]) -> R<Value> {
    arity(name, v.len(), 1, 3)?;
    let target = str_arg(name, &v[0])?;
    let api = v.get(1).map(|a| str_arg(name, a)).transpose()?;
    let full = match v.get(2) {
        None => false,
        Some(f) if str_arg(name, f)?.eq_ignore_ascii_case("full") => true,
        Some(f) => return Err(fail(format!("The template language function 'reference' expects its third parameter to be 'Full'; the provided value is '{}'.", super::eval::to_plain_string(f)))),
    };
    scope.reference(target, api, full)
}

/// Checks the argument count.
pub fn arity(name: &str, n: usize, min: usize, max: usize) -> R<()> {
    if n >= min && n <= max {
        return Ok(());
    }
    let expected = if min == max {
        format!("{min} parameter(s)")
    } else if max == usize::MAX {
        format!("at least {min} parameter(s)")
    } else {
        format!("between {min} and {max} parameters")
    };
    Err(fail(format!("The template language function '{name}' expects {expected}, but {n} were provided.")))
}

/// ARM-style wrong-type error.
pub fn type_err(name: &str, expected: &str, got: &Value) -> Fail {
    fail(format!(
        "The template language function '{name}' expects its parameter to be {expected}. The provided value is of type '{}'.",
        type_name(got)
    ))
}

/// A string argument.
pub fn str_arg<'v>(name: &str, v: &'v Value) -> R<&'v str> {
    v.as_str().ok_or_else(|| type_err(name, "of type 'String'", v))
}

/// An integer argument.
pub fn int_arg(name: &str, v: &Value) -> R<i64> {
    v.as_i64().ok_or_else(|| type_err(name, "of type 'Integer'", v))
}

/// A boolean argument.
pub fn bool_arg(name: &str, v: &Value) -> R<bool> {
    v.as_bool().ok_or_else(|| type_err(name, "of type 'Boolean'", v))
}

fn strs<'v>(name: &str, v: &'v [Value]) -> R<Vec<&'v str>> {
    v.iter().map(|x| str_arg(name, x)).collect()
}

/// Deep equality; numbers by numeric value, strings case-sensitively.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        _ => a == b,
    }
}

fn compare(name: &str, a: &Value, b: &Value) -> R<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Ok(x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(std::cmp::Ordering::Equal)),
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        _ => Err(fail(format!(
            "The template language function '{name}' expects two parameters of the same type, integers or strings. The provided values are of type '{}' and '{}'.",
            type_name(a),
            type_name(b)
        ))),
    }
}

fn resource_id_fn(scope: &Scope, name: &str, v: &[Value]) -> R<String> {
    let strs = strs(name, v)?;
    let ty_pos = strs.iter().position(|s| s.contains('/')).ok_or_else(|| {
        fail(format!("Unable to evaluate template language function '{name}': the resource type argument is missing or invalid; it must be of the form 'Namespace/type'."))
    })?;
    let (sub, rg) = match ty_pos {
        0 => (scope.ctx.subscription_id.as_str(), scope.ctx.resource_group.as_str()),
        1 => (scope.ctx.subscription_id.as_str(), strs[0]),
        2 => (strs[0], strs[1]),
        _ => {
            return Err(fail(format!(
                "Unable to evaluate template language function '{name}': too many arguments before the resource type."
            )))
        }
    };
    build_id(&ResourceId::group(sub, rg).to_string(), strs[ty_pos], &strs[ty_pos + 1..]).map_err(Fail::Err)
}

/// Builds `{prefix}/providers/{ns}/{type1}/{name1}/{type2}/{name2}...` from a full type
/// (`ns/type1/type2`) and names (which may themselves contain `/`).
pub fn build_id(prefix: &str, full_type: &str, names: &[&str]) -> Result<String, TemplateError> {
    let mut segs = full_type.split('/');
    let ns = segs.next().unwrap_or_default();
    let types: Vec<&str> = segs.collect();
    let names: Vec<&str> = names.iter().flat_map(|n| n.split('/')).collect();
    if types.is_empty() || types.len() != names.len() {
        return Err(super::error::expr_error(format!(
            "Unable to evaluate template language function 'resourceId': the type '{full_type}' requires '{}' resource name argument(s), but '{}' were provided.",
            types.len(),
            names.len()
        )));
    }
    let id = ResourceId {
        namespace: Some(ns.to_string()),
        types: types.iter().map(|t| t.to_string()).collect(),
        names: names.iter().map(|n| n.to_string()).collect(),
        ..Default::default()
    };
    Ok(format!("{prefix}{id}"))
}
