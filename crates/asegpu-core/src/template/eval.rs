//! Expression evaluation: the evaluation scope, lazily evaluated parameter/variable stores,
//! AST evaluation, and recursive rendering of JSON values (including property-level `copy`).
//!
//! Evaluation failures are either real errors or `Fail::Unknown`, which preview mode uses for
//! runtime values (`reference()`, `list*()`) that are not available yet; an unknown value
//! propagates through every function except the untaken branch of `if()`, and a JSON string
//! whose expression is unknown is left as the original expression text.

use crate::arm::resource_id::ResourceId;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Mutex;

use serde_json::{Map, Value};

use super::context::DeploymentContext;
use super::error::{expr_error, TemplateError};
use super::expr::{self, Expr, StrKind};
use super::limits::{
    self, TooBig, MAX_COPY_ITERATIONS, MAX_EVALUATION_BYTES, MAX_EVAL_DEPTH, MAX_JSON_DEPTH, MAX_VALUE_BYTES,
};
use super::Resolver;

/// Why an evaluation did not produce a value.
#[derive(Debug, Clone)]
pub enum Fail {
    /// A real error.
    Err(TemplateError),
    /// A runtime value not known yet (preview mode).
    Unknown,
}

impl From<TemplateError> for Fail {
    fn from(e: TemplateError) -> Self {
        Fail::Err(e)
    }
}

/// Evaluation result.
pub type R<T> = Result<T, Fail>;

/// Builds an expression error as a `Fail`.
pub fn fail(message: impl AsRef<str>) -> Fail {
    Fail::Err(expr_error(message))
}

/// A template resource as seen by `reference()` name resolution.
#[derive(Debug, Clone)]
pub struct ResourceRef {
    /// Resource name (full, slash-separated for child resources).
    pub name: String,
    /// Full resource type.
    pub resource_type: String,
    /// Full resource id.
    pub id: String,
    /// The resource's api-version.
    pub api_version: String,
    /// The copy loop the resource belongs to, if any.
    pub copy_name: Option<String>,
}

/// A definition in a lazy store.
#[derive(Debug, Clone)]
pub enum Def {
    /// A JSON value (possibly containing expressions).
    Plain(Value),
    /// A variable-level copy: `count` instances of `input` under loop `name`.
    Copy {
        /// Loop (and variable) name.
        name: String,
        /// Unevaluated count.
        count: Value,
        /// Unevaluated per-item input.
        input: Value,
    },
}

/// Lazily evaluated, cycle-checked, case-insensitive store of parameters or variables.
#[derive(Debug, Default)]
pub struct Store {
    kind: &'static str,
    defs: HashMap<String, Def>,
    done: Mutex<HashMap<String, Value>>,
}

impl Store {
    /// A new store for "parameter" or "variable" names.
    pub fn new(kind: &'static str) -> Self {
        Store { kind, ..Default::default() }
    }

    /// Records an already-evaluated value.
    pub fn set_value(&mut self, name: &str, value: Value) {
        self.done.get_mut().unwrap_or_else(|e| e.into_inner()).insert(name.to_ascii_lowercase(), value);
    }

    /// Records an unevaluated definition.
    pub fn set_def(&mut self, name: &str, def: Def) {
        self.defs.insert(name.to_ascii_lowercase(), def);
    }

