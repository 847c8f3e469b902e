using System.Management.Automation;
using System.Security;

namespace AseGpu.PowerShell
{
    /// <summary>Signing in to a device and describing the connection (Connect-AseDevice, later Connect-AzAccount).</summary>
    public static class ConnectionService
    {
        /// <summary>The AD FS tenant every Azure Stack Edge device uses.</summary>
        public const string DefaultTenantId = "c0257de7-538f-415c-993a-1b87a031879d";

        /// <summary>The device's ARM user.</summary>
        public const string DefaultUser = "EdgeArmUser";

        /// <summary>"DOMAIN\user" or "\user" as the bare user name AD FS expects.</summary>
        public static string UserName(PSCredential credential)
        {
            string user = credential?.UserName ?? DefaultUser;
            int slash = user.LastIndexOf('\\');
            return slash >= 0 ? user.Substring(slash + 1) : user;
        }

        /// <summary>How the device's certificate will be checked, in words (for -Verbose; no secret in it).</summary>
        public static string TrustDescription(AseConnectOptions o)
        {
            if (o.InsecureSkipTlsVerify) return "certificate NOT verified";
            if (o.CertificateThumbprint != null) return "certificate pinned to SHA-256 " + o.CertificateThumbprint;
            if (o.CaCertFile != null) return (o.CaOnly ? "only the CA " : "the system store plus the CA ") + o.CaCertFile;
            return "the system trust store";
        }

        /// <summary>How host names resolve, in words.</summary>
        public static string NamesDescription(AseConnectOptions o)
        {
            if (o.DeviceIp != null) return "device host names -> " + o.DeviceIp;
            if (o.HostMap != null && o.HostMap.Count > 0) return o.HostMap.Count + " host mapping(s)";
            return "DNS / the hosts file";
        }

        /// <summary>Connect (metadata, AD FS sign-in, subscription); the result is the AseSession.</summary>
        public static AseOperationSpec Connect(AseConnectOptions options, SecureString password)
        {
            string json = options.ToJson();
            return new AseOperationSpec("Connecting to " + options.ArmEndpoint, options.ArmEndpoint,
                (progress, cancel) => AseSession.Connect(json, password, progress, cancel))
            {
                Details = "user " + options.Username + ", tenant " + options.TenantId + ", trusting " + TrustDescription(options)
                    + ", names via " + NamesDescription(options),
            };
        }

        /// <summary>The AseGpu.Context object Connect-AseDevice and Get-AseContext output (like Connect-AzAccount's).</summary>
        public static PSObject Context(AseSessionInfo info, string environmentName)
        {
            PSObject o = new PSObject();
            o.TypeNames.Insert(0, "AseGpu.Context");
            Add(o, "Account", info.Account);
            Add(o, "SubscriptionName", info.SubscriptionName);
            Add(o, "SubscriptionId", info.SubscriptionId);
            Add(o, "TenantId", info.TenantId);
            Add(o, "Environment", string.IsNullOrEmpty(environmentName) ? info.Environment : environmentName);
            Add(o, "ArmEndpoint", info.ArmEndpoint);
            Add(o, "LoginEndpoint", info.LoginEndpoint);
            Add(o, "TlsVerification", info.TlsVerification);
            return o;
        }

        internal static void Add(PSObject o, string name, object value) { o.Properties.Add(new PSNoteProperty(name, value)); }
    }
}
