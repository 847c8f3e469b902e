//! The deployment plan: binds parameters, defines variables, expands resources (`copy`,
//! `condition`, nested child `resources`), resolves explicit and implicit dependencies and
//! orders resources topologically (ties keep template order).

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;

use super::context::DeploymentContext;
use super::error::{TResult, TemplateError};
use super::eval::{Def, Fail, ResourceRef, Scope, Store};
use super::expr::{self, Expr};
use super::limits;
use super::params::{self, ParamInfo};
use super::{NoResolver, Resolver};

/// The copy-loop instance a planned resource belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyInstance {
    /// Loop name.
    pub name: String,
    /// Zero-based index (`copyIndex()`).
    pub index: i64,
    /// Loop count.
    pub count: i64,
    /// `Parallel` or `Serial`.
    pub mode: String,
    /// Serial batch size.
    pub batch_size: Option<i64>,
}

/// One resource instance to deploy.
#[derive(Debug, Clone)]
pub struct PlannedResource {
    /// Full resource id.
    pub id: String,
    /// Full type, e.g. `Microsoft.Compute/virtualMachines/extensions`.
    pub resource_type: String,
    /// Full name, e.g. `vm1/gpuLinux`.
    pub name: String,
    /// Explicit api-version or the one from the template's `apiProfile`.
    pub api_version: String,
    /// Evaluated `location`, if any (`None` also when it depends on a runtime value).
    pub location: Option<String>,
    /// Target subscription.
    pub subscription_id: String,
    /// Target resource group.
    pub resource_group: String,
    /// Ids of the resources this one waits for (explicit and implicit).
    pub depends_on: Vec<String>,
    /// Copy-loop instance, if any.
    pub copy: Option<CopyInstance>,
    /// Template path, e.g. `/resources[1]` or `/resources[0]/resources[2]`.
    pub path: String,
    pub(super) def: Value,
    pub(super) copy_stack: Vec<(String, i64)>,
    pub(super) loop_name: Option<String>,
    pub(super) explicit: Vec<String>,
    pub(super) parent: Option<usize>,
    pub(super) enabled: bool,
}

impl PlannedResource {
    /// True for `Microsoft.Resources/deployments` (nested deployments).
    pub fn is_deployment(&self) -> bool {
        self.resource_type.eq_ignore_ascii_case("Microsoft.Resources/deployments")
    }

    pub(super) fn to_ref(&self) -> ResourceRef {
        ResourceRef {
            name: self.name.clone(),
            resource_type: self.resource_type.clone(),
            id: self.id.clone(),
            api_version: self.api_version.clone(),
            copy_name: self.copy.as_ref().map(|c| c.name.clone()),
        }
    }
}

/// A planned deployment of one template.
#[derive(Debug)]
pub struct Deployment {
    pub(super) template: Value,
    pub(super) ctx: DeploymentContext,
    pub(super) params: Store,
    pub(super) param_info: Vec<ParamInfo>,
    pub(super) vars: Store,
    pub(super) deployment_obj: Value,
    pub(super) resources: Vec<PlannedResource>,
    pub(super) refs: Vec<ResourceRef>,
    pub(super) skipped: Vec<String>,
}

/// Builds an evaluation scope.
#[allow(clippy::too_many_arguments)]
pub(super) fn make_scope<'a>(
    ctx: &'a DeploymentContext,
    params: &'a Store,
    vars: &'a Store,
    resolver: &'a dyn Resolver,
    preview: bool,
    resources: &'a [ResourceRef],
    deployment: &'a Value,
) -> Scope<'a> {
    Scope {
        ctx,
        params,
        vars,
        resolver,
        preview,
        resources,
        deployment,
        copy: Vec::new(),
        resource_loop: None,
        busy: Rc::new(RefCell::new(Vec::new())),
        budget: Rc::new(Default::default()),
    }
}

pub(super) fn get_ci<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, x)| x)
}

