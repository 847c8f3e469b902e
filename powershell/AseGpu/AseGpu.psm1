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

function Test-AseThreadJob {
    # -AsJob needs Start-ThreadJob: a device connection (native handle) cannot cross into a Start-Job process.
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,

        [object]$TargetObject
    )
    if (-not (Get-Command -Name Start-ThreadJob -ErrorAction SilentlyContinue)) {
        $ex = New-Object System.NotSupportedException('-AsJob needs Start-ThreadJob (PowerShell 7, or Install-Module ThreadJob on Windows PowerShell 5.1): the device connection cannot cross into a Start-Job process.')
        $Cmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord($ex, 'AseGpu.ThreadJobMissing', [System.Management.Automation.ErrorCategory]::NotInstalled, $TargetObject)))
    }
}

function Invoke-AseSessionMethod {
    # Runs AseSession.<Method>(<Arguments>) (a Start* method returning an AseGpu.AseOperation): waits on
    # the pipeline thread with Write-Progress (Invoke-AseOperation), or with -AsJob returns a thread job
    # that does the same and outputs the result. Returns the result (or the job).
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,

        [Parameter(Mandatory)]
        [AseGpu.AseSession]$Session,

        [Parameter(Mandatory)]
        [string]$Method,

        [object[]]$Arguments = @(),

        [Parameter(Mandatory)]
        [string]$Activity,

        [object]$TargetObject,

        [switch]$AsJob
    )
    if ($AsJob) {
        Test-AseThreadJob -Cmdlet $Cmdlet -TargetObject $TargetObject
        return Start-ThreadJob -Name $Activity -ArgumentList $Session, $Method, $Arguments, $Activity -ScriptBlock {
            param($jobSession, $jobMethod, $jobArguments, $jobActivity)
            $jobOperation = $jobSession.$jobMethod.Invoke($jobArguments)
            while (-not $jobOperation.Wait(200)) {
                foreach ($jobEvent in $jobOperation.DrainProgress()) {
                    Write-Progress -Activity $jobActivity -Status $jobEvent.Message
                }
            }
            $jobOperation.GetResult()
        }
    }
    $operation = $Session.$Method.Invoke($Arguments)
    Invoke-AseOperation -Operation $operation -Cmdlet $Cmdlet -Activity $Activity -TargetObject $TargetObject
}

function Resolve-AseFilePath {
    # A PowerShell path (relative to $PWD, PSDrives) as a full file-system path for the native library.
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,

        [Parameter(Mandatory)]
        [string]$Path
    )
    try {
        return (Resolve-Path -LiteralPath $Path -ErrorAction Stop).ProviderPath
    }
    catch {
        $ex = New-Object System.IO.FileNotFoundException("File not found: $Path", $Path)
        $Cmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord($ex, 'AseGpu.FileNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $Path)))
    }
}

