# AseGpu.AzCompat on an emulated device of its own (this file changes its Kubernetes state): what the documented
# Az scripts rely on beyond the happy path of documented-workflow.ps1. Contexts and subscriptions, Add-AzVhd, the
# template's parameters as dynamic parameters, -AsJob, VM lifecycle and extensions, the GPU preflight before
# New-AzVM / New-AzResourceGroupDeployment once Kubernetes holds the GPUs, and errors the Az way.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    Initialize-AseTestHttp
    $simBin = if ($env:ASEGPU_SIM) { $env:ASEGPU_SIM } else { Join-Path $AseTestRepo 'target/debug/asegpu-sim' }
    $simWork = Join-Path $TestDrive 'sim'
    $null = New-Item -ItemType Directory -Path $simWork
    $simPassword = 'Behaviour-' + [guid]::NewGuid().ToString('N').Substring(0, 10) + '!'
    # More memory than one device's 96 GiB: this file's VMs add up, and the memory rule is tested elsewhere
    # (tests/integration/device_knowledge.rs); here the GPU preflight is.
    $psi = [System.Diagnostics.ProcessStartInfo]::new($simBin, "--work-dir `"$simWork`" --time-scale 100000 --retry-after 0 --memory-gib 1024")
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $psi.Environment['ASEGPU_SIM_PASSWORD'] = $simPassword
    $simProcess = [System.Diagnostics.Process]::Start($psi)
    $readyLine = $simProcess.StandardOutput.ReadLine()
    $sim = $readyLine | ConvertFrom-Json
    $cred = New-Object System.Management.Automation.PSCredential('EdgeArmUser', (ConvertTo-SecureString $simPassword -AsPlainText -Force))
    $vmCred = Get-AseTestVmCredential
    $templates = Get-AseTestFixture 'VmTemplates'

    function Connect-Behaviour([bool]$Kubernetes = $false) {
        $null = Connect-AzAccount -EnvironmentName AzBehaviour -TenantId $AseTestTenant -Credential $cred -CaCertificate $sim.ca_cert -HostMap (Get-AseTestHostMap $sim) `
            -GpuCount 2 -KubernetesConfigured $Kubernetes -DeviceRelease 2309 -ErrorAction Stop
    }
    function Invoke-BehaviourSim([string]$Method, [string]$Path, [hashtable]$Body) {
        [AseTestSimHttp]::Send($sim.ca_cert, $Method, $sim.control_endpoint + $Path, ($Body | ConvertTo-Json -Compress), $sim.control_token) | ConvertFrom-Json
    }
    function New-BehaviourVmConfig([string]$Name, [string]$Size) {
        $nicName = "$Name-nic"
        $vnet = Get-AzVirtualNetwork -Name ASEVNET -ResourceGroupName ASERG
        $ip = New-AzNetworkInterfaceIpConfig -Name "$Name-ip" -SubnetId $vnet.Subnets[0].Id
        $nic = New-AzNetworkInterface -Name $nicName -ResourceGroupName $rg -Location DBELocal -IpConfiguration $ip -Force
        $vm = New-AzVMConfig -VMName $Name -VMSize $Size
        $vm = Set-AzVMOperatingSystem -VM $vm -Linux -ComputerName $Name -Credential $vmCred
        $vm = Add-AzVMNetworkInterface -VM $vm -Id $nic.Id
        Set-AzVMSourceImage -VM $vm -Id $image.Id
    }

    $null = Add-AzEnvironment -Name AzBehaviour -ARMEndpoint $sim.arm_endpoint
    Connect-Behaviour
    $n = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $rg = "azbeh-$n"
    $sa = "azbeh$n"
    $null = New-AzResourceGroup -Name $rg -Location DBELocal -Force
    $null = New-AzStorageAccount -ResourceGroupName $rg -Name $sa -SkuName Standard_LRS -Location DBELocal
    $vhd = New-AseTestVhd -Path (Join-Path $TestDrive 'ubuntu18.04.vhd') -SizeMiB 4
    $blobEndpoint = (Get-AzStorageAccount -ResourceGroupName $rg -Name $sa).PrimaryEndpoints.Blob
    $upload = Add-AzVhd -ResourceGroupName $rg -Destination "${blobEndpoint}vhds/ubuntu18.04.vhd" -LocalFilePath $vhd.FullName
    $imageConfig = New-AzImageConfig -Location DBELocal
    $imageConfig = Set-AzImageOsDisk -Image $imageConfig -OsType Linux -OsState Generalized -BlobUri $upload.DestinationUri.AbsoluteUri
    $image = New-AzImage -ResourceGroupName $rg -ImageName 'ubuntu18.04img' -Image $imageConfig
}

