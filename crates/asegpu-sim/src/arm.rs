//! The emulated local ARM: metadata, tenants, subscriptions, providers, resource groups and the
//! long-running-operation endpoints. Paths match case-insensitively; names keep the casing they were
//! created with.

use super::http::{arm_error, empty, json_resp, timestamp, with_header, Req, Resp};
use super::server::{now_ms, Shared};
use super::state::{Effect, ResourceGroup};
use super::versions;
use asegpu_core::arm::path::ArmPath;
use asegpu_core::arm::resource_id::ResourceId;
use asegpu_core::device;
use hyper::Method;
use serde_json::{json, Value};

pub fn handle(shared: &Shared, req: &Req) -> Resp {
    if req.kw(0) == "metadata" && req.kw(1) == "endpoints" {
        return metadata(shared, req);
    }
    if let Err(r) = super::adfs::check_bearer(shared, req) {
        return r;
    }
    // Template deployments advance lazily, while requests are served.
    super::deployments::pump(shared, &req.host);
    match req.kw(0).as_str() {
        "tenants" => with_version(shared, req, versions::SUBSCRIPTIONS, tenants),
        "providers" => {
            with_version(shared, req, versions::RESOURCES, || json_resp(200, &json!({ "value": providers() })))
        }
        "subscriptions" => subscriptions(shared, req),
        _ => not_found_path(req),
    }
}

fn with_version(shared: &Shared, req: &Req, supported: &[&str], f: impl FnOnce() -> Resp) -> Resp {
    match versions::check(shared.cfg.api_versions, req.q("api-version"), supported) {
        Ok(()) => f(),
        Err(r) => r,
    }
}

fn not_found_path(req: &Req) -> Resp {
    arm_error(404, "NotFound", &format!("The requested path '{}' is not found on this device.", req.path))
}

/// `/metadata/endpoints`: one document that satisfies both old and new Azure CLI versions, built from the
/// host the client used (so IP-only endpoints work too). Any api-version is accepted.
fn metadata(shared: &Shared, req: &Req) -> Resp {
    let base = req.base();
    let mgmt = shared.cfg.management_host();
    let login = if req.hostname() == mgmt {
        format!("https://{}:{}/adfs/", shared.cfg.login_host(), shared.port)
    } else {
        format!("{base}adfs/")
    };
    let suffix = format!("{}.{}", shared.cfg.device_name, shared.cfg.dns_domain).to_ascii_lowercase();
    let graph = format!("https://graph.{suffix}/");
    json_resp(
        200,
        &json!({
            "galleryEndpoint": base, "graphEndpoint": graph, "portalEndpoint": format!("https://portal.{suffix}/"),
            "name": "AzureStackEdge", "resourceManager": base, "portal": format!("https://portal.{suffix}/"),
            "gallery": base, "graph": graph,
            "authentication": { "loginEndpoint": login, "audiences": [base], "tenant": "adfs", "identityProvider": "ADFS" },
            "suffixes": { "storage": suffix },
        }),
    )
}

fn tenants() -> Resp {
    json_resp(
        200,
        &json!({ "value": [{ "id": format!("/tenants/{}", device::TENANT_ID), "tenantId": device::TENANT_ID }] }),
    )
}

/// The subscription as the requested api-version shapes it: `tenantId` is not part of the 2016-06-01
/// `Subscription` schema (which the 2019-03-01-hybrid profile's clients request), only of later versions.
fn subscription_json(shared: &Shared, req: &Req) -> Value {
    let sub = shared.lock().subscription_id.clone();
    let mut v = json!({
        "id": ResourceId::subscription(&sub).to_string(), "subscriptionId": sub, "tenantId": device::TENANT_ID,
        "displayName": device::SUBSCRIPTION_NAME, "state": "Enabled",
        "subscriptionPolicies": { "locationPlacementId": "AzureStack", "quotaId": "", "spendingLimit": "Off" },
        "authorizationSource": "RoleBased",
    });
    if req.q("api-version").is_some_and(|av| av < "2018-06-01") {
        v.as_object_mut().expect("object").remove("tenantId");
    }
    v
}

