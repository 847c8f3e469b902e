//! Deterministic hashes used by templates: `uniqueString()`, `guid()` and the deployment
//! `templateHash`.
//!
//! `uniqueString` is the MurmurHash3-x86-64 variant used by Azure (see the project's
//! arm-api.md §5.4); it reproduces the two published vectors. `guid()` is a name-based
//! (version 5, SHA-1) UUID over the `-`-joined arguments in the namespace
//! `11fb06fb-712d-4ddd-98c7-e71bbd588830`; **no verified Azure vector exists**, so its output
//! may differ from real ARM. It is deterministic, which is what templates rely on.

const C1: u32 = 0x239b_961b;
const C2: u32 = 0xab0e_9789;

fn fmix(mut h: u32) -> u32 {
    h = (h ^ (h >> 16)).wrapping_mul(0x85eb_ca6b);
    h = (h ^ (h >> 13)).wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

fn le32(b: &[u8]) -> u32 {
    b.iter().enumerate().fold(0u32, |acc, (i, &x)| acc | (u32::from(x) << (8 * i)))
}

/// Azure's 64-bit hash of a byte string (seed 0).
pub fn azure_hash64(data: &[u8]) -> u64 {
    let n = data.len();
    let (mut h1, mut h2) = (0u32, 0u32);
    let mut chunks = data.chunks_exact(8);
    for block in &mut chunks {
        let mut k1 = le32(&block[0..4]);
        let mut k2 = le32(&block[4..8]);
        k1 = k1.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h1 ^= k1;
        h1 = h1.rotate_left(19).wrapping_add(h2).wrapping_mul(5).wrapping_add(0x561c_cd1b);
        k2 = k2.wrapping_mul(C2).rotate_left(17).wrapping_mul(C1);
        h2 ^= k2;
        h2 = h2.rotate_left(13).wrapping_add(h1).wrapping_mul(5).wrapping_add(0x0bca_a747);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let k1 = le32(&tail[..tail.len().min(4)]);
        h1 ^= k1.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        if tail.len() > 4 {
            let k2 = le32(&tail[4..]);
            h2 ^= k2.wrapping_mul(C2).rotate_left(17).wrapping_mul(C1);
        }
    }
    h1 ^= n as u32;
    h2 ^= n as u32;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    (u64::from(h2) << 32) | u64::from(h1)
}

/// `uniqueString(args...)`: 13 characters of base32 (`a-z2-7`) of the hash of the
/// `-`-joined arguments.
pub fn unique_string(parts: &[&str]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut hash = azure_hash64(parts.join("-").as_bytes());
    let mut out = String::with_capacity(13);
    for _ in 0..13 {
        out.push(ALPHABET[(hash >> 59) as usize] as char);
        hash <<= 5;
    }
    out
}

/// Namespace used for `guid()` (unverified against Azure, see module docs).
pub const GUID_NAMESPACE: uuid::Uuid = uuid::Uuid::from_bytes([
    0x11, 0xfb, 0x06, 0xfb, 0x71, 0x2d, 0x4d, 0xdd, 0x98, 0xc7, 0xe7, 0x1b, 0xbd, 0x58, 0x88, 0x30,
]);

/// `guid(args...)`: a version-5 UUID (RFC 4122, SHA-1) of the `-`-joined arguments.
pub fn guid(parts: &[&str]) -> String {
    let name = parts.join("-");
    let mut input = GUID_NAMESPACE.as_bytes().to_vec();
    input.extend_from_slice(name.as_bytes());
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &input);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest.as_ref()[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(bytes).hyphenated().to_string()
}

/// The deployment `templateHash`: the Azure 64-bit hash (decimal) of the minified,
/// upper-cased template JSON. Informative only.
pub fn template_hash(template: &serde_json::Value) -> String {
    let text = serde_json::to_string(template).unwrap_or_default().to_uppercase();
    azure_hash64(text.as_bytes()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verified_vectors() {
        assert_eq!(azure_hash64(b"hello-world"), 571013382255652050);
        assert_eq!(unique_string(&["hello", "world"]), "a7wkljktk6wne");
        assert_eq!(unique_string(&["tyeth"]), "zcztcwvu6iyg6");
    }

    #[test]
    fn unique_string_shape() {
        for input in ["", "a", "abcdefgh", "abcdefghi", "abcdefghijklmnop", "ünïcödé"] {
            let u = unique_string(&[input]);
            assert_eq!(u.len(), 13);
            assert!(u.chars().all(|c| c.is_ascii_lowercase() || ('2'..='7').contains(&c)));
        }
        assert_ne!(unique_string(&["ab", "c"]), unique_string(&["a", "bc"]));
    }

    #[test]
    fn guid_is_v5_and_deterministic() {
        let g = guid(&["a", "b"]);
        assert_eq!(g, guid(&["a", "b"]));
        assert_ne!(g, guid(&["a", "c"]));
        let u = uuid::Uuid::parse_str(&g).unwrap();
        assert_eq!(u.get_version_num(), 5);
    }

    #[test]
    fn template_hash_is_decimal_and_case_insensitive() {
        let a = template_hash(&serde_json::json!({"a": "x"}));
        assert!(a.parse::<u64>().is_ok());
        assert_eq!(a, template_hash(&serde_json::json!({"A": "X"})));
    }
}
