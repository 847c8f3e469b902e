//! The `[...]` expression language: parser and evaluator (every template function), through a variable of
//! a minimal template, with a few typed parameters the expression can use.
#![no_main]
use asegpu_core::template::{expr, Deployment, DeploymentContext, NoResolver};
use asegpu_fuzz::on_small_stack;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    // On a small stack: a recursion that grows with the input is a crash (issue 11).
    on_small_stack(|| {
        let Ok(s) = std::str::from_utf8(data) else { return };
        let _ = expr::parse(s);
        let _ = expr::parse_string(s);
        let e = if s.starts_with('[') { s.to_string() } else { format!("[{s}]") };
        let t = json!({
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "parameters": {
                "s": {"type": "string", "defaultValue": "Standard_NC4as_T4_v3"},
                "n": {"type": "int", "defaultValue": 3},
                "a": {"type": "array", "defaultValue": [1, "two", {"three": 3}]},
                "o": {"type": "object", "defaultValue": {"k": "v", "n": [1, 2]}},
                "b": {"type": "bool", "defaultValue": true},
                "p": {"type": "securestring", "defaultValue": "Fz-secure!"}
            },
            "variables": {"v": "[parameters('s')]", "__case": e},
            "resources": []
        });
        let mut ctx = DeploymentContext::new("00000000-0000-0000-0000-000000000001", "rg1", "dbelocal", "fuzz");
        ctx.now = chrono::DateTime::from_timestamp(1_704_164_645, 0).expect("time");
        if let Ok(d) = Deployment::new(&t, Some(&json!({})), ctx) {
            let _ = d.variable("__case", &NoResolver);
        }
    })
});
