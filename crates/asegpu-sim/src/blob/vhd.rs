//! The device's check of a page blob that an image or a managed disk is made from: a valid fixed-size VHD.

use super::{Blob, PAGE};

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
    let footer = b.read(b.size - PAGE, b.size);
    if &footer[0..8] != b"conectix" {
        return Err(VhdProblem::Footer(why_no_footer(b)));
    }
    let stored = u32::from_be_bytes(footer[64..68].try_into().expect("4 bytes"));
    let computed = footer_checksum(&footer);
    if stored != computed {
        return Err(VhdProblem::Footer(format!(
            "the VHD footer's checksum is wrong (stored {stored:#010x}, computed {computed:#010x}): the footer is damaged"
        )));
    }
    check_fixed(&footer)?;
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

/// Why the blob's last 512 bytes hold no VHD cookie: never written (an unfinished upload), or another format.
fn why_no_footer(b: &Blob) -> String {
    let last = b.size / PAGE - 1;
    let written = b.pages.len();
    if !b.pages.contains_key(&last) && written > 0 {
        format!(
            "the blob's last 512 bytes, where a VHD keeps its footer, were never written although {written} other \
             page(s) were: the upload did not finish; upload the VHD again (asegpu resumes an interrupted upload)"
        )
    } else if written == 0 {
        "nothing was ever written to the blob: the upload did not start or did not finish".into()
    } else {
        "the blob's last 512 bytes are not a VHD footer: the image must be a fixed-size VHD, not VHDX, qcow2 or a raw disk".into()
    }
}

/// Only fixed-size VHDs (disk type 2) can be images or disks.
fn check_fixed(footer: &[u8]) -> Result<(), VhdProblem> {
    let disk_type = u32::from_be_bytes(footer[60..64].try_into().expect("4 bytes"));
    let kind = match disk_type {
        2 => return Ok(()),
        3 => "dynamic",
        4 => "differencing",
        _ => "unknown",
    };
    Err(VhdProblem::Other(format!("the VHD is {kind} (disk type {disk_type}); only fixed-size VHDs are supported. Convert it with Convert-VHD -VHDType Fixed")))
}
