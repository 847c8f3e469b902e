//! Everything the emulated device holds: its hardware and configuration, resource groups, resources,
//! running operations and sign-in grants. Persisted as JSON when a state file is configured.

use super::SimConfig;
use asegpu_core::arm::resource_id::ResourceId;
use asegpu_core::error::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The device's GPU model, which decides the GPU VM sizes it offers (defined with the size catalog).
pub use asegpu_core::device::GpuModel;

/// The emulated hardware and device-side configuration (set with options or the control API).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeviceState {
    pub gpu_count: u32,
    pub gpu_model: GpuModel,
    /// Device software release, e.g. `2309` (`2205` and later take GPU extension 1.5/1.8, older 1.3).
    pub release: String,
    /// Compute enabled on a port: `ASERG`/`ASEVNET`/`ASEVNETsubNet` exist.
    pub compute_enabled: bool,
    /// Kubernetes configured: it claimed every GPU free at that moment.
    pub kubernetes_configured: bool,
    pub kubernetes_gpus: u32,
    /// Memory for VMs and Kubernetes, in GiB (the Pro GPU's usable 96 GiB, see [`asegpu_core::device::limits`]).
    pub memory_gib: u32,
    /// Compute network (the subnet of ASEVNET).
    pub compute_subnet: String,
    /// Custom VM sizes set on the device (`Set-HcsVMCustomSizes`): ARM lists them among the vmSizes.
    pub custom_sizes: Vec<asegpu_core::device::custom_sizes::CustomSize>,
    /// The GPU Multi-Process Service is on (`Start-HcsGpuMPS`); a device update turns it off.
    pub mps_enabled: bool,
    /// Opt-in behaviour the release notes warn of: while Kubernetes is configured, it takes over the GPUs of
    /// GPU VMs that are stopped or deallocated, so they cannot start again until a GPU is freed.
    pub stopped_vm_takeover: bool,
    /// The compute network reaches the internet (the GPU extension downloads its driver from it).
    pub compute_internet: bool,
}

