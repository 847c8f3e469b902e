//! Deployment-semantics tests: the real Azure Stack Edge templates
//! (`tests/data/template/ase-templates`, copied from Azure-Samples/azure-stack-edge-deploy-vms)
//! and synthetic templates for copy, conditions, child resources, dependencies and outputs.

use std::cell::RefCell;

use serde_json::{json, Value};

use super::tests::{data_dir, test_context};
use super::*;

const SUB: &str = "00000000-0000-0000-0000-000000000001";

/// A resolver that answers like a freshly created storage account / ingestion job and records calls.
#[derive(Default)]
struct Mock {
    calls: RefCell<Vec<String>>,
}

impl Resolver for Mock {
    fn reference(&self, id: &str, api: Option<&str>, full: bool) -> Result<Value, TemplateError> {
        self.calls.borrow_mut().push(format!("reference {id} {api:?} {full}"));
        Ok(json!({"primaryEndpoints": {"blob": "https://sa1.blob.dbe-1.microsoftdatabox.com/"},
                  "TargetImageBlobUri": "https://sa1.blob.dbe-1.microsoftdatabox.com/con1/ubuntu.vhd"}))
    }
    fn list(&self, function: &str, id: &str, api: &str, _body: Option<&Value>) -> Result<Value, TemplateError> {
        self.calls.borrow_mut().push(format!("{function} {id} {api}"));
        Ok(json!({"keys": [{"keyName": "key1", "permissions": "Full", "value": "KEY1=="}]}))
    }
}

fn load(rel: &str) -> Value {
    let path = data_dir().join("ase-templates").join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    jsonc::parse_template(&text).unwrap()
}

fn deploy(template: &str, params: &str) -> Deployment {
    Deployment::new(&load(template), Some(&load(params)), test_context()).unwrap()
}

fn types(d: &Deployment) -> Vec<&str> {
    d.resources().iter().map(|r| r.resource_type.as_str()).collect()
}

const PAIRS: &[(&str, &str)] = &[
    ("ExtensionTemplates/CustomScriptExtension/addCSextensiontoVM.json", "ExtensionTemplates/CustomScriptExtension/addCSExtLinuxVM.parameters.json"),
    ("ExtensionTemplates/CustomScriptExtension/addCSextensiontoVM.json", "ExtensionTemplates/CustomScriptExtension/addCSExtWindowsVM.parameters.json"),
    ("ExtensionTemplates/GpuExtension/addGPUextensiontoVM.json", "ExtensionTemplates/GpuExtension/addGPUExtLinuxVM.parameters.json"),
    ("ExtensionTemplates/GpuExtension/addGPUextensiontoVM.json", "ExtensionTemplates/GpuExtension/addGPUExtLinuxVM2205.parameters.json"),
    ("ExtensionTemplates/GpuExtension/addGPUextensiontoVM.json", "ExtensionTemplates/GpuExtension/addGPUExtWindowsVM.parameters.json"),
    ("ExtensionTemplates/GpuExtension/addGPUextensiontoVM.json", "ExtensionTemplates/GpuExtension/addGPUExtWindowsVM2205.parameters.json"),
    ("ExtensionTemplates/GpuExtension/addGPUextensiontoVM.json", "historical/46216cb/ExtensionTemplates/GpuExtension/addGPUExtLinuxVM.parameters.json"),
    ("ExtensionTemplates/GpuExtension/addGPUextensiontoVM.json", "historical/46216cb/ExtensionTemplates/GpuExtension/addGPUExtensionRHELVM.parameters.json"),
    ("ExtensionTemplates/PasswordResetExtension/addPasswordResetExtensionTemplate.json", "ExtensionTemplates/PasswordResetExtension/addPasswordResetExtensionTemplate.parameters.json"),
    ("VmTemplates/CreateImage/CreateImage.json", "VmTemplates/CreateImage/CreateImage.parameters.json"),
    ("VmTemplates/CreateImageAndVnet/CreateImageAndVnet.json", "VmTemplates/CreateImageAndVnet/CreateImageAndVnet.parameters.json"),
    ("VmTemplates/CreateVM/CreateVM.json", "VmTemplates/CreateVM/CreateVM.parameters.json"),
    ("VmTemplates/CreateVM/CreateVMFromManagedDisk.json", "VmTemplates/CreateVM/CreateVMFromManagedDisk.parameters.json"),
    ("VmTemplates/DownloadAndCreateImage/DownloadAndCreateImage.json", "VmTemplates/DownloadAndCreateImage/DownloadAndCreateImage.parameters.json"),
    ("VmTemplates/DownloadAndCreateImageInDifferentResourceGroup/DownloadAndCreateImageInDifferentResourceGroup.json", "VmTemplates/DownloadAndCreateImageInDifferentResourceGroup/DownloadAndCreateImageInDifferentResourceGroup.parameters.json"),
    ("VmTemplates/DownloadAndCreateManagedDisk/DownloadAndCreateManagedDisk.json", "VmTemplates/DownloadAndCreateManagedDisk/DownloadAndCreateManagedDisk.parameters.json"),
];

