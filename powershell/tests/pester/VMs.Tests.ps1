# New-AseGpuVM, Get-AseVM, Start-AseVM, Stop-AseVM, Restart-AseVM, Remove-AseVM.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    Connect-AseTestDevice
    $rg = New-AseTestResourceGroup 'pester-vm'
    $image = New-AseTestImage -ResourceGroupName $rg
    # One GPU VM (New-AseGpuVM) and one CPU VM (CreateVM.json) live through the file.
    $gpuVm = New-AseGpuVM -ResourceGroupName $rg -Name 'pester-gvm' -Image $image -Credential (Get-AseTestVmCredential) -ErrorAction Stop
    $null = New-AseTestVM -ResourceGroupName $rg -Name 'pester-cvm' -ImageName $image -Size 'Standard_D2_v2'

    function Get-PowerState([string]$Name) { (Get-AseVM -ResourceGroupName $rg -Name $Name -ErrorAction Stop).PowerState }
    function Set-PowerState([string]$Name, [string]$State) {
        switch ($State) {
            'running' { $null = Start-AseVM -ResourceGroupName $rg -Name $Name -ErrorAction Stop }
            'stopped' { $null = Stop-AseVM -ResourceGroupName $rg -Name $Name -StayProvisioned -Force -ErrorAction Stop }
            'deallocated' { $null = Stop-AseVM -ResourceGroupName $rg -Name $Name -Force -ErrorAction Stop }
        }
        Get-PowerState $Name | Should -Be $State
    }
}

AfterAll {
    Remove-AseTestResourceGroups
    Disconnect-AseDevice
}

