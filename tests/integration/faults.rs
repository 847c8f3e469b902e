//! The whole workflow under injected faults (5xx, dropped connections, 429 bursts, a token that expires
//! mid-deployment, a slow device), and an emulator restart in the middle of an operation. Asserts: it
//! completes, nothing is created twice, the uploaded blob is byte-identical to the file.

use asegpu_core::arm::{ConnectOptions, Session};
use asegpu_core::ops::{deploy, extension, gpu, image, vm};
use asegpu_core::progress::{CancelToken, Progress};
use asegpu_core::Status;
use asegpu_sim::Faults;
use asegpu_testkit::Sim;
use serde_json::json;
use std::time::Duration;
use zeroize::Zeroizing;

const PW: &str = "Faults-Passw0rd";

fn templates() -> std::path::PathBuf {
    asegpu_testkit::templates_dir().join("VmTemplates")
}

/// The harness's options with the device facts and retries for a faulty device.
fn options(sim: &Sim) -> ConnectOptions {
    let mut o = asegpu_testkit::options_of(sim);
    o.device.gpu_count = Some(2);
    o.device.kubernetes_configured = Some(false);
    o.device.release = Some("2309".into());
    o.retry.base_delay_ms = 20;
    o.retry.max_delay_ms = 300;
    o.retry.max_retries = 12;
    o
}

