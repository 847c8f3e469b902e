//! The preflight of a planned deployment: will its VMs fit the device (sizes, custom sizes, GPU model,
//! free GPUs, Kubernetes, the VM limit, images and their generation, static IPs), and if not, why and what
//! to do, in the docs' terms. The availability it starts from is [`super::gpu::report`].

use super::gpu::{report, size_names, GpuReport};
use super::vm::{self, VmView};
use crate::arm::Session;
use crate::device::custom_sizes;
use crate::device::gpu::{explain_no_gpu_for, GpuUsage};
use crate::device::sizes::{self, GpuModel};
use crate::error::{Error, Result};
use crate::progress::CancelToken;
use crate::template::{Deployment, DeploymentContext, NoResolver, RenderMode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

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

/// Warnings that say the deployment may fail, for reasons the client cannot see (the verdict says "may fail").
pub const RISK_CODES: &[&str] = &["GpusMayBeClaimedByKubernetes"];

/// Check a plan against the device: sizes, GPU model, free GPUs, Kubernetes, the VM limit, images and their
/// generation, static IPs.
pub async fn preflight(session: &Session, plan: &Plan, cancel: &CancelToken) -> Result<PreflightReport> {
    let size_names = size_names(session, cancel).await?;
    let vms = vm::list(session, None, false, cancel).await?;
    let availability = report(&session.options().device, &size_names, &vms);
    let mut findings = check_plan(plan, &size_names, &vms, &availability);
    for p in &plan.vms {
        if let Some(image) = p.image_id.as_deref().filter(|i| i.starts_with("/subscriptions/")) {
            findings.extend(check_image(session, p, image, &availability, cancel).await?);
        }
    }
    for (nic, subnet, ip) in &plan.static_ips {
        findings.extend(check_static_ip(session, nic, subnet, ip, cancel).await?);
    }
    let gpus_needed = needed_gpus(plan, &vms, &availability);
    Ok(PreflightReport {
        ok: !findings.iter().any(|f| f.severity == Severity::Error),
        verdict: verdict(&findings).into(),
        gpus_needed,
        findings,
        planned: plan.vms.clone(),
        availability,
    })
}

fn verdict(findings: &[Finding]) -> &'static str {
    if findings.iter().any(|f| f.severity == Severity::Error) {
        "will fail"
    } else if findings.iter().any(|f| RISK_CODES.contains(&f.code.as_str())) {
        "may fail (see warnings)"
    } else if findings.iter().any(|f| f.severity == Severity::Warning) {
        "should succeed (see warnings)"
    } else {
        "will succeed"
    }
}

/// The image must exist, and a GPU VM's image must be Generation 1 ("Gen2 VMs are not supported for GPU",
/// "Deploy GPU VMs", 06/24/2022).
async fn check_image(
    session: &Session,
    p: &PlannedVm,
    image: &str,
    avail: &GpuReport,
    cancel: &CancelToken,
) -> Result<Vec<Finding>> {
    let img = match session.get_by_id(image, crate::arm::versions::COMPUTE_IMAGES_DISKS, cancel).await {
        Ok(v) => v,
        Err(e) if e.status == crate::Status::NotFound => {
            return Ok(vec![finding(Severity::Error, "ImageNotFound", format!("VM '{}' uses image '{image}', which does not exist.", p.name), Some("Create the image first (asegpu image create, or CreateImage.json) in the deployment's resource group."))]);
        }
        Err(e) => return Err(e),
    };
    let gen2 = img
        .pointer("/properties/hyperVGeneration")
        .and_then(Value::as_str)
        .is_some_and(|g| g.eq_ignore_ascii_case("V2"));
    if gen2 && avail.gpus_of(&p.vm_size) > 0 {
        return Ok(vec![finding(
            Severity::Error,
            "Gen2ImageForGpuVm",
            format!("VM '{}' has the GPU size '{}' and image '{image}' is Generation 2 (hyperVGeneration V2): Gen2 VMs are not supported for GPU.", p.name, p.vm_size),
            Some("Create the image from a Generation 1 fixed VHD (asegpu image create without --generation V2), or use a CPU size for a Gen2 VM."),
        )]);
    }
    Ok(vec![])
}

/// GPUs the plan needs beyond what its VMs already hold (an existing allocated VM keeps its GPU).
fn needed_gpus(plan: &Plan, existing: &[VmView], avail: &GpuReport) -> u32 {
    new_gpu_vms(plan, existing, avail).iter().map(|p| avail.gpus_of(&p.vm_size)).sum()
}

