//! The C ABI boundary by construction (issue 11, item 2):
//!
//! * every function of `include/asegpu.h` is a `#[no_mangle]` function of `crates/asegpu-ffi` whose body is the panic
//!   boundary (`ffi_boundary!`) and nothing else, read from the sources, so a new export cannot drift;
//! * a panic at the boundary gives each kind of return type its panic value (status PANIC, NULL, 0, nothing)
//!   and the host keeps its own panic hook;
//! * outputs are written only on success;
//! * every request type refuses unknown fields.
//!
//! One test touches the process-wide panic hook, so this file holds no other test that panics.

use asegpu::*;
use asegpu_core::Status;
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use std::sync::atomic::{AtomicUsize, Ordering};

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Removes `/* ... */` and `// ...` comments (the header's prose names functions too).
fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let block = rest.find("/*");
        let line = rest.find("//");
        match (block, line) {
            (Some(b), l) if l.is_none_or(|l| b < l) => {
                out.push_str(&rest[..b]);
                rest = rest[b + 2..].find("*/").map_or("", |e| &rest[b + 2 + e + 2..]);
            }
            (_, Some(l)) => {
                out.push_str(&rest[..l]);
                rest = rest[l..].find('\n').map_or("", |e| &rest[l + e..]);
            }
            _ => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

fn identifiers_before_paren(text: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(i) = text[at..].find(prefix) {
        let start = at + i;
        at = start + prefix.len();
        if start > 0 && text[..start].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let name: String = text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if text[start + name.len()..].trim_start().starts_with('(') {
            found.push(name);
        }
    }
    found
}

/// `(name, body)` of every `#[no_mangle]` function in a Rust source.
fn exports(source: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = source;
    // The attribute on a line of its own (not in prose, such as this comment).
    while let Some(i) = rest.find("\n#[no_mangle]\n") {
        rest = &rest[i + "\n#[no_mangle]\n".len()..];
        let sig_at = rest.find("fn ").expect("a function after #[no_mangle]");
        let sig = &rest[..sig_at];
        assert!(sig.contains("extern \"C\""), "#[no_mangle] function that is not extern \"C\": {}", &rest[..80]);
        let name: String = rest[sig_at + 3..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let open = rest.find('{').expect("a body");
        let body = rest[open + 1..].trim_start().to_string();
        out.push((name, body));
    }
    out
}

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_function_of_the_header_is_behind_the_panic_boundary() {
    let header = std::fs::read_to_string(root().join("include/asegpu.h")).unwrap();
    let mut declared = identifiers_before_paren(&strip_comments(&header), "asegpu_");
    declared.sort();
    declared.dedup();
    assert!(declared.len() >= 44, "only {} functions found in the header: {declared:?}", declared.len());

    let mut files = Vec::new();
    // Every Rust source of the workspace: the exports must all be in the C ABI crate.
    rust_files(&root().join("src"), &mut files);
    rust_files(&root().join("crates"), &mut files);
    let mut defined = Vec::new();
    let mut unguarded = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (name, body) in exports(&text) {
            let rel = f.strip_prefix(root()).unwrap().display().to_string();
            assert!(
                rel.starts_with("crates/asegpu-ffi/src/"),
                "{name} is exported from {rel}, outside the C ABI crate"
            );
            // The boundary is the first statement and the whole body: nothing runs outside it.
            let inner_end = body.find("\n    }\n}").map(|e| &body[e..]);
            if !body.starts_with("ffi_boundary! {") || inner_end.is_none_or(|tail| !tail.starts_with("\n    }\n}")) {
                unguarded.push(format!("{name} ({rel})"));
            }
            defined.push(name);
        }
    }
    defined.sort();
    assert!(unguarded.is_empty(), "exported functions whose body is not `ffi_boundary! {{ ... }}`: {unguarded:?}");
    assert_eq!(declared, defined, "the header's functions and the #[no_mangle] functions differ");
}

static HOST_HOOK_CALLS: AtomicUsize = AtomicUsize::new(0);

fn last_error() -> (Status, String) {
    let m = asegpu_last_error_message();
    let text = if m.is_null() {
        String::new()
    } else {
        // SAFETY: an owned string from asegpu, freed here.
        unsafe {
            let t = CStr::from_ptr(m).to_string_lossy().into_owned();
            asegpu_string_free(m);
            t
        }
    };
    (asegpu_last_error_status(), text)
}

/// Arms the injected panic: the next asegpu call on this thread panics at its boundary.
fn arm() {
    assert_eq!(asegpu_debug_panic(2, std::ptr::null_mut()), Status::Ok, "mode 2 arms the next call");
}

#[track_caller]
fn assert_panicked(what: &str) {
    let (st, msg) = last_error();
    assert_eq!(st, Status::Panic, "{what}: last error status");
    assert!(msg.contains("panic caught at the C ABI boundary"), "{what}: {msg}");
}

#[test]
fn panics_give_each_return_type_its_value_and_the_host_keeps_its_hook() {
    // The host's own hook, installed before any asegpu call.
    std::panic::set_hook(Box::new(|_| {
        HOST_HOOK_CALLS.fetch_add(1, Ordering::SeqCst);
    }));

    // Status, with an error object: mode 0 and 1 panic inside the call and inside a runtime task.
    for mode in [0, 1] {
        let mut e: *mut AsegpuError = std::ptr::null_mut();
        assert_eq!(asegpu_debug_panic(mode, &mut e), Status::Panic);
        assert!(!e.is_null());
        // SAFETY: an error from asegpu, freed here.
        unsafe {
            assert!(CStr::from_ptr(asegpu_error_message(e)).to_str().unwrap().contains("asegpu_debug_panic"));
            asegpu_error_free(e);
        }
    }
    // The panic went through the hook the host installed: asegpu did not replace it.
    assert!(HOST_HOOK_CALLS.load(Ordering::SeqCst) >= 2, "the host's panic hook was not called");
    let before = HOST_HOOK_CALLS.load(Ordering::SeqCst);

    // Pointer returns: NULL.
    arm();
    assert!(asegpu_version().is_null(), "const char *");
    assert_panicked("asegpu_version");
    arm();
    assert!(asegpu_cancel_token_new().is_null(), "handle");
    assert_panicked("asegpu_cancel_token_new");
    arm();
    assert!(asegpu_last_error_message().is_null(), "char *");
    arm();
    assert!(asegpu_status_name(0).is_null(), "static string");
    assert_panicked("asegpu_status_name");
    // Integers: 0.
    arm();
    assert_eq!(asegpu_abi_version(), 0, "uint32_t");
    assert_panicked("asegpu_abi_version");
    arm();
    // SAFETY: NULL is allowed.
    assert_eq!(unsafe { asegpu_error_http_status(std::ptr::null()) }, 0, "uint16_t");
    arm();
    // SAFETY: NULL is allowed.
    assert_eq!(unsafe { asegpu_cancel_token_is_cancelled(std::ptr::null()) }, 0, "uint8_t");
    assert_panicked("asegpu_cancel_token_is_cancelled");
    // Status without an error object.
    arm();
    // SAFETY: NULL is allowed.
    assert_eq!(unsafe { asegpu_error_status(std::ptr::null()) }, Status::Panic, "status accessor");
    arm();
    assert_eq!(asegpu_shutdown(), Status::Panic, "asegpu_shutdown");
    arm();
    assert_eq!(asegpu_last_error_status(), Status::Panic, "asegpu_last_error_status");
    // void: returns, nothing freed or leaked.
    let s = CString::new("x").unwrap().into_raw();
    arm();
    // SAFETY: a string asegpu could free (CString); not freed because of the panic, freed below.
    unsafe { asegpu_string_free(s) };
    assert_panicked("asegpu_string_free");
    // SAFETY: still ours.
    drop(unsafe { CString::from_raw(s) });
    arm();
    // SAFETY: NULL is allowed.
    unsafe { asegpu_error_free(std::ptr::null_mut()) };
    assert_panicked("asegpu_error_free");
    // A Status function with outputs: PANIC, outputs untouched.
    let sentinel = 0x5a5a_usize as *mut AsegpuSession;
    let mut out = sentinel;
    let mut e = 0x6b6b_usize as *mut AsegpuError;
    let o = CString::new("{}").unwrap();
    arm();
    // SAFETY: valid pointers; nothing is read because the call panics at its entry.
    let st = unsafe {
        asegpu_session_connect(o.as_ptr(), o.as_ptr(), None, std::ptr::null_mut(), std::ptr::null(), &mut out, &mut e)
    };
    assert_eq!(st, Status::Panic);
    assert_eq!(out, sentinel, "out_session untouched");
    assert_panicked("asegpu_session_connect");
    // Every panic still went to the host's hook; it is still installed (and is the host's).
    assert!(HOST_HOOK_CALLS.load(Ordering::SeqCst) >= before + 12);
    let hook = std::panic::take_hook();
    let n = HOST_HOOK_CALLS.load(Ordering::SeqCst);
    let _ = std::panic::catch_unwind(|| panic!("the host's own panic"));
    assert_eq!(HOST_HOOK_CALLS.load(Ordering::SeqCst), n, "take_hook took the host's hook away");
    std::panic::set_hook(hook);
    let _ = std::panic::catch_unwind(|| panic!("the host's own panic"));
    assert_eq!(HOST_HOOK_CALLS.load(Ordering::SeqCst), n + 1, "the hook in place is the host's");
    // And the library works normally afterwards.
    assert!(!asegpu_version().is_null());
    assert_eq!(asegpu_abi_version(), ASEGPU_ABI_VERSION);
}

#[test]
fn outputs_are_written_only_on_success() {
    let sentinel = 0x5a5a_usize as *mut AsegpuSession;
    for (options, password) in [
        ("{not json", "pw"),
        (r#"{"armEndpoint": 5}"#, "pw"),
        (r#"{"armEndpoint": "https://127.0.0.1:1/", "retry": {"maxRetries": 0}}"#, "pw"),
    ] {
        let o = CString::new(options).unwrap();
        let p = CString::new(password).unwrap();
        let mut out = sentinel;
        let mut e: *mut AsegpuError = std::ptr::null_mut();
        // SAFETY: valid pointers.
        let st = unsafe {
            asegpu_session_connect(
                o.as_ptr(),
                p.as_ptr(),
                None,
                std::ptr::null_mut(),
                std::ptr::null(),
                &mut out,
                &mut e,
            )
        };
        assert_ne!(st, Status::Ok, "{options}");
        assert_eq!(out, sentinel, "asegpu_session_connect wrote *out_session on failure ({options})");
        // SAFETY: an error from asegpu.
        unsafe { asegpu_error_free(e) };
    }
    // Functions with a JSON output, failing on their arguments.
    let text_sentinel = 0x7c7c_usize as *mut c_char;
    let bad = CString::new("{").unwrap();
    let mut out = text_sentinel;
    // SAFETY: valid pointers.
    let st = unsafe { asegpu_storage_sas_token(bad.as_ptr(), &mut out, std::ptr::null_mut()) };
    assert_eq!(st, Status::InvalidJson);
    assert_eq!(out, text_sentinel);
    let mut out = text_sentinel;
    // SAFETY: NULL session is refused.
    let st = unsafe {
        asegpu_gpu_preflight(std::ptr::null(), bad.as_ptr(), std::ptr::null(), &mut out, std::ptr::null_mut())
    };
    assert_eq!(st, Status::NullArgument);
    assert_eq!(out, text_sentinel);
    let mut out = text_sentinel;
    let missing = CString::new("/nonexistent/asegpu.vhd").unwrap();
    // SAFETY: valid pointers.
    let st = unsafe { asegpu_vhd_check(missing.as_ptr(), &mut out, std::ptr::null_mut()) };
    assert_ne!(st, Status::Ok);
    assert_eq!(out, text_sentinel);
}

/// Each request type of the C ABI with a minimal valid document; every one must refuse an unknown field,
/// at the top and in its nested objects.
#[test]
fn every_request_type_refuses_unknown_fields() {
    use asegpu_core::arm::resources::NewResourceGroup;
    use asegpu_core::arm::storage::NewStorageAccount;
    use asegpu_core::arm::ConnectOptions;
    use asegpu_core::ops::image::{BringImageRequest, UploadRequest};
    use asegpu_core::ops::{deploy, extension, rest, storage, update};

    fn check<T: serde::de::DeserializeOwned>(what: &str, valid: Value, nested: &[&str]) {
        serde_json::from_value::<T>(valid.clone()).unwrap_or_else(|e| panic!("{what}: the valid document fails: {e}"));
        let mut places = vec![String::new()];
        places.extend(nested.iter().map(|n| n.to_string()));
        for place in places {
            let mut doc = valid.clone();
            let target = if place.is_empty() { &mut doc } else { doc.pointer_mut(&place).unwrap() };
            target.as_object_mut().unwrap().insert("bogusField".into(), json!(1));
            let e = serde_json::from_value::<T>(doc).err();
            assert!(
                e.as_ref().is_some_and(|e| e.to_string().contains("unknown field")),
                "{what}: an unknown field at '{place}' is accepted ({e:?})"
            );
        }
    }
    let ctx = json!({"storageAccountName": "sa", "storageAccountKey": "a2V5"});
    check::<ConnectOptions>(
        "ConnectOptions",
        json!({"armEndpoint": "https://x/", "tls": {}, "retry": {"maxRetries": 1}, "device": {}}),
        &["/tls", "/retry", "/device"],
    );
    check::<NewResourceGroup>("NewResourceGroup", json!({"name": "rg"}), &[]);
    check::<deploy::PreflightRequest>("PreflightRequest", json!({"vmSize": "Standard_NC4as_T4_v3"}), &[]);
    check::<deploy::TemplateDeployment>("TemplateDeployment", json!({"resourceGroupName": "rg"}), &[]);
    check::<deploy::DirectVm>("DirectVm", json!({"resourceGroupName": "rg", "name": "vm", "image": "i"}), &[]);
    check::<extension::InstallRequest>("InstallRequest", json!({"resourceGroupName": "rg", "vmName": "vm"}), &[]);
    check::<update::UpdateRecord>(
        "UpdateRecord",
        json!({"subscriptionId": "s", "stopped": [{"resourceGroupName": "rg", "name": "vm", "vmSize": "x"}]}),
        &["/stopped/0"],
    );
    check::<NewStorageAccount>("NewStorageAccount", json!({"resourceGroup": "rg", "name": "sa"}), &[]);
    check::<UploadRequest>(
        "UploadRequest",
        json!({"resourceGroup": "rg", "storageAccount": "sa", "vhdPath": "/x.vhd", "options": {}}),
        &["/options"],
    );
    check::<BringImageRequest>(
        "BringImageRequest",
        json!({"resourceGroup": "rg", "storageAccount": "sa", "vhdPath": "/x.vhd", "imageName": "i", "osType": "Linux", "upload": {}}),
        &["/upload"],
    );
    check::<rest::ArmRequest>(
        "ArmRequest",
        json!({"method": "GET", "path": "/subscriptions", "apiVersion": "2018-05-01"}),
        &[],
    );
    check::<storage::ContainerRequest>("ContainerRequest", json!({"context": ctx, "name": "c"}), &["/context"]);
    check::<storage::SasRequest>(
        "SasRequest",
        json!({"context": ctx, "resourceType": ["Service"], "permission": "r"}),
        &["/context"],
    );
    check::<storage::PageBlobUpload>(
        "PageBlobUpload",
        json!({"context": ctx, "container": "c", "blobName": "b", "file": "/f", "options": {}}),
        &["/context", "/options"],
    );
}