AfterAll {
    Disconnect-AzAccount -ErrorAction SilentlyContinue | Out-Null
    if ($simProcess -and -not $simProcess.HasExited) { $simProcess.Kill(); $simProcess.WaitForExit(5000) | Out-Null }
}

Describe 'AzCompat: contexts and subscriptions' {
    It 'Get-AzContext, Set-AzContext -Subscription and Select-AzSubscription give the device''s one subscription' {
        $context = Get-AzContext
        $context.Subscription.Name | Should -Be 'Default Provider Subscription'
        (Set-AzContext -Subscription $context.Subscription.Id).Subscription.Id | Should -Be $sim.subscription_id
        (Select-AzSubscription -SubscriptionName 'Default Provider Subscription').Tenant.Id | Should -Be $AseTestTenant
        (Get-AzSubscription -SubscriptionId $sim.subscription_id).State | Should -Be 'Enabled'
    }

    It 'another subscription is a non-terminating ObjectNotFound error, as in Az' {
        $r = Invoke-AseTestCapture { Set-AzContext -Subscription '00000000-0000-0000-0000-000000000000' }
        $r.Thrown | Should -BeNullOrEmpty
        @($r.Errors).Count | Should -Be 1
        [string]$r.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'Get-AzEnvironment knows the device''s AD FS authority and storage suffix after sign-in' {
        $e = Get-AzEnvironment -Name AzBehaviour
        $e.ActiveDirectoryAuthority | Should -BeLike 'https://login.*/adfs/'
        $e.EnableAdfsAuthentication | Should -BeTrue
        $e.StorageEndpointSuffix | Should -BeLike 'dbe-asesim.microsoftdatabox.com*'
    }
}

Describe 'AzCompat: Add-AzVhd and an image from its blob' {
    It 'uploads the fixed VHD as a page blob of the account named in -Destination' {
        $upload.DestinationUri.AbsoluteUri | Should -Be "${blobEndpoint}vhds/ubuntu18.04.vhd"
        $upload.LocalFilePath.FullName | Should -Be $vhd.FullName
        $upload.Upload.SizeBytes | Should -Be $vhd.Length
    }

    It 'refuses a file that is not a fixed VHD before sending anything (the library''s check)' {
        $notVhd = Join-Path $TestDrive 'not.vhd'
        [System.IO.File]::WriteAllBytes($notVhd, [byte[]]::new(4096))
        $r = Invoke-AseTestCapture { Add-AzVhd -ResourceGroupName $rg -Destination "${blobEndpoint}vhds/not.vhd" -LocalFilePath $notVhd }
        @($r.Errors).Count | Should -Be 1
        [string]$r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'the image made from the blob is Generalized Linux' {
        $i = Get-AzImage -ResourceGroupName $rg -ImageName 'ubuntu18.04img'
        [string]$i.StorageProfile.OsDisk.OsType | Should -Be 'Linux'
        $i.StorageProfile.OsDisk.BlobUri | Should -Be $upload.DestinationUri.AbsoluteUri
    }
}

Describe 'AzCompat: the template''s parameters are parameters of New-AzResourceGroupDeployment' {
    BeforeAll {
        $createVm = Join-Path $templates 'CreateVM/CreateVM.json'
        $parameterFile = New-AseTestParameterFile -Path (Join-Path $TestDrive 'CreateVM.parameters.json') -VMName 'fromfile' -ImageName $image.Name -Size 'Standard_D2_v2'
    }

    It 'a template parameter given on the command line wins over the parameter file (Az''s precedence)' {
        $d = New-AzResourceGroupDeployment -ResourceGroupName $rg -Name 'dyn1' -TemplateFile $createVm -TemplateParameterFile $parameterFile -vmName 'dynvm1' -nicName 'dynvm1-nic' -ErrorAction Stop
        $d.Parameters['vmName'].Value | Should -Be 'dynvm1'
        $d.Parameters['vmSize'].Value | Should -Be 'Standard_D2_v2'
        (Get-AzVM -ResourceGroupName $rg -Name 'dynvm1').HardwareProfile.VmSize | Should -Be 'Standard_D2_v2'
    }

    It 'the template parameters are typed and offered for tab completion (dynamic parameters)' {
        $cmd = Get-Command New-AzResourceGroupDeployment -ArgumentList @('-TemplateFile', $createVm)
        $cmd.Parameters.Keys | Should -Contain 'vmName'
        $cmd.Parameters.Keys | Should -Contain 'privateIPAddress'
        $cmd.Parameters['vmSize'].ParameterType | Should -Be ([string])
    }

    It '-AsJob runs the deployment as a job (Get-Job / Receive-Job) that outputs the deployment' {
        $job = New-AzResourceGroupDeployment -ResourceGroupName $rg -Name 'dynjob' -TemplateFile $createVm -TemplateParameterFile $parameterFile -vmName 'dynvm2' -nicName 'dynvm2-nic' -AsJob
        $job | Should -BeOfType ([System.Management.Automation.Job])
        (Get-Job -Id $job.Id).Id | Should -Be $job.Id
        $d = $job | Wait-Job -Timeout 120 | Receive-Job
        $job.State | Should -Be 'Completed'
        $d.DeploymentName | Should -Be 'dynjob'
        $d.ProvisioningState | Should -Be 'Succeeded'
        Remove-Job $job
    }

    It 'Get-AzResourceGroupDeployment lists them, with Parameters by name' {
        $all = @(Get-AzResourceGroupDeployment -ResourceGroupName $rg)
        $all.DeploymentName | Should -Contain 'dyn1'
        ($all | Where-Object DeploymentName -eq 'dynjob').Parameters['vmName'].Value | Should -Be 'dynvm2'
    }
}

Describe 'AzCompat: a GPU VM without a template, its lifecycle and extensions' {
    BeforeAll {
        $gpuConfig = New-BehaviourVmConfig -Name 'azgpu1' -Size 'Standard_NC4as_T4_v3'
    }

    It 'New-AzVM creates the GPU VM after the GPU preflight (PSAzureOperationResponse)' {
        (New-AzVM -ResourceGroupName $rg -Location DBELocal -VM $gpuConfig -ErrorAction Stop).IsSuccessStatusCode | Should -BeTrue
        $vm = Get-AzVM -ResourceGroupName $rg -Name 'azgpu1'
        $vm.HardwareProfile.VmSize | Should -Be 'Standard_NC4as_T4_v3'
        $vm.NetworkProfile.NetworkInterfaces[0].Id | Should -BeLike '*/networkInterfaces/azgpu1-nic'
    }

    It 'Restart-AzVM and Get-AzVM -Status (list): PowerState per VM' {
        (Restart-AzVM -ResourceGroupName $rg -Name 'azgpu1').Status | Should -Be 'Succeeded'
        (@(Get-AzVM -ResourceGroupName $rg -Status) | Where-Object Name -eq 'azgpu1').PowerState | Should -Be 'VM running'
    }

    It 'Stop-AzVM without -StayProvisioned deallocates and warns that the GPU is released' {
        $warnings = $null
        (Stop-AzVM -ResourceGroupName $rg -Name 'azgpu1' -Force -WarningVariable warnings -WarningAction SilentlyContinue).Status | Should -Be 'Succeeded'
        "$warnings" | Should -BeLike '*GPU*StayProvisioned*'
        ((Get-AzVM -ResourceGroupName $rg -Name 'azgpu1' -Status).Statuses | Where-Object Code -like 'PowerState/*').Code | Should -Be 'PowerState/deallocated'
        $null = Start-AzVM -ResourceGroupName $rg -Name 'azgpu1'
    }

    It 'Set-AzVMExtension with another publisher is a plain extension; Get-AzVMExtension without -Name lists all; Remove-AzVMExtension -Force removes' {
        (Set-AzVMExtension -ResourceGroupName $rg -VMName 'azgpu1' -Name 'cse' -Publisher 'Microsoft.Azure.Extensions' -ExtensionType 'CustomScript' -TypeHandlerVersion '2.0' -Settings @{ commandToExecute = 'true' }).IsSuccessStatusCode | Should -BeTrue
        $null = Set-AzVMExtension -ResourceGroupName $rg -VMName 'azgpu1' -Name 'gpuLinux' -Publisher 'Microsoft.HpcCompute' -ExtensionType 'NvidiaGpuDriverLinux' -TypeHandlerVersion '1.8' -Settings @{}
        @(Get-AzVMExtension -ResourceGroupName $rg -VMName 'azgpu1').Name | Sort-Object | Should -Be @('cse', 'gpuLinux')
        (Remove-AzVMExtension -ResourceGroupName $rg -VMName 'azgpu1' -Name 'cse' -Force).IsSuccessStatusCode | Should -BeTrue
        @(Get-AzVMExtension -ResourceGroupName $rg -VMName 'azgpu1').Name | Should -Be @('gpuLinux')
    }

    It 'New-AzVM''s simple parameter set makes the NIC in the compute network and the VM, and outputs the VM' {
        $vm = New-AzVM -ResourceGroupName $rg -Name 'azsimple1' -Credential $vmCred -Image $image.Name -Size 'Standard_D2_v2' -ErrorAction Stop
        $vm.HardwareProfile.VmSize | Should -Be 'Standard_D2_v2'
        $nic = Get-AzNetworkInterface -ResourceId $vm.NetworkProfile.NetworkInterfaces[0].Id
        $nic.IpConfigurations[0].Subnet.Id | Should -BeLike '*/virtualNetworks/ASEVNET/subnets/ASEVNETsubNet'
    }

    It 'the GPU extension on a VM that is not a GPU size is refused plainly (the AseGpu check), nothing installed' {
        $null = New-AzVM -ResourceGroupName $rg -Location DBELocal -VM (New-BehaviourVmConfig -Name 'azcpu1' -Size 'Standard_D2_v2')
        $r = Invoke-AseTestCapture { Set-AzVMExtension -ResourceGroupName $rg -VMName 'azcpu1' -Name 'gpuLinux' -Publisher 'Microsoft.HpcCompute' -ExtensionType 'NvidiaGpuDriverLinux' -TypeHandlerVersion '1.8' }
        @($r.Errors).Count | Should -Be 1
        $r.Errors[0].Exception.Message | Should -BeLike '*not a GPU VM size*'
        @(Get-AzVMExtension -ResourceGroupName $rg -VMName 'azcpu1') | Should -BeNullOrEmpty
    }
}

Describe 'AzCompat: the GPU preflight once Kubernetes holds the free GPUs' {
    BeforeAll {
        # The device: one GPU held by azgpu1, Kubernetes configured (it claims the other); the admin says so when connecting.
        $null = Invoke-BehaviourSim PATCH device @{ kubernetesConfigured = $true }
        Connect-Behaviour -Kubernetes $true
        $createVm = Join-Path $templates 'CreateVM/CreateVM.json'
        $gpuFile = New-AseTestParameterFile -Path (Join-Path $TestDrive 'gpu.parameters.json') -VMName 'azgpu3' -ImageName $image.Name -Size 'Standard_NC4as_T4_v3'
    }

    It 'New-AzVM refuses early with the plain reason (PreflightFailed), nothing is created' {
        $r = Invoke-AseTestCapture { New-AzVM -ResourceGroupName $rg -Location DBELocal -VM (New-BehaviourVmConfig -Name 'azgpu2' -Size 'Standard_NC4as_T4_v3') }
        @($r.Errors).Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'PreflightFailed,AseGpu.AzCompat.NewAzVMCommand'
        [string]$r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $r.Errors[0].Exception.Message | Should -BeLike '*Kubernetes*'
        @(Get-AzVM -ResourceGroupName $rg).Name | Should -Not -Contain 'azgpu2'
    }

    It 'New-AzResourceGroupDeployment with CreateVM.json refuses early too; Az''s -Force does not override it' {
        $r = Invoke-AseTestCapture { New-AzResourceGroupDeployment -ResourceGroupName $rg -Name 'gpu3' -TemplateFile $createVm -TemplateParameterFile $gpuFile -Force }
        @($r.Errors).Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'PreflightFailed,*'
        @(Get-AzVM -ResourceGroupName $rg).Name | Should -Not -Contain 'azgpu3'
    }

    It 'with -SkipGpuPreflight (an AseGpu extra) the VM is sent and the device itself fails it' {
        $r = Invoke-AseTestCapture { New-AzVM -ResourceGroupName $rg -Location DBELocal -VM (New-BehaviourVmConfig -Name 'azgpu4' -Size 'Standard_NC4as_T4_v3') -SkipGpuPreflight -WarningAction SilentlyContinue }
        @($r.Errors).Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Not -BeLike 'PreflightFailed,*'
    }

    It 'a VM that needs no GPU is not held back' {
        (New-AzVM -ResourceGroupName $rg -Location DBELocal -VM (New-BehaviourVmConfig -Name 'azcpu2' -Size 'Standard_D2_v2')).IsSuccessStatusCode | Should -BeTrue
    }
}

Describe 'AzCompat: errors and sign-out the Az way' {
    It 'a missing VM is a non-terminating NotFound error (-ErrorAction / -ErrorVariable / $ErrorActionPreference apply)' {
        $r = Invoke-AseTestCapture { Get-AzVM -ResourceGroupName $rg -Name 'no-such-vm' }
        $r.Thrown | Should -BeNullOrEmpty
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'NotFound,AseGpu.AzCompat.GetAzVMCommand'
        Get-AzVM -ResourceGroupName $rg -Name 'no-such-vm' -ErrorAction SilentlyContinue -ErrorVariable ev | Should -BeNullOrEmpty
        @($ev).Count | Should -Be 1
        { $ErrorActionPreference = 'Stop'; Get-AzVM -ResourceGroupName $rg -Name 'no-such-vm' } | Should -Throw -ErrorId 'NotFound,*'
    }

    It 'Remove-AzVM -Force and Remove-AzResourceGroup -Force remove' {
        (Remove-AzVM -ResourceGroupName $rg -Name 'azcpu2' -Force).Status | Should -Be 'Succeeded'
        @(Get-AzVM -ResourceGroupName $rg).Name | Should -Not -Contain 'azcpu2'
        $extra = "azbeh-x$n"
        $null = New-AzResourceGroup -Name $extra -Location DBELocal
        Remove-AzResourceGroup -Name $extra -Force | Should -BeTrue
        Get-AzResourceGroup -Name $extra -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Disconnect-AzAccount signs out: Get-AzContext is empty, Az cmdlets say "Run Connect-AzAccount to login."' {
        (Disconnect-AzAccount).Id | Should -BeLike 'EdgeArmUser*'
        Get-AzContext | Should -BeNullOrEmpty
        { Get-AzVM -ErrorAction Stop } | Should -Throw 'Run Connect-AzAccount to login.'
        Connect-Behaviour -Kubernetes $true
    }
}
