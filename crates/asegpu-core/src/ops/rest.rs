//! One ARM request on the session, for what has no operation of its own (the Az compatibility layer's
//! `Get-AzDisk`, `New-AzNetworkInterface`, `Get-AzVirtualNetwork`, ... and `Invoke-AzRestMethod`): the same
//! sign-in, token renewal, retries and long-running-operation protocol as every other call.

use crate::arm::Session;
use crate::error::{Error, Result};
use crate::progress::CancelToken;
use crate::progress::Progress;
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

/// A request: `{"method", "path", "apiVersion", "body"?, "longRunning"?}`. `path` is a path on the device's
/// ARM endpoint (`/subscriptions/...`), never a URL: the token goes only to the device.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArmRequest {
    pub method: String,
    pub path: String,
    pub api_version: String,
    #[serde(default)]
    pub body: Option<Value>,
    /// Wait for the operation's end (ARM's Azure-AsyncOperation / Location protocol) and return the final
    /// resource. Default: true for PUT, PATCH, POST and DELETE.
    #[serde(default)]
    pub long_running: Option<bool>,
}

impl ArmRequest {
    fn method(&self) -> Result<Method> {
        match self.method.to_ascii_uppercase().as_str() {
            "GET" => Ok(Method::GET),
            "PUT" => Ok(Method::PUT),
            "PATCH" => Ok(Method::PATCH),
            "POST" => Ok(Method::POST),
            "DELETE" => Ok(Method::DELETE),
            "HEAD" => Ok(Method::HEAD),
            m => {
                Err(Error::invalid(format!("method '{m}' is not an ARM method (GET, PUT, PATCH, POST, DELETE, HEAD)")))
            }
        }
    }

    /// The path with its api-version, checked to stay on the ARM endpoint.
    fn path_and_query(&self) -> Result<String> {
        let p = self.path.trim();
        if !p.starts_with('/') || p.starts_with("//") || p.contains("://") || p.contains('#') {
            return Err(Error::invalid(format!(
                "path '{p}' must be a path on the device's ARM endpoint starting with '/' (e.g. /subscriptions/...), not a URL"
            )));
        }
        if p.contains("api-version=") {
            return Err(Error::invalid("give the api-version in apiVersion, not in the path"));
        }
        let v = self.api_version.trim();
        if v.is_empty() || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(Error::invalid(format!("apiVersion '{v}' is not an api-version such as 2020-06-01")));
        }
        let sep = if p.contains('?') { '&' } else { '?' };
        Ok(format!("{p}{sep}api-version={v}"))
    }
}

/// Send the request; the result is the response's JSON (the final resource for a long-running operation),
/// or `null` when the answer has no body.
pub async fn send(session: &Session, req: &ArmRequest, progress: &Progress<'_>, cancel: &CancelToken) -> Result<Value> {
    let method = req.method()?;
    let path = req.path_and_query()?;
    let lro = req.long_running.unwrap_or(!matches!(method, Method::GET | Method::HEAD));
    if lro {
        let what = format!("{} {}", method, req.path.trim());
        return session.call_lro(&what, method, &path, req.body.as_ref(), progress, cancel).await;
    }
    let resp = session.call(method, &path, req.body.as_ref(), progress, cancel).await?;
    if resp.body.is_empty() {
        return Ok(Value::Null);
    }
    resp.json()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(path: &str, v: &str) -> ArmRequest {
        ArmRequest { method: "GET".into(), path: path.into(), api_version: v.into(), body: None, long_running: None }
    }

    #[test]
    fn paths_stay_on_the_arm_endpoint() {
        assert_eq!(
            req("/subscriptions/x", "2020-06-01").path_and_query().unwrap(),
            "/subscriptions/x?api-version=2020-06-01"
        );
        assert_eq!(req("/a?$filter=b", "2020-06-01").path_and_query().unwrap(), "/a?$filter=b&api-version=2020-06-01");
        for bad in ["https://evil.example/x", "//evil.example/x", "subscriptions/x", "/x#frag"] {
            assert!(req(bad, "2020-06-01").path_and_query().is_err(), "{bad}");
        }
        assert!(req("/x", "2020-06-01&x=y").path_and_query().is_err());
        assert!(req("/x?api-version=1", "2020-06-01").path_and_query().is_err());
        let mut r = req("/x", "1");
        r.method = "TRACE".into();
        assert!(r.method().is_err());
    }
}
