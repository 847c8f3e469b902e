//! Range checks of what callers give (issue 11, item 4): the retry policy and the device facts, through the
//! C ABI's connect options and the Rust API. Out-of-range values are refused with INVALID_ARGUMENT and a
//! message naming the field and its range, before anything is sent; the backoff maths never overflows.

use asegpu::*;
use asegpu_core::arm::{ConnectOptions, RetryPolicy, Session};
use asegpu_core::progress::{CancelToken, Progress};
use asegpu_core::Status;
use serde_json::{json, Value};
use std::ffi::{CStr, CString};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

fn ffi_connect(options: &Value) -> (Status, String) {
    let o = CString::new(options.to_string()).unwrap();
    let p = CString::new("Some-Passw0rd").unwrap();
    let mut s = std::ptr::null_mut();
    let mut e = std::ptr::null_mut();
    // SAFETY: valid pointers.
    let st = unsafe {
        asegpu_session_connect(o.as_ptr(), p.as_ptr(), None, std::ptr::null_mut(), std::ptr::null(), &mut s, &mut e)
    };
    let mut text = String::new();
    if !e.is_null() {
        // SAFETY: an error object from asegpu, freed here.
        unsafe {
            text += CStr::from_ptr(asegpu_error_message(e)).to_str().unwrap();
            asegpu_error_free(e);
        }
    }
    if !s.is_null() {
        // SAFETY: a session from asegpu.
        unsafe { asegpu_session_free(s) };
    }
    (st, text)
}

fn closed_endpoint() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    format!("https://127.0.0.1:{port}/")
}

#[test]
fn connect_options_are_range_checked_through_the_c_abi() {
    let arm = closed_endpoint();
    let cases = [
        // Once a PANIC status (multiply overflow in the backoff), and a silent wrap in release builds.
        (json!({ "retry": { "maxRetries": 3, "baseDelayMs": u64::MAX, "maxDelayMs": u64::MAX } }), "baseDelayMs"),
        (json!({ "retry": { "maxRetries": 2, "maxDelayMs": u64::MAX } }), "maxDelayMs"),
        (json!({ "retry": { "maxRetries": u32::MAX } }), "maxRetries"),
        (json!({ "retry": { "baseDelayMs": 0 } }), "baseDelayMs"),
        (json!({ "retry": { "baseDelayMs": 5000, "maxDelayMs": 1000 } }), "maxDelayMs"),
        (json!({ "retry": { "unreachableDeadlineMs": 0 } }), "unreachableDeadlineMs"),
        (json!({ "retry": { "unreachableDeadlineMs": u64::MAX } }), "unreachableDeadlineMs"),
        (json!({ "retry": { "maxRetry": 3 } }), "maxRetry"),
        (json!({ "requestTimeoutSeconds": 0 }), "requestTimeoutSeconds"),
        (json!({ "device": { "gpuCount": 7 } }), "1 or 2"),
        (json!({ "device": { "gpuCount": 0 } }), "1 or 2"),
        (json!({ "device": { "release": "banana" } }), "YYMM"),
        (json!({ "device": { "release": "2313" } }), "YYMM"),
        (json!({ "device": { "kubernetesGpus": 3 } }), "kubernetesGpus"),
    ];
    for (mut options, needle) in cases {
        options["armEndpoint"] = json!(arm);
        let t = Instant::now();
        let (st, msg) = ffi_connect(&options);
        assert_eq!(st, Status::InvalidArgument, "{options}: {msg}");
        assert!(msg.contains(needle), "{options}: no '{needle}' in: {msg}");
        assert!(t.elapsed() < Duration::from_secs(2), "{options}: refused before any try");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rust_api_checks_the_same_ranges() {
    let mut o = ConnectOptions::new(&closed_endpoint());
    o.retry.max_delay_ms = u64::MAX;
    o.retry.base_delay_ms = u64::MAX;
    o.device.gpu_count = Some(2);
    let e = Session::connect(o.clone(), Zeroizing::new("pw".into()), &Progress::none(), &CancelToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.status, Status::InvalidArgument, "{e}");
    assert!(e.message.contains("baseDelayMs"), "{e}");
    o.retry = RetryPolicy::default();
    o.device.gpu_count = Some(3);
    let e = Session::connect(o, Zeroizing::new("pw".into()), &Progress::none(), &CancelToken::new()).await.unwrap_err();
    assert_eq!(e.status, Status::InvalidArgument, "{e}");
    assert!(e.message.contains("1 or 2"), "{e}");
}

#[test]
fn backoff_never_overflows() {
    let p = RetryPolicy { max_retries: 20, base_delay_ms: u64::MAX, max_delay_ms: u64::MAX, ..RetryPolicy::default() };
    for attempt in [0, 1, 15, 16, 17, 63, 64, u32::MAX] {
        let d = p.delay(attempt, None);
        assert!(d >= Duration::from_millis(u64::MAX / 2 - 1), "attempt {attempt}: {d:?} (wrapped?)");
        assert_eq!(p.delay(attempt, Some(Duration::MAX)), Duration::from_millis(u64::MAX));
    }
}
