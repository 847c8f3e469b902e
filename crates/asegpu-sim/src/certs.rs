//! The emulator's certificates: a root CA (written as PEM for clients to trust) and a server certificate it
//! signs, naming `management.`, `login.` and `*.blob.` of the device plus the loopback addresses, as a real
//! device's ARM and blob certificates do. Test modes produce the broken certificates admins meet.

use asegpu_core::error::{Error, Result, Status};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, SanType,
};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Which server certificate to present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum CertMode {
    /// A leaf signed by the emulator's root CA (like a device with uploaded certificates).
    #[default]
    Normal,
    /// A self-signed `CA:TRUE` certificate used directly (like the device's auto-generated ones); rustls
    /// refuses it as a root, so clients must pin its thumbprint.
    SelfSignedCa,
    /// Signed by the CA but already expired.
    Expired,
    /// Signed by the CA but naming other hosts only.
    WrongHost,
}

/// PEM material the server needs and the CA clients must trust.
#[derive(Clone, Serialize, Deserialize)]
pub struct CertBundle {
    pub ca_pem: String,
    pub ca_key_pem: String,
    pub server_pem: String,
    pub server_key_pem: String,
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::new(Status::Internal, format!("certificate generation failed: {e}"))
}

/// Generate the CA (or reuse a persisted one) and a server certificate for `hosts` and `ips`.
pub fn generate(
    device: &str,
    domain: &str,
    ips: &[IpAddr],
    mode: CertMode,
    existing_ca: Option<(&str, &str)>,
) -> Result<CertBundle> {
    let ca_params = || {
        let mut p = CertificateParams::default();
        p.distinguished_name.push(DnType::CommonName, "asegpu-sim root CA");
        p.distinguished_name.push(DnType::OrganizationName, "asegpu device emulator");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        p.not_before = rcgen::date_time_ymd(2024, 1, 1);
        p.not_after = rcgen::date_time_ymd(2045, 1, 1);
        p
    };
    // A persisted CA keeps its certificate; the issuer is rebuilt from the same name and key.
    let (ca_pem, ca_key) = match existing_ca {
        Some((cert_pem, key_pem)) => (cert_pem.to_string(), KeyPair::from_pem(key_pem).map_err(err)?),
        None => {
            let key = KeyPair::generate().map_err(err)?;
            (ca_params().self_signed(&key).map_err(err)?.pem(), key)
        }
    };
    let ca_key_pem = ca_key.serialize_pem();
    let issuer = rcgen::Issuer::new(ca_params(), ca_key);

    let server_key = KeyPair::generate().map_err(err)?;
    let mut names = vec![
        format!("management.{device}.{domain}"),
        format!("login.{device}.{domain}"),
        format!("*.blob.{device}.{domain}"),
        "localhost".to_string(),
    ];
    if mode == CertMode::WrongHost {
        names = vec!["management.some-other-device.example.invalid".into()];
    }
    let mut p =
        CertificateParams::new(names.iter().map(|n| n.to_ascii_lowercase()).collect::<Vec<_>>()).map_err(err)?;
    if mode != CertMode::WrongHost {
        for ip in ips {
            p.subject_alt_names.push(SanType::IpAddress(*ip));
        }
    }
    p.distinguished_name.push(DnType::CommonName, format!("management.{device}.{domain}").to_ascii_lowercase());
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    let now = chrono::Utc::now();
    let (nb, na) = if mode == CertMode::Expired {
        (now - chrono::Duration::days(400), now - chrono::Duration::days(30))
    } else {
        (now - chrono::Duration::days(1), now + chrono::Duration::days(825))
    };
    use chrono::Datelike;
    p.not_before = rcgen::date_time_ymd(nb.year(), nb.month() as u8, nb.day() as u8);
    p.not_after = rcgen::date_time_ymd(na.year(), na.month() as u8, na.day() as u8);
    let server_cert = if mode == CertMode::SelfSignedCa {
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages.push(KeyUsagePurpose::KeyCertSign);
        p.self_signed(&server_key).map_err(err)?
    } else {
        p.signed_by(&server_key, &issuer).map_err(err)?
    };
    let server_pem =
        if mode == CertMode::SelfSignedCa { server_cert.pem() } else { format!("{}{}", server_cert.pem(), ca_pem) };
    Ok(CertBundle { ca_pem, ca_key_pem, server_pem, server_key_pem: server_key.serialize_pem() })
}

/// The server's TLS configuration.
pub fn server_config(bundle: &CertBundle) -> Result<std::sync::Arc<rustls::ServerConfig>> {
    asegpu_core::arm::tls::install_crypto_provider();
    let certs: Vec<_> =
        rustls_pemfile::certs(&mut bundle.server_pem.as_bytes()).collect::<std::result::Result<_, _>>().map_err(err)?;
    let key = rustls_pemfile::private_key(&mut bundle.server_key_pem.as_bytes())
        .map_err(err)?
        .ok_or_else(|| err("no key"))?;
    let mut cfg =
        rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(err)?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(err)?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(std::sync::Arc::new(cfg))
}

/// SHA-256 thumbprint of the server's own certificate (the first in its PEM chain).
pub fn server_thumbprint(bundle: &CertBundle) -> Result<String> {
    let first = rustls_pemfile::certs(&mut bundle.server_pem.as_bytes())
        .next()
        .ok_or_else(|| err("no certificate"))?
        .map_err(err)?;
    Ok(asegpu_core::arm::tls::thumbprint_hex(first.as_ref()))
}
