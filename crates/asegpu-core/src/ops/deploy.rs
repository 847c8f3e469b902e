//! Deploy a GPU VM, two ways: from a template and parameter file (like `New-AzResourceGroupDeployment
//! -TemplateFile -TemplateParameterFile [-Name]`), or directly from an image and a size. Both run the
//! preflight first (the template is evaluated locally) and refuse early unless forced, and both end by
//! reporting the VM's IP address.

use super::gpu::{self, Plan, PlannedVm, PreflightReport};
use super::vm::{self, VmView};
use crate::arm::resource_id::ResourceId;
use crate::arm::{versions, Session};
use crate::device;
use crate::error::{Error, Result, Status};
use crate::progress::{CancelToken, Progress};
use crate::template::{jsonc, limits};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

/// A template deployment (JSON form for the C ABI). Give the template as a file or inline, and the
/// parameters as a file, inline, or both (inline values override the file's).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateDeployment {
    pub resource_group_name: String,
    /// Deployment name (default: the template file's name, as Az does).
    pub name: Option<String>,
    pub template_file: Option<PathBuf>,
    pub template: Option<Value>,
    pub template_parameter_file: Option<PathBuf>,
    /// Parameter values by name (like `-TemplateParameterObject`), overriding the file's.
    #[serde(default)]
    pub parameters: Map<String, Value>,
    /// Deploy even if the preflight says it will fail.
    #[serde(default)]
    pub force: bool,
}

/// What a deployment did (the fields `New-AzResourceGroupDeployment` prints, plus the VMs' addresses).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentResult {
    pub deployment_name: String,
    pub resource_group_name: String,
    pub provisioning_state: String,
    pub timestamp: Option<String>,
    pub mode: String,
    pub outputs: Value,
    pub vms: Vec<VmView>,
    pub preflight: PreflightReport,
}

fn read_json(path: &std::path::Path, what: &str) -> Result<Value> {
    let len = std::fs::metadata(path).map_err(|e| Error::io(&format!("read the {what}"), path, e))?.len();
    if len > limits::MAX_TEMPLATE_BYTES as u64 {
        return Err(Error::invalid(format!(
            "{}: the {what} is {len} bytes long; ARM accepts at most {} (InvalidTemplate)",
            path.display(),
            limits::mb(limits::MAX_TEMPLATE_BYTES)
        ))
        .with_arm_code("InvalidTemplate"));
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(&format!("read the {what}"), path, e))?;
    jsonc::parse_template_text(&text).map_err(|e| {
        if e.over_limit {
            // Well-formed as far as it was read, but deeper or bigger than a template may be.
            Error::invalid(format!("{}: {}", path.display(), e.to_template_error())).with_arm_code("InvalidTemplate")
        } else {
            Error::new(Status::InvalidJson, format!("{}: {}", path.display(), e.to_template_error()))
        }
    })
}

/// The template and the inner parameters object (`{"name": {"value": ...}}`).
pub fn load(req: &TemplateDeployment) -> Result<(Value, Map<String, Value>)> {
    let template = match (&req.template, &req.template_file) {
        (Some(t), _) => t.clone(),
        (None, Some(f)) => read_json(f, "template")?,
        (None, None) => return Err(Error::invalid("give template or templateFile")),
    };
    let mut params = Map::new();
    if let Some(f) = &req.template_parameter_file {
        let doc = read_json(f, "parameter file")?;
        let inner = if doc.get("$schema").is_some() || doc.get("contentVersion").is_some() {
            doc.get("parameters").cloned().unwrap_or(json!({}))
        } else {
            doc
        };
        match inner {
            Value::Object(m) => params = m,
            _ => return Err(Error::invalid(format!("{}: 'parameters' must be an object", f.display()))),
        }
    }
    for (k, v) in &req.parameters {
        let key = params.keys().find(|p| p.eq_ignore_ascii_case(k)).cloned().unwrap_or_else(|| k.clone());
        params.insert(key, json!({ "value": v }));
    }
    Ok((template, params))
}

/// A deployment's path (Microsoft.Resources spells `resourcegroups`), with `operations` after it when asked.
fn deployment_path(session: &Session, rg: &str, name: &str, operations: bool) -> String {
    let path = session
        .subscription_path()
        .types(&["resourcegroups", rg])
        .provider("Microsoft.Resources")
        .types(&["deployments", name]);
    if operations { path.push("operations") } else { path }.api(versions::RESOURCES)
}

