//! The storage data plane as the Az storage cmdlets use it on the device: a storage context (account, key,
//! blob endpoint), containers, account SAS tokens, and page-blob uploads of any 512-aligned file
//! (`Set-AzStorageBlobContent -BlobType Page`). VHD uploads for images live in [`super::image`].

use super::image::{self, UploadOptions, UploadSummary};
use crate::arm::blob::{self, BlobClient};
use crate::arm::Session;
use crate::error::{Error, Result};
use crate::progress::{CancelToken, Progress};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// `New-AzStorageContext`: which account, with which key, at which blob endpoint.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StorageContext {
    pub storage_account_name: String,
    /// Wiped from memory when the context is dropped.
    pub storage_account_key: String,
    /// The blob endpoint (`https://<account>.blob.<device>.<domain>/`); default: from the device's storage suffix.
    #[serde(default)]
    pub blob_endpoint: Option<String>,
}

impl std::fmt::Debug for StorageContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageContext").field("account", &self.storage_account_name).finish_non_exhaustive()
    }
}

impl Drop for StorageContext {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.storage_account_key);
    }
}

impl StorageContext {
    /// The blob endpoint of the context. `blobEndpoint` may be a URL, or a storage endpoint suffix as Az's
    /// `New-AzStorageContext -Endpoint` takes it (`<device>.<domain>`); default: the device's own suffix. A
    /// suffix gets the ARM endpoint's port when that is not 443 (an emulator serves everything on one port).
    pub fn endpoint(&self, session: &Session) -> Result<String> {
        let given = self.blob_endpoint.as_deref().map(str::trim).filter(|e| !e.is_empty());
        if let Some(url) = given.filter(|e| e.starts_with("https://") || e.starts_with("http://")) {
            return Ok(url.to_string());
        }
        let suffix = match given {
            Some(s) => s.to_string(),
            None => session.endpoints().storage_suffix.clone().ok_or_else(|| {
                Error::invalid("the device reports no storage endpoint suffix: give the blob endpoint of the account")
            })?,
        };
        let suffix = suffix.trim_start_matches('.').trim_end_matches('/');
        let port = session.options().arm_url()?.port().filter(|p| *p != 443 && !suffix.contains(':'));
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        Ok(format!("https://{}.blob.{suffix}{port}/", self.storage_account_name))
    }

    fn client(&self, session: &Session) -> Result<BlobClient> {
        crate::arm::storage::validate_account_name(&self.storage_account_name)?;
        BlobClient::for_session(
            session,
            &self.endpoint(session)?,
            &self.storage_account_name,
            &self.storage_account_key,
        )
    }
}

/// `New-AzStorageContainer`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContainerRequest {
    pub context: StorageContext,
    pub name: String,
}

/// A container: its name, URI and whether this call created it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    pub name: String,
    pub uri: String,
    pub created: bool,
}

pub async fn create_container(session: &Session, req: &ContainerRequest, cancel: &CancelToken) -> Result<Container> {
    let client = req.context.client(session)?;
    let created = client.create_container(&req.name, cancel).await?;
    Ok(Container { name: req.name.clone(), uri: client.url(&req.name, None)?.to_string(), created })
}

/// `New-AzStorageAccountSASToken` for the blob service: services, resource types and permissions as Az
/// takes them (`Blob`; `Service,Container,Object`; `acdlrw`), an expiry (default: one hour from now).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SasRequest {
    pub context: StorageContext,
    #[serde(default = "default_service")]
    pub service: Vec<String>,
    pub resource_type: Vec<String>,
    pub permission: String,
    /// `HttpsOnly` (default) or `HttpsOrHttp`.
    #[serde(default)]
    pub protocol: Option<String>,
    /// RFC 3339.
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub expiry_time: Option<String>,
}

fn default_service() -> Vec<String> {
    vec!["Blob".into()]
}

/// The signed version of the tokens: one the device's blob service accepts (the docs set 2019-07-07 for AzCopy).
pub const SAS_VERSION: &str = "2019-07-07";

fn letters(items: &[String], table: &[(&str, char)], what: &str) -> Result<String> {
    let mut out = String::new();
    for (name, c) in table {
        if items.iter().flat_map(|i| i.split(',')).any(|i| i.trim().eq_ignore_ascii_case(name)) {
            out.push(*c);
        }
    }
    for i in items.iter().flat_map(|i| i.split(',')) {
        if !table.iter().any(|(n, _)| i.trim().eq_ignore_ascii_case(n)) {
            let known: Vec<_> = table.iter().map(|(n, _)| *n).collect();
            return Err(Error::invalid(format!("{what} '{}' is not one of {}", i.trim(), known.join(", "))));
        }
    }
    Ok(out)
}

