# Shared setup of the AseGpu Pester suite. Every *.Tests.ps1 dot-sources this file in its top-level
# BeforeAll; dot-sourcing only defines functions (nothing connects or starts until a function is called).
#
# What run-pester.sh hands over (environment):
#   ASEGPU_PESTER_MODULE        the PACKAGED module folder (target/powershell/AseGpu), with AseGpu.AzCompat inside
#   ASEGPU_PESTER_FIXTURES      ../shared/fixtures/ase-templates (VmTemplates/, ExtensionTemplates/)
#   ASEGPU_PESTER_PASSWORD      the emulators' Edge ARM password
#   ASEGPU_PESTER_SIM_<NAME>    the ready JSON line of each emulator: FAST (--time-scale 100000 --retry-after 0),
#                               SLOW (default pace), FAULTS (for /_sim/faults), K8S (for the Kubernetes scenario),
#                               WRONGHOST (--cert-mode wrong-host), EXPIRED (--cert-mode expired)
#   ASEGPU_PESTER_TRAFFIC_<NAME> the --record-traffic file of FAST and SLOW (what reached the device)
#   ASEGPU_PESTER_COVERAGE      file the command-coverage recorder appends to
#   ASEGPU_PESTER_PWSH          pwsh, for child scripts

$AseTestCommonPath = $PSCommandPath
$AseTestRepo = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).ProviderPath
$AseTestGroups = [System.Collections.Generic.List[string]]::new()
$AseTestTenant = 'c0257de7-538f-415c-993a-1b87a031879d'

# ------------------------------------------------------------------------------------------------
# Where things are
# ------------------------------------------------------------------------------------------------

function Get-AseTestModuleDir {
    # The packaged module (never the source folder: the tests check what is shipped).
    if ($env:ASEGPU_PESTER_MODULE) { return $env:ASEGPU_PESTER_MODULE }
    Join-Path $AseTestRepo 'target/powershell/AseGpu'
}

function Get-AseTestFixture {
    # A file of the device's templates, e.g. Get-AseTestFixture VmTemplates/CreateVM/CreateVM.json.
    param([Parameter(Mandatory)][string]$RelativePath)
    $root = $env:ASEGPU_PESTER_FIXTURES
    if (-not $root) { $root = Join-Path $AseTestRepo '../shared/fixtures/ase-templates' }
    $path = Join-Path $root $RelativePath
    if (-not (Test-Path -LiteralPath $path)) { throw "fixture not found: $path (set ASEGPU_PESTER_FIXTURES)" }
    (Resolve-Path -LiteralPath $path).ProviderPath
}

function Get-AsePwsh {
    if ($env:ASEGPU_PESTER_PWSH) { return $env:ASEGPU_PESTER_PWSH }
    (Get-Process -Id $PID).Path
}

function Get-AseTestSim {
    # The ready line of one emulator (arm_endpoint, ca_cert, host_map, control_endpoint, ...).
    param([ValidateSet('Fast', 'Slow', 'Faults', 'K8s', 'WrongHost', 'Expired', 'Facts')][string]$Name = 'Fast')
    $json = [Environment]::GetEnvironmentVariable('ASEGPU_PESTER_SIM_' + $Name.ToUpperInvariant())
    if (-not $json) { throw "ASEGPU_PESTER_SIM_$($Name.ToUpperInvariant()) is not set: run the suite with powershell/tests/run-pester.sh" }
    $json | ConvertFrom-Json
}

function Get-AseTestHostMap {
    param([Parameter(Mandatory)][object]$Sim)
    $map = @{}
    foreach ($p in $Sim.host_map.PSObject.Properties) { $map[$p.Name] = $p.Value }
    $map
}

function Get-AseTestCredential {
    param([string]$Password = $env:ASEGPU_PESTER_PASSWORD, [string]$UserName = 'EdgeArmUser')
    if (-not $Password) { throw 'ASEGPU_PESTER_PASSWORD is not set' }
    New-Object System.Management.Automation.PSCredential($UserName, (ConvertTo-SecureString -String $Password -AsPlainText -Force))
}

