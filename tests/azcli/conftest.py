"""Shared machinery of the Azure CLI end-to-end tests (test_azcli.py, test_azcli_vm.py): the emulator, an
isolated Azure CLI configuration, and the documented cloud setup (register, set, update --profile
2019-03-01-hybrid, login as EdgeArmUser).

Each test module gets its own emulator (module-scoped fixtures), started with the module's
`SIM_TIME_SCALE` (emulated seconds per real second; default 10), in the default strict api-version mode.

Environment:
  ASEGPU_SIM_BIN   the emulator binary (default: <repo>/target/debug/asegpu-sim)
  ASEGPU_AZ        the az executable (default: the `az` next to this Python, else on PATH)
  ASEGPU_AZCLI_REQUIRED=1   fail instead of skip when az is missing (run.sh sets it)
  ASEGPU_TRAFFIC_DIR        keep each module's recorded traffic as <dir>/azcli-<module>.jsonl (run.sh sets it,
                            for the oav validation); otherwise it stays in pytest's temporary directory
"""

import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import threading
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
DEFAULT_TIME_SCALE = "10"


def _find_az():
    explicit = os.environ.get("ASEGPU_AZ")
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "az"
    if beside.exists():
        return str(beside)
    return shutil.which("az")


AZ = _find_az()
if not AZ and os.environ.get("ASEGPU_AZCLI_REQUIRED") == "1":
    raise RuntimeError("az not found: run tests/azcli/install.sh or set ASEGPU_AZ")


def pytest_collection_modifyitems(config, items):
    if not AZ:
        skip = pytest.mark.skip(reason="Azure CLI not installed (run tests/azcli/run.sh)")
        for item in items:
            item.add_marker(skip)


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

    @property
    def port(self):
        return int(self.info["listen"].rsplit(":", 1)[1])

    @property
    def storage_suffix(self):
        """`<device>.<domain>`: the blob endpoints are `<account>.blob.<suffix>` (as on a device)."""
        return f"{self.info['device_name']}.{self.info['dns_domain']}".lower()

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


@pytest.fixture(scope="module")
def env(request, tmp_path_factory):
    if not SIM_BIN.exists():
        pytest.fail(f"{SIM_BIN} not found: run `cargo build --workspace --bins` (or set ASEGPU_SIM_BIN)")
    module = request.module.__name__.rsplit(".", 1)[-1]
    time_scale = str(getattr(request.module, "SIM_TIME_SCALE", DEFAULT_TIME_SCALE))
    work = tmp_path_factory.mktemp("sim")
    config_dir = tmp_path_factory.mktemp("azure-config")
    traffic_dir = os.environ.get("ASEGPU_TRAFFIC_DIR")
    if traffic_dir:
        Path(traffic_dir).mkdir(parents=True, exist_ok=True)
        traffic = Path(traffic_dir) / f"azcli-{module}.jsonl"
        traffic.unlink(missing_ok=True)
    else:
        traffic = work / "traffic.jsonl"
    password = "Ase-" + secrets.token_urlsafe(18)
    sim_env = dict(os.environ, ASEGPU_SIM_PASSWORD=password)  # never on the command line
    sim_env.setdefault("RUST_LOG", "warn")
    stderr_path = work / "sim.stderr"
    with open(stderr_path, "wb") as stderr:
        proc = subprocess.Popen(
            [str(SIM_BIN), "--port", "0", "--work-dir", str(work), "--api-versions", "strict",
             "--retry-after", "1", "--time-scale", time_scale, "--record-traffic", str(traffic)],
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


@pytest.fixture(scope="module")
def cloud(env):
    """The documented cloud setup: register with the ARM endpoint (and the storage endpoint suffix, which the
    data-plane commands need), select it, switch to the hybrid profile."""
    arm = env.info["arm_endpoint_ip"]
    env.ok("cloud", "register", "-n", CLOUD, "--endpoint-resource-manager", arm,
           "--suffix-storage-endpoint", env.storage_suffix, output=None)
    env.ok("cloud", "set", "-n", CLOUD, output=None)
    env.ok("cloud", "update", "--profile", PROFILE, output=None)
    return CLOUD


@pytest.fixture(scope="module")
def login(env, cloud):
    r = env.ok("login", "-u", USER, "-p", PASSWORD)
    return r.json()


@pytest.fixture(scope="module")
def subscription_id(login):
    return login[0]["id"]
