//! Execution: each resource started when its dependencies succeeded, through the provider handlers, and
//! the deployment finished when its last one is.

use super::*;
use asegpu_core::template::PlannedResource;
use std::collections::BTreeMap;

static PUMP: Mutex<()> = Mutex::new(());

/// Advance every running deployment as far as it can go now. Called while handling ARM requests.
pub fn pump(shared: &Shared, host: &str) {
    if !shared.lock().deployments.values().any(active) {
        return;
    }
    let _g = PUMP.lock().unwrap_or_else(|p| p.into_inner());
    for _ in 0..64 {
        let keys: Vec<String> =
            shared.lock().deployments.iter().filter(|(_, d)| active(d)).map(|(k, _)| k.clone()).collect();
        let mut progressed = false;
        for k in keys {
            progressed |= advance(shared, host, &k);
        }
        if !progressed {
            break;
        }
    }
}

pub(super) fn inner_error(e: &Value) -> Value {
    let e = if e["error"].is_object() { &e["error"] } else { e };
    let mut out = json!({ "code": e["code"].as_str().unwrap_or("ResourceDeploymentFailure"), "message": e["message"].as_str().unwrap_or("The resource operation failed.") });
    if let Some(d) = e.get("details").filter(|d| d.as_array().is_some_and(|a| !a.is_empty())) {
        out["details"] = d.clone();
    }
    out
}

pub(super) fn fail_step(s: &mut Step, status_code: &str, error: Value) {
    s.state = "Failed".into();
    s.ended_ms = Some(now_ms());
    s.status_code = status_code.into();
    s.status_message = Some(json!({ "status": "Failed", "error": error }));
}

/// One step of progress for deployment `key`; true when something changed: finish the steps whose
/// operation or nested deployment is done, re-plan and start what is ready, and end the deployment when
/// nothing runs and nothing more can start.
pub(super) fn advance(shared: &Shared, host: &str, key: &str) -> bool {
    let Some((mut progressed, records)) = finish_done_steps(shared, key) else { return false };
    let plan = match plan(shared, host, &records, key, 0) {
        Ok(p) => p,
        Err(e) => {
            finish(shared, key, Err(json!({ "code": e.code, "message": e.message })));
            return true;
        }
    };
    let resolver = SimResolver { shared, host: host.to_string() };
    let d = records.get(key).expect("present");
    for i in startable(&plan, d) {
        let step = start(shared, host, key, &plan, i, &resolver);
        match shared.lock().deployments.get_mut(key) {
            Some(d) if active(d) => d.steps.push(step),
            _ => return true,
        }
        progressed = true;
    }
    let Some(d) = shared.lock().deployments.get(key).cloned() else { return progressed };
    if d.steps.iter().any(|s| s.state == "Running") || !startable(&plan, &d).is_empty() {
        return progressed;
    }
    conclude(shared, key, &d, &plan, &resolver);
    true
}

/// The resources not started yet whose dependencies all succeeded.
fn startable(plan: &Deployment, d: &Record) -> Vec<usize> {
    let rs = plan.resources();
    let state_of = |i: usize| d.steps.iter().find(|s| s.index == i).map(|s| s.state.as_str());
    let index_of = |id: &str| rs.iter().position(|r| r.id.eq_ignore_ascii_case(id));
    (0..rs.len())
        .filter(|&i| state_of(i).is_none())
        .filter(|&i| rs[i].depends_on.iter().all(|dep| index_of(dep).is_none_or(|j| state_of(j) == Some("Succeeded"))))
        .collect()
}

/// Finish the running steps of `key` whose operation or nested deployment ended. None when the
/// deployment is not active; else whether anything changed, and every deployment record as it is now.
fn finish_done_steps(shared: &Shared, key: &str) -> Option<(bool, BTreeMap<String, Record>)> {
    let mut st = shared.lock();
    let d = st.deployments.get(key).filter(|d| active(d))?;
    let running: Vec<(usize, Option<String>, Option<String>)> = d
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.state == "Running")
        .map(|(i, s)| (i, s.wait_op.clone(), s.nested.clone()))
        .collect();
    let updates: Vec<(usize, Result<(), Value>)> = running
        .into_iter()
        .filter_map(|(i, op, nested)| step_outcome(&st, op.as_deref(), nested.as_deref()).map(|o| (i, o)))
        .collect();
    let d = st.deployments.get_mut(key).expect("present");
    let mut progressed = d.state == "Accepted";
    if progressed {
        d.state = "Running".into();
    }
    for (i, outcome) in updates {
        progressed = true;
        end_step(&mut d.steps[i], outcome);
    }
    Some((progressed, st.deployments.clone()))
}

