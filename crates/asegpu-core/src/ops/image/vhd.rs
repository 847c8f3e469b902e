//! The VHD check: a fixed-size VHD (its footer, size and geometry, Generation 1) is what the device accepts
//! for an image; and the footer asegpu writes.

use super::*;

/// What [`check_vhd`] found (camelCase JSON for the C ABI).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VhdInfo {
    pub path: String,
    /// File length: the disk plus the 512-byte footer.
    pub file_size: u64,
    /// The virtual disk size (the footer's current size).
    pub disk_size: u64,
    /// `disk_size` in GiB, rounded up (what the image and disks report as `diskSizeGB`).
    pub disk_size_gb: u64,
    /// The footer's creator application, e.g. `qemu`, `win ` (Hyper-V), `vpc `.
    pub creator_application: String,
    /// The footer's unique id (a UUID).
    pub unique_id: String,
    /// `MBR`, or `none` when the first sector holds no partition table (a file system on the whole disk).
    pub partitioning: String,
    /// Always `V1`: only Generation 1 disks are accepted.
    pub hyper_v_generation: String,
}

/// The VHD footer fields asegpu checks.
pub(super) struct Footer {
    pub(super) cookie_ok: bool,
    pub(super) disk_type: u32,
    pub(super) current_size: u64,
    pub(super) checksum: u32,
    pub(super) computed_checksum: u32,
    pub(super) creator: String,
    pub(super) unique_id: [u8; 16],
}

pub(super) fn parse_footer(f: &[u8]) -> Footer {
    let be32 = |o: usize| u32::from_be_bytes(f[o..o + 4].try_into().expect("4 bytes"));
    let be64 = |o: usize| u64::from_be_bytes(f[o..o + 8].try_into().expect("8 bytes"));
    Footer {
        cookie_ok: &f[0..8] == b"conectix",
        disk_type: be32(60),
        current_size: be64(48),
        checksum: be32(64),
        computed_checksum: footer_checksum(f),
        creator: String::from_utf8_lossy(&f[28..32]).trim_end_matches(['\0', ' ']).to_string(),
        unique_id: f[68..84].try_into().expect("16 bytes"),
    }
}

/// One's complement of the byte sum of the footer, the checksum field counted as zero.
pub(super) fn footer_checksum(f: &[u8]) -> u32 {
    let sum: u32 = f[..512].iter().enumerate().filter(|(i, _)| !(64..68).contains(i)).map(|(_, b)| *b as u32).sum();
    !sum
}

/// A fixed-disk VHD footer for a disk of `disk_size` bytes (CHS geometry as in the VHD specification).
/// For making test images; real images come from Hyper-V or `qemu-img`.
pub fn fixed_vhd_footer(disk_size: u64, unique_id: [u8; 16]) -> [u8; 512] {
    let mut f = [0u8; 512];
    f[0..8].copy_from_slice(b"conectix");
    f[8..12].copy_from_slice(&2u32.to_be_bytes());
    f[12..16].copy_from_slice(&0x0001_0000u32.to_be_bytes());
    f[16..24].copy_from_slice(&u64::MAX.to_be_bytes());
    let since_2000 = chrono::Utc::now().timestamp() - 946_684_800;
    f[24..28].copy_from_slice(&(since_2000.max(0) as u32).to_be_bytes());
    f[28..32].copy_from_slice(b"aseg");
    f[32..36].copy_from_slice(&0x0001_0000u32.to_be_bytes());
    f[36..40].copy_from_slice(b"Wi2k");
    f[40..48].copy_from_slice(&disk_size.to_be_bytes());
    f[48..56].copy_from_slice(&disk_size.to_be_bytes());
    let (c, h, s) = chs(disk_size / 512);
    f[56..58].copy_from_slice(&c.to_be_bytes());
    f[58] = h;
    f[59] = s;
    f[60..64].copy_from_slice(&2u32.to_be_bytes());
    f[68..84].copy_from_slice(&unique_id);
    let sum = footer_checksum(&f);
    f[64..68].copy_from_slice(&sum.to_be_bytes());
    f
}

