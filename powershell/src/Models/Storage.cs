// Models of storage: the account (asegpu_storage_account_create); the data plane's context, container, SAS request.
using System;
using System.Collections.Generic;

namespace AseGpu
{
    /// <summary>A storage account (asegpu_storage_account_create).</summary>
    public sealed class AseStorageAccount
    {
        public string Name { get; private set; }
        public string Id { get; private set; }
        public string BlobEndpoint { get; private set; }
        public string ProvisioningState { get; private set; }
        public string Json { get; private set; }

        public static AseStorageAccount FromJson(string json)
        {
            IDictionary<string, object> d = J.Doc(json, "storage account");
            IDictionary<string, object> p = J.Obj(d, "properties");
            return new AseStorageAccount
            {
                Name = AseJson.Str(d, "name"),
                Id = AseJson.Str(d, "id"),
                BlobEndpoint = AseJson.Str(J.Obj(p, "primaryEndpoints"), "blob"),
                ProvisioningState = AseJson.Str(p, "provisioningState"),
                Json = json,
            };
        }
    }

    /// <summary>
    /// A storage context (New-AzStorageContext): account, key and blob endpoint. The key is sent to the
    /// library only, which signs with it and wipes its copy; ToString() never shows it.
    /// </summary>
    public sealed class AseStorageContext
    {
        public string StorageAccountName { get; set; }
        public string StorageAccountKey { get; set; }
        /// <summary>https://&lt;account&gt;.blob.&lt;device&gt;.&lt;domain&gt;/ (null: from the device's storage suffix).</summary>
        public string BlobEndpoint { get; set; }

        internal Dictionary<string, object> ToRequest()
        {
            if (string.IsNullOrEmpty(StorageAccountName)) throw new ArgumentException("the storage context has no account name");
            if (string.IsNullOrEmpty(StorageAccountKey)) throw new ArgumentException("the storage context has no account key (Get-AzStorageAccountKey)");
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["storageAccountName"] = StorageAccountName;
            d["storageAccountKey"] = StorageAccountKey;
            Req.Put(d, "blobEndpoint", BlobEndpoint);
            return d;
        }

        public override string ToString() { return StorageAccountName + (BlobEndpoint == null ? "" : " (" + BlobEndpoint + ")"); }
    }

    /// <summary>asegpu_storage_container_create: the container, its URI and whether this call created it.</summary>
    public sealed class AseStorageContainer
    {
        public string Name { get; private set; }
        public string Uri { get; private set; }
        public bool Created { get; private set; }
        public string Json { get; private set; }

        public static AseStorageContainer FromJson(string json)
        {
            IDictionary<string, object> d = J.Doc(json, "container");
            return new AseStorageContainer
            {
                Name = AseJson.Str(d, "name"),
                Uri = AseJson.Str(d, "uri"),
                Created = J.Bool(d, "created") ?? false,
                Json = json,
            };
        }

        public override string ToString() { return Name; }
    }

    /// <summary>An account SAS for the blob service (asegpu_storage_sas_token), as New-AzStorageAccountSASToken takes it.</summary>
    public sealed class AseSasRequest
    {
        public AseStorageContext Context { get; set; }
        /// <summary>Blob (the only service the device's storage offers through this call).</summary>
        public string[] Service { get; set; }
        /// <summary>Service, Container, Object.</summary>
        public string[] ResourceType { get; set; }
        /// <summary>Letters of rwdlacup, e.g. "acdlrw".</summary>
        public string Permission { get; set; }
        /// <summary>HttpsOnly (default) or HttpsOrHttp.</summary>
        public string Protocol { get; set; }
        public DateTime? StartTime { get; set; }
        /// <summary>Default: one hour from now.</summary>
        public DateTime? ExpiryTime { get; set; }

        static string Rfc3339(DateTime t)
        {
            DateTime u = t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Local).ToUniversalTime() : t.ToUniversalTime();
            return u.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        }

        public string ToJson()
        {
            if (Context == null) throw new ArgumentNullException("Context");
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["context"] = Context.ToRequest();
            if (Service != null && Service.Length > 0) d["service"] = Service;
            d["resourceType"] = ResourceType ?? new string[0];
            d["permission"] = Permission ?? "";
            Req.Put(d, "protocol", Protocol);
            if (StartTime.HasValue) d["startTime"] = Rfc3339(StartTime.Value);
            if (ExpiryTime.HasValue) d["expiryTime"] = Rfc3339(ExpiryTime.Value);
            return AseJson.Serialize(d);
        }
    }
}
