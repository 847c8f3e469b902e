#Requires -Version 5.1
# AseGpu.AzCompat: Az-named commands for the Azure Stack Edge workflow, mapped onto AseGpu. Opt-in:
#   Import-Module <AseGpu folder>/AseGpu.AzCompat
# Parameters follow the Az help (Add-AzEnvironment, Connect-AzAccount, New/Get/Remove-AzResourceGroup);
# parameters that make no sense on a device are accepted and ignored with a verbose message.
Set-StrictMode -Version 3.0

if (-not (Get-Module -Name AseGpu)) {
    $candidates = @(
        (Join-Path (Split-Path -Parent $PSScriptRoot) 'AseGpu.psd1'),
        (Join-Path (Join-Path (Split-Path -Parent $PSScriptRoot) 'AseGpu') 'AseGpu.psd1')
    )
    $manifest = $candidates | Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
    if ($manifest) { Import-Module $manifest -Global } else { Import-Module AseGpu -Global }
}

function Write-AseCompatIgnored {
    # Verbose note for Az parameters that have no meaning on a device.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [hashtable]$Bound,

        [Parameter(Mandatory)]
        [string[]]$Names
    )
    foreach ($n in $Names) {
        if ($Bound.ContainsKey($n)) { Write-Verbose "AseGpu.AzCompat: -$n is ignored on Azure Stack Edge." }
    }
}

function Add-AzEnvironment {
    <#
    .SYNOPSIS
    Registers an Azure Stack Edge device's ARM endpoint as a named environment (Az-compatible).

    .PARAMETER Name
    The environment name, used later with Connect-AzAccount -EnvironmentName.

    .PARAMETER ARMEndpoint
    https://management.<device name>.<DNS domain>/ (alias ArmUrl).

    .PARAMETER StorageEndpoint
    The storage endpoint suffix, e.g. <device name>.<DNS domain> (alias StorageEndpointSuffix).

    .PARAMETER Scope
    Process or CurrentUser; environments are kept for the process only.

    .EXAMPLE
    Add-AzEnvironment -Name AzASE -ARMEndpoint "https://management.dbe-1234.microsoftdatabox.com/"

    .OUTPUTS
    A PSAzureEnvironment-like object (Name, ResourceManagerUrl, EnableAdfsAuthentication, StorageEndpointSuffix...).
    #>
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'ARMEndpoint')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [Parameter(Mandatory, Position = 1, ParameterSetName = 'ARMEndpoint', ValueFromPipelineByPropertyName)]
        [Alias('ArmUrl')]
        [ValidateNotNullOrEmpty()]
        [string]$ARMEndpoint,

        [Parameter(Position = 2, ValueFromPipelineByPropertyName)]
        [Alias('StorageEndpointSuffix')]
        [string]$StorageEndpoint,

        [string]$AzureKeyVaultDnsSuffix,
        [string]$AzureKeyVaultServiceEndpointResourceId,
        [string]$DataLakeAudience,
        [string]$BatchEndpointResourceId,
        [string]$AzureOperationalInsightsEndpointResourceId,
        [string]$AzureOperationalInsightsEndpoint,
        [string]$AzureAnalysisServicesEndpointSuffix,
        [string]$AzureAnalysisServicesEndpointResourceId,
        [string]$AzureAttestationServiceEndpointSuffix,
        [string]$AzureAttestationServiceEndpointResourceId,

        [ValidateSet('Process', 'CurrentUser')]
        [string]$Scope = 'Process',

        [object]$DefaultProfile
    )
    process {
        Write-AseCompatIgnored -Bound $PSBoundParameters -Names @('AzureKeyVaultDnsSuffix', 'AzureKeyVaultServiceEndpointResourceId', 'DataLakeAudience',
            'BatchEndpointResourceId', 'AzureOperationalInsightsEndpointResourceId', 'AzureOperationalInsightsEndpoint',
            'AzureAnalysisServicesEndpointSuffix', 'AzureAnalysisServicesEndpointResourceId', 'AzureAttestationServiceEndpointSuffix',
            'AzureAttestationServiceEndpointResourceId', 'DefaultProfile')
        if ($Scope -eq 'CurrentUser') { Write-Verbose 'AseGpu.AzCompat: environments are kept for this process only.' }
        $url = $ARMEndpoint
        if (-not $url.EndsWith('/')) { $url = $url + '/' }
        $environment = [pscustomobject]@{
            PSTypeName                                = 'AseGpu.AzCompat.Environment'
            Name                                      = $Name
            EnableAdfsAuthentication                  = $true
            OnPremise                                 = $true
            ActiveDirectoryServiceEndpointResourceId  = $null
            AdTenant                                  = 'adfs'
            ResourceManagerUrl                        = $url
            StorageEndpointSuffix                     = $StorageEndpoint
            ActiveDirectoryAuthority                  = $null
        }
        if ($PSCmdlet.ShouldProcess($Name, "Add environment for $url")) {
            # AseGpu is a binary module: its state is reached through its public state class.
            [AseGpu.PowerShell.AseModuleState]::Current.RegisterEnvironment($Name, $environment)
            $environment
        }
    }
}

