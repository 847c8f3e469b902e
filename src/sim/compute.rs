//! Microsoft.Compute on the emulated device: images (from a VHD page blob or a managed disk), disks
//! (`Import`, `Empty`), virtual machines (create/update as long-running operations, instance view, power
//! operations, lists), `vmSizes` from the device's catalog and GPU model, and VM extensions (the NVIDIA GPU
//! extension fails the way the device does). The device's GPU and memory rules decide whether a VM can be
//! placed (see [`crate::device::gpu`]).

use super::http::{arm_error, json_resp, Req, Resp};
use super::resources::{self as res, Scope};
use super::server::{now_ms, Shared};
use super::state::{Effect, State};
use crate::device::{self, custom_sizes, extension, gpu, sizes};
use hyper::Method;
use serde_json::{json, Value};

pub const VM_TYPE: &str = "Microsoft.Compute/virtualMachines";
pub const EXT_TYPE: &str = "Microsoft.Compute/virtualMachines/extensions";
pub const IMAGE_TYPE: &str = "Microsoft.Compute/images";
pub const DISK_TYPE: &str = "Microsoft.Compute/disks";
const NS: &str = "Microsoft.Compute";

/// Emulated durations, in device seconds (scaled by the time scale).
const VM_CREATE_SECS: f64 = 900.0;
const VM_UPDATE_SECS: f64 = 60.0;
const VM_ACTION_SECS: f64 = 60.0;
const VM_DELETE_SECS: f64 = 120.0;
const EXT_SECS: f64 = 600.0;
const EXT_FAIL_SECS: f64 = 120.0;
const OTHER_EXT_SECS: f64 = 120.0;
const IMAGE_SECS: f64 = 60.0;
const DISK_SECS: f64 = 60.0;

fn internal_str(v: &Value, k: &str) -> Option<String> {
    v[res::INTERNAL][k].as_str().map(str::to_string)
}

/// A VM's power state (from the emulator's bookkeeping).
pub fn power_state(vm: &Value) -> gpu::PowerState {
    internal_str(vm, "powerState").and_then(|p| gpu::PowerState::parse(&p)).unwrap_or(gpu::PowerState::Running)
}

/// Whether a VM holds its size's resources now (a VM whose GPUs Kubernetes took over holds none).
fn vm_holds(vm: &Value) -> bool {
    power_state(vm).holds_resources() && !gpus_taken(vm)
}

fn gpus_taken(vm: &Value) -> bool {
    vm[res::INTERNAL]["gpusTakenByKubernetes"].as_bool() == Some(true)
}

/// Who holds the device's GPUs now.
pub fn gpu_usage(st: &State) -> gpu::GpuUsage {
    let vms = res::list_of_type(st, VM_TYPE, None)
        .into_iter()
        .filter(|v| vm_holds(v))
        .map(|v| v[res::INTERNAL]["gpus"].as_u64().unwrap_or(0) as u32)
        .sum();
    gpu::GpuUsage {
        total: st.device.gpu_count,
        vms,
        kubernetes: if st.device.kubernetes_configured { st.device.kubernetes_gpus } else { 0 },
    }
}

/// After a device update: GPU VMs stopped staying provisioned start again ("All the GPU VMs that are stopped
/// via the `stop-stayProvisioned` before the update, are automatically started after the update", release
/// notes 2102 to 2205), those whose GPU is still theirs. Returns their names.
pub fn start_stopped_gpu_vms(st: &mut State) -> Vec<String> {
    let stopped: Vec<String> = res::list_of_type(st, VM_TYPE, None)
        .into_iter()
        .filter(|v| power_state(v) == gpu::PowerState::Stopped && !gpus_taken(v))
        .filter(|v| v[res::INTERNAL]["gpus"].as_u64().unwrap_or(0) > 0)
        .filter_map(|v| v["id"].as_str().map(str::to_string))
        .collect();
    let mut started = Vec::new();
    for id in stopped {
        if let Some(r) = st.resources.get_mut(&res::key(&id)) {
            res::internal(r).insert("powerState".into(), json!("running"));
            started.push(r["name"].as_str().unwrap_or_default().to_string());
        }
    }
    started
}

