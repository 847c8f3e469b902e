//! Virtual machines: create (size, storage, NICs, the GPU and memory placement, Gen2 and the VM limit),
//! update, power actions, and the VM's view with its instance view.

use super::*;

pub(super) fn extensions_of<'a>(st: &'a State, vm_id: &str) -> Vec<&'a Value> {
    let prefix = format!("{}/extensions/", res::key(vm_id));
    st.resources
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix) && !k[prefix.len()..].contains('/'))
        .map(|(_, v)| v)
        .collect()
}

pub(super) fn vm_instance_view(st: &State, v: &Value) -> Value {
    let power = power_state(v);
    let mut statuses = vec![prov_status(v)];
    statuses.push(
        json!({ "code": format!("PowerState/{}", power.code()), "level": "Info", "displayStatus": power.display() }),
    );
    let exts: Vec<Value> =
        extensions_of(st, v["id"].as_str().unwrap_or_default()).into_iter().map(ext_instance_view).collect();
    let os_disk = v["properties"]["storageProfile"]["osDisk"]["name"].as_str().unwrap_or_default().to_string();
    let mut iv = json!({
        "computerName": v["properties"]["osProfile"]["computerName"].as_str().unwrap_or(v["name"].as_str().unwrap_or("")),
        "disks": [{ "name": os_disk, "statuses": [res::status("ProvisioningState/succeeded", "Provisioning succeeded")] }],
        "extensions": exts,
        "statuses": statuses,
    });
    if power == gpu::PowerState::Running && provisioning(v) == "Succeeded" {
        iv["vmAgent"] = json!({ "vmAgentVersion": "2.2.45", "statuses": [res::status("ProvisioningState/succeeded", "Ready")], "extensionHandlers": [] });
        if let Some(os) = internal_str(v, "osName") {
            iv["osName"] = json!(os);
        }
    }
    iv
}

pub(super) fn render_vm(st: &State, v: &Value, expand: bool) -> Value {
    let mut out = res::public(v);
    if expand {
        out["properties"]["instanceView"] = vm_instance_view(st, v);
    }
    let exts: Vec<Value> =
        extensions_of(st, v["id"].as_str().unwrap_or_default()).into_iter().map(|e| render_ext(e, false)).collect();
    if !exts.is_empty() {
        out["resources"] = json!(exts);
    }
    out
}

pub(super) fn vm(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
    let id = scope.id(2);
    match req.method {
        Method::GET => {
            let st = shared.lock();
            match res::get(&st, &id) {
                Some(v) => json_resp(200, &render_vm(&st, v, expand_instance_view(req))),
                None => res::not_found(scope, VM_TYPE, &scope.rest[1]),
            }
        }
        Method::PUT | Method::PATCH => {
            let body = match req.json_body() {
                Ok(b) => b,
                Err(r) => return r,
            };
            let mut st = shared.lock();
            match res::get(&st, &id).cloned() {
                Some(existing) => update_vm(shared, req, scope, &mut st, existing, &body),
                None if req.method == Method::PATCH => res::not_found(scope, VM_TYPE, &scope.rest[1]),
                None => create_vm(shared, req, scope, &mut st, &body),
            }
        }
        Method::DELETE => {
            let mut st = shared.lock();
            let Some(v) = res::get(&st, &id).cloned() else { return super::super::http::empty(204) };
            if provisioning(&v) == "Creating" || provisioning(&v) == "Updating" {
                return conflict_busy(&v);
            }
            if let Some(r) = st.resources.get_mut(&res::key(&id)) {
                r["properties"]["provisioningState"] = json!("Deleting");
            }
            let op = start_op(
                shared,
                &mut st,
                "deleteVirtualMachine",
                Effect::DeleteResource { id: v["id"].as_str().unwrap_or(&id).to_string() },
                VM_DELETE_SECS,
            );
            res::accepted_async(shared, req, &scope.sub, NS, &op)
        }
        _ => res::method_not_allowed(req),
    }
}

