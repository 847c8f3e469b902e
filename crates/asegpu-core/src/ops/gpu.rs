//! GPU availability and the preflight of a planned deployment: will a GPU VM fit, and if not, why and
//! what to do, in the docs' terms. ARM shows the VMs, their sizes and power states, and (through the
//! sizes it offers) the GPU model; the GPU count and Kubernetes state come from the connection profile's
//! device facts, and the report says so.

pub use super::preflight::{check_plan, preflight, Finding, Plan, PlannedVm, PreflightReport, Severity};
use super::vm::{self, VmView};
use crate::arm::Session;
use crate::device::custom_sizes::{self, CustomSize};
use crate::device::gpu::GpuUsage;
use crate::device::sizes::{self, GpuModel};
use crate::device::DeviceFacts;
use crate::error::Result;
use crate::progress::CancelToken;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A GPU VM and whether it holds its GPUs now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GpuVm {
    pub name: String,
    pub resource_group_name: String,
    pub vm_size: String,
    pub gpus: u32,
    pub power_state: Option<String>,
    pub holds_gpus: bool,
}

/// Who holds the device's GPUs, and how many are free.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GpuReport {
    pub gpu_model: Option<GpuModel>,
    pub gpu_model_source: String,
    pub gpu_count: Option<u32>,
    pub gpu_count_source: String,
    pub kubernetes_configured: Option<bool>,
    pub kubernetes_source: String,
    pub gpu_vms: Vec<GpuVm>,
    pub gpus_held_by_vms: u32,
    /// GPUs Kubernetes holds (when configured and not stated: every GPU no allocated VM holds).
    pub gpus_claimed_by_kubernetes: Option<u32>,
    /// True when Kubernetes' share is that estimate, not a device fact: GPUs freed since Kubernetes was
    /// configured may be free or Kubernetes' (see [`crate::device::gpu::STOPPED_VM_CAVEAT`]).
    #[serde(default)]
    pub kubernetes_share_estimated: bool,
    pub free_gpus: Option<u32>,
    /// The custom sizes the profile knows (`Get-HcsVMCustomSizes`), by which custom GPU sizes are counted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_sizes: Vec<CustomSize>,
    pub notes: Vec<String>,
}

impl GpuReport {
    pub fn usage(&self) -> Option<GpuUsage> {
        Some(GpuUsage {
            total: self.gpu_count?,
            vms: self.gpus_held_by_vms,
            kubernetes: self.gpus_claimed_by_kubernetes?,
        })
    }
    /// GPUs a size takes on this device (custom GPU sizes as the profile gives them, else 1).
    pub fn gpus_of(&self, size: &str) -> u32 {
        sizes::gpu_count_with(size, &self.custom_sizes)
    }
}

/// The GPU model, from the GPU sizes the device offers (custom GPU sizes included).
pub fn model_from_sizes(names: &[String]) -> Option<GpuModel> {
    let has = |m: GpuModel| names.iter().any(|n| sizes::gpu_model_of(n) == Some(m));
    match (has(GpuModel::T4), has(GpuModel::A2)) {
        (true, false) => Some(GpuModel::T4),
        (false, true) => Some(GpuModel::A2),
        _ => None,
    }
}

/// The names of the VM sizes the device offers.
pub(crate) async fn size_names(session: &Session, cancel: &CancelToken) -> Result<Vec<String>> {
    Ok(session
        .list_vm_sizes(cancel)
        .await?
        .iter()
        .filter_map(|s| s.get("name").and_then(Value::as_str).map(str::to_string))
        .collect())
}

/// The availability report (reads the VM sizes and every VM's power state).
pub async fn availability(session: &Session, cancel: &CancelToken) -> Result<GpuReport> {
    let size_names = size_names(session, cancel).await?;
    let vms = vm::list(session, None, false, cancel).await?;
    Ok(report(&session.options().device, &size_names, &vms))
}

fn gpu_model_of(facts: &DeviceFacts, size_names: &[String], notes: &mut Vec<String>) -> (Option<GpuModel>, String) {
    match (model_from_sizes(size_names), facts.gpu_model) {
        (Some(m), _) => (Some(m), "ARM (the GPU VM sizes the device offers)".to_string()),
        (None, Some(m)) => (Some(m), "connection profile".to_string()),
        (None, None) => {
            notes.push(
                "The device offers no GPU VM sizes through ARM: it may have no GPU, or compute is not enabled.".into(),
            );
            (None, "unknown".to_string())
        }
    }
}

fn gpu_count_of(facts: &DeviceFacts, notes: &mut Vec<String>) -> (Option<u32>, String) {
    match facts.gpu_count {
        Some(n) => (Some(n), "connection profile (ARM does not expose it)".to_string()),
        None => {
            notes.push("The GPU count is not readable from ARM: set it in the connection profile (deviceFacts.gpuCount: 1 or 2, from the device's local web UI, or Get-HcsGpuNvidiaSmi in its PowerShell interface).".into());
            (None, "unknown".to_string())
        }
    }
}

