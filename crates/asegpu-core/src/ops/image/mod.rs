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

mod extents;
mod upload;
mod vhd;

use extents::*;
pub use upload::*;
pub use vhd::*;

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
    session.provider_path(rg, "Microsoft.Compute").types(&[kind, name]).api(versions::COMPUTE_IMAGES_DISKS)
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
    let (os_disk, disk_id) = match req.source {
        ImageSource::Blob => (
            json!({
                "osType": os, "osState": "Generalized", "blobUri": blob_uri,
                "storageAccountType": "Standard_LRS", "caching": "ReadWrite",
            }),
            None,
        ),
        ImageSource::ManagedDisk => {
            let id = create_disk(session, req, os, &blob_uri, progress, cancel).await?;
            let os_disk = json!({
                "osType": os, "osState": "Generalized", "managedDisk": { "id": id },
                "storageAccountType": "Standard_LRS", "caching": "ReadWrite",
            });
            (os_disk, Some(id))
        }
    };
    let image = create_image(session, req, os_disk, progress, cancel).await?;
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

/// The managed disk an image is made through (`createOption: Import` from the uploaded blob); its id.
async fn create_disk(
    session: &Session,
    req: &BringImageRequest,
    os: &str,
    blob_uri: &str,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<String> {
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
    Ok(match d.get("id").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None => session.get_json::<Value>(&path, cancel).await?["id"].as_str().unwrap_or_default().to_string(),
    })
}

/// The image from its OS disk (a blob URI or a managed disk); the image as the device answers it.
async fn create_image(
    session: &Session,
    req: &BringImageRequest,
    os_disk: Value,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<Value> {
    let body = json!({
        "location": device::LOCATION,
        "tags": req.tags,
        "properties": { "storageProfile": { "osDisk": os_disk } },
    });
    let path = compute_path(session, &req.resource_group, "images", &req.image_name);
    let image = session
        .call_lro("createImage", Method::PUT, &path, Some(&body), progress, cancel)
        .await
        .map_err(|e| e.context(format!("creating image '{}'", req.image_name)))?;
    if image.get("id").is_some() {
        return Ok(image);
    }
    session.get_json(&path, cancel).await
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
