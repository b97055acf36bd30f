//! Visitors' ratings of resolved conversations (CSAT): the one rule for accepting a rating
//! ([`store`], used by the socket and the rating email's page through
//! [`super::actions::rate`]), what happens when a conversation is resolved ([`on_resolved`]:
//! the rating email is queued), the ratings as the widget, the inbox, the contact page and the
//! REST API read them, and the signed links of the rating email ([`RatingLinks`]).
//!
//! One rating per conversation: a later one within [`CHANGE_WINDOW_DAYS`] of the first replaces
//! it; a first one is taken until [`CHANGE_WINDOW_DAYS`] after the resolution.
//!
//! Tenant rule: every function takes the `WorkspaceId` of an authenticated caller (a visitor
//! token, a member, an API key, or a signed rating link) and filters by it; a visitor's rating
//! also filters by their `ContactId`, so another contact's conversation is not found.

use std::collections::HashMap;

use diesel::{
    prelude::*,
    sql_types::{Array, Bool, Nullable, SmallInt, Text, Timestamptz, Uuid as SqlUuid},
};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::{
    auth::signing::{hmac_sha256, hmac_sha256_matches},
    conversations::ConversationStatus,
    db::{
        ContactId, ConversationId, UserId, WorkspaceId,
        schema::{contacts, conversation_ratings, conversations, workspaces},
    },
    error::AppError,
    queue::{self, JobKind},
};

/// The lowest and highest score.
pub const SCORE_MIN: i16 = 1;
pub const SCORE_MAX: i16 = 5;
/// The longest comment, in characters.
pub const COMMENT_MAX_CHARS: usize = 1000;
/// A first rating is taken this long after the resolution; a rating may be changed this long
/// after it was first given.
pub const CHANGE_WINDOW_DAYS: i64 = 7;
/// What a visitor is told about a score out of range (or not a number).
pub const SCORE_RANGE_MESSAGE: &str = "A rating is a whole number from 1 to 5.";

/// A stored rating.
#[derive(Queryable, Selectable, Clone, Debug, Serialize)]
#[diesel(table_name = conversation_ratings, check_for_backend(diesel::pg::Pg))]
pub struct Rating {
    pub conversation_id: ConversationId,
    pub workspace_id: WorkspaceId,
    /// Who had the conversation when it was rated.
    pub agent_id: Option<UserId>,
    pub score: i16,
    pub comment: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub first_rated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub rated_at: OffsetDateTime,
}

/// Why a rating was not taken; nothing is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not the visitor's conversation (or not this workspace's).
    NotFound,
    /// The conversation has never been resolved.
    NotResolved,
    /// Past the window for a first rating, or for changing one.
    Closed,
    /// The workspace does not ask for ratings.
    Off,
    BadScore,
    CommentTooLong,
    /// The team blocked this visitor.
    Blocked,
}

impl Refusal {
    /// The code of the socket's `error` frame.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::NotResolved => "not_resolved",
            Self::Closed => "rating_closed",
            Self::Off => "ratings_off",
            Self::BadScore => "invalid_score",
            Self::CommentTooLong => "comment_too_long",
            Self::Blocked => "forbidden",
        }
    }

    /// What the visitor is told.
    /// The refusal in a visitor's language, for the rating page.
    pub fn text(&self, tr: crate::i18n::Tr) -> String {
        match self {
            Self::NotFound => tr.t("rate-refused-not-found"),
            Self::NotResolved => tr.t("rate-refused-not-resolved"),
            Self::Closed => tr.t1("rate-refused-closed", "days", CHANGE_WINDOW_DAYS),
            Self::Off => tr.t("rate-refused-off"),
            Self::BadScore => tr.t("rate-refused-bad-score"),
            Self::CommentTooLong => tr.t1("rate-refused-comment-too-long", "max", COMMENT_MAX_CHARS),
            Self::Blocked => tr.t("rate-refused-blocked"),
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::NotFound => "No such conversation.".into(),
            Self::NotResolved => "Only a resolved conversation can be rated.".into(),
            Self::Closed => format!("Ratings of this conversation are closed: they are taken for {CHANGE_WINDOW_DAYS} days."),
            Self::Off => "This team does not ask for ratings.".into(),
            Self::BadScore => SCORE_RANGE_MESSAGE.into(),
            Self::CommentTooLong => format!("A comment can be at most {COMMENT_MAX_CHARS} characters."),
            Self::Blocked => crate::conversations::contacts::BLOCKED_MESSAGE.into(),
        }
    }
}

