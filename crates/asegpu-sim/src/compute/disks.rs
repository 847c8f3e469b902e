//! Managed disks: `Import` (from a VHD page blob, checked as images are) and `Empty`, attached and detached by VMs.

use super::*;

pub(super) fn disk_json(
    id: &str,
    name: &str,
    account: &str,
    creation: Value,
    size_gb: u64,
    os: Option<&str>,
    state: &str,
) -> Value {
    let tier = if account.starts_with("Premium") { "Premium" } else { "Standard" };
    let mut props = json!({
        "creationData": creation, "diskSizeGB": size_gb, "timeCreated": super::super::http::timestamp(),
        "provisioningState": state, "diskState": "Unattached",
    });
    if let Some(os) = os {
        props["osType"] = json!(os);
    }
    json!({ "id": id, "name": name, "type": DISK_TYPE, "location": device::LOCATION, "tags": {},
            "sku": { "name": account, "tier": tier }, "properties": props })
}

/// `Microsoft.Compute/disks`.
pub(super) struct Disks;

impl res::Stored for Disks {
    const TYPE: &'static str = DISK_TYPE;
    const PATCH: bool = true;

    fn put(call: &res::Call, st: &mut State, body: Value, existing: Option<Value>) -> Resp {
        let p = &body["properties"];
        let account = body["sku"]["name"].as_str().or(p["accountType"].as_str()).unwrap_or("Standard_LRS").to_string();
        if !["Standard_LRS", "Premium_LRS"].iter().any(|a| a.eq_ignore_ascii_case(&account)) {
            return bad(
                "InvalidParameter",
                &format!("The disk SKU '{account}' is not supported on this device; use Standard_LRS or Premium_LRS."),
            );
        }
        if let Some(e) = &existing {
            return update_disk(st, &call.id, e, &body);
        }
        let creation = p["creationData"].clone();
        let size_gb = match new_disk_size_gb(call.shared, st, p) {
            Ok(gb) => gb,
            Err(r) => return r,
        };
        let did = res::rid(&call.scope.sub, call.scope.rg(), NS, &["disks", &call.name]);
        let mut v = disk_json(&did, &call.name, &account, creation, size_gb, p["osType"].as_str(), "Creating");
        if let Some(g) = p["hyperVGeneration"].as_str() {
            v["properties"]["hyperVGeneration"] = json!(g);
        }
        if let Some(t) = body.get("tags").filter(|t| t.is_object()) {
            v["tags"] = t.clone();
        }
        st.resources.insert(res::key(&did), v.clone());
        let effect = Effect::Provision { id: did, state: "Succeeded".into(), power: None, error: None };
        let op = start_op(call.shared, st, "createDisk", effect, DISK_SECS);
        res::created_async(call.shared, call.req, 201, &v, &call.scope.sub, NS, &op)
    }

    /// A disk attached to a VM cannot be deleted.
    fn delete(call: &res::Call, st: &mut State, stored: Value) -> Resp {
        if let Some(by) = stored["managedBy"].as_str() {
            return arm_error(
                409,
                "OperationNotAllowed",
                &format!("Disk {} is attached to VM {by}.", stored["name"].as_str().unwrap_or("")),
            );
        }
        let effect = Effect::DeleteResource { id: stored["id"].as_str().unwrap_or(&call.id).to_string() };
        let op = start_op(call.shared, st, "deleteDisk", effect, DISK_SECS / 2.0);
        res::accepted_async(call.shared, call.req, &call.scope.sub, NS, &op)
    }
}

/// An update changes the size (never smaller) and the tags only.
fn update_disk(st: &mut State, id: &str, existing: &Value, body: &Value) -> Resp {
    let mut v = existing.clone();
    if let Some(gb) = body["properties"]["diskSizeGB"].as_u64() {
        if gb < existing["properties"]["diskSizeGB"].as_u64().unwrap_or(0) {
            return bad("InvalidParameter", "A disk cannot be made smaller.");
        }
        v["properties"]["diskSizeGB"] = json!(gb);
    }
    if let Some(t) = body.get("tags").filter(|t| t.is_object()) {
        v["tags"] = t.clone();
    }
    st.resources.insert(res::key(id), v.clone());
    json_resp(200, &res::public(&v))
}

/// A new disk's size in GB: `Import` from a VHD page blob (checked as the device does) or `Empty`.
fn new_disk_size_gb(shared: &Shared, st: &State, p: &Value) -> Result<u64, Resp> {
    let creation = &p["creationData"];
    let option = creation["createOption"].as_str().unwrap_or("");
    match option.to_ascii_lowercase().as_str() {
        "import" => {
            let Some(uri) = creation["sourceUri"].as_str() else {
                return Err(bad("InvalidParameter", "A disk with createOption 'Import' needs creationData.sourceUri (the VHD page blob)."));
            };
            let gen2 = p["hyperVGeneration"].as_str().is_some_and(|g| g.eq_ignore_ascii_case("V2"));
            let bytes = check_vhd_uri(shared, st, uri, gen2)?;
            Ok(p["diskSizeGB"].as_u64().or(bytes.map(|b| b.div_ceil(1 << 30))).unwrap_or(30))
        }
        "empty" => match p["diskSizeGB"].as_u64() {
            Some(gb) if gb > 0 => Ok(gb),
            _ => Err(bad("InvalidParameter", "A disk with createOption 'Empty' needs diskSizeGB.")),
        },
        _ => Err(bad("InvalidParameter", &format!("The createOption '{option}' is not supported on this device; use Import (from a VHD page blob) or Empty."))),
    }
}
