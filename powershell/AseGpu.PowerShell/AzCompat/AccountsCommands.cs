using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu.AzCompat
{
    /// <summary>Az.Accounts' ContextModificationScope.</summary>
    public enum ContextModificationScope
    {
        Process,
        CurrentUser,
    }

    /// <summary>Environments (Add-/Get-/Set-AzEnvironment) and the Az context of the current session.</summary>
    public static class AzContextService
    {
        /// <summary>The environments registered in this runspace (shared with Connect-AseDevice -EnvironmentName).</summary>
        public static IEnumerable<PSAzureEnvironment> Environments(AseModuleState state) =>
            state.Environments.Values.OfType<PSAzureEnvironment>().OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase);

        public static PSAzureEnvironment Find(AseModuleState state, string name)
        {
            return name != null && state.Environments.ContainsKey(name) ? state.Environments[name] as PSAzureEnvironment : null;
        }

        /// <summary>"https://management.x.y/" (a trailing slash, as Az stores it).</summary>
        public static string NormalizeUrl(string url)
        {
            if (string.IsNullOrEmpty(url)) return url;
            return url.EndsWith("/", StringComparison.Ordinal) ? url : url + "/";
        }

        /// <summary>
        /// The storage suffix the device's metadata reports (&lt;device&gt;.&lt;domain&gt;). Devices answer on 443; when
        /// the ARM endpoint has another port (the emulator), the blob endpoint is on that port too, so
        /// ":port" is appended: https://&lt;account&gt;.blob.&lt;suffix&gt;/ then reaches it, as with Az.
        /// </summary>
        public static string StorageSuffix(string metadataSuffix, string armEndpoint)
        {
            if (string.IsNullOrEmpty(metadataSuffix)) return null;
            string suffix = metadataSuffix.TrimStart('.');
            if (suffix.Contains(":")) return suffix;
            if (Uri.TryCreate(armEndpoint, UriKind.Absolute, out Uri arm) && !arm.IsDefaultPort) return suffix + ":" + arm.Port;
            return suffix;
        }

        /// <summary>Fills in what the device's metadata says (after sign-in), keeping what the user set.</summary>
        public static void Discover(PSAzureEnvironment env, AseSession session)
        {
            AseSessionInfo info = session.Info();
            object raw = AseJson.Parse(info.Json);
            env.ResourceManagerUrl = NormalizeUrl(info.ArmEndpoint ?? env.ResourceManagerUrl);
            env.ActiveDirectoryAuthority = info.LoginEndpoint ?? env.ActiveDirectoryAuthority;
            env.ActiveDirectoryServiceEndpointResourceId = Arm.Str(raw, "audience") ?? env.ActiveDirectoryServiceEndpointResourceId;
            if (string.IsNullOrEmpty(env.StorageEndpointSuffix))
                env.StorageEndpointSuffix = StorageSuffix(Arm.Str(raw, "storageSuffix"), info.ArmEndpoint);
            if (string.IsNullOrEmpty(env.GalleryUrl)) env.GalleryUrl = env.ResourceManagerUrl;
            env.EnableAdfsAuthentication = true;
            env.OnPremise = true;
            env.AdTenant = env.AdTenant ?? "adfs";
            env.Discovered = true;
        }

        /// <summary>The Az context of <paramref name="session"/> (made once per session, then reused).</summary>
        public static PSAzureContext Context(AseModuleState state, AseSession session)
        {
            AzCompatState az = AzCompatState.Current;
            if (az.Context != null && ReferenceEquals(az.ContextSession, session)) return az.Context;
            AseSessionInfo info = session.Info();
            PSAzureEnvironment env = Find(state, state.EnvironmentName);
            if (env == null)
            {
                // Connected with Connect-AseDevice -ArmEndpoint: an environment named after the device.
                env = new PSAzureEnvironment { Name = info.Environment, ResourceManagerUrl = NormalizeUrl(info.ArmEndpoint) };
            }
            if (!env.Discovered) Discover(env, session);
            PSAzureContext c = new PSAzureContext
            {
                Account = new PSAzureRmAccount { Id = info.Account, Tenants = new[] { info.TenantId } },
                Environment = env,
                Subscription = new PSAzureSubscription { Id = info.SubscriptionId, Name = info.SubscriptionName, TenantId = info.TenantId },
                Tenant = new PSAzureTenant { Id = info.TenantId },
            };
            c.Name = info.SubscriptionName + " (" + info.SubscriptionId + ") - " + info.TenantId + " - " + info.Account;
            az.Context = c;
            az.ContextSession = session;
            return c;
        }

        /// <summary>The context when connected, else null.</summary>
        public static PSAzureContext CurrentContext(AseModuleState state)
        {
            AseSession session = state.Session;
            return session == null ? null : Context(state, session);
        }
    }

    [Cmdlet(VerbsCommon.Add, "AzEnvironment", SupportsShouldProcess = true, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(PSAzureEnvironment))]
    public class AddAzEnvironmentCommand : AzRmCmdlet
    {
        internal const string NameSet = "Name", ArmSet = "ARMEndpoint";

        [Parameter(ParameterSetName = NameSet, Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ArmSet, Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 1, ValueFromPipelineByPropertyName = true)]
        public string PublishSettingsFileUrl { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("ServiceManagement", "ServiceManagementUrl")]
        public string ServiceEndpoint { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 3, ValueFromPipelineByPropertyName = true)]
        public string ManagementPortalUrl { get; set; }

        [Parameter(Position = 4)]
        [Alias("StorageEndpointSuffix")]
        public string StorageEndpoint { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 5, ValueFromPipelineByPropertyName = true)]
        [Alias("AdEndpointUrl", "ActiveDirectory", "ActiveDirectoryAuthority")]
        public string ActiveDirectoryEndpoint { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 6, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceManager", "ResourceManagerUrl")]
        public string ResourceManagerEndpoint { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 7, ValueFromPipelineByPropertyName = true)]
        [Alias("Gallery", "GalleryUrl")]
        public string GalleryEndpoint { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 8, ValueFromPipelineByPropertyName = true)]
        public string ActiveDirectoryServiceEndpointResourceId { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 9, ValueFromPipelineByPropertyName = true)]
        [Alias("Graph", "GraphUrl")]
        public string GraphEndpoint { get; set; }

        [Parameter(Position = 10, ValueFromPipelineByPropertyName = true)]
        public string AzureKeyVaultDnsSuffix { get; set; }

        [Parameter(Position = 11, ValueFromPipelineByPropertyName = true)]
        public string AzureKeyVaultServiceEndpointResourceId { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 12, ValueFromPipelineByPropertyName = true)]
        public string TrafficManagerDnsSuffix { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 13, ValueFromPipelineByPropertyName = true)]
        public string SqlDatabaseDnsSuffix { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 14, ValueFromPipelineByPropertyName = true)]
        public string AzureDataLakeStoreFileSystemEndpointSuffix { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 15, ValueFromPipelineByPropertyName = true)]
        public string AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 16, ValueFromPipelineByPropertyName = true)]
        [Alias("OnPremise")]
        public SwitchParameter EnableAdfsAuthentication { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 17, ValueFromPipelineByPropertyName = true)]
        public string AdTenant { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 18, ValueFromPipelineByPropertyName = true)]
        [Alias("GraphEndpointResourceId", "GraphResourceId")]
        public string GraphAudience { get; set; }

        [Parameter(Position = 19, ValueFromPipelineByPropertyName = true)]
        [Alias("DataLakeEndpointResourceId", "DataLakeResourceId")]
        public string DataLakeAudience { get; set; }

        [Parameter(Position = 20, ValueFromPipelineByPropertyName = true)]
        [Alias("BatchResourceId", "BatchAudience")]
        public string BatchEndpointResourceId { get; set; }

        [Parameter(Position = 21, ValueFromPipelineByPropertyName = true)]
        public string AzureOperationalInsightsEndpointResourceId { get; set; }

        [Parameter(Position = 22, ValueFromPipelineByPropertyName = true)]
        public string AzureOperationalInsightsEndpoint { get; set; }

        [Parameter]
        public string AzureAnalysisServicesEndpointSuffix { get; set; }

        [Parameter]
        public string AzureAnalysisServicesEndpointResourceId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string AzureAttestationServiceEndpointSuffix { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string AzureAttestationServiceEndpointResourceId { get; set; }

        [Parameter(ParameterSetName = ArmSet, Position = 1, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ArmUrl")]
        [ValidateNotNullOrEmpty]
        public string ARMEndpoint { get; set; }

        [Parameter]
        public ContextModificationScope Scope { get; set; }

        /// <summary>Set-AzEnvironment: change an existing environment rather than make a new one.</summary>
        protected virtual bool Update => false;

        protected override void ExecuteCmdlet()
        {
            if (Scope == ContextModificationScope.CurrentUser) WriteVerbose("Environments are kept for this PowerShell session only (-Scope CurrentUser is not persisted).");
            PSAzureEnvironment existing = AzContextService.Find(State, Name);
            if (Update && existing == null)
                ThrowError(new ArgumentException("Environment '" + Name + "' does not exist: add it with Add-AzEnvironment."), "EnvironmentNotFound", ErrorCategory.ObjectNotFound, Name);
            PSAzureEnvironment env = Update ? existing : new PSAzureEnvironment { Name = Name };
            string arm = ParameterSetName == ArmSet ? ARMEndpoint : ResourceManagerEndpoint;
            if (!Update && string.IsNullOrEmpty(arm))
                WriteWarning("No ARM endpoint: Connect-AzAccount needs one (-ARMEndpoint https://management.<device name>.<DNS domain>/).");
            if (!ShouldProcess(Name, (Update ? "Update environment" : "Add environment") + (string.IsNullOrEmpty(arm) ? "" : " for " + arm))) return;
            if (!string.IsNullOrEmpty(arm))
            {
                if (!Uri.TryCreate(arm, UriKind.Absolute, out Uri u) || (u.Scheme != "https" && u.Scheme != "http"))
                    ThrowArgumentError("InvalidArmEndpoint", "'" + arm + "' is not an https URL (https://management.<device name>.<DNS domain>/).", arm);
                env.ResourceManagerUrl = AzContextService.NormalizeUrl(arm);
                env.Discovered = false;
                if (ParameterSetName == ArmSet)
                {
                    // Az reads /metadata/endpoints here; the device's are read at Connect-AzAccount (TLS options and names are known then).
                    env.EnableAdfsAuthentication = true;
                    env.OnPremise = true;
                    env.GalleryUrl = env.ResourceManagerUrl;
                }
            }
            Set(IsBound(nameof(StorageEndpoint)), StorageEndpoint, v => env.StorageEndpointSuffix = v);
            Set(IsBound(nameof(PublishSettingsFileUrl)), PublishSettingsFileUrl, v => env.PublishSettingsFileUrl = v);
            Set(IsBound(nameof(ServiceEndpoint)), ServiceEndpoint, v => env.ServiceManagementUrl = v);
            Set(IsBound(nameof(ManagementPortalUrl)), ManagementPortalUrl, v => env.ManagementPortalUrl = v);
            Set(IsBound(nameof(ActiveDirectoryEndpoint)), ActiveDirectoryEndpoint, v => env.ActiveDirectoryAuthority = v);
            Set(IsBound(nameof(GalleryEndpoint)), GalleryEndpoint, v => env.GalleryUrl = v);
            Set(IsBound(nameof(ActiveDirectoryServiceEndpointResourceId)), ActiveDirectoryServiceEndpointResourceId, v => env.ActiveDirectoryServiceEndpointResourceId = v);
            Set(IsBound(nameof(GraphEndpoint)), GraphEndpoint, v => env.GraphUrl = v);
            Set(IsBound(nameof(AzureKeyVaultDnsSuffix)), AzureKeyVaultDnsSuffix, v => env.AzureKeyVaultDnsSuffix = v);
            Set(IsBound(nameof(AzureKeyVaultServiceEndpointResourceId)), AzureKeyVaultServiceEndpointResourceId, v => env.AzureKeyVaultServiceEndpointResourceId = v);
            Set(IsBound(nameof(TrafficManagerDnsSuffix)), TrafficManagerDnsSuffix, v => env.TrafficManagerDnsSuffix = v);
            Set(IsBound(nameof(SqlDatabaseDnsSuffix)), SqlDatabaseDnsSuffix, v => env.SqlDatabaseDnsSuffix = v);
            Set(IsBound(nameof(AzureDataLakeStoreFileSystemEndpointSuffix)), AzureDataLakeStoreFileSystemEndpointSuffix, v => env.AzureDataLakeStoreFileSystemEndpointSuffix = v);
            Set(IsBound(nameof(AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix)), AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix, v => env.AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix = v);
            Set(IsBound(nameof(AdTenant)), AdTenant, v => env.AdTenant = v);
            Set(IsBound(nameof(GraphAudience)), GraphAudience, v => env.GraphEndpointResourceId = v);
            Set(IsBound(nameof(DataLakeAudience)), DataLakeAudience, v => env.DataLakeEndpointResourceId = v);
            Set(IsBound(nameof(BatchEndpointResourceId)), BatchEndpointResourceId, v => env.BatchEndpointResourceId = v);
            Set(IsBound(nameof(AzureOperationalInsightsEndpointResourceId)), AzureOperationalInsightsEndpointResourceId, v => env.AzureOperationalInsightsEndpointResourceId = v);
            Set(IsBound(nameof(AzureOperationalInsightsEndpoint)), AzureOperationalInsightsEndpoint, v => env.AzureOperationalInsightsEndpoint = v);
            Set(IsBound(nameof(AzureAnalysisServicesEndpointSuffix)), AzureAnalysisServicesEndpointSuffix, v => env.AzureAnalysisServicesEndpointSuffix = v);
            Set(IsBound(nameof(AzureAnalysisServicesEndpointResourceId)), AzureAnalysisServicesEndpointResourceId, v => env.AzureAnalysisServicesEndpointResourceId = v);
            Set(IsBound(nameof(AzureAttestationServiceEndpointSuffix)), AzureAttestationServiceEndpointSuffix, v => env.AzureAttestationServiceEndpointSuffix = v);
            Set(IsBound(nameof(AzureAttestationServiceEndpointResourceId)), AzureAttestationServiceEndpointResourceId, v => env.AzureAttestationServiceEndpointResourceId = v);
            if (IsBound(nameof(EnableAdfsAuthentication))) { env.EnableAdfsAuthentication = EnableAdfsAuthentication; env.OnPremise = EnableAdfsAuthentication; }
            State.RegisterEnvironment(env.Name, env);
            WriteObject(env);
        }

        static void Set(bool bound, string value, Action<string> set)
        {
            if (bound) set(string.IsNullOrEmpty(value) ? null : value);
        }
    }

    [Cmdlet(VerbsCommon.Set, "AzEnvironment", SupportsShouldProcess = true, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(PSAzureEnvironment))]
    public sealed class SetAzEnvironmentCommand : AddAzEnvironmentCommand
    {
        protected override bool Update => true;
    }

    [Cmdlet(VerbsCommon.Get, "AzEnvironment")]
    [OutputType(typeof(PSAzureEnvironment))]
    public sealed class GetAzEnvironmentCommand : AzRmCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; }

        protected override void ExecuteCmdlet()
        {
            // A connected session fills in what the device's metadata says (StorageEndpointSuffix...).
            AseSession session = State.Session;
            PSAzureEnvironment current = session == null ? null : AzContextService.Context(State, session).Environment;
            IEnumerable<PSAzureEnvironment> all = AzContextService.Environments(State);
            if (current != null && !all.Any(e => ReferenceEquals(e, current))) all = all.Concat(new[] { current });
            PSAzureEnvironment[] found = all.Where(e => Names.Match(Opt(Name), e.Name)).ToArray();
            if (found.Length == 0 && Opt(Name) != null && !Names.IsPattern(Name))
            {
                WriteError(AseErrors.Make(new ArgumentException("Environment '" + Name + "' was not found: add it with Add-AzEnvironment."),
                    "EnvironmentNotFound", ErrorCategory.ObjectNotFound, Name));
                return;
            }
            foreach (PSAzureEnvironment e in found) WriteObject(e);
        }
    }

    [Cmdlet(VerbsCommunications.Connect, "AzAccount", DefaultParameterSetName = UserSet, SupportsShouldProcess = true)]
    [OutputType(typeof(PSAzureProfile))]
    public sealed class ConnectAzAccountCommand : AzRmCmdlet
    {
        const string UserSet = "UserWithSubscriptionId", CredentialSet = "UserWithCredential";

        [Parameter]
        [Alias("EnvironmentName")]
        [ValidateNotNullOrEmpty]
        public string Environment { get; set; }

        [Parameter(ParameterSetName = CredentialSet, Mandatory = true)]
        public PSCredential Credential { get; set; }

        [Parameter]
        [Alias("Domain", "TenantId")]
        [ValidateNotNullOrEmpty]
        public string Tenant { get; set; }

        [Parameter]
        [Alias("SubscriptionName", "SubscriptionId")]
        [ValidateNotNullOrEmpty]
        public string Subscription { get; set; }

        [Parameter]
        [Alias("AuthScopeTypeName")]
        public string AuthScope { get; set; }

        [Parameter]
        public string ContextName { get; set; }

        [Parameter]
        public SwitchParameter SkipContextPopulation { get; set; }

        [Parameter]
        public int MaxContextPopulation { get; set; }

        [Parameter(ParameterSetName = UserSet)]
        [Alias("DeviceCode", "DeviceAuth", "Device")]
        public SwitchParameter UseDeviceAuthentication { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public ContextModificationScope Scope { get; set; }

        // ---- AseGpu extras (not Az parameters; the documented way is the OS trust store and the hosts file) ----

        /// <summary>AseGpu: the device's root CA file (PEM or DER), added to the system store for this session.</summary>
        [Parameter]
        public string CaCertificate { get; set; }

        /// <summary>AseGpu: SHA-256 thumbprint of the device's certificate (its self-signed certificates).</summary>
        [Parameter]
        public string CertificateThumbprint { get; set; }

        /// <summary>AseGpu: the device's IP address for every *.&lt;device&gt;.&lt;domain&gt; name instead of hosts-file entries.</summary>
        [Parameter]
        public string DeviceIp { get; set; }

        /// <summary>AseGpu: host name (or *.suffix) to IP address.</summary>
        [Parameter]
        public Hashtable HostMap { get; set; }

        /// <summary>AseGpu device facts ARM does not expose (the local web UI shows them): used by the GPU preflight and the GPU extension.</summary>
        [Parameter]
        [ValidateRange(1, 2)]
        public int GpuCount { get; set; }

        [Parameter]
        [ValidateSet("T4", "A2", IgnoreCase = true)]
        public string GpuModel { get; set; }

        [Parameter]
        public bool KubernetesConfigured { get; set; }

        [Parameter]
        public string DeviceRelease { get; set; }

        protected override void ExecuteCmdlet()
        {
            if (UseDeviceAuthentication)
                ThrowNotSupported("Azure Stack Edge signs in EdgeArmUser with its password through the device's AD FS: pass -Credential (device-code sign-in does not exist there).", null);
            IgnoredOnDevice(nameof(AuthScope), nameof(SkipContextPopulation), nameof(MaxContextPopulation), nameof(Force));
            if (Scope == ContextModificationScope.CurrentUser) WriteVerbose("The sign-in is kept for this PowerShell session only (-Scope CurrentUser is not persisted).");
            string envName = Opt(Environment);
            if (envName == null)
                ThrowArgumentError("NoEnvironment", "Pass -Environment (an environment added with Add-AzEnvironment -Name <name> -ARMEndpoint https://management.<device name>.<DNS domain>/): "
                    + "the public Azure clouds are not devices.", null);
            PSAzureEnvironment env = AzContextService.Find(State, envName);
            if (env == null)
                ThrowError(new ArgumentException("Environment '" + envName + "' is not registered: run Add-AzEnvironment -Name " + envName + " -ARMEndpoint https://management.<device name>.<DNS domain>/ first."),
                    "EnvironmentNotFound", ErrorCategory.ObjectNotFound, envName);
            if (string.IsNullOrEmpty(env.ResourceManagerUrl))
                ThrowArgumentError("NoArmEndpoint", "Environment '" + envName + "' has no ARM endpoint (Set-AzEnvironment -Name " + envName + " -ARMEndpoint https://management.<device name>.<DNS domain>/).", envName);
            if (!ShouldProcess(env.ResourceManagerUrl, "Sign in to the device as " + (Credential?.UserName ?? ConnectionService.DefaultUser))) return;
            PSCredential credential = Credential ?? Prompt();
            AseConnectOptions options = new AseConnectOptions
            {
                ArmEndpoint = env.ResourceManagerUrl,
                Username = ConnectionService.UserName(credential),
                TenantId = Opt(Tenant) ?? ConnectionService.DefaultTenantId,
                CaCertFile = Opt(CaCertificate) == null ? null : ResolveExistingFile(CaCertificate),
                CertificateThumbprint = Opt(CertificateThumbprint),
                DeviceIp = Opt(DeviceIp),
                HostMap = HostMap,
                GpuModel = Opt(GpuModel),
                DeviceRelease = Opt(DeviceRelease),
            };
            if (IsBound(nameof(GpuCount))) options.GpuCount = GpuCount;
            if (IsBound(nameof(KubernetesConfigured))) options.KubernetesConfigured = KubernetesConfigured;
            if (!TryRun(ConnectionService.Connect(options, credential.Password), out object result)) return;
            AseSession session = (AseSession)result;
            State.SetSession(session, env.Name, env.ResourceManagerUrl);
            env.Discovered = false;
            PSAzureContext context = AzContextService.Context(State, session);
            if (Opt(ContextName) != null) context.Name = ContextName;
            string sub = Opt(Subscription);
            if (sub != null && !string.Equals(sub, context.Subscription.Id, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(sub, context.Subscription.Name, StringComparison.OrdinalIgnoreCase))
                WriteWarning("The device has one subscription, '" + context.Subscription.Name + "' (" + context.Subscription.Id + "); -Subscription '" + sub + "' is not it, so that one is used.");
            PSAzureProfile profile = new PSAzureProfile { Context = context };
            foreach (PSAzureEnvironment e in AzContextService.Environments(State)) profile.Environments[e.Name] = e;
            WriteObject(profile);
        }

        PSCredential Prompt()
        {
            PSCredential prompted = null;
            try
            {
                prompted = Host.UI.PromptForCredential("Connect-AzAccount", "Edge ARM password of the device (user EdgeArmUser)", ConnectionService.DefaultUser, "");
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                ThrowError(new ArgumentException("A credential is required: pass -Credential (" + e.Message + ")", e), "NoCredential", ErrorCategory.InvalidArgument, null);
            }
            if (prompted == null) ThrowArgumentError("NoCredential", "A credential is required (EdgeArmUser and the Edge ARM password).", null);
            return prompted;
        }
    }

    [Cmdlet(VerbsCommunications.Disconnect, "AzAccount", DefaultParameterSetName = ContextNameSet, SupportsShouldProcess = true)]
    [OutputType(typeof(PSAzureRmAccount))]
    public sealed class DisconnectAzAccountCommand : AzRmCmdlet
    {
        const string ContextNameSet = "ContextNameParameterSet", ContextObjectSet = "ContextObjectParameterSet";

        [Parameter(ParameterSetName = ContextNameSet, Position = 0)]
        public string ContextName { get; set; }

        [Parameter(ParameterSetName = ContextObjectSet, Mandatory = true, ValueFromPipeline = true)]
        public PSAzureContext AzureContext { get; set; }

        [Parameter]
        public ContextModificationScope Scope { get; set; }

        protected override void ExecuteCmdlet()
        {
            PSAzureContext context = AzContextService.CurrentContext(State);
            if (context == null) return;
            if (!ShouldProcess(context.Account?.Id, "Log out")) return;
            State.Disconnect();
            AzCompatState.Current.Context = null;
            AzCompatState.Current.ContextSession = null;
            WriteObject(context.Account);
        }
    }

    [Cmdlet(VerbsCommon.Get, "AzContext", DefaultParameterSetName = DefaultSet)]
    [OutputType(typeof(PSAzureContext))]
    public sealed class GetAzContextCommand : AzRmCmdlet
    {
        const string DefaultSet = "GetSingleContext", ListSet = "ListAllContexts";

        [Parameter(ParameterSetName = DefaultSet, Position = 0)]
        public string Name { get; set; }

        [Parameter(ParameterSetName = ListSet, Mandatory = true)]
        [Alias("List")]
        public SwitchParameter ListAvailable { get; set; }

        protected override void ExecuteCmdlet()
        {
            PSAzureContext context = AzContextService.CurrentContext(State);
            if (context == null) return;
            if (Opt(Name) != null && !Names.Match(Name, context.Name)) return;
            WriteObject(context);
        }
    }

    [Cmdlet(VerbsCommon.Set, "AzContext", DefaultParameterSetName = SubscriptionSet, SupportsShouldProcess = true)]
    [OutputType(typeof(PSAzureContext))]
    public sealed class SetAzContextCommand : AzRmCmdlet
    {
        const string ContextSet = "ContextObject", SubscriptionSet = "Subscription", TenantSet = "Tenant", SubscriptionObjectSet = "SubscriptionObject", TenantObjectSet = "TenantObject";

        [Parameter(ParameterSetName = ContextSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public PSAzureContext Context { get; set; }

        [Parameter(ParameterSetName = SubscriptionSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("SubscriptionId", "SubscriptionName")]
        public string Subscription { get; set; }

        [Parameter(ParameterSetName = SubscriptionSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = TenantSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Domain", "TenantId")]
        public string Tenant { get; set; }

        [Parameter(ParameterSetName = SubscriptionObjectSet, Mandatory = true, ValueFromPipeline = true)]
        public PSAzureSubscription SubscriptionObject { get; set; }

        [Parameter(ParameterSetName = TenantObjectSet, Mandatory = true, ValueFromPipeline = true)]
        public PSAzureTenant TenantObject { get; set; }

        [Parameter(ParameterSetName = SubscriptionSet)]
        [Parameter(ParameterSetName = TenantSet)]
        [Parameter(ParameterSetName = SubscriptionObjectSet)]
        [Parameter(ParameterSetName = TenantObjectSet)]
        public string Name { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public ContextModificationScope Scope { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            PSAzureContext current = AzContextService.Context(State, session);
            string wantSub = ParameterSetName == SubscriptionSet ? Subscription
                : ParameterSetName == SubscriptionObjectSet ? SubscriptionObject?.Id
                : ParameterSetName == ContextSet ? Context?.Subscription?.Id : null;
            string wantTenant = ParameterSetName == TenantObjectSet ? TenantObject?.Id
                : ParameterSetName == ContextSet ? Context?.Tenant?.Id : Opt(Tenant);
            if (Opt(wantSub) != null && !string.Equals(wantSub, current.Subscription.Id, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(wantSub, current.Subscription.Name, StringComparison.OrdinalIgnoreCase))
            {
                WriteError(AseErrors.Make(new ArgumentException("Subscription '" + wantSub + "' was not found: the device has one subscription, '"
                    + current.Subscription.Name + "' (" + current.Subscription.Id + ")."), "SubscriptionNotFound", ErrorCategory.ObjectNotFound, wantSub));
                return;
            }
            if (Opt(wantTenant) != null && !string.Equals(wantTenant, current.Tenant.Id, StringComparison.OrdinalIgnoreCase))
            {
                WriteError(AseErrors.Make(new ArgumentException("Tenant '" + wantTenant + "' was not found: the device's tenant is " + current.Tenant.Id + "."),
                    "TenantNotFound", ErrorCategory.ObjectNotFound, wantTenant));
                return;
            }
            if (!ShouldProcess(current.Name, "Set the context")) return;
            if (Opt(Name) != null) current.Name = Name;
            WriteObject(current);
        }
    }

    [Cmdlet(VerbsCommon.Get, "AzSubscription", DefaultParameterSetName = IdSet)]
    [OutputType(typeof(PSAzureSubscription))]
    public sealed class GetAzSubscriptionCommand : AzRmCmdlet
    {
        const string IdSet = "ListByIdInTenant", NameSet = "ListByNameInTenant";

        [Parameter(ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
        public string SubscriptionId { get; set; }

        [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
        public string SubscriptionName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string TenantId { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            PSAzureSubscription sub = AzContextService.Context(State, session).Subscription;
            bool match = (Opt(SubscriptionId) == null || string.Equals(SubscriptionId, sub.Id, StringComparison.OrdinalIgnoreCase))
                && (Opt(SubscriptionName) == null || string.Equals(SubscriptionName, sub.Name, StringComparison.OrdinalIgnoreCase))
                && (Opt(TenantId) == null || string.Equals(TenantId, sub.TenantId, StringComparison.OrdinalIgnoreCase));
            if (!match)
            {
                string what = Opt(SubscriptionId) ?? Opt(SubscriptionName) ?? TenantId;
                WriteError(AseErrors.Make(new ArgumentException("Subscription '" + what + "' was not found: the device has one subscription, '" + sub.Name + "' (" + sub.Id + ")."),
                    "SubscriptionNotFound", ErrorCategory.ObjectNotFound, what));
                return;
            }
            // Nothing to wait for: -AsJob runs the same lookup as a (short) job, as Az does.
            Run("Getting subscriptions", sub.Id, (p, ct) => sub, AseOperationSpec.EmitResult, AsJob);
        }
    }
}
