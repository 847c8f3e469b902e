//! VM lifecycle: get (power state, GPUs, IP addresses), list, start, stop staying provisioned,
//! deallocate, restart, delete.

use crate::arm::compute::{parse_id, VmAction};
use crate::arm::Session;
use crate::device::gpu::PowerState;
use crate::device::sizes;
use crate::error::Result;
use crate::progress::{CancelToken, Progress};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A VM as an admin wants to see it (Az property names).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VmView {
    pub name: String,
    pub resource_group_name: String,
    pub id: String,
    pub vm_size: String,
    /// GPUs the size takes (0 for CPU sizes).
    pub gpus: u32,
    pub os_type: Option<String>,
    /// `running`, `stopped` (still provisioned, GPU kept), `deallocated`, ... (None if unknown).
    pub power_state: Option<String>,
    pub provisioning_state: Option<String>,
    pub private_ip_addresses: Vec<String>,
    /// The image the VM was made from, if any.
    pub image_id: Option<String>,
}

impl VmView {
    /// Build from a VM GET (ideally with `$expand=instanceView`).
    pub fn from_arm(vm: &Value) -> VmView {
        let s = |p: &str| vm.pointer(p).and_then(Value::as_str).map(str::to_string);
        let id = s("/id").unwrap_or_default();
        let (rg, _) = parse_id(&id).unwrap_or_default();
        let size = s("/properties/hardwareProfile/vmSize").unwrap_or_default();
        let statuses = vm.pointer("/properties/instanceView/statuses").and_then(Value::as_array);
        let power = statuses
            .into_iter()
            .flatten()
            .filter_map(|st| st.get("code").and_then(Value::as_str))
            .find_map(PowerState::parse)
            .map(|p| p.code().to_string());
        VmView {
            name: s("/name").unwrap_or_default(),
            resource_group_name: rg,
            id,
            gpus: sizes::gpu_count(&size),
            vm_size: size,
            os_type: s("/properties/storageProfile/osDisk/osType"),
            power_state: power,
            provisioning_state: s("/properties/provisioningState"),
            private_ip_addresses: vec![],
            image_id: s("/properties/storageProfile/imageReference/id"),
        }
    }

    /// Whether the VM holds its GPUs now (running or stopped-stay-provisioned). Unknown state counts as
    /// holding (the safe assumption for a preflight).
    pub fn holds_gpus(&self) -> bool {
        self.gpus > 0 && self.power_state.as_deref().and_then(PowerState::parse).is_none_or(|p| p.holds_resources())
    }
}

/// The view, with the GPUs of custom sizes as the profile's device facts give them.
fn view_of(session: &Session, vm: &Value) -> VmView {
    let mut view = VmView::from_arm(vm);
    view.gpus = session.options().device.gpus_of(&view.vm_size);
    view
}

/// One VM with its power state and IP addresses.
pub async fn get(session: &Session, rg: &str, name: &str, cancel: &CancelToken) -> Result<VmView> {
    let vm = session.get_vm(rg, name, cancel).await?;
    let mut view = view_of(session, &vm);
    view.private_ip_addresses = session.vm_private_ips(&vm, cancel).await?;
    Ok(view)
}

/// Every VM (of one resource group, or of the device), with power states. IP addresses are read only
/// when `with_ips` (one NIC GET per VM).
pub async fn list(session: &Session, rg: Option<&str>, with_ips: bool, cancel: &CancelToken) -> Result<Vec<VmView>> {
    let mut out = Vec::new();
    for vm in session.list_vms(rg, cancel).await? {
        let Some((vm_rg, name)) = vm.get("id").and_then(Value::as_str).and_then(parse_id) else { continue };
        // List results carry no instance view on this API version: read each VM's.
        let full = session.get_vm(&vm_rg, &name, cancel).await?;
        let mut view = view_of(session, &full);
        if with_ips {
            view.private_ip_addresses = session.vm_private_ips(&full, cancel).await?;
        }
        out.push(view);
    }
    Ok(out)
}

/// Start, stop (stay provisioned), deallocate or restart, and return the VM afterwards.
pub async fn act(
    session: &Session,
    rg: &str,
    name: &str,
    action: VmAction,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<VmView> {
    session
        .vm_action(rg, name, action, progress, cancel)
        .await
        .map_err(|e| e.context(format!("{} of VM '{name}'", action.path())))?;
    let view = get(session, rg, name, cancel).await?;
    if let Some(w) = stop_warning(&session.options().device, &view, action) {
        progress.emit(action.path(), "warning", w);
    }
    Ok(view)
}

/// What to tell an admin who just stopped a GPU VM on a device that has (or may have) Kubernetes.
pub fn stop_warning(facts: &crate::device::DeviceFacts, view: &VmView, action: VmAction) -> Option<String> {
    use crate::device::gpu::{stop_risks_gpu, STOPPED_VM_CAVEAT};
    if !stop_risks_gpu(view.gpus, facts.kubernetes_configured) {
        return None;
    }
    match action {
        VmAction::PowerOff => Some(format!("GPU VM '{}' is stopped and keeps its GPU for now. {STOPPED_VM_CAVEAT}", view.name)),
        VmAction::Deallocate => Some(format!(
            "GPU VM '{}' is deallocated and has released its GPU: Kubernetes may take it, and then the VM cannot start \
             until a GPU is free. Stop GPU VMs staying provisioned (asegpu vm stop, Stop-AzVM -StayProvisioned) to keep \
             the GPU.",
            view.name
        )),
        VmAction::Start | VmAction::Restart => None,
    }
}

pub async fn delete(
    session: &Session,
    rg: &str,
    name: &str,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<()> {
    session.delete_vm(rg, name, progress, cancel).await.map_err(|e| e.context(format!("deleting VM '{name}'")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_from_arm() {
        let vm = serde_json::json!({
            "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1", "name": "vm1",
            "properties": { "hardwareProfile": { "vmSize": "Standard_NC4as_T4_v3" }, "provisioningState": "Succeeded",
                "storageProfile": { "osDisk": { "osType": "Linux" } },
                "instanceView": { "statuses": [ { "code": "ProvisioningState/succeeded" }, { "code": "PowerState/stopped" } ] } }
        });
        let v = VmView::from_arm(&vm);
        assert_eq!((v.resource_group_name.as_str(), v.gpus, v.power_state.as_deref()), ("rg", 1, Some("stopped")));
        assert!(v.holds_gpus(), "stopped (stay provisioned) keeps the GPU");
        let mut d = v.clone();
        d.power_state = Some("deallocated".into());
        assert!(!d.holds_gpus());
    }
}
