//! The device's capacity limits, as the docs give them (`articles/databox-online/`):
//!
//! - VMs: "You can run a maximum of 24 VMs on your device." (VM overview `azure-stack-edge-gpu-virtual-
//!   machine-overview.md`, 05/18/2022). No doc says whether Kubernetes' own VMs count: asegpu counts ARM VMs.
//! - Memory: "Memory: usable | 96 GiB RAM" of 128 GiB raw; 40 of 48 vCPUs usable (technical specifications
//!   `azure-stack-edge-gpu-technical-specifications-compliance.md`, 04/12/2023, for the Pro GPU device).
//! - Kubernetes: its master VM takes 4 cores and 4 GB, its worker VM 12 cores and 32 GB (VM overview,
//!   05/18/2022); the Kubernetes overview (07/26/2023, 04/01/2024) gives the worker as "30% of available
//!   physical cores, RAM: 25% of device specification", the same 32 GB of a 128 GB device. "If Kubernetes is
//!   enabled, the compute memory required for Kubernetes" is not available to VMs (troubleshoot VM
//!   provisioning, 03/23/2023); each VM also has a Hyper-V overhead the docs do not quantify.
//! - Blob storage `x-ms-version`: the supported list (`includes/data-box-rest-supported-api-versions.md`,
//!   09/24/2020, "2.1.1377.2170 onwards") tops at 2019-02-02; the VM PowerShell doc (06/25/2021, 06/06/2024)
//!   has AzCopy 10 send 2019-07-07, which the list lacks; its 2020 templates doc set 2017-11-09. A 2105 device
//!   refused AzCopy's default 2020-04-08 with 400 `InvalidHeaderValue` (Azure/azure-storage-azcopy#1466, 2021).

/// The most VMs one device runs. Counts in requests (the preflight's `count`) are checked against it.
pub const MAX_VMS_PER_DEVICE: u32 = 24;

/// Memory a Pro GPU device has for VMs and Kubernetes, in GiB (of 128 GiB raw).
pub const USABLE_MEMORY_GIB: u32 = 96;

/// Memory the Kubernetes master and worker VMs take when Kubernetes is configured (1-node device), in GiB.
pub const KUBERNETES_MASTER_MEMORY_GIB: u32 = 4;
pub const KUBERNETES_WORKER_MEMORY_GIB: u32 = 32;

/// Memory Kubernetes takes from VMs when it is configured.
pub fn kubernetes_memory_gib(kubernetes_configured: bool) -> u32 {
    if kubernetes_configured {
        KUBERNETES_MASTER_MEMORY_GIB + KUBERNETES_WORKER_MEMORY_GIB
    } else {
        0
    }
}

/// The `x-ms-version` asegpu's blob client sends (the docs' AzCopy setting).
pub const BLOB_VERSION: &str = "2019-07-07";

/// `x-ms-version` values the device's blob endpoint is documented to accept: the documented list plus the
/// 2019-07-07 the docs' AzCopy setting sends. Anything newer (AzCopy's own 2020-04-08 default) is refused;
/// an older, date-shaped version outside the list is let through (the emulator does not guess at it).
pub const BLOB_VERSIONS: &[&str] = &[
    "2019-07-07",
    "2019-02-02",
    "2018-11-09",
    "2018-03-28",
    "2017-11-09",
    "2017-07-29",
    "2017-04-17",
    "2016-05-31",
    "2015-12-11",
    "2015-07-08",
    "2015-04-05",
];

pub fn blob_version_accepted(version: &str) -> bool {
    let v = version.trim();
    let date_shaped = v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    BLOB_VERSIONS.contains(&v) || (date_shaped && v <= BLOB_VERSIONS[0])
}

/// What to tell a client whose `x-ms-version` the device refuses.
pub fn blob_version_advice(version: &str) -> String {
    format!(
        "The device's blob storage does not accept x-ms-version '{}': it accepts {} (and older documented \
         versions). For AzCopy 10, set AZCOPY_DEFAULT_SERVICE_API_VERSION=2019-07-07 as the docs do.",
        version.escape_debug(),
        BLOB_VERSIONS[..3].join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_versions() {
        assert!(blob_version_accepted(BLOB_VERSION));
        assert!(blob_version_accepted("2017-11-09"));
        assert!(!blob_version_accepted("2020-04-08"));
        assert!(!blob_version_accepted("2021-08-06"));
        assert!(!blob_version_accepted("latest"));
        assert!(blob_version_accepted("2014-02-14"));
        assert!(blob_version_advice("2020-04-08").contains("AZCOPY_DEFAULT_SERVICE_API_VERSION=2019-07-07"));
        assert_eq!(crate::arm::versions::BLOB_DATA_PLANE, BLOB_VERSION, "the client sends what the device accepts");
    }

    #[test]
    fn kubernetes_takes_memory() {
        assert_eq!(kubernetes_memory_gib(true), 36);
        assert_eq!(kubernetes_memory_gib(false), 0);
    }
}
