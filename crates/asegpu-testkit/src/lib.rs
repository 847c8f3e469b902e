//! The one emulator harness of asegpu's integration tests: an emulated device at test pace on loopback
//! HTTPS, and the ways a test talks to it (a [`Session`], raw ARM REST with an AD FS token, the emulator's
//! control API), each trusting only the device's own CA. The Rust tests of every crate use it.

mod rest;

pub use asegpu_sim::{Sim, SimConfig};
pub use rest::{Answer, Rest};

use asegpu_core::arm::{ConnectOptions, Session};
use asegpu_core::progress::{CancelToken, Progress};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// An emulated device, and the temporary directory it keeps its files in (removed when dropped) unless the
/// test keeps its own.
pub struct Device {
    pub sim: Sim,
    root: PathBuf,
    _dir: Option<tempfile::TempDir>,
    password: String,
}

/// A device's configuration at test pace: time runs 100,000 times faster and no `Retry-After` is asked for,
/// so the 15-minute VM creations and 10-minute extension installs of a real device take milliseconds.
pub fn test_config(password: &str, work_dir: &Path) -> SimConfig {
    let mut c = SimConfig::new(password, work_dir.to_path_buf());
    c.time_scale = 100_000.0;
    c.retry_after_secs = 0;
    c
}

impl Device {
    /// A device at test pace with `password` for EdgeArmUser.
    pub async fn start(password: &str) -> Device {
        Device::start_with(password, |_| {}).await
    }

    /// A device at test pace, with `change` made to its configuration first.
    pub async fn start_with(password: &str, change: impl FnOnce(&mut SimConfig)) -> Device {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut c = test_config(password, dir.path());
        change(&mut c);
        let mut d = Device::start_config(c).await;
        d.root = dir.path().to_path_buf();
        d._dir = Some(dir);
        d
    }

    /// A device with a configuration the test made itself, in a directory the test keeps (e.g. to restart
    /// the emulator on the same state).
    pub async fn start_config(c: SimConfig) -> Device {
        let password = c.password.as_str().to_string();
        let root = c.work_dir.clone();
        let sim = Sim::start(c).await.expect("the emulator starts");
        Device { sim, root, _dir: None, password }
    }

    pub fn password(&self) -> &str {
        &self.password
    }

    /// The directory the device's files are in.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    /// How a client reaches this device (see [`options_of`]).
    pub fn options(&self) -> ConnectOptions {
        options_of(&self.sim)
    }

    /// The emulator by value (to stop it, or restart on its state) and the guard of its directory.
    pub fn into_parts(self) -> (Sim, DirGuard) {
        (self.sim, DirGuard { _dir: self._dir })
    }

    /// Sign in with `options` and this device's password.
    pub async fn try_connect(&self, options: ConnectOptions) -> asegpu_core::Result<Session> {
        Session::connect(options, Zeroizing::new(self.password.clone()), &Progress::none(), &CancelToken::new()).await
    }

    /// A session with [`Device::options`], `change`d first.
    pub async fn connect_with(&self, change: impl FnOnce(&mut ConnectOptions)) -> Session {
        let mut o = self.options();
        change(&mut o);
        self.try_connect(o).await.expect("signs in to the emulated device")
    }

    /// A session with [`Device::options`].
    pub async fn connect(&self) -> Session {
        self.connect_with(|_| {}).await
    }

    /// An HTTPS client that trusts only this device's CA.
    pub fn https(&self) -> reqwest::Client {
        asegpu_core::arm::tls::install_crypto_provider();
        let pem = std::fs::read(&self.sim.info.ca_cert).expect("the device CA");
        reqwest::Client::builder()
            .tls_certs_only(vec![reqwest::Certificate::from_pem(&pem).expect("a PEM certificate")])
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("an HTTPS client")
    }

    /// The emulator's control API (`{control_endpoint}{path}`, e.g. `device`), with its control token.
    pub async fn control(&self, method: reqwest::Method, path: &str, body: serde_json::Value) -> Answer {
        let url = format!("{}{path}", self.sim.info.control_endpoint);
        let r = self.https().request(method, url).bearer_auth(&self.sim.info.control_token).json(&body).send().await;
        Answer::read(r.expect("the control API answers")).await
    }

    /// Raw ARM REST at the device's IP endpoint, with an AD FS token got by the password grant.
    pub async fn rest(&self) -> Rest {
        Rest::sign_in(self).await
    }
}

/// Keeps a device's temporary directory until dropped.
pub struct DirGuard {
    _dir: Option<tempfile::TempDir>,
}

impl DirGuard {
    /// The directory (None when the test kept its own).
    pub fn path(&self) -> &Path {
        self._dir.as_ref().map_or(Path::new(""), |d| d.path())
    }
}

/// How a client reaches an emulated device: by its host names mapped to loopback, trusting only its CA.
pub fn options_of(sim: &Sim) -> ConnectOptions {
    let mut o = ConnectOptions::new(&sim.info.arm_endpoint);
    o.tls.ca_cert_file = Some(sim.info.ca_cert.clone().into());
    o.tls.ca_only = true;
    o.device_ip = Some("127.0.0.1".into());
    o
}

/// The `asegpu-sim` binary next to the running test (`target/<profile>/`), or `ASEGPU_SIM_BIN` (to test
/// another build of it). Tests that run the emulator as its own process use it.
pub fn sim_bin() -> PathBuf {
    if let Ok(p) = std::env::var("ASEGPU_SIM_BIN") {
        return p.into();
    }
    let exe = std::env::current_exe().expect("the test's path");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target/<profile>");
    let bin = dir.join(format!("asegpu-sim{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.exists(), "{} is not built: run cargo test --workspace (or cargo build -p asegpu-sim)", bin.display());
    bin
}

/// The device's sample templates: `../shared/fixtures/ase-templates` next to the repository, else the
/// verbatim copy in `tests/data/template/ase-templates`.
pub fn templates_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = root.join("../shared/fixtures/ase-templates");
    if shared.join("VmTemplates").is_dir() {
        shared
    } else {
        root.join("tests/data/template/ase-templates")
    }
}
