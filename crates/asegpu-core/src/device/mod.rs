//! What we know about Azure Stack Edge Pro GPU devices: fixed identities, VM sizes, the GPU extension matrix
//! and the GPU allocation rules. Shared by the client (to check before acting) and the emulator (to behave
//! like the device).

pub mod custom_sizes;
pub mod extension;
pub mod extension_help;
pub mod gpu;
pub mod guest_os;
pub mod limits;
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
pub use limits::MAX_VMS_PER_DEVICE;
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
/// from. Parsing checks them (see [`validate_gpu_count`], [`validate_release`]), so a profile file, a fleet
/// file and the C ABI's connect options get the same answer as the command line.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", try_from = "DeviceFactsJson")]
pub struct DeviceFacts {
    /// Number of GPUs (1 or 2).
    pub gpu_count: Option<u32>,
    /// `T4` or `A2` (ARM shows it indirectly through the GPU sizes it offers).
    pub gpu_model: Option<sizes::GpuModel>,
    /// Whether Kubernetes is configured on the device.
    pub kubernetes_configured: Option<bool>,
    /// GPUs Kubernetes holds, if known (otherwise: every GPU no allocated VM holds).
    pub kubernetes_gpus: Option<u32>,
    /// Device software release as `YYMM`, e.g. `2309` (see [`validate_release`]).
    pub release: Option<String>,
    /// Custom VM sizes set on the device, as `Get-HcsVMCustomSizes` shows them (ARM lists their cores and
    /// memory but not their GPU count).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_sizes: Vec<custom_sizes::CustomSize>,
    /// Whether the GPU Multi-Process Service is on (`Start-HcsGpuMPS`; a device update turns it off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mps_enabled: Option<bool>,
}

/// The JSON form, checked into a [`DeviceFacts`].
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct DeviceFactsJson {
    gpu_count: Option<u32>,
    gpu_model: Option<sizes::GpuModel>,
    kubernetes_configured: Option<bool>,
    kubernetes_gpus: Option<u32>,
    release: Option<String>,
    custom_sizes: Vec<custom_sizes::CustomSize>,
    mps_enabled: Option<bool>,
}

impl TryFrom<DeviceFactsJson> for DeviceFacts {
    type Error = String;
    fn try_from(j: DeviceFactsJson) -> Result<Self, String> {
        let mut f = DeviceFacts {
            gpu_count: j.gpu_count,
            gpu_model: j.gpu_model,
            kubernetes_configured: j.kubernetes_configured,
            kubernetes_gpus: j.kubernetes_gpus,
            release: j.release,
            custom_sizes: j.custom_sizes,
            mps_enabled: j.mps_enabled,
        };
        f.validate().map_err(|e| e.message)?;
        if let Some(r) = &f.release {
            f.release = Some(r.trim().to_string());
        }
        Ok(f)
    }
}

impl DeviceFacts {
    /// Check every fact that is given (see [`validate_gpu_count`] and [`validate_release`]).
    pub fn validate(&self) -> crate::Result<()> {
        if let Some(n) = self.gpu_count {
            validate_gpu_count(n)?;
        }
        if let Some(r) = &self.release {
            validate_release(r)?;
        }
        if let Some(k) = self.kubernetes_gpus {
            let most = self.gpu_count.unwrap_or(gpu::VALID_GPU_COUNTS[gpu::VALID_GPU_COUNTS.len() - 1]);
            if k > most {
                return Err(crate::Error::invalid(format!(
                    "device fact kubernetesGpus {k} is more than the device's {most} GPU(s): Kubernetes can hold at \
                     most every GPU of the device (0 to {most})"
                )));
            }
        }
        custom_sizes::check_set(&self.custom_sizes, self.gpu_model)
            .map_err(|e| crate::Error::invalid(format!("device fact customSizes: {}", e.message)))?;
        Ok(())
    }

