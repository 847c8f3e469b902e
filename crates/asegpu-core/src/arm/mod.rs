//! The ARM client: a [`Session`] connected to one device's local Azure Resource Manager.
//!
//! `Session::connect` does what `Add-AzEnvironment` + `Connect-AzAccount` do: read the metadata endpoint,
//! sign in to AD FS with the password grant, and find the device's subscription. Every later call renews
//! the token before it expires (device sessions last about 1.5 h) and retries throttling and transient
//! failures, so a caller never has to log in again.

pub mod auth;
pub mod blob;
pub mod compute;
pub mod error_body;
pub mod http;
mod lro;
pub mod path;
pub mod resource_id;
pub mod resources;
pub mod storage;
pub mod tls;
pub mod versions;

use crate::device;
use crate::error::{Error, Result, Status};
use crate::progress::{CancelToken, Progress};
use auth::{Endpoints, Grant, Token};
pub use http::RetryPolicy;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
pub use tls::{HostMap, TrustOptions};
use zeroize::Zeroizing;

/// How to reach and sign in to a device. JSON form (camelCase) is what the C ABI takes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectOptions {
    /// `https://management.<device>.<domain>/` (a port may follow the host).
    pub arm_endpoint: String,
    #[serde(default = "default_user")]
    pub username: String,
    #[serde(default = "default_tenant")]
    pub tenant_id: String,
    #[serde(default)]
    pub tls: TrustOptions,
    /// Host name (or `*.suffix`) → IP address, instead of hosts-file entries.
    #[serde(default)]
    pub host_map: BTreeMap<String, String>,
    /// Shortcut: the device's IP address, used for every `*.<device>.<domain>` host.
    #[serde(default)]
    pub device_ip: Option<String>,
    #[serde(default = "default_timeout")]
    pub request_timeout_seconds: u64,
    #[serde(default)]
    pub retry: RetryPolicy,
    /// OAuth client id; defaults to Azure PowerShell's public client, as the docs' samples use.
    #[serde(default = "default_client_id")]
    pub client_id: String,
    /// What ARM cannot tell about the device (GPU count, Kubernetes, release).
    #[serde(default)]
    pub device: device::DeviceFacts,
}

fn default_user() -> String {
    device::ARM_USER.into()
}
fn default_tenant() -> String {
    device::TENANT_ID.into()
}
fn default_timeout() -> u64 {
    100
}
/// The longest `requestTimeoutSeconds`.
pub const MAX_REQUEST_TIMEOUT_SECONDS: u64 = 3600;

/// Refuse an empty (or blank) resource name before it becomes part of a URL: `.../virtualMachines/` with
/// no name would list the VMs, and the list would read as an empty VM.
pub(crate) fn require_names(names: &[(&str, &str)]) -> Result<()> {
    match names.iter().find(|(_, v)| v.trim().is_empty()) {
        Some((what, _)) => {
            Err(Error::invalid(format!("the {what} name is empty: give the name of an existing {what}")))
        }
        None => Ok(()),
    }
}
fn default_client_id() -> String {
    device::POWERSHELL_CLIENT_ID.into()
}

impl ConnectOptions {
    pub fn new(arm_endpoint: &str) -> Self {
        serde_json::from_value(serde_json::json!({ "armEndpoint": arm_endpoint })).expect("defaults")
    }

    /// The ARM URL, normalised to end with `/`.
    pub fn arm_url(&self) -> Result<url::Url> {
        let mut s = self.arm_endpoint.trim().to_string();
        if !s.ends_with('/') {
            s.push('/');
        }
        let url = url::Url::parse(&s)
            .map_err(|e| Error::invalid(format!("armEndpoint '{}' is not a URL: {e}", self.arm_endpoint)))?;
        if url.scheme() != "https" {
            return Err(Error::invalid(format!(
                "armEndpoint '{}' must use https: the device's ARM only listens on TLS",
                self.arm_endpoint
            )));
        }
        if url.host_str().is_none() {
            return Err(Error::invalid(format!("armEndpoint '{}' has no host", self.arm_endpoint)));
        }
        Ok(url)
    }

