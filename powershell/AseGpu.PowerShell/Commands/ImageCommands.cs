using System.Collections;
using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu
{
    [Cmdlet(VerbsDiagnostic.Test, "AseVhd")]
    [OutputType(typeof(AseVhdInfo))]
    public sealed class TestAseVhdCommand : AseCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "LocalFilePath")]
        public string Path { get; set; }

        protected override void ExecuteCmdlet()
        {
            Invoke(ImageService.CheckVhd(ResolveExistingFile(Path), Path));
        }
    }

    [Cmdlet(VerbsCommunications.Send, "AseVhd", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AseUploadSummary), typeof(Job))]
    public sealed class SendAseVhdCommand : AseCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string StorageAccountName { get; set; }

        [Parameter(Mandatory = true, Position = 0)]
        [Alias("LocalFilePath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        public string ContainerName { get; set; }

        [Parameter]
        public string BlobName { get; set; }

        [Parameter]
        public SwitchParameter Overwrite { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            AseVhdUploadRequest request = new AseVhdUploadRequest
            {
                ResourceGroup = ResourceGroupName,
                StorageAccount = StorageAccountName,
                VhdPath = ResolveExistingFile(Path),
                Container = Opt(ContainerName),
                BlobName = Opt(BlobName),
                Options = Overwrite ? new Hashtable { { "overwrite", true } } : null,
            };
            if (!ShouldProcess(StorageAccountName + "/" + (request.Container ?? ImageService.DefaultContainer), "Upload " + Path)) return;
            Invoke(ImageService.Upload(session, request), AsJob);
        }
    }

    [Cmdlet(VerbsCommon.New, "AseImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AseImageResult), typeof(Job))]
    public sealed class NewAseImageCommand : AseCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true)]
        [Alias("ImageName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Mandatory = true)]
        [Alias("LocalFilePath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string StorageAccountName { get; set; }

        [Parameter(Mandatory = true)]
        [ValidateSet("Linux", "Windows", IgnoreCase = true)]
        public string OsType { get; set; }

        [Parameter]
        [ValidateSet("blob", "managedDisk", IgnoreCase = true)]
        public string Source { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            AseImageRequest request = new AseImageRequest
            {
                ResourceGroup = ResourceGroupName,
                StorageAccount = StorageAccountName,
                VhdPath = ResolveExistingFile(Path),
                ImageName = Name,
                OsType = OsType,
                Source = Opt(Source),
            };
            if (!ShouldProcess(ResourceGroupName + "/" + Name, "Create image from " + Path)) return;
            Invoke(ImageService.NewImage(session, request), AsJob);
        }
    }
}