function ConvertTo-AseDeploymentRequest {
    # The AseGpu.AseDeploymentRequest of -TemplateFile/-TemplateParameterFile/-TemplateParameterObject.
    [CmdletBinding()]
    [OutputType([AseGpu.AseDeploymentRequest])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,

        [string]$ResourceGroupName,
        [string]$Name,
        [string]$TemplateFile,
        [string]$TemplateParameterFile,
        [hashtable]$TemplateParameterObject,
        [switch]$Force
    )
    $request = New-Object AseGpu.AseDeploymentRequest
    $request.ResourceGroupName = $ResourceGroupName
    if ($Name) { $request.Name = $Name }
    if ($TemplateFile) { $request.TemplateFile = Resolve-AseFilePath -Cmdlet $Cmdlet -Path $TemplateFile }
    if ($TemplateParameterFile) { $request.TemplateParameterFile = Resolve-AseFilePath -Cmdlet $Cmdlet -Path $TemplateParameterFile }
    if ($TemplateParameterObject) { $request.Parameters = $TemplateParameterObject }
    $request.Force = [bool]$Force
    $request
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

    .PARAMETER GpuCount
    Device fact ARM does not expose: the number of GPUs (1 or 2, from the device's local web UI).

    .PARAMETER GpuModel
    Device fact: T4 or A2 (otherwise inferred from the GPU VM sizes the device offers).

    .PARAMETER KubernetesConfigured
    Device fact: whether Kubernetes is configured ($true/$false). Kubernetes claims every GPU free when it is configured.

    .PARAMETER KubernetesGpus
    Device fact: how many GPUs Kubernetes holds, when known.

    .PARAMETER DeviceRelease
    Device fact: the software release, e.g. 2309 (decides the GPU extension version). Alias Release.

    .EXAMPLE
    $cred = Get-Credential -UserName EdgeArmUser -Message 'Edge ARM password'
    Connect-AseDevice -ArmEndpoint https://management.dbe-1234.microsoftdatabox.com/ -Credential $cred -CaCertificate .\root.cer -DeviceIp 10.0.0.5

    .EXAMPLE
    Connect-AseDevice -ArmEndpoint https://management.dbe-1234.microsoftdatabox.com/ -Credential $cred -CertificateThumbprint 3F2A...9B

    .EXAMPLE
    Connect-AseDevice -ArmEndpoint https://management.dbe-1234.microsoftdatabox.com/ -Credential $cred -CaCertificate .\root.cer -GpuCount 2 -KubernetesConfigured $false -DeviceRelease 2309

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
        [int]$RequestTimeoutSeconds,

        [ValidateSet(1, 2)]
        [int]$GpuCount,

        [ValidateSet('T4', 'A2')]
        [string]$GpuModel,

        [bool]$KubernetesConfigured,

        [ValidateRange(0, 2)]
        [int]$KubernetesGpus,

        [Alias('Release')]
        [string]$DeviceRelease
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
    if ($PSBoundParameters.ContainsKey('GpuCount')) { $options.GpuCount = $GpuCount }
    if ($GpuModel) { $options.GpuModel = $GpuModel }
    if ($PSBoundParameters.ContainsKey('KubernetesConfigured')) { $options.KubernetesConfigured = $KubernetesConfigured }
    if ($PSBoundParameters.ContainsKey('KubernetesGpus')) { $options.KubernetesGpus = $KubernetesGpus }
    if ($DeviceRelease) { $options.DeviceRelease = $DeviceRelease }

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

function Get-AseGpuAvailability {
    <#
    .SYNOPSIS
    Shows the device's GPUs, the GPU VMs holding them, Kubernetes, and how many GPUs are free.

    .DESCRIPTION
    ARM shows the VMs, their sizes and power states and (through the GPU sizes offered) the GPU model.
    The GPU count and whether Kubernetes is configured are not exposed by ARM: pass them to
    Connect-AseDevice (-GpuCount, -KubernetesConfigured); the *Source properties and Notes say where
    each fact came from.

    .EXAMPLE
    Get-AseGpuAvailability

    .EXAMPLE
    (Get-AseGpuAvailability).FreeGpus

    .OUTPUTS
    AseGpu.AseGpuReport (GpuModel, GpuCount, KubernetesConfigured, GpuVms, GpusHeldByVms, GpusClaimedByKubernetes, FreeGpus, Notes).
    #>
    [CmdletBinding()]
    [OutputType([AseGpu.AseGpuReport])]
    param()
    $session = Get-AseActiveSession -Cmdlet $PSCmdlet
    Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartGetGpuAvailability' -Activity 'Reading GPU availability'
}

function Test-AseGpuDeployment {
    <#
    .SYNOPSIS
    Preflight: says whether a GPU VM deployment will succeed, and if not, why and what to do.

    .DESCRIPTION
    Checks a template deployment (-TemplateFile, -TemplateParameterFile, -TemplateParameterObject) or a
    number of VMs of one size (-VMSize, -Count) against the device: sizes, GPU model, free GPUs,
    Kubernetes, images, static IP addresses. Nothing is created. A failing verdict is not an error:
    the report has Ok = $false and Findings with causes and fixes (error findings are also written as warnings).

    .PARAMETER ResourceGroupName
    The resource group the template would be deployed to.

    .PARAMETER TemplateFile
    The ARM template (e.g. CreateVM.json).

    .PARAMETER TemplateParameterFile
    Its parameter file (e.g. CreateVM.parameters.json).

    .PARAMETER TemplateParameterObject
    Parameter values that override the parameter file's (hashtable).

    .PARAMETER VMSize
    A VM size, without a template (e.g. Standard_NC4as_T4_v3).

    .PARAMETER Count
    How many VMs of -VMSize (default 1).

    .EXAMPLE
    Test-AseGpuDeployment -VMSize Standard_NC4as_T4_v3

    .EXAMPLE
    Test-AseGpuDeployment -ResourceGroupName myasegpurg -TemplateFile .\CreateVM.json -TemplateParameterFile .\CreateVM.parameters.json -TemplateParameterObject @{ vmSize = 'Standard_NC4as_T4_v3' }

    .EXAMPLE
    (Test-AseGpuDeployment -VMSize Standard_NC4as_T4_v3 -Count 2).Findings | Format-Table Severity, Code, Fix

    .OUTPUTS
    AseGpu.AsePreflightReport (Ok, Verdict, GpusNeeded, Findings, Planned, Availability).
    #>
    [CmdletBinding(DefaultParameterSetName = 'Template')]
    [OutputType([AseGpu.AsePreflightReport])]
    param(
        [Parameter(ParameterSetName = 'Template', ValueFromPipelineByPropertyName)]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, ParameterSetName = 'Template')]
        [ValidateNotNullOrEmpty()]
        [string]$TemplateFile,

        [Parameter(ParameterSetName = 'Template')]
        [string]$TemplateParameterFile,

        [Parameter(ParameterSetName = 'Template')]
        [hashtable]$TemplateParameterObject,

        [Parameter(Mandatory, ParameterSetName = 'Size')]
        [Alias('Size')]
        [ValidateNotNullOrEmpty()]
        [string]$VMSize,

        [Parameter(ParameterSetName = 'Size')]
        [ValidateRange(1, 64)]
        [int]$Count = 1
    )
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        if ($PSCmdlet.ParameterSetName -eq 'Size') {
            $report = Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartTestVmSize' -Arguments @($VMSize, $Count) -Activity "Preflight of $Count x $VMSize" -TargetObject $VMSize
        }
        else {
            $request = ConvertTo-AseDeploymentRequest -Cmdlet $PSCmdlet -ResourceGroupName $ResourceGroupName -TemplateFile $TemplateFile -TemplateParameterFile $TemplateParameterFile -TemplateParameterObject $TemplateParameterObject
            $report = Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartTestDeployment' -Arguments @($request) -Activity "Preflight of $TemplateFile" -TargetObject $TemplateFile
        }
        if ($null -eq $report) { return }
        foreach ($finding in $report.Findings) {
            if ($finding.Severity -eq 'error') { Write-Warning ('{0}: {1} Fix: {2}' -f $finding.Code, $finding.Message, $finding.Fix) }
        }
        $report
    }
}

