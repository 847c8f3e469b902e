//! The `asegpu` command line: connect to a device (saving a profile), manage resource groups, and run
//! the whole workflow against the built-in emulator with `asegpu demo`.

mod demo;
mod image;
mod ops;
mod output;
pub mod profile;

use asegpu_core::arm::resources::NewResourceGroup;
use asegpu_core::arm::{ConnectOptions, Session};
use asegpu_core::error::{Error, Result, Status};
use asegpu_core::progress::{CancelToken, Progress, ProgressEvent};
use clap::{Args, Parser, Subcommand};
use output::{Bar, Format};
use profile::{PasswordSource, Profiles};
use std::path::PathBuf;

/// Deploy GPU VMs on Azure Stack Edge Pro GPU devices through their local Azure Resource Manager.
#[derive(Parser, Debug)]
#[command(name = "asegpu", version, propagate_version = true)]
pub struct Cli {
    /// Output format.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// Connection profile to use (default: the last one connected).
    #[arg(long, global = true, value_parser = profile::parse_profile_name)]
    pub profile: Option<String>,
    /// Read the Edge ARM password from this file (first line).
    #[arg(long, global = true, value_parser = path_arg)]
    pub password_file: Option<PathBuf>,
    /// Read the Edge ARM password from this environment variable (default ASEGPU_PASSWORD).
    #[arg(long, global = true, value_parser = name_arg)]
    pub password_env: Option<String>,
    /// How long (seconds, 1 to 600) to keep trying a device that cannot be reached (connection refused,
    /// DNS failure, no route, connect or TLS handshake timeout) before reporting it. Default: the profile's
    /// (15 s unless set); `connect --timeout` saves it in the profile.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_timeout)]
    pub timeout: Option<u64>,
    /// Say what happens on stderr: each retry and why (ASEGPU_LOG=debug says more).
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Sign in to a device's local ARM (like Add-AzEnvironment + Connect-AzAccount) and save a profile.
    Connect(ConnectArgs),
    /// Forget the saved sign-in of a profile.
    Disconnect,
    /// Show what the current profile is connected to.
    Account,
    /// Resource groups.
    #[command(subcommand)]
    Group(GroupCommand),
    /// Bring an image: check a VHD, upload it as a page blob, create the image.
    #[command(subcommand)]
    Image(image::ImageCommand),
    /// GPU availability and the preflight of a planned deployment.
    #[command(subcommand)]
    Gpu(ops::GpuCommand),
    /// Deploy a template with its parameter file (New-AzResourceGroupDeployment), preflight first.
    Deploy(ops::DeployArgs),
    /// Virtual machines: list, show, create (GPU VM without a template), start, stop, deallocate, restart, delete.
    #[command(subcommand)]
    Vm(ops::VmCommand),
    /// The NVIDIA GPU extension (and other VM extensions).
    #[command(subcommand)]
    Extension(ops::ExtensionCommand),
    /// Stop GPU VMs before a device software update, and start them after.
    #[command(subcommand)]
    Update(ops::UpdateCommand),
    /// Many devices at once: GPU availability and rollouts, summarised in one table.
    #[command(subcommand)]
    Fleet(ops::FleetCommand),
    /// Run the documented workflow end to end against a built-in emulated device (no device needed).
    Demo(demo::DemoArgs),
}

