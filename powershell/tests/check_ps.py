#!/usr/bin/env python3
"""Static checks of the PowerShell side (no PowerShell needed), with tree-sitter-powershell.

The fallback of tests/check-ps.ps1 (PowerShell's own parser, reflection on the built binding): tests/run.sh
runs this file only where PowerShell cannot be installed and PyPI is reachable.

    python check_ps.py [powershell_dir]        (default: the folder above this file)

Checks:
  syntax        every .ps1/.psm1/.psd1 parses without ERROR/MISSING nodes
  ps51          no PowerShell 7-only syntax (?:, ??, ?., &&, ||) and no `[CmdletBinding()] param(` on one line
  exports       per module: FunctionsToExport (psd1) == Export-ModuleMember list == functions with comment-based help
  help          every public function has .SYNOPSIS and at least one .EXAMPLE
  verbs         every function (public or private) uses an approved verb (Get-Verb, Windows PowerShell 5.1 list)
  shouldprocess state-changing verbs declare SupportsShouldProcess and call $PSCmdlet.ShouldProcess
  binding       every [AseGpu.X], New-Object AseGpu.X, [AseGpu.X]::Member and member used on a binding-typed
                variable exists in the binding's C# source (every .cs file under src/)
  methods       every -Method 'StartX' passed to Invoke-AseSessionMethod is a public AseSession member
  workflow      tests/documented-workflow.ps1 (a script written the documented Az way) parses, uses the documented
                commands, and every command and parameter it uses is provided by AseGpu.AzCompat (functions,
                parameters, aliases, common parameters) or is a stock PowerShell command
  abi           the C# AseStatus enum and BindingAbiVersion match include/asegpu.h; every DllImport names a
                header function (header functions not bound yet are listed as a note)
Last line: "N passed, M failed"; exit code 1 on failure.
"""
import os
import re
import sys

import tree_sitter_powershell as tsp
from tree_sitter import Language, Parser

# Get-Verb on Windows PowerShell 5.1 (PowerShell 7 adds Build, Deploy: not used, so 5.1 does not warn).
APPROVED_VERBS = set("""
Add Clear Close Copy Enter Exit Find Format Get Hide Join Lock Move New Open Optimize Pop Push Redo Remove Rename
Reset Resize Search Select Set Show Skip Split Step Switch Undo Unlock Watch
Connect Disconnect Read Receive Send Write
Backup Checkpoint Compare Compress Convert ConvertFrom ConvertTo Dismount Edit Expand Export Group Import
Initialize Limit Merge Mount Out Publish Restore Save Sync Unpublish Update
Approve Assert Complete Confirm Deny Disable Enable Install Invoke Register Request Restart Resume Start Stop
Submit Suspend Uninstall Unregister Wait
Debug Measure Ping Repair Resolve Test Trace
Block Grant Protect Revoke Unblock Unprotect
Use
""".split())

# PSScriptAnalyzer UseShouldProcessForStateChangingFunctions.
STATE_CHANGING = {"New", "Set", "Remove", "Start", "Stop", "Restart", "Reset", "Update"}

# PowerShell variables (lower case) that hold binding objects, and their C# types.
BINDING_VARS = {
    "$session": ["AseSession"],
    "$jobsession": ["AseSession"],
    "$script:asesession": ["AseSession"],
    "$operation": ["AseOperation"],
    "$joboperation": ["AseOperation"],
    "$options": ["AseConnectOptions"],
    "$info": ["AseSessionInfo"],
    "$ev": ["AseProgressEvent"],
    "$progressevent": ["AseProgressEvent"],
    "$jobevent": ["AseProgressEvent"],
    "$group": ["AseResourceGroup"],
    "$inner": ["AseGpuException", "AseGpuLoadException"],
    "$report": ["AseGpuReport", "AsePreflightReport"],
    "$finding": ["AsePreflightFinding"],
    "$request": ["AseDeploymentRequest", "AseVmRequest", "AseGpuExtensionRequest", "AseImageRequest", "AseVhdUploadRequest"],
    "$vm": ["AseVmView"],
    "$extension": ["AseExtensionView"],
    "$updaterecord": ["AseUpdateRecord"],
}
INHERITED = {"Message", "InnerException", "Data", "GetType", "ToString", "StackTrace", "HResult"}