    /// GPUs a VM of this size takes on this device (custom sizes from [`DeviceFacts::custom_sizes`]).
    pub fn gpus_of(&self, size: &str) -> u32 {
        sizes::gpu_count_with(size, &self.custom_sizes)
    }
}

/// The first device software release: Azure Stack Edge Pro GPU became generally available in August 2020.
pub const FIRST_RELEASE: u32 = 2008;

/// A GPU count is 1 or 2: an Azure Stack Edge Pro GPU device has one or two NVIDIA T4 GPUs, a Pro 2 one or
/// two NVIDIA A2.
pub fn validate_gpu_count(n: u32) -> crate::Result<u32> {
    if gpu::valid_gpu_count(n) {
        return Ok(n);
    }
    Err(crate::Error::invalid(format!(
        "GPU count {n} is not possible: give 1 or 2 (an Azure Stack Edge Pro GPU device has one or two NVIDIA T4 \
         GPUs, a Pro 2 device one or two NVIDIA A2)"
    )))
}

/// A device software release is `YYMM`: four digits, the year 20 to 29 and the month 01 to 12, 2008 or later
/// (e.g. `2309`, the September 2023 release), as the device's local web UI shows it on its Software update
/// page. Returns the release without surrounding spaces.
pub fn validate_release(release: &str) -> crate::Result<String> {
    let r = release.trim();
    let problem = if r.len() != 4 || !r.bytes().all(|b| b.is_ascii_digit()) {
        Some("it is not 4 digits")
    } else {
        let n: u32 = r.parse().expect("4 digits");
        if !(1..=12).contains(&(n % 100)) {
            Some("its month (the last 2 digits) is not 01 to 12")
        } else if !(FIRST_RELEASE..3000).contains(&n) {
            Some("the first device release was 2008 and the year (the first 2 digits) is 20 to 29")
        } else {
            None
        }
    };
    match problem {
        None => Ok(r.to_string()),
        Some(why) => Err(crate::Error::invalid(format!(
            "device release '{}' is not valid ({why}): give the release as YYMM, e.g. 2309 for the September 2023 \
             release (2008 or later, month 01 to 12); the device's local web UI shows it on its Software update page",
            release.escape_debug()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_are_yymm() {
        for ok in ["2008", "2309", " 2105 ", "2912"] {
            assert_eq!(validate_release(ok).unwrap(), ok.trim());
        }
        for bad in ["banana", "", "2313", "2300", "1912", "2007", "3001", "23091", "2.2.2205.5555", "２３０９"] {
            let e = validate_release(bad).unwrap_err();
            assert!(e.message.contains("YYMM") && e.message.contains("Software update"), "{bad}: {e}");
        }
    }

    #[test]
    fn facts_are_checked_when_parsed() {
        let ok: DeviceFacts = serde_json::from_str(r#"{"gpuCount":2,"release":" 2309","kubernetesGpus":2}"#).unwrap();
        assert_eq!((ok.gpu_count, ok.release.as_deref()), (Some(2), Some("2309")));
        for (json, needle) in [
            (r#"{"gpuCount":7}"#, "1 or 2"),
            (r#"{"gpuCount":0}"#, "1 or 2"),
            (r#"{"release":"banana"}"#, "YYMM"),
            (r#"{"gpuCount":1,"kubernetesGpus":2}"#, "kubernetesGpus"),
            (r#"{"gpus":2}"#, "unknown field"),
            (r#"{"gpuModel":"A2","customSizes":["Custom_GPU_T4_v3:8:28:1"]}"#, "customSizes"),
            (r#"{"customSizes":["Custom_NonGPU:2:8","Custom_NonGPU:4:16"]}"#, "twice"),
            (r#"{"customSizes":["Custom_GPU_T4_v3:8:28:3"]}"#, "1 or 2"),
        ] {
            let e = serde_json::from_str::<DeviceFacts>(json).unwrap_err().to_string();
            assert!(e.contains(needle), "{json}: {e}");
        }
        assert_eq!(serde_json::from_str::<DeviceFacts>("{}").unwrap(), DeviceFacts::default());
    }
}
