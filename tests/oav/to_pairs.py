#!/usr/bin/env python3
"""Turn asegpu-sim --record-traffic files (one {"liveRequest":...,"liveResponse":...} per line) into the array
format of oav's LiveValidator, keeping only the pairs whose operation has an OpenAPI file in the specs
directory (ARM-SPECS: Compute 2017-12-01/2017-03-30, Network 2017-10-01, Storage 2019-06-01, Resources
2020-06-01, Subscriptions 2016-06-01). Every dropped pair is counted with the reason.

usage: to_pairs.py OUT.json TRAFFIC.jsonl... ; prints the report on stdout, exits 2 when no pair is kept.
"""

import collections
import json
import re
import sys
from urllib.parse import parse_qs, urlsplit

# (namespace lower-case, api-version) pairs that have a spec file in shared/fixtures/arm-specs.
SPECS = {
    ("microsoft.compute", "2017-12-01"),
    ("microsoft.compute", "2017-03-30"),
    ("microsoft.network", "2017-10-01"),
    ("microsoft.storage", "2019-06-01"),
    ("microsoft.resources", "2020-06-01"),
    ("subscriptions", "2016-06-01"),
}
# Long-running-operation monitors: the URLs the service hands out in Location / Azure-AsyncOperation.
# The specs model the operation itself (x-ms-long-running-operation), not these status endpoints.
LRO_MONITOR = re.compile(r"/(operationresults|operationstatuses|asyncoperations)/|/locations/[^/]+/operations/", re.I)


def classify(pair):
    """(namespace, api-version) of an ARM operation, or (None, reason) for a pair to drop."""
    req = pair["liveRequest"]
    u = urlsplit(req["url"])
    path = re.sub("/+", "/", u.path)
    low = path.lower()
    first = low.split("/")[1] if low.count("/") else ""
    if first == "metadata":
        return None, "cloud metadata (/metadata/endpoints): not an ARM resource provider API"
    if first == "adfs":
        return None, "AD FS (OAuth2/OIDC): not ARM"
    if first == "_sim":
        return None, "emulator control API (/_sim)"
    if first not in ("subscriptions", "tenants", "providers"):
        return None, "blob data plane (path-style /<account>/...): not ARM"
    host = (u.hostname or "").lower()
    if ".blob." in host:
        return None, "blob data plane: not ARM"
    if LRO_MONITOR.search(path):
        return None, "long-running-operation status monitor (Location/Azure-AsyncOperation URL): no operation in the specs"
    version = (parse_qs(u.query).get("api-version") or [""])[0]
    segs = low.strip("/").split("/")
    if "providers" in segs and segs.index("providers") + 1 < len(segs):
        ns = segs[segs.index("providers") + 1]
    elif segs[0] == "tenants" or (segs[0] == "subscriptions" and (len(segs) <= 2 or segs[2] == "locations")):
        ns = "subscriptions"
    else:
        ns = "microsoft.resources"
    if (ns, version) not in SPECS:
        return None, f"{ns} api-version {version or '(none)'}: no spec file for this version"
    return (ns, version), None


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out, files = sys.argv[1], sys.argv[2:]
    kept, dropped = [], collections.Counter()
    kept_by = collections.Counter()
    for f in files:
        for line in open(f, encoding="utf-8"):
            if not line.strip():
                continue
            pair = json.loads(line)
            key, reason = classify(pair)
            if key is None:
                req = pair["liveRequest"]
                path = re.sub(r"[0-9a-fA-F-]{36}", "{id}", urlsplit(req["url"]).path)
                dropped[(reason, req["method"] + " " + re.sub("/+", "/", path))] += 1
                continue
            kept_by[key] += 1
            kept.append(pair)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(kept, fh)
    total = len(kept) + sum(dropped.values())
    print(f"traffic: {total} pair(s) in {len(files)} file(s); {len(kept)} kept for validation, {sum(dropped.values())} dropped")
    for (ns, v), n in sorted(kept_by.items()):
        print(f"  kept    {n:4d}  {ns} {v}")
    by_reason = collections.defaultdict(list)
    for (reason, what), n in dropped.items():
        by_reason[reason].append((what, n))
    for reason in sorted(by_reason):
        items = by_reason[reason]
        print(f"  dropped {sum(n for _, n in items):4d}  {reason}")
        for what, n in sorted(items)[:8]:
            print(f"            {n:4d}  {what}")
        if len(items) > 8:
            print(f"                  ... {len(items) - 8} more path(s)")
    return 0 if kept else 2


if __name__ == "__main__":
    sys.exit(main())
