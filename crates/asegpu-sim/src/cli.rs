//! Command line of `asegpu-sim`.

use super::{ApiVersionMode, CertMode, GpuModel, Sim, SimConfig};
use clap::Parser;
use std::path::PathBuf;

/// Emulates an Azure Stack Edge Pro GPU device's local ARM, AD FS and blob endpoints over HTTPS.
///
/// Prints one JSON line on stdout when ready (arm_endpoint, login_endpoint, ca_cert, listen, user, ...),
/// then serves until interrupted. The ARM password comes from --password-file or ASEGPU_SIM_PASSWORD.
#[derive(Parser, Debug)]
#[command(name = "asegpu-sim", version)]
pub struct Args {
    /// Device name (the host names are management.<device>.<domain>, login.<device>.<domain>, ...).
    #[arg(long, default_value = "dbe-asesim")]
    pub device_name: String,
    #[arg(long, default_value = "microsoftdatabox.com")]
    pub dns_domain: String,
    #[arg(long, default_value = "127.0.0.1")]
    pub listen: std::net::IpAddr,
    /// TCP port; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// File holding the Edge ARM password (first line). Otherwise ASEGPU_SIM_PASSWORD is used.
    #[arg(long)]
    pub password_file: Option<PathBuf>,
    /// Directory for the CA certificate and other files (default: a new temporary directory).
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Persist the emulator's state in this file, so a dry run survives a restart.
    #[arg(long)]
    pub state_file: Option<PathBuf>,
    /// Access token lifetime in seconds (devices: about 5400).
    #[arg(long, default_value_t = 3600)]
    pub token_lifetime: u64,
    /// Emulated seconds per real second for long operations.
    #[arg(long, default_value_t = 60.0)]
    pub time_scale: f64,
    /// Retry-After (seconds) on long-running operations.
    #[arg(long, default_value_t = 1)]
    pub retry_after: u64,
    /// strict: only the device's api-versions (default); permissive: any (for current Azure CLI).
    #[arg(long, value_enum, default_value_t = ApiVersionMode::Strict)]
    pub api_versions: ApiVersionMode,
    #[arg(long, value_enum, default_value_t = CertMode::Normal)]
    pub cert_mode: CertMode,
    #[arg(long, default_value_t = 2)]
    pub gpu_count: u32,
    #[arg(long, default_value_t = GpuModel::T4)]
    pub gpu_model: GpuModel,
    /// Device software release, e.g. 2309 (before 2205 the GPU extension is 1.3).
    #[arg(long, default_value = "2309")]
    pub release: String,
    /// Start with Kubernetes configured (it claims every GPU).
    #[arg(long)]
    pub kubernetes: bool,
    /// Start with compute not enabled (no ASERG/ASEVNET).
    #[arg(long)]
    pub no_compute: bool,
    /// A custom VM size set on the device, as NAME:VCPUS:MEMORY_GIB[:GPUS] (e.g. Custom_GPU_T4_v3:8:56:2;
    /// Set-HcsVMCustomSizes on a real device). Repeat for Custom_NonGPU.
    #[arg(long)]
    pub custom_size: Vec<asegpu_core::device::custom_sizes::CustomSize>,
    /// Start with the GPU Multi-Process Service on (Start-HcsGpuMPS); a device update turns it off.
    #[arg(long)]
    pub mps: bool,
    /// Opt-in behaviour of the 2102-2205 release notes: while Kubernetes is configured, it takes over the GPUs
    /// of GPU VMs that are stopped or deallocated.
    #[arg(long)]
    pub stopped_vm_takeover: bool,
    /// The compute network does not reach the internet: GPU extension installs fail to download the driver.
    #[arg(long)]
    pub no_compute_internet: bool,
    /// Memory for VMs and Kubernetes, in GiB (the Pro GPU device's usable 96 GiB by default).
    #[arg(long, default_value_t = asegpu_core::device::limits::USABLE_MEMORY_GIB)]
    pub memory_gib: u32,
    /// Record request/response pairs as JSON lines in this file.
    #[arg(long)]
    pub record_traffic: Option<PathBuf>,
    /// Fault injection as JSON (see the control API), e.g. '{"rate503":0.1,"seed":7}'.
    #[arg(long)]
    pub faults: Option<String>,
    /// Seconds a client has to send a whole request head (from its first byte), and a new connection its
    /// first request; also the TLS handshake's limit. A half-sent header is disconnected after this.
    #[arg(long, default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds an idle kept-alive connection stays open.
    #[arg(long, default_value_t = 120)]
    pub idle_timeout: u64,
}

