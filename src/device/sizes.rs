//! The VM size catalog of Azure Stack Edge Pro GPU devices (Microsoft docs, "VM sizes and types for Azure
//! Stack Edge Pro", include `azure-stack-edge-gateway-supported-vm-sizes.md`, 2021-2023 versions).
//!
//! N-series sizes exist per GPU model: a T4 device offers the `*_T4_*` sizes, an A2 device the `*_A2*` ones
//! ("The GPU VM that you deploy should match the GPU type on your Azure Stack Edge device").
//! Values the docs do not give (temp storage of HPN GPU sizes, data disks of N-series) are taken from the
//! closest documented size and marked as such below.

use serde::{Deserialize, Serialize};

/// The device's GPU model, which decides which GPU VM sizes exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, clap::ValueEnum)]
pub enum GpuModel {
    #[default]
    T4,
    A2,
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

/// Every size a device can offer (CPU sizes and the GPU sizes of both models).
/// N-series data disks are not documented; 8/16/32 (by vCPU) is used.
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
    // DSv2
    s("Standard_DS1_v2", DSv2, 1, 3.5, 7, 4, 2, true, 0, None),
    s("Standard_DS2_v2", DSv2, 2, 7.0, 14, 8, 4, true, 0, None),
    s("Standard_DS3_v2", DSv2, 4, 14.0, 28, 16, 4, true, 0, None),
    s("Standard_DS4_v2", DSv2, 8, 28.0, 56, 32, 8, true, 0, None),
    s("Standard_DS5_v2", DSv2, 16, 56.0, 112, 64, 8, true, 0, None),
    s("Standard_DS11_v2", DSv2, 2, 14.0, 28, 8, 2, true, 0, None),
    s("Standard_DS12_v2", DSv2, 4, 28.0, 56, 16, 4, true, 0, None),
    s("Standard_DS13_v2", DSv2, 8, 56.0, 112, 32, 8, true, 0, None),
    // F
    s("Standard_F1", F, 1, 2.0, 16, 4, 2, false, 0, None),
    s("Standard_F2", F, 2, 4.0, 32, 8, 4, false, 0, None),
    s("Standard_F4", F, 4, 8.0, 64, 16, 4, false, 0, None),
    s("Standard_F8", F, 8, 16.0, 128, 32, 8, false, 0, None),
    s("Standard_F12", F, 12, 24.0, 192, 64, 8, false, 0, None),
    s("Standard_F16", F, 16, 32.0, 256, 64, 8, false, 0, None),
    s("Standard_F1s", F, 1, 2.0, 4, 4, 2, true, 0, None),
    s("Standard_F2s", F, 2, 4.0, 8, 8, 4, true, 0, None),
    s("Standard_F4s", F, 4, 8.0, 16, 16, 4, true, 0, None),
    s("Standard_F8s", F, 8, 16.0, 32, 32, 8, true, 0, None),
    s("Standard_F16s", F, 16, 32.0, 64, 64, 8, true, 0, None),
    s("Standard_F32s", F, 32, 64.0, 128, 64, 8, true, 0, None),
    // HPN (vCPU in multiples of 2)
    s("Standard_DS2_v2_HPN", Hpn, 2, 7.0, 14, 8, 4, true, 0, None),
    s("Standard_DS3_v2_HPN", Hpn, 4, 14.0, 28, 16, 4, true, 0, None),
    s("Standard_DS4_v2_HPN", Hpn, 8, 28.0, 56, 32, 8, true, 0, None),
    s("Standard_F2s_HPN", Hpn, 2, 4.0, 8, 8, 4, true, 0, None),
    s("Standard_F4s_HPN", Hpn, 4, 8.0, 16, 16, 4, true, 0, None),
    s("Standard_F8s_HPN", Hpn, 8, 16.0, 32, 32, 8, true, 0, None),
    s("Standard_F12s_HPN", Hpn, 12, 24.0, 48, 64, 8, true, 0, None),
    s("Standard_F16s_HPN", Hpn, 16, 32.0, 64, 64, 8, true, 0, None),
    s("Standard_F12_HPN", Hpn, 12, 24.0, 192, 64, 8, false, 0, None),
    // N-series, NVIDIA T4
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
    // HPN with a GPU (max NICs 14); temp storage as the non-GPU HPN size.
    s("Standard_DS2_v2_HPN_T4_v3", HpnGpu, 2, 7.0, 14, 8, 14, true, 1, T4),
    s("Standard_DS3_v2_HPN_T4_v3", HpnGpu, 4, 14.0, 28, 16, 14, true, 1, T4),
    s("Standard_DS4_v2_HPN_T4_v3", HpnGpu, 8, 28.0, 56, 32, 14, true, 1, T4),
    s("Standard_F2s_HPN_T4_v3", HpnGpu, 2, 4.0, 8, 8, 14, true, 1, T4),
    s("Standard_F4s_HPN_T4_v3", HpnGpu, 4, 8.0, 16, 16, 14, true, 1, T4),
    s("Standard_F8s_HPN_T4_v3", HpnGpu, 8, 16.0, 32, 32, 14, true, 1, T4),
    s("Standard_F12s_HPN_T4_v3", HpnGpu, 12, 24.0, 48, 64, 14, true, 1, T4),
    s("Standard_F16s_HPN_T4_v3", HpnGpu, 16, 32.0, 64, 64, 14, true, 1, T4),
    s("Standard_F12_HPN_T4_v3", HpnGpu, 12, 24.0, 192, 64, 14, false, 1, T4),
    s("Standard_DS2_v2_HPN_A2", HpnGpu, 2, 7.0, 14, 8, 14, true, 1, A2),
    s("Standard_DS3_v2_HPN_A2", HpnGpu, 4, 14.0, 28, 16, 14, true, 1, A2),
    s("Standard_DS4_v2_HPN_A2", HpnGpu, 8, 28.0, 56, 32, 14, true, 1, A2),
    s("Standard_F2s_HPN_A2", HpnGpu, 2, 4.0, 8, 8, 14, true, 1, A2),
    s("Standard_F4s_HPN_A2", HpnGpu, 4, 8.0, 16, 16, 14, true, 1, A2),
    s("Standard_F8s_HPN_A2", HpnGpu, 8, 16.0, 32, 32, 14, true, 1, A2),
    s("Standard_F12s_HPN_A2", HpnGpu, 12, 24.0, 48, 64, 14, true, 1, A2),
    s("Standard_F16s_HPN_A2", HpnGpu, 16, 32.0, 64, 64, 14, true, 1, A2),
    s("Standard_F12_HPN_A2", HpnGpu, 12, 24.0, 192, 64, 14, false, 1, A2),
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

/// GPUs a size takes (0 for CPU sizes and unknown names).
pub fn gpu_count(size: &str) -> u32 {
    find(size).map(|s| s.gpus).unwrap_or(0)
}

/// Whether a size is a GPU size (of either model).
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
