#Requires -Version 5.1
# AseGpu: Azure Stack Edge Pro GPU devices from PowerShell, over the asegpu native library.
# Windows PowerShell 5.1 and PowerShell 7+: keep to 5.1 syntax (no ternary, no null-coalescing).
Set-StrictMode -Version 3.0

$script:DefaultTenantId = 'c0257de7-538f-415c-993a-1b87a031879d'
$script:DefaultUser = 'EdgeArmUser'
$script:AseSession = $null
$script:AseContext = $null
$script:Environments = @{}
$script:LoadError = $null

# The precompiled binding (one assembly for .NET Framework and .NET); it finds the native library
# in runtimes/<rid>/native/ beside itself.
if (-not ('AseGpu.AseSession' -as [type])) {
    Add-Type -Path (Join-Path $PSScriptRoot 'AseGpu.Interop.dll')
}
try {
    [AseGpu.AseNative]::EnsureLoaded()
}
catch {
    $script:LoadError = $_.Exception
    Write-Warning ("AseGpu: the native library could not be loaded; cmdlets that reach a device will fail. " + $_.Exception.Message)
}

# ------------------------------------------------------------------------------------------------
# Private helpers
# ------------------------------------------------------------------------------------------------

function Get-AseErrorCategory {
    # Maps an AseGpu.AseStatus to an ErrorCategory.
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorCategory])]
    param(
        [Parameter(Mandatory)]
        [string]$Status
    )
    switch ($Status) {
        'NullArgument' { return [System.Management.Automation.ErrorCategory]::InvalidArgument }
        'InvalidUtf8' { return [System.Management.Automation.ErrorCategory]::InvalidArgument }
        'InvalidJson' { return [System.Management.Automation.ErrorCategory]::InvalidArgument }
        'InvalidArgument' { return [System.Management.Automation.ErrorCategory]::InvalidArgument }
        'Connection' { return [System.Management.Automation.ErrorCategory]::ConnectionError }
        'Tls' { return [System.Management.Automation.ErrorCategory]::SecurityError }
        'Timeout' { return [System.Management.Automation.ErrorCategory]::OperationTimeout }
        'Authentication' { return [System.Management.Automation.ErrorCategory]::AuthenticationError }
        'Authorization' { return [System.Management.Automation.ErrorCategory]::PermissionDenied }
        'NotFound' { return [System.Management.Automation.ErrorCategory]::ObjectNotFound }
        'Conflict' { return [System.Management.Automation.ErrorCategory]::ResourceBusy }
        'Throttled' { return [System.Management.Automation.ErrorCategory]::LimitsExceeded }
        'ArmRequest' { return [System.Management.Automation.ErrorCategory]::InvalidOperation }
        'Server' { return [System.Management.Automation.ErrorCategory]::ResourceUnavailable }
        'OperationFailed' { return [System.Management.Automation.ErrorCategory]::InvalidResult }
        'Protocol' { return [System.Management.Automation.ErrorCategory]::ProtocolError }
        'PreflightFailed' { return [System.Management.Automation.ErrorCategory]::InvalidOperation }
        'Cancelled' { return [System.Management.Automation.ErrorCategory]::OperationStopped }
        'Io' { return [System.Management.Automation.ErrorCategory]::ReadError }
        default { return [System.Management.Automation.ErrorCategory]::NotSpecified }
    }
}

