//! Plumbing shared by the emulated resource providers (network, compute, storage, deployments): where a
//! request points, resource ids, the stored resources, and ARM's long-running-operation responses.

use super::http::{arm_error, empty, json_resp, with_header, Req, Resp};
use super::server::Shared;
use super::state::State;
use asegpu_core::arm::resource_id::ResourceId;
use hyper::Method;
use serde_json::{json, Map, Value};

/// One request on a stored resource of a provider, as its handlers get it.
pub struct Call<'a> {
    pub shared: &'a Shared,
    pub req: &'a Req,
    pub scope: &'a Scope,
    /// The resource's id and name, as the request names them.
    pub id: String,
    pub name: String,
}

/// A resource type the emulator stores at `…/providers/{ns}/{type}/{name}`. [`serve`] answers GET, PUT
/// (PATCH too when `PATCH`) and DELETE the same way for every such type; the type says only what is its own.
pub trait Stored {
    /// `Microsoft.Compute/images`...
    const TYPE: &'static str;
    /// Whether PATCH updates an existing resource (with the PUT handler).
    const PATCH: bool = false;
    /// The resource as GET answers it.
    fn show(_st: &State, v: &Value) -> Value {
        public(v)
    }
    /// Create or update from `body`, whose location was checked; `existing` is the stored resource, if any.
    fn put(call: &Call, st: &mut State, body: Value, existing: Option<Value>) -> Resp;
    /// Delete `stored`, the resource as stored.
    fn delete(call: &Call, st: &mut State, stored: Value) -> Resp;
}

/// GET answers the stored resource or ResourceNotFound; PUT parses the body, checks its location and
/// calls the type's `put`; DELETE calls its `delete`, or answers 204 when there is nothing to delete.
pub fn serve<T: Stored>(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
    let call = Call { shared, req, scope, id: scope.id(2), name: scope.rest[1].clone() };
    match req.method {
        Method::GET => {
            let st = shared.lock();
            match get(&st, &call.id) {
                Some(v) => json_resp(200, &T::show(&st, v)),
                None => not_found(scope, T::TYPE, &call.name),
            }
        }
        Method::PUT => put::<T>(&call),
        Method::PATCH if T::PATCH => put::<T>(&call),
        Method::DELETE => {
            let mut st = shared.lock();
            match get(&st, &call.id).cloned() {
                Some(v) => T::delete(&call, &mut st, v),
                None => empty(204),
            }
        }
        _ => method_not_allowed(req),
    }
}

fn put<T: Stored>(call: &Call) -> Resp {
    let body = match call.req.json_body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let mut st = call.shared.lock();
    let existing = get(&st, &call.id).cloned();
    if let Err(r) = check_location(&body, existing.is_some()) {
        return r;
    }
    if existing.is_none() && call.req.method == Method::PATCH {
        return not_found(call.scope, T::TYPE, &call.name);
    }
    T::put(call, &mut st, body, existing)
}

/// Emulator-only bookkeeping kept inside a stored resource; never sent to clients.
pub const INTERNAL: &str = "_sim";

/// Where a provider request points: `/subscriptions/{sub}[/resourceGroups/{rg}]/providers/{ns}/{rest...}`.
#[derive(Debug, Clone)]
pub struct Scope {
    pub sub: String,
    /// The resource group with its stored casing (None at subscription scope).
    pub rg: Option<String>,
    /// Canonical namespace, e.g. `Microsoft.Network`.
    pub ns: String,
    /// Segments after the namespace, as sent.
    pub rest: Vec<String>,
}

impl Scope {
    /// Segment `i` after the namespace, lower-cased.
    pub fn kw(&self, i: usize) -> String {
        self.rest.get(i).map(|s| s.to_ascii_lowercase()).unwrap_or_default()
    }
    pub fn rg(&self) -> &str {
        self.rg.as_deref().unwrap_or_default()
    }
    /// The id of the resource `rest[..n]` in this scope (resource group scope).
    pub fn id(&self, n: usize) -> String {
        rid(
            &self.sub,
            self.rg(),
            &self.ns,
            &self.rest[..n.min(self.rest.len())].iter().map(String::as_str).collect::<Vec<_>>(),
        )
    }
}

/// The canonical casing of a namespace this device has.
pub fn canonical_ns(ns: &str) -> String {
    for n in
        ["Microsoft.Compute", "Microsoft.Network", "Microsoft.Storage", "Microsoft.Resources", "Microsoft.AzureBridge"]
    {
        if n.eq_ignore_ascii_case(ns) {
            return n.to_string();
        }
    }
    ns.to_string()
}

/// `/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}...]`.
pub fn rid(sub: &str, rg: &str, ns: &str, rest: &[&str]) -> String {
    ResourceId::in_group(sub, rg, ns, rest).to_string()
}

/// The key resources are stored under: the lower-cased id.
pub fn key(id: &str) -> String {
    id.trim_end_matches('/').to_ascii_lowercase()
}

/// The resource group name inside an id (as written there).
pub fn id_rg(id: &str) -> Option<String> {
    ResourceId::parse(id)?.resource_group
}

/// The last segment of an id (its name).
pub fn id_name(id: &str) -> String {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_string()
}

/// A stored resource as clients see it (internal bookkeeping removed).
pub fn public(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove(INTERNAL);
    }
    v
}

/// The internal bookkeeping object of a stored resource (created when missing).
pub fn internal(v: &mut Value) -> &mut Map<String, Value> {
    if !v.get(INTERNAL).is_some_and(Value::is_object) {
        v[INTERNAL] = json!({});
    }
    v[INTERNAL].as_object_mut().expect("object")
}

pub fn get<'a>(st: &'a State, id: &str) -> Option<&'a Value> {
    st.resources.get(&key(id))
}

