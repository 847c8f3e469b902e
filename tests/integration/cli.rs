//! The `asegpu` command line end to end against the emulator: connect (profile + token cache, no password
//! saved), groups, GPU availability and preflight, a GPU VM, the GPU extension, power, the update helper,
//! exit codes and JSON output.

use asegpu_testkit::{Device, DirGuard, Sim};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const PW: &str = "Cli-Secret-Passw0rd";

struct Cli {
    /// Holds the configuration directory (`<base>/cfg/asegpu`, created by the CLI itself), so that a write
    /// outside it can be seen.
    base: tempfile::TempDir,
    config: PathBuf,
}

impl Cli {
    fn new() -> Cli {
        let base = tempfile::tempdir().unwrap();
        let config = base.path().join("cfg").join("asegpu");
        Cli { base, config }
    }
    fn run(&self, args: &[&str], password: Option<&str>) -> (i32, String, String) {
        self.run_in(Command::new(env!("CARGO_BIN_EXE_asegpu")), args, password)
    }
    /// Run under `umask 000` (through a shell).
    fn run_umask_000(&self, args: &[&str], password: Option<&str>) -> (i32, String, String) {
        let mut c = Command::new("sh");
        c.arg("-c").arg("umask 000; exec \"$0\" \"$@\"").arg(env!("CARGO_BIN_EXE_asegpu"));
        self.run_in(c, args, password)
    }
    fn run_in(&self, mut c: Command, args: &[&str], password: Option<&str>) -> (i32, String, String) {
        c.args(args)
            .env("ASEGPU_CONFIG_DIR", &self.config)
            .env_remove("ASEGPU_PASSWORD")
            .env_remove("ASEGPU_LOG")
            .env("ASEGPU_VM_PASSWORD", "VmAdmin-Passw0rd");
        if let Some(p) = password {
            c.env("ASEGPU_PASSWORD", p);
        }
        let out = c.output().expect("run asegpu");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
    fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.extend(["-o", "json"]);
        let (code, out, err) = self.run(&a, None);
        assert_eq!(code, 0, "asegpu {args:?} failed: {err}");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("asegpu {args:?} printed no JSON ({e}): {out}"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = asegpu_testkit::test_config(PW, dir.path());
    let sim = Sim::start(cfg).await.unwrap();
    let cli = Cli::new();
    let connect = |pw: &str| {
        cli.run(
            &[
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
                "--release",
                "2309",
                "-o",
                "json",
            ],
            Some(pw),
        )
    };
    tokio::task::block_in_place(|| {
        // Wrong password: exit 4 with AD FS's words, and the password is nowhere.
        let (code, out, err) = connect("Not-The-Password");
        assert_eq!(code, 4, "{err}");
        assert!(err.contains("MSIS9659"), "{err}");
        assert!(!out.contains("Not-The-Password") && !err.contains("Not-The-Password"));

        let (code, out, err) = connect(PW);
        assert_eq!(code, 0, "{err}");
        let info: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(info["subscriptionName"], "Default Provider Subscription");
        // The profile and token cache never hold the password; the token file is private.
        for entry in walk(&cli.config) {
            let text = std::fs::read_to_string(&entry).unwrap_or_default();
            assert!(!text.contains(PW), "password found in {}", entry.display());
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&entry).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{} is readable by others", entry.display());
            }
        }

        // Later commands use the saved sign-in (no password in the environment).
        let g = cli.json(&["group", "create", "rg1"]);
        assert_eq!(g["name"], "rg1");
        let (code, _, err) = cli.run(&["group", "show", "nope"], None);
        assert_eq!(code, 3, "not found exits 3: {err}");
        assert!(err.contains("ResourceGroupNotFound"), "{err}");

        let a = cli.json(&["gpu", "availability"]);
        assert_eq!((a["gpuCount"].as_u64(), a["freeGpus"].as_u64()), (Some(2), Some(2)));
        let (code, out, _) = cli.run(&["gpu", "preflight", "--size", "Standard_NC4as_A2"], None);
        assert_eq!(code, 7, "a failing preflight exits 7");
        assert!(out.contains("GpuModelMismatch"), "{out}");

        // An image from a sparse fixed VHD (check, upload, image), then a GPU VM without a template.
        let vhd = cli.config.join("ubuntu18.04.vhd");
        {
            use std::io::{Seek, SeekFrom, Write};
            let size = 8u64 << 20;
            let mut f = std::fs::File::create(&vhd).unwrap();
            f.write_all(&[7u8; 65536]).unwrap();
            f.seek(SeekFrom::Start(size)).unwrap();
            f.write_all(&asegpu_core::ops::image::fixed_vhd_footer(size, [9; 16])).unwrap();
        }
        let info = cli.json(&["image", "check", vhd.to_str().unwrap()]);
        assert_eq!(info["diskSize"], 8 << 20);
        let (code, _, err) = cli.run(&["image", "check", record_dummy(&cli).to_str().unwrap()], None);
        assert_ne!(code, 0, "a non-VHD is refused: {err}");
        let img = cli.json(&[
            "image",
            "create",
            "-g",
            "rg1",
            "--storage-account",
            "clisa",
            "--vhd",
            vhd.to_str().unwrap(),
            "--name",
            "ubuntu",
            "--os-type",
            "Linux",
        ]);
        assert!(img["imageId"].as_str().unwrap().ends_with("/images/ubuntu"), "{img}");
        assert!(img["upload"]["sentBytes"].as_u64().unwrap() < 1 << 20, "holes are not sent: {img}");
        let v = cli.json(&["vm", "create", "-g", "rg1", "--name", "gpu1", "--image", "ubuntu"]);
        assert_eq!((v["powerState"].as_str(), v["gpus"].as_u64()), (Some("running"), Some(1)));
        assert!(v["privateIpAddresses"][0].as_str().is_some_and(|ip| ip.contains('.')), "{v}");

        let x = cli.json(&["extension", "install", "-g", "rg1", "--vm", "gpu1"]);
        assert_eq!(x["extension"]["provisioningState"], "Succeeded");
        assert_eq!(x["chosen"]["typeHandlerVersion"], "1.8");

        let v = cli.json(&["vm", "stop", "-g", "rg1", "gpu1"]);
        assert_eq!(v["powerState"], "stopped");
        cli.json(&["vm", "start", "-g", "rg1", "gpu1"]);
        let record = cli.config.join("record.json");
        let stopped = cli.json(&["update", "suspend", "--record", record.to_str().unwrap()]);
        assert_eq!(stopped.as_array().map(Vec::len), Some(1));
        let started = cli.json(&["update", "resume", "--record", record.to_str().unwrap()]);
        assert_eq!(started[0]["powerState"], "running");
        let (code, _, err) = cli.run(&["vm", "delete", "-g", "rg1", "gpu1"], None);
        assert_ne!(code, 0, "delete without --yes and without a terminal is refused: {err}");
        let (code, _, err) = cli.run(&["vm", "delete", "-g", "rg1", "gpu1", "--yes"], None);
        assert_eq!(code, 0, "{err}");
        assert_eq!(cli.json(&["vm", "list"]).as_array().map(Vec::len), Some(0));
    });
    sim.stop().await;
}

