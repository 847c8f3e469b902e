//! The emulated device's api-version check: strict mode accepts the versions of the one table in
//! [`asegpu_core::arm::versions::accepted`]; permissive mode any well-formed version.

use super::http::{arm_error, Resp};
use super::ApiVersionMode;

pub use asegpu_core::arm::versions::accepted::*;

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
