//! What we know about Azure Stack Edge Pro GPU devices: fixed identities, VM sizes, the GPU extension matrix
//! and the GPU allocation rules. Shared by the client (to check before acting) and the emulator (to behave
//! like the device).

pub mod extension;
pub mod gpu;
pub mod sizes;

pub use sizes::GpuModel;

/// The AD FS tenant every device uses ("hard coded", per the docs).
pub const TENANT_ID: &str = "c0257de7-538f-415c-993a-1b87a031879d";
/// The local ARM user.
pub const ARM_USER: &str = "EdgeArmUser";
/// The only location a device has (ARM echoes it in lower case).
pub const LOCATION: &str = "dbelocal";
/// The name of the device's single subscription.
pub const SUBSCRIPTION_NAME: &str = "Default Provider Subscription";
/// The public client id Azure PowerShell uses with AD FS (what the docs' .NET sample sends).
pub const POWERSHELL_CLIENT_ID: &str = "1950a258-227b-4e31-a9cf-717495945fc2";
/// The Azure CLI's public client id.
pub const AZURE_CLI_CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/// The client id the docs give for service-principal style login (`ARM_CLIENT_ID`).
pub const SERVICE_PRINCIPAL_CLIENT_ID: &str = "cbd868c5-7207-431f-8d16-1cb144b50971";
/// The most VMs one device runs (the device's VM limit; a GPU VM also needs one of its 1 or 2 GPUs). Counts
/// in requests (the preflight's `count`) are checked against it.
pub const MAX_VMS_PER_DEVICE: u32 = 24;
/// Resource group, virtual network and subnet the device creates when compute is enabled.
pub const COMPUTE_RESOURCE_GROUP: &str = "ASERG";
pub const COMPUTE_VNET: &str = "ASEVNET";
pub const COMPUTE_SUBNET: &str = "ASEVNETsubNet";

/// Host names a device exposes, built from its name and DNS domain.
pub fn management_host(device: &str, domain: &str) -> String {
    format!("management.{device}.{domain}").to_ascii_lowercase()
}
pub fn login_host(device: &str, domain: &str) -> String {
    format!("login.{device}.{domain}").to_ascii_lowercase()
}
pub fn blob_host(account: &str, device: &str, domain: &str) -> String {
    format!("{account}.blob.{device}.{domain}").to_ascii_lowercase()
}

/// Device facts ARM does not expose (GPU count, Kubernetes, software release), as the admin knows them
/// from the device's local web UI. They live in the connection profile; reports say where each fact came
/// from.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DeviceFacts {
    /// Number of GPUs (1 or 2).
    pub gpu_count: Option<u32>,
    /// `T4` or `A2` (ARM shows it indirectly through the GPU sizes it offers).
    pub gpu_model: Option<sizes::GpuModel>,
    /// Whether Kubernetes is configured on the device.
    pub kubernetes_configured: Option<bool>,
    /// GPUs Kubernetes holds, if known (otherwise: every GPU no allocated VM holds).
    pub kubernetes_gpus: Option<u32>,
    /// Device software release, e.g. `2309` or `2.2.2205.5555`.
    pub release: Option<String>,
}
