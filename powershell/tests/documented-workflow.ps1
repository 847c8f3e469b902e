<#
.SYNOPSIS
The documented Azure Stack Edge Pro GPU workflows, written the way the Microsoft docs write them (Az cmdlets):
connect to the device's local ARM, bring a VHD (storage account, key, context, container, account SAS, page-blob
upload), make a managed disk and an image from it, create a VM without a template, deploy the image and the GPU VM
with the real CreateImage.json / CreateVM.json, install the NVIDIA GPU extension, and stop/start the GPU VM.

.DESCRIPTION
Each numbered block is the docs' text (azure-stack-edge-gpu-connect-resource-manager.md, -deploy-virtual-machine-
powershell.md, -deploy-virtual-machine-templates.md, -deploy-virtual-machine-install-gpu-extension.md, -deploy-gpu-
virtual-machine.md in MicrosoftDocs/azure-docs; see ../shared/reference/ase-workflow.md sections 1.5, 3, 4, 5) with
its <placeholders> filled from this script's parameters. What the docs leave to the reader is done here as glue,
outside the documented blocks: editing the parameter files as the docs describe, and the VHD upload, which the docs
do with AzCopy ("<Path to azcopy.exe> cp ...") and which runs here with Set-AzStorageBlobContent -BlobType Page.

It runs unchanged against the real Az modules or, on a machine without Az, after
    Import-Module <module dir>/AseGpu.AzCompat
Trust and names are the documented ones: the device's root certificate in the OS trust store (on Linux: the system
CA bundle or SSL_CERT_FILE) and the device's names in the hosts file. Against the emulator, the test sets
$PSDefaultParameterValues outside this script when it maps the names with AseGpu's own -DeviceIp instead.

.EXAMPLE
./documented-workflow.ps1 -ArmEndpoint https://management.dbe-1234.microsoftdatabox.com/ -Password $armPassword -LocalFilePath ./ubuntu18.04.vhd
#>
param(
    # "https://management.<appliance name>.<DNSDomain>/"
    [Parameter(Mandatory)]
    [string]$ArmEndpoint,

    # "<Your password>": the Edge ARM password.
    [Parameter(Mandatory)]
    [string]$Password,

    # A fixed, Generation 1 VHD (the docs' "$VHDPath\$VHDFile").
    [Parameter(Mandatory)]
    [string]$LocalFilePath,

    # The device's VM templates (https://aka.ms/ase-vm-templates): CreateImage/, CreateVM/ and ..\ExtensionTemplates\GpuExtension\.
    [string]$TemplateDir = (Join-Path $PSScriptRoot '../../../shared/fixtures/ase-templates/VmTemplates'),

    [string]$EnvironmentName = 'AzASE',
    [string]$ResourceGroupName = 'myasegpurg',
    [string]$StorageAccountName = 'myasegpusa',
    [string]$ContainerName = 'vmimages',
    [string]$DiskName = 'myasegpudisk',
    [string]$ImageName = 'myaselinuximg',
    [string]$VmName = 'myazvm',
    [string]$GpuVmName = 'myasegpuvm1',
    [string]$GpuVmSize = 'Standard_NC4as_T4_v3',
    [string]$VmPassword = 'VmAdmin-Passw0rd!'
)
$ErrorActionPreference = 'Stop'
$TemplateDir = (Resolve-Path -LiteralPath $TemplateDir).ProviderPath
$VHDPath = Split-Path -Parent (Resolve-Path -LiteralPath $LocalFilePath).ProviderPath
$VHDFile = Split-Path -Leaf $LocalFilePath
$HyperVGeneration = 'V1'
$OsType = 'linux'
$RGName = $ResourceGroupName

# ---- 1. Connect to Azure Resource Manager on the device (connect-resource-manager.md, "Set Azure environment", "Connect").
Add-AzEnvironment -Name $EnvironmentName -ARMEndpoint $ArmEndpoint
Set-AzEnvironment -Name $EnvironmentName
$pass = ConvertTo-SecureString $Password -AsPlainText -Force;
$cred = New-Object System.Management.Automation.PSCredential("EdgeArmUser", $pass)
Connect-AzAccount -EnvironmentName $EnvironmentName -TenantId c0257de7-538f-415c-993a-1b87a031879d -credential $cred
Get-AzSubscription

# ---- 2. VM prerequisites: resource group, local storage account, its key (deploy-virtual-machine-powershell.md).
New-AzResourceGroup -Name $ResourceGroupName -Location DBELocal
New-AzStorageAccount -Name $StorageAccountName -ResourceGroupName $ResourceGroupName -Location DBELocal -SkuName Standard_LRS