/// Memory (GiB) held by allocated VMs (a stopped VM keeps its memory even when Kubernetes took its GPU).
pub fn memory_used(st: &State) -> f64 {
    res::list_of_type(st, VM_TYPE, None)
        .into_iter()
        .filter(|v| power_state(v).holds_resources())
        .map(|v| v[res::INTERNAL]["memoryGib"].as_f64().unwrap_or(0.0))
        .sum()
}

/// Check that a VM of `size` can be placed now, answering with the device's error when it cannot.
fn check_placement(st: &State, vm_name: &str, size: &sizes::VmSize) -> Result<(), Resp> {
    if let Err(e) = gpu::check_placement(vm_name, size.name, size.gpus, &gpu_usage(st)) {
        return Err(arm_error(409, gpu::NoGpu::CODE, &e.message()));
    }
    let kubernetes = device::limits::kubernetes_memory_gib(st.device.kubernetes_configured);
    let free = st.device.memory_gib as f64 - kubernetes as f64 - memory_used(st);
    if size.memory_gib > free {
        let k = if kubernetes > 0 {
            format!(" (Kubernetes' master and worker VMs take {kubernetes} GiB of it)")
        } else {
            String::new()
        };
        return Err(arm_error(
            409,
            "InsufficientMemoryResources",
            &format!(
                "VM creation fails because of insufficient memory: size '{}' needs {} GiB and the device has {:.1} GiB of {} GiB free for VMs{k}. Deallocate or delete VMs you do not need, or choose a smaller size.",
                size.name, size.memory_gib, free.max(0.0), st.device.memory_gib
            ),
        ));
    }
    Ok(())
}

fn start_op(shared: &Shared, st: &mut State, name: &str, effect: Effect, secs: f64) -> String {
    st.start_operation(name, effect, now_ms(), shared.scaled_ms(secs))
}

fn expand_instance_view(req: &Req) -> bool {
    req.q("$expand").is_some_and(|e| e.eq_ignore_ascii_case("instanceView"))
}

pub fn handle(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
    let sub_scope = scope.rg.is_none();
    let n = scope.rest.len();
    match (scope.kw(0).as_str(), n) {
        ("locations", 3) if scope.kw(2) == "vmsizes" => vm_sizes(shared),
        ("locations", 4) if scope.kw(2) == "operations" => res::operation_status(shared, &scope.rest[3]),
        ("virtualmachines", 1) | ("images", 1) | ("disks", 1) => {
            if req.method != Method::GET {
                return res::method_not_allowed(req);
            }
            let rtype = match scope.kw(0).as_str() {
                "virtualmachines" => VM_TYPE,
                "images" => IMAGE_TYPE,
                _ => DISK_TYPE,
            };
            let st = shared.lock();
            let rg = if sub_scope { None } else { Some(scope.rg()) };
            let expand = expand_instance_view(req);
            res::list_resp(
                res::list_of_type(&st, rtype, rg)
                    .into_iter()
                    .map(|v| if rtype == VM_TYPE { render_vm(&st, v, expand) } else { res::public(v) })
                    .collect(),
            )
        }
        _ if sub_scope => {
            arm_error(404, "NotFound", &format!("The requested path '{}' is not found on this device.", req.path))
        }
        ("virtualmachines", 2) => vm(shared, req, scope),
        ("virtualmachines", 3) => match (req.method.clone(), scope.kw(2).as_str()) {
            (Method::GET, "instanceview") => {
                let st = shared.lock();
                match res::get(&st, &scope.id(2)) {
                    Some(v) => json_resp(200, &vm_instance_view(&st, v)),
                    None => res::not_found(scope, VM_TYPE, &scope.rest[1]),
                }
            }
            (Method::GET, "extensions") => {
                let st = shared.lock();
                if res::get(&st, &scope.id(2)).is_none() {
                    return res::not_found(scope, VM_TYPE, &scope.rest[1]);
                }
                let expand = expand_instance_view(req);
                res::list_resp(extensions_of(&st, &scope.id(2)).into_iter().map(|e| render_ext(e, expand)).collect())
            }
            (Method::GET, "vmsizes") => vm_sizes(shared),
            (Method::POST, action) => vm_action(shared, req, scope, action),
            _ => res::method_not_allowed(req),
        },
        ("virtualmachines", 4) if scope.kw(2) == "extensions" => ext(shared, req, scope),
        ("images", 2) => image(shared, req, scope),
        ("disks", 2) => disk(shared, req, scope),
        _ => arm_error(
            400,
            "InvalidResourceType",
            &format!(
                "The resource type '{}' could not be found in the namespace 'Microsoft.Compute' on this device.",
                scope.rest[0]
            ),
        ),
    }
}

