//! Microsoft.Storage on the emulated device: storage accounts (only the local Standard_LRS and Premium_LRS
//! SKUs), created the way the real resource provider does (202 + `Location` + `Retry-After`, the final poll
//! returning the account), `listKeys`, `checkNameAvailability`, lists. The blob data plane is [`super::blob`].

use super::http::{arm_error, empty, json_resp, with_header, Req, Resp};
use super::resources::{self as res, Scope};
use super::server::{now_ms, Shared};
use super::state::{Effect, State};
use asegpu_core::arm::path::ArmPath;
use asegpu_core::device;
use base64::Engine;
use hyper::Method;
use serde_json::{json, Value};

pub const ACCOUNT_TYPE: &str = "Microsoft.Storage/storageAccounts";
const CREATE_SECS: f64 = 30.0;
pub const SKUS: &[&str] = &["Standard_LRS", "Premium_LRS"];

/// The blob endpoint of an account: `https://<account>.blob.<device>.<domain>[:port]/`.
pub fn blob_endpoint(shared: &Shared, account: &str) -> String {
    let host = device::blob_host(account, &shared.cfg.device_name, &shared.cfg.dns_domain);
    if shared.port == 443 {
        format!("https://{host}/")
    } else {
        format!("https://{host}:{}/", shared.port)
    }
}

