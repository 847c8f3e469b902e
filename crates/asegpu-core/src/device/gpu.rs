//! The GPU rules of Azure Stack Edge Pro GPU devices, as the docs state them. Sources (MicrosoftDocs/
//! azure-docs, `articles/databox-online/`): the GPU VM overview `azure-stack-edge-gpu-overview-gpu-virtual-
//! machines.md` (08/16/2024), "Deploy GPU VMs" `azure-stack-edge-gpu-deploy-gpu-virtual-machine.md`
//! (06/24/2022), "Troubleshoot VM provisioning" (03/23/2023), and the release notes 2102 to 2607.
//!
//! - a device has 1 or 2 GPUs (NVIDIA T4 or A2); every GPU size takes 1 GPU except `NC32as_2T4_v1` /
//!   `NC32as_2A2_v1`, which take 2, and the custom GPU sizes, which take what the admin set (1 or 2);
//! - "You can create as many GPU-size VMs as the number of available GPUs";
//! - a GPU VM holds its GPUs while it is allocated: running, or stopped with `Stop-AzVM -StayProvisioned`
//!   (ARM `powerOff`); it releases them when it is deallocated or deleted;
//! - configuring Kubernetes claims every GPU that is free at that moment ("If you set up Kubernetes first on
//!   your device, it claims all the available GPUs", release notes 2607, 08/19/2026, and the overview's five
//!   scenarios);
//! - but while GPU VMs are stopped, Kubernetes may take their GPUs over: see [`STOPPED_VM_CAVEAT`];
//! - free GPUs = total − GPUs held by allocated VMs − GPUs claimed by Kubernetes.

use serde::{Deserialize, Serialize};

/// What the docs say about stopped GPU VMs and Kubernetes, both sides of it, for every place that stops GPU
/// VMs or counts on a stopped VM's GPU (the preflight, `vm stop`, the update helper).
///
/// - Release notes 2102 (03/22/2021) to 2205 (its 05/16/2022 version), "GPU VMs", workaround: "When the GPU
///   VMs are stopped, Kubernetes will take over the GPUs that were used originally by VMs. The longer the GPU
///   VMs are in stopped state, higher the chances that Kubernetes will take over the GPUs."
/// - The GPU VM overview (07/05/2022 and 08/16/2024) keeps the related warning about deallocated VMs only in
///   a comment that begins "Li indicated that this is fixed"; the item left the release notes in the
///   07/25/2022 version of 2205. No doc names the release that fixed it.
pub const STOPPED_VM_CAVEAT: &str =
    "While a GPU VM is stopped, Kubernetes may take over its GPU: the release notes of \
    2102 to 2205 say that the longer GPU VMs stay stopped, the higher the chance that Kubernetes takes their GPUs \
    (later docs say this was fixed, without naming the release). On a device with Kubernetes, keep GPU VMs stopped \
    only briefly (stop them right before a device update and start them right after), and check a GPU VM's GPU \
    with Get-HcsGpuNvidiaSmi in the device's PowerShell interface if it fails to start.";

/// Whether a VM stopped now risks losing its GPU to Kubernetes: the VM takes GPUs, and Kubernetes is
/// configured or might be (`None`: unknown).
pub fn stop_risks_gpu(vm_gpus: u32, kubernetes_configured: Option<bool>) -> bool {
    vm_gpus > 0 && kubernetes_configured != Some(false)
}

/// GPU counts a device can have.
pub const VALID_GPU_COUNTS: [u32; 2] = [1, 2];

pub fn valid_gpu_count(n: u32) -> bool {
    VALID_GPU_COUNTS.contains(&n)
}

/// The power state of a VM, as `PowerState/<code>` in its instance view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PowerState {
    Starting,
    Running,
    Stopping,
    /// Stopped but still provisioned (`powerOff`, `Stop-AzVM -StayProvisioned`): resources kept.
    Stopped,
    Deallocating,
    Deallocated,
}