fn vm_sizes(shared: &Shared) -> Resp {
    let st = shared.lock();
    res::list_resp(sizes::offered(st.device.gpu_model, &st.device.custom_sizes).iter().map(|s| s.arm_json()).collect())
}

// ---------------------------------------------------------------------------------------------------
// Virtual machines

fn provisioning(v: &Value) -> String {
    v["properties"]["provisioningState"].as_str().unwrap_or("Succeeded").to_string()
}

fn busy(v: &Value) -> bool {
    matches!(provisioning(v).as_str(), "Creating" | "Updating" | "Deleting")
}

fn conflict_busy(v: &Value) -> Resp {
    arm_error(
        409,
        "OperationNotAllowed",
        &format!(
            "The operation is not allowed because '{}' is in provisioning state '{}'. Wait for the current operation to finish.",
            v["name"].as_str().unwrap_or(""),
            provisioning(v)
        ),
    )
}

fn extensions_of<'a>(st: &'a State, vm_id: &str) -> Vec<&'a Value> {
    let prefix = format!("{}/extensions/", res::key(vm_id));
    st.resources
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix) && !k[prefix.len()..].contains('/'))
        .map(|(_, v)| v)
        .collect()
}

fn prov_status(v: &Value) -> Value {
    let p = provisioning(v);
    match p.as_str() {
        "Succeeded" => res::status("ProvisioningState/succeeded", "Provisioning succeeded"),
        "Failed" => {
            let e = &v[res::INTERNAL]["error"];
            json!({
                "code": format!("ProvisioningState/failed/{}", e["code"].as_str().unwrap_or("Failed")),
                "level": "Error", "displayStatus": "Provisioning failed",
                "message": e["message"].as_str().unwrap_or("The operation failed."), "time": super::http::timestamp(),
            })
        }
        other => res::status(&format!("ProvisioningState/{}", other.to_ascii_lowercase()), other),
    }
}

