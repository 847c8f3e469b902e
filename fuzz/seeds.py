#!/usr/bin/env python3
"""Deep and large seed inputs for the fuzz targets (issue 11), written to OUT_DIR/<target>/.

scripts/fuzz.sh runs this before fuzzing and passes OUT_DIR/<target> to libFuzzer as a second seed folder
(they are generated, not committed: most are tens of KB). Each stays within fuzz.sh's -max_len (64 KiB), so
libFuzzer reads it whole: deep enough to overflow the small stack the targets run on (fuzz/src/lib.rs
on_small_stack) if any recursion grows with the input, and on both sides of every limit of
crates/asegpu-core/src/template/limits.rs (JSON 64 levels, requests 72, expressions 64 levels and 24,576 characters,
evaluation 128 levels, values 4 MB).

Usage: fuzz/seeds.py OUT_DIR
"""
import json
import os
import sys

MAX_LEN = 64 * 1024
VM = "Microsoft.Compute/virtualMachines"


def nest(open_, middle, close, depth):
    return open_ * depth + middle + close * depth


def concat_expr(depth):
    return nest("concat(", "'a'", ")", depth)


def vm_named(expr):
    return '{"resources":[{"type":"%s","apiVersion":"2020-06-01","name":"[%s]","location":"dbelocal"}]}' % (VM, expr)


def arrays_template(depth):
    return '{"resources":[],"variables":{"v":%s}}' % nest("[", "1", "]", depth)


OBJECT_PARAM_TEMPLATE = '{"parameters":{"p":{"type":"object"}},"resources":[]}'


def deep_parameters(depth):
    return '{"$schema":"x","contentVersion":"1.0.0.0","parameters":{"p":{"value":%s}}}' % nest('{"a":', "1", "}", depth)


def variable_chain(n, wrap):
    """n variables, each `wrap` nested createArray() around the previous one: a value that grows by `wrap`
    levels per variable, evaluated from the far end."""
    vars_ = {"v0": 1}
    for i in range(1, n):
        vars_["v%d" % i] = "[%svariables('v%d')%s]" % ("createArray(" * wrap, i - 1, ")" * wrap)
    ordered = dict(reversed(list(vars_.items())))
    return json.dumps({"variables": ordered, "resources": [],
                       "outputs": {"o": {"type": "string", "value": "[string(variables('v%d'))]" % (n - 1)}}})


def eval_chain():
    """The deepest evaluation the limits allow (as crates/asegpu-core/src/template/limits.rs's stack test): variables that are
    each a 62-deep concat() around the next one, evaluated from the far end."""
    vars_ = {}
    for i in reversed(range(40)):
        inner = "'x'" if i == 39 else "variables('w%d')" % (i + 1)
        vars_["w%d" % i] = "[%s%s%s]" % ("concat(" * 62, inner, ")" * 62)
    return json.dumps({"variables": vars_, "resources": []})


def eval_mixed():
    """Literal arrays 60 deep around a 60-deep if() chain that refers to the next variable."""
    vars_ = {}
    for i in reversed(range(20)):
        inner = "'x'" if i == 19 else "variables('m%d')" % (i + 1)
        v = "[%sstring(%s)%s]" % ("if(true(), " * 60, inner, ", 0)" * 60)
        for _ in range(60):
            v = [v]
        vars_["m%d" % i] = v
    return json.dumps({"variables": vars_, "resources": []})


def doubling_chain(n):
    vars_ = {"s0": "0123456789abcdef"}
    for i in range(1, n):
        vars_["s%d" % i] = "[concat(variables('s%d'), variables('s%d'))]" % (i - 1, i - 1)
    return json.dumps({"variables": vars_, "resources": []})


def copy_bomb():
    inner = {"copy": [{"name": "c", "count": 800, "input": "[copyIndex('c')]"}]}
    mid = {"copy": [{"name": "b", "count": 800, "input": inner}]}
    outer = {"copy": [{"name": "a", "count": 800, "input": mid}]}
    return json.dumps({"variables": {"v": outer}, "resources": []})


def allocation_bombs():
    return [
        "[padLeft('a', 9223372036854775807)]",
        "[padLeft('a', 100000000)]",
        "[format('{0,2000000000}', 1)]",
        "[format('{0:D999999999}', 1)]",
        "[replace(replace(padLeft('a', 4000, 'a'), 'a', padLeft('b', 4000, 'b')), 'b', padLeft('c', 4000, 'c'))]",
        "[range(0, 10001)]",
    ]