fn gpu_vms_of(vms: &[VmView]) -> Vec<GpuVm> {
    vms.iter()
        .filter(|v| v.gpus > 0)
        .map(|v| GpuVm {
            name: v.name.clone(),
            resource_group_name: v.resource_group_name.clone(),
            vm_size: v.vm_size.clone(),
            gpus: v.gpus,
            power_state: v.power_state.clone(),
            holds_gpus: v.holds_gpus(),
        })
        .collect()
}

/// Kubernetes' GPUs: 0 when not configured, the profile's number when given, else every GPU no allocated VM
/// holds (the docs' rule at configuration time), marked as an estimate. None when it cannot be told.
fn kubernetes_share(
    facts: &DeviceFacts,
    held: u32,
    total: Option<u32>,
    notes: &mut Vec<String>,
) -> (Option<u32>, bool) {
    match (facts.kubernetes_configured, facts.kubernetes_gpus, total) {
        (Some(false), _, _) => (Some(0), false),
        (Some(true), Some(k), _) => (Some(k), false),
        (Some(true), None, Some(total)) => {
            notes.push("Kubernetes is configured: it claimed every GPU that no VM held when it was configured; counted here as every GPU no allocated VM holds. A GPU freed since then (a GPU VM deallocated or deleted) may be free instead: Get-HcsGpuNvidiaSmi in the device's PowerShell interface shows which GPUs Kubernetes uses; set deviceFacts.kubernetesGpus to that number.".into());
            (Some(total.saturating_sub(held)), true)
        }
        (Some(true), None, None) => (None, true),
        (None, _, _) => {
            notes.push("Whether Kubernetes is configured is not readable from ARM: set deviceFacts.kubernetesConfigured in the connection profile (the device's page in the Azure portal and its local web UI show it). If it is, it claimed every GPU that was free when it was configured.".into());
            (None, false)
        }
    }
}

fn vm_notes(facts: &DeviceFacts, gpu_vms: &[GpuVm], notes: &mut Vec<String>) {
    let k8s_possible = facts.kubernetes_configured != Some(false);
    if k8s_possible && gpu_vms.iter().any(|v| v.power_state.as_deref() == Some("deallocated")) {
        notes.push("Deallocated GPU VMs do not hold their GPU: Kubernetes may take it, and then the VM cannot start. Stop GPU VMs with 'stay provisioned' (powerOff) instead of deallocating them.".into());
    }
    if k8s_possible && gpu_vms.iter().any(|v| v.power_state.as_deref() == Some("stopped")) {
        notes.push(crate::device::gpu::STOPPED_VM_CAVEAT.into());
    }
    for v in gpu_vms.iter().filter(|v| custom_sizes::gpus_of(&v.vm_size, &facts.custom_sizes) == Some((1, false))) {
        notes.push(format!(
            "VM '{}' has the custom size {}, counted as 1 GPU: ARM does not show a custom size's GPU count. Run Get-HcsVMCustomSizes in the device's PowerShell interface and set deviceFacts.customSizes (e.g. {}:8:28:2).",
            v.name, v.vm_size, v.vm_size
        ));
    }
    if facts.mps_enabled == Some(true) {
        notes.push("The GPU Multi-Process Service (MPS) is on: a device software update turns it off; run Start-HcsGpuMPS in the device's PowerShell interface again after an update.".into());
    }
}

/// Compose the report from what ARM showed and the profile's facts (pure, for testing).
pub fn report(facts: &DeviceFacts, size_names: &[String], vms: &[VmView]) -> GpuReport {
    let mut notes = Vec::new();
    let (gpu_model, gpu_model_source) = gpu_model_of(facts, size_names, &mut notes);
    let (gpu_count, gpu_count_source) = gpu_count_of(facts, &mut notes);
    let gpu_vms = gpu_vms_of(vms);
    let held: u32 = gpu_vms.iter().filter(|v| v.holds_gpus).map(|v| v.gpus).sum();
    let kubernetes_source =
        if facts.kubernetes_configured.is_some() { "connection profile (ARM does not expose it)" } else { "unknown" }
            .to_string();
    let (k8s, estimated) = kubernetes_share(facts, held, gpu_count, &mut notes);
    vm_notes(facts, &gpu_vms, &mut notes);
    let free = gpu_count.zip(k8s).map(|(t, k)| t.saturating_sub(held + k));
    GpuReport {
        gpu_model,
        gpu_model_source,
        gpu_count,
        gpu_count_source,
        kubernetes_configured: facts.kubernetes_configured,
        kubernetes_source,
        gpu_vms,
        gpus_held_by_vms: held,
        gpus_claimed_by_kubernetes: k8s,
        kubernetes_share_estimated: estimated,
        free_gpus: free,
        custom_sizes: facts.custom_sizes.clone(),
        notes,
    }
}