#[test]
fn every_ase_template_plans_and_renders() {
    for (t, p) in PAIRS {
        let d = deploy(t, p);
        assert!(!d.resources().is_empty(), "{t}");
        for i in 0..d.resources().len() {
            let preview = d.render(i, &NoResolver, RenderMode::Preview).unwrap_or_else(|e| panic!("{t} #{i}: {e}"));
            let strict = d.render(i, &Mock::default(), RenderMode::Strict).unwrap_or_else(|e| panic!("{t} #{i}: {e}"));
            assert!(!strict.has_unknowns);
            assert_eq!(preview.id, strict.id);
            if d.resources()[i].is_deployment() {
                d.nested(i, &Mock::default()).unwrap_or_else(|e| panic!("{t} nested #{i}: {e}"));
            }
        }
        d.outputs(&Mock::default(), RenderMode::Strict).unwrap();
    }
}

#[test]
fn create_vm_order_ids_and_body() {
    let d = deploy("VmTemplates/CreateVM/CreateVM.json", "VmTemplates/CreateVM/CreateVM.parameters.json");
    assert_eq!(types(&d), ["Microsoft.Network/networkInterfaces", "Microsoft.Compute/virtualMachines"]);
    let nic_id =
        format!("/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/nicdebug");
    assert_eq!(d.resources()[0].id, nic_id);
    assert_eq!(d.resources()[1].depends_on, std::slice::from_ref(&nic_id));
    assert_eq!(d.resources()[1].api_version, "2017-03-30");
    let nic = d.render(0, &NoResolver, RenderMode::Strict).unwrap();
    let ipc = &nic.body["properties"]["ipConfigurations"][0];
    assert_eq!(ipc["name"], "ipconfigdebug");
    assert_eq!(ipc["properties"]["privateIPAllocationMethod"], "Dynamic");
    assert_eq!(ipc["properties"]["privateIPAddress"], "");
    assert_eq!(ipc["properties"]["subnet"]["id"], format!("/subscriptions/{SUB}/resourceGroups/aserg/providers/Microsoft.Network/virtualNetworks/ASEVNET/subnets/ASEVNETsubNet"));
    assert_eq!(nic.body["location"], "dbelocal");
    let vm = d.render(1, &NoResolver, RenderMode::Strict).unwrap();
    assert_eq!(vm.body["properties"]["networkProfile"]["networkInterfaces"][0]["id"], nic_id);
    assert_eq!(
        vm.body["properties"]["storageProfile"]["imageReference"]["id"],
        format!("/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/images/Linuximage1")
    );
    assert_eq!(vm.body["properties"]["osProfile"]["adminPassword"], "Password1");
    assert_eq!(vm.body["properties"]["hardwareProfile"]["vmSize"], "Standard_D2_v2");
    assert!(vm.body.get("dependsOn").is_none() && vm.body.get("type").is_none() && vm.body.get("apiVersion").is_none());
}

