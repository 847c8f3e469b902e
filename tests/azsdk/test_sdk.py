"""End-to-end: the Azure SDK for Python on the 2019-03-01-hybrid profile against `asegpu-sim`, following
Microsoft's sample script for the device (Scripts/PythonScript/example_ase.py: resource group, storage
account, list keys, fixed VHD uploaded as a page blob, image, NIC with a static IP, VM, tag, power
operations, list, delete VM, delete group), here with a GPU size.

Choices:
* Cloud endpoints come from `/metadata/endpoints` as in the sample (which used msrestazure's
  get_cloud_from_metadata_endpoint): the AD FS login endpoint and the ARM audience.
* Sign-in: azure-identity's UsernamePasswordCredential with tenant_id="adfs": MSAL's AD FS
  resource-owner-password grant against the token endpoint of <login>/.well-known/openid-configuration,
  no instance discovery, so it works offline; the Azure CLI's public client id, user EdgeArmUser. (The
  credential is deprecated upstream because it cannot do MFA; ROPC is what the device's AD FS offers, so
  its deprecation warnings are silenced here.) No hand-written TokenCredential is needed.
* TLS: the emulator's CA is passed as connection_verify to every client (no REQUESTS_CA_BUNDLE needed).
* API versions: KnownProfiles.v2019_03_01_hybrid (Resources 2018-05-01, Compute 2017-12-01, disks
  2017-03-30, Network 2017-10-01) except Storage, where the SDK profile says 2017-10-01 but the device
  documents 2019-06-01 for the storage control plane: the storage client pins 2019-06-01. The blob data plane
  pins x-ms-version 2019-07-07, the device's documented data-plane version.

Environment: ASEGPU_SIM_BIN (default <repo>/target/debug/asegpu-sim); ASEGPU_TRAFFIC_DIR (keep the recorded
traffic as <dir>/azsdk.jsonl, for tests/oav/validate.sh).
"""

import json
import os
import queue
import secrets
import signal
import ssl
import struct
import subprocess
import threading
import time
import urllib.request
import uuid
import warnings
from pathlib import Path

import pytest
from azure.core.exceptions import ResourceNotFoundError, HttpResponseError
from azure.identity import UsernamePasswordCredential
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource import ResourceManagementClient, SubscriptionClient
from azure.mgmt.storage import StorageManagementClient
from azure.profiles import KnownProfiles
from azure.storage.blob import BlobServiceClient, BlobType

pytestmark = [
    pytest.mark.filterwarnings("ignore:This API has been deprecated for public client flows:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:azure.identity"),
]

REPO_ROOT = Path(__file__).resolve().parents[2]
SIM_BIN = Path(os.environ.get("ASEGPU_SIM_BIN") or REPO_ROOT / "target" / "debug" / "asegpu-sim")
PROFILE = KnownProfiles.v2019_03_01_hybrid
CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
USER = "EdgeArmUser"
TENANT_ID = "c0257de7-538f-415c-993a-1b87a031879d"
LOCATION = "dbelocal"
TIME_SCALE = "300"  # VM creation (900 emulated s) takes 3 s
POLL = 1  # seconds between LRO polls when the service sends no Retry-After

RG = "sdk-rg"
SA = "sdksa1"
CONTAINER = "vmimages"
BLOB = "ubuntu-fixed.vhd"
IMAGE = "sdk-img"
NIC = "sdk-nic"
NIC_IP = "10.57.51.30"
VM = "sdkgpuvm"
VM_SIZE = "Standard_NC4as_T4_v3"
VHD_DATA = 2 * 1024 * 1024


