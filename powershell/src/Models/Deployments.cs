// Models of template deployments: the request (also the preflight's) and the result with its parameters.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace AseGpu
{
    /// <summary>A template deployment (asegpu_deployment_create) or its preflight (asegpu_gpu_preflight).</summary>
    public sealed class AseDeploymentRequest
    {
        public string ResourceGroupName { get; set; }
        /// <summary>Deployment name (default: the template file's name).</summary>
        public string Name { get; set; }
        public string TemplateFile { get; set; }
        /// <summary>The template itself (instead of TemplateFile).</summary>
        public IDictionary Template { get; set; }
        public string TemplateParameterFile { get; set; }
        /// <summary>Parameter values (plain values, or {value = ...}); they override the parameter file's.</summary>
        public IDictionary Parameters { get; set; }
        /// <summary>Deploy even when the preflight says it will fail.</summary>
        public bool Force { get; set; }

        static Dictionary<string, object> PlainParameters(IDictionary p)
        {
            Dictionary<string, object> r = new Dictionary<string, object>();
            if (p == null) return r;
            foreach (DictionaryEntry kv in p)
            {
                object v = kv.Value;
                // {value = x} (the parameter file's form) is accepted as well as x.
                IDictionary inner = v as IDictionary;
                if (inner != null && inner.Count == 1 && inner.Contains("value")) v = inner["value"];
                r[Convert.ToString(kv.Key, CultureInfo.InvariantCulture)] = v;
            }
            return r;
        }

        public string ToJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["resourceGroupName"] = ResourceGroupName;
            Req.Put(d, "name", Name);
            Req.Put(d, "templateFile", Req.FullPath(TemplateFile));
            Req.Put(d, "template", Template);
            Req.Put(d, "templateParameterFile", Req.FullPath(TemplateParameterFile));
            Dictionary<string, object> p = PlainParameters(Parameters);
            if (p.Count > 0) d["parameters"] = p;
            if (Force) d["force"] = true;
            return AseJson.Serialize(d);
        }

        /// <summary>The preflight request of this deployment (asegpu_gpu_preflight takes no name/force).</summary>
        public string ToPreflightJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            Req.Put(d, "resourceGroupName", ResourceGroupName);
            Req.Put(d, "templateFile", Req.FullPath(TemplateFile));
            Req.Put(d, "template", Template);
            Req.Put(d, "templateParameterFile", Req.FullPath(TemplateParameterFile));
            Dictionary<string, object> p = PlainParameters(Parameters);
            if (p.Count > 0) d["parameters"] = p;
            return AseJson.Serialize(d);
        }

        /// <summary>The preflight request for <paramref name="count"/> VMs of one size (no template).</summary>
        public static string SizePreflightJson(string vmSize, int count)
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["vmSize"] = vmSize;
            d["count"] = count;
            return AseJson.Serialize(d);
        }

        /// <summary>Name/Type/Value of the parameters this request sends, as Az prints them: the template's
        /// defaults and types, the parameter file, then the overrides; secure values are hidden.</summary>
        public AseDeploymentParameter[] CollectParameters()
        {
            Dictionary<string, string> types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            Dictionary<string, object> values = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            List<string> order = new List<string>();
            Action<string, object> set = (k, v) =>
            {
                string existing = order.FirstOrDefault(o => string.Equals(o, k, StringComparison.OrdinalIgnoreCase));
                if (existing == null) order.Add(k); else k = existing;
                values[k] = v;
            };
            try
            {
                IDictionary<string, object> template = null;
                if (Template != null) template = AseJson.Parse(AseJson.Serialize(Template)) as IDictionary<string, object>;
                else if (!string.IsNullOrEmpty(TemplateFile) && File.Exists(TemplateFile))
                    template = AseJson.Parse(File.ReadAllText(TemplateFile)) as IDictionary<string, object>;
                IDictionary<string, object> tp = J.Obj(template, "parameters");
                if (tp != null)
                    foreach (KeyValuePair<string, object> kv in tp)
                    {
                        IDictionary<string, object> def = kv.Value as IDictionary<string, object>;
                        types[kv.Key] = AseJson.Str(def, "type") ?? "String";
                        object dv;
                        if (def != null && def.TryGetValue("defaultValue", out dv) && !(dv is string && ((string)dv).StartsWith("[", StringComparison.Ordinal))) set(kv.Key, dv);
                    }
                if (!string.IsNullOrEmpty(TemplateParameterFile) && File.Exists(TemplateParameterFile))
                {
                    IDictionary<string, object> pf = J.Obj(AseJson.Parse(File.ReadAllText(TemplateParameterFile)) as IDictionary<string, object>, "parameters");
                    if (pf != null)
                        foreach (KeyValuePair<string, object> kv in pf)
                        {
                            object v;
                            IDictionary<string, object> pv = kv.Value as IDictionary<string, object>;
                            if (pv != null && pv.TryGetValue("value", out v)) set(kv.Key, v);
                        }
                }
            }
            catch (Exception) { /* a template the library will reject anyway: list what can be listed */ }
            foreach (KeyValuePair<string, object> kv in PlainParameters(Parameters)) set(kv.Key, kv.Value);
            List<AseDeploymentParameter> r = new List<AseDeploymentParameter>();
            foreach (string k in order)
            {
                string t;
                if (!types.TryGetValue(k, out t)) t = GuessType(values[k]);
                bool secure = t.StartsWith("secure", StringComparison.OrdinalIgnoreCase);
                r.Add(new AseDeploymentParameter(k, NiceType(t), secure ? null : J.Plain(values[k])));
            }
            return r.ToArray();
        }

        static string GuessType(object v)
        {
            if (v is bool) return "Bool";
            if (v is long || v is int || v is double) return "Int";
            if (v is IList<object> || v is object[]) return "Array";
            if (v is IDictionary<string, object> || v is IDictionary) return "Object";
            return "String";
        }

        static string NiceType(string t)
        {
            switch (t.ToLowerInvariant())
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
    }

    /// <summary>asegpu_deployment_create, with Az's PSResourceGroupDeployment names plus the VMs and their IP addresses.</summary>
    public sealed class AseDeploymentResult
    {
        public string DeploymentName { get; private set; }
        public string ResourceGroupName { get; private set; }
        public string ProvisioningState { get; private set; }
        public DateTime? Timestamp { get; private set; }
        public string Mode { get; private set; }
        public string TemplateLink { get { return null; } }
        /// <summary>Name/Type/Value of the parameters sent (template file + parameter file + overrides; secure values hidden).</summary>
        public AseDeploymentParameters Parameters { get; internal set; }
        /// <summary>The template outputs (Hashtable name -> {type, value}).</summary>
        public Hashtable Outputs { get; private set; }
        public string OutputsJson { get; private set; }
        public string DeploymentDebugLogLevel { get { return null; } }
        public AseVmView[] Vms { get; private set; }
        /// <summary>Every private IP address of the deployed VMs.</summary>
        public string[] IpAddresses { get { return Vms.SelectMany(v => v.PrivateIpAddresses).ToArray(); } }
        public AsePreflightReport Preflight { get; private set; }
        public string Json { get; private set; }

        public static AseDeploymentResult FromJson(string json)
        {
            IDictionary<string, object> d = J.Doc(json, "deployment result");
            IDictionary<string, object> p = J.Obj(d, "preflight");
            object outputs;
            d.TryGetValue("outputs", out outputs);
            DateTime ts;
            string tss = AseJson.Str(d, "timestamp");
            return new AseDeploymentResult
            {
                DeploymentName = AseJson.Str(d, "deploymentName"),
                ResourceGroupName = AseJson.Str(d, "resourceGroupName"),
                ProvisioningState = AseJson.Str(d, "provisioningState"),
                Timestamp = tss != null && DateTime.TryParse(tss, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out ts) ? (DateTime?)ts : null,
                Mode = AseJson.Str(d, "mode"),
                Outputs = J.Table(d, "outputs"),
                OutputsJson = outputs == null ? "{}" : AseJson.Serialize(outputs),
                Vms = J.Objs(d, "vms").Select(v => AseVmView.From(v, AseJson.Serialize(v))).ToArray(),
                Preflight = p == null ? null : AsePreflightReport.From(p, AseJson.Serialize(p)),
                Parameters = new AseDeploymentParameters(),
                Json = json,
            };
        }
    }

    /// <summary>A deployment parameter as PSResourceGroupDeployment lists it (Name, Type, Value).</summary>
    public sealed class AseDeploymentParameter
    {
        public string Name { get; private set; }
        public string Type { get; private set; }
        public object Value { get; private set; }

        public AseDeploymentParameter(string name, string type, object value) { Name = name; Type = type; Value = value; }

        public override string ToString() { return Name + " = " + Convert.ToString(Value, CultureInfo.InvariantCulture); }
    }

    /// <summary>
    /// The parameters of a deployment: enumerable (Name/Type/Value each) and indexed by name, case-insensitive,
    /// as Az's PSResourceGroupDeployment.Parameters is (<c>$d.Parameters['vmName'].Value</c>).
    /// </summary>
    public sealed class AseDeploymentParameters : IEnumerable<AseDeploymentParameter>
    {
        readonly List<AseDeploymentParameter> list = new List<AseDeploymentParameter>();
        readonly Dictionary<string, AseDeploymentParameter> byName = new Dictionary<string, AseDeploymentParameter>(StringComparer.OrdinalIgnoreCase);

        public AseDeploymentParameters() { }

        public AseDeploymentParameters(IEnumerable<AseDeploymentParameter> items)
        {
            foreach (AseDeploymentParameter p in items)
            {
                if (byName.ContainsKey(p.Name)) { list.Remove(byName[p.Name]); }
                byName[p.Name] = p;
                list.Add(p);
            }
        }

        /// <summary>The parameter of that name, or null (as a PowerShell hashtable answers a missing key).</summary>
        public AseDeploymentParameter this[string name]
        {
            get { AseDeploymentParameter p; return name != null && byName.TryGetValue(name, out p) ? p : null; }
        }

        public int Count { get { return list.Count; } }
        public IEnumerable<string> Keys { get { return list.Select(p => p.Name); } }
        public bool ContainsKey(string name) { return name != null && byName.ContainsKey(name); }
        public IEnumerator<AseDeploymentParameter> GetEnumerator() { return list.GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
        public override string ToString() { return string.Join(", ", Keys); }
    }
}
