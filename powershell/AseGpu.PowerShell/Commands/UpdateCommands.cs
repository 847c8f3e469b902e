using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu
{
    [Cmdlet(VerbsLifecycle.Suspend, "AseGpuVMsForUpdate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(AseUpdateRecord), typeof(System.IO.FileInfo), typeof(Job))]
    public sealed class SuspendAseGpuVMsForUpdateCommand : AseCmdlet
    {
        [Parameter]
        public string Path { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            if (!ShouldProcessForce("every running GPU VM", "Stop (stay provisioned) for a device update", Force)) return;
            string file = Opt(Path) == null ? null : ResolveNewFile(Path);
            Invoke(UpdateService.Suspend(session, file), AsJob);
        }
    }

    [Cmdlet(VerbsLifecycle.Resume, "AseGpuVMsAfterUpdate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = PathSet)]
    [OutputType(typeof(AseVmView), typeof(Job))]
    public sealed class ResumeAseGpuVMsAfterUpdateCommand : AseCmdlet
    {
        const string PathSet = "Path", RecordSet = "Record";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = RecordSet, ValueFromPipeline = true)]
        public object Record { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            string json = ParameterSetName == PathSet ? System.IO.File.ReadAllText(ResolveExistingFile(Path)) : UpdateService.RecordJson(Record);
            if (json == null)
                ThrowArgumentError("InvalidRecord", "-Record takes the record of Suspend-AseGpuVMsForUpdate (AseGpu.AseUpdateRecord), its JSON, or the file it wrote.", Record);
            if (!ShouldProcess("GPU VMs of the record", "Start after the device update")) return;
            Invoke(UpdateService.Resume(session, json), AsJob);
        }
    }
}
