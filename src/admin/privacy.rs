//! Settings, Data and privacy: retention, exporting a contact or the whole workspace,
//! deleting a contact with their messages, deleting the workspace; and the audit log.
//!
//! Exports list the files sent in the chat with a signed link to each (valid for an hour): the
//! bytes stay in storage. Deleting a
//! contact or the workspace deletes their files as well (see [`crate::files`]).
//!
//! Tenant rule: every route takes a [`WorkspaceAdmin`] (agents get 403, other workspaces 404);
//! deleting the workspace also needs its owner. Exports read only the workspace's own rows.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use diesel::{
    prelude::*,
    sql_types::{Text, Uuid as SqlUuid},
};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::EmptyForm;
use crate::realtime::revocation::Revocation;
use crate::web::{Nav, NoticeQuery, Shell};
use crate::{
    auth::{CsrfForm, CsrfToken, WorkspaceAdmin},
    db::{self, ContactId, UploadId, WorkspaceId, schema::contacts},
    error::AppError,
    files::{
        Links,
        links::Variant,
        uploads::{self, FilesOf, SentFile},
    },
    state::AppState,
    web::{render, see_other, utc_minute},
    workspaces::{
        Role, Workspace, audit,
        availability::{Availability, RETENTION_MAX_DAYS},
    },
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/settings/privacy", web::get().to(page))
        .route("/app/{workspace_id}/settings/retention", web::post().to(save_retention))
        .route("/app/{workspace_id}/settings/export", web::get().to(export_workspace))
        .route("/app/{workspace_id}/settings/delete", web::post().to(delete_workspace))
        .route("/app/{workspace_id}/settings/audit", web::get().to(audit_page))
        .route("/app/{workspace_id}/contacts/{contact_id}/export", web::get().to(export_contact))
        .route("/app/{workspace_id}/contacts/{contact_id}/delete", web::post().to(delete_contact));
}

#[derive(Template)]
#[template(path = "app/privacy.html")]
struct PrivacyPage {
    shell: Shell,
    retention_days: String,
    retention_error: Option<String>,
    is_owner: bool,
    delete_error: Option<String>,
}

async fn privacy_page(
    state: &web::Data<AppState>,
    member: &crate::auth::Member,
    csrf: CsrfToken,
    notice: Option<&str>,
    retention: Option<(String, String)>,
    delete_error: Option<String>,
) -> Result<PrivacyPage, AppError> {
    let workspace_id = member.workspace_id();
    let current = db::run(&state.pool, move |conn| Availability::load(conn, workspace_id)).await?;
    let shell = Shell::load(state, member, csrf, Nav::Settings, notice).await?;
    let (retention_days, retention_error) = match retention {
        Some((typed, error)) => (typed, Some(error)),
        None => (current.retention_days.map(|d| d.to_string()).unwrap_or_default(), None),
    };
    Ok(PrivacyPage { shell, retention_days, retention_error, is_owner: member.role == Role::Owner, delete_error })
}

async fn page(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &privacy_page(&state, &member, csrf, query.notice.as_deref(), None, None).await?)
}

#[derive(Deserialize)]
pub struct RetentionForm {
    #[serde(default)]
    retention_days: String,
}

async fn save_retention(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<RetentionForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.retention_days.trim().to_string();
    let days = match typed.as_str() {
        "" => None,
        text => match text.parse::<i32>() {
            Ok(days @ 1..=RETENTION_MAX_DAYS) => Some(days),
            _ => {
                let error = format!("Enter a number of days from 1 to {RETENTION_MAX_DAYS}, or leave it empty to keep everything.");
                let page = privacy_page(&state, &member, csrf, None, Some((typed, error)), None).await?;
                return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
        },
    };
    let workspace_id = member.workspace_id();
    let actor = member.actor();
    let detail = days.map_or("keep everything".to_string(), |d| format!("delete resolved conversations after {d} days"));
    db::run(&state.pool, move |conn| {
        audit::recorded(conn, workspace_id, &actor, "retention.saved", &detail, |conn| {
            let mut current = Availability::load(conn, workspace_id)?;
            current.retention_days = days;
            current.save(conn, workspace_id)
        })
    })
    .await?;
    Ok(see_other(&format!("/app/{workspace_id}/settings/privacy?notice=retention_saved")))
}

/// One contact's data as a JSON document: who they are, what the widget learned, and every
/// conversation with its messages.
const CONTACT_EXPORT: &str = "\
SELECT json_build_object(
    'exported_at', now(),
    'contact', (SELECT to_jsonb(c) - 'workspace_id' FROM contacts c WHERE c.workspace_id = $1 AND c.id = $2),
    'conversations', COALESCE((
        SELECT json_agg(json_build_object(
            'id', v.id, 'status', v.status, 'created_at', v.created_at, 'last_message_at', v.last_message_at,
            'messages', COALESCE((
                SELECT json_agg(json_build_object(
                    'seq', m.seq, 'author_kind', m.author_kind, 'body', m.body, 'private', m.private, 'created_at', m.created_at)
                    ORDER BY m.seq)
                FROM messages m WHERE m.workspace_id = $1 AND m.conversation_id = v.id), '[]'::json))
            ORDER BY v.created_at)
        FROM conversations v WHERE v.workspace_id = $1 AND v.contact_id = $2), '[]'::json)
)::text AS document";