#[test]
fn gpu_extension_linux_and_windows() {
    let d = deploy(
        "ExtensionTemplates/GpuExtension/addGPUextensiontoVM.json",
        "ExtensionTemplates/GpuExtension/addGPUExtLinuxVM2205.parameters.json",
    );
    let r = &d.resources()[0];
    assert_eq!(
        (r.resource_type.as_str(), r.name.as_str(), r.api_version.as_str()),
        ("Microsoft.Compute/virtualMachines/extensions", "LinuxGPUVM/gpuLinux", "2017-03-30")
    );
    assert_eq!(r.id, format!("/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/LinuxGPUVM/extensions/gpuLinux"));
    assert_eq!(r.location.as_deref(), Some("dbelocal"));
    let body = d.render(0, &NoResolver, RenderMode::Strict).unwrap().body;
    assert_eq!(
        body,
        json!({"location": "dbelocal", "properties": {"publisher": "Microsoft.HpcCompute", "type": "NvidiaGpuDriverLinux",
        "typeHandlerVersion": "1.8", "autoUpgradeMinorVersion": true, "settings": {}}})
    );

    let mut ctx = test_context();
    ctx.location = "westlab".into();
    let w = Deployment::new(
        &load("ExtensionTemplates/GpuExtension/addGPUextensiontoVM.json"),
        Some(&load("ExtensionTemplates/GpuExtension/addGPUExtWindowsVM2205.parameters.json")),
        ctx,
    )
    .unwrap();
    let body = w.render(0, &NoResolver, RenderMode::Strict).unwrap().body;
    assert_eq!(body["location"], "westlab");
    assert_eq!(body["properties"]["typeHandlerVersion"], "1.5");
    assert_eq!(body["properties"]["settings"]["DriverType"], "CUDA");
    assert!(body["properties"]["settings"]["DriverURL"].as_str().unwrap().contains("511.65"));
}

#[test]
fn password_reset_condition_and_case_insensitive_parameter() {
    let d = deploy(
        "ExtensionTemplates/PasswordResetExtension/addPasswordResetExtensionTemplate.json",
        "ExtensionTemplates/PasswordResetExtension/addPasswordResetExtensionTemplate.parameters.json",
    );
    assert_eq!(d.resources().len(), 1);
    assert_eq!(d.resources()[0].name, "WinVM01/windowsVMAccessExt");
    assert_eq!(d.resources()[0].api_version, "2019-07-01");
    assert_eq!(d.skipped().len(), 1);
    let body = d.render(0, &NoResolver, RenderMode::Strict).unwrap().body;
    assert_eq!(body["properties"]["protectedSettings"]["password"], "RandomPassword1");
}

#[test]
fn create_image_uses_case_insensitive_parameters() {
    let d = deploy("VmTemplates/CreateImage/CreateImage.json", "VmTemplates/CreateImage/CreateImage.parameters.json");
    assert_eq!(d.resources()[0].name, "Windowsimg1");
    let body = d.render(0, &NoResolver, RenderMode::Strict).unwrap().body;
    assert_eq!(body["properties"]["storageProfile"]["osDisk"]["osType"], "Windows");
}

fn filled(params: &[(&str, &str)]) -> Value {
    let mut m = serde_json::Map::new();
    for (k, v) in params {
        m.insert(k.to_string(), json!({"value": v}));
    }
    Value::Object(m)
}

