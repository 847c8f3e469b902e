//! Secrets (issue 6, item 4): the Edge ARM password never appears in logs at any level (CLI and emulator
//! at `ASEGPU_LOG=trace`), in error messages or error JSON (wrong password, other user, unreachable device,
//! TLS failure; Rust, C ABI and CLI), in panic messages, in the saved profile and token files, or in the
//! process's argv; and the buffers asegpu keeps it in are zeroised before they are freed.
//!
//! Memory after use: this test binary runs under an allocator wrapper that scans every block freed while
//! it is armed for the password (plain and form-urlencoded). What it proves and what it does not:
//! - proven: asegpu's own copies (the FFI/CLI argument copy, the session's copy kept for renewals, the
//!   urlencoded AD FS form body) are wiped before they are freed: none of the blocks freed with the
//!   password inside was allocated and freed by asegpu code;
//! - not in our control: once the form body is handed to reqwest as `Bytes` (one buffer, shared, wiped
//!   when the last reference goes), hyper and rustls may copy it into their own write buffers (rustls
//!   plaintext queue before the handshake ends, TLS record buffers; they are encrypted in place but the
//!   plaintext can linger in freed memory). The test prints how many such copies it saw (0 with
//!   reqwest 0.13 / hyper 1 / rustls 0.23 today: hyper queues the `Bytes` for a vectored write and rustls
//!   encrypts it into its own record buffer) and fails if a copy is freed by any other code. Before the
//!   fix in `arm::auth` (form built with `String::new()`, sent with `Bytes::copy_from_slice`) it found
//!   13 unwiped blocks per run, the form body among them;
//! - every block starts zeroed under this allocator, so a hit is a copy written during that block's
//!   lifetime, not stale heap contents. Stack copies and kernel socket buffers are not scanned;
//! - not covered: the process environment (ASEGPU_PASSWORD stays in /proc/<pid>/environ, readable only by
//!   the same user: prefer --password-file), swap (nothing is mlock'ed), and the device side.

use asegpu::*;
use asegpu_core::arm::{ConnectOptions, Session};
use asegpu_core::progress::{CancelToken, Progress};
use asegpu_core::Status;
use asegpu_testkit::Sim;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ffi::{CStr, CString};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// Distinctive, so that a substring search means something; `+`, `/`, `&`, `=` and `%` change under URL
/// encoding, so the encoded form is searched for too.
const PW: &str = "Xq7!Secr3t+Pw/&=%zK9-Edge";
const PW_ENCODED: &str = "Xq7%21Secr3t%2BPw%2F%26%3D%25zK9-Edge";
const WRONG_PW: &str = "Wr0ng!Pw-Zz81+other";

// -------------------------------------------------------------------------------------------------
// The scanning allocator.

struct Scanner;

static ARMED: AtomicBool = AtomicBool::new(false);
static FOUND: AtomicUsize = AtomicUsize::new(0);
static REPORTS: Mutex<Vec<String>> = Mutex::new(Vec::new());
thread_local! {
    static IN_HOOK: Cell<bool> = const { Cell::new(false) };
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay.windows(needle.len()).any(|w| w == needle)
}

unsafe impl GlobalAlloc for Scanner {
    // Every block starts zeroed, so a block freed with the password inside had it written during its own
    // lifetime (and is not just reusing stale heap bytes of some earlier, unarmed, free).
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        System.alloc_zeroed(l)
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        System.alloc_zeroed(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if ARMED.load(Ordering::Relaxed) && l.size() >= PW_ENCODED.len().min(PW.len()) {
            let block = std::slice::from_raw_parts(p, l.size());
            if contains(block, PW.as_bytes()) || contains(block, PW_ENCODED.as_bytes()) {
                FOUND.fetch_add(1, Ordering::Relaxed);
                if !IN_HOOK.with(|h| h.replace(true)) {
                    let bt = std::backtrace::Backtrace::force_capture().to_string();
                    let head = String::from_utf8_lossy(&block[..block.len().min(24)]).into_owned();
                    REPORTS
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(format!("{} bytes starting {head:?}\n{bt}", l.size()));
                    IN_HOOK.with(|h| h.set(false));
                }
            }
        }
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        // Move by hand, so the old block goes through `dealloc` (and is scanned) like any free.
        let new_layout = Layout::from_size_align_unchecked(new_size, l.align());
        let q = System.alloc_zeroed(new_layout);
        if !q.is_null() {
            std::ptr::copy_nonoverlapping(p, q, l.size().min(new_size));
            self.dealloc(p, l);
        }
        q
    }
}

