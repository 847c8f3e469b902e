using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu.AzCompat
{
    // The local VM configuration cmdlets: they change the PSVirtualMachine they are given and output it (New-AzVM sends it).

    [Cmdlet(VerbsCommon.New, "AzVMConfig", DefaultParameterSetName = "DefaultParameterSet")]
    [OutputType(typeof(PSVirtualMachine))]
    public sealed class NewAzVMConfigCommand : AzRmCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceName", "Name")]
        [ValidateNotNullOrEmpty]
        public string VMName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string VMSize { get; set; }

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        public string AvailabilitySetId { get; set; }

        [Parameter(Position = 3, ValueFromPipelineByPropertyName = true)]
        public string LicenseType { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string[] Zone { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string ProximityPlacementGroupId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string HostId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public double MaxPrice { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string EvictionPolicy { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Priority { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public Hashtable Tags { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public SwitchParameter EnableUltraSSD { get; set; }

        protected override void ExecuteCmdlet()
        {
            NotSupportedOnDevice("a device has no zones, placement groups, dedicated hosts, Spot VMs or Ultra disks",
                nameof(Zone), nameof(ProximityPlacementGroupId), nameof(HostId), nameof(MaxPrice), nameof(EvictionPolicy), nameof(Priority), nameof(EnableUltraSSD));
            WriteObject(new PSVirtualMachine
            {
                Name = VMName,
                HardwareProfile = new HardwareProfile { VmSize = VMSize },
                AvailabilitySetReference = Opt(AvailabilitySetId) == null ? null : new PSResourceId { Id = AvailabilitySetId },
                LicenseType = Opt(LicenseType),
                Tags = Tags ?? new Hashtable(StringComparer.OrdinalIgnoreCase),
            });
        }
    }

    [Cmdlet(VerbsCommon.Set, "AzVMOperatingSystem", DefaultParameterSetName = WindowsSet)]
    [OutputType(typeof(PSVirtualMachine))]
    public sealed class SetAzVMOperatingSystemCommand : AzRmCmdlet
    {
        const string WindowsSet = "Windows", WindowsHttpsSet = "WindowsWinRmHttps", LinuxSet = "Linux";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("VMProfile")]
        public PSVirtualMachine VM { get; set; }

        [Parameter(ParameterSetName = WindowsSet, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = WindowsHttpsSet, Position = 1, ValueFromPipelineByPropertyName = true)]
        public SwitchParameter Windows { get; set; }

        [Parameter(ParameterSetName = LinuxSet, Position = 1, ValueFromPipelineByPropertyName = true)]
        public SwitchParameter Linux { get; set; }

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        public string ComputerName { get; set; }

        [Parameter(Position = 3, ValueFromPipelineByPropertyName = true)]
        public PSCredential Credential { get; set; }

        [Parameter(Position = 4, ValueFromPipelineByPropertyName = true)]
        public string CustomData { get; set; }

        [Parameter(ParameterSetName = WindowsSet, Position = 5, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = WindowsHttpsSet, Position = 5, ValueFromPipelineByPropertyName = true)]
        public SwitchParameter ProvisionVMAgent { get; set; }

        [Parameter(ParameterSetName = WindowsSet, Position = 6, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = WindowsHttpsSet, Position = 6, ValueFromPipelineByPropertyName = true)]
        public SwitchParameter EnableAutoUpdate { get; set; }

        [Parameter(ParameterSetName = WindowsSet, Position = 7, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = WindowsHttpsSet, Position = 7, ValueFromPipelineByPropertyName = true)]
        public string TimeZone { get; set; }

        [Parameter(ParameterSetName = WindowsSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = WindowsHttpsSet, ValueFromPipelineByPropertyName = true)]
        public SwitchParameter WinRMHttp { get; set; }

        [Parameter(ParameterSetName = WindowsHttpsSet, ValueFromPipelineByPropertyName = true)]
        public SwitchParameter WinRMHttps { get; set; }

        [Parameter(ParameterSetName = WindowsHttpsSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public Uri WinRMCertificateUrl { get; set; }

        [Parameter(ParameterSetName = LinuxSet, Position = 5, ValueFromPipelineByPropertyName = true)]
        public SwitchParameter DisablePasswordAuthentication { get; set; }

        protected override void ExecuteCmdlet()
        {
            NotSupportedOnDevice("WinRM certificates come from Key Vault, which a device does not have", nameof(WinRMHttps), nameof(WinRMCertificateUrl));
            if (Credential == null && VM.OSProfile?.AdminUsername == null)
                ThrowArgumentError("NoCredential", "A new VM needs -Credential (its admin user name and password).", VM.Name);
            OSProfile os = VM.OSProfile ?? new OSProfile();
            if (IsBound(nameof(ComputerName))) os.ComputerName = Opt(ComputerName);
            if (Credential != null)
            {
                os.AdminUsername = Credential.UserName?.TrimStart('\\');
                os.AdminPassword = Credential.GetNetworkCredential().Password;
            }
            os.CustomData = ComputeText.Base64(Opt(CustomData));
            if (ParameterSetName == LinuxSet)
            {
                os.LinuxConfiguration = new LinuxConfiguration { DisablePasswordAuthentication = DisablePasswordAuthentication.IsPresent ? true : (bool?)null };
                os.WindowsConfiguration = null;
            }
            else
            {
                os.WindowsConfiguration = new WindowsConfiguration
                {
                    ProvisionVMAgent = ProvisionVMAgent.IsPresent ? true : (bool?)null,
                    EnableAutomaticUpdates = EnableAutoUpdate.IsPresent ? true : (bool?)null,
                    TimeZone = Opt(TimeZone),
                };
                os.LinuxConfiguration = null;
            }
            VM.OSProfile = os;
            WriteObject(VM);
        }
    }

    [Cmdlet(VerbsCommon.Set, "AzVMOSDisk", DefaultParameterSetName = DefaultSet)]
    [OutputType(typeof(PSVirtualMachine))]
    public sealed class SetAzVMOSDiskCommand : AzRmCmdlet
    {
        const string DefaultSet = "DefaultParamSet", WindowsSet = "WindowsParamSet", LinuxSet = "LinuxParamSet";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("VMProfile")]
        public PSVirtualMachine VM { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("OSDiskName", "DiskName")]
        public string Name { get; set; }

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("OSDiskVhdUri", "DiskVhdUri")]
        public string VhdUri { get; set; }

        [Parameter(Position = 3, ValueFromPipelineByPropertyName = true)]
        public CachingTypes? Caching { get; set; }

        [Parameter(Position = 4, ValueFromPipelineByPropertyName = true)]
        [Alias("SourceImage")]
        public string SourceImageUri { get; set; }

        [Parameter(Position = 5, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("FromImage", "Empty", "Attach", IgnoreCase = true)]
        public string CreateOption { get; set; }

        [Parameter(ParameterSetName = WindowsSet, Mandatory = true, Position = 6, ValueFromPipelineByPropertyName = true)]
        public SwitchParameter Windows { get; set; }

        [Parameter(ParameterSetName = LinuxSet, Mandatory = true, Position = 6, ValueFromPipelineByPropertyName = true)]
        public SwitchParameter Linux { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("Local", IgnoreCase = true)]
        public string DiffDiskSetting { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        public int? DiskSizeInGB { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string ManagedDiskId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string StorageAccountType { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string DiskEncryptionSetId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public SwitchParameter WriteAccelerator { get; set; }

        protected override void ExecuteCmdlet()
        {
            NotSupportedOnDevice("the device has no ephemeral OS disks, disk encryption sets or write accelerator", nameof(DiffDiskSetting), nameof(DiskEncryptionSetId), nameof(WriteAccelerator));
            if (VM.StorageProfile == null) VM.StorageProfile = new StorageProfile();
            OSDisk d = VM.StorageProfile.OsDisk ?? new OSDisk();
            if (IsBound(nameof(Name))) d.Name = Opt(Name);
            if (IsBound(nameof(VhdUri))) d.Vhd = Opt(VhdUri) == null ? null : new VirtualHardDisk { Uri = VhdUri };
            if (IsBound(nameof(Caching))) d.Caching = Caching;
            if (IsBound(nameof(SourceImageUri))) d.Image = Opt(SourceImageUri) == null ? null : new VirtualHardDisk { Uri = SourceImageUri };
            if (IsBound(nameof(CreateOption))) d.CreateOption = Opt(CreateOption);
            if (ParameterSetName == WindowsSet) d.OsType = OperatingSystemTypes.Windows;
            if (ParameterSetName == LinuxSet) d.OsType = OperatingSystemTypes.Linux;
            if (IsBound(nameof(DiskSizeInGB))) d.DiskSizeGB = DiskSizeInGB;
            if (Opt(ManagedDiskId) != null || Opt(StorageAccountType) != null)
            {
                d.ManagedDisk = d.ManagedDisk ?? new ManagedDiskParameters();
                if (Opt(ManagedDiskId) != null) d.ManagedDisk.Id = ManagedDiskId;
                if (Opt(StorageAccountType) != null) d.ManagedDisk.StorageAccountType = StorageAccountType;
            }
            VM.StorageProfile.OsDisk = d;
            WriteObject(VM);
        }
    }

    [Cmdlet(VerbsCommon.Add, "AzVMNetworkInterface", DefaultParameterSetName = ById)]
    [OutputType(typeof(PSVirtualMachine))]
    public sealed class AddAzVMNetworkInterfaceCommand : AzRmCmdlet
    {
        const string ById = "GetNicFromNicId", ByObject = "GetNicFromNicObject";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("VMProfile")]
        public PSVirtualMachine VM { get; set; }

        [Parameter(ParameterSetName = ById, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("NicId", "NetworkInterfaceId")]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        [Parameter(ParameterSetName = ByObject, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public PSNetworkInterface[] NetworkInterface { get; set; }

        [Parameter(ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        public SwitchParameter Primary { get; set; }

        protected override void ExecuteCmdlet()
        {
            if (VM.NetworkProfile == null) VM.NetworkProfile = new NetworkProfile();
            List<NetworkInterfaceReference> nics = VM.NetworkProfile.NetworkInterfaces;
            IEnumerable<string> ids = ParameterSetName == ById ? new[] { Id } : NetworkInterface.Where(n => n != null).Select(n => n.Id);
            foreach (string id in ids)
            {
                NetworkInterfaceReference existing = nics.FirstOrDefault(n => string.Equals(n.Id, id, StringComparison.OrdinalIgnoreCase));
                if (existing == null) nics.Add(existing = new NetworkInterfaceReference { Id = id });
                if (Primary) { foreach (NetworkInterfaceReference n in nics) n.Primary = false; existing.Primary = true; }
            }
            WriteObject(VM);
        }
    }

    [Cmdlet(VerbsCommon.Set, "AzVMSourceImage", DefaultParameterSetName = ByReference)]
    [OutputType(typeof(PSVirtualMachine))]
    public sealed class SetAzVMSourceImageCommand : AzRmCmdlet
    {
        const string ByReference = "ImageReferenceParameterSet", ById = "ImageIdParameterSet";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("VMProfile")]
        public PSVirtualMachine VM { get; set; }

        [Parameter(ParameterSetName = ByReference, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public string PublisherName { get; set; }

        [Parameter(ParameterSetName = ByReference, Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        public string Offer { get; set; }

        [Parameter(ParameterSetName = ByReference, Mandatory = true, Position = 3, ValueFromPipelineByPropertyName = true)]
        public string Skus { get; set; }

        [Parameter(ParameterSetName = ByReference, Mandatory = true, Position = 4, ValueFromPipelineByPropertyName = true)]
        public string Version { get; set; }

        [Parameter(ParameterSetName = ById, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        protected override void ExecuteCmdlet()
        {
            if (VM.StorageProfile == null) VM.StorageProfile = new StorageProfile();
            if (ParameterSetName == ByReference)
                WriteWarning("A device has no marketplace images: New-AzVM will be refused. Create an image from your VHD (New-AzImage) and use Set-AzVMSourceImage -Id.");
            VM.StorageProfile.ImageReference = ParameterSetName == ById
                ? new ImageReference { Id = Id }
                : new ImageReference { Publisher = PublisherName, Offer = Offer, Sku = Skus, Version = Version };
            WriteObject(VM);
        }
    }
}
