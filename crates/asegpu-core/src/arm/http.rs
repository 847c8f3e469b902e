//! One HTTP exchange with retries: 429/5xx and dropped connections are retried with exponential backoff that
//! honours `Retry-After`; anything else becomes an [`Error`] carrying the ARM error body and request ids.

use super::tls::classify_transport;
use crate::error::{Error, Result, Status};
use crate::progress::{CancelToken, Progress};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// How hard to try before giving up.
///
/// Throttling (429), server errors (408, 5xx) and connections dropped after they were made are retried up
/// to `maxRetries` times with exponential backoff (jitter in [50%, 100%]) that honours `Retry-After`. A
/// device that cannot be reached at all (connection refused, DNS failure, no route, connect or TLS handshake
/// timeout) is retried with the same backoff, but only until `unreachableDeadlineMs` after the call's first
/// try: then the call fails with the number of tries made. Each try's connection is given a third of that
/// deadline (1 to 10 s), so the answer comes at most one connect timeout after the deadline.
///
/// The JSON form (camelCase) refuses unknown fields and out-of-range values; see [`RetryPolicy::validate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "RetryPolicyJson")]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 to 20).
    pub max_retries: u32,
    /// First backoff delay in milliseconds, doubling each retry (1 to 60 000).
    pub base_delay_ms: u64,
    /// Longest backoff delay in milliseconds, also capping `Retry-After` (`baseDelayMs` to 600 000).
    pub max_delay_ms: u64,
    /// Overall deadline in milliseconds for retrying a device that cannot be reached, counted from the
    /// call's first try (1 000 to 600 000; default 15 000).
    pub unreachable_deadline_ms: u64,
}

/// The ranges [`RetryPolicy::validate`] accepts.
pub const MAX_RETRIES: u32 = 20;
pub const BASE_DELAY_MS: std::ops::RangeInclusive<u64> = 1..=60_000;
pub const MAX_DELAY_MS_LIMIT: u64 = 600_000;
pub const UNREACHABLE_DEADLINE_MS: std::ops::RangeInclusive<u64> = 1_000..=600_000;

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: 8, base_delay_ms: 400, max_delay_ms: 60_000, unreachable_deadline_ms: 15_000 }
    }
}

/// The JSON form, checked into a [`RetryPolicy`].
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct RetryPolicyJson {
    max_retries: u32,
    base_delay_ms: u64,
    max_delay_ms: u64,
    unreachable_deadline_ms: u64,
}

impl Default for RetryPolicyJson {
    fn default() -> Self {
        let d = RetryPolicy::default();
        RetryPolicyJson {
            max_retries: d.max_retries,
            base_delay_ms: d.base_delay_ms,
            max_delay_ms: d.max_delay_ms,
            unreachable_deadline_ms: d.unreachable_deadline_ms,
        }
    }
}

impl TryFrom<RetryPolicyJson> for RetryPolicy {
    type Error = String;
    fn try_from(j: RetryPolicyJson) -> std::result::Result<Self, String> {
        let p = RetryPolicy {
            max_retries: j.max_retries,
            base_delay_ms: j.base_delay_ms,
            max_delay_ms: j.max_delay_ms,
            unreachable_deadline_ms: j.unreachable_deadline_ms,
        };
        p.validate().map_err(|e| e.message)?;
        Ok(p)
    }
}

