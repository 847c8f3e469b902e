//! The NVIDIA GPU driver VM extension matrix of Azure Stack Edge Pro GPU devices: docs "Install GPU
//! extension on VMs" (`articles/databox-online/azure-stack-edge-gpu-deploy-virtual-machine-install-gpu-
//! extension.md`, 06/28/2022; its 05/27/2021 version; the older combined "Deploy GPU VMs" doc of 02/22/2021)
//! and the `ExtensionTemplates/GpuExtension/*.parameters.json` files of Azure-Samples/azure-stack-edge-deploy-vms.
//!
//! - publisher `Microsoft.HpcCompute`, type `NvidiaGpuDriverWindows` or `NvidiaGpuDriverLinux`;
//! - typeHandlerVersion `1.3` before device release 2205; from 2205 Windows `1.5` and Linux `1.8`;
//! - Linux settings are `{}` from the 05/27/2021 docs (release 2105) on; the 02/22/2021 doc gave the Ubuntu
//!   `DRIVER_URL`/`PUBKEY_URL`/`CUDA_ver`/`InstallCUDA` settings and a RHEL custom install. No doc names the
//!   release they belong to: asegpu gives them to releases before 2105, from the docs' dates;
//! - the VM must have a GPU size. Its OS is checked against the supported table ([`super::guest_os`]), which
//!   warns, not refuses. What the install needs and how it fails: [`super::extension_help`].

pub use super::guest_os::{guess_os, OsGuess, OsType, SupportedOs, SUPPORTED_OS};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub const PUBLISHER: &str = "Microsoft.HpcCompute";
pub const TYPE_WINDOWS: &str = "NvidiaGpuDriverWindows";
pub const TYPE_LINUX: &str = "NvidiaGpuDriverLinux";
/// The first release with the new extension versions (1.5 Windows, 1.8 Linux).
pub const NEW_VERSIONS_RELEASE: u32 = 2205;

pub const WINDOWS_DRIVER_URL_2205: &str =
    "http://us.download.nvidia.com/tesla/511.65/511.65-data-center-tesla-desktop-winserver-2016-2019-2022-dch-international.exe";
pub const WINDOWS_DRIVER_URL_OLD: &str =
    "http://us.download.nvidia.com/tesla/442.50/442.50-tesla-desktop-winserver-2019-2016-international.exe";
pub const WINDOWS_DRIVER_CERTIFICATE_URL: &str = "https://go.microsoft.com/fwlink/?linkid=871664";

/// The GPU extension a device release documents for an OS: what to put in the extension resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GpuExtension {
    pub publisher: &'static str,
    #[serde(rename = "type")]
    pub extension_type: &'static str,
    pub type_handler_version: &'static str,
    pub settings: Value,
}

impl GpuExtension {
    /// The `properties` of a `Microsoft.Compute/virtualMachines/extensions` resource.
    pub fn properties(&self) -> Value {
        json!({
            "publisher": self.publisher, "type": self.extension_type, "typeHandlerVersion": self.type_handler_version,
            "autoUpgradeMinorVersion": true, "settings": self.settings,
        })
    }
}

/// The release number of a device software version: `2309`, `"2.2.2205.5555"` or `"2205"` → 2205.
/// Returns None when no 4-digit YYMM release can be found.
pub fn release_number(release: &str) -> Option<u32> {
    release
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| p.len() == 4)
        .filter_map(|p| p.parse::<u32>().ok())
        .find(|n| (2000..10000).contains(n) && (1..=12).contains(&(n % 100)))
}

/// Whether a release uses the 2205+ extension versions (unknown releases count as current).
pub fn is_2205_or_later(release: &str) -> bool {
    release_number(release).is_none_or(|n| n >= NEW_VERSIONS_RELEASE)
}

/// The extension type for an OS.
pub fn extension_type(os: OsType) -> &'static str {
    match os {
        OsType::Windows => TYPE_WINDOWS,
        OsType::Linux => TYPE_LINUX,
    }
}

/// The typeHandlerVersion a release takes for an OS.
pub fn type_handler_version(os: OsType, release: &str) -> &'static str {
    match (os, is_2205_or_later(release)) {
        (_, false) => "1.3",
        (OsType::Windows, true) => "1.5",
        (OsType::Linux, true) => "1.8",
    }
}

/// The first release whose Linux GPU extension takes empty settings (see the module's comment).
pub const EMPTY_LINUX_SETTINGS_RELEASE: u32 = 2105;

