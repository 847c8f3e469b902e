//! Shared helpers of the asegpu fuzz targets: turning fuzz input into C strings, the C ABI contract
//! checks every FFI target applies to each call, and the fixtures (an in-process emulator with one
//! session, started once per fuzzing process).

use asegpu::*;
use asegpu_core::Status;
use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;

/// Stack of the thread each fuzz input runs on (see [`on_small_stack`]), unless `ASEGPU_FUZZ_STACK_KIB`
/// says otherwise. Small enough that a recursion which grows with the input (the thing issue 11 found: a
/// deep template, expression or JSON argument) overflows it within the 64 KiB inputs `scripts/fuzz.sh`
/// allows, and is reported as a crash (an unbounded 30,000-deep recursion needs megabytes), while the deepest
/// evaluation the engine's limits allow (`template::limits`; seeds `eval-chain-limit`, `eval-mixed-limit`)
/// still fits: it needs at most 320 KiB in this ASan build (measured), a release build about 192 KiB.
pub const FUZZ_STACK_KIB: usize = 512;

/// The stack size in bytes: `ASEGPU_FUZZ_STACK_KIB` or [`FUZZ_STACK_KIB`].
pub fn fuzz_stack_bytes() -> usize {
    static S: OnceLock<usize> = OnceLock::new();
    *S.get_or_init(|| {
        std::env::var("ASEGPU_FUZZ_STACK_KIB").ok().and_then(|v| v.parse().ok()).unwrap_or(FUZZ_STACK_KIB) * 1024
    })
}

/// Runs one fuzz input's body on a fresh thread with a small stack ([`fuzz_stack_bytes`]); a panic there
/// is re-raised here (libFuzzer records it), a stack overflow aborts the process (a crash, with the input).
/// Fixtures that start things (the in-process emulator) are made before, on the fuzzer's own thread.
pub fn on_small_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new().stack_size(fuzz_stack_bytes()).spawn_scoped(scope, f).expect("spawn");
        match handle.join() {
            Ok(r) => r,
            Err(payload) => std::panic::resume_unwind(payload),
        }
    })
}

/// Suffix appended to every fuzzed password: the whole password must never appear in an error.
pub const PASSWORD_MARK: &str = "Fz#pw-7Qx!marker";
/// The emulator's password (distinctive, so a substring search is meaningful).
pub const SIM_PASSWORD: &str = "Fuzz-Sim-Pw!93kQ";

/// The bytes as C sees them: up to the first NUL (any bytes, including invalid UTF-8).
pub fn cstring(b: &[u8]) -> CString {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    CString::new(&b[..end]).expect("no NUL before end")
}

/// Split the input at NUL bytes into exactly `n` fields (missing ones are empty).
pub fn fields(data: &[u8], n: usize) -> Vec<CString> {
    let mut v: Vec<CString> = data.splitn(n, |&b| b == 0).map(cstring).collect();
    while v.len() < n {
        v.push(CString::default());
    }
    v
}

/// A pointer to `s`, or NULL when `null` (to exercise the NULL checks).
pub fn ptr(s: &CString, null: bool) -> *const c_char {
    if null {
        std::ptr::null()
    } else {
        s.as_ptr()
    }
}

/// Inputs that name device files would make the library read /dev/zero or a FIFO forever: that is the
/// caller's path, not a parsing bug, so such inputs are skipped.
pub fn touches_special_files(data: &[u8]) -> bool {
    [&b"/dev"[..], b"/proc", b"/sys", b"fd/"].iter().any(|pat| data.windows(pat.len()).any(|w| w == *pat))
}

fn utf8<'a>(p: *const c_char, what: &str) -> &'a str {
    assert!(!p.is_null(), "{what}: NULL string");
    // SAFETY: asegpu returned it as a NUL-terminated string.
    unsafe { CStr::from_ptr(p) }.to_str().unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"))
}

