# Get-AseGpuAvailability and Test-AseGpuDeployment, on a device of its own (K8S emulator) so that the GPU
# counts are this file's: the documented scenario of GPU VMs first, then Kubernetes claiming every free GPU.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    Connect-AseTestDevice -Sim K8s
    $rg = New-AseTestResourceGroup 'pester-gpu'
    $image = New-AseTestImage -ResourceGroupName $rg
}

AfterAll {
    Remove-AseTestResourceGroups
    Disconnect-AseDevice
}

Describe 'GPU: Get-AseGpuAvailability, Test-AseGpuDeployment' {
    Context 'a device with two free T4 GPUs' {
        It 'Get-AseGpuAvailability reports the model, the count and two free GPUs' {
            $report = Get-AseGpuAvailability -ErrorAction Stop
            $report.GpuModel | Should -Be 'T4'
            $report.GpuCount | Should -Be 2
            $report.KubernetesConfigured | Should -BeFalse
            $report.FreeGpus | Should -Be 2
            @($report.GpuVms) | Should -BeNullOrEmpty
        }

        It 'Test-AseGpuDeployment -VMSize: one T4 VM fits' {
            $report = Test-AseGpuDeployment -VMSize Standard_NC4as_T4_v3 -ErrorAction Stop
            $report.Ok | Should -BeTrue
            $report.GpusNeeded | Should -Be 1
        }

        It 'Test-AseGpuDeployment -Count 3 says why it would fail (a verdict, not an error) and warns' {
            $warnings = $null
            $report = Test-AseGpuDeployment -VMSize Standard_NC4as_T4_v3 -Count 3 -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
            $report.Ok | Should -BeFalse
            @($report.Findings | Where-Object Severity -eq 'error').Code | Should -Contain 'InsufficientGpus'
            @($report.Findings)[0].Fix | Should -Not -BeNullOrEmpty
            @($warnings).Count | Should -BeGreaterThan 0
        }

        It 'Test-AseGpuDeployment with CreateVM.json evaluates the real template and creates nothing' {
            $t = Get-AseTestVmTemplate -ResourceGroupName $rg -VMName 'pester-pre1' -ImageName $image
            $report = Test-AseGpuDeployment @t -ErrorAction Stop
            $report.Ok | Should -BeTrue
            Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-pre1' | Should -BeFalse
        }

        It 'Test-AseGpuDeployment names a missing image' {
            $t = Get-AseTestVmTemplate -ResourceGroupName $rg -VMName 'pester-pre2' -ImageName 'pester-no-such-image'
            $report = Test-AseGpuDeployment @t -WarningAction SilentlyContinue -ErrorAction Stop
            $report.Ok | Should -BeFalse
            @($report.Findings).Code | Should -Contain 'ImageNotFound'
        }

        It 'a GPU VM deployed from CreateVM.json holds one GPU' {
            $null = New-AseTestVM -ResourceGroupName $rg -Name 'pester-gpuvm1' -ImageName $image
            $report = Get-AseGpuAvailability
            $report.GpusHeldByVms | Should -Be 1
            $report.FreeGpus | Should -Be 1
            @($report.GpuVms).Name | Should -Contain 'pester-gpuvm1'
        }
    }

    Context 'after Kubernetes was configured on the device (it claims every free GPU)' {
        BeforeAll {
            $device = Invoke-AseSim -Sim K8s -Method PATCH -Path device -Body @{ kubernetesConfigured = $true }
            # ARM does not expose Kubernetes: the admin gives the fact when connecting.
            Connect-AseTestDevice -Sim K8s -KubernetesConfigured $true
        }

        It 'the device claimed the remaining GPU for Kubernetes' {
            $device.kubernetesConfigured | Should -BeTrue
            $device.kubernetesGpus | Should -Be 1
        }

        It 'Get-AseGpuAvailability: one GPU held by the VM, the other by Kubernetes, none free' {
            $report = Get-AseGpuAvailability
            $report.KubernetesConfigured | Should -BeTrue
            $report.GpusHeldByVms | Should -Be 1
            $report.GpusClaimedByKubernetes | Should -Be 1
            $report.FreeGpus | Should -Be 0
        }

        It 'Test-AseGpuDeployment of another GPU VM: GpusClaimedByKubernetes, with the fix' {
            $t = Get-AseTestVmTemplate -ResourceGroupName $rg -VMName 'pester-gpuvm2' -ImageName $image
            $report = Test-AseGpuDeployment @t -WarningAction SilentlyContinue -ErrorAction Stop
            $report.Ok | Should -BeFalse
            $finding = @($report.Findings | Where-Object Code -eq 'GpusClaimedByKubernetes')
            $finding.Count | Should -Be 1
            $finding[0].Fix | Should -Not -BeNullOrEmpty
        }

        It 'New-AseResourceGroupDeployment refuses early: PreflightFailed, nothing deployed' {
            $t = Get-AseTestVmTemplate -ResourceGroupName $rg -VMName 'pester-gpuvm2' -ImageName $image
            $err = Get-AseTestError { New-AseResourceGroupDeployment @t -Name 'pester-gpuvm2' -ErrorAction Stop }
            Assert-AseError $err -Status PreflightFailed -Category InvalidOperation
            $err.Exception.Message | Should -BeLike '*Kubernetes*'
            Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-gpuvm2' | Should -BeFalse
        }

        It 'New-AseGpuVM refuses early too' {
            { New-AseGpuVM -ResourceGroupName $rg -Name 'pester-gpuvm3' -Image $image -Credential (Get-AseTestVmCredential) -ErrorAction Stop } |
                Should -Throw -ErrorId 'PreflightFailed,*'
            Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-gpuvm3' | Should -BeFalse
        }

        It 'with -Force the deployment is sent and the device fails it (OperationFailed)' {
            $t = Get-AseTestVmTemplate -ResourceGroupName $rg -VMName 'pester-gpuvm4' -ImageName $image
            $err = Get-AseTestError { New-AseResourceGroupDeployment @t -Name 'pester-gpuvm4' -Force -ErrorAction Stop }
            Assert-AseError $err -Status OperationFailed -Category InvalidResult
        }

        It 'a CPU VM still deploys' {
            $d = New-AseTestVM -ResourceGroupName $rg -Name 'pester-cpuvm' -ImageName $image -Size 'Standard_D2_v2'
            $d.ProvisioningState | Should -Be 'Succeeded'
        }
    }
}
