//! Bring an image: check the VHD, create the storage account, upload the VHD as a page blob (fast), and
//! create the image from the blob URI or through a managed disk.
//!
//! # The upload
//! The documented upload (AzCopy, Storage Explorer, `az storage blob upload`) takes 20-30 minutes, because
//! a fixed VHD is as large as the disk (30 GiB and more) while it holds little data. [`upload_vhd`]:
//! - reads only the file's data: `SEEK_DATA`/`SEEK_HOLE` find the allocated extents (on Linux; elsewhere,
//!   or when the file system cannot say, the whole file is read), and pages that are all zeros are not sent
//!   even when they are allocated (a new page blob reads as zeros);
//! - sends 4 MiB Put Page requests `concurrency` at a time (default 8), from a fixed pool of buffers: memory
//!   stays at about `concurrency` x 4 MiB whatever the file size. The requests are driven on the caller's
//!   task (`buffer_unordered`, no spawned tasks), so progress callbacks arrive on the caller's thread; file
//!   reads run on the blocking pool;
//! - writes the VHD footer first: it names the file (its unique id and checksum), which is what makes
//!   resuming safe;
//! - resumes: when the blob already exists with the file's size and the file's footer, Get Page Ranges says
//!   what it already holds and those ranges are not sent again. By default they are trusted (the blob was
//!   written by an earlier run for the same VHD). With `verifyExisting` they are read back and compared
//!   (SHA-256) with the file, and the differing ones are sent again: use it when the file may have changed
//!   since the interrupted upload. Ranges the blob holds where the file has no data are cleared;
//! - verifies: at the end Get Page Ranges must cover every non-zero range of the file; with `verifySamples`
//!   some ranges are also read back and compared by SHA-256.

use crate::arm::blob::{self, BlobClient, PAGE};
use crate::arm::storage::{self, NewStorageAccount, StorageAccount};
use crate::arm::{versions, Session};
use crate::device;
use crate::error::{Error, Result, Status};
use crate::progress::{CancelToken, Progress, ProgressEvent};
use bytes::Bytes;
use futures_util::StreamExt;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

const MIB: u64 = 1024 * 1024;
const FOOTER: u64 = 512;
/// Zero gaps shorter than this between data inside one chunk are sent rather than split into another request.
const MERGE_GAP: u64 = 64 * 1024;

const CONVERT_HINT: &str =
    "convert it with `qemu-img convert -O vpc -o subformat=fixed,force_size <source> <name>.vhd` \
                            (or Hyper-V's `Convert-VHD -Path <source> -DestinationPath <name>.vhd -VHDType Fixed`)";

// ---------------------------------------------------------------------------------------------------
// The VHD check

/// What [`check_vhd`] found (camelCase JSON for the C ABI).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VhdInfo {
    pub path: String,
    /// File length: the disk plus the 512-byte footer.
    pub file_size: u64,
    /// The virtual disk size (the footer's current size).
    pub disk_size: u64,
    /// `disk_size` in GiB, rounded up (what the image and disks report as `diskSizeGB`).
    pub disk_size_gb: u64,
    /// The footer's creator application, e.g. `qemu`, `win ` (Hyper-V), `vpc `.
    pub creator_application: String,
    /// The footer's unique id (a UUID).
    pub unique_id: String,
    /// `MBR`, or `none` when the first sector holds no partition table (a file system on the whole disk).
    pub partitioning: String,
    /// Always `V1`: only Generation 1 disks are accepted.
    pub hyper_v_generation: String,
}

/// The VHD footer fields asegpu checks.
struct Footer {
    cookie_ok: bool,
    disk_type: u32,
    current_size: u64,
    checksum: u32,
    computed_checksum: u32,
    creator: String,
    unique_id: [u8; 16],
}

fn parse_footer(f: &[u8]) -> Footer {
    let be32 = |o: usize| u32::from_be_bytes(f[o..o + 4].try_into().expect("4 bytes"));
    let be64 = |o: usize| u64::from_be_bytes(f[o..o + 8].try_into().expect("8 bytes"));
    Footer {
        cookie_ok: &f[0..8] == b"conectix",
        disk_type: be32(60),
        current_size: be64(48),
        checksum: be32(64),
        computed_checksum: footer_checksum(f),
        creator: String::from_utf8_lossy(&f[28..32]).trim_end_matches(['\0', ' ']).to_string(),
        unique_id: f[68..84].try_into().expect("16 bytes"),
    }
}

/// One's complement of the byte sum of the footer, the checksum field counted as zero.
fn footer_checksum(f: &[u8]) -> u32 {
    let sum: u32 = f[..512].iter().enumerate().filter(|(i, _)| !(64..68).contains(i)).map(|(_, b)| *b as u32).sum();
    !sum
}

/// A fixed-disk VHD footer for a disk of `disk_size` bytes (CHS geometry as in the VHD specification).
/// For making test images; real images come from Hyper-V or `qemu-img`.
pub fn fixed_vhd_footer(disk_size: u64, unique_id: [u8; 16]) -> [u8; 512] {
    let mut f = [0u8; 512];
    f[0..8].copy_from_slice(b"conectix");
    f[8..12].copy_from_slice(&2u32.to_be_bytes());
    f[12..16].copy_from_slice(&0x0001_0000u32.to_be_bytes());
    f[16..24].copy_from_slice(&u64::MAX.to_be_bytes());
    let since_2000 = chrono::Utc::now().timestamp() - 946_684_800;
    f[24..28].copy_from_slice(&(since_2000.max(0) as u32).to_be_bytes());
    f[28..32].copy_from_slice(b"aseg");
    f[32..36].copy_from_slice(&0x0001_0000u32.to_be_bytes());
    f[36..40].copy_from_slice(b"Wi2k");
    f[40..48].copy_from_slice(&disk_size.to_be_bytes());
    f[48..56].copy_from_slice(&disk_size.to_be_bytes());
    let (c, h, s) = chs(disk_size / 512);
    f[56..58].copy_from_slice(&c.to_be_bytes());
    f[58] = h;
    f[59] = s;
    f[60..64].copy_from_slice(&2u32.to_be_bytes());
    f[68..84].copy_from_slice(&unique_id);
    let sum = footer_checksum(&f);
    f[64..68].copy_from_slice(&sum.to_be_bytes());
    f
}

