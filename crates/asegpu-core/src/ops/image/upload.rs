//! The upload pipeline: a fixed VHD to a page blob, only its data, concurrently from a fixed buffer pool,
//! resumable and verified (see the module above for the whole story).

use super::*;

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
    pub(super) fn validate(&self) -> Result<()> {
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
pub(super) struct BufferPool {
    pub(super) size: usize,
    pub(super) free: Mutex<Vec<Vec<u8>>>,
}

impl BufferPool {
    pub(super) fn take(&self, len: usize) -> Vec<u8> {
        let mut b = self.free.lock().unwrap_or_else(|p| p.into_inner()).pop().unwrap_or_else(|| vec![0u8; self.size]);
        b.resize(len, 0);
        b
    }
    pub(super) fn give(&self, b: Bytes) {
        if let Ok(m) = b.try_into_mut() {
            let mut v: Vec<u8> = m.into();
            v.resize(self.size, 0);
            self.free.lock().unwrap_or_else(|p| p.into_inner()).push(v);
        }
    }
}

#[derive(Default)]
pub(super) struct ChunkOutcome {
    pub(super) len: u64,
    pub(super) sent: u64,
    pub(super) present: u64,
    pub(super) requests: u64,
    pub(super) samples: u32,
    /// Non-zero ranges the blob must hold at the end.
    pub(super) required: Vec<(u64, u64)>,
}

pub(super) struct Ctx<'a> {
    pub(super) client: &'a BlobClient,
    pub(super) container: &'a str,
    pub(super) blob: &'a str,
    pub(super) file: Arc<File>,
    pub(super) path: &'a Path,
    pub(super) pool: BufferPool,
    pub(super) present: Vec<(u64, u64)>,
    pub(super) verify_existing: bool,
    pub(super) cancel: &'a CancelToken,
}

pub(super) fn sha256(b: &[u8]) -> ring::digest::Digest {
    ring::digest::digest(&ring::digest::SHA256, b)
}

pub(super) async fn read_chunk(ctx: &Ctx<'_>, s: u64, e: u64) -> Result<(Bytes, Vec<(u64, u64)>)> {
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
pub(super) async fn upload_chunk(ctx: &Ctx<'_>, s: u64, e: u64) -> Result<ChunkOutcome> {
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
    let blob_uri = client.url(container, Some(blob_name))?.to_string();
    let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    let (size, disk) = (info.file_size, info.disk_size);
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
    let what = format!("{} ({} MiB of data in a {} GiB disk)", path.display(), data_bytes / MIB, info.disk_size_gb);
    progress.emit(UPLOAD_OP, "started", format!("uploading {what} to {blob_uri}"));
    let blob = BlobTarget { client, container, name: blob_name, uri: &blob_uri, size, disk };
    let (present, resumed) = prepare_blob(&blob, &footer, options, cancel).await?;
    summary.resumed = resumed;
    let present = write_footer_and_clear(&blob, footer, present, &extents, &mut summary, cancel).await?;
    if resumed {
        let held = present.iter().map(|(s, e)| e - s).sum::<u64>() / MIB;
        progress.emit(UPLOAD_OP, "running", format!("resuming: the blob already holds {held} MiB of this VHD"));
    }
    let ctx = Ctx {
        client,
        container,
        blob: blob_name,
        file: Arc::new(file),
        path,
        pool: BufferPool { size: options.chunk_size_bytes as usize, free: Mutex::new(Vec::new()) },
        present,
        verify_existing: options.verify_existing,
        cancel,
    };
    let meter = Meter { progress, started, total: data_bytes + FOOTER };
    let required =
        send_chunks(&ctx, split_chunks(&extents, options.chunk_size_bytes), options, &meter, &mut summary).await?;
    progress.emit(UPLOAD_OP, "running", "verifying the blob's page ranges");
    let required = verify_ranges(&blob, required, cancel).await?;
    verify_samples(&blob, &ctx, &required, options.verify_samples, &mut summary).await?;
    finish(&mut summary, &meter);
    Ok(summary)
}

const UPLOAD_OP: &str = "uploadVhd";

/// The blob an upload writes.
pub(super) struct BlobTarget<'a> {
    pub(super) client: &'a BlobClient,
    pub(super) container: &'a str,
    pub(super) name: &'a str,
    pub(super) uri: &'a str,
    /// The file's size (the disk and its footer) and the disk's.
    pub(super) size: u64,
    pub(super) disk: u64,
}