#[test]
fn download_and_create_image_reference_and_list() {
    let t = load("VmTemplates/DownloadAndCreateImage/DownloadAndCreateImage.json");
    let p = filled(&[
        ("sourceBlobUri", "https://src/blob.vhd?sas"),
        ("targetStorageAccountName", "SA1 "),
        ("targetContainerName", "con1"),
        ("ingestionJobName", "job1"),
        ("imageName", "img1"),
        ("osType", "Linux"),
    ]);
    let d = Deployment::new(&t, Some(&p), test_context()).unwrap();
    assert_eq!(
        types(&d),
        [
            "Microsoft.Storage/storageAccounts",
            "Microsoft.AzureBridge/locations/ingestionJobs",
            "Microsoft.Compute/images",
            "Microsoft.Resources/deployments"
        ]
    );
    let job = &d.resources()[1];
    assert_eq!(job.id, format!("/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.AzureBridge/locations/dbelocal/ingestionJobs/job1"));
    assert_eq!(job.api_version, "2020-07-01");
    // preview: reference() unknown, the rest evaluated
    let preview = d.render(1, &NoResolver, RenderMode::Preview).unwrap();
    assert!(preview.has_unknowns);
    assert!(preview.body["properties"]["TargetStorageAccountConnectionString"]
        .as_str()
        .unwrap()
        .starts_with("[concat("));
    assert_eq!(preview.body["properties"]["SourceBlobUri"], "https://src/blob.vhd?sas");
    assert!(d.render(1, &NoResolver, RenderMode::Strict).is_err());
    // strict with a resolver
    let mock = Mock::default();
    let r = d.render(1, &mock, RenderMode::Strict).unwrap();
    assert_eq!(
        r.body["properties"]["TargetStorageAccountConnectionString"],
        "DefaultEndpointsProtocol=http;EndpointSuffix=dbe-1.microsoftdatabox.com;AccountName=sa1;AccountKey=KEY1=="
    );
    let calls = mock.calls.borrow().clone();
    assert!(calls[0].starts_with(&format!("reference /subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/SA1  Some(\"2016-01-01\")")), "{calls:?}");
    assert_eq!(calls[1], format!("listKeys /subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/sa1 2016-01-01"));
    let image = d.render(2, &mock, RenderMode::Strict).unwrap();
    assert_eq!(
        image.body["properties"]["storageProfile"]["osDisk"]["blobUri"],
        "https://sa1.blob.dbe-1.microsoftdatabox.com/con1/ubuntu.vhd"
    );
    // nested cleanup deployment: outer scope sees the outer variables and parameters
    let cleanup = d.render(3, &mock, RenderMode::Strict).unwrap();
    assert_eq!(cleanup.body["properties"]["mode"], "Incremental");
    let nested = d.nested(3, &mock).unwrap();
    assert_eq!(nested.resources()[0].name, "dbelocal/job1");
    assert_eq!(nested.render(0, &mock, RenderMode::Strict).unwrap().body["kind"], "BlobCleanup");
    assert_eq!(nested.context().deployment_name, "cleanupjob1");
}

#[test]
fn download_in_different_resource_group_nested_plans() {
    let t = load("VmTemplates/DownloadAndCreateImageInDifferentResourceGroup/DownloadAndCreateImageInDifferentResourceGroup.json");
    let p = filled(&[
        ("sourceBlobUri", "https://src/x.vhd"),
        ("targetStorageAccountName", "sa1"),
        ("targetContainerName", "con1"),
        ("ingestionJobName", "job1"),
        ("imageName", "img1"),
        ("osType", "Linux"),
        ("defaultResourceGroup", "rg1"),
        ("imageResourceGroup", "imagerg"),
        ("vhdName", "u.vhd"),
    ]);
    let d = Deployment::new(&t, Some(&p), test_context()).unwrap();
    let ids: Vec<&str> = d.resources().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            format!("/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Resources/deployments/downloadjob1")
                .as_str(),
            format!("/subscriptions/{SUB}/resourceGroups/imagerg/providers/Microsoft.Resources/deployments/imageimg1")
                .as_str(),
            format!("/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Resources/deployments/cleanupjob1")
                .as_str(),
        ]
    );
    let mock = Mock::default();
    let download = d.nested(0, &mock).unwrap();
    assert_eq!(
        types(&download),
        ["Microsoft.Storage/storageAccounts", "Microsoft.AzureBridge/locations/ingestionJobs"]
    );
    assert!(download.render(1, &mock, RenderMode::Strict).unwrap().body["properties"]
        ["TargetStorageAccountConnectionString"]
        .as_str()
        .unwrap()
        .contains("AccountKey=KEY1=="));
    let image = d.nested(1, &mock).unwrap();
    assert_eq!(
        image.resources()[0].id,
        format!("/subscriptions/{SUB}/resourceGroups/imagerg/providers/Microsoft.Compute/images/img1")
    );
    let body = image.render(0, &mock, RenderMode::Strict).unwrap().body;
    assert_eq!(
        body["properties"]["storageProfile"]["osDisk"]["blobUri"],
        "https://sa1.blob.dbe-1.microsoftdatabox.com/con1/u.vhd"
    );
}