function Connect-AzAccount {
    <#
    .SYNOPSIS
    Signs in to an Azure Stack Edge device's ARM (Az-compatible front end of Connect-AseDevice).

    .PARAMETER Environment
    The environment registered with Add-AzEnvironment (alias EnvironmentName).

    .PARAMETER Tenant
    The tenant (aliases Domain, TenantId); c0257de7-538f-415c-993a-1b87a031879d on every device.

    .PARAMETER Credential
    EdgeArmUser and the Edge ARM password.

    .PARAMETER Subscription
    Accepted for compatibility; a device has a single subscription (aliases SubscriptionName, SubscriptionId).

    .PARAMETER CaCertificate
    AseGpu extension: the device's root CA file (otherwise the system trust store must hold it).

    .PARAMETER CertificateThumbprint
    AseGpu extension: SHA-256 thumbprint of the device's certificate.

    .PARAMETER DeviceIp
    AseGpu extension: the device's IP address instead of hosts-file entries.

    .PARAMETER HostMap
    AseGpu extension: host name to IP address map.

    .EXAMPLE
    Add-AzEnvironment -Name AzASE -ARMEndpoint "https://management.dbe-1234.microsoftdatabox.com/"
    Connect-AzAccount -EnvironmentName AzASE -TenantId c0257de7-538f-415c-993a-1b87a031879d -Credential $cred

    .OUTPUTS
    Account, SubscriptionName, TenantId, Environment (as PSAzureProfile shows them).
    #>
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'UserWithCredential')]
    [OutputType([pscustomobject])]
    param(
        [Alias('EnvironmentName')]
        [ValidateNotNullOrEmpty()]
        [string]$Environment,

        [Alias('Domain', 'TenantId')]
        [string]$Tenant = 'c0257de7-538f-415c-993a-1b87a031879d',

        [Parameter(Position = 0, ValueFromPipeline)]
        [Alias('SubscriptionName', 'SubscriptionId')]
        [string]$Subscription,

        [Parameter(ParameterSetName = 'UserWithCredential')]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential = [System.Management.Automation.PSCredential]::Empty,

        [Parameter(ParameterSetName = 'UserWithCredential')]
        [Alias('DeviceCode', 'DeviceAuth', 'Device')]
        [switch]$UseDeviceAuthentication,

        [string]$AuthScope,
        [string]$ContextName,
        [switch]$SkipContextPopulation,
        [int]$MaxContextPopulation,
        [switch]$Force,

        [ValidateSet('Process', 'CurrentUser')]
        [string]$Scope = 'Process',

        [string]$CaCertificate,
        [string]$CertificateThumbprint,
        [string]$DeviceIp,
        [hashtable]$HostMap
    )
    process {
        if ($UseDeviceAuthentication) {
            $ex = New-Object System.NotSupportedException('Azure Stack Edge signs in with -Credential (EdgeArmUser); device-code sign-in is not available.')
            $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord($ex, 'AseGpu.AzCompat.NotSupported', [System.Management.Automation.ErrorCategory]::NotImplemented, $null)))
        }
        Write-AseCompatIgnored -Bound $PSBoundParameters -Names @('AuthScope', 'ContextName', 'SkipContextPopulation', 'MaxContextPopulation', 'Force', 'Subscription')
        if (-not $Environment) {
            $ex = New-Object System.ArgumentException('Pass -EnvironmentName (registered with Add-AzEnvironment -ARMEndpoint https://management.<device>.<domain>/).')
            $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord($ex, 'AseGpu.AzCompat.NoEnvironment', [System.Management.Automation.ErrorCategory]::InvalidArgument, $null)))
        }
        if (-not $PSCmdlet.ShouldProcess($Environment, 'Sign in')) { return }
        $connect = @{ EnvironmentName = $Environment; TenantId = $Tenant; ErrorAction = 'Stop' }
        if ($Credential -ne [System.Management.Automation.PSCredential]::Empty) { $connect.Credential = $Credential }
        if ($CaCertificate) { $connect.CaCertificate = $CaCertificate }
        if ($CertificateThumbprint) { $connect.CertificateThumbprint = $CertificateThumbprint }
        if ($DeviceIp) { $connect.DeviceIp = $DeviceIp }
        if ($HostMap) { $connect.HostMap = $HostMap }
        Connect-AseDevice @connect
    }
}

