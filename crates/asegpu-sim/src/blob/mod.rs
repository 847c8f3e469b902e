//! The device's blob endpoint, enough for a VHD upload: containers, page blobs (create, Put Page update and
//! clear, Get Page Ranges, properties, Get Blob with ranges), small block blobs, Shared Key and SAS
//! authentication. Served at `https://<account>.blob.<device>.<domain>[:port]/...` and, like Azurite,
//! path-style at `https://127.0.0.1:<port>/<account>/...`. Data lives in memory (sparse 512-byte pages),
//! persisted next to the state file when one is configured ([`super::blob_persist`]).

use super::http::Req;
use super::server::Shared;
use super::state::State;
use base64::Engine;
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

/// Verify Shared Key or SAS; the account keys come from the storage account resource.
fn authorize(req: &Req, account: &str, keys: &[String], path_style: bool) -> Result<(), Resp> {
    let fail = |m: &str| {
        Err(error(
            403,
            "AuthenticationFailed",
            &format!("Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature. {m}"),
        ))
    };
    let decoded: Vec<Vec<u8>> =
        keys.iter().filter_map(|k| base64::engine::general_purpose::STANDARD.decode(k).ok()).collect();
    let sign = |key: &[u8], s: &str| {
        let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
        base64::engine::general_purpose::STANDARD.encode(ring::hmac::sign(&k, s.as_bytes()).as_ref())
    };
    if let Some(auth) = req.header("authorization") {
        let Some(rest) = auth.strip_prefix("SharedKey ") else { return fail("Only SharedKey and SAS are supported.") };
        let Some((acct, sig)) = rest.trim().split_once(':') else { return fail("Malformed SharedKey header.") };
        if !acct.eq_ignore_ascii_case(account) {
            return fail("The account in the Authorization header does not match.");
        }
        let resources = canonical_resources(req, account, path_style);
        for r in &resources {
            let sts = shared_key_string(req, r);
            if decoded.iter().any(|k| sign(k, &sts) == sig) {
                return Ok(());
            }
        }
        let sts = shared_key_string(req, &resources[0]);
        return fail(&format!("The MAC signature found in the HTTP request '{sig}' is not the same as any computed signature. Server used following string to sign: '{}'.", sts.replace('\n', "\\n")));
    }
    if let Some(sig) = req.q("sig") {
        let q = |k: &str| req.q(k).unwrap_or("").to_string();
        if let Ok(exp) = chrono::DateTime::parse_from_rfc3339(&q("se")) {
            if exp < chrono::Utc::now() {
                return fail("Signed expiry time has passed.");
            }
        }
        let mut candidates = Vec::new();
        if req.q("ss").is_some() {
            // Account SAS.
            let base = format!(
                "{account}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
                q("sp"),
                q("ss"),
                q("srt"),
                q("st"),
                q("se"),
                q("sip"),
                q("spr"),
                q("sv")
            );
            candidates.push(base.clone());
            candidates.push(format!("{base}{}\n", q("ses")));
        } else {
            // Service SAS on a container or blob.
            let segs = blob_segments(req, path_style);
            let mut cr = format!("/blob/{account}");
            let n = if q("sr") == "c" { 1 } else { segs.len() };
            for s in segs.iter().take(n) {
                cr.push('/');
                cr.push_str(s);
            }
            let tail = format!("{}\n{}\n{}\n{}\n{}", q("rscc"), q("rscd"), q("rsce"), q("rscl"), q("rsct"));
            let head = format!(
                "{}\n{}\n{}\n{cr}\n{}\n{}\n{}\n{}\n{}",
                q("sp"),
                q("st"),
                q("se"),
                q("si"),
                q("sip"),
                q("spr"),
                q("sv"),
                q("sr")
            );
            candidates.push(format!("{head}\n{}\n{tail}", q("sst")));
            candidates.push(format!("{head}\n{}\n{}\n{tail}", q("sst"), q("ses")));
            candidates.push(format!(
                "{}\n{}\n{}\n{cr}\n{}\n{}\n{}\n{}\n{tail}",
                q("sp"),
                q("st"),
                q("se"),
                q("si"),
                q("sip"),
                q("spr"),
                q("sv")
            ));
        }
        if candidates.iter().any(|c| decoded.iter().any(|k| sign(k, c) == sig)) {
            return Ok(());
        }
        return fail("Signature did not match.");
    }
    Err(error(
        403,
        "AuthenticationFailed",
        "Server failed to authenticate the request: no Authorization header and no SAS signature.",
    ))
}

