//! The emulator's provider surface over real HTTPS: network (ASEVNET, NICs), compute (images, disks, VMs,
//! power operations, vmSizes, GPU extension), the device's GPU rules with Kubernetes (the five documented
//! scenarios), storage and blobs, and template deployments.

use asegpu_testkit::{Answer as R, Device, Rest, SimConfig};
use serde_json::{json, Value};
use std::time::Duration;

const PW: &str = "Sim-Passw0rd!x";

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

async fn start_with(f: impl FnOnce(&mut SimConfig)) -> Api {
    let dev = Device::start_with(PW, f).await;
    let rest = dev.rest().await;
    Api { dev, rest }
}

async fn start() -> Api {
    start_with(|_| {}).await
}

fn subnet_id(sub: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/ASERG/providers/Microsoft.Network/virtualNetworks/ASEVNET/subnets/ASEVNETsubNet")
}

fn nic_body(sub: &str, ip: Option<&str>) -> Value {
    let mut p = json!({ "privateIPAllocationMethod": if ip.is_some() { "Static" } else { "Dynamic" }, "subnet": { "id": subnet_id(sub) } });
    if let Some(ip) = ip {
        p["privateIPAddress"] = json!(ip);
    }
    json!({ "location": "dbelocal", "properties": { "ipConfigurations": [{ "name": "ipconfig1", "properties": p }] } })
}

const NET: &str = "api-version=2017-10-01";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_vnet_and_nics() {
    let api = start().await;
    // ASEVNET exists in ASERG with its subnet.
    let v = api
        .get(&format!(
            "subscriptions/{{sub}}/resourceGroups/aserg/providers/Microsoft.Network/virtualNetworks/asevnet?{NET}"
        ))
        .await;
    assert_eq!(v.status, 200, "{}", v.body);
    assert_eq!(v.body["name"], "ASEVNET");
    assert_eq!(v.body["properties"]["subnets"][0]["name"], "ASEVNETsubNet");
    assert_eq!(v.body["properties"]["addressSpace"]["addressPrefixes"][0], "10.57.48.0/21");
    let all = api.get(&format!("subscriptions/{{sub}}/providers/Microsoft.Network/virtualNetworks?{NET}")).await;
    assert_eq!(all.body["value"].as_array().unwrap().len(), 1);

    api.group("rg1").await;
    // One virtual network only.
    let second = api
        .put(
            &format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet2?{NET}"),
            json!({"location": "dbelocal", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}, "subnets": [{"name": "s", "properties": {"addressPrefix": "10.1.0.0/16"}}]}}),
        )
        .await;
    assert_eq!(second.status, 400, "{}", second.body);
    assert_eq!(second.body["error"]["code"], "VirtualNetworkLimitReached");

    // Static NIC.
    let nic1 = api
        .put(
            &format!(
                "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic1?{NET}"
            ),
            nic_body(&api.sub, Some("10.57.51.10")),
        )
        .await;
    assert_eq!(nic1.status, 201, "{}", nic1.body);
    let ipc = &nic1.body["properties"]["ipConfigurations"][0]["properties"];
    assert_eq!(ipc["privateIPAddress"], "10.57.51.10");
    assert_eq!(ipc["privateIPAllocationMethod"], "Static");
    assert!(nic1.body["properties"]["macAddress"].as_str().unwrap().starts_with("00-15-5D-"));
    // The same address again is refused.
    let dup = api
        .put(
            &format!(
                "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic2?{NET}"
            ),
            nic_body(&api.sub, Some("10.57.51.10")),
        )
        .await;
    assert_eq!(dup.status, 400);
    assert_eq!(dup.body["error"]["code"], "PrivateIPAddressInUse");
    // Outside the subnet.
    let out = api
        .put(
            &format!(
                "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic2?{NET}"
            ),
            nic_body(&api.sub, Some("192.168.1.1")),
        )
        .await;
    assert_eq!(out.status, 400);
    // Dynamic NIC gets the first free address.
    let nic2 = api
        .put(
            &format!(
                "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic2?{NET}"
            ),
            nic_body(&api.sub, None),
        )
        .await;
    assert_eq!(nic2.status, 201, "{}", nic2.body);
    assert_eq!(nic2.body["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"], "10.57.48.4");
    // Updating keeps the dynamic address.
    let again = api
        .put(
            &format!(
                "subscriptions/{{sub}}/resourceGroups/RG1/providers/microsoft.network/networkinterfaces/NIC2?{NET}"
            ),
            nic_body(&api.sub, None),
        )
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["name"], "nic2");
    assert_eq!(again.body["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"], "10.57.48.4");
    // Lists and the subnet's users.
    let l = api
        .get(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces?{NET}"))
        .await;
    assert_eq!(l.body["value"].as_array().unwrap().len(), 2);
    let s = api.get(&format!("subscriptions/{{sub}}/resourceGroups/ASERG/providers/Microsoft.Network/virtualNetworks/ASEVNET/subnets/ASEVNETsubNet?{NET}")).await;
    assert_eq!(s.body["properties"]["ipConfigurations"].as_array().unwrap().len(), 2);
    // Unknown subnet.
    let mut bad = nic_body(&api.sub, None);
    bad["properties"]["ipConfigurations"][0]["properties"]["subnet"]["id"] = json!(format!(
        "/subscriptions/{}/resourceGroups/ASERG/providers/Microsoft.Network/virtualNetworks/nope/subnets/x",
        api.sub
    ));
    let r = api
        .put(
            &format!(
                "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic3?{NET}"
            ),
            bad,
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["code"], "InvalidResourceReference");
    // Delete, then the address is free again.
    let d = api
        .delete(&format!(
            "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic1?{NET}"
        ))
        .await;
    assert_eq!(d.status, 200);
    let g = api
        .get(&format!(
            "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic1?{NET}"
        ))
        .await;
    assert_eq!(g.status, 404);
    assert_eq!(g.body["error"]["code"], "ResourceNotFound");
    let nic3 = api
        .put(
            &format!(
                "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nic3?{NET}"
            ),
            nic_body(&api.sub, Some("10.57.51.10")),
        )
        .await;
    assert_eq!(nic3.status, 201);
    api.dev.sim.stop().await;
}