# ---- 3. Upload the VHD: key, storage context, container, account SAS, the blob endpoint.
$StorageAccountKey = (Get-AzStorageAccountKey -ResourceGroupName $ResourceGroupName -Name $StorageAccountName)[0].Value
$blobendpoint = (Get-AzEnvironment -Name $EnvironmentName).StorageEndpointSuffix
$StorageAccountContext = New-AzStorageContext -StorageAccountName $StorageAccountName -StorageAccountKey $StorageAccountKey -Endpoint $blobendpoint
$container = New-AzStorageContainer -Name $containerName -Context $StorageAccountContext -Permission Container
$StorageAccountSAS = New-AzStorageAccountSASToken -Service Blob -ResourceType Container,Service,Object -Permission "acdlrw" -Context $StorageAccountContext -Protocol HttpsOnly
$endPoint = (Get-AzStorageAccount -name $StorageAccountName -ResourceGroupName $ResourceGroupName).PrimaryEndpoints.Blob
#   <Path to azcopy.exe> cp "$VHDPath\$VHDFile" "$endPoint$ContainerName$StorageAccountSAS"   (the docs' AzCopy step; glue below)
$sasUri = "$endPoint$ContainerName$StorageAccountSAS"
$blob = Set-AzStorageBlobContent -File (Join-Path $VHDPath $VHDFile) -Container $ContainerName -Blob $VHDFile -Context $StorageAccountContext -BlobType Page
$sourceUri = "$endPoint$ContainerName/$VHDFile"

# ---- 4. Managed disk from the VHD, then an image from the managed disk.
$StorageAccountId = (Get-AzStorageAccount -ResourceGroupName $ResourceGroupName -Name $StorageAccountName).Id
$DiskConfig = New-AzDiskConfig -Location DBELocal -HyperVGeneration $HyperVGeneration -StorageAccountId $StorageAccountId -CreateOption Import -SourceUri $sourceUri
New-AzDisk -ResourceGroupName $ResourceGroupName -DiskName $DiskName -Disk $DiskConfig
$DiskSize = (Get-AzDisk -Name $DiskName -ResourceGroupName $ResourceGroupName).DiskSizeGB
$imageConfig = New-AzImageConfig -Location DBELocal -HyperVGeneration $hyperVGeneration
$ManagedDiskId = (Get-AzDisk -Name $DiskName -ResourceGroupName $ResourceGroupName).Id
Set-AzImageOsDisk -Image $imageConfig -OsType $OsType -OsState 'Generalized' -DiskSizeGB $DiskSize -ManagedDiskId $ManagedDiskId
New-AzImage -Image $imageConfig -ImageName $ImageName -ResourceGroupName $ResourceGroupName

# ---- 5. A VM without a template: the device's virtual network, a NIC, the VM configuration, New-AzVM.
$IpConfigName = "$VmName-ipconfig"
$NicName = "$VmName-nic"
$ComputerName = $VmName
$OsDiskName = "$VmName-osdisk"
$ArmVn = Get-AzVirtualNetwork -Name ASEVNET -ResourceGroupName ASERG
$ipConfig = New-AzNetworkInterfaceIpConfig -Name $IpConfigName -SubnetId $aRmVN.Subnets[0].Id
$Nic = New-AzNetworkInterface -Name $NicName -ResourceGroupName $ResourceGroupName -Location DBELocal -IpConfiguration $IpConfig
$pass = ConvertTo-SecureString $VmPassword -AsPlainText -Force;
$cred = New-Object System.Management.Automation.PSCredential("azureuser", $pass)
$VirtualMachine = New-AzVMConfig -VmName $VmName -VMSize "Standard_D1_v2"
$VirtualMachine = Set-AzVMOperatingSystem -VM $VirtualMachine -Linux -ComputerName $ComputerName -Credential $cred
$VirtualMachine = Set-AzVmOsDisk -VM $VirtualMachine -Name $OsDiskName -Caching "ReadWrite" -CreateOption "FromImage" -Linux -StorageAccountType Standard_LRS
$nicID = (Get-AzNetworkInterface -Name $NicName -ResourceGroupName $ResourceGroupName).Id
$VirtualMachine = Add-AzVMNetworkInterface -Vm $VirtualMachine -Id $nicID
$image = ( Get-AzImage -ResourceGroupName $ResourceGroupName -ImageName $ImageName).Id
$VirtualMachine = Set-AzVMSourceImage -VM $VirtualMachine -Id $image
New-AzVM -ResourceGroupName $ResourceGroupName -Location DBELocal -VM $VirtualMachine -Verbose
$Nic = Get-AzNetworkInterface -Name $NicName -ResourceGroupName $ResourceGroupName
$vmIpAddress = $Nic.IpConfigurations[0].PrivateIpAddress

# ---- 6. Templates: the image with CreateImage.json from the uploaded VHD (glue: CreateImage.parameters.json edited as the docs say).
$imageParameters = Get-Content -Raw -Path (Join-Path $TemplateDir 'CreateImage/CreateImage.parameters.json') | ConvertFrom-Json
$imageParameters.parameters.osType.value = 'Linux'
$imageParameters.parameters.imageName.value = "$ImageName-template"
$imageParameters.parameters.imageUri.value = $sourceUri
$editedImageParameters = Join-Path ([System.IO.Path]::GetTempPath()) "CreateImage.parameters.$PID.json"
$imageParameters | ConvertTo-Json -Depth 10 | Set-Content -Path $editedImageParameters