function New-AzResourceGroup {
    <#
    .SYNOPSIS
    Creates a resource group on the device (Az-compatible front end of New-AseResourceGroup).

    .PARAMETER Name
    The name (alias ResourceGroupName).

    .PARAMETER Location
    DBELocal.

    .PARAMETER Tag
    Tags (alias Tags).

    .PARAMETER Force
    Update an existing group without asking.

    .EXAMPLE
    New-AzResourceGroup -Name myasegpurg -Location DBELocal

    .OUTPUTS
    ResourceGroupName, Location, ProvisioningState, Tags, ResourceId (as PSResourceGroup).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([AseGpu.AseResourceGroup])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('ResourceGroupName')]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$Location,

        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('Tags')]
        [hashtable]$Tag,

        [switch]$Force,
        [string]$ApiVersion,
        [switch]$Pre,
        [object]$DefaultProfile
    )
    process {
        Write-AseCompatIgnored -Bound $PSBoundParameters -Names @('ApiVersion', 'Pre', 'DefaultProfile')
        if ($PSCmdlet.ShouldProcess($Name, "Create resource group in $Location")) {
            New-AseResourceGroup -Name $Name -Location $Location -Tag $Tag -Force:$Force -Confirm:$false
        }
    }
}

function Get-AzResourceGroup {
    <#
    .SYNOPSIS
    Gets resource groups (Az-compatible front end of Get-AseResourceGroup).

    .PARAMETER Name
    A name or wildcard (alias ResourceGroupName).

    .PARAMETER Location
    Only groups in this location.

    .PARAMETER Id
    A resource group id (alias ResourceId).

    .PARAMETER Tag
    Only groups with these tags (hashtable; a $null value matches any value).

    .EXAMPLE
    Get-AzResourceGroup -Name myasegpurg

    .EXAMPLE
    Get-AzResourceGroup | Where-Object ProvisioningState -eq Succeeded
    #>
    [CmdletBinding(DefaultParameterSetName = 'GetByResourceGroupName')]
    [OutputType([AseGpu.AseResourceGroup])]
    param(
        [Parameter(Position = 0, ParameterSetName = 'GetByResourceGroupName', ValueFromPipelineByPropertyName)]
        [Alias('ResourceGroupName')]
        [string]$Name,

        [Parameter(Position = 1, ParameterSetName = 'GetByResourceGroupName', ValueFromPipelineByPropertyName)]
        [string]$Location,

        [Parameter(Mandatory, ParameterSetName = 'GetByResourceGroupId', ValueFromPipelineByPropertyName)]
        [Alias('ResourceId')]
        [string]$Id,

        [hashtable]$Tag,
        [string]$ApiVersion,
        [switch]$Pre,
        [object]$DefaultProfile
    )
    process {
        Write-AseCompatIgnored -Bound $PSBoundParameters -Names @('ApiVersion', 'Pre', 'DefaultProfile')
        $get = @{}
        if ($PSCmdlet.ParameterSetName -eq 'GetByResourceGroupId') { $get.Name = $Id.TrimEnd('/').Split('/')[-1] }
        elseif ($Name) { $get.Name = $Name }
        if ($Location) { $get.Location = $Location }
        Get-AseResourceGroup @get | Where-Object {
            $group = $_
            $keep = $true
            if ($Tag) {
                foreach ($key in $Tag.Keys) {
                    if (-not $group.Tags.ContainsKey([string]$key)) { $keep = $false }
                    elseif ($null -ne $Tag[$key] -and $group.Tags[[string]$key] -ne [string]$Tag[$key]) { $keep = $false }
                }
            }
            $keep
        }
    }
}

function Remove-AzResourceGroup {
    <#
    .SYNOPSIS
    Deletes a resource group and everything in it (Az-compatible front end of Remove-AseResourceGroup).

    .PARAMETER Name
    The name (alias ResourceGroupName).

    .PARAMETER Id
    A resource group id (alias ResourceId).

    .PARAMETER Force
    Do not ask for confirmation.

    .PARAMETER AsJob
    Run in a background thread job.

    .EXAMPLE
    Remove-AzResourceGroup -Name myasegpurg -Force

    .OUTPUTS
    True when deleted (as Az).
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'RemoveByResourceGroupName')]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'RemoveByResourceGroupName', ValueFromPipelineByPropertyName)]
        [Alias('ResourceGroupName')]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [Parameter(Mandatory, ParameterSetName = 'RemoveByResourceGroupId', ValueFromPipelineByPropertyName)]
        [Alias('ResourceId')]
        [ValidateNotNullOrEmpty()]
        [string]$Id,

        [switch]$Force,
        [switch]$AsJob,
        [string]$ApiVersion,
        [switch]$Pre,
        [object]$DefaultProfile
    )
    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }
    process {
        Write-AseCompatIgnored -Bound $PSBoundParameters -Names @('ApiVersion', 'Pre', 'DefaultProfile')
        $groupName = $Name
        if ($PSCmdlet.ParameterSetName -eq 'RemoveByResourceGroupId') { $groupName = $Id.TrimEnd('/').Split('/')[-1] }
        if ($PSCmdlet.ShouldProcess($groupName, 'Remove resource group and every resource in it')) {
            Remove-AseResourceGroup -Name $groupName -Force -Confirm:$false -AsJob:$AsJob -PassThru
        }
    }
}

