//! `asegpu demo`: start an emulated device in-process and run the documented workflow against it over
//! real HTTPS, so a newcomer sees the whole job with no device.

use super::output::{self, Bar, Format};
use crate::arm::resources::NewResourceGroup;
use crate::arm::{ConnectOptions, Session};
use crate::error::Result;
use crate::progress::{CancelToken, Progress, ProgressEvent};
use crate::sim::{Sim, SimConfig};
use zeroize::Zeroizing;

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

pub async fn run(args: DemoArgs, format: Format, cancel: &CancelToken) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("asegpu-demo-{}", uuid::Uuid::new_v4().simple()));
    let password = Zeroizing::new(format!("Demo-{}", uuid::Uuid::new_v4().simple()));
    let mut cfg = SimConfig::new(&password, dir.clone());
    cfg.time_scale = args.time_scale;
    let sim = Sim::start(cfg).await?;
    let dev = sim.with_state(|s| s.device.clone());
    step(1, "Emulated Azure Stack Edge Pro GPU device");
    println!(
        "   {} ({} x NVIDIA {:?}, release {}, compute enabled, Kubernetes {})",
        sim.info.arm_endpoint,
        dev.gpu_count,
        dev.gpu_model,
        dev.release,
        if dev.kubernetes_configured { "configured" } else { "not configured" }
    );

    step(2, "Connect to the device's local ARM as EdgeArmUser (AD FS password grant, device CA trusted)");
    let mut o = ConnectOptions::new(&sim.info.arm_endpoint);
    o.tls.ca_cert_file = Some(sim.info.ca_cert.clone().into());
    o.tls.ca_only = true;
    o.device_ip = Some(sim.info.listen.rsplit_once(':').map(|(ip, _)| ip.to_string()).unwrap_or_default());
    let bar = Bar::new("connect");
    let sink = |e: &ProgressEvent| bar.update(e);
    let s = Session::connect(o, password.clone(), &Progress::new(&sink), cancel).await;
    bar.finish();
    let s = s?;
    output::print(format, &serde_json::to_value(s.info().await)?, &[
        ("Account", "/account"),
        ("SubscriptionName", "/subscriptionName"),
        ("TenantId", "/tenantId"),
        ("Environment", "/environment"),
    ]);

    step(3, "Create a resource group in dbelocal");
    let rg = NewResourceGroup { name: "asegpu-demo".into(), location: None, tags: Default::default() };
    let g = s.create_resource_group(&rg, cancel).await?;
    output::print(format, &serde_json::to_value(&g)?, super::GROUP_COLUMNS);

    step(4, "List resource groups");
    output::print(format, &serde_json::to_value(s.list_resource_groups(cancel).await?)?, super::GROUP_COLUMNS);

    step(5, "Delete the resource group (a long-running operation)");
    let bar = Bar::new("delete");
    let sink = |e: &ProgressEvent| bar.update(e);
    let r = s.delete_resource_group("asegpu-demo", &Progress::new(&sink), cancel).await;
    bar.finish();
    r?;
    println!("   deleted; {} resource group(s) left", s.list_resource_groups(cancel).await?.len());

    if args.keep_running {
        let pw_file = dir.join("password.txt");
        super::profile::write_private(&pw_file, password.as_bytes())?;
        eprintln!("\nThe emulated device keeps running. Connect with:");
        eprintln!(
            "   asegpu connect --arm-endpoint {} --ca-cert {} --device-ip 127.0.0.1 --password-file {}",
            sim.info.arm_endpoint,
            sim.info.ca_cert,
            pw_file.display()
        );
        eprintln!("Press Ctrl+C to stop it.");
        cancel.cancelled().await;
    } else {
        println!("\nDemo complete: the workflow ran against the emulated device over HTTPS.");
    }
    sim.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