/// How a running step ended: None while its operation or nested deployment still runs.
fn step_outcome(st: &State, op: Option<&str>, nested: Option<&str>) -> Option<Result<(), Value>> {
    if let Some(op) = op {
        return match st.operations.get(op) {
            Some(o) if o.status == "InProgress" => None,
            Some(o) if o.status == "Succeeded" => Some(Ok(())),
            Some(o) => Some(Err(o.error.clone().unwrap_or(
                json!({ "code": "OperationFailed", "message": format!("The operation '{}' failed.", o.name) }),
            ))),
            None => Some(Ok(())),
        };
    }
    let n = nested?;
    match st.deployments.get(n) {
        Some(c) if active(c) => None,
        Some(c) if c.state == "Succeeded" => Some(Ok(())),
        Some(c) => Some(Err(c.error.clone().unwrap_or(json!({ "code": "DeploymentCanceled", "message": format!("The nested deployment '{}' was {}.", c.name, c.state.to_ascii_lowercase()) })))),
        None => Some(Err(json!({ "code": "DeploymentNotFound", "message": format!("The nested deployment '{n}' no longer exists.") }))),
    }
}

fn end_step(s: &mut Step, outcome: Result<(), Value>) {
    match outcome {
        Ok(()) => {
            s.state = "Succeeded".into();
            s.ended_ms = Some(now_ms());
            s.status_code = "OK".into();
        }
        Err(e) => {
            let e = inner_error(&e);
            let wrapped = if s.nested.is_some() {
                e
            } else {
                json!({ "code": "ResourceDeploymentFailure", "message": "The resource operation completed with terminal provisioning state 'Failed'.", "details": [e] })
            };
            fail_step(s, if s.nested.is_some() { "Conflict" } else { "OK" }, wrapped);
        }
    }
}

/// End deployment `key`, whose every step ended: failed with its steps' root causes, or succeeded with
/// its outputs.
fn conclude(shared: &Shared, key: &str, d: &Record, plan: &Deployment, resolver: &SimResolver) {
    let failed: Vec<Value> = d.steps.iter().filter(|s| s.state == "Failed").map(root_cause).collect();
    if !failed.is_empty() {
        let error = json!({ "code": "DeploymentFailed", "message": DEPLOYMENT_FAILED, "details": failed });
        return finish(shared, key, Err(error));
    }
    match plan.outputs(resolver, RenderMode::Strict) {
        Ok(o) => finish(shared, key, Ok(o)),
        Err(e) => finish(
            shared,
            key,
            Err(
                json!({ "code": "DeploymentOutputEvaluationFailed", "message": format!("Unable to evaluate the template outputs: {}", e.message), "details": [{ "code": e.code, "message": e.message }] }),
            ),
        ),
    }
}

/// A failed step's root cause: the provider's own error rather than the generic wrapper, with its target.
fn root_cause(s: &Step) -> Value {
    let e = s.status_message.as_ref().map(|m| m["error"].clone()).unwrap_or(Value::Null);
    let e = if e["code"] == "ResourceDeploymentFailure" && e["details"][0].is_object() {
        e["details"][0].clone()
    } else {
        e
    };
    let mut e = inner_error(&e);
    e["target"] = json!(s.id);
    e
}

pub(super) fn finish(shared: &Shared, key: &str, outcome: Result<Value, Value>) {
    let mut st = shared.lock();
    let Some(d) = st.deployments.get_mut(key) else { return };
    if !active(d) {
        return;
    }
    d.ended_ms = Some(now_ms());
    match outcome {
        Ok(outputs) => {
            d.state = "Succeeded".into();
            d.outputs = outputs;
        }
        Err(e) => {
            d.state = "Failed".into();
            d.error = Some(e);
        }
    }
}

pub(super) fn status_code_name(status: u16) -> String {
    hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| r.replace([' ', '-'], ""))
        .unwrap_or_else(|| status.to_string())
}

/// Start resource `i` of `plan` (deployment `key`): render it and send it through the provider handlers.
pub(super) fn start(
    shared: &Shared,
    host: &str,
    key: &str,
    plan: &Deployment,
    i: usize,
    resolver: &SimResolver,
) -> Step {
    let r = &plan.resources()[i];
    let mut step = Step {
        index: i,
        op_id: op_hex(),
        id: r.id.clone(),
        rtype: r.resource_type.clone(),
        rname: r.name.clone(),
        state: "Running".into(),
        started_ms: now_ms(),
        ended_ms: None,
        status_code: String::new(),
        status_message: None,
        wait_op: None,
        nested: None,
        service_request_id: uuid::Uuid::new_v4().to_string(),
    };
    if r.is_deployment() {
        match start_nested(shared, key, plan, i, resolver) {
            Ok(nkey) => {
                step.nested = Some(nkey);
                step.status_code = "Created".into();
            }
            Err((code, error)) => fail_step(&mut step, code, error),
        }
        return step;
    }
    let rendered = match plan.render(i, resolver, RenderMode::Strict) {
        Ok(x) => x,
        Err(e) => {
            let mut err = json!({ "code": e.code, "message": e.message });
            if let Some(t) = &e.target {
                err["target"] = json!(t);
            }
            fail_step(&mut step, "BadRequest", err);
            return step;
        }
    };
    if r.resource_type.eq_ignore_ascii_case(INGESTION_TYPE) {
        return ingestion_job(step, &rendered.body);
    }
    put_resource(shared, host, r, &rendered.body, step)
}

