//! GPU availability and the preflight of a planned deployment: will a GPU VM fit, and if not, why and
//! what to do, in the docs' terms. ARM shows the VMs, their sizes and power states, and (through the
//! sizes it offers) the GPU model; the GPU count and Kubernetes state come from the connection profile's
//! device facts, and the report says so.

use super::vm::{self, VmView};
use crate::arm::Session;
use crate::device::gpu::{explain_no_gpu_for, GpuUsage};
use crate::device::sizes::{self, GpuModel};
use crate::error::{Error, Result};
use crate::progress::CancelToken;
use crate::template::{Deployment, DeploymentContext, NoResolver, RenderMode};
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
    pub free_gpus: Option<u32>,
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
}

/// The GPU model, from the GPU sizes the device offers.
pub fn model_from_sizes(names: &[String]) -> Option<GpuModel> {
    let has = |m: GpuModel| names.iter().any(|n| sizes::find(n).is_some_and(|s| s.gpu_model == Some(m)));
    match (has(GpuModel::T4), has(GpuModel::A2)) {
        (true, false) => Some(GpuModel::T4),
        (false, true) => Some(GpuModel::A2),
        _ => None,
    }
}

/// The names of the VM sizes the device offers.
async fn size_names(session: &Session, cancel: &CancelToken) -> Result<Vec<String>> {
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

/// Compose the report from what ARM showed and the profile's facts (pure, for testing).
pub fn report(facts: &crate::device::DeviceFacts, size_names: &[String], vms: &[VmView]) -> GpuReport {
    let mut notes = Vec::new();
    let (gpu_model, gpu_model_source) = match (model_from_sizes(size_names), facts.gpu_model) {
        (Some(m), _) => (Some(m), "ARM (the GPU VM sizes the device offers)".to_string()),
        (None, Some(m)) => (Some(m), "connection profile".to_string()),
        (None, None) => {
            notes.push(
                "The device offers no GPU VM sizes through ARM: it may have no GPU, or compute is not enabled.".into(),
            );
            (None, "unknown".to_string())
        }
    };
    let (gpu_count, gpu_count_source) = match facts.gpu_count {
        Some(n) => (Some(n), "connection profile (ARM does not expose it)".to_string()),
        None => {
            notes.push("The GPU count is not readable from ARM: set it in the connection profile (deviceFacts.gpuCount: 1 or 2, from the device's local web UI).".into());
            (None, "unknown".to_string())
        }
    };
    let gpu_vms: Vec<GpuVm> = vms
        .iter()
        .filter(|v| v.gpus > 0)
        .map(|v| GpuVm {
            name: v.name.clone(),
            resource_group_name: v.resource_group_name.clone(),
            vm_size: v.vm_size.clone(),
            gpus: v.gpus,
            power_state: v.power_state.clone(),
            holds_gpus: v.holds_gpus(),
        })
        .collect();
    let held: u32 = gpu_vms.iter().filter(|v| v.holds_gpus).map(|v| v.gpus).sum();
    let kubernetes_source =
        if facts.kubernetes_configured.is_some() { "connection profile (ARM does not expose it)" } else { "unknown" }
            .to_string();
    let k8s = match (facts.kubernetes_configured, facts.kubernetes_gpus, gpu_count) {
        (Some(false), _, _) => Some(0),
        (Some(true), Some(k), _) => Some(k),
        (Some(true), None, Some(total)) => {
            notes.push("Kubernetes is configured: it claimed every GPU that no VM held when it was configured; counted here as every GPU no allocated VM holds.".into());
            Some(total.saturating_sub(held))
        }
        (Some(true), None, None) => None,
        (None, _, _) => {
            notes.push("Whether Kubernetes is configured is not readable from ARM: set deviceFacts.kubernetesConfigured in the connection profile. If it is, it claimed every GPU that was free when it was configured.".into());
            None
        }
    };
    if gpu_vms.iter().any(|v| v.power_state.as_deref() == Some("deallocated"))
        && facts.kubernetes_configured != Some(false)
    {
        notes.push("Deallocated GPU VMs do not hold their GPU: Kubernetes may take it, and then the VM cannot start. Stop GPU VMs with 'stay provisioned' (powerOff) instead of deallocating them.".into());
    }
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
        free_gpus: free,
        notes,
    }
}