PARSER = Parser(Language(tsp.language()))


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, problems, notes=()):
        for n in notes:
            print(f"note {name}: {n}")
        if problems:
            self.failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print(f"     {p}")
        else:
            self.passed += 1
            print(f"ok   {name}")


def walk(node):
    yield node
    for c in node.children:
        yield from walk(c)


def text(node):
    return node.text.decode("utf-8", "replace")


def first_problem(node):
    if node.is_error or node.is_missing:
        return node
    if not node.has_error:
        return None
    for c in node.children:
        p = first_problem(c)
        if p is not None:
            return p
    return None


def strip_strings_and_comments(src):
    src = re.sub(r"<#.*?#>", "", src, flags=re.S)
    src = re.sub(r"@'.*?'@", "''", src, flags=re.S)
    src = re.sub(r'@".*?"@', '""', src, flags=re.S)
    src = re.sub(r"'(?:[^']|'')*'", "''", src)
    src = re.sub(r'"(?:[^"`]|`.)*"', '""', src)
    src = re.sub(r"#[^\n]*", "", src)
    return src


def functions(tree):
    """(name, node) for every function_statement."""
    out = []
    for n in walk(tree.root_node):
        if n.type == "function_statement":
            name = next((text(c) for c in n.children if c.type == "function_name"), None)
            out.append((name, n))
    return out


def cmdletbinding_args(fn_node):
    for n in walk(fn_node):
        if n.type == "attribute":
            an = next((c for c in n.children if c.type == "attribute_name"), None)
            if an is not None and text(an).lower() == "cmdletbinding":
                return text(n)
    return None


def quoted_list(src, key):
    m = re.search(key + r"\s*=\s*@\((.*?)\)", src, flags=re.S | re.I)
    if not m:
        return None
    return re.findall(r"'([^']+)'|\"([^\"]+)\"", m.group(1))


def names(pairs):
    return [a or b for a, b in pairs]


def class_body(cs, cls):
    m = re.search(r"\b(?:class|enum|struct|interface)\s+" + re.escape(cls) + r"\b[^{]*\{", cs)
    if not m:
        return None
    depth, i = 1, m.end()
    while i < len(cs) and depth:
        if cs[i] == "{":
            depth += 1
        elif cs[i] == "}":
            depth -= 1
        i += 1
    return cs[m.end():i]


def has_public_member(cs, cls, member):
    body = class_body(cs, cls)
    if body is None:
        return False
    return re.search(r"\bpublic\b[^;{}=]*?\b" + re.escape(member) + r"\b\s*(\(|\{|=|;)", body) is not None


