//! ARM (Azure Resource Manager) template engine.
//!
//! Evaluates deployment templates the way ARM does, for the device emulator (which "executes"
//! deployments) and for the client (local preflight and what-if):
//!
//! * [`jsonc`]: lenient JSON reader (comments, trailing commas, unquoted keys, BOM).
//! * [`expr`]: the `[...]` expression language parser; [`functions`], [`strings`], [`arrays`]:
//!   the template functions; [`hash`]: `uniqueString()`/`guid()`/`templateHash`.
//! * [`profiles`]: Azure Stack `apiProfile` → api-version resolution.
//! * [`params`]: parameter binding and validation.
//! * [`plan`] + [`expand`]: the deployment plan: variables, resource expansion (`copy`, `condition`,
//!   child resources), dependencies and topological order; [`render`]: lazy per-resource body
//!   rendering (so `reference()` sees resources deployed earlier), outputs, nested deployments.
//!
//! Typical use:
//! ```ignore
//! let template = jsonc::parse_template(&text)?;
//! let ctx = DeploymentContext::new(sub, "myrg", "dbelocal", "deploy1");
//! let deployment = Deployment::new(&template, Some(&parameters), ctx)?;
//! for (i, r) in deployment.resources().iter().enumerate() {
//!     let rendered = deployment.render(i, &my_resolver, RenderMode::Strict)?;
//!     // PUT rendered.body to r.id with api-version r.api_version ...
//! }
//! let outputs = deployment.outputs(&my_resolver, RenderMode::Strict)?;
//! ```
//!
//! Not supported: user-defined `functions`, `templateLink`/`parametersLink` fetching,
//! Key Vault parameter references, lambda functions, date arithmetic functions, symbolic-name
//! (language version 2.0) templates, and scopes other than resource group.

pub mod arrays;
pub mod context;
pub mod error;
pub mod eval;
pub mod expand;
pub mod expr;
pub mod functions;
pub mod hash;
pub mod jsonc;
pub mod limits;
pub mod params;
pub mod plan;
pub mod profiles;
pub mod render;
pub mod strings;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod tests;

use serde_json::Value;

pub use context::DeploymentContext;
pub use error::TemplateError;
pub use hash::{guid, template_hash, unique_string};
pub use plan::{CopyInstance, Deployment, PlannedResource};
pub use render::{RenderMode, RenderedResource};

/// Supplies runtime state of deployed resources to `reference()` and `list*()`.
pub trait Resolver {
    /// State of the resource `resource_id`: its `properties` object, or (when `full`) the whole
    /// resource (`id`, `name`, `type`, `location`, `properties`, ...).
    /// `api_version` is the version the template asked for, if any.
    fn reference(&self, resource_id: &str, api_version: Option<&str>, full: bool) -> Result<Value, TemplateError>;

    /// Result of the POST action `function` (e.g. `listKeys`) on `resource_id`.
    fn list(
        &self,
        function: &str,
        resource_id: &str,
        api_version: &str,
        body: Option<&Value>,
    ) -> Result<Value, TemplateError>;
}

/// A resolver that knows no resources: every call fails with `ResourceNotFound`.
/// In [`RenderMode::Preview`] those failures become unknown values instead.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoResolver;

impl Resolver for NoResolver {
    fn reference(&self, resource_id: &str, _api_version: Option<&str>, _full: bool) -> Result<Value, TemplateError> {
        Err(TemplateError::new(
            "ResourceNotFound",
            format!("The Resource '{resource_id}' was not found: no resolver is available to evaluate 'reference()'."),
        )
        .with_target(resource_id.to_string()))
    }

    fn list(
        &self,
        function: &str,
        resource_id: &str,
        _api_version: &str,
        _body: Option<&Value>,
    ) -> Result<Value, TemplateError> {
        Err(TemplateError::new(
            "ResourceNotFound",
            format!("The Resource '{resource_id}' was not found: no resolver is available to evaluate '{function}()'."),
        )
        .with_target(resource_id.to_string()))
    }
}
