//! The blob service and its containers: list containers, service properties, and container create, get,
//! delete and list blobs.

use super::{error, hdr, new_etag, now_http, query_lower, resp, xml_escape, Container, Resp};
use crate::http::Req;
use crate::server::Shared;
use hyper::Method;
use std::collections::BTreeMap;

type Containers = BTreeMap<String, Container>;

pub(super) fn not_found() -> Resp {
    error(404, "ContainerNotFound", "The specified container does not exist.")
}

fn bad_query() -> Resp {
    error(
        400,
        "InvalidQueryParameterValue",
        "Value for one of the query parameters specified in the request URI is invalid.",
    )
}

/// A request on the account itself: List Containers, or the service/account properties.
pub(super) fn service(shared: &Shared, req: &Req, account: &str, store: &Containers) -> Resp {
    if query_lower(req, "comp") == "list" {
        let items: String = store
            .iter()
            .map(|(n, c)| format!("<Container><Name>{}</Name><Properties><Last-Modified>{}</Last-Modified><Etag>{}</Etag></Properties></Container>", xml_escape(n), c.last_modified, c.etag))
            .collect();
        let body = format!("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"{}\"><Containers>{items}</Containers><NextMarker /></EnumerationResults>", crate::storage::blob_endpoint(shared, account));
        return hdr(resp(200, body.into_bytes()), "content-type", "application/xml");
    }
    if matches!(query_lower(req, "restype").as_str(), "service" | "account") {
        let r = hdr(resp(200, Vec::new()), "x-ms-sku-name", "Standard_LRS");
        return hdr(r, "x-ms-account-kind", "Storage");
    }
    bad_query()
}

/// A request on one container (`name` lower-case).
pub(super) fn container(req: &Req, store: &mut Containers, name: &str) -> Resp {
    let (restype, comp) = (query_lower(req, "restype"), query_lower(req, "comp"));
    match (req.method.clone(), restype.as_str(), comp.as_str()) {
        (Method::PUT, "container", "") => create(store, name),
        (Method::GET | Method::HEAD, "container", "") => match store.get(name) {
            Some(c) => hdr(hdr(resp(200, Vec::new()), "etag", &c.etag), "last-modified", &c.last_modified),
            None => not_found(),
        },
        (Method::DELETE, "container", "") => match store.remove(name) {
            Some(_) => resp(202, Vec::new()),
            None => not_found(),
        },
        (Method::GET, "container", "list") => match store.get(name) {
            Some(c) => list_blobs(c, name, req.q("prefix").unwrap_or("")),
            None => not_found(),
        },
        (_, "container", _) => resp(200, Vec::new()),
        _ => bad_query(),
    }
}

/// Create Container: 3 to 63 lower-case letters, digits and dashes.
fn create(store: &mut Containers, name: &str) -> Resp {
    if store.contains_key(name) {
        return error(409, "ContainerAlreadyExists", "The specified container already exists.");
    }
    if !(3..=63).contains(&name.len())
        || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return error(400, "InvalidResourceName", "The specifed resource name contains invalid characters.");
    }
    let c = Container { blobs: BTreeMap::new(), etag: new_etag(), last_modified: now_http() };
    let r = hdr(resp(201, Vec::new()), "etag", &c.etag);
    let r = hdr(r, "last-modified", &c.last_modified);
    store.insert(name.to_string(), c);
    r
}

/// List Blobs, those whose names start with `prefix`.
fn list_blobs(c: &Container, name: &str, prefix: &str) -> Resp {
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
    let body = format!("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ContainerName=\"{}\"><Blobs>{items}</Blobs><NextMarker /></EnumerationResults>", xml_escape(name));
    hdr(resp(200, body.into_bytes()), "content-type", "application/xml")
}