/// A refusal, or a failure of the service.
#[derive(Debug)]
pub enum RateError {
    Refused(Refusal),
    Failed(AppError),
}

impl From<AppError> for RateError {
    fn from(error: AppError) -> Self {
        Self::Failed(error)
    }
}

impl From<diesel::result::Error> for RateError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Failed(error.into())
    }
}

impl From<Refusal> for RateError {
    fn from(refusal: Refusal) -> Self {
        Self::Refused(refusal)
    }
}

/// The score and the comment as stored: the comment trimmed, an empty one none.
pub fn validate(score: i64, comment: Option<&str>) -> Result<(i16, Option<String>), Refusal> {
    let score = i16::try_from(score).ok().filter(|s| (SCORE_MIN..=SCORE_MAX).contains(s)).ok_or(Refusal::BadScore)?;
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > COMMENT_MAX_CHARS || c.contains('\0')) {
        return Err(Refusal::CommentTooLong);
    }
    Ok((score, comment.map(str::to_string)))
}

/// Takes the visitor `contact_id`'s rating of their conversation `id`, in the caller's
/// transaction, if the rule allows it: the conversation is theirs and was resolved, the
/// workspace asks for ratings, the visitor is not blocked, and it is within the window (see the
/// module doc). `agent_id` is the conversation's assignee now. Returns the rating as stored.
pub(crate) fn store(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    contact_id: ContactId,
    id: ConversationId,
    score: i64,
    comment: Option<&str>,
) -> Result<Rating, RateError> {
    let (score, comment) = validate(score, comment)?;
    // Locked: two ratings at once queue one behind the other, the second replacing the first.
    let found: Option<(Option<OffsetDateTime>, Option<UserId>)> = conversations::table
        .filter(conversations::workspace_id.eq(workspace_id))
        .filter(conversations::contact_id.eq(contact_id))
        .filter(conversations::id.eq(id))
        .select((conversations::resolved_at, conversations::assignee_id))
        .for_no_key_update()
        .first(conn)
        .optional()?;
    let Some((resolved_at, assignee)) = found else { return Err(Refusal::NotFound.into()) };
    if crate::conversations::contacts::is_blocked(conn, workspace_id, contact_id)? {
        return Err(Refusal::Blocked.into());
    }
    if !csat_enabled(conn, workspace_id)? {
        return Err(Refusal::Off.into());
    }
    let Some(resolved_at) = resolved_at else { return Err(Refusal::NotResolved.into()) };
    let now = OffsetDateTime::now_utc();
    let window = Duration::days(CHANGE_WINDOW_DAYS);
    let target = conversation_ratings::table
        .filter(conversation_ratings::workspace_id.eq(workspace_id))
        .filter(conversation_ratings::conversation_id.eq(id));
    let existing: Option<Rating> = target.select(Rating::as_select()).first(conn).optional()?;
    let rating = match existing {
        Some(first) if now > first.first_rated_at + window => return Err(Refusal::Closed.into()),
        Some(_) => diesel::update(target)
            .set((
                conversation_ratings::score.eq(score),
                conversation_ratings::comment.eq(&comment),
                conversation_ratings::agent_id.eq(assignee),
                conversation_ratings::rated_at.eq(now),
            ))
            .returning(Rating::as_returning())
            .get_result(conn)?,
        None if now > resolved_at + window => return Err(Refusal::Closed.into()),
        None => diesel::insert_into(conversation_ratings::table)
            .values((
                conversation_ratings::conversation_id.eq(id),
                conversation_ratings::workspace_id.eq(workspace_id),
                conversation_ratings::agent_id.eq(assignee),
                conversation_ratings::score.eq(score),
                conversation_ratings::comment.eq(&comment),
                conversation_ratings::first_rated_at.eq(now),
                conversation_ratings::rated_at.eq(now),
            ))
            .returning(Rating::as_returning())
            .get_result(conn)?,
    };
    Ok(rating)
}

