//! CLI commands for the operations: `gpu`, `deploy`, `vm`, `extension`, `update`.

use super::output::{self, with_bar, Format};
use asegpu_core::arm::compute::VmAction;
use asegpu_core::arm::Session;
use asegpu_core::error::{Error, Result, Status};
use asegpu_core::ops::{deploy, extension, fleet, gpu, update, vm};
use asegpu_core::progress::CancelToken;
use clap::{Args, Subcommand};
use serde_json::Value;
use std::path::PathBuf;
use zeroize::Zeroizing;

#[derive(Subcommand, Debug)]
pub enum GpuCommand {
    /// Who holds the device's GPUs, whether Kubernetes claimed any, and how many are free.
    Availability,
    /// Will a planned deployment get its GPUs? Checks a template + parameters, or a size and count.
    Preflight(PreflightArgs),
}

#[derive(Args, Debug)]
pub struct PreflightArgs {
    #[arg(long, short = 'g', value_parser = super::name_arg)]
    pub resource_group: Option<String>,
    #[arg(long, value_parser = super::path_arg)]
    pub template_file: Option<PathBuf>,
    #[arg(long, value_parser = super::path_arg)]
    pub parameters_file: Option<PathBuf>,
    /// Parameter override NAME=VALUE (JSON values allowed). Repeatable.
    #[arg(long = "param", value_parser = super::parse_param)]
    pub params: Vec<(String, String)>,
    /// Instead of a template: a VM size...
    #[arg(long, conflicts_with = "template_file", value_parser = super::name_arg)]
    pub size: Option<String>,
    /// ...and how many VMs of it.
    #[arg(long, default_value_t = 1)]
    pub count: u32,
}

fn param_map(params: &[(String, String)]) -> serde_json::Map<String, Value> {
    params
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.clone()))))
        .collect()
}

#[derive(Args, Debug)]
pub struct DeployArgs {
    #[arg(long, short = 'g', value_parser = super::name_arg)]
    pub resource_group: String,
    #[arg(long, value_parser = super::path_arg)]
    pub template_file: PathBuf,
    #[arg(long, value_parser = super::path_arg)]
    pub parameters_file: Option<PathBuf>,
    /// Parameter override NAME=VALUE (JSON values allowed). Repeatable.
    #[arg(long = "param", value_parser = super::parse_param)]
    pub params: Vec<(String, String)>,
    /// Deployment name (default: the template file's name).
    #[arg(long, value_parser = super::name_arg)]
    pub name: Option<String>,
    /// Deploy even when the preflight says it will fail.
    #[arg(long)]
    pub force: bool,
}