function New-AseResourceGroupDeployment {
    <#
    .SYNOPSIS
    Deploys an ARM template (e.g. the device's CreateVM.json) to a resource group, after a GPU preflight.

    .DESCRIPTION
    Runs the preflight first (Test-AseGpuDeployment) and refuses a deployment that would fail (for example
    when Kubernetes holds the GPUs) unless -Force. Then deploys and waits, showing progress; Ctrl+C stops
    waiting (what the device accepted goes on there). The result has the PSResourceGroupDeployment
    properties (DeploymentName, ResourceGroupName, ProvisioningState, Timestamp, Mode, Parameters, Outputs)
    plus the VMs and their IP addresses.

    .PARAMETER ResourceGroupName
    The target resource group.

    .PARAMETER TemplateFile
    The template file.

    .PARAMETER TemplateParameterFile
    The parameter file.

    .PARAMETER TemplateParameterObject
    Parameter values overriding the parameter file's (hashtable).

    .PARAMETER Name
    The deployment name (alias DeploymentName; default: the template file's name).

    .PARAMETER Force
    Deploy even when the preflight says it will fail.

    .PARAMETER AsJob
    Run in a thread job (Start-ThreadJob).

    .EXAMPLE
    New-AseResourceGroupDeployment -ResourceGroupName myasegpurg -TemplateFile .\CreateVM.json -TemplateParameterFile .\CreateVM.parameters.json -Name gpuvm1

    .EXAMPLE
    New-AseResourceGroupDeployment -ResourceGroupName myasegpurg -TemplateFile .\CreateVM.json -TemplateParameterFile .\CreateVM.parameters.json -TemplateParameterObject @{ vmSize = 'Standard_NC4as_T4_v3'; vnetRG = 'ASERG' } -AsJob

    .OUTPUTS
    AseGpu.AseDeploymentResult
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([AseGpu.AseDeploymentResult], [System.Management.Automation.Job])]
    param(
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [Parameter(Mandatory)]
        [ValidateNotNullOrEmpty()]
        [string]$TemplateFile,

        [string]$TemplateParameterFile,

        [hashtable]$TemplateParameterObject,

        [Alias('DeploymentName')]
        [string]$Name,

        [switch]$Force,

        [switch]$AsJob
    )
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        $request = ConvertTo-AseDeploymentRequest -Cmdlet $PSCmdlet -ResourceGroupName $ResourceGroupName -Name $Name -TemplateFile $TemplateFile -TemplateParameterFile $TemplateParameterFile -TemplateParameterObject $TemplateParameterObject -Force:$Force
        $what = Split-Path -Leaf $TemplateFile
        if (-not $PSCmdlet.ShouldProcess($ResourceGroupName, "Deploy template $what")) { return }
        Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartNewDeployment' -Arguments @($request) -Activity "Deploying $what to '$ResourceGroupName'" -TargetObject $ResourceGroupName -AsJob:$AsJob
    }
}

