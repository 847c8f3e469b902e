//! Array and object template functions: array, createArray, createObject, union,
//! intersection, range, first, last, take, skip, length, empty, contains, min, max,
//! indexOf/lastIndexOf on arrays, items and objectKeys. Several also accept strings.

use serde_json::{json, Map, Value};

use super::eval::{fail, R};
use super::functions::{arity, int_arg, str_arg, type_err, values_equal};

/// Dispatches array/object functions; `None` if `lower` is not one of them.
pub fn call(name: &str, lower: &str, v: &[Value]) -> Option<R<Value>> {
    Some(match lower {
        "array" => arity(name, v.len(), 1, 1).map(|_| match &v[0] {
            Value::Array(a) => Value::Array(a.clone()),
            other => json!([other]),
        }),
        "createarray" => Ok(Value::Array(v.to_vec())),
        "createobject" => create_object(name, v),
        "union" => arity(name, v.len(), 1, usize::MAX).and_then(|_| union(name, v)),
        "intersection" => arity(name, v.len(), 1, usize::MAX).and_then(|_| intersection(name, v)),
        "range" => arity(name, v.len(), 2, 2).and_then(|_| {
            let (start, count) = (int_arg(name, &v[0])?, int_arg(name, &v[1])?);
            if !(0..=10_000).contains(&count) || start.checked_add(count).is_none_or(|e| e > i64::from(i32::MAX)) {
                return Err(fail(format!(
                    "The template language function 'range' has an invalid count '{count}' for start index '{start}'."
                )));
            }
            Ok(Value::Array((start..start + count).map(Value::from).collect()))
        }),
        "first" | "last" => arity(name, v.len(), 1, 1).and_then(|_| match &v[0] {
            Value::Array(a) => {
                Ok((if lower == "first" { a.first() } else { a.last() }).cloned().unwrap_or(Value::Null))
            }
            Value::String(s) => {
                let c = if lower == "first" { s.chars().next() } else { s.chars().last() };
                Ok(json!(c.map(String::from).unwrap_or_default()))
            }
            other => Err(type_err(name, "an array or a string", other)),
        }),
        "take" | "skip" => arity(name, v.len(), 2, 2).and_then(|_| {
            let n = int_arg(name, &v[1])?.max(0) as usize;
            let take = lower == "take";
            match &v[0] {
                Value::Array(a) => {
                    let n = n.min(a.len());
                    Ok(Value::Array(if take { a[..n].to_vec() } else { a[n..].to_vec() }))
                }
                Value::String(s) => {
                    let chars: Vec<char> = s.chars().collect();
                    let n = n.min(chars.len());
                    Ok(json!(if take { &chars[..n] } else { &chars[n..] }.iter().collect::<String>()))
                }
                other => Err(type_err(name, "an array or a string", other)),
            }
        }),
        "length" => arity(name, v.len(), 1, 1).and_then(|_| match &v[0] {
            Value::Array(a) => Ok(json!(a.len())),
            Value::String(s) => Ok(json!(s.chars().count())),
            Value::Object(o) => Ok(json!(o.len())),
            other => Err(type_err(name, "an array, an object, or a string", other)),
        }),
        "empty" => arity(name, v.len(), 1, 1).and_then(|_| match &v[0] {
            Value::Null => Ok(json!(true)),
            Value::Array(a) => Ok(json!(a.is_empty())),
            Value::String(s) => Ok(json!(s.is_empty())),
            Value::Object(o) => Ok(json!(o.is_empty())),
            other => Err(type_err(name, "an array, an object, or a string", other)),
        }),
        "contains" => arity(name, v.len(), 2, 2).and_then(|_| match (&v[0], &v[1]) {
            (Value::String(s), item) => Ok(json!(s.contains(&super::strings::stringify(item)))),
            (Value::Array(a), item) => Ok(json!(a.iter().any(|x| values_equal(x, item)))),
            (Value::Object(o), key) => {
                let k = str_arg(name, key)?;
                Ok(json!(o.keys().any(|x| x.eq_ignore_ascii_case(k))))
            }
            (other, _) => Err(type_err(name, "an array, an object, or a string", other)),
        }),
        "min" | "max" => arity(name, v.len(), 1, usize::MAX).and_then(|_| {
            let items: &[Value] = match v {
                [Value::Array(a)] => a,
                _ => v,
            };
            let ints = items.iter().map(|x| int_arg(name, x)).collect::<R<Vec<i64>>>()?;
            let r = if lower == "min" { ints.iter().min() } else { ints.iter().max() };
            r.map(|x| json!(x))
                .ok_or_else(|| fail(format!("The template language function '{name}' expects a non-empty array.")))
        }),
        "indexof" | "lastindexof" => arity(name, v.len(), 2, 2).and_then(|_| {
            let a = v[0].as_array().ok_or_else(|| type_err(name, "an array or a string", &v[0]))?;
            let hit = |(_, x): &(usize, &Value)| values_equal(x, &v[1]);
            let found =
                if lower == "indexof" { a.iter().enumerate().find(hit) } else { a.iter().enumerate().rev().find(hit) };
            Ok(json!(found.map(|(i, _)| i as i64).unwrap_or(-1)))
        }),
        "items" => arity(name, v.len(), 1, 1).and_then(|_| {
            let o = v[0].as_object().ok_or_else(|| type_err(name, "an object", &v[0]))?;
            let mut entries: Vec<(&String, &Value)> = o.iter().collect();
            entries.sort_by_key(|(k, _)| k.to_lowercase());
            Ok(Value::Array(entries.into_iter().map(|(k, x)| json!({"key": k, "value": x})).collect()))
        }),
        "objectkeys" => arity(name, v.len(), 1, 1).and_then(|_| {
            let o = v[0].as_object().ok_or_else(|| type_err(name, "an object", &v[0]))?;
            Ok(Value::Array(o.keys().map(|k| json!(k)).collect()))
        }),
        _ => return None,
    })
}