/// CHS geometry from the VHD specification's algorithm.
fn chs(sectors: u64) -> (u16, u8, u8) {
    let total = sectors.min(65535 * 16 * 255);
    let (spt, heads, cyl_x_heads);
    if total >= 65535 * 16 * 63 {
        spt = 255u64;
        heads = 16u64;
        cyl_x_heads = total / spt;
    } else {
        let mut s = 17u64;
        let mut cxh = total / s;
        let mut h = cxh.div_ceil(1024);
        if h < 4 {
            h = 4;
        }
        if cxh >= h * 1024 || h > 16 {
            s = 31;
            h = 16;
            cxh = total / s;
        }
        if cxh >= h * 1024 {
            s = 63;
            h = 16;
            cxh = total / s;
        }
        spt = s;
        heads = h;
        cyl_x_heads = cxh;
    }
    ((cyl_x_heads / heads) as u16, heads as u8, spt as u8)
}

#[cfg(unix)]
fn read_exact_at(f: &File, buf: &mut [u8], off: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, off)
}

#[cfg(windows)]
fn read_exact_at(f: &File, mut buf: &mut [u8], mut off: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        let n = f.seek_read(buf, off)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        off += n as u64;
    }
    Ok(())
}

/// Check that `path` is what the device accepts for an image: a fixed-size VHD (`.vhd`, `conectix` footer
/// with a valid checksum, disk type 2, size = file length - 512, 1 MiB aligned) of a Generation 1 disk
/// (not GPT-partitioned). Every refusal says what is wrong and how to fix it.
pub fn check_vhd(path: &Path) -> Result<VhdInfo> {
    let shown = path.display();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext == "vhdx" {
        return Err(Error::invalid(format!("{shown} is a VHDX: the device needs a fixed-size VHD; {CONVERT_HINT}")));
    }
    let file = File::open(path).map_err(|e| Error::io("open the VHD", path, e))?;
    let meta = file.metadata().map_err(|e| Error::io("read the size of", path, e))?;
    if !meta.is_file() {
        return Err(Error::invalid(format!("{shown} is not a regular file")));
    }
    let len = meta.len();
    if len < 2 * FOOTER {
        return Err(Error::invalid(format!(
            "{shown} is {len} bytes: too small to be a VHD (a disk plus a 512-byte footer); {CONVERT_HINT}"
        )));
    }
    let mut footer = [0u8; 512];
    read_exact_at(&file, &mut footer, len - FOOTER).map_err(|e| Error::io("read the footer of", path, e))?;
    let f = parse_footer(&footer);
    if !f.cookie_ok {
        let mut head = [0u8; 512];
        read_exact_at(&file, &mut head, 0).map_err(|e| Error::io("read", path, e))?;
        if &head[0..8] == b"conectix" {
            return Err(Error::invalid(format!(
                "{shown} is a dynamically expanding VHD (its footer copy is at the start and the file does not end with one): \
                 the device needs a fixed-size VHD; convert it with `qemu-img convert -f vpc -O vpc -o subformat=fixed,force_size {shown} fixed.vhd` \
                 (or `Convert-VHD -VHDType Fixed`)"
            )));
        }
        if &head[0..8] == b"vhdxfile" {
            return Err(Error::invalid(format!(
                "{shown} is a VHDX: the device needs a fixed-size VHD; {CONVERT_HINT}"
            )));
        }
        if &head[0..4] == b"QFI\xfb" {
            return Err(Error::invalid(format!(
                "{shown} is a qcow2 image: the device needs a fixed-size VHD; {CONVERT_HINT}"
            )));
        }
        return Err(Error::invalid(format!(
            "{shown} has no VHD footer (no 'conectix' cookie in its last 512 bytes): it looks like a raw disk image; \
             the device needs a fixed-size VHD: `qemu-img convert -f raw -O vpc -o subformat=fixed,force_size {shown} disk.vhd`"
        )));
    }
    if f.checksum != f.computed_checksum {
        return Err(Error::invalid(format!(
            "{shown}: the VHD footer checksum is wrong (stored {:#010x}, computed {:#010x}): the file is damaged or was \
             truncated/extended after it was made; copy or convert it again ({CONVERT_HINT})",
            f.checksum, f.computed_checksum
        )));
    }
    if f.disk_type != 2 {
        let kind = match f.disk_type {
            3 => "dynamically expanding",
            4 => "differencing",
            _ => "of an unknown type",
        };
        return Err(Error::invalid(format!(
            "{shown} is a {kind} VHD (disk type {}): the device needs a fixed-size VHD; \
             `qemu-img convert -f vpc -O vpc -o subformat=fixed,force_size {shown} fixed.vhd` (or `Convert-VHD -VHDType Fixed`)",
            f.disk_type
        )));
    }
    if f.current_size != len - FOOTER {
        return Err(Error::invalid(format!(
            "{shown}: the VHD footer says the disk is {} bytes but the file holds {} bytes before the footer: the file was \
             truncated or extended; make the VHD again ({CONVERT_HINT})",
            f.current_size,
            len - FOOTER
        )));
    }
    if f.current_size % MIB != 0 {
        let up = f.current_size.div_ceil(MIB) * MIB;
        return Err(Error::invalid(format!(
            "{shown}: the disk size {} bytes is not a whole number of MiB, and Azure only accepts VHDs whose virtual size is \
             1 MiB aligned; resize the raw disk to {up} bytes (`qemu-img resize -f raw disk.img {up}`) and convert it with \
             `qemu-img convert -f raw -O vpc -o subformat=fixed,force_size disk.img disk.vhd` (force_size keeps the exact size), \
             or `Resize-VHD -SizeBytes {up}`",
            f.current_size
        )));
    }
    if ext != "vhd" {
        return Err(Error::invalid(format!(
            "{shown} is a fixed-size VHD but its name does not end with '.vhd': the device refuses image blobs without the \
             .vhd extension; rename it (e.g. `mv {shown} disk.vhd`)"
        )));
    }
    // Generation 1 only: a GPT disk (protective MBR, type 0xEE, or an 'EFI PART' header at LBA 1) is a Gen2 disk.
    let mut head = [0u8; 1024];
    read_exact_at(&file, &mut head, 0).map_err(|e| Error::io("read", path, e))?;
    let mbr_sig = head[510] == 0x55 && head[511] == 0xAA;
    let protective = mbr_sig && (0..4).any(|i| head[446 + 16 * i + 4] == 0xEE);
    if protective || &head[512..520] == b"EFI PART" {
        return Err(Error::invalid(format!(
            "{shown} is a GPT-partitioned (UEFI, Generation 2) disk: Azure Stack Edge GPU VMs need a Generation 1 disk \
             (MBR partitioning, BIOS boot); prepare the image from a Generation 1 VM"
        )));
    }
    let u = f.unique_id;
    Ok(VhdInfo {
        path: path.display().to_string(),
        file_size: len,
        disk_size: f.current_size,
        disk_size_gb: f.current_size.div_ceil(1 << 30),
        creator_application: f.creator,
        unique_id: uuid::Uuid::from_bytes(u).to_string(),
        partitioning: if mbr_sig { "MBR".into() } else { "none".into() },
        hyper_v_generation: "V1".into(),
    })
}

