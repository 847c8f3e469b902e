//! The operations against the emulator: GPU availability and preflight (the five documented
//! Kubernetes/GPU scenarios), GPU VMs without a template, the GPU extension, VM lifecycle, and the
//! device-update helper.

use asegpu_core::arm::Session;
use asegpu_core::ops::{deploy, extension, gpu, update, vm};
use asegpu_core::progress::{CancelToken, Progress, ProgressEvent};
use asegpu_core::Status;
use asegpu_testkit::Device;
use serde_json::json;
use std::sync::Mutex;
use zeroize::Zeroizing;

const PW: &str = "Ops-Passw0rd!";
const T4: &str = "Standard_NC4as_T4_v3";

struct Env {
    dev: Device,
    s: Session,
    ctl: reqwest::Client,
}

async fn env(gpus: u32, kubernetes: bool, release: &str) -> Env {
    let dev = Device::start_with(PW, |c| {
        c.device.gpu_count = gpus;
        c.device.release = release.into();
    })
    .await;
    let s = dev
        .connect_with(|o| {
            o.device.gpu_count = Some(gpus);
            o.device.kubernetes_configured = Some(kubernetes);
            o.device.release = Some(release.into());
        })
        .await;
    let ctl = dev.https();
    let e = Env { dev, s, ctl };
    if kubernetes {
        e.configure_kubernetes().await;
    }
    e.s.create_resource_group(
        &asegpu_core::arm::resources::NewResourceGroup { name: "rg".into(), location: None, tags: Default::default() },
        &CancelToken::new(),
    )
    .await
    .unwrap();
    // An image to create VMs from (the image upload flow has its own tests).
    let img = json!({ "location": "dbelocal", "properties": { "storageProfile": { "osDisk": {
        "osType": "Linux", "osState": "Generalized", "blobUri": "https://sa.blob.other.example/vhds/ubuntu18.04waagent.vhd",
        "storageAccountType": "Standard_LRS", "caching": "ReadWrite" } } } });
    e.s.call_lro(
        "image",
        reqwest::Method::PUT,
        &e.s.image_path("rg", "ubuntu1804"),
        Some(&img),
        &Progress::none(),
        &CancelToken::new(),
    )
    .await
    .unwrap();
    e
}

impl Env {
    async fn configure_kubernetes(&self) {
        self.ctl
            .patch(format!("{}device", self.dev.sim.info.control_endpoint))
            .bearer_auth(&self.dev.sim.info.control_token)
            .json(&json!({ "kubernetesConfigured": true }))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
    }
    fn with_kubernetes_fact(&self) -> Session {
        // The admin records the fact in the profile; a new session picks it up.
        let mut o = self.s.options().clone();
        o.device.kubernetes_configured = Some(true);
        futures_block(Session::connect(o, Zeroizing::new(PW.into()), &Progress::none(), &CancelToken::new())).unwrap()
    }
    async fn new_vm(&self, s: &Session, name: &str, size: &str, force: bool) -> asegpu_core::Result<vm::VmView> {
        let req: deploy::DirectVm = serde_json::from_value(json!({
            "resourceGroupName": "rg", "name": name, "image": "ubuntu1804", "vmSize": size, "force": force }))
        .unwrap();
        deploy::create_vm(s, &req, "VmAdmin-Passw0rd", &Progress::none(), &CancelToken::new()).await
    }
}

fn futures_block<F: std::future::Future>(f: F) -> F::Output {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(f))
}

