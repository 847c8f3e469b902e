//! The HTTPS server: TLS accept loop, fault injection, traffic recording, and dispatch by path:
//! `/adfs/...` → AD FS, `/_sim/...` → control API, blob hosts and path-style accounts → blob endpoint,
//! everything else → ARM.
//!
//! Each request is admitted before its body is read: the control token (control API), then fault
//! injection, then authentication (ARM bearer token, blob Shared Key/SAS; AD FS and `/metadata/endpoints`
//! are open) decides the body limit ([`limits`]); a refusal or a declared length over the limit is answered
//! at once and the body never read, and a body is read only up to its limit. Connections have a header-read
//! deadline (a whole request head within `header_timeout` of its first byte, a first request within
//! `header_timeout` of the handshake, which has the same limit) and an idle deadline (`idle_timeout`), so a
//! client that sends half a header, or nothing, does not keep a connection.

use super::http::{arm_error, with_header, Req, Resp};
use super::jwt::Signer;
use super::state::State;
use super::{adfs, arm, control, Faults, SimConfig};
use asegpu_core::error::{Error, Result, Status};
use base64::Engine;
use bytes::Bytes;
use http_body_util::BodyExt;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// State shared by every connection.
pub struct Shared {
    pub cfg: SimConfig,
    pub state: Mutex<State>,
    pub signer: Signer,
    pub port: u16,
    faults: Mutex<(Faults, u64)>,
    pub requests: AtomicU64,
    recorder: Option<Mutex<std::fs::File>>,
    /// The control API's credential (see [`check_control`]).
    control_token: zeroize::Zeroizing<String>,
}

impl Shared {
    pub fn new(cfg: SimConfig, mut st: State, port: u16) -> Result<Shared> {
        let key = base64::engine::general_purpose::STANDARD.decode(&st.signing_key).ok().filter(|k| !k.is_empty());
        let signer =
            Signer::new(key.as_deref()).map_err(|e| Error::new(Status::Internal, format!("signing key: {e}")))?;
        st.signing_key = base64::engine::general_purpose::STANDARD.encode(signer.pkcs8());
        // The recording holds live access and refresh tokens (AD FS answers): owner only.
        let recorder = match &cfg.record_traffic {
            Some(p) => Some(Mutex::new(super::files::open_private_append(p)?)),
            None => None,
        };
        let mut raw = [0u8; 32];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut raw)
            .map_err(|_| Error::new(Status::Internal, "no randomness for the control token"))?;
        let control_token = zeroize::Zeroizing::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw));
        let seed = cfg.faults.seed.max(1);
        Ok(Shared {
            faults: Mutex::new((cfg.faults.clone(), seed)),
            cfg,
            state: Mutex::new(st),
            signer,
            port,
            requests: AtomicU64::new(0),
            recorder,
            control_token,
        })
    }

    /// The credential the control API (`/_sim/`) requires as `Authorization: Bearer <token>`.
    pub fn control_token(&self) -> &str {
        &self.control_token
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.advance(now_ms());
        st
    }

    /// Persist the state when a state file is configured.
    pub fn save(&self) {
        if let Some(path) = &self.cfg.state_file {
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if let Err(e) = st.save(path) {
                tracing::error!("cannot save emulator state: {e}");
            }
        }
    }

    pub fn set_faults(&self, f: Faults) {
        let mut g = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        let seed = f.seed.max(1);
        *g = (f, seed);
    }

    pub fn faults(&self) -> Faults {
        self.faults.lock().unwrap_or_else(|p| p.into_inner()).0.clone()
    }

    /// Duration of an operation that takes `emulated_secs` on a real device, in real milliseconds.
    pub fn scaled_ms(&self, emulated_secs: f64) -> i64 {
        (emulated_secs * 1000.0 / self.cfg.time_scale.max(0.001)) as i64
    }

    fn pick_fault(&self, adfs: bool) -> Fault {
        let mut g = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        let (f, rng) = &mut *g;
        if adfs && !f.include_adfs {
            return Fault::None;
        }
        if f.burst_429 > 0 {
            f.burst_429 -= 1;
            return Fault::Status(429, f.retry_after_secs);
        }
        let mut roll = || {
            // xorshift64*: deterministic per seed.
            *rng ^= *rng >> 12;
            *rng ^= *rng << 25;
            *rng ^= *rng >> 27;
            (rng.wrapping_mul(0x2545F4914F6CDD1D) >> 11) as f64 / (1u64 << 53) as f64
        };
        if roll() < f.rate_drop {
            return Fault::Drop;
        }
        if roll() < f.rate_429 {
            return Fault::Status(429, f.retry_after_secs);
        }
        if roll() < f.rate_503 {
            return Fault::Status(503, f.retry_after_secs);
        }
        if roll() < f.rate_500 {
            return Fault::Status(500, 0);
        }
        if roll() < f.rate_slow {
            return Fault::Slow(f.slow_ms);
        }
        Fault::None
    }

    fn record(&self, req: &Req, resp: &Resp, resp_body: &Bytes) {
        let Some(rec) = &self.recorder else { return };
        let headers = |h: &hyper::HeaderMap| {
            h.iter()
                .filter(|(k, _)| k.as_str() != "authorization")
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_str().unwrap_or("").to_string())))
                .collect::<serde_json::Map<_, _>>()
        };
        let body_json = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).unwrap_or(serde_json::Value::Null);
        let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(req.query.iter()).finish();
        let line = serde_json::json!({
            "liveRequest": { "method": req.method.as_str(), "url": format!("https://{}{}?{}", req.host, req.path, query),
                             "headers": headers(&req.headers),
                             "body": if req.path.contains("/oauth2/") { serde_json::Value::Null } else { body_json(&req.body) } },
            "liveResponse": { "statusCode": resp.status().as_u16().to_string(), "headers": headers(resp.headers()),
                              "body": body_json(resp_body) },
        });
        let mut f = rec.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(f, "{line}");
    }
}