/// The resource providers as `Get-AzResourceProvider` shows them on a device.
pub fn providers() -> Vec<Value> {
    let loc = json!(["DBELocal"]);
    let p = |ns: &str, types: &[&str], versions: &[&str]| {
        json!({
            "id": format!("/providers/{ns}"), "namespace": ns, "registrationState": "Registered",
            "resourceTypes": types.iter().map(|t| json!({ "resourceType": t, "locations": loc, "apiVersions": versions })).collect::<Vec<_>>(),
        })
    };
    vec![
        p("Microsoft.AzureBridge", &["locations", "operations", "locations/ingestionJobs"], versions::AZURE_BRIDGE),
        p(
            "Microsoft.Compute",
            &[
                "virtualMachines",
                "virtualMachines/extensions",
                "locations",
                "locations/vmSizes",
                "locations/operations",
                "operations",
                "images",
                "disks",
            ],
            versions::COMPUTE,
        ),
        p("Microsoft.Network", &["virtualNetworks", "networkInterfaces", "locations", "operations"], versions::NETWORK),
        p(
            "Microsoft.Resources",
            &["deployments", "deployments/operations", "resourceGroups", "resources", "providers", "operations"],
            versions::RESOURCES,
        ),
        p(
            "Microsoft.Storage",
            &[
                "storageaccounts",
                "storageAccounts/blobServices",
                "storageAccounts/tableServices",
                "storageAccounts/queueServices",
                "locations",
                "operations",
                "checkNameAvailability",
            ],
            versions::STORAGE,
        ),
    ]
}

fn subscriptions(shared: &Shared, req: &Req) -> Resp {
    if req.segs.len() == 1 {
        return with_version(shared, req, versions::SUBSCRIPTIONS, || {
            json_resp(200, &json!({ "value": [subscription_json(shared, req)] }))
        });
    }
    let sub = &req.segs[1];
    let ours = shared.lock().subscription_id.clone();
    if !sub.eq_ignore_ascii_case(&ours) {
        return arm_error(404, "SubscriptionNotFound", &format!("The subscription '{sub}' could not be found."));
    }
    match (req.segs.len(), req.kw(2).as_str()) {
        (2, _) => {
            with_version(shared, req, versions::SUBSCRIPTIONS, || json_resp(200, &subscription_json(shared, req)))
        }
        (3, "locations") => with_version(shared, req, versions::SUBSCRIPTIONS, || {
            json_resp(
                200,
                &json!({ "value": [{ "id": format!("{}/locations/{}", ResourceId::subscription(&ours), device::LOCATION), "name": "dbelocal", "displayName": "DBELocal" }] }),
            )
        }),
        (3, "resourcegroups") => with_version(shared, req, versions::RESOURCES, || list_groups(shared, req)),
        (4, "resourcegroups") => with_version(shared, req, versions::RESOURCES, || group(shared, req, &ours)),
        (3, "providers") => {
            with_version(shared, req, versions::RESOURCES, || json_resp(200, &json!({ "value": providers() })))
        }
        (4, "providers") => with_version(shared, req, versions::RESOURCES, || {
            let ns = req.kw(3);
            match providers().into_iter().find(|p| p["namespace"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(&ns)))
            {
                Some(p) => json_resp(200, &p),
                None => arm_error(
                    404,
                    "InvalidResourceNamespace",
                    &format!("The resource namespace '{}' is invalid.", req.segs[3]),
                ),
            }
        }),
        (4, "operationresults") => {
            with_version(shared, req, versions::RESOURCES, || operation_result(shared, req, &req.segs[3]))
        }
        (n, "resourcegroups") if n >= 6 && req.kw(4) == "providers" => provider_resource(shared, req),
        // Deployment operations at the older path without `providers/Microsoft.Resources` (2019-10-01 and before).
        (n, "resourcegroups") if n >= 6 && req.kw(4) == "deployments" => deployments_legacy(shared, req),
        (n, "providers") if n >= 5 => provider_subscription(shared, req),
        _ => not_found_path(req),
    }
}

fn group_json(sub: &str, g: &ResourceGroup) -> Value {
    json!({
        "id": ResourceId::group(sub, &g.name).to_string(), "name": g.name,
        "type": "Microsoft.Resources/resourceGroups", "location": g.location, "tags": g.tags,
        "properties": { "provisioningState": g.provisioning_state },
    })
}

fn list_groups(shared: &Shared, req: &Req) -> Resp {
    let filter = match req.q("$filter").map(str::trim).filter(|f| !f.is_empty()) {
        None => None,
        Some(f) => match parse_tag_filter(f) {
            Some(t) => Some(t),
            None => {
                return arm_error(
                    400,
                    "InvalidFilterInQueryString",
                    &format!(
                    "The $filter '{f}' is not supported. Resource groups can be filtered by tagName and tagValue only."
                ),
                )
            }
        },
    };
    let st = shared.lock();
    let v: Vec<Value> = st
        .resource_groups
        .values()
        .filter(|g| filter.as_ref().is_none_or(|(name, value)| tag_matches(g, name, value.as_deref())))
        .map(|g| group_json(&st.subscription_id, g))
        .collect();
    json_resp(200, &json!({ "value": v }))
}

