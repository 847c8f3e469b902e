// Model of a resource group (asegpu_resource_group_*).
using System;
using System.Collections.Generic;

namespace AseGpu
{
    /// <summary>An ARM resource group, with Az's PSResourceGroup names as well (ResourceGroupName, ResourceId).</summary>
    public sealed class AseResourceGroup
    {
        public string Name { get; private set; }
        public string ResourceGroupName { get { return Name; } }
        public string Location { get; private set; }
        public string ProvisioningState { get; private set; }
        public string Id { get; private set; }
        public string ResourceId { get { return Id; } }
        public Dictionary<string, string> Tags { get; private set; }
        public string Json { get; private set; }

        internal static AseResourceGroup From(IDictionary<string, object> d, string json)
        {
            AseResourceGroup g = new AseResourceGroup
            {
                Name = AseJson.Str(d, "name"),
                Location = AseJson.Str(d, "location"),
                Id = AseJson.Str(d, "id"),
                Tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
                Json = json,
            };
            object props;
            IDictionary<string, object> p;
            if (d.TryGetValue("properties", out props) && (p = props as IDictionary<string, object>) != null)
                g.ProvisioningState = AseJson.Str(p, "provisioningState");
            object tags;
            IDictionary<string, object> t;
            if (d.TryGetValue("tags", out tags) && (t = tags as IDictionary<string, object>) != null)
                foreach (KeyValuePair<string, object> kv in t)
                    g.Tags[kv.Key] = kv.Value == null ? null : (kv.Value as string ?? AseJson.Serialize(kv.Value));
            return g;
        }

        public static AseResourceGroup FromJson(string json)
        {
            IDictionary<string, object> d = AseJson.Parse(json) as IDictionary<string, object>;
            if (d == null) throw new FormatException("resource group is not a JSON object");
            return From(d, json);
        }

        public static AseResourceGroup[] ListFromJson(string json)
        {
            IList<object> l = AseJson.Parse(json) as IList<object>;
            if (l == null) throw new FormatException("resource group list is not a JSON array");
            List<AseResourceGroup> r = new List<AseResourceGroup>();
            foreach (object o in l)
            {
                IDictionary<string, object> d = o as IDictionary<string, object>;
                if (d != null) r.Add(From(d, AseJson.Serialize(d)));
            }
            return r.ToArray();
        }

        public override string ToString() { return Name; }
    }
}