/// "Gen2 VMs are not supported for GPU." ("Deploy GPU VMs", `azure-stack-edge-gpu-deploy-gpu-virtual-machine.md`,
/// 06/24/2022; other docs allow Gen2 VMs from release 2205 without naming this exception.) `source` is the
/// image or the attached disk.
pub(super) fn check_gpu_generation(st: &State, size: &sizes::VmSize, source: Option<&str>) -> Result<(), Resp> {
    let generation = source.and_then(|id| res::get(st, id)).and_then(|r| r["properties"]["hyperVGeneration"].as_str());
    if size.gpus == 0 || !generation.is_some_and(|g| g.eq_ignore_ascii_case("V2")) {
        return Ok(());
    }
    Err(bad(
        "InvalidParameter",
        &format!(
            "The VM size '{}' is a GPU size, and the image or disk '{}' is Generation 2 (hyperVGeneration V2): Gen2 VMs are not supported for GPU. Create the image from a Generation 1 VHD, or use a non-GPU size.",
            size.name,
            source.unwrap_or_default()
        ),
    ))
}

/// "You can run a maximum of 24 VMs on your device" (see [`device::limits`]).
pub(super) fn check_vm_limit(st: &State, name: &str) -> Result<(), Resp> {
    let n = res::list_of_type(st, VM_TYPE, None).len() as u32;
    if n < device::limits::MAX_VMS_PER_DEVICE {
        return Ok(());
    }
    Err(arm_error(
        409,
        "OperationNotAllowed",
        &format!(
            "VM '{name}' cannot be created: the device already runs {n} VMs, and it runs at most {}. Delete a VM you no longer need.",
            device::limits::MAX_VMS_PER_DEVICE
        ),
    ))
}

/// The size the device offers (its GPU model's catalog and the custom sizes set on it), or its error.
pub(super) fn device_size(st: &State, name: &str) -> Result<sizes::VmSize, Resp> {
    if let Some(s) = sizes::find_offered(st.device.gpu_model, &st.device.custom_sizes, name) {
        return Ok(s);
    }
    let extra = match (custom_sizes::custom_name(name), sizes::gpu_model_of(name)) {
        (Some((custom, _)), m) if m.is_none_or(|m| m == st.device.gpu_model) => format!(
            " '{custom}' is a custom size, and it has not been set on this device: {}.",
            custom_sizes::HOW_TO_SET
        ),
        (_, Some(m)) => format!(
            " It is a GPU size for {} GPUs; this device has {} GPUs, whose sizes are: {}.",
            m.display_name(),
            st.device.gpu_model.display_name(),
            sizes::gpu_size_names(st.device.gpu_model).join(", ")
        ),
        _ => String::new(),
    };
    Err(arm_error(
        400,
        "InvalidParameter",
        &format!("The requested VM size '{name}' is not available on this device.{extra} List the available sizes with GET /subscriptions/{{subscriptionId}}/providers/Microsoft.Compute/locations/dbelocal/vmSizes."),
    ))
}

pub(super) fn create_vm(shared: &Shared, req: &Req, scope: &Scope, st: &mut State, body: &Value) -> Resp {
    match new_vm(scope, st, body) {
        Ok(vm) => place_vm(shared, req, scope, st, vm),
        Err(r) => r,
    }
}

/// Where a new VM's OS disk comes from: a custom image (a new managed disk), or a disk to attach.
pub(super) struct VmStorage {
    pub(super) os_type: String,
    /// Names to recognise the OS from (image or disk name, VHD URI).
    pub(super) names: Vec<String>,
    pub(super) os_disk: Value,
    pub(super) image_id: Option<String>,
    pub(super) attach_disk: Option<String>,
}

/// A VM the device accepts, before it is stored.
pub(super) struct NewVm {
    pub(super) v: Value,
    pub(super) nic_ids: Vec<String>,
    pub(super) storage: VmStorage,
}

