//! The emulator-only control API under `/_sim/` (not an ARM path): inspect and change the emulated
//! device (GPUs, Kubernetes, software release), inject faults, and expire tokens, so tests can walk
//! through the documented scenarios.
//!
//! Every call needs `Authorization: Bearer <control token>`: the token is random for each run, given out in
//! the ready line (`control_token`) and in `<work dir>/control-token` (0600); others get 401 before their
//! body is read (checked in [`super::server`], comparing in constant time).
//!
//! - `GET /_sim/device`, `PATCH /_sim/device` with any of the `DeviceState` fields (camelCase);
//!   `{"kubernetesConfigured": true}` makes Kubernetes claim every GPU free at that moment (the device's rule);
//!   `customSizes` sets the custom VM sizes as `Set-HcsVMCustomSizes` does (each `NAME:VCPUS:MEMORY_GIB[:GPUS]`
//!   or an object), `mpsEnabled` the GPU Multi-Process Service, `stoppedVmTakeover` the opt-in behaviour of
//!   Kubernetes taking the GPUs of stopped VMs, `computeInternet` whether the compute network reaches the
//!   internet (the GPU extension downloads its driver);
//! - `POST /_sim/update` with `{"release": "2403"}`: a device software update as the release notes describe
//!   it: the release changes, MPS is off afterwards (2103 to 2607: "the MPS setting is not retained"), and GPU
//!   VMs stopped staying provisioned are started again (2102 to 2205);
//! - `GET /_sim/faults`, `PUT /_sim/faults` with a `Faults` document;
//! - `POST /_sim/tokens/expire`: every access token issued so far is refused from now on;
//! - `GET /_sim/state`: counts of what exists.

use super::http::{arm_error, json_resp, Req, Resp};
use super::server::{now_ms, Shared};
use super::Faults;
use hyper::Method;
use serde_json::{json, Value};

pub fn handle(shared: &Shared, req: &Req) -> Resp {
    match (req.method.clone(), req.kw(1).as_str(), req.kw(2).as_str()) {
        (Method::GET, "device", _) => json_resp(200, &serde_json::to_value(&shared.lock().device).expect("JSON")),
        (Method::PATCH, "device", _) | (Method::PUT, "device", _) => patch_device(shared, req),
        (Method::GET, "faults", _) => json_resp(200, &serde_json::to_value(shared.faults()).expect("JSON")),
        (Method::PUT, "faults", _) => match serde_json::from_slice::<Faults>(&req.body) {
            Ok(f) => {
                shared.set_faults(f);
                json_resp(200, &serde_json::to_value(shared.faults()).expect("JSON"))
            }
            Err(e) => arm_error(400, "InvalidFaults", &e.to_string()),
        },
        (Method::POST, "update", _) => update_device(shared, req),
        (Method::POST, "tokens", "expire") => {
            shared.lock().tokens_not_before = now_ms() / 1000 + 1;
            json_resp(200, &json!({ "expired": true }))
        }
        (Method::GET, "state", _) => {
            let st = shared.lock();
            json_resp(
                200,
                &json!({
                    "subscriptionId": st.subscription_id,
                    "resourceGroups": st.resource_groups.len(),
                    "resources": st.resources.len(),
                    "operationsInProgress": st.operations.values().filter(|o| o.status == "InProgress").count(),
                    "device": st.device,
                }),
            )
        }
        _ => arm_error(404, "NotFound", &format!("unknown control path {}", req.path)),
    }
}

fn patch_device(shared: &Shared, req: &Req) -> Resp {
    let patch: Value = match serde_json::from_slice(&req.body) {
        Ok(v @ Value::Object(_)) => v,
        _ => return arm_error(400, "InvalidDevice", "the body must be a JSON object of device fields"),
    };
    let mut st = shared.lock();
    let mut current = serde_json::to_value(&st.device).expect("JSON");
    for (k, v) in patch.as_object().expect("object") {
        if current.get(k).is_none() {
            return arm_error(400, "InvalidDevice", &format!("unknown device field '{k}'"));
        }
        current[k] = v.clone();
    }
    let mut d: super::state::DeviceState = match serde_json::from_value(current) {
        Ok(d) => d,
        Err(e) => return arm_error(400, "InvalidDevice", &e.to_string()),
    };
    if !asegpu_core::device::gpu::valid_gpu_count(d.gpu_count) {
        return arm_error(
            400,
            "InvalidDevice",
            &format!("gpuCount must be 1 or 2 (a device has 1 or 2 GPUs), not {}", d.gpu_count),
        );
    }
    if let Err(e) = asegpu_core::device::custom_sizes::check_set(&d.custom_sizes, Some(d.gpu_model)) {
        return arm_error(400, "InvalidDevice", &e.message);
    }
    if let Err(e) = asegpu_core::device::validate_release(&d.release) {
        return arm_error(400, "InvalidDevice", &e.message);
    }
    let was_configured = st.device.kubernetes_configured;
    if d.kubernetes_configured && !was_configured {
        // Configuring Kubernetes claims every GPU free at that moment.
        let mut probe = d.clone();
        probe.kubernetes_configured = false;
        let saved = std::mem::replace(&mut st.device, probe);
        let usage = super::compute::gpu_usage(&st);
        st.device = saved;
        d.kubernetes_gpus = asegpu_core::device::gpu::kubernetes_claim(&usage);
    } else if !d.kubernetes_configured {
        d.kubernetes_gpus = 0;
    }
    let seed = d.compute_enabled && !st.device.compute_enabled;
    st.device = d;
    if seed {
        super::network::seed(&mut st);
    }
    json_resp(200, &serde_json::to_value(&st.device).expect("JSON"))
}

/// A device software update (see the module's comment). Answers with the device after the update and the VMs
/// it started.
fn update_device(shared: &Shared, req: &Req) -> Resp {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Update {
        release: String,
    }
    let u: Update = match serde_json::from_slice(&req.body) {
        Ok(u) => u,
        Err(e) => return arm_error(400, "InvalidUpdate", &format!("the body must be {{\"release\": \"YYMM\"}}: {e}")),
    };
    let release = match asegpu_core::device::validate_release(&u.release) {
        Ok(r) => r,
        Err(e) => return arm_error(400, "InvalidUpdate", &e.message),
    };
    let mut st = shared.lock();
    st.advance(now_ms());
    st.device.release = release;
    st.device.mps_enabled = false;
    let started = super::compute::start_stopped_gpu_vms(&mut st);
    json_resp(200, &json!({ "device": st.device, "startedVms": started }))
}
