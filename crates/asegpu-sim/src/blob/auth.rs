//! Shared Key and SAS authentication of blob requests, as the storage service checks them.

use super::{error, Resp};
use crate::http::Req;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::collections::BTreeMap;

/// Verify Shared Key or SAS; the account keys come from the storage account resource.
pub(super) fn authorize(req: &Req, account: &str, keys: &[String], path_style: bool) -> Result<(), Resp> {
    let decoded: Vec<Vec<u8>> = keys.iter().filter_map(|k| STANDARD.decode(k).ok()).collect();
    if let Some(auth) = req.header("authorization") {
        return shared_key(req, auth, account, &decoded, path_style);
    }
    if let Some(sig) = req.q("sig") {
        return sas(req, sig, account, &decoded, path_style);
    }
    Err(error(
        403,
        "AuthenticationFailed",
        "Server failed to authenticate the request: no Authorization header and no SAS signature.",
    ))
}

fn refuse(m: &str) -> Result<(), Resp> {
    Err(error(
        403,
        "AuthenticationFailed",
        &format!("Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature. {m}"),
    ))
}

/// base64 HMAC-SHA256 of `s` with `key`.
fn sign(key: &[u8], s: &str) -> String {
    let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    STANDARD.encode(ring::hmac::sign(&k, s.as_bytes()).as_ref())
}

/// `Authorization: SharedKey <account>:<signature>`.
fn shared_key(req: &Req, auth: &str, account: &str, keys: &[Vec<u8>], path_style: bool) -> Result<(), Resp> {
    let Some(rest) = auth.strip_prefix("SharedKey ") else { return refuse("Only SharedKey and SAS are supported.") };
    let Some((acct, sig)) = rest.trim().split_once(':') else { return refuse("Malformed SharedKey header.") };
    if !acct.eq_ignore_ascii_case(account) {
        return refuse("The account in the Authorization header does not match.");
    }
    let resources = canonical_resources(req, account, path_style);
    for r in &resources {
        let sts = shared_key_string(req, r);
        if keys.iter().any(|k| sign(k, &sts) == sig) {
            return Ok(());
        }
    }
    let sts = shared_key_string(req, &resources[0]);
    refuse(&format!("The MAC signature found in the HTTP request '{sig}' is not the same as any computed signature. Server used following string to sign: '{}'.", sts.replace('\n', "\\n")))
}

/// An account SAS (`ss=`) or a service SAS on a container or blob, signed with one of the account keys.
fn sas(req: &Req, sig: &str, account: &str, keys: &[Vec<u8>], path_style: bool) -> Result<(), Resp> {
    let q = |k: &str| req.q(k).unwrap_or("").to_string();
    if let Ok(exp) = chrono::DateTime::parse_from_rfc3339(&q("se")) {
        if exp < chrono::Utc::now() {
            return refuse("Signed expiry time has passed.");
        }
    }
    let candidates = if req.q("ss").is_some() {
        account_sas_strings(account, &q)
    } else {
        service_sas_strings(req, account, path_style, &q)
    };
    if candidates.iter().any(|c| keys.iter().any(|k| sign(k, c) == sig)) {
        return Ok(());
    }
    refuse("Signature did not match.")
}

/// The strings an account SAS may have signed (with and without the encryption scope of later versions).
fn account_sas_strings(account: &str, q: &dyn Fn(&str) -> String) -> Vec<String> {
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
    vec![base.clone(), format!("{base}{}\n", q("ses"))]
}

/// The strings a service SAS may have signed, for the versions clients send.
fn service_sas_strings(req: &Req, account: &str, path_style: bool, q: &dyn Fn(&str) -> String) -> Vec<String> {
    let segs = blob_segments(req, path_style);
    let mut cr = format!("/blob/{account}");
    let n = if q("sr") == "c" { 1 } else { segs.len() };
    for s in segs.iter().take(n) {
        cr.push('/');
        cr.push_str(s);
    }
    let tail = format!("{}\n{}\n{}\n{}\n{}", q("rscc"), q("rscd"), q("rsce"), q("rscl"), q("rsct"));
    let (sp, st, se, si, sip, spr, sv) = (q("sp"), q("st"), q("se"), q("si"), q("sip"), q("spr"), q("sv"));
    let head = format!("{sp}\n{st}\n{se}\n{cr}\n{si}\n{sip}\n{spr}\n{sv}\n{}", q("sr"));
    vec![
        format!("{head}\n{}\n{tail}", q("sst")),
        format!("{head}\n{}\n{}\n{tail}", q("sst"), q("ses")),
        format!("{sp}\n{st}\n{se}\n{cr}\n{si}\n{sip}\n{spr}\n{sv}\n{tail}"),
    ]
}

/// The Shared Key signature (base64 HMAC-SHA256) a client sends for `req` with the account key `key`
/// (`Authorization: SharedKey <account>:<signature>`): for tests and the fuzz targets, which sign the
/// requests they send.
pub fn shared_key_signature(req: &Req, account: &str, key: &[u8], path_style: bool) -> String {
    let resource = &canonical_resources(req, account, path_style)[0];
    let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    STANDARD.encode(ring::hmac::sign(&k, shared_key_string(req, resource).as_bytes()).as_ref())
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