def binding_source(root):
    """The binding's C# source: every .cs file under src/ (one file today; the source may be split)."""
    parts = []
    for d, dirs, fs in os.walk(os.path.join(root, "src")):
        dirs[:] = sorted(x for x in dirs if x not in ("bin", "obj"))
        for f in sorted(fs):
            if f.endswith(".cs"):
                parts.append(open(os.path.join(d, f), encoding="utf-8").read())
    return "\n".join(parts)


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    repo = os.path.dirname(root)
    cs = binding_source(root)
    c = Checks()

    files = []
    for d, dirs, fs in os.walk(root):
        dirs[:] = [x for x in dirs if x not in ("bin", "obj", ".git")]
        for f in sorted(fs):
            if f.endswith((".ps1", ".psm1", ".psd1")):
                files.append(os.path.join(d, f))
    files.sort()
    trees = {}
    syntax = []
    for f in files:
        src = open(f, "rb").read()
        tree = PARSER.parse(src)
        trees[f] = (tree, src.decode("utf-8-sig"))
        p = first_problem(tree.root_node)
        if p is not None:
            r, col = p.start_point
            syntax.append(f"{os.path.relpath(f, root)}:{r + 1}:{col + 1}: {'missing ' + p.type if p.is_missing else 'syntax error'} near {text(p)[:60]!r}")
    c.check(f"syntax ({len(files)} files)", syntax)

    ps51 = []
    for f, (tree, src) in trees.items():
        rel = os.path.relpath(f, root)
        for i, line in enumerate(src.splitlines(), 1):
            if re.search(r"\[CmdletBinding\([^\]]*\)\]\s*param\s*\(", line, re.I):
                ps51.append(f"{rel}:{i}: [CmdletBinding()] and param( on one line (tree-sitter blind spot)")
        code = strip_strings_and_comments(src)
        for tok, what in (("??", "null-coalescing ??"), ("?.", "null-conditional ?."), ("&&", "pipeline chain &&"), ("||", "pipeline chain ||")):
            if tok in code:
                ps51.append(f"{rel}: {what} is PowerShell 7 only")
        for n in walk(tree.root_node):
            if "ternary" in n.type:
                ps51.append(f"{rel}:{n.start_point[0] + 1}: ternary ? : is PowerShell 7 only")
    c.check("PowerShell 5.1 syntax", ps51)

    exports, helps, verbs, sp = [], [], [], []
    bind = []
    for manifest in [f for f in files if f.endswith(".psd1")]:
        mod_dir = os.path.dirname(manifest)
        msrc = trees[manifest][1]
        rel = os.path.relpath(manifest, root)
        root_module = re.search(r"RootModule\s*=\s*'([^']+)'", msrc)
        if not root_module:
            exports.append(f"{rel}: no RootModule")
            continue
        psm1 = os.path.join(mod_dir, root_module.group(1))
        if psm1 not in trees:
            exports.append(f"{rel}: RootModule {root_module.group(1)} not found")
            continue
        if "CompatiblePSEditions" not in msrc or "'Desktop'" not in msrc or "'Core'" not in msrc:
            exports.append(f"{rel}: CompatiblePSEditions must list Desktop and Core")
        for key in ("CmdletsToExport", "VariablesToExport", "AliasesToExport"):
            if re.search(key + r"\s*=\s*'\*'", msrc):
                exports.append(f"{rel}: {key} must be an explicit list, not '*'")
        for fmt in names(quoted_list(msrc, "FormatsToProcess") or []):
            if not os.path.exists(os.path.join(mod_dir, fmt)):
                exports.append(f"{rel}: FormatsToProcess {fmt} not found")
        manifest_list = quoted_list(msrc, "FunctionsToExport")
        if manifest_list is None:
            exports.append(f"{rel}: FunctionsToExport must be an explicit @(...) list")
            continue
        manifest_fns = set(names(manifest_list))
        tree, src = trees[psm1]
        emm = re.search(r"Export-ModuleMember\s+-Function\s+@\((.*?)\)", src, flags=re.S)
        emm_fns = set(re.findall(r"'([^']+)'", emm.group(1))) if emm else set()
        fns = functions(tree)
        public = {n for n, node in fns if re.search(r"\.SYNOPSIS", text(node))}
        defined = {n for n, _ in fns}
        mrel = os.path.relpath(psm1, root)
        if manifest_fns != public:
            exports.append(f"{mrel}: FunctionsToExport {sorted(manifest_fns)} != public (documented) functions {sorted(public)}")
        if emm and emm_fns != manifest_fns:
            exports.append(f"{mrel}: Export-ModuleMember {sorted(emm_fns)} != FunctionsToExport {sorted(manifest_fns)}")
        for n in manifest_fns - defined:
            exports.append(f"{mrel}: exported function {n} is not defined")
        for name, node in fns:
            body = text(node)
            if name in public:
                if ".EXAMPLE" not in body:
                    helps.append(f"{mrel}: {name} has no .EXAMPLE in its comment-based help")
            verb = name.split("-", 1)[0] if "-" in name else None
            if verb not in APPROVED_VERBS:
                verbs.append(f"{mrel}: {name}: verb {verb!r} is not approved (Get-Verb)")
            cb = cmdletbinding_args(node) or ""
            declares = "supportsshouldprocess" in cb.lower()
            calls = "$pscmdlet.shouldprocess(" in body.lower()
            if verb in STATE_CHANGING and not declares:
                sp.append(f"{mrel}: {name} changes state ({verb}) but does not declare SupportsShouldProcess")
            if declares and not calls:
                sp.append(f"{mrel}: {name} declares SupportsShouldProcess but never calls $PSCmdlet.ShouldProcess")
            if verb in ("Remove", "Stop") and name in public and not re.search(r"confirmimpact\s*=\s*'high'", cb.lower()):
                sp.append(f"{mrel}: {name} should set ConfirmImpact = 'High' (and offer -Force)")
        # Binding members named in the script.
        for n in walk(tree.root_node):
            if n.type == "type_literal":
                t = text(n)[1:-1]
                if t.startswith("AseGpu."):
                    cls = t.split(".", 1)[1]
                    if class_body(cs, cls) is None:
                        bind.append(f"{mrel}:{n.start_point[0] + 1}: type [{t}] is not in AseGpu.Interop.cs")
            elif n.type == "generic_token" and text(n).startswith("AseGpu."):
                cls = text(n).split(".", 1)[1]
                if class_body(cs, cls) is None:
                    bind.append(f"{mrel}:{n.start_point[0] + 1}: type {text(n)} is not in AseGpu.Interop.cs")
            elif n.type in ("invokation_expression", "member_access"):
                kids = n.children
                if len(kids) < 3:
                    continue
                target, member = kids[0], next((k for k in kids if k.type == "member_name"), None)
                if member is None:
                    continue
                mname = text(member)
                if mname.startswith("$"):
                    continue  # $obj.$name(...): dynamic; the names passed in are checked by the "methods" check
                if target.type == "type_literal" and text(target)[1:-1].startswith("AseGpu."):
                    cls = text(target)[1:-1].split(".", 1)[1]
                    if not has_public_member(cs, cls, mname):
                        bind.append(f"{mrel}:{n.start_point[0] + 1}: [AseGpu.{cls}]::{mname} is not a public member in AseGpu.Interop.cs")
                elif target.type == "variable" and text(target).lower() in BINDING_VARS:
                    classes = BINDING_VARS[text(target).lower()]
                    if mname not in INHERITED and not any(has_public_member(cs, k, mname) for k in classes):
                        bind.append(f"{mrel}:{n.start_point[0] + 1}: {text(target)}.{mname}: no public member {mname} in {'/'.join(classes)}")
        for m in re.finditer(r"'AseGpu\.(\w+)'\s*-as\s*\[type\]", src):
            if class_body(cs, m.group(1)) is None:
                bind.append(f"{mrel}: 'AseGpu.{m.group(1)}' -as [type]: no such type")
    c.check("exports (FunctionsToExport == Export-ModuleMember == documented functions)", exports)
    c.check("comment-based help with .EXAMPLE", helps)
    c.check("approved verbs", verbs)
    c.check("SupportsShouldProcess on state-changing functions", sp)
    c.check("binding members used by the modules exist in AseGpu.Interop.cs", bind)

    methods = []
    for f, (tree, src) in trees.items():
        if not f.endswith(".psm1"):
            continue
        for m in re.finditer(r"-Method\s+'(\w+)'", src):
            if not has_public_member(cs, "AseSession", m.group(1)):
                line = src[:m.start()].count("\n") + 1
                methods.append(f"{os.path.relpath(f, root)}:{line}: -Method '{m.group(1)}' is not a public AseSession member")
    c.check("methods passed to Invoke-AseSessionMethod exist on AseSession", methods)

    workflow, wnotes = check_workflow(root, trees)
    c.check("documented workflow script: every command and parameter is provided by AseGpu.AzCompat", workflow, wnotes)

    # C# binding vs the header.
    abi = []
    notes = []
    header = open(os.path.join(repo, "include", "asegpu.h"), encoding="utf-8").read()
    h_status = {m.group(1): int(m.group(2)) for m in re.finditer(r"ASEGPU_STATUS_(\w+)\s*=\s*(\d+)", header)}
    enum_body = class_body(cs, "AseStatus") or ""
    c_status = {}
    for m in re.finditer(r"(\w+)\s*=\s*(\d+)", enum_body):
        snake = re.sub(r"(?<!^)([A-Z])", r"_\1", m.group(1)).upper()
        c_status[snake] = int(m.group(2))
    if h_status != c_status:
        missing = {k: v for k, v in h_status.items() if c_status.get(k) != v}
        extra = {k: v for k, v in c_status.items() if h_status.get(k) != v}
        abi.append(f"AseStatus differs from the header: header-only/different {missing}, C#-only/different {extra}")
    h_abi = re.search(r"#define\s+ASEGPU_ABI_VERSION\s+(\d+)", header)
    c_abi = re.search(r"BindingAbiVersion\s*=\s*(\d+)", cs)
    if not h_abi or not c_abi or h_abi.group(1) != c_abi.group(1):
        abi.append(f"ABI version: header {h_abi and h_abi.group(1)} vs binding {c_abi and c_abi.group(1)}")
    h_funcs = set(re.findall(r"\b(asegpu_\w+)\s*\(", header))
    c_funcs = set(re.findall(r"static\s+extern\s+[\w\[\]]+\s+(asegpu_\w+)\s*\(", cs))
    for f in sorted(c_funcs - h_funcs):
        abi.append(f"DllImport {f} is not in include/asegpu.h")
    unbound = sorted(h_funcs - c_funcs)
    if unbound:
        notes.append("header functions without a binding yet: " + ", ".join(unbound))
    c.check("C# binding matches include/asegpu.h (status values, ABI version, function names)", abi, notes)

    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


