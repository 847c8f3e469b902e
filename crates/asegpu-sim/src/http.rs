//! Request and response plumbing shared by the emulator's handlers.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderMap, HeaderValue};
use hyper::{Method, StatusCode};
use serde_json::Value;

pub(crate) type Resp = hyper::Response<Full<Bytes>>;

/// A parsed request: path segments are percent-decoded and empty ones dropped (so `//` collapses).
pub struct Req {
    pub method: Method,
    pub path: String,
    pub segs: Vec<String>,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The Host the client used (with port), lower-case.
    pub host: String,
}

impl Req {
    pub fn new(method: Method, uri: &hyper::Uri, headers: HeaderMap, body: Bytes) -> Req {
        let path = uri.path().to_string();
        let segs = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let query =
            uri.query().map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default();
        let host = headers
            .get(hyper::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|h| h.to_ascii_lowercase())
            .or_else(|| uri.authority().map(|a| a.as_str().to_ascii_lowercase()))
            .unwrap_or_default();
        Req { method, path, segs, query, headers, body, host }
    }

    /// A query parameter, by case-insensitive name.
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Segment `i`, lower-cased (for matching keywords such as `resourcegroups`).
    pub fn kw(&self, i: usize) -> String {
        self.segs.get(i).map(|s| s.to_ascii_lowercase()).unwrap_or_default()
    }

    /// `https://<host the client used>/`, for absolute Location headers and metadata.
    pub fn base(&self) -> String {
        format!("https://{}/", self.host)
    }

    /// Host without the port.
    pub fn hostname(&self) -> &str {
        let h = self.host.as_str();
        if let Some(stripped) = h.strip_prefix('[') {
            return stripped.split(']').next().unwrap_or(h);
        }
        h.rsplit_once(':').map(|(n, _)| n).unwrap_or(h)
    }

    pub fn json_body(&self) -> Result<Value, Resp> {
        if self.body.is_empty() {
            return Err(arm_error(
                400,
                "InvalidRequestContent",
                "The request content was invalid and could not be deserialized: the body is empty.",
            ));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            arm_error(
                400,
                "InvalidRequestContent",
                &format!("The request content was invalid and could not be deserialized: '{e}'."),
            )
        })
    }
}

pub fn json_resp(status: u16, v: &Value) -> Resp {
    let mut r = hyper::Response::new(Full::new(Bytes::from(serde_json::to_vec(v).expect("JSON"))));
    *r.status_mut() = StatusCode::from_u16(status).expect("valid status");
    r.headers_mut().insert("content-type", HeaderValue::from_static("application/json; charset=utf-8"));
    r
}

pub fn empty(status: u16) -> Resp {
    let mut r = hyper::Response::new(Full::new(Bytes::new()));
    *r.status_mut() = StatusCode::from_u16(status).expect("valid status");
    r
}

/// ARM's error envelope.
pub fn arm_error(status: u16, code: &str, message: &str) -> Resp {
    json_resp(status, &asegpu_core::arm::error_body::ArmErrorBody::new(code, message).envelope())
}

pub fn with_header(mut r: Resp, name: &'static str, value: &str) -> Resp {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().insert(name, v);
    }
    r
}

/// The current wall-clock time in ISO 8601 with 7 fractional digits, as ARM prints it.
pub fn timestamp() -> String {
    format_time(chrono::Utc::now())
}

/// A time in ARM's format: ISO 8601 with 7 fractional digits (chrono has no `%.7f`).
pub fn format_time(t: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Timelike;
    format!("{}.{:07}Z", t.format("%Y-%m-%dT%H:%M:%S"), t.nanosecond() % 1_000_000_000 / 100)
}