    /// Check the ranges of what was given: `requestTimeoutSeconds` 1 to 3600, the retry policy
    /// ([`RetryPolicy::validate`]) and the device facts ([`device::DeviceFacts::validate`]). The JSON form is
    /// checked when parsed too; [`Session::connect`] checks again for options built in code.
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_REQUEST_TIMEOUT_SECONDS).contains(&self.request_timeout_seconds) {
            return Err(Error::invalid(format!(
                "requestTimeoutSeconds {} is out of range: 1 to {MAX_REQUEST_TIMEOUT_SECONDS} seconds for one request",
                self.request_timeout_seconds
            )));
        }
        self.retry.validate()?;
        self.device.validate()
    }

    /// The host overrides, including the `deviceIp` shortcut.
    pub fn host_overrides(&self) -> Result<HostMap> {
        let mut map = HostMap::new(&self.host_map)?;
        if let Some(ip) = &self.device_ip {
            let ip = ip.parse().map_err(|_| Error::invalid(format!("deviceIp '{ip}' is not an IP address")))?;
            let url = self.arm_url()?;
            let host = url.host_str().unwrap_or_default();
            // management.<device>.<domain> → *.<device>.<domain> (covers login. and *.blob.)
            let suffix = host.split_once('.').map(|(_, rest)| rest).unwrap_or(host);
            map.insert(host, ip);
            map.insert(&format!("*.{suffix}"), ip);
        }
        Ok(map)
    }
}

/// The device's single subscription.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub subscription_id: String,
    pub display_name: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub tenant_id: Option<String>,
}

/// What `Connect-AzAccount` prints, and more.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub account: String,
    pub subscription_id: String,
    pub subscription_name: String,
    pub tenant_id: String,
    pub environment: String,
    pub arm_endpoint: String,
    pub login_endpoint: String,
    pub audience: String,
    pub storage_suffix: Option<String>,
    /// `verified`, `pinned` or `DISABLED`.
    pub tls_verification: String,
    pub token_expires_on: i64,
    pub token_renewals: u64,
}

/// A token saved between CLI runs (never the password).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedToken {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_on: i64,
    pub subscription_id: String,
    pub endpoints: Endpoints,
}

/// A connection to one device. Cheap to clone; safe to use from many threads at once.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    options: ConnectOptions,
    arm: url::Url,
    endpoints: Endpoints,
    password: Option<Zeroizing<String>>,
    token: tokio::sync::Mutex<Option<Token>>,
    subscription: Subscription,
    tls_warning: Option<String>,
    renewals: AtomicU64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("arm", &self.inner.arm.as_str()).finish_non_exhaustive()
    }
}

impl Session {
    /// Discover endpoints, sign in with the password grant, and find the subscription.
    pub async fn connect(
        options: ConnectOptions,
        password: Zeroizing<String>,
        progress: &Progress<'_>,
        cancel: &CancelToken,
    ) -> Result<Session> {
        Self::open(options, Some(password), None, progress, cancel).await
    }

    /// Reopen a session from a saved token (refreshing it when needed); `password` lets it sign in again
    /// when the refresh token is gone too.
    pub async fn resume(
        options: ConnectOptions,
        saved: SavedToken,
        password: Option<Zeroizing<String>>,
        progress: &Progress<'_>,
        cancel: &CancelToken,
    ) -> Result<Session> {
        Self::open(options, password, Some(saved), progress, cancel).await
    }

    async fn open(
        options: ConnectOptions,
        password: Option<Zeroizing<String>>,
        saved: Option<SavedToken>,
        progress: &Progress<'_>,
        cancel: &CancelToken,
    ) -> Result<Session> {
        options.validate()?;
        let arm = options.arm_url()?;
        if options.username.trim().is_empty() {
            return Err(Error::invalid("username is empty (the device's ARM user is EdgeArmUser)"));
        }
        if let Some(p) = &password {
            if p.is_empty() {
                return Err(Error::invalid("the password is empty"));
            }
        }
        let hosts = options.host_overrides()?;
        let timeout = Duration::from_secs(options.request_timeout_seconds);
        let (http, tls_warning) =
            tls::build_client_with(&options.tls, &hosts, timeout, options.retry.connect_timeout())?;
        if let Some(w) = &tls_warning {
            progress.emit("connect", "warning", w.clone());
        }
        let (endpoints, token, subscription) = match saved {
            Some(s) if s.endpoints.resource_manager == arm.as_str() => {
                let tok = Token::from_saved(s.access_token, s.refresh_token, s.expires_on);
                let sub = Subscription {
                    subscription_id: s.subscription_id,
                    display_name: device::SUBSCRIPTION_NAME.into(),
                    state: "Enabled".into(),
                    tenant_id: None,
                };
                (s.endpoints, Some(tok), Some(sub))
            }
            _ => {
                progress.emit("connect", "running", format!("reading {arm}metadata/endpoints"));
                let endpoints = auth::discover(&http, &options.retry, &arm, progress, cancel).await?;
                (endpoints, None, None)
            }
        };
        let mut session = Session {
            inner: Arc::new(Inner {
                http,
                arm,
                endpoints,
                password,
                token: tokio::sync::Mutex::new(token),
                subscription: Subscription {
                    subscription_id: String::new(),
                    display_name: String::new(),
                    state: String::new(),
                    tenant_id: None,
                },
                tls_warning,
                renewals: AtomicU64::new(0),
                options,
            }),
        };
        progress.emit("connect", "running", format!("signing in to {}", session.inner.endpoints.login_endpoint));
        session.bearer(cancel).await?;
        let subscription = match subscription {
            Some(s) => s,
            None => session.find_subscription(cancel).await?,
        };
        Arc::get_mut(&mut session.inner).expect("not shared yet").subscription = subscription;
        progress.emit("connect", "succeeded", format!("connected to {}", session.inner.arm));
        Ok(session)
    }