// ---------------------------------------------------------------------------------------------------
// Data extents

/// The allocated extents of `[0, limit)` as `[start, end)`, from `SEEK_DATA`/`SEEK_HOLE`. `None` when the
/// platform or the file system cannot say (then everything is data).
#[cfg(target_os = "linux")]
fn allocated_extents(file: &File, limit: u64) -> Option<Vec<(u64, u64)>> {
    use std::os::unix::io::AsRawFd;
    let fd = file.as_raw_fd();
    let mut out = Vec::new();
    let mut pos: u64 = 0;
    while pos < limit {
        // SAFETY: lseek on a valid fd; the offset is moved but all reads use pread.
        let data = unsafe { libc::lseek(fd, pos as libc::off_t, libc::SEEK_DATA) };
        if data < 0 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::ENXIO) {
                break; // no data after pos
            }
            return None; // EINVAL: not supported here
        }
        let data = data as u64;
        if data >= limit {
            break;
        }
        // SAFETY: as above.
        let hole = unsafe { libc::lseek(fd, data as libc::off_t, libc::SEEK_HOLE) };
        if hole < 0 {
            return None;
        }
        let hole = (hole as u64).min(limit);
        if hole <= data {
            return None;
        }
        out.push((data, hole));
        pos = hole;
    }
    Some(out)
}

#[cfg(not(target_os = "linux"))]
fn allocated_extents(_file: &File, _limit: u64) -> Option<Vec<(u64, u64)>> {
    None
}

/// The extents to read: allocated extents aligned out to 512 bytes and merged.
fn data_extents(file: &File, limit: u64) -> (Vec<(u64, u64)>, bool) {
    match allocated_extents(file, limit) {
        Some(ext) => {
            let mut out: Vec<(u64, u64)> = Vec::new();
            for (s, e) in ext {
                let (s, e) = (s / PAGE * PAGE, e.div_ceil(PAGE).saturating_mul(PAGE).min(limit));
                match out.last_mut() {
                    Some(last) if last.1 >= s => last.1 = last.1.max(e),
                    _ => out.push((s, e)),
                }
            }
            (out, true)
        }
        None => (if limit > 0 { vec![(0, limit)] } else { vec![] }, false),
    }
}

/// Cut extents at multiples of `chunk` so that no piece crosses a chunk boundary.
fn split_chunks(extents: &[(u64, u64)], chunk: u64) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for &(s, e) in extents {
        let mut p = s;
        while p < e {
            let next = ((p / chunk) + 1) * chunk;
            let end = next.min(e);
            out.push((p, end));
            p = end;
        }
    }
    out
}

/// Non-zero 512-byte page runs of `buf` (which starts at `base`), as absolute `[start, end)`.
fn nonzero_runs(buf: &[u8], base: u64) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for (i, page) in buf.chunks(PAGE as usize).enumerate() {
        if page.iter().fold(0u8, |a, b| a | b) == 0 {
            continue;
        }
        let s = base + i as u64 * PAGE;
        let e = s + page.len() as u64;
        match out.last_mut() {
            Some(last) if last.1 == s => last.1 = e,
            _ => out.push((s, e)),
        }
    }
    out
}

/// `runs` minus the sorted, merged `present` ranges.
fn subtract(runs: &[(u64, u64)], present: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for &(s, e) in runs {
        let mut p = s;
        let mut i = present.partition_point(|r| r.1 <= s);
        while p < e {
            match present.get(i) {
                Some(&(ps, pe)) if ps < e => {
                    if ps > p {
                        out.push((p, ps));
                    }
                    p = p.max(pe);
                    i += 1;
                }
                _ => {
                    out.push((p, e));
                    p = e;
                }
            }
        }
    }
    out
}

/// Bytes of `[s, e)` covered by `present`.
fn overlap(present: &[(u64, u64)], s: u64, e: u64) -> u64 {
    let i = present.partition_point(|r| r.1 <= s);
    present[i..].iter().take_while(|r| r.0 < e).map(|r| r.1.min(e) - r.0.max(s)).sum()
}