/// Check a VM PUT the way the device does (size, storage, generation, the VM limit, OS, NICs, GPUs and
/// memory) and build the VM.
pub(super) fn new_vm(scope: &Scope, st: &State, body: &Value) -> Result<NewVm, Resp> {
    res::check_location(body, false)?;
    let name = scope.rest[1].clone();
    let p = &body["properties"];
    let Some(size_name) = p["hardwareProfile"]["vmSize"].as_str() else {
        return Err(bad("InvalidParameter", "Required parameter 'hardwareProfile.vmSize' is missing (null)."));
    };
    let size = device_size(st, size_name)?;
    let mut storage = vm_storage(st, scope, &name, &p["storageProfile"])?;
    storage.names.push(name.clone());
    check_gpu_generation(st, &size, storage.image_id.as_deref().or(storage.attach_disk.as_deref()))?;
    check_vm_limit(st, &name)?;
    let Some(os) = extension::OsType::parse(&storage.os_type) else {
        return Err(bad(
            "InvalidParameter",
            &format!("The OS type '{}' is not valid; use Windows or Linux.", storage.os_type),
        ));
    };
    let os_profile =
        if storage.attach_disk.is_none() { Some(os_profile_of(&p["osProfile"], &name, os)?) } else { None };
    let nic_ids = vm_nics(st, p)?;
    check_placement(st, &name, &size)?;
    let v = vm_json(scope, &name, body, &size, os, &storage, os_profile, &nic_ids);
    Ok(NewVm { v, nic_ids, storage })
}

/// The storage profile: a custom image (`imageReference.id`), or an OS disk to attach.
pub(super) fn vm_storage(st: &State, scope: &Scope, name: &str, sp: &Value) -> Result<VmStorage, Resp> {
    let os_in = &sp["osDisk"];
    if let Some(image_id) = sp["imageReference"]["id"].as_str() {
        return storage_from_image(st, scope, name, image_id, os_in);
    }
    if os_in["createOption"].as_str().is_some_and(|c| c.eq_ignore_ascii_case("Attach")) {
        return storage_from_disk(st, os_in);
    }
    if sp["imageReference"]["publisher"].is_string() {
        return Err(bad("InvalidParameter", "Marketplace images are not available on this device: create an image from a VHD (Microsoft.Compute/images) and reference it with storageProfile.imageReference.id."));
    }
    Err(bad("InvalidParameter", "The storage profile needs imageReference.id (a custom image) or an osDisk with createOption 'Attach' and managedDisk.id."))
}

pub(super) fn storage_from_image(
    st: &State,
    scope: &Scope,
    name: &str,
    image_id: &str,
    os_in: &Value,
) -> Result<VmStorage, Resp> {
    let Some(img) = res::get(st, image_id) else {
        return Err(arm_error(
            404,
            "NotFound",
            &format!("The Image '{image_id}' cannot be found in 'dbelocal' region."),
        ));
    };
    if provisioning(img) != "Succeeded" {
        return Err(arm_error(
            409,
            "Conflict",
            &format!("The Image '{image_id}' is in provisioning state '{}' and cannot be used yet.", provisioning(img)),
        ));
    }
    let iod = &img["properties"]["storageProfile"]["osDisk"];
    let os_type = iod["osType"].as_str().unwrap_or("Linux").to_string();
    let names = vec![img["name"].as_str().unwrap_or("").to_string(), iod["blobUri"].as_str().unwrap_or("").to_string()];
    let disk_name = os_in["name"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| format!("{name}_OsDisk_1_{}", uuid::Uuid::new_v4().simple()));
    let disk_id = res::rid(&scope.sub, scope.rg(), NS, &["disks", &disk_name]);
    let account = os_in["managedDisk"]["storageAccountType"]
        .as_str()
        .or(iod["storageAccountType"].as_str())
        .unwrap_or("Standard_LRS")
        .to_string();
    let size_gb = os_in["diskSizeGB"].as_u64().or(iod["diskSizeGB"].as_u64()).unwrap_or(30);
    let os_disk = json!({
        "osType": os_type, "name": disk_name, "createOption": "FromImage",
        "caching": os_in["caching"].as_str().unwrap_or("ReadWrite"),
        "managedDisk": { "storageAccountType": account, "id": disk_id }, "diskSizeGB": size_gb,
    });
    Ok(VmStorage { os_type, names, os_disk, image_id: Some(image_id.to_string()), attach_disk: None })
}

