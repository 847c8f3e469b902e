// Models of storage: the storage account (asegpu_storage_account_create).
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
}
