//! VM extensions, and the GPU extension as the device checks it (request, then the driver download).

use super::*;

pub(super) fn ext_instance_view(e: &Value) -> Value {
    let p = &e["properties"];
    let mut status = prov_status(e);
    if provisioning(e) == "Succeeded" {
        status["message"] = json!("Enable Extension");
    }
    json!({ "name": e["name"], "type": format!("{}.{}", p["publisher"].as_str().unwrap_or(""), p["type"].as_str().unwrap_or("")),
            "typeHandlerVersion": p["typeHandlerVersion"], "statuses": [status], "substatuses": [] })
}

pub(super) fn render_ext(e: &Value, expand: bool) -> Value {
    let mut out = res::public(e);
    if expand {
        out["properties"]["instanceView"] = ext_instance_view(e);
    }
    out
}

pub(super) fn ext(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
    let vm_id = scope.id(2);
    let id = scope.id(4);
    let name = scope.rest[3].clone();
    match req.method {
        Method::GET => {
            let st = shared.lock();
            match res::get(&st, &id) {
                Some(e) => json_resp(200, &render_ext(e, expand_instance_view(req))),
                None => arm_error(404, "NotFound", &format!("The entity was not found in this Azure location. Extension '{name}' of VM '{}' does not exist.", scope.rest[1])),
            }
        }
        Method::PUT | Method::PATCH => {
            let body = match req.json_body() {
                Ok(b) => b,
                Err(r) => return r,
            };
            let mut st = shared.lock();
            let Some(vm) = res::get(&st, &vm_id).cloned() else {
                return arm_error(
                    404,
                    "ParentResourceNotFound",
                    &format!(
                        "Can not perform requested operation on nested resource. Parent resource '{}' not found.",
                        scope.rest[1]
                    ),
                );
            };
            put_ext(shared, req, scope, &mut st, &vm, &id, &name, &body)
        }
        Method::DELETE => {
            let mut st = shared.lock();
            let Some(e) = res::get(&st, &id).cloned() else { return super::super::http::empty(204) };
            if let Some(r) = st.resources.get_mut(&res::key(&id)) {
                r["properties"]["provisioningState"] = json!("Deleting");
            }
            let op = start_op(
                shared,
                &mut st,
                "deleteExtension",
                Effect::DeleteResource { id: e["id"].as_str().unwrap_or(&id).to_string() },
                OTHER_EXT_SECS,
            );
            res::accepted_async(shared, req, &scope.sub, NS, &op)
        }
        _ => res::method_not_allowed(req),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn put_ext(
    shared: &Shared,
    req: &Req,
    scope: &Scope,
    st: &mut State,
    vm: &Value,
    id: &str,
    name: &str,
    body: &Value,
) -> Resp {
    let existing = res::get(st, id).cloned();
    if let Some(e) = &existing {
        if busy(e) {
            return conflict_busy(e);
        }
    }
    if let Err(r) = res::check_location(body, true) {
        return r;
    }
    if busy(vm) {
        return conflict_busy(vm);
    }
    if power_state(vm) != gpu::PowerState::Running {
        return arm_error(409, "OperationNotAllowed", "Cannot modify extensions in the VM when the VM is not running.");
    }
    let prev = existing.as_ref().map(|e| e["properties"].clone()).unwrap_or(json!({}));
    let p = &body["properties"];
    let field = |k: &str| p[k].as_str().or(prev[k].as_str()).map(str::to_string);
    let (Some(publisher), Some(etype), Some(version)) =
        (field("publisher"), field("type"), field("typeHandlerVersion"))
    else {
        return bad(
            "InvalidParameter",
            "An extension needs properties.publisher, properties.type and properties.typeHandlerVersion.",
        );
    };
    let gpu_ext = publisher.eq_ignore_ascii_case(extension::PUBLISHER)
        || etype.to_ascii_lowercase().starts_with("nvidiagpudriver");
    let error = if gpu_ext { gpu_extension_error(st, vm, name, &publisher, &etype, &version) } else { None };
    let stored_name =
        existing.as_ref().and_then(|e| e["name"].as_str().map(str::to_string)).unwrap_or_else(|| name.to_string());
    let ext_id = format!("{}/extensions/{stored_name}", vm["id"].as_str().unwrap_or_default());
    let mut props = json!({
        "publisher": publisher, "type": etype, "typeHandlerVersion": version,
        "autoUpgradeMinorVersion": p["autoUpgradeMinorVersion"].as_bool().or(prev["autoUpgradeMinorVersion"].as_bool()).unwrap_or(false),
        "settings": if p["settings"].is_null() { prev["settings"].clone() } else { p["settings"].clone() },
        "provisioningState": if existing.is_some() { "Updating" } else { "Creating" },
    });
    if props["settings"].is_null() {
        props["settings"] = json!({});
    }
    let v = json!({
        "id": ext_id, "name": stored_name, "type": EXT_TYPE, "location": device::LOCATION,
        "tags": body.get("tags").filter(|t| t.is_object()).cloned().unwrap_or(json!({})),
        "properties": props,
    });
    st.resources.insert(res::key(&ext_id), v.clone());
    let secs = match (&error, gpu_ext) {
        (Some(_), _) => EXT_FAIL_SECS,
        (None, true) => EXT_SECS,
        (None, false) => OTHER_EXT_SECS,
    };
    let op = start_op(
        shared,
        st,
        "createExtension",
        Effect::Provision { id: ext_id, state: "Succeeded".into(), power: None, error },
        secs,
    );
    res::created_async(
        shared,
        req,
        if existing.is_some() { 200 } else { 201 },
        &render_ext(&v, false),
        &scope.sub,
        NS,
        &op,
    )
}

/// How the device fails a GPU extension: the request's checks, then the driver download, which needs the
/// compute network to reach the internet. The VM's distribution is not checked (untested OSes may work).
pub(super) fn gpu_extension_error(
    st: &State,
    vm: &Value,
    name: &str,
    publisher: &str,
    etype: &str,
    version: &str,
) -> Option<Value> {
    let size = vm["properties"]["hardwareProfile"]["vmSize"].as_str().unwrap_or("");
    let os = internal_str(vm, "osType").and_then(|o| extension::OsType::parse(&o)).unwrap_or(extension::OsType::Linux);
    let gpus = vm[res::INTERNAL]["gpus"].as_u64().unwrap_or(0) as u32;
    let checked = extension::check_gpu_extension(
        publisher,
        etype,
        version,
        size,
        gpus,
        sizes::gpu_size_names(st.device.gpu_model),
        os,
        &st.device.release,
    );
    let failed = match checked {
        Err(e) => Some(e),
        Ok(()) if !st.device.compute_internet => Some(extension::GpuExtensionError::DownloadFailed { os }),
        Ok(()) => None,
    };
    failed.map(|e| json!({ "code": e.code(), "message": e.message(name) }))
}
