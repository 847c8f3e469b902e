using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace AseGpu.AzCompat
{
    // The objects Az.Storage outputs, with the property names scripts read.

    /// <summary>Az.Storage's IStorageContext: what -Context takes (New-AzStorageContext, PSStorageAccount.Context).</summary>
    public interface IStorageContext
    {
        string StorageAccountName { get; }
        string BlobEndPoint { get; }
    }

    /// <summary>Az: AzureStorageContext (New-AzStorageContext). The key stays inside (never a property).</summary>
    public sealed class AzureStorageContext : IStorageContext
    {
        internal AzureStorageContext(string account, string key, string blobEndPoint, string suffix, string protocol)
        {
            StorageAccountName = account;
            Key = key;
            BlobEndPoint = blobEndPoint;
            EndPointSuffix = suffix;
            Protocol = protocol;
        }

        internal string Key { get; }
        internal string Protocol { get; }

        public string StorageAccountName { get; }
        public string BlobEndPoint { get; }
        /// <summary>The device's storage offers blobs only.</summary>
        public string TableEndPoint => null;
        public string QueueEndPoint => null;
        public string FileEndPoint => null;
        public string EndPointSuffix { get; }
        public string Name => StorageAccountName;
        public AzureStorageContext Context => this;
        /// <summary>The connection string without the key (Az shows it; AseGpu does not hand the key out again).</summary>
        public string ConnectionString => "DefaultEndpointsProtocol=" + (Protocol ?? "https") + ";AccountName=" + StorageAccountName + ";AccountKey=[hidden];BlobEndpoint=" + BlobEndPoint;
        public Hashtable ExtendedProperties { get; } = new Hashtable(StringComparer.OrdinalIgnoreCase);

        /// <summary>The binding's context for the library's storage calls.</summary>
        internal AseStorageContext ToAse() => new AseStorageContext { StorageAccountName = StorageAccountName, StorageAccountKey = Key, BlobEndpoint = BlobEndPoint };

        /// <summary>https://&lt;account&gt;.blob.&lt;suffix&gt;/ (the suffix may carry a port).</summary>
        internal static string BlobEndpointFor(string account, string protocol, string suffix)
        {
            return (string.IsNullOrEmpty(protocol) ? "https" : protocol.ToLowerInvariant()) + "://" + account + ".blob." + suffix.Trim().TrimStart('.').TrimEnd('/') + "/";
        }

        public override string ToString() => StorageAccountName;
    }

    /// <summary>Az: BlobContainerPublicAccessType.</summary>
    public enum BlobContainerPublicAccessType
    {
        Off,
        Container,
        Blob,
        Unknown,
    }

    /// <summary>The container's URI (Az: CloudBlobContainer, of which scripts read .Uri and .Name).</summary>
    public sealed class CloudBlobContainerInfo
    {
        public string Name { get; set; }
        public Uri Uri { get; set; }
        public override string ToString() => Uri?.ToString();
    }

    /// <summary>Az: AzureStorageContainer (New-AzStorageContainer).</summary>
    public sealed class AzureStorageContainer
    {
        public string Name { get; set; }
        public BlobContainerPublicAccessType? PublicAccess { get; set; }
        public DateTimeOffset? LastModified { get; set; }
        public CloudBlobContainerInfo CloudBlobContainer { get; set; }
        public IStorageContext Context { get; set; }
        public override string ToString() => Name;
    }

    /// <summary>The blob's URI (Az: ICloudBlob).</summary>
    public sealed class CloudBlobInfo
    {
        public string Name { get; set; }
        public Uri Uri { get; set; }
        public string BlobType { get; set; }
        public override string ToString() => Uri?.ToString();
    }

    /// <summary>Az: AzureStorageBlob (Set-AzStorageBlobContent), with the upload summary AseGpu has.</summary>
    public sealed class AzureStorageBlob
    {
        public string Name { get; set; }
        public string BlobType { get; set; } = "PageBlob";
        public long Length { get; set; }
        public string ContentType => "application/octet-stream";
        public DateTimeOffset? LastModified { get; set; }
        public CloudBlobInfo ICloudBlob { get; set; }
        public IStorageContext Context { get; set; }
        /// <summary>AseGpu: what the sparse, resumable upload sent and skipped.</summary>
        public AseUploadSummary Upload { get; set; }
        public override string ToString() => Name;
    }

    /// <summary>Az: StorageAccountKey (Get-AzStorageAccountKey): KeyName, Value, Permissions.</summary>
    public sealed class StorageAccountKey
    {
        public string KeyName { get; set; }
        public string Value { get; set; }
        public string Permissions { get; set; }
        public DateTime? CreationTime { get; set; }
        public override string ToString() => KeyName;
    }

    /// <summary>Az: Sku of a storage account.</summary>
    public sealed class PSSku
    {
        public string Name { get; set; }
        public string Tier { get; set; }
        public override string ToString() => Name;
    }

    /// <summary>Az: Endpoints (PrimaryEndpoints.Blob...).</summary>
    public sealed class PSEndpoints
    {
        public string Blob { get; set; }
        public string Queue { get; set; }
        public string Table { get; set; }
        public string File { get; set; }
        public string Web { get; set; }
        public string Dfs { get; set; }
        public override string ToString() => Blob;
    }

    /// <summary>Az: PSStorageAccount (New-/Get-AzStorageAccount).</summary>
    public sealed class PSStorageAccount
    {
        AseSession _session;
        AzureStorageContext _context;

        public string ResourceGroupName { get; set; }
        public string StorageAccountName { get; set; }
        public string Id { get; set; }
        public string Location { get; set; }
        public PSSku Sku { get; set; }
        public string Kind { get; set; }
        public string AccessTier { get; set; }
        public DateTime? CreationTime { get; set; }
        public PSEndpoints PrimaryEndpoints { get; set; }
        public string PrimaryLocation { get; set; }
        public string ProvisioningState { get; set; }
        public PSEndpoints SecondaryEndpoints => null;
        public string SecondaryLocation => null;
        public string StatusOfPrimary { get; set; }
        public string StatusOfSecondary => null;
        public Hashtable Tags { get; set; }
        public bool? EnableHttpsTrafficOnly { get; set; }

        /// <summary>A storage context with the account's first key, read from the device when first used (as Az's is).</summary>
        public IStorageContext Context
        {
            get
            {
                if (_context == null && _session != null && PrimaryEndpoints?.Blob != null)
                {
                    StorageAccountKey key = AzStorageService.Keys(_session, Id, System.Threading.CancellationToken.None).FirstOrDefault();
                    if (key != null) _context = new AzureStorageContext(StorageAccountName, key.Value, PrimaryEndpoints.Blob, null, new Uri(PrimaryEndpoints.Blob).Scheme);
                }
                return _context;
            }
        }

        public static PSStorageAccount FromArm(object a, AseSession session)
        {
            string id = Arm.Str(a, "id");
            return new PSStorageAccount
            {
                _session = session,
                ResourceGroupName = Arm.IdSegment(id, "resourceGroups"),
                StorageAccountName = Arm.Str(a, "name"),
                Id = id,
                Location = Arm.Str(a, "location"),
                Sku = new PSSku { Name = Arm.Str(a, "sku", "name"), Tier = Arm.Str(a, "sku", "tier") },
                Kind = Arm.Str(a, "kind"),
                AccessTier = Arm.Str(a, "properties", "accessTier"),
                CreationTime = Arm.Time(a, "properties", "creationTime"),
                PrimaryEndpoints = new PSEndpoints
                {
                    Blob = Arm.Str(a, "properties", "primaryEndpoints", "blob"),
                    Queue = Arm.Str(a, "properties", "primaryEndpoints", "queue"),
                    Table = Arm.Str(a, "properties", "primaryEndpoints", "table"),
                    File = Arm.Str(a, "properties", "primaryEndpoints", "file"),
                },
                PrimaryLocation = Arm.Str(a, "properties", "primaryLocation"),
                ProvisioningState = Arm.Str(a, "properties", "provisioningState"),
                StatusOfPrimary = Arm.Str(a, "properties", "statusOfPrimary"),
                Tags = Arm.Tags(a),
                EnableHttpsTrafficOnly = Arm.Bool(a, "properties", "supportsHttpsTrafficOnly"),
            };
        }

        public override string ToString() => StorageAccountName;
    }

    /// <summary>Az: VhdUploadContext (Add-AzVhd).</summary>
    public sealed class VhdUploadContext
    {
        public System.IO.FileInfo LocalFilePath { get; set; }
        public Uri DestinationUri { get; set; }
        /// <summary>AseGpu: what the upload sent and skipped.</summary>
        public AseUploadSummary Upload { get; set; }
    }

    /// <summary>Storage accounts through ARM (plain resources: asegpu_arm_request).</summary>
    public static class AzStorageService
    {
        public static IEnumerable<StorageAccountKey> Keys(AseSession session, string accountId, System.Threading.CancellationToken ct)
        {
            object r = session.ArmRequest("POST", Arm.PathOf(accountId) + "/listKeys", Arm.StorageApi, null, false, null, ct);
            return Arm.List(r, "keys").Select(k => new StorageAccountKey
            {
                KeyName = Arm.Str(k, "keyName"),
                Value = Arm.Str(k, "value"),
                Permissions = Permissions(Arm.Str(k, "permissions")),
                CreationTime = Arm.Time(k, "creationTime"),
            }).ToArray();
        }

        static string Permissions(string p)
        {
            if (string.Equals(p, "full", StringComparison.OrdinalIgnoreCase)) return "Full";
            if (string.Equals(p, "read", StringComparison.OrdinalIgnoreCase)) return "Read";
            return p;
        }
    }
}