/// ARM's resource-group tag filter, as `az group list --tag k=v` sends it:
/// `tagName eq 'k'` or `tagName eq 'k' and tagValue eq 'v'` (a `'` inside a value is doubled).
fn parse_tag_filter(f: &str) -> Option<(String, Option<String>)> {
    fn clause<'a>(s: &'a str, key: &str) -> Option<(String, &'a str)> {
        let s = s.trim_start();
        let rest = s.get(..key.len()).filter(|k| k.eq_ignore_ascii_case(key)).map(|_| &s[key.len()..])?;
        let rest = rest.trim_start();
        let rest = rest.get(..2).filter(|k| k.eq_ignore_ascii_case("eq")).map(|_| &rest[2..])?.trim_start();
        let mut chars = rest.strip_prefix('\'')?.char_indices().peekable();
        let body = &rest[1..];
        let mut value = String::new();
        while let Some((i, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    chars.next();
                } else {
                    return Some((value, &body[i + 1..]));
                }
            }
            value.push(c);
        }
        None
    }
    let (name, rest) = clause(f, "tagName")?;
    let rest = rest.trim_start();
    if rest.is_empty() {
        return Some((name, None));
    }
    let rest = rest.get(..3).filter(|k| k.eq_ignore_ascii_case("and")).map(|_| &rest[3..])?;
    let (value, rest) = clause(rest, "tagValue")?;
    rest.trim().is_empty().then_some((name, Some(value)))
}

/// Tag names match case-insensitively, values exactly.
fn tag_matches(g: &ResourceGroup, name: &str, value: Option<&str>) -> bool {
    g.tags.iter().any(|(k, v)| k.eq_ignore_ascii_case(name) && value.is_none_or(|want| v.as_str() == Some(want)))
}

fn rg_not_found(name: &str) -> Resp {
    arm_error(404, "ResourceGroupNotFound", &format!("Resource group '{name}' could not be found."))
}

fn valid_rg_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 90
        && !name.ends_with('.')
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')'))
}

fn group(shared: &Shared, req: &Req, sub: &str) -> Resp {
    let name = req.segs[3].clone();
    let key = name.to_ascii_lowercase();
    match req.method {
        Method::GET | Method::HEAD => {
            let st = shared.lock();
            match st.resource_groups.get(&key) {
                Some(_) if req.method == Method::HEAD => empty(204),
                Some(g) => json_resp(200, &group_json(sub, g)),
                None if req.method == Method::HEAD => empty(404),
                None => rg_not_found(&name),
            }
        }
        Method::PUT | Method::PATCH => {
            let body = match req.json_body() {
                Ok(b) => b,
                Err(r) => return r,
            };
            if !valid_rg_name(&name) {
                return arm_error(400, "InvalidResourceGroup", &format!("The provided resource group name '{name}' has these invalid characters or length. The name can only be a letter, digit, '-', '.', '(', ')' or '_', up to 90 characters, and cannot end with '.'."));
            }
            let mut st = shared.lock();
            let existing = st.resource_groups.get(&key).cloned();
            if let Some(g) = &existing {
                if g.provisioning_state == "Deleting" {
                    return arm_error(
                        409,
                        "ResourceGroupBeingDeleted",
                        &format!(
                            "The resource group '{}' is in deprovisioning state and cannot perform this operation.",
                            g.name
                        ),
                    );
                }
            }
            let location = body.get("location").and_then(Value::as_str).map(str::to_string);
            let location = match (location, &existing, req.method.clone()) {
                (Some(l), _, _) => l,
                (None, Some(g), _) => g.location.clone(),
                (None, None, _) => {
                    return arm_error(400, "LocationRequired", "The location property is required for this definition.")
                }
            };
            if !location.eq_ignore_ascii_case(device::LOCATION) {
                return arm_error(400, "LocationNotAvailableForResourceGroup", &format!("The provided location '{location}' is not available for resource group. List of available regions is 'dbelocal'."));
            }
            let tags = body
                .get("tags")
                .and_then(Value::as_object)
                .cloned()
                .or(existing.as_ref().map(|g| g.tags.clone()))
                .unwrap_or_default();
            let g = ResourceGroup {
                name: existing.as_ref().map(|g| g.name.clone()).unwrap_or(name),
                location: device::LOCATION.into(),
                tags,
                provisioning_state: "Succeeded".into(),
            };
            st.resource_groups.insert(key, g.clone());
            json_resp(if existing.is_some() { 200 } else { 201 }, &group_json(sub, &g))
        }
        Method::DELETE => {
            let mut st = shared.lock();
            let Some(g) = st.resource_groups.get_mut(&key) else {
                return rg_not_found(&name);
            };
            g.provisioning_state = "Deleting".into();
            let g_name = g.name.clone();
            let id = st.start_operation(
                "deleteResourceGroup",
                Effect::DeleteResourceGroup { name: g_name },
                now_ms(),
                shared.scaled_ms(30.0),
            );
            accepted(shared, req, ArmPath::subscription(&sub).types(&["operationresults", &id]).as_str())
        }
        _ => method_not_allowed(req),
    }
}

