//! Custom VM sizes: the sizes an admin defines on the device itself, in its PowerShell interface
//! (Microsoft docs, `articles/databox-online/azure-stack-edge-create-vm-with-custom-size.md`, 08/18/2023 and
//! 10/30/2023; new in release 2309, per its release notes of 10/26/2023).
//!
//! - `Custom_NonGPU` (no GPU) and `Custom_GPU_T4_v3` (T4 devices) or `Custom_GPU_A2` (A2 devices); "The
//!   `Name` for these sizes cannot be modified", so there is one of each;
//! - `Get-HcsVMCustomSizes` shows them, e.g. `[{'Name':'Custom_NonGPU','Cores':8,'MemoryMb':14336},
//!   {'Name':'Custom_GPU_T4_v3','Cores':8,'MemoryMb':28672,'GpuCount': 1}]` (the defaults);
//!   `Set-HcsVMCustomSizes -CustomVMSizesJson "<that array>"` changes them; "`GpuCount` can only be a value
//!   compatible with the number of GPUs on your device, which is 1 or 2"; a size a VM uses cannot change;
//!   it takes about five minutes;
//! - the doc checks the result with `Get-AzVmSize -Location dbelocal`: ARM lists the custom sizes among the
//!   `vmSizes` with their cores and memory, but ARM shows no GPU count, so the client takes it from the
//!   connection profile (`deviceFacts.customSizes`) and otherwise counts the least a custom GPU size takes
//!   (1), and says so.
//!
//! The docs give no range for cores or memory: asegpu refuses more than the device has (48 vCPUs and
//! 128 GiB raw, technical specifications, 04/12/2023).

use super::sizes::{Family, GpuModel, VmSize};
use serde::{Deserialize, Serialize};

pub const CUSTOM_NON_GPU: &str = "Custom_NonGPU";
pub const CUSTOM_GPU_T4: &str = "Custom_GPU_T4_v3";
pub const CUSTOM_GPU_A2: &str = "Custom_GPU_A2";

/// The three custom size names, with the GPU model each needs (None: a CPU size).
pub const CUSTOM_SIZE_NAMES: [(&str, Option<GpuModel>); 3] =
    [(CUSTOM_NON_GPU, None), (CUSTOM_GPU_T4, Some(GpuModel::T4)), (CUSTOM_GPU_A2, Some(GpuModel::A2))];

/// The device-side command that defines custom sizes, for messages (the doc's example).
pub const HOW_TO_SET: &str = "connect to the device's PowerShell interface and run Set-HcsVMCustomSizes, e.g. \
    `Set-HcsVMCustomSizes -CustomVMSizesJson \"[{'Name':'Custom_NonGPU','Cores':4,'MemoryMb':4096},\
    {'Name':'Custom_GPU_T4_v3','Cores':8,'MemoryMb':28672,'GpuCount':2}]\"` (Custom_GPU_A2 on an A2 device), then \
    check it with Get-HcsVMCustomSizes";

/// The canonical name of a custom size (case-insensitive), and the GPU model it needs.
pub fn custom_name(name: &str) -> Option<(&'static str, Option<GpuModel>)> {
    CUSTOM_SIZE_NAMES.iter().copied().find(|(n, _)| n.eq_ignore_ascii_case(name))
}

pub fn is_custom(name: &str) -> bool {
    custom_name(name).is_some()
}

/// A custom size as the admin set it (`Get-HcsVMCustomSizes`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomSize {
    pub name: &'static str,
    pub vcpus: u32,
    pub memory_gib: f64,
    /// 0 for `Custom_NonGPU`; 1 or 2 for the GPU sizes.
    pub gpus: u32,
}

/// The most vCPUs and memory a custom size may have here: what the device has (see the module's comment).
pub const MAX_VCPUS: u32 = 48;
pub const MAX_MEMORY_GIB: f64 = 128.0;

impl CustomSize {
    /// Check a custom size's values.
    pub fn new(name: &str, vcpus: u32, memory_gib: f64, gpus: Option<u32>) -> crate::Result<CustomSize> {
        let Some((name, model)) = custom_name(name) else {
            return Err(crate::Error::invalid(format!(
                "'{}' is not a custom size name: the device's custom sizes are {CUSTOM_NON_GPU}, {CUSTOM_GPU_T4} and \
                 {CUSTOM_GPU_A2}",
                name.escape_debug()
            )));
        };
        let gpus = match (model, gpus) {
            (None, None | Some(0)) => 0,
            (None, Some(n)) => {
                return Err(crate::Error::invalid(format!(
                    "{name} is the custom size without a GPU: give no GPU count, not {n}"
                )))
            }
            (Some(_), None) => 1,
            (Some(_), Some(n)) => super::validate_gpu_count(n)
                .map_err(|_| crate::Error::invalid(format!("{name}: a custom GPU size takes 1 or 2 GPUs, not {n}")))?,
        };
        if !(1..=MAX_VCPUS).contains(&vcpus) {
            return Err(crate::Error::invalid(format!("{name}: vCPUs must be 1 to {MAX_VCPUS}, not {vcpus}")));
        }
        if !(memory_gib.is_finite() && memory_gib > 0.0 && memory_gib <= MAX_MEMORY_GIB) {
            return Err(crate::Error::invalid(format!(
                "{name}: memory must be more than 0 and at most {MAX_MEMORY_GIB} GiB, not {memory_gib}"
            )));
        }
        Ok(CustomSize { name, vcpus, memory_gib, gpus })
    }