/// CHS geometry from the VHD specification's algorithm.
pub(super) fn chs(sectors: u64) -> (u16, u8, u8) {
    let total = sectors.min(65535 * 16 * 255);
    let (spt, heads, cyl_x_heads);
    if total >= 65535 * 16 * 63 {
        spt = 255u64;
        heads = 16u64;
        cyl_x_heads = total / spt;
    } else {
        let mut s = 17u64;
        let mut cxh = total / s;
        let mut h = cxh.div_ceil(1024);
        if h < 4 {
            h = 4;
        }
        if cxh >= h * 1024 || h > 16 {
            s = 31;
            h = 16;
            cxh = total / s;
        }
        if cxh >= h * 1024 {
            s = 63;
            h = 16;
            cxh = total / s;
        }
        spt = s;
        heads = h;
        cyl_x_heads = cxh;
    }
    ((cyl_x_heads / heads) as u16, heads as u8, spt as u8)
}

#[cfg(unix)]
pub(super) fn read_exact_at(f: &File, buf: &mut [u8], off: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, off)
}

#[cfg(windows)]
pub(super) fn read_exact_at(f: &File, mut buf: &mut [u8], mut off: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        let n = f.seek_read(buf, off)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        off += n as u64;
    }
    Ok(())
}

/// Check that `path` is what the device accepts for an image: a fixed-size VHD (`.vhd`, `conectix` footer
/// with a valid checksum, disk type 2, size = file length - 512, 1 MiB aligned) of a Generation 1 disk
/// (not GPT-partitioned). Every refusal says what is wrong and how to fix it.
pub fn check_vhd(path: &Path) -> Result<VhdInfo> {
    let shown = path.display();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext == "vhdx" {
        return Err(Error::invalid(format!("{shown} is a VHDX: the device needs a fixed-size VHD; {CONVERT_HINT}")));
    }
    let file = File::open(path).map_err(|e| Error::io("open the VHD", path, e))?;
    let meta = file.metadata().map_err(|e| Error::io("read the size of", path, e))?;
    if !meta.is_file() {
        return Err(Error::invalid(format!("{shown} is not a regular file")));
    }
    let len = meta.len();
    if len < 2 * FOOTER {
        return Err(Error::invalid(format!(
            "{shown} is {len} bytes: too small to be a VHD (a disk plus a 512-byte footer); {CONVERT_HINT}"
        )));
    }
    let mut footer = [0u8; 512];
    read_exact_at(&file, &mut footer, len - FOOTER).map_err(|e| Error::io("read the footer of", path, e))?;
    let f = parse_footer(&footer);
    if !f.cookie_ok {
        return Err(not_a_vhd(&file, path));
    }
    check_footer(&f, len, path)?;
    if ext != "vhd" {
        return Err(Error::invalid(format!(
            "{shown} is a fixed-size VHD but its name does not end with '.vhd': the device refuses image blobs without the \
             .vhd extension; rename it (e.g. `mv {shown} disk.vhd`)"
        )));
    }
    let mbr_sig = check_generation_1(&file, path)?;
    let u = f.unique_id;
    Ok(VhdInfo {
        path: path.display().to_string(),
        file_size: len,
        disk_size: f.current_size,
        disk_size_gb: f.current_size.div_ceil(1 << 30),
        creator_application: f.creator,
        unique_id: uuid::Uuid::from_bytes(u).to_string(),
        partitioning: if mbr_sig { "MBR".into() } else { "none".into() },
        hyper_v_generation: "V1".into(),
    })
}

