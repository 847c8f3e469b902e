// Models of a connection: the connect options (asegpu_session_connect) and the session info (asegpu_session_info).
using System;
using System.Collections;
using System.Collections.Generic;

namespace AseGpu
{
    /// <summary>ConnectOptions (camelCase JSON for asegpu_session_connect). The password is never part of it.</summary>
    public sealed class AseConnectOptions
    {
        public string ArmEndpoint { get; set; }
        public string Username { get; set; }
        public string TenantId { get; set; }
        public string CaCertFile { get; set; }
        public string CaCertPem { get; set; }
        public bool CaOnly { get; set; }
        public string CertificateThumbprint { get; set; }
        public bool InsecureSkipTlsVerify { get; set; }
        public IDictionary HostMap { get; set; }
        public string DeviceIp { get; set; }
        public int? RequestTimeoutSeconds { get; set; }
        public int? MaxRetries { get; set; }
        public int? BaseDelayMs { get; set; }
        public int? MaxDelayMs { get; set; }
        /// <summary>Device facts ARM does not expose (from the device's local web UI): GPU count (1 or 2).</summary>
        public int? GpuCount { get; set; }
        /// <summary>T4 or A2.</summary>
        public string GpuModel { get; set; }
        /// <summary>Whether Kubernetes is configured (it claims every GPU free when it is configured).</summary>
        public bool? KubernetesConfigured { get; set; }
        /// <summary>GPUs Kubernetes holds, when known.</summary>
        public int? KubernetesGpus { get; set; }
        /// <summary>Device software release, e.g. 2309 (decides the GPU extension version).</summary>
        public string DeviceRelease { get; set; }
        /// <summary>Custom VM sizes set on the device, each NAME:VCPUS:MEMORY_GIB[:GPUS] (as Get-HcsVMCustomSizes shows them).</summary>
        public string[] CustomSizes { get; set; }
        /// <summary>Whether the GPU Multi-Process Service is on (Start-HcsGpuMPS).</summary>
        public bool? MpsEnabled { get; set; }

        public string ToJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["armEndpoint"] = ArmEndpoint;
            if (Username != null) d["username"] = Username;
            if (TenantId != null) d["tenantId"] = TenantId;
            Dictionary<string, object> tls = new Dictionary<string, object>();
            if (CaCertFile != null) tls["caCertFile"] = CaCertFile;
            if (CaCertPem != null) tls["caCertPem"] = CaCertPem;
            if (CaOnly) tls["caOnly"] = true;
            if (CertificateThumbprint != null) tls["certificateThumbprint"] = CertificateThumbprint;
            if (InsecureSkipTlsVerify) tls["insecureSkipTlsVerify"] = true;
            if (tls.Count > 0) d["tls"] = tls;
            if (HostMap != null && HostMap.Count > 0) d["hostMap"] = HostMap;
            if (DeviceIp != null) d["deviceIp"] = DeviceIp;
            if (RequestTimeoutSeconds.HasValue) d["requestTimeoutSeconds"] = RequestTimeoutSeconds.Value;
            Dictionary<string, object> retry = new Dictionary<string, object>();
            if (MaxRetries.HasValue) retry["maxRetries"] = MaxRetries.Value;
            if (BaseDelayMs.HasValue) retry["baseDelayMs"] = BaseDelayMs.Value;
            if (MaxDelayMs.HasValue) retry["maxDelayMs"] = MaxDelayMs.Value;
            if (retry.Count > 0) d["retry"] = retry;
            Dictionary<string, object> device = new Dictionary<string, object>();
            if (GpuCount.HasValue) device["gpuCount"] = GpuCount.Value;
            if (!string.IsNullOrEmpty(GpuModel)) device["gpuModel"] = GpuModel.ToUpperInvariant();
            if (KubernetesConfigured.HasValue) device["kubernetesConfigured"] = KubernetesConfigured.Value;
            if (KubernetesGpus.HasValue) device["kubernetesGpus"] = KubernetesGpus.Value;
            if (!string.IsNullOrEmpty(DeviceRelease)) device["release"] = DeviceRelease;
            if (CustomSizes != null && CustomSizes.Length > 0) device["customSizes"] = CustomSizes;
            if (MpsEnabled.HasValue) device["mpsEnabled"] = MpsEnabled.Value;
            if (device.Count > 0) d["device"] = device;
            return AseJson.Serialize(d);
        }
    }

    /// <summary>What a session is connected to (asegpu_session_info).</summary>
    public sealed class AseSessionInfo
    {
        public string Account { get; private set; }
        public string SubscriptionId { get; private set; }
        public string SubscriptionName { get; private set; }
        public string TenantId { get; private set; }
        public string Environment { get; private set; }
        public string ArmEndpoint { get; private set; }
        public string LoginEndpoint { get; private set; }
        public string TlsVerification { get; private set; }
        public long TokenExpiresOn { get; private set; }
        public long TokenRenewals { get; private set; }
        public string Json { get; private set; }

        public static AseSessionInfo FromJson(string json)
        {
            IDictionary<string, object> d = AseJson.Parse(json) as IDictionary<string, object>;
            if (d == null) throw new FormatException("session info is not a JSON object");
            return new AseSessionInfo
            {
                Account = AseJson.Str(d, "account"),
                SubscriptionId = AseJson.Str(d, "subscriptionId"),
                SubscriptionName = AseJson.Str(d, "subscriptionName"),
                TenantId = AseJson.Str(d, "tenantId"),
                Environment = AseJson.Str(d, "environment"),
                ArmEndpoint = AseJson.Str(d, "armEndpoint"),
                LoginEndpoint = AseJson.Str(d, "loginEndpoint"),
                TlsVerification = AseJson.Str(d, "tlsVerification"),
                TokenExpiresOn = (long)(AseJson.Num(d, "tokenExpiresOn") ?? 0),
                TokenRenewals = (long)(AseJson.Num(d, "tokenRenewals") ?? 0),
                Json = json,
            };
        }
    }
}
