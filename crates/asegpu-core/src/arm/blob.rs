//! A minimal blob data-plane client, enough to upload a VHD as a page blob: create container, create page
//! blob, Put Page (update and clear), Get Page Ranges, get properties, get a blob range. Requests are
//! signed with Shared Key (HMAC-SHA256 over the canonical string, `x-ms-version` 2019-07-07), sent through
//! the same retrying transport as ARM calls ([`super::http::send_with_retry`]) and, for a device, with the
//! session's trust settings and host map. A plain `http://` endpoint with an explicit key also works
//! (Azurite: `http://127.0.0.1:10000/devstoreaccount1`).

use super::http::{self, HttpResponse, RetryPolicy};
use super::tls::{self, HostMap, TrustOptions};
use super::{versions, Session};
use crate::error::{Error, Result, Status};
use crate::progress::{CancelToken, Progress};
use base64::Engine;
use bytes::Bytes;
use reqwest::Method;
use std::collections::BTreeMap;
use std::time::Duration;
use zeroize::Zeroizing;

/// Largest Put Page body the service accepts.
pub const MAX_PUT_PAGE: u64 = 4 * 1024 * 1024;
/// Page blob granularity.
pub const PAGE: u64 = 512;

/// Azurite's (and the classic storage emulator's) well-known development account.
pub const DEVSTORE_ACCOUNT: &str = "devstoreaccount1";
/// Its well-known public key (documented by Microsoft; not a secret).
pub const DEVSTORE_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/// What a HEAD on a blob tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobProperties {
    pub size: u64,
    pub blob_type: String,
    pub etag: Option<String>,
    /// `x-ms-meta-*` headers, names without the prefix, lower case.
    pub metadata: BTreeMap<String, String>,
}

impl BlobProperties {
    pub fn is_page_blob(&self) -> bool {
        self.blob_type.eq_ignore_ascii_case("PageBlob")
    }
}

/// A client for one storage account's blob endpoint.
#[derive(Clone)]
pub struct BlobClient {
    http: reqwest::Client,
    /// Ends with `/`; container names are joined to it.
    endpoint: url::Url,
    account: String,
    key: std::sync::Arc<Zeroizing<Vec<u8>>>,
    retry: RetryPolicy,
}

impl std::fmt::Debug for BlobClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobClient")
            .field("endpoint", &self.endpoint.as_str())
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

fn parse_endpoint(endpoint: &str) -> Result<url::Url> {
    let mut s = endpoint.trim().to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    let u = url::Url::parse(&s).map_err(|e| Error::invalid(format!("blob endpoint '{endpoint}' is not a URL: {e}")))?;
    if !matches!(u.scheme(), "https" | "http") || u.host_str().is_none() {
        return Err(Error::invalid(format!("blob endpoint '{endpoint}' must be an http(s) URL with a host")));
    }
    Ok(u)
}

fn decode_key(key_b64: &str) -> Result<Zeroizing<Vec<u8>>> {
    base64::engine::general_purpose::STANDARD
        .decode(key_b64.trim())
        .map(Zeroizing::new)
        .map_err(|_| Error::invalid("the storage account key is not base64 (use key1 or key2 from listKeys)"))
}

