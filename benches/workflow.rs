//! On-demand benchmarks (not CI pass/fail), each printed as a ratio to a named baseline measured in the
//! same run (`scripts/bench.sh` runs this and the upload benchmark and writes BENCHMARKS.md):
//!
//! 1. `asegpu` CLI: connect + GPU availability + VM list, vs. the Azure CLI 2.66 doing cloud register +
//!    login + `vm list` against the same emulator (wall time and peak memory of the processes);
//! 2. C ABI call overhead: a no-op call and a JSON round trip through the ABI, vs. the direct Rust calls;
//! 3. a 100-device fleet GPU report (100 emulated devices in this process) wall time, vs. one device.

use asegpu_core::arm::ConnectOptions;
use asegpu_core::ops::fleet::{self, Fleet, FleetDevice};
use asegpu_core::progress::{CancelToken, Progress};
use asegpu_sim::{Sim, SimConfig};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

const PW: &str = "Bench-Passw0rd";

/// Run a command to completion; return (wall time, peak RSS in KiB, success). (Reaped with wait4, which
/// clippy cannot see.)
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command) -> (Duration, i64, bool) {
    let t = Instant::now();
    let child = cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped()).spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let ok = r == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    if !ok {
        let mut err = String::new();
        if let Some(mut e) = child.stderr {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        eprintln!("  command failed: {cmd:?}: {err}");
    }
    (t.elapsed(), usage.ru_maxrss, ok)
}

fn sim_config(dir: &Path, name: &str) -> SimConfig {
    let mut c = SimConfig::new(PW, dir.join(name));
    c.device_name = name.into();
    c.time_scale = 100_000.0;
    c.retry_after_secs = 0;
    c
}

fn options(sim: &Sim) -> ConnectOptions {
    let mut o = ConnectOptions::new(&sim.info.arm_endpoint);
    o.tls.ca_cert_file = Some(sim.info.ca_cert.clone().into());
    o.device_ip = Some("127.0.0.1".into());
    o.device.gpu_count = Some(2);
    o.device.kubernetes_configured = Some(false);
    o
}

fn cli_vs_az(rt: &tokio::runtime::Runtime, dir: &Path) {
    println!("\n## 1. CLI: connect + GPU availability + VM list vs. Azure CLI 2.66 login + vm list");
    let sim = rt.block_on(Sim::start(sim_config(dir, "dbe-bench"))).unwrap();
    let asegpu = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/asegpu");
    let asegpu =
        if asegpu.exists() { asegpu } else { Path::new(env!("CARGO_MANIFEST_DIR")).join("target/debug/asegpu") };
    let runs = 5;
    let (mut ours, mut ours_rss) = (Duration::ZERO, 0i64);
    for i in 0..runs {
        let cfg = dir.join(format!("cfg{i}"));
        let run = |args: &[&str]| {
            measure(Command::new(&asegpu).args(args).env("ASEGPU_CONFIG_DIR", &cfg).env("ASEGPU_PASSWORD", PW))
        };
        let steps = [
            run(&[
                "connect",
                "--arm-endpoint",
                &sim.info.arm_endpoint,
                "--ca-cert",
                &sim.info.ca_cert,
                "--device-ip",
                "127.0.0.1",
                "--gpu-count",
                "2",
                "--kubernetes",
                "false",
            ]),
            run(&["gpu", "availability", "-o", "json"]),
            run(&["vm", "list", "-o", "json"]),
        ];
        assert!(steps.iter().all(|s| s.2), "asegpu CLI failed");
        ours += steps.iter().map(|s| s.0).sum::<Duration>();
        ours_rss = ours_rss.max(steps.iter().map(|s| s.1).max().unwrap_or(0));
    }
    let ours = ours / runs;
    println!(
        "asegpu ({}): {:.3} s per workflow (mean of {runs}), peak RSS {} MiB",
        asegpu.display(),
        ours.as_secs_f64(),
        ours_rss / 1024
    );
    let cache = std::env::var("ASEGPU_CACHE")
        .unwrap_or_else(|_| format!("{}/.cache/asegpu", std::env::var("HOME").unwrap_or_default()));
    let az = Path::new(&cache).join("venv-azcli-2.66/bin/az");
    if !az.exists() {
        println!("Azure CLI: skipped (run tests/azcli/install.sh to install azure-cli 2.66 into {})", az.display());
    } else {
        let az_runs = 3;
        let (mut theirs, mut theirs_rss) = (Duration::ZERO, 0i64);
        for i in 0..az_runs {
            let cfg = dir.join(format!("az{i}"));
            let run = |args: &[&str]| {
                measure(
                    Command::new(&az)
                        .args(args)
                        .env("AZURE_CONFIG_DIR", &cfg)
                        .env("REQUESTS_CA_BUNDLE", &sim.info.ca_cert)
                        .env("AZURE_CORE_COLLECT_TELEMETRY", "no"),
                )
            };
            let name = format!("asebench{i}");
            let steps = [
                run(&["cloud", "register", "-n", &name, "--endpoint-resource-manager", &sim.info.arm_endpoint_ip]),
                run(&["cloud", "set", "-n", &name]),
                run(&["cloud", "update", "--profile", "2019-03-01-hybrid"]),
                run(&["login", "-u", "EdgeArmUser", "-p", PW]),
                run(&["vm", "list", "-o", "json"]),
            ];
            assert!(steps.iter().all(|s| s.2), "az failed");
            theirs += steps.iter().map(|s| s.0).sum::<Duration>();
            theirs_rss = theirs_rss.max(steps.iter().map(|s| s.1).max().unwrap_or(0));
        }
        let theirs = theirs / az_runs;
        println!(
            "Azure CLI 2.66 (baseline): {:.3} s per workflow (mean of {az_runs}), peak RSS {} MiB",
            theirs.as_secs_f64(),
            theirs_rss / 1024
        );
        println!(
            "ratio: asegpu is {:.1}x faster (wall time) and uses {:.1}x less peak memory",
            theirs.as_secs_f64() / ours.as_secs_f64(),
            theirs_rss as f64 / ours_rss.max(1) as f64
        );
    }
    rt.block_on(sim.stop());
}