pub(super) fn storage_from_disk(st: &State, os_in: &Value) -> Result<VmStorage, Resp> {
    let Some(disk_id) = os_in["managedDisk"]["id"].as_str() else {
        return Err(bad("InvalidParameter", "An OS disk with createOption 'Attach' needs managedDisk.id."));
    };
    let Some(d) = res::get(st, disk_id) else {
        return Err(arm_error(404, "NotFound", &format!("Disk '{disk_id}' could not be found.")));
    };
    if let Some(by) = d["managedBy"].as_str() {
        return Err(arm_error(
            409,
            "OperationNotAllowed",
            &format!("Disk '{}' is already attached to VM '{by}'.", d["name"].as_str().unwrap_or("")),
        ));
    }
    let os_type = os_in["osType"].as_str().or(d["properties"]["osType"].as_str()).unwrap_or("Linux").to_string();
    let names = vec![
        d["name"].as_str().unwrap_or("").to_string(),
        d["properties"]["creationData"]["sourceUri"].as_str().unwrap_or("").to_string(),
    ];
    let os_disk = json!({
        "osType": os_type, "name": d["name"], "createOption": "Attach", "caching": os_in["caching"].as_str().unwrap_or("ReadWrite"),
        "managedDisk": { "storageAccountType": d["sku"]["name"], "id": d["id"] }, "diskSizeGB": d["properties"]["diskSizeGB"],
    });
    let attach = d["id"].as_str().unwrap_or(disk_id).to_string();
    Ok(VmStorage { os_type, names, os_disk, image_id: None, attach_disk: Some(attach) })
}

/// The OS profile as the device keeps it: no password or custom data, the defaults filled in.
pub(super) fn os_profile_of(given: &Value, name: &str, os: extension::OsType) -> Result<Value, Resp> {
    if given["adminUsername"].as_str().is_none_or(str::is_empty) {
        return Err(bad("InvalidParameter", "Required parameter 'osProfile.adminUsername' is missing (null)."));
    }
    let mut profile = given.clone();
    if let Some(o) = profile.as_object_mut() {
        o.remove("adminPassword");
        o.remove("customData");
        o.entry("computerName").or_insert(json!(name));
        o.entry("secrets").or_insert(json!([]));
        match os {
            extension::OsType::Linux => {
                o.entry("linuxConfiguration").or_insert(json!({ "disablePasswordAuthentication": false }));
            }
            extension::OsType::Windows => {
                o.entry("windowsConfiguration")
                    .or_insert(json!({ "provisionVMAgent": true, "enableAutomaticUpdates": true }));
            }
        }
    }
    Ok(profile)
}

/// The VM's network interfaces: at least one; each must exist and be free.
pub(super) fn vm_nics(st: &State, p: &Value) -> Result<Vec<String>, Resp> {
    let nics = p["networkProfile"]["networkInterfaces"].as_array().cloned().unwrap_or_default();
    if nics.is_empty() {
        return Err(bad(
            "InvalidParameter",
            "The VM needs at least one network interface (networkProfile.networkInterfaces).",
        ));
    }
    let mut ids = Vec::new();
    for n in &nics {
        let Some(nid) = n["id"].as_str() else {
            return Err(bad("InvalidParameter", "A network interface reference needs an id."));
        };
        let Some(nic) = res::get(st, nid) else {
            return Err(arm_error(404, "NotFound", &format!("Resource '{nid}' was not found.")));
        };
        if let Some(other) = nic["properties"]["virtualMachine"]["id"].as_str() {
            return Err(arm_error(
                400,
                "NicInUse",
                &format!(
                    "Network interface '{}' is already used by virtual machine '{other}'.",
                    nic["id"].as_str().unwrap_or(nid)
                ),
            ));
        }
        ids.push(nic["id"].as_str().unwrap_or(nid).to_string());
    }
    Ok(ids)
}