#[global_allocator]
static ALLOC: Scanner = Scanner;

/// Whose code freed a block: walking the backtrace from the top, the first frame that belongs to the HTTP
/// stack (by its symbol, which names inlined `drop_in_place<hyper::...>` too) or to asegpu (by its
/// ./src location), skipping std, the test, and plain containers (`bytes`, futures plumbing).
fn culprit(report: &str) -> String {
    const STACK: [&str; 6] = ["hyper_util::", "hyper::", "tokio_rustls::", "rustls::", "reqwest::", "h2::"];
    for line in report.lines() {
        let line = line.trim_start();
        if let Some(loc) = line.strip_prefix("at ") {
            if loc.starts_with("./src/") {
                return "asegpu".into();
            }
            continue;
        }
        let Some((num, name)) = line.split_once(": ") else { continue };
        if num.parse::<u32>().is_err() {
            continue;
        }
        if let Some(k) = STACK.iter().find(|k| name.contains(*k)) {
            return k.trim_end_matches("::").to_string();
        }
        if name.contains("asegpu::") {
            return "asegpu".into();
        }
    }
    "unknown".into()
}

// -------------------------------------------------------------------------------------------------
// Helpers.

fn assert_clean(what: &str, text: &str) {
    for needle in [PW, PW_ENCODED, WRONG_PW] {
        assert!(!text.contains(needle), "{what}: the password {needle:?} appears in:\n{text}");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The emulator binary, with trace logging to a file, for the whole test.
struct SimProcess {
    child: std::process::Child,
    info: serde_json::Value,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl SimProcess {
    fn start() -> SimProcess {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("sim.log");
        let mut child = Command::new(asegpu_testkit::sim_bin())
            .args(["--work-dir", dir.path().to_str().unwrap(), "--time-scale", "100000", "--retry-after", "0"])
            .env("ASEGPU_SIM_PASSWORD", PW)
            .env("ASEGPU_LOG", "trace")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start asegpu-sim");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
        let info: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("emulator ready line ({e}): {line}"));
        SimProcess { child, info, log, _dir: dir }
    }
    fn s(&self, k: &str) -> String {
        self.info[k].as_str().unwrap().to_string()
    }
    fn set_faults(&self, faults: &str) {
        // The control token goes in a header file (0600, like the emulator's own token file), not on argv.
        let header = self._dir.path().join("control.header");
        {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let mut f =
                std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&header).unwrap();
            writeln!(f, "Authorization: Bearer {}", self.s("control_token")).unwrap();
        }
        let out = Command::new("curl")
            .args([
                "-sS",
                "--fail",
                "--cacert",
                &self.s("ca_cert"),
                "-X",
                "PUT",
                "-H",
                "content-type: application/json",
                "-H",
                &format!("@{}", header.display()),
                "-d",
                faults,
            ])
            .arg(format!("{}faults", self.s("control_endpoint")))
            .output()
            .expect("curl");
        assert!(out.status.success(), "PUT faults: {}", String::from_utf8_lossy(&out.stderr));
    }
    /// Stop it and return everything it wrote.
    fn finish(mut self) -> String {
        let _ = self.child.kill();
        let mut rest = String::new();
        let _ = self.child.stdout.take().unwrap().read_to_string(&mut rest);
        let _ = self.child.wait();
        rest + &std::fs::read_to_string(&self.log).unwrap()
    }
}

struct Cli {
    config: tempfile::TempDir,
    pw_file: PathBuf,
}

impl Cli {
    fn new(password: &str) -> Cli {
        let config = tempfile::tempdir().unwrap();
        let pw_file = config.path().join("password.txt");
        std::fs::write(&pw_file, format!("{password}\n")).unwrap();
        Cli { config, pw_file }
    }
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_asegpu"));
        c.args(args)
            .arg("--password-file")
            .arg(&self.pw_file)
            .env("ASEGPU_CONFIG_DIR", self.config.path())
            .env("ASEGPU_LOG", "trace")
            .env_remove("ASEGPU_PASSWORD");
        c
    }
    /// Run; return the exit code and stdout + stderr.
    fn run(&self, args: &[&str]) -> (i32, String) {
        let out = self.command(args).output().expect("run asegpu");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        )
    }
}

