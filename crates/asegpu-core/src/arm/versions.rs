//! The ARM api-versions, in one table: the versions asegpu sends, per resource type, and the versions the
//! device accepts, per provider (what the emulator's strict mode enforces). Sent: the device's documented
//! "2019-03-01-hybrid" versions (ase-workflow.md §2), except where the real templates need the older
//! 2017-03-30 compute versions (images, disks). Accepted: that table, the versions its templates pin, and
//! what the hybrid profiles (2018-03-01, 2019-03-01, 2020-09-01) resolve to, because the Azure CLI and SDKs
//! on those profiles send them. A test ties the two: every version asegpu sends is accepted.

pub const METADATA: &str = "2015-01-01";
pub const SUBSCRIPTIONS: &str = "2018-09-01";
pub const RESOURCES: &str = "2020-06-01";
pub const COMPUTE: &str = "2017-12-01";
pub const COMPUTE_IMAGES_DISKS: &str = "2017-03-30";
pub const NETWORK: &str = "2017-10-01";
pub const STORAGE: &str = "2019-06-01";
/// Blob data plane `x-ms-version` the device documents (see [`crate::device::limits::BLOB_VERSIONS`]).
pub const BLOB_DATA_PLANE: &str = crate::device::limits::BLOB_VERSION;

/// The versions the device accepts, per provider.
pub mod accepted {
    pub const RESOURCES: &[&str] =
        &["2020-06-01", "2019-10-01", "2018-09-01", "2018-05-01", "2018-02-01", "2016-09-01"];
    pub const SUBSCRIPTIONS: &[&str] = &["2018-09-01", "2016-06-01"];
    pub const COMPUTE: &[&str] = &["2020-06-01", "2019-07-01", "2017-12-01", "2017-03-30"];
    pub const NETWORK: &[&str] = &["2018-11-01", "2017-10-01"];
    pub const STORAGE: &[&str] = &["2019-06-01", "2017-10-01", "2016-01-01"];
    pub const AZURE_BRIDGE: &[&str] = &["2020-07-01"];

    /// The list for a provider namespace (case-insensitive); anything else is Microsoft.Resources'.
    pub fn for_namespace(ns: &str) -> &'static [&'static str] {
        match ns.to_ascii_lowercase().as_str() {
            "microsoft.compute" => COMPUTE,
            "microsoft.network" => NETWORK,
            "microsoft.storage" => STORAGE,
            "microsoft.azurebridge" => AZURE_BRIDGE,
            _ => RESOURCES,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_sent_is_accepted() {
        for (sent, list) in [
            (SUBSCRIPTIONS, accepted::SUBSCRIPTIONS),
            (RESOURCES, accepted::RESOURCES),
            (COMPUTE, accepted::COMPUTE),
            (COMPUTE_IMAGES_DISKS, accepted::COMPUTE),
            (NETWORK, accepted::NETWORK),
            (STORAGE, accepted::STORAGE),
        ] {
            assert!(list.contains(&sent), "{sent} is sent but not accepted ({list:?})");
        }
        assert_eq!(accepted::for_namespace("Microsoft.Compute"), accepted::COMPUTE);
        assert_eq!(accepted::for_namespace("Microsoft.Resources"), accepted::RESOURCES);
    }
}