function New-AseGpuVM {
    <#
    .SYNOPSIS
    Creates a GPU VM (network interface + VM) without a template, after the GPU preflight.

    .PARAMETER ResourceGroupName
    The resource group (the image must be in it, unless -Image is an image resource id).

    .PARAMETER Name
    The VM name.

    .PARAMETER Image
    Image name or resource id.

    .PARAMETER Size
    VM size (default Standard_NC4as_T4_v3; A2 devices: Standard_NC4as_A2 sizes). Alias VMSize.

    .PARAMETER VirtualNetworkName
    Default ASEVNET.

    .PARAMETER VirtualNetworkResourceGroupName
    Default ASERG.

    .PARAMETER SubnetName
    Default ASEVNETsubNet.

    .PARAMETER PrivateIpAddress
    A static IP address in the compute network (dynamic when omitted).

    .PARAMETER Credential
    The VM's admin user name and password.

    .PARAMETER Force
    Create even when the preflight says it will fail.

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    New-AseGpuVM -ResourceGroupName myasegpurg -Name gpuvm1 -Image myaselinuximg -Credential (Get-Credential -UserName Administrator)

    .EXAMPLE
    New-AseGpuVM -ResourceGroupName myasegpurg -Name gpuvm2 -Image myaselinuximg -Size Standard_NC8as_T4_v3 -PrivateIpAddress 10.57.48.20 -Credential $vmCred -WhatIf

    .OUTPUTS
    AseGpu.AseVmView
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([AseGpu.AseVmView], [System.Management.Automation.Job])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('VMName')]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [Parameter(Mandatory)]
        [Alias('ImageName')]
        [ValidateNotNullOrEmpty()]
        [string]$Image,

        [Alias('VMSize')]
        [string]$Size = 'Standard_NC4as_T4_v3',

        [Alias('VnetName')]
        [string]$VirtualNetworkName,

        [Alias('VnetResourceGroupName')]
        [string]$VirtualNetworkResourceGroupName,

        [string]$SubnetName,

        [string]$PrivateIpAddress,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential = [System.Management.Automation.PSCredential]::Empty,

        [switch]$Force,

        [switch]$AsJob
    )
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        if (-not $PSCmdlet.ShouldProcess("$ResourceGroupName/$Name", "Create $Size VM from image $Image")) { return }
        if ($Credential -eq [System.Management.Automation.PSCredential]::Empty) {
            $Credential = Get-Credential -UserName 'Administrator' -Message "Admin user and password of VM '$Name'"
            if ($null -eq $Credential) {
                $ex = New-Object System.ArgumentException('The VM needs an admin credential.')
                $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord($ex, 'AseGpu.NoCredential', [System.Management.Automation.ErrorCategory]::InvalidArgument, $Name)))
            }
        }
        $request = New-Object AseGpu.AseVmRequest
        $request.ResourceGroupName = $ResourceGroupName
        $request.Name = $Name
        $request.Image = $Image
        $request.VmSize = $Size
        $request.VnetName = $VirtualNetworkName
        $request.VnetResourceGroup = $VirtualNetworkResourceGroupName
        $request.SubnetName = $SubnetName
        $request.PrivateIpAddress = $PrivateIpAddress
        $request.AdminUsername = $Credential.UserName.TrimStart('\')
        $request.Force = [bool]$Force
        Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartNewVm' -Arguments @($request, $Credential.Password) -Activity "Creating VM '$Name'" -TargetObject $Name -AsJob:$AsJob
    }
}

function Get-AseVM {
    <#
    .SYNOPSIS
    Gets VMs: of the device, of a resource group, or one by name (wildcards allowed).

    .PARAMETER ResourceGroupName
    Only VMs of this resource group.

    .PARAMETER Name
    A VM name or wildcard (aliases ResourceName, VMName).

    .PARAMETER Status
    Output the instance view (Statuses with PowerState/..., extensions) as Get-AzVM -Status does.

    .EXAMPLE
    Get-AseVM

    .EXAMPLE
    Get-AseVM -ResourceGroupName myasegpurg -Name gpuvm1 -Status

    .EXAMPLE
    Get-AseVM -ResourceGroupName myasegpurg | Where-Object Gpus -gt 0 | Stop-AseVM -StayProvisioned -Force

    .OUTPUTS
    AseGpu.AseVmView, or AseGpu.VMStatus with -Status.
    #>
    [CmdletBinding()]
    [OutputType([AseGpu.AseVmView], [pscustomobject])]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [string]$ResourceGroupName,

        [Parameter(Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('ResourceName', 'VMName')]
        [string]$Name,

        [switch]$Status
    )
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        if ($ResourceGroupName -and $Name -and -not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($Name)) {
            $vms = @(Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartGetVm' -Arguments @($ResourceGroupName, $Name) -Activity "Getting VM '$Name'" -TargetObject $Name)
        }
        else {
            $group = $null
            if ($ResourceGroupName) { $group = $ResourceGroupName }
            $vms = @(Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartListVms' -Arguments @($group) -Activity 'Listing VMs')
            if ($Name) { $vms = @($vms | Where-Object { $_.Name -like $Name }) }
        }
        foreach ($vm in $vms) {
            if ($null -eq $vm) { continue }
            if (-not $Status) { $vm; continue }
            $extensions = @()
            try { $extensions = @($session.ListVmExtensions($vm.ResourceGroupName, $vm.Name)) } catch { $extensions = @() }
            [pscustomobject]@{
                PSTypeName         = 'AseGpu.VMStatus'
                ResourceGroupName  = $vm.ResourceGroupName
                Name               = $vm.Name
                PowerState         = $vm.PowerStateDisplay
                ProvisioningState  = $vm.ProvisioningState
                Statuses           = $vm.Statuses
                Extensions         = $extensions
                PrivateIpAddresses = $vm.PrivateIpAddresses
                VmSize             = $vm.VmSize
                Gpus               = $vm.Gpus
            }
        }
    }
}

function Start-AseVM {
    <#
    .SYNOPSIS
    Starts a VM (waits until it runs).

    .PARAMETER ResourceGroupName
    The resource group.

    .PARAMETER Name
    The VM (aliases ResourceName, VMName); binds from Get-AseVM output.

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    Start-AseVM -ResourceGroupName myasegpurg -Name gpuvm1

    .EXAMPLE
    Get-AseVM -ResourceGroupName myasegpurg | Start-AseVM -AsJob

    .OUTPUTS
    AseGpu.AseVmView (the VM afterwards).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([AseGpu.AseVmView], [System.Management.Automation.Job])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('ResourceName', 'VMName')]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [switch]$AsJob
    )
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        if (-not $PSCmdlet.ShouldProcess("$ResourceGroupName/$Name", 'Start VM')) { return }
        Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartSetVmPowerState' -Arguments @($ResourceGroupName, $Name, 'start') -Activity "Starting VM '$Name'" -TargetObject $Name -AsJob:$AsJob
    }
}