/// The Shared Key signature (base64 HMAC-SHA256) a client sends for `req` with the account key `key`
/// (`Authorization: SharedKey <account>:<signature>`): for tests and the fuzz targets, which sign the
/// requests they send.
pub fn shared_key_signature(req: &Req, account: &str, key: &[u8], path_style: bool) -> String {
    let resource = &canonical_resources(req, account, path_style)[0];
    let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    base64::engine::general_purpose::STANDARD
        .encode(ring::hmac::sign(&k, shared_key_string(req, resource).as_bytes()).as_ref())
}

fn blob_segments(req: &Req, path_style: bool) -> Vec<String> {
    let raw: Vec<String> = req.path.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect();
    if path_style {
        raw[1.min(raw.len())..].to_vec()
    } else {
        raw
    }
}

/// Canonicalized resources to try: `/<account><path>` (path-style SDKs include the account twice).
fn canonical_resources(req: &Req, account: &str, path_style: bool) -> Vec<String> {
    let mut params: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in &req.query {
        params.entry(k.to_ascii_lowercase()).or_default().push(v.clone());
    }
    let q: String = params
        .iter_mut()
        .map(|(k, v)| {
            v.sort();
            format!("\n{k}:{}", v.join(","))
        })
        .collect();
    let path = if req.path.is_empty() { "/".to_string() } else { req.path.clone() };
    let mut out = vec![format!("/{account}{path}{q}")];
    if path_style {
        let stripped = blob_segments(req, true).join("/");
        out.push(format!("/{account}/{stripped}{q}"));
    }
    out
}

