//! The NVIDIA GPU extension: choose publisher, type, version and settings from the VM's OS, distribution
//! and the device release (the docs' table; the sample parameter files are the ground truth), refuse before
//! sending when the VM is not a GPU size, warn when the OS is outside the supported table and say what the
//! install needs (internet, TLS 1.2 on Windows Server 2016, RHEL registration), install and wait with
//! progress, explain a failure with the troubleshooting doc's advice and the guest's log paths, show the
//! instance view, and remove it.

use crate::arm::Session;
use crate::device::extension::{self as ext, GpuExtension, OsType};
use crate::device::{extension_help, guest_os, sizes};
use crate::error::{Error, Result};
use crate::progress::{CancelToken, Progress};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// What to install; everything but the VM is optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstallRequest {
    pub resource_group_name: String,
    pub vm_name: String,
    /// Extension name (default `gpuLinux` / `windowsgpuext`, as in the sample parameter files).
    pub name: Option<String>,
    pub publisher: Option<String>,
    #[serde(rename = "type")]
    pub extension_type: Option<String>,
    pub type_handler_version: Option<String>,
    pub settings: Option<Value>,
    /// The device release, if not in the profile's device facts (e.g. `2309`).
    pub release: Option<String>,
    /// `Linux` or `Windows`, if the VM does not say.
    pub os_type: Option<String>,
    /// Use the troubleshooting doc's RHEL 7 custom install settings (a CUDA 11.4 driver below 510).
    #[serde(default)]
    pub rhel_custom_install: bool,
}

/// The extension chosen, the warnings, and the result.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallResult {
    pub name: String,
    pub chosen: Value,
    pub warnings: Vec<String>,
    pub extension: ExtensionView,
}

/// An extension as `Get-AzVMExtension` shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionView {
    pub resource_group_name: String,
    pub vm_name: String,
    pub name: String,
    pub publisher: String,
    pub extension_type: String,
    pub type_handler_version: String,
    pub provisioning_state: String,
    pub statuses: Value,
    pub sub_statuses: Value,
    pub public_settings: Value,
    pub id: String,
}

impl ExtensionView {
    pub fn from_arm(rg: &str, vm: &str, v: &Value) -> ExtensionView {
        let s = |p: &str| v.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
        ExtensionView {
            resource_group_name: rg.into(),
            vm_name: vm.into(),
            name: s("/name").rsplit('/').next().unwrap_or_default().to_string(),
            publisher: s("/properties/publisher"),
            extension_type: s("/properties/type"),
            type_handler_version: s("/properties/typeHandlerVersion"),
            provisioning_state: s("/properties/provisioningState"),
            statuses: v.pointer("/properties/instanceView/statuses").cloned().unwrap_or(json!([])),
            sub_statuses: v.pointer("/properties/instanceView/substatuses").cloned().unwrap_or(json!([])),
            public_settings: v.pointer("/properties/settings").cloned().unwrap_or(json!({})),
            id: s("/id"),
        }
    }
}

/// The release to use: request, then profile, else assume 2205 or later (with a warning). A release that is
/// not `YYMM` is refused ([`crate::device::validate_release`]).
fn release(session: &Session, req: &InstallRequest, warnings: &mut Vec<String>) -> Result<String> {
    if let Some(r) = req.release.as_deref().or(session.options().device.release.as_deref()) {
        return crate::device::validate_release(r);
    }
    warnings.push("The device software release is unknown (ARM does not expose it): assuming 2205 or later (extension 1.5 Windows / 1.8 Linux). Set deviceFacts.release in the profile, or pass the release.".into());
    Ok("2205".into())
}