/// `x-ms-date` form (RFC 1123, GMT).
fn http_date() -> String {
    chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

impl BlobClient {
    /// A client with its own transport: `trust` and `hosts` as for a session.
    pub fn new(
        endpoint: &str,
        account: &str,
        key_b64: &str,
        trust: &TrustOptions,
        hosts: &HostMap,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<BlobClient> {
        let endpoint = parse_endpoint(endpoint)?;
        let (http, _warning) = tls::build_client_with(trust, hosts, timeout, retry.connect_timeout())?;
        Ok(BlobClient {
            http,
            endpoint,
            account: account.to_string(),
            key: std::sync::Arc::new(decode_key(key_b64)?),
            retry,
        })
    }

    /// A client for an account on the session's device: same trust settings, host map and retry policy.
    pub fn for_session(session: &Session, endpoint: &str, account: &str, key_b64: &str) -> Result<BlobClient> {
        let o = session.options();
        // Uploading 4 MiB pages over a slow link needs more than an ARM call's timeout, never less.
        let timeout = Duration::from_secs(o.request_timeout_seconds.max(300));
        Self::new(endpoint, account, key_b64, &o.tls, &o.host_overrides()?, timeout, o.retry)
    }

    /// Azurite on loopback with the well-known development account, e.g. `http://127.0.0.1:10000/devstoreaccount1`.
    pub fn azurite(endpoint: &str) -> Result<BlobClient> {
        Self::new(
            endpoint,
            DEVSTORE_ACCOUNT,
            DEVSTORE_KEY,
            &TrustOptions::default(),
            &HostMap::default(),
            Duration::from_secs(300),
            RetryPolicy::default(),
        )
    }

    pub fn account(&self) -> &str {
        &self.account
    }
    pub fn endpoint(&self) -> &url::Url {
        &self.endpoint
    }

    /// The URL of a container (no blob) or a blob.
    pub fn url(&self, container: &str, blob: Option<&str>) -> Result<url::Url> {
        let mut u = self.endpoint.clone();
        {
            let mut segs = u.path_segments_mut().map_err(|_| Error::invalid("blob endpoint cannot be a base URL"))?;
            segs.pop_if_empty().push(container);
            if let Some(b) = blob {
                for part in b.split('/') {
                    segs.push(part);
                }
            }
        }
        Ok(u)
    }

    /// The string to sign for Shared Key (2009-09-19 and later).
    fn string_to_sign(
        &self,
        method: &Method,
        url: &url::Url,
        headers: &[(String, String)],
        content_length: usize,
        content_type: &str,
    ) -> String {
        let mut xms: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.split_whitespace().collect::<Vec<_>>().join(" ")))
            .filter(|(k, _)| k.starts_with("x-ms-"))
            .collect();
        xms.sort();
        let canon_headers: String = xms.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
        let mut params: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in url.query_pairs() {
            params.entry(k.to_ascii_lowercase()).or_default().push(v.into_owned());
        }
        let mut resource = format!("/{}{}", self.account, url.path());
        for (k, v) in params.iter_mut() {
            v.sort();
            resource.push_str(&format!("\n{k}:{}", v.join(",")));
        }
        let len = if content_length == 0 { String::new() } else { content_length.to_string() };
        // VERB, Content-Encoding, Content-Language, Content-Length, Content-MD5, Content-Type, Date,
        // If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since, Range.
        format!("{method}\n\n\n{len}\n\n{content_type}\n\n\n\n\n\n\n{canon_headers}{resource}")
    }

    /// One signed request with retries. Non-2xx answers become errors unless `ok_statuses` lists them.
    async fn send(
        &self,
        method: Method,
        url: url::Url,
        mut headers: Vec<(String, String)>,
        body: Option<Bytes>,
        ok_statuses: &[u16],
        cancel: &CancelToken,
    ) -> Result<HttpResponse> {
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let correlation_id = uuid::Uuid::new_v4().to_string();
        headers.push(("x-ms-date".into(), http_date()));
        headers.push(("x-ms-version".into(), versions::BLOB_DATA_PLANE.into()));
        // send_with_retry adds these; they are x-ms-* headers, so they are signed too.
        let mut signed = headers.clone();
        signed.push(("x-ms-client-request-id".into(), client_request_id.clone()));
        signed.push(("x-ms-correlation-request-id".into(), correlation_id.clone()));
        signed.push(("x-ms-return-client-request-id".into(), "true".into()));
        let content_type = if body.is_some() { "application/octet-stream" } else { "" };
        let sts = self.string_to_sign(&method, &url, &signed, body.as_ref().map_or(0, |b| b.len()), content_type);
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.key);
        let sig = base64::engine::general_purpose::STANDARD.encode(ring::hmac::sign(&key, sts.as_bytes()).as_ref());
        headers.push(("Authorization".into(), format!("SharedKey {}:{sig}", self.account)));
        let req = http::Request {
            method,
            url,
            bearer: None,
            body,
            content_type: "application/octet-stream",
            extra_headers: headers,
            client_request_id,
            correlation_id: correlation_id.clone(),
        };
        let resp = http::send_with_retry(&self.http, &self.retry, &req, &Progress::none(), cancel).await?;
        if resp.status.is_success() || ok_statuses.contains(&resp.status.as_u16()) {
            return Ok(resp);
        }
        Err(storage_error(&resp, &correlation_id, &req.method, &req.url))
    }

    /// Create a container (private). Returns false when it already existed.
    pub async fn create_container(&self, container: &str, cancel: &CancelToken) -> Result<bool> {
        validate_container_name(container)?;
        let mut url = self.url(container, None)?;
        url.query_pairs_mut().append_pair("restype", "container");
        let resp = self.send(Method::PUT, url, vec![], None, &[409], cancel).await?;
        if resp.status.as_u16() == 409 {
            let code = resp.header("x-ms-error-code").unwrap_or_default();
            if code.eq_ignore_ascii_case("ContainerAlreadyExists") || code.is_empty() {
                return Ok(false);
            }
            return Err(storage_error(&resp, "", &Method::PUT, &self.url(container, None)?));
        }
        Ok(true)
    }

    /// Create (or replace with an empty one) a page blob of `size` bytes (a multiple of 512).
    pub async fn create_page_blob(
        &self,
        container: &str,
        blob: &str,
        size: u64,
        metadata: &BTreeMap<String, String>,
        cancel: &CancelToken,
    ) -> Result<()> {
        if size % PAGE != 0 {
            return Err(Error::invalid(format!("a page blob's size must be a multiple of 512 bytes, not {size}")));
        }
        let mut headers = vec![
            ("x-ms-blob-type".to_string(), "PageBlob".to_string()),
            ("x-ms-blob-content-length".to_string(), size.to_string()),
            ("x-ms-blob-sequence-number".to_string(), "0".to_string()),
            ("x-ms-blob-content-type".to_string(), "application/octet-stream".to_string()),
        ];
        for (k, v) in metadata {
            headers.push((format!("x-ms-meta-{k}"), v.clone()));
        }
        self.send(Method::PUT, self.url(container, Some(blob))?, headers, None, &[], cancel).await?;
        Ok(())
    }

    /// Write `data` at `offset` (both 512-aligned, at most 4 MiB).
    pub async fn put_page(
        &self,
        container: &str,
        blob: &str,
        offset: u64,
        data: Bytes,
        cancel: &CancelToken,
    ) -> Result<()> {
        let len = data.len() as u64;
        if offset % PAGE != 0 || len % PAGE != 0 || len == 0 || len > MAX_PUT_PAGE {
            return Err(Error::invalid(format!(
                "Put Page needs a 512-aligned range of 512 B to 4 MiB (offset {offset}, length {len})"
            )));
        }
        let mut url = self.url(container, Some(blob))?;
        url.query_pairs_mut().append_pair("comp", "page");
        let headers = vec![
            ("x-ms-page-write".to_string(), "update".to_string()),
            ("x-ms-range".to_string(), format!("bytes={offset}-{}", offset + len - 1)),
        ];
        self.send(Method::PUT, url, headers, Some(data), &[], cancel).await?;
        Ok(())
    }

    /// Clear `[offset, offset + len)` (512-aligned): the pages read as zeros and leave the page ranges.
    pub async fn clear_pages(
        &self,
        container: &str,
        blob: &str,
        offset: u64,
        len: u64,
        cancel: &CancelToken,
    ) -> Result<()> {
        if offset % PAGE != 0 || len % PAGE != 0 || len == 0 {
            return Err(Error::invalid(format!(
                "Clear Page needs a 512-aligned range (offset {offset}, length {len})"
            )));
        }
        let mut url = self.url(container, Some(blob))?;
        url.query_pairs_mut().append_pair("comp", "page");
        let headers = vec![
            ("x-ms-page-write".to_string(), "clear".to_string()),
            ("x-ms-range".to_string(), format!("bytes={offset}-{}", offset + len - 1)),
        ];
        self.send(Method::PUT, url, headers, None, &[], cancel).await?;
        Ok(())
    }

    /// The written ranges of a page blob, as `[start, end)` byte ranges in order (adjacent ones merged),
    /// optionally limited to `[offset, offset + len)`.
    pub async fn get_page_ranges(
        &self,
        container: &str,
        blob: &str,
        window: Option<(u64, u64)>,
        cancel: &CancelToken,
    ) -> Result<Vec<(u64, u64)>> {
        let mut url = self.url(container, Some(blob))?;
        url.query_pairs_mut().append_pair("comp", "pagelist");
        let mut headers = vec![];
        if let Some((off, len)) = window {
            headers.push(("x-ms-range".to_string(), format!("bytes={off}-{}", off + len - 1)));
        }
        let resp = self.send(Method::GET, url, headers, None, &[], cancel).await?;
        parse_page_list(&resp.body)
    }

    /// Properties of a blob, or `None` when it does not exist.
    pub async fn get_properties(
        &self,
        container: &str,
        blob: &str,
        cancel: &CancelToken,
    ) -> Result<Option<BlobProperties>> {
        let resp = self.send(Method::HEAD, self.url(container, Some(blob))?, vec![], None, &[404], cancel).await?;
        if resp.status.as_u16() == 404 {
            return Ok(None);
        }
        let size = resp
            .header("content-length")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or_else(|| Error::new(Status::Protocol, "the blob service sent no Content-Length for the blob"))?;
        let metadata = resp
            .headers
            .iter()
            .filter_map(|(k, v)| {
                Some((k.as_str().strip_prefix("x-ms-meta-")?.to_string(), v.to_str().ok()?.to_string()))
            })
            .collect();
        Ok(Some(BlobProperties {
            size,
            blob_type: resp.header("x-ms-blob-type").unwrap_or_default().to_string(),
            etag: resp.header("etag").map(str::to_string),
            metadata,
        }))
    }

    /// Read `[offset, offset + len)` of a blob.
    pub async fn get_range(
        &self,
        container: &str,
        blob: &str,
        offset: u64,
        len: u64,
        cancel: &CancelToken,
    ) -> Result<Bytes> {
        if len == 0 {
            return Ok(Bytes::new());
        }
        let headers = vec![("x-ms-range".to_string(), format!("bytes={offset}-{}", offset + len - 1))];
        let resp = self.send(Method::GET, self.url(container, Some(blob))?, headers, None, &[], cancel).await?;
        if resp.body.len() as u64 != len {
            return Err(Error::new(
                Status::Protocol,
                format!("asked the blob service for {len} bytes at {offset} and got {}", resp.body.len()),
            ));
        }
        Ok(resp.body)
    }

    /// Delete a blob; true if it existed.
    pub async fn delete_blob(&self, container: &str, blob: &str, cancel: &CancelToken) -> Result<bool> {
        let resp = self.send(Method::DELETE, self.url(container, Some(blob))?, vec![], None, &[404], cancel).await?;
        Ok(resp.status.as_u16() != 404)
    }
}

