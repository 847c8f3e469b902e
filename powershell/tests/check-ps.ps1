#Requires -Version 7.2
<#
.SYNOPSIS
Static checks of the PowerShell side with PowerShell's own parser (the successor of check_ps.py).

.DESCRIPTION
Parses every .ps1/.psm1/.psd1 under the powershell folder with
[System.Management.Automation.Language.Parser]::ParseFile and checks, without running any of it:

  syntax         every file parses without errors
  ps51           no PowerShell 7-only syntax (?:, ??, ??=, ?., ?[], &&, ||, clean {}) in any file
  manifests      per module manifest: RootModule exists, ModuleVersion == Cargo.toml's package version,
                 PowerShellVersion 5.1, CompatiblePSEditions Desktop and Core, DotNetFrameworkVersion >= 4.7.2
                 (the binding is a netstandard2.0 assembly), GUID, explicit Cmdlets/Variables/AliasesToExport,
                 FormatsToProcess and FileList files exist (or are build products); with -ModuleLayout also
                 Test-ModuleManifest on the laid-out module and its AzCompat folder
  exports        FunctionsToExport == Export-ModuleMember -Function == functions with comment-based help, all defined
  help           every public function has a .SYNOPSIS and at least one .EXAMPLE (parsed by GetHelpContent())
  verbs          every function (public or private) is Verb-Noun with an approved verb (Get-Verb, minus the
                 verbs PowerShell 7 added, so Windows PowerShell 5.1 does not warn either)
  shouldprocess  state-changing verbs declare SupportsShouldProcess and call $PSCmdlet.ShouldProcess;
                 public Remove-/Stop- functions use ConfirmImpact = 'High'
  binding        every [AseGpu.X] type, New-Object AseGpu.X, 'AseGpu.X' -as [type], [AseGpu.X]::Member and member
                 used on a binding-typed variable exists (public, case-insensitive as PowerShell binds) in the
                 compiled AseGpu.Interop.dll (reflection, so it does not matter how the C# source is split)
  methods        every -Method 'StartX' passed to Invoke-AseSessionMethod is a public AseSession method that
                 returns AseOperation and takes as many arguments as the literal -Arguments @(...) passes
  formats        every view of the FormatsToProcess files selects a binding type (and names its properties) or
                 a PSTypeName the module sets on a [pscustomobject]@{...} (and names that hashtable's keys)
  workflow       tests/documented-workflow.ps1 (a script written the documented Az way) uses the documented
                 commands, and every command and parameter it uses is exported by AseGpu.AzCompat (parameters,
                 aliases, common parameters, -WhatIf/-Confirm) or is a stock command with that parameter
  abi            the binding's AseStatus values and BindingAbiVersion match include/asegpu.h; every DllImport
                 names a header function (header functions not bound yet are listed as a note)
Last line: "N passed, M failed"; exit code 1 on failure.

-SelfTest copies the powershell folder, the header and Cargo.toml into a temporary folder, checks that the
copy passes, then seeds one mistake at a time and checks that the check meant for it fails.

.PARAMETER Root
The powershell folder (default: the folder above this script).

.PARAMETER InteropAssembly
The compiled AseGpu.Interop.dll to check the scripts against (default: <target>/powershell/AseGpu/AseGpu.Interop.dll,
<target> being $env:CARGO_TARGET_DIR or the repository's target folder).

.PARAMETER ModuleLayout
Optional: the laid-out module folder (target/powershell/AseGpu) to run Test-ModuleManifest on.

.EXAMPLE
pwsh -NoProfile -NonInteractive -File powershell/tests/check-ps.ps1

.EXAMPLE
pwsh -NoProfile -NonInteractive -File powershell/tests/check-ps.ps1 -SelfTest
#>
[CmdletBinding()]
param(
    [string]$Root,
    [string]$Header,
    [string]$CargoToml,
    [string]$InteropAssembly,
    [string]$ModuleLayout,
    [switch]$SelfTest
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

if (-not $Root) { $Root = Join-Path $PSScriptRoot '..' }
$Root = (Resolve-Path -LiteralPath $Root).ProviderPath
$repo = Split-Path -Parent $Root
if (-not $Header) { $Header = Join-Path (Join-Path $repo 'include') 'asegpu.h' }
if (-not $CargoToml) { $CargoToml = Join-Path $repo 'Cargo.toml' }
if (-not $InteropAssembly) {
    $targetDir = $env:CARGO_TARGET_DIR
    if (-not $targetDir) { $targetDir = Join-Path $repo 'target' }
    $InteropAssembly = Join-Path $targetDir 'powershell/AseGpu/AseGpu.Interop.dll'
}

# Get-Verb of PowerShell 7 minus the verbs it added after Windows PowerShell 5.1 (5.1 would warn on import).
$script:ApprovedVerbs = @{}
foreach ($v in (Get-Verb).Verb) {
    if ($v -notin @('Build', 'Deploy')) { $script:ApprovedVerbs[$v] = $true }
}
# PSScriptAnalyzer UseShouldProcessForStateChangingFunctions.
$script:StateChanging = @('New', 'Set', 'Remove', 'Start', 'Stop', 'Restart', 'Reset', 'Update')
# Variables (lower case, with their scope prefix) that hold binding objects, and their C# types.
$script:BindingVars = @{
    '$session'           = @('AseSession')
    '$jobsession'        = @('AseSession')
    '$script:asesession' = @('AseSession')
    '$operation'         = @('AseOperation')
    '$joboperation'      = @('AseOperation')
    '$options'           = @('AseConnectOptions')
    '$info'              = @('AseSessionInfo')
    '$ev'                = @('AseProgressEvent')
    '$progressevent'     = @('AseProgressEvent')
    '$jobevent'          = @('AseProgressEvent')
    '$group'             = @('AseResourceGroup')
    '$inner'             = @('AseGpuException', 'AseGpuLoadException')
    '$report'            = @('AseGpuReport', 'AsePreflightReport')
    '$finding'           = @('AsePreflightFinding')
    '$request'           = @('AseDeploymentRequest', 'AseVmRequest', 'AseGpuExtensionRequest', 'AseImageRequest', 'AseVhdUploadRequest')
    '$vm'                = @('AseVmView')
    '$extension'         = @('AseExtensionView')
    '$updaterecord'      = @('AseUpdateRecord')
}
# Members PowerShell adds to every object.
$script:Intrinsic = @('psobject', 'pstypenames', 'psbase', 'psadapted', 'psextended', 'count', 'length', 'foreach', 'where')
$script:CommonParameters = @('Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ProgressAction',
    'ErrorVariable', 'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable')
# Stock commands the documented script may use besides the Az ones (their parameters are checked with Get-Command).
$script:StockCommands = @('Get-Credential', 'ConvertTo-SecureString', 'New-Object', 'Write-Output', 'Write-Host', 'Write-Verbose',
    'Write-Warning', 'Join-Path', 'Split-Path', 'Test-Path', 'Get-Content', 'Set-Content', 'ConvertFrom-Json', 'ConvertTo-Json',
    'Select-Object', 'Where-Object', 'ForEach-Object', 'Format-Table', 'Format-List', 'Out-Null', 'Start-Sleep', 'Import-Module', 'Get-Date')
# The documented flow (ase-workflow.md): these commands must appear in the script.
$script:WorkflowRequired = @('Add-AzEnvironment', 'Connect-AzAccount', 'New-AzResourceGroupDeployment', 'Set-AzVMExtension', 'Get-AzVM')
# Files a manifest's FileList may name that the build (build.sh) produces rather than the source tree.
$script:BuildProducts = @('AseGpu.Interop.dll')
# PowerShell 7-only tokens.
$script:Ps7Tokens = @{
    'QuestionQuestion'       = 'null-coalescing ??'
    'QuestionQuestionEquals' = 'null-coalescing assignment ??='
    'QuestionDot'            = 'null-conditional ?.'
    'QuestionLBracket'       = 'null-conditional ?['
    'AndAnd'                 = 'pipeline chain &&'
    'OrOr'                   = 'pipeline chain ||'
}
$script:Assemblies = @{}

function Find-Ast {
    param($Ast, [type]$Type, [scriptblock]$Where)
    $Ast.FindAll({ param($n) $n -is $Type }, $true) | Where-Object { (-not $Where) -or (& $Where $_) }
}

function Get-RelativePath {
    param([string]$Base, [string]$Path)
    [System.IO.Path]::GetRelativePath($Base, $Path).Replace('\', '/')
}

function Get-StringConstant {
    # The strings of a literal: 'x', @('a', 'b'), 'a', 'b', ('x'); $null when any part is not a string constant.
    param($Ast)
    if ($null -eq $Ast) { return $null }
    $values = [System.Collections.Generic.List[string]]::new()
    $parts = @()
    if ($Ast -is [System.Management.Automation.Language.StringConstantExpressionAst]) { return , @($Ast.Value) }
    elseif ($Ast -is [System.Management.Automation.Language.ArrayExpressionAst]) { $parts = @($Ast.SubExpression.Statements) }
    elseif ($Ast -is [System.Management.Automation.Language.ArrayLiteralAst]) { $parts = @($Ast.Elements) }
    elseif ($Ast -is [System.Management.Automation.Language.ParenExpressionAst]) { $parts = @($Ast.Pipeline) }
    elseif ($Ast -is [System.Management.Automation.Language.PipelineAst] -and $Ast.PipelineElements.Count -eq 1 -and
        $Ast.PipelineElements[0] -is [System.Management.Automation.Language.CommandExpressionAst]) { $parts = @($Ast.PipelineElements[0].Expression) }
    else { return $null }
    foreach ($part in $parts) {
        $v = Get-StringConstant $part
        if ($null -eq $v) { return $null }
        foreach ($x in $v) { $values.Add($x) }
    }
    return , $values.ToArray()
}

function Test-SameNameSet {
    # Two lists of command names hold the same names (case-insensitive, order and duplicates ignored).
    param([string[]]$A, [string[]]$B)
    $sa = @($A | Where-Object { $_ } | ForEach-Object { $_.ToLowerInvariant() } | Sort-Object -Unique) -join ','
    $sb = @($B | Where-Object { $_ } | ForEach-Object { $_.ToLowerInvariant() } | Sort-Object -Unique) -join ','
    $sa -eq $sb
}

function Get-CommandArgument {
    # The argument of -Name in a CommandAst (-Name value or -Name:value); $null when absent. $Present says if the switch is there.
    param([System.Management.Automation.Language.CommandAst]$Command, [string]$Name)
    $els = $Command.CommandElements
    for ($i = 1; $i -lt $els.Count; $i++) {
        $e = $els[$i]
        if ($e -is [System.Management.Automation.Language.CommandParameterAst] -and $e.ParameterName -eq $Name) {
            if ($null -ne $e.Argument) { return $e.Argument }
            if ($i + 1 -lt $els.Count -and -not ($els[$i + 1] -is [System.Management.Automation.Language.CommandParameterAst])) { return $els[$i + 1] }
            return $e
        }
    }
    return $null
}

function Get-InteropAssembly {
    param([string]$Path)
    if (-not $script:Assemblies.ContainsKey($Path)) {
        $script:Assemblies[$Path] = [System.Reflection.Assembly]::LoadFile($Path)
    }
    $script:Assemblies[$Path]
}

function Get-BindingType {
    param($Assembly, [string]$Name)
    if ($null -eq $Assembly) { return $null }
    if ($Name -notmatch '^AseGpu\.') { $Name = 'AseGpu.' + $Name }
    $Assembly.GetType($Name, $false, $true)
}

function Get-TypeNameLeaf {
    # The element/generic-argument type names inside an ITypeName ([AseGpu.X[]], [List[AseGpu.X]]).
    param($TypeName)
    if ($TypeName -is [System.Management.Automation.Language.ArrayTypeName]) { Get-TypeNameLeaf $TypeName.ElementType }
    elseif ($TypeName -is [System.Management.Automation.Language.GenericTypeName]) {
        Get-TypeNameLeaf $TypeName.TypeName
        foreach ($g in $TypeName.GenericArguments) { Get-TypeNameLeaf $g }
    }
    else { $TypeName.FullName }
}

function Test-PublicMember {
    param([type]$Type, [string]$Member, [switch]$Static)
    $flags = [System.Reflection.BindingFlags]'Public, IgnoreCase'
    if ($Static) {
        if ($Member -eq 'new') { return @($Type.GetConstructors()).Count -gt 0 }
        $flags = $flags -bor [System.Reflection.BindingFlags]'Static, FlattenHierarchy'
    }
    else {
        if ($Member.ToLowerInvariant() -in $script:Intrinsic) { return $true }
        $flags = $flags -bor [System.Reflection.BindingFlags]::Instance
    }
    @($Type.GetMember($Member, $flags)).Count -gt 0
}

function Get-CmdletBinding {
    param([System.Management.Automation.Language.FunctionDefinitionAst]$Function)
    $pb = $Function.Body.ParamBlock
    if ($null -eq $pb) { return $null }
    $pb.Attributes | Where-Object { $_.TypeName.Name -in @('CmdletBinding', 'CmdletBindingAttribute') } | Select-Object -First 1
}

function Get-NamedAttributeArgument {
    # $true for a bare named argument (SupportsShouldProcess), the constant value otherwise, $null when absent.
    param($Attribute, [string]$Name)
    if ($null -eq $Attribute) { return $null }
    foreach ($na in $Attribute.NamedArguments) {
        if ($na.ArgumentName -eq $Name) {
            if ($na.ExpressionOmitted) { return $true }
            $a = $na.Argument
            if ($a -is [System.Management.Automation.Language.ConstantExpressionAst]) { return $a.Value }
            if ($a -is [System.Management.Automation.Language.VariableExpressionAst]) {
                if ($a.VariablePath.UserPath -eq 'true') { return $true }
                if ($a.VariablePath.UserPath -eq 'false') { return $false }
            }
            return $a.Extent.Text
        }
    }
    return $null
}

function Get-FunctionParameterName {
    # Lower-case names and aliases of a function's parameters, and whether it declares SupportsShouldProcess.
    param([System.Management.Automation.Language.FunctionDefinitionAst]$Function)
    $names = @{}
    $params = @()
    if ($Function.Body.ParamBlock) { $params += $Function.Body.ParamBlock.Parameters }
    if ($Function.Parameters) { $params += $Function.Parameters }
    foreach ($p in $params) {
        $names[$p.Name.VariablePath.UserPath.ToLowerInvariant()] = $true
        foreach ($a in $p.Attributes) {
            if ($a -is [System.Management.Automation.Language.AttributeAst] -and $a.TypeName.Name -in @('Alias', 'AliasAttribute')) {
                foreach ($pa in $a.PositionalArguments) {
                    $s = Get-StringConstant $pa
                    if ($s) { foreach ($x in $s) { $names[$x.ToLowerInvariant()] = $true } }
                }
            }
        }
    }
    $sp = (Get-NamedAttributeArgument (Get-CmdletBinding $Function) 'SupportsShouldProcess') -eq $true
    [pscustomobject]@{ Names = $names; SupportsShouldProcess = $sp }
}

function Get-CargoVersion {
    param([string]$Path)
    $inPackage = $false
    foreach ($line in Get-Content -LiteralPath $Path) {
        if ($line -match '^\s*\[') { $inPackage = $line -match '^\s*\[package\]\s*$'; continue }
        if ($inPackage -and $line -match '^\s*version\s*=\s*"([^"]+)"') { return $Matches[1] }
    }
    return $null
}

function Invoke-StaticCheck {
    # Runs every check on a powershell folder; returns one object per check (Name, Problems, Notes).
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string]$Root,
        [Parameter(Mandatory)][string]$Header,
        [Parameter(Mandatory)][string]$CargoToml,
        [Parameter(Mandatory)][string]$InteropAssembly,
        [string]$ModuleLayout
    )
    $results = [System.Collections.Generic.List[object]]::new()
    $add = { param($name, $problems, $notes) $results.Add([pscustomobject]@{ Name = $name; Problems = @($problems); Notes = @($notes) }) }

    $asm = $null
    $asmProblem = $null
    if (Test-Path -LiteralPath $InteropAssembly) {
        try { $asm = Get-InteropAssembly (Resolve-Path -LiteralPath $InteropAssembly).ProviderPath }
        catch { $asmProblem = "cannot load ${InteropAssembly}: $($_.Exception.Message)" }
    }
    else { $asmProblem = "$InteropAssembly not found (run powershell/build.sh first)" }

    # ---- parse everything
    $files = @(Get-ChildItem -LiteralPath $Root -Recurse -File |
            Where-Object { $_.Extension -in @('.ps1', '.psm1', '.psd1') -and $_.FullName -notmatch '[\\/](bin|obj|\.git)[\\/]' } |
            Sort-Object FullName)
    $parsed = [ordered]@{}
    $syntax = @()
    foreach ($f in $files) {
        $tokens = $null; $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($f.FullName, [ref]$tokens, [ref]$errors)
        $parsed[$f.FullName] = [pscustomobject]@{ Ast = $ast; Tokens = $tokens; Rel = (Get-RelativePath $Root $f.FullName) }
        foreach ($e in $errors) {
            $syntax += "$(Get-RelativePath $Root $f.FullName):$($e.Extent.StartLineNumber):$($e.Extent.StartColumnNumber): $($e.ErrorId): $($e.Message)"
        }
    }
    & $add "syntax ($($files.Count) files)" $syntax @()

    # ---- PowerShell 5.1 syntax
    $ps51 = @()
    foreach ($p in $parsed.Values) {
        foreach ($t in $p.Tokens) {
            $what = $script:Ps7Tokens[$t.Kind.ToString()]
            if ($what) { $ps51 += "$($p.Rel):$($t.Extent.StartLineNumber): $what is PowerShell 7 only" }
        }
        foreach ($n in (Find-Ast $p.Ast ([System.Management.Automation.Language.TernaryExpressionAst]))) {
            $ps51 += "$($p.Rel):$($n.Extent.StartLineNumber): ternary ? : is PowerShell 7 only"
        }
        foreach ($n in (Find-Ast $p.Ast ([System.Management.Automation.Language.ScriptBlockAst]) { param($s) $null -ne $s.CleanBlock })) {
            $ps51 += "$($p.Rel):$($n.CleanBlock.Extent.StartLineNumber): clean { } blocks are PowerShell 7.3+ only"
        }
    }
    & $add 'PowerShell 5.1 syntax' $ps51 @()

    # ---- manifests, exports, help, verbs, ShouldProcess, binding members, formats
    $manifestProblems = @(); $exports = @(); $helps = @(); $verbs = @(); $sp = @(); $bind = @(); $formats = @()
    $cargoVersion = Get-CargoVersion $CargoToml
    $psTypeKeys = @{}   # PSTypeName set on a [pscustomobject]@{...} -> its keys
    foreach ($p in $parsed.Values) {
        if (-not $p.Rel.EndsWith('.psm1')) { continue }
        foreach ($h in (Find-Ast $p.Ast ([System.Management.Automation.Language.HashtableAst]))) {
            $keys = @{}
            $typeName = $null
            foreach ($kv in $h.KeyValuePairs) {
                $k = Get-StringConstant $kv.Item1
                if (-not $k) { continue }
                $keys[$k[0].ToLowerInvariant()] = $true
                if ($k[0] -eq 'PSTypeName') {
                    $v = Get-StringConstant $kv.Item2
                    if ($v) { $typeName = $v[0] }
                }
            }
            if ($typeName) { $psTypeKeys[$typeName] = $keys }
        }
    }
    foreach ($mf in @($parsed.Keys | Where-Object { $_.EndsWith('.psd1') })) {
        $rel = $parsed[$mf].Rel
        $modDir = Split-Path -Parent $mf
        try { $m = Import-PowerShellDataFile -LiteralPath $mf }
        catch { $manifestProblems += "${rel}: not a data file: $($_.Exception.Message)"; continue }
        if (-not $m.ContainsKey('RootModule')) { $exports += "${rel}: no RootModule"; continue }
        $psm1 = Join-Path $modDir $m.RootModule
        if (-not $parsed.Contains($psm1)) { $exports += "${rel}: RootModule $($m.RootModule) not found"; continue }

        # manifest fields
        if ($cargoVersion -and "$($m['ModuleVersion'])" -ne $cargoVersion) {
            $manifestProblems += "${rel}: ModuleVersion '$($m['ModuleVersion'])' is not Cargo.toml's package version '$cargoVersion'"
        }
        if ("$($m['PowerShellVersion'])" -ne '5.1') { $manifestProblems += "${rel}: PowerShellVersion must be '5.1' (Windows PowerShell 5.1 and PowerShell 7)" }
        $editions = @($m['CompatiblePSEditions'])
        if ('Desktop' -notin $editions -or 'Core' -notin $editions) { $manifestProblems += "${rel}: CompatiblePSEditions must list Desktop and Core" }
        if ($m.ContainsKey('DotNetFrameworkVersion') -and [version]$m.DotNetFrameworkVersion -lt [version]'4.7.2') {
            $manifestProblems += "${rel}: DotNetFrameworkVersion $($m.DotNetFrameworkVersion): the netstandard2.0 AseGpu.Interop.dll needs .NET Framework 4.7.2 or later"
        }
        $guid = [guid]::Empty
        if (-not [guid]::TryParse("$($m['GUID'])", [ref]$guid)) { $manifestProblems += "${rel}: GUID missing or invalid" }
        foreach ($key in @('CmdletsToExport', 'VariablesToExport', 'AliasesToExport')) {
            if (-not $m.ContainsKey($key)) { $exports += "${rel}: $key missing (defaults to '*')" }
            elseif (@($m[$key]) -contains '*') { $exports += "${rel}: $key must be an explicit list, not '*'" }
        }
        foreach ($fmt in @($m['FormatsToProcess'])) {
            if ($fmt -and -not (Test-Path -LiteralPath (Join-Path $modDir $fmt))) { $manifestProblems += "${rel}: FormatsToProcess $fmt not found" }
        }
        foreach ($fl in @($m['FileList'])) {
            if ($fl -and -not (Test-Path -LiteralPath (Join-Path $modDir $fl)) -and $fl -notin $script:BuildProducts) {
                $manifestProblems += "${rel}: FileList entry $fl not found"
            }
        }

        if (-not $m.ContainsKey('FunctionsToExport') -or @($m.FunctionsToExport) -contains '*' -or
            @($m.FunctionsToExport | Where-Object { [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($_) }).Count) {
            $exports += "${rel}: FunctionsToExport must be an explicit @(...) list"
            continue
        }
        $manifestFns = @($m.FunctionsToExport | Sort-Object -Unique)
        $ast = $parsed[$psm1].Ast
        $mrel = $parsed[$psm1].Rel
        $fns = @(Find-Ast $ast ([System.Management.Automation.Language.FunctionDefinitionAst]))
        $public = @($fns | Where-Object { $h = $_.GetHelpContent(); $null -ne $h -and $h.Synopsis } | ForEach-Object Name | Sort-Object -Unique)
        $defined = @($fns | ForEach-Object Name)
        if (-not (Test-SameNameSet $manifestFns $public)) {
            $exports += "${mrel}: FunctionsToExport ($($manifestFns -join ', ')) != public (documented) functions ($($public -join ', '))"
        }
        $emm = @(Find-Ast $ast ([System.Management.Automation.Language.CommandAst]) { param($c) $c.GetCommandName() -eq 'Export-ModuleMember' })
        foreach ($c in $emm) {
            $list = Get-StringConstant (Get-CommandArgument $c 'Function')
            if ($null -eq $list) { $exports += "${mrel}:$($c.Extent.StartLineNumber): Export-ModuleMember -Function must be a literal list"; continue }
            $list = @($list | Sort-Object -Unique)
            if (-not (Test-SameNameSet $list $manifestFns)) {
                $exports += "${mrel}: Export-ModuleMember ($($list -join ', ')) != FunctionsToExport ($($manifestFns -join ', '))"
            }
        }
        foreach ($n in $manifestFns) { if ($n -notin $defined) { $exports += "${mrel}: exported function $n is not defined" } }

        foreach ($fn in $fns) {
            $name = $fn.Name
            $help = $fn.GetHelpContent()
            if ($name -in $public -and @($help.Examples).Count -eq 0) { $helps += "${mrel}: $name has no .EXAMPLE in its comment-based help" }
            $verb = $null
            if ($name -match '^([A-Za-z]+)-\w') { $verb = $Matches[1] }
            if (-not $verb -or -not $script:ApprovedVerbs.ContainsKey($verb)) { $verbs += "${mrel}: ${name}: verb '$verb' is not approved (Get-Verb)" }
            $cb = Get-CmdletBinding $fn
            $declares = (Get-NamedAttributeArgument $cb 'SupportsShouldProcess') -eq $true
            $calls = @(Find-Ast $fn.Body ([System.Management.Automation.Language.InvokeMemberExpressionAst]) { param($i)
                    $i.Expression -is [System.Management.Automation.Language.VariableExpressionAst] -and $i.Expression.VariablePath.UserPath -eq 'PSCmdlet' -and
                    $i.Member -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $i.Member.Value -eq 'ShouldProcess' }).Count -gt 0
            if ($verb -in $script:StateChanging -and -not $declares) { $sp += "${mrel}: $name changes state ($verb) but does not declare SupportsShouldProcess" }
            if ($declares -and -not $calls) { $sp += "${mrel}: $name declares SupportsShouldProcess but never calls `$PSCmdlet.ShouldProcess" }
            if ($verb -in @('Remove', 'Stop') -and $name -in $public -and "$(Get-NamedAttributeArgument $cb 'ConfirmImpact')" -ne 'High') {
                $sp += "${mrel}: $name should set ConfirmImpact = 'High' (and offer -Force)"
            }
        }

        # binding types and members named in the module
        if ($asm) {
            foreach ($n in (Find-Ast $ast ([System.Management.Automation.Language.Ast]) { param($x)
                        $x -is [System.Management.Automation.Language.TypeExpressionAst] -or $x -is [System.Management.Automation.Language.TypeConstraintAst] })) {
                foreach ($t in (Get-TypeNameLeaf $n.TypeName)) {
                    if ($t -match '^AseGpu\.' -and -not (Get-BindingType $asm $t)) {
                        $bind += "${mrel}:$($n.Extent.StartLineNumber): type [$t] is not in AseGpu.Interop.dll"
                    }
                }
            }
            foreach ($c in (Find-Ast $ast ([System.Management.Automation.Language.CommandAst]) { param($x) $x.GetCommandName() -eq 'New-Object' })) {
                $typeArg = Get-CommandArgument $c 'TypeName'
                if ($null -eq $typeArg -and $c.CommandElements.Count -gt 1) { $typeArg = $c.CommandElements[1] }
                $s = Get-StringConstant $typeArg
                if ($s -and $s[0] -match '^AseGpu\.' -and -not (Get-BindingType $asm $s[0])) {
                    $bind += "${mrel}:$($c.Extent.StartLineNumber): New-Object $($s[0]): no such type in AseGpu.Interop.dll"
                }
            }
            foreach ($b in (Find-Ast $ast ([System.Management.Automation.Language.BinaryExpressionAst]) { param($x) $x.Operator.ToString() -eq 'As' })) {
                $s = Get-StringConstant $b.Left
                if ($s -and $s[0] -match '^AseGpu\.' -and -not (Get-BindingType $asm $s[0])) {
                    $bind += "${mrel}:$($b.Extent.StartLineNumber): '$($s[0])' -as [type]: no such type in AseGpu.Interop.dll"
                }
            }
            foreach ($me in (Find-Ast $ast ([System.Management.Automation.Language.MemberExpressionAst]))) {
                if (-not ($me.Member -is [System.Management.Automation.Language.StringConstantExpressionAst])) { continue } # $obj.$name: dynamic
                $member = $me.Member.Value
                if ($me.Static -and $me.Expression -is [System.Management.Automation.Language.TypeExpressionAst]) {
                    $t = $me.Expression.TypeName.FullName
                    if ($t -notmatch '^AseGpu\.') { continue }
                    $type = Get-BindingType $asm $t
                    if ($type -and -not (Test-PublicMember $type $member -Static)) {
                        $bind += "${mrel}:$($me.Extent.StartLineNumber): [$t]::$member is not a public static member of AseGpu.Interop.dll"
                    }
                }
                elseif (-not $me.Static -and $me.Expression -is [System.Management.Automation.Language.VariableExpressionAst]) {
                    $var = '$' + $me.Expression.VariablePath.UserPath.ToLowerInvariant()
                    if (-not $script:BindingVars.ContainsKey($var)) { continue }
                    $classes = $script:BindingVars[$var]
                    $found = $false
                    foreach ($k in $classes) {
                        $type = Get-BindingType $asm $k
                        if ($null -eq $type) { $bind += "${mrel}: the check's variable map names $k, which is not in AseGpu.Interop.dll"; continue }
                        if (Test-PublicMember $type $member) { $found = $true }
                    }
                    if (-not $found) {
                        $bind += "${mrel}:$($me.Extent.StartLineNumber): $($me.Expression.Extent.Text).${member}: no public member $member in $($classes -join '/')"
                    }
                }
            }
        }

        # format views
        foreach ($fmt in @($m['FormatsToProcess'])) {
            $fp = Join-Path $modDir $fmt
            if (-not $fmt -or -not (Test-Path -LiteralPath $fp)) { continue }
            $frel = Get-RelativePath $Root $fp
            try { [xml]$xml = Get-Content -LiteralPath $fp -Raw }
            catch { $formats += "${frel}: not XML: $($_.Exception.Message)"; continue }
            foreach ($view in $xml.SelectNodes('//View')) {
                $props = @($view.SelectNodes('.//PropertyName') | ForEach-Object { $_.InnerText.Trim() })
                foreach ($tn in @($view.SelectNodes('ViewSelectedBy/TypeName') | ForEach-Object { $_.InnerText.Trim() })) {
                    $type = Get-BindingType $asm $tn
                    if ($tn -match '^AseGpu\.' -and $type) {
                        foreach ($pn in $props) {
                            if (-not $type.GetProperty($pn, [System.Reflection.BindingFlags]'Public, Instance, IgnoreCase')) {
                                $formats += "${frel}: view $($view.Name): $tn has no public property $pn"
                            }
                        }
                    }
                    elseif ($psTypeKeys.ContainsKey($tn)) {
                        foreach ($pn in $props) {
                            if (-not $psTypeKeys[$tn].ContainsKey($pn.ToLowerInvariant())) {
                                $formats += "${frel}: view $($view.Name): the [pscustomobject] with PSTypeName '$tn' has no key $pn"
                            }
                        }
                    }
                    elseif ($asm) {
                        $formats += "${frel}: view $($view.Name): $tn is neither a type of AseGpu.Interop.dll nor a PSTypeName the module sets"
                    }
                }
            }
        }
    }
    if ($ModuleLayout) {
        foreach ($lm in @((Join-Path $ModuleLayout 'AseGpu.psd1'), (Join-Path (Join-Path $ModuleLayout 'AseGpu.AzCompat') 'AseGpu.AzCompat.psd1'))) {
            $errs = $null
            $info = Test-ModuleManifest -Path $lm -ErrorAction SilentlyContinue -ErrorVariable errs -WarningAction SilentlyContinue
            foreach ($e in @($errs)) { $manifestProblems += "Test-ModuleManifest ${lm}: $($e.Exception.Message)" }
            if ($info) {
                $mfns = @()
                try { $mfns = @((Import-PowerShellDataFile -LiteralPath $lm).FunctionsToExport) } catch { $manifestProblems += "${lm}: $($_.Exception.Message)" }
                $tfns = @($info.ExportedFunctions.Keys | Sort-Object)
                if (-not (Test-SameNameSet $mfns $tfns)) { $manifestProblems += "Test-ModuleManifest ${lm}: exported functions ($($tfns -join ', ')) != FunctionsToExport" }
            }
        }
    }
    & $add 'manifest fields' $manifestProblems @()
    & $add 'exports (FunctionsToExport == Export-ModuleMember == documented functions)' $exports @()
    & $add 'comment-based help with .SYNOPSIS and .EXAMPLE' $helps @()
    & $add 'approved verbs' $verbs @()
    & $add 'SupportsShouldProcess on state-changing functions' $sp @()
    if ($asmProblem) { $bind += $asmProblem; $formats += $asmProblem }
    & $add 'binding members used by the modules exist in AseGpu.Interop.dll' $bind @()
    & $add 'format views name existing types and properties' $formats @()

    # ---- methods passed to Invoke-AseSessionMethod
    $methods = @()
    $sessionType = Get-BindingType $asm 'AseSession'
    $operationType = Get-BindingType $asm 'AseOperation'
    foreach ($p in $parsed.Values) {
        if (-not $p.Rel.EndsWith('.psm1')) { continue }
        foreach ($c in (Find-Ast $p.Ast ([System.Management.Automation.Language.CommandAst]) { param($x) $x.GetCommandName() -eq 'Invoke-AseSessionMethod' })) {
            $name = Get-StringConstant (Get-CommandArgument $c 'Method')
            $where = "$($p.Rel):$($c.Extent.StartLineNumber)"
            if (-not $name) { $methods += "${where}: -Method must be a literal method name"; continue }
            $name = $name[0]
            if (-not $sessionType) { $methods += "${where}: -Method '$name': AseSession not found ($asmProblem)"; continue }
            $candidates = @($sessionType.GetMethods([System.Reflection.BindingFlags]'Public, Instance') | Where-Object { $_.Name -eq $name })
            if (-not $candidates) { $methods += "${where}: -Method '$name' is not a public AseSession method"; continue }
            if (-not @($candidates | Where-Object { $_.ReturnType -eq $operationType })) { $methods += "${where}: AseSession.$name does not return AseOperation" }
            # How many arguments a literal -Arguments passes (none: 0; @(a, b): 2; @(): 0; anything else: unknown).
            $argAst = Get-CommandArgument $c 'Arguments'
            $count = $null
            if ($null -eq $argAst) { $count = 0 }
            elseif ($argAst -is [System.Management.Automation.Language.ArrayExpressionAst]) {
                $stmts = @($argAst.SubExpression.Statements)
                if ($stmts.Count -eq 0) { $count = 0 }
                elseif ($stmts.Count -eq 1 -and $stmts[0] -is [System.Management.Automation.Language.PipelineAst] -and $stmts[0].PipelineElements.Count -eq 1 -and
                    $stmts[0].PipelineElements[0] -is [System.Management.Automation.Language.CommandExpressionAst]) {
                    $e = $stmts[0].PipelineElements[0].Expression
                    if ($e -is [System.Management.Automation.Language.ArrayLiteralAst]) { $count = $e.Elements.Count } else { $count = 1 }
                }
            }
            if ($null -ne $count) {
                $fits = @($candidates | Where-Object {
                        $ps = $_.GetParameters()
                        $required = @($ps | Where-Object { -not $_.IsOptional }).Count
                        $count -ge $required -and $count -le $ps.Count })
                if (-not $fits) {
                    $sigs = ($candidates | ForEach-Object { "$name(" + (($_.GetParameters() | ForEach-Object { $_.ParameterType.Name + ' ' + $_.Name }) -join ', ') + ')' }) -join ' / '
                    $methods += "${where}: -Method '$name' gets $count argument(s) but AseSession has $sigs"
                }
            }
        }
    }
    & $add 'methods passed to Invoke-AseSessionMethod exist on AseSession (name, result, argument count)' $methods @()

    # ---- the documented workflow script
    $workflow = @(); $wnotes = @()
    $script = Join-Path $Root 'tests/documented-workflow.ps1'
    $compat = Join-Path $Root 'AseGpu.AzCompat/AseGpu.AzCompat.psm1'
    $compatManifest = Join-Path $Root 'AseGpu.AzCompat/AseGpu.AzCompat.psd1'
    if (-not $parsed.Contains($script)) { $workflow += "tests/documented-workflow.ps1 is missing" }
    elseif (-not $parsed.Contains($compat) -or -not (Test-Path -LiteralPath $compatManifest)) { $workflow += "AseGpu.AzCompat/AseGpu.AzCompat.psm1 or .psd1 is missing" }
    else {
        $exported = @()
        try { $exported = @((Import-PowerShellDataFile -LiteralPath $compatManifest).FunctionsToExport) }
        catch { $workflow += "AseGpu.AzCompat/AseGpu.AzCompat.psd1 cannot be read: $($_.Exception.Message)" }
        $provided = @{}
        foreach ($fn in (Find-Ast $parsed[$compat].Ast ([System.Management.Automation.Language.FunctionDefinitionAst]))) {
            if ($fn.Name -in $exported) { $provided[$fn.Name.ToLowerInvariant()] = Get-FunctionParameterName $fn }
        }
        $rel = $parsed[$script].Rel
        $used = @{}
        foreach ($c in (Find-Ast $parsed[$script].Ast ([System.Management.Automation.Language.CommandAst]))) {
            $cmd = $c.GetCommandName()
            if (-not $cmd) { continue }
            $line = $c.Extent.StartLineNumber
            $used[$cmd.ToLowerInvariant()] = $true
            $paramNames = $null; $spw = $false
            if ($cmd -in $script:StockCommands) {
                $info = Get-Command -Name $cmd -CommandType Cmdlet, Function -ErrorAction SilentlyContinue | Select-Object -First 1
                if (-not $info) { $wnotes += "stock command $cmd is not available on this host; its parameters were not checked"; continue }
                $paramNames = @{}
                foreach ($pm in $info.Parameters.Values) {
                    $paramNames[$pm.Name.ToLowerInvariant()] = $true
                    foreach ($al in $pm.Aliases) { $paramNames[$al.ToLowerInvariant()] = $true }
                }
                $where = 'stock command'
            }
            elseif (-not $provided.ContainsKey($cmd.ToLowerInvariant())) {
                $workflow += "${rel}:${line}: command $cmd is not exported by AseGpu.AzCompat"
                continue
            }
            else {
                $paramNames = $provided[$cmd.ToLowerInvariant()].Names
                $spw = $provided[$cmd.ToLowerInvariant()].SupportsShouldProcess
                $where = 'AseGpu.AzCompat'
            }
            foreach ($e in $c.CommandElements) {
                if (-not ($e -is [System.Management.Automation.Language.CommandParameterAst])) { continue }
                $pn = $e.ParameterName
                if ($paramNames.ContainsKey($pn.ToLowerInvariant()) -or $pn -in $script:CommonParameters -or ($spw -and $pn -in @('WhatIf', 'Confirm'))) { continue }
                $workflow += "${rel}:$($e.Extent.StartLineNumber): $cmd has no parameter -$pn ($where)"
            }
        }
        foreach ($req in $script:WorkflowRequired) {
            if (-not $used.ContainsKey($req.ToLowerInvariant())) { $workflow += "${rel}: the documented workflow uses $req, the script does not" }
        }
        $text = $parsed[$script].Ast.Extent.Text
        if (-not $text.Contains('CreateVM.json') -or -not $text.Contains('CreateVM.parameters.json')) {
            $workflow += "${rel}: the script must deploy the real CreateVM.json with CreateVM.parameters.json"
        }
        $wnotes += "$($used.Count) distinct commands in $rel; parameters must be spelled in full (no prefix abbreviations)"
    }
    & $add 'documented workflow script: every command and parameter is provided by AseGpu.AzCompat' $workflow $wnotes

    # ---- the binding against the header
    $abi = @(); $anotes = @()
    if (-not (Test-Path -LiteralPath $Header)) { $abi += "$Header not found" }
    elseif (-not $asm) { $abi += $asmProblem }
    else {
        $h = Get-Content -LiteralPath $Header -Raw
        $hStatus = @{}
        foreach ($mm in [regex]::Matches($h, 'ASEGPU_STATUS_(\w+)\s*=\s*(\d+)')) { $hStatus[$mm.Groups[1].Value] = [uint64]$mm.Groups[2].Value }
        $cStatus = @{}
        $statusType = Get-BindingType $asm 'AseStatus'
        if ($statusType) {
            foreach ($nm in [enum]::GetNames($statusType)) {
                $snake = ([regex]::Replace($nm, '(?<!^)([A-Z])', '_$1')).ToUpperInvariant()
                $cStatus[$snake] = [uint64][Convert]::ToUInt64($statusType.GetField($nm).GetRawConstantValue())
            }
        }
        else { $abi += 'AseGpu.AseStatus is not in AseGpu.Interop.dll' }
        $diffH = @($hStatus.Keys | Where-Object { $cStatus[$_] -ne $hStatus[$_] } | Sort-Object | ForEach-Object { "$_=$($hStatus[$_])" })
        $diffC = @($cStatus.Keys | Where-Object { $hStatus[$_] -ne $cStatus[$_] } | Sort-Object | ForEach-Object { "$_=$($cStatus[$_])" })
        if ($diffH -or $diffC) { $abi += "AseStatus differs from the header: header-only/different {$($diffH -join ', ')}, C#-only/different {$($diffC -join ', ')}" }
        $hAbi = [regex]::Match($h, '#define\s+ASEGPU_ABI_VERSION\s+(\d+)')
        $native = Get-BindingType $asm 'AseNative'
        $field = $null
        if ($native) { $field = $native.GetField('BindingAbiVersion', [System.Reflection.BindingFlags]'Public, Static') }
        $cAbi = $null
        if ($field -and $field.IsLiteral) { $cAbi = "$($field.GetRawConstantValue())" }
        if (-not $hAbi.Success -or $null -eq $cAbi -or $hAbi.Groups[1].Value -ne $cAbi) {
            $abi += "ABI version: header $(if ($hAbi.Success) { $hAbi.Groups[1].Value } else { 'none' }) vs binding AseNative.BindingAbiVersion $cAbi"
        }
        # Function names of the declarations (comments removed: they mention functions too).
        $code = [regex]::Replace($h, '/\*.*?\*/|//[^\n]*', ' ', [System.Text.RegularExpressions.RegexOptions]::Singleline)
        $hFuncs = @{}
        foreach ($mm in [regex]::Matches($code, '\b(asegpu_\w+)\s*\(')) { $hFuncs[$mm.Groups[1].Value] = $true }
        $cFuncs = @{}
        $types = $null
        try { $types = $asm.GetTypes() } catch [System.Reflection.ReflectionTypeLoadException] { $types = $_.Exception.Types | Where-Object { $_ } }
        foreach ($t in $types) {
            foreach ($mi in $t.GetMethods([System.Reflection.BindingFlags]'Public, NonPublic, Static, DeclaredOnly')) {
                if (-not ($mi.Attributes -band [System.Reflection.MethodAttributes]::PinvokeImpl)) { continue }
                $entry = $mi.Name
                $di = $mi.GetCustomAttributes([System.Runtime.InteropServices.DllImportAttribute], $false) | Select-Object -First 1
                if ($di -and $di.EntryPoint) { $entry = $di.EntryPoint }
                if ($entry -like 'asegpu_*') { $cFuncs[$entry] = $true }
            }
        }
        if ($cFuncs.Count -eq 0) { $abi += 'no asegpu_* DllImport found in AseGpu.Interop.dll' }
        foreach ($fname in ($cFuncs.Keys | Sort-Object)) { if (-not $hFuncs.ContainsKey($fname)) { $abi += "DllImport $fname is not in include/asegpu.h" } }
        $unbound = @($hFuncs.Keys | Where-Object { -not $cFuncs.ContainsKey($_) } | Sort-Object)
        if ($unbound) { $anotes += 'header functions without a binding yet: ' + ($unbound -join ', ') }
    }
    & $add 'C# binding matches include/asegpu.h (status values, ABI version, function names)' $abi $anotes

    return $results
}

function Write-CheckResult {
    param($Results)
    $passed = 0; $failed = 0
    foreach ($r in $Results) {
        foreach ($n in $r.Notes) { Write-Output "note $($r.Name): $n" }
        if ($r.Problems.Count) {
            $failed++
            Write-Output "FAIL $($r.Name)"
            foreach ($p in $r.Problems) { Write-Output "     $p" }
        }
        else { $passed++; Write-Output "ok   $($r.Name)" }
    }
    Write-Output "$passed passed, $failed failed"
    return ($failed -eq 0)
}

# Seeded mistakes: (the check that must fail, file relative to the powershell folder, text, replacement).
# '../include/asegpu.h' and '../Cargo.toml' are the copies beside the copied powershell folder.
$script:Mutations = @(
    @('syntax', 'AseGpu/AseGpu.psm1', 'function Disconnect-AseDevice {', 'function Disconnect-AseDevice {{'),
    @('syntax', 'AseGpu.AzCompat/AseGpu.AzCompat.psd1', "    PowerShellVersion    = '5.1'", "    PowerShellVersion    = '5.1"),
    @('PowerShell 5.1 syntax', 'AseGpu/AseGpu.psm1', 'if (-not $Activity) { $Activity = $Operation.Name }', '$Activity = $Activity ?? $Operation.Name'),
    @('PowerShell 5.1 syntax', 'AseGpu/AseGpu.psm1', 'if (-not $Activity) { $Activity = $Operation.Name }', '$Activity = $Activity ? $Activity : $Operation.Name'),
    @('PowerShell 5.1 syntax', 'AseGpu/AseGpu.psm1', 'if (-not $Activity) { $Activity = $Operation.Name }', '$Activity ??= $Operation.Name'),
    @('PowerShell 5.1 syntax', 'AseGpu/AseGpu.psm1', 'if (-not $Activity) { $Activity = $Operation.Name }', 'Get-Date && Get-Date'),
    @('PowerShell 5.1 syntax', 'tests/documented-workflow.ps1', "`$ErrorActionPreference = 'Stop'", "`$ErrorActionPreference = `${Credential}?.UserName"),
    @('manifest fields', 'AseGpu/AseGpu.psd1', "    ModuleVersion        = '0.1.0'", "    ModuleVersion        = '0.0.9'"),
    @('manifest fields', '../Cargo.toml', 'version = "0.1.0"', 'version = "0.2.0"'),
    @('manifest fields', 'AseGpu/AseGpu.psd1', "CompatiblePSEditions = @('Desktop', 'Core')", "CompatiblePSEditions = @('Core')"),
    @('manifest fields', 'AseGpu/AseGpu.psd1', "FormatsToProcess     = @('AseGpu.format.ps1xml')", "FormatsToProcess     = @('AseGpu.formats.ps1xml')"),
    @('exports', 'AseGpu/AseGpu.psd1', "        'Get-AseContext'`n", ''),
    @('exports', 'AseGpu.AzCompat/AseGpu.AzCompat.psd1', "    AliasesToExport", "    # AliasesToExport"),
    @('comment-based help', 'AseGpu/AseGpu.psm1', "    .EXAMPLE`n    Disconnect-AseDevice", '    Disconnect-AseDevice'),
    @('approved verbs', 'AseGpu/AseGpu.psm1', 'function Write-AseProgressEvent', 'function Emit-AseProgressEvent'),
    @('SupportsShouldProcess', 'AseGpu/AseGpu.psm1', "    [CmdletBinding(SupportsShouldProcess)]`n    [OutputType([AseGpu.AseResourceGroup])]", "    [CmdletBinding()]`n    [OutputType([AseGpu.AseResourceGroup])]"),
    @('SupportsShouldProcess', 'AseGpu/AseGpu.psm1', "    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]`n    [OutputType([AseGpu.AseVmView], [System.Management.Automation.Job])]", "    [CmdletBinding(SupportsShouldProcess)]`n    [OutputType([AseGpu.AseVmView], [System.Management.Automation.Job])]"),
    @('binding members', 'AseGpu/AseGpu.psm1', '$session.StartRemoveResourceGroup($Name)', '$session.StartDeleteResourceGroup($Name)'),
    @('binding members', 'AseGpu/AseGpu.psm1', '[AseGpu.AseSession]::StartConnect(', '[AseGpu.AseSession]::BeginConnect('),
    @('binding members', 'AseGpu/AseGpu.psm1', 'New-Object AseGpu.AseConnectOptions', 'New-Object AseGpu.AseConnectionOptions'),
    @('binding members', 'AseGpu/AseGpu.psm1', '$request.VnetResourceGroup =', '$request.VnetResourceGroupName ='),
    @('binding members', 'AseGpu/AseGpu.psm1', '[OutputType([AseGpu.AseResourceGroup])]', '[OutputType([AseGpu.AseResourceGrp])]'),
    @('methods passed', 'AseGpu/AseGpu.psm1', "-Method 'StartGetGpuAvailability'", "-Method 'StartGpuAvailability'"),
    @('methods passed', 'AseGpu/AseGpu.psm1', "-Method 'StartTestVmSize' -Arguments @(`$VMSize, `$Count)", "-Method 'StartTestVmSize' -Arguments @(`$VMSize)"),
    @('format views', 'AseGpu/AseGpu.format.ps1xml', '<PropertyName>FreeGpus</PropertyName>', '<PropertyName>FreeGpu</PropertyName>'),
    @('format views', 'AseGpu/AseGpu.format.ps1xml', '<TypeName>AseGpu.VMStatus</TypeName>', '<TypeName>AseGpu.VmStatus2</TypeName>'),
    @('format views', 'AseGpu/AseGpu.format.ps1xml', '<TableColumnItem><PropertyName>SubscriptionName</PropertyName></TableColumnItem>', '<TableColumnItem><PropertyName>Subscription</PropertyName></TableColumnItem>'),
    @('documented workflow', 'AseGpu.AzCompat/AseGpu.AzCompat.psm1', "        [Alias('HandlerVersion', 'Version')]`n        [string]`$TypeHandlerVersion,`n`n        [string]`$Location,", "        [string]`$HandlerVersion,`n`n        [string]`$Location,"),
    @('documented workflow', 'AseGpu.AzCompat/AseGpu.AzCompat.psd1', "        'Set-AzVMExtension'`n", ''),
    @('documented workflow', 'tests/documented-workflow.ps1', 'Get-AzVM -ResourceGroupName', 'Get-AzVM -ResourceGroup'),
    @('documented workflow', 'tests/documented-workflow.ps1', 'New-AzResourceGroup -Name $RGName -Location DBELocal -Force', 'New-AzResourceGroup -Name $RGName -Location DBELocal -Force | Out-Null -Quiet'),
    @('C# binding matches', '../include/asegpu.h', 'ASEGPU_STATUS_NOT_FOUND = 30,', 'ASEGPU_STATUS_NOT_FOUND = 31,'),
    @('C# binding matches', '../include/asegpu.h', '#define ASEGPU_ABI_VERSION 1', '#define ASEGPU_ABI_VERSION 2'),
    @('C# binding matches', '../include/asegpu.h', 'const char *asegpu_version(void);', 'const char *asegpu_library_version(void);')
)

function Invoke-SelfTest {
    param([string]$Root, [string]$Header, [string]$CargoToml, [string]$InteropAssembly)
    $tmp = Join-Path ([System.IO.Path]::GetTempPath()) ('asegpu-check-ps-' + [guid]::NewGuid().ToString('N'))
    $passed = 0; $failed = 0
    $copy = {
        if (Test-Path -LiteralPath $tmp) { Remove-Item -LiteralPath $tmp -Recurse -Force }
        $null = New-Item -ItemType Directory -Path (Join-Path $tmp 'include')
        Copy-Item -LiteralPath $Root -Destination (Join-Path $tmp 'powershell') -Recurse
        Copy-Item -LiteralPath $Header -Destination (Join-Path $tmp 'include/asegpu.h')
        Copy-Item -LiteralPath $CargoToml -Destination (Join-Path $tmp 'Cargo.toml')
    }
    $run = {
        Invoke-StaticCheck -Root (Join-Path $tmp 'powershell') -Header (Join-Path $tmp 'include/asegpu.h') -CargoToml (Join-Path $tmp 'Cargo.toml') -InteropAssembly $InteropAssembly
    }
    try {
        & $copy
        $baseline = @(& $run | Where-Object { $_.Problems.Count })
        if ($baseline) {
            $failed++
            Write-Output "FAIL self-test: the unmodified copy already fails: $(($baseline | ForEach-Object Name) -join '; ')"
            foreach ($b in $baseline) { foreach ($p in $b.Problems) { Write-Output "     $p" } }
        }
        else { $passed++; Write-Output 'ok   self-test: the unmodified copy passes every check' }
        foreach ($mu in $script:Mutations) {
            $check, $rel, $old, $new = $mu
            & $copy
            $path = Join-Path (Join-Path $tmp 'powershell') $rel
            $src = [System.IO.File]::ReadAllText($path)
            $at = $src.IndexOf($old, [System.StringComparison]::Ordinal)
            $label = $new.Trim()
            if (-not $label) { $label = 'removing ' + $old.Trim() }
            $label = $label.Replace("`r", '').Replace("`n", ' ')
            if ($label.Length -gt 60) { $label = $label.Substring(0, 60) }
            if ($at -lt 0) {
                $failed++
                Write-Output "FAIL self-test: mutation source not found in ${rel}: '$($old.Substring(0, [Math]::Min(50, $old.Length)))'"
                continue
            }
            [System.IO.File]::WriteAllText($path, $src.Substring(0, $at) + $new + $src.Substring($at + $old.Length))
            $results = @(& $run)
            $caught = @($results | Where-Object { $_.Name.StartsWith($check) -and $_.Problems.Count }).Count -gt 0
            if ($caught) { $passed++; Write-Output "ok   self-test: $check catches '$label' in $rel" }
            else {
                $failed++
                Write-Output "FAIL self-test: $check does not catch '$label' in $rel"
            }
        }
    }
    finally {
        if (Test-Path -LiteralPath $tmp) { Remove-Item -LiteralPath $tmp -Recurse -Force }
    }
    Write-Output "$passed passed, $failed failed"
    return ($failed -eq 0)
}

if ($SelfTest) {
    $ok = $false
    Invoke-SelfTest -Root $Root -Header $Header -CargoToml $CargoToml -InteropAssembly $InteropAssembly | ForEach-Object {
        if ($_ -is [bool]) { $ok = $_ } else { $_ }
    }
}
else {
    $ok = $false
    $results = Invoke-StaticCheck -Root $Root -Header $Header -CargoToml $CargoToml -InteropAssembly $InteropAssembly -ModuleLayout $ModuleLayout
    Write-CheckResult $results | ForEach-Object { if ($_ -is [bool]) { $ok = $_ } else { $_ } }
}
if ($ok) { exit 0 } else { exit 1 }