fn record_dummy(cli: &Cli) -> std::path::PathBuf {
    let p = cli.config.join("not-a-vhd.vhd");
    std::fs::write(&p, b"hello").unwrap();
    p
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

async fn start_sim() -> (Sim, DirGuard) {
    Device::start(PW).await.into_parts()
}

/// `asegpu connect` to the emulator; `extra` may replace the default device facts.
fn connect_args(sim: &Sim, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = ["connect", "--arm-endpoint", &sim.info.arm_endpoint, "--ca-cert", &sim.info.ca_cert]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for (flag, default) in
        [("--device-ip", "127.0.0.1"), ("--gpu-count", "2"), ("--kubernetes", "false"), ("--release", "2309")]
    {
        if !extra.contains(&flag) {
            a.extend([flag.to_string(), default.to_string()]);
        }
    }
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).permissions().mode() & 0o777
}

/// Revoke every token the emulated device issued so far (as a device session expiry does), and wait until
/// the tokens it issues next are good again.
fn revoke_tokens(sim: &Sim) {
    sim.with_state(|st| st.tokens_not_before = chrono::Utc::now().timestamp() + 1);
    std::thread::sleep(Duration::from_millis(1100));
}

/// Issue 11 item 4: profile names, device facts, parameter syntax and empty names are refused up front,
/// each with a message that says what a valid value looks like.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_inputs_are_refused_with_the_rule() {
    let (sim, _d) = start_sim().await;
    let cli = Cli::new();
    tokio::task::block_in_place(|| {
        // Profile names: they become file names, so only a safe, documented set.
        let long = "a".repeat(65);
        for bad in ["../../x", "", ".", "..", "a/b", "a\\b", "..\\x", "-x", "my profile", &long] {
            let (code, _, err) = cli.run(&strs(&connect_args(&sim, &[&format!("--name={bad}")])), Some(PW));
            assert_eq!(code, 2, "--name {bad:?}: {err}");
            assert!(err.contains("profile name") && err.contains("1 to 64"), "--name {bad:?}: {err}");
            let (code, _, err) = cli.run(&[&format!("--profile={bad}"), "group", "list"], None);
            assert_eq!(code, 2, "--profile {bad:?}: {err}");
            assert!(err.contains("profile name"), "--profile {bad:?}: {err}");
        }
        assert_eq!(walk(cli.base.path()), Vec::<PathBuf>::new(), "nothing is written for a refused name");
        let (code, _, err) = cli.run(&strs(&connect_args(&sim, &["--name", "lab-1.edge_2"])), Some(PW));
        assert_eq!(code, 0, "{err}");
        for f in walk(cli.base.path()) {
            assert!(f.starts_with(&cli.config), "{} is outside the configuration directory", f.display());
        }

        // Device facts: 1 or 2 GPUs; a YYMM release.
        for (flag, value, needles) in [
            ("--gpu-count", "7", &["1 or 2", "T4", "A2"][..]),
            ("--gpu-count", "0", &["1 or 2"]),
            ("--release", "banana", &["YYMM", "2309", "Software update"]),
            ("--release", "2313", &["YYMM", "month"]),
            ("--release", "1912", &["YYMM", "2008"]),
            ("--release", "", &["YYMM"]),
        ] {
            let (code, _, err) = cli.run(&strs(&connect_args(&sim, &[flag, value, "--name", "facts"])), Some(PW));
            assert_eq!(code, 2, "{flag} {value:?}: {err}");
            for n in needles {
                assert!(err.contains(n), "{flag} {value:?}: no '{n}' in: {err}");
            }
        }
        let (code, _, err) = cli.run(&["extension", "install", "-g", "rg", "--vm", "vm1", "--release", "banana"], None);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("YYMM"), "{err}");
        // The same rules when the facts come from a profile file.
        let path = cli.config.join("profiles.json");
        let good = std::fs::read_to_string(&path).unwrap();
        for (field, value, needle) in
            [("gpuCount", serde_json::json!(7), "1 or 2"), ("release", serde_json::json!("banana"), "YYMM")]
        {
            let mut p: Value = serde_json::from_str(&good).unwrap();
            p["profiles"]["lab-1.edge_2"]["device"][field] = value;
            std::fs::write(&path, serde_json::to_vec(&p).unwrap()).unwrap();
            let (code, _, err) = cli.run(&["gpu", "availability"], None);
            assert_eq!(code, 1, "{field} in the profile: {err}");
            assert!(err.contains("profiles.json") && err.contains(needle), "{field}: {err}");
        }
        std::fs::write(&path, &good).unwrap();
        cli.json(&["group", "create", "rg"]);

        // NAME=VALUE for template parameters; HOST=IP is --host-map's syntax only; KEY=VALUE for tags.
        for args in [
            &["deploy", "-g", "rg", "--template-file", "CreateVM.json", "--param", "vmSize"][..],
            &["gpu", "preflight", "--param", "vmSize"],
            &["gpu", "preflight", "--param", "=Standard_NC4as_T4_v3"],
        ] {
            let (code, _, err) = cli.run(args, None);
            assert_eq!(code, 2, "{args:?}: {err}");
            assert!(err.contains("NAME=VALUE") && err.contains("template parameter"), "{args:?}: {err}");
            assert!(!err.contains("HOST=IP"), "{args:?}: {err}");
        }
        let (code, _, err) = cli.run(&["group", "create", "rg2", "--tag", "owner"], None);
        assert!(code == 2 && err.contains("KEY=VALUE") && !err.contains("HOST=IP"), "{err}");
        let (code, _, err) = cli.run(&strs(&connect_args(&sim, &["--host-map", "management.x.y"])), Some(PW));
        assert!(code == 2 && err.contains("HOST=IP"), "{err}");

        // An empty name where a name is required.
        for args in [
            &["vm", "show", "-g", "rg", ""][..],
            &["vm", "show", "-g", "", "vm1"],
            &["vm", "start", "-g", "rg", " "],
            &["vm", "delete", "-g", "rg", "", "--yes"],
            &["vm", "list", "-g", ""],
            &["vm", "create", "-g", "rg", "--name", "", "--image", "img"],
            &["group", "show", ""],
            &["group", "delete", "", "--yes"],
            &["extension", "list", "-g", "rg", "--vm", ""],
            &["extension", "show", "-g", "rg", "--vm", "vm1", ""],
            &["image", "upload", "-g", "rg", "--storage-account", "", "--vhd", "x.vhd"],
            &["deploy", "-g", "", "--template-file", "CreateVM.json"],
            &["deploy", "-g", "rg", "--template-file", ""],
        ] {
            let (code, out, err) = cli.run(args, None);
            assert_eq!(code, 2, "{args:?}: {out}{err}");
            assert!(err.contains("empty"), "{args:?}: {err}");
        }
    });
    sim.stop().await;
}