COMMON_PARAMETERS = {p.lower() for p in (
    "Verbose Debug ErrorAction WarningAction InformationAction ProgressAction ErrorVariable WarningVariable "
    "InformationVariable OutVariable OutBuffer PipelineVariable").split()}
SHOULD_PROCESS_PARAMETERS = {"whatif", "confirm"}
# Stock commands a documented script may use besides the Az ones (their parameters are not checked).
STOCK_COMMANDS = {c.lower() for c in (
    "Get-Credential ConvertTo-SecureString New-Object Write-Output Write-Host Write-Verbose Write-Warning Join-Path "
    "Split-Path Test-Path Get-Content Set-Content ConvertFrom-Json ConvertTo-Json Select-Object Where-Object "
    "ForEach-Object Format-Table Format-List Out-Null Start-Sleep Import-Module Get-Date").split()}
# The documented flow (ase-workflow.md; issue 5): these commands must appear in the script.
WORKFLOW_REQUIRED = ["Add-AzEnvironment", "Connect-AzAccount", "New-AzResourceGroupDeployment", "Set-AzVMExtension", "Get-AzVM"]


def function_parameters(fn_node):
    """{lower-case name or alias} of a function's param block, and whether it declares SupportsShouldProcess."""
    names = set()
    for n in walk(fn_node):
        if n.type == "script_parameter":
            var = next((c for c in n.children if c.type == "variable"), None)
            if var is not None:
                names.add(text(var)[1:].lower())
            for a in walk(n):
                if a.type == "attribute" and re.match(r"\[\s*Alias\s*\(", text(a), re.I):
                    names.update(x.lower() for x in re.findall(r"'([^']+)'|\"([^\"]+)\"", text(a)) for x in x if x)
    sp = "supportsshouldprocess" in (cmdletbinding_args(fn_node) or "").lower()
    return names, sp