impl PowerState {
    pub fn code(self) -> &'static str {
        match self {
            PowerState::Starting => "starting",
            PowerState::Running => "running",
            PowerState::Stopping => "stopping",
            PowerState::Stopped => "stopped",
            PowerState::Deallocating => "deallocating",
            PowerState::Deallocated => "deallocated",
        }
    }
    /// `displayStatus` as ARM prints it ("VM running").
    pub fn display(self) -> String {
        format!("VM {}", self.code())
    }
    pub fn parse(code: &str) -> Option<PowerState> {
        let c = code.strip_prefix("PowerState/").unwrap_or(code).to_ascii_lowercase();
        Some(match c.as_str() {
            "starting" => PowerState::Starting,
            "running" => PowerState::Running,
            "stopping" => PowerState::Stopping,
            "stopped" => PowerState::Stopped,
            "deallocating" => PowerState::Deallocating,
            "deallocated" => PowerState::Deallocated,
            _ => return None,
        })
    }
    /// Whether a VM in this state holds its GPUs (and memory).
    pub fn holds_resources(self) -> bool {
        !matches!(self, PowerState::Deallocated)
    }
}

/// Who holds the device's GPUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GpuUsage {
    pub total: u32,
    /// GPUs held by allocated (running or stopped-stay-provisioned) GPU VMs.
    pub vms: u32,
    /// GPUs claimed by Kubernetes.
    pub kubernetes: u32,
}

impl GpuUsage {
    pub fn free(&self) -> u32 {
        self.total.saturating_sub(self.vms + self.kubernetes)
    }
}

/// GPUs Kubernetes claims when it is configured now: every free GPU.
pub fn kubernetes_claim(usage: &GpuUsage) -> u32 {
    usage.free()
}

/// Why a GPU VM cannot be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoGpu {
    pub vm_name: String,
    pub vm_size: String,
    pub needed: u32,
    pub usage: GpuUsage,
}

impl NoGpu {
    /// The ARM error code the emulator uses (the device's own code is only shown in a screenshot).
    pub const CODE: &'static str = "InsufficientGpuResources";

    pub fn message(&self) -> String {
        explain_no_gpu(&self.vm_name, &self.vm_size, self.needed, &self.usage)
    }
}

/// Check that a VM needing `needed` GPUs can be placed (created or started) now.
pub fn check_placement(vm_name: &str, vm_size: &str, needed: u32, usage: &GpuUsage) -> Result<(), NoGpu> {
    if needed == 0 || usage.free() >= needed {
        return Ok(());
    }
    Err(NoGpu { vm_name: vm_name.into(), vm_size: vm_size.into(), needed, usage: *usage })
}

fn gpus(n: u32) -> String {
    format!("{n} GPU{}", if n == 1 { "" } else { "s" })
}

/// A plain-words explanation of why a GPU VM cannot be placed, and what to do, in the docs' terms.
pub fn explain_no_gpu(vm_name: &str, vm_size: &str, needed: u32, usage: &GpuUsage) -> String {
    let what =
        format!("Insufficient number of GPUs to create GPU VM '{vm_name}': size '{vm_size}' needs {}", gpus(needed));
    explain(what, needed, usage, true)
}

/// The same for a deployment of several GPU VMs (`(name, size)` each), which need `needed` GPUs in all.
pub fn explain_no_gpu_for(vms: &[(&str, &str)], needed: u32, usage: &GpuUsage) -> String {
    if let [(name, size)] = vms {
        return explain_no_gpu(name, size, needed, usage);
    }
    let names: Vec<String> = vms.iter().map(|(n, s)| format!("'{n}' ({s})")).collect();
    let what = format!(
        "Insufficient number of GPUs to create these {} GPU VMs: {} need {} in all",
        vms.len(),
        names.join(", "),
        gpus(needed)
    );
    explain(what, needed, usage, false)
}

