# Help of Install-AseGpuExtension, Get-AseVMExtension, Remove-AseVMExtension (see Build-AseHelp.ps1).
@{
    'Install-AseGpuExtension' = @{
        Synopsis    = 'Installs the NVIDIA GPU driver extension on a GPU VM and waits until it succeeds or fails.'
        Description = @'
Only the VM is required: publisher (Microsoft.HpcCompute), type (NvidiaGpuDriverWindows/Linux) and version
(1.5/1.8 for device release 2205 and later, 1.3 before) are chosen from the VM's OS and the device release
(-Release, else Connect-AseDevice -DeviceRelease). A VM of a non-GPU size is refused before anything is sent.
The install takes about 10 minutes on a device. VMs from Get-AseVM can be piped in.

Warnings say what the install needs and ARM cannot check: the compute network must reach the internet (the
driver is downloaded), a Windows Server 2016 VM needs TLS 1.2 enabled inside it, a RHEL VM must be registered
with Red Hat and have vulkan-filesystem; and when the VM's OS is outside the extension's supported table
(Windows Server 2019/2016, RHEL 7.4; Ubuntu 18.04 is deprecated), that it is untested. A failed install is
explained with the troubleshooting doc's advice and the guest's log paths.
'@
        Parameters  = @{
            ResourceGroupName  = 'The resource group.'
            VMName             = 'The VM (alias ResourceName); from the pipeline by property name (Get-AseVM output).'
            Name               = 'The extension name (alias ExtensionName); chosen from the OS when omitted.'
            Publisher          = 'Default Microsoft.HpcCompute.'
            ExtensionType      = 'NvidiaGpuDriverWindows or NvidiaGpuDriverLinux (alias Type); chosen from the OS when omitted.'
            TypeHandlerVersion = 'The handler version (aliases HandlerVersion, Version); chosen from the device release when omitted.'
            Settings           = 'Public settings (Windows: DriverURL, DriverCertificateUrl, DriverType).'
            Release            = 'The device software release, e.g. 2309.'
            RhelCustomInstall  = 'On a RHEL 7 VM (release 2205 or later), use the troubleshooting doc''s custom install settings (a CUDA 11.4 driver below 510) instead of the default.'
        }
        Examples    = @(
            @{ Code = 'Install-AseGpuExtension -ResourceGroupName myasegpurg -VMName gpuvm1'; Remarks = '' }
            @{ Code = 'Get-AseVM -ResourceGroupName myasegpurg -Name gpuvm1 | Install-AseGpuExtension -Release 2309 -AsJob'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AseExtensionView (the installed extension; the library''s warnings are written as warnings).'
        Links       = @('Get-AseVMExtension', 'Remove-AseVMExtension')
    }
    'Get-AseVMExtension'      = @{
        Synopsis    = 'Gets a VM''s extensions, or one by name, with provisioning state and instance-view statuses.'
        Description = 'Without -Name, every extension of the VM, one object each (none when it has none). An extension name that does not exist is a NotFound error.'
        Parameters  = @{
            ResourceGroupName = 'The resource group.'
            VMName            = 'The VM (alias ResourceName); from the pipeline by property name (Get-AseVM output).'
            Name              = 'The extension (alias ExtensionName); all when omitted.'
        }
        Examples    = @(
            @{ Code = 'Get-AseVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1'; Remarks = '' }
            @{ Code = 'Get-AseVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1 -Name gpuLinux | Select-Object ProvisioningState, Statuses'; Remarks = '' }
            @{ Code = 'Get-AseVM -ResourceGroupName myasegpurg | Get-AseVMExtension'; Remarks = 'The extensions of every VM of the group.' }
        )
        Outputs     = 'AseGpu.AseExtensionView'
        Links       = @('Install-AseGpuExtension', 'Remove-AseVMExtension')
    }
    'Remove-AseVMExtension'   = @{
        Synopsis    = 'Removes an extension from a VM (the portal cannot remove the GPU extension; this can).'
        Description = 'Removes the extension and waits. Asks for confirmation unless -Force or -Confirm:$false. Extensions from Get-AseVMExtension can be piped in.'
        Parameters  = @{
            ResourceGroupName = 'The resource group.'
            VMName            = 'The VM (alias ResourceName).'
            Name              = 'The extension (alias ExtensionName); from the pipeline by property name.'
            Force             = 'Do not ask for confirmation.'
        }
        Examples    = @(
            @{ Code = 'Remove-AseVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1 -Name gpuLinux -Force'; Remarks = '' }
            @{ Code = 'Get-AseVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1 | Remove-AseVMExtension -WhatIf'; Remarks = '' }
        )
        Outputs     = 'None; with -AsJob the job, which outputs $true.'
        Links       = @('Get-AseVMExtension')
    }
}