/// The Ubuntu settings of the 02/22/2021 doc (`addGPUExtLinuxVM.parameters.json` then).
pub fn ubuntu_settings_before_2105() -> Value {
    json!({
        "DRIVER_URL": "https://go.microsoft.com/fwlink/?linkid=874271",
        "PUBKEY_URL": "http://download.microsoft.com/download/F/F/A/FFAC979D-AD9C-4684-A6CE-C92BB9372A3B/7fa2af80.pub",
        "CUDA_ver": "10.0.130",
        "InstallCUDA": "true",
    })
}

/// The RHEL settings of the 02/22/2021 doc (`addGPUExtensionRHELVM.parameters.json`).
pub fn rhel_settings_before_2105() -> Value {
    json!({
        "isCustomInstall": true,
        "DRIVER_URL": "https://go.microsoft.com/fwlink/?linkid=874273",
        "CUDA_ver": "10.0.130",
        "PUBKEY_URL": "http://download.microsoft.com/download/F/F/A/FFAC979D-AD9C-4684-A6CE-C92BB9372A3B/7fa2af80.pub",
        "DKMS_URL": "https://dl.fedoraproject.org/pub/epel/epel-release-latest-7.noarch.rpm",
        "LIS_URL": "https://aka.ms/lis",
        "LIS_RHEL_ver": "3.10.0-1062.9.1.el7",
    })
}

/// The RHEL 7 custom install of the troubleshooting doc (06/28/2022, "Manually install the Nvidia driver on
/// RHEL 7", option 2; for the certificate rotation issue and drivers 510 and later). The doc's URLs carry
/// leading spaces, removed here.
pub fn rhel7_custom_install_settings() -> Value {
    json!({
        "isCustomInstall": true,
        "InstallMethod": 0,
        "DRIVER_URL": "https://developer.download.nvidia.com/compute/cuda/11.4.4/local_installers/cuda-repo-rhel7-11-4-local-11.4.4_470.82.01-1.x86_64.rpm",
        "DKMS_URL": "https://dl.fedoraproject.org/pub/epel/epel-release-latest-7.noarch.rpm",
        "LIS_URL": "https://aka.ms/lis",
        "LIS_RHEL_ver": "3.10.0-1062.9.1.el7",
    })
}

fn linux_settings(guest: OsGuess, release: &str) -> Value {
    let old = release_number(release).is_some_and(|n| n < EMPTY_LINUX_SETTINGS_RELEASE);
    match (old, guest.is("Red Hat Enterprise Linux")) {
        (false, _) => json!({}),
        (true, true) => rhel_settings_before_2105(),
        (true, false) => ubuntu_settings_before_2105(),
    }
}

/// The documented GPU extension for an OS on a device release, settings included (a Linux VM of unknown
/// distribution gets Ubuntu's settings, as the docs' sample file did).
pub fn gpu_extension_for(os: OsType, release: &str) -> GpuExtension {
    gpu_extension_for_guest(os, OsGuess::Unknown, release)
}

/// The same, for a recognised distribution (RHEL had its own settings before 2105).
pub fn gpu_extension_for_guest(os: OsType, guest: OsGuess, release: &str) -> GpuExtension {
    let new = is_2205_or_later(release);
    let settings = match os {
        OsType::Windows => json!({
            "DriverURL": if new { WINDOWS_DRIVER_URL_2205 } else { WINDOWS_DRIVER_URL_OLD },
            "DriverCertificateUrl": WINDOWS_DRIVER_CERTIFICATE_URL,
            "DriverType": "CUDA",
        }),
        OsType::Linux => linux_settings(guest, release),
    };
    GpuExtension {
        publisher: PUBLISHER,
        extension_type: extension_type(os),
        type_handler_version: type_handler_version(os, release),
        settings,
    }
}

/// Whether a publisher/type pair is the NVIDIA GPU extension (case-insensitive).
pub fn is_gpu_extension(publisher: &str, extension_type: &str) -> bool {
    publisher.eq_ignore_ascii_case(PUBLISHER)
        && (extension_type.eq_ignore_ascii_case(TYPE_WINDOWS) || extension_type.eq_ignore_ascii_case(TYPE_LINUX))
}

/// Why the device refuses (or fails) a GPU extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GpuExtensionError {
    /// "VM size is not GPU VM size".
    NotGpuSize { vm_size: String, gpu_sizes: Vec<&'static str> },
    /// "Image OS is not supported".
    UnsupportedOs { detail: String },
    /// "Extension parameter is incorrect": publisher, type or version.
    WrongParameter { detail: String },
    /// "VM extension installation failed in downloading package": the compute network has no internet.
    DownloadFailed { os: OsType },
}

