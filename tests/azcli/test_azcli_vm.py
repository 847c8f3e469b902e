"""End-to-end: the documented GPU VM workflow with the real Azure CLI (azure-cli 2.66.x, profile
2019-03-01-hybrid) against `asegpu-sim`: resource group, storage account, a fixed VHD uploaded as a page blob,
image, the device's ASEVNET, NIC, GPU VM (Standard_NC4as_T4_v3), the NVIDIA GPU extension, `vm show -d`,
stop / deallocate / start / delete, and `az deployment group create` with the device's CreateVM.json and
its parameter file.

The tests run in file order and build on each other (one emulator for the module, see conftest.py).
"""

import re
import struct
import time
import uuid
from pathlib import Path

import pytest

# VM creation takes 900 emulated seconds and the GPU extension 600: at 300x they take 3 s and 2 s.
SIM_TIME_SCALE = "300"

RG = "asevm-rg"
SA = "asevmsa1"
CONTAINER = "vmimages"
BLOB = "ubuntu-fixed.vhd"
IMAGE = "ubuntu-img"
NIC = "gpuvm-nic"
NIC_IP = "10.57.51.20"
VM = "gpuvm1"
GPU_SIZE = "Standard_NC4as_T4_v3"
VM_ADMIN = "azureuser"
VM_PASSWORD = "Vm-" + uuid.uuid4().hex[:12] + "!a1"
TEMPLATES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "ase-templates"
CREATE_VM = TEMPLATES / "VmTemplates" / "CreateVM"
VHD_DATA = 2 * 1024 * 1024  # a multiple of 1 MiB, as Azure requires of a fixed VHD's virtual size

COMPUTE_API = "api-version=2017-12-01"
NETWORK_API = "api-version=2017-10-01"