function ConvertTo-AseCompatOperationResponse {
    # PSAzureOperationResponse (Compute): RequestId, IsSuccessStatusCode, StatusCode, ReasonPhrase.
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([object]$Result)
    [pscustomobject]@{
        PSTypeName          = 'AseGpu.AzCompat.OperationResponse'
        RequestId           = $null
        IsSuccessStatusCode = $true
        StatusCode          = 'OK'
        ReasonPhrase        = 'OK'
    }
}

function ConvertTo-AseCompatLongRunningOperation {
    # PSComputeLongRunningOperation: TrackingOperationId, RequestId, Status, StatusCode, Output, StartTime, EndTime, Error, ErrorText.
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [datetime]$StartTime,
        [object]$Output
    )
    [pscustomobject]@{
        PSTypeName          = 'AseGpu.AzCompat.LongRunningOperation'
        TrackingOperationId = $null
        RequestId           = $null
        Status              = 'Succeeded'
        StatusCode          = 'OK'
        Output              = $Output
        StartTime           = $StartTime
        EndTime             = [datetime]::Now
        Error               = $null
        ErrorText           = $null
    }
}

function ConvertTo-AseCompatVM {
    # AseGpu.AseVmView -> the PSVirtualMachine properties Get-AzVM shows.
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory)][AseGpu.AseVmView]$VM)
    [pscustomobject]@{
        PSTypeName        = 'AseGpu.AzCompat.VirtualMachine'
        ResourceGroupName = $VM.ResourceGroupName
        Id                = $VM.Id
        Name              = $VM.Name
        Type              = 'Microsoft.Compute/virtualMachines'
        Location          = 'dbelocal'
        HardwareProfile   = [pscustomobject]@{ VmSize = $VM.VmSize }
        StorageProfile    = [pscustomobject]@{ OsDisk = [pscustomobject]@{ OsType = $VM.OsType }; ImageReference = [pscustomobject]@{ Id = $VM.ImageId } }
        NetworkProfile    = [pscustomobject]@{ PrivateIpAddresses = $VM.PrivateIpAddresses }
        ProvisioningState = $VM.ProvisioningState
        PowerState        = $VM.PowerStateDisplay
        VmSize            = $VM.VmSize
        OsType            = $VM.OsType
    }
}

function ConvertTo-AseCompatExtension {
    # AseGpu.AseExtensionView -> the PSVirtualMachineExtension properties Get-AzVMExtension shows.
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory)][AseGpu.AseExtensionView]$Extension)
    [pscustomobject]@{
        PSTypeName              = 'AseGpu.AzCompat.VirtualMachineExtension'
        ResourceGroupName       = $Extension.ResourceGroupName
        VMName                  = $Extension.VMName
        Name                    = $Extension.Name
        Location                = 'dbelocal'
        Etag                    = $null
        Publisher               = $Extension.Publisher
        ExtensionType           = $Extension.ExtensionType
        TypeHandlerVersion      = $Extension.TypeHandlerVersion
        Id                      = $Extension.Id
        PublicSettings          = $Extension.PublicSettingsJson
        ProtectedSettings       = $null
        ProvisioningState       = $Extension.ProvisioningState
        Statuses                = $Extension.Statuses
        SubStatuses             = $Extension.SubStatuses
        AutoUpgradeMinorVersion = $true
        ForceUpdateTag          = $null
    }
}

