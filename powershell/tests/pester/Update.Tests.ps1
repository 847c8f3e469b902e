# Suspend-AseGpuVMsForUpdate and Resume-AseGpuVMsAfterUpdate (around a device update: GPU VMs stop
# staying provisioned, keeping their GPUs, and start again afterwards).

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    Connect-AseTestDevice
    $rg = New-AseTestResourceGroup 'pester-upd'
    $image = New-AseTestImage -ResourceGroupName $rg
    $gpu = 'pester-ugpu'
    $cpu = 'pester-ucpu'
    $null = New-AseTestVM -ResourceGroupName $rg -Name $gpu -ImageName $image
    $null = New-AseTestVM -ResourceGroupName $rg -Name $cpu -ImageName $image -Size 'Standard_D2_v2'

    function Get-PowerState([string]$Name) { (Get-AseVM -ResourceGroupName $rg -Name $Name -ErrorAction Stop).PowerState }
}

AfterAll {
    Remove-AseTestResourceGroups
    Disconnect-AseDevice
}

Describe 'Device update: Suspend-AseGpuVMsForUpdate, Resume-AseGpuVMsAfterUpdate' {
    It 'Suspend-AseGpuVMsForUpdate -WhatIf stops nothing and sends nothing' {
        $writes = Get-AseTestWriteCount
        Suspend-AseGpuVMsForUpdate -WhatIf -ErrorAction Stop
        Get-AseTestWriteCount | Should -Be $writes
        Get-PowerState $gpu | Should -Be 'running'
    }

    It 'Suspend-AseGpuVMsForUpdate -Path -Force writes the record and stops the GPU VMs staying provisioned' {
        $path = Join-Path $TestDrive 'gpu-vms.json'
        $file = Suspend-AseGpuVMsForUpdate -Path $path -Force -ErrorAction Stop
        $file.FullName | Should -Be $path
        $record = Get-Content -Raw -LiteralPath $path | ConvertFrom-Json
        @($record.stopped).name | Should -Contain $gpu
        @($record.stopped).name | Should -Not -Contain $cpu
        Get-PowerState $gpu | Should -Be 'stopped'
        Get-PowerState $cpu | Should -Be 'running'
    }

    It 'Resume-AseGpuVMsAfterUpdate -Path -WhatIf starts nothing and sends nothing' {
        $writes = Get-AseTestWriteCount
        Resume-AseGpuVMsAfterUpdate -Path (Join-Path $TestDrive 'gpu-vms.json') -WhatIf -ErrorAction Stop
        Get-AseTestWriteCount | Should -Be $writes
        Get-PowerState $gpu | Should -Be 'stopped'
    }

    It 'Resume-AseGpuVMsAfterUpdate -Path starts the recorded VMs and outputs them' {
        $started = @(Resume-AseGpuVMsAfterUpdate -Path (Join-Path $TestDrive 'gpu-vms.json') -ErrorAction Stop)
        $started.Name | Should -Contain $gpu
        Get-PowerState $gpu | Should -Be 'running'
    }

    It 'Suspend-AseGpuVMsForUpdate -Confirm:$false outputs the record; $record | Resume-AseGpuVMsAfterUpdate starts them' {
        $record = Suspend-AseGpuVMsForUpdate -Confirm:$false -ErrorAction Stop
        @($record.Stopped).Name | Should -Contain $gpu
        Get-PowerState $gpu | Should -Be 'stopped'
        $started = @($record | Resume-AseGpuVMsAfterUpdate -ErrorAction Stop)
        $started.Name | Should -Contain $gpu
        Get-PowerState $gpu | Should -Be 'running'
    }

    It 'Resume-AseGpuVMsAfterUpdate -Confirm:$false takes the record''s JSON from the pipeline' {
        $record = Suspend-AseGpuVMsForUpdate -Force -ErrorAction Stop
        $started = @($record.Json | Resume-AseGpuVMsAfterUpdate -Confirm:$false -ErrorAction Stop)
        $started.Name | Should -Contain $gpu
        Get-PowerState $gpu | Should -Be 'running'
    }

    It 'a missing record file is FileNotFound' {
        $err = Get-AseTestError { Resume-AseGpuVMsAfterUpdate -Path (Join-Path $TestDrive 'no-such-record.json') -ErrorAction Stop }
        Assert-AseError $err -Status FileNotFound -Category ObjectNotFound
    }
}
