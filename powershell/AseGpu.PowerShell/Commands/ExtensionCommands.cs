using System.Collections;
using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu
{
    /// <summary>The VM of the extension cmdlets (pipeline input from Get-AseVM or Get-AseVMExtension).</summary>
    public abstract class AseExtensionCmdlet : AseCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceName")]
        [ValidateNotNullOrEmpty]
        public string VMName { get; set; }
    }

    [Cmdlet(VerbsLifecycle.Install, "AseGpuExtension", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AseExtensionView), typeof(Job))]
    public sealed class InstallAseGpuExtensionCommand : AseExtensionCmdlet
    {
        // Not from the pipeline: a piped VM's Name is the VM's, not the extension's.
        [Parameter]
        [Alias("ExtensionName")]
        public string Name { get; set; }

        [Parameter]
        public string Publisher { get; set; }

        [Parameter]
        [Alias("Type")]
        public string ExtensionType { get; set; }

        [Parameter]
        [Alias("HandlerVersion", "Version")]
        public string TypeHandlerVersion { get; set; }

        [Parameter]
        public Hashtable Settings { get; set; }

        [Parameter]
        public string Release { get; set; }

        [Parameter]
        public SwitchParameter RhelCustomInstall { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            if (!ShouldProcess(ResourceGroupName + "/" + VMName, "Install the NVIDIA GPU extension")) return;
            AseGpuExtensionRequest request = ExtensionService.Request(ResourceGroupName, VMName, Opt(Name), Opt(Publisher),
                Opt(ExtensionType), Opt(TypeHandlerVersion), Settings, Opt(Release), RhelCustomInstall);
            Invoke(ExtensionService.Install(session, request), AsJob);
        }
    }

    [Cmdlet(VerbsCommon.Get, "AseVMExtension")]
    [OutputType(typeof(AseExtensionView))]
    public sealed class GetAseVMExtensionCommand : AseExtensionCmdlet
    {
        // Not from the pipeline either (a piped VM would bind its own Name).
        [Parameter(Position = 2)]
        [Alias("ExtensionName")]
        public string Name { get; set; }

        protected override void ExecuteCmdlet()
        {
            Invoke(ExtensionService.Find(RequireSession(), ResourceGroupName, VMName, Opt(Name)));
        }
    }

    [Cmdlet(VerbsCommon.Remove, "AseVMExtension", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(bool), typeof(Job))]
    public sealed class RemoveAseVMExtensionCommand : AseExtensionCmdlet
    {
        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("ExtensionName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            if (!ShouldProcessForce(ResourceGroupName + "/" + VMName + "/" + Name, "Remove VM extension", Force)) return;
            AseOperationSpec remove = ExtensionService.Remove(session, ResourceGroupName, VMName, Name);
            Invoke(AsJob ? remove.WithEmit(AseOperationSpec.EmitTrue) : remove, AsJob);
        }
    }
}
