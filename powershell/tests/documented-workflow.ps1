<#
.SYNOPSIS
The documented Azure Stack Edge Pro GPU workflow, written the way the Microsoft docs write it (Az cmdlets):
connect to the device's local ARM, create a resource group, (optionally) create the image with
CreateImage.json, deploy a GPU VM with the real CreateVM.json / CreateVM.parameters.json, check it with
Get-AzVM, install the NVIDIA GPU extension with Set-AzVMExtension and wait for it with Get-AzVMExtension.

.DESCRIPTION
Runs unchanged against the real Az modules or, on a machine without Az, after
    Import-Module <module dir>/AseGpu.AzCompat
(tests/check_ps.py parses this script and verifies that every command and parameter it uses is provided by
AseGpu.AzCompat). Against the emulator: -ArmEndpoint from its ready line, and the emulator's CA
(-CaCertificate is an AseGpu extension of Connect-AzAccount; with Az, trust the CA in the system store).
Sources: azure-stack-edge-gpu-connect-resource-manager.md, -deploy-virtual-machine-powershell.md,
-deploy-virtual-machine-install-gpu-extension.md (MicrosoftDocs/azure-docs).

.EXAMPLE
./documented-workflow.ps1 -ArmEndpoint https://management.dbe-1234.microsoftdatabox.com/ -TemplateDir C:\VmTemplates -ImageName myaselinuximg -Credential (Get-Credential EdgeArmUser)
#>
param(
    [Parameter(Mandatory)]
    [string]$ArmEndpoint,

    [Parameter(Mandatory)]
    [System.Management.Automation.PSCredential]$Credential,

    [Parameter(Mandatory)]
    [string]$TemplateDir,

    [string]$ImageName = 'myaselinuximg',
    [string]$ImageUri,
    [string]$RGName = 'myasegpurg',
    [string]$VMName = 'myasegpuvm1',
    [string]$VMSize = 'Standard_NC4as_T4_v3',
    [string]$VMPassword = 'Password1',
    [string]$CaCertificate
)
$ErrorActionPreference = 'Stop'

# 1. Connect to Azure Resource Manager on the device.
Add-AzEnvironment -Name AzASE -ARMEndpoint $ArmEndpoint
if ($CaCertificate) {
    Connect-AzAccount -EnvironmentName AzASE -TenantId c0257de7-538f-415c-993a-1b87a031879d -Credential $Credential -CaCertificate $CaCertificate
}
else {
    Connect-AzAccount -EnvironmentName AzASE -TenantId c0257de7-538f-415c-993a-1b87a031879d -Credential $Credential
}

# 2. A resource group (every location is DBELocal).
New-AzResourceGroup -Name $RGName -Location DBELocal -Force

# 3. The image, from a VHD already uploaded to a storage account of the device (CreateImage.json).
if ($ImageUri) {
    $imageParameters = Get-Content -Raw -Path (Join-Path $TemplateDir 'CreateImage/CreateImage.parameters.json') | ConvertFrom-Json
    $imageParameters.parameters.osType.value = 'Linux'
    $imageParameters.parameters.imageName.value = $ImageName
    $imageParameters.parameters.imageUri.value = $ImageUri
    $imageParameterFile = Join-Path ([System.IO.Path]::GetTempPath()) 'CreateImage.parameters.json'
    $imageParameters | ConvertTo-Json -Depth 10 | Set-Content -Path $imageParameterFile
    New-AzResourceGroupDeployment -ResourceGroupName $RGName -TemplateFile (Join-Path $TemplateDir 'CreateImage/CreateImage.json') -TemplateParameterFile $imageParameterFile -Name 'CreateImage'
}

# 4. The GPU VM: CreateVM.json with CreateVM.parameters.json edited as the docs describe.
$templateFile = Join-Path $TemplateDir 'CreateVM/CreateVM.json'
$vmParameters = Get-Content -Raw -Path (Join-Path $TemplateDir 'CreateVM/CreateVM.parameters.json') | ConvertFrom-Json
$vmParameters.parameters.vmName.value = $VMName
$vmParameters.parameters.Password.value = $VMPassword
$vmParameters.parameters.imageName.value = $ImageName
$vmParameters.parameters.vmSize.value = $VMSize
$vmParameters.parameters.vnetRG.value = 'ASERG'
$vmParameters.parameters.nicName.value = "$VMName-nic"
$templateParameterFile = Join-Path ([System.IO.Path]::GetTempPath()) 'CreateVM.parameters.json'
$vmParameters | ConvertTo-Json -Depth 10 | Set-Content -Path $templateParameterFile
$deployment = New-AzResourceGroupDeployment -ResourceGroupName $RGName -TemplateFile $templateFile -TemplateParameterFile $templateParameterFile -Name 'gpuvm-deployment'
# (@(...) around the list: the tree-sitter grammar used by check_ps.py rejects bare comma lists of words.)
$deployment | Format-List -Property @('DeploymentName', 'ResourceGroupName', 'ProvisioningState', 'Timestamp', 'Mode', 'Parameters', 'Outputs')

# 5. Check the VM.
Get-AzVM -ResourceGroupName $RGName -Name $VMName -Status

# 6. The NVIDIA GPU extension (Linux, device release 2205 or later: 1.8; Windows: NvidiaGpuDriverWindows 1.5).
$settings = @{}
Set-AzVMExtension -ResourceGroupName $RGName -VMName $VMName -Name 'gpuLinuxExt' -Location DBELocal -Publisher 'Microsoft.HpcCompute' -ExtensionType 'NvidiaGpuDriverLinux' -TypeHandlerVersion '1.8' -Settings $settings
do {
    Start-Sleep -Seconds 10
    $extension = Get-AzVMExtension -ResourceGroupName $RGName -VMName $VMName -Name 'gpuLinuxExt'
    Write-Output ("GPU extension: {0}" -f $extension.ProvisioningState)
} while ($extension.ProvisioningState -eq 'Creating')

# 7. Stop the VM keeping its GPU, and start it again.
Stop-AzVM -ResourceGroupName $RGName -Name $VMName -StayProvisioned -Force
Start-AzVM -ResourceGroupName $RGName -Name $VMName
Get-AzVM -ResourceGroupName $RGName -Name $VMName -Status