impl GpuExtensionError {
    /// The ARM error code (device-style; the docs only give the troubleshooting headings).
    pub fn code(&self) -> &'static str {
        "VMExtensionProvisioningError"
    }
    pub fn message(&self, extension_name: &str) -> String {
        let head = format!("VM has reported a failure when processing extension '{extension_name}'. Error message: ");
        match self {
            GpuExtensionError::NotGpuSize { vm_size, gpu_sizes } => format!(
                "{head}VM size is not GPU VM size: the VM size '{vm_size}' has no GPU, so the GPU extension cannot be attached. \
                 A GPU VM must use one of the GPU sizes of this device ({}).",
                gpu_sizes.join(", ")
            ),
            GpuExtensionError::UnsupportedOs { detail } => format!("{head}Image OS is not supported: {detail}"),
            GpuExtensionError::WrongParameter { detail } => format!("{head}Extension parameter is incorrect: {detail}"),
            GpuExtensionError::DownloadFailed { os } => format!(
                "{head}VM extension installation failed in downloading package: the driver could not be downloaded \
                 from the internet. {}",
                super::extension_help::logs_hint(*os)
            ),
        }
    }
}

/// Check a GPU extension request the way the device does. `vm_gpus` is the GPU count of the VM's size;
/// `gpu_sizes` the device's GPU sizes (for the message). The VM's distribution is not checked: an OS
/// outside the supported table is untested, not refused ([`super::guest_os`]).
#[allow(clippy::too_many_arguments)]
pub fn check_gpu_extension(
    publisher: &str,
    extension_type: &str,
    type_handler_version: &str,
    vm_size: &str,
    vm_gpus: u32,
    gpu_sizes: Vec<&'static str>,
    os: OsType,
    release: &str,
) -> Result<(), GpuExtensionError> {
    if vm_gpus == 0 {
        return Err(GpuExtensionError::NotGpuSize { vm_size: vm_size.to_string(), gpu_sizes });
    }
    let wanted_type = self::extension_type(os);
    if !extension_type.eq_ignore_ascii_case(wanted_type) {
        let other = if os == OsType::Windows { "Linux" } else { "Windows" };
        if extension_type.eq_ignore_ascii_case(TYPE_WINDOWS) || extension_type.eq_ignore_ascii_case(TYPE_LINUX) {
            return Err(GpuExtensionError::UnsupportedOs {
                detail: format!(
                    "the extension '{extension_type}' is for {other} VMs but this VM runs {}; use '{wanted_type}'.",
                    os.as_str()
                ),
            });
        }
        return Err(GpuExtensionError::WrongParameter {
            detail: format!("type '{extension_type}' is not a GPU driver extension; use '{wanted_type}'."),
        });
    }
    if !publisher.eq_ignore_ascii_case(PUBLISHER) {
        return Err(GpuExtensionError::WrongParameter {
            detail: format!("publisher '{publisher}' is wrong; use '{PUBLISHER}'."),
        });
    }
    let want = self::type_handler_version(os, release);
    if type_handler_version.trim() != want && type_handler_version.trim() != format!("{want}.0") {
        return Err(GpuExtensionError::WrongParameter {
            detail: format!(
                "typeHandlerVersion '{type_handler_version}' does not match device release {release}; {wanted_type} takes version '{want}' on this release (1.3 before 2205; Windows 1.5 and Linux 1.8 from 2205)."
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sample parameter file: from ../shared/fixtures when present, else the repository's copy.
    fn fixture(name: &str) -> Value {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let dir = "ase-templates/ExtensionTemplates/GpuExtension";
        let path = [repo.join("../shared/fixtures").join(dir), repo.join("tests/data/template").join(dir)]
            .into_iter()
            .map(|d| d.join(name))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("the sample parameter file {name} is in neither fixtures directory"));
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }

    #[test]
    fn releases() {
        assert_eq!(release_number("2309"), Some(2309));
        assert_eq!(release_number("2.2.2205.5555"), Some(2205));
        assert_eq!(release_number("2103"), Some(2103));
        assert!(is_2205_or_later("2205"));
        assert!(!is_2205_or_later("2203"));
        assert!(is_2205_or_later("unknown"));
        assert_eq!(type_handler_version(OsType::Windows, "2203"), "1.3");
        assert_eq!(type_handler_version(OsType::Linux, "2203"), "1.3");
        assert_eq!(type_handler_version(OsType::Windows, "2309"), "1.5");
        assert_eq!(type_handler_version(OsType::Linux, "2205"), "1.8");
    }

    #[test]
    fn matches_the_sample_parameter_files() {
        for (file, os, release) in [
            ("addGPUExtWindowsVM2205.parameters.json", OsType::Windows, "2205"),
            ("addGPUExtWindowsVM.parameters.json", OsType::Windows, "2105"),
            ("addGPUExtLinuxVM2205.parameters.json", OsType::Linux, "2205"),
            ("addGPUExtLinuxVM.parameters.json", OsType::Linux, "2105"),
        ] {
            let p = fixture(file);
            let p = &p["parameters"];
            let e = gpu_extension_for(os, release);
            assert_eq!(p["publisher"]["value"], e.publisher, "{file}");
            assert_eq!(p["type"]["value"], e.extension_type, "{file}");
            assert_eq!(p["typeHandlerVersion"]["value"], e.type_handler_version, "{file}");
            assert_eq!(p["settings"]["value"], e.settings, "{file}");
        }
    }

    #[test]
    fn device_checks() {
        let sizes = vec!["Standard_NC4as_T4_v3"];
        let ok = |t: &str, v: &str, gpus: u32, os: OsType, rel: &str| {
            check_gpu_extension(PUBLISHER, t, v, "Standard_NC4as_T4_v3", gpus, sizes.clone(), os, rel)
        };
        assert!(ok(TYPE_LINUX, "1.8", 1, OsType::Linux, "2309").is_ok());
        assert!(ok(TYPE_WINDOWS, "1.5", 1, OsType::Windows, "2309").is_ok());
        assert!(ok(TYPE_WINDOWS, "1.3", 1, OsType::Windows, "2105").is_ok());
        assert!(matches!(ok(TYPE_LINUX, "1.8", 0, OsType::Linux, "2309"), Err(GpuExtensionError::NotGpuSize { .. })));
        assert!(matches!(
            ok(TYPE_LINUX, "1.3", 1, OsType::Linux, "2309"),
            Err(GpuExtensionError::WrongParameter { .. })
        ));
        assert!(matches!(
            ok(TYPE_LINUX, "1.8", 1, OsType::Linux, "2203"),
            Err(GpuExtensionError::WrongParameter { .. })
        ));
        assert!(matches!(
            ok(TYPE_WINDOWS, "1.5", 1, OsType::Linux, "2309"),
            Err(GpuExtensionError::UnsupportedOs { .. })
        ));
        assert!(matches!(
            check_gpu_extension("Microsoft.Azure", TYPE_LINUX, "1.8", "x", 1, vec![], OsType::Linux, "2309"),
            Err(GpuExtensionError::WrongParameter { .. })
        ));
        let msg = GpuExtensionError::NotGpuSize { vm_size: "Standard_D1_v2".into(), gpu_sizes: sizes.clone() }
            .message("gpuLinux");
        assert!(msg.contains("VM size is not GPU VM size") && msg.contains("Standard_NC4as_T4_v3"));
        let msg = GpuExtensionError::DownloadFailed { os: OsType::Linux }.message("gpuLinux");
        assert!(msg.contains("downloading package") && msg.contains("/var/log/azure/nvidia-vmext-status"), "{msg}");
    }

    #[test]
    fn linux_settings_follow_the_release_and_distribution() {
        let rhel = guess_os(OsType::Linux, &["rhel7.vhd"]);
        let ubuntu = guess_os(OsType::Linux, &["ubuntu18.04.vhd"]);
        assert_eq!(gpu_extension_for_guest(OsType::Linux, ubuntu, "2103").settings["CUDA_ver"], "10.0.130");
        assert_eq!(gpu_extension_for_guest(OsType::Linux, ubuntu, "2103").settings["InstallCUDA"], "true");
        assert_eq!(gpu_extension_for_guest(OsType::Linux, rhel, "2103").settings["isCustomInstall"], true);
        assert_eq!(gpu_extension_for_guest(OsType::Linux, rhel, "2103").type_handler_version, "1.3");
        for release in ["2105", "2203", "2309"] {
            assert_eq!(gpu_extension_for_guest(OsType::Linux, rhel, release).settings, json!({}), "{release}");
        }
        assert_eq!(
            gpu_extension_for(OsType::Linux, "2011").settings["DRIVER_URL"],
            "https://go.microsoft.com/fwlink/?linkid=874271"
        );
        assert!(rhel7_custom_install_settings()["DRIVER_URL"].as_str().unwrap().starts_with("https://"));
    }
}