/// Stored resources of one type (e.g. `Microsoft.Network/networkInterfaces`), optionally in one group.
pub fn list_of_type<'a>(st: &'a State, rtype: &str, rg: Option<&str>) -> Vec<&'a Value> {
    st.resources
        .values()
        .filter(|v| v["type"].as_str().is_some_and(|t| t.eq_ignore_ascii_case(rtype)))
        .filter(|v| match rg {
            Some(rg) => v["id"].as_str().and_then(id_rg).is_some_and(|g| g.eq_ignore_ascii_case(rg)),
            None => true,
        })
        .collect()
}

pub fn list_resp(items: Vec<Value>) -> Resp {
    json_resp(200, &json!({ "value": items }))
}

pub fn not_found(scope: &Scope, rtype: &str, name: &str) -> Resp {
    arm_error(
        404,
        "ResourceNotFound",
        &format!("The Resource '{rtype}/{name}' under resource group '{}' was not found.", scope.rg()),
    )
}

pub fn method_not_allowed(req: &Req) -> Resp {
    arm_error(
        405,
        "MethodNotAllowed",
        &format!("The HTTP method '{}' is not supported for '{}'.", req.method, req.path),
    )
}

/// Check a `location` in a body: it must be `dbelocal` (any case). Missing is allowed when `existing`.
pub fn check_location(body: &Value, existing: bool) -> Result<(), Resp> {
    match body.get("location").and_then(Value::as_str) {
        Some(l) if l.eq_ignore_ascii_case(asegpu_core::device::LOCATION) => Ok(()),
        Some(l) => Err(arm_error(
            400,
            "LocationNotAvailableForResourceType",
            &format!("The provided location '{l}' is not available for resource type. List of available regions for the resource type is 'dbelocal'."),
        )),
        None if existing => Ok(()),
        None => Err(arm_error(400, "LocationRequired", "The location property is required for this definition.")),
    }
}

/// A fresh weak etag.
pub fn etag() -> String {
    format!("W/\"{}\"", uuid::Uuid::new_v4())
}

/// The URL of a Compute-style operation status: `.../providers/{ns}/locations/dbelocal/operations/{id}`.
pub fn operation_url(req: &Req, sub: &str, ns: &str, op: &str) -> String {
    let version = req.q("api-version").unwrap_or("2017-12-01");
    format!(
        "{}subscriptions/{sub}/providers/{ns}/locations/{}/operations/{op}?api-version={version}",
        req.base(),
        asegpu_core::device::LOCATION
    )
}

/// 200/201 for a PUT that continues in the background: `Azure-AsyncOperation` + `Retry-After`.
pub fn created_async(shared: &Shared, req: &Req, status: u16, body: &Value, sub: &str, ns: &str, op: &str) -> Resp {
    let r = json_resp(status, body);
    let r = with_header(r, "azure-asyncoperation", &operation_url(req, sub, ns, op));
    with_header(r, "retry-after", &shared.cfg.retry_after_secs.to_string())
}

/// 202 for a POST/DELETE that continues in the background: `Azure-AsyncOperation`, `Location`, `Retry-After`.
pub fn accepted_async(shared: &Shared, req: &Req, sub: &str, ns: &str, op: &str) -> Resp {
    let url = operation_url(req, sub, ns, op);
    let r = super::http::empty(202);
    let r = with_header(r, "azure-asyncoperation", &url);
    let r = with_header(r, "location", &url);
    with_header(r, "retry-after", &shared.cfg.retry_after_secs.to_string())
}

/// `GET .../providers/{ns}/locations/{loc}/operations/{id}`: the operation status document.
pub fn operation_status(shared: &Shared, op: &str) -> Resp {
    let st = shared.lock();
    let Some(o) = st.operations.get(op) else {
        return arm_error(404, "OperationNotFound", &format!("The operation '{op}' could not be found."));
    };
    let fmt = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).map(super::http::format_time).unwrap_or_default();
    let mut v = json!({ "startTime": fmt(o.started_ms), "status": o.status, "name": o.id });
    if o.status != "InProgress" {
        v["endTime"] = json!(fmt(o.done_ms));
    }
    if let Some(e) = &o.error {
        v["error"] = e.clone();
    }
    let r = json_resp(200, &v);
    if o.status == "InProgress" {
        with_header(r, "retry-after", &shared.cfg.retry_after_secs.to_string())
    } else {
        r
    }
}

/// The standard `{code, level, displayStatus, time}` status entry.
pub fn status(code: &str, display: &str) -> Value {
    json!({ "code": code, "level": "Info", "displayStatus": display, "time": super::http::timestamp() })
}

/// Route a provider request to its emulated resource provider.
pub fn dispatch(shared: &Shared, req: &Req, sub: String, rg: Option<String>, ns: &str, rest: Vec<String>) -> Resp {
    let scope = Scope { sub, rg, ns: canonical_ns(ns), rest };
    if scope.rest.is_empty() {
        return arm_error(404, "NotFound", &format!("The requested path '{}' is not found on this device.", req.path));
    }
    match scope.ns.as_str() {
        "Microsoft.Network" => super::network::handle(shared, req, &scope),
        "Microsoft.Compute" => super::compute::handle(shared, req, &scope),
        "Microsoft.Storage" => super::storage::handle(shared, req, &scope),
        "Microsoft.Resources" => super::deployments::handle(shared, req, &scope),
        _ => arm_error(
            400,
            "NoRegisteredProviderFound",
            &format!(
                "No registered resource provider found for location 'dbelocal' and API version '{}' for type '{}'.",
                req.q("api-version").unwrap_or(""),
                scope.rest[0]
            ),
        ),
    }
}
