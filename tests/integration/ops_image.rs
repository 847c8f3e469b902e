//! Bring an image against the emulator: the VHD check, the page-blob upload (holes and zeros not sent,
//! parallel, resumable, verified, cancellable, with progress) and image creation from a blob or a disk.

use asegpu_core::arm::blob::BlobClient;
use asegpu_core::arm::Session;
use asegpu_core::ops::image::{self, AccountRef, BringImageRequest, ImageSource, UploadOptions};
use asegpu_core::progress::{CancelToken, Progress, ProgressEvent};
use asegpu_core::Status;
use asegpu_sim::Faults;
use asegpu_testkit::Sim;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use zeroize::Zeroizing;

const PW: &str = "Sim-Passw0rd!x";
const MIB: u64 = 1 << 20;

// ----- VHD files, made independently of the library -----

fn checksum(f: &[u8; 512]) -> u32 {
    let mut sum: u32 = 0;
    for (i, b) in f.iter().enumerate() {
        if !(64..68).contains(&i) {
            sum = sum.wrapping_add(*b as u32);
        }
    }
    !sum
}

/// A VHD footer (spec: big-endian fields; cookie, features, version, data offset, time, creator, ...).
fn footer(disk_size: u64, disk_type: u32) -> [u8; 512] {
    let mut f = [0u8; 512];
    f[0..8].copy_from_slice(b"conectix");
    f[8..12].copy_from_slice(&2u32.to_be_bytes());
    f[12..16].copy_from_slice(&0x10000u32.to_be_bytes());
    let off: u64 = if disk_type == 2 { u64::MAX } else { 512 };
    f[16..24].copy_from_slice(&off.to_be_bytes());
    f[28..32].copy_from_slice(b"test");
    f[40..48].copy_from_slice(&disk_size.to_be_bytes());
    f[48..56].copy_from_slice(&disk_size.to_be_bytes());
    f[60..64].copy_from_slice(&disk_type.to_be_bytes());
    f[68..84].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    let c = checksum(&f);
    f[64..68].copy_from_slice(&c.to_be_bytes());
    f
}

