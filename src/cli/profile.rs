//! Saved connection profiles (like an Az context): endpoint, trust settings and host mappings, plus a
//! token cache file readable only by the user. The password is never saved: it comes from a file, an
//! environment variable or a prompt.
//!
//! Private files (`profiles.json`, `tokens/<profile>.json`, the update record) follow these rules:
//! - profile names are [`PROFILE_NAME_RULE`], so a name never leads outside the token directory;
//! - directories asegpu creates get mode 0700 whatever the umask; an existing configuration or token
//!   directory that is not the user's, or that group or others may write to, is refused with the `chmod`
//!   that fixes it (asegpu does not change modes it did not set);
//! - files are written atomically with mode 0600: a temp file with a random name created in the same
//!   directory with `O_CREAT|O_EXCL|O_NOFOLLOW`, fsynced, then renamed over the target (a symbolic link at
//!   the target is replaced, never written through);
//! - reading never follows a symbolic link in place of a private file: it is refused with what to do.

use asegpu_core::arm::{ConnectOptions, SavedToken, Session};
use asegpu_core::error::{Error, Result, Status};
use asegpu_core::progress::{CancelToken, Progress};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Profiles {
    pub current: Option<String>,
    pub profiles: BTreeMap<String, ConnectOptions>,
}

/// What a profile name may be (it names the profile's token file).
pub const PROFILE_NAME_RULE: &str =
    "1 to 64 characters from A-Z a-z 0-9 . _ -, starting with a letter or a digit (and not a Windows device \
     name such as CON or NUL)";

/// Check a profile name: [`PROFILE_NAME_RULE`]. So a name is never empty, `.` or `..`, a path (`/`, `\`),
/// a hidden file, or holds a NUL, and the token file `tokens/<name>.json` stays in the token directory.
pub fn validate_profile_name(name: &str) -> Result<()> {
    let chars_ok = name.len() <= 64
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    let stem = name.split('.').next().unwrap_or_default().to_ascii_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit()
            && stem.as_bytes()[3] != b'0');
    if chars_ok && !reserved {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "profile name '{}' is not valid: a profile name is {PROFILE_NAME_RULE}",
        name.escape_debug()
    )))
}

/// clap's parser for `--name` and `--profile`.
pub fn parse_profile_name(s: &str) -> std::result::Result<String, String> {
    validate_profile_name(s).map(|()| s.to_string()).map_err(|e| e.message)
}

/// Where profiles live: `$ASEGPU_CONFIG_DIR`, else `$XDG_CONFIG_HOME/asegpu`, else `~/.config/asegpu`.
pub fn config_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("ASEGPU_CONFIG_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CONFIG_HOME") {
        return PathBuf::from(d).join("asegpu");
    }
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")).unwrap_or_else(|| ".".into());
    PathBuf::from(home).join(".config").join("asegpu")
}

/// Check the configuration directory (and its token directory) before anything is read from or written to
/// it: see [`ensure_private_dir`] for the rules. Missing directories are fine here (nothing saved yet).
pub fn check_config_dirs() -> Result<()> {
    let dir = config_dir();
    for d in [dir.clone(), dir.join("tokens")] {
        if d.exists() {
            check_private_dir(&d)?;
        }
    }
    Ok(())
}

/// Make sure `dir` is a private directory: missing directories (and missing parents) are created with mode
/// 0700 whatever the umask; an existing one must belong to the user and not be writable by group or others
/// (otherwise it is refused, with the `chmod` that fixes it: asegpu does not change the modes of
/// directories it did not create). A symbolic link to such a directory is fine.
pub fn ensure_private_dir(dir: &Path) -> Result<()> {
    let mut missing = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur.filter(|d| !d.as_os_str().is_empty()) {
        match std::fs::symlink_metadata(d) {
            Ok(_) => break,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                missing.push(d);
                cur = d.parent();
            }
            Err(e) => return Err(Error::io("inspect", d, e)),
        }
    }
    for d in missing.iter().rev() {
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        match b.create(d) {
            Ok(()) => {
                // The umask may have taken bits away (or, for 0o077-style masks, none): exactly 0700.
                #[cfg(unix)]
                std::fs::set_permissions(d, std::os::unix::fs::PermissionsExt::from_mode(0o700))
                    .map_err(|e| Error::io("set the permissions of", d, e))?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::io("create", d, e)),
        }
    }
    check_private_dir(dir)
}

