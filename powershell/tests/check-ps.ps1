#Requires -Version 7.2
<#
.SYNOPSIS
Static checks of the PowerShell side with PowerShell's own parser.

.DESCRIPTION
Parses every .ps1/.psm1/.psd1 under the powershell folder with
[System.Management.Automation.Language.Parser]::ParseFile and checks, without running any of it:

  syntax         every file parses without errors; every .psd1 is a PowerShell data file
  ps51           no PowerShell 7-only syntax (?:, ??, ??=, ?., ?[], &&, ||, clean {}) in any file
  manifests      per module manifest (a .psd1 named like its folder): ModuleVersion == Cargo.toml's workspace package version,
                 PowerShellVersion 5.1, CompatiblePSEditions Desktop and Core, DotNetFrameworkVersion >= 4.7.2
                 (netstandard2.0 assemblies), GUID, FormatsToProcess/FileList/RequiredAssemblies/TypesToProcess files exist
                 in the source or the built module; with -ModuleLayout also Test-ModuleManifest on the built manifests
  exports        explicit export lists (no wildcards). Script modules: FunctionsToExport == Export-ModuleMember -Function ==
                 the functions with comment-based help, all defined. Binary modules (RootModule *.dll): every
                 CmdletsToExport name is a [Cmdlet] class of the built dll (reflection), FunctionsToExport empty
  help           script modules: every public function has a .SYNOPSIS and an .EXAMPLE (GetHelpContent());
                 binary modules: the built en-US/<dll>-Help.xml has a synopsis and an example for every exported cmdlet
  verbs          every function (public or private) and exported cmdlet is Verb-Noun with an approved verb (Get-Verb,
                 minus the verbs PowerShell 7 added, so Windows PowerShell 5.1 does not warn either)
  shouldprocess  state-changing verbs declare SupportsShouldProcess (and script functions call $PSCmdlet.ShouldProcess);
                 public Remove-/Stop- commands use ConfirmImpact High
  binding        in script modules, every [AseGpu.X] type, New-Object AseGpu.X, 'AseGpu.X' -as [type], [AseGpu.X]::Member
                 and member used on a binding-typed variable exists (public, case-insensitive as PowerShell binds) in
                 the compiled AseGpu.Interop.dll or binary module (reflection, however the C# source is split)
  methods        every -Method 'StartX' passed to Invoke-AseSessionMethod is a public AseSession method that
                 returns AseOperation and takes as many arguments as the literal -Arguments @(...) passes
  formats        every view of the FormatsToProcess files selects a binding type (and names its properties), a PSTypeName
                 a script module sets on a [pscustomobject]@{...} (and names that hashtable's keys) or one a binary
                 module's C# source adds (TypeNames.Insert/Add)
  workflow       tests/documented-workflow.ps1 (a script written the documented Az way) uses the documented
                 commands, and every command and parameter it uses is exported by AseGpu.AzCompat (function
                 parameters or cmdlet [Parameter] properties, aliases, common parameters, -WhatIf/-Confirm) or is a
                 stock command with that parameter
  abi            the binding's AseStatus values and BindingAbiVersion match include/asegpu.h; every DllImport
                 names a header function (header functions not bound yet are listed as a note)
Last line: "N passed, M failed"; exit code 1 on failure.

-SelfTest copies the powershell folder, the header and Cargo.toml into a temporary folder, adds a small script
module (the fixture, so the script-module checks keep a target whatever the real modules become), checks that
the copy passes, then seeds one mistake at a time and checks that the check meant for it fails. The built
assemblies and module layout are only read.

.PARAMETER Root
The powershell folder (default: the folder above this script).

.PARAMETER InteropAssembly
The compiled AseGpu.Interop.dll to check the scripts against (default: <target>/powershell/AseGpu/AseGpu.Interop.dll,
<target> being $env:CARGO_TARGET_DIR or the repository's target folder).

.PARAMETER ModuleLayout
The laid-out module folder (default: the folder of -InteropAssembly): where binary modules, their MAML help and
other build products are found. When given explicitly, Test-ModuleManifest also runs on the built manifests.

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
$testLayoutManifest = [bool]$ModuleLayout
if (-not $ModuleLayout) { $ModuleLayout = Split-Path -Parent $InteropAssembly }

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
    'Select-Object', 'Where-Object', 'ForEach-Object', 'Format-Table', 'Format-List', 'Out-Null', 'Start-Sleep', 'Import-Module', 'Get-Date',
    'Resolve-Path', 'Remove-Item')
# Az cmdlets of AseGpu.AzCompat that only build a local object (nothing reaches the device); Az gives them no -WhatIf.
$script:LocalObjectCommands = @('New-AzVMConfig', 'Set-AzVMOperatingSystem', 'Set-AzVMOSDisk', 'Set-AzVMSourceImage', 'Add-AzVMNetworkInterface',
    'New-AzNetworkInterfaceIpConfig', 'New-AzStorageContext', 'New-AzStorageAccountSASToken')
# The documented flow (ase-workflow.md): these commands must appear in the script.
$script:WorkflowRequired = @('Add-AzEnvironment', 'Connect-AzAccount', 'New-AzResourceGroupDeployment', 'Set-AzVMExtension', 'Get-AzVM')
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
$script:ParseCache = @{}
$script:FactCache = @{}   # results that depend only on file contents (and the loaded assemblies), for the self-test's many runs
$script:Ps7TokenKinds = [System.Collections.Generic.HashSet[System.Management.Automation.Language.TokenKind]]::new()
foreach ($k in $script:Ps7Tokens.Keys) { $null = $script:Ps7TokenKinds.Add([System.Management.Automation.Language.TokenKind]$k) }
$script:CmdletCache = @{}

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

function Get-LoadedAssembly {
    # LoadFrom (the default load context): a binary module's dll then finds AseGpu.Interop.dll beside it.
    param([string]$Path)
    if (-not $script:Assemblies.ContainsKey($Path)) {
        $script:Assemblies[$Path] = [System.Reflection.Assembly]::LoadFrom($Path)
    }
    $script:Assemblies[$Path]
}

function Get-BindingType {
    # A type of the binding's assemblies (AseGpu.Interop.dll, the binary module) by full name, case-insensitive.
    param($Assemblies, [string]$Name)
    if ($Name -notmatch '^AseGpu\.') { $Name = 'AseGpu.' + $Name }
    foreach ($a in @($Assemblies)) {
        if ($null -eq $a) { continue }
        $t = $a.GetType($Name, $false, $true)
        if ($t) { return $t }
    }
    return $null
}

function Get-AssemblyType {
    param($Assembly)
    try { $Assembly.GetTypes() }
    catch [System.Reflection.ReflectionTypeLoadException] { $_.Exception.Types | Where-Object { $_ } }
}

function Get-BinaryCmdlet {
    # The cmdlet classes of a compiled module: name, verb, parameter names and aliases, ShouldProcess, ConfirmImpact.
    param($Assembly)
    foreach ($t in (Get-AssemblyType $Assembly)) {
        if (-not $t.IsPublic -or $t.IsAbstract) { continue }
        $ca = $null
        try { $ca = $t.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) | Select-Object -First 1 } catch { }
        if (-not $ca) { continue }
        $names = @{}
        foreach ($prop in $t.GetProperties([System.Reflection.BindingFlags]'Public, Instance')) {
            $pa = $null
            try { $pa = @($prop.GetCustomAttributes([System.Management.Automation.ParameterAttribute], $true)) } catch { }
            if (-not $pa) { continue }
            $names[$prop.Name.ToLowerInvariant()] = $true
            foreach ($al in @($prop.GetCustomAttributes([System.Management.Automation.AliasAttribute], $true))) {
                foreach ($n in $al.AliasNames) { $names[$n.ToLowerInvariant()] = $true }
            }
        }
        [pscustomobject]@{
            Name = "$($ca.VerbName)-$($ca.NounName)"; Verb = $ca.VerbName; Names = $names
            SupportsShouldProcess = [bool]$ca.SupportsShouldProcess; ConfirmImpact = "$($ca.ConfirmImpact)"; Type = $t
        }
    }
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
        if ($line -match '^\s*\[') { $inPackage = $line -match '^\s*\[workspace\.package\]\s*$'; continue }
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
        [string]$Layout,
        [switch]$TestLayoutManifest
    )
    $results = [System.Collections.Generic.List[object]]::new()
    $add = { param($name, $problems, $notes) $results.Add([pscustomobject]@{ Name = $name; Problems = @($problems); Notes = @($notes) }) }

    $asm = $null
    $asmProblem = $null
    if (Test-Path -LiteralPath $InteropAssembly) {
        try { $asm = Get-LoadedAssembly (Resolve-Path -LiteralPath $InteropAssembly).ProviderPath }
        catch { $asmProblem = "cannot load ${InteropAssembly}: $($_.Exception.Message)" }
    }
    else { $asmProblem = "$InteropAssembly not found (run powershell/build.sh first)" }
    $bindingAsms = @($asm | Where-Object { $_ })

    # ---- parse everything
    $files = @(Get-ChildItem -LiteralPath $Root -Recurse -File |
            Where-Object { $_.Extension -in @('.ps1', '.psm1', '.psd1') -and $_.FullName -notmatch '[\\/](bin|obj|\.git)[\\/]' } |
            Sort-Object FullName)
    $parsed = [ordered]@{}
    $syntax = @()
    foreach ($f in $files) {
        # Parse results are cached by content (the self-test changes one file per run).
        $bytes = [System.IO.File]::ReadAllBytes($f.FullName)
        $key = $f.FullName + '|' + [Convert]::ToBase64String([System.Security.Cryptography.SHA256]::HashData($bytes))
        if (-not $script:ParseCache.ContainsKey($key)) {
            $tokens = $null; $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($f.FullName, [ref]$tokens, [ref]$errors)
            $script:ParseCache[$key] = @($ast, $tokens, $errors)
        }
        $ast, $tokens, $errors = $script:ParseCache[$key]
        $parsed[$f.FullName] = [pscustomobject]@{ Ast = $ast; Tokens = $tokens; Rel = (Get-RelativePath $Root $f.FullName); Key = $key }
        foreach ($e in $errors) {
            $syntax += "$(Get-RelativePath $Root $f.FullName):$($e.Extent.StartLineNumber):$($e.Extent.StartColumnNumber): $($e.ErrorId): $($e.Message)"
        }
        if ($f.Extension -eq '.psd1' -and -not $errors) {
            try { $null = Import-PowerShellDataFile -LiteralPath $f.FullName }
            catch { $syntax += "$(Get-RelativePath $Root $f.FullName): not a PowerShell data file: $($_.Exception.Message)" }
        }
    }
    & $add "syntax ($($files.Count) files)" $syntax @()

    # ---- PowerShell 5.1 syntax
    $ps51 = @()
    foreach ($p in $parsed.Values) {
        $ck = 'ps51|' + $p.Key
        if (-not $script:FactCache.ContainsKey($ck)) {
            $found = @()
            foreach ($t in $p.Tokens) {
                if ($script:Ps7TokenKinds.Contains($t.Kind)) { $found += "$($p.Rel):$($t.Extent.StartLineNumber): $($script:Ps7Tokens[$t.Kind.ToString()]) is PowerShell 7 only" }
            }
            foreach ($n in (Find-Ast $p.Ast ([System.Management.Automation.Language.TernaryExpressionAst]))) {
                $found += "$($p.Rel):$($n.Extent.StartLineNumber): ternary ? : is PowerShell 7 only"
            }
            foreach ($n in (Find-Ast $p.Ast ([System.Management.Automation.Language.ScriptBlockAst]) { param($s) $null -ne $s.CleanBlock })) {
                $found += "$($p.Rel):$($n.CleanBlock.Extent.StartLineNumber): clean { } blocks are PowerShell 7.3+ only"
            }
            $script:FactCache[$ck] = $found
        }
        $ps51 += $script:FactCache[$ck]
    }
    & $add 'PowerShell 5.1 syntax' $ps51 @()

    # ---- module manifests (script modules: AST; binary modules: reflection on the built dll), formats
    $manifestProblems = @(); $exports = @(); $helps = @(); $verbs = @(); $sp = @(); $bind = @(); $formats = @()
    $spNotes = @(); $exportNotes = @()
    $cargoVersion = Get-CargoVersion $CargoToml
    $modules = @()
    foreach ($mf in @($parsed.Keys | Where-Object { $_.EndsWith('.psd1') })) {
        $rel = $parsed[$mf].Rel
        $modDir = Split-Path -Parent $mf
        try { $m = Import-PowerShellDataFile -LiteralPath $mf }
        catch { continue }   # reported under syntax
        $modName = [System.IO.Path]::GetFileNameWithoutExtension($mf)
        # A module manifest (named like its folder, or with RootModule/ModuleVersion); other .psd1 files are data files.
        if (-not ($m.ContainsKey('RootModule') -or $m.ContainsKey('ModuleVersion') -or (Split-Path -Leaf $modDir) -eq $modName)) { continue }
        # Where build.sh lays this module out: the layout itself for AseGpu, a subfolder for the others (AseGpu.AzCompat).
        $layoutDir = $null
        if ($Layout -and (Test-Path -LiteralPath $Layout)) {
            if ((Split-Path -Leaf $Layout) -eq (Split-Path -Leaf $modDir)) { $layoutDir = $Layout }
            elseif (Test-Path -LiteralPath (Join-Path $Layout (Split-Path -Leaf $modDir))) { $layoutDir = Join-Path $Layout (Split-Path -Leaf $modDir) }
        }
        $modules += [pscustomobject]@{ Path = $mf; Rel = $rel; Dir = $modDir; LayoutDir = $layoutDir; Data = $m; Kind = $null; Dlls = @(); Commands = @{} }
    }
    # Binary modules first: their assemblies hold types the script modules may name ([AseGpu.PowerShell.X]).
    foreach ($mod in $modules) {
        $rootModule = "$($mod.Data['RootModule'])"
        $dllNames = @(@($rootModule) + @($mod.Data['NestedModules']) | Where-Object { $_ -and "$_".EndsWith('.dll', [System.StringComparison]::OrdinalIgnoreCase) })
        if ($rootModule.EndsWith('.dll', [System.StringComparison]::OrdinalIgnoreCase)) { $mod.Kind = 'binary' }
        # A manifest without RootModule that re-exports cmdlets of a dll it loads as a nested module (AseGpu.AzCompat:
        # the dll AseGpu loads) is binary too.
        elseif (-not $rootModule -and $dllNames) { $mod.Kind = 'binary' }
        elseif ($rootModule -match '\.ps[m]?1$') { $mod.Kind = 'script' }
        foreach ($dn in $dllNames) {
            $candidates = @()
            if ($mod.LayoutDir) { $candidates += Join-Path $mod.LayoutDir $dn }
            $candidates += Join-Path $mod.Dir $dn
            $found = $candidates | Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
            if (-not $found) { $exports += "$($mod.Rel): $dn is not built (looked in $($candidates -join ', '); run powershell/build.sh)"; continue }
            try {
                $a = Get-LoadedAssembly (Resolve-Path -LiteralPath $found).ProviderPath
                $mod.Dlls += $a
                if ($bindingAsms -notcontains $a) { $bindingAsms += $a }
            }
            catch { $exports += "$($mod.Rel): cannot load ${found}: $($_.Exception.Message)" }
        }
    }
    $psTypeKeys = @{}     # PSTypeName of a [pscustomobject]@{...} in a script module -> its keys
    $psTypeNamesCs = @{}  # PSTypeNames a binary module's C# source adds (TypeNames.Insert/Add("...")) -> file
    foreach ($mod in $modules) {
        $m = $mod.Data; $rel = $mod.Rel; $modDir = $mod.Dir
        $inModule = { param($f) (Test-Path -LiteralPath (Join-Path $modDir $f)) -or ($mod.LayoutDir -and (Test-Path -LiteralPath (Join-Path $mod.LayoutDir $f))) }

        # manifest fields
        if (-not $m.ContainsKey('RootModule') -and $mod.Kind -ne 'binary') { $exports += "${rel}: no RootModule"; continue }
        if ($cargoVersion -and "$($m['ModuleVersion'])" -ne $cargoVersion) {
            $manifestProblems += "${rel}: ModuleVersion '$($m['ModuleVersion'])' is not Cargo.toml's package version '$cargoVersion'"
        }
        if ("$($m['PowerShellVersion'])" -ne '5.1') { $manifestProblems += "${rel}: PowerShellVersion must be '5.1' (Windows PowerShell 5.1 and PowerShell 7)" }
        $editions = @($m['CompatiblePSEditions'])
        if ('Desktop' -notin $editions -or 'Core' -notin $editions) { $manifestProblems += "${rel}: CompatiblePSEditions must list Desktop and Core" }
        if ($m.ContainsKey('DotNetFrameworkVersion') -and [version]$m.DotNetFrameworkVersion -lt [version]'4.7.2') {
            $manifestProblems += "${rel}: DotNetFrameworkVersion $($m.DotNetFrameworkVersion): the netstandard2.0 assemblies need .NET Framework 4.7.2 or later"
        }
        $guid = [guid]::Empty
        if (-not [guid]::TryParse("$($m['GUID'])", [ref]$guid)) { $manifestProblems += "${rel}: GUID missing or invalid" }
        foreach ($key in @('FunctionsToExport', 'CmdletsToExport', 'VariablesToExport', 'AliasesToExport')) {
            if (-not $m.ContainsKey($key)) { $exports += "${rel}: $key missing (defaults to '*')" }
            elseif (@($m[$key] | Where-Object { $_ -and [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($_) }).Count) {
                $exports += "${rel}: $key must be an explicit list, not a wildcard"
            }
        }
        foreach ($key in @('FormatsToProcess', 'FileList', 'RequiredAssemblies', 'TypesToProcess')) {
            foreach ($f in @($m[$key])) {
                if ($f -and -not (& $inModule $f)) { $manifestProblems += "${rel}: $key entry $f not found (in the source or the built module)" }
            }
        }
        if (-not $mod.Kind) { $exports += "${rel}: RootModule $($m.RootModule) is neither a script module nor a .dll"; continue }
        $listed = { param($key) @($m[$key] | Where-Object { $_ } | Sort-Object -Unique) }

        if ($mod.Kind -eq 'script') {
            $psm1 = Join-Path $modDir $m.RootModule
            if (-not $parsed.Contains($psm1)) { $exports += "${rel}: RootModule $($m.RootModule) not found"; continue }
            $ast = $parsed[$psm1].Ast
            $mrel = $parsed[$psm1].Rel
            # Cached by the contents of the manifest and the script (the self-test's runs mostly change other files).
            $ck = 'script|' + $parsed[$psm1].Key + '|' + $parsed[$mod.Path].Key
            if (-not $script:FactCache.ContainsKey($ck)) {
                $saved = @($exports, $helps, $verbs, $sp, $bind)
                $exports = @(); $helps = @(); $verbs = @(); $sp = @(); $bind = @(); $localTypes = @{}; $localCommands = @{}
                $manifestFns = & $listed 'FunctionsToExport'
                $fns = @(Find-Ast $ast ([System.Management.Automation.Language.FunctionDefinitionAst]))
                $public = @($fns | Where-Object { $h = $_.GetHelpContent(); $null -ne $h -and $h.Synopsis } | ForEach-Object Name | Sort-Object -Unique)
                $defined = @($fns | ForEach-Object Name)
                if (-not (Test-SameNameSet $manifestFns $public)) {
                    $exports += "${mrel}: FunctionsToExport ($($manifestFns -join ', ')) != public (documented) functions ($($public -join ', '))"
                }
                foreach ($c in @(Find-Ast $ast ([System.Management.Automation.Language.CommandAst]) { param($c) $c.GetCommandName() -eq 'Export-ModuleMember' })) {
                    $list = Get-StringConstant (Get-CommandArgument $c 'Function')
                    if ($null -eq $list) { $exports += "${mrel}:$($c.Extent.StartLineNumber): Export-ModuleMember -Function must be a literal list"; continue }
                    if (-not (Test-SameNameSet $list $manifestFns)) {
                        $exports += "${mrel}: Export-ModuleMember ($(@($list | Sort-Object -Unique) -join ', ')) != FunctionsToExport ($($manifestFns -join ', '))"
                    }
                }
                foreach ($n in $manifestFns) {
                    if ($n -notin $defined) { $exports += "${mrel}: exported function $n is not defined" }
                    elseif ($n -notin $public) { $helps += "${mrel}: exported function $n has no comment-based help with a .SYNOPSIS" }
                }
                foreach ($n in (& $listed 'CmdletsToExport')) { $exports += "${rel}: CmdletsToExport lists $n but the module has no binary part" }

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
                    if ($name -in $manifestFns) { $localCommands[$name.ToLowerInvariant()] = Get-FunctionParameterName $fn }
                }

                # PSTypeNames this module gives its [pscustomobject]s
                foreach ($h in (Find-Ast $ast ([System.Management.Automation.Language.HashtableAst]))) {
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
                    if ($typeName) { $localTypes[$typeName] = $keys }
                }

                # binding types and members named in the module
                if ($asm) {
                    foreach ($n in (Find-Ast $ast ([System.Management.Automation.Language.Ast]) { param($x)
                                $x -is [System.Management.Automation.Language.TypeExpressionAst] -or $x -is [System.Management.Automation.Language.TypeConstraintAst] })) {
                        foreach ($t in (Get-TypeNameLeaf $n.TypeName)) {
                            if ($t -match '^AseGpu\.' -and -not (Get-BindingType $bindingAsms $t)) {
                                $bind += "${mrel}:$($n.Extent.StartLineNumber): type [$t] is not in the binding's assemblies"
                            }
                        }
                    }
                    foreach ($c in (Find-Ast $ast ([System.Management.Automation.Language.CommandAst]) { param($x) $x.GetCommandName() -eq 'New-Object' })) {
                        $typeArg = Get-CommandArgument $c 'TypeName'
                        if ($null -eq $typeArg -and $c.CommandElements.Count -gt 1) { $typeArg = $c.CommandElements[1] }
                        $s = Get-StringConstant $typeArg
                        if ($s -and $s[0] -match '^AseGpu\.' -and -not (Get-BindingType $bindingAsms $s[0])) {
                            $bind += "${mrel}:$($c.Extent.StartLineNumber): New-Object $($s[0]): no such type in the binding's assemblies"
                        }
                    }
                    foreach ($b in (Find-Ast $ast ([System.Management.Automation.Language.BinaryExpressionAst]) { param($x) $x.Operator.ToString() -eq 'As' })) {
                        $s = Get-StringConstant $b.Left
                        if ($s -and $s[0] -match '^AseGpu\.' -and -not (Get-BindingType $bindingAsms $s[0])) {
                            $bind += "${mrel}:$($b.Extent.StartLineNumber): '$($s[0])' -as [type]: no such type in the binding's assemblies"
                        }
                    }
                    foreach ($me in (Find-Ast $ast ([System.Management.Automation.Language.MemberExpressionAst]))) {
                        if (-not ($me.Member -is [System.Management.Automation.Language.StringConstantExpressionAst])) { continue } # $obj.$name: dynamic
                        $member = $me.Member.Value
                        if ($me.Static -and $me.Expression -is [System.Management.Automation.Language.TypeExpressionAst]) {
                            $t = $me.Expression.TypeName.FullName
                            if ($t -notmatch '^AseGpu\.') { continue }
                            $type = Get-BindingType $bindingAsms $t
                            if ($type -and -not (Test-PublicMember $type $member -Static)) {
                                $bind += "${mrel}:$($me.Extent.StartLineNumber): [$t]::$member is not a public static member"
                            }
                        }
                        elseif (-not $me.Static -and $me.Expression -is [System.Management.Automation.Language.VariableExpressionAst]) {
                            $var = '$' + $me.Expression.VariablePath.UserPath.ToLowerInvariant()
                            if (-not $script:BindingVars.ContainsKey($var)) { continue }
                            $classes = $script:BindingVars[$var]
                            $found = $false
                            foreach ($k in $classes) {
                                $type = Get-BindingType $bindingAsms $k
                                if ($null -eq $type) { $bind += "${mrel}: the check's variable map names $k, which is not in AseGpu.Interop.dll"; continue }
                                if (Test-PublicMember $type $member) { $found = $true }
                            }
                            if (-not $found) {
                                $bind += "${mrel}:$($me.Extent.StartLineNumber): $($me.Expression.Extent.Text).${member}: no public member $member in $($classes -join '/')"
                            }
                        }
                    }
                }
                $script:FactCache[$ck] = @($exports, $helps, $verbs, $sp, $bind, $localTypes, $localCommands)
                $exports, $helps, $verbs, $sp, $bind = $saved
            }
            $d = $script:FactCache[$ck]
            $exports += $d[0]; $helps += $d[1]; $verbs += $d[2]; $sp += $d[3]; $bind += $d[4]
            foreach ($k in $d[5].Keys) { $psTypeKeys[$k] = $d[5][$k] }
            foreach ($k in $d[6].Keys) { $mod.Commands[$k] = $d[6][$k] }
        }
        else {
            # A binary module: the cmdlets of its RootModule/NestedModules assemblies, by reflection.
            $cmdlets = @{}
            foreach ($a in $mod.Dlls) {
                if (-not $script:CmdletCache.ContainsKey($a.Location)) { $script:CmdletCache[$a.Location] = @(Get-BinaryCmdlet $a) }
                foreach ($c in $script:CmdletCache[$a.Location]) { $cmdlets[$c.Name.ToLowerInvariant()] = $c }
            }
            if (-not $mod.Dlls) { continue }   # reported above: not built
            $exported = & $listed 'CmdletsToExport'
            foreach ($n in (& $listed 'FunctionsToExport')) { $exports += "${rel}: FunctionsToExport lists $n but the module has no script part" }
            $dllName = if ($m['RootModule']) { "$($m['RootModule'])" } else { Split-Path -Leaf "$(@($m['NestedModules'] | Where-Object { "$_".EndsWith('.dll', [System.StringComparison]::OrdinalIgnoreCase) })[0])" }
            foreach ($n in $exported) { if (-not $cmdlets.ContainsKey($n.ToLowerInvariant())) { $exports += "${rel}: CmdletsToExport lists $n, which no cmdlet class of $dllName defines" } }
            $hidden = @($cmdlets.Values | Where-Object { $_.Name -notin $exported } | ForEach-Object Name | Sort-Object)
            if ($hidden) { $exportNotes += "${rel}: cmdlets of $dllName this manifest does not export: $($hidden -join ', ')" }
            # MAML help beside the built dll (en-US/<dll>-Help.xml): a synopsis and an example per exported cmdlet.
            $mamlName = "en-US/$dllName-Help.xml"
            $maml = $null
            if ($mod.LayoutDir -and (Test-Path -LiteralPath (Join-Path $mod.LayoutDir $mamlName))) { $maml = Join-Path $mod.LayoutDir $mamlName }
            if (-not $maml) { $helps += "${rel}: no $mamlName in the built module" }
            else {
                $helpOf = @{}
                try {
                    [xml]$x = Get-Content -LiteralPath $maml -Raw
                    foreach ($c in $x.SelectNodes("//*[local-name()='command' and local-name(..)='helpItems']")) {
                        $nm = $c.SelectSingleNode("*[local-name()='details']/*[local-name()='name']")
                        if ($nm) {
                            $helpOf[$nm.InnerText.Trim().ToLowerInvariant()] = [pscustomobject]@{
                                Synopsis = "$($c.SelectSingleNode("*[local-name()='details']/*[local-name()='description']").InnerText)".Trim()
                                Examples = $c.SelectNodes("*[local-name()='examples']/*[local-name()='example']").Count
                            }
                        }
                    }
                }
                catch { $helps += "${mamlName}: not XML: $($_.Exception.Message)" }
                foreach ($n in $exported) {
                    $h = $helpOf[$n.ToLowerInvariant()]
                    if (-not $h) { $helps += "${mamlName}: no help for $n" }
                    else {
                        if (-not $h.Synopsis) { $helps += "${mamlName}: $n has no synopsis" }
                        if ($h.Examples -eq 0) { $helps += "${mamlName}: $n has no example" }
                    }
                }
            }
            foreach ($n in $exported) {
                $c = $cmdlets[$n.ToLowerInvariant()]
                if (-not $c) { continue }
                if (-not $script:ApprovedVerbs.ContainsKey($c.Verb)) { $verbs += "${rel}: ${n}: verb '$($c.Verb)' is not approved (Get-Verb)" }
                if ($c.Verb -in $script:StateChanging -and -not $c.SupportsShouldProcess -and $n -notin $script:LocalObjectCommands) { $sp += "${rel}: $n changes state ($($c.Verb)) but its [Cmdlet] does not set SupportsShouldProcess" }
                if ($c.Verb -in @('Remove', 'Stop') -and $c.ConfirmImpact -ne 'High') { $sp += "${rel}: $n should set ConfirmImpact = ConfirmImpact.High (and offer -Force)" }
                $mod.Commands[$n.ToLowerInvariant()] = $c
            }
            $spNotes += "${rel}: compiled cmdlets: that they call ShouldProcess is for the C# tests to show"
            # PSTypeNames the module's C# source gives its PSObjects (for the format check)
            $src = Join-Path (Split-Path -Parent $modDir) ([System.IO.Path]::GetFileNameWithoutExtension($dllName))
            if (Test-Path -LiteralPath $src) {
                foreach ($cs in (Get-ChildItem -LiteralPath $src -Recurse -File -Filter *.cs | Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' })) {
                    foreach ($mm in [regex]::Matches([System.IO.File]::ReadAllText($cs.FullName), 'TypeNames\.(?:Insert|Add)\s*\([^")]*"([^"]+)"')) {
                        $psTypeNamesCs[$mm.Groups[1].Value] = $cs.Name
                    }
                }
            }
        }
    }

    # format views: every view selects a binding type (and names its properties) or a PSTypeName a module sets
    foreach ($mod in $modules) {
        foreach ($fmt in @($mod.Data['FormatsToProcess'])) {
            if (-not $fmt) { continue }
            $fp = Join-Path $mod.Dir $fmt
            if (-not (Test-Path -LiteralPath $fp)) { continue }   # reported under manifest fields
            $frel = Get-RelativePath $Root $fp
            try { [xml]$xml = Get-Content -LiteralPath $fp -Raw }
            catch { $formats += "${frel}: not XML: $($_.Exception.Message)"; continue }
            foreach ($view in $xml.SelectNodes('//View')) {
                $props = @($view.SelectNodes('.//PropertyName') | ForEach-Object { $_.InnerText.Trim() })
                foreach ($tn in @($view.SelectNodes('ViewSelectedBy/TypeName') | ForEach-Object { $_.InnerText.Trim() })) {
                    $type = $null
                    if ($tn -match '^AseGpu\.') { $type = Get-BindingType $bindingAsms $tn }
                    if ($type) {
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
                    elseif ($psTypeNamesCs.ContainsKey($tn)) { }   # a PSObject the C# code names; its properties are not checked here
                    elseif ($asm) {
                        $formats += "${frel}: view $($view.Name): $tn is neither a type of the binding's assemblies nor a PSTypeName a module sets"
                    }
                }
            }
        }
    }
    if ($TestLayoutManifest -and $Layout) {
        foreach ($lm in @((Join-Path $Layout 'AseGpu.psd1'), (Join-Path (Join-Path $Layout 'AseGpu.AzCompat') 'AseGpu.AzCompat.psd1'))) {
            if (-not (Test-Path -LiteralPath $lm)) { $manifestProblems += "$lm is not in the built module"; continue }
            $errs = $null
            $info = Test-ModuleManifest -Path $lm -ErrorAction SilentlyContinue -ErrorVariable errs -WarningAction SilentlyContinue
            foreach ($e in @($errs)) { $manifestProblems += "Test-ModuleManifest ${lm}: $($e.Exception.Message)" }
            if ($info) {
                $ld = Import-PowerShellDataFile -LiteralPath $lm
                if (-not (Test-SameNameSet @($ld.FunctionsToExport) @($info.ExportedFunctions.Keys))) { $manifestProblems += "Test-ModuleManifest ${lm}: exported functions ($(@($info.ExportedFunctions.Keys) -join ', ')) != FunctionsToExport" }
                if (-not (Test-SameNameSet @($ld.CmdletsToExport) @($info.ExportedCmdlets.Keys))) { $manifestProblems += "Test-ModuleManifest ${lm}: exported cmdlets ($(@($info.ExportedCmdlets.Keys) -join ', ')) != CmdletsToExport" }
            }
        }
    }
    & $add 'manifest fields' $manifestProblems @()
    & $add 'exports (FunctionsToExport/CmdletsToExport == Export-ModuleMember == documented functions / built cmdlets)' $exports $exportNotes
    & $add 'help: comment-based .SYNOPSIS and .EXAMPLE, or MAML synopsis and example per cmdlet' $helps @()
    & $add 'approved verbs' $verbs @()
    & $add 'SupportsShouldProcess on state-changing commands' $sp $spNotes
    if ($asmProblem) { $bind += $asmProblem; $formats += $asmProblem }
    & $add "binding members used by the modules exist in the binding's assemblies" $bind @()
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
    $compatManifest = Join-Path $Root 'AseGpu.AzCompat/AseGpu.AzCompat.psd1'
    $compatModule = $modules | Where-Object { $_.Path -eq $compatManifest } | Select-Object -First 1
    if (-not $parsed.Contains($script)) { $workflow += "tests/documented-workflow.ps1 is missing" }
    elseif (-not $compatModule) { $workflow += "AseGpu.AzCompat/AseGpu.AzCompat.psd1 is missing or not a module manifest" }
    else {
        $provided = $compatModule.Commands
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
        foreach ($t in (Get-AssemblyType $asm)) {
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

# The self-test's own small script module (written into the copy under tests/selftest-fixture/SelfTest/): it keeps
# the script-module checks covered however the real modules change (AseGpu itself is a binary module).
$script:FixtureFiles = [ordered]@{
    'SelfTest.psd1'          = @'
@{
    RootModule           = 'SelfTest.psm1'
    ModuleVersion        = '__CARGO_VERSION__'
    GUID                 = '0c4f5a86-2d1e-4b7a-9a51-5e0d7c1b2a33'
    Author               = 'asegpu developers'
    Description          = 'check-ps.ps1 -SelfTest fixture'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FunctionsToExport    = @(
        'Get-SelfTestThing'
        'Remove-SelfTestThing'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('SelfTest.format.ps1xml')
    FileList             = @('SelfTest.psd1', 'SelfTest.psm1', 'SelfTest.format.ps1xml')
}
'@
    'SelfTest.psm1'          = @'
Set-StrictMode -Version 3.0

function Get-SelfTestThing {
    <#
    .SYNOPSIS
    Reads a resource group through the binding.

    .EXAMPLE
    Get-SelfTestThing -Name rg1
    #>
    [CmdletBinding()]
    [OutputType([AseGpu.AseResourceGroup])]
    param(
        [Parameter(Mandatory)]
        [string]$Name
    )
    if (-not ('AseGpu.AseSession' -as [type])) { return }
    [AseGpu.AseNative]::EnsureLoaded()
    $options = New-Object AseGpu.AseConnectOptions
    $options.ArmEndpoint = 'https://example.invalid/'
    $session = [AseGpu.AseSession]::StartConnect($options, $null).GetResult()
    $operation = Invoke-AseSessionMethod -Session $session -Method 'StartTestVmSize' -Arguments @($Name, 1)
    $null = $session.StartGetResourceGroup($Name)
    [pscustomobject]@{ PSTypeName = 'SelfTest.Thing'; Name = $Name; Operation = $operation }
}

function Remove-SelfTestThing {
    <#
    .SYNOPSIS
    Removes a thing.

    .EXAMPLE
    Remove-SelfTestThing -Name rg1 -Force
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    param(
        [Parameter(Mandatory)]
        [string]$Name,

        [switch]$Force
    )
    if ($Force -or $PSCmdlet.ShouldProcess($Name, 'Remove')) {
        Write-SelfTestEvent -Message "removing $Name"
    }
}

function Write-SelfTestEvent {
    [CmdletBinding()]
    param([string]$Message)
    if (-not $Message) { $Message = 'nothing' }
    Write-Verbose $Message
}

function Invoke-AseSessionMethod {
    [CmdletBinding()]
    param($Session, [string]$Method, [object[]]$Arguments = @())
    $Session.$Method.Invoke($Arguments)
}

Export-ModuleMember -Function @(
    'Get-SelfTestThing'
    'Remove-SelfTestThing'
)
'@
    'SelfTest.format.ps1xml' = @'
<?xml version="1.0" encoding="utf-8"?>
<Configuration>
  <ViewDefinitions>
    <View>
      <Name>SelfTest.Thing</Name>
      <ViewSelectedBy><TypeName>SelfTest.Thing</TypeName></ViewSelectedBy>
      <TableControl>
        <TableHeaders><TableColumnHeader /></TableHeaders>
        <TableRowEntries><TableRowEntry><TableColumnItems>
          <TableColumnItem><PropertyName>Name</PropertyName></TableColumnItem>
        </TableColumnItems></TableRowEntry></TableRowEntries>
      </TableControl>
    </View>
    <View>
      <Name>SelfTest.GpuReport</Name>
      <ViewSelectedBy><TypeName>AseGpu.AseGpuReport</TypeName></ViewSelectedBy>
      <ListControl><ListEntries><ListEntry><ListItems>
        <ListItem><PropertyName>FreeGpus</PropertyName></ListItem>
      </ListItems></ListEntry></ListEntries></ListControl>
    </View>
  </ViewDefinitions>
</Configuration>
'@
}

# Seeded mistakes: (the check that must fail, file relative to the powershell folder, text, replacement).
# '../include/asegpu.h' and '../Cargo.toml' are the copies beside the copied powershell folder. A text starting
# with 're:' is a regular expression (its first match is replaced; $0 is the match), so real files may be reformatted.
$fx = 'tests/selftest-fixture/SelfTest'
$script:Mutations = @(
    @('syntax', "$fx/SelfTest.psm1", 'function Write-SelfTestEvent {', 'function Write-SelfTestEvent {{'),
    @('syntax', 'AseGpu/AseGpu.psd1', "re:PowerShellVersion\s*=\s*'5\.1'", "PowerShellVersion = '5.1"),
    @('syntax', "$fx/SelfTest.psd1", "    AliasesToExport      = @()", "    AliasesToExport      = @(Get-Date)"),
    @('PowerShell 5.1 syntax', "$fx/SelfTest.psm1", "if (-not `$Message) { `$Message = 'nothing' }", "`$Message = `$Message ?? 'nothing'"),
    @('PowerShell 5.1 syntax', "$fx/SelfTest.psm1", "if (-not `$Message) { `$Message = 'nothing' }", "`$Message = `$Message ? `$Message : 'nothing'"),
    @('PowerShell 5.1 syntax', "$fx/SelfTest.psm1", "if (-not `$Message) { `$Message = 'nothing' }", "`$Message ??= 'nothing'"),
    @('PowerShell 5.1 syntax', "$fx/SelfTest.psm1", "if (-not `$Message) { `$Message = 'nothing' }", 'Get-Date && Get-Date'),
    @('PowerShell 5.1 syntax', "$fx/SelfTest.psm1", "if (-not `$Message) { `$Message = 'nothing' }", '$Message = ${Message}?.Trim()'),
    @('PowerShell 5.1 syntax', 'tests/documented-workflow.ps1', "re:\`$ErrorActionPreference = 'Stop'", "`$ErrorActionPreference = `${Credential}?.UserName"),
    @('manifest fields', 'AseGpu/AseGpu.psd1', "re:ModuleVersion\s*=\s*'[^']*'", "ModuleVersion = '0.0.0.1'"),
    @('manifest fields', '../Cargo.toml', 're:(?m)^version\s*=\s*"[^"]*"', 'version = "99.0.0"'),
    @('manifest fields', 'AseGpu/AseGpu.psd1', 're:CompatiblePSEditions\s*=\s*@\([^)]*\)', "CompatiblePSEditions = @('Core')"),
    @('manifest fields', 'AseGpu/AseGpu.psd1', 're:AseGpu\.format\.ps1xml', 'AseGpu.formats.ps1xml'),
    @('manifest fields', "$fx/SelfTest.psd1", "    PowerShellVersion    = '5.1'", "    PowerShellVersion    = '7.2'"),
    @('manifest fields', "$fx/SelfTest.psd1", "CompatiblePSEditions = @('Desktop', 'Core')", "CompatiblePSEditions = @('Desktop')"),
    @('manifest fields', "$fx/SelfTest.psd1", "'SelfTest.psd1', 'SelfTest.psm1'", "'SelfTest.psd1', 'SelfTest.ps1'"),
    @('exports', 'AseGpu/AseGpu.psd1', 're:CmdletsToExport\s*=\s*@\(', "CmdletsToExport = @('Get-AseNothing', "),
    @('exports', 'AseGpu/AseGpu.psd1', 're:FunctionsToExport\s*=\s*@\([^)]*\)', "FunctionsToExport = @('*')"),
    @('exports', "$fx/SelfTest.psd1", "        'Remove-SelfTestThing'`n", ''),
    @('exports', "$fx/SelfTest.psm1", "    'Remove-SelfTestThing'`n)", ')'),
    @('exports', "$fx/SelfTest.psd1", '    AliasesToExport      = @()', '    # AliasesToExport'),
    @('help', "$fx/SelfTest.psm1", "    .EXAMPLE`n    Remove-SelfTestThing -Name rg1 -Force", ''),
    @('help', "$fx/SelfTest.psm1", "    .SYNOPSIS`n    Removes a thing.", '    Removes a thing.'),
    @('approved verbs', "$fx/SelfTest.psm1", 'function Write-SelfTestEvent', 'function Emit-SelfTestEvent'),
    @('SupportsShouldProcess', "$fx/SelfTest.psm1", "[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]", "[CmdletBinding(ConfirmImpact = 'High')]"),
    @('SupportsShouldProcess', "$fx/SelfTest.psm1", "[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]", '[CmdletBinding(SupportsShouldProcess)]'),
    @('SupportsShouldProcess', "$fx/SelfTest.psm1", "`$PSCmdlet.ShouldProcess(`$Name, 'Remove')", '$true'),
    @('binding members', "$fx/SelfTest.psm1", '$session.StartGetResourceGroup($Name)', '$session.StartFetchResourceGroup($Name)'),
    @('binding members', "$fx/SelfTest.psm1", '[AseGpu.AseSession]::StartConnect(', '[AseGpu.AseSession]::BeginConnect('),
    @('binding members', "$fx/SelfTest.psm1", 'New-Object AseGpu.AseConnectOptions', 'New-Object AseGpu.AseConnectionOptions'),
    @('binding members', "$fx/SelfTest.psm1", '$options.ArmEndpoint =', '$options.ArmEndpointUri ='),
    @('binding members', "$fx/SelfTest.psm1", '[OutputType([AseGpu.AseResourceGroup])]', '[OutputType([AseGpu.AseResourceGrp])]'),
    @('binding members', "$fx/SelfTest.psm1", "'AseGpu.AseSession' -as [type]", "'AseGpu.AseSessions' -as [type]"),
    @('methods passed', "$fx/SelfTest.psm1", "-Method 'StartTestVmSize'", "-Method 'StartTestVmSizes'"),
    @('methods passed', "$fx/SelfTest.psm1", "-Method 'StartTestVmSize' -Arguments @(`$Name, 1)", "-Method 'StartTestVmSize' -Arguments @(`$Name)"),
    @('format views', "$fx/SelfTest.format.ps1xml", '<PropertyName>FreeGpus</PropertyName>', '<PropertyName>FreeGpu</PropertyName>'),
    @('format views', "$fx/SelfTest.format.ps1xml", '<PropertyName>Name</PropertyName>', '<PropertyName>Label</PropertyName>'),
    @('format views', "$fx/SelfTest.format.ps1xml", '<TypeName>SelfTest.Thing</TypeName>', '<TypeName>SelfTest.Thingy</TypeName>'),
    @('format views', 'AseGpu/AseGpu.format.ps1xml', 're:<TypeName>AseGpu\.[A-Za-z.]+</TypeName>', '<TypeName>AseGpu.NoSuchType</TypeName>'),
    @('documented workflow', 'AseGpu.AzCompat/AseGpu.AzCompat.psd1', "re:'Set-AzVMExtension'", "'Set-AzVMExtensionX'"),
    @('documented workflow', 'tests/documented-workflow.ps1', 're:Get-AzVM -ResourceGroupName', 'Get-AzVM -ResourceGroup'),
    @('documented workflow', 'tests/documented-workflow.ps1', 're:New-AzResourceGroup [^\r\n]*', '$0 | Out-Null -Quiet'),
    @('documented workflow', 'tests/documented-workflow.ps1', 're:(?m)^(\s*)Set-AzVMExtension -', '${1}Set-AzVMExtensionX -'),
    @('C# binding matches', '../include/asegpu.h', 're:ASEGPU_STATUS_NOT_FOUND\s*=\s*30', 'ASEGPU_STATUS_NOT_FOUND = 31'),
    @('C# binding matches', '../include/asegpu.h', 're:#define\s+ASEGPU_ABI_VERSION\s+\d+', '#define ASEGPU_ABI_VERSION 999'),
    @('C# binding matches', '../include/asegpu.h', 're:\basegpu_version\s*\(\s*void\s*\)', 'asegpu_library_version(void)')
)

function Invoke-SelfTest {
    param([string]$Root, [string]$Header, [string]$CargoToml, [string]$InteropAssembly, [string]$Layout)
    $tmp = Join-Path ([System.IO.Path]::GetTempPath()) ('asegpu-check-ps-' + [guid]::NewGuid().ToString('N'))
    $passed = 0; $failed = 0
    $copyRoot = Join-Path $tmp 'powershell'
    $run = {
        Invoke-StaticCheck -Root $copyRoot -Header (Join-Path $tmp 'include/asegpu.h') -CargoToml (Join-Path $tmp 'Cargo.toml') -InteropAssembly $InteropAssembly -Layout $Layout
    }
    try {
        # One copy; each mutation is written into it and the file restored afterwards.
        $null = New-Item -ItemType Directory -Path (Join-Path $tmp 'include')
        Copy-Item -LiteralPath $Root -Destination $copyRoot -Recurse
        Copy-Item -LiteralPath $Header -Destination (Join-Path $tmp 'include/asegpu.h')
        Copy-Item -LiteralPath $CargoToml -Destination (Join-Path $tmp 'Cargo.toml')
        $fixtureDir = Join-Path $copyRoot $fx
        $null = New-Item -ItemType Directory -Path $fixtureDir -Force
        foreach ($k in $script:FixtureFiles.Keys) {
            [System.IO.File]::WriteAllText((Join-Path $fixtureDir $k), $script:FixtureFiles[$k].Replace('__CARGO_VERSION__', (Get-CargoVersion $CargoToml)).Replace("`r`n", "`n"))
        }
        $baseline = @(& $run | Where-Object { $_.Problems.Count })
        if ($baseline) {
            $failed++
            Write-Output "FAIL self-test: the unmodified copy (with the fixture module) already fails: $(($baseline | ForEach-Object Name) -join '; ')"
            foreach ($b in $baseline) { foreach ($p in $b.Problems) { Write-Output "     $p" } }
        }
        else { $passed++; Write-Output 'ok   self-test: the unmodified copy (with the fixture module) passes every check' }
        foreach ($mu in $script:Mutations) {
            $check, $rel, $old, $new = $mu
            $path = Join-Path $copyRoot $rel
            $label = $new.Trim()
            if (-not $label) { $label = 'removing ' + $old.Trim() }
            $label = $label.Replace("`r", '').Replace("`n", ' ')
            if ($label.Length -gt 60) { $label = $label.Substring(0, 60) }
            if (-not (Test-Path -LiteralPath $path)) { $failed++; Write-Output "FAIL self-test: $rel does not exist (update the mutation)"; continue }
            $src = [System.IO.File]::ReadAllText($path)
            $mutated = $null
            if ($old.StartsWith('re:')) {
                $rx = [regex]::new($old.Substring(3))
                if ($rx.IsMatch($src)) { $mutated = $rx.Replace($src, $new, 1) }
            }
            else {
                $at = $src.IndexOf($old, [System.StringComparison]::Ordinal)
                if ($at -ge 0) { $mutated = $src.Substring(0, $at) + $new + $src.Substring($at + $old.Length) }
            }
            if ($null -eq $mutated) {
                $failed++
                Write-Output "FAIL self-test: mutation source not found in ${rel}: '$($old.Substring(0, [Math]::Min(50, $old.Length)))' (update the mutation)"
                continue
            }
            try {
                [System.IO.File]::WriteAllText($path, $mutated)
                $results = @(& $run)
            }
            finally { [System.IO.File]::WriteAllText($path, $src) }
            $caught = @($results | Where-Object { $_.Name.StartsWith($check) -and $_.Problems.Count }).Count -gt 0
            if ($caught) { $passed++; Write-Output "ok   self-test: $check catches '$label' in $rel" }
            else { $failed++; Write-Output "FAIL self-test: $check does not catch '$label' in $rel" }
        }
    }
    finally {
        if (Test-Path -LiteralPath $tmp) { Remove-Item -LiteralPath $tmp -Recurse -Force }
    }
    Write-Output "$passed passed, $failed failed"
    return ($failed -eq 0)
}

$ok = $false
if ($SelfTest) {
    Invoke-SelfTest -Root $Root -Header $Header -CargoToml $CargoToml -InteropAssembly $InteropAssembly -Layout $ModuleLayout | ForEach-Object {
        if ($_ -is [bool]) { $ok = $_ } else { $_ }
    }
}
else {
    $results = Invoke-StaticCheck -Root $Root -Header $Header -CargoToml $CargoToml -InteropAssembly $InteropAssembly -Layout $ModuleLayout -TestLayoutManifest:$testLayoutManifest
    Write-CheckResult $results | ForEach-Object { if ($_ -is [bool]) { $ok = $_ } else { $_ } }
}
if ($ok) { exit 0 } else { exit 1 }
