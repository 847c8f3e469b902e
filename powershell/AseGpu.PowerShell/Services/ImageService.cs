namespace AseGpu.PowerShell
{
    /// <summary>Bring an image: VHD check, page-blob upload, image creation.</summary>
    public static class ImageService
    {
        /// <summary>The container uploads go to when none is named.</summary>
        public const string DefaultContainer = "vhds";

        /// <summary>Checks a local VHD (no session needed); <paramref name="target"/> is the path as the user wrote it.</summary>
        public static AseOperationSpec CheckVhd(string fullPath, string target = null)
        {
            return new AseOperationSpec("Checking " + fullPath, target ?? fullPath, (p, ct) => AseSession.CheckVhd(fullPath));
        }

        public static AseOperationSpec Upload(AseSession session, AseVhdUploadRequest request)
        {
            return new AseOperationSpec("Uploading " + request.VhdPath, request.VhdPath, (p, ct) => session.SendVhd(request, p, ct))
            {
                Details = "to " + request.StorageAccount + "/" + (request.Container ?? DefaultContainer) + "/" + (request.BlobName ?? System.IO.Path.GetFileName(request.VhdPath))
                    + " in " + request.ResourceGroup,
            };
        }

        public static AseOperationSpec NewImage(AseSession session, AseImageRequest request)
        {
            return new AseOperationSpec("Creating image '" + request.ImageName + "'", request.ImageName, (p, ct) => session.NewImage(request, p, ct))
            {
                Details = request.ResourceGroup + "/" + request.ImageName + " from " + request.VhdPath + " via storage account " + request.StorageAccount
                    + ", " + request.OsType + (request.Source == null ? "" : ", source " + request.Source),
            };
        }
    }
}
