//! Issue 11, "Nothing a caller sends can kill the host process": deep and large templates, parameter files,
//! expressions and counts get a specific error from the template engine, the emulator, the C ABI and the CLI,
//! never a stack overflow or an aborted allocation, and the host keeps running afterwards.
//!
//! The inputs are made at run time (`deep_*` below). Test threads have the Rust default 2 MiB stack, the same
//! as a tokio worker, so an unbounded recursion shows up here as a crash of this test binary.

use asegpu::*;
use asegpu_core::arm::ConnectOptions;
use asegpu_core::template::{jsonc, Deployment, DeploymentContext, TemplateError};
use asegpu_core::Status;
use asegpu_testkit::Sim;
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use std::process::Command;

const PW: &str = "Host-Safety-Passw0rd";
const VM: &str = "Microsoft.Compute/virtualMachines";

/// A template whose resource name is `depth` nested `concat(...)` calls.
fn deep_concat_template(depth: usize) -> String {
    let e = format!("{}'a'{}", "concat(".repeat(depth), ")".repeat(depth));
    format!(r#"{{"resources":[{{"type":"{VM}","apiVersion":"2020-06-01","name":"[{e}]","location":"dbelocal"}}]}}"#)
}

/// A template with `depth` nested arrays in a variable.
fn deep_arrays_template(depth: usize) -> String {
    format!(r#"{{"resources":[],"variables":{{"v":{}1{}}}}}"#, "[".repeat(depth), "]".repeat(depth))
}

/// A parameters file with `depth` nested objects in a parameter value.
fn deep_parameters_file(depth: usize) -> String {
    format!(
        r#"{{"$schema":"x","contentVersion":"1.0.0.0","parameters":{{"p":{{"value":{}1{}}}}}}}"#,
        r#"{"a":"#.repeat(depth),
        "}".repeat(depth)
    )
}

/// The template that goes with [`deep_parameters_file`].
const OBJECT_PARAM_TEMPLATE: &str = r#"{"parameters":{"p":{"type":"object"}},"resources":[]}"#;

fn ctx() -> DeploymentContext {
    DeploymentContext::new("00000000-0000-0000-0000-000000000001", "rg1", "dbelocal", "d1")
}

fn plan_text(template: &str, parameters: Option<&str>) -> Result<Deployment, TemplateError> {
    let t = jsonc::parse_template(template)?;
    let p = parameters.map(jsonc::parse_template).transpose()?;
    Deployment::new(&t, p.as_ref(), ctx())
}

fn plan_value(template: &Value) -> Result<Deployment, TemplateError> {
    Deployment::new(template, None, ctx())
}

#[track_caller]
fn assert_invalid_template(r: Result<Deployment, TemplateError>, needle: &str) {
    match r {
        Ok(_) => panic!("accepted; expected InvalidTemplate mentioning '{needle}'"),
        Err(e) => {
            assert_eq!(e.code, "InvalidTemplate", "{e}");
            assert!(e.to_string().contains(needle), "expected '{needle}' in: {e}");
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// The template engine.

/// The refusal names the limit that was hit: a nesting depth, or (for the deepest expressions, which are also
/// the longest) ARM's 24,576 characters of an expression.
fn names_a_limit(text: &str) -> bool {
    text.contains("nest") || text.contains("characters long")
}

#[test]
fn engine_deep_concat_in_a_resource_name() {
    assert_invalid_template(plan_text(&deep_concat_template(300), None), "nest");
    assert_invalid_template(plan_text(&deep_concat_template(3_000), None), "nest");
    assert_invalid_template(plan_text(&deep_concat_template(5_000), None), "at most 24576 characters");
    // A deep but allowed expression still works.
    let d = plan_text(&deep_concat_template(20), None).unwrap();
    assert_eq!(d.resources()[0].name, "a");
}

#[test]
fn engine_deep_arrays_template() {
    for depth in [200, 100_000] {
        let e = plan_text(&deep_arrays_template(depth), None).expect_err("refused");
        assert_eq!(e.code, "InvalidTemplate", "{e}");
        assert!(e.message.contains("nest") && e.message.contains("variables.v"), "path in the message: {e}");
    }
    plan_text(&deep_arrays_template(30), None).unwrap();
}

#[test]
fn engine_deep_parameters_file() {
    for depth in [200, 100_000] {
        let e = plan_text(OBJECT_PARAM_TEMPLATE, Some(&deep_parameters_file(depth))).expect_err("refused");
        assert_eq!(e.code, "InvalidTemplate", "{e}");
        assert!(e.message.contains("nest") && e.message.contains("parameters.p.value"), "path in the message: {e}");
    }
    plan_text(OBJECT_PARAM_TEMPLATE, Some(&deep_parameters_file(30))).unwrap();
}

#[test]
fn engine_deep_inline_template_value() {
    // A template handed over as a value (C ABI `template`, nested deployments) is checked too.
    let mut v = json!(1);
    for _ in 0..1_000 {
        v = json!([v]);
    }
    let t = json!({"resources": [], "variables": {"v": v}});
    assert_invalid_template(plan_value(&t), "nest");
}

#[test]
fn engine_long_property_chains_and_indexes() {
    // `.a.a.a...` and `[0][0]...` build a deep syntax tree without recursion in the parser.
    let chain = format!("[parameters('p'){}]", ".a".repeat(10_000));
    let t = json!({"parameters": {"p": {"type": "object", "defaultValue": {}}}, "variables": {"v": chain}, "resources": []});
    assert_invalid_template(plan_value(&t), "nest");
    let idx = format!("[parameters('p'){}]", "[0]".repeat(6_000));
    let t =
        json!({"parameters": {"p": {"type": "array", "defaultValue": []}}, "variables": {"v": idx}, "resources": []});
    assert_invalid_template(plan_value(&t), "nest");
}

#[test]
fn engine_variable_chains_cannot_build_deep_values() {
    // Each variable wraps the previous one in 60 arrays: 250 of them would make a 15,000-deep value.
    let mut vars = serde_json::Map::new();
    vars.insert("v0".into(), json!(1));
    for i in 1..250 {
        let e = format!("[{}variables('v{}'){}]", "createArray(".repeat(60), i - 1, ")".repeat(60));
        vars.insert(format!("v{i}"), json!(e));
    }
    let t = json!({"variables": vars, "resources": [], "outputs": {"o": {"type": "string", "value": "[string(variables('v249'))]"}}});
    assert_invalid_template(plan_value(&t), "nest");
    // The same through references only: v_i = [variables('v_{i-1}')] in a chain, evaluated from the far end.
    let mut vars = serde_json::Map::new();
    vars.insert("w0".into(), json!("x"));
    for i in 1..250 {
        vars.insert(format!("w{i}"), json!(format!("[concat(variables('w{}'))]", i - 1)));
    }
    let mut order: Vec<(String, Value)> = vars.into_iter().collect();
    order.reverse();
    let t = json!({"variables": order.into_iter().collect::<serde_json::Map<_, _>>(), "resources": []});
    let r = plan_value(&t);
    if let Err(e) = &r {
        assert_eq!(e.code, "InvalidTemplate", "{e}");
        assert!(e.message.contains("nest"), "{e}");
    }
}

#[test]
fn engine_allocation_bombs() {
    let var = |e: &str| json!({"variables": {"v": e}, "resources": []});
    for e in [
        "[padLeft('a', 9223372036854775807)]",
        "[padLeft('a', 100000000)]",
        "[replace(replace(replace(padLeft('a', 4000, 'a'), 'a', padLeft('b', 4000, 'b')), 'b', padLeft('c', 4000, 'c')), 'c', 'dd')]",
        "[range(0, 10001)]",
    ] {
        let e = plan_value(&var(e)).err().unwrap_or_else(|| panic!("{e} accepted"));
        assert_eq!(e.code, "InvalidTemplate", "{e}");
    }
    // Doubling a string through variables: 2^40 bytes if nothing stopped it.
    let mut vars = serde_json::Map::new();
    vars.insert("s0".into(), json!("0123456789abcdef"));
    for i in 1..=40 {
        vars.insert(format!("s{i}"), json!(format!("[concat(variables('s{0}'), variables('s{0}'))]", i - 1)));
    }
    let e = plan_value(&json!({"variables": vars, "resources": []})).expect_err("refused");
    assert!(e.message.contains("MB") || e.message.contains("bytes"), "{e}");
    // Nested copy loops: 800 x 800 x 800 items if nothing stopped them.
    let inner = json!({"copy": [{"name": "c", "count": 800, "input": "[copyIndex('c')]"}]});
    let mid = json!({"copy": [{"name": "b", "count": 800, "input": inner}]});
    let outer = json!({"copy": [{"name": "a", "count": 800, "input": mid}]});
    let t = json!({"variables": {"v": outer}, "resources": []});
    assert_eq!(plan_value(&t).expect_err("refused").code, "InvalidTemplate");
}

#[test]
fn engine_documented_arm_limits() {
    let params: serde_json::Map<String, Value> =
        (0..257).map(|i| (format!("p{i}"), json!({"type": "int", "defaultValue": i}))).collect();
    assert_invalid_template(plan_value(&json!({"parameters": params, "resources": []})), "256 parameters");
    let vars: serde_json::Map<String, Value> = (0..257).map(|i| (format!("v{i}"), json!(i))).collect();
    assert_invalid_template(plan_value(&json!({"variables": vars, "resources": []})), "256 variables");
    let outputs: serde_json::Map<String, Value> =
        (0..65).map(|i| (format!("o{i}"), json!({"type": "int", "value": i}))).collect();
    assert_invalid_template(plan_value(&json!({"outputs": outputs, "resources": []})), "64 outputs");
    let many = json!({"resources": [
        {"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2019-03-01", "name": "[concat('n', copyIndex())]",
         "copy": {"name": "nics", "count": 800}},
        {"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2019-03-01", "name": "one"}]});
    assert_invalid_template(plan_value(&many), "800 resources");
    let long = format!("[concat('{}')]", "x".repeat(24_577));
    assert_invalid_template(plan_value(&json!({"variables": {"v": long}, "resources": []})), "24576");
    let big = format!(r#"{{"resources":[],"variables":{{"v":"{}"}}}}"#, "x".repeat(4 * 1024 * 1024));
    let e = jsonc::parse_template(&big).expect_err("a template over 4 MB is refused");
    assert!(e.message.contains("4 MB") || e.message.contains("4194304"), "{e}");
    // At the limits it works: 256 parameters, 256 variables, 64 outputs, 800 resources.
    let params: serde_json::Map<String, Value> =
        (0..256).map(|i| (format!("p{i}"), json!({"type": "int", "defaultValue": i}))).collect();
    let vars: serde_json::Map<String, Value> = (0..256).map(|i| (format!("v{i}"), json!(i))).collect();
    let outputs: serde_json::Map<String, Value> =
        (0..64).map(|i| (format!("o{i}"), json!({"type": "int", "value": i}))).collect();
    let t = json!({"parameters": params, "variables": vars, "outputs": outputs, "resources": [
        {"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2019-03-01", "name": "[concat('n', copyIndex())]",
         "copy": {"name": "nics", "count": 800}}]});
    assert_eq!(plan_value(&t).unwrap().resources().len(), 800);
}

// ---------------------------------------------------------------------------------------------------------
// The emulator: a deployment PUT with such a template gets an ARM error and the emulator keeps serving.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulator_refuses_deep_deployments_and_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(asegpu_testkit::test_config(PW, dir.path())).await.unwrap();
    asegpu_core::arm::tls::install_crypto_provider();
    let pem = std::fs::read(&sim.info.ca_cert).unwrap();
    let http =
        reqwest::Client::builder().tls_certs_only(vec![reqwest::Certificate::from_pem(&pem).unwrap()]).build().unwrap();
    let base = sim.info.arm_endpoint_ip.clone();
    let form = [
        ("grant_type", "password"),
        ("client_id", asegpu_core::device::POWERSHELL_CLIENT_ID),
        ("username", asegpu_core::device::ARM_USER),
        ("password", PW),
        ("resource", base.as_str()),
    ];
    let t: Value =
        http.post(format!("{base}adfs/oauth2/token")).form(&form).send().await.unwrap().json().await.unwrap();
    let token = t["access_token"].as_str().unwrap().to_string();
    let sub = &sim.info.subscription_id;
    let rg = format!("{base}subscriptions/{sub}/resourcegroups/hostsafety?api-version=2018-05-01");
    let r = http.put(&rg).bearer_auth(&token).json(&json!({"location": "dbelocal"})).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let url = format!(
        "{base}subscriptions/{sub}/resourcegroups/hostsafety/providers/Microsoft.Resources/deployments/deep?api-version=2018-05-01"
    );
    let bodies = [
        format!(r#"{{"properties":{{"mode":"Incremental","template":{}}}}}"#, deep_concat_template(5_000)),
        format!(r#"{{"properties":{{"mode":"Incremental","template":{}}}}}"#, deep_arrays_template(100_000)),
        format!(
            r#"{{"properties":{{"mode":"Incremental","template":{OBJECT_PARAM_TEMPLATE},"parameters":{}}}}}"#,
            &deep_parameters_file(100_000)
        ),
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
    ];
    for body in bodies {
        let r = http
            .put(&url)
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("the emulator answers");
        assert_eq!(r.status().as_u16(), 400);
        let e: Value = r.json().await.unwrap();
        let code = e["error"]["code"].as_str().unwrap_or_default();
        assert!(code == "InvalidTemplate" || code == "InvalidRequestContent", "{e}");
        assert!(names_a_limit(&e.to_string()), "{e}");
    }
    // Still serving.
    let r = http.get(&rg).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

// ---------------------------------------------------------------------------------------------------------
// The C ABI, called as a C host would (from a plain thread, outside any async runtime).

fn options(sim: &Sim) -> ConnectOptions {
    let mut o = asegpu_testkit::options_of(sim);
    o.retry.max_retries = 1;
    o.retry.base_delay_ms = 10;
    o.retry.max_delay_ms = 20;
    o
}

struct FfiSession(*mut AsegpuSession);
// SAFETY: sessions are thread-safe (documented).
unsafe impl Send for FfiSession {}

fn ffi_connect(o: &ConnectOptions) -> FfiSession {
    let oj = CString::new(serde_json::to_string(o).unwrap()).unwrap();
    let p = CString::new(PW).unwrap();
    let mut s = std::ptr::null_mut();
    let mut e = std::ptr::null_mut();
    // SAFETY: valid pointers.
    let st = unsafe {
        asegpu_session_connect(oj.as_ptr(), p.as_ptr(), None, std::ptr::null_mut(), std::ptr::null(), &mut s, &mut e)
    };
    assert_eq!(st, Status::Ok);
    FfiSession(s)
}

/// Calls `f(request, &out_json, &out_error)`; returns the status, the output (must be NULL on failure) and the
/// error JSON.
fn ffi_call(
    request: &str,
    f: impl FnOnce(*const c_char, *mut *mut c_char, *mut *mut AsegpuError) -> Status,
) -> (Status, Option<String>, Value) {
    let req = CString::new(request).unwrap();
    let mut out: *mut c_char = std::ptr::null_mut();
    let mut err: *mut AsegpuError = std::ptr::null_mut();
    let st = f(req.as_ptr(), &mut out, &mut err);
    // SAFETY: strings and errors from asegpu, freed here.
    unsafe {
        let out_s = (!out.is_null()).then(|| CStr::from_ptr(out).to_string_lossy().into_owned());
        asegpu_string_free(out);
        let ej = if err.is_null() {
            Value::Null
        } else {
            let j = asegpu_error_to_json(err);
            let v = serde_json::from_str(CStr::from_ptr(j).to_str().unwrap()).unwrap();
            asegpu_string_free(j);
            asegpu_error_free(err);
            v
        };
        (st, out_s, ej)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_abi_preflight_and_deploy_refuse_deep_and_huge_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(asegpu_testkit::test_config(PW, dir.path())).await.unwrap();
    let o = options(&sim);
    let files = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = files.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let concat = write("concat.json", &deep_concat_template(5_000));
    let arrays = write("arrays.json", &deep_arrays_template(100_000));
    let ptemplate = write("object-param.json", OBJECT_PARAM_TEMPLATE);
    let pfile = write("deep.parameters.json", &deep_parameters_file(100_000));
    // Within the request's depth limit (64 + 8 levels of envelope), deeper than a template may be (64).
    let mut inline_deep = json!(1);
    for _ in 0..66 {
        inline_deep = json!([inline_deep]);
    }
    let cases: Vec<(String, Status, &str)> = vec![
        (
            json!({"resourceGroupName": "rg1", "templateFile": concat}).to_string(),
            Status::InvalidArgument,
            "InvalidTemplate",
        ),
        (
            json!({"resourceGroupName": "rg1", "templateFile": arrays}).to_string(),
            Status::InvalidArgument,
            "InvalidTemplate",
        ),
        (
            json!({"resourceGroupName": "rg1", "templateFile": ptemplate, "templateParameterFile": pfile}).to_string(),
            Status::InvalidArgument,
            "InvalidTemplate",
        ),
        (
            json!({"resourceGroupName": "rg1", "template": {"resources": [], "variables": {"v": inline_deep}}})
                .to_string(),
            Status::InvalidArgument,
            "InvalidTemplate",
        ),
        (
            format!(r#"{{"resourceGroupName":"rg1","template":{}}}"#, deep_arrays_template(100_000)),
            Status::InvalidArgument,
            "",
        ),
        (format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)), Status::InvalidArgument, ""),
    ];
    // A plain thread: the C ABI refuses calls from inside an async runtime.
    let host = std::thread::spawn(move || {
        let s = ffi_connect(&o);
        for (req, want, code) in &cases {
            let short = &req[..req.len().min(120)];
            // SAFETY: valid pointers.
            let (st, out, e) =
                ffi_call(req, |r, out, err| unsafe { asegpu_gpu_preflight(s.0, r, std::ptr::null(), out, err) });
            assert_eq!(st, *want, "preflight {short}: {e}");
            assert!(out.is_none(), "no output on failure");
            assert_eq!(e["armCode"].as_str().unwrap_or_default(), *code, "{e}");
            assert!(names_a_limit(e["message"].as_str().unwrap()), "{e}");
            let mut dreq: Value = serde_json::from_str(req).unwrap_or(json!(null));
            if dreq.is_object() {
                dreq["name"] = json!("deep");
                let dreq = dreq.to_string();
                // SAFETY: valid pointers.
                let (st, out, e) = ffi_call(&dreq, |r, out, err| unsafe {
                    asegpu_deployment_create(s.0, r, None, std::ptr::null_mut(), std::ptr::null(), out, err)
                });
                assert_eq!(st, *want, "deploy {short}: {e}");
                assert!(out.is_none());
            }
        }
        // The preflight count: at most what a device can hold.
        for count in [4_294_967_295u64, 25, 0] {
            let req = json!({"vmSize": "Standard_NC4as_T4_v3", "count": count}).to_string();
            // SAFETY: valid pointers.
            let (st, out, e) =
                ffi_call(&req, |r, out, err| unsafe { asegpu_gpu_preflight(s.0, r, std::ptr::null(), out, err) });
            assert_eq!(st, Status::InvalidArgument, "count {count}: {e}");
            assert!(out.is_none());
            assert!(e["message"].as_str().unwrap().contains("24"), "{e}");
        }
        // The session keeps working.
        let req = json!({"vmSize": "Standard_NC4as_T4_v3", "count": 2}).to_string();
        // SAFETY: valid pointers.
        let (st, out, e) =
            ffi_call(&req, |r, out, err| unsafe { asegpu_gpu_preflight(s.0, r, std::ptr::null(), out, err) });
        assert_eq!(st, Status::Ok, "{e}");
        assert!(out.unwrap().contains("\"ok\":true"));
        // SAFETY: from asegpu_session_connect.
        unsafe { asegpu_session_free(s.0) };
    });
    tokio::task::block_in_place(|| host.join()).expect("the C host thread survives");
}

// ---------------------------------------------------------------------------------------------------------
// The CLI: a specific message and exit code 1, never an abort (134) or a signal.

fn cli(config: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_asegpu"))
        .args(args)
        .env("ASEGPU_CONFIG_DIR", config)
        .env("ASEGPU_PASSWORD", PW)
        .env("ASEGPU_VM_PASSWORD", "VmAdmin-Passw0rd")
        .output()
        .expect("run asegpu");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_preflight_and_deploy_refuse_deep_and_huge_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(asegpu_testkit::test_config(PW, dir.path())).await.unwrap();
    let config = tempfile::tempdir().unwrap();
    let cfg = config.path();
    let w = |name: &str, text: &str| {
        let p = cfg.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let concat = w("concat.json", &deep_concat_template(5_000));
    let arrays = w("arrays.json", &deep_arrays_template(100_000));
    let ptemplate = w("object-param.json", OBJECT_PARAM_TEMPLATE);
    let pfile = w("deep.parameters.json", &deep_parameters_file(100_000));
    let ep = sim.info.arm_endpoint.clone();
    let ca = sim.info.ca_cert.clone();
    tokio::task::block_in_place(|| {
        let (code, text) = cli(
            cfg,
            &[
                "connect",
                "--arm-endpoint",
                &ep,
                "--ca-cert",
                &ca,
                "--device-ip",
                "127.0.0.1",
                "--gpu-count",
                "2",
                "--kubernetes",
                "false",
                "--release",
                "2309",
            ],
        );
        assert_eq!(code, 0, "{text}");
        let (code, text) = cli(cfg, &["group", "create", "rg1"]);
        assert_eq!(code, 0, "{text}");
        let cases: [Vec<&str>; 6] = [
            vec!["gpu", "preflight", "-g", "rg1", "--template-file", &concat],
            vec!["gpu", "preflight", "-g", "rg1", "--template-file", &arrays],
            vec!["gpu", "preflight", "-g", "rg1", "--template-file", &ptemplate, "--parameters-file", &pfile],
            vec!["deploy", "-g", "rg1", "--template-file", &concat],
            vec!["deploy", "-g", "rg1", "--template-file", &arrays],
            vec!["deploy", "-g", "rg1", "--template-file", &ptemplate, "--parameters-file", &pfile],
        ];
        for args in cases {
            let (code, text) = cli(cfg, &args);
            assert_eq!(code, 1, "asegpu {args:?}: {text}");
            assert!(text.contains("InvalidTemplate") && names_a_limit(&text), "asegpu {args:?}: {text}");
        }
        for count in ["4294967295", "25", "0"] {
            let (code, text) = cli(cfg, &["gpu", "preflight", "--size", "Standard_NC4as_T4_v3", "--count", count]);
            assert_eq!(code, 1, "--count {count}: {text}");
            assert!(text.contains("24"), "--count {count}: {text}");
        }
        let (code, text) = cli(cfg, &["gpu", "preflight", "--size", "Standard_NC4as_T4_v3", "--count", "2"]);
        assert_eq!(code, 0, "{text}");
    });
}
