//! Microsoft.Compute and Microsoft.Network REST calls (paths and api-versions); results stay ARM JSON.
//! The operations in `crate::ops` build on these.

use super::{versions, Session};
use crate::error::{Error, Result, Status};
use crate::progress::{CancelToken, Progress};
use reqwest::Method;
use serde_json::Value;

const COMPUTE: &str = "Microsoft.Compute";
const NETWORK: &str = "Microsoft.Network";

/// Parts of an ARM resource id: resource group and (last) name (see [`super::resource_id::ResourceId`]).
pub fn parse_id(id: &str) -> Option<(String, String)> {
    let r = super::resource_id::ResourceId::parse(id)?;
    let rg = r.resource_group.clone()?;
    let name = r.last_name().map(str::to_string).unwrap_or_else(|| rg.clone());
    Some((rg, name))
}

/// VM actions ARM offers as POSTs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmAction {
    Start,
    /// `Stop-AzVM -StayProvisioned`: stops the VM and keeps its GPU and memory (but see
    /// [`crate::device::gpu::STOPPED_VM_CAVEAT`]).
    PowerOff,
    /// Stops the VM and releases its GPU (Kubernetes may take it).
    Deallocate,
    Restart,
}

impl VmAction {
    pub fn path(self) -> &'static str {
        match self {
            VmAction::Start => "start",
            VmAction::PowerOff => "powerOff",
            VmAction::Deallocate => "deallocate",
            VmAction::Restart => "restart",
        }
    }
}

impl Session {
    pub fn vm_path(&self, rg: &str, name: &str) -> String {
        self.provider_path(rg, COMPUTE).types(&["virtualMachines", name]).api(versions::COMPUTE)
    }

    /// A VM with its instance view (power state, statuses).
    pub async fn get_vm(&self, rg: &str, name: &str, cancel: &CancelToken) -> Result<Value> {
        super::require_names(&[("resource group", rg), ("VM", name)])?;
        self.get_json(&format!("{}&$expand=instanceView", self.vm_path(rg, name)), cancel).await
    }

    /// VMs of one resource group, or of the whole subscription.
    pub async fn list_vms(&self, rg: Option<&str>, cancel: &CancelToken) -> Result<Vec<Value>> {
        super::require_names(&[("resource group", rg.unwrap_or("-"))])?;
        let path = match rg {
            Some(rg) => self.provider_path(rg, COMPUTE),
            None => self.subscription_path().provider(COMPUTE),
        }
        .push("virtualMachines")
        .api(versions::COMPUTE);
        self.list_all(&path, cancel).await
    }

    pub async fn put_vm(
        &self,
        rg: &str,
        name: &str,
        body: &Value,
        progress: &Progress<'_>,
        cancel: &CancelToken,
    ) -> Result<Value> {
        super::require_names(&[("resource group", rg), ("VM", name)])?;
        self.call_lro("createVirtualMachine", Method::PUT, &self.vm_path(rg, name), Some(body), progress, cancel).await
    }

    pub async fn vm_action(
        &self,
        rg: &str,
        name: &str,
        action: VmAction,
        progress: &Progress<'_>,
        cancel: &CancelToken,
    ) -> Result<()> {
        super::require_names(&[("resource group", rg), ("VM", name)])?;
        let base =
            self.provider_path(rg, COMPUTE).types(&["virtualMachines", name, action.path()]).api(versions::COMPUTE);
        self.call_lro(action.path(), Method::POST, &base, None, progress, cancel).await?;
        Ok(())
    }

    pub async fn delete_vm(&self, rg: &str, name: &str, progress: &Progress<'_>, cancel: &CancelToken) -> Result<()> {
        super::require_names(&[("resource group", rg), ("VM", name)])?;
        self.call_lro("deleteVirtualMachine", Method::DELETE, &self.vm_path(rg, name), None, progress, cancel).await?;
        Ok(())
    }

    /// GPU and other sizes the device offers at `dbelocal`.
    pub async fn list_vm_sizes(&self, cancel: &CancelToken) -> Result<Vec<Value>> {
        let path = self
            .subscription_path()
            .provider(COMPUTE)
            .types(&["locations", crate::device::LOCATION, "vmSizes"])
            .api(versions::COMPUTE);
        self.list_all(&path, cancel).await
    }

    pub fn extension_path(&self, rg: &str, vm: &str, ext: &str) -> String {
        self.provider_path(rg, COMPUTE).types(&["virtualMachines", vm, "extensions", ext]).api(versions::COMPUTE)
    }

