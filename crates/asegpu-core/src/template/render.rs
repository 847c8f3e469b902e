//! Lazy rendering of planned resources (so `reference()` sees resources deployed earlier in the
//! deployment), outputs, and nested `Microsoft.Resources/deployments` execution.

use serde_json::{json, Map, Value};

use super::error::{TResult, TemplateError};
use super::eval::{type_name, Fail, Scope};
use super::params::canonical_type;
use super::plan::{make_scope, Deployment};
use super::Resolver;

/// How runtime functions (`reference()`, `list*()`) behave during rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderMode {
    /// Resolver failures are errors (real deployment).
    Strict,
    /// Resolver failures make the value unknown: the JSON string keeps its expression text and
    /// the result is flagged (preflight / what-if).
    Preview,
}

/// A rendered resource: the request body for `PUT {id}?api-version={api_version}`.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedResource {
    /// Full resource id.
    pub id: String,
    /// Full type.
    pub resource_type: String,
    /// Full name.
    pub name: String,
    /// api-version.
    pub api_version: String,
    /// Body: every resource property except `type`, `name`, `apiVersion`, `dependsOn`, `copy`,
    /// `condition`, `comments`, `resources`, `resourceGroup`, `subscriptionId`, `scope`.
    pub body: Value,
    /// True if some values were unknown (preview mode only).
    pub has_unknowns: bool,
}

const NOT_BODY: &[&str] = &[
    "type",
    "name",
    "apiversion",
    "dependson",
    "copy",
    "condition",
    "comments",
    "resources",
    "resourcegroup",
    "subscriptionid",
    "scope",
];

impl Deployment {
    fn scope<'a>(&'a self, resolver: &'a dyn Resolver, mode: RenderMode) -> Scope<'a> {
        make_scope(
            &self.ctx,
            &self.params,
            &self.vars,
            resolver,
            mode == RenderMode::Preview,
            &self.refs,
            &self.deployment_obj,
        )
    }

    /// Renders resource `index` (of [`Deployment::resources`]) with `resolver`.
    pub fn render(&self, index: usize, resolver: &dyn Resolver, mode: RenderMode) -> TResult<RenderedResource> {
        let r = self.resources.get(index).ok_or_else(|| {
            TemplateError::invalid_template(format!("There is no planned resource at index {index}."))
        })?;
        let s = Scope { copy: r.copy_stack.clone(), resource_loop: r.loop_name.clone(), ..self.scope(resolver, mode) };
        let mut body = Map::new();
        let mut unknown = false;
        for (k, v) in r.def.as_object().into_iter().flatten() {
            if NOT_BODY.contains(&k.to_ascii_lowercase().as_str()) {
                continue;
            }
            let value = if r.is_deployment() && k.eq_ignore_ascii_case("properties") {
                self.render_deployment_properties(&s, v)
            } else {
                s.render_preview(v)
            };
            let (value, u) = value.map_err(|f| match f {
                Fail::Err(e) => e.in_template_element("resource", &r.name, &format!("{}/{k}", r.path)),
                Fail::Unknown => {
                    TemplateError::invalid_template(format!("The template resource '{}' has an unknown value.", r.name))
                }
            })?;
            if u && mode == RenderMode::Strict {
                return Err(TemplateError::invalid_template(format!(
                    "The template resource '{}' has a value that could not be evaluated.",
                    r.name
                )));
            }
            unknown |= u;
            body.insert(k.clone(), value);
        }
        Ok(RenderedResource {
            id: r.id.clone(),
            resource_type: r.resource_type.clone(),
            name: r.name.clone(),
            api_version: r.api_version.clone(),
            body: Value::Object(body),
            has_unknowns: unknown,
        })
    }

    /// Nested deployment properties: everything is evaluated in this (outer) scope except the
    /// nested `template`, which is kept as written (see [`Deployment::nested`]).
    fn render_deployment_properties(&self, s: &Scope, v: &Value) -> Result<(Value, bool), Fail> {
        let Some(obj) = v.as_object() else {
            return s.render_preview(v);
        };
        let mut out = Map::new();
        let mut unknown = false;
        for (k, x) in obj {
            if k.eq_ignore_ascii_case("template") {
                out.insert(k.clone(), x.clone());
                continue;
            }
            let (val, u) = s.render_preview(x)?;
            unknown |= u;
            out.insert(k.clone(), val);
        }
        Ok((Value::Object(out), unknown))
    }

