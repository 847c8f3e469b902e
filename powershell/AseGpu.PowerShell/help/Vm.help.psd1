# Help of New-AseGpuVM, Get-, Start-, Stop-, Restart-, Remove-AseVM (see Build-AseHelp.ps1).
@{
    'New-AseGpuVM'  = @{
        Synopsis    = 'Creates a GPU VM (network interface + VM) without a template, after the GPU preflight.'
        Description = 'Runs the GPU preflight (refused with PreflightFailed unless -Force), creates the network interface in the compute network and the VM, and waits. The admin password goes to the device as a SecureString only; -Verbose shows the request without it.'
        Parameters  = @{
            ResourceGroupName               = 'The resource group (the image must be in it, unless -Image is an image resource id).'
            Name                            = 'The VM name (alias VMName).'
            Image                           = 'Image name or resource id (alias ImageName).'
            Size                            = 'VM size (default Standard_NC4as_T4_v3; A2 devices: Standard_NC4as_A2 sizes). Alias VMSize.'
            VirtualNetworkName              = 'Default ASEVNET (alias VnetName).'
            VirtualNetworkResourceGroupName = 'Default ASERG (alias VnetResourceGroupName).'
            SubnetName                      = 'Default ASEVNETsubNet.'
            PrivateIpAddress                = 'A static IP address in the compute network (dynamic when omitted).'
            Credential                      = 'The VM''s admin user name and password. Prompted for when omitted (an error in a non-interactive session).'
            Force                           = 'Create even when the preflight says it will fail.'
        }
        Examples    = @(
            @{ Code = 'New-AseGpuVM -ResourceGroupName myasegpurg -Name gpuvm1 -Image myaselinuximg -Credential (Get-Credential -UserName Administrator)'; Remarks = '' }
            @{ Code = 'New-AseGpuVM -ResourceGroupName myasegpurg -Name gpuvm2 -Image myaselinuximg -Size Standard_NC8as_T4_v3 -PrivateIpAddress 10.57.48.20 -Credential $vmCred -WhatIf'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AseVmView'
        Links       = @('Test-AseGpuDeployment', 'Get-AseVM', 'Install-AseGpuExtension')
    }
    'Get-AseVM'     = @{
        Synopsis    = 'Gets VMs: of the device, of a resource group, or one by name (wildcards allowed).'
        Description = @'
Without parameters, every VM of the device; -ResourceGroupName limits it to a group; -Name picks VMs by name or
wildcard. A name without wildcards that does not exist is a NotFound error. Resource groups from
Get-AseResourceGroup can be piped in (their VMs are listed); VMs from Get-AseVM pipe into Start-, Stop-,
Restart-, Remove-AseVM, Get-AseVMExtension and Install-AseGpuExtension.
'@
        Parameters  = @{
            ResourceGroupName = 'Only VMs of this resource group; from the pipeline by property name.'
            Name              = 'A VM name or wildcard (aliases ResourceName, VMName); from the pipeline by property name.'
            Status            = 'Output the instance view (Statuses with PowerState/..., extensions) as Get-AzVM -Status does.'
        }
        Wildcards   = @('Name')
        Examples    = @(
            @{ Code = 'Get-AseVM'; Remarks = 'Every VM of the device.' }
            @{ Code = 'Get-AseVM -ResourceGroupName myasegpurg -Name gpuvm1 -Status'; Remarks = '' }
            @{ Code = 'Get-AseVM -ResourceGroupName myasegpurg | Where-Object Gpus -gt 0 | Stop-AseVM -StayProvisioned -Force'; Remarks = 'Powers off the group''s GPU VMs, keeping their GPUs.' }
        )
        Outputs     = 'AseGpu.AseVmView, or AseGpu.VMStatus with -Status.'
        Links       = @('Start-AseVM', 'Stop-AseVM', 'Get-AseVMExtension')
    }
    'Start-AseVM'   = @{
        Synopsis    = 'Starts a VM (waits until it runs).'
        Description = 'Starts the VM and waits until it runs; outputs the VM afterwards. VMs from Get-AseVM can be piped in.'
        Parameters  = @{
            ResourceGroupName = 'The resource group.'
            Name              = 'The VM (aliases ResourceName, VMName); binds from Get-AseVM output.'
        }
        Examples    = @(
            @{ Code = 'Start-AseVM -ResourceGroupName myasegpurg -Name gpuvm1'; Remarks = '' }
            @{ Code = 'Get-AseVM -ResourceGroupName myasegpurg | Start-AseVM -AsJob'; Remarks = 'One job per VM.' }
        )
        Outputs     = 'AseGpu.AseVmView (the VM afterwards).'
        Links       = @('Stop-AseVM', 'Get-AseVM')
    }
    'Stop-AseVM'    = @{
        Synopsis    = 'Stops a VM: deallocates it (as Stop-AzVM), or with -StayProvisioned powers it off keeping its GPU.'
        Description = @'
A deallocated GPU VM releases its GPU; if Kubernetes is configured it may take the GPU, and the VM then cannot
start again. Use -StayProvisioned for GPU VMs you want to start again. Even then, the release notes of 2102 to
2205 warn that while GPU VMs are stopped Kubernetes may take over their GPUs, the longer the likelier (later
docs say it was fixed): on a device with Kubernetes (or where Connect-AseDevice was not told), stopping a GPU VM
writes that warning. Asks for confirmation unless -Force or -Confirm:$false.
'@
        Parameters  = @{
            ResourceGroupName = 'The resource group.'
            Name              = 'The VM (aliases ResourceName, VMName).'
            StayProvisioned   = 'Power off but keep the VM''s resources (its GPU): powerOff instead of deallocate.'
            Force             = 'Do not ask for confirmation.'
        }
        Examples    = @(
            @{ Code = 'Stop-AseVM -ResourceGroupName myasegpurg -Name gpuvm1 -StayProvisioned -Force'; Remarks = '' }
            @{ Code = 'Get-AseVM -ResourceGroupName myasegpurg | Stop-AseVM -Force'; Remarks = 'Deallocates every VM of the group.' }
        )
        Outputs     = 'AseGpu.AseVmView'
        Links       = @('Start-AseVM', 'Suspend-AseGpuVMsForUpdate')
    }
    'Restart-AseVM' = @{
        Synopsis    = 'Restarts a running VM.'
        Description = 'Restarts the VM and waits until it runs again; outputs the VM afterwards.'
        Parameters  = @{
            ResourceGroupName = 'The resource group.'
            Name              = 'The VM (aliases ResourceName, VMName).'
        }
        Examples    = @(
            @{ Code = 'Restart-AseVM -ResourceGroupName myasegpurg -Name gpuvm1'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AseVmView'
        Links       = @('Start-AseVM', 'Stop-AseVM')
    }
    'Remove-AseVM'  = @{
        Synopsis    = 'Deletes a VM.'
        Description = 'Deletes the VM and waits (its network interface and disks stay). Asks for confirmation unless -Force or -Confirm:$false.'
        Parameters  = @{
            ResourceGroupName = 'The resource group.'
            Name              = 'The VM (aliases ResourceName, VMName).'
            Force             = 'Do not ask for confirmation.'
            PassThru          = 'Output $true when deleted.'
        }
        Examples    = @(
            @{ Code = 'Remove-AseVM -ResourceGroupName myasegpurg -Name gpuvm1 -Force'; Remarks = '' }
            @{ Code = 'Get-AseVM -ResourceGroupName test -Name ''tmp-*'' | Remove-AseVM -WhatIf'; Remarks = '' }
        )
        Outputs     = 'None, or $true with -PassThru.'
        Links       = @('Get-AseVM')
    }
}