fn merge_sorted(mut v: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    v.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if last.1 >= s => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// The upload

/// How to upload (camelCase JSON; every field optional).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct UploadOptions {
    /// Put Page requests in flight at once (1-64). Memory use is about this many times `chunkSizeBytes`.
    pub concurrency: usize,
    /// Bytes per Put Page request: a multiple of 512, at most 4 MiB (the service's limit).
    pub chunk_size_bytes: u64,
    /// Resume an earlier upload of the same VHD to the same blob (default true); false starts over.
    pub resume: bool,
    /// When resuming, read back what the blob already holds and compare it with the file (SHA-256) instead of
    /// trusting it. Slower; use it when the file may have changed since the interrupted upload.
    pub verify_existing: bool,
    /// After the upload, read back this many ranges (up to 1 MiB each) and compare them with the file.
    pub verify_samples: u32,
    /// Replace a blob of the same name that holds something else (another size or another VHD).
    pub overwrite: bool,
}

impl Default for UploadOptions {
    fn default() -> Self {
        UploadOptions {
            concurrency: 8,
            chunk_size_bytes: blob::MAX_PUT_PAGE,
            resume: true,
            verify_existing: false,
            verify_samples: 0,
            overwrite: false,
        }
    }
}

impl UploadOptions {
    fn validate(&self) -> Result<()> {
        if !(1..=64).contains(&self.concurrency) {
            return Err(Error::invalid(format!("concurrency must be 1 to 64, not {}", self.concurrency)));
        }
        let c = self.chunk_size_bytes;
        if c == 0 || c % PAGE != 0 || c > blob::MAX_PUT_PAGE {
            return Err(Error::invalid(format!(
                "chunkSizeBytes must be a multiple of 512 up to 4194304 (4 MiB), not {c}"
            )));
        }
        Ok(())
    }
}

/// What an upload did (camelCase JSON).
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UploadSummary {
    pub blob_uri: String,
    /// The blob's size (the VHD file's length).
    pub size_bytes: u64,
    /// Bytes in the file's allocated extents (what had to be looked at).
    pub data_bytes: u64,
    /// Bytes in holes (never read).
    pub hole_bytes: u64,
    /// Bytes read that were all zeros (not sent).
    pub zero_bytes: u64,
    /// Bytes the blob already held from an earlier run (not sent).
    pub present_bytes: u64,
    /// Bytes sent in Put Page bodies (the footer included).
    pub sent_bytes: u64,
    pub requests: u64,
    /// True when an existing blob for the same VHD was continued.
    pub resumed: bool,
    /// Whether holes were found with SEEK_DATA/SEEK_HOLE (false: the whole file was read).
    pub sparse_aware: bool,
    /// Ranges compared by SHA-256 after the upload (and while resuming with verifyExisting).
    pub verified_samples: u32,
    pub seconds: f64,
    /// Data handled per second (data bytes / seconds), in MiB/s.
    pub mib_per_second: f64,
    /// Bytes sent per second, in MiB/s.
    pub sent_mib_per_second: f64,
}

/// A fixed set of reusable buffers (one per request in flight).
struct BufferPool {
    size: usize,
    free: Mutex<Vec<Vec<u8>>>,
}

impl BufferPool {
    fn take(&self, len: usize) -> Vec<u8> {
        let mut b = self.free.lock().unwrap_or_else(|p| p.into_inner()).pop().unwrap_or_else(|| vec![0u8; self.size]);
        b.resize(len, 0);
        b
    }
    fn give(&self, b: Bytes) {
        if let Ok(m) = b.try_into_mut() {
            let mut v: Vec<u8> = m.into();
            v.resize(self.size, 0);
            self.free.lock().unwrap_or_else(|p| p.into_inner()).push(v);
        }
    }
}

#[derive(Default)]
struct ChunkOutcome {
    len: u64,
    sent: u64,
    present: u64,
    requests: u64,
    samples: u32,
    /// Non-zero ranges the blob must hold at the end.
    required: Vec<(u64, u64)>,
}

struct Ctx<'a> {
    client: &'a BlobClient,
    container: &'a str,
    blob: &'a str,
    file: Arc<File>,
    path: &'a Path,
    pool: BufferPool,
    present: Vec<(u64, u64)>,
    verify_existing: bool,
    cancel: &'a CancelToken,
}

fn sha256(b: &[u8]) -> ring::digest::Digest {
    ring::digest::digest(&ring::digest::SHA256, b)
}

async fn read_chunk(ctx: &Ctx<'_>, s: u64, e: u64) -> Result<(Bytes, Vec<(u64, u64)>)> {
    let mut buf = ctx.pool.take((e - s) as usize);
    let file = ctx.file.clone();
    let (buf, runs) = tokio::task::spawn_blocking(move || {
        read_exact_at(&file, &mut buf, s)?;
        let runs = nonzero_runs(&buf, s);
        Ok::<_, std::io::Error>((buf, runs))
    })
    .await
    .map_err(|e| Error::new(Status::Internal, format!("file read task failed: {e}")))?
    .map_err(|e| Error::io("read", ctx.path, e))?;
    Ok((Bytes::from(buf), runs))
}

