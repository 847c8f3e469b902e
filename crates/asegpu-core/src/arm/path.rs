//! Request paths on the device's ARM, built in one place: every name is one percent-encoded segment, and the
//! api-version comes last. (Resource ids, which are not request paths, are [`super::resource_id::ResourceId`].)

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What stays as it is in a segment: RFC 3986's unreserved characters (letters, digits, `-`, `.`, `_`, `~`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A path relative to the ARM endpoint (no leading `/`), e.g.
/// `subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vm}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmPath(String);

impl ArmPath {
    /// `subscriptions/{subscription}`.
    pub fn subscription(subscription: &str) -> ArmPath {
        ArmPath("subscriptions".into()).push(subscription)
    }

    /// `subscriptions/{subscription}/resourceGroups/{group}`, as the Compute, Network and Storage specs spell it.
    /// (Microsoft.Resources spells its own paths `resourcegroups`: push that for resource groups and deployments.)
    pub fn group(subscription: &str, group: &str) -> ArmPath {
        ArmPath::subscription(subscription).push("resourceGroups").push(group)
    }

    /// `…/providers/{namespace}`; the namespace is one of ours (`Microsoft.Compute`), so it is not encoded.
    pub fn provider(mut self, namespace: &str) -> ArmPath {
        self.0.push_str("/providers/");
        self.0.push_str(namespace);
        self
    }

    /// `…/{segment}`, percent-encoded: a name with `/`, `?`, `#` or spaces stays one segment, and a name of
    /// dots cannot climb the path.
    pub fn push(mut self, segment: &str) -> ArmPath {
        self.0.push('/');
        if segment.bytes().all(|b| b == b'.') {
            self.0.push_str(&segment.replace('.', "%2E"));
        } else {
            self.0.extend(utf8_percent_encode(segment, SEGMENT));
        }
        self
    }

    /// Type/name segments in turn: `.types(&["virtualMachines", vm, "extensions", ext])`.
    pub fn types(self, segments: &[&str]) -> ArmPath {
        segments.iter().fold(self, |p, s| p.push(s))
    }

    /// The request path with its api-version: `…?api-version={version}`.
    pub fn api(self, version: &str) -> String {
        format!("{}?api-version={version}", self.0)
    }

    /// The path without a query (for messages and for appending more).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_documented_paths() {
        let vm = ArmPath::group("S", "rg1").provider("Microsoft.Compute").types(&["virtualMachines", "my-vm_1.x"]);
        assert_eq!(
            vm.api("2022-03-01"),
            "subscriptions/S/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/my-vm_1.x?api-version=2022-03-01"
        );
        let rgs = ArmPath::subscription("S").push("resourcegroups");
        assert_eq!(rgs.as_str(), "subscriptions/S/resourcegroups");
    }

    #[test]
    fn a_name_is_one_segment_whatever_it_holds() {
        let p = |name: &str| ArmPath::subscription("S").push(name).as_str().to_string();
        assert_eq!(p("a/b"), "subscriptions/S/a%2Fb");
        assert_eq!(p("a?b#c d"), "subscriptions/S/a%3Fb%23c%20d");
        assert_eq!(p(".."), "subscriptions/S/%2E%2E");
        assert_eq!(p("."), "subscriptions/S/%2E");
        assert_eq!(p("a..b"), "subscriptions/S/a..b");
        assert_eq!(p("é"), "subscriptions/S/%C3%A9");
    }
}
