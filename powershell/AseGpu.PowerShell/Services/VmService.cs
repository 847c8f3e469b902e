using System.Linq;
using System.Management.Automation;
using System.Security;

namespace AseGpu.PowerShell
{
    /// <summary>VMs: find, create, power, delete (the *-AseVM cmdlets, later *-AzVM).</summary>
    public static class VmService
    {
        /// <summary>Power actions of asegpu_vm_power.</summary>
        public const string Start = "start", Stop = "stop", Deallocate = "deallocate", Restart = "restart";

        /// <summary>
        /// VMs of the device (<paramref name="resourceGroup"/> null), of a group, or by name: an exact
        /// name is a NotFound error when missing, a wildcard matches zero or more. With
        /// <paramref name="status"/> each VM comes as an AseGpu.VMStatus object (instance view + extensions).
        /// </summary>
        public static AseOperationSpec Find(AseSession session, string resourceGroup, string name, bool status)
        {
            bool one = resourceGroup != null && name != null && !Names.IsPattern(name);
            string activity = one ? "Getting VM '" + name + "'" : "Listing VMs" + (resourceGroup == null ? "" : " of '" + resourceGroup + "'");
            return new AseOperationSpec(activity, name ?? resourceGroup, (p, ct) =>
            {
                AseVmView[] vms = one ? new[] { session.GetVm(resourceGroup, name, ct) } : List(session, resourceGroup, name, ct);
                if (!status) return vms;
                return vms.Select(vm => StatusObject(vm, ExtensionsOrNone(session, vm, ct))).ToArray();
            });
        }

        static AseVmView[] List(AseSession session, string resourceGroup, string name, System.Threading.CancellationToken ct)
        {
            AseVmView[] vms = session.ListVms(resourceGroup, ct).Where(v => v != null && Names.Match(name, v.Name)).ToArray();
            if (vms.Length == 0 && name != null && !Names.IsPattern(name)) throw Names.NotFound("VM", name, "vmList");
            return vms;
        }

        static AseExtensionView[] ExtensionsOrNone(AseSession session, AseVmView vm, System.Threading.CancellationToken ct)
        {
            try { return session.ListVmExtensions(vm.ResourceGroupName, vm.Name, ct); }
            catch (AseGpuException e) when (e.Status != AseStatus.Cancelled) { return new AseExtensionView[0]; }
        }

        /// <summary>The AseGpu.VMStatus object of Get-AseVM -Status (what Get-AzVM -Status shows).</summary>
        public static PSObject StatusObject(AseVmView vm, AseExtensionView[] extensions)
        {
            PSObject o = new PSObject();
            o.TypeNames.Insert(0, "AseGpu.VMStatus");
            ConnectionService.Add(o, "ResourceGroupName", vm.ResourceGroupName);
            ConnectionService.Add(o, "Name", vm.Name);
            ConnectionService.Add(o, "PowerState", vm.PowerStateDisplay);
            ConnectionService.Add(o, "ProvisioningState", vm.ProvisioningState);
            ConnectionService.Add(o, "Statuses", vm.Statuses);
            ConnectionService.Add(o, "Extensions", extensions ?? new AseExtensionView[0]);
            ConnectionService.Add(o, "PrivateIpAddresses", vm.PrivateIpAddresses);
            ConnectionService.Add(o, "VmSize", vm.VmSize);
            ConnectionService.Add(o, "Gpus", vm.Gpus);
            return o;
        }

        /// <summary>Start / stop (stay provisioned) / deallocate / restart; the result is the VM afterwards.</summary>
        public static AseOperationSpec SetPowerState(AseSession session, string resourceGroup, string name, string action)
        {
            string verb = action == Start ? "Starting" : action == Restart ? "Restarting" : "Stopping";
            return new AseOperationSpec(verb + " VM '" + name + "'", name,
                (p, ct) => session.SetVmPowerState(resourceGroup, name, action, p, ct))
            {
                Details = resourceGroup + "/" + name + ", action " + action,
            };
        }

        /// <summary>Creates the NIC and the VM after the GPU preflight; the admin password is passed apart from the request.</summary>
        public static AseOperationSpec New(AseSession session, AseVmRequest request, SecureString adminPassword)
        {
            return new AseOperationSpec("Creating VM '" + request.Name + "'", request.Name,
                (p, ct) => session.NewVm(request, adminPassword, p, ct))
            {
                Details = request.ResourceGroupName + "/" + request.Name + ", size " + request.VmSize + ", image " + request.Image
                    + ", admin " + request.AdminUsername + (request.Force ? ", -Force" : ""),
            };
        }

        /// <summary>Deletes a VM (long-running); the result is true.</summary>
        public static AseOperationSpec Remove(AseSession session, string resourceGroup, string name)
        {
            return new AseOperationSpec("Removing VM '" + name + "'", name, (p, ct) =>
            {
                session.RemoveVm(resourceGroup, name, p, ct);
                return true;
            }, AseOperationSpec.EmitNothing);
        }

        /// <summary>The request of New-AseGpuVM (empty optional strings already normalised to null by the caller).</summary>
        public static AseVmRequest Request(string resourceGroup, string name, string image, string size, string vnet,
            string vnetResourceGroup, string subnet, string privateIp, string adminUser, bool force)
        {
            return new AseVmRequest
            {
                ResourceGroupName = resourceGroup,
                Name = name,
                Image = image,
                VmSize = size,
                VnetName = vnet,
                VnetResourceGroup = vnetResourceGroup,
                SubnetName = subnet,
                PrivateIpAddress = privateIp,
                AdminUsername = adminUser?.TrimStart('\\'),
                Force = force,
            };
        }
    }
}