def fixed_vhd_footer(size):
    """A 512-byte fixed-disk VHD footer ('conectix', disk type 2, CHS geometry, one's-complement checksum)."""
    f = bytearray(512)
    f[0:8] = b"conectix"
    struct.pack_into(">II", f, 8, 2, 0x00010000)
    struct.pack_into(">Q", f, 16, 0xFFFFFFFFFFFFFFFF)
    struct.pack_into(">I", f, 24, int(time.time()) - 946684800)
    f[28:32] = b"asgp"
    struct.pack_into(">I", f, 32, 0x000A0000)
    f[36:40] = b"Wi2k"
    struct.pack_into(">QQ", f, 40, size, size)
    sectors = size // 512
    spt = 17
    heads = max(4, (sectors // spt + 1023) // 1024)
    if sectors // spt >= heads * 1024 or heads > 16:
        spt, heads = 31, 16
    if sectors // spt >= heads * 1024:
        spt, heads = 63, 16
    struct.pack_into(">HBB", f, 56, (sectors // spt) // heads, heads, spt)
    struct.pack_into(">I", f, 60, 2)
    f[68:84] = uuid.uuid4().bytes
    struct.pack_into(">I", f, 64, ~sum(f) & 0xFFFFFFFF)
    return bytes(f)


def _read_first_line(stream, timeout):
    q = queue.Queue()
    threading.Thread(target=lambda: q.put(stream.readline()), daemon=True).start()
    try:
        return q.get(timeout=timeout)
    except queue.Empty:
        return None


class Sim:
    def __init__(self, info, password, traffic):
        self.info = info
        self.password = password
        self.traffic_file = traffic
        self.ca = info["ca_cert"]
        self.arm = info["arm_endpoint_ip"]
        self.port = int(info["listen"].rsplit(":", 1)[1])

    def traffic(self):
        lines = self.traffic_file.read_text().splitlines() if self.traffic_file.exists() else []
        return [json.loads(l) for l in lines if l.strip()]


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    if not SIM_BIN.exists():
        pytest.fail(f"{SIM_BIN} not found: run `cargo build --workspace --bins` (or set ASEGPU_SIM_BIN)")
    work = tmp_path_factory.mktemp("sim")
    traffic_dir = os.environ.get("ASEGPU_TRAFFIC_DIR")
    if traffic_dir:
        Path(traffic_dir).mkdir(parents=True, exist_ok=True)
        traffic = Path(traffic_dir) / "azsdk.jsonl"
        traffic.unlink(missing_ok=True)
    else:
        traffic = work / "traffic.jsonl"
    password = "Ase-" + secrets.token_urlsafe(18)
    env = dict(os.environ, ASEGPU_SIM_PASSWORD=password)
    stderr_path = work / "sim.stderr"
    with open(stderr_path, "wb") as stderr:
        proc = subprocess.Popen(
            [str(SIM_BIN), "--port", "0", "--work-dir", str(work), "--api-versions", "strict",
             "--retry-after", "1", "--time-scale", TIME_SCALE, "--record-traffic", str(traffic)],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, text=True,
        )
    try:
        line = _read_first_line(proc.stdout, 30)
        if not line:
            proc.kill()
            proc.wait()
            pytest.fail(f"asegpu-sim did not become ready:\n{stderr_path.read_text(errors='replace')[-4000:]}")
        yield Sim(json.loads(line), password, traffic)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def cloud(sim):
    """What the sample takes from get_cloud_from_metadata_endpoint(ARM_ENDPOINT)."""
    ctx = ssl.create_default_context(cafile=sim.ca)
    with urllib.request.urlopen(f"{sim.arm}metadata/endpoints?api-version=2015-01-01", context=ctx, timeout=30) as r:
        meta = json.load(r)
    login = meta["authentication"]["loginEndpoint"]
    audience = meta["authentication"]["audiences"][0]
    return {"login": login, "audience": audience, "storage_suffix": meta["suffixes"]["storage"]}


@pytest.fixture(scope="module")
def credential(sim, cloud):
    login = cloud["login"].rstrip("/")
    assert login.lower().endswith("/adfs"), login
    authority = login[: -len("/adfs")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # ROPC is what the device's AD FS offers
        cred = UsernamePasswordCredential(
            CLI_CLIENT_ID, USER, sim.password, tenant_id="adfs", authority=authority,
            disable_instance_discovery=True, connection_verify=sim.ca,
        )
    return cred


@pytest.fixture(scope="module")
def clients(sim, cloud, credential):
    common = dict(base_url=sim.arm, credential_scopes=[cloud["audience"].rstrip("/") + "/.default"],
                  connection_verify=sim.ca, polling_interval=POLL)
    sub = next(iter(SubscriptionClient(credential, profile=PROFILE, **common).subscriptions.list()))
    sid = sub.subscription_id
    return {
        "sub": sub,
        "resource": ResourceManagementClient(credential, sid, profile=PROFILE, **common),
        "compute": ComputeManagementClient(credential, sid, profile=PROFILE, **common),
        "network": NetworkManagementClient(credential, sid, profile=PROFILE, **common),
        "storage": StorageManagementClient(credential, sid, api_version="2019-06-01", **common),
    }


@pytest.fixture(scope="module")
def state():
    return {}


def _urls(sim, start, method=None):
    return [t["liveRequest"]["url"] for t in sim.traffic()[start:] if method is None or t["liveRequest"]["method"] == method]


def test_sign_in_and_subscription(sim, cloud, credential, clients):
    tok = credential.get_token(cloud["audience"].rstrip("/") + "/.default")
    assert tok.token and tok.expires_on > time.time() + 300
    sub = clients["sub"]
    assert sub.display_name == "Default Provider Subscription" and sub.state == "Enabled"
    assert sub.subscription_id.lower() == sim.info["subscription_id"].lower()
    urls = _urls(sim, 0)
    assert any("/adfs/oauth2/token" in u for u in urls), urls
    assert any("/subscriptions?api-version=2016-06-01" in u for u in urls), urls


def test_resource_group(sim, clients):
    rg = clients["resource"].resource_groups.create_or_update(RG, {"location": LOCATION})
    assert rg.name == RG and rg.location == LOCATION and rg.properties.provisioning_state == "Succeeded"
    assert any(f"/resourcegroups/{RG}?api-version=2018-05-01" in u.lower() for u in _urls(sim, 0, "PUT"))


def test_storage_account_and_keys(sim, clients, state):
    storage = clients["storage"]
    sa = storage.storage_accounts.begin_create(
        RG, SA, {"sku": {"name": "Standard_LRS"}, "kind": "Storage", "location": LOCATION}
    ).result()
    assert sa.provisioning_state == "Succeeded" and sa.kind == "Storage" and sa.sku.name == "Standard_LRS"
    keys = storage.storage_accounts.list_keys(RG, SA).keys
    assert [k.key_name for k in keys] == ["key1", "key2"]
    state["key"] = keys[0].value
    state["blob_endpoint"] = sa.primary_endpoints.blob
    assert any("/storageAccounts/" in u and "api-version=2019-06-01" in u for u in _urls(sim, 0, "PUT"))


def test_upload_fixed_vhd_page_blob(sim, state):
    # The device's blob endpoint, path-style (https://127.0.0.1:<port>/<account>), so no hosts-file entry.
    svc = BlobServiceClient(f"https://127.0.0.1:{sim.port}/{SA}", credential={"account_name": SA, "account_key": state["key"]},
                            api_version="2019-07-07", connection_verify=sim.ca)
    container = svc.get_container_client(CONTAINER)
    container.create_container()
    data = b"\0" * VHD_DATA + fixed_vhd_footer(VHD_DATA)
    blob = container.get_blob_client(BLOB)
    blob.upload_blob(data, blob_type=BlobType.PageBlob)
    props = blob.get_blob_properties()
    assert props.blob_type == BlobType.PageBlob and props.size == VHD_DATA + 512
    assert blob.download_blob(offset=VHD_DATA, length=512).readall()[:8] == b"conectix"
    state["blob_uri"] = f"{state['blob_endpoint'].rstrip('/')}/{CONTAINER}/{BLOB}"


def test_image_from_blob(sim, clients, state):
    img = clients["compute"].images.begin_create_or_update(RG, IMAGE, {
        "location": LOCATION,
        "storage_profile": {"os_disk": {"os_type": "Linux", "os_state": "Generalized", "blob_uri": state["blob_uri"],
                                        "caching": "ReadWrite"}},
    }).result()
    assert img.provisioning_state == "Succeeded"
    assert img.storage_profile.os_disk.blob_uri == state["blob_uri"]
    state["image_id"] = img.id


def test_nic_static_ip(sim, clients, state):
    network = clients["network"]
    vnet = network.virtual_networks.get("ASERG", "ASEVNET")
    subnet = network.subnets.get("ASERG", "ASEVNET", "ASEVNETsubNet")
    assert subnet.id in [s.id for s in vnet.subnets]
    nic = network.network_interfaces.begin_create_or_update(RG, NIC, {
        "location": LOCATION,
        "ip_configurations": [{"name": "ipconfig1", "subnet": {"id": subnet.id},
                               "private_ip_allocation_method": "Static", "private_ip_address": NIC_IP}],
    }).result()
    assert nic.provisioning_state == "Succeeded"
    assert nic.ip_configurations[0].private_ip_address == NIC_IP
    state["nic_id"] = nic.id


def _power(compute):
    iv = compute.virtual_machines.instance_view(RG, VM)
    return [s.code for s in iv.statuses if s.code.startswith("PowerState/")]


def test_vm_create(sim, clients, state):
    compute = clients["compute"]
    start = len(sim.traffic())
    vm = compute.virtual_machines.begin_create_or_update(RG, VM, {
        "location": LOCATION,
        "hardware_profile": {"vm_size": VM_SIZE},
        "storage_profile": {"image_reference": {"id": state["image_id"]}},
        "os_profile": {"computer_name": VM, "admin_username": "azureuser", "admin_password": "Sdk-" + uuid.uuid4().hex[:10] + "!"},
        "network_profile": {"network_interfaces": [{"id": state["nic_id"], "primary": True}]},
    }).result()
    assert vm.provisioning_state == "Succeeded" and vm.hardware_profile.vm_size == VM_SIZE
    assert any("/virtualMachines/" in u and "api-version=2017-12-01" in u for u in _urls(sim, start, "PUT"))
    assert _power(compute) == ["PowerState/running"]


def test_vm_tag(sim, clients):
    compute = clients["compute"]
    vm = compute.virtual_machines.get(RG, VM)
    vm.tags = {"who": "asegpu", "why": "sdk-sample"}
    vm = compute.virtual_machines.begin_create_or_update(RG, VM, vm).result()
    assert compute.virtual_machines.get(RG, VM).tags == {"who": "asegpu", "why": "sdk-sample"}


def test_power_operations(sim, clients):
    compute = clients["compute"]
    compute.virtual_machines.begin_deallocate(RG, VM).result()
    assert _power(compute) == ["PowerState/deallocated"]
    compute.virtual_machines.begin_start(RG, VM).result()
    assert _power(compute) == ["PowerState/running"]
    compute.virtual_machines.begin_restart(RG, VM).result()
    assert _power(compute) == ["PowerState/running"]
    compute.virtual_machines.begin_power_off(RG, VM).result()
    assert _power(compute) == ["PowerState/stopped"]


def test_list(sim, clients):
    compute = clients["compute"]
    assert [v.name for v in compute.virtual_machines.list(RG)] == [VM]
    assert VM in [v.name for v in compute.virtual_machines.list_all()]
    assert IMAGE in [i.name for i in compute.images.list_by_resource_group(RG)]


def test_delete_vm_and_group(sim, clients):
    compute = clients["compute"]
    compute.virtual_machines.begin_delete(RG, VM).result()
    with pytest.raises(ResourceNotFoundError):
        compute.virtual_machines.get(RG, VM)
    resource = clients["resource"]
    resource.resource_groups.begin_delete(RG).result()
    assert not resource.resource_groups.check_existence(RG)
    with pytest.raises(HttpResponseError):
        resource.resource_groups.get(RG)