impl RetryPolicy {
    /// Check the ranges: `maxRetries` 0 to 20, `baseDelayMs` 1 to 60 000, `maxDelayMs` from `baseDelayMs`
    /// to 600 000, `unreachableDeadlineMs` 1 000 to 600 000.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: String| Err(Error::invalid(format!("retry policy: {what}")));
        if self.max_retries > MAX_RETRIES {
            return bad(format!(
                "maxRetries {} is out of range: 0 to {MAX_RETRIES} retries after the first try",
                self.max_retries
            ));
        }
        if !BASE_DELAY_MS.contains(&self.base_delay_ms) {
            return bad(format!(
                "baseDelayMs {} is out of range: {} to {} milliseconds (the first backoff delay)",
                self.base_delay_ms,
                BASE_DELAY_MS.start(),
                BASE_DELAY_MS.end()
            ));
        }
        if !(self.base_delay_ms..=MAX_DELAY_MS_LIMIT).contains(&self.max_delay_ms) {
            return bad(format!(
                "maxDelayMs {} is out of range: from baseDelayMs ({}) to {MAX_DELAY_MS_LIMIT} milliseconds (the \
                 longest backoff delay, which also caps Retry-After)",
                self.max_delay_ms, self.base_delay_ms
            ));
        }
        if !UNREACHABLE_DEADLINE_MS.contains(&self.unreachable_deadline_ms) {
            return bad(format!(
                "unreachableDeadlineMs {} is out of range: {} to {} milliseconds (how long to keep trying a device \
                 that cannot be reached)",
                self.unreachable_deadline_ms,
                UNREACHABLE_DEADLINE_MS.start(),
                UNREACHABLE_DEADLINE_MS.end()
            ));
        }
        Ok(())
    }

    /// Delay before retry number `attempt` (0-based), honouring the server's `Retry-After`. Saturating: any
    /// policy, even one [`validate`](Self::validate) refuses, gives a delay between 0 and `maxDelayMs`.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let cap = Duration::from_millis(self.max_delay_ms);
        if let Some(ra) = retry_after {
            return ra.min(cap);
        }
        let exp = self.base_delay_ms.saturating_mul(1u64 << attempt.min(16)).min(self.max_delay_ms);
        // Jitter in [50%, 100%] so that many clients do not retry in lock step.
        let jitter = 50 + u128::from(uuid::Uuid::new_v4().as_bytes()[0] % 51);
        let ms = u64::try_from(u128::from(exp) * jitter / 100).unwrap_or(u64::MAX);
        Duration::from_millis(ms).min(cap)
    }

    /// How long one try may spend connecting (TCP and TLS handshake): a third of the unreachable deadline,
    /// 1 to 10 s.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.unreachable_deadline_ms / 3).clamp(Duration::from_secs(1), Duration::from_secs(10))
    }
}

/// A response we keep whole: status, headers and body.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::new(Status::Protocol, format!("the device sent a response that is not the expected JSON: {e}"))
                .with_http(self.status.as_u16())
        })
    }
    /// The body as JSON, or `null` when empty.
    pub fn json_value(&self) -> Result<serde_json::Value> {
        if self.body.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(serde_json::Value::Null);
        }
        self.json()
    }
    /// `Retry-After` in seconds (or HTTP date), or `x-ms-retry-after-ms`.
    pub fn retry_after(&self) -> Option<Duration> {
        if let Some(ms) = self.header("x-ms-retry-after-ms").and_then(|v| v.trim().parse::<u64>().ok()) {
            return Some(Duration::from_millis(ms));
        }
        let v = self.header("retry-after")?.trim();
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
        let secs = (when.timestamp() - chrono::Utc::now().timestamp()).max(0) as u64;
        Some(Duration::from_secs(secs))
    }
}

/// Everything one logical call needs, rebuilt on each attempt.
pub struct Request<'a> {
    pub method: Method,
    pub url: url::Url,
    pub bearer: Option<String>,
    pub body: Option<Bytes>,
    pub content_type: &'a str,
    pub extra_headers: Vec<(String, String)>,
    pub client_request_id: String,
    pub correlation_id: String,
}

/// Send with retries (see [`RetryPolicy`]). Returns the response for any status that is not retried (the
/// caller decides what a 4xx means); the last retryable answer when retries run out becomes an error. Each
/// retry is reported to `progress` (stage `retrying`) and logged at info level.
pub async fn send_with_retry(
    client: &reqwest::Client,
    policy: &RetryPolicy,
    req: &Request<'_>,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<HttpResponse> {
    let started = Instant::now();
    let deadline = Duration::from_millis(policy.unreachable_deadline_ms);
    let mut retries = 0u32;
    loop {
        let (outcome, not_connected) = send_once(client, req, cancel).await;
        let tries = retries.saturating_add(1);
        let (retry_after, why, unreachable) = match &outcome {
            Ok(r) if is_retryable_status(r.status) => (
                r.retry_after(),
                format!("{} {} answered HTTP {}", req.method, redact_url(&req.url), r.status.as_u16()),
                false,
            ),
            Ok(_) => return outcome,
            Err(e) if matches!(e.status, Status::Connection | Status::Timeout) => {
                (None, e.message.clone(), not_connected)
            }
            Err(_) => return outcome,
        };
        let delay = policy.delay(retries, retry_after);
        let elapsed = started.elapsed();
        let past_deadline = unreachable && elapsed.saturating_add(delay) >= deadline;
        if retries >= policy.max_retries || past_deadline {
            let limit = if past_deadline {
                format!("the deadline for a device that cannot be reached is {:.0} s", deadline.as_secs_f64())
            } else {
                format!("at most {} retries", policy.max_retries)
            };
            return Err(give_up(req, outcome, tries, unreachable.then_some((elapsed, limit))));
        }
        let left = if unreachable {
            format!(", {:.1} s left before the deadline", deadline.saturating_sub(elapsed).as_secs_f64())
        } else {
            String::new()
        };
        let note = format!(
            "retrying in {:.1} s (try {} of at most {}{left}): {why}",
            delay.as_secs_f64(),
            tries.saturating_add(1),
            policy.max_retries.saturating_add(1)
        );
        tracing::info!("{note}");
        progress.emit("request", "retrying", note);
        cancel.sleep(delay).await?;
        retries += 1;
    }
}

