//! Planning: a PUT or validate body parsed and checked (limits, depth, the template engine) into a plan.

use super::*;

pub(super) fn context(shared: &Shared, host: &str, d: &Record) -> DeploymentContext {
    let mut ctx = DeploymentContext::new(&d.sub, &d.rg, asegpu_core::device::LOCATION, &d.name);
    ctx.mode = d.mode.clone();
    if let Some(t) = chrono::DateTime::from_timestamp_millis(d.started_ms) {
        ctx.now = t;
    }
    ctx.environment = template::context::default_environment(
        &format!("https://{host}/"),
        &format!("{}.{}", shared.cfg.device_name, shared.cfg.dns_domain),
    );
    ctx
}

/// Re-plan a deployment from its stored template (root) or from its parent's plan (nested).
pub(super) fn plan(
    shared: &Shared,
    host: &str,
    records: &std::collections::BTreeMap<String, Record>,
    key: &str,
    depth: usize,
) -> Result<Deployment, TemplateError> {
    let d = records
        .get(key)
        .ok_or_else(|| TemplateError::new("DeploymentNotFound", format!("Deployment '{key}' could not be found.")))?;
    match &d.parent {
        Some((pkey, idx)) if depth < 16 => {
            let parent = plan(shared, host, records, pkey, depth + 1)?;
            parent.nested(*idx, &SimResolver { shared, host: host.to_string() })
        }
        Some(_) => Err(TemplateError::invalid_template("Nested deployments are nested too deeply.")),
        None => Deployment::new(&d.template, Some(&d.parameters), context(shared, host, d)),
    }
}

/// Everything a PUT or validate needs from the request body.
pub(super) struct Prepared {
    pub(super) template: Value,
    pub(super) parameters: Value,
    pub(super) mode: String,
    pub(super) plan_hash: String,
    pub(super) parameters_output: Value,
    pub(super) providers: Value,
    pub(super) dependencies: Value,
}

pub(super) fn get_ci<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, x)| x).filter(|x| !x.is_null())
}

pub(super) fn template_error(e: &TemplateError) -> Resp {
    json_resp(400, &e.to_error_body())
}

/// How deep a deployment's JSON may nest (objects and arrays), as every other ARM body here (serde_json's
/// limit). The lenient template parser recurses once per level: a 12 KB body of 6,000 nested arrays used to
/// overflow the stack and abort the emulator, so deeper documents are refused before they are parsed.
pub const MAX_JSON_DEPTH: usize = 128;

/// How deep a template expression may nest (function calls and indexes: `[concat(concat(...))]`). The
/// template engine evaluates an expression recursively with large frames: 64 nested calls in a 4 KB
/// request overflowed a 2 MiB worker stack (debug build) and aborted the emulator. Real templates nest a
/// handful of levels; this limit is the emulator's (ARM documents none).
pub const MAX_EXPRESSION_DEPTH: usize = 32;