impl Deployment {
    /// Plans `template` with `parameters` (a parameters object or a whole parameters file).
    pub fn new(template: &Value, parameters: Option<&Value>, ctx: DeploymentContext) -> TResult<Self> {
        limits::check_document(template, "template")?;
        if let Some(p) = parameters {
            limits::check_document(p, "parameters")?;
        }
        let params_store = Store::new("parameter");
        let empty_vars = Store::new("variable");
        let deployment_obj = ctx.deployment_object(template);
        let (params, param_info) = {
            let s = make_scope(&ctx, &params_store, &empty_vars, &NoResolver, false, &[], &deployment_obj);
            params::bind(template, parameters, &s)?
        };
        Self::with_scope(template, ctx, params, param_info, None)
    }

    /// Plans with already bound parameters and optionally inherited variables (outer-scope
    /// nested deployments).
    pub(super) fn with_scope(
        template: &Value,
        ctx: DeploymentContext,
        params: Store,
        param_info: Vec<ParamInfo>,
        inherited_vars: Option<Store>,
    ) -> TResult<Self> {
        if !template.is_object() {
            return Err(TemplateError::invalid_template(
                "Deployment template validation failed: 'The template must be a JSON object.'",
            ));
        }
        limits::check_document(template, "template")?;
        if let Some(outputs) = get_ci(template, "outputs").and_then(Value::as_object) {
            limits::check_count(outputs.len(), limits::MAX_OUTPUTS, "outputs", "/outputs")?;
        }
        let resources = get_ci(template, "resources").ok_or_else(|| {
            TemplateError::invalid_template("Deployment template validation failed: 'Required property 'resources' not found in JSON. Path '', line 1, position 1.'")
        })?;
        if !resources.is_array() {
            return Err(TemplateError::invalid_template(
                "Deployment template validation failed: 'The template property 'resources' must be an array.'",
            ));
        }
        if get_ci(template, "functions").and_then(Value::as_array).is_some_and(|f| !f.is_empty()) {
            return Err(TemplateError::invalid_template("Deployment template validation failed: 'User-defined template functions are not supported by this engine.'").with_target("/functions"));
        }
        let vars = match inherited_vars {
            Some(v) => v,
            None => define_variables(template)?,
        };
        let deployment_obj = ctx.deployment_object(template);
        let mut d = Deployment {
            template: template.clone(),
            ctx,
            params,
            param_info,
            vars,
            deployment_obj,
            resources: Vec::new(),
            refs: Vec::new(),
            skipped: Vec::new(),
        };
        d.check_variables()?;
        let mut all = Vec::new();
        {
            let s = make_scope(&d.ctx, &d.params, &d.vars, &NoResolver, true, &[], &d.deployment_obj);
            let profile = get_ci(template, "apiProfile").and_then(Value::as_str);
            for (i, def) in resources.as_array().into_iter().flatten().enumerate() {
                super::expand::expand(&s, def, &format!("/resources[{i}]"), None, profile, &mut all)?;
            }
        }
        d.skipped = all.iter().filter(|r| !r.enabled).map(|r| r.id.clone()).collect();
        d.refs = all.iter().filter(|r| r.enabled).map(PlannedResource::to_ref).collect();
        d.resolve_dependencies(&mut all)?;
        d.resources = order(all)?;
        Ok(d)
    }

    fn check_variables(&self) -> TResult<()> {
        let s = make_scope(&self.ctx, &self.params, &self.vars, &NoResolver, true, &[], &self.deployment_obj);
        for name in self.vars.names() {
            match self.vars.get(&name, &s) {
                Ok(_) | Err(Fail::Unknown) => {}
                Err(Fail::Err(e)) => {
                    return Err(e.in_template_element("variable", &name, &format!("/variables/{name}")))
                }
            }
        }
        Ok(())
    }

    /// Resources to deploy, in dependency order (resources whose condition is false are omitted).
    pub fn resources(&self) -> &[PlannedResource] {
        &self.resources
    }

