# Device facts from the current docs, through the module (issue 12), on a device of their own (the FACTS
# emulator: --stopped-vm-takeover --no-compute-internet --mps): custom VM sizes (Connect-AseDevice -CustomSize,
# Test-AseGpuDeployment), the stopped-VM warning and takeover (Stop-AseVM, Start-AseVM), the GPU extension's
# needs and failures (Install-AseGpuExtension), and the MPS reminder around a device update.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    Connect-AseTestDevice -Sim Facts
    $rg = New-AseTestResourceGroup 'pester-facts'
    $image = New-AseTestImage -ResourceGroupName $rg
}

AfterAll {
    Remove-AseTestResourceGroups
    Disconnect-AseDevice
}

Describe 'Device facts: custom sizes, stopped GPU VMs, the GPU extension, MPS' {
    Context 'custom VM sizes (Set-HcsVMCustomSizes on the device)' {
        It 'Test-AseGpuDeployment on a device without Custom_GPU_T4_v3 says so and how to set it' {
            $report = Test-AseGpuDeployment -VMSize Custom_GPU_T4_v3 -WarningAction SilentlyContinue -ErrorAction Stop
            $report.Ok | Should -BeFalse
            $f = @($report.Findings | Where-Object Code -eq 'CustomSizeNotSet')
            $f.Count | Should -Be 1
            $f[0].Fix | Should -Match 'Set-HcsVMCustomSizes -CustomVMSizesJson'
            $f[0].Message | Should -Not -Match 'not a size Azure Stack Edge offers'
        }

        It 'with the size set on the device and given to Connect-AseDevice -CustomSize, it counts its 2 GPUs' {
            $null = Invoke-AseSim -Sim Facts -Method PATCH -Path device -Body @{ customSizes = @('Custom_GPU_T4_v3:8:28:2') }
            $p = Get-AseTestConnectParameters -Sim Facts
            $null = Connect-AseDevice @p -CustomSize 'Custom_GPU_T4_v3:8:28:2' -ErrorAction Stop
            $report = Test-AseGpuDeployment -VMSize Custom_GPU_T4_v3 -ErrorAction Stop
            $report.Ok | Should -BeTrue
            $report.GpusNeeded | Should -Be 2
            (Test-AseGpuDeployment -VMSize Custom_GPU_T4_v3 -Count 2 -WarningAction SilentlyContinue -ErrorAction Stop).Ok | Should -BeFalse
        }

        It 'Connect-AseDevice -CustomSize refuses a GPU count the device cannot have, with the rule' {
            $p = Get-AseTestConnectParameters -Sim Facts
            $err = Get-AseTestError { Connect-AseDevice @p -CustomSize 'Custom_GPU_T4_v3:8:28:3' -ErrorAction Stop }
            $err.Exception.Message | Should -Match '1 or 2'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }

        AfterAll {
            $null = Invoke-AseSim -Sim Facts -Method PATCH -Path device -Body @{ customSizes = @() }
            Connect-AseTestDevice -Sim Facts
        }
    }

    Context 'a GPU VM stopped while Kubernetes is configured' {
        BeforeAll {
            $null = New-AseTestVM -ResourceGroupName $rg -Name 'pester-fstop' -ImageName $image
            $null = Invoke-AseSim -Sim Facts -Method PATCH -Path device -Body @{ kubernetesConfigured = $true }
            Connect-AseTestDevice -Sim Facts -KubernetesConfigured $true
        }

        It 'Stop-AseVM -StayProvisioned warns that Kubernetes may take over its GPU, and says what to do' {
            $warnings = $null
            $null = Stop-AseVM -ResourceGroupName $rg -Name 'pester-fstop' -StayProvisioned -Force -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
            ($warnings -join ' ') | Should -Match 'Kubernetes may take over its GPU'
            ($warnings -join ' ') | Should -Match 'Get-HcsGpuNvidiaSmi'
        }

        It 'on this device Kubernetes took it (the opt-in takeover): Start-AseVM fails naming Kubernetes' {
            (Invoke-AseSim -Sim Facts -Path device).kubernetesGpus | Should -Be 2
            $err = Get-AseTestError { Start-AseVM -ResourceGroupName $rg -Name 'pester-fstop' -ErrorAction Stop }
            $err.Exception.Message | Should -Match 'claimed by Kubernetes'
        }

        AfterAll {
            Remove-AseVM -ResourceGroupName $rg -Name 'pester-fstop' -Force -ErrorAction SilentlyContinue
            $null = Invoke-AseSim -Sim Facts -Method PATCH -Path device -Body @{ kubernetesConfigured = $false }
            Connect-AseTestDevice -Sim Facts
        }
    }

    Context 'the GPU extension on a device whose compute network has no internet' {
        BeforeAll {
            $null = New-AseTestVM -ResourceGroupName $rg -Name 'pester-fext' -ImageName $image
        }

        It 'Install-AseGpuExtension says the install needs the internet, then fails with the cause and the guest log paths' {
            # Verbose records (4>&1) and the terminating error, caught where they are written.
            $records = & { try { Install-AseGpuExtension -ResourceGroupName $rg -VMName 'pester-fext' -Confirm:$false -Verbose -WarningAction SilentlyContinue -ErrorAction Stop 4>&1 } catch { $_ } }
            $err = @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })[0]
            $verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $err | Should -Not -BeNullOrEmpty
            ($verbose -join ' ') | Should -Match 'NVIDIA driver from the internet'
            $err.Exception.Message | Should -Match 'downloading package'
            $err.Exception.Message | Should -Match 'must reach the internet'
            $err.Exception.Message | Should -Match '/var/log/azure/nvidia-vmext-status'
        }

        AfterAll {
            Remove-AseVM -ResourceGroupName $rg -Name 'pester-fext' -Force -ErrorAction SilentlyContinue
        }
    }

    Context 'a device update with MPS on' {
        It 'Suspend-AseGpuVMsForUpdate reminds that the update turns MPS off (Start-HcsGpuMPS again)' {
            $p = Get-AseTestConnectParameters -Sim Facts
            $null = Connect-AseDevice @p -MpsEnabled $true -ErrorAction Stop
            $warnings = $null
            $null = Suspend-AseGpuVMsForUpdate -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
            ($warnings -join ' ') | Should -Match 'MPS is on'
            ($warnings -join ' ') | Should -Match 'Start-HcsGpuMPS'
        }
    }
}
