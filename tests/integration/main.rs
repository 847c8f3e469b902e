//! asegpu's integration tests in one binary (one link instead of eleven): the library, the CLI and the C
//! ABI against the emulated device, through the shared harness (`crates/asegpu-testkit`). Two suites keep
//! their own binaries because they change the whole process: `ffi_boundary` installs the host's panic
//! hook, `secrets` replaces the global allocator.

mod cli;
mod csharp_status;
mod device_knowledge;
mod faults;
mod fleet;
mod foundation;
mod header;
mod host_safety;
mod limits;
mod ops;
mod ops_image;
