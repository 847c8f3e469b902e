# Install-AseGpuExtension, Get-AseVMExtension, Remove-AseVMExtension (and a second extension from the
# device's ExtensionTemplates/CustomScriptExtension template, so that a VM has more than one).

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    Connect-AseTestDevice
    $rg = New-AseTestResourceGroup 'pester-ext'
    $image = New-AseTestImage -ResourceGroupName $rg -Name 'ubuntu1804img'
    $vm = 'pester-xvm'
    $null = New-AseTestVM -ResourceGroupName $rg -Name $vm -ImageName $image
    $null = New-AseTestVM -ResourceGroupName $rg -Name 'pester-xcpu' -ImageName $image -Size 'Standard_D2_v2'

    function Get-ExtensionNames { @(Get-AseVMExtension -ResourceGroupName $rg -VMName $vm -ErrorAction Stop | ForEach-Object { $_.Name }) }
}

AfterAll {
    Remove-AseTestResourceGroups
    Disconnect-AseDevice
}

Describe 'GPU extension: Install-AseGpuExtension, Get-AseVMExtension, Remove-AseVMExtension' {
    It 'Get-AseVMExtension without -Name on a VM without extensions returns nothing (not an empty object)' {
        @(Get-AseVMExtension -ResourceGroupName $rg -VMName $vm -ErrorAction Stop) | Should -BeNullOrEmpty
    }

    It 'Install-AseGpuExtension chooses publisher, type and version from the OS and the release, and waits for Succeeded' {
        $x = Install-AseGpuExtension -ResourceGroupName $rg -VMName $vm -ErrorAction Stop
        $x.ProvisioningState | Should -Be 'Succeeded'
        $x.Publisher | Should -Be 'Microsoft.HpcCompute'
        $x.ExtensionType | Should -Be 'NvidiaGpuDriverLinux'
        $x.TypeHandlerVersion | Should -Be '1.8'
        $x.Name | Should -Not -BeNullOrEmpty
    }

    It 'Get-AseVMExtension -Name gets that extension with its statuses' {
        $name = @(Get-ExtensionNames)[0]
        $x = Get-AseVMExtension -ResourceGroupName $rg -VMName $vm -Name $name -ErrorAction Stop
        @($x).Count | Should -Be 1
        $x.Name | Should -Be $name
        $x.VMName | Should -Be $vm
        @($x.Statuses).Count | Should -BeGreaterThan 0
    }

    It 'Get-AseVMExtension without -Name returns one object per extension (GPU + custom script from the device template)' {
        $d = New-AseResourceGroupDeployment -ResourceGroupName $rg -Name 'pester-cse' `
            -TemplateFile (Get-AseTestFixture 'ExtensionTemplates/CustomScriptExtension/addCSextensiontoVM.json') `
            -TemplateParameterFile (Get-AseTestFixture 'ExtensionTemplates/CustomScriptExtension/addCSExtLinuxVM.parameters.json') `
            -TemplateParameterObject @{ vmName = $vm } -ErrorAction Stop
        $d.ProvisioningState | Should -Be 'Succeeded'
        $all = @(Get-AseVMExtension -ResourceGroupName $rg -VMName $vm -ErrorAction Stop)
        $all.Count | Should -Be 2
        $all.Name | Should -Contain 'LinuxCustomScriptExtension'
        $all | ForEach-Object { $_.Name | Should -Not -BeNullOrEmpty; $_.Publisher | Should -Not -BeNullOrEmpty; $_.ProvisioningState | Should -Be 'Succeeded' }
    }

    It 'Get-AseVMExtension of a missing VM is NotFound' {
        $err = Get-AseTestError { Get-AseVMExtension -ResourceGroupName $rg -VMName 'pester-no-such-vm' -ErrorAction Stop }
        Assert-AseError $err -Status NotFound -Category ObjectNotFound
    }

    It 'a VM of a CPU size is refused before anything is sent' {
        $writes = Get-AseTestWriteCount
        $err = Get-AseTestError { Install-AseGpuExtension -ResourceGroupName $rg -VMName 'pester-xcpu' -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -Not -BeNullOrEmpty
        "$err" | Should -BeLike '*GPU*'
        Get-AseTestWriteCount | Should -Be $writes
    }

    Context 'pipelines' {
        It 'Get-AseVMExtension | Remove-AseVMExtension -WhatIf removes nothing' {
            $before = @(Get-ExtensionNames)
            $writes = Get-AseTestWriteCount
            Get-AseVMExtension -ResourceGroupName $rg -VMName $vm | Remove-AseVMExtension -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            @(Get-ExtensionNames) | Should -Be $before
        }

        It 'Get-AseVMExtension -Name | Remove-AseVMExtension -Force removes it' {
            Get-AseVMExtension -ResourceGroupName $rg -VMName $vm -Name 'LinuxCustomScriptExtension' | Remove-AseVMExtension -Force -ErrorAction Stop
            @(Get-ExtensionNames) | Should -Not -Contain 'LinuxCustomScriptExtension'
        }

        It 'Get-AseVM | Install-AseGpuExtension -Release 2309 installs on the piped VM' {
            $x = Get-AseVM -ResourceGroupName $rg -Name $vm | Install-AseGpuExtension -Release 2309 -ErrorAction Stop
            $x.ProvisioningState | Should -Be 'Succeeded'
            $x.VMName | Should -Be $vm
        }
    }

    Context 'ShouldProcess' {
        It 'Remove-AseVMExtension -WhatIf keeps the extension and sends nothing' {
            $name = @(Get-ExtensionNames)[0]
            $writes = Get-AseTestWriteCount
            Remove-AseVMExtension -ResourceGroupName $rg -VMName $vm -Name $name -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            @(Get-ExtensionNames) | Should -Contain $name
        }

        It 'Remove-AseVMExtension -Confirm:$false removes it' {
            $name = @(Get-ExtensionNames)[0]
            Remove-AseVMExtension -ResourceGroupName $rg -VMName $vm -Name $name -Confirm:$false -ErrorAction Stop
            @(Get-ExtensionNames) | Should -Not -Contain $name
        }

        It 'Install-AseGpuExtension -WhatIf installs nothing and sends nothing' {
            @(Get-ExtensionNames) | Should -BeNullOrEmpty
            $writes = Get-AseTestWriteCount
            Install-AseGpuExtension -ResourceGroupName $rg -VMName $vm -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            @(Get-ExtensionNames) | Should -BeNullOrEmpty
        }

        It 'Install-AseGpuExtension -Confirm:$false installs' {
            (Install-AseGpuExtension -ResourceGroupName $rg -VMName $vm -Confirm:$false -ErrorAction Stop).ProvisioningState | Should -Be 'Succeeded'
            @(Get-ExtensionNames).Count | Should -Be 1
        }
    }
}
