//! Template deployments through the emulator's `Microsoft.Resources/deployments` API: every sample template
//! of the device deploys unchanged (only parameter values adjusted as an admin would), the GPU VM flow
//! (image → GPU VM → GPU extension) by templates, the Azure CLI's JSONC body, per-resource failures the ARM
//! way, validate, template errors; and blob data surviving an emulator restart.

use asegpu_testkit::{templates_dir, Answer as R, Device, Rest, SimConfig};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const PW: &str = "Sim-Passw0rd!x";
const RES: &str = "api-version=2018-05-01";
const STG: &str = "api-version=2019-06-01";
const CMP: &str = "api-version=2017-12-01";
const T4: &str = "Standard_NC4as_T4_v3";

/// The emulated device and raw REST signed in to it, from the shared harness (asegpu-testkit).
struct Api {
    dev: Device,
    rest: Rest,
}

impl std::ops::Deref for Api {
    type Target = Rest;
    fn deref(&self) -> &Rest {
        &self.rest
    }
}

/// A device at test pace whose files are in `dir`, which the test keeps (to restart on the same state).
fn config(dir: &Path) -> SimConfig {
    asegpu_testkit::test_config(PW, dir)
}

async fn start_cfg(c: SimConfig) -> Api {
    let dev = Device::start_config(c).await;
    let rest = dev.rest().await;
    Api { dev, rest }
}

fn read_json(rel: &str) -> Value {
    let p = templates_dir().join(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    asegpu_core::template::jsonc::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A parameter file's inner `parameters`, with some values changed (the way an admin fills them in).
fn params(rel: &str, set: &[(&str, Value)]) -> Value {
    let mut p = read_json(rel)["parameters"].clone();
    for (k, v) in set {
        let key = p
            .as_object()
            .unwrap()
            .keys()
            .find(|x| x.eq_ignore_ascii_case(k))
            .cloned()
            .unwrap_or_else(|| panic!("{rel} has no parameter {k}"));
        p[key] = json!({ "value": v });
    }
    p
}

impl Api {
    fn dep_path(rg: &str, name: &str) -> String {
        format!("subscriptions/{{sub}}/resourcegroups/{rg}/providers/Microsoft.Resources/deployments/{name}")
    }
    /// Poll an Azure-AsyncOperation URL until the deployment is terminal; the final status document.
    async fn wait_status(&self, url: &str) -> Value {
        for _ in 0..2000 {
            let resp = self.http.get(url).bearer_auth(&self.token).send().await.unwrap();
            assert_eq!(resp.status().as_u16(), 200);
            let v: Value = resp.json().await.unwrap();
            match v["status"].as_str() {
                Some("Running") | Some("Accepted") => tokio::time::sleep(Duration::from_millis(5)).await,
                Some(_) => return v,
                None => panic!("no status: {v}"),
            }
        }
        panic!("deployment did not finish: {url}");
    }
    /// PUT a deployment with a raw body; returns (PUT response, final status, final deployment).
    async fn deploy_raw(&self, rg: &str, name: &str, body: Vec<u8>) -> (R, Value, Value) {
        let path = format!("{}?{RES}", Self::dep_path(rg, name));
        let r = self.send(reqwest::Method::PUT, &path, Some(body)).await;
        if r.status >= 300 {
            return (r, Value::Null, Value::Null);
        }
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["properties"]["provisioningState"], "Accepted");
        assert!(r.header("retry-after").is_some());
        let url = r.header("azure-asyncoperation").expect("Azure-AsyncOperation");
        assert!(url.contains(&format!("/deployments/{name}/operationStatuses/")), "{url}");
        let status = self.wait_status(&url).await;
        let d = self.get(&path).await;
        assert_eq!(d.status, 200);
        (r, status, d.body)
    }
    async fn deploy(&self, rg: &str, name: &str, template: &Value, parameters: &Value) -> (Value, Value) {
        let body = json!({ "properties": { "mode": "Incremental", "template": template, "parameters": parameters } });
        let (r, status, d) = self.deploy_raw(rg, name, serde_json::to_vec(&body).unwrap()).await;
        assert!(r.status < 300, "{}: {}", r.status, r.body);
        (status, d)
    }
    async fn deploy_ok(&self, rg: &str, name: &str, template: &str, parameters: Value) -> Value {
        let (status, d) = self.deploy(rg, name, &read_json(template), &parameters).await;
        let ops = self.get(&format!("{}/operations?{RES}", Self::dep_path(rg, name))).await;
        assert_eq!(status["status"], "Succeeded", "{template}: {status}\noperations: {}", ops.body);
        assert_eq!(d["properties"]["provisioningState"], "Succeeded");
        d
    }
    async fn operations(&self, rg: &str, name: &str) -> Vec<Value> {
        let r = self.get(&format!("{}/operations?{RES}", Self::dep_path(rg, name))).await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body["value"].as_array().cloned().unwrap_or_default()
    }
}

// Blob upload (Shared Key), as in providers.rs.

fn vhd_footer(disk_bytes: u64, disk_type: u32) -> Vec<u8> {
    let mut f = vec![0u8; 512];
    f[0..8].copy_from_slice(b"conectix");
    f[8..12].copy_from_slice(&2u32.to_be_bytes());
    f[12..16].copy_from_slice(&0x0001_0000u32.to_be_bytes());
    f[16..24].copy_from_slice(&u64::MAX.to_be_bytes());
    f[40..48].copy_from_slice(&disk_bytes.to_be_bytes());
    f[48..56].copy_from_slice(&disk_bytes.to_be_bytes());
    f[60..64].copy_from_slice(&disk_type.to_be_bytes());
    // The VHD specification's checksum: one's complement of the byte sum (checksum field zero).
    let sum: u32 = f.iter().map(|b| u32::from(*b)).sum();
    f[64..68].copy_from_slice(&(!sum).to_be_bytes());
    f
}

struct BlobClient<'a> {
    api: &'a Api,
    account: String,
    key: Vec<u8>,
}

