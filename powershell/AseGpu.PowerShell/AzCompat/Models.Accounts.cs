using System;
using System.Collections;
using System.Collections.Generic;

namespace AseGpu.AzCompat
{
    // The objects Az.Accounts outputs, with the property names scripts read (Az.Accounts 2.2.8).

    /// <summary>Add-/Get-/Set-AzEnvironment (Az: PSAzureEnvironment).</summary>
    public sealed class PSAzureEnvironment
    {
        public string Name { get; set; }
        public bool EnableAdfsAuthentication { get; set; }
        public bool OnPremise { get; set; }
        public string ActiveDirectoryServiceEndpointResourceId { get; set; }
        public string AdTenant { get; set; }
        public string GalleryUrl { get; set; }
        public string ManagementPortalUrl { get; set; }
        public string ServiceManagementUrl { get; set; }
        public string PublishSettingsFileUrl { get; set; }
        public string ResourceManagerUrl { get; set; }
        public string SqlDatabaseDnsSuffix { get; set; }
        /// <summary>The blob endpoint suffix: &lt;device&gt;.&lt;domain&gt; (with ":port" when the device answers on another port than 443, as the emulator does).</summary>
        public string StorageEndpointSuffix { get; set; }
        public string ActiveDirectoryAuthority { get; set; }
        public string GraphUrl { get; set; }
        public string GraphEndpointResourceId { get; set; }
        public string TrafficManagerDnsSuffix { get; set; }
        public string AzureKeyVaultDnsSuffix { get; set; }
        public string DataLakeEndpointResourceId { get; set; }
        public string AzureDataLakeStoreFileSystemEndpointSuffix { get; set; }
        public string AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix { get; set; }
        public string AzureKeyVaultServiceEndpointResourceId { get; set; }
        public string ContainerRegistryEndpointSuffix { get; set; }
        public string AzureOperationalInsightsEndpointResourceId { get; set; }
        public string AzureOperationalInsightsEndpoint { get; set; }
        public string AzureAnalysisServicesEndpointSuffix { get; set; }
        public string AzureAnalysisServicesEndpointResourceId { get; set; }
        public string AzureAttestationServiceEndpointSuffix { get; set; }
        public string AzureAttestationServiceEndpointResourceId { get; set; }
        public string AzureSynapseAnalyticsEndpointSuffix { get; set; }
        public string AzureSynapseAnalyticsEndpointResourceId { get; set; }
        public string BatchEndpointResourceId { get; set; }
        public Hashtable ExtendedProperties { get; } = new Hashtable(StringComparer.OrdinalIgnoreCase);

        /// <summary>Whether the device's metadata (after Connect-AzAccount) filled in the endpoints.</summary>
        internal bool Discovered { get; set; }

        public override string ToString() => Name;
    }

    /// <summary>Az: PSAzureRmAccount.</summary>
    public sealed class PSAzureRmAccount
    {
        public string Id { get; set; }
        public string Type { get; set; } = "User";
        public string[] Tenants { get; set; } = new string[0];
        public string AccessToken => null;
        public string Credential => null;
        public string TenantMap => null;
        public string CertificateThumbprint => null;
        public Hashtable ExtendedProperties { get; } = new Hashtable(StringComparer.OrdinalIgnoreCase);

        public override string ToString() => Id;
    }

    /// <summary>Az: PSAzureTenant.</summary>
    public sealed class PSAzureTenant
    {
        public string Id { get; set; }
        public string TenantId => Id;
        public string Directory { get; set; }
        public Hashtable ExtendedProperties { get; } = new Hashtable(StringComparer.OrdinalIgnoreCase);

        public override string ToString() => Id;
    }

    /// <summary>Az: PSAzureSubscription (the device's one "Default Provider Subscription").</summary>
    public sealed class PSAzureSubscription
    {
        public string Id { get; set; }
        public string SubscriptionId => Id;
        public string Name { get; set; }
        public string State { get; set; } = "Enabled";
        public string TenantId { get; set; }
        public string HomeTenantId => TenantId;
        public Hashtable ExtendedProperties { get; } = new Hashtable(StringComparer.OrdinalIgnoreCase);

        public override string ToString() => Name;
    }

    /// <summary>Az: PSAzureContext (Get-AzContext, Set-AzContext).</summary>
    public sealed class PSAzureContext : IAzureContextContainer
    {
        public string Name { get; set; }
        public PSAzureRmAccount Account { get; set; }
        public PSAzureEnvironment Environment { get; set; }
        public PSAzureSubscription Subscription { get; set; }
        public PSAzureTenant Tenant { get; set; }
        /// <summary>The device's token lives in the native session (it is never handed out).</summary>
        public object TokenCache => null;
        public string VersionProfile => "2020-09-01-hybrid";
        public Hashtable ExtendedProperties { get; } = new Hashtable(StringComparer.OrdinalIgnoreCase);

        public override string ToString() => Name;
    }

    /// <summary>Az: PSAzureProfile (what Connect-AzAccount outputs).</summary>
    public sealed class PSAzureProfile : IAzureContextContainer
    {
        public PSAzureContext Context { get; set; }
        public IDictionary<string, PSAzureEnvironment> Environments { get; } = new Dictionary<string, PSAzureEnvironment>(StringComparer.OrdinalIgnoreCase);

        public override string ToString() => Context?.ToString();
    }
}