/// What a file without a VHD footer is (a dynamic VHD, a VHDX, qcow2 or a raw disk), and how to convert it.
fn not_a_vhd(file: &File, path: &Path) -> Error {
    let shown = path.display();
    let mut head = [0u8; 512];
    if let Err(e) = read_exact_at(file, &mut head, 0) {
        return Error::io("read", path, e);
    }
    let message = if &head[0..8] == b"conectix" {
        format!(
            "{shown} is a dynamically expanding VHD (its footer copy is at the start and the file does not end with one): \
             the device needs a fixed-size VHD; convert it with `qemu-img convert -f vpc -O vpc -o subformat=fixed,force_size {shown} fixed.vhd` \
             (or `Convert-VHD -VHDType Fixed`)"
        )
    } else if &head[0..8] == b"vhdxfile" {
        format!("{shown} is a VHDX: the device needs a fixed-size VHD; {CONVERT_HINT}")
    } else if &head[0..4] == b"QFI\xfb" {
        format!("{shown} is a qcow2 image: the device needs a fixed-size VHD; {CONVERT_HINT}")
    } else {
        format!(
            "{shown} has no VHD footer (no 'conectix' cookie in its last 512 bytes): it looks like a raw disk image; \
             the device needs a fixed-size VHD: `qemu-img convert -f raw -O vpc -o subformat=fixed,force_size {shown} disk.vhd`"
        )
    };
    Error::invalid(message)
}

/// The footer of a file of `len` bytes must be undamaged, of a fixed disk, of the file's size, 1 MiB aligned.
fn check_footer(f: &Footer, len: u64, path: &Path) -> Result<()> {
    let shown = path.display();
    if f.checksum != f.computed_checksum {
        return Err(Error::invalid(format!(
            "{shown}: the VHD footer checksum is wrong (stored {:#010x}, computed {:#010x}): the file is damaged or was \
             truncated/extended after it was made; copy or convert it again ({CONVERT_HINT})",
            f.checksum, f.computed_checksum
        )));
    }
    if f.disk_type != 2 {
        let kind = match f.disk_type {
            3 => "dynamically expanding",
            4 => "differencing",
            _ => "of an unknown type",
        };
        return Err(Error::invalid(format!(
            "{shown} is a {kind} VHD (disk type {}): the device needs a fixed-size VHD; \
             `qemu-img convert -f vpc -O vpc -o subformat=fixed,force_size {shown} fixed.vhd` (or `Convert-VHD -VHDType Fixed`)",
            f.disk_type
        )));
    }
    if f.current_size != len - FOOTER {
        return Err(Error::invalid(format!(
            "{shown}: the VHD footer says the disk is {} bytes but the file holds {} bytes before the footer: the file was \
             truncated or extended; make the VHD again ({CONVERT_HINT})",
            f.current_size,
            len - FOOTER
        )));
    }
    if f.current_size % MIB != 0 {
        let up = f.current_size.div_ceil(MIB) * MIB;
        return Err(Error::invalid(format!(
            "{shown}: the disk size {} bytes is not a whole number of MiB, and Azure only accepts VHDs whose virtual size is \
             1 MiB aligned; resize the raw disk to {up} bytes (`qemu-img resize -f raw disk.img {up}`) and convert it with \
             `qemu-img convert -f raw -O vpc -o subformat=fixed,force_size disk.img disk.vhd` (force_size keeps the exact size), \
             or `Resize-VHD -SizeBytes {up}`",
            f.current_size
        )));
    }
    Ok(())
}

/// Generation 1 only: a GPT disk (protective MBR, type 0xEE, or an 'EFI PART' header at LBA 1) is a Gen2
/// disk. Answers whether the disk has an MBR signature.
fn check_generation_1(file: &File, path: &Path) -> Result<bool> {
    let mut head = [0u8; 1024];
    read_exact_at(file, &mut head, 0).map_err(|e| Error::io("read", path, e))?;
    let mbr_sig = head[510] == 0x55 && head[511] == 0xAA;
    let protective = mbr_sig && (0..4).any(|i| head[446 + 16 * i + 4] == 0xEE);
    if protective || &head[512..520] == b"EFI PART" {
        return Err(Error::invalid(format!(
            "{} is a GPT-partitioned (UEFI, Generation 2) disk: Azure Stack Edge GPU VMs need a Generation 1 disk \
             (MBR partitioning, BIOS boot); prepare the image from a Generation 1 VM",
            path.display()
        )));
    }
    Ok(mbr_sig)
}
