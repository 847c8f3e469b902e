//! Deployments and their operations as ARM shows them (providers, dependencies, timestamps).

use super::*;

pub fn deployment_json(d: &Record) -> Value {
    let end = d.ended_ms.unwrap_or_else(now_ms);
    let mut p = json!({
        "templateHash": d.template_hash,
        "parameters": d.parameters_output,
        "mode": d.mode,
        "provisioningState": d.state,
        "timestamp": fmt_ms(d.ended_ms.unwrap_or(d.started_ms)),
        "duration": duration(end - d.started_ms),
        "correlationId": d.correlation_id,
        "providers": d.providers,
        "dependencies": d.dependencies,
    });
    if d.state == "Succeeded" {
        p["outputs"] = if d.outputs.is_object() { d.outputs.clone() } else { json!({}) };
        let out: Vec<Value> = d.steps.iter().filter(|s| s.nested.is_none()).map(|s| json!({ "id": s.id })).collect();
        p["outputResources"] = json!(out);
    } else if d.state != "Failed" {
        p["outputs"] = json!({});
    }
    if let Some(e) = &d.error {
        p["error"] = e.clone();
    }
    json!({ "id": d.id, "name": d.name, "type": TYPE, "properties": p })
}

pub(super) fn operation_json(d: &Record, s: &Step) -> Value {
    let end = s.ended_ms.unwrap_or_else(now_ms);
    let mut p = json!({
        "provisioningOperation": "Create",
        "provisioningState": s.state,
        "timestamp": fmt_ms(s.ended_ms.unwrap_or(s.started_ms)),
        "duration": duration(end - s.started_ms),
        "trackingId": s.op_id,
        "serviceRequestId": s.service_request_id,
        "statusCode": s.status_code,
        "targetResource": { "id": s.id, "resourceType": s.rtype, "resourceName": s.rname },
    });
    if let Some(m) = &s.status_message {
        p["statusMessage"] = m.clone();
    }
    json!({ "id": format!("{}/operations/{}", d.id, s.op_id), "operationId": s.op_id, "properties": p })
}

pub(super) fn providers_of(plan: &Deployment) -> Value {
    let mut by_ns: Vec<(String, Vec<String>)> = Vec::new();
    for r in plan.resources() {
        let (ns, t) = r.resource_type.split_once('/').unwrap_or((&r.resource_type, ""));
        let ns = res::canonical_ns(ns);
        let i = match by_ns.iter().position(|(n, _)| n.eq_ignore_ascii_case(&ns)) {
            Some(i) => i,
            None => {
                by_ns.push((ns.clone(), Vec::new()));
                by_ns.len() - 1
            }
        };
        if !by_ns[i].1.iter().any(|x| x.eq_ignore_ascii_case(t)) {
            by_ns[i].1.push(t.to_string());
        }
    }
    json!(by_ns
        .into_iter()
        .map(|(ns, types)| json!({
            "namespace": ns,
            "resourceTypes": types.into_iter().map(|t| json!({ "resourceType": t, "locations": [asegpu_core::device::LOCATION] })).collect::<Vec<_>>(),
        }))
        .collect::<Vec<_>>())
}

pub(super) fn type_and_name_of_id(id: &str) -> (String, String) {
    match asegpu_core::arm::resource_id::ResourceId::parse(id) {
        Some(r) if r.namespace.is_some() => (r.resource_type(), r.name()),
        _ => (String::new(), res::id_name(id)),
    }
}

pub(super) fn dependencies_of(plan: &Deployment) -> Value {
    let rs = plan.resources();
    let target = |id: &str| match rs.iter().find(|r| r.id.eq_ignore_ascii_case(id)) {
        Some(r) => json!({ "id": r.id, "resourceType": r.resource_type, "resourceName": r.name }),
        None => {
            let (t, n) = type_and_name_of_id(id);
            json!({ "id": id, "resourceType": t, "resourceName": n })
        }
    };
    json!(rs
        .iter()
        .filter(|r| !r.depends_on.is_empty())
        .map(|r| json!({
            "dependsOn": r.depends_on.iter().map(|d| target(d)).collect::<Vec<_>>(),
            "id": r.id, "resourceType": r.resource_type, "resourceName": r.name,
        }))
        .collect::<Vec<_>>())
}