function Stop-AseVM {
    <#
    .SYNOPSIS
    Stops a VM: deallocates it (as Stop-AzVM), or with -StayProvisioned powers it off keeping its GPU.

    .DESCRIPTION
    A deallocated GPU VM releases its GPU; if Kubernetes is configured it may take the GPU, and the VM
    then cannot start again. Use -StayProvisioned for GPU VMs you want to start again. Asks for
    confirmation unless -Force.

    .PARAMETER ResourceGroupName
    The resource group.

    .PARAMETER Name
    The VM (aliases ResourceName, VMName).

    .PARAMETER StayProvisioned
    Power off but keep the VM's resources (its GPU): powerOff instead of deallocate.

    .PARAMETER Force
    Do not ask for confirmation.

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    Stop-AseVM -ResourceGroupName myasegpurg -Name gpuvm1 -StayProvisioned -Force

    .EXAMPLE
    Get-AseVM -ResourceGroupName myasegpurg | Stop-AseVM -Force

    .OUTPUTS
    AseGpu.AseVmView
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType([AseGpu.AseVmView], [System.Management.Automation.Job])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('ResourceName', 'VMName')]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [switch]$StayProvisioned,

        [switch]$Force,

        [switch]$AsJob
    )
    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        $action = 'deallocate'
        $what = 'Stop and deallocate VM (its GPU is released)'
        if ($StayProvisioned) { $action = 'stop'; $what = 'Power off VM, staying provisioned (keeps its GPU)' }
        if (-not $PSCmdlet.ShouldProcess("$ResourceGroupName/$Name", $what)) { return }
        Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartSetVmPowerState' -Arguments @($ResourceGroupName, $Name, $action) -Activity "Stopping VM '$Name'" -TargetObject $Name -AsJob:$AsJob
    }
}

function Restart-AseVM {
    <#
    .SYNOPSIS
    Restarts a running VM.

    .PARAMETER ResourceGroupName
    The resource group.

    .PARAMETER Name
    The VM (aliases ResourceName, VMName).

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    Restart-AseVM -ResourceGroupName myasegpurg -Name gpuvm1

    .OUTPUTS
    AseGpu.AseVmView
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([AseGpu.AseVmView], [System.Management.Automation.Job])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('ResourceName', 'VMName')]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [switch]$AsJob
    )
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        if (-not $PSCmdlet.ShouldProcess("$ResourceGroupName/$Name", 'Restart VM')) { return }
        Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartSetVmPowerState' -Arguments @($ResourceGroupName, $Name, 'restart') -Activity "Restarting VM '$Name'" -TargetObject $Name -AsJob:$AsJob
    }
}

function Remove-AseVM {
    <#
    .SYNOPSIS
    Deletes a VM.

    .PARAMETER ResourceGroupName
    The resource group.

    .PARAMETER Name
    The VM (aliases ResourceName, VMName).

    .PARAMETER Force
    Do not ask for confirmation.

    .PARAMETER AsJob
    Run in a thread job.

    .PARAMETER PassThru
    Output $true when deleted.

    .EXAMPLE
    Remove-AseVM -ResourceGroupName myasegpurg -Name gpuvm1 -Force

    .EXAMPLE
    Get-AseVM -ResourceGroupName test -Name 'tmp-*' | Remove-AseVM -WhatIf

    .OUTPUTS
    None, or $true with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType([bool], [System.Management.Automation.Job])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('ResourceName', 'VMName')]
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
        if (-not $PSCmdlet.ShouldProcess("$ResourceGroupName/$Name", 'Remove VM')) { return }
        $result = Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartRemoveVm' -Arguments @($ResourceGroupName, $Name) -Activity "Removing VM '$Name'" -TargetObject $Name -AsJob:$AsJob
        if ($AsJob -or $PassThru) { $result }
    }
}