/// The C ABI contract for one call:
/// - the status is a documented value, and never PANIC or INTERNAL (those are asegpu bugs);
/// - on success `*out_error` is NULL, the output (if any) is a valid UTF-8 JSON document, and the
///   thread's last error is cleared;
/// - on failure the error object exists, agrees with the status (accessors, JSON, last error), its
///   strings are valid UTF-8, the output was not written, and the secret (if any) appears nowhere.
///
/// Frees what the call handed out.
///
/// # Safety
/// `err` and `out` must be what the asegpu call wrote (or NULL).
pub unsafe fn check(what: &str, status: Status, err: *mut AsegpuError, out: Option<*mut c_char>, secret: Option<&str>) {
    let code = status as u32;
    let name = utf8(asegpu_status_name(code), "status name");
    assert!(status_from_u32(code).is_some() && name != "UNKNOWN", "{what}: undocumented status {code}");
    let detail = if err.is_null() {
        String::from("(no error object)")
    } else {
        utf8(asegpu_error_message(err), "message").to_string()
    };
    assert!(status != Status::Panic, "{what}: a panic reached the C ABI boundary: {detail}");
    assert!(status != Status::Internal, "{what}: INTERNAL error: {detail}");
    if status == Status::Ok {
        assert!(err.is_null(), "{what}: OK with an error object");
        assert_eq!(asegpu_last_error_status(), Status::Ok, "{what}: last error not cleared");
        let last = asegpu_last_error_message();
        assert!(last.is_null(), "{what}: last error message after success");
        if let Some(o) = out {
            let json = utf8(o, "out_json");
            serde_json::from_str::<serde_json::Value>(json)
                .unwrap_or_else(|e| panic!("{what}: out_json is not JSON ({e}): {json}"));
            if let Some(s) = secret {
                assert!(!json.contains(s), "{what}: the password appears in the output");
            }
            asegpu_string_free(o);
        }
        return;
    }
    if let Some(o) = out {
        assert!(o.is_null(), "{what}: output written on failure");
    }
    assert!(!err.is_null(), "{what}: failure ({name}) without an error object");
    assert_eq!(asegpu_error_status(err), status, "{what}: error object status differs from the returned status");
    let message = utf8(asegpu_error_message(err), "asegpu_error_message");
    assert!(!message.is_empty(), "{what}: empty error message");
    for (p, n) in [
        (asegpu_error_arm_code(err), "arm code"),
        (asegpu_error_request_id(err), "request id"),
        (asegpu_error_correlation_id(err), "correlation id"),
    ] {
        if !p.is_null() {
            utf8(p, n);
        }
    }
    let json_p = asegpu_error_to_json(err);
    let json_s = utf8(json_p, "asegpu_error_to_json").to_string();
    asegpu_string_free(json_p);
    let json: serde_json::Value =
        serde_json::from_str(&json_s).unwrap_or_else(|e| panic!("{what}: error JSON does not parse ({e}): {json_s}"));
    assert_eq!(json["status"].as_u64(), Some(code as u64), "{what}: error JSON status: {json_s}");
    assert_eq!(json["statusName"].as_str(), Some(name), "{what}: error JSON statusName: {json_s}");
    let json_msg = json["message"].as_str().unwrap_or_else(|| panic!("{what}: error JSON without message: {json_s}"));
    assert!(
        message.starts_with(&json_msg.replace('\0', " ")),
        "{what}: message and JSON message differ: {message:?} vs {json_msg:?}"
    );
    let http = asegpu_error_http_status(err);
    assert_eq!(json.get("httpStatus").and_then(|v| v.as_u64()).unwrap_or(0), http as u64, "{what}: httpStatus");
    assert_eq!(asegpu_last_error_status(), status, "{what}: last error status");
    let last = asegpu_last_error_message();
    let last_s = utf8(last, "asegpu_last_error_message").to_string();
    asegpu_string_free(last);
    assert_eq!(last_s.replace('\0', " "), message, "{what}: last error message differs");
    if let Some(s) = secret {
        assert!(!message.contains(s) && !json_s.contains(s), "{what}: the password appears in the error: {json_s}");
    }
    asegpu_error_free(err);
}

/// A cancelled token: calls that pass every argument check stop before any I/O.
pub fn cancelled_token() -> *const AsegpuCancelToken {
    static T: OnceLock<usize> = OnceLock::new();
    *T.get_or_init(|| {
        let t = asegpu_cancel_token_new();
        // SAFETY: a token we just created.
        unsafe { asegpu_cancel_token_cancel(t) };
        t as usize
    }) as *const AsegpuCancelToken
}

/// One in-process emulator and one session connected to it through the C ABI, for the whole process.
pub struct Device {
    pub session: *mut AsegpuSession,
    pub sim: asegpu_sim::SimThread,
    pub subscription_id: String,
    pub options_json: String,
}
// SAFETY: sessions are thread-safe (documented); the fuzzer uses one thread anyway.
unsafe impl Send for Device {}
unsafe impl Sync for Device {}

pub fn device() -> &'static Device {
    static D: OnceLock<Device> = OnceLock::new();
    D.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        let mut cfg = asegpu_sim::SimConfig::new(SIM_PASSWORD, dir);
        cfg.time_scale = 100_000.0;
        cfg.retry_after_secs = 0;
        let sim = asegpu_sim::SimThread::start(cfg).expect("emulator starts");
        let options = serde_json::json!({
            "armEndpoint": sim.info.arm_endpoint_ip,
            "tls": { "caCertFile": sim.info.ca_cert },
            "deviceIp": "127.0.0.1",
            "requestTimeoutSeconds": 10,
            "retry": { "maxRetries": 0 },
        })
        .to_string();
        let o = CString::new(options.clone()).unwrap();
        let pw = CString::new(SIM_PASSWORD).unwrap();
        let mut session = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        // SAFETY: valid pointers.
        let st = unsafe {
            asegpu_session_connect(
                o.as_ptr(),
                pw.as_ptr(),
                None,
                std::ptr::null_mut(),
                std::ptr::null(),
                &mut session,
                &mut err,
            )
        };
        if st != Status::Ok {
            // SAFETY: error from asegpu.
            panic!("fixture: cannot connect to the emulator: {}", utf8(asegpu_error_message(err), "message"));
        }
        let subscription_id = sim.info.subscription_id.clone();
        Device { session, sim, subscription_id, options_json: options }
    })
}