    /// Parse `NAME:VCPUS:MEMORY_GIB[:GPUS]`, e.g. `Custom_GPU_T4_v3:8:56:2` (the CLI's and PowerShell's form).
    pub fn parse(spec: &str) -> crate::Result<CustomSize> {
        let bad = || {
            crate::Error::invalid(format!(
                "custom size '{}' is not NAME:VCPUS:MEMORY_GIB[:GPUS], e.g. {CUSTOM_GPU_T4}:8:56:1 (as \
                 Get-HcsVMCustomSizes on the device shows it)",
                spec.escape_debug()
            ))
        };
        let parts: Vec<&str> = spec.trim().split(':').map(str::trim).collect();
        if !(3..=4).contains(&parts.len()) {
            return Err(bad());
        }
        let vcpus = parts[1].parse().map_err(|_| bad())?;
        let memory: f64 = parts[2].parse().map_err(|_| bad())?;
        let gpus = parts.get(3).map(|g| g.parse()).transpose().map_err(|_| bad())?;
        CustomSize::new(parts[0], vcpus, memory, gpus)
    }

    /// The GPU model the size needs (None for `Custom_NonGPU`).
    pub fn gpu_model(&self) -> Option<GpuModel> {
        custom_name(self.name).and_then(|(_, m)| m)
    }

    /// The size as a catalog entry (temp storage, data disks and NICs as the nearest documented size).
    pub fn vm_size(&self) -> VmSize {
        VmSize {
            name: self.name,
            family: Family::Custom,
            vcpus: self.vcpus,
            memory_gib: self.memory_gib,
            temp_storage_gib: 0,
            max_data_disks: (self.vcpus * 2).clamp(4, 32),
            max_nics: if self.vcpus >= 8 { 8 } else { 4 },
            premium_storage: true,
            gpus: self.gpus,
            gpu_model: self.gpu_model(),
        }
    }
}

impl std::str::FromStr for CustomSize {
    type Err = String;
    /// [`CustomSize::parse`], for command lines.
    fn from_str(s: &str) -> Result<CustomSize, String> {
        CustomSize::parse(s).map_err(|e| e.message)
    }
}

/// Custom sizes a device of this GPU model can have: at most one of each name, and a custom GPU size only
/// for its own model ("Make sure to modify the correct GPU custom size that corresponds with the GPU on
/// your device"). One check for the profile's facts, the emulator's options and its control API.
pub fn check_set(set: &[CustomSize], model: Option<GpuModel>) -> crate::Result<()> {
    let mut seen = Vec::new();
    for c in set {
        if seen.contains(&c.name) {
            return Err(crate::Error::invalid(format!(
                "custom sizes name {} twice: a device has at most one of each custom size",
                c.name
            )));
        }
        seen.push(c.name);
        if let (Some(need), Some(have)) = (c.gpu_model(), model) {
            if need != have {
                return Err(crate::Error::invalid(format!(
                    "{} is the custom size of {need:?} devices, and this device has {have:?} GPUs",
                    c.name
                )));
            }
        }
    }
    Ok(())
}

/// The JSON form: `{"name", "vcpus", "memoryGib", "gpus"}`, an entry as `Get-HcsVMCustomSizes` prints it
/// (`{"Name", "Cores", "MemoryMb", "GpuCount"}`), or the `NAME:VCPUS:MEMORY_GIB[:GPUS]` string.
#[derive(Deserialize)]
#[serde(untagged)]
enum CustomSizeJson {
    Spec(String),
    #[serde(rename_all = "PascalCase")]
    Device {
        name: String,
        cores: u32,
        memory_mb: f64,
        #[serde(default)]
        gpu_count: Option<u32>,
    },
    #[serde(rename_all = "camelCase")]
    Fields {
        name: String,
        vcpus: u32,
        memory_gib: f64,
        #[serde(default)]
        gpus: Option<u32>,
    },
}

impl<'de> Deserialize<'de> for CustomSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = match CustomSizeJson::deserialize(d)? {
            CustomSizeJson::Spec(s) => CustomSize::parse(&s),
            CustomSizeJson::Device { name, cores, memory_mb, gpu_count } => {
                CustomSize::new(&name, cores, memory_mb / 1024.0, gpu_count)
            }
            CustomSizeJson::Fields { name, vcpus, memory_gib, gpus } => CustomSize::new(&name, vcpus, memory_gib, gpus),
        };
        r.map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// GPUs a VM of a custom GPU size takes: what the profile says, else 1 (the least), with `known` false.
