//! Search in the inbox: messages and contacts of the workspace matching what an agent typed,
//! with the matched words marked.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::{describe_time, queries};
use crate::{
    auth::{CsrfToken, Member},
    db,
    error::AppError,
    state::AppState,
    web::{Nav, Shell, render},
};

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// A search hit, with its matched words marked.
pub struct HitView {
    pub kind: String,
    pub conversation_id: Option<Uuid>,
    pub name: String,
    pub email: Option<String>,
    pub parts: Vec<(String, bool)>,
    pub when: String,
}

/// Splits ts_headline's `«match»` markers into (text, matched) parts, escaped later by askama.
fn marked(snippet: &str) -> Vec<(String, bool)> {
    let mut parts = Vec::new();
    let mut rest = snippet;
    while let Some(start) = rest.find('«') {
        parts.push((rest[..start].to_string(), false));
        let after = &rest[start + '«'.len_utf8()..];
        match after.find('»') {
            Some(end) => {
                parts.push((after[..end].to_string(), true));
                rest = &after[end + '»'.len_utf8()..];
            }
            None => {
                rest = after;
                break;
            }
        }
    }
    parts.push((rest.to_string(), false));
    parts.retain(|(text, _)| !text.is_empty());
    parts
}

#[derive(Template)]
#[template(path = "app/search.html")]
struct SearchPage {
    shell: Shell,
    q: String,
    hits: Vec<HitView>,
    searched: bool,
}

pub(super) async fn search_page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let q: String = query.q.trim().chars().take(200).collect();
    let hits = if q.is_empty() {
        Vec::new()
    } else {
        let text = q.clone();
        db::run(&state.pool, move |conn| queries::search(conn, workspace_id, &text)).await?
    };
    let hits = hits
        .into_iter()
        .map(|hit| HitView {
            name: hit.contact_name.clone().unwrap_or_else(|| queries::friendly_name(hit.contact_id)),
            email: hit.contact_email,
            parts: marked(&hit.snippet),
            when: describe_time(hit.at),
            conversation_id: hit.conversation_id,
            kind: hit.kind,
        })
        .collect();
    let shell = Shell::load(&state, &member, csrf, Nav::Inbox, None).await?;
    render(StatusCode::OK, &SearchPage { shell, searched: !q.is_empty(), q, hits })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_snippets_split_into_marked_parts() {
        assert_eq!(
            marked("my «refund» is late «again»"),
            vec![("my ".into(), false), ("refund".into(), true), (" is late ".into(), false), ("again".into(), true)]
        );
        assert_eq!(marked("no match"), vec![("no match".into(), false)]);
    }
}
