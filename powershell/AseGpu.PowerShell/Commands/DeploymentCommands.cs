using System.Collections;
using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu
{
    [Cmdlet(VerbsCommon.Get, "AseGpuAvailability")]
    [OutputType(typeof(AseGpuReport))]
    public sealed class GetAseGpuAvailabilityCommand : AseCmdlet
    {
        protected override void ExecuteCmdlet()
        {
            Invoke(DeploymentService.GpuAvailability(RequireSession()));
        }
    }

    [Cmdlet(VerbsDiagnostic.Test, "AseGpuDeployment", DefaultParameterSetName = TemplateSet)]
    [OutputType(typeof(AsePreflightReport))]
    public sealed class TestAseGpuDeploymentCommand : AseCmdlet
    {
        const string TemplateSet = "Template", SizeSet = "Size";

        [Parameter(ParameterSetName = TemplateSet, ValueFromPipelineByPropertyName = true)]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = TemplateSet)]
        [ValidateNotNullOrEmpty]
        public string TemplateFile { get; set; }

        [Parameter(ParameterSetName = TemplateSet)]
        public string TemplateParameterFile { get; set; }

        [Parameter(ParameterSetName = TemplateSet)]
        public Hashtable TemplateParameterObject { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = SizeSet)]
        [Alias("Size")]
        [ValidateNotNullOrEmpty]
        public string VMSize { get; set; }

        [Parameter(ParameterSetName = SizeSet)]
        [ValidateRange(1, 64)]
        public int Count { get; set; } = 1;

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            if (ParameterSetName == SizeSet)
            {
                Invoke(DeploymentService.TestSize(session, VMSize, Count));
                return;
            }
            string parameterFile = Opt(TemplateParameterFile) == null ? null : ResolveExistingFile(TemplateParameterFile);
            AseDeploymentRequest request = DeploymentService.Request(Opt(ResourceGroupName), null, ResolveExistingFile(TemplateFile),
                parameterFile, TemplateParameterObject, false);
            Invoke(DeploymentService.Test(session, request));
        }
    }

    [Cmdlet(VerbsCommon.New, "AseResourceGroupDeployment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AseDeploymentResult), typeof(Job))]
    public sealed class NewAseResourceGroupDeploymentCommand : AseCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string TemplateFile { get; set; }

        [Parameter]
        public string TemplateParameterFile { get; set; }

        [Parameter]
        public Hashtable TemplateParameterObject { get; set; }

        [Parameter]
        [Alias("DeploymentName")]
        public string Name { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            string templateFile = ResolveExistingFile(TemplateFile);
            string parameterFile = Opt(TemplateParameterFile) == null ? null : ResolveExistingFile(TemplateParameterFile);
            AseDeploymentRequest request = DeploymentService.Request(ResourceGroupName, Opt(Name), templateFile, parameterFile,
                TemplateParameterObject, Force);
            if (!ShouldProcess(ResourceGroupName, "Deploy template " + System.IO.Path.GetFileName(templateFile))) return;
            Invoke(DeploymentService.New(session, request), AsJob);
        }
    }
}
