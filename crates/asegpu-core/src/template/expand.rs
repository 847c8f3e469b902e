//! Resource expansion for the deployment plan: evaluates `copy`, `condition`, `type`, `name`,
//! `apiVersion` (explicit or from the `apiProfile`), target scope, `location` and `dependsOn`
//! of each resource instance, recursing into nested child `resources`.

use crate::arm::resource_id::ResourceId;
use serde_json::Value;

use super::error::{TResult, TemplateError};
use super::eval::{Fail, Scope};
use super::functions::build_id;
use super::limits;
use super::plan::{get_ci, CopyInstance, PlannedResource};
use super::profiles;

fn eval_string(s: &Scope, v: Option<&Value>, what: &str, path: &str) -> TResult<Option<String>> {
    let Some(v) = v else { return Ok(None) };
    match s.render(v) {
        Ok(Value::String(x)) => Ok(Some(x)),
        Ok(Value::Null) => Ok(None),
        Ok(other) => Err(TemplateError::invalid_template(format!(
            "Deployment template validation failed: 'The template resource property '{what}' at '{path}' must be a string; got '{}'.'",
            super::eval::type_name(&other)
        )).with_target(path.to_string())),
        Err(Fail::Unknown) => Err(TemplateError::invalid_template(format!(
            "Deployment template validation failed: 'The template resource property '{what}' at '{path}' cannot use runtime functions such as 'reference' or 'list*'; its value must be known when the deployment starts.'"
        )).with_target(path.to_string())),
        Err(Fail::Err(e)) => Err(e.in_template_element("resource", what, path)),
    }
}

pub(super) fn expand(
    scope: &Scope,
    def: &Value,
    path: &str,
    parent: Option<usize>,
    profile: Option<&str>,
    out: &mut Vec<PlannedResource>,
) -> TResult<()> {
    if !def.is_object() {
        return Err(TemplateError::invalid_template(format!(
            "Deployment template validation failed: 'The template resource at '{path}' must be an object.'"
        ))
        .with_target(path.to_string()));
    }
    let copy = copy_spec(scope, def, path)?;
    // Every instance keeps a copy of the definition: charge them all to this evaluation before making them.
    let def_bytes = match limits::measure(def, limits::MAX_JSON_DEPTH, limits::MAX_VALUE_BYTES) {
        Ok(m) => m.bytes,
        Err(_) => limits::MAX_VALUE_BYTES,
    };
    scope.charge(def_bytes.saturating_mul(copy.count.max(0) as usize)).map_err(|f| fail_to_err(f, path))?;
    for idx in 0..copy.count {
        if out.len() >= limits::MAX_RESOURCES {
            return Err(TemplateError::invalid_template(format!(
                "Deployment template validation failed: 'The template expands to more than {0} resources at '{path}'; ARM accepts at most {0} resources (including copy count) in one template. Use a nested template for more.'",
                limits::MAX_RESOURCES
            ))
            .with_target(path.to_string()));
        }
        let s = match &copy.name {
            Some(n) => Scope { resource_loop: Some(n.clone()), ..scope.with_copy(n, idx) },
            None => scope.clone(),
        };
        let parent_res = parent.map(|p| out[p].clone());
        let mut planned = instance(&s, def, path, parent_res.as_ref(), profile)?;
        planned.parent = parent;
        planned.copy = copy.instance(idx);
        let my_index = out.len();
        out.push(planned);
        if let Some(children) = get_ci(def, "resources").and_then(Value::as_array) {
            for (j, child) in children.iter().enumerate() {
                expand(&s, child, &format!("{path}/resources[{j}]"), Some(my_index), profile, out)?;
            }
        }
    }
    Ok(())
}

/// A resource's `copy` property: its loop name, count, mode and batch size (one instance without it).
struct CopySpec {
    name: Option<String>,
    count: i64,
    mode: String,
    batch: Option<i64>,
}

impl CopySpec {
    fn instance(&self, index: i64) -> Option<CopyInstance> {
        let name = self.name.clone()?;
        Some(CopyInstance { name, index, count: self.count, mode: self.mode.clone(), batch_size: self.batch })
    }
}

fn copy_spec(scope: &Scope, def: &Value, path: &str) -> TResult<CopySpec> {
    let Some(c) = get_ci(def, "copy") else {
        return Ok(CopySpec { name: None, count: 1, mode: String::new(), batch: None });
    };
    let name = eval_string(scope, get_ci(c, "name"), "copy.name", path)?.ok_or_else(|| {
        TemplateError::invalid_template(format!("Deployment template validation failed: 'The copy property 'name' of the template resource at '{path}' is missing.'")).with_target(path.to_string())
    })?;
    let count = scope.count_value(get_ci(c, "count").unwrap_or(&Value::Null)).map_err(|f| fail_to_err(f, path))?;
    let mode = eval_string(scope, get_ci(c, "mode"), "copy.mode", path)?.unwrap_or_else(|| "Parallel".into());
    let batch = match get_ci(c, "batchSize") {
        Some(b) => Some(scope.count_value(b).map_err(|f| fail_to_err(f, path))?),
        None => None,
    };
    Ok(CopySpec { name: Some(name), count, mode, batch })
}