/// A VM a deployment will create.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PlannedVm {
    pub name: String,
    pub vm_size: String,
    #[serde(default)]
    pub resource_group: Option<String>,
    /// The image id the VM uses, when known.
    #[serde(default)]
    pub image_id: Option<String>,
}

/// What to check: planned VMs (from a template, or a size and count).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Plan {
    #[serde(default)]
    pub vms: Vec<PlannedVm>,
    /// NICs with a static private IP: (name, subnet id, address).
    #[serde(default)]
    pub static_ips: Vec<(String, String, String)>,
}

impl Plan {
    /// `count` VMs of one size (names `<prefix>1`, `<prefix>2`...).
    pub fn of_size(vm_size: &str, count: u32) -> Plan {
        let vms = (1..=count.max(1))
            .map(|i| PlannedVm {
                name: format!("planned-vm-{i}"),
                vm_size: vm_size.into(),
                resource_group: None,
                image_id: None,
            })
            .collect();
        Plan { vms, static_ips: vec![] }
    }

    /// Evaluate a template locally with the template engine (references to resources that do not exist
    /// yet stay unknown) and collect the VMs and static IPs it would create.
    pub fn from_template(
        subscription_id: &str,
        resource_group: &str,
        template: &Value,
        parameters: Option<&Value>,
    ) -> Result<Plan> {
        let ctx = DeploymentContext::new(subscription_id, resource_group, crate::device::LOCATION, "asegpu-preflight");
        let dep = Deployment::new(template, parameters, ctx).map_err(template_error)?;
        let mut plan = Plan::default();
        for (i, r) in dep.resources().iter().enumerate() {
            let t = r.resource_type.to_ascii_lowercase();
            if t != "microsoft.compute/virtualmachines" && t != "microsoft.network/networkinterfaces" {
                continue;
            }
            let rendered = dep.render(i, &NoResolver, RenderMode::Preview).map_err(template_error)?;
            let body = &rendered.body;
            if t == "microsoft.compute/virtualmachines" {
                plan.vms.push(PlannedVm {
                    name: rendered.name.clone(),
                    vm_size: body
                        .pointer("/properties/hardwareProfile/vmSize")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    resource_group: Some(r.resource_group.clone()),
                    image_id: body
                        .pointer("/properties/storageProfile/imageReference/id")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                });
            } else {
                for cfg in body.pointer("/properties/ipConfigurations").and_then(Value::as_array).into_iter().flatten()
                {
                    let p = |k: &str| {
                        cfg.pointer(&format!("/properties/{k}")).and_then(Value::as_str).unwrap_or_default().to_string()
                    };
                    if p("privateIPAllocationMethod").eq_ignore_ascii_case("static")
                        && !p("privateIPAddress").is_empty()
                    {
                        plan.static_ips.push((
                            rendered.name.clone(),
                            cfg.pointer("/properties/subnet/id")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string(),
                            p("privateIPAddress"),
                        ));
                    }
                }
            }
        }
        Ok(plan)
    }
}

pub(crate) fn template_error(e: crate::template::TemplateError) -> Error {
    Error::invalid(format!("the template is not valid: {e}")).with_arm_code(e.code.clone())
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// One thing the preflight found.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub severity: Severity,
    pub code: String,
    pub message: String,
    pub fix: Option<String>,
}

/// The preflight verdict.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PreflightReport {
    /// False when an error finding says the deployment would fail.
    pub ok: bool,
    pub verdict: String,
    pub gpus_needed: u32,
    pub findings: Vec<Finding>,
    pub planned: Vec<PlannedVm>,
    pub availability: GpuReport,
}

fn finding(severity: Severity, code: &str, message: String, fix: Option<&str>) -> Finding {
    Finding { severity, code: code.into(), message, fix: fix.map(str::to_string) }
}