/// Issue 11 item 4: the token cache and profile are written through a temp file created exclusively,
/// without following links; links planted at the old predictable temp paths and at the token file are
/// never written through, and a profile file that is a link is refused.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_files_are_never_written_through_a_symlink() {
    let (sim, _d) = start_sim().await;
    let cli = Cli::new();
    tokio::task::block_in_place(|| {
        let (code, _, err) = cli.run(&strs(&connect_args(&sim, &[])), Some(PW));
        assert_eq!(code, 0, "{err}");
        let tokens = cli.config.join("tokens");
        let victims = cli.base.path().join("victims");
        std::fs::create_dir(&victims).unwrap();
        let plant = |link: &Path, victim: &str| {
            let v = victims.join(victim);
            std::fs::write(&v, "ORIGINAL").unwrap();
            let _ = std::fs::remove_file(link);
            std::os::unix::fs::symlink(&v, link).unwrap();
        };
        plant(&tokens.join("default.tmp"), "token-tmp");
        plant(&tokens.join("default.json"), "token");
        plant(&cli.config.join("profiles.tmp"), "profiles-tmp");
        let (code, _, err) = cli.run(&strs(&connect_args(&sim, &[])), Some(PW));
        assert_eq!(code, 0, "{err}");
        for v in ["token-tmp", "token", "profiles-tmp"] {
            assert_eq!(std::fs::read_to_string(victims.join(v)).unwrap(), "ORIGINAL", "written through the {v} link");
        }
        let t = tokens.join("default.json");
        assert!(std::fs::symlink_metadata(&t).unwrap().file_type().is_file(), "the token file is a regular file again");
        assert_eq!(mode(&t), 0o600);
        cli.json(&["group", "list"]);

        // A link in place of the profile file is not followed, for reading or writing.
        plant(&cli.config.join("profiles.json"), "profiles");
        for args in [&["group", "list"][..], &strs(&connect_args(&sim, &[]))] {
            let (code, _, err) = cli.run(args, Some(PW));
            assert_eq!(code, 1, "{err}");
            assert!(err.contains("symbolic link"), "{err}");
        }
        assert_eq!(std::fs::read_to_string(victims.join("profiles")).unwrap(), "ORIGINAL");
    });
    sim.stop().await;
}