/// The checks of [`ensure_private_dir`] on an existing directory.
pub fn check_private_dir(dir: &Path) -> Result<()> {
    let md = std::fs::metadata(dir).map_err(|e| Error::io("inspect", dir, e))?;
    if !md.is_dir() {
        return Err(Error::new(Status::Io, format!("{} is not a directory", dir.display())));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if md.uid() != me {
            return Err(Error::new(
                Status::Io,
                format!(
                    "{} belongs to another user (uid {}), not to you (uid {me}): asegpu keeps profiles and tokens only \
                     in a directory of yours; remove it, or set ASEGPU_CONFIG_DIR to a directory of your own",
                    dir.display(),
                    md.uid()
                ),
            ));
        }
        let mode = md.mode() & 0o777;
        if mode & 0o022 != 0 {
            let who = match (mode & 0o020 != 0, mode & 0o002 != 0) {
                (true, true) => "group and others",
                (true, false) => "group",
                _ => "others",
            };
            return Err(Error::new(
                Status::Io,
                format!(
                    "{} is writable by {who} (mode {mode:03o}): someone else could replace the profiles and tokens \
                     kept there; make it private with `chmod 700 {}` and run the command again",
                    dir.display(),
                    dir.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Write a private file (profile, token cache): its directory is made private first
/// ([`ensure_private_dir`]), then the file is written atomically ([`write_atomic`]).
pub fn write_private(path: &Path, data: &[u8]) -> Result<()> {
    ensure_private_dir(parent_of(path))?;
    write_atomic(path, data)
}

fn parent_of(path: &Path) -> &Path {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Write `data` to `path` atomically, readable only by the user (0600), without following links: a temp
/// file with a random name is created next to it with `O_CREAT|O_EXCL|O_NOFOLLOW` (a link already at that
/// name makes it pick another name, never write through it), written, fsynced, then renamed over `path`.
/// A symbolic link at `path` itself is replaced by the file (the link's target is not touched).
pub fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    write_atomic_with(path, data, std::iter::repeat_with(|| uuid::Uuid::new_v4().simple().to_string()).take(16))
}

fn write_atomic_with(path: &Path, data: &[u8], suffixes: impl Iterator<Item = String>) -> Result<()> {
    use std::io::Write;
    let dir = parent_of(path);
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid(format!("{} is not a file name", path.display())))?
        .to_string_lossy()
        .into_owned();
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(Error::new(Status::Io, format!("cannot write {}: it is a directory", path.display())));
    }
    let mut created = None;
    for suffix in suffixes {
        let tmp = dir.join(format!(".{name}.{suffix}.tmp"));
        match open_new_private(&tmp) {
            Ok(f) => {
                created = Some((tmp, f));
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io("create", &tmp, e)),
        }
    }
    let (tmp, mut f) = created.ok_or_else(|| {
        Error::new(
            Status::Io,
            format!("cannot create a temporary file next to {}: every name was taken", path.display()),
        )
    })?;
    let written = f.write_all(data).and_then(|()| f.sync_all());
    drop(f);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io("write", &tmp, e));
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io("replace", path, e));
    }
    // The rename itself survives a crash once the directory is synced (best effort).
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Create a new file, 0600, failing if anything (a link included) is already at `path`.
fn open_new_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let f = o.open(path)?;
    #[cfg(unix)]
    f.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    Ok(f)
}

/// Read a private file without following a symbolic link at its path (refused with what to do), after
/// checking its directory ([`check_private_dir`]). `None` when there is no such file.
pub fn read_private(path: &Path) -> Result<Option<Vec<u8>>> {
    use std::io::Read;
    let dir = parent_of(path);
    if dir.exists() {
        check_private_dir(dir)?;
    }
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut o, libc::O_NOFOLLOW | libc::O_NONBLOCK);
    let mut f = match o.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(Error::new(
                Status::Io,
                format!(
                    "{} is a symbolic link: asegpu does not follow links in place of its private files; remove it \
                     (`asegpu connect` writes a new file)",
                    path.display()
                ),
            ))
        }
        Err(e) => return Err(Error::io("read", path, e)),
    };
    if !f.metadata().map_err(|e| Error::io("inspect", path, e))?.is_file() {
        return Err(Error::new(Status::Io, format!("{} is not a regular file", path.display())));
    }
    let mut buf = Vec::new();
    f.read_to_end(&mut buf).map_err(|e| Error::io("read", path, e))?;
    Ok(Some(buf))
}

