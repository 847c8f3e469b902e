"""End-to-end: the real Azure CLI (azure-cli 2.66.x, the last line with Azure Stack profiles) against
`asegpu-sim`, following the documented Azure Stack Edge CLI workflow (cloud register / set / update
--profile 2019-03-01-hybrid, login as EdgeArmUser, account show, resource groups).

Run through tests/azcli/run.sh, which installs the CLI into a cached venv and runs this file with it.

Environment:
  ASEGPU_SIM_BIN   the emulator binary (default: <repo>/target/debug/asegpu-sim)
  ASEGPU_AZ        the az executable (default: the `az` next to this Python, else on PATH)
  ASEGPU_AZCLI_REQUIRED=1   fail instead of skip when az is missing (run.sh sets it)
"""

import json
import os
import queue
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SIM_BIN = Path(os.environ.get("ASEGPU_SIM_BIN") or REPO_ROOT / "target" / "debug" / "asegpu-sim")
TENANT_ID = "c0257de7-538f-415c-993a-1b87a031879d"
SUBSCRIPTION_NAME = "Default Provider Subscription"
USER = "EdgeArmUser"
CLOUD = "asegpu-sim"
PROFILE = "2019-03-01-hybrid"
AZ_TIMEOUT = 120  # seconds per az command; a cold az start takes a few seconds on 2 cores
SIM_READY_TIMEOUT = 30
# Delete takes 30 emulated seconds; at 10x that is 3 real seconds, so with Retry-After: 1 the CLI
# polls the operation at least once while it is still in progress.
TIME_SCALE = "10"


def _find_az():
    explicit = os.environ.get("ASEGPU_AZ")
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "az"
    if beside.exists():
        return str(beside)
    return shutil.which("az")


AZ = _find_az()
if not AZ:
    if os.environ.get("ASEGPU_AZCLI_REQUIRED") == "1":
        raise RuntimeError("az not found: run tests/azcli/install.sh or set ASEGPU_AZ")
    pytest.skip("Azure CLI not installed (run tests/azcli/run.sh)", allow_module_level=True)


class _Password:
    """Stands for the ARM password in az arguments, so it appears in no frame pytest prints."""

    def __repr__(self):
        return "***"


PASSWORD = _Password()


class AzResult:
    def __init__(self, args, proc, secret):
        self.args = args
        self.rc = proc.returncode
        self.stdout = proc.stdout.replace(secret, "***") if secret else proc.stdout
        self.stderr = proc.stderr.replace(secret, "***") if secret else proc.stderr

    def describe(self):
        return f"az {' '.join(self.args)} -> exit {self.rc}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"

    def json(self):
        try:
            return json.loads(self.stdout)
        except ValueError as e:
            raise AssertionError(f"not JSON ({e}):\n{self.describe()}") from None


class Env:
    """The running emulator plus an isolated Azure CLI configuration."""

    def __init__(self, info, password, config_dir, traffic_file):
        self.info = info
        self.password = password
        self.config_dir = config_dir
        self.traffic_file = traffic_file
        self.base_env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AZURE_", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "ARM_"))
            # az is ~700 MB of Python installed without .pyc files (install.sh): let it cache the modules
            # it compiles in its own venv, or every az call recompiles them.
            and k != "PYTHONDONTWRITEBYTECODE"
        }
        self.base_env.update(
            AZURE_CONFIG_DIR=str(config_dir),
            REQUESTS_CA_BUNDLE=info["ca_cert"],
            AZURE_CORE_COLLECT_TELEMETRY="false",
            AZURE_CORE_NO_COLOR="true",
            AZURE_CORE_SURVEY_MESSAGE="false",
            AZURE_CORE_LOGIN_EXPERIENCE_V2="off",
            AZURE_CORE_DISABLE_PROGRESS_BAR="true",
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
        )

    def az(self, *args, output="json", timeout=AZ_TIMEOUT):
        """Run az; PASSWORD in args is replaced by the password, which is redacted from the result."""
        args = list(args) + (["-o", output] if output else [])
        shown = [repr(a) if a is PASSWORD else a for a in args]
        proc = None
        try:
            proc = subprocess.run(
                [AZ, *(self.password if a is PASSWORD else a for a in args)],
                env=self.base_env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            pass  # reported below, outside the handler: the exception's text holds the command line
        if proc is None:
            pytest.fail(f"az {' '.join(shown)} timed out after {timeout}s")
        return AzResult(shown, proc, self.password)

    def ok(self, *args, **kw):
        r = self.az(*args, **kw)
        assert r.rc == 0, r.describe()
        return r

    def traffic(self):
        """The emulator's recorded request/response pairs (token bodies and Authorization are not recorded)."""
        lines = self.traffic_file.read_text().splitlines() if self.traffic_file.exists() else []
        return [json.loads(l) for l in lines if l.strip()]


def _read_first_line(stream, timeout):
    q = queue.Queue()
    threading.Thread(target=lambda: q.put(stream.readline()), daemon=True).start()
    try:
        return q.get(timeout=timeout)
    except queue.Empty:
        return None


@pytest.fixture(scope="session")
def env(tmp_path_factory):
    if not SIM_BIN.exists():
        pytest.fail(f"{SIM_BIN} not found: run `cargo build --bins` (or set ASEGPU_SIM_BIN)")
    work = tmp_path_factory.mktemp("sim")
    config_dir = tmp_path_factory.mktemp("azure-config")
    traffic = work / "traffic.jsonl"
    password = "Ase-" + secrets.token_urlsafe(18)
    sim_env = dict(os.environ, ASEGPU_SIM_PASSWORD=password)  # never on the command line
    sim_env.setdefault("RUST_LOG", "warn")
    stderr_path = work / "sim.stderr"
    with open(stderr_path, "wb") as stderr:
        proc = subprocess.Popen(
            [str(SIM_BIN), "--port", "0", "--work-dir", str(work), "--api-versions", "strict",
             "--retry-after", "1", "--time-scale", TIME_SCALE, "--record-traffic", str(traffic)],
            env=sim_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, text=True,
        )
    try:
        line = _read_first_line(proc.stdout, SIM_READY_TIMEOUT)
        if not line:
            proc.kill()
            proc.wait()
            log = stderr_path.read_text(errors="replace").replace(password, "***")
            pytest.fail(f"asegpu-sim did not become ready (exit {proc.returncode}):\n{log[-4000:]}")
        info = json.loads(line)
        yield Env(info, password, config_dir, traffic)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="session")
