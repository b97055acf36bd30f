//! People who sign in to the dashboard, and the single-use links mailed to them.

use diesel::prelude::*;
use time::OffsetDateTime;

use crate::{
    db::{UserId, UserTokenId, schema::user_tokens, schema::users},
    error::AppError,
};

/// A user as the dashboard shows them; the password hash is never loaded with it.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub email_verified_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    /// The IANA zone the console shows times in; `None` leaves them in the browser's zone.
    pub time_zone: Option<String>,
    /// The name of their avatar (see [`crate::avatars`]); `None` shows their initials.
    pub avatar: Option<String>,
    /// The language they read the dashboard and Parlor's emails in (one of
    /// [`crate::i18n::CONSOLE_LANGUAGES`]).
    pub language: String,
}

impl User {
    pub fn tr(&self) -> crate::i18n::Tr {
        crate::i18n::Tr::from_code(&self.language)
    }

    pub fn is_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }

    /// Where pages load the 256-pixel avatar from.
    pub fn avatar_path(&self) -> Option<String> {
        self.avatar.as_deref().map(crate::avatars::path)
    }

    /// Where pages load the 64-pixel avatar from.
    pub fn small_avatar_path(&self) -> Option<String> {
        self.avatar.as_deref().map(crate::avatars::small_path)
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: UserId,
    pub name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    /// The console language their browser asked for when they signed up.
    pub language: &'a str,
}

/// Trims a display name and checks its length; the message is shown next to the name field.
pub fn validate_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Enter your name.".into());
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(format!("Use at most {NAME_MAX_CHARS} characters."));
    }
    Ok(name.to_string())
}

/// Why an address cannot become a user's: another account has it.
pub const EMAIL_TAKEN: &str = "Another Parlor account uses this address.";

/// The limit of the `users.name` column.
pub const NAME_MAX_CHARS: usize = 100;

/// Lower-cases and trims an email, and checks it is an address mail can be sent to.
pub fn normalize_email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("Enter your email address.".into());
    }
    if email.len() > 254 || email.parse::<lettre::Address>().is_err() {
        return Err("Enter a valid email address, like name@company.com.".into());
    }
    Ok(email)
}

impl User {
    pub fn insert(conn: &mut PgConnection, new: &NewUser<'_>) -> Result<User, AppError> {
        diesel::insert_into(users::table).values(new).returning(User::as_returning()).get_result(conn).map_err(|e| match e {
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                AppError::Conflict("An account with this email already exists.".into())
            }
            other => other.into(),
        })
    }

    pub fn find(conn: &mut PgConnection, id: UserId) -> Result<User, AppError> {
        Ok(users::table.find(id).select(User::as_select()).first(conn)?)
    }

    /// The user and their password hash, for sign-in.
    pub fn find_with_password_hash(conn: &mut PgConnection, email: &str) -> Result<Option<(User, String)>, AppError> {
        Ok(users::table.filter(users::email.eq(email)).select((User::as_select(), users::password_hash)).first(conn).optional()?)
    }

    pub fn find_by_email(conn: &mut PgConnection, email: &str) -> Result<Option<User>, AppError> {
        Ok(users::table.filter(users::email.eq(email)).select(User::as_select()).first(conn).optional()?)
    }

    pub fn password_hash(conn: &mut PgConnection, id: UserId) -> Result<String, AppError> {
        Ok(users::table.find(id).select(users::password_hash).first(conn)?)
    }

    pub fn set_name(conn: &mut PgConnection, id: UserId, name: &str) -> Result<(), AppError> {
        diesel::update(users::table.find(id)).set((users::name.eq(name), users::updated_at.eq(diesel::dsl::now))).execute(conn)?;
        Ok(())
    }

    pub fn set_time_zone(conn: &mut PgConnection, id: UserId, time_zone: Option<&str>) -> Result<(), AppError> {
        diesel::update(users::table.find(id))
            .set((users::time_zone.eq(time_zone), users::updated_at.eq(diesel::dsl::now)))
            .execute(conn)?;
        Ok(())
    }

    /// `language` is one of [`crate::i18n::CONSOLE_LANGUAGES`]; the caller checks.
    pub fn set_language(conn: &mut PgConnection, id: UserId, language: &str) -> Result<(), AppError> {
        diesel::update(users::table.find(id)).set((users::language.eq(language), users::updated_at.eq(diesel::dsl::now))).execute(conn)?;
        Ok(())
    }

    pub fn set_password_hash(conn: &mut PgConnection, id: UserId, hash: &str) -> Result<(), AppError> {
        diesel::update(users::table.find(id)).set((users::password_hash.eq(hash), users::updated_at.eq(diesel::dsl::now))).execute(conn)?;
        Ok(())
    }

    /// Moves the account to an address its owner just proved they read, so it counts as
    /// confirmed. The unique index decides a race for the address: the loser gets `Conflict`.
    pub fn set_confirmed_email(conn: &mut PgConnection, id: UserId, email: &str) -> Result<(), AppError> {
        diesel::update(users::table.find(id))
            .set((users::email.eq(email), users::email_verified_at.eq(diesel::dsl::now), users::updated_at.eq(diesel::dsl::now)))
            .execute(conn)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                    AppError::Conflict(EMAIL_TAKEN.into())
                }
                other => other.into(),
            })?;
        Ok(())
    }

    pub fn mark_verified(conn: &mut PgConnection, id: UserId) -> Result<(), AppError> {
        diesel::update(users::table.find(id).filter(users::email_verified_at.is_null()))
            .set(users::email_verified_at.eq(diesel::dsl::now))
            .execute(conn)?;
        Ok(())
    }
}

