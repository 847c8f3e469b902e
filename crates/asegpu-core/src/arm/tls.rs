//! Transport set-up: which certificates we trust, how host names resolve, and the HTTP client itself.
//!
//! Trust is always explicit. The choices are: the system store plus the device's root CA (default), the
//! device's CA only, or a pinned SHA-256 thumbprint of the device's certificate (for self-signed `CA:TRUE`
//! certificates that rustls refuses as their own end entity). Turning verification off is possible only with
//! `insecureSkipTlsVerify`, and every session made that way says so loudly.

use crate::error::{Error, Result, Status};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Once};
use std::time::Duration;

/// How to trust the device's TLS certificate.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TrustOptions {
    /// File with the device's root CA certificate, PEM or DER (`.cer`).
    pub ca_cert_file: Option<PathBuf>,
    /// The same, as PEM text.
    pub ca_cert_pem: Option<String>,
    /// Trust only the device's CA, not the system store.
    pub ca_only: bool,
    /// SHA-256 thumbprint (hex; colons and spaces allowed) of the device's certificate. When set, exactly that
    /// certificate is accepted (handshake signatures are still verified), whatever signed it.
    pub certificate_thumbprint: Option<String>,
    /// Do not verify the device's certificate at all. Dangerous; logged as a warning on every session.
    pub insecure_skip_tls_verify: bool,
}

/// Host name → address overrides, so no hosts-file edit is needed. Keys are exact host names or
/// `*.suffix` wildcards; values are IP addresses.
#[derive(Debug, Clone, Default)]
pub struct HostMap {
    entries: BTreeMap<String, IpAddr>,
}

impl HostMap {
    pub fn new(entries: &BTreeMap<String, String>) -> Result<Self> {
        let mut map = BTreeMap::new();
        for (host, ip) in entries {
            let ip: IpAddr = ip
                .trim()
                .parse()
                .map_err(|_| Error::invalid(format!("hostMap: '{ip}' (for '{host}') is not an IP address")))?;
            map.insert(host.trim().trim_end_matches('.').to_ascii_lowercase(), ip);
        }
        Ok(HostMap { entries: map })
    }

    pub fn insert(&mut self, host: &str, ip: IpAddr) {
        self.entries.insert(host.to_ascii_lowercase(), ip);
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The address for `host`, if an exact or wildcard entry matches (the longest wildcard wins).
    pub fn lookup(&self, host: &str) -> Option<IpAddr> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if let Some(ip) = self.entries.get(&host) {
            return Some(*ip);
        }
        self.entries
            .iter()
            .filter_map(|(k, ip)| {
                let suffix = k.strip_prefix("*.")?;
                (host.len() > suffix.len()
                    && host.ends_with(suffix)
                    && host[..host.len() - suffix.len()].ends_with('.'))
                .then_some((suffix.len(), *ip))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, ip)| ip)
    }

    pub fn entries(&self) -> &BTreeMap<String, IpAddr> {
        &self.entries
    }
}

struct MapResolver(HostMap);