    pub async fn get_extension(&self, rg: &str, vm: &str, ext: &str, cancel: &CancelToken) -> Result<Value> {
        super::require_names(&[("resource group", rg), ("VM", vm), ("extension", ext)])?;
        self.get_json(&format!("{}&$expand=instanceView", self.extension_path(rg, vm, ext)), cancel).await
    }

    pub async fn list_extensions(&self, rg: &str, vm: &str, cancel: &CancelToken) -> Result<Vec<Value>> {
        super::require_names(&[("resource group", rg), ("VM", vm)])?;
        let path = self.provider_path(rg, COMPUTE).types(&["virtualMachines", vm, "extensions"]).api(versions::COMPUTE);
        let v: Value = self.get_json(&path, cancel).await?;
        Ok(v.get("value").and_then(Value::as_array).cloned().unwrap_or_default())
    }

    /// Create the extension and poll until Succeeded or Failed (the device takes about 10 minutes).
    pub async fn put_extension(
        &self,
        rg: &str,
        vm: &str,
        ext: &str,
        body: &Value,
        progress: &Progress<'_>,
        cancel: &CancelToken,
    ) -> Result<Value> {
        super::require_names(&[("resource group", rg), ("VM", vm), ("extension", ext)])?;
        self.call_lro("installExtension", Method::PUT, &self.extension_path(rg, vm, ext), Some(body), progress, cancel)
            .await
    }

    pub async fn delete_extension(
        &self,
        rg: &str,
        vm: &str,
        ext: &str,
        progress: &Progress<'_>,
        cancel: &CancelToken,
    ) -> Result<()> {
        super::require_names(&[("resource group", rg), ("VM", vm), ("extension", ext)])?;
        self.call_lro("removeExtension", Method::DELETE, &self.extension_path(rg, vm, ext), None, progress, cancel)
            .await?;
        Ok(())
    }

    pub fn image_path(&self, rg: &str, name: &str) -> String {
        self.provider_path(rg, COMPUTE).types(&["images", name]).api(versions::COMPUTE_IMAGES_DISKS)
    }

    pub fn nic_path(&self, rg: &str, name: &str) -> String {
        self.provider_path(rg, NETWORK).types(&["networkInterfaces", name]).api(versions::NETWORK)
    }

    pub async fn put_nic(
        &self,
        rg: &str,
        name: &str,
        body: &Value,
        progress: &Progress<'_>,
        cancel: &CancelToken,
    ) -> Result<Value> {
        self.call_lro("createNetworkInterface", Method::PUT, &self.nic_path(rg, name), Some(body), progress, cancel)
            .await
    }

    pub fn vnet_path(&self, rg: &str, name: &str) -> String {
        self.provider_path(rg, NETWORK).types(&["virtualNetworks", name]).api(versions::NETWORK)
    }

    /// GET a resource by its full id with the given api-version.
    pub async fn get_by_id(&self, id: &str, api_version: &str, cancel: &CancelToken) -> Result<Value> {
        if !id.starts_with("/subscriptions/") {
            return Err(Error::new(Status::InvalidArgument, format!("'{id}' is not an ARM resource id")));
        }
        self.get_json(&format!("{}?api-version={api_version}", id.trim_start_matches('/')), cancel).await
    }

    /// The private IP addresses of a VM, read from its network interfaces.
    pub async fn vm_private_ips(&self, vm: &Value, cancel: &CancelToken) -> Result<Vec<String>> {
        let mut ips = Vec::new();
        let nics = vm
            .pointer("/properties/networkProfile/networkInterfaces")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for nic in nics {
            let Some(id) = nic.get("id").and_then(Value::as_str) else { continue };
            let n = self.get_by_id(id, versions::NETWORK, cancel).await?;
            for cfg in n.pointer("/properties/ipConfigurations").and_then(Value::as_array).into_iter().flatten() {
                if let Some(ip) = cfg.pointer("/properties/privateIPAddress").and_then(Value::as_str) {
                    ips.push(ip.to_string());
                }
            }
        }
        Ok(ips)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        let id = "/subscriptions/s/resourceGroups/RG1/providers/Microsoft.Compute/virtualMachines/vm1";
        assert_eq!(parse_id(id), Some(("RG1".into(), "vm1".into())));
        assert_eq!(parse_id("/subscriptions/s"), None);
    }
}
