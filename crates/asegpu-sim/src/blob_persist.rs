//! Blob data persisted next to the state file (in `<state file>.blobs/`), so an uploaded VHD survives an
//! emulator restart. Page blobs are stored sparsely: only written pages, as an append-only log per blob
//! (`<hash>.log`: records `[kind u8][first page u64 LE][count u64 LE]` followed, for data records, by the
//! pages) plus its properties (`<hash>.json`). Each save appends only the pages changed since the last one
//! (see [`Blob::touch`]); a log that grew to more than twice its live data is rewritten. Loading replays the
//! logs, so memory holds only written pages (a 30 GiB VHD with 1 GiB of data takes about 1 GiB). The
//! directory is its owner's only (0700) and so are its files (0600); metadata files are replaced atomically
//! ([`super::files`]).

use super::blob::{Blob, BlobStore, Container};
use asegpu_core::error::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const PAGE: usize = 512;
const CLEAR: u8 = 0;
const DATA: u8 = 1;
const BLOCK: u8 = 2;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    account: String,
    container: String,
    name: String,
    page_blob: bool,
    size: u64,
    content_type: String,
    etag: String,
    last_modified: String,
    sequence_number: u64,
}

/// The sidecar directory of a state file: `<file>.blobs`.
pub fn sidecar(state_file: &Path) -> PathBuf {
    let mut s = state_file.as_os_str().to_owned();
    s.push(".blobs");
    PathBuf::from(s)
}

fn file_key(account: &str, container: &str, name: &str) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, format!("{account}\0{container}\0{name}").as_bytes());
    hex::encode(&d.as_ref()[..16])
}

fn record(out: &mut Vec<u8>, kind: u8, first: u64, count: u64) {
    out.push(kind);
    out.extend_from_slice(&first.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
}

/// Records for pages `[first, last]`: runs of written pages as data, runs of absent pages as clears.
fn records(b: &Blob, first: u64, last: u64, out: &mut Vec<u8>) {
    let mut p = first;
    while p <= last {
        let present = b.pages.contains_key(&p);
        let mut q = p;
        while q < last && b.pages.contains_key(&(q + 1)) == present {
            q += 1;
        }
        if present {
            record(out, DATA, p, q - p + 1);
            for k in p..=q {
                let data = &b.pages[&k];
                out.extend_from_slice(data);
                out.resize(out.len() + PAGE.saturating_sub(data.len()), 0);
            }
        } else {
            record(out, CLEAR, p, q - p + 1);
        }
        p = q + 1;
    }
}

fn full_log(b: &Blob, f: &mut std::fs::File) -> std::io::Result<()> {
    if !b.page_blob {
        let mut out = Vec::new();
        record(&mut out, BLOCK, 0, b.data.len() as u64);
        out.extend_from_slice(&b.data);
        return f.write_all(&out);
    }
    // Runs of consecutive pages, written in chunks so memory stays small.
    let mut out = Vec::new();
    let mut it = b.pages.keys().copied().peekable();
    while let Some(start) = it.next() {
        let mut end = start;
        while it.peek() == Some(&(end + 1)) && end - start < 8191 {
            end = it.next().expect("peeked");
        }
        records(b, start, end, &mut out);
        if out.len() > (4 << 20) {
            f.write_all(&out)?;
            out.clear();
        }
    }
    f.write_all(&out)
}

fn io<'a>(path: &'a Path, op: &'static str) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |e| Error::io(op, path, e)
}

