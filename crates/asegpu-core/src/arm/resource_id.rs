//! ARM resource ids, parsed and built in one place (the client, the template engine and the emulator all
//! use it): `/subscriptions/{sub}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}[/{type}/{name}...]`.

use std::fmt;

/// A resource id's parts. Every part is optional, so that scopes (`/subscriptions/{sub}`, a resource group)
/// are ids too; `types` and `names` pair up (a child resource has several of each).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceId {
    pub subscription: Option<String>,
    pub resource_group: Option<String>,
    /// The provider namespace, e.g. `Microsoft.Compute`.
    pub namespace: Option<String>,
    /// `virtualMachines`, then `extensions` for a child...
    pub types: Vec<String>,
    pub names: Vec<String>,
}

impl ResourceId {
    /// The subscription scope: `/subscriptions/{subscription}`.
    pub fn subscription(subscription: &str) -> ResourceId {
        ResourceId { subscription: Some(subscription.into()), ..Default::default() }
    }

    /// A resource group: `/subscriptions/{subscription}/resourceGroups/{group}`.
    pub fn group(subscription: &str, group: &str) -> ResourceId {
        ResourceId { resource_group: Some(group.into()), ..ResourceId::subscription(subscription) }
    }

    /// A resource under this scope, from `Namespace/type/name[/type/name...]` (as a template's
    /// `reference('Microsoft.Storage/storageAccounts/sa1')` names it).
    pub fn with_provider_path(mut self, path: &str) -> ResourceId {
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.namespace = segs.first().map(|s| s.to_string());
        self.types.clear();
        self.names.clear();
        self.add_pairs(segs.get(1..).unwrap_or_default());
        self
    }

    /// A resource in a resource group: `rest` alternates type and name segments (`virtualMachines`, `vm1`,
    /// `extensions`, `gpu`).
    pub fn in_group(subscription: &str, resource_group: &str, namespace: &str, rest: &[&str]) -> ResourceId {
        let pick =
            |odd: bool| rest.iter().enumerate().filter(move |(i, _)| (i % 2 == 1) == odd).map(|(_, s)| s.to_string());
        ResourceId {
            subscription: Some(subscription.into()),
            resource_group: Some(resource_group.into()),
            namespace: Some(namespace.into()),
            types: pick(false).collect(),
            names: pick(true).collect(),
        }
    }

    /// Parse an id (keywords in any case; empty segments ignored). None when it has neither a subscription
    /// nor a provider part.
    pub fn parse(id: &str) -> Option<ResourceId> {
        let segs: Vec<&str> = id.split('/').filter(|s| !s.is_empty()).collect();
        let mut r = ResourceId::default();
        let mut i = 0;
        while i < segs.len() {
            let (key, value) = (segs[i], segs.get(i + 1).copied());
            if key.eq_ignore_ascii_case("subscriptions") && r.namespace.is_none() {
                r.subscription = value.map(str::to_string);
            } else if key.eq_ignore_ascii_case("resourceGroups") && r.namespace.is_none() {
                r.resource_group = value.map(str::to_string);
            } else if key.eq_ignore_ascii_case("providers") {
                r.namespace = value.map(str::to_string);
                r.types.clear();
                r.names.clear();
                r.add_pairs(&segs[(i + 2).min(segs.len())..]);
                break;
            } else {
                return None;
            }
            i += 2;
        }
        (r.subscription.is_some() || r.namespace.is_some()).then_some(r)
    }

    /// The type/name pairs after the namespace. An extension resource's id names a second provider
    /// (`.../providers/Microsoft.Authorization/roleAssignments/x`): the id is then that innermost resource's.
    fn add_pairs(&mut self, rest: &[&str]) {
        let mut i = 0;
        while i < rest.len() {
            if i % 2 == 0 && rest[i].eq_ignore_ascii_case("providers") {
                self.namespace = rest.get(i + 1).map(|s| s.to_string());
                self.types.clear();
                self.names.clear();
                return self.add_pairs(&rest[(i + 2).min(rest.len())..]);
            }
            if i % 2 == 0 {
                self.types.push(rest[i].to_string());
            } else {
                self.names.push(rest[i].to_string());
            }
            i += 1;
        }
    }

    /// `Namespace/type[/childType]`, e.g. `Microsoft.Compute/virtualMachines/extensions` (empty for a scope).
    pub fn resource_type(&self) -> String {
        match &self.namespace {
            Some(ns) => {
                std::iter::once(ns.as_str()).chain(self.types.iter().map(String::as_str)).collect::<Vec<_>>().join("/")
            }
            None => String::new(),
        }
    }

    /// The resource's ARM `name`: its names joined with `/` (`vm1/gpu` for an extension).
    pub fn name(&self) -> String {
        self.names.join("/")
    }

    /// The last name (`gpu` for an extension of `vm1`).
    pub fn last_name(&self) -> Option<&str> {
        self.names.last().map(String::as_str)
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = &self.subscription {
            write!(f, "/subscriptions/{s}")?;
        }
        if let Some(rg) = &self.resource_group {
            write!(f, "/resourceGroups/{rg}")?;
        }
        if let Some(ns) = &self.namespace {
            write!(f, "/providers/{ns}")?;
            for (i, t) in self.types.iter().enumerate() {
                write!(f, "/{t}")?;
                if let Some(n) = self.names.get(i) {
                    write!(f, "/{n}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let text = "/subscriptions/S/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1/extensions/gpu";
        let id = ResourceId::parse(text).unwrap();
        assert_eq!((id.subscription.as_deref(), id.resource_group.as_deref()), (Some("S"), Some("rg1")));
        assert_eq!(id.resource_type(), "Microsoft.Compute/virtualMachines/extensions");
        assert_eq!((id.name(), id.last_name()), ("vm1/gpu".to_string(), Some("gpu")));
        assert_eq!(id.to_string(), text);
        let built =
            ResourceId::in_group("S", "rg1", "Microsoft.Compute", &["virtualMachines", "vm1", "extensions", "gpu"]);
        assert_eq!(built, id);
        let under =
            ResourceId::group("S", "rg1").with_provider_path("Microsoft.Compute/virtualMachines/vm1/extensions/gpu");
        assert_eq!(under, id);
        assert_eq!(ResourceId::subscription("S").to_string(), "/subscriptions/S");
        assert_eq!(ResourceId::group("S", "rg1").to_string(), "/subscriptions/S/resourceGroups/rg1");
    }

    #[test]
    fn keywords_in_any_case_and_scopes() {
        let id = ResourceId::parse(
            "/SUBSCRIPTIONS/s/resourcegroups/RG/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
        )
        .unwrap();
        assert_eq!((id.resource_group.as_deref(), id.name()), (Some("RG"), "v/a".to_string()));
        let rg = ResourceId::parse("/subscriptions/s/resourceGroups/rg").unwrap();
        assert_eq!((rg.resource_type(), rg.last_name()), (String::new(), None));
        assert_eq!(
            ResourceId::parse("/providers/Microsoft.Compute/operations").unwrap().resource_type(),
            "Microsoft.Compute/operations"
        );
        let ext = ResourceId::parse("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/providers/Microsoft.Authorization/locks/l").unwrap();
        assert_eq!((ext.resource_type(), ext.name()), ("Microsoft.Authorization/locks".to_string(), "l".to_string()));
        assert_eq!(ResourceId::parse("not/an/id"), None);
        assert_eq!(ResourceId::parse(""), None);
    }
}