/// Issue 11 item 4: directories are created 0700 and files 0600 whatever the umask; an existing directory
/// that others may write to is refused with what to do.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_directories_whatever_the_umask() {
    let (sim, _d) = start_sim().await;
    let cli = Cli::new();
    tokio::task::block_in_place(|| {
        let (code, _, err) = cli.run_umask_000(&strs(&connect_args(&sim, &[])), Some(PW));
        assert_eq!(code, 0, "{err}");
        let tokens = cli.config.join("tokens");
        for d in [cli.config.parent().unwrap(), &cli.config, &tokens] {
            assert_eq!(mode(d), 0o700, "{}", d.display());
        }
        for f in [cli.config.join("profiles.json"), tokens.join("default.json")] {
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
        let (code, _, err) = cli.run_umask_000(&["update", "suspend"], None);
        assert_eq!(code, 0, "{err}");
        assert_eq!(mode(&cli.config.join("update-record.json")), 0o600);

        use std::os::unix::fs::PermissionsExt;
        for (dir, m) in [(&cli.config, 0o777), (&tokens, 0o770), (&cli.config, 0o720)] {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(m)).unwrap();
            for args in [&["group", "list"][..], &strs(&connect_args(&sim, &[]))] {
                let (code, _, err) = cli.run(args, Some(PW));
                assert_eq!(code, 1, "{} {m:o}: {err}", dir.display());
                assert!(err.contains("writable by") && err.contains("chmod 700"), "{err}");
            }
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        cli.json(&["group", "list"]);
    });
    sim.stop().await;
}