/// 202 Accepted with `Location` (absolute, on the host the client used) and `Retry-After`.
pub fn accepted(shared: &Shared, req: &Req, op_path: &str) -> Resp {
    let version = req.q("api-version").unwrap_or("2020-06-01");
    let r = empty(202);
    let r = with_header(r, "location", &format!("{}{op_path}?api-version={version}", req.base()));
    with_header(r, "retry-after", &shared.cfg.retry_after_secs.to_string())
}

fn operation_result(shared: &Shared, req: &Req, id: &str) -> Resp {
    let st = shared.lock();
    match st.operations.get(id) {
        None => arm_error(404, "OperationNotFound", &format!("The operation '{id}' could not be found.")),
        // Still running: the same Location (with its api-version, which every ARM GET needs) and Retry-After.
        Some(op) if op.status == "InProgress" => accepted(shared, req, req.path.trim_start_matches('/')),
        Some(op) if op.status == "Succeeded" => empty(200),
        Some(op) => json_resp(
            500,
            &json!({ "error": op.error.clone().unwrap_or(json!({ "code": "OperationFailed", "message": format!("The operation '{}' failed.", op.name) })) }),
        ),
    }
}

fn method_not_allowed(req: &Req) -> Resp {
    arm_error(
        405,
        "MethodNotAllowed",
        &format!("The HTTP method '{}' is not supported for '{}'.", req.method, req.path),
    )
}

/// `/subscriptions/{sub}/resourceGroups/{rg}/providers/{namespace}/...`: provider resources.
fn provider_resource(shared: &Shared, req: &Req) -> Resp {
    let ns = req.segs[5].clone();
    if let Err(r) = versions::check(shared.cfg.api_versions, req.q("api-version"), versions::for_namespace(&ns)) {
        return r;
    }
    let rg = req.segs[3].to_ascii_lowercase();
    if !shared.lock().resource_groups.contains_key(&rg) {
        return rg_not_found(&req.segs[3]);
    }
    let _ = timestamp;
    let rg_name = shared.lock().resource_groups.get(&rg).map(|g| g.name.clone());
    super::resources::dispatch(shared, req, req.segs[1].clone(), rg_name, &req.segs[5], req.segs[6..].to_vec())
}

/// A provider request built by the emulator itself (template deployments): the same checks and handlers
/// as [`provider_resource`], for `/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/...` paths.
pub(crate) fn provider_request(shared: &Shared, req: &Req) -> Resp {
    if req.segs.len() < 7 || req.kw(0) != "subscriptions" || req.kw(2) != "resourcegroups" || req.kw(4) != "providers" {
        return not_found_path(req);
    }
    provider_resource(shared, req)
}

/// `/subscriptions/{sub}/resourcegroups/{rg}/deployments/...`: the deployment paths without
/// `providers/Microsoft.Resources`.
fn deployments_legacy(shared: &Shared, req: &Req) -> Resp {
    if let Err(r) = versions::check(shared.cfg.api_versions, req.q("api-version"), versions::RESOURCES) {
        return r;
    }
    let rg = req.segs[3].to_ascii_lowercase();
    let Some(rg_name) = shared.lock().resource_groups.get(&rg).map(|g| g.name.clone()) else {
        return rg_not_found(&req.segs[3]);
    };
    super::resources::dispatch(
        shared,
        req,
        req.segs[1].clone(),
        Some(rg_name),
        "Microsoft.Resources",
        req.segs[4..].to_vec(),
    )
}

/// `/subscriptions/{sub}/providers/{namespace}/...`: subscription-scope provider paths (lists, vmSizes,
/// operation statuses).
fn provider_subscription(shared: &Shared, req: &Req) -> Resp {
    let ns = req.segs[3].clone();
    if let Err(r) = versions::check(shared.cfg.api_versions, req.q("api-version"), versions::for_namespace(&ns)) {
        return r;
    }
    super::resources::dispatch(shared, req, req.segs[1].clone(), None, &ns, req.segs[4..].to_vec())
}

#[cfg(test)]
mod tests {
    use super::parse_tag_filter;

    #[test]
    fn tag_filters() {
        let some = |n: &str, v: Option<&str>| Some((n.to_string(), v.map(str::to_string)));
        assert_eq!(parse_tag_filter("tagName eq 'owner' and tagValue eq 'asegpu'"), some("owner", Some("asegpu")));
        assert_eq!(parse_tag_filter("TAGNAME eq 'owner'"), some("owner", None));
        assert_eq!(parse_tag_filter("tagName eq 'o''k' and tagValue eq ''"), some("o'k", Some("")));
        assert_eq!(parse_tag_filter("tagName eq 'owner' or tagValue eq 'x'"), None);
        assert_eq!(parse_tag_filter("name eq 'rg1'"), None);
        assert_eq!(parse_tag_filter("tagName eq 'unterminated"), None);
    }
}