/// One attempt. Also answers whether a failure happened before a connection existed (refused, DNS, no
/// route, connect or TLS handshake timeout): the device cannot be reached at all.
async fn send_once(client: &reqwest::Client, req: &Request<'_>, cancel: &CancelToken) -> (Result<HttpResponse>, bool) {
    let mut rb = client
        .request(req.method.clone(), req.url.clone())
        .header("Accept", "application/json")
        .header("x-ms-client-request-id", &req.client_request_id)
        .header("x-ms-correlation-request-id", &req.correlation_id)
        .header("x-ms-return-client-request-id", "true");
    if let Some(token) = &req.bearer {
        rb = rb.bearer_auth(token);
    }
    for (k, v) in &req.extra_headers {
        rb = rb.header(k.as_str(), v.as_str());
    }
    if let Some(body) = &req.body {
        rb = rb.header("Content-Type", req.content_type).body(body.clone());
    } else if matches!(req.method, Method::PUT | Method::POST | Method::PATCH) {
        rb = rb.header("Content-Length", "0");
    }
    let mut not_connected = false;
    let outcome = cancel
        .run(async {
            let resp = rb.send().await.map_err(|e| {
                not_connected = e.is_connect();
                classify_transport(&e, req.url.as_str())
            })?;
            let status = resp.status();
            let headers = resp.headers().clone();
            let body = resp.bytes().await.map_err(|e| classify_transport(&e, req.url.as_str()))?;
            Ok(HttpResponse { status, headers, body })
        })
        .await;
    (outcome, not_connected)
}

/// The error once retries run out: the last answer's, or the transport error. A device that cannot be
/// reached (`unreachable`: the time spent and the limit met) gets what to check.
fn give_up(
    req: &Request<'_>,
    outcome: Result<HttpResponse>,
    tries: u32,
    unreachable: Option<(Duration, String)>,
) -> Error {
    match (outcome, unreachable) {
        (Ok(r), _) => error_from_response(&r, &req.correlation_id).context(format!(
            "{} {} still failing after {tries} tries",
            req.method,
            redact_url(&req.url)
        )),
        (Err(mut e), Some((elapsed, limit))) => {
            e.message = format!(
                "{}; gave up after {tries} tries in {:.1} s ({limit}): check that the device is on and that \
                 this machine reaches it (the endpoint's host and port, the device IP or host map, firewalls)",
                e.message,
                elapsed.as_secs_f64()
            );
            e
        }
        (Err(e), None) => e.context(format!("after {tries} tries")),
    }
}

