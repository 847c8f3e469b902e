//! The VM size catalog of Azure Stack Edge Pro GPU devices: Microsoft docs, include
//! `includes/azure-stack-edge-gateway-supported-vm-sizes.md`, ms.date 10/02/2023 (the newest version found),
//! shown by `articles/databox-online/azure-stack-edge-gpu-virtual-machine-sizes.md` (10/02/2023).
//!
//! N-series sizes exist per GPU model: a T4 device offers the `*_T4_*` sizes, an A2 device the `*_A2*` ones
//! ("The GPU VM that you deploy should match the GPU type on your Azure Stack Edge device"). The custom sizes
//! an admin sets on the device are in [`super::custom_sizes`].
//!
//! Where the 2023 table differs from the 09/24/2021 one: `Standard_DS2_v2` has 2 NICs (was 4), every HPN
//! size 14 NICs (was 4 or 8; "Windows Server 2016 Datacenter VHD has a limit of 8 NICs for all HPN VM
//! sizes"), and F12, F4s_v1, F32s, F32s_v1, F32s_v3, F12s_HPN, F12_HPN and the GPU HPN sizes are new. Where
//! the 2023 table disagrees with itself, its values are kept and marked below: `Standard_F12_HPN_A2` has
//! 64 GiB while its T4 and CPU twins have 24; temp storage of the 12-vCPU F sizes is 256, 64 or 48;
//! `Standard_NC16as_*` have 110 GiB, more than the 96 GiB of `Standard_NC32as_T4_v3`/`_A2`.
//! Not documented, and taken from the nearest documented size: the data disks of the N-series (8/16/32 by
//! vCPU).

use super::custom_sizes::{self, CustomSize};
use serde::{Deserialize, Serialize};

/// The device's GPU model, which decides which GPU VM sizes exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum GpuModel {
    #[default]
    T4,
    A2,
}

impl std::str::FromStr for GpuModel {
    type Err = String;
    /// `T4` or `A2`, in any case (what the command lines take).
    fn from_str(s: &str) -> Result<GpuModel, String> {
        match s.trim().to_ascii_uppercase().as_str() {
            "T4" => Ok(GpuModel::T4),
            "A2" => Ok(GpuModel::A2),
            _ => Err(format!("'{}' is not a GPU model: give T4 (Pro GPU) or A2 (Pro 2)", s.escape_debug())),
        }
    }
}

impl std::fmt::Display for GpuModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            GpuModel::T4 => "T4",
            GpuModel::A2 => "A2",
        })
    }
}

impl GpuModel {
    /// The name the docs and `nvidia-smi` use.
    pub fn display_name(self) -> &'static str {
        match self {
            GpuModel::T4 => "NVIDIA Tesla T4",
            GpuModel::A2 => "NVIDIA A2 Tensor Core",
        }
    }
}

/// Size family, as the docs group them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Family {
    Dv2,
    DSv2,
    F,
    Hpn,
    /// N-series GPU sizes (`Standard_NC*as_T4*` / `Standard_NC*as*A2*`).
    NcGpu,
    /// HPN sizes with a GPU (`*_HPN_T4_v3`, `*_HPN_A2`).
    HpnGpu,
    /// The sizes an admin defines on the device (see [`super::custom_sizes`]).
    Custom,
}

/// One VM size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VmSize {
    pub name: &'static str,
    pub family: Family,
    pub vcpus: u32,
    pub memory_gib: f64,
    pub temp_storage_gib: u32,
    pub max_data_disks: u32,
    pub max_nics: u32,
    pub premium_storage: bool,
    /// GPUs the size takes (0 for CPU-only sizes).
    pub gpus: u32,
    /// The GPU model the size needs (None for CPU-only sizes).
    pub gpu_model: Option<GpuModel>,
}

impl VmSize {
    pub fn is_gpu(&self) -> bool {
        self.gpus > 0
    }
    pub fn memory_mb(&self) -> u64 {
        (self.memory_gib * 1024.0).round() as u64
    }
    /// The `vmSizes` list entry ARM returns (`VirtualMachineSize` in the Compute spec).
    pub fn arm_json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "numberOfCores": self.vcpus,
            "osDiskSizeInMB": 1_047_552,
            "resourceDiskSizeInMB": self.temp_storage_gib as u64 * 1024,
            "memoryInMB": self.memory_mb(),
            "maxDataDiskCount": self.max_data_disks,
        })
    }
}

