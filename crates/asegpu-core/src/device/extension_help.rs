//! What the GPU extension needs before it is installed, and how to read its failures. Sources
//! (`articles/databox-online/`): "Install GPU extension" `azure-stack-edge-gpu-deploy-virtual-machine-install-
//! gpu-extension.md` (06/28/2022), "Deploy GPU VMs" `azure-stack-edge-gpu-deploy-gpu-virtual-machine.md`
//! (06/24/2022) and "Troubleshoot GPU extension issues" `azure-stack-edge-gpu-troubleshoot-virtual-machine-
//! gpu-extension-installation.md` (06/28/2022). None of these conditions can be read through ARM: asegpu
//! says them before the install, and points at the guest's logs when it fails.

use super::guest_os::{OsGuess, OsType};

/// "Make sure that the port enabled for compute network on your device is connected to Internet and has
/// access. The GPU drivers are downloaded through the internet access."
pub const INTERNET: &str = "The GPU extension downloads the NVIDIA driver from the internet: the device port enabled \
    for compute must reach the internet (check it on the Network page of the device's local web UI). After the \
    driver is installed, the port no longer needs internet access.";

/// The TLS 1.2 step for Windows Server 2016 VHDs, with the command the troubleshooting doc gives.
pub const WINDOWS_2016_TLS: &str = "On a Windows Server 2016 VHD, enable TLS 1.2 inside the VM before you install \
    the GPU extension, or the driver download fails (\"Failed to download https://go.microsoft.com/fwlink/?linkid=871664 \
    after 10 attempts\"): run `sp hklm:\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319 SchUseStrongCrypto 1` in the \
    VM. (The install doc asks for it on release 2205 and later; the troubleshooting doc calls it a known issue of \
    releases before 2205: do it on every release.)";

/// RHEL bring-your-own-subscription images.
pub const RHEL_BYOS: &str = "On Red Hat Enterprise Linux, register and subscribe the VM with the Red Hat Customer \
    portal first (an unregistered VM is not entitled and the installation does not proceed), and install the \
    `vulkan-filesystem` package or add the CentOS 7 repository, where the installation script looks for it.";

/// What the install needs of this VM, by its OS (recognised from its names), as warnings. The compute
/// network's internet access ([`INTERNET`]) is needed by every install and cannot be checked through ARM:
/// it is said as the install starts, and again, as the cause, when the download fails.
pub fn prerequisites(os: OsType, guest: OsGuess) -> Vec<&'static str> {
    let mut p = Vec::new();
    if os == OsType::Windows && guest.is("Windows Server 2016") {
        p.push(WINDOWS_2016_TLS);
    }
    if os == OsType::Linux && guest.is("Red Hat Enterprise Linux") {
        p.push(RHEL_BYOS);
    }
    p
}

/// Where the guest logs the extension's work (troubleshooting doc; the Windows path is documented only for
/// version 1.3.0.0: 2205 and later install 1.5).
pub fn logs_hint(os: OsType) -> &'static str {
    match os {
        OsType::Linux => "Inside the VM, read /var/log/azure/nvidia-vmext-status and /var/log/waagent.log.",
        OsType::Windows => "Inside the VM, read the status in C:\\Packages\\Plugins\\Microsoft.HpcCompute.NvidiaGpuDriverWindows\\<version>\\Status and the full log in C:\\WindowsAzure\\Logs\\WaAppAgent.txt.",
    }
}

/// The troubleshooting doc's advice for a failure message (its headings, matched by their words), then
/// where the logs are.
pub fn explain_failure(os: OsType, message: &str) -> String {
    let m = message.to_ascii_lowercase();
    let cause = if m.contains("signature and/or required key missing") || m.contains("signing key") {
        Some("Releases before 2205 install old signing keys for the Linux driver: apply the 2205 (or later) device update, or fetch NVIDIA's current key in the VM (apt-key adv --fetch-keys https://developer.download.nvidia.com/compute/cuda/repos/ubuntu1804/x86_64/3bf863cc.pub).")
    } else if m.contains("linkid=871664") || (m.contains("failed to download") && os == OsType::Windows) {
        Some(WINDOWS_2016_TLS)
    } else if m.contains("downloading package") || m.contains("failed to download") {
        Some(INTERNET)
    } else if m.contains("dpkg") || m.contains("yum lock") {
        Some("Another process in the VM holds the package manager (dpkg or yum lock): wait for it to finish (automatic updates), then install the extension again.")
    } else if m.contains("not gpu vm size") {
        Some("The VM's size has no GPU: redeploy the VM with a GPU size of this device.")
    } else if m.contains("os is not supported") {
        Some("The extension type does not match the VM's OS: NvidiaGpuDriverWindows for Windows, NvidiaGpuDriverLinux for Linux.")
    } else if m.contains("parameter is incorrect") {
        Some("Use the publisher, type and typeHandlerVersion of this device release (asegpu chooses them when you give none).")
    } else if m.contains("entitle") || m.contains("vulkan") {
        Some(RHEL_BYOS)
    } else {
        None
    };
    match cause {
        Some(c) => format!("{c} {}", logs_hint(os)),
        None => logs_hint(os).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::guest_os::guess_os;

    #[test]
    fn prerequisites_by_os() {
        let ws2016 = prerequisites(OsType::Windows, guess_os(OsType::Windows, &["WindowsServer2016.vhd"]));
        assert_eq!(ws2016, vec![WINDOWS_2016_TLS]);
        let rhel = prerequisites(OsType::Linux, guess_os(OsType::Linux, &["rhel74.vhd"]));
        assert_eq!(rhel, vec![RHEL_BYOS]);
        assert!(prerequisites(OsType::Linux, OsGuess::Unknown).is_empty());
        assert!(WINDOWS_2016_TLS.contains("SchUseStrongCrypto 1"));
    }

    #[test]
    fn failures_are_explained() {
        let tls = explain_failure(
            OsType::Windows,
            "Failed to download https://go.microsoft.com/fwlink/?linkid=871664 after 10 attempts. Exiting!",
        );
        assert!(tls.contains("TLS 1.2") && tls.contains("WaAppAgent.txt"), "{tls}");
        let net = explain_failure(OsType::Linux, "VM extension installation failed in downloading package");
        assert!(net.contains("internet") && net.contains("nvidia-vmext-status"), "{net}");
        assert!(explain_failure(OsType::Linux, "dpkg is used by another process").contains("package manager"));
        assert!(explain_failure(
            OsType::Linux,
            "nvidia: module verification failed: signature and/or required key missing"
        )
        .contains("2205"));
        assert_eq!(explain_failure(OsType::Linux, "something else"), logs_hint(OsType::Linux));
    }
}
