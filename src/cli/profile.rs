//! Saved connection profiles (like an Az context): endpoint, trust settings and host mappings, plus a
//! token cache file readable only by the user. The password is never saved: it comes from a file, an
//! environment variable or a prompt.

use crate::arm::{ConnectOptions, SavedToken, Session};
use crate::error::{Error, Result, Status};
use crate::progress::{CancelToken, Progress};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Profiles {
    pub current: Option<String>,
    pub profiles: BTreeMap<String, ConnectOptions>,
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

pub fn write_private(path: &Path, data: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    }
    let tmp = path.with_extension("tmp");
    {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp).map_err(|e| Error::io("write", &tmp, e))?;
        f.write_all(data).map_err(|e| Error::io("write", &tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| Error::io("replace", path, e))
}

impl Profiles {
    pub fn load() -> Result<Profiles> {
        let path = config_dir().join("profiles.json");
        match std::fs::read(&path) {
            Ok(b) => {
                serde_json::from_slice(&b).map_err(|e| Error::invalid(format!("{} is not valid: {e}", path.display())))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Profiles::default()),
            Err(e) => Err(Error::io("read", &path, e)),
        }
    }
    pub fn save(&self) -> Result<()> {
        write_private(&config_dir().join("profiles.json"), &serde_json::to_vec_pretty(self)?)
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

fn token_path(profile: &str) -> PathBuf {
    config_dir().join("tokens").join(format!("{profile}.json"))
}

pub fn save_token(profile: &str, t: &SavedToken) -> Result<()> {
    write_private(&token_path(profile), &serde_json::to_vec(t)?)
}

pub fn forget_token(profile: &str) {
    let _ = std::fs::remove_file(token_path(profile));
}

fn load_token(profile: &str) -> Option<SavedToken> {
    serde_json::from_slice(&std::fs::read(token_path(profile)).ok()?).ok()
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

/// Open a session for a saved profile: reuse the cached token (renewing it), or sign in again with the
/// password when the cache cannot be used.
pub async fn open(
    profile: Option<&str>,
    password: &PasswordSource,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<(String, Session)> {
    let (name, options) = Profiles::load()?.get(profile)?;
    let session = match load_token(&name) {
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
    Ok((name, session))
}