/// Whether the workspace asks visitors to rate resolved conversations.
pub fn csat_enabled(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<bool, AppError> {
    Ok(workspaces::table.find(workspace_id).select(workspaces::csat_enabled).first(conn).optional()?.unwrap_or(false))
}

/// Turns the question on or off (the widget settings form, audited by its caller).
pub fn set_csat_enabled(conn: &mut PgConnection, workspace_id: WorkspaceId, on: bool) -> Result<(), AppError> {
    diesel::update(workspaces::table.find(workspace_id)).set(workspaces::csat_enabled.eq(on)).execute(conn)?;
    Ok(())
}

/// The conversation `id`'s rating, if it has one.
pub fn find(conn: &mut PgConnection, workspace_id: WorkspaceId, id: ConversationId) -> Result<Option<Rating>, AppError> {
    Ok(conversation_ratings::table
        .filter(conversation_ratings::workspace_id.eq(workspace_id))
        .filter(conversation_ratings::conversation_id.eq(id))
        .select(Rating::as_select())
        .first(conn)
        .optional()?)
}

/// The ratings of these conversations of the workspace, by conversation.
pub fn of_conversations(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    ids: &[ConversationId],
) -> Result<HashMap<ConversationId, Rating>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<Rating> = conversation_ratings::table
        .filter(conversation_ratings::workspace_id.eq(workspace_id))
        .filter(conversation_ratings::conversation_id.eq_any(ids))
        .select(Rating::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.conversation_id, r)).collect())
}

/// The ratings per page of [`list`].
pub const LIST_PAGE: i64 = 50;

/// A position in [`list`]: the `rated_at` and conversation of the last row of a page.
pub type ListPosition = (OffsetDateTime, ConversationId);

/// The workspace's ratings given in `[from, to)` (either end open), newest first, after
/// `after`: at most [`LIST_PAGE`], and whether more follow.
pub fn list(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    from: Option<OffsetDateTime>,
    to: Option<OffsetDateTime>,
    after: Option<ListPosition>,
) -> Result<(Vec<Rating>, bool), AppError> {
    let mut query = conversation_ratings::table
        .filter(conversation_ratings::workspace_id.eq(workspace_id))
        .select(Rating::as_select())
        .order((conversation_ratings::rated_at.desc(), conversation_ratings::conversation_id.desc()))
        .limit(LIST_PAGE + 1)
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(conversation_ratings::rated_at.ge(from));
    }
    if let Some(to) = to {
        query = query.filter(conversation_ratings::rated_at.lt(to));
    }
    if let Some((at, id)) = after {
        query = query.filter(
            conversation_ratings::rated_at
                .lt(at)
                .or(conversation_ratings::rated_at.eq(at).and(conversation_ratings::conversation_id.lt(id))),
        );
    }
    let mut rows = query.load(conn)?;
    let more = rows.len() as i64 > LIST_PAGE;
    rows.truncate(LIST_PAGE as usize);
    Ok((rows, more))
}

/// What the widget knows of one of its visitor's conversations about ratings.
#[derive(Serialize, Clone, Debug, Default)]
pub struct VisitorRating {
    /// Whether the visitor may rate it now (or change their rating): the workspace asks, the
    /// conversation was resolved, and the window is open.
    pub csat: bool,
    pub rating: Option<GivenRating>,
}

/// A rating as its visitor sees it.
#[derive(Serialize, Clone, Debug)]
pub struct GivenRating {
    pub score: i16,
    pub comment: Option<String>,
}

#[derive(QueryableByName)]
struct VisitorRatingRow {
    #[diesel(sql_type = SqlUuid)]
    id: ConversationId,
    #[diesel(sql_type = Bool)]
    csat: bool,
    #[diesel(sql_type = Nullable<SmallInt>)]
    score: Option<i16>,
    #[diesel(sql_type = Nullable<Text>)]
    comment: Option<String>,
}

/// [`VisitorRating`]s of the visitor `contact_id`'s conversations `ids`.
pub fn for_visitor(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    contact_id: ContactId,
    ids: &[ConversationId],
) -> Result<HashMap<ConversationId, VisitorRating>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<VisitorRatingRow> = diesel::sql_query(
        "SELECT c.id, (w.csat_enabled AND c.resolved_at IS NOT NULL \
                AND COALESCE(r.first_rated_at, c.resolved_at) > now() - make_interval(days => $4)) AS csat, \
                r.score, r.comment \
         FROM conversations c JOIN workspaces w ON w.id = c.workspace_id \
         LEFT JOIN conversation_ratings r ON r.conversation_id = c.id AND r.workspace_id = c.workspace_id \
         WHERE c.workspace_id = $1 AND c.contact_id = $2 AND c.id = ANY($3)",
    )
    .bind::<SqlUuid, _>(workspace_id)
    .bind::<SqlUuid, _>(contact_id)
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<diesel::sql_types::Integer, _>(CHANGE_WINDOW_DAYS as i32)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let rating = row.score.map(|score| GivenRating { score, comment: row.comment });
            (row.id, VisitorRating { csat: row.csat, rating })
        })
        .collect())
}