enum Fault {
    None,
    Drop,
    Slow(u64),
    Status(u16, u64),
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[derive(Debug)]
struct Dropped;
impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}
impl std::error::Error for Dropped {}

/// Request bodies, by who may send them. Limits are checked against `Content-Length` before anything is
/// read, and again while reading (chunked bodies); a request over its limit gets 413 and its body is not
/// read (the connection is closed).
pub mod limits {
    /// A request that has not authenticated may send only this much: the AD FS token form (1-4 KiB with a
    /// refresh token), `/metadata/endpoints` and refusals. Anything else that has not authenticated is
    /// refused (401/403) before its body is read.
    pub const UNAUTHENTICATED: usize = 64 << 10;
    /// ARM's maximum request body: "The request content size exceeds the maximum size of 4 MB."
    /// (`RequestContentTooLarge`, 413; the ARM RPC contract's "Max Request Body Size"). A template deployment
    /// sends its template (ARM's template limit: 4 MB) and parameters (parameter file limit: 4 MB) in one
    /// such request, so a deployment with a 30 MiB parameter is refused here, before it is parsed.
    pub const ARM: usize = 4 << 20;
    /// The control API (small JSON documents).
    pub const CONTROL: usize = 64 << 10;
    /// An authenticated request over its limit is read up to this much (and thrown away) before the 413,
    /// so that a client sending its whole body first still reads the answer.
    pub const DRAIN: usize = 64 << 20;
    pub use crate::blob::{OTHER_LIMIT as BLOB_OTHER, PUT_BLOB_LIMIT as PUT_BLOB, PUT_PAGE_LIMIT as PUT_PAGE};
}

/// Where a request goes.
enum Route {
    Control,
    Adfs,
    Blob(String, Vec<String>),
    Arm,
}

/// Constant-time comparison (no early exit on the first differing byte, nor on the length).
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        diff |= usize::from(a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0));
    }
    diff == 0
}