function ConvertTo-AseErrorRecord {
    # Builds an ErrorRecord from any exception; AseGpuException details go into ErrorDetails.
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory)]
        [System.Exception]$Exception,

        [object]$TargetObject
    )
    $inner = $Exception
    while (($inner -is [System.AggregateException] -or $inner -is [System.Reflection.TargetInvocationException] -or
            $inner -is [System.Management.Automation.MethodInvocationException]) -and $null -ne $inner.InnerException) {
        $inner = $inner.InnerException
    }
    if ($inner -is [AseGpu.AseGpuException]) {
        $status = [string]$inner.Status
        $category = Get-AseErrorCategory -Status $status
        if ($null -eq $TargetObject) { $TargetObject = $inner.Target }
        $record = New-Object System.Management.Automation.ErrorRecord($inner, ('AseGpu.' + $status), $category, $TargetObject)
        $parts = @()
        if ($inner.ArmCode) { $parts += ('ARM code ' + $inner.ArmCode) }
        if ($inner.HttpStatus -ne 0) { $parts += ('HTTP ' + $inner.HttpStatus) }
        if ($inner.RequestId) { $parts += ('request id ' + $inner.RequestId) }
        if ($inner.CorrelationId) { $parts += ('correlation id ' + $inner.CorrelationId) }
        $message = $inner.Message
        if ($parts.Count -gt 0) { $message = $message + ' (' + ($parts -join ', ') + ')' }
        if ($inner.DetailsJson) { $message = $message + [System.Environment]::NewLine + 'Details: ' + $inner.DetailsJson }
        $record.ErrorDetails = New-Object System.Management.Automation.ErrorDetails($message)
        switch ($status) {
            'Authentication' { $record.ErrorDetails.RecommendedAction = 'Check the Edge ARM password and that the user is EdgeArmUser.' }
            'Tls' { $record.ErrorDetails.RecommendedAction = "Pass the device's root CA with -CaCertificate, or its certificate's SHA-256 thumbprint with -CertificateThumbprint." }
            'NotFound' { $record.ErrorDetails.RecommendedAction = 'Check the name (Get-AseResourceGroup lists what exists).' }
            'Connection' { $record.ErrorDetails.RecommendedAction = 'Check -ArmEndpoint, -DeviceIp/-HostMap (or the hosts file) and that the device is reachable.' }
            default { }
        }
        return $record
    }
    if ($inner -is [AseGpu.AseGpuLoadException]) {
        return New-Object System.Management.Automation.ErrorRecord($inner, 'AseGpu.NativeLibraryNotLoaded', [System.Management.Automation.ErrorCategory]::ResourceUnavailable, $inner.LibraryPath)
    }
    if ($inner -is [System.ObjectDisposedException]) {
        return New-Object System.Management.Automation.ErrorRecord($inner, 'AseGpu.NotConnected', [System.Management.Automation.ErrorCategory]::ConnectionError, $TargetObject)
    }
    return New-Object System.Management.Automation.ErrorRecord($inner, 'AseGpu.Unexpected', [System.Management.Automation.ErrorCategory]::NotSpecified, $TargetObject)
}

function Get-AseActiveSession {
    # The current session, or a terminating error through the calling cmdlet.
    [CmdletBinding()]
    [OutputType([AseGpu.AseSession])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet
    )
    if ($null -eq $script:AseSession -or $script:AseSession.IsDisposed) {
        $ex = New-Object System.InvalidOperationException('Not connected to a device. Run Connect-AseDevice first.')
        $record = New-Object System.Management.Automation.ErrorRecord($ex, 'AseGpu.NotConnected', [System.Management.Automation.ErrorCategory]::ConnectionError, $null)
        $Cmdlet.ThrowTerminatingError($record)
    }
    return $script:AseSession
}

function Invoke-AseOperation {
    # The one generic runner: waits for an AseGpu.AseOperation on the pipeline thread, turns its queued
    # progress events into Write-Progress, cancels the native call when the pipeline stops (Ctrl+C), and
    # reports a failure as an ErrorRecord (non-terminating unless -Terminating). Returns the result.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [AseGpu.AseOperation]$Operation,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,

        [string]$Activity,

        [object]$TargetObject,

        [int]$ProgressId = 1,

        [switch]$Terminating
    )
    if (-not $Activity) { $Activity = $Operation.Name }
    $showedProgress = $false
    $finished = $false
    try {
        while (-not $Operation.Wait(200)) {
            foreach ($ev in $Operation.DrainProgress()) {
                Write-AseProgressEvent -Activity $Activity -ProgressId $ProgressId -ProgressEvent $ev
                $showedProgress = $true
            }
        }
        foreach ($ev in $Operation.DrainProgress()) {
            Write-AseProgressEvent -Activity $Activity -ProgressId $ProgressId -ProgressEvent $ev
            $showedProgress = $true
        }
        $finished = $true
        try {
            return $Operation.GetResult()
        }
        catch {
            $record = ConvertTo-AseErrorRecord -Exception $_.Exception -TargetObject $TargetObject
            if ($Terminating) { $Cmdlet.ThrowTerminatingError($record) }
            $Cmdlet.WriteError($record)
        }
    }
    finally {
        if (-not $finished -and -not $Operation.IsCompleted) {
            # The pipeline is stopping (Ctrl+C) or an exception is unwinding: cancel the native call.
            $Operation.Cancel()
            $null = $Operation.Wait(5000)
        }
        if ($showedProgress) {
            Write-Progress -Activity $Activity -Id $ProgressId -Completed
        }
    }
}

