//! C ABI for the operations: GPU availability and preflight, deployments (template or direct), VM
//! lifecycle, the GPU extension, and the device-update helper. Same conventions as every function.

use super::{
    arg_json, arg_str, block_on, check_out, guard, put_json, session_of, token_of, AsegpuCancelToken, AsegpuError,
    AsegpuProgressCallback, AsegpuSession,
};
use crate::job::Job;
use asegpu_core::arm::compute::VmAction;
use asegpu_core::error::{Error, Status};
use asegpu_core::ops::{deploy, extension, gpu, update, vm};
use std::ffi::{c_char, c_void};

/// GPU availability: the device's GPUs (model, count), the GPU VMs holding them and their power states,
/// Kubernetes, and how many are free; `notes` say which facts came from the profile (`device` in the
/// connect options) because ARM does not expose them.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_gpu_availability(
    session: *const AsegpuSession,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            let s = session_of(session)?;
            put_json(out_json, &block_on(gpu::availability(s, &token_of(cancel)))??)
        })
    }
}

/// Preflight of a planned deployment. `request_json`: `{"resourceGroupName", "templateFile" | "template",
/// "templateParameterFile", "parameters"}` or `{"vmSize", "count"}`. The result says whether it will
/// succeed (`ok`, `verdict`) and lists findings with causes and fixes. A failing verdict is not an error:
/// the call returns OK with `ok: false`.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_gpu_preflight(
    session: *const AsegpuSession,
    request_json: *const c_char,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            let s = session_of(session)?;
            let req: deploy::PreflightRequest = arg_json(request_json, "request_json")?;
            let plan = deploy::plan_for(s, req)?;
            put_json(out_json, &block_on(gpu::preflight(s, &plan, &token_of(cancel)))??)
        })
    }
}

/// Deploy a template (`{"resourceGroupName", "name", "templateFile" | "template", "templateParameterFile",
/// "parameters", "force"}`), after the preflight (refused with `ASEGPU_STATUS_PREFLIGHT_FAILED` unless
/// `force`). Result: deployment name, state, outputs, the VMs with their IP addresses, the preflight.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_deployment_create(
    session: *const AsegpuSession,
    request_json: *const c_char,
    callback: AsegpuProgressCallback,
    userdata: *mut c_void,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            let job = Job { session, callback, userdata, cancel };
            job.json(request_json, out_json, async |s, req: deploy::TemplateDeployment, p, c| deploy::deploy_template(s, &req, p, c).await)
        })
    }
}

/// Create a GPU VM without a template: `{"resourceGroupName", "name", "image", "vmSize", "vnetName",
/// "vnetResourceGroup", "subnetName", "privateIpAddress", "nicName", "adminUsername", "force"}`; the VM's
/// admin password is a separate argument. Result: the VM with its IP address.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_vm_create(
    session: *const AsegpuSession,
    request_json: *const c_char,
    admin_password: *const c_char,
    callback: AsegpuProgressCallback,
    userdata: *mut c_void,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            session_of(session)?;
            let req: deploy::DirectVm = arg_json(request_json, "request_json")?;
            let pw = zeroize::Zeroizing::new(arg_str(admin_password, "admin_password")?.to_string());
            let job = Job { session, callback, userdata, cancel };
            put_json(out_json, &job.run(async |s, p, c| deploy::create_vm(s, &req, &pw, p, c).await)?)
        })
    }
}

/// One VM: size, GPUs, OS type, power state (`running`, `stopped` = still provisioned, `deallocated`...),
/// provisioning state and private IP addresses.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_vm_get(
    session: *const AsegpuSession,
    resource_group: *const c_char,
    name: *const c_char,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            let s = session_of(session)?;
            let (rg, name) = (arg_str(resource_group, "resource_group")?, arg_str(name, "name")?);
            put_json(out_json, &block_on(vm::get(s, rg, name, &token_of(cancel)))??)
        })
    }
}

/// VMs of a resource group, or of the whole device when `resource_group` is NULL (JSON array).
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_vm_list(
    session: *const AsegpuSession,
    resource_group: *const c_char,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            let s = session_of(session)?;
            let rg = if resource_group.is_null() { None } else { Some(arg_str(resource_group, "resource_group")?) };
            put_json(out_json, &block_on(vm::list(s, rg, true, &token_of(cancel)))??)
        })
    }
}

