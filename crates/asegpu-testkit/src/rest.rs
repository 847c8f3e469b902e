//! Raw ARM REST against an emulated device, for tests of the emulator's wire behaviour: `{sub}` in a path
//! is the device's subscription, answers keep their status, headers and JSON body.

use super::Device;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

/// An answer: status, headers and the body as JSON (`Null` when it is not JSON).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }

    pub(super) async fn read(resp: reqwest::Response) -> Answer {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.expect("the answer's body");
        Answer { status, headers, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
    }
}

/// A signed-in REST client of one device.
pub struct Rest {
    pub http: reqwest::Client,
    /// `https://127.0.0.1:<port>/`.
    pub base: String,
    pub token: String,
    pub sub: String,
    control_token: String,
}

impl Rest {
    pub(super) async fn sign_in(d: &Device) -> Rest {
        let http = d.https();
        let base = d.sim.info.arm_endpoint_ip.clone();
        let form = [
            ("grant_type", "password"),
            ("client_id", asegpu_core::device::POWERSHELL_CLIENT_ID),
            ("username", asegpu_core::device::ARM_USER),
            ("password", d.password()),
            ("resource", base.as_str()),
        ];
        let resp = http.post(format!("{base}adfs/oauth2/token")).form(&form).send().await.expect("AD FS answers");
        let t: Value = resp.json().await.expect("a token response");
        let token = t["access_token"].as_str().expect("an access token").to_string();
        let sub = d.sim.info.subscription_id.clone();
        Rest { http, base, token, sub, control_token: d.sim.info.control_token.clone() }
    }

    /// The URL of `path` (relative to the endpoint; `{sub}` is the subscription).
    pub fn url(&self, path: &str) -> String {
        let path = path.replace("{sub}", &self.sub);
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }

    /// Send `body` as it is (e.g. JSON with comments, as the Azure CLI sends).
    pub async fn send(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> Answer {
        let mut rb = self.http.request(method, self.url(path)).bearer_auth(&self.token);
        if let Some(b) = body {
            rb = rb.header("content-type", "application/json").body(b);
        }
        Answer::read(rb.send().await.expect("the device answers")).await
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.send(method, path, body.map(|b| serde_json::to_vec(&b).expect("JSON"))).await
    }
    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.call(Method::PUT, path, Some(body)).await
    }
    pub async fn post(&self, path: &str, body: Option<Value>) -> Answer {
        self.call(Method::POST, path, body).await
    }
    pub async fn delete(&self, path: &str) -> Answer {
        self.call(Method::DELETE, path, None).await
    }

    /// The emulator's control API (`/_sim/{path}`), with its control token.
    pub async fn control(&self, method: Method, path: &str, body: Value) -> Answer {
        let url = format!("{}_sim/{path}", self.base);
        let resp = self.http.request(method, url).bearer_auth(&self.control_token).json(&body).send().await;
        Answer::read(resp.expect("the control API answers")).await
    }

    /// Create (or update) resource group `name`.
    pub async fn group(&self, name: &str) {
        let r = self
            .put(
                &format!("subscriptions/{{sub}}/resourcegroups/{name}?api-version=2018-05-01"),
                json!({"location": "dbelocal"}),
            )
            .await;
        assert!(r.status == 201 || r.status == 200, "{}", r.body);
    }

    /// Poll an answer's Azure-AsyncOperation (or Location) until the operation ends; its last status document.
    pub async fn wait(&self, r: &Answer) -> Value {
        let Some(url) = r.header("azure-asyncoperation").or_else(|| r.header("location")) else {
            return json!({ "status": "Succeeded" });
        };
        for _ in 0..400 {
            let resp = self.http.get(&url).bearer_auth(&self.token).send().await.expect("the device answers");
            let code = resp.status().as_u16();
            let v: Value = resp.json().await.unwrap_or(Value::Null);
            match v["status"].as_str() {
                _ if code == 202 => {}
                Some("InProgress") | Some("Running") | Some("Accepted") => {}
                Some(_) => return v,
                None => return json!({ "status": if code < 300 { "Succeeded" } else { "Failed" }, "body": v }),
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("operation did not finish: {url}");
    }
}