fn control_refused(message: &str) -> Resp {
    with_header(
        arm_error(401, "AuthenticationFailed", message),
        "www-authenticate",
        "Bearer realm=\"asegpu-sim control API\"",
    )
}

/// The control API needs `Authorization: Bearer <control token>` (the ready line's `control_token`).
fn check_control(shared: &Shared, req: &Req) -> std::result::Result<(), Resp> {
    let Some(auth) = req.header("authorization") else {
        return Err(control_refused(
            "The emulator's control API needs the control token: send 'Authorization: Bearer <control_token>' (the ready line's control_token, also in <work dir>/control-token).",
        ));
    };
    let token = auth.strip_prefix("Bearer ").or_else(|| auth.strip_prefix("bearer ")).unwrap_or("").trim();
    if !same_secret(token.as_bytes(), shared.control_token().as_bytes()) {
        return Err(control_refused("The control token is not this emulator's."));
    }
    Ok(())
}

/// The answer to a body over `limit`, in the shape of the endpoint that refuses it.
fn too_large(route: &Route, limit: usize) -> Resp {
    let r = match route {
        Route::Blob(..) => super::blob::too_large(limit),
        Route::Adfs => super::http::json_resp(
            413,
            &serde_json::json!({ "error": "invalid_request", "error_description": format!("MSIS9001: The request body is larger than the {limit} bytes a token request may send.") }),
        ),
        Route::Control | Route::Arm => {
            let size = if limit >= 1 << 20 { format!("{} MB", limit >> 20) } else { format!("{} KB", limit >> 10) };
            arm_error(
                413,
                "RequestContentTooLarge",
                &format!("The request content size exceeds the maximum size of {size}."),
            )
        }
    };
    with_header(r, "connection", "close")
}

/// Whether the client announced a body (`Content-Length` > 0 or chunked): an early answer then closes the
/// connection rather than reading the body to keep it alive.
fn announces_body(h: &hyper::HeaderMap) -> bool {
    h.get(hyper::header::TRANSFER_ENCODING).is_some()
        || h.get(hyper::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() != "0")
}

fn declared_length(h: &hyper::HeaderMap) -> Option<u64> {
    h.get(hyper::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok())
}

enum BodyError {
    TooLarge,
    /// The client went away, or stalled past the body timeout: there is no request to answer.
    Broken,
}

/// Read a body of at most `limit` bytes, each frame within `stall` of the previous one.
async fn read_body<B>(
    body: &mut B,
    limit: usize,
    declared: Option<u64>,
    stall: Duration,
) -> std::result::Result<Bytes, BodyError>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut out: Vec<u8> = Vec::with_capacity(declared.unwrap_or(0).min(limit as u64) as usize);
    loop {
        let frame = match tokio::time::timeout(stall, body.frame()).await {
            Err(_) | Ok(Some(Err(_))) => return Err(BodyError::Broken),
            Ok(None) => break,
            Ok(Some(Ok(f))) => f,
        };
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > limit {
                return Err(BodyError::TooLarge);
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(out))
}

/// Discard a body without keeping it (memory stays at one frame), up to `limit` bytes.
async fn drain_body<B>(body: &mut B, limit: usize, stall: Duration)
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    let mut seen = 0usize;
    while let Ok(Some(Ok(f))) = tokio::time::timeout(stall, body.frame()).await {
        seen += f.data_ref().map(|d| d.len()).unwrap_or(0);
        if seen > limit {
            break;
        }
    }
}