fn shared_key_string(req: &Req, resource: &str) -> String {
    let h = |n: &str| req.header(n).unwrap_or("").to_string();
    let len = h("content-length");
    let len = if len == "0" { String::new() } else { len };
    let date = if req.header("x-ms-date").is_some() { String::new() } else { h("date") };
    let mut xms: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(k, _)| k.as_str().starts_with("x-ms-"))
        .map(|(k, v)| {
            (k.as_str().to_string(), v.to_str().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect();
    xms.sort();
    let canon: String = xms.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    format!(
        "{}\n{}\n{}\n{len}\n{}\n{}\n{date}\n{}\n{}\n{}\n{}\n{}\n{canon}{resource}",
        req.method,
        h("content-encoding"),
        h("content-language"),
        h("content-md5"),
        h("content-type"),
        h("if-modified-since"),
        h("if-match"),
        h("if-none-match"),
        h("if-unmodified-since"),
        h("range")
    )
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
    let path_style = !req
        .hostname()
        .ends_with(&format!(".blob.{}.{}", shared.cfg.device_name, shared.cfg.dns_domain).to_ascii_lowercase());
    let keys = {
        let st = shared.state.lock().unwrap_or_else(|p| p.into_inner());
        let Some(acct) = super::storage::find_account(&st, account) else {
            return Err(error(
                404,
                "ResourceNotFound",
                &format!("The storage account '{account}' does not exist on this device."),
            ));
        };
        super::storage::account_keys(acct)
    };
    check_version(req)?;
    authorize(req, account, &keys, path_style)?;
    let comp = req.q("comp").unwrap_or("").to_ascii_lowercase();
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

pub fn handle(shared: &Shared, req: &Req, account: &str, segs: &[String]) -> Resp {
    let path_style = !req
        .hostname()
        .ends_with(&format!(".blob.{}.{}", shared.cfg.device_name, shared.cfg.dns_domain).to_ascii_lowercase());
    let mut st = shared.state.lock().unwrap_or_else(|p| p.into_inner());
    let Some(acct) = super::storage::find_account(&st, account) else {
        return error(
            404,
            "ResourceNotFound",
            &format!("The storage account '{account}' does not exist on this device."),
        );
    };
    if let Err(r) = check_version(req) {
        return r;
    }
    let keys = super::storage::account_keys(acct);
    if let Err(r) = authorize(req, account, &keys, path_style) {
        return r;
    }
    let store = st.blobs.accounts.entry(account.to_ascii_lowercase()).or_default();
    let restype = req.q("restype").unwrap_or("").to_ascii_lowercase();
    let comp = req.q("comp").unwrap_or("").to_ascii_lowercase();
    let m = req.method.clone();
    match segs.len() {
        0 => {
            if comp == "list" {
                let items: String = store
                    .iter()
                    .map(|(n, c)| format!("<Container><Name>{}</Name><Properties><Last-Modified>{}</Last-Modified><Etag>{}</Etag></Properties></Container>", xml_escape(n), c.last_modified, c.etag))
                    .collect();
                let body = format!("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"{}\"><Containers>{items}</Containers><NextMarker /></EnumerationResults>", super::storage::blob_endpoint(shared, account));
                return hdr(resp(200, body.into_bytes()), "content-type", "application/xml");
            }
            if restype == "service" || restype == "account" {
                let r = hdr(resp(200, Vec::new()), "x-ms-sku-name", "Standard_LRS");
                return hdr(r, "x-ms-account-kind", "Storage");
            }
            error(
                400,
                "InvalidQueryParameterValue",
                "Value for one of the query parameters specified in the request URI is invalid.",
            )
        }
        1 => {
            let name = segs[0].to_ascii_lowercase();
            match (m, restype.as_str(), comp.as_str()) {
                (Method::PUT, "container", "") => {
                    if store.contains_key(&name) {
                        return error(409, "ContainerAlreadyExists", "The specified container already exists.");
                    }
                    if !(3..=63).contains(&name.len())
                        || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    {
                        return error(
                            400,
                            "InvalidResourceName",
                            "The specifed resource name contains invalid characters.",
                        );
                    }
                    let c = Container { blobs: BTreeMap::new(), etag: new_etag(), last_modified: now_http() };
                    let r = hdr(resp(201, Vec::new()), "etag", &c.etag);
                    let r = hdr(r, "last-modified", &c.last_modified);
                    store.insert(name, c);
                    r
                }
                (Method::GET | Method::HEAD, "container", "") => match store.get(&name) {
                    Some(c) => hdr(hdr(resp(200, Vec::new()), "etag", &c.etag), "last-modified", &c.last_modified),
                    None => error(404, "ContainerNotFound", "The specified container does not exist."),
                },
                (Method::DELETE, "container", "") => match store.remove(&name) {
                    Some(_) => resp(202, Vec::new()),
                    None => error(404, "ContainerNotFound", "The specified container does not exist."),
                },
                (Method::GET, "container", "list") => match store.get(&name) {
                    Some(c) => {
                        let prefix = req.q("prefix").unwrap_or("");
                        let items: String = c
                            .blobs
                            .iter()
                            .filter(|(n, _)| n.starts_with(prefix))
                            .map(|(n, b)| {
                                format!(
                                    "<Blob><Name>{}</Name><Properties><Last-Modified>{}</Last-Modified><Etag>{}</Etag><Content-Length>{}</Content-Length><Content-Type>{}</Content-Type><BlobType>{}</BlobType></Properties></Blob>",
                                    xml_escape(n), b.last_modified, b.etag, b.size, xml_escape(&b.content_type), if b.page_blob { "PageBlob" } else { "BlockBlob" }
                                )
                            })
                            .collect();
                        let body = format!("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ContainerName=\"{}\"><Blobs>{items}</Blobs><NextMarker /></EnumerationResults>", xml_escape(&name));
                        hdr(resp(200, body.into_bytes()), "content-type", "application/xml")
                    }
                    None => error(404, "ContainerNotFound", "The specified container does not exist."),
                },
                (_, "container", _) => resp(200, Vec::new()),
                _ => error(
                    400,
                    "InvalidQueryParameterValue",
                    "Value for one of the query parameters specified in the request URI is invalid.",
                ),
            }
        }
        _ => {
            let cname = segs[0].to_ascii_lowercase();
            let bname = segs[1..].join("/");
            let Some(container) = store.get_mut(&cname) else {
                return error(404, "ContainerNotFound", "The specified container does not exist.");
            };
            blob_op(req, container, &bname, &comp)
        }
    }
}

fn blob_headers(r: Resp, b: &Blob) -> Resp {
    let r = hdr(r, "etag", &b.etag);
    let r = hdr(r, "last-modified", &b.last_modified);
    let r = hdr(r, "x-ms-blob-type", if b.page_blob { "PageBlob" } else { "BlockBlob" });
    let r =
        hdr(r, "content-type", if b.content_type.is_empty() { "application/octet-stream" } else { &b.content_type });
    let r = hdr(r, "accept-ranges", "bytes");
    if b.page_blob {
        hdr(r, "x-ms-blob-sequence-number", &b.sequence_number.to_string())
    } else {
        r
    }
}

fn blob_op(req: &Req, c: &mut Container, name: &str, comp: &str) -> Resp {
    let not_found = || error(404, "BlobNotFound", "The specified blob does not exist.");
    match (req.method.clone(), comp) {
        (Method::PUT, "") => {
            let kind = req.header("x-ms-blob-type").unwrap_or("");
            let content_type = req
                .header("x-ms-blob-content-type")
                .or(req.header("content-type"))
                .unwrap_or("application/octet-stream")
                .to_string();
            let b = if kind.eq_ignore_ascii_case("PageBlob") {
                let Some(size) = req.header("x-ms-blob-content-length").and_then(|s| s.parse::<u64>().ok()) else {
                    return error(
                        400,
                        "MissingRequiredHeader",
                        "An HTTP header that's mandatory for this request is not specified: x-ms-blob-content-length.",
                    );
                };
                if size % PAGE != 0 {
                    return error(
                        400,
                        "InvalidHeaderValue",
                        "The value for x-ms-blob-content-length must be a multiple of 512.",
                    );
                }
                Blob { page_blob: true, size, content_type, ..Default::default() }
            } else if kind.eq_ignore_ascii_case("BlockBlob") {
                Blob {
                    page_blob: false,
                    size: req.body.len() as u64,
                    data: req.body.to_vec(),
                    content_type,
                    ..Default::default()
                }
            } else {
                return error(400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format: x-ms-blob-type (PageBlob or BlockBlob).");
            };
            let b = Blob { etag: new_etag(), last_modified: now_http(), ..b };
            let r = blob_headers(resp(201, Vec::new()), &b);
            let r = hdr(r, "x-ms-request-server-encrypted", "true");
            c.blobs.insert(name.to_string(), b);
            r
        }
        (Method::PUT, "page") => {
            let Some(b) = c.blobs.get_mut(name) else { return not_found() };
            if !b.page_blob {
                return error(409, "InvalidBlobType", "The blob type is invalid for this operation.");
            }
            let Some((start, Some(end))) = range(req) else {
                return error(
                    400,
                    "MissingRequiredHeader",
                    "An HTTP header that's mandatory for this request is not specified: x-ms-range.",
                );
            };
            if start % PAGE != 0 || (end + 1) % PAGE != 0 || end < start {
                return error(
                    416,
                    "InvalidPageRange",
                    "The page range specified is invalid: it must be 512-byte aligned.",
                );
            }
            if end >= b.size {
                return error(
                    416,
                    "InvalidPageRange",
                    "The page range specified is invalid: it is beyond the blob size.",
                );
            }
            let write = req.header("x-ms-page-write").unwrap_or("update").to_ascii_lowercase();
            let (first, last) = (start / PAGE, end / PAGE);
            if write == "clear" {
                let keys: Vec<u64> = b.pages.range(first..=last).map(|(k, _)| *k).collect();
                for k in keys {
                    b.pages.remove(&k);
                }
            } else {
                if req.body.len() as u64 != end - start + 1 {
                    return error(400, "InvalidHeaderValue", "The length of the body does not match the range.");
                }
                for (i, chunk) in req.body.chunks(PAGE as usize).enumerate() {
                    let p = first + i as u64;
                    if chunk.iter().all(|x| *x == 0) {
                        b.pages.remove(&p);
                    } else {
                        b.pages.insert(p, chunk.to_vec());
                    }
                }
            }
            b.touch(first, last);
            b.etag = new_etag();
            b.last_modified = now_http();
            let r = hdr(resp(201, Vec::new()), "etag", &b.etag);
            let r = hdr(r, "last-modified", &b.last_modified);
            hdr(r, "x-ms-blob-sequence-number", &b.sequence_number.to_string())
        }
        (Method::GET, "pagelist") => {
            let Some(b) = c.blobs.get(name) else { return not_found() };
            let (lo, hi) = match range(req) {
                Some((s, e)) => (s / PAGE, e.map(|e| e / PAGE).unwrap_or(u64::MAX)),
                None => (0, u64::MAX),
            };
            let mut ranges: Vec<(u64, u64)> = Vec::new();
            for (&p, _) in b.pages.range(lo..=hi) {
                match ranges.last_mut() {
                    Some(last) if last.1 + 1 == p => last.1 = p,
                    _ => ranges.push((p, p)),
                }
            }
            let items: String = ranges
                .iter()
                .map(|(s, e)| {
                    format!("<PageRange><Start>{}</Start><End>{}</End></PageRange>", s * PAGE, (e + 1) * PAGE - 1)
                })
                .collect();
            let body = format!("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><PageList>{items}</PageList>");
            let r = blob_headers(resp(200, body.into_bytes()), b);
            let r = hdr(r, "content-type", "application/xml");
            hdr(r, "x-ms-blob-content-length", &b.size.to_string())
        }
        (Method::HEAD, "") | (Method::GET, "properties") => {
            let Some(b) = c.blobs.get(name) else { return not_found() };
            let r = blob_headers(resp(200, Vec::new()), b);
            hdr(r, "content-length", &b.size.to_string())
        }
        (Method::GET, "") => {
            let Some(b) = c.blobs.get(name) else { return not_found() };
            match range(req) {
                Some((s, e)) => {
                    if s >= b.size {
                        return error(
                            416,
                            "InvalidRange",
                            "The range specified is invalid for the current size of the resource.",
                        );
                    }
                    let e = e.unwrap_or(b.size - 1).min(b.size - 1);
                    if e >= s && e - s + 1 > GET_LIMIT {
                        return too_much_to_read(e - s + 1);
                    }
                    let r = blob_headers(resp(206, b.read(s, e + 1)), b);
                    hdr(r, "content-range", &format!("bytes {s}-{e}/{}", b.size))
                }
                None if b.size > GET_LIMIT => too_much_to_read(b.size),
                None => blob_headers(resp(200, b.read(0, b.size)), b),
            }
        }
        (Method::DELETE, "") => match c.blobs.remove(name) {
            Some(_) => resp(202, Vec::new()),
            None => not_found(),
        },
        (Method::PUT, "properties") | (Method::PUT, "metadata") => {
            let Some(b) = c.blobs.get_mut(name) else { return not_found() };
            if let Some(ct) = req.header("x-ms-blob-content-type") {
                b.content_type = ct.to_string();
            }
            if let Some(size) = req.header("x-ms-blob-content-length").and_then(|s| s.parse::<u64>().ok()) {
                if b.page_blob && size % PAGE == 0 {
                    b.size = size;
                    let last = size / PAGE;
                    b.pages.retain(|p, _| *p < last);
                }
            }
            b.etag = new_etag();
            b.persisted = false;
            blob_headers(resp(200, Vec::new()), b)
        }
        _ => error(
            400,
            "UnsupportedHttpVerb",
            "The resource doesn't support the specified HTTP verb or operation on this device.",
        ),
    }
}

/// Why a page blob cannot be the source of an image or a managed disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VhdProblem {
    /// The blob's last 512 bytes are not a valid fixed-disk VHD footer for a blob of its size; the text
    /// says why (e.g. they were never written: an interrupted upload).
    Footer(String),
    /// Anything else (not a page blob, dynamic or differencing VHD, size, Generation 2), as a sentence.
    Other(String),
}

/// One's complement of the byte sum of a VHD footer, its checksum field (bytes 64-67) counted as zero
/// (the VHD specification's checksum).
fn footer_checksum(f: &[u8]) -> u32 {
    let sum = f.iter().enumerate().filter(|(i, _)| !(64..68).contains(i)).map(|(_, b)| u32::from(*b)).sum::<u32>();
    !sum
}

/// The check the device makes when an image or a managed disk (`createOption: Import`) is created from a
/// page blob: the blob's last 512 bytes must hold a valid fixed-disk VHD footer for a disk of the blob's
/// size, 1 MiB aligned, of a Generation 1 disk unless `gen2_ok`. Returns the disk's size.
///
/// What the device does (the decision this emulates): it reads the VHD footer from the end of the blob.
/// A VHD uploaded by AzCopy, Storage Explorer, `az storage blob upload` or Add-AzVhd arrives in order, so an
/// upload interrupted before its last pages leaves the footer's 512 bytes unwritten: zeros. Image or disk
/// creation from such a blob fails with the error Azure's compute provider gives for a blob without a
/// valid footer: "The specified cookie value in VHD footer indicates that disk '<name>' with blob <uri> is
/// not a supported VHD. Disk is expected to have cookie value 'conectix'." (code `InvalidVhd`; Microsoft's
/// troubleshooting article "VHD is not supported when you create a virtual machine in Azure" lists a
/// damaged or misaligned VHD among its causes, and Azure Storage Explorer reports the same error when
/// AzCopy quit in the middle of a disk upload). A footer whose checksum is wrong (damaged), or that does
/// not describe a disk of the blob's size, is no valid footer either. A virtual size that is not a whole
/// number of MiB gets Azure's "has an unsupported virtual size of N bytes. The size must be a whole number
/// (in MBs)." What the footer cannot show is data pages missing before it (an uploader that wrote the
/// footer first, as asegpu does to make resuming safe): the device accepts such a blob, and so does this.
pub fn check_vhd(b: &Blob, gen2_ok: bool) -> Result<u64, VhdProblem> {
    if !b.page_blob {
        return Err(VhdProblem::Other("the VHD must be uploaded as a page blob".into()));
    }
    if b.size < 2 * PAGE || b.size % PAGE != 0 {
        return Err(VhdProblem::Other(format!(
            "the blob size {} is not a disk plus a 512-byte footer in whole 512-byte sectors",
            b.size
        )));
    }
    let last = b.size / PAGE - 1;
    let footer = b.read(b.size - PAGE, b.size);
    if &footer[0..8] != b"conectix" {
        let written = b.pages.len();
        return Err(VhdProblem::Footer(if !b.pages.contains_key(&last) && written > 0 {
            format!(
                "the blob's last 512 bytes, where a VHD keeps its footer, were never written although {written} other \
                 page(s) were: the upload did not finish; upload the VHD again (asegpu resumes an interrupted upload)"
            )
        } else if written == 0 {
            "nothing was ever written to the blob: the upload did not start or did not finish".into()
        } else {
            "the blob's last 512 bytes are not a VHD footer: the image must be a fixed-size VHD, not VHDX, qcow2 or a raw disk".into()
        }));
    }
    let stored = u32::from_be_bytes(footer[64..68].try_into().expect("4 bytes"));
    let computed = footer_checksum(&footer);
    if stored != computed {
        return Err(VhdProblem::Footer(format!(
            "the VHD footer's checksum is wrong (stored {stored:#010x}, computed {computed:#010x}): the footer is damaged"
        )));
    }
    let disk_type = u32::from_be_bytes(footer[60..64].try_into().expect("4 bytes"));
    if disk_type != 2 {
        let kind = match disk_type {
            3 => "dynamic",
            4 => "differencing",
            _ => "unknown",
        };
        return Err(VhdProblem::Other(format!("the VHD is {kind} (disk type {disk_type}); only fixed-size VHDs are supported. Convert it with Convert-VHD -VHDType Fixed")));
    }
    let current = u64::from_be_bytes(footer[48..56].try_into().expect("8 bytes"));
    if current != b.size - PAGE {
        return Err(VhdProblem::Footer(format!(
            "the VHD footer says the disk is {current} bytes but the blob holds {} bytes of disk: the blob was resized, or holds another VHD's footer",
            b.size - PAGE
        )));
    }
    if current % (1 << 20) != 0 {
        return Err(VhdProblem::Other(format!(
            "the VHD has an unsupported virtual size of {current} bytes. The size must be a whole number (in MBs)"
        )));
    }
    let mbr = b.read(0, PAGE);
    if !gen2_ok && mbr[510] == 0x55 && mbr[511] == 0xAA && mbr[446 + 4] == 0xEE {
        return Err(VhdProblem::Other(
            "the disk is GPT-partitioned (a Generation 2 VM disk); only Generation 1 VHDs are supported".into(),
        ));
    }
    Ok(current)
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
