using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using AseGpu.PowerShell;

namespace AseGpu.AzCompat
{
    /// <summary>The GPU preflight for one VM size (the check AseGpu's New-AseGpuVM runs), as New-AzVM uses it.</summary>
    public static class AzVmService
    {
        /// <summary>
        /// The preflight of one VM of <paramref name="vmSize"/>: a PreflightFailed error naming every problem and its fix when
        /// the VM would fail on the device (unless <paramref name="skip"/>); the report otherwise (its warnings for the output).
        /// </summary>
        public static AsePreflightReport Preflight(AseSession session, string vmSize, bool skip, CancellationToken ct)
        {
            if (string.IsNullOrEmpty(vmSize)) return null;
            AsePreflightReport report = session.TestVmSize(vmSize, 1, ct);
            if (report.Ok || skip) return report;
            string findings = string.Join(" ", (report.Findings ?? new AsePreflightFinding[0]).Where(f => f.Severity == "error")
                .Select(f => f.Message + (string.IsNullOrEmpty(f.Fix) ? "" : " Fix: " + f.Fix)));
            throw new AseGpuException(AseStatus.PreflightFailed, "PREFLIGHT_FAILED",
                "The GPU preflight says a " + vmSize + " VM would fail on this device (" + report.Verdict + "): " + findings
                + " Nothing was created. Pass -SkipGpuPreflight to try anyway.", "GpuPreflightFailed", 0, null, null, null, "vmCreate", vmSize);
        }

        public static PSVirtualMachine GetModel(AseSession session, string path, CancellationToken ct) =>
            PSVirtualMachine.FromArm(session.ArmRequest("GET", path, Arm.ComputeApi, null, null, null, ct));
    }

    [Cmdlet(VerbsCommon.New, "AzVM", SupportsShouldProcess = true, DefaultParameterSetName = SimpleSet)]
    [OutputType(typeof(PSAzureOperationResponse), typeof(PSVirtualMachine))]
    public sealed class NewAzVMCommand : AzRmCmdlet
    {
        const string SimpleSet = "SimpleParameterSet", DefaultSet = "DefaultParameterSet";

