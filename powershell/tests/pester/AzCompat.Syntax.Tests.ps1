# Every AseGpu.AzCompat command against Az's documented syntax (AseGpu.AzCompat/az-syntax.psd1): parameter sets,
# parameter names, types, mandatory, positions, aliases, the default set and ShouldProcess, as Get-Command reports
# them for the packaged module. What the module leaves out or adds must be listed in the table with the reason.

BeforeDiscovery {
    $syntaxFile = Join-Path $PSScriptRoot '../../AseGpu.AzCompat/az-syntax.psd1'
    $table = Import-PowerShellDataFile -LiteralPath $syntaxFile
    $commands = @($table.Keys | Sort-Object | ForEach-Object { @{ Name = $_; Az = $table[$_] } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    $syntaxFile = Join-Path $PSScriptRoot '../../AseGpu.AzCompat/az-syntax.psd1'
    $table = Import-PowerShellDataFile -LiteralPath $syntaxFile
    $common = @([System.Management.Automation.Cmdlet]::CommonParameters) + @([System.Management.Automation.Cmdlet]::OptionalCommonParameters)

    function Get-ShortTypeName([type]$Type) {
        if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { $Type = $Type.GetGenericArguments()[0] }
        $Type.Name
    }

    function ConvertFrom-AzEntry([string]$Entry) {
        # 'Name Type M|- Position|-'
        $f = $Entry -split ' '
        if ($f.Count -ne 4) { throw "az-syntax.psd1: malformed entry '$Entry'" }
        [pscustomobject]@{ Name = $f[0]; Type = $f[1]; Mandatory = ($f[2] -eq 'M'); Position = $(if ($f[3] -eq '-') { $null } else { [int]$f[3] }) }
    }

    function Get-OurSet([System.Management.Automation.CommandInfo]$Command, [string]$SetName, [hashtable]$Az) {
        # A one-set command matches Az's one set whatever PowerShell calls it (__AllParameterSets).
        if ($Az.ParameterSets.Count -eq 1 -and @($Command.ParameterSets).Count -eq 1) { return $Command.ParameterSets[0] }
        $Command.ParameterSets | Where-Object Name -eq $SetName
    }

    function Compare-AzSet($Command, [string]$SetName, [hashtable]$Az) {
        # Differences between Az's set and ours, as text ('' when they match).
        $problems = @()
        $ours = Get-OurSet $Command $SetName $Az
        if (-not $ours) { return @("no parameter set '$SetName' (has: $(@($Command.ParameterSets.Name) -join ', '))") }
        $extras = if ($Az.ContainsKey('AseGpuExtras')) { @($Az.AseGpuExtras.Keys) } else { @() }
        $left = if ($Az.ContainsKey('NotProvidedParameters')) { @($Az.NotProvidedParameters.Keys) } else { @() }
        $azParams = @($Az.ParameterSets[$SetName] | ForEach-Object { ConvertFrom-AzEntry $_ } | Where-Object { $_.Name -notin $left })
        $ourParams = @{}
        foreach ($p in $ours.Parameters) { if ($p.Name -notin $common) { $ourParams[$p.Name] = $p } }
        foreach ($a in $azParams) {
            $p = $ourParams[$a.Name]
            if (-not $p) { $problems += "-$($a.Name) is missing"; continue }
            if ($p.Name -cne $a.Name) { $problems += "-$($a.Name) is spelled -$($p.Name)" }
            $type = Get-ShortTypeName $p.ParameterType
            if ($type -ne $a.Type) { $problems += "-$($a.Name) is [$type], Az: [$($a.Type)]" }
            if ($p.IsMandatory -ne $a.Mandatory) { $problems += "-$($a.Name) mandatory $($p.IsMandatory), Az: $($a.Mandatory)" }
            $pos = if ($p.Position -ge 0) { $p.Position } else { $null }
            if ($pos -ne $a.Position) { $problems += "-$($a.Name) position $(if ($null -eq $pos) { 'named' } else { $pos }), Az: $(if ($null -eq $a.Position) { 'named' } else { $a.Position })" }
        }
        foreach ($n in $ourParams.Keys) {
            if ($n -notin $azParams.Name -and $n -notin $extras) { $problems += "-$n is not Az's (nor listed as an AseGpu extra)" }
        }
        $problems
    }
}

Describe 'az-syntax.psd1 covers exactly the commands AseGpu.AzCompat exports' {
    It 'the table lists every exported cmdlet, and every table entry is exported' {
        $exported = @((Get-Module AseGpu.AzCompat).ExportedCmdlets.Keys | Sort-Object)
        @($table.Keys | Sort-Object) | Should -Be $exported
    }

    It 'AseGpu alone exports none of them (they live in its assembly, shown only by AseGpu.AzCompat)' {
        $ase = @((Get-Module AseGpu).ExportedCommands.Keys)
        @($table.Keys | Where-Object { $_ -in $ase }) | Should -BeNullOrEmpty
    }

    It 'Az''s aliases Login-AzAccount, Add-AzAccount, Logout-AzAccount and Select-AzSubscription resolve to the compat cmdlets' {
        (Get-Alias Login-AzAccount).ResolvedCommand.Name | Should -Be 'Connect-AzAccount'
        (Get-Alias Add-AzAccount).ResolvedCommand.Name | Should -Be 'Connect-AzAccount'
        (Get-Alias Logout-AzAccount).ResolvedCommand.Name | Should -Be 'Disconnect-AzAccount'
        (Get-Alias Select-AzSubscription).ResolvedCommand.Name | Should -Be 'Set-AzContext'
    }
}

Describe '<Name> has Az''s syntax' -ForEach $commands {
    BeforeAll {
        $command = Get-Command -Name $Name -Module AseGpu.AzCompat -CommandType Cmdlet -ErrorAction SilentlyContinue
        $attribute = if ($command) { $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true) | Select-Object -First 1 }
    }

    It 'is a compiled cmdlet of AseGpu.PowerShell.dll' {
        $command | Should -Not -BeNullOrEmpty
        $command.ImplementingType.Assembly.GetName().Name | Should -Be 'AseGpu.PowerShell'
    }

    It 'has Az''s parameter sets (or lists why one is left out), and Az''s default' {
        $provided = @($Az.ParameterSets.Keys)
        $left = if ($Az.ContainsKey('NotProvidedParameterSets')) { @($Az.NotProvidedParameterSets.Keys) } else { @() }
        @($left | Where-Object { $_ -in @($command.ParameterSets.Name) }) | Should -BeNullOrEmpty -Because 'a set listed as not provided must really be absent'
        if ($provided.Count -gt 1) {
            @($command.ParameterSets.Name | Sort-Object) | Should -Be @($provided | Sort-Object)
        }
        else { @($command.ParameterSets).Count | Should -Be 1 }
        if ($Az.DefaultParameterSet) { $command.DefaultParameterSet | Should -Be $Az.DefaultParameterSet }
    }

    It 'takes -WhatIf/-Confirm exactly when Az does (SupportsShouldProcess)' {
        # AseGpuShouldProcess: Az has none, but the command changes the device (the reason is in the table).
        [bool]$attribute.SupportsShouldProcess | Should -Be ([bool]$Az.ShouldProcess -or $Az.ContainsKey('AseGpuShouldProcess'))
        if ($Az.ShouldProcess) { $command.Parameters.Keys | Should -Contain 'WhatIf' }
    }

    It 'each set has Az''s parameters: names, types, mandatory, positions; nothing else but the listed AseGpu extras' {
        $problems = @()
        foreach ($set in $Az.ParameterSets.Keys) {
            foreach ($p in (Compare-AzSet $command $set $Az)) { $problems += "${set}: $p" }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'has Az''s parameter aliases' {
        $problems = @()
        if ($Az.ContainsKey('Aliases')) {
            foreach ($n in $Az.Aliases.Keys) {
                $p = $command.Parameters[$n]
                if (-not $p) { $problems += "no -$n"; continue }
                foreach ($a in ($Az.Aliases[$n] -split ',')) { if ($a -notin $p.Aliases) { $problems += "-$n has no alias $a" } }
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'leaves out only parameters listed with a reason, and adds only AseGpu extras with their own names' {
        $left = if ($Az.ContainsKey('NotProvidedParameters')) { @($Az.NotProvidedParameters.Keys) } else { @() }
        @($left | Where-Object { $command.Parameters.ContainsKey($_) }) | Should -BeNullOrEmpty -Because 'a parameter listed as not provided must be absent'
        if ($Az.ContainsKey('AseGpuExtras')) {
            foreach ($x in $Az.AseGpuExtras.Keys) {
                $command.Parameters.Keys | Should -Contain $x
                foreach ($set in $Az.ParameterSets.Keys) {
                    @($Az.ParameterSets[$set] | ForEach-Object { ($_ -split ' ')[0] }) | Should -Not -Contain $x -Because 'an extra must not be an Az parameter'
                }
            }
        }
    }
}
