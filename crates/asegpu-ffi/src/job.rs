//! The shape most C functions share: one job on a session that reports progress through a C callback and
//! can be cancelled with a token; many take a JSON request and answer JSON.

use crate::session::session_of;
use crate::{arg_json, check_out, progress_sink, put_json, AsegpuCancelToken, AsegpuProgressCallback, AsegpuSession};
use crate::{cancel::token_of, runtime::block_on};
use asegpu_core::arm::Session;
use asegpu_core::error::Result;
use asegpu_core::progress::{CancelToken, Progress};
use std::ffi::{c_char, c_void};

/// A job's C arguments: the session, the progress callback with its userdata, the cancel token.
pub(crate) struct Job {
    pub session: *const AsegpuSession,
    pub callback: AsegpuProgressCallback,
    pub userdata: *mut c_void,
    pub cancel: *const AsegpuCancelToken,
}

impl Job {
    /// Run `op` on the shared runtime (on the caller's thread) with the session, the callback as its
    /// progress and the token as its cancellation.
    pub fn run<T>(self, op: impl AsyncFnOnce(&Session, &Progress<'_>, &CancelToken) -> Result<T>) -> Result<T> {
        let s = session_of(self.session)?;
        let sink = progress_sink(self.callback, self.userdata);
        let (progress, cancel) = (Progress::new(&sink), token_of(self.cancel));
        block_on(op(s, &progress, &cancel))?
    }

    /// The whole of a function that takes a JSON request and answers JSON: the output pointer and the
    /// session are checked first, then the request is parsed, `op` run, and its result written as JSON.
    ///
    /// # Safety
    /// `request_json` as [`crate::arg_str`]; `out_json` NULL or writable.
    pub unsafe fn json<R, T>(
        self,
        request_json: *const c_char,
        out_json: *mut *mut c_char,
        op: impl AsyncFnOnce(&Session, R, &Progress<'_>, &CancelToken) -> Result<T>,
    ) -> Result<()>
    where
        R: serde::de::DeserializeOwned,
        T: serde::Serialize,
    {
        check_out(out_json, "out_json")?;
        session_of(self.session)?;
        let req: R = arg_json(request_json, "request_json")?;
        let out = self.run(async |s, p, c| op(s, req, p, c).await)?;
        put_json(out_json, &out)
    }
}
