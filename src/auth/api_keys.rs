//! Secret API keys as credentials: their [`Scope`]s, the [`ApiKey`] a live `sk_...` secret
//! opens (found by its SHA-256 digest, its use recorded), [`authenticate_requests`], the
//! middleware that turns an `Authorization: Bearer sk_...` header into an [`ApiKey`], and the
//! extractors [`ReadKey`], [`WriteKey`] and [`AdminKey`], which decide by their type what a
//! handler's key must be allowed to do. The pages that create and revoke keys are in the admin
//! console.
//!
//! Tenant rule: a key belongs to one workspace, and its [`ApiKey::workspace_id`] comes from
//! row decoding only. A key speaks for the member who created it: it stops working when they
//! leave the workspace, and its `admin` scope holds only while they are still an owner or admin.

use std::fmt;

use actix_web::{
    FromRequest, HttpMessage, HttpRequest,
    body::{BoxBody, MessageBody},
    dev::{Payload, ServiceRequest, ServiceResponse},
    middleware::Next,
    web,
};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    auth::secret_token,
    conversations::Author,
    db::{
        self, UserId, WorkspaceId,
        schema::{api_keys, memberships, users},
    },
    error::AppError,
    state::AppState,
    workspaces::Role,
};

/// One thing a key may be allowed to do: `read` conversations, messages and contacts (every
/// `GET`); `write`: send messages, change conversations and contacts; `admin`: an admin's
/// powers, such as inviting people, only while the key's creator is an owner or admin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Read,
    Write,
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == value)
    }

    fn bit(self) -> u8 {
        match self {
            Self::Read => 1,
            Self::Write => 2,
            Self::Admin => 4,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The scopes a key was created with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scopes(u8);

impl Scopes {
    pub const NONE: Scopes = Scopes(0);
    /// What a key gets unless its creator chooses otherwise.
    pub const READ_WRITE: Scopes = Scopes(1 | 2);

    pub fn allows(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    pub fn with(self, scope: Scope) -> Self {
        Scopes(self.0 | scope.bit())
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL.into_iter().filter(move |scope| self.allows(*scope))
    }

    /// As the `scopes` column stores them.
    pub fn names(self) -> Vec<String> {
        self.iter().map(|scope| scope.as_str().to_string()).collect()
    }

    /// The column's elements cannot be NULL (its CHECK), but Postgres arrays' types allow it.
    fn from_column(names: &[Option<String>]) -> Result<Self, AppError> {
        names.iter().try_fold(Scopes::NONE, |scopes, name| {
            name.as_deref()
                .and_then(Scope::parse)
                .map(|scope| scopes.with(scope))
                .ok_or_else(|| AppError::internal(anyhow::anyhow!("unknown API key scope in database: {name:?}")))
        })
    }

    pub fn to_column(self) -> Vec<Option<String>> {
        self.names().into_iter().map(Some).collect()
    }
}

impl Default for Scopes {
    fn default() -> Self {
        Self::READ_WRITE
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Scope::as_str).collect();
        f.write_str(&names.join(", "))
    }
}

/// The workspace a valid key opens, who it writes as, and what it may do.
#[derive(Clone, Debug)]
pub struct ApiKey {
    pub id: Uuid,
    pub workspace_id: WorkspaceId,
    /// The member who created the key. Always present on a key that authenticated (a departed
    /// creator's keys do not); an `Option` because messages take an [`Author`] by value.
    pub author: Option<Author>,
    pub scopes: Scopes,
    /// The creator's role in the workspace now, not when the key was made.
    pub creator_role: Role,
}

impl ApiKey {
    /// The key of a secret, if it is live and its creator still belongs to its workspace;
    /// records its use.
    pub fn authenticate(conn: &mut PgConnection, secret: &str) -> Result<Option<ApiKey>, AppError> {
        let Some(token) = secret.strip_prefix("sk_") else { return Ok(None) };
        if !secret_token::looks_valid(token) {
            return Ok(None);
        }
        let found: Option<KeyRow> = api_keys::table
            .inner_join(users::table.on(users::id.nullable().eq(api_keys::created_by)))
            .inner_join(
                memberships::table
                    .on(memberships::workspace_id.eq(api_keys::workspace_id).and(memberships::user_id.nullable().eq(api_keys::created_by))),
            )
            .filter(api_keys::key_hash.eq(secret_token::digest(secret)))
            .filter(api_keys::revoked_at.is_null())
            // A key made before its creator's current membership began was made by someone who
            // has since been removed: coming back does not bring their old keys back.
            .filter(api_keys::created_at.ge(memberships::created_at))
            .select((api_keys::id, api_keys::workspace_id, api_keys::scopes, users::id, users::name, users::avatar, memberships::role))
            .first(conn)
            .optional()?;
        // No row also when the creator left the workspace (or deleted their account): a key
        // speaks for a member, and must not outlive their membership.
        let Some(KeyRow { id, workspace_id, scopes, user_id, name, avatar, role }) = found else { return Ok(None) };
        let creator_role =
            Role::from_choice(&role).ok_or_else(|| AppError::internal(anyhow::anyhow!("unknown role in database: {role}")))?;
        let scopes = Scopes::from_column(&scopes)?;
        diesel::update(api_keys::table.find(id).filter(api_keys::workspace_id.eq(workspace_id)))
            .set(api_keys::last_used_at.eq(diesel::dsl::now))
            .execute(conn)?;
        Ok(Some(ApiKey { id, workspace_id, author: Some(Author::Agent { user_id, name, avatar }), scopes, creator_role }))
    }

    /// Whether this key may use `scope` now: `admin` also needs its creator to be an admin still.
    pub fn may(&self, scope: Scope) -> bool {
        self.scopes.allows(scope) && (scope != Scope::Admin || self.creator_role.is_admin())
    }

    /// Whether this key may send messages and change conversations (the socket asks too).
    pub fn can_write(&self) -> bool {
        self.may(Scope::Write)
    }

    /// Nothing if this key may use `scope`, else the 403 that says what is missing.
    pub fn require(&self, scope: Scope) -> Result<(), AppError> {
        if self.may(scope) {
            return Ok(());
        }
        Err(AppError::Forbidden(if self.scopes.allows(scope) {
            "This API key has the admin scope, but the member who created it is no longer an owner or admin of the workspace; \
             an admin must create a new key."
                .into()
        } else {
            format!(
                "This API key lacks the {scope} scope (it has: {}). Create a key with the {scope} scope in Settings, API keys.",
                self.scopes
            )
        }))
    }
}

/// A live key with its creator as a member of its workspace (fields in the `select` order).
#[derive(Queryable)]
struct KeyRow {
    id: Uuid,
    workspace_id: WorkspaceId,
    scopes: Vec<Option<String>>,
    user_id: UserId,
    name: String,
    avatar: Option<String>,
    role: String,
}

/// The secret of an `Authorization: Bearer ...` header (the scheme is case-insensitive).
pub fn bearer_secret(req: &HttpRequest) -> Option<String> {
    let header = req.headers().get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| secret.trim().to_string())
}

/// Middleware of the REST API: a request without a live key answers 401 before routing, so
/// that no body or parameter is looked at for a caller who may not call; a valid key is put in
/// the request's extensions for the scope extractors.
pub async fn authenticate_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(req.error_response(AppError::internal(anyhow::anyhow!("no app state"))));
    };
    let Some(secret) = bearer_secret(req.request()) else { return Ok(req.error_response(AppError::SignInRequired)) };
    let key = match db::run(&state.pool, move |conn| ApiKey::authenticate(conn, &secret)).await {
        Ok(Some(key)) => key,
        Ok(None) => return Ok(req.error_response(AppError::SignInRequired)),
        Err(error) => return Ok(req.error_response(error)),
    };
    tracing::Span::current().record("workspace.id", tracing::field::display(key.workspace_id));
    req.extensions_mut().insert(key);
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// The request's key (put there by [`authenticate_requests`]) if it may use `scope`.
fn key_with(req: &HttpRequest, scope: Scope) -> Result<ApiKey, AppError> {
    let key = req.extensions().get::<ApiKey>().cloned().ok_or(AppError::SignInRequired)?;
    key.require(scope)?;
    Ok(key)
}

/// A key with the `read` scope.
pub struct ReadKey(pub ApiKey);

/// A key with the `write` scope.
pub struct WriteKey(pub ApiKey);

/// A key with the `admin` scope whose creator is still an owner or admin.
pub struct AdminKey(pub ApiKey);

macro_rules! scoped_key {
    ($extractor:ident, $scope:expr) => {
        impl FromRequest for $extractor {
            type Error = AppError;
            type Future = std::future::Ready<Result<Self, AppError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                std::future::ready(key_with(req, $scope).map($extractor))
            }
        }
    };
}

scoped_key!(ReadKey, Scope::Read);
scoped_key!(WriteKey, Scope::Write);
scoped_key!(AdminKey, Scope::Admin);
