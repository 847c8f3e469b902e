#Requires -Version 5.1
<#
.SYNOPSIS
Generates the MAML help of the AseGpu binary module (AseGpu.PowerShell.dll-Help.xml) from help/*.help.psd1.

.DESCRIPTION
The words (synopsis, description, parameter descriptions, examples, notes) come from the *.help.psd1
files beside this script, one hashtable per cmdlet group; Common.help.psd1 holds parameter texts shared by
many cmdlets (AsJob, Force, WhatIf, Confirm). Everything else comes from the built cmdlets themselves
(imported from the laid-out module): parameter sets, types, mandatory, positions, pipeline input, aliases,
default values (read from a new instance of the cmdlet class), ValidateSet values, output types.
So the help cannot describe a parameter that does not exist or miss one that does: the build fails when
a cmdlet has no entry, an entry has no synopsis/description/example, a shown parameter has no
description, or a described parameter does not exist.

.PARAMETER ModuleManifest
The laid-out module's AseGpu.psd1 (its AseGpu.PowerShell.dll is what the help describes).

.PARAMETER OutFile
Where to write the MAML file (normally <module>/en-US/AseGpu.PowerShell.dll-Help.xml).

.PARAMETER HelpSource
The folder of the *.help.psd1 files (default: this script's folder). AseGpu.AzCompat's cmdlets live in the same
assembly and have their own help source (powershell/AseGpu.AzCompat/help); a Common.help.psd1 there adds to this
folder's.

.EXAMPLE
pwsh -NoProfile -NonInteractive -File powershell/AseGpu.PowerShell/help/Build-AseHelp.ps1 -ModuleManifest target/powershell/AseGpu/AseGpu.psd1 -OutFile target/powershell/AseGpu/en-US/AseGpu.PowerShell.dll-Help.xml
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string]$ModuleManifest,

    [Parameter(Mandatory)]
    [string]$OutFile,

    [string]$HelpSource = $PSScriptRoot
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
$commonNames = [System.Management.Automation.Cmdlet]::CommonParameters

function Read-HelpSource {
    # Every *.help.psd1 except Common: cmdlet name -> entry.
    $entries = @{}
    foreach ($file in Get-ChildItem -LiteralPath $HelpSource -Filter '*.help.psd1' | Sort-Object Name) {
        if ($file.Name -eq 'Common.help.psd1') { continue }
        $data = Import-PowerShellDataFile -LiteralPath $file.FullName
        foreach ($name in $data.Keys) {
            if ($entries.ContainsKey($name)) { throw "$($file.Name): $name is described twice" }
            $entries[$name] = $data[$name]
        }
    }
    $entries
}

function Get-ShownParameter {
    # The parameters help shows: not the common ones, not DontShow; WhatIf/Confirm included.
    param([System.Management.Automation.CommandInfo]$Command)
    foreach ($p in $Command.Parameters.Values) {
        if ($p.Name -in $commonNames) { continue }
        $hidden = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow }).Count -gt 0
        if (-not $hidden) { $p }
    }
}

function Get-ParameterText {
    param([hashtable]$Entry, [hashtable]$Common, [string]$Name)
    if ($Entry.ContainsKey('Parameters') -and $Entry.Parameters.Contains($Name)) { return $Entry.Parameters[$Name] }
    if ($Common.Parameters.Contains($Name)) { return $Common.Parameters[$Name] }
    $null
}

function Test-HelpEntry {
    # Problems of one cmdlet's entry (empty when it is complete).
    param([System.Management.Automation.CommandInfo]$Command, [hashtable]$Entry, [hashtable]$Common)
    $name = $Command.Name
    foreach ($key in @('Synopsis', 'Description')) {
        if (-not $Entry.ContainsKey($key) -or -not "$($Entry[$key])".Trim()) { "${name}: no $key" }
    }
    if (-not $Entry.ContainsKey('Examples') -or @($Entry.Examples | Where-Object { $_.Code }).Count -eq 0) { "${name}: no example" }
    $shown = @(Get-ShownParameter $Command | ForEach-Object Name)
    foreach ($p in $shown) {
        if (-not (Get-ParameterText $Entry $Common $p)) { "${name}: parameter -$p has no description" }
    }
    if ($Entry.ContainsKey('Parameters')) {
        foreach ($p in $Entry.Parameters.Keys) {
            if ($p -notin $shown) { "${name}: describes -$p, which the cmdlet does not have (or hides)" }
        }
    }
}

function Get-DefaultValue {
    # The property's value on a new instance of the cmdlet class ('None' when null).
    param([object]$Instance, [System.Management.Automation.ParameterMetadata]$Parameter)
    if ($Parameter.SwitchParameter) { return 'False' }
    $prop = $Instance.GetType().GetProperty($Parameter.Name)
    if ($null -eq $prop) { return 'None' }
    $value = $prop.GetValue($Instance)
    if ($null -eq $value -or $value -is [System.Management.Automation.PSCredential]) { return 'None' }
    if ($value -is [int] -and $value -eq 0) { return 'None' }
    if ($value -is [bool] -and -not $value) { return 'None' }
    "$value"
}

function Get-PipelineText {
    param([System.Management.Automation.ParameterMetadata]$Parameter)
    $byValue = $false; $byName = $false
    foreach ($a in $Parameter.Attributes) {
        if ($a -is [System.Management.Automation.ParameterAttribute]) {
            $byValue = $byValue -or $a.ValueFromPipeline
            $byName = $byName -or $a.ValueFromPipelineByPropertyName
        }
    }
    if ($byValue -and $byName) { return 'True (ByPropertyName, ByValue)' }
    if ($byValue) { return 'True (ByValue)' }
    if ($byName) { return 'True (ByPropertyName)' }
    'False'
}

function Add-Para {
    # <maml:description> (or another element) with one <maml:para> per paragraph of $Text.
    param([System.Xml.XmlWriter]$W, [string]$Element, [string]$Text)
    $W.WriteStartElement('maml', $Element, $ns.maml)
    foreach ($para in (("$Text".Trim()) -split "(`r?`n){2,}")) {
        if ($para.Trim()) { $W.WriteElementString('maml', 'para', $ns.maml, (($para -split "`r?`n" | ForEach-Object { $_.Trim() }) -join ' ')) }
    }
    $W.WriteEndElement()
}

function Write-Parameter {
    # One <command:parameter> (in a syntax item when $SetParameter is given: its set's position/mandatory).
    param([System.Xml.XmlWriter]$W, [System.Management.Automation.ParameterMetadata]$Parameter, [string]$Text,
        [string]$Default, [bool]$Globbing, [System.Management.Automation.CommandParameterInfo]$SetParameter)
    $attrs = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
    $required = if ($SetParameter) { $SetParameter.IsMandatory } else { @($attrs | Where-Object Mandatory).Count -gt 0 }
    $position = if ($SetParameter) { $SetParameter.Position } else { ($attrs | Select-Object -First 1).Position }
    $aliases = if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }
    $type = $Parameter.ParameterType.Name
    $W.WriteStartElement('command', 'parameter', $ns.command)
    $W.WriteAttributeString('required', "$required".ToLowerInvariant())
    $W.WriteAttributeString('variableLength', 'true')
    $W.WriteAttributeString('globbing', "$Globbing".ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', (Get-PipelineText $Parameter))
    $W.WriteAttributeString('position', $(if ($position -ge 0) { "$position" } else { 'named' }))
    $W.WriteAttributeString('aliases', $aliases)
    $W.WriteElementString('maml', 'name', $ns.maml, $Parameter.Name)
    Add-Para $W 'description' $Text
    $set = $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    if ($SetParameter -and $set) {
        $W.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($v in $set.ValidValues) {
            $W.WriteStartElement('command', 'parameterValue', $ns.command)
            $W.WriteAttributeString('required', 'false'); $W.WriteAttributeString('variableLength', 'false')
            $W.WriteString($v); $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    elseif (-not $Parameter.SwitchParameter -or -not $SetParameter) {
        $W.WriteStartElement('command', 'parameterValue', $ns.command)
        $W.WriteAttributeString('required', "$(-not $Parameter.SwitchParameter)".ToLowerInvariant())
        $W.WriteAttributeString('variableLength', 'false')
        $W.WriteString($type); $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $ns.dev)
    $W.WriteElementString('maml', 'name', $ns.maml, $type)
    $W.WriteElementString('maml', 'uri', $ns.maml, '')
    $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $ns.dev, $Default)
    $W.WriteEndElement()
}

function Write-Command {
    # One <command:command>.
    param([System.Xml.XmlWriter]$W, [System.Management.Automation.CmdletInfo]$Command, [hashtable]$Entry, [hashtable]$Common)
    $instance = [System.Activator]::CreateInstance($Command.ImplementingType)
    $wild = @(if ($Entry.ContainsKey('Wildcards')) { $Entry.Wildcards })
    $shown = @(Get-ShownParameter $Command)
    $text = @{}; $default = @{}
    foreach ($p in $shown) { $text[$p.Name] = Get-ParameterText $Entry $Common $p.Name; $default[$p.Name] = Get-DefaultValue $instance $p }

    $W.WriteStartElement('command', 'command', $ns.command)
    $W.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
    $W.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)
    $W.WriteStartElement('command', 'details', $ns.command)
    $W.WriteElementString('command', 'name', $ns.command, $Command.Name)
    $W.WriteElementString('command', 'verb', $ns.command, $Command.Verb)
    $W.WriteElementString('command', 'noun', $ns.command, $Command.Noun)
    Add-Para $W 'description' $Entry.Synopsis
    $W.WriteEndElement()
    Add-Para $W 'description' $Entry.Description

    $W.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $Command.ParameterSets) {
        $W.WriteStartElement('command', 'syntaxItem', $ns.command)
        $W.WriteElementString('maml', 'name', $ns.maml, $Command.Name)
        $inSet = @($set.Parameters | Where-Object { $text.ContainsKey($_.Name) } |
            Sort-Object @{ Expression = { if ($_.Position -ge 0) { $_.Position } else { 1000 } } }, @{ Expression = { -not $_.IsMandatory } })
        foreach ($sp in $inSet) {
            $p = $Command.Parameters[$sp.Name]
            Write-Parameter $W $p $text[$p.Name] $default[$p.Name] ($p.Name -in $wild) $sp
        }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($p in $shown) { Write-Parameter $W $p $text[$p.Name] $default[$p.Name] ($p.Name -in $wild) $null }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'inputTypes', $ns.command)
    $piped = @($shown | Where-Object { (Get-PipelineText $_) -ne 'False' })
    foreach ($group in ($piped | Group-Object { $_.ParameterType.FullName })) {
        $W.WriteStartElement('command', 'inputType', $ns.command)
        $W.WriteStartElement('dev', 'type', $ns.dev); $W.WriteElementString('maml', 'name', $ns.maml, $group.Name); $W.WriteEndElement()
        Add-Para $W 'description' ('Bound to ' + (($group.Group | ForEach-Object { '-' + $_.Name + ' ' + (Get-PipelineText $_).Replace('True ', '') }) -join ', ') + '.')
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'returnValues', $ns.command)
    $outputs = @($Command.OutputType | ForEach-Object Name | Where-Object { $_ -ne 'System.Void' })
    $described = $false
    foreach ($o in $outputs) {
        $W.WriteStartElement('command', 'returnValue', $ns.command)
        $W.WriteStartElement('dev', 'type', $ns.dev); $W.WriteElementString('maml', 'name', $ns.maml, $o); $W.WriteEndElement()
        # The entry's Outputs text goes with the first output type; the job of -AsJob has its own.
        $why = ''
        if ($o -eq 'System.Management.Automation.Job') { $why = 'With -AsJob: the job (Get-Job, Wait-Job, Receive-Job, Stop-Job).' }
        elseif (-not $described -and $Entry.ContainsKey('Outputs')) { $why = $Entry.Outputs; $described = $true }
        Add-Para $W 'description' $why
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $notes = @($Common.Notes)
    if ($Entry.ContainsKey('Notes')) { $notes = @($Entry.Notes) + $notes }
    $W.WriteStartElement('maml', 'alertSet', $ns.maml)
    $W.WriteStartElement('maml', 'alert', $ns.maml)
    foreach ($n in $notes) { $W.WriteElementString('maml', 'para', $ns.maml, $n) }
    $W.WriteEndElement(); $W.WriteEndElement()

    $W.WriteStartElement('command', 'examples', $ns.command)
    $i = 0
    foreach ($e in $Entry.Examples) {
        $i++
        $W.WriteStartElement('command', 'example', $ns.command)
        $W.WriteElementString('maml', 'title', $ns.maml, "-------------------------- Example $i --------------------------")
        $W.WriteElementString('dev', 'code', $ns.dev, "$($e.Code)".Trim())
        $W.WriteStartElement('dev', 'remarks', $ns.dev)
        $W.WriteElementString('maml', 'para', $ns.maml, $(if ($e.ContainsKey('Remarks')) { "$($e.Remarks)".Trim() } else { '' }))
        $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $ns.command)
    foreach ($l in @(if ($Entry.ContainsKey('Links')) { $Entry.Links })) {
        $W.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $W.WriteElementString('maml', 'linkText', $ns.maml, $l)
        $W.WriteElementString('maml', 'uri', $ns.maml, '')
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
    $W.WriteEndElement()
}

$ModuleManifest = (Resolve-Path -LiteralPath $ModuleManifest).ProviderPath
$OutFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
$module = Import-Module -Name $ModuleManifest -PassThru -Force -Verbose:$false
$commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
$entries = Read-HelpSource
$common = Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot 'Common.help.psd1')
$sourceCommon = Join-Path $HelpSource 'Common.help.psd1'
if ((Resolve-Path -LiteralPath $HelpSource).ProviderPath -ne $PSScriptRoot -and (Test-Path -LiteralPath $sourceCommon)) {
    $more = Import-PowerShellDataFile -LiteralPath $sourceCommon
    foreach ($k in $more.Parameters.Keys) { $common.Parameters[$k] = $more.Parameters[$k] }
    if ($more.ContainsKey('Notes')) { $common.Notes = @($more.Notes) }
}

$problems = @()
foreach ($c in $commands) {
    if (-not $entries.ContainsKey($c.Name)) { $problems += "$($c.Name): no help entry"; continue }
    $problems += @(Test-HelpEntry $c $entries[$c.Name] $common)
}
foreach ($name in $entries.Keys) { if ($name -notin $commands.Name) { $problems += "${name}: described, but the module has no such cmdlet" } }
if ($problems.Count) {
    $problems | ForEach-Object { Write-Error -Message "help: $_" -ErrorAction Continue }
    throw "Build-AseHelp: $($problems.Count) problem(s) in the help source"
}

$dir = Split-Path -Parent $OutFile
if ($dir -and -not (Test-Path -LiteralPath $dir)) { $null = New-Item -ItemType Directory -Path $dir }
$settings = New-Object System.Xml.XmlWriterSettings
$settings.Indent = $true
$settings.Encoding = New-Object System.Text.UTF8Encoding($false)
$writer = [System.Xml.XmlWriter]::Create($OutFile, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($c in $commands) { Write-Command $writer $c $entries[$c.Name] $common }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}
Write-Verbose "Build-AseHelp: $($commands.Count) cmdlets -> $OutFile"