function Get-AseTestVmCredential {
    New-Object System.Management.Automation.PSCredential('azureuser', (ConvertTo-SecureString -String 'VmAdmin-Passw0rd!' -AsPlainText -Force))
}

function New-AseTestName {
    # Unique, valid for resource groups, VMs, NICs and images.
    param([string]$Prefix = 'p')
    $Prefix + '-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
}

# ------------------------------------------------------------------------------------------------
# Modules and sessions
# ------------------------------------------------------------------------------------------------

function Import-AseTestModule {
    # Imports the packaged AseGpu and AseGpu.AzCompat (once per process; the binding is loaded once anyway).
    $dir = Get-AseTestModuleDir
    if (-not (Get-Module -Name AseGpu)) { Import-Module (Join-Path $dir 'AseGpu.psd1') -Global -ErrorAction Stop }
    if (-not (Get-Module -Name AseGpu.AzCompat)) { Import-Module (Join-Path $dir 'AseGpu.AzCompat') -Global -ErrorAction Stop }
}

function Get-AseTestConnectParameters {
    # Connect-AseDevice parameters for an emulator: its CA, its host names mapped, the device facts.
    param(
        [string]$Sim = 'Fast',
        [bool]$KubernetesConfigured = $false,
        [int]$KubernetesGpus = -1
    )
    $r = Get-AseTestSim $Sim
    $p = @{
        ArmEndpoint          = $r.arm_endpoint
        Credential           = Get-AseTestCredential
        CaCertificate        = $r.ca_cert
        HostMap              = Get-AseTestHostMap $r
        GpuCount             = 2
        KubernetesConfigured = $KubernetesConfigured
        DeviceRelease        = '2309'
    }
    if ($KubernetesGpus -ge 0) { $p.KubernetesGpus = $KubernetesGpus }
    $p
}

function Connect-AseTestDevice {
    # Connect-AseDevice to an emulator over HTTPS with its real CA; returns the context with -PassThru.
    param(
        [string]$Sim = 'Fast',
        [bool]$KubernetesConfigured = $false,
        [int]$KubernetesGpus = -1,
        [switch]$PassThru
    )
    $p = Get-AseTestConnectParameters -Sim $Sim -KubernetesConfigured $KubernetesConfigured -KubernetesGpus $KubernetesGpus
    $context = Connect-AseDevice @p -ErrorAction Stop
    if ($PassThru) { $context }
}

# ------------------------------------------------------------------------------------------------
# The emulator's control API (/_sim/) and its traffic record
# ------------------------------------------------------------------------------------------------

function Initialize-AseTestHttp {
    # HttpClient that trusts exactly the emulator's CA (a .NET callback: PowerShell script blocks cannot
    # run on the thread pool thread that validates certificates).
    if ('AseTestSimHttp' -as [type]) { return }
    Add-Type -TypeDefinition @'
using System;
using System.IO;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Text;
public static class AseTestSimHttp {
    public static string Send(string caPemPath, string method, string url, string body) {
        return Send(caPemPath, method, url, body, null);
    }
    // bearer: the control API's credential (the ready line's control_token), sent as Authorization: Bearer.
    public static string Send(string caPemPath, string method, string url, string body, string bearer) {
        X509Certificate2 ca = X509Certificate2.CreateFromPem(File.ReadAllText(caPemPath));
        HttpClientHandler handler = new HttpClientHandler();
        handler.ServerCertificateCustomValidationCallback = (request, cert, chain, errors) => {
            using (X509Chain c = new X509Chain()) {
                c.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                c.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                c.ChainPolicy.CustomTrustStore.Add(ca);
                return c.Build(cert);
            }
        };
        using (HttpClient client = new HttpClient(handler)) {
            client.Timeout = TimeSpan.FromSeconds(30);
            HttpRequestMessage m = new HttpRequestMessage(new HttpMethod(method), url);
            if (!String.IsNullOrEmpty(bearer)) m.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            if (body != null) m.Content = new StringContent(body, Encoding.UTF8, "application/json");
            using (HttpResponseMessage r = client.SendAsync(m).GetAwaiter().GetResult()) {
                string text = r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                if (!r.IsSuccessStatusCode) throw new InvalidOperationException(method + " " + url + ": HTTP " + (int)r.StatusCode + ": " + text);
                return text;
            }
        }
    }
}
'@
}

