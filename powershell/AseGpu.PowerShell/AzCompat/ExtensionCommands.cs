using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu.AzCompat
{
    [Cmdlet(VerbsCommon.Set, "AzVMExtension", SupportsShouldProcess = true, DefaultParameterSetName = HashtableSet)]
    [OutputType(typeof(PSAzureOperationResponse))]
    public sealed class SetAzVMExtensionCommand : AzRmCmdlet
    {
        const string HashtableSet = "SettingsHashtable", StringSet = "SettingString";

        /// <summary>The NVIDIA GPU extension's publisher: these go through AseGpu's GPU extension install (checks, waits).</summary>
        public const string GpuPublisher = "Microsoft.HpcCompute";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceName")]
        [ValidateNotNullOrEmpty]
        public string VMName { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ExtensionName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Publisher { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Type")]
        [ValidateNotNullOrEmpty]
        public string ExtensionType { get; set; }

        [Parameter(ParameterSetName = HashtableSet, ValueFromPipelineByPropertyName = true)]
        public Hashtable Settings { get; set; }

        [Parameter(ParameterSetName = HashtableSet, ValueFromPipelineByPropertyName = true)]
        public Hashtable ProtectedSettings { get; set; }

        [Parameter(ParameterSetName = StringSet, ValueFromPipelineByPropertyName = true)]
        public string SettingString { get; set; }

        [Parameter(ParameterSetName = StringSet, ValueFromPipelineByPropertyName = true)]
        public string ProtectedSettingString { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("HandlerVersion", "Version")]
        [ValidateNotNullOrEmpty]
        public string TypeHandlerVersion { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Location { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public SwitchParameter DisableAutoUpgradeMinorVersion { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string ForceRerun { get; set; }

        [Parameter]
        public SwitchParameter NoWait { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            IgnoredOnDevice(nameof(Location));
            if (NoWait) WriteVerbose("-NoWait: the cmdlet waits until the extension is provisioned (Succeeded or Failed).");
            IDictionary settings = Settings;
            if (ParameterSetName == StringSet && Opt(SettingString) != null) settings = AseJson.ToHashtable(SettingString);
            bool hasProtected = (ProtectedSettings != null && ProtectedSettings.Count > 0) || Opt(ProtectedSettingString) != null;
            if (!ShouldProcess(VMName, "Set extension " + Name)) return;
            if (string.Equals(Publisher, GpuPublisher, StringComparison.OrdinalIgnoreCase))
            {
                // The GPU extension: the same install AseGpu's Install-AseGpuExtension runs (VM size, OS and release checked; waits).
                if (hasProtected) ThrowNotSupported("the NVIDIA GPU extension takes no protected settings.", Name);
                IgnoredOnDevice(nameof(DisableAutoUpgradeMinorVersion), nameof(ForceRerun));
                AseGpuExtensionRequest request = ExtensionService.Request(ResourceGroupName, VMName, Name, Publisher, ExtensionType, TypeHandlerVersion, settings, null);   // no -Settings: the documented ones for the OS and release
                Invoke(ExtensionService.Install(session, request).WithEmit((r, o) =>
                {
                    if (r is AseExtensionInstallResult result)
                    {
                        // The install's warnings (OS support, prerequisites) came as warning events while it ran.
                        if (result.Extension != null && !string.Equals(result.Extension.ProvisioningState, "Succeeded", StringComparison.OrdinalIgnoreCase))
                            o.WriteWarning("Extension '" + result.Name + "' is " + result.Extension.ProvisioningState + ".");
                    }
                    o.WriteObject(new PSAzureOperationResponse(), false);
                }), AsJob);
                return;
            }
            // Any other extension: a plain ARM PUT that waits for the end of the operation.
            Dictionary<string, object> props = new Dictionary<string, object>
            {
                ["publisher"] = Publisher,
                ["type"] = ExtensionType,
                ["typeHandlerVersion"] = TypeHandlerVersion,
                ["autoUpgradeMinorVersion"] = !DisableAutoUpgradeMinorVersion.IsPresent,
            };
            if (settings != null) props["settings"] = settings;
            if (ProtectedSettings != null && ProtectedSettings.Count > 0) props["protectedSettings"] = ProtectedSettings;
            else if (Opt(ProtectedSettingString) != null) props["protectedSettings"] = AseJson.ToHashtable(ProtectedSettingString);
            if (Opt(ForceRerun) != null) props["forceUpdateTag"] = ForceRerun;
            Dictionary<string, object> body = new Dictionary<string, object> { ["location"] = Opt(Location) ?? Arm.Location, ["properties"] = props };
            string path = ResourcePath(session, ResourceGroupName, "Microsoft.Compute/virtualMachines", VMName) + "/extensions/" + Uri.EscapeDataString(Name);
            Run("Setting extension '" + Name + "' on '" + VMName + "'", Name, (p, ct) => session.ArmRequest("PUT", path, Arm.ComputeApi, body, null, p, ct),
                (r, o) => o.WriteObject(new PSAzureOperationResponse(), false), AsJob, Publisher + "/" + ExtensionType + " " + TypeHandlerVersion);
        }
    }

    [Cmdlet(VerbsCommon.Get, "AzVMExtension")]
    [OutputType(typeof(PSVirtualMachineExtension))]
    public sealed class GetAzVMExtensionCommand : AzRmCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceName")]
        [ValidateNotNullOrEmpty]
        public string VMName { get; set; }

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("ExtensionName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter]
        public SwitchParameter Status { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            Invoke(ExtensionService.Find(session, ResourceGroupName, VMName, Opt(Name)).WithEmit((r, o) =>
            {
                IEnumerable<AseExtensionView> all = r is AseExtensionView one ? new[] { one } : (r as AseExtensionView[] ?? new AseExtensionView[0]);
                foreach (AseExtensionView e in all) o.WriteObject(PSVirtualMachineExtension.From(e), false);
            }));
        }
    }

    [Cmdlet(VerbsCommon.Remove, "AzVMExtension", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(PSAzureOperationResponse))]
    public sealed class RemoveAzVMExtensionCommand : AzRmCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceName")]
        [ValidateNotNullOrEmpty]
        public string VMName { get; set; }

        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("ExtensionName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter NoWait { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            if (NoWait) WriteVerbose("-NoWait: the cmdlet waits until the extension is removed.");
            if (!ShouldProcessForce(Name, "Remove extension from VM " + VMName, Force)) return;
            Invoke(ExtensionService.Remove(session, ResourceGroupName, VMName, Name).WithEmit((r, o) => o.WriteObject(new PSAzureOperationResponse(), false)));
        }
    }
}