fn refuse(report: &PreflightReport) -> Error {
    let errors: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity == gpu::Severity::Error)
        .map(|f| format!("{} {}", f.message, f.fix.as_deref().map(|x| format!("Fix: {x}")).unwrap_or_default()))
        .collect();
    Error::new(
        Status::PreflightFailed,
        format!("the deployment would fail, so nothing was sent (use force to deploy anyway): {}", errors.join(" | ")),
    )
    .with_details(serde_json::to_value(report).unwrap_or_default())
}

/// Deploy a template to a resource group (Incremental mode) after the preflight.
pub async fn deploy_template(
    session: &Session,
    req: &TemplateDeployment,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<DeploymentResult> {
    let (template, params) = load(req)?;
    let name = req
        .name
        .clone()
        .or_else(|| req.template_file.as_ref().and_then(|f| f.file_stem()).map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "asegpu-deployment".into());
    progress.emit("deployTemplate", "running", "preflight: evaluating the template and checking GPUs");
    let plan = Plan::from_template(
        session.subscription_id(),
        &req.resource_group_name,
        &template,
        Some(&Value::Object(params.clone())),
    )?;
    let report = gpu::preflight(session, &plan, cancel).await?;
    if !report.ok && !req.force {
        return Err(refuse(&report));
    }
    let body = json!({ "properties": { "mode": "Incremental", "template": template, "parameters": params } });
    let path = deployment_path(session, &req.resource_group_name, &name, false);
    let outcome = session.call_lro("deployTemplate", Method::PUT, &path, Some(&body), progress, cancel).await;
    if let Err(e) = outcome {
        return Err(with_failed_operations(session, &req.resource_group_name, &name, e, cancel).await);
    }
    let d: Value = session.get_json(&path, cancel).await?;
    let mut vms = Vec::new();
    for p in &plan.vms {
        let rg = p.resource_group.as_deref().unwrap_or(&req.resource_group_name);
        vms.push(vm::get(session, rg, &p.name, cancel).await?);
    }
    Ok(DeploymentResult {
        deployment_name: name,
        resource_group_name: req.resource_group_name.clone(),
        provisioning_state: d
            .pointer("/properties/provisioningState")
            .and_then(Value::as_str)
            .unwrap_or("Succeeded")
            .into(),
        timestamp: d.pointer("/properties/timestamp").and_then(Value::as_str).map(str::to_string),
        mode: d.pointer("/properties/mode").and_then(Value::as_str).unwrap_or("Incremental").into(),
        outputs: d.pointer("/properties/outputs").cloned().unwrap_or(json!({})),
        vms,
        preflight: report,
    })
}

/// Add the failed deployment operations (which resource failed, and why) to a deployment error.
async fn with_failed_operations(session: &Session, rg: &str, name: &str, mut e: Error, cancel: &CancelToken) -> Error {
    let path = deployment_path(session, rg, name, true);
    if let Ok(ops) = session.list_all(&path, cancel).await {
        let failed: Vec<Value> = ops
            .into_iter()
            .filter(|o| o.pointer("/properties/provisioningState").and_then(Value::as_str) == Some("Failed"))
            .map(|o| {
                json!({
                    "resource": o.pointer("/properties/targetResource/resourceName"),
                    "resourceType": o.pointer("/properties/targetResource/resourceType"),
                    "error": o.pointer("/properties/statusMessage/error").or(o.pointer("/properties/statusMessage")),
                })
            })
            .collect();
        if !failed.is_empty() {
            let text: Vec<String> = failed
                .iter()
                .map(|f| {
                    format!(
                        "{}: {}",
                        f["resource"].as_str().unwrap_or("?"),
                        f.pointer("/error/message").and_then(Value::as_str).unwrap_or("failed")
                    )
                })
                .collect();
            e.message = format!("{} Failed resources: {}", e.message, text.join("; "));
            e.details = Some(json!({ "failedOperations": failed }));
        }
    }
    e
}

/// A GPU VM without a template (JSON form for the C ABI; the admin password is a separate argument).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DirectVm {
    pub resource_group_name: String,
    pub name: String,
    /// Image name (in the VM's resource group) or full image id.
    pub image: String,
    #[serde(default = "default_size")]
    pub vm_size: String,
    #[serde(default = "default_vnet")]
    pub vnet_name: String,
    #[serde(default = "default_vnet_rg")]
    pub vnet_resource_group: String,
    #[serde(default = "default_subnet")]
    pub subnet_name: String,
    /// A static address in the subnet; omit for DHCP.
    #[serde(default)]
    pub private_ip_address: Option<String>,
    #[serde(default)]
    pub nic_name: Option<String>,
    #[serde(default = "default_admin")]
    pub admin_username: String,
    #[serde(default)]
    pub force: bool,
}

