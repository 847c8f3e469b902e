//! The device's AD FS: OpenID discovery, signing keys, and the OAuth2 token endpoint (password,
//! refresh-token and client-credentials grants), answering errors the way AD FS does.

use super::http::{json_resp, Req, Resp};
use super::server::{now_ms, Shared};
use super::state::RefreshGrant;
use asegpu_core::device;
use hyper::Method;
use serde_json::{json, Value};

pub fn handle(shared: &Shared, req: &Req) -> Resp {
    let rest: Vec<String> = req.segs.iter().skip(1).map(|s| s.to_ascii_lowercase()).collect();
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    let issuer = format!("{}adfs", req.base());
    match (req.method.clone(), rest.as_slice()) {
        (Method::GET, [".well-known", "openid-configuration"])
        | (Method::GET, [_, "v2.0", ".well-known", "openid-configuration"]) => {
            let b = format!("{}adfs/", req.base());
            json_resp(
                200,
                &json!({
                    "issuer": if rest.len() == 4 { format!("{}{}/v2.0", req.base(), device::TENANT_ID) } else { issuer },
                    "authorization_endpoint": format!("{b}oauth2/authorize/"),
                    "token_endpoint": format!("{b}oauth2/token/"),
                    "jwks_uri": format!("{b}discovery/keys"),
                    "end_session_endpoint": format!("{b}oauth2/logout"),
                    "userinfo_endpoint": format!("{b}userinfo"),
                    "device_authorization_endpoint": format!("{b}oauth2/devicecode"),
                    "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials", "password"],
                    "response_types_supported": ["code", "id_token", "code id_token", "id_token token", "code token", "code id_token token"],
                    "response_modes_supported": ["query", "fragment", "form_post"],
                    "scopes_supported": ["openid", "profile", "email", "user_impersonation", "allatclaims"],
                    "subject_types_supported": ["pairwise"],
                    "id_token_signing_alg_values_supported": ["ES256"],
                    "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
                    "access_token_issuer": format!("http://{}/adfs/services/trust", req.hostname()),
                    "microsoft_multi_refresh_token": true,
                }),
            )
        }
        (Method::GET, ["discovery", "keys"]) => json_resp(200, &shared.signer.jwks()),
        (Method::POST, ["oauth2", "token"]) => token(shared, req),
        _ => oauth_error(404, "invalid_request", "MSIS9001: The received request is not a valid OAuth request."),
    }
}

fn oauth_error(status: u16, error: &str, description: &str) -> Resp {
    json_resp(status, &json!({ "error": error, "error_description": description }))
}

/// Constant-time comparison, so the password check does not leak its length of agreement. (It used to
/// fold the length difference into a byte, so the password followed by 256 `%00` was accepted.)
fn same(a: &str, b: &str) -> bool {
    super::server::same_secret(a.as_bytes(), b.as_bytes())
}

/// The audiences this device answers to: its ARM URL by name and by IP, with and without the trailing `/`.
pub fn is_our_audience(shared: &Shared, aud: &str) -> bool {
    let Ok(u) = url::Url::parse(aud.trim_end_matches('/')) else { return false };
    let host = u.host_str().unwrap_or_default().trim_matches(['[', ']']).to_ascii_lowercase();
    let port_ok = u.port_or_known_default() == Some(shared.port) || u.port().is_none();
    let host_ok = host == shared.cfg.management_host()
        || host == "localhost"
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback() || ip == shared.cfg.listen);
    u.scheme() == "https" && host_ok && port_ok && (u.path() == "/" || u.path().is_empty())
}

/// The token endpoint: a password, client-credentials or refresh-token grant for the device's ARM.
fn token(shared: &Shared, req: &Req) -> Resp {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&req.body).into_owned().collect();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let client_id = get("client_id").unwrap_or(device::POWERSHELL_CLIENT_ID).to_string();
    // The resource: `resource=` (ADAL, PowerShell) or the first `<resource>/.default` scope (MSAL, az).
    let scope = get("scope").map(str::to_string);
    let resource = get("resource")
        .map(str::to_string)
        .or_else(|| scope.as_deref()?.split(' ').find_map(|s| s.strip_suffix("/.default")).map(str::to_string));
    let now = now_ms() / 1000;
    let (user, resource) = match grant(shared, &form, &client_id, resource, now) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(resource) = resource else {
        return oauth_error(400, "invalid_request", "MSIS9607: The 'resource' parameter is missing in the request.");
    };
    if !is_our_audience(shared, &resource) {
        return oauth_error(
            400,
            "invalid_resource",
            &format!("MSIS9602: The received 'resource' parameter is not a valid resource identifier: '{resource}'. Use the device's ARM endpoint, https://{}/.", shared.cfg.management_host()),
        );
    }
    issue(shared, req, &client_id, &user, &resource, scope, now)
}