def check_workflow(root, trees):
    problems, notes = [], []
    script = os.path.join(root, "tests", "documented-workflow.ps1")
    compat = os.path.join(root, "AseGpu.AzCompat", "AseGpu.AzCompat.psm1")
    if script not in trees:
        return [f"{os.path.relpath(script, root)} is missing"], notes
    if compat not in trees:
        return [f"{os.path.relpath(compat, root)} is missing"], notes
    ctree, csrc = trees[compat]
    manifest = os.path.join(root, "AseGpu.AzCompat", "AseGpu.AzCompat.psd1")
    exported = {n.lower() for n in names(quoted_list(trees[manifest][1], "FunctionsToExport") or [])} if manifest in trees else set()
    provided = {}
    for name, node in functions(ctree):
        if name.lower() in exported:
            provided[name.lower()] = function_parameters(node)
    stree, ssrc = trees[script]
    rel = os.path.relpath(script, root)
    used = set()
    for n in walk(stree.root_node):
        if n.type != "command":
            continue
        cn = next((c for c in n.children if c.type == "command_name"), None)
        if cn is None:
            continue
        cmd = text(cn)
        line = n.start_point[0] + 1
        used.add(cmd.lower())
        if cmd.lower() in STOCK_COMMANDS:
            continue
        if cmd.lower() not in provided:
            problems.append(f"{rel}:{line}: command {cmd} is not exported by AseGpu.AzCompat")
            continue
        params, sp = provided[cmd.lower()]
        elements = next((c for c in n.children if c.type == "command_elements"), None)
        for e in (elements.children if elements is not None else []):
            if e.type != "command_parameter":
                continue
            pname = text(e).lstrip("-").rstrip(":").lower()
            if pname in params or pname in COMMON_PARAMETERS or (sp and pname in SHOULD_PROCESS_PARAMETERS):
                continue
            problems.append(f"{rel}:{e.start_point[0] + 1}: {cmd} has no parameter -{text(e).lstrip('-').rstrip(':')} in AseGpu.AzCompat")
    for req in WORKFLOW_REQUIRED:
        if req.lower() not in used:
            problems.append(f"{rel}: the documented workflow uses {req}, the script does not")
    if "CreateVM.json" not in ssrc or "CreateVM.parameters.json" not in ssrc:
        problems.append(f"{rel}: the script must deploy the real CreateVM.json with CreateVM.parameters.json")
    notes.append(f"{len(used)} distinct commands in {rel}; parameters must be spelled in full (no prefix abbreviations)")
    return problems, notes


