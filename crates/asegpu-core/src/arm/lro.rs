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

enum Strategy {
    AsyncOperation(String),
    Location(String),
    Resource,
    Done,
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
    let strategy = if let Some(u) = initial.header("azure-asyncoperation") {
        Strategy::AsyncOperation(u.to_string())
    } else if let Some(u) = initial.header("location") {
        Strategy::Location(u.to_string())
    } else if matches!(*method, Method::PUT | Method::PATCH)
        && provisioning_state(&initial_body).is_some_and(|s| !is_terminal(s))
    {
        Strategy::Resource
    } else {
        Strategy::Done
    };
    let mut delay = poll_delay(&initial);
    let report = |state: &str, percent: Option<f64>| {
        progress.emit_event(ProgressEvent {
            operation: operation.into(),
            stage: "running".into(),
            message: state.into(),
            percent,
            ..Default::default()
        })
    };
    match strategy {
        Strategy::Done => {
            if let Some(state) = provisioning_state(&initial_body) {
                if !state.eq_ignore_ascii_case("succeeded") {
                    return Err(failed(operation, state, &initial_body, &initial));
                }
            }
            Ok(initial_body)
        }
        Strategy::AsyncOperation(url) => loop {
            cancel.sleep(delay).await?;
            let resp = session.call(Method::GET, &url, None, progress, cancel).await?;
            let body = resp.json_value()?;
            let status = body.get("status").and_then(Value::as_str).unwrap_or("InProgress").to_string();
            report(&status, body.get("percentComplete").and_then(Value::as_f64));
            if is_terminal(&status) {
                if !status.eq_ignore_ascii_case("succeeded") {
                    return Err(failed(operation, &status, &body, &resp));
                }
                return final_get(session, method, original, &initial, &body, progress, cancel).await;
            }
            delay = poll_delay(&resp);
        },
        Strategy::Location(url) => loop {
            cancel.sleep(delay).await?;
            let resp = session.call(Method::GET, &url, None, progress, cancel).await?;
            if resp.status.as_u16() == 202 {
                report("InProgress", None);
                delay = poll_delay(&resp);
                continue;
            }
            let body = resp.json_value()?;
            if let Some(state) = provisioning_state(&body) {
                if !is_terminal(state) {
                    report(state, None);
                    delay = poll_delay(&resp);
                    continue;
                }
                if !state.eq_ignore_ascii_case("succeeded") {
                    return Err(failed(operation, state, &body, &resp));
                }
            }
            if matches!(*method, Method::PUT | Method::PATCH) {
                return session.get_json(original.as_str(), cancel).await;
            }
            return Ok(body);
        },
        Strategy::Resource => loop {
            cancel.sleep(delay).await?;
            let resp = session.call(Method::GET, original.as_str(), None, progress, cancel).await?;
            let body = resp.json_value()?;
            let state = provisioning_state(&body).unwrap_or("Succeeded").to_string();
            report(&state, None);
            if is_terminal(&state) {
                if !state.eq_ignore_ascii_case("succeeded") {
                    return Err(failed(operation, &state, &body, &resp));
                }
                return Ok(body);
            }
            delay = poll_delay(&resp);
        },
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