/// Check a plan against the device: sizes, GPU model, free GPUs, Kubernetes, images, static IPs.
pub async fn preflight(session: &Session, plan: &Plan, cancel: &CancelToken) -> Result<PreflightReport> {
    let size_names = size_names(session, cancel).await?;
    let vms = vm::list(session, None, false, cancel).await?;
    let availability = report(&session.options().device, &size_names, &vms);
    let mut findings = check_plan(plan, &size_names, &vms, &availability);
    for p in &plan.vms {
        if let Some(image) = p.image_id.as_deref().filter(|i| i.starts_with("/subscriptions/")) {
            if let Err(e) = session.get_by_id(image, crate::arm::versions::COMPUTE_IMAGES_DISKS, cancel).await {
                if e.status == crate::Status::NotFound {
                    findings.push(finding(Severity::Error, "ImageNotFound", format!("VM '{}' uses image '{image}', which does not exist.", p.name), Some("Create the image first (asegpu image create, or CreateImage.json) in the deployment's resource group.")));
                } else {
                    return Err(e);
                }
            }
        }
    }
    for (nic, subnet, ip) in &plan.static_ips {
        findings.extend(check_static_ip(session, nic, subnet, ip, cancel).await?);
    }
    let ok = !findings.iter().any(|f| f.severity == Severity::Error);
    let verdict = if ok {
        if findings.iter().any(|f| f.severity == Severity::Warning) {
            "should succeed (see warnings)"
        } else {
            "will succeed"
        }
    } else {
        "will fail"
    };
    let gpus_needed = needed_gpus(plan, &vms);
    Ok(PreflightReport { ok, verdict: verdict.into(), gpus_needed, findings, planned: plan.vms.clone(), availability })
}

/// GPUs the plan needs beyond what its VMs already hold (an existing allocated VM keeps its GPU).
fn needed_gpus(plan: &Plan, existing: &[VmView]) -> u32 {
    plan.vms
        .iter()
        .filter(|p| !existing.iter().any(|v| v.name.eq_ignore_ascii_case(&p.name) && v.holds_gpus()))
        .map(|p| sizes::gpu_count(&p.vm_size))
        .sum()
}

