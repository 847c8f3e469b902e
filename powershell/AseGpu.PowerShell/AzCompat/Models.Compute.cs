using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace AseGpu.AzCompat
{
    // The objects Az.Compute outputs and takes (VM configs are built locally, then sent by New-AzVM), with the
    // property paths scripts read: HardwareProfile.VmSize, StorageProfile.OsDisk / ImageReference,
    // NetworkProfile.NetworkInterfaces[].Id, OSProfile, ProvisioningState...

    public enum OperatingSystemTypes { Windows, Linux }

    public enum OperatingSystemStateTypes { Generalized, Specialized }

    public enum CachingTypes { None, ReadOnly, ReadWrite }

    /// <summary>Az: Sku of a disk.</summary>
    public sealed class DiskSku
    {
        public string Name { get; set; }
        public string Tier { get; set; }
        public override string ToString() => Name;
    }

    /// <summary>Az: CreationData.</summary>
    public sealed class CreationData
    {
        public string CreateOption { get; set; }
        public string StorageAccountId { get; set; }
        public string SourceUri { get; set; }
        public string SourceResourceId { get; set; }
        public long? UploadSizeBytes { get; set; }
    }

    /// <summary>Az: PSDisk (New-AzDiskConfig, New-/Get-AzDisk).</summary>
    public sealed class PSDisk
    {
        public string ResourceGroupName { get; set; }
        public string ManagedBy { get; set; }
        public DiskSku Sku { get; set; }
        public string[] Zones { get; set; }
        public DateTime? TimeCreated { get; set; }
        public OperatingSystemTypes? OsType { get; set; }
        public string HyperVGeneration { get; set; }
        public CreationData CreationData { get; set; } = new CreationData();
        public int? DiskSizeGB { get; set; }
        public long? DiskSizeBytes { get; set; }
        public string UniqueId { get; set; }
        public string ProvisioningState { get; set; }
        public long? DiskIOPSReadWrite { get; set; }
        public long? DiskMBpsReadWrite { get; set; }
        public string DiskState { get; set; }
        public string Id { get; set; }
        public string Name { get; set; }
        public string Type { get; set; } = "Microsoft.Compute/disks";
        public string Location { get; set; }
        public Hashtable Tags { get; set; } = new Hashtable(StringComparer.OrdinalIgnoreCase);

        internal Dictionary<string, object> ToArm()
        {
            Dictionary<string, object> creation = new Dictionary<string, object> { ["createOption"] = CreationData?.CreateOption ?? "Empty" };
            if (!string.IsNullOrEmpty(CreationData?.StorageAccountId)) creation["storageAccountId"] = CreationData.StorageAccountId;
            if (!string.IsNullOrEmpty(CreationData?.SourceUri)) creation["sourceUri"] = CreationData.SourceUri;
            if (!string.IsNullOrEmpty(CreationData?.SourceResourceId)) creation["sourceResourceId"] = CreationData.SourceResourceId;
            Dictionary<string, object> p = new Dictionary<string, object> { ["creationData"] = creation };
            if (OsType.HasValue) p["osType"] = OsType.Value.ToString();
            if (DiskSizeGB.HasValue) p["diskSizeGB"] = DiskSizeGB.Value;
            if (!string.IsNullOrEmpty(HyperVGeneration)) p["hyperVGeneration"] = HyperVGeneration;
            if (DiskIOPSReadWrite.HasValue) p["diskIOPSReadWrite"] = DiskIOPSReadWrite.Value;
            if (DiskMBpsReadWrite.HasValue) p["diskMBpsReadWrite"] = DiskMBpsReadWrite.Value;
            Dictionary<string, object> body = new Dictionary<string, object> { ["location"] = Location ?? Arm.Location, ["properties"] = p };
            if (Sku?.Name != null) body["sku"] = new Dictionary<string, object> { ["name"] = Sku.Name };
            if (Tags != null && Tags.Count > 0) body["tags"] = Arm.TagBody(Tags);
            return body;
        }

        public static PSDisk FromArm(object d)
        {
            string id = Arm.Str(d, "id");
            string os = Arm.Str(d, "properties", "osType");
            return new PSDisk
            {
                ResourceGroupName = Arm.IdSegment(id, "resourceGroups"),
                ManagedBy = Arm.Str(d, "managedBy"),
                Sku = new DiskSku { Name = Arm.Str(d, "sku", "name"), Tier = Arm.Str(d, "sku", "tier") },
                Zones = Arm.List(d, "zones").OfType<string>().ToArray(),
                TimeCreated = Arm.Time(d, "properties", "timeCreated"),
                OsType = Enum.TryParse(os, true, out OperatingSystemTypes t) ? t : (OperatingSystemTypes?)null,
                HyperVGeneration = Arm.Str(d, "properties", "hyperVGeneration"),
                CreationData = new CreationData
                {
                    CreateOption = Arm.Str(d, "properties", "creationData", "createOption"),
                    StorageAccountId = Arm.Str(d, "properties", "creationData", "storageAccountId"),
                    SourceUri = Arm.Str(d, "properties", "creationData", "sourceUri"),
                    SourceResourceId = Arm.Str(d, "properties", "creationData", "sourceResourceId"),
                },
                DiskSizeGB = Arm.Int(d, "properties", "diskSizeGB"),
                DiskSizeBytes = (long?)Arm.Int(d, "properties", "diskSizeBytes"),
                UniqueId = Arm.Str(d, "properties", "uniqueId"),
                ProvisioningState = Arm.Str(d, "properties", "provisioningState"),
                DiskIOPSReadWrite = Arm.Int(d, "properties", "diskIOPSReadWrite"),
                DiskMBpsReadWrite = Arm.Int(d, "properties", "diskMBpsReadWrite"),
                DiskState = Arm.Str(d, "properties", "diskState"),
                Id = id,
                Name = Arm.Str(d, "name"),
                Location = Arm.Str(d, "location"),
                Tags = Arm.Tags(d),
            };
        }

        public override string ToString() => Name;
    }

    /// <summary>Az: ImageOSDisk.</summary>
    public sealed class ImageOSDisk
    {
        public OperatingSystemTypes? OsType { get; set; }
        public OperatingSystemStateTypes? OsState { get; set; }
        public PSResourceId Snapshot { get; set; }
        public PSResourceId ManagedDisk { get; set; }
        public string BlobUri { get; set; }
        public CachingTypes? Caching { get; set; }
        public int? DiskSizeGB { get; set; }
        public string StorageAccountType { get; set; }
    }

    /// <summary>Az: ImageStorageProfile.</summary>
    public sealed class ImageStorageProfile
    {
        public ImageOSDisk OsDisk { get; set; }
        public List<object> DataDisks { get; set; } = new List<object>();
        public bool? ZoneResilient { get; set; }
    }

    /// <summary>Az: PSImage (New-AzImageConfig, Set-AzImageOsDisk, New-/Get-AzImage).</summary>
    public sealed class PSImage
    {
        public string ResourceGroupName { get; set; }
        public PSResourceId SourceVirtualMachine { get; set; }
        public ImageStorageProfile StorageProfile { get; set; } = new ImageStorageProfile();
        public string ProvisioningState { get; set; }
        public string HyperVGeneration { get; set; }
        public string Id { get; set; }
        public string Name { get; set; }
        public string Type { get; set; } = "Microsoft.Compute/images";
        public string Location { get; set; }
        public Hashtable Tags { get; set; } = new Hashtable(StringComparer.OrdinalIgnoreCase);

        internal Dictionary<string, object> ToArm()
        {
            Dictionary<string, object> sp = new Dictionary<string, object>();
            ImageOSDisk o = StorageProfile?.OsDisk;
            if (o != null)
            {
                Dictionary<string, object> od = new Dictionary<string, object>();
                if (o.OsType.HasValue) od["osType"] = o.OsType.Value.ToString();
                if (o.OsState.HasValue) od["osState"] = o.OsState.Value.ToString();
                if (!string.IsNullOrEmpty(o.BlobUri)) od["blobUri"] = o.BlobUri;
                if (o.ManagedDisk?.Id != null) od["managedDisk"] = new Dictionary<string, object> { ["id"] = o.ManagedDisk.Id };
                if (o.Snapshot?.Id != null) od["snapshot"] = new Dictionary<string, object> { ["id"] = o.Snapshot.Id };
                if (o.Caching.HasValue) od["caching"] = o.Caching.Value.ToString();
                if (o.DiskSizeGB.HasValue) od["diskSizeGB"] = o.DiskSizeGB.Value;
                if (!string.IsNullOrEmpty(o.StorageAccountType)) od["storageAccountType"] = o.StorageAccountType;
                sp["osDisk"] = od;
            }
            Dictionary<string, object> p = new Dictionary<string, object> { ["storageProfile"] = sp };
            if (SourceVirtualMachine?.Id != null) p["sourceVirtualMachine"] = new Dictionary<string, object> { ["id"] = SourceVirtualMachine.Id };
            if (!string.IsNullOrEmpty(HyperVGeneration)) p["hyperVGeneration"] = HyperVGeneration;
            Dictionary<string, object> body = new Dictionary<string, object> { ["location"] = Location ?? Arm.Location, ["properties"] = p };
            if (Tags != null && Tags.Count > 0) body["tags"] = Arm.TagBody(Tags);
            return body;
        }

        public static PSImage FromArm(object i)
        {
            string id = Arm.Str(i, "id");
            object od = Arm.Get(i, "properties", "storageProfile", "osDisk");
            string md = Arm.Str(od, "managedDisk", "id"), snap = Arm.Str(od, "snapshot", "id"), vm = Arm.Str(i, "properties", "sourceVirtualMachine", "id");
            return new PSImage
            {
                ResourceGroupName = Arm.IdSegment(id, "resourceGroups"),
                SourceVirtualMachine = vm == null ? null : new PSResourceId { Id = vm },
                StorageProfile = new ImageStorageProfile
                {
                    OsDisk = od == null ? null : new ImageOSDisk
                    {
                        OsType = Enum.TryParse(Arm.Str(od, "osType"), true, out OperatingSystemTypes t) ? t : (OperatingSystemTypes?)null,
                        OsState = Enum.TryParse(Arm.Str(od, "osState"), true, out OperatingSystemStateTypes s) ? s : (OperatingSystemStateTypes?)null,
                        BlobUri = Arm.Str(od, "blobUri"),
                        ManagedDisk = md == null ? null : new PSResourceId { Id = md },
                        Snapshot = snap == null ? null : new PSResourceId { Id = snap },
                        Caching = Enum.TryParse(Arm.Str(od, "caching"), true, out CachingTypes c) ? c : (CachingTypes?)null,
                        DiskSizeGB = Arm.Int(od, "diskSizeGB"),
                        StorageAccountType = Arm.Str(od, "storageAccountType"),
                    },
                    ZoneResilient = Arm.Bool(i, "properties", "storageProfile", "zoneResilient"),
                },
                ProvisioningState = Arm.Str(i, "properties", "provisioningState"),
                HyperVGeneration = Arm.Str(i, "properties", "hyperVGeneration"),
                Id = id,
                Name = Arm.Str(i, "name"),
                Location = Arm.Str(i, "location"),
                Tags = Arm.Tags(i),
            };
        }

        public override string ToString() => Name;
    }

    // ---- virtual machines -------------------------------------------------------------------

    public sealed class HardwareProfile
    {
        public string VmSize { get; set; }
        public override string ToString() => VmSize;
    }

    public sealed class ImageReference
    {
        public string Id { get; set; }
        public string Publisher { get; set; }
        public string Offer { get; set; }
        public string Sku { get; set; }
        public string Version { get; set; }
    }

    public sealed class VirtualHardDisk
    {
        public string Uri { get; set; }
    }

    public sealed class ManagedDiskParameters
    {
        public string Id { get; set; }
        public string StorageAccountType { get; set; }
    }

    public sealed class OSDisk
    {
        public OperatingSystemTypes? OsType { get; set; }
        public string Name { get; set; }
        public VirtualHardDisk Vhd { get; set; }
        public VirtualHardDisk Image { get; set; }
        public CachingTypes? Caching { get; set; }
        public bool? WriteAcceleratorEnabled { get; set; }
        public string CreateOption { get; set; }
        public int? DiskSizeGB { get; set; }
        public ManagedDiskParameters ManagedDisk { get; set; }
    }

    public sealed class StorageProfile
    {
        public ImageReference ImageReference { get; set; }
        public OSDisk OsDisk { get; set; }
        public List<object> DataDisks { get; set; } = new List<object>();
    }

    public sealed class LinuxConfiguration
    {
        public bool? DisablePasswordAuthentication { get; set; }
        public bool? ProvisionVMAgent { get; set; }
    }

    public sealed class WindowsConfiguration
    {
        public bool? ProvisionVMAgent { get; set; }
        public bool? EnableAutomaticUpdates { get; set; }
        public string TimeZone { get; set; }
    }

    public sealed class OSProfile
    {
        public string ComputerName { get; set; }
        public string AdminUsername { get; set; }
        /// <summary>Sent to the device with New-AzVM; never read back from it (ARM does not return it).</summary>
        public string AdminPassword { get; set; }
        public string CustomData { get; set; }
        public WindowsConfiguration WindowsConfiguration { get; set; }
        public LinuxConfiguration LinuxConfiguration { get; set; }
        public List<object> Secrets { get; set; } = new List<object>();
    }

    public sealed class NetworkInterfaceReference
    {
        public string Id { get; set; }
        public bool? Primary { get; set; }
        public override string ToString() => Id;
    }

    public sealed class NetworkProfile
    {
        public List<NetworkInterfaceReference> NetworkInterfaces { get; set; } = new List<NetworkInterfaceReference>();
    }

    /// <summary>Az: InstanceViewStatus.</summary>
    public sealed class InstanceViewStatus
    {
        public string Code { get; set; }
        public string Level { get; set; }
        public string DisplayStatus { get; set; }
        public string Message { get; set; }
        public DateTime? Time { get; set; }

        internal static List<InstanceViewStatus> ListFrom(IEnumerable<object> statuses)
        {
            return statuses.Select(s => new InstanceViewStatus
            {
                Code = Arm.Str(s, "code"),
                Level = Arm.Str(s, "level"),
                DisplayStatus = Arm.Str(s, "displayStatus"),
                Message = Arm.Str(s, "message"),
                Time = Arm.Time(s, "time"),
            }).ToList();
        }

        internal static List<InstanceViewStatus> ListFrom(AseInstanceStatus[] statuses)
        {
            return (statuses ?? new AseInstanceStatus[0]).Select(s => new InstanceViewStatus
            {
                Code = s.Code,
                Level = s.Level,
                DisplayStatus = s.DisplayStatus,
                Message = s.Message,
                Time = DateTime.TryParse(s.Time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal, out DateTime t) ? t : (DateTime?)null,
            }).ToList();
        }

        public override string ToString() => Code;
    }

    /// <summary>Az: PSVirtualMachine (New-AzVMConfig and the Set-AzVM* config cmdlets; Get-AzVM).</summary>
    public class PSVirtualMachine
    {
        public string ResourceGroupName { get; set; }
        public string Id { get; set; }
        public string VmId { get; set; }
        public string Name { get; set; }
        public string Type { get; set; } = "Microsoft.Compute/virtualMachines";
        public string Location { get; set; }
        public string LicenseType { get; set; }
        public Hashtable Tags { get; set; } = new Hashtable(StringComparer.OrdinalIgnoreCase);
        public PSResourceId AvailabilitySetReference { get; set; }
        public object DiagnosticsProfile { get; set; }
        public List<object> Extensions { get; set; } = new List<object>();
        public HardwareProfile HardwareProfile { get; set; } = new HardwareProfile();
        public object InstanceView { get; set; }
        public NetworkProfile NetworkProfile { get; set; } = new NetworkProfile();
        public OSProfile OSProfile { get; set; }
        public object Plan { get; set; }
        public string ProvisioningState { get; set; }
        public StorageProfile StorageProfile { get; set; } = new StorageProfile();
        public string[] Zones { get; set; }
        public string DisplayHint { get; set; } = "Compact";

        internal Dictionary<string, object> ToArm()
        {
            Dictionary<string, object> p = new Dictionary<string, object>();
            p["hardwareProfile"] = new Dictionary<string, object> { ["vmSize"] = HardwareProfile?.VmSize };
            Dictionary<string, object> sp = new Dictionary<string, object>();
            ImageReference ir = StorageProfile?.ImageReference;
            if (ir != null)
            {
                Dictionary<string, object> r = new Dictionary<string, object>();
                if (!string.IsNullOrEmpty(ir.Id)) r["id"] = ir.Id;
                if (!string.IsNullOrEmpty(ir.Publisher)) r["publisher"] = ir.Publisher;
                if (!string.IsNullOrEmpty(ir.Offer)) r["offer"] = ir.Offer;
                if (!string.IsNullOrEmpty(ir.Sku)) r["sku"] = ir.Sku;
                if (!string.IsNullOrEmpty(ir.Version)) r["version"] = ir.Version;
                sp["imageReference"] = r;
            }
            OSDisk od = StorageProfile?.OsDisk;
            if (od != null)
            {
                Dictionary<string, object> d = new Dictionary<string, object>();
                if (!string.IsNullOrEmpty(od.Name)) d["name"] = od.Name;
                if (od.OsType.HasValue) d["osType"] = od.OsType.Value.ToString();
                if (od.Caching.HasValue) d["caching"] = od.Caching.Value.ToString();
                d["createOption"] = od.CreateOption ?? "FromImage";
                if (od.DiskSizeGB.HasValue) d["diskSizeGB"] = od.DiskSizeGB.Value;
                if (od.Vhd?.Uri != null) d["vhd"] = new Dictionary<string, object> { ["uri"] = od.Vhd.Uri };
                if (od.Image?.Uri != null) d["image"] = new Dictionary<string, object> { ["uri"] = od.Image.Uri };
                if (od.WriteAcceleratorEnabled.HasValue) d["writeAcceleratorEnabled"] = od.WriteAcceleratorEnabled.Value;
                if (od.ManagedDisk != null)
                {
                    Dictionary<string, object> m = new Dictionary<string, object>();
                    if (!string.IsNullOrEmpty(od.ManagedDisk.Id)) m["id"] = od.ManagedDisk.Id;
                    if (!string.IsNullOrEmpty(od.ManagedDisk.StorageAccountType)) m["storageAccountType"] = od.ManagedDisk.StorageAccountType;
                    d["managedDisk"] = m;
                }
                sp["osDisk"] = d;
            }
            if (sp.Count > 0) p["storageProfile"] = sp;
            OSProfile o = OSProfile;
            if (o != null)
            {
                Dictionary<string, object> op = new Dictionary<string, object>();
                if (!string.IsNullOrEmpty(o.ComputerName)) op["computerName"] = o.ComputerName;
                if (!string.IsNullOrEmpty(o.AdminUsername)) op["adminUsername"] = o.AdminUsername;
                if (o.AdminPassword != null) op["adminPassword"] = o.AdminPassword;
                if (!string.IsNullOrEmpty(o.CustomData)) op["customData"] = o.CustomData;
                if (o.LinuxConfiguration != null)
                {
                    Dictionary<string, object> l = new Dictionary<string, object>();
                    if (o.LinuxConfiguration.DisablePasswordAuthentication.HasValue) l["disablePasswordAuthentication"] = o.LinuxConfiguration.DisablePasswordAuthentication.Value;
                    if (o.LinuxConfiguration.ProvisionVMAgent.HasValue) l["provisionVMAgent"] = o.LinuxConfiguration.ProvisionVMAgent.Value;
                    op["linuxConfiguration"] = l;
                }
                if (o.WindowsConfiguration != null)
                {
                    Dictionary<string, object> w = new Dictionary<string, object>();
                    if (o.WindowsConfiguration.ProvisionVMAgent.HasValue) w["provisionVMAgent"] = o.WindowsConfiguration.ProvisionVMAgent.Value;
                    if (o.WindowsConfiguration.EnableAutomaticUpdates.HasValue) w["enableAutomaticUpdates"] = o.WindowsConfiguration.EnableAutomaticUpdates.Value;
                    if (!string.IsNullOrEmpty(o.WindowsConfiguration.TimeZone)) w["timeZone"] = o.WindowsConfiguration.TimeZone;
                    op["windowsConfiguration"] = w;
                }
                p["osProfile"] = op;
            }
            p["networkProfile"] = new Dictionary<string, object>
            {
                ["networkInterfaces"] = (NetworkProfile?.NetworkInterfaces ?? new List<NetworkInterfaceReference>()).Select(n =>
                {
                    Dictionary<string, object> r = new Dictionary<string, object> { ["id"] = n.Id };
                    if (n.Primary.HasValue) r["properties"] = new Dictionary<string, object> { ["primary"] = n.Primary.Value };
                    return (object)r;
                }).ToList(),
            };
            if (AvailabilitySetReference?.Id != null) p["availabilitySet"] = new Dictionary<string, object> { ["id"] = AvailabilitySetReference.Id };
            if (!string.IsNullOrEmpty(LicenseType)) p["licenseType"] = LicenseType;
            Dictionary<string, object> body = new Dictionary<string, object> { ["location"] = Location ?? Arm.Location, ["properties"] = p };
            if (Tags != null && Tags.Count > 0) body["tags"] = Arm.TagBody(Tags);
            return body;
        }

        internal void FillFromArm(object v)
        {
            string id = Arm.Str(v, "id");
            ResourceGroupName = Arm.IdSegment(id, "resourceGroups");
            Id = id;
            VmId = Arm.Str(v, "properties", "vmId");
            Name = Arm.Str(v, "name");
            Location = Arm.Str(v, "location");
            LicenseType = Arm.Str(v, "properties", "licenseType");
            Tags = Arm.Tags(v);
            string avset = Arm.Str(v, "properties", "availabilitySet", "id");
            AvailabilitySetReference = avset == null ? null : new PSResourceId { Id = avset };
            HardwareProfile = new HardwareProfile { VmSize = Arm.Str(v, "properties", "hardwareProfile", "vmSize") };
            object ir = Arm.Get(v, "properties", "storageProfile", "imageReference");
            object od = Arm.Get(v, "properties", "storageProfile", "osDisk");
            StorageProfile = new StorageProfile
            {
                ImageReference = ir == null ? null : new ImageReference
                {
                    Id = Arm.Str(ir, "id"),
                    Publisher = Arm.Str(ir, "publisher"),
                    Offer = Arm.Str(ir, "offer"),
                    Sku = Arm.Str(ir, "sku"),
                    Version = Arm.Str(ir, "version"),
                },
                OsDisk = od == null ? null : new OSDisk
                {
                    OsType = Enum.TryParse(Arm.Str(od, "osType"), true, out OperatingSystemTypes t) ? t : (OperatingSystemTypes?)null,
                    Name = Arm.Str(od, "name"),
                    Vhd = Arm.Str(od, "vhd", "uri") == null ? null : new VirtualHardDisk { Uri = Arm.Str(od, "vhd", "uri") },
                    Caching = Enum.TryParse(Arm.Str(od, "caching"), true, out CachingTypes c) ? c : (CachingTypes?)null,
                    CreateOption = Arm.Str(od, "createOption"),
                    DiskSizeGB = Arm.Int(od, "diskSizeGB"),
                    ManagedDisk = Arm.Get(od, "managedDisk") == null ? null : new ManagedDiskParameters
                    {
                        Id = Arm.Str(od, "managedDisk", "id"),
                        StorageAccountType = Arm.Str(od, "managedDisk", "storageAccountType"),
                    },
                },
                DataDisks = Arm.List(v, "properties", "storageProfile", "dataDisks").Select(Arm.Plain).ToList(),
            };
            object os = Arm.Get(v, "properties", "osProfile");
            OSProfile = os == null ? null : new OSProfile
            {
                ComputerName = Arm.Str(os, "computerName"),
                AdminUsername = Arm.Str(os, "adminUsername"),
                LinuxConfiguration = Arm.Get(os, "linuxConfiguration") == null ? null : new LinuxConfiguration
                {
                    DisablePasswordAuthentication = Arm.Bool(os, "linuxConfiguration", "disablePasswordAuthentication"),
                    ProvisionVMAgent = Arm.Bool(os, "linuxConfiguration", "provisionVMAgent"),
                },
                WindowsConfiguration = Arm.Get(os, "windowsConfiguration") == null ? null : new WindowsConfiguration
                {
                    ProvisionVMAgent = Arm.Bool(os, "windowsConfiguration", "provisionVMAgent"),
                    EnableAutomaticUpdates = Arm.Bool(os, "windowsConfiguration", "enableAutomaticUpdates"),
                    TimeZone = Arm.Str(os, "windowsConfiguration", "timeZone"),
                },
            };
            NetworkProfile = new NetworkProfile
            {
                NetworkInterfaces = Arm.List(v, "properties", "networkProfile", "networkInterfaces")
                    .Select(n => new NetworkInterfaceReference { Id = Arm.Str(n, "id"), Primary = Arm.Bool(n, "properties", "primary") }).ToList(),
            };
            ProvisioningState = Arm.Str(v, "properties", "provisioningState");
            Zones = Arm.List(v, "zones").OfType<string>().ToArray();
            Extensions = Arm.List(v, "resources").Select(Arm.Plain).ToList();
        }

        public static PSVirtualMachine FromArm(object v)
        {
            PSVirtualMachine vm = new PSVirtualMachine();
            vm.FillFromArm(v);
            return vm;
        }

        public override string ToString() => Name;
    }

    /// <summary>Az: PSVirtualMachineListStatus (Get-AzVM -Status without a name): the VM plus its power state.</summary>
    public sealed class PSVirtualMachineListStatus : PSVirtualMachine
    {
        public string PowerState { get; set; }
        public string MaintenanceRedeployStatus => null;
    }

    /// <summary>Az: PSVirtualMachineInstanceView (Get-AzVM -Name -Status), with PowerState as AseGpu adds it.</summary>
    public sealed class PSVirtualMachineInstanceView
    {
        public string ResourceGroupName { get; set; }
        public string Name { get; set; }
        public string ComputerName { get; set; }
        public string OsName { get; set; }
        public string OsVersion { get; set; }
        public string HyperVGeneration { get; set; }
        public object VMAgent { get; set; }
        public List<object> Disks { get; set; } = new List<object>();
        public List<object> Extensions { get; set; } = new List<object>();
        public object BootDiagnostics { get; set; }
        public int? PlatformFaultDomain { get; set; }
        public int? PlatformUpdateDomain { get; set; }
        public List<InstanceViewStatus> Statuses { get; set; } = new List<InstanceViewStatus>();
        /// <summary>"VM running", "VM stopped" (still provisioned: keeps its GPU), "VM deallocated"...</summary>
        public string PowerState => Statuses.Where(s => s.Code != null && s.Code.StartsWith("PowerState/", StringComparison.OrdinalIgnoreCase)).Select(s => s.DisplayStatus).FirstOrDefault();

        public static PSVirtualMachineInstanceView FromArm(object iv, string resourceGroup, string name)
        {
            return new PSVirtualMachineInstanceView
            {
                ResourceGroupName = resourceGroup,
                Name = name,
                ComputerName = Arm.Str(iv, "computerName"),
                OsName = Arm.Str(iv, "osName"),
                OsVersion = Arm.Str(iv, "osVersion"),
                HyperVGeneration = Arm.Str(iv, "hyperVGeneration"),
                VMAgent = Arm.Plain(Arm.Get(iv, "vmAgent")),
                Disks = Arm.List(iv, "disks").Select(Arm.Plain).ToList(),
                Extensions = Arm.List(iv, "extensions").Select(Arm.Plain).ToList(),
                BootDiagnostics = Arm.Plain(Arm.Get(iv, "bootDiagnostics")),
                PlatformFaultDomain = Arm.Int(iv, "platformFaultDomain"),
                PlatformUpdateDomain = Arm.Int(iv, "platformUpdateDomain"),
                Statuses = InstanceViewStatus.ListFrom(Arm.List(iv, "statuses")),
            };
        }

        public override string ToString() => Name;
    }

    /// <summary>Az: PSVirtualMachineExtension (Get-AzVMExtension).</summary>
    public sealed class PSVirtualMachineExtension
    {
        public string ResourceGroupName { get; set; }
        public string VMName { get; set; }
        public string Name { get; set; }
        public string Location { get; set; } = Arm.Location;
        public string Etag => null;
        public string Publisher { get; set; }
        public string ExtensionType { get; set; }
        public string TypeHandlerVersion { get; set; }
        public string Id { get; set; }
        /// <summary>JSON, as Az shows it.</summary>
        public string PublicSettings { get; set; }
        public string ProtectedSettings => null;
        public string ProvisioningState { get; set; }
        public List<InstanceViewStatus> Statuses { get; set; } = new List<InstanceViewStatus>();
        public List<InstanceViewStatus> SubStatuses { get; set; } = new List<InstanceViewStatus>();
        public bool? AutoUpgradeMinorVersion { get; set; } = true;
        public string ForceUpdateTag { get; set; }

        public static PSVirtualMachineExtension From(AseExtensionView e)
        {
            return new PSVirtualMachineExtension
            {
                ResourceGroupName = e.ResourceGroupName,
                VMName = e.VMName,
                Name = e.Name,
                Publisher = e.Publisher,
                ExtensionType = e.ExtensionType,
                TypeHandlerVersion = e.TypeHandlerVersion,
                Id = e.Id,
                PublicSettings = e.PublicSettingsJson,
                ProvisioningState = e.ProvisioningState,
                Statuses = InstanceViewStatus.ListFrom(e.Statuses),
                SubStatuses = InstanceViewStatus.ListFrom(e.SubStatuses),
            };
        }

        public override string ToString() => Name;
    }

    /// <summary>Az: PSComputeLongRunningOperation (Start-/Stop-/Restart-AzVM).</summary>
    public sealed class PSComputeLongRunningOperation
    {
        public string OperationId { get; set; }
        public string Status { get; set; } = "Succeeded";
        public DateTime? StartTime { get; set; }
        public DateTime? EndTime { get; set; }
        public object Error { get; set; }
        public string RequestId => null;
        public int StatusCode => 200;

        internal static PSComputeLongRunningOperation Succeeded(DateTime start) =>
            new PSComputeLongRunningOperation { OperationId = Guid.NewGuid().ToString(), StartTime = start, EndTime = DateTime.Now };
    }

    /// <summary>Az: PSAzureOperationResponse (New-AzVM, Remove-AzVM, Set-/Remove-AzVMExtension).</summary>
    public sealed class PSAzureOperationResponse
    {
        public string RequestId { get; set; } = "";
        public bool IsSuccessStatusCode { get; set; } = true;
        public System.Net.HttpStatusCode StatusCode { get; set; } = System.Net.HttpStatusCode.OK;
        public string ReasonPhrase { get; set; } = "OK";
    }

    internal static class ComputeText
    {
        internal static string Base64(string s) => string.IsNullOrEmpty(s) ? s : Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
    }
}