    async fn find_subscription(&self, cancel: &CancelToken) -> Result<Subscription> {
        #[derive(Deserialize)]
        struct List {
            value: Vec<Subscription>,
        }
        let path = format!("subscriptions?api-version={}", versions::SUBSCRIPTIONS); // the one path with no segment
        let list: List = self.get_json(&path, cancel).await?;
        let found = list
            .value
            .iter()
            .find(|s| s.display_name.eq_ignore_ascii_case(device::SUBSCRIPTION_NAME))
            .or(list.value.first())
            .cloned();
        found.ok_or_else(|| {
            Error::new(
                Status::NotFound,
                "the device has no subscription yet: enable virtual machines for the device in the Azure portal \
                 (that creates the 'Default Provider Subscription')",
            )
        })
    }

    pub fn subscription_id(&self) -> &str {
        &self.inner.subscription.subscription_id
    }
    /// `subscriptions/{this session's subscription}`, to build request paths on.
    pub fn subscription_path(&self) -> path::ArmPath {
        path::ArmPath::subscription(self.subscription_id())
    }
    /// `…/resourceGroups/{group}/providers/{namespace}`: where a group's resources of one provider live.
    pub fn provider_path(&self, group: &str, namespace: &str) -> path::ArmPath {
        path::ArmPath::group(self.subscription_id(), group).provider(namespace)
    }
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }
    pub fn options(&self) -> &ConnectOptions {
        &self.inner.options
    }
    pub fn tls_warning(&self) -> Option<&str> {
        self.inner.tls_warning.as_deref()
    }
    /// How many times the token was renewed after sign-in.
    pub fn token_renewals(&self) -> u64 {
        self.inner.renewals.load(Ordering::Relaxed)
    }

    pub async fn info(&self) -> SessionInfo {
        let expires = self.inner.token.lock().await.as_ref().map(|t| t.expires_on).unwrap_or(0);
        let o = &self.inner.options;
        SessionInfo {
            account: format!("{}@localhost", o.username),
            subscription_id: self.inner.subscription.subscription_id.clone(),
            subscription_name: self.inner.subscription.display_name.clone(),
            tenant_id: o.tenant_id.clone(),
            environment: self.inner.arm.host_str().unwrap_or_default().to_string(),
            arm_endpoint: self.inner.arm.to_string(),
            login_endpoint: self.inner.endpoints.login_endpoint.clone(),
            audience: self.inner.endpoints.audience.clone(),
            storage_suffix: self.inner.endpoints.storage_suffix.clone(),
            tls_verification: if o.tls.insecure_skip_tls_verify {
                "DISABLED".into()
            } else if o.tls.certificate_thumbprint.is_some() {
                "pinned".into()
            } else {
                "verified".into()
            },
            token_expires_on: expires,
            token_renewals: self.token_renewals(),
        }
    }

    /// The current token, for saving between CLI runs.
    pub async fn saved_token(&self) -> Option<SavedToken> {
        let guard = self.inner.token.lock().await;
        let t = guard.as_ref()?;
        Some(SavedToken {
            access_token: t.access_token.to_string(),
            refresh_token: t.refresh_token.as_ref().map(|r| r.to_string()),
            expires_on: t.expires_on,
            subscription_id: self.inner.subscription.subscription_id.clone(),
            endpoints: self.inner.endpoints.clone(),
        })
    }

    /// A valid bearer token, renewed first if it is about to expire (refresh grant, then password grant).
    pub async fn bearer(&self, cancel: &CancelToken) -> Result<String> {
        self.bearer_inner(false, cancel).await
    }

    async fn bearer_inner(&self, force: bool, cancel: &CancelToken) -> Result<String> {
        let mut guard = self.inner.token.lock().await;
        if let Some(t) = guard.as_ref() {
            if t.is_fresh() && !force {
                return Ok(t.access_token.to_string());
            }
        }
        let had_token = guard.is_some();
        let refresh = guard.as_ref().and_then(|t| t.refresh_token.clone());
        let i = &self.inner;
        let mut last_err = None;
        if let Some(rt) = refresh {
            match auth::request_token(
                &i.http,
                &i.options.retry,
                &i.endpoints,
                &i.options.client_id,
                Grant::Refresh { refresh_token: &rt },
                cancel,
            )
            .await
            {
                Ok(t) => {
                    let tok = t.access_token.to_string();
                    let keep_rt = t.refresh_token.is_none();
                    let mut t = t;
                    if keep_rt {
                        t.refresh_token = Some(rt);
                    }
                    *guard = Some(t);
                    i.renewals.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!("token renewed with the refresh token");
                    return Ok(tok);
                }
                Err(e) if e.status == Status::Cancelled => return Err(e),
                Err(e) => last_err = Some(e),
            }
        }
        let Some(password) = &i.password else {
            return Err(last_err.unwrap_or_else(|| {
                Error::new(
                    Status::Authentication,
                    "the saved sign-in has expired and no password is available; connect again",
                )
            }));
        };
        let t = auth::request_token(
            &i.http,
            &i.options.retry,
            &i.endpoints,
            &i.options.client_id,
            Grant::Password { username: &i.options.username, password },
            cancel,
        )
        .await?;
        let tok = t.access_token.to_string();
        *guard = Some(t);
        if had_token {
            i.renewals.fetch_add(1, Ordering::Relaxed);
            tracing::debug!("token renewed with the password grant");
        }
        Ok(tok)
    }

    /// Absolute URL for an ARM path (relative to the endpoint) or an absolute URL on the same device.
    pub fn url(&self, path_or_url: &str) -> Result<url::Url> {
        if path_or_url.starts_with("https://") || path_or_url.starts_with("http://") {
            return url::Url::parse(path_or_url)
                .map_err(|e| Error::new(Status::Protocol, format!("bad URL '{path_or_url}': {e}")));
        }
        self.inner
            .arm
            .join(path_or_url.trim_start_matches('/'))
            .map_err(|e| Error::invalid(format!("bad ARM path '{path_or_url}': {e}")))
    }

    /// One ARM call. 401 triggers one forced token renewal; transient failures are retried. Returns the
    /// response for 2xx; any other status becomes an error.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
        progress: &Progress<'_>,
        cancel: &CancelToken,
    ) -> Result<http::HttpResponse> {
        let url = self.url(path)?;
        let body = body.map(|b| bytes::Bytes::from(serde_json::to_vec(b).expect("JSON value serializes")));
        let correlation_id = uuid::Uuid::new_v4().to_string();
        let mut renewed = false;
        loop {
            let bearer = self.bearer_inner(renewed, cancel).await?;
            let req = http::Request {
                method: method.clone(),
                url: url.clone(),
                bearer: Some(bearer),
                body: body.clone(),
                content_type: "application/json",
                extra_headers: vec![],
                client_request_id: uuid::Uuid::new_v4().to_string(),
                correlation_id: correlation_id.clone(),
            };
            let resp =
                http::send_with_retry(&self.inner.http, &self.inner.options.retry, &req, progress, cancel).await?;
            if resp.status.as_u16() == 401 && !renewed {
                tracing::debug!("ARM answered 401; renewing the token once");
                renewed = true;
                continue;
            }
            if resp.status.is_success() {
                return Ok(resp);
            }
            return Err(http::error_from_response(&resp, &correlation_id));
        }
    }

    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str, cancel: &CancelToken) -> Result<T> {
        self.call(Method::GET, path, None, &Progress::none(), cancel).await?.json()
    }

    /// GET a list and follow `nextLink` until the end.
    pub async fn list_all(&self, path: &str, cancel: &CancelToken) -> Result<Vec<serde_json::Value>> {
        let mut out = Vec::new();
        let mut next = Some(path.to_string());
        while let Some(p) = next.take() {
            let page: serde_json::Value = self.get_json(&p, cancel).await?;
            if let Some(items) = page.get("value").and_then(|v| v.as_array()) {
                out.extend(items.iter().cloned());
            }
            next = page.get("nextLink").and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(str::to_string);
        }
        Ok(out)
    }

    /// Start a long-running operation and wait for its end (see [`lro`]).
    pub async fn call_lro(
        &self,
        operation: &str,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
        progress: &Progress<'_>,
        cancel: &CancelToken,
    ) -> Result<serde_json::Value> {
        progress.emit(operation, "started", format!("{method} {}", path.split('?').next().unwrap_or(path)));
        let initial = self.call(method.clone(), path, body, progress, cancel).await?;
        let result = lro::wait(self, operation, &method, &self.url(path)?, initial, progress, cancel).await;
        match &result {
            Ok(_) => progress.emit(operation, "succeeded", "Succeeded"),
            Err(e) => progress.emit(operation, "failed", e.to_string()),
        }
        result
    }
}
