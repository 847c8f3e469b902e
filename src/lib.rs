//! asegpu: deploy GPU virtual machines on Azure Stack Edge Pro GPU devices through their local Azure
//! Resource Manager, from Rust, C, C#, PowerShell or the `asegpu` command line.
//!
//! Where to find things:
//! - [`arm`]: the ARM client (connect, tokens, retries, long-running operations, resource groups);
//! - [`device`]: what we know about the devices (identities, sizes, GPU extension matrix, GPU rules);
//! - [`ffi`]: the C ABI (`include/asegpu.h`), a thin skin over the core;
//! - [`sim`]: `asegpu-sim`, the device emulator used by the tests and for dry runs;
//! - [`cli`]: the `asegpu` command line.

// Errors carry the ARM details (code, message, HTTP status, request ids) by value: they are rare and travel
// on slow network paths, so their size does not matter.
#![allow(clippy::result_large_err)]

pub mod arm;
pub mod cli;
pub mod device;
pub mod error;
pub mod progress;

pub use error::{Error, Result, Status};
pub mod ffi;
pub mod ops;
pub mod sim;
pub mod template;
