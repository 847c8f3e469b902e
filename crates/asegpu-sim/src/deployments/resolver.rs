//! The resolver: a template's reference() and list*() answered from the emulator's state, through the
//! same handlers as ARM requests.

use super::*;

pub struct SimResolver<'a> {
    pub shared: &'a Shared,
    pub host: String,
}

impl Resolver for SimResolver<'_> {
    fn reference(&self, resource_id: &str, _api_version: Option<&str>, full: bool) -> Result<Value, TemplateError> {
        let st = self.shared.lock();
        if let Some(d) = st.deployments.get(&res::key(resource_id)) {
            let v = deployment_json(d);
            return Ok(if full { v } else { v["properties"].clone() });
        }
        match res::get(&st, resource_id) {
            Some(v) => {
                let v = res::public(v);
                Ok(if full { v } else { v["properties"].clone() })
            }
            None => {
                let (t, n) = type_and_name_of_id(resource_id);
                let rg = res::id_rg(resource_id).unwrap_or_default();
                Err(TemplateError::new(
                    "ResourceNotFound",
                    format!("The Resource '{t}/{n}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"),
                )
                .with_target(resource_id.to_string()))
            }
        }
    }

    fn list(
        &self,
        function: &str,
        resource_id: &str,
        api_version: &str,
        body: Option<&Value>,
    ) -> Result<Value, TemplateError> {
        let path = format!("{}/{function}", resource_id.trim_end_matches('/'));
        let body = body.map(|b| serde_json::to_vec(b).unwrap_or_default()).unwrap_or_default();
        let (status, _, v) = call(self.shared, &self.host, Method::POST, &path, api_version, body);
        if status < 300 {
            return Ok(v);
        }
        let e = &v["error"];
        Err(TemplateError::new(
            e["code"].as_str().unwrap_or("ResourceNotFound"),
            e["message"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| format!("'{function}' on '{resource_id}' failed with status {status}.")),
        )
        .with_target(resource_id.to_string()))
    }
}

/// Send a synthetic ARM request for a resource id through the same routing as a direct call.
pub(super) fn call(
    shared: &Shared,
    host: &str,
    method: Method,
    id: &str,
    api_version: &str,
    body: Vec<u8>,
) -> (u16, hyper::HeaderMap, Value) {
    let q: String =
        url::form_urlencoded::Serializer::new(String::new()).append_pair("api-version", api_version).finish();
    let path: String = id
        .split('/')
        .map(|s| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
                .replace("%2E", ".")
                .replace("%2D", "-")
                .replace("%5F", "_")
        })
        .collect::<Vec<_>>()
        .join("/");
    let uri: hyper::Uri = match format!("{path}?{q}").parse() {
        Ok(u) => u,
        Err(e) => {
            return (
                400,
                Default::default(),
                json!({ "error": { "code": "InvalidResourceId", "message": format!("'{id}' is not a valid resource id: {e}") } }),
            )
        }
    };
    let mut headers = hyper::HeaderMap::new();
    if let Ok(h) = host.parse() {
        headers.insert(hyper::header::HOST, h);
    }
    headers.insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("application/json"));
    let req = Req::new(method, &uri, headers, Bytes::from(body));
    let resp = super::super::arm::provider_request(shared, &req);
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = futures_util::FutureExt::now_or_never(http_body_util::BodyExt::collect(resp.into_body()))
        .and_then(|r| r.ok())
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}