/// Serve one request: the control token, fault injection, authentication and the body limit come before
/// the body is read; then the body is read (bounded) and the request dispatched.
async fn handle<B>(shared: Arc<Shared>, req: hyper::Request<B>) -> std::result::Result<Resp, Dropped>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    let (parts, body) = req.into_parts();
    let declared = declared_length(&parts.headers);
    let has_body = announces_body(&parts.headers);
    let mut req = Req::new(parts.method, &parts.uri, parts.headers, Bytes::new());
    shared.requests.fetch_add(1, Ordering::Relaxed);
    let route = route_of(&shared, &req);
    let early = |r: Resp| if has_body { with_header(r, "connection", "close") } else { r };
    if let Route::Control = route {
        if let Err(r) = check_control(&shared, &req) {
            return Ok(finish(&shared, &req, early(r)));
        }
    } else {
        match shared.pick_fault(matches!(route, Route::Adfs)) {
            Fault::None => {}
            Fault::Drop => return Err(Dropped),
            Fault::Slow(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            Fault::Status(code, ra) => {
                // Answered without looking at the body, which is discarded (never kept in memory).
                let mut body = body;
                drain_body(&mut body, limits::PUT_BLOB, shared.cfg.body_timeout).await;
                return Ok(finish(&shared, &req, fault_answer(code, ra)));
            }
        }
    }
    // Who the client is decides how much it may send; refusals are answered before the body is read.
    let limit = match body_limit(&shared, &req, &route) {
        Ok(l) => l,
        Err(r) => return Ok(finish(&shared, &req, early(r))),
    };
    let mut body = body;
    req.body = match read_body(&mut body, limit, declared, shared.cfg.body_timeout).await {
        Ok(b) => b,
        Err(BodyError::TooLarge) => {
            // An authenticated client that sends its whole body before reading the answer (most do) would
            // see its connection reset instead of the 413: up to `limits::DRAIN` is read and thrown away
            // first (memory stays at one frame). Not for clients that wait for 100-continue (they are told
            // at once), nor for unauthenticated ones (AD FS), nor for larger declared bodies.
            let expects = req.header("expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue"));
            let declared_ok = declared.is_none_or(|n| n <= limits::DRAIN as u64);
            if !matches!(route, Route::Adfs) && !expects && declared_ok {
                drain_body(&mut body, limits::DRAIN, shared.cfg.body_timeout).await;
            }
            return Ok(finish(&shared, &req, too_large(&route, limit)));
        }
        Err(BodyError::Broken) => return Err(Dropped),
    };
    let resp = match &route {
        Route::Control => control::handle(&shared, &req),
        Route::Adfs => adfs::handle(&shared, &req),
        Route::Blob(account, segs) => super::blob::handle(&shared, &req, account, segs),
        Route::Arm => arm::handle(&shared, &req),
    };
    if req.method != hyper::Method::GET && req.method != hyper::Method::HEAD {
        shared.save();
    }
    Ok(finish(&shared, &req, resp))
}

/// Which endpoint a request is for: the control API, AD FS, a storage account's blobs, or ARM.
fn route_of(shared: &Shared, req: &Req) -> Route {
    match req.kw(0).as_str() {
        "_sim" => Route::Control,
        "adfs" => Route::Adfs,
        _ => match super::blob::route(shared, req) {
            Some((account, segs)) => Route::Blob(account, segs),
            None => Route::Arm,
        },
    }
}

/// An injected failure's answer, as ARM gives it (with Retry-After for 429 and 503).
fn fault_answer(code: u16, retry_after: u64) -> Resp {
    let (c, m) = match code {
        429 => ("TooManyRequests", "The request is being throttled."),
        503 => ("ServiceUnavailable", "The service is temporarily unavailable (ArmStsPool is restarting)."),
        _ => ("InternalServerError", "Encountered internal server error."),
    };
    let r = arm_error(code, c, m);
    if code == 500 {
        r
    } else {
        with_header(r, "retry-after", &retry_after.to_string())
    }
}

/// How much the client may send, by who it is; or the refusal, answered before the body is read.
fn body_limit(shared: &Shared, req: &Req, route: &Route) -> std::result::Result<usize, Resp> {
    Ok(match route {
        Route::Control => limits::CONTROL,
        Route::Adfs => limits::UNAUTHENTICATED,
        Route::Blob(account, _) => super::blob::admit(shared, req, account)?,
        Route::Arm if req.kw(0) == "metadata" => limits::UNAUTHENTICATED,
        Route::Arm => super::adfs::check_bearer(shared, req).map(|_| limits::ARM)?,
    })
}

