// AseSession, one ARM request and the storage data plane: containers, account SAS, page blobs (crates/asegpu-ffi/src/storage.rs).
//
//   asegpu_arm_request               one request on the device's ARM endpoint (path only, LRO-aware)
//   asegpu_storage_container_create  a blob container with a storage context
//   asegpu_storage_sas_token         an account SAS token (no session, nothing is sent)
//   asegpu_storage_page_blob_upload  a local 512-aligned file (a fixed VHD) as a page blob
//
// Their DllImports are in Native.cs, their types in Models/Storage.cs.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AseGpu
{
    public sealed partial class AseSession
    {
        // ---- one ARM request ---------------------------------------------------------------------

        /// <summary>asegpu_arm_request with its JSON request ({method, path, apiVersion, body?, longRunning?}); the response JSON ("null" without a body).</summary>
        public string ArmRequestJson(string requestJson, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("armRequest", null, ct, ProgressSink.For(progress, null),
                c => NativeMethods.asegpu_arm_request(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        /// <summary>The request document of ArmRequest.</summary>
        public static string ArmRequestDocument(string method, string path, string apiVersion, object body, bool? longRunning)
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["method"] = method;
            d["path"] = path;
            d["apiVersion"] = apiVersion;
            if (body != null) d["body"] = body;
            if (longRunning.HasValue) d["longRunning"] = longRunning.Value;
            return AseJson.Serialize(d);
        }

        /// <summary>
        /// One request on the device's ARM endpoint: <paramref name="path"/> is a path (/subscriptions/...), never a
        /// URL. PUT/PATCH/POST/DELETE wait for a long-running operation unless <paramref name="longRunning"/> is false.
        /// The result is the parsed response (Dictionary&lt;string,object&gt;, List&lt;object&gt;...) or null; failures
        /// are AseGpuExceptions with the ARM code and status (404: NotFound).
        /// </summary>
        public object ArmRequest(string method, string path, string apiVersion, object body, bool? longRunning,
            IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            string json = Invoke("armRequest", path, ct, ProgressSink.For(progress, null), c =>
            {
                byte[] r = Utf8.ToNullTerminated(ArmRequestDocument(method, path, apiVersion, body, longRunning));
                return NativeMethods.asegpu_arm_request(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error);
            });
            return json == null ? null : AseJson.Parse(json);
        }

        public object ArmRequest(string method, string path, string apiVersion, object body)
        {
            return ArmRequest(method, path, apiVersion, body, null, null, CancellationToken.None);
        }

        public Task<object> ArmRequestAsync(string method, string path, string apiVersion, object body, bool? longRunning,
            IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run(() => ArmRequest(method, path, apiVersion, body, longRunning, progress, ct));
        }

        public AseOperation StartArmRequest(string method, string path, string apiVersion, object body)
        {
            return new AseOperation("armRequest", path, (p, ct) => ArmRequest(method, path, apiVersion, body, null, p, ct));
        }

        // ---- containers ---------------------------------------------------------------------------

        public string NewStorageContainerJson(string requestJson, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("storageContainerCreate", null, ct, null,
                c => NativeMethods.asegpu_storage_container_create(c.Session, r, c.Cancel, out c.Json, out c.Error));
        }

        /// <summary>Creates a (private) blob container when it does not exist.</summary>
        public AseStorageContainer NewStorageContainer(AseStorageContext context, string name, CancellationToken ct)
        {
            if (context == null) throw new ArgumentNullException("context");
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["context"] = context.ToRequest();
            d["name"] = name;
            return AseStorageContainer.FromJson(NewStorageContainerJson(AseJson.Serialize(d), ct));
        }

        public AseStorageContainer NewStorageContainer(AseStorageContext context, string name) { return NewStorageContainer(context, name, CancellationToken.None); }

        public Task<AseStorageContainer> NewStorageContainerAsync(AseStorageContext context, string name, CancellationToken ct)
        {
            return Run(() => NewStorageContainer(context, name, ct));
        }

        public AseOperation StartNewStorageContainer(AseStorageContext context, string name)
        {
            return new AseOperation("storageContainerCreate", name, (p, ct) => NewStorageContainer(context, name, ct));
        }

        // ---- account SAS (no session) ---------------------------------------------------------------

        public static string NewStorageSasTokenFromJson(string requestJson)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            AseSessionHandle unused;
            return Invoke(null, "storageSasToken", null, CancellationToken.None, null,
                c => NativeMethods.asegpu_storage_sas_token(r, out c.Json, out c.Error), out unused);
        }

        /// <summary>The account SAS token, starting with '?' as New-AzStorageAccountSASToken returns it.</summary>
        public static string NewStorageSasToken(AseSasRequest request)
        {
            if (request == null) throw new ArgumentNullException("request");
            return NewStorageSasTokenFromJson(request.ToJson());
        }

        // ---- page-blob upload -----------------------------------------------------------------------

        public string SendPageBlobJson(string requestJson, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("storagePageBlobUpload", null, ct, ProgressSink.For(progress, onProgressJson),
                c => NativeMethods.asegpu_storage_page_blob_upload(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        /// <summary>
        /// Uploads a local file (a multiple of 512 bytes, e.g. a fixed VHD) as a page blob (sparse-aware, resumable;
        /// the container is created when missing). <paramref name="options"/>: {concurrency, chunkSizeBytes, resume,
        /// verifyExisting, verifySamples, overwrite} or null.
        /// </summary>
        public AseUploadSummary SendPageBlob(AseStorageContext context, string container, string blobName, string file,
            IDictionary options, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            if (context == null) throw new ArgumentNullException("context");
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["context"] = context.ToRequest();
            d["container"] = container;
            d["blobName"] = blobName;
            d["file"] = Req.FullPath(file);
            if (options != null && options.Count > 0) d["options"] = options;
            return AseUploadSummary.FromJson(SendPageBlobJson(AseJson.Serialize(d), progress, null, ct));
        }

        public Task<AseUploadSummary> SendPageBlobAsync(AseStorageContext context, string container, string blobName, string file,
            IDictionary options, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run(() => SendPageBlob(context, container, blobName, file, options, progress, ct));
        }

        public AseOperation StartSendPageBlob(AseStorageContext context, string container, string blobName, string file, IDictionary options)
        {
            return new AseOperation("storagePageBlobUpload", file, (p, ct) => SendPageBlob(context, container, blobName, file, options, p, ct));
        }
    }
}
