// AseSession, images: the VHD check, storage account, VHD upload and image creation (asegpu_vhd_*, asegpu_image_create).
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AseGpu
{
    public sealed partial class AseSession
    {
        /// <summary>asegpu_vhd_check (no session needed): throws InvalidArgument naming the problem and the fix.</summary>
        public static string CheckVhdJson(string path)
        {
            byte[] p = Utf8.ToNullTerminated(path == null ? null : System.IO.Path.GetFullPath(path));
            AseSessionHandle unused;
            return Invoke(null, "vhdCheck", path, CancellationToken.None, null,
                c => NativeMethods.asegpu_vhd_check(p, out c.Json, out c.Error), out unused);
        }

        public static AseVhdInfo CheckVhd(string path) { return AseVhdInfo.FromJson(CheckVhdJson(path)); }

        public string NewStorageAccountJson(string requestJson, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("storageAccountCreate", null, ct, ProgressSink.For(progress, null),
                c => NativeMethods.asegpu_storage_account_create(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        /// <summary>Creates a storage account (kind Storage; Standard_LRS unless <paramref name="sku"/>), or returns the existing one.</summary>
        public AseStorageAccount NewStorageAccount(string resourceGroup, string name, string sku, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["resourceGroup"] = resourceGroup;
            d["name"] = name;
            Req.Put(d, "sku", sku);
            return AseStorageAccount.FromJson(NewStorageAccountJson(AseJson.Serialize(d), progress, ct));
        }

        public Task<AseStorageAccount> NewStorageAccountAsync(string resourceGroup, string name, string sku, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run(() => NewStorageAccount(resourceGroup, name, sku, progress, ct));
        }
        public AseOperation StartNewStorageAccount(string resourceGroup, string name, string sku)
        {
            return new AseOperation("storageAccountCreate", name, (p, ct) => NewStorageAccount(resourceGroup, name, sku, p, ct));
        }

        public string SendVhdJson(string requestJson, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("vhdUpload", null, ct, ProgressSink.For(progress, onProgressJson),
                c => NativeMethods.asegpu_vhd_upload(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        /// <summary>Uploads a fixed VHD as a page blob (resumable; progress carries BytesDone/BytesTotal).</summary>
        public AseUploadSummary SendVhd(AseVhdUploadRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            return AseUploadSummary.FromJson(SendVhdJson(request.ToJson(), progress, null, ct));
        }

        public Task<AseUploadSummary> SendVhdAsync(AseVhdUploadRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct) { return Run(() => SendVhd(request, progress, ct)); }
        public AseOperation StartSendVhd(AseVhdUploadRequest request)
        {
            return new AseOperation("vhdUpload", request == null ? null : request.VhdPath, (p, ct) => SendVhd(request, p, ct));
        }

        public string NewImageJson(string requestJson, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("imageCreate", null, ct, ProgressSink.For(progress, onProgressJson),
                c => NativeMethods.asegpu_image_create(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        /// <summary>The documented bring-an-image flow end to end (check, storage account, upload, image).</summary>
        public AseImageResult NewImage(AseImageRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            return AseImageResult.FromJson(NewImageJson(request.ToJson(), progress, null, ct));
        }

        public Task<AseImageResult> NewImageAsync(AseImageRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct) { return Run(() => NewImage(request, progress, ct)); }
        public AseOperation StartNewImage(AseImageRequest request)
        {
            return new AseOperation("imageCreate", request == null ? null : request.ImageName, (p, ct) => NewImage(request, p, ct));
        }
    }
}