impl Profiles {
    pub fn path() -> PathBuf {
        config_dir().join("profiles.json")
    }
    /// Read the profiles (none yet when there is no file), checking the directory, the names and each
    /// profile's options ([`ConnectOptions::validate`]).
    pub fn load() -> Result<Profiles> {
        check_config_dirs()?;
        let path = Profiles::path();
        let Some(bytes) = read_private(&path)? else { return Ok(Profiles::default()) };
        let p: Profiles = serde_json::from_slice(&bytes)
            .map_err(|e| Error::invalid(format!("{} is not valid: {e}", path.display())))?;
        for (name, o) in &p.profiles {
            validate_profile_name(name)
                .and_then(|()| o.validate())
                .map_err(|e| Error::invalid(format!("{}: profile '{name}': {}", path.display(), e.message)))?;
        }
        Ok(p)
    }
    pub fn save(&self) -> Result<()> {
        write_private(&Profiles::path(), &serde_json::to_vec_pretty(self)?)
    }
    pub fn get(&self, name: Option<&str>) -> Result<(String, ConnectOptions)> {
        let name = name.map(str::to_string).or_else(|| self.current.clone()).ok_or_else(|| {
            Error::invalid(
                "not connected: run `asegpu connect --arm-endpoint https://management.<device>.<domain>/` first",
            )
        })?;
        let o =
            self.profiles.get(&name).cloned().ok_or_else(|| Error::invalid(format!("no profile named '{name}'")))?;
        Ok((name, o))
    }
}

fn token_path(profile: &str) -> Result<PathBuf> {
    validate_profile_name(profile)?;
    Ok(config_dir().join("tokens").join(format!("{profile}.json")))
}

/// Save a profile's token cache (`tokens/<profile>.json`, 0600, in private directories).
pub fn save_token(profile: &str, t: &SavedToken) -> Result<()> {
    let path = token_path(profile)?;
    ensure_private_dir(&config_dir())?;
    write_private(&path, &serde_json::to_vec(t)?)
}

pub fn forget_token(profile: &str) {
    if let Ok(p) = token_path(profile) {
        let _ = std::fs::remove_file(p);
    }
}

/// The cached token of a profile; `None` when there is none or it cannot be parsed (sign in again).
fn load_token(profile: &str) -> Result<Option<SavedToken>> {
    Ok(read_private(&token_path(profile)?)?.and_then(|b| serde_json::from_slice(&b).ok()))
}

/// Where the password comes from; never the command line.
#[derive(Debug, Clone, Default)]
pub struct PasswordSource {
    pub file: Option<PathBuf>,
    pub env: Option<String>,
}

impl PasswordSource {
    /// Read it: the file's first line, the environment variable (`ASEGPU_PASSWORD` by default), or a
    /// prompt when stdin is a terminal. `None` when no source is available.
    pub fn read(&self, prompt_allowed: bool) -> Result<Option<Zeroizing<String>>> {
        if let Some(f) = &self.file {
            let text =
                Zeroizing::new(std::fs::read_to_string(f).map_err(|e| Error::io("read the password file", f, e))?);
            let first = Zeroizing::new(text.lines().next().unwrap_or_default().to_string());
            if first.is_empty() {
                return Err(Error::invalid(format!("the password file {} is empty", f.display())));
            }
            return Ok(Some(first));
        }
        let var = self.env.clone().unwrap_or_else(|| "ASEGPU_PASSWORD".into());
        if let Ok(v) = std::env::var(&var) {
            if !v.is_empty() {
                return Ok(Some(Zeroizing::new(v)));
            }
        }
        if prompt_allowed && std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            let p = rpassword::prompt_password("Edge ARM password for EdgeArmUser: ")
                .map_err(|e| Error::new(Status::Io, format!("cannot read the password: {e}")))?;
            return Ok(Some(Zeroizing::new(p)));
        }
        Ok(None)
    }
}

/// A session opened for a saved profile.
pub struct Opened {
    pub name: String,
    pub session: Session,
    /// The access token the cache held when the session was opened (to tell whether it was renewed).
    pub cached_access_token: Option<String>,
}

