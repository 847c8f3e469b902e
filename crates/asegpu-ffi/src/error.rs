//! The error object handed out through `AsegpuError **out_error`, and the per-thread last error.

use super::owned_str;
use asegpu_core::error::{Error, Status};
use std::cell::RefCell;
use std::ffi::{c_char, CString};

/// An error: status, message, HTTP status, ARM error code, request and correlation ids. Opaque; read it
/// with the accessors and free it with `asegpu_error_free`. Safe to move between threads.
pub struct AsegpuError {
    pub(crate) error: Error,
    texts: Texts,
}

/// Cached C strings for the accessors, so they can return borrowed pointers valid until the error is freed.
struct Texts {
    message: CString,
    arm_code: Option<CString>,
    request_id: Option<CString>,
    correlation_id: Option<CString>,
}

fn c(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).expect("no NUL")
}

impl AsegpuError {
    pub(crate) fn new(error: Error) -> Self {
        let texts = Texts {
            message: c(&error.to_string()),
            arm_code: error.arm_code.as_deref().map(c),
            request_id: error.request_id.as_deref().map(c),
            correlation_id: error.correlation_id.as_deref().map(c),
        };
        AsegpuError { error, texts }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<Error>> = const { RefCell::new(None) };
}

pub(crate) fn set_last_error(e: &Error) {
    LAST_ERROR.with(|l| *l.borrow_mut() = Some(e.clone()));
}
pub(crate) fn clear_last_error() {
    LAST_ERROR.with(|l| *l.borrow_mut() = None);
}

/// Borrow one of the error's strings; valid until the error is freed.
fn borrowed(err: *const AsegpuError, pick: fn(&Texts) -> Option<&CString>) -> *const c_char {
    if err.is_null() {
        return std::ptr::null();
    }
    // SAFETY: non-null error pointers come from asegpu and stay valid until freed (documented).
    let e = unsafe { &*err };
    pick(&e.texts).map(|s| s.as_ptr()).unwrap_or(std::ptr::null())
}

/// The error's status code. `ASEGPU_STATUS_NULL_ARGUMENT` for a NULL error.
///
/// # Safety
/// `err` must be NULL or a live error from asegpu.
#[no_mangle]
pub unsafe extern "C" fn asegpu_error_status(err: *const AsegpuError) -> Status {
    ffi_boundary! {
        if err.is_null() {
            return Status::NullArgument;
        }
        // SAFETY: see `borrowed`.
        unsafe { (*err).error.status }
    }
}

/// The message in plain words (with the ARM code and HTTP status appended when present). Borrowed: valid
/// until the error is freed. NULL for a NULL error.
#[no_mangle]
pub extern "C" fn asegpu_error_message(err: *const AsegpuError) -> *const c_char {
    ffi_boundary! {
        borrowed(err, |t| Some(&t.message))
    }
}

/// The ARM error code (`ResourceGroupNotFound`...) or AD FS error (`invalid_grant`), or NULL.
#[no_mangle]
pub extern "C" fn asegpu_error_arm_code(err: *const AsegpuError) -> *const c_char {
    ffi_boundary! {
        borrowed(err, |t| t.arm_code.as_ref())
    }
}

/// `x-ms-request-id` of the failing response, or NULL.
#[no_mangle]
pub extern "C" fn asegpu_error_request_id(err: *const AsegpuError) -> *const c_char {
    ffi_boundary! {
        borrowed(err, |t| t.request_id.as_ref())
    }
}

/// `x-ms-correlation-request-id` of the failing call, or NULL.
#[no_mangle]
pub extern "C" fn asegpu_error_correlation_id(err: *const AsegpuError) -> *const c_char {
    ffi_boundary! {
        borrowed(err, |t| t.correlation_id.as_ref())
    }
}

/// HTTP status of the device's answer, or 0 when there was none.
///
/// # Safety
/// `err` must be NULL or a live error from asegpu.
#[no_mangle]
pub unsafe extern "C" fn asegpu_error_http_status(err: *const AsegpuError) -> u16 {
    ffi_boundary! {
        if err.is_null() {
            return 0;
        }
        // SAFETY: see `borrowed`.
        unsafe { (*err).error.http_status.unwrap_or(0) }
    }
}

/// The whole error as JSON (`status`, `statusName`, `message`, `httpStatus`, `armCode`, `requestId`,
/// `correlationId`, `details`). Owned: free with `asegpu_string_free`. NULL for a NULL error.
///
/// # Safety
/// `err` must be NULL or a live error from asegpu.
#[no_mangle]
pub unsafe extern "C" fn asegpu_error_to_json(err: *const AsegpuError) -> *mut c_char {
    ffi_boundary! {
        if err.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: see `borrowed`.
        let json = unsafe { (*err).error.to_json() }.to_string();
        owned_str(json)
    }
}

/// Free an error. NULL is ignored.
///
/// # Safety
/// `err` must be NULL or an error from asegpu that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn asegpu_error_free(err: *mut AsegpuError) {
    ffi_boundary! {
        if err.is_null() {
            return;
        }
        drop(Box::from_raw(err));
    }
}

/// A copy of the message of the last error on this thread (a convenience for C; prefer `out_error`), or
/// NULL when the last call succeeded. Owned: free with `asegpu_string_free`.
#[no_mangle]
pub extern "C" fn asegpu_last_error_message() -> *mut c_char {
    ffi_boundary! {
        match LAST_ERROR.with(|l| l.borrow().as_ref().map(|e| e.to_string())) {
            Some(m) => owned_str(m),
            None => std::ptr::null_mut(),
        }
    }
}

/// The status of the last error on this thread (`ASEGPU_STATUS_OK` after a success).
#[no_mangle]
pub extern "C" fn asegpu_last_error_status() -> Status {
    ffi_boundary! {
        LAST_ERROR.with(|l| l.borrow().as_ref().map(|e| e.status).unwrap_or(Status::Ok))
    }
}