fn explain(what: String, needed: u32, usage: &GpuUsage, one_vm: bool) -> String {
    let mut m = format!("{what}, and the device has {} with {} free", gpus(usage.total), usage.free());
    let mut held = Vec::new();
    if usage.vms > 0 {
        held.push(format!("{} held by GPU VMs", usage.vms));
    }
    if usage.kubernetes > 0 {
        held.push(format!("{} claimed by Kubernetes", usage.kubernetes));
    }
    if !held.is_empty() {
        m.push_str(&format!(" ({})", held.join(", ")));
    }
    m.push('.');
    if needed > usage.total {
        if one_vm {
            m.push_str(&format!(" This device has only {}; choose a size that takes 1 GPU.", gpus(usage.total)));
        } else {
            m.push_str(&format!(
                " This device has only {}: deploy fewer GPU VMs at once, or CPU sizes for the others.",
                gpus(usage.total)
            ));
        }
        return m;
    }
    if usage.kubernetes > 0 {
        m.push_str(
            " Kubernetes was configured while these GPUs were free, and it claims every GPU that is free at that moment; \
             deploy GPU VMs before you configure Kubernetes. To give the GPUs back to VMs, remove the Kubernetes configuration \
             (reset the device's compute/Kubernetes setup), then create the GPU VM before configuring Kubernetes again.",
        );
    }
    if usage.vms > 0 {
        m.push_str(
            " A GPU VM keeps its GPU while it is running or stopped (Stop-AzVM -StayProvisioned / powerOff); deallocate \
             (az vm deallocate, Stop-AzVM without -StayProvisioned) or delete a GPU VM you do not need to free its GPU.",
        );
        if usage.kubernetes > 0 {
            m.push_str(" (With Kubernetes configured, a stopped GPU VM may also lose its GPU to Kubernetes.)");
        }
    }
    if usage.vms == 0 && usage.kubernetes == 0 {
        m.push_str(" Check the device's GPU configuration.");
    } else {
        m.push_str(if one_vm {
            " Or create this VM with a non-GPU size."
        } else {
            " Or create some of them with a non-GPU size."
        });
    }
    m
}

/// A pure model of the GPU rules: VMs with their GPU counts and allocation, and Kubernetes.
/// The emulator applies the same functions to its resources; tests use this to walk the scenarios.
#[derive(Debug, Clone, Default)]
pub struct GpuPool {
    pub total: u32,
    /// (name, GPUs, allocated)
    pub vms: Vec<(String, u32, bool)>,
    pub kubernetes: Option<u32>,
    /// The behaviour [`STOPPED_VM_CAVEAT`] warns of: Kubernetes takes the GPUs of VMs that stop.
    pub takeover: bool,
}