function Install-AseGpuExtension {
    <#
    .SYNOPSIS
    Installs the NVIDIA GPU driver extension on a GPU VM and waits until it succeeds or fails.

    .DESCRIPTION
    Only the VM is required: publisher (Microsoft.HpcCompute), type (NvidiaGpuDriverWindows/Linux) and
    version (1.5/1.8 for device release 2205 and later, 1.3 before) are chosen from the VM's OS and the
    device release (-Release, else Connect-AseDevice -DeviceRelease). A VM of a non-GPU size is refused
    before anything is sent. The install takes about 10 minutes on a device.

    .PARAMETER ResourceGroupName
    The resource group.

    .PARAMETER VMName
    The VM (alias ResourceName).

    .PARAMETER Name
    The extension name (alias ExtensionName).

    .PARAMETER Publisher
    Default Microsoft.HpcCompute.

    .PARAMETER ExtensionType
    NvidiaGpuDriverWindows or NvidiaGpuDriverLinux (alias Type).

    .PARAMETER TypeHandlerVersion
    Aliases HandlerVersion, Version.

    .PARAMETER Settings
    Public settings (Windows: DriverURL, DriverCertificateUrl, DriverType).

    .PARAMETER Release
    The device software release, e.g. 2309.

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    Install-AseGpuExtension -ResourceGroupName myasegpurg -VMName gpuvm1

    .EXAMPLE
    Get-AseVM -ResourceGroupName myasegpurg -Name gpuvm1 | Install-AseGpuExtension -Release 2309 -AsJob

    .OUTPUTS
    AseGpu.AseExtensionView (the installed extension; warnings are written as warnings).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([AseGpu.AseExtensionView], [System.Management.Automation.Job])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('ResourceName')]
        [ValidateNotNullOrEmpty()]
        [string]$VMName,

        [Alias('ExtensionName')]
        [string]$Name,

        [string]$Publisher,

        [Alias('Type')]
        [string]$ExtensionType,

        [Alias('HandlerVersion', 'Version')]
        [string]$TypeHandlerVersion,

        [hashtable]$Settings,

        [string]$Release,

        [switch]$AsJob
    )
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        if (-not $PSCmdlet.ShouldProcess("$ResourceGroupName/$VMName", 'Install the NVIDIA GPU extension')) { return }
        $request = New-Object AseGpu.AseGpuExtensionRequest
        $request.ResourceGroupName = $ResourceGroupName
        $request.VmName = $VMName
        $request.Name = $Name
        $request.Publisher = $Publisher
        $request.ExtensionType = $ExtensionType
        $request.TypeHandlerVersion = $TypeHandlerVersion
        if ($null -ne $Settings) { $request.Settings = $Settings }
        $request.Release = $Release
        $result = Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartInstallGpuExtension' -Arguments @($request) -Activity "Installing the GPU extension on '$VMName'" -TargetObject $VMName -AsJob:$AsJob
        if ($AsJob -or $null -eq $result) { return $result }
        foreach ($warning in $result.Warnings) { Write-Warning $warning }
        $result.Extension
    }
}

function Get-AseVMExtension {
    <#
    .SYNOPSIS
    Gets a VM's extensions, or one by name, with provisioning state and instance-view statuses.

    .PARAMETER ResourceGroupName
    The resource group.

    .PARAMETER VMName
    The VM (alias ResourceName).

    .PARAMETER Name
    The extension (alias ExtensionName); all when omitted.

    .EXAMPLE
    Get-AseVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1

    .EXAMPLE
    Get-AseVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1 -Name gpuLinux | Select-Object ProvisioningState, Statuses

    .OUTPUTS
    AseGpu.AseExtensionView
    #>
    [CmdletBinding()]
    [OutputType([AseGpu.AseExtensionView])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('ResourceName')]
        [ValidateNotNullOrEmpty()]
        [string]$VMName,

        [Parameter(Position = 2)]
        [Alias('ExtensionName')]
        [string]$Name
    )
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        $extensionName = $null
        if ($Name) { $extensionName = $Name }
        $extensions = Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartGetVmExtension' -Arguments @($ResourceGroupName, $VMName, $extensionName) -Activity "Getting extensions of '$VMName'" -TargetObject $VMName
        foreach ($extension in @($extensions)) { if ($null -ne $extension) { $extension } }
    }
}

function Remove-AseVMExtension {
    <#
    .SYNOPSIS
    Removes an extension from a VM (the portal cannot remove the GPU extension; this can).

    .PARAMETER ResourceGroupName
    The resource group.

    .PARAMETER VMName
    The VM (alias ResourceName).

    .PARAMETER Name
    The extension (alias ExtensionName).

    .PARAMETER Force
    Do not ask for confirmation.

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    Remove-AseVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1 -Name gpuLinux -Force

    .EXAMPLE
    Get-AseVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1 | Remove-AseVMExtension -WhatIf
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType([bool], [System.Management.Automation.Job])]
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

        [switch]$AsJob
    )
    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        if (-not $PSCmdlet.ShouldProcess("$ResourceGroupName/$VMName/$Name", 'Remove VM extension')) { return }
        $result = Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartRemoveVmExtension' -Arguments @($ResourceGroupName, $VMName, $Name) -Activity "Removing extension '$Name' from '$VMName'" -TargetObject $Name -AsJob:$AsJob
        if ($AsJob) { $result }
    }
}

