//! Endpoint discovery (`/metadata/endpoints`) and the AD FS OAuth2 v1 token flow: the password grant the
//! docs' samples use, the refresh-token grant, and renewal before expiry.

use super::http::{self, RetryPolicy};
use crate::error::{Error, Result, Status};
use crate::progress::{CancelToken, Progress};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// What `/metadata/endpoints` tells us.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    pub resource_manager: String,
    /// AD FS authority, e.g. `https://login.<device>.<domain>/adfs/`.
    pub login_endpoint: String,
    /// The token audience (the OAuth2 `resource`).
    pub audience: String,
    /// Suffix for storage endpoints, e.g. `<device>.<domain>` (blob host = `<account>.blob.<suffix>`).
    pub storage_suffix: Option<String>,
}

impl Endpoints {
    /// `{loginEndpoint}/oauth2/token` (AD FS has no tenant segment).
    pub fn token_url(&self) -> Result<url::Url> {
        let base = self.login_endpoint.trim_end_matches('/');
        url::Url::parse(&format!("{base}/oauth2/token"))
            .map_err(|e| Error::new(Status::Protocol, format!("bad loginEndpoint '{}': {e}", self.login_endpoint)))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MetadataDoc {
    authentication: Option<MetadataAuth>,
    #[serde(default)]
    suffixes: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MetadataAuth {
    login_endpoint: Option<String>,
    #[serde(default)]
    audiences: Vec<String>,
}

/// GET `{arm}/metadata/endpoints?api-version=2015-01-01` (no authentication).
pub async fn discover(
    client: &reqwest::Client,
    retry: &RetryPolicy,
    arm: &url::Url,
    progress: &Progress<'_>,
    cancel: &CancelToken,
) -> Result<Endpoints> {
    let mut url = arm.join("metadata/endpoints").map_err(|e| Error::invalid(format!("armEndpoint: {e}")))?;
    url.set_query(Some("api-version=2015-01-01"));
    let req = http::Request {
        method: Method::GET,
        url,
        bearer: None,
        body: None,
        content_type: "",
        extra_headers: vec![],
        client_request_id: uuid::Uuid::new_v4().to_string(),
        correlation_id: uuid::Uuid::new_v4().to_string(),
    };
    let resp = http::send_with_retry(client, retry, &req, progress, cancel)
        .await
        .map_err(|e| e.context("unable to get endpoints from the device's ARM metadata"))?;
    if !resp.status.is_success() {
        return Err(http::error_from_response(&resp, &req.correlation_id)
            .context(format!("unable to get endpoints from {arm}metadata/endpoints")));
    }
    let doc: MetadataDoc = resp.json()?;
    let auth = doc.authentication.ok_or_else(|| {
        Error::new(
            Status::Protocol,
            "the metadata document has no 'authentication' section; is this an Azure Stack Edge ARM endpoint?",
        )
    })?;
    let login_endpoint = auth
        .login_endpoint
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::new(Status::Protocol, "the metadata document has no authentication.loginEndpoint"))?;
    // The docs: use audiences[0]; fall back to the ARM URL itself.
    let audience = auth.audiences.into_iter().next().unwrap_or_else(|| arm.to_string());
    let storage_suffix = doc
        .suffixes
        .and_then(|s| s.get("storage").and_then(|v| v.as_str()).map(str::to_string))
        .filter(|s| !s.is_empty());
    Ok(Endpoints { resource_manager: arm.to_string(), login_endpoint, audience, storage_suffix })
}

/// An access token and what we need to renew it.
pub struct Token {
    pub access_token: Zeroizing<String>,
    pub refresh_token: Option<Zeroizing<String>>,
    pub obtained: Instant,
    pub lifetime: Duration,
    /// Unix time of expiry (for saving to a token cache).
    pub expires_on: i64,
}

impl Token {
    /// True when the token is still good for a while: renew when less than a fifth of its life (at most
    /// five minutes) is left, so a request never leaves with a token that expires on the way.
    pub fn is_fresh(&self) -> bool {
        let margin = (self.lifetime / 5).min(Duration::from_secs(300));
        self.obtained.elapsed() + margin < self.lifetime
    }
    pub fn from_saved(access_token: String, refresh_token: Option<String>, expires_on: i64) -> Token {
        let now = chrono::Utc::now().timestamp();
        let left = Duration::from_secs((expires_on - now).max(0) as u64);
        Token {
            access_token: Zeroizing::new(access_token),
            refresh_token: refresh_token.map(Zeroizing::new),
            obtained: Instant::now(),
            lifetime: left,
            expires_on,
        }
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    refresh_token: Option<String>,
    expires_in: Option<NumOrString>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrString {
    Num(u64),
    Str(String),
}

#[derive(Deserialize)]
struct TokenError {
    error: Option<String>,
    error_description: Option<String>,
}

/// Which grant to send.
pub enum Grant<'a> {
    Password { username: &'a str, password: &'a str },
    Refresh { refresh_token: &'a str },
}

/// The urlencoded token request (holds the password: zeroised when dropped). The buffer is sized for the
/// worst case up front (every byte percent-encoded), so it never grows: growing would free a copy of the
/// password without wiping it.
fn token_form(client_id: &str, resource: &str, grant: &Grant<'_>) -> Zeroizing<String> {
    let secret_len = match grant {
        Grant::Password { username, password } => username.len() + password.len(),
        Grant::Refresh { refresh_token } => refresh_token.len(),
    };
    let capacity = 3 * (client_id.len() + resource.len() + secret_len) + 128;
    let mut form = url::form_urlencoded::Serializer::new(String::with_capacity(capacity));
    form.append_pair("client_id", client_id).append_pair("resource", resource);
    match grant {
        Grant::Password { username, password } => {
            form.append_pair("grant_type", "password")
                .append_pair("username", username)
                .append_pair("password", password)
                .append_pair("scope", "openid");
        }
        Grant::Refresh { refresh_token } => {
            form.append_pair("grant_type", "refresh_token").append_pair("refresh_token", refresh_token);
        }
    }
    Zeroizing::new(form.finish())
}

/// POST to the AD FS token endpoint. Never logs or echoes the form (it holds the password).
pub async fn request_token(
    client: &reqwest::Client,
    retry: &RetryPolicy,
    endpoints: &Endpoints,
    client_id: &str,
    grant: Grant<'_>,
    cancel: &CancelToken,
) -> Result<Token> {
    let url = endpoints.token_url()?;
    let mut form = token_form(client_id, &endpoints.audience, &grant);
    // Moved, not copied, into a buffer that is wiped on drop.
    let body = Zeroizing::new(std::mem::take(&mut *form).into_bytes());
    let req = http::Request {
        method: Method::POST,
        url: url.clone(),
        bearer: None,
        // The one buffer handed to the HTTP stack: shared (not copied) by retries, wiped when the last
        // reference is dropped. Copies hyper/rustls make while sending are outside asegpu's control.
        body: Some(bytes::Bytes::from_owner(body)),
        content_type: "application/x-www-form-urlencoded",
        extra_headers: vec![],
        client_request_id: uuid::Uuid::new_v4().to_string(),
        correlation_id: uuid::Uuid::new_v4().to_string(),
    };
    let started = Instant::now();
    let resp = http::send_with_retry(client, retry, &req, &Progress::none(), cancel)
        .await
        .map_err(|e| e.context("cannot reach the device's sign-in endpoint (AD FS)"))?;
    if !resp.status.is_success() {
        let parsed: Option<TokenError> = serde_json::from_slice(&resp.body).ok();
        let (code, desc) = match parsed {
            Some(t) => (t.error, t.error_description),
            None => (None, None),
        };
        let who = match &grant {
            Grant::Password { username, .. } => format!("for '{username}'"),
            Grant::Refresh { .. } => "with the refresh token".to_string(),
        };
        let desc = desc.unwrap_or_else(|| format!("HTTP {}", resp.status.as_u16()));
        let hint = if matches!(grant, Grant::Password { .. }) && code.as_deref() == Some("invalid_grant") {
            " Check the Edge ARM password (reset it in the Azure portal: your Azure Stack Edge resource > Properties > Reset Edge ARM password) and that the user is EdgeArmUser."
        } else {
            ""
        };
        let mut e = Error::new(Status::Authentication, format!("AD FS refused the sign-in {who}: {desc}.{hint}"))
            .with_http(resp.status.as_u16());
        e.arm_code = code;
        e.request_id = resp.header("client-request-id").map(str::to_string);
        return Err(e);
    }
    let t: TokenResponse = resp.json()?;
    let secs = match t.expires_in {
        Some(NumOrString::Num(n)) => n,
        Some(NumOrString::Str(s)) => s.trim().parse().unwrap_or(3600),
        None => 3600,
    };
    Ok(Token {
        access_token: Zeroizing::new(t.access_token),
        refresh_token: t.refresh_token.map(Zeroizing::new),
        obtained: started,
        lifetime: Duration::from_secs(secs),
        expires_on: chrono::Utc::now().timestamp() + secs as i64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_url_has_no_tenant() {
        let e = Endpoints {
            resource_manager: "https://management.d.example.test/".into(),
            login_endpoint: "https://login.d.example.test/adfs/".into(),
            audience: "https://management.d.example.test/".into(),
            storage_suffix: None,
        };
        assert_eq!(e.token_url().unwrap().as_str(), "https://login.d.example.test/adfs/oauth2/token");
    }

    #[test]
    fn freshness_margin() {
        let t = Token::from_saved("a".into(), None, chrono::Utc::now().timestamp() + 3600);
        assert!(t.is_fresh());
        let t = Token::from_saved("a".into(), None, chrono::Utc::now().timestamp() + 10);
        assert!(t.is_fresh(), "a 10 s token is fresh for its first 8 s");
        let t = Token::from_saved("a".into(), None, chrono::Utc::now().timestamp() - 1);
        assert!(!t.is_fresh());
    }
}