/// Issue 11 item 4: a token renewed during a command (here after ARM's 401) is saved for the next one,
/// also when the command then fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_renewed_during_a_command_is_saved() {
    let (sim, _d) = start_sim().await;
    let cli = Cli::new();
    tokio::task::block_in_place(|| {
        let (code, _, err) = cli.run(&strs(&connect_args(&sim, &[])), Some(PW));
        assert_eq!(code, 0, "{err}");
        let cache = cli.config.join("tokens").join("default.json");
        let token = || -> String {
            let v: Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
            v["accessToken"].as_str().unwrap().to_string()
        };
        let t0 = token();
        revoke_tokens(&sim);
        cli.json(&["group", "list"]);
        let t1 = token();
        assert_ne!(t1, t0, "the token renewed after the 401 is saved");
        cli.json(&["group", "list"]);
        assert_eq!(token(), t1, "the saved token is used as is");

        revoke_tokens(&sim);
        let (code, _, err) = cli.run(&["group", "show", "nope"], None);
        assert_eq!(code, 3, "{err}");
        assert_ne!(token(), t1, "saved on the error path too");
    });
    sim.stop().await;
}

fn tries_in(err: &str) -> usize {
    let at = err.find(" tries").unwrap_or_else(|| panic!("no try count in: {err}"));
    err[..at].rsplit(' ').next().unwrap().parse().unwrap_or_else(|_| panic!("no try count in: {err}"))
}