# Mutations of the real sources that each check must catch (run with --self-test).
MUTATIONS = [
    ("syntax", "AseGpu/AseGpu.psm1", "function Disconnect-AseDevice {", "function Disconnect-AseDevice {{"),
    ("PowerShell 5.1 syntax", "AseGpu/AseGpu.psm1", "if (-not $Activity) { $Activity = $Operation.Name }", "$Activity = $Activity ?? $Operation.Name"),
    ("PowerShell 5.1 syntax", "AseGpu/AseGpu.psm1", "    [CmdletBinding()]\n    [OutputType([void])]\n    param()", "    [CmdletBinding()] param()"),
    ("exports", "AseGpu/AseGpu.psd1", "        'Get-AseContext'\n", ""),
    ("comment-based help", "AseGpu/AseGpu.psm1", "    .EXAMPLE\n    Disconnect-AseDevice", "    Disconnect-AseDevice"),
    ("approved verbs", "AseGpu/AseGpu.psm1", "function Write-AseProgressEvent", "function Emit-AseProgressEvent"),
    ("SupportsShouldProcess", "AseGpu/AseGpu.psm1", "    [CmdletBinding(SupportsShouldProcess)]\n    [OutputType([AseGpu.AseResourceGroup])]", "    [CmdletBinding()]\n    [OutputType([AseGpu.AseResourceGroup])]"),
    ("binding members", "AseGpu/AseGpu.psm1", "$session.StartRemoveResourceGroup($Name)", "$session.StartDeleteResourceGroup($Name)"),
    ("binding members", "AseGpu/AseGpu.psm1", "[AseGpu.AseSession]::StartConnect(", "[AseGpu.AseSession]::BeginConnect("),
    ("binding members", "AseGpu/AseGpu.psm1", "New-Object AseGpu.AseConnectOptions", "New-Object AseGpu.AseConnectionOptions"),
    ("C# binding matches", "src/AseGpu.Interop.cs", "        NotFound = 30,", "        NotFound = 31,"),
    ("methods passed", "AseGpu/AseGpu.psm1", "-Method 'StartGetGpuAvailability'", "-Method 'StartGpuAvailability'"),
    ("binding members", "AseGpu/AseGpu.psm1", "$request.VnetResourceGroup =", "$request.VnetResourceGroupName ="),
    ("SupportsShouldProcess", "AseGpu/AseGpu.psm1", "    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]\n    [OutputType([AseGpu.AseVmView], [System.Management.Automation.Job])]", "    [CmdletBinding(SupportsShouldProcess)]\n    [OutputType([AseGpu.AseVmView], [System.Management.Automation.Job])]"),
    ("documented workflow", "AseGpu.AzCompat/AseGpu.AzCompat.psm1", "        [Alias('HandlerVersion', 'Version')]\n        [string]$TypeHandlerVersion,\n\n        [string]$Location,", "        [string]$HandlerVersion,\n\n        [string]$Location,"),
    ("documented workflow", "AseGpu.AzCompat/AseGpu.AzCompat.psd1", "        'Set-AzVMExtension'\n", ""),
    ("documented workflow", "tests/documented-workflow.ps1", "Get-AzVM -ResourceGroupName", "Get-AzVM -ResourceGroup"),
]


