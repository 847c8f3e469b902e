using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace AseGpu.AzCompat
{
    // The objects Az.Network outputs, with the property names scripts read (.Subnets[0].Id, .IpConfigurations[0].PrivateIpAddress).

    /// <summary>Az: PSResourceId ({Id}).</summary>
    public sealed class PSResourceId
    {
        public string Id { get; set; }
        public override string ToString() => Id;
    }

    /// <summary>Az: PSAddressSpace.</summary>
    public sealed class PSAddressSpace
    {
        public List<string> AddressPrefixes { get; set; } = new List<string>();
    }

    /// <summary>Az: PSDhcpOptions.</summary>
    public sealed class PSDhcpOptions
    {
        public List<string> DnsServers { get; set; } = new List<string>();
    }

    /// <summary>Az: PSSubnet.</summary>
    public sealed class PSSubnet
    {
        public string Name { get; set; }
        public string Id { get; set; }
        public string Etag { get; set; }
        public List<string> AddressPrefix { get; set; } = new List<string>();
        public List<PSResourceId> IpConfigurations { get; set; } = new List<PSResourceId>();
        public string ProvisioningState { get; set; }

        internal static PSSubnet FromArm(object s)
        {
            PSSubnet r = new PSSubnet
            {
                Name = Arm.Str(s, "name"),
                Id = Arm.Str(s, "id"),
                Etag = Arm.Str(s, "etag"),
                ProvisioningState = Arm.Str(s, "properties", "provisioningState"),
                IpConfigurations = Arm.List(s, "properties", "ipConfigurations").Select(c => new PSResourceId { Id = Arm.Str(c, "id") }).ToList(),
            };
            string one = Arm.Str(s, "properties", "addressPrefix");
            if (one != null) r.AddressPrefix.Add(one);
            r.AddressPrefix.AddRange(Arm.List(s, "properties", "addressPrefixes").Select(x => x as string).Where(x => x != null && !r.AddressPrefix.Contains(x)));
            return r;
        }

        public override string ToString() => Name;
    }

    /// <summary>Az: PSVirtualNetwork (Get-AzVirtualNetwork).</summary>
    public sealed class PSVirtualNetwork
    {
        public string Name { get; set; }
        public string ResourceGroupName { get; set; }
        public string Location { get; set; }
        public string Id { get; set; }
        public string Etag { get; set; }
        public string ResourceGuid { get; set; }
        public string ProvisioningState { get; set; }
        public Hashtable Tag { get; set; }
        public PSAddressSpace AddressSpace { get; set; } = new PSAddressSpace();
        public PSDhcpOptions DhcpOptions { get; set; } = new PSDhcpOptions();
        public List<PSSubnet> Subnets { get; set; } = new List<PSSubnet>();
        public List<object> VirtualNetworkPeerings { get; set; } = new List<object>();
        public bool? EnableDdosProtection { get; set; }
        public bool? EnableVmProtection { get; set; }

        public static PSVirtualNetwork FromArm(object v)
        {
            string id = Arm.Str(v, "id");
            PSVirtualNetwork n = new PSVirtualNetwork
            {
                Name = Arm.Str(v, "name"),
                ResourceGroupName = Arm.IdSegment(id, "resourceGroups"),
                Location = Arm.Str(v, "location"),
                Id = id,
                Etag = Arm.Str(v, "etag"),
                ResourceGuid = Arm.Str(v, "properties", "resourceGuid"),
                ProvisioningState = Arm.Str(v, "properties", "provisioningState"),
                Tag = Arm.Tags(v),
                Subnets = Arm.List(v, "properties", "subnets").Select(PSSubnet.FromArm).ToList(),
                EnableDdosProtection = Arm.Bool(v, "properties", "enableDdosProtection"),
                EnableVmProtection = Arm.Bool(v, "properties", "enableVmProtection"),
            };
            n.AddressSpace.AddressPrefixes.AddRange(Arm.List(v, "properties", "addressSpace", "addressPrefixes").OfType<string>());
            n.DhcpOptions.DnsServers.AddRange(Arm.List(v, "properties", "dhcpOptions", "dnsServers").OfType<string>());
            return n;
        }

        public override string ToString() => Name;
    }

    /// <summary>Az: PSNetworkInterfaceIPConfiguration (New-AzNetworkInterfaceIpConfig; NIC .IpConfigurations[n]).</summary>
    public sealed class PSNetworkInterfaceIPConfiguration
    {
        public string Name { get; set; }
        public string Id { get; set; }
        public string Etag { get; set; }
        public string PrivateIpAddress { get; set; }
        public string PrivateIpAllocationMethod { get; set; }
        public string PrivateIpAddressVersion { get; set; }
        public PSResourceId Subnet { get; set; }
        public PSResourceId PublicIpAddress { get; set; }
        public bool? Primary { get; set; }
        public string ProvisioningState { get; set; }

        internal static PSNetworkInterfaceIPConfiguration FromArm(object c)
        {
            string subnet = Arm.Str(c, "properties", "subnet", "id");
            string pip = Arm.Str(c, "properties", "publicIPAddress", "id");
            return new PSNetworkInterfaceIPConfiguration
            {
                Name = Arm.Str(c, "name"),
                Id = Arm.Str(c, "id"),
                Etag = Arm.Str(c, "etag"),
                PrivateIpAddress = Arm.Str(c, "properties", "privateIPAddress"),
                PrivateIpAllocationMethod = Arm.Str(c, "properties", "privateIPAllocationMethod"),
                PrivateIpAddressVersion = Arm.Str(c, "properties", "privateIPAddressVersion"),
                Subnet = subnet == null ? null : new PSResourceId { Id = subnet },
                PublicIpAddress = pip == null ? null : new PSResourceId { Id = pip },
                Primary = Arm.Bool(c, "properties", "primary"),
                ProvisioningState = Arm.Str(c, "properties", "provisioningState"),
            };
        }

        internal Dictionary<string, object> ToArm()
        {
            Dictionary<string, object> p = new Dictionary<string, object>
            {
                ["privateIPAllocationMethod"] = string.IsNullOrEmpty(PrivateIpAddress) ? "Dynamic" : "Static",
            };
            if (!string.IsNullOrEmpty(PrivateIpAddress)) p["privateIPAddress"] = PrivateIpAddress;
            if (Subnet?.Id != null) p["subnet"] = new Dictionary<string, object> { ["id"] = Subnet.Id };
            if (PublicIpAddress?.Id != null) p["publicIPAddress"] = new Dictionary<string, object> { ["id"] = PublicIpAddress.Id };
            if (Primary.HasValue) p["primary"] = Primary.Value;
            if (!string.IsNullOrEmpty(PrivateIpAddressVersion)) p["privateIPAddressVersion"] = PrivateIpAddressVersion;
            return new Dictionary<string, object> { ["name"] = Name, ["properties"] = p };
        }

        public override string ToString() => Name;
    }

    /// <summary>Az: PSNetworkInterfaceDnsSettings.</summary>
    public sealed class PSNetworkInterfaceDnsSettings
    {
        public List<string> DnsServers { get; set; } = new List<string>();
        public List<string> AppliedDnsServers { get; set; } = new List<string>();
        public string InternalDnsNameLabel { get; set; }
        public string InternalFqdn { get; set; }
    }

    /// <summary>Az: PSNetworkInterface (New-/Get-AzNetworkInterface).</summary>
    public sealed class PSNetworkInterface
    {
        public string Name { get; set; }
        public string ResourceGroupName { get; set; }
        public string Location { get; set; }
        public string Id { get; set; }
        public string Etag { get; set; }
        public string ResourceGuid { get; set; }
        public string ProvisioningState { get; set; }
        public Hashtable Tag { get; set; }
        public PSResourceId VirtualMachine { get; set; }
        public List<PSNetworkInterfaceIPConfiguration> IpConfigurations { get; set; } = new List<PSNetworkInterfaceIPConfiguration>();
        public PSNetworkInterfaceDnsSettings DnsSettings { get; set; } = new PSNetworkInterfaceDnsSettings();
        public string MacAddress { get; set; }
        public bool? Primary { get; set; }
        public bool EnableAcceleratedNetworking { get; set; }
        public bool EnableIPForwarding { get; set; }
        public PSResourceId NetworkSecurityGroup { get; set; }

        public static PSNetworkInterface FromArm(object n)
        {
            string id = Arm.Str(n, "id");
            string vm = Arm.Str(n, "properties", "virtualMachine", "id");
            string nsg = Arm.Str(n, "properties", "networkSecurityGroup", "id");
            PSNetworkInterface r = new PSNetworkInterface
            {
                Name = Arm.Str(n, "name"),
                ResourceGroupName = Arm.IdSegment(id, "resourceGroups"),
                Location = Arm.Str(n, "location"),
                Id = id,
                Etag = Arm.Str(n, "etag"),
                ResourceGuid = Arm.Str(n, "properties", "resourceGuid"),
                ProvisioningState = Arm.Str(n, "properties", "provisioningState"),
                Tag = Arm.Tags(n),
                VirtualMachine = vm == null ? null : new PSResourceId { Id = vm },
                IpConfigurations = Arm.List(n, "properties", "ipConfigurations").Select(PSNetworkInterfaceIPConfiguration.FromArm).ToList(),
                MacAddress = Arm.Str(n, "properties", "macAddress"),
                Primary = Arm.Bool(n, "properties", "primary"),
                EnableAcceleratedNetworking = Arm.Bool(n, "properties", "enableAcceleratedNetworking") ?? false,
                EnableIPForwarding = Arm.Bool(n, "properties", "enableIPForwarding") ?? false,
                NetworkSecurityGroup = nsg == null ? null : new PSResourceId { Id = nsg },
            };
            r.DnsSettings.DnsServers.AddRange(Arm.List(n, "properties", "dnsSettings", "dnsServers").OfType<string>());
            r.DnsSettings.AppliedDnsServers.AddRange(Arm.List(n, "properties", "dnsSettings", "appliedDnsServers").OfType<string>());
            r.DnsSettings.InternalDnsNameLabel = Arm.Str(n, "properties", "dnsSettings", "internalDnsNameLabel");
            r.DnsSettings.InternalFqdn = Arm.Str(n, "properties", "dnsSettings", "internalFqdn");
            return r;
        }

        public override string ToString() => Name;
    }
}