/// Persist what changed since the last save.
pub fn save(store: &mut BlobStore, dir: &Path) -> Result<()> {
    super::files::create_private_dir(dir)?;
    let mut containers: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let mut live = std::collections::BTreeSet::new();
    for (account, cs) in store.accounts.iter_mut() {
        for (cname, c) in cs.iter_mut() {
            containers
                .entry(account.clone())
                .or_default()
                .insert(cname.clone(), serde_json::json!({ "etag": c.etag, "lastModified": c.last_modified }));
            for (bname, b) in c.blobs.iter_mut() {
                let key = file_key(account, cname, bname);
                live.insert(key.clone());
                if b.persisted && b.journal.is_empty() {
                    continue;
                }
                let log = dir.join(format!("{key}.log"));
                let live_bytes = (b.pages.len() * PAGE + b.data.len()) as u64;
                let grown = std::fs::metadata(&log).map(|m| m.len() > 2 * live_bytes + (1 << 20)).unwrap_or(true);
                if !b.persisted || grown {
                    let mut f = super::files::private_options()
                        .write(true)
                        .create(true)
                        .truncate(true)
                        .open(&log)
                        .map_err(io(&log, "create"))?;
                    full_log(b, &mut f).map_err(io(&log, "write"))?;
                } else {
                    let mut f = std::fs::OpenOptions::new().append(true).open(&log).map_err(io(&log, "open"))?;
                    let mut out = Vec::new();
                    for (first, last) in std::mem::take(&mut b.journal) {
                        records(b, first, last.min(b.size.div_ceil(PAGE as u64).saturating_sub(1)), &mut out);
                        if out.len() > (4 << 20) {
                            f.write_all(&out).map_err(io(&log, "write"))?;
                            out.clear();
                        }
                    }
                    f.write_all(&out).map_err(io(&log, "write"))?;
                }
                let meta = Meta {
                    account: account.clone(),
                    container: cname.clone(),
                    name: bname.clone(),
                    page_blob: b.page_blob,
                    size: b.size,
                    content_type: b.content_type.clone(),
                    etag: b.etag.clone(),
                    last_modified: b.last_modified.clone(),
                    sequence_number: b.sequence_number,
                };
                let mp = dir.join(format!("{key}.json"));
                super::files::write_private_atomic(&mp, &serde_json::to_vec(&meta)?)?;
                b.persisted = true;
                b.journal.clear();
            }
        }
    }
    let cp = dir.join("containers.json");
    super::files::write_private_atomic(&cp, &serde_json::to_vec_pretty(&containers)?)?;
    // Forget blobs that no longer exist.
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if let Some((stem, ext)) = name.rsplit_once('.') {
                if (ext == "log" || ext == "json") && stem != "containers" && !live.contains(stem) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
    Ok(())
}

/// Load the blobs saved in `dir` (empty when it does not exist).
pub fn load(dir: &Path) -> Result<BlobStore> {
    let mut store = BlobStore::default();
    let cp = dir.join("containers.json");
    if !cp.exists() {
        return Ok(store);
    }
    let containers: BTreeMap<String, BTreeMap<String, Value>> =
        serde_json::from_slice(&std::fs::read(&cp).map_err(io(&cp, "read"))?)
            .map_err(|e| Error::invalid(format!("{}: {e}", cp.display())))?;
    for (account, cs) in containers {
        let a = store.accounts.entry(account).or_default();
        for (cname, v) in cs {
            a.insert(
                cname,
                Container {
                    blobs: BTreeMap::new(),
                    etag: v["etag"].as_str().unwrap_or_default().to_string(),
                    last_modified: v["lastModified"].as_str().unwrap_or_default().to_string(),
                },
            );
        }
    }
    let entries = std::fs::read_dir(dir).map_err(io(dir, "read"))?;
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".json").filter(|s| *s != "containers") else { continue };
        let Ok(meta) = serde_json::from_slice::<Meta>(&std::fs::read(&path).map_err(io(&path, "read"))?) else {
            tracing::warn!("ignoring unreadable blob metadata {}", path.display());
            continue;
        };
        let mut b = Blob {
            page_blob: meta.page_blob,
            size: meta.size,
            content_type: meta.content_type,
            etag: meta.etag,
            last_modified: meta.last_modified,
            sequence_number: meta.sequence_number,
            persisted: true,
            ..Default::default()
        };
        let log = dir.join(format!("{stem}.log"));
        if let Ok(f) = std::fs::File::open(&log) {
            replay(&mut b, std::io::BufReader::with_capacity(1 << 20, f)).map_err(io(&log, "read"))?;
        }
        let last_page = b.size.div_ceil(PAGE as u64);
        b.pages.retain(|p, _| *p < last_page);
        store.accounts.entry(meta.account).or_default().entry(meta.container).or_default().blobs.insert(meta.name, b);
    }
    Ok(store)
}

fn replay(b: &mut Blob, mut r: impl Read) -> std::io::Result<()> {
    let mut head = [0u8; 17];
    loop {
        match r.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let first = u64::from_le_bytes(head[1..9].try_into().expect("8 bytes"));
        let count = u64::from_le_bytes(head[9..17].try_into().expect("8 bytes"));
        match head[0] {
            CLEAR => {
                for p in first..first + count {
                    b.pages.remove(&p);
                }
            }
            DATA => {
                for p in first..first + count {
                    let mut page = vec![0u8; PAGE];
                    match r.read_exact(&mut page) {
                        Ok(()) => {}
                        // A save cut short (crash): keep what is complete.
                        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
                        Err(e) => return Err(e),
                    }
                    if page.iter().all(|x| *x == 0) {
                        b.pages.remove(&p);
                    } else {
                        b.pages.insert(p, page);
                    }
                }
            }
            BLOCK => {
                let mut data = vec![0u8; count as usize];
                r.read_exact(&mut data)?;
                b.data = data;
            }
            _ => return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "unknown blob log record")),
        }
    }
}
