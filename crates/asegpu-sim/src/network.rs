//! Microsoft.Network on the emulated device: virtual networks (the device's `ASEVNET`/`ASEVNETsubNet` in
//! `ASERG` once compute is enabled; only one virtual network on the device, with one subnet) and network
//! interfaces (static or dynamic private IPs from the subnet; an address in use is refused; the
//! `virtualMachine` back-reference; a MAC address). Shapes follow the 2017-10-01 spec.

use super::http::{arm_error, empty, json_resp, Req, Resp};
use super::resources::{self as res, Scope};
use super::server::Shared;
use super::state::State;
use asegpu_core::device;
use hyper::Method;
use serde_json::{json, Value};
use std::net::Ipv4Addr;

pub const VNET_TYPE: &str = "Microsoft.Network/virtualNetworks";
pub const NIC_TYPE: &str = "Microsoft.Network/networkInterfaces";

/// `a.b.c.d/n` → (network address, prefix length).
pub fn parse_cidr(s: &str) -> Option<(Ipv4Addr, u32)> {
    let (a, n) = s.trim().split_once('/')?;
    let a: Ipv4Addr = a.parse().ok()?;
    let n: u32 = n.parse().ok().filter(|n| *n <= 32)?;
    let mask = if n == 0 { 0 } else { u32::MAX << (32 - n) };
    Some((Ipv4Addr::from(u32::from(a) & mask), n))
}

pub fn in_cidr(ip: Ipv4Addr, cidr: &str) -> bool {
    let Some((net, n)) = parse_cidr(cidr) else { return false };
    let mask = if n == 0 { 0 } else { u32::MAX << (32 - n) };
    u32::from(ip) & mask == u32::from(net)
}

/// Usable host addresses of a subnet, skipping the network address, the first 3 hosts (reserved, as in
/// Azure) and the broadcast address.
fn hosts(cidr: &str) -> impl Iterator<Item = Ipv4Addr> {
    let (net, n) = parse_cidr(cidr).unwrap_or((Ipv4Addr::new(10, 0, 0, 0), 24));
    let size: u64 = 1u64 << (32 - n.min(30));
    let start = u32::from(net) as u64;
    (4..size.saturating_sub(1)).map(move |i| Ipv4Addr::from((start + i) as u32))
}

fn vnet_json(sub: &str, rg: &str, name: &str, prefix: &str, subnet: &str, subnet_prefix: &str) -> Value {
    let id = res::rid(sub, rg, "Microsoft.Network", &["virtualNetworks", name]);
    json!({
        "id": id, "name": name, "type": VNET_TYPE, "location": device::LOCATION, "etag": res::etag(), "tags": {},
        "properties": {
            "provisioningState": "Succeeded", "resourceGuid": uuid::Uuid::new_v4().to_string(),
            "addressSpace": { "addressPrefixes": [prefix] },
            "dhcpOptions": { "dnsServers": [] },
            "subnets": [{ "id": format!("{id}/subnets/{subnet}"), "name": subnet, "etag": res::etag(),
                          "properties": { "provisioningState": "Succeeded", "addressPrefix": subnet_prefix } }],
            "virtualNetworkPeerings": [], "enableDdosProtection": false, "enableVmProtection": false,
        },
    })
}

/// Create the device's `ASEVNET`/`ASEVNETsubNet` in `ASERG` (compute enabled), if missing.
pub fn seed(st: &mut State) {
    let rg = device::COMPUTE_RESOURCE_GROUP;
    st.resource_groups.entry(rg.to_ascii_lowercase()).or_insert_with(|| super::state::ResourceGroup {
        name: rg.into(),
        location: device::LOCATION.into(),
        tags: Default::default(),
        provisioning_state: "Succeeded".into(),
    });
    if res::list_of_type(st, VNET_TYPE, None).is_empty() {
        let prefix = st.device.compute_subnet.clone();
        let v = vnet_json(&st.subscription_id, rg, device::COMPUTE_VNET, &prefix, device::COMPUTE_SUBNET, &prefix);
        st.resources.insert(res::key(v["id"].as_str().expect("id")), v);
    }
}