function Suspend-AseGpuVMsForUpdate {
    <#
    .SYNOPSIS
    Before a device update: stops every running GPU VM staying provisioned (they keep their GPUs).

    .DESCRIPTION
    Writes the record of which VMs were stopped to -Path (JSON), or outputs it; pass it to
    Resume-AseGpuVMsAfterUpdate after the update.

    .PARAMETER Path
    Where to write the record (JSON). Without it the record is output.

    .PARAMETER Force
    Do not ask for confirmation.

    .PARAMETER AsJob
    Run in a thread job (outputs the record).

    .EXAMPLE
    Suspend-AseGpuVMsForUpdate -Path .\gpu-vms-before-update.json -Force

    .EXAMPLE
    $updateRecord = Suspend-AseGpuVMsForUpdate -Confirm:$false; $updateRecord.Stopped

    .OUTPUTS
    AseGpu.AseUpdateRecord, or the written file (System.IO.FileInfo) with -Path.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType([AseGpu.AseUpdateRecord], [System.IO.FileInfo], [System.Management.Automation.Job])]
    param(
        [string]$Path,

        [switch]$Force,

        [switch]$AsJob
    )
    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        if (-not $PSCmdlet.ShouldProcess('every running GPU VM', 'Stop (stay provisioned) for a device update')) { return }
        $updateRecord = Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartSuspendForUpdate' -Activity 'Stopping GPU VMs for the update' -AsJob:$AsJob
        if ($AsJob -or $null -eq $updateRecord) { return $updateRecord }
        if ($Path) {
            $full = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
            [System.IO.File]::WriteAllText($full, $updateRecord.Json, (New-Object System.Text.UTF8Encoding($false)))
            Get-Item -LiteralPath $full
        }
        else { $updateRecord }
    }
}

function Resume-AseGpuVMsAfterUpdate {
    <#
    .SYNOPSIS
    After a device update: starts the GPU VMs recorded by Suspend-AseGpuVMsForUpdate.

    .PARAMETER Path
    The record file written by Suspend-AseGpuVMsForUpdate -Path.

    .PARAMETER Record
    The record object (AseGpu.AseUpdateRecord) or its JSON; from the pipeline.

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    Resume-AseGpuVMsAfterUpdate -Path .\gpu-vms-before-update.json

    .EXAMPLE
    $record | Resume-AseGpuVMsAfterUpdate

    .OUTPUTS
    AseGpu.AseVmView (the started VMs).
    #>
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'Path')]
    [OutputType([AseGpu.AseVmView], [System.Management.Automation.Job])]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path')]
        [ValidateNotNullOrEmpty()]
        [string]$Path,

        [Parameter(Mandatory, ParameterSetName = 'Record', ValueFromPipeline)]
        [object]$Record,

        [switch]$AsJob
    )
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        if ($PSCmdlet.ParameterSetName -eq 'Path') {
            $json = [System.IO.File]::ReadAllText((Resolve-AseFilePath -Cmdlet $PSCmdlet -Path $Path))
        }
        elseif ($Record -is [AseGpu.AseUpdateRecord]) { $json = $Record.Json }
        else { $json = [string]$Record }
        if (-not $PSCmdlet.ShouldProcess('GPU VMs of the record', 'Start after the device update')) { return }
        $started = Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartResumeAfterUpdate' -Arguments @($json) -Activity 'Starting GPU VMs after the update' -AsJob:$AsJob
        foreach ($vm in @($started)) { if ($null -ne $vm) { $vm } }
    }
}

function Test-AseVhd {
    <#
    .SYNOPSIS
    Checks that a file is a VHD the device accepts for an image (fixed size, 1 MiB aligned, Generation 1).

    .PARAMETER Path
    The .vhd file.

    .EXAMPLE
    Test-AseVhd -Path .\ubuntu1804.vhd

    .OUTPUTS
    AseGpu.AseVhdInfo; an error naming the problem and the fix (e.g. the qemu-img command) otherwise.
    #>
    [CmdletBinding()]
    [OutputType([AseGpu.AseVhdInfo])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('FullName', 'LocalFilePath')]
        [string]$Path
    )
    process {
        $full = Resolve-AseFilePath -Cmdlet $PSCmdlet -Path $Path
        try { [AseGpu.AseSession]::CheckVhd($full) }
        catch { $PSCmdlet.WriteError((ConvertTo-AseErrorRecord -Exception $_.Exception -TargetObject $Path)) }
    }
}