function Write-AseProgressEvent {
    # One AseGpu.AseProgressEvent as Write-Progress (pipeline thread only).
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [string]$Activity,

        [int]$ProgressId = 1,

        [Parameter(Mandatory)]
        [AseGpu.AseProgressEvent]$ProgressEvent
    )
    $status = $ProgressEvent.Message
    if (-not $status) { $status = $ProgressEvent.Stage }
    if (-not $status) { $status = 'working' }
    $percent = -1
    if ($null -ne $ProgressEvent.Percent) { $percent = [int][Math]::Min(100, [Math]::Max(0, $ProgressEvent.Percent)) }
    Write-Progress -Activity $Activity -Status $status -Id $ProgressId -PercentComplete $percent -CurrentOperation $ProgressEvent.Stage
    Write-Verbose ('{0}: {1} ({2:N1} s)' -f $ProgressEvent.Stage, $ProgressEvent.Message, $ProgressEvent.ElapsedSeconds)
}

function ConvertTo-AseContext {
    # AseGpu.AseSessionInfo -> the object Connect-AseDevice and Get-AseContext output.
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)]
        [AseGpu.AseSessionInfo]$Info,

        [string]$EnvironmentName
    )
    $environment = $EnvironmentName
    if (-not $environment) { $environment = $Info.Environment }
    [pscustomobject]@{
        PSTypeName       = 'AseGpu.Context'
        Account          = $Info.Account
        SubscriptionName = $Info.SubscriptionName
        SubscriptionId   = $Info.SubscriptionId
        TenantId         = $Info.TenantId
        Environment      = $environment
        ArmEndpoint      = $Info.ArmEndpoint
        LoginEndpoint    = $Info.LoginEndpoint
        TlsVerification  = $Info.TlsVerification
    }
}

# ------------------------------------------------------------------------------------------------
# Public functions
# ------------------------------------------------------------------------------------------------

