# Help of disks, images, VM configuration, New-/Get-/Start-/Stop-/Restart-/Remove-AzVM, *-AzVMExtension (AseGpu.AzCompat; built into the MAML file by AseGpu.PowerShell/help/Build-AseHelp.ps1 -HelpSource).
@{
    'New-AzDiskConfig' = @{
        Synopsis    = 'Makes a local managed-disk configuration (Az.Compute).'
        Description = 'Nothing is sent: New-AzDisk creates the disk. For the documented flow: -CreateOption Import -SourceUri <blob URI of the VHD> -StorageAccountId <account id> -HyperVGeneration V1.'
        Parameters  = @{
            SkuName = 'Standard_LRS or Premium_LRS (alias AccountType).'
            OsType = 'Windows or Linux.'
            DiskSizeGB = 'The size in GiB (an imported disk takes the VHD size).'
            DiskIOPSReadWrite = 'Kept in the configuration.'
            DiskMBpsReadWrite = 'Kept in the configuration.'
            HyperVGeneration = 'V1 (GPU VMs cannot be Gen2; V2 is a warning).'
            CreateOption = 'Import (from a VHD blob) or Empty.'
            StorageAccountId = 'The storage account of the VHD blob (Import).'
            SourceUri = 'The blob URI of the VHD (Import).'
            SourceResourceId = 'Kept in the configuration.'
            UploadSizeInBytes = 'Kept in the configuration.'
        }
        Examples    = @(
            @{ Code = '$DiskConfig = New-AzDiskConfig -Location DBELocal -HyperVGeneration V1 -StorageAccountId $StorageAccountId -CreateOption Import -SourceUri $sourceUri'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSDisk'
        Links       = @('New-AzDisk')
    }
    'New-AzDisk' = @{
        Synopsis    = 'Creates a managed disk from a disk configuration (Az.Compute).'
        Description = 'Creates the disk and waits; outputs it (DiskSizeGB, DiskState, Id...).'
        Parameters  = @{
            DiskName = 'The disk name (alias Name).'
            Disk = 'The configuration (New-AzDiskConfig).'
        }
        Examples    = @(
            @{ Code = 'New-AzDisk -ResourceGroupName $ResourceGroupName -DiskName $DiskName -Disk $DiskConfig'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSDisk'
        Links       = @('Get-AzDisk', 'Set-AzImageOsDisk')
    }
    'Get-AzDisk' = @{
        Synopsis    = 'Gets managed disks (Az.Compute).'
        Description = 'One disk, the group''s or the device''s disks (wildcards allowed).'
        Parameters  = @{
            ResourceGroupName = 'The resource group; all groups when omitted.'
            DiskName = 'The disk name or wildcard (alias Name).'
        }
        Examples    = @(
            @{ Code = '$ManagedDiskId = (Get-AzDisk -Name $DiskName -ResourceGroupName $ResourceGroupName).Id'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSDisk'
        Links       = @('New-AzDisk')
    }
    'New-AzImageConfig' = @{
        Synopsis    = 'Makes a local image configuration (Az.Compute).'
        Description = 'Nothing is sent: Set-AzImageOsDisk sets its OS disk and New-AzImage creates the image.'
        Parameters  = @{
            SourceVirtualMachineId = 'An image from a (generalized) VM.'
            OsDisk = 'An OS disk object.'
            HyperVGeneration = 'V1 (GPU VMs cannot be Gen2; V2 is a warning).'
            ZoneResilient = 'Not supported on a device: a warning.'
        }
        Examples    = @(
            @{ Code = '$imageConfig = New-AzImageConfig -Location DBELocal -HyperVGeneration V1'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSImage'
        Links       = @('Set-AzImageOsDisk', 'New-AzImage')
    }
    'Set-AzImageOsDisk' = @{
        Synopsis    = 'Sets an image configuration''s OS disk (Az.Compute).'
        Description = 'From a managed disk (-ManagedDiskId), a VHD blob (-BlobUri) or a snapshot; changes and outputs the configuration.'
        Parameters  = @{
            Image = 'The image configuration (New-AzImageConfig).'
            OsType = 'Windows or Linux.'
            OsState = 'Generalized (or Specialized).'
            BlobUri = 'The VHD blob URI.'
            Caching = 'None, ReadOnly or ReadWrite.'
            DiskSizeGB = 'At least the size of the source disk.'
            StorageAccountType = 'Standard_LRS or Premium_LRS.'
            SnapshotId = 'A snapshot id.'
            ManagedDiskId = 'A managed disk id (Get-AzDisk).'
            DiskEncryptionSetId = 'Not supported on a device: a warning.'
        }
        Examples    = @(
            @{ Code = 'Set-AzImageOsDisk -Image $imageConfig -OsType linux -OsState ''Generalized'' -DiskSizeGB $DiskSize -ManagedDiskId $ManagedDiskId'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSImage'
        Links       = @('New-AzImage')
    }
    'New-AzImage' = @{
        Synopsis    = 'Creates an image from an image configuration (Az.Compute).'
        Description = 'Creates the image and waits (the device checks the VHD: fixed, Generation 1); outputs it.'
        Parameters  = @{
            ImageName = 'The image name (alias Name).'
            Image = 'The configuration (New-AzImageConfig, Set-AzImageOsDisk).'
        }
        Examples    = @(
            @{ Code = 'New-AzImage -Image $imageConfig -ImageName $ImageName -ResourceGroupName $ResourceGroupName'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSImage'
        Links       = @('Get-AzImage', 'Set-AzVMSourceImage')
    }
    'Get-AzImage' = @{
        Synopsis    = 'Gets images (Az.Compute).'
        Description = 'One image, the group''s or the device''s images (wildcards allowed).'
        Parameters  = @{
            ResourceGroupName = 'The resource group; all groups when omitted.'
            ImageName = 'The image name or wildcard (alias Name).'
        }
        Examples    = @(
            @{ Code = '$image = ( Get-AzImage -ResourceGroupName $ResourceGroupName -ImageName $ImageName).Id'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSImage'
        Links       = @('New-AzImage')
    }
    'New-AzVMConfig' = @{
        Synopsis    = 'Makes a local VM configuration (Az.Compute).'
        Description = 'Nothing is sent: the Set-AzVM* and Add-AzVMNetworkInterface cmdlets complete it and New-AzVM creates the VM. A GPU VM is an N-series size of the device (Standard_NC4as_T4_v3...).'
        Parameters  = @{
            VMName = 'The VM name (aliases ResourceName, Name).'
            VMSize = 'The size, e.g. Standard_D1_v2 or a GPU size such as Standard_NC4as_T4_v3.'
            AvailabilitySetId = 'Kept; a device has no availability sets.'
            LicenseType = 'Kept in the configuration.'
            ProximityPlacementGroupId = 'Not supported on a device: a warning.'
            HostId = 'Not supported on a device: a warning.'
            MaxPrice = 'Not supported on a device: a warning.'
            EvictionPolicy = 'Not supported on a device: a warning.'
            Priority = 'Not supported on a device: a warning.'
            Tags = 'Tags of the VM.'
            EnableUltraSSD = 'Not supported on a device: a warning.'
        }
        Examples    = @(
            @{ Code = '$VirtualMachine = New-AzVMConfig -VmName $VmName -VMSize "Standard_NC4as_T4_v3"'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSVirtualMachine'
        Links       = @('Set-AzVMOperatingSystem', 'New-AzVM')
    }
    'Set-AzVMOperatingSystem' = @{
        Synopsis    = 'Sets a VM configuration''s OS profile: computer name and admin credential (Az.Compute).'
        Description = 'Changes and outputs the configuration. The password is kept in it until New-AzVM sends it to the device.'
        Parameters  = @{
            Windows = 'A Windows VM.'
            Linux = 'A Linux VM.'
            ComputerName = 'The computer name.'
            Credential = 'The admin user name and password.'
            CustomData = 'Custom data (sent base64-encoded, as Az does).'
            ProvisionVMAgent = 'Windows: provision the VM agent.'
            EnableAutoUpdate = 'Windows: automatic updates.'
            TimeZone = 'Windows: the time zone.'
            WinRMHttp = 'Kept; WinRM is the guest''s.'
            WinRMHttps = 'Not supported on a device (WinRM certificates come from Key Vault): a warning.'
            WinRMCertificateUrl = 'Not supported on a device: a warning.'
            DisablePasswordAuthentication = 'Linux: no password sign-in (SSH keys only).'
        }
        Examples    = @(
            @{ Code = '$VirtualMachine = Set-AzVMOperatingSystem -VM $VirtualMachine -Linux -ComputerName $ComputerName -Credential $cred'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSVirtualMachine'
        Links       = @('New-AzVMConfig')
    }
    'Set-AzVMOSDisk' = @{
        Synopsis    = 'Sets a VM configuration''s OS disk (Az.Compute).'
        Description = 'Changes and outputs the configuration (name, caching, create option, OS type, managed disk type or id).'
        Parameters  = @{
            Name = 'The OS disk name (aliases OSDiskName, DiskName).'
            VhdUri = 'An unmanaged OS disk VHD (aliases OSDiskVhdUri, DiskVhdUri).'
            Caching = 'None, ReadOnly or ReadWrite.'
            SourceImageUri = 'A source VHD (alias SourceImage).'
            CreateOption = 'FromImage, Attach or Empty.'
            Windows = 'A Windows OS disk.'
            Linux = 'A Linux OS disk.'
            DiffDiskSetting = 'Not supported on a device: a warning.'
            DiskSizeInGB = 'The OS disk size.'
            ManagedDiskId = 'An existing managed disk (Attach).'
            StorageAccountType = 'Standard_LRS or Premium_LRS.'
            DiskEncryptionSetId = 'Not supported on a device: a warning.'
            WriteAccelerator = 'Not supported on a device: a warning.'
        }
        Examples    = @(
            @{ Code = '$VirtualMachine = Set-AzVmOsDisk -VM $VirtualMachine -Name $OsDiskName -Caching "ReadWrite" -CreateOption "FromImage" -Linux -StorageAccountType Standard_LRS'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSVirtualMachine'
        Links       = @('New-AzVMConfig')
    }
    'Add-AzVMNetworkInterface' = @{
        Synopsis    = 'Adds a network interface to a VM configuration (Az.Compute).'
        Description = 'By NIC id or NIC objects; changes and outputs the configuration.'
        Parameters  = @{
            Id = 'The NIC id (aliases NicId, NetworkInterfaceId).'
            NetworkInterface = 'NICs from Get-AzNetworkInterface.'
            Primary = 'Make it the primary NIC.'
        }
        Examples    = @(
            @{ Code = '$VirtualMachine = Add-AzVMNetworkInterface -Vm $VirtualMachine -Id $nicID'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSVirtualMachine'
        Links       = @('New-AzNetworkInterface')
    }
    'Set-AzVMSourceImage' = @{
        Synopsis    = 'Sets a VM configuration''s image (Az.Compute).'
        Description = 'By image id (an image on the device, New-AzImage). A marketplace image reference is kept but a device has none (a warning).'
        Parameters  = @{
            Id = 'The image id (Get-AzImage).'
            PublisherName = 'Marketplace publisher (none on a device).'
            Offer = 'Marketplace offer.'
            Skus = 'Marketplace SKU.'
            Version = 'Marketplace version.'
        }
        Examples    = @(
            @{ Code = '$VirtualMachine = Set-AzVMSourceImage -VM $VirtualMachine -Id $image'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSVirtualMachine'
        Links       = @('New-AzVM')
    }
    'New-AzVM' = @{
        Synopsis    = 'Creates a VM from a VM configuration, after the GPU preflight (Az.Compute).'
        Description = @'
With -VM (the documented way): runs the GPU preflight for the VM's size (the check AseGpu's New-AseGpuVM runs) and refuses early with the reasons and fixes when a GPU VM would fail on the device (PreflightFailed: no free GPU, Kubernetes holding the GPUs, a size that does not match the device's GPUs); -SkipGpuPreflight, an AseGpu extra, sends it anyway. Then creates the VM and waits; outputs Az's operation response (IsSuccessStatusCode, StatusCode).

The simple parameter set (-Name -Credential -Image ...) creates a NIC in the device's compute network and the VM through AseGpu's VM service, and outputs the VM. Its network options that make new virtual networks, public IPs or security groups do not exist on a device (a warning).
'@
        Parameters  = @{
            VM = 'The configuration (New-AzVMConfig and the Set-AzVM* cmdlets) (alias VMProfile).'
            DisableBginfoExtension = 'Accepted; no BGInfo extension on a device.'
            LicenseType = 'Kept in the VM.'
            Name = 'Simple set: the VM name.'
            Credential = 'Simple set: the VM''s admin user name and password.'
            VirtualNetworkName = 'Simple set: the virtual network (default ASEVNET).'
            AddressPrefix = 'Not supported on a device: a warning.'
            SubnetName = 'Simple set: the subnet (default ASEVNETsubNet).'
            SubnetAddressPrefix = 'Not supported on a device: a warning.'
            PublicIpAddressName = 'Not supported on a device: a warning.'
            DomainNameLabel = 'Not supported on a device: a warning.'
            AllocationMethod = 'Not supported on a device: a warning.'
            SecurityGroupName = 'Not supported on a device: a warning.'
            OpenPorts = 'Not supported on a device: a warning.'
            Image = 'Simple set: an image name in the resource group (alias ImageName); required (no marketplace).'
            Size = 'Simple set: the VM size (default Standard_D1_v2).'
            AvailabilitySetName = 'Not supported on a device: a warning.'
            SystemAssignedIdentity = 'Not supported on a device: a warning.'
            UserAssignedIdentity = 'Not supported on a device: a warning.'
            DataDiskSizeInGb = 'Not supported here: a warning.'
            EnableUltraSSD = 'Not supported on a device: a warning.'
            ProximityPlacementGroup = 'Not supported on a device: a warning.'
            SkipGpuPreflight = 'AseGpu extra: create the VM even when the GPU preflight says it will fail (the device then fails it itself).'
            ResourceGroupName = 'The resource group (simple set: default the VM name).'
            Location = 'DBELocal.'
        }
        Examples    = @(
            @{ Code = 'New-AzVM -ResourceGroupName $ResourceGroupName -Location DBELocal -VM $VirtualMachine -Verbose'; Remarks = 'The documented creation.' }
        )
        Outputs     = 'AseGpu.AzCompat.PSAzureOperationResponse (simple set: AseGpu.AzCompat.PSVirtualMachine)'
        Links       = @('New-AzVMConfig', 'Get-AzVM')
    }
    'Get-AzVM' = @{
        Synopsis    = 'Gets VMs, or with -Status their instance view (Az.Compute).'
        Description = 'One VM (HardwareProfile.VmSize, StorageProfile, NetworkProfile.NetworkInterfaces[].Id, OSProfile, ProvisioningState), the group''s or the device''s VMs (wildcards allowed), those of a location. With -Status: one VM''s instance view (Statuses with ProvisioningState/... and PowerState/..., PowerState), or for a list each VM with its PowerState.'
        Parameters  = @{
            ResourceGroupName = 'The resource group; all groups when omitted.'
            Name = 'The VM name or wildcard (aliases ResourceName, VMName).'
            Status = 'The instance view / power states.'
            DisplayHint = 'Compact or Expand (kept on the object).'
            Location = 'Only VMs in this location.'
        }
        Examples    = @(
            @{ Code = 'Get-AzVM -ResourceGroupName myasegpurg -Name gpuvm1 -Status'; Remarks = '' }
            @{ Code = 'Get-AzVM -Status'; Remarks = 'Every VM with its power state.' }
        )
        Outputs     = 'AseGpu.AzCompat.PSVirtualMachine, PSVirtualMachineInstanceView or PSVirtualMachineListStatus'
        Links       = @('Start-AzVM', 'Stop-AzVM')
    }
    'Start-AzVM' = @{
        Synopsis    = 'Starts a VM (Az.Compute).'
        Description = 'Starts the VM and waits (AseGpu''s VM service); outputs Az''s operation status (Status Succeeded).'
        Parameters  = @{
            Name = 'The VM (aliases ResourceName, VMName).'
            Id = 'The VM id instead of -ResourceGroupName/-Name.'
        }
        Examples    = @(
            @{ Code = 'Start-AzVM -ResourceGroupName myasegpurg -Name gpuvm1'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSComputeLongRunningOperation'
        Links       = @('Stop-AzVM')
    }
    'Restart-AzVM' = @{
        Synopsis    = 'Restarts a VM (Az.Compute).'
        Description = 'Restarts the VM and waits; outputs the operation status.'
        Parameters  = @{
            Name = 'The VM (aliases ResourceName, VMName).'
            Id = 'The VM id instead of -ResourceGroupName/-Name.'
        }
        Examples    = @(
            @{ Code = 'Restart-AzVM -ResourceGroupName myasegpurg -Name gpuvm1'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSComputeLongRunningOperation'
        Links       = @('Start-AzVM')
    }
    'Stop-AzVM' = @{
        Synopsis    = 'Stops a VM: deallocates it, or with -StayProvisioned powers it off keeping its GPU (Az.Compute).'
        Description = 'Without -StayProvisioned the VM is deallocated and a GPU VM releases its GPU (a warning: Kubernetes, when configured, may claim it). Before a device update the docs stop GPU VMs with -StayProvisioned. Asks first (ConfirmImpact High) unless -Force or -Confirm:$false.'
        Parameters  = @{
            Name = 'The VM (aliases ResourceName, VMName).'
            Id = 'The VM id instead of -ResourceGroupName/-Name.'
            Force = 'Do not ask for confirmation.'
            StayProvisioned = 'Power off but keep the VM provisioned (and its GPU).'
            SkipShutdown = 'Accepted; no effect on a device.'
        }
        Examples    = @(
            @{ Code = 'Stop-AzVM -ResourceGroupName myasegpurg -Name gpuvm1 -StayProvisioned -Force'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSComputeLongRunningOperation'
        Links       = @('Start-AzVM')
    }
    'Remove-AzVM' = @{
        Synopsis    = 'Deletes a VM (Az.Compute).'
        Description = 'Deletes the VM and waits; outputs the operation status. Asks first (ConfirmImpact High) unless -Force or -Confirm:$false.'
        Parameters  = @{
            Name = 'The VM (aliases ResourceName, VMName).'
            Id = 'The VM id instead of -ResourceGroupName/-Name.'
            Force = 'Do not ask for confirmation.'
        }
        Examples    = @(
            @{ Code = 'Remove-AzVM -ResourceGroupName myasegpurg -Name gpuvm1 -Force'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSComputeLongRunningOperation'
        Links       = @('New-AzVM')
    }
    'Set-AzVMExtension' = @{
        Synopsis    = 'Adds or updates a VM extension; the NVIDIA GPU extension goes through the GPU extension install (Az.Compute).'
        Description = 'The GPU extension (publisher Microsoft.HpcCompute: NvidiaGpuDriverLinux / NvidiaGpuDriverWindows) is installed through AseGpu''s GPU extension service: the VM must be a GPU size, the OS and the device release are checked (warnings for what is outside the docs'' tables), and the call waits until the extension is Succeeded or Failed (about 10 minutes on a device). Any other extension is a plain ARM extension that the call waits for. Outputs Az''s operation response.'
        Parameters  = @{
            VMName = 'The VM (alias ResourceName).'
            Name = 'The extension name (alias ExtensionName).'
            Publisher = 'Microsoft.HpcCompute for the GPU extension.'
            ExtensionType = 'NvidiaGpuDriverLinux or NvidiaGpuDriverWindows (alias Type).'
            Settings = 'Public settings (a hashtable).'
            ProtectedSettings = 'Protected settings (none for the GPU extension).'
            SettingString = 'Public settings as JSON.'
            ProtectedSettingString = 'Protected settings as JSON.'
            TypeHandlerVersion = 'The version: 1.8 (Linux) / 1.5 (Windows) on release 2205 and later, 1.3 before (aliases HandlerVersion, Version).'
            Location = 'Accepted (DBELocal).'
            DisableAutoUpgradeMinorVersion = 'No automatic minor-version upgrade (plain extensions).'
            ForceRerun = 'Re-run a plain extension with the same settings.'
        }
        Examples    = @(
            @{ Code = 'Set-AzVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1 -Name gpuLinux -Location DBELocal -Publisher Microsoft.HpcCompute -ExtensionType NvidiaGpuDriverLinux -TypeHandlerVersion 1.8 -Settings @{}'; Remarks = 'The addGPUExtLinuxVM2205 values.' }
        )
        Outputs     = 'AseGpu.AzCompat.PSAzureOperationResponse'
        Links       = @('Get-AzVMExtension', 'Install-AseGpuExtension')
    }
    'Get-AzVMExtension' = @{
        Synopsis    = 'Gets a VM''s extensions (Az.Compute).'
        Description = 'One extension by name, or every extension of the VM (one object each), with ProvisioningState (Creating, then Succeeded or Failed), Statuses and SubStatuses.'
        Parameters  = @{
            VMName = 'The VM (alias ResourceName).'
            Name = 'The extension (alias ExtensionName); all when omitted.'
            Status = 'Accepted: the statuses are always included.'
        }
        Examples    = @(
            @{ Code = 'Get-AzVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1 -Name gpuLinux'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSVirtualMachineExtension'
        Links       = @('Set-AzVMExtension')
    }
    'Remove-AzVMExtension' = @{
        Synopsis    = 'Removes an extension from a VM (Az.Compute).'
        Description = 'Removes the extension and waits; outputs the operation response. Asks first (ConfirmImpact High) unless -Force or -Confirm:$false.'
        Parameters  = @{
            VMName = 'The VM (alias ResourceName).'
            Name = 'The extension (alias ExtensionName).'
            Force = 'Do not ask for confirmation.'
        }
        Examples    = @(
            @{ Code = 'Remove-AzVMExtension -ResourceGroupName myasegpurg -VMName gpuvm1 -Name gpuLinux -Force'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSAzureOperationResponse'
        Links       = @('Set-AzVMExtension')
    }
}