#[derive(QueryableByName)]
struct Document {
    #[diesel(sql_type = Text)]
    document: String,
}

fn contact_exists(conn: &mut PgConnection, workspace_id: WorkspaceId, contact_id: ContactId) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        contacts::table.filter(contacts::workspace_id.eq(workspace_id)).filter(contacts::id.eq(contact_id)),
    ))
    .get_result(conn)?)
}

async fn export_contact(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let contact_id = ContactId(path.1);
    let actor = member.actor();
    let (document, files) = db::run(&state.pool, move |conn| {
        if !contact_exists(conn, workspace_id, contact_id)? {
            return Err(AppError::NotFound);
        }
        let document: Document =
            diesel::sql_query(CONTACT_EXPORT).bind::<SqlUuid, _>(workspace_id).bind::<SqlUuid, _>(contact_id).get_result(conn)?;
        let files = uploads::sent_files(conn, workspace_id, FilesOf::Contact(contact_id))?;
        audit::record(conn, workspace_id, &actor, "contact.exported", &contact_id.to_string())?;
        Ok((document.document, files))
    })
    .await?;
    let mut document: serde_json::Value = serde_json::from_str(&document).map_err(AppError::internal)?;
    document["files"] = exported_files(&state.files.links, workspace_id, files)?;
    let document = serde_json::to_string(&document).map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"contact-{contact_id}.json\"")))
        .insert_header(("Cache-Control", "no-store"))
        .body(document))
}

/// The files of an export, each with a fresh signed link (and one to its thumbnail, for images).
fn exported_files(links: &Links, workspace_id: WorkspaceId, files: Vec<SentFile>) -> Result<serde_json::Value, AppError> {
    let mut listed = Vec::with_capacity(files.len());
    for mut file in files {
        links.sign(workspace_id, std::slice::from_mut(&mut file.attachment));
        let sent_at = file.sent_at.format(&time::format_description::well_known::Rfc3339).map_err(AppError::internal)?;
        let a = file.attachment;
        listed.push(serde_json::json!({
            "id": a.id,
            "name": a.name,
            "content_type": a.content_type,
            "size": a.size,
            "width": a.width,
            "height": a.height,
            "conversation_id": file.conversation_id,
            "private": file.private,
            "sent_at": sent_at,
            "url": a.url,
            "thumbnail_url": a.thumbnail_url,
        }));
    }
    Ok(serde_json::Value::Array(listed))
}

async fn delete_contact(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let contact_id = ContactId(path.1);
    let actor = member.actor();
    db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            // Conversations, messages and visitor sessions go with the contact (ON DELETE CASCADE).
            let deleted =
                diesel::delete(contacts::table.filter(contacts::workspace_id.eq(workspace_id)).filter(contacts::id.eq(contact_id)))
                    .execute(conn)?;
            if deleted == 0 {
                return Err(AppError::NotFound);
            }
            audit::record(conn, workspace_id, &actor, "contact.deleted", &contact_id.to_string())
        })
    })
    .await?;
    state.realtime.revoke(Revocation::Contact(workspace_id, contact_id));
    Ok(see_other(&format!("/app/{workspace_id}/inbox?notice=contact_deleted")))
}

