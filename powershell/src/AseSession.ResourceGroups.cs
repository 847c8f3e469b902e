// AseSession, resource groups: list, get, create, delete (asegpu_resource_group_*).
using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AseGpu
{
    public sealed partial class AseSession
    {
        public string ListResourceGroupsJson(CancellationToken ct)
        {
            return Invoke("resourceGroupList", null, ct, null,
                c => NativeMethods.asegpu_resource_group_list(c.Session, c.Cancel, out c.Json, out c.Error));
        }

        public AseResourceGroup[] ListResourceGroups() { return ListResourceGroups(CancellationToken.None); }
        public AseResourceGroup[] ListResourceGroups(CancellationToken ct) { return AseResourceGroup.ListFromJson(ListResourceGroupsJson(ct)); }
        public Task<AseResourceGroup[]> ListResourceGroupsAsync(CancellationToken ct) { return Run(() => ListResourceGroups(ct)); }
        public AseOperation StartListResourceGroups()
        {
            return new AseOperation("resourceGroupList", null, (p, ct) => ListResourceGroups(ct));
        }

        public string GetResourceGroupJson(string name, CancellationToken ct)
        {
            byte[] n = Utf8.ToNullTerminated(name);
            return Invoke("resourceGroupGet", name, ct, null,
                c => NativeMethods.asegpu_resource_group_get(c.Session, n, c.Cancel, out c.Json, out c.Error));
        }

        public AseResourceGroup GetResourceGroup(string name) { return GetResourceGroup(name, CancellationToken.None); }
        public AseResourceGroup GetResourceGroup(string name, CancellationToken ct) { return AseResourceGroup.FromJson(GetResourceGroupJson(name, ct)); }
        public Task<AseResourceGroup> GetResourceGroupAsync(string name, CancellationToken ct) { return Run(() => GetResourceGroup(name, ct)); }
        public AseOperation StartGetResourceGroup(string name)
        {
            return new AseOperation("resourceGroupGet", name, (p, ct) => GetResourceGroup(name, ct));
        }

        /// <summary>Create or update from a request document {"name", "location"?, "tags"?}.</summary>
        public string NewResourceGroupJson(string requestJson, string target, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("resourceGroupCreate", target, ct, null,
                c => NativeMethods.asegpu_resource_group_create(c.Session, r, c.Cancel, out c.Json, out c.Error));
        }

        public static string ResourceGroupRequest(string name, string location, IDictionary tags)
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["name"] = name;
            if (!string.IsNullOrEmpty(location)) d["location"] = location;
            if (tags != null) d["tags"] = tags;
            return AseJson.Serialize(d);
        }

        public AseResourceGroup NewResourceGroup(string name, string location, IDictionary tags)
        {
            return NewResourceGroup(name, location, tags, CancellationToken.None);
        }

        public AseResourceGroup NewResourceGroup(string name, string location, IDictionary tags, CancellationToken ct)
        {
            if (name == null) throw new ArgumentNullException("name");
            return AseResourceGroup.FromJson(NewResourceGroupJson(ResourceGroupRequest(name, location, tags), name, ct));
        }

        public Task<AseResourceGroup> NewResourceGroupAsync(string name, string location, IDictionary tags, CancellationToken ct)
        {
            return Run(() => NewResourceGroup(name, location, tags, ct));
        }

        public AseOperation StartNewResourceGroup(string name, string location, IDictionary tags)
        {
            return new AseOperation("resourceGroupCreate", name, (p, ct) => NewResourceGroup(name, location, tags, ct));
        }

        /// <summary>Deletes a resource group and everything in it (long-running; progress + cancellable).</summary>
        public void RemoveResourceGroup(string name, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            RemoveResourceGroupCore(name, ProgressSink.For(progress, null), ct);
        }

        /// <summary>As above, progress as raw event JSON.</summary>
        public void RemoveResourceGroup(string name, Action<string> onProgressJson, CancellationToken ct)
        {
            RemoveResourceGroupCore(name, ProgressSink.For(null, onProgressJson), ct);
        }

        public void RemoveResourceGroup(string name) { RemoveResourceGroupCore(name, null, CancellationToken.None); }

        void RemoveResourceGroupCore(string name, ProgressSink sink, CancellationToken ct)
        {
            byte[] n = Utf8.ToNullTerminated(name);
            Invoke("resourceGroupDelete", name, ct, sink,
                c => NativeMethods.asegpu_resource_group_delete(c.Session, n, c.Callback, c.UserData, c.Cancel, out c.Error));
        }

        public Task RemoveResourceGroupAsync(string name, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run<object>(() => { RemoveResourceGroup(name, progress, ct); return null; });
        }

        public AseOperation StartRemoveResourceGroup(string name)
        {
            return new AseOperation("resourceGroupDelete", name, (p, ct) => { RemoveResourceGroup(name, p, ct); return null; });
        }
    }
}
