//! asegpu-core: everything asegpu knows and does for Azure Stack Edge Pro GPU devices, with no command line,
//! server or C ABI in it; the CLI, the emulator and the C ABI are thin skins on it.
//!
//! - [`arm`]: the ARM client (TLS trust, AD FS sign-in, retries, long-running operations, resources, blobs);
//! - [`device`]: what the docs say about the devices (sizes, custom sizes, GPU rules, the GPU extension,
//!   limits), each fact with its source;
//! - [`template`]: the ARM template engine;
//! - [`ops`]: the admin's jobs (bring an image, deploy, VMs, the GPU extension, availability, preflight,
//!   updates, fleets);
//! - [`error`], [`progress`]: the errors every surface shows, and progress events and cancellation.

// Errors carry the ARM details (code, message, HTTP status, request ids) by value: they are rare and travel
// on slow network paths, so their size does not matter.
#![allow(clippy::result_large_err)]

pub mod arm;
pub mod device;
pub mod error;
pub mod ops;
pub mod progress;
pub mod template;

pub use error::{Error, Result, Status};
