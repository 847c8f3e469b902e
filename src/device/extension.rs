//! The NVIDIA GPU driver VM extension matrix of Azure Stack Edge Pro GPU devices (docs "Install GPU
//! extension on VMs for your Azure Stack Edge Pro GPU device" and its troubleshooting page; values from the
//! `ExtensionTemplates/GpuExtension/*.parameters.json` files of Azure-Samples/azure-stack-edge-deploy-vms).
//!
//! - publisher `Microsoft.HpcCompute`, type `NvidiaGpuDriverWindows` or `NvidiaGpuDriverLinux`;
//! - typeHandlerVersion `1.3` before device release 2205; from 2205 Windows `1.5` and Linux `1.8`;
//! - the VM must have a GPU size, and its OS must be a supported one.

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

/// OS family of a VM (its image's `osType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OsType {
    Windows,
    Linux,
}

impl OsType {
    pub fn parse(s: &str) -> Option<OsType> {
        match s.to_ascii_lowercase().as_str() {
            "windows" => Some(OsType::Windows),
            "linux" => Some(OsType::Linux),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            OsType::Windows => "Windows",
            OsType::Linux => "Linux",
        }
    }
}

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

/// The documented GPU extension for an OS on a device release, settings included.
pub fn gpu_extension_for(os: OsType, release: &str) -> GpuExtension {
    let new = is_2205_or_later(release);
    let settings = match os {
        OsType::Windows => json!({
            "DriverURL": if new { WINDOWS_DRIVER_URL_2205 } else { WINDOWS_DRIVER_URL_OLD },
            "DriverCertificateUrl": WINDOWS_DRIVER_CERTIFICATE_URL,
            "DriverType": "CUDA",
        }),
        OsType::Linux => json!({}),
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

/// An OS the GPU extension is documented for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SupportedOs {
    pub os_type: OsType,
    pub distribution: &'static str,
    pub version: &'static str,
    /// Deprecated later (Ubuntu 18.04 as of the 2024 docs).
    pub deprecated: bool,
}

/// The supported OS table (docs "Overview of GPU VMs", 2022; Ubuntu deprecated in the 2024 version).
/// "Other versions may work but have not been tested in-house."
pub const SUPPORTED_OS: &[SupportedOs] = &[
    SupportedOs { os_type: OsType::Windows, distribution: "Windows Server 2019", version: "Core", deprecated: false },
    SupportedOs { os_type: OsType::Windows, distribution: "Windows Server 2016", version: "Core", deprecated: false },
    SupportedOs { os_type: OsType::Linux, distribution: "Ubuntu", version: "18.04 LTS", deprecated: true },
    SupportedOs { os_type: OsType::Linux, distribution: "Red Hat Enterprise Linux", version: "7.4", deprecated: false },
];

/// What a VM's OS looks like from its image: its `osType` and, when it can be recognised from names
/// (image name, blob file name such as `ubuntu18.04waagent.vhd`), its distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsGuess {
    /// A supported distribution (index into [`SUPPORTED_OS`]).
    Supported(usize),
    /// A recognised distribution that is not in the table.
    Unsupported(&'static str),
    /// Nothing recognisable: the device does not know either, so it is not refused.
    Unknown,
}

/// Recognise a distribution from names such as an image name or a VHD file name.
pub fn guess_os(os: OsType, names: &[&str]) -> OsGuess {
    let text = names.join(" ").to_ascii_lowercase().replace(['_', '-', ' '], "");
    let idx = |d: &str, v: &str| {
        SUPPORTED_OS.iter().position(|s| s.distribution == d && s.version == v).expect("table entry")
    };
    match os {
        OsType::Windows => {
            if text.contains("2019") {
                OsGuess::Supported(idx("Windows Server 2019", "Core"))
            } else if text.contains("2016") {
                OsGuess::Supported(idx("Windows Server 2016", "Core"))
            } else if text.contains("2022") {
                OsGuess::Unsupported("Windows Server 2022")
            } else if text.contains("2012") {
                OsGuess::Unsupported("Windows Server 2012")
            } else if text.contains("windows10") || text.contains("win10") || text.contains("windows11") {
                OsGuess::Unsupported("Windows client")
            } else {
                OsGuess::Unknown
            }
        }
        OsType::Linux => {
            if text.contains("ubuntu") {
                if text.contains("1804") || text.contains("18.04") {
                    OsGuess::Supported(idx("Ubuntu", "18.04 LTS"))
                } else if ["1604", "16.04", "2004", "20.04", "2204", "22.04", "2404", "24.04"]
                    .iter()
                    .any(|v| text.contains(v))
                {
                    OsGuess::Unsupported("Ubuntu (a version other than 18.04 LTS)")
                } else {
                    OsGuess::Unknown
                }
            } else if text.contains("rhel") || text.contains("redhat") {
                OsGuess::Supported(idx("Red Hat Enterprise Linux", "7.4"))
            } else if text.contains("centos") {
                OsGuess::Unsupported("CentOS")
            } else if text.contains("debian") {
                OsGuess::Unsupported("Debian")
            } else if text.contains("suse") || text.contains("sles") {
                OsGuess::Unsupported("SUSE Linux Enterprise")
            } else {
                OsGuess::Unknown
            }
        }
    }
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
        }
    }
}