#[test]
fn managed_disk_implicit_dependency_from_reference() {
    let t = load("VmTemplates/DownloadAndCreateManagedDisk/DownloadAndCreateManagedDisk.json");
    let mut template = t.clone();
    // drop the explicit dependsOn of the disk: the reference() alone must order it after the job
    template["resources"][2].as_object_mut().unwrap().remove("dependsOn");
    let p = filled(&[
        ("sourceBlobUri", "s"),
        ("targetStorageAccountName", "sa1"),
        ("targetContainerName", "c"),
        ("ingestionJobName", "job1"),
        ("dataDiskName", "disk1"),
    ]);
    let d = Deployment::new(&template, Some(&p), test_context()).unwrap();
    let disk = d.resources().iter().find(|r| r.resource_type == "Microsoft.Compute/disks").unwrap();
    assert_eq!(disk.depends_on, [format!("/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.AzureBridge/locations/dbelocal/ingestionJobs/job1")]);
    assert_eq!(types(&d)[2], "Microsoft.Compute/disks");
}

fn synth(resources: Value) -> Value {
    json!({"contentVersion": "1.0.0.0", "apiProfile": "2020-09-01-hybrid", "resources": resources})
}

#[test]
fn copy_loops_child_resources_and_property_copy() {
    let t = synth(json!([
        {"type": "Microsoft.Compute/virtualMachines", "name": "[concat('vm', copyIndex(1))]", "copy": {"name": "vms", "count": 3},
         "properties": {"copy": [{"name": "dataDisks", "count": 2, "input": {"lun": "[copyIndex('dataDisks')]", "vm": "[copyIndex()]"}}]},
         "resources": [{"type": "extensions", "name": "gpu", "properties": {"n": "[copyIndex()]"}}]},
        {"type": "Microsoft.Network/networkInterfaces", "name": "nic", "dependsOn": ["vms"]}
    ]));
    let d = Deployment::new(&t, None, test_context()).unwrap();
    let names: Vec<&str> = d.resources().iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["vm1", "vm1/gpu", "vm2", "vm2/gpu", "vm3", "vm3/gpu", "nic"]);
    assert_eq!(d.resources()[1].api_version, "2020-06-01");
    assert_eq!(d.resources()[6].depends_on.len(), 3);
    assert_eq!(d.resources()[2].copy.as_ref().unwrap().index, 1);
    let vm2 = d.render(2, &NoResolver, RenderMode::Strict).unwrap().body;
    assert_eq!(vm2["properties"]["dataDisks"], json!([{"lun": 0, "vm": 1}, {"lun": 1, "vm": 1}]));
    assert_eq!(d.render(3, &NoResolver, RenderMode::Strict).unwrap().body["properties"]["n"], 1);
}

#[test]
fn serial_copy_orders_batches() {
    let t = synth(json!([{"type": "Microsoft.Storage/storageAccounts", "name": "[concat('sa', copyIndex())]",
        "copy": {"name": "s", "count": 4, "mode": "serial", "batchSize": 2}}]));
    let d = Deployment::new(&t, None, test_context()).unwrap();
    assert!(d.resources()[0].depends_on.is_empty() && d.resources()[1].depends_on.is_empty());
    assert_eq!(d.resources()[2].depends_on.len(), 2);
    assert_eq!(d.resources()[2].copy.as_ref().unwrap().mode, "serial");
}

#[test]
fn dependencies_by_name_type_name_and_id_reorder() {
    let t = synth(json!([
        {"type": "Microsoft.Compute/virtualMachines", "name": "vm", "dependsOn": ["Microsoft.Network/networkInterfaces/nic", "[resourceId('Microsoft.Compute/disks', 'd')]", "pip"]},
        {"type": "Microsoft.Network/networkInterfaces", "name": "nic"},
        {"type": "Microsoft.Compute/disks", "name": "d"},
        {"type": "Microsoft.Network/publicIPAddresses", "name": "pip"}
    ]));
    let d = Deployment::new(&t, None, test_context()).unwrap();
    assert_eq!(d.resources().last().unwrap().name, "vm");
    assert_eq!(d.resources().last().unwrap().depends_on.len(), 3);
}

#[test]
fn circular_dependency_is_an_error() {
    let t = synth(json!([
        {"type": "Microsoft.Network/networkInterfaces", "name": "a", "dependsOn": ["b"]},
        {"type": "Microsoft.Network/networkInterfaces", "name": "b", "properties": {"x": "[reference('a').y]"}}
    ]));
    let e = Deployment::new(&t, None, test_context()).unwrap_err();
    assert!(e.message.contains("Circular dependency detected on resource"), "{}", e.message);
}