fn random(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E3779B97F4A7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A sparse fixed VHD: `set_len` then a few written regions, then the footer.
fn make_vhd(dir: &Path, name: &str, disk_size: u64, regions: &[(u64, Vec<u8>)]) -> PathBuf {
    let p = dir.join(name);
    let mut f = std::fs::File::create(&p).unwrap();
    f.set_len(disk_size + 512).unwrap();
    for (off, data) in regions {
        f.seek(SeekFrom::Start(*off)).unwrap();
        f.write_all(data).unwrap();
    }
    f.seek(SeekFrom::Start(disk_size)).unwrap();
    f.write_all(&footer(disk_size, 2)).unwrap();
    p
}

/// The standard test disk: 64 MiB with 1 MiB + 2 MiB + 3 pages of data, and 4 MiB of written zeros.
fn standard_vhd(dir: &Path, name: &str) -> (PathBuf, u64) {
    let regions = vec![
        (0, random(MIB as usize, 1)),
        (20 * MIB, random(2 * MIB as usize, 2)),
        (40 * MIB, vec![0u8; 4 * MIB as usize]),
        (50 * MIB + 512, random(1536, 3)),
    ];
    let nonzero = MIB + 2 * MIB + 1536;
    (make_vhd(dir, name, 64 * MIB, &regions), nonzero)
}

// ----- the emulator -----

async fn start() -> (Sim, Session, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let c = asegpu_testkit::test_config(PW, &dir.path().join("sim"));
    let sim = Sim::start(c).await.expect("emulator starts");
    let mut o = asegpu_testkit::options_of(&sim);
    o.retry.base_delay_ms = 10;
    o.retry.max_delay_ms = 50;
    let s =
        Session::connect(o, Zeroizing::new(PW.into()), &Progress::none(), &CancelToken::new()).await.expect("connects");
    (sim, s, dir)
}

async fn account(s: &Session, name: &str) -> AccountRef {
    let c = CancelToken::new();
    let req = asegpu_core::arm::storage::NewStorageAccount {
        resource_group: "ASERG".into(),
        name: name.into(),
        sku: None,
        tags: Default::default(),
    };
    let a = s.create_storage_account(&req, &Progress::none(), &c).await.expect("storage account");
    assert_eq!(a.kind, "Storage");
    assert!(a.blob_endpoint().unwrap().contains(&format!("{name}.blob.")), "{:?}", a.blob_endpoint());
    let keys = s.list_storage_account_keys("ASERG", name, &c).await.unwrap();
    assert_eq!(keys.len(), 2);
    AccountRef { resource_group: "ASERG".into(), storage_account: name.into() }
}

/// Read the whole blob back and compare it with the file.
async fn assert_identical(client: &BlobClient, container: &str, blob: &str, path: &Path) {
    let file = std::fs::read(path).unwrap();
    let c = CancelToken::new();
    let props = client.get_properties(container, blob, &c).await.unwrap().expect("blob exists");
    assert_eq!(props.size, file.len() as u64);
    assert!(props.is_page_blob());
    let mut off = 0u64;
    while off < file.len() as u64 {
        let len = (4 * MIB).min(file.len() as u64 - off);
        let got = client.get_range(container, blob, off, len, &c).await.unwrap();
        assert!(
            got.as_ref() == &file[off as usize..(off + len) as usize],
            "blob differs from the file in [{off}, {})",
            off + len
        );
        off += len;
    }
}

fn opts() -> UploadOptions {
    UploadOptions { chunk_size_bytes: MIB, concurrency: 4, verify_samples: 3, ..Default::default() }
}

// ----- tests -----

#[test]
fn check_vhd_accepts_fixed_and_explains_refusals() {
    let d = tempfile::tempdir().unwrap();
    let (good, _) = standard_vhd(d.path(), "good.vhd");
    let info = image::check_vhd(&good).unwrap();
    assert_eq!((info.disk_size, info.file_size, info.disk_size_gb), (64 * MIB, 64 * MIB + 512, 1));
    assert_eq!(info.hyper_v_generation, "V1");
    assert_eq!(info.creator_application, "test");

    let refuse = |p: &Path, needle: &str| {
        let e = image::check_vhd(p).unwrap_err();
        assert_eq!(e.status, Status::InvalidArgument, "{e}");
        assert!(e.message.contains(needle), "'{}' should mention '{needle}'", e.message);
    };
    // Dynamic: a footer copy at the start, a dynamic footer at the end.
    let p = d.path().join("dyn.vhd");
    let mut bytes = footer(64 * MIB, 3).to_vec();
    bytes.extend(vec![0u8; 1024]);
    bytes.extend(footer(64 * MIB, 3));
    std::fs::write(&p, &bytes).unwrap();
    refuse(&p, "dynamically expanding");
    // Raw disk: no footer at all.
    let p = d.path().join("raw.vhd");
    std::fs::write(&p, vec![0u8; 2 * MIB as usize]).unwrap();
    refuse(&p, "qemu-img convert -f raw -O vpc -o subformat=fixed,force_size");
    // Wrong size: footer says 64 MiB, the file holds 32 MiB.
    let p = d.path().join("short.vhd");
    let mut f = std::fs::File::create(&p).unwrap();
    f.set_len(32 * MIB).unwrap();
    f.seek(SeekFrom::Start(32 * MIB)).unwrap();
    f.write_all(&footer(64 * MIB, 2)).unwrap();
    refuse(&p, "truncated or extended");
    // Bad checksum.
    let p = d.path().join("sum.vhd");
    let mut fo = footer(MIB, 2);
    fo[100] = 1;
    let mut bytes = vec![0u8; MIB as usize];
    bytes.extend(fo);
    std::fs::write(&p, &bytes).unwrap();
    refuse(&p, "checksum");
    // Not 1 MiB aligned.
    let p = d.path().join("odd.vhd");
    let mut bytes = vec![0u8; (MIB + 512) as usize];
    bytes.extend(footer(MIB + 512, 2));
    std::fs::write(&p, &bytes).unwrap();
    refuse(&p, "1 MiB aligned");
    // Gen2: GPT protective MBR.
    let mut mbr = vec![0u8; 1024];
    mbr[446 + 4] = 0xEE;
    mbr[510] = 0x55;
    mbr[511] = 0xAA;
    mbr[512..520].copy_from_slice(b"EFI PART");
    let p = make_vhd(d.path(), "gpt.vhd", MIB, &[(0, mbr)]);
    refuse(&p, "Generation 1");
    // Extensions.
    let p = d.path().join("disk.vhdx");
    std::fs::write(&p, b"vhdxfile").unwrap();
    refuse(&p, "VHDX");
    let p = make_vhd(d.path(), "disk.img", MIB, &[]);
    refuse(&p, ".vhd");
    // Missing file.
    assert_eq!(image::check_vhd(&d.path().join("nope.vhd")).unwrap_err().status, Status::Io);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bring_image_from_blob_uploads_only_data_and_the_blob_is_identical() {
    let (sim, s, dir) = start().await;
    let (path, nonzero) = standard_vhd(dir.path(), "ubuntu.vhd");
    let events = Mutex::new(Vec::<ProgressEvent>::new());
    let sink = |e: &ProgressEvent| events.lock().unwrap().push(e.clone());
    let req = BringImageRequest {
        resource_group: "ASERG".into(),
        storage_account: "imgsa1".into(),
        storage_sku: None,
        container: "vhds".into(),
        blob_name: None,
        vhd_path: path.clone(),
        image_name: "ubuntu-img".into(),
        os_type: "linux".into(),
        source: ImageSource::Blob,
        disk_name: None,
        upload: opts(),
        tags: Default::default(),
    };
    let r = image::bring_image(&s, &req, &Progress::new(&sink), &CancelToken::new()).await.expect("bring image");
    let u = &r.upload;
    assert!(u.sparse_aware);
    // Holes are never read, allocated zeros are never sent: only the data and the footer go over the wire.
    assert_eq!(u.sent_bytes, nonzero + 512, "{u:?}");
    assert!(u.zero_bytes >= 4 * MIB, "{u:?}");
    assert!(u.hole_bytes >= 50 * MIB, "{u:?}");
    assert_eq!(u.present_bytes, 0);
    assert!(!u.resumed);
    assert_eq!(u.verified_samples, 3);
    assert!(r.blob_uri.ends_with("/vhds/ubuntu.vhd"), "{}", r.blob_uri);
    assert_eq!(r.image["properties"]["storageProfile"]["osDisk"]["blobUri"], r.blob_uri.as_str());
    assert_eq!(r.image["properties"]["storageProfile"]["osDisk"]["osType"], "Linux");
    assert_eq!(r.image["properties"]["provisioningState"], "Succeeded");
    assert!(r.image_id.ends_with("/images/ubuntu-img"));
    // The result is camelCase JSON for the C ABI.
    let j = serde_json::to_value(&r).unwrap();
    assert!(j["upload"]["sentBytes"].is_u64() && j["vhd"]["diskSizeGb"].is_u64() && j["imageId"].is_string(), "{j}");

    // Progress: bytesDone only grows and ends at bytesTotal.
    let ev = events.lock().unwrap().clone();
    let up: Vec<&ProgressEvent> = ev.iter().filter(|e| e.operation == "uploadVhd" && e.bytes_done.is_some()).collect();
    assert!(up.len() >= 3, "{up:?}");
    assert!(up.windows(2).all(|w| w[0].bytes_done <= w[1].bytes_done));
    assert_eq!(up.last().unwrap().bytes_done, up.last().unwrap().bytes_total);
    assert!(ev.iter().any(|e| e.operation == "createStorageAccount" && e.stage == "succeeded"));
    assert!(ev.iter().any(|e| e.operation == "createImage" && e.stage == "succeeded"));

    let (client, _) = image::blob_client(
        &s,
        &AccountRef { resource_group: "ASERG".into(), storage_account: "imgsa1".into() },
        &CancelToken::new(),
    )
    .await
    .unwrap();
    assert_identical(&client, "vhds", "ubuntu.vhd", &path).await;

    // A second run of the same flow: nothing but the footer is sent again.
    let r2 = image::bring_image(&s, &req, &Progress::none(), &CancelToken::new()).await.expect("again");
    assert_eq!(r2.upload.sent_bytes, 512, "{:?}", r2.upload);
    assert!(r2.upload.resumed);
    assert_eq!(r2.upload.present_bytes, nonzero);
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_through_a_managed_disk() {
    let (sim, s, dir) = start().await;
    let (path, _) = standard_vhd(dir.path(), "win.vhd");
    let req: BringImageRequest = serde_json::from_value(serde_json::json!({
        "resourceGroup": "ASERG", "storageAccount": "imgsa2", "storageSku": "Premium_LRS", "container": "images",
        "vhdPath": path, "imageName": "win-img", "osType": "Windows", "source": "managedDisk",
        "upload": { "concurrency": 2 }
    }))
    .unwrap();
    let r = image::bring_image(&s, &req, &Progress::none(), &CancelToken::new()).await.expect("bring image via disk");
    let disk_id = r.disk_id.clone().expect("a disk");
    assert!(disk_id.ends_with("/disks/win-img-disk"), "{disk_id}");
    assert_eq!(r.image["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"], disk_id.as_str());
    let disk: serde_json::Value =
        s.get_json(&format!("{disk_id}?api-version=2017-03-30"), &CancelToken::new()).await.unwrap();
    assert_eq!(disk["properties"]["creationData"]["createOption"], "Import");
    assert_eq!(disk["properties"]["creationData"]["sourceUri"], r.blob_uri.as_str());

    // Bad requests are refused before anything is sent.
    let mut bad = req.clone();
    bad.os_type = "Solaris".into();
    assert_eq!(
        image::bring_image(&s, &bad, &Progress::none(), &CancelToken::new()).await.unwrap_err().status,
        Status::InvalidArgument
    );
    let mut bad = req.clone();
    bad.storage_sku = Some("Standard_GRS".into());
    assert!(image::bring_image(&s, &bad, &Progress::none(), &CancelToken::new())
        .await
        .unwrap_err()
        .message
        .contains("Standard_LRS or Premium_LRS"));
    let mut bad = req.clone();
    bad.resource_group = "NoSuchRg".into();
    assert_eq!(
        image::bring_image(&s, &bad, &Progress::none(), &CancelToken::new()).await.unwrap_err().status,
        Status::NotFound
    );
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_then_resume_sends_only_what_is_missing() {
    let (sim, s, dir) = start().await;
    // 16 MiB of dense data (no zeros) so that the cancelled run leaves a partial blob.
    let path = make_vhd(dir.path(), "big.vhd", 32 * MIB, &[(MIB, random(16 * MIB as usize, 9))]);
    let acct = account(&s, "resumesa").await;
    let cancel = CancelToken::new();
    let seen = Mutex::new(Vec::<u64>::new());
    let sink = |e: &ProgressEvent| {
        if let (Some(done), Some(total)) = (e.bytes_done, e.bytes_total) {
            seen.lock().unwrap().push(done);
            if done > total / 3 {
                cancel.cancel();
            }
        }
    };
    let o = UploadOptions { concurrency: 2, ..opts() };
    let e =
        image::upload_vhd(&s, &acct, "vhds", "big.vhd", &path, &o, &Progress::new(&sink), &cancel).await.unwrap_err();
    assert_eq!(e.status, Status::Cancelled, "{e}");
    assert!(seen.lock().unwrap().len() >= 2);

    let r = image::upload_vhd(&s, &acct, "vhds", "big.vhd", &path, &o, &Progress::none(), &CancelToken::new())
        .await
        .expect("resume");
    assert!(r.resumed, "{r:?}");
    assert!(r.present_bytes >= 16 * MIB / 3, "{r:?}");
    assert_eq!(r.present_bytes + r.sent_bytes, 16 * MIB + 512, "nothing is sent twice: {r:?}");
    let (client, _) = image::blob_client(&s, &acct, &CancelToken::new()).await.unwrap();
    assert_identical(&client, "vhds", "big.vhd", &path).await;

    // verifyExisting compares what is there: after the file changes, only the changed range is resent.
    let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.seek(SeekFrom::Start(5 * MIB)).unwrap();
    f.write_all(&random(4096, 77)).unwrap();
    drop(f);
    let v = UploadOptions { verify_existing: true, ..o.clone() };
    let r = image::upload_vhd(&s, &acct, "vhds", "big.vhd", &path, &v, &Progress::none(), &CancelToken::new())
        .await
        .expect("verify");
    assert_eq!(r.sent_bytes, MIB + 512, "one 1 MiB chunk differs: {r:?}");
    assert_identical(&client, "vhds", "big.vhd", &path).await;

    // A different VHD under the same name is refused unless overwrite is set.
    let (other, _) = standard_vhd(dir.path(), "other.vhd");
    let e = image::upload_vhd(&s, &acct, "vhds", "big.vhd", &other, &o, &Progress::none(), &CancelToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.status, Status::Conflict, "{e}");
    let w = UploadOptions { overwrite: true, ..o.clone() };
    image::upload_vhd(&s, &acct, "vhds", "big.vhd", &other, &w, &Progress::none(), &CancelToken::new())
        .await
        .expect("overwrite");
    assert_identical(&client, "vhds", "big.vhd", &other).await;
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_are_retried_and_a_failed_upload_resumes() {
    let (sim, s, dir) = start().await;
    let (path, nonzero) = standard_vhd(dir.path(), "flaky.vhd");
    let acct = account(&s, "faultsa").await;
    // Transient 503s and dropped connections: retried, the upload succeeds.
    sim.set_faults(Faults { rate_503: 0.2, rate_drop: 0.05, seed: 7, ..Default::default() });
    let r = image::upload_vhd(&s, &acct, "vhds", "flaky.vhd", &path, &opts(), &Progress::none(), &CancelToken::new())
        .await
        .expect("retried");
    assert_eq!(r.sent_bytes, nonzero + 512);
    sim.set_faults(Faults::default());
    let (client, _) = image::blob_client(&s, &acct, &CancelToken::new()).await.unwrap();
    assert_identical(&client, "vhds", "flaky.vhd", &path).await;

    // Permanent failure half-way (every request fails after some succeeded), then a resume.
    let path2 = make_vhd(dir.path(), "half.vhd", 16 * MIB, &[(0, random(8 * MIB as usize, 5))]);
    let cancel = CancelToken::new();
    let tripped = std::sync::atomic::AtomicBool::new(false);
    let sink = |e: &ProgressEvent| {
        if e.bytes_done.is_some_and(|d| d >= 3 * MIB) && !tripped.swap(true, std::sync::atomic::Ordering::SeqCst) {
            sim.set_faults(Faults { rate_500: 1.0, ..Default::default() });
        }
    };
    let o = UploadOptions { concurrency: 1, ..opts() };
    let e =
        image::upload_vhd(&s, &acct, "vhds", "half.vhd", &path2, &o, &Progress::new(&sink), &cancel).await.unwrap_err();
    assert_eq!(e.status, Status::Server, "{e}");
    sim.set_faults(Faults::default());
    let r = image::upload_vhd(&s, &acct, "vhds", "half.vhd", &path2, &o, &Progress::none(), &CancelToken::new())
        .await
        .expect("resumed");
    assert!(r.resumed && r.present_bytes >= 3 * MIB, "{r:?}");
    assert_eq!(r.present_bytes + r.sent_bytes, 8 * MIB + 512, "{r:?}");
    assert_identical(&client, "vhds", "half.vhd", &path2).await;
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_before_start_and_bad_options() {
    let (sim, s, dir) = start().await;
    let (path, _) = standard_vhd(dir.path(), "c.vhd");
    let acct = account(&s, "cancelsa").await;
    let c = CancelToken::new();
    c.cancel();
    let e = image::upload_vhd(&s, &acct, "vhds", "c.vhd", &path, &opts(), &Progress::none(), &c).await.unwrap_err();
    assert_eq!(e.status, Status::Cancelled);
    let bad = UploadOptions { chunk_size_bytes: 5 * MIB, ..opts() };
    let e = image::upload_vhd(&s, &acct, "vhds", "c.vhd", &path, &bad, &Progress::none(), &CancelToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.status, Status::InvalidArgument);
    let e = image::upload_vhd(&s, &acct, "vhds", "c.txt", &path, &opts(), &Progress::none(), &CancelToken::new())
        .await
        .unwrap_err();
    assert!(e.message.contains(".vhd"), "{e}");
    let missing = AccountRef { resource_group: "ASERG".into(), storage_account: "nosuchsa".into() };
    let e = image::upload_vhd(&s, &missing, "vhds", "c.vhd", &path, &opts(), &Progress::none(), &CancelToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.status, Status::NotFound, "{e}");
    sim.stop().await;
}

// ----- the C ABI -----

mod c_abi {
    use super::*;
    use asegpu::*;
    use asegpu_sim::SimThread;
    use std::ffi::{c_char, c_void, CStr, CString};
    use std::ptr::{null, null_mut};

    unsafe extern "C" fn on_event(userdata: *mut c_void, ev: *const c_char) {
        let v = &*(userdata as *const Mutex<Vec<serde_json::Value>>);
        v.lock().unwrap().push(serde_json::from_str(CStr::from_ptr(ev).to_str().unwrap()).unwrap());
    }

    fn take(s: *mut c_char) -> serde_json::Value {
        let v = serde_json::from_str(unsafe { CStr::from_ptr(s) }.to_str().unwrap()).unwrap();
        unsafe { asegpu_string_free(s) };
        v
    }

    fn message(e: *mut AsegpuError) -> String {
        let m = unsafe { CStr::from_ptr(asegpu_error_message(e)) }.to_string_lossy().into_owned();
        unsafe { asegpu_error_free(e) };
        m
    }

    #[test]
    fn vhd_check_upload_and_image_create() {
        let dir = tempfile::tempdir().unwrap();
        let c = asegpu_testkit::test_config(PW, &dir.path().join("sim"));
        let sim = SimThread::start(c).unwrap();
        let (path, nonzero) = standard_vhd(dir.path(), "c.vhd");
        let cpath = CString::new(path.to_str().unwrap()).unwrap();
        let mut out: *mut c_char = null_mut();
        let mut err: *mut AsegpuError = null_mut();
        unsafe {
            assert_eq!(asegpu_vhd_check(cpath.as_ptr(), &mut out, &mut err), Status::Ok);
            assert!(err.is_null());
            let v = take(out);
            assert_eq!(v["diskSize"], 64 * MIB);
            assert_eq!(v["hyperVGeneration"], "V1");
            assert_eq!(asegpu_vhd_check(null(), &mut out, &mut err), Status::NullArgument);
            asegpu_error_free(err);
            let raw = dir.path().join("raw.vhd");
            std::fs::write(&raw, vec![0u8; 4096]).unwrap();
            let craw = CString::new(raw.to_str().unwrap()).unwrap();
            assert_eq!(asegpu_vhd_check(craw.as_ptr(), &mut out, &mut err), Status::InvalidArgument);
            assert!(message(err).contains("qemu-img convert"));

            let opts = serde_json::json!({
                "armEndpoint": sim.info.arm_endpoint, "deviceIp": "127.0.0.1",
                "tls": { "caCertFile": sim.info.ca_cert, "caOnly": true },
            })
            .to_string();
            let (opts, pw) = (CString::new(opts).unwrap(), CString::new(PW).unwrap());
            let mut session: *mut AsegpuSession = null_mut();
            assert_eq!(
                asegpu_session_connect(opts.as_ptr(), pw.as_ptr(), None, null_mut(), null(), &mut session, &mut err),
                Status::Ok
            );

            let acct = CString::new(r#"{"resourceGroup":"ASERG","name":"cabisa","sku":"Standard_LRS"}"#).unwrap();
            assert_eq!(
                asegpu_storage_account_create(session, acct.as_ptr(), None, null_mut(), null(), &mut out, &mut err),
                Status::Ok
            );
            assert!(take(out)["properties"]["primaryEndpoints"]["blob"].as_str().unwrap().contains("cabisa.blob."));

            let events = Mutex::new(Vec::<serde_json::Value>::new());
            let ud = &events as *const _ as *mut c_void;
            let up = serde_json::json!({ "resourceGroup": "ASERG", "storageAccount": "cabisa", "vhdPath": path, "options": { "chunkSizeBytes": 1048576 } });
            let up = CString::new(up.to_string()).unwrap();
            assert_eq!(
                asegpu_vhd_upload(session, up.as_ptr(), Some(on_event), ud, null(), &mut out, &mut err),
                Status::Ok
            );
            let s = take(out);
            assert_eq!(s["sentBytes"], nonzero + 512, "{s}");
            assert!(s["blobUri"].as_str().unwrap().ends_with("/vhds/c.vhd"));
            let ev = events.lock().unwrap().clone();
            let done: Vec<u64> = ev.iter().filter_map(|e| e["bytesDone"].as_u64()).collect();
            assert!(done.len() >= 2 && done.windows(2).all(|w| w[0] <= w[1]), "{ev:?}");

            // Bad input: unparseable JSON, unknown field, a cancelled token.
            let bad = CString::new("{not json").unwrap();
            assert_eq!(
                asegpu_image_create(session, bad.as_ptr(), None, null_mut(), null(), &mut out, &mut err),
                Status::InvalidJson
            );
            asegpu_error_free(err);
            let bad = CString::new(r#"{"resourceGroup":"ASERG","storageAccount":"cabisa","vhdPath":"x.vhd","imageName":"i","osType":"Linux","bogus":1}"#).unwrap();
            assert_eq!(
                asegpu_image_create(session, bad.as_ptr(), None, null_mut(), null(), &mut out, &mut err),
                Status::InvalidArgument
            );
            asegpu_error_free(err);
            let req = serde_json::json!({ "resourceGroup": "ASERG", "storageAccount": "cabisa", "vhdPath": path, "imageName": "cimg", "osType": "Linux" });
            let req = CString::new(req.to_string()).unwrap();
            let token = asegpu_cancel_token_new();
            asegpu_cancel_token_cancel(token);
            assert_eq!(
                asegpu_image_create(session, req.as_ptr(), None, null_mut(), token, &mut out, &mut err),
                Status::Cancelled
            );
            asegpu_error_free(err);
            asegpu_cancel_token_free(token);
            assert_eq!(
                asegpu_image_create(session, req.as_ptr(), None, null_mut(), null(), &mut out, null_mut()),
                Status::Ok
            );
            let r = take(out);
            assert!(r["imageId"].as_str().unwrap().ends_with("/images/cimg"), "{r}");
            assert_eq!(r["upload"]["sentBytes"], 512, "already uploaded: only the footer: {r}");
            asegpu_session_free(session);
        }
    }
}

/// The storage data plane the Az compatibility layer uses: a context from listKeys (through one ARM request),
/// a container, a page-blob upload of a file, and an account SAS token the device's blob endpoint accepts
/// (and refuses once tampered with).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_context_container_page_blob_and_sas() {
    use asegpu_core::ops::{rest, storage};
    let (sim, s, dir) = start().await;
    let c = CancelToken::new();
    account(&s, "azcompatsa").await;
    let id = format!(
        "/subscriptions/{}/resourceGroups/ASERG/providers/Microsoft.Storage/storageAccounts/azcompatsa",
        s.subscription_id()
    );
    let get = rest::ArmRequest {
        method: "GET".into(),
        path: id.clone(),
        api_version: "2019-06-01".into(),
        body: None,
        long_running: None,
    };
    let acct = rest::send(&s, &get, &Progress::none(), &c).await.unwrap();
    let endpoint = acct["properties"]["primaryEndpoints"]["blob"].as_str().unwrap().to_string();
    let list = rest::ArmRequest {
        method: "POST".into(),
        path: format!("{id}/listKeys"),
        api_version: "2019-06-01".into(),
        body: None,
        long_running: Some(false),
    };
    let keys = rest::send(&s, &list, &Progress::none(), &c).await.unwrap();
    let key = keys["keys"][0]["value"].as_str().unwrap().to_string();
    let ctx = || storage::StorageContext {
        storage_account_name: "azcompatsa".into(),
        storage_account_key: key.clone(),
        blob_endpoint: Some(endpoint.clone()),
    };

    let req = storage::ContainerRequest { context: ctx(), name: "vhds".into() };
    assert!(storage::create_container(&s, &req, &c).await.unwrap().created);
    assert!(!storage::create_container(&s, &req, &c).await.unwrap().created, "a second create finds it");

    let (vhd, _) = standard_vhd(dir.path(), "disk.vhd");
    let up = storage::PageBlobUpload {
        context: ctx(),
        container: "vhds".into(),
        blob_name: "disk.vhd".into(),
        file: vhd.clone(),
        options: opts(),
    };
    let summary = storage::upload_page_blob(&s, &up, &Progress::none(), &c).await.unwrap();
    assert!(summary.blob_uri.ends_with("/vhds/disk.vhd"), "{}", summary.blob_uri);
    let client = BlobClient::for_session(&s, &endpoint, "azcompatsa", &key).unwrap();
    assert_identical(&client, "vhds", "disk.vhd", &vhd).await;

    let sas = storage::account_sas(&storage::SasRequest {
        context: ctx(),
        service: vec!["Blob".into()],
        resource_type: vec!["Container".into(), "Service".into(), "Object".into()],
        permission: "acdlrw".into(),
        protocol: Some("HttpsOnly".into()),
        start_time: None,
        expiry_time: None,
    })
    .unwrap();
    let o = s.options();
    let (http, _) =
        asegpu_core::arm::tls::build_client(&o.tls, &o.host_overrides().unwrap(), std::time::Duration::from_secs(30))
            .unwrap();
    let head = |q: String| http.head(format!("{endpoint}vhds/disk.vhd{q}")).header("x-ms-version", "2019-07-07").send();
    assert_eq!(head(sas.clone()).await.unwrap().status().as_u16(), 200, "the SAS token is accepted");
    let tampered = sas.replace("sp=rwdlac", "sp=rwdlacup");
    assert_eq!(head(tampered).await.unwrap().status().as_u16(), 403, "a changed token is refused");
    drop(sim);
}