impl GpuPool {
    pub fn new(total: u32) -> GpuPool {
        GpuPool { total, vms: Vec::new(), kubernetes: None, takeover: false }
    }
    pub fn usage(&self) -> GpuUsage {
        GpuUsage {
            total: self.total,
            vms: self.vms.iter().filter(|v| v.2).map(|v| v.1).sum(),
            kubernetes: self.kubernetes.unwrap_or(0),
        }
    }
    pub fn free(&self) -> u32 {
        self.usage().free()
    }
    /// Create (and start) a VM of `size`.
    pub fn create_vm(&mut self, name: &str, size: &str) -> Result<(), NoGpu> {
        let n = super::sizes::gpu_count(size);
        check_placement(name, size, n, &self.usage())?;
        self.vms.push((name.into(), n, true));
        Ok(())
    }
    /// Configure Kubernetes: it claims every free GPU. Returns how many it got.
    pub fn configure_kubernetes(&mut self) -> u32 {
        if self.kubernetes.is_none() {
            self.kubernetes = Some(kubernetes_claim(&self.usage()));
        }
        self.kubernetes.unwrap_or(0)
    }
    fn vm(&mut self, name: &str) -> Option<&mut (String, u32, bool)> {
        self.vms.iter_mut().find(|v| v.0 == name)
    }
    /// `powerOff` (stay provisioned): keeps the GPUs, unless Kubernetes takes them over.
    pub fn power_off(&mut self, name: &str) {
        if self.takeover && self.kubernetes.is_some() {
            self.give_to_kubernetes(name);
        }
    }
    pub fn deallocate(&mut self, name: &str) {
        if self.takeover && self.kubernetes.is_some() {
            self.give_to_kubernetes(name);
        } else if let Some(v) = self.vm(name) {
            v.2 = false;
        }
    }
    fn give_to_kubernetes(&mut self, name: &str) {
        let taken = match self.vm(name) {
            Some(v) if v.2 => {
                v.2 = false;
                v.1
            }
            _ => 0,
        };
        self.kubernetes = self.kubernetes.map(|k| k + taken);
    }
    pub fn start(&mut self, name: &str, size: &str) -> Result<(), NoGpu> {
        let usage = self.usage();
        let Some(v) = self.vm(name) else { return Ok(()) };
        if !v.2 {
            check_placement(name, size, v.1, &usage)?;
            v.2 = true;
        }
        Ok(())
    }
    pub fn delete(&mut self, name: &str) {
        self.vms.retain(|v| v.0 != name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const T4: &str = "Standard_NC4as_T4_v3";

    #[test]
    fn one_gpu_vm_then_kubernetes() {
        let mut d = GpuPool::new(1);
        d.create_vm("vm1", T4).unwrap();
        assert_eq!(d.configure_kubernetes(), 0, "Kubernetes will not have access to the GPU");
        assert_eq!(d.free(), 0);
    }

    #[test]
    fn one_gpu_kubernetes_then_vm() {
        let mut d = GpuPool::new(1);
        assert_eq!(d.configure_kubernetes(), 1);
        let e = d.create_vm("vm1", T4).unwrap_err();
        assert_eq!(e.usage.kubernetes, 1);
        let m = e.message();
        assert!(m.contains("0 free") && m.contains("Kubernetes"), "{m}");
        // A CPU VM is still fine.
        d.create_vm("cpu", "Standard_D1_v2").unwrap();
    }

    #[test]
    fn two_gpus_one_vm_then_kubernetes() {
        let mut d = GpuPool::new(2);
        d.create_vm("vm1", T4).unwrap();
        assert_eq!(d.configure_kubernetes(), 1, "the VM gets 1 GPU, Kubernetes the other");
        assert_eq!(d.free(), 0);
        assert!(d.create_vm("vm2", T4).is_err());
    }

    #[test]
    fn two_gpus_two_vms_then_kubernetes() {
        let mut d = GpuPool::new(2);
        d.create_vm("vm1", T4).unwrap();
        d.create_vm("vm2", T4).unwrap();
        assert_eq!(d.configure_kubernetes(), 0, "Kubernetes has no GPUs");
        let e = d.create_vm("vm3", T4).unwrap_err();
        assert!(e.message().contains("deallocate"), "{}", e.message());
    }

    #[test]
    fn two_gpus_kubernetes_then_vm() {
        let mut d = GpuPool::new(2);
        assert_eq!(d.configure_kubernetes(), 2);
        assert!(d.create_vm("vm1", T4).is_err());
    }

    #[test]
    fn power_off_keeps_and_deallocate_releases() {
        let mut d = GpuPool::new(1);
        d.create_vm("vm1", T4).unwrap();
        d.power_off("vm1");
        assert_eq!(d.free(), 0, "stopped (stay provisioned) keeps the GPU");
        assert!(d.create_vm("vm2", T4).is_err());
        d.deallocate("vm1");
        assert_eq!(d.free(), 1);
        d.create_vm("vm2", T4).unwrap();
        assert!(d.start("vm1", T4).is_err(), "vm2 took the GPU");
        d.delete("vm2");
        d.start("vm1", T4).unwrap();
        assert_eq!(d.free(), 0);
    }

    #[test]
    fn kubernetes_may_take_over_stopped_vms() {
        for stop in [GpuPool::power_off as fn(&mut GpuPool, &str), GpuPool::deallocate] {
            let mut d = GpuPool::new(2);
            d.takeover = true;
            d.create_vm("vm1", T4).unwrap();
            assert_eq!(d.configure_kubernetes(), 1);
            stop(&mut d, "vm1");
            assert_eq!((d.free(), d.usage().kubernetes), (0, 2), "Kubernetes took the stopped VM's GPU");
            let e = d.start("vm1", T4).unwrap_err();
            assert!(e.message().contains("claimed by Kubernetes"), "{}", e.message());
        }
        // Without the takeover (the later docs' "fixed"), a stopped VM keeps its GPU.
        let mut d = GpuPool::new(2);
        d.create_vm("vm1", T4).unwrap();
        d.configure_kubernetes();
        d.power_off("vm1");
        d.start("vm1", T4).unwrap();
        assert!(stop_risks_gpu(1, Some(true)) && stop_risks_gpu(1, None));
        assert!(!stop_risks_gpu(1, Some(false)) && !stop_risks_gpu(0, Some(true)));
    }

    #[test]
    fn two_gpu_size_on_one_gpu_device() {
        let mut d = GpuPool::new(1);
        let e = d.create_vm("big", "Standard_NC32as_2T4_v1").unwrap_err();
        assert!(e.message().contains("only 1 GPU"), "{}", e.message());
    }

    #[test]
    fn power_states() {
        assert_eq!(PowerState::parse("PowerState/running"), Some(PowerState::Running));
        assert!(PowerState::Stopped.holds_resources());
        assert!(!PowerState::Deallocated.holds_resources());
        assert_eq!(PowerState::Running.display(), "VM running");
        assert!(valid_gpu_count(1) && valid_gpu_count(2) && !valid_gpu_count(0) && !valid_gpu_count(3));
    }
}
