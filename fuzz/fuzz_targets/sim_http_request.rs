//! The emulator's HTTP request handling end to end, in process: the input becomes the bytes a client
//! sends on one connection, served by `asegpu_sim::server::serve_io` exactly as each HTTPS connection is
//! (without TLS): hyper's HTTP/1.1 parsing (request line, headers, chunked and Content-Length bodies,
//! pipelining, Expect: 100-continue), the control token check, authentication and the body limits before
//! the body is read, routing by host and path, query strings, the ARM providers' JSON bodies, template
//! deployments, the blob endpoint's headers and ranges (Shared Key signed by the harness), and the AD FS
//! token form. The device state is reset before each input, so every input is reproducible alone.
//!
//! Input: byte 0 holds flags, the rest is the request.
//! - bits 0-1: credential added by the harness: 0 none, 1 the ARM bearer token, 2 a Shared Key signature
//!   for the storage account `fzsa` (computed over the request as the emulator will see it), 3 the
//!   control token;
//! - bit 2: raw: the rest is sent as it is (after the placeholder substitution below), any number of
//!   requests; otherwise structured: a line `METHOD TARGET`, header lines `Name: value`, an empty line, and
//!   the body; `Host` and `Content-Length` are added unless given (or `Transfer-Encoding` is);
//! - bit 3: host-style blob host (`fzsa.blob.dbe-asesim.microsoftdatabox.com`) instead of `127.0.0.1`.
//!
//! Placeholders: `{sub}` the subscription id, `{bearer}` the ARM token, `{control}` the control token.
//!
//! Contract: no panic; every answer is HTTP/1.1 with a status below 500 (nothing here injects faults);
//! the password never appears in an answer.
#![no_main]
use asegpu_sim::{http::Req, server::Shared, state::State, Faults, SimConfig};
use asegpu_fuzz::SIM_PASSWORD;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::Method;
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ACCOUNT: &str = "fzsa";
const BLOB_HOST: &str = "fzsa.blob.dbe-asesim.microsoftdatabox.com";

struct Fixture {
    rt: tokio::runtime::Runtime,
    shared: Arc<Shared>,
    /// The device state after setup (JSON; blobs aside), restored before each input.
    snapshot: String,
    blobs: asegpu_sim::blob::BlobStore,
    bearer: String,
    sub: String,
    key: Vec<u8>,
}

