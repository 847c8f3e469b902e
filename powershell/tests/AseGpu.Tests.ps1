#Requires -Version 5.1
# Pester 5 tests of the AseGpu module against the asegpu-sim emulator (cannot run on the Linux CI
# machine, which has no PowerShell; run them on Windows PowerShell 5.1 and PowerShell 7):
#
#   powershell/build.sh                      # lays out target/powershell/AseGpu
#   Install-Module Pester -MinimumVersion 5.0 -Force -SkipPublisherCheck   # 5.1 ships Pester 3.4
#   $env:ASEGPU_SIM = '<repo>/target/debug/asegpu-sim'   # optional: else integration tests are skipped
#   Invoke-Pester -Path powershell/tests/AseGpu.Tests.ps1 -Output Detailed

BeforeDiscovery {
    $script:HaveSim = [bool]$env:ASEGPU_SIM -and (Test-Path -LiteralPath $env:ASEGPU_SIM)
}

BeforeAll {
    $repo = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
    $script:ModuleDir = Join-Path (Join-Path (Join-Path $repo 'target') 'powershell') 'AseGpu'
    Import-Module (Join-Path $script:ModuleDir 'AseGpu.psd1') -Force
    $script:SimProcess = $null
    if ($env:ASEGPU_SIM -and (Test-Path -LiteralPath $env:ASEGPU_SIM)) {
        $script:Password = 'Pester-' + [guid]::NewGuid().ToString('N').Substring(0, 12) + '!'
        $work = Join-Path ([System.IO.Path]::GetTempPath()) ('asegpu-pester-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $work
        $psi = New-Object System.Diagnostics.ProcessStartInfo($env:ASEGPU_SIM, ('--work-dir "' + $work + '" --time-scale 100000 --retry-after 0'))
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.EnvironmentVariables['ASEGPU_SIM_PASSWORD'] = $script:Password
        $script:SimProcess = [System.Diagnostics.Process]::Start($psi)
        $script:Ready = $script:SimProcess.StandardOutput.ReadLine() | ConvertFrom-Json
        $secure = ConvertTo-SecureString -String $script:Password -AsPlainText -Force
        $script:Credential = New-Object System.Management.Automation.PSCredential('EdgeArmUser', $secure)
        $script:HostMap = @{}
        foreach ($p in $script:Ready.host_map.PSObject.Properties) { $script:HostMap[$p.Name] = $p.Value }
    }
}

AfterAll {
    Disconnect-AseDevice
    if ($null -ne $script:SimProcess -and -not $script:SimProcess.HasExited) {
        $script:SimProcess.Kill()
        $script:SimProcess.WaitForExit(5000)
    }
    Remove-Module AseGpu.AzCompat -ErrorAction SilentlyContinue
    Remove-Module AseGpu -ErrorAction SilentlyContinue
}

Describe 'AseGpu module' {
    It 'exports exactly the documented commands' {
        $names = (Get-Command -Module AseGpu).Name | Sort-Object
        $names | Should -Be @('Connect-AseDevice', 'Disconnect-AseDevice', 'Get-AseContext', 'Get-AseGpuAvailability', 'Get-AseResourceGroup', 'Get-AseVM', 'Get-AseVMExtension', 'Install-AseGpuExtension', 'New-AseGpuVM', 'New-AseImage', 'New-AseResourceGroup', 'New-AseResourceGroupDeployment', 'Remove-AseResourceGroup', 'Remove-AseVM', 'Remove-AseVMExtension', 'Restart-AseVM', 'Resume-AseGpuVMsAfterUpdate', 'Send-AseVhd', 'Start-AseVM', 'Stop-AseVM', 'Suspend-AseGpuVMsForUpdate', 'Test-AseGpuDeployment', 'Test-AseVhd')
    }

    It 'has help with an example for <_>' -ForEach @('Connect-AseDevice', 'Disconnect-AseDevice', 'Get-AseContext', 'Get-AseGpuAvailability', 'Get-AseResourceGroup', 'Get-AseVM', 'Get-AseVMExtension', 'Install-AseGpuExtension', 'New-AseGpuVM', 'New-AseImage', 'New-AseResourceGroup', 'New-AseResourceGroupDeployment', 'Remove-AseResourceGroup', 'Remove-AseVM', 'Remove-AseVMExtension', 'Restart-AseVM', 'Resume-AseGpuVMsAfterUpdate', 'Send-AseVhd', 'Start-AseVM', 'Stop-AseVM', 'Suspend-AseGpuVMsForUpdate', 'Test-AseGpuDeployment', 'Test-AseVhd') {
        (Get-Help $_).Examples.Example.Count | Should -BeGreaterThan 0
    }

    It 'loads the native library with the expected ABI version' {
        [AseGpu.AseNative]::AbiVersion | Should -Be ([AseGpu.AseNative]::BindingAbiVersion)
        [AseGpu.AseNative]::LibraryPath | Should -BeLike '*runtimes*native*'
    }

    It 'Remove-AseResourceGroup is ConfirmImpact High and takes pipeline input by property name' {
        $cmd = Get-Command Remove-AseResourceGroup
        $cmd.Parameters['WhatIf'] | Should -Not -BeNullOrEmpty
        $cmd.Parameters['Name'].Aliases | Should -Contain 'ResourceGroupName'
        ($cmd.Parameters['Name'].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }).ValueFromPipelineByPropertyName | Should -Contain $true
    }

    It 'fails with AseGpu.NotConnected before Connect-AseDevice' {
        Disconnect-AseDevice
        { Get-AseResourceGroup -ErrorAction Stop } | Should -Throw -ErrorId 'AseGpu.NotConnected*'
    }

    It 'Get-AseContext returns nothing when not connected' {
        Disconnect-AseDevice
        Get-AseContext | Should -BeNullOrEmpty
    }
}

