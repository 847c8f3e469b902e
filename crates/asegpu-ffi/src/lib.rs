//! The C ABI. Every function here is a thin skin over the Rust core: it checks pointers, decodes UTF-8
//! and JSON, runs the core on the shared runtime with `block_on` on the caller's thread, and turns the
//! outcome into a status code plus an optional error object. The conventions are written at the top of
//! `include/asegpu.h` (see `cbindgen.toml`).
//!
//! Every exported function's body is inside [`ffi_boundary!`], without exception (`tests/ffi_boundary.rs`
//! checks it against the header): no panic ever unwinds into the caller, whatever the function returns.

#![allow(clippy::result_large_err)]

/// The C ABI's panic boundary, the first and only statement of every `#[no_mangle]` function (modelled on
/// rustls-ffi's `ffi_panic_boundary!`). The body runs inside `catch_unwind`; a panic becomes the return
/// type's [`PanicDefault`] (`ASEGPU_STATUS_PANIC`, NULL, 0, nothing) and this thread's last error
/// (`asegpu_last_error_status`/`asegpu_last_error_message`). Fallible functions also run their work in
/// [`guard`], which turns a panic into an error object; this boundary is what catches everything else (the
/// glue around `guard`, accessors, free functions). It never touches the process's panic hook: the message
/// comes from the panic's payload.
macro_rules! ffi_boundary {
    ($($body:tt)*) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| {
            $crate::injected_panic();
            $($body)*
        })) {
            Ok(value) => value,
            Err(payload) => $crate::panicked(payload),
        }
    };
}

mod cancel;
mod error;
mod image;
mod job;
mod ops;
mod runtime;
mod session;
mod storage;

pub use cancel::*;
pub use error::*;
pub use image::*;
pub use ops::*;
pub use runtime::*;
pub use session::*;
pub use storage::*;

