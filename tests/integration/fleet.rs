//! Fleet operations across several emulated devices: one GPU table, a concurrent rollout, and a device
//! that fails without stopping the others.

use asegpu_core::ops::fleet::{self, Fleet, FleetDevice, Rollout};
use asegpu_core::progress::{CancelToken, Progress};
use asegpu_testkit::Sim;
use serde_json::json;
use zeroize::Zeroizing;

const PW: &str = "Fleet-Passw0rd";

async fn device(dir: &std::path::Path, name: &str, gpus: u32, kubernetes: bool) -> (Sim, FleetDevice) {
    let mut c = asegpu_testkit::test_config(PW, &dir.join(name));
    c.device_name = name.into();
    c.device.gpu_count = gpus;
    c.device.kubernetes_configured = kubernetes;
    c.device.kubernetes_gpus = if kubernetes { gpus } else { 0 };
    let sim = Sim::start(c).await.unwrap();
    let mut o = asegpu_testkit::options_of(&sim);
    o.device.gpu_count = Some(gpus);
    o.device.kubernetes_configured = Some(kubernetes);
    o.device.release = Some("2309".into());
    (sim, FleetDevice { name: name.into(), connect: o, password_file: None, password_env: None })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpu_table_and_rollout_across_devices() {
    let dir = tempfile::tempdir().unwrap();
    let mut sims = Vec::new();
    let mut devices = Vec::new();
    for (name, gpus, k8s) in [("edge-01", 2, false), ("edge-02", 1, false), ("edge-03", 2, true)] {
        let (s, d) = device(dir.path(), name, gpus, k8s).await;
        sims.push(s);
        devices.push(d);
    }
    let dead_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut dead = devices[0].clone();
    dead.name = "edge-down".into();
    dead.connect.arm_endpoint = format!("https://127.0.0.1:{dead_port}/");
    dead.connect.device_ip = None;
    dead.connect.retry.max_retries = 1;
    devices.push(dead);
    let fleet = Fleet { devices };
    let pw = Zeroizing::new(PW.to_string());
    let c = CancelToken::new();

    let rows = fleet::gpu_report(&fleet, Some(&pw), 3, &Progress::none(), &c).await;
    let names: Vec<&str> = rows.iter().map(|r| r.device.as_str()).collect();
    assert_eq!(names, vec!["edge-01", "edge-02", "edge-03", "edge-down"], "rows keep the fleet file's order");
    let free: Vec<Option<u32>> = rows.iter().map(|r| r.report.as_ref().and_then(|x| x.free_gpus)).collect();
    assert_eq!(free, vec![Some(2), Some(1), Some(0), None]);
    assert!(!rows[3].ok && rows[3].error.as_ref().unwrap()["statusName"] == "CONNECTION");

    // Roll out the real CreateVM template (an image first, on each device) and the GPU extension.
    for s in &sims {
        let o = asegpu_testkit::options_of(s);
        let sess = asegpu_core::arm::Session::connect(o, pw.clone(), &Progress::none(), &c).await.unwrap();
        sess.create_resource_group(
            &asegpu_core::arm::resources::NewResourceGroup {
                name: "rg".into(),
                location: None,
                tags: Default::default(),
            },
            &c,
        )
        .await
        .unwrap();
        let img = json!({ "location": "dbelocal", "properties": { "storageProfile": { "osDisk": { "osType": "Linux", "osState": "Generalized", "blobUri": "https://sa.blob.x.example/v/ubuntu18.04.vhd" } } } });
        sess.call_lro("image", reqwest::Method::PUT, &sess.image_path("rg", "img"), Some(&img), &Progress::none(), &c)
            .await
            .unwrap();
    }
    let templates = asegpu_testkit::templates_dir().join("VmTemplates/CreateVM");
    let r: Rollout = serde_json::from_value(json!({
        "deployment": {
            "resourceGroupName": "rg", "templateFile": templates.join("CreateVM.json"), "templateParameterFile": templates.join("CreateVM.parameters.json"),
            "parameters": { "vmName": "gpuvm", "imageName": "img", "vmSize": "Standard_NC4as_T4_v3", "vnetRG": "ASERG" } },
        "installGpuExtension": true })).unwrap();
    let rows = fleet::rollout(&fleet, &r, Some(&pw), 2, &Progress::none(), &c).await;
    let summary: Vec<(&str, bool, &str)> = rows.iter().map(|r| (r.device.as_str(), r.ok, r.stage.as_str())).collect();
    assert_eq!(summary[0], ("edge-01", true, "extension installed"));
    assert_eq!(summary[1], ("edge-02", true, "extension installed"));
    assert!(!summary[2].1, "Kubernetes holds edge-03's GPUs: {:?}", rows[2]);
    assert_eq!(rows[2].error.as_ref().unwrap()["statusName"], "PREFLIGHT_FAILED");
    assert_eq!((summary[3].1, summary[3].2), (false, "connect"));
    assert!(rows[0].extension.as_deref().unwrap().contains("NvidiaGpuDriverLinux 1.8 Succeeded"), "{:?}", rows[0]);
    assert_eq!(rows[0].ip_addresses.len(), 1);
    for s in sims {
        s.stop().await;
    }
}