Describe 'AseGpu against the emulator' -Skip:(-not $script:HaveSim) {
    BeforeAll {
        $script:Context = Connect-AseDevice -ArmEndpoint $script:Ready.arm_endpoint -Credential $script:Credential -CaCertificate $script:Ready.ca_cert -HostMap $script:HostMap
    }

    It 'Connect-AseDevice outputs Account, SubscriptionName, TenantId, Environment' {
        $script:Context.Account | Should -BeLike 'EdgeArmUser*'
        $script:Context.SubscriptionName | Should -Not -BeNullOrEmpty
        $script:Context.TenantId | Should -Be 'c0257de7-538f-415c-993a-1b87a031879d'
        (Get-AseContext).SubscriptionId | Should -Be $script:Context.SubscriptionId
    }

    It 'creates, gets, lists and removes a resource group' {
        $name = 'pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $g = New-AseResourceGroup -Name $name -Tag @{ owner = 'pester' }
        $g.ResourceGroupName | Should -Be $name
        $g.ProvisioningState | Should -Be 'Succeeded'
        $g.Tags['owner'] | Should -Be 'pester'
        (Get-AseResourceGroup -Name $name).ResourceId | Should -Be $g.ResourceId
        (Get-AseResourceGroup).ResourceGroupName | Should -Contain $name
        (Get-AseResourceGroup -Name 'pester-*').ResourceGroupName | Should -Contain $name
        Get-AseResourceGroup -Name $name | Remove-AseResourceGroup -Force
        { Get-AseResourceGroup -Name $name -ErrorAction Stop } | Should -Throw -ErrorId 'AseGpu.NotFound*'
    }

    It '-WhatIf creates nothing' {
        $name = 'pester-whatif-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        New-AseResourceGroup -Name $name -WhatIf
        Get-AseResourceGroup -Name $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reports a missing group as an ObjectNotFound ErrorRecord with ARM details' {
        $err = $null
        Get-AseResourceGroup -Name 'pester-no-such-group' -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'pester-no-such-group'
        $err[0].Exception.ArmCode | Should -Be 'ResourceGroupNotFound'
        $err[0].Exception.HttpStatus | Should -Be 404
        $err[0].ErrorDetails.Message | Should -BeLike '*request id*'
    }

    It 'a wrong password is an AuthenticationError' {
        $bad = New-Object System.Management.Automation.PSCredential('EdgeArmUser', (ConvertTo-SecureString 'wrong-password' -AsPlainText -Force))
        try {
            Connect-AseDevice -ArmEndpoint $script:Ready.arm_endpoint -Credential $bad -CaCertificate $script:Ready.ca_cert -HostMap $script:HostMap -ErrorAction Stop
            throw 'expected a failure'
        }
        catch {
            $_.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $_.FullyQualifiedErrorId | Should -BeLike 'AseGpu.Authentication*'
        }
    }

    It 'an untrusted certificate is a SecurityError' {
        { Connect-AseDevice -ArmEndpoint $script:Ready.arm_endpoint -Credential $script:Credential -HostMap $script:HostMap -ErrorAction Stop } | Should -Throw -ErrorId 'AseGpu.Tls*'
        # The failed attempt keeps the previous connection.
        Get-AseContext | Should -Not -BeNullOrEmpty
    }

    It 'Remove-AseResourceGroup -AsJob returns a thread job' -Skip:(-not (Get-Command Start-ThreadJob -ErrorAction SilentlyContinue)) {
        $name = 'pester-job-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $null = New-AseResourceGroup -Name $name
        $job = Remove-AseResourceGroup -Name $name -Force -AsJob
        $job | Wait-Job -Timeout 60 | Receive-Job | Should -Be $true
    }

    Context 'AseGpu.AzCompat' {
        BeforeAll {
            Import-Module (Join-Path $script:ModuleDir 'AseGpu.AzCompat') -Force
        }

        It 'runs the documented Az flow' {
            $envObject = Add-AzEnvironment -Name AzASE -ARMEndpoint $script:Ready.arm_endpoint
            $envObject.ResourceManagerUrl | Should -Be $script:Ready.arm_endpoint
            $ctx = Connect-AzAccount -EnvironmentName AzASE -TenantId c0257de7-538f-415c-993a-1b87a031879d -Credential $script:Credential -CaCertificate $script:Ready.ca_cert -HostMap $script:HostMap
            $ctx.Environment | Should -Be 'AzASE'
            $name = 'pester-az-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
            (New-AzResourceGroup -Name $name -Location DBELocal).ResourceGroupName | Should -Be $name
            (Get-AzResourceGroup -Name $name).ProvisioningState | Should -Be 'Succeeded'
            Remove-AzResourceGroup -Name $name -Force | Should -Be $true
        }
    }

    Context 'GPU VMs' {
        BeforeAll {
            Connect-AseDevice -ArmEndpoint $script:Ready.arm_endpoint -Credential $script:Credential -CaCertificate $script:Ready.ca_cert -HostMap $script:HostMap -GpuCount 2 -KubernetesConfigured $false -DeviceRelease 2309 | Out-Null
            $script:Templates = $env:ASEGPU_TEMPLATES
            if (-not $script:Templates) { $script:Templates = '/work/shared/fixtures/ase-templates/VmTemplates' }
            $script:Rg = 'pester-gpu-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
            New-AseResourceGroup -Name $script:Rg | Out-Null
            # An image through the CreateImage.json template (the blob is not read by the emulator).
            New-AseResourceGroupDeployment -ResourceGroupName $script:Rg -TemplateFile (Join-Path $script:Templates 'CreateImage/CreateImage.json') -TemplateParameterFile (Join-Path $script:Templates 'CreateImage/CreateImage.parameters.json') -TemplateParameterObject @{ osType = 'Linux'; imageName = 'pesterimg' } -Force | Out-Null
        }
        AfterAll { Remove-AseResourceGroup -Name $script:Rg -Force }

        It 'reports GPU availability from ARM and the device facts' {
            $report = Get-AseGpuAvailability
            $report.GpuModel | Should -Be 'T4'
            $report.GpuCount | Should -Be 2
            $report.FreeGpus | Should -Be 2
        }

        It 'preflights and deploys CreateVM.json with overrides, output like PSResourceGroupDeployment' {
            $params = @{ vmSize = 'Standard_NC4as_T4_v3'; vnetRG = 'ASERG'; imageName = 'pesterimg'; vmName = 'pvm1'; nicName = 'pvm1-nic' }
            $file = Join-Path $script:Templates 'CreateVM/CreateVM.json'
            $pfile = Join-Path $script:Templates 'CreateVM/CreateVM.parameters.json'
            (Test-AseGpuDeployment -ResourceGroupName $script:Rg -TemplateFile $file -TemplateParameterFile $pfile -TemplateParameterObject $params).Ok | Should -BeTrue
            $d = New-AseResourceGroupDeployment -ResourceGroupName $script:Rg -TemplateFile $file -TemplateParameterFile $pfile -TemplateParameterObject $params -Name pvm1
            $d.ProvisioningState | Should -Be 'Succeeded'
            $d.DeploymentName | Should -Be 'pvm1'
            $d.IpAddresses.Count | Should -Be 1
            ($d.Parameters | Where-Object Name -eq 'vmSize').Value | Should -Be 'Standard_NC4as_T4_v3'
        }

        It 'installs the GPU extension and lists it' {
            $x = Install-AseGpuExtension -ResourceGroupName $script:Rg -VMName pvm1
            $x.ProvisioningState | Should -Be 'Succeeded'
            (Get-AseVMExtension -ResourceGroupName $script:Rg -VMName pvm1).Count | Should -BeGreaterThan 0
        }

        It 'stops staying provisioned, starts, and pipes Get-AseVM into Stop-AseVM' {
            (Stop-AseVM -ResourceGroupName $script:Rg -Name pvm1 -StayProvisioned -Force).PowerState | Should -Be 'stopped'
            (Start-AseVM -ResourceGroupName $script:Rg -Name pvm1).PowerState | Should -Be 'running'
            (Get-AseVM -ResourceGroupName $script:Rg -Name pvm1 | Stop-AseVM -Force).PowerState | Should -Be 'deallocated'
            (Get-AseVM -ResourceGroupName $script:Rg -Name pvm1 -Status).Statuses.Code | Should -Contain 'PowerState/deallocated'
            Start-AseVM -ResourceGroupName $script:Rg -Name pvm1 | Out-Null
        }

        It 'Stop-AseVM -WhatIf changes nothing' {
            Stop-AseVM -ResourceGroupName $script:Rg -Name pvm1 -WhatIf
            (Get-AseVM -ResourceGroupName $script:Rg -Name pvm1).PowerState | Should -Be 'running'
        }

        It 'suspends GPU VMs to a record file and resumes them' {
            $path = Join-Path ([System.IO.Path]::GetTempPath()) ('ase-update-' + [guid]::NewGuid().ToString('N') + '.json')
            Suspend-AseGpuVMsForUpdate -Path $path -Force | Out-Null
            (Get-AseVM -ResourceGroupName $script:Rg -Name pvm1).PowerState | Should -Be 'stopped'
            (Resume-AseGpuVMsAfterUpdate -Path $path).Name | Should -Contain 'pvm1'
            Remove-Item -LiteralPath $path
        }

        It 'AzCompat: Set-AzVMExtension returns PSAzureOperationResponse fields; Get-AzVM -Status' {
            Import-Module (Join-Path $script:ModuleDir 'AseGpu.AzCompat') -Force
            $r = Set-AzVMExtension -ResourceGroupName $script:Rg -VMName pvm1 -Name gpuLinuxExt -Publisher Microsoft.HpcCompute -ExtensionType NvidiaGpuDriverLinux -TypeHandlerVersion 1.8
            $r.IsSuccessStatusCode | Should -BeTrue
            $r.StatusCode | Should -Be 'OK'
            (Get-AzVMExtension -ResourceGroupName $script:Rg -VMName pvm1 -Name gpuLinuxExt).ProvisioningState | Should -Be 'Succeeded'
            (Get-AzVM -ResourceGroupName $script:Rg -Name pvm1).HardwareProfile.VmSize | Should -Be 'Standard_NC4as_T4_v3'
            (Stop-AzVM -ResourceGroupName $script:Rg -Name pvm1 -StayProvisioned -Force).Status | Should -Be 'Succeeded'
            (Remove-AzVM -ResourceGroupName $script:Rg -Name pvm1 -Force).Status | Should -Be 'Succeeded'
        }
    }
}