#[derive(Args, Debug)]
pub struct ConnectArgs {
    /// ARM endpoint, https://management.<device>.<domain>/
    #[arg(long, alias = "arm-url", value_parser = name_arg)]
    pub arm_endpoint: String,
    #[arg(long, default_value = asegpu_core::device::ARM_USER, value_parser = name_arg)]
    pub username: String,
    /// Device root CA certificate (PEM or DER .cer), trusted in addition to the system store.
    #[arg(long, value_parser = path_arg)]
    pub ca_cert: Option<PathBuf>,
    /// Trust only --ca-cert, not the system store.
    #[arg(long, requires = "ca_cert")]
    pub ca_only: bool,
    /// Trust exactly the device certificate with this SHA-256 thumbprint (for self-signed device certificates).
    #[arg(long, value_parser = name_arg)]
    pub thumbprint: Option<String>,
    /// The device's IP address, used for every *.<device>.<domain> host (instead of hosts-file entries).
    #[arg(long, value_parser = name_arg)]
    pub device_ip: Option<String>,
    /// Map a host name (or *.suffix) to an address: HOST=IP. Repeatable.
    #[arg(long, value_parser = parse_host_map)]
    pub host_map: Vec<(String, String)>,
    /// DANGEROUS: do not verify the device's TLS certificate.
    #[arg(long)]
    pub insecure_skip_tls_verify: bool,
    /// Name of the profile to save: 1 to 64 characters from A-Z a-z 0-9 . _ -, starting with a letter or a
    /// digit.
    #[arg(long, default_value = "default", value_parser = profile::parse_profile_name)]
    pub name: String,
    /// Device fact ARM does not expose: the number of GPUs, 1 or 2 (one or two T4; Pro 2: one or two A2).
    #[arg(long, value_parser = parse_gpu_count)]
    pub gpu_count: Option<u32>,
    /// Device fact: the GPU model (T4 or A2), if the device's sizes do not show it.
    #[arg(long)]
    pub gpu_model: Option<asegpu_core::device::sizes::GpuModel>,
    /// Device fact: whether Kubernetes is configured on the device (true/false).
    #[arg(long)]
    pub kubernetes: Option<bool>,
    /// Device fact: the device software release as YYMM (e.g. 2309), from the device's local web UI
    /// (Software update page); it decides the GPU extension version.
    #[arg(long, value_parser = parse_release)]
    pub release: Option<String>,
    /// Device fact: the GPUs Kubernetes uses (0 to 2), when known (Get-HcsGpuNvidiaSmi in the device's
    /// PowerShell interface); otherwise every GPU no allocated VM holds is counted as Kubernetes'.
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=2))]
    pub kubernetes_gpus: Option<u32>,
    /// Device fact: a custom VM size set on the device, as NAME:VCPUS:MEMORY_GIB[:GPUS] (e.g.
    /// Custom_GPU_T4_v3:8:28:2), as Get-HcsVMCustomSizes shows it; ARM does not show its GPU count. Repeatable.
    #[arg(long)]
    pub custom_size: Vec<asegpu_core::device::custom_sizes::CustomSize>,
    /// Device fact: whether the GPU Multi-Process Service is on (Start-HcsGpuMPS; true/false).
    #[arg(long)]
    pub mps: Option<bool>,
}

/// `NAME=VALUE` with a non-empty name; `what` says what the pair is for.
fn split_pair(s: &str, syntax: &str, what: &str, example: &str) -> std::result::Result<(String, String), String> {
    let Some((k, v)) = s.split_once('=') else {
        return Err(format!("expected {syntax} for {what} (no '=' in '{s}'), e.g. {example}"));
    };
    let (k, v) = (k.trim(), v.trim());
    if k.is_empty() {
        return Err(format!("expected {syntax} for {what}: the part before '=' is empty, e.g. {example}"));
    }
    Ok((k.to_string(), v.to_string()))
}

/// `--host-map HOST=IP`.
fn parse_host_map(s: &str) -> std::result::Result<(String, String), String> {
    let (h, ip) = split_pair(s, "HOST=IP", "a host mapping", "management.mydevice.example.com=10.0.0.5")?;
    if ip.is_empty() {
        return Err(format!("expected HOST=IP for a host mapping: the IP address after '=' is empty in '{s}'"));
    }
    Ok((h, ip))
}

/// `--param NAME=VALUE` (a template parameter; VALUE may be JSON).
pub(crate) fn parse_param(s: &str) -> std::result::Result<(String, String), String> {
    split_pair(s, "NAME=VALUE", "a template parameter (VALUE may be JSON)", "vmSize=Standard_NC4as_T4_v3")
}

/// `--tag KEY=VALUE`.
fn parse_tag(s: &str) -> std::result::Result<(String, String), String> {
    split_pair(s, "KEY=VALUE", "a tag", "owner=gpu-team")
}

/// A required name (resource group, VM, storage account...): not empty or blank.
pub(crate) fn name_arg(s: &str) -> std::result::Result<String, String> {
    if s.trim().is_empty() {
        return Err("the value is empty: a name is required here".into());
    }
    Ok(s.to_string())
}

/// A required path: not empty.
pub(crate) fn path_arg(s: &str) -> std::result::Result<PathBuf, String> {
    if s.trim().is_empty() {
        return Err("the path is empty: a file is required here".into());
    }
    Ok(PathBuf::from(s))
}

fn parse_gpu_count(s: &str) -> std::result::Result<u32, String> {
    let n = s.trim().parse::<u32>().map_err(|_| {
        format!("'{s}' is not a GPU count: give 1 or 2 (one or two NVIDIA T4 GPUs; Pro 2: one or two NVIDIA A2)")
    })?;
    asegpu_core::device::validate_gpu_count(n).map_err(|e| e.message)
}

pub(crate) fn parse_release(s: &str) -> std::result::Result<String, String> {
    asegpu_core::device::validate_release(s).map_err(|e| e.message)
}

fn parse_timeout(s: &str) -> std::result::Result<u64, String> {
    let range = asegpu_core::arm::http::UNREACHABLE_DEADLINE_MS;
    let (lo, hi) = (range.start() / 1000, range.end() / 1000);
    match s.trim().parse::<u64>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        _ => Err(format!(
            "--timeout is whole seconds, {lo} to {hi}: how long to keep trying a device that cannot be reached"
        )),
    }
}

