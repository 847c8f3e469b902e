//! VHD upload benchmark (on demand: `scripts/bench-upload.sh`, or `cargo bench --bench upload`).
//!
//! Makes a sparse 30 GiB fixed VHD holding 1 GiB of random data in 32 extents, then measures, each time
//! with the file dropped from the page cache first (a cold read, as on a fresh machine):
//! (a) the baseline: reading that data from disk (SEEK_DATA/SEEK_HOLE + read);
//! (b) asegpu's upload to the in-process emulator (HTTPS);
//! (c) asegpu's upload to Azurite (`${ASEGPU_CACHE}/node`, http on loopback, devstoreaccount1);
//! (d) `az storage blob upload --type page` of the same file to Azurite (the Azure CLI venv in
//!     `${ASEGPU_CACHE}/venv-azcli-2.66`), capped by ASEGPU_BENCH_AZ_TIMEOUT seconds (default 600; when it
//!     does not finish, its rate so far and an estimate are reported),
//! and prints the times and the ratios to (a) and to (d).

#![allow(unused_assignments)]

use asegpu_core::arm::blob::BlobClient;
use asegpu_core::arm::storage::NewStorageAccount;
use asegpu_core::arm::{ConnectOptions, Session};
use asegpu_core::ops::image::{self, AccountRef, UploadOptions, UploadSummary};
use asegpu_core::progress::{CancelToken, Progress};
use asegpu_sim::{Sim, SimConfig};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;
const DISK: u64 = 30 * GIB;
const EXTENTS: u64 = 32;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn cache_dir() -> PathBuf {
    std::env::var_os("ASEGPU_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/asegpu"))
}

/// Write the sparse VHD: `data` bytes of random data in EXTENTS extents spread over the 30 GiB disk.
fn make_vhd(path: &Path, data: u64) -> std::io::Result<()> {
    let mut f = std::fs::File::create(path)?;
    f.set_len(DISK + 512)?;
    let per = data / EXTENTS / MIB * MIB;
    let stride = DISK / EXTENTS / MIB * MIB;
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut buf = vec![0u8; 4 * MIB as usize];
    for i in 0..EXTENTS {
        f.seek(SeekFrom::Start(i * stride + 3 * MIB))?;
        let mut left = per;
        while left > 0 {
            for c in buf.chunks_exact_mut(8) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                c.copy_from_slice(&x.to_le_bytes());
            }
            let n = left.min(buf.len() as u64) as usize;
            f.write_all(&buf[..n])?;
            left -= n as u64;
        }
    }
    f.seek(SeekFrom::Start(DISK))?;
    f.write_all(&image::fixed_vhd_footer(DISK, *uuid::Uuid::new_v4().as_bytes()))?;
    f.sync_all()
}

/// Drop the file from the page cache, so that the next read comes from the disk.
fn drop_cache(path: &Path) {
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.sync_all();
        // SAFETY: valid fd; advisory only.
        unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    }
}

