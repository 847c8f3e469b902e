//! C ABI for the storage data plane (contexts, containers, account SAS, page-blob uploads) and for one ARM
//! request, the pieces the Az compatibility layer builds `New-AzStorageContainer`, `Set-AzStorageBlobContent`,
//! `Get-AzDisk`, `New-AzNetworkInterface` and the like on.

use super::session::session_of;
use super::{
    arg_json, block_on, check_out, guard, put_json, put_string, token_of, AsegpuCancelToken, AsegpuError,
    AsegpuProgressCallback, AsegpuSession,
};
use crate::job::Job;
use asegpu_core::error::Status;
use asegpu_core::ops::{rest, storage};
use std::ffi::{c_char, c_void};

/// One ARM request: `{"method", "path", "apiVersion", "body"?, "longRunning"?}`. `path` is a path on the
/// device's ARM endpoint (`/subscriptions/...`); a URL is refused, so the token only goes to the device.
/// PUT, PATCH, POST and DELETE wait for the end of a long-running operation unless `longRunning` is false.
/// `out_json` receives the response body (the final resource), or `null`.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_arm_request(
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
            job.json(request_json, out_json, async |s, req: rest::ArmRequest, p, c| rest::send(s, &req, p, c).await)
        })
    }
}

/// Create a blob container (private) if it does not exist: `{"context": {"storageAccountName",
/// "storageAccountKey", "blobEndpoint"?}, "name"}`. `out_json`: `{name, uri, created}`.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_storage_container_create(
    session: *const AsegpuSession,
    request_json: *const c_char,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            let s = session_of(session)?;
            let req: storage::ContainerRequest = arg_json(request_json, "request_json")?;
            put_json(out_json, &block_on(storage::create_container(s, &req, &token_of(cancel)))??)
        })
    }
}

/// An account SAS token for the blob service, as `New-AzStorageAccountSASToken` makes it: `{"context",
/// "service"?: ["Blob"], "resourceType": ["Service","Container","Object"], "permission": "acdlrw",
/// "protocol"?: "HttpsOnly" | "HttpsOrHttp", "startTime"?, "expiryTime"? (RFC 3339; default one hour)}`.
/// `out_token` receives the token starting with `?`. Needs no session: nothing is sent.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_storage_sas_token(
    request_json: *const c_char,
    out_token: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_token, "out_token")?;
            let req: storage::SasRequest = arg_json(request_json, "request_json")?;
            put_string(out_token, storage::account_sas(&req)?)
        })
    }
}

/// Upload a local file (a multiple of 512 bytes, e.g. a fixed VHD) as a page blob with a storage context:
/// `{"context", "container", "blobName", "file", "options"?}` (options as for `asegpu_vhd_upload`). The
/// container is created when missing; an earlier interrupted upload of the same file is resumed.
/// `out_json`: the upload summary (`blobUri`, bytes sent and skipped, ...).
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_storage_page_blob_upload(
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
            job.json(request_json, out_json, async |s, req: storage::PageBlobUpload, p, c| storage::upload_page_blob(s, &req, p, c).await)
        })
    }
}
