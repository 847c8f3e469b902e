//! Parameter binding: supplied values (a parameters object or a whole parameters file) are
//! matched case-insensitively to the template's declarations, defaults are evaluated (they may
//! reference other parameters), and types, `allowedValues`, `minValue`/`maxValue` and
//! `minLength`/`maxLength` are checked with ARM's messages.

use serde_json::{json, Map, Value};

use super::error::{TResult, TemplateError};
use super::eval::{to_plain_string, type_name, Def, Fail, Scope, Store};
use super::functions::values_equal;

/// A declared parameter after binding.
#[derive(Debug, Clone)]
pub struct ParamInfo {
    /// Name as declared.
    pub name: String,
    /// ARM type name as reported in deployment results (`String`, `SecureString`, `Int`, ...).
    pub type_name: String,
    /// True for `securestring` / `secureObject`.
    pub secure: bool,
    /// Final value.
    pub value: Value,
}

const PARAMS_HELP: &str = "Please see https://aka.ms/arm-pass-parameter-values for usage details.";

/// Normalises a parameter type to ARM's result casing; `None` if unknown.
pub fn canonical_type(t: &str) -> Option<&'static str> {
    Some(match t.to_ascii_lowercase().as_str() {
        "string" => "String",
        "securestring" => "SecureString",
        "int" => "Int",
        "bool" => "Bool",
        "object" => "Object",
        "secureobject" => "SecureObject",
        "array" => "Array",
        _ => return None,
    })
}

/// Accepts either the inner `parameters` object (`{"name": {"value": ...}}`) or a whole
/// parameters file (`{"$schema", "contentVersion", "parameters": {...}}`).
pub fn normalize_supplied(supplied: Option<&Value>) -> TResult<Map<String, Value>> {
    let Some(v) = supplied else {
        return Ok(Map::new());
    };
    let obj = match v {
        Value::Null => return Ok(Map::new()),
        Value::Object(o) => o,
        other => {
            return Err(TemplateError::new(
                "InvalidRequestContent",
                format!("The deployment parameters must be a JSON object; got '{}'.", type_name(other)),
            ))
        }
    };
    let is_file = obj.contains_key("$schema")
        || (obj.contains_key("contentVersion") && obj.get("parameters").is_some_and(Value::is_object));
    if is_file {
        return Ok(obj.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default());
    }
    Ok(obj.clone())
}

/// Binds parameters. `scope` must have empty parameter/variable stores; it supplies the
/// context for evaluating defaults. Returns the final store and per-parameter info.
pub fn bind(template: &Value, supplied: Option<&Value>, scope: &Scope) -> TResult<(Store, Vec<ParamInfo>)> {
    let decls = match template.get("parameters") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(o)) => o.clone(),
        Some(_) => {
            return Err(TemplateError::invalid_template(
                "Deployment template validation failed: 'The template 'parameters' property must be an object.'",
            ))
        }
    };
    super::limits::check_count(decls.len(), super::limits::MAX_PARAMETERS, "parameters", "/parameters")?;
    let supplied = normalize_supplied(supplied)?;
    refuse_unknown(&decls, &supplied)?;
    let mut store = Store::new("parameter");
    let mut types = Vec::new();
    for (name, decl) in &decls {
        let ty = decl.get("type").and_then(Value::as_str).unwrap_or("");
        let canon = canonical_type(ty).ok_or_else(|| {
            TemplateError::invalid_template(format!(
                "Deployment template validation failed: 'The template parameter '{name}' has an invalid type '{ty}'. The supported types are 'string, securestring, int, bool, object, secureObject, array'.'"
            )).with_target(format!("/parameters/{name}"))
        })?;
        types.push((name.clone(), canon));
        let given = supplied.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v);
        match (given, decl.get("defaultValue")) {
            (Some(entry), _) => store.set_value(name, supplied_value(name, entry)?),
            (None, Some(d)) => store.set_def(name, Def::Plain(d.clone())),
            (None, None) => {
                return Err(TemplateError::invalid_template(format!(
                    "Deployment template validation failed: 'The value for the template parameter '{name}' is not provided. {PARAMS_HELP}'."
                )).with_target(name.clone()))
            }
        }
    }
    let infos = evaluate(&store, &types, &decls, scope)?;
    let mut final_store = Store::new("parameter");
    for info in &infos {
        final_store.set_value(&info.name, info.value.clone());
    }
    Ok((final_store, infos))
}

/// Parameters supplied that the template does not declare are refused, as ARM does.
fn refuse_unknown(decls: &Map<String, Value>, supplied: &Map<String, Value>) -> TResult<()> {
    let unknown: Vec<&str> =
        supplied.keys().filter(|k| !decls.keys().any(|d| d.eq_ignore_ascii_case(k))).map(String::as_str).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let allowed: Vec<&str> = decls.keys().map(String::as_str).collect();
    Err(TemplateError::invalid_template(format!(
        "Deployment template validation failed: 'The template parameters '{}' in the parameters file are not valid; they are not present in the original template and can therefore not be provided at deployment time. The only supported parameters for this template are '{}'. {PARAMS_HELP}'.",
        unknown.join(", "),
        allowed.join(", ")
    )).with_target(unknown.join(", ")))
}