fn body_json(r: hyper::Response<http_body_util::Full<Bytes>>) -> (u16, serde_json::Value) {
    let status = r.status().as_u16();
    let bytes = futures_util::FutureExt::now_or_never(r.into_body().collect())
        .expect("in-memory body")
        .expect("body")
        .to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

fn req(method: Method, uri: &str, headers: &[(&str, String)], body: &[u8]) -> Req {
    let mut h = HeaderMap::new();
    h.insert("host", HeaderValue::from_static("127.0.0.1"));
    for (k, v) in headers {
        h.insert(HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
    }
    Req::new(method, &uri.parse().unwrap(), h, Bytes::copy_from_slice(body))
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let mut cfg = SimConfig::new(SIM_PASSWORD, dir);
        // Long operations complete at once, so a fuzzed PUT is followed by its effect.
        cfg.time_scale = 1e9;
        cfg.retry_after_secs = 0;
        let st = State::load_or_new(&cfg).expect("state");
        let shared = Arc::new(Shared::new(cfg, st, 443).expect("shared"));
        let form = format!(
            "grant_type=password&username=EdgeArmUser&password={}&resource=https%3A%2F%2F127.0.0.1%2F",
            urlenc(SIM_PASSWORD)
        );
        let (code, v) = body_json(asegpu_sim::adfs::handle(
            &shared,
            &req(Method::POST, "https://127.0.0.1/adfs/oauth2/token", &[], form.as_bytes()),
        ));
        assert_eq!(code, 200, "token: {v}");
        let bearer = v["access_token"].as_str().unwrap().to_string();
        let sub = shared.lock().subscription_id.clone();
        let auth = [("authorization", format!("Bearer {bearer}")), ("content-type", "application/json".into())];
        let arm = |m: Method, path: &str, body: &str| {
            body_json(asegpu_sim::arm::handle(
                &shared,
                &req(m, &format!("https://127.0.0.1{}", path.replace("{sub}", &sub)), &auth, body.as_bytes()),
            ))
        };
        // A group with a storage account, a container and a 4 MiB fixed VHD page blob with its footer.
        let (c, v) = arm(Method::PUT, "/subscriptions/{sub}/resourcegroups/fzrg?api-version=2019-10-01", r#"{"location":"dbelocal"}"#);
        assert!(c < 300, "group: {v}");
        let (c, v) = arm(
            Method::PUT,
            "/subscriptions/{sub}/resourceGroups/fzrg/providers/Microsoft.Storage/storageAccounts/fzsa?api-version=2019-06-01",
            r#"{"location":"dbelocal","sku":{"name":"Standard_LRS"},"kind":"Storage","properties":{}}"#,
        );
        assert!(c < 300, "account: {v}");
        let key = {
            let st = shared.lock();
            let acct = asegpu_sim::storage::find_account(&st, ACCOUNT).expect("the account exists");
            let k = asegpu_sim::storage::account_keys(acct)[0].clone();
            base64_decode(&k)
        };
        let fx = Fixture {
            rt: tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap(),
            shared,
            snapshot: String::new(),
            blobs: Default::default(),
            bearer,
            sub,
            key,
        };
        let disk: u64 = 4 << 20;
        let setup: [(&str, Vec<(&str, String)>, Vec<u8>); 4] = [
            ("PUT /fzsa/vhds?restype=container", vec![], vec![]),
            (
                "PUT /fzsa/vhds/disk.vhd",
                vec![("x-ms-blob-type", "PageBlob".into()), ("x-ms-blob-content-length", (disk + 512).to_string())],
                vec![],
            ),
            (
                "PUT /fzsa/vhds/disk.vhd?comp=page",
                vec![("x-ms-page-write", "update".into()), ("x-ms-range", "bytes=0-511".into())],
                {
                    let mut mbr = vec![0u8; 512];
                    mbr[0] = 0xEB;
                    mbr[510] = 0x55;
                    mbr[511] = 0xAA;
                    mbr
                },
            ),
            (
                "PUT /fzsa/vhds/disk.vhd?comp=page",
                vec![("x-ms-page-write", "update".into()), ("x-ms-range", format!("bytes={disk}-{}", disk + 511))],
                asegpu_core::ops::image::fixed_vhd_footer(disk, [5; 16]).to_vec(),
            ),
        ];
        for (line, headers, body) in setup {
            let mut text = format!("{line}\nx-ms-version: 2019-07-07\nx-ms-date: Mon, 01 Jan 2024 00:00:00 GMT\n");
            for (k, v) in headers {
                text.push_str(&format!("{k}: {v}\n"));
            }
            text.push('\n');
            let mut input = text.into_bytes();
            input.extend_from_slice(&body);
            let wire = build(&fx, 2, &input).expect("a setup request");
            let out = fx.rt.block_on(exchange(&fx.shared, wire));
            assert!(out.starts_with(b"HTTP/1.1 201"), "setup {line}: {}", String::from_utf8_lossy(&out));
        }
        let snapshot = {
            let st = fx.shared.state.lock().unwrap();
            serde_json::to_string(&*st).unwrap()
        };
        let blobs = fx.shared.state.lock().unwrap().blobs.clone();
        Fixture { snapshot, blobs, ..fx }
    })
}

fn base64_decode(s: &str) -> Vec<u8> {
    // The harness's own small decoder (the fuzz crate does not depend on base64).
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = alphabet.iter().position(|a| *a == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn urlenc(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn substitute(f: &Fixture, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let rest = &data[i..];
        let hit = [("{sub}", f.sub.as_str()), ("{bearer}", f.bearer.as_str()), ("{control}", f.shared.control_token())]
            .into_iter()
            .find(|(p, _)| rest.starts_with(p.as_bytes()));
        match hit {
            Some((p, v)) => {
                out.extend_from_slice(v.as_bytes());
                i += p.len();
            }
            None => {
                out.push(data[i]);
                i += 1;
            }
        }
    }
    out
}

/// The bytes a client sends for this input.
fn build(f: &Fixture, flags: u8, rest: &[u8]) -> Option<Vec<u8>> {
    let rest = substitute(f, rest);
    if flags & 4 != 0 {
        return Some(rest);
    }
    let host = if flags & 8 != 0 { BLOB_HOST } else { "127.0.0.1" };
    let split = rest.windows(2).position(|w| w == b"\n\n").map(|p| (p, p + 2));
    let (head, body) = match split {
        Some((h, b)) => (&rest[..h], &rest[b..]),
        None => (&rest[..], &[][..]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.lines();
    let (method, target) = lines.next()?.split_once(' ')?;
    let mut headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    let has = |hs: &[(String, String)], n: &str| hs.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
    if !has(&headers, "host") {
        headers.push(("Host".into(), host.into()));
    }
    if !has(&headers, "content-length") && !has(&headers, "transfer-encoding") {
        headers.push(("Content-Length".into(), body.len().to_string()));
    }
    match flags & 3 {
        1 => headers.push(("Authorization".into(), format!("Bearer {}", f.bearer))),
        3 => headers.push(("Authorization".into(), format!("Bearer {}", f.shared.control_token()))),
        2 => {
            // Sign what the emulator will see (headers it could not parse are not signed: then 403).
            let mut map = HeaderMap::new();
            for (k, v) in &headers {
                if let (Ok(k), Ok(v)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(v)) {
                    map.append(k, v);
                }
            }
            if let (Ok(m), Ok(uri)) = (Method::from_bytes(method.as_bytes()), target.parse::<hyper::Uri>()) {
                let r = Req::new(m, &uri, map, Bytes::new());
                let path_style = !r.hostname().ends_with(".blob.dbe-asesim.microsoftdatabox.com");
                let sig = asegpu_sim::blob::shared_key_signature(&r, ACCOUNT, &f.key, path_style);
                headers.push(("Authorization".into(), format!("SharedKey {ACCOUNT}:{sig}")));
            }
        }
        _ => {}
    }
    let mut out = format!("{method} {target} HTTP/1.1\r\n").into_bytes();
    for (k, v) in headers {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    Some(out)
}

/// Send `wire` on a fresh connection, close the sending side, and return everything the server wrote.
async fn exchange(shared: &Arc<Shared>, wire: Vec<u8>) -> Vec<u8> {
    let (client, server) = tokio::io::duplex(1 << 16);
    let serving = tokio::spawn(asegpu_sim::server::serve_io(server, shared.clone()));
    // Written and read at once: pipelined requests may be answered while later ones are still being sent.
    let (mut rd, mut wr) = tokio::io::split(client);
    let writing = async move {
        let _ = wr.write_all(&wire).await;
        let _ = wr.shutdown().await;
    };
    let reading = async move {
        let mut out = Vec::new();
        let _ = rd.read_to_end(&mut out).await;
        out
    };
    let ((), out) = futures_util::future::join(writing, reading).await;
    if let Err(e) = serving.await {
        std::panic::resume_unwind(e.into_panic());
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let f = fixture();
    {
        let mut st = f.shared.state.lock().unwrap();
        let mut fresh: State = serde_json::from_str(&f.snapshot).unwrap();
        fresh.blobs = f.blobs.clone();
        *st = fresh;
    }
    f.shared.set_faults(Faults::default());
    let Some(wire) = build(f, flags, rest) else { return };
    // The emulator may echo what a request itself sent (a path in a 404, say); the password must not appear
    // in an answer to a request that did not carry it in the clear (the AD FS form sends it URL-encoded).
    let sent_password = wire.windows(SIM_PASSWORD.len()).any(|w| w == SIM_PASSWORD.as_bytes());
    // Only waits the emulator means to make end here: a slow-answer fault set through the control API
    // earlier in the same input, a body timeout. (A deadlock would block the thread, not time out.)
    let Ok(out) =
        f.rt.block_on(async { tokio::time::timeout(Duration::from_secs(3), exchange(&f.shared, wire)).await })
    else {
        return;
    };
    if out.is_empty() {
        // The connection was closed without an answer: a request cut short, a stalled body, or nothing.
        return;
    }
    // An HTTP/1.0 request gets an HTTP/1.0 answer (hyper answers in the request's version).
    assert!(
        out.starts_with(b"HTTP/1.1 ") || out.starts_with(b"HTTP/1.0 "),
        "not an HTTP/1.x answer: {:?}",
        String::from_utf8_lossy(&out[..out.len().min(200)])
    );
    let code: u16 = std::str::from_utf8(&out[9..12]).ok().and_then(|c| c.parse().ok()).expect("a status code");
    assert!(code < 500, "the emulator answered {code}: {}", String::from_utf8_lossy(&out[..out.len().min(2000)]));
    assert!(
        sent_password || !out.windows(SIM_PASSWORD.len()).any(|w| w == SIM_PASSWORD.as_bytes()),
        "the password appears in an answer to a request that did not send it"
    );
});
