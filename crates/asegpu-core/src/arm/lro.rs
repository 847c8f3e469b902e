//! ARM long-running operations, the way azure-core polls them: prefer `Azure-AsyncOperation`, then
//! `Location`, then the resource's own `provisioningState`; sleep `Retry-After` between polls; on success do
//! the final GET the protocol asks for; on failure surface the operation's `error`.

use super::http::HttpResponse;
use super::Session;
use crate::error::{Error, Result, Status};
use crate::progress::{CancelToken, Progress, ProgressEvent};
use reqwest::Method;
use serde_json::Value;
use std::time::Duration;

/// Poll interval when the device sends no `Retry-After`.
const DEFAULT_POLL: Duration = Duration::from_secs(5);
/// Shortest poll interval we accept (a `Retry-After: 0` would otherwise spin).
const MIN_POLL: Duration = Duration::from_millis(200);

fn is_terminal(state: &str) -> bool {
    ["succeeded", "failed", "canceled", "cancelled"].contains(&state.to_ascii_lowercase().as_str())
}

fn provisioning_state(body: &Value) -> Option<&str> {
    body.pointer("/properties/provisioningState").and_then(Value::as_str)
}

fn poll_delay(resp: &HttpResponse) -> Duration {
    resp.retry_after().unwrap_or(DEFAULT_POLL).max(MIN_POLL)
}

pub(super) async fn wait(
    session: &Session,
    operation: &str,
    method: &Method,
    original: &url::Url,
    initial: HttpResponse,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<Value> {
    let initial_body = initial.json_value()?;
    let poll = Poll { session, operation, method, original, initial: &initial, progress, cancel };
    if let Some(url) = initial.header("azure-asyncoperation") {
        return poll.async_operation(url).await;
    }
    if let Some(url) = initial.header("location") {
        return poll.location(url).await;
    }
    match provisioning_state(&initial_body) {
        Some(s) if !is_terminal(s) && matches!(*method, Method::PUT | Method::PATCH) => poll.resource().await,
        Some(s) if !s.eq_ignore_ascii_case("succeeded") => Err(failed(operation, s, &initial_body, &initial)),
        _ => Ok(initial_body),
    }
}

/// One long-running operation being polled: what started it and how to report on it.
struct Poll<'a, 'p> {
    session: &'a Session,
    operation: &'a str,
    method: &'a Method,
    original: &'a url::Url,
    initial: &'a HttpResponse,
    progress: &'a Progress<'p>,
    cancel: &'a CancelToken,
}

impl Poll<'_, '_> {
    fn report(&self, state: &str, percent: Option<f64>) {
        self.progress.emit_event(ProgressEvent {
            operation: self.operation.into(),
            stage: "running".into(),
            message: state.into(),
            percent,
            ..Default::default()
        })
    }

    async fn get(&self, url: &str) -> Result<HttpResponse> {
        self.session.call(Method::GET, url, None, self.progress, self.cancel).await
    }

    /// Poll the `Azure-AsyncOperation` status until it ends, then do the final GET.
    async fn async_operation(&self, url: &str) -> Result<Value> {
        let mut delay = poll_delay(self.initial);
        loop {
            self.cancel.sleep(delay).await?;
            let resp = self.get(url).await?;
            let body = resp.json_value()?;
            let status = body.get("status").and_then(Value::as_str).unwrap_or("InProgress").to_string();
            self.report(&status, body.get("percentComplete").and_then(Value::as_f64));
            if is_terminal(&status) {
                if !status.eq_ignore_ascii_case("succeeded") {
                    return Err(failed(self.operation, &status, &body, &resp));
                }
                let (s, m, o, i) = (self.session, self.method, self.original, self.initial);
                return final_get(s, m, o, i, &body, self.progress, self.cancel).await;
            }
            delay = poll_delay(&resp);
        }
    }

    /// Poll `Location` while it answers 202 or a resource still provisioning.
    async fn location(&self, url: &str) -> Result<Value> {
        let mut delay = poll_delay(self.initial);
        loop {
            self.cancel.sleep(delay).await?;
            let resp = self.get(url).await?;
            delay = poll_delay(&resp);
            if resp.status.as_u16() == 202 {
                self.report("InProgress", None);
                continue;
            }
            let body = resp.json_value()?;
            match provisioning_state(&body) {
                Some(state) if !is_terminal(state) => {
                    self.report(state, None);
                    continue;
                }
                Some(state) if !state.eq_ignore_ascii_case("succeeded") => {
                    return Err(failed(self.operation, state, &body, &resp))
                }
                _ => {}
            }
            if matches!(*self.method, Method::PUT | Method::PATCH) {
                return self.session.get_json(self.original.as_str(), self.cancel).await;
            }
            return Ok(body);
        }
    }

    /// Poll the resource itself until its `provisioningState` ends.
    async fn resource(&self) -> Result<Value> {
        let mut delay = poll_delay(self.initial);
        loop {
            self.cancel.sleep(delay).await?;
            let resp = self.get(self.original.as_str()).await?;
            let body = resp.json_value()?;
            let state = provisioning_state(&body).unwrap_or("Succeeded").to_string();
            self.report(&state, None);
            if is_terminal(&state) {
                if !state.eq_ignore_ascii_case("succeeded") {
                    return Err(failed(self.operation, &state, &body, &resp));
                }
                return Ok(body);
            }
            delay = poll_delay(&resp);
        }
    }
}

/// After an Azure-AsyncOperation succeeded: PUT/PATCH → GET the resource; POST with Location → GET it;
/// DELETE → nothing.
async fn final_get(
    session: &Session,
    method: &Method,
    original: &url::Url,
    initial: &HttpResponse,
    status_body: &Value,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<Value> {
    if let Some(loc) = status_body.get("resourceLocation").and_then(Value::as_str) {
        return session.get_json(loc, cancel).await;
    }
    match *method {
        Method::PUT | Method::PATCH => session.get_json(original.as_str(), cancel).await,
        Method::POST => match initial.header("location") {
            Some(loc) => Ok(session.call(Method::GET, loc, None, progress, cancel).await?.json_value()?),
            None => Ok(status_body.get("properties").cloned().unwrap_or(Value::Null)),
        },
        _ => Ok(Value::Null),
    }
}

fn failed(operation: &str, state: &str, body: &Value, resp: &HttpResponse) -> Error {
    let err = super::error_body::ArmErrorBody::find(body).unwrap_or_default();
    let msg = err.message.as_deref().unwrap_or("no error details were given");
    let mut e = Error::new(Status::OperationFailed, format!("{operation} ended in state '{state}': {msg}"))
        .with_http(resp.status.as_u16());
    e.arm_code = err.code.clone();
    e.request_id = resp.header("x-ms-request-id").map(str::to_string);
    e.correlation_id = resp.header("x-ms-correlation-request-id").map(str::to_string);
    if let Some(details) = err.details {
        e.details = Some(serde_json::json!({ "details": details }));
    }
    e
}