        [Parameter(ParameterSetName = DefaultSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = SimpleSet, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(ParameterSetName = DefaultSet, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = SimpleSet, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Location { get; set; }

        [Parameter(ParameterSetName = DefaultSet, Mandatory = true, Position = 2, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("VMProfile")]
        public PSVirtualMachine VM { get; set; }

        [Parameter(ParameterSetName = DefaultSet, Position = 3, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = SimpleSet, Position = 2, ValueFromPipelineByPropertyName = true)]
        public string[] Zone { get; set; }

        [Parameter(ParameterSetName = DefaultSet)]
        public SwitchParameter DisableBginfoExtension { get; set; }

        [Parameter(ParameterSetName = DefaultSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Tags")]
        public Hashtable Tag { get; set; }

        [Parameter(ParameterSetName = DefaultSet, ValueFromPipelineByPropertyName = true)]
        public string LicenseType { get; set; }

        [Parameter(ParameterSetName = SimpleSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(ParameterSetName = SimpleSet, Mandatory = true)]
        public PSCredential Credential { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public string VirtualNetworkName { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public string AddressPrefix { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public string SubnetName { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public string SubnetAddressPrefix { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public string PublicIpAddressName { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public string DomainNameLabel { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        [ValidateSet("Static", "Dynamic", IgnoreCase = true)]
        public string AllocationMethod { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public string SecurityGroupName { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public int[] OpenPorts { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        [Alias("ImageName")]
        public string Image { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public string Size { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public string AvailabilitySetName { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public SwitchParameter SystemAssignedIdentity { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public string UserAssignedIdentity { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public int[] DataDiskSizeInGb { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public SwitchParameter EnableUltraSSD { get; set; }

        [Parameter(ParameterSetName = SimpleSet)]
        public string ProximityPlacementGroup { get; set; }

        /// <summary>AseGpu extra: create the VM even when the GPU preflight says it will fail.</summary>
        [Parameter]
        public SwitchParameter SkipGpuPreflight { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            NotSupportedOnDevice("a device has no availability zones", nameof(Zone));
            IgnoredOnDevice(nameof(DisableBginfoExtension));
            if (SkipGpuPreflight) WriteWarning("-SkipGpuPreflight: creating the VM even if the GPU preflight says it will fail.");
            if (ParameterSetName == SimpleSet) { Simple(session); return; }
            if (VM?.HardwareProfile?.VmSize == null) ThrowArgumentError("NoVmSize", "The VM configuration has no size (New-AzVMConfig -VMSize).", VM?.Name);
            if (string.IsNullOrEmpty(VM.Name)) ThrowArgumentError("NoVmName", "The VM configuration has no name (New-AzVMConfig -VMName).", null);
            if (!ShouldProcess(VM.Name, "New")) return;
            VM.Location = Location;
            if (Tag != null) VM.Tags = Tag;
            if (Opt(LicenseType) != null) VM.LicenseType = LicenseType;
            string path = ResourcePath(session, ResourceGroupName, "Microsoft.Compute/virtualMachines", VM.Name);
            object body = VM.ToArm();
            string size = VM.HardwareProfile.VmSize;
            bool skip = SkipGpuPreflight;
            Run("Creating VM '" + VM.Name + "'", VM.Name, (p, ct) =>
            {
                AsePreflightReport report = AzVmService.Preflight(session, size, skip, ct);
                session.ArmRequest("PUT", path, Arm.ComputeApi, body, null, p, ct);
                return report;
            }, (r, o) =>
            {
                AzDeploymentService.WarnFindings(r as AsePreflightReport, o);
                o.WriteObject(new PSAzureOperationResponse(), false);
            }, AsJob, "size " + size + ", image " + VM.StorageProfile?.ImageReference?.Id + ", NICs " + string.Join(", ", VM.NetworkProfile?.NetworkInterfaces?.Select(n => Arm.IdName(n.Id)) ?? new string[0]));
        }

        // The simple parameter set on a device: a NIC in the device's compute network and the VM (New-AseGpuVM).
        void Simple(AseSession session)
        {
            NotSupportedOnDevice("the device's single compute network is used as it is", nameof(AddressPrefix), nameof(SubnetAddressPrefix), nameof(PublicIpAddressName),
                nameof(DomainNameLabel), nameof(AllocationMethod), nameof(SecurityGroupName), nameof(OpenPorts), nameof(AvailabilitySetName), nameof(SystemAssignedIdentity),
                nameof(UserAssignedIdentity), nameof(DataDiskSizeInGb), nameof(EnableUltraSSD), nameof(ProximityPlacementGroup));
            if (Opt(Image) == null)
                ThrowArgumentError("NoImage", "Pass -Image <image name> (an image in the resource group, New-AzImage): a device has no marketplace images.", Name);
            string rg = Opt(ResourceGroupName) ?? Name;
            if (!ShouldProcess(Name, "New")) return;
            AseVmRequest request = VmService.Request(rg, Name, Image, Opt(Size) ?? "Standard_D1_v2", Opt(VirtualNetworkName), null, Opt(SubnetName), null,
                Credential.UserName, SkipGpuPreflight);
            string path = ResourcePath(session, rg, "Microsoft.Compute/virtualMachines", Name);
            AseOperationSpec create = VmService.New(session, request, Credential.Password);
            Invoke(new AseOperationSpec(create.Activity, create.Target, (p, ct) =>
            {
                create.Work(p, ct);
                return AzVmService.GetModel(session, path, ct);
            }) { Details = create.Details }, AsJob);
        }
    }

    /// <summary>Az.Compute's DisplayHintType (Get-AzVM -DisplayHint).</summary>
    public enum DisplayHintType
    {
        Compact,
        Expand,
    }

    [Cmdlet(VerbsCommon.Get, "AzVM", DefaultParameterSetName = DefaultSet)]
    [OutputType(typeof(PSVirtualMachine), typeof(PSVirtualMachineInstanceView), typeof(PSVirtualMachineListStatus))]
    public sealed class GetAzVMCommand : AzRmCmdlet
    {
        const string DefaultSet = "DefaultParamSet", InGroupSet = "GetVirtualMachineInResourceGroupParamSet", LocationSet = "ListLocationVirtualMachinesParamSet";

        [Parameter(ParameterSetName = DefaultSet, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = InGroupSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(ParameterSetName = DefaultSet, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = InGroupSet, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceName", "VMName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(ParameterSetName = DefaultSet)]
        [Parameter(ParameterSetName = InGroupSet)]
        public SwitchParameter Status { get; set; }

        [Parameter(ParameterSetName = InGroupSet)]
        public DisplayHintType? DisplayHint { get; set; }

        [Parameter(ParameterSetName = LocationSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Location { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            string rg = Opt(ResourceGroupName), name = Opt(Name);
            bool one = rg != null && name != null && !Names.IsPattern(name);
            bool status = Status;
            string hint = (DisplayHint ?? DisplayHintType.Compact).ToString();
            string path = one ? ResourcePath(session, rg, "Microsoft.Compute/virtualMachines", name)
                : rg != null ? ResourcePath(session, rg, "Microsoft.Compute/virtualMachines", null)
                : SubscriptionPath(session) + "/providers/Microsoft.Compute/virtualMachines";
            string location = Opt(Location)?.Replace(" ", "");
            Run(one ? "Getting VM '" + name + "'" : "Listing VMs", name ?? rg, (p, ct) =>
            {
                if (one)
                {
                    if (status) return new object[] { PSVirtualMachineInstanceView.FromArm(session.ArmRequest("GET", path + "/instanceView", Arm.ComputeApi, null, null, null, ct), rg, name) };
                    PSVirtualMachine vm = AzVmService.GetModel(session, path, ct);
                    vm.DisplayHint = hint;
                    return new object[] { vm };
                }
                List<object> found = new List<object>();
                foreach (object v in Arm.Values(session.ArmRequest("GET", path, Arm.ComputeApi, null, null, null, ct)))
                {
                    if (!Names.Match(name, Arm.Str(v, "name"))) continue;
                    if (location != null && !string.Equals(location, Arm.Str(v, "location"), StringComparison.OrdinalIgnoreCase)) continue;
                    if (!status) { found.Add(PSVirtualMachine.FromArm(v)); continue; }
                    PSVirtualMachineListStatus s = new PSVirtualMachineListStatus();
                    s.FillFromArm(v);
                    object iv = session.ArmRequest("GET", Arm.PathOf(s.Id) + "/instanceView", Arm.ComputeApi, null, null, null, ct);
                    s.PowerState = InstanceViewStatus.ListFrom(Arm.List(iv, "statuses"))
                        .Where(x => x.Code != null && x.Code.StartsWith("PowerState/", StringComparison.OrdinalIgnoreCase)).Select(x => x.DisplayStatus).FirstOrDefault();
                    found.Add(s);
                }
                if (found.Count == 0 && name != null && !Names.IsPattern(name)) throw Names.NotFound("VM", name, "vmList");
                return found.ToArray();
            }, AseOperationSpec.EmitResult);
        }
    }

    /// <summary>Start-/Stop-/Restart-/Remove-AzVM: a VM by resource group and name, or by id.</summary>
    public abstract class AzVmActionCmdlet : AzRmCmdlet
    {
        protected const string NameSet = "ResourceGroupNameParameterSetName", IdSet = "IdParameterSetName";

        [Parameter(ParameterSetName = NameSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(ParameterSetName = NameSet, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceName", "VMName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(ParameterSetName = IdSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        [Parameter]
        public SwitchParameter NoWait { get; set; }

        protected string Group, Vm;

        protected AseSession Resolve()
        {
            AseSession session = RequireAzSession();
            if (NoWait) WriteVerbose("-NoWait: the device's power operations are short; the cmdlet waits for them.");
            if (ParameterSetName == IdSet) ParseIdOrFail(Id, out Group, out Vm);
            else { Group = ResourceGroupName; Vm = Name; }
            return session;
        }

        /// <summary>A power action through VmService; the output is Az's PSComputeLongRunningOperation.</summary>
        protected void Power(AseSession session, string action, Action<AseVmView, IAseOutput> after = null)
        {
            DateTime start = DateTime.Now;
            Invoke(VmService.SetPowerState(session, Group, Vm, action).WithEmit((r, o) =>
            {
                after?.Invoke(r as AseVmView, o);
                o.WriteObject(PSComputeLongRunningOperation.Succeeded(start), false);
            }), AsJob);
        }
    }

    [Cmdlet(VerbsLifecycle.Start, "AzVM", SupportsShouldProcess = true, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(PSComputeLongRunningOperation))]
    public sealed class StartAzVMCommand : AzVmActionCmdlet
    {
        protected override void ExecuteCmdlet()
        {
            AseSession session = Resolve();
            if (!ShouldProcess(Vm, "Start")) return;
            Power(session, VmService.Start);
        }
    }

    [Cmdlet(VerbsLifecycle.Restart, "AzVM", SupportsShouldProcess = true, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(PSComputeLongRunningOperation))]
    public sealed class RestartAzVMCommand : AzVmActionCmdlet
    {
        protected override void ExecuteCmdlet()
        {
            AseSession session = Resolve();
            if (!ShouldProcess(Vm, "Restart")) return;
            Power(session, VmService.Restart);
        }
    }

    [Cmdlet(VerbsLifecycle.Stop, "AzVM", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(PSComputeLongRunningOperation))]
    public sealed class StopAzVMCommand : AzVmActionCmdlet
    {
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter StayProvisioned { get; set; }

        [Parameter]
        public SwitchParameter SkipShutdown { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = Resolve();
            IgnoredOnDevice(nameof(SkipShutdown));
            // Az asks (ShouldContinue) unless -Force; here the confirmation is ShouldProcess's (ConfirmImpact High):
            // -Force or -Confirm:$false go ahead, -WhatIf only says what would happen.
            if (!ShouldProcessForce(Vm, StayProvisioned ? "Stop (stay provisioned: keeps its GPU)" : "Stop and deallocate", Force)) return;
            bool deallocate = !StayProvisioned;
            Power(session, StayProvisioned ? VmService.Stop : VmService.Deallocate, (vm, o) =>
            {
                if (deallocate && vm != null && vm.Gpus > 0)
                    o.WriteWarning("VM '" + vm.Name + "' is a GPU VM and was deallocated: its GPU is released, and Kubernetes (when configured) may claim it before the VM starts again. "
                        + "Stop-AzVM -StayProvisioned keeps the GPU.");
            });
        }
    }

    [Cmdlet(VerbsCommon.Remove, "AzVM", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(PSComputeLongRunningOperation))]
    public sealed class RemoveAzVMCommand : AzVmActionCmdlet
    {
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = Resolve();
            if (!ShouldProcessForce(Vm, "Remove", Force)) return;
            DateTime start = DateTime.Now;
            // Az's Remove-AzVM outputs the operation status (Status Succeeded, StartTime, EndTime).
            Invoke(VmService.Remove(session, Group, Vm).WithEmit((r, o) => o.WriteObject(PSComputeLongRunningOperation.Succeeded(start), false)), AsJob);
        }
    }
}