impl Default for DeviceState {
    fn default() -> Self {
        DeviceState {
            gpu_count: 2,
            gpu_model: GpuModel::T4,
            release: "2309".into(),
            compute_enabled: true,
            kubernetes_configured: false,
            kubernetes_gpus: 0,
            memory_gib: asegpu_core::device::limits::USABLE_MEMORY_GIB,
            compute_subnet: "10.57.48.0/21".into(),
            custom_sizes: Vec::new(),
            mps_enabled: false,
            stopped_vm_takeover: false,
            compute_internet: true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroup {
    pub name: String,
    pub location: String,
    #[serde(default)]
    pub tags: serde_json::Map<String, Value>,
    pub provisioning_state: String,
}

/// A long-running operation the device is working on. Its effect is applied when it completes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    pub id: String,
    pub name: String,
    pub status: String,
    pub started_ms: i64,
    pub done_ms: i64,
    #[serde(default)]
    pub error: Option<Value>,
    pub effect: Effect,
}

/// What happens when an operation completes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Effect {
    DeleteResourceGroup {
        name: String,
    },
    /// Set a provider resource's `provisioningState` (and, for VMs, the power state kept in its internal
    /// `_sim.powerState`). With `error`, the resource ends `Failed` and the operation fails with that error.
    Provision {
        id: String,
        state: String,
        #[serde(default)]
        power: Option<String>,
        #[serde(default)]
        error: Option<Value>,
    },
    /// Remove a provider resource and its children, clearing references to it (NIC `virtualMachine`,
    /// disk `managedBy`).
    DeleteResource {
        id: String,
    },
    Nothing,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshGrant {
    pub user: String,
    pub resource: String,
    pub expires_at: i64,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    pub subscription_id: String,
    /// Base64 PKCS#8 of the token-signing key.
    pub signing_key: String,
    /// Root CA certificate and key (PEM), so clients keep trusting the emulator after a restart.
    pub ca: Option<(String, String)>,
    pub device: DeviceState,
    pub resource_groups: BTreeMap<String, ResourceGroup>,
    /// Provider resources by lower-case id (filled by the compute/network/storage providers).
    #[serde(default)]
    pub resources: BTreeMap<String, Value>,
    pub operations: BTreeMap<String, Operation>,
    /// Template deployments by lower-case id (see [`super::deployments`]).
    #[serde(default)]
    pub deployments: BTreeMap<String, super::deployments::Record>,
    pub refresh_tokens: BTreeMap<String, RefreshGrant>,
    /// Access tokens issued before this unix time are refused (the control API's "expire tokens").
    pub tokens_not_before: i64,
    /// Blob data: in memory, and in the sidecar directory of the state file when there is one
    /// ([`super::blob_persist`]).
    #[serde(skip)]
    pub blobs: super::blob::BlobStore,
}

impl State {
    pub fn load_or_new(cfg: &SimConfig) -> Result<State> {
        if let Some(path) = &cfg.state_file {
            if path.exists() {
                let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
                let mut st: State = serde_json::from_str(&text)
                    .map_err(|e| Error::invalid(format!("state file {} is not valid: {e}", path.display())))?;
                st.blobs = super::blob_persist::load(&super::blob_persist::sidecar(path))?;
                return Ok(st);
            }
        }
        let mut st = State {
            subscription_id: uuid::Uuid::new_v4().to_string().to_uppercase(),
            signing_key: String::new(),
            ca: None,
            device: cfg.device.clone(),
            resource_groups: BTreeMap::new(),
            resources: BTreeMap::new(),
            operations: BTreeMap::new(),
            deployments: BTreeMap::new(),
            refresh_tokens: BTreeMap::new(),
            tokens_not_before: 0,
            blobs: Default::default(),
        };
        if st.device.compute_enabled {
            st.resource_groups.insert(
                asegpu_core::device::COMPUTE_RESOURCE_GROUP.to_ascii_lowercase(),
                ResourceGroup {
                    name: asegpu_core::device::COMPUTE_RESOURCE_GROUP.into(),
                    location: asegpu_core::device::LOCATION.into(),
                    tags: Default::default(),
                    provisioning_state: "Succeeded".into(),
                },
            );
            super::network::seed(&mut st);
        }
        Ok(st)
    }

    /// Write the state file (it holds the signing and CA keys: 0600, replaced atomically, see
    /// [`super::files`]) and the blobs' sidecar directory.
    pub fn save(&mut self, path: &std::path::Path) -> Result<()> {
        let text = serde_json::to_vec_pretty(self)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            super::files::create_private_dir(dir)?;
        }
        super::files::write_private_atomic(path, &text)?;
        super::blob_persist::save(&mut self.blobs, &super::blob_persist::sidecar(path))
    }

    /// Complete every operation whose time has come, applying its effect.
    pub fn advance(&mut self, now_ms: i64) {
        let due: Vec<String> = self
            .operations
            .values()
            .filter(|o| o.status == "InProgress" && o.done_ms <= now_ms)
            .map(|o| o.id.clone())
            .collect();
        for id in due {
            let effect = self.operations.get(&id).map(|o| o.effect.clone()).unwrap_or(Effect::Nothing);
            let outcome = self.apply(&effect);
            if let Some(op) = self.operations.get_mut(&id) {
                match outcome {
                    Ok(()) => op.status = "Succeeded".into(),
                    Err(e) => {
                        op.status = "Failed".into();
                        op.error = Some(e);
                    }
                }
            }
        }
        // Forget operations finished more than an hour ago.
        self.operations.retain(|_, o| o.status == "InProgress" || now_ms - o.done_ms < 3_600_000);
    }

    fn apply(&mut self, effect: &Effect) -> std::result::Result<(), Value> {
        match effect {
            Effect::DeleteResourceGroup { name } => {
                let key = name.to_ascii_lowercase();
                self.resource_groups.remove(&key);
                let prefix = crate::resources::key(&ResourceId::group(&self.subscription_id, &key).to_string()) + "/";
                self.resources.retain(|id, _| !id.starts_with(&prefix));
                // What a deployment stored (its template, parameters and their outputs, up to the 4 MB a
                // request may carry) goes with its group, and the memory back to the system.
                self.deployments.retain(|id, _| !id.starts_with(&prefix));
                release_freed_memory();
                Ok(())
            }
            Effect::Provision { id, state, power, error } => {
                let takeover = self.device.stopped_vm_takeover && self.device.kubernetes_configured;
                let Some(r) = self.resources.get_mut(&id.to_ascii_lowercase()) else {
                    return Err(
                        serde_json::json!({ "code": "ResourceNotFound", "message": format!("The resource '{id}' no longer exists.") }),
                    );
                };
                if !r["properties"].is_object() {
                    r["properties"] = serde_json::json!({});
                }
                let internal = super::resources::internal(r);
                if let Some(p) = power {
                    internal.insert("powerState".into(), Value::String(p.clone()));
                }
                let taken = match power.as_deref() {
                    Some("stopped" | "deallocated") if takeover => take_gpus(internal),
                    Some("running") => {
                        internal.remove("gpusTakenByKubernetes");
                        0
                    }
                    _ => 0,
                };
                self.device.kubernetes_gpus = (self.device.kubernetes_gpus + taken).min(self.device.gpu_count);
                match error {
                    Some(e) => {
                        internal.insert("error".into(), e.clone());
                        r["properties"]["provisioningState"] = Value::String("Failed".into());
                        Err(e.clone())
                    }
                    None => {
                        internal.remove("error");
                        r["properties"]["provisioningState"] = Value::String(state.clone());
                        Ok(())
                    }
                }
            }
            Effect::DeleteResource { id } => {
                let key = id.to_ascii_lowercase();
                let child = format!("{key}/");
                self.resources.retain(|k, _| *k != key && !k.starts_with(&child));
                for r in self.resources.values_mut() {
                    let refers = |v: &Value| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(id));
                    if refers(&r["properties"]["virtualMachine"]["id"]) {
                        if let Some(p) = r["properties"].as_object_mut() {
                            p.remove("virtualMachine");
                            p.remove("primary");
                        }
                    }
                    if refers(&r["managedBy"]) {
                        if let Some(o) = r.as_object_mut() {
                            o.remove("managedBy");
                        }
                    }
                }
                Ok(())
            }
            Effect::Nothing => Ok(()),
        }
    }