impl reqwest::dns::Resolve for MapResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let mapped = self.0.lookup(name.as_str());
        let host = name.as_str().to_string();
        Box::pin(async move {
            if let Some(ip) = mapped {
                let addrs: reqwest::dns::Addrs = Box::new(std::iter::once(SocketAddr::new(ip, 0)));
                return Ok(addrs);
            }
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let addrs: reqwest::dns::Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// Install the ring crypto provider once per process (reqwest is built without a default provider).
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Build the HTTP client for one session. Returns the client and, when verification is off, the warning
/// that every caller must show. Connecting (TCP and TLS handshake) may take up to 15 s, or `timeout`.
pub fn build_client(
    trust: &TrustOptions,
    hosts: &HostMap,
    timeout: Duration,
) -> Result<(reqwest::Client, Option<String>)> {
    build_client_with(trust, hosts, timeout, Duration::from_secs(15))
}

/// [`build_client`] with the time one try may spend connecting (TCP and TLS handshake; at most `timeout`).
pub fn build_client_with(
    trust: &TrustOptions,
    hosts: &HostMap,
    timeout: Duration,
    connect_timeout: Duration,
) -> Result<(reqwest::Client, Option<String>)> {
    install_crypto_provider();
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("asegpu/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(connect_timeout.min(timeout))
        .timeout(timeout)
        .pool_idle_timeout(Duration::from_secs(30))
        .tls_version_min(reqwest::tls::Version::TLS_1_2)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(MapResolver(hosts.clone())));
    let mut warning = None;
    let provider = Arc::new(rustls::crypto::ring::default_provider());

    if trust.insecure_skip_tls_verify {
        let msg = "TLS certificate verification is DISABLED (insecureSkipTlsVerify): anyone on the network path \
                   can impersonate the device and read the ARM password and tokens";
        tracing::warn!("{msg}");
        warning = Some(msg.to_string());
        builder = builder.tls_backend_preconfigured(custom_config(provider, None)?);
    } else if let Some(thumb) = &trust.certificate_thumbprint {
        let pin = parse_thumbprint(thumb)?;
        builder = builder.tls_backend_preconfigured(custom_config(provider, Some(pin))?);
    } else {
        let certs = load_ca_certs(trust)?;
        if trust.ca_only {
            if certs.is_empty() {
                return Err(Error::invalid("caOnly needs caCertFile or caCertPem"));
            }
            builder = builder.tls_certs_only(certs);
        } else {
            builder = builder.tls_certs_merge(certs);
        }
    }
    let client =
        builder.build().map_err(|e| Error::new(Status::Tls, format!("cannot set up TLS: {}", error_chain(&e))))?;
    Ok((client, warning))
}

fn load_ca_certs(trust: &TrustOptions) -> Result<Vec<reqwest::Certificate>> {
    let mut out = Vec::new();
    if let Some(path) = &trust.ca_cert_file {
        let bytes = std::fs::read(path).map_err(|e| Error::io("read the CA certificate", path, e))?;
        out.extend(parse_certs(&bytes).map_err(|m| Error::invalid(format!("{}: {m}", path.display())))?);
    }
    if let Some(pem) = &trust.ca_cert_pem {
        out.extend(parse_certs(pem.as_bytes()).map_err(|m| Error::invalid(format!("caCertPem: {m}")))?);
    }
    Ok(out)
}

fn parse_certs(bytes: &[u8]) -> std::result::Result<Vec<reqwest::Certificate>, String> {
    let ders: Vec<CertificateDer<'static>> = if bytes.windows(10).any(|w| w == b"-----BEGIN") {
        let certs = rustls_pemfile::certs(&mut &bytes[..])
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| format!("not a PEM certificate: {e}"))?;
        if certs.is_empty() {
            return Err("no certificate found in the PEM data".into());
        }
        certs
    } else {
        vec![CertificateDer::from(bytes.to_vec())] // DER, as a Windows `.cer` export
    };
    ders.iter()
        .map(|der| {
            rustls::server::ParsedCertificate::try_from(der)
                .map_err(|e| format!("not a valid X.509 certificate: {e}"))?;
            reqwest::Certificate::from_der(der.as_ref()).map_err(|e| format!("not a valid certificate: {e}"))
        })
        .collect()
}

/// Parse a SHA-256 thumbprint written as hex, with or without `:` or spaces.
pub fn parse_thumbprint(text: &str) -> Result<[u8; 32]> {
    let clean: String = text.chars().filter(|c| !matches!(c, ':' | ' ' | '-')).collect();
    let bytes = hex::decode(&clean)
        .map_err(|_| Error::invalid(format!("certificateThumbprint '{text}' is not hexadecimal")))?;
    bytes.try_into().map_err(|_| {
        Error::invalid(
            "certificateThumbprint must be a SHA-256 thumbprint (64 hex digits); SHA-1 thumbprints are not accepted",
        )
    })
}

/// SHA-256 of a DER certificate, as lower-case hex (what `openssl x509 -outform der | sha256sum` prints).
pub fn thumbprint_hex(der: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, der))
}