Describe 'VMs: New-AseGpuVM, Get-AseVM, Start-AseVM, Stop-AseVM, Restart-AseVM, Remove-AseVM' {
    Context 'New-AseGpuVM' {
        It 'creates a running GPU VM (NIC + VM) with a dynamic address in the compute subnet' {
            $gpuVm.Name | Should -Be 'pester-gvm'
            $gpuVm.ResourceGroupName | Should -Be $rg
            $gpuVm.VmSize | Should -Be 'Standard_NC4as_T4_v3'
            $gpuVm.Gpus | Should -Be 1
            $gpuVm.PowerState | Should -Be 'running'
            $gpuVm.PrivateIpAddress | Should -BeLike '10.57.*'
        }

        It 'takes a static -PrivateIpAddress and a CPU -Size' {
            $vm = New-AseGpuVM -ResourceGroupName $rg -Name 'pester-static' -Image $image -Size 'Standard_D2_v2' -PrivateIpAddress '10.57.48.77' -Credential (Get-AseTestVmCredential) -ErrorAction Stop
            $vm.PrivateIpAddress | Should -Be '10.57.48.77'
            $vm.Gpus | Should -Be 0
        }
    }

    Context 'Get-AseVM' {
        It 'without arguments lists every VM of the device' {
            $all = @(Get-AseVM -ErrorAction Stop)
            $mine = @($all | Where-Object ResourceGroupName -eq $rg).Name
            $mine | Should -Contain 'pester-gvm'
            $mine | Should -Contain 'pester-cvm'
        }

        It '-ResourceGroupName lists the group''s VMs, -Name takes a wildcard, -Name alone searches the device' {
            @(Get-AseVM -ResourceGroupName $rg).Name | Should -Contain 'pester-cvm'
            @(Get-AseVM -ResourceGroupName $rg -Name 'pester-g*').Name | Should -Be @('pester-gvm')
            @(Get-AseVM -Name 'pester-gvm' -ErrorAction Stop | Where-Object ResourceGroupName -eq $rg).Count | Should -Be 1
        }

        It '-Status gives the instance view: power state, statuses, extensions' {
            $status = Get-AseVM -ResourceGroupName $rg -Name 'pester-gvm' -Status -ErrorAction Stop
            $status.Name | Should -Be 'pester-gvm'
            $status.PowerState | Should -BeLike '*running'
            @($status.Statuses).Code | Should -Contain 'PowerState/running'
            @($status.Statuses).Code | Should -Contain 'ProvisioningState/succeeded'
        }

        It 'a missing VM is NotFound (ObjectNotFound)' {
            $err = Get-AseTestError { Get-AseVM -ResourceGroupName $rg -Name 'pester-no-such-vm' -ErrorAction Stop }
            Assert-AseError $err -Status NotFound -Category ObjectNotFound
        }
    }

    Context 'power states' {
        It 'Stop-AseVM -StayProvisioned powers off and keeps the GPU' {
            $vm = Stop-AseVM -ResourceGroupName $rg -Name 'pester-gvm' -StayProvisioned -Force -ErrorAction Stop
            $vm.PowerState | Should -Be 'stopped'
            @((Get-AseGpuAvailability).GpuVms).Name | Should -Contain 'pester-gvm'
        }

        It 'Start-AseVM starts it again' {
            (Start-AseVM -ResourceGroupName $rg -Name 'pester-gvm' -ErrorAction Stop).PowerState | Should -Be 'running'
        }

        It 'Restart-AseVM restarts a running VM (a restart reaches the device)' {
            $before = @(Get-AseTestTraffic -Writes | Where-Object Url -like '*/pester-gvm/restart*').Count
            (Restart-AseVM -ResourceGroupName $rg -Name 'pester-gvm' -ErrorAction Stop).PowerState | Should -Be 'running'
            @(Get-AseTestTraffic -Writes | Where-Object Url -like '*/pester-gvm/restart*').Count | Should -Be ($before + 1)
        }

        It 'Stop-AseVM without -StayProvisioned deallocates (the GPU is released)' {
            (Stop-AseVM -ResourceGroupName $rg -Name 'pester-gvm' -Force -ErrorAction Stop).PowerState | Should -Be 'deallocated'
            @((Get-AseGpuAvailability).GpuVms | Where-Object { $_.Name -eq 'pester-gvm' -and $_.Gpus -gt 0 -and $_.PowerState -ne 'deallocated' }) | Should -BeNullOrEmpty
            $null = Start-AseVM -ResourceGroupName $rg -Name 'pester-gvm' -ErrorAction Stop
        }
    }

    Context 'pipelines' {
        It 'Get-AseVM -ResourceGroupName | Where-Object Gpus -gt 0 | Stop-AseVM -StayProvisioned -Force stops only the GPU VMs' {
            Set-PowerState 'pester-gvm' 'running'
            Set-PowerState 'pester-cvm' 'running'
            Get-AseVM -ResourceGroupName $rg | Where-Object Gpus -gt 0 | Stop-AseVM -StayProvisioned -Force -ErrorAction Stop | Out-Null
            Get-PowerState 'pester-gvm' | Should -Be 'stopped'
            Get-PowerState 'pester-cvm' | Should -Be 'running'
        }

        It 'Get-AseVM -ResourceGroupName | Start-AseVM starts them all' {
            Get-AseVM -ResourceGroupName $rg | Start-AseVM -ErrorAction Stop | Out-Null
            @(Get-AseVM -ResourceGroupName $rg | Where-Object PowerState -ne 'running') | Should -BeNullOrEmpty
        }

        It 'Get-AseVM | Stop-AseVM -Force (the device-wide list, narrowed to this group) deallocates' {
            Get-AseVM | Where-Object ResourceGroupName -eq $rg | Stop-AseVM -Force -ErrorAction Stop | Out-Null
            @(Get-AseVM -ResourceGroupName $rg | Where-Object PowerState -ne 'deallocated') | Should -BeNullOrEmpty
            Get-AseVM -ResourceGroupName $rg | Start-AseVM -ErrorAction Stop | Out-Null
        }

        It 'Get-AseVM -Name wildcard | Remove-AseVM -WhatIf removes nothing' {
            $writes = Get-AseTestWriteCount
            Get-AseVM -ResourceGroupName $rg -Name 'pester-*' | Remove-AseVM -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-gvm' | Should -BeTrue
        }
    }

    Context 'ShouldProcess' {
        It '<Command> -WhatIf leaves a <From> VM <From> and sends nothing' -ForEach @(
            @{ Command = 'Start-AseVM'; From = 'deallocated' }
            @{ Command = 'Stop-AseVM'; From = 'running' }
            @{ Command = 'Restart-AseVM'; From = 'running' }
            @{ Command = 'Remove-AseVM'; From = 'running' }
        ) {
            Set-PowerState 'pester-cvm' $From
            $writes = Get-AseTestWriteCount
            & $Command -ResourceGroupName $rg -Name 'pester-cvm' -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            Get-PowerState 'pester-cvm' | Should -Be $From
        }

        It '<Command> -Confirm:$false takes a <From> VM to <To>' -ForEach @(
            @{ Command = 'Start-AseVM'; From = 'deallocated'; To = 'running' }
            @{ Command = 'Stop-AseVM'; From = 'running'; To = 'deallocated' }
            @{ Command = 'Restart-AseVM'; From = 'running'; To = 'running' }
        ) {
            Set-PowerState 'pester-cvm' $From
            $writes = Get-AseTestWriteCount
            $null = & $Command -ResourceGroupName $rg -Name 'pester-cvm' -Confirm:$false -ErrorAction Stop
            Get-AseTestWriteCount | Should -BeGreaterThan $writes
            Get-PowerState 'pester-cvm' | Should -Be $To
        }

        It 'New-AseGpuVM -WhatIf creates nothing and sends nothing' {
            $writes = Get-AseTestWriteCount
            New-AseGpuVM -ResourceGroupName $rg -Name 'pester-nwhatif' -Image $image -Size 'Standard_D2_v2' -Credential (Get-AseTestVmCredential) -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-nwhatif' | Should -BeFalse
        }

        It 'New-AseGpuVM -Confirm:$false creates the VM' {
            $vm = New-AseGpuVM -ResourceGroupName $rg -Name 'pester-nconf' -Image $image -Size 'Standard_D2_v2' -Credential (Get-AseTestVmCredential) -Confirm:$false -ErrorAction Stop
            $vm.PowerState | Should -Be 'running'
        }

        It 'Remove-AseVM -Confirm:$false -PassThru deletes the VM and outputs $true' {
            $null = New-AseGpuVM -ResourceGroupName $rg -Name 'pester-rm' -Image $image -Size 'Standard_D2_v2' -Credential (Get-AseTestVmCredential) -ErrorAction Stop
            Remove-AseVM -ResourceGroupName $rg -Name 'pester-rm' -Confirm:$false -PassThru -ErrorAction Stop | Should -Be $true
            Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-rm' | Should -BeFalse
        }
    }
}
