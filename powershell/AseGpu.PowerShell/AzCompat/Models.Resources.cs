using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace AseGpu.AzCompat
{
    // The objects Az.Resources outputs, with the property names scripts read.

    /// <summary>Az: PSResourceGroup.</summary>
    public sealed class PSResourceGroup
    {
        public string ResourceGroupName { get; set; }
        public string Location { get; set; }
        public string ProvisioningState { get; set; }
        public Hashtable Tags { get; set; } = new Hashtable(StringComparer.OrdinalIgnoreCase);
        public string TagsTable => ModelText.Table(Tags.Keys.Cast<object>().Select(k => new[] { k.ToString(), Convert.ToString(Tags[k], CultureInfo.InvariantCulture) }), "Name", "Value");
        public string ResourceId { get; set; }
        public string ManagedBy { get; set; }

        public static PSResourceGroup From(AseResourceGroup g)
        {
            Hashtable tags = new Hashtable(StringComparer.OrdinalIgnoreCase);
            if (g.Tags != null) foreach (KeyValuePair<string, string> kv in g.Tags) tags[kv.Key] = kv.Value;
            return new PSResourceGroup { ResourceGroupName = g.Name, Location = g.Location, ProvisioningState = g.ProvisioningState, Tags = tags, ResourceId = g.Id };
        }

        public override string ToString() => ResourceGroupName;
    }

    /// <summary>Az: DeploymentMode.</summary>
    public enum DeploymentMode
    {
        Incremental,
        Complete,
    }

    /// <summary>Az: DeploymentVariable, the value of $d.Parameters['vmName'] / $d.Outputs['x'].</summary>
    public sealed class DeploymentVariable
    {
        public string Type { get; set; }
        public object Value { get; set; }

        public override string ToString() => Convert.ToString(Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Az: PSResourceGroupDeployment (New-/Get-AzResourceGroupDeployment), plus what AseGpu knows (VMs, IPs, preflight).</summary>
    public sealed class PSResourceGroupDeployment
    {
        public string DeploymentName { get; set; }
        public string CorrelationId { get; set; }
        public string ResourceGroupName { get; set; }
        public string ProvisioningState { get; set; }
        public DateTime Timestamp { get; set; }
        public DeploymentMode Mode { get; set; } = DeploymentMode.Incremental;
        public object TemplateLink { get; set; }
        public string TemplateLinkString => TemplateLink?.ToString();
        public string DeploymentDebugLogLevel { get; set; }
        /// <summary>Name -> {Type, Value}, case-insensitive like Az's: $d.Parameters['vmName'].Value.</summary>
        public Dictionary<string, DeploymentVariable> Parameters { get; set; } = new Dictionary<string, DeploymentVariable>(StringComparer.OrdinalIgnoreCase);
        public string ParametersString => ModelText.Variables(Parameters);
        public Dictionary<string, DeploymentVariable> Outputs { get; set; } = new Dictionary<string, DeploymentVariable>(StringComparer.OrdinalIgnoreCase);
        public string OutputsString => ModelText.Variables(Outputs);
        public string Id { get; set; }

        /// <summary>AseGpu: the VMs the deployment made and their private IP addresses.</summary>
        public AseVmView[] Vms { get; set; } = new AseVmView[0];
        public string[] IpAddresses => Vms.SelectMany(v => v.PrivateIpAddresses ?? new string[0]).ToArray();
        /// <summary>AseGpu: the GPU preflight of the deployment (null when it was not run).</summary>
        public AsePreflightReport Preflight { get; set; }

        /// <summary>From ARM's Microsoft.Resources/deployments resource.</summary>
        public static PSResourceGroupDeployment FromArm(object d, string resourceGroup)
        {
            PSResourceGroupDeployment r = new PSResourceGroupDeployment
            {
                DeploymentName = Arm.Str(d, "name"),
                Id = Arm.Str(d, "id"),
                ResourceGroupName = resourceGroup ?? Arm.IdSegment(Arm.Str(d, "id"), "resourceGroups"),
                CorrelationId = Arm.Str(d, "properties", "correlationId"),
                ProvisioningState = Arm.Str(d, "properties", "provisioningState"),
                Timestamp = Arm.Time(d, "properties", "timestamp") ?? DateTime.UtcNow,
                Mode = string.Equals(Arm.Str(d, "properties", "mode"), "Complete", StringComparison.OrdinalIgnoreCase) ? DeploymentMode.Complete : DeploymentMode.Incremental,
                TemplateLink = Arm.Str(d, "properties", "templateLink", "uri"),
                DeploymentDebugLogLevel = Arm.Str(d, "properties", "debugSetting", "detailLevel"),
            };
            r.Parameters = Variables(Arm.Get(d, "properties", "parameters"), true);
            r.Outputs = Variables(Arm.Get(d, "properties", "outputs"), false);
            return r;
        }

        /// <summary>{name: {type, value}} as DeploymentVariables; secure values are never shown (ARM leaves them out too).</summary>
        public static Dictionary<string, DeploymentVariable> Variables(object node, bool hideSecure)
        {
            Dictionary<string, DeploymentVariable> r = new Dictionary<string, DeploymentVariable>(StringComparer.OrdinalIgnoreCase);
            if (!(node is IDictionary<string, object> d)) return r;
            foreach (KeyValuePair<string, object> kv in d)
            {
                string type = NiceType(Arm.Str(kv.Value, "type") ?? Guess(Arm.Get(kv.Value, "value")));
                bool secure = type.StartsWith("Secure", StringComparison.OrdinalIgnoreCase);
                r[kv.Key] = new DeploymentVariable { Type = type, Value = secure && hideSecure ? null : Arm.Plain(Arm.Get(kv.Value, "value")) };
            }
            return r;
        }

        static string Guess(object v)
        {
            if (v is bool) return "Bool";
            if (v is long || v is double) return "Int";
            if (v is IList<object>) return "Array";
            if (v is IDictionary<string, object>) return "Object";
            return "String";
        }

        internal static string NiceType(string t)
        {
            switch ((t ?? "String").ToLowerInvariant())
            {
                case "string": return "String";
                case "securestring": return "SecureString";
                case "int": return "Int";
                case "bool": return "Bool";
                case "array": return "Array";
                case "object": return "Object";
                case "secureobject": return "SecureObject";
                default: return t;
            }
        }

        public override string ToString() => DeploymentName;
    }

    /// <summary>The text tables Az's objects carry (ParametersString, TagsTable...).</summary>
    internal static class ModelText
    {
        internal static string Variables(Dictionary<string, DeploymentVariable> vars)
        {
            if (vars == null || vars.Count == 0) return "";
            return Table(vars.Select(kv => new[] { kv.Key, kv.Value.Type, Show(kv.Value.Value) }), "Name", "Type", "Value");
        }

        static string Show(object v)
        {
            if (v == null) return "";
            if (v is string s) return s;
            if (v is bool b) return b ? "True" : "False";
            if (v is IDictionary || v is object[]) return AseJson.Serialize(v);
            return Convert.ToString(v, CultureInfo.InvariantCulture);
        }

        internal static string Table(IEnumerable<string[]> rows, params string[] headers)
        {
            List<string[]> all = rows.ToList();
            if (all.Count == 0) return "";
            int[] w = headers.Select((h, i) => Math.Max(h.Length, all.Max(r => (r[i] ?? "").Length))).ToArray();
            StringBuilder b = new StringBuilder();
            b.AppendLine();
            b.AppendLine(string.Join("  ", headers.Select((h, i) => h.PadRight(w[i]))).TrimEnd());
            b.AppendLine(string.Join("  ", headers.Select((h, i) => new string('=', w[i]))));
            foreach (string[] r in all) b.AppendLine(string.Join("  ", r.Select((c, i) => (c ?? "").PadRight(w[i]))).TrimEnd());
            return b.ToString();
        }
    }
}