fn errors(r: &gpu::PreflightReport) -> Vec<String> {
    r.findings.iter().filter(|f| f.severity == gpu::Severity::Error).map(|f| f.code.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpu_vm_lifecycle_extension_and_availability() {
    let e = env(2, false, "2309").await;
    let c = CancelToken::new();
    let a = gpu::availability(&e.s, &c).await.unwrap();
    assert_eq!(
        (a.gpu_model, a.gpu_count, a.free_gpus),
        (Some(asegpu_core::device::sizes::GpuModel::T4), Some(2), Some(2))
    );
    assert!(a.gpu_model_source.starts_with("ARM"), "{}", a.gpu_model_source);

    let v = e.new_vm(&e.s, "gpuvm1", T4, false).await.unwrap();
    assert_eq!((v.power_state.as_deref(), v.gpus), (Some("running"), 1));
    assert_eq!(v.private_ip_addresses.len(), 1, "the VM's IP is reported: {v:?}");
    let a = gpu::availability(&e.s, &c).await.unwrap();
    assert_eq!((a.gpus_held_by_vms, a.free_gpus), (1, Some(1)));

    // GPU extension: chosen from the VM's OS and the release (Linux, 2309 → NvidiaGpuDriverLinux 1.8).
    let events = Mutex::new(Vec::<ProgressEvent>::new());
    let sink = |ev: &ProgressEvent| events.lock().unwrap().push(ev.clone());
    let req: extension::InstallRequest =
        serde_json::from_value(json!({ "resourceGroupName": "rg", "vmName": "gpuvm1" })).unwrap();
    let r = extension::install(&e.s, &req, &Progress::new(&sink), &c).await.unwrap();
    assert_eq!(r.name, "gpuLinux");
    assert_eq!(
        (r.chosen["publisher"].as_str(), r.chosen["type"].as_str(), r.chosen["typeHandlerVersion"].as_str()),
        (Some("Microsoft.HpcCompute"), Some("NvidiaGpuDriverLinux"), Some("1.8"))
    );
    assert_eq!(r.extension.provisioning_state, "Succeeded");
    assert!(events.lock().unwrap().iter().any(|ev| ev.stage == "succeeded"));
    assert_eq!(extension::list(&e.s, "rg", "gpuvm1", &c).await.unwrap().len(), 1);
    extension::remove(&e.s, "rg", "gpuvm1", "gpuLinux", &Progress::none(), &c).await.unwrap();
    assert_eq!(extension::get(&e.s, "rg", "gpuvm1", "gpuLinux", &c).await.unwrap_err().status, Status::NotFound);

    // Refused before sending on a CPU VM.
    e.new_vm(&e.s, "cpuvm", "Standard_D1_v2", false).await.unwrap();
    let req: extension::InstallRequest =
        serde_json::from_value(json!({ "resourceGroupName": "rg", "vmName": "cpuvm" })).unwrap();
    let err = extension::install(&e.s, &req, &Progress::none(), &c).await.unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument);
    assert!(err.message.contains("not a GPU VM size"), "{err}");
    assert!(extension::list(&e.s, "rg", "cpuvm", &c).await.unwrap().is_empty(), "nothing was sent");

    // Power: stop keeps the GPU, deallocate releases it.
    use asegpu_core::arm::compute::VmAction::*;
    let v = vm::act(&e.s, "rg", "gpuvm1", PowerOff, &Progress::none(), &c).await.unwrap();
    assert_eq!(v.power_state.as_deref(), Some("stopped"));
    assert_eq!(gpu::availability(&e.s, &c).await.unwrap().free_gpus, Some(1));
    let v = vm::act(&e.s, "rg", "gpuvm1", Deallocate, &Progress::none(), &c).await.unwrap();
    assert_eq!(v.power_state.as_deref(), Some("deallocated"));
    assert_eq!(gpu::availability(&e.s, &c).await.unwrap().free_gpus, Some(2));
    assert_eq!(
        vm::act(&e.s, "rg", "gpuvm1", Start, &Progress::none(), &c).await.unwrap().power_state.as_deref(),
        Some("running")
    );
    assert_eq!(
        vm::act(&e.s, "rg", "gpuvm1", Restart, &Progress::none(), &c).await.unwrap().power_state.as_deref(),
        Some("running")
    );
    let all = vm::list(&e.s, None, true, &c).await.unwrap();
    assert_eq!(all.len(), 2);
    vm::delete(&e.s, "rg", "gpuvm1", &Progress::none(), &c).await.unwrap();
    assert_eq!(vm::get(&e.s, "rg", "gpuvm1", &c).await.unwrap_err().status, Status::NotFound);
    e.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_gpu_device_vm_then_kubernetes() {
    let e = env(1, false, "2309").await;
    e.new_vm(&e.s, "vm1", T4, false).await.unwrap();
    e.configure_kubernetes().await;
    let s = e.with_kubernetes_fact();
    let a = gpu::availability(&s, &CancelToken::new()).await.unwrap();
    assert_eq!(
        (a.gpus_held_by_vms, a.gpus_claimed_by_kubernetes, a.free_gpus),
        (1, Some(0), Some(0)),
        "the VM keeps its GPU, Kubernetes gets none"
    );
    let r = gpu::preflight(&s, &gpu::Plan::of_size(T4, 1), &CancelToken::new()).await.unwrap();
    assert!(!r.ok);
    e.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_gpu_device_kubernetes_then_vm_fails_in_preflight_and_on_the_device() {
    let e = env(1, true, "2309").await;
    let r = gpu::preflight(&e.s, &gpu::Plan::of_size(T4, 1), &CancelToken::new()).await.unwrap();
    assert_eq!(errors(&r), vec!["GpusClaimedByKubernetes"], "{r:?}");
    let err = e.new_vm(&e.s, "vm1", T4, false).await.unwrap_err();
    assert_eq!(err.status, Status::PreflightFailed);
    assert!(err.message.contains("Kubernetes"), "{err}");
    // Forced past the preflight, the device itself refuses, with the same cause.
    let err = e.new_vm(&e.s, "vm1", T4, true).await.unwrap_err();
    assert_eq!(err.arm_code.as_deref(), Some("InsufficientGpuResources"), "{err}");
    e.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gpu_device_scenarios() {
    // One VM, then Kubernetes: the VM gets one GPU, Kubernetes the other.
    let e = env(2, false, "2309").await;
    e.new_vm(&e.s, "vm1", T4, false).await.unwrap();
    e.configure_kubernetes().await;
    let s = e.with_kubernetes_fact();
    let a = gpu::availability(&s, &CancelToken::new()).await.unwrap();
    assert_eq!((a.gpus_held_by_vms, a.gpus_claimed_by_kubernetes, a.free_gpus), (1, Some(1), Some(0)));
    assert_eq!(e.new_vm(&s, "vm2", T4, true).await.unwrap_err().arm_code.as_deref(), Some("InsufficientGpuResources"));
    e.dev.sim.stop().await;

    // Two VMs, then Kubernetes: Kubernetes has none.
    let e = env(2, false, "2309").await;
    e.new_vm(&e.s, "vm1", T4, false).await.unwrap();
    e.new_vm(&e.s, "vm2", T4, false).await.unwrap();
    e.configure_kubernetes().await;
    let a = gpu::availability(&e.with_kubernetes_fact(), &CancelToken::new()).await.unwrap();
    assert_eq!((a.gpus_held_by_vms, a.gpus_claimed_by_kubernetes, a.free_gpus), (2, Some(0), Some(0)));
    e.dev.sim.stop().await;

    // Kubernetes, then a VM: fails.
    let e = env(2, true, "2309").await;
    let r = gpu::preflight(&e.s, &gpu::Plan::of_size(T4, 1), &CancelToken::new()).await.unwrap();
    assert_eq!(errors(&r), vec!["GpusClaimedByKubernetes"]);
    assert_eq!(
        e.new_vm(&e.s, "vm1", T4, true).await.unwrap_err().arm_code.as_deref(),
        Some("InsufficientGpuResources")
    );
    e.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_gpu_model_and_old_release_extension() {
    let e = env(1, false, "2105").await;
    let r = gpu::preflight(&e.s, &gpu::Plan::of_size("Standard_NC4as_A2", 1), &CancelToken::new()).await.unwrap();
    assert_eq!(errors(&r), vec!["GpuModelMismatch"]);
    e.new_vm(&e.s, "vm1", T4, false).await.unwrap();
    let req: extension::InstallRequest =
        serde_json::from_value(json!({ "resourceGroupName": "rg", "vmName": "vm1" })).unwrap();
    let r = extension::install(&e.s, &req, &Progress::none(), &CancelToken::new()).await.unwrap();
    assert_eq!(r.chosen["typeHandlerVersion"], "1.3", "before 2205 the extension is 1.3");
    // An explicit wrong version fails on the device, as documented.
    let req: extension::InstallRequest = serde_json::from_value(
        json!({ "resourceGroupName": "rg", "vmName": "vm1", "name": "gpu2", "typeHandlerVersion": "1.8" }),
    )
    .unwrap();
    let err = extension::install(&e.s, &req, &Progress::none(), &CancelToken::new()).await.unwrap_err();
    assert_eq!(err.status, Status::OperationFailed, "{err}");
    e.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_helper_stops_and_restarts_gpu_vms() {
    let e = env(2, false, "2309").await;
    e.new_vm(&e.s, "vm1", T4, false).await.unwrap();
    e.new_vm(&e.s, "vm2", T4, false).await.unwrap();
    e.new_vm(&e.s, "cpu", "Standard_D1_v2", false).await.unwrap();
    let c = CancelToken::new();
    let rec = update::suspend(&e.s, &Progress::none(), &c).await.unwrap();
    let mut names: Vec<&str> = rec.stopped.iter().map(|v| v.name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["vm1", "vm2"]);
    for n in ["vm1", "vm2"] {
        assert_eq!(
            vm::get(&e.s, "rg", n, &c).await.unwrap().power_state.as_deref(),
            Some("stopped"),
            "stayed provisioned"
        );
    }
    assert_eq!(vm::get(&e.s, "rg", "cpu", &c).await.unwrap().power_state.as_deref(), Some("running"));
    let started = update::resume(&e.s, &rec, &Progress::none(), &c).await.unwrap();
    assert!(started.iter().all(|v| v.power_state.as_deref() == Some("running")));
    e.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_ip_conflicts_are_caught_before_sending() {
    let e = env(2, false, "2309").await;
    let c = CancelToken::new();
    let v = e.new_vm(&e.s, "vm1", "Standard_D1_v2", false).await.unwrap();
    let used = v.private_ip_addresses[0].clone();
    let req: deploy::DirectVm = serde_json::from_value(json!({
        "resourceGroupName": "rg", "name": "vm2", "image": "ubuntu1804", "vmSize": T4, "privateIpAddress": used }))
    .unwrap();
    let err = deploy::create_vm(&e.s, &req, "VmAdmin-Passw0rd", &Progress::none(), &c).await.unwrap_err();
    assert_eq!(err.status, Status::PreflightFailed);
    assert!(err.message.contains("already used"), "{err}");
    let req: deploy::DirectVm = serde_json::from_value(
        json!({ "resourceGroupName": "rg", "name": "vm3", "image": "nosuchimage", "vmSize": T4 }),
    )
    .unwrap();
    let err = deploy::create_vm(&e.s, &req, "VmAdmin-Passw0rd", &Progress::none(), &c).await.unwrap_err();
    assert!(err.message.contains("does not exist"), "{err}");
    e.dev.sim.stop().await;
}

fn templates() -> std::path::PathBuf {
    asegpu_testkit::templates_dir()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_templates_deploy_a_gpu_vm_after_the_preflight() {
    let e = env(2, false, "2309").await;
    let t = templates().join("VmTemplates");
    let c = CancelToken::new();
    // CreateImage.json with its parameter file, the image URI overridden as an admin edits it.
    let img: deploy::TemplateDeployment = serde_json::from_value(json!({
        "resourceGroupName": "rg",
        "templateFile": t.join("CreateImage/CreateImage.json"),
        "templateParameterFile": t.join("CreateImage/CreateImage.parameters.json"),
        "parameters": { "osType": "Linux", "imageName": "myaselinuximg" },
    }))
    .unwrap();
    let r = deploy::deploy_template(&e.s, &img, &Progress::none(), &c).await.unwrap();
    assert_eq!((r.deployment_name.as_str(), r.provisioning_state.as_str()), ("CreateImage", "Succeeded"));
    // CreateVM.json unchanged, with a GPU size: the result reports the VM's IP address.
    let events = Mutex::new(Vec::<String>::new());
    let sink = |ev: &ProgressEvent| events.lock().unwrap().push(format!("{}:{}", ev.operation, ev.stage));
    let vm: deploy::TemplateDeployment = serde_json::from_value(json!({
        "resourceGroupName": "rg", "name": "gpuvm-deployment",
        "templateFile": t.join("CreateVM/CreateVM.json"),
        "templateParameterFile": t.join("CreateVM/CreateVM.parameters.json"),
        "parameters": { "vmSize": T4, "imageName": "myaselinuximg", "vnetRG": "ASERG", "vmName": "vm1", "nicName": "nic1" },
    }))
    .unwrap();
    let r = deploy::deploy_template(&e.s, &vm, &Progress::new(&sink), &c).await.unwrap();
    assert_eq!(r.provisioning_state, "Succeeded");
    assert!(r.preflight.ok, "{:?}", r.preflight);
    assert_eq!(r.vms.len(), 1);
    assert_eq!((r.vms[0].name.as_str(), r.vms[0].power_state.as_deref(), r.vms[0].gpus), ("vm1", Some("running"), 1));
    assert!(!r.vms[0].private_ip_addresses.is_empty(), "the final step reports the IP: {:?}", r.vms[0]);
    assert!(events.lock().unwrap().iter().any(|e| e == "deployTemplate:succeeded"));

    // With Kubernetes holding the GPUs the same deployment is refused before anything is sent...
    e.configure_kubernetes().await;
    let s = e.with_kubernetes_fact();
    let mut vm2 = vm.clone();
    vm2.name = Some("second".into());
    vm2.parameters.insert("vmName".into(), json!("vm2"));
    vm2.parameters.insert("nicName".into(), json!("nic2"));
    let err = deploy::deploy_template(&s, &vm2, &Progress::none(), &c).await.unwrap_err();
    assert_eq!(err.status, Status::PreflightFailed);
    assert!(err.message.contains("Kubernetes"), "{err}");
    let report: gpu::PreflightReport = serde_json::from_value(err.details.clone().unwrap()).unwrap();
    assert_eq!(errors(&report), vec!["GpusClaimedByKubernetes"]);
    assert!(vm::get(&s, "rg", "vm2", &c).await.is_err(), "nothing was created");
    // ...and when forced, the device fails it, and the error names the failing resource.
    vm2.force = true;
    let err = deploy::deploy_template(&s, &vm2, &Progress::none(), &c).await.unwrap_err();
    assert_eq!(err.status, Status::OperationFailed, "{err}");
    assert!(err.message.contains("vm2"), "the failing resource is named: {err}");
    // A broken template is refused locally with the engine's error.
    let mut bad = vm.clone();
    bad.parameters.insert("noSuchParameter".into(), json!(1));
    assert_eq!(
        deploy::deploy_template(&e.s, &bad, &Progress::none(), &c).await.unwrap_err().status,
        Status::InvalidArgument
    );
    e.dev.sim.stop().await;
}
