using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu
{
    [Cmdlet(VerbsCommon.New, "AseGpuVM", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AseVmView), typeof(Job))]
    public sealed class NewAseGpuVMCommand : AseCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("VMName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Mandatory = true)]
        [Alias("ImageName")]
        [ValidateNotNullOrEmpty]
        public string Image { get; set; }

        [Parameter]
        [Alias("VMSize")]
        public string Size { get; set; } = "Standard_NC4as_T4_v3";

        [Parameter]
        [Alias("VnetName")]
        public string VirtualNetworkName { get; set; }

        [Parameter]
        [Alias("VnetResourceGroupName")]
        public string VirtualNetworkResourceGroupName { get; set; }

        [Parameter]
        public string SubnetName { get; set; }

        [Parameter]
        public string PrivateIpAddress { get; set; }

        [Parameter]
        [Credential]
        public PSCredential Credential { get; set; } = PSCredential.Empty;

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            string size = Opt(Size) ?? "Standard_NC4as_T4_v3";
            if (!ShouldProcess(ResourceGroupName + "/" + Name, "Create " + size + " VM from image " + Image)) return;
            PSCredential admin = AdminCredential();
            AseVmRequest request = VmService.Request(ResourceGroupName, Name, Image, size, Opt(VirtualNetworkName),
                Opt(VirtualNetworkResourceGroupName), Opt(SubnetName), Opt(PrivateIpAddress), admin.UserName, Force);
            Invoke(VmService.New(session, request, admin.Password), AsJob);
        }

        PSCredential AdminCredential()
        {
            if (Credential != null && Credential != PSCredential.Empty) return Credential;
            PSCredential prompted = null;
            try
            {
                prompted = Host.UI.PromptForCredential("New-AseGpuVM", "Admin user and password of VM '" + Name + "'", "Administrator", "");
            }
            catch (System.Exception e) when (!(e is PipelineStoppedException))
            {
                ThrowError(new System.ArgumentException("The VM needs an admin credential: pass -Credential (" + e.Message + ")", e),
                    "NoCredential", ErrorCategory.InvalidArgument, Name);
            }
            if (prompted == null) ThrowArgumentError("NoCredential", "The VM needs an admin credential.", Name);
            return prompted;
        }
    }

    [Cmdlet(VerbsCommon.Get, "AseVM")]
    [OutputType(typeof(AseVmView))]
    [OutputType("AseGpu.VMStatus")]
    public sealed class GetAseVMCommand : AseCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        public string ResourceGroupName { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceName", "VMName")]
        public string Name { get; set; }

        [Parameter]
        public SwitchParameter Status { get; set; }

        /// <summary>
        /// The piped object itself: a resource group lists the group's VMs (its Name is not a VM name);
        /// a string is a VM name.
        /// </summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject InputObject { get; set; }

        protected override void ExecuteCmdlet()
        {
            string name = Opt(Name);
            if (InputObject?.BaseObject is AseResourceGroup) name = null;
            else if (InputObject?.BaseObject is string piped && !IsBound(nameof(Name))) name = Opt(piped);
            Invoke(VmService.Find(RequireSession(), Opt(ResourceGroupName), name, Status));
        }
    }
}