$templateFile = Join-Path $TemplateDir 'CreateImage/CreateImage.json'
$templateParameterFile = $editedImageParameters
New-AzResourceGroupDeployment `
    -ResourceGroupName $RGName `
    -TemplateFile $templateFile `
    -TemplateParameterFile $templateParameterFile `
    -Name "CreateImage"
Get-AzImage -ResourceGroupName $RGName -name "$ImageName-template"

# ---- 7. The GPU VM with CreateVM.json (glue: CreateVM.parameters.json edited as the docs say, vmSize a GPU size).
$vmParameters = Get-Content -Raw -Path (Join-Path $TemplateDir 'CreateVM/CreateVM.parameters.json') | ConvertFrom-Json
$vmParameters.parameters.vmName.value = $GpuVmName
$vmParameters.parameters.Password.value = $VmPassword
$vmParameters.parameters.imageName.value = $ImageName
$vmParameters.parameters.vmSize.value = $GpuVmSize
$vmParameters.parameters.vnetName.value = 'ASEVNET'
$vmParameters.parameters.subnetName.value = 'ASEVNETsubNet'
$vmParameters.parameters.vnetRG.value = 'ASERG'
$vmParameters.parameters.nicName.value = "$GpuVmName-nic"
$vmParameters.parameters.IPConfigName.value = "$GpuVmName-ipconfig"
$vmParameters.parameters.privateIPAddress.value = ''
$editedVmParameters = Join-Path ([System.IO.Path]::GetTempPath()) "CreateVM.parameters.$PID.json"
$vmParameters | ConvertTo-Json -Depth 10 | Set-Content -Path $editedVmParameters

$templateFile = Join-Path $TemplateDir 'CreateVM/CreateVM.json'
$templateParameterFile = $editedVmParameters
$deployment = New-AzResourceGroupDeployment `
    -ResourceGroupName $RGName `
    -TemplateFile $templateFile `
    -TemplateParameterFile $templateParameterFile `
    -Name "gpuvm-deployment"
$deployment
Get-AzVm
Get-AzVM -ResourceGroupName $RGName -Name $GpuVmName -Status

# ---- 8. The GPU extension (install-gpu-extension.md; Linux, device release 2205 or later: addGPUExtLinuxVM2205.parameters.json).
$gpuExtension = (Get-Content -Raw -Path (Join-Path $TemplateDir '../ExtensionTemplates/GpuExtension/addGPUExtLinuxVM2205.parameters.json') | ConvertFrom-Json).parameters
$settings = @{}
foreach ($p in $gpuExtension.settings.value.PSObject.Properties) { $settings[$p.Name] = $p.Value }
Set-AzVMExtension -ResourceGroupName $RGName -VMName $GpuVmName -Name $gpuExtension.extensionName.value -Location DBELocal -Publisher $gpuExtension.publisher.value -ExtensionType $gpuExtension.type.value -TypeHandlerVersion $gpuExtension.typeHandlerVersion.value -Settings $settings
do {
    $extension = Get-AzVMExtension -ResourceGroupName $RGName -VMName $GpuVmName -Name $gpuExtension.extensionName.value
    if ($extension.ProvisioningState -eq 'Creating') { Start-Sleep -Seconds 10 }
} while ($extension.ProvisioningState -eq 'Creating')
$extension

# ---- 9. Before a device update: stop the GPU VM keeping it provisioned (it keeps its GPU), and start it again.
Stop-AzVM -ResourceGroupName $RGName -Name $GpuVmName -StayProvisioned -Force
Start-AzVM -ResourceGroupName $RGName -Name $GpuVmName
Get-AzVM -ResourceGroupName $RGName -Name $GpuVmName -Status

Remove-Item -LiteralPath $editedImageParameters, $editedVmParameters -ErrorAction SilentlyContinue
[pscustomobject]@{
    PSTypeName        = 'AseGpu.DocumentedWorkflowResult'
    SubscriptionName  = (Get-AzContext).Subscription.Name
    StorageEndpoint   = $endPoint
    SasUri            = $sasUri
    BlobUri           = $blob.ICloudBlob.Uri.AbsoluteUri
    DiskId            = $ManagedDiskId
    ImageId           = $image
    VmIpAddress       = $vmIpAddress
    DeploymentState   = $deployment.ProvisioningState
    DeployedVmName    = $deployment.Parameters['vmName'].Value
    GpuExtensionState = $extension.ProvisioningState
    PowerState        = (Get-AzVM -ResourceGroupName $RGName -Name $GpuVmName -Status).Statuses | Where-Object Code -like 'PowerState/*' | Select-Object -ExpandProperty DisplayStatus
}
