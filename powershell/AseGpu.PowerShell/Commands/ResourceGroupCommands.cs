using System.Collections;
using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu
{
    [Cmdlet(VerbsCommon.New, "AseResourceGroup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AseResourceGroup))]
    public sealed class NewAseResourceGroupCommand : AseCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceGroupName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public string Location { get; set; } = ResourceGroupService.DefaultLocation;

        [Parameter]
        [Alias("Tags")]
        public Hashtable Tag { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        // New-AzResourceGroup's order: ShouldProcess first (so -WhatIf never prompts), then, only when
        // the group exists and -Force is absent, ShouldContinue.
        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            string location = Opt(Location) ?? ResourceGroupService.DefaultLocation;
            if (!ShouldProcess(Name, "Create resource group in " + location)) return;
            if (!Force)
            {
                if (!TryRun(ResourceGroupService.Exists(session, Name), out object exists)) return;
                if ((bool)exists && !ShouldContinueOrFail("Resource group '" + Name + "' exists. Update it?", "Update resource group", Name)) return;
            }
            Invoke(ResourceGroupService.New(session, Name, location, Tag));
        }
    }

    [Cmdlet(VerbsCommon.Get, "AseResourceGroup")]
    [OutputType(typeof(AseResourceGroup))]
    public sealed class GetAseResourceGroupCommand : AseCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceGroupName")]
        public string Name { get; set; }

        [Parameter]
        public string Location { get; set; }

        protected override void ExecuteCmdlet()
        {
            Invoke(ResourceGroupService.Find(RequireSession(), Opt(Name), Opt(Location)));
        }
    }

    [Cmdlet(VerbsCommon.Remove, "AseResourceGroup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(bool), typeof(Job))]
    public sealed class RemoveAseResourceGroupCommand : AseCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceGroupName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireSession();
            if (!ShouldProcessForce(Name, "Remove resource group and every resource in it", Force)) return;
            AseOperationSpec remove = ResourceGroupService.Remove(session, Name);
            Invoke(PassThru || AsJob ? remove.WithEmit(AseOperationSpec.EmitTrue) : remove, AsJob);
        }
    }
}