    /// Plans the nested deployment that resource `index` (a `Microsoft.Resources/deployments`)
    /// describes. With `expressionEvaluationOptions.scope` = `outer` (the default) the nested
    /// template sees this deployment's parameters and variables; with `inner` it gets its own,
    /// bound from `properties.parameters` (evaluated here, in the outer scope).
    pub fn nested(&self, index: usize, resolver: &dyn Resolver) -> TResult<Deployment> {
        let r = self.resources.get(index).ok_or_else(|| {
            TemplateError::invalid_template(format!("There is no planned resource at index {index}."))
        })?;
        if !r.is_deployment() {
            return Err(TemplateError::invalid_template(format!(
                "The resource '{}' is not a nested deployment.",
                r.id
            )));
        }
        let props = r.def.get("properties").cloned().unwrap_or(Value::Null);
        let template = props.get("template").cloned().ok_or_else(|| {
            TemplateError::invalid_template(format!(
                "The nested deployment '{}' has no inline 'template'; 'templateLink' is not supported by this engine.",
                r.name
            ))
        })?;
        let inner = props
            .get("expressionEvaluationOptions")
            .and_then(|o| o.get("scope"))
            .and_then(Value::as_str)
            .is_some_and(|sc| sc.eq_ignore_ascii_case("inner"));
        let mut ctx = self.ctx.for_resource_group(&r.resource_group);
        ctx.subscription_id = r.subscription_id.clone();
        ctx.deployment_name = r.name.clone();
        ctx.template_link = None;
        if inner {
            let s = Scope {
                copy: r.copy_stack.clone(),
                resource_loop: r.loop_name.clone(),
                ..self.scope(resolver, RenderMode::Strict)
            };
            let params = match props.get("parameters") {
                Some(p) => Some(s.render(p).map_err(|f| match f {
                    Fail::Err(e) => {
                        e.in_template_element("resource", &r.name, &format!("{}/properties/parameters", r.path))
                    }
                    Fail::Unknown => TemplateError::invalid_template("unknown nested parameters"),
                })?),
                None => None,
            };
            Deployment::new(&template, params.as_ref(), ctx)
        } else {
            Deployment::with_scope(
                &template,
                ctx,
                self.params.snapshot(),
                self.param_info.clone(),
                Some(self.vars.snapshot()),
            )
        }
    }

    /// Evaluates `outputs` (`{"name": {"type": "String", "value": ...}}`), type-checked;
    /// `condition` and `copy` on outputs are supported; secure outputs carry no value.
    pub fn outputs(&self, resolver: &dyn Resolver, mode: RenderMode) -> TResult<Value> {
        let s = self.scope(resolver, mode);
        let mut out = Map::new();
        let Some(outputs) = self.template.get("outputs").and_then(Value::as_object) else {
            return Ok(Value::Object(out));
        };
        for (name, def) in outputs {
            let path = format!("/outputs/{name}");
            let wrap = |f: Fail| match f {
                Fail::Err(e) => e.in_template_element("output", name, &path),
                Fail::Unknown => TemplateError::invalid_template(format!(
                    "The template output '{name}' depends on a runtime value that is not available."
                )),
            };
            if let Some(c) = def.get("condition") {
                if s.render(c).map_err(wrap)? == Value::Bool(false) {
                    continue;
                }
            }
            let ty = def.get("type").and_then(Value::as_str).unwrap_or("");
            let canon = canonical_type(ty).ok_or_else(|| {
                TemplateError::invalid_template(format!("The template output '{name}' has an invalid type '{ty}'."))
                    .with_target(path.clone())
            })?;
            let value = match def.get("copy") {
                Some(c) => {
                    let count = s.count_value(c.get("count").unwrap_or(&Value::Null)).map_err(wrap)?;
                    let input = c.get("input").cloned().unwrap_or(Value::Null);
                    let mut items = Vec::new();
                    let mut bytes = 0;
                    for i in 0..count {
                        s.count_copy(name).map_err(wrap)?;
                        let item =
                            Scope { resource_loop: None, ..s.with_copy(name, i) }.render(&input).map_err(wrap)?;
                        bytes += s.account(&item).map_err(wrap)?;
                        if bytes > super::limits::MAX_VALUE_BYTES {
                            return Err(wrap(super::eval::fail(format!(
                                "The copy loop of output '{name}' produces more than {}.",
                                super::limits::mb(super::limits::MAX_VALUE_BYTES)
                            ))));
                        }
                        items.push(item);
                    }
                    Value::Array(items)
                }
                None => match s.render_preview(def.get("value").unwrap_or(&Value::Null)).map_err(wrap)? {
                    (_, true) if mode == RenderMode::Strict => return Err(wrap(Fail::Unknown)),
                    (v, _) => v,
                },
            };
            let ok = match canon {
                "String" | "SecureString" => value.is_string(),
                "Int" => value.is_i64() || value.is_u64(),
                "Bool" => value.is_boolean(),
                "Object" | "SecureObject" => value.is_object(),
                _ => value.is_array(),
            };
            if !ok {
                return Err(TemplateError::invalid_template(format!(
                    "Deployment template validation failed: 'The template output '{name}' is not valid: the output type is '{canon}' but the value is of type '{}'.'",
                    type_name(&value)
                )).with_target(path));
            }
            let entry = if canon.starts_with("Secure") {
                json!({"type": canon})
            } else {
                json!({"type": canon, "value": value})
            };
            out.insert(name.clone(), entry);
        }
        Ok(Value::Object(out))
    }
}
