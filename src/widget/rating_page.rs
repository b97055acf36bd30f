//! The page a rating email's links open (`/rate/{token}?score=N`): the visitor of a resolved
//! conversation chooses a score, may add a comment, and sends it. Opening a link records
//! nothing (mail scanners open links before people do): only the form's POST does, through
//! [`actions::rate`] and its rule. The signed token is what authorises the form, so it needs
//! no session and no CSRF token; the POST is limited per IP.
//!
//! Tenant rule: the token names one conversation and is signed with its workspace
//! ([`RatingLinks`]); the workspace is read from the conversation's row and the signature
//! checked against it, and every query after that takes that `WorkspaceId`. A forged token
//! answers 404, an expired one 410, and nothing is stored.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use crate::{
    conversations::{
        actions,
        ratings::{self, COMMENT_MAX_CHARS, LinkClaim, LinkProblem, RateError, RatingLinks, Refusal, SCORE_MAX, SCORE_MIN},
    },
    db::{
        self, ContactId, ConversationId, WorkspaceId,
        schema::{contacts, conversations, workspaces},
    },
    error::AppError,
    state::AppState,
    web::{client_ip, render},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/rate/{token}", web::get().to(page)).route("/rate/{token}", web::post().to(send));
}

/// The choices, with the words each one is read out with.
const CHOICES: [(i16, &str); 5] = [(1, "Very bad"), (2, "Bad"), (3, "Okay"), (4, "Good"), (5, "Very good")];

#[derive(Template)]
#[template(path = "rate.html")]
struct RatePage {
    workspace: String,
    token: String,
    choices: [(i16, &'static str); 5],
    chosen: Option<i16>,
    comment: String,
    comment_max: usize,
    error: Option<String>,
}

impl RatePage {
    fn is_chosen(&self, score: &i16) -> bool {
        self.chosen == Some(*score)
    }
}

#[derive(Template)]
#[template(path = "rate_done.html")]
struct DonePage {
    workspace: String,
    /// `None` when the page says why no rating can be taken.
    score: Option<i16>,
    message: String,
}

/// The conversation a token names, as the page needs it.
struct Rated {
    workspace_id: WorkspaceId,
    id: ConversationId,
    workspace: String,
    contact_id: ContactId,
    contact_name: Option<String>,
    current: Option<ratings::Rating>,
}

/// The conversation of a genuine, unexpired token; `Err` is the page to answer instead.
async fn open(state: &AppState, token: &str) -> Result<Result<Rated, HttpResponse>, AppError> {
    let Ok(claim) = LinkClaim::parse(token) else { return Ok(Err(problem(LinkProblem::Forged)?)) };
    let links = RatingLinks::new(state.settings.secret_bytes());
    let id = claim.conversation_id;
    let found = db::run(&state.pool, move |conn| {
        let Some(workspace_id) = ratings::workspace_of(conn, id)? else { return Ok(Err(LinkProblem::Forged)) };
        if let Err(problem) = links.check(&claim, workspace_id, time::OffsetDateTime::now_utc()) {
            return Ok(Err(problem));
        }
        let (workspace, contact_id, contact_name): (String, ContactId, Option<String>) = conversations::table
            .inner_join(workspaces::table)
            .inner_join(contacts::table)
            .filter(conversations::workspace_id.eq(workspace_id))
            .filter(conversations::id.eq(id))
            .select((workspaces::name, contacts::id, contacts::name))
            .first(conn)?;
        let current = ratings::find(conn, workspace_id, id)?;
        Ok(Ok(Rated { workspace_id, id, workspace, contact_id, contact_name, current }))
    })
    .await?;
    Ok(match found {
        Ok(rated) => Ok(rated),
        Err(link) => Err(problem(link)?),
    })
}

/// The page of a link that does not work: 404 for one Parlor did not make, 410 for an expired one.
fn problem(link: LinkProblem) -> Result<HttpResponse, AppError> {
    let (status, message) = match link {
        LinkProblem::Forged => (StatusCode::NOT_FOUND, "This rating link is not valid. Check that it was copied whole from the email."),
        LinkProblem::Expired => {
            (StatusCode::GONE, "This rating link has expired: ratings are taken for 7 days after a conversation is resolved.")
        }
    };
    render(status, &DonePage { workspace: String::new(), score: None, message: message.into() })
}

#[derive(Deserialize)]
struct ScoreQuery {
    score: Option<String>,
}

/// `GET /rate/{token}?score=N`: the form, with N chosen (or the visitor's current rating).
/// Records nothing.
async fn page(state: web::Data<AppState>, path: web::Path<String>, query: web::Query<ScoreQuery>) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let rated = match open(&state, &token).await? {
        Ok(rated) => rated,
        Err(page) => return Ok(page),
    };
    let asked = query.score.as_deref().and_then(|s| s.parse::<i16>().ok()).filter(|s| (SCORE_MIN..=SCORE_MAX).contains(s));
    let chosen = asked.or(rated.current.as_ref().map(|r| r.score));
    let comment = rated.current.and_then(|r| r.comment).unwrap_or_default();
    let page =
        RatePage { workspace: rated.workspace, token, choices: CHOICES, chosen, comment, comment_max: COMMENT_MAX_CHARS, error: None };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
struct RateForm {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
}

/// `POST /rate/{token}`: records the rating through the actions module and thanks the
/// visitor; a refusal shows the form again (a bad score or comment) or says why no rating is
/// taken. Nothing is stored for a refused one.
async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<RateForm>,
) -> Result<HttpResponse, AppError> {
    state.limiters.ratings_per_ip.check(&client_ip(&req))?;
    let token = path.into_inner();
    let RateForm { score, comment } = form.into_inner();
    let rated = match open(&state, &token).await? {
        Ok(rated) => rated,
        Err(page) => return Ok(page),
    };
    let workspace = rated.workspace.clone();
    let outcome = match score.trim().parse::<i64>() {
        Ok(score) => {
            actions::rate(&state, rated.workspace_id, rated.contact_id, rated.contact_name, rated.id, score, Some(comment.clone())).await
        }
        Err(_) => Err(RateError::Refused(Refusal::BadScore)),
    };
    match outcome {
        Ok(rating) => {
            render(StatusCode::OK, &DonePage { workspace, score: Some(rating.score), message: "Thanks for your feedback.".into() })
        }
        Err(RateError::Refused(refusal @ (Refusal::BadScore | Refusal::CommentTooLong))) => {
            let chosen = score.trim().parse::<i16>().ok().filter(|s| (SCORE_MIN..=SCORE_MAX).contains(s));
            let page = RatePage {
                workspace,
                token,
                choices: CHOICES,
                chosen,
                comment,
                comment_max: COMMENT_MAX_CHARS,
                error: Some(refusal.message()),
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(RateError::Refused(refusal)) => {
            let status = match refusal {
                Refusal::NotFound => StatusCode::NOT_FOUND,
                Refusal::Closed => StatusCode::GONE,
                _ => StatusCode::FORBIDDEN,
            };
            render(status, &DonePage { workspace, score: None, message: refusal.message() })
        }
        Err(RateError::Failed(error)) => Err(error),
    }
}