fn default_size() -> String {
    "Standard_NC4as_T4_v3".into()
}
fn default_vnet() -> String {
    device::COMPUTE_VNET.into()
}
fn default_vnet_rg() -> String {
    device::COMPUTE_RESOURCE_GROUP.into()
}
fn default_subnet() -> String {
    device::COMPUTE_SUBNET.into()
}
fn default_admin() -> String {
    "Administrator".into()
}

/// Create the NIC and the VM, after the preflight, and return the VM with its IP address.
pub async fn create_vm(
    session: &Session,
    req: &DirectVm,
    admin_password: &str,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<VmView> {
    if admin_password.is_empty() {
        return Err(Error::invalid("the VM's admin password is empty"));
    }
    let ids = DirectVmIds::new(session.subscription_id(), req);
    progress.emit("createGpuVm", "running", "preflight: checking size, GPUs, image and network");
    let report = gpu::preflight(session, &ids.plan(req), cancel).await?;
    if !report.ok && !req.force {
        return Err(refuse(&report));
    }
    let nic_id = put_direct_nic(session, req, &ids, progress, cancel).await?;
    let body = json!({
        "location": device::LOCATION,
        "properties": {
            "hardwareProfile": { "vmSize": req.vm_size },
            "osProfile": { "computerName": req.name, "adminUsername": req.admin_username, "adminPassword": admin_password },
            "storageProfile": { "imageReference": { "id": ids.image } },
            "networkProfile": { "networkInterfaces": [ { "id": nic_id } ] },
        }
    });
    progress.emit(
        "createGpuVm",
        "running",
        format!("creating VM '{}' ({}); the device takes 15-20 minutes", req.name, req.vm_size),
    );
    session
        .put_vm(&req.resource_group_name, &req.name, &body, progress, cancel)
        .await
        .map_err(|e| e.context(format!("creating VM '{}'", req.name)))?;
    vm::get(session, &req.resource_group_name, &req.name, cancel).await
}

/// The ids a VM without a template refers to: its image, its subnet and the NIC made for it.
struct DirectVmIds {
    image: String,
    subnet: String,
    nic_name: String,
    nic: String,
}

impl DirectVmIds {
    fn new(sub: &str, req: &DirectVm) -> DirectVmIds {
        let rg = &req.resource_group_name;
        let image = if req.image.starts_with("/subscriptions/") {
            req.image.clone()
        } else {
            ResourceId::in_group(sub, rg, "Microsoft.Compute", &["images", &req.image]).to_string()
        };
        let subnet = ResourceId::in_group(
            sub,
            &req.vnet_resource_group,
            "Microsoft.Network",
            &["virtualNetworks", &req.vnet_name, "subnets", &req.subnet_name],
        )
        .to_string();
        let nic_name = req.nic_name.clone().unwrap_or_else(|| format!("{}-nic", req.name));
        let nic = ResourceId::in_group(sub, rg, "Microsoft.Network", &["networkInterfaces", &nic_name]).to_string();
        DirectVmIds { image, subnet, nic_name, nic }
    }

    fn plan(&self, req: &DirectVm) -> Plan {
        let vm = PlannedVm {
            name: req.name.clone(),
            vm_size: req.vm_size.clone(),
            resource_group: Some(req.resource_group_name.clone()),
            image_id: Some(self.image.clone()),
        };
        let static_ips =
            req.private_ip_address.iter().map(|ip| (self.nic_name.clone(), self.subnet.clone(), ip.clone()));
        Plan { vms: vec![vm], static_ips: static_ips.collect() }
    }
}

/// Create the VM's NIC (a static address when asked, else DHCP) and return its id.
async fn put_direct_nic(
    session: &Session,
    req: &DirectVm,
    ids: &DirectVmIds,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<String> {
    let subnet = json!({ "id": ids.subnet });
    let ip_cfg = match &req.private_ip_address {
        Some(ip) => json!({ "privateIPAllocationMethod": "Static", "privateIPAddress": ip, "subnet": subnet }),
        None => json!({ "privateIPAllocationMethod": "Dynamic", "subnet": subnet }),
    };
    let nic = json!({ "location": device::LOCATION, "properties": { "ipConfigurations": [ { "name": "ipconfig1", "properties": ip_cfg } ] } });
    progress.emit("createGpuVm", "running", format!("creating network interface '{}'", ids.nic_name));
    let nic = session.put_nic(&req.resource_group_name, &ids.nic_name, &nic, progress, cancel).await?;
    Ok(nic.get("id").and_then(Value::as_str).map_or_else(|| ids.nic.clone(), str::to_string))
}

/// A preflight request: a template (file or inline) with parameters, or a size and count.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreflightRequest {
    #[serde(default)]
    pub resource_group_name: Option<String>,
    #[serde(default)]
    pub template_file: Option<std::path::PathBuf>,
    #[serde(default)]
    pub template: Option<serde_json::Value>,
    #[serde(default)]
    pub template_parameter_file: Option<std::path::PathBuf>,
    #[serde(default)]
    pub parameters: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub vm_size: Option<String>,
    #[serde(default)]
    pub count: Option<u32>,
}

/// The plan for `count` VMs of one size (1 when not given): at least 1 and at most
/// [`device::MAX_VMS_PER_DEVICE`], the most VMs a device can hold.
pub fn plan_of_size(size: &str, count: Option<u32>) -> Result<gpu::Plan> {
    let count = count.unwrap_or(1);
    if count == 0 || count > device::MAX_VMS_PER_DEVICE {
        return Err(Error::invalid(format!(
            "count {count} is out of range: give 1 to {max} VMs (an Azure Stack Edge device runs at most {max} VMs)",
            max = device::MAX_VMS_PER_DEVICE
        )));
    }
    Ok(gpu::Plan::of_size(size, count))
}

/// The plan a preflight request describes.
pub fn plan_for(session: &Session, req: PreflightRequest) -> Result<gpu::Plan> {
    if let Some(size) = req.vm_size {
        return plan_of_size(&size, req.count);
    }
    let rg = req.resource_group_name.ok_or_else(|| Error::invalid("resourceGroupName is required with a template"))?;
    let td = TemplateDeployment {
        resource_group_name: rg.clone(),
        template_file: req.template_file,
        template: req.template,
        template_parameter_file: req.template_parameter_file,
        parameters: req.parameters,
        ..Default::default()
    };
    let (template, params) = load(&td)?;
    gpu::Plan::from_template(session.subscription_id(), &rg, &template, Some(&serde_json::Value::Object(params)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preflight_count_is_range_checked() {
        for bad in [0, device::MAX_VMS_PER_DEVICE + 1, u32::MAX] {
            let e = plan_of_size("Standard_NC4as_T4_v3", Some(bad)).expect_err("refused");
            assert_eq!(e.status, Status::InvalidArgument);
            assert!(e.message.contains(&format!("count {bad} is out of range: give 1 to 24 VMs")), "{e}");
        }
        assert_eq!(plan_of_size("Standard_NC4as_T4_v3", None).unwrap().vms.len(), 1);
        assert_eq!(plan_of_size("Standard_NC4as_T4_v3", Some(24)).unwrap().vms.len(), 24);
    }

    #[test]
    fn template_files_over_a_limit_are_invalid_arguments() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("deep.json");
        std::fs::write(&deep, format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000))).unwrap();
        let e = read_json(&deep, "template").unwrap_err();
        assert_eq!((e.status, e.arm_code.as_deref()), (Status::InvalidArgument, Some("InvalidTemplate")), "{e}");
        assert!(e.message.contains("MaxDepth of 64"), "{e}");
        let big = dir.path().join("big.json");
        std::fs::write(&big, vec![b' '; limits::MAX_TEMPLATE_BYTES + 1]).unwrap();
        let e = read_json(&big, "template").unwrap_err();
        assert_eq!(e.status, Status::InvalidArgument, "{e}");
        assert!(e.message.contains("4 MB"), "{e}");
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{").unwrap();
        assert_eq!(read_json(&bad, "template").unwrap_err().status, Status::InvalidJson);
    }
}