def seeds():
    s = {}
    s["template_jsonc"] = {
        "deep-arrays-30000": nest("[", "1", "]", 30000),
        "deep-objects-10000": nest('{"a":', "1", "}", 10000),
        "deep-unterminated": "[" * 60000,
        "deep-mixed-comments": nest("[/*c*/{a:", "1", "},]", 5000),
        "edge-64-arrays": nest("[", "1", "]", 64),
        "edge-65-arrays": nest("[", "1", "]", 65),
        "edge-72-request": '{"properties":{"template":%s}}' % nest("[", "1", "]", 70),
        "long-string": '"%s"' % ("x" * 60000),
    }
    s["template_expr"] = {
        "concat-63": concat_expr(63),
        "concat-64": concat_expr(64),
        "concat-3000": concat_expr(3000),
        "concat-5000": concat_expr(5000),
        "property-chain-63": "parameters('o')" + ".k" * 62,
        "property-chain-12000": "parameters('o')" + ".k" * 12000,
        "index-chain-8000": "parameters('a')" + "[0]" * 8000,
        "nested-index-5000": "parameters('a')" + "[" * 5000 + "0" + "]" * 5000,
        "if-chain-2000": nest("if(true(), ", "1", ", 0)", 2000),
        "createarray-3000": nest("createArray(", "1", ")", 3000),
        "json-deep": "json('%s')" % nest("[", "1", "]", 10000),
        "long-24577": "concat('%s')" % ("x" * (24577 - 12)),
    }
    for i, e in enumerate(allocation_bombs()):
        s["template_expr"]["alloc-%d" % i] = e[1:-1]
    s["template_render"] = {
        "deep-concat-name-3000": vm_named(concat_expr(3000)),
        "deep-concat-name-5000": vm_named(concat_expr(5000)),
        "deep-arrays-30000": arrays_template(30000),
        "deep-parameters-10000": OBJECT_PARAM_TEMPLATE + "\0" + deep_parameters(10000),
        "variable-chain-40x60": variable_chain(40, 60),
        "doubling-chain-40": doubling_chain(40),
        "eval-chain-limit": eval_chain(),
        "eval-mixed-limit": eval_mixed(),
        "copy-bomb-800-cubed": copy_bomb(),
        "resource-copy-801": json.dumps({"resources": [
            {"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2019-03-01",
             "name": "[concat('n', copyIndex())]", "copy": {"name": "nics", "count": 800}},
            {"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2019-03-01", "name": "one"}]}),
    }
    for i, e in enumerate(allocation_bombs()):
        s["template_render"]["alloc-%d" % i] = json.dumps({"variables": {"v": e}, "resources": []})
    # ffi_session: byte 0 picks the function (3 preflight, 4 deployment create, 13 update resume), byte 1 the
    # flags (0: no NULLs, cancelled token: the template is planned, nothing is sent).
    def session(sel, request):
        return bytes([sel, 0]) + request.encode()
    def inline(template_text):
        return '{"resourceGroupName":"rg1","template":%s}' % template_text
    s["ffi_session"] = {
        "preflight-deep-arrays": session(3, inline(arrays_template(30000))),
        "preflight-deep-concat": session(3, inline(vm_named(concat_expr(3000)))),
        "preflight-inline-66": session(3, inline(arrays_template(66))),
        "preflight-count-max": session(3, '{"vmSize":"Standard_NC4as_T4_v3","count":4294967295}'),
        "preflight-count-25": session(3, '{"vmSize":"Standard_NC4as_T4_v3","count":25}'),
        "deploy-deep-concat": session(4, inline(vm_named(concat_expr(3000)))[:-1] + ',"name":"d"}'),
        "deploy-variable-chain": session(4, inline(variable_chain(40, 60))),
        "resume-deep": session(13, '{"subscriptionId":"x","stopped":%s}' % nest("[", "", "]", 30000)),
        "resume-unknown-field": session(13, '{"subscriptionId":"x","stopped":[{"resourceGroupName":"r","name":"v","vmSize":"s","extra":1}]}'),
    }
    # ffi_connect: byte 0 flags, then options JSON, NUL, password.
    s["ffi_connect"] = {
        "options-deep": b"\0" + nest("[", "", "]", 30000).encode() + b"\0pw",
        "options-deep-retry": b"\0" + ('{"armEndpoint":"https://x/","retry":%s}' % nest('{"a":', "1", "}", 10000)).encode() + b"\0pw",
        "options-retry-unknown": b"\0" + b'{"armEndpoint":"https://x/","retry":{"maxRetries":1,"bogus":1}}' + b"\0pw",
    }
    # sim_deployment_body: the request body.
    def body(template_text, parameters_text=None):
        p = ',"parameters":%s' % parameters_text if parameters_text else ""
        return '{"properties":{"mode":"Incremental","template":%s%s}}' % (template_text, p)
    s["sim_deployment_body"] = {
        "deep-concat": body(vm_named(concat_expr(3000))),
        "deep-arrays": body(arrays_template(30000)),
        "deep-parameters": body(OBJECT_PARAM_TEMPLATE, '{"p":{"value":%s}}' % nest('{"a":', "1", "}", 10000)),
        "deep-body": nest("[", "", "]", 30000),
        "variable-chain": body(variable_chain(40, 60)),
        "copy-bomb": body(copy_bomb()),
    }
    return s


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    n = 0
    for target, files in seeds().items():
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for name, data in files.items():
            if isinstance(data, str):
                data = data.encode()
            assert len(data) <= MAX_LEN, "%s/%s is %d bytes, over -max_len" % (target, name, len(data))
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            n += 1
    print("fuzz/seeds.py: %d seeds in %s" % (n, out))


if __name__ == "__main__":
    main()