function Connect-AseDevice {
    <#
    .SYNOPSIS
    Connects to the local Azure Resource Manager of an Azure Stack Edge Pro GPU device.

    .DESCRIPTION
    Reads the device's ARM metadata, signs in to its AD FS as EdgeArmUser with the Edge ARM password and
    finds the device's single subscription. The connection is kept for the other AseGpu cmdlets until
    Disconnect-AseDevice. TLS is always verified: pass the device's root CA (-CaCertificate) or pin its
    certificate (-CertificateThumbprint). Host names can be mapped without editing the hosts file
    (-DeviceIp or -HostMap).

    .PARAMETER ArmEndpoint
    https://management.<device name>.<DNS domain>/ (a port may follow). -ARMEndpoint works too (parameter names are case-insensitive); alias ArmUrl.

    .PARAMETER EnvironmentName
    An environment registered with Add-AzEnvironment (AseGpu.AzCompat) instead of -ArmEndpoint.

    .PARAMETER Credential
    EdgeArmUser and the Edge ARM password. Prompted for when omitted.

    .PARAMETER TenantId
    The AD FS tenant; every device uses c0257de7-538f-415c-993a-1b87a031879d.

    .PARAMETER CaCertificate
    The device's root CA certificate file (PEM or DER .cer), as downloaded from its local web UI.

    .PARAMETER CertificateThumbprint
    SHA-256 thumbprint (hex) of the device's certificate: exactly that certificate is accepted.

    .PARAMETER DeviceIp
    The device's IP address, used for every *.<device>.<domain> host name.

    .PARAMETER HostMap
    Host name (or *.suffix) to IP address, instead of hosts-file entries.

    .PARAMETER SkipCertificateCheck
    Do not verify the device's TLS certificate at all. Dangerous: anyone on the path can read the password.

    .PARAMETER RequestTimeoutSeconds
    Timeout of one HTTP request (default 100).

    .EXAMPLE
    $cred = Get-Credential -UserName EdgeArmUser -Message 'Edge ARM password'
    Connect-AseDevice -ArmEndpoint https://management.dbe-1234.microsoftdatabox.com/ -Credential $cred -CaCertificate .\root.cer -DeviceIp 10.0.0.5

    .EXAMPLE
    Connect-AseDevice -ArmEndpoint https://management.dbe-1234.microsoftdatabox.com/ -Credential $cred -CertificateThumbprint 3F2A...9B

    .OUTPUTS
    AseGpu.Context (Account, SubscriptionName, TenantId, Environment), like Connect-AzAccount.
    #>
    [CmdletBinding(DefaultParameterSetName = 'ArmEndpoint')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'ArmEndpoint')]
        [Alias('ArmUrl')]
        [ValidateNotNullOrEmpty()]
        [string]$ArmEndpoint,

        [Parameter(Mandatory, ParameterSetName = 'Environment')]
        [Alias('Environment')]
        [ValidateNotNullOrEmpty()]
        [string]$EnvironmentName,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential = [System.Management.Automation.PSCredential]::Empty,

        [Alias('Tenant')]
        [string]$TenantId = $script:DefaultTenantId,

        [Alias('CaCertFile')]
        [string]$CaCertificate,

        [string]$CertificateThumbprint,

        [string]$DeviceIp,

        [hashtable]$HostMap,

        [switch]$SkipCertificateCheck,

        [ValidateRange(1, 3600)]
        [int]$RequestTimeoutSeconds
    )
    if ($PSCmdlet.ParameterSetName -eq 'Environment') {
        if (-not $script:Environments.ContainsKey($EnvironmentName)) {
            $ex = New-Object System.ArgumentException("Unknown environment '$EnvironmentName'. Register it with Add-AzEnvironment -Name $EnvironmentName -ARMEndpoint <url> (AseGpu.AzCompat).")
            $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord($ex, 'AseGpu.UnknownEnvironment', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $EnvironmentName)))
        }
        $ArmEndpoint = $script:Environments[$EnvironmentName].ResourceManagerUrl
    }
    if ($Credential -eq [System.Management.Automation.PSCredential]::Empty) {
        $Credential = Get-Credential -UserName $script:DefaultUser -Message 'Edge ARM password of the device'
        if ($null -eq $Credential) {
            $ex = New-Object System.ArgumentException('A credential is required.')
            $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord($ex, 'AseGpu.NoCredential', [System.Management.Automation.ErrorCategory]::InvalidArgument, $null)))
        }
    }
    if ($SkipCertificateCheck) {
        Write-Warning 'SkipCertificateCheck: the device''s TLS certificate will NOT be verified. Anyone on the network path can impersonate the device and capture the Edge ARM password. Use -CaCertificate or -CertificateThumbprint instead.'
    }

    $options = New-Object AseGpu.AseConnectOptions
    $options.ArmEndpoint = $ArmEndpoint
    $user = $Credential.UserName
    if ($user -like '*\*') { $user = $user.Split('\')[-1] }
    $options.Username = $user
    $options.TenantId = $TenantId
    if ($CaCertificate) { $options.CaCertFile = (Resolve-Path -LiteralPath $CaCertificate -ErrorAction Stop).ProviderPath }
    if ($CertificateThumbprint) { $options.CertificateThumbprint = $CertificateThumbprint }
    if ($SkipCertificateCheck) { $options.InsecureSkipTlsVerify = $true }
    if ($DeviceIp) { $options.DeviceIp = $DeviceIp }
    if ($HostMap) { $options.HostMap = $HostMap }
    if ($RequestTimeoutSeconds) { $options.RequestTimeoutSeconds = $RequestTimeoutSeconds }

    $operation = [AseGpu.AseSession]::StartConnect($options.ToJson(), $Credential.Password)
    $session = Invoke-AseOperation -Operation $operation -Cmdlet $PSCmdlet -Activity "Connecting to $ArmEndpoint" -TargetObject $ArmEndpoint -Terminating
    if ($null -ne $script:AseSession) { $script:AseSession.Dispose() }
    $script:AseSession = $session
    $script:AseContext = ConvertTo-AseContext -Info $session.Info() -EnvironmentName $EnvironmentName
    $script:AseContext
}

function Disconnect-AseDevice {
    <#
    .SYNOPSIS
    Disconnects from the device (forgets the sign-in; the password and tokens are zeroised).

    .EXAMPLE
    Disconnect-AseDevice
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param()
    if ($null -ne $script:AseSession) {
        $script:AseSession.Dispose()
        $script:AseSession = $null
    }
    $script:AseContext = $null
}

function Get-AseContext {
    <#
    .SYNOPSIS
    Shows what the current connection is signed in to (like Get-AzContext); nothing when not connected.

    .EXAMPLE
    Get-AseContext

    .EXAMPLE
    (Get-AseContext).SubscriptionId
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()
    if ($null -eq $script:AseSession -or $script:AseSession.IsDisposed) { return }
    try {
        $info = $script:AseSession.Info()
        ConvertTo-AseContext -Info $info -EnvironmentName $script:AseContext.Environment
    }
    catch {
        $PSCmdlet.WriteError((ConvertTo-AseErrorRecord -Exception $_.Exception))
    }
}

function New-AseResourceGroup {
    <#
    .SYNOPSIS
    Creates (or with -Force updates) a resource group on the device.

    .PARAMETER Name
    The resource group name (alias ResourceGroupName).

    .PARAMETER Location
    Always DBELocal on a device (the default).

    .PARAMETER Tag
    Tags as a hashtable (alias Tags).

    .PARAMETER Force
    Update an existing group without asking.

    .EXAMPLE
    New-AseResourceGroup -Name myasegpurg -Location DBELocal

    .EXAMPLE
    New-AseResourceGroup myasegpurg -Tag @{ owner = 'ml-team' } -WhatIf

    .OUTPUTS
    AseGpu.AseResourceGroup (ResourceGroupName, Location, ProvisioningState, Tags, ResourceId).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([AseGpu.AseResourceGroup])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('ResourceGroupName')]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [Parameter(Position = 1, ValueFromPipelineByPropertyName)]
        [string]$Location = 'DBELocal',

        [Alias('Tags')]
        [hashtable]$Tag,

        [switch]$Force
    )
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        if (-not $Force) {
            $existing = $null
            try { $existing = $session.GetResourceGroup($Name) } catch { $existing = $null }
            if ($null -ne $existing -and -not $PSCmdlet.ShouldContinue("Resource group '$Name' exists. Update it?", 'Update resource group')) {
                return
            }
        }
        if ($PSCmdlet.ShouldProcess($Name, "Create resource group in $Location")) {
            $operation = $session.StartNewResourceGroup($Name, $Location, $Tag)
            Invoke-AseOperation -Operation $operation -Cmdlet $PSCmdlet -Activity "Creating resource group '$Name'" -TargetObject $Name
        }
    }
}