/// The checks that need no further ARM calls (pure, for testing).
pub fn check_plan(plan: &Plan, size_names: &[String], existing: &[VmView], avail: &GpuReport) -> Vec<Finding> {
    let mut f = Vec::new();
    for p in &plan.vms {
        if p.vm_size.is_empty() || p.vm_size.starts_with('[') {
            f.push(finding(
                Severity::Warning,
                "SizeUnknown",
                format!("The size of VM '{}' could not be evaluated before deployment.", p.name),
                None,
            ));
            continue;
        }
        let Some(size) = sizes::find(&p.vm_size) else {
            f.push(finding(
                Severity::Error,
                "SizeNotAvailable",
                format!("VM size '{}' (VM '{}') is not a size Azure Stack Edge offers.", p.vm_size, p.name),
                Some("Use a size from `asegpu vm sizes`, e.g. Standard_NC4as_T4_v3 on a T4 device."),
            ));
            continue;
        };
        if let (Some(need), Some(have)) = (size.gpu_model, avail.gpu_model) {
            if need != have {
                let alt = sizes::gpu_size_names(have).into_iter().take(3).collect::<Vec<_>>().join(", ");
                f.push(finding(
                    Severity::Error,
                    "GpuModelMismatch",
                    format!(
                        "VM '{}' uses size '{}' for NVIDIA {:?} GPUs, but this device has NVIDIA {:?} GPUs.",
                        p.name, size.name, need, have
                    ),
                    Some(&format!("The GPU VM size must match the device's GPU model: use one of {alt}.")),
                ));
                continue;
            }
        }
        if !size_names.is_empty() && !size_names.iter().any(|n| n.eq_ignore_ascii_case(size.name)) {
            f.push(finding(
                Severity::Error,
                "SizeNotAvailable",
                format!("The device does not offer size '{}' (VM '{}').", size.name, p.name),
                Some("Use a size the device lists (asegpu vm sizes)."),
            ));
        }
        if existing.iter().any(|v| v.name.eq_ignore_ascii_case(&p.name)) {
            f.push(finding(
                Severity::Info,
                "VmExists",
                format!("VM '{}' already exists: the deployment updates it.", p.name),
                None,
            ));
        }
    }
    let needed = needed_gpus(plan, existing);
    if needed > 0 {
        match avail.usage() {
            Some(usage) if usage.free() < needed => {
                let gpu_vms: Vec<(&str, &str)> = plan
                    .vms
                    .iter()
                    .filter(|p| sizes::gpu_count(&p.vm_size) > 0)
                    .filter(|p| !existing.iter().any(|v| v.name.eq_ignore_ascii_case(&p.name) && v.holds_gpus()))
                    .map(|p| (p.name.as_str(), p.vm_size.as_str()))
                    .collect();
                let code = if usage.kubernetes > 0 { "GpusClaimedByKubernetes" } else { "InsufficientGpus" };
                let fix = if usage.kubernetes > 0 {
                    "Create GPU VMs before configuring Kubernetes: Kubernetes claims every GPU free when it is configured. Remove the Kubernetes configuration (or use a device without it) to free its GPUs, then deploy the VM, then configure Kubernetes again."
                } else {
                    "Free a GPU: deallocate or delete a GPU VM you no longer need, or deploy a CPU size."
                };
                f.push(finding(Severity::Error, code, explain_no_gpu_for(&gpu_vms, needed, &usage), Some(fix)));
            }
            Some(_) => {
                if avail.kubernetes_configured.is_none() {
                    f.push(finding(Severity::Warning, "KubernetesUnknown", "Whether Kubernetes is configured is unknown: if it is, it holds every GPU no VM held when it was configured, and this GPU VM would fail.".into(), Some("Set deviceFacts.kubernetesConfigured in the connection profile.")));
                }
            }
            None => f.push(finding(Severity::Warning, "GpuCountUnknown", format!("The plan needs {needed} GPU(s); the device's GPU count or Kubernetes state is unknown, so availability cannot be confirmed."), Some("Set deviceFacts.gpuCount and deviceFacts.kubernetesConfigured in the connection profile."))),
        }
        if avail.kubernetes_configured.is_none() || avail.kubernetes_configured == Some(false) {
            f.push(finding(Severity::Info, "ConfigureKubernetesLast", "If this device will run Kubernetes, configure it after deploying GPU VMs: Kubernetes claims every free GPU when it is configured.".into(), None));
        }
    }
    f
}