function Invoke-AseSim {
    # Calls the emulator-only control API: Invoke-AseSim -Sim K8s PATCH device @{ kubernetesConfigured = $true }.
    # It needs the emulator's control token (the ready line's control_token), sent as a bearer token.
    param(
        [string]$Sim = 'Fast',
        [ValidateSet('GET', 'PUT', 'PATCH', 'POST')][string]$Method = 'GET',
        [Parameter(Mandatory)][string]$Path,
        [object]$Body
    )
    Initialize-AseTestHttp
    $r = Get-AseTestSim $Sim
    $json = $null
    if ($null -ne $Body) { $json = $Body | ConvertTo-Json -Depth 10 -Compress }
    [AseTestSimHttp]::Send($r.ca_cert, $Method, $r.control_endpoint + $Path, $json, $r.control_token) | ConvertFrom-Json
}

function Get-AseTestTraffic {
    # What reached an emulator's ARM (its --record-traffic file): one object per request, without the
    # control API and AD FS sign-ins. -Writes: only PUT/POST/PATCH/DELETE.
    param([ValidateSet('Fast', 'Slow')][string]$Sim = 'Fast', [switch]$Writes)
    $file = [Environment]::GetEnvironmentVariable('ASEGPU_PESTER_TRAFFIC_' + $Sim.ToUpperInvariant())
    if (-not $file) { throw "ASEGPU_PESTER_TRAFFIC_$($Sim.ToUpperInvariant()) is not set" }
    if (-not (Test-Path -LiteralPath $file)) { return @() }
    # Read shared: the emulator keeps the file open for appending.
    $fs = [System.IO.File]::Open($file, 'Open', 'Read', 'ReadWrite')
    try { $text = (New-Object System.IO.StreamReader($fs)).ReadToEnd() } finally { $fs.Dispose() }
    $pattern = [regex]'"method":"(?<m>[A-Z]+)","url":"(?<u>[^"]*)"'
    foreach ($line in $text.Split("`n")) {
        if (-not $line.EndsWith('}')) { continue }   # a line still being written
        $match = $pattern.Match($line)
        if (-not $match.Success) { continue }
        $method = $match.Groups['m'].Value
        $url = [Uri]::UnescapeDataString($match.Groups['u'].Value)   # names arrive percent-encoded (pester%2Dvm)
        if ($url -match '/_sim/|/adfs/') { continue }
        if ($Writes -and $method -notin @('PUT', 'POST', 'PATCH', 'DELETE')) { continue }
        [pscustomobject]@{ Method = $method; Url = $url }
    }
}

function Get-AseTestWriteCount {
    param([ValidateSet('Fast', 'Slow')][string]$Sim = 'Fast')
    @(Get-AseTestTraffic -Sim $Sim -Writes).Count
}

# ------------------------------------------------------------------------------------------------
# Waiting (bounded, on state)
# ------------------------------------------------------------------------------------------------

function Wait-AseTestCondition {
    # Polls -Condition until it returns something truthy (returned), or throws after -TimeoutSeconds.
    param(
        [Parameter(Mandatory)][scriptblock]$Condition,
        [Parameter(Mandatory)][string]$Because,
        [double]$TimeoutSeconds = 30,
        [int]$IntervalMilliseconds = 100
    )
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    while ($true) {
        $value = & $Condition
        if ($value) { return $value }
        if ($sw.Elapsed.TotalSeconds -ge $TimeoutSeconds) { throw "timed out after $TimeoutSeconds s waiting until $Because" }
        Start-Sleep -Milliseconds $IntervalMilliseconds
    }
}

# ------------------------------------------------------------------------------------------------
# Resources on the emulated device, from the real templates
# ------------------------------------------------------------------------------------------------

function New-AseTestResourceGroup {
    # A fresh resource group, removed by Remove-AseTestResourceGroups (AfterAll).
    param([string]$Prefix = 'pester')
    $name = New-AseTestName $Prefix
    $null = New-AseResourceGroup -Name $name -Force -ErrorAction Stop
    $AseTestGroups.Add($name)
    $name
}

