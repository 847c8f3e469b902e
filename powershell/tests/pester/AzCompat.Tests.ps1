# AseGpu.AzCompat: the documented Az commands on top of AseGpu, with the Az object shapes scripts use.
# (Errors through both modules are in Errors.Tests.ps1.)

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    $sim = Get-AseTestSim Fast
    $hostMap = Get-AseTestHostMap $sim
    $null = Add-AzEnvironment -Name AzASE -ARMEndpoint $sim.arm_endpoint
    $null = Connect-AzAccount -EnvironmentName AzASE -TenantId $AseTestTenant -Credential (Get-AseTestCredential) -CaCertificate $sim.ca_cert -HostMap $hostMap -ErrorAction Stop
    $rg = New-AseTestResourceGroup 'pester-az'
    $image = New-AseTestImage -ResourceGroupName $rg -Name 'ubuntu1804img'
    $createVm = Get-AseTestFixture 'VmTemplates/CreateVM/CreateVM.json'

    function Connect-AzTest { $null = Connect-AzAccount -EnvironmentName AzASE -TenantId $AseTestTenant -Credential (Get-AseTestCredential) -CaCertificate $sim.ca_cert -HostMap $hostMap -ErrorAction Stop }
    function Get-PowerState([string]$Name) { (Get-AseVM -ResourceGroupName $rg -Name $Name -ErrorAction Stop).PowerState }
    function Get-AzTestParameterFile([string]$Name, [string]$Size = 'Standard_D2_v2') {
        New-AseTestParameterFile -Path (Join-Path $TestDrive "$Name.parameters.json") -VMName $Name -ImageName $image -Size $Size
    }
    function New-AzTestVM([string]$Name, [string]$Size = 'Standard_D2_v2') {
        $null = New-AzResourceGroupDeployment -ResourceGroupName $rg -Name $Name -TemplateFile $createVm -TemplateParameterFile (Get-AzTestParameterFile $Name $Size) -ErrorAction Stop
    }
}

AfterAll {
    Remove-AseTestResourceGroups
    Disconnect-AseDevice
}