fn vm_instance_view(st: &State, v: &Value) -> Value {
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

fn render_vm(st: &State, v: &Value, expand: bool) -> Value {
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

fn vm(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
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
            let Some(v) = res::get(&st, &id).cloned() else { return super::http::empty(204) };
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

fn bad(code: &str, msg: &str) -> Resp {
    arm_error(400, code, msg)
}

/// "Gen2 VMs are not supported for GPU." ("Deploy GPU VMs", `azure-stack-edge-gpu-deploy-gpu-virtual-machine.md`,
/// 06/24/2022; other docs allow Gen2 VMs from release 2205 without naming this exception.) `source` is the
/// image or the attached disk.
fn check_gpu_generation(st: &State, size: &sizes::VmSize, source: Option<&str>) -> Result<(), Resp> {
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
fn check_vm_limit(st: &State, name: &str) -> Result<(), Resp> {
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
fn device_size(st: &State, name: &str) -> Result<sizes::VmSize, Resp> {
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

fn create_vm(shared: &Shared, req: &Req, scope: &Scope, st: &mut State, body: &Value) -> Resp {
    if let Err(r) = res::check_location(body, false) {
        return r;
    }
    let name = scope.rest[1].clone();
    let _ = scope.id(2);
    let p = &body["properties"];
    let Some(size_name) = p["hardwareProfile"]["vmSize"].as_str() else {
        return bad("InvalidParameter", "Required parameter 'hardwareProfile.vmSize' is missing (null).");
    };
    let size = match device_size(st, size_name) {
        Ok(s) => s,
        Err(r) => return r,
    };
    // Storage: a custom image, or an existing managed disk to attach.
    let sp = &p["storageProfile"];
    let image_id = sp["imageReference"]["id"].as_str().map(str::to_string);
    let os_in = &sp["osDisk"];
    let (os_type, mut names, os_disk, attach_disk) = if let Some(image_id) = &image_id {
        let Some(img) = res::get(st, image_id) else {
            return arm_error(
                404,
                "NotFound",
                &format!("The Image '{image_id}' cannot be found in 'dbelocal' region."),
            );
        };
        if provisioning(img) != "Succeeded" {
            return arm_error(
                409,
                "Conflict",
                &format!(
                    "The Image '{image_id}' is in provisioning state '{}' and cannot be used yet.",
                    provisioning(img)
                ),
            );
        }
        let iod = &img["properties"]["storageProfile"]["osDisk"];
        let os_type = iod["osType"].as_str().unwrap_or("Linux").to_string();
        let names =
            vec![img["name"].as_str().unwrap_or("").to_string(), iod["blobUri"].as_str().unwrap_or("").to_string()];
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
        let od = json!({
            "osType": os_type, "name": disk_name, "createOption": "FromImage",
            "caching": os_in["caching"].as_str().unwrap_or("ReadWrite"),
            "managedDisk": { "storageAccountType": account, "id": disk_id }, "diskSizeGB": size_gb,
        });
        (os_type, names, od, None)
    } else if os_in["createOption"].as_str().is_some_and(|c| c.eq_ignore_ascii_case("Attach")) {
        let Some(disk_id) = os_in["managedDisk"]["id"].as_str() else {
            return bad("InvalidParameter", "An OS disk with createOption 'Attach' needs managedDisk.id.");
        };
        let Some(d) = res::get(st, disk_id) else {
            return arm_error(404, "NotFound", &format!("Disk '{disk_id}' could not be found."));
        };
        if let Some(by) = d["managedBy"].as_str() {
            return arm_error(
                409,
                "OperationNotAllowed",
                &format!("Disk '{}' is already attached to VM '{by}'.", d["name"].as_str().unwrap_or("")),
            );
        }
        let os_type = os_in["osType"].as_str().or(d["properties"]["osType"].as_str()).unwrap_or("Linux").to_string();
        let names = vec![
            d["name"].as_str().unwrap_or("").to_string(),
            d["properties"]["creationData"]["sourceUri"].as_str().unwrap_or("").to_string(),
        ];
        let od = json!({
            "osType": os_type, "name": d["name"], "createOption": "Attach", "caching": os_in["caching"].as_str().unwrap_or("ReadWrite"),
            "managedDisk": { "storageAccountType": d["sku"]["name"], "id": d["id"] }, "diskSizeGB": d["properties"]["diskSizeGB"],
        });
        (os_type, names, od, Some(d["id"].as_str().unwrap_or(disk_id).to_string()))
    } else if sp["imageReference"]["publisher"].is_string() {
        return bad("InvalidParameter", "Marketplace images are not available on this device: create an image from a VHD (Microsoft.Compute/images) and reference it with storageProfile.imageReference.id.");
    } else {
        return bad("InvalidParameter", "The storage profile needs imageReference.id (a custom image) or an osDisk with createOption 'Attach' and managedDisk.id.");
    };
    names.push(name.clone());
    if let Err(r) = check_gpu_generation(st, &size, image_id.as_deref().or(attach_disk.as_deref())) {
        return r;
    }
    if let Err(r) = check_vm_limit(st, &name) {
        return r;
    }
    let Some(os) = extension::OsType::parse(&os_type) else {
        return bad("InvalidParameter", &format!("The OS type '{os_type}' is not valid; use Windows or Linux."));
    };
    let mut os_profile = p["osProfile"].clone();
    if attach_disk.is_none() {
        if os_profile["adminUsername"].as_str().is_none_or(str::is_empty) {
            return bad("InvalidParameter", "Required parameter 'osProfile.adminUsername' is missing (null).");
        }
        if let Some(o) = os_profile.as_object_mut() {
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
    }
    // Network interfaces: they must exist and be free.
    let nics = p["networkProfile"]["networkInterfaces"].as_array().cloned().unwrap_or_default();
    if nics.is_empty() {
        return bad(
            "InvalidParameter",
            "The VM needs at least one network interface (networkProfile.networkInterfaces).",
        );
    }
    let mut nic_ids = Vec::new();
    for n in &nics {
        let Some(nid) = n["id"].as_str() else {
            return bad("InvalidParameter", "A network interface reference needs an id.");
        };
        let Some(nic) = res::get(st, nid) else {
            return arm_error(404, "NotFound", &format!("Resource '{nid}' was not found."));
        };
        if let Some(other) = nic["properties"]["virtualMachine"]["id"].as_str() {
            return arm_error(
                400,
                "NicInUse",
                &format!(
                    "Network interface '{}' is already used by virtual machine '{other}'.",
                    nic["id"].as_str().unwrap_or(nid)
                ),
            );
        }
        nic_ids.push(nic["id"].as_str().unwrap_or(nid).to_string());
    }
    if let Err(r) = check_placement(st, &name, &size) {
        return r;
    }
    let vm_id = res::rid(&scope.sub, scope.rg(), NS, &["virtualMachines", &name]);
    let net: Vec<Value> =
        nic_ids.iter().enumerate().map(|(i, n)| json!({ "id": n, "properties": { "primary": i == 0 } })).collect();
    let mut storage =
        json!({ "osDisk": os_disk, "dataDisks": sp["dataDisks"].as_array().cloned().unwrap_or_default() });
    if let Some(image_id) = &image_id {
        storage["imageReference"] = json!({ "id": image_id });
    }
    let os_name = match extension::guess_os(os, &names.iter().map(String::as_str).collect::<Vec<_>>()) {
        extension::OsGuess::Supported(i) => extension::SUPPORTED_OS[i].distribution.to_string(),
        extension::OsGuess::Untested(d) => d.to_string(),
        extension::OsGuess::Unknown => os.as_str().to_string(),
    };
    let mut props = json!({
        "vmId": uuid::Uuid::new_v4().to_string(),
        "hardwareProfile": { "vmSize": size.name },
        "storageProfile": storage,
        "networkProfile": { "networkInterfaces": net },
        "provisioningState": "Creating",
    });
    if attach_disk.is_none() {
        props["osProfile"] = os_profile;
    }
    if p["diagnosticsProfile"].is_object() {
        props["diagnosticsProfile"] = p["diagnosticsProfile"].clone();
    }
    let v = json!({
        "id": vm_id, "name": name, "type": VM_TYPE, "location": device::LOCATION,
        "tags": body.get("tags").filter(|t| t.is_object()).cloned().unwrap_or(json!({})),
        "properties": props,
        res::INTERNAL: {
            "powerState": "starting", "gpus": size.gpus, "memoryGib": size.memory_gib, "osType": os.as_str(),
            "imageNames": names, "osName": os_name,
        },
    });
    // The OS disk (a managed disk the VM owns).
    let od = &v["properties"]["storageProfile"]["osDisk"];
    match &attach_disk {
        Some(d) => {
            if let Some(r) = st.resources.get_mut(&res::key(d)) {
                r["managedBy"] = json!(vm_id);
                r["properties"]["diskState"] = json!("Attached");
            }
        }
        None => {
            let did = od["managedDisk"]["id"].as_str().unwrap_or_default().to_string();
            let account = od["managedDisk"]["storageAccountType"].as_str().unwrap_or("Standard_LRS").to_string();
            let d = disk_json(
                &did,
                od["name"].as_str().unwrap_or(""),
                &account,
                json!({ "createOption": "FromImage", "imageReference": { "id": image_id } }),
                od["diskSizeGB"].as_u64().unwrap_or(30),
                Some(os.as_str()),
                "Succeeded",
            );
            let mut d = d;
            d["managedBy"] = json!(vm_id);
            d["properties"]["diskState"] = json!("Attached");
            st.resources.insert(res::key(&did), d);
        }
    }
    set_data_disks_owner(st, &vm_id, &[], &v["properties"]["storageProfile"]["dataDisks"]);
    for (i, n) in nic_ids.iter().enumerate() {
        super::network::set_nic_vm(st, n, Some(&vm_id), i == 0);
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

/// Mark the managed data disks a VM uses as owned by it, releasing those it no longer uses.
fn set_data_disks_owner(st: &mut State, vm_id: &str, before: &[Value], after: &Value) {
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

fn update_vm(shared: &Shared, req: &Req, scope: &Scope, st: &mut State, existing: Value, body: &Value) -> Resp {
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
        let old = v["properties"]["hardwareProfile"]["vmSize"].as_str().unwrap_or("").to_string();
        if !new_size.eq_ignore_ascii_case(&old) {
            let size = match device_size(st, new_size) {
                Ok(s) => s,
                Err(r) => return r,
            };
            if vm_holds(&existing) {
                // Check the new size with this VM's current allocation released.
                let mut probe = existing.clone();
                res::internal(&mut probe).insert("powerState".into(), json!("deallocated"));
                let key = res::key(&id);
                let saved = st.resources.insert(key.clone(), probe);
                let placed = check_placement(st, &scope.rest[1], &size);
                if let Some(s) = saved {
                    st.resources.insert(key, s);
                }
                if let Err(r) = placed {
                    return r;
                }
            }
            v["properties"]["hardwareProfile"]["vmSize"] = json!(size.name);
            let i = res::internal(&mut v);
            i.insert("gpus".into(), json!(size.gpus));
            i.insert("memoryGib".into(), json!(size.memory_gib));
        }
    }
    if let Some(dd) = p["storageProfile"]["dataDisks"].as_array() {
        let before = v["properties"]["storageProfile"]["dataDisks"].as_array().cloned().unwrap_or_default();
        for d in dd {
            if let Some(did) = d["managedDisk"]["id"].as_str() {
                match res::get(st, did) {
                    None => return arm_error(404, "NotFound", &format!("Disk '{did}' could not be found.")),
                    Some(disk) if disk["managedBy"].as_str().is_some_and(|b| !b.eq_ignore_ascii_case(&id)) => {
                        return arm_error(
                            409,
                            "OperationNotAllowed",
                            &format!("Disk '{did}' is attached to VM '{}'.", disk["managedBy"].as_str().unwrap_or("")),
                        );
                    }
                    _ => {}
                }
            }
        }
        v["properties"]["storageProfile"]["dataDisks"] = json!(dd);
        set_data_disks_owner(st, &id, &before, &json!(dd));
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

fn vm_action(shared: &Shared, req: &Req, scope: &Scope, action: &str) -> Resp {
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
                    gpu::check_placement(&scope.rest[1], size.name, size.gpus, &gpu_usage(&st))
                        .map_err(|e| arm_error(409, gpu::NoGpu::CODE, &e.message()))
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

// ---------------------------------------------------------------------------------------------------
// Extensions

fn ext_instance_view(e: &Value) -> Value {
    let p = &e["properties"];
    let mut status = prov_status(e);
    if provisioning(e) == "Succeeded" {
        status["message"] = json!("Enable Extension");
    }
    json!({ "name": e["name"], "type": format!("{}.{}", p["publisher"].as_str().unwrap_or(""), p["type"].as_str().unwrap_or("")),
            "typeHandlerVersion": p["typeHandlerVersion"], "statuses": [status], "substatuses": [] })
}

fn render_ext(e: &Value, expand: bool) -> Value {
    let mut out = res::public(e);
    if expand {
        out["properties"]["instanceView"] = ext_instance_view(e);
    }
    out
}

fn ext(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
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
            let Some(e) = res::get(&st, &id).cloned() else { return super::http::empty(204) };
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
fn put_ext(
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
fn gpu_extension_error(
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

// ---------------------------------------------------------------------------------------------------
// Images and disks

/// Check a VHD source URI as the device does. The blob endpoint (when present) checks the footer.
fn check_vhd_uri(shared: &Shared, st: &State, uri: &str, gen2_ok: bool) -> Result<Option<u64>, Resp> {
    let Ok(u) = url::Url::parse(uri) else {
        return Err(bad("InvalidParameter", &format!("The blob URI '{uri}' is not a valid URI.")));
    };
    if !u.path().to_ascii_lowercase().ends_with(".vhd") {
        return Err(bad(
            "InvalidParameter",
            &format!("The blob '{uri}' is not a .vhd file. The image must be a fixed-size VHD (with the .vhd extension) from a Generation 1 VM."),
        ));
    }
    // The footer check (a valid fixed-disk footer of the blob's size, MiB aligned, Gen1: see
    // `blob::check_vhd` for what the device does and why) when the blob is on this device. A blob on an
    // account this device does not have (e.g. the sample parameter files' `sa1.blob.dbe-1dkphq2...`) is
    // accepted unchecked so that the sample templates deploy unchanged.
    match super::blob::lookup((&shared.cfg.device_name, &shared.cfg.dns_domain), st, &u) {
        None => Ok(None),
        Some(Err(m)) => Err(bad("InvalidParameter", &format!("Cannot use the VHD: {m}."))),
        Some(Ok(b)) => match super::blob::check_vhd(b, gen2_ok) {
            Ok(size) => Ok(Some(size)),
            // Azure's words for a blob without a valid VHD footer (see `check_vhd`), then why.
            Err(super::blob::VhdProblem::Footer(why)) => {
                let disk = u.path_segments().and_then(|mut s| s.next_back()).unwrap_or_default();
                let disk = percent_encoding::percent_decode_str(disk).decode_utf8_lossy();
                Err(bad(
                    "InvalidVhd",
                    &format!("The specified cookie value in VHD footer indicates that disk '{disk}' with blob {uri} is not a supported VHD. Disk is expected to have cookie value 'conectix'. ({why}.)"),
                ))
            }
            Err(super::blob::VhdProblem::Other(m)) => Err(bad(
                "InvalidParameter",
                &format!("The VHD '{uri}' cannot be used: {m}. The image must be a fixed-size VHD (with the .vhd extension) from a Generation 1 VM."),
            )),
        },
    }
}

fn image(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
    let id = scope.id(2);
    let name = scope.rest[1].clone();
    match req.method {
        Method::GET => {
            let st = shared.lock();
            match res::get(&st, &id) {
                Some(v) => json_resp(200, &res::public(v)),
                None => res::not_found(scope, IMAGE_TYPE, &name),
            }
        }
        Method::PUT => {
            let body = match req.json_body() {
                Ok(b) => b,
                Err(r) => return r,
            };
            let mut st = shared.lock();
            let existing = res::get(&st, &id).cloned();
            if let Err(r) = res::check_location(&body, existing.is_some()) {
                return r;
            }
            let od = &body["properties"]["storageProfile"]["osDisk"];
            let Some(os_type) = od["osType"].as_str().and_then(extension::OsType::parse) else {
                return bad(
                    "InvalidParameter",
                    "Required parameter 'storageProfile.osDisk.osType' is missing or not Windows/Linux.",
                );
            };
            let generation = body["properties"]["hyperVGeneration"].as_str().unwrap_or("V1").to_string();
            let mut size_gb = od["diskSizeGB"].as_u64();
            if let Some(uri) = od["blobUri"].as_str() {
                match check_vhd_uri(shared, &st, uri, generation.eq_ignore_ascii_case("V2")) {
                    Ok(Some(bytes)) => size_gb = size_gb.or(Some(bytes.div_ceil(1 << 30))),
                    Ok(None) => {}
                    Err(r) => return r,
                }
            } else if let Some(did) = od["managedDisk"]["id"].as_str() {
                let Some(d) = res::get(&st, did) else {
                    return arm_error(404, "NotFound", &format!("Disk '{did}' could not be found."));
                };
                let dgb = d["properties"]["diskSizeGB"].as_u64();
                if let (Some(want), Some(have)) = (size_gb, dgb) {
                    if want < have {
                        return bad(
                            "InvalidParameter",
                            &format!(
                                "The image disk size {want} GB is smaller than the source managed disk ({have} GB)."
                            ),
                        );
                    }
                }
                size_gb = size_gb.or(dgb);
            } else {
                return bad(
                    "InvalidParameter",
                    "The image OS disk needs a blobUri (a VHD page blob) or managedDisk.id.",
                );
            }
            let mut os_disk = od.clone();
            os_disk["osType"] = json!(os_type.as_str());
            if os_disk["osState"].is_null() {
                os_disk["osState"] = json!("Generalized");
            }
            if os_disk["caching"].is_null() {
                os_disk["caching"] = json!("ReadWrite");
            }
            if os_disk["storageAccountType"].is_null() {
                os_disk["storageAccountType"] = json!("Standard_LRS");
            }
            if let Some(gb) = size_gb {
                os_disk["diskSizeGB"] = json!(gb);
            }
            let stored_name = existing.as_ref().and_then(|e| e["name"].as_str().map(str::to_string)).unwrap_or(name);
            let img_id = res::rid(&scope.sub, scope.rg(), NS, &["images", &stored_name]);
            let mut props =
                json!({ "storageProfile": { "osDisk": os_disk, "dataDisks": [] }, "provisioningState": "Creating" });
            if body["properties"]["hyperVGeneration"].is_string() {
                props["hyperVGeneration"] = json!(generation);
            }
            let v = json!({
                "id": img_id, "name": stored_name, "type": IMAGE_TYPE, "location": device::LOCATION,
                "tags": body.get("tags").filter(|t| t.is_object()).cloned().unwrap_or(json!({})),
                "properties": props,
            });
            st.resources.insert(res::key(&img_id), v.clone());
            let op = start_op(
                shared,
                &mut st,
                "createImage",
                Effect::Provision { id: img_id, state: "Succeeded".into(), power: None, error: None },
                IMAGE_SECS,
            );
            res::created_async(shared, req, if existing.is_some() { 200 } else { 201 }, &v, &scope.sub, NS, &op)
        }
        Method::DELETE => {
            let mut st = shared.lock();
            let Some(v) = res::get(&st, &id).cloned() else { return super::http::empty(204) };
            let op = start_op(
                shared,
                &mut st,
                "deleteImage",
                Effect::DeleteResource { id: v["id"].as_str().unwrap_or(&id).to_string() },
                IMAGE_SECS / 2.0,
            );
            res::accepted_async(shared, req, &scope.sub, NS, &op)
        }
        _ => res::method_not_allowed(req),
    }
}

fn disk_json(
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
        "creationData": creation, "diskSizeGB": size_gb, "timeCreated": super::http::timestamp(),
        "provisioningState": state, "diskState": "Unattached",
    });
    if let Some(os) = os {
        props["osType"] = json!(os);
    }
    json!({ "id": id, "name": name, "type": DISK_TYPE, "location": device::LOCATION, "tags": {},
            "sku": { "name": account, "tier": tier }, "properties": props })
}

fn disk(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
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
            let Some(v) = res::get(&st, &id).cloned() else { return super::http::empty(204) };
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
