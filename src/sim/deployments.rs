//! Microsoft.Resources/deployments at resource-group scope: template deployments executed by the library's
//! ARM template engine ([`crate::template`]) against the emulated device.
//!
//! * `PUT` parses the body leniently (the Azure CLI sends an unquoted `template:` key with the raw template
//!   text, comments included), validates the template (400 `InvalidTemplate`/`InvalidTemplateDeployment`),
//!   stores the deployment and answers 201 `Accepted` with `Azure-AsyncOperation` + `Retry-After`.
//! * Execution is lazy: [`pump`] (called while handling ARM requests; there is no background task) starts
//!   every resource whose dependencies succeeded, in the engine's dependency order, rendering it with a
//!   [`Resolver`] backed by the emulator's state, and sends it through the same provider handlers as a direct
//!   ARM call (a synthetic request), so GPU, IP and VHD rules apply identically. A resource whose handler
//!   answers with a long-running operation is finished when that operation is. Nested
//!   `Microsoft.Resources/deployments` run as child deployments.
//! * Failures are reported the ARM way: `DeploymentFailed` with per-resource details, deployment operations
//!   with `statusCode`/`statusMessage`, and the operation status `{"status":"Failed","error":{...}}`.
//! * `GET` (one, list), `HEAD`, `DELETE` (the history entry), `POST validate`, `cancel`, `exportTemplate`,
//!   operations (also at the older path without `providers/Microsoft.Resources`), operation statuses.

use super::http::{arm_error, empty, format_time, json_resp, with_header, Req, Resp};
use super::resources::{self as res, Scope};
use super::server::{now_ms, Shared};
use super::state::State;
use crate::template::{self, jsonc, Deployment, DeploymentContext, RenderMode, Resolver, TemplateError};
use bytes::Bytes;
use hyper::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Mutex;

pub const TYPE: &str = "Microsoft.Resources/deployments";
const INGESTION_TYPE: &str = "Microsoft.AzureBridge/locations/ingestionJobs";
const DEPLOYMENT_FAILED: &str =
    "At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/DeployOperations for usage details.";

/// A deployment (the history entry), persisted with the rest of the state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub id: String,
    pub name: String,
    pub sub: String,
    pub rg: String,
    pub mode: String,
    /// The template as sent (root deployments); nested ones are re-planned from their parent.
    #[serde(default)]
    pub template: Value,
    /// The supplied parameters (inner form), secure values included (never sent back).
    #[serde(default)]
    pub parameters: Value,
    /// `Accepted`, `Running`, `Succeeded`, `Failed`, `Canceled`.
    pub state: String,
    pub correlation_id: String,
    /// Id of the `operationStatuses` resource.
    pub op_id: String,
    pub started_ms: i64,
    #[serde(default)]
    pub ended_ms: Option<i64>,
    pub template_hash: String,
    pub parameters_output: Value,
    pub providers: Value,
    pub dependencies: Value,
    #[serde(default)]
    pub outputs: Value,
    #[serde(default)]
    pub error: Option<Value>,
    /// Started resources (deployment operations), by planned resource index.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Nested deployments: (key of the parent deployment, index of this resource in the parent's plan).
    #[serde(default)]
    pub parent: Option<(String, usize)>,
}

/// One deployment operation: a resource the deployment started.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub index: usize,
    pub op_id: String,
    pub id: String,
    pub rtype: String,
    pub rname: String,
    /// `Running`, `Succeeded`, `Failed`.
    pub state: String,
    pub started_ms: i64,
    #[serde(default)]
    pub ended_ms: Option<i64>,
    pub status_code: String,
    #[serde(default)]
    pub status_message: Option<Value>,
    /// The provider operation (`st.operations`) this resource waits for.
    #[serde(default)]
    pub wait_op: Option<String>,
    /// The nested deployment (key) this resource waits for.
    #[serde(default)]
    pub nested: Option<String>,
    #[serde(default)]
    pub service_request_id: String,
}

fn active(d: &Record) -> bool {
    matches!(d.state.as_str(), "Accepted" | "Running")
}

fn op_hex() -> String {
    format!("{:016X}", (uuid::Uuid::new_v4().as_u128() >> 64) as u64)
}

fn fmt_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(format_time).unwrap_or_default()
}

/// ISO 8601 duration as ARM prints it (`PT1.2345S`).
fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    format!("PT{}.{:03}S", ms / 1000, ms % 1000)
}

/// Deployments are stored under their lower-case id.
pub fn deployment_id(sub: &str, rg: &str, name: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/{TYPE}/{name}")
}

// ---------------------------------------------------------------------------------------------------
// Rendering records

