// Models of VM extensions: the GPU extension request, its install result and the extension view.
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace AseGpu
{
    /// <summary>The GPU extension (asegpu_gpu_extension_install): only the VM is required, the rest is chosen
    /// from the VM's OS and the device release.</summary>
    public sealed class AseGpuExtensionRequest
    {
        public string ResourceGroupName { get; set; }
        public string VmName { get; set; }
        public string Name { get; set; }
        public string Publisher { get; set; }
        public string ExtensionType { get; set; }
        public string TypeHandlerVersion { get; set; }
        public IDictionary Settings { get; set; }
        /// <summary>Device software release (e.g. 2309); otherwise the connection's device facts.</summary>
        public string Release { get; set; }
        /// <summary>Linux or Windows; otherwise read from the VM.</summary>
        public string OsType { get; set; }
        /// <summary>RHEL 7: the troubleshooting doc's custom install settings (CUDA 11.4, a driver below 510).</summary>
        public bool RhelCustomInstall { get; set; }

        public string ToJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["resourceGroupName"] = ResourceGroupName;
            d["vmName"] = VmName;
            if (RhelCustomInstall) d["rhelCustomInstall"] = true;
            Req.Put(d, "name", Name);
            Req.Put(d, "publisher", Publisher);
            Req.Put(d, "type", ExtensionType);
            Req.Put(d, "typeHandlerVersion", TypeHandlerVersion);
            Req.Put(d, "settings", Settings);
            Req.Put(d, "release", Release);
            Req.Put(d, "osType", OsType);
            return AseJson.Serialize(d);
        }
    }

    /// <summary>asegpu_gpu_extension_install: what was chosen (name, publisher, type, version, settings), warnings, the extension.</summary>
    public sealed class AseExtensionInstallResult
    {
        public string Name { get; private set; }
        public Hashtable Chosen { get; private set; }
        public string[] Warnings { get; private set; }
        public AseExtensionView Extension { get; private set; }
        public string Json { get; private set; }

        public static AseExtensionInstallResult FromJson(string json)
        {
            IDictionary<string, object> d = J.Doc(json, "extension install result");
            IDictionary<string, object> e = J.Obj(d, "extension");
            return new AseExtensionInstallResult
            {
                Name = AseJson.Str(d, "name"),
                Chosen = J.Table(d, "chosen"),
                Warnings = J.Strs(d, "warnings"),
                Extension = e == null ? null : AseExtensionView.From(e, AseJson.Serialize(e)),
                Json = json,
            };
        }
    }

    /// <summary>A VM extension as Get-AzVMExtension shows it (asegpu_vm_extension_get).</summary>
    public sealed class AseExtensionView
    {
        public string ResourceGroupName { get; private set; }
        public string VMName { get; private set; }
        public string Name { get; private set; }
        public string Publisher { get; private set; }
        public string ExtensionType { get; private set; }
        public string TypeHandlerVersion { get; private set; }
        public string ProvisioningState { get; private set; }
        public AseInstanceStatus[] Statuses { get; private set; }
        public AseInstanceStatus[] SubStatuses { get; private set; }
        /// <summary>The public settings (Hashtable; the JSON is in PublicSettingsJson).</summary>
        public Hashtable PublicSettings { get; private set; }
        public string PublicSettingsJson { get; private set; }
        public string Id { get; private set; }
        public string Json { get; private set; }

        internal static AseExtensionView From(IDictionary<string, object> d, string json)
        {
            object ps;
            d.TryGetValue("publicSettings", out ps);
            return new AseExtensionView
            {
                ResourceGroupName = AseJson.Str(d, "resourceGroupName"),
                VMName = AseJson.Str(d, "vmName"),
                Name = AseJson.Str(d, "name"),
                Publisher = AseJson.Str(d, "publisher"),
                ExtensionType = AseJson.Str(d, "extensionType"),
                TypeHandlerVersion = AseJson.Str(d, "typeHandlerVersion"),
                ProvisioningState = AseJson.Str(d, "provisioningState"),
                Statuses = AseInstanceStatus.ListFrom(d, "statuses"),
                SubStatuses = AseInstanceStatus.ListFrom(d, "subStatuses"),
                PublicSettings = J.Table(d, "publicSettings"),
                PublicSettingsJson = ps == null ? "{}" : AseJson.Serialize(ps),
                Id = AseJson.Str(d, "id"),
                Json = json,
            };
        }

        public static AseExtensionView FromJson(string json) { return From(J.Doc(json, "extension"), json); }

        public static AseExtensionView[] ListFromJson(string json)
        {
            return J.List(json, "extension list").OfType<IDictionary<string, object>>().Select(d => From(d, AseJson.Serialize(d))).ToArray();
        }

        public override string ToString() { return Name; }
    }
}
