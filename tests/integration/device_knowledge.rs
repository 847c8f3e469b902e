//! The device facts of issue 12, each from both sides: what asegpu says (preflight, availability, `vm stop`,
//! the extension install, the update helper) and what the emulated device does (custom sizes, Gen2 images,
//! the stopped-VM takeover, the GPU extension's needs, the 24-VM limit, Kubernetes' memory, blob
//! `x-ms-version`, MPS and device updates). Every fact's source is cited where it is defined, in
//! `crates/asegpu-core/src/device/`.

use asegpu_core::arm::compute::VmAction;
use asegpu_core::arm::Session;
use asegpu_core::device::custom_sizes::CustomSize;
use asegpu_core::ops::{deploy, extension, gpu, update, vm};
use asegpu_core::progress::{CancelToken, Progress, ProgressEvent};
use asegpu_testkit::{Device, SimConfig};
use serde_json::{json, Value};
use std::sync::Mutex;

const PW: &str = "Facts-Passw0rd!";
const T4: &str = "Standard_NC4as_T4_v3";
const CUSTOM_T4: &str = "Custom_GPU_T4_v3";

struct Env {
    dev: Device,
}

/// An emulated device (changed by `device` before it starts) with a resource group `rg` and an Ubuntu
/// 18.04 image `ubuntu1804`.
async fn device(change: impl FnOnce(&mut SimConfig)) -> Env {
    let e = Env { dev: Device::start_with(PW, change).await };
    let s = e.session(|_| {}).await;
    s.create_resource_group(
        &asegpu_core::arm::resources::NewResourceGroup { name: "rg".into(), location: None, tags: Default::default() },
        &CancelToken::new(),
    )
    .await
    .unwrap();
    e.image(&s, "ubuntu1804", "ubuntu18.04waagent.vhd", "Linux", None).await;
    e
}

impl Env {
    /// A session whose profile holds the device facts `facts` sets (2 GPUs, no Kubernetes, 2309 by default).
    async fn session(&self, facts: impl FnOnce(&mut asegpu_core::device::DeviceFacts)) -> Session {
        self.dev
            .connect_with(|o| {
                o.device.gpu_count = Some(2);
                o.device.kubernetes_configured = Some(false);
                o.device.release = Some("2309".into());
                facts(&mut o.device);
            })
            .await
    }

    async fn image(&self, s: &Session, name: &str, vhd: &str, os: &str, generation: Option<&str>) {
        let mut img = json!({ "location": "dbelocal", "properties": { "storageProfile": { "osDisk": {
            "osType": os, "osState": "Generalized", "blobUri": format!("https://sa.blob.other.example/vhds/{vhd}"),
            "storageAccountType": "Standard_LRS", "caching": "ReadWrite" } } } });
        if let Some(g) = generation {
            img["properties"]["hyperVGeneration"] = json!(g);
        }
        let c = CancelToken::new();
        s.call_lro("image", reqwest::Method::PUT, &s.image_path("rg", name), Some(&img), &Progress::none(), &c)
            .await
            .unwrap();
    }

    /// A VM made without the client's preflight (`force`), so the emulated device answers.
    async fn vm(&self, s: &Session, name: &str, image: &str, size: &str) -> asegpu_core::Result<vm::VmView> {
        let req: deploy::DirectVm = serde_json::from_value(
            json!({ "resourceGroupName": "rg", "name": name, "image": image, "vmSize": size, "force": true }),
        )
        .unwrap();
        deploy::create_vm(s, &req, "VmAdmin-Passw0rd", &Progress::none(), &CancelToken::new()).await
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let r = self.dev.control(method, path, body).await;
        assert!((200..300).contains(&r.status), "{path}: {}", r.status);
        r.body
    }

    /// A control call that the emulator refuses: its status, and its error code and message.
    async fn control_refused(&self, method: reqwest::Method, path: &str, body: Value) -> (u16, String) {
        let r = self.dev.control(method, path, body).await;
        let v = &r.body;
        (
            r.status,
            format!("{} {}", v["error"]["code"].as_str().unwrap_or(""), v["error"]["message"].as_str().unwrap_or("")),
        )
    }