/// Permissions in the order the service signs them.
fn permissions(p: &str) -> Result<String> {
    const ORDER: &str = "rwdlacup";
    if let Some(bad) = p.chars().find(|c| !ORDER.contains(*c)) {
        return Err(Error::invalid(format!("SAS permission '{bad}' is not one of r, w, d, l, a, c, u, p")));
    }
    Ok(ORDER.chars().filter(|c| p.contains(*c)).collect())
}

fn rfc3339(s: &str, what: &str) -> Result<String> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .map_err(|_| Error::invalid(format!("{what} '{s}' is not an RFC 3339 time such as 2026-12-31T00:00:00Z")))
}

/// The account SAS token, starting with `?` as Az returns it.
pub fn account_sas(req: &SasRequest) -> Result<String> {
    let ss = letters(&req.service, &[("Blob", 'b')], "service")?;
    let srt = letters(&req.resource_type, &[("Service", 's'), ("Container", 'c'), ("Object", 'o')], "resource type")?;
    if srt.is_empty() {
        return Err(Error::invalid("give at least one resource type: Service, Container, Object"));
    }
    let sp = permissions(&req.permission)?;
    let spr = match req.protocol.as_deref().unwrap_or("HttpsOnly") {
        p if p.eq_ignore_ascii_case("HttpsOnly") => "https",
        p if p.eq_ignore_ascii_case("HttpsOrHttp") => "https,http",
        p => return Err(Error::invalid(format!("protocol '{p}' is not HttpsOnly or HttpsOrHttp"))),
    };
    let st = req.start_time.as_deref().map(|s| rfc3339(s, "start time")).transpose()?.unwrap_or_default();
    let se = match req.expiry_time.as_deref() {
        Some(s) => rfc3339(s, "expiry time")?,
        None => (chrono::Utc::now() + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    };
    let account = &req.context.storage_account_name;
    let sts = format!("{account}\n{sp}\n{ss}\n{srt}\n{st}\n{se}\n\n{spr}\n{SAS_VERSION}\n");
    let key = base64::engine::general_purpose::STANDARD
        .decode(req.context.storage_account_key.trim())
        .map(zeroize::Zeroizing::new)
        .map_err(|_| Error::invalid("the storage account key is not base64 (use key1 or key2 from listKeys)"))?;
    let mac = ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key), sts.as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.as_ref());
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("sv", SAS_VERSION).append_pair("ss", &ss).append_pair("srt", &srt).append_pair("sp", &sp);
    if !st.is_empty() {
        q.append_pair("st", &st);
    }
    q.append_pair("se", &se).append_pair("spr", spr).append_pair("sig", &sig);
    Ok(format!("?{}", q.finish()))
}

/// `Set-AzStorageBlobContent -BlobType Page` / `Add-AzVhd`: a local file (a multiple of 512 bytes) as a page
/// blob, with the sparse-aware, resumable, verified upload of VHDs.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PageBlobUpload {
    pub context: StorageContext,
    pub container: String,
    pub blob_name: String,
    pub file: PathBuf,
    #[serde(default)]
    pub options: UploadOptions,
}

pub async fn upload_page_blob(
    session: &Session,
    req: &PageBlobUpload,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<UploadSummary> {
    blob::validate_container_name(&req.container)?;
    let client = req.context.client(session)?;
    client.create_container(&req.container, cancel).await?;
    image::upload_vhd_with(&client, &req.container, &req.blob_name, &req.file, &req.options, progress, cancel).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sas(resource_type: &str, permission: &str) -> Result<String> {
        account_sas(&SasRequest {
            context: StorageContext {
                storage_account_name: "myasesa".into(),
                storage_account_key: base64::engine::general_purpose::STANDARD.encode(b"key"),
                blob_endpoint: None,
            },
            service: default_service(),
            resource_type: vec![resource_type.into()],
            permission: permission.into(),
            protocol: None,
            start_time: None,
            expiry_time: Some("2030-01-01T00:00:00Z".into()),
        })
    }

    #[test]
    fn account_sas_as_az_writes_it() {
        let t = sas("Container,Service,Object", "acdlrw").unwrap();
        assert!(
            t.starts_with("?sv=2019-07-07&ss=b&srt=sco&sp=rwdlac&se=2030-01-01T00%3A00%3A00Z&spr=https&sig="),
            "{t}"
        );
        // Same inputs, same signature; another key signs differently.
        assert_eq!(t, sas("Service,Container,Object", "rwdlac").unwrap());
    }

    #[test]
    fn account_sas_refuses_what_it_cannot_sign() {
        assert!(sas("Queue", "r").unwrap_err().message.contains("resource type 'Queue'"));
        assert!(sas("Object", "rz").unwrap_err().message.contains("'z'"));
    }
}