pub fn deployment_json(d: &Record) -> Value {
    let end = d.ended_ms.unwrap_or_else(now_ms);
    let mut p = json!({
        "templateHash": d.template_hash,
        "parameters": d.parameters_output,
        "mode": d.mode,
        "provisioningState": d.state,
        "timestamp": fmt_ms(d.ended_ms.unwrap_or(d.started_ms)),
        "duration": duration(end - d.started_ms),
        "correlationId": d.correlation_id,
        "providers": d.providers,
        "dependencies": d.dependencies,
    });
    if d.state == "Succeeded" {
        p["outputs"] = if d.outputs.is_object() { d.outputs.clone() } else { json!({}) };
        let out: Vec<Value> = d.steps.iter().filter(|s| s.nested.is_none()).map(|s| json!({ "id": s.id })).collect();
        p["outputResources"] = json!(out);
    } else if d.state != "Failed" {
        p["outputs"] = json!({});
    }
    if let Some(e) = &d.error {
        p["error"] = e.clone();
    }
    json!({ "id": d.id, "name": d.name, "type": TYPE, "properties": p })
}

fn operation_json(d: &Record, s: &Step) -> Value {
    let end = s.ended_ms.unwrap_or_else(now_ms);
    let mut p = json!({
        "provisioningOperation": "Create",
        "provisioningState": s.state,
        "timestamp": fmt_ms(s.ended_ms.unwrap_or(s.started_ms)),
        "duration": duration(end - s.started_ms),
        "trackingId": s.op_id,
        "serviceRequestId": s.service_request_id,
        "statusCode": s.status_code,
        "targetResource": { "id": s.id, "resourceType": s.rtype, "resourceName": s.rname },
    });
    if let Some(m) = &s.status_message {
        p["statusMessage"] = m.clone();
    }
    json!({ "id": format!("{}/operations/{}", d.id, s.op_id), "operationId": s.op_id, "properties": p })
}

fn providers_of(plan: &Deployment) -> Value {
    let mut by_ns: Vec<(String, Vec<String>)> = Vec::new();
    for r in plan.resources() {
        let (ns, t) = r.resource_type.split_once('/').unwrap_or((&r.resource_type, ""));
        let ns = res::canonical_ns(ns);
        let i = match by_ns.iter().position(|(n, _)| n.eq_ignore_ascii_case(&ns)) {
            Some(i) => i,
            None => {
                by_ns.push((ns.clone(), Vec::new()));
                by_ns.len() - 1
            }
        };
        if !by_ns[i].1.iter().any(|x| x.eq_ignore_ascii_case(t)) {
            by_ns[i].1.push(t.to_string());
        }
    }
    json!(by_ns
        .into_iter()
        .map(|(ns, types)| json!({
            "namespace": ns,
            "resourceTypes": types.into_iter().map(|t| json!({ "resourceType": t, "locations": [crate::device::LOCATION] })).collect::<Vec<_>>(),
        }))
        .collect::<Vec<_>>())
}

fn type_and_name_of_id(id: &str) -> (String, String) {
    let parts: Vec<&str> = id.split('/').filter(|s| !s.is_empty()).collect();
    let Some(p) = parts.iter().rposition(|s| s.eq_ignore_ascii_case("providers")) else {
        return (String::new(), res::id_name(id));
    };
    let rest = &parts[p + 1..];
    if rest.is_empty() {
        return (String::new(), String::new());
    }
    let mut types = vec![rest[0].to_string()];
    let mut names = Vec::new();
    for (i, s) in rest[1..].iter().enumerate() {
        if i % 2 == 0 {
            types.push(s.to_string());
        } else {
            names.push(s.to_string());
        }
    }
    (types.join("/"), names.join("/"))
}

fn dependencies_of(plan: &Deployment) -> Value {
    let rs = plan.resources();
    let target = |id: &str| match rs.iter().find(|r| r.id.eq_ignore_ascii_case(id)) {
        Some(r) => json!({ "id": r.id, "resourceType": r.resource_type, "resourceName": r.name }),
        None => {
            let (t, n) = type_and_name_of_id(id);
            json!({ "id": id, "resourceType": t, "resourceName": n })
        }
    };
    json!(rs
        .iter()
        .filter(|r| !r.depends_on.is_empty())
        .map(|r| json!({
            "dependsOn": r.depends_on.iter().map(|d| target(d)).collect::<Vec<_>>(),
            "id": r.id, "resourceType": r.resource_type, "resourceName": r.name,
        }))
        .collect::<Vec<_>>())
}

// ---------------------------------------------------------------------------------------------------
// The resolver: reference() and list*() against the emulator's state, through the same handlers.

pub struct SimResolver<'a> {
    pub shared: &'a Shared,
    pub host: String,
}