/// The VM resource as the device stores it (its internal bookkeeping under `res::INTERNAL`).
#[allow(clippy::too_many_arguments)]
pub(super) fn vm_json(
    scope: &Scope,
    name: &str,
    body: &Value,
    size: &sizes::VmSize,
    os: extension::OsType,
    storage: &VmStorage,
    os_profile: Option<Value>,
    nic_ids: &[String],
) -> Value {
    let p = &body["properties"];
    let net: Vec<Value> =
        nic_ids.iter().enumerate().map(|(i, n)| json!({ "id": n, "properties": { "primary": i == 0 } })).collect();
    let mut sp = json!({ "osDisk": storage.os_disk, "dataDisks": p["storageProfile"]["dataDisks"].as_array().cloned().unwrap_or_default() });
    if let Some(image_id) = &storage.image_id {
        sp["imageReference"] = json!({ "id": image_id });
    }
    let names: Vec<&str> = storage.names.iter().map(String::as_str).collect();
    let os_name = extension::guess_os(os, &names).name().unwrap_or(os.as_str()).to_string();
    let mut props = json!({
        "vmId": uuid::Uuid::new_v4().to_string(),
        "hardwareProfile": { "vmSize": size.name },
        "storageProfile": sp,
        "networkProfile": { "networkInterfaces": net },
        "provisioningState": "Creating",
    });
    if let Some(profile) = os_profile {
        props["osProfile"] = profile;
    }
    if p["diagnosticsProfile"].is_object() {
        props["diagnosticsProfile"] = p["diagnosticsProfile"].clone();
    }
    json!({
        "id": res::rid(&scope.sub, scope.rg(), NS, &["virtualMachines", name]), "name": name, "type": VM_TYPE,
        "location": device::LOCATION,
        "tags": body.get("tags").filter(|t| t.is_object()).cloned().unwrap_or(json!({})),
        "properties": props,
        res::INTERNAL: {
            "powerState": "starting", "gpus": size.gpus, "memoryGib": size.memory_gib, "osType": os.as_str(),
            "imageNames": storage.names, "osName": os_name,
        },
    })
}

/// Store the VM with its OS disk, data disks and NICs, and start creating it.
pub(super) fn place_vm(shared: &Shared, req: &Req, scope: &Scope, st: &mut State, vm: NewVm) -> Resp {
    let NewVm { v, nic_ids, storage } = vm;
    let vm_id = v["id"].as_str().unwrap_or_default().to_string();
    attach_os_disk(st, &vm_id, &v["properties"]["storageProfile"]["osDisk"], &storage);
    set_data_disks_owner(st, &vm_id, &[], &v["properties"]["storageProfile"]["dataDisks"]);
    for (i, n) in nic_ids.iter().enumerate() {
        super::super::network::set_nic_vm(st, n, Some(&vm_id), i == 0);
    }
    st.resources.insert(res::key(&vm_id), v.clone());
    let op = start_op(
        shared,
        st,
        "createVirtualMachine",
        Effect::Provision { id: vm_id.clone(), state: "Succeeded".into(), power: Some("running".into()), error: None },
        VM_CREATE_SECS,
    );
    res::created_async(shared, req, 201, &render_vm(st, &v, false), &scope.sub, NS, &op)
}

/// The OS disk: the attached disk is now the VM's; from an image, a new managed disk the VM owns.
pub(super) fn attach_os_disk(st: &mut State, vm_id: &str, od: &Value, storage: &VmStorage) {
    if let Some(d) = &storage.attach_disk {
        if let Some(r) = st.resources.get_mut(&res::key(d)) {
            r["managedBy"] = json!(vm_id);
            r["properties"]["diskState"] = json!("Attached");
        }
        return;
    }
    let did = od["managedDisk"]["id"].as_str().unwrap_or_default().to_string();
    let account = od["managedDisk"]["storageAccountType"].as_str().unwrap_or("Standard_LRS").to_string();
    let mut d = disk_json(
        &did,
        od["name"].as_str().unwrap_or(""),
        &account,
        json!({ "createOption": "FromImage", "imageReference": { "id": storage.image_id } }),
        od["diskSizeGB"].as_u64().unwrap_or(30),
        Some(os_type_str(&storage.os_type)),
        "Succeeded",
    );
    d["managedBy"] = json!(vm_id);
    d["properties"]["diskState"] = json!("Attached");
    st.resources.insert(res::key(&did), d);
}

