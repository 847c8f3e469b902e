//! `asegpu demo`: start an emulated device in-process and run the documented GPU workflow against it over
//! real HTTPS: connect, check GPUs, bring an image (VHD upload), preflight and deploy the real
//! `CreateVM.json` with a GPU size, install the GPU extension, report the VM's IP, then show what the
//! preflight says once Kubernetes holds the remaining GPU, and the update helper.

use super::ops::{print_availability, print_preflight};
use super::output::{self, with_bar, Format};
use asegpu_core::arm::resources::NewResourceGroup;
use asegpu_core::arm::{ConnectOptions, Session};
use asegpu_core::error::{Error, Result, Status};
use asegpu_core::ops::{deploy, extension, gpu, image, update, vm};
use asegpu_core::progress::{CancelToken, Progress};
use asegpu_sim::{Sim, SimConfig};
use serde_json::json;
use std::path::Path;
use zeroize::Zeroizing;

/// The public Azure Stack Edge templates (MIT, Azure-Samples/azure-stack-edge-deploy-vms), unchanged.
const CREATE_VM: &str = include_str!("../../tests/data/template/ase-templates/VmTemplates/CreateVM/CreateVM.json");
const CREATE_VM_PARAMS: &str =
    include_str!("../../tests/data/template/ase-templates/VmTemplates/CreateVM/CreateVM.parameters.json");

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Emulated seconds per real second (a 15-minute VM creation takes 15 min / scale).
    #[arg(long, default_value_t = 600.0)]
    pub time_scale: f64,
    /// Keep the emulated device running at the end, and print how to connect to it.
    #[arg(long)]
    pub keep_running: bool,
}

fn step(n: u32, text: &str) {
    use std::io::Write;
    println!("\n== {n}. {text}");
    let _ = std::io::stdout().flush();
}

/// A sparse fixed-size VHD: 2 GiB disk, a few MiB of data (like a real image, mostly empty).
fn make_vhd(path: &Path) -> Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    let size: u64 = 2 << 30;
    let mut f = std::fs::File::create(path).map_err(|e| Error::io("create", path, e))?;
    f.set_len(size + 512).map_err(|e| Error::io("size", path, e))?;
    for (i, at) in [0u64, 1 << 20, 512 << 20, 1536 << 20].iter().enumerate() {
        f.seek(SeekFrom::Start(*at)).map_err(|e| Error::io("seek", path, e))?;
        let block: Vec<u8> = (0..(1u32 << 20)).map(|x| (x as u8) ^ (i as u8 * 37) ^ 0x5a).collect();
        f.write_all(&block).map_err(|e| Error::io("write", path, e))?;
    }
    f.seek(SeekFrom::Start(size)).map_err(|e| Error::io("seek", path, e))?;
    f.write_all(&image::fixed_vhd_footer(size, *uuid::Uuid::new_v4().as_bytes()))
        .map_err(|e| Error::io("write", path, e))
}

pub async fn run(args: DemoArgs, format: Format, cancel: &CancelToken) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("asegpu-demo-{}", uuid::Uuid::new_v4().simple()));
    let password = Zeroizing::new(format!("Demo-{}", uuid::Uuid::new_v4().simple()));
    // Private from the start: the password file for --keep-running goes there.
    super::profile::ensure_private_dir(&dir)?;
    let mut cfg = SimConfig::new(&password, dir.clone());
    cfg.time_scale = args.time_scale;
    let sim = Sim::start(cfg).await?;
    let r = workflow(&sim, &dir, &password, format, cancel).await;
    if r.is_ok() && args.keep_running {
        let pw_file = dir.join("password.txt");
        super::profile::write_private(&pw_file, password.as_bytes())?;
        println!("\nThe emulated device keeps running. Connect with:");
        println!(
            "   asegpu connect --arm-endpoint {} --ca-cert {} --device-ip 127.0.0.1 --password-file {} --gpu-count 2 --kubernetes true --release 2309",
            sim.info.arm_endpoint,
            sim.info.ca_cert,
            pw_file.display()
        );
        println!("Press Ctrl+C to stop it.");
        cancel.cancelled().await;
    }
    sim.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    r
}

