//! Microsoft.Compute on the emulated device: images (from a VHD page blob or a managed disk), disks
//! (`Import`, `Empty`), virtual machines (create/update as long-running operations, instance view, power
//! operations, lists), `vmSizes` from the device's catalog and GPU model, and VM extensions (the NVIDIA GPU
//! extension fails the way the device does). The device's GPU and memory rules decide whether a VM can be
//! placed (see [`asegpu_core::device::gpu`]).

mod disks;
mod extensions;
mod images;
mod vms;

use disks::*;
use extensions::*;
use images::*;
use vms::*;

use super::http::{arm_error, json_resp, Req, Resp};
use super::resources::{self as res, Scope};
use super::server::{now_ms, Shared};
use super::state::{Effect, State};
use asegpu_core::device::{self, custom_sizes, extension, gpu, sizes};
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
    check_gpus(st, vm_name, size)?;
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

/// The GPU half of [`check_placement`] (a stopped VM whose GPU Kubernetes took needs only a GPU again).
fn check_gpus(st: &State, vm_name: &str, size: &sizes::VmSize) -> Result<(), Resp> {
    gpu::check_placement(vm_name, size.name, size.gpus, &gpu_usage(st))
        .map_err(|e| arm_error(409, gpu::NoGpu::CODE, &e.message()))
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
        ("images", 2) => res::serve::<images::Images>(shared, req, scope),
        ("disks", 2) => res::serve::<disks::Disks>(shared, req, scope),
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

fn bad(code: &str, msg: &str) -> Resp {
    arm_error(400, code, msg)
}