def cloud(env):
    """The documented cloud setup: register with the ARM endpoint, select it, switch to the hybrid profile."""
    arm = env.info["arm_endpoint_ip"]
    env.ok("cloud", "register", "-n", CLOUD, "--endpoint-resource-manager", arm, output=None)
    env.ok("cloud", "set", "-n", CLOUD, output=None)
    env.ok("cloud", "update", "--profile", PROFILE, output=None)
    return CLOUD


@pytest.fixture(scope="session")
def login(env, cloud):
    r = env.ok("login", "-u", USER, "-p", PASSWORD)
    return r.json()


@pytest.fixture(scope="session")
def subscription_id(login):
    return login[0]["id"]


def _rg_id(sub, name):
    return f"/subscriptions/{sub}/resourceGroups/{name}"


def test_cloud_registered(env, cloud):
    c = env.ok("cloud", "show", "-n", cloud).json()
    assert c["name"] == cloud
    assert c["isActive"] is True
    assert c["profile"] == PROFILE
    ep = c["endpoints"]
    assert ep["resourceManager"].rstrip("/") == env.info["arm_endpoint_ip"].rstrip("/")
    # From /metadata/endpoints: AD FS on the same origin, so the CLI takes the AD FS (not Entra ID) path.
    assert ep["activeDirectory"].rstrip("/").lower() == (env.info["arm_endpoint_ip"] + "adfs").lower()
    assert ep["activeDirectoryResourceId"].rstrip("/") == env.info["arm_endpoint_ip"].rstrip("/")
    assert ep["activeDirectoryGraphResourceId"]
    listed = {x["name"]: x for x in env.ok("cloud", "list").json()}
    assert listed[cloud]["isActive"] is True


def test_login_wrong_password(env, cloud):
    # Runs before the successful login (file order); the session fixtures keep the rest independent.
    r = env.az("login", "-u", USER, "-p", "Wrong-" + secrets.token_hex(8))
    assert r.rc != 0, r.describe()
    assert "MSIS9659" in r.stderr, r.describe()
    assert "Invalid 'username' or 'password'" in r.stderr, r.describe()
    assert "Traceback" not in r.stderr, r.describe()


def test_login(env, login):
    assert isinstance(login, list) and len(login) == 1, login
    s = login[0]
    assert s["name"] == SUBSCRIPTION_NAME
    assert s["tenantId"] == TENANT_ID
    assert s["user"] == {"name": USER, "type": "user"}
    assert s["state"] == "Enabled"
    assert s["isDefault"] is True
    assert s["id"].lower() == env.info["subscription_id"].lower()
    # The hybrid profile's Subscriptions api-version went over the wire (strict mode would refuse others).
    urls = [t["liveRequest"]["url"] for t in env.traffic()]
    assert any("/subscriptions?" in u and "api-version=2016-06-01" in u for u in urls), urls


def test_account_show(env, login):
    a = env.ok("account", "show").json()
    assert a["name"] == SUBSCRIPTION_NAME
    assert a["tenantId"] == TENANT_ID
    assert a["user"]["name"] == USER
    assert a["user"]["type"] == "user"
    assert a["environmentName"] == CLOUD
    assert a["id"].lower() == env.info["subscription_id"].lower()
    assert a["isDefault"] is True
    token = env.ok("account", "get-access-token").json()
    assert token["tenant"] == TENANT_ID and token["accessToken"] and token["tokenType"].lower() == "bearer"


