//! `apiProfile` resolution for Azure Stack hybrid profiles.
//!
//! A template may set a top-level `apiProfile`; a resource without `apiVersion` then takes its
//! version from the profile. Table from the Azure Stack Hub profile definitions
//! (azure-rest-api-specs `profile/*.json`, azure-cli `AZURE_API_PROFILES`), see arm-api.md §1.3.

use super::error::TemplateError;

/// Profiles this module knows.
pub const KNOWN_PROFILES: &[&str] = &["2018-03-01-hybrid", "2019-03-01-hybrid", "2020-09-01-hybrid"];

struct Profile {
    compute: &'static str,
    disks: &'static str,
    network: &'static str,
    storage: &'static str,
    resources: &'static str,
    subscriptions: &'static str,
    databox_edge: Option<&'static str>,
}

fn profile(name: &str) -> Option<Profile> {
    Some(match name.to_ascii_lowercase().as_str() {
        "2018-03-01-hybrid" => Profile {
            compute: "2017-03-30",
            disks: "2017-03-30",
            network: "2017-10-01",
            storage: "2016-01-01",
            resources: "2018-02-01",
            subscriptions: "2016-06-01",
            databox_edge: None,
        },
        "2019-03-01-hybrid" => Profile {
            compute: "2017-12-01",
            disks: "2017-03-30",
            network: "2017-10-01",
            storage: "2017-10-01",
            resources: "2018-05-01",
            subscriptions: "2016-06-01",
            databox_edge: Some("2019-08-01"),
        },
        "2020-09-01-hybrid" => Profile {
            compute: "2020-06-01",
            disks: "2019-07-01",
            network: "2018-11-01",
            storage: "2019-06-01",
            resources: "2019-10-01",
            subscriptions: "2016-06-01",
            databox_edge: Some("2019-08-01"),
        },
        _ => return None,
    })
}

/// True if `name` is a known profile (case-insensitive).
pub fn is_known_profile(name: &str) -> bool {
    profile(name).is_some()
}

/// The api-version that `profile_name` assigns to `resource_type`
/// (e.g. `Microsoft.Compute/virtualMachines/extensions`), case-insensitively.
pub fn api_version(profile_name: &str, resource_type: &str) -> Option<&'static str> {
    let p = profile(profile_name)?;
    let lower = resource_type.to_ascii_lowercase();
    let mut parts = lower.splitn(2, '/');
    let namespace = parts.next()?;
    let ty = parts.next().unwrap_or("");
    let first = ty.split('/').next().unwrap_or("");
    match namespace {
        "microsoft.compute" if first == "disks" || first == "snapshots" => Some(p.disks),
        "microsoft.compute" => Some(p.compute),
        "microsoft.network" => Some(p.network),
        "microsoft.storage" => Some(p.storage),
        "microsoft.resources" if matches!(ty, "subscriptions" | "subscriptions/locations" | "tenants") => {
            Some(p.subscriptions)
        }
        "microsoft.resources" => Some(p.resources),
        "microsoft.databoxedge" => p.databox_edge,
        _ => None,
    }
}

/// Resolves a resource's api-version: the explicit one wins; otherwise the profile's.
/// `resource_label` names the resource in the error message.
pub fn resolve_api_version(
    explicit: Option<&str>,
    profile_name: Option<&str>,
    resource_type: &str,
    resource_label: &str,
) -> Result<String, TemplateError> {
    if let Some(v) = explicit.filter(|v| !v.is_empty()) {
        return Ok(v.to_string());
    }
    match profile_name {
        None => Err(TemplateError::invalid_template(format!(
            "Deployment template validation failed: 'The template resource '{resource_label}' is not valid: the resource property 'apiVersion' is missing and the template does not specify an 'apiProfile'.'"
        ))),
        Some(p) if !is_known_profile(p) => Err(TemplateError::invalid_template(format!(
            "Deployment template validation failed: 'The template api profile '{p}' is not supported. Supported profiles are '{}'.'",
            KNOWN_PROFILES.join(", ")
        ))),
        Some(p) => api_version(p, resource_type).map(str::to_string).ok_or_else(|| {
            TemplateError::invalid_template(format!(
                "Deployment template validation failed: 'The template resource '{resource_label}' is not valid: the api profile '{p}' does not define an api-version for resource type '{resource_type}' and the resource has no 'apiVersion'.'"
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases = [
            ("2018-03-01-hybrid", "Microsoft.Compute/virtualMachines/extensions", Some("2017-03-30")),
            ("2018-03-01-hybrid", "microsoft.compute/disks", Some("2017-03-30")),
            ("2018-03-01-hybrid", "Microsoft.Network/networkInterfaces", Some("2017-10-01")),
            ("2018-03-01-hybrid", "Microsoft.Storage/storageAccounts", Some("2016-01-01")),
            ("2018-03-01-hybrid", "Microsoft.Resources/deployments", Some("2018-02-01")),
            ("2018-03-01-hybrid", "Microsoft.Resources/subscriptions", Some("2016-06-01")),
            ("2019-03-01-hybrid", "Microsoft.Compute/virtualMachines", Some("2017-12-01")),
            ("2019-03-01-hybrid", "Microsoft.Compute/snapshots", Some("2017-03-30")),
            ("2019-03-01-hybrid", "Microsoft.Storage/storageAccounts", Some("2017-10-01")),
            ("2019-03-01-hybrid", "Microsoft.Resources/deployments", Some("2018-05-01")),
            ("2020-09-01-hybrid", "Microsoft.Compute/virtualMachines", Some("2020-06-01")),
            ("2020-09-01-hybrid", "Microsoft.Compute/disks", Some("2019-07-01")),
            ("2020-09-01-hybrid", "Microsoft.Network/virtualNetworks/subnets", Some("2018-11-01")),
            ("2020-09-01-hybrid", "Microsoft.Storage/storageAccounts", Some("2019-06-01")),
            ("2020-09-01-hybrid", "Microsoft.Resources/tenants", Some("2016-06-01")),
            ("2020-09-01-HYBRID", "Microsoft.Resources/resourceGroups", Some("2019-10-01")),
            ("2018-03-01-hybrid", "Microsoft.AzureBridge/locations/ingestionJobs", None),
            ("latest", "Microsoft.Compute/virtualMachines", None),
        ];
        for (p, t, want) in cases {
            assert_eq!(api_version(p, t), want, "{p} {t}");
        }
    }

    #[test]
    fn resolution() {
        assert_eq!(
            resolve_api_version(
                Some("2019-07-01"),
                Some("2018-03-01-hybrid"),
                "Microsoft.Compute/virtualMachines",
                "x"
            )
            .unwrap(),
            "2019-07-01"
        );
        assert_eq!(
            resolve_api_version(None, Some("2018-03-01-hybrid"), "Microsoft.Compute/virtualMachines", "x").unwrap(),
            "2017-03-30"
        );
        assert_eq!(
            resolve_api_version(None, None, "Microsoft.Compute/virtualMachines", "x").unwrap_err().code,
            "InvalidTemplate"
        );
        assert!(resolve_api_version(None, Some("bogus"), "Microsoft.Compute/virtualMachines", "x").is_err());
        assert!(resolve_api_version(None, Some("2018-03-01-hybrid"), "Contoso.Foo/bars", "x").is_err());
    }
}