#[allow(clippy::too_many_arguments)]
const fn s(
    name: &'static str,
    family: Family,
    vcpus: u32,
    memory_gib: f64,
    temp_storage_gib: u32,
    max_data_disks: u32,
    max_nics: u32,
    premium_storage: bool,
    gpus: u32,
    gpu_model: Option<GpuModel>,
) -> VmSize {
    VmSize {
        name,
        family,
        vcpus,
        memory_gib,
        temp_storage_gib,
        max_data_disks,
        max_nics,
        premium_storage,
        gpus,
        gpu_model,
    }
}

use Family::*;
const T4: Option<GpuModel> = Some(GpuModel::T4);
const A2: Option<GpuModel> = Some(GpuModel::A2);

/// Every size a device can offer (CPU sizes and the GPU sizes of both models), as the 10/02/2023 table
/// gives them: name, family, vCPUs, memory GiB, temp storage GiB, max data disks, max NICs, premium
/// storage, GPUs, GPU model.
pub const CATALOG: &[VmSize] = &[
    // Dv2
    s("Standard_D1_v2", Dv2, 1, 3.5, 50, 4, 2, false, 0, None),
    s("Standard_D2_v2", Dv2, 2, 7.0, 100, 8, 4, false, 0, None),
    s("Standard_D3_v2", Dv2, 4, 14.0, 200, 16, 4, false, 0, None),
    s("Standard_D4_v2", Dv2, 8, 28.0, 400, 32, 8, false, 0, None),
    s("Standard_D5_v2", Dv2, 16, 56.0, 800, 64, 8, false, 0, None),
    s("Standard_D11_v2", Dv2, 2, 14.0, 100, 8, 2, false, 0, None),
    s("Standard_D12_v2", Dv2, 4, 28.0, 200, 16, 4, false, 0, None),
    s("Standard_D13_v2", Dv2, 8, 56.0, 400, 32, 8, false, 0, None),
    // DSv2 (DS2_v2: 2 NICs in 2023, 4 in 2021)
    s("Standard_DS1_v2", DSv2, 1, 3.5, 7, 4, 2, true, 0, None),
    s("Standard_DS2_v2", DSv2, 2, 7.0, 14, 8, 2, true, 0, None),
    s("Standard_DS3_v2", DSv2, 4, 14.0, 28, 16, 4, true, 0, None),
    s("Standard_DS4_v2", DSv2, 8, 28.0, 56, 32, 8, true, 0, None),
    s("Standard_DS5_v2", DSv2, 16, 56.0, 112, 64, 8, true, 0, None),
    s("Standard_DS11_v2", DSv2, 2, 14.0, 28, 8, 2, true, 0, None),
    s("Standard_DS12_v2", DSv2, 4, 28.0, 56, 16, 4, true, 0, None),
    s("Standard_DS13_v2", DSv2, 8, 56.0, 112, 32, 8, true, 0, None),
    // F (every F size has premium storage in 2023; F12 has F16's 256 GiB temp storage)
    s("Standard_F1", F, 1, 2.0, 16, 4, 2, true, 0, None),
    s("Standard_F2", F, 2, 4.0, 32, 8, 4, true, 0, None),
    s("Standard_F4", F, 4, 8.0, 64, 16, 4, true, 0, None),
    s("Standard_F8", F, 8, 16.0, 128, 32, 8, true, 0, None),
    s("Standard_F12", F, 12, 24.0, 256, 64, 8, true, 0, None),
    s("Standard_F16", F, 16, 32.0, 256, 64, 8, true, 0, None),
    s("Standard_F1s", F, 1, 2.0, 4, 4, 2, true, 0, None),
    s("Standard_F2s", F, 2, 4.0, 8, 8, 4, true, 0, None),
    s("Standard_F4s", F, 4, 8.0, 16, 16, 4, true, 0, None),
    s("Standard_F8s", F, 8, 16.0, 32, 32, 8, true, 0, None),
    s("Standard_F16s", F, 16, 32.0, 64, 64, 8, true, 0, None),
    s("Standard_F4s_v1", F, 4, 4.0, 8, 8, 4, true, 0, None),
    s("Standard_F32s", F, 32, 48.0, 64, 64, 8, true, 0, None),
    s("Standard_F32s_v1", F, 32, 96.0, 64, 64, 8, true, 0, None),
    s("Standard_F32s_v3", F, 32, 224.0, 64, 64, 8, true, 0, None),
    // HPN (vCPU in multiples of 2; 14 NICs, 8 with a Windows Server 2016 VHD)
    s("Standard_DS2_v2_HPN", Hpn, 2, 7.0, 14, 8, 14, true, 0, None),
    s("Standard_DS3_v2_HPN", Hpn, 4, 14.0, 28, 16, 14, true, 0, None),
    s("Standard_DS4_v2_HPN", Hpn, 8, 28.0, 56, 32, 14, true, 0, None),
    s("Standard_F2s_HPN", Hpn, 2, 4.0, 8, 8, 14, true, 0, None),
    s("Standard_F4s_HPN", Hpn, 4, 8.0, 16, 16, 14, true, 0, None),
    s("Standard_F8s_HPN", Hpn, 8, 16.0, 32, 32, 14, true, 0, None),
    s("Standard_F12s_HPN", Hpn, 12, 24.0, 48, 64, 14, true, 0, None),
    s("Standard_F16s_HPN", Hpn, 16, 32.0, 64, 64, 14, true, 0, None),
    s("Standard_F12_HPN", Hpn, 12, 24.0, 64, 64, 14, true, 0, None),
    // N-series, NVIDIA T4 (data disks not documented: 8/16/32 by vCPU)
    s("Standard_NC4as_T4_v3", NcGpu, 4, 28.0, 176, 8, 4, true, 1, T4),
    s("Standard_NC8as_T4_v3", NcGpu, 8, 56.0, 352, 16, 8, true, 1, T4),
    s("Standard_NC16as_T4_v3", NcGpu, 16, 110.0, 352, 32, 8, true, 1, T4),
    s("Standard_NC16as_T4_v1", NcGpu, 16, 32.0, 352, 32, 8, true, 1, T4),
    s("Standard_NC32as_T4_v3", NcGpu, 32, 96.0, 352, 32, 8, true, 1, T4),
    s("Standard_NC32as_T4_v1", NcGpu, 32, 224.0, 352, 32, 8, true, 1, T4),
    s("Standard_NC32as_2T4_v1", NcGpu, 32, 224.0, 352, 32, 8, true, 2, T4),
    // N-series, NVIDIA A2
    s("Standard_NC4as_A2", NcGpu, 4, 28.0, 176, 8, 4, true, 1, A2),
    s("Standard_NC8as_A2", NcGpu, 8, 56.0, 352, 16, 8, true, 1, A2),
    s("Standard_NC16as_A2", NcGpu, 16, 110.0, 352, 32, 8, true, 1, A2),
    s("Standard_NC16as_A2_v1", NcGpu, 16, 32.0, 352, 32, 8, true, 1, A2),
    s("Standard_NC32as_A2", NcGpu, 32, 96.0, 352, 32, 8, true, 1, A2),
    s("Standard_NC32as_A2_v1", NcGpu, 32, 224.0, 352, 32, 8, true, 1, A2),
    s("Standard_NC32as_2A2_v1", NcGpu, 32, 224.0, 352, 32, 8, true, 2, A2),
    // HPN with a GPU (14 NICs)
    s("Standard_DS2_v2_HPN_T4_v3", HpnGpu, 2, 7.0, 14, 8, 14, true, 1, T4),
    s("Standard_DS3_v2_HPN_T4_v3", HpnGpu, 4, 14.0, 28, 16, 14, true, 1, T4),
    s("Standard_DS4_v2_HPN_T4_v3", HpnGpu, 8, 28.0, 56, 32, 14, true, 1, T4),
    s("Standard_F2s_HPN_T4_v3", HpnGpu, 2, 4.0, 8, 8, 14, true, 1, T4),
    s("Standard_F4s_HPN_T4_v3", HpnGpu, 4, 8.0, 16, 16, 14, true, 1, T4),
    s("Standard_F8s_HPN_T4_v3", HpnGpu, 8, 16.0, 32, 32, 14, true, 1, T4),
    s("Standard_F12s_HPN_T4_v3", HpnGpu, 12, 24.0, 48, 64, 14, true, 1, T4),
    s("Standard_F16s_HPN_T4_v3", HpnGpu, 16, 32.0, 64, 64, 14, true, 1, T4),
    s("Standard_F12_HPN_T4_v3", HpnGpu, 12, 24.0, 64, 64, 14, true, 1, T4),
    s("Standard_DS2_v2_HPN_A2", HpnGpu, 2, 7.0, 14, 8, 14, true, 1, A2),
    s("Standard_DS3_v2_HPN_A2", HpnGpu, 4, 14.0, 28, 16, 14, true, 1, A2),
    s("Standard_DS4_v2_HPN_A2", HpnGpu, 8, 28.0, 56, 32, 14, true, 1, A2),
    s("Standard_F2s_HPN_A2", HpnGpu, 2, 4.0, 8, 8, 14, true, 1, A2),
    s("Standard_F4s_HPN_A2", HpnGpu, 4, 8.0, 16, 16, 14, true, 1, A2),
    s("Standard_F8s_HPN_A2", HpnGpu, 8, 16.0, 32, 32, 14, true, 1, A2),
    s("Standard_F12s_HPN_A2", HpnGpu, 12, 24.0, 48, 64, 14, true, 1, A2),
    s("Standard_F16s_HPN_A2", HpnGpu, 16, 32.0, 64, 64, 14, true, 1, A2),
    // The table's 64 GiB, where its T4 twin and Standard_F12_HPN have 24 (the docs disagree with themselves).
    s("Standard_F12_HPN_A2", HpnGpu, 12, 64.0, 64, 64, 14, true, 1, A2),
];

