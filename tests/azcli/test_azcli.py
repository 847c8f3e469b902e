"""End-to-end: the real Azure CLI (azure-cli 2.66.x, the last line with Azure Stack profiles) against
`asegpu-sim`, following the documented Azure Stack Edge CLI workflow (cloud register / set / update
--profile 2019-03-01-hybrid, login as EdgeArmUser, account show, resource groups).

Run through tests/azcli/run.sh, which installs the CLI into a cached venv and runs the tests with it.
Fixtures and environment variables: conftest.py.
"""

import re
import secrets
import time

from conftest import CLOUD, PASSWORD, PROFILE, SUBSCRIPTION_NAME, TENANT_ID, USER

# Delete takes 30 emulated seconds; at 10x that is 3 real seconds, so with Retry-After: 1 the CLI
# polls the operation at least once while it is still in progress.
SIM_TIME_SCALE = "10"


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
