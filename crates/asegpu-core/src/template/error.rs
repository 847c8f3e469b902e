//! The single error type of the template engine, shaped like an ARM error body
//! (`{"code","message","target","details"}`), plus helpers that produce the
//! messages ARM uses for the common failure cases.

use std::fmt;

/// Link ARM appends to expression errors.
pub const EXPRESSIONS_HELP: &str = "Please see https://aka.ms/arm-template-expressions for usage details.";

/// An ARM-style error: `code`, `message`, optional `target` and nested `details`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TemplateError {
    /// Error code such as `InvalidTemplate`, `InvalidTemplateDeployment`, `InvalidRequestContent`.
    pub code: String,
    /// Human-readable message, worded like ARM's where known.
    pub message: String,
    /// What the error is about: a template path (`/resources[1]/properties`) or a resource id.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub target: Option<String>,
    /// Nested errors.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub details: Vec<TemplateError>,
}

impl TemplateError {
    /// A new error with a code and message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        TemplateError { code: code.into(), message: message.into(), target: None, details: Vec::new() }
    }

    /// `InvalidTemplate` error.
    pub fn invalid_template(message: impl Into<String>) -> Self {
        Self::new("InvalidTemplate", message)
    }

    /// `InvalidTemplateDeployment` error (parameter binding failures).
    pub fn invalid_deployment(message: impl Into<String>) -> Self {
        Self::new("InvalidTemplateDeployment", message)
    }

    /// Sets the target.
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Adds a detail.
    pub fn with_detail(mut self, detail: TemplateError) -> Self {
        self.details.push(detail);
        self
    }

    /// Serializes as an ARM error response body: `{"error": {...}}`.
    pub fn to_error_body(&self) -> serde_json::Value {
        serde_json::json!({ "error": self })
    }

    /// Wraps an expression failure as ARM's "Deployment template validation failed" message
    /// for the template element at `path` (for example `resources[0]` or the resource name).
    pub fn in_template_element(self, kind: &str, name: &str, path: &str) -> Self {
        if self.message.starts_with("Deployment template validation failed") {
            return self;
        }
        let inner = self.message.trim_end_matches(EXPRESSIONS_HELP).trim_end();
        let mut err = TemplateError::invalid_template(format!(
            "Deployment template validation failed: 'The template {kind} '{name}' is not valid: {inner} {EXPRESSIONS_HELP}'."
        ));
        err.target = Some(self.target.clone().unwrap_or_else(|| path.to_string()));
        err.details = self.details;
        err
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(t) = &self.target {
            write!(f, " (target: {t})")?;
        }
        for d in &self.details {
            write!(f, "; {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TemplateError {}

/// Shorthand result type.
pub type TResult<T> = Result<T, TemplateError>;

/// `InvalidTemplate` error for an expression problem, with ARM's help link.
pub fn expr_error(message: impl AsRef<str>) -> TemplateError {
    TemplateError::invalid_template(format!("{} {EXPRESSIONS_HELP}", message.as_ref()))
}