/// A storage account by name (names are unique on the device), as stored.
pub fn find_account<'a>(st: &'a State, name: &str) -> Option<&'a Value> {
    res::list_of_type(st, ACCOUNT_TYPE, None)
        .into_iter()
        .find(|a| a["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
}

/// The account keys (key1, key2), base64.
pub fn account_keys(account: &Value) -> Vec<String> {
    account[res::INTERNAL]["keys"]
        .as_array()
        .map(|a| a.iter().filter_map(|k| k.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn new_key() -> String {
    let mut b = [0u8; 64];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut b).expect("random");
    base64::engine::general_purpose::STANDARD.encode(b)
}

fn valid_name(n: &str) -> bool {
    (3..=24).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

pub fn handle(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
    let sub_scope = scope.rg.is_none();
    match (scope.kw(0).as_str(), scope.rest.len()) {
        ("storageaccounts", 1) => {
            if req.method != Method::GET {
                return res::method_not_allowed(req);
            }
            let st = shared.lock();
            let rg = if sub_scope { None } else { Some(scope.rg()) };
            res::list_resp(res::list_of_type(&st, ACCOUNT_TYPE, rg).into_iter().map(res::public).collect())
        }
        ("checknameavailability", 1) if sub_scope => check_name(shared, req),
        ("locations", 4) if sub_scope && matches!(scope.kw(2).as_str(), "asyncoperations" | "operations") => {
            poll(shared, req, &scope.rest[3])
        }
        ("operations", 2) if sub_scope => poll(shared, req, &scope.rest[1]),
        _ if sub_scope => {
            arm_error(404, "NotFound", &format!("The requested path '{}' is not found on this device.", req.path))
        }
        ("storageaccounts", 2) => res::serve::<Accounts>(shared, req, scope),
        ("storageaccounts", 3) if req.method == Method::POST && scope.kw(2) == "listkeys" => list_keys(shared, scope),
        ("storageaccounts", 3) if req.method == Method::POST && scope.kw(2) == "regeneratekey" => {
            regenerate(shared, req, scope)
        }
        _ => arm_error(
            400,
            "InvalidResourceType",
            &format!(
                "The resource type '{}' could not be found in the namespace 'Microsoft.Storage' on this device.",
                scope.rest[0]
            ),
        ),
    }
}

fn check_name(shared: &Shared, req: &Req) -> Resp {
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(json!({}));
    let name = body["name"].as_str().unwrap_or("");
    let st = shared.lock();
    if !valid_name(name) {
        return json_resp(
            200,
            &json!({ "nameAvailable": false, "reason": "AccountNameInvalid",
            "message": format!("{name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.") }),
        );
    }
    if find_account(&st, name).is_some() {
        return json_resp(
            200,
            &json!({ "nameAvailable": false, "reason": "AlreadyExists", "message": format!("The storage account named {name} is already taken.") }),
        );
    }
    json_resp(200, &json!({ "nameAvailable": true }))
}

/// The `Location` poll of an account creation: 202 while running, then 200 with the account.
fn poll(shared: &Shared, req: &Req, op: &str) -> Resp {
    let st = shared.lock();
    let Some(o) = st.operations.get(op) else {
        return arm_error(404, "OperationNotFound", &format!("The operation '{op}' could not be found."));
    };
    match o.status.as_str() {
        "InProgress" => {
            let r = empty(202);
            let r = with_header(
                r,
                "location",
                &format!("{}{}?{}", req.base(), req.path.trim_start_matches('/'), query(req)),
            );
            with_header(r, "retry-after", &shared.cfg.retry_after_secs.to_string())
        }
        "Succeeded" => match &o.effect {
            Effect::Provision { id, .. } => match res::get(&st, id) {
                Some(a) => json_resp(200, &res::public(a)),
                None => empty(200),
            },
            _ => empty(200),
        },
        _ => json_resp(
            500,
            &json!({ "error": o.error.clone().unwrap_or(json!({ "code": "OperationFailed", "message": "The operation failed." })) }),
        ),
    }
}

fn query(req: &Req) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(req.query.iter()).finish()
}

/// `Microsoft.Storage/storageAccounts`: local accounts, Standard_LRS or Premium_LRS, names unique on the device.
struct Accounts;

impl res::Stored for Accounts {
    const TYPE: &'static str = ACCOUNT_TYPE;
    const PATCH: bool = true;

    fn put(call: &res::Call, st: &mut State, body: Value, existing: Option<Value>) -> Resp {
        let name = &call.name;
        if !valid_name(name) {
            return arm_error(
                400,
                "AccountNameInvalid",
                &format!("{name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only."),
            );
        }
        let sku = body["sku"]["name"]
            .as_str()
            .map(str::to_string)
            .or_else(|| existing.as_ref().and_then(|e| e["sku"]["name"].as_str().map(str::to_string)));
        let Some(sku) = sku else {
            return arm_error(400, "MissingRequiredProperty", "The sku property is required for this definition.");
        };
        let Some(sku) = SKUS.iter().find(|s| s.eq_ignore_ascii_case(&sku)) else {
            return arm_error(
                400,
                "SkuNotSupported",
                &format!("The SKU '{sku}' is not supported on this device. Only local storage accounts (Standard_LRS or Premium_LRS) can be created via Azure Resource Manager."),
            );
        };
        match existing {
            Some(e) => update_account(st, &call.id, e, sku, &body),
            None => create_account(call, st, sku, &body),
        }
    }

    fn delete(call: &res::Call, st: &mut State, _stored: Value) -> Resp {
        st.resources.remove(&res::key(&call.id));
        empty(200)
    }
}

fn sku_json(sku: &str) -> Value {
    json!({ "name": sku, "tier": sku.split('_').next().unwrap_or("Standard") })
}

/// An update changes the SKU and the tags.
fn update_account(st: &mut State, id: &str, mut a: Value, sku: &str, body: &Value) -> Resp {
    a["sku"] = sku_json(sku);
    if let Some(t) = body.get("tags").filter(|t| t.is_object()) {
        a["tags"] = t.clone();
    }
    st.resources.insert(res::key(id), a.clone());
    json_resp(200, &res::public(&a))
}

/// Create the account (with two new keys) and answer 202 with the operation to poll, as the device does.
fn create_account(call: &res::Call, st: &mut State, sku: &str, body: &Value) -> Resp {
    let (shared, name) = (call.shared, &call.name);
    if let Some(other) = find_account(st, name) {
        return arm_error(
            409,
            "StorageAccountAlreadyTaken",
            &format!(
                "The storage account named {name} is already taken (in '{}').",
                other["id"].as_str().unwrap_or("")
            ),
        );
    }
    let kind = body["kind"].as_str().unwrap_or("Storage").to_string();
    let blob = blob_endpoint(shared, name);
    let a = json!({
        "id": call.id, "name": name, "type": ACCOUNT_TYPE, "location": device::LOCATION,
        "tags": body.get("tags").filter(|t| t.is_object()).cloned().unwrap_or(json!({})),
        "sku": sku_json(sku), "kind": kind,
        "properties": {
            "provisioningState": "Creating", "creationTime": super::http::timestamp(),
            "primaryEndpoints": { "blob": blob },
            "primaryLocation": device::LOCATION, "statusOfPrimary": "available",
            "supportsHttpsTrafficOnly": body["properties"]["supportsHttpsTrafficOnly"].as_bool().unwrap_or(false),
            "encryption": { "services": { "blob": { "enabled": true } }, "keySource": "Microsoft.Storage" },
        },
        res::INTERNAL: { "keys": [new_key(), new_key()] },
    });
    st.resources.insert(res::key(&call.id), a);
    let effect = Effect::Provision { id: call.id.clone(), state: "Succeeded".into(), power: None, error: None };
    let op = st.start_operation("createStorageAccount", effect, now_ms(), shared.scaled_ms(CREATE_SECS));
    let version = call.req.q("api-version").unwrap_or("2019-06-01");
    let path = ArmPath::subscription(&call.scope.sub).provider("Microsoft.Storage").types(&[
        "locations",
        device::LOCATION,
        "asyncoperations",
        &op,
    ]);
    let loc = format!("{}{}?monitor=true&api-version={version}", call.req.base(), path.as_str());
    let r = with_header(empty(202), "location", &loc);
    with_header(r, "retry-after", &shared.cfg.retry_after_secs.to_string())
}

fn keys_json(a: &Value) -> Value {
    let keys: Vec<Value> = account_keys(a)
        .into_iter()
        .enumerate()
        .map(|(i, k)| json!({ "keyName": format!("key{}", i + 1), "value": k, "permissions": "FULL" }))
        .collect();
    json!({ "keys": keys })
}

fn list_keys(shared: &Shared, scope: &Scope) -> Resp {
    let st = shared.lock();
    match res::get(&st, &scope.id(2)) {
        Some(a) => json_resp(200, &keys_json(a)),
        None => res::not_found(scope, ACCOUNT_TYPE, &scope.rest[1]),
    }
}

fn regenerate(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(json!({}));
    let which = match body["keyName"].as_str().map(str::to_ascii_lowercase).as_deref() {
        Some("key1") => 0,
        Some("key2") => 1,
        _ => return arm_error(400, "InvalidValuesForRequestParameters", "keyName must be key1 or key2."),
    };
    let mut st = shared.lock();
    let Some(a) = st.resources.get_mut(&res::key(&scope.id(2))) else {
        return res::not_found(scope, ACCOUNT_TYPE, &scope.rest[1]);
    };
    a[res::INTERNAL]["keys"][which] = json!(new_key());
    json_resp(200, &keys_json(a))
}
