//! The `asegpu` command line end to end against the emulator: connect (profile + token cache, no password
//! saved), groups, GPU availability and preflight, a GPU VM, the GPU extension, power, the update helper,
//! exit codes and JSON output.

use asegpu::sim::{Sim, SimConfig};
use serde_json::Value;
use std::process::Command;

const PW: &str = "Cli-Secret-Passw0rd";

struct Cli {
    config: tempfile::TempDir,
}

impl Cli {
    fn run(&self, args: &[&str], password: Option<&str>) -> (i32, String, String) {
        let mut c = Command::new(env!("CARGO_BIN_EXE_asegpu"));
        c.args(args)
            .env("ASEGPU_CONFIG_DIR", self.config.path())
            .env_remove("ASEGPU_PASSWORD")
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
    let mut cfg = SimConfig::new(PW, dir.path().to_path_buf());
    cfg.time_scale = 100_000.0;
    cfg.retry_after_secs = 0;
    let sim = Sim::start(cfg).await.unwrap();
    let cli = Cli { config: tempfile::tempdir().unwrap() };
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
        for entry in walk(cli.config.path()) {
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
        let vhd = cli.config.path().join("ubuntu18.04.vhd");
        {
            use std::io::{Seek, SeekFrom, Write};
            let size = 8u64 << 20;
            let mut f = std::fs::File::create(&vhd).unwrap();
            f.write_all(&[7u8; 65536]).unwrap();
            f.seek(SeekFrom::Start(size)).unwrap();
            f.write_all(&asegpu::ops::image::fixed_vhd_footer(size, [9; 16])).unwrap();
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
        let record = cli.config.path().join("record.json");
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
    let p = cli.config.path().join("not-a-vhd.vhd");
    std::fs::write(&p, b"hello").unwrap();
    p
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
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