/// Upload one chunk `[s, e)`: read it, leave out zero pages and what the blob already holds, send the rest.
async fn upload_chunk(ctx: &Ctx<'_>, s: u64, e: u64) -> Result<ChunkOutcome> {
    let mut out = ChunkOutcome { len: e - s, ..Default::default() };
    let already = overlap(&ctx.present, s, e);
    if already == e - s && !ctx.verify_existing {
        // Trusted: the blob holds all of it (from an earlier run for the same VHD); not even read.
        out.present = already;
        out.required.push((s, e));
        return Ok(out);
    }
    ctx.cancel.run(async { Ok(()) }).await?;
    let (data, runs) = read_chunk(ctx, s, e).await?;
    let slice = |a: u64, b: u64| data.slice((a - s) as usize..(b - s) as usize);
    let mut to_send: Vec<(u64, u64)>;
    if already > 0 && ctx.verify_existing {
        // Compare what the blob holds with the file; what differs is sent again (zeros included).
        to_send = subtract(&runs, &ctx.present);
        let i = ctx.present.partition_point(|r| r.1 <= s);
        for &(ps, pe) in ctx.present[i..].iter().take_while(|r| r.0 < e) {
            let (a, b) = (ps.max(s), pe.min(e));
            let remote = ctx.client.get_range(ctx.container, ctx.blob, a, b - a, ctx.cancel).await?;
            out.samples += 1;
            if sha256(&remote).as_ref() == sha256(&slice(a, b)).as_ref() {
                out.present += runs.iter().map(|&(rs, re)| re.min(b).saturating_sub(rs.max(a))).sum::<u64>();
            } else {
                tracing::info!(offset = a, len = b - a, "the blob differs from the file here; sending it again");
                to_send.push((a, b));
            }
        }
        to_send = merge_sorted(to_send);
    } else {
        to_send = subtract(&runs, &ctx.present);
        out.present = runs.iter().map(|&(rs, re)| overlap(&ctx.present, rs, re)).sum();
    }
    // Bridge short zero gaps (never what the blob already holds) to save requests.
    let mut merged: Vec<(u64, u64)> = Vec::with_capacity(to_send.len());
    for (a, b) in to_send {
        match merged.last_mut() {
            Some(last) if a - last.1 <= MERGE_GAP && overlap(&ctx.present, last.1, a) == 0 => last.1 = b,
            _ => merged.push((a, b)),
        }
    }
    for &(a, b) in &merged {
        ctx.client.put_page(ctx.container, ctx.blob, a, slice(a, b), ctx.cancel).await?;
        out.sent += b - a;
        out.requests += 1;
    }
    out.required = runs;
    ctx.pool.give(data);
    Ok(out)
}

