//! `/api/v1/labels` and `/api/v1/conversations/{id}/labels`: the workspace's labels (listed
//! with a `read` key, defined and deleted with an `admin` key, as only admins do in the
//! console), and the labels on a conversation (put on and taken off with a `write` key,
//! through [`crate::conversations::actions`]).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{AdminKey, Object, ReadKey, WriteKey, actor, openapi};
use crate::{
    conversations::{
        actions::{self, LabelEdit},
        labels::{self, Label},
    },
    db::{self, ConversationId, LabelId},
    error::AppError,
    state::AppState,
    workspaces::audit,
};

/// Labels, by name.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LabelList {
    data: Vec<Label>,
}

/// A new label.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLabel {
    /// 1 to 40 characters, not only white space, no control characters; unique in the workspace
    /// whatever the case. Runs of white space are stored as one space.
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    name: String,
    /// `#rrggbb`.
    #[schema(pattern = "^#[0-9a-fA-F]{6}$", example = "#2563eb")]
    color: String,
}

/// The label to put on a conversation.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelRef {
    label_id: Uuid,
}

#[utoipa::path(get, path = "/api/v1/labels", tag = "labels", security(("api_key" = ["read"])),
    responses((status = 200, description = "The workspace's labels, by name (at most 100)", body = LabelList),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `read` scope", body = openapi::ErrorBody)))]
pub(super) async fn list_labels(state: web::Data<AppState>, ReadKey(key): ReadKey) -> Result<HttpResponse, AppError> {
    let workspace_id = key.workspace_id;
    let data = db::run(&state.pool, move |conn| labels::list(conn, workspace_id)).await?;
    Ok(HttpResponse::Ok().json(LabelList { data }))
}

#[utoipa::path(post, path = "/api/v1/labels", tag = "labels", request_body = NewLabel, security(("api_key" = ["admin"])),
    responses((status = 201, description = "The label is defined", body = Label),
        (status = 400, description = "The body does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `admin` scope, or its creator is no longer an admin", body = openapi::ErrorBody),
        (status = 409, description = "The name is taken, or the workspace has 100 labels", body = openapi::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = openapi::ErrorBody)))]
pub(super) async fn create_label(
    state: web::Data<AppState>,
    AdminKey(key): AdminKey,
    body: web::Json<Object<NewLabel>>,
) -> Result<HttpResponse, AppError> {
    let Object(NewLabel { name, color }) = body.into_inner();
    let (workspace_id, actor) = (key.workspace_id, actor(&key)?);
    let label = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let label = labels::create(conn, workspace_id, &name, &color)?;
            audit::record(conn, workspace_id, &actor, "label.created", &label.name)?;
            Ok::<_, AppError>(label)
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(label))
}

#[utoipa::path(delete, path = "/api/v1/labels/{id}", tag = "labels",
    params(("id" = Uuid, Path, description = "Label id")), security(("api_key" = ["admin"])),
    responses((status = 204, description = "The label is deleted, and taken off every conversation"),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `admin` scope, or its creator is no longer an admin", body = openapi::ErrorBody),
        (status = 404, description = "No such label in this workspace", body = openapi::ErrorBody)))]
pub(super) async fn delete_label(
    state: web::Data<AppState>,
    AdminKey(key): AdminKey,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let (workspace_id, actor, id) = (key.workspace_id, actor(&key)?, LabelId(path.into_inner()));
    db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let label = labels::delete(conn, workspace_id, id)?;
            audit::record(conn, workspace_id, &actor, "label.deleted", &label.name)?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The labels on the workspace's conversation `id`; `NotFound` for another's.
async fn labels_of(state: &AppState, key: &crate::auth::api_keys::ApiKey, id: ConversationId) -> Result<LabelList, AppError> {
    let workspace_id = key.workspace_id;
    let data = db::run(&state.pool, move |conn| {
        crate::conversations::Conversation::find(conn, workspace_id, crate::conversations::Audience::Agents, id)?
            .ok_or(AppError::NotFound)?;
        labels::on_conversation(conn, workspace_id, id)
    })
    .await?;
    Ok(LabelList { data })
}

#[utoipa::path(get, path = "/api/v1/conversations/{id}/labels", tag = "labels",
    params(("id" = Uuid, Path, description = "Conversation id")), security(("api_key" = ["read"])),
    responses((status = 200, description = "The conversation's labels, by name", body = LabelList),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `read` scope", body = openapi::ErrorBody),
        (status = 404, description = "No such conversation in this workspace", body = openapi::ErrorBody)))]
pub(super) async fn conversation_labels(
    state: web::Data<AppState>,
    ReadKey(key): ReadKey,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(labels_of(&state, &key, ConversationId(path.into_inner())).await?))
}

#[utoipa::path(post, path = "/api/v1/conversations/{id}/labels", tag = "labels",
    params(("id" = Uuid, Path, description = "Conversation id")), request_body = LabelRef, security(("api_key" = ["write"])),
    responses((status = 200, description = "The label is on the conversation (also when it already was); its labels now", body = LabelList),
        (status = 400, description = "The body does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `write` scope", body = openapi::ErrorBody),
        (status = 404, description = "No such conversation or label in this workspace", body = openapi::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = openapi::ErrorBody)))]
pub(super) async fn add_label(
    state: web::Data<AppState>,
    WriteKey(key): WriteKey,
    path: web::Path<Uuid>,
    body: web::Json<Object<LabelRef>>,
) -> Result<HttpResponse, AppError> {
    let Object(LabelRef { label_id }) = body.into_inner();
    let id = ConversationId(path.into_inner());
    actions::edit_label(&state, key.workspace_id, actor(&key)?, id, LabelEdit::Add(LabelId(label_id))).await?;
    Ok(HttpResponse::Ok().json(labels_of(&state, &key, id).await?))
}

#[utoipa::path(delete, path = "/api/v1/conversations/{id}/labels/{label_id}", tag = "labels",
    params(("id" = Uuid, Path, description = "Conversation id"), ("label_id" = Uuid, Path, description = "Label id")),
    security(("api_key" = ["write"])),
    responses((status = 200, description = "The label is off the conversation (also when it was not on it); its labels now", body = LabelList),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `write` scope", body = openapi::ErrorBody),
        (status = 404, description = "No such conversation or label in this workspace", body = openapi::ErrorBody)))]
pub(super) async fn remove_label(
    state: web::Data<AppState>,
    WriteKey(key): WriteKey,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, label_id) = path.into_inner();
    let id = ConversationId(id);
    actions::edit_label(&state, key.workspace_id, actor(&key)?, id, LabelEdit::Remove(LabelId(label_id))).await?;
    Ok(HttpResponse::Ok().json(labels_of(&state, &key, id).await?))
}