async fn check_static_ip(
    session: &Session,
    nic: &str,
    subnet_id: &str,
    ip: &str,
    cancel: &CancelToken,
) -> Result<Vec<Finding>> {
    let mut f = Vec::new();
    let Some(vnet_id) = subnet_id.split("/subnets/").next().filter(|_| subnet_id.contains("/subnets/")) else {
        return Ok(f);
    };
    let subnet_name = subnet_id.rsplit('/').next().unwrap_or_default();
    let vnet = match session.get_by_id(vnet_id, crate::arm::versions::NETWORK, cancel).await {
        Ok(v) => v,
        Err(e) if e.status == crate::Status::NotFound => {
            f.push(finding(
                Severity::Error,
                "VirtualNetworkNotFound",
                format!("NIC '{nic}' uses virtual network '{vnet_id}', which does not exist."),
                Some("On the device, use ASEVNET in resource group ASERG (created when compute is enabled)."),
            ));
            return Ok(f);
        }
        Err(e) => return Err(e),
    };
    let subnet = vnet
        .pointer("/properties/subnets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|s| s.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case(subnet_name)));
    let Some(prefix) = subnet.and_then(|s| s.pointer("/properties/addressPrefix")).and_then(Value::as_str) else {
        f.push(finding(
            Severity::Error,
            "SubnetNotFound",
            format!("NIC '{nic}' uses subnet '{subnet_name}', which the virtual network does not have."),
            Some("Use ASEVNETsubNet."),
        ));
        return Ok(f);
    };
    if !ip_in_prefix(ip, prefix) {
        f.push(finding(
            Severity::Error,
            "IpOutsideSubnet",
            format!("NIC '{nic}': the static address {ip} is not in the subnet {prefix}."),
            Some("Pick a free address of the compute network, or leave privateIPAddress empty for DHCP."),
        ));
    }
    let path = format!(
        "subscriptions/{}/providers/Microsoft.Network/networkInterfaces?api-version={}",
        session.subscription_id(),
        crate::arm::versions::NETWORK
    );
    for other in session.list_all(&path, cancel).await? {
        let other_name = other.get("name").and_then(Value::as_str).unwrap_or_default();
        let uses = other
            .pointer("/properties/ipConfigurations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|c| c.pointer("/properties/privateIPAddress").and_then(Value::as_str) == Some(ip));
        if uses && !other_name.eq_ignore_ascii_case(nic) {
            f.push(finding(Severity::Error, "PrivateIPAddressInUse", format!("NIC '{nic}': the address {ip} is already used by NIC '{other_name}' (a VM provisioning timeout on the device)."), Some("Use another free address, or leave privateIPAddress empty for DHCP.")));
        }
    }
    Ok(f)
}

/// Whether an IPv4 address is inside a CIDR prefix.
pub fn ip_in_prefix(ip: &str, prefix: &str) -> bool {
    let Some((net, bits)) = prefix.split_once('/') else { return false };
    let (Ok(ip), Ok(net), Ok(bits)) =
        (ip.parse::<std::net::Ipv4Addr>(), net.parse::<std::net::Ipv4Addr>(), bits.parse::<u32>())
    else {
        return false;
    };
    if bits > 32 {
        return false;
    }
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    (u32::from(ip) & mask) == (u32::from(net) & mask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::DeviceFacts;

    fn vm(name: &str, size: &str, power: &str) -> VmView {
        VmView {
            name: name.into(),
            resource_group_name: "rg".into(),
            id: String::new(),
            vm_size: size.into(),
            gpus: sizes::gpu_count(size),
            os_type: None,
            power_state: Some(power.into()),
            provisioning_state: None,
            private_ip_addresses: vec![],
            image_id: None,
        }
    }
    fn facts(gpus: u32, k8s: bool) -> DeviceFacts {
        DeviceFacts { gpu_count: Some(gpus), kubernetes_configured: Some(k8s), ..Default::default() }
    }
    fn t4_sizes() -> Vec<String> {
        sizes::sizes_for(GpuModel::T4).map(|s| s.name.to_string()).collect()
    }
    fn errors(f: &[Finding]) -> Vec<&str> {
        f.iter().filter(|x| x.severity == Severity::Error).map(|x| x.code.as_str()).collect()
    }
    const T4: &str = "Standard_NC4as_T4_v3";

    #[test]
    fn the_five_documented_scenarios() {
        // 1-GPU device, VM then Kubernetes: the VM keeps its GPU, Kubernetes gets none; a second VM fails.
        let vms = vec![vm("vm1", T4, "running")];
        let r = report(&facts(1, true), &t4_sizes(), &vms);
        assert_eq!((r.gpus_held_by_vms, r.gpus_claimed_by_kubernetes, r.free_gpus), (1, Some(0), Some(0)));
        // 1-GPU device, Kubernetes then VM: Kubernetes claimed it; the VM fails, naming Kubernetes.
        let r = report(&facts(1, true), &t4_sizes(), &[]);
        let f = check_plan(&Plan::of_size(T4, 1), &t4_sizes(), &[], &r);
        assert_eq!(errors(&f), vec!["GpusClaimedByKubernetes"]);
        assert!(f[0].fix.as_deref().unwrap().contains("before configuring Kubernetes"));
        // 2-GPU device, one VM then Kubernetes: one each; no GPU free.
        let r = report(&facts(2, true), &t4_sizes(), &vms);
        assert_eq!((r.gpus_held_by_vms, r.gpus_claimed_by_kubernetes, r.free_gpus), (1, Some(1), Some(0)));
        // 2-GPU device, two VMs then Kubernetes: Kubernetes has none.
        let two = vec![vm("vm1", T4, "running"), vm("vm2", T4, "stopped")];
        let r = report(&facts(2, true), &t4_sizes(), &two);
        assert_eq!((r.gpus_held_by_vms, r.gpus_claimed_by_kubernetes, r.free_gpus), (2, Some(0), Some(0)));
        // 2-GPU device, Kubernetes then VM: fails.
        let r = report(&facts(2, true), &t4_sizes(), &[]);
        assert_eq!(errors(&check_plan(&Plan::of_size(T4, 1), &t4_sizes(), &[], &r)), vec!["GpusClaimedByKubernetes"]);
        // Without Kubernetes a 2-GPU device takes two GPU VMs, not three.
        let r = report(&facts(2, false), &t4_sizes(), &[]);
        assert!(errors(&check_plan(&Plan::of_size(T4, 2), &t4_sizes(), &[], &r)).is_empty());
        let three = check_plan(&Plan::of_size(T4, 3), &t4_sizes(), &[], &r);
        assert_eq!(errors(&three), vec!["InsufficientGpus"]);
        // Three 1-GPU VMs are not one VM that needs three GPUs: the message says what was planned.
        let m = &three.iter().find(|f| f.code == "InsufficientGpus").unwrap().message;
        assert!(
            m.contains("these 3 GPU VMs") && m.contains("need 3 GPUs in all") && m.contains("deploy fewer GPU VMs"),
            "{m}"
        );
        assert!(!m.contains("choose a size that takes 1 GPU"), "{m}");
    }

    #[test]
    fn size_must_match_gpu_model_and_exist() {
        let r = report(&facts(2, false), &t4_sizes(), &[]);
        let f = check_plan(&Plan::of_size("Standard_NC4as_A2", 1), &t4_sizes(), &[], &r);
        assert_eq!(errors(&f), vec!["GpuModelMismatch"]);
        assert!(f[0].fix.as_deref().unwrap().contains("Standard_NC4as_T4_v3"));
        assert_eq!(
            errors(&check_plan(&Plan::of_size("Standard_NC6", 1), &t4_sizes(), &[], &r)),
            vec!["SizeNotAvailable"]
        );
    }

    #[test]
    fn unknown_facts_are_said_and_deallocated_vms_warned() {
        let vms = vec![vm("old", T4, "deallocated")];
        let r = report(&DeviceFacts::default(), &t4_sizes(), &vms);
        assert_eq!((r.gpu_count, r.free_gpus, r.gpus_held_by_vms), (None, None, 0));
        assert_eq!(r.gpu_model, Some(GpuModel::T4));
        assert!(r.notes.iter().any(|n| n.contains("GPU count is not readable from ARM")));
        assert!(r.notes.iter().any(|n| n.contains("Deallocated GPU VMs")));
        let f = check_plan(&Plan::of_size(T4, 1), &t4_sizes(), &vms, &r);
        assert!(f.iter().any(|x| x.code == "GpuCountUnknown" && x.severity == Severity::Warning));
    }

    #[test]
    fn existing_allocated_vm_needs_no_new_gpu() {
        let vms = vec![vm("vm1", T4, "stopped")];
        let r = report(&facts(1, false), &t4_sizes(), &vms);
        let mut plan = Plan::of_size(T4, 1);
        plan.vms[0].name = "VM1".into();
        assert!(errors(&check_plan(&plan, &t4_sizes(), &vms, &r)).is_empty());
    }

    #[test]
    fn prefixes() {
        assert!(ip_in_prefix("10.57.50.7", "10.57.48.0/21"));
        assert!(!ip_in_prefix("10.57.56.1", "10.57.48.0/21"));
        assert!(!ip_in_prefix("x", "10.0.0.0/8"));
    }
}