fn is_retryable_status(s: StatusCode) -> bool {
    matches!(s.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// The URL without its query string (SAS tokens and signatures live there).
pub fn redact_url(url: &url::Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.to_string()
}

/// Build an error from a non-success ARM response.
pub fn error_from_response(resp: &HttpResponse, correlation_id: &str) -> Error {
    let code = resp.status.as_u16();
    let status = match code {
        401 | 403 => Status::Authorization,
        404 => Status::NotFound,
        409 => Status::Conflict,
        429 => Status::Throttled,
        400..=499 => Status::ArmRequest,
        500..=599 => Status::Server,
        _ => Status::Protocol,
    };
    let parsed = serde_json::from_slice::<serde_json::Value>(&resp.body).ok();
    let (arm_code, message, details) = match parsed.as_ref().and_then(super::error_body::ArmErrorBody::find) {
        Some(b) => {
            let mut details = serde_json::Map::new();
            if let Some(t) = b.target {
                details.insert("target".into(), t.into());
            }
            if let Some(d) = b.details {
                details.insert("details".into(), d);
            }
            (b.code, b.message, (!details.is_empty()).then_some(serde_json::Value::Object(details)))
        }
        None => (None, None, None),
    };
    let message = message.unwrap_or_else(|| {
        let text = String::from_utf8_lossy(&resp.body);
        let text = text.trim();
        if text.is_empty() {
            format!("the device answered HTTP {code} {}", resp.status.canonical_reason().unwrap_or(""))
        } else {
            format!("the device answered HTTP {code}: {}", text.chars().take(500).collect::<String>())
        }
    });
    let mut e = Error::new(status, message).with_http(code);
    e.arm_code = arm_code;
    e.details = details;
    e.request_id = resp.header("x-ms-request-id").map(str::to_string);
    e.correlation_id = Some(
        resp.header("x-ms-correlation-request-id").map(str::to_string).unwrap_or_else(|| correlation_id.to_string()),
    );
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        HttpResponse { status: StatusCode::from_u16(status).unwrap(), headers: h, body: Bytes::from(body.to_string()) }
    }

    #[test]
    fn parses_arm_error_body() {
        let r = resp(
            404,
            &[("x-ms-request-id", "req-1")],
            r#"{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'x' could not be found."}}"#,
        );
        let e = error_from_response(&r, "corr-1");
        assert_eq!(e.status, Status::NotFound);
        assert_eq!(e.arm_code.as_deref(), Some("ResourceGroupNotFound"));
        assert_eq!(e.http_status, Some(404));
        assert_eq!(e.request_id.as_deref(), Some("req-1"));
        assert_eq!(e.correlation_id.as_deref(), Some("corr-1"));
        assert!(e.message.contains("could not be found"));
    }

    #[test]
    fn non_json_error_keeps_text() {
        let e = error_from_response(&resp(502, &[], "Bad Gateway"), "c");
        assert_eq!(e.status, Status::Server);
        assert!(e.message.contains("Bad Gateway"));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(resp(429, &[("Retry-After", "7")], "").retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(resp(429, &[("x-ms-retry-after-ms", "250")], "").retry_after(), Some(Duration::from_millis(250)));
        assert_eq!(resp(429, &[], "").retry_after(), None);
        let future = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let d = resp(429, &[("Retry-After", &future)], "").retry_after().unwrap();
        assert!(d <= Duration::from_secs(30) && d >= Duration::from_secs(28), "{d:?}");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy { max_retries: 5, base_delay_ms: 100, max_delay_ms: 1000, ..RetryPolicy::default() };
        assert!(p.delay(0, None) <= Duration::from_millis(100));
        assert!(p.delay(3, None) >= Duration::from_millis(400));
        assert!(p.delay(10, None) <= Duration::from_millis(1000));
        assert_eq!(p.delay(0, Some(Duration::from_secs(5))), Duration::from_millis(1000));
    }

    #[test]
    fn backoff_saturates_instead_of_overflowing() {
        let p = RetryPolicy { base_delay_ms: u64::MAX, max_delay_ms: u64::MAX, ..RetryPolicy::default() };
        for attempt in [0, 1, 16, 17, 64, u32::MAX] {
            assert!(p.delay(attempt, None) >= Duration::from_millis(u64::MAX / 2 - 1), "attempt {attempt}");
        }
        assert_eq!(p.delay(0, Some(Duration::MAX)), Duration::from_millis(u64::MAX));
        assert!(p.validate().is_err());
        let p = RetryPolicy { unreachable_deadline_ms: u64::MAX, ..RetryPolicy::default() };
        assert_eq!(p.connect_timeout(), Duration::from_secs(10));
        assert_eq!(RetryPolicy::default().connect_timeout(), Duration::from_secs(5));
    }

    #[test]
    fn policy_json_is_range_checked() {
        let p: RetryPolicy = serde_json::from_str(r#"{"maxRetries":2,"baseDelayMs":20,"maxDelayMs":100}"#).unwrap();
        assert_eq!((p.max_retries, p.base_delay_ms, p.max_delay_ms), (2, 20, 100));
        assert_eq!(p.unreachable_deadline_ms, 15_000, "the documented default");
        assert_eq!(serde_json::from_str::<RetryPolicy>("{}").unwrap(), RetryPolicy::default());
        for (json, needle) in [
            (r#"{"maxRetries":21}"#, "maxRetries 21 is out of range: 0 to 20"),
            (r#"{"baseDelayMs":0}"#, "baseDelayMs 0 is out of range: 1 to 60000"),
            (r#"{"baseDelayMs":18446744073709551615}"#, "baseDelayMs"),
            (r#"{"baseDelayMs":500,"maxDelayMs":100}"#, "maxDelayMs 100 is out of range: from baseDelayMs (500)"),
            (r#"{"maxDelayMs":600001}"#, "maxDelayMs"),
            (r#"{"unreachableDeadlineMs":999}"#, "unreachableDeadlineMs 999 is out of range: 1000 to 600000"),
            (r#"{"maxRetry":3}"#, "unknown field `maxRetry`"),
            (r#"{"maxRetries":-1}"#, "invalid value"),
        ] {
            let e = serde_json::from_str::<RetryPolicy>(json).unwrap_err().to_string();
            assert!(e.contains(needle), "{json}: {e}");
        }
        let back: RetryPolicy = serde_json::from_value(serde_json::to_value(RetryPolicy::default()).unwrap()).unwrap();
        assert_eq!(back, RetryPolicy::default(), "what is saved reads back");
    }
}
