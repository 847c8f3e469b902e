//! One error type for the whole crate, and the stable status codes of the C ABI.
//!
//! Every failure carries a [`Status`] (the number a C caller sees), a plain-words message, and, when it came
//! from the device, the HTTP status, the ARM error code and the request/correlation ids that a support
//! engineer needs.

use serde::Serialize;
use std::fmt;

/// Status codes returned by every fallible `asegpu_*` function. The values are stable: a code is never
/// renumbered or reused for another meaning, new codes are only appended.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// A JSON argument could not be parsed.
    InvalidJson = 3,
    /// An argument was well-formed but not acceptable (missing field, bad value, unknown size...).
    InvalidArgument = 4,
    /// The device could not be reached (DNS, refused, reset, unreachable) even after retries.
    Connection = 10,
    /// The TLS handshake failed: untrusted certificate, wrong host name, expired certificate, pin mismatch.
    Tls = 11,
    /// A request or a long-running operation did not finish in time.
    Timeout = 12,
    /// AD FS refused the credentials (wrong user name or password).
    Authentication = 20,
    /// ARM refused the token (401/403) and renewing it did not help.
    Authorization = 21,
    /// ARM answered 404: the resource (or resource group) does not exist.
    NotFound = 30,
    /// ARM answered 409: the resource is in a conflicting state.
    Conflict = 31,
    /// ARM kept answering 429 after every retry.
    Throttled = 32,
    /// ARM rejected the request with another 4xx answer.
    ArmRequest = 33,
    /// ARM kept answering 5xx after every retry.
    Server = 34,
    /// A long-running operation ended in `Failed` or `Canceled` on the device.
    OperationFailed = 35,
    /// The device answered something that does not follow the ARM protocol.
    Protocol = 36,
    /// A preflight check found that the planned GPU deployment would fail.
    PreflightFailed = 40,
    /// The caller cancelled the operation through its cancellation token.
    Cancelled = 50,
    /// A local file could not be read or written.
    Io = 60,
    /// A panic was caught at the C ABI boundary (a bug in asegpu; the process is still safe).
    Panic = 90,
    /// An internal error (runtime could not start, re-entrant call from a callback...).
    Internal = 91,
}

impl Status {
    /// Every status, in the order of their codes (tests/integration/csharp_status.rs checks it against the
    /// header's `AsegpuStatus`, which cbindgen writes from this enum).
    pub const ALL: [Status; 22] = [
        Status::Ok,
        Status::NullArgument,
        Status::InvalidUtf8,
        Status::InvalidJson,
        Status::InvalidArgument,
        Status::Connection,
        Status::Tls,
        Status::Timeout,
        Status::Authentication,
        Status::Authorization,
        Status::NotFound,
        Status::Conflict,
        Status::Throttled,
        Status::ArmRequest,
        Status::Server,
        Status::OperationFailed,
        Status::Protocol,
        Status::PreflightFailed,
        Status::Cancelled,
        Status::Io,
        Status::Panic,
        Status::Internal,
    ];

    /// The status whose code is `code`.
    pub fn from_code(code: u32) -> Option<Status> {
        Status::ALL.into_iter().find(|s| *s as u32 == code)
    }

    /// The stable upper-case name (`NOT_FOUND`, ...), as in the C header.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::NullArgument => "NULL_ARGUMENT",
            Status::InvalidUtf8 => "INVALID_UTF8",
            Status::InvalidJson => "INVALID_JSON",
            Status::InvalidArgument => "INVALID_ARGUMENT",
            Status::Connection => "CONNECTION",
            Status::Tls => "TLS",
            Status::Timeout => "TIMEOUT",
            Status::Authentication => "AUTHENTICATION",
            Status::Authorization => "AUTHORIZATION",
            Status::NotFound => "NOT_FOUND",
            Status::Conflict => "CONFLICT",
            Status::Throttled => "THROTTLED",
            Status::ArmRequest => "ARM_REQUEST",
            Status::Server => "SERVER",
            Status::OperationFailed => "OPERATION_FAILED",
            Status::Protocol => "PROTOCOL",
            Status::PreflightFailed => "PREFLIGHT_FAILED",
            Status::Cancelled => "CANCELLED",
            Status::Io => "IO",
            Status::Panic => "PANIC",
            Status::Internal => "INTERNAL",
        }
    }
}

/// An error with everything a caller needs to act on it.
#[derive(Debug, Clone)]
pub struct Error {
    /// The stable status code.
    pub status: Status,
    /// What went wrong and, where we know it, what to do about it.
    pub message: String,
    /// HTTP status of the device's answer, if there was one.
    pub http_status: Option<u16>,
    /// `error.code` from the ARM error body (e.g. `ResourceGroupNotFound`) or the AD FS `error`.
    pub arm_code: Option<String>,
    /// `x-ms-request-id` of the failing response.
    pub request_id: Option<String>,
    /// `x-ms-correlation-request-id` of the failing response (or the one we sent).
    pub correlation_id: Option<String>,
    /// `error.details` / `error.target` and anything else structured from the device.
    pub details: Option<serde_json::Value>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Error {
            status,
            message: message.into(),
            http_status: None,
            arm_code: None,
            request_id: None,
            correlation_id: None,
            details: None,
        }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(Status::InvalidArgument, message)
    }
    pub fn io(what: &str, path: &std::path::Path, e: std::io::Error) -> Self {
        Error::new(Status::Io, format!("cannot {what} {}: {e}", path.display()))
    }
    pub fn cancelled() -> Self {
        Error::new(
            Status::Cancelled,
            "cancelled by the caller; an operation already accepted by the device keeps running there",
        )
    }
    pub fn with_http(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }
    pub fn with_arm_code(mut self, code: impl Into<String>) -> Self {
        self.arm_code = Some(code.into());
        self
    }
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }
    /// The JSON form the C ABI and `--output json` show (camelCase, ARM names).
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "status": self.status as u32,
            "statusName": self.status.name(),
            "message": self.message,
        });
        let m = v.as_object_mut().expect("object");
        if let Some(s) = self.http_status {
            m.insert("httpStatus".into(), s.into());
        }
        for (k, val) in
            [("armCode", &self.arm_code), ("requestId", &self.request_id), ("correlationId", &self.correlation_id)]
        {
            if let Some(x) = val {
                m.insert(k.into(), x.clone().into());
            }
        }
        if let Some(d) = &self.details {
            m.insert("details".into(), d.clone());
        }
        v
    }
    /// Append what to do (an empty hint changes nothing).
    pub fn with_hint(mut self, hint: impl AsRef<str>) -> Self {
        let hint = hint.as_ref().trim();
        if !hint.is_empty() {
            self.message = format!("{} {hint}", self.message.trim_end());
        }
        self
    }
    /// Prefix the message with context ("deleting resource group 'x': ...").
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(code) = &self.arm_code {
            write!(f, " [{code}")?;
            if let Some(s) = self.http_status {
                write!(f, ", HTTP {s}")?;
            }
            write!(f, "]")?;
        } else if let Some(s) = self.http_status {
            write!(f, " [HTTP {s}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::new(Status::InvalidJson, format!("invalid JSON: {e}"))
    }
}
