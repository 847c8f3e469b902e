//! Data-driven conformance tests (`tests/data/template/conformance.json`) and error-path tests
//! of the expression language and parameter binding.

use serde_json::{json, Map, Value};

use super::*;

/// Fixed context used by the conformance table.
pub(super) fn test_context() -> DeploymentContext {
    let mut ctx = DeploymentContext::new("00000000-0000-0000-0000-000000000001", "rg1", "dbelocal", "dep1");
    ctx.now = chrono::DateTime::parse_from_rfc3339("2024-01-02T03:04:05Z").unwrap().with_timezone(&chrono::Utc);
    ctx
}

pub(super) fn data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/template")
}

fn param_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(_) => "int",
        Value::Array(_) => "array",
        _ => "object",
    }
}

/// Evaluates `expr` as a variable of a template built from the case's context.
fn eval_case(expr: &Value, context: Option<&Value>) -> Result<Value, TemplateError> {
    let mut decls = Map::new();
    let mut supplied = Map::new();
    let mut vars = Map::new();
    if let Some(ctx) = context {
        for (k, v) in ctx.get("parameters").and_then(Value::as_object).into_iter().flatten() {
            decls.insert(k.clone(), json!({"type": param_type(v)}));
            supplied.insert(k.clone(), json!({"value": v}));
        }
        for (k, v) in ctx.get("variables").and_then(Value::as_object).into_iter().flatten() {
            vars.insert(k.clone(), v.clone());
        }
    }
    vars.insert("__case".into(), expr.clone());
    let template =
        json!({"$schema": "x", "contentVersion": "1.0.0.0", "parameters": decls, "variables": vars, "resources": []});
    let d = Deployment::new(&template, Some(&Value::Object(supplied)), test_context())?;
    d.variable("__case", &NoResolver)
}