/// Power operations: `action` is `start`, `stop` (stays provisioned: keeps its GPU, as
/// `Stop-AzVM -StayProvisioned`), `deallocate` (releases the GPU) or `restart`. Result: the VM afterwards.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_vm_power(
    session: *const AsegpuSession,
    resource_group: *const c_char,
    name: *const c_char,
    action: *const c_char,
    callback: AsegpuProgressCallback,
    userdata: *mut c_void,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            session_of(session)?;
            let (rg, name) = (arg_str(resource_group, "resource_group")?, arg_str(name, "name")?);
            let action = match arg_str(action, "action")?.to_ascii_lowercase().as_str() {
                "start" => VmAction::Start,
                "stop" | "poweroff" => VmAction::PowerOff,
                "deallocate" => VmAction::Deallocate,
                "restart" => VmAction::Restart,
                other => {
                    return Err(Error::invalid(format!("action '{other}' is not one of start, stop, deallocate, restart")))
                }
            };
            let job = Job { session, callback, userdata, cancel };
            put_json(out_json, &job.run(async |s, p, c| vm::act(s, rg, name, action, p, c).await)?)
        })
    }
}

/// Delete a VM (long-running).
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_vm_delete(
    session: *const AsegpuSession,
    resource_group: *const c_char,
    name: *const c_char,
    callback: AsegpuProgressCallback,
    userdata: *mut c_void,
    cancel: *const AsegpuCancelToken,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            session_of(session)?;
            let (rg, name) = (arg_str(resource_group, "resource_group")?, arg_str(name, "name")?);
            Job { session, callback, userdata, cancel }.run(async |s, p, c| vm::delete(s, rg, name, p, c).await)
        })
    }
}

/// Install the NVIDIA GPU extension: `{"resourceGroupName", "vmName", "name", "publisher", "type",
/// "typeHandlerVersion", "settings", "release", "osType", "rhelCustomInstall"}` (only the VM is required:
/// the rest is chosen from the VM's OS, distribution and the device release). Refused with
/// `ASEGPU_STATUS_INVALID_ARGUMENT` before sending when the VM is not a GPU size. Waits until
/// Succeeded/Failed; a failure's message adds the troubleshooting doc's advice and the guest's log paths.
/// Result: chosen values, warnings (OS support, what the install needs), and the extension with its
/// instance view.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_gpu_extension_install(
    session: *const AsegpuSession,
    request_json: *const c_char,
    callback: AsegpuProgressCallback,
    userdata: *mut c_void,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            let job = Job { session, callback, userdata, cancel };
            job.json(request_json, out_json, async |s, req: extension::InstallRequest, p, c| extension::install(s, &req, p, c).await)
        })
    }
}

/// One VM extension with its instance view (`name` NULL: every extension of the VM, as a JSON array).
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_vm_extension_get(
    session: *const AsegpuSession,
    resource_group: *const c_char,
    vm_name: *const c_char,
    name: *const c_char,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            let s = session_of(session)?;
            let (rg, vm) = (arg_str(resource_group, "resource_group")?, arg_str(vm_name, "vm_name")?);
            let c = token_of(cancel);
            if name.is_null() {
                put_json(out_json, &block_on(extension::list(s, rg, vm, &c))??)
            } else {
                put_json(out_json, &block_on(extension::get(s, rg, vm, arg_str(name, "name")?, &c))??)
            }
        })
    }
}

/// Remove a VM extension (long-running; the portal cannot remove the GPU extension, this can).
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_vm_extension_remove(
    session: *const AsegpuSession,
    resource_group: *const c_char,
    vm_name: *const c_char,
    name: *const c_char,
    callback: AsegpuProgressCallback,
    userdata: *mut c_void,
    cancel: *const AsegpuCancelToken,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            session_of(session)?;
            let (rg, vm, name) =
                (arg_str(resource_group, "resource_group")?, arg_str(vm_name, "vm_name")?, arg_str(name, "name")?);
            let job = Job { session, callback, userdata, cancel };
            job.run(async |s, p, c| extension::remove(s, rg, vm, name, p, c).await)
        })
    }
}

/// Before a device update: stop every running GPU VM staying provisioned. Result: the record of which VMs
/// were stopped; keep it and pass it to `asegpu_update_resume` after the update.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_update_suspend(
    session: *const AsegpuSession,
    callback: AsegpuProgressCallback,
    userdata: *mut c_void,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            let job = Job { session, callback, userdata, cancel };
            put_json(out_json, &job.run(async |s, p, c| update::suspend(s, p, c).await)?)
        })
    }
}

/// After a device update: start the VMs of a record from `asegpu_update_suspend`.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_update_resume(
    session: *const AsegpuSession,
    record_json: *const c_char,
    callback: AsegpuProgressCallback,
    userdata: *mut c_void,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            let s = session_of(session)?;
            let rec: update::UpdateRecord = arg_json(record_json, "record_json")?;
            if !rec.subscription_id.is_empty() && !rec.subscription_id.eq_ignore_ascii_case(s.subscription_id()) {
                return Err(Error::new(
                    Status::InvalidArgument,
                    "this record was made on another device (its subscription differs)",
                ));
            }
            let job = Job { session, callback, userdata, cancel };
            put_json(out_json, &job.run(async |s, p, c| update::resume(s, &rec, p, c).await)?)
        })
    }
}
