//! The device-update helper: before a device software update, stop every running GPU VM "staying
//! provisioned" (powerOff, `Stop-AzVM -StayProvisioned`) and record which; after the update, start them
//! again. Sources: "Deploy GPU VMs" (06/24/2022): "When updating your device software version from 2012 to
//! later, you will need to manually stop the GPU VMs"; release notes 2102 to 2205: stop them with
//! `stop-stayProvisioned` and they are started after the update, and while they are stopped Kubernetes may
//! take over their GPUs ([`crate::device::gpu::STOPPED_VM_CAVEAT`]); release notes 2103 to 2607: "the MPS
//! setting is not retained" across an update. The helper says each of these as a warning where it applies.

use super::vm;
use crate::arm::compute::VmAction;
use crate::arm::Session;
use crate::device::gpu::{stop_risks_gpu, STOPPED_VM_CAVEAT};
use crate::error::Result;
use crate::progress::{CancelToken, Progress};
use serde::{Deserialize, Serialize};

/// The VMs the helper stopped: keep it until the update is done.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateRecord {
    pub subscription_id: String,
    pub stopped: Vec<StoppedVm>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StoppedVm {
    pub resource_group_name: String,
    pub name: String,
    pub vm_size: String,
}

/// Stop every running GPU VM, staying provisioned (their GPUs stay allocated to them).
pub async fn suspend(session: &Session, progress: &Progress<'_>, cancel: &CancelToken) -> Result<UpdateRecord> {
    let mut rec = UpdateRecord { subscription_id: session.subscription_id().into(), stopped: vec![] };
    for v in vm::list(session, None, false, cancel).await? {
        if v.gpus == 0 || v.power_state.as_deref() != Some("running") {
            continue;
        }
        progress.emit("suspendGpuVms", "running", format!("stopping '{}' (stay provisioned)", v.name));
        session.vm_action(&v.resource_group_name, &v.name, VmAction::PowerOff, progress, cancel).await?;
        rec.stopped.push(StoppedVm { resource_group_name: v.resource_group_name, name: v.name, vm_size: v.vm_size });
    }
    let facts = &session.options().device;
    if !rec.stopped.is_empty() && stop_risks_gpu(1, facts.kubernetes_configured) {
        progress.emit("suspendGpuVms", "warning", format!("Update the device right away: {STOPPED_VM_CAVEAT}"));
    }
    if let Some(w) = mps_reminder(facts.mps_enabled) {
        progress.emit("suspendGpuVms", "warning", w);
    }
    Ok(rec)
}

/// The update turns the GPU Multi-Process Service off (release notes 2103 to 2607): the reminder, unless the
/// profile says MPS is off.
pub fn mps_reminder(mps_enabled: Option<bool>) -> Option<String> {
    let when = match mps_enabled {
        Some(false) => return None,
        Some(true) => "MPS is on",
        None => "If the GPU Multi-Process Service (MPS) is on",
    };
    Some(format!(
        "{when}: the device update does not keep it. After the update, run Start-HcsGpuMPS in the device's \
         PowerShell interface and redeploy the workloads that used MPS."
    ))
}

/// Start the VMs a [`suspend`] stopped. Every VM is attempted; the first failure is returned at the end.
pub async fn resume(
    session: &Session,
    rec: &UpdateRecord,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<Vec<vm::VmView>> {
    let mut started = Vec::new();
    let mut first_err = None;
    for s in &rec.stopped {
        if let Ok(v) = vm::get(session, &s.resource_group_name, &s.name, cancel).await {
            if v.power_state.as_deref() == Some("running") {
                // The device starts GPU VMs stopped staying provisioned after an update (2102 to 2205).
                progress.emit(
                    "resumeGpuVms",
                    "running",
                    format!("'{}' is running already (the update started it)", s.name),
                );
                started.push(v);
                continue;
            }
        }
        progress.emit("resumeGpuVms", "running", format!("starting '{}'", s.name));
        match vm::act(session, &s.resource_group_name, &s.name, VmAction::Start, progress, cancel).await {
            Ok(v) => started.push(v),
            Err(e) if e.status == crate::Status::Cancelled => return Err(e),
            Err(e) => {
                progress.emit("resumeGpuVms", "warning", e.to_string());
                first_err.get_or_insert(e);
            }
        }
    }
    if let Some(w) = mps_reminder(session.options().device.mps_enabled) {
        progress.emit("resumeGpuVms", "warning", w);
    }
    match first_err {
        Some(e) => Err(e),
        None => Ok(started),
    }
}
