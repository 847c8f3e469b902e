//! The emulator's own tests in one binary, through the shared harness (`crates/asegpu-testkit`): its
//! providers over real HTTPS, template deployments, and its hardening as a process of its own.

mod deployments;
mod hardening;
mod providers;