function Remove-AseTestResourceGroups {
    # Removes what New-AseTestResourceGroup made in this file (connected to the same emulator).
    $existing = @(Get-AseResourceGroup -ErrorAction SilentlyContinue | ForEach-Object { $_.ResourceGroupName })
    foreach ($name in @($AseTestGroups | Where-Object { $existing -contains $_ })) {
        try { $null = Remove-AseResourceGroup -Name $name -Force -Confirm:$false -ErrorAction Stop } catch { Write-Warning "cleanup of $name failed: $_" }
    }
    $AseTestGroups.Clear()
}

function New-AseTestImage {
    # An image through the device's CreateImage.json (VmTemplates/CreateImage) with its parameter file.
    param([Parameter(Mandatory)][string]$ResourceGroupName, [string]$Name = 'pesterimg', [string]$OsType = 'Linux')
    $null = New-AseResourceGroupDeployment -ResourceGroupName $ResourceGroupName -Name "image-$Name" `
        -TemplateFile (Get-AseTestFixture 'VmTemplates/CreateImage/CreateImage.json') `
        -TemplateParameterFile (Get-AseTestFixture 'VmTemplates/CreateImage/CreateImage.parameters.json') `
        -TemplateParameterObject @{ osType = $OsType; imageName = $Name } -ErrorAction Stop
    $Name
}

function Get-AseTestVmParameters {
    # CreateVM.parameters.json overrides for one VM (the docs edit vmName, Password, imageName, vmSize, vnetRG, nicName).
    param([Parameter(Mandatory)][string]$VMName, [string]$ImageName = 'pesterimg', [string]$Size = 'Standard_NC4as_T4_v3')
    @{ vmName = $VMName; vmSize = $Size; imageName = $ImageName; vnetRG = 'ASERG'; nicName = "$VMName-nic"; Password = 'VmAdmin-Passw0rd!' }
}

function Get-AseTestVmTemplate {
    # Splat for New-AseResourceGroupDeployment / New-AzResourceGroupDeployment / Test-AseGpuDeployment with CreateVM.json.
    param([Parameter(Mandatory)][string]$ResourceGroupName, [Parameter(Mandatory)][string]$VMName, [string]$ImageName = 'pesterimg', [string]$Size = 'Standard_NC4as_T4_v3')
    @{
        ResourceGroupName       = $ResourceGroupName
        TemplateFile            = Get-AseTestFixture 'VmTemplates/CreateVM/CreateVM.json'
        TemplateParameterFile   = Get-AseTestFixture 'VmTemplates/CreateVM/CreateVM.parameters.json'
        TemplateParameterObject = Get-AseTestVmParameters -VMName $VMName -ImageName $ImageName -Size $Size
    }
}

function New-AseTestParameterFile {
    # CreateVM.parameters.json edited the documented way (vmName, Password, imageName, vmSize, vnetRG, nicName),
    # written to -Path: for the Az-style -TemplateParameterFile-only deployments.
    param([Parameter(Mandatory)][string]$Path, [Parameter(Mandatory)][string]$VMName, [string]$ImageName = 'pesterimg', [string]$Size = 'Standard_NC4as_T4_v3')
    $p = Get-Content -Raw -LiteralPath (Get-AseTestFixture 'VmTemplates/CreateVM/CreateVM.parameters.json') | ConvertFrom-Json
    $values = Get-AseTestVmParameters -VMName $VMName -ImageName $ImageName -Size $Size
    foreach ($k in $values.Keys) { $p.parameters.$k.value = $values[$k] }
    $p | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $Path
    $Path
}

function New-AseTestVM {
    # A VM deployed with CreateVM.json (GPU size unless -Size); returns the deployment result.
    param([Parameter(Mandatory)][string]$ResourceGroupName, [Parameter(Mandatory)][string]$Name, [string]$ImageName = 'pesterimg', [string]$Size = 'Standard_NC4as_T4_v3')
    $t = Get-AseTestVmTemplate -ResourceGroupName $ResourceGroupName -VMName $Name -ImageName $ImageName -Size $Size
    New-AseResourceGroupDeployment @t -Name $Name -ErrorAction Stop
}

function Test-AseTestVMExists {
    param([Parameter(Mandatory)][string]$ResourceGroupName, [Parameter(Mandatory)][string]$Name)
    [bool](@(Get-AseVM -ResourceGroupName $ResourceGroupName -ErrorAction Stop) | Where-Object Name -eq $Name)
}

function Test-AseTestImageExists {
    # Whether an image exists, as the preflight sees it (there is no Get-AseImage): a CreateVM.json preflight
    # names a missing image in an ImageNotFound finding.
    param([Parameter(Mandatory)][string]$ResourceGroupName, [Parameter(Mandatory)][string]$Name)
    $t = Get-AseTestVmTemplate -ResourceGroupName $ResourceGroupName -VMName 'probe' -ImageName $Name -Size 'Standard_D2_v2'
    $report = Test-AseGpuDeployment @t -WarningAction SilentlyContinue -ErrorAction Stop
    -not (@($report.Findings) | Where-Object { $_.Code -eq 'ImageNotFound' })
}

function New-AseTestVhd {
    # A fixed-size VHD the device accepts (Generation 1, 1 MiB aligned): sparse data + the 512-byte footer.
    param([Parameter(Mandatory)][string]$Path, [int]$SizeMiB = 4)
    $size = [uint64]$SizeMiB * 1MB
    $footer = [byte[]]::new(512)
    $put = { param([int]$Offset, [byte[]]$Bytes) [Array]::Copy($Bytes, 0, $footer, $Offset, $Bytes.Length) }
    $be32 = { param([uint32]$v) $b = [BitConverter]::GetBytes($v); [Array]::Reverse($b); , $b }
    $be64 = { param([uint64]$v) $b = [BitConverter]::GetBytes($v); [Array]::Reverse($b); , $b }
    & $put 0 ([Text.Encoding]::ASCII.GetBytes('conectix'))
    & $put 8 (& $be32 2)                          # features
    & $put 12 (& $be32 0x00010000)                # format version
    & $put 16 (& $be64 ([uint64]::MaxValue))      # data offset: none (fixed disk)
    & $put 28 ([Text.Encoding]::ASCII.GetBytes('pstr'))
    & $put 32 (& $be32 0x00010000)
    & $put 36 ([Text.Encoding]::ASCII.GetBytes('Wi2k'))
    & $put 40 (& $be64 $size)                     # original size
    & $put 48 (& $be64 $size)                     # current size
    & $put 60 (& $be32 2)                         # disk type: fixed
    & $put 68 ([guid]::NewGuid().ToByteArray())
    $sum = [uint32]0
    foreach ($b in $footer) { $sum += $b }
    & $put 64 (& $be32 (-bnot $sum))
    $fs = [System.IO.File]::Create($Path)
    try {
        $boot = [byte[]](0xEB, 0x63, 0x90) + [Text.Encoding]::ASCII.GetBytes('PESTER')
        $fs.Write($boot, 0, $boot.Length)
        $fs.SetLength([int64]$size)
        $fs.Position = [int64]$size
        $fs.Write($footer, 0, 512)
    }
    finally { $fs.Dispose() }
    Get-Item -LiteralPath $Path
}

# ------------------------------------------------------------------------------------------------
# Runspaces (progress, Ctrl+C) and error capture
# ------------------------------------------------------------------------------------------------

function New-AseTestRunspace {
    # A [powershell] whose runspace has the packaged module imported and is connected to an emulator;
    # add commands to it and read $ps.Streams (Progress, Error). Dispose it when done.
    param([string]$Sim = 'Fast')
    $ps = [powershell]::Create()
    $null = $ps.AddScript({
            param($CommonPath, $ConnectParameters)
            . $CommonPath
            Register-AseCommandCoverage
            Import-AseTestModule
            $null = Connect-AseDevice @ConnectParameters -ErrorAction Stop
        }).AddArgument($AseTestCommonPath).AddArgument((Get-AseTestConnectParameters -Sim $Sim))
    $null = $ps.Invoke()
    if ($ps.HadErrors) {
        $message = ($ps.Streams.Error | ForEach-Object { $_.ToString() }) -join '; '
        $ps.Dispose()
        throw "runspace setup failed: $message"
    }
    $ps.Commands.Clear()
    $ps.Streams.ClearStreams()
    $ps
}

function Invoke-AseTestCapture {
    # Runs -ScriptBlock with $ErrorActionPreference = Continue and returns what it wrote: Output, Errors
    # (ErrorRecords that reached the caller's error stream), and Thrown (a terminating error, or $null).
    param([Parameter(Mandatory)][scriptblock]$ScriptBlock)
    $ErrorActionPreference = 'Continue'
    $all = [System.Collections.Generic.List[object]]::new()
    $thrown = $null
    try { & $ScriptBlock 2>&1 | ForEach-Object { $all.Add($_) } } catch { $thrown = $_ }
    [pscustomobject]@{
        Output = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
        Errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        Thrown = $thrown
    }
}

function Get-AseTestError {
    # The terminating error of -ScriptBlock (call the command with -ErrorAction Stop in it); fails without one.
    param([Parameter(Mandatory)][scriptblock]$ScriptBlock)
    try { $null = & $ScriptBlock } catch { return $_ }
    throw 'expected an error, but the command succeeded'
}

function Assert-AseError {
    # An AseGpu status as an ErrorRecord: FullyQualifiedErrorId '<Status>,<command>' (the status is the
    # prefix) and the status's ErrorCategory.
    param(
        [Parameter(Mandatory)][AllowNull()][object]$ErrorRecord,
        [Parameter(Mandatory)][string]$Status,
        [string]$Category
    )
    $ErrorRecord | Should -BeOfType ([System.Management.Automation.ErrorRecord])
    $ErrorRecord.FullyQualifiedErrorId | Should -BeLike "$Status,*" -Because "the AseGpu status ($Status) is the FullyQualifiedErrorId prefix"
    if ($Category) { [string]$ErrorRecord.CategoryInfo.Category | Should -Be $Category }
}

function Get-AseFreePort {
    # A local TCP port nothing listens on (bound, then closed): a dead endpoint.
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $l.Start()
    try { $l.LocalEndpoint.Port } finally { $l.Stop() }
}

# ------------------------------------------------------------------------------------------------
# Command coverage: which exported commands of AseGpu and AseGpu.AzCompat were invoked
# ------------------------------------------------------------------------------------------------

function Register-AseCommandCoverage {
    # Records (in $Path, one command name per line) every command of the AseGpu modules (AseGpu, AseGpu.AzCompat,
    # or the assembly that implements both) looked up for a call from outside the modules: AzCompat's own calls
    # into AseGpu do not count, nor does Get-Help. The runner intersects the names with what the modules export.
    param([string]$Path = $env:ASEGPU_PESTER_COVERAGE)
    if (-not $Path) { return }
    $global:AseCoveragePath = $Path
    $global:AseCoverageSeen = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    $ExecutionContext.InvokeCommand.PostCommandLookupAction = {
        param($commandName, $eventArgs)
        $command = $eventArgs.Command
        if ($command -is [System.Management.Automation.AliasInfo]) { $command = $command.ResolvedCommand }
        if ($null -eq $command -or "$($command.ModuleName)" -notlike 'AseGpu*') { return }
        if ($global:AseCoverageSeen.Contains($command.Name)) { return }
        $caller = @(Get-PSCallStack)[1]
        $moduleBase = (Get-Module -Name AseGpu | Select-Object -First 1).ModuleBase
        if ($caller -and $caller.ScriptName -and $moduleBase -and $caller.ScriptName.StartsWith($moduleBase)) { return }
        # Get-Help looks commands up too: reading help is not invoking.
        if ($caller -and $caller.Position) {
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($caller.Position.Text, [ref]$null, [ref]$null)
            $first = $ast.Find({ param($a) $a -is [System.Management.Automation.Language.CommandAst] }, $true)
            if ($first -and @('Get-Help', 'help', 'man') -contains $first.GetCommandName()) { return }
        }
        $null = $global:AseCoverageSeen.Add($command.Name)
        [System.IO.File]::AppendAllText($global:AseCoveragePath, $command.Name + [Environment]::NewLine)
    }
}