/// Called in the transaction that resolves the conversation `id`: when the workspace asks for
/// ratings and the visitor left an email, queues the rating email for when the workspace's
/// follow-up delay has passed ([`crate::jobs`] decides then whether to send it). Returns
/// whether the workspace asks for ratings.
pub(crate) fn on_resolved(conn: &mut PgConnection, workspace_id: WorkspaceId, id: ConversationId) -> Result<bool, AppError> {
    let found: Option<(bool, i32, Option<String>)> = conversations::table
        .inner_join(workspaces::table)
        .inner_join(contacts::table)
        .filter(conversations::workspace_id.eq(workspace_id))
        .filter(conversations::id.eq(id))
        .select((workspaces::csat_enabled, workspaces::followup_delay_seconds, contacts::email))
        .first(conn)
        .optional()?;
    let Some((asks, delay_seconds, email)) = found else { return Ok(false) };
    if asks && email.is_some() {
        let now = OffsetDateTime::now_utc();
        queue::enqueue(
            conn,
            workspace_id,
            JobKind::RatingRequest,
            &format!("rating_request:{id}:{}", now.unix_timestamp()),
            serde_json::json!({ "conversation_id": id }),
            now + Duration::seconds(delay_seconds.into()),
        )?;
    }
    Ok(asks)
}

/// The dedupe key of the one email that asks a conversation's visitor for a rating (alone or
/// with the follow-up of unseen replies): whoever queues it first asks, nobody asks twice.
pub fn request_email_key(id: ConversationId) -> String {
    format!("rating_email:{id}")
}

/// A conversation as the rating email needs it, when its visitor may still be asked.
#[derive(QueryableByName, Debug)]
pub struct Askable {
    #[diesel(sql_type = Text)]
    pub workspace_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub contact_name: Option<String>,
    #[diesel(sql_type = Text)]
    pub contact_email: String,
    #[diesel(sql_type = Timestamptz)]
    pub resolved_at: OffsetDateTime,
}

/// The conversation `id`, locked, if its visitor is to be asked for a rating by email now: it
/// is resolved (not reopened since), the workspace asks, the visitor left an email and is not
/// blocked, has not rated it, and the window is open. Whether they were already asked is the
/// caller's check ([`request_email_key`]).
pub fn askable(conn: &mut PgConnection, workspace_id: WorkspaceId, id: ConversationId) -> Result<Option<Askable>, AppError> {
    Ok(diesel::sql_query(
        "SELECT w.name AS workspace_name, k.name AS contact_name, k.email AS contact_email, c.resolved_at \
         FROM conversations c JOIN workspaces w ON w.id = c.workspace_id JOIN contacts k ON k.id = c.contact_id \
         WHERE c.workspace_id = $1 AND c.id = $2 AND c.status = $3 AND w.csat_enabled \
           AND k.email IS NOT NULL AND k.blocked_at IS NULL \
           AND c.resolved_at > now() - make_interval(days => $4) \
           AND NOT EXISTS (SELECT 1 FROM conversation_ratings r WHERE r.conversation_id = c.id AND r.workspace_id = c.workspace_id) \
         FOR UPDATE OF c",
    )
    .bind::<SqlUuid, _>(workspace_id)
    .bind::<SqlUuid, _>(id)
    .bind::<Text, _>(ConversationStatus::Resolved.as_str())
    .bind::<diesel::sql_types::Integer, _>(CHANGE_WINDOW_DAYS as i32)
    .get_result(conn)
    .optional()?)
}

/// Why a rating link does not work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkProblem {
    /// Not a link Parlor made.
    Forged,
    Expired,
}

/// Makes and reads the links of the rating email: `{PUBLIC_URL}/rate/{token}?score=N`. The
/// token names the conversation and when it expires, signed together with the conversation's
/// workspace under a key of its own derived from `SECRET_KEY`: whoever holds it may rate that
/// one conversation, until then. Reading one is two steps: [`LinkClaim::parse`] says which
/// conversation it claims, whose row gives the workspace; [`RatingLinks::check`] then checks
/// the signature against that workspace.
pub struct RatingLinks {
    key: [u8; 32],
}

/// What a token says, before its signature is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkClaim {
    pub conversation_id: ConversationId,
    expires: i64,
    signature: [u8; 32],
}