    /// True if `name` is defined.
    pub fn contains(&self, name: &str) -> bool {
        let k = name.to_ascii_lowercase();
        self.lock().contains_key(&k) || self.defs.contains_key(&k)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Value>> {
        self.done.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// All names with definitions or values (lower-cased).
    pub fn names(&self) -> Vec<String> {
        let mut n: Vec<String> = self.defs.keys().cloned().collect();
        n.extend(self.lock().keys().cloned());
        n.sort();
        n.dedup();
        n
    }

    /// A store holding only the already-evaluated values of this one.
    pub fn snapshot(&self) -> Store {
        Store { kind: self.kind, defs: self.defs.clone(), done: Mutex::new(self.lock().clone()) }
    }

    /// Gets (evaluating on first use) the value of `name`.
    pub fn get(&self, name: &str, scope: &Scope) -> R<Value> {
        let key = name.to_ascii_lowercase();
        if let Some(v) = self.lock().get(&key) {
            return Ok(v.clone());
        }
        let Some(def) = self.defs.get(&key) else {
            return Err(match self.kind {
                "parameter" => fail(format!("The template parameter '{name}' is not found.")),
                _ => Fail::Err(TemplateError::invalid_template(format!(
                    "The template variable '{name}' is not found. Please see https://aka.ms/arm-template/#variables for usage details."
                ))),
            });
        };
        if scope.busy.borrow().contains(&key) {
            let chain = scope.busy.borrow().join("' -> '");
            return Err(Fail::Err(TemplateError::invalid_template(format!(
                "The template {} '{name}' is not valid: circular reference detected ('{chain}' -> '{key}').",
                self.kind
            ))));
        }
        scope.busy.borrow_mut().push(key.clone());
        let inner = scope.fresh();
        let result = match def {
            Def::Plain(v) => inner.render(v),
            Def::Copy { name: loop_name, count, input } => (|| {
                let n = inner.count_value(count)?;
                let mut items = Vec::new();
                let mut bytes = 0;
                for i in 0..n {
                    inner.count_copy(loop_name)?;
                    let s = inner.with_copy(loop_name, i);
                    let item = s.render(input)?;
                    bytes += scope.account(&item)?;
                    check_copy_bytes(bytes, loop_name)?;
                    items.push(item);
                }
                Ok(Value::Array(items))
            })(),
        };
        scope.busy.borrow_mut().pop();
        let value = result?;
        scope.account(&value)?;
        self.lock().insert(key, value.clone());
        Ok(value)
    }
}

/// Everything an expression can see.
#[derive(Clone)]
pub struct Scope<'a> {
    /// Deployment context (subscription, resource group, deployment name...).
    pub ctx: &'a DeploymentContext,
    /// Parameters.
    pub params: &'a Store,
    /// Variables.
    pub vars: &'a Store,
    /// Runtime state provider.
    pub resolver: &'a dyn Resolver,
    /// Preview mode: unavailable runtime values become unknown instead of errors.
    pub preview: bool,
    /// Resources of the template, for `reference()` by name.
    pub resources: &'a [ResourceRef],
    /// The `deployment()` object.
    pub deployment: &'a Value,
    /// Copy loops in effect: (loop name, index); the last is the innermost.
    pub copy: Vec<(String, i64)>,
    /// Name of the loop of the resource being evaluated, used by `copyIndex()` without a name.
    pub resource_loop: Option<String>,
    /// Parameters/variables being evaluated (cycle detection).
    pub busy: Rc<RefCell<Vec<String>>>,
    /// Depth and size accounting of this evaluation, shared by every scope derived from it.
    pub budget: Rc<Budget>,
}

/// What one evaluation (planning, rendering one resource, the outputs) has used of [`MAX_EVAL_DEPTH`] and
/// [`MAX_EVALUATION_BYTES`].
#[derive(Debug, Default)]
pub struct Budget {
    depth: Cell<usize>,
    bytes: Cell<usize>,
    copies: Cell<usize>,
}

/// One level of evaluation depth, given back when dropped.
pub struct DepthGuard<'a>(&'a Cell<usize>);

impl Drop for DepthGuard<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

fn too_deep() -> Fail {
    fail(format!(
        "The template's expressions and values nest deeper than {MAX_EVAL_DEPTH} levels (function calls, property accesses, arrays and objects, and variables or parameters evaluated for one another, counted together), the most this engine evaluates."
    ))
}

fn check_copy_bytes(bytes: usize, loop_name: &str) -> R<()> {
    if bytes > MAX_VALUE_BYTES {
        return Err(fail(format!(
            "The copy loop '{loop_name}' produces more than {} of values; ARM accepts at most 4 MB in an expanded template.",
            limits::mb(MAX_VALUE_BYTES)
        )));
    }
    Ok(())
}