#[derive(Subcommand, Debug)]
pub enum VmCommand {
    /// List VMs (of a resource group, or all), with power state, GPUs and IP addresses.
    List {
        #[arg(long, short = 'g', value_parser = super::name_arg)]
        resource_group: Option<String>,
    },
    Show {
        #[arg(long, short = 'g', value_parser = super::name_arg)]
        resource_group: String,
        #[arg(value_parser = super::name_arg)]
        name: String,
    },
    /// The VM sizes the device offers (GPU sizes match its GPU model).
    Sizes,
    /// Create a GPU VM without a template (preflight first). The admin password comes from
    /// ASEGPU_VM_PASSWORD, --admin-password-file, or a prompt.
    Create(CreateVmArgs),
    Start {
        #[arg(long, short = 'g', value_parser = super::name_arg)]
        resource_group: String,
        #[arg(value_parser = super::name_arg)]
        name: String,
    },
    /// Stop, staying provisioned: the VM keeps its GPU (Stop-AzVM -StayProvisioned).
    Stop {
        #[arg(long, short = 'g', value_parser = super::name_arg)]
        resource_group: String,
        #[arg(value_parser = super::name_arg)]
        name: String,
    },
    /// Stop and release the GPU (Kubernetes may take it).
    Deallocate {
        #[arg(long, short = 'g', value_parser = super::name_arg)]
        resource_group: String,
        #[arg(value_parser = super::name_arg)]
        name: String,
    },
    Restart {
        #[arg(long, short = 'g', value_parser = super::name_arg)]
        resource_group: String,
        #[arg(value_parser = super::name_arg)]
        name: String,
    },
    Delete {
        #[arg(long, short = 'g', value_parser = super::name_arg)]
        resource_group: String,
        #[arg(value_parser = super::name_arg)]
        name: String,
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

#[derive(Args, Debug)]
pub struct CreateVmArgs {
    #[arg(long, short = 'g', value_parser = super::name_arg)]
    pub resource_group: String,
    #[arg(long, value_parser = super::name_arg)]
    pub name: String,
    /// Image name (in the resource group) or id.
    #[arg(long, value_parser = super::name_arg)]
    pub image: String,
    #[arg(long, default_value = "Standard_NC4as_T4_v3", value_parser = super::name_arg)]
    pub size: String,
    #[arg(long, default_value = asegpu_core::device::COMPUTE_VNET, value_parser = super::name_arg)]
    pub vnet: String,
    #[arg(long, default_value = asegpu_core::device::COMPUTE_RESOURCE_GROUP, value_parser = super::name_arg)]
    pub vnet_resource_group: String,
    #[arg(long, default_value = asegpu_core::device::COMPUTE_SUBNET, value_parser = super::name_arg)]
    pub subnet: String,
    /// Static private IP address (default: DHCP).
    #[arg(long, value_parser = super::name_arg)]
    pub ip: Option<String>,
    #[arg(long, default_value = "Administrator", value_parser = super::name_arg)]
    pub admin_username: String,
    #[arg(long, value_parser = super::path_arg)]
    pub admin_password_file: Option<PathBuf>,
    #[arg(long)]
    pub force: bool,
}

#[derive(Subcommand, Debug)]
pub enum ExtensionCommand {
    /// Install the NVIDIA GPU extension (publisher, type, version and settings chosen from the VM's OS and
    /// the device release unless given).
    Install(InstallArgs),
    Show {
        #[arg(long, short = 'g', value_parser = super::name_arg)]
        resource_group: String,
        #[arg(long, value_parser = super::name_arg)]
        vm: String,
        #[arg(value_parser = super::name_arg)]
        name: String,
    },
    List {
        #[arg(long, short = 'g', value_parser = super::name_arg)]
        resource_group: String,
        #[arg(long, value_parser = super::name_arg)]
        vm: String,
    },
    Remove {
        #[arg(long, short = 'g', value_parser = super::name_arg)]
        resource_group: String,
        #[arg(long, value_parser = super::name_arg)]
        vm: String,
        #[arg(value_parser = super::name_arg)]
        name: String,
    },
}

#[derive(Args, Debug)]
pub struct InstallArgs {
    #[arg(long, short = 'g', value_parser = super::name_arg)]
    pub resource_group: String,
    #[arg(long, value_parser = super::name_arg)]
    pub vm: String,
    #[arg(long, value_parser = super::name_arg)]
    pub name: Option<String>,
    #[arg(long, value_parser = super::name_arg)]
    pub publisher: Option<String>,
    #[arg(long = "type", value_parser = super::name_arg)]
    pub extension_type: Option<String>,
    /// typeHandlerVersion (e.g. 1.8).
    #[arg(long, alias = "handler-version", value_parser = super::name_arg)]
    pub type_handler_version: Option<String>,
    /// Settings as JSON.
    #[arg(long)]
    pub settings: Option<String>,
    /// Device software release as YYMM (e.g. 2309), if not in the profile.
    #[arg(long, value_parser = super::parse_release)]
    pub release: Option<String>,
    /// RHEL 7: use the troubleshooting doc's custom install (CUDA 11.4, a driver below 510).
    #[arg(long)]
    pub rhel_custom_install: bool,
}

#[derive(Subcommand, Debug)]
pub enum UpdateCommand {
    /// Before a device update: stop every running GPU VM staying provisioned, and record which.
    Suspend {
        #[arg(long, value_parser = super::path_arg)]
        record: Option<PathBuf>,
    },
    /// After the update: start the recorded VMs again.
    Resume {
        #[arg(long, value_parser = super::path_arg)]
        record: Option<PathBuf>,
    },
}

const VM_COLUMNS: &[(&str, &str)] = &[
    ("ResourceGroup", "/resourceGroupName"),
    ("Name", "/name"),
    ("VmSize", "/vmSize"),
    ("GPUs", "/gpus"),
    ("PowerState", "/powerState"),
    ("PrivateIP", "/privateIpAddresses/0"),
];

pub async fn gpu_cmd(s: &Session, cmd: GpuCommand, format: Format, cancel: &CancelToken) -> Result<()> {
    match cmd {
        GpuCommand::Availability => {
            let r = gpu::availability(s, cancel).await?;
            print_availability(&r, format);
        }
        GpuCommand::Preflight(a) => {
            let req = deploy::PreflightRequest {
                resource_group_name: a.resource_group,
                template_file: a.template_file,
                template: None,
                template_parameter_file: a.parameters_file,
                parameters: param_map(&a.params),
                vm_size: a.size,
                count: Some(a.count),
            };
            let plan = deploy::plan_for(s, req)?;
            let r = gpu::preflight(s, &plan, cancel).await?;
            print_preflight(&r, format);
            if !r.ok {
                return Err(Error::new(Status::PreflightFailed, format!("preflight: the deployment {}", r.verdict)));
            }
        }
    }
    Ok(())
}

pub fn print_availability(r: &gpu::GpuReport, format: Format) {
    if format == Format::Json {
        output::print(format, &serde_json::to_value(r).expect("JSON"), &[]);
        return;
    }
    let opt = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_else(|| "unknown".into());
    println!(
        "GPU model:   {}  ({})",
        r.gpu_model.map(|m| format!("NVIDIA {m:?}")).unwrap_or_else(|| "unknown".into()),
        r.gpu_model_source
    );
    println!("GPUs:        {}  ({})", opt(r.gpu_count), r.gpu_count_source);
    println!(
        "Kubernetes:  {}  ({})",
        r.kubernetes_configured.map(|k| if k { "configured" } else { "not configured" }).unwrap_or("unknown"),
        r.kubernetes_source
    );
    let k8s = opt(r.gpus_claimed_by_kubernetes);
    let k8s = if r.kubernetes_share_estimated { format!("{k8s} (at most; estimated)") } else { k8s };
    println!("Held by VMs: {}   Claimed by Kubernetes: {k8s}   Free: {}", r.gpus_held_by_vms, opt(r.free_gpus));
    if !r.gpu_vms.is_empty() {
        println!();
        let rows = serde_json::to_value(&r.gpu_vms).expect("JSON");
        output::print(
            format,
            &rows,
            &[
                ("ResourceGroup", "/resourceGroupName"),
                ("GpuVm", "/name"),
                ("VmSize", "/vmSize"),
                ("GPUs", "/gpus"),
                ("PowerState", "/powerState"),
                ("HoldsGpu", "/holdsGpus"),
            ],
        );
    }
    for n in &r.notes {
        println!("note: {n}");
    }
}

pub fn print_preflight(r: &gpu::PreflightReport, format: Format) {
    if format == Format::Json {
        output::print(format, &serde_json::to_value(r).expect("JSON"), &[]);
        return;
    }
    println!(
        "Preflight: the deployment {} (needs {} GPU(s); {} free)",
        r.verdict,
        r.gpus_needed,
        r.availability.free_gpus.map(|n| n.to_string()).unwrap_or_else(|| "unknown".into())
    );
    for f in &r.findings {
        let tag = match f.severity {
            gpu::Severity::Error => "ERROR",
            gpu::Severity::Warning => "warning",
            gpu::Severity::Info => "info",
        };
        println!("  {tag} [{}] {}", f.code, f.message);
        if let Some(fix) = &f.fix {
            println!("        what to do: {fix}");
        }
    }
}

pub async fn deploy_cmd(s: &Session, a: DeployArgs, format: Format, cancel: &CancelToken) -> Result<()> {
    let req = deploy::TemplateDeployment {
        resource_group_name: a.resource_group,
        name: a.name,
        template_file: Some(a.template_file),
        template: None,
        template_parameter_file: a.parameters_file,
        parameters: param_map(&a.params),
        force: a.force,
    };
    let r = with_bar("deploy", async |p| deploy::deploy_template(s, &req, p, cancel).await).await;
    let r = match r {
        Ok(r) => r,
        Err(e) => {
            if let (Some(d), Status::PreflightFailed) = (&e.details, e.status) {
                if let Ok(rep) = serde_json::from_value::<gpu::PreflightReport>(d.clone()) {
                    print_preflight(&rep, format);
                }
            }
            return Err(e);
        }
    };
    if format == Format::Json {
        output::print(format, &serde_json::to_value(&r)?, &[]);
    } else {
        println!(
            "DeploymentName:    {}\nResourceGroupName: {}\nProvisioningState: {}\nMode:              {}",
            r.deployment_name, r.resource_group_name, r.provisioning_state, r.mode
        );
        if !r.vms.is_empty() {
            output::print(format, &serde_json::to_value(&r.vms)?, VM_COLUMNS);
        }
    }
    Ok(())
}

fn vm_password(file: &Option<PathBuf>) -> Result<zeroize::Zeroizing<String>> {
    let src = super::profile::PasswordSource { file: file.clone(), env: Some("ASEGPU_VM_PASSWORD".into()) };
    src.read(false)?
        .or_else(|| {
            std::io::IsTerminal::is_terminal(&std::io::stdin())
                .then(|| {
                    rpassword::prompt_password("Admin password for the new VM: ").ok().map(zeroize::Zeroizing::new)
                })
                .flatten()
        })
        .ok_or_else(|| Error::invalid("no VM admin password: set ASEGPU_VM_PASSWORD or use --admin-password-file"))
}

pub async fn vm_cmd(s: &Session, cmd: VmCommand, format: Format, cancel: &CancelToken) -> Result<()> {
    let show = |v: &vm::VmView| output::print(format, &serde_json::to_value(v).expect("JSON"), VM_COLUMNS);
    let act = async |rg: &str, name: &str, action: VmAction| -> Result<vm::VmView> {
        with_bar(action.path(), async |p| vm::act(s, rg, name, action, p, cancel).await).await
    };
    match cmd {
        VmCommand::List { resource_group } => {
            let vms = vm::list(s, resource_group.as_deref(), true, cancel).await?;
            output::print(format, &serde_json::to_value(vms)?, VM_COLUMNS);
        }
        VmCommand::Show { resource_group, name } => show(&vm::get(s, &resource_group, &name, cancel).await?),
        VmCommand::Sizes => {
            let mut sizes = s.list_vm_sizes(cancel).await?;
            for v in sizes.iter_mut() {
                let gpus = s.options().device.gpus_of(v.get("name").and_then(Value::as_str).unwrap_or_default());
                v["gpus"] = gpus.into();
            }
            output::print(
                format,
                &Value::Array(sizes),
                &[
                    ("Name", "/name"),
                    ("vCPUs", "/numberOfCores"),
                    ("MemoryMB", "/memoryInMB"),
                    ("GPUs", "/gpus"),
                    ("MaxDataDisks", "/maxDataDiskCount"),
                ],
            );
        }
        VmCommand::Create(a) => {
            let pw = vm_password(&a.admin_password_file)?;
            let req = deploy::DirectVm {
                resource_group_name: a.resource_group,
                name: a.name,
                image: a.image,
                vm_size: a.size,
                vnet_name: a.vnet,
                vnet_resource_group: a.vnet_resource_group,
                subnet_name: a.subnet,
                private_ip_address: a.ip,
                nic_name: None,
                admin_username: a.admin_username,
                force: a.force,
            };
            let v = with_bar("create", async |p| deploy::create_vm(s, &req, &pw, p, cancel).await).await?;
            show(&v);
        }
        VmCommand::Start { resource_group, name } => show(&act(&resource_group, &name, VmAction::Start).await?),
        VmCommand::Stop { resource_group, name } => show(&act(&resource_group, &name, VmAction::PowerOff).await?),
        VmCommand::Deallocate { resource_group, name } => {
            show(&act(&resource_group, &name, VmAction::Deallocate).await?)
        }
        VmCommand::Restart { resource_group, name } => show(&act(&resource_group, &name, VmAction::Restart).await?),
        VmCommand::Delete { resource_group, name, yes } => {
            if !yes && !super::confirm(&format!("Delete VM '{name}'?"))? {
                return Err(Error::cancelled());
            }
            with_bar("delete", async |p| vm::delete(s, &resource_group, &name, p, cancel).await).await?;
            eprintln!("deleted VM '{name}'");
        }
    }
    Ok(())
}

const EXT_COLUMNS: &[(&str, &str)] = &[
    ("Name", "/name"),
    ("Publisher", "/publisher"),
    ("ExtensionType", "/extensionType"),
    ("TypeHandlerVersion", "/typeHandlerVersion"),
    ("ProvisioningState", "/provisioningState"),
];

pub async fn extension_cmd(s: &Session, cmd: ExtensionCommand, format: Format, cancel: &CancelToken) -> Result<()> {
    match cmd {
        ExtensionCommand::Install(a) => {
            let settings = match a.settings {
                Some(t) => {
                    Some(serde_json::from_str(&t).map_err(|e| Error::invalid(format!("--settings is not JSON: {e}")))?)
                }
                None => None,
            };
            let req = extension::InstallRequest {
                resource_group_name: a.resource_group,
                vm_name: a.vm,
                name: a.name,
                publisher: a.publisher,
                extension_type: a.extension_type,
                type_handler_version: a.type_handler_version,
                settings,
                release: a.release,
                os_type: None,
                rhel_custom_install: a.rhel_custom_install,
            };
            let r = with_bar("extension", async |p| extension::install(s, &req, p, cancel).await).await?;
            // The warnings were printed as they came (the progress bar's WARNING lines).
            if format == Format::Json {
                output::print(format, &serde_json::to_value(&r)?, &[]);
            } else {
                output::print(format, &serde_json::to_value(&r.extension)?, EXT_COLUMNS);
            }
        }
        ExtensionCommand::Show { resource_group, vm, name } => {
            let e = extension::get(s, &resource_group, &vm, &name, cancel).await?;
            output::print(format, &serde_json::to_value(e)?, EXT_COLUMNS);
        }
        ExtensionCommand::List { resource_group, vm } => {
            output::print(
                format,
                &serde_json::to_value(extension::list(s, &resource_group, &vm, cancel).await?)?,
                EXT_COLUMNS,
            );
        }
        ExtensionCommand::Remove { resource_group, vm, name } => {
            with_bar("remove", async |p| extension::remove(s, &resource_group, &vm, &name, p, cancel).await).await?;
            eprintln!("removed extension '{name}' from VM '{vm}'");
        }
    }
    Ok(())
}

fn record_path(p: &Option<PathBuf>) -> PathBuf {
    p.clone().unwrap_or_else(|| super::profile::config_dir().join("update-record.json"))
}

pub async fn update_cmd(s: &Session, cmd: UpdateCommand, format: Format, cancel: &CancelToken) -> Result<()> {
    match cmd {
        UpdateCommand::Suspend { record } => {
            let path = record_path(&record);
            let rec = with_bar("suspend", async |p| update::suspend(s, p, cancel).await).await?;
            let data = serde_json::to_vec_pretty(&rec)?;
            if record.is_some() {
                // A path of the user's choosing: written atomically and 0600, its directory left as it is.
                super::profile::write_atomic(&path, &data)?;
            } else {
                super::profile::write_private(&path, &data)?;
            }
            output::print(
                format,
                &serde_json::to_value(&rec.stopped)?,
                &[("ResourceGroup", "/resourceGroupName"), ("StoppedVm", "/name"), ("VmSize", "/vmSize")],
            );
            eprintln!(
                "recorded {} stopped GPU VM(s) in {}; after the update run `asegpu update resume`",
                rec.stopped.len(),
                path.display()
            );
        }
        UpdateCommand::Resume { record } => {
            let path = record_path(&record);
            let text = std::fs::read(&path).map_err(|e| Error::io("read the update record", &path, e))?;
            let rec: update::UpdateRecord = serde_json::from_slice(&text)?;
            let started = with_bar("resume", async |p| update::resume(s, &rec, p, cancel).await).await?;
            output::print(format, &serde_json::to_value(started)?, VM_COLUMNS);
            let _ = std::fs::remove_file(&path);
        }
    }
    Ok(())
}

#[derive(Subcommand, Debug)]
pub enum FleetCommand {
    /// GPU availability of every device in a fleet file, as one table.
    Gpu {
        /// Fleet file: {"devices": [{"name", "connect": {connect options}, "passwordFile" | "passwordEnv"}]}.
        #[arg(long, value_parser = super::path_arg)]
        devices: PathBuf,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// Deploy the same template (and install the GPU extension) on every device, as one table.
    Rollout {
        #[arg(long, value_parser = super::path_arg)]
        devices: PathBuf,
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
        #[command(flatten)]
        deploy: DeployArgs,
        /// Install the GPU extension on the deployed GPU VMs.
        #[arg(long)]
        extension: bool,
    },
}

pub async fn fleet_cmd(
    cmd: FleetCommand,
    pw: &super::profile::PasswordSource,
    timeout: Option<u64>,
    format: Format,
    cancel: &CancelToken,
) -> Result<()> {
    let default_pw = pw.read(false)?;
    let (rows, failed) = match cmd {
        FleetCommand::Gpu { devices, concurrency } => {
            let f = load_fleet(&devices, timeout)?;
            fleet_gpu(&f, default_pw.as_ref(), concurrency, format, cancel).await?
        }
        FleetCommand::Rollout { devices, concurrency, deploy: a, extension } => {
            let f = load_fleet(&devices, timeout)?;
            let r = fleet::Rollout {
                deployment: deploy::TemplateDeployment {
                    resource_group_name: a.resource_group,
                    name: a.name,
                    template_file: Some(a.template_file),
                    template: None,
                    template_parameter_file: a.parameters_file,
                    parameters: param_map(&a.params),
                    force: a.force,
                },
                install_gpu_extension: extension,
            };
            fleet_rollout(&f, &r, default_pw.as_ref(), concurrency, format, cancel).await?
        }
    };
    if failed > 0 {
        return Err(Error::new(Status::OperationFailed, format!("{failed} of {rows} device(s) failed")));
    }
    Ok(())
}

/// The fleet file, every device given the `--timeout` deadline when one is set.
fn load_fleet(path: &std::path::Path, timeout: Option<u64>) -> Result<fleet::Fleet> {
    let mut f = fleet::Fleet::load(path)?;
    if let Some(secs) = timeout {
        for d in &mut f.devices {
            d.connect.retry.unreachable_deadline_ms = secs.saturating_mul(1000);
        }
    }
    Ok(f)
}

/// `fleet gpu`: one GPU table across the devices. Answers (devices, failed).
async fn fleet_gpu(
    f: &fleet::Fleet,
    pw: Option<&Zeroizing<String>>,
    concurrency: usize,
    format: Format,
    cancel: &CancelToken,
) -> Result<(usize, usize)> {
    let rows = with_bar("fleet", async |p| Ok(fleet::gpu_report(f, pw, concurrency, p, cancel).await)).await?;
    let failed = rows.iter().filter(|r| !r.ok).count();
    let table: Vec<Value> = rows
        .iter()
        .map(|r| {
            let rep = r.report.as_ref();
            serde_json::json!({
                "device": r.device, "ok": r.ok,
                "gpuModel": rep.and_then(|x| x.gpu_model).map(|m| format!("{m:?}")),
                "gpus": rep.and_then(|x| x.gpu_count), "heldByVms": rep.map(|x| x.gpus_held_by_vms),
                "kubernetes": rep.and_then(|x| x.gpus_claimed_by_kubernetes), "free": rep.and_then(|x| x.free_gpus),
                "error": r.error.as_ref().and_then(|e| e.get("message").cloned()),
                "report": rep,
            })
        })
        .collect();
    let cols: &[(&str, &str)] = &[
        ("Device", "/device"),
        ("GpuModel", "/gpuModel"),
        ("GPUs", "/gpus"),
        ("HeldByVMs", "/heldByVms"),
        ("Kubernetes", "/kubernetes"),
        ("Free", "/free"),
        ("Error", "/error"),
    ];
    output::print(format, &Value::Array(table), cols);
    Ok((rows.len(), failed))
}

/// `fleet rollout`: the deployment (and GPU extension) on every device. Answers (devices, failed).
async fn fleet_rollout(
    f: &fleet::Fleet,
    r: &fleet::Rollout,
    pw: Option<&Zeroizing<String>>,
    concurrency: usize,
    format: Format,
    cancel: &CancelToken,
) -> Result<(usize, usize)> {
    let rows = with_bar("rollout", async |p| Ok(fleet::rollout(f, r, pw, concurrency, p, cancel).await)).await?;
    let failed = rows.iter().filter(|r| !r.ok).count();
    let mut v = serde_json::to_value(&rows)?;
    for row in v.as_array_mut().into_iter().flatten() {
        let msg = row.pointer("/error/message").cloned();
        row["errorMessage"] = msg.unwrap_or(Value::Null);
    }
    let cols: &[(&str, &str)] = &[
        ("Device", "/device"),
        ("Ok", "/ok"),
        ("Stage", "/stage"),
        ("VM", "/vms/0"),
        ("IP", "/ipAddresses/0"),
        ("Extension", "/extension"),
        ("Error", "/errorMessage"),
    ];
    output::print(format, &v, cols);
    Ok((rows.len(), failed))
}