    async fn configure_kubernetes(&self) {
        self.control(reqwest::Method::PATCH, "device", json!({ "kubernetesConfigured": true })).await;
    }
}

async fn preflight(s: &Session, size: &str, count: u32) -> gpu::PreflightReport {
    gpu::preflight(s, &gpu::Plan::of_size(size, count), &CancelToken::new()).await.unwrap()
}

fn codes(r: &gpu::PreflightReport, severity: gpu::Severity) -> Vec<String> {
    r.findings.iter().filter(|f| f.severity == severity).map(|f| f.code.clone()).collect()
}

fn finding<'a>(r: &'a gpu::PreflightReport, code: &str) -> &'a gpu::Finding {
    r.findings.iter().find(|f| f.code == code).unwrap_or_else(|| panic!("no {code} in {:#?}", r.findings))
}

/// Runs `f` with a progress sink and returns its result and the events it emitted.
async fn with_events<T>(f: impl AsyncFnOnce(&Progress<'_>) -> T) -> (T, Vec<ProgressEvent>) {
    let events = Mutex::new(Vec::<ProgressEvent>::new());
    let sink = |ev: &ProgressEvent| events.lock().unwrap().push(ev.clone());
    let out = f(&Progress::new(&sink)).await;
    (out, events.into_inner().unwrap())
}

/// The same, keeping only the warnings' messages.
async fn with_warnings<T>(f: impl AsyncFnOnce(&Progress<'_>) -> T) -> (T, Vec<String>) {
    let (out, events) = with_events(f).await;
    (out, events.into_iter().filter(|e| e.stage == "warning").map(|e| e.message).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_sizes_exist_once_set_and_take_their_gpus() {
    // A device without the custom size: the preflight says so and how to set it; the device refuses it.
    let plain = device(|_| {}).await;
    let s = plain.session(|_| {}).await;
    let r = preflight(&s, CUSTOM_T4, 1).await;
    assert_eq!(codes(&r, gpu::Severity::Error), vec!["CustomSizeNotSet"], "{:#?}", r.findings);
    let f = finding(&r, "CustomSizeNotSet");
    assert!(f.fix.as_deref().unwrap().contains("Set-HcsVMCustomSizes -CustomVMSizesJson"), "{f:?}");
    assert!(!f.message.contains("not a size Azure Stack Edge offers"), "{f:?}");
    let e = plain.vm(&s, "c1", "ubuntu1804", CUSTOM_T4).await.unwrap_err();
    assert!(e.message.contains("custom size") && e.message.contains("Set-HcsVMCustomSizes"), "{e}");
    plain.dev.sim.stop().await;

    // A device with Custom_GPU_T4_v3 taking 2 GPUs: ARM lists it with its cores and memory.
    let custom = device(|c| c.device.custom_sizes = vec![CustomSize::parse("Custom_GPU_T4_v3:8:28:2").unwrap()]).await;
    let unknown = custom.session(|_| {}).await;
    let sizes = unknown.list_vm_sizes(&CancelToken::new()).await.unwrap();
    let listed = sizes.iter().find(|v| v["name"] == CUSTOM_T4).expect("listed among the vmSizes");
    assert_eq!((listed["numberOfCores"].as_u64(), listed["memoryInMB"].as_u64()), (Some(8), Some(28 * 1024)));
    // The profile does not know its GPU count: counted as 1, and said.
    let r = preflight(&unknown, CUSTOM_T4, 1).await;
    assert!(r.ok, "{:#?}", r.findings);
    assert_eq!((r.gpus_needed, codes(&r, gpu::Severity::Warning)), (1, vec!["CustomSizeGpusUnknown".to_string()]));
    // The profile knows it (Get-HcsVMCustomSizes): 2 GPUs, so two such VMs do not fit on 2 GPUs.
    let known = custom.session(|f| f.custom_sizes = vec![CustomSize::parse("Custom_GPU_T4_v3:8:28:2").unwrap()]).await;
    let r = preflight(&known, CUSTOM_T4, 1).await;
    assert!(r.ok && r.gpus_needed == 2 && codes(&r, gpu::Severity::Warning).is_empty(), "{r:#?}");
    assert_eq!(codes(&preflight(&known, CUSTOM_T4, 2).await, gpu::Severity::Error), vec!["InsufficientGpus"]);
    // The device places it with 2 GPUs; the report counts them; the extension treats it as a GPU VM.
    let v = custom.vm(&known, "c1", "ubuntu1804", CUSTOM_T4).await.unwrap();
    assert_eq!(v.gpus, 2);
    let a = gpu::availability(&known, &CancelToken::new()).await.unwrap();
    assert_eq!((a.gpus_held_by_vms, a.free_gpus), (2, Some(0)));
    let e = custom.vm(&known, "c2", "ubuntu1804", T4).await.unwrap_err();
    assert!(e.message.contains("Insufficient number of GPUs"), "{e}");
    let req =
        extension::InstallRequest { resource_group_name: "rg".into(), vm_name: "c1".into(), ..Default::default() };
    let r = extension::install(&known, &req, &Progress::none(), &CancelToken::new()).await.unwrap();
    assert_eq!(r.extension.provisioning_state, "Succeeded");
    custom.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gen2_images_cannot_be_gpu_vms() {
    let e = device(|_| {}).await;
    let s = e.session(|_| {}).await;
    e.image(&s, "ubuntu-gen2", "ubuntu18.04gen2.vhd", "Linux", Some("V2")).await;
    let image = format!(
        "/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Compute/images/ubuntu-gen2",
        s.subscription_id()
    );
    let mut plan = gpu::Plan::of_size(T4, 1);
    plan.vms[0].image_id = Some(image.clone());
    let r = gpu::preflight(&s, &plan, &CancelToken::new()).await.unwrap();
    assert_eq!(codes(&r, gpu::Severity::Error), vec!["Gen2ImageForGpuVm"], "{:#?}", r.findings);
    plan.vms[0].vm_size = "Standard_D2_v2".into();
    assert!(gpu::preflight(&s, &plan, &CancelToken::new()).await.unwrap().ok, "a Gen2 CPU VM is fine");
    let err = e.vm(&s, "g2", "ubuntu-gen2", T4).await.unwrap_err();
    assert!(err.message.contains("Gen2 VMs are not supported for GPU"), "{err}");
    e.vm(&s, "g2cpu", "ubuntu-gen2", "Standard_D2_v2").await.unwrap();
    e.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopped_gpu_vms_may_lose_their_gpu_to_kubernetes() {
    // The default device (the later docs' "fixed"): a stopped GPU VM keeps its GPU and starts again.
    let e = device(|_| {}).await;
    let s = e.session(|f| f.kubernetes_configured = Some(true)).await;
    e.vm(&s, "vm1", "ubuntu1804", T4).await.unwrap();
    e.configure_kubernetes().await;
    let c = CancelToken::new();
    let (stopped, warnings) = with_warnings(async |p| vm::act(&s, "rg", "vm1", VmAction::PowerOff, p, &c).await).await;
    assert_eq!(stopped.unwrap().power_state.as_deref(), Some("stopped"));
    assert!(
        warnings.iter().any(|w| w.contains("Kubernetes may take over its GPU") && w.contains("Get-HcsGpuNvidiaSmi")),
        "{warnings:?}"
    );
    let a = gpu::availability(&s, &c).await.unwrap();
    assert!(a.notes.iter().any(|n| n.contains("2102 to 2205")), "{:?}", a.notes);
    vm::act(&s, "rg", "vm1", VmAction::Start, &Progress::none(), &c).await.unwrap();
    // Without Kubernetes, stopping says nothing of it.
    let no_k8s = e.session(|_| {}).await;
    let (_, warnings) = with_warnings(async |p| vm::act(&no_k8s, "rg", "vm1", VmAction::PowerOff, p, &c).await).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    e.dev.sim.stop().await;

    // The opt-in takeover (release notes 2102 to 2205): Kubernetes takes the stopped VM's GPU.
    let e = device(|c| c.device.stopped_vm_takeover = true).await;
    let s = e.session(|f| f.kubernetes_configured = Some(true)).await;
    e.vm(&s, "vm1", "ubuntu1804", T4).await.unwrap();
    e.configure_kubernetes().await;
    vm::act(&s, "rg", "vm1", VmAction::PowerOff, &Progress::none(), &c).await.unwrap();
    let dev = e.control(reqwest::Method::GET, "device", json!({})).await;
    assert_eq!(dev["kubernetesGpus"], 2, "{dev}");
    let err = vm::act(&s, "rg", "vm1", VmAction::Start, &Progress::none(), &c).await.unwrap_err();
    assert!(err.message.contains("claimed by Kubernetes"), "{err}");
    e.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gpu_freed_after_kubernetes_may_be_free_or_kubernetes() {
    // 2 GPUs: a GPU VM, then Kubernetes (it gets the other GPU), then the VM is deallocated.
    for takeover in [false, true] {
        let e = device(|c| c.device.stopped_vm_takeover = takeover).await;
        let s = e.session(|f| f.kubernetes_configured = Some(true)).await;
        e.vm(&s, "vm1", "ubuntu1804", T4).await.unwrap();
        e.configure_kubernetes().await;
        let c = CancelToken::new();
        vm::act(&s, "rg", "vm1", VmAction::Deallocate, &Progress::none(), &c).await.unwrap();
        // The client cannot see whether Kubernetes took the released GPU: "may fail", not "will fail".
        let r = preflight(&s, T4, 1).await;
        assert!(r.ok && r.verdict.starts_with("may fail"), "{r:#?}");
        assert!(finding(&r, "GpusMayBeClaimedByKubernetes").fix.as_deref().unwrap().contains("kubernetesGpus"));
        assert!(r.availability.kubernetes_share_estimated);
        // The device decides: free without the takeover, Kubernetes' with it.
        let placed = e.vm(&s, "vm2", "ubuntu1804", T4).await;
        assert_eq!(placed.is_ok(), !takeover, "takeover {takeover}: {placed:?}");
        // With the device's own count in the profile, the client knows.
        let k = if takeover { 2 } else { 1 };
        let exact = e
            .session(|f| {
                f.kubernetes_configured = Some(true);
                f.kubernetes_gpus = Some(k);
            })
            .await;
        let r = preflight(&exact, T4, 1).await;
        assert!(!r.availability.kubernetes_share_estimated);
        assert!(!r.ok, "takeover {takeover}: every GPU is taken now: {:#?}", r.findings);
        e.dev.sim.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpu_extension_needs_and_failures() {
    let e = device(|c| c.device.compute_internet = false).await;
    let s = e.session(|_| {}).await;
    e.image(&s, "ws2016", "WindowsServer2016_30GB.vhd", "Windows", None).await;
    e.image(&s, "rhel74", "rhel7.4-byos.vhd", "Linux", None).await;
    e.vm(&s, "win", "ws2016", T4).await.unwrap();
    e.vm(&s, "rhel", "rhel74", T4).await.unwrap();
    let c = CancelToken::new();
    let req = |vm: &str| extension::InstallRequest {
        resource_group_name: "rg".into(),
        vm_name: vm.into(),
        ..Default::default()
    };
    // What the install needs, said before it runs.
    let (_, _, _, w) = extension::choose(&s, &req("win"), &c).await.unwrap();
    assert!(w.iter().any(|x| x.contains("SchUseStrongCrypto 1")), "{w:?}");
    let (_, _, _, w) = extension::choose(&s, &req("rhel"), &c).await.unwrap();
    assert!(w.iter().any(|x| x.contains("vulkan-filesystem")), "{w:?}");
    // No internet on the compute network: said as the install starts (ARM cannot check it); the device
    // fails the download; asegpu says why and where to look.
    let (r, said) = with_events(async |p| extension::install(&s, &req("rhel"), p, &c).await).await;
    let err = r.unwrap_err();
    assert!(
        err.message.contains("downloading package") && err.message.contains("/var/log/azure/nvidia-vmext-status"),
        "{err}"
    );
    assert!(err.message.contains("port enabled for compute must reach the internet"), "{err}");
    assert!(said.iter().any(|e| e.stage != "warning" && e.message.contains("from the internet")), "{said:?}");
    e.control(reqwest::Method::PATCH, "device", json!({ "computeInternet": true })).await;
    let ok = extension::install(&s, &req("rhel"), &Progress::none(), &c).await.unwrap();
    assert_eq!(ok.extension.provisioning_state, "Succeeded");
    // The troubleshooting doc's RHEL 7 custom install: offered for Linux on 2205 and later, refused elsewhere.
    let custom = extension::InstallRequest { rhel_custom_install: true, ..req("rhel") };
    let (_, _, props, _) = extension::choose(&s, &custom, &c).await.unwrap();
    assert_eq!(
        (props["settings"]["isCustomInstall"].as_bool(), props["settings"]["InstallMethod"].as_u64()),
        (Some(true), Some(0))
    );
    let refused =
        extension::choose(&s, &extension::InstallRequest { rhel_custom_install: true, ..req("win") }, &c).await;
    assert!(refused.unwrap_err().message.contains("RHEL 7 custom install is for Linux VMs"));
    let old = extension::InstallRequest { rhel_custom_install: true, release: Some("2203".into()), ..req("rhel") };
    assert!(extension::choose(&s, &old, &c).await.is_err(), "before 2205 the custom install does not apply");
    e.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untested_oses_are_warned_not_refused_and_old_releases_get_their_settings() {
    let e = device(|c| c.device.release = "2103".into()).await;
    let s = e.session(|f| f.release = Some("2103".into())).await;
    for (image, vhd, os) in [
        ("ws2022", "WindowsServer2022.vhd", "Windows"),
        ("ubuntu2204", "ubuntu-22.04.vhd", "Linux"),
        ("ubuntu2004", "ubuntu20.04.vhd", "Linux"),
    ] {
        e.image(&s, image, vhd, os, None).await;
        e.vm(&s, image, image, T4).await.unwrap();
        let req =
            extension::InstallRequest { resource_group_name: "rg".into(), vm_name: image.into(), ..Default::default() };
        let r = extension::install(&s, &req, &Progress::none(), &CancelToken::new()).await.unwrap();
        assert_eq!(r.extension.provisioning_state, "Succeeded", "{image}: untested is not refused");
        assert!(r.warnings.iter().any(|w| w.contains("haven't been tested")), "{image}: {:?}", r.warnings);
        vm::delete(&s, "rg", image, &Progress::none(), &CancelToken::new()).await.unwrap();
    }
    // Ubuntu 18.04: deprecated by the 2024 overview; before 2105 its settings were the DRIVER_URL ones.
    e.vm(&s, "u18", "ubuntu1804", T4).await.unwrap();
    let req =
        extension::InstallRequest { resource_group_name: "rg".into(), vm_name: "u18".into(), ..Default::default() };
    let r = extension::install(&s, &req, &Progress::none(), &CancelToken::new()).await.unwrap();
    assert!(r.warnings.iter().any(|w| w.contains("no longer supported")), "{:?}", r.warnings);
    assert_eq!(
        (r.chosen["typeHandlerVersion"].as_str(), r.chosen["settings"]["CUDA_ver"].as_str()),
        (Some("1.3"), Some("10.0.130"))
    );
    assert_eq!(r.extension.public_settings["InstallCUDA"], "true");
    e.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_runs_at_most_24_vms() {
    let e = device(|c| c.device.memory_gib = 1024).await;
    let s = e.session(|_| {}).await;
    for i in 0..24 {
        e.vm(&s, &format!("cpu{i}"), "ubuntu1804", "Standard_D1_v2").await.unwrap();
    }
    let r = preflight(&s, "Standard_D1_v2", 1).await;
    assert_eq!(codes(&r, gpu::Severity::Error), vec!["VmLimitReached"], "{:#?}", r.findings);
    let err = e.vm(&s, "cpu24", "ubuntu1804", "Standard_D1_v2").await.unwrap_err();
    assert!(err.message.contains("at most 24"), "{err}");
    e.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubernetes_vms_take_memory_and_the_catalog_is_the_2023_one() {
    let e = device(|_| {}).await;
    let s = e.session(|_| {}).await;
    let names: Vec<String> = s
        .list_vm_sizes(&CancelToken::new())
        .await
        .unwrap()
        .iter()
        .filter_map(|v| v["name"].as_str().map(str::to_string))
        .collect();
    for n in ["Standard_F4s_v1", "Standard_F32s_v1", "Standard_F32s_v3", "Standard_F12_HPN_T4_v3"] {
        assert!(names.iter().any(|x| x == n), "{n} missing from {names:?}");
    }
    // 96 GiB for VMs; with Kubernetes, its master and worker VMs take 36: a 56 GiB and a 28 GiB VM no longer fit.
    e.vm(&s, "big", "ubuntu1804", "Standard_NC8as_T4_v3").await.unwrap();
    e.configure_kubernetes().await;
    let err = e.vm(&s, "cpu", "ubuntu1804", "Standard_D12_v2").await.unwrap_err();
    assert!(err.message.contains("insufficient memory") && err.message.contains("Kubernetes"), "{err}");
    e.control(reqwest::Method::PATCH, "device", json!({ "kubernetesConfigured": false })).await;
    e.vm(&s, "cpu", "ubuntu1804", "Standard_D12_v2").await.unwrap();
    e.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blob_storage_refuses_newer_x_ms_versions() {
    let e = device(|_| {}).await;
    let s = e.session(|_| {}).await;
    let req: asegpu_core::arm::storage::NewStorageAccount =
        serde_json::from_value(json!({ "resourceGroup": "rg", "name": "sa1" })).unwrap();
    s.create_storage_account(&req, &Progress::none(), &CancelToken::new()).await.unwrap();
    let port = e.dev.sim.info.listen.rsplit(':').next().unwrap().to_string();
    let list = |version: &'static str| {
        e.dev.https().get(format!("https://127.0.0.1:{port}/sa1?comp=list")).header("x-ms-version", version).send()
    };
    let refused = list("2020-04-08").await.unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(refused.headers()["x-ms-error-code"], "InvalidHeaderValue");
    assert!(refused.text().await.unwrap().contains("AZCOPY_DEFAULT_SERVICE_API_VERSION=2019-07-07"));
    // The documented version gets past the check (and is then asked for its signature).
    let unsigned = list("2019-07-07").await.unwrap();
    assert_eq!(unsigned.status(), 403);
    e.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_updates_turn_mps_off_and_start_stopped_gpu_vms() {
    let e = device(|c| c.device.mps_enabled = true).await;
    let s = e.session(|f| f.mps_enabled = Some(true)).await;
    e.vm(&s, "vm1", "ubuntu1804", T4).await.unwrap();
    let c = CancelToken::new();
    let (rec, warnings) = with_warnings(async |p| update::suspend(&s, p, &c).await).await;
    let rec = rec.unwrap();
    assert_eq!(rec.stopped.len(), 1);
    assert!(warnings.iter().any(|w| w.contains("Start-HcsGpuMPS")), "{warnings:?}");
    for bad in [json!({ "release": "banana" }), json!({ "version": "2403" }), json!([])] {
        let (status, error) = e.control_refused(reqwest::Method::POST, "update", bad.clone()).await;
        assert_eq!((status, error.starts_with("InvalidUpdate")), (400, true), "{bad}: {error}");
    }
    let (status, error) =
        e.control_refused(reqwest::Method::PATCH, "device", json!({ "customSizes": ["Custom_GPU_A2:4:28"] })).await;
    assert_eq!((status, error.contains("A2 devices")), (400, true), "{error}");
    let after = e.control(reqwest::Method::POST, "update", json!({ "release": "2403" })).await;
    assert_eq!(
        (after["device"]["mpsEnabled"].as_bool(), after["device"]["release"].as_str()),
        (Some(false), Some("2403"))
    );
    assert_eq!(after["startedVms"], json!(["vm1"]), "the update starts GPU VMs stopped staying provisioned");
    let (started, warnings) = with_warnings(async |p| update::resume(&s, &rec, p, &c).await).await;
    assert_eq!(started.unwrap()[0].power_state.as_deref(), Some("running"));
    assert!(warnings.iter().any(|w| w.contains("Start-HcsGpuMPS")), "{warnings:?}");
    e.dev.sim.stop().await;
}