def fixed_vhd_footer(size, disk_type=2):
    """A 512-byte VHD footer (Microsoft's VHD specification): cookie 'conectix', fixed disk (type 2),
    CHS geometry, big-endian one's-complement checksum over the footer with the checksum field zero."""
    f = bytearray(512)
    f[0:8] = b"conectix"
    struct.pack_into(">I", f, 8, 2)  # features: reserved bit set
    struct.pack_into(">I", f, 12, 0x00010000)  # file format version 1.0
    struct.pack_into(">Q", f, 16, 0xFFFFFFFFFFFFFFFF)  # data offset: none for fixed disks
    struct.pack_into(">I", f, 24, int(time.time()) - 946684800)  # seconds since 2000-01-01
    f[28:32] = b"asgp"
    struct.pack_into(">I", f, 32, 0x000A0000)
    f[36:40] = b"Wi2k"
    struct.pack_into(">QQ", f, 40, size, size)  # original and current size
    sectors = min(size // 512, 65535 * 16 * 255)
    if sectors >= 65535 * 16 * 63:
        spt, heads = 255, 16
    else:
        spt = 17
        heads = max(4, (sectors // spt + 1023) // 1024)
        if sectors // spt >= heads * 1024 or heads > 16:
            spt, heads = 31, 16
        if sectors // spt >= heads * 1024:
            spt, heads = 63, 16
    struct.pack_into(">HBB", f, 56, (sectors // spt) // heads, heads, spt)
    struct.pack_into(">I", f, 60, disk_type)
    f[68:84] = uuid.uuid4().bytes
    struct.pack_into(">I", f, 64, ~sum(f) & 0xFFFFFFFF)
    return bytes(f)


@pytest.fixture(scope="module")
def vhd(tmp_path_factory):
    p = tmp_path_factory.mktemp("vhd") / BLOB
    with open(p, "wb") as fh:
        fh.write(b"\0" * VHD_DATA)
        fh.write(fixed_vhd_footer(VHD_DATA))
    return p


@pytest.fixture(scope="module")
def state():
    return {}


def _new(env, start):
    return env.traffic()[start:]


def _urls(pairs, method=None):
    return [t["liveRequest"]["url"] for t in pairs if method is None or t["liveRequest"]["method"] == method]


def test_group_and_storage_account(env, subscription_id, state):
    g = env.ok("group", "create", "-n", RG, "-l", "dbelocal").json()
    assert g["properties"]["provisioningState"] == "Succeeded"
    sa = env.ok("storage", "account", "create", "-g", RG, "-n", SA, "-l", "dbelocal",
                "--sku", "Standard_LRS", "--kind", "Storage").json()
    assert sa["provisioningState"] == "Succeeded", sa
    assert sa["kind"] == "Storage" and sa["sku"]["name"] == "Standard_LRS", sa
    blob_ep = sa["primaryEndpoints"]["blob"]
    assert blob_ep.lower().startswith(f"https://{SA}.blob.{env.storage_suffix}"), blob_ep
    keys = env.ok("storage", "account", "keys", "list", "-g", RG, "-n", SA).json()
    assert {k["keyName"] for k in keys} == {"key1", "key2"}, keys
    state["key"] = keys[0]["value"]
    state["blob_endpoint"] = blob_ep
    # Only locally redundant accounts exist on the device.
    r = env.az("storage", "account", "create", "-g", RG, "-n", "asevmgrs", "-l", "dbelocal", "--sku", "Standard_GRS")
    assert r.rc != 0 and "Traceback" not in r.stderr, r.describe()


def test_upload_fixed_vhd_as_page_blob(env, state, vhd):
    # No name resolution for <account>.blob.<device>.<domain> here: the emulator also answers path-style,
    # like Azurite, and a connection string's BlobEndpoint points the data-plane commands there.
    cs = (f"DefaultEndpointsProtocol=https;AccountName={SA};AccountKey={state['key']};"
          f"BlobEndpoint=https://127.0.0.1:{env.port}/{SA}")
    start = len(env.traffic())
    env.ok("storage", "container", "create", "-n", CONTAINER, "--connection-string", cs)
    env.ok("storage", "blob", "upload", "-f", str(vhd), "-c", CONTAINER, "-n", BLOB, "--type", "page",
           "--connection-string", cs, output=None)
    b = env.ok("storage", "blob", "show", "-c", CONTAINER, "-n", BLOB, "--connection-string", cs).json()
    assert b["properties"]["blobType"] == "PageBlob", b
    assert b["properties"]["contentLength"] == VHD_DATA + 512, b
    puts = [t for t in _new(env, start) if t["liveRequest"]["method"] == "PUT"]
    assert any(t["liveRequest"]["headers"].get("x-ms-blob-type") == "PageBlob" for t in puts), puts
    assert any("comp=page" in t["liveRequest"]["url"] for t in puts), _urls(puts)
    # The URI as a device shows it (Azure Storage Explorer / Get-AzStorageBlob): the ARM side resolves it.
    state["blob_uri"] = f"{state['blob_endpoint'].rstrip('/')}/{CONTAINER}/{BLOB}"


def test_image_create(env, subscription_id, state):
    start = len(env.traffic())
    img = env.ok("image", "create", "-g", RG, "-n", IMAGE, "--source", state["blob_uri"], "--os-type", "Linux").json()
    assert img["provisioningState"] == "Succeeded", img
    osd = img["storageProfile"]["osDisk"]
    assert osd["blobUri"] == state["blob_uri"] and osd["osType"] == "Linux" and osd["osState"] == "Generalized", img
    assert img["id"] == f"/subscriptions/{subscription_id}/resourceGroups/{RG}/providers/Microsoft.Compute/images/{IMAGE}"
    puts = _urls(_new(env, start), "PUT")
    assert any("/images/" in u and COMPUTE_API in u for u in puts), puts
    state["image_id"] = img["id"]


def test_vnet_show(env, subscription_id, state):
    v = env.ok("network", "vnet", "show", "-g", "ASERG", "-n", "ASEVNET").json()
    assert v["provisioningState"] == "Succeeded"
    subnets = {s["name"]: s for s in v["subnets"]}
    assert "ASEVNETsubNet" in subnets, v
    state["subnet_id"] = subnets["ASEVNETsubNet"]["id"]
    state["subnet_prefix"] = subnets["ASEVNETsubNet"]["addressPrefix"]
    assert state["subnet_id"].endswith("/resourceGroups/ASERG/providers/Microsoft.Network/virtualNetworks/ASEVNET/subnets/ASEVNETsubNet")


def test_nic_create(env, state):
    start = len(env.traffic())
    nic = env.ok("network", "nic", "create", "-g", RG, "-n", NIC, "--vnet-name", "ASEVNET",
                 "--subnet", state["subnet_id"], "--private-ip-address", NIC_IP).json()["NewNIC"]
    assert nic["provisioningState"] == "Succeeded", nic
    ipc = nic["ipConfigurations"][0]
    assert ipc["privateIPAddress"] == NIC_IP and ipc["privateIPAllocationMethod"] == "Static", nic
    assert ipc["subnet"]["id"] == state["subnet_id"], nic
    assert all(NETWORK_API in u for u in _urls(_new(env, start), "PUT")), _urls(_new(env, start))
    # The same address again is refused: it is in use.
    r = env.az("network", "nic", "create", "-g", RG, "-n", NIC + "-dup", "--subnet", state["subnet_id"],
               "--private-ip-address", NIC_IP)
    assert r.rc != 0 and "Traceback" not in r.stderr, r.describe()


def test_vm_create_gpu(env, state):
    start = len(env.traffic())
    vm = env.ok("vm", "create", "-g", RG, "-n", VM, "--size", GPU_SIZE, "--image", state["image_id"],
                "--nics", NIC, "--admin-username", VM_ADMIN, "--admin-password", VM_PASSWORD,
                "--authentication-type", "password").json()
    assert vm["powerState"] == "VM running", vm
    assert vm["privateIpAddress"] == NIC_IP, vm
    new = _new(env, start)
    # On the hybrid profile az creates the VM through a template deployment (Resources 2018-05-01).
    assert any("/providers/Microsoft.Resources/deployments/" in u for u in _urls(new, "PUT")), _urls(new)
    show = env.ok("vm", "show", "-g", RG, "-n", VM).json()
    assert show["hardwareProfile"]["vmSize"] == GPU_SIZE, show
    assert show["storageProfile"]["imageReference"]["id"].lower() == state["image_id"].lower(), show
    assert show["osProfile"]["adminUsername"] == VM_ADMIN, show
    assert "adminPassword" not in show["osProfile"] or show["osProfile"]["adminPassword"] is None, show


def test_gpu_extension(env, state):
    start = len(env.traffic())
    ext = env.ok("vm", "extension", "set", "-g", RG, "--vm-name", VM, "--publisher", "Microsoft.HpcCompute",
                 "--name", "NvidiaGpuDriverLinux", "--version", "1.8").json()
    assert ext["provisioningState"] == "Succeeded", ext
    assert ext["publisher"] == "Microsoft.HpcCompute" and ext["typeHandlerVersion"] == "1.8", ext
    puts = _urls(_new(env, start), "PUT")
    assert any("/extensions/NvidiaGpuDriverLinux" in u and COMPUTE_API in u for u in puts), puts
    listed = env.ok("vm", "extension", "list", "-g", RG, "--vm-name", VM).json()
    assert [e["name"] for e in listed] == ["NvidiaGpuDriverLinux"], listed


def _show_d(env):
    return env.ok("vm", "show", "-d", "-g", RG, "-n", VM).json()


def test_vm_show_d(env, state):
    d = _show_d(env)
    assert d["powerState"] == "VM running", d
    assert d["privateIps"] == NIC_IP, d
    assert d["publicIps"] == "", d
    assert re.fullmatch(r"([0-9A-F]{2}-){5}[0-9A-F]{2}", d["macAddresses"]), d


def test_vm_stop_deallocate_start(env, state):
    env.ok("vm", "stop", "-g", RG, "-n", VM, output=None)
    assert _show_d(env)["powerState"] == "VM stopped"
    env.ok("vm", "deallocate", "-g", RG, "-n", VM, output=None)
    assert _show_d(env)["powerState"] == "VM deallocated"
    env.ok("vm", "start", "-g", RG, "-n", VM, output=None)
    d = _show_d(env)
    assert d["powerState"] == "VM running" and d["privateIps"] == NIC_IP, d


def test_vm_delete(env, state):
    start = len(env.traffic())
    env.ok("vm", "delete", "-g", RG, "-n", VM, "--yes", output=None)
    deletes = [t for t in _new(env, start) if t["liveRequest"]["method"] == "DELETE"]
    assert [t["liveResponse"]["statusCode"] for t in deletes] == ["202"], deletes
    r = env.az("vm", "show", "-g", RG, "-n", VM)
    assert r.rc == 3 and "ResourceNotFound" in r.stderr, r.describe()
    # The NIC stays (az vm delete removes only the VM), now detached.
    nic = env.ok("network", "nic", "show", "-g", RG, "-n", NIC).json()
    assert not nic.get("virtualMachine"), nic


def test_deployment_create_vm_template(env, subscription_id, state):
    """The device's CreateVM.json, unchanged, with its parameter file edited the way an admin does it."""
    template = CREATE_VM / "CreateVM.json"
    params = CREATE_VM / "CreateVM.parameters.json"
    assert template.exists() and params.exists(), CREATE_VM
    start = len(env.traffic())
    d = env.ok("deployment", "group", "create", "-g", RG, "-n", "createvm1",
               "--template-file", str(template), "--parameters", f"@{params}",
               "--parameters", "vmName=gpuvm2", f"imageName={IMAGE}", "vnetRG=ASERG", f"vmSize={GPU_SIZE}",
               f"Password={VM_PASSWORD}", "nicName=gpuvm2-nic", "IPConfigName=gpuvm2-ipconfig",
               "privateIPAddress=").json()
    assert d["properties"]["provisioningState"] == "Succeeded", d
    assert d["properties"]["mode"] == "Incremental", d
    new = _new(env, start)
    assert any(u.endswith("/deployments/createvm1/validate?api-version=2018-05-01") for u in _urls(new, "POST")), _urls(new)
    vm = env.ok("vm", "show", "-d", "-g", RG, "-n", "gpuvm2").json()
    assert vm["powerState"] == "VM running", vm
    assert vm["hardwareProfile"]["vmSize"] == GPU_SIZE, vm
    assert vm["storageProfile"]["imageReference"]["id"].lower().endswith(f"/images/{IMAGE}".lower()), vm
    nic = env.ok("network", "nic", "show", "-g", RG, "-n", "gpuvm2-nic").json()
    ipc = nic["ipConfigurations"][0]
    assert ipc["privateIPAllocationMethod"] == "Dynamic" and ipc["privateIPAddress"], nic  # "" means DHCP
    assert ipc["privateIPAddress"] != NIC_IP, nic
    ops = env.ok("deployment", "operation", "group", "list", "-g", RG, "-n", "createvm1").json()
    kinds = sorted(o["properties"]["targetResource"]["resourceType"] for o in ops if o["properties"].get("targetResource"))
    assert kinds == ["Microsoft.Compute/virtualMachines", "Microsoft.Network/networkInterfaces"], ops
    assert all(o["properties"]["provisioningState"] == "Succeeded" for o in ops), ops