function New-AzResourceGroupDeployment {
    <#
    .SYNOPSIS
    Deploys an ARM template to a resource group (Az-compatible front end of New-AseResourceGroupDeployment).

    .DESCRIPTION
    -Force skips confirmation as in Az (it does not override the GPU preflight; use
    New-AseResourceGroupDeployment -Force for that). Template parameters are not offered as dynamic
    parameters: use -TemplateParameterFile and/or -TemplateParameterObject. -TemplateUri,
    -TemplateParameterUri and -Mode Complete are not supported on a device through this module.

    .PARAMETER Name
    Deployment name (alias DeploymentName).

    .PARAMETER ResourceGroupName
    The resource group.

    .PARAMETER TemplateFile
    The template file (e.g. CreateVM.json).

    .PARAMETER TemplateObject
    The template as a hashtable.

    .PARAMETER TemplateParameterFile
    The parameter file.

    .PARAMETER TemplateParameterObject
    Parameter values (hashtable).

    .PARAMETER Mode
    Incremental (the only mode supported here).

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    New-AzResourceGroupDeployment -ResourceGroupName myasegpurg -TemplateFile .\CreateVM.json -TemplateParameterFile .\CreateVM.parameters.json -Name gpuvm1

    .OUTPUTS
    DeploymentName, ResourceGroupName, ProvisioningState, Timestamp, Mode, TemplateLink, Parameters, Outputs, DeploymentDebugLogLevel (as PSResourceGroupDeployment).
    #>
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'ByTemplateFileWithNoParameters')]
    [OutputType([AseGpu.AseDeploymentResult])]
    param(
        [Alias('DeploymentName')]
        [string]$Name,

        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [ValidateSet('Incremental', 'Complete')]
        [string]$Mode = 'Incremental',

        [ValidateSet('RequestContent', 'ResponseContent', 'All', 'None')]
        [string]$DeploymentDebugLogLevel,

        [switch]$RollbackToLastDeployment,
        [string]$RollBackDeploymentName,
        [switch]$Force,
        [switch]$AsJob,
        [switch]$SkipTemplateParameterPrompt,
        [string]$ApiVersion,
        [switch]$Pre,
        [object]$DefaultProfile,

        [Parameter(ParameterSetName = 'ByTemplateFileWithNoParameters', Mandatory)]
        [Parameter(ParameterSetName = 'ByTemplateFileAndParameterFile', Mandatory)]
        [Parameter(ParameterSetName = 'ByTemplateFileAndParameterObject', Mandatory)]
        [string]$TemplateFile,

        [Parameter(ParameterSetName = 'ByTemplateObjectWithNoParameters', Mandatory)]
        [Parameter(ParameterSetName = 'ByTemplateObjectAndParameterFile', Mandatory)]
        [Parameter(ParameterSetName = 'ByTemplateObjectAndParameterObject', Mandatory)]
        [hashtable]$TemplateObject,

        [string]$TemplateUri,

        [Parameter(ParameterSetName = 'ByTemplateFileAndParameterFile', Mandatory)]
        [Parameter(ParameterSetName = 'ByTemplateObjectAndParameterFile', Mandatory)]
        [string]$TemplateParameterFile,

        [Parameter(ParameterSetName = 'ByTemplateFileAndParameterObject', Mandatory)]
        [Parameter(ParameterSetName = 'ByTemplateObjectAndParameterObject', Mandatory)]
        [hashtable]$TemplateParameterObject,

        [string]$TemplateParameterUri
    )
    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }
    process {
        Write-AseCompatIgnored -Bound $PSBoundParameters -Names @('DeploymentDebugLogLevel', 'RollbackToLastDeployment', 'RollBackDeploymentName', 'SkipTemplateParameterPrompt', 'ApiVersion', 'Pre', 'DefaultProfile')
        foreach ($unsupported in @('TemplateUri', 'TemplateParameterUri')) {
            if ($PSBoundParameters.ContainsKey($unsupported)) {
                $ex = New-Object System.NotSupportedException("-$unsupported is not supported: download the file and pass it with -TemplateFile / -TemplateParameterFile.")
                $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord($ex, 'AseGpu.AzCompat.NotSupported', [System.Management.Automation.ErrorCategory]::NotImplemented, $unsupported)))
            }
        }
        if ($Mode -eq 'Complete') {
            $ex = New-Object System.NotSupportedException('-Mode Complete is not supported (Incremental only).')
            $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord($ex, 'AseGpu.AzCompat.NotSupported', [System.Management.Automation.ErrorCategory]::NotImplemented, 'Mode')))
        }
        if (-not $PSCmdlet.ShouldProcess($ResourceGroupName, 'Deploy template')) { return }
        if ($TemplateObject) {
            $session = [AseGpu.PowerShell.AseModuleState]::Current.Session
            $request = New-Object AseGpu.AseDeploymentRequest
            $request.ResourceGroupName = $ResourceGroupName
            if ($Name) { $request.Name = $Name }
            $request.Template = $TemplateObject
            if ($TemplateParameterFile) { $request.TemplateParameterFile = (Resolve-Path -LiteralPath $TemplateParameterFile -ErrorAction Stop).ProviderPath }
            if ($TemplateParameterObject) { $request.Parameters = $TemplateParameterObject }
            if ($null -eq $session) { throw 'Not connected: run Connect-AzAccount first.' }
            return $session.NewDeployment($request)
        }
        $deploy = @{ ResourceGroupName = $ResourceGroupName; TemplateFile = $TemplateFile; Confirm = $false; AsJob = $AsJob }
        if ($Name) { $deploy.Name = $Name }
        if ($TemplateParameterFile) { $deploy.TemplateParameterFile = $TemplateParameterFile }
        if ($TemplateParameterObject) { $deploy.TemplateParameterObject = $TemplateParameterObject }
        New-AseResourceGroupDeployment @deploy
    }
}