#[derive(Subcommand, Debug)]
pub enum GroupCommand {
    /// List resource groups.
    List,
    /// Show one resource group.
    Show {
        #[arg(value_parser = name_arg)]
        name: String,
    },
    /// Create (or update) a resource group in dbelocal.
    Create {
        #[arg(value_parser = name_arg)]
        name: String,
        /// Tags as KEY=VALUE. Repeatable.
        #[arg(long, value_parser = parse_tag)]
        tag: Vec<(String, String)>,
    },
    /// Delete a resource group and everything in it.
    Delete {
        #[arg(value_parser = name_arg)]
        name: String,
        /// Do not ask for confirmation.
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

const GROUP_COLUMNS: &[(&str, &str)] =
    &[("Name", "/name"), ("Location", "/location"), ("Status", "/properties/provisioningState")];

pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if std::env::var_os("ASEGPU_LOG").is_none() && cli.verbose {
        // --verbose: asegpu's own notes (each retry and why), one plain line each.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("asegpu=info"))
            .without_time()
            .with_target(false)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_writer(std::io::stderr)
            .try_init();
    } else {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_env("ASEGPU_LOG"))
            .with_writer(std::io::stderr)
            .try_init();
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let format = cli.output;
    let cancel = CancelToken::new();
    let ctrl_c = cancel.clone();
    rt.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    match rt.block_on(run(cli, &cancel)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            match format {
                Format::Json => eprintln!("{}", serde_json::to_string_pretty(&e.to_json()).expect("JSON")),
                Format::Table => {
                    eprintln!("error: {e}");
                    if let Some(c) = &e.correlation_id {
                        eprintln!("       correlation id: {c}");
                    }
                }
            }
            std::process::ExitCode::from(exit_code(e.status))
        }
    }
}

/// Exit codes: 1 failure, 3 not found (as the Azure CLI), 4 sign-in, 5 TLS, 6 cannot reach, 130 cancelled.
fn exit_code(s: Status) -> u8 {
    match s {
        Status::NotFound => 3,
        Status::Authentication | Status::Authorization => 4,
        Status::Tls => 5,
        Status::Connection | Status::Timeout => 6,
        Status::PreflightFailed => 7,
        Status::Cancelled => 130,
        _ => 1,
    }
}

async fn run(cli: Cli, cancel: &CancelToken) -> Result<()> {
    let pw = PasswordSource { file: cli.password_file.clone(), env: cli.password_env.clone() };
    let format = cli.output;
    let ctx = SessionArgs { profile: cli.profile.clone(), password: pw.clone(), timeout: cli.timeout, cancel };
    match cli.command {
        Command::Connect(a) => connect(a, &pw, cli.timeout, format, cancel).await,
        Command::Disconnect => {
            let (name, _) = Profiles::load()?.get(cli.profile.as_deref())?;
            profile::forget_token(&name);
            eprintln!("signed out of profile '{name}'");
            Ok(())
        }
        Command::Account => {
            with_session(&ctx, async |s| {
                output::print(format, &serde_json::to_value(s.info().await)?, INFO_COLUMNS);
                Ok(())
            })
            .await
        }
        Command::Group(g) => with_session(&ctx, async |s| group(s, g, format, cancel).await).await,
        Command::Image(image::ImageCommand::Check { vhd }) => {
            image::image_cmd(None, image::ImageCommand::Check { vhd }, format, cancel).await
        }
        Command::Image(c) => with_session(&ctx, async |s| image::image_cmd(Some(s), c, format, cancel).await).await,
        Command::Gpu(c) => with_session(&ctx, async |s| ops::gpu_cmd(s, c, format, cancel).await).await,
        Command::Deploy(a) => with_session(&ctx, async |s| ops::deploy_cmd(s, a, format, cancel).await).await,
        Command::Vm(c) => with_session(&ctx, async |s| ops::vm_cmd(s, c, format, cancel).await).await,
        Command::Extension(c) => with_session(&ctx, async |s| ops::extension_cmd(s, c, format, cancel).await).await,
        Command::Update(c) => with_session(&ctx, async |s| ops::update_cmd(s, c, format, cancel).await).await,
        Command::Fleet(c) => ops::fleet_cmd(c, &pw, cli.timeout, format, cancel).await,
        Command::Demo(a) => demo::run(a, format, cancel).await,
    }
}

const INFO_COLUMNS: &[(&str, &str)] = &[
    ("Account", "/account"),
    ("SubscriptionName", "/subscriptionName"),
    ("TenantId", "/tenantId"),
    ("Environment", "/environment"),
];

/// What opening a profile's session needs.
struct SessionArgs<'a> {
    profile: Option<String>,
    password: PasswordSource,
    timeout: Option<u64>,
    cancel: &'a CancelToken,
}