use asegpu_core::error::{Error, Result, Status};
use asegpu_core::progress::ProgressEvent;
use std::ffi::{c_char, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Version of the C ABI. Bumped on any incompatible change; bindings check it at load time.
pub const ASEGPU_ABI_VERSION: u32 = 1;

/// Progress callback: `userdata` first, then one JSON event (valid only during the call). Called on the
/// thread that called the asegpu function. It must not call back into asegpu.
pub type AsegpuProgressCallback = Option<unsafe extern "C" fn(userdata: *mut c_void, event_json: *const c_char)>;

/// What an exported function returns when a panic reached [`ffi_boundary!`].
pub trait PanicDefault {
    /// The value: `ASEGPU_STATUS_PANIC`, NULL, 0 or false.
    fn panic_default() -> Self;
}

impl PanicDefault for Status {
    fn panic_default() -> Self {
        Status::Panic
    }
}
impl<T> PanicDefault for *mut T {
    fn panic_default() -> Self {
        std::ptr::null_mut()
    }
}
impl<T> PanicDefault for *const T {
    fn panic_default() -> Self {
        std::ptr::null()
    }
}
impl PanicDefault for () {
    fn panic_default() -> Self {}
}
impl PanicDefault for bool {
    fn panic_default() -> Self {
        false
    }
}
macro_rules! panic_default_zero {
    ($($t:ty),*) => { $(impl PanicDefault for $t { fn panic_default() -> Self { 0 } })* };
}
panic_default_zero!(u8, u16, u32, u64, i32, usize);

/// A panic caught by [`ffi_boundary!`]: recorded as this thread's last error, answered with the default.
#[doc(hidden)]
pub fn panicked<T: PanicDefault>(payload: Box<dyn std::any::Any + Send>) -> T {
    let message = format!("internal error (panic caught at the C ABI boundary): {}", panic_text(&*payload));
    // Nothing here may panic again: the payload is dropped inside a catch_unwind too.
    let _ = catch_unwind(AssertUnwindSafe(|| error::set_last_error(&Error::new(Status::Panic, message))));
    let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
    T::panic_default()
}

thread_local! {
    /// Set by `asegpu_debug_panic(2)`: the next asegpu call on this thread panics inside its boundary.
    static PANIC_NEXT_CALL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The test hook of [`ffi_boundary!`] (see `asegpu_debug_panic`).
#[doc(hidden)]
pub fn injected_panic() {
    if PANIC_NEXT_CALL.with(|p| p.replace(false)) {
        panic!("asegpu_debug_panic: injected at the boundary of the next call");
    }
}

/// Run `f` behind the ABI boundary: panics are caught, the outcome becomes a status, and an error object
/// is handed out through `out_error` (when not NULL) and recorded as this thread's last error.
pub(crate) fn guard(out_error: *mut *mut AsegpuError, f: impl FnOnce() -> Result<()>) -> Status {
    if !out_error.is_null() {
        // SAFETY: the caller passed a writable pointer (documented), checked non-null.
        unsafe { *out_error = std::ptr::null_mut() };
    }
    let err = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => {
            error::clear_last_error();
            return Status::Ok;
        }
        Ok(Err(e)) => e,
        Err(payload) => Error::new(
            Status::Panic,
            format!("internal error (panic caught at the C ABI boundary): {}", panic_text(&*payload)),
        ),
    };
    let status = err.status;
    error::set_last_error(&err);
    if !out_error.is_null() {
        // SAFETY: as above.
        unsafe { *out_error = Box::into_raw(Box::new(AsegpuError::new(err))) };
    }
    status
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

/// Borrow a NUL-terminated UTF-8 argument.
///
/// # Safety
/// `p` must be NULL or point to a NUL-terminated string that outlives the call.
pub(crate) unsafe fn arg_str<'a>(p: *const c_char, name: &str) -> Result<&'a str> {
    if p.is_null() {
        return Err(Error::new(Status::NullArgument, format!("argument '{name}' is NULL")));
    }
    CStr::from_ptr(p).to_str().map_err(|e| {
        Error::new(Status::InvalidUtf8, format!("argument '{name}' is not valid UTF-8 (byte {})", e.valid_up_to()))
    })
}

/// Parse a JSON argument into `T`.
///
/// # Safety
/// As [`arg_str`].
pub(crate) unsafe fn arg_json<T: serde::de::DeserializeOwned>(p: *const c_char, name: &str) -> Result<T> {
    let s = arg_str(p, name)?;
    check_json_limits(s, name)?;
    serde_json::from_str(s).map_err(|e| {
        let status = if e.is_data() { Status::InvalidArgument } else { Status::InvalidJson };
        Error::new(status, format!("argument '{name}': {e}"))
    })
}

/// JSON arguments are at most [`limits::MAX_REQUEST_BYTES`] long and nest at most
/// [`limits::MAX_JSON_DEPTH`] + [`limits::MAX_ENVELOPE_DEPTH`] levels (a template of the full depth inside its
/// request), checked before serde reads them (serde_json's own recursion limit, 128, is deeper than a
/// template may be and would answer INVALID_JSON).
fn check_json_limits(s: &str, name: &str) -> Result<()> {
    use asegpu_core::template::{jsonc, limits};
    if s.len() > limits::MAX_REQUEST_BYTES {
        return Err(Error::invalid(format!(
            "argument '{name}' is {} bytes long; at most {} are accepted",
            s.len(),
            limits::mb(limits::MAX_REQUEST_BYTES)
        )));
    }
    jsonc::check_nesting(s, limits::MAX_JSON_DEPTH + limits::MAX_ENVELOPE_DEPTH).map_err(|e| {
        Error::invalid(format!("argument '{name}': {} (line {}, position {})", e.message, e.line, e.column))
    })
}

/// Check that an output pointer is usable before doing any work.
pub(crate) fn check_out<T>(p: *mut T, name: &str) -> Result<()> {
    if p.is_null() {
        Err(Error::new(Status::NullArgument, format!("output argument '{name}' is NULL")))
    } else {
        Ok(())
    }
}

/// Hand a string to the caller (freed with `asegpu_string_free`).
pub(crate) fn put_string(out: *mut *mut c_char, s: String) -> Result<()> {
    check_out(out, "out")?;
    let c = CString::new(s).map_err(|_| Error::new(Status::Internal, "output contains a NUL byte"))?;
    // SAFETY: checked non-null; the caller owns the slot.
    unsafe { *out = c.into_raw() };
    Ok(())
}

/// An owned C string for the caller, or NULL if it cannot be represented.
pub(crate) fn owned_str(s: String) -> *mut c_char {
    CString::new(s).map(CString::into_raw).unwrap_or(std::ptr::null_mut())
}

pub(crate) fn put_json(out: *mut *mut c_char, v: &impl serde::Serialize) -> Result<()> {
    put_string(out, serde_json::to_string(v)?)
}

/// Adapt a C callback into a progress sink.
pub(crate) fn progress_sink(
    cb: AsegpuProgressCallback,
    userdata: *mut c_void,
) -> impl Fn(&ProgressEvent) + Send + Sync {
    let userdata = userdata as usize;
    move |ev: &ProgressEvent| {
        if let Some(f) = cb {
            if let Ok(json) = serde_json::to_string(ev) {
                if let Ok(c) = CString::new(json) {
                    // SAFETY: the caller supplied this callback and userdata for the duration of the call.
                    unsafe { f(userdata as *mut c_void, c.as_ptr()) };
                }
            }
        }
    }
}

/// Free a string returned by asegpu. NULL is ignored.
///
/// # Safety
/// `s` must be NULL or a string returned by asegpu that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn asegpu_string_free(s: *mut c_char) {
    ffi_boundary! {
        if !s.is_null() {
            let _ = catch_unwind(|| drop(CString::from_raw(s)));
        }
    }
}

/// The library version, e.g. `"0.1.0"`. Static: do not free.
#[no_mangle]
pub extern "C" fn asegpu_version() -> *const c_char {
    ffi_boundary! {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr() as *const c_char
    }
}

/// The C ABI version (`ASEGPU_ABI_VERSION` of the header this library was built with).
#[no_mangle]
pub extern "C" fn asegpu_abi_version() -> u32 {
    ffi_boundary! {
        ASEGPU_ABI_VERSION
    }
}

/// The stable name of a status code (`"NOT_FOUND"`...), or `"UNKNOWN"`. Static: do not free.
#[no_mangle]
pub extern "C" fn asegpu_status_name(status: u32) -> *const c_char {
    ffi_boundary! {
        match Status::ALL.iter().position(|s| *s as u32 == status) {
            Some(i) => status_names()[i].as_ptr(),
            None => c"UNKNOWN".as_ptr(),
        }
    }
}

/// The statuses' names as C strings, in the order of [`Status::ALL`] (from [`Status::name`]; made once,
/// never freed).
fn status_names() -> &'static [CString] {
    static NAMES: std::sync::OnceLock<Vec<CString>> = std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| Status::ALL.iter().map(|s| CString::new(s.name()).expect("status names have no NUL")).collect())
}

