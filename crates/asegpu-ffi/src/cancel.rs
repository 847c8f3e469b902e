//! Cancellation handles: create one, pass it to long operations, cancel it from any thread.

use asegpu_core::progress::CancelToken;

/// A cancellation handle. Thread-safe: `asegpu_cancel_token_cancel` may be called from any thread while
/// another thread is inside an asegpu call that uses the token.
pub struct AsegpuCancelToken(pub(crate) CancelToken);

/// A new, not yet cancelled token. Free it with `asegpu_cancel_token_free`.
#[no_mangle]
pub extern "C" fn asegpu_cancel_token_new() -> *mut AsegpuCancelToken {
    ffi_boundary! {
        Box::into_raw(Box::new(AsegpuCancelToken(CancelToken::new())))
    }
}

/// Cancel: running calls that use the token return `ASEGPU_STATUS_CANCELLED` promptly. NULL is ignored.
///
/// # Safety
/// `token` must be NULL or a live token from `asegpu_cancel_token_new`.
#[no_mangle]
pub unsafe extern "C" fn asegpu_cancel_token_cancel(token: *const AsegpuCancelToken) {
    ffi_boundary! {
        if let Some(t) = token.as_ref() {
            t.0.cancel();
        }
    }
}

/// 1 if the token was cancelled, 0 otherwise (also for NULL).
///
/// # Safety
/// As `asegpu_cancel_token_cancel`.
#[no_mangle]
pub unsafe extern "C" fn asegpu_cancel_token_is_cancelled(token: *const AsegpuCancelToken) -> u8 {
    ffi_boundary! {
        token.as_ref().map(|t| t.0.is_cancelled() as u8).unwrap_or(0)
    }
}

/// Free a token. NULL is ignored. Do not free a token that a running call still uses.
///
/// # Safety
/// `token` must be NULL or a token from `asegpu_cancel_token_new` that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn asegpu_cancel_token_free(token: *mut AsegpuCancelToken) {
    ffi_boundary! {
        if !token.is_null() {
            drop(Box::from_raw(token));
        }
    }
}

/// The token behind a (nullable) handle; a fresh, never-cancelled one for NULL.
pub(crate) fn token_of(token: *const AsegpuCancelToken) -> CancelToken {
    // SAFETY: documented contract: NULL or a live token.
    unsafe { token.as_ref() }.map(|t| t.0.clone()).unwrap_or_default()
}