impl BlobClient<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}{}/{}", self.api.base, self.account, path)
    }
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        use base64::Engine;
        let url = url::Url::parse(&self.url(path)).unwrap();
        let date = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        let mut xms: Vec<(String, String)> =
            headers.iter().filter(|(k, _)| k.starts_with("x-ms-")).map(|(k, v)| (k.to_string(), v.clone())).collect();
        xms.push(("x-ms-date".into(), date.clone()));
        xms.push(("x-ms-version".into(), "2019-07-07".into()));
        xms.sort();
        let canon: String = xms.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
        let mut ps: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.to_lowercase(), v.to_string())).collect();
        ps.sort();
        let q: String = ps.iter().map(|(k, v)| format!("\n{k}:{v}")).collect();
        let h = |n: &str| headers.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone()).unwrap_or_default();
        let len = if body.is_empty() { String::new() } else { body.len().to_string() };
        let sts = format!(
            "{method}\n\n\n{len}\n\n{}\n\n\n\n\n\n{}\n{canon}/{}{}{q}",
            h("content-type"),
            h("range"),
            self.account,
            url.path()
        );
        let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.key);
        let sig = base64::engine::general_purpose::STANDARD.encode(ring::hmac::sign(&k, sts.as_bytes()).as_ref());
        let mut rb = self
            .api
            .http
            .request(method, url.as_str())
            .header("authorization", format!("SharedKey {}:{sig}", self.account));
        for (k, v) in &xms {
            rb = rb.header(k.as_str(), v.as_str());
        }
        let r = rb.body(body).send().await.unwrap();
        let status = r.status().as_u16();
        let hs = r.headers().clone();
        (status, hs, r.bytes().await.unwrap().to_vec())
    }

    /// Upload a fixed-size Gen1 VHD of `disk` bytes (plus footer) with `data` written at offset 0.
    async fn upload_vhd(&self, container: &str, name: &str, disk: u64, data: &[u8]) {
        let path = format!("{container}/{name}");
        let (s, _, _) = self
            .send(
                reqwest::Method::PUT,
                &path,
                &[("x-ms-blob-type", "PageBlob".into()), ("x-ms-blob-content-length", (disk + 512).to_string())],
                vec![],
            )
            .await;
        assert_eq!(s, 201);
        if !data.is_empty() {
            let r = format!("bytes=0-{}", data.len() - 1);
            let (s, _, _) = self
                .send(
                    reqwest::Method::PUT,
                    &format!("{path}?comp=page"),
                    &[("x-ms-page-write", "update".into()), ("x-ms-range", r)],
                    data.to_vec(),
                )
                .await;
            assert_eq!(s, 201);
        }
        let r = format!("bytes={}-{}", disk, disk + 511);
        let (s, _, _) = self
            .send(
                reqwest::Method::PUT,
                &format!("{path}?comp=page"),
                &[("x-ms-page-write", "update".into()), ("x-ms-range", r)],
                vhd_footer(disk, 2),
            )
            .await;
        assert_eq!(s, 201);
    }
}

async fn storage_account<'a>(api: &'a Api, rg: &str, name: &str) -> BlobClient<'a> {
    use base64::Engine;
    let r = api
        .put(
            &format!(
                "subscriptions/{{sub}}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}?{STG}"
            ),
            json!({"location": "dbelocal", "sku": {"name": "Standard_LRS"}, "kind": "Storage", "properties": {}}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    let loc = r.header("location").expect("Location");
    for _ in 0..400 {
        let p = api.http.get(&loc).bearer_auth(&api.token).send().await.unwrap();
        if p.status().as_u16() == 202 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        }
        break;
    }
    let keys = api.post(&format!("subscriptions/{{sub}}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}/listKeys?{STG}"), None).await;
    assert_eq!(keys.status, 200, "{}", keys.body);
    let key =
        base64::engine::general_purpose::STANDARD.decode(keys.body["keys"][0]["value"].as_str().unwrap()).unwrap();
    let b = BlobClient { api, account: name.into(), key };
    let (s, _, _) = b.send(reqwest::Method::PUT, "con1?restype=container", &[], Vec::new()).await;
    assert_eq!(s, 201);
    b
}