function Send-AseVhd {
    <#
    .SYNOPSIS
    Uploads a fixed VHD as a page blob to a storage account on the device (resumable, skips holes/zeros).

    .PARAMETER ResourceGroupName
    The storage account's resource group.

    .PARAMETER StorageAccountName
    An existing storage account (New-AseImage creates one when missing).

    .PARAMETER Path
    The .vhd file (alias LocalFilePath).

    .PARAMETER ContainerName
    Default vhds (created when missing).

    .PARAMETER BlobName
    Default: the file name.

    .PARAMETER Overwrite
    Replace a blob of the same name that holds something else.

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    Send-AseVhd -ResourceGroupName myasegpurg -StorageAccountName myasesa -Path .\ubuntu1804.vhd

    .OUTPUTS
    AseGpu.AseUploadSummary (BlobUri, SizeBytes, SentBytes, Seconds, MiBPerSecond).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([AseGpu.AseUploadSummary], [System.Management.Automation.Job])]
    param(
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$StorageAccountName,

        [Parameter(Mandatory, Position = 0)]
        [Alias('LocalFilePath')]
        [ValidateNotNullOrEmpty()]
        [string]$Path,

        [string]$ContainerName,

        [string]$BlobName,

        [switch]$Overwrite,

        [switch]$AsJob
    )
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        $request = New-Object AseGpu.AseVhdUploadRequest
        $request.ResourceGroup = $ResourceGroupName
        $request.StorageAccount = $StorageAccountName
        $request.VhdPath = Resolve-AseFilePath -Cmdlet $PSCmdlet -Path $Path
        $request.Container = $ContainerName
        $request.BlobName = $BlobName
        if ($Overwrite) { $request.Options = @{ overwrite = $true } }
        if (-not $PSCmdlet.ShouldProcess("$StorageAccountName/$ContainerName", "Upload $Path")) { return }
        Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartSendVhd' -Arguments @($request) -Activity "Uploading $Path" -TargetObject $Path -AsJob:$AsJob
    }
}

function New-AseImage {
    <#
    .SYNOPSIS
    Makes a VM image from a local VHD: checks it, creates the storage account if missing, uploads, creates the image.

    .PARAMETER ResourceGroupName
    The resource group of the image (and the storage account).

    .PARAMETER Name
    The image name (alias ImageName).

    .PARAMETER Path
    The fixed-size .vhd (alias LocalFilePath).

    .PARAMETER StorageAccountName
    The storage account (created when missing, Standard_LRS).

    .PARAMETER OsType
    Linux or Windows.

    .PARAMETER Source
    blob (the image refers to the blob, default) or managedDisk.

    .PARAMETER AsJob
    Run in a thread job.

    .EXAMPLE
    New-AseImage -ResourceGroupName myasegpurg -Name myaselinuximg -Path .\ubuntu1804.vhd -StorageAccountName myasesa -OsType Linux

    .OUTPUTS
    AseGpu.AseImageResult (ImageId, ImageName, BlobUri, Upload).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([AseGpu.AseImageResult], [System.Management.Automation.Job])]
    param(
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceGroupName,

        [Parameter(Mandatory)]
        [Alias('ImageName')]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [Parameter(Mandatory)]
        [Alias('LocalFilePath')]
        [ValidateNotNullOrEmpty()]
        [string]$Path,

        [Parameter(Mandatory)]
        [ValidateNotNullOrEmpty()]
        [string]$StorageAccountName,

        [Parameter(Mandatory)]
        [ValidateSet('Linux', 'Windows')]
        [string]$OsType,

        [ValidateSet('blob', 'managedDisk')]
        [string]$Source,

        [switch]$AsJob
    )
    process {
        $session = Get-AseActiveSession -Cmdlet $PSCmdlet
        $request = New-Object AseGpu.AseImageRequest
        $request.ResourceGroup = $ResourceGroupName
        $request.StorageAccount = $StorageAccountName
        $request.VhdPath = Resolve-AseFilePath -Cmdlet $PSCmdlet -Path $Path
        $request.ImageName = $Name
        $request.OsType = $OsType
        if ($Source) { $request.Source = $Source }
        if (-not $PSCmdlet.ShouldProcess("$ResourceGroupName/$Name", "Create image from $Path")) { return }
        Invoke-AseSessionMethod -Cmdlet $PSCmdlet -Session $session -Method 'StartNewImage' -Arguments @($request) -Activity "Creating image '$Name'" -TargetObject $Name -AsJob:$AsJob
    }
}

Export-ModuleMember -Function @(
    'Connect-AseDevice'
    'Disconnect-AseDevice'
    'Get-AseContext'
    'New-AseResourceGroup'
    'Get-AseResourceGroup'
    'Remove-AseResourceGroup'
    'Get-AseGpuAvailability'
    'Test-AseGpuDeployment'
    'New-AseResourceGroupDeployment'
    'New-AseGpuVM'
    'Get-AseVM'
    'Start-AseVM'
    'Stop-AseVM'
    'Restart-AseVM'
    'Remove-AseVM'
    'Install-AseGpuExtension'
    'Get-AseVMExtension'
    'Remove-AseVMExtension'
    'Suspend-AseGpuVMsForUpdate'
    'Resume-AseGpuVMsAfterUpdate'
    'Test-AseVhd'
    'Send-AseVhd'
    'New-AseImage'
)
