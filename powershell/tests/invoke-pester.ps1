#Requires -Version 5.1
<#
.SYNOPSIS
Runs tests/AseGpu.Tests.ps1 with Pester 5 (the version tests/install-pwsh.sh puts in the cache) and prints
"N passed, M failed" as its last line, like the other test steps; exit code 1 on any failure.

.DESCRIPTION
The module must be laid out (powershell/build.sh); set ASEGPU_SIM to the emulator binary (the tests start
their own emulator; without it the emulator tests are skipped) and ASEGPU_TEMPLATES to the VmTemplates folder.

.EXAMPLE
PSModulePath=~/.cache/asegpu/ps-modules ASEGPU_SIM=target/debug/asegpu-sim pwsh -NoProfile -File powershell/tests/invoke-pester.ps1
#>
[CmdletBinding()]
param(
    [string]$PesterVersion = '5.7.1',
    [string]$Path = (Join-Path $PSScriptRoot 'AseGpu.Tests.ps1')
)
$ErrorActionPreference = 'Stop'
Import-Module Pester -RequiredVersion $PesterVersion
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Write-Output ('{0} passed, {1} failed' -f $result.PassedCount, $failed)
if ($failed -gt 0 -or $result.Result -ne 'Passed') { exit 1 }
exit 0
