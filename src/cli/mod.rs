//! The `asegpu` command line: connect to a device (saving a profile), manage resource groups, and run
//! the whole workflow against the built-in emulator with `asegpu demo`.

mod demo;
mod image;
mod ops;
mod output;
pub mod profile;

use crate::arm::resources::NewResourceGroup;
use crate::arm::{ConnectOptions, Session};
use crate::error::{Error, Result, Status};
use crate::progress::{CancelToken, Progress, ProgressEvent};
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
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Read the Edge ARM password from this file (first line).
    #[arg(long, global = true)]
    pub password_file: Option<PathBuf>,
    /// Read the Edge ARM password from this environment variable (default ASEGPU_PASSWORD).
    #[arg(long, global = true)]
    pub password_env: Option<String>,
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
    #[arg(long, alias = "arm-url")]
    pub arm_endpoint: String,
    #[arg(long, default_value = crate::device::ARM_USER)]
    pub username: String,
    /// Device root CA certificate (PEM or DER .cer), trusted in addition to the system store.
    #[arg(long)]
    pub ca_cert: Option<PathBuf>,
    /// Trust only --ca-cert, not the system store.
    #[arg(long, requires = "ca_cert")]
    pub ca_only: bool,
    /// Trust exactly the device certificate with this SHA-256 thumbprint (for self-signed device certificates).
    #[arg(long)]
    pub thumbprint: Option<String>,
    /// The device's IP address, used for every *.<device>.<domain> host (instead of hosts-file entries).
    #[arg(long)]
    pub device_ip: Option<String>,
    /// Map a host name (or *.suffix) to an address: HOST=IP. Repeatable.
    #[arg(long, value_parser = parse_host_map)]
    pub host_map: Vec<(String, String)>,
    /// DANGEROUS: do not verify the device's TLS certificate.
    #[arg(long)]
    pub insecure_skip_tls_verify: bool,
    /// Name of the profile to save.
    #[arg(long, default_value = "default")]
    pub name: String,
    /// Device fact ARM does not expose: the number of GPUs (1 or 2).
    #[arg(long)]
    pub gpu_count: Option<u32>,
    /// Device fact: the GPU model (T4 or A2), if the device's sizes do not show it.
    #[arg(long, value_enum)]
    pub gpu_model: Option<crate::device::sizes::GpuModel>,
    /// Device fact: whether Kubernetes is configured on the device (true/false).
    #[arg(long)]
    pub kubernetes: Option<bool>,
    /// Device fact: the device software release (e.g. 2309), which decides the GPU extension version.
    #[arg(long)]
    pub release: Option<String>,
}

fn parse_host_map(s: &str) -> std::result::Result<(String, String), String> {
    s.split_once('=')
        .map(|(h, ip)| (h.trim().to_string(), ip.trim().to_string()))
        .ok_or_else(|| "expected HOST=IP".into())
}

#[derive(Subcommand, Debug)]
pub enum GroupCommand {
    /// List resource groups.
    List,
    /// Show one resource group.
    Show { name: String },
    /// Create (or update) a resource group in dbelocal.
    Create {
        name: String,
        /// Tags as KEY=VALUE. Repeatable.
        #[arg(long, value_parser = parse_host_map)]
        tag: Vec<(String, String)>,
    },
    /// Delete a resource group and everything in it.
    Delete {
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
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("ASEGPU_LOG"))
        .with_writer(std::io::stderr)
        .try_init();
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
    match cli.command {
        Command::Connect(a) => connect(a, &pw, cli.output, cancel).await,
        Command::Disconnect => {
            let (name, _) = Profiles::load()?.get(cli.profile.as_deref())?;
            profile::forget_token(&name);
            eprintln!("signed out of profile '{name}'");
            Ok(())
        }
        Command::Account => {
            let s = session(&cli.profile, &pw, cancel).await?;
            output::print(cli.output, &serde_json::to_value(s.info().await)?, INFO_COLUMNS);
            Ok(())
        }
        Command::Group(g) => {
            let s = session(&cli.profile, &pw, cancel).await?;
            group(&s, g, cli.output, cancel).await
        }
        Command::Image(image::ImageCommand::Check { vhd }) => {
            image::image_cmd(None, image::ImageCommand::Check { vhd }, cli.output, cancel).await
        }
        Command::Image(c) => {
            image::image_cmd(Some(&session(&cli.profile, &pw, cancel).await?), c, cli.output, cancel).await
        }
        Command::Gpu(c) => ops::gpu_cmd(&session(&cli.profile, &pw, cancel).await?, c, cli.output, cancel).await,
        Command::Deploy(a) => ops::deploy_cmd(&session(&cli.profile, &pw, cancel).await?, a, cli.output, cancel).await,
        Command::Vm(c) => ops::vm_cmd(&session(&cli.profile, &pw, cancel).await?, c, cli.output, cancel).await,
        Command::Extension(c) => {
            ops::extension_cmd(&session(&cli.profile, &pw, cancel).await?, c, cli.output, cancel).await
        }
        Command::Update(c) => ops::update_cmd(&session(&cli.profile, &pw, cancel).await?, c, cli.output, cancel).await,
        Command::Fleet(c) => ops::fleet_cmd(c, &pw, cli.output, cancel).await,
        Command::Demo(a) => demo::run(a, cli.output, cancel).await,
    }
}

const INFO_COLUMNS: &[(&str, &str)] = &[
    ("Account", "/account"),
    ("SubscriptionName", "/subscriptionName"),
    ("TenantId", "/tenantId"),
    ("Environment", "/environment"),
];

async fn session(profile: &Option<String>, pw: &PasswordSource, cancel: &CancelToken) -> Result<Session> {
    let bar = Bar::new("connect");
    let sink = |e: &ProgressEvent| bar.update(e);
    let r = profile::open(profile.as_deref(), pw, &Progress::new(&sink), cancel).await;
    bar.finish();
    let (name, s) = r?;
    if let Some(t) = s.saved_token().await {
        profile::save_token(&name, &t)?;
    }
    Ok(s)
}

async fn connect(a: ConnectArgs, pw: &PasswordSource, format: Format, cancel: &CancelToken) -> Result<()> {
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
    if let Some(t) = s.saved_token().await {
        profile::save_token(&a.name, &t)?;
    }
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
