//! The HTTPS server: TLS accept loop, fault injection, traffic recording, and dispatch by path:
//! `/adfs/...` → AD FS, `/_sim/...` → control API, everything else → ARM.

use super::http::{arm_error, with_header, Req, Resp};
use super::jwt::Signer;
use super::state::State;
use super::{adfs, arm, control, Faults, SimConfig};
use crate::error::{Error, Result, Status};
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
}

impl Shared {
    pub fn new(cfg: SimConfig, mut st: State, port: u16) -> Result<Shared> {
        let key = base64::engine::general_purpose::STANDARD.decode(&st.signing_key).ok().filter(|k| !k.is_empty());
        let signer =
            Signer::new(key.as_deref()).map_err(|e| Error::new(Status::Internal, format!("signing key: {e}")))?;
        st.signing_key = base64::engine::general_purpose::STANDARD.encode(signer.pkcs8());
        let recorder = match &cfg.record_traffic {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new().create(true).append(true).open(p).map_err(|e| Error::io("open", p, e))?,
            )),
            None => None,
        };
        let seed = cfg.faults.seed.max(1);
        Ok(Shared {
            faults: Mutex::new((cfg.faults.clone(), seed)),
            cfg,
            state: Mutex::new(st),
            signer,
            port,
            requests: AtomicU64::new(0),
            recorder,
        })
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

async fn handle(shared: Arc<Shared>, req: hyper::Request<hyper::body::Incoming>) -> std::result::Result<Resp, Dropped> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let req = Req::new(parts.method, &parts.uri, parts.headers, body);
    shared.requests.fetch_add(1, Ordering::Relaxed);
    let first = req.kw(0);
    let is_control = first == "_sim";
    let is_adfs = first == "adfs";
    if !is_control {
        match shared.pick_fault(is_adfs) {
            Fault::None => {}
            Fault::Drop => return Err(Dropped),
            Fault::Slow(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            Fault::Status(code, ra) => {
                let (c, m) = if code == 429 {
                    ("TooManyRequests", "The request is being throttled.")
                } else if code == 503 {
                    ("ServiceUnavailable", "The service is temporarily unavailable (ArmStsPool is restarting).")
                } else {
                    ("InternalServerError", "Encountered internal server error.")
                };
                let mut r = arm_error(code, c, m);
                if code != 500 {
                    r = with_header(r, "retry-after", &ra.to_string());
                }
                return Ok(finish(&shared, &req, r));
            }
        }
    }
    let resp = if is_control {
        control::handle(&shared, &req)
    } else if is_adfs {
        adfs::handle(&shared, &req)
    } else if let Some((account, segs)) = super::blob::route(&shared, &req) {
        super::blob::handle(&shared, &req, &account, &segs)
    } else {
        arm::handle(&shared, &req)
    };
    if req.method != hyper::Method::GET && req.method != hyper::Method::HEAD {
        shared.save();
    }
    Ok(finish(&shared, &req, resp))
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
            let Ok(Ok(stream)) = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await else {
                return;
            };
            let svc = hyper::service::service_fn(move |req| handle(shared.clone(), req));
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new().keep_alive(true).serve_connection(io, svc).await;
        });
    }
    connections.shutdown().await;
}