/// The subnet an id points to: (vnet stored key, subnet index, address prefix).
fn find_subnet(st: &State, subnet_id: &str) -> Option<(String, usize, String)> {
    let lower = subnet_id.to_ascii_lowercase();
    let (vnet_id, subnet) = lower.rsplit_once("/subnets/")?;
    let vnet = st.resources.get(vnet_id)?;
    let subnets = vnet["properties"]["subnets"].as_array()?;
    let i = subnets.iter().position(|s| s["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(subnet)))?;
    Some((vnet_id.to_string(), i, subnets[i]["properties"]["addressPrefix"].as_str().unwrap_or_default().to_string()))
}

/// Private IPs in use in the device, with the ipConfiguration id holding each (except `except_nic`).
fn ips_in_use(st: &State, except_nic: &str) -> Vec<(Ipv4Addr, String)> {
    let except = res::key(except_nic);
    res::list_of_type(st, NIC_TYPE, None)
        .into_iter()
        .filter(|n| n["id"].as_str().map(res::key) != Some(except.clone()))
        .flat_map(|n| n["properties"]["ipConfigurations"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| {
            let ip = c["properties"]["privateIPAddress"].as_str()?.parse().ok()?;
            Some((ip, c["id"].as_str().unwrap_or_default().to_string()))
        })
        .collect()
}

/// A subnet with the ipConfigurations that use it filled in.
fn render_vnet(st: &State, v: &Value) -> Value {
    let mut v = res::public(v);
    let vnet_id = v["id"].as_str().unwrap_or_default().to_string();
    let nics = res::list_of_type(st, NIC_TYPE, None);
    if let Some(subnets) = v["properties"]["subnets"].as_array_mut() {
        for s in subnets {
            let sid = s["id"].as_str().unwrap_or_default().to_ascii_lowercase();
            let users: Vec<Value> = nics
                .iter()
                .flat_map(|n| n["properties"]["ipConfigurations"].as_array().cloned().unwrap_or_default())
                .filter(|c| c["properties"]["subnet"]["id"].as_str().is_some_and(|x| x.eq_ignore_ascii_case(&sid)))
                .map(|c| json!({ "id": c["id"] }))
                .collect();
            if !users.is_empty() {
                s["properties"]["ipConfigurations"] = json!(users);
            }
        }
    }
    let _ = vnet_id;
    v
}

pub fn handle(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
    let sub_scope = scope.rg.is_none();
    match (scope.kw(0).as_str(), scope.rest.len()) {
        ("virtualnetworks", 1) => {
            if req.method != Method::GET {
                return res::method_not_allowed(req);
            }
            let st = shared.lock();
            let rg = if sub_scope { None } else { Some(scope.rg()) };
            res::list_resp(res::list_of_type(&st, VNET_TYPE, rg).into_iter().map(|v| render_vnet(&st, v)).collect())
        }
        ("networkinterfaces", 1) => {
            if req.method != Method::GET {
                return res::method_not_allowed(req);
            }
            let st = shared.lock();
            let rg = if sub_scope { None } else { Some(scope.rg()) };
            res::list_resp(res::list_of_type(&st, NIC_TYPE, rg).into_iter().map(res::public).collect())
        }
        _ if sub_scope => {
            arm_error(404, "NotFound", &format!("The requested path '{}' is not found on this device.", req.path))
        }
        ("virtualnetworks", 2) => res::serve::<Vnets>(shared, req, scope),
        ("virtualnetworks", 3) if scope.kw(2) == "subnets" => subnets(shared, req, scope, None),
        ("virtualnetworks", 4) if scope.kw(2) == "subnets" => subnets(shared, req, scope, Some(&scope.rest[3])),
        ("networkinterfaces", 2) => res::serve::<Nics>(shared, req, scope),
        ("networkinterfaces", 3) if scope.kw(2) == "ipconfigurations" => {
            let st = shared.lock();
            match res::get(&st, &scope.id(2)) {
                Some(n) => res::list_resp(n["properties"]["ipConfigurations"].as_array().cloned().unwrap_or_default()),
                None => res::not_found(scope, NIC_TYPE, &scope.rest[1]),
            }
        }
        _ => arm_error(
            400,
            "InvalidResourceType",
            &format!(
                "The resource type '{}' could not be found in the namespace 'Microsoft.Network' on this device.",
                scope.rest.first().map(String::as_str).unwrap_or("")
            ),
        ),
    }
}

fn subnets(shared: &Shared, req: &Req, scope: &Scope, name: Option<&str>) -> Resp {
    if req.method != Method::GET {
        return arm_error(
            400,
            "SubnetChangeNotAllowed",
            "The virtual network can have only one subnet, with the same address space as the virtual network; subnets cannot be changed on this device.",
        );
    }
    let st = shared.lock();
    let Some(v) = res::get(&st, &scope.id(2)) else { return res::not_found(scope, VNET_TYPE, &scope.rest[1]) };
    let v = render_vnet(&st, v);
    let subnets = v["properties"]["subnets"].as_array().cloned().unwrap_or_default();
    match name {
        None => res::list_resp(subnets),
        Some(n) => match subnets.into_iter().find(|s| s["name"].as_str().is_some_and(|x| x.eq_ignore_ascii_case(n))) {
            Some(s) => json_resp(200, &s),
            None => {
                res::not_found(scope, "Microsoft.Network/virtualNetworks/subnets", &format!("{}/{n}", scope.rest[1]))
            }
        },
    }
}

/// `Microsoft.Network/virtualNetworks`: one per device.
struct Vnets;

impl res::Stored for Vnets {
    const TYPE: &'static str = VNET_TYPE;

    fn show(st: &State, v: &Value) -> Value {
        render_vnet(st, v)
    }

    fn put(call: &res::Call, st: &mut State, body: Value, existing: Option<Value>) -> Resp {
        put_vnet(st, call, &body, existing)
    }

    fn delete(call: &res::Call, st: &mut State, stored: Value) -> Resp {
        delete_vnet(st, &call.id, &stored)
    }
}

/// Create or update the one virtual network a device has: one address prefix, one subnet inside it.
fn put_vnet(st: &mut State, call: &res::Call, body: &Value, existing: Option<Value>) -> Resp {
    let (scope, id, name) = (call.scope, &call.id, call.name.clone());
    if existing.is_none() {
        if let Some(other) = res::list_of_type(st, VNET_TYPE, None).first() {
            return arm_error(
                400,
                "VirtualNetworkLimitReached",
                &format!(
                    "You can create only one virtual network on this device, even across resource groups, and '{}' already exists. Use it (its subnet is '{}').",
                    other["id"].as_str().unwrap_or_default(),
                    other["properties"]["subnets"][0]["id"].as_str().unwrap_or_default()
                ),
            );
        }
    }
    let (prefix, sname, sprefix) = match vnet_space(body, &name) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let stored_name = existing.as_ref().and_then(|e| e["name"].as_str().map(str::to_string)).unwrap_or(name);
    let mut v = vnet_json(&scope.sub, scope.rg(), &stored_name, &prefix, &sname, &sprefix);
    if let Some(t) = body.get("tags").filter(|t| t.is_object()) {
        v["tags"] = t.clone();
    }
    st.resources.insert(res::key(id), v.clone());
    let out = render_vnet(st, &v);
    json_resp(if existing.is_some() { 200 } else { 201 }, &out)
}

/// The body's address space: its one prefix, and its one subnet's name and prefix (inside the first).
fn vnet_space(body: &Value, name: &str) -> Result<(String, String, String), Resp> {
    let p = &body["properties"];
    let prefixes: Vec<String> = p["addressSpace"]["addressPrefixes"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    if prefixes.len() != 1 || parse_cidr(&prefixes[0]).is_none() {
        return Err(arm_error(400, "InvalidAddressPrefixFormat", "The virtual network needs exactly one address prefix (a.b.c.d/n), the address space of the device's compute network."));
    }
    let subnets = p["subnets"].as_array().cloned().unwrap_or_default();
    if subnets.len() != 1 {
        return Err(arm_error(
            400,
            "InvalidSubnetCount",
            "The virtual network can have only one subnet, with exactly the same address space as the virtual network.",
        ));
    }
    let sname = subnets[0]["name"].as_str().unwrap_or("default").to_string();
    let sprefix = subnets[0]["properties"]["addressPrefix"].as_str().unwrap_or(&prefixes[0]).to_string();
    if parse_cidr(&sprefix).is_none_or(|(a, _)| !in_cidr(a, &prefixes[0])) {
        return Err(arm_error(
            400,
            "NetcfgInvalidSubnet",
            &format!(
                "Subnet '{sname}' is not valid in virtual network '{name}': '{sprefix}' is outside '{}'.",
                prefixes[0]
            ),
        ));
    }
    let prefix = prefixes.into_iter().next().expect("one prefix");
    Ok((prefix, sname, sprefix))
}

/// Delete the virtual network, unless network interfaces use its subnet.
fn delete_vnet(st: &mut State, id: &str, v: &Value) -> Resp {
    let rendered = render_vnet(st, v);
    if rendered["properties"]["subnets"]
        .as_array()
        .is_some_and(|s| s.iter().any(|s| s["properties"]["ipConfigurations"].is_array()))
    {
        return arm_error(
            400,
            "InUseSubnetCannotBeDeleted",
            &format!(
                "Subnet of virtual network '{}' is in use by network interfaces and cannot be deleted.",
                v["name"].as_str().unwrap_or("")
            ),
        );
    }
    st.resources.remove(&res::key(id));
    empty(200)
}

/// A MAC address in Hyper-V's range (`00-15-5D-xx-xx-xx`), derived from the NIC id.
fn mac_for(id: &str) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, id.to_ascii_lowercase().as_bytes());
    let b = d.as_ref();
    format!("00-15-5D-{:02X}-{:02X}-{:02X}", b[0], b[1], b[2])
}

/// `Microsoft.Network/networkInterfaces`.
struct Nics;

impl res::Stored for Nics {
    const TYPE: &'static str = NIC_TYPE;

    fn put(call: &res::Call, st: &mut State, body: Value, existing: Option<Value>) -> Resp {
        match put_nic(st, call.scope, &call.id, &call.name, &body, existing.as_ref()) {
            Ok(v) => json_resp(if existing.is_some() { 200 } else { 201 }, &res::public(&v)),
            Err(r) => r,
        }
    }

    /// A NIC attached to a VM cannot be deleted.
    fn delete(call: &res::Call, st: &mut State, stored: Value) -> Resp {
        if let Some(vm) = stored["properties"]["virtualMachine"]["id"].as_str() {
            return arm_error(
                400,
                "NicInUse",
                &format!("Network Interface {} is used by existing resource {vm}. In order to delete the network interface, it must be dissociated from the resource.", stored["id"].as_str().unwrap_or("")),
            );
        }
        st.resources.remove(&res::key(&call.id));
        empty(200)
    }
}

fn put_nic(
    st: &mut State,
    scope: &Scope,
    id: &str,
    name: &str,
    body: &Value,
    existing: Option<&Value>,
) -> Result<Value, Resp> {
    let configs = body["properties"]["ipConfigurations"].as_array().cloned().unwrap_or_default();
    if configs.is_empty() {
        return Err(arm_error(
            400,
            "NetworkInterfaceMustHaveAtLeastOneIpConfiguration",
            &format!("Network interface {id} must have at least one IP configuration."),
        ));
    }
    let stored_name = existing.and_then(|e| e["name"].as_str().map(str::to_string)).unwrap_or_else(|| name.to_string());
    let nic_id = res::rid(&scope.sub, scope.rg(), "Microsoft.Network", &["networkInterfaces", &stored_name]);
    let mut used = ips_in_use(st, &nic_id);
    let mut out_configs = Vec::new();
    for (i, c) in configs.iter().enumerate() {
        out_configs.push(ip_configuration(st, &nic_id, i, c, existing, &mut used)?);
    }
    let v = nic_json(&nic_id, &stored_name, body, existing, out_configs);
    st.resources.insert(res::key(&nic_id), v.clone());
    Ok(v)
}

/// IP configuration `i` of a NIC being put: its subnet must exist, and its address is the static one asked
/// for (in the subnet and free) or a dynamic one (kept from before, else the first free). `used` gains it.
fn ip_configuration(
    st: &State,
    nic_id: &str,
    i: usize,
    c: &Value,
    existing: Option<&Value>,
    used: &mut Vec<(Ipv4Addr, String)>,
) -> Result<Value, Resp> {
    let cname = c["name"].as_str().map(str::to_string).unwrap_or_else(|| format!("ipconfig{}", i + 1));
    let cid = format!("{nic_id}/ipConfigurations/{cname}");
    let p = &c["properties"];
    let Some(subnet_id) = p["subnet"]["id"].as_str() else {
        return Err(arm_error(
            400,
            "InvalidRequestFormat",
            &format!("IP configuration {cid} must reference a subnet (properties.subnet.id)."),
        ));
    };
    let Some((_, _, prefix)) = find_subnet(st, subnet_id) else {
        return Err(arm_error(
            400,
            "InvalidResourceReference",
            &format!("Resource {subnet_id} referenced by resource {nic_id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region."),
        ));
    };
    let requested = p["privateIPAddress"].as_str().map(str::trim).filter(|s| !s.is_empty());
    let method =
        p["privateIPAllocationMethod"].as_str().unwrap_or(if requested.is_some() { "Static" } else { "Dynamic" });
    let is_static = method.eq_ignore_ascii_case("Static");
    let subnet = Subnet { id: subnet_id, prefix: &prefix };
    let ip = if is_static {
        static_ip(&cid, requested, &subnet, used)?
    } else {
        dynamic_ip(&cname, existing, &subnet, used)?
    };
    used.push((ip, cid.clone()));
    Ok(json!({
        "id": cid, "name": cname, "etag": res::etag(),
        "properties": {
            "provisioningState": "Succeeded", "privateIPAddress": ip.to_string(),
            "privateIPAllocationMethod": if is_static { "Static" } else { "Dynamic" },
            "privateIPAddressVersion": "IPv4", "primary": i == 0,
            "subnet": { "id": subnet_id },
        },
    }))
}

/// The subnet an IP configuration is in: its id and address prefix.
struct Subnet<'a> {
    id: &'a str,
    prefix: &'a str,
}

/// A static address: given, a valid IPv4 address, in the subnet and not held by another configuration.
fn static_ip(
    cid: &str,
    requested: Option<&str>,
    subnet: &Subnet,
    used: &[(Ipv4Addr, String)],
) -> Result<Ipv4Addr, Resp> {
    let Some(r) = requested else {
        return Err(arm_error(
            400,
            "PrivateIPAddressIsMissing",
            &format!("IP configuration {cid} uses the Static allocation method, so it needs privateIPAddress."),
        ));
    };
    let Ok(ip) = r.parse::<Ipv4Addr>() else {
        return Err(arm_error(
            400,
            "PrivateIPAddressInvalid",
            &format!("Private static IP address {r} of IP configuration {cid} is not a valid IPv4 address."),
        ));
    };
    let (prefix, subnet_id) = (subnet.prefix, subnet.id);
    if !in_cidr(ip, prefix) {
        return Err(arm_error(
            400,
            "PrivateIPAddressNotInSubnet",
            &format!("IP configuration {cid} is using the private IP address {ip} which does not belong to the address range {prefix} of subnet {subnet_id}."),
        ));
    }
    if let Some((_, holder)) = used.iter().find(|(u, _)| *u == ip) {
        return Err(arm_error(
            400,
            "PrivateIPAddressInUse",
            &format!("IP configuration {cid} is using the private IP address {ip} which is already allocated to resource {holder}."),
        ));
    }
    Ok(ip)
}

/// A dynamic address: the one this configuration already has, else the subnet's first free host.
fn dynamic_ip(
    cname: &str,
    existing: Option<&Value>,
    subnet: &Subnet,
    used: &[(Ipv4Addr, String)],
) -> Result<Ipv4Addr, Resp> {
    let previous = existing
        .and_then(|e| e["properties"]["ipConfigurations"].as_array())
        .and_then(|a| a.iter().find(|x| x["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(cname))))
        .and_then(|x| x["properties"]["privateIPAddress"].as_str())
        .and_then(|s| s.parse::<Ipv4Addr>().ok())
        .filter(|ip| in_cidr(*ip, subnet.prefix));
    previous.or_else(|| hosts(subnet.prefix).find(|h| !used.iter().any(|(u, _)| u == h))).ok_or_else(|| {
        arm_error(
            400,
            "SubnetIsFull",
            &format!(
                "Subnet {} with address prefix {} does not have enough capacity for 1 IP address.",
                subnet.id, subnet.prefix
            ),
        )
    })
}

/// The NIC resource as stored: what stays from before (GUID, MAC, tags, the VM it is attached to) and
/// the new configurations and settings.
fn nic_json(nic_id: &str, name: &str, body: &Value, existing: Option<&Value>, configs: Vec<Value>) -> Value {
    let prev_props = existing.map(|e| e["properties"].clone()).unwrap_or(json!({}));
    let mut v = json!({
        "id": nic_id, "name": name, "type": NIC_TYPE, "location": device::LOCATION, "etag": res::etag(),
        "tags": body.get("tags").filter(|t| t.is_object()).cloned().or_else(|| existing.map(|e| e["tags"].clone())).unwrap_or(json!({})),
        "properties": {
            "provisioningState": "Succeeded",
            "resourceGuid": prev_props["resourceGuid"].as_str().map(str::to_string).unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            "macAddress": prev_props["macAddress"].as_str().map(str::to_string).unwrap_or_else(|| mac_for(nic_id)),
            "ipConfigurations": configs,
            "dnsSettings": { "dnsServers": body["properties"]["dnsSettings"]["dnsServers"].as_array().cloned().unwrap_or_default(), "appliedDnsServers": [] },
            "enableAcceleratedNetworking": body["properties"]["enableAcceleratedNetworking"].as_bool().unwrap_or(false),
            "enableIPForwarding": body["properties"]["enableIPForwarding"].as_bool().unwrap_or(false),
        },
    });
    if let Some(vm) = prev_props.get("virtualMachine").filter(|v| v.is_object()) {
        v["properties"]["virtualMachine"] = vm.clone();
        v["properties"]["primary"] = prev_props["primary"].clone();
    }
    v
}

/// Attach a NIC to a VM (or detach with `vm_id` None). Returns false when the NIC does not exist.
pub fn set_nic_vm(st: &mut State, nic_id: &str, vm_id: Option<&str>, primary: bool) -> bool {
    let Some(n) = st.resources.get_mut(&res::key(nic_id)) else { return false };
    let props = n["properties"].as_object_mut().expect("object");
    match vm_id {
        Some(vm) => {
            props.insert("virtualMachine".into(), json!({ "id": vm }));
            props.insert("primary".into(), json!(primary));
        }
        None => {
            props.remove("virtualMachine");
            props.remove("primary");
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs() {
        assert_eq!(parse_cidr("10.57.48.0/21"), Some((Ipv4Addr::new(10, 57, 48, 0), 21)));
        assert!(in_cidr(Ipv4Addr::new(10, 57, 51, 10), "10.57.48.0/21"));
        assert!(!in_cidr(Ipv4Addr::new(10, 57, 56, 1), "10.57.48.0/21"));
        assert_eq!(hosts("10.0.0.0/24").next(), Some(Ipv4Addr::new(10, 0, 0, 4)));
        assert_eq!(hosts("10.0.0.0/24").last(), Some(Ipv4Addr::new(10, 0, 0, 254)));
        assert!(mac_for("/x").starts_with("00-15-5D-"));
    }
}