fn custom_config(provider: Arc<rustls::crypto::CryptoProvider>, pin: Option<[u8; 32]>) -> Result<rustls::ClientConfig> {
    let verifier = Arc::new(PinVerifier { pin, provider: provider.clone() });
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::new(Status::Tls, format!("TLS configuration: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(cfg)
}

/// Accepts exactly the certificate with the pinned SHA-256 (or, with no pin, any certificate: the
/// insecure opt-in). Handshake signatures are verified either way.
#[derive(Debug)]
struct PinVerifier {
    pin: Option<[u8; 32]>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match &self.pin {
            None => Ok(ServerCertVerified::assertion()),
            Some(pin) => {
                let got = ring::digest::digest(&ring::digest::SHA256, end_entity.as_ref());
                if got.as_ref() == pin.as_slice() {
                    Ok(ServerCertVerified::assertion())
                } else {
                    Err(rustls::Error::General(format!(
                        "certificate thumbprint mismatch: the device presented {}",
                        hex::encode(got.as_ref())
                    )))
                }
            }
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// The whole `source()` chain of an error, joined with ": ".
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cur = s.source();
    }
    out
}

/// Whether a rustls error (a TLS failure, not a network one) is somewhere in the chain.
fn has_rustls_error(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(x) = cur {
        if x.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        cur = x.source();
    }
    false
}

/// Turn a transport error into our error, with a plain-words hint for the TLS cases admins hit.
pub fn classify_transport(e: &reqwest::Error, url: &str) -> Error {
    let chain = error_chain(e);
    let lower = chain.to_ascii_lowercase();
    let tls_hint = if lower.contains("causedasendentity") {
        Some("the device certificate is a self-signed CA certificate used as its own server certificate; trust it by its SHA-256 thumbprint (certificateThumbprint / --thumbprint) instead")
    } else if lower.contains("unknownissuer") || lower.contains("unknown issuer") {
        Some("the certificate is not signed by a trusted CA; pass the device's root CA (caCertFile / --ca-cert), exported from the device's local web UI")
    } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
        Some("the certificate does not name this host; use the endpoint exactly as the device's certificate names it (management.<device>.<domain>), in lower case")
    } else if lower.contains("expired") {
        Some("the device certificate has expired (or the clock is wrong); renew the certificates on the device")
    } else if lower.contains("thumbprint mismatch") {
        Some("the pinned thumbprint does not match the device certificate")
    } else if lower.contains("invalid peer certificate") || has_rustls_error(e) {
        // Includes platform-verifier codes rustls does not map (e.g. Windows CERT_E_CHAINING).
        Some("the device's TLS certificate was refused")
    } else {
        None
    };
    if let Some(hint) = tls_hint {
        return Error::new(Status::Tls, format!("TLS verification of {url} failed ({chain}): {hint}"));
    }
    if e.is_timeout() && e.is_connect() {
        return Error::new(
            Status::Timeout,
            format!("cannot reach {url}: connecting timed out (no TCP connection or TLS handshake in time: {chain})"),
        );
    }
    if e.is_timeout() {
        return Error::new(Status::Timeout, format!("request to {url} timed out ({chain})"));
    }
    Error::new(Status::Connection, format!("cannot reach {url}: {chain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_map_exact_and_wildcard() {
        let mut m = BTreeMap::new();
        m.insert("management.dev.example.test".to_string(), "10.0.0.1".to_string());
        m.insert("*.example.test".to_string(), "10.0.0.2".to_string());
        m.insert("*.blob.dev.example.test".to_string(), "10.0.0.3".to_string());
        let h = HostMap::new(&m).unwrap();
        assert_eq!(h.lookup("MANAGEMENT.dev.example.test"), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(h.lookup("login.dev.example.test"), Some("10.0.0.2".parse().unwrap()));
        assert_eq!(h.lookup("sa1.blob.dev.example.test"), Some("10.0.0.3".parse().unwrap()));
        assert_eq!(h.lookup("example.test"), None);
        assert_eq!(h.lookup("badexample.test"), None);
    }

    #[test]
    fn host_map_rejects_non_ip() {
        let mut m = BTreeMap::new();
        m.insert("a".to_string(), "not-an-ip".to_string());
        assert_eq!(HostMap::new(&m).unwrap_err().status, Status::InvalidArgument);
    }

    #[test]
    fn thumbprints() {
        let t = "AB:".repeat(31) + "AB";
        assert_eq!(parse_thumbprint(&t).unwrap(), [0xab; 32]);
        assert!(parse_thumbprint("abcd").is_err());
        assert!(parse_thumbprint(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn garbage_ca_is_refused() {
        assert!(parse_certs(b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n").is_err());
        assert!(parse_certs(b"\x30\x03\x02\x01\x00").is_err());
    }
}