/// How deep `(`/`[` nest in a template expression (`[...]`, not the `[[` escape), outside its '...'
/// string literals; 0 for a string that is no expression.
pub(super) fn expression_depth(s: &[u8]) -> usize {
    if s.first() != Some(&b'[') || s.get(1) == Some(&b'[') {
        return 0;
    }
    let (mut depth, mut max, mut quoted) = (0usize, 0usize, false);
    for &c in &s[1..] {
        match c {
            b'\'' => quoted = !quoted,
            b'(' | b'[' if !quoted => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Whether `text` (JSON with comments, as the template parser reads it) nests deeper than `max` (`{`/`[`
/// outside strings and comments), or holds a template expression nesting deeper than
/// [`MAX_EXPRESSION_DEPTH`]; linear, no recursion.
pub fn nests_deeper_than(text: &str, max: usize) -> bool {
    let b = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                let start = i;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if expression_depth(&b[start..i.min(b.len())]) > MAX_EXPRESSION_DEPTH {
                    return true;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

pub(super) fn too_deep(what: &str) -> Resp {
    arm_error(
        400,
        "InvalidRequestContent",
        &format!("The request content was invalid and could not be deserialized: the {what} nests deeper than {MAX_JSON_DEPTH} levels, or holds a template expression nesting deeper than {MAX_EXPRESSION_DEPTH}."),
    )
}

/// `properties.mode`: only Incremental (Complete would delete what the template does not declare).
fn deployment_mode(props: &Value) -> Result<String, Resp> {
    match get_ci(props, "mode").and_then(Value::as_str) {
        Some(m) if m.eq_ignore_ascii_case("Incremental") => Ok("Incremental".to_string()),
        Some(m) if m.eq_ignore_ascii_case("Complete") => Err(arm_error(
            400,
            "InvalidDeploymentMode",
            "The deployment mode 'Complete' is not supported by this device: it would delete every resource of the resource group that the template does not declare. Use the 'Incremental' mode.",
        )),
        Some(m) => Err(arm_error(400, "InvalidRequestContent", &format!("The request content was invalid and could not be deserialized: 'Error converting value \"{m}\" to type 'DeploymentMode'. Path 'properties.mode'.'"))),
        None => Err(arm_error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Required property 'mode' not found in JSON. Path 'properties'.'")),
    }
}

/// A `templateLink` or `parametersLink`: the device has no internet access to fetch it.
fn unreachable_link(what: &str, link: &Value) -> Resp {
    let uri = link.get("uri").and_then(Value::as_str).unwrap_or("");
    arm_error(
        400,
        "InvalidContentLink",
        &format!("Unable to download deployment content from '{uri}': this device has no internet access and cannot fetch a {what} link. Send the {what} inline (properties.{what}) instead, e.g. with --template-file/--parameters @file."),
    )
}

/// `properties.template`: an object, or a JSON string of one (JSONC, as the Azure CLI may send).
fn inline_template(props: &Value) -> Result<Value, Resp> {
    match (get_ci(props, "template"), get_ci(props, "templateLink")) {
        (Some(Value::String(s)), _) if nests_deeper_than(s, MAX_JSON_DEPTH) => Err(too_deep("template")),
        (Some(Value::String(s)), _) => jsonc::parse_template(s).map_err(|e| template_error(&e)),
        (Some(t @ Value::Object(_)), _) => Ok(t.clone()),
        (Some(_), _) => Err(arm_error(
            400,
            "InvalidTemplate",
            "Deployment template validation failed: the template must be a JSON object.",
        )),
        (None, Some(link)) => Err(unreachable_link("template", link)),
        (None, None) => Err(arm_error(
            400,
            "InvalidDeployment",
            "The deployment must have either 'template' or 'templateLink' in its properties.",
        )),
    }
}

pub(super) fn prepare(shared: &Shared, req: &Req, scope: &Scope, name: &str) -> Result<Prepared, Resp> {
    let text = String::from_utf8_lossy(&req.body);
    if text.trim().is_empty() {
        return Err(arm_error(
            400,
            "InvalidRequestContent",
            "The request content was invalid and could not be deserialized: the body is empty.",
        ));
    }
    if nests_deeper_than(&text, MAX_JSON_DEPTH) {
        return Err(too_deep("request body"));
    }
    let body = jsonc::parse_request(&text).map_err(|e| template_error(&e))?;
    let Some(props) = get_ci(&body, "properties").filter(|p| p.is_object()) else {
        return Err(arm_error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Required property 'properties' not found in JSON.'"));
    };
    let mode = deployment_mode(props)?;
    let template = inline_template(props)?;
    let parameters = match (get_ci(props, "parameters"), get_ci(props, "parametersLink")) {
        (Some(Value::String(s)), _) if nests_deeper_than(s, MAX_JSON_DEPTH) => return Err(too_deep("parameters")),
        (Some(Value::String(s)), _) => jsonc::parse_template(s).map_err(|e| template_error(&e))?,
        (Some(p), _) => p.clone(),
        (None, Some(link)) => return Err(unreachable_link("parameters", link)),
        (None, None) => json!({}),
    };
    let mut ctx = DeploymentContext::new(&scope.sub, scope.rg(), asegpu_core::device::LOCATION, name);
    ctx.mode = mode.clone();
    ctx.environment = template::context::default_environment(
        &req.base(),
        &format!("{}.{}", shared.cfg.device_name, shared.cfg.dns_domain),
    );
    let plan = Deployment::new(&template, Some(&parameters), ctx).map_err(|e| template_error(&e))?;
    // Preflight: every resource and output must evaluate (runtime values stay unknown).
    for i in 0..plan.resources().len() {
        plan.render(i, &template::NoResolver, RenderMode::Preview).map_err(|e| template_error(&e))?;
    }
    plan.outputs(&template::NoResolver, RenderMode::Preview).map_err(|e| template_error(&e))?;
    // Every target resource group must exist.
    {
        let st = shared.lock();
        for r in plan.resources() {
            if !st.resource_groups.contains_key(&r.resource_group.to_ascii_lowercase()) {
                return Err(arm_error(
                    404,
                    "ResourceGroupNotFound",
                    &format!("Resource group '{}' could not be found (target of '{}').", r.resource_group, r.name),
                ));
            }
        }
    }
    Ok(Prepared {
        plan_hash: plan.template_hash(),
        parameters_output: plan.parameters_output(),
        providers: providers_of(&plan),
        dependencies: dependencies_of(&plan),
        template,
        parameters,
        mode,
    })
}