/// Resume or create. A blob that holds something else is replaced only with `overwrite`. Returns the ranges
/// the blob already holds of this VHD (when resuming) and whether it resumes.
pub(super) async fn prepare_blob(
    blob: &BlobTarget<'_>,
    footer: &[u8],
    options: &UploadOptions,
    cancel: &CancelToken,
) -> Result<(Vec<(u64, u64)>, bool)> {
    let (client, container, name) = (blob.client, blob.container, blob.name);
    let Some(p) = client.get_properties(container, name, cancel).await? else {
        client.create_page_blob(container, name, blob.size, &BTreeMap::new(), cancel).await?;
        return Ok((Vec::new(), false));
    };
    let fits = p.is_page_blob() && p.size == blob.size;
    let ranges = if fits { client.get_page_ranges(container, name, None, cancel).await? } else { vec![] };
    let same_vhd = fits && {
        let remote = client.get_range(container, name, blob.disk, FOOTER, cancel).await?;
        remote.as_ref() == footer || (ranges.is_empty() && remote.iter().all(|b| *b == 0))
    };
    if !same_vhd && !options.overwrite {
        return Err(Error::new(
            Status::Conflict,
            format!(
                "the blob {} already exists and holds something else ({} of {} bytes, not this VHD of {} bytes): \
                 choose another blob name, or set overwrite to replace it",
                blob.uri,
                if p.is_page_blob() { "a page blob" } else { "a block blob" },
                p.size,
                blob.size
            ),
        ));
    }
    if same_vhd && options.resume {
        let present = ranges.iter().filter(|&&(s, _)| s < blob.disk).map(|&(s, e)| (s, e.min(blob.disk))).collect();
        return Ok((present, !ranges.is_empty()));
    }
    client.create_page_blob(container, name, blob.size, &BTreeMap::new(), cancel).await?;
    Ok((Vec::new(), false))
}

/// The footer first: it names the VHD, which makes a later resume safe (always sent, 512 bytes). Then what
/// the blob holds where the file has no data is cleared (a changed file, or a different layout). Returns
/// what the blob still holds of the file's data.
pub(super) async fn write_footer_and_clear(
    blob: &BlobTarget<'_>,
    footer: Vec<u8>,
    present: Vec<(u64, u64)>,
    extents: &[(u64, u64)],
    summary: &mut UploadSummary,
    cancel: &CancelToken,
) -> Result<Vec<(u64, u64)>> {
    blob.client.put_page(blob.container, blob.name, blob.disk, Bytes::from(footer), cancel).await?;
    summary.sent_bytes += FOOTER;
    summary.requests += 1;
    for (s, e) in subtract(&present, extents) {
        blob.client.clear_pages(blob.container, blob.name, s, e - s, cancel).await?;
        summary.requests += 1;
    }
    Ok(subtract(&present, &subtract(&present, extents)))
}

/// Progress of the data: at most every 100 ms or 1 %, and at the end.
pub(super) struct Meter<'a, 'p> {
    pub(super) progress: &'a Progress<'p>,
    pub(super) started: Instant,
    /// The data and the footer.
    pub(super) total: u64,
}

impl Meter<'_, '_> {
    pub(super) fn emit(&self, done: u64, summary: &UploadSummary) {
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        self.progress.emit_event(ProgressEvent {
            operation: UPLOAD_OP.into(),
            stage: "running".into(),
            message: format!(
                "{} of {} MiB ({:.0} MiB/s; sent {} MiB, skipped {} MiB of zeros and {} MiB already there)",
                done / MIB,
                self.total / MIB,
                done as f64 / MIB as f64 / secs,
                summary.sent_bytes / MIB,
                summary.zero_bytes / MIB,
                summary.present_bytes / MIB
            ),
            percent: Some(100.0 * done as f64 / self.total as f64),
            bytes_done: Some(done),
            bytes_total: Some(self.total),
            ..Default::default()
        })
    }
    pub(super) fn percent(&self, done: u64) -> f64 {
        100.0 * done as f64 / self.total as f64
    }
}