/// The OS type as the disk records it (`Windows` or `Linux`, as parsed).
fn os_type_str(os_type: &str) -> &'static str {
    extension::OsType::parse(os_type).unwrap_or(extension::OsType::Linux).as_str()
}

/// Mark the managed data disks a VM uses as owned by it, releasing those it no longer uses.
pub(super) fn set_data_disks_owner(st: &mut State, vm_id: &str, before: &[Value], after: &Value) {
    let ids = |a: &[Value]| a.iter().filter_map(|d| d["managedDisk"]["id"].as_str().map(res::key)).collect::<Vec<_>>();
    let after_ids = ids(after.as_array().map(Vec::as_slice).unwrap_or(&[]));
    for k in ids(before) {
        if !after_ids.contains(&k) {
            if let Some(d) = st.resources.get_mut(&k) {
                if let Some(o) = d.as_object_mut() {
                    o.remove("managedBy");
                }
                d["properties"]["diskState"] = json!("Unattached");
            }
        }
    }
    for k in after_ids {
        if let Some(d) = st.resources.get_mut(&k) {
            d["managedBy"] = json!(vm_id);
            d["properties"]["diskState"] = json!("Attached");
        }
    }
}

pub(super) fn update_vm(
    shared: &Shared,
    req: &Req,
    scope: &Scope,
    st: &mut State,
    existing: Value,
    body: &Value,
) -> Resp {
    if busy(&existing) {
        return conflict_busy(&existing);
    }
    if let Err(r) = res::check_location(body, true) {
        return r;
    }
    let id = existing["id"].as_str().unwrap_or_default().to_string();
    let mut v = existing.clone();
    let p = &body["properties"];
    if let Some(t) = body.get("tags").filter(|t| t.is_object()) {
        v["tags"] = t.clone();
    }
    if let Some(new_size) = p["hardwareProfile"]["vmSize"].as_str() {
        if let Err(r) = resize(st, scope, &existing, &mut v, new_size) {
            return r;
        }
    }
    if let Some(dd) = p["storageProfile"]["dataDisks"].as_array() {
        if let Err(r) = set_data_disks(st, &id, &mut v, dd) {
            return r;
        }
    }
    if let Some(gb) = p["storageProfile"]["osDisk"]["diskSizeGB"].as_u64() {
        v["properties"]["storageProfile"]["osDisk"]["diskSizeGB"] = json!(gb);
        if let Some(did) = v["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"].as_str().map(str::to_string)
        {
            if let Some(d) = st.resources.get_mut(&res::key(&did)) {
                d["properties"]["diskSizeGB"] = json!(gb);
            }
        }
    }
    v["properties"]["provisioningState"] = json!("Updating");
    st.resources.insert(res::key(&id), v.clone());
    let op = start_op(
        shared,
        st,
        "updateVirtualMachine",
        Effect::Provision { id, state: "Succeeded".into(), power: None, error: None },
        VM_UPDATE_SECS,
    );
    res::created_async(shared, req, 200, &render_vm(st, &v, false), &scope.sub, NS, &op)
}