def test_group_create(env, subscription_id):
    g = env.ok("group", "create", "-n", "rg1", "-l", "dbelocal").json()
    assert g["name"] == "rg1"
    assert g["location"] == "dbelocal"
    assert g["properties"]["provisioningState"] == "Succeeded"
    assert g["id"] == _rg_id(subscription_id, "rg1")
    assert g["type"] == "Microsoft.Resources/resourceGroups"
    # Re-creating is idempotent (200 instead of 201) and tags are applied.
    g2 = env.ok("group", "create", "-n", "rg1", "-l", "dbelocal", "--tags", "owner=asegpu").json()
    assert g2["name"] == "rg1" and g2["tags"] == {"owner": "asegpu"}
    puts = [t for t in env.traffic() if t["liveRequest"]["method"] == "PUT" and "/rg1?" in t["liveRequest"]["url"]]
    assert [t["liveResponse"]["statusCode"] for t in puts] == ["201", "200"]
    assert all("api-version=2018-05-01" in t["liveRequest"]["url"] for t in puts), puts


def test_group_create_wrong_location(env, subscription_id):
    r = env.az("group", "create", "-n", "rg2", "-l", "westus")
    assert r.rc != 0, r.describe()
    assert "LocationNotAvailableForResourceGroup" in r.stderr, r.describe()
    assert "dbelocal" in r.stderr, r.describe()
    assert "Traceback" not in r.stderr, r.describe()
    assert env.ok("group", "exists", "-n", "rg2").json() is False


def test_group_list(env, subscription_id):
    env.ok("group", "create", "-n", "Other-RG", "-l", "DBELocal")
    groups = env.ok("group", "list").json()
    by_name = {g["name"]: g for g in groups}
    assert {"rg1", "Other-RG"} <= set(by_name), groups
    assert by_name["rg1"]["location"] == "dbelocal"
    assert by_name["Other-RG"]["location"] == "dbelocal"
    assert by_name["Other-RG"]["id"] == _rg_id(subscription_id, "Other-RG")
    filtered = env.ok("group", "list", "--tag", "owner=asegpu").json()
    assert [g["name"] for g in filtered] == ["rg1"]


def test_group_show(env, subscription_id):
    g = env.ok("group", "show", "-n", "rg1").json()
    assert g["name"] == "rg1" and g["location"] == "dbelocal"
    assert g["properties"]["provisioningState"] == "Succeeded"
    # Names match case-insensitively and keep their stored casing.
    assert env.ok("group", "show", "-n", "RG1").json()["name"] == "rg1"


def test_group_show_missing(env, subscription_id):
    r = env.az("group", "show", "-n", "nope")
    assert r.rc == 3, r.describe()
    assert "ResourceGroupNotFound" in r.stderr, r.describe()
    assert "Resource group 'nope' could not be found." in r.stderr, r.describe()


def test_group_exists(env, subscription_id):
    assert env.ok("group", "exists", "-n", "rg1").json() is True
    assert env.ok("group", "exists", "-n", "nope").json() is False


def test_group_delete_long_running(env, subscription_id):
    start = len(env.traffic())
    t0 = time.monotonic()
    r = env.ok("group", "delete", "-n", "rg1", "--yes")
    elapsed = time.monotonic() - t0
    assert r.stdout.strip() in ("", "null"), r.describe()
    new = env.traffic()[start:]
    deletes = [t for t in new if t["liveRequest"]["method"] == "DELETE"]
    assert len(deletes) == 1, new
    resp = deletes[0]["liveResponse"]
    assert resp["statusCode"] == "202", resp
    location = resp["headers"]["location"]
    assert re.search(r"/subscriptions/[^/]+/operationresults/[^/?]+\?api-version=", location, re.I), location
    assert location.startswith(env.info["arm_endpoint_ip"]), location
    assert resp["headers"]["retry-after"] == "1"
    polls = [t for t in new if t["liveRequest"]["method"] == "GET" and "/operationresults/" in t["liveRequest"]["url"].lower()]
    codes = [p["liveResponse"]["statusCode"] for p in polls]
    # At least one in-progress poll (202 + Location + Retry-After), then completion (200).
    assert codes and codes[-1] == "200" and "202" in codes, codes
    assert all(p["liveResponse"]["headers"].get("retry-after") == "1" for p in polls if p["liveResponse"]["statusCode"] == "202")
    assert elapsed >= 1.0  # the CLI honoured Retry-After instead of returning at once
    assert env.ok("group", "exists", "-n", "rg1").json() is False
    assert "rg1" not in {g["name"] for g in env.ok("group", "list").json()}
    r = env.az("group", "show", "-n", "rg1")
    assert r.rc == 3 and "ResourceGroupNotFound" in r.stderr, r.describe()