function Get-AzVM {
    <#
    .SYNOPSIS
    Gets VMs (Az-compatible front end of Get-AseVM).

    .PARAMETER ResourceGroupName
    The resource group.

    .PARAMETER Name
    A VM name or wildcard (aliases ResourceName, VMName).

    .PARAMETER Status
    The instance view (Statuses with PowerState/running...) instead of the model.

    .PARAMETER Location
    Accepted; every VM of a device is in DBELocal.

    .EXAMPLE
    Get-AzVM -ResourceGroupName myasegpurg -Name gpuvm1 -Status

    .OUTPUTS
    PSVirtualMachine-like objects (ResourceGroupName, Id, Name, Type, Location, HardwareProfile, StorageProfile, NetworkProfile, ProvisioningState), or with -Status PSVirtualMachineInstanceView-like (ResourceGroupName, Name, Statuses, Extensions).
    #>
    [CmdletBinding(DefaultParameterSetName = 'DefaultParamSet')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [string]$ResourceGroupName,

        [Parameter(Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('ResourceName', 'VMName')]
        [string]$Name,

        [switch]$Status,

        [string]$Location,

        [ValidateSet('Compact', 'Expand')]
        [string]$DisplayHint,

        [switch]$UserData,
        [object]$DefaultProfile
    )
    process {
        Write-AseCompatIgnored -Bound $PSBoundParameters -Names @('Location', 'DisplayHint', 'UserData', 'DefaultProfile')
        $get = @{}
        if ($ResourceGroupName) { $get.ResourceGroupName = $ResourceGroupName }
        if ($Name) { $get.Name = $Name }
        if ($Status) { return (Get-AseVM @get -Status) }
        foreach ($vm in @(Get-AseVM @get)) { if ($null -ne $vm) { ConvertTo-AseCompatVM -VM $vm } }
    }
}

function Start-AzVM {
    <#
    .SYNOPSIS
    Starts a VM (Az-compatible front end of Start-AseVM).

    .PARAMETER ResourceGroupName
    The resource group.

    .PARAMETER Name
    The VM (aliases ResourceName, VMName).

    .PARAMETER Id
    The VM's resource id instead of -ResourceGroupName/-Name.

    .PARAMETER NoWait
    Accepted; the call waits (the device's operations are short).

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    Start-AzVM -ResourceGroupName myasegpurg -Name gpuvm1

    .OUTPUTS
    PSComputeLongRunningOperation-like (Status, StatusCode, StartTime, EndTime...).
    #>
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'DefaultParamSet')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'DefaultParamSet', ValueFromPipelineByPropertyName)]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, Position = 1, ParameterSetName = 'DefaultParamSet', ValueFromPipelineByPropertyName)]
        [Alias('ResourceName', 'VMName')]
        [string]$Name,

        [Parameter(Mandatory, ParameterSetName = 'IdParamSet', ValueFromPipelineByPropertyName)]
        [string]$Id,

        [switch]$NoWait,
        [switch]$AsJob,
        [object]$DefaultProfile
    )
    process {
        Write-AseCompatIgnored -Bound $PSBoundParameters -Names @('NoWait', 'DefaultProfile')
        if ($Id) { $ResourceGroupName = ($Id -split '/')[4]; $Name = ($Id.TrimEnd('/') -split '/')[-1] }
        if (-not $PSCmdlet.ShouldProcess("$ResourceGroupName/$Name", 'Start VM')) { return }
        $start = Get-Date
        $result = Start-AseVM -ResourceGroupName $ResourceGroupName -Name $Name -AsJob:$AsJob -Confirm:$false
        if ($AsJob) { return $result }
        if ($null -ne $result) { ConvertTo-AseCompatLongRunningOperation -StartTime $start }
    }
}

function Stop-AzVM {
    <#
    .SYNOPSIS
    Stops a VM (Az-compatible front end of Stop-AseVM): deallocates it, or with -StayProvisioned powers it off.

    .PARAMETER ResourceGroupName
    The resource group.

    .PARAMETER Name
    The VM (aliases ResourceName, VMName).

    .PARAMETER Id
    The VM's resource id.

    .PARAMETER StayProvisioned
    Keep the VM provisioned (and its GPU).

    .PARAMETER Force
    Do not ask for confirmation.

    .PARAMETER SkipShutdown
    Accepted and ignored.

    .PARAMETER NoWait
    Accepted; the call waits.

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    Stop-AzVM -ResourceGroupName myasegpurg -Name gpuvm1 -StayProvisioned -Force

    .OUTPUTS
    PSComputeLongRunningOperation-like.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'DefaultParamSet')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'DefaultParamSet', ValueFromPipelineByPropertyName)]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, Position = 1, ParameterSetName = 'DefaultParamSet', ValueFromPipelineByPropertyName)]
        [Alias('ResourceName', 'VMName')]
        [string]$Name,

        [Parameter(Mandatory, ParameterSetName = 'IdParamSet', ValueFromPipelineByPropertyName)]
        [string]$Id,

        [switch]$Force,
        [switch]$StayProvisioned,
        [switch]$SkipShutdown,
        [switch]$NoWait,
        [switch]$AsJob,
        [object]$DefaultProfile
    )
    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }
    process {
        Write-AseCompatIgnored -Bound $PSBoundParameters -Names @('SkipShutdown', 'NoWait', 'DefaultProfile')
        if ($Id) { $ResourceGroupName = ($Id -split '/')[4]; $Name = ($Id.TrimEnd('/') -split '/')[-1] }
        if (-not $PSCmdlet.ShouldProcess("$ResourceGroupName/$Name", 'Stop VM')) { return }
        $start = Get-Date
        $result = Stop-AseVM -ResourceGroupName $ResourceGroupName -Name $Name -StayProvisioned:$StayProvisioned -Force -AsJob:$AsJob -Confirm:$false
        if ($AsJob) { return $result }
        if ($null -ne $result) { ConvertTo-AseCompatLongRunningOperation -StartTime $start }
    }
}

