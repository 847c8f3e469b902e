using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu
{
    /// <summary>The parameters of the cmdlets that act on one VM (pipeline input from Get-AseVM).</summary>
    public abstract class AseVmActionCmdlet : AseCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceName", "VMName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        /// <summary>"resource group/VM", the ShouldProcess target.</summary>
        protected string Target => ResourceGroupName + "/" + Name;
    }

    [Cmdlet(VerbsLifecycle.Start, "AseVM", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AseVmView), typeof(Job))]
    public sealed class StartAseVMCommand : AseVmActionCmdlet
    {
        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            if (!ShouldProcess(Target, "Start VM")) return;
            Invoke(VmService.SetPowerState(session, ResourceGroupName, Name, VmService.Start), AsJob);
        }
    }

    [Cmdlet(VerbsLifecycle.Stop, "AseVM", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(AseVmView), typeof(Job))]
    public sealed class StopAseVMCommand : AseVmActionCmdlet
    {
        [Parameter]
        public SwitchParameter StayProvisioned { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            string action = StayProvisioned ? VmService.Stop : VmService.Deallocate;
            string what = StayProvisioned ? "Power off VM, staying provisioned (keeps its GPU)" : "Stop and deallocate VM (its GPU is released)";
            if (!ShouldProcessForce(Target, what, Force)) return;
            Invoke(VmService.SetPowerState(session, ResourceGroupName, Name, action), AsJob);
        }
    }

    [Cmdlet(VerbsLifecycle.Restart, "AseVM", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AseVmView), typeof(Job))]
    public sealed class RestartAseVMCommand : AseVmActionCmdlet
    {
        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            if (!ShouldProcess(Target, "Restart VM")) return;
            Invoke(VmService.SetPowerState(session, ResourceGroupName, Name, VmService.Restart), AsJob);
        }
    }

    [Cmdlet(VerbsCommon.Remove, "AseVM", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(bool), typeof(Job))]
    public sealed class RemoveAseVMCommand : AseVmActionCmdlet
    {
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            if (!ShouldProcessForce(Target, "Remove VM", Force)) return;
            AseOperationSpec remove = VmService.Remove(session, ResourceGroupName, Name);
            Invoke(PassThru || AsJob ? remove.WithEmit(AseOperationSpec.EmitTrue) : remove, AsJob);
        }
    }
}