/// Check a GPU extension request the way the device does. `vm_gpus` is the GPU count of the VM's size;
/// `gpu_sizes` the device's GPU sizes (for the message); `image_names` names to recognise the OS from.
#[allow(clippy::too_many_arguments)]
pub fn check_gpu_extension(
    publisher: &str,
    extension_type: &str,
    type_handler_version: &str,
    vm_size: &str,
    vm_gpus: u32,
    gpu_sizes: Vec<&'static str>,
    os: OsType,
    image_names: &[&str],
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
    match guess_os(os, image_names) {
        OsGuess::Unsupported(d) => Err(GpuExtensionError::UnsupportedOs {
            detail: format!(
                "{d} is not a supported OS for the GPU extension. Supported: {}.",
                SUPPORTED_OS.iter().map(|s| format!("{} {}", s.distribution, s.version)).collect::<Vec<_>>().join(", ")
            ),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/fixtures/ase-templates/ExtensionTemplates/GpuExtension")
            .join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        serde_json::from_str(&text).unwrap_or(Value::Null)
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
            if p.is_null() {
                continue; // fixtures not present in this checkout
            }
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
        let ok = |t: &str, v: &str, gpus: u32, os: OsType, names: &[&str], rel: &str| {
            check_gpu_extension(PUBLISHER, t, v, "Standard_NC4as_T4_v3", gpus, sizes.clone(), os, names, rel)
        };
        assert!(ok(TYPE_LINUX, "1.8", 1, OsType::Linux, &["ubuntu18.04waagent.vhd"], "2309").is_ok());
        assert!(ok(TYPE_WINDOWS, "1.5", 1, OsType::Windows, &["WindowsServer2019_30GB.vhd"], "2309").is_ok());
        assert!(ok(TYPE_WINDOWS, "1.3", 1, OsType::Windows, &["myimage"], "2105").is_ok());
        assert!(matches!(
            ok(TYPE_LINUX, "1.8", 0, OsType::Linux, &[], "2309"),
            Err(GpuExtensionError::NotGpuSize { .. })
        ));
        assert!(matches!(
            ok(TYPE_LINUX, "1.3", 1, OsType::Linux, &[], "2309"),
            Err(GpuExtensionError::WrongParameter { .. })
        ));
        assert!(matches!(
            ok(TYPE_LINUX, "1.8", 1, OsType::Linux, &[], "2203"),
            Err(GpuExtensionError::WrongParameter { .. })
        ));
        assert!(matches!(
            ok(TYPE_WINDOWS, "1.5", 1, OsType::Linux, &[], "2309"),
            Err(GpuExtensionError::UnsupportedOs { .. })
        ));
        assert!(matches!(
            ok(TYPE_LINUX, "1.8", 1, OsType::Linux, &["centos7.vhd"], "2309"),
            Err(GpuExtensionError::UnsupportedOs { .. })
        ));
        assert!(matches!(
            check_gpu_extension("Microsoft.Azure", TYPE_LINUX, "1.8", "x", 1, vec![], OsType::Linux, &[], "2309"),
            Err(GpuExtensionError::WrongParameter { .. })
        ));
        let msg = GpuExtensionError::NotGpuSize { vm_size: "Standard_D1_v2".into(), gpu_sizes: sizes.clone() }
            .message("gpuLinux");
        assert!(msg.contains("VM size is not GPU VM size") && msg.contains("Standard_NC4as_T4_v3"));
    }
}
