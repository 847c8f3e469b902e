using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using AseGpu.PowerShell;

namespace AseGpu.AzCompat
{
    /// <summary>
    /// Az's -DefaultProfile type (IAzureContextContainer in Az.Accounts). A device has one context, so
    /// the value is accepted (a context or profile from Get-AzContext / Connect-AzAccount) and only
    /// checked to be that context.
    /// </summary>
    public interface IAzureContextContainer
    {
    }

    /// <summary>
    /// The Az-compatibility cmdlets: AseCmdlet (session, errors, operations with progress / Ctrl+C /
    /// -AsJob, empty strings as absent) plus what Az scripts expect: Az's "not signed in" message, the
    /// current subscription's ARM paths, and parameters that mean nothing on a device reported once.
    /// </summary>
    public abstract class AzCompatCmdlet : AseCmdlet
    {
        /// <summary>The session, or a terminating error with Az's own hint.</summary>
        protected AseSession RequireAzSession()
        {
            AseSession session = State.Session;
            if (session == null)
                ThrowTerminatingError(AseErrors.Make(new InvalidOperationException("Run Connect-AzAccount to login."),
                    "NotConnected", ErrorCategory.ConnectionError, null));
            return session;
        }

        /// <summary>/subscriptions/{id} of the connected device.</summary>
        protected string SubscriptionPath(AseSession session) => "/subscriptions/" + session.Info().SubscriptionId;

        /// <summary>/subscriptions/{id}/resourceGroups/{rg}.</summary>
        protected string GroupPath(AseSession session, string resourceGroup) =>
            SubscriptionPath(session) + "/resourceGroups/" + Uri.EscapeDataString(resourceGroup);

        /// <summary>/subscriptions/{id}/resourceGroups/{rg}/providers/{provider}/{type}/{name}.</summary>
        protected string ResourcePath(AseSession session, string resourceGroup, string providerType, string name) =>
            GroupPath(session, resourceGroup) + "/providers/" + providerType + (name == null ? "" : "/" + Uri.EscapeDataString(name));

        /// <summary>Parameters Az has that mean nothing on a device: accepted, and said so (verbose).</summary>
        protected void IgnoredOnDevice(params string[] parameterNames)
        {
            foreach (string p in parameterNames)
                if (IsBound(p)) WriteVerbose("-" + p + " has no effect on Azure Stack Edge and is ignored.");
        }

        /// <summary>Parameters that would change what happens and that the device cannot do: a warning, then ignored.</summary>
        protected void NotSupportedOnDevice(string why, params string[] parameterNames)
        {
            foreach (string p in parameterNames)
                if (IsBound(p)) WriteWarning("-" + p + " is not supported on Azure Stack Edge (" + why + ") and is ignored.");
        }

        /// <summary>A terminating NotSupported error (an Az feature the device does not have).</summary>
        protected void ThrowNotSupported(string message, object target)
        {
            ThrowError(new NotSupportedException(message), "NotSupportedOnDevice", ErrorCategory.NotImplemented, target);
        }

        /// <summary>
        /// Runs an operation and hands its result to <paramref name="emit"/> on the pipeline (or, with
        /// <paramref name="asJob"/>, in an AseJob). Az's LRO cmdlets output after the operation.
        /// </summary>
        protected void Run(string activity, object target, AseWork work, AseEmit emit, bool asJob = false, string details = null)
        {
            Invoke(new AseOperationSpec(activity, target, work, emit) { Details = details }, asJob);
        }

        /// <summary>A {resourceGroup, name} from an ARM resource id (/subscriptions/s/resourceGroups/rg/providers/ns/type/name).</summary>
        protected static bool TryParseId(string id, out string resourceGroup, out string name)
        {
            resourceGroup = Arm.IdSegment(id, "resourceGroups");
            name = id?.TrimEnd('/').Split('/').LastOrDefault();
            return resourceGroup != null && !string.IsNullOrEmpty(name);
        }

        protected void ParseIdOrFail(string id, out string resourceGroup, out string name)
        {
            if (!TryParseId(id, out resourceGroup, out name))
                ThrowArgumentError("InvalidResourceId", "'" + id + "' is not a resource id (/subscriptions/<id>/resourceGroups/<group>/providers/<type>/<name>).", id);
        }
    }

    /// <summary>The Az cmdlets that have -DefaultProfile (every one derived from Az's AzureRMCmdlet).</summary>
    public abstract class AzRmCmdlet : AzCompatCmdlet
    {
        [Parameter(Mandatory = false, HelpMessage = "The credentials, account, tenant, and subscription used for communication with Azure.")]
        [Alias("AzContext", "AzureRmContext", "AzureCredential")]
        public IAzureContextContainer DefaultProfile { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (DefaultProfile != null) WriteVerbose("-DefaultProfile: a device has one context; the current one is used.");
        }
    }

    /// <summary>What the Az context adds to the module state, per runspace: the Az context object of the current session.</summary>
    public sealed class AzCompatState
    {
        static readonly ConditionalWeakTable<Runspace, AzCompatState> PerRunspace = new ConditionalWeakTable<Runspace, AzCompatState>();
        static readonly AzCompatState NoRunspace = new AzCompatState();