/// The baseline: find the data with SEEK_DATA/SEEK_HOLE and read it. Returns bytes read.
fn read_data(path: &Path) -> std::io::Result<u64> {
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let fd = f.as_raw_fd();
    let mut buf = vec![0u8; 4 * MIB as usize];
    let mut pos = 0u64;
    let mut total = 0u64;
    let mut sink = 0u8;
    while pos < len {
        // SAFETY: lseek on a valid fd.
        let d = unsafe { libc::lseek(fd, pos as libc::off_t, libc::SEEK_DATA) };
        if d < 0 {
            break;
        }
        let h = unsafe { libc::lseek(fd, d, libc::SEEK_HOLE) } as u64;
        f.seek(SeekFrom::Start(d as u64))?;
        let mut left = h - d as u64;
        while left > 0 {
            let n = left.min(buf.len() as u64) as usize;
            f.read_exact(&mut buf[..n])?;
            sink ^= buf[n - 1];
            left -= n as u64;
            total += n as u64;
        }
        pos = h;
    }
    std::hint::black_box(sink);
    Ok(total)
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed().as_secs_f64())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct KillOnDrop(Child);
impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_azurite(dir: &Path) -> Result<(KillOnDrop, String), String> {
    let bin = cache_dir().join("node/node_modules/.bin/azurite-blob");
    if !bin.exists() {
        return Err(format!("Azurite not installed ({} missing; scripts/bench-upload.sh installs it)", bin.display()));
    }
    let port = free_port();
    let child = Command::new(&bin)
        .args([
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            &port.to_string(),
            "--inMemoryPersistence",
            "--skipApiVersionCheck",
            "--loose",
            "--silent",
        ])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let mut child = KillOnDrop(child);
    let t = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.0.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = child.0.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            return Err(format!("Azurite exited ({status}): {}", err.trim()));
        }
        if t.elapsed() > Duration::from_secs(30) {
            return Err("Azurite did not start listening within 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok((child, format!("http://127.0.0.1:{port}/devstoreaccount1")))
}

fn line(name: &str, secs: Option<f64>, data: u64, base: f64, az: Option<f64>, note: &str) {
    match secs {
        Some(s) => {
            let vs_az = az.map(|a| format!("{:>8.1}x", a / s)).unwrap_or_else(|| format!("{:>9}", "-"));
            println!(
                "{name:<44} {s:>9.2} s {:>8.0} MiB/s {:>8.2}x {vs_az}  {note}",
                data as f64 / MIB as f64 / s,
                s / base
            );
        }
        None => println!("{name:<44} {:>11} {:>14} {:>9} {:>9}  {note}", "skipped", "", "", ""),
    }
}

fn main() {
    let data = env_u64("ASEGPU_BENCH_DATA_MIB", 1024) * MIB;
    let az_timeout = env_u64("ASEGPU_BENCH_AZ_TIMEOUT", 600);
    let dir = std::env::var_os("ASEGPU_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-upload"));
    std::fs::create_dir_all(&dir).unwrap();
    let vhd = dir.join("bench30g.vhd");
    eprintln!("writing {} (30 GiB sparse fixed VHD, {} MiB of data in {EXTENTS} extents)", vhd.display(), data / MIB);
    make_vhd(&vhd, data).expect("write the VHD");
    let info = image::check_vhd(&vhd).expect("a valid VHD");
    assert_eq!(info.disk_size, DISK);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let opts = UploadOptions::default();

    // (a) Baseline: read the data, cold.
    drop_cache(&vhd);
    let (read, t_read) = timed(|| read_data(&vhd).expect("read"));
    let (_, t_read_warm) = timed(|| read_data(&vhd).expect("read"));
    eprintln!("read {} MiB: cold {t_read:.2} s, warm (page cache) {t_read_warm:.2} s", read / MIB);

    // (b) The emulator, in-process, over HTTPS.
    let sim_dir = tempfile::tempdir().unwrap();
    let (sim_summary, t_sim): (UploadSummary, f64) = rt.block_on(async {
        let mut c = SimConfig::new("Bench-Passw0rd!", sim_dir.path().to_path_buf());
        c.time_scale = 100_000.0;
        c.retry_after_secs = 0;
        let sim = Sim::start(c).await.expect("emulator");
        let mut o = ConnectOptions::new(&sim.info.arm_endpoint);
        o.tls.ca_cert_file = Some(sim.info.ca_cert.clone().into());
        o.tls.ca_only = true;
        o.device_ip = Some("127.0.0.1".into());
        let cancel = CancelToken::new();
        let s = Session::connect(o, zeroize::Zeroizing::new("Bench-Passw0rd!".into()), &Progress::none(), &cancel)
            .await
            .expect("connect");
        let req = NewStorageAccount {
            resource_group: "ASERG".into(),
            name: "benchsa".into(),
            sku: None,
            tags: Default::default(),
        };
        s.create_storage_account(&req, &Progress::none(), &cancel).await.expect("account");
        let acct = AccountRef { resource_group: "ASERG".into(), storage_account: "benchsa".into() };
        drop_cache(&vhd);
        let t = Instant::now();
        let r = image::upload_vhd(&s, &acct, "vhds", "bench30g.vhd", &vhd, &opts, &Progress::none(), &cancel)
            .await
            .expect("upload to the emulator");
        let secs = t.elapsed().as_secs_f64();
        sim.stop().await;
        (r, secs)
    });
    eprintln!("emulator: {sim_summary:?}");

    // (c) Azurite, and (d) az storage blob upload --type page to Azurite.
    let az_dir = tempfile::tempdir().unwrap();
    let azurite = start_azurite(az_dir.path());
    let mut t_azurite = None;
    let mut azurite_note = String::new();
    let mut t_az = None;
    let mut az_note = String::new();
    match &azurite {
        Err(e) => {
            azurite_note = e.clone();
            az_note = "needs Azurite".into();
        }
        Ok((_child, endpoint)) => {
            let client = BlobClient::azurite(endpoint).unwrap();
            let cancel = CancelToken::new();
            let r = rt.block_on(async {
                client.create_container("bench", &cancel).await?;
                drop_cache(&vhd);
                let t = Instant::now();
                let r = image::upload_vhd_with(&client, "bench", "asegpu.vhd", &vhd, &opts, &Progress::none(), &cancel)
                    .await?;
                Ok::<_, asegpu_core::Error>((r, t.elapsed().as_secs_f64()))
            });
            match r {
                Ok((s, secs)) => {
                    eprintln!("azurite: {s:?}");
                    t_azurite = Some(secs);
                    azurite_note = format!("sent {} MiB in {} requests", s.sent_bytes / MIB, s.requests);
                }
                Err(e) => azurite_note = format!("failed: {e}"),
            }
            // (d)
            let az = cache_dir().join("venv-azcli-2.66/bin/az");
            if !az.exists() {
                az_note = format!("Azure CLI not found at {}", az.display());
            } else {
                let cfg = tempfile::tempdir().unwrap();
                let conn = format!(
                    "DefaultEndpointsProtocol=http;AccountName={};AccountKey={};BlobEndpoint={endpoint};",
                    asegpu_core::arm::blob::DEVSTORE_ACCOUNT,
                    asegpu_core::arm::blob::DEVSTORE_KEY
                );
                drop_cache(&vhd);
                let t = Instant::now();
                let child = Command::new(&az)
                    .args([
                        "storage",
                        "blob",
                        "upload",
                        "--type",
                        "page",
                        "--container-name",
                        "bench",
                        "--name",
                        "az.vhd",
                        "--overwrite",
                        "--only-show-errors",
                        "--no-progress",
                    ])
                    .arg("--file")
                    .arg(&vhd)
                    .arg("--connection-string")
                    .arg(&conn)
                    .env("AZURE_CONFIG_DIR", cfg.path())
                    .env("AZURE_CORE_COLLECT_TELEMETRY", "0")
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn();
                match child {
                    Err(e) => az_note = format!("cannot run az: {e}"),
                    Ok(child) => {
                        let mut child = KillOnDrop(child);
                        let status = loop {
                            if let Some(s) = child.0.try_wait().unwrap() {
                                break Some(s);
                            }
                            if t.elapsed().as_secs() >= az_timeout {
                                break None;
                            }
                            std::thread::sleep(Duration::from_millis(200));
                        };
                        let secs = t.elapsed().as_secs_f64();
                        match status {
                            Some(s) if s.success() => {
                                t_az = Some(secs);
                                az_note = "az storage blob upload --type page".into();
                            }
                            Some(s) => {
                                let mut err = String::new();
                                if let Some(mut e) = child.0.stderr.take() {
                                    let _ = e.read_to_string(&mut err);
                                }
                                az_note =
                                    format!("az failed ({s}): {}", err.trim().chars().take(300).collect::<String>());
                            }
                            None => {
                                drop(child); // killed
                                let ranges = rt
                                    .block_on(client.get_page_ranges("bench", "az.vhd", None, &CancelToken::new()))
                                    .unwrap_or_default();
                                let sent: u64 = ranges.iter().map(|(s, e)| e - s).sum();
                                let reached = ranges.last().map(|r| r.1).unwrap_or(0);
                                let est = if reached > 0 { secs * (DISK as f64) / reached as f64 } else { f64::NAN };
                                az_note = format!(
                                    "did NOT finish in {az_timeout} s: {} MiB of data written ({:.1} MiB/s), up to offset {:.1} GiB of 30; estimated total {est:.0} s",
                                    sent / MIB,
                                    sent as f64 / MIB as f64 / secs,
                                    reached as f64 / GIB as f64
                                );
                                if est.is_finite() {
                                    t_az = Some(est);
                                    az_note.push_str(" (ratios use the estimate)");
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    drop(azurite);

    println!();
    println!(
        "VHD upload benchmark: 30 GiB fixed VHD, {} MiB of data in {EXTENTS} extents, {} CPUs",
        data / MIB,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    println!("{:<44} {:>11} {:>14} {:>9} {:>9}", "", "time", "data rate", "vs read", "az/this");
    line("(a) read the data (SEEK_DATA + read, cold)", Some(t_read), data, t_read, t_az, "");
    line("    read the data (page cache, warm)", Some(t_read_warm), data, t_read, t_az, "for reference");
    line(
        "(b) asegpu upload -> emulator (HTTPS)",
        Some(t_sim),
        data,
        t_read,
        t_az,
        &format!("sent {} MiB in {} requests", sim_summary.sent_bytes / MIB, sim_summary.requests),
    );
    line("(c) asegpu upload -> Azurite (http)", t_azurite, data, t_read, t_az, &azurite_note);
    line("(d) az storage blob upload --type page", t_az, data, t_read, t_az, &az_note);
    let _ = std::fs::remove_file(&vhd);
}
