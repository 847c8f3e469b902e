//! The api-versions asegpu sends, per resource type. These are the device's documented
//! "2019-03-01-hybrid" versions (ase-workflow.md §2), except where the real templates need the older
//! 2017-03-30 compute versions (images, disks).

pub const METADATA: &str = "2015-01-01";
pub const SUBSCRIPTIONS: &str = "2018-09-01";
pub const RESOURCES: &str = "2020-06-01";
pub const COMPUTE: &str = "2017-12-01";
pub const COMPUTE_IMAGES_DISKS: &str = "2017-03-30";
pub const NETWORK: &str = "2017-10-01";
pub const STORAGE: &str = "2019-06-01";
/// Blob data plane `x-ms-version` the device documents (see [`crate::device::limits::BLOB_VERSIONS`]).
pub const BLOB_DATA_PLANE: &str = crate::device::limits::BLOB_VERSION;
