//! Long operations: progress reporting and cancellation.
//!
//! Progress is a plain callback that receives [`ProgressEvent`]s. All work runs on the caller's thread
//! (the C ABI drives futures with `block_on`), so callbacks arrive there too. Cancellation is a cheap,
//! cloneable token that any thread may trigger.

use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// One progress report. Serialized as the JSON the C ABI callback receives.
#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ProgressEvent {
    /// What is running, e.g. `deleteResourceGroup`, `uploadVhd`.
    pub operation: String,
    /// Where it is: `started`, `running`, `retrying`, `succeeded`, `failed`, `warning`.
    pub stage: String,
    /// Plain-words status, e.g. the device's `status` or `provisioningState`.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_done: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_total: Option<u64>,
    pub elapsed_seconds: f64,
}

/// A borrowed progress sink; `Progress::none()` discards everything.
#[derive(Clone, Copy)]
pub struct Progress<'a> {
    sink: Option<&'a (dyn Fn(&ProgressEvent) + Send + Sync + 'a)>,
    started: std::time::Instant,
}

impl<'a> Progress<'a> {
    pub fn new(sink: &'a (dyn Fn(&ProgressEvent) + Send + Sync + 'a)) -> Self {
        Progress { sink: Some(sink), started: std::time::Instant::now() }
    }
    pub fn none() -> Progress<'static> {
        Progress { sink: None, started: std::time::Instant::now() }
    }
    pub fn emit(&self, operation: &str, stage: &str, message: impl Into<String>) {
        self.emit_event(ProgressEvent {
            operation: operation.into(),
            stage: stage.into(),
            message: message.into(),
            ..Default::default()
        });
    }
    pub fn emit_event(&self, mut ev: ProgressEvent) {
        if let Some(sink) = self.sink {
            ev.elapsed_seconds = self.started.elapsed().as_secs_f64();
            sink(&ev);
        }
    }
}

/// Cancels a long operation. Clone it freely; `cancel()` may be called from any thread.
#[derive(Clone, Default, Debug)]
pub struct CancelToken {
    inner: Arc<CancelInner>,
}

#[derive(Default, Debug)]
struct CancelInner {
    cancelled: AtomicBool,
    notify: Notify,
}

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }
    /// Completes when the token is cancelled.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.inner.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
    /// Sleep, unless cancelled first.
    pub async fn sleep(&self, d: std::time::Duration) -> crate::Result<()> {
        tokio::select! {
            _ = tokio::time::sleep(d) => Ok(()),
            _ = self.cancelled() => Err(crate::Error::cancelled()),
        }
    }
    /// Run a future unless cancelled first.
    pub async fn run<T>(&self, fut: impl std::future::Future<Output = crate::Result<T>>) -> crate::Result<T> {
        if self.is_cancelled() {
            return Err(crate::Error::cancelled());
        }
        tokio::select! {
            r = fut => r,
            _ = self.cancelled() => Err(crate::Error::cancelled()),
        }
    }
}
