// Models of images and VHDs: the image and upload requests, the image result, the VHD check, the upload summary.
using System.Collections;
using System.Collections.Generic;

namespace AseGpu
{
    /// <summary>Bring an image from a local VHD (asegpu_image_create).</summary>
    public sealed class AseImageRequest
    {
        public string ResourceGroup { get; set; }
        public string StorageAccount { get; set; }
        public string StorageSku { get; set; }
        public string Container { get; set; }
        public string BlobName { get; set; }
        public string VhdPath { get; set; }
        public string ImageName { get; set; }
        /// <summary>Linux or Windows.</summary>
        public string OsType { get; set; }
        /// <summary>blob (default) or managedDisk.</summary>
        public string Source { get; set; }
        public string DiskName { get; set; }
        /// <summary>Upload options {concurrency, chunkSizeBytes, resume, verifyExisting, verifySamples, overwrite}.</summary>
        public IDictionary Upload { get; set; }
        public IDictionary Tags { get; set; }

        public string ToJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["resourceGroup"] = ResourceGroup;
            d["storageAccount"] = StorageAccount;
            Req.Put(d, "storageSku", StorageSku);
            Req.Put(d, "container", Container);
            Req.Put(d, "blobName", BlobName);
            d["vhdPath"] = Req.FullPath(VhdPath);
            d["imageName"] = ImageName;
            d["osType"] = OsType;
            Req.Put(d, "source", Source);
            Req.Put(d, "diskName", DiskName);
            if (Upload != null && Upload.Count > 0) d["upload"] = Upload;
            if (Tags != null && Tags.Count > 0) d["tags"] = Tags;
            return AseJson.Serialize(d);
        }
    }

    /// <summary>asegpu_image_create: the image made from a local VHD (check, storage account, upload, image).</summary>
    public sealed class AseImageResult
    {
        public string ImageId { get; private set; }
        public string ImageName { get { return ImageId == null ? null : ImageId.Substring(ImageId.LastIndexOf('/') + 1); } }
        public string BlobUri { get; private set; }
        public string BlobEndpoint { get; private set; }
        public string StorageAccountId { get; private set; }
        public string DiskId { get; private set; }
        public AseVhdInfo Vhd { get; private set; }
        public AseUploadSummary Upload { get; private set; }
        public double Seconds { get; private set; }
        public string Json { get; private set; }

        public static AseImageResult FromJson(string json)
        {
            IDictionary<string, object> d = J.Doc(json, "image result");
            IDictionary<string, object> v = J.Obj(d, "vhd");
            IDictionary<string, object> u = J.Obj(d, "upload");
            return new AseImageResult
            {
                ImageId = AseJson.Str(d, "imageId"),
                BlobUri = AseJson.Str(d, "blobUri"),
                BlobEndpoint = AseJson.Str(d, "blobEndpoint"),
                StorageAccountId = AseJson.Str(d, "storageAccountId"),
                DiskId = AseJson.Str(d, "diskId"),
                Vhd = v == null ? null : AseVhdInfo.From(v, AseJson.Serialize(v)),
                Upload = u == null ? null : AseUploadSummary.From(u, AseJson.Serialize(u)),
                Seconds = AseJson.Num(d, "seconds") ?? 0,
                Json = json,
            };
        }
    }

    /// <summary>Upload a fixed VHD to an existing storage account (asegpu_vhd_upload).</summary>
    public sealed class AseVhdUploadRequest
    {
        public string ResourceGroup { get; set; }
        public string StorageAccount { get; set; }
        public string Container { get; set; }
        public string BlobName { get; set; }
        public string VhdPath { get; set; }
        public IDictionary Options { get; set; }

        public string ToJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["resourceGroup"] = ResourceGroup;
            d["storageAccount"] = StorageAccount;
            Req.Put(d, "container", Container);
            Req.Put(d, "blobName", BlobName);
            d["vhdPath"] = Req.FullPath(VhdPath);
            if (Options != null && Options.Count > 0) d["options"] = Options;
            return AseJson.Serialize(d);
        }
    }

    /// <summary>asegpu_vhd_check: a fixed-size Generation 1 VHD the device accepts.</summary>
    public sealed class AseVhdInfo
    {
        public string Path { get; private set; }
        public long FileSize { get; private set; }
        public long DiskSize { get; private set; }
        public long DiskSizeGb { get; private set; }
        public string CreatorApplication { get; private set; }
        public string UniqueId { get; private set; }
        public string Partitioning { get; private set; }
        public string HyperVGeneration { get; private set; }
        public string Json { get; private set; }

        internal static AseVhdInfo From(IDictionary<string, object> d, string json)
        {
            return new AseVhdInfo
            {
                Path = AseJson.Str(d, "path"),
                FileSize = (long)(AseJson.Num(d, "fileSize") ?? 0),
                DiskSize = (long)(AseJson.Num(d, "diskSize") ?? 0),
                DiskSizeGb = (long)(AseJson.Num(d, "diskSizeGb") ?? 0),
                CreatorApplication = AseJson.Str(d, "creatorApplication"),
                UniqueId = AseJson.Str(d, "uniqueId"),
                Partitioning = AseJson.Str(d, "partitioning"),
                HyperVGeneration = AseJson.Str(d, "hyperVGeneration"),
                Json = json,
            };
        }

        public static AseVhdInfo FromJson(string json) { return From(J.Doc(json, "VHD info"), json); }
    }

    /// <summary>asegpu_vhd_upload's summary.</summary>
    public sealed class AseUploadSummary
    {
        public string BlobUri { get; private set; }
        public long SizeBytes { get; private set; }
        public long SentBytes { get; private set; }
        public long Requests { get; private set; }
        public bool Resumed { get; private set; }
        public double Seconds { get; private set; }
        public double MiBPerSecond { get; private set; }
        public string Json { get; private set; }

        internal static AseUploadSummary From(IDictionary<string, object> d, string json)
        {
            return new AseUploadSummary
            {
                BlobUri = AseJson.Str(d, "blobUri"),
                SizeBytes = (long)(AseJson.Num(d, "sizeBytes") ?? 0),
                SentBytes = (long)(AseJson.Num(d, "sentBytes") ?? 0),
                Requests = (long)(AseJson.Num(d, "requests") ?? 0),
                Resumed = J.Bool(d, "resumed") ?? false,
                Seconds = AseJson.Num(d, "seconds") ?? 0,
                MiBPerSecond = AseJson.Num(d, "mibPerSecond") ?? 0,
                Json = json,
            };
        }

        public static AseUploadSummary FromJson(string json) { return From(J.Doc(json, "upload summary"), json); }
    }
}