Describe 'AzCompat session: Add-AzEnvironment, Connect-AzAccount' {
    It 'Add-AzEnvironment registers the device''s ARM endpoint as an ADFS environment' {
        $environment = Add-AzEnvironment -Name AzASE2 -ARMEndpoint $sim.arm_endpoint.TrimEnd('/')
        $environment.Name | Should -Be 'AzASE2'
        $environment.ResourceManagerUrl | Should -Be $sim.arm_endpoint
        $environment.EnableAdfsAuthentication | Should -BeTrue
    }

    It 'Connect-AzAccount returns a profile whose Context has Subscription.Name, Account.Id, Environment.Name, Tenant.Id' {
        $azProfile = Connect-AzAccount -EnvironmentName AzASE -TenantId $AseTestTenant -Credential (Get-AseTestCredential) -CaCertificate $sim.ca_cert -HostMap $hostMap -ErrorAction Stop
        $azProfile.Context.Subscription.Name | Should -Be 'Default Provider Subscription'
        $azProfile.Context.Subscription.Id | Should -Be $sim.subscription_id
        $azProfile.Context.Account.Id | Should -BeLike 'EdgeArmUser*'
        $azProfile.Context.Environment.Name | Should -Be 'AzASE'
        $azProfile.Context.Tenant.Id | Should -Be $AseTestTenant
    }

    It 'the AseGpu session is the one Connect-AzAccount made' {
        Connect-AzTest
        (Get-AseContext).SubscriptionId | Should -Be $sim.subscription_id
    }

    It 'a wrong password fails through Connect-AzAccount as Authentication' {
        $err = Get-AseTestError { Connect-AzAccount -EnvironmentName AzASE -Credential (Get-AseTestCredential -Password 'wrong') -CaCertificate $sim.ca_cert -HostMap $hostMap -ErrorAction Stop }
        Assert-AseError $err -Status Authentication -Category AuthenticationError
    }

    It 'an environment that was not added cannot be used' {
        $err = Get-AseTestError { Connect-AzAccount -EnvironmentName 'NoSuchEnvironment' -Credential (Get-AseTestCredential) -CaCertificate $sim.ca_cert -HostMap $hostMap -ErrorAction Stop }
        [string]$err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'device-code sign-in is refused (NotImplemented)' {
        $err = Get-AseTestError { Connect-AzAccount -EnvironmentName AzASE -UseDeviceAuthentication -ErrorAction Stop }
        [string]$err.CategoryInfo.Category | Should -Be 'NotImplemented'
    }

    Context 'ShouldProcess' {
        It 'Add-AzEnvironment -WhatIf registers nothing' {
            Add-AzEnvironment -Name AzWhatIf -ARMEndpoint $sim.arm_endpoint -WhatIf | Should -BeNullOrEmpty
            $err = Get-AseTestError { Connect-AzAccount -EnvironmentName AzWhatIf -Credential (Get-AseTestCredential) -CaCertificate $sim.ca_cert -HostMap $hostMap -ErrorAction Stop }
            [string]$err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'Add-AzEnvironment -Confirm:$false registers' {
            (Add-AzEnvironment -Name AzConfirm -ARMEndpoint $sim.arm_endpoint -Confirm:$false).Name | Should -Be 'AzConfirm'
        }

        It 'Connect-AzAccount -WhatIf does not sign in' {
            Disconnect-AseDevice
            Connect-AzAccount -EnvironmentName AzASE -Credential (Get-AseTestCredential) -CaCertificate $sim.ca_cert -HostMap $hostMap -WhatIf | Should -BeNullOrEmpty
            Get-AseContext | Should -BeNullOrEmpty
        }

        It 'Connect-AzAccount -Confirm:$false signs in' {
            $azProfile = Connect-AzAccount -EnvironmentName AzConfirm -Credential (Get-AseTestCredential) -CaCertificate $sim.ca_cert -HostMap $hostMap -Confirm:$false -ErrorAction Stop
            $azProfile | Should -Not -BeNullOrEmpty
            (Get-AseContext).SubscriptionId | Should -Be $sim.subscription_id
            Connect-AzTest
        }
    }
}

Describe 'AzCompat resource groups: New-AzResourceGroup, Get-AzResourceGroup, Remove-AzResourceGroup' {
    BeforeAll { Connect-AzTest }

    It 'New-AzResourceGroup -Name -Location DBELocal creates it' {
        $name = New-AseTestName 'pester-azrg'
        $AseTestGroups.Add($name)
        $group = New-AzResourceGroup -Name $name -Location DBELocal -Tag @{ team = 'pester' } -ErrorAction Stop
        $group.ResourceGroupName | Should -Be $name
        $group.ProvisioningState | Should -Be 'Succeeded'
        $group.ResourceId | Should -BeLike "/subscriptions/*/resourceGroups/$name"
    }

    It 'New-AzResourceGroup -Force updates an existing group without asking' {
        $name = New-AseTestResourceGroup 'pester-azup'
        (New-AzResourceGroup -Name $name -Location DBELocal -Tag @{ stage = 'two' } -Force -ErrorAction Stop).Tags['stage'] | Should -Be 'two'
    }

    It 'Get-AzResourceGroup without arguments lists every group' {
        $all = @(Get-AzResourceGroup -ErrorAction Stop)
        $all.ResourceGroupName | Should -Contain 'ASERG'
        $all.ResourceGroupName | Should -Contain $rg
    }

    It 'Get-AzResourceGroup | Where-Object ProvisioningState -eq Succeeded (the documented filter)' {
        @(Get-AzResourceGroup | Where-Object ProvisioningState -eq Succeeded).ResourceGroupName | Should -Contain $rg
    }

    It 'Get-AzResourceGroup by -Name, by -Id, by -Tag' {
        $group = Get-AzResourceGroup -Name $rg -ErrorAction Stop
        (Get-AzResourceGroup -Id $group.ResourceId -ErrorAction Stop).ResourceGroupName | Should -Be $rg
        $tagged = New-AseTestName 'pester-aztag'
        $AseTestGroups.Add($tagged)
        $null = New-AzResourceGroup -Name $tagged -Location DBELocal -Tag @{ pester = 'tagged' } -ErrorAction Stop
        @(Get-AzResourceGroup -Tag @{ pester = 'tagged' }).ResourceGroupName | Should -Be @($tagged)
    }

    It 'Remove-AzResourceGroup -Force outputs $true' {
        $name = New-AseTestResourceGroup 'pester-azdel'
        Remove-AzResourceGroup -Name $name -Force -ErrorAction Stop | Should -Be $true
        @(Get-AseResourceGroup -Name $name -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }

    It 'Get-AzResourceGroup | Remove-AzResourceGroup -Force removes the piped groups' {
        $name = New-AseTestResourceGroup 'pester-azpipe'
        Get-AzResourceGroup -Name $name | Remove-AzResourceGroup -Force -ErrorAction Stop | Should -Be $true
        @(Get-AseResourceGroup -Name $name -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }

    Context 'ShouldProcess' {
        It 'New-AzResourceGroup -WhatIf creates nothing and sends nothing' {
            $name = New-AseTestName 'pester-azwi'
            $writes = Get-AseTestWriteCount
            New-AzResourceGroup -Name $name -Location DBELocal -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            @(Get-AseResourceGroup -Name $name -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
        }

        It 'New-AzResourceGroup -Confirm:$false creates' {
            $name = New-AseTestName 'pester-azconf'
            $AseTestGroups.Add($name)
            (New-AzResourceGroup -Name $name -Location DBELocal -Confirm:$false -ErrorAction Stop).ProvisioningState | Should -Be 'Succeeded'
        }

        It 'Get-AzResourceGroup | Remove-AzResourceGroup -WhatIf removes nothing and sends nothing' {
            $before = @(Get-AzResourceGroup).Count
            $writes = Get-AseTestWriteCount
            Get-AzResourceGroup | Remove-AzResourceGroup -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            @(Get-AzResourceGroup).Count | Should -Be $before
        }

        It 'Remove-AzResourceGroup -Confirm:$false removes' {
            $name = New-AseTestResourceGroup 'pester-azrmc'
            Remove-AzResourceGroup -Name $name -Confirm:$false -ErrorAction Stop | Should -Be $true
            @(Get-AseResourceGroup -Name $name -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
        }
    }
}

Describe 'AzCompat deployments: New-AzResourceGroupDeployment' {
    BeforeAll {
        Connect-AzTest
        # The documented way: CreateVM.parameters.json edited, then -TemplateFile + -TemplateParameterFile.
        $d = New-AzResourceGroupDeployment -ResourceGroupName $rg -Name 'pester-azdvm' -TemplateFile $createVm -TemplateParameterFile (Get-AzTestParameterFile 'pester-azdvm') -ErrorAction Stop
    }

    It 'returns a PSResourceGroupDeployment-shaped result' {
        $d.DeploymentName | Should -Be 'pester-azdvm'
        $d.ResourceGroupName | Should -Be $rg
        $d.ProvisioningState | Should -Be 'Succeeded'
        $d.Mode | Should -Be 'Incremental'
        $d.Timestamp | Should -Not -BeNullOrEmpty
    }

    It 'Parameters is a dictionary of name -> {Type, Value}: .Parameters[''vmName''].Value' {
        $d.Parameters | Should -BeOfType ([System.Collections.IDictionary])
        $d.Parameters['vmName'].Value | Should -Be 'pester-azdvm'
        $d.Parameters['vmName'].Type | Should -Be 'String'
        $d.Parameters['vnetName'].Value | Should -Be 'ASEVNET'   # from the parameter file
        $d.Parameters.ContainsKey('imageName') | Should -BeTrue
    }

    It 'Outputs is a dictionary (CreateVM.json has none)' {
        $d.Outputs | Should -BeOfType ([System.Collections.IDictionary])
        $d.Outputs.Count | Should -Be 0
    }

    It 'deploys with -TemplateParameterObject holding every parameter' {
        $all = @{ adminUsername = 'Administrator'; vnetName = 'ASEVNET'; subnetName = 'ASEVNETsubNet'; privateIPAddress = ''; IPConfigName = 'ipconfig1' }
        $all += Get-AseTestVmParameters -VMName 'pester-azobj' -ImageName $image -Size 'Standard_D2_v2'
        $r = New-AzResourceGroupDeployment -ResourceGroupName $rg -TemplateFile $createVm -TemplateParameterObject $all -Name 'pester-azobj' -ErrorAction Stop
        $r.ProvisioningState | Should -Be 'Succeeded'
        $r.Parameters['vmSize'].Value | Should -Be 'Standard_D2_v2'
    }

    It 'takes -ResourceGroupName from the pipeline (Get-AzResourceGroup | New-AzResourceGroupDeployment)' {
        $r = Get-AzResourceGroup -Name $rg | New-AzResourceGroupDeployment -Name 'pester-azpipe' -TemplateFile $createVm -TemplateParameterFile (Get-AzTestParameterFile 'pester-azpipe') -ErrorAction Stop
        $r.ResourceGroupName | Should -Be $rg
        Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-azpipe' | Should -BeTrue
    }

    It '-Mode Complete and -TemplateUri are refused (NotImplemented, naming them) before anything is sent' {
        $writes = Get-AseTestWriteCount
        $file = Get-AzTestParameterFile 'pester-azmode'
        $err = Get-AseTestError { New-AzResourceGroupDeployment -ResourceGroupName $rg -TemplateFile $createVm -TemplateParameterFile $file -Mode Complete -ErrorAction Stop }
        "$err" | Should -BeLike '*Complete*'
        [string]$err.CategoryInfo.Category | Should -Be 'NotImplemented'
        $err = Get-AseTestError { New-AzResourceGroupDeployment -ResourceGroupName $rg -TemplateUri 'https://example.invalid/CreateVM.json' -TemplateParameterFile $file -ErrorAction Stop }
        "$err" | Should -BeLike '*URI*'
        [string]$err.CategoryInfo.Category | Should -Be 'NotImplemented'
        Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-azmode' | Should -BeFalse
        Get-AseTestWriteCount | Should -Be $writes
    }

    Context 'ShouldProcess' {
        It '-WhatIf deploys nothing and sends nothing' {
            $writes = Get-AseTestWriteCount
            New-AzResourceGroupDeployment -ResourceGroupName $rg -Name 'pester-azwi' -TemplateFile $createVm -TemplateParameterFile (Get-AzTestParameterFile 'pester-azwi') -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-azwi' | Should -BeFalse
        }

        It '-Confirm:$false deploys' {
            $r = New-AzResourceGroupDeployment -ResourceGroupName $rg -Name 'pester-azcf' -TemplateFile $createVm -TemplateParameterFile (Get-AzTestParameterFile 'pester-azcf') -Confirm:$false -ErrorAction Stop
            $r.ProvisioningState | Should -Be 'Succeeded'
        }
    }
}

Describe 'AzCompat VMs: Get-AzVM, Start-AzVM, Stop-AzVM, Remove-AzVM' {
    BeforeAll {
        Connect-AzTest
        New-AzTestVM 'pester-azvm1'
        New-AzTestVM 'pester-azvm2'
    }

    It 'Get-AzVM without arguments lists every VM of the device' {
        $mine = @(Get-AzVM -ErrorAction Stop | Where-Object ResourceGroupName -eq $rg).Name
        $mine | Should -Contain 'pester-azvm1'
        $mine | Should -Contain 'pester-azvm2'
    }

    It 'Get-AzVM objects have HardwareProfile.VmSize, StorageProfile.OsDisk.OsType and NetworkProfile.NetworkInterfaces[].Id' {
        $vm = Get-AzVM -ResourceGroupName $rg -Name 'pester-azvm1' -ErrorAction Stop
        $vm.Name | Should -Be 'pester-azvm1'
        $vm.Id | Should -BeLike '*/providers/Microsoft.Compute/virtualMachines/pester-azvm1'
        $vm.HardwareProfile.VmSize | Should -Be 'Standard_D2_v2'
        $vm.StorageProfile.OsDisk.OsType | Should -Be 'Linux'
        @($vm.NetworkProfile.NetworkInterfaces).Count | Should -Be 1
        @($vm.NetworkProfile.NetworkInterfaces)[0].Id | Should -BeLike '*/providers/Microsoft.Network/networkInterfaces/pester-azvm1-nic'
    }

    It 'Get-AzVM -Status gives the instance view with PowerState/running' {
        $status = Get-AzVM -ResourceGroupName $rg -Name 'pester-azvm1' -Status -ErrorAction Stop
        @($status.Statuses).Code | Should -Contain 'PowerState/running'
    }

    It 'Get-AzVM | Stop-AzVM -StayProvisioned -Force stops the piped VMs (Status Succeeded)' {
        $results = @(Get-AzVM | Where-Object ResourceGroupName -eq $rg | Stop-AzVM -StayProvisioned -Force -ErrorAction Stop)
        $results.Count | Should -Be @(Get-AseVM -ResourceGroupName $rg).Count
        $results | ForEach-Object { $_.Status | Should -Be 'Succeeded' }
        Get-PowerState 'pester-azvm1' | Should -Be 'stopped'
    }

    It 'Get-AzVM | Start-AzVM starts them' {
        $results = @(Get-AzVM -ResourceGroupName $rg | Start-AzVM -ErrorAction Stop)
        $results | ForEach-Object { $_.Status | Should -Be 'Succeeded' }
        @(Get-AseVM -ResourceGroupName $rg | Where-Object PowerState -ne 'running') | Should -BeNullOrEmpty
    }

    It 'Stop-AzVM -Id deallocates' {
        $id = (Get-AzVM -ResourceGroupName $rg -Name 'pester-azvm2').Id
        (Stop-AzVM -Id $id -Force -ErrorAction Stop).Status | Should -Be 'Succeeded'
        Get-PowerState 'pester-azvm2' | Should -Be 'deallocated'
    }

    Context 'ShouldProcess' {
        It 'Start-AzVM -WhatIf leaves it deallocated; -Confirm:$false starts it' {
            Get-PowerState 'pester-azvm2' | Should -Be 'deallocated'
            $writes = Get-AseTestWriteCount
            Start-AzVM -ResourceGroupName $rg -Name 'pester-azvm2' -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            Get-PowerState 'pester-azvm2' | Should -Be 'deallocated'
            (Start-AzVM -ResourceGroupName $rg -Name 'pester-azvm2' -Confirm:$false -ErrorAction Stop).Status | Should -Be 'Succeeded'
            Get-PowerState 'pester-azvm2' | Should -Be 'running'
        }

        It 'Stop-AzVM -WhatIf leaves it running; -Confirm:$false stops it' {
            $writes = Get-AseTestWriteCount
            Stop-AzVM -ResourceGroupName $rg -Name 'pester-azvm2' -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            Get-PowerState 'pester-azvm2' | Should -Be 'running'
            (Stop-AzVM -ResourceGroupName $rg -Name 'pester-azvm2' -Confirm:$false -ErrorAction Stop).Status | Should -Be 'Succeeded'
            Get-PowerState 'pester-azvm2' | Should -Be 'deallocated'
        }

        It 'Remove-AzVM -WhatIf keeps it; -Confirm:$false removes it' {
            $writes = Get-AseTestWriteCount
            Remove-AzVM -ResourceGroupName $rg -Name 'pester-azvm2' -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-azvm2' | Should -BeTrue
            (Remove-AzVM -ResourceGroupName $rg -Name 'pester-azvm2' -Confirm:$false -ErrorAction Stop).Status | Should -Be 'Succeeded'
            Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-azvm2' | Should -BeFalse
        }
    }

    It 'Remove-AzVM -Force removes (Status Succeeded)' {
        New-AzTestVM 'pester-azvm3'
        (Remove-AzVM -ResourceGroupName $rg -Name 'pester-azvm3' -Force -ErrorAction Stop).Status | Should -Be 'Succeeded'
        Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-azvm3' | Should -BeFalse
    }
}

Describe 'AzCompat VM extensions: Set-AzVMExtension, Get-AzVMExtension, Remove-AzVMExtension' {
    BeforeAll {
        Connect-AzTest
        $vm = 'pester-azgpu'
        New-AzTestVM $vm 'Standard_NC4as_T4_v3'
        $gpuExtension = @{ ResourceGroupName = $rg; VMName = $vm; Name = 'gpuLinuxExt'; Publisher = 'Microsoft.HpcCompute'; ExtensionType = 'NvidiaGpuDriverLinux'; TypeHandlerVersion = '1.8'; Location = 'DBELocal' }
        function Get-AzExtensionNames { @(Get-AzVMExtension -ResourceGroupName $rg -VMName $vm -ErrorAction Stop | ForEach-Object { $_.Name }) }
    }

    It 'Get-AzVMExtension without -Name on a VM without extensions returns nothing' {
        @(Get-AzVMExtension -ResourceGroupName $rg -VMName $vm -ErrorAction Stop) | Should -BeNullOrEmpty
    }

    It 'Set-AzVMExtension -WhatIf installs nothing and sends nothing' {
        $writes = Get-AseTestWriteCount
        Set-AzVMExtension @gpuExtension -Settings @{} -WhatIf -ErrorAction Stop
        Get-AseTestWriteCount | Should -Be $writes
        @(Get-AzExtensionNames) | Should -BeNullOrEmpty
    }

    It 'Set-AzVMExtension with the documented parameters returns a PSAzureOperationResponse' {
        $r = Set-AzVMExtension @gpuExtension -Settings @{} -ErrorAction Stop
        $r.IsSuccessStatusCode | Should -BeTrue
        [string]$r.StatusCode | Should -Be 'OK'
    }

    It 'Get-AzVMExtension -Name shows it Succeeded' {
        $x = Get-AzVMExtension -ResourceGroupName $rg -VMName $vm -Name 'gpuLinuxExt' -ErrorAction Stop
        $x.ProvisioningState | Should -Be 'Succeeded'
        $x.Publisher | Should -Be 'Microsoft.HpcCompute'
        $x.ExtensionType | Should -Be 'NvidiaGpuDriverLinux'
        $x.TypeHandlerVersion | Should -Be '1.8'
    }

    It 'Get-AzVMExtension without -Name returns one object per extension' {
        $cse = Get-Content -Raw -LiteralPath (Get-AseTestFixture 'ExtensionTemplates/CustomScriptExtension/addCSExtLinuxVM.parameters.json') | ConvertFrom-Json
        $cse.parameters.vmName.value = $vm
        $cseFile = Join-Path $TestDrive 'addCSExtLinuxVM.parameters.json'
        $cse | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $cseFile
        $null = New-AzResourceGroupDeployment -ResourceGroupName $rg -Name 'pester-azcse' -TemplateParameterFile $cseFile `
            -TemplateFile (Get-AseTestFixture 'ExtensionTemplates/CustomScriptExtension/addCSextensiontoVM.json') -ErrorAction Stop
        $all = @(Get-AzVMExtension -ResourceGroupName $rg -VMName $vm -ErrorAction Stop)
        $all.Count | Should -Be 2
        ($all.Name | Sort-Object) | Should -Be @('gpuLinuxExt', 'LinuxCustomScriptExtension')
    }

    It 'Set-AzVMExtension -Confirm:$false installs (-SettingString)' {
        $null = Remove-AzVMExtension -ResourceGroupName $rg -VMName $vm -Name 'gpuLinuxExt' -Force -ErrorAction Stop
        $r = Set-AzVMExtension @gpuExtension -SettingString '{}' -Confirm:$false -ErrorAction Stop
        $r.IsSuccessStatusCode | Should -BeTrue
        @(Get-AzExtensionNames) | Should -Contain 'gpuLinuxExt'
    }

    It 'protected settings are refused (NotImplemented) before anything is sent' {
        $writes = Get-AseTestWriteCount
        $err = Get-AseTestError { Set-AzVMExtension @gpuExtension -ProtectedSettings @{ secret = 'x' } -ErrorAction Stop }
        [string]$err.CategoryInfo.Category | Should -Be 'NotImplemented'
        Get-AseTestWriteCount | Should -Be $writes
    }

    It 'Remove-AzVMExtension -WhatIf keeps it; -Confirm:$false removes it' {
        $writes = Get-AseTestWriteCount
        Remove-AzVMExtension -ResourceGroupName $rg -VMName $vm -Name 'LinuxCustomScriptExtension' -WhatIf -ErrorAction Stop
        Get-AseTestWriteCount | Should -Be $writes
        @(Get-AzExtensionNames) | Should -Contain 'LinuxCustomScriptExtension'
        $r = Remove-AzVMExtension -ResourceGroupName $rg -VMName $vm -Name 'LinuxCustomScriptExtension' -Confirm:$false -ErrorAction Stop
        $r.IsSuccessStatusCode | Should -BeTrue
        @(Get-AzExtensionNames) | Should -Not -Contain 'LinuxCustomScriptExtension'
    }

    It 'Remove-AzVMExtension -Force removes the GPU extension' {
        (Remove-AzVMExtension -ResourceGroupName $rg -VMName $vm -Name 'gpuLinuxExt' -Force -ErrorAction Stop).IsSuccessStatusCode | Should -BeTrue
        @(Get-AzExtensionNames) | Should -BeNullOrEmpty
    }
}
