//! The deployment context: who/where a template is deployed, as seen by `subscription()`,
//! `resourceGroup()`, `deployment()`, `environment()` and `utcNow()`.

use crate::arm::resource_id::ResourceId;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// The fixed Azure Stack Edge tenant id.
pub const ASE_TENANT_ID: &str = "c0257de7-538f-415c-993a-1b87a031879d";

/// Where and as what a template is deployed.
#[derive(Debug, Clone)]
pub struct DeploymentContext {
    /// Subscription id (GUID).
    pub subscription_id: String,
    /// Tenant id.
    pub tenant_id: String,
    /// Subscription display name.
    pub subscription_display_name: String,
    /// Target resource group name.
    pub resource_group: String,
    /// Resource group location (e.g. `dbelocal`).
    pub location: String,
    /// Resource group tags.
    pub resource_group_tags: Value,
    /// Deployment name.
    pub deployment_name: String,
    /// Deployment mode (`Incremental` or `Complete`).
    pub mode: String,
    /// URI of a linked template, if the template came from `templateLink`.
    pub template_link: Option<String>,
    /// Time returned by `utcNow()`; fixed per deployment.
    pub now: DateTime<Utc>,
    /// The `environment()` object.
    pub environment: Value,
}

impl DeploymentContext {
    /// A context with ASE defaults: the ASE tenant, "Default Provider Subscription",
    /// the current time and an `environment()` for `management.<device>.<domain>`-style endpoints.
    pub fn new(subscription_id: &str, resource_group: &str, location: &str, deployment_name: &str) -> Self {
        DeploymentContext {
            subscription_id: subscription_id.to_string(),
            tenant_id: ASE_TENANT_ID.to_string(),
            subscription_display_name: "Default Provider Subscription".to_string(),
            resource_group: resource_group.to_string(),
            location: location.to_string(),
            resource_group_tags: json!({}),
            deployment_name: deployment_name.to_string(),
            mode: "Incremental".to_string(),
            template_link: None,
            now: Utc::now(),
            environment: default_environment("https://management.local/", "local"),
        }
    }

    /// `/subscriptions/{sub}/resourceGroups/{rg}`.
    pub fn resource_group_id(&self) -> String {
        ResourceId::group(&self.subscription_id, &self.resource_group).to_string()
    }

    /// The same context targeting another resource group (nested deployments).
    pub fn for_resource_group(&self, resource_group: &str) -> Self {
        DeploymentContext { resource_group: resource_group.to_string(), ..self.clone() }
    }

    /// `resourceGroup()`.
    pub fn resource_group_object(&self) -> Value {
        json!({
            "id": self.resource_group_id(),
            "name": self.resource_group,
            "type": "Microsoft.Resources/resourceGroups",
            "location": self.location,
            "tags": self.resource_group_tags,
            "properties": {"provisioningState": "Succeeded"}
        })
    }

    /// `subscription()`.
    pub fn subscription_object(&self) -> Value {
        json!({
            "id": ResourceId::subscription(&self.subscription_id).to_string(),
            "subscriptionId": self.subscription_id,
            "tenantId": self.tenant_id,
            "displayName": self.subscription_display_name
        })
    }

    /// `deployment()` for `template`.
    pub fn deployment_object(&self, template: &Value) -> Value {
        let mut tpl = serde_json::Map::new();
        for key in ["$schema", "contentVersion", "metadata", "apiProfile"] {
            if let Some(v) = template.get(key) {
                tpl.insert(key.to_string(), v.clone());
            }
        }
        let mut props = serde_json::Map::new();
        if let Some(uri) = &self.template_link {
            props.insert("templateLink".into(), json!({"uri": uri}));
        }
        props.insert("template".into(), Value::Object(tpl));
        props.insert("mode".into(), json!(self.mode));
        props.insert("provisioningState".into(), json!("Accepted"));
        json!({
            "name": self.deployment_name,
            "type": "Microsoft.Resources/deployments",
            "id": ResourceId::in_group(&self.subscription_id, &self.resource_group, "Microsoft.Resources", &["deployments", &self.deployment_name]).to_string(),
            "location": self.location,
            "properties": props
        })
    }
}

/// An `environment()` object for an Azure Stack (Edge) cloud with AD FS.
/// `resource_manager` is the ARM endpoint URL, `storage_suffix` the storage endpoint suffix
/// (`<device>.<dnsdomain>` on ASE).
pub fn default_environment(resource_manager: &str, storage_suffix: &str) -> Value {
    json!({
        "name": "AzureStack",
        "gallery": "",
        "graph": "",
        "portal": "",
        "graphAudience": "",
        "activeDirectoryDataLake": "",
        "batch": "",
        "media": "",
        "sqlManagement": "",
        "vmImageAliasDoc": "",
        "resourceManager": resource_manager,
        "authentication": {
            "loginEndpoint": "",
            "audiences": [resource_manager],
            "tenant": "adfs",
            "identityProvider": "ADFS"
        },
        "suffixes": {
            "acrLoginServer": "",
            "azureDatalakeAnalyticsCatalogAndJob": "",
            "azureDatalakeStoreFileSystem": "",
            "keyvaultDns": "",
            "sqlServerHostname": "",
            "storage": storage_suffix
        }
    })
}