/// The planned GPU VMs that need GPUs: those that do not exist yet holding theirs.
fn new_gpu_vms<'a>(plan: &'a Plan, existing: &[VmView], avail: &GpuReport) -> Vec<&'a PlannedVm> {
    plan.vms
        .iter()
        .filter(|p| avail.gpus_of(&p.vm_size) > 0)
        .filter(|p| !existing.iter().any(|v| v.name.eq_ignore_ascii_case(&p.name) && v.holds_gpus()))
        .collect()
}

/// The checks that need no further ARM calls (pure, for testing).
pub fn check_plan(plan: &Plan, size_names: &[String], existing: &[VmView], avail: &GpuReport) -> Vec<Finding> {
    let mut f = Vec::new();
    for p in &plan.vms {
        f.extend(check_size(p, size_names, avail));
        if existing.iter().any(|v| v.name.eq_ignore_ascii_case(&p.name)) {
            f.push(finding(
                Severity::Info,
                "VmExists",
                format!("VM '{}' already exists: the deployment updates it.", p.name),
                None,
            ));
        }
    }
    f.extend(check_vm_limit(plan, existing));
    f.extend(check_memory(plan, existing, avail));
    f.extend(check_gpus(plan, existing, avail));
    f.extend(check_stopped_gpu_vms(existing, avail));
    f
}

/// Stopped GPU VMs count as holding their GPUs, with the release notes' caveat when Kubernetes is (or may
/// be) configured ([`crate::device::gpu::STOPPED_VM_CAVEAT`]).
fn check_stopped_gpu_vms(existing: &[VmView], avail: &GpuReport) -> Vec<Finding> {
    let stopped: Vec<&str> = existing
        .iter()
        .filter(|v| v.gpus > 0 && v.power_state.as_deref() == Some("stopped"))
        .map(|v| v.name.as_str())
        .collect();
    if stopped.is_empty() || avail.kubernetes_configured == Some(false) {
        return vec![];
    }
    vec![finding(
        Severity::Info,
        "StoppedGpuVmsMayLoseGpu",
        format!(
            "Counted as holding their GPUs: the stopped GPU VMs {}. {}",
            stopped.join(", "),
            crate::device::gpu::STOPPED_VM_CAVEAT
        ),
        None,
    )]
}

/// Memory of a size on a device of this model, in GiB (custom sizes as the profile gives them; 0 when
/// unknown).
fn memory_of(model: GpuModel, size: &str, avail: &GpuReport) -> f64 {
    sizes::find_offered(model, &avail.custom_sizes, size).map(|s| s.memory_gib).unwrap_or(0.0)
}

/// A Pro GPU (T4) device has 96 GiB for VMs, Kubernetes' VMs take 36 of it when it is configured, and each
/// VM has a Hyper-V overhead the docs do not quantify ([`crate::device::limits`]): a warning, since ARM shows
/// neither the device's memory nor what Kubernetes' apps use.
fn check_memory(plan: &Plan, existing: &[VmView], avail: &GpuReport) -> Vec<Finding> {
    use crate::device::{gpu::PowerState, limits};
    let Some(model @ GpuModel::T4) = avail.gpu_model else {
        return vec![];
    };
    let holds = |v: &VmView| v.power_state.as_deref().and_then(PowerState::parse).is_none_or(|p| p.holds_resources());
    let used: f64 = existing.iter().filter(|v| holds(v)).map(|v| memory_of(model, &v.vm_size, avail)).sum();
    let new: f64 = plan
        .vms
        .iter()
        .filter(|p| !existing.iter().any(|v| v.name.eq_ignore_ascii_case(&p.name)))
        .map(|p| memory_of(model, &p.vm_size, avail))
        .sum();
    let k8s = limits::kubernetes_memory_gib(avail.kubernetes_configured == Some(true)) as f64;
    let total = limits::USABLE_MEMORY_GIB as f64;
    if new == 0.0 || used + new + k8s <= total {
        return vec![];
    }
    let k = if k8s > 0.0 { format!(", Kubernetes' master and worker VMs {k8s} GiB") } else { String::new() };
    vec![finding(
        Severity::Warning,
        "MemoryMayNotFit",
        format!("The plan's VMs need {new} GiB: a Pro GPU device has {total} GiB for VMs, of which allocated VMs use {used} GiB{k}. The device may refuse with InsufficientMemoryResources."),
        Some("Deallocate or delete VMs you do not need, or choose smaller sizes."),
    )]
}

