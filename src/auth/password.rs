//! Password hashing with argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane).
//! Hashing is CPU-bound, so it runs on the blocking pool.

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};
use secrecy::{ExposeSecret, SecretString};

use crate::error::AppError;

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;

fn hasher() -> Argon2<'static> {
    // 19 MiB memory, 2 iterations, 1 degree of parallelism: OWASP's first argon2id option.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks the length rules; the message is shown next to the password field.
pub fn validate(password: &SecretString) -> Result<(), String> {
    let length = password.expose_secret().chars().count();
    if length < MIN_LENGTH {
        return Err(format!("Use at least {MIN_LENGTH} characters."));
    }
    if length > MAX_LENGTH {
        return Err(format!("Use at most {MAX_LENGTH} characters."));
    }
    Ok(())
}

pub async fn hash(password: SecretString) -> Result<String, AppError> {
    actix_web::rt::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::internal(anyhow::anyhow!("hashing failed: {e}")))
    })
    .await
    .map_err(AppError::internal)?
}

/// Verifies `password` against a stored hash. With no stored hash (unknown account) it still
/// does the same work, so the answer takes as long for an unknown email as for a known one.
pub async fn verify(password: SecretString, stored_hash: Option<String>) -> Result<bool, AppError> {
    actix_web::rt::task::spawn_blocking(move || {
        let stored = stored_hash.unwrap_or_else(|| DUMMY_HASH.to_string());
        let parsed = PasswordHash::new(&stored).map_err(|e| AppError::internal(anyhow::anyhow!("stored hash unreadable: {e}")))?;
        let matches = hasher().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok();
        Ok(matches && stored != DUMMY_HASH)
    })
    .await
    .map_err(AppError::internal)?
}

/// An argon2id hash of a random password, with the same parameters as real ones.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$gZiV/M1gPc22ElAH/Jh1Hw$CWOrkoo7oJBQ/iyh7uJ0LO2aLEfrHwTWllSAxT0zRno";

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let hash = hash(SecretString::from("correct horse")).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(SecretString::from("correct horse"), Some(hash.clone())).await.unwrap());
        assert!(!verify(SecretString::from("wrong horse"), Some(hash)).await.unwrap());
        assert!(!verify(SecretString::from("anything"), None).await.unwrap());
    }

    #[test]
    fn length_rules_are_enforced() {
        assert!(validate(&SecretString::from("short")).is_err());
        assert!(validate(&SecretString::from("x".repeat(129))).is_err());
        assert!(validate(&SecretString::from("long enough")).is_ok());
    }
}