impl<'a> Scope<'a> {
    /// The same scope without copy loops (for variable/parameter evaluation).
    pub fn fresh(&self) -> Scope<'a> {
        Scope { copy: Vec::new(), resource_loop: None, ..self.clone() }
    }

    /// One more level of nested evaluation; refused past [`MAX_EVAL_DEPTH`].
    pub fn enter(&self) -> R<DepthGuard<'_>> {
        let d = self.budget.depth.get() + 1;
        if d > MAX_EVAL_DEPTH {
            return Err(too_deep());
        }
        self.budget.depth.set(d);
        Ok(DepthGuard(&self.budget.depth))
    }

    /// Accounts for a value an expression or a copy loop produced: refused when it nests deeper than
    /// [`MAX_JSON_DEPTH`] or is bigger than [`MAX_VALUE_BYTES`], or when this evaluation has produced more than
    /// [`MAX_EVALUATION_BYTES`] in all. Returns its approximate size.
    #[inline(never)]
    pub fn account(&self, v: &Value) -> R<usize> {
        let m = match limits::measure(v, MAX_JSON_DEPTH, MAX_VALUE_BYTES) {
            Ok(m) => m,
            Err(TooBig::Depth(path)) => {
                return Err(fail(format!(
                    "The value produced nests arrays and objects deeper than {MAX_JSON_DEPTH} levels (at '{path}'), the most this engine handles."
                )))
            }
            Err(TooBig::Bytes) => {
                return Err(fail(format!(
                    "The value produced is bigger than {}; ARM accepts at most 4 MB in an expanded template.",
                    limits::mb(MAX_VALUE_BYTES)
                )))
            }
        };
        self.charge(m.bytes)?;
        Ok(m.bytes)
    }

    /// Charges `bytes` to this evaluation's [`MAX_EVALUATION_BYTES`].
    pub fn charge(&self, bytes: usize) -> R<()> {
        let total = self.budget.bytes.get().saturating_add(bytes);
        self.budget.bytes.set(total);
        if total > MAX_EVALUATION_BYTES {
            return Err(fail(format!(
                "Evaluating the template produces more than {} of values (copies and intermediate values included); ARM accepts at most 4 MB in an expanded template.",
                limits::mb(MAX_EVALUATION_BYTES)
            )));
        }
        Ok(())
    }

    /// Counts one copy-loop iteration against this evaluation's [`MAX_COPY_ITERATIONS`].
    pub fn count_copy(&self, loop_name: &str) -> R<()> {
        let n = self.budget.copies.get() + 1;
        self.budget.copies.set(n);
        if n > MAX_COPY_ITERATIONS {
            return Err(fail(format!(
                "The copy loop '{loop_name}' takes the template past {MAX_COPY_ITERATIONS} copy iterations in all (nested loops multiply); ARM accepts at most 800 copies per loop and 4 MB in an expanded template."
            )));
        }
        Ok(())
    }

    /// The same scope inside copy loop `name` at `index`.
    pub fn with_copy(&self, name: &str, index: i64) -> Scope<'a> {
        let mut s = self.clone();
        s.copy.push((name.to_string(), index));
        s
    }

    /// Evaluates a JSON value: expressions in strings (keys and values), property copy in objects.
    pub fn render(&self, v: &Value) -> R<Value> {
        match v {
            Value::String(s) => self.eval_string(s),
            Value::Array(items) => {
                let _level = self.enter()?;
                items.iter().map(|i| self.render(i)).collect::<R<Vec<_>>>().map(Value::Array)
            }
            Value::Object(map) => {
                let _level = self.enter()?;
                self.render_object(map)
            }
            other => Ok(other.clone()),
        }
    }

    /// Like `render`, but leaves strings whose expressions are unknown as their source text.
    /// Returns the value and whether anything was unknown.
    pub fn render_preview(&self, v: &Value) -> R<(Value, bool)> {
        match v {
            Value::String(s) => match self.eval_string(s) {
                Ok(v) => Ok((v, false)),
                Err(Fail::Unknown) => Ok((Value::String(s.clone()), true)),
                Err(e) => Err(e),
            },
            Value::Array(items) => {
                let _level = self.enter()?;
                let mut unknown = false;
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    let (v, u) = self.render_preview(i)?;
                    unknown |= u;
                    out.push(v);
                }
                Ok((Value::Array(out), unknown))
            }
            Value::Object(map) if property_copy(map).is_some() => {
                match self.enter().and_then(|_level| self.render_object(map)) {
                    Ok(v) => Ok((v, false)),
                    Err(Fail::Unknown) => Ok((v.clone(), true)),
                    Err(e) => Err(e),
                }
            }
            Value::Object(map) => {
                let _level = self.enter()?;
                let mut unknown = false;
                let mut out = Map::new();
                for (k, val) in map {
                    let key = self.eval_key(k)?;
                    let (v, u) = self.render_preview(val)?;
                    unknown |= u;
                    out.insert(key, v);
                }
                Ok((Value::Object(out), unknown))
            }
            other => Ok((other.clone(), false)),
        }
    }

    fn eval_key(&self, k: &str) -> R<String> {
        match self.eval_string(k)? {
            Value::String(s) => Ok(s),
            other => Ok(to_plain_string(&other)),
        }
    }

    fn render_object(&self, map: &Map<String, Value>) -> R<Value> {
        let mut out = Map::new();
        for (k, val) in map {
            if k.eq_ignore_ascii_case("copy") && property_copy(map).is_some() {
                for spec in val.as_array().into_iter().flatten() {
                    let name = self.render(&spec["name"])?;
                    let name =
                        name.as_str().ok_or_else(|| fail("The copy property 'name' must be a string."))?.to_string();
                    let count = self.count_value(&spec["count"])?;
                    let mut items = Vec::new();
                    let mut bytes = 0;
                    for i in 0..count {
                        self.count_copy(&name)?;
                        let item = self.with_copy(&name, i).render(&spec["input"])?;
                        bytes += self.account(&item)?;
                        check_copy_bytes(bytes, &name)?;
                        items.push(item);
                    }
                    out.insert(name, Value::Array(items));
                }
                continue;
            }
            out.insert(self.eval_key(k)?, self.render(val)?);
        }
        Ok(Value::Object(out))
    }

    /// Evaluates a copy `count` (an int or an expression giving an int, 0..=800).
    pub fn count_value(&self, v: &Value) -> R<i64> {
        let c = self.render(v)?;
        let n = c.as_i64().or_else(|| c.as_str().and_then(|s| s.trim().parse().ok())).ok_or_else(|| {
            fail(format!("The copy count must be an integer; the provided value is '{}'.", to_plain_string(&c)))
        })?;
        if !(0..=800).contains(&n) {
            return Err(fail(format!("The copy count '{n}' is not valid: it must be between 0 and 800.")));
        }
        Ok(n)
    }

    /// Evaluates a JSON string: a literal (with `[[` unescaped) or an expression.
    pub fn eval_string(&self, s: &str) -> R<Value> {
        match expr::classify(s) {
            StrKind::Literal(l) => Ok(Value::String(l.into_owned())),
            StrKind::Expression(inner) => {
                let e = expr::parse(inner)?;
                self.eval(&e).map_err(|f| match f {
                    Fail::Err(mut err) if !err.message.contains("The template language expression") => {
                        if err.message.starts_with("The template") || err.message.starts_with("Unable") {
                            Fail::Err(err)
                        } else {
                            err.message =
                                format!("The template language expression '{inner}' is not valid: {}", err.message);
                            Fail::Err(err)
                        }
                    }
                    other => other,
                })
            }
        }
    }

    /// Evaluates an AST node. Every node is one level of [`MAX_EVAL_DEPTH`], and every function's result is
    /// accounted for (depth, size, this evaluation's total). This function and `functions::call` are the
    /// evaluator's recursion: they stay small (messages and the functions themselves live in functions that do
    /// not recurse), so that a level costs little stack even in a debug build.
    pub fn eval(&self, e: &Expr) -> R<Value> {
        let _level = self.enter()?;
        match e {
            Expr::Call { name, args } => {
                let v = super::functions::call(self, name, args)?;
                self.account(&v)?;
                Ok(v)
            }
            Expr::Prop(target, name) => property(&self.eval(target)?, name),
            Expr::Index(target, index) => {
                let t = self.eval(target)?;
                index_value(&t, &self.eval(index)?)
            }
            literal => Ok(literal_value(literal)),
        }
    }

    /// `copyIndex([loopName])` without offset.
    pub fn copy_index(&self, loop_name: Option<&str>) -> R<i64> {
        match loop_name {
            Some(n) => self
                .copy
                .iter()
                .rev()
                .find(|(l, _)| l.eq_ignore_ascii_case(n))
                .map(|(_, i)| *i)
                .ok_or_else(|| fail(format!("The template function 'copyIndex' is not expected at this location. The loop '{n}' is not in scope."))),
            None => {
                let found = match &self.resource_loop {
                    Some(rl) => self.copy.iter().find(|(l, _)| l.eq_ignore_ascii_case(rl)),
                    None => self.copy.last(),
                };
                found.map(|(_, i)| *i).ok_or_else(|| {
                    fail("The template function 'copyIndex' is not expected at this location. The function can only be used in a resource with copy specified.")
                })
            }
        }
    }

    /// Resolves the first argument of `reference()`/`list*()` to a (resource id, api-version of
    /// the template resource if it is one).
    pub fn resolve_target(&self, target: &str) -> R<(String, Option<String>)> {
        let find_id =
            |id: &str| self.resources.iter().find(|r| r.id.eq_ignore_ascii_case(id)).map(|r| r.api_version.clone());
        if target.starts_with('/') {
            return Ok((target.to_string(), find_id(target)));
        }
        if target.contains('/') {
            if let Some(r) =
                self.resources.iter().find(|r| format!("{}/{}", r.resource_type, r.name).eq_ignore_ascii_case(target))
            {
                return Ok((r.id.clone(), Some(r.api_version.clone())));
            }
            let id = ResourceId::group(&self.ctx.subscription_id, &self.ctx.resource_group)
                .with_provider_path(target)
                .to_string();
            let api = find_id(&id);
            return Ok((id, api));
        }
        // By name. Several resources with the same name (of different types) are resolved to
        // the first in template order.
        match self.resources.iter().find(|r| r.name.eq_ignore_ascii_case(target)) {
            Some(one) => Ok((one.id.clone(), Some(one.api_version.clone()))),
            None => Err(fail(format!(
                "The template reference '{target}' is not valid: could not find template resource or resource copy with this name."
            ))),
        }
    }

    /// `reference()` through the resolver; in preview mode a failure becomes unknown.
    pub fn reference(&self, target: &str, api_version: Option<&str>, full: bool) -> R<Value> {
        let (id, template_api) = self.resolve_target(target)?;
        let api = api_version.map(str::to_string).or(template_api);
        match self.resolver.reference(&id, api.as_deref(), full) {
            Ok(v) => Ok(v),
            Err(_) if self.preview => Err(Fail::Unknown),
            Err(e) => Err(Fail::Err(e)),
        }
    }

    /// `list*()` through the resolver; in preview mode a failure becomes unknown.
    pub fn list(&self, function: &str, target: &str, api_version: &str, body: Option<&Value>) -> R<Value> {
        let (id, _) = self.resolve_target(target)?;
        match self.resolver.list(function, &id, api_version, body) {
            Ok(v) => Ok(v),
            Err(_) if self.preview => Err(Fail::Unknown),
            Err(e) => Err(Fail::Err(e)),
        }
    }
}