async fn workflow(
    sim: &Sim,
    dir: &Path,
    password: &Zeroizing<String>,
    format: Format,
    cancel: &CancelToken,
) -> Result<()> {
    let s = connect(sim, password, format, cancel).await?;

    step(3, "Check GPU availability before acting");
    print_availability(&gpu::availability(&s, cancel).await?, format);

    step(4, "Create a resource group and bring an image (VHD upload as a page blob, then the image)");
    s.create_resource_group(
        &NewResourceGroup { name: "asegpu-demo".into(), location: None, tags: Default::default() },
        cancel,
    )
    .await?;
    bring_image(&s, dir, cancel).await?;

    step(5, "Preflight, then deploy the real CreateVM.json with a GPU size (New-AzResourceGroupDeployment)");
    deploy_gpu_vm(&s, dir, format, cancel).await?;

    step(6, "Install the NVIDIA GPU extension (version chosen from the VM's OS and the device release)");
    install_extension(&s, format, cancel).await?;

    step(7, "Someone configures Kubernetes on the device: it claims the free GPU. Would a second GPU VM work?");
    configure_kubernetes(sim).await?;
    let mut o2 = s.options().clone();
    o2.device.kubernetes_configured = Some(true);
    let s2 = Session::connect(o2, password.clone(), &Progress::none(), cancel).await?;
    let plan = gpu::Plan::of_size("Standard_NC4as_T4_v3", 1);
    print_preflight(&gpu::preflight(&s2, &plan, cancel).await?, format);

    step(8, "Before a device update: stop GPU VMs staying provisioned (they keep their GPUs), then start them");
    suspend_and_resume(&s2, cancel).await?;

    step(9, "Clean up: delete the resource group (a long-running operation)");
    with_bar("delete", async |p| s.delete_resource_group("asegpu-demo", p, cancel).await).await?;
    println!("\nDemo complete: the whole GPU VM workflow ran against the emulated device over HTTPS.");
    Ok(())
}

/// Steps 1 and 2: the device, and a session to it as the documented Connect-AzAccount makes.
async fn connect(sim: &Sim, password: &Zeroizing<String>, format: Format, cancel: &CancelToken) -> Result<Session> {
    let dev = sim.with_state(|s| s.device.clone());
    step(1, "An emulated Azure Stack Edge Pro GPU device");
    println!(
        "   {} ({} x NVIDIA {:?}, release {}, compute enabled, Kubernetes not configured)",
        sim.info.arm_endpoint, dev.gpu_count, dev.gpu_model, dev.release
    );

    step(2, "Connect to its local ARM as EdgeArmUser (AD FS password grant over HTTPS, device CA trusted)");
    let mut o = ConnectOptions::new(&sim.info.arm_endpoint);
    o.tls.ca_cert_file = Some(sim.info.ca_cert.clone().into());
    o.tls.ca_only = true;
    o.device_ip = Some("127.0.0.1".into());
    o.device.gpu_count = Some(dev.gpu_count);
    o.device.kubernetes_configured = Some(false);
    o.device.release = Some(dev.release.clone());
    o.device.mps_enabled = Some(dev.mps_enabled);
    let s = with_bar("connect", async |p| Session::connect(o.clone(), password.clone(), p, cancel).await).await?;
    let cols = [
        ("Account", "/account"),
        ("SubscriptionName", "/subscriptionName"),
        ("TenantId", "/tenantId"),
        ("Environment", "/environment"),
    ];
    output::print(format, &serde_json::to_value(s.info().await)?, &cols);
    Ok(s)
}

/// Step 4: a small VHD uploaded as a page blob, and the image made from it.
async fn bring_image(s: &Session, dir: &Path, cancel: &CancelToken) -> Result<()> {
    let vhd = dir.join("ubuntu18.04-demo.vhd");
    make_vhd(&vhd)?;
    let req: image::BringImageRequest = serde_json::from_value(json!({
        "resourceGroup": "asegpu-demo", "storageAccount": "asegpudemosa", "container": "vmimages",
        "vhdPath": vhd, "imageName": "ubuntu1804", "osType": "Linux" }))?;
    let img = with_bar("image", async |p| image::bring_image(s, &req, p, cancel).await).await?;
    let u = &img.upload;
    println!(
        "   uploaded {} ({} MiB disk): {} MiB of data sent, the rest skipped as empty; image {}",
        img.blob_uri,
        u.size_bytes >> 20,
        u.sent_bytes >> 20,
        img.image_id.rsplit('/').next().unwrap_or_default()
    );
    Ok(())
}