fn finish(shared: &Shared, req: &Req, mut resp: Resp) -> Resp {
    let h = resp.headers_mut();
    let request_id = uuid::Uuid::new_v4().to_string();
    h.insert("x-ms-request-id", request_id.parse().expect("uuid header"));
    let corr = req.header("x-ms-correlation-request-id").map(str::to_string).unwrap_or_else(|| request_id.clone());
    if let Ok(v) = corr.parse() {
        h.insert("x-ms-correlation-request-id", v);
    }
    if let Some(v) = req.headers.get("x-ms-client-request-id") {
        h.insert("x-ms-client-request-id", v.clone());
    }
    if shared.recorder.is_some() {
        let body = resp.body().clone();
        let bytes = futures_util::FutureExt::now_or_never(body.collect())
            .and_then(|r| r.ok())
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        shared.record(req, &resp, &bytes);
    }
    resp
}

/// A connection's clock: whether a request is being served, and when the connection must next have
/// delivered something. See [`Timed`].
struct Clock {
    /// Requests being served (the service holds a [`Busy`] guard).
    busy: usize,
    /// Set by the first byte of a request head: the whole head must arrive by then.
    head_by: Option<tokio::time::Instant>,
    /// With no request in progress and no head started: the next request must start by then.
    idle_by: tokio::time::Instant,
    header: Duration,
    idle: Duration,
}

/// Marks a request in progress on its connection (no read deadline then: the body has its own).
struct Busy(Arc<Mutex<Clock>>);

impl Busy {
    fn new(clock: &Arc<Mutex<Clock>>) -> Busy {
        let mut c = clock.lock().unwrap_or_else(|p| p.into_inner());
        c.busy += 1;
        c.head_by = None;
        drop(c);
        Busy(clock.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let mut c = self.0.lock().unwrap_or_else(|p| p.into_inner());
        c.busy -= 1;
        c.idle_by = tokio::time::Instant::now() + c.idle;
    }
}

/// The connection's stream with the header-read and idle deadlines of [`Clock`]: a read that would wait
/// past the deadline fails with `TimedOut`, which ends the connection (hyper then drops it). So a client
/// that sends half a header is disconnected `header_timeout` after its first byte, and an idle kept-alive
/// connection after `idle_timeout`.
struct Timed<S> {
    io: S,
    clock: Arc<Mutex<Clock>>,
    sleep: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl<S> Timed<S> {
    fn new(io: S, header: Duration, idle: Duration) -> (Timed<S>, Arc<Mutex<Clock>>) {
        let now = tokio::time::Instant::now();
        // The first request must start within the header timeout of the handshake.
        let clock = Arc::new(Mutex::new(Clock { busy: 0, head_by: None, idle_by: now + header, header, idle }));
        let sleep = Box::pin(tokio::time::sleep_until(now + header));
        (Timed { io, clock: clock.clone(), sleep }, clock)
    }
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Timed<S> {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::future::Future;
        use std::task::Poll;
        let this = self.get_mut();
        let before = buf.filled().len();
        match std::pin::Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if r.is_ok() && buf.filled().len() > before {
                    let mut c = this.clock.lock().unwrap_or_else(|p| p.into_inner());
                    if c.busy == 0 && c.head_by.is_none() {
                        c.head_by = Some(tokio::time::Instant::now() + c.header);
                    }
                }
                Poll::Ready(r)
            }
            Poll::Pending => {
                let deadline = {
                    let c = this.clock.lock().unwrap_or_else(|p| p.into_inner());
                    (c.busy == 0).then(|| c.head_by.unwrap_or(c.idle_by))
                };
                if let Some(d) = deadline {
                    if this.sleep.deadline() != d {
                        this.sleep.as_mut().reset(d);
                    }
                    if this.sleep.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Err(std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            "the client sent no complete request in time",
                        )));
                    }
                }
                Poll::Pending
            }
        }
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for Timed<S> {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let r = std::pin::Pin::new(&mut this.io).poll_write(cx, buf);
        if matches!(r, std::task::Poll::Ready(Ok(n)) if n > 0) {
            // An answer still being written keeps the connection from being idle.
            let mut c = this.clock.lock().unwrap_or_else(|p| p.into_inner());
            if c.busy == 0 && c.head_by.is_none() {
                c.idle_by = tokio::time::Instant::now() + c.idle;
            }
        }
        r
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// Serve HTTP/1.1 on one established connection (TLS already done, or none: see [`serve_io`]) with the
/// configured timeouts.
async fn serve_connection<S>(io: S, shared: Arc<Shared>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (io, clock) = Timed::new(io, shared.cfg.header_timeout, shared.cfg.idle_timeout);
    let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let busy = Busy::new(&clock);
        let shared = shared.clone();
        async move {
            let r = handle(shared, req).await;
            drop(busy);
            r
        }
    });
    let io = hyper_util::rt::TokioIo::new(io);
    // Half-close: a client that shuts down its sending side after a whole request still gets the answer.
    let _ =
        hyper::server::conn::http1::Builder::new().keep_alive(true).half_close(true).serve_connection(io, svc).await;
}

