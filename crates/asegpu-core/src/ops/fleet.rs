//! Many devices at once: GPU availability across a fleet, and a rollout (deploy the same GPU VM template,
//! then install the GPU extension) with a concurrency limit, summarised as one row per device. A device
//! that fails does not stop the others.
//!
//! Work runs as concurrent futures on the caller's task (no spawned threads), so progress arrives on the
//! caller's thread.

use super::{deploy, extension, gpu};
use crate::arm::{ConnectOptions, Session};
use crate::error::{Error, Result};
use crate::progress::{CancelToken, Progress};
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use zeroize::Zeroizing;

/// One device of the fleet file. The password comes from `passwordFile`, `passwordEnv`, or the fleet's
/// default; never from the file itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FleetDevice {
    pub name: String,
    pub connect: ConnectOptions,
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    #[serde(default)]
    pub password_env: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fleet {
    pub devices: Vec<FleetDevice>,
}

impl Fleet {
    pub fn load(path: &std::path::Path) -> Result<Fleet> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read the fleet file", path, e))?;
        let fleet: Fleet =
            serde_json::from_str(&text).map_err(|e| Error::invalid(format!("{}: {e}", path.display())))?;
        if fleet.devices.is_empty() {
            return Err(Error::invalid(format!("{}: no devices", path.display())));
        }
        Ok(fleet)
    }
}

fn password(d: &FleetDevice, default: Option<&Zeroizing<String>>) -> Result<Zeroizing<String>> {
    if let Some(f) = &d.password_file {
        let text = Zeroizing::new(std::fs::read_to_string(f).map_err(|e| Error::io("read the password file", f, e))?);
        return Ok(Zeroizing::new(text.lines().next().unwrap_or_default().to_string()));
    }
    if let Some(var) = &d.password_env {
        return std::env::var(var)
            .map(Zeroizing::new)
            .map_err(|_| Error::invalid(format!("device '{}': environment variable {var} is not set", d.name)));
    }
    default.cloned().ok_or_else(|| {
        Error::invalid(format!("device '{}': no password (passwordFile, passwordEnv, or ASEGPU_PASSWORD)", d.name))
    })
}

async fn connect(d: &FleetDevice, default_pw: Option<&Zeroizing<String>>, cancel: &CancelToken) -> Result<Session> {
    let pw = password(d, default_pw)?;
    Session::connect(d.connect.clone(), pw, &Progress::none(), cancel).await
}

/// One device's GPU availability (or why it could not be read).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FleetGpuRow {
    pub device: String,
    pub ok: bool,
    pub report: Option<gpu::GpuReport>,
    pub error: Option<serde_json::Value>,
}

/// GPU availability of every device, `concurrency` devices at a time, in the fleet file's order.
pub async fn gpu_report(
    fleet: &Fleet,
    default_pw: Option<&Zeroizing<String>>,
    concurrency: usize,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Vec<FleetGpuRow> {
    let mut rows: Vec<(usize, FleetGpuRow)> = stream::iter(fleet.devices.iter().enumerate())
        .map(|(i, d)| async move {
            let r = async { gpu::availability(&connect(d, default_pw, cancel).await?, cancel).await }.await;
            progress.emit("fleetGpu", "running", format!("{}: {}", d.name, if r.is_ok() { "done" } else { "failed" }));
            let row = match r {
                Ok(rep) => FleetGpuRow { device: d.name.clone(), ok: true, report: Some(rep), error: None },
                Err(e) => FleetGpuRow { device: d.name.clone(), ok: false, report: None, error: Some(e.to_json()) },
            };
            (i, row)
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    rows.sort_by_key(|(i, _)| *i);
    rows.into_iter().map(|(_, r)| r).collect()
}

/// What to roll out to every device.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rollout {
    pub deployment: deploy::TemplateDeployment,
    /// Install the GPU extension on every VM the deployment created.
    #[serde(default)]
    pub install_gpu_extension: bool,
}

/// One device's rollout outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FleetRolloutRow {
    pub device: String,
    pub ok: bool,
    /// `deployed`, `extension installed`, or the step that failed.
    pub stage: String,
    pub vms: Vec<String>,
    pub ip_addresses: Vec<String>,
    pub extension: Option<String>,
    pub error: Option<serde_json::Value>,
}

async fn rollout_one(
    d: &FleetDevice,
    r: &Rollout,
    default_pw: Option<&Zeroizing<String>>,
    cancel: &CancelToken,
) -> FleetRolloutRow {
    let mut row = FleetRolloutRow {
        device: d.name.clone(),
        ok: false,
        stage: "connect".into(),
        vms: vec![],
        ip_addresses: vec![],
        extension: None,
        error: None,
    };
    let outcome: Result<()> = async {
        let s = connect(d, default_pw, cancel).await?;
        row.stage = "deploy".into();
        let dep = deploy::deploy_template(&s, &r.deployment, &Progress::none(), cancel).await?;
        row.vms = dep.vms.iter().map(|v| v.name.clone()).collect();
        row.ip_addresses = dep.vms.iter().flat_map(|v| v.private_ip_addresses.clone()).collect();
        row.stage = "deployed".into();
        if r.install_gpu_extension {
            for v in dep.vms.iter().filter(|v| v.gpus > 0) {
                row.stage = format!("extension on {}", v.name);
                let req = extension::InstallRequest {
                    resource_group_name: v.resource_group_name.clone(),
                    vm_name: v.name.clone(),
                    ..Default::default()
                };
                let x = extension::install(&s, &req, &Progress::none(), cancel).await?;
                row.extension = Some(format!(
                    "{} {} {}",
                    x.extension.extension_type, x.extension.type_handler_version, x.extension.provisioning_state
                ));
            }
            row.stage = "extension installed".into();
        }
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => row.ok = true,
        Err(e) => row.error = Some(e.to_json()),
    }
    row
}

/// Deploy (and optionally install the extension) on every device, `concurrency` at a time.
pub async fn rollout(
    fleet: &Fleet,
    r: &Rollout,
    default_pw: Option<&Zeroizing<String>>,
    concurrency: usize,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Vec<FleetRolloutRow> {
    let mut rows: Vec<(usize, FleetRolloutRow)> = stream::iter(fleet.devices.iter().enumerate())
        .map(|(i, d)| async move {
            let row = rollout_one(d, r, default_pw, cancel).await;
            progress.emit(
                "fleetRollout",
                "running",
                format!("{}: {}", d.name, if row.ok { "done".to_string() } else { format!("failed at {}", row.stage) }),
            );
            (i, row)
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    rows.sort_by_key(|(i, _)| *i);
    rows.into_iter().map(|(_, r)| r).collect()
}
