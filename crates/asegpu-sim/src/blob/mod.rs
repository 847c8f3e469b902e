//! The device's blob endpoint, enough for a VHD upload: containers, page blobs (create, Put Page update and
//! clear, Get Page Ranges, properties, Get Blob with ranges), small block blobs, Shared Key and SAS
//! authentication. Served at `https://<account>.blob.<device>.<domain>[:port]/...` and, like Azurite,
//! path-style at `https://127.0.0.1:<port>/<account>/...`. Data lives in memory (sparse 512-byte pages),
//! persisted next to the state file when one is configured ([`super::blob_persist`]).

mod auth;
mod blobs;
mod containers;
mod vhd;

pub use auth::shared_key_signature;
pub use vhd::{check_vhd, VhdProblem};

use super::http::Req;
use super::server::Shared;
use super::state::State;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::HeaderValue;
use hyper::{Method, StatusCode};
use std::collections::BTreeMap;

type Resp = hyper::Response<Full<Bytes>>;
const PAGE: u64 = 512;
const VERSION: &str = asegpu_core::device::limits::BLOB_VERSION;

#[derive(Debug, Clone, Default)]
pub struct Blob {
    pub page_blob: bool,
    pub size: u64,
    /// Page blobs: written 512-byte pages by page index. Block blobs: `data`.
    pub pages: BTreeMap<u64, Vec<u8>>,
    pub data: Vec<u8>,
    pub content_type: String,
    pub etag: String,
    pub last_modified: String,
    pub sequence_number: u64,
    /// Persistence (see [`super::blob_persist`]): false until the blob is written whole to the sidecar.
    pub persisted: bool,
    /// Page ranges (first, last) changed since the last save.
    pub journal: Vec<(u64, u64)>,
}

#[derive(Debug, Clone, Default)]
pub struct Container {
    pub blobs: BTreeMap<String, Blob>,
    pub etag: String,
    pub last_modified: String,
}

/// Blob data by account (lower-case) and container. Not persisted.
#[derive(Debug, Clone, Default)]
pub struct BlobStore {
    pub accounts: BTreeMap<String, BTreeMap<String, Container>>,
}

impl Blob {
    /// Record that pages `[first, last]` changed, for the next save (bounded: many small changes make the
    /// next save rewrite the blob instead).
    pub fn touch(&mut self, first: u64, last: u64) {
        if !self.persisted {
            return;
        }
        if self.journal.len() >= 4096 {
            self.persisted = false;
            self.journal.clear();
        } else {
            self.journal.push((first, last));
        }
    }

    /// Read `[start, end)` (zeros where nothing was written).
    pub fn read(&self, start: u64, end: u64) -> Vec<u8> {
        let end = end.min(self.size);
        if start >= end {
            return Vec::new();
        }
        if !self.page_blob {
            return self.data[start as usize..end as usize].to_vec();
        }
        let mut out = vec![0u8; (end - start) as usize];
        for (&p, data) in self.pages.range(start / PAGE..end.div_ceil(PAGE)) {
            let ps = p * PAGE;
            for (i, b) in data.iter().enumerate() {
                let at = ps + i as u64;
                if at >= start && at < end {
                    out[(at - start) as usize] = *b;
                }
            }
        }
        out
    }
}

fn now_http() -> String {
    chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn new_etag() -> String {
    format!("\"0x{:X}\"", uuid::Uuid::new_v4().as_u128() >> 64)
}

fn resp(status: u16, body: Vec<u8>) -> Resp {
    let mut r = hyper::Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = StatusCode::from_u16(status).expect("status");
    let h = r.headers_mut();
    h.insert("x-ms-version", HeaderValue::from_static(VERSION));
    h.insert("server", HeaderValue::from_static("Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0"));
    if let Ok(v) = HeaderValue::from_str(&now_http()) {
        h.insert("date", v);
    }
    r
}

fn hdr(mut r: Resp, name: &'static str, value: &str) -> Resp {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().insert(name, v);
    }
    r
}

