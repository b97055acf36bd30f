//! The widget's HTTP API, called by the loader on the customer's page: start or continue a
//! visitor session, identify the visitor, report where they are, and end the session.
//!
//! Tenant rule: the site key names the workspace and the visitor token one contact of it. The
//! page's `Origin` must be one of the workspace's allowed domains, and an identity must carry a
//! valid `user_hash` when the workspace requires verified identities. A blocked contact is
//! refused (403) by token, by verified identity, and on every request of a token.
//!
//! Bodies are JSON, accepted with any content type: the loader sends `text/plain` so that a
//! cross-site call needs no CORS preflight (one round trip less before the chat appears).

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use diesel::PgConnection;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::settings::{PublicWidgetSettings, WidgetSettings};
use crate::workspaces::availability::{Availability, PublicAvailability};
use crate::{
    avatars,
    conversations::{
        Conversation,
        contacts::{self, Identification, Standing, Visitor, VisitorContext},
    },
    db::{self, ContactId, ConversationId, UserId, WorkspaceId},
    error::AppError,
    realtime::revocation::{Credential, Revocation},
    state::AppState,
    web::client_ip,
    workspaces::{MemberListing, Workspace},
};

/// The largest request body the widget API reads.
pub const MAX_BODY: usize = 16 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/widget/v1")
            .app_data(web::PayloadConfig::new(MAX_BODY))
            .wrap(actix_web::middleware::DefaultHeaders::new().add((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")))
            .route("/sessions", web::post().to(create_session))
            .route("/context", web::post().to(update_context))
            .route("/sessions/end", web::post().to(end_session))
            .route("/uploads", web::post().to(crate::files::routes::visitor_upload))
            .route("/conversations", web::get().to(super::conversations::list))
            .route("/conversations/{id}", web::get().to(super::conversations::one))
            .route("/conversations/{id}/transcript", web::post().to(super::conversations::transcript))
            .default_service(web::to(preflight)),
    );
}

/// Answers CORS preflights from SDKs that send `application/json`. Nothing here uses cookies, so
/// any origin may ask; the allowed domains are checked on the real request.
async fn preflight(req: HttpRequest) -> Result<HttpResponse, AppError> {
    if req.method() != actix_web::http::Method::OPTIONS {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::NoContent()
        .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type, authorization"))
        .insert_header((header::ACCESS_CONTROL_MAX_AGE, "86400"))
        .finish())
}

pub(super) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(body).map_err(|error| AppError::bad_request(format!("The request body is not valid: {error}.")))
}

/// Trims, and refuses text over `max` characters with the field's name in the message.
pub(super) fn bounded(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, AppError> {
    let Some(value) = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) else { return Ok(None) };
    if value.chars().count() > max {
        return Err(AppError::bad_request(format!("{field} is longer than {max} characters.")));
    }
    Ok(Some(value))
}

pub(super) fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !email.contains(char::is_whitespace) && email.len() <= 254
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PageContext {
    url: Option<String>,
    title: Option<String>,
    referrer: Option<String>,
    language: Option<String>,
    time_zone: Option<String>,
}

impl PageContext {
    fn validate(self, req: &HttpRequest) -> Result<VisitorContext, AppError> {
        let user_agent = req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let context = VisitorContext {
            current_url: bounded("context.url", self.url, 2000)?,
            page_title: bounded("context.title", self.title, 300)?,
            referrer: bounded("context.referrer", self.referrer, 2000)?,
            language: bounded("context.language", self.language, 35)?,
            time_zone: bounded("context.time_zone", self.time_zone, 64)?,
            browser: None,
            os: None,
        };
        Ok(context.with_user_agent(user_agent))
    }
}

pub type Attributes = serde_json::Map<String, serde_json::Value>;