/// Issue 11 item 4: a device that cannot be reached is reported within seconds (an overall deadline, 15 s
/// by default, `--timeout` to change it), with the number of tries; `--verbose` shows each retry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_device_is_reported_within_seconds() {
    let (sim, _d) = start_sim().await;
    let cli = Cli::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dead = format!("https://127.0.0.1:{closed}/");
    tokio::task::block_in_place(|| {
        let t = Instant::now();
        let (code, _, err) = cli.run(&["connect", "--arm-endpoint", &dead, "--verbose"], Some(PW));
        let took = t.elapsed();
        assert_eq!(code, 6, "{err}");
        assert!(took < Duration::from_secs(20), "took {took:?}: {err}");
        let tries = tries_in(&err);
        assert!(tries >= 3, "{err}");
        assert_eq!(err.matches("retrying in").count(), tries - 1, "each retry is shown: {err}");
        assert!(err.to_ascii_lowercase().contains("connection refused"), "{err}");

        let t = Instant::now();
        let (code, _, err) = cli.run(&["connect", "--arm-endpoint", &dead, "--timeout", "2"], Some(PW));
        assert_eq!(code, 6, "{err}");
        assert!(t.elapsed() < Duration::from_secs(6), "took {:?}: {err}", t.elapsed());
        assert!(tries_in(&err) >= 2 && !err.contains("retrying in"), "{err}");
        let (code, _, err) = cli.run(&["connect", "--arm-endpoint", &dead, "--timeout", "0"], Some(PW));
        assert_eq!(code, 2, "{err}");
        // A port that accepts TCP connections and never answers the TLS handshake.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let silent = format!("https://127.0.0.1:{}/", silent.local_addr().unwrap().port());
        let t = Instant::now();
        let (code, _, err) = cli.run(&["connect", "--arm-endpoint", &silent, "--timeout", "3"], Some(PW));
        assert_eq!(code, 6, "{err}");
        assert!(t.elapsed() < Duration::from_secs(8), "took {:?}: {err}", t.elapsed());
        assert!(tries_in(&err) >= 2 && err.contains("timed out"), "{err}");

        let (code, _, err) = cli.run(&strs(&connect_args(&sim, &[])), Some(PW));
        assert_eq!(code, 0, "{err}");
    });
    // A saved profile whose device went away.
    sim.stop().await;
    tokio::task::block_in_place(|| {
        let t = Instant::now();
        let (code, _, err) = cli.run(&["vm", "list", "--timeout", "3"], None);
        assert_eq!(code, 6, "{err}");
        assert!(t.elapsed() < Duration::from_secs(8), "took {:?}: {err}", t.elapsed());
        assert!(tries_in(&err) >= 2, "{err}");
    });
}

/// Issue 12: `asegpu gpu preflight --size Custom_GPU_T4_v3` on a device without that custom size says so and
/// how to set it; on a device with it (and the profile told its GPU count), it counts its GPUs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preflight_of_a_custom_size() {
    let (sim, _d) = start_sim().await;
    let cli = Cli::new();
    tokio::task::block_in_place(|| {
        let (code, _, err) = cli.run(&strs(&connect_args(&sim, &[])), Some(PW));
        assert_eq!(code, 0, "{err}");
        let (code, out, _) = cli.run(&["gpu", "preflight", "--size", "Custom_GPU_T4_v3"], None);
        assert_ne!(code, 0, "{out}");
        assert!(out.contains("CustomSizeNotSet") && out.contains("Set-HcsVMCustomSizes -CustomVMSizesJson"), "{out}");
        assert!(!out.contains("not a size Azure Stack Edge offers"), "{out}");

        sim.with_state(|st| {
            st.device.custom_sizes =
                vec![asegpu_core::device::custom_sizes::CustomSize::parse("Custom_GPU_T4_v3:8:28:2").unwrap()]
        });
        let (code, _, err) =
            cli.run(&strs(&connect_args(&sim, &["--custom-size", "Custom_GPU_T4_v3:8:28:2"])), Some(PW));
        assert_eq!(code, 0, "{err}");
        let r = cli.json(&["gpu", "preflight", "--size", "Custom_GPU_T4_v3"]);
        assert_eq!((r["ok"].as_bool(), r["gpusNeeded"].as_u64()), (Some(true), Some(2)), "{r}");
        let (code, _, err) = cli.run(&["gpu", "preflight", "--size", "Custom_GPU_T4_v3", "--count", "2"], None);
        assert_ne!(code, 0, "two 2-GPU VMs do not fit 2 GPUs: {err}");
        let sizes = cli.json(&["vm", "sizes"]);
        let custom = sizes.as_array().unwrap().iter().find(|s| s["name"] == "Custom_GPU_T4_v3").unwrap();
        assert_eq!(custom["gpus"], 2, "{custom}");
        let (code, _, err) =
            cli.run(&strs(&connect_args(&sim, &["--custom-size", "Custom_GPU_T4_v3:8:28:3"])), Some(PW));
        assert_eq!(code, 2, "a GPU count of 3 is refused: {err}");
        assert!(err.contains("1 or 2"), "{err}");
    });
    sim.stop().await;
}