function Get-AseResourceGroup {
    <#
    .SYNOPSIS
    Gets resource groups: all of them, one by name, or those matching a wildcard.

    .PARAMETER Name
    A name or wildcard pattern (alias ResourceGroupName). All groups when omitted.

    .PARAMETER Location
    Only groups in this location.

    .EXAMPLE
    Get-AseResourceGroup

    .EXAMPLE
    Get-AseResourceGroup -Name myasegpurg

    .EXAMPLE
    Get-AseResourceGroup -Name 'ml-*' | Remove-AseResourceGroup -Force

    .OUTPUTS
    AseGpu.AseResourceGroup
    #>
    [CmdletBinding()]
    [OutputType([AseGpu.AseResourceGroup])]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('ResourceGroupName')]
        [string]$Name,

        [string]$Location
    )
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        if ($Name -and -not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($Name)) {
            $operation = $session.StartGetResourceGroup($Name)
            $groups = @(Invoke-AseOperation -Operation $operation -Cmdlet $PSCmdlet -Activity "Getting resource group '$Name'" -TargetObject $Name)
        }
        else {
            $operation = $session.StartListResourceGroups()
            $groups = @(Invoke-AseOperation -Operation $operation -Cmdlet $PSCmdlet -Activity 'Listing resource groups')
            if ($Name) { $groups = @($groups | Where-Object { $_.Name -like $Name }) }
        }
        foreach ($group in $groups) {
            if ($null -eq $group) { continue }
            if ($Location -and $group.Location -ne $Location.Replace(' ', '')) { continue }
            $group
        }
    }
}

