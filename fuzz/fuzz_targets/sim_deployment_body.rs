//! The emulator's template deployment request handling, in process (no HTTP): a fuzzed body POSTed to
//! `.../providers/Microsoft.Resources/deployments/fz/validate` goes through the lenient body reader, mode
//! and template/parameters extraction, plan building and the Preview render. The answer must be a
//! well-formed ARM answer (2xx/4xx with a JSON body), never a panic or a 5xx.
#![no_main]
use asegpu_sim::{http::Req, server::Shared, state::State, SimConfig};
use asegpu_fuzz::{on_small_stack, SIM_PASSWORD};
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::header::{HeaderMap, HeaderValue};
use hyper::Method;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

struct Fixture {
    shared: Shared,
    bearer: String,
    sub: String,
}

fn body_json(r: hyper::Response<http_body_util::Full<Bytes>>) -> (u16, serde_json::Value) {
    let status = r.status().as_u16();
    let bytes = futures_util::FutureExt::now_or_never(r.into_body().collect())
        .expect("in-memory body")
        .expect("body")
        .to_bytes();
    let v = if bytes.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("the emulator answers JSON")
    };
    (status, v)
}

fn headers(bearer: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("host", HeaderValue::from_static("localhost"));
    if let Some(b) = bearer {
        h.insert("authorization", HeaderValue::from_str(&format!("Bearer {b}")).unwrap());
    }
    h
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let cfg = SimConfig::new(SIM_PASSWORD, dir);
        let st = State::load_or_new(&cfg).expect("state");
        let shared = Shared::new(cfg, st, 443).expect("shared");
        let form = format!(
            "grant_type=password&username=EdgeArmUser&password={}&resource=https%3A%2F%2Flocalhost%2F",
            urlenc(SIM_PASSWORD)
        );
        let req = Req::new(
            Method::POST,
            &"https://localhost/adfs/oauth2/token".parse().unwrap(),
            headers(None),
            Bytes::from(form),
        );
        let (code, v) = body_json(asegpu_sim::adfs::handle(&shared, &req));
        assert_eq!(code, 200, "token: {v}");
        let bearer = v["access_token"].as_str().unwrap().to_string();
        let sub = shared.lock().subscription_id.clone();
        Fixture { shared, bearer, sub }
    })
}

fn urlenc(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fuzz_target!(|data: &[u8]| {
    let _ = fixture(); // made on the fuzzer's thread, once
                       // On a small stack: a recursion that grows with the input is a crash (issue 11).
    on_small_stack(|| {
        let f = fixture();
        let uri: hyper::Uri = format!(
            "https://localhost/subscriptions/{}/resourceGroups/ASERG/providers/Microsoft.Resources/deployments/fz/validate?api-version=2020-06-01",
            f.sub
        )
        .parse()
        .unwrap();
        let req = Req::new(Method::POST, &uri, headers(Some(&f.bearer)), Bytes::copy_from_slice(data));
        let (code, v) = body_json(asegpu_sim::arm::handle(&f.shared, &req));
        assert!(code < 500, "the emulator answered {code}: {v}");
        assert!(code != 401, "token refused: {v}");
        if code >= 400 {
            assert!(v["error"]["code"].is_string(), "ARM error without a code: {v}");
        }
    })
});