        public static AzCompatState Current
        {
            get
            {
                Runspace rs = Runspace.DefaultRunspace;
                return rs == null ? NoRunspace : PerRunspace.GetValue(rs, _ => new AzCompatState());
            }
        }

        /// <summary>The session the context below was made for (a reconnect through Connect-AseDevice makes it stale).</summary>
        internal AseSession ContextSession { get; set; }

        internal PSAzureContext Context { get; set; }
    }

    /// <summary>ARM JSON (AseJson's Dictionary/List tree) read case-insensitively, and ids.</summary>
    public static class Arm
    {
        public const string ComputeApi = "2017-12-01";
        /// <summary>Disks and images: 2017-03-30, as the device's templates pin them.</summary>
        public const string DiskImageApi = "2017-03-30";
        public const string NetworkApi = "2017-10-01";
        public const string StorageApi = "2019-06-01";
        public const string ResourcesApi = "2020-06-01";
        public const string Location = "dbelocal";

        public static object Get(object node, params string[] path)
        {
            object cur = node;
            foreach (string key in path)
            {
                if (!(cur is IDictionary<string, object> d)) return null;
                cur = null;
                if (d.TryGetValue(key, out object v)) { cur = v; continue; }
                foreach (KeyValuePair<string, object> kv in d)
                    if (string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)) { cur = kv.Value; break; }
            }
            return cur;
        }

        public static string Str(object node, params string[] path)
        {
            object v = Get(node, path);
            return v == null ? null : v as string ?? Convert.ToString(v, CultureInfo.InvariantCulture);
        }

        public static int? Int(object node, params string[] path)
        {
            object v = Get(node, path);
            if (v is long l) return (int)l;
            if (v is double d) return (int)d;
            if (v is string s && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i)) return i;
            return null;
        }

        public static bool? Bool(object node, params string[] path)
        {
            object v = Get(node, path);
            if (v is bool b) return b;
            if (v is string s && bool.TryParse(s, out bool p)) return p;
            return null;
        }

        public static IEnumerable<object> List(object node, params string[] path)
        {
            return Get(node, path) is IList<object> l ? l : Enumerable.Empty<object>();
        }

        /// <summary>The `value` array of a list answer (or the answer itself when it is an array).</summary>
        public static IEnumerable<object> Values(object answer)
        {
            if (answer is IList<object> l) return l;
            return List(answer, "value");
        }

        /// <summary>Tags as Az shows them (Hashtable of strings).</summary>
        public static Hashtable Tags(object node)
        {
            Hashtable h = new Hashtable(StringComparer.OrdinalIgnoreCase);
            if (Get(node, "tags") is IDictionary<string, object> t)
                foreach (KeyValuePair<string, object> kv in t) h[kv.Key] = kv.Value as string ?? Convert.ToString(kv.Value, CultureInfo.InvariantCulture);
            return h;
        }

        /// <summary>Tags for a request body (string values).</summary>
        public static Dictionary<string, object> TagBody(IDictionary tags)
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            if (tags == null) return d;
            foreach (DictionaryEntry kv in tags) d[Convert.ToString(kv.Key, CultureInfo.InvariantCulture)] = kv.Value == null ? "" : Convert.ToString(PSObject.AsPSObject(kv.Value).BaseObject, CultureInfo.InvariantCulture);
            return d;
        }

        /// <summary>The segment after <paramref name="key"/> in an ARM id (case-insensitive), e.g. resourceGroups.</summary>
        public static string IdSegment(string id, string key)
        {
            if (string.IsNullOrEmpty(id)) return null;
            string[] parts = id.Trim('/').Split('/');
            for (int i = 0; i + 1 < parts.Length; i++)
                if (string.Equals(parts[i], key, StringComparison.OrdinalIgnoreCase)) return Uri.UnescapeDataString(parts[i + 1]);
            return null;
        }

        /// <summary>The id's last segment (the resource name).</summary>
        public static string IdName(string id) => string.IsNullOrEmpty(id) ? null : Uri.UnescapeDataString(id.TrimEnd('/').Split('/').Last());

        /// <summary>A path of the device's ARM endpoint from a resource id (the id itself: ids are paths).</summary>
        public static string PathOf(string id)
        {
            if (string.IsNullOrEmpty(id) || !id.StartsWith("/", StringComparison.Ordinal))
                throw new ArgumentException("'" + id + "' is not an ARM resource id (it must start with /subscriptions/).");
            return id;
        }

        /// <summary>A JSON value as PowerShell-friendly objects (Hashtables, object[]).</summary>
        public static object Plain(object v)
        {
            if (v is IDictionary<string, object> d)
            {
                Hashtable h = new Hashtable(StringComparer.OrdinalIgnoreCase);
                foreach (KeyValuePair<string, object> kv in d) h[kv.Key] = Plain(kv.Value);
                return h;
            }
            if (v is IList<object> l) return l.Select(Plain).ToArray();
            return v;
        }

        /// <summary>Value of a PowerShell argument without its PSObject wrapper (for request bodies).</summary>
        public static object Base(object v) => v is PSObject p ? p.BaseObject : v;

        public static DateTime? Time(object node, params string[] path)
        {
            string s = Str(node, path);
            if (s != null && DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime t)) return t;
            return null;
        }
    }
}
