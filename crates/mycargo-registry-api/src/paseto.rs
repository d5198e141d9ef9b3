//! Asymmetric tokens (cargo's `cargo:paseto` provider, `-Z asymmetric-token`,
//! RFC 3231): each request carries a PASETO v3.public token signed with the
//! registry's `secret-key`, naming the operation it authorizes, so that a
//! token seen once cannot be replayed for another.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use pasetors::keys::{AsymmetricPublicKey, AsymmetricSecretKey};
use pasetors::paserk::FormatAsPaserk;
use pasetors::version3::V3;
use serde::Serialize;

/// What one request does, as the token's claims name it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Claims<'a> {
    /// `publish`, `yank`, `unyank` or `owners`; none for a read.
    pub mutation: Option<&'a str>,
    pub name: Option<&'a str>,
    pub vers: Option<&'a str>,
    /// The `.crate`'s sha256, for `publish`.
    pub cksum: Option<&'a str>,
}

/// A registry's `secret-key` (PASERK `k3.secret.…`) and its
/// `secret-key-subject`, for the index URL the tokens name.
#[derive(Clone)]
pub struct Signer {
    secret: AsymmetricSecretKey<V3>,
    kip: String,
    subject: Option<String>,
    index_url: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("kip", &self.kip)
            .field("index_url", &self.index_url)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Message<'a> {
    iat: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mutation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vers: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cksum: Option<&'a str>,
}

#[derive(Serialize)]
struct Footer<'a> {
    url: &'a str,
    kip: &'a str,
}

impl Signer {
    /// A signer from the PASERK secret key; `index_url` is the registry's
    /// index as configured (what the server checks the footer against).
    pub fn new(secret_key: &str, subject: Option<String>, index_url: &str) -> anyhow::Result<Self> {
        let secret = AsymmetricSecretKey::<V3>::try_from(secret_key)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("failed to load private key")?;
        let public = AsymmetricPublicKey::<V3>::try_from(&secret)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("failed to load public key from private key")?;
        let id = pasetors::paserk::Id::from(&public);
        let mut kip = String::new();
        id.fmt(&mut kip)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("failed to name the public key")?;
        Ok(Signer {
            secret,
            kip,
            subject,
            index_url: index_url.to_string(),
        })
    }

    /// The token for one request, issued now.
    pub fn token(&self, claims: Claims<'_>) -> anyhow::Result<String> {
        let iat = rfc3339_now();
        let message = Message {
            iat: &iat,
            sub: self.subject.as_deref(),
            mutation: claims.mutation,
            name: claims.name,
            vers: claims.vers,
            cksum: claims.cksum,
        };
        let footer = Footer {
            url: &self.index_url,
            kip: &self.kip,
        };
        let message = serde_json::to_vec(&message).context("failed to encode the claims")?;
        let footer = serde_json::to_vec(&footer).context("failed to encode the footer")?;
        pasetors::version3::PublicToken::sign(&self.secret, &message, Some(&footer), None)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("failed to sign request")
    }
}

/// Now as `yyyy-mm-ddThh:mm:ssZ`.
fn rfc3339_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    mycargo_util::time::rfc3339(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key of RFC 3231's text (public, safe for tests).
    const RFC_KEY: &str =
        "k3.secret.fNYVuMvBgOlljt9TDohnaYLblghqaHoQquVZwgR6X12cBFHZLFsaU3q7X3k1Zn36";

    #[test]
    fn tokens_verify_with_the_public_key_and_name_the_operation() {
        let signer = Signer::new(RFC_KEY, Some("sub".into()), "https://example.com/index").unwrap();
        let token = signer
            .token(Claims {
                mutation: Some("publish"),
                name: Some("foo"),
                vers: Some("1.0.0"),
                cksum: Some("abc"),
            })
            .unwrap();
        assert!(token.starts_with("v3.public."), "{token}");
        let secret = AsymmetricSecretKey::<V3>::try_from(RFC_KEY).unwrap();
        let public = AsymmetricPublicKey::<V3>::try_from(&secret).unwrap();
        let untrusted =
            pasetors::token::UntrustedToken::<pasetors::Public, V3>::try_from(token.as_str())
                .unwrap();
        let trusted =
            pasetors::version3::PublicToken::verify(&public, &untrusted, None, None).unwrap();
        let claims: serde_json::Value = serde_json::from_str(trusted.payload()).unwrap();
        assert_eq!(claims["mutation"], "publish");
        assert_eq!(claims["cksum"], "abc");
        assert_eq!(claims["sub"], "sub");
        let footer: serde_json::Value =
            serde_json::from_slice(untrusted.untrusted_footer()).unwrap();
        assert_eq!(footer["url"], "https://example.com/index");
        assert!(footer["kip"].as_str().unwrap().starts_with("k3.pid."));
    }

    #[test]
    fn a_bad_key_is_refused() {
        let err = Signer::new("k3.secret.nope", None, "x").unwrap_err();
        assert!(
            format!("{err:#}").contains("failed to load private key"),
            "{err:#}"
        );
    }
}
