using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu.AzCompat
{
    /// <summary>The parameters Az.Resources' cmdlets of that era share (-ApiVersion, -Pre).</summary>
    public abstract class AzResourcesCmdlet : AzRmCmdlet
    {
        [Parameter]
        public string ApiVersion { get; set; }

        [Parameter]
        public SwitchParameter Pre { get; set; }

        protected void IgnoreApiVersion()
        {
            if (IsBound(nameof(ApiVersion))) WriteVerbose("-ApiVersion: the device's own api-versions are used.");
            IgnoredOnDevice(nameof(Pre));
        }
    }

    [Cmdlet(VerbsCommon.New, "AzResourceGroup", SupportsShouldProcess = true)]
    [OutputType(typeof(PSResourceGroup))]
    public sealed class NewAzResourceGroupCommand : AzResourcesCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceGroupName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Location { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Tags")]
        public Hashtable Tag { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ExecuteCmdlet()
        {
            IgnoreApiVersion();
            AseSession session = RequireAzSession();
            if (!ShouldProcess(Name, "Create resource group in " + Location)) return;
            if (!Force)
            {
                if (!TryRun(ResourceGroupService.Exists(session, Name), out object exists)) return;
                if ((bool)exists && !ShouldContinueOrFail("Provided resource group already exists. Are you sure you want to update it?", "Creating the resource group", Name)) return;
            }
            Invoke(ResourceGroupService.New(session, Name, Location, Tag).WithEmit((r, o) => o.WriteObject(PSResourceGroup.From((AseResourceGroup)r), false)));
        }
    }

    [Cmdlet(VerbsCommon.Get, "AzResourceGroup", DefaultParameterSetName = NameSet)]
    [OutputType(typeof(PSResourceGroup))]
    public sealed class GetAzResourceGroupCommand : AzResourcesCmdlet
    {
        const string NameSet = "GetByResourceGroupName", IdSet = "GetByResourceGroupId";

        [Parameter(ParameterSetName = NameSet, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceGroupName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public string Location { get; set; }

        [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceGroupId", "ResourceId")]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        [Parameter(ParameterSetName = NameSet)]
        public Hashtable Tag { get; set; }

        protected override void ExecuteCmdlet()
        {
            IgnoreApiVersion();
            AseSession session = RequireAzSession();
            string name = ParameterSetName == IdSet ? Arm.IdSegment(Id, "resourceGroups") ?? Arm.IdName(Id) : Opt(Name);
            Invoke(ResourceGroupService.Find(session, name, Opt(Location)).WithEmit((r, o) =>
            {
                foreach (AseResourceGroup g in (AseResourceGroup[])r)
                    if (TagsMatch(g)) o.WriteObject(PSResourceGroup.From(g), false);
            }));
        }

        // Az: every given tag must be there; a $null / empty value matches any value.
        bool TagsMatch(AseResourceGroup g)
        {
            if (Tag == null) return true;
            foreach (DictionaryEntry kv in Tag)
            {
                string key = Convert.ToString(kv.Key);
                if (g.Tags == null || !g.Tags.TryGetValue(key, out string v)) return false;
                string want = kv.Value == null ? null : Convert.ToString(Arm.Base(kv.Value));
                if (!string.IsNullOrEmpty(want) && !string.Equals(want, v, StringComparison.OrdinalIgnoreCase)) return false;
            }
            return true;
        }
    }

    [Cmdlet(VerbsCommon.Remove, "AzResourceGroup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(bool))]
    public sealed class RemoveAzResourceGroupCommand : AzResourcesCmdlet
    {
        const string NameSet = "RemoveByResourceGroupName", IdSet = "RemoveByResourceGroupId";

        [Parameter(ParameterSetName = NameSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceGroupName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceGroupId", "ResourceId")]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            IgnoreApiVersion();
            AseSession session = RequireAzSession();
            string name = ParameterSetName == IdSet ? Arm.IdSegment(Id, "resourceGroups") ?? Arm.IdName(Id) : Name;
            if (!ShouldProcessForce(name, "Remove resource group and every resource in it", Force)) return;
            Invoke(ResourceGroupService.Remove(session, name).WithEmit(AseOperationSpec.EmitTrue), AsJob);
        }
    }
}
