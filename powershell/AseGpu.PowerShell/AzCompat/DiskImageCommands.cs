using System;
using System.Collections;
using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu.AzCompat
{
    [Cmdlet(VerbsCommon.New, "AzDiskConfig", SupportsShouldProcess = true)]
    [OutputType(typeof(PSDisk))]
    public sealed class NewAzDiskConfigCommand : AzRmCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("AccountType")]
        [ValidateSet("Standard_LRS", "Premium_LRS", "StandardSSD_LRS", "UltraSSD_LRS", IgnoreCase = true)]
        public string SkuName { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public OperatingSystemTypes? OsType { get; set; }

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        public int? DiskSizeGB { get; set; }

        [Parameter(Position = 3, ValueFromPipelineByPropertyName = true)]
        public string Location { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public int? DiskIOPSReadWrite { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public int? DiskMBpsReadWrite { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string[] Zone { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string HyperVGeneration { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public Hashtable Tag { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string CreateOption { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string StorageAccountId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string SourceUri { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string SourceResourceId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public long? UploadSizeInBytes { get; set; }

        protected override void ExecuteCmdlet()
        {
            NotSupportedOnDevice("a device has no availability zones", nameof(Zone));
            if (!ShouldProcess("Disk", "New")) return;
            if (string.Equals(HyperVGeneration, "V2", StringComparison.OrdinalIgnoreCase))
                WriteWarning("HyperVGeneration V2: the device's VMs are Generation 1 (GPU VMs cannot be Gen2); the disk may be refused.");
            WriteObject(new PSDisk
            {
                Sku = Opt(SkuName) == null ? null : new DiskSku { Name = SkuName },
                OsType = OsType,
                DiskSizeGB = DiskSizeGB,
                Location = Opt(Location),
                DiskIOPSReadWrite = DiskIOPSReadWrite,
                DiskMBpsReadWrite = DiskMBpsReadWrite,
                HyperVGeneration = Opt(HyperVGeneration),
                Tags = Tag ?? new Hashtable(StringComparer.OrdinalIgnoreCase),
                CreationData = new CreationData
                {
                    CreateOption = Opt(CreateOption),
                    StorageAccountId = Opt(StorageAccountId),
                    SourceUri = Opt(SourceUri),
                    SourceResourceId = Opt(SourceResourceId),
                    UploadSizeBytes = UploadSizeInBytes,
                },
            });
        }
    }

    [Cmdlet(VerbsCommon.New, "AzDisk", SupportsShouldProcess = true)]
    [OutputType(typeof(PSDisk))]
    public sealed class NewAzDiskCommand : AzRmCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ValidateNotNullOrEmpty]
        public string DiskName { get; set; }

        [Parameter(Mandatory = true, Position = 2, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        public PSDisk Disk { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            if (!ShouldProcess(DiskName, "New")) return;
            string path = ResourcePath(session, ResourceGroupName, "Microsoft.Compute/disks", DiskName);
            object body = Disk.ToArm();
            Run("Creating disk '" + DiskName + "'", DiskName, (p, ct) => PSDisk.FromArm(session.ArmRequest("PUT", path, Arm.DiskImageApi, body, null, p, ct)),
                AseOperationSpec.EmitResult, AsJob, Disk.CreationData?.CreateOption + (Disk.CreationData?.SourceUri == null ? "" : " from " + Disk.CreationData.SourceUri));
        }
    }

    [Cmdlet(VerbsCommon.Get, "AzDisk", DefaultParameterSetName = "DefaultParameter")]
    [OutputType(typeof(PSDisk))]
    public sealed class GetAzDiskCommand : AzArmResourceCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ValidateNotNullOrEmpty]
        public string DiskName { get; set; }

        protected override void ExecuteCmdlet()
        {
            FindResources(RequireAzSession(), "Microsoft.Compute/disks", Arm.DiskImageApi, Opt(ResourceGroupName), Opt(DiskName), PSDisk.FromArm, "disk");
        }
    }

    [Cmdlet(VerbsCommon.New, "AzImageConfig", SupportsShouldProcess = true)]
    [OutputType(typeof(PSImage))]
    public sealed class NewAzImageConfigCommand : AzRmCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Location { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public Hashtable Tag { get; set; }

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        public string SourceVirtualMachineId { get; set; }

        [Parameter(Position = 3, ValueFromPipelineByPropertyName = true)]
        public ImageOSDisk OsDisk { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string HyperVGeneration { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public SwitchParameter ZoneResilient { get; set; }

        protected override void ExecuteCmdlet()
        {
            NotSupportedOnDevice("a device has no availability zones", nameof(ZoneResilient));
            if (!ShouldProcess("Image", "New")) return;
            if (string.Equals(HyperVGeneration, "V2", StringComparison.OrdinalIgnoreCase))
                WriteWarning("HyperVGeneration V2: the device's VMs are Generation 1 (GPU VMs cannot be Gen2); the image may be refused.");
            WriteObject(new PSImage
            {
                Location = Opt(Location),
                Tags = Tag ?? new Hashtable(StringComparer.OrdinalIgnoreCase),
                SourceVirtualMachine = Opt(SourceVirtualMachineId) == null ? null : new PSResourceId { Id = SourceVirtualMachineId },
                StorageProfile = new ImageStorageProfile { OsDisk = OsDisk },
                HyperVGeneration = Opt(HyperVGeneration),
            });
        }
    }

    [Cmdlet(VerbsCommon.Set, "AzImageOsDisk", SupportsShouldProcess = true)]
    [OutputType(typeof(PSImage))]
    public sealed class SetAzImageOsDiskCommand : AzRmCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        public PSImage Image { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public OperatingSystemTypes? OsType { get; set; }

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        public OperatingSystemStateTypes? OsState { get; set; }

        [Parameter(Position = 3, ValueFromPipelineByPropertyName = true)]
        public string BlobUri { get; set; }

        [Parameter(Position = 4, ValueFromPipelineByPropertyName = true)]
        public CachingTypes? Caching { get; set; }

        [Parameter(Position = 5, ValueFromPipelineByPropertyName = true)]
        public int? DiskSizeGB { get; set; }

        [Parameter(Position = 6, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("Standard_LRS", "Premium_LRS", "StandardSSD_LRS", "UltraSSD_LRS", IgnoreCase = true)]
        public string StorageAccountType { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string SnapshotId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string ManagedDiskId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string DiskEncryptionSetId { get; set; }

        protected override void ExecuteCmdlet()
        {
            NotSupportedOnDevice("the device has no disk encryption sets", nameof(DiskEncryptionSetId));
            if (!ShouldProcess("Image", "Set")) return;
            if (Image.StorageProfile == null) Image.StorageProfile = new ImageStorageProfile();
            ImageOSDisk d = Image.StorageProfile.OsDisk ?? new ImageOSDisk();
            if (IsBound(nameof(OsType))) d.OsType = OsType;
            if (IsBound(nameof(OsState))) d.OsState = OsState;
            if (IsBound(nameof(BlobUri))) d.BlobUri = Opt(BlobUri);
            if (IsBound(nameof(Caching))) d.Caching = Caching;
            if (IsBound(nameof(DiskSizeGB))) d.DiskSizeGB = DiskSizeGB;
            if (IsBound(nameof(StorageAccountType))) d.StorageAccountType = Opt(StorageAccountType);
            if (IsBound(nameof(SnapshotId))) d.Snapshot = Opt(SnapshotId) == null ? null : new PSResourceId { Id = SnapshotId };
            if (IsBound(nameof(ManagedDiskId))) d.ManagedDisk = Opt(ManagedDiskId) == null ? null : new PSResourceId { Id = ManagedDiskId };
            Image.StorageProfile.OsDisk = d;
            WriteObject(Image);
        }
    }

    [Cmdlet(VerbsCommon.New, "AzImage", SupportsShouldProcess = true)]
    [OutputType(typeof(PSImage))]
    public sealed class NewAzImageCommand : AzRmCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ValidateNotNullOrEmpty]
        public string ImageName { get; set; }

        [Parameter(Mandatory = true, Position = 2, ValueFromPipeline = true)]
        public PSImage Image { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            if (!ShouldProcess(ImageName, "New")) return;
            string path = ResourcePath(session, ResourceGroupName, "Microsoft.Compute/images", ImageName);
            object body = Image.ToArm();
            ImageOSDisk od = Image.StorageProfile?.OsDisk;
            Run("Creating image '" + ImageName + "'", ImageName, (p, ct) => PSImage.FromArm(session.ArmRequest("PUT", path, Arm.DiskImageApi, body, null, p, ct)),
                AseOperationSpec.EmitResult, AsJob, od == null ? null : od.OsType + " " + od.OsState + " from " + (od.ManagedDisk?.Id ?? od.BlobUri ?? od.Snapshot?.Id));
        }
    }

    [Cmdlet(VerbsCommon.Get, "AzImage")]
    [OutputType(typeof(PSImage))]
    public sealed class GetAzImageCommand : AzArmResourceCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ValidateNotNullOrEmpty]
        public string ImageName { get; set; }

        protected override void ExecuteCmdlet()
        {
            FindResources(RequireAzSession(), "Microsoft.Compute/images", Arm.DiskImageApi, Opt(ResourceGroupName), Opt(ImageName), PSImage.FromArm, "image");
        }
    }
}