    /// Ids of resources skipped because their `condition` was false.
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }

    /// The deployment context.
    pub fn context(&self) -> &DeploymentContext {
        &self.ctx
    }

    /// The (unevaluated) template.
    pub fn template(&self) -> &Value {
        &self.template
    }

    /// Bound parameters, including secure ones (for the deploying engine's own use).
    pub fn parameter_values(&self) -> &[ParamInfo] {
        &self.param_info
    }

    /// Parameters as shown in deployment results; secure values are omitted.
    pub fn parameters_output(&self) -> Value {
        params::parameters_output(&self.param_info)
    }

    /// The value of variable `name` (evaluated with `resolver` in preview mode if needed).
    pub fn variable(&self, name: &str, resolver: &dyn Resolver) -> TResult<Value> {
        let s = make_scope(&self.ctx, &self.params, &self.vars, resolver, false, &self.refs, &self.deployment_obj);
        self.vars.get(name, &s).map_err(|f| match f {
            Fail::Err(e) => e,
            Fail::Unknown => {
                TemplateError::invalid_template(format!("The template variable '{name}' depends on a runtime value."))
            }
        })
    }

    /// `templateHash` of this template.
    pub fn template_hash(&self) -> String {
        super::hash::template_hash(&self.template)
    }

    fn resolve_dependencies(&self, all: &mut [PlannedResource]) -> TResult<()> {
        let s = make_scope(&self.ctx, &self.params, &self.vars, &NoResolver, true, &self.refs, &self.deployment_obj);
        let mut deps: Vec<Vec<usize>> = vec![Vec::new(); all.len()];
        for (i, r) in all.iter().enumerate().filter(|(_, r)| r.enabled) {
            if let Some(p) = r.parent {
                deps[i].push(p);
            }
            for dep in &r.explicit {
                let hits: Vec<usize> = (0..all.len()).filter(|&j| j != i && dep_matches(dep, &all[j])).collect();
                let enabled: Vec<usize> = hits.iter().copied().filter(|&j| all[j].enabled).collect();
                if hits.is_empty() {
                    return Err(TemplateError::invalid_template(format!(
                        "Deployment template validation failed: 'The resource '{dep}' is not defined in the template. Please see https://aka.ms/arm-template for usage details.'"
                    )).with_target(format!("{}/dependsOn", r.path)));
                }
                deps[i].extend(enabled);
            }
            let rs = Scope { copy: r.copy_stack.clone(), resource_loop: r.loop_name.clone(), ..s.clone() };
            for target in implicit_targets(&rs, &r.def, r.is_deployment()) {
                if let Some(j) = all.iter().position(|o| o.enabled && o.id.eq_ignore_ascii_case(&target)) {
                    if j != i {
                        deps[i].push(j);
                    }
                }
            }
            if let Some(c) = r.copy.as_ref().filter(|c| c.mode.eq_ignore_ascii_case("serial")) {
                let b = c.batch_size.unwrap_or(1).max(1);
                let batch = c.index / b;
                if batch > 0 {
                    for (j, o) in all.iter().enumerate() {
                        if let Some(oc) = &o.copy {
                            if o.path == r.path
                                && oc.name == c.name
                                && oc.index / b == batch - 1
                                && o.copy_stack[..o.copy_stack.len() - 1] == r.copy_stack[..r.copy_stack.len() - 1]
                            {
                                deps[i].push(j);
                            }
                        }
                    }
                }
            }
        }
        for (i, d) in deps.into_iter().enumerate() {
            let mut ids: Vec<String> = Vec::new();
            for j in d {
                if !ids.contains(&all[j].id) {
                    ids.push(all[j].id.clone());
                }
            }
            all[i].depends_on = ids;
        }
        Ok(())
    }
}

fn define_variables(template: &Value) -> TResult<Store> {
    let mut vars = Store::new("variable");
    let Some(obj) = get_ci(template, "variables") else {
        return Ok(vars);
    };
    let obj = obj.as_object().ok_or_else(|| {
        TemplateError::invalid_template(
            "Deployment template validation failed: 'The template 'variables' property must be an object.'",
        )
    })?;
    let count = obj
        .iter()
        .map(|(k, v)| if k.eq_ignore_ascii_case("copy") { v.as_array().map_or(1, Vec::len) } else { 1 })
        .sum();
    limits::check_count(count, limits::MAX_VARIABLES, "variables", "/variables")?;
    for (name, def) in obj {
        if name.eq_ignore_ascii_case("copy") {
            for spec in def.as_array().into_iter().flatten() {
                let vname = spec.get("name").and_then(Value::as_str).ok_or_else(|| {
                    TemplateError::invalid_template(
                        "Deployment template validation failed: 'The variable copy property 'name' must be a string.'",
                    )
                    .with_target("/variables/copy")
                })?;
                vars.set_def(
                    vname,
                    Def::Copy {
                        name: vname.to_string(),
                        count: spec.get("count").cloned().unwrap_or(Value::Null),
                        input: spec.get("input").cloned().unwrap_or(Value::Null),
                    },
                );
            }
        } else {
            vars.set_def(name, Def::Plain(def.clone()));
        }
    }
    Ok(vars)
}