/// Upload a VHD file as a page blob with `client` (see the module documentation). The blob is created,
/// or continued when it already holds an earlier upload of the same VHD.
#[allow(clippy::too_many_arguments)]
pub async fn upload_vhd_with(
    client: &BlobClient,
    container: &str,
    blob_name: &str,
    path: &Path,
    options: &UploadOptions,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<UploadSummary> {
    options.validate()?;
    let info = check_vhd(path)?;
    let started = Instant::now();
    let op = "uploadVhd";
    let blob_uri = client.url(container, Some(blob_name))?.to_string();
    let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    let size = info.file_size;
    let disk = info.disk_size;
    let mut footer = vec![0u8; FOOTER as usize];
    read_exact_at(&file, &mut footer, disk).map_err(|e| Error::io("read the footer of", path, e))?;
    let (extents, sparse_aware) = data_extents(&file, disk);
    let data_bytes: u64 = extents.iter().map(|(s, e)| e - s).sum();
    let mut summary = UploadSummary {
        blob_uri: blob_uri.clone(),
        size_bytes: size,
        data_bytes,
        hole_bytes: disk - data_bytes,
        sparse_aware,
        ..Default::default()
    };
    progress.emit(
        op,
        "started",
        format!(
            "uploading {} ({} MiB of data in a {} GiB disk) to {blob_uri}",
            path.display(),
            data_bytes / MIB,
            info.disk_size_gb
        ),
    );

    // Resume or create. A blob that holds something else is replaced only with `overwrite`.
    let mut present: Vec<(u64, u64)> = Vec::new();
    let mut resumed = false;
    match client.get_properties(container, blob_name, cancel).await? {
        None => client.create_page_blob(container, blob_name, size, &BTreeMap::new(), cancel).await?,
        Some(p) => {
            let fits = p.is_page_blob() && p.size == size;
            let ranges = if fits { client.get_page_ranges(container, blob_name, None, cancel).await? } else { vec![] };
            let same_vhd = fits && {
                let remote = client.get_range(container, blob_name, disk, FOOTER, cancel).await?;
                remote.as_ref() == footer.as_slice() || (ranges.is_empty() && remote.iter().all(|b| *b == 0))
            };
            if !same_vhd && !options.overwrite {
                return Err(Error::new(
                    Status::Conflict,
                    format!(
                        "the blob {blob_uri} already exists and holds something else ({} of {} bytes, not this VHD of {size} bytes): \
                         choose another blob name, or set overwrite to replace it",
                        if p.is_page_blob() { "a page blob" } else { "a block blob" },
                        p.size
                    ),
                ));
            }
            if same_vhd && options.resume {
                resumed = !ranges.is_empty();
                present = ranges.into_iter().filter(|&(s, _)| s < disk).map(|(s, e)| (s, e.min(disk))).collect();
            } else {
                client.create_page_blob(container, blob_name, size, &BTreeMap::new(), cancel).await?;
            }
        }
    }
    summary.resumed = resumed;

    // The footer first: it names the VHD, which makes a later resume safe. Always sent (512 bytes).
    client.put_page(container, blob_name, disk, Bytes::from(footer), cancel).await?;
    summary.sent_bytes += FOOTER;
    summary.requests += 1;

    // What the blob holds where the file has no data is cleared (a changed file, or a different layout).
    for (s, e) in subtract(&present, &extents) {
        client.clear_pages(container, blob_name, s, e - s, cancel).await?;
        summary.requests += 1;
    }
    present = subtract(&present, &subtract(&present, &extents));
    if resumed {
        progress.emit(
            op,
            "running",
            format!(
                "resuming: the blob already holds {} MiB of this VHD",
                present.iter().map(|(s, e)| e - s).sum::<u64>() / MIB
            ),
        );
    }

    let chunk = options.chunk_size_bytes;
    let chunks = split_chunks(&extents, chunk);
    let ctx = Ctx {
        client,
        container,
        blob: blob_name,
        file: Arc::new(file),
        path,
        pool: BufferPool { size: chunk as usize, free: Mutex::new(Vec::new()) },
        present,
        verify_existing: options.verify_existing,
        cancel,
    };
    let total = data_bytes + FOOTER;
    let mut done = FOOTER;
    let mut required: Vec<(u64, u64)> = Vec::new();
    let mut last_emit = Instant::now();
    let mut last_pct = 0.0f64;
    let emit = |done: u64, summary: &UploadSummary| {
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        progress.emit_event(ProgressEvent {
            operation: op.into(),
            stage: "running".into(),
            message: format!(
                "{} of {} MiB ({:.0} MiB/s; sent {} MiB, skipped {} MiB of zeros and {} MiB already there)",
                done / MIB,
                total / MIB,
                done as f64 / MIB as f64 / secs,
                summary.sent_bytes / MIB,
                summary.zero_bytes / MIB,
                summary.present_bytes / MIB
            ),
            percent: Some(100.0 * done as f64 / total as f64),
            bytes_done: Some(done),
            bytes_total: Some(total),
            ..Default::default()
        })
    };
    emit(done, &summary);
    {
        let ctx = &ctx;
        let mut stream = futures_util::stream::iter(chunks)
            .map(|(s, e)| upload_chunk(ctx, s, e))
            .buffer_unordered(options.concurrency);
        while let Some(r) = stream.next().await {
            let o = r.map_err(|e| {
                if e.status == Status::Cancelled {
                    e
                } else {
                    e.context(format!("uploading {}", path.display()))
                }
            })?;
            summary.sent_bytes += o.sent;
            summary.present_bytes += o.present;
            summary.zero_bytes += o.len.saturating_sub(o.sent + o.present);
            summary.requests += o.requests;
            summary.verified_samples += o.samples;
            required.extend(o.required);
            if required.len() > 4096 {
                required = merge_sorted(std::mem::take(&mut required));
            }
            done += o.len;
            let pct = 100.0 * done as f64 / total as f64;
            if last_emit.elapsed().as_millis() >= 100 || pct - last_pct >= 1.0 || done == total {
                emit(done, &summary);
                last_emit = Instant::now();
                last_pct = pct;
            }
            if cancel.is_cancelled() {
                return Err(Error::cancelled());
            }
        }
    }
    if done != total {
        emit(done, &summary);
    }

    // Verify: the blob's page ranges must cover every non-zero range of the file (and the footer).
    progress.emit(op, "running", "verifying the blob's page ranges");
    required.push((disk, size));
    let required = merge_sorted(required);
    let have = client.get_page_ranges(container, blob_name, None, cancel).await?;
    let missing = subtract(&required, &have);
    if let Some(&(s, e)) = missing.first() {
        let bytes: u64 = missing.iter().map(|(s, e)| e - s).sum();
        return Err(Error::new(
            Status::Protocol,
            format!(
                "verification failed: the blob is missing {bytes} bytes of data in {} ranges (the first at offset {s}, {} bytes); \
                 run the upload again: it resends only what is missing",
                missing.len(),
                e - s
            ),
        ));
    }
    if options.verify_samples > 0 && !required.is_empty() {
        let n = options.verify_samples as usize;
        let step = (required.len() as f64 / n as f64).max(1.0);
        let mut k = 0.0f64;
        let mut picked = 0;
        while (k as usize) < required.len() && picked < n {
            let (s, e) = required[k as usize];
            let len = (e - s).min(MIB);
            let remote = client.get_range(container, blob_name, s, len, cancel).await?;
            let mut local = vec![0u8; len as usize];
            read_exact_at(&ctx.file, &mut local, s).map_err(|e| Error::io("read", path, e))?;
            if sha256(&remote).as_ref() != sha256(&local).as_ref() {
                return Err(Error::new(
                    Status::Protocol,
                    format!("verification failed: the blob's bytes at offset {s} ({len} bytes) differ from the file (SHA-256); upload again with verifyExisting"),
                ));
            }
            summary.verified_samples += 1;
            picked += 1;
            k += step;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    summary.seconds = secs;
    summary.mib_per_second = data_bytes as f64 / MIB as f64 / secs.max(1e-9);
    summary.sent_mib_per_second = summary.sent_bytes as f64 / MIB as f64 / secs.max(1e-9);
    progress.emit_event(ProgressEvent {
        operation: op.into(),
        stage: "succeeded".into(),
        message: format!(
            "uploaded in {secs:.1} s: sent {} MiB, skipped {} MiB of holes, {} MiB of zeros, {} MiB already there",
            summary.sent_bytes / MIB,
            summary.hole_bytes / MIB,
            summary.zero_bytes / MIB,
            summary.present_bytes / MIB
        ),
        percent: Some(100.0),
        bytes_done: Some(total),
        bytes_total: Some(total),
        ..Default::default()
    });
    Ok(summary)
}

/// A storage account on the device (JSON form).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountRef {
    pub resource_group: String,
    pub storage_account: String,
}

/// The blob endpoint of an account: its `primaryEndpoints.blob`, else `https://<account>.blob.<suffix>/`.
fn blob_endpoint_of(session: &Session, account: &StorageAccount) -> Result<String> {
    if let Some(e) = account.blob_endpoint() {
        return Ok(e.to_string());
    }
    let suffix = session.endpoints().storage_suffix.clone().ok_or_else(|| {
        Error::new(
            Status::Protocol,
            format!("the device reports no blob endpoint for storage account '{}' and no storage suffix", account.name),
        )
    })?;
    Ok(format!("https://{}.blob.{}/", account.name, suffix.trim_start_matches('.')))
}

/// A blob client for an existing account on the session's device (keys from listKeys, key1).
pub async fn blob_client(
    session: &Session,
    account: &AccountRef,
    cancel: &CancelToken,
) -> Result<(BlobClient, StorageAccount)> {
    let acct = session.get_storage_account(&account.resource_group, &account.storage_account, cancel).await.map_err(|e| {
        if e.status == Status::NotFound {
            e.context(format!(
                "storage account '{}' in resource group '{}' (create it first: asegpu_storage_account_create / bring-image does it)",
                account.storage_account, account.resource_group
            ))
        } else {
            e
        }
    })?;
    let keys = session.list_storage_account_keys(&account.resource_group, &account.storage_account, cancel).await?;
    let endpoint = blob_endpoint_of(session, &acct)?;
    let client = BlobClient::for_session(session, &endpoint, &acct.name, &keys[0].value)?;
    Ok((client, acct))
}

/// Upload a VHD to `container`/`blob_name` of a storage account on the device (the container is created
/// when missing). See [`upload_vhd_with`].
#[allow(clippy::too_many_arguments)]
pub async fn upload_vhd(
    session: &Session,
    account: &AccountRef,
    container: &str,
    blob_name: &str,
    path: &Path,
    options: &UploadOptions,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<UploadSummary> {
    check_vhd(path)?;
    check_blob_name(blob_name)?;
    blob::validate_container_name(container)?;
    let (client, _) = blob_client(session, account, cancel).await?;
    client.create_container(container, cancel).await?;
    upload_vhd_with(&client, container, blob_name, path, options, progress, cancel).await
}

fn check_blob_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 1024 || name.ends_with('/') || name.starts_with('/') {
        return Err(Error::invalid(format!(
            "blob name '{name}' is not valid: 1 to 1024 characters, not starting or ending with '/'"
        )));
    }
    if !name.to_ascii_lowercase().ends_with(".vhd") {
        return Err(Error::invalid(format!(
            "blob name '{name}' must end with '.vhd': the device only creates images from .vhd blobs"
        )));
    }
    Ok(())
}

/// The C ABI's upload request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UploadRequest {
    pub resource_group: String,
    pub storage_account: String,
    #[serde(default = "default_container")]
    pub container: String,
    /// Defaults to the file's name.
    #[serde(default)]
    pub blob_name: Option<String>,
    pub vhd_path: PathBuf,
    #[serde(default)]
    pub options: UploadOptions,
}

fn default_container() -> String {
    "vhds".into()
}

fn file_blob_name(path: &Path) -> Result<String> {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_string)
        .ok_or_else(|| Error::invalid(format!("cannot make a blob name from '{}'; give blobName", path.display())))
}