impl Resolver for SimResolver<'_> {
    fn reference(&self, resource_id: &str, _api_version: Option<&str>, full: bool) -> Result<Value, TemplateError> {
        let st = self.shared.lock();
        if let Some(d) = st.deployments.get(&res::key(resource_id)) {
            let v = deployment_json(d);
            return Ok(if full { v } else { v["properties"].clone() });
        }
        match res::get(&st, resource_id) {
            Some(v) => {
                let v = res::public(v);
                Ok(if full { v } else { v["properties"].clone() })
            }
            None => {
                let (t, n) = type_and_name_of_id(resource_id);
                let rg = res::id_rg(resource_id).unwrap_or_default();
                Err(TemplateError::new(
                    "ResourceNotFound",
                    format!("The Resource '{t}/{n}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"),
                )
                .with_target(resource_id.to_string()))
            }
        }
    }

    fn list(
        &self,
        function: &str,
        resource_id: &str,
        api_version: &str,
        body: Option<&Value>,
    ) -> Result<Value, TemplateError> {
        let path = format!("{}/{function}", resource_id.trim_end_matches('/'));
        let body = body.map(|b| serde_json::to_vec(b).unwrap_or_default()).unwrap_or_default();
        let (status, _, v) = call(self.shared, &self.host, Method::POST, &path, api_version, body);
        if status < 300 {
            return Ok(v);
        }
        let e = &v["error"];
        Err(TemplateError::new(
            e["code"].as_str().unwrap_or("ResourceNotFound"),
            e["message"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| format!("'{function}' on '{resource_id}' failed with status {status}.")),
        )
        .with_target(resource_id.to_string()))
    }
}

/// Send a synthetic ARM request for a resource id through the same routing as a direct call.
fn call(
    shared: &Shared,
    host: &str,
    method: Method,
    id: &str,
    api_version: &str,
    body: Vec<u8>,
) -> (u16, hyper::HeaderMap, Value) {
    let q: String =
        url::form_urlencoded::Serializer::new(String::new()).append_pair("api-version", api_version).finish();
    let path: String = id
        .split('/')
        .map(|s| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
                .replace("%2E", ".")
                .replace("%2D", "-")
                .replace("%5F", "_")
        })
        .collect::<Vec<_>>()
        .join("/");
    let uri: hyper::Uri = match format!("{path}?{q}").parse() {
        Ok(u) => u,
        Err(e) => {
            return (
                400,
                Default::default(),
                json!({ "error": { "code": "InvalidResourceId", "message": format!("'{id}' is not a valid resource id: {e}") } }),
            )
        }
    };
    let mut headers = hyper::HeaderMap::new();
    if let Ok(h) = host.parse() {
        headers.insert(hyper::header::HOST, h);
    }
    headers.insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("application/json"));
    let req = Req::new(method, &uri, headers, Bytes::from(body));
    let resp = super::arm::provider_request(shared, &req);
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = futures_util::FutureExt::now_or_never(http_body_util::BodyExt::collect(resp.into_body()))
        .and_then(|r| r.ok())
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

// ---------------------------------------------------------------------------------------------------
// Planning

fn context(shared: &Shared, host: &str, d: &Record) -> DeploymentContext {
    let mut ctx = DeploymentContext::new(&d.sub, &d.rg, crate::device::LOCATION, &d.name);
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
fn plan(
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
struct Prepared {
    template: Value,
    parameters: Value,
    mode: String,
    plan_hash: String,
    parameters_output: Value,
    providers: Value,
    dependencies: Value,
}

fn get_ci<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, x)| x).filter(|x| !x.is_null())
}