/// One instance of a resource definition, in the scope of its copy index (no parent or copy set yet).
fn instance(
    s: &Scope,
    def: &Value,
    path: &str,
    parent: Option<&PlannedResource>,
    profile: Option<&str>,
) -> TResult<PlannedResource> {
    let enabled = condition(s, def, path)? && parent.is_none_or(|p| p.enabled);
    let (resource_type, name) = type_and_name(s, def, path, parent)?;
    let explicit_api = eval_string(s, get_ci(def, "apiVersion"), "apiVersion", path)?;
    let api_version = profiles::resolve_api_version(explicit_api.as_deref(), profile, &resource_type, &name)
        .map_err(|e| e.with_target(path.to_string()))?;
    let rg = eval_string(s, get_ci(def, "resourceGroup"), "resourceGroup", path)?
        .or_else(|| parent.map(|p| p.resource_group.clone()))
        .unwrap_or_else(|| s.ctx.resource_group.clone());
    let sub = eval_string(s, get_ci(def, "subscriptionId"), "subscriptionId", path)?
        .or_else(|| parent.map(|p| p.subscription_id.clone()))
        .unwrap_or_else(|| s.ctx.subscription_id.clone());
    let id = build_id(&ResourceId::group(&sub, &rg).to_string(), &resource_type, &[name.as_str()]).map_err(|_| {
        TemplateError::invalid_template(format!(
            "Deployment template validation failed: 'The template resource '{name}' for type '{resource_type}' at '{path}' has incorrect segment lengths. A nested resource type must have identical number of segments as its resource name. A root resource type must have segment length one greater than its resource name.'"
        )).with_target(path.to_string())
    })?;
    let location = location(s, def, path, &name)?;
    Ok(PlannedResource {
        id,
        resource_type,
        name,
        api_version,
        location,
        subscription_id: sub,
        resource_group: rg,
        depends_on: Vec::new(),
        copy: None,
        path: path.to_string(),
        def: def.clone(),
        copy_stack: s.copy.clone(),
        loop_name: s.resource_loop.clone(),
        explicit: depends_on(s, def, path)?,
        parent: None,
        enabled,
    })
}

/// The resource's `condition` (true without one): a boolean, or the strings "true"/"false".
fn condition(s: &Scope, def: &Value, path: &str) -> TResult<bool> {
    let Some(c) = get_ci(def, "condition") else { return Ok(true) };
    match s.render(c) {
        Ok(Value::Bool(b)) => Ok(b),
        Ok(Value::String(t)) if t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false") => Ok(t.eq_ignore_ascii_case("true")),
        Ok(other) => Err(TemplateError::invalid_template(format!("Deployment template validation failed: 'The template resource at '{path}' has a condition of type '{}'; it must be a boolean.'", super::eval::type_name(&other))).with_target(format!("{path}/condition"))),
        Err(f) => Err(fail_to_err(f, &format!("{path}/condition"))),
    }
}

/// The full type and name: a child resource's short type and name are joined to its parent's.
fn type_and_name(s: &Scope, def: &Value, path: &str, parent: Option<&PlannedResource>) -> TResult<(String, String)> {
    let raw_type = eval_string(s, get_ci(def, "type"), "type", path)?.unwrap_or_default();
    let raw_name = eval_string(s, get_ci(def, "name"), "name", path)?.unwrap_or_default();
    if raw_type.is_empty() {
        return Err(TemplateError::invalid_template(format!("Deployment template validation failed: 'The template resource '{raw_name}' at '{path}' is missing the 'type' property.'")).with_target(path.to_string()));
    }
    Ok(match parent {
        Some(p) if !raw_type.contains('/') => {
            (format!("{}/{raw_type}", p.resource_type), format!("{}/{raw_name}", p.name))
        }
        _ => (raw_type, raw_name),
    })
}

/// The `location` when it is a string known before the deployment starts.
fn location(s: &Scope, def: &Value, path: &str, name: &str) -> TResult<Option<String>> {
    let Some(l) = get_ci(def, "location") else { return Ok(None) };
    match s.render(l) {
        Ok(Value::String(x)) => Ok(Some(x)),
        Ok(_) | Err(Fail::Unknown) => Ok(None),
        Err(Fail::Err(e)) => Err(e.in_template_element("resource", name, &format!("{path}/location"))),
    }
}

/// The explicit `dependsOn` entries, evaluated.
fn depends_on(s: &Scope, def: &Value, path: &str) -> TResult<Vec<String>> {
    let mut explicit = Vec::new();
    for (j, d) in get_ci(def, "dependsOn").and_then(Value::as_array).into_iter().flatten().enumerate() {
        if let Some(x) = eval_string(s, Some(d), "dependsOn", &format!("{path}/dependsOn[{j}]"))? {
            explicit.push(x);
        }
    }
    Ok(explicit)
}

fn fail_to_err(f: Fail, path: &str) -> TemplateError {
    match f {
        Fail::Err(e) => e.in_template_element("resource", path, path),
        Fail::Unknown => TemplateError::invalid_template(format!(
            "Deployment template validation failed: 'The template resource at '{path}' uses a runtime function where its value must be known when the deployment starts.'"
        )).with_target(path.to_string()),
    }
}
