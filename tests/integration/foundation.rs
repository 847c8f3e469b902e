//! Connect-to-ARM against the emulator over real HTTPS: trust modes, sign-in, resource groups, long-running
//! operations, token renewal, retries under injected faults, cancellation, and every error path.

use asegpu_core::arm::resources::NewResourceGroup;
use asegpu_core::arm::{ConnectOptions, Session};
use asegpu_core::progress::{CancelToken, Progress, ProgressEvent};
use asegpu_core::Status;
use asegpu_sim::{CertMode, Faults};
use asegpu_testkit::{Device, DirGuard, Sim, SimConfig};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

const PW: &str = "Sim-Passw0rd!x";

async fn sim_with(f: impl FnOnce(&mut SimConfig)) -> (Sim, DirGuard) {
    Device::start_with(PW, f).await.into_parts()
}

/// The harness's options (the device host names mapped to loopback, trusting only its CA), retrying fast.
fn options(sim: &Sim) -> ConnectOptions {
    let mut o = asegpu_testkit::options_of(sim);
    o.retry.base_delay_ms = 20;
    o.retry.max_delay_ms = 200;
    o
}

async fn connect(o: ConnectOptions) -> asegpu_core::Result<Session> {
    Session::connect(o, Zeroizing::new(PW.into()), &Progress::none(), &CancelToken::new()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_by_host_name_and_manage_resource_groups() {
    let (sim, _d) = sim_with(|_| {}).await;
    let s = connect(options(&sim)).await.expect("connects");
    let info = s.info().await;
    assert_eq!(info.subscription_name, "Default Provider Subscription");
    assert_eq!(info.subscription_id, sim.info.subscription_id);
    assert_eq!(info.tenant_id, "c0257de7-538f-415c-993a-1b87a031879d");
    assert_eq!(info.account, "EdgeArmUser@localhost");
    assert_eq!(info.tls_verification, "verified");
    assert!(info.login_endpoint.starts_with("https://login.dbe-asesim.microsoftdatabox.com:"));

    let c = CancelToken::new();
    let before = s.list_resource_groups(&c).await.unwrap();
    assert!(before.iter().any(|g| g.name == "ASERG"), "compute-enabled device has ASERG: {before:?}");
    let req = NewResourceGroup { name: "MyRg1".into(), location: Some("DBELocal".into()), tags: Default::default() };
    let g = s.create_resource_group(&req, &c).await.unwrap();
    assert_eq!((g.name.as_str(), g.location.as_str()), ("MyRg1", "dbelocal"));
    assert_eq!(g.properties.provisioning_state, "Succeeded");
    // Names are case-insensitive and keep their first casing.
    assert_eq!(s.get_resource_group("myrg1", &c).await.unwrap().name, "MyRg1");
    assert_eq!(s.list_resource_groups(&c).await.unwrap().len(), before.len() + 1);

    let events = Mutex::new(Vec::<ProgressEvent>::new());
    let sink = |e: &ProgressEvent| events.lock().unwrap().push(e.clone());
    s.delete_resource_group("MYRG1", &Progress::new(&sink), &c).await.unwrap();
    let stages: Vec<String> = events.lock().unwrap().iter().map(|e| e.stage.clone()).collect();
    assert_eq!(stages.first().map(String::as_str), Some("started"), "{stages:?}");
    assert_eq!(stages.last().map(String::as_str), Some("succeeded"), "{stages:?}");
    let e = s.get_resource_group("MyRg1", &c).await.unwrap_err();
    assert_eq!(e.status, Status::NotFound);
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_by_ip_and_errors_carry_arm_details() {
    let (sim, _d) = sim_with(|_| {}).await;
    let mut o = options(&sim);
    o.arm_endpoint = sim.info.arm_endpoint_ip.clone();
    o.device_ip = None;
    let s = connect(o).await.expect("connects by IP");
    let c = CancelToken::new();
    let e = s.get_resource_group("nope", &c).await.unwrap_err();
    assert_eq!(e.status, Status::NotFound);
    assert_eq!(e.arm_code.as_deref(), Some("ResourceGroupNotFound"));
    assert_eq!(e.http_status, Some(404));
    assert!(e.request_id.is_some() && e.correlation_id.is_some(), "{e:?}");
    assert!(e.message.contains("'nope'"), "{e}");

    // Refused before sending: only dbelocal exists on a device.
    let bad = NewResourceGroup { name: "x".into(), location: Some("westus".into()), tags: Default::default() };
    assert_eq!(s.create_resource_group(&bad, &c).await.unwrap_err().status, Status::InvalidArgument);
    // The device refuses it too, with ARM's code.
    let path = format!("subscriptions/{}/resourcegroups/x?api-version=2020-06-01", s.subscription_id());
    let e = s
        .call(reqwest::Method::PUT, &path, Some(&serde_json::json!({"location": "westus"})), &Progress::none(), &c)
        .await
        .unwrap_err();
    assert_eq!(e.arm_code.as_deref(), Some("LocationNotAvailableForResourceGroup"));
    // Strict api-versions, as the device.
    let path = format!("subscriptions/{}/resourcegroups?api-version=2024-11-01", s.subscription_id());
    let e = s.call(reqwest::Method::GET, &path, None, &Progress::none(), &c).await.unwrap_err();
    assert_eq!(e.arm_code.as_deref(), Some("InvalidApiVersionParameter"));
    assert!(e.message.contains("2020-06-01"), "lists the supported versions: {e}");
    // Bad names are refused locally.
    assert_eq!(s.get_resource_group("a/b", &c).await.unwrap_err().status, Status::InvalidArgument);
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_is_an_authentication_error_without_the_password() {
    let (sim, _d) = sim_with(|_| {}).await;
    let secret = "Wr0ng-Secret-Value";
    let e = Session::connect(options(&sim), Zeroizing::new(secret.into()), &Progress::none(), &CancelToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.status, Status::Authentication);
    assert_eq!(e.arm_code.as_deref(), Some("invalid_grant"));
    assert!(e.message.contains("MSIS9659"), "{e}");
    assert!(!format!("{e:?} {}", e.to_json()).contains(secret), "the password leaked into the error");
    let mut o = options(&sim);
    o.username = "SomeoneElse".into();
    assert_eq!(connect(o).await.unwrap_err().status, Status::Authentication);
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_trust_modes() {
    let (sim, _d) = sim_with(|_| {}).await;
    // System store only: the emulator's CA is unknown.
    let mut o = options(&sim);
    o.tls = Default::default();
    let e = connect(o).await.unwrap_err();
    assert_eq!(e.status, Status::Tls, "{e}");
    assert!(e.message.contains("root CA"), "hint names the fix: {e}");
    // System store plus the device CA.
    let mut o = options(&sim);
    o.tls.ca_only = false;
    connect(o).await.expect("system + device CA");
    // CA given as PEM text.
    let mut o = options(&sim);
    o.tls.ca_cert_file = None;
    o.tls.ca_cert_pem = Some(std::fs::read_to_string(&sim.info.ca_cert).unwrap());
    connect(o).await.expect("PEM text");
    // Pinned thumbprint, and a wrong one.
    let mut o = options(&sim);
    o.tls = Default::default();
    o.tls.certificate_thumbprint = Some(sim.info.thumbprint.to_uppercase());
    assert_eq!(connect(o).await.unwrap().info().await.tls_verification, "pinned");
    let mut o = options(&sim);
    o.tls = Default::default();
    o.tls.certificate_thumbprint = Some("00".repeat(32));
    let e = connect(o).await.unwrap_err();
    assert_eq!(e.status, Status::Tls);
    assert!(e.message.contains("thumbprint"), "{e}");
    // A garbage CA file is an argument error, not a silent fallback.
    let bad = _d.path().join("bad.pem");
    std::fs::write(&bad, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").unwrap();
    let mut o = options(&sim);
    o.tls.ca_cert_file = Some(bad);
    assert_eq!(connect(o).await.unwrap_err().status, Status::InvalidArgument);
    // Verification off: works, and says so loudly.
    let mut o = options(&sim);
    o.tls = Default::default();
    o.tls.insecure_skip_tls_verify = true;
    let s = connect(o).await.unwrap();
    assert_eq!(s.info().await.tls_verification, "DISABLED");
    assert!(s.tls_warning().unwrap().contains("DISABLED"));
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_device_certificates_are_refused_specifically() {
    for (mode, needle) in [
        (CertMode::Expired, "expired"),
        (CertMode::WrongHost, "does not name this host"),
        (CertMode::SelfSignedCa, "thumbprint"),
    ] {
        let (sim, _d) = sim_with(|c| c.cert_mode = mode).await;
        let e = connect(options(&sim)).await.unwrap_err();
        assert_eq!(e.status, Status::Tls, "{mode:?}: {e}");
        assert!(e.message.contains(needle), "{mode:?}: {e}");
        if mode == CertMode::SelfSignedCa {
            let mut o = options(&sim);
            o.tls = Default::default();
            o.tls.certificate_thumbprint = Some(sim.info.thumbprint.clone());
            connect(o).await.expect("a self-signed CA certificate is accepted by its thumbprint");
        }
        sim.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_and_invalid_endpoints() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut o = ConnectOptions::new(&format!("https://127.0.0.1:{port}/"));
    o.retry.max_retries = 1;
    o.retry.base_delay_ms = 10;
    let t = Instant::now();
    let e = connect(o).await.unwrap_err();
    assert_eq!(e.status, Status::Connection, "{e}");
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_eq!(
        connect(ConnectOptions::new("http://management.x.y/")).await.unwrap_err().status,
        Status::InvalidArgument
    );
    assert_eq!(connect(ConnectOptions::new("not a url")).await.unwrap_err().status, Status::InvalidArgument);
    let mut o = ConnectOptions::new("https://management.x.y/");
    o.device_ip = Some("999.1.1.1".into());
    assert_eq!(connect(o).await.unwrap_err().status, Status::InvalidArgument);
    let bad: Result<ConnectOptions, _> = serde_json::from_str(r#"{"armEndpoint":"https://a/","pasword":"typo"}"#);
    assert!(bad.is_err(), "unknown fields are refused, so a typo never silently drops a setting");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_expiring_mid_session_is_renewed_silently() {
    let (sim, _d) = sim_with(|c| c.token_lifetime = Duration::from_secs(2)).await;
    let s = connect(options(&sim)).await.unwrap();
    let c = CancelToken::new();
    s.list_resource_groups(&c).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    s.list_resource_groups(&c).await.expect("renewed without the caller noticing");
    assert!(s.token_renewals() >= 1, "renewals: {}", s.token_renewals());
    // A token the device no longer accepts (device restart, session expiry): ARM answers 401, we renew once.
    let before = s.token_renewals();
    let ctl = reqwest::Client::builder()
        .tls_certs_only(vec![reqwest::Certificate::from_pem(&std::fs::read(&sim.info.ca_cert).unwrap()).unwrap()])
        .build()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    ctl.post(format!("{}tokens/expire", sim.info.control_endpoint))
        .bearer_auth(&sim.info.control_token)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    s.list_resource_groups(&c).await.expect("recovers from a revoked token");
    assert!(s.token_renewals() > before);
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_server_errors_and_dropped_connections_are_retried() {
    let (sim, _d) = sim_with(|_| {}).await;
    let s = connect(options(&sim)).await.unwrap();
    let c = CancelToken::new();
    sim.set_faults(Faults { burst_429: 3, retry_after_secs: 0, ..Default::default() });
    s.list_resource_groups(&c).await.expect("429 burst retried");
    sim.set_faults(Faults {
        rate_503: 0.3,
        rate_500: 0.1,
        rate_drop: 0.2,
        retry_after_secs: 0,
        seed: 42,
        ..Default::default()
    });
    for i in 0..10 {
        let req = NewResourceGroup { name: format!("rg{i}"), location: None, tags: Default::default() };
        s.create_resource_group(&req, &c).await.expect("created despite faults");
    }
    s.delete_resource_group("rg3", &Progress::none(), &c).await.expect("LRO despite faults");
    sim.set_faults(Faults::default());
    let names: Vec<String> = s.list_resource_groups(&c).await.unwrap().into_iter().map(|g| g.name).collect();
    assert_eq!(names.iter().filter(|n| n.starts_with("rg")).count(), 9, "{names:?}");
    // Retries run out: a specific error, not a hang.
    sim.set_faults(Faults { rate_503: 1.0, retry_after_secs: 0, seed: 1, ..Default::default() });
    let e = s.list_resource_groups(&c).await.unwrap_err();
    assert_eq!(e.status, Status::Server, "{e}");
    assert_eq!(e.http_status, Some(503));
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_stops_waiting_promptly() {
    let (sim, _d) = sim_with(|c| {
        c.time_scale = 1.0; // deleting takes 30 s
        c.retry_after_secs = 1;
    })
    .await;
    let s = connect(options(&sim)).await.unwrap();
    let c = CancelToken::new();
    s.create_resource_group(&NewResourceGroup { name: "slow".into(), location: None, tags: Default::default() }, &c)
        .await
        .unwrap();
    let c2 = c.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        c2.cancel();
    });
    let t = Instant::now();
    let e = s.delete_resource_group("slow", &Progress::none(), &c).await.unwrap_err();
    assert_eq!(e.status, Status::Cancelled);
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    let e = s.list_resource_groups(&c).await.unwrap_err();
    assert_eq!(e.status, Status::Cancelled, "a cancelled token stays cancelled");
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_session_many_tasks() {
    let (sim, _d) = sim_with(|_| {}).await;
    let s = connect(options(&sim)).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..32 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let c = CancelToken::new();
            let name = format!("par{i}");
            s.create_resource_group(
                &NewResourceGroup { name: name.clone(), location: None, tags: Default::default() },
                &c,
            )
            .await?;
            s.get_resource_group(&name, &c).await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(s.list_resource_groups(&CancelToken::new()).await.unwrap().len(), 33);
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_operation_outlives_a_token_renewal() {
    let (sim, _d) = sim_with(|c| {
        c.token_lifetime = Duration::from_secs(2);
        c.time_scale = 10.0; // deleting a group takes 3 s
        c.retry_after_secs = 1;
    })
    .await;
    let s = connect(options(&sim)).await.unwrap();
    let c = CancelToken::new();
    s.create_resource_group(&NewResourceGroup { name: "long".into(), location: None, tags: Default::default() }, &c)
        .await
        .unwrap();
    let before = s.token_renewals();
    s.delete_resource_group("long", &Progress::none(), &c).await.expect("the deletion keeps going across the renewal");
    assert!(s.token_renewals() > before, "the token was renewed while polling");
    sim.stop().await;
}
