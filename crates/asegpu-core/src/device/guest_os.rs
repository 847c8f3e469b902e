//! The guest OSes of GPU VMs: which ones the GPU extension is documented for, and how asegpu recognises a
//! VM's distribution from its names (image name, VHD file name such as `ubuntu18.04waagent.vhd`).
//!
//! Source: the GPU VM overview, `articles/databox-online/azure-stack-edge-gpu-overview-gpu-virtual-machines.md`:
//! - 07/05/2022: Windows Server 2019 Core, Windows Server 2016 Core, Ubuntu 18.04 LTS, Red Hat Enterprise
//!   Linux 7.4; "Other versions may work but have not been tested in-house on GPU VMs running on Azure Stack
//!   Edge devices."
//! - 08/16/2024: the same without Ubuntu 18.04 ("Ubuntu 18.04 LTS GPU extension has been deprecated. The GPU
//!   extension is no longer supported on Ubuntu 18.04 GPU VMs running on Azure Stack Edge devices.").
//!
//! So an OS outside the table is untested, not refused: asegpu warns and the emulator installs. Windows
//! Server 2022 is named only by the 2205 driver's file name (`...-winserver-2016-2019-2022-dch-...`), and no
//! GPU doc names Ubuntu 20.04 or 22.04.

use serde::{Deserialize, Serialize};

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

/// An OS the GPU extension is documented for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SupportedOs {
    pub os_type: OsType,
    pub distribution: &'static str,
    pub version: &'static str,
    /// In the 2022 table, deprecated in the 2024 one (Ubuntu 18.04).
    pub deprecated: bool,
}

/// The supported OS table (2022, with the 2024 deprecation).
pub const SUPPORTED_OS: &[SupportedOs] = &[
    SupportedOs { os_type: OsType::Windows, distribution: "Windows Server 2019", version: "Core", deprecated: false },
    SupportedOs { os_type: OsType::Windows, distribution: "Windows Server 2016", version: "Core", deprecated: false },
    SupportedOs { os_type: OsType::Linux, distribution: "Ubuntu", version: "18.04 LTS", deprecated: true },
    SupportedOs { os_type: OsType::Linux, distribution: "Red Hat Enterprise Linux", version: "7.4", deprecated: false },
];

/// The table as one line, for messages.
pub fn supported_list() -> String {
    SUPPORTED_OS
        .iter()
        .filter(|s| !s.deprecated)
        .map(|s| format!("{} {}", s.distribution, s.version))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a VM's OS looks like from its names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsGuess {
    /// A distribution of the table (index into [`SUPPORTED_OS`]).
    Supported(usize),
    /// A recognised distribution outside the table: it "may work" but is untested.
    Untested(&'static str),
    /// Nothing recognisable.
    Unknown,
}

impl OsGuess {
    /// The distribution's name, when recognised.
    pub fn name(self) -> Option<&'static str> {
        match self {
            OsGuess::Supported(i) => Some(SUPPORTED_OS[i].distribution),
            OsGuess::Untested(d) => Some(d),
            OsGuess::Unknown => None,
        }
    }
    pub fn is(self, distribution: &str) -> bool {
        self.name() == Some(distribution)
    }
}

fn index(distribution: &str) -> usize {
    SUPPORTED_OS.iter().position(|s| s.distribution == distribution).expect("table entry")
}

/// Recognise a distribution from names such as an image name or a VHD file name.
pub fn guess_os(os: OsType, names: &[&str]) -> OsGuess {
    let text = names.join(" ").to_ascii_lowercase().replace(['_', '-', ' '], "");
    match os {
        OsType::Windows => guess_windows(&text),
        OsType::Linux => guess_linux(&text),
    }
}

fn guess_windows(text: &str) -> OsGuess {
    if text.contains("2019") {
        OsGuess::Supported(index("Windows Server 2019"))
    } else if text.contains("2016") {
        OsGuess::Supported(index("Windows Server 2016"))
    } else if text.contains("2022") {
        OsGuess::Untested("Windows Server 2022")
    } else if text.contains("2025") {
        OsGuess::Untested("Windows Server 2025")
    } else if text.contains("2012") {
        OsGuess::Untested("Windows Server 2012")
    } else if text.contains("windows10") || text.contains("win10") || text.contains("windows11") {
        OsGuess::Untested("Windows client")
    } else {
        OsGuess::Unknown
    }
}

