//! Signed JSON Web Tokens (ES256) for the emulator's AD FS: access tokens ARM checks, id_tokens the Azure CLI
//! reads. The key is kept in the persisted state so tokens survive an emulator restart.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{
    EcdsaKeyPair, KeyPair, UnparsedPublicKey, ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING,
};
use serde_json::{json, Value};

pub struct Signer {
    key: EcdsaKeyPair,
    pkcs8: Vec<u8>,
    kid: String,
    rng: SystemRandom,
}

impl Signer {
    /// Load a PKCS#8 key, or make a new one.
    pub fn new(pkcs8: Option<&[u8]>) -> Result<Signer, String> {
        let rng = SystemRandom::new();
        let pkcs8 = match pkcs8 {
            Some(p) => p.to_vec(),
            None => EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                .map_err(|e| e.to_string())?
                .as_ref()
                .to_vec(),
        };
        let key =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng).map_err(|e| e.to_string())?;
        let digest = ring::digest::digest(&ring::digest::SHA256, key.public_key().as_ref());
        let kid = B64.encode(&digest.as_ref()[..16]);
        Ok(Signer { key, pkcs8, kid, rng })
    }

    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({ "typ": "JWT", "alg": "ES256", "kid": self.kid, "x5t": self.kid });
        let msg = format!("{}.{}", B64.encode(header.to_string()), B64.encode(claims.to_string()));
        let sig = self.key.sign(&self.rng, msg.as_bytes()).expect("ECDSA signing does not fail");
        format!("{msg}.{}", B64.encode(sig.as_ref()))
    }

    /// Check the signature and return the claims (expiry is the caller's business).
    pub fn verify(&self, token: &str) -> Result<Value, &'static str> {
        let mut parts = token.split('.');
        let (h, c, s) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(h), Some(c), Some(s), None) => (h, c, s),
            _ => return Err("not a JWT"),
        };
        let sig = B64.decode(s).map_err(|_| "bad signature encoding")?;
        let public = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, self.key.public_key().as_ref());
        public.verify(format!("{h}.{c}").as_bytes(), &sig).map_err(|_| "signature does not verify")?;
        let claims = B64.decode(c).map_err(|_| "bad claims encoding")?;
        serde_json::from_slice(&claims).map_err(|_| "claims are not JSON")
    }

    /// The JSON Web Key Set AD FS publishes at `/adfs/discovery/keys`.
    pub fn jwks(&self) -> Value {
        let p = self.key.public_key().as_ref(); // 0x04 || x || y
        json!({ "keys": [{ "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": self.kid,
            "x": B64.encode(&p[1..33]), "y": B64.encode(&p[33..65]) }] })
    }
}

/// Read the claims of a JWT without checking it (for tests and diagnostics).
pub fn peek_claims(token: &str) -> Option<Value> {
    let c = token.split('.').nth(1)?;
    serde_json::from_slice(&B64.decode(c).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_and_reload() {
        let s = Signer::new(None).unwrap();
        let t = s.sign(&json!({"aud": "x", "n": 1}));
        assert_eq!(s.verify(&t).unwrap()["n"], 1);
        let reloaded = Signer::new(Some(s.pkcs8())).unwrap();
        assert!(reloaded.verify(&t).is_ok());
        let other = Signer::new(None).unwrap();
        assert!(other.verify(&t).is_err());
        let mut tampered = t.clone();
        tampered.replace_range(t.len() - 3.., "AAA");
        assert!(s.verify(&tampered).is_err());
        assert_eq!(peek_claims(&t).unwrap()["aud"], "x");
    }
}
