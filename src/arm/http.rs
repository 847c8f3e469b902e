//! One HTTP exchange with retries: 429/5xx and dropped connections are retried with exponential backoff that
//! honours `Retry-After`; anything else becomes an [`Error`] carrying the ARM error body and request ids.

use super::tls::classify_transport;
use crate::error::{Error, Result, Status};
use crate::progress::{CancelToken, Progress};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How hard to try before giving up.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff delay in milliseconds (doubles each retry).
    pub base_delay_ms: u64,
    /// Longest backoff delay in milliseconds (also caps `Retry-After`).
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: 8, base_delay_ms: 400, max_delay_ms: 60_000 }
    }
}

impl RetryPolicy {
    /// Delay before retry number `attempt` (0-based), honouring the server's `Retry-After`.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let cap = Duration::from_millis(self.max_delay_ms);
        if let Some(ra) = retry_after {
            return ra.min(cap);
        }
        let exp = self.base_delay_ms.saturating_mul(1u64 << attempt.min(16));
        // Jitter in [50%, 100%] so that many clients do not retry in lock step.
        let jitter = 50 + (uuid::Uuid::new_v4().as_bytes()[0] as u64 % 51);
        Duration::from_millis(exp.min(self.max_delay_ms) * jitter / 100).min(cap)
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

/// Send with retries. Returns the response for any status that is not retried (the caller decides what a
/// 4xx means); the last retryable answer when retries run out becomes an error.
pub async fn send_with_retry(
    client: &reqwest::Client,
    policy: &RetryPolicy,
    req: &Request<'_>,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<HttpResponse> {
    let mut attempt = 0u32;
    loop {
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
        let outcome = cancel
            .run(async {
                let resp = rb.send().await.map_err(|e| classify_transport(&e, req.url.as_str()))?;
                let status = resp.status();
                let headers = resp.headers().clone();
                let body = resp.bytes().await.map_err(|e| classify_transport(&e, req.url.as_str()))?;
                Ok(HttpResponse { status, headers, body })
            })
            .await;
        let (retry_after, why) = match &outcome {
            Ok(r) if is_retryable_status(r.status) => (r.retry_after(), format!("HTTP {}", r.status.as_u16())),
            Ok(_) => return outcome,
            Err(e) if matches!(e.status, Status::Connection | Status::Timeout) => (None, e.message.clone()),
            Err(_) => return outcome,
        };
        if attempt >= policy.max_retries {
            return match outcome {
                Ok(r) => Err(error_from_response(&r, &req.correlation_id).context(format!(
                    "{} {} still failing after {} retries",
                    req.method,
                    redact_url(&req.url),
                    policy.max_retries
                ))),
                Err(e) => Err(e.context(format!("after {} retries", policy.max_retries))),
            };
        }
        let delay = policy.delay(attempt, retry_after);
        tracing::debug!(method = %req.method, url = %redact_url(&req.url), %why, ?delay, attempt, "retrying");
        progress.emit("request", "retrying", format!("{why}; retrying in {:.1}s", delay.as_secs_f64()));
        cancel.sleep(delay).await?;
        attempt += 1;
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

/// ARM's error envelope `{"error": {"code", "message", "target", "details"}}` (also tolerated unwrapped).
#[derive(Debug, Deserialize)]
struct ErrorEnvelope {
    error: Option<ErrorBody>,
    code: Option<String>,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    code: Option<String>,
    message: Option<String>,
    target: Option<String>,
    details: Option<serde_json::Value>,
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
    let parsed: Option<ErrorEnvelope> = serde_json::from_slice(&resp.body).ok();
    let (arm_code, message, details) = match parsed {
        Some(ErrorEnvelope { error: Some(b), .. }) => {
            let mut details = serde_json::Map::new();
            if let Some(t) = b.target {
                details.insert("target".into(), t.into());
            }
            if let Some(d) = b.details {
                details.insert("details".into(), d);
            }
            (b.code, b.message, (!details.is_empty()).then_some(serde_json::Value::Object(details)))
        }
        Some(ErrorEnvelope { code: Some(c), message, .. }) => (Some(c), message, None),
        _ => (None, None, None),
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
        let p = RetryPolicy { max_retries: 5, base_delay_ms: 100, max_delay_ms: 1000 };
        assert!(p.delay(0, None) <= Duration::from_millis(100));
        assert!(p.delay(3, None) >= Duration::from_millis(400));
        assert!(p.delay(10, None) <= Duration::from_millis(1000));
        assert_eq!(p.delay(0, Some(Duration::from_secs(5))), Duration::from_millis(1000));
    }
}
