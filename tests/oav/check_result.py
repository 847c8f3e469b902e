#!/usr/bin/env python3
"""Read validate-example.mjs output, accept the problems listed in known-spec-quirks.json, print the result.

usage: check_result.py OAV_OUTPUT EXIT_STATUS QUIRKS.json  (exit 0 iff no violation remains)
"""

import fnmatch
import json
import re
import sys

FAIL = re.compile(r"^FAIL #(\d+) (\S+) (\S+) \(operation (\S+)\)$")
PROBLEM = re.compile(r"^  - (?:(request|response|runtime)(?: runtime)?: )?(\S+) (.*?)(?: at (\S*))?$")


def matches(q, op, code, msg, at):
    if not any(fnmatch.fnmatchcase(op, p) for p in q["operations"]):
        return False
    if code != q["code"]:
        return False
    if "at" in q and (at or "") != q["at"]:
        return False
    if "message" in q and not re.search(q["message"], msg):
        return False
    return True


def main():
    out_file, rc, quirks_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    quirks = json.load(open(quirks_file))["quirks"]
    lines = open(out_file, encoding="utf-8", errors="replace").read().splitlines()
    ok = quirky = bad = 0
    used = {}
    report = []
    cur = None
    summary_seen = False

    def close():
        nonlocal quirky, bad
        if cur is None:
            return
        label, probs = cur
        real = [p for p in probs if p[1] is None]
        if real:
            bad += 1
            report.append(f"FAIL {label}")
            report.extend(f"  - {text}" for text, _ in probs)
        else:
            quirky += 1
            for _, qid in probs:
                used[qid] = used.get(qid, 0) + 1

    for line in lines:
        m = FAIL.match(line)
        if m:
            close()
            cur = (f"#{m[1]} {m[2]} {re.sub(r'https://[^/]+', '', m[3])} (operation {m[4]})", [])
            op = m[4]
            continue
        if line.startswith("  - ") and cur is not None:
            p = PROBLEM.match(line)
            qid = None
            if p:
                for q in quirks:
                    if matches(q, op, p[2], p[3], p[4]):
                        qid = q["id"]
                        break
            cur[1].append((line[4:], qid))
            continue
        close()
        cur = None
        if line.startswith("ok   "):
            ok += 1
        elif re.match(r"^\d+ passed, \d+ failed$", line):
            summary_seen = True
        elif line.startswith("initialize:"):
            print(f"oav: {line}")
        elif line.strip():
            report.append(line)  # oav errors, stack traces
    close()
    for r in report:
        print(r)
    for qid, n in sorted(used.items()):
        why = next(q["why"] for q in quirks if q["id"] == qid)
        print(f"known spec quirk {qid}: {n} pair(s): {why}")
    if not summary_seen:
        print(f"oav: the validator did not finish (exit {rc})")
        return 1
    print(f"oav: {ok} pair(s) valid, {quirky} valid apart from known spec quirks, {bad} with violations")
    print(f"oav: {ok + quirky} passed, {bad} failed")
    return 1 if bad or (rc not in (0, 1)) else 0


if __name__ == "__main__":
    sys.exit(main())
