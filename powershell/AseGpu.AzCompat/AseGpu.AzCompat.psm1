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
            $aseModule = Get-Module -Name AseGpu
            & $aseModule { param($n, $e) $script:Environments[$n] = $e } $Name $environment
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

Export-ModuleMember -Function @(
    'Add-AzEnvironment'
    'Connect-AzAccount'
    'New-AzResourceGroup'
    'Get-AzResourceGroup'
    'Remove-AzResourceGroup'
)