impl UploadRequest {
    pub async fn run(&self, session: &Session, progress: &Progress<'_>, cancel: &CancelToken) -> Result<UploadSummary> {
        let blob_name = match &self.blob_name {
            Some(b) => b.clone(),
            None => file_blob_name(&self.vhd_path)?,
        };
        let account =
            AccountRef { resource_group: self.resource_group.clone(), storage_account: self.storage_account.clone() };
        upload_vhd(session, &account, &self.container, &blob_name, &self.vhd_path, &self.options, progress, cancel)
            .await
    }
}

// ---------------------------------------------------------------------------------------------------
// Bring an image

/// Where the image comes from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ImageSource {
    /// The image is made directly from the blob URI (`CreateImage.json`).
    #[default]
    Blob,
    /// A managed disk is imported from the blob first, then the image is made from the disk (the
    /// PowerShell flow: `New-AzDiskConfig -CreateOption Import`, `New-AzImageConfig`).
    ManagedDisk,
}

/// The whole bring-image flow (camelCase JSON for the C ABI).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BringImageRequest {
    pub resource_group: String,
    /// Created when missing (kind Storage).
    pub storage_account: String,
    /// `Standard_LRS` (default) or `Premium_LRS`, for a new account.
    #[serde(default)]
    pub storage_sku: Option<String>,
    #[serde(default = "default_container")]
    pub container: String,
    /// Defaults to the file's name.
    #[serde(default)]
    pub blob_name: Option<String>,
    pub vhd_path: PathBuf,
    pub image_name: String,
    /// `Linux` or `Windows`.
    pub os_type: String,
    #[serde(default)]
    pub source: ImageSource,
    /// The managed disk's name (source `managedDisk`); defaults to `<imageName>-disk`.
    #[serde(default)]
    pub disk_name: Option<String>,
    #[serde(default)]
    pub upload: UploadOptions,
    #[serde(default)]
    pub tags: Map<String, Value>,
}

/// What bring-image made.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BringImageResult {
    pub vhd: VhdInfo,
    pub storage_account_id: String,
    pub blob_endpoint: String,
    pub blob_uri: String,
    pub upload: UploadSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_id: Option<String>,
    pub image_id: String,
    /// The image as ARM returns it.
    pub image: Value,
    pub seconds: f64,
}

fn validate_compute_name(kind: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 80
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && !name.ends_with('.')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{kind} name '{name}' is not valid: 1 to 80 letters, digits, '_', '-' or '.', starting with a letter or digit and not ending with '.' or '-'"
        )))
    }
}

fn compute_path(session: &Session, rg: &str, kind: &str, name: &str) -> String {
    format!(
        "subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/{kind}/{name}?api-version={}",
        session.subscription_id(),
        percent_encoding::utf8_percent_encode(rg, percent_encoding::NON_ALPHANUMERIC),
        versions::COMPUTE_IMAGES_DISKS
    )
}