fn dep_matches(dep: &str, r: &PlannedResource) -> bool {
    if dep.starts_with('/') {
        return r.id.eq_ignore_ascii_case(dep);
    }
    if dep.contains('/') {
        let relative = r.id.split_once("/providers/").map(|(_, rel)| rel).unwrap_or("");
        return format!("{}/{}", r.resource_type, r.name).eq_ignore_ascii_case(dep)
            || relative.eq_ignore_ascii_case(dep);
    }
    r.name.eq_ignore_ascii_case(dep) || r.copy.as_ref().is_some_and(|c| c.name.eq_ignore_ascii_case(dep))
}

/// Resource ids that `reference()`/`list*()` calls in `def` point to (those that can be
/// evaluated at planning time).
fn implicit_targets(s: &Scope, def: &Value, is_deployment: bool) -> Vec<String> {
    let mut strings = Vec::new();
    collect_strings(def, &mut strings, 0, is_deployment);
    let mut out = Vec::new();
    for text in strings {
        let Ok(Some(e)) = expr::parse_string(text) else {
            continue;
        };
        e.walk(&mut |node| {
            if let Expr::Call { name, args } = node {
                let l = name.to_ascii_lowercase();
                if (l == "reference" || (l.starts_with("list") && l.len() > 4)) && !args.is_empty() {
                    if let Ok(Value::String(t)) = s.eval(&args[0]) {
                        if let Ok((id, _)) = s.resolve_target(&t) {
                            out.push(id);
                        }
                    }
                }
            }
        });
    }
    out
}

fn collect_strings<'v>(v: &'v Value, out: &mut Vec<&'v str>, depth: usize, is_deployment: bool) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out, depth + 1, is_deployment)),
        Value::Object(o) => {
            for (k, x) in o {
                let k = k.to_ascii_lowercase();
                if depth == 0 && matches!(k.as_str(), "resources" | "dependson" | "condition" | "copy") {
                    continue;
                }
                if is_deployment && depth == 1 && k == "template" {
                    continue;
                }
                collect_strings(x, out, depth + 1, is_deployment);
            }
        }
        _ => {}
    }
}

/// Topological order (Kahn); among ready resources the earliest in the template goes first.
fn order(all: Vec<PlannedResource>) -> TResult<Vec<PlannedResource>> {
    let enabled: Vec<PlannedResource> = all.into_iter().filter(|r| r.enabled).collect();
    let n = enabled.len();
    let idx_of = |id: &str| enabled.iter().position(|r| r.id.eq_ignore_ascii_case(id));
    let deps: Vec<Vec<usize>> =
        enabled.iter().map(|r| r.depends_on.iter().filter_map(|d| idx_of(d)).collect()).collect();
    let mut done = vec![false; n];
    let mut out_idx = Vec::with_capacity(n);
    while out_idx.len() < n {
        let next = (0..n).find(|&i| !done[i] && deps[i].iter().all(|&d| done[d]));
        match next {
            Some(i) => {
                done[i] = true;
                out_idx.push(i);
            }
            None => {
                let stuck: Vec<&str> = (0..n).filter(|&i| !done[i]).map(|i| enabled[i].id.as_str()).collect();
                return Err(TemplateError::invalid_template(format!(
                    "Deployment template validation failed: 'Circular dependency detected on resource: '{}'. Please see https://aka.ms/arm-template/#resources for usage details.'",
                    stuck.join("', '")
                )).with_target(stuck[0].to_string()));
            }
        }
    }
    let mut slots: Vec<Option<PlannedResource>> = enabled.into_iter().map(Some).collect();
    Ok(out_idx.into_iter().filter_map(|i| slots[i].take()).collect())
}