#[test]
fn missing_depends_on_target_is_an_error_unless_conditional() {
    let t = synth(
        json!([{"type": "Microsoft.Network/networkInterfaces", "name": "a", "dependsOn": ["Microsoft.Network/virtualNetworks/nope"]}]),
    );
    let e = Deployment::new(&t, None, test_context()).unwrap_err();
    assert!(
        e.message.contains("The resource 'Microsoft.Network/virtualNetworks/nope' is not defined in the template."),
        "{}",
        e.message
    );
    let t = synth(json!([
        {"type": "Microsoft.Network/virtualNetworks", "name": "v", "condition": false},
        {"type": "Microsoft.Network/networkInterfaces", "name": "a", "dependsOn": ["v"]}]));
    let d = Deployment::new(&t, None, test_context()).unwrap();
    assert_eq!(d.resources().len(), 1);
    assert!(d.resources()[0].depends_on.is_empty());
}

#[test]
fn api_version_required_without_profile() {
    let t = json!({"contentVersion": "1.0.0.0", "resources": [{"type": "Microsoft.Compute/virtualMachines", "name": "vm"}]});
    let e = Deployment::new(&t, None, test_context()).unwrap_err();
    assert!(e.message.contains("apiVersion"), "{}", e.message);
    let bad_segments = synth(json!([{"type": "Microsoft.Compute/virtualMachines/extensions", "name": "ext"}]));
    assert!(Deployment::new(&bad_segments, None, test_context())
        .unwrap_err()
        .message
        .contains("incorrect segment lengths"));
}

#[test]
fn outputs_are_evaluated_and_type_checked() {
    let mut t = synth(json!([{"type": "Microsoft.Storage/storageAccounts", "name": "sa"}]));
    t["parameters"] = json!({"pw": {"type": "securestring", "defaultValue": "x"}});
    t["outputs"] = json!({
        "blob": {"type": "string", "value": "[reference('sa').primaryEndpoints.blob]"},
        "n": {"type": "int", "value": 3},
        "list": {"type": "array", "copy": {"count": 2, "input": "[concat('i', copyIndex())]"}},
        "secret": {"type": "securestring", "value": "[parameters('pw')]"},
        "skipped": {"type": "string", "condition": false, "value": "x"}});
    let d = Deployment::new(&t, None, test_context()).unwrap();
    let out = d.outputs(&Mock::default(), RenderMode::Strict).unwrap();
    assert_eq!(out["blob"], json!({"type": "String", "value": "https://sa1.blob.dbe-1.microsoftdatabox.com/"}));
    assert_eq!(out["n"]["type"], "Int");
    assert_eq!(out["list"]["value"], json!(["i0", "i1"]));
    assert_eq!(out["secret"], json!({"type": "SecureString"}));
    assert!(out.get("skipped").is_none());
    assert!(d.outputs(&NoResolver, RenderMode::Strict).is_err());
    t["outputs"] = json!({"bad": {"type": "int", "value": "text"}});
    let d = Deployment::new(&t, None, test_context()).unwrap();
    assert!(d.outputs(&NoResolver, RenderMode::Strict).unwrap_err().message.contains("output type is 'Int'"));
}

#[test]
fn azure_cli_style_request_body_is_accepted() {
    let raw = std::fs::read_to_string(
        data_dir().join("ase-templates/ExtensionTemplates/GpuExtension/addGPUextensiontoVM.json"),
    )
    .unwrap();
    let body = format!("{{\"properties\": {{\"parameters\": {{\"vmName\": {{\"value\": \"vm1\"}}, \"extensionName\": {{\"value\": \"gpu\"}}, \"publisher\": {{\"value\": \"p\"}}, \"type\": {{\"value\": \"t\"}}, \"typeHandlerVersion\": {{\"value\": \"1.8\"}}, \"settings\": {{\"value\": {{}}}}}}, \"mode\": \"Incremental\", template: // the file\n{raw},}}}}");
    let req = jsonc::parse_request(&body).unwrap();
    let d = Deployment::new(&req["properties"]["template"], Some(&req["properties"]["parameters"]), test_context())
        .unwrap();
    assert_eq!(d.resources()[0].name, "vm1/gpu");
    assert_eq!(d.template_hash(), template_hash(&req["properties"]["template"]));
}

#[test]
fn deployment_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Deployment>();
    check::<TemplateError>();
}
