# New-AseResourceGroupDeployment with the device's real templates (VmTemplates/CreateImage, VmTemplates/CreateVM).
# Progress, Ctrl+C and -AsJob of deployments are in LongRunning.Tests.ps1.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    Connect-AseTestDevice
    $rg = New-AseTestResourceGroup 'pester-dep'
    $image = New-AseTestImage -ResourceGroupName $rg
    $createImage = Get-AseTestFixture 'VmTemplates/CreateImage/CreateImage.json'
    $createImageParameters = Get-AseTestFixture 'VmTemplates/CreateImage/CreateImage.parameters.json'
}

AfterAll {
    Remove-AseTestResourceGroups
    Disconnect-AseDevice
}

Describe 'Deployments: New-AseResourceGroupDeployment' {
    Context 'a GPU VM from CreateVM.json and CreateVM.parameters.json, values overridden' {
        BeforeAll {
            $t = Get-AseTestVmTemplate -ResourceGroupName $rg -VMName 'pester-dvm1' -ImageName $image
            $d = New-AseResourceGroupDeployment @t -Name 'pester-dvm1' -ErrorAction Stop
        }

        It 'has the PSResourceGroupDeployment fields' {
            $d.DeploymentName | Should -Be 'pester-dvm1'
            $d.ResourceGroupName | Should -Be $rg
            $d.ProvisioningState | Should -Be 'Succeeded'
            $d.Mode | Should -Be 'Incremental'
            $d.Timestamp | Should -Not -BeNullOrEmpty
        }

        It 'Parameters is indexed by name: .Parameters[''vmName''].Value' {
            $d.Parameters['vmName'].Value | Should -Be 'pester-dvm1'
            $d.Parameters['vmSize'].Value | Should -Be 'Standard_NC4as_T4_v3'
            $d.Parameters['subnetName'].Value | Should -Be 'ASEVNETsubNet'   # from the parameter file
        }

        It 'reports the VM and its private IP address' {
            @($d.IpAddresses).Count | Should -Be 1
            @($d.IpAddresses)[0] | Should -BeLike '10.57.*'
            $vm = Get-AseVM -ResourceGroupName $rg -Name 'pester-dvm1' -ErrorAction Stop
            $vm.VmSize | Should -Be 'Standard_NC4as_T4_v3'
            $vm.PowerState | Should -Be 'running'
            $vm.Gpus | Should -Be 1
            $vm.PrivateIpAddress | Should -Be @($d.IpAddresses)[0]
        }
    }

    It 'CreateImage.json makes an image the preflight finds; without -Name the deployment is named after the template' {
        $d = New-AseResourceGroupDeployment -ResourceGroupName $rg -TemplateFile $createImage -TemplateParameterFile $createImageParameters `
            -TemplateParameterObject @{ osType = 'Linux'; imageName = 'pester-img2' } -ErrorAction Stop
        $d.DeploymentName | Should -Be 'CreateImage'
        $d.ProvisioningState | Should -Be 'Succeeded'
        Test-AseTestImageExists -ResourceGroupName $rg -Name 'pester-img2' | Should -BeTrue
    }

    It 'takes -ResourceGroupName from the pipeline (Get-AseResourceGroup | New-AseResourceGroupDeployment)' {
        $p = Get-AseTestVmParameters -VMName 'pester-dpipe' -ImageName $image -Size 'Standard_D2_v2'
        $d = Get-AseResourceGroup -Name $rg | New-AseResourceGroupDeployment -TemplateFile (Get-AseTestFixture 'VmTemplates/CreateVM/CreateVM.json') `
            -TemplateParameterFile (Get-AseTestFixture 'VmTemplates/CreateVM/CreateVM.parameters.json') -TemplateParameterObject $p -Name 'pester-dpipe' -ErrorAction Stop
        $d.ResourceGroupName | Should -Be $rg
        Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-dpipe' | Should -BeTrue
    }

    It 'a missing template file is FileNotFound (ObjectNotFound) and nothing is sent' {
        $writes = Get-AseTestWriteCount
        $err = Get-AseTestError { New-AseResourceGroupDeployment -ResourceGroupName $rg -TemplateFile (Join-Path $TestDrive 'missing.json') -ErrorAction Stop }
        Assert-AseError $err -Status FileNotFound -Category ObjectNotFound
        Get-AseTestWriteCount | Should -Be $writes
    }

    It 'a deployment the device fails (-Force past the preflight, missing image) is one OperationFailed error naming the resource' {
        $t = Get-AseTestVmTemplate -ResourceGroupName $rg -VMName 'pester-dfail' -ImageName 'pester-no-such-image' -Size 'Standard_D2_v2'
        $errors = $null
        $out = New-AseResourceGroupDeployment @t -Name 'pester-dfail' -Force -ErrorAction SilentlyContinue -ErrorVariable errors
        $out | Should -BeNullOrEmpty
        @($errors).Count | Should -Be 1
        Assert-AseError $errors[0] -Status OperationFailed -Category InvalidResult
        "$($errors[0].ErrorDetails.Message)" | Should -BeLike '*pester-dfail*'
    }

    Context 'ShouldProcess' {
        It '-WhatIf deploys nothing and sends nothing' {
            $t = Get-AseTestVmTemplate -ResourceGroupName $rg -VMName 'pester-dwhatif' -ImageName $image -Size 'Standard_D2_v2'
            $writes = Get-AseTestWriteCount
            New-AseResourceGroupDeployment @t -Name 'pester-dwhatif' -WhatIf -ErrorAction Stop | Should -BeNullOrEmpty
            Get-AseTestWriteCount | Should -Be $writes
            Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-dwhatif' | Should -BeFalse
        }

        It '-Confirm:$false deploys' {
            $t = Get-AseTestVmTemplate -ResourceGroupName $rg -VMName 'pester-dconf' -ImageName $image -Size 'Standard_D2_v2'
            $d = New-AseResourceGroupDeployment @t -Name 'pester-dconf' -Confirm:$false -ErrorAction Stop
            $d.ProvisioningState | Should -Be 'Succeeded'
            Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-dconf' | Should -BeTrue
        }
    }
}
