//! How the emulator writes its files. The state file holds the token-signing key and the root CA's private
//! key, the traffic recording holds live access and refresh tokens, and the control token file holds the
//! credential of the control API: every such file is created readable by its owner only (0600), in
//! directories the emulator creates for its owner only (0700), whatever the umask. Files that are rewritten
//! (the state file, blob metadata) are replaced atomically: the new content goes to a fresh temporary file
//! in the same directory (created exclusively, 0600), is flushed to disk, then renamed over the old one, so
//! a reader or a crash sees the old file or the new one, never half of it, and never a world-readable copy.

use asegpu_core::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

/// Owner read/write only.
pub const PRIVATE_FILE: u32 = 0o600;
/// Owner only.
pub const PRIVATE_DIR: u32 = 0o700;

/// Create `dir` (and missing parents) for its owner only. Directories that already exist keep their mode:
/// a `--work-dir` chosen by the user (even `/tmp`) is not changed.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(PRIVATE_DIR);
    }
    b.create(dir).map_err(|e| Error::io("create", dir, e))?;
    // The umask may have removed bits from the mode asked for, never added any: 0700 or less.
    Ok(())
}

/// Open options that create a file 0600 (no effect on an existing file's mode).
pub fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(PRIVATE_FILE);
    }
    o
}

/// Restrict an open file to its owner (for files that may predate this version, e.g. an old recording).
pub fn make_private(f: &File, path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = f.metadata().map_err(|e| Error::io("inspect", path, e))?.permissions().mode();
        if mode & 0o077 != 0 {
            f.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))
                .map_err(|e| Error::io("restrict the permissions of", path, e))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (f, path);
    Ok(())
}

/// Open `path` for appending, creating it 0600 (an existing file is restricted to its owner).
pub fn open_private_append(path: &Path) -> Result<File> {
    let f = private_options().create(true).append(true).open(path).map_err(|e| Error::io("open", path, e))?;
    make_private(&f, path)?;
    Ok(f)
}

/// Replace `path` with `data` atomically, the file readable by its owner only: a temporary file in the same
/// directory (`.<name>.<random>.tmp`, created with `O_EXCL` and mode 0600), written, flushed with fsync,
/// then renamed over `path`; the directory is synced so the rename survives a crash. On any failure the
/// temporary file is removed and `path` is left as it was.
pub fn write_private_atomic(path: &Path, data: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let written = (|| -> std::io::Result<()> {
        let mut f = private_options().write(true).create_new(true).open(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io("write", path, e));
    }
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Remove temporary files a crashed [`write_private_atomic`] may have left in `dir` for `path`'s name.
pub fn remove_stale_temporaries(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let prefix = format!(".{}.", name.to_string_lossy());
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(&prefix) && n.ends_with(".tmp") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn atomic_private_write_replaces_and_leaves_no_temporary() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("state.json");
        std::fs::write(&p, b"old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert_eq!(mode(&p), 0o600);
        let names: Vec<_> = std::fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("state.json")]);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let d = tempfile::tempdir().unwrap();
        // The target is a directory: the rename fails after the temporary was written.
        let p = d.path().join("target");
        std::fs::create_dir(&p).unwrap();
        std::fs::write(p.join("keep"), b"x").unwrap();
        assert!(write_private_atomic(&p, b"data").is_err());
        let names: Vec<_> = std::fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("target")]);
    }

    #[test]
    fn private_dirs_and_appended_files() {
        let d = tempfile::tempdir().unwrap();
        let sub = d.path().join("a/b");
        create_private_dir(&sub).unwrap();
        assert_eq!(mode(&sub), 0o700);
        assert_eq!(mode(&d.path().join("a")), 0o700);
        let rec = sub.join("traffic.jsonl");
        std::fs::write(&rec, b"").unwrap();
        std::fs::set_permissions(&rec, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(open_private_append(&rec).unwrap());
        assert_eq!(mode(&rec), 0o600);
    }
}
