using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu.AzCompat
{
    /// <summary>Plain ARM resources (virtual networks, NICs, disks, images) by name, list or group: one asegpu_arm_request each.</summary>
    public abstract class AzArmResourceCmdlet : AzRmCmdlet
    {
        /// <summary>
        /// GETs one resource (<paramref name="name"/> exact), or lists the group's / the subscription's and keeps
        /// those matching <paramref name="name"/> (a wildcard, or null for all), converting each with <paramref name="convert"/>.
        /// </summary>
        protected void FindResources(AseSession session, string providerType, string apiVersion, string resourceGroup, string name,
            Func<object, object> convert, string what)
        {
            bool one = resourceGroup != null && name != null && !Names.IsPattern(name);
            string path = one ? ResourcePath(session, resourceGroup, providerType, name)
                : resourceGroup != null ? ResourcePath(session, resourceGroup, providerType, null)
                : SubscriptionPath(session) + "/providers/" + providerType;
            Run(one ? "Getting " + what + " '" + name + "'" : "Listing " + what + "s", name ?? resourceGroup, (p, ct) =>
            {
                object r = session.ArmRequest("GET", path, apiVersion, null, null, null, ct);
                if (one) return new[] { convert(r) };
                object[] all = Arm.Values(r).Where(x => Names.Match(name, Arm.Str(x, "name"))).Select(convert).ToArray();
                if (all.Length == 0 && name != null && !Names.IsPattern(name)) throw Names.NotFound(what, name, "armRequest");
                return all;
            }, AseOperationSpec.EmitResult);
        }
    }

    [Cmdlet(VerbsCommon.Get, "AzVirtualNetwork", DefaultParameterSetName = "ListParameterSet")]
    [OutputType(typeof(PSVirtualNetwork))]
    public sealed class GetAzVirtualNetworkCommand : AzArmResourceCmdlet
    {
        [Parameter(ParameterSetName = "ListParameterSet", ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = "GetByResourceNameExpandParameterSet", Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(ParameterSetName = "ListParameterSet", ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = "GetByResourceNameExpandParameterSet", Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(ParameterSetName = "GetByResourceNameExpandParameterSet", Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ExpandResource { get; set; }

        protected override void ExecuteCmdlet()
        {
            IgnoredOnDevice(nameof(ExpandResource));
            FindResources(RequireAzSession(), "Microsoft.Network/virtualNetworks", Arm.NetworkApi, Opt(ResourceGroupName), Opt(Name), PSVirtualNetwork.FromArm, "virtual network");
        }
    }

    [Cmdlet(VerbsCommon.New, "AzNetworkInterfaceIpConfig", DefaultParameterSetName = ByResource)]
    [OutputType(typeof(PSNetworkInterfaceIPConfiguration))]
    public sealed class NewAzNetworkInterfaceIpConfigCommand : AzRmCmdlet
    {
        const string ByResource = "SetByResource", ByResourceId = "SetByResourceId";

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter]
        [ValidateSet("IPv4", "IPv6", IgnoreCase = true)]
        public string PrivateIpAddressVersion { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string PrivateIpAddress { get; set; }

        [Parameter]
        public SwitchParameter Primary { get; set; }

        [Parameter(ParameterSetName = ByResource, ValueFromPipelineByPropertyName = true)]
        public PSSubnet Subnet { get; set; }

        [Parameter(ParameterSetName = ByResourceId, ValueFromPipelineByPropertyName = true)]
        public string SubnetId { get; set; }

        [Parameter(ParameterSetName = ByResourceId, ValueFromPipelineByPropertyName = true)]
        public string PublicIpAddressId { get; set; }

        protected override void ExecuteCmdlet()
        {
            string subnet = ParameterSetName == ByResourceId ? Opt(SubnetId) : Subnet?.Id;
            WriteObject(new PSNetworkInterfaceIPConfiguration
            {
                Name = Name,
                PrivateIpAddress = Opt(PrivateIpAddress),
                PrivateIpAllocationMethod = Opt(PrivateIpAddress) == null ? "Dynamic" : "Static",
                PrivateIpAddressVersion = Opt(PrivateIpAddressVersion),
                Primary = Primary.IsPresent ? true : (bool?)null,
                Subnet = subnet == null ? null : new PSResourceId { Id = subnet },
                PublicIpAddress = Opt(PublicIpAddressId) == null ? null : new PSResourceId { Id = PublicIpAddressId },
            });
        }
    }

    [Cmdlet(VerbsCommon.New, "AzNetworkInterface", SupportsShouldProcess = true, DefaultParameterSetName = ByResourceId)]
    [OutputType(typeof(PSNetworkInterface))]
    public sealed class NewAzNetworkInterfaceCommand : AzRmCmdlet
    {
        const string ByResourceId = "SetByResourceId", ByResource = "SetByResource", ByIpConfigurationId = "SetByIpConfigurationResourceId";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Location { get; set; }

        // Az also has SetByIpConfigurationResource (-IpConfiguration with a -NetworkSecurityGroup object): a device has no NSGs.
        [Parameter(ParameterSetName = ByIpConfigurationId, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public PSNetworkInterfaceIPConfiguration[] IpConfiguration { get; set; }

        [Parameter(ParameterSetName = ByResource, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public PSSubnet Subnet { get; set; }

        [Parameter(ParameterSetName = ByResourceId, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public string SubnetId { get; set; }

        [Parameter(ParameterSetName = ByResourceId, ValueFromPipelineByPropertyName = true)]
        public string PublicIpAddressId { get; set; }

        [Parameter(ParameterSetName = ByResourceId, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByIpConfigurationId, ValueFromPipelineByPropertyName = true)]
        public string NetworkSecurityGroupId { get; set; }

        [Parameter(ParameterSetName = ByResourceId, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByResource, ValueFromPipelineByPropertyName = true)]
        public string PrivateIpAddress { get; set; }

        [Parameter(ParameterSetName = ByResourceId, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByResource, ValueFromPipelineByPropertyName = true)]
        public string IpConfigurationName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string[] DnsServer { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string InternalDnsNameLabel { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public Hashtable Tag { get; set; }

        [Parameter]
        public SwitchParameter EnableAcceleratedNetworking { get; set; }

        [Parameter]
        public SwitchParameter EnableIPForwarding { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            NotSupportedOnDevice("the device's compute network has no network security groups", nameof(NetworkSecurityGroupId));
            PSNetworkInterfaceIPConfiguration[] configs = IpConfiguration;
            if (ParameterSetName == ByResourceId || ParameterSetName == ByResource)
            {
                configs = new[]
                {
                    new PSNetworkInterfaceIPConfiguration
                    {
                        Name = Opt(IpConfigurationName) ?? "ipconfig1",
                        PrivateIpAddress = Opt(PrivateIpAddress),
                        Subnet = new PSResourceId { Id = ParameterSetName == ByResourceId ? SubnetId : Subnet?.Id },
                        PublicIpAddress = Opt(PublicIpAddressId) == null ? null : new PSResourceId { Id = PublicIpAddressId },
                    },
                };
            }
            if (configs == null || configs.Length == 0 || configs.Any(c => c == null))
                ThrowArgumentError("NoIpConfiguration", "Give the NIC an IP configuration (-IpConfiguration from New-AzNetworkInterfaceIpConfig, or -SubnetId).", Name);
            Dictionary<string, object> props = new Dictionary<string, object> { ["ipConfigurations"] = configs.Select(c => (object)c.ToArm()).ToList() };
            if (DnsServer != null || Opt(InternalDnsNameLabel) != null)
            {
                Dictionary<string, object> dns = new Dictionary<string, object>();
                if (DnsServer != null) dns["dnsServers"] = DnsServer;
                if (Opt(InternalDnsNameLabel) != null) dns["internalDnsNameLabel"] = InternalDnsNameLabel;
                props["dnsSettings"] = dns;
            }
            if (EnableAcceleratedNetworking) props["enableAcceleratedNetworking"] = true;
            if (EnableIPForwarding) props["enableIPForwarding"] = true;
            Dictionary<string, object> body = new Dictionary<string, object> { ["location"] = Location, ["properties"] = props };
            if (Tag != null && Tag.Count > 0) body["tags"] = Arm.TagBody(Tag);
            string path = ResourcePath(session, ResourceGroupName, "Microsoft.Network/networkInterfaces", Name);
            if (!ShouldProcess(Name, "Creating network interface in " + ResourceGroupName)) return;
            if (!Force)
            {
                bool exists;
                try { session.ArmRequest("GET", path, Arm.NetworkApi, null, null, null, StopToken); exists = true; }
                catch (AseGpuException e) when (e.Status == AseStatus.NotFound) { exists = false; }
                if (exists && !ShouldContinueOrFail("The network interface '" + Name + "' already exists. Are you sure you want to overwrite it?", "Overwriting resource", Name)) return;
            }
            Run("Creating network interface '" + Name + "'", Name, (p, ct) => PSNetworkInterface.FromArm(session.ArmRequest("PUT", path, Arm.NetworkApi, body, null, p, ct)),
                AseOperationSpec.EmitResult, AsJob, "subnet " + string.Join(", ", configs.Select(c => c.Subnet?.Id)) + ", " + string.Join(", ", configs.Select(c => c.PrivateIpAddress ?? "dynamic IP")));
        }
    }

    [Cmdlet(VerbsCommon.Get, "AzNetworkInterface", DefaultParameterSetName = NoExpand)]
    [OutputType(typeof(PSNetworkInterface))]
    public sealed class GetAzNetworkInterfaceCommand : AzArmResourceCmdlet
    {
        const string NoExpand = "NoExpandStandAloneNic", ById = "GetByResourceIdNoExpandParameterSet";

        [Parameter(ParameterSetName = NoExpand, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(ParameterSetName = NoExpand, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(ParameterSetName = ById, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceId { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            string rg = Opt(ResourceGroupName), name = Opt(Name);
            if (ParameterSetName == ById) ParseIdOrFail(ResourceId, out rg, out name);
            FindResources(session, "Microsoft.Network/networkInterfaces", Arm.NetworkApi, rg, name, PSNetworkInterface.FromArm, "network interface");
        }
    }
}