/// Step 5: the real CreateVM.json with a GPU size, after its preflight.
async fn deploy_gpu_vm(s: &Session, dir: &Path, format: Format, cancel: &CancelToken) -> Result<()> {
    let (t, p) = (dir.join("CreateVM.json"), dir.join("CreateVM.parameters.json"));
    std::fs::write(&t, CREATE_VM).map_err(|e| Error::io("write", &t, e))?;
    std::fs::write(&p, CREATE_VM_PARAMS).map_err(|e| Error::io("write", &p, e))?;
    let deployment: deploy::TemplateDeployment = serde_json::from_value(json!({
        "resourceGroupName": "asegpu-demo", "templateFile": t, "templateParameterFile": p,
        "parameters": { "vmName": "gpuvm1", "imageName": "ubuntu1804", "vmSize": "Standard_NC4as_T4_v3",
                        "vnetRG": "ASERG", "nicName": "gpuvm1-nic", "Password": format!("Vm-{}", uuid::Uuid::new_v4().simple()) } }))?;
    let d = with_bar("deploy", async |p| deploy::deploy_template(s, &deployment, p, cancel).await).await?;
    print_preflight(&d.preflight, format);
    let vm_cols = [
        ("Name", "/name"),
        ("VmSize", "/vmSize"),
        ("GPUs", "/gpus"),
        ("PowerState", "/powerState"),
        ("PrivateIP", "/privateIpAddresses/0"),
    ];
    output::print(format, &serde_json::to_value(&d.vms)?, &vm_cols);
    Ok(())
}

/// Step 6: the NVIDIA GPU extension on the new VM.
async fn install_extension(s: &Session, format: Format, cancel: &CancelToken) -> Result<()> {
    let req = extension::InstallRequest {
        resource_group_name: "asegpu-demo".into(),
        vm_name: "gpuvm1".into(),
        ..Default::default()
    };
    let x = with_bar("extension", async |p| extension::install(s, &req, p, cancel).await).await?;
    let _ = &x.warnings; // shown by the progress display as they happen
    output::print(
        format,
        &serde_json::to_value(&x.extension)?,
        &[
            ("Name", "/name"),
            ("Publisher", "/publisher"),
            ("ExtensionType", "/extensionType"),
            ("TypeHandlerVersion", "/typeHandlerVersion"),
            ("ProvisioningState", "/provisioningState"),
        ],
    );
    let v = vm::get(s, "asegpu-demo", "gpuvm1", cancel).await?;
    println!("   The GPU VM is ready at {}", v.private_ip_addresses.join(", "));
    Ok(())
}

/// Step 8: the update helper's suspend (stop, staying provisioned) and resume.
async fn suspend_and_resume(s: &Session, cancel: &CancelToken) -> Result<()> {
    let rec = with_bar("suspend", async |p| update::suspend(s, p, cancel).await).await?;
    println!("   stopped: {}", rec.stopped.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", "));
    let started = with_bar("resume", async |p| update::resume(s, &rec, p, cancel).await).await?;
    println!(
        "   started again: {}",
        started
            .iter()
            .map(|v| format!("{} ({})", v.name, v.power_state.as_deref().unwrap_or("?")))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

/// Configure Kubernetes on the emulated device through its control API (on a real device: the local UI).
async fn configure_kubernetes(sim: &Sim) -> Result<()> {
    let ca = std::fs::read(&sim.info.ca_cert).map_err(|e| Error::io("read", Path::new(&sim.info.ca_cert), e))?;
    asegpu_core::arm::tls::install_crypto_provider();
    let cert = reqwest::Certificate::from_pem(&ca).map_err(|e| Error::new(Status::Tls, e.to_string()))?;
    let client = reqwest::Client::builder()
        .tls_certs_only(vec![cert])
        .build()
        .map_err(|e| Error::new(Status::Tls, e.to_string()))?;
    client
        .patch(format!("{}device", sim.info.control_endpoint))
        .bearer_auth(&sim.info.control_token)
        .json(&json!({ "kubernetesConfigured": true }))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| Error::new(Status::Connection, format!("emulator control API: {e}")))?;
    Ok(())
}
