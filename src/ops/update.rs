//! The device-update helper: before a device software update, stop every running GPU VM "staying
//! provisioned" (powerOff, `Stop-AzVM -StayProvisioned`) and record which; after the update, start them
//! again (the docs' manual step for updates from release 2012 on).

use super::vm;
use crate::arm::compute::VmAction;
use crate::arm::Session;
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
    Ok(rec)
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
    match first_err {
        Some(e) => Err(e),
        None => Ok(started),
    }
}