/// Open a session for a saved profile: reuse the cached token (renewing it), or sign in again with the
/// password when the cache cannot be used. `unreachable_deadline` (seconds) replaces the profile's
/// `retry.unreachableDeadlineMs` for this session.
pub async fn open(
    profile: Option<&str>,
    password: &PasswordSource,
    unreachable_deadline: Option<u64>,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<Opened> {
    let (name, mut options) = Profiles::load()?.get(profile)?;
    if let Some(secs) = unreachable_deadline {
        options.retry.unreachable_deadline_ms = secs.saturating_mul(1000);
    }
    let cached = load_token(&name)?;
    let cached_access_token = cached.as_ref().map(|t| t.access_token.clone());
    let session = match cached {
        Some(saved) => {
            let pw = password.read(false)?;
            match Session::resume(options.clone(), saved, pw, progress, cancel).await {
                Ok(s) => s,
                Err(e) if e.status == Status::Authentication => {
                    let pw = password.read(true)?.ok_or(e)?;
                    Session::connect(options, pw, progress, cancel).await?
                }
                Err(e) => return Err(e),
            }
        }
        None => {
            let pw = password.read(true)?.ok_or_else(|| {
                Error::new(
                    Status::Authentication,
                    "no saved sign-in: set ASEGPU_PASSWORD, use --password-file, or run `asegpu connect`",
                )
            })?;
            Session::connect(options, pw, progress, cancel).await?
        }
    };
    Ok(Opened { name, session, cached_access_token })
}

/// Save the session's token for the profile when it differs from `last_saved` (a renewal, or a new sign-in),
/// and remember it.
pub async fn save_if_renewed(name: &str, session: &Session, last_saved: &mut Option<String>) -> Result<()> {
    let Some(t) = session.saved_token().await else { return Ok(()) };
    if last_saved.as_deref() == Some(t.access_token.as_str()) {
        return Ok(());
    }
    save_token(name, &t)?;
    *last_saved = Some(t.access_token);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names() {
        for ok in ["default", "lab-1.edge_2", "A", "x".repeat(64).as_str(), "con1", "COM0", "nul_x"] {
            assert!(validate_profile_name(ok).is_ok(), "{ok}");
        }
        let long = "x".repeat(65);
        for bad in [
            "", ".", "..", "../../x", "a/b", "a\\b", "a\0b", ".hidden", "-x", "_x", "a b", "é", &long, "CON", "nul.x",
            "Com1", "lpt9",
        ] {
            let e = validate_profile_name(bad).unwrap_err();
            assert!(e.message.contains(PROFILE_NAME_RULE), "{bad:?}: {e}");
        }
        assert!(validate_profile_name("a\0b").unwrap_err().message.contains("a\\0b"), "a NUL is shown escaped");
    }

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_never_follows_a_link_at_its_temp_name() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("t.json");
        let victim = d.path().join("victim");
        std::fs::write(&victim, "ORIGINAL").unwrap();
        // A link planted at the first temp name tried: skipped, the next name is used.
        std::os::unix::fs::symlink(&victim, d.path().join(".t.json.planted.tmp")).unwrap();
        write_atomic_with(&target, b"new", ["planted".to_string(), "fresh".to_string()].into_iter()).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "ORIGINAL");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(mode(&target), 0o600);
        assert!(!d.path().join(".t.json.fresh.tmp").exists(), "the temp file was renamed");
        // Every name taken: refused, nothing written through.
        let e = write_atomic_with(&target, b"newer", ["planted".to_string()].into_iter()).unwrap_err();
        assert!(e.message.contains("every name was taken"), "{e}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "ORIGINAL");
        // A link at the target is replaced by the file; its target is untouched.
        std::fs::remove_file(&target).unwrap();
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        write_atomic(&target, b"replaced").unwrap();
        assert!(std::fs::symlink_metadata(&target).unwrap().file_type().is_file());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "ORIGINAL");
        // Reading refuses a link.
        std::fs::remove_file(&target).unwrap();
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        assert!(read_private(&target).unwrap_err().message.contains("symbolic link"));
        assert_eq!(read_private(&d.path().join("none")).unwrap(), None);
    }

    #[cfg(unix)]
    #[test]
    fn private_dirs_are_created_0700_and_open_ones_refused() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let deep = d.path().join("a").join("b");
        ensure_private_dir(&deep).unwrap();
        assert_eq!((mode(&d.path().join("a")), mode(&deep)), (0o700, 0o700));
        for m in [0o777, 0o770, 0o702] {
            std::fs::set_permissions(&deep, std::fs::Permissions::from_mode(m)).unwrap();
            let e = ensure_private_dir(&deep).unwrap_err();
            assert!(e.message.contains("writable by") && e.message.contains("chmod 700"), "{m:o}: {e}");
        }
        std::fs::set_permissions(&deep, std::fs::Permissions::from_mode(0o755)).unwrap();
        ensure_private_dir(&deep).expect("readable by others is allowed: the files themselves are 0600");
        let f = d.path().join("file");
        std::fs::write(&f, "").unwrap();
        assert!(ensure_private_dir(&f).unwrap_err().message.contains("not a directory"));
    }
}