const CMP: &str = "api-version=2017-12-01";
const IMG: &str = "api-version=2017-03-30";

impl Api {
    async fn image(&self, rg: &str, name: &str, uri: &str) -> R {
        let r = self
            .put(
                &format!("subscriptions/{{sub}}/resourceGroups/{rg}/providers/Microsoft.Compute/images/{name}?{IMG}"),
                json!({"location": "dbelocal", "properties": {"storageProfile": {"osDisk": {"osType": "Linux", "osState": "Generalized", "blobUri": uri, "storageAccountType": "Standard_LRS", "caching": "ReadWrite"}}}}),
            )
            .await;
        if r.status < 300 {
            assert_eq!(self.wait(&r).await["status"], "Succeeded");
        }
        r
    }
    async fn nic(&self, rg: &str, name: &str) -> String {
        let r = self.put(&format!("subscriptions/{{sub}}/resourceGroups/{rg}/providers/Microsoft.Network/networkInterfaces/{name}?{NET}"), nic_body(&self.sub, None)).await;
        assert_eq!(r.status, 201, "{}", r.body);
        r.body["id"].as_str().unwrap().to_string()
    }
    /// PUT a VM (NIC `<name>nic`, image `img`); returns the PUT response (not waited).
    async fn put_vm(&self, rg: &str, name: &str, size: &str) -> R {
        let nic = self.nic(rg, &format!("{name}nic")).await;
        let image = format!("/subscriptions/{}/resourceGroups/{rg}/providers/Microsoft.Compute/images/img", self.sub);
        self.put(
            &format!(
                "subscriptions/{{sub}}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}?{CMP}"
            ),
            json!({"location": "dbelocal", "properties": {
                "hardwareProfile": {"vmSize": size},
                "osProfile": {"computerName": name, "adminUsername": "azureuser", "adminPassword": "Passw0rd!Passw0rd"},
                "storageProfile": {"imageReference": {"id": image}},
                "networkProfile": {"networkInterfaces": [{"id": nic}]}}}),
        )
        .await
    }
    async fn vm(&self, rg: &str, name: &str, size: &str) -> R {
        let r = self.put_vm(rg, name, size).await;
        if r.status < 300 {
            assert_eq!(self.wait(&r).await["status"], "Succeeded");
        }
        r
    }
    async fn vm_action(&self, rg: &str, name: &str, action: &str) -> R {
        let r = self.post(&format!("subscriptions/{{sub}}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}/{action}?{CMP}"), None).await;
        if r.status == 202 {
            assert_eq!(self.wait(&r).await["status"], "Succeeded");
        }
        r
    }
    async fn power(&self, rg: &str, name: &str) -> String {
        let v = self.get(&format!("subscriptions/{{sub}}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}?$expand=instanceView&{CMP}")).await;
        v.body["properties"]["instanceView"]["statuses"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|s| s["code"].as_str().filter(|c| c.starts_with("PowerState/")).map(str::to_string))
            .unwrap()
    }
    async fn kubernetes(&self) -> Value {
        let r = self.control(reqwest::Method::PATCH, "device", json!({"kubernetesConfigured": true})).await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body
    }
    async fn device(&self, patch: Value) {
        let r = self.control(reqwest::Method::PATCH, "device", patch).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    async fn setup(&self, rg: &str) {
        self.group(rg).await;
        let r =
            self.image(rg, "img", "https://sa1.blob.dbe-asesim.microsoftdatabox.com/vhds/ubuntu18.04waagent.vhd").await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    async fn extension(&self, rg: &str, vm: &str, name: &str, etype: &str, version: &str) -> (R, Value) {
        let r = self
            .put(
                &format!("subscriptions/{{sub}}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vm}/extensions/{name}?{CMP}"),
                json!({"location": "dbelocal", "properties": {"publisher": "Microsoft.HpcCompute", "type": etype, "typeHandlerVersion": version, "autoUpgradeMinorVersion": true, "settings": {}}}),
            )
            .await;
        let done = if r.status < 300 { self.wait(&r).await } else { Value::Null };
        (r, done)
    }
}

const T4: &str = "Standard_NC4as_T4_v3";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compute_vm_lifecycle_and_gpu_extension() {
    let api = start().await;
    api.setup("rg1").await;
    // Image is there.
    let img = api
        .get(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/images/img?{IMG}"))
        .await;
    assert_eq!(img.body["properties"]["provisioningState"], "Succeeded");
    // Not a VHD.
    let bad = api.image("rg1", "bad", "https://sa1.blob.x/vhds/disk.vhdx").await;
    assert_eq!(bad.status, 400);

    // vmSizes follows the GPU model.
    let sizes =
        api.get(&format!("subscriptions/{{sub}}/providers/Microsoft.Compute/locations/dbelocal/vmSizes?{CMP}")).await;
    let names: Vec<&str> =
        sizes.body["value"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert!(names.contains(&T4) && names.contains(&"Standard_D1_v2") && !names.contains(&"Standard_NC4as_A2"));

    // Create: 201 + Azure-AsyncOperation + Retry-After, Creating, then Succeeded/running.
    let r = api.put_vm("rg1", "vm1", T4).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["properties"]["provisioningState"], "Creating");
    assert!(r
        .header("azure-asyncoperation")
        .unwrap()
        .contains("/providers/Microsoft.Compute/locations/dbelocal/operations/"));
    assert_eq!(r.header("retry-after").as_deref(), Some("0"));
    assert!(r.body["properties"].get("osProfile").unwrap().get("adminPassword").is_none());
    assert_eq!(api.wait(&r).await["status"], "Succeeded");
    let v = api.get(&format!("subscriptions/{{sub}}/resourceGroups/RG1/providers/Microsoft.Compute/virtualMachines/VM1?$expand=instanceView&{CMP}")).await;
    assert_eq!(v.status, 200);
    assert_eq!(v.body["name"], "vm1");
    assert_eq!(v.body["properties"]["provisioningState"], "Succeeded");
    let st = &v.body["properties"]["instanceView"]["statuses"];
    assert_eq!(st[0]["code"], "ProvisioningState/succeeded");
    assert_eq!(st[1]["code"], "PowerState/running");
    assert_eq!(st[1]["displayStatus"], "VM running");
    let iv = api.get(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1/instanceView?{CMP}")).await;
    assert_eq!(iv.body["statuses"][1]["code"], "PowerState/running");
    // The NIC points back at the VM; the OS disk exists and is attached.
    let nic = api
        .get(&format!(
            "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/vm1nic?{NET}"
        ))
        .await;
    assert_eq!(nic.body["properties"]["virtualMachine"]["id"], v.body["id"]);
    let disk_id = v.body["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"].as_str().unwrap().to_string();
    let disk = api.get(&format!("{}?{IMG}", disk_id.trim_start_matches('/'))).await;
    assert_eq!(disk.body["managedBy"], v.body["id"]);
    // A NIC in use cannot be deleted.
    let d = api
        .delete(&format!(
            "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/vm1nic?{NET}"
        ))
        .await;
    assert_eq!(d.status, 400);
    // Lists.
    let l = api
        .get(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines?{CMP}"))
        .await;
    assert_eq!(l.body["value"].as_array().unwrap().len(), 1);
    let l = api.get(&format!("subscriptions/{{sub}}/providers/Microsoft.Compute/virtualMachines?{CMP}")).await;
    assert_eq!(l.body["value"].as_array().unwrap().len(), 1);

    // GPU extension: 1.8 on 2309 → Creating → Succeeded.
    let (e, done) = api.extension("rg1", "vm1", "gpuLinux", "NvidiaGpuDriverLinux", "1.8").await;
    assert_eq!(e.status, 201, "{}", e.body);
    assert_eq!(e.body["properties"]["provisioningState"], "Creating");
    assert_eq!(done["status"], "Succeeded");
    let g = api.get(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1/extensions/gpuLinux?$expand=instanceView&{CMP}")).await;
    assert_eq!(g.body["properties"]["provisioningState"], "Succeeded");
    assert_eq!(g.body["properties"]["instanceView"]["statuses"][0]["code"], "ProvisioningState/succeeded");
    // Wrong version for the release → fails like the device.
    let (_, done) = api.extension("rg1", "vm1", "gpuOld", "NvidiaGpuDriverLinux", "1.3").await;
    assert_eq!(done["status"], "Failed");
    assert_eq!(done["error"]["code"], "VMExtensionProvisioningError");
    let g = api.get(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1/extensions/gpuOld?$expand=instanceView&{CMP}")).await;
    assert_eq!(g.body["properties"]["provisioningState"], "Failed");
    assert_eq!(g.body["properties"]["instanceView"]["statuses"][0]["level"], "Error");
    // Windows extension on a Linux VM → OS not supported.
    let (_, done) = api.extension("rg1", "vm1", "gpuWin", "NvidiaGpuDriverWindows", "1.5").await;
    assert!(done["error"]["message"].as_str().unwrap().contains("Image OS is not supported"), "{done}");
    let exts = api
        .get(&format!(
            "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1/extensions?{CMP}"
        ))
        .await;
    assert_eq!(exts.body["value"].as_array().unwrap().len(), 3);
    let d = api.delete(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1/extensions/gpuOld?{CMP}")).await;
    assert_eq!(d.status, 202);
    api.wait(&d).await;

    // Extension on a CPU-size VM → "VM size is not GPU VM size".
    api.vm("rg1", "cpu1", "Standard_D1_v2").await;
    let (_, done) = api.extension("rg1", "cpu1", "gpuLinux", "NvidiaGpuDriverLinux", "1.8").await;
    assert!(done["error"]["message"].as_str().unwrap().contains("VM size is not GPU VM size"), "{done}");

    // Power operations.
    assert_eq!(api.vm_action("rg1", "vm1", "powerOff").await.status, 202);
    assert_eq!(api.power("rg1", "vm1").await, "PowerState/stopped");
    let (e, _) = api.extension("rg1", "vm1", "x", "NvidiaGpuDriverLinux", "1.8").await;
    assert_eq!(e.status, 409, "extensions need a running VM");
    assert_eq!(api.vm_action("rg1", "vm1", "restart").await.status, 409);
    assert_eq!(api.vm_action("rg1", "vm1", "deallocate").await.status, 202);
    assert_eq!(api.power("rg1", "vm1").await, "PowerState/deallocated");
    assert_eq!(api.vm_action("rg1", "vm1", "start").await.status, 202);
    assert_eq!(api.power("rg1", "vm1").await, "PowerState/running");
    assert_eq!(api.vm_action("rg1", "vm1", "restart").await.status, 202);
    assert_eq!(api.power("rg1", "vm1").await, "PowerState/running");

    // A size of the other GPU model is refused.
    let a2 = api.put_vm("rg1", "a2vm", "Standard_NC4as_A2").await;
    assert_eq!(a2.status, 400);
    assert!(a2.body["error"]["message"].as_str().unwrap().contains("T4"));

    // Delete: the NIC is released, the extensions go with the VM.
    let d = api
        .delete(&format!(
            "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1?{CMP}"
        ))
        .await;
    assert_eq!(d.status, 202);
    assert_eq!(api.wait(&d).await["status"], "Succeeded");
    assert_eq!(
        api.get(&format!(
            "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1?{CMP}"
        ))
        .await
        .status,
        404
    );
    let nic = api
        .get(&format!(
            "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/vm1nic?{NET}"
        ))
        .await;
    assert!(nic.body["properties"].get("virtualMachine").is_none());
    let disk = api.get(&format!("{}?{IMG}", disk_id.trim_start_matches('/'))).await;
    assert!(disk.body.get("managedBy").is_none());
    api.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_disk_import_image_and_attach() {
    let api = start().await;
    api.group("rg1").await;
    let d = api
        .put(
            &format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/disks/d1?{IMG}"),
            json!({"location": "dbelocal", "sku": {"name": "Standard_LRS"}, "properties": {"osType": "Linux", "creationData": {"createOption": "Import", "sourceUri": "https://sa1.blob.x/vhds/ubuntu18.04.vhd"}, "diskSizeGB": 30}}),
        )
        .await;
    assert_eq!(d.status, 201, "{}", d.body);
    api.wait(&d).await;
    let bad = api
        .put(
            &format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/disks/d2?{IMG}"),
            json!({"location": "dbelocal", "sku": {"name": "Standard_GRS"}, "properties": {"creationData": {"createOption": "Empty"}, "diskSizeGB": 4}}),
        )
        .await;
    assert_eq!(bad.status, 400);
    // Image from the managed disk.
    let img = api
        .put(
            &format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/images/img?{IMG}"),
            json!({"location": "dbelocal", "properties": {"storageProfile": {"osDisk": {"osType": "Linux", "osState": "Generalized", "managedDisk": {"id": d.body["id"]}, "diskSizeGB": 30}}}}),
        )
        .await;
    assert_eq!(img.status, 201, "{}", img.body);
    api.wait(&img).await;
    // A VM from the image works.
    assert_eq!(api.vm("rg1", "vm1", "Standard_D1_v2").await.status, 201);
    // A VM attaching the disk (specialized).
    let nic = api.nic("rg1", "vm2nic").await;
    let r = api
        .put(
            &format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm2?{CMP}"),
            json!({"location": "dbelocal", "properties": {"hardwareProfile": {"vmSize": "Standard_D1_v2"},
                "storageProfile": {"osDisk": {"osType": "Linux", "createOption": "Attach", "managedDisk": {"id": d.body["id"]}}},
                "networkProfile": {"networkInterfaces": [{"id": nic}]}}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    api.wait(&r).await;
    let del = api
        .delete(&format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/disks/d1?{IMG}"))
        .await;
    assert_eq!(del.status, 409, "attached disks cannot be deleted");
    api.dev.sim.stop().await;
}

// The five documented Kubernetes/GPU scenarios, end to end.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpu_scenario_1gpu_vm_then_kubernetes() {
    let api = start_with(|c| c.device.gpu_count = 1).await;
    api.setup("rg").await;
    assert_eq!(api.vm("rg", "vm1", T4).await.status, 201);
    let d = api.kubernetes().await;
    assert_eq!(d["kubernetesGpus"], 0, "Kubernetes will not have access to the GPU");
    assert_eq!(api.power("rg", "vm1").await, "PowerState/running");
    api.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpu_scenario_1gpu_kubernetes_then_vm() {
    let api = start_with(|c| c.device.gpu_count = 1).await;
    api.setup("rg").await;
    assert_eq!(api.kubernetes().await["kubernetesGpus"], 1);
    let r = api.vm("rg", "vm1", T4).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.body["error"]["code"], "InsufficientGpuResources");
    let m = r.body["error"]["message"].as_str().unwrap();
    assert!(m.contains("0 free") && m.contains("Kubernetes"), "{m}");
    // CPU VMs still work.
    assert_eq!(api.vm("rg", "cpu", "Standard_D2_v2").await.status, 201);
    api.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpu_scenario_2gpu_one_vm_then_kubernetes() {
    let api = start().await;
    api.setup("rg").await;
    assert_eq!(api.vm("rg", "vm1", T4).await.status, 201);
    assert_eq!(api.kubernetes().await["kubernetesGpus"], 1, "the VM has 1 GPU, Kubernetes the other");
    let r = api.vm("rg", "vm2", T4).await;
    assert_eq!(r.status, 409);
    api.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpu_scenario_2gpu_two_vms_then_kubernetes() {
    let api = start().await;
    api.setup("rg").await;
    assert_eq!(api.vm("rg", "vm1", T4).await.status, 201);
    assert_eq!(api.vm("rg", "vm2", T4).await.status, 201);
    assert_eq!(api.kubernetes().await["kubernetesGpus"], 0, "Kubernetes has no GPUs");
    // powerOff keeps the GPU; deallocate releases it.
    api.vm_action("rg", "vm1", "powerOff").await;
    let r = api.vm("rg", "vm3", T4).await;
    assert_eq!(r.status, 409, "a stopped (stay-provisioned) VM keeps its GPU");
    assert!(r.body["error"]["message"].as_str().unwrap().contains("deallocate"));
    api.vm_action("rg", "vm1", "deallocate").await;
    assert_eq!(api.vm("rg", "vm4", T4).await.status, 201, "a deallocated VM released its GPU");
    // vm1 cannot start again: vm4 holds the GPU.
    let s = api.vm_action("rg", "vm1", "start").await;
    assert_eq!(s.status, 409);
    assert_eq!(s.body["error"]["code"], "InsufficientGpuResources");
    api.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpu_scenario_2gpu_kubernetes_then_vm() {
    let api = start().await;
    api.setup("rg").await;
    assert_eq!(api.kubernetes().await["kubernetesGpus"], 2);
    let r = api.vm("rg", "vm1", T4).await;
    assert_eq!(r.status, 409);
    assert_eq!(r.body["error"]["code"], "InsufficientGpuResources");
    // Removing Kubernetes gives the GPUs back.
    api.device(json!({"kubernetesConfigured": false})).await;
    assert_eq!(api.vm("rg", "vm2", T4).await.status, 201);
    api.dev.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_is_finite_and_a2_devices_offer_a2_sizes() {
    let api = start_with(|c| {
        c.device.gpu_model = asegpu_sim::GpuModel::A2;
        c.device.memory_gib = 60;
    })
    .await;
    api.setup("rg").await;
    assert_eq!(api.vm("rg", "vm1", "Standard_NC8as_A2").await.status, 201);
    let r = api.vm("rg", "vm2", "Standard_D3_v2").await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.body["error"]["code"], "InsufficientMemoryResources");
    let t4 = api.vm("rg", "vm3", T4).await;
    assert_eq!(t4.status, 400);
    api.dev.sim.stop().await;
}

// Storage accounts and the blob endpoint.

const STG: &str = "api-version=2019-06-01";

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
    /// Path-style URL `https://127.0.0.1:<port>/<account>/<path>`.
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
        let mut params: Vec<(String, String)> =
            url.query_pairs().map(|(k, v)| (k.to_lowercase(), v.to_string())).collect();
        params.sort();
        let q: String = params.iter().map(|(k, v)| format!("\n{k}:{v}")).collect();
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
        for (k, v) in headers.iter().filter(|(k, _)| !k.starts_with("x-ms-")) {
            rb = rb.header(*k, v.as_str());
        }
        let r = rb.body(body).send().await.unwrap();
        let status = r.status().as_u16();
        let hs = r.headers().clone();
        (status, hs, r.bytes().await.unwrap().to_vec())
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
    assert!(r.header("retry-after").is_some());
    let loc = r.header("location").expect("Location");
    let mut last = None;
    for _ in 0..200 {
        let p = api.http.get(&loc).bearer_auth(&api.token).send().await.unwrap();
        if p.status().as_u16() == 202 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        }
        assert_eq!(p.status().as_u16(), 200);
        last = Some(p.json::<Value>().await.unwrap());
        break;
    }
    let acct = last.expect("account created");
    assert_eq!(acct["properties"]["provisioningState"], "Succeeded");
    assert!(acct["properties"]["primaryEndpoints"]["blob"]
        .as_str()
        .unwrap()
        .starts_with(&format!("https://{name}.blob.dbe-asesim.microsoftdatabox.com")));
    let keys = api.post(&format!("subscriptions/{{sub}}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}/listKeys?{STG}"), None).await;
    assert_eq!(keys.status, 200);
    let key =
        base64::engine::general_purpose::STANDARD.decode(keys.body["keys"][0]["value"].as_str().unwrap()).unwrap();
    BlobClient { api, account: name.into(), key }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_blobs_and_image_from_a_fixed_vhd() {
    let api = start().await;
    api.group("rg1").await;
    // Only local SKUs.
    let grs = api
        .put(
            &format!(
                "subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/sagrs?{STG}"
            ),
            json!({"location": "dbelocal", "sku": {"name": "Standard_GRS"}, "kind": "Storage"}),
        )
        .await;
    assert_eq!(grs.status, 400);
    let b = storage_account(&api, "rg1", "sa1").await;
    let list = api.get(&format!("subscriptions/{{sub}}/providers/Microsoft.Storage/storageAccounts?{STG}")).await;
    assert_eq!(list.body["value"].as_array().unwrap().len(), 1);

    // Container + page blob: 1 MiB disk + footer.
    let (s, _, _) = b.send(reqwest::Method::PUT, "vhds?restype=container", &[], Vec::new()).await;
    assert_eq!(s, 201);
    let disk: u64 = 1 << 20;
    let (s, _, body) = b
        .send(
            reqwest::Method::PUT,
            "vhds/ubuntu18.04.vhd",
            &[("x-ms-blob-type", "PageBlob".into()), ("x-ms-blob-content-length", (disk + 512).to_string())],
            vec![],
        )
        .await;
    assert_eq!(s, 201, "{}", String::from_utf8_lossy(&body));
    let mut mbr = vec![0u8; 512];
    mbr[0] = 0xEB;
    mbr[510] = 0x55;
    mbr[511] = 0xAA;
    let (s, _, _) = b
        .send(
            reqwest::Method::PUT,
            "vhds/ubuntu18.04.vhd?comp=page",
            &[("x-ms-page-write", "update".into()), ("x-ms-range", "bytes=0-511".into())],
            mbr.clone(),
        )
        .await;
    assert_eq!(s, 201);
    let r = format!("bytes={}-{}", disk, disk + 511);
    let (s, _, _) = b
        .send(
            reqwest::Method::PUT,
            "vhds/ubuntu18.04.vhd?comp=page",
            &[("x-ms-page-write", "update".into()), ("x-ms-range", r.clone())],
            vhd_footer(disk, 2),
        )
        .await;
    assert_eq!(s, 201);
    // A page written then cleared.
    let (s, _, _) = b
        .send(
            reqwest::Method::PUT,
            "vhds/ubuntu18.04.vhd?comp=page",
            &[("x-ms-page-write", "update".into()), ("x-ms-range", "bytes=4096-5119".into())],
            vec![7u8; 1024],
        )
        .await;
    assert_eq!(s, 201);
    let (s, _, _) = b
        .send(
            reqwest::Method::PUT,
            "vhds/ubuntu18.04.vhd?comp=page",
            &[("x-ms-page-write", "clear".into()), ("x-ms-range", "bytes=4096-5119".into())],
            Vec::new(),
        )
        .await;
    assert_eq!(s, 201);
    let (s, h, body) = b.send(reqwest::Method::GET, "vhds/ubuntu18.04.vhd?comp=pagelist", &[], Vec::new()).await;
    assert_eq!(s, 200);
    let xml = String::from_utf8_lossy(&body);
    assert!(xml.contains("<PageRange><Start>0</Start><End>511</End></PageRange>"), "{xml}");
    assert!(xml.contains(&format!("<Start>{disk}</Start><End>{}</End>", disk + 511)), "{xml}");
    assert!(!xml.contains("<Start>4096</Start>"), "{xml}");
    assert_eq!(h.get("x-ms-blob-content-length").unwrap(), &(disk + 512).to_string());
    let (s, h, _) = b.send(reqwest::Method::HEAD, "vhds/ubuntu18.04.vhd", &[], Vec::new()).await;
    assert_eq!(s, 200);
    assert_eq!(h.get("x-ms-blob-type").unwrap(), "PageBlob");
    assert_eq!(h.get("content-length").unwrap(), &(disk + 512).to_string());
    let (s, h, body) =
        b.send(reqwest::Method::GET, "vhds/ubuntu18.04.vhd", &[("x-ms-range", r.clone())], Vec::new()).await;
    assert_eq!(s, 206);
    assert_eq!(&body[0..8], b"conectix");
    assert!(h.get("content-range").unwrap().to_str().unwrap().starts_with(&format!("bytes {disk}-")));

    // Bad signature and no auth are refused.
    let bad =
        api.http.get(b.url("vhds/ubuntu18.04.vhd")).header("authorization", "SharedKey sa1:AAAA").send().await.unwrap();
    assert_eq!(bad.status().as_u16(), 403);
    let none = api.http.get(b.url("vhds/ubuntu18.04.vhd")).send().await.unwrap();
    assert_eq!(none.status().as_u16(), 403);

    // Account SAS.
    {
        use base64::Engine;
        let se = (chrono::Utc::now() + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let sts = format!("sa1\nrl\nb\nsco\n\n{se}\n\nhttps\n2019-07-07\n");
        let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &b.key);
        let sig = base64::engine::general_purpose::STANDARD.encode(ring::hmac::sign(&k, sts.as_bytes()).as_ref());
        let q = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("sv", "2019-07-07"),
                ("ss", "b"),
                ("srt", "sco"),
                ("sp", "rl"),
                ("se", se.as_str()),
                ("spr", "https"),
                ("sig", sig.as_str()),
            ])
            .finish();
        let ok = api.http.head(format!("{}?{q}", b.url("vhds/ubuntu18.04.vhd"))).send().await.unwrap();
        assert_eq!(ok.status().as_u16(), 200);
    }

    // Image from the fixed VHD works and takes its size; a dynamic VHD and a missing blob are refused.
    let uri = "https://sa1.blob.dbe-asesim.microsoftdatabox.com/vhds/ubuntu18.04.vhd".to_string();
    let img = api.image("rg1", "img", &uri).await;
    assert_eq!(img.status, 201, "{}", img.body);
    let (s, _, _) = b
        .send(
            reqwest::Method::PUT,
            "vhds/dyn.vhd",
            &[("x-ms-blob-type", "PageBlob".into()), ("x-ms-blob-content-length", (disk + 512).to_string())],
            vec![],
        )
        .await;
    assert_eq!(s, 201);
    b.send(
        reqwest::Method::PUT,
        "vhds/dyn.vhd?comp=page",
        &[("x-ms-page-write", "update".into()), ("x-ms-range", r.clone())],
        vhd_footer(disk, 3),
    )
    .await;
    let dynamic = api.image("rg1", "dyn", &format!("{}sa1/vhds/dyn.vhd", api.base)).await;
    assert_eq!(dynamic.status, 400);
    assert!(dynamic.body["error"]["message"].as_str().unwrap().contains("fixed"), "{}", dynamic.body);
    let missing = api.image("rg1", "missing", "https://sa1.blob.dbe-asesim.microsoftdatabox.com/vhds/nope.vhd").await;
    assert_eq!(missing.status, 400);
    api.dev.sim.stop().await;
}

/// An upload interrupted before its last pages, as AzCopy, Storage Explorer and `az storage blob upload`
/// send a VHD (in order, 4 MiB at a time): the footer's 512 bytes never arrive. Image and managed-disk
/// creation refuse such a blob, and a damaged or misaligned footer, with the device's error and the reason;
/// the same VHD uploaded whole is accepted by both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_or_damaged_vhd_uploads_are_refused_by_image_and_disk_creation() {
    let api = start().await;
    api.group("rg1").await;
    let b = storage_account(&api, "rg1", "sa1").await;
    let (s, _, _) = b.send(reqwest::Method::PUT, "vhds?restype=container", &[], Vec::new()).await;
    assert_eq!(s, 201);
    let disk: u64 = 8 << 20;
    let mut mbr = vec![0u8; 512];
    mbr[0] = 0xEB;
    mbr[510] = 0x55;
    mbr[511] = 0xAA;
    // In order, 4 MiB per Put Page; the file's last chunk ends with the footer. `chunks` is how many arrive.
    let upload = |name: &'static str, chunks: usize, footer: Vec<u8>, size: u64| {
        let b = &b;
        let mbr = mbr.clone();
        async move {
            let (s, _, _) = b
                .send(
                    reqwest::Method::PUT,
                    &format!("vhds/{name}"),
                    &[("x-ms-blob-type", "PageBlob".into()), ("x-ms-blob-content-length", (size + 512).to_string())],
                    vec![],
                )
                .await;
            assert_eq!(s, 201);
            let mut file = vec![7u8; (size + 512) as usize];
            file[..512].copy_from_slice(&mbr);
            file[size as usize..].copy_from_slice(&footer);
            for (i, chunk) in file.chunks(4 << 20).take(chunks).enumerate() {
                let start = i * (4 << 20);
                let r = format!("bytes={start}-{}", start + chunk.len() - 1);
                let (s, _, body) = b
                    .send(
                        reqwest::Method::PUT,
                        &format!("vhds/{name}?comp=page"),
                        &[("x-ms-page-write", "update".into()), ("x-ms-range", r)],
                        chunk.to_vec(),
                    )
                    .await;
                assert_eq!(s, 201, "{}", String::from_utf8_lossy(&body));
            }
        }
    };
    let uri = |name: &str| format!("https://sa1.blob.dbe-asesim.microsoftdatabox.com/vhds/{name}");
    let import = |name: String, disk_name: &'static str| {
        let api = &api;
        async move {
            api.put(
                &format!("subscriptions/{{sub}}/resourceGroups/rg1/providers/Microsoft.Compute/disks/{disk_name}?{IMG}"),
                json!({"location": "dbelocal", "sku": {"name": "Standard_LRS"}, "properties": {"osType": "Linux", "creationData": {"createOption": "Import", "sourceUri": name}}}),
            )
            .await
        }
    };
    // 8 MiB of disk + footer = 3 chunks; the upload stopped after 2: the footer never arrived.
    upload("cut.vhd", 2, vhd_footer(disk, 2), disk).await;
    let img = api.image("rg1", "cut", &uri("cut.vhd")).await;
    assert_eq!(img.status, 400, "an image from an interrupted upload: {}", img.body);
    assert_eq!(img.body["error"]["code"], "InvalidVhd", "{}", img.body);
    let m = img.body["error"]["message"].as_str().unwrap();
    assert!(m.contains("Disk is expected to have cookie value 'conectix'") && m.contains("disk 'cut.vhd'"), "{m}");
    assert!(m.contains("never written") && m.contains("did not finish"), "the reason: {m}");
    let d = import(uri("cut.vhd"), "dcut").await;
    assert_eq!(d.status, 400, "a managed disk from an interrupted upload: {}", d.body);
    assert!(d.body["error"]["message"].as_str().unwrap().contains("did not finish"), "{}", d.body);
    // A footer that arrived damaged (its checksum does not match).
    let mut damaged = vhd_footer(disk, 2);
    damaged[100] ^= 0x5A;
    upload("damaged.vhd", 3, damaged, disk).await;
    let img = api.image("rg1", "damaged", &uri("damaged.vhd")).await;
    assert_eq!(img.status, 400, "an image from a damaged footer: {}", img.body);
    assert!(img.body["error"]["message"].as_str().unwrap().contains("checksum"), "{}", img.body);
    assert_eq!(import(uri("damaged.vhd"), "ddamaged").await.status, 400);
    // A virtual size that is not a whole number of MiB.
    let odd = disk + 512;
    upload("odd.vhd", 3, vhd_footer(odd, 2), odd).await;
    let img = api.image("rg1", "odd", &uri("odd.vhd")).await;
    assert_eq!(img.status, 400, "{}", img.body);
    assert!(img.body["error"]["message"].as_str().unwrap().contains("whole number (in MBs)"), "{}", img.body);
    // The same VHD uploaded whole: both accepted, with its size.
    upload("whole.vhd", 3, vhd_footer(disk, 2), disk).await;
    let img = api.image("rg1", "whole", &uri("whole.vhd")).await;
    assert_eq!(img.status, 201, "{}", img.body);
    let d = import(uri("whole.vhd"), "dwhole").await;
    assert_eq!(d.status, 201, "{}", d.body);
    api.wait(&d).await;
    // Resuming the interrupted upload (the missing third chunk: the footer alone) makes it usable.
    let file_end = vhd_footer(disk, 2);
    let r = format!("bytes={}-{}", 8 << 20, disk + 511);
    let (s, _, _) = b
        .send(
            reqwest::Method::PUT,
            "vhds/cut.vhd?comp=page",
            &[("x-ms-page-write", "update".into()), ("x-ms-range", r)],
            file_end,
        )
        .await;
    assert_eq!(s, 201);
    let img = api.image("rg1", "cut", &uri("cut.vhd")).await;
    assert_eq!(img.status, 201, "after the upload finished: {}", img.body);
    api.dev.sim.stop().await;
}

/// A sparse page blob may be as large as the device allows with nothing written; reading it costs memory
/// for what is read, so one Get Blob answers at most 256 MiB (clients read in ranges) instead of
/// allocating the whole blob.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_a_huge_sparse_blob_whole_is_refused_and_ranges_work() {
    let api = start().await;
    api.group("rg1").await;
    let b = storage_account(&api, "rg1", "sa1").await;
    let (s, _, _) = b.send(reqwest::Method::PUT, "vhds?restype=container", &[], Vec::new()).await;
    assert_eq!(s, 201);
    let size: u64 = 1 << 40;
    let (s, _, _) = b
        .send(
            reqwest::Method::PUT,
            "vhds/huge.vhd",
            &[("x-ms-blob-type", "PageBlob".into()), ("x-ms-blob-content-length", size.to_string())],
            vec![],
        )
        .await;
    assert_eq!(s, 201);
    let (s, _, body) = b.send(reqwest::Method::GET, "vhds/huge.vhd", &[], Vec::new()).await;
    assert_eq!(s, 416, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("in ranges"));
    let (s, _, _) =
        b.send(reqwest::Method::GET, "vhds/huge.vhd", &[("x-ms-range", format!("bytes=0-{}", size - 1))], vec![]).await;
    assert_eq!(s, 416);
    let (s, h, body) =
        b.send(reqwest::Method::GET, "vhds/huge.vhd", &[("x-ms-range", "bytes=1099511627264-".into())], vec![]).await;
    assert_eq!(s, 206);
    assert_eq!(body.len(), 512);
    assert_eq!(h.get("content-range").unwrap(), &format!("bytes {}-{}/{size}", size - 512, size - 1));
    let (s, _, body) = b
        .send(reqwest::Method::GET, "vhds/huge.vhd", &[("x-ms-range", format!("bytes=0-{}", (32 << 20) - 1))], vec![])
        .await;
    assert_eq!((s, body.len()), (206, 32 << 20));
    api.dev.sim.stop().await;
}