/// What a mailed link lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
    /// Moves the account to the address the link was mailed to.
    ChangeEmail,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
            Self::ChangeEmail => "change_email",
        }
    }

    /// How long a link stays valid.
    pub fn lifetime(self) -> time::Duration {
        match self {
            Self::VerifyEmail => time::Duration::days(3),
            Self::ResetPassword => time::Duration::hours(1),
            Self::ChangeEmail => time::Duration::hours(24),
        }
    }
}

/// A change of address waiting for its link to be opened.
#[derive(Clone, Debug)]
pub struct PendingEmailChange {
    pub new_email: String,
    pub expires_at: OffsetDateTime,
}

/// Single-use links: only the digest of the token is stored.
pub struct UserToken;

impl UserToken {
    /// Stores a new link for `user_id` and returns the token to mail; earlier unused links
    /// for the same purpose stop working.
    pub fn issue(conn: &mut PgConnection, user_id: UserId, purpose: TokenPurpose) -> Result<String, AppError> {
        Self::insert(conn, user_id, purpose, None)
    }

    /// [`Self::issue`] for a change of address to `new_email`: the link confirms that address
    /// only, and replaces any change still waiting.
    pub fn issue_email_change(conn: &mut PgConnection, user_id: UserId, new_email: &str) -> Result<String, AppError> {
        Self::insert(conn, user_id, TokenPurpose::ChangeEmail, Some(new_email))
    }

    fn insert(conn: &mut PgConnection, user_id: UserId, purpose: TokenPurpose, new_email: Option<&str>) -> Result<String, AppError> {
        let token = super::secret_token::generate();
        conn.transaction(|conn| {
            Self::revoke_all(conn, user_id, purpose)?;
            diesel::insert_into(user_tokens::table)
                .values((
                    user_tokens::id.eq(UserTokenId::new()),
                    user_tokens::user_id.eq(user_id),
                    user_tokens::purpose.eq(purpose.as_str()),
                    user_tokens::token_hash.eq(super::secret_token::digest(&token)),
                    user_tokens::expires_at.eq(OffsetDateTime::now_utc() + purpose.lifetime()),
                    user_tokens::new_email.eq(new_email),
                ))
                .execute(conn)?;
            Ok::<_, AppError>(())
        })?;
        Ok(token)
    }

