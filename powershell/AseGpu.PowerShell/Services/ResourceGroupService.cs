using System.Collections;
using System.Linq;
using System.Management.Automation;

namespace AseGpu.PowerShell
{
    /// <summary>Resource groups (New/Get/Remove-AseResourceGroup, later the *-AzResourceGroup cmdlets).</summary>
    public static class ResourceGroupService
    {
        /// <summary>The one location a device has.</summary>
        public const string DefaultLocation = "DBELocal";

        /// <summary>
        /// Groups by name: one (an exact name: NotFound if missing), or all / those matching a wildcard,
        /// optionally only in <paramref name="location"/> (spaces ignored, as ARM does).
        /// </summary>
        public static AseOperationSpec Find(AseSession session, string name, string location)
        {
            bool one = name != null && !WildcardPattern.ContainsWildcardCharacters(name);
            string want = location?.Replace(" ", "");
            return new AseOperationSpec(one ? "Getting resource group '" + name + "'" : "Listing resource groups", name, (p, ct) =>
            {
                AseResourceGroup[] groups = one
                    ? new[] { session.GetResourceGroup(name, ct) }
                    : session.ListResourceGroups(ct).Where(g => Names.Match(name, g.Name)).ToArray();
                return groups.Where(g => g != null && (want == null || string.Equals(g.Location, want, System.StringComparison.OrdinalIgnoreCase))).ToArray();
            });
        }

        /// <summary>Whether the group exists (true/false; other failures are errors).</summary>
        public static AseOperationSpec Exists(AseSession session, string name)
        {
            return new AseOperationSpec("Checking resource group '" + name + "'", name, (p, ct) =>
            {
                try
                {
                    session.GetResourceGroup(name, ct);
                    return true;
                }
                catch (AseGpuException e) when (e.Status == AseStatus.NotFound)
                {
                    return false;
                }
            });
        }

        /// <summary>Create or update.</summary>
        public static AseOperationSpec New(AseSession session, string name, string location, IDictionary tags)
        {
            return new AseOperationSpec("Creating resource group '" + name + "'", name,
                (p, ct) => session.NewResourceGroup(name, location, tags, ct))
            {
                Details = "location " + (location ?? DefaultLocation) + (tags == null ? "" : ", " + tags.Count + " tag(s)"),
            };
        }

        /// <summary>Delete the group and everything in it (long-running); the result is true.</summary>
        public static AseOperationSpec Remove(AseSession session, string name)
        {
            return new AseOperationSpec("Removing resource group '" + name + "'", name, (p, ct) =>
            {
                session.RemoveResourceGroup(name, p, ct);
                return true;
            }, AseOperationSpec.EmitNothing);
        }
    }
}