fn check_size(p: &PlannedVm, size_names: &[String], avail: &GpuReport) -> Vec<Finding> {
    if p.vm_size.is_empty() || p.vm_size.starts_with('[') {
        return vec![finding(
            Severity::Warning,
            "SizeUnknown",
            format!("The size of VM '{}' could not be evaluated before deployment.", p.name),
            None,
        )];
    }
    if let Some((name, model)) = custom_sizes::custom_name(&p.vm_size) {
        return check_custom_size(p, name, model, size_names, avail);
    }
    let Some(size) = sizes::find(&p.vm_size) else {
        return vec![finding(
            Severity::Error,
            "SizeNotAvailable",
            format!("VM size '{}' (VM '{}') is not a size Azure Stack Edge offers.", p.vm_size, p.name),
            Some("Use a size from `asegpu vm sizes`, e.g. Standard_NC4as_T4_v3 on a T4 device."),
        )];
    };
    if let Some(m) = check_model(p, size.name, size.gpu_model, avail) {
        return vec![m];
    }
    if !size_names.is_empty() && !size_names.iter().any(|n| n.eq_ignore_ascii_case(size.name)) {
        return vec![finding(
            Severity::Error,
            "SizeNotAvailable",
            format!("The device does not offer size '{}' (VM '{}').", size.name, p.name),
            Some("Use a size the device lists (asegpu vm sizes)."),
        )];
    }
    vec![]
}

/// A GPU size must match the device's GPU model.
fn check_model(p: &PlannedVm, size: &str, need: Option<GpuModel>, avail: &GpuReport) -> Option<Finding> {
    let (need, have) = (need?, avail.gpu_model?);
    if need == have {
        return None;
    }
    let alt = sizes::gpu_size_names(have).into_iter().take(3).collect::<Vec<_>>().join(", ");
    Some(finding(
        Severity::Error,
        "GpuModelMismatch",
        format!(
            "VM '{}' uses size '{size}' for NVIDIA {need:?} GPUs, but this device has NVIDIA {have:?} GPUs.",
            p.name
        ),
        Some(&format!("The GPU VM size must match the device's GPU model: use one of {alt}.")),
    ))
}

/// A custom size exists once the admin set it on the device (`Set-HcsVMCustomSizes`); ARM then lists it.
fn check_custom_size(
    p: &PlannedVm,
    name: &str,
    model: Option<GpuModel>,
    size_names: &[String],
    avail: &GpuReport,
) -> Vec<Finding> {
    if let Some(m) = check_model(p, name, model, avail) {
        return vec![m];
    }
    let listed = size_names.iter().any(|n| n.eq_ignore_ascii_case(name));
    if !size_names.is_empty() && !listed {
        return vec![finding(
            Severity::Error,
            "CustomSizeNotSet",
            format!("VM '{}' uses {name}, a custom size, and this device has not set it: it lists no {name} among its VM sizes.", p.name),
            Some(&format!("To use it, {}; then wait about five minutes and check that `asegpu vm sizes` (Get-AzVmSize -Location dbelocal) lists it. Or use a catalog size.", custom_sizes::HOW_TO_SET)),
        )];
    }
    match custom_sizes::gpus_of(name, &avail.custom_sizes) {
        Some((_, false)) => vec![finding(
            Severity::Warning,
            "CustomSizeGpusUnknown",
            format!("VM '{}' uses {name}, a custom GPU size whose GPU count ARM does not show: counted as 1 GPU.", p.name),
            Some(&format!("Run Get-HcsVMCustomSizes in the device's PowerShell interface and give the size to the profile (asegpu connect --custom-size {name}:CORES:MEMORY_GIB:GPUS).")),
        )],
        _ => vec![],
    }
}

/// "You can run a maximum of 24 VMs on your device."
fn check_vm_limit(plan: &Plan, existing: &[VmView]) -> Vec<Finding> {
    let new = plan.vms.iter().filter(|p| !existing.iter().any(|v| v.name.eq_ignore_ascii_case(&p.name))).count();
    let max = crate::device::limits::MAX_VMS_PER_DEVICE as usize;
    if new == 0 || existing.len() + new <= max {
        return vec![];
    }
    vec![finding(
        Severity::Error,
        "VmLimitReached",
        format!("The device runs at most {max} VMs: it has {} and the plan adds {new}.", existing.len()),
        Some("Delete VMs you no longer need, or deploy fewer."),
    )]
}

