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

use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
    web,
};
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
    i18n::Tr,
    state::AppState,
    web::{client_ip, render},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/rate/{token}", web::get().to(page)).route("/rate/{token}", web::post().to(send));
}

/// The choices, with the words each one is read out with, in the visitor's language.
fn choices(tr: Tr) -> Vec<(i16, String)> {
    (SCORE_MIN..=SCORE_MAX).map(|score| (score, tr.t(&format!("rating-words-{score}")))).collect()
}

#[derive(Template)]
#[template(path = "rate.html")]
struct RatePage {
    tr: Tr,
    workspace: String,
    token: String,
    choices: Vec<(i16, String)>,
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
    tr: Tr,
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
    /// The visitor's language: their browser's now, else the one they chatted in, else the
    /// workspace's default.
    tr: Tr,
}

/// The conversation of a genuine, unexpired token; `Err` is the page to answer instead.
async fn open(req: &HttpRequest, state: &AppState, token: &str) -> Result<Result<Rated, HttpResponse>, AppError> {
    let browser = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map(str::to_string);
    let Ok(claim) = LinkClaim::parse(token) else {
        return Ok(Err(problem(Tr::for_visitor(&[browser.as_deref()], "en"), LinkProblem::Forged)?));
    };
    let links = RatingLinks::new(state.settings.secret_bytes());
    let id = claim.conversation_id;
    let asked = browser.clone();
    let found = db::run(&state.pool, move |conn| {
        let Some(workspace_id) = ratings::workspace_of(conn, id)? else { return Ok(Err(LinkProblem::Forged)) };
        if let Err(problem) = links.check(&claim, workspace_id, time::OffsetDateTime::now_utc()) {
            return Ok(Err(problem));
        }
        let (workspace, default_language, contact_id, contact_name, contact_language): (
            String,
            String,
            ContactId,
            Option<String>,
            Option<String>,
        ) = conversations::table
            .inner_join(workspaces::table)
            .inner_join(contacts::table)
            .filter(conversations::workspace_id.eq(workspace_id))
            .filter(conversations::id.eq(id))
            .select((workspaces::name, workspaces::default_language, contacts::id, contacts::name, contacts::language))
            .first(conn)?;
        let current = ratings::find(conn, workspace_id, id)?;
        let tr = Tr::for_visitor(&[asked.as_deref(), contact_language.as_deref()], &default_language);
        Ok(Ok(Rated { workspace_id, id, workspace, contact_id, contact_name, current, tr }))
    })
    .await?;
    Ok(match found {
        Ok(rated) => Ok(rated),
        Err(link) => Err(problem(Tr::for_visitor(&[browser.as_deref()], "en"), link)?),
    })
}

/// The page of a link that does not work: 404 for one Parlor did not make, 410 for an expired one.
fn problem(tr: Tr, link: LinkProblem) -> Result<HttpResponse, AppError> {
    let (status, message) = match link {
        LinkProblem::Forged => (StatusCode::NOT_FOUND, tr.t("rate-page-forged")),
        LinkProblem::Expired => (StatusCode::GONE, tr.t("rate-page-expired")),
    };
    render(status, &DonePage { tr, workspace: String::new(), score: None, message })
}

#[derive(Deserialize)]
struct ScoreQuery {
    score: Option<String>,
}

/// `GET /rate/{token}?score=N`: the form, with N chosen (or the visitor's current rating).
/// Records nothing.
async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ScoreQuery>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let rated = match open(&req, &state, &token).await? {
        Ok(rated) => rated,
        Err(page) => return Ok(page),
    };
    let asked = query.score.as_deref().and_then(|s| s.parse::<i16>().ok()).filter(|s| (SCORE_MIN..=SCORE_MAX).contains(s));
    let chosen = asked.or(rated.current.as_ref().map(|r| r.score));
    let comment = rated.current.and_then(|r| r.comment).unwrap_or_default();
    let tr = rated.tr;
    let page = RatePage {
        tr,
        workspace: rated.workspace,
        token,
        choices: choices(tr),
        chosen,
        comment,
        comment_max: COMMENT_MAX_CHARS,
        error: None,
    };
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
    let rated = match open(&req, &state, &token).await? {
        Ok(rated) => rated,
        Err(page) => return Ok(page),
    };
    let (workspace, tr) = (rated.workspace.clone(), rated.tr);
    let outcome = match score.trim().parse::<i64>() {
        Ok(score) => {
            actions::rate(&state, rated.workspace_id, rated.contact_id, rated.contact_name, rated.id, score, Some(comment.clone())).await
        }
        Err(_) => Err(RateError::Refused(Refusal::BadScore)),
    };
    match outcome {
        Ok(rating) => render(StatusCode::OK, &DonePage { tr, workspace, score: Some(rating.score), message: String::new() }),
        Err(RateError::Refused(refusal @ (Refusal::BadScore | Refusal::CommentTooLong))) => {
            let chosen = score.trim().parse::<i16>().ok().filter(|s| (SCORE_MIN..=SCORE_MAX).contains(s));
            let page = RatePage {
                tr,
                workspace,
                token,
                choices: choices(tr),
                chosen,
                comment,
                comment_max: COMMENT_MAX_CHARS,
                error: Some(refusal.text(tr)),
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(RateError::Refused(refusal)) => {
            let status = match refusal {
                Refusal::NotFound => StatusCode::NOT_FOUND,
                Refusal::Closed => StatusCode::GONE,
                _ => StatusCode::FORBIDDEN,
            };
            render(status, &DonePage { tr, workspace, score: None, message: refusal.text(tr) })
        }
        Err(RateError::Failed(error)) => Err(error),
    }
}
