# Errors: every AseGpu status as an ErrorRecord ('<Status>,<command>' + its category), and how errors
# travel: -ErrorAction Stop/SilentlyContinue/Ignore, -ErrorVariable and $ErrorActionPreference = 'Stop'
# through BOTH modules (AzCompat calling AseGpu), and a child script that must halt at its first failure.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $missing = 'pester-missing-rg'
    # CreateImage.json: nothing for the preflight to refuse, so the missing group is what fails.
    $createImage = Get-AseTestFixture 'VmTemplates/CreateImage/CreateImage.json'
    $createImageParameters = Get-AseTestFixture 'VmTemplates/CreateImage/CreateImage.parameters.json'
    # One failing call (the group does not exist: NotFound) per command that reaches the device.
    $failingCalls = @(
        @{ Command = 'Get-AseResourceGroup'; Parameters = @{ Name = $missing } }
        @{ Command = 'Get-AzResourceGroup'; Parameters = @{ Name = $missing } }
        @{ Command = 'Remove-AseResourceGroup'; Parameters = @{ Name = $missing; Force = $true } }
        @{ Command = 'Remove-AzResourceGroup'; Parameters = @{ Name = $missing; Force = $true } }
        @{ Command = 'Get-AseVM'; Parameters = @{ ResourceGroupName = $missing; Name = 'vm' } }
        @{ Command = 'Get-AzVM'; Parameters = @{ ResourceGroupName = $missing; Name = 'vm' } }
        @{ Command = 'Start-AseVM'; Parameters = @{ ResourceGroupName = $missing; Name = 'vm' } }
        @{ Command = 'Start-AzVM'; Parameters = @{ ResourceGroupName = $missing; Name = 'vm' } }
        @{ Command = 'Stop-AzVM'; Parameters = @{ ResourceGroupName = $missing; Name = 'vm'; Force = $true } }
        @{ Command = 'Remove-AzVM'; Parameters = @{ ResourceGroupName = $missing; Name = 'vm'; Force = $true } }
        @{ Command = 'Get-AseVMExtension'; Parameters = @{ ResourceGroupName = $missing; VMName = 'vm' } }
        @{ Command = 'Get-AzVMExtension'; Parameters = @{ ResourceGroupName = $missing; VMName = 'vm' } }
        @{ Command = 'Set-AzVMExtension'; Parameters = @{ ResourceGroupName = $missing; VMName = 'vm'; Name = 'gpu'; Publisher = 'Microsoft.HpcCompute'; ExtensionType = 'NvidiaGpuDriverLinux'; TypeHandlerVersion = '1.8' } }
        @{ Command = 'Remove-AzVMExtension'; Parameters = @{ ResourceGroupName = $missing; VMName = 'vm'; Name = 'gpu'; Force = $true } }
        @{ Command = 'New-AseResourceGroupDeployment'; Parameters = @{ ResourceGroupName = $missing; TemplateFile = $createImage; TemplateParameterFile = $createImageParameters } }
        @{ Command = 'New-AzResourceGroupDeployment'; Parameters = @{ ResourceGroupName = $missing; TemplateFile = $createImage; TemplateParameterFile = $createImageParameters } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    $fast = Get-AseTestSim Fast
    # A dead endpoint is retried with backoff for about a minute: start that sign-in now, look at it last.
    $deadEndpoint = 'https://127.0.0.1:{0}/' -f (Get-AseFreePort)
    $dead = [powershell]::Create()
    $null = $dead.AddScript({
            param($CommonPath, $Endpoint, $CaPath)
            . $CommonPath
            Register-AseCommandCoverage
            Import-AseTestModule
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $failure = $null
            try { $null = Connect-AseDevice -ArmEndpoint $Endpoint -Credential (Get-AseTestCredential) -CaCertificate $CaPath -ErrorAction Stop } catch { $failure = $_ }
            [pscustomobject]@{ Error = $failure; Seconds = $sw.Elapsed.TotalSeconds }
        }).AddArgument($AseTestCommonPath).AddArgument($deadEndpoint).AddArgument($fast.ca_cert)
    $deadRun = $dead.BeginInvoke()

    Connect-AseTestDevice
    $rg = New-AseTestResourceGroup 'pester-err'
    $image = New-AseTestImage -ResourceGroupName $rg
    $sim = @{}
    foreach ($n in 'Slow', 'Faults', 'WrongHost', 'Expired') { $sim[$n] = Get-AseTestSim $n }

    function Connect-Failing([hashtable]$Parameters) {
        # Connect-AseDevice with -ErrorAction Stop: its error.
        Get-AseTestError { Connect-AseDevice @Parameters -Credential (Get-AseTestCredential) -ErrorAction Stop }
    }
}

AfterAll {
    if ($dead) { $dead.Stop(); $dead.Dispose() }
    Connect-AseTestDevice
    Remove-AseTestResourceGroups
    Disconnect-AseDevice
}

Describe 'Errors: each AseGpu status as an ErrorRecord' {
    It 'NotFound (ObjectNotFound): a missing resource group, with the ARM code, HTTP status and request id' {
        $err = Get-AseTestError { Get-AseResourceGroup -Name 'pester-missing-rg' -ErrorAction Stop }
        Assert-AseError $err -Status NotFound -Category ObjectNotFound
        $err.Exception.ArmCode | Should -Be 'ResourceGroupNotFound'
        $err.Exception.HttpStatus | Should -Be 404
        $err.ErrorDetails.Message | Should -BeLike '*request id*'
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'Authentication (AuthenticationError): a wrong password' {
        $err = Get-AseTestError { Connect-AseDevice -ArmEndpoint $fast.arm_endpoint -Credential (Get-AseTestCredential -Password 'wrong-password') -CaCertificate $fast.ca_cert -HostMap (Get-AseTestHostMap $fast) -ErrorAction Stop }
        Assert-AseError $err -Status Authentication -Category AuthenticationError
    }

    It 'Tls (SecurityError): an untrusted CA (another device''s root CA)' {
        $err = Connect-Failing @{ ArmEndpoint = $fast.arm_endpoint; CaCertificate = $sim.Slow.ca_cert; HostMap = (Get-AseTestHostMap $fast) }
        Assert-AseError $err -Status Tls -Category SecurityError
    }

    It 'Tls (SecurityError): no CA given and the system store does not trust the device' {
        $err = Connect-Failing @{ ArmEndpoint = $fast.arm_endpoint; HostMap = (Get-AseTestHostMap $fast) }
        Assert-AseError $err -Status Tls -Category SecurityError
    }

    It 'Tls (SecurityError): a certificate for other host names (--cert-mode wrong-host)' {
        $s = $sim.WrongHost
        $err = Connect-Failing @{ ArmEndpoint = $s.arm_endpoint; CaCertificate = $s.ca_cert; HostMap = (Get-AseTestHostMap $s) }
        Assert-AseError $err -Status Tls -Category SecurityError
    }

    It 'Tls (SecurityError): an expired certificate (--cert-mode expired)' {
        $s = $sim.Expired
        $err = Connect-Failing @{ ArmEndpoint = $s.arm_endpoint; CaCertificate = $s.ca_cert; HostMap = (Get-AseTestHostMap $s) }
        Assert-AseError $err -Status Tls -Category SecurityError
    }

    It 'Throttled (LimitsExceeded): every request answered 429 (fault injection through /_sim/faults)' {
        Connect-AseTestDevice -Sim Faults
        try {
            $null = Invoke-AseSim -Sim Faults -Method PUT -Path faults -Body @{ rate429 = 1.0; retryAfterSecs = 0 }
            $err = Get-AseTestError { Get-AseResourceGroup -ErrorAction Stop }
        }
        finally { $null = Invoke-AseSim -Sim Faults -Method PUT -Path faults -Body @{} }
        Assert-AseError $err -Status Throttled -Category LimitsExceeded
        $err.Exception.HttpStatus | Should -Be 429
    }

    It 'Server (ResourceUnavailable): every request answered 503' {
        Connect-AseTestDevice -Sim Faults
        try {
            $null = Invoke-AseSim -Sim Faults -Method PUT -Path faults -Body @{ rate503 = 1.0; retryAfterSecs = 0 }
            $err = Get-AseTestError { Get-AseVM -ResourceGroupName ASERG -ErrorAction Stop }
        }
        finally { $null = Invoke-AseSim -Sim Faults -Method PUT -Path faults -Body @{} }
        Assert-AseError $err -Status Server -Category ResourceUnavailable
        $err.Exception.HttpStatus | Should -Be 503
        # Without faults the same session works again.
        @(Get-AseResourceGroup -ErrorAction Stop).ResourceGroupName | Should -Contain 'ASERG'
    }

    It 'PreflightFailed (InvalidOperation): Kubernetes holds the GPUs' {
        Connect-AseTestDevice -KubernetesConfigured $true -KubernetesGpus 2
        try {
            $err = Get-AseTestError { New-AseGpuVM -ResourceGroupName $rg -Name 'pester-k8s' -Image $image -Credential (Get-AseTestVmCredential) -ErrorAction Stop }
        }
        finally { Connect-AseTestDevice }
        Assert-AseError $err -Status PreflightFailed -Category InvalidOperation
        "$err" | Should -BeLike '*Kubernetes*'
    }

    It 'InvalidArgument (InvalidArgument): a resource group name the device refuses' {
        $err = Get-AseTestError { New-AseResourceGroup -Name 'bad name!' -ErrorAction Stop }
        Assert-AseError $err -Status InvalidArgument -Category InvalidArgument
    }

    It 'OperationFailed (InvalidResult): a deployment the device fails' {
        $t = Get-AseTestVmTemplate -ResourceGroupName $rg -VMName 'pester-opfail' -ImageName 'pester-no-such-image' -Size 'Standard_D2_v2'
        $err = Get-AseTestError { New-AseResourceGroupDeployment @t -Force -ErrorAction Stop }
        Assert-AseError $err -Status OperationFailed -Category InvalidResult
    }

    It 'NotConnected (ConnectionError): after Disconnect-AseDevice' {
        Disconnect-AseDevice
        try { $err = Get-AseTestError { Get-AseVM -ErrorAction Stop } } finally { Connect-AseTestDevice }
        Assert-AseError $err -Status NotConnected -Category ConnectionError
    }

    It 'Connection (ConnectionError): a dead endpoint, after the retries' {
        $deadRun.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(180)) | Should -BeTrue -Because 'the sign-in to a dead endpoint gives up within its retry budget'
        $result = @($dead.EndInvoke($deadRun))[0]
        Assert-AseError $result.Error -Status Connection -Category ConnectionError
        $result.Error.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }
}

Describe 'Errors: -ErrorAction, -ErrorVariable, $ErrorActionPreference through both modules' {
    BeforeAll { Connect-AseTestDevice }

    It '<Command> -ErrorAction Stop throws NotFound' -ForEach $failingCalls {
        $err = Get-AseTestError { & $Command @Parameters -ErrorAction Stop }
        Assert-AseError $err -Status NotFound -Category ObjectNotFound
    }

    It '<Command> -ErrorAction SilentlyContinue writes nothing to the error stream; -ErrorVariable holds the one NotFound record' -ForEach $failingCalls {
        $Error.Clear()
        $ev = $null
        $out = & $Command @Parameters -ErrorAction SilentlyContinue -ErrorVariable ev 2>&1
        @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty
        @($out) | Should -BeNullOrEmpty -Because 'a failed call outputs nothing (no $true, no empty object)'
        @($ev).Count | Should -Be 1
        Assert-AseError $ev[0] -Status NotFound -Category ObjectNotFound
        @($Error | Where-Object { "$($_.FullyQualifiedErrorId)" -like 'NotFound,*' }).Count | Should -BeGreaterThan 0 -Because 'SilentlyContinue still records the error in $Error'
    }

    It '<Command> -ErrorAction Ignore writes nothing and records nothing in $Error' -ForEach $failingCalls {
        $Error.Clear()
        $out = & $Command @Parameters -ErrorAction Ignore 2>&1
        @($out) | Should -BeNullOrEmpty
        $Error.Count | Should -Be 0
    }

    It '<Command> with the default preference reports NotFound on the error stream and the script goes on' -ForEach $failingCalls {
        $capture = Invoke-AseTestCapture { & $Command @Parameters; 'went on' }
        $capture.Thrown | Should -BeNullOrEmpty
        @($capture.Errors).Count | Should -Be 1
        Assert-AseError $capture.Errors[0] -Status NotFound -Category ObjectNotFound
        $capture.Output | Should -Be @('went on')
    }

    It '<Command> under $ErrorActionPreference = ''Stop'' in the caller halts at the error' -ForEach $failingCalls {
        $err = Get-AseTestError {
            $ErrorActionPreference = 'Stop'
            & $Command @Parameters
            throw 'went on after the failure'
        }
        Assert-AseError $err -Status NotFound -Category ObjectNotFound
    }

    It 'a failed deployment under $ErrorActionPreference = ''Stop'' does not run on into the next command (<_>)' -ForEach @('New-AseResourceGroupDeployment', 'New-AzResourceGroupDeployment') {
        $command = $_
        $t = Get-AseTestVmTemplate -ResourceGroupName $rg -VMName 'pester-eap' -ImageName 'pester-no-such-image' -Size 'Standard_D2_v2'
        $t.Remove('TemplateParameterObject')
        $t.TemplateParameterFile = New-AseTestParameterFile -Path (Join-Path $TestDrive 'eap.parameters.json') -VMName 'pester-eap' -ImageName 'pester-no-such-image' -Size 'Standard_D2_v2'
        $next = [ref]$false
        $err = Get-AseTestError {
            $ErrorActionPreference = 'Stop'
            & $command @t
            $next.Value = $true
        }
        $next.Value | Should -BeFalse
        Assert-AseError $err -Status PreflightFailed -Category InvalidOperation
    }

    Context 'a child script (pwsh -File) with $ErrorActionPreference = ''Stop''' {
        It 'halts at the failed deployment: <Flavor> <Note>' -ForEach @(
            @{ Flavor = 'AseGpu'; Force = $false; Note = '(refused by the preflight)' }
            @{ Flavor = 'AseGpu'; Force = $true; Note = '(-Force: failed by the device)' }
            @{ Flavor = 'AzCompat'; Force = $false; Note = '(refused by the preflight)' }
        ) {
            $script = Join-Path $PSScriptRoot 'child/Deploy-StopsAtFirstFailure.ps1'
            $arguments = @('-NoProfile', '-NonInteractive', '-File', $script, '-ModuleDir', (Get-AseTestModuleDir), '-ReadyJson', ($fast | ConvertTo-Json -Compress -Depth 5),
                '-Flavor', $Flavor, '-TemplateDir', (Split-Path -Parent (Split-Path -Parent (Get-AseTestFixture 'VmTemplates/CreateVM/CreateVM.json'))), '-ResourceGroupName', $rg)
            if ($Force) { $arguments += '-Force' }
            $output = & (Get-AsePwsh) @arguments 2>&1 | ForEach-Object { "$_" }
            $exit = $LASTEXITCODE
            $text = $output -join "`n"
            $exit | Should -Be 1 -Because "the script must stop with an error; its output was:`n$text"
            $output | Should -Contain 'step: deploy'
            $output | Should -Not -Contain 'step: after the failed deployment (must not be reached)'
            $output | Should -Not -Contain 'step: end'
            $text | Should -BeLike '*image-that-does-not-exist*' -Because 'the error names what is wrong'
            Test-AseTestVMExists -ResourceGroupName $rg -Name 'childvm' | Should -BeFalse
        }
    }
}
