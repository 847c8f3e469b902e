//! Operations: the admin's jobs, built on the ARM client and the device knowledge. Each checks what it can
//! before it acts, reports progress, and can be cancelled.
//!
//! - [`image`]: bring an image (storage account, VHD upload as a page blob, image from blob or disk);
//! - [`deploy`]: deploy a GPU VM from a template or directly, and report its IP address;
//! - [`vm`]: VM lifecycle (get, list, start, stop staying provisioned, deallocate, restart, delete);
//! - [`extension`]: install, show and remove the NVIDIA GPU extension;
//! - [`gpu`]: GPU availability: who holds the device's GPUs;
//! - [`preflight`]: will a planned deployment fit, and if not, why and what to do;
//! - [`update`]: stop GPU VMs before a device update and start them after;
//! - [`fleet`]: GPU availability and rollouts across many devices;
//! - [`storage`]: the storage data plane as the Az storage cmdlets use it (contexts, containers, SAS, page blobs);
//! - [`rest`]: one ARM request for what has no operation of its own.

pub mod deploy;
pub mod extension;
pub mod fleet;
pub mod gpu;
pub mod image;
pub mod preflight;
pub mod rest;
pub mod storage;
pub mod update;
pub mod vm;