/// Custom attributes: short keys, and values that are text (short), numbers, booleans or null
/// (which removes the attribute). A value for an attribute the workspace defines must also fit
/// its definition, checked with the workspace's definitions by [`crate::contacts::attributes`].
pub fn validate_attributes(attributes: Option<Attributes>) -> Result<Option<Attributes>, AppError> {
    let Some(attributes) = attributes else { return Ok(None) };
    if attributes.len() > contacts::MAX_ATTRIBUTES {
        return Err(AppError::bad_request(format!("At most {} attributes.", contacts::MAX_ATTRIBUTES)));
    }
    for (key, value) in &attributes {
        if key.is_empty() || key.chars().count() > 64 || key.contains('\0') {
            return Err(AppError::bad_request("Attribute names are 1 to 64 characters, without NUL."));
        }
        let fits = match value {
            // Postgres' jsonb cannot hold a NUL.
            serde_json::Value::String(text) => text.chars().count() <= 500 && !text.contains('\0'),
            serde_json::Value::Number(_) | serde_json::Value::Bool(_) | serde_json::Value::Null => true,
            _ => false,
        };
        if !fits {
            return Err(AppError::bad_request(format!(
                "Attribute {key:?} must be text of at most 500 characters (without NUL), a number, true, false or null."
            )));
        }
    }
    Ok(Some(attributes))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserIdentity {
    id: String,
    email: Option<String>,
    name: Option<String>,
    user_hash: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionRequest {
    site_key: String,
    visitor_token: Option<String>,
    user: Option<UserIdentity>,
    context: Option<PageContext>,
    attributes: Option<Attributes>,
}

#[derive(Serialize)]
struct SessionWorkspace {
    name: String,
}

#[derive(Serialize)]
struct SessionConversation {
    id: ConversationId,
    status: crate::conversations::ConversationStatus,
    last_seq: i64,
    /// Whether the chat asks the visitor to rate it, and their rating: `csat`, `rating`.
    #[serde(flatten)]
    rating: crate::conversations::ratings::VisitorRating,
}

#[derive(Serialize)]
struct SessionVisitor {
    name: Option<String>,
    email: Option<String>,
    /// The website signed this visitor's identity (`user_hash`); a claim without it is not.
    identified: bool,
}

#[derive(Serialize)]
struct SessionAgent {
    name: String,
    /// The 64-pixel avatar's absolute URL, or null: the chat shows initials instead.
    avatar_url: Option<String>,
}

#[derive(Serialize)]
struct SessionResponse {
    visitor_token: String,
    visitor_id: ContactId,
    visitor: SessionVisitor,
    workspace: SessionWorkspace,
    settings: PublicWidgetSettings,
    /// A few of the team, for the avatars in the chat's header.
    agents: Vec<SessionAgent>,
    /// Whether an agent who is not away has the inbox open, on any instance, right now.
    agents_online: bool,
    /// Business hours and the offline message: outside the hours, or with no agent online, the
    /// chat says the team is away and asks for an email.
    availability: PublicAvailability,
    conversations: Vec<SessionConversation>,
}

/// Refuses a page whose origin is not an allowed domain of the workspace. A request without
/// `Origin` does not come from a browser page, which is what the list protects.
fn check_origin(req: &HttpRequest, state: &AppState, settings: &WidgetSettings) -> Result<(), AppError> {
    let Some(origin) = req.headers().get(header::ORIGIN) else { return Ok(()) };
    let origin = origin.to_str().unwrap_or_default();
    if settings.allows_origin(origin, &state.settings.public_origin()) {
        return Ok(());
    }
    Err(AppError::Forbidden(format!(
        "This website ({origin}) may not use this chat: add its domain to the allowed domains in Parlor's widget settings."
    )))
}

/// `POST /api/widget/v1/sessions`: starts or continues a visitor session.
async fn create_session(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let SessionRequest { site_key, visitor_token, user, context, attributes } = parse(&body)?;
    if site_key.len() > 64 {
        return Err(AppError::NotFound);
    }
    let context = context.unwrap_or_default().validate(&req)?;
    let attributes = validate_attributes(attributes)?;
    let claim = user.map(UserIdentity::validate).transpose()?;
    let continuing = visitor_token.as_deref().and_then(|t| contacts::decode_token(state.settings.secret_bytes(), t));

    let (workspace, settings, standing) = db::run(&state.pool, move |conn| {
        let workspace = Workspace::find_by_site_key(conn, &site_key)?.ok_or(AppError::NotFound)?;
        let settings = WidgetSettings::load(conn, workspace.id)?;
        let standing = match continuing {
            Some(session_id) => Visitor::standing(conn, session_id)?.filter(|(w, _)| *w == workspace.id).map(|(_, s)| s),
            None => None,
        };
        Ok((workspace, settings, standing))
    })
    .await?;
    check_origin(&req, &state, &settings)?;
    // A blocked visitor's token, even a revoked one, does not turn into a new contact.
    let existing = match standing {
        Some(Standing::Live(visitor)) => Some(visitor),
        Some(Standing::Blocked) => return Err(AppError::Forbidden(contacts::BLOCKED_MESSAGE.into())),
        Some(Standing::Ended) | None => None,
    };
    let identification = claim.map(|(who, hash)| verify_identity(who, hash.as_deref(), &settings)).transpose()?;
    // New contacts are what a flood would create; a returning visitor is not counted.
    if existing.is_none() || identification.is_some() {
        state.limiters.widget_session_per_ip.check(&client_ip(&req))?;
    }

    let workspace_id = workspace.id;
    let arrival = Arrival { identification, existing, context, attributes };
    let connected = state.realtime.hub.agents_connected(workspace_id);
    let session = db::run(&state.pool, move |conn| arrival.welcome(conn, workspace_id, connected)).await?;
    let visitor = session.visitor;
    let public_base = state.settings.public_base();
    Ok(HttpResponse::Ok().json(SessionResponse {
        visitor_token: contacts::encode_token(state.settings.secret_bytes(), visitor.session_id),
        visitor_id: visitor.contact.id,
        visitor: SessionVisitor { name: visitor.contact.name, email: visitor.contact.email, identified: visitor.contact.identity_verified },
        workspace: SessionWorkspace { name: workspace.name },
        settings: settings.public(),
        agents: session
            .agents
            .into_iter()
            .map(|m| SessionAgent { avatar_url: m.avatar.map(|name| avatars::small_url(&public_base, &name)), name: m.name })
            .collect(),
        agents_online: session.agents_online,
        availability: session.availability,
        conversations: session
            .conversations
            .into_iter()
            .map(|c| SessionConversation {
                rating: session.ratings.get(&c.id).cloned().unwrap_or_default(),
                id: c.id,
                status: c.status,
                last_seq: c.last_seq,
            })
            .collect(),
    }))
}

impl UserIdentity {
    /// The identity the page claims, with its `user_hash`; not yet verified.
    fn validate(self) -> Result<(Identification, Option<String>), AppError> {
        let external_id =
            bounded("user.id", Some(self.id), 200)?.ok_or_else(|| AppError::bad_request("user.id is required to identify a visitor."))?;
        let email = bounded("user.email", self.email, 254)?;
        if email.as_deref().is_some_and(|e| !valid_email(e)) {
            return Err(AppError::bad_request("user.email is not an email address."));
        }
        let name = bounded("user.name", self.name, 200)?;
        Ok((Identification { external_id, email, name, verified: false }, self.user_hash))
    }
}

/// Marks a claimed identity verified when its hash matches; refuses a wrong hash, and a
/// missing one where the workspace requires it.
fn verify_identity(mut who: Identification, hash: Option<&str>, settings: &WidgetSettings) -> Result<Identification, AppError> {
    match hash.map(|hash| settings.verifies(&who.external_id, hash)) {
        Some(false) => Err(AppError::Forbidden("This user_hash does not match the user id: identity refused.".into())),
        None if settings.identity_required => {
            Err(AppError::Forbidden("This workspace requires a user_hash with every identity: identity refused.".into()))
        }
        verified => {
            who.verified = verified == Some(true);
            Ok(who)
        }
    }
}

/// A visitor arriving on a page, as the request describes it once checked.
struct Arrival {
    identification: Option<Identification>,
    existing: Option<Visitor>,
    context: VisitorContext,
    attributes: Option<Attributes>,
}

/// What the chat shows a visitor as it opens.
struct Welcome {
    visitor: Visitor,
    conversations: Vec<Conversation>,
    ratings: std::collections::HashMap<ConversationId, crate::conversations::ratings::VisitorRating>,
    agents: Vec<MemberListing>,
    agents_online: bool,
    availability: PublicAvailability,
}

impl Arrival {
    /// Finds, identifies or creates the visitor, records the page, and reads what the chat
    /// shows. `connected`: the agents with an inbox open on this instance.
    fn welcome(self, conn: &mut PgConnection, workspace_id: WorkspaceId, connected: Vec<UserId>) -> Result<Welcome, AppError> {
        // A value that does not fit its attribute's definition refuses the request before any
        // visitor is made.
        if let Some(attributes) = &self.attributes {
            crate::contacts::attributes::changes_from_widget(&crate::contacts::attributes::list(conn, workspace_id)?, attributes)?;
        }
        let visitor = match (self.identification, self.existing) {
            (Some(who), existing) => Visitor::identify(conn, workspace_id, existing, &who)?,
            (None, Some(visitor)) => {
                Visitor::touch(conn, &visitor)?;
                visitor
            }
            (None, None) => Visitor::create(conn, workspace_id)?,
        };
        Visitor::update_context(conn, &visitor, &self.context, self.attributes.as_ref())?;
        let conversations = Conversation::list_for_contact(conn, workspace_id, visitor.contact.id)?;
        let ids: Vec<ConversationId> = conversations.iter().map(|c| c.id).collect();
        let ratings = crate::conversations::ratings::for_visitor(conn, workspace_id, visitor.contact.id, &ids)?;
        let agents = Workspace::members(conn, workspace_id)?.into_iter().take(3).collect();
        // Agents of this instance count at once; those of other instances through their lease.
        let mut agents_online = false;
        for user_id in connected {
            if !Workspace::is_away(conn, workspace_id, user_id)? {
                agents_online = true;
                break;
            }
        }
        let agents_online = agents_online || Workspace::anyone_online(conn, workspace_id)?;
        let availability = Availability::load(conn, workspace_id)?.public(time::OffsetDateTime::now_utc());
        Ok(Welcome { visitor, conversations, ratings, agents, agents_online, availability })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextRequest {
    visitor_token: String,
    context: Option<PageContext>,
    attributes: Option<Attributes>,
    /// Typed by an anonymous visitor into the chat's email form.
    email: Option<String>,
    name: Option<String>,
}

/// The visitor of a token, with the workspace's settings for the origin check.
async fn visitor_of(state: &AppState, token: &str) -> Result<(Visitor, WidgetSettings), AppError> {
    let session_id = contacts::decode_token(state.settings.secret_bytes(), token)
        .ok_or_else(|| AppError::bad_request("This visitor token is not valid; start a new widget session."))?;
    db::run(&state.pool, move |conn| {
        let visitor = Visitor::find(conn, session_id)?.ok_or(AppError::NotFound)?;
        if visitor.contact.is_blocked() {
            return Err(AppError::Forbidden(contacts::BLOCKED_MESSAGE.into()));
        }
        let settings = WidgetSettings::load(conn, visitor.contact.workspace_id)?;
        Ok((visitor, settings))
    })
    .await
}

/// The visitor of a token sent from one of the workspace's allowed domains (or the widget's
/// own frame): how a widget request other than these JSON ones (an upload) is authorised.
pub async fn authorize_visitor(req: &HttpRequest, state: &AppState, token: &str) -> Result<Visitor, AppError> {
    let (visitor, settings) = visitor_of(state, token).await?;
    check_origin(req, state, &settings)?;
    Ok(visitor)
}

/// `POST /api/widget/v1/context`: the page the visitor is on now, custom attributes, and the
/// email an anonymous visitor leaves in the chat. Answers 204.
async fn update_context(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let ContextRequest { visitor_token, context, attributes, email, name } = parse(&body)?;
    let context = context.unwrap_or_default().validate(&req)?;
    let attributes = validate_attributes(attributes)?;
    let email = bounded("email", email, 254)?;
    if email.as_deref().is_some_and(|e| !valid_email(e)) {
        return Err(AppError::bad_request("Enter an email address like name@example.com."));
    }
    let name = bounded("name", name, 200)?;
    let (visitor, settings) = visitor_of(&state, &visitor_token).await?;
    check_origin(&req, &state, &settings)?;
    db::run(&state.pool, move |conn| {
        Visitor::update_context(conn, &visitor, &context, attributes.as_ref())?;
        if let Some(email) = email {
            Visitor::introduce(conn, &visitor, &email, name.as_deref())?;
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EndRequest {
    visitor_token: String,
}

/// `POST /api/widget/v1/sessions/end`: `Parlor.shutdown()` at sign-out; the token stops working.
async fn end_session(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let EndRequest { visitor_token } = parse(&body)?;
    let (visitor, settings) = visitor_of(&state, &visitor_token).await?;
    check_origin(&req, &state, &settings)?;
    let session_id = visitor.session_id;
    db::run(&state.pool, move |conn| Visitor::revoke(conn, visitor.contact.workspace_id, session_id)).await?;
    state.realtime.revoke(Revocation::Credentials(vec![Credential::Visitor(session_id)]));
    Ok(HttpResponse::NoContent().finish())
}