/// The tables of a workspace export, in order: a line kind and the query of one page of rows
/// after a given id. Secrets (identity secret, API key digests, webhook secrets) are left out.
/// `file` lines (attachments of messages) get a signed link as they are written.
const EXPORT_TABLES: [(&str, &str); 12] = [
    (
        "member",
        "SELECT m.user_id AS id, to_jsonb(r) AS row FROM memberships m JOIN LATERAL (SELECT u.name, u.email, m.role, m.created_at AS joined_at FROM users u WHERE u.id = m.user_id) r ON true WHERE m.workspace_id = $1 AND m.user_id > $2 ORDER BY m.user_id LIMIT 1000",
    ),
    (
        "widget_settings",
        "SELECT s.workspace_id AS id, to_jsonb(s) - 'identity_secret' AS row FROM widget_settings s WHERE s.workspace_id = $1 AND s.workspace_id > $2 LIMIT 1000",
    ),
    (
        // Its texts in languages other than the default, and the rating question of each (at
        // most one row a language, so one page holds them all).
        "workspace_text",
        "SELECT t.workspace_id AS id, to_jsonb(t) - 'workspace_id' AS row FROM workspace_texts t WHERE t.workspace_id = $1 AND t.workspace_id > $2 LIMIT 1000",
    ),
    (
        "canned_response",
        "SELECT c.id, to_jsonb(c) - 'workspace_id' AS row FROM canned_responses c WHERE c.workspace_id = $1 AND c.id > $2 ORDER BY c.id LIMIT 1000",
    ),
    (
        "label",
        "SELECT l.id, to_jsonb(l) - 'workspace_id' AS row FROM labels l WHERE l.workspace_id = $1 AND l.id > $2 ORDER BY l.id LIMIT 1000",
    ),
    (
        "contact_attribute",
        "SELECT a.id, to_jsonb(a) - 'workspace_id' AS row FROM contact_attributes a WHERE a.workspace_id = $1 AND a.id > $2 ORDER BY a.id LIMIT 1000",
    ),
    (
        "webhook_endpoint",
        "SELECT e.id, to_jsonb(e) - 'secret' - 'workspace_id' AS row FROM webhook_endpoints e WHERE e.workspace_id = $1 AND e.id > $2 ORDER BY e.id LIMIT 1000",
    ),
    (
        "contact",
        "SELECT c.id, to_jsonb(c) - 'workspace_id' AS row FROM contacts c WHERE c.workspace_id = $1 AND c.id > $2 ORDER BY c.id LIMIT 1000",
    ),
    (
        "conversation",
        "SELECT c.id, to_jsonb(c) - 'workspace_id' || jsonb_build_object('label_ids', (SELECT coalesce(jsonb_agg(cl.label_id ORDER BY cl.label_id), '[]') FROM conversation_labels cl WHERE cl.conversation_id = c.id)) AS row FROM conversations c WHERE c.workspace_id = $1 AND c.id > $2 ORDER BY c.id LIMIT 1000",
    ),
    (
        "message",
        "SELECT m.id, to_jsonb(m) - 'workspace_id' AS row FROM messages m WHERE m.workspace_id = $1 AND m.id > $2 ORDER BY m.id LIMIT 1000",
    ),
    (
        "file",
        "SELECT u.id, jsonb_build_object('id', u.id, 'name', u.name, 'content_type', u.content_type, 'size', u.size, 'width', u.width, 'height', u.height, 'conversation_id', u.conversation_id, 'message_id', u.message_id, 'contact_id', u.contact_id, 'private', m.private, 'sent_at', m.created_at) AS row FROM uploads u JOIN messages m ON m.id = u.message_id AND m.workspace_id = $1 WHERE u.workspace_id = $1 AND u.id > $2 ORDER BY u.id LIMIT 1000",
    ),
    (
        "audit_event",
        "SELECT a.id, to_jsonb(a) - 'workspace_id' AS row FROM audit_events a WHERE a.workspace_id = $1 AND a.id > $2 ORDER BY a.id LIMIT 1000",
    ),
];

#[derive(QueryableByName)]
struct ExportRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    row: serde_json::Value,
}

