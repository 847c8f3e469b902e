//! The one tokio runtime behind the C ABI: created on first use, driven with `block_on` on the caller's
//! thread (so callbacks arrive there), and stoppable with `asegpu_shutdown` for hosts that need a clean exit
//! (Mono waits for every thread that ever ran managed code).

use super::guard;
use asegpu_core::error::{Error, Result, Status};
use std::sync::{Arc, Mutex};
use std::time::Duration;

static RUNTIME: Mutex<Option<Arc<tokio::runtime::Runtime>>> = Mutex::new(None);

fn runtime() -> Result<Arc<tokio::runtime::Runtime>> {
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(rt) = slot.as_ref() {
        return Ok(rt.clone());
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("asegpu-io")
        .enable_all()
        .build()
        .map_err(|e| Error::new(Status::Internal, format!("cannot start the I/O runtime: {e}")))?;
    let rt = Arc::new(rt);
    *slot = Some(rt.clone());
    Ok(rt)
}

/// Drive `fut` to completion on the calling thread. A call from inside an asegpu callback (re-entrant)
/// is refused instead of panicking.
pub(crate) fn block_on<F: std::future::Future>(fut: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::new(
            Status::Internal,
            "asegpu was called from inside an asegpu callback (or an async runtime); make the call after the callback returns",
        ));
    }
    let rt = runtime()?;
    Ok(rt.block_on(fut))
}

/// Stop the runtime's worker threads (waits up to 5 s). Later calls start a new runtime. Returns
/// `ASEGPU_STATUS_INTERNAL` if other threads are still inside asegpu calls.
#[no_mangle]
pub extern "C" fn asegpu_shutdown() -> asegpu_core::Status {
    ffi_boundary! {
        guard(std::ptr::null_mut(), || {
            let taken = RUNTIME.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(rt) = taken {
                match Arc::try_unwrap(rt) {
                    Ok(rt) => rt.shutdown_timeout(Duration::from_secs(5)),
                    Err(rt) => {
                        *RUNTIME.lock().unwrap_or_else(|p| p.into_inner()) = Some(rt);
                        return Err(Error::new(Status::Internal, "asegpu calls are still running on other threads"));
                    }
                }
            }
            Ok(())
        })
    }
}
