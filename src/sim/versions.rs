//! Which api-versions the emulated device accepts, per provider (strict mode): the device's documented
//! 2019-03-01-hybrid table, the versions its templates pin, and what the hybrid profiles (2018-03-01,
//! 2019-03-01, 2020-09-01) resolve to, because the Azure CLI and SDKs on those profiles send them.

use super::http::{arm_error, Resp};
use super::ApiVersionMode;

pub const RESOURCES: &[&str] = &["2020-06-01", "2019-10-01", "2018-09-01", "2018-05-01", "2018-02-01", "2016-09-01"];
pub const SUBSCRIPTIONS: &[&str] = &["2018-09-01", "2016-06-01"];
pub const COMPUTE: &[&str] = &["2020-06-01", "2019-07-01", "2017-12-01", "2017-03-30"];
pub const NETWORK: &[&str] = &["2018-11-01", "2017-10-01"];
pub const STORAGE: &[&str] = &["2019-06-01", "2017-10-01", "2016-01-01"];
pub const AZURE_BRIDGE: &[&str] = &["2020-07-01"];

/// The supported list for a provider namespace (case-insensitive), or the Resources list.
pub fn for_namespace(ns: &str) -> &'static [&'static str] {
    match ns.to_ascii_lowercase().as_str() {
        "microsoft.compute" => COMPUTE,
        "microsoft.network" => NETWORK,
        "microsoft.storage" => STORAGE,
        "microsoft.azurebridge" => AZURE_BRIDGE,
        _ => RESOURCES,
    }
}

fn well_formed(v: &str) -> bool {
    let date = v.strip_suffix("-preview").unwrap_or(v);
    let b = date.as_bytes();
    b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

/// Check the `api-version` of a request, answering as ARM does when it is missing or not supported.
pub fn check(mode: ApiVersionMode, version: Option<&str>, supported: &[&str]) -> Result<(), Resp> {
    let Some(v) = version.filter(|v| !v.is_empty()) else {
        return Err(arm_error(
            400,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        ));
    };
    let ok = match mode {
        ApiVersionMode::Strict => supported.iter().any(|s| s.eq_ignore_ascii_case(v)),
        ApiVersionMode::Permissive => well_formed(v),
    };
    if ok {
        Ok(())
    } else {
        Err(arm_error(
            400,
            "InvalidApiVersionParameter",
            &format!("The api-version '{v}' is invalid. The supported versions are '{}'.", supported.join(",")),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_and_permissive() {
        assert!(check(ApiVersionMode::Strict, Some("2020-06-01"), RESOURCES).is_ok());
        assert!(check(ApiVersionMode::Strict, Some("2024-11-01"), RESOURCES).is_err());
        assert!(check(ApiVersionMode::Permissive, Some("2024-11-01"), RESOURCES).is_ok());
        assert!(check(ApiVersionMode::Permissive, Some("2024-11-01-preview"), RESOURCES).is_ok());
        assert!(check(ApiVersionMode::Permissive, Some("latest"), RESOURCES).is_err());
        assert!(check(ApiVersionMode::Permissive, None, RESOURCES).is_err());
    }
}