/// Serve one plain-HTTP (no TLS) connection on any stream, as the HTTPS server serves each of its
/// connections: for tests and the fuzz targets, which feed raw request bytes through the same request
/// parsing, limits, authentication and routing.
pub async fn serve_io<S>(io: S, shared: Arc<Shared>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    serve_connection(io, shared).await
}

/// Accept TLS connections until `stop` fires; then drop every open connection (like a device restart).
pub async fn serve(
    listener: tokio::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    shared: Arc<Shared>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        // Reap finished connections so the set does not grow.
        while connections.try_join_next().is_some() {}
        let (tcp, _peer) = tokio::select! {
            _ = &mut stop => break,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => { tracing::warn!("accept failed: {e}"); continue; }
            },
        };
        let acceptor = acceptor.clone();
        let shared = shared.clone();
        connections.spawn(async move {
            let Ok(Ok(stream)) = tokio::time::timeout(shared.cfg.header_timeout, acceptor.accept(tcp)).await else {
                return;
            };
            serve_connection(stream, shared).await;
        });
    }
    connections.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(sizes: &[usize]) -> impl hyper::body::Body<Data = Bytes, Error = std::convert::Infallible> + Unpin {
        let chunks: Vec<std::result::Result<hyper::body::Frame<Bytes>, std::convert::Infallible>> =
            sizes.iter().map(|n| Ok(hyper::body::Frame::data(Bytes::from(vec![b'x'; *n])))).collect();
        http_body_util::StreamBody::new(futures_util::stream::iter(chunks))
    }

    #[tokio::test]
    async fn bodies_are_read_up_to_their_limit_only() {
        let stall = Duration::from_secs(5);
        // Chunked (no declared length): refused as soon as the frames pass the limit.
        let r = read_body(&mut frames(&[40_000, 40_000, 40_000]), 64 << 10, None, stall).await;
        assert!(matches!(r, Err(BodyError::TooLarge)));
        // A declared length over the limit is refused before any frame is read.
        let r = read_body(&mut frames(&[]), 64 << 10, Some(100 << 20), stall).await;
        assert!(matches!(r, Err(BodyError::TooLarge)));
        // At the limit, whole.
        let b = read_body(&mut frames(&[32 << 10, 32 << 10]), 64 << 10, Some(64 << 10), stall).await.ok().unwrap();
        assert_eq!(b.len(), 64 << 10);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
        assert!(!same_secret(b"", b"a"));
        // A secret followed by NUL bytes is another secret, whatever their number.
        assert!(!same_secret(&[0u8; 256], b""));
        assert!(!same_secret(b"abc\0", b"abc"));
        let mut long = b"abc".to_vec();
        long.resize(3 + 65536, 0);
        assert!(!same_secret(&long, b"abc"));
    }
}
