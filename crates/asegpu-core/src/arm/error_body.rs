//! ARM's error body, read and written in one place: `{"error": {"code", "message", "target", "details"}}`.
//! The client reads it from failed responses and failed long-running operations (also unwrapped, and as
//! `properties.error`); the emulator and the template engine write it.

use serde_json::{json, Value};

/// One ARM error. `details` is kept as the device sent it (ARM nests errors there, with extra fields).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArmErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
    pub target: Option<String>,
    pub details: Option<Value>,
}

impl ArmErrorBody {
    pub fn new(code: &str, message: &str) -> ArmErrorBody {
        ArmErrorBody { code: Some(code.into()), message: Some(message.into()), ..Default::default() }
    }

    /// The error inside a response or operation body: `error`, `properties.error`, or the body itself when
    /// it has a `code` (some endpoints answer unwrapped). None when there is none.
    pub fn find(body: &Value) -> Option<ArmErrorBody> {
        let e = body.get("error").or_else(|| body.pointer("/properties/error")).filter(|e| e.is_object());
        let e = e.or_else(|| body.get("code").is_some().then_some(body))?;
        let s = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_string);
        Some(ArmErrorBody {
            code: s("code"),
            message: s("message"),
            target: s("target"),
            details: e.get("details").cloned(),
        })
    }

    /// The error object (`{"code", "message"[, "target"][, "details"]}`).
    pub fn to_json(&self) -> Value {
        let mut v = json!({ "code": self.code, "message": self.message });
        if let Some(t) = &self.target {
            v["target"] = json!(t);
        }
        if let Some(d) = &self.details {
            v["details"] = d.clone();
        }
        v
    }

    /// The response body ARM answers with: `{"error": {...}}`.
    pub fn envelope(&self) -> Value {
        json!({ "error": self.to_json() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_wrapped_unwrapped_and_in_properties() {
        let wrapped = json!({ "error": { "code": "NotFound", "message": "m", "details": [{ "code": "x" }] } });
        let e = ArmErrorBody::find(&wrapped).unwrap();
        assert_eq!((e.code.as_deref(), e.details.as_ref().unwrap()[0]["code"].as_str()), (Some("NotFound"), Some("x")));
        assert_eq!(ArmErrorBody::find(&json!({ "code": "C", "message": "m" })).unwrap().code.as_deref(), Some("C"));
        let op = json!({ "status": "Failed", "properties": { "error": { "code": "P" } } });
        assert_eq!(ArmErrorBody::find(&op).unwrap().code.as_deref(), Some("P"));
        assert_eq!(ArmErrorBody::find(&json!({ "status": "Succeeded" })), None);
        let round = ArmErrorBody::find(&e.envelope()).unwrap();
        assert_eq!(round, e);
        assert_eq!(ArmErrorBody::new("A", "b").envelope(), json!({ "error": { "code": "A", "message": "b" } }));
    }
}