fn guess_linux(text: &str) -> OsGuess {
    if text.contains("ubuntu") {
        for (v, name) in [
            ("1804", "Ubuntu 18.04"),
            ("18.04", "Ubuntu 18.04"),
            ("1604", "Ubuntu 16.04"),
            ("16.04", "Ubuntu 16.04"),
            ("2004", "Ubuntu 20.04"),
            ("20.04", "Ubuntu 20.04"),
            ("2204", "Ubuntu 22.04"),
            ("22.04", "Ubuntu 22.04"),
            ("2404", "Ubuntu 24.04"),
            ("24.04", "Ubuntu 24.04"),
        ] {
            if text.contains(v) {
                return if name == "Ubuntu 18.04" {
                    OsGuess::Supported(index("Ubuntu"))
                } else {
                    OsGuess::Untested(name)
                };
            }
        }
        OsGuess::Unknown
    } else if text.contains("rhel") || text.contains("redhat") {
        OsGuess::Supported(index("Red Hat Enterprise Linux"))
    } else if text.contains("centos") {
        OsGuess::Untested("CentOS")
    } else if text.contains("debian") {
        OsGuess::Untested("Debian")
    } else if text.contains("suse") || text.contains("sles") {
        OsGuess::Untested("SUSE Linux Enterprise")
    } else {
        OsGuess::Unknown
    }
}

/// The warning for a guessed OS, with what to do (None: a supported OS).
pub fn support_warning(guess: OsGuess) -> Option<String> {
    match guess {
        OsGuess::Supported(i) if SUPPORTED_OS[i].deprecated => Some(format!(
            "{} {} is no longer supported by the GPU extension (the 2024 GPU VM overview deprecates it): the installation \
             may fail. Use {}, or install the NVIDIA driver by hand inside the VM (the overview points to CUDA Toolkit 12.1 \
             Update 1).",
            SUPPORTED_OS[i].distribution,
            SUPPORTED_OS[i].version,
            supported_list()
        )),
        OsGuess::Supported(_) => None,
        OsGuess::Untested(d) => Some(format!(
            "{d} is not in the GPU extension's supported OS table ({}): the docs say other versions \"may work but haven't \
             been tested\". If the installation fails, use a supported OS or install the NVIDIA driver inside the VM.",
            supported_list()
        )),
        OsGuess::Unknown => Some(format!(
            "The VM's OS distribution could not be recognised from its image and VHD names: the GPU extension is \
             documented for {}; others may work but are untested.",
            supported_list()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses() {
        assert!(guess_os(OsType::Linux, &["ubuntu18.04waagent.vhd"]).is("Ubuntu"));
        assert_eq!(guess_os(OsType::Linux, &["ubuntu-22.04.vhd"]), OsGuess::Untested("Ubuntu 22.04"));
        assert_eq!(guess_os(OsType::Linux, &["Ubuntu2004"]), OsGuess::Untested("Ubuntu 20.04"));
        assert_eq!(guess_os(OsType::Windows, &["WS2022.vhd"]), OsGuess::Untested("Windows Server 2022"));
        assert!(guess_os(OsType::Windows, &["WindowsServer2016_30GB.vhd"]).is("Windows Server 2016"));
        assert!(guess_os(OsType::Linux, &["rhel-7.4-byos"]).is("Red Hat Enterprise Linux"));
        assert_eq!(guess_os(OsType::Linux, &["myimage"]), OsGuess::Unknown);
    }

    #[test]
    fn warnings_say_what_to_do() {
        let ubuntu = support_warning(guess_os(OsType::Linux, &["ubuntu18.04"])).unwrap();
        assert!(ubuntu.contains("no longer supported") && ubuntu.contains("2024"), "{ubuntu}");
        let ws22 = support_warning(OsGuess::Untested("Windows Server 2022")).unwrap();
        assert!(ws22.contains("may work but haven't been tested"), "{ws22}");
        assert!(support_warning(guess_os(OsType::Windows, &["ws2019"])).is_none());
        assert!(!supported_list().contains("Ubuntu"));
    }
}