function Remove-AzVM {
    <#
    .SYNOPSIS
    Deletes a VM (Az-compatible front end of Remove-AseVM).

    .PARAMETER ResourceGroupName
    The resource group.

    .PARAMETER Name
    The VM (aliases ResourceName, VMName).

    .PARAMETER Id
    The VM's resource id.

    .PARAMETER Force
    Do not ask for confirmation.

    .PARAMETER NoWait
    Accepted; the call waits.

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    Remove-AzVM -ResourceGroupName myasegpurg -Name gpuvm1 -Force

    .OUTPUTS
    PSComputeLongRunningOperation-like.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'DefaultParamSet')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'DefaultParamSet', ValueFromPipelineByPropertyName)]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, Position = 1, ParameterSetName = 'DefaultParamSet', ValueFromPipelineByPropertyName)]
        [Alias('ResourceName', 'VMName')]
        [string]$Name,

        [Parameter(Mandatory, ParameterSetName = 'IdParamSet', ValueFromPipelineByPropertyName)]
        [string]$Id,

        [switch]$Force,
        [switch]$NoWait,
        [switch]$AsJob,
        [object]$DefaultProfile
    )
    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }
    process {
        Write-AseCompatIgnored -Bound $PSBoundParameters -Names @('NoWait', 'DefaultProfile')
        if ($Id) { $ResourceGroupName = ($Id -split '/')[4]; $Name = ($Id.TrimEnd('/') -split '/')[-1] }
        if (-not $PSCmdlet.ShouldProcess("$ResourceGroupName/$Name", 'Remove VM')) { return }
        $start = Get-Date
        $result = Remove-AseVM -ResourceGroupName $ResourceGroupName -Name $Name -Force -AsJob:$AsJob -PassThru -Confirm:$false
        if ($AsJob) { return $result }
        if ($null -ne $result) { ConvertTo-AseCompatLongRunningOperation -StartTime $start }
    }
}

function Set-AzVMExtension {
    <#
    .SYNOPSIS
    Adds an extension to a VM (Az-compatible front end of Install-AseGpuExtension, for the NVIDIA GPU extension).

    .DESCRIPTION
    The GPU extension (publisher Microsoft.HpcCompute, NvidiaGpuDriverWindows / NvidiaGpuDriverLinux) is
    what runs on a device; the call waits until it is Succeeded or Failed (about 10 minutes on a device).
    -ProtectedSettings/-ProtectedSettingString are not supported by the GPU extension and are refused.

    .PARAMETER ResourceGroupName
    The resource group (position 0).

    .PARAMETER VMName
    The VM (position 1, alias ResourceName).

    .PARAMETER Name
    The extension name (alias ExtensionName).

    .PARAMETER Publisher
    Microsoft.HpcCompute.

    .PARAMETER ExtensionType
    NvidiaGpuDriverWindows or NvidiaGpuDriverLinux (alias Type).

    .PARAMETER TypeHandlerVersion
    1.5 (Windows) / 1.8 (Linux) on release 2205+, 1.3 before (aliases HandlerVersion, Version).

    .PARAMETER Settings
    Public settings (hashtable).

    .PARAMETER SettingString
    Public settings as JSON.

    .PARAMETER Location
    Accepted; DBELocal.

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    Set-AzVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1 -Name gpuLinux -Publisher Microsoft.HpcCompute -ExtensionType NvidiaGpuDriverLinux -TypeHandlerVersion 1.8

    .OUTPUTS
    PSAzureOperationResponse-like (RequestId, IsSuccessStatusCode, StatusCode, ReasonPhrase).
    #>
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'SettingsHashtable')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('ResourceName')]
        [ValidateNotNullOrEmpty()]
        [string]$VMName,

        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [Alias('ExtensionName')]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [string]$Publisher,

        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [Alias('Type')]
        [string]$ExtensionType,

        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('HandlerVersion', 'Version')]
        [string]$TypeHandlerVersion,

        [string]$Location,

        [Parameter(ParameterSetName = 'SettingsHashtable')]
        [hashtable]$Settings,

        [Parameter(ParameterSetName = 'SettingsHashtable')]
        [hashtable]$ProtectedSettings,

        [Parameter(ParameterSetName = 'SettingString')]
        [string]$SettingString,

        [Parameter(ParameterSetName = 'SettingString')]
        [string]$ProtectedSettingString,

        [switch]$DisableAutoUpgradeMinorVersion,
        [bool]$EnableAutomaticUpgrade,
        [string]$ForceRerun,
        [switch]$NoWait,
        [switch]$AsJob,
        [object]$DefaultProfile
    )
    process {
        Write-AseCompatIgnored -Bound $PSBoundParameters -Names @('Location', 'DisableAutoUpgradeMinorVersion', 'EnableAutomaticUpgrade', 'ForceRerun', 'NoWait', 'DefaultProfile')
        if ($ProtectedSettings -or $ProtectedSettingString) {
            $ex = New-Object System.NotSupportedException('Protected settings are not supported by the NVIDIA GPU extension on Azure Stack Edge.')
            $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord($ex, 'AseGpu.AzCompat.NotSupported', [System.Management.Automation.ErrorCategory]::NotImplemented, $Name)))
        }
        if ($SettingString) { $Settings = [AseGpu.AseJson]::ToHashtable($SettingString) }
        if (-not $PSCmdlet.ShouldProcess("$ResourceGroupName/$VMName", "Set extension $Name")) { return }
        $install = @{ ResourceGroupName = $ResourceGroupName; VMName = $VMName; Name = $Name; Publisher = $Publisher; ExtensionType = $ExtensionType; AsJob = $AsJob; Confirm = $false; ErrorAction = 'Stop' }
        if ($TypeHandlerVersion) { $install.TypeHandlerVersion = $TypeHandlerVersion }
        if ($null -ne $Settings) { $install.Settings = $Settings }
        $result = Install-AseGpuExtension @install
        if ($AsJob) { return $result }
        if ($null -ne $result) { ConvertTo-AseCompatOperationResponse -Result $result }
    }
}