/// Choose the extension for a VM (no ARM call beyond reading the VM and its image).
pub async fn choose(
    session: &Session,
    req: &InstallRequest,
    cancel: &CancelToken,
) -> Result<(String, GpuExtension, Value, Vec<String>)> {
    let mut warnings = Vec::new();
    let release = release(session, req, &mut warnings)?;
    let vm = session.get_vm(&req.resource_group_name, &req.vm_name, cancel).await?;
    let size = vm.pointer("/properties/hardwareProfile/vmSize").and_then(Value::as_str).unwrap_or_default().to_string();
    if session.options().device.gpus_of(&size) == 0 {
        let model = session.options().device.gpu_model.unwrap_or_default();
        return Err(Error::invalid(format!(
            "VM '{}' has size '{size}', which is not a GPU VM size: the GPU extension would fail to attach. \
             Redeploy the VM with a GPU size of this device ({}).",
            req.vm_name,
            sizes::gpu_size_names(model).join(", ")
        ))
        .with_arm_code("VmSizeIsNotGpuSize"));
    }
    let os = os_of(req, &vm)?;
    let guest = guest_os::guess_os(os, &[&image_name(&vm), &req.vm_name]);
    warnings.extend(guest_os::support_warning(guest));
    warnings.extend(extension_help::prerequisites(os, guest).into_iter().map(str::to_string));
    let mut chosen = ext::gpu_extension_for_guest(os, guest, &release);
    if req.rhel_custom_install {
        if !(os == OsType::Linux && ext::is_2205_or_later(&release)) {
            return Err(Error::invalid(
                "the RHEL 7 custom install is for Linux VMs on release 2205 or later (extension 1.8)",
            ));
        }
        chosen.settings = ext::rhel7_custom_install_settings();
    }
    let name =
        req.name
            .clone()
            .unwrap_or_else(|| if os == OsType::Windows { "windowsgpuext".into() } else { "gpuLinux".into() });
    let mut props = chosen.properties();
    if let Some(p) = &req.publisher {
        props["publisher"] = json!(p);
    }
    if let Some(t) = &req.extension_type {
        props["type"] = json!(t);
    }
    if let Some(v) = &req.type_handler_version {
        props["typeHandlerVersion"] = json!(v);
    }
    if let Some(s) = &req.settings {
        props["settings"] = s.clone();
    }
    if props != chosen.properties() {
        warnings
            .push("Explicit overrides replace the documented publisher/type/version/settings for this release.".into());
        chosen.settings = props["settings"].clone();
    }
    Ok((name, chosen, props, warnings))
}

fn os_of(req: &InstallRequest, vm: &Value) -> Result<OsType> {
    let os_text = req
        .os_type
        .clone()
        .or_else(|| vm.pointer("/properties/storageProfile/osDisk/osType").and_then(Value::as_str).map(str::to_string));
    os_text.as_deref().and_then(OsType::parse).ok_or_else(|| {
        Error::invalid(format!("the OS type of VM '{}' is unknown: pass osType (Linux or Windows)", req.vm_name))
    })
}

fn image_name(vm: &Value) -> String {
    vm.pointer("/properties/storageProfile/imageReference/id")
        .and_then(Value::as_str)
        .and_then(|i| i.rsplit('/').next())
        .unwrap_or_default()
        .to_string()
}

/// Install the GPU extension and wait until it succeeds or fails.
pub async fn install(
    session: &Session,
    req: &InstallRequest,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<InstallResult> {
    let (name, chosen, props, warnings) = choose(session, req, cancel).await?;
    for w in &warnings {
        progress.emit("installGpuExtension", "warning", w.clone());
    }
    let os = if chosen.extension_type == ext::TYPE_WINDOWS { OsType::Windows } else { OsType::Linux };
    progress.emit("installGpuExtension", "running", extension_help::INTERNET);
    let body = json!({ "location": crate::device::LOCATION, "properties": props });
    session.put_extension(&req.resource_group_name, &req.vm_name, &name, &body, progress, cancel).await.map_err(
        |e| {
            let advice = if e.status == crate::Status::Cancelled {
                String::new()
            } else {
                format!(" {}", extension_help::explain_failure(os, &e.message))
            };
            e.context(format!("installing the GPU extension '{name}' on VM '{}'", req.vm_name)).with_hint(advice)
        },
    )?;
    let v = session.get_extension(&req.resource_group_name, &req.vm_name, &name, cancel).await?;
    Ok(InstallResult {
        name,
        chosen: props,
        warnings,
        extension: ExtensionView::from_arm(&req.resource_group_name, &req.vm_name, &v),
    })
}

pub async fn get(session: &Session, rg: &str, vm: &str, name: &str, cancel: &CancelToken) -> Result<ExtensionView> {
    Ok(ExtensionView::from_arm(rg, vm, &session.get_extension(rg, vm, name, cancel).await?))
}

pub async fn list(session: &Session, rg: &str, vm: &str, cancel: &CancelToken) -> Result<Vec<ExtensionView>> {
    Ok(session.list_extensions(rg, vm, cancel).await?.iter().map(|v| ExtensionView::from_arm(rg, vm, v)).collect())
}

pub async fn remove(
    session: &Session,
    rg: &str,
    vm: &str,
    name: &str,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<()> {
    session
        .delete_extension(rg, vm, name, progress, cancel)
        .await
        .map_err(|e| e.context(format!("removing extension '{name}' from VM '{vm}'")))
}
