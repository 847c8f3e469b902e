//! CLI commands to bring an image: check a VHD, upload it as a page blob, create the image.

use super::output::{self, Bar, Format};
use asegpu_core::arm::Session;
use asegpu_core::error::Result;
use asegpu_core::ops::image;
use asegpu_core::progress::{CancelToken, Progress, ProgressEvent};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum ImageCommand {
    /// Check that a file is a fixed-size Generation 1 VHD, as the device requires.
    Check {
        #[arg(value_parser = super::path_arg)]
        vhd: PathBuf,
    },
    /// Upload a VHD as a page blob (sparse-aware, parallel, resumable, verified).
    Upload(UploadArgs),
    /// The whole flow: storage account (created if missing), upload, then the image.
    Create(CreateArgs),
}

#[derive(Args, Debug)]
pub struct UploadArgs {
    #[arg(long, short = 'g', value_parser = super::name_arg)]
    pub resource_group: String,
    #[arg(long, value_parser = super::name_arg)]
    pub storage_account: String,
    #[arg(long, default_value = "vmimages", value_parser = super::name_arg)]
    pub container: String,
    /// Blob name (default: the file's name).
    #[arg(long, value_parser = super::name_arg)]
    pub blob: Option<String>,
    #[arg(long, value_parser = super::path_arg)]
    pub vhd: PathBuf,
    /// Put Page requests in flight at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Start over instead of resuming an interrupted upload.
    #[arg(long)]
    pub no_resume: bool,
    /// When resuming, compare what the blob holds with the file instead of trusting it.
    #[arg(long)]
    pub verify_existing: bool,
    /// After the upload, read back this many ranges and compare them with the file.
    #[arg(long, default_value_t = 0)]
    pub verify_samples: u32,
}

#[derive(Args, Debug)]
pub struct CreateArgs {
    #[command(flatten)]
    pub upload: UploadArgs,
    /// Image name.
    #[arg(long, value_parser = super::name_arg)]
    pub name: String,
    /// Linux or Windows.
    #[arg(long, value_parser = super::name_arg)]
    pub os_type: String,
    /// Import a managed disk first and make the image from it (the PowerShell flow).
    #[arg(long)]
    pub via_disk: bool,
}

fn upload_options(a: &UploadArgs) -> image::UploadOptions {
    image::UploadOptions {
        concurrency: a.concurrency,
        resume: !a.no_resume,
        verify_existing: a.verify_existing,
        verify_samples: a.verify_samples,
        ..Default::default()
    }
}

pub async fn image_cmd(s: Option<&Session>, cmd: ImageCommand, format: Format, cancel: &CancelToken) -> Result<()> {
    let bar = Bar::new("image");
    let sink = |e: &ProgressEvent| bar.update(e);
    let progress = Progress::new(&sink);
    let r = run(s, cmd, format, &progress, cancel).await;
    bar.finish();
    r
}

async fn run(
    s: Option<&Session>,
    cmd: ImageCommand,
    format: Format,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<()> {
    match cmd {
        ImageCommand::Check { vhd } => {
            let info = image::check_vhd(&vhd)?;
            output::print(
                format,
                &serde_json::to_value(info)?,
                &[
                    ("Path", "/path"),
                    ("DiskSize", "/diskSize"),
                    ("Creator", "/creatorApplication"),
                    ("Partitioning", "/partitioning"),
                    ("Generation", "/hyperVGeneration"),
                ],
            );
        }
        ImageCommand::Upload(a) => {
            let s = s.expect("session");
            let req = image::UploadRequest {
                resource_group: a.resource_group.clone(),
                storage_account: a.storage_account.clone(),
                container: a.container.clone(),
                blob_name: a.blob.clone(),
                vhd_path: a.vhd.clone(),
                options: upload_options(&a),
            };
            let sum = req.run(s, progress, cancel).await?;
            print_summary(&sum, format);
        }
        ImageCommand::Create(a) => {
            let s = s.expect("session");
            let req = image::BringImageRequest {
                resource_group: a.upload.resource_group.clone(),
                storage_account: a.upload.storage_account.clone(),
                storage_sku: None,
                container: a.upload.container.clone(),
                blob_name: a.upload.blob.clone(),
                vhd_path: a.upload.vhd.clone(),
                image_name: a.name.clone(),
                os_type: a.os_type.clone(),
                source: if a.via_disk { image::ImageSource::ManagedDisk } else { image::ImageSource::Blob },
                disk_name: None,
                upload: upload_options(&a.upload),
                tags: Default::default(),
            };
            let r = image::bring_image(s, &req, progress, cancel).await?;
            if format == Format::Json {
                output::print(format, &serde_json::to_value(&r)?, &[]);
            } else {
                print_summary(&r.upload, format);
                println!("image: {}", r.image_id);
            }
        }
    }
    Ok(())
}

fn print_summary(s: &image::UploadSummary, format: Format) {
    if format == Format::Json {
        output::print(format, &serde_json::to_value(s).expect("JSON"), &[]);
        return;
    }
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    println!("blob:    {}", s.blob_uri);
    println!(
        "size {:.0} MiB: data {:.1} MiB, sent {:.1} MiB, skipped {:.1} MiB of holes and {:.1} MiB of zeros, {:.1} MiB already present{}",
        mib(s.size_bytes),
        mib(s.data_bytes),
        mib(s.sent_bytes),
        mib(s.hole_bytes),
        mib(s.zero_bytes),
        mib(s.present_bytes),
        if s.resumed { " (resumed)" } else { "" }
    );
    println!("time {:.2} s, {:.1} MiB/s of data", s.seconds, s.mib_per_second);
}