def self_test():
    import shutil
    import subprocess
    import tempfile
    here = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "include"))
        shutil.copy(os.path.join(os.path.dirname(here), "include", "asegpu.h"), os.path.join(tmp, "include"))
        for check, rel, old, new in MUTATIONS:
            work = os.path.join(tmp, "powershell")
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(here, work, ignore=shutil.ignore_patterns("cs"))
            path = os.path.join(work, rel)
            if rel.startswith("src/") and rel.endswith(".cs") and (not os.path.exists(path) or old not in open(path, encoding="utf-8").read()):
                # The C# source may have been split: seed the mistake in the file that holds the text.
                for d, _, fs in os.walk(os.path.join(work, "src")):
                    for f in fs:
                        if f.endswith(".cs") and old in open(os.path.join(d, f), encoding="utf-8").read():
                            path = os.path.join(d, f)
            src = open(path, encoding="utf-8").read()
            if old not in src:
                print(f"FAIL self-test: mutation source not found in {rel}: {old[:50]!r}")
                failures += 1
                continue
            open(path, "w", encoding="utf-8").write(src.replace(old, new, 1))
            out = subprocess.run([sys.executable, os.path.abspath(__file__), work], capture_output=True, text=True).stdout
            caught = any(l.startswith("FAIL " + check) for l in out.splitlines())
            print(("ok   " if caught else "FAIL ") + f"self-test: {check} catches {new.strip()[:50]!r} in {rel}")
            failures += 0 if caught else 1
    n = len(MUTATIONS)
    print(f"{n - failures} passed, {failures} failed")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(self_test() if "--self-test" in sys.argv else main())
