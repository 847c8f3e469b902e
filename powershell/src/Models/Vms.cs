// Models of VMs: the create request (asegpu_vm_create), the VM view and its instance-view statuses.
using System.Collections.Generic;
using System.Linq;

namespace AseGpu
{
    /// <summary>A GPU VM without a template (asegpu_vm_create); the admin password is passed separately.</summary>
    public sealed class AseVmRequest
    {
        public string ResourceGroupName { get; set; }
        public string Name { get; set; }
        /// <summary>Image name (in the resource group) or image resource id.</summary>
        public string Image { get; set; }
        public string VmSize { get; set; }
        public string VnetName { get; set; }
        public string VnetResourceGroup { get; set; }
        public string SubnetName { get; set; }
        public string PrivateIpAddress { get; set; }
        public string NicName { get; set; }
        public string AdminUsername { get; set; }
        public bool Force { get; set; }

        public string ToJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["resourceGroupName"] = ResourceGroupName;
            d["name"] = Name;
            d["image"] = Image;
            Req.Put(d, "vmSize", VmSize);
            Req.Put(d, "vnetName", VnetName);
            Req.Put(d, "vnetResourceGroup", VnetResourceGroup);
            Req.Put(d, "subnetName", SubnetName);
            Req.Put(d, "privateIpAddress", PrivateIpAddress);
            Req.Put(d, "nicName", NicName);
            Req.Put(d, "adminUsername", AdminUsername);
            if (Force) d["force"] = true;
            return AseJson.Serialize(d);
        }
    }

    /// <summary>A VM (asegpu_vm_get/list/power, the VMs of a deployment), with Az's property names.</summary>
    public sealed class AseVmView
    {
        public string Name { get; private set; }
        public string ResourceGroupName { get; private set; }
        public string Id { get; private set; }
        public string VmSize { get; private set; }
        public int Gpus { get; private set; }
        public string OsType { get; private set; }
        /// <summary>running, stopped (still provisioned: keeps its GPU), deallocated, starting...; null if unknown.</summary>
        public string PowerState { get; private set; }
        public string ProvisioningState { get; private set; }
        public string[] PrivateIpAddresses { get; private set; }
        public string ImageId { get; private set; }
        public string Json { get; private set; }

        /// <summary>Same as Name (so VMs bind to -VMName parameters by property name).</summary>
        public string VMName { get { return Name; } }

        /// <summary>The first private IP address (or null).</summary>
        public string PrivateIpAddress { get { return PrivateIpAddresses.Length > 0 ? PrivateIpAddresses[0] : null; } }

        /// <summary>Get-AzVM -Status style statuses: ProvisioningState/&lt;state&gt; and PowerState/&lt;state&gt;.</summary>
        public AseInstanceStatus[] Statuses
        {
            get
            {
                List<AseInstanceStatus> l = new List<AseInstanceStatus>();
                if (ProvisioningState != null)
                    l.Add(new AseInstanceStatus("ProvisioningState/" + ProvisioningState.ToLowerInvariant(), "Info",
                        "Provisioning " + ProvisioningState.ToLowerInvariant(), null, null));
                if (PowerState != null)
                    l.Add(new AseInstanceStatus("PowerState/" + PowerState, "Info", "VM " + PowerState, null, null));
                return l.ToArray();
            }
        }

        /// <summary>The Az display text of the power state ("VM running", "VM deallocated"...).</summary>
        public string PowerStateDisplay { get { return PowerState == null ? null : "VM " + PowerState; } }

        internal static AseVmView From(IDictionary<string, object> d, string json)
        {
            return new AseVmView
            {
                Name = AseJson.Str(d, "name"),
                ResourceGroupName = AseJson.Str(d, "resourceGroupName"),
                Id = AseJson.Str(d, "id"),
                VmSize = AseJson.Str(d, "vmSize"),
                Gpus = J.Int(d, "gpus") ?? 0,
                OsType = AseJson.Str(d, "osType"),
                PowerState = AseJson.Str(d, "powerState"),
                ProvisioningState = AseJson.Str(d, "provisioningState"),
                PrivateIpAddresses = J.Strs(d, "privateIpAddresses"),
                ImageId = AseJson.Str(d, "imageId"),
                Json = json,
            };
        }

        public static AseVmView FromJson(string json) { return From(J.Doc(json, "VM"), json); }

        public static AseVmView[] ListFromJson(string json)
        {
            return J.List(json, "VM list").OfType<IDictionary<string, object>>().Select(d => From(d, AseJson.Serialize(d))).ToArray();
        }

        public override string ToString() { return Name; }
    }

    /// <summary>An instance-view status (Az: Code, Level, DisplayStatus, Message, Time).</summary>
    public sealed class AseInstanceStatus
    {
        public string Code { get; private set; }
        public string Level { get; private set; }
        public string DisplayStatus { get; private set; }
        public string Message { get; private set; }
        public string Time { get; private set; }

        public AseInstanceStatus(string code, string level, string displayStatus, string message, string time)
        {
            Code = code; Level = level; DisplayStatus = displayStatus; Message = message; Time = time;
        }

        internal static AseInstanceStatus[] ListFrom(IDictionary<string, object> d, string key)
        {
            return J.Objs(d, key).Select(x => new AseInstanceStatus(AseJson.Str(x, "code"), AseJson.Str(x, "level"),
                AseJson.Str(x, "displayStatus"), AseJson.Str(x, "message"), AseJson.Str(x, "time"))).ToArray();
        }

        public override string ToString() { return Code; }
    }
}
