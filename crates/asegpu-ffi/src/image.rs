//! Bring an image: the VHD check, storage accounts, the VHD upload and the whole image flow.

use super::{
    arg_str, check_out, guard, put_json, AsegpuCancelToken, AsegpuError, AsegpuProgressCallback, AsegpuSession,
};
use crate::job::Job;
use asegpu_core::arm::storage::NewStorageAccount;
use asegpu_core::error::Status;
use asegpu_core::ops::image::{self, BringImageRequest, UploadRequest};
use std::ffi::{c_char, c_void};

/// Check that a file is what the device accepts for an image: a fixed-size VHD (`.vhd`, valid footer,
/// disk type fixed, size = file length - 512 and 1 MiB aligned) of a Generation 1 (MBR) disk. On success
/// `out_json` receives `{path, fileSize, diskSize, diskSizeGb, creatorApplication, uniqueId, partitioning,
/// hyperVGeneration}`; otherwise `ASEGPU_STATUS_INVALID_ARGUMENT` (or `ASEGPU_STATUS_IO`) with a message
/// that names the problem and the fix (e.g. the `qemu-img convert` command).
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_vhd_check(
    path: *const c_char,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            let path = arg_str(path, "path")?;
            let info = image::check_vhd(std::path::Path::new(path))?;
            put_json(out_json, &info)
        })
    }
}

/// Create a storage account (kind Storage) and wait for it: `{"resourceGroup", "name", "sku"?: "Standard_LRS" |
/// "Premium_LRS", "tags"?}`. An account that already exists in the group is returned unchanged. `out_json`
/// receives the account as ARM returns it (`properties.primaryEndpoints.blob` is its blob endpoint).
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_storage_account_create(
    session: *const AsegpuSession,
    request_json: *const c_char,
    callback: AsegpuProgressCallback,
    userdata: *mut c_void,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            let job = Job { session, callback, userdata, cancel };
            job.json(request_json, out_json, async |s, req: NewStorageAccount, p, c| {
                s.create_storage_account(&req, p, c).await
            })
        })
    }
}

/// Upload a fixed VHD as a page blob to an existing storage account on the device (the container is created
/// when missing): `{"resourceGroup", "storageAccount", "container"?: "vhds", "blobName"?: <file name>,
/// "vhdPath", "options"?: {"concurrency": 8, "chunkSizeBytes": 4194304, "resume": true, "verifyExisting":
/// false, "verifySamples": 0, "overwrite": false}}`. Holes and all-zero ranges are not sent; an interrupted
/// upload of the same VHD resumes without resending what the blob holds. Progress events carry `bytesDone`
/// and `bytesTotal`. `out_json` receives the summary (`blobUri`, `sizeBytes`, `dataBytes`, `holeBytes`,
/// `zeroBytes`, `presentBytes`, `sentBytes`, `requests`, `resumed`, `seconds`, `mibPerSecond`...).
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_vhd_upload(
    session: *const AsegpuSession,
    request_json: *const c_char,
    callback: AsegpuProgressCallback,
    userdata: *mut c_void,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            let job = Job { session, callback, userdata, cancel };
            job.json(request_json, out_json, async |s, req: UploadRequest, p, c| req.run(s, p, c).await)
        })
    }
}

/// Bring an image, the documented flow end to end: check the VHD, create the storage account when missing,
/// get its keys, create the container, upload the VHD, and create the image from the blob URI (or through
/// a managed disk imported from it). Request: `{"resourceGroup", "storageAccount", "storageSku"?,
/// "container"?: "vhds", "blobName"?, "vhdPath", "imageName", "osType": "Linux" | "Windows", "source"?:
/// "blob" | "managedDisk", "diskName"?, "upload"?: {upload options}, "tags"?}`. `out_json` receives
/// `{vhd, storageAccountId, blobEndpoint, blobUri, upload, diskId?, imageId, image, seconds}`.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_image_create(
    session: *const AsegpuSession,
    request_json: *const c_char,
    callback: AsegpuProgressCallback,
    userdata: *mut c_void,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            let job = Job { session, callback, userdata, cancel };
            job.json(request_json, out_json, async |s, req: BringImageRequest, p, c| image::bring_image(s, &req, p, c).await)
        })
    }
}