/// Azure's container rule: 3-63 characters, lower-case letters, digits and single dashes, not at the ends.
pub fn validate_container_name(name: &str) -> Result<()> {
    let ok = (3..=63).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--");
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "container name '{name}' is not valid: use 3 to 63 lower-case letters, digits and single dashes"
        )))
    }
}

fn xml_tag<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let s = xml.find(&open)? + open.len();
    let e = xml[s..].find(&close)? + s;
    Some(&xml[s..e])
}

/// Parse a `PageList` document into merged `[start, end)` ranges.
pub fn parse_page_list(body: &[u8]) -> Result<Vec<(u64, u64)>> {
    let text = String::from_utf8_lossy(body);
    let mut out: Vec<(u64, u64)> = Vec::new();
    let mut rest: &str = &text;
    while let Some(i) = rest.find("<PageRange>") {
        let after = &rest[i + "<PageRange>".len()..];
        let end = after
            .find("</PageRange>")
            .ok_or_else(|| Error::new(Status::Protocol, "truncated PageList from the blob service"))?;
        let item = &after[..end];
        let num = |t: &str| -> Result<u64> {
            xml_tag(item, t).and_then(|v| v.trim().parse().ok()).ok_or_else(|| {
                Error::new(Status::Protocol, format!("PageRange without a numeric <{t}> from the blob service"))
            })
        };
        let (s, e) = (num("Start")?, num("End")? + 1);
        match out.last_mut() {
            Some(last) if last.1 >= s => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
        rest = &after[end..];
    }
    out.sort_unstable();
    Ok(out)
}

/// A storage error: the XML `<Code>`/`<Message>` (or `x-ms-error-code` for HEAD), plus a hint for the
/// usual causes.
fn storage_error(resp: &HttpResponse, correlation_id: &str, method: &Method, url: &url::Url) -> Error {
    let mut e = http::error_from_response(resp, correlation_id);
    let text = String::from_utf8_lossy(&resp.body);
    let code =
        resp.header("x-ms-error-code").map(str::to_string).or_else(|| xml_tag(&text, "Code").map(str::to_string));
    let message = xml_tag(&text, "Message").map(|m| m.lines().next().unwrap_or(m).trim().to_string());
    let hint = match code.as_deref() {
        Some("AuthenticationFailed") => {
            " (check the account key, and the client's clock: the service refuses requests more than 15 minutes off)"
        }
        Some("ContainerNotFound") => " (create the container first)",
        Some("InvalidPageRange") => " (page writes must be 512-byte aligned and inside the blob)",
        _ => "",
    };
    let what = format!("{method} {}", http::redact_url(url));
    e.message = match (message, &code) {
        (Some(m), _) => format!("{what}: {m}{hint}"),
        (None, Some(c)) => format!("{what}: the blob service answered HTTP {} {c}{hint}", resp.status.as_u16()),
        (None, None) => format!("{what}: {}", e.message),
    };
    if code.is_some() {
        e.arm_code = code;
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_list_parses_and_merges() {
        let xml = b"\xef\xbb\xbf<?xml version=\"1.0\"?><PageList><PageRange><Start>0</Start><End>511</End></PageRange><PageRange><Start>512</Start><End>1023</End></PageRange><PageRange><Start>4096</Start><End>8191</End></PageRange></PageList>";
        assert_eq!(parse_page_list(xml).unwrap(), vec![(0, 1024), (4096, 8192)]);
        assert_eq!(parse_page_list(b"<PageList />").unwrap(), vec![]);
    }

    #[test]
    fn signs_like_the_documented_example() {
        // Canonical resource for path-style endpoints includes the account twice, as the SDKs do.
        let c = BlobClient::azurite("http://127.0.0.1:10000/devstoreaccount1").unwrap();
        let mut url = c.url("vhds", Some("a b.vhd")).unwrap();
        url.query_pairs_mut().append_pair("comp", "page");
        assert_eq!(url.as_str(), "http://127.0.0.1:10000/devstoreaccount1/vhds/a%20b.vhd?comp=page");
        let sts = c.string_to_sign(
            &Method::PUT,
            &url,
            &[("x-ms-version".into(), "2019-07-07".into()), ("x-ms-date".into(), "d".into())],
            512,
            "application/octet-stream",
        );
        assert_eq!(
            sts,
            "PUT\n\n\n512\n\napplication/octet-stream\n\n\n\n\n\n\nx-ms-date:d\nx-ms-version:2019-07-07\n/devstoreaccount1/devstoreaccount1/vhds/a%20b.vhd\ncomp:page"
        );
    }

    #[test]
    fn container_names() {
        assert!(validate_container_name("vhds").is_ok());
        assert!(validate_container_name("my-vhds-1").is_ok());
        assert!(validate_container_name("Vhds").is_err());
        assert!(validate_container_name("a--b").is_err());
        assert!(validate_container_name("ab").is_err());
    }
}
