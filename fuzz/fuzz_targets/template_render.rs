//! The ARM template engine end to end, as the emulator and the preflight run it: a template and a
//! parameters document (split at the first NUL) → `Deployment::new` → every resource rendered in Preview
//! mode with `NoResolver`, nested deployments, variables and outputs. No panic; errors are fine.
#![no_main]
use asegpu_core::template::{jsonc, Deployment, DeploymentContext, NoResolver, RenderMode};
use asegpu_fuzz::on_small_stack;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // On a small stack: a recursion that grows with the input is a crash (issue 11).
    on_small_stack(|| {
        let (t, p) = match data.iter().position(|&b| b == 0) {
            Some(i) => (&data[..i], &data[i + 1..]),
            None => (data, &b"{}"[..]),
        };
        let Ok(template) = jsonc::parse_template(&String::from_utf8_lossy(t)) else { return };
        let params = jsonc::parse_template(&String::from_utf8_lossy(p)).unwrap_or(serde_json::json!({}));
        let mut ctx = DeploymentContext::new("00000000-0000-0000-0000-000000000001", "rg1", "dbelocal", "fuzz");
        ctx.now = chrono::DateTime::from_timestamp(1_704_164_645, 0).expect("time");
        let Ok(d) = Deployment::new(&template, Some(&params), ctx) else { return };
        let _ = d.template_hash();
        let _ = d.parameters_output();
        if let Some(vars) = template.get("variables").and_then(|v| v.as_object()) {
            for name in vars.keys().take(16) {
                let _ = d.variable(name, &NoResolver);
            }
        }
        for i in 0..d.resources().len().min(64) {
            let _ = d.render(i, &NoResolver, RenderMode::Preview);
            if d.resources()[i].is_deployment() {
                if let Ok(n) = d.nested(i, &NoResolver) {
                    for j in 0..n.resources().len().min(16) {
                        let _ = n.render(j, &NoResolver, RenderMode::Preview);
                    }
                }
            }
        }
        let _ = d.outputs(&NoResolver, RenderMode::Preview);
    })
});