/// A supplied parameter's value: `{"value": ...}` (a Key Vault `reference` is not supported).
fn supplied_value(name: &str, entry: &Value) -> TResult<Value> {
    match entry.as_object() {
        Some(o) if o.contains_key("value") => Ok(o["value"].clone()),
        Some(o) if o.contains_key("reference") => Err(TemplateError::invalid_deployment(format!(
            "The parameter '{name}' uses a Key Vault reference, which is not supported by this engine."
        ))),
        _ => Err(TemplateError::invalid_template(format!(
            "Deployment template validation failed: 'The value for the template parameter '{name}' must be an object with a 'value' property. {PARAMS_HELP}'."
        )).with_target(name.to_string())),
    }
}

/// Every parameter's value (defaults evaluated, which may use other parameters), validated against its
/// declaration.
fn evaluate(
    store: &Store,
    types: &[(String, &'static str)],
    decls: &Map<String, Value>,
    scope: &Scope,
) -> TResult<Vec<ParamInfo>> {
    let s = Scope { params: store, ..scope.clone() };
    let mut infos = Vec::new();
    for (name, canon) in types {
        let value = store.get(name, &s).map_err(|f| match f {
            Fail::Err(e) => e.in_template_element("parameter", name, &format!("/parameters/{name}")),
            Fail::Unknown => TemplateError::invalid_template(format!(
                "Deployment template validation failed: 'The template parameter '{name}' default value uses a runtime function, which is not allowed.'"
            )),
        })?;
        validate(name, canon, &decls[name], &value)?;
        infos.push(ParamInfo {
            name: name.clone(),
            type_name: canon.to_string(),
            secure: canon.starts_with("Secure"),
            value,
        });
    }
    Ok(infos)
}

fn invalid(name: &str, msg: String) -> TemplateError {
    TemplateError::invalid_template(format!("Deployment template validation failed: '{msg}'."))
        .with_target(name.to_string())
}

fn validate(name: &str, canon: &str, decl: &Value, value: &Value) -> TResult<()> {
    let ok = match canon {
        "String" | "SecureString" => value.is_string(),
        "Int" => value.is_i64() || value.is_u64(),
        "Bool" => value.is_boolean(),
        "Object" | "SecureObject" => value.is_object(),
        _ => value.is_array(),
    };
    if !ok {
        let expected = match canon {
            "String" | "SecureString" => "String",
            "Int" => "Integer",
            "Bool" => "Boolean",
            "Object" | "SecureObject" => "Object",
            _ => "Array",
        };
        return Err(invalid(name, format!(
            "Template parameter JToken type is not valid for parameter '{name}'. Expected '{expected}'. Actual '{}'. Please see https://aka.ms/resource-manager-parameter-files for usage details.",
            type_name(value)
        )));
    }
    let shown = if canon.starts_with("Secure") { "<secure>".to_string() } else { to_plain_string(value) };
    if let Some(allowed) = decl.get("allowedValues").and_then(Value::as_array) {
        let is_allowed = |v: &Value| allowed.iter().any(|a| values_equal(a, v));
        let pass = match value {
            Value::Array(items) if !allowed.iter().any(Value::is_array) => items.iter().all(is_allowed),
            v => is_allowed(v),
        };
        if !pass {
            let list: Vec<String> = allowed.iter().map(to_plain_string).collect();
            return Err(invalid(name, format!(
                "The provided value '{shown}' for the template parameter '{name}' is not valid. The parameter value is not part of the allowed value(s): '{}'.",
                list.join(",")
            )));
        }
    }
    if let Some(n) = value.as_i64() {
        if let Some(min) = decl.get("minValue").and_then(Value::as_i64).filter(|m| n < *m) {
            return Err(invalid(name, format!("The provided value '{n}' for the template parameter '{name}' is not valid. The parameter value is less than the minimum value '{min}'.")));
        }
        if let Some(max) = decl.get("maxValue").and_then(Value::as_i64).filter(|m| n > *m) {
            return Err(invalid(name, format!("The provided value '{n}' for the template parameter '{name}' is not valid. The parameter value exceeds the maximum value '{max}'.")));
        }
    }
    let len = match value {
        Value::String(s) => Some(s.chars().count() as i64),
        Value::Array(a) => Some(a.len() as i64),
        _ => None,
    };
    if let Some(len) = len {
        if let Some(min) = decl.get("minLength").and_then(Value::as_i64).filter(|m| len < *m) {
            return Err(invalid(name, format!("The provided value for the template parameter '{name}' is not valid. Length of the value should be greater than or equal to '{min}'.")));
        }
        if let Some(max) = decl.get("maxLength").and_then(Value::as_i64).filter(|m| len > *m) {
            return Err(invalid(name, format!("The provided value for the template parameter '{name}' is not valid. Length of the value should be less than or equal to '{max}'.")));
        }
    }
    Ok(())
}

/// Parameters as reported in a deployment result: `{"name": {"type": "String", "value": ...}}`;
/// secure parameters carry only their type, never their value.
pub fn parameters_output(infos: &[ParamInfo]) -> Value {
    let mut m = Map::new();
    for p in infos {
        let entry =
            if p.secure { json!({"type": p.type_name}) } else { json!({"type": p.type_name, "value": p.value}) };
        m.insert(p.name.clone(), entry);
    }
    Value::Object(m)
}
