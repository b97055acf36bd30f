//! Server-side sign-in sessions in Postgres, and the [`CurrentUser`] extractor.
//!
//! The `parlor_session` cookie holds a random token; the row holds its digest. Deleting the row
//! signs that device out at once, on every instance.

use actix_web::{
    FromRequest, HttpMessage, HttpRequest,
    cookie::{Cookie, SameSite},
    dev::Payload,
    web,
};
use diesel::prelude::*;
use futures_util::future::LocalBoxFuture;
use time::OffsetDateTime;

use super::{secret_token, users::User};
use crate::{
    db::{self, SessionId, UserId, schema::sessions, schema::users},
    error::AppError,
    state::AppState,
};

pub const COOKIE: &str = "parlor_session";
pub const LIFETIME: time::Duration = time::Duration::days(30);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_INTERVAL: time::Duration = time::Duration::minutes(5);

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = sessions, check_for_backend(diesel::pg::Pg))]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub user_agent: String,
    pub ip: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

impl Session {
    /// Starts a session and returns the token for the cookie.
    pub fn create(conn: &mut PgConnection, user_id: UserId, user_agent: &str, ip: &str) -> Result<String, AppError> {
        let token = secret_token::generate();
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(SessionId::new()),
                sessions::user_id.eq(user_id),
                sessions::token_hash.eq(secret_token::digest(&token)),
                sessions::user_agent.eq(truncate(user_agent, 300)),
                sessions::ip.eq(truncate(ip, 64)),
                sessions::expires_at.eq(OffsetDateTime::now_utc() + LIFETIME),
            ))
            .execute(conn)?;
        Ok(token)
    }

    /// The live session a cookie token belongs to, with its user.
    fn authenticate(conn: &mut PgConnection, token: &str) -> Result<Option<(Session, User)>, AppError> {
        if !secret_token::looks_valid(token) {
            return Ok(None);
        }
        let found: Option<(Session, User)> = sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(secret_token::digest(token)))
            .filter(sessions::expires_at.gt(diesel::dsl::now))
            .select((Session::as_select(), User::as_select()))
            .first(conn)
            .optional()?;
        if let Some((session, _)) = &found
            && OffsetDateTime::now_utc() - session.last_seen_at > TOUCH_INTERVAL
        {
            diesel::update(sessions::table.find(session.id)).set(sessions::last_seen_at.eq(diesel::dsl::now)).execute(conn)?;
        }
        Ok(found)
    }

    pub fn list_for_user(conn: &mut PgConnection, user_id: UserId) -> Result<Vec<Session>, AppError> {
        Ok(sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::expires_at.gt(diesel::dsl::now))
            .order(sessions::last_seen_at.desc())
            .select(Session::as_select())
            .load(conn)?)
    }

    /// Ends one session of `user_id`; a session of someone else is not found.
    pub fn revoke(conn: &mut PgConnection, user_id: UserId, id: SessionId) -> Result<(), AppError> {
        let deleted = diesel::delete(sessions::table.filter(sessions::id.eq(id)).filter(sessions::user_id.eq(user_id))).execute(conn)?;
        if deleted == 0 {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    /// Ends every session of `user_id` except `keep`; returns the ended ones, whose sockets
    /// the caller closes.
    pub fn revoke_all(conn: &mut PgConnection, user_id: UserId, keep: Option<SessionId>) -> Result<Vec<SessionId>, AppError> {
        let mut query = diesel::delete(sessions::table).filter(sessions::user_id.eq(user_id)).into_boxed();
        if let Some(keep) = keep {
            query = query.filter(sessions::id.ne(keep));
        }
        Ok(query.returning(sessions::id).get_results(conn)?)
    }

    pub fn delete_expired(conn: &mut PgConnection) -> Result<usize, AppError> {
        Ok(diesel::delete(sessions::table.filter(sessions::expires_at.le(diesel::dsl::now))).execute(conn)?)
    }
}

fn truncate(value: &str, max_chars: usize) -> String {
    value.chars().take(max_chars).collect()
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::seconds(LIFETIME.whole_seconds()))
        .finish()
}

/// The revocation that closes the sockets these sessions opened.
pub fn signed_out(sessions: impl IntoIterator<Item = SessionId>) -> crate::realtime::revocation::Revocation {
    crate::realtime::revocation::Revocation::Credentials(
        sessions.into_iter().map(crate::realtime::revocation::Credential::Session).collect(),
    )
}

pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie(String::new(), secure);
    cookie.make_removal();
    cookie
}

/// The signed-in user of this request. Without a live session, pages redirect to `/login`.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: User,
    pub session_id: SessionId,
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if let Some(current) = req.extensions().get::<CurrentUser>() {
                return Ok(current.clone());
            }
            let token = req.cookie(COOKIE).map(|c| c.value().to_string()).ok_or(AppError::SignInRequired)?;
            let state = req.app_data::<web::Data<AppState>>().ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
            let found = db::run(&state.pool, move |conn| Session::authenticate(conn, &token)).await?;
            let (session, user) = found.ok_or(AppError::SignInRequired)?;
            tracing::Span::current().record("user.id", tracing::field::display(user.id));
            let current = CurrentUser { user, session_id: session.id };
            req.extensions_mut().insert(current.clone());
            Ok(current)
        })
    }
}
