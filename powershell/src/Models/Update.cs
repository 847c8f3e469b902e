// Models of the device update helper: the record asegpu_update_suspend returns and the VMs it stopped.
using System.Collections.Generic;
using System.Linq;

namespace AseGpu
{
    /// <summary>The record asegpu_update_suspend returns; keep Json (a file) and pass it to ResumeAfterUpdate.</summary>
    public sealed class AseUpdateRecord
    {
        public string SubscriptionId { get; private set; }
        public AseStoppedVm[] Stopped { get; private set; }
        public string Json { get; private set; }

        public static AseUpdateRecord FromJson(string json)
        {
            IDictionary<string, object> d = J.Doc(json, "update record");
            return new AseUpdateRecord { SubscriptionId = AseJson.Str(d, "subscriptionId"), Stopped = J.Objs(d, "stopped").Select(AseStoppedVm.From).ToArray(), Json = json };
        }
    }

    /// <summary>A VM stopped by asegpu_update_suspend.</summary>
    public sealed class AseStoppedVm
    {
        public string ResourceGroupName { get; private set; }
        public string Name { get; private set; }
        public string VmSize { get; private set; }

        internal static AseStoppedVm From(IDictionary<string, object> d)
        {
            return new AseStoppedVm { ResourceGroupName = AseJson.Str(d, "resourceGroupName"), Name = AseJson.Str(d, "name"), VmSize = AseJson.Str(d, "vmSize") };
        }

        public override string ToString() { return ResourceGroupName + "/" + Name; }
    }
}