fn create_object(name: &str, v: &[Value]) -> R<Value> {
    if v.len() % 2 == 1 {
        return Err(fail("The template language function 'createObject' must have an even number of parameters."));
    }
    let mut m = Map::new();
    for pair in v.chunks(2) {
        m.insert(str_arg(name, &pair[0])?.to_string(), pair[1].clone());
    }
    Ok(Value::Object(m))
}

fn merge(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (k, val) in from {
        match (into.get_mut(k), val) {
            (Some(Value::Object(a)), Value::Object(b)) => merge(a, b),
            _ => {
                into.insert(k.clone(), val.clone());
            }
        }
    }
}

fn union(name: &str, v: &[Value]) -> R<Value> {
    if v.iter().all(Value::is_object) {
        let mut m = Map::new();
        for o in v.iter().filter_map(Value::as_object) {
            merge(&mut m, o);
        }
        return Ok(Value::Object(m));
    }
    let mut out: Vec<Value> = Vec::new();
    for a in v {
        let arr = a.as_array().ok_or_else(|| type_err(name, "all arrays or all objects", a))?;
        for x in arr {
            if !out.iter().any(|y| values_equal(x, y)) {
                out.push(x.clone());
            }
        }
    }
    Ok(Value::Array(out))
}

fn intersection(name: &str, v: &[Value]) -> R<Value> {
    if v.iter().all(Value::is_object) {
        let first = v[0].as_object().cloned().unwrap_or_default();
        let m = first
            .into_iter()
            .filter(|(k, x)| v[1..].iter().all(|o| o.get(k).is_some_and(|y| values_equal(x, y))))
            .collect();
        return Ok(Value::Object(m));
    }
    let arrays = v
        .iter()
        .map(|a| a.as_array().ok_or_else(|| type_err(name, "all arrays or all objects", a)))
        .collect::<R<Vec<_>>>()?;
    let mut out: Vec<Value> = Vec::new();
    for x in arrays[0] {
        if arrays[1..].iter().all(|a| a.iter().any(|y| values_equal(x, y))) && !out.iter().any(|y| values_equal(x, y)) {
            out.push(x.clone());
        }
    }
    Ok(Value::Array(out))
}
