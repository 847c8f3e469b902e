//! Resource groups (Microsoft.Resources).

use super::{versions, Session};
use crate::device;
use crate::error::{Error, Result};
use crate::progress::{CancelToken, Progress};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// A resource group as ARM returns it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroup {
    pub id: String,
    pub name: String,
    pub location: String,
    #[serde(default)]
    pub tags: Map<String, Value>,
    #[serde(default)]
    pub properties: ResourceGroupProperties,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroupProperties {
    #[serde(default)]
    pub provisioning_state: String,
}

/// What to create (JSON form for the C ABI).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewResourceGroup {
    pub name: String,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub tags: Map<String, Value>,
}

/// ARM's rule: 1-90 characters: letters, digits, `_`, `-`, `.`, `(`, `)`, not ending in `.`.
pub fn validate_name(name: &str) -> Result<()> {
    if name.is_empty() || name.chars().count() > 90 {
        return Err(Error::invalid(format!("resource group name '{name}' must be 1 to 90 characters long")));
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')'))) {
        return Err(Error::invalid(format!(
            "resource group name '{name}' contains '{bad}': only letters, digits, '-', '.', '(', ')' and '_' are allowed"
        )));
    }
    if name.ends_with('.') {
        return Err(Error::invalid(format!("resource group name '{name}' cannot end with '.'")));
    }
    Ok(())
}

fn rg_path(session: &Session, name: &str) -> String {
    session.subscription_path().types(&["resourcegroups", name]).api(versions::RESOURCES)
}

impl Session {
    pub async fn list_resource_groups(&self, cancel: &CancelToken) -> Result<Vec<ResourceGroup>> {
        let path = self.subscription_path().push("resourcegroups").api(versions::RESOURCES);
        let items = self.list_all(&path, cancel).await?;
        items.into_iter().map(|v| serde_json::from_value(v).map_err(Error::from)).collect()
    }

    pub async fn get_resource_group(&self, name: &str, cancel: &CancelToken) -> Result<ResourceGroup> {
        validate_name(name)?;
        self.get_json(&rg_path(self, name), cancel).await
    }

    /// Create (or update the tags of) a resource group. The location defaults to the device's `dbelocal`;
    /// any other location is refused before anything is sent.
    pub async fn create_resource_group(&self, req: &NewResourceGroup, cancel: &CancelToken) -> Result<ResourceGroup> {
        validate_name(&req.name)?;
        let location = req.location.as_deref().unwrap_or(device::LOCATION);
        if !location.eq_ignore_ascii_case(device::LOCATION) {
            return Err(Error::invalid(format!(
                "location '{location}' is not available on an Azure Stack Edge device: the only location is '{}'",
                device::LOCATION
            )));
        }
        let body = json!({ "location": device::LOCATION, "tags": req.tags });
        let resp = self.call(Method::PUT, &rg_path(self, &req.name), Some(&body), &Progress::none(), cancel).await?;
        resp.json()
    }

    /// Delete a resource group and everything in it (a long-running operation).
    pub async fn delete_resource_group(&self, name: &str, progress: &Progress<'_>, cancel: &CancelToken) -> Result<()> {
        validate_name(name)?;
        self.call_lro("deleteResourceGroup", Method::DELETE, &rg_path(self, name), None, progress, cancel)
            .await
            .map_err(|e| e.context(format!("deleting resource group '{name}'")))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(validate_name("rg-1_(a).b").is_ok());
        assert!(validate_name("").is_err());
        assert!(validate_name("a.").is_err());
        assert!(validate_name("a/b").is_err());
        assert!(validate_name(&"a".repeat(91)).is_err());
    }
}