impl Args {
    pub fn into_config(self, password: String) -> anyhow_like::Result<SimConfig> {
        let work_dir = match self.work_dir {
            Some(d) => d,
            None => std::env::temp_dir().join(format!("asegpu-sim-{}", uuid::Uuid::new_v4().simple())),
        };
        let mut cfg = SimConfig::new(&password, work_dir);
        cfg.device_name = self.device_name;
        cfg.dns_domain = self.dns_domain;
        cfg.listen = self.listen;
        cfg.port = self.port;
        cfg.state_file = self.state_file;
        cfg.token_lifetime = std::time::Duration::from_secs(self.token_lifetime.max(1));
        cfg.time_scale = self.time_scale;
        cfg.retry_after_secs = self.retry_after;
        cfg.api_versions = self.api_versions;
        cfg.cert_mode = self.cert_mode;
        cfg.record_traffic = self.record_traffic;
        cfg.device.gpu_count = self.gpu_count;
        cfg.device.gpu_model = self.gpu_model;
        cfg.device.release = self.release;
        cfg.device.kubernetes_configured = self.kubernetes;
        cfg.device.compute_enabled = !self.no_compute;
        asegpu_core::device::custom_sizes::check_set(&self.custom_size, Some(self.gpu_model))
            .map_err(|e| format!("--custom-size: {}", e.message))?;
        cfg.device.custom_sizes = self.custom_size;
        cfg.device.mps_enabled = self.mps;
        cfg.device.stopped_vm_takeover = self.stopped_vm_takeover;
        cfg.device.compute_internet = !self.no_compute_internet;
        cfg.device.memory_gib = self.memory_gib;
        cfg.header_timeout = std::time::Duration::from_secs(self.header_timeout.max(1));
        cfg.idle_timeout = std::time::Duration::from_secs(self.idle_timeout.max(1));
        if let Some(f) = self.faults {
            cfg.faults = serde_json::from_str(&f).map_err(|e| format!("--faults: {e}"))?;
        }
        Ok(cfg)
    }
}

mod anyhow_like {
    pub type Result<T> = std::result::Result<T, String>;
}

fn read_password(file: &Option<PathBuf>) -> Result<String, String> {
    let pw = match file {
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| format!("cannot read --password-file {}: {e}", p.display()))?
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
        None => std::env::var("ASEGPU_SIM_PASSWORD")
            .map_err(|_| "set the ARM password with --password-file or ASEGPU_SIM_PASSWORD".to_string())?,
    };
    if pw.is_empty() {
        return Err("the ARM password is empty".into());
    }
    Ok(pw)
}

pub fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("ASEGPU_LOG"))
        .with_writer(std::io::stderr)
        .try_init();
    let cfg = match read_password(&args.password_file).and_then(|p| args.into_config(p)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("asegpu-sim: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async move {
        let sim = match Sim::start(cfg).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("asegpu-sim: {e}");
                return std::process::ExitCode::from(1);
            }
        };
        println!("{}", serde_json::to_string(&sim.info).expect("JSON"));
        use std::io::Write;
        let _ = std::io::stdout().flush();
        wait_for_signal().await;
        sim.stop().await;
        std::process::ExitCode::SUCCESS
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("signal");
        tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &[&str]) -> Result<SimConfig, String> {
        let argv = std::iter::once("asegpu-sim").chain(args.iter().copied());
        Args::try_parse_from(argv).map_err(|e| e.to_string())?.into_config("pw".into())
    }

    fn refused(args: &[&str]) -> String {
        match config(args) {
            Ok(_) => panic!("{args:?} was accepted"),
            Err(e) => e,
        }
    }

    #[test]
    fn device_options() {
        let c = config(&[
            "--custom-size",
            "Custom_GPU_T4_v3:8:28:2",
            "--mps",
            "--stopped-vm-takeover",
            "--no-compute-internet",
        ])
        .unwrap();
        assert_eq!((c.device.custom_sizes[0].gpus, c.device.mps_enabled), (2, true));
        assert!(c.device.stopped_vm_takeover && !c.device.compute_internet);
        let e = refused(&["--gpu-model", "A2", "--custom-size", "Custom_GPU_T4_v3:8:28:1"]);
        assert!(e.contains("--custom-size") && e.contains("A2 GPUs"), "{e}");
        let e = refused(&["--custom-size", "Custom_GPU_T4_v3:8:28:3"]);
        assert!(e.contains("1 or 2"), "{e}");
        let e = refused(&["--gpu-model", "H100"]);
        assert!(e.contains("T4 (Pro GPU) or A2"), "{e}");
    }
}
