//! Microsoft.Resources/deployments at resource-group scope: template deployments executed by the library's
//! ARM template engine ([`asegpu_core::template`]) against the emulated device.
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
use asegpu_core::arm::path::ArmPath;
use asegpu_core::template::{self, jsonc, Deployment, DeploymentContext, RenderMode, Resolver, TemplateError};
use bytes::Bytes;
use hyper::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Mutex;

mod execute;
mod plan;
mod render;
mod resolver;

pub use execute::pump;
use plan::*;
pub use plan::{nests_deeper_than, MAX_EXPRESSION_DEPTH, MAX_JSON_DEPTH};
pub use render::deployment_json;
use render::*;
pub use resolver::SimResolver;
use resolver::*;

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
    res::rid(sub, rg, "Microsoft.Resources", &["deployments", name])
}

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
        (4, Method::GET, "operations") => operation(shared, &key, &name, &scope.rest[3]),
        (4, Method::GET, "operationstatuses") => operation_status(shared, &key, &scope.rest[3]),
        _ => res::method_not_allowed(req),
    }
}

fn not_found(name: &str) -> Resp {
    arm_error(404, "DeploymentNotFound", &format!("Deployment '{name}' could not be found."))
}

/// One operation of deployment `key` (`name`), by its id.
fn operation(shared: &Shared, key: &str, name: &str, op_id: &str) -> Resp {
    let st = shared.lock();
    let Some(d) = st.deployments.get(key) else { return not_found(name) };
    match d.steps.iter().find(|s| s.op_id.eq_ignore_ascii_case(op_id)) {
        Some(s) => json_resp(200, &operation_json(d, s)),
        None => arm_error(
            404,
            "DeploymentOperationNotFound",
            &format!("Deployment operation '{op_id}' of deployment '{name}' could not be found."),
        ),
    }
}

/// The Azure-AsyncOperation status of deployment `key`: Running while it runs (with Retry-After).
fn operation_status(shared: &Shared, key: &str, op_id: &str) -> Resp {
    let st = shared.lock();
    let Some(d) = st.deployments.get(key).filter(|d| d.op_id.eq_ignore_ascii_case(op_id)) else {
        return arm_error(404, "OperationNotFound", &format!("The operation '{op_id}' could not be found."));
    };
    let status = if d.state == "Accepted" { "Running" } else { d.state.as_str() };
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

fn list(shared: &Shared, scope: &Scope) -> Resp {
    let st = shared.lock();
    let prefix = res::key(&res::rid(&scope.sub, scope.rg(), "Microsoft.Resources", &["deployments"])) + "/";
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
    let status_path = ArmPath::subscription(&d.sub)
        .types(&["resourcegroups", &d.rg])
        .provider("Microsoft.Resources")
        .types(&["deployments", name, "operationStatuses", &d.op_id])
        .api(&version);
    let status_url = format!("{}{status_path}", req.base());
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
    super::arm::accepted(shared, req, ArmPath::subscription(&sub).types(&["operationresults", &op]).as_str())
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