/// A size by name (case-insensitive), whatever the GPU model.
pub fn find(name: &str) -> Option<&'static VmSize> {
    CATALOG.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// The sizes a device with this GPU model offers: every CPU size plus the GPU sizes of its model.
pub fn sizes_for(model: GpuModel) -> impl Iterator<Item = &'static VmSize> {
    CATALOG.iter().filter(move |s| s.gpu_model.is_none() || s.gpu_model == Some(model))
}

/// A size the device with this GPU model offers, by name (case-insensitive).
pub fn find_for(model: GpuModel, name: &str) -> Option<&'static VmSize> {
    sizes_for(model).find(|s| s.name.eq_ignore_ascii_case(name))
}

/// GPUs a size takes (0 for CPU sizes and unknown names). A custom GPU size counts the least it takes (1):
/// use [`gpu_count_with`] when the device's custom sizes are known.
pub fn gpu_count(size: &str) -> u32 {
    gpu_count_with(size, &[])
}

/// GPUs a size takes, with the device's custom sizes (as `Get-HcsVMCustomSizes` shows them).
pub fn gpu_count_with(size: &str, custom: &[CustomSize]) -> u32 {
    match custom_sizes::gpus_of(size, custom) {
        Some((n, _)) => n,
        None => find(size).map(|s| s.gpus).unwrap_or(0),
    }
}

