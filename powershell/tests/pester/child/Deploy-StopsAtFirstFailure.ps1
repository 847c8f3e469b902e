<#
.SYNOPSIS
A user's script written the way the docs write theirs: $ErrorActionPreference = 'Stop' at the top, then one
step after the other. Errors.Tests.ps1 runs it with `pwsh -NoProfile -NonInteractive -File` and checks that it
halts at the deployment that fails (the image does not exist): exit code 1, and nothing after it runs.

.DESCRIPTION
Prints "step: <name>" before each step. The Edge ARM password comes from ASEGPU_PESTER_PASSWORD.
#>
param(
    [Parameter(Mandatory)][string]$ModuleDir,
    [Parameter(Mandatory)][string]$ReadyJson,
    [Parameter(Mandatory)][ValidateSet('AseGpu', 'AzCompat')][string]$Flavor,
    [Parameter(Mandatory)][string]$TemplateDir,
    [Parameter(Mandatory)][string]$ResourceGroupName,
    [switch]$Force
)
$ErrorActionPreference = 'Stop'

Import-Module (Join-Path $ModuleDir 'AseGpu.psd1')
$ready = $ReadyJson | ConvertFrom-Json
$credential = New-Object System.Management.Automation.PSCredential('EdgeArmUser', (ConvertTo-SecureString $env:ASEGPU_PESTER_PASSWORD -AsPlainText -Force))
$hostMap = @{}
foreach ($p in $ready.host_map.PSObject.Properties) { $hostMap[$p.Name] = $p.Value }

'step: connect'
if ($Flavor -eq 'AseGpu') {
    $null = Connect-AseDevice -ArmEndpoint $ready.arm_endpoint -Credential $credential -CaCertificate $ready.ca_cert -HostMap $hostMap -GpuCount 2 -KubernetesConfigured $false -DeviceRelease 2309
}
else {
    Import-Module (Join-Path $ModuleDir 'AseGpu.AzCompat')
    $null = Add-AzEnvironment -Name AzASE -ARMEndpoint $ready.arm_endpoint
    $null = Connect-AzAccount -EnvironmentName AzASE -TenantId c0257de7-538f-415c-993a-1b87a031879d -Credential $credential -CaCertificate $ready.ca_cert -HostMap $hostMap
}

'step: edit CreateVM.parameters.json'
$parameters = Get-Content -Raw -Path (Join-Path $TemplateDir 'CreateVM/CreateVM.parameters.json') | ConvertFrom-Json
$parameters.parameters.vmName.value = 'childvm'
$parameters.parameters.imageName.value = 'image-that-does-not-exist'
$parameters.parameters.vnetRG.value = 'ASERG'
$parameters.parameters.nicName.value = 'childvm-nic'
$parameterFile = Join-Path ([System.IO.Path]::GetTempPath()) ('child-' + [guid]::NewGuid().ToString('N') + '.parameters.json')
$parameters | ConvertTo-Json -Depth 10 | Set-Content -Path $parameterFile

'step: deploy'
try {
    if ($Flavor -eq 'AseGpu') {
        New-AseResourceGroupDeployment -ResourceGroupName $ResourceGroupName -TemplateFile (Join-Path $TemplateDir 'CreateVM/CreateVM.json') -TemplateParameterFile $parameterFile -Force:$Force
    }
    else {
        New-AzResourceGroupDeployment -ResourceGroupName $ResourceGroupName -TemplateFile (Join-Path $TemplateDir 'CreateVM/CreateVM.json') -TemplateParameterFile $parameterFile
    }
    'step: after the failed deployment (must not be reached)'
    if ($Flavor -eq 'AseGpu') { Get-AseVM -ResourceGroupName $ResourceGroupName } else { Get-AzVM -ResourceGroupName $ResourceGroupName }
    'step: end'
}
finally {
    Remove-Item -LiteralPath $parameterFile -ErrorAction SilentlyContinue
}
