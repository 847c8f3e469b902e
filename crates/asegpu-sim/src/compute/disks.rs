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

pub(super) fn disk(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
    let id = scope.id(2);
    let name = scope.rest[1].clone();
    match req.method {
        Method::GET => {
            let st = shared.lock();
            match res::get(&st, &id) {
                Some(v) => json_resp(200, &res::public(v)),
                None => res::not_found(scope, DISK_TYPE, &name),
            }
        }
        Method::PUT | Method::PATCH => {
            let body = match req.json_body() {
                Ok(b) => b,
                Err(r) => return r,
            };
            let mut st = shared.lock();
            let existing = res::get(&st, &id).cloned();
            if let Err(r) = res::check_location(&body, existing.is_some()) {
                return r;
            }
            let p = &body["properties"];
            let account =
                body["sku"]["name"].as_str().or(p["accountType"].as_str()).unwrap_or("Standard_LRS").to_string();
            if !["Standard_LRS", "Premium_LRS"].iter().any(|a| a.eq_ignore_ascii_case(&account)) {
                return bad(
                    "InvalidParameter",
                    &format!(
                        "The disk SKU '{account}' is not supported on this device; use Standard_LRS or Premium_LRS."
                    ),
                );
            }
            if let Some(e) = &existing {
                // Update: size and tags only.
                let mut v = e.clone();
                if let Some(gb) = p["diskSizeGB"].as_u64() {
                    if gb < e["properties"]["diskSizeGB"].as_u64().unwrap_or(0) {
                        return bad("InvalidParameter", "A disk cannot be made smaller.");
                    }
                    v["properties"]["diskSizeGB"] = json!(gb);
                }
                if let Some(t) = body.get("tags").filter(|t| t.is_object()) {
                    v["tags"] = t.clone();
                }
                st.resources.insert(res::key(&id), v.clone());
                return json_resp(200, &res::public(&v));
            }
            let creation = p["creationData"].clone();
            let option = creation["createOption"].as_str().unwrap_or("").to_string();
            let size_gb = match option.to_ascii_lowercase().as_str() {
                "import" => {
                    let Some(uri) = creation["sourceUri"].as_str() else {
                        return bad("InvalidParameter", "A disk with createOption 'Import' needs creationData.sourceUri (the VHD page blob).");
                    };
                    match check_vhd_uri(shared, &st, uri, p["hyperVGeneration"].as_str().is_some_and(|g| g.eq_ignore_ascii_case("V2"))) {
                        Ok(bytes) => p["diskSizeGB"].as_u64().or(bytes.map(|b| b.div_ceil(1 << 30))).unwrap_or(30),
                        Err(r) => return r,
                    }
                }
                "empty" => match p["diskSizeGB"].as_u64() {
                    Some(gb) if gb > 0 => gb,
                    _ => return bad("InvalidParameter", "A disk with createOption 'Empty' needs diskSizeGB."),
                },
                _ => return bad("InvalidParameter", &format!("The createOption '{option}' is not supported on this device; use Import (from a VHD page blob) or Empty.")),
            };
            let did = res::rid(&scope.sub, scope.rg(), NS, &["disks", &name]);
            let mut v = disk_json(&did, &name, &account, creation, size_gb, p["osType"].as_str(), "Creating");
            if let Some(g) = p["hyperVGeneration"].as_str() {
                v["properties"]["hyperVGeneration"] = json!(g);
            }
            if let Some(t) = body.get("tags").filter(|t| t.is_object()) {
                v["tags"] = t.clone();
            }
            st.resources.insert(res::key(&did), v.clone());
            let op = start_op(
                shared,
                &mut st,
                "createDisk",
                Effect::Provision { id: did, state: "Succeeded".into(), power: None, error: None },
                DISK_SECS,
            );
            res::created_async(shared, req, 201, &v, &scope.sub, NS, &op)
        }
        Method::DELETE => {
            let mut st = shared.lock();
            let Some(v) = res::get(&st, &id).cloned() else { return super::super::http::empty(204) };
            if let Some(by) = v["managedBy"].as_str() {
                return arm_error(
                    409,
                    "OperationNotAllowed",
                    &format!("Disk {} is attached to VM {by}.", v["name"].as_str().unwrap_or("")),
                );
            }
            let op = start_op(
                shared,
                &mut st,
                "deleteDisk",
                Effect::DeleteResource { id: v["id"].as_str().unwrap_or(&id).to_string() },
                DISK_SECS / 2.0,
            );
            res::accepted_async(shared, req, &scope.sub, NS, &op)
        }
        _ => res::method_not_allowed(req),
    }
}
