//! `asegpu-sim`: an emulator of an Azure Stack Edge Pro GPU device's local ARM, AD FS and blob endpoints,
//! served over HTTPS on loopback, so that asegpu, the Azure CLI and the Azure SDKs can run the documented
//! workflow with no device.
//!
//! Layout: [`server`] (TLS, faults, recording), [`http`] (request/response helpers), [`adfs`] (sign-in),
//! [`arm`] (routing and the Resources provider), [`state`] (what exists, persisted optionally),
//! [`control`] (the emulator-only `/_sim` API), [`certs`] and [`jwt`].

#![allow(clippy::result_large_err)]

pub mod adfs;
pub mod arm;
pub mod blob;
pub mod blob_persist;
pub mod certs;
pub mod cli;
pub mod compute;
pub mod control;
pub mod deployments;
pub mod files;
pub mod http;
pub mod jwt;
pub mod network;
pub mod resources;
pub mod server;
pub mod state;
pub mod storage;
pub mod versions;

use asegpu_core::error::{Error, Result, Status};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use zeroize::Zeroizing;

pub use certs::CertMode;
pub use state::{DeviceState, GpuModel};

/// Whether unknown api-versions are refused (as the device does) or accepted (for newer clients).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ApiVersionMode {
    /// Only the versions the device documents, its templates use, and the hybrid profiles resolve to.
    #[default]
    Strict,
    /// Any well-formed `YYYY-MM-DD[-preview]` version (current Azure CLI sends 2022-2026 versions).
    Permissive,
}

/// Fault injection, by rate (0.0-1.0) per ARM/blob request. Deterministic for a given seed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    pub rate_429: f64,
    pub rate_500: f64,
    pub rate_503: f64,
    /// Close the connection without answering.
    pub rate_drop: f64,
    /// Delay an answer by `slow_ms`.
    pub rate_slow: f64,
    pub slow_ms: u64,
    /// The next N requests get 429 with `Retry-After` (a burst).
    pub burst_429: u32,
    /// Seconds sent in `Retry-After` with injected 429/503.
    pub retry_after_secs: u64,
    /// Also inject faults into AD FS token requests.
    pub include_adfs: bool,
    pub seed: u64,
}

/// Everything that configures an emulated device.
#[derive(Clone)]
pub struct SimConfig {
    pub device_name: String,
    pub dns_domain: String,
    pub listen: IpAddr,
    pub port: u16,
    pub password: Zeroizing<String>,
    /// Where the CA PEM (and other files) are written.
    pub work_dir: PathBuf,
    pub token_lifetime: Duration,
    pub refresh_token_lifetime: Duration,
    /// Emulated seconds per real second for long operations (60 = a 15-minute VM creation takes 15 s).
    pub time_scale: f64,
    /// `Retry-After` on long-running operation responses, in seconds.
    pub retry_after_secs: u64,
    pub api_versions: ApiVersionMode,
    pub cert_mode: CertMode,
    /// Persist state to this file (and reload it at start), so a dry run survives a restart.
    pub state_file: Option<PathBuf>,
    /// Append every request/response pair as JSON lines (for validation against the ARM specs).
    pub record_traffic: Option<PathBuf>,
    pub device: DeviceState,
    pub faults: Faults,
    /// A connection must deliver a whole request head within this time of its first byte (and a new
    /// connection its first request within this time of the TLS handshake): a client that sends half a
    /// header is disconnected. Also bounds the TLS handshake.
    pub header_timeout: Duration,
    /// A kept-alive connection with no request in progress is closed after this long without traffic.
    pub idle_timeout: Duration,
    /// A request body that stalls (no data) for this long ends the connection.
    pub body_timeout: Duration,
}

impl SimConfig {
    pub fn new(password: &str, work_dir: PathBuf) -> SimConfig {
        SimConfig {
            device_name: "dbe-asesim".into(),
            dns_domain: "microsoftdatabox.com".into(),
            listen: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            password: Zeroizing::new(password.to_string()),
            work_dir,
            token_lifetime: Duration::from_secs(3600),
            refresh_token_lifetime: Duration::from_secs(8 * 3600),
            time_scale: 60.0,
            retry_after_secs: 1,
            api_versions: ApiVersionMode::Strict,
            cert_mode: CertMode::Normal,
            state_file: None,
            record_traffic: None,
            device: DeviceState::default(),
            faults: Faults::default(),
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(120),
            body_timeout: Duration::from_secs(30),
        }
    }
    pub fn management_host(&self) -> String {
        asegpu_core::device::management_host(&self.device_name, &self.dns_domain)
    }
    pub fn login_host(&self) -> String {
        asegpu_core::device::login_host(&self.device_name, &self.dns_domain)
    }
}

/// The JSON line `asegpu-sim` prints on stdout once it is ready.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReadyInfo {
    /// `https://management.<device>.<domain>:<port>/` (map the host to `listen`'s address).
    pub arm_endpoint: String,
    /// The same endpoint by IP address (the certificate has an IP SAN).
    pub arm_endpoint_ip: String,
    pub login_endpoint: String,
    /// Path of the root CA certificate (PEM) to trust.
    pub ca_cert: String,
    /// SHA-256 thumbprint of the server certificate (for pinning).
    pub thumbprint: String,
    pub listen: String,
    pub user: String,
    pub tenant_id: String,
    pub subscription_id: String,
    pub device_name: String,
    pub dns_domain: String,
    /// Host names to map to `listen`'s address (what the docs put in the hosts file).
    pub host_map: std::collections::BTreeMap<String, String>,
    /// The emulator-only control API: every call needs `Authorization: Bearer <control_token>`.
    pub control_endpoint: String,
    /// The control API's credential (random for each run; refused with 401 otherwise). Also in
    /// `control_token_file`, readable by its owner only.
    pub control_token: String,
    /// `<work dir>/control-token` (0600), holding `control_token`.
    pub control_token_file: String,
}

