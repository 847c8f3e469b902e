<#
.SYNOPSIS
Runs the AseGpu Pester suite (this folder's *.Tests.ps1) with command coverage; started by run-pester.sh,
which sets the ASEGPU_PESTER_* environment (emulators, packaged module, fixtures) described in Common.ps1.

.DESCRIPTION
Writes NUnit and JUnit XML to -ResultsDir, prints Pester's totals, then "command coverage: X/Y (Z%)" over
the exported commands of AseGpu and AseGpu.AzCompat that the tests invoked (recorded at run time with
PostCommandLookupAction, in this session, in the tests' runspaces), the commands never invoked, and
"pester-counts: <passed> <failed>" for run-pester.sh. Exit code 0 only when every test passed and the
coverage is at least -MinimumCoverage percent.
#>
param(
    [string]$ResultsDir = (Join-Path $PSScriptRoot '../../../target/pester'),
    [string]$FullNameFilter,
    [string]$File,
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string]$Output = 'Detailed',
    [double]$MinimumCoverage = 90
)
# pwsh -File runs this script in the GLOBAL scope: no $ErrorActionPreference = 'Stop' here, the tests run
# with PowerShell's defaults as a user's session has them (they set preferences themselves where it matters).
Import-Module Pester -RequiredVersion 5.7.1 -ErrorAction Stop
. (Join-Path $PSScriptRoot 'Common.ps1')

if (-not $env:ASEGPU_PESTER_COVERAGE) { $env:ASEGPU_PESTER_COVERAGE = Join-Path ([System.IO.Path]::GetTempPath()) ('asegpu-coverage-' + [guid]::NewGuid().ToString('N') + '.txt') }
$null = New-Item -ItemType Directory -Force -Path $ResultsDir -ErrorAction Stop
$ResultsDir = (Resolve-Path -LiteralPath $ResultsDir).ProviderPath
Register-AseCommandCoverage -Path $env:ASEGPU_PESTER_COVERAGE

$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
if ($File) { $config.Run.Path = @($File -split ',' | ForEach-Object { Join-Path $PSScriptRoot $_.Trim() }) }
$config.Run.PassThru = $true
$config.Output.Verbosity = $Output
if ($FullNameFilter) { $config.Filter.FullName = @($FullNameFilter -split ',' | ForEach-Object { $_.Trim() }) }
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultsDir 'AseGpu.Tests.nunit.xml'
$config.TestResult.TestSuiteName = 'AseGpu'

$sw = [System.Diagnostics.Stopwatch]::StartNew()
$result = Invoke-Pester -Configuration $config
$ExecutionContext.InvokeCommand.PostCommandLookupAction = $null
Export-JUnitReport -Result $result -Path (Join-Path $ResultsDir 'AseGpu.Tests.junit.xml')

''
'Pester totals: {0} tests, {1} passed, {2} failed, {3} skipped, {4} not run, in {5:N1} s' -f `
    $result.TotalCount, $result.PassedCount, $result.FailedCount, $result.SkippedCount, $result.NotRunCount, $sw.Elapsed.TotalSeconds
foreach ($container in $result.Containers) {
    '  {0,-34} {1,4} passed {2,3} failed {3,6:N1} s' -f (Split-Path -Leaf $container.Item), $container.PassedCount, $container.FailedCount, $container.Duration.TotalSeconds
}
if ($result.FailedCount -gt 0) {
    'Failed tests:'
    foreach ($t in $result.Failed) { '  ' + $t.ExpandedPath }
}
foreach ($b in $result.FailedBlocks) { "Failed block: $($b.ExpandedPath): $($b.ErrorRecord | Select-Object -First 1)" }
foreach ($c in $result.FailedContainers) { "Failed file: $($c.Item): $($c.ErrorRecord | Select-Object -First 1)" }
"Results: $(Join-Path $ResultsDir 'AseGpu.Tests.nunit.xml'), $(Join-Path $ResultsDir 'AseGpu.Tests.junit.xml')"

# ---- Command coverage over the exported commands of both packaged modules
Import-AseTestModule
$exported = @(Get-Command -Module AseGpu, AseGpu.AzCompat -CommandType Cmdlet, Function | Sort-Object Source, Name |
    ForEach-Object { [pscustomobject]@{ Module = $_.Source; Name = $_.Name } } | Sort-Object Module, Name -Unique)
$invoked = @()
if (Test-Path -LiteralPath $env:ASEGPU_PESTER_COVERAGE) { $invoked = @(Get-Content -LiteralPath $env:ASEGPU_PESTER_COVERAGE | Sort-Object -Unique) }
$covered = @($exported | Where-Object { $invoked -contains $_.Name })
$missing = @($exported | Where-Object { $invoked -notcontains $_.Name })
$percent = 0
if ($exported.Count -gt 0) { $percent = [Math]::Round(100.0 * $covered.Count / $exported.Count, 1) }
"command coverage: $($covered.Count)/$($exported.Count) ($percent%)"
foreach ($group in @($exported | Group-Object Module)) {
    $c = @($group.Group | Where-Object { $invoked -contains $_.Name }).Count
    '  {0}: {1}/{2}' -f $group.Name, $c, $group.Count
}
if ($missing.Count -gt 0) { 'never invoked: ' + (($missing | ForEach-Object { $_.Module + '\' + $_.Name }) -join ', ') } else { 'never invoked: (none)' }
$coverageOk = $percent -ge $MinimumCoverage
if ($FullNameFilter -or $File) { $coverageOk = $true; '(a filtered run: the coverage minimum is not applied)' }
elseif (-not $coverageOk) { "command coverage $percent% is below the minimum of $MinimumCoverage%" }

# A block whose BeforeAll/AfterAll failed, or a file that failed discovery, counts as a failed test too.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
"pester-counts: $($result.PassedCount) $failed"
if ($result.Result -eq 'Passed' -and $failed -eq 0 -and $coverageOk) { exit 0 }
exit 1