/// A storage service error (XML body, `x-ms-error-code`).
pub fn error(status: u16, code: &str, message: &str) -> Resp {
    let body = format!(
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{}\nRequestId:{}\nTime:{}</Message></Error>",
        xml_escape(message),
        uuid::Uuid::new_v4(),
        super::http::timestamp()
    );
    let r = hdr(resp(status, body.into_bytes()), "x-ms-error-code", code);
    hdr(r, "content-type", "application/xml")
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Which account a request is for, and the path segments after it: by host
/// (`<account>.blob.<device>.<domain>`) or path-style (`/<account>/...`, when that account exists).
pub fn route(shared: &Shared, req: &Req) -> Option<(String, Vec<String>)> {
    let suffix = format!(".blob.{}.{}", shared.cfg.device_name, shared.cfg.dns_domain).to_ascii_lowercase();
    let host = req.hostname().to_string();
    if let Some(account) = host.strip_suffix(&suffix) {
        if !account.is_empty() && !account.contains('.') {
            return Some((account.to_string(), req.segs.clone()));
        }
    }
    let first = req.kw(0);
    if first.is_empty()
        || matches!(first.as_str(), "subscriptions" | "providers" | "tenants" | "metadata" | "adfs" | "_sim")
    {
        return None;
    }
    let st = shared.state.lock().unwrap_or_else(|p| p.into_inner());
    super::storage::find_account(&st, &first)?;
    Some((first, req.segs[1..].to_vec()))
}

/// `bytes=start-end` (inclusive end) from `x-ms-range` or `Range`.
fn range(req: &Req) -> Option<(u64, Option<u64>)> {
    let r = req.header("x-ms-range").or(req.header("range"))?;
    let r = r.trim().strip_prefix("bytes=")?;
    let (a, b) = r.split_once('-')?;
    Some((a.trim().parse().ok()?, b.trim().parse().ok()))
}

/// Put Page: "the maximum size of the page range is 4 MiB" per request (Blob service REST API, Put Page).
pub const PUT_PAGE_LIMIT: usize = 4 << 20;
/// Put Blob (a block blob in one request) for the x-ms-version this endpoint speaks (2019-07-07): 256 MiB
/// ("version 2016-05-31 through 2019-07-07: 256 MiB", Blob service REST API, Put Blob, Remarks).
pub const PUT_BLOB_LIMIT: usize = 256 << 20;
/// Every other blob request (containers, properties, metadata, page ranges) has no body: 64 KiB.
pub const OTHER_LIMIT: usize = 64 << 10;

/// Before the body is read: the account must exist and the request must be signed (Shared Key or SAS sign
/// the headers, never the body). Answers the body limit for the operation, or the refusal to send.
/// The device refuses an `x-ms-version` newer than those it documents, as a 2105 device answered AzCopy's
/// default 2020-04-08 (Azure/azure-storage-azcopy#1466; see [`asegpu_core::device::limits::BLOB_VERSIONS`]).
fn check_version(req: &Req) -> Result<(), Resp> {
    let Some(v) = req.header("x-ms-version").filter(|v| !asegpu_core::device::limits::blob_version_accepted(v)) else {
        return Ok(());
    };
    let message = format!(
        "The value for one of the HTTP headers is not in the correct format. {}",
        asegpu_core::device::limits::blob_version_advice(v)
    );
    Err(hdr(error(400, "InvalidHeaderValue", &message), "x-ms-invalid-header-name", "x-ms-version"))
}

pub fn admit(shared: &Shared, req: &Req, account: &str) -> Result<usize, Resp> {
    let keys = {
        let st = shared.state.lock().unwrap_or_else(|p| p.into_inner());
        let Some(acct) = super::storage::find_account(&st, account) else {
            return Err(no_account(account));
        };
        super::storage::account_keys(acct)
    };
    check_version(req)?;
    auth::authorize(req, account, &keys, path_style(shared, req))?;
    let comp = query_lower(req, "comp");
    Ok(match (&req.method, comp.as_str()) {
        (&Method::PUT, "page") => PUT_PAGE_LIMIT,
        // Put Blob: only a block blob carries content (a page blob's Put Blob has an empty body).
        (&Method::PUT, "")
            if req.q("restype").is_none()
                && req.header("x-ms-blob-type").is_some_and(|t| t.eq_ignore_ascii_case("BlockBlob")) =>
        {
            PUT_BLOB_LIMIT
        }
        _ => OTHER_LIMIT,
    })
}

/// The most one Get Blob answers (the whole answer is built in memory): a sparse page blob can be 1 TiB
/// with nothing written, and reading it whole would allocate all of it. Storage clients read large blobs in
/// ranges (4-32 MiB), so they never meet this; the real service streams any size.
pub const GET_LIMIT: u64 = 256 << 20;

fn too_much_to_read(n: u64) -> Resp {
    error(
        416,
        "InvalidRange",
        &format!("This emulated device answers at most {GET_LIMIT} bytes per Get Blob, not {n}: read the blob in ranges (x-ms-range)."),
    )
}

/// The storage service's answer to a body over the limit (413 `RequestBodyTooLarge`).
pub fn too_large(limit: usize) -> Resp {
    error(
        413,
        "RequestBodyTooLarge",
        &format!(
            "The request body is too large and exceeds the maximum permissible limit ({limit} bytes for this operation)."
        ),
    )
}

/// A blob request, once the account is known: the service (no segment), a container (one) or a blob.
pub fn handle(shared: &Shared, req: &Req, account: &str, segs: &[String]) -> Resp {
    let mut st = shared.state.lock().unwrap_or_else(|p| p.into_inner());
    let Some(acct) = super::storage::find_account(&st, account) else {
        return no_account(account);
    };
    if let Err(r) = check_version(req) {
        return r;
    }
    let keys = super::storage::account_keys(acct);
    if let Err(r) = auth::authorize(req, account, &keys, path_style(shared, req)) {
        return r;
    }
    let store = st.blobs.accounts.entry(account.to_ascii_lowercase()).or_default();
    match segs {
        [] => containers::service(shared, req, account, store),
        [container] => containers::container(req, store, &container.to_ascii_lowercase()),
        [container, blob @ ..] => match store.get_mut(&container.to_ascii_lowercase()) {
            Some(c) => blobs::blob_op(req, c, &blob.join("/")),
            None => containers::not_found(),
        },
    }
}

/// Whether the request names the account in its path (`/<account>/...`) rather than in its host.
fn path_style(shared: &Shared, req: &Req) -> bool {
    let suffix = format!(".blob.{}.{}", shared.cfg.device_name, shared.cfg.dns_domain).to_ascii_lowercase();
    !req.hostname().ends_with(&suffix)
}

fn no_account(account: &str) -> Resp {
    error(404, "ResourceNotFound", &format!("The storage account '{account}' does not exist on this device."))
}

/// `comp` or `restype`, lower-case ("" when absent).
fn query_lower(req: &Req, name: &str) -> String {
    req.q(name).unwrap_or("").to_ascii_lowercase()
}

/// Find the blob a URI names on this device (`https://<account>.blob.<device>.<domain>/c/b` or path-style).
/// Returns None when the URI's account is not on this device.
pub fn lookup<'a>(shared_cfg: (&str, &str), st: &'a State, uri: &url::Url) -> Option<Result<&'a Blob, String>> {
    let host = uri.host_str()?.to_ascii_lowercase();
    let segs: Vec<String> = uri
        .path_segments()?
        .filter(|s| !s.is_empty())
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let suffix = format!(".blob.{}.{}", shared_cfg.0, shared_cfg.1).to_ascii_lowercase();
    let (account, rest) = if let Some(a) = host.strip_suffix(&suffix) {
        (a.to_string(), &segs[..])
    } else if let Some((a, rest)) = host.split_once(".blob.") {
        let _ = rest;
        (a.to_string(), &segs[..])
    } else if !segs.is_empty() {
        (segs[0].to_ascii_lowercase(), &segs[1..])
    } else {
        return None;
    };
    super::storage::find_account(st, &account)?;
    if rest.len() < 2 {
        return Some(Err(format!("'{uri}' does not name a blob in a container")));
    }
    let c = st.blobs.accounts.get(&account).and_then(|a| a.get(&rest[0].to_ascii_lowercase()));
    Some(c.and_then(|c| c.blobs.get(&rest[1..].join("/"))).ok_or_else(|| format!("the blob '{uri}' does not exist")))
}