#[inline(never)]
fn literal_value(e: &Expr) -> Value {
    match e {
        Expr::Str(s) => Value::String(s.clone()),
        Expr::Int(i) => Value::from(*i),
        Expr::Bool(b) => Value::Bool(*b),
        _ => Value::Null,
    }
}

/// `target[index]`.
#[inline(never)]
fn index_value(t: &Value, i: &Value) -> R<Value> {
    match (t, i) {
        (Value::Array(a), Value::Number(_)) => {
            let idx = i.as_i64().unwrap_or(-1);
            usize::try_from(idx)
                .ok()
                .and_then(|u| a.get(u))
                .cloned()
                .ok_or_else(|| fail(format!("The language expression property array index '{idx}' is out of bounds.")))
        }
        (Value::Object(_), Value::String(s)) => property(t, s),
        _ => Err(fail(format!(
            "The language expression property '{}' can't be evaluated on a value of type '{}'.",
            to_plain_string(i),
            type_name(t)
        ))),
    }
}

/// If `map` has a property-level `copy` array (`[{name, count, input}]`), returns it.
fn property_copy(map: &Map<String, Value>) -> Option<&Vec<Value>> {
    let (_, v) = map.iter().find(|(k, _)| k.eq_ignore_ascii_case("copy"))?;
    let arr = v.as_array()?;
    let ok = !arr.is_empty()
        && arr.iter().all(|s| s.get("name").is_some() && s.get("count").is_some() && s.get("input").is_some());
    ok.then_some(arr)
}

/// Case-insensitive property lookup with ARM's error message.
#[inline(never)]
pub fn property(v: &Value, name: &str) -> R<Value> {
    match v {
        Value::Object(map) => {
            if let Some(x) = map.get(name) {
                return Ok(x.clone());
            }
            map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, x)| x.clone()).ok_or_else(|| {
                let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                fail(format!(
                    "The language expression property '{name}' doesn't exist, available properties are '{}'.",
                    keys.join(", ")
                ))
            })
        }
        other => Err(fail(format!(
            "The language expression property '{name}' can't be evaluated, property name must be a string and the value must be an object; the value is of type '{}'.",
            type_name(other)
        ))),
    }
}

/// ARM's type names for messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(n) if n.is_f64() => "Float",
        Value::Number(_) => "Integer",
        Value::String(_) => "String",
        Value::Array(_) => "Array",
        Value::Object(_) => "Object",
    }
}

/// String form used by `string()`, `concat()` and `format()`: strings as-is, other values as
/// compact JSON, booleans in .NET casing for `format()` callers to adjust.
pub fn to_plain_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}