function Remove-AseResourceGroup {
    <#
    .SYNOPSIS
    Deletes a resource group and everything in it.

    .DESCRIPTION
    A long-running operation: progress is shown with Write-Progress, Ctrl+C cancels the wait (the
    deletion goes on on the device once accepted). Asks for confirmation unless -Force or -Confirm:$false.

    .PARAMETER Name
    The resource group name (alias ResourceGroupName); binds from the pipeline by property name.

    .PARAMETER Force
    Do not ask for confirmation.

    .PARAMETER AsJob
    Run in a background thread job (Start-ThreadJob; ThreadJob module on Windows PowerShell 5.1).

    .PARAMETER PassThru
    Output $true when the group was deleted.

    .EXAMPLE
    Remove-AseResourceGroup -Name myasegpurg

    .EXAMPLE
    Get-AseResourceGroup -Name 'test-*' | Remove-AseResourceGroup -Force

    .EXAMPLE
    $job = Remove-AseResourceGroup -Name myasegpurg -Force -AsJob; $job | Wait-Job | Receive-Job
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType([bool], [System.Management.Automation.Job])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('ResourceGroupName')]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [switch]$Force,

        [switch]$AsJob,

        [switch]$PassThru
    )
    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        if (-not $PSCmdlet.ShouldProcess($Name, 'Remove resource group and every resource in it')) { return }
        if ($AsJob) {
            if (-not (Get-Command -Name Start-ThreadJob -ErrorAction SilentlyContinue)) {
                $ex = New-Object System.NotSupportedException('-AsJob needs Start-ThreadJob (PowerShell 7, or Install-Module ThreadJob on Windows PowerShell 5.1): the device connection cannot cross into a Start-Job process.')
                $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord($ex, 'AseGpu.ThreadJobMissing', [System.Management.Automation.ErrorCategory]::NotInstalled, $Name)))
            }
            $job = Start-ThreadJob -Name "Remove-AseResourceGroup $Name" -ArgumentList $session, $Name -ScriptBlock {
                param($jobSession, $groupName)
                $jobOperation = $jobSession.StartRemoveResourceGroup($groupName)
                while (-not $jobOperation.Wait(200)) {
                    foreach ($jobEvent in $jobOperation.DrainProgress()) {
                        Write-Progress -Activity "Removing resource group '$groupName'" -Status $jobEvent.Message
                    }
                }
                $null = $jobOperation.GetResult()
                $true
            }
            return $job
        }
        $operation = $session.StartRemoveResourceGroup($Name)
        $null = Invoke-AseOperation -Operation $operation -Cmdlet $PSCmdlet -Activity "Removing resource group '$Name'" -TargetObject $Name
        if ($PassThru -and $operation.Task.Status -eq [System.Threading.Tasks.TaskStatus]::RanToCompletion) { $true }
    }
}

Export-ModuleMember -Function @(
    'Connect-AseDevice'
    'Disconnect-AseDevice'
    'Get-AseContext'
    'New-AseResourceGroup'
    'Get-AseResourceGroup'
    'Remove-AseResourceGroup'
)