/// Writes the export page by page into `out`; stops early when the download was cancelled.
fn write_export(
    pool: &db::DbPool,
    links: &Links,
    workspace: &Workspace,
    out: &tokio::sync::mpsc::Sender<Result<web::Bytes, std::io::Error>>,
) -> Result<(), AppError> {
    let mut conn = pool.get()?;
    let header = serde_json::json!({
        "type": "workspace",
        "row": { "id": workspace.id, "name": workspace.name, "site_key": workspace.site_key, "created_at": utc_minute(workspace.created_at) },
    });
    if out.blocking_send(Ok(web::Bytes::from(format!("{header}\n")))).is_err() {
        return Ok(());
    }
    for (kind, query) in EXPORT_TABLES {
        let mut after = Uuid::nil();
        loop {
            let rows: Vec<ExportRow> =
                diesel::sql_query(query).bind::<SqlUuid, _>(workspace.id).bind::<SqlUuid, _>(after).load(&mut conn)?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            let full = rows.len() == 1000;
            let mut chunk = String::new();
            let now = time::OffsetDateTime::now_utc();
            for mut row in rows {
                if kind == "file" {
                    row.row["url"] = links.link(workspace.id, UploadId(row.id), Variant::File, now).into();
                }
                chunk.push_str(&serde_json::json!({ "type": kind, "row": row.row }).to_string());
                chunk.push('\n');
            }
            if out.blocking_send(Ok(web::Bytes::from(chunk))).is_err() {
                return Ok(());
            }
            if !full {
                break;
            }
        }
    }
    Ok(())
}

/// All of the workspace's data as JSON lines (one object per line, `type` and `row`),
/// streamed page by page: memory stays flat whatever the workspace's size.
async fn export_workspace(state: web::Data<AppState>, WorkspaceAdmin(member): WorkspaceAdmin) -> Result<HttpResponse, AppError> {
    let workspace = member.workspace.clone();
    let workspace_id = workspace.id;
    let actor = member.actor();
    db::run(&state.pool, move |conn| audit::record(conn, workspace_id, &actor, "workspace.exported", "")).await?;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<web::Bytes, std::io::Error>>(4);
    let pool = state.pool.clone();
    let links = state.files.links.clone();
    actix_web::rt::task::spawn_blocking(move || {
        if let Err(error) = write_export(&pool, &links, &workspace, &sender) {
            tracing::error!(error = ?error, "workspace export failed");
            let _ = sender.blocking_send(Err(std::io::Error::other("the export failed")));
        }
    });
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) });
    Ok(HttpResponse::Ok()
        .content_type("application/x-ndjson")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"parlor-{workspace_id}.jsonl\"")))
        .insert_header(("Cache-Control", "no-store"))
        .streaming(body))
}

#[derive(Deserialize)]
pub struct DeleteWorkspaceForm {
    #[serde(default)]
    confirm_name: String,
}

async fn delete_workspace(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<DeleteWorkspaceForm>,
) -> Result<HttpResponse, AppError> {
    if member.role != Role::Owner {
        return Err(AppError::Forbidden("Only the workspace's owner can delete it.".into()));
    }
    if form.confirm_name.trim() != member.workspace.name {
        let error = format!("Type the workspace's name, {}, exactly, to confirm.", member.workspace.name);
        let page = privacy_page(&state, &member, csrf, None, None, Some(error)).await?;
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let workspace_id = member.workspace_id();
    db::run(&state.pool, move |conn| {
        // Everything the workspace owns goes with it (ON DELETE CASCADE).
        diesel::delete(crate::db::schema::workspaces::table.find(workspace_id)).execute(conn)?;
        Ok(())
    })
    .await?;
    // Every socket into it, agents' and visitors', on every instance.
    state.realtime.revoke(Revocation::Workspace(workspace_id));
    tracing::info!(workspace.id = %workspace_id, "workspace deleted by its owner");
    Ok(see_other("/app?notice=workspace_deleted"))
}

pub struct AuditRow {
    pub when: String,
    pub actor: String,
    pub action: &'static str,
    pub code: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "app/audit.html")]
struct AuditPage {
    shell: Shell,
    events: Vec<AuditRow>,
    next: Option<Uuid>,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    before: Option<Uuid>,
}

async fn audit_page(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let before = query.before;
    let events = db::run(&state.pool, move |conn| audit::list(conn, workspace_id, before)).await?;
    let next = (events.len() as i64 == audit::PAGE_SIZE).then(|| events.last().map(|e| e.id)).flatten();
    let events = events
        .into_iter()
        .map(|e| AuditRow {
            when: utc_minute(e.created_at),
            actor: e.actor_name,
            action: audit::describe(&e.action),
            code: e.action,
            detail: e.detail,
        })
        .collect();
    let shell = Shell::load(&state, &member, csrf, Nav::Settings, None).await?;
    render(StatusCode::OK, &AuditPage { shell, events, next })
}