impl LinkClaim {
    /// The token's parts; `Forged` for anything that is not shaped like a token.
    pub fn parse(token: &str) -> Result<Self, LinkProblem> {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        if token.len() > 100 {
            return Err(LinkProblem::Forged);
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| LinkProblem::Forged)?;
        if bytes.len() != 56 {
            return Err(LinkProblem::Forged);
        }
        let conversation_id = ConversationId(uuid::Uuid::from_slice(&bytes[..16]).map_err(|_| LinkProblem::Forged)?);
        let mut expires = [0u8; 8];
        expires.copy_from_slice(&bytes[16..24]);
        let mut signature = [0u8; 32];
        signature.copy_from_slice(&bytes[24..]);
        Ok(Self { conversation_id, expires: i64::from_be_bytes(expires), signature })
    }
}

impl RatingLinks {
    pub fn new(secret: &[u8]) -> Self {
        Self { key: hmac_sha256(secret, &[b"parlor rating links"]) }
    }

    fn signature(&self, workspace_id: WorkspaceId, id: ConversationId, expires: i64) -> [u8; 32] {
        hmac_sha256(&self.key, &[workspace_id.as_uuid().as_bytes(), id.0.as_bytes(), &expires.to_be_bytes()])
    }

    /// The token of conversation `id`'s links, working until `expires`.
    pub fn token(&self, workspace_id: WorkspaceId, id: ConversationId, expires: OffsetDateTime) -> String {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        let expires = expires.unix_timestamp();
        let mut bytes = id.0.as_bytes().to_vec();
        bytes.extend_from_slice(&expires.to_be_bytes());
        bytes.extend_from_slice(&self.signature(workspace_id, id, expires));
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Whether Parlor signed `claim` for a conversation of `workspace_id`, and it has not expired.
    pub fn check(&self, claim: &LinkClaim, workspace_id: WorkspaceId, now: OffsetDateTime) -> Result<(), LinkProblem> {
        let (workspace, expires) = (workspace_id.as_uuid(), claim.expires.to_be_bytes());
        let message = [workspace.as_bytes().as_slice(), claim.conversation_id.0.as_bytes(), &expires];
        if !hmac_sha256_matches(&self.key, &message, &claim.signature) {
            return Err(LinkProblem::Forged);
        }
        if now.unix_timestamp() >= claim.expires {
            return Err(LinkProblem::Expired);
        }
        Ok(())
    }
}

/// The workspace of conversation `id`, read from its row: how a rating link's claim finds the
/// workspace its signature is checked against.
pub fn workspace_of(conn: &mut PgConnection, id: ConversationId) -> Result<Option<WorkspaceId>, AppError> {
    Ok(conversations::table.find(id).select(conversations::workspace_id).first(conn).optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_outside_one_to_five_and_long_comments_are_refused() {
        assert_eq!(validate(0, None), Err(Refusal::BadScore));
        assert_eq!(validate(6, None), Err(Refusal::BadScore));
        assert_eq!(validate(i64::from(i16::MAX) + 1, None), Err(Refusal::BadScore));
        assert_eq!(validate(4, Some("  ")), Ok((4, None)));
        assert_eq!(validate(5, Some(" great ")), Ok((5, Some("great".into()))));
        assert_eq!(validate(1, Some(&"é".repeat(COMMENT_MAX_CHARS))).map(|(s, _)| s), Ok(1));
        assert_eq!(validate(1, Some(&"é".repeat(COMMENT_MAX_CHARS + 1))), Err(Refusal::CommentTooLong));
    }

    #[test]
    fn a_link_names_its_conversation_until_it_expires_and_cannot_be_forged() {
        let links = RatingLinks::new(b"secret");
        let (workspace, other) = (WorkspaceId::new(), WorkspaceId::new());
        let conversation = ConversationId::new();
        let now = OffsetDateTime::now_utc();
        let token = links.token(workspace, conversation, now + Duration::days(7));
        let claim = LinkClaim::parse(&token).unwrap();
        assert_eq!(claim.conversation_id, conversation);
        assert_eq!(links.check(&claim, workspace, now), Ok(()));
        assert_eq!(links.check(&claim, workspace, now + Duration::days(8)), Err(LinkProblem::Expired));
        assert_eq!(links.check(&claim, other, now), Err(LinkProblem::Forged));
        assert_eq!(RatingLinks::new(b"other").check(&claim, workspace, now), Err(LinkProblem::Forged));
        let mut tampered = token.into_bytes();
        tampered[30] = if tampered[30] == b'A' { b'B' } else { b'A' };
        let tampered = LinkClaim::parse(&String::from_utf8(tampered).unwrap()).unwrap();
        assert_eq!(links.check(&tampered, workspace, now), Err(LinkProblem::Forged));
        assert_eq!(LinkClaim::parse("nonsense"), Err(LinkProblem::Forged));
    }
}