/// A sparse fixed VHD with a few data regions.
fn vhd(dir: &std::path::Path) -> std::path::PathBuf {
    use std::io::{Seek, SeekFrom, Write};
    let path = dir.join("ubuntu18.04.vhd");
    let size = 64u64 << 20;
    let mut f = std::fs::File::create(&path).unwrap();
    for (i, at) in [0u64, 5 << 20, 33 << 20, 60 << 20].iter().enumerate() {
        f.seek(SeekFrom::Start(*at)).unwrap();
        let data: Vec<u8> = (0..(3u32 << 20)).map(|x| (x.wrapping_mul(2654435761) >> 13) as u8 ^ i as u8).collect();
        f.write_all(&data).unwrap();
    }
    f.seek(SeekFrom::Start(size)).unwrap();
    f.write_all(&image::fixed_vhd_footer(size, [3; 16])).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_workflow_completes_under_faults() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = asegpu_testkit::test_config(PW, &dir.path().join("sim"));
    c.time_scale = 3_000.0; // a 15-minute VM creation takes 0.3 s, the extension 0.2 s
    c.token_lifetime = Duration::from_secs(3);
    let sim = Sim::start(c).await.unwrap();
    let cancel = CancelToken::new();
    // A burst of throttling first, then 10% 5xx, 5% dropped connections, 5% slow answers.
    sim.set_faults(Faults { burst_429: 4, retry_after_secs: 0, ..Default::default() });
    let s = Session::connect(options(&sim), Zeroizing::new(PW.into()), &Progress::none(), &cancel)
        .await
        .expect("connects through the 429 burst");
    sim.set_faults(Faults {
        rate_500: 0.05,
        rate_503: 0.05,
        rate_drop: 0.05,
        rate_slow: 0.05,
        slow_ms: 300,
        retry_after_secs: 0,
        seed: 7,
        ..Default::default()
    });

    let a = gpu::availability(&s, &cancel).await.unwrap();
    assert_eq!(a.free_gpus, Some(2));
    s.create_resource_group(
        &asegpu_core::arm::resources::NewResourceGroup { name: "rg".into(), location: None, tags: Default::default() },
        &cancel,
    )
    .await
    .unwrap();

    // Upload + image under faults; then the blob must be byte-identical to the file.
    let path = vhd(dir.path());
    let req: image::BringImageRequest = serde_json::from_value(json!({
        "resourceGroup": "rg", "storageAccount": "faultsa", "container": "vhds", "vhdPath": path,
        "imageName": "img", "osType": "Linux", "upload": { "concurrency": 4, "chunkSizeBytes": 1048576 } }))
    .unwrap();
    let r = image::bring_image(&s, &req, &Progress::none(), &cancel).await.expect("image despite faults");
    let (client, _) = image::blob_client(
        &s,
        &image::AccountRef { resource_group: "rg".into(), storage_account: "faultsa".into() },
        &cancel,
    )
    .await
    .unwrap();
    let file = std::fs::read(&path).unwrap();
    let mut blob = Vec::with_capacity(file.len());
    let mut off = 0u64;
    while off < file.len() as u64 {
        let n = (4u64 << 20).min(file.len() as u64 - off);
        blob.extend_from_slice(&client.get_range("vhds", "ubuntu18.04.vhd", off, n, &cancel).await.unwrap());
        off += n;
    }
    assert!(blob == file, "the uploaded blob differs from the file");
    assert!(r.upload.sent_bytes < 16 << 20, "holes are not sent even with retries: {:?}", r.upload);

    // The token expires during the deployment (3 s lifetime); the deployment still completes, once.
    let t = templates();
    let dep: deploy::TemplateDeployment = serde_json::from_value(json!({
        "resourceGroupName": "rg", "templateFile": t.join("CreateVM/CreateVM.json"), "templateParameterFile": t.join("CreateVM/CreateVM.parameters.json"),
        "parameters": { "vmName": "vm1", "nicName": "nic1", "imageName": "img", "vmSize": "Standard_NC4as_T4_v3", "vnetRG": "ASERG" } })).unwrap();
    let before = s.token_renewals();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let d = deploy::deploy_template(&s, &dep, &Progress::none(), &cancel).await.expect("deployment despite faults");
    assert_eq!(d.provisioning_state, "Succeeded");
    assert!(s.token_renewals() > before, "the token was renewed during the workflow");
    let x = extension::install(
        &s,
        &serde_json::from_value(json!({ "resourceGroupName": "rg", "vmName": "vm1" })).unwrap(),
        &Progress::none(),
        &cancel,
    )
    .await
    .unwrap();
    assert_eq!(x.extension.provisioning_state, "Succeeded");
    use asegpu_core::arm::compute::VmAction::*;
    for (action, want) in [(PowerOff, "stopped"), (Start, "running"), (Deallocate, "deallocated"), (Start, "running")] {
        assert_eq!(
            vm::act(&s, "rg", "vm1", action, &Progress::none(), &cancel).await.unwrap().power_state.as_deref(),
            Some(want)
        );
    }

    // Nothing was created twice, nothing is left half-made.
    sim.set_faults(Faults::default());
    let vms = vm::list(&s, None, true, &cancel).await.unwrap();
    assert_eq!(vms.len(), 1, "{vms:?}");
    let nics = s
        .list_all(
            &format!(
                "subscriptions/{}/providers/Microsoft.Network/networkInterfaces?api-version=2017-10-01",
                s.subscription_id()
            ),
            &cancel,
        )
        .await
        .unwrap();
    assert_eq!(nics.len(), 1, "one NIC");
    assert_eq!(extension::list(&s, "rg", "vm1", &cancel).await.unwrap().len(), 1);
    let images = s
        .list_all(
            &format!(
                "subscriptions/{}/resourceGroups/rg/providers/Microsoft.Compute/images?api-version=2017-03-30",
                s.subscription_id()
            ),
            &cancel,
        )
        .await
        .unwrap();
    assert_eq!(images.len(), 1);
    for v in &vms {
        assert_eq!(v.provisioning_state.as_deref(), Some("Succeeded"), "{v:?}");
    }
    vm::delete(&s, "rg", "vm1", &Progress::none(), &cancel).await.unwrap();
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulator_restart_mid_operation_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let cfg = |scale: f64| {
        let mut c = asegpu_testkit::test_config(PW, &dir.path().join("sim"));
        c.port = port;
        c.state_file = Some(state.clone());
        c.time_scale = scale;
        c.retry_after_secs = 1;
        c
    };
    let sim = Sim::start(cfg(300.0)).await.unwrap(); // VM creation: 3 s
    let cancel = CancelToken::new();
    let s = Session::connect(options(&sim), Zeroizing::new(PW.into()), &Progress::none(), &cancel).await.unwrap();
    s.create_resource_group(
        &asegpu_core::arm::resources::NewResourceGroup { name: "rg".into(), location: None, tags: Default::default() },
        &cancel,
    )
    .await
    .unwrap();
    let img = json!({ "location": "dbelocal", "properties": { "storageProfile": { "osDisk": { "osType": "Linux", "osState": "Generalized", "blobUri": "https://sa.blob.x.example/v/ubuntu18.04.vhd" } } } });
    s.call_lro("image", reqwest::Method::PUT, &s.image_path("rg", "img"), Some(&img), &Progress::none(), &cancel)
        .await
        .unwrap();

    // Start a VM creation, and restart the emulator (same state file and port) while it runs.
    let s2 = s.clone();
    let create = tokio::spawn(async move {
        let req: deploy::DirectVm =
            serde_json::from_value(json!({ "resourceGroupName": "rg", "name": "vm1", "image": "img" })).unwrap();
        deploy::create_vm(&s2, &req, "VmAdmin-Passw0rd", &Progress::none(), &CancelToken::new()).await
    });
    tokio::time::sleep(Duration::from_millis(1200)).await;
    sim.stop().await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let sim = Sim::start(cfg(300.0)).await.expect("restarts on the same port with the same state");
    let v = create.await.unwrap().expect("the client resumes polling after the restart");
    assert_eq!((v.name.as_str(), v.power_state.as_deref()), ("vm1", Some("running")));
    // Tokens and resources survived; nothing was duplicated.
    assert_eq!(vm::list(&s, None, false, &cancel).await.unwrap().len(), 1);

    // A device that comes back without its state (a reset) gives a clear error instead of a hang.
    sim.stop().await;
    let mut fresh = cfg(300.0);
    fresh.state_file = Some(dir.path().join("other-state.json"));
    let sim = Sim::start(fresh).await.unwrap();
    // (A reset device has new certificates, so the session's trusted CA no longer matches.)
    let e = vm::get(&s, "rg", "vm1", &cancel).await.unwrap_err();
    assert_eq!(e.status, Status::Tls, "a clear error: {e}");
    assert!(e.message.contains("certificate"), "{e}");
    sim.stop().await;
}
