//! The `asegpu` command line as a library, so that tests can reach its profile handling; the binary is
//! `src/main.rs`.

#![allow(clippy::result_large_err)]

pub mod cli;