/// The sizes a device offers: every catalog size of its GPU model and the custom sizes set on it.
pub fn offered(model: GpuModel, custom: &[CustomSize]) -> Vec<VmSize> {
    let mut all: Vec<VmSize> = sizes_for(model).cloned().collect();
    all.extend(custom.iter().filter(|c| c.gpu_model().is_none_or(|m| m == model)).map(CustomSize::vm_size));
    all
}

/// A size the device offers, by name (case-insensitive).
pub fn find_offered(model: GpuModel, custom: &[CustomSize], name: &str) -> Option<VmSize> {
    offered(model, custom).into_iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// The GPU model a size needs, custom sizes included (None: a CPU size, or a name no device offers).
pub fn gpu_model_of(name: &str) -> Option<GpuModel> {
    match custom_sizes::custom_name(name) {
        Some((_, m)) => m,
        None => find(name).and_then(|s| s.gpu_model),
    }
}

/// Whether a size is a GPU size (of either model), custom GPU sizes included.
pub fn is_gpu_size(size: &str) -> bool {
    gpu_count(size) > 0
}

/// The GPU sizes a device with this model offers, by name (for messages: "use one of ...").
pub fn gpu_size_names(model: GpuModel) -> Vec<&'static str> {
    sizes_for(model).filter(|s| s.is_gpu()).map(|s| s.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_consistent() {
        let mut names: Vec<_> = CATALOG.iter().map(|s| s.name.to_ascii_lowercase()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len(), "duplicate size names");
        for s in CATALOG {
            assert_eq!(s.gpus > 0, s.gpu_model.is_some(), "{}", s.name);
            assert!(s.vcpus > 0 && s.memory_gib > 0.0);
        }
    }

    #[test]
    fn documented_gpu_sizes() {
        let t4 = find("standard_nc4as_t4_v3").unwrap();
        assert_eq!((t4.vcpus, t4.memory_gib, t4.temp_storage_gib, t4.gpus, t4.max_nics), (4, 28.0, 176, 1, 4));
        assert_eq!(gpu_count("Standard_NC32as_2T4_v1"), 2);
        assert_eq!(gpu_count("Standard_NC32as_2A2_v1"), 2);
        assert_eq!(gpu_count("Standard_NC8as_A2"), 1);
        assert_eq!(gpu_count("Standard_D1_v2"), 0);
        assert_eq!(gpu_count("Standard_Nope"), 0);
        assert_eq!(gpu_count("Standard_F4s_HPN_T4_v3"), 1);
    }

    #[test]
    fn the_2023_table() {
        let row = |n: &str| {
            let s = find(n).unwrap_or_else(|| panic!("{n} missing"));
            (s.vcpus, s.memory_gib, s.temp_storage_gib, s.max_data_disks, s.max_nics, s.premium_storage)
        };
        assert_eq!(row("Standard_F4s_v1"), (4, 4.0, 8, 8, 4, true));
        assert_eq!(row("Standard_F32s_v1"), (32, 96.0, 64, 64, 8, true));
        assert_eq!(row("Standard_F32s_v3"), (32, 224.0, 64, 64, 8, true));
        assert_eq!(row("Standard_F32s"), (32, 48.0, 64, 64, 8, true));
        assert_eq!(row("Standard_F12"), (12, 24.0, 256, 64, 8, true));
        assert_eq!(row("Standard_F12_HPN"), (12, 24.0, 64, 64, 14, true));
        assert_eq!(row("Standard_F12_HPN_T4_v3"), (12, 24.0, 64, 64, 14, true));
        assert_eq!(row("Standard_F12_HPN_A2"), (12, 64.0, 64, 64, 14, true));
        assert_eq!(row("Standard_DS2_v2"), (2, 7.0, 14, 8, 2, true));
        assert!(CATALOG.iter().filter(|s| matches!(s.family, Hpn | HpnGpu)).all(|s| s.max_nics == 14));
        assert!(CATALOG.iter().filter(|s| s.family != Dv2).all(|s| s.premium_storage));
    }

    #[test]
    fn custom_sizes_take_gpus() {
        let set = [super::super::custom_sizes::CustomSize::parse("Custom_GPU_T4_v3:8:56:2").unwrap()];
        assert_eq!(gpu_count("Custom_GPU_T4_v3"), 1, "the least a custom GPU size takes");
        assert_eq!(gpu_count_with("Custom_GPU_T4_v3", &set), 2);
        assert_eq!(gpu_count("Custom_NonGPU"), 0);
        assert!(is_gpu_size("custom_gpu_a2"));
        assert_eq!(gpu_model_of("Custom_GPU_A2"), Some(GpuModel::A2));
        let offered_t4 = offered(GpuModel::T4, &set);
        assert!(offered_t4.iter().any(|s| s.name == "Custom_GPU_T4_v3" && s.gpus == 2 && s.vcpus == 8));
        assert!(offered(GpuModel::A2, &set).iter().all(|s| s.name != "Custom_GPU_T4_v3"));
        assert!(find_offered(GpuModel::T4, &[], "Custom_GPU_T4_v3").is_none(), "only once it is set");
    }

    #[test]
    fn sizes_follow_the_gpu_model() {
        assert!(find_for(GpuModel::T4, "Standard_NC4as_T4_v3").is_some());
        assert!(find_for(GpuModel::T4, "Standard_NC4as_A2").is_none());
        assert!(find_for(GpuModel::A2, "Standard_NC4as_A2").is_some());
        assert!(find_for(GpuModel::A2, "Standard_NC4as_T4_v3").is_none());
        assert!(find_for(GpuModel::A2, "Standard_D1_v2").is_some());
        assert!(gpu_size_names(GpuModel::T4).iter().all(|n| n.contains("T4")));
        assert!(gpu_size_names(GpuModel::A2).iter().all(|n| n.contains("A2")));
    }

    #[test]
    fn arm_shape() {
        let v = find("Standard_D1_v2").unwrap().arm_json();
        assert_eq!(v["memoryInMB"], 3584);
        assert_eq!(v["numberOfCores"], 1);
        assert_eq!(v["maxDataDiskCount"], 4);
    }
}