#[test]
fn conformance_table() {
    let text = std::fs::read_to_string(data_dir().join("conformance.json")).expect("conformance.json");
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 120, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let result = eval_case(&case["expr"], case.get("context"));
        match (case.get("expected"), case.get("error").and_then(Value::as_str), result) {
            (_, Some(err), Err(e)) if e.message.contains(err) => {}
            (_, Some(err), other) => {
                failures.push(format!("#{i} {}: expected error containing {err:?}, got {other:?}", case["expr"]))
            }
            (Some(want), None, Ok(got))
                if functions::values_equal(want, &got) && want == &got
                    || (want.is_number() && functions::values_equal(want, &got)) => {}
            (want, None, got) => failures.push(format!("#{i} {}: expected {want:?}, got {got:?}", case["expr"])),
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

fn plan(template: Value, params: Value) -> Result<Deployment, TemplateError> {
    Deployment::new(&template, Some(&params), test_context())
}

#[test]
fn unknown_supplied_parameter_is_rejected() {
    let t = json!({"contentVersion": "1.0.0.0", "parameters": {"a": {"type": "string"}}, "resources": []});
    let e = plan(t, json!({"a": {"value": "x"}, "bogus": {"value": 1}})).unwrap_err();
    assert_eq!(e.code, "InvalidTemplate");
    assert!(
        e.message.contains("The template parameters 'bogus' in the parameters file are not valid"),
        "{}",
        e.message
    );
}

#[test]
fn missing_required_parameter_names_it() {
    let t = json!({"contentVersion": "1.0.0.0", "parameters": {"vmName": {"type": "string"}}, "resources": []});
    let e = plan(t, json!({})).unwrap_err();
    assert!(e.message.contains("The value for the template parameter 'vmName' is not provided"), "{}", e.message);
}

#[test]
fn wrong_parameter_type() {
    let t = json!({"contentVersion": "1.0.0.0", "parameters": {"n": {"type": "int"}}, "resources": []});
    let e = plan(t, json!({"n": {"value": "5"}})).unwrap_err();
    assert!(e.message.contains("Expected 'Integer'. Actual 'String'"), "{}", e.message);
    let t = json!({"contentVersion": "1.0.0.0", "parameters": {"n": {"type": "widget"}}, "resources": []});
    assert!(plan(t, json!({})).unwrap_err().message.contains("invalid type 'widget'"));
}

#[test]
fn disallowed_and_out_of_range_values() {
    let t = json!({"contentVersion": "1.0.0.0", "parameters": {
        "kind": {"type": "string", "allowedValues": ["Linux", "Windows"]},
        "n": {"type": "int", "minValue": 1, "maxValue": 3, "defaultValue": 2},
        "s": {"type": "string", "minLength": 2, "maxLength": 4, "defaultValue": "abc"}}, "resources": []});
    let e = plan(t.clone(), json!({"kind": {"value": "Mac"}})).unwrap_err();
    assert!(
        e.message.contains("The parameter value is not part of the allowed value(s): 'Linux,Windows'"),
        "{}",
        e.message
    );
    assert!(plan(t.clone(), json!({"kind": {"value": "Linux"}, "n": {"value": 0}}))
        .unwrap_err()
        .message
        .contains("less than the minimum value '1'"));
    assert!(plan(t.clone(), json!({"kind": {"value": "Linux"}, "n": {"value": 4}}))
        .unwrap_err()
        .message
        .contains("exceeds the maximum value '3'"));
    assert!(plan(t.clone(), json!({"kind": {"value": "Linux"}, "s": {"value": "a"}}))
        .unwrap_err()
        .message
        .contains("greater than or equal to '2'"));
    assert!(plan(t.clone(), json!({"kind": {"value": "Linux"}, "s": {"value": "abcde"}}))
        .unwrap_err()
        .message
        .contains("less than or equal to '4'"));
    assert!(plan(t, json!({"kind": {"value": "Windows"}})).is_ok());
}

#[test]
fn defaults_may_reference_other_parameters_in_any_order() {
    let t = json!({"contentVersion": "1.0.0.0", "parameters": {
        "full": {"type": "string", "defaultValue": "[concat(parameters('prefix'), '-vm')]"},
        "prefix": {"type": "string", "defaultValue": "[resourceGroup().name]"}}, "resources": []});
    let d = plan(t, json!({})).unwrap();
    assert_eq!(d.parameters_output()["full"]["value"], "rg1-vm");
}

#[test]
fn secure_parameters_are_not_reported() {
    let t = json!({"contentVersion": "1.0.0.0", "parameters": {"pw": {"type": "secureString"}, "user": {"type": "string"}}, "resources": []});
    let d = plan(t, json!({"pw": {"value": "s3cret"}, "user": {"value": "bob"}})).unwrap();
    let out = d.parameters_output();
    assert_eq!(out["pw"], json!({"type": "SecureString"}));
    assert_eq!(out["user"], json!({"type": "String", "value": "bob"}));
    assert!(!out.to_string().contains("s3cret"));
    assert_eq!(d.parameter_values()[0].value, "s3cret");
}

#[test]
fn whole_parameters_file_is_detected() {
    let t = json!({"contentVersion": "1.0.0.0", "parameters": {"a": {"type": "string"}}, "resources": []});
    let file = json!({"$schema": "https://schema.management.azure.com/schemas/2015-01-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {"A": {"value": "x"}}});
    assert_eq!(plan(t, file).unwrap().parameters_output()["a"]["value"], "x");
}

#[test]
fn unknown_function_in_resource_is_reported_with_arm_wording() {
    let t = json!({"contentVersion": "1.0.0.0", "resources": [{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2019-06-01", "name": "[bogus()]"}]});
    let e = plan(t, json!({})).unwrap_err();
    assert_eq!(e.code, "InvalidTemplate");
    assert!(e.message.starts_with("Deployment template validation failed"), "{}", e.message);
    assert!(e.message.contains("The template function 'bogus' is not valid. Please see https://aka.ms/arm-template-expressions for usage details."), "{}", e.message);
    assert_eq!(e.target.as_deref(), Some("/resources[0]"));
}

#[test]
fn malformed_expression_in_template() {
    let t = json!({"contentVersion": "1.0.0.0", "variables": {"v": "[concat('a', 'b']"}, "resources": []});
    let e = plan(t, json!({})).unwrap_err();
    assert!(e.message.contains("Unable to parse language expression"), "{}", e.message);
    assert_eq!(e.target.as_deref(), Some("/variables/v"));
}

#[test]
fn malformed_json_reports_line_and_column() {
    let e = jsonc::parse_template("{\n  \"resources\": [\n    {\"type\": 'x'}\n  ]\n}").unwrap_err();
    assert_eq!(e.code, "InvalidTemplate");
    assert!(e.message.contains("line 3, position 14"), "{}", e.message);
}

#[test]
fn error_body_shape() {
    let e = TemplateError::invalid_template("m").with_target("t").with_detail(TemplateError::new("c", "d"));
    let body = e.to_error_body();
    assert_eq!(
        body,
        json!({"error": {"code": "InvalidTemplate", "message": "m", "target": "t", "details": [{"code": "c", "message": "d"}]}})
    );
    assert_eq!(e.to_string(), "InvalidTemplate: m (target: t); c: d");
}