    /// The user a valid, unused, unexpired link belongs to, without using it up.
    pub fn peek(conn: &mut PgConnection, token: &str, purpose: TokenPurpose) -> Result<Option<UserId>, AppError> {
        Ok(Self::peek_row(conn, token, purpose)?.map(|(user_id, _)| user_id))
    }

    /// Uses the link up, atomically: of two concurrent uses only one gets the user.
    pub fn consume(conn: &mut PgConnection, token: &str, purpose: TokenPurpose) -> Result<Option<UserId>, AppError> {
        Ok(Self::consume_row(conn, token, purpose)?.map(|(user_id, _)| user_id))
    }

    /// [`Self::peek`] for a change-of-address link: its user and the address it confirms.
    pub fn peek_email_change(conn: &mut PgConnection, token: &str) -> Result<Option<(UserId, String)>, AppError> {
        Ok(Self::peek_row(conn, token, TokenPurpose::ChangeEmail)?.and_then(|(user_id, email)| Some((user_id, email?))))
    }

    /// [`Self::consume`] for a change-of-address link: its user and the address it confirms.
    pub fn consume_email_change(conn: &mut PgConnection, token: &str) -> Result<Option<(UserId, String)>, AppError> {
        Ok(Self::consume_row(conn, token, TokenPurpose::ChangeEmail)?.and_then(|(user_id, email)| Some((user_id, email?))))
    }

    /// The change of address `user_id` asked for whose link still works, if any.
    pub fn pending_email_change(conn: &mut PgConnection, user_id: UserId) -> Result<Option<PendingEmailChange>, AppError> {
        let row: Option<(Option<String>, OffsetDateTime)> = user_tokens::table
            .filter(user_tokens::user_id.eq(user_id))
            .filter(user_tokens::purpose.eq(TokenPurpose::ChangeEmail.as_str()))
            .filter(user_tokens::used_at.is_null())
            .filter(user_tokens::expires_at.gt(diesel::dsl::now))
            .order(user_tokens::created_at.desc())
            .select((user_tokens::new_email, user_tokens::expires_at))
            .first(conn)
            .optional()?;
        Ok(row.and_then(|(new_email, expires_at)| Some(PendingEmailChange { new_email: new_email?, expires_at })))
    }

    fn peek_row(conn: &mut PgConnection, token: &str, purpose: TokenPurpose) -> Result<Option<(UserId, Option<String>)>, AppError> {
        if !super::secret_token::looks_valid(token) {
            return Ok(None);
        }
        Ok(user_tokens::table
            .filter(user_tokens::token_hash.eq(super::secret_token::digest(token)))
            .filter(user_tokens::purpose.eq(purpose.as_str()))
            .filter(user_tokens::used_at.is_null())
            .filter(user_tokens::expires_at.gt(diesel::dsl::now))
            .select((user_tokens::user_id, user_tokens::new_email))
            .first(conn)
            .optional()?)
    }

    fn consume_row(conn: &mut PgConnection, token: &str, purpose: TokenPurpose) -> Result<Option<(UserId, Option<String>)>, AppError> {
        if !super::secret_token::looks_valid(token) {
            return Ok(None);
        }
        Ok(diesel::update(
            user_tokens::table
                .filter(user_tokens::token_hash.eq(super::secret_token::digest(token)))
                .filter(user_tokens::purpose.eq(purpose.as_str()))
                .filter(user_tokens::used_at.is_null())
                .filter(user_tokens::expires_at.gt(diesel::dsl::now)),
        )
        .set(user_tokens::used_at.eq(diesel::dsl::now))
        .returning((user_tokens::user_id, user_tokens::new_email))
        .get_result(conn)
        .optional()?)
    }

    pub fn revoke_all(conn: &mut PgConnection, user_id: UserId, purpose: TokenPurpose) -> Result<(), AppError> {
        diesel::update(
            user_tokens::table
                .filter(user_tokens::user_id.eq(user_id))
                .filter(user_tokens::purpose.eq(purpose.as_str()))
                .filter(user_tokens::used_at.is_null()),
        )
        .set(user_tokens::used_at.eq(diesel::dsl::now))
        .execute(conn)?;
        Ok(())
    }
}