/// Send the chunks `concurrency` at a time, counting what was sent, found zero or already there. Returns the
/// non-zero ranges the blob must hold.
pub(super) async fn send_chunks(
    ctx: &Ctx<'_>,
    chunks: Vec<(u64, u64)>,
    options: &UploadOptions,
    meter: &Meter<'_, '_>,
    summary: &mut UploadSummary,
) -> Result<Vec<(u64, u64)>> {
    let mut done = FOOTER;
    let mut required: Vec<(u64, u64)> = Vec::new();
    let (mut last_emit, mut last_pct) = (Instant::now(), 0.0f64);
    meter.emit(done, summary);
    let mut stream =
        futures_util::stream::iter(chunks).map(|(s, e)| upload_chunk(ctx, s, e)).buffer_unordered(options.concurrency);
    while let Some(r) = stream.next().await {
        let o = r.map_err(|e| {
            if e.status == Status::Cancelled {
                e
            } else {
                e.context(format!("uploading {}", ctx.path.display()))
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
        let pct = meter.percent(done);
        if last_emit.elapsed().as_millis() >= 100 || pct - last_pct >= 1.0 || done == meter.total {
            meter.emit(done, summary);
            (last_emit, last_pct) = (Instant::now(), pct);
        }
        if ctx.cancel.is_cancelled() {
            return Err(Error::cancelled());
        }
    }
    if done != meter.total {
        meter.emit(done, summary);
    }
    Ok(required)
}

/// The blob's page ranges must cover every non-zero range of the file, and the footer. Returns those
/// ranges, merged.
pub(super) async fn verify_ranges(
    blob: &BlobTarget<'_>,
    mut required: Vec<(u64, u64)>,
    cancel: &CancelToken,
) -> Result<Vec<(u64, u64)>> {
    required.push((blob.disk, blob.size));
    let required = merge_sorted(required);
    let have = blob.client.get_page_ranges(blob.container, blob.name, None, cancel).await?;
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
    Ok(required)
}

/// With `verifySamples`, read back up to that many ranges (1 MiB each at most), spread over the data, and
/// compare them by SHA-256 with the file.
pub(super) async fn verify_samples(
    blob: &BlobTarget<'_>,
    ctx: &Ctx<'_>,
    required: &[(u64, u64)],
    samples: u32,
    summary: &mut UploadSummary,
) -> Result<()> {
    if samples == 0 || required.is_empty() {
        return Ok(());
    }
    let n = samples as usize;
    let step = (required.len() as f64 / n as f64).max(1.0);
    let (mut k, mut picked) = (0.0f64, 0);
    while (k as usize) < required.len() && picked < n {
        let (s, e) = required[k as usize];
        let len = (e - s).min(MIB);
        let remote = blob.client.get_range(blob.container, blob.name, s, len, ctx.cancel).await?;
        let mut local = vec![0u8; len as usize];
        read_exact_at(&ctx.file, &mut local, s).map_err(|e| Error::io("read", ctx.path, e))?;
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
    Ok(())
}

/// The summary's rates, and the last progress event.
pub(super) fn finish(summary: &mut UploadSummary, meter: &Meter<'_, '_>) {
    let secs = meter.started.elapsed().as_secs_f64();
    summary.seconds = secs;
    summary.mib_per_second = summary.data_bytes as f64 / MIB as f64 / secs.max(1e-9);
    summary.sent_mib_per_second = summary.sent_bytes as f64 / MIB as f64 / secs.max(1e-9);
    meter.progress.emit_event(ProgressEvent {
        operation: UPLOAD_OP.into(),
        stage: "succeeded".into(),
        message: format!(
            "uploaded in {secs:.1} s: sent {} MiB, skipped {} MiB of holes, {} MiB of zeros, {} MiB already there",
            summary.sent_bytes / MIB,
            summary.hole_bytes / MIB,
            summary.zero_bytes / MIB,
            summary.present_bytes / MIB
        ),
        percent: Some(100.0),
        bytes_done: Some(meter.total),
        bytes_total: Some(meter.total),
        ..Default::default()
    });
}

/// A storage account on the device (JSON form).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountRef {
    pub resource_group: String,
    pub storage_account: String,
}

/// The blob endpoint of an account: its `primaryEndpoints.blob`, else `https://<account>.blob.<suffix>/`.
pub(super) fn blob_endpoint_of(session: &Session, account: &StorageAccount) -> Result<String> {
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

pub(super) fn check_blob_name(name: &str) -> Result<()> {
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

pub(super) fn default_container() -> String {
    "vhds".into()
}

pub(super) fn file_blob_name(path: &Path) -> Result<String> {
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