/// Check the grant: the user it is for, and the resource (a refresh token remembers its own).
fn grant(
    shared: &Shared,
    form: &[(String, String)],
    client_id: &str,
    resource: Option<String>,
    now: i64,
) -> Result<(String, Option<String>), Resp> {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    match get("grant_type") {
        Some("password") => {
            let user = get("username").unwrap_or_default();
            let pass = get("password").unwrap_or_default();
            let user_ok = user.eq_ignore_ascii_case(device::ARM_USER)
                || user.eq_ignore_ascii_case(&format!("{}@localhost", device::ARM_USER));
            if !(user_ok & same(pass, &shared.cfg.password)) {
                return Err(oauth_error(400, "invalid_grant", "MSIS9659: Invalid 'username' or 'password'."));
            }
            Ok((device::ARM_USER.to_string(), resource))
        }
        Some("client_credentials") => {
            if !same(get("client_secret").unwrap_or_default(), &shared.cfg.password) {
                return Err(oauth_error(401, "invalid_client", "MSIS9622: Client authentication failed. Please verify the credential provided for client authentication is valid."));
            }
            Ok((client_id.to_string(), resource))
        }
        Some("refresh_token") => {
            let st = shared.lock();
            match st.refresh_tokens.get(get("refresh_token").unwrap_or_default()) {
                Some(g) if g.expires_at > now => Ok((g.user.clone(), resource.or_else(|| Some(g.resource.clone())))),
                _ => Err(oauth_error(
                    400,
                    "invalid_grant",
                    "MSIS9615: The refresh token received in 'refresh_token' parameter is invalid.",
                )),
            }
        }
        Some(other) => Err(oauth_error(
            400,
            "unsupported_grant_type",
            &format!("MSIS9611: The authorization server does not support the requested 'grant_type' value '{other}'."),
        )),
        None => Err(oauth_error(400, "invalid_request", "MSIS9609: The 'grant_type' parameter is missing.")),
    }
}

/// Issue the access, ID and refresh tokens (the refresh token remembered for its lifetime).
fn issue(
    shared: &Shared,
    req: &Req,
    client_id: &str,
    user: &str,
    resource: &str,
    scope: Option<String>,
    now: i64,
) -> Resp {
    let lifetime = shared.cfg.token_lifetime.as_secs().max(1) as i64;
    let issuer = format!("http://{}/adfs/services/trust", req.hostname());
    let access = shared.signer.sign(&json!({
        "aud": resource, "iss": issuer, "iat": now, "nbf": now, "exp": now + lifetime,
        "upn": user, "unique_name": user, "appid": client_id, "appidacr": "0", "scp": "user_impersonation",
        "tid": device::TENANT_ID, "ver": "1.0", "jti": uuid::Uuid::new_v4().to_string(),
    }));
    let id_token = shared.signer.sign(&json!({
        "aud": client_id, "iss": format!("{}adfs", req.base()), "iat": now, "nbf": now, "exp": now + lifetime,
        "auth_time": now, "sub": format!("{user}-sub"), "upn": user, "unique_name": user, "oid": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, user.as_bytes()).to_string(),
        "tid": device::TENANT_ID, "ver": "1.0",
    }));
    let refresh = format!("rt-{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let rt_life = shared.cfg.refresh_token_lifetime.as_secs() as i64;
    {
        let mut st = shared.lock();
        st.refresh_tokens.retain(|_, g| g.expires_at > now);
        st.refresh_tokens.insert(
            refresh.clone(),
            RefreshGrant { user: user.to_string(), resource: resource.to_string(), expires_at: now + rt_life },
        );
    }
    let mut body = json!({
        "access_token": access, "token_type": "bearer", "expires_in": lifetime, "resource": resource,
        "refresh_token": refresh, "refresh_token_expires_in": rt_life, "id_token": id_token,
    });
    if let Some(s) = scope {
        body["scope"] = Value::String(s);
    }
    json_resp(200, &body)
}

/// Check an ARM request's bearer token. `Err` is the 401 answer ARM would give.
pub fn check_bearer(shared: &Shared, req: &Req) -> Result<Value, Resp> {
    let challenge = |code: &str, msg: &str| {
        super::http::with_header(
            super::http::arm_error(401, code, msg),
            "www-authenticate",
            &format!("Bearer authorization_uri=\"https://{}/adfs\", error=\"invalid_token\"", shared.cfg.login_host()),
        )
    };
    let Some(auth) = req.header("authorization") else {
        return Err(challenge("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."));
    };
    let Some(token) = auth.strip_prefix("Bearer ").or_else(|| auth.strip_prefix("bearer ")) else {
        return Err(challenge(
            "AuthenticationFailedInvalidHeader",
            "Authentication failed. The 'Authorization' header is provided in an invalid format.",
        ));
    };
    let claims = shared
        .signer
        .verify(token.trim())
        .map_err(|_| challenge("InvalidAuthenticationToken", "The access token is invalid."))?;
    let now = now_ms() / 1000;
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap_or(0);
    if exp <= now {
        let fmt = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .map(|d| d.format("%m/%d/%Y %H:%M:%S").to_string())
                .unwrap_or_default()
        };
        return Err(challenge(
            "ExpiredAuthenticationToken",
            &format!(
                "The access token expiry UTC time '{}' is earlier than current UTC time '{}'.",
                fmt(exp),
                fmt(now)
            ),
        ));
    }
    if iat < shared.lock().tokens_not_before {
        return Err(challenge(
            "ExpiredAuthenticationToken",
            "The access token has been revoked (the device session expired); sign in again.",
        ));
    }
    let aud = claims.get("aud").and_then(Value::as_str).unwrap_or_default();
    if !is_our_audience(shared, aud) {
        return Err(challenge(
            "InvalidAuthenticationTokenAudience",
            &format!("The access token has been obtained for wrong audience or resource '{aud}'."),
        ));
    }
    Ok(claims)
}
