using System;
using System.Linq;
using System.Collections;
using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu
{
    [Cmdlet(VerbsCommunications.Connect, "AseDevice", DefaultParameterSetName = "ArmEndpoint")]
    [OutputType("AseGpu.Context")]
    public sealed class ConnectAseDeviceCommand : AseCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "ArmEndpoint")]
        [Alias("ArmUrl")]
        [ValidateNotNullOrEmpty]
        public string ArmEndpoint { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "Environment")]
        [Alias("Environment")]
        [ValidateNotNullOrEmpty]
        public string EnvironmentName { get; set; }

        [Parameter]
        [Credential]
        public PSCredential Credential { get; set; } = PSCredential.Empty;

        [Parameter]
        [Alias("Tenant")]
        public string TenantId { get; set; } = ConnectionService.DefaultTenantId;

        [Parameter]
        [Alias("CaCertFile")]
        public string CaCertificate { get; set; }

        [Parameter]
        public SwitchParameter CaOnly { get; set; }

        [Parameter]
        public string CertificateThumbprint { get; set; }

        [Parameter]
        public string DeviceIp { get; set; }

        [Parameter]
        public Hashtable HostMap { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter]
        [ValidateRange(1, 3600)]
        public int RequestTimeoutSeconds { get; set; }

        [Parameter]
        [ValidateRange(1, 2)]
        public int GpuCount { get; set; }

        [Parameter]
        [ValidateSet("T4", "A2", IgnoreCase = true)]
        public string GpuModel { get; set; }

        [Parameter]
        public bool KubernetesConfigured { get; set; }

        [Parameter]
        [ValidateRange(0, 2)]
        public int KubernetesGpus { get; set; }

        [Parameter]
        [Alias("Release")]
        public string DeviceRelease { get; set; }

        [Parameter]
        public string[] CustomSize { get; set; }

        [Parameter]
        public bool MpsEnabled { get; set; }

        protected override void ExecuteCmdlet()
        {
            string endpoint = ParameterSetName == "Environment" ? EnvironmentEndpoint() : ArmEndpoint;
            PSCredential credential = CredentialOrPrompt();
            if (SkipCertificateCheck)
                WriteWarning("SkipCertificateCheck: the device's TLS certificate will NOT be verified. Anyone on the network path can impersonate the device and capture the Edge ARM password. Use -CaCertificate or -CertificateThumbprint instead.");
            AseConnectOptions options = Options(endpoint, credential);
            if (!TryRun(ConnectionService.Connect(options, credential.Password), out object result)) return;
            AseSession session = (AseSession)result;
            State.SetSession(session, Opt(EnvironmentName), endpoint);
            WriteObject(ConnectionService.Context(session.Info(), Opt(EnvironmentName)));
        }

        string EnvironmentEndpoint()
        {
            string url = State.EnvironmentUrl(EnvironmentName);
            if (url == null)
                ThrowError(new ArgumentException("Unknown environment '" + EnvironmentName + "'. Register it with Add-AzEnvironment -Name "
                    + EnvironmentName + " -ARMEndpoint <url> (AseGpu.AzCompat)."), "UnknownEnvironment", ErrorCategory.ObjectNotFound, EnvironmentName);
            return url;
        }

        PSCredential CredentialOrPrompt()
        {
            if (Credential != null && Credential != PSCredential.Empty) return Credential;
            PSCredential prompted = null;
            try
            {
                prompted = Host.UI.PromptForCredential("Connect-AseDevice", "Edge ARM password of the device", ConnectionService.DefaultUser, "");
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                ThrowError(new ArgumentException("A credential is required: pass -Credential (" + e.Message + ")", e), "NoCredential", ErrorCategory.InvalidArgument, null);
            }
            if (prompted == null) ThrowArgumentError("NoCredential", "A credential is required.", null);
            return prompted;
        }

        AseConnectOptions Options(string endpoint, PSCredential credential)
        {
            AseConnectOptions o = new AseConnectOptions
            {
                ArmEndpoint = endpoint,
                Username = ConnectionService.UserName(credential),
                TenantId = Opt(TenantId) ?? ConnectionService.DefaultTenantId,
                CaCertFile = Opt(CaCertificate) == null ? null : ResolveExistingFile(CaCertificate),
                CaOnly = CaOnly,
                CertificateThumbprint = Opt(CertificateThumbprint),
                InsecureSkipTlsVerify = SkipCertificateCheck,
                DeviceIp = Opt(DeviceIp),
                HostMap = HostMap,
                GpuModel = Opt(GpuModel),
                DeviceRelease = Opt(DeviceRelease),
                CustomSizes = CustomSize == null ? null : CustomSize.Where(c => !string.IsNullOrEmpty(c)).ToArray(),
            };
            if (IsBound(nameof(MpsEnabled))) o.MpsEnabled = MpsEnabled;
            if (IsBound(nameof(RequestTimeoutSeconds))) o.RequestTimeoutSeconds = RequestTimeoutSeconds;
            if (IsBound(nameof(GpuCount))) o.GpuCount = GpuCount;
            if (IsBound(nameof(KubernetesConfigured))) o.KubernetesConfigured = KubernetesConfigured;
            if (IsBound(nameof(KubernetesGpus))) o.KubernetesGpus = KubernetesGpus;
            return o;
        }
    }

    [Cmdlet(VerbsCommunications.Disconnect, "AseDevice")]
    [OutputType(typeof(void))]
    public sealed class DisconnectAseDeviceCommand : AseCmdlet
    {
        protected override void ExecuteCmdlet()
        {
            WriteVerbose(State.Session == null ? "Not connected." : "Disconnecting from " + State.ArmEndpoint);
            State.Disconnect();
        }
    }

    [Cmdlet(VerbsCommon.Get, "AseContext")]
    [OutputType("AseGpu.Context")]
    public sealed class GetAseContextCommand : AseCmdlet
    {
        protected override void ExecuteCmdlet()
        {
            AseSession session = State.Session;
            if (session == null) return;
            WriteObject(ConnectionService.Context(session.Info(), State.EnvironmentName));
        }
    }
}