    /// Start an operation that completes after `emulated_secs` (scaled by the time scale).
    pub fn start_operation(&mut self, name: &str, effect: Effect, now_ms: i64, duration_ms: i64) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        self.operations.insert(
            id.clone(),
            Operation {
                id: id.clone(),
                name: name.into(),
                status: "InProgress".into(),
                started_ms: now_ms,
                done_ms: now_ms + duration_ms,
                error: None,
                effect,
            },
        );
        id
    }
}

/// The stopped-VM takeover (an opt-in behaviour, see `DeviceState::stopped_vm_takeover`): Kubernetes takes the
/// GPUs of a VM that stops. Marks the VM and returns how many GPUs Kubernetes took.
fn take_gpus(internal: &mut serde_json::Map<String, Value>) -> u32 {
    let gpus = internal.get("gpus").and_then(Value::as_u64).unwrap_or(0) as u32;
    if gpus == 0 || internal.contains_key("gpusTakenByKubernetes") {
        return 0;
    }
    internal.insert("gpusTakenByKubernetes".into(), Value::Bool(true));
    gpus
}

/// Give memory freed by a large deletion back to the system. glibc keeps freed memory in its per-thread
/// arenas (the emulator's worker threads each have one), so without this a deleted 4 MB deployment would
/// still count as resident until the same thread happened to reuse it.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of the allocator's arenas to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}
