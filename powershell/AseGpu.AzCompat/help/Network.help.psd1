# Help of Get-AzVirtualNetwork, New-AzNetworkInterfaceIpConfig, New-/Get-AzNetworkInterface (AseGpu.AzCompat; built into the MAML file by AseGpu.PowerShell/help/Build-AseHelp.ps1 -HelpSource).
@{
    'Get-AzVirtualNetwork' = @{
        Synopsis    = 'Gets the device''s virtual network (Az.Network).'
        Description = 'ASEVNET in ASERG (made when compute is enabled on a port), with Subnets[0].Id for the NICs; by name, group, or all.'
        Parameters  = @{
            Name = 'The network name or wildcard (alias ResourceName).'
            ResourceGroupName = 'The resource group (ASERG on a device).'
            ExpandResource = 'Accepted; nothing to expand on a device.'
        }
        Examples    = @(
            @{ Code = '$ArmVn = Get-AzVirtualNetwork -Name ASEVNET -ResourceGroupName ASERG'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSVirtualNetwork'
        Links       = @('New-AzNetworkInterfaceIpConfig')
    }
    'New-AzNetworkInterfaceIpConfig' = @{
        Synopsis    = 'Makes a local NIC IP configuration (Az.Network).'
        Description = 'Nothing is sent: New-AzNetworkInterface -IpConfiguration uses it. Dynamic allocation unless -PrivateIpAddress (static).'
        Parameters  = @{
            Name = 'The IP configuration name.'
            PrivateIpAddressVersion = 'IPv4 or IPv6.'
            PrivateIpAddress = 'A static IP in the compute subnet (dynamic when omitted).'
            Primary = 'The primary IP configuration.'
            Subnet = 'The subnet object (Get-AzVirtualNetwork).Subnets[0].'
            SubnetId = 'The subnet id.'
            PublicIpAddressId = 'A public IP id (the device returns the private IP).'
        }
        Examples    = @(
            @{ Code = '$ipConfig = New-AzNetworkInterfaceIpConfig -Name $IpConfigName -SubnetId $aRmVN.Subnets[0].Id'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSNetworkInterfaceIPConfiguration'
        Links       = @('New-AzNetworkInterface')
    }
    'New-AzNetworkInterface' = @{
        Synopsis    = 'Creates a network interface in the compute network (Az.Network).'
        Description = 'Creates the NIC and waits; outputs it (Id, IpConfigurations[0].PrivateIpAddress). When it exists, asks before overwriting it unless -Force, as Az does.'
        Parameters  = @{
            Name = 'The NIC name (alias ResourceName).'
            IpConfiguration = 'IP configurations (New-AzNetworkInterfaceIpConfig).'
            Subnet = 'The subnet object.'
            SubnetId = 'The subnet id.'
            PublicIpAddressId = 'A public IP id.'
            NetworkSecurityGroupId = 'Not supported on a device (no NSGs): a warning.'
            PrivateIpAddress = 'A static IP (dynamic when omitted).'
            IpConfigurationName = 'The IP configuration name (default ipconfig1).'
            DnsServer = 'DNS servers.'
            InternalDnsNameLabel = 'The internal DNS name label.'
            EnableAcceleratedNetworking = 'Accelerated networking.'
            EnableIPForwarding = 'IP forwarding.'
            Force = 'Overwrite an existing NIC without asking.'
        }
        Examples    = @(
            @{ Code = '$Nic = New-AzNetworkInterface -Name $NicName -ResourceGroupName $ResourceGroupName -Location DBELocal -IpConfiguration $IpConfig'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSNetworkInterface'
        Links       = @('Get-AzNetworkInterface', 'Add-AzVMNetworkInterface')
    }
    'Get-AzNetworkInterface' = @{
        Synopsis    = 'Gets network interfaces (Az.Network).'
        Description = 'One NIC by name or id, the group''s or the device''s NICs (wildcards allowed).'
        Parameters  = @{
            Name = 'The NIC name or wildcard (alias ResourceName).'
            ResourceGroupName = 'The resource group; all groups when omitted.'
            ResourceId = 'The NIC id.'
        }
        Examples    = @(
            @{ Code = '$nicID = (Get-AzNetworkInterface -Name $NicName -ResourceGroupName $ResourceGroupName).Id'; Remarks = '' }
            @{ Code = '(Get-AzNetworkInterface -ResourceId $vm.NetworkProfile.NetworkInterfaces[0].Id).IpConfigurations[0].PrivateIpAddress'; Remarks = 'The VM''s IP address.' }
        )
        Outputs     = 'AseGpu.AzCompat.PSNetworkInterface'
        Links       = @('New-AzNetworkInterface')
    }
}
