using System.Management.Automation;

namespace AseGpu.PowerShell
{
    /// <summary>Name matching as the Get-* cmdlets do it: no pattern = everything, wildcards, case-insensitive.</summary>
    public static class Names
    {
        public static bool Match(string pattern, string name)
        {
            if (pattern == null) return true;
            return new WildcardPattern(pattern, WildcardOptions.IgnoreCase).IsMatch(name ?? "");
        }

        public static bool IsPattern(string name) => name != null && WildcardPattern.ContainsWildcardCharacters(name);

        /// <summary>The NotFound error the library gives for a missing resource, for lookups done by listing.</summary>
        public static AseGpuException NotFound(string what, string name, string operation)
        {
            return new AseGpuException(AseStatus.NotFound, "NOT_FOUND", what + " '" + name + "' was not found.",
                null, 0, null, null, null, operation, name);
        }
    }
}