/// A running emulator.
pub struct Sim {
    pub info: ReadyInfo,
    shared: Arc<server::Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Sim {
    /// Bind, generate certificates, load state, and start serving on the current tokio runtime.
    pub async fn start(cfg: SimConfig) -> Result<Sim> {
        files::create_private_dir(&cfg.work_dir)?;
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(cfg.listen, cfg.port))
            .await
            .map_err(|e| Error::new(Status::Io, format!("cannot listen on {}:{}: {e}", cfg.listen, cfg.port)))?;
        let addr = listener.local_addr().map_err(|e| Error::new(Status::Io, e.to_string()))?;
        let mut st = state::State::load_or_new(&cfg)?;
        let ips: Vec<IpAddr> = {
            let mut v = vec![IpAddr::from([127, 0, 0, 1]), cfg.listen];
            v.dedup();
            v
        };
        let existing = st.ca.as_ref().map(|(c, k)| (c.as_str(), k.as_str()));
        let bundle = certs::generate(&cfg.device_name, &cfg.dns_domain, &ips, cfg.cert_mode, existing)?;
        st.ca = Some((bundle.ca_pem.clone(), bundle.ca_key_pem.clone()));
        let ca_path = cfg.work_dir.join("ca.pem");
        let ca_file = if cfg.cert_mode == CertMode::SelfSignedCa { &bundle.server_pem } else { &bundle.ca_pem };
        std::fs::write(&ca_path, ca_file).map_err(|e| Error::io("write", &ca_path, e))?;
        let tls = certs::server_config(&bundle)?;
        let thumbprint = certs::server_thumbprint(&bundle)?;

        let mgmt = cfg.management_host();
        let port = addr.port();
        let ip = addr.ip().to_string();
        let ip_host = if addr.is_ipv6() { format!("[{ip}]") } else { ip.clone() };
        let mut host_map = std::collections::BTreeMap::new();
        host_map.insert(mgmt.clone(), ip.clone());
        host_map.insert(cfg.login_host(), ip.clone());
        host_map.insert(format!("*.blob.{}.{}", cfg.device_name, cfg.dns_domain).to_ascii_lowercase(), ip.clone());
        let info = ReadyInfo {
            arm_endpoint: format!("https://{mgmt}:{port}/"),
            arm_endpoint_ip: format!("https://{ip_host}:{port}/"),
            login_endpoint: format!("https://{}:{port}/adfs/", cfg.login_host()),
            ca_cert: ca_path.display().to_string(),
            thumbprint,
            listen: addr.to_string(),
            user: asegpu_core::device::ARM_USER.into(),
            tenant_id: asegpu_core::device::TENANT_ID.into(),
            subscription_id: st.subscription_id.clone(),
            device_name: cfg.device_name.clone(),
            dns_domain: cfg.dns_domain.clone(),
            host_map,
            control_endpoint: format!("https://{ip_host}:{port}/_sim/"),
            control_token: String::new(),
            control_token_file: String::new(),
        };
        let token_path = cfg.work_dir.join("control-token");
        let shared = Arc::new(server::Shared::new(cfg, st, port)?);
        files::write_private_atomic(&token_path, shared.control_token().as_bytes())?;
        let info = ReadyInfo {
            control_token: shared.control_token().to_string(),
            control_token_file: token_path.display().to_string(),
            ..info
        };
        shared.save();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(server::serve(listener, tls, shared.clone(), rx));
        Ok(Sim { info, shared, shutdown: Some(tx), task: Some(task) })
    }

    /// Change the emulated device (GPUs, Kubernetes, release) as the control API does.
    pub fn with_state<T>(&self, f: impl FnOnce(&mut state::State) -> T) -> T {
        let mut st = self.shared.state.lock().unwrap_or_else(|p| p.into_inner());
        let out = f(&mut st);
        drop(st);
        self.shared.save();
        out
    }

    pub fn set_faults(&self, faults: Faults) {
        self.shared.set_faults(faults);
    }

    /// Number of requests served so far, by path prefix (for tests).
    pub fn request_count(&self) -> u64 {
        self.shared.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Stop serving and wait for the server task.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

/// A started emulator on its own thread and runtime, for synchronous callers (tests, FFI hosts).
pub struct SimThread {
    pub info: ReadyInfo,
    control: Arc<Mutex<Option<Sim>>>,
    rt: Option<tokio::runtime::Runtime>,
}

impl SimThread {
    pub fn start(cfg: SimConfig) -> Result<SimThread> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("asegpu-sim")
            .enable_all()
            .build()
            .map_err(|e| Error::new(Status::Internal, format!("cannot start the emulator runtime: {e}")))?;
        let sim = rt.block_on(Sim::start(cfg))?;
        Ok(SimThread { info: sim.info.clone(), control: Arc::new(Mutex::new(Some(sim))), rt: Some(rt) })
    }
    pub fn with_sim<T>(&self, f: impl FnOnce(&Sim) -> T) -> T {
        let g = self.control.lock().unwrap_or_else(|p| p.into_inner());
        f(g.as_ref().expect("running"))
    }
}

impl Drop for SimThread {
    fn drop(&mut self) {
        if let (Some(rt), Some(sim)) = (self.rt.take(), self.control.lock().ok().and_then(|mut g| g.take())) {
            rt.block_on(sim.stop());
            rt.shutdown_timeout(Duration::from_secs(2));
        }
    }
}