/// A small MBR disk (Gen1) with a boot signature.
fn mbr() -> Vec<u8> {
    let mut m = vec![0u8; 512];
    m[510] = 0x55;
    m[511] = 0xAA;
    m[446 + 4] = 0x83;
    m
}

const BLOB: &str = "https://sa1.blob.dbe-asesim.microsoftdatabox.com/con1";

/// rg1 with account sa1, container con1, and an Ubuntu and a Windows fixed VHD (what the docs upload).
async fn with_vhds(api: &Api) {
    api.group("rg1").await;
    let b = storage_account(api, "rg1", "sa1").await;
    b.upload_vhd("con1", "ubuntu18.04waagent.vhd", 4 << 20, &mbr()).await;
    b.upload_vhd("con1", "WindowsServer2019_30GB.vhd", 4 << 20, &mbr()).await;
}

fn vm_params(vm: &str, image: &str, size: &str, nic: &str) -> Value {
    params(
        "VmTemplates/CreateVM/CreateVM.parameters.json",
        &[("vmName", json!(vm)), ("imageName", json!(image)), ("vmSize", json!(size)), ("nicName", json!(nic))],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sample_template_deploys() {
    let dir = tempfile::tempdir().unwrap();
    let api = start_cfg(config(dir.path())).await;
    with_vhds(&api).await;

    // CreateImage: the Windows image from the uploaded VHD.
    let d = api
        .deploy_ok(
            "rg1",
            "image",
            "VmTemplates/CreateImage/CreateImage.json",
            params(
                "VmTemplates/CreateImage/CreateImage.parameters.json",
                &[("imageUri", json!(format!("{BLOB}/WindowsServer2019_30GB.vhd")))],
            ),
        )
        .await;
    assert_eq!(d["properties"]["parameters"]["imageName"]["value"], "Windowsimg1");
    assert_eq!(d["properties"]["providers"][0]["namespace"], "Microsoft.Compute");
    assert!(d["properties"]["templateHash"].as_str().is_some_and(|h| !h.is_empty()));
    assert!(
        d["properties"]["correlationId"].is_string() && d["properties"]["duration"].as_str().unwrap().starts_with("PT")
    );
    let img = api
        .get(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/images/Windowsimg1?{CMP}"))
        .await;
    assert_eq!(img.body["properties"]["provisioningState"], "Succeeded", "{}", img.body);
    let ops = api.operations("rg1", "image").await;
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0]["properties"]["provisioningOperation"], "Create");
    assert_eq!(ops[0]["properties"]["provisioningState"], "Succeeded");
    assert_eq!(ops[0]["properties"]["targetResource"]["resourceType"], "Microsoft.Compute/images");
    assert_eq!(ops[0]["properties"]["targetResource"]["resourceName"], "Windowsimg1");
    // The same operations at the older path without providers/Microsoft.Resources, and one by id.
    let old =
        api.get("subscriptions/{sub}/resourcegroups/rg1/deployments/image/operations?api-version=2019-10-01").await;
    assert_eq!(old.status, 200, "{}", old.body);
    assert_eq!(old.body["value"].as_array().unwrap().len(), 1);
    let op_id = ops[0]["operationId"].as_str().unwrap();
    let one = api
        .get(&format!(
            "subscriptions/{{sub}}/resourcegroups/rg1/deployments/image/operations/{op_id}?api-version=2019-10-01"
        ))
        .await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.body["properties"]["statusCode"], "OK");

    // CreateImageAndVnet: in ASERG with the device's own network (one virtual network per device).
    let d = api
        .deploy_ok(
            "ASERG",
            "imagevnet",
            "VmTemplates/CreateImageAndVnet/CreateImageAndVnet.json",
            params(
                "VmTemplates/CreateImageAndVnet/CreateImageAndVnet.parameters.json",
                &[
                    ("imageUri", json!(format!("{BLOB}/ubuntu18.04waagent.vhd"))),
                    ("vnetName", json!("ASEVNET")),
                    ("subnetName", json!("ASEVNETsubNet")),
                    ("addressPrefix", json!("10.57.48.0/21")),
                    ("subnetPrefix", json!("10.57.48.0/21")),
                ],
            ),
        )
        .await;
    assert_eq!(d["properties"]["providers"].as_array().unwrap().len(), 2);

    // CreateVM from the Windows image, on ASEVNET (parameter file values except the image name).
    api.deploy_ok(
        "rg1",
        "vm",
        "VmTemplates/CreateVM/CreateVM.json",
        params("VmTemplates/CreateVM/CreateVM.parameters.json", &[("imageName", json!("Windowsimg1"))]),
    )
    .await;
    let vm = api.get(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/DebugVM1?{CMP}&$expand=instanceView")).await;
    assert_eq!(vm.body["properties"]["provisioningState"], "Succeeded", "{}", vm.body);
    let deps = api.get(&format!("{}?{RES}", Api::dep_path("rg1", "vm"))).await;
    assert_eq!(
        deps.body["properties"]["dependencies"][0]["dependsOn"][0]["resourceType"],
        "Microsoft.Network/networkInterfaces"
    );
    // The admin password (a plain string parameter here) never leaks into the VM.
    assert!(vm.body["properties"]["osProfile"]["adminPassword"].is_null());

    // CreateVMFromManagedDisk: a disk imported from the Ubuntu VHD, attached as the OS disk.
    api.deploy_ok(
        "rg1",
        "vmdisk",
        "VmTemplates/CreateVM/CreateVMFromManagedDisk.json",
        params(
            "VmTemplates/CreateVM/CreateVMFromManagedDisk.parameters.json",
            &[("VHDUri", json!(format!("{BLOB}/ubuntu18.04waagent.vhd")))],
        ),
    )
    .await;
    let disk = api
        .get(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/disks/ubuntuosdisk?{CMP}"))
        .await;
    assert!(disk.body["managedBy"].as_str().is_some_and(|m| m.ends_with("Ubuntu1804VMFromSnapshot")), "{}", disk.body);

    // Extensions on those VMs: custom script (Windows and Linux) and password reset.
    api.deploy_ok(
        "rg1",
        "cswin",
        "ExtensionTemplates/CustomScriptExtension/addCSextensiontoVM.json",
        params(
            "ExtensionTemplates/CustomScriptExtension/addCSExtWindowsVM.parameters.json",
            &[("vmName", json!("DebugVM1"))],
        ),
    )
    .await;
    api.deploy_ok(
        "rg1",
        "cslinux",
        "ExtensionTemplates/CustomScriptExtension/addCSextensiontoVM.json",
        params(
            "ExtensionTemplates/CustomScriptExtension/addCSExtLinuxVM.parameters.json",
            &[("vmName", json!("Ubuntu1804VMFromSnapshot"))],
        ),
    )
    .await;
    let d = api
        .deploy_ok(
            "rg1",
            "pwreset",
            "ExtensionTemplates/PasswordResetExtension/addPasswordResetExtensionTemplate.json",
            params(
                "ExtensionTemplates/PasswordResetExtension/addPasswordResetExtensionTemplate.parameters.json",
                &[("vmName", json!("DebugVM1"))],
            ),
        )
        .await;
    let ops = api.operations("rg1", "pwreset").await;
    assert_eq!(ops.len(), 1, "the Linux extension's condition is false: {ops:?}");
    assert_eq!(ops[0]["properties"]["targetResource"]["resourceName"], "DebugVM1/windowsVMAccessExt");
    assert!(d["properties"]["outputResources"].as_array().is_some_and(|a| a.len() == 1));

    // DownloadAndCreate*: the device pulls a VHD from Azure; the emulated device has no route there.
    let sas = "https://myaccount.blob.core.windows.net/vhds/ubuntu.vhd?sv=2020-08-04&sr=b&sig=abc";
    for (name, template, file, extra) in [
        (
            "dlimage",
            "VmTemplates/DownloadAndCreateImage/DownloadAndCreateImage.json",
            "VmTemplates/DownloadAndCreateImage/DownloadAndCreateImage.parameters.json",
            vec![("imageName", json!("dlimg")), ("osType", json!("Linux"))],
        ),
        (
            "dldisk",
            "VmTemplates/DownloadAndCreateManagedDisk/DownloadAndCreateManagedDisk.json",
            "VmTemplates/DownloadAndCreateManagedDisk/DownloadAndCreateManagedDisk.parameters.json",
            vec![("dataDiskName", json!("dldisk1"))],
        ),
    ] {
        let mut set = vec![
            ("sourceBlobUri", json!(sas)),
            ("targetStorageAccountName", json!(format!("{name}sa"))),
            ("targetContainerName", json!("vhds")),
            ("ingestionJobName", json!(format!("{name}job"))),
        ];
        set.extend(extra);
        let (status, d) = api.deploy("rg1", name, &read_json(template), &params(file, &set)).await;
        assert_eq!(status["status"], "Failed", "{status}");
        assert_eq!(status["error"]["code"], "DeploymentFailed");
        assert_eq!(d["properties"]["provisioningState"], "Failed");
        let detail = &status["error"]["details"][0];
        assert_eq!(detail["code"], "IngestionJobFailed", "{status}");
        assert!(detail["message"].as_str().unwrap().contains("not reachable"), "{detail}");
        let ops = api.operations("rg1", name).await;
        let state = |t: &str| {
            ops.iter()
                .find(|o| o["properties"]["targetResource"]["resourceType"] == t)
                .map(|o| o["properties"]["provisioningState"].clone())
        };
        // The storage account was created (with listKeys and reference() evaluated), the job failed, and
        // nothing that depends on it was started.
        assert_eq!(state("Microsoft.Storage/storageAccounts"), Some(json!("Succeeded")), "{ops:?}");
        assert_eq!(state("Microsoft.AzureBridge/locations/ingestionJobs"), Some(json!("Failed")));
        assert_eq!(ops.len(), 2);
        let failed = ops.iter().find(|o| o["properties"]["provisioningState"] == "Failed").unwrap();
        assert_eq!(failed["properties"]["statusMessage"]["status"], "Failed");
        assert_eq!(failed["properties"]["statusMessage"]["error"]["details"][0]["code"], "IngestionJobFailed");
    }
    // In a different resource group: nested deployments; the download deployment fails.
    api.group("rg2").await;
    let (status, _) = api
        .deploy(
            "rg1",
            "dlrg",
            &read_json("VmTemplates/DownloadAndCreateImageInDifferentResourceGroup/DownloadAndCreateImageInDifferentResourceGroup.json"),
            &params(
                "VmTemplates/DownloadAndCreateImageInDifferentResourceGroup/DownloadAndCreateImageInDifferentResourceGroup.parameters.json",
                &[
                    ("sourceBlobUri", json!(sas)),
                    ("targetStorageAccountName", json!("dlrgsa")),
                    ("targetContainerName", json!("vhds")),
                    ("ingestionJobName", json!("dlrgjob")),
                    ("imageName", json!("dlrgimg")),
                    ("osType", json!("Linux")),
                    ("defaultResourceGroup", json!("rg1")),
                    ("imageResourceGroup", json!("rg2")),
                    ("vhdName", json!("ubuntu.vhd")),
                ],
            ),
        )
        .await;
    assert_eq!(status["status"], "Failed", "{status}");
    assert_eq!(status["error"]["code"], "DeploymentFailed");
    assert_eq!(status["error"]["details"][0]["code"], "DeploymentFailed", "{status}");
    assert_eq!(status["error"]["details"][0]["details"][0]["code"], "IngestionJobFailed", "{status}");
    let nested = api.get(&format!("{}?{RES}", Api::dep_path("rg1", "downloaddlrgjob"))).await;
    assert_eq!(nested.status, 200, "{}", nested.body);
    assert_eq!(nested.body["properties"]["provisioningState"], "Failed");
    // The deployments list shows them all.
    let list = api
        .get(&format!("subscriptions/{{sub}}/resourcegroups/rg1/providers/Microsoft.Resources/deployments?{RES}"))
        .await;
    assert!(list.body["value"].as_array().unwrap().len() >= 10, "{}", list.body);
    api.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpu_vm_by_templates_then_gpu_extension() {
    let dir = tempfile::tempdir().unwrap();
    let api = start_cfg(config(dir.path())).await;
    with_vhds(&api).await;
    api.deploy_ok(
        "rg1",
        "image",
        "VmTemplates/CreateImage/CreateImage.json",
        params(
            "VmTemplates/CreateImage/CreateImage.parameters.json",
            &[
                ("osType", json!("Linux")),
                ("imageName", json!("Linuximage1")),
                ("imageUri", json!(format!("{BLOB}/ubuntu18.04waagent.vhd"))),
            ],
        ),
    )
    .await;
    api.deploy_ok(
        "rg1",
        "gpuvm",
        "VmTemplates/CreateVM/CreateVM.json",
        vm_params("LinuxGPUVM", "Linuximage1", T4, "nicgpu"),
    )
    .await;
    let vm = api.get(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/LinuxGPUVM?{CMP}&$expand=instanceView")).await;
    assert_eq!(vm.body["properties"]["hardwareProfile"]["vmSize"], T4);
    let statuses = vm.body["properties"]["instanceView"]["statuses"].as_array().unwrap();
    assert!(statuses.iter().any(|s| s["code"] == "PowerState/running"), "{statuses:?}");
    let nic = api.get("subscriptions/{sub}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nicgpu?api-version=2017-10-01").await;
    assert!(nic.body["properties"]["virtualMachine"]["id"].as_str().is_some_and(|v| v.ends_with("LinuxGPUVM")));

    api.deploy_ok(
        "rg1",
        "gpuext",
        "ExtensionTemplates/GpuExtension/addGPUextensiontoVM.json",
        params("ExtensionTemplates/GpuExtension/addGPUExtLinuxVM2205.parameters.json", &[]),
    )
    .await;
    let ext = api.get(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/LinuxGPUVM/extensions/gpuLinux?{CMP}")).await;
    assert_eq!(ext.body["properties"]["provisioningState"], "Succeeded", "{}", ext.body);
    assert_eq!(ext.body["properties"]["typeHandlerVersion"], "1.8");

    // The pre-2205 parameter file (version 1.3) fails on this release, reported per resource.
    let (status, _) = api
        .deploy(
            "rg1",
            "gpuext13",
            &read_json("ExtensionTemplates/GpuExtension/addGPUextensiontoVM.json"),
            &params(
                "ExtensionTemplates/GpuExtension/addGPUExtLinuxVM.parameters.json",
                &[("extensionName", json!("gpuLinux13"))],
            ),
        )
        .await;
    assert_eq!(status["status"], "Failed", "{status}");
    assert!(
        status["error"]["details"][0]["target"].as_str().unwrap().ends_with("LinuxGPUVM/extensions/gpuLinux13"),
        "{status}"
    );
    api.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpu_vm_deployment_fails_when_kubernetes_holds_the_gpus() {
    let dir = tempfile::tempdir().unwrap();
    let api = start_cfg(config(dir.path())).await;
    with_vhds(&api).await;
    let r = api
        .http
        .patch(format!("{}_sim/device", api.base))
        .bearer_auth(&api.dev.sim.info.control_token)
        .json(&json!({"kubernetesConfigured": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let image = params(
        "VmTemplates/CreateImage/CreateImage.parameters.json",
        &[
            ("osType", json!("Linux")),
            ("imageName", json!("Linuximage1")),
            ("imageUri", json!(format!("{BLOB}/ubuntu18.04waagent.vhd"))),
        ],
    );
    api.deploy_ok("rg1", "image", "VmTemplates/CreateImage/CreateImage.json", image).await;
    let (status, d) = api
        .deploy(
            "rg1",
            "gpuvm",
            &read_json("VmTemplates/CreateVM/CreateVM.json"),
            &vm_params("LinuxGPUVM", "Linuximage1", T4, "nicgpu"),
        )
        .await;
    assert_eq!(status["status"], "Failed", "{status}");
    assert_eq!(status["error"]["code"], "DeploymentFailed");
    assert_eq!(
        status["error"]["message"],
        "At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/DeployOperations for usage details."
    );
    let detail = &status["error"]["details"][0];
    assert_eq!(detail["code"], "InsufficientGpuResources", "{status}");
    assert!(detail["message"].as_str().unwrap().contains("Kubernetes"), "{detail}");
    assert_eq!(d["properties"]["error"], status["error"]);
    let ops = api.operations("rg1", "gpuvm").await;
    let vm_op = ops
        .iter()
        .find(|o| o["properties"]["targetResource"]["resourceType"] == "Microsoft.Compute/virtualMachines")
        .expect("VM operation");
    assert_eq!(vm_op["properties"]["provisioningState"], "Failed");
    assert_eq!(vm_op["properties"]["statusCode"], "Conflict");
    assert_eq!(vm_op["properties"]["statusMessage"]["error"]["code"], "InsufficientGpuResources");
    let nic_op = ops
        .iter()
        .find(|o| o["properties"]["targetResource"]["resourceType"] == "Microsoft.Network/networkInterfaces")
        .expect("NIC operation");
    assert_eq!(nic_op["properties"]["provisioningState"], "Succeeded");
    // A CPU VM still deploys.
    api.deploy_ok(
        "rg1",
        "cpuvm",
        "VmTemplates/CreateVM/CreateVM.json",
        vm_params("CpuVM", "Linuximage1", "Standard_D2_v2", "niccpu"),
    )
    .await;
    api.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn az_cli_jsonc_body_validate_and_template_errors() {
    let dir = tempfile::tempdir().unwrap();
    let api = start_cfg(config(dir.path())).await;
    api.group("rg1").await;
    // What `az deployment group create --template-file t.json --parameters greeting=hello` sends.
    let template = r#"{
  // ARM templates may contain comments
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  /* a block comment */
  "parameters": { "greeting": { "type": "string" }, "secret": { "type": "securestring", "defaultValue": "s3cret" } },
  "variables": { "nic": "[concat('nic-', parameters('greeting'))]" },
  "resources": [
    {
      "type": "Microsoft.Network/networkInterfaces", "apiVersion": "2017-10-01", "name": "[variables('nic')]",
      "location": "[resourceGroup().location]",
      "properties": { "ipConfigurations": [ { "name": "ipconfig1", "properties": {
        "privateIPAllocationMethod": "Dynamic",
        "subnet": { "id": "[resourceId('ASERG', 'Microsoft.Network/virtualNetworks/subnets', 'ASEVNET', 'ASEVNETsubNet')]" } } } ] }
    },
  ],
  "outputs": {
    "echo": { "type": "string", "value": "[parameters('greeting')]" },
    "ip": { "type": "string", "value": "[reference(variables('nic')).ipConfigurations[0].properties.privateIPAddress]" }
  }
}"#;
    let body = format!("{{\"properties\": {{\"parameters\": {{\"greeting\": {{\"value\": \"hello\"}}}}, \"mode\": \"Incremental\", template:{template}\n}}}}");

    // validate: 200, nothing created.
    let v = api
        .send(
            reqwest::Method::POST,
            &format!("{}/validate?{RES}", Api::dep_path("rg1", "d1")),
            Some(body.clone().into_bytes()),
        )
        .await;
    assert_eq!(v.status, 200, "{}", v.body);
    assert_eq!(v.body["properties"]["provisioningState"], "Succeeded");
    assert_eq!(v.body["properties"]["parameters"]["greeting"]["value"], "hello");
    assert!(v.body["properties"]["parameters"]["secret"].get("value").is_none(), "secure values are omitted");
    let nic = api.get("subscriptions/{sub}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic-hello?api-version=2017-10-01").await;
    assert_eq!(nic.status, 404);
    assert_eq!(api.get(&format!("{}?{RES}", Api::dep_path("rg1", "d1"))).await.status, 404);

    // The deployment itself.
    let (r, status, d) = api.deploy_raw("rg1", "d1", body.clone().into_bytes()).await;
    assert_eq!(r.body["properties"]["mode"], "Incremental");
    assert!(r.body["properties"]["parameters"]["secret"].get("value").is_none());
    assert_eq!(status["status"], "Succeeded", "{status}");
    assert_eq!(d["properties"]["outputs"]["echo"]["value"], "hello");
    assert!(d["properties"]["outputs"]["ip"]["value"].as_str().unwrap().starts_with("10.57."), "{d}");
    let nic = api.get("subscriptions/{sub}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic-hello?api-version=2017-10-01").await;
    assert_eq!(nic.status, 200);

    // Template errors: 400 InvalidTemplate (expression, missing parameter),
    // InvalidRequestContent (syntax); nothing is stored.
    let bad = json!({"properties": {"mode": "Incremental", "template": {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
        "resources": [{"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2017-10-01", "name": "[concat('a', variables('missing'))]", "location": "dbelocal", "properties": {}}]}}});
    for path in
        [format!("{}/validate?{RES}", Api::dep_path("rg1", "bad")), format!("{}?{RES}", Api::dep_path("rg1", "bad"))]
    {
        let m = if path.contains("validate") { reqwest::Method::POST } else { reqwest::Method::PUT };
        let r = api.send(m, &path, Some(serde_json::to_vec(&bad).unwrap())).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.body["error"]["code"], "InvalidTemplate", "{}", r.body);
        assert!(r.body["error"]["message"].as_str().unwrap().contains("missing"), "{}", r.body);
    }
    assert_eq!(api.get(&format!("{}?{RES}", Api::dep_path("rg1", "bad"))).await.status, 404);
    let no_param = format!("{{\"properties\": {{\"mode\": \"Incremental\", template:{template}}}}}");
    let r = api
        .send(reqwest::Method::PUT, &format!("{}?{RES}", Api::dep_path("rg1", "np")), Some(no_param.into_bytes()))
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    // ARM reports a missing parameter value as InvalidTemplate ("... is not provided").
    assert_eq!(r.body["error"]["code"], "InvalidTemplate", "{}", r.body);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("'greeting' is not provided"), "{}", r.body);
    let r = api
        .send(
            reqwest::Method::PUT,
            &format!("{}?{RES}", Api::dep_path("rg1", "syntax")),
            Some(b"{\"properties\": {\"mode\": ".to_vec()),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["code"], "InvalidRequestContent");
    // templateLink: the device cannot download it; Complete mode is refused.
    let r = api.put(&format!("{}?{RES}", Api::dep_path("rg1", "link")), json!({"properties": {"mode": "Incremental", "templateLink": {"uri": "https://raw.githubusercontent.com/x/t.json"}}})).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["code"], "InvalidContentLink");
    let r = api
        .put(
            &format!("{}?{RES}", Api::dep_path("rg1", "complete")),
            json!({"properties": {"mode": "Complete", "template": {"resources": []}}}),
        )
        .await;
    assert_eq!(r.status, 400);

    // Cancel and delete.
    let r = api.post(&format!("{}/cancel?{RES}", Api::dep_path("rg1", "d1")), None).await;
    assert_eq!(r.status, 409, "a finished deployment cannot be cancelled");
    let r = api.send(reqwest::Method::DELETE, &format!("{}?{RES}", Api::dep_path("rg1", "d1")), None).await;
    assert!(r.status == 202 || r.status == 204, "{}", r.status);
    assert_eq!(api.get(&format!("{}?{RES}", Api::dep_path("rg1", "d1"))).await.status, 404);
    api.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_a_running_deployment() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path());
    c.time_scale = 1.0; // an image takes 60 s: the deployment stays running
    let api = start_cfg(c).await;
    with_vhds(&api).await;
    let body = json!({"properties": {"mode": "Incremental", "template": read_json("VmTemplates/CreateImage/CreateImage.json"),
        "parameters": params("VmTemplates/CreateImage/CreateImage.parameters.json", &[("imageUri", json!(format!("{BLOB}/WindowsServer2019_30GB.vhd")))])}});
    let r = api.put(&format!("{}?{RES}", Api::dep_path("rg1", "slow")), body.clone()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let url = r.header("azure-asyncoperation").unwrap();
    let s: Value = api.http.get(&url).bearer_auth(&api.token).send().await.unwrap().json().await.unwrap();
    assert_eq!(s["status"], "Running");
    let again = api.put(&format!("{}?{RES}", Api::dep_path("rg1", "slow")), body).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.body["error"]["code"], "DeploymentActive");
    let r = api.post(&format!("{}/cancel?{RES}", Api::dep_path("rg1", "slow")), None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let s: Value = api.http.get(&url).bearer_auth(&api.token).send().await.unwrap().json().await.unwrap();
    assert_eq!(s["status"], "Canceled");
    api.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blob_data_survives_a_restart_stored_sparsely() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut c = config(dir.path());
    c.state_file = Some(state.clone());
    let api = start_cfg(c.clone()).await;
    api.group("rg1").await;
    let b = storage_account(&api, "rg1", "sa1").await;
    // A 30 GiB fixed VHD with a few MiB written: the MBR, 4 MiB in the middle, and the footer.
    let disk: u64 = 30 << 30;
    b.upload_vhd("con1", "big.vhd", disk, &mbr()).await;
    let chunk: Vec<u8> = (0..(4u32 << 20)).map(|i| (i % 251) as u8 + 1).collect();
    let mid = 15u64 << 30;
    let r = format!("bytes={mid}-{}", mid + chunk.len() as u64 - 1);
    let (s, _, _) = b
        .send(
            reqwest::Method::PUT,
            "con1/big.vhd?comp=page",
            &[("x-ms-page-write", "update".into()), ("x-ms-range", r)],
            chunk.clone(),
        )
        .await;
    assert_eq!(s, 201);
    // Clear the last MiB of that chunk again (after a save, so the clear is appended to the log).
    let r = format!("bytes={}-{}", mid + (3 << 20), mid + (4 << 20) - 1);
    let (s, _, _) = b
        .send(
            reqwest::Method::PUT,
            "con1/big.vhd?comp=page",
            &[("x-ms-page-write", "clear".into()), ("x-ms-range", r)],
            vec![],
        )
        .await;
    assert_eq!(s, 201);
    // A small block blob too.
    let (s, _, _) = b
        .send(reqwest::Method::PUT, "con1/notes.txt", &[("x-ms-blob-type", "BlockBlob".into())], b"hello".to_vec())
        .await;
    assert_eq!(s, 201);
    drop(b);
    api.dev.sim.stop().await;

    // Stored sparsely: a few MiB on disk, not 30 GiB.
    let side = asegpu_sim::blob_persist::sidecar(&state);
    let stored: u64 = std::fs::read_dir(&side).unwrap().flatten().map(|e| e.metadata().unwrap().len()).sum();
    assert!(stored < 16 << 20, "sidecar holds {stored} bytes");

    let api = start_cfg(c).await;
    use base64::Engine;
    let keys = api.post(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/sa1/listKeys?{STG}"), None).await;
    let key =
        base64::engine::general_purpose::STANDARD.decode(keys.body["keys"][0]["value"].as_str().unwrap()).unwrap();
    let b = BlobClient { api: &api, account: "sa1".into(), key };
    let (s, h, _) = b.send(reqwest::Method::HEAD, "con1/big.vhd", &[], vec![]).await;
    assert_eq!(s, 200);
    assert_eq!(h.get("content-length").unwrap().to_str().unwrap(), (disk + 512).to_string());
    let r = format!("bytes={mid}-{}", mid + chunk.len() as u64 - 1);
    let (s, _, body) = b.send(reqwest::Method::GET, "con1/big.vhd", &[("x-ms-range", r)], vec![]).await;
    assert_eq!(s, 206);
    assert_eq!(&body[..3 << 20], &chunk[..3 << 20]);
    assert!(body[3 << 20..].iter().all(|x| *x == 0), "the cleared MiB stays cleared");
    let (s, _, list) = b.send(reqwest::Method::GET, "con1/big.vhd?comp=pagelist", &[], vec![]).await;
    assert_eq!(s, 200);
    let list = String::from_utf8_lossy(&list);
    assert_eq!(list.matches("<PageRange>").count(), 3, "{list}");
    let (s, _, body) = b.send(reqwest::Method::GET, "con1/notes.txt", &[], vec![]).await;
    assert_eq!((s, body.as_slice()), (200, &b"hello"[..]));
    // The VHD is still a valid image source after the restart.
    api.deploy_ok(
        "rg1",
        "image",
        "VmTemplates/CreateImage/CreateImage.json",
        params(
            "VmTemplates/CreateImage/CreateImage.parameters.json",
            &[("osType", json!("Linux")), ("imageUri", json!(format!("{BLOB}/big.vhd")))],
        ),
    )
    .await;
    // Deployments are persisted with the state too.
    drop(b);
    api.dev.sim.stop().await;
    let api = start_cfg({
        let mut c = config(dir.path());
        c.state_file = Some(state.clone());
        c
    })
    .await;
    let d = api.get(&format!("{}?{RES}", Api::dep_path("rg1", "image"))).await;
    assert_eq!(d.body["properties"]["provisioningState"], "Succeeded", "{}", d.body);
    api.dev.sim.stop().await;
}