fn template_error(e: &TemplateError) -> Resp {
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
fn expression_depth(s: &[u8]) -> usize {
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

fn too_deep(what: &str) -> Resp {
    arm_error(
        400,
        "InvalidRequestContent",
        &format!("The request content was invalid and could not be deserialized: the {what} nests deeper than {MAX_JSON_DEPTH} levels, or holds a template expression nesting deeper than {MAX_EXPRESSION_DEPTH}."),
    )
}

fn prepare(shared: &Shared, req: &Req, scope: &Scope, name: &str) -> Result<Prepared, Resp> {
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
    let mode = match get_ci(props, "mode").and_then(Value::as_str) {
        Some(m) if m.eq_ignore_ascii_case("Incremental") => "Incremental".to_string(),
        Some(m) if m.eq_ignore_ascii_case("Complete") => {
            return Err(arm_error(
                400,
                "InvalidDeploymentMode",
                "The deployment mode 'Complete' is not supported by this device: it would delete every resource of the resource group that the template does not declare. Use the 'Incremental' mode.",
            ))
        }
        Some(m) => {
            return Err(arm_error(400, "InvalidRequestContent", &format!("The request content was invalid and could not be deserialized: 'Error converting value \"{m}\" to type 'DeploymentMode'. Path 'properties.mode'.'")))
        }
        None => return Err(arm_error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Required property 'mode' not found in JSON. Path 'properties'.'")),
    };
    let unreachable = |what: &str, link: &Value| {
        let uri = link.get("uri").and_then(Value::as_str).unwrap_or("");
        arm_error(
            400,
            "InvalidContentLink",
            &format!("Unable to download deployment content from '{uri}': this device has no internet access and cannot fetch a {what} link. Send the {what} inline (properties.{what}) instead, e.g. with --template-file/--parameters @file."),
        )
    };
    let template = match (get_ci(props, "template"), get_ci(props, "templateLink")) {
        (Some(Value::String(s)), _) if nests_deeper_than(s, MAX_JSON_DEPTH) => return Err(too_deep("template")),
        (Some(Value::String(s)), _) => jsonc::parse_template(s).map_err(|e| template_error(&e))?,
        (Some(t @ Value::Object(_)), _) => t.clone(),
        (Some(_), _) => {
            return Err(arm_error(
                400,
                "InvalidTemplate",
                "Deployment template validation failed: the template must be a JSON object.",
            ))
        }
        (None, Some(link)) => return Err(unreachable("template", link)),
        (None, None) => {
            return Err(arm_error(
                400,
                "InvalidDeployment",
                "The deployment must have either 'template' or 'templateLink' in its properties.",
            ))
        }
    };
    let parameters = match (get_ci(props, "parameters"), get_ci(props, "parametersLink")) {
        (Some(Value::String(s)), _) if nests_deeper_than(s, MAX_JSON_DEPTH) => return Err(too_deep("parameters")),
        (Some(Value::String(s)), _) => jsonc::parse_template(s).map_err(|e| template_error(&e))?,
        (Some(p), _) => p.clone(),
        (None, Some(link)) => return Err(unreachable("parameters", link)),
        (None, None) => json!({}),
    };
    let mut ctx = DeploymentContext::new(&scope.sub, scope.rg(), crate::device::LOCATION, name);
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

// ---------------------------------------------------------------------------------------------------
// HTTP

/// `.../resourceGroups/{rg}/providers/Microsoft.Resources/...` (from [`super::resources::dispatch`]).
pub fn handle(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
    if scope.rg.is_none() {
        return arm_error(
            400,
            "InvalidDeploymentScope",
            "Only resource-group deployments are supported on this device: use /subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Resources/deployments/{deploymentName}.",
        );
    }
    if scope.kw(0) != "deployments" {
        return arm_error(
            400,
            "InvalidResourceType",
            &format!(
                "The resource type '{}' could not be found in the namespace 'Microsoft.Resources' on this device.",
                scope.rest[0]
            ),
        );
    }
    let n = scope.rest.len();
    if n == 1 {
        return match req.method {
            Method::GET => list(shared, scope),
            _ => res::method_not_allowed(req),
        };
    }
    let name = scope.rest[1].clone();
    let key = res::key(&deployment_id(&scope.sub, scope.rg(), &name));
    match (n, req.method.clone(), scope.kw(2).as_str()) {
        (2, Method::PUT, _) => put(shared, req, scope, &name, &key),
        (2, Method::GET, _) => match shared.lock().deployments.get(&key) {
            Some(d) => json_resp(200, &deployment_json(d)),
            None => not_found(&name),
        },
        (2, Method::HEAD, _) => empty(if shared.lock().deployments.contains_key(&key) { 204 } else { 404 }),
        (2, Method::DELETE, _) => delete(shared, req, &name, &key),
        (3, Method::POST, "validate") => validate(shared, req, scope, &name),
        (3, Method::POST, "cancel") => cancel(shared, &name, &key),
        (3, Method::POST, "exporttemplate") => match shared.lock().deployments.get(&key) {
            Some(d) => json_resp(200, &json!({ "template": d.template })),
            None => not_found(&name),
        },
        (3, Method::POST, "whatif") => arm_error(400, "NotSupported", "What-if is not available on this device."),
        (3, Method::GET, "operations") => {
            let st = shared.lock();
            match st.deployments.get(&key) {
                Some(d) => res::list_resp(d.steps.iter().map(|s| operation_json(d, s)).collect()),
                None => not_found(&name),
            }
        }
        (4, Method::GET, "operations") => {
            let st = shared.lock();
            let Some(d) = st.deployments.get(&key) else { return not_found(&name) };
            match d.steps.iter().find(|s| s.op_id.eq_ignore_ascii_case(&scope.rest[3])) {
                Some(s) => json_resp(200, &operation_json(d, s)),
                None => arm_error(
                    404,
                    "DeploymentOperationNotFound",
                    &format!("Deployment operation '{}' of deployment '{name}' could not be found.", scope.rest[3]),
                ),
            }
        }
        (4, Method::GET, "operationstatuses") => {
            let st = shared.lock();
            let Some(d) = st.deployments.get(&key).filter(|d| d.op_id.eq_ignore_ascii_case(&scope.rest[3])) else {
                return arm_error(
                    404,
                    "OperationNotFound",
                    &format!("The operation '{}' could not be found.", scope.rest[3]),
                );
            };
            let status = match d.state.as_str() {
                "Accepted" => "Running",
                s => s,
            };
            let mut v = json!({ "status": status });
            if let Some(e) = &d.error {
                v["error"] = e.clone();
            }
            let r = json_resp(200, &v);
            if active(d) {
                with_header(r, "retry-after", &shared.cfg.retry_after_secs.to_string())
            } else {
                r
            }
        }
        _ => res::method_not_allowed(req),
    }
}

fn not_found(name: &str) -> Resp {
    arm_error(404, "DeploymentNotFound", &format!("Deployment '{name}' could not be found."))
}

fn list(shared: &Shared, scope: &Scope) -> Resp {
    let st = shared.lock();
    let prefix = res::key(&format!("/subscriptions/{}/resourceGroups/{}/providers/{TYPE}/", scope.sub, scope.rg()));
    res::list_resp(
        st.deployments.iter().filter(|(k, _)| k.starts_with(&prefix)).map(|(_, d)| deployment_json(d)).collect(),
    )
}

fn put(shared: &Shared, req: &Req, scope: &Scope, name: &str, key: &str) -> Resp {
    if let Some(d) = shared.lock().deployments.get(key) {
        if active(d) {
            return arm_error(
                409,
                "DeploymentActive",
                &format!("Unable to edit or replace deployment '{name}': previous deployment from '{}' is still active (state: {}). Please see https://aka.ms/arm-deploy-resources for usage details.", fmt_ms(d.started_ms), d.state),
            );
        }
    }
    let p = match prepare(shared, req, scope, name) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let id = deployment_id(&scope.sub, scope.rg(), name);
    let d = Record {
        id,
        name: name.to_string(),
        sub: scope.sub.clone(),
        rg: scope.rg().to_string(),
        mode: p.mode,
        template: p.template,
        parameters: p.parameters,
        state: "Accepted".into(),
        correlation_id: req
            .header("x-ms-correlation-request-id")
            .map(str::to_string)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        op_id: op_hex(),
        started_ms: now_ms(),
        ended_ms: None,
        template_hash: p.plan_hash,
        parameters_output: p.parameters_output,
        providers: p.providers,
        dependencies: p.dependencies,
        outputs: json!({}),
        error: None,
        steps: Vec::new(),
        parent: None,
    };
    let body = deployment_json(&d);
    let version = req.q("api-version").unwrap_or("2020-06-01").to_string();
    let status_url = format!(
        "{}subscriptions/{}/resourcegroups/{}/providers/{TYPE}/{name}/operationStatuses/{}?api-version={version}",
        req.base(),
        d.sub,
        d.rg,
        d.op_id
    );
    let existed = {
        let mut st = shared.lock();
        // Children of an earlier run with this name are replaced too.
        remove_children(&mut st, key);
        st.deployments.insert(key.to_string(), d).is_some()
    };
    let r = json_resp(if existed { 200 } else { 201 }, &body);
    let r = with_header(r, "azure-asyncoperation", &status_url);
    with_header(r, "retry-after", &shared.cfg.retry_after_secs.to_string())
}

fn remove_children(st: &mut State, key: &str) {
    let children: Vec<String> = st
        .deployments
        .iter()
        .filter(|(_, d)| d.parent.as_ref().is_some_and(|(p, _)| p == key))
        .map(|(k, _)| k.clone())
        .collect();
    for c in children {
        remove_children(st, &c);
        st.deployments.remove(&c);
    }
}

fn validate(shared: &Shared, req: &Req, scope: &Scope, name: &str) -> Resp {
    let p = match prepare(shared, req, scope, name) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let id = deployment_id(&scope.sub, scope.rg(), name);
    let validated: Vec<Value> = Vec::new();
    json_resp(
        200,
        &json!({
            "id": id, "name": name, "type": TYPE,
            "properties": {
                "templateHash": p.plan_hash, "parameters": p.parameters_output, "mode": p.mode,
                "provisioningState": "Succeeded", "timestamp": super::http::timestamp(), "duration": "PT0S",
                "correlationId": req.header("x-ms-correlation-request-id").map(str::to_string).unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
                "providers": p.providers, "dependencies": p.dependencies, "validatedResources": validated,
            },
        }),
    )
}

fn cancel(shared: &Shared, name: &str, key: &str) -> Resp {
    let mut st = shared.lock();
    let Some(d) = st.deployments.get_mut(key) else { return not_found(name) };
    if !active(d) {
        return arm_error(
            409,
            "DeploymentCannotBeCancelled",
            &format!("The deployment '{name}' cannot be cancelled because it is in state '{}'. Only deployments in state 'Accepted' or 'Running' can be cancelled.", d.state),
        );
    }
    d.state = "Canceled".into();
    d.ended_ms = Some(now_ms());
    empty(204)
}

fn delete(shared: &Shared, req: &Req, name: &str, key: &str) -> Resp {
    let mut st = shared.lock();
    let Some(d) = st.deployments.get(key) else { return empty(204) };
    if active(d) {
        return arm_error(
            409,
            "DeploymentActive",
            &format!("The deployment '{name}' cannot be deleted while it is {}. Cancel it first (POST .../deployments/{name}/cancel).", d.state),
        );
    }
    let sub = d.sub.clone();
    remove_children(&mut st, key);
    st.deployments.remove(key);
    super::state::release_freed_memory();
    let op = st.start_operation("deleteDeployment", super::state::Effect::Nothing, now_ms(), 0);
    drop(st);
    super::arm::accepted(shared, req, &format!("subscriptions/{sub}/operationresults/{op}"))
}

// ---------------------------------------------------------------------------------------------------
// Execution

static PUMP: Mutex<()> = Mutex::new(());

/// Advance every running deployment as far as it can go now. Called while handling ARM requests.
pub fn pump(shared: &Shared, host: &str) {
    if !shared.lock().deployments.values().any(active) {
        return;
    }
    let _g = PUMP.lock().unwrap_or_else(|p| p.into_inner());
    for _ in 0..64 {
        let keys: Vec<String> =
            shared.lock().deployments.iter().filter(|(_, d)| active(d)).map(|(k, _)| k.clone()).collect();
        let mut progressed = false;
        for k in keys {
            progressed |= advance(shared, host, &k);
        }
        if !progressed {
            break;
        }
    }
}

fn inner_error(e: &Value) -> Value {
    let e = if e["error"].is_object() { &e["error"] } else { e };
    let mut out = json!({ "code": e["code"].as_str().unwrap_or("ResourceDeploymentFailure"), "message": e["message"].as_str().unwrap_or("The resource operation failed.") });
    if let Some(d) = e.get("details").filter(|d| d.as_array().is_some_and(|a| !a.is_empty())) {
        out["details"] = d.clone();
    }
    out
}

fn fail_step(s: &mut Step, status_code: &str, error: Value) {
    s.state = "Failed".into();
    s.ended_ms = Some(now_ms());
    s.status_code = status_code.into();
    s.status_message = Some(json!({ "status": "Failed", "error": error }));
}

/// One step of progress for deployment `key`; true when something changed.
fn advance(shared: &Shared, host: &str, key: &str) -> bool {
    let mut progressed = false;
    // 1. Finish steps whose operation or nested deployment is done.
    let records = {
        let mut st = shared.lock();
        let ops: Vec<(usize, Option<String>, Option<String>)> = match st.deployments.get(key) {
            Some(d) if active(d) => d
                .steps
                .iter()
                .enumerate()
                .filter(|(_, s)| s.state == "Running")
                .map(|(i, s)| (i, s.wait_op.clone(), s.nested.clone()))
                .collect(),
            _ => return false,
        };
        let mut updates: Vec<(usize, Result<(), Value>)> = Vec::new();
        for (i, op, nested) in ops {
            if let Some(op) = op {
                match st.operations.get(&op) {
                    Some(o) if o.status == "InProgress" => {}
                    Some(o) if o.status == "Succeeded" => updates.push((i, Ok(()))),
                    Some(o) => updates.push((i, Err(o.error.clone().unwrap_or(json!({ "code": "OperationFailed", "message": format!("The operation '{}' failed.", o.name) }))))),
                    None => updates.push((i, Ok(()))),
                }
            } else if let Some(n) = nested {
                match st.deployments.get(&n) {
                    Some(c) if active(c) => {}
                    Some(c) if c.state == "Succeeded" => updates.push((i, Ok(()))),
                    Some(c) => updates.push((
                        i,
                        Err(c.error.clone().unwrap_or(json!({ "code": "DeploymentCanceled", "message": format!("The nested deployment '{}' was {}.", c.name, c.state.to_ascii_lowercase()) }))),
                    )),
                    None => updates.push((i, Err(json!({ "code": "DeploymentNotFound", "message": format!("The nested deployment '{n}' no longer exists.") })))),
                }
            }
        }
        let d = st.deployments.get_mut(key).expect("present");
        if d.state == "Accepted" {
            d.state = "Running".into();
            progressed = true;
        }
        for (i, outcome) in updates {
            progressed = true;
            let s = &mut d.steps[i];
            match outcome {
                Ok(()) => {
                    s.state = "Succeeded".into();
                    s.ended_ms = Some(now_ms());
                    s.status_code = "OK".into();
                }
                Err(e) => {
                    let e = inner_error(&e);
                    let wrapped = if s.nested.is_some() {
                        e
                    } else {
                        json!({ "code": "ResourceDeploymentFailure", "message": "The resource operation completed with terminal provisioning state 'Failed'.", "details": [e] })
                    };
                    fail_step(s, if s.nested.is_some() { "Conflict" } else { "OK" }, wrapped);
                }
            }
        }
        st.deployments.clone()
    };
    let d = records.get(key).expect("present").clone();
    // 2. Re-plan and start what is ready.
    let plan = match plan(shared, host, &records, key, 0) {
        Ok(p) => p,
        Err(e) => {
            finish(shared, key, Err(json!({ "code": e.code, "message": e.message })));
            return true;
        }
    };
    let rs = plan.resources();
    let state_of = |i: usize| d.steps.iter().find(|s| s.index == i).map(|s| s.state.as_str());
    let index_of = |id: &str| rs.iter().position(|r| r.id.eq_ignore_ascii_case(id));
    let ready: Vec<usize> = (0..rs.len())
        .filter(|&i| state_of(i).is_none())
        .filter(|&i| rs[i].depends_on.iter().all(|dep| index_of(dep).is_none_or(|j| state_of(j) == Some("Succeeded"))))
        .collect();
    let resolver = SimResolver { shared, host: host.to_string() };
    for i in ready {
        let step = start(shared, host, key, &plan, i, &resolver);
        let mut st = shared.lock();
        match st.deployments.get_mut(key) {
            Some(d) if active(d) => d.steps.push(step),
            _ => return true,
        }
        progressed = true;
    }
    // 3. Done when nothing runs and nothing more can start.
    let d = match shared.lock().deployments.get(key) {
        Some(d) => d.clone(),
        None => return progressed,
    };
    let state_of = |i: usize| d.steps.iter().find(|s| s.index == i).map(|s| s.state.as_str());
    let running = d.steps.iter().any(|s| s.state == "Running");
    let startable = (0..rs.len())
        .filter(|&i| state_of(i).is_none())
        .any(|i| rs[i].depends_on.iter().all(|dep| index_of(dep).is_none_or(|j| state_of(j) == Some("Succeeded"))));
    if running || startable {
        return progressed;
    }
    let failed: Vec<Value> = d
        .steps
        .iter()
        .filter(|s| s.state == "Failed")
        .map(|s| {
            let e = s.status_message.as_ref().map(|m| m["error"].clone()).unwrap_or(Value::Null);
            // The root cause: the provider's own error rather than the generic wrapper.
            let e = if e["code"] == "ResourceDeploymentFailure" && e["details"][0].is_object() {
                e["details"][0].clone()
            } else {
                e
            };
            let mut e = inner_error(&e);
            e["target"] = json!(s.id);
            e
        })
        .collect();
    if !failed.is_empty() {
        finish(
            shared,
            key,
            Err(json!({ "code": "DeploymentFailed", "message": DEPLOYMENT_FAILED, "details": failed })),
        );
        return true;
    }
    match plan.outputs(&resolver, RenderMode::Strict) {
        Ok(o) => finish(shared, key, Ok(o)),
        Err(e) => finish(
            shared,
            key,
            Err(
                json!({ "code": "DeploymentOutputEvaluationFailed", "message": format!("Unable to evaluate the template outputs: {}", e.message), "details": [{ "code": e.code, "message": e.message }] }),
            ),
        ),
    }
    true
}

fn finish(shared: &Shared, key: &str, outcome: Result<Value, Value>) {
    let mut st = shared.lock();
    let Some(d) = st.deployments.get_mut(key) else { return };
    if !active(d) {
        return;
    }
    d.ended_ms = Some(now_ms());
    match outcome {
        Ok(outputs) => {
            d.state = "Succeeded".into();
            d.outputs = outputs;
        }
        Err(e) => {
            d.state = "Failed".into();
            d.error = Some(e);
        }
    }
}

fn status_code_name(status: u16) -> String {
    hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| r.replace([' ', '-'], ""))
        .unwrap_or_else(|| status.to_string())
}

/// Start resource `i` of `plan` (deployment `key`): render it and send it through the provider handlers.
fn start(shared: &Shared, host: &str, key: &str, plan: &Deployment, i: usize, resolver: &SimResolver) -> Step {
    let r = &plan.resources()[i];
    let mut step = Step {
        index: i,
        op_id: op_hex(),
        id: r.id.clone(),
        rtype: r.resource_type.clone(),
        rname: r.name.clone(),
        state: "Running".into(),
        started_ms: now_ms(),
        ended_ms: None,
        status_code: String::new(),
        status_message: None,
        wait_op: None,
        nested: None,
        service_request_id: uuid::Uuid::new_v4().to_string(),
    };
    if r.is_deployment() {
        let nested = match plan.nested(i, resolver) {
            Ok(n) => n,
            Err(e) => {
                fail_step(&mut step, "BadRequest", json!({ "code": e.code, "message": e.message }));
                return step;
            }
        };
        let nkey = res::key(&r.id);
        let mode = plan
            .render(i, resolver, RenderMode::Preview)
            .ok()
            .and_then(|x| x.body["properties"]["mode"].as_str().map(str::to_string))
            .unwrap_or_else(|| "Incremental".into());
        let child = Record {
            id: deployment_id(&r.subscription_id, &r.resource_group, &r.name),
            name: r.name.clone(),
            sub: r.subscription_id.clone(),
            rg: r.resource_group.clone(),
            mode,
            template: nested.template().clone(),
            parameters: Value::Null,
            state: "Accepted".into(),
            correlation_id: shared.lock().deployments.get(key).map(|d| d.correlation_id.clone()).unwrap_or_default(),
            op_id: op_hex(),
            started_ms: now_ms(),
            ended_ms: None,
            template_hash: nested.template_hash(),
            parameters_output: nested.parameters_output(),
            providers: providers_of(&nested),
            dependencies: dependencies_of(&nested),
            outputs: json!({}),
            error: None,
            steps: Vec::new(),
            parent: Some((key.to_string(), i)),
        };
        let mut st = shared.lock();
        if !st.resource_groups.contains_key(&r.resource_group.to_ascii_lowercase()) {
            fail_step(
                &mut step,
                "NotFound",
                json!({ "code": "ResourceGroupNotFound", "message": format!("Resource group '{}' could not be found.", r.resource_group) }),
            );
            return step;
        }
        remove_children(&mut st, &nkey);
        st.deployments.insert(nkey.clone(), child);
        step.nested = Some(nkey);
        step.status_code = "Created".into();
        return step;
    }
    let rendered = match plan.render(i, resolver, RenderMode::Strict) {
        Ok(x) => x,
        Err(e) => {
            let mut err = json!({ "code": e.code, "message": e.message });
            if let Some(t) = &e.target {
                err["target"] = json!(t);
            }
            fail_step(&mut step, "BadRequest", err);
            return step;
        }
    };
    if r.resource_type.eq_ignore_ascii_case(INGESTION_TYPE) {
        return ingestion_job(step, &rendered.body);
    }
    let body = serde_json::to_vec(&rendered.body).unwrap_or_default();
    let (status, headers, v) = call(shared, host, Method::PUT, &r.id, &r.api_version, body);
    if status >= 400 {
        fail_step(&mut step, &status_code_name(status), inner_error(&v));
        return step;
    }
    step.status_code = status_code_name(status);
    let poll = headers
        .get("azure-asyncoperation")
        .or(headers.get("location"))
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    match poll
        .and_then(|u| url::Url::parse(&u).ok())
        .and_then(|u| u.path_segments().and_then(|mut s| s.next_back().map(str::to_string)))
    {
        Some(op) => step.wait_op = Some(op),
        None => {
            step.state = "Succeeded".into();
            step.ended_ms = Some(now_ms());
        }
    }
    step
}

/// `Microsoft.AzureBridge/locations/ingestionJobs`: the device downloads a VHD from Azure. The emulated
/// device has no route to Azure, so a download fails the way the device reports an unreachable source.
fn ingestion_job(mut step: Step, body: &Value) -> Step {
    let kind = body["kind"].as_str().unwrap_or("");
    if kind.eq_ignore_ascii_case("BlobCleanup") {
        step.state = "Succeeded".into();
        step.ended_ms = Some(now_ms());
        step.status_code = "OK".into();
        return step;
    }
    let source = get_ci(&body["properties"], "SourceBlobUri").and_then(Value::as_str).unwrap_or("");
    let shown = source.split('?').next().unwrap_or("");
    let message = if source.trim().is_empty() {
        "The ingestion job cannot start: SourceBlobUri is empty. Provide the SAS URI of the source VHD in Azure."
            .to_string()
    } else {
        format!("The ingestion job failed to download the source blob '{shown}': the source is not reachable from the device. Check that the device has internet access on a port enabled for compute and that the SAS URI is valid and not expired.")
    };
    fail_step(
        &mut step,
        "OK",
        json!({ "code": "ResourceDeploymentFailure", "message": "The resource operation completed with terminal provisioning state 'Failed'.",
                "details": [{ "code": "IngestionJobFailed", "message": message }] }),
    );
    step
}

#[cfg(test)]
mod tests {
    use super::nests_deeper_than;

    #[test]
    fn nesting_is_counted_outside_strings_and_comments() {
        let deep = format!("{}{}", "[".repeat(129), "]".repeat(129));
        assert!(nests_deeper_than(&deep, 128));
        assert!(!nests_deeper_than(&deep[1..deep.len() - 1], 128));
        let quoted = format!("{{\"a\": \"{}\\\"{}\"}}", "[".repeat(500), "{".repeat(500));
        assert!(!nests_deeper_than(&quoted, 128));
        let commented = format!("{{// {}\n /* {} */ \"a\": 1}}", "[".repeat(500), "{".repeat(500));
        assert!(!nests_deeper_than(&commented, 128));
        assert!(nests_deeper_than(&format!("{{\"a\": {}", "{\"b\":".repeat(200)), 128));
        // Template expressions: calls and indexes outside '...' literals; `[[` is no expression.
        let expr = |n: usize| format!("{{\"o\": \"[{}'a'{}]\"}}", "concat(".repeat(n), ")".repeat(n));
        assert!(!nests_deeper_than(&expr(32), 128));
        assert!(nests_deeper_than(&expr(33), 128));
        let literal = format!("{{\"o\": \"[concat('{}')]\"}}", "((((".repeat(100));
        assert!(!nests_deeper_than(&literal, 128));
        let escaped = format!("{{\"o\": \"[[{}\"}}", "(".repeat(100));
        assert!(!nests_deeper_than(&escaped, 128));
    }
}
