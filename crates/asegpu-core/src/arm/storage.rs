//! Storage accounts (Microsoft.Storage, control plane): create (a long-running operation), get, list keys.
//! Only the local SKUs exist on the device: `Standard_LRS` and `Premium_LRS`, kind `Storage`.

use super::{versions, Session};
use crate::device;
use crate::error::{Error, Result, Status};
use crate::progress::{CancelToken, Progress};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The SKUs the device accepts.
pub const SKUS: &[&str] = &["Standard_LRS", "Premium_LRS"];

/// A storage account as ARM returns it (the parts asegpu uses; the rest is kept in `properties`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageAccount {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub sku: Option<Sku>,
    #[serde(default)]
    pub tags: Map<String, Value>,
    #[serde(default)]
    pub properties: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sku {
    pub name: String,
    #[serde(default)]
    pub tier: Option<String>,
}

impl StorageAccount {
    /// `properties.primaryEndpoints.blob`, e.g. `https://<account>.blob.<device>.<domain>/`.
    pub fn blob_endpoint(&self) -> Option<&str> {
        self.properties.pointer("/primaryEndpoints/blob").and_then(Value::as_str)
    }
    pub fn provisioning_state(&self) -> Option<&str> {
        self.properties.get("provisioningState").and_then(Value::as_str)
    }
}

/// What to create (JSON form for the C ABI).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewStorageAccount {
    pub resource_group: String,
    pub name: String,
    /// `Standard_LRS` (default) or `Premium_LRS`.
    #[serde(default)]
    pub sku: Option<String>,
    #[serde(default)]
    pub tags: Map<String, Value>,
}

/// One access key (`key1`, `key2`).
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageKey {
    pub key_name: String,
    pub value: String,
    #[serde(default)]
    pub permissions: String,
}

impl std::fmt::Debug for StorageKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageKey").field("key_name", &self.key_name).field("value", &"<redacted>").finish()
    }
}

/// The device's rule (as Azure's): 3-24 characters, lower-case letters and digits only.
pub fn validate_account_name(name: &str) -> Result<()> {
    if !(3..=24).contains(&name.len()) || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
        return Err(Error::invalid(format!(
            "storage account name '{name}' is not valid: use 3 to 24 characters, lower-case letters and digits only"
        )));
    }
    Ok(())
}

/// The SKU as the device spells it, or an error naming the two it accepts.
pub fn normalize_sku(sku: Option<&str>) -> Result<&'static str> {
    let s = sku.unwrap_or("Standard_LRS");
    SKUS.iter().copied().find(|k| k.eq_ignore_ascii_case(s)).ok_or_else(|| {
        Error::invalid(format!(
            "storage SKU '{s}' is not available on Azure Stack Edge: only local storage accounts (Standard_LRS or Premium_LRS) can be created"
        ))
    })
}

/// The account's path, with an action after it (`listKeys`) when given.
fn account_path(session: &Session, rg: &str, name: &str, action: Option<&str>) -> Result<String> {
    super::resources::validate_name(rg)?;
    validate_account_name(name)?;
    let path = session.provider_path(rg, "Microsoft.Storage").types(&["storageAccounts", name]);
    Ok(action.map_or(path.clone(), |a| path.push(a)).api(versions::STORAGE))
}

impl Session {
    /// Get a storage account; `ASEGPU_STATUS_NOT_FOUND` if it does not exist.
    pub async fn get_storage_account(
        &self,
        resource_group: &str,
        name: &str,
        cancel: &CancelToken,
    ) -> Result<StorageAccount> {
        self.get_json(&account_path(self, resource_group, name, None)?, cancel).await
    }

    /// Create a storage account (kind `Storage`), waiting for the long-running operation. An account that
    /// already exists in this resource group is returned as is (its SKU is not changed).
    pub async fn create_storage_account(
        &self,
        req: &NewStorageAccount,
        progress: &Progress<'_>,
        cancel: &CancelToken,
    ) -> Result<StorageAccount> {
        let sku = normalize_sku(req.sku.as_deref())?;
        let path = account_path(self, &req.resource_group, &req.name, None)?;
        match self.get_storage_account(&req.resource_group, &req.name, cancel).await {
            Ok(a) if a.provisioning_state().is_none_or(|s| s.eq_ignore_ascii_case("succeeded")) => return Ok(a),
            Ok(_) => {}
            Err(e) if e.status == Status::NotFound => {}
            Err(e) => return Err(e),
        }
        let body = json!({
            "location": device::LOCATION,
            "sku": { "name": sku },
            "kind": "Storage",
            "tags": req.tags,
            "properties": {},
        });
        let out = self
            .call_lro("createStorageAccount", Method::PUT, &path, Some(&body), progress, cancel)
            .await
            .map_err(|e| e.context(format!("creating storage account '{}'", req.name)))?;
        // The final poll usually returns the account; read it when it did not.
        match serde_json::from_value::<StorageAccount>(out) {
            Ok(a) if a.blob_endpoint().is_some() => Ok(a),
            _ => self.get_storage_account(&req.resource_group, &req.name, cancel).await,
        }
    }

    /// The account's access keys (`key1`, `key2`), as `Get-AzStorageAccountKey` returns them.
    pub async fn list_storage_account_keys(
        &self,
        resource_group: &str,
        name: &str,
        cancel: &CancelToken,
    ) -> Result<Vec<StorageKey>> {
        #[derive(Deserialize)]
        struct Keys {
            keys: Vec<StorageKey>,
        }
        let path = account_path(self, resource_group, name, Some("listKeys"))?;
        let keys: Keys = self.call(Method::POST, &path, None, &Progress::none(), cancel).await?.json()?;
        if keys.keys.is_empty() {
            return Err(Error::new(
                Status::Protocol,
                format!("the device returned no keys for storage account '{name}'"),
            ));
        }
        Ok(keys.keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_skus() {
        assert!(validate_account_name("sa1abc").is_ok());
        assert!(validate_account_name("Sa1").is_err());
        assert!(validate_account_name("ab").is_err());
        assert!(validate_account_name("a-b-c").is_err());
        assert_eq!(normalize_sku(None).unwrap(), "Standard_LRS");
        assert_eq!(normalize_sku(Some("premium_lrs")).unwrap(), "Premium_LRS");
        assert!(normalize_sku(Some("Standard_GRS")).is_err());
    }
}
