using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using AseGpu.PowerShell;

namespace AseGpu.AzCompat
{
    /// <summary>Az.Storage's SharedAccessAccountServices (flags).</summary>
    [Flags]
    public enum SharedAccessAccountServices
    {
        None = 0,
        Blob = 1,
        File = 2,
        Queue = 4,
        Table = 8,
    }

    /// <summary>Az.Storage's SharedAccessAccountResourceTypes (flags).</summary>
    [Flags]
    public enum SharedAccessAccountResourceTypes
    {
        None = 0,
        Service = 1,
        Container = 2,
        Object = 4,
    }

    /// <summary>Az.Storage's PremiumPageBlobTier (Set-AzStorageBlobContent -PremiumPageBlobTier).</summary>
    public enum PremiumPageBlobTier
    {
        Unknown,
        P4,
        P6,
        P10,
        P20,
        P30,
        P40,
        P50,
        P60,
    }

    /// <summary>Az.Storage's SharedAccessProtocol.</summary>
    public enum SharedAccessProtocol
    {
        HttpsOnly = 1,
        HttpsOrHttp = 2,
    }

    [Cmdlet(VerbsCommon.New, "AzStorageAccount", SupportsShouldProcess = true)]
    [OutputType(typeof(PSStorageAccount))]
    public sealed class NewAzStorageAccountCommand : AzRmCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("StorageAccountName", "AccountName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Mandatory = true, Position = 2)]
        [Alias("StorageAccountType", "AccountType", "Type")]
        [ValidateSet("Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_RAGRS", "Premium_LRS", "Premium_ZRS", "Standard_GZRS", "Standard_RAGZRS", IgnoreCase = true)]
        public string SkuName { get; set; }

        [Parameter(Mandatory = true, Position = 3)]
        [ValidateNotNullOrEmpty]
        public string Location { get; set; }

        [Parameter]
        [ValidateSet("Storage", "StorageV2", "BlobStorage", "BlockBlobStorage", "FileStorage", IgnoreCase = true)]
        public string Kind { get; set; }

        [Parameter]
        [ValidateSet("Hot", "Cool", IgnoreCase = true)]
        public string AccessTier { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string CustomDomainName { get; set; }

        [Parameter]
        public bool UseSubDomain { get; set; }

        [Parameter]
        [Alias("Tags")]
        public Hashtable Tag { get; set; }

        [Parameter]
        public bool EnableHttpsTrafficOnly { get; set; }

        [Parameter]
        public SwitchParameter AssignIdentity { get; set; }

        [Parameter]
        public bool EnableHierarchicalNamespace { get; set; }

        [Parameter]
        public SwitchParameter EnableLargeFileShare { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            if (!SkuName.EndsWith("_LRS", StringComparison.OrdinalIgnoreCase))
                ThrowArgumentError("SkuNotSupported", "Only local storage accounts (Standard_LRS or Premium_LRS) can be created on the device; '" + SkuName + "' cannot.", SkuName);
            if (Opt(Kind) != null && !string.Equals(Kind, "Storage", StringComparison.OrdinalIgnoreCase))
                WriteWarning("The device creates general-purpose (Kind Storage) accounts; -Kind " + Kind + " is not used.");
            NotSupportedOnDevice("the device's storage has no such feature", nameof(AccessTier), nameof(CustomDomainName), nameof(UseSubDomain), nameof(AssignIdentity),
                nameof(EnableHierarchicalNamespace), nameof(EnableLargeFileShare));
            IgnoredOnDevice(nameof(EnableHttpsTrafficOnly), nameof(Tag));
            if (!ShouldProcess(Name, "Create storage account in " + ResourceGroupName)) return;
            string rg = ResourceGroupName, name = Name, sku = SkuName;
            Run("Creating storage account '" + name + "'", name, (p, ct) =>
            {
                AseStorageAccount created = session.NewStorageAccount(rg, name, sku, p, ct);
                object arm = created.Json == null ? null : AseJson.Parse(created.Json);
                if (Arm.Str(arm, "id") == null)
                    arm = session.ArmRequest("GET", created.Id, Arm.StorageApi, null, null, null, ct);
                return PSStorageAccount.FromArm(arm, session);
            }, AseOperationSpec.EmitResult, AsJob, "sku " + sku + ", kind Storage");
        }
    }

    [Cmdlet(VerbsCommon.Get, "AzStorageAccount", DefaultParameterSetName = GroupSet)]
    [OutputType(typeof(PSStorageAccount))]
    public sealed class GetAzStorageAccountCommand : AzRmCmdlet
    {
        const string GroupSet = "ResourceGroupParameterSet", NameSet = "AccountNameParameterSet";

        [Parameter(ParameterSetName = GroupSet, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = NameSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(ParameterSetName = NameSet, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("StorageAccountName", "AccountName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(ParameterSetName = NameSet)]
        public SwitchParameter IncludeGeoReplicationStats { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            IgnoredOnDevice(nameof(IncludeGeoReplicationStats));
            string path = Opt(ResourceGroupName) == null
                ? SubscriptionPath(session) + "/providers/Microsoft.Storage/storageAccounts"
                : ResourcePath(session, ResourceGroupName, "Microsoft.Storage/storageAccounts", Opt(Name));
            bool one = Opt(Name) != null;
            Run(one ? "Getting storage account '" + Name + "'" : "Listing storage accounts", Opt(Name) ?? Opt(ResourceGroupName),
                (p, ct) => session.ArmRequest("GET", path, Arm.StorageApi, null, null, null, ct), (r, o) =>
                {
                    foreach (object a in one ? new[] { r } : Arm.Values(r)) o.WriteObject(PSStorageAccount.FromArm(a, session), false);
                });
        }
    }

    [Cmdlet(VerbsCommon.Get, "AzStorageAccountKey")]
    [OutputType(typeof(StorageAccountKey))]
    public sealed class GetAzStorageAccountKeyCommand : AzRmCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("StorageAccountName", "AccountName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter]
        public SwitchParameter ListKerbKey { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            IgnoredOnDevice(nameof(ListKerbKey));
            string id = ResourcePath(session, ResourceGroupName, "Microsoft.Storage/storageAccounts", Name);
            Run("Getting the keys of storage account '" + Name + "'", Name, (p, ct) => AzStorageService.Keys(session, id, ct).ToArray(), AseOperationSpec.EmitResult);
        }
    }

    [Cmdlet(VerbsCommon.New, "AzStorageContext", DefaultParameterSetName = KeySet)]
    [OutputType(typeof(AzureStorageContext))]
    public sealed class NewAzStorageContextCommand : AzCompatCmdlet
    {
        const string KeySet = "AccountNameAndKey", KeyEnvironmentSet = "AccountNameAndKeyEnvironment";

        [Parameter(ParameterSetName = KeySet, Mandatory = true, Position = 0)]
        [Parameter(ParameterSetName = KeyEnvironmentSet, Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string StorageAccountName { get; set; }

        [Parameter(ParameterSetName = KeySet, Mandatory = true, Position = 1)]
        [Parameter(ParameterSetName = KeyEnvironmentSet, Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string StorageAccountKey { get; set; }

        [Parameter]
        [ValidateSet("Http", "Https", IgnoreCase = true)]
        public string Protocol { get; set; } = "Https";

        [Parameter(ParameterSetName = KeySet)]
        public string Endpoint { get; set; }

        [Parameter(ParameterSetName = KeyEnvironmentSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "EnvironmentName")]
        public string Environment { get; set; }

        protected override void ExecuteCmdlet()
        {
            string suffix;
            if (ParameterSetName == KeyEnvironmentSet)
            {
                PSAzureEnvironment env = AzContextService.Find(State, Environment);
                if (env == null)
                    ThrowError(new ArgumentException("Environment '" + Environment + "' is not registered (Add-AzEnvironment)."), "EnvironmentNotFound", ErrorCategory.ObjectNotFound, Environment);
                if (!env.Discovered && State.Session != null) AzContextService.Context(State, State.Session);
                suffix = env.StorageEndpointSuffix;
            }
            else
            {
                suffix = Opt(Endpoint);
                if (suffix == null)
                {
                    // Az's default is core.windows.net; on a device the connected environment's suffix is the only one that works.
                    AseSession session = State.Session;
                    suffix = session == null ? null : AzContextService.Context(State, session).Environment.StorageEndpointSuffix;
                }
            }
            if (string.IsNullOrEmpty(suffix))
                ThrowArgumentError("NoStorageEndpoint", "No storage endpoint: pass -Endpoint <device name>.<DNS domain> ((Get-AzEnvironment -Name <environment>).StorageEndpointSuffix after Connect-AzAccount).", StorageAccountName);
            string endpoint;
            if (suffix.Contains("://"))
            {
                // A full blob endpoint rather than a suffix.
                endpoint = suffix.EndsWith("/", StringComparison.Ordinal) ? suffix : suffix + "/";
                suffix = new Uri(endpoint).Authority;
            }
            else endpoint = AzureStorageContext.BlobEndpointFor(StorageAccountName, Protocol, suffix);
            WriteObject(new AzureStorageContext(StorageAccountName, StorageAccountKey, endpoint, suffix, Protocol.ToLowerInvariant()));
        }
    }

    /// <summary>The data-plane cmdlets: -Context (default: none; Az's default storage account does not exist on a device).</summary>
    public abstract class AzStorageDataCmdlet : AzRmCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public IStorageContext Context { get; set; }

        [Parameter]
        [Alias("ServerTimeoutPerRequestInSeconds")]
        public int? ServerTimeoutPerRequest { get; set; }

        [Parameter]
        [Alias("ClientTimeoutPerRequestInSeconds")]
        public int? ClientTimeoutPerRequest { get; set; }

        [Parameter]
        public int? ConcurrentTaskCount { get; set; }

        protected AzureStorageContext RequireContext()
        {
            if (Context == null)
                ThrowArgumentError("NoStorageContext", "Pass -Context (New-AzStorageContext -StorageAccountName <name> -StorageAccountKey <key> -Endpoint <suffix>).", null);
            if (!(Context is AzureStorageContext c) || c.Key == null)
                ThrowArgumentError("NoStorageKey", "The storage context has no account key: make it with New-AzStorageContext -StorageAccountKey, or take (Get-AzStorageAccount ...).Context.", Context.StorageAccountName);
            IgnoredOnDevice(nameof(ServerTimeoutPerRequest), nameof(ClientTimeoutPerRequest));
            return (AzureStorageContext)Context;
        }
    }

    // Az's New-AzStorageContainer has no -WhatIf; it creates the container on the device, so here it has (az-syntax.psd1 says so).
    [Cmdlet(VerbsCommon.New, "AzStorageContainer", DefaultParameterSetName = "ContainerName", SupportsShouldProcess = true)]
    [OutputType(typeof(AzureStorageContainer))]
    public sealed class NewAzStorageContainerCommand : AzStorageDataCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("N", "Container")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Position = 1)]
        [Alias("PublicAccess")]
        public BlobContainerPublicAccessType? Permission { get; set; }

        protected override void ExecuteCmdlet()
        {
            AzureStorageContext context = RequireContext();
            AseSession session = RequireAzSession();
            if (Permission.HasValue && Permission.Value != BlobContainerPublicAccessType.Off)
                WriteWarning("The container is created private: -Permission " + Permission.Value + " (anonymous read access) is not set by AseGpu. Use a SAS token (New-AzStorageAccountSASToken) for access without the key.");
            if (!ShouldProcess(Name, "Create container in storage account " + context.StorageAccountName)) return;
            string name = Name;
            AseStorageContext ase = context.ToAse();
            Run("Creating container '" + name + "'", name, (p, ct) => session.NewStorageContainer(ase, name, ct), (r, o) =>
            {
                AseStorageContainer c = (AseStorageContainer)r;
                if (!c.Created) o.WriteVerbose("Container '" + name + "' already exists.");
                o.WriteObject(new AzureStorageContainer
                {
                    Name = c.Name,
                    PublicAccess = BlobContainerPublicAccessType.Off,
                    LastModified = DateTimeOffset.UtcNow,
                    CloudBlobContainer = new CloudBlobContainerInfo { Name = c.Name, Uri = c.Uri == null ? null : new Uri(c.Uri) },
                    Context = context,
                }, false);
            });
        }
    }

    [Cmdlet(VerbsCommon.New, "AzStorageAccountSASToken")]
    [OutputType(typeof(string))]
    public sealed class NewAzStorageAccountSASTokenCommand : AzStorageDataCmdlet
    {
        [Parameter(Mandatory = true)]
        public SharedAccessAccountServices Service { get; set; }

        [Parameter(Mandatory = true)]
        public SharedAccessAccountResourceTypes ResourceType { get; set; }

        [Parameter]
        public string Permission { get; set; }

        [Parameter]
        public SharedAccessProtocol? Protocol { get; set; }

        [Parameter]
        public string IPAddressOrRange { get; set; }

        [Parameter]
        public DateTime? StartTime { get; set; }

        [Parameter]
        public DateTime? ExpiryTime { get; set; }

        protected override void ExecuteCmdlet()
        {
            AzureStorageContext context = RequireContext();
            if (Opt(IPAddressOrRange) != null) ThrowNotSupported("IP-restricted SAS tokens are not made by AseGpu: leave out -IPAddressOrRange.", IPAddressOrRange);
            if ((Service & ~SharedAccessAccountServices.Blob) != 0)
                ThrowNotSupported("the device's storage service offers blobs here: -Service Blob.", Service);
            List<string> types = new List<string>();
            foreach (SharedAccessAccountResourceTypes t in new[] { SharedAccessAccountResourceTypes.Service, SharedAccessAccountResourceTypes.Container, SharedAccessAccountResourceTypes.Object })
                if ((ResourceType & t) != 0) types.Add(t.ToString());
            AseSasRequest request = new AseSasRequest
            {
                Context = context.ToAse(),
                Service = new[] { "Blob" },
                ResourceType = types.ToArray(),
                Permission = Opt(Permission) ?? "r",
                Protocol = Protocol.HasValue ? Protocol.Value.ToString() : null,
                StartTime = StartTime,
                ExpiryTime = ExpiryTime,
            };
            try
            {
                WriteObject(AseSession.NewStorageSasToken(request));
            }
            catch (Exception e) when (AseErrors.IsReportable(e))
            {
                WriteAseError(e, context.StorageAccountName);
            }
        }
    }

    [Cmdlet(VerbsCommon.Set, "AzStorageBlobContent", SupportsShouldProcess = true, DefaultParameterSetName = "SendManual")]
    [OutputType(typeof(AzureStorageBlob))]
    public sealed class SetAzStorageBlobContentCommand : AzStorageDataCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string File { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Container { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Blob { get; set; }

        [Parameter]
        [ValidateSet("Block", "Page", "Append", IgnoreCase = true)]
        public string BlobType { get; set; } = "Block";

        [Parameter]
        public Hashtable Properties { get; set; }

        [Parameter]
        public Hashtable Metadata { get; set; }

        [Parameter]
        public PremiumPageBlobTier PremiumPageBlobTier { get; set; }

        [Parameter]
        public string StandardBlobTier { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AzureStorageContext context = RequireContext();
            AseSession session = RequireAzSession();
            if (!string.Equals(BlobType, "Page", StringComparison.OrdinalIgnoreCase))
                ThrowNotSupported("AseGpu uploads page blobs (VHDs for images and disks): pass -BlobType Page. " + BlobType + " blobs are not made here.", BlobType);
            NotSupportedOnDevice("page blobs for VHDs carry no such settings here", nameof(Properties), nameof(Metadata), nameof(PremiumPageBlobTier), nameof(StandardBlobTier));
            string file = ResolveExistingFile(File);
            string blob = Opt(Blob) ?? Path.GetFileName(file);
            if (!ShouldProcess(blob, "Upload " + file + " as a page blob to container " + Container)) return;
            Hashtable options = new Hashtable { ["overwrite"] = Force.IsPresent };
            if (ConcurrentTaskCount.HasValue && ConcurrentTaskCount.Value > 0) options["concurrency"] = ConcurrentTaskCount.Value;
            string container = Container;
            AseStorageContext ase = context.ToAse();
            Run("Uploading " + Path.GetFileName(file), file, (p, ct) => session.SendPageBlob(ase, container, blob, file, options, p, ct), (r, o) =>
            {
                AseUploadSummary s = (AseUploadSummary)r;
                o.WriteObject(new AzureStorageBlob
                {
                    Name = blob,
                    Length = s.SizeBytes,
                    LastModified = DateTimeOffset.UtcNow,
                    ICloudBlob = new CloudBlobInfo { Name = blob, Uri = s.BlobUri == null ? null : new Uri(s.BlobUri), BlobType = "PageBlob" },
                    Context = context,
                    Upload = s,
                }, false);
            }, AsJob, "to " + context.BlobEndPoint + container + "/" + blob);
        }
    }

    [Cmdlet(VerbsCommon.Add, "AzVhd", DefaultParameterSetName = "DefaultParameterSet")]
    [OutputType(typeof(VhdUploadContext))]
    public sealed class AddAzVhdCommand : AzRmCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("dst")]
        [ValidateNotNullOrEmpty]
        public Uri Destination { get; set; }

        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("lf")]
        [ValidateNotNullOrEmpty]
        public FileInfo LocalFilePath { get; set; }

        [Parameter(Position = 3, ValueFromPipelineByPropertyName = true)]
        [Alias("th")]
        [ValidateNotNullOrEmpty]
        public int? NumberOfUploaderThreads { get; set; }

        [Parameter(Position = 4, ValueFromPipelineByPropertyName = true)]
        [Alias("bs")]
        [ValidateNotNullOrEmpty]
        public Uri BaseImageUriToPatch { get; set; }

        [Parameter(Position = 5)]
        [Alias("o")]
        public SwitchParameter OverWrite { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ExecuteCmdlet()
        {
            AseSession session = RequireAzSession();
            if (BaseImageUriToPatch != null) ThrowNotSupported("differencing uploads are not made by AseGpu: upload the whole fixed VHD.", BaseImageUriToPatch);
            string file = ResolveExistingFile(LocalFilePath.ToString());
            // The device takes fixed, Generation 1 VHDs: the library's check says so plainly before anything is sent.
            try { AseSession.CheckVhd(file); }
            catch (Exception e) when (AseErrors.IsReportable(e)) { WriteAseError(e, file); return; }
            Uri dst = Destination;
            string[] segments = dst.AbsolutePath.Trim('/').Split(new[] { '/' }, 2);
            string account = dst.Host.Split('.')[0];
            if (segments.Length < 2 || !dst.Host.Contains(".blob."))
                ThrowArgumentError("InvalidDestination", "-Destination must be a blob URL: https://<account>.blob.<device name>.<DNS domain>/<container>/<name>.vhd", dst);
            string container = Uri.UnescapeDataString(segments[0]), blob = Uri.UnescapeDataString(segments[1]);
            string endpoint = dst.GetLeftPart(UriPartial.Authority) + "/";
            string accountId = ResourcePath(session, ResourceGroupName, "Microsoft.Storage/storageAccounts", account);
            Hashtable options = new Hashtable { ["overwrite"] = OverWrite.IsPresent };
            if (NumberOfUploaderThreads.HasValue && NumberOfUploaderThreads.Value > 0) options["concurrency"] = NumberOfUploaderThreads.Value;
            FileInfo local = new FileInfo(file);
            Run("Uploading " + local.Name, file, (p, ct) =>
            {
                StorageAccountKey key = AzStorageService.Keys(session, accountId, ct).FirstOrDefault();
                if (key == null) throw new AseGpuException(AseStatus.NotFound, "NOT_FOUND", "Storage account '" + account + "' has no keys.", null, 0, null, null, null, "addVhd", account);
                AseStorageContext ctx = new AseStorageContext { StorageAccountName = account, StorageAccountKey = key.Value, BlobEndpoint = endpoint };
                return session.SendPageBlob(ctx, container, blob, file, options, p, ct);
            }, (r, o) => o.WriteObject(new VhdUploadContext { LocalFilePath = local, DestinationUri = dst, Upload = (AseUploadSummary)r }, false),
            AsJob, "to " + dst.GetLeftPart(UriPartial.Path));
        }
    }
}