fn check_gpus(plan: &Plan, existing: &[VmView], avail: &GpuReport) -> Vec<Finding> {
    let needed = needed_gpus(plan, existing, avail);
    if needed == 0 {
        return vec![];
    }
    let mut f = Vec::new();
    match avail.usage() {
        Some(usage) if usage.free() < needed => f.push(no_gpu_finding(plan, existing, avail, needed, &usage)),
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
    f
}

/// Not enough free GPUs. When Kubernetes' share is only estimated and GPU VMs have released GPUs since (they
/// are deallocated), those GPUs may be free or Kubernetes': the deployment may fail, not will.
fn no_gpu_finding(plan: &Plan, existing: &[VmView], avail: &GpuReport, needed: u32, usage: &GpuUsage) -> Finding {
    let vms: Vec<(&str, &str)> =
        new_gpu_vms(plan, existing, avail).iter().map(|p| (p.name.as_str(), p.vm_size.as_str())).collect();
    let message = explain_no_gpu_for(&vms, needed, usage);
    let released: u32 = existing.iter().filter(|v| v.gpus > 0 && !v.holds_gpus()).map(|v| v.gpus).sum();
    let maybe_free = usage.free() + released.min(usage.kubernetes);
    if avail.kubernetes_share_estimated && usage.kubernetes > 0 && needed <= maybe_free {
        return finding(
            Severity::Warning,
            "GpusMayBeClaimedByKubernetes",
            format!("{message} Deallocated GPU VMs released {released} GPU(s) since Kubernetes was configured: Kubernetes may have taken them, or they may be free."),
            Some("Check with Get-HcsGpuNvidiaSmi in the device's PowerShell interface which GPUs Kubernetes uses, and set deviceFacts.kubernetesGpus (asegpu connect --kubernetes-gpus N) so the preflight can tell."),
        );
    }
    let (code, fix) = if usage.kubernetes > 0 {
        ("GpusClaimedByKubernetes", "Create GPU VMs before configuring Kubernetes: Kubernetes claims every GPU free when it is configured. Remove the Kubernetes configuration (or use a device without it) to free its GPUs, then deploy the VM, then configure Kubernetes again.")
    } else {
        ("InsufficientGpus", "Free a GPU: deallocate or delete a GPU VM you no longer need, or deploy a CPU size.")
    };
    finding(Severity::Error, code, message, Some(fix))
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
    let path = session
        .subscription_path()
        .provider("Microsoft.Network")
        .push("networkInterfaces")
        .api(crate::arm::versions::NETWORK);
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
    use crate::device::sizes::GpuModel;
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
    fn memory_may_not_fit_a_pro_gpu_device() {
        let warn = |f: &[Finding]| f.iter().any(|x| x.code == "MemoryMayNotFit" && x.severity == Severity::Warning);
        let vms = vec![vm("big", "Standard_NC8as_T4_v3", "running")];
        let plan = Plan::of_size(T4, 1);
        let without = report(&facts(2, false), &t4_sizes(), &vms);
        assert!(!warn(&check_plan(&plan, &t4_sizes(), &vms, &without)), "56 + 28 of 96 GiB fit");
        let with = report(&facts(2, true), &t4_sizes(), &vms);
        let f = check_plan(&plan, &t4_sizes(), &vms, &with);
        assert!(warn(&f), "56 + 28 + Kubernetes' 36 do not: {f:#?}");
        let stopped = vec![vm("big", "Standard_NC8as_T4_v3", "deallocated")];
        assert!(!warn(&check_plan(&plan, &t4_sizes(), &stopped, &with)), "a deallocated VM holds no memory");
    }

    #[test]
    fn stopped_gpu_vms_carry_the_caveat() {
        let vms = vec![vm("vm1", T4, "stopped")];
        let said = |k8s: bool| {
            let r = report(&facts(2, k8s), &t4_sizes(), &vms);
            check_plan(&Plan::of_size(T4, 1), &t4_sizes(), &vms, &r).iter().any(|f| f.code == "StoppedGpuVmsMayLoseGpu")
        };
        assert!(said(true));
        assert!(!said(false), "no Kubernetes, no caveat");
    }

    #[test]
    fn prefixes() {
        assert!(ip_in_prefix("10.57.50.7", "10.57.48.0/21"));
        assert!(!ip_in_prefix("10.57.56.1", "10.57.48.0/21"));
        assert!(!ip_in_prefix("x", "10.0.0.0/8"));
    }
}
