//! Operations on one blob: Put Blob (page or block), Put Page (update and clear), Get Page Ranges, Get Blob
//! (with ranges), Get and Set Blob Properties, Delete Blob.

use super::{error, hdr, new_etag, now_http, query_lower, range, resp, Blob, Container, Resp, GET_LIMIT, PAGE};
use crate::http::Req;
use hyper::Method;

fn not_found() -> Resp {
    error(404, "BlobNotFound", "The specified blob does not exist.")
}

fn missing_header(name: &str) -> Resp {
    error(
        400,
        "MissingRequiredHeader",
        &format!("An HTTP header that's mandatory for this request is not specified: {name}."),
    )
}

pub(super) fn blob_op(req: &Req, c: &mut Container, name: &str) -> Resp {
    match (req.method.clone(), query_lower(req, "comp").as_str()) {
        (Method::PUT, "") => put_blob(req, c, name),
        (Method::PUT, "page") => match c.blobs.get_mut(name) {
            Some(b) => put_page(req, b),
            None => not_found(),
        },
        (Method::GET, "pagelist") => c.blobs.get(name).map_or_else(not_found, |b| page_ranges(req, b)),
        (Method::HEAD, "") | (Method::GET, "properties") => c.blobs.get(name).map_or_else(not_found, |b| {
            hdr(blob_headers(resp(200, Vec::new()), b), "content-length", &b.size.to_string())
        }),
        (Method::GET, "") => c.blobs.get(name).map_or_else(not_found, |b| get_blob(req, b)),
        (Method::DELETE, "") => match c.blobs.remove(name) {
            Some(_) => resp(202, Vec::new()),
            None => not_found(),
        },
        (Method::PUT, "properties") | (Method::PUT, "metadata") => match c.blobs.get_mut(name) {
            Some(b) => set_properties(req, b),
            None => not_found(),
        },
        _ => error(
            400,
            "UnsupportedHttpVerb",
            "The resource doesn't support the specified HTTP verb or operation on this device.",
        ),
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

/// Put Blob: an empty page blob of `x-ms-blob-content-length` bytes, or a block blob holding the body.
fn put_blob(req: &Req, c: &mut Container, name: &str) -> Resp {
    let kind = req.header("x-ms-blob-type").unwrap_or("");
    let content_type =
        req.header("x-ms-blob-content-type").or(req.header("content-type")).unwrap_or("application/octet-stream");
    let b = if kind.eq_ignore_ascii_case("PageBlob") {
        let Some(size) = req.header("x-ms-blob-content-length").and_then(|s| s.parse::<u64>().ok()) else {
            return missing_header("x-ms-blob-content-length");
        };
        if size % PAGE != 0 {
            return error(
                400,
                "InvalidHeaderValue",
                "The value for x-ms-blob-content-length must be a multiple of 512.",
            );
        }
        Blob { page_blob: true, size, ..Default::default() }
    } else if kind.eq_ignore_ascii_case("BlockBlob") {
        Blob { page_blob: false, size: req.body.len() as u64, data: req.body.to_vec(), ..Default::default() }
    } else {
        return error(400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format: x-ms-blob-type (PageBlob or BlockBlob).");
    };
    let b = Blob { content_type: content_type.to_string(), etag: new_etag(), last_modified: now_http(), ..b };
    let r = blob_headers(resp(201, Vec::new()), &b);
    let r = hdr(r, "x-ms-request-server-encrypted", "true");
    c.blobs.insert(name.to_string(), b);
    r
}

/// Put Page: write (`update`) or zero (`clear`) 512-byte aligned pages inside the blob.
fn put_page(req: &Req, b: &mut Blob) -> Resp {
    if !b.page_blob {
        return error(409, "InvalidBlobType", "The blob type is invalid for this operation.");
    }
    let Some((start, Some(end))) = range(req) else { return missing_header("x-ms-range") };
    if start % PAGE != 0 || (end + 1) % PAGE != 0 || end < start {
        return error(416, "InvalidPageRange", "The page range specified is invalid: it must be 512-byte aligned.");
    }
    if end >= b.size {
        return error(416, "InvalidPageRange", "The page range specified is invalid: it is beyond the blob size.");
    }
    let (first, last) = (start / PAGE, end / PAGE);
    if req.header("x-ms-page-write").unwrap_or("update").eq_ignore_ascii_case("clear") {
        let keys: Vec<u64> = b.pages.range(first..=last).map(|(k, _)| *k).collect();
        for k in keys {
            b.pages.remove(&k);
        }
    } else {
        if req.body.len() as u64 != end - start + 1 {
            return error(400, "InvalidHeaderValue", "The length of the body does not match the range.");
        }
        write_pages(b, first, &req.body);
    }
    b.touch(first, last);
    b.etag = new_etag();
    b.last_modified = now_http();
    let r = hdr(resp(201, Vec::new()), "etag", &b.etag);
    let r = hdr(r, "last-modified", &b.last_modified);
    hdr(r, "x-ms-blob-sequence-number", &b.sequence_number.to_string())
}

/// Store `data` from page `first` on; pages of zeros are not kept (the blob stays sparse).
fn write_pages(b: &mut Blob, first: u64, data: &[u8]) {
    for (i, chunk) in data.chunks(PAGE as usize).enumerate() {
        let p = first + i as u64;
        if chunk.iter().all(|x| *x == 0) {
            b.pages.remove(&p);
        } else {
            b.pages.insert(p, chunk.to_vec());
        }
    }
}

/// Get Page Ranges: the written ranges, merged, within the requested range.
fn page_ranges(req: &Req, b: &Blob) -> Resp {
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
        .map(|(s, e)| format!("<PageRange><Start>{}</Start><End>{}</End></PageRange>", s * PAGE, (e + 1) * PAGE - 1))
        .collect();
    let body = format!("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><PageList>{items}</PageList>");
    let r = blob_headers(resp(200, body.into_bytes()), b);
    let r = hdr(r, "content-type", "application/xml");
    hdr(r, "x-ms-blob-content-length", &b.size.to_string())
}

/// Get Blob, whole or a range, at most [`GET_LIMIT`] bytes per answer.
fn get_blob(req: &Req, b: &Blob) -> Resp {
    match range(req) {
        Some((s, _)) if s >= b.size => {
            error(416, "InvalidRange", "The range specified is invalid for the current size of the resource.")
        }
        Some((s, e)) => {
            let e = e.unwrap_or(b.size - 1).min(b.size - 1);
            if e >= s && e - s + 1 > GET_LIMIT {
                return super::too_much_to_read(e - s + 1);
            }
            let r = blob_headers(resp(206, b.read(s, e + 1)), b);
            hdr(r, "content-range", &format!("bytes {s}-{e}/{}", b.size))
        }
        None if b.size > GET_LIMIT => super::too_much_to_read(b.size),
        None => blob_headers(resp(200, b.read(0, b.size)), b),
    }
}

/// Set Blob Properties / Metadata: the content type, and a page blob's size (pages past it are dropped).
fn set_properties(req: &Req, b: &mut Blob) -> Resp {
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