/// A new size for the VM, placed as if its current allocation were released (a running GPU VM keeps its
/// GPUs only if the new size fits).
fn resize(st: &mut State, scope: &Scope, existing: &Value, v: &mut Value, new_size: &str) -> Result<(), Resp> {
    let old = v["properties"]["hardwareProfile"]["vmSize"].as_str().unwrap_or("").to_string();
    if new_size.eq_ignore_ascii_case(&old) {
        return Ok(());
    }
    let size = device_size(st, new_size)?;
    if vm_holds(existing) {
        let mut probe = existing.clone();
        res::internal(&mut probe).insert("powerState".into(), json!("deallocated"));
        let key = res::key(existing["id"].as_str().unwrap_or_default());
        let saved = st.resources.insert(key.clone(), probe);
        let placed = check_placement(st, &scope.rest[1], &size);
        if let Some(s) = saved {
            st.resources.insert(key, s);
        }
        placed?;
    }
    v["properties"]["hardwareProfile"]["vmSize"] = json!(size.name);
    let i = res::internal(v);
    i.insert("gpus".into(), json!(size.gpus));
    i.insert("memoryGib".into(), json!(size.memory_gib));
    Ok(())
}

/// The VM's data disks: each must exist and be attached to no other VM.
fn set_data_disks(st: &mut State, id: &str, v: &mut Value, dd: &[Value]) -> Result<(), Resp> {
    let before = v["properties"]["storageProfile"]["dataDisks"].as_array().cloned().unwrap_or_default();
    for did in dd.iter().filter_map(|d| d["managedDisk"]["id"].as_str()) {
        match res::get(st, did) {
            None => return Err(arm_error(404, "NotFound", &format!("Disk '{did}' could not be found."))),
            Some(disk) if disk["managedBy"].as_str().is_some_and(|b| !b.eq_ignore_ascii_case(id)) => {
                return Err(arm_error(
                    409,
                    "OperationNotAllowed",
                    &format!("Disk '{did}' is attached to VM '{}'.", disk["managedBy"].as_str().unwrap_or("")),
                ));
            }
            _ => {}
        }
    }
    v["properties"]["storageProfile"]["dataDisks"] = json!(dd);
    set_data_disks_owner(st, id, &before, &json!(dd));
    Ok(())
}

pub(super) fn vm_action(shared: &Shared, req: &Req, scope: &Scope, action: &str) -> Resp {
    let id = scope.id(2);
    let mut st = shared.lock();
    let Some(v) = res::get(&st, &id).cloned() else { return res::not_found(scope, VM_TYPE, &scope.rest[1]) };
    if busy(&v) {
        return conflict_busy(&v);
    }
    let vm_id = v["id"].as_str().unwrap_or(&id).to_string();
    let power = power_state(&v);
    let (transitional, final_state) = match action {
        "start" => {
            if !power.holds_resources() || gpus_taken(&v) {
                let size_name = v["properties"]["hardwareProfile"]["vmSize"].as_str().unwrap_or("");
                let size = match device_size(&st, size_name) {
                    Ok(s) => s,
                    Err(r) => return r,
                };
                let placed = if power.holds_resources() {
                    // Stopped, its GPU taken by Kubernetes: it needs a GPU again, not its memory.
                    check_gpus(&st, &scope.rest[1], &size)
                } else {
                    check_placement(&st, &scope.rest[1], &size)
                };
                if let Err(r) = placed {
                    return r;
                }
            }
            ("starting", "running")
        }
        "poweroff" => ("stopping", "stopped"),
        "deallocate" => ("deallocating", "deallocated"),
        "restart" => {
            if power != gpu::PowerState::Running {
                return arm_error(
                    409,
                    "OperationNotAllowed",
                    &format!(
                        "Cannot restart the VM '{}' because it is not running (power state '{}'). Start it instead.",
                        scope.rest[1],
                        power.code()
                    ),
                );
            }
            ("starting", "running")
        }
        "generalize" => ("stopped", "stopped"),
        _ => {
            return arm_error(
                404,
                "NotFound",
                &format!("The action '{action}' is not supported for virtual machines on this device."),
            )
        }
    };
    if let Some(r) = st.resources.get_mut(&res::key(&vm_id)) {
        res::internal(r).insert("powerState".into(), json!(transitional));
    }
    let op = start_op(
        shared,
        &mut st,
        &format!("{action}VirtualMachine"),
        Effect::Provision { id: vm_id, state: "Succeeded".into(), power: Some(final_state.into()), error: None },
        VM_ACTION_SECS,
    );
    res::accepted_async(shared, req, &scope.sub, NS, &op)
}