pub fn gpus_of(name: &str, set: &[CustomSize]) -> Option<(u32, bool)> {
    let (canonical, model) = custom_name(name)?;
    model?;
    Some(match set.iter().find(|c| c.name == canonical) {
        Some(c) => (c.gpus, true),
        None => (1, false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_models() {
        assert_eq!(custom_name("custom_gpu_t4_v3"), Some((CUSTOM_GPU_T4, Some(GpuModel::T4))));
        assert_eq!(custom_name("Custom_GPU_A2"), Some((CUSTOM_GPU_A2, Some(GpuModel::A2))));
        assert_eq!(custom_name("Custom_NonGPU"), Some((CUSTOM_NON_GPU, None)));
        assert!(!is_custom("Standard_NC4as_T4_v3"));
    }

    #[test]
    fn specs_parse_and_are_checked() {
        let c = CustomSize::parse("Custom_GPU_T4_v3:8:56:2").unwrap();
        assert_eq!((c.name, c.vcpus, c.memory_gib, c.gpus), (CUSTOM_GPU_T4, 8, 56.0, 2));
        assert_eq!(CustomSize::parse(" custom_nongpu : 4 : 16 ").unwrap().gpus, 0);
        assert_eq!(CustomSize::parse("Custom_GPU_A2:4:28").unwrap().gpus, 1);
        for (bad, needle) in [
            ("Custom_GPU_T4_v3:8:56:3", "1 or 2"),
            ("Custom_NonGPU:8:56:1", "without a GPU"),
            ("Custom_GPU_T4_v3:0:56", "vCPUs"),
            ("Custom_GPU_T4_v3:49:56", "vCPUs"),
            ("Custom_GPU_T4_v3:8:129", "memory"),
            ("Custom_GPU_T4_v3:8:0", "memory"),
            ("Custom_GPU_T4_v3:8:NaN", "memory"),
            ("Standard_D1_v2:1:3.5", "not a custom size"),
            ("Custom_GPU_T4_v3", "NAME:VCPUS"),
            ("Custom_GPU_T4_v3:x:56", "NAME:VCPUS"),
        ] {
            let e = CustomSize::parse(bad).unwrap_err().message;
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }

    #[test]
    fn json_forms() {
        let v: Vec<CustomSize> =
            serde_json::from_str(r#"["Custom_GPU_T4_v3:8:56:2", {"name":"Custom_NonGPU","vcpus":2,"memoryGib":8}]"#)
                .unwrap();
        assert_eq!((v[0].gpus, v[1].gpus, v[1].vcpus), (2, 0, 2));
        // As Get-HcsVMCustomSizes prints the defaults (with double quotes).
        let d: Vec<CustomSize> = serde_json::from_str(
            r#"[{"Name":"Custom_NonGPU","Cores":8,"MemoryMb":14336},{"Name":"Custom_GPU_T4_v3","Cores":8,"MemoryMb":28672,"GpuCount": 1}]"#,
        )
        .unwrap();
        assert_eq!((d[0].memory_gib, d[1].memory_gib, d[1].gpus), (14.0, 28.0, 1));
        assert!(serde_json::from_str::<CustomSize>(r#""Custom_GPU_T4_v3:8:56:9""#).is_err());
        assert_eq!(serde_json::to_value(&v[0]).unwrap()["memoryGib"], 56.0);
    }

    #[test]
    fn a_set_fits_the_device() {
        let t4 = CustomSize::parse("Custom_GPU_T4_v3:8:28:2").unwrap();
        let cpu = CustomSize::parse("Custom_NonGPU:4:16").unwrap();
        assert!(check_set(&[t4.clone(), cpu.clone()], Some(GpuModel::T4)).is_ok());
        assert!(check_set(std::slice::from_ref(&t4), None).is_ok(), "model unknown: nothing to compare");
        let e = check_set(std::slice::from_ref(&t4), Some(GpuModel::A2)).unwrap_err().message;
        assert!(e.contains("T4 devices") && e.contains("A2 GPUs"), "{e}");
        let e = check_set(&[cpu.clone(), cpu], Some(GpuModel::T4)).unwrap_err().message;
        assert!(e.contains("twice"), "{e}");
        assert_eq!("Custom_GPU_A2:4:28".parse::<CustomSize>().unwrap().gpus, 1);
        assert!("Custom_GPU_A2:4".parse::<CustomSize>().unwrap_err().contains("NAME:VCPUS"));
    }

    #[test]
    fn gpu_counts() {
        let set = [CustomSize::parse("Custom_GPU_T4_v3:8:56:2").unwrap()];
        assert_eq!(gpus_of("Custom_GPU_T4_v3", &set), Some((2, true)));
        assert_eq!(gpus_of("Custom_GPU_A2", &set), Some((1, false)));
        assert_eq!(gpus_of("Custom_NonGPU", &set), None);
        assert_eq!(gpus_of("Standard_D1_v2", &set), None);
    }
}
