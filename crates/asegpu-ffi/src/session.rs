//! Sessions (connect / disconnect / info) and resource groups.

use super::{
    arg_json, arg_str, block_on, check_out, guard, progress_sink, put_json, token_of, AsegpuCancelToken, AsegpuError,
    AsegpuProgressCallback,
};
use crate::job::Job;
use asegpu_core::arm::resources::NewResourceGroup;
use asegpu_core::arm::{ConnectOptions, Session};
use asegpu_core::error::{Error, Result, Status};
use asegpu_core::progress::Progress;
use std::ffi::{c_char, c_void};
use zeroize::Zeroizing;

/// A connection to one device's local ARM. Thread-safe: one session may be used from many threads at
/// once. Free it with `asegpu_session_free` (that is "disconnect").
pub struct AsegpuSession(pub(crate) Session);

/// Borrow the session behind a handle.
pub(crate) fn session_of<'a>(s: *const AsegpuSession) -> Result<&'a Session> {
    // SAFETY: documented contract: NULL or a live session.
    unsafe { s.as_ref() }.map(|s| &s.0).ok_or_else(|| Error::new(Status::NullArgument, "argument 'session' is NULL"))
}

/// Connect to a device: read its metadata endpoint, sign in to AD FS as the given user, and find its
/// subscription. `options_json` is a ConnectOptions document (`armEndpoint` required; `username`,
/// `tenantId`, `tls` {`caCertFile`, `caCertPem`, `caOnly`, `certificateThumbprint`,
/// `insecureSkipTlsVerify`}, `hostMap`, `deviceIp`, `requestTimeoutSeconds`, `retry`, `clientId`, and
/// `device`: the facts ARM does not expose, {`gpuCount`, `gpuModel`, `kubernetesConfigured`,
/// `kubernetesGpus`, `release`, `customSizes` (each `"NAME:VCPUS:MEMORY_GIB[:GPUS]"` or an entry as
/// `Get-HcsVMCustomSizes` prints it), `mpsEnabled`}).
/// The password is a separate argument so it never travels inside a JSON document; asegpu keeps it in
/// memory only (zeroised on free) to renew the sign-in.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_session_connect(
    options_json: *const c_char,
    password: *const c_char,
    callback: AsegpuProgressCallback,
    userdata: *mut c_void,
    cancel: *const AsegpuCancelToken,
    out_session: *mut *mut AsegpuSession,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            // Outputs are written only on success: `*out_session` keeps whatever the caller had in it until then.
            check_out(out_session, "out_session")?;
            let options: ConnectOptions = arg_json(options_json, "options_json")?;
            let password = Zeroizing::new(arg_str(password, "password")?.to_string());
            let sink = progress_sink(callback, userdata);
            let progress = Progress::new(&sink);
            let cancel = token_of(cancel);
            let session = block_on(Session::connect(options, password, &progress, &cancel))??;
            *out_session = Box::into_raw(Box::new(AsegpuSession(session)));
            Ok(())
        })
    }
}

/// Disconnect and free a session. NULL is ignored. The password and tokens are zeroised.
///
/// # Safety
/// `session` must be NULL or a session from `asegpu_session_connect` not freed yet, and no other thread
/// may be using it.
#[no_mangle]
pub unsafe extern "C" fn asegpu_session_free(session: *mut AsegpuSession) {
    ffi_boundary! {
        if !session.is_null() {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(Box::from_raw(session))));
        }
    }
}

/// What the session is connected to (`account`, `subscriptionId`, `subscriptionName`, `tenantId`,
/// `armEndpoint`, `loginEndpoint`, `tlsVerification`, `tokenExpiresOn`, `tokenRenewals`...).
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_session_info(
    session: *const AsegpuSession,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            let s = session_of(session)?;
            let info = block_on(s.info())?;
            put_json(out_json, &info)
        })
    }
}

/// List the resource groups: a JSON array of ARM resource groups.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_resource_group_list(
    session: *const AsegpuSession,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            let s = session_of(session)?;
            let groups = block_on(s.list_resource_groups(&token_of(cancel)))??;
            put_json(out_json, &groups)
        })
    }
}

/// Get one resource group by name (case-insensitive); `ASEGPU_STATUS_NOT_FOUND` if it does not exist.
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_resource_group_get(
    session: *const AsegpuSession,
    name: *const c_char,
    cancel: *const AsegpuCancelToken,
    out_json: *mut *mut c_char,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            check_out(out_json, "out_json")?;
            let s = session_of(session)?;
            let name = arg_str(name, "name")?;
            let g = block_on(s.get_resource_group(name, &token_of(cancel)))??;
            put_json(out_json, &g)
        })
    }
}

/// Create or update a resource group from `{"name": "...", "location": "dbelocal", "tags": {}}`
/// (location optional; any other location is refused).
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_resource_group_create(
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
            let req: NewResourceGroup = arg_json(request_json, "request_json")?;
            let g = block_on(s.create_resource_group(&req, &token_of(cancel)))??;
            put_json(out_json, &g)
        })
    }
}

/// Delete a resource group and everything in it: a long-running operation, reported through `callback`
/// and cancellable through `cancel` (the deletion itself goes on on the device once accepted).
///
/// # Safety
/// Pointers must be NULL or valid as documented in the header.
#[no_mangle]
pub unsafe extern "C" fn asegpu_resource_group_delete(
    session: *const AsegpuSession,
    name: *const c_char,
    callback: AsegpuProgressCallback,
    userdata: *mut c_void,
    cancel: *const AsegpuCancelToken,
    out_error: *mut *mut AsegpuError,
) -> Status {
    ffi_boundary! {
        guard(out_error, || {
            session_of(session)?;
            let name = arg_str(name, "name")?;
            Job { session, callback, userdata, cancel }.run(async |s, p, c| s.delete_resource_group(name, p, c).await)
        })
    }
}