fn abi_overhead() {
    println!("\n## 2. C ABI call overhead vs. a direct Rust call");
    let n = 2_000_000u32;
    // Through the C calling convention, via a function pointer the optimiser cannot see through.
    let f: extern "C" fn() -> u32 = std::hint::black_box(asegpu::asegpu_abi_version);
    let t = Instant::now();
    let mut acc = 0u32;
    for _ in 0..n {
        acc = acc.wrapping_add(f());
    }
    let via_abi = t.elapsed();
    let t = Instant::now();
    for _ in 0..n {
        acc = acc.wrapping_add(std::hint::black_box(asegpu::ASEGPU_ABI_VERSION));
    }
    let direct = t.elapsed();
    std::hint::black_box(acc);
    println!(
        "no-op: {:.1} ns per ABI call vs {:.1} ns direct (baseline): overhead {:.1} ns",
        via_abi.as_nanos() as f64 / n as f64,
        direct.as_nanos() as f64 / n as f64,
        (via_abi.as_nanos() as f64 - direct.as_nanos() as f64) / n as f64
    );
    // JSON round trip: an error object rendered to JSON and freed through the ABI, vs. Error::to_json in Rust.
    let err = {
        let mut e: *mut asegpu::AsegpuError = std::ptr::null_mut();
        asegpu::asegpu_debug_panic(0, &mut e);
        e
    };
    let n = 200_000u32;
    let t = Instant::now();
    for _ in 0..n {
        // SAFETY: err is a live error; the returned string is freed once.
        unsafe {
            let s = asegpu::asegpu_error_to_json(err);
            asegpu::asegpu_string_free(s);
        }
    }
    let via_abi = t.elapsed();
    let e = asegpu_core::Error::new(
        asegpu_core::Status::Panic,
        "internal error (panic caught at the C ABI boundary): asegpu_debug_panic",
    );
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(e.to_json().to_string());
    }
    let direct = t.elapsed();
    // SAFETY: err came from asegpu and is freed once.
    unsafe { asegpu::asegpu_error_free(err) };
    println!(
        "JSON round trip: {:.2} µs per ABI call (render + copy out + free) vs {:.2} µs direct (baseline): ratio {:.2}",
        via_abi.as_secs_f64() * 1e6 / n as f64,
        direct.as_secs_f64() * 1e6 / n as f64,
        via_abi.as_secs_f64() / direct.as_secs_f64()
    );
}

fn fleet_report(rt: &tokio::runtime::Runtime, dir: &Path) {
    println!("\n## 3. Fleet GPU report over 100 emulated devices");
    let mut sims = Vec::new();
    for i in 0..100 {
        sims.push(rt.block_on(Sim::start(sim_config(dir, &format!("edge{i:03}")))).unwrap());
    }
    let devices: Vec<FleetDevice> = sims
        .iter()
        .enumerate()
        .map(|(i, s)| FleetDevice {
            name: format!("edge{i:03}"),
            connect: options(s),
            password_file: None,
            password_env: None,
        })
        .collect();
    let pw = Zeroizing::new(PW.to_string());
    let one = Fleet { devices: devices[..1].to_vec() };
    let all = Fleet { devices };
    let c = CancelToken::new();
    let t = Instant::now();
    let rows = rt.block_on(fleet::gpu_report(&one, Some(&pw), 1, &Progress::none(), &c));
    let single = t.elapsed();
    assert!(rows.iter().all(|r| r.ok));
    for conc in [16usize, 64] {
        let t = Instant::now();
        let rows = rt.block_on(fleet::gpu_report(&all, Some(&pw), conc, &Progress::none(), &c));
        let wall = t.elapsed();
        assert!(rows.iter().all(|r| r.ok), "every device answered");
        println!(
            "100 devices, concurrency {conc}: {:.2} s wall; one device (baseline): {:.3} s; ratio {:.1} (a sequential run would be ~{:.0})",
            wall.as_secs_f64(),
            single.as_secs_f64(),
            wall.as_secs_f64() / single.as_secs_f64(),
            100.0
        );
    }
    for s in sims {
        rt.block_on(s.stop());
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let only = std::env::args().skip(1).find(|a| !a.starts_with("--")).unwrap_or_default();
    println!(
        "# asegpu workflow benchmarks ({} cores)",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    if only.is_empty() || only == "cli" {
        cli_vs_az(&rt, dir.path());
    }
    if only.is_empty() || only == "abi" {
        abi_overhead();
    }
    if only.is_empty() || only == "fleet" {
        fleet_report(&rt, dir.path());
    }
}