impl BringImageRequest {
    /// Check everything that can be checked before anything is created or sent.
    pub fn validate(&self) -> Result<(VhdInfo, String, &'static str)> {
        crate::arm::resources::validate_name(&self.resource_group)?;
        storage::validate_account_name(&self.storage_account)?;
        storage::normalize_sku(self.storage_sku.as_deref())?;
        blob::validate_container_name(&self.container)?;
        validate_compute_name("image", &self.image_name)?;
        if let Some(d) = &self.disk_name {
            validate_compute_name("disk", d)?;
        }
        let os = device::extension::OsType::parse(&self.os_type)
            .ok_or_else(|| Error::invalid(format!("osType '{}' must be Linux or Windows", self.os_type)))?;
        self.upload.validate()?;
        let blob_name = match &self.blob_name {
            Some(b) => b.clone(),
            None => file_blob_name(&self.vhd_path)?,
        };
        check_blob_name(&blob_name)?;
        let vhd = check_vhd(&self.vhd_path)?;
        Ok((vhd, blob_name, os.as_str()))
    }
}

/// Bring an image, the documented flow end to end: check the VHD → create the storage account (when
/// missing) → keys → container → upload → image (from the blob URI, or through a managed disk).
pub async fn bring_image(
    session: &Session,
    req: &BringImageRequest,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<BringImageResult> {
    let started = Instant::now();
    let (vhd, blob_name, os) = req.validate()?;
    session.get_resource_group(&req.resource_group, cancel).await.map_err(|e| {
        if e.status == Status::NotFound {
            e.context(format!("resource group '{}' (create it first)", req.resource_group))
        } else {
            e
        }
    })?;
    let sku = storage::normalize_sku(req.storage_sku.as_deref())?;
    let acct = session
        .create_storage_account(
            &NewStorageAccount {
                resource_group: req.resource_group.clone(),
                name: req.storage_account.clone(),
                sku: Some(sku.into()),
                tags: req.tags.clone(),
            },
            progress,
            cancel,
        )
        .await?;
    let account =
        AccountRef { resource_group: req.resource_group.clone(), storage_account: req.storage_account.clone() };
    let (client, acct2) = blob_client(session, &account, cancel).await?;
    let endpoint = blob_endpoint_of(session, &acct2).unwrap_or_default();
    client.create_container(&req.container, cancel).await?;
    let upload =
        upload_vhd_with(&client, &req.container, &blob_name, &req.vhd_path, &req.upload, progress, cancel).await?;
    let blob_uri = upload.blob_uri.clone();

    let mut disk_id = None;
    let os_disk = match req.source {
        ImageSource::Blob => json!({
            "osType": os, "osState": "Generalized", "blobUri": blob_uri,
            "storageAccountType": "Standard_LRS", "caching": "ReadWrite",
        }),
        ImageSource::ManagedDisk => {
            let name = req.disk_name.clone().unwrap_or_else(|| format!("{}-disk", req.image_name));
            let body = json!({
                "location": device::LOCATION,
                "tags": req.tags,
                "sku": { "name": "Standard_LRS" },
                "properties": { "osType": os, "creationData": { "createOption": "Import", "sourceUri": blob_uri } },
            });
            let path = compute_path(session, &req.resource_group, "disks", &name);
            let d = session
                .call_lro("createDisk", Method::PUT, &path, Some(&body), progress, cancel)
                .await
                .map_err(|e| e.context(format!("creating managed disk '{name}' from {blob_uri}")))?;
            let id = match d.get("id").and_then(Value::as_str) {
                Some(id) => id.to_string(),
                None => session.get_json::<Value>(&path, cancel).await?["id"].as_str().unwrap_or_default().to_string(),
            };
            disk_id = Some(id.clone());
            json!({
                "osType": os, "osState": "Generalized", "managedDisk": { "id": id },
                "storageAccountType": "Standard_LRS", "caching": "ReadWrite",
            })
        }
    };
    let body = json!({
        "location": device::LOCATION,
        "tags": req.tags,
        "properties": { "storageProfile": { "osDisk": os_disk } },
    });
    let path = compute_path(session, &req.resource_group, "images", &req.image_name);
    let mut image = session
        .call_lro("createImage", Method::PUT, &path, Some(&body), progress, cancel)
        .await
        .map_err(|e| e.context(format!("creating image '{}'", req.image_name)))?;
    if image.get("id").is_none() {
        image = session.get_json(&path, cancel).await?;
    }
    let image_id = image["id"].as_str().unwrap_or_default().to_string();
    Ok(BringImageResult {
        vhd,
        storage_account_id: acct.id,
        blob_endpoint: endpoint,
        blob_uri,
        upload,
        disk_id,
        image_id,
        image,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(subtract(&[(0, 100)], &[(10, 20), (50, 60)]), vec![(0, 10), (20, 50), (60, 100)]);
        assert_eq!(subtract(&[(0, 100)], &[(0, 100)]), vec![]);
        assert_eq!(subtract(&[(10, 20)], &[(0, 5), (30, 40)]), vec![(10, 20)]);
        assert_eq!(overlap(&[(10, 20), (50, 60)], 0, 55), 15);
        assert_eq!(split_chunks(&[(0, 10), (15, 35)], 10), vec![(0, 10), (15, 20), (20, 30), (30, 35)]);
        let mut b = vec![0u8; 2048];
        b[600] = 1;
        b[1500] = 1;
        assert_eq!(nonzero_runs(&b, 1024), vec![(1536, 2560)]);
        b[1500] = 0;
        b[1900] = 1;
        assert_eq!(nonzero_runs(&b, 0), vec![(512, 1024), (1536, 2048)]);
    }

    #[test]
    fn footer_roundtrip() {
        let f = fixed_vhd_footer(30 << 30, [7; 16]);
        let p = parse_footer(&f);
        assert!(p.cookie_ok);
        assert_eq!(p.disk_type, 2);
        assert_eq!(p.current_size, 30 << 30);
        assert_eq!(p.checksum, p.computed_checksum);
    }
}