/// Map a raw code back to a status (unknown values → `None`, never undefined behaviour).
pub fn status_from_u32(v: u32) -> Option<Status> {
    Status::from_code(v)
}

/// Test hook, to prove that no panic crosses the C ABI. Mode 0: panics inside the call, mode 1: inside a
/// runtime task; both return `ASEGPU_STATUS_PANIC` with an error object. Mode 2: returns `ASEGPU_STATUS_OK`
/// and makes the next asegpu call on this thread, whichever it is, panic at its entry, where it returns its
/// panic value (`ASEGPU_STATUS_PANIC`, NULL, 0; outputs untouched) and records the panic as the thread's
/// last error.
#[no_mangle]
pub extern "C" fn asegpu_debug_panic(mode: u32, out_error: *mut *mut AsegpuError) -> Status {
    ffi_boundary! {
        if mode == 2 {
            PANIC_NEXT_CALL.with(|p| p.set(true));
            error::clear_last_error();
            return Status::Ok;
        }
        guard(out_error, || {
            if mode == 1 {
                let joined = block_on(async { tokio::spawn(async { panic!("asegpu_debug_panic in a task") }).await })?;
                joined.map_err(|e| Error::new(Status::Panic, format!("task panicked: {e}")))?;
            }
            panic!("asegpu_debug_panic");
        })
    }
}