/// Start the nested deployment that resource `i` of `plan` is: its record's key, or the step's failure
/// (status code and error).
fn start_nested(
    shared: &Shared,
    key: &str,
    plan: &Deployment,
    i: usize,
    resolver: &SimResolver,
) -> Result<String, (&'static str, Value)> {
    let r = &plan.resources()[i];
    let nested =
        plan.nested(i, resolver).map_err(|e| ("BadRequest", json!({ "code": e.code, "message": e.message })))?;
    let mode = plan
        .render(i, resolver, RenderMode::Preview)
        .ok()
        .and_then(|x| x.body["properties"]["mode"].as_str().map(str::to_string))
        .unwrap_or_else(|| "Incremental".into());
    let child = Record {
        id: deployment_id(&r.subscription_id, &r.resource_group, &r.name),
        name: r.name.clone(),
        sub: r.subscription_id.clone(),
        rg: r.resource_group.clone(),
        mode,
        template: nested.template().clone(),
        parameters: Value::Null,
        state: "Accepted".into(),
        correlation_id: shared.lock().deployments.get(key).map(|d| d.correlation_id.clone()).unwrap_or_default(),
        op_id: op_hex(),
        started_ms: now_ms(),
        ended_ms: None,
        template_hash: nested.template_hash(),
        parameters_output: nested.parameters_output(),
        providers: providers_of(&nested),
        dependencies: dependencies_of(&nested),
        outputs: json!({}),
        error: None,
        steps: Vec::new(),
        parent: Some((key.to_string(), i)),
    };
    let mut st = shared.lock();
    if !st.resource_groups.contains_key(&r.resource_group.to_ascii_lowercase()) {
        let message = format!("Resource group '{}' could not be found.", r.resource_group);
        return Err(("NotFound", json!({ "code": "ResourceGroupNotFound", "message": message })));
    }
    let nkey = res::key(&r.id);
    remove_children(&mut st, &nkey);
    st.deployments.insert(nkey.clone(), child);
    Ok(nkey)
}

/// PUT a rendered resource through the provider handlers; the step waits on its operation, if any.
fn put_resource(shared: &Shared, host: &str, r: &PlannedResource, body: &Value, mut step: Step) -> Step {
    let body = serde_json::to_vec(body).unwrap_or_default();
    let (status, headers, v) = call(shared, host, Method::PUT, &r.id, &r.api_version, body);
    if status >= 400 {
        fail_step(&mut step, &status_code_name(status), inner_error(&v));
        return step;
    }
    step.status_code = status_code_name(status);
    let poll = headers.get("azure-asyncoperation").or(headers.get("location")).and_then(|h| h.to_str().ok());
    match poll
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.path_segments().and_then(|mut s| s.next_back().map(str::to_string)))
    {
        Some(op) => step.wait_op = Some(op),
        None => {
            step.state = "Succeeded".into();
            step.ended_ms = Some(now_ms());
        }
    }
    step
}

/// `Microsoft.AzureBridge/locations/ingestionJobs`: the device downloads a VHD from Azure. The emulated
/// device has no route to Azure, so a download fails the way the device reports an unreachable source.
pub(super) fn ingestion_job(mut step: Step, body: &Value) -> Step {
    let kind = body["kind"].as_str().unwrap_or("");
    if kind.eq_ignore_ascii_case("BlobCleanup") {
        step.state = "Succeeded".into();
        step.ended_ms = Some(now_ms());
        step.status_code = "OK".into();
        return step;
    }
    let source = get_ci(&body["properties"], "SourceBlobUri").and_then(Value::as_str).unwrap_or("");
    let shown = source.split('?').next().unwrap_or("");
    let message = if source.trim().is_empty() {
        "The ingestion job cannot start: SourceBlobUri is empty. Provide the SAS URI of the source VHD in Azure."
            .to_string()
    } else {
        format!("The ingestion job failed to download the source blob '{shown}': the source is not reachable from the device. Check that the device has internet access on a port enabled for compute and that the SAS URI is valid and not expired.")
    };
    fail_step(
        &mut step,
        "OK",
        json!({ "code": "ResourceDeploymentFailure", "message": "The resource operation completed with terminal provisioning state 'Failed'.",
                "details": [{ "code": "IngestionJobFailed", "message": message }] }),
    );
    step
}