/// Open the profile's session, run `f` with it, and save the token back to the cache whenever it was
/// renewed: at sign-in, during `f` (after a 401 or before expiry), also when `f` fails.
async fn with_session<T>(a: &SessionArgs<'_>, f: impl AsyncFnOnce(&Session) -> Result<T>) -> Result<T> {
    let bar = Bar::new("connect");
    let sink = |e: &ProgressEvent| bar.update(e);
    let r = profile::open(a.profile.as_deref(), &a.password, a.timeout, &Progress::new(&sink), a.cancel).await;
    bar.finish();
    let profile::Opened { name, session, cached_access_token } = r?;
    let mut saved = cached_access_token;
    profile::save_if_renewed(&name, &session, &mut saved).await?;
    let result = f(&session).await;
    match (result, profile::save_if_renewed(&name, &session, &mut saved).await) {
        (r, Ok(())) => r,
        (Ok(_), Err(e)) => Err(e),
        (Err(e), Err(not_saved)) => {
            eprintln!("warning: the renewed sign-in was not saved: {not_saved}");
            Err(e)
        }
    }
}

async fn connect(
    a: ConnectArgs,
    pw: &PasswordSource,
    timeout: Option<u64>,
    format: Format,
    cancel: &CancelToken,
) -> Result<()> {
    // Refuse an unsafe configuration directory or profile file before signing in.
    Profiles::load()?;
    let mut o = ConnectOptions::new(&a.arm_endpoint);
    o.username = a.username;
    o.tls.ca_cert_file = a.ca_cert.map(|p| std::fs::canonicalize(&p).unwrap_or(p));
    o.tls.ca_only = a.ca_only;
    o.tls.certificate_thumbprint = a.thumbprint;
    o.tls.insecure_skip_tls_verify = a.insecure_skip_tls_verify;
    o.device_ip = a.device_ip;
    o.host_map = a.host_map.into_iter().collect();
    o.device.gpu_count = a.gpu_count;
    o.device.gpu_model = a.gpu_model;
    o.device.kubernetes_configured = a.kubernetes;
    o.device.release = a.release;
    o.device.kubernetes_gpus = a.kubernetes_gpus;
    o.device.custom_sizes = a.custom_size;
    o.device.mps_enabled = a.mps;
    o.device.validate()?;
    if let Some(secs) = timeout {
        o.retry.unreachable_deadline_ms = secs.saturating_mul(1000);
    }
    let password = pw.read(true)?.ok_or_else(|| {
        Error::invalid(
            "no password: set ASEGPU_PASSWORD, use --password-file FILE, or run in a terminal to be prompted",
        )
    })?;
    let bar = Bar::new("connect");
    let sink = |e: &ProgressEvent| bar.update(e);
    let r = Session::connect(o.clone(), password, &Progress::new(&sink), cancel).await;
    bar.finish();
    let s = r?;
    let mut profiles = Profiles::load()?;
    profiles.profiles.insert(a.name.clone(), o);
    profiles.current = Some(a.name.clone());
    profiles.save()?;
    profile::save_if_renewed(&a.name, &s, &mut None).await?;
    if let Some(w) = s.tls_warning() {
        eprintln!("WARNING: {w}");
    }
    output::print(format, &serde_json::to_value(s.info().await)?, INFO_COLUMNS);
    Ok(())
}

async fn group(s: &Session, cmd: GroupCommand, format: Format, cancel: &CancelToken) -> Result<()> {
    match cmd {
        GroupCommand::List => {
            let groups = s.list_resource_groups(cancel).await?;
            output::print(format, &serde_json::to_value(groups)?, GROUP_COLUMNS);
        }
        GroupCommand::Show { name } => {
            output::print(format, &serde_json::to_value(s.get_resource_group(&name, cancel).await?)?, GROUP_COLUMNS)
        }
        GroupCommand::Create { name, tag } => {
            let tags = tag.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect();
            let g = s.create_resource_group(&NewResourceGroup { name, location: None, tags }, cancel).await?;
            output::print(format, &serde_json::to_value(g)?, GROUP_COLUMNS);
        }
        GroupCommand::Delete { name, yes } => {
            if !yes && !confirm(&format!("Delete resource group '{name}' and everything in it?"))? {
                return Err(Error::cancelled());
            }
            let bar = Bar::new("delete");
            let sink = |e: &ProgressEvent| bar.update(e);
            let r = s.delete_resource_group(&name, &Progress::new(&sink), cancel).await;
            bar.finish();
            r?;
            eprintln!("deleted resource group '{name}'");
        }
    }
    Ok(())
}

fn confirm(question: &str) -> Result<bool> {
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err(Error::invalid(format!("{question} Pass --yes to confirm when not running in a terminal.")));
    }
    eprint!("{question} [y/N] ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| Error::new(Status::Io, e.to_string()))?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_line_definition_is_consistent() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