function Get-AzVMExtension {
    <#
    .SYNOPSIS
    Gets a VM's extensions (Az-compatible front end of Get-AseVMExtension).

    .PARAMETER ResourceGroupName
    The resource group (position 0).

    .PARAMETER VMName
    The VM (position 1, alias ResourceName).

    .PARAMETER Name
    The extension (position 2, alias ExtensionName); all when omitted.

    .PARAMETER Status
    Accepted: Statuses are always included.

    .EXAMPLE
    Get-AzVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1 -Name gpuLinux

    .OUTPUTS
    PSVirtualMachineExtension-like (ResourceGroupName, VMName, Name, Publisher, ExtensionType, TypeHandlerVersion, ProvisioningState, Statuses...).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('ResourceName')]
        [ValidateNotNullOrEmpty()]
        [string]$VMName,

        [Parameter(Position = 2, ValueFromPipelineByPropertyName)]
        [Alias('ExtensionName')]
        [string]$Name,

        [switch]$Status,
        [object]$DefaultProfile
    )
    process {
        Write-AseCompatIgnored -Bound $PSBoundParameters -Names @('DefaultProfile')
        $get = @{ ResourceGroupName = $ResourceGroupName; VMName = $VMName }
        if ($Name) { $get.Name = $Name }
        foreach ($extension in @(Get-AseVMExtension @get)) { if ($null -ne $extension) { ConvertTo-AseCompatExtension -Extension $extension } }
    }
}

function Remove-AzVMExtension {
    <#
    .SYNOPSIS
    Removes an extension from a VM (Az-compatible front end of Remove-AseVMExtension).

    .PARAMETER ResourceGroupName
    The resource group.

    .PARAMETER VMName
    The VM (alias ResourceName).

    .PARAMETER Name
    The extension (alias ExtensionName).

    .PARAMETER Force
    Do not ask for confirmation.

    .EXAMPLE
    Remove-AzVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1 -Name gpuLinux -Force

    .OUTPUTS
    PSAzureOperationResponse-like.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('ResourceName')]
        [ValidateNotNullOrEmpty()]
        [string]$VMName,

        [Parameter(Mandatory, Position = 2, ValueFromPipelineByPropertyName)]
        [Alias('ExtensionName')]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [switch]$Force,
        [switch]$NoWait,
        [switch]$AsJob,
        [object]$DefaultProfile
    )
    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }
    process {
        Write-AseCompatIgnored -Bound $PSBoundParameters -Names @('NoWait', 'DefaultProfile')
        if (-not $PSCmdlet.ShouldProcess("$ResourceGroupName/$VMName/$Name", 'Remove VM extension')) { return }
        $result = Remove-AseVMExtension -ResourceGroupName $ResourceGroupName -VMName $VMName -Name $Name -Force -AsJob:$AsJob -Confirm:$false -ErrorAction Stop
        if ($AsJob) { return $result }
        ConvertTo-AseCompatOperationResponse
    }
}

Export-ModuleMember -Function @(
    'Add-AzEnvironment'
    'Connect-AzAccount'
    'New-AzResourceGroup'
    'Get-AzResourceGroup'
    'Remove-AzResourceGroup'
    'New-AzResourceGroupDeployment'
    'Get-AzVM'
    'Start-AzVM'
    'Stop-AzVM'
    'Remove-AzVM'
    'Set-AzVMExtension'
    'Get-AzVMExtension'
    'Remove-AzVMExtension'
)