fn connect_args<'a>(sim: &'a SimProcess, extra: &[&'a str]) -> Vec<String> {
    let mut a: Vec<String> = [
        "connect",
        "--arm-endpoint",
        &sim.s("arm_endpoint"),
        "--ca-cert",
        &sim.s("ca_cert"),
        "--device-ip",
        "127.0.0.1",
        "-o",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn free_port_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("https://127.0.0.1:{}/", l.local_addr().unwrap().port())
}

// -------------------------------------------------------------------------------------------------
// (a) logs at trace level, (b) CLI errors, (d) profile and token files, (e) argv.

#[test]
fn cli_and_emulator_never_show_the_password() {
    let sim = SimProcess::start();
    let mut transcript = String::new();

    // A failing login (wrong password), another user, then the right one.
    let bad = Cli::new(WRONG_PW);
    let (code, out) = bad.run(&strs(&connect_args(&sim, &[])));
    assert_eq!(code, 4, "wrong password exits 4: {out}");
    assert!(out.contains("MSIS9659"), "{out}");
    transcript += &out;
    let cli = Cli::new(PW);
    let (code, out) = cli.run(&strs(&connect_args(&sim, &["--username", "SomeoneElse"])));
    assert_eq!(code, 4, "another user exits 4: {out}");
    transcript += &out;
    let (code, out) = cli.run(&strs(&connect_args(&sim, &[])));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("TRACE") || out.contains("DEBUG") || out.contains("connected") || out.contains("subscription"),
        "{out}"
    );
    transcript += &out;
    for args in [&["group", "list"][..], &["account"], &["gpu", "availability"], &["group", "show", "nope"]] {
        let (_, out) = cli.run(args);
        transcript += &out;
    }
    // Unreachable device and TLS failure (no CA given: the emulator's certificate is untrusted).
    let dead = free_port_url();
    let (code, out) = cli.run(&["connect", "--arm-endpoint", &dead, "--name", "dead"]);
    assert_ne!(code, 0, "{out}");
    transcript += &out;
    let (code, out) = cli.run(&["connect", "--arm-endpoint", &sim.s("arm_endpoint_ip"), "--name", "tls"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.to_lowercase().contains("certificate") || out.contains("TLS"), "{out}");
    transcript += &out;
    assert_clean("CLI output at ASEGPU_LOG=trace", &transcript);

    // (d) Profile and token files: neither the password nor its encodings.
    let files = walk(cli.config.path());
    assert!(files.len() >= 2, "profile and token files exist: {files:?}");
    for f in files.iter().filter(|f| **f != cli.pw_file) {
        let bytes = std::fs::read(f).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert_clean(&format!("{}", f.display()), &text);
        use base64::Engine;
        for enc in [base64::engine::general_purpose::STANDARD.encode(PW), hex::encode(PW)] {
            assert!(!text.contains(&enc), "{}: the password appears encoded", f.display());
        }
    }

    // (e) argv of a running CLI: connect against a slow emulator, read /proc/<pid>/cmdline meanwhile.
    sim.set_faults(r#"{"rateSlow":1.0,"slowMs":1500,"includeAdfs":true}"#);
    let started = Instant::now();
    let mut child = cli
        .command(&strs(&connect_args(&sim, &["--name", "slow"])))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut seen = 0;
    while child.try_wait().unwrap().is_none() {
        if let Ok(argv) = std::fs::read(format!("/proc/{}/cmdline", child.id())) {
            if !argv.is_empty() {
                seen += 1;
                let argv = String::from_utf8_lossy(&argv).replace('\0', " ");
                assert!(argv.contains("connect") && argv.contains("--password-file"), "{argv}");
                assert_clean("argv", &argv);
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "slow connect: {}", String::from_utf8_lossy(&out.stderr));
    assert!(started.elapsed() >= Duration::from_millis(1500), "the emulator was slow");
    assert!(seen >= 5, "argv was read while the CLI waited ({seen} times)");
    assert_clean(
        "slow connect output",
        &(String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)),
    );
    sim.set_faults("{}");

    // (a) The emulator's own log at trace level, after it checked right and wrong passwords.
    let sim_log = sim.finish();
    // (It logs little: its log lines are warnings and errors; the check still holds at every level.)
    assert_clean("asegpu-sim output at ASEGPU_LOG=trace", &sim_log);
}

// -------------------------------------------------------------------------------------------------
// (b) error messages and error JSON: library and C ABI; (c) panic messages.

fn options(sim: &Sim) -> ConnectOptions {
    let mut o = asegpu_testkit::options_of(sim);
    o.retry.max_retries = 1;
    o.retry.base_delay_ms = 10;
    o.retry.max_delay_ms = 20;
    o
}

fn ffi_connect(options: &ConnectOptions, password: &str) -> (Status, String, *mut AsegpuSession) {
    let o = CString::new(serde_json::to_string(options).unwrap()).unwrap();
    let p = CString::new(password).unwrap();
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
            let j = asegpu_error_to_json(e);
            text += CStr::from_ptr(j).to_str().unwrap();
            asegpu_string_free(j);
            let l = asegpu_last_error_message();
            text += CStr::from_ptr(l).to_str().unwrap();
            asegpu_string_free(l);
            asegpu_error_free(e);
        }
    }
    (st, text, s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_and_panics_never_show_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(asegpu_testkit::test_config(PW, dir.path())).await.unwrap();
    let good = options(&sim);
    let mut other_user = good.clone();
    other_user.username = "SomeoneElse".into();
    let mut dead = good.clone();
    dead.arm_endpoint = free_port_url();
    let mut untrusted = good.clone();
    untrusted.tls.ca_cert_file = None;
    untrusted.tls.ca_only = false;
    let cases: [(&str, &ConnectOptions, &str, Status); 5] = [
        ("wrong password", &good, WRONG_PW, Status::Authentication),
        ("other user", &other_user, PW, Status::Authentication),
        ("unreachable", &dead, PW, Status::Connection),
        ("TLS failure", &untrusted, PW, Status::Tls),
        ("TLS failure, wrong password", &untrusted, WRONG_PW, Status::Tls),
    ];
    for (what, o, pw, want) in cases {
        let e = Session::connect(o.clone(), Zeroizing::new(pw.to_string()), &Progress::none(), &CancelToken::new())
            .await
            .unwrap_err();
        assert_eq!(e.status, want, "{what}: {e}");
        let text = format!("{e}\n{e:?}\n{}", e.to_json());
        assert_clean(what, &text);
        let (o2, pw2) = (o.clone(), pw.to_string());
        // On a plain thread: the C ABI refuses calls from inside an async runtime.
        let (st, text, null) = std::thread::spawn(move || {
            let (st, text, s) = ffi_connect(&o2, &pw2);
            (st, text, s.is_null())
        })
        .join()
        .unwrap();
        assert_eq!(st, want, "{what} (C ABI): {text}");
        assert!(null);
        assert_clean(&format!("{what} (C ABI)"), &text);
    }

    // A session holding the password; panics inside the boundary (caller's thread and runtime task).
    let g = good.clone();
    let panics = std::thread::spawn(move || {
        let (st, text, s) = ffi_connect(&g, PW);
        assert_eq!(st, Status::Ok, "{text}");
        let mut texts = vec![];
        for mode in [0, 1] {
            let mut e = std::ptr::null_mut();
            assert_eq!(asegpu_debug_panic(mode, &mut e), Status::Panic);
            // SAFETY: an error from asegpu.
            unsafe {
                texts.push(CStr::from_ptr(asegpu_error_message(e)).to_str().unwrap().to_string());
                let j = asegpu_error_to_json(e);
                texts.push(CStr::from_ptr(j).to_str().unwrap().to_string());
                asegpu_string_free(j);
                asegpu_error_free(e);
            }
        }
        // SAFETY: the session from asegpu.
        unsafe { asegpu_session_free(s) };
        texts.join("\n")
    })
    .join()
    .unwrap();
    assert!(panics.contains("asegpu_debug_panic"), "{panics}");
    assert_clean("panic messages", &panics);
    // Debug output of what holds or carries the password.
    let s = Session::connect(good.clone(), Zeroizing::new(PW.to_string()), &Progress::none(), &CancelToken::new())
        .await
        .unwrap();
    assert_clean("Session Debug", &format!("{s:?} {:?} {:?}", s.options(), s.info().await));
    sim.stop().await;
}

// -------------------------------------------------------------------------------------------------
// (f) memory after use.

#[test]
fn password_buffers_are_zeroised_before_they_are_freed() {
    let sim = SimProcess::start(); // out of process: the emulator's own copies do not count
    let mut o = ConnectOptions::new(&sim.s("arm_endpoint"));
    o.tls.ca_cert_file = Some(sim.s("ca_cert").into());
    o.device_ip = Some("127.0.0.1".into());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let c_options = CString::new(serde_json::to_string(&o).unwrap()).unwrap();
    let pw_dir = tempfile::tempdir().unwrap();
    let pw_file = pw_dir.path().join("pw");
    std::fs::write(&pw_file, format!("{PW}\n")).unwrap();
    // Warm up (TLS, DNS, lazy statics) before arming, so only the sign-ins below are measured.
    rt.block_on(async {
        let s = Session::connect(o.clone(), Zeroizing::new(PW.to_string()), &Progress::none(), &CancelToken::new())
            .await
            .unwrap();
        drop(s);
    });

    ARMED.store(true, Ordering::SeqCst);
    // 1. The library: connect, use, drop (the session's copy is wiped on drop).
    rt.block_on(async {
        for _ in 0..3 {
            let s = Session::connect(o.clone(), Zeroizing::new(PW.to_string()), &Progress::none(), &CancelToken::new())
                .await
                .unwrap();
            s.list_resource_groups(&CancelToken::new()).await.unwrap();
            drop(s);
        }
        let e =
            Session::connect(o.clone(), Zeroizing::new(WRONG_PW.to_string()), &Progress::none(), &CancelToken::new())
                .await;
        assert!(e.is_err());
    });
    // 2. The C ABI: the argument copy and the session.
    for _ in 0..3 {
        let p = CString::new(PW).unwrap();
        let mut s = std::ptr::null_mut();
        // SAFETY: valid pointers.
        let st = unsafe {
            asegpu_session_connect(
                c_options.as_ptr(),
                p.as_ptr(),
                None,
                std::ptr::null_mut(),
                std::ptr::null(),
                &mut s,
                std::ptr::null_mut(),
            )
        };
        assert_eq!(st, Status::Ok);
        // SAFETY: the session from asegpu.
        unsafe { asegpu_session_free(s) };
        // The test's own CString is not asegpu's: wipe it like a careful caller would.
        let mut raw = p.into_bytes();
        zeroize::Zeroize::zeroize(&mut raw);
    }
    // 3. The CLI's password reader (file).
    let src = asegpu_cli::cli::profile::PasswordSource { file: Some(pw_file.clone()), env: None };
    for _ in 0..3 {
        let got = src.read(false).unwrap().unwrap();
        assert_eq!(got.as_str(), PW);
    }
    ARMED.store(false, Ordering::SeqCst);
    assert_eq!(asegpu_shutdown(), Status::Ok);
    drop(rt);
    let _ = sim.finish();

    let reports = std::mem::take(&mut *REPORTS.lock().unwrap());
    let found = FOUND.load(Ordering::SeqCst);
    let mut by_crate = std::collections::BTreeMap::<String, usize>::new();
    for r in &reports {
        *by_crate.entry(culprit(r)).or_default() += 1;
    }
    eprintln!("blocks freed with the password still inside: {found} (by the crate that freed them: {by_crate:?})");
    let ours: Vec<&String> = reports.iter().filter(|r| culprit(r) == "asegpu").collect();
    assert!(
        ours.is_empty(),
        "asegpu freed {} buffer(s) without wiping the password:\n{}",
        ours.len(),
        ours.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n----\n")
    );
    let forms: Vec<&String> = reports.iter().filter(|r| r.contains("starting \"client_id=")).collect();
    assert!(forms.is_empty(), "the AD FS form body asegpu built was freed without being wiped:\n{}", forms[0]);
    for (k, n) in &by_crate {
        assert!(
            ["hyper", "hyper_util", "rustls", "tokio_rustls", "reqwest", "h2"].contains(&k.as_str()),
            "{n} unwiped copies freed by {k}:\n{reports:#?}"
        );
    }
}
